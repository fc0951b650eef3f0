"""The inspection lifecycle as a table (DESIGN §4): every transition not in the table is refused with
the reason the table names and writes nothing — walked through the real server — and the rules the
table made right: one answer on the doorstep and at check-in, no approval after the window, expiry."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable
from typing import Any

import grpc
import pytest

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.config import Settings
from inspection.domain.inspections import Rules
from inspection.domain.inspections.lifecycle import (
    NEW,
    TRANSITIONS,
    Event,
    Flow,
    refusal,
    step,
)
from inspection.domain.inspections.model import Kind, Origin, State
from inspection.errors import FailedPrecondition
from inspection.reasons import Reason
from inspection.server import Running, build
from inspection.storage.db import Database
from inspection.sweeper import expire_lapsed
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import inspection_service_pb2_grpc as pb_grpc
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
    make_department,
    make_enterprise,
    only_attempts_written,
    rejected,
    request_for,
    token,
)
from tests.support import day, footprint

FP = grpc.StatusCode.FAILED_PRECONDITION

# --- the table itself ----------------------------------------------------------------------------

#: A kind and an origin of each flow.
_OF_FLOW = {
    Flow.APPROVED_IN_ADVANCE: (Kind.TRIGGERED, Origin.REQUEST),
    Flow.EMERGENCY: (Kind.EMERGENCY, Origin.REQUEST),
    Flow.JOINT_CHECK: (Kind.TRIGGERED, Origin.JOINT_CHECK),
}
_NOT_IN_TABLE = [
    (flow, state, event)
    for flow, state, event in itertools.product(Flow, [NEW, *State], Event)
    if (flow, state, event) not in TRANSITIONS
]


@pytest.mark.parametrize(
    ("flow", "state", "event"),
    _NOT_IN_TABLE,
    ids=[f"{f.value}-{s.value if s else 'NEW'}-{e.value}" for f, s, e in _NOT_IN_TABLE],
)
def test_every_transition_not_in_the_table_is_refused_with_its_reason(
    flow: Flow, state: State | None, event: Event
) -> None:
    with pytest.raises(FailedPrecondition) as refused:
        kind, origin = _OF_FLOW[flow]
        step(kind, state.value if state else None, event, origin)
    assert refused.value.reason == refusal(flow, state, event)
    assert refused.value.reason in Reason.__members__.values()


def test_the_table_is_what_the_design_draws() -> None:
    """Written out by hand from DESIGN §4's diagram, not derived from the table it checks."""
    drawn = {
        (s.value if s else "NEW", e.value, t.target.value)
        for (flow, s, e), t in TRANSITIONS.items()
        if flow is Flow.APPROVED_IN_ADVANCE and s is not t.target
    }
    assert drawn == {
        ("NEW", "REQUEST", "REQUESTED"),
        ("NEW", "DRAW", "APPROVED"),
        ("REQUESTED", "APPROVE", "APPROVED"),
        ("REQUESTED", "REJECT", "REJECTED"),
        ("REQUESTED", "CANCEL", "CANCELLED"),
        ("REQUESTED", "EXPIRE", "EXPIRED"),
        ("APPROVED", "CANCEL", "CANCELLED"),
        ("APPROVED", "EXPIRE", "EXPIRED"),
        ("APPROVED", "CHECK_IN", "IN_PROGRESS"),
        ("IN_PROGRESS", "RECORD_RESULT", "COMPLETED"),
        ("COMPLETED", "PUBLISH", "PUBLISHED"),
    }
    emergency = {
        (s.value if s else "NEW", e.value, t.target.value)
        for (flow, s, e), t in TRANSITIONS.items()
        if flow is Flow.EMERGENCY and s is not t.target
    }
    assert emergency == {
        ("NEW", "START_EMERGENCY", "IN_PROGRESS"),
        ("IN_PROGRESS", "RECORD_RESULT", "COMPLETED"),
        ("IN_PROGRESS", "FILE", "FILED_PENDING"),
        ("COMPLETED", "FILE", "FILED_PENDING"),
        ("FILED_PENDING", "ACKNOWLEDGE", "FILED"),
        ("FILED", "PUBLISH", "PUBLISHED"),
    }
    joint = {
        (s.value if s else "NEW", e.value, t.target.value)
        for (flow, s, e), t in TRANSITIONS.items()
        if flow is Flow.JOINT_CHECK and s is not t.target
    }
    assert joint == (
        drawn - {("NEW", "REQUEST", "REQUESTED"), ("IN_PROGRESS", "RECORD_RESULT", "COMPLETED")}
    ) | {
        ("NEW", "PROPOSE", "PROPOSED"),
        ("NEW", "RECHECK", "REQUESTED"),
        ("IN_PROGRESS", "ACCEPT", "COMPLETED"),
        ("PROPOSED", "CONFIRM_LAST", "REQUESTED"),
        ("PROPOSED", "DECLINE_LAST", "REQUESTED"),
        ("PROPOSED", "DECLINE_LAST_ALONE", "CANCELLED"),
        ("PROPOSED", "DECLINE_REQUIRED", "CANCELLED"),
        ("PROPOSED", "CANCEL", "CANCELLED"),
        ("PROPOSED", "EXPIRE", "EXPIRED"),
    }


