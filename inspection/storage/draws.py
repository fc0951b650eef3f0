"""The SQL of random double selection (双随机): plans, their frozen pools, drawn enterprises and
their inspectors, and the questions a freeze asks of the registry and the inspections."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlmodel import Session, col

from inspection.storage.draw_models import DrawAssignment, DrawPlan, DrawPool, DrawSelection
from inspection.storage.inspection_models import Inspection, InspectionInspector, InspectionParticipant
from inspection.storage.inspections import InspectorRow
from inspection.storage.models import Enterprise, Inspector, Recusal

# --- plans ---------------------------------------------------------------------------------------


def add_plan(session: Session, plan: DrawPlan) -> None:
    session.add(plan)
    session.flush()


def plan(session: Session, plan_id: str, *, lock: bool = False) -> DrawPlan | None:
    """A plan; with ``lock``, its row locked for this transaction (changes to one plan are judged
    one after the other)."""
    statement = select(DrawPlan).where(col(DrawPlan.id) == plan_id)
    if lock:
        statement = statement.with_for_update()
    return session.execute(statement).scalars().first()


def update_plan(session: Session, plan_id: str, values: dict[str, Any]) -> None:
    session.execute(update(DrawPlan).where(col(DrawPlan.id) == plan_id).values(**values))


def redraw_of(session: Session, plan_ids: Sequence[str]) -> dict[str, str]:
    """The redraw requested of each given plan, by the plan it redraws."""
    if not plan_ids:
        return {}
    rows = session.execute(
        select(col(DrawPlan.redraw_of), col(DrawPlan.id)).where(col(DrawPlan.redraw_of).in_(list(plan_ids)))
    )
    return {str(of): str(plan_id) for of, plan_id in rows}


def page_of_plans(
    session: Session,
    *,
    department_code: str,
    state: str,
    before_id: str | None,
    limit: int,
) -> list[DrawPlan]:
    """Plans newest first (ids sort by creation), optionally of one department or in one state."""
    statement = select(DrawPlan)
    if department_code:
        statement = statement.where(col(DrawPlan.departments_json).contains(f'"{department_code}"'))
    if state:
        statement = statement.where(col(DrawPlan.state) == state)
    if before_id is not None:
        statement = statement.where(col(DrawPlan.id) < before_id)
    return list(session.execute(statement.order_by(col(DrawPlan.id).desc()).limit(limit)).scalars())


# --- the pool ------------------------------------------------------------------------------------


def population(
    session: Session,
    *,
    industries: Sequence[str],
    districts: Sequence[str],
    credit_classes: Sequence[str],
    above_designated_size: bool | None,
) -> list[tuple[str, str]]:
    """``(USCC, credit class)`` of every enterprise the filter admits, white-listed ones left out."""
    statement = select(col(Enterprise.uscc), col(Enterprise.credit_class)).where(
        col(Enterprise.white_listed).is_(False)
    )
    if industries:
        statement = statement.where(col(Enterprise.industry).in_(list(industries)))
    if districts:
        statement = statement.where(col(Enterprise.district).in_(list(districts)))
    if credit_classes:
        statement = statement.where(col(Enterprise.credit_class).in_(list(credit_classes)))
    if above_designated_size is not None:
        statement = statement.where(col(Enterprise.above_designated_size).is_(above_designated_size))
    return _plain_rows(session, statement.order_by(col(Enterprise.uscc)))


def _plain_rows(session: Session, statement: Any) -> list[tuple[str, str]]:
    """The rows of ``statement`` as the driver returns them, for a result of a million rows that
    SQLAlchemy's row objects would make several times slower to read (strings only; no type
    conversion is needed). Runs on this transaction's own connection."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args: Any = tuple(params[name] for name in compiled.positiontup or ()) if compiled.positional else params
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _taking_part(departments: Sequence[str], not_of_plan: str | None) -> Any:
    statement = (
        select(col(Inspection.uscc))
        .join(InspectionParticipant, col(InspectionParticipant.inspection_id) == col(Inspection.id))
        .where(col(InspectionParticipant.department_code).in_(list(departments)))
    )
    if not_of_plan:
        statement = statement.where(func.coalesce(col(Inspection.draw_plan_id), "") != not_of_plan)
    return statement


def at_yearly_cap(
    session: Session,
    *,
    departments: Sequence[str],
    year_start: dt.date,
    year_end: dt.date,
    cap: int,
    not_counted: Sequence[str],
    not_of_plan: str | None,
) -> set[str]:
    """Enterprises that one of ``departments`` already inspects routinely ``cap`` times in the year."""
    statement = (
        _taking_part(departments, not_of_plan)
        .where(
            col(Inspection.kind) == "ROUTINE",
            col(Inspection.state).not_in(list(not_counted)),
            col(Inspection.window_start) >= year_start,
            col(Inspection.window_start) < year_end,
        )
        .group_by(col(Inspection.uscc), col(InspectionParticipant.department_code))
        .having(func.count() >= cap)
    )
    return {uscc for (uscc,) in session.connection().execute(statement)}


def inspected_since(
    session: Session, *, departments: Sequence[str], since: dt.date, not_of_plan: str | None
) -> set[str]:
    """Enterprises one of ``departments`` visited on or after ``since``."""
    statement = _taking_part(departments, not_of_plan).where(col(Inspection.visit_date) >= since)
    return {uscc for (uscc,) in session.connection().execute(statement.distinct())}


