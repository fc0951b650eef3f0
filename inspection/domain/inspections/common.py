"""What every stage of an inspection shares: who acts, the card lock, the transition and its card
entry, the checks of items and inspectors, and the one answer to "may this visit happen today".

Every change reads the same way: validate the request, lock the enterprise's card (so changes to
one enterprise are judged one after the other on fresh state), look up the transition, apply it,
append its card entry — all in the caller's one transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain import approval
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.domain.card import CardHead, LockedCard
from inspection.domain.inspections.lifecycle import Event, Transition, step
from inspection.domain.inspections.model import (
    Inspection,
    InspectionPart,
    InspectionView,
    Origin,
    ParticipantView,
    Rules,
    State,
)
from inspection.domain.registry import is_certified
from inspection.errors import FailedPrecondition, NotFound, PermissionDenied
from inspection.reasons import Reason
from inspection.storage import inspections as stored
from inspection.storage.inspections import InspectorRow, ItemRow


def department_of(actor: Principal) -> str:
    if actor.role is not Role.DEPARTMENT or not actor.org:
        raise PermissionDenied("only a department acts on its inspections", reason=Reason.ROLE_NOT_ALLOWED)
    return actor.org


def require_lead(inspection: Inspection, actor: Principal) -> None:
    if department_of(actor) != inspection.lead_department:
        raise PermissionDenied("this is another department's inspection", reason=Reason.NOT_YOUR_INSPECTION)


def locked(session: Session, inspection_id: str) -> tuple[Inspection, LockedCard]:
    """The inspection, read after taking its enterprise's card lock, and the locked card."""
    card = cards.lock_card_of_inspection(session, inspection_id)
    if card is None:
        raise NotFound("inspection", inspection_id)
    return stored.get_fresh(session, inspection_id), card


def new_id(prefix: str, calendar: Calendar, now: dt.datetime) -> str:
    """``I20260316-…``: the district's date first (as people see it), then the UTC instant in
    microseconds as 14 hex digits (so ids sort by creation time whatever the zone's offsets), then a
    random tail that keeps two ids of one microsecond apart."""
    micros = int(now.timestamp() * 1_000_000)
    return f"{prefix}{calendar.local_date(now):%Y%m%d}-{micros:014x}-{secrets.token_hex(3)}"


def apply(
    session: Session,
    card: LockedCard,
    inspection: Inspection,
    event: Event,
    *,
    actor: Principal,
    now: dt.datetime,
    payload: dict[str, Any],
    changes: dict[str, Any] | None = None,
    department_code: str = "",
) -> tuple[Transition, CardHead]:
    """Moves ``inspection`` along ``event`` (refused with its reason if the table has no row),
    applies ``changes``, saves it and appends the transition's card entry."""
    transition = step(inspection.kind, inspection.state, event, inspection.origin)
    wanted = {**(changes or {}), "state": transition.target.value}
    values = {name: value for name, value in wanted.items() if getattr(inspection, name) != value}
    for name, value in values.items():
        setattr(inspection, name, value)
    if values:  # a first approval, a rating or a result after filing leave the row as it is
        stored.update(session, inspection.id, values)
    return transition, _append(
        session,
        card,
        inspection,
        transition,
        actor=actor,
        now=now,
        payload=payload,
        department_code=department_code,
    )


def create(
    session: Session,
    card: LockedCard,
    inspection: Inspection,
    event: Event,
    *,
    item_codes: Sequence[str],
    inspector_ids: Sequence[str],
    present: bool,
    actor: Principal,
    now: dt.datetime,
    payload: dict[str, Any],
    lead_confirmed: bool = True,
) -> CardHead:
    """Stores a new ``inspection`` (its lead as the one participant) in the state ``event`` leads to
    from nothing, and appends that transition's card entry. A lead named by an enterprise's
    acceptance request is stored unconfirmed (and required), to answer like any invited department."""
    transition = step(inspection.kind, None, event, inspection.origin)
    inspection.state = transition.target.value
    stored.add(
        session,
        inspection,
        department_code=inspection.lead_department,
        item_codes=item_codes,
        inspector_ids=inspector_ids,
        present=present,
        confirmed=lead_confirmed,
        required=not lead_confirmed,
    )
    return _append(session, card, inspection, transition, actor=actor, now=now, payload=payload)


