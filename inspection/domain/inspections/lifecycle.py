"""The inspection lifecycle as one table (DESIGN §4): state + event → next state and the card entry
it writes; any other event in that state is refused with the reason the refusal table names.

```
REQUESTED ──both offices approve──▶ APPROVED ──check-in──▶ IN_PROGRESS ──result──▶ COMPLETED ──▶ PUBLISHED
    │ either rejects ▶ REJECTED          │ cancel ▶ CANCELLED, window ends unused ▶ EXPIRED
EMERGENCY: IN_PROGRESS at once ──file──▶ FILED_PENDING ──both offices acknowledge──▶ FILED ──▶ PUBLISHED
```

Three flows share the states: an inspection approved in advance, an emergency filed afterwards
(事后登记备案), and a joint check (联合检查, DESIGN §5) — proposed by a lead department, answered
by each invited department, then approved once by both offices and visited once, as an inspection
approved in advance. Some events leave the state as it is (the first office's approval, a result
recorded after an emergency was filed, a rating, a confirmation that is not the last) and still
write their card entry.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from inspection.domain.card import EntryKind
from inspection.domain.inspections.model import Kind, Origin, State
from inspection.errors import FailedPrecondition
from inspection.reasons import Reason


class Flow(enum.StrEnum):
    #: Approved by both offices before anything happens.
    APPROVED_IN_ADVANCE = "APPROVED_IN_ADVANCE"
    #: Started at once, filed with both offices afterwards.
    EMERGENCY = "EMERGENCY"
    #: Proposed by a lead department, answered by each invited one, then approved in advance.
    JOINT_CHECK = "JOINT_CHECK"

    @classmethod
    def of(cls, kind: str, origin: str = "") -> Flow:
        if kind == Kind.EMERGENCY:
            return cls.EMERGENCY
        return cls.JOINT_CHECK if origin == Origin.JOINT_CHECK else cls.APPROVED_IN_ADVANCE


class Event(enum.StrEnum):
    REQUEST = "REQUEST"
    START_EMERGENCY = "START_EMERGENCY"
    #: One office approves; the other has not decided yet.
    APPROVE_FIRST = "APPROVE_FIRST"
    #: The second office approves: both have.
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    CANCEL = "CANCEL"
    EXPIRE = "EXPIRE"
    CHECK_IN = "CHECK_IN"
    RECORD_RESULT = "RECORD_RESULT"
    PUBLISH = "PUBLISH"
    FILE = "FILE"
    ACKNOWLEDGE_FIRST = "ACKNOWLEDGE_FIRST"
    ACKNOWLEDGE = "ACKNOWLEDGE"
    RATE = "RATE"
    #: A lead department proposes a joint check.
    PROPOSE = "PROPOSE"
    #: An invited department confirms; others have yet to answer.
    CONFIRM = "CONFIRM"
    #: The last invited department confirms: the joint check goes to both offices.
    CONFIRM_LAST = "CONFIRM_LAST"
    #: An invited department declines; others have yet to answer.
    DECLINE = "DECLINE"
    #: The last answer is a decline and two or more departments remain: to both offices.
    DECLINE_LAST = "DECLINE_LAST"
    #: The last answer is a decline and only the lead remains: no joint check.
    DECLINE_LAST_ALONE = "DECLINE_LAST_ALONE"
    #: A department the enterprise's acceptance request requires declines: no joint check.
    DECLINE_REQUIRED = "DECLINE_REQUIRED"
    #: A participating department records its part of a joint check's result.
    RECORD_PART = "RECORD_PART"
    #: The lead records the unified acceptance (统一验收).
    ACCEPT = "ACCEPT"
    #: The enterprise books the visit of an approved joint check.
    BOOK = "BOOK"
    #: The enterprise moves its booked visit, once.
    RESCHEDULE = "RESCHEDULE"
    #: The lead offers candidate half-days for the visit.
    OFFER = "OFFER"
    #: A not-passed acceptance schedules the re-check of its failed parts: a new joint check,
    #: its departments already confirmed, for both offices.
    RECHECK = "RECHECK"
    #: Drawn under an executed draw plan (双随机): approved already, under the plan's approval.
    DRAW = "DRAW"


#: What an event does to a new inspection: it has no state yet.
NEW = None


@dataclass(frozen=True)
class Transition:
    target: State
    entry: EntryKind


_A, _E, _J = Flow.APPROVED_IN_ADVANCE, Flow.EMERGENCY, Flow.JOINT_CHECK
S = State

#: (flow, state, event) → the next state and the card entry written. Nothing else is allowed.
TRANSITIONS: Mapping[tuple[Flow, State | None, Event], Transition] = {
    # In advance: requested, decided by both offices, visited, recorded, published.
    (_A, NEW, Event.REQUEST): Transition(S.REQUESTED, EntryKind.INSPECTION_REQUESTED),
    (_A, NEW, Event.DRAW): Transition(S.APPROVED, EntryKind.DRAWN_FOR_INSPECTION),
    (_A, S.REQUESTED, Event.APPROVE_FIRST): Transition(S.REQUESTED, EntryKind.INSPECTION_DECIDED),
    (_A, S.REQUESTED, Event.APPROVE): Transition(S.APPROVED, EntryKind.INSPECTION_APPROVED),
    (_A, S.REQUESTED, Event.REJECT): Transition(S.REJECTED, EntryKind.INSPECTION_REJECTED),
    (_A, S.REQUESTED, Event.CANCEL): Transition(S.CANCELLED, EntryKind.INSPECTION_CANCELLED),
    (_A, S.REQUESTED, Event.EXPIRE): Transition(S.EXPIRED, EntryKind.INSPECTION_EXPIRED),
    (_A, S.APPROVED, Event.CANCEL): Transition(S.CANCELLED, EntryKind.INSPECTION_CANCELLED),
    (_A, S.APPROVED, Event.EXPIRE): Transition(S.EXPIRED, EntryKind.INSPECTION_EXPIRED),
    (_A, S.APPROVED, Event.CHECK_IN): Transition(S.IN_PROGRESS, EntryKind.INSPECTION_CHECKED_IN),
    (_A, S.IN_PROGRESS, Event.RECORD_RESULT): Transition(S.COMPLETED, EntryKind.INSPECTION_RESULT_RECORDED),
    (_A, S.COMPLETED, Event.PUBLISH): Transition(S.PUBLISHED, EntryKind.INSPECTION_PUBLISHED),
    (_A, S.COMPLETED, Event.RATE): Transition(S.COMPLETED, EntryKind.INSPECTION_RATED),
    (_A, S.PUBLISHED, Event.RATE): Transition(S.PUBLISHED, EntryKind.INSPECTION_RATED),
    # Emergency: started at once; the result may be recorded before or after filing.
    (_E, NEW, Event.START_EMERGENCY): Transition(S.IN_PROGRESS, EntryKind.EMERGENCY_STARTED),
    (_E, S.IN_PROGRESS, Event.RECORD_RESULT): Transition(S.COMPLETED, EntryKind.INSPECTION_RESULT_RECORDED),
    (_E, S.IN_PROGRESS, Event.FILE): Transition(S.FILED_PENDING, EntryKind.EMERGENCY_FILED),
    (_E, S.COMPLETED, Event.FILE): Transition(S.FILED_PENDING, EntryKind.EMERGENCY_FILED),
    (_E, S.COMPLETED, Event.RATE): Transition(S.COMPLETED, EntryKind.INSPECTION_RATED),
    (_E, S.FILED_PENDING, Event.RECORD_RESULT): Transition(
        S.FILED_PENDING, EntryKind.INSPECTION_RESULT_RECORDED
    ),
    (_E, S.FILED_PENDING, Event.ACKNOWLEDGE_FIRST): Transition(
        S.FILED_PENDING, EntryKind.FILING_ACKNOWLEDGED
    ),
    (_E, S.FILED_PENDING, Event.ACKNOWLEDGE): Transition(S.FILED, EntryKind.FILING_ACKNOWLEDGED),
    (_E, S.FILED_PENDING, Event.RATE): Transition(S.FILED_PENDING, EntryKind.INSPECTION_RATED),
    (_E, S.FILED, Event.RECORD_RESULT): Transition(S.FILED, EntryKind.INSPECTION_RESULT_RECORDED),
    (_E, S.FILED, Event.PUBLISH): Transition(S.PUBLISHED, EntryKind.INSPECTION_PUBLISHED),
    (_E, S.FILED, Event.RATE): Transition(S.FILED, EntryKind.INSPECTION_RATED),
    (_E, S.PUBLISHED, Event.RATE): Transition(S.PUBLISHED, EntryKind.INSPECTION_RATED),
}

#: A joint check: proposed, answered by each invited department, then as approved in advance.
TRANSITIONS = {
    **TRANSITIONS,
    (_J, NEW, Event.PROPOSE): Transition(S.PROPOSED, EntryKind.JOINT_CHECK_PROPOSED),
    (_J, NEW, Event.RECHECK): Transition(S.REQUESTED, EntryKind.RECHECK_SCHEDULED),
    (_J, NEW, Event.DRAW): Transition(S.APPROVED, EntryKind.DRAWN_FOR_INSPECTION),
    (_J, S.PROPOSED, Event.CONFIRM): Transition(S.PROPOSED, EntryKind.PARTICIPATION_CONFIRMED),
    (_J, S.PROPOSED, Event.CONFIRM_LAST): Transition(S.REQUESTED, EntryKind.PARTICIPATION_CONFIRMED),
    (_J, S.PROPOSED, Event.DECLINE): Transition(S.PROPOSED, EntryKind.PARTICIPATION_DECLINED),
    (_J, S.PROPOSED, Event.DECLINE_LAST): Transition(S.REQUESTED, EntryKind.PARTICIPATION_DECLINED),
    (_J, S.PROPOSED, Event.DECLINE_LAST_ALONE): Transition(S.CANCELLED, EntryKind.PARTICIPATION_DECLINED),
    (_J, S.PROPOSED, Event.DECLINE_REQUIRED): Transition(S.CANCELLED, EntryKind.PARTICIPATION_DECLINED),
    (_J, S.PROPOSED, Event.CANCEL): Transition(S.CANCELLED, EntryKind.INSPECTION_CANCELLED),
    (_J, S.PROPOSED, Event.EXPIRE): Transition(S.EXPIRED, EntryKind.INSPECTION_EXPIRED),
    **{
        (_J, state, event): transition
        for (flow, state, event), transition in TRANSITIONS.items()
        if flow is _A and state is not NEW and event is not Event.RECORD_RESULT
    },
    # Each department its part, then the lead's unified acceptance (统一验收).
    (_J, S.IN_PROGRESS, Event.RECORD_PART): Transition(S.IN_PROGRESS, EntryKind.PART_RECORDED),
    (_J, S.IN_PROGRESS, Event.ACCEPT): Transition(S.COMPLETED, EntryKind.ACCEPTANCE_RECORDED),
    # The enterprise books the approved visit (预约), and may move it once.
    (_J, S.APPROVED, Event.BOOK): Transition(S.APPROVED, EntryKind.VISIT_BOOKED),
    (_J, S.APPROVED, Event.RESCHEDULE): Transition(S.APPROVED, EntryKind.VISIT_RESCHEDULED),
    (_J, S.APPROVED, Event.OFFER): Transition(S.APPROVED, EntryKind.SLOTS_OFFERED),
}

#: Why an event is refused when the table has no row for it, by event…
REFUSED: Mapping[Event, Reason] = {
    Event.REQUEST: Reason.ALREADY_EXISTS,
    Event.START_EMERGENCY: Reason.ALREADY_EXISTS,
    Event.APPROVE_FIRST: Reason.NOT_PENDING,
    Event.APPROVE: Reason.NOT_PENDING,
    Event.REJECT: Reason.NOT_PENDING,
    Event.CANCEL: Reason.NOT_CANCELLABLE,
    Event.EXPIRE: Reason.NOT_PENDING,
    Event.CHECK_IN: Reason.NOT_APPROVED,
    Event.RECORD_RESULT: Reason.NOT_IN_PROGRESS,
    Event.PUBLISH: Reason.NOT_COMPLETED,
    Event.FILE: Reason.ALREADY_FILED,
    Event.ACKNOWLEDGE_FIRST: Reason.FILING_NOT_PENDING,
    Event.ACKNOWLEDGE: Reason.FILING_NOT_PENDING,
    Event.RATE: Reason.NOT_COMPLETED,
    Event.PROPOSE: Reason.ALREADY_EXISTS,
    Event.RECHECK: Reason.ALREADY_EXISTS,
    Event.DRAW: Reason.ALREADY_EXISTS,
    Event.RECORD_PART: Reason.NOT_IN_PROGRESS,
    Event.ACCEPT: Reason.NOT_IN_PROGRESS,
    Event.BOOK: Reason.NOT_APPROVED,
    Event.RESCHEDULE: Reason.NOT_APPROVED,
    Event.OFFER: Reason.NOT_APPROVED,
    **{
        event: Reason.NOT_PROPOSED
        for event in (
            Event.CONFIRM,
            Event.CONFIRM_LAST,
            Event.DECLINE,
            Event.DECLINE_LAST,
            Event.DECLINE_LAST_ALONE,
            Event.DECLINE_REQUIRED,
        )
    },
}

#: …and where the state says more than the event alone.
REFUSED_IN: Mapping[tuple[Event, State], Reason] = {
    **{(Event.CHECK_IN, s): Reason.ALREADY_CHECKED_IN for s in (S.IN_PROGRESS, S.COMPLETED, S.PUBLISHED)},
    (Event.CHECK_IN, S.REJECTED): Reason.REJECTED,
    (Event.CHECK_IN, S.CANCELLED): Reason.CANCELLED,
    (Event.CHECK_IN, S.EXPIRED): Reason.EXPIRED,
    (Event.RECORD_RESULT, S.COMPLETED): Reason.RESULT_ALREADY_RECORDED,
    (Event.RECORD_RESULT, S.PUBLISHED): Reason.RESULT_ALREADY_RECORDED,
    (Event.PUBLISH, S.PUBLISHED): Reason.ALREADY_PUBLISHED,
    **{
        (event, state): Reason.RESULT_ALREADY_RECORDED
        for event in (Event.RECORD_PART, Event.ACCEPT)
        for state in (S.COMPLETED, S.PUBLISHED)
    },
    (Event.PUBLISH, S.FILED_PENDING): Reason.FILING_NOT_ACKNOWLEDGED,
    # Only an emergency reaches COMPLETED without a row for PUBLISH: it is published once filed.
    (Event.PUBLISH, S.COMPLETED): Reason.FILING_NOT_ACKNOWLEDGED,
}

#: Events of one flow refused whatever the state, because they belong to the other flow.
REFUSED_IN_FLOW: Mapping[tuple[Flow, Event], Reason] = {
    (_A, Event.FILE): Reason.NOT_EMERGENCY,
    (_A, Event.ACKNOWLEDGE_FIRST): Reason.FILING_NOT_PENDING,
    (_A, Event.ACKNOWLEDGE): Reason.FILING_NOT_PENDING,
    (_J, Event.FILE): Reason.NOT_EMERGENCY,
    (_J, Event.RECORD_RESULT): Reason.USE_ACCEPTANCE,
    (_J, Event.ACKNOWLEDGE_FIRST): Reason.FILING_NOT_PENDING,
    (_J, Event.ACKNOWLEDGE): Reason.FILING_NOT_PENDING,
    **{
        (flow, event): Reason.NOT_JOINT_CHECK
        for flow in (_A, _E)
        for event in (
            Event.CONFIRM,
            Event.CONFIRM_LAST,
            Event.DECLINE,
            Event.DECLINE_LAST,
            Event.DECLINE_LAST_ALONE,
            Event.DECLINE_REQUIRED,
            Event.RECORD_PART,
            Event.ACCEPT,
            Event.BOOK,
            Event.RESCHEDULE,
            Event.OFFER,
        )
    },
}

#: What each event is, for the refusal's message.
_DOING = {
    Event.REQUEST: "request it",
    Event.START_EMERGENCY: "start it",
    Event.APPROVE_FIRST: "decide it",
    Event.APPROVE: "decide it",
    Event.REJECT: "decide it",
    Event.CANCEL: "cancel it",
    Event.EXPIRE: "let it expire",
    Event.CHECK_IN: "check in",
    Event.RECORD_RESULT: "record a result",
    Event.PUBLISH: "publish it",
    Event.FILE: "file it",
    Event.ACKNOWLEDGE_FIRST: "acknowledge its filing",
    Event.ACKNOWLEDGE: "acknowledge its filing",
    Event.RATE: "rate it",
    Event.PROPOSE: "propose it",
    Event.RECHECK: "schedule a re-check",
    Event.DRAW: "draw it",
    Event.RECORD_PART: "record a part",
    Event.ACCEPT: "record the acceptance",
    Event.BOOK: "book its visit",
    Event.RESCHEDULE: "move its visit",
    Event.OFFER: "offer half-days for its visit",
    **{
        event: "answer it"
        for event in (
            Event.CONFIRM,
            Event.CONFIRM_LAST,
            Event.DECLINE,
            Event.DECLINE_LAST,
            Event.DECLINE_LAST_ALONE,
            Event.DECLINE_REQUIRED,
        )
    },
}


def refusal(flow: Flow, state: State | None, event: Event) -> Reason:
    """The reason ``event`` is refused in ``state`` (only meaningful where the table has no row)."""
    if (flow, event) in REFUSED_IN_FLOW:
        return REFUSED_IN_FLOW[flow, event]
    if state is not None and (event, state) in REFUSED_IN:
        return REFUSED_IN[event, state]
    return REFUSED[event]


def step(kind: str, state: str | None, event: Event, origin: str = "") -> Transition:
    """The transition ``event`` takes from ``state``, or FAILED_PRECONDITION with its reason."""
    flow = Flow.of(kind, origin)
    current = State(state) if state is not None else None
    found = TRANSITIONS.get((flow, current, event))
    if found is None:
        reason = refusal(flow, current, event)
        shown = current.value if current else "new"
        message = {
            Reason.NOT_EMERGENCY: "only an emergency inspection is filed afterwards",
            Reason.NOT_JOINT_CHECK: "only a joint check has departments that answer, parts and an acceptance",
            Reason.USE_ACCEPTANCE: "a joint check's result is its departments' parts and the acceptance",
        }.get(reason, f"cannot {_DOING[event]}: the inspection is {shown}")
        raise FailedPrecondition(reason, message, {"state": shown})
    return found


def lifecycle_markdown() -> str:
    """The transition table as it appears in ``docs/inspections.md`` (a test keeps them equal)."""
    lines = ["| flow | state | event | next state | card entry |", "|---|---|---|---|---|"]
    for (flow, state, event), transition in TRANSITIONS.items():
        lines.append(
            f"| {flow.value} | {state.value if state else '(new)'} | {event.value} | "
            f"{transition.target.value} | `{transition.entry.value}` |"
        )
    lines += ["", "| event | refused with (unless the state says more) |", "|---|---|"]
    lines += [f"| {event.value} | `{reason.value}` |" for event, reason in REFUSED.items()]
    lines += ["", "| event | in state | refused with |", "|---|---|---|"]
    lines += [
        f"| {event.value} | {state.value} | `{reason.value}` |"
        for (event, state), reason in REFUSED_IN.items()
    ]
    lines += ["", "| flow | event | refused with, whatever the state |", "|---|---|---|"]
    lines += [
        f"| {flow.value} | {event.value} | `{reason.value}` |"
        for (flow, event), reason in REFUSED_IN_FLOW.items()
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(lifecycle_markdown())
