"""The inspection tables' SQL (DESIGN §4): the inspection with its participants, items and
inspectors, visit days, ratings and complaints, and the reads the rules and the lists need.

The domain calls these with plain values and gets rows or table objects back; nothing above this
module builds a statement. Writes use the session the call's transaction owns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, insert, or_, select
from sqlalchemy import update as sa_update
from sqlmodel import Session, col

from inspection.storage import approvals
from inspection.storage.inspection_models import (
    Appointment,
    Complaint,
    EnterpriseVisit,
    Inspection,
    InspectionInspector,
    InspectionItem,
    InspectionPart,
    InspectionParticipant,
    InspectionRating,
    SlotClaim,
    SlotOffer,
)
from inspection.storage.models import ChecklistItem, Department, Enterprise, Inspector, Recusal

# --- one inspection ------------------------------------------------------------------------------


@dataclass(slots=True)
class InspectionRecord:
    """One inspection row as plain values: the domain reads and changes these, and storage writes
    the changed columns back. (A SQLModel table object costs about a millisecond to build, several
    times an inspection's whole share of a write; docs/performance.md.) A test keeps its fields
    equal to the ``inspection`` table's columns."""

    id: str
    uscc: str
    lead_department: str
    kind: str
    state: str
    window_start: dt.date
    window_end: dt.date
    requested_by: str
    request_time: dt.datetime
    origin: str = "REQUEST"
    legal_basis: str = ""
    reason: str = ""
    decision_due_time: dt.datetime | None = None
    decide_time: dt.datetime | None = None
    code: str | None = None
    cancel_reason: str = ""
    visit_date: dt.date | None = None
    check_in_time: dt.datetime | None = None
    complete_time: dt.datetime | None = None
    publication_due_time: dt.datetime | None = None
    publish_time: dt.datetime | None = None
    outcome: str = ""
    findings: str = ""
    handling: str = ""
    rectification_deadline: dt.date | None = None
    penalty_fen: int = 0
    penalty_basis: str = ""
    filing_due_time: dt.datetime | None = None
    file_time: dt.datetime | None = None
    draw_plan_id: str | None = None
    acceptance: str = ""
    recheck_of: str | None = None


# The workflow's writes run on every call, so the inspection row is read and written with Core
# statements built once, and handed to the domain as a plain ``Inspection`` outside the ORM's
# unit of work: an ORM load, change tracking and flush cost several times the database's own work
# for these rows (docs/performance.md, "statements per write").
_COLUMNS = tuple(Inspection.__table__.columns)  # type: ignore[attr-defined]
_BY_ID = select(*_COLUMNS).where(col(Inspection.id) == bindparam("id"))
_BY_CODE = select(*_COLUMNS).where(col(Inspection.code) == bindparam("code"))
_INSERT = insert(Inspection)
_INSERT_PARTICIPANT = insert(InspectionParticipant)
_INSERT_ITEM = insert(InspectionItem)
_INSERT_INSPECTOR = insert(InspectionInspector)


def _row(found: Any) -> InspectionRecord | None:
    return None if found is None else InspectionRecord(**found._mapping)


def get(session: Session, inspection_id: str) -> InspectionRecord | None:
    return _row(session.connection().execute(_BY_ID, {"id": inspection_id}).first())


def get_fresh(session: Session, inspection_id: str) -> InspectionRecord:
    """The inspection as committed now (read after the card lock, so no other writer is mid-change)."""
    found = get(session, inspection_id)
    if found is None:  # the caller found it before taking the lock, and nothing deletes inspections
        raise LookupError(inspection_id)
    return found


def by_code(session: Session, code: str) -> InspectionRecord | None:
    return _row(session.connection().execute(_BY_CODE, {"code": code}).first())


def add(
    session: Session,
    inspection: InspectionRecord,
    *,
    department_code: str,
    item_codes: Sequence[str],
    inspector_ids: Sequence[str],
    present: bool = False,
    confirmed: bool = True,
    required: bool = False,
) -> None:
    """Inserts a new inspection with its (lead) participant, items and inspectors. A lead named by
    an enterprise's acceptance request comes unconfirmed, without items or inspectors yet."""
    connection = session.connection()
    connection.execute(_INSERT, {c.name: getattr(inspection, c.name) for c in _COLUMNS})
    connection.execute(
        _INSERT_PARTICIPANT,
        {
            "inspection_id": inspection.id,
            "department_code": department_code,
            "confirmed": confirmed,
            "required": required,
        },
    )
    if not item_codes:
        return
    connection.execute(
        _INSERT_ITEM,
        [
            {"inspection_id": inspection.id, "item_code": c, "department_code": department_code}
            for c in item_codes
        ],
    )
    connection.execute(
        _INSERT_INSPECTOR,
        [
            {
                "inspection_id": inspection.id,
                "inspector_id": i,
                "department_code": department_code,
                "present": present,
            }
            for i in inspector_ids
        ],
    )


def add_many(
    session: Session,
    inspections: Sequence[InspectionRecord],
    *,
    participants: Sequence[dict[str, Any]],
    items: Sequence[dict[str, Any]],
    inspectors: Sequence[dict[str, Any]],
) -> None:
    """Inserts many new inspections with their participants, items and inspectors, a statement
    per table (a draw creates an inspection for every drawn enterprise)."""
    if not inspections:
        return
    connection = session.connection()
    connection.execute(_INSERT, [{c.name: getattr(i, c.name) for c in _COLUMNS} for i in inspections])
    for statement, rows in (
        (_INSERT_PARTICIPANT, participants),
        (_INSERT_ITEM, items),
        (_INSERT_INSPECTOR, inspectors),
    ):
        if rows:
            connection.execute(statement, list(rows))


def swap_inspector(session: Session, inspection_id: str, *, old: str, new: str, department_code: str) -> None:
    """One inspector of an inspection not yet started in place of another."""
    connection = session.connection()
    connection.execute(
        delete(InspectionInspector).where(
            col(InspectionInspector.inspection_id) == inspection_id,
            col(InspectionInspector.inspector_id) == old,
        )
    )
    connection.execute(
        _INSERT_INSPECTOR,
        {
            "inspection_id": inspection_id,
            "inspector_id": new,
            "department_code": department_code,
            "present": False,
        },
    )


def assignment(session: Session, inspection_id: str) -> dict[str, tuple[list[str], list[str]]]:
    """Per department of an inspection: its item codes and its inspector ids."""
    connection = session.connection()
    found: dict[str, tuple[list[str], list[str]]] = {}
    items = connection.execute(
        select(col(InspectionItem.department_code), col(InspectionItem.item_code))
        .where(col(InspectionItem.inspection_id) == inspection_id)
        .order_by(col(InspectionItem.item_code))
    )
    for department, code in items:
        found.setdefault(department, ([], []))[0].append(code)
    people = connection.execute(
        select(col(InspectionInspector.department_code), col(InspectionInspector.inspector_id))
        .where(col(InspectionInspector.inspection_id) == inspection_id)
        .order_by(col(InspectionInspector.inspector_id))
    )
    for department, inspector_id in people:
        found.setdefault(department, ([], []))[1].append(inspector_id)
    return found


def invite(
    session: Session, inspection_id: str, department_codes: Sequence[str], *, required: bool = False
) -> None:
    """Adds departments invited to a joint check, not yet confirmed (no items, no inspectors)."""
    if not department_codes:
        return
    session.connection().execute(
        _INSERT_PARTICIPANT,
        [
            {"inspection_id": inspection_id, "department_code": c, "confirmed": False, "required": required}
            for c in department_codes
        ],
    )


def set_merge(session: Session, inspection_id: str, department_code: str, merged_id: str) -> None:
    """The department's own request the joint check absorbs when the department confirms."""
    session.connection().execute(
        sa_update(InspectionParticipant)
        .where(
            col(InspectionParticipant.inspection_id) == inspection_id,
            col(InspectionParticipant.department_code) == department_code,
        )
        .values(merges=merged_id)
    )


def merge_of(session: Session, inspection_id: str, department_code: str) -> str | None:
    row = (
        session.connection()
        .execute(
            select(col(InspectionParticipant.merges)).where(
                col(InspectionParticipant.inspection_id) == inspection_id,
                col(InspectionParticipant.department_code) == department_code,
            )
        )
        .first()
    )
    return row[0] if row else None


def required_departments(session: Session, inspection_id: str) -> set[str]:
    """The departments an enterprise's acceptance request requires."""
    rows = session.connection().execute(
        select(col(InspectionParticipant.department_code)).where(
            col(InspectionParticipant.inspection_id) == inspection_id, col(InspectionParticipant.required)
        )
    )
    return set(rows.scalars())


def participation(session: Session, inspection_id: str) -> dict[str, bool]:
    """Each participating (or invited) department of an inspection, and whether it confirmed."""
    rows = session.connection().execute(
        select(col(InspectionParticipant.department_code), col(InspectionParticipant.confirmed)).where(
            col(InspectionParticipant.inspection_id) == inspection_id
        )
    )
    return {code: bool(confirmed) for code, confirmed in rows}


def confirm_part(
    session: Session,
    inspection_id: str,
    department_code: str,
    item_codes: Sequence[str],
    inspector_ids: Sequence[str],
) -> None:
    """An invited department's part: its items and inspectors, and its participation confirmed."""
    connection = session.connection()
    connection.execute(
        sa_update(InspectionParticipant)
        .where(
            col(InspectionParticipant.inspection_id) == inspection_id,
            col(InspectionParticipant.department_code) == department_code,
        )
        .values(confirmed=True)
    )
    connection.execute(
        _INSERT_ITEM,
        [
            {"inspection_id": inspection_id, "item_code": c, "department_code": department_code}
            for c in item_codes
        ],
    )
    connection.execute(
        _INSERT_INSPECTOR,
        [
            {
                "inspection_id": inspection_id,
                "inspector_id": i,
                "department_code": department_code,
                "present": False,
            }
            for i in inspector_ids
        ],
    )


def withdraw(session: Session, inspection_id: str, department_code: str) -> None:
    """An invited department that declined no longer takes part (the card keeps its answer)."""
    session.connection().execute(
        delete(InspectionParticipant).where(
            col(InspectionParticipant.inspection_id) == inspection_id,
            col(InspectionParticipant.department_code) == department_code,
        )
    )


def add_part(session: Session, part: dict[str, Any]) -> None:
    """One department's part of a joint check's result (the columns of ``inspection_part``)."""
    session.connection().execute(insert(InspectionPart), part)


def parts(session: Session, inspection_ids: Sequence[str]) -> list[InspectionPart]:
    """The recorded parts of these inspections, by inspection and department."""
    if not inspection_ids:
        return []
    return list(
        session.execute(
            select(InspectionPart)
            .where(col(InspectionPart.inspection_id).in_(list(inspection_ids)))
            .order_by(col(InspectionPart.inspection_id), col(InspectionPart.department_code))
        ).scalars()
    )


class AppointmentRow(NamedTuple):
    """A booked visit as plain values (read and written with Core statements only)."""

    inspection_id: str
    visit_date: dt.date
    half_day: str
    booked_by: str
    book_time: dt.datetime
    reschedules: int
    own_request: bool = False


_APPOINTMENTS = select(*(col(getattr(Appointment, name)) for name in AppointmentRow._fields)).where(
    col(Appointment.inspection_id).in_(bindparam("ids", expanding=True))
)


def appointment(session: Session, inspection_id: str) -> AppointmentRow | None:
    return appointments(session, [inspection_id]).get(inspection_id)


def appointments(session: Session, inspection_ids: Sequence[str]) -> dict[str, AppointmentRow]:
    if not inspection_ids:
        return {}
    rows = session.connection().execute(_APPOINTMENTS, {"ids": list(inspection_ids)})
    return {row[0]: AppointmentRow._make(row) for row in rows}


def claims(
    session: Session, holders: Sequence[str], *, start: dt.date, end: dt.date, other_than: str
) -> list[tuple[str, dt.date, str]]:
    """(holder, day, half-day) taken by other inspections' visits in [start, end]."""
    rows = session.connection().execute(
        select(col(SlotClaim.holder), col(SlotClaim.visit_date), col(SlotClaim.half_day)).where(
            col(SlotClaim.holder).in_(list(holders)),
            col(SlotClaim.visit_date) >= start,
            col(SlotClaim.visit_date) <= end,
            col(SlotClaim.inspection_id) != other_than,
        )
    )
    return [(holder, day, half) for holder, day, half in rows]


def visit_days(session: Session, uscc: str, *, start: dt.date, end: dt.date, other_than: str) -> set[dt.date]:
    """Days in [start, end] on which the enterprise has another inspection's visit (checked in)."""
    rows = session.connection().execute(
        select(col(EnterpriseVisit.visit_date)).where(
            col(EnterpriseVisit.uscc) == uscc,
            col(EnterpriseVisit.visit_date) >= start,
            col(EnterpriseVisit.visit_date) <= end,
            col(EnterpriseVisit.inspection_id) != other_than,
        )
    )
    return set(rows.scalars())


def offers(session: Session, inspection_id: str) -> set[tuple[dt.date, str]]:
    """The half-days the lead offered for the visit (empty: any free half-day)."""
    rows = session.connection().execute(
        select(col(SlotOffer.visit_date), col(SlotOffer.half_day)).where(
            col(SlotOffer.inspection_id) == inspection_id
        )
    )
    return {(day, half) for day, half in rows}


def set_offers(session: Session, inspection_id: str, slots: Sequence[tuple[dt.date, str]]) -> None:
    """Replaces the offered half-days."""
    connection = session.connection()
    connection.execute(delete(SlotOffer).where(col(SlotOffer.inspection_id) == inspection_id))
    connection.execute(
        insert(SlotOffer),
        [{"inspection_id": inspection_id, "visit_date": d, "half_day": h} for d, h in slots],
    )


def item_materials(session: Session, inspection_id: str) -> list[tuple[str, str, str, str]]:
    """(item code, department code, item name, materials as JSON) of every item of the inspection."""
    rows = session.connection().execute(
        select(
            col(ChecklistItem.code),
            col(InspectionItem.department_code),
            col(ChecklistItem.name),
            col(ChecklistItem.materials_json),
        )
        .join(ChecklistItem, col(ChecklistItem.code) == col(InspectionItem.item_code))
        .where(col(InspectionItem.inspection_id) == inspection_id)
        .order_by(col(InspectionItem.department_code), col(ChecklistItem.code))
    )
    return [(code, department, name, materials) for code, department, name, materials in rows]


def book(session: Session, booking: AppointmentRow, claimed: Sequence[tuple[str, dt.date, str]]) -> None:
    """Replaces the inspection's booking and its claims. A half-day another booking holds fails the
    insert (the claim's key), for the caller's transaction to retry and find it taken."""
    connection = session.connection()
    connection.execute(delete(SlotClaim).where(col(SlotClaim.inspection_id) == booking.inspection_id))
    connection.execute(delete(Appointment).where(col(Appointment.inspection_id) == booking.inspection_id))
    connection.execute(insert(Appointment), booking._asdict())
    connection.execute(
        insert(SlotClaim),
        [
            {"holder": holder, "visit_date": day, "half_day": half, "inspection_id": booking.inspection_id}
            for holder, day, half in claimed
        ],
    )


def update(session: Session, inspection_id: str, values: dict[str, Any]) -> None:
    """Sets the given columns of one inspection."""
    session.connection().execute(
        sa_update(Inspection).where(col(Inspection.id) == inspection_id).values(**values)
    )


def assigned(session: Session, inspection_id: str) -> list[InspectionInspector]:
    return list(
        session.execute(
            select(InspectionInspector).where(col(InspectionInspector.inspection_id) == inspection_id)
        ).scalars()
    )


def mark_present(session: Session, inspection_id: str, inspector_ids: Sequence[str]) -> None:
    session.execute(
        sa_update(InspectionInspector)
        .where(
            col(InspectionInspector.inspection_id) == inspection_id,
            col(InspectionInspector.inspector_id).in_(list(inspector_ids)),
        )
        .values(present=True)
    )


# --- what the rules read -------------------------------------------------------------------------


class ItemRow(NamedTuple):
    """A checklist item (检查事项) as plain values."""

    code: str
    department_code: str
    name: str
    legal_basis: str
    published: bool
    #: The name of the item's department (read with the item, so a view needs no other statement).
    department_name: str


class InspectorRow(NamedTuple):
    """An inspector as plain values."""

    id: str
    department_code: str
    name: str
    certificate_number: str
    certificate_expiry: dt.date | None
    active: bool


# The reads every request runs, built once with their parameters bound per call (statement
# construction cost more than SQLite's work for these small reads; docs/performance.md).
_ITEM_COLUMNS = tuple(
    col(getattr(ChecklistItem, name)) for name in ItemRow._fields[:-1]
)  # and the department name
_INSPECTOR_COLUMNS = tuple(col(getattr(Inspector, name)) for name in InspectorRow._fields)
_ITEMS = (
    select(*_ITEM_COLUMNS, col(Department.name))
    .join(Department, col(Department.code) == col(ChecklistItem.department_code))
    .where(col(ChecklistItem.code).in_(bindparam("codes", expanding=True)))
)
#: The named inspectors, each with whether a recusal (回避) keeps them from the enterprise.
_INSPECTORS = (
    select(*_INSPECTOR_COLUMNS, col(Recusal.inspector_id).is_not(None))
    .outerjoin(
        Recusal,
        (col(Recusal.inspector_id) == col(Inspector.id)) & (col(Recusal.uscc) == bindparam("uscc")),
    )
    .where(col(Inspector.id).in_(bindparam("ids", expanding=True)))
)
_ROUTINE_COUNT = (
    select(func.count())
    .select_from(Inspection)
    .where(
        col(Inspection.uscc) == bindparam("uscc"),
        col(Inspection.lead_department) == bindparam("department"),
        col(Inspection.kind) == "ROUTINE",
        col(Inspection.state).not_in(bindparam("not_counted", expanding=True)),
        col(Inspection.window_start) >= bindparam("start"),
        col(Inspection.window_start) < bindparam("end"),
    )
)
_OVERLAPPING = (
    select(
        col(Inspection.id),
        col(Inspection.lead_department),
        col(Inspection.window_start),
        col(Inspection.window_end),
    )
    .where(
        col(Inspection.uscc) == bindparam("uscc"),
        col(Inspection.state).in_(bindparam("states", expanding=True)),
        col(Inspection.lead_department) != bindparam("department"),
        col(Inspection.window_start) <= bindparam("end"),
        col(Inspection.window_end) >= bindparam("start"),
    )
    .order_by(col(Inspection.id))
)


class EnterpriseFacts(NamedTuple):
    """What the inspection rules read of an enterprise."""

    uscc: str
    name: str
    white_listed: bool


_ENTERPRISE = select(col(Enterprise.uscc), col(Enterprise.name), col(Enterprise.white_listed)).where(
    col(Enterprise.uscc) == bindparam("uscc")
)


def enterprise(session: Session, uscc: str) -> EnterpriseFacts | None:
    found = session.connection().execute(_ENTERPRISE, {"uscc": uscc}).first()
    return None if found is None else EnterpriseFacts._make(found)


def checklist_items(session: Session, codes: Sequence[str]) -> dict[str, ItemRow]:
    """The named checklist items that exist, by code (one statement)."""
    rows = session.connection().execute(_ITEMS, {"codes": list(codes)})
    return {row[0]: ItemRow._make(row) for row in rows}


def inspectors(session: Session, ids: Sequence[str], *, uscc: str) -> dict[str, tuple[InspectorRow, bool]]:
    """The named inspectors that exist, by id, each with whether they are recused for ``uscc``
    (one statement)."""
    rows = session.connection().execute(_INSPECTORS, {"ids": list(ids), "uscc": uscc})
    return {row[0]: (InspectorRow._make(row[:-1]), bool(row[-1])) for row in rows}


def count_routine(
    session: Session,
    *,
    uscc: str,
    department_code: str,
    start: dt.date,
    end: dt.date,
    not_counted: Sequence[str],
) -> int:
    """Routine inspections of ``uscc`` led by ``department_code`` whose window opens in [start, end)."""
    values = {
        "uscc": uscc,
        "department": department_code,
        "start": start,
        "end": end,
        "not_counted": list(not_counted),
    }
    return int(session.connection().execute(_ROUTINE_COUNT, values).scalar_one())


class OverlapRow(NamedTuple):
    inspection_id: str
    department_code: str
    window_start: dt.date
    window_end: dt.date


def overlapping(
    session: Session,
    *,
    uscc: str,
    other_than_department: str,
    window_start: dt.date,
    window_end: dt.date,
    states: Sequence[str],
) -> list[OverlapRow]:
    """Other departments' inspections of ``uscc`` in ``states`` whose window overlaps the given one."""
    values = {
        "uscc": uscc,
        "department": other_than_department,
        "start": window_start,
        "end": window_end,
        "states": list(states),
    }
    return [OverlapRow._make(row) for row in session.connection().execute(_OVERLAPPING, values)]


def visit_on(session: Session, uscc: str, day: dt.date) -> EnterpriseVisit | None:
    return session.get(EnterpriseVisit, (uscc, day))


def add_visit(session: Session, *, uscc: str, day: dt.date, inspection_id: str) -> None:
    """Claims the enterprise's visit day; the key is the backstop of one visit a day (进一次门)."""
    session.add(EnterpriseVisit(uscc=uscc, visit_date=day, inspection_id=inspection_id))
    session.flush()


def lapsed(session: Session, *, states: Sequence[str], before: dt.date, limit: int) -> list[tuple[str, str]]:
    """``(id, uscc)`` of inspections in ``states`` whose window ended before ``before``."""
    rows = session.execute(
        select(col(Inspection.id), col(Inspection.uscc))
        .where(col(Inspection.state).in_(list(states)), col(Inspection.window_end) < before)
        .order_by(col(Inspection.id))
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


# --- the enterprise's voice ----------------------------------------------------------------------


def rating(session: Session, inspection_id: str) -> InspectionRating | None:
    return session.get(InspectionRating, inspection_id)


def add_rating(session: Session, rating: InspectionRating) -> None:
    session.add(rating)
    session.flush()


def add_complaint(session: Session, complaint: Complaint) -> None:
    session.add(complaint)
    session.flush()


# --- views ---------------------------------------------------------------------------------------


#: Participants with their departments' names, and the inspected enterprise's name beside each.
_PARTICIPANTS = (
    select(
        col(InspectionParticipant.inspection_id),
        col(Department.code),
        col(Department.name),
        col(Enterprise.uscc),
        col(Enterprise.name),
        col(InspectionParticipant.confirmed),
    )
    .join(Department, col(Department.code) == col(InspectionParticipant.department_code))
    .join(Inspection, col(Inspection.id) == col(InspectionParticipant.inspection_id))
    .join(Enterprise, col(Enterprise.uscc) == col(Inspection.uscc))
    .where(col(InspectionParticipant.inspection_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(InspectionParticipant.department_code))
)
_VIEW_ITEMS = (
    select(
        col(InspectionItem.inspection_id),
        col(InspectionItem.department_code),
        *_ITEM_COLUMNS,
        col(Department.name),
    )
    .join(ChecklistItem, col(ChecklistItem.code) == col(InspectionItem.item_code))
    .join(Department, col(Department.code) == col(ChecklistItem.department_code))
    .where(col(InspectionItem.inspection_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(InspectionItem.item_code))
)
_VIEW_INSPECTORS = (
    select(
        col(InspectionInspector.inspection_id),
        col(InspectionInspector.department_code),
        col(InspectionInspector.present),
        *_INSPECTOR_COLUMNS,
    )
    .join(Inspector, col(Inspector.id) == col(InspectionInspector.inspector_id))
    .where(col(InspectionInspector.inspection_id).in_(bindparam("ids", expanding=True)))
    .order_by(col(InspectionInspector.inspector_id))
)


class ViewParts(NamedTuple):
    """What a reader sees beside the inspection rows."""

    names: dict[str, str]
    #: (inspection id, department code, department name, confirmed)
    participants: list[tuple[str, str, str, bool]]
    #: (inspection id, department code, item)
    items: list[tuple[str, str, ItemRow]]
    #: (inspection id, department code, present, inspector)
    inspectors: list[tuple[str, str, bool, InspectorRow]]
    ratings: dict[str, InspectionRating]


def view_parts(session: Session, inspections: Sequence[InspectionRecord]) -> ViewParts:
    """Enterprise names, participants with department names, items, inspectors and ratings of many
    inspections in a fixed number of prebuilt statements."""
    connection = session.connection()
    ids = [i.id for i in inspections]
    names: dict[str, str] = {}
    participants = []
    for row in connection.execute(_PARTICIPANTS, {"ids": ids}):
        participants.append((row[0], row[1], row[2], bool(row[5])))
        names[row[3]] = row[4]
    items = [
        (row[0], row[1], ItemRow._make(row[2:])) for row in connection.execute(_VIEW_ITEMS, {"ids": ids})
    ]
    people = [
        (row[0], row[1], bool(row[2]), InspectorRow._make(row[3:]))
        for row in connection.execute(_VIEW_INSPECTORS, {"ids": ids})
    ]
    # Only a recorded result can be rated: most views need not look.
    rated = [i.id for i in inspections if i.complete_time is not None]
    ratings = (
        {
            r.inspection_id: r
            for r in session.execute(
                select(InspectionRating).where(col(InspectionRating.inspection_id).in_(rated))
            ).scalars()
        }
        if rated
        else {}
    )
    return ViewParts(names, participants, items, people, ratings)


# --- lists ---------------------------------------------------------------------------------------


def taking_part(department_code: str) -> ColumnElement[bool]:
    """Inspections in which ``department_code`` takes part (as lead or participant)."""
    return col(Inspection.id).in_(
        select(col(InspectionParticipant.inspection_id)).where(
            col(InspectionParticipant.department_code) == department_code
        )
    )


def inspection_filter(
    *,
    uscc: str = "",
    department_code: str = "",
    state: str = "",
    kind: str = "",
    window_start: dt.date | None = None,
    window_end: dt.date | None = None,
    awaiting_office: str = "",
) -> list[ColumnElement[bool]]:
    """The conditions of an inspection list; every argument left empty adds none."""
    where: list[ColumnElement[bool]] = []
    if uscc:
        where.append(col(Inspection.uscc) == uscc)
    if department_code:
        where.append(taking_part(department_code))
    if state:
        where.append(col(Inspection.state) == state)
    if kind:
        where.append(col(Inspection.kind) == kind)
    if window_start:
        where.append(col(Inspection.window_end) >= window_start)
    if window_end:
        where.append(col(Inspection.window_start) <= window_end)
    if awaiting_office:
        decided = approvals.subjects_decided_by
        where.append(
            or_(
                (col(Inspection.state) == "REQUESTED")
                & col(Inspection.id).not_in(
                    decided(subject_kind="INSPECTION", stage="APPROVAL", office=awaiting_office)
                ),
                (col(Inspection.state) == "FILED_PENDING")
                & col(Inspection.id).not_in(
                    decided(subject_kind="INSPECTION", stage="FILING", office=awaiting_office)
                ),
            )
        )
    return where


def page_newest_first(
    session: Session, where: Sequence[ColumnElement[bool]], *, before_id: str | None, limit: int
) -> list[InspectionRecord]:
    """Up to ``limit`` inspections matching ``where``, newest request first, after ``before_id``."""
    statement = select(*_COLUMNS).where(*where)
    if before_id is not None:
        statement = statement.where(col(Inspection.id) < before_id)
    rows = session.connection().execute(statement.order_by(col(Inspection.id).desc()).limit(limit))
    return [InspectionRecord(**row._mapping) for row in rows]


def page_earliest_due_first(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    *,
    after: tuple[dt.datetime, str] | None,
    limit: int,
) -> list[InspectionRecord]:
    """Up to ``limit`` inspections matching ``where``, the offices' decision due soonest first (the
    offices' queue), after the (due time, id) ``after``."""
    due = func.coalesce(col(Inspection.decision_due_time), col(Inspection.request_time))
    statement = select(*_COLUMNS).where(*where)
    if after is not None:
        time, inspection_id = after
        statement = statement.where(or_(due > time, and_(due == time, col(Inspection.id) > inspection_id)))
    rows = session.connection().execute(statement.order_by(due, col(Inspection.id)).limit(limit))
    return [InspectionRecord(**row._mapping) for row in rows]


def page_published(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    *,
    before: tuple[dt.datetime, str] | None,
    limit: int,
) -> list[InspectionRecord]:
    """Up to ``limit`` published inspections matching ``where``, most recently published first
    (ties by id, descending), after the key ``before`` = (publish_time, id) of the previous page."""
    statement = select(*_COLUMNS).where(*where, col(Inspection.publish_time).is_not(None))
    if before is not None:
        at, inspection_id = before
        statement = statement.where(
            or_(
                col(Inspection.publish_time) < at,
                (col(Inspection.publish_time) == at) & (col(Inspection.id) < inspection_id),
            )
        )
    ordered = statement.order_by(col(Inspection.publish_time).desc(), col(Inspection.id).desc())
    rows = session.connection().execute(ordered.limit(limit))
    return [InspectionRecord(**row._mapping) for row in rows]