# --- the same, through the server ----------------------------------------------------------------


@pytest.fixture(scope="module")
def admin() -> list[tuple[str, str]]:
    """An admin token that outlives the clock's jumps in these tests."""
    return token(Role.ADMIN, sub="admin-1")


@pytest.fixture(autouse=True)
def monday_morning(clock: SettableClock) -> None:
    """Every test starts on Monday 16 March 2026, 10:00 in the district (not a quiet day)."""
    clock.set(local(2026, 3, 16))


def _sweep(running: Running, settings: Settings, clock: SettableClock) -> int:
    return expire_lapsed(running.db, Rules.from_settings(settings), clock)


_NO_ISSUES = common_pb.InspectionResult(outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_NONE)


class Builder:
    """Brings a new inspection of a new enterprise into a given state through the API."""

    def __init__(
        self,
        registry: Any,
        admin: Any,
        inspections: pb_grpc.InspectionServiceStub,
        department: Department,
        clock: SettableClock,
        sweep: Callable[[], int],
    ) -> None:
        self.registry, self.admin, self.api, self.dept = registry, admin, inspections, department
        self.clock, self.sweep = clock, sweep

    def _result(self, inspection_id: str) -> None:
        self.api.RecordResult(
            pb.RecordResultRequest(
                inspection_id=inspection_id,
                result=common_pb.InspectionResult(
                    outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_NONE
                ),
            ),
            metadata=self.dept.md,
        )

    def in_advance(self, state: State) -> tuple[str, str, str]:
        """(inspection id, code, uscc) of a triggered inspection in ``state``."""
        uscc = make_enterprise(self.registry, self.admin)
        made = self.api.RequestInspection(
            request_for(self.dept, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED), metadata=self.dept.md
        ).inspection
        return self._onwards(made, uscc, state)

    def joint(self, state: State, invited: Department) -> tuple[str, str, str]:
        """The same for a joint check with ``invited``: proposed, then confirmed → REQUESTED onwards."""
        uscc = make_enterprise(self.registry, self.admin)
        lead = request_for(self.dept, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED)
        fields = {f.name: getattr(lead, f.name) for f in lead.DESCRIPTOR.fields if f.name != "request_id"}
        made = self.api.ProposeJointCheck(
            pb.ProposeJointCheckRequest(**fields, department_codes=[invited.code]), metadata=self.dept.md
        ).inspection
        if state is State.PROPOSED:
            return made.id, "", uscc
        made = self.api.ConfirmParticipation(
            pb.ConfirmParticipationRequest(
                inspection_id=made.id, item_codes=invited.items[:1], inspector_ids=invited.inspectors[:2]
            ),
            metadata=invited.md,
        ).inspection
        return self._onwards(made, uscc, state, parts_by=(self.dept, invited))

    def _onwards(
        self, made: pb.Inspection, uscc: str, state: State, parts_by: tuple[Department, ...] = ()
    ) -> tuple[str, str, str]:
        """From REQUESTED to ``state``; a joint check's result is its departments' parts and the
        lead's acceptance."""
        if state is State.REQUESTED:
            return made.id, "", uscc
        if state is State.REJECTED:
            self.api.DecideInspection(
                pb.DecideInspectionRequest(
                    inspection_id=made.id, decision=pb.DECISION_REJECT, comment="依据不足"
                ),
                metadata=LEGAL,
            )
            return made.id, "", uscc
        code = approve(self.api, made.id).inspection.inspection_code
        if state is State.CANCELLED:
            self.api.CancelInspection(
                pb.CancelInspectionRequest(inspection_id=made.id, reason="企业停产"), metadata=self.dept.md
            )
        elif state is State.EXPIRED:
            self.clock.set(local(2026, 3, 30))
            assert self.sweep() >= 1
        elif state is not State.APPROVED:
            self.clock.set(local(2026, 3, 23))
            if parts_by:  # a joint check's visit happens on the day the enterprise booked
                self.api.BookVisit(
                    pb.BookVisitRequest(
                        inspection_id=made.id,
                        slot=pb.Slot(date=day("2026-03-23"), half_day=pb.HALF_DAY_MORNING),
                    ),
                    metadata=enterprise_md(uscc),
                )
            self.api.CheckIn(
                pb.CheckInRequest(inspection_code=code, inspector_ids=self.dept.inspectors[:2]),
                metadata=self.dept.md,
            )
            if state in (State.COMPLETED, State.PUBLISHED) and parts_by:
                for department in parts_by:
                    self.api.RecordPart(
                        pb.RecordPartRequest(inspection_id=made.id, result=_NO_ISSUES), metadata=department.md
                    )
                self.api.RecordAcceptance(
                    pb.RecordAcceptanceRequest(inspection_id=made.id, verdict=pb.ACCEPTANCE_VERDICT_PASSED),
                    metadata=self.dept.md,
                )
            elif state in (State.COMPLETED, State.PUBLISHED):
                self._result(made.id)
            if state is State.PUBLISHED:
                self.api.PublishResult(pb.PublishResultRequest(inspection_id=made.id), metadata=self.dept.md)
        return made.id, code, uscc

    def emergency(self, state: State) -> tuple[str, str, str]:
        uscc = make_enterprise(self.registry, self.admin)
        made = self.api.StartEmergencyInspection(
            pb.StartEmergencyInspectionRequest(
                uscc=uscc,
                item_codes=self.dept.items[:1],
                legal_basis="《安全生产法》第六十五条",
                reason="粉尘爆炸隐患",
                inspector_ids=self.dept.inspectors[:2],
            ),
            metadata=self.dept.md,
        ).inspection
        if state in (State.COMPLETED, State.FILED, State.PUBLISHED):
            self._result(made.id)
        if state in (State.FILED_PENDING, State.FILED, State.PUBLISHED):
            self.api.FileEmergencyInspection(
                pb.FileEmergencyInspectionRequest(inspection_id=made.id, report="已处置"),
                metadata=self.dept.md,
            )
        if state in (State.FILED, State.PUBLISHED):
            for md in (LEGAL, SUPERVISION):
                self.api.AcknowledgeFiling(pb.AcknowledgeFilingRequest(inspection_id=made.id), metadata=md)
        if state is State.PUBLISHED:
            self.api.PublishResult(pb.PublishResultRequest(inspection_id=made.id), metadata=self.dept.md)
        return made.id, "", uscc


