"""Inspections under joint approval (DESIGN §4), through the real server: the whole lifecycle, and
every rule broken once with its status, its reason, and nothing written."""

from __future__ import annotations

import json
import threading
from typing import Any

import grpc
import pytest

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import public_service_pb2 as public_pb
from inspection.v1 import registry_service_pb2 as reg
from tests.inspection_support import (
    LEGAL,
    SUPERVISION,
    Department,
    approve,
    attempts_since,
    enterprise_md,
    head,
    kinds,
    local,
    make_enterprise,
    rejected,
    request_for,
    token,
)
from tests.support import day

FP = grpc.StatusCode.FAILED_PRECONDITION


@pytest.fixture(scope="module")
def admin() -> list[tuple[str, str]]:
    """An admin token that outlives the clock jumps these tests make."""
    return token(Role.ADMIN, sub="admin-1")


@pytest.fixture(autouse=True)
def monday_morning(clock: SettableClock) -> None:
    """Every test starts on Monday 16 March 2026, 10:00 in the district (not a quiet day)."""
    clock.set(local(2026, 3, 16))


def _count(inspections: Any, uscc: str) -> int:
    return len(inspections.ListInspections(pb.ListInspectionsRequest(uscc=uscc), metadata=LEGAL).inspections)


# --- the whole lifecycle ------------------------------------------------------------------------


def test_lifecycle_from_request_to_published_result(
    registry: Any,
    cards: Any,
    inspections: Any,
    public: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    requested = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md)
    inspection_id = requested.inspection.id
    assert requested.inspection.state == pb.INSPECTION_STATE_REQUESTED
    assert requested.card_head.seq == 2
    assert not requested.joint_check_suggested
    assert requested.inspection.decision_due_time.ToDatetime().isoformat() == "2026-03-18T16:00:00"

    first = inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE, comment="合法"),
        metadata=LEGAL,
    )
    assert first.inspection.state == pb.INSPECTION_STATE_REQUESTED
    assert first.inspection.inspection_code == ""
    second = inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE, comment="同意"),
        metadata=SUPERVISION,
    )
    assert second.inspection.state == pb.INSPECTION_STATE_APPROVED
    code = second.inspection.inspection_code
    assert len(code) >= 20
    assert {a.office for a in second.inspection.approvals} == {
        common_pb.OFFICE_LEGAL_OFFICE,
        common_pb.OFFICE_SUPERVISION,
    }
    assert second.card_head.seq == 4

    # On the doorstep: the enterprise sees who, what, on which basis, approved by whom, valid when.
    clock.set(local(2026, 3, 23))
    seen = inspections.VerifyInspectionCode(
        pb.VerifyInspectionCodeRequest(inspection_code=code), metadata=enterprise_md(uscc)
    )
    assert seen.valid and seen.reason == ""
    assert seen.inspection.participants[0].inspectors[0].name == "张0明"
    assert seen.inspection.inspection_code == ""
    anonymous = inspections.VerifyInspectionCode(pb.VerifyInspectionCodeRequest(inspection_code=code))
    assert anonymous.valid
    assert anonymous.inspection.participants[0].inspectors[0].name == "张**"
    assert {a.principal for a in anonymous.inspection.approvals} == {
        "l***************",
        "s********************",
    }
    assert anonymous.inspection.requested_by == "c*********"
    assert anonymous.inspection.participants[0].items[0].legal_basis

    checked_in = inspections.CheckIn(
        pb.CheckInRequest(inspection_code=code, inspector_ids=scjg.inspectors[:2]), metadata=scjg.md
    )
    assert checked_in.inspection.state == pb.INSPECTION_STATE_IN_PROGRESS
    assert checked_in.inspection.visit_date == day("2026-03-23")
    assert all(i.present for i in checked_in.inspection.participants[0].inspectors)

    recorded = inspections.RecordResult(
        pb.RecordResultRequest(
            inspection_id=inspection_id,
            result=common_pb.InspectionResult(
                outcome=common_pb.OUTCOME_ISSUES_FOUND,
                findings="消防通道堵塞",
                handling=common_pb.HANDLING_RECTIFICATION,
                rectification_deadline=day("2026-04-30"),
            ),
        ),
        metadata=scjg.md,
    )
    assert recorded.inspection.state == pb.INSPECTION_STATE_COMPLETED
    assert recorded.inspection.publication_due_time.seconds > 0

    published = inspections.PublishResult(
        pb.PublishResultRequest(inspection_id=inspection_id), metadata=scjg.md
    )
    assert published.inspection.state == pb.INSPECTION_STATE_PUBLISHED

    feed = public.ListPublishedResults(public_pb.ListPublishedResultsRequest(uscc=uscc))
    assert [r.inspection_id for r in feed.results] == [inspection_id]
    assert feed.results[0].inspectors == ["张**", "张**"]
    assert feed.results[0].result.findings == "消防通道堵塞"

    rated = inspections.RateInspection(
        pb.RateInspectionRequest(inspection_id=inspection_id, score=5, comment="规范"),
        metadata=enterprise_md(uscc),
    )
    assert rated.inspection.rating.score == 5

    assert kinds(cards, uscc) == [
        "CARD_ISSUED",
        "INSPECTION_REQUESTED",
        "INSPECTION_DECIDED",
        "INSPECTION_APPROVED",
        "INSPECTION_CHECKED_IN",
        "INSPECTION_RESULT_RECORDED",
        "INSPECTION_PUBLISHED",
        "INSPECTION_RATED",
    ]
    verified = cards.VerifyCard(card_pb.VerifyCardRequest(uscc=uscc), metadata=LEGAL)
    assert verified.valid and verified.entries_checked == 8
    assert verified.head.entry_hash == rated.card_head.entry_hash
    entries = cards.ListCardEntries(card_pb.ListCardEntriesRequest(uscc=uscc), metadata=LEGAL).entries
    assert all(e.inspection_id == inspection_id for e in entries[1:])
    assert json.loads(entries[3].payload_json)["approved_by"] == [
        "legal_office:legal-reviewer-1",
        "supervision:supervision-auditor-1",
    ]
    summary = cards.GetCard(card_pb.GetCardRequest(uscc=uscc), metadata=enterprise_md(uscc))
    assert [(c.department_code, c.inspections) for c in summary.inspections_this_year] == [("SCJG", 1)]
    assert summary.open_inspections == 0


