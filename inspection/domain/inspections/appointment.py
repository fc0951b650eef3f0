"""Visits by appointment (预约, DESIGN §5): the enterprise books the half-day of an approved joint
check's visit, told once, in advance, every document to prepare (一次性告知).

A half-day is available when it is a working day outside the quiet days and inside the window (the
rules of the doorstep), when no inspector of the check has another booked visit then, and when the
enterprise has no other visit that day (booked, or checked in). A booking claims the half-day for
each inspector and the whole day for the enterprise; the claims' key makes a double booking
impossible under concurrency, on every database — of two bookings racing for one inspector's
half-day, the second fails its insert, its transaction runs again and finds the half-day taken.
The enterprise may move its visit once, with a reason; check-in happens on the booked day only.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Iterator, Sequence

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain.card import CardHead
from inspection.domain.inspections.common import apply, load_view, locked, require_lead, visit_refusal
from inspection.domain.inspections.lifecycle import Event, step
from inspection.domain.inspections.model import Inspection, InspectionView, Rules, mask_name
from inspection.domain.paging import keyset_page
from inspection.domain.text import check_identifier, check_text
from inspection.errors import FailedPrecondition, NotFound, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import inspections as stored
from inspection.storage.inspections import AppointmentRow

#: The longest range one availability query covers.
MAX_RANGE_DAYS = 31
#: How often a booked visit may be moved.
MAX_RESCHEDULES = 1


class HalfDay(enum.StrEnum):
    MORNING = "MORNING"
    AFTERNOON = "AFTERNOON"


#: The enterprise's claim covers its whole day: one visit a day (进一次门).
WHOLE_DAY = "DAY"


def _inspector_holder(inspector_id: str) -> str:
    return f"inspector:{inspector_id}"


def _enterprise_holder(uscc: str) -> str:
    return f"enterprise:{uscc}"


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _may_see(inspection: Inspection, viewer: Principal, departments: set[str]) -> bool:
    if viewer.role is Role.ENTERPRISE:
        return viewer.org == inspection.uscc
    if viewer.role is Role.DEPARTMENT:
        return viewer.org in departments
    return viewer.role in (Role.ADMIN, Role.LEGAL_OFFICE, Role.SUPERVISION)


def _free(
    session: Session,
    rules: Rules,
    inspection: Inspection,
    start: dt.date,
    end: dt.date,
    *,
    quiet_days: bool = False,
) -> list[tuple[dt.date, HalfDay]]:
    """The half-days in [start, end] on which the joint check's visit can take place (quiet days
    too with ``quiet_days``: the enterprise's own request)."""
    inspectors = [a.inspector_id for a in stored.assigned(session, inspection.id)]
    holders = [_enterprise_holder(inspection.uscc), *(_inspector_holder(i) for i in inspectors)]
    taken = stored.claims(session, holders, start=start, end=end, other_than=inspection.id)
    busy_days = {day for holder, day, half in taken if half == WHOLE_DAY}
    busy_halves = {(day, half) for holder, day, half in taken if half != WHOLE_DAY}
    busy_days |= stored.visit_days(session, inspection.uscc, start=start, end=end, other_than=inspection.id)
    free: list[tuple[dt.date, HalfDay]] = []
    for day in _days(start, end):
        if (
            day in busy_days
            or visit_refusal(rules, inspection, day, quiet_day_requested=quiet_days) is not None
        ):
            continue
        free.extend((day, half) for half in HalfDay if (day, half.value) not in busy_halves)
    return free


def available_slots(
    session: Session,
    rules: Rules,
    inspection_id: str,
    start: dt.date | None,
    end: dt.date | None,
    *,
    viewer: Principal,
    now: dt.datetime,
    size: int = 0,
    token: str = "",
    quiet_days: bool = False,
) -> tuple[list[tuple[dt.date, HalfDay]], str]:
    """The half-days free for an approved joint check's visit, within its window, a page at a time
    (keyset by day and half-day, AIP-158)."""
    free = _available(
        session, rules, inspection_id, start, end, viewer=viewer, now=now, quiet_days=quiet_days
    )

    def key_of(slot: tuple[dt.date, HalfDay]) -> str:
        # Sorts as the slots do: by day, the morning first.
        return f"{slot[0].isoformat()}:{list(HalfDay).index(slot[1])}"

    def fetch(after: str | None, limit: int) -> list[tuple[dt.date, HalfDay]]:
        return [slot for slot in free if after is None or key_of(slot) > after][:limit]

    query = {"inspection_id": inspection_id, "start": str(start or ""), "end": str(end or "")}
    return keyset_page(
        fetch, key_of, query=query, size=size, token=token, key_type=str, default_size=2 * MAX_RANGE_DAYS
    )