_REACHABLE = {
    Flow.APPROVED_IN_ADVANCE: [
        State.REQUESTED,
        State.APPROVED,
        State.REJECTED,
        State.CANCELLED,
        State.EXPIRED,
        State.IN_PROGRESS,
        State.COMPLETED,
        State.PUBLISHED,
    ],
    Flow.EMERGENCY: [State.IN_PROGRESS, State.COMPLETED, State.FILED_PENDING, State.FILED, State.PUBLISHED],
    Flow.JOINT_CHECK: [
        State.PROPOSED,
        State.REQUESTED,
        State.APPROVED,
        State.REJECTED,
        State.CANCELLED,
        State.EXPIRED,
        State.IN_PROGRESS,
        State.COMPLETED,
        State.PUBLISHED,
    ],
}
#: The events a caller can send, each with the table events it stands for.
_CALLED = {
    "DecideInspection(APPROVE)": (Event.APPROVE_FIRST, Event.APPROVE),
    "DecideInspection(REJECT)": (Event.REJECT,),
    "CancelInspection": (Event.CANCEL,),
    "CheckIn": (Event.CHECK_IN,),
    "RecordResult": (Event.RECORD_RESULT,),
    "PublishResult": (Event.PUBLISH,),
    "FileEmergencyInspection": (Event.FILE,),
    "AcknowledgeFiling": (Event.ACKNOWLEDGE_FIRST, Event.ACKNOWLEDGE),
    "RateInspection": (Event.RATE,),
    "ConfirmParticipation": (Event.CONFIRM, Event.CONFIRM_LAST),
    "DeclineParticipation": (
        Event.DECLINE,
        Event.DECLINE_LAST,
        Event.DECLINE_LAST_ALONE,
        Event.DECLINE_REQUIRED,
    ),
    "RecordPart": (Event.RECORD_PART,),
    "RecordAcceptance": (Event.ACCEPT,),
    "BookVisit": (Event.BOOK, Event.RESCHEDULE),
    "OfferSlots": (Event.OFFER,),
}
_JOINT_CASES = itertools.count(1)
_REFUSED_CALLS = [
    (flow, state, call)
    for flow, states in _REACHABLE.items()
    for state in states
    for call, events in _CALLED.items()
    if not any((flow, state, e) in TRANSITIONS for e in events)
    # Only an approved inspection has a code to check in with.
    and not (
        call == "CheckIn"
        and (flow is Flow.EMERGENCY or state in (State.PROPOSED, State.REQUESTED, State.REJECTED))
    )
]