def test_approvals_in_either_order(registry: Any, inspections: Any, admin: Any, scjg: Department) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md).inspection.id
    inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE),
        metadata=SUPERVISION,
    )
    done = inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE), metadata=LEGAL
    )
    assert done.inspection.state == pb.INSPECTION_STATE_APPROVED
    assert done.inspection.inspection_code


def test_a_rejection_by_either_office_ends_the_request(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md).inspection.id
    inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE), metadata=LEGAL
    )
    done = inspections.DecideInspection(
        pb.DecideInspectionRequest(
            inspection_id=inspection_id, decision=pb.DECISION_REJECT, comment="依据不足"
        ),
        metadata=SUPERVISION,
    )
    assert done.inspection.state == pb.INSPECTION_STATE_REJECTED
    assert done.inspection.inspection_code == ""
    assert kinds(cards, uscc)[-1] == "INSPECTION_REJECTED"


# --- separation of duties and the decision state machine -------------------------------------


def test_decision_rules(registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md).inspection.id
    inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE), metadata=LEGAL
    )
    before = head(cards, uscc)

    def decide(md: Any, decision: int = pb.DECISION_APPROVE, comment: str = "") -> Any:
        return lambda: inspections.DecideInspection(
            pb.DecideInspectionRequest(inspection_id=inspection_id, decision=decision, comment=comment),
            metadata=md,
        )

    same_person = token(Role.SUPERVISION, sub="legal-reviewer-1")
    assert rejected(decide(same_person)) == (FP, "SAME_PRINCIPAL")
    assert rejected(decide(LEGAL)) == (FP, "ALREADY_DECIDED")
    assert rejected(decide(scjg.md)) == (grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_ALLOWED")
    assert rejected(decide(SUPERVISION, pb.DECISION_UNSPECIFIED)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert rejected(decide(SUPERVISION, pb.DECISION_REJECT)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert head(cards, uscc) == before

    inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_REJECT, comment="no"),
        metadata=SUPERVISION,
    )
    after_reject = head(cards, uscc)
    assert rejected(decide(token(Role.LEGAL_OFFICE, sub="legal-2"))) == (FP, "NOT_PENDING")
    assert rejected(
        lambda: inspections.DecideInspection(
            pb.DecideInspectionRequest(inspection_id="I-nope", decision=pb.DECISION_APPROVE), metadata=LEGAL
        )
    ) == (grpc.StatusCode.NOT_FOUND, "NOT_FOUND")
    assert head(cards, uscc) == after_reject


def test_late_decision_counts_and_is_marked_late(
    registry: Any, inspections: Any, admin: Any, scjg: Department, clock: SettableClock
) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = inspections.RequestInspection(
        request_for(scjg, uscc, start="2026-03-30", end="2026-04-03"), metadata=scjg.md
    ).inspection.id
    inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE), metadata=LEGAL
    )
    clock.set(local(2026, 3, 19))  # due end of Wednesday 18 March
    done = inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE),
        metadata=SUPERVISION,
    )
    assert done.inspection.state == pb.INSPECTION_STATE_APPROVED
    late = {a.office: a.late for a in done.inspection.approvals}
    assert late == {common_pb.OFFICE_LEGAL_OFFICE: False, common_pb.OFFICE_SUPERVISION: True}


# --- request rules --------------------------------------------------------------------------------


