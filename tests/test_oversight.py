"""Oversight (电子监察, DESIGN §9): every alert kind provoked with the clock, and shown not raised
when the rule is kept; alerts raised once across sweeping replicas; acknowledged and resolved by
the offices only, each step on the enterprise's card; a department sees only its own, never the
ratings and complaints; the card audit catches data changed behind the service's back."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import grpc
import pytest
from sqlalchemy import text

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.config import Settings
from inspection.domain.oversight.sweep import OversightRules, find_causes
from inspection.server import Running
from inspection.storage.db import Database
from inspection.storage.oversight_models import Alert
from inspection.sweeper import audit_cards, sweep_alerts
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import oversight_service_pb2 as ov
from inspection.v1 import oversight_service_pb2_grpc as ov_grpc
from tests.fee_support import assess, catalogue, fees, issue, pay, visited
from tests.inspection_support import (
    LEGAL,
    SUPERVISION,
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
from tests.support import field_violations, footprint

__all__ = ["catalogue", "fees"]  # fixtures these tests use

FP = grpc.StatusCode.FAILED_PRECONDITION


@pytest.fixture(scope="module")
def admin() -> list[tuple[str, str]]:
    return token(Role.ADMIN, sub="admin-1")


@pytest.fixture(scope="module")
def oversight(grpc_channel: grpc.Channel) -> ov_grpc.OversightServiceStub:
    return ov_grpc.OversightServiceStub(grpc_channel)


@pytest.fixture(scope="module")
def hbj(registry: Any, admin: Any) -> Department:
    return make_department(registry, admin, "HBJ")


@pytest.fixture(scope="module")
def rules(settings: Settings) -> OversightRules:
    return OversightRules.from_settings(settings)


@pytest.fixture
def sweep(running: Running, rules: OversightRules, clock: SettableClock) -> Any:
    """One oversight pass of the server under test, at the clock's time; returns how many it raised."""
    return lambda: sweep_alerts(running.db, rules, clock)


def alerts_of(oversight: Any, uscc: str, md: Any = SUPERVISION, **filters: Any) -> list[ov.Alert]:
    return list(
        oversight.ListAlerts(ov.ListAlertsRequest(uscc=uscc, page_size=200, **filters), metadata=md).alerts
    )


def kinds_of(oversight: Any, uscc: str, md: Any = SUPERVISION) -> list[str]:
    return sorted(
        ov.AlertKind.Name(a.kind).removeprefix("ALERT_KIND_") for a in alerts_of(oversight, uscc, md)
    )


def requested(inspections: Any, department: Department, uscc: str, **kw: Any) -> pb.Inspection:
    return inspections.RequestInspection(
        request_for(department, uscc, **kw), metadata=department.md
    ).inspection


def checked_in(
    inspections: Any, clock: SettableClock, department: Department, uscc: str, when: dt.datetime, **kw: Any
) -> str:
    """An inspection requested on 16 March 2026 (window 23–31 March), approved, checked in ``when``."""
    clock.set(local(2026, 3, 16))
    inspection = requested(inspections, department, uscc, start="2026-03-23", end="2026-03-31", **kw)
    code = approve(inspections, inspection.id).inspection.inspection_code
    clock.set(when)
    inspections.CheckIn(
        pb.CheckInRequest(inspection_code=code, inspector_ids=department.inspectors[:2]),
        metadata=department.md,
    )
    return str(inspection.id)


def emergency(inspections: Any, department: Department, uscc: str, reason: str) -> pb.InspectionChange:
    """An emergency inspection (事后登记备案) started now, on site at once."""
    return inspections.StartEmergencyInspection(
        pb.StartEmergencyInspectionRequest(
            uscc=uscc,
            item_codes=department.items[:1],
            legal_basis="《安全生产法》",
            reason=reason,
            inspector_ids=department.inspectors[:2],
        ),
        metadata=department.md,
    )


def record(inspections: Any, department: Department, inspection_id: str, *, outcome: int) -> pb.Inspection:
    return inspections.RecordResult(
        pb.RecordResultRequest(
            inspection_id=inspection_id,
            result=common_pb.InspectionResult(
                outcome=outcome,
                findings="消防通道堵塞" if outcome == common_pb.OUTCOME_ISSUES_FOUND else "",
                handling=common_pb.HANDLING_NONE,
            ),
        ),
        metadata=department.md,
    ).inspection


def payload_kinds(cards: Any, uscc: str) -> list[str]:
    """The alert kinds the card's ALERT_RAISED entries name, in card order."""
    entries = cards.ListCardEntries(
        card_pb.ListCardEntriesRequest(uscc=uscc, page_size=200), metadata=LEGAL
    ).entries
    return [
        json.loads(e.payload_json)["alert_kind"]
        for e in entries
        if e.kind == card_pb.CARD_ENTRY_KIND_ALERT_RAISED
    ]


# --- overdue -------------------------------------------------------------------------------------