def _send(
    api: pb_grpc.InspectionServiceStub,
    call: str,
    inspection_id: str,
    code: str,
    uscc: str,
    department: Department,
    invited: Department,
) -> Callable[[], Any]:
    md = department.md
    sends: dict[str, Callable[[], Any]] = {
        "DecideInspection(APPROVE)": lambda: api.DecideInspection(
            pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE),
            metadata=LEGAL,
        ),
        "DecideInspection(REJECT)": lambda: api.DecideInspection(
            pb.DecideInspectionRequest(
                inspection_id=inspection_id, decision=pb.DECISION_REJECT, comment="不同意"
            ),
            metadata=LEGAL,
        ),
        "CancelInspection": lambda: api.CancelInspection(
            pb.CancelInspectionRequest(inspection_id=inspection_id, reason="撤回"), metadata=md
        ),
        "CheckIn": lambda: api.CheckIn(
            pb.CheckInRequest(inspection_code=code, inspector_ids=department.inspectors[:2]), metadata=md
        ),
        "RecordResult": lambda: api.RecordResult(
            pb.RecordResultRequest(
                inspection_id=inspection_id,
                result=common_pb.InspectionResult(
                    outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_NONE
                ),
            ),
            metadata=md,
        ),
        "PublishResult": lambda: api.PublishResult(
            pb.PublishResultRequest(inspection_id=inspection_id), metadata=md
        ),
        "FileEmergencyInspection": lambda: api.FileEmergencyInspection(
            pb.FileEmergencyInspectionRequest(inspection_id=inspection_id, report="补报"), metadata=md
        ),
        "AcknowledgeFiling": lambda: api.AcknowledgeFiling(
            pb.AcknowledgeFilingRequest(inspection_id=inspection_id), metadata=LEGAL
        ),
        "RateInspection": lambda: api.RateInspection(
            pb.RateInspectionRequest(inspection_id=inspection_id, score=4), metadata=enterprise_md(uscc)
        ),
        "ConfirmParticipation": lambda: api.ConfirmParticipation(
            pb.ConfirmParticipationRequest(
                inspection_id=inspection_id,
                item_codes=invited.items[:1],
                inspector_ids=invited.inspectors[:2],
            ),
            metadata=invited.md,
        ),
        "DeclineParticipation": lambda: api.DeclineParticipation(
            pb.DeclineParticipationRequest(inspection_id=inspection_id, reason="本部门无此事项"),
            metadata=invited.md,
        ),
        "RecordPart": lambda: api.RecordPart(
            pb.RecordPartRequest(inspection_id=inspection_id, result=_NO_ISSUES), metadata=md
        ),
        "RecordAcceptance": lambda: api.RecordAcceptance(
            pb.RecordAcceptanceRequest(inspection_id=inspection_id, verdict=pb.ACCEPTANCE_VERDICT_PASSED),
            metadata=md,
        ),
        "OfferSlots": lambda: api.OfferSlots(
            pb.OfferSlotsRequest(
                inspection_id=inspection_id,
                slots=[pb.Slot(date=day("2026-03-24"), half_day=pb.HALF_DAY_MORNING)],
            ),
            metadata=md,
        ),
        "BookVisit": lambda: api.BookVisit(
            pb.BookVisitRequest(
                inspection_id=inspection_id,
                slot=pb.Slot(date=day("2026-03-24"), half_day=pb.HALF_DAY_MORNING),
            ),
            metadata=enterprise_md(uscc),
        ),
    }
    return sends[call]