def test_request_rules_each_refused_and_nothing_written(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    registry.CreateRecusal(
        reg.CreateRecusalRequest(
            recusal=reg.Recusal(inspector_id=scjg.inspectors[2], uscc=uscc, reason="亲属")
        ),
        metadata=admin,
    )
    before = head(cards, uscc)
    cases = [
        (request_for(scjg, uscc, inspectors=scjg.inspectors[:1]), FP, "TOO_FEW_INSPECTORS"),
        (
            request_for(scjg, uscc, inspectors=[scjg.inspectors[0], yjgl.inspectors[0]]),
            FP,
            "INSPECTOR_NOT_OF_DEPARTMENT",
        ),
        (
            request_for(scjg, uscc, inspectors=[scjg.inspectors[0], scjg.auxiliary]),
            FP,
            "INSPECTOR_NOT_CERTIFIED",
        ),
        (
            request_for(scjg, uscc, inspectors=[scjg.inspectors[0], scjg.expired]),
            FP,
            "INSPECTOR_NOT_CERTIFIED",
        ),
        (
            request_for(scjg, uscc, inspectors=[scjg.inspectors[0], scjg.inspectors[2]]),
            FP,
            "INSPECTOR_RECUSED",
        ),
        (request_for(scjg, uscc, items=[yjgl.items[0]]), FP, "ITEM_NOT_OF_DEPARTMENT"),
        (request_for(scjg, uscc, start="2026-03-20", end="2026-03-24"), FP, "APPROVAL_LEAD_TIME"),
        (
            request_for(
                scjg, uscc, start="2026-03-10", end="2026-03-24", kind=common_pb.INSPECTION_KIND_TRIGGERED
            ),
            FP,
            "WINDOW_IN_PAST",
        ),
        (
            request_for(scjg, uscc, inspectors=[scjg.inspectors[0], "nobody"]),
            grpc.StatusCode.NOT_FOUND,
            "NOT_FOUND",
        ),
        (request_for(scjg, uscc, items=["NO-SUCH-ITEM"]), grpc.StatusCode.NOT_FOUND, "NOT_FOUND"),
    ]
    for request, code, reason in cases:
        assert rejected(lambda r=request: inspections.RequestInspection(r, metadata=scjg.md)) == (
            code,
            reason,
        ), reason
    assert head(cards, uscc) == before
    assert _count(inspections, uscc) == 0


def test_request_input_is_validated_field_by_field(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department
) -> None:
    from tests.support import field_violations

    uscc = make_enterprise(registry, admin)
    before = head(cards, uscc)
    bad = request_for(
        scjg,
        uscc,
        start="2026-13-01",
        end="",
        kind=common_pb.INSPECTION_KIND_EMERGENCY,
        reason="",
        legal_basis="",
        inspectors=["a", "a"],
        items=[],
    )
    with pytest.raises(grpc.RpcError) as caught:
        inspections.RequestInspection(bad, metadata=scjg.md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = field_violations(caught.value)
    assert {
        "window_start",
        "window_end",
        "kind",
        "reason",
        "legal_basis",
        "inspector_ids[1]",
        "item_codes",
    } <= set(fields)
    inverted = request_for(scjg, uscc, start="2026-03-27", end="2026-03-23")
    with pytest.raises(grpc.RpcError) as caught:
        inspections.RequestInspection(inverted, metadata=scjg.md)
    assert set(field_violations(caught.value)) == {"window_end"}
    assert head(cards, uscc) == before


def test_white_listed_enterprise_gets_no_routine_inspection(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department
) -> None:
    uscc = make_enterprise(registry, admin, white_listed=True)
    before = head(cards, uscc)
    assert rejected(lambda: inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md)) == (
        FP,
        "WHITE_LISTED",
    )
    assert head(cards, uscc) == before
    triggered = inspections.RequestInspection(
        request_for(scjg, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED, reason="群众投诉"), metadata=scjg.md
    )
    assert triggered.inspection.state == pb.INSPECTION_STATE_REQUESTED


def test_frequency_cap_counts_routine_only(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    for start, end in (("2026-04-13", "2026-04-17"), ("2026-05-11", "2026-05-15")):
        inspections.RequestInspection(request_for(scjg, uscc, start=start, end=end), metadata=scjg.md)
    before = head(cards, uscc)
    third = request_for(scjg, uscc, start="2026-06-15", end="2026-06-19")
    assert rejected(lambda: inspections.RequestInspection(third, metadata=scjg.md)) == (
        FP,
        "FREQUENCY_CAP_EXCEEDED",
    )
    assert head(cards, uscc) == before
    # Exempt kinds, other departments and next year are not capped.
    special = request_for(
        scjg, uscc, start="2026-06-15", end="2026-06-19", kind=common_pb.INSPECTION_KIND_SPECIAL
    )
    assert (
        inspections.RequestInspection(special, metadata=scjg.md).inspection.state
        == pb.INSPECTION_STATE_REQUESTED
    )
    other = request_for(yjgl, uscc, start="2026-06-15", end="2026-06-19")
    assert (
        inspections.RequestInspection(other, metadata=yjgl.md).inspection.state
        == pb.INSPECTION_STATE_REQUESTED
    )
    next_year = request_for(scjg, uscc, start="2027-01-11", end="2027-01-15")
    assert (
        inspections.RequestInspection(next_year, metadata=scjg.md).inspection.state
        == pb.INSPECTION_STATE_REQUESTED
    )


def test_overlapping_request_is_accepted_with_a_joint_check_suggestion(
    registry: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    first = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md).inspection
    second = inspections.RequestInspection(
        request_for(yjgl, uscc, start="2026-03-25", end="2026-03-31"), metadata=yjgl.md
    )
    assert second.joint_check_suggested
    assert [(o.inspection_id, o.department_code) for o in second.overlaps] == [(first.id, "SCJG")]


# --- check-in rules -----------------------------------------------------------------------------


def _approved(inspections: Any, department: Department, uscc: str, **kw: Any) -> pb.Inspection:
    inspection_id = inspections.RequestInspection(
        request_for(department, uscc, **kw), metadata=department.md
    ).inspection.id
    return approve(inspections, inspection_id).inspection


def test_check_in_rules_each_refused_and_nothing_written(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    approved = _approved(inspections, scjg, uscc, start="2026-04-06", end="2026-04-14")
    code = approved.inspection_code

    def check_in(ids: list[str], md: Any = None, with_code: str = code) -> Any:
        return lambda: inspections.CheckIn(
            pb.CheckInRequest(inspection_code=with_code, inspector_ids=ids), metadata=md or scjg.md
        )

    before = kinds(cards, uscc)
    clock.set(local(2026, 3, 30))
    assert rejected(check_in(scjg.inspectors[:2])) == (FP, "WINDOW_NOT_OPEN")
    clock.set(local(2026, 4, 8))
    assert rejected(check_in(scjg.inspectors[:2])) == (FP, "QUIET_PERIOD")
    clock.set(local(2026, 4, 11))  # Saturday
    assert rejected(check_in(scjg.inspectors[:2])) == (FP, "NON_WORKING_DAY")
    clock.set(local(2026, 4, 13))
    assert rejected(check_in(scjg.inspectors[:1])) == (FP, "TOO_FEW_INSPECTORS")
    assert rejected(check_in([scjg.inspectors[0], scjg.inspectors[2]])) == (FP, "INSPECTOR_NOT_APPROVED")
    assert rejected(check_in(yjgl.inspectors[:2], md=yjgl.md)) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "NOT_YOUR_INSPECTION",
    )
    assert rejected(check_in(scjg.inspectors[:2], with_code="not-a-code")) == (
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    # Nothing changed but the attempts oversight keeps: a visit the approval does not cover.
    assert kinds(cards, uscc) == before + ["ATTEMPT_REFUSED"] * 5
    attempts = cards.ListCardEntries(
        card_pb.ListCardEntriesRequest(uscc=uscc, page_size=200), metadata=LEGAL
    ).entries[len(before) :]
    assert [json.loads(e.payload_json)["reason"] for e in attempts] == [
        "WINDOW_NOT_OPEN",
        "QUIET_PERIOD",
        "NON_WORKING_DAY",
        "INSPECTOR_NOT_APPROVED",
        "NOT_YOUR_INSPECTION",
    ]
    assert {(e.inspection_id, json.loads(e.payload_json)["method"]) for e in attempts} == {
        (approved.id, "/inspection.v1.InspectionService/CheckIn")
    }
    assert [e.department_code for e in attempts] == ["SCJG"] * 4 + ["YJGL"]
    assert (
        inspections.GetInspection(pb.GetInspectionRequest(inspection_id=approved.id), metadata=LEGAL).state
        == pb.INSPECTION_STATE_APPROVED
    )

    assert (
        inspections.CheckIn(
            pb.CheckInRequest(inspection_code=code, inspector_ids=scjg.inspectors[:2]), metadata=scjg.md
        ).inspection.state
        == pb.INSPECTION_STATE_IN_PROGRESS
    )
    after = head(cards, uscc)
    assert rejected(check_in(scjg.inspectors[:2])) == (FP, "ALREADY_CHECKED_IN")
    assert head(cards, uscc) == after


def test_cancelled_inspection_cannot_start(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    approved = _approved(inspections, scjg, uscc)
    before = head(cards, uscc)
    assert rejected(
        lambda: inspections.CancelInspection(
            pb.CancelInspectionRequest(inspection_id=approved.id, reason="x"), metadata=yjgl.md
        )
    ) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_YOUR_INSPECTION")
    assert head(cards, uscc) == before
    cancelled = inspections.CancelInspection(
        pb.CancelInspectionRequest(inspection_id=approved.id, reason="企业停产"), metadata=scjg.md
    )
    assert cancelled.inspection.state == pb.INSPECTION_STATE_CANCELLED
    clock.set(local(2026, 3, 23))
    after = head(cards, uscc)
    assert rejected(
        lambda: inspections.CheckIn(
            pb.CheckInRequest(inspection_code=approved.inspection_code, inspector_ids=scjg.inspectors[:2]),
            metadata=scjg.md,
        )
    ) == (FP, "CANCELLED")
    # The state is untouched; oversight keeps the attempt to start a cancelled inspection.
    assert attempts_since(cards, uscc, after[0]) == ["CANCELLED"]
    after = head(cards, uscc)
    seen = inspections.VerifyInspectionCode(
        pb.VerifyInspectionCodeRequest(inspection_code=approved.inspection_code)
    )
    assert not seen.valid and seen.reason == "CANCELLED"
    assert rejected(
        lambda: inspections.CancelInspection(
            pb.CancelInspectionRequest(inspection_id=approved.id, reason="again"), metadata=scjg.md
        )
    ) == (FP, "NOT_CANCELLABLE")
    assert head(cards, uscc) == after


def test_one_visit_per_enterprise_per_day(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    first = _approved(inspections, scjg, uscc)
    second = _approved(inspections, yjgl, uscc)
    clock.set(local(2026, 3, 24))
    inspections.CheckIn(
        pb.CheckInRequest(inspection_code=first.inspection_code, inspector_ids=scjg.inspectors[:2]),
        metadata=scjg.md,
    )
    before = head(cards, uscc)
    assert rejected(
        lambda: inspections.CheckIn(
            pb.CheckInRequest(inspection_code=second.inspection_code, inspector_ids=yjgl.inspectors[:2]),
            metadata=yjgl.md,
        )
    ) == (FP, "DAILY_VISIT_LIMIT")
    assert head(cards, uscc) == before
    clock.set(local(2026, 3, 25))
    assert (
        inspections.CheckIn(
            pb.CheckInRequest(inspection_code=second.inspection_code, inspector_ids=yjgl.inspectors[:2]),
            metadata=yjgl.md,
        ).inspection.state
        == pb.INSPECTION_STATE_IN_PROGRESS
    )


# --- results ------------------------------------------------------------------------------------


def test_result_rules(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, clock: SettableClock
) -> None:
    from tests.support import field_violations

    uscc = make_enterprise(registry, admin)
    approved = _approved(inspections, scjg, uscc)

    def record(result):
        return lambda: inspections.RecordResult(
            pb.RecordResultRequest(inspection_id=approved.id, result=result), metadata=scjg.md
        )

    ok = common_pb.InspectionResult(outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_NONE)
    before = head(cards, uscc)
    assert rejected(record(ok)) == (FP, "NOT_IN_PROGRESS")
    assert rejected(
        lambda: inspections.PublishResult(
            pb.PublishResultRequest(inspection_id=approved.id), metadata=scjg.md
        )
    ) == (FP, "NOT_COMPLETED")
    clock.set(local(2026, 3, 23))
    inspections.CheckIn(
        pb.CheckInRequest(inspection_code=approved.inspection_code, inspector_ids=scjg.inspectors[:2]),
        metadata=scjg.md,
    )
    during = head(cards, uscc)
    assert during[0] == before[0] + 1
    with pytest.raises(grpc.RpcError) as caught:
        record(
            common_pb.InspectionResult(
                outcome=common_pb.OUTCOME_ISSUES_FOUND, handling=common_pb.HANDLING_PENALTY, penalty_fen=0
            )
        )()
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert set(field_violations(caught.value)) == {
        "result.findings",
        "result.penalty_fen",
        "result.penalty_basis",
    }
    with pytest.raises(grpc.RpcError) as caught:
        record(
            common_pb.InspectionResult(
                outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_RECTIFICATION
            )
        )()
    assert set(field_violations(caught.value)) == {"result.handling", "result.rectification_deadline"}
    assert head(cards, uscc) == during
    penalty = common_pb.InspectionResult(
        outcome=common_pb.OUTCOME_ISSUES_FOUND,
        findings="无证经营",
        handling=common_pb.HANDLING_PENALTY,
        penalty_fen=500_000,
        penalty_basis="《无证无照经营查处办法》第十三条",
    )
    done = record(penalty)()
    assert done.inspection.result.penalty_fen == 500_000
    assert rejected(record(ok)) == (FP, "RESULT_ALREADY_RECORDED")
    assert (
        json.loads(
            cards.ListCardEntries(card_pb.ListCardEntriesRequest(uscc=uscc), metadata=LEGAL)
            .entries[-1]
            .payload_json
        )["penalty_fen"]
        == 500_000
    )


# --- emergencies ----------------------------------------------------------------------------------


def test_emergency_is_filed_afterwards_and_lateness_recorded(
    registry: Any,
    cards: Any,
    inspections: Any,
    public: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
) -> None:
    from tests.support import field_violations

    uscc = make_enterprise(registry, admin)
    clock.set(local(2026, 4, 4, hour=22))  # a Saturday night in the quiet period: emergencies still go
    start = pb.StartEmergencyInspectionRequest(
        uscc=uscc,
        item_codes=scjg.items[:1],
        legal_basis="《安全生产法》",
        reason="",
        inspector_ids=scjg.inspectors[:2],
    )
    with pytest.raises(grpc.RpcError) as caught:
        inspections.StartEmergencyInspection(start, metadata=scjg.md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "reason" in field_violations(caught.value)
    assert kinds(cards, uscc) == ["CARD_ISSUED"]

    start.reason = "举报称储罐泄漏,危及周边居民生命安全"
    started = inspections.StartEmergencyInspection(start, metadata=scjg.md).inspection
    assert started.kind == common_pb.INSPECTION_KIND_EMERGENCY
    assert started.state == pb.INSPECTION_STATE_IN_PROGRESS
    assert started.filing_due_time.ToDatetime().isoformat() == "2026-04-07T14:00:00"

    clock.set(local(2026, 4, 8, hour=9))  # 83 hours later: late
    filed = inspections.FileEmergencyInspection(
        pb.FileEmergencyInspectionRequest(inspection_id=started.id, report="已排除险情"), metadata=scjg.md
    ).inspection
    assert filed.state == pb.INSPECTION_STATE_FILED_PENDING and filed.filed_late
    assert (
        json.loads(
            cards.ListCardEntries(card_pb.ListCardEntriesRequest(uscc=uscc), metadata=LEGAL)
            .entries[-1]
            .payload_json
        )["late"]
        is True
    )

    def ack(md):
        return lambda: inspections.AcknowledgeFiling(
            pb.AcknowledgeFilingRequest(inspection_id=started.id, comment="已备案"), metadata=md
        )

    assert ack(LEGAL)().inspection.state == pb.INSPECTION_STATE_FILED_PENDING
    before = head(cards, uscc)
    assert rejected(ack(LEGAL)) == (FP, "ALREADY_ACKNOWLEDGED")
    assert rejected(ack(token(Role.SUPERVISION, sub="legal-reviewer-1"))) == (FP, "SAME_PRINCIPAL")
    assert head(cards, uscc) == before
    assert ack(SUPERVISION)().inspection.state == pb.INSPECTION_STATE_FILED

    inspections.RecordResult(
        pb.RecordResultRequest(
            inspection_id=started.id,
            result=common_pb.InspectionResult(
                outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_NONE
            ),
        ),
        metadata=scjg.md,
    )
    published = inspections.PublishResult(pb.PublishResultRequest(inspection_id=started.id), metadata=scjg.md)
    assert published.inspection.state == pb.INSPECTION_STATE_PUBLISHED
    assert kinds(cards, uscc) == [
        "CARD_ISSUED",
        "EMERGENCY_STARTED",
        "EMERGENCY_FILED",
        "FILING_ACKNOWLEDGED",
        "FILING_ACKNOWLEDGED",
        "INSPECTION_RESULT_RECORDED",
        "INSPECTION_PUBLISHED",
    ]
    assert cards.VerifyCard(card_pb.VerifyCardRequest(uscc=uscc), metadata=LEGAL).valid
    assert rejected(ack(token(Role.LEGAL_OFFICE, sub="legal-9"))) == (FP, "FILING_NOT_PENDING")


def test_only_emergencies_are_filed(
    registry: Any, inspections: Any, admin: Any, scjg: Department, clock: SettableClock
) -> None:
    uscc = make_enterprise(registry, admin)
    approved = _approved(inspections, scjg, uscc)
    clock.set(local(2026, 3, 23))
    inspections.CheckIn(
        pb.CheckInRequest(inspection_code=approved.inspection_code, inspector_ids=scjg.inspectors[:2]),
        metadata=scjg.md,
    )
    assert rejected(
        lambda: inspections.FileEmergencyInspection(
            pb.FileEmergencyInspectionRequest(inspection_id=approved.id, report="x"), metadata=scjg.md
        )
    ) == (FP, "NOT_EMERGENCY")


# --- the enterprise: isolation, ratings, complaints -----------------------------------------------


def test_enterprise_sees_only_its_own_inspections(
    registry: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department
) -> None:
    mine, theirs = make_enterprise(registry, admin), make_enterprise(registry, admin)
    own = _approved(inspections, scjg, mine)
    other = _approved(inspections, scjg, theirs)
    listed = inspections.ListInspections(
        pb.ListInspectionsRequest(), metadata=enterprise_md(mine)
    ).inspections
    assert [i.id for i in listed] == [own.id]
    assert listed[0].inspection_code == ""
    denied = (grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_SCOPE")
    assert (
        rejected(
            lambda: inspections.GetInspection(
                pb.GetInspectionRequest(inspection_id=other.id), metadata=enterprise_md(mine)
            )
        )
        == denied
    )
    assert (
        rejected(
            lambda: inspections.VerifyInspectionCode(
                pb.VerifyInspectionCodeRequest(inspection_code=other.inspection_code),
                metadata=enterprise_md(mine),
            )
        )
        == denied
    )
    assert (
        rejected(
            lambda: inspections.RateInspection(
                pb.RateInspectionRequest(inspection_id=other.id, score=1), metadata=enterprise_md(mine)
            )
        )
        == denied
    )
    assert (
        rejected(
            lambda: inspections.GetInspection(
                pb.GetInspectionRequest(inspection_id=other.id), metadata=yjgl.md
            )
        )
        == denied
    )
    assert all(
        i.participants[0].department_code == "YJGL"
        for i in inspections.ListInspections(pb.ListInspectionsRequest(), metadata=yjgl.md).inspections
    )


def test_rating_and_complaints(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, clock: SettableClock
) -> None:
    uscc = make_enterprise(registry, admin)
    approved = _approved(inspections, scjg, uscc)
    me = enterprise_md(uscc)

    def rate(score):
        return lambda: inspections.RateInspection(
            pb.RateInspectionRequest(inspection_id=approved.id, score=score, comment="一般"), metadata=me
        )

    before = head(cards, uscc)
    assert rejected(rate(3)) == (FP, "NOT_COMPLETED")
    assert rejected(rate(6)) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT")
    assert head(cards, uscc) == before
    clock.set(local(2026, 3, 23))
    inspections.CheckIn(
        pb.CheckInRequest(inspection_code=approved.inspection_code, inspector_ids=scjg.inspectors[:2]),
        metadata=scjg.md,
    )
    inspections.RecordResult(
        pb.RecordResultRequest(
            inspection_id=approved.id,
            result=common_pb.InspectionResult(
                outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_NONE
            ),
        ),
        metadata=scjg.md,
    )
    assert rate(2)().inspection.rating.score == 2
    assert rejected(rate(4)) == (FP, "ALREADY_RATED")
    complaint = inspections.FileComplaint(
        pb.FileComplaintRequest(inspection_id=approved.id, text="检查人员态度粗暴"), metadata=me
    )
    assert complaint.complaint_id.startswith("C")
    assert kinds(cards, uscc)[-2:] == ["INSPECTION_RATED", "COMPLAINT_FILED"]
    general = inspections.FileComplaint(pb.FileComplaintRequest(text="一月内被检查三次"), metadata=me)
    assert general.card_head.seq == complaint.card_head.seq + 1


def test_offices_list_what_waits_for_them(
    registry: Any, inspections: Any, admin: Any, scjg: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md).inspection.id
    waiting = lambda md: [  # noqa: E731
        i.id
        for i in inspections.ListInspections(
            pb.ListInspectionsRequest(uscc=uscc, awaiting_my_decision=True), metadata=md
        ).inspections
    ]
    assert waiting(LEGAL) == [inspection_id] and waiting(SUPERVISION) == [inspection_id]
    inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE), metadata=LEGAL
    )
    assert waiting(LEGAL) == [] and waiting(SUPERVISION) == [inspection_id]


def test_retried_request_returns_the_first_response(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    request = request_for(scjg, uscc)
    first = inspections.RequestInspection(request, metadata=scjg.md)
    again = inspections.RequestInspection(request, metadata=scjg.md)
    assert again == first
    assert _count(inspections, uscc) == 1
    assert head(cards, uscc)[0] == 2


# --- races ----------------------------------------------------------------------------------------


def _together(*calls: Any) -> list[Any]:
    """Runs the calls at the same moment; returns each one's response or RpcError."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait(timeout=10)
        try:
            outcomes[index] = calls[index]()
        except grpc.RpcError as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_offices_deciding_at_the_same_moment(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department
) -> None:
    for _ in range(3):
        uscc = make_enterprise(registry, admin)
        inspection_id = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md).inspection.id
        outcomes = _together(
            *[
                (
                    lambda md=md, inspection_id=inspection_id: inspections.DecideInspection(
                        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE),
                        metadata=md,
                    )
                )
                for md in (LEGAL, SUPERVISION)
            ]
        )
        assert all(isinstance(o, pb.InspectionChange) for o in outcomes), outcomes
        final = inspections.GetInspection(
            pb.GetInspectionRequest(inspection_id=inspection_id), metadata=LEGAL
        )
        assert final.state == pb.INSPECTION_STATE_APPROVED and final.inspection_code
        assert sorted(o.inspection.state for o in outcomes) == [
            pb.INSPECTION_STATE_REQUESTED,
            pb.INSPECTION_STATE_APPROVED,
        ]
        assert kinds(cards, uscc) == [
            "CARD_ISSUED",
            "INSPECTION_REQUESTED",
            "INSPECTION_DECIDED",
            "INSPECTION_APPROVED",
        ]
        assert cards.VerifyCard(card_pb.VerifyCardRequest(uscc=uscc), metadata=LEGAL).valid


def test_two_departments_booking_the_same_day(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    first = _approved(inspections, scjg, uscc)
    second = _approved(inspections, yjgl, uscc)
    clock.set(local(2026, 3, 26))
    outcomes = _together(
        lambda: inspections.CheckIn(
            pb.CheckInRequest(inspection_code=first.inspection_code, inspector_ids=scjg.inspectors[:2]),
            metadata=scjg.md,
        ),
        lambda: inspections.CheckIn(
            pb.CheckInRequest(inspection_code=second.inspection_code, inspector_ids=yjgl.inspectors[:2]),
            metadata=yjgl.md,
        ),
    )
    wins = [o for o in outcomes if isinstance(o, pb.InspectionChange)]
    losses = [o for o in outcomes if isinstance(o, grpc.RpcError)]
    assert len(wins) == 1 and len(losses) == 1
    from tests.support import error_info

    assert losses[0].code() == FP and error_info(losses[0]).reason == "DAILY_VISIT_LIMIT"
    assert kinds(cards, uscc).count("INSPECTION_CHECKED_IN") == 1
    assert cards.VerifyCard(card_pb.VerifyCardRequest(uscc=uscc), metadata=LEGAL).valid


def test_unpublished_items_and_code_validity_over_time(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, clock: SettableClock
) -> None:
    uscc = make_enterprise(registry, admin)
    registry.CreateChecklistItem(
        reg.CreateChecklistItemRequest(
            item=reg.ChecklistItem(
                code="SCJG-DRAFT",
                department_code="SCJG",
                name="草案事项",
                legal_basis="待定",
                published=False,
            )
        ),
        metadata=admin,
    )
    before = head(cards, uscc)
    draft = request_for(scjg, uscc, items=["SCJG-DRAFT"])
    assert rejected(lambda: inspections.RequestInspection(draft, metadata=scjg.md)) == (
        FP,
        "ITEM_NOT_PUBLISHED",
    )
    assert head(cards, uscc) == before

    approved = _approved(inspections, scjg, uscc)

    def verify() -> tuple[bool, str]:
        seen = inspections.VerifyInspectionCode(
            pb.VerifyInspectionCodeRequest(inspection_code=approved.inspection_code)
        )
        return seen.valid, seen.reason

    assert verify() == (False, "WINDOW_NOT_OPEN")
    clock.set(local(2026, 3, 27))
    assert verify() == (True, "")
    clock.set(local(2026, 3, 28))
    assert verify() == (False, "WINDOW_ENDED")
    assert rejected(lambda: inspections.VerifyInspectionCode(pb.VerifyInspectionCodeRequest())) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )


def test_filing_and_publication_happen_once(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, clock: SettableClock
) -> None:
    uscc = make_enterprise(registry, admin)
    started = inspections.StartEmergencyInspection(
        pb.StartEmergencyInspectionRequest(
            uscc=uscc,
            item_codes=scjg.items[:1],
            legal_basis="《消防法》",
            reason="火灾隐患危及人身安全",
            inspector_ids=scjg.inspectors[:2],
        ),
        metadata=scjg.md,
    ).inspection
    file = lambda: inspections.FileEmergencyInspection(  # noqa: E731
        pb.FileEmergencyInspectionRequest(inspection_id=started.id, report="已处置"), metadata=scjg.md
    )
    assert not file().inspection.filed_late
    before = head(cards, uscc)
    assert rejected(file) == (FP, "ALREADY_FILED")
    publish = lambda: inspections.PublishResult(  # noqa: E731
        pb.PublishResultRequest(inspection_id=started.id), metadata=scjg.md
    )
    assert rejected(publish) == (FP, "FILING_NOT_ACKNOWLEDGED")  # no result yet, and not acknowledged
    assert head(cards, uscc) == before
    inspections.RecordResult(
        pb.RecordResultRequest(
            inspection_id=started.id,
            result=common_pb.InspectionResult(
                outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_NONE
            ),
        ),
        metadata=scjg.md,
    )
    assert rejected(publish) == (FP, "FILING_NOT_ACKNOWLEDGED")  # both offices have not acknowledged yet
    for md in (LEGAL, SUPERVISION):
        inspections.AcknowledgeFiling(pb.AcknowledgeFilingRequest(inspection_id=started.id), metadata=md)
    assert publish().inspection.state == pb.INSPECTION_STATE_PUBLISHED
    after = head(cards, uscc)
    assert rejected(publish) == (FP, "ALREADY_PUBLISHED")
    assert head(cards, uscc) == after


def test_code_reads_aloud_and_a_bad_uscc_is_named(
    registry: Any, inspections: Any, admin: Any, scjg: Department, clock: SettableClock
) -> None:
    from tests.support import bad_check_character, field_violations

    uscc = make_enterprise(registry, admin)
    code = _approved(inspections, scjg, uscc).inspection_code
    groups = code.split("-")
    assert len(groups) == 6 and all(len(g) == 4 for g in groups)
    assert not set(code.replace("-", "")) & set("01IOL")
    clock.set(local(2026, 3, 23))
    typed = code.replace("-", " ").lower()
    assert inspections.VerifyInspectionCode(pb.VerifyInspectionCodeRequest(inspection_code=typed)).valid

    with pytest.raises(grpc.RpcError) as caught:
        inspections.RequestInspection(request_for(scjg, bad_check_character(uscc)), metadata=scjg.md)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "check character" in field_violations(caught.value)["uscc"]


def test_lists_page_newest_first(
    registry: Any, inspections: Any, public: Any, admin: Any, scjg: Department, clock: SettableClock
) -> None:
    from tests.support import field_violations

    uscc = make_enterprise(registry, admin)
    ids = []
    for minute in range(5):
        clock.set(local(2026, 3, 16).replace(minute=minute))
        kind = common_pb.INSPECTION_KIND_TRIGGERED
        ids.append(
            inspections.RequestInspection(request_for(scjg, uscc, kind=kind), metadata=scjg.md).inspection.id
        )
    seen: list[str] = []
    token = ""
    for _ in range(5):
        page = inspections.ListInspections(
            pb.ListInspectionsRequest(uscc=uscc, page_size=2, page_token=token), metadata=scjg.md
        )
        seen += [i.id for i in page.inspections]
        token = page.next_page_token
        if not token:
            break
    assert seen == ids[::-1]
    first = inspections.ListInspections(pb.ListInspectionsRequest(uscc=uscc, page_size=2), metadata=scjg.md)
    with pytest.raises(grpc.RpcError) as caught:
        inspections.ListInspections(
            pb.ListInspectionsRequest(uscc=uscc, page_size=2, page_token=first.next_page_token),
            metadata=LEGAL,
        )
    assert "page_token" in field_violations(caught.value)
    assert public.ListPublishedResults(public_pb.ListPublishedResultsRequest(uscc=uscc)).results == []