def test_an_undecided_request_is_overdue_after_two_working_days_and_alerted_once(
    registry: Any,
    inspections: Any,
    oversight: Any,
    cards: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
    running: Running,
    rules: OversightRules,
) -> None:
    uscc = make_enterprise(registry, admin)
    clock.set(local(2026, 3, 16))  # Monday: due at the end of Wednesday 18 March
    inspection = requested(inspections, scjg, uscc)
    [deadline] = inspection.deadlines
    assert deadline.kind == pb.DEADLINE_KIND_DECISION and deadline.status == pb.DEADLINE_STATUS_PENDING
    assert not inspection.overdue

    clock.set(local(2026, 3, 18, hour=23))
    sweep()
    assert alerts_of(oversight, uscc) == []
    assert not inspections.GetInspection(
        pb.GetInspectionRequest(inspection_id=inspection.id), metadata=LEGAL
    ).overdue

    clock.set(local(2026, 3, 19, hour=9))
    late = inspections.GetInspection(pb.GetInspectionRequest(inspection_id=inspection.id), metadata=LEGAL)
    assert late.overdue and late.deadlines[0].status == pb.DEADLINE_STATUS_OVERDUE
    sweep()
    [alert] = alerts_of(oversight, uscc)
    assert alert.kind == ov.ALERT_KIND_DECISION_OVERDUE and alert.category == ov.ALERT_CATEGORY_OVERDUE
    assert (alert.subject_kind, alert.subject_id, alert.inspection_id) == (
        "INSPECTION",
        inspection.id,
        inspection.id,
    )
    assert alert.state == ov.ALERT_STATE_OPEN and alert.department_code == "SCJG"
    assert json.loads(alert.facts_json)["pending"] is True
    assert alert.cause_time.ToDatetime(dt.UTC) == inspection.decision_due_time.ToDatetime(dt.UTC)
    assert kinds(cards, uscc)[-1] == "ALERT_RAISED" and payload_kinds(cards, uscc) == ["DECISION_OVERDUE"]

    before = head(cards, uscc)
    sweep()
    clock.set(local(2026, 3, 20))
    sweep()
    assert len(alerts_of(oversight, uscc)) == 1 and head(cards, uscc) == before
    # The detectors' queries leave out what is already alerted, so a backlog longer than one
    # pass's row limit moves on instead of finding the same first rows again.
    with running.db.read() as session:
        assert [f for f in find_causes(session, rules, clock.now()) if f.uscc == uscc] == []