def _available(
    session: Session,
    rules: Rules,
    inspection_id: str,
    start: dt.date | None,
    end: dt.date | None,
    *,
    viewer: Principal,
    now: dt.datetime,
    quiet_days: bool = False,
) -> list[tuple[dt.date, HalfDay]]:
    violations = Violations()
    check_identifier(violations, "inspection_id", inspection_id)
    violations.raise_if_any()
    inspection = stored.get(session, inspection_id)
    if inspection is None:
        raise NotFound("inspection", inspection_id)
    step(inspection.kind, inspection.state, Event.BOOK, inspection.origin)
    if not _may_see(inspection, viewer, set(stored.participation(session, inspection.id))):
        raise PermissionDenied("outside the caller's scope", reason=Reason.OUT_OF_SCOPE)
    today = rules.calendar.today(now)
    first = max(start or today, today, inspection.window_start)
    last = min(end or inspection.window_end, inspection.window_end)
    if start and end and end < start:
        violations.add("end_date", "must not be before start_date")
    elif (last - first).days + 1 > MAX_RANGE_DAYS:
        violations.add("end_date", f"a query covers at most {MAX_RANGE_DAYS} days")
    violations.raise_if_any()
    if last < first:
        return []
    free = _free(session, rules, inspection, first, last, quiet_days=quiet_days)
    offered = stored.offers(session, inspection.id)
    return [(d, h) for d, h in free if (d, h.value) in offered] if offered else free


def book_visit(
    session: Session,
    rules: Rules,
    inspection_id: str,
    day: dt.date | None,
    half_day: str,
    reschedule_reason: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
    own_request: bool = False,
) -> tuple[InspectionView, CardHead]:
    """The enterprise books (or moves, once) its joint check's visit on an available half-day — a
    quiet day too, when it asks for that day itself (``own_request``, recorded as its request)."""
    check_identifier(violations, "inspection_id", inspection_id)
    if day is None and not violations.has("slot.date"):
        violations.add("slot.date", "is required")
    if half_day not in HalfDay.__members__ and not violations.has("slot.half_day"):
        violations.add("slot.half_day", "must be MORNING or AFTERNOON")
    check_text(violations, "reschedule_reason", reschedule_reason, required=False)
    violations.raise_if_any()
    assert day is not None
    inspection, card = locked(session, inspection_id)
    if actor.role is not Role.ENTERPRISE or actor.org != inspection.uscc:
        raise PermissionDenied("only the inspected enterprise books its visit", reason=Reason.OUT_OF_SCOPE)
    previous = stored.appointment(session, inspection.id)
    event = Event.RESCHEDULE if previous is not None else Event.BOOK
    step(inspection.kind, inspection.state, event, inspection.origin)
    if previous is not None:
        if previous.reschedules >= MAX_RESCHEDULES:
            raise FailedPrecondition(
                Reason.RESCHEDULE_LIMIT,
                f"the visit was already moved {previous.reschedules} time(s); at most once",
            )
        if not reschedule_reason:
            violations.add("reschedule_reason", "is required to move a booked visit")
    elif reschedule_reason:
        violations.add("reschedule_reason", "is only given to move a booked visit")
    violations.raise_if_any()
    refusal = visit_refusal(rules, inspection, day, quiet_day_requested=own_request)
    if refusal is not None:
        raise FailedPrecondition(refusal[0], refusal[1], {"date": day.isoformat()})
    if day < rules.calendar.today(now):
        raise FailedPrecondition(Reason.WINDOW_IN_PAST, f"{day} is in the past")
    offered = stored.offers(session, inspection.id)
    if offered and (day, half_day) not in offered:
        raise FailedPrecondition(
            Reason.SLOT_NOT_OFFERED,
            f"the lead offered {len(offered)} half-day(s) for this visit; book one of them",
            {"date": day.isoformat(), "half_day": half_day},
        )
    if (day, HalfDay(half_day)) not in _free(session, rules, inspection, day, day, quiet_days=own_request):
        raise FailedPrecondition(
            Reason.SLOT_TAKEN,
            f"the {half_day.lower()} of {day} is not free: an inspector of this check or the enterprise "
            "has another visit then",
            {"date": day.isoformat(), "half_day": half_day},
        )
    assigned = stored.assigned(session, inspection.id)
    claimed = [(_enterprise_holder(inspection.uscc), day, WHOLE_DAY)]
    claimed += [(_inspector_holder(a.inspector_id), day, half_day) for a in assigned]
    stored.book(
        session,
        AppointmentRow(
            inspection_id=inspection.id,
            visit_date=day,
            half_day=half_day,
            booked_by=actor.sub,
            book_time=now,
            reschedules=(previous.reschedules + 1) if previous is not None else 0,
            own_request=own_request,
        ),
        claimed,
    )
    view = load_view(session, inspection)
    payload: dict[str, object] = {
        "date": day.isoformat(),
        "half_day": half_day,
        "departments": [p.department_code for p in view.participants],
        "inspectors": {
            p.department_code: [mask_name(person.name) for person, _ in p.inspectors]
            for p in view.participants
        },
        **_notice(session, inspection.id),
    }
    if own_request:
        payload["at_enterprise_request"] = True
    if previous is not None:
        payload["moved_from"] = {"date": previous.visit_date.isoformat(), "half_day": previous.half_day}
        payload["reason"] = reschedule_reason
    _, head = apply(session, card, inspection, event, actor=actor, now=now, payload=payload)
    return load_view(session, inspection), head