@pytest.mark.parametrize(
    ("flow", "state", "call"),
    _REFUSED_CALLS,
    ids=[f"{f.value}-{s.value}-{c}" for f, s, c in _REFUSED_CALLS],
)
def test_each_call_the_table_refuses_answers_its_reason_and_writes_nothing(
    flow: Flow,
    state: State,
    call: str,
    registry: Any,
    admin: Any,
    cards: Any,
    inspections: pb_grpc.InspectionServiceStub,
    scjg: Department,
    yjgl: Department,
    clock: SettableClock,
    running: Running,
    settings: Settings,
    db: Database,
) -> None:
    lead, invited = scjg, yjgl
    if flow is Flow.JOINT_CHECK:
        # Departments of their own, so that every case can book the same morning for its inspectors.
        n = next(_JOINT_CASES)
        lead, invited = make_department(registry, admin, f"JL{n}"), make_department(registry, admin, f"JV{n}")
    builder = Builder(registry, admin, inspections, lead, clock, lambda: _sweep(running, settings, clock))
    if flow is Flow.JOINT_CHECK:
        inspection_id, code, uscc = builder.joint(state, invited)
    elif flow is Flow.APPROVED_IN_ADVANCE:
        inspection_id, code, uscc = builder.in_advance(state)
    else:
        inspection_id, code, uscc = builder.emergency(state)
    before, rows = head(cards, uscc), footprint(db)
    expected = refusal(flow, state, _CALLED[call][0])
    assert rejected(_send(inspections, call, inspection_id, code, uscc, lead, invited)) == (
        FP,
        expected.value,
    )
    if call == "CheckIn" and expected.value not in {"ALREADY_CHECKED_IN", "VISIT_COMPLETED"}:
        # Nothing changes, but oversight keeps the attempt to start what the approval does not cover;
        # a second check-in of a visit under way or done is a slip and is not kept.
        assert attempts_since(cards, uscc, before[0]) == [expected.value]
        assert only_attempts_written(rows, footprint(db))
    else:
        assert head(cards, uscc) == before
        assert footprint(db) == rows
    shown = inspections.GetInspection(
        pb.GetInspectionRequest(inspection_id=inspection_id), metadata=LEGAL
    ).state
    assert pb.InspectionState.Name(shown) == f"INSPECTION_STATE_{state.value}"


