"""Joint checks (联合检查, DESIGN §5): a lead department proposes, each invited department confirms
with its own part or declines, both offices approve once, one code lists every department, one
check-in — every step on the card, every rule refused with its reason and nothing written."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest
from google.type.date_pb2 import Date

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.storage.db import Database
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import registry_service_pb2 as reg
from tests.inspection_support import (
    LEGAL,
    Department,
    approve,
    enterprise_md,
    head,
    kinds,
    local,
    make_department,
    make_enterprise,
    rejected,
    request_for,
    token,
)
from tests.support import day, expect_error, field_violations, footprint

FP = grpc.StatusCode.FAILED_PRECONDITION


@pytest.fixture(scope="module")
def admin() -> list[tuple[str, str]]:
    """An admin token that outlives the clock's jumps in these tests."""
    return token(Role.ADMIN, sub="admin-1")


@pytest.fixture(scope="module")
def swj(registry: Any, admin: Any) -> Department:
    """A third department (the tax bureau)."""
    return make_department(registry, admin, "SWJ")


@pytest.fixture(autouse=True)
def monday_morning(clock: SettableClock) -> None:
    clock.set(local(2026, 3, 16))


def _proposal(
    lead: Department, uscc: str, invited: list[str], **overrides: Any
) -> pb.ProposeJointCheckRequest:
    part = request_for(lead, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED)
    fields = {f.name: getattr(part, f.name) for f in part.DESCRIPTOR.fields if f.name != "request_id"}
    fields.update(overrides)
    return pb.ProposeJointCheckRequest(**fields, department_codes=invited)


def _confirm(inspections: Any, inspection_id: str, department: Department, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "inspection_id": inspection_id,
        "item_codes": department.items[:1],
        "inspector_ids": department.inspectors[:2],
    }
    fields.update(overrides)
    return inspections.ConfirmParticipation(pb.ConfirmParticipationRequest(**fields), metadata=department.md)


def _book(inspections: Any, inspection_id: str, uscc: str, when: str, half: int = pb.HALF_DAY_MORNING) -> Any:
    """The enterprise books the visit (each test its own day, as the departments are shared)."""
    return inspections.BookVisit(
        pb.BookVisitRequest(inspection_id=inspection_id, slot=pb.Slot(date=day(when), half_day=half)),
        metadata=enterprise_md(uscc),
    )


def _entries(cards: Any, uscc: str) -> list[card_pb.CardEntry]:
    return list(
        cards.ListCardEntries(
            card_pb.ListCardEntriesRequest(uscc=uscc, page_size=100), metadata=LEGAL
        ).entries
    )