#: How many half-days a lead offers at most.
MAX_OFFERS = 10


def offer_slots(
    session: Session,
    rules: Rules,
    inspection_id: str,
    slots: Sequence[tuple[dt.date | None, str]],
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """The lead offers candidate half-days for the visit of an approved, unbooked joint check;
    each must be free now. The enterprise then books one of them."""
    check_identifier(violations, "inspection_id", inspection_id)
    if not slots:
        violations.add("slots", "offer at least one half-day")
    elif len(slots) > MAX_OFFERS:
        violations.add("slots", f"offer at most {MAX_OFFERS} half-days")
    for index, (day, half) in enumerate(slots[:MAX_OFFERS]):
        if day is None and not violations.has(f"slots[{index}].date"):
            violations.add(f"slots[{index}].date", "is required")
        if half not in HalfDay.__members__ and not violations.has(f"slots[{index}].half_day"):
            violations.add(f"slots[{index}].half_day", "must be MORNING or AFTERNOON")
    if len(set(slots)) != len(slots):
        violations.add("slots", "offers a half-day twice")
    violations.raise_if_any()
    inspection, card = locked(session, inspection_id)
    require_lead(inspection, actor)
    step(inspection.kind, inspection.state, Event.OFFER, inspection.origin)
    if stored.appointment(session, inspection.id) is not None:
        raise FailedPrecondition(Reason.ALREADY_BOOKED, "the enterprise has booked this visit already")
    chosen = [(day, half) for day, half in slots if day is not None]
    first, last = min(d for d, _ in chosen), max(d for d, _ in chosen)
    free = set(_free(session, rules, inspection, first, last))
    for day, half in chosen:
        if (day, HalfDay(half)) not in free:
            raise FailedPrecondition(
                Reason.SLOT_TAKEN,
                f"the {half.lower()} of {day} is not free for this visit",
                {"date": day.isoformat(), "half_day": half},
            )
    stored.set_offers(session, inspection.id, chosen)
    _, head = apply(
        session,
        card,
        inspection,
        Event.OFFER,
        actor=actor,
        now=now,
        payload={"slots": [{"date": d.isoformat(), "half_day": h} for d, h in sorted(chosen)]},
    )
    return load_view(session, inspection), head


def _notice(session: Session, inspection_id: str) -> dict[str, object]:
    """Every document to prepare, item by item and merged (一次性告知)."""
    by_item = []
    every: list[str] = []
    for code, department, name, materials_json in stored.item_materials(session, inspection_id):
        documents = json.loads(materials_json or "[]")
        by_item.append({"item": code, "department": department, "name": name, "documents": documents})
        every.extend(d for d in documents if d not in every)
    return {"materials": by_item, "prepare": every}


def booked(session: Session, inspection: Inspection) -> AppointmentRow | None:
    return stored.appointment(session, inspection.id)