def test_a_request_decided_in_time_raises_nothing_and_one_decided_late_is_alerted(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    on_time, late = make_enterprise(registry, admin), make_enterprise(registry, admin)
    clock.set(local(2026, 3, 16))
    first = requested(inspections, scjg, on_time)
    second = requested(inspections, scjg, late)
    clock.set(local(2026, 3, 17))
    decided = approve(inspections, first.id).inspection
    assert decided.deadlines[0].status == pb.DEADLINE_STATUS_MET
    clock.set(local(2026, 3, 19, hour=8))
    approved_late = approve(inspections, second.id).inspection  # before any sweep saw it pending
    assert approved_late.deadlines[0].status == pb.DEADLINE_STATUS_MET_LATE and not approved_late.overdue
    clock.set(local(2026, 3, 20))
    sweep()
    assert alerts_of(oversight, on_time) == []
    [alert] = alerts_of(oversight, late)
    assert alert.kind == ov.ALERT_KIND_DECISION_OVERDUE
    facts = json.loads(alert.facts_json)
    assert facts["pending"] is False and facts["office"] in ("legal_office", "supervision")


def test_an_emergency_not_filed_within_72_hours_is_alerted_and_one_filed_in_time_is_not(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    unfiled, filed = make_enterprise(registry, admin), make_enterprise(registry, admin)
    clock.set(local(2026, 4, 6, hour=10))
    started = {}
    for uscc in (unfiled, filed):
        started[uscc] = emergency(inspections, scjg, uscc, "储罐泄漏").inspection
    clock.set(local(2026, 4, 8, hour=10))
    inspections.FileEmergencyInspection(
        pb.FileEmergencyInspectionRequest(inspection_id=started[filed].id, report="已排除险情"),
        metadata=scjg.md,
    )
    clock.set(local(2026, 4, 9, hour=9))  # 71 hours: not yet
    sweep()
    assert alerts_of(oversight, unfiled) == []
    clock.set(local(2026, 4, 9, hour=11))  # 73 hours
    sweep()
    assert kinds_of(oversight, unfiled) == ["FILING_OVERDUE"]
    assert alerts_of(oversight, filed) == []


def test_a_filing_not_acknowledged_within_two_working_days_is_alerted(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    waiting, acknowledged = make_enterprise(registry, admin), make_enterprise(registry, admin)
    clock.set(local(2026, 4, 13, hour=10))  # Monday
    ids = {}
    for uscc in (waiting, acknowledged):
        started = emergency(inspections, scjg, uscc, "火情").inspection
        ids[uscc] = started.id
        filed = inspections.FileEmergencyInspection(
            pb.FileEmergencyInspectionRequest(inspection_id=started.id, report="已处置"), metadata=scjg.md
        ).inspection
    ack_deadline = [d for d in filed.deadlines if d.kind == pb.DEADLINE_KIND_ACKNOWLEDGEMENT]
    assert len(ack_deadline) == 1 and ack_deadline[0].status == pb.DEADLINE_STATUS_PENDING
    for md in (LEGAL, SUPERVISION):
        inspections.AcknowledgeFiling(
            pb.AcknowledgeFilingRequest(inspection_id=ids[acknowledged], comment="已备案"), metadata=md
        )
    queue = inspections.ListInspections(
        pb.ListInspectionsRequest(awaiting_my_decision=True, page_size=1000), metadata=LEGAL
    )
    assert ids[waiting] in [i.id for i in queue.inspections] and ids[acknowledged] not in [
        i.id for i in queue.inspections
    ]
    clock.set(local(2026, 4, 15, hour=23))
    sweep()
    assert alerts_of(oversight, waiting) == []
    clock.set(local(2026, 4, 16, hour=9))
    sweep()
    assert kinds_of(oversight, waiting) == ["ACKNOWLEDGEMENT_OVERDUE"]
    assert alerts_of(oversight, acknowledged) == []


def test_a_result_not_published_within_20_working_days_is_alerted(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    unpublished, published = make_enterprise(registry, admin), make_enterprise(registry, admin)
    ids = {}
    for uscc in (unpublished, published):
        ids[uscc] = checked_in(inspections, clock, scjg, uscc, local(2026, 3, 23))
        due = record(
            inspections, scjg, ids[uscc], outcome=common_pb.OUTCOME_ISSUES_FOUND
        ).publication_due_time
    inspections.PublishResult(pb.PublishResultRequest(inspection_id=ids[published]), metadata=scjg.md)
    clock.set(due.ToDatetime(dt.UTC) - dt.timedelta(minutes=1))
    sweep()
    assert alerts_of(oversight, unpublished) == []
    clock.set(due.ToDatetime(dt.UTC) + dt.timedelta(minutes=1))
    sweep()
    [alert] = alerts_of(oversight, unpublished)
    assert alert.kind == ov.ALERT_KIND_PUBLICATION_OVERDUE and alert.inspection_id == ids[unpublished]
    assert alerts_of(oversight, published) == []


# --- attempted -----------------------------------------------------------------------------------


def test_a_refused_check_in_is_an_attempt_alert_and_a_valid_one_is_not(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    tried, kept = make_enterprise(registry, admin), make_enterprise(registry, admin)
    checked_in(inspections, clock, scjg, kept, local(2026, 3, 24))
    clock.set(local(2026, 3, 16))
    approved = requested(inspections, scjg, tried, start="2026-04-13", end="2026-04-17")
    code = approve(inspections, approved.id).inspection.inspection_code
    clock.set(local(2026, 3, 24))  # before the approved window
    assert (
        rejected(
            lambda: inspections.CheckIn(
                pb.CheckInRequest(inspection_code=code, inspector_ids=scjg.inspectors[:2]), metadata=scjg.md
            )
        )[0]
        == FP
    )
    sweep()
    [alert] = alerts_of(oversight, tried)
    assert alert.kind == ov.ALERT_KIND_UNAPPROVED_ACTIVITY_ATTEMPTED
    assert alert.category == ov.ALERT_CATEGORY_ATTEMPTED and alert.subject_kind == "CARD_ENTRY"
    assert json.loads(alert.facts_json)["method"] == "CheckIn"
    assert alerts_of(oversight, kept) == []


def test_a_fee_outside_the_catalogue_is_an_unlisted_fee_alert_and_a_listed_one_is_not(
    registry: Any,
    inspections: Any,
    oversight: Any,
    fees: Any,
    catalogue: None,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    tried, kept = make_enterprise(registry, admin), make_enterprise(registry, admin)
    refused = visited(inspections, clock, scjg, tried, 26)
    listed = visited(inspections, clock, scjg, kept, 26)
    assert rejected(lambda: assess(fees, scjg, refused, "YJGL-F1", 1)) == (FP, "UNLISTED_FEE")
    assess(fees, scjg, listed, "SCJG-F1", 1)
    sweep()
    [alert] = alerts_of(oversight, tried)
    assert alert.kind == ov.ALERT_KIND_UNLISTED_FEE_ATTEMPTED and alert.department_code == "SCJG"
    facts = json.loads(alert.facts_json)
    assert (facts["method"], facts["reason"]) == ("AssessFee", "UNLISTED_FEE")
    assert alerts_of(oversight, kept) == []


def test_a_refund_step_past_its_due_date_is_alerted_once_per_step(
    registry: Any,
    inspections: Any,
    oversight: Any,
    fees: Any,
    catalogue: None,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    from inspection.v1 import fee_service_pb2 as fee_pb

    uscc = make_enterprise(registry, admin)
    inspection_id = visited(inspections, clock, scjg, uscc, 26)
    assess(fees, scjg, inspection_id, "SCJG-F2", 4)
    bill = pay(fees, issue(fees, scjg, inspection_id)).bill
    [refund] = fees.RequestRefund(
        fee_pb.RequestRefundRequest(bill_id=bill.id, reason="重复收费"), metadata=enterprise_md(uscc)
    ).refunds
    due = refund.step_due_date
    clock.set(local(due.year, due.month, due.day, hour=20))
    sweep()
    assert [a for a in alerts_of(oversight, uscc) if a.kind == ov.ALERT_KIND_REFUND_STEP_OVERDUE] == []
    clock.set(local(due.year, due.month, due.day, hour=20) + dt.timedelta(days=1))
    sweep()
    sweep()
    [alert] = [a for a in alerts_of(oversight, uscc) if a.kind == ov.ALERT_KIND_REFUND_STEP_OVERDUE]
    assert (alert.subject_kind, alert.subject_id, alert.period) == ("REFUND", refund.id, "VERIFY")

    # Verified on time, the next step has its own due date; nothing is raised while it is kept.
    kept = make_enterprise(registry, admin)
    inspection_id = visited(inspections, clock, scjg, kept, 26)
    assess(fees, scjg, inspection_id, "SCJG-F2", 4)
    bill = pay(fees, issue(fees, scjg, inspection_id)).bill
    [refund] = fees.RequestRefund(
        fee_pb.RequestRefundRequest(bill_id=bill.id, reason="重复收费"), metadata=enterprise_md(kept)
    ).refunds
    verified = fees.ConfirmRefund(
        fee_pb.ConfirmRefundRequest(refund_id=refund.id, verified=True), metadata=scjg.md
    ).refunds[0]
    due = verified.step_due_date
    clock.set(local(due.year, due.month, due.day, hour=20))
    sweep()
    assert [a for a in alerts_of(oversight, kept) if a.kind == ov.ALERT_KIND_REFUND_STEP_OVERDUE] == []


# --- burden --------------------------------------------------------------------------------------


def test_three_visits_in_a_week_across_departments_raise_a_burden_alert_two_do_not(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    hbj: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    busy, calm = make_enterprise(registry, admin), make_enterprise(registry, admin)
    for department, when in ((scjg, 23), (yjgl, 24), (hbj, 25)):
        checked_in(inspections, clock, department, busy, local(2026, 3, when))
    for department, when in ((scjg, 23), (yjgl, 25)):
        checked_in(inspections, clock, department, calm, local(2026, 3, when))
    clock.set(local(2026, 3, 25, hour=18))
    sweep()
    [alert] = alerts_of(oversight, busy)
    assert alert.kind == ov.ALERT_KIND_VISITS_PER_WEEK_EXCEEDED and alert.category == ov.ALERT_CATEGORY_BURDEN
    assert (alert.subject_kind, alert.subject_id, alert.period) == ("ENTERPRISE", busy, "2026-W13")
    facts = json.loads(alert.facts_json)
    assert facts["visits"] == 3 and facts["threshold"] == 2
    assert [v["department"] for v in facts["inspections"]] == ["SCJG", "YJGL", "HBJ"]
    assert alerts_of(oversight, calm) == []


def test_an_emergency_on_a_day_already_visited_is_a_second_visit_that_day(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    twice, once = make_enterprise(registry, admin), make_enterprise(registry, admin)
    checked_in(inspections, clock, scjg, twice, local(2026, 3, 26, hour=9))
    checked_in(inspections, clock, scjg, once, local(2026, 3, 26, hour=9))
    clock.set(local(2026, 3, 26, hour=15))
    emergency(inspections, yjgl, twice, "举报称储罐泄漏")  # not held by the one-visit-a-day rule
    sweep()
    [alert] = [a for a in alerts_of(oversight, twice) if a.category == ov.ALERT_CATEGORY_BURDEN]
    assert alert.kind == ov.ALERT_KIND_VISITS_PER_DAY_EXCEEDED and alert.period == "2026-03-26"
    assert json.loads(alert.facts_json)["visits"] == 2
    assert [a for a in alerts_of(oversight, once) if a.category == ov.ALERT_CATEGORY_BURDEN] == []


def test_a_joint_visit_counts_once_and_four_in_a_month_raise_the_monthly_alert(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    hbj: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    from tests.fee_support import joint

    uscc = make_enterprise(registry, admin)
    joint(inspections, clock, scjg, yjgl, uscc, 23)  # two departments, one visit (进一次门)
    checked_in(inspections, clock, hbj, uscc, local(2026, 3, 25))
    clock.set(local(2026, 3, 27, hour=18))
    sweep()
    assert alerts_of(oversight, uscc) == []  # two visits this week, not three
    checked_in(inspections, clock, scjg, uscc, local(2026, 3, 30))  # the next week
    checked_in(inspections, clock, yjgl, uscc, local(2026, 3, 31))
    clock.set(local(2026, 3, 31, hour=18))
    sweep()
    assert kinds_of(oversight, uscc) == ["VISITS_PER_MONTH_EXCEEDED"]
    [alert] = alerts_of(oversight, uscc)
    assert alert.period == "2026-03" and json.loads(alert.facts_json)["visits"] == 4


def test_a_department_at_its_yearly_cap_is_alerted_once_below_it_is_not(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    capped = make_enterprise(registry, admin)
    clock.set(local(2026, 3, 16))
    requested(inspections, scjg, capped, start="2026-03-23", end="2026-03-27")
    requested(inspections, scjg, capped, start="2026-05-11", end="2026-05-15")
    requested(inspections, yjgl, capped, start="2026-04-13", end="2026-04-17")
    sweep()
    caps = [a for a in alerts_of(oversight, capped) if a.kind == ov.ALERT_KIND_YEARLY_CAP_REACHED]
    assert [(a.subject_kind, a.subject_id, a.period) for a in caps] == [("DEPARTMENT", "SCJG", "2026")]
    assert json.loads(caps[0].facts_json) == {"cap": 2, "routine": 2, "year": 2026}


# --- patterns ------------------------------------------------------------------------------------


def test_one_inspector_finding_nothing_three_times_at_one_enterprise_is_a_pattern(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    repeated, twice = make_enterprise(registry, admin), make_enterprise(registry, admin)
    triggered = {"kind": common_pb.INSPECTION_KIND_TRIGGERED}  # exempt from the yearly cap
    for when in (23, 24, 25):
        inspection_id = checked_in(inspections, clock, scjg, repeated, local(2026, 3, when), **triggered)
        record(inspections, scjg, inspection_id, outcome=common_pb.OUTCOME_NO_ISSUES)
    for when in (23, 24):
        inspection_id = checked_in(inspections, clock, scjg, twice, local(2026, 3, when), **triggered)
        record(inspections, scjg, inspection_id, outcome=common_pb.OUTCOME_NO_ISSUES)
    sweep()
    pattern = [a for a in alerts_of(oversight, repeated) if a.kind == ov.ALERT_KIND_REPEATED_NO_FINDINGS]
    assert sorted(a.subject_id for a in pattern) == sorted(scjg.inspectors[:2])
    assert all(
        a.subject_kind == "INSPECTOR" and len(json.loads(a.facts_json)["inspections"]) == 3 for a in pattern
    )
    assert not [a for a in alerts_of(oversight, twice) if a.kind == ov.ALERT_KIND_REPEATED_NO_FINDINGS]


def test_a_low_rating_and_a_complaint_are_alerted_and_never_shown_to_the_department(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
    cards: Any,
) -> None:
    unhappy, happy = make_enterprise(registry, admin), make_enterprise(registry, admin)
    rated_ids = {}
    for uscc, score in ((unhappy, 2), (happy, 4)):
        inspection_id = rated_ids[uscc] = checked_in(inspections, clock, scjg, uscc, local(2026, 3, 26))
        record(inspections, scjg, inspection_id, outcome=common_pb.OUTCOME_ISSUES_FOUND)
        inspections.RateInspection(
            pb.RateInspectionRequest(inspection_id=inspection_id, score=score, comment="一般"),
            metadata=enterprise_md(uscc),
        )
    inspections.FileComplaint(
        pb.FileComplaintRequest(inspection_id=inspection_id, text="检查人员态度粗暴"),
        metadata=enterprise_md(happy),
    )
    clock.set(local(2026, 3, 27))
    sweep()
    low_id = rated_ids[unhappy]
    assert kinds_of(oversight, unhappy) == ["LOW_RATING"]
    assert kinds_of(oversight, happy) == ["COMPLAINT_FILED"]
    assert alerts_of(oversight, unhappy, scjg.md) == [] and alerts_of(oversight, happy, scjg.md) == []
    rated = inspections.GetInspection(pb.GetInspectionRequest(inspection_id=low_id), metadata=scjg.md)
    assert not rated.HasField("rating")  # the rated department sees ratings only as aggregates
    assert (
        inspections.GetInspection(pb.GetInspectionRequest(inspection_id=low_id), metadata=LEGAL).rating.score
        == 2
    )
    seen = cards.ListCardEntries(
        card_pb.ListCardEntriesRequest(uscc=unhappy, page_size=200), metadata=scjg.md
    )
    voiced = [
        e
        for e in seen.entries
        if e.kind in (card_pb.CARD_ENTRY_KIND_INSPECTION_RATED, card_pb.CARD_ENTRY_KIND_ALERT_RAISED)
    ]
    assert len(voiced) == 2 and all(e.payload_withheld and not e.payload_json for e in voiced)
    hidden = alerts_of(oversight, unhappy)[0].alert_id
    assert rejected(lambda: oversight.GetAlert(ov.GetAlertRequest(alert_id=hidden), metadata=scjg.md)) == (
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )


# --- integrity -----------------------------------------------------------------------------------


def test_an_update_behind_the_service_is_caught_by_the_audit_though_the_card_verifies(
    registry: Any,
    inspections: Any,
    oversight: Any,
    cards: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
    db: Database,
    running: Running,
    rules: OversightRules,
) -> None:
    changed, untouched = make_enterprise(registry, admin), make_enterprise(registry, admin)
    ids = {}
    for uscc in (changed, untouched):
        ids[uscc] = checked_in(inspections, clock, scjg, uscc, local(2026, 3, 27))
        record(inspections, scjg, ids[uscc], outcome=common_pb.OUTCOME_ISSUES_FOUND)
        inspections.PublishResult(pb.PublishResultRequest(inspection_id=ids[uscc]), metadata=scjg.md)
    report = audit_cards(running.db, rules, clock)
    assert report.diverging == 0 and report.broken == 0
    with db.writer.begin() as connection:
        connection.execute(
            text("UPDATE inspection SET outcome = 'NO_ISSUES', findings = '无问题' WHERE id = :id"),
            {"id": ids[changed]},
        )
    assert cards.VerifyCard(
        card_pb.VerifyCardRequest(uscc=changed), metadata=LEGAL
    ).valid  # the chain is intact
    report = audit_cards(running.db, rules, clock)
    assert report.diverging == 1 and report.broken == 0 and report.raised == 1
    [alert] = alerts_of(oversight, changed)
    assert (
        alert.kind == ov.ALERT_KIND_STATE_DIVERGES_FROM_CARD and alert.category == ov.ALERT_CATEGORY_INTEGRITY
    )
    differences = json.loads(alert.facts_json)["differences"]
    assert differences["outcome"] == {"card": "ISSUES_FOUND", "stored": "NO_ISSUES"}
    assert differences["findings"]["stored"] == "无问题"
    assert audit_cards(running.db, rules, clock).raised == 0  # found again, raised once
    sweep()
    assert len(alerts_of(oversight, changed)) == 1 and alerts_of(oversight, untouched) == []


def test_a_rewritten_card_entry_is_a_broken_card_alert(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    db: Database,
    sweep: Any,
) -> None:
    uscc = make_enterprise(registry, admin)
    clock.set(local(2026, 3, 16))
    requested(inspections, scjg, uscc)
    sweep()
    assert [a for a in alerts_of(oversight, uscc) if a.category == ov.ALERT_CATEGORY_INTEGRITY] == []
    with db.writer.begin() as connection:
        connection.execute(
            text("UPDATE card_entry SET actor_sub = 'someone-else' WHERE uscc = :uscc AND seq = 2"),
            {"uscc": uscc},
        )
    sweep()
    [alert] = [a for a in alerts_of(oversight, uscc) if a.category == ov.ALERT_CATEGORY_INTEGRITY]
    assert alert.kind == ov.ALERT_KIND_CARD_BROKEN and alert.subject_kind == "CARD"
    assert json.loads(alert.facts_json)["first_bad_seq"] == 2 and alert.period == "2"


# --- exactly once, across replicas ---------------------------------------------------------------


def test_two_replicas_sweeping_at_once_raise_each_alert_once(
    registry: Any,
    inspections: Any,
    oversight: Any,
    cards: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    database_url: str,
    rules: OversightRules,
) -> None:
    usccs = [make_enterprise(registry, admin) for _ in range(6)]
    clock.set(local(2026, 3, 16))
    for uscc in usccs:
        requested(inspections, scjg, uscc)
    clock.set(local(2026, 3, 20))
    databases = [Database(database_url), Database(database_url)]
    barrier = threading.Barrier(2)
    raised: list[int] = []

    def replica(db: Database) -> None:
        barrier.wait()
        raised.append(sweep_alerts(db, rules, clock))

    try:
        threads = [threading.Thread(target=replica, args=(d,)) for d in databases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for d in databases:
            d.dispose()
    assert len(raised) == 2
    for uscc in usccs:
        assert kinds_of(oversight, uscc) == ["DECISION_OVERDUE"]
        assert payload_kinds(cards, uscc) == ["DECISION_OVERDUE"]


# --- the offices act -----------------------------------------------------------------------------


def test_an_office_acknowledges_then_resolves_with_a_note_each_on_the_card(
    registry: Any,
    inspections: Any,
    oversight: Any,
    cards: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    db: Database,
    sweep: Any,
) -> None:
    uscc = make_enterprise(registry, admin)
    clock.set(local(2026, 3, 16))
    requested(inspections, scjg, uscc)
    clock.set(local(2026, 3, 20))
    sweep()
    [alert] = alerts_of(oversight, uscc)

    def ack(md: Any, request_id: str = "") -> Any:
        return lambda: oversight.AcknowledgeAlert(
            ov.AcknowledgeAlertRequest(request_id=request_id, alert_id=alert.alert_id), metadata=md
        )

    def resolve(md: Any, note: str) -> Any:
        return lambda: oversight.ResolveAlert(
            ov.ResolveAlertRequest(alert_id=alert.alert_id, note=note), metadata=md
        )

    before = footprint(db)
    assert rejected(ack(scjg.md)) == (grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_ALLOWED")
    assert rejected(ack(enterprise_md(uscc))) == (grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_ALLOWED")
    assert footprint(db) == before

    clock.set(local(2026, 3, 20, hour=11))
    changed = ack(SUPERVISION, "ack-1")()
    assert changed.alert.state == ov.ALERT_STATE_ACKNOWLEDGED
    assert changed.alert.acknowledged_by == "supervision-auditor-1"
    assert (changed.card_head.seq, changed.card_head.entry_hash) == head(cards, uscc)
    assert ack(SUPERVISION, "ack-1")() == changed  # a retry returns the first answer
    before = footprint(db)
    assert rejected(ack(LEGAL)) == (FP, "ALERT_ALREADY_ACKNOWLEDGED")
    with pytest.raises(grpc.RpcError) as caught:
        resolve(LEGAL, "  ")()
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "note" in field_violations(
        caught.value
    )
    with pytest.raises(grpc.RpcError) as caught:
        resolve(LEGAL, "长" * 2001)()
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "note" in field_violations(
        caught.value
    )
    assert footprint(db) == before

    done = resolve(LEGAL, "已约谈该局负责人，责令限期改正")().alert
    assert done.state == ov.ALERT_STATE_RESOLVED and done.resolved_by == "legal-reviewer-1"
    assert done.resolution_note == "已约谈该局负责人，责令限期改正"
    assert kinds(cards, uscc)[-3:] == ["ALERT_RAISED", "ALERT_ACKNOWLEDGED", "ALERT_RESOLVED"]
    before = footprint(db)
    assert rejected(resolve(SUPERVISION, "再次办结")) == (FP, "ALERT_ALREADY_RESOLVED")
    assert rejected(
        lambda: oversight.GetAlert(ov.GetAlertRequest(alert_id="AL" + "0" * 20), metadata=LEGAL)
    ) == (
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    with pytest.raises(grpc.RpcError) as caught:
        oversight.GetAlert(ov.GetAlertRequest(alert_id="x" * 65), metadata=LEGAL)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert footprint(db) == before
    assert alerts_of(oversight, uscc, states=[ov.ALERT_STATE_OPEN]) == []
    assert [a.alert_id for a in alerts_of(oversight, uscc, states=[ov.ALERT_STATE_RESOLVED])] == [
        alert.alert_id
    ]


def test_a_department_sees_only_the_alerts_about_itself(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    uscc = make_enterprise(registry, admin)
    clock.set(local(2026, 3, 16))
    mine = requested(inspections, scjg, uscc, start="2026-03-23", end="2026-03-27")
    theirs = requested(inspections, yjgl, uscc, start="2026-04-13", end="2026-04-17")
    clock.set(local(2026, 3, 20))
    sweep()
    assert {a.inspection_id for a in alerts_of(oversight, uscc)} == {mine.id, theirs.id}
    assert [a.inspection_id for a in alerts_of(oversight, uscc, scjg.md)] == [mine.id]
    assert [a.inspection_id for a in alerts_of(oversight, uscc, yjgl.md)] == [theirs.id]
    assert rejected(
        lambda: oversight.ListAlerts(ov.ListAlertsRequest(department_code="YJGL"), metadata=scjg.md)
    ) == (grpc.StatusCode.PERMISSION_DENIED, "PERMISSION_DENIED")
    other = next(a for a in alerts_of(oversight, uscc) if a.inspection_id == theirs.id)
    assert (
        rejected(lambda: oversight.GetAlert(ov.GetAlertRequest(alert_id=other.alert_id), metadata=scjg.md))[0]
        == grpc.StatusCode.NOT_FOUND
    )


def test_alerts_page_newest_first_and_a_bad_filter_is_a_field_violation(
    oversight: Any,
    registry: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    clock.set(local(2026, 3, 16))
    usccs = [make_enterprise(registry, admin) for _ in range(5)]
    for n, uscc in enumerate(usccs):
        requested(inspections, scjg, uscc)
        clock.set(local(2026, 3, 19, hour=9) + dt.timedelta(minutes=n))
        sweep()
        clock.set(local(2026, 3, 16))
    seen: list[ov.Alert] = []
    token_ = ""
    while True:
        page = oversight.ListAlerts(
            ov.ListAlertsRequest(page_size=2, page_token=token_, kinds=[ov.ALERT_KIND_DECISION_OVERDUE]),
            metadata=LEGAL,
        )
        seen += page.alerts
        token_ = page.next_page_token
        if not token_:
            break
    times = [(a.raise_time.ToDatetime(), a.alert_id) for a in seen]
    assert times == sorted(times, reverse=True) and len({a.alert_id for a in seen}) == len(seen)
    assert {u for u in usccs} <= {a.uscc for a in seen}
    with pytest.raises(grpc.RpcError) as caught:
        oversight.ListAlerts(ov.ListAlertsRequest(kinds=[999]), metadata=LEGAL)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "kinds[0]" in field_violations(
        caught.value
    )


def test_a_watcher_receives_each_new_alert_once(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    sweep: Any,
) -> None:
    uscc = make_enterprise(registry, admin)
    clock.set(local(2026, 3, 16))
    requested(inspections, scjg, uscc)
    clock.set(local(2026, 3, 19, hour=12))
    stream = oversight.WatchAlerts(ov.WatchAlertsRequest(), metadata=SUPERVISION, timeout=20)
    received: list[ov.Alert] = []

    def read() -> None:
        for message in stream:
            if message.HasField("alert") and message.alert.uscc == uscc:
                received.append(message.alert)
                break

    reader = threading.Thread(target=read)
    reader.start()
    try:
        import time

        time.sleep(0.5)
        sweep()
        reader.join(timeout=15)
    finally:
        stream.cancel()
    assert [a.kind for a in received] == [ov.ALERT_KIND_DECISION_OVERDUE]


def test_the_schema_refuses_a_second_alert_with_the_same_key(
    registry: Any,
    inspections: Any,
    oversight: Any,
    admin: Any,
    scjg: Department,
    clock: SettableClock,
    db: Database,
    sweep: Any,
) -> None:
    """The backstop of 'exactly once': even a writer that skipped the check cannot store a key twice."""
    from inspection.errors import Conflict

    uscc = make_enterprise(registry, admin)
    clock.set(local(2026, 3, 16))
    requested(inspections, scjg, uscc)
    clock.set(local(2026, 3, 20))
    sweep()
    [alert] = alerts_of(oversight, uscc)
    with db.read() as session:
        stored = session.get(Alert, alert.alert_id)
        assert stored is not None
        twin = Alert.model_validate({**stored.model_dump(), "id": "AL" + "f" * 20})
    before = footprint(db)
    with pytest.raises(Conflict), db.write() as session:  # the unique key, seen as a conflict
        session.add(twin)
        session.flush()
    assert footprint(db) == before


def test_the_cli_lists_shows_acknowledges_and_resolves_a_burden_alert(
    registry: Any,
    inspections: Any,
    cards: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    hbj: Department,
    grpc_addr: str,
    clock: SettableClock,
    sweep: Any,
) -> None:
    import re

    from typer.testing import CliRunner

    from clients.cli import app

    log_line = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")
    uscc = make_enterprise(registry, admin)
    for department, when in ((scjg, 23), (yjgl, 24), (hbj, 25), (scjg, 26)):
        kw = {"kind": common_pb.INSPECTION_KIND_TRIGGERED} if when == 26 else {}
        checked_in(inspections, clock, department, uscc, local(2026, 3, when), **kw)
    clock.set(local(2026, 3, 26, hour=18))
    sweep()

    def onecard(md: Any, *args: str, code: int = 0) -> Any:
        env = {
            "ONECARD_TARGET": grpc_addr,
            "ONECARD_TOKEN": md[0][1].removeprefix("Bearer "),
            "ONECARD_TIMEZONE": "Asia/Shanghai",
        }
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == code, result.output
        return result

    def as_json(md: Any, *args: str) -> Any:
        lines = onecard(md, *args, "--json").stdout.splitlines()
        return json.loads("\n".join(line for line in lines if not log_line.match(line)))

    listed = as_json(SUPERVISION, "alerts", "list", "--uscc", uscc, "--kind", "visits-per-week-exceeded")
    [alert] = listed
    assert alert["period"] == "2026-W13" and alert["state"] == "ALERT_STATE_OPEN"
    table = onecard(SUPERVISION, "alerts", "list", "--uscc", uscc, "--state", "open").stdout
    assert alert["alert_id"] in table and "visits-per-week-exceeded" in table
    shown = onecard(SUPERVISION, "alerts", "show", alert["alert_id"]).stdout
    assert "2026-W13" in shown and "HBJ" in shown
    onecard(SUPERVISION, "alerts", "list", "--kind", "no-such-kind", code=2)
    acked = as_json(SUPERVISION, "alerts", "ack", alert["alert_id"])
    assert acked["alert"]["state"] == "ALERT_STATE_ACKNOWLEDGED"
    onecard(scjg.md, "alerts", "resolve", alert["alert_id"], "--note", "x", code=2)  # a department may not
    resolved = as_json(
        SUPERVISION,
        "alerts",
        "resolve",
        alert["alert_id"],
        "--note",
        "已约谈三部门负责人，下周起改为联合检查",
    )
    assert resolved["alert"]["state"] == "ALERT_STATE_RESOLVED"
    assert kinds(cards, uscc)[-3:] == ["ALERT_RAISED", "ALERT_ACKNOWLEDGED", "ALERT_RESOLVED"]
    queue = onecard(LEGAL, "inspection", "list", "--uscc", uscc).stdout
    assert "next due" in queue