def test_a_joint_check_from_proposal_to_one_check_in(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    swj: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    proposed = inspections.ProposeJointCheck(_proposal(scjg, uscc, ["YJGL", "SWJ"]), metadata=scjg.md)
    check = proposed.inspection
    assert check.state == pb.INSPECTION_STATE_PROPOSED
    assert check.origin == pb.INSPECTION_ORIGIN_JOINT_CHECK
    assert [(p.department_code, p.confirmed) for p in check.participants] == [
        ("SCJG", True),
        ("SWJ", False),
        ("YJGL", False),
    ]

    # An invited department sees the check it is asked to join.
    assert (
        inspections.GetInspection(pb.GetInspectionRequest(inspection_id=check.id), metadata=yjgl.md).id
        == check.id
    )

    waiting = _confirm(inspections, check.id, yjgl).inspection
    assert waiting.state == pb.INSPECTION_STATE_PROPOSED
    requested = _confirm(inspections, check.id, swj).inspection
    assert requested.state == pb.INSPECTION_STATE_REQUESTED
    assert all(p.confirmed and len(p.inspectors) == 2 and p.items for p in requested.participants)

    # One approval by both offices for all three departments; one code.
    approved = approve(inspections, check.id).inspection
    assert approved.state == pb.INSPECTION_STATE_APPROVED and approved.inspection_code
    doorstep = inspections.VerifyInspectionCode(
        pb.VerifyInspectionCodeRequest(inspection_code=approved.inspection_code)
    )
    assert {p.department_code for p in doorstep.inspection.participants} == {"SCJG", "YJGL", "SWJ"}
    assert sum(len(p.inspectors) for p in doorstep.inspection.participants) == 6

    # One check-in for the departments present, on the day booked: each brings at least two of its
    # own inspectors.
    _book(inspections, check.id, uscc, "2026-03-23")
    clock.set(local(2026, 3, 23))
    present = scjg.inspectors[:2] + yjgl.inspectors[:2]
    checked_in = inspections.CheckIn(
        pb.CheckInRequest(inspection_code=approved.inspection_code, inspector_ids=present), metadata=scjg.md
    ).inspection
    assert checked_in.state == pb.INSPECTION_STATE_IN_PROGRESS
    assert {i.id for p in checked_in.participants for i in p.inspectors if i.present} == set(present)

    assert kinds(cards, uscc) == [
        "CARD_ISSUED",
        "JOINT_CHECK_PROPOSED",
        "PARTICIPATION_CONFIRMED",
        "PARTICIPATION_CONFIRMED",
        "INSPECTION_DECIDED",
        "INSPECTION_APPROVED",
        "VISIT_BOOKED",
        "INSPECTION_CHECKED_IN",
    ]
    entries = _entries(cards, uscc)
    proposal_entry = json.loads(entries[1].payload_json)
    assert proposal_entry["departments"] == ["SCJG", "YJGL", "SWJ"]
    confirmations = [e for e in entries if e.kind == card_pb.CARD_ENTRY_KIND_PARTICIPATION_CONFIRMED]
    assert [e.department_code for e in confirmations] == ["YJGL", "SWJ"]
    assert json.loads(confirmations[0].payload_json)["waiting_for"] == ["SWJ"]
    assert "decision_due" in json.loads(confirmations[1].payload_json)


def test_a_department_absent_at_check_in_is_fine_one_with_a_single_inspector_is_not(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
    db: Database,
) -> None:
    uscc = make_enterprise(registry, admin)
    check = inspections.ProposeJointCheck(_proposal(scjg, uscc, ["YJGL"]), metadata=scjg.md).inspection
    _confirm(inspections, check.id, yjgl)
    code = approve(inspections, check.id).inspection.inspection_code
    _book(inspections, check.id, uscc, "2026-03-24")
    clock.set(local(2026, 3, 24))
    before, rows = head(cards, uscc), footprint(db)
    one_short = scjg.inspectors[:2] + yjgl.inspectors[:1]
    assert rejected(
        lambda: inspections.CheckIn(
            pb.CheckInRequest(inspection_code=code, inspector_ids=one_short), metadata=scjg.md
        )
    ) == (FP, "TOO_FEW_INSPECTORS")
    assert head(cards, uscc) == before and footprint(db) == rows
    lead_only = inspections.CheckIn(
        pb.CheckInRequest(inspection_code=code, inspector_ids=scjg.inspectors[:2]), metadata=scjg.md
    ).inspection
    assert lead_only.state == pb.INSPECTION_STATE_IN_PROGRESS


def test_declines_send_the_check_on_or_end_it(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    swj: Department,
) -> None:
    # One declines, the other confirms: two departments remain → to both offices.
    uscc = make_enterprise(registry, admin)
    check = inspections.ProposeJointCheck(_proposal(scjg, uscc, ["YJGL", "SWJ"]), metadata=scjg.md).inspection
    declined = inspections.DeclineParticipation(
        pb.DeclineParticipationRequest(inspection_id=check.id, reason="本月无检查计划"), metadata=swj.md
    ).inspection
    assert declined.state == pb.INSPECTION_STATE_PROPOSED
    assert {p.department_code for p in declined.participants} == {"SCJG", "YJGL"}
    assert _confirm(inspections, check.id, yjgl).inspection.state == pb.INSPECTION_STATE_REQUESTED
    decline_entry = next(
        e for e in _entries(cards, uscc) if e.kind == card_pb.CARD_ENTRY_KIND_PARTICIPATION_DECLINED
    )
    assert decline_entry.department_code == "SWJ"
    assert json.loads(decline_entry.payload_json)["reason"] == "本月无检查计划"

    # Every invited department declines: the lead alone is no joint check → CANCELLED.
    alone = make_enterprise(registry, admin)
    lonely = inspections.ProposeJointCheck(_proposal(scjg, alone, ["YJGL"]), metadata=scjg.md).inspection
    ended = inspections.DeclineParticipation(
        pb.DeclineParticipationRequest(inspection_id=lonely.id, reason="不属本部门职责"), metadata=yjgl.md
    ).inspection
    assert ended.state == pb.INSPECTION_STATE_CANCELLED
    assert "one department alone" in ended.cancel_reason


@pytest.mark.parametrize(
    ("invited", "field"),
    [
        ([], "department_codes"),
        (["SCJG"], "department_codes"),
        (["NOPE"], "department_codes"),
        (["YJGL", "YJGL"], "department_codes[1]"),
    ],
    ids=["none", "itself", "unknown", "twice"],
)
def test_a_proposal_must_invite_other_registered_departments(
    registry: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    db: Database,
    invited: list[str],
    field: str,
) -> None:
    uscc = make_enterprise(registry, admin)
    rows = footprint(db)
    error = expect_error(
        lambda: inspections.ProposeJointCheck(_proposal(scjg, uscc, invited), metadata=scjg.md),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert field in field_violations(error)
    assert footprint(db) == rows


def test_an_answer_follows_the_rules_of_a_single_request_and_writes_nothing_when_refused(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    swj: Department,
    db: Database,
) -> None:
    uscc = make_enterprise(registry, admin)
    check = inspections.ProposeJointCheck(_proposal(scjg, uscc, ["YJGL"]), metadata=scjg.md).inspection
    before, rows = head(cards, uscc), footprint(db)
    refusals = {
        "another department's item": (
            lambda: _confirm(inspections, check.id, yjgl, item_codes=scjg.items[:1]),
            (FP, "ITEM_NOT_OF_DEPARTMENT"),
        ),
        "one inspector": (
            lambda: _confirm(inspections, check.id, yjgl, inspector_ids=yjgl.inspectors[:1]),
            (FP, "TOO_FEW_INSPECTORS"),
        ),
        "an expired certificate": (
            lambda: _confirm(inspections, check.id, yjgl, inspector_ids=[yjgl.inspectors[0], yjgl.expired]),
            (FP, "INSPECTOR_NOT_CERTIFIED"),
        ),
        "a department not invited": (
            lambda: _confirm(inspections, check.id, swj),
            (grpc.StatusCode.PERMISSION_DENIED, "NOT_INVITED"),
        ),
        "the lead answering": (
            lambda: inspections.DeclineParticipation(
                pb.DeclineParticipationRequest(inspection_id=check.id, reason="x"), metadata=scjg.md
            ),
            (FP, "ALREADY_ANSWERED"),
        ),
        "a decline without a reason": (
            lambda: inspections.DeclineParticipation(
                pb.DeclineParticipationRequest(inspection_id=check.id), metadata=yjgl.md
            ),
            (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
        ),
    }
    for what, (call, expected) in refusals.items():
        assert rejected(call) == expected, what
        assert head(cards, uscc) == before and footprint(db) == rows, what

    # Answered once, the same department cannot answer again.
    _confirm(inspections, check.id, yjgl)
    assert rejected(lambda: _confirm(inspections, check.id, yjgl)) == (FP, "NOT_PROPOSED")


def test_only_the_lead_cancels_a_proposed_joint_check(
    registry: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    check = inspections.ProposeJointCheck(_proposal(scjg, uscc, ["YJGL"]), metadata=scjg.md).inspection
    assert rejected(
        lambda: inspections.CancelInspection(
            pb.CancelInspectionRequest(inspection_id=check.id, reason="改期"), metadata=yjgl.md
        )
    ) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_YOUR_INSPECTION")
    cancelled = inspections.CancelInspection(
        pb.CancelInspectionRequest(inspection_id=check.id, reason="改期"), metadata=scjg.md
    ).inspection
    assert cancelled.state == pb.INSPECTION_STATE_CANCELLED


def test_the_cli_runs_a_joint_check_from_proposal_to_acceptance(
    registry: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    grpc_addr: str,
    clock: SettableClock,
) -> None:
    from typer.testing import CliRunner

    from clients.cli import app

    uscc = make_enterprise(registry, admin)

    def onecard(department: Department, *args: str) -> Any:
        env = {
            "ONECARD_TARGET": grpc_addr,
            "ONECARD_TOKEN": department.md[0][1].removeprefix("Bearer "),
            "ONECARD_TIMEZONE": "Asia/Shanghai",
        }
        return CliRunner().invoke(app, ["joint", *args], env=env)

    proposed = onecard(
        scjg,
        "propose", uscc, "-d", "YJGL",
        "--item", scjg.items[0], "--inspector", scjg.inspectors[0], "--inspector", scjg.inspectors[1],
        "--start", "2026-03-23", "--end", "2026-03-27", "--kind", "triggered",
        "--legal-basis", "《安全生产法》第六十五条", "--reason", "联合检查", "-q",
    )  # fmt: skip
    assert proposed.exit_code == 0, proposed.output
    inspection_id = [line for line in proposed.stdout.splitlines() if line.startswith("I")][-1]
    confirmed = onecard(
        yjgl, "confirm", inspection_id, "--item", yjgl.items[0],
        "--inspector", yjgl.inspectors[0], "--inspector", yjgl.inspectors[1],
    )  # fmt: skip
    assert confirmed.exit_code == 0, confirmed.output
    state = inspections.GetInspection(
        pb.GetInspectionRequest(inspection_id=inspection_id), metadata=LEGAL
    ).state
    assert state == pb.INSPECTION_STATE_REQUESTED


def _part(outcome: int, handling: int, **fields: Any) -> common_pb.InspectionResult:
    return common_pb.InspectionResult(outcome=outcome, handling=handling, **fields)


def test_each_department_records_its_part_then_the_lead_the_unified_acceptance(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    swj: Department,
    clock: SettableClock,
    db: Database,
) -> None:
    uscc = make_enterprise(registry, admin)
    check = inspections.ProposeJointCheck(_proposal(scjg, uscc, ["YJGL"]), metadata=scjg.md).inspection
    _confirm(inspections, check.id, yjgl)
    code = approve(inspections, check.id).inspection.inspection_code
    _book(inspections, check.id, uscc, "2026-03-25")
    clock.set(local(2026, 3, 25))
    present = scjg.inspectors[:2] + yjgl.inspectors[:2]
    inspections.CheckIn(pb.CheckInRequest(inspection_code=code, inspector_ids=present), metadata=scjg.md)

    def accept(verdict: int, **fields: Any) -> Any:
        return inspections.RecordAcceptance(
            pb.RecordAcceptanceRequest(inspection_id=check.id, verdict=verdict, **fields), metadata=scjg.md
        )

    def part(department: Department, result: common_pb.InspectionResult) -> Any:
        return inspections.RecordPart(
            pb.RecordPartRequest(inspection_id=check.id, result=result), metadata=department.md
        )

    no_issues = _part(common_pb.OUTCOME_NO_ISSUES, common_pb.HANDLING_NONE)
    issues = _part(
        common_pb.OUTCOME_ISSUES_FOUND,
        common_pb.HANDLING_RECTIFICATION,
        findings="应急预案未演练",
        rectification_deadline=Date(year=2026, month=4, day=30),
    )
    before, rows = head(cards, uscc), footprint(db)
    refusals = {
        "acceptance before any part": (
            lambda: accept(pb.ACCEPTANCE_VERDICT_PASSED),
            (FP, "PARTS_MISSING"),
        ),
        "a part by a department not taking part": (
            lambda: part(swj, no_issues),
            (grpc.StatusCode.PERMISSION_DENIED, "NOT_YOUR_INSPECTION"),
        ),
        "the lead's RecordResult": (
            lambda: inspections.RecordResult(
                pb.RecordResultRequest(inspection_id=check.id, result=no_issues), metadata=scjg.md
            ),
            (FP, "USE_ACCEPTANCE"),
        ),
    }
    for what, (call, expected) in refusals.items():
        assert rejected(call) == expected, what
        assert head(cards, uscc) == before and footprint(db) == rows, what

    assert part(scjg, no_issues).inspection.state == pb.INSPECTION_STATE_IN_PROGRESS
    assert rejected(lambda: part(scjg, no_issues)) == (FP, "PART_ALREADY_RECORDED")
    missing = expect_error(lambda: accept(pb.ACCEPTANCE_VERDICT_PASSED), FP, "PARTS_MISSING")
    assert "YJGL" in (missing.details() or "")
    part(yjgl, issues)

    before, rows = head(cards, uscc), footprint(db)
    assert rejected(lambda: accept(pb.ACCEPTANCE_VERDICT_PASSED)) == (FP, "ACCEPTANCE_CONTRADICTS_PARTS")
    no_deadline = expect_error(
        lambda: accept(pb.ACCEPTANCE_VERDICT_PASSED_WITH_CONDITIONS, opinion="限期演练"),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(no_deadline)) == {"rectification_deadline"}
    assert rejected(
        lambda: inspections.RecordAcceptance(
            pb.RecordAcceptanceRequest(inspection_id=check.id, verdict=pb.ACCEPTANCE_VERDICT_PASSED),
            metadata=yjgl.md,
        )
    ) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_YOUR_INSPECTION")
    assert head(cards, uscc) == before and footprint(db) == rows

    accepted = accept(
        pb.ACCEPTANCE_VERDICT_PASSED_WITH_CONDITIONS,
        opinion="限期完成应急演练",
        rectification_deadline=Date(year=2026, month=4, day=30),
    ).inspection
    assert accepted.state == pb.INSPECTION_STATE_COMPLETED
    assert accepted.acceptance == pb.ACCEPTANCE_VERDICT_PASSED_WITH_CONDITIONS
    assert {p.department_code for p in accepted.parts} == {"SCJG", "YJGL"}
    assert accepted.result.outcome == common_pb.OUTCOME_ISSUES_FOUND
    assert accepted.result.handling == common_pb.HANDLING_RECTIFICATION
    assert "YJGL: 应急预案未演练" in accepted.result.findings
    assert kinds(cards, uscc)[-3:] == ["PART_RECORDED", "PART_RECORDED", "ACCEPTANCE_RECORDED"]
    acceptance_entry = json.loads(_entries(cards, uscc)[-1].payload_json)
    assert acceptance_entry["parts"]["YJGL"]["outcome"] == "ISSUES_FOUND"
    assert acceptance_entry["departments"] == ["SCJG", "YJGL"]


def _acceptance(uscc: str, departments: list[str], **overrides: Any) -> pb.RequestAcceptanceRequest:
    fields: dict[str, Any] = {
        "uscc": uscc,
        "project": "新建厂房竣工验收",
        "department_codes": departments,
        "window_start": day("2026-03-23"),
        "window_end": day("2026-03-31"),
    }
    fields.update(overrides)
    return pb.RequestAcceptanceRequest(**fields)


def test_an_enterprise_asks_for_a_joint_acceptance_and_every_named_department_answers(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    swj: Department,
) -> None:
    uscc = make_enterprise(registry, admin)
    asked = inspections.RequestAcceptance(
        _acceptance(uscc, ["YJGL", "SWJ"]), metadata=enterprise_md(uscc)
    ).inspection
    assert (asked.state, asked.lead_department, asked.reason) == (
        pb.INSPECTION_STATE_PROPOSED,
        "YJGL",
        "新建厂房竣工验收",
    )
    assert [(p.department_code, p.confirmed) for p in asked.participants] == [("SWJ", False), ("YJGL", False)]
    # The lead answers like every named department; the last answer sends it to both offices.
    assert _confirm(inspections, asked.id, yjgl).inspection.state == pb.INSPECTION_STATE_PROPOSED
    assert _confirm(inspections, asked.id, swj).inspection.state == pb.INSPECTION_STATE_REQUESTED
    entry = json.loads(_entries(cards, uscc)[1].payload_json)
    assert entry["requested_by_enterprise"] and entry["required"] == ["YJGL", "SWJ"]

    # A department the enterprise named declines: the acceptance cannot go on without it.
    other = make_enterprise(registry, admin)
    second = inspections.RequestAcceptance(
        _acceptance(other, ["SCJG", "YJGL"]), metadata=enterprise_md(other)
    ).inspection
    _confirm(inspections, second.id, scjg)
    ended = inspections.DeclineParticipation(
        pb.DeclineParticipationRequest(inspection_id=second.id, reason="不属本部门验收范围"), metadata=yjgl.md
    ).inspection
    assert ended.state == pb.INSPECTION_STATE_CANCELLED and "required" in ended.cancel_reason


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"department_codes": ["YJGL"]}, "department_codes"),
        ({"department_codes": ["YJGL", "NOPE"]}, "department_codes"),
        ({"project": ""}, "project"),
        ({"window_end": day("2026-03-01")}, "window_end"),
    ],
    ids=["one-department", "unknown-department", "no-project", "window-backwards"],
)
def test_an_acceptance_request_is_checked_field_by_field_and_writes_nothing(
    registry: Any,
    inspections: Any,
    admin: Any,
    yjgl: Department,
    db: Database,
    fields: dict[str, Any],
    field: str,
) -> None:
    uscc = make_enterprise(registry, admin)
    rows = footprint(db)
    error = expect_error(
        lambda: inspections.RequestAcceptance(
            _acceptance(uscc, ["YJGL", "SCJG"], **fields), metadata=enterprise_md(uscc)
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert field in field_violations(error)
    assert footprint(db) == rows


def test_an_enterprise_asks_only_for_itself(
    registry: Any, inspections: Any, admin: Any, db: Database
) -> None:
    uscc, other = make_enterprise(registry, admin), make_enterprise(registry, admin)
    rows = footprint(db)
    assert rejected(
        lambda: inspections.RequestAcceptance(
            _acceptance(other, ["YJGL", "SCJG"]), metadata=enterprise_md(uscc)
        )
    ) == (grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_SCOPE")
    assert footprint(db) == rows


def test_the_enterprise_requests_an_acceptance_with_the_cli(
    registry: Any, inspections: Any, admin: Any, grpc_addr: str
) -> None:
    from typer.testing import CliRunner

    from clients.cli import app

    uscc = make_enterprise(registry, admin)
    env = {
        "ONECARD_TARGET": grpc_addr,
        "ONECARD_TOKEN": enterprise_md(uscc)[0][1].removeprefix("Bearer "),
        "ONECARD_TIMEZONE": "Asia/Shanghai",
    }
    args = ["acceptance", "request", "--project", "生产线验收", "-d", "SCJG", "-d", "YJGL"]
    result = CliRunner().invoke(app, [*args, "--start", "2026-03-23", "--end", "2026-03-31", "-q"], env=env)
    assert result.exit_code == 0, result.output
    inspection_id = [line for line in result.stdout.splitlines() if line.startswith("I")][-1]
    asked = inspections.GetInspection(pb.GetInspectionRequest(inspection_id=inspection_id), metadata=LEGAL)
    assert (asked.state, asked.lead_department) == (pb.INSPECTION_STATE_PROPOSED, "SCJG")


def test_a_not_passed_acceptance_schedules_a_recheck_of_the_failed_parts_only(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    check = inspections.ProposeJointCheck(_proposal(scjg, uscc, ["YJGL"]), metadata=scjg.md).inspection
    _confirm(inspections, check.id, yjgl)
    code = approve(inspections, check.id).inspection.inspection_code
    _book(inspections, check.id, uscc, "2026-03-27")
    clock.set(local(2026, 3, 27))
    inspections.CheckIn(
        pb.CheckInRequest(inspection_code=code, inspector_ids=scjg.inspectors[:2] + yjgl.inspectors[:2]),
        metadata=scjg.md,
    )
    inspections.RecordPart(
        pb.RecordPartRequest(
            inspection_id=check.id, result=_part(common_pb.OUTCOME_NO_ISSUES, common_pb.HANDLING_NONE)
        ),
        metadata=scjg.md,
    )
    inspections.RecordPart(
        pb.RecordPartRequest(
            inspection_id=check.id,
            result=_part(
                common_pb.OUTCOME_ISSUES_FOUND,
                common_pb.HANDLING_RECTIFICATION,
                findings="疏散通道堵塞",
                rectification_deadline=Date(year=2026, month=4, day=20),
            ),
        ),
        metadata=yjgl.md,
    )
    failed = inspections.RecordAcceptance(
        pb.RecordAcceptanceRequest(
            inspection_id=check.id,
            verdict=pb.ACCEPTANCE_VERDICT_NOT_PASSED,
            opinion="疏散通道未达标，限期整改后复查",
            rectification_deadline=Date(year=2026, month=4, day=20),
        ),
        metadata=scjg.md,
    ).inspection
    assert (
        failed.acceptance == pb.ACCEPTANCE_VERDICT_NOT_PASSED
        and failed.state == pb.INSPECTION_STATE_COMPLETED
    )

    entries = _entries(cards, uscc)
    assert [card_pb.CardEntryKind.Name(e.kind) for e in entries[-2:]] == [
        "CARD_ENTRY_KIND_ACCEPTANCE_RECORDED",
        "CARD_ENTRY_KIND_RECHECK_SCHEDULED",
    ]
    recheck_id = json.loads(entries[-2].payload_json)["recheck"]
    recheck = inspections.GetInspection(pb.GetInspectionRequest(inspection_id=recheck_id), metadata=LEGAL)
    # Only the failed part: YJGL alone, with its items and inspectors, for both offices to approve.
    assert recheck.recheck_of == check.id and recheck.state == pb.INSPECTION_STATE_REQUESTED
    assert recheck.lead_department == "YJGL"
    assert [(p.department_code, p.confirmed, len(p.inspectors)) for p in recheck.participants] == [
        ("YJGL", True, 2)
    ]
    assert (recheck.window_start.month, recheck.window_start.day) == (4, 20)


def test_overlapping_requests_merge_into_one_joint_check_with_each_departments_consent(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    own = inspections.RequestInspection(
        request_for(scjg, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED), metadata=scjg.md
    ).inspection
    theirs = inspections.RequestInspection(
        request_for(yjgl, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED), metadata=yjgl.md
    ).inspection
    # YJGL is not named: merging its request invites it.
    check = inspections.ProposeJointCheck(
        _proposal(scjg, uscc, [], merge_inspection_ids=[own.id, theirs.id]), metadata=scjg.md
    ).inspection
    assert {p.department_code for p in check.participants} == {"SCJG", "YJGL"}

    def state(inspection_id: str) -> int:
        got = inspections.GetInspection(pb.GetInspectionRequest(inspection_id=inspection_id), metadata=LEGAL)
        return got.state

    # The lead's own request is absorbed at once; YJGL's waits for YJGL's consent.
    assert state(own.id) == pb.INSPECTION_STATE_CANCELLED
    assert state(theirs.id) == pb.INSPECTION_STATE_REQUESTED
    _confirm(inspections, check.id, yjgl)
    assert state(theirs.id) == pb.INSPECTION_STATE_CANCELLED
    assert state(check.id) == pb.INSPECTION_STATE_REQUESTED
    cancelled = [e for e in _entries(cards, uscc) if e.kind == card_pb.CARD_ENTRY_KIND_INSPECTION_CANCELLED]
    assert [(e.inspection_id, json.loads(e.payload_json)["merged_into"]) for e in cancelled] == [
        (own.id, check.id),
        (theirs.id, check.id),
    ]
    assert [e.department_code for e in cancelled] == ["SCJG", "YJGL"]


def test_a_request_that_cannot_be_merged_is_refused_and_nothing_written(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department, db: Database
) -> None:
    uscc, elsewhere = make_enterprise(registry, admin), make_enterprise(registry, admin)
    other_enterprise = inspections.RequestInspection(
        request_for(yjgl, elsewhere, kind=common_pb.INSPECTION_KIND_TRIGGERED), metadata=yjgl.md
    ).inspection
    later = inspections.RequestInspection(
        request_for(
            yjgl, uscc, start="2026-04-20", end="2026-04-24", kind=common_pb.INSPECTION_KIND_TRIGGERED
        ),
        metadata=yjgl.md,
    ).inspection
    before, rows = head(cards, uscc), footprint(db)
    for merged in (other_enterprise.id, later.id):
        assert rejected(
            lambda merged=merged: inspections.ProposeJointCheck(
                _proposal(scjg, uscc, ["YJGL"], merge_inspection_ids=[merged]), metadata=scjg.md
            )
        ) == (FP, "NOT_MERGEABLE")
        assert head(cards, uscc) == before and footprint(db) == rows


def test_an_acceptance_request_may_name_items_and_the_service_finds_their_departments(
    registry: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department, db: Database
) -> None:
    uscc = make_enterprise(registry, admin)
    asked = inspections.RequestAcceptance(
        _acceptance(uscc, [], item_codes=[yjgl.items[0], scjg.items[0], yjgl.items[1]]),
        metadata=enterprise_md(uscc),
    ).inspection
    assert asked.lead_department == "YJGL"
    assert {p.department_code for p in asked.participants} == {"YJGL", "SCJG"}
    rows = footprint(db)
    error = expect_error(
        lambda: inspections.RequestAcceptance(
            _acceptance(uscc, [], item_codes=[scjg.items[0], "NO-SUCH-ITEM"]), metadata=enterprise_md(uscc)
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert "item_codes[1]" in field_violations(error)
    assert footprint(db) == rows


def test_the_catalogue_designates_the_lead_for_a_kind_of_project(
    registry: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department, db: Database
) -> None:
    kind = reg.ProjectKind(
        code="WORKSHOP",
        name="厂房竣工验收",
        lead_department="YJGL",
        item_codes=[scjg.items[0], yjgl.items[0]],
    )
    created = registry.CreateProjectKind(reg.CreateProjectKindRequest(kind=kind), metadata=admin)
    assert created == kind
    listed = registry.ListProjectKinds(reg.ListProjectKindsRequest())  # the public reads the catalogue
    assert [k.code for k in listed.kinds] == ["WORKSHOP"]
    rows = footprint(db)
    for bad, field in (
        (reg.ProjectKind(code="BAD", name="x", lead_department="NOPE"), "kind.lead_department"),
        (
            reg.ProjectKind(code="BAD", name="x", lead_department="SCJG", item_codes=["NOPE"]),
            "kind.item_codes[0]",
        ),
    ):
        error = expect_error(
            lambda bad=bad: registry.CreateProjectKind(
                reg.CreateProjectKindRequest(kind=bad), metadata=admin
            ),
            grpc.StatusCode.INVALID_ARGUMENT,
            "INVALID_ARGUMENT",
        )
        assert field in field_violations(error)
    assert footprint(db) == rows

    # Naming the kind only: its designated lead leads, its usual items bring their departments.
    uscc = make_enterprise(registry, admin)
    asked = inspections.RequestAcceptance(
        _acceptance(uscc, [], project_kind="WORKSHOP"), metadata=enterprise_md(uscc)
    ).inspection
    assert asked.lead_department == "YJGL"
    assert {p.department_code for p in asked.participants} == {"YJGL", "SCJG"}
    # Named departments do not displace the catalogue's lead.
    other = make_enterprise(registry, admin)
    asked = inspections.RequestAcceptance(
        _acceptance(other, ["SCJG", "YJGL"], project_kind="WORKSHOP"), metadata=enterprise_md(other)
    ).inspection
    assert asked.lead_department == "YJGL"
    error = expect_error(
        lambda: inspections.RequestAcceptance(
            _acceptance(other, ["SCJG", "YJGL"], project_kind="NO-SUCH-KIND"), metadata=enterprise_md(other)
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert "project_kind" in field_violations(error)


def test_every_entry_of_a_joint_check_names_all_its_departments(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    check = inspections.ProposeJointCheck(_proposal(scjg, uscc, ["YJGL"]), metadata=scjg.md).inspection
    _confirm(inspections, check.id, yjgl)
    approve(inspections, check.id)
    joint_entries = [e for e in _entries(cards, uscc) if e.inspection_id == check.id]
    # Proposed, confirmed, one office's decision, both offices' approval.
    assert len(joint_entries) == 4
    for entry in joint_entries:
        assert set(json.loads(entry.payload_json)["departments"]) == {"SCJG", "YJGL"}, entry.kind