def _append(
    session: Session,
    card: LockedCard,
    inspection: Inspection,
    transition: Transition,
    *,
    actor: Principal,
    now: dt.datetime,
    payload: dict[str, Any],
    department_code: str = "",
) -> CardHead:
    """The transition's card entry, in this transaction (一卡通), under the acting department (the
    lead's unless another department acts), with the state it leads to. A joint check's entries
    name all its departments."""
    if inspection.origin == Origin.JOINT_CHECK and "departments" not in payload:
        payload = {**payload, "departments": sorted(stored.participation(session, inspection.id))}
    # The state the entry leads to: the inspection's state is re-derivable from its card (the audit).
    payload = {**payload, "state": transition.target.value}
    return cards.append_entry(
        session,
        card,
        kind=transition.entry,
        actor=actor,
        at=now,
        payload=payload,
        department_code=department_code or inspection.lead_department,
        inspection_id=inspection.id,
    )


# --- items and inspectors ------------------------------------------------------------------------


def check_items(session: Session, department: str, item_codes: Sequence[str]) -> list[ItemRow]:
    """Published checklist items of ``department`` only, in the order named."""
    found = stored.checklist_items(session, item_codes)
    items = []
    for index, code in enumerate(item_codes):
        item = found.get(code)
        if item is None:
            raise NotFound("checklist item", code)
        if item.department_code != department:
            raise FailedPrecondition(
                Reason.ITEM_NOT_OF_DEPARTMENT,
                f"checklist item {code!r} belongs to {item.department_code}, not {department}",
                {"item_code": code, "index": str(index)},
            )
        if not item.published:
            raise FailedPrecondition(
                Reason.ITEM_NOT_PUBLISHED, f"checklist item {code!r} is not published", {"item_code": code}
            )
        items.append(item)
    return items


def check_inspectors(
    session: Session,
    rules: Rules,
    *,
    department: str,
    uscc: str,
    inspector_ids: Sequence[str],
    today: dt.date,
    valid_through: dt.date,
) -> list[InspectorRow]:
    """At least the minimum number of certified, active, non-recused inspectors of ``department``."""
    if len(inspector_ids) < rules.min_inspectors:
        raise FailedPrecondition(
            Reason.TOO_FEW_INSPECTORS,
            f"an inspection needs at least {rules.min_inspectors} certified inspectors, "
            f"{len(inspector_ids)} named",
            {"minimum": str(rules.min_inspectors)},
        )
    found = stored.inspectors(session, inspector_ids, uscc=uscc)
    people = []
    for inspector_id in inspector_ids:
        if inspector_id not in found:
            raise NotFound("inspector", inspector_id)
        person = found[inspector_id][0]
        if person.department_code != department:
            raise FailedPrecondition(
                Reason.INSPECTOR_NOT_OF_DEPARTMENT,
                f"inspector {inspector_id} belongs to {person.department_code}, not {department}",
                {"inspector_id": inspector_id},
            )
        if not (is_certified(person, today) and is_certified(person, valid_through)):
            raise FailedPrecondition(
                Reason.INSPECTOR_NOT_CERTIFIED,
                f"inspector {inspector_id} holds no enforcement certificate valid through {valid_through}",
                {"inspector_id": inspector_id},
            )
        people.append(person)
    recused = min((i for i, (_, is_recused) in found.items() if is_recused), default=None)
    if recused is not None:
        raise FailedPrecondition(
            Reason.INSPECTOR_RECUSED,
            f"inspector {recused} must not inspect this enterprise (回避)",
            {"inspector_id": recused},
        )
    return people


# --- may this visit happen today -----------------------------------------------------------------

#: Why a visit cannot happen, by the inspection's state.
_NOT_VISITABLE = {
    State.REQUESTED: Reason.NOT_APPROVED,
    State.REJECTED: Reason.REJECTED,
    State.CANCELLED: Reason.CANCELLED,
    State.EXPIRED: Reason.EXPIRED,
}