# --- one answer on the doorstep and at check-in --------------------------------------------------


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (dt.date(2026, 4, 3), "WINDOW_NOT_OPEN"),
        (dt.date(2026, 4, 8), "QUIET_PERIOD"),
        (dt.date(2026, 4, 11), "NON_WORKING_DAY"),  # Saturday
        (dt.date(2026, 4, 15), "WINDOW_ENDED"),
    ],
)
def test_the_doorstep_says_what_check_in_would_say(
    day: dt.date,
    reason: str,
    registry: Any,
    admin: Any,
    cards: Any,
    inspections: pb_grpc.InspectionServiceStub,
    scjg: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    made = inspections.RequestInspection(
        request_for(
            scjg, uscc, start="2026-04-06", end="2026-04-14", kind=common_pb.INSPECTION_KIND_TRIGGERED
        ),
        metadata=scjg.md,
    ).inspection
    code = approve(inspections, made.id).inspection.inspection_code
    clock.set(local(day.year, day.month, day.day))
    seen = inspections.VerifyInspectionCode(pb.VerifyInspectionCodeRequest(inspection_code=code))
    assert (seen.valid, seen.reason) == (False, reason)
    before = head(cards, uscc)

    def check_in() -> Any:
        return inspections.CheckIn(
            pb.CheckInRequest(inspection_code=code, inspector_ids=scjg.inspectors[:2]), metadata=scjg.md
        )

    assert rejected(check_in) == (FP, reason)
    assert attempts_since(cards, uscc, before[0]) == [reason]


def test_a_valid_day_is_valid_on_the_doorstep_and_at_check_in(
    registry: Any,
    admin: Any,
    inspections: pb_grpc.InspectionServiceStub,
    scjg: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    made = inspections.RequestInspection(
        request_for(
            scjg, uscc, start="2026-04-06", end="2026-04-14", kind=common_pb.INSPECTION_KIND_TRIGGERED
        ),
        metadata=scjg.md,
    ).inspection
    code = approve(inspections, made.id).inspection.inspection_code
    clock.set(local(2026, 4, 13))
    seen = inspections.VerifyInspectionCode(pb.VerifyInspectionCodeRequest(inspection_code=code))
    assert (seen.valid, seen.reason) == (True, "")
    started = inspections.CheckIn(
        pb.CheckInRequest(inspection_code=code, inspector_ids=scjg.inspectors[:2]), metadata=scjg.md
    )
    assert started.inspection.state == pb.INSPECTION_STATE_IN_PROGRESS


def test_refusals_speak_of_the_inspection_at_hand(
    registry: Any,
    admin: Any,
    inspections: pb_grpc.InspectionServiceStub,
    scjg: Department,
    clock: SettableClock,
) -> None:
    """A quiet day refuses a triggered inspection without calling it routine; lead time has a unit."""
    uscc = make_enterprise(registry, admin)
    made = inspections.RequestInspection(
        request_for(
            scjg, uscc, start="2026-04-06", end="2026-04-14", kind=common_pb.INSPECTION_KIND_TRIGGERED
        ),
        metadata=scjg.md,
    ).inspection
    code = approve(inspections, made.id).inspection.inspection_code
    clock.set(local(2026, 4, 8))
    with pytest.raises(grpc.RpcError) as quiet:
        inspections.CheckIn(
            pb.CheckInRequest(inspection_code=code, inspector_ids=scjg.inspectors[:2]), metadata=scjg.md
        )
    assert "routine" not in quiet.value.details()  # type: ignore[attr-defined]
    clock.set(local(2026, 3, 16))
    with pytest.raises(grpc.RpcError) as early:
        inspections.RequestInspection(
            request_for(scjg, uscc, start="2026-03-18", end="2026-03-20"), metadata=scjg.md
        )
    assert "opens in 2 days" in early.value.details()  # type: ignore[attr-defined]


def test_inspection_ids_carry_the_districts_date(
    registry: Any,
    admin: Any,
    inspections: pb_grpc.InspectionServiceStub,
    scjg: Department,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    clock.set(local(2026, 3, 17, hour=7))  # 23:00 UTC on the 16th
    made = inspections.RequestInspection(
        request_for(scjg, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED), metadata=scjg.md
    ).inspection
    assert made.id.startswith("I20260317-")


# --- windows that end ----------------------------------------------------------------------------


def test_no_approval_after_the_window_ended(
    registry: Any,
    admin: Any,
    cards: Any,
    inspections: pb_grpc.InspectionServiceStub,
    scjg: Department,
    clock: SettableClock,
    db: Database,
) -> None:
    uscc = make_enterprise(registry, admin)
    made = inspections.RequestInspection(
        request_for(scjg, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED), metadata=scjg.md
    ).inspection
    inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=made.id, decision=pb.DECISION_APPROVE), metadata=LEGAL
    )
    clock.set(local(2026, 3, 28))
    before, rows = head(cards, uscc), footprint(db)
    assert rejected(
        lambda: inspections.DecideInspection(
            pb.DecideInspectionRequest(inspection_id=made.id, decision=pb.DECISION_APPROVE),
            metadata=SUPERVISION,
        )
    ) == (FP, "WINDOW_ENDED")
    assert (head(cards, uscc), footprint(db)) == (before, rows)


def test_a_window_that_ends_unused_expires_once_on_the_card(
    registry: Any,
    admin: Any,
    cards: Any,
    inspections: pb_grpc.InspectionServiceStub,
    scjg: Department,
    clock: SettableClock,
    running: Running,
    settings: Settings,
) -> None:
    uscc = make_enterprise(registry, admin)
    undecided = inspections.RequestInspection(
        request_for(scjg, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED), metadata=scjg.md
    ).inspection
    other = make_enterprise(registry, admin)
    approved = inspections.RequestInspection(
        request_for(scjg, other, kind=common_pb.INSPECTION_KIND_TRIGGERED), metadata=scjg.md
    ).inspection
    approve(inspections, approved.id)
    clock.set(local(2026, 3, 27, hour=23))  # the last day of the window: nothing expires yet
    assert _sweep(running, settings, clock) == 0
    clock.set(local(2026, 3, 28))
    assert _sweep(running, settings, clock) >= 2
    assert _sweep(running, settings, clock) == 0  # exactly once
    for inspection_id, enterprise in ((undecided.id, uscc), (approved.id, other)):
        got = inspections.GetInspection(pb.GetInspectionRequest(inspection_id=inspection_id), metadata=LEGAL)
        assert got.state == pb.INSPECTION_STATE_EXPIRED
        assert kinds(cards, enterprise)[-1] == "INSPECTION_EXPIRED"
        assert cards.VerifyCard(card_pb.VerifyCardRequest(uscc=enterprise), metadata=LEGAL).valid


def test_each_server_expires_lapsed_inspections_on_its_own_timer(
    registry: Any,
    admin: Any,
    inspections: pb_grpc.InspectionServiceStub,
    scjg: Department,
    clock: SettableClock,
    settings: Settings,
) -> None:
    uscc = make_enterprise(registry, admin)
    made = inspections.RequestInspection(
        request_for(scjg, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED), metadata=scjg.md
    ).inspection
    clock.set(local(2026, 3, 28))
    timed = build(settings.model_copy(update={"expiry_sweep_seconds": 0.1}), clock=clock)
    timed.start()
    try:
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)
        state = pb.INSPECTION_STATE_REQUESTED
        while state != pb.INSPECTION_STATE_EXPIRED and dt.datetime.now(dt.UTC) < deadline:
            state = inspections.GetInspection(
                pb.GetInspectionRequest(inspection_id=made.id), metadata=LEGAL
            ).state
            time.sleep(0.05)
    finally:
        timed.stop(grace=None)
    assert state == pb.INSPECTION_STATE_EXPIRED