def store_pool(session: Session, plan_id: str, pool_file: bytes) -> None:
    session.connection().execute(
        insert(DrawPool), {"plan_id": plan_id, "content": zlib.compress(pool_file, level=1)}
    )


def pool_file(session: Session, plan_id: str) -> bytes | None:
    row = session.connection().execute(select(col(DrawPool.content)).where(col(DrawPool.plan_id) == plan_id))
    found = row.scalar_one_or_none()
    return None if found is None else zlib.decompress(found)


# --- inspectors ----------------------------------------------------------------------------------


def roster(session: Session, departments: Sequence[str]) -> list[InspectorRow]:
    """Every inspector of the departments, by department and id."""
    rows = session.connection().execute(
        select(
            col(Inspector.id),
            col(Inspector.department_code),
            col(Inspector.name),
            col(Inspector.certificate_number),
            col(Inspector.certificate_expiry),
            col(Inspector.active),
        )
        .where(col(Inspector.department_code).in_(list(departments)))
        .order_by(col(Inspector.department_code), col(Inspector.id))
    )
    return [InspectorRow(*row) for row in rows]


def loads(
    session: Session,
    departments: Sequence[str],
    *,
    start: dt.date,
    end: dt.date,
    states: Sequence[str],
) -> dict[str, int]:
    """How many inspections in ``states`` whose window overlaps ``[start, end]`` each inspector of
    the departments has (by department: a list of a thousand inspector ids is far slower)."""
    statement = (
        select(col(InspectionInspector.inspector_id), func.count())
        .join(Inspection, col(Inspection.id) == col(InspectionInspector.inspection_id))
        .where(
            col(InspectionInspector.department_code).in_(list(departments)),
            col(Inspection.state).in_(list(states)),
            col(Inspection.window_start) <= end,
            col(Inspection.window_end) >= start,
        )
        .group_by(col(InspectionInspector.inspector_id))
    )
    return {inspector_id: int(n) for inspector_id, n in session.connection().execute(statement)}


def recusals(session: Session, inspector_ids: Sequence[str]) -> list[tuple[str, str]]:
    """Every ``(inspector id, USCC)`` pair that must never meet, of the given inspectors."""
    if not inspector_ids:
        return []
    rows = session.connection().execute(
        select(col(Recusal.inspector_id), col(Recusal.uscc)).where(
            col(Recusal.inspector_id).in_(list(inspector_ids))
        )
    )
    return [(i, u) for i, u in rows]


# --- the result ----------------------------------------------------------------------------------


def add_selections(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(DrawSelection), list(rows))


def add_assignments(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(DrawAssignment), list(rows))


def selections(session: Session, plan_id: str) -> list[DrawSelection]:
    statement = select(DrawSelection).where(col(DrawSelection.plan_id) == plan_id)
    return list(session.execute(statement.order_by(col(DrawSelection.position))).scalars())


def selection(session: Session, plan_id: str, uscc: str) -> DrawSelection | None:
    statement = select(DrawSelection).where(
        col(DrawSelection.plan_id) == plan_id, col(DrawSelection.uscc) == uscc
    )
    return session.execute(statement).scalars().first()


def update_selection(session: Session, plan_id: str, uscc: str, values: dict[str, Any]) -> None:
    session.execute(
        update(DrawSelection)
        .where(col(DrawSelection.plan_id) == plan_id, col(DrawSelection.uscc) == uscc)
        .values(**values)
    )


def assignments(session: Session, plan_id: str, uscc: str | None = None) -> list[DrawAssignment]:
    """The inspectors drawn or put in under a plan (for one enterprise), in the order they came."""
    statement = select(DrawAssignment).where(col(DrawAssignment.plan_id) == plan_id)
    if uscc is not None:
        statement = statement.where(col(DrawAssignment.uscc) == uscc)
    return list(session.execute(statement.order_by(col(DrawAssignment.uscc))).scalars())


def release(
    session: Session, plan_id: str, uscc: str, inspector_id: str, *, reason: str, at: dt.datetime
) -> None:
    session.execute(
        update(DrawAssignment)
        .where(
            col(DrawAssignment.plan_id) == plan_id,
            col(DrawAssignment.uscc) == uscc,
            col(DrawAssignment.inspector_id) == inspector_id,
        )
        .values(released_reason=reason, release_time=at)
    )


def names(
    session: Session, usccs: Sequence[str], inspector_ids: Sequence[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Enterprise names by USCC and inspector names by id."""
    connection = session.connection()
    enterprises: dict[str, str] = {}
    for chunk in _chunks(list(usccs)):
        rows = connection.execute(
            select(col(Enterprise.uscc), col(Enterprise.name)).where(col(Enterprise.uscc).in_(chunk))
        )
        enterprises.update((uscc, name) for uscc, name in rows)
    people: dict[str, str] = {}
    for chunk in _chunks(list(inspector_ids)):
        rows = connection.execute(
            select(col(Inspector.id), col(Inspector.name)).where(col(Inspector.id).in_(chunk))
        )
        people.update((inspector_id, name) for inspector_id, name in rows)
    return enterprises, people


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