def visit_refusal(
    rules: Rules, inspection: Inspection, today: dt.date, *, quiet_day_requested: bool = False
) -> tuple[Reason, str] | None:
    """Why the approved visit of ``inspection`` may not happen on ``today``, or None if it may.

    The one answer for the doorstep (``VerifyInspectionCode``) and for check-in: approved, inside
    the window, not a quiet day, a working day. An emergency is not held back by the calendar; a
    joint check's visit on a quiet day the enterprise itself asked for is not either.
    """
    state = State(inspection.state)
    if state in _NOT_VISITABLE:
        return _NOT_VISITABLE[state], f"the inspection is {state.value}"
    if state not in (State.APPROVED, State.IN_PROGRESS):
        return Reason.VISIT_COMPLETED, f"the visit is over: the inspection is {state.value}"
    if inspection.kind == "EMERGENCY":
        return None
    if today < inspection.window_start:
        return Reason.WINDOW_NOT_OPEN, (
            f"the approved window opens on {inspection.window_start}; today is {today}"
        )
    if today > inspection.window_end:
        return Reason.WINDOW_ENDED, f"the approved window ended on {inspection.window_end}; today is {today}"
    if rules.calendar.is_quiet_day(today) and not quiet_day_requested:
        return Reason.QUIET_PERIOD, f"{today} is a quiet day (宁静日): no visits but emergencies"
    if not rules.calendar.is_working_day(today):
        return Reason.NON_WORKING_DAY, f"{today} is a weekend day or holiday: no visits but emergencies"
    return None


# --- views ---------------------------------------------------------------------------------------


Decisions = dict[str, dict[approval.Stage, list[approval.OfficeDecision]]]


def load_views(
    session: Session, inspections: Sequence[Inspection], *, decisions: Decisions | None = None
) -> list[InspectionView]:
    """Views of many inspections in a fixed number of statements. A caller that has just recorded
    a decision passes the decisions it holds, so they are not read back."""
    if not inspections:
        return []
    parts = stored.view_parts(session, inspections)
    participants: dict[str, dict[str, ParticipantView]] = defaultdict(dict)
    for inspection_id, code, name, confirmed in parts.participants:
        participants[inspection_id][code] = ParticipantView(code, name, confirmed=confirmed)
    for inspection_id, code, item in parts.items:
        participants[inspection_id][code].items.append(item)
    for inspection_id, code, present, person in parts.inspectors:
        participants[inspection_id][code].inspectors.append((person, present))
    if decisions is None:
        decisions = approval.decisions_by_subject(
            session, approval.SubjectKind.INSPECTION, [i.id for i in inspections]
        )
    # A drawn inspection is approved under its plan's approval: the plan's decisions are its own.
    plan_ids = sorted({i.draw_plan_id for i in inspections if i.draw_plan_id})
    if plan_ids:
        by_plan = approval.decisions_by_subject(session, approval.SubjectKind.DRAW_PLAN, plan_ids)
        for i in inspections:
            if i.draw_plan_id and i.id in decisions and not decisions[i.id][approval.Stage.APPROVAL]:
                decisions[i.id][approval.Stage.APPROVAL] = by_plan[i.draw_plan_id][approval.Stage.APPROVAL]
    # Only a joint check in progress or beyond has parts: most views need not look.
    with_parts = [i.id for i in inspections if i.origin == Origin.JOINT_CHECK and i.check_in_time is not None]
    parts_of: dict[str, list[InspectionPart]] = defaultdict(list)
    for part in stored.parts(session, with_parts):
        parts_of[part.inspection_id].append(part)
    # Only an approved joint check can have a booked visit.
    bookable = [i.id for i in inspections if i.origin == Origin.JOINT_CHECK and i.decide_time is not None]
    booked = stored.appointments(session, bookable)
    return [
        InspectionView(
            inspection=i,
            enterprise_name=parts.names.get(i.uscc, ""),
            participants=list(participants[i.id].values()),
            approvals=decisions[i.id][approval.Stage.APPROVAL],
            acknowledgements=decisions[i.id][approval.Stage.FILING],
            rating=parts.ratings.get(i.id),
            parts=parts_of[i.id],
            appointment=booked.get(i.id),
        )
        for i in inspections
    ]


def load_view(
    session: Session, inspection: Inspection, *, decisions: Decisions | None = None
) -> InspectionView:
    return load_views(session, [inspection], decisions=decisions)[0]
