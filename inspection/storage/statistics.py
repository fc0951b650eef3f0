"""The statistics' SQL (电子监察 统计, DESIGN §9): aggregate queries over inspections, fees, alerts,
ratings and visit days. Every figure is a GROUP BY or a SUM(CASE …) in the database; what comes
back is a handful of rows, never the inspections themselves.

Periods arrive as UTC instants ``[start, end)`` computed by the domain from the district's
calendar, so the queries compare plain timestamps on both backends and never convert time zones
in SQL. Months of a year are told apart by a CASE over the twelve boundaries for the same reason.

The statements are built per call: statistics are read a few times a minute, not on every visit,
and the department filter changes their shape (docs/performance.md has the figure on 100,000
inspections).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true
from sqlmodel import Session, col

from inspection.storage.fee_models import FeeBillLine, FeeLine, FeePayment, FeeRefund
from inspection.storage.inspection_models import (
    EnterpriseVisit,
    Inspection,
    InspectionParticipant,
    InspectionRating,
)
from inspection.storage.inspections import taking_part
from inspection.storage.models import Department
from inspection.storage.oversight_models import Alert

# --- what an inspection is in the statistics --------------------------------------------------------


def _participants() -> Any:
    """The number of departments taking part in the inspection of the current row."""
    return (
        select(func.count())
        .select_from(InspectionParticipant)
        .where(col(InspectionParticipant.inspection_id) == col(Inspection.id))
        .correlate(Inspection)
        .scalar_subquery()
    )


def _flag(condition: ColumnElement[bool]) -> Any:
    return case((condition, 1), else_=0)


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(_flag(condition)), 0)


def _joint() -> ColumnElement[bool]:
    joint: ColumnElement[bool] = _participants() >= 2
    return joint


def _drawn() -> ColumnElement[bool]:
    return col(Inspection.origin) == "DRAW"


def requested_between(
    start: dt.datetime, end: dt.datetime, department_code: str
) -> list[ColumnElement[bool]]:
    """Inspections requested in ``[start, end)``; with a department, those it takes part in."""
    where: list[ColumnElement[bool]] = [
        col(Inspection.request_time) >= start,
        col(Inspection.request_time) < end,
    ]
    if department_code:
        where.append(taking_part(department_code))
    return where


class CohortRow(NamedTuple):
    kind: str
    state: str
    origin: str
    joint: int
    inspections: int


def cohort_counts(session: Session, where: Sequence[ColumnElement[bool]]) -> list[CohortRow]:
    """The inspections matching ``where``, counted by kind, state, origin and whether joint."""
    joint = _flag(_joint())
    statement = (
        select(col(Inspection.kind), col(Inspection.state), col(Inspection.origin), joint, func.count())
        .where(*where)
        .group_by(col(Inspection.kind), col(Inspection.state), col(Inspection.origin), joint)
    )
    return [
        CohortRow(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4])) for r in session.execute(statement)
    ]


class Deadline(NamedTuple):
    on_time: int
    late: int
    overdue: int
    pending: int


def _deadline_sums(due: Any, done: Any, now: dt.datetime, scope: ColumnElement[bool]) -> list[Any]:
    owed = and_(scope, due.is_not(None))
    return [
        _count_if(and_(owed, done.is_not(None), done <= due)),
        _count_if(and_(owed, done.is_not(None), done > due)),
        _count_if(and_(owed, done.is_(None), due <= now)),
        _count_if(and_(owed, done.is_(None), due > now)),
    ]


def deadlines(
    session: Session, where: Sequence[ColumnElement[bool]], *, now: dt.datetime
) -> tuple[Deadline, Deadline, Deadline]:
    """Approval decisions, emergency filings and publications of the inspections matching
    ``where`` against their due times, in one statement. A decision is not owed by a drawn
    inspection (its plan was decided) nor by one withdrawn before any decision."""
    decided = and_(
        col(Inspection.origin) != "DRAW",
        or_(col(Inspection.state) != "CANCELLED", col(Inspection.decide_time).is_not(None)),
    )
    everything = true()
    sums = [
        *_deadline_sums(col(Inspection.decision_due_time), col(Inspection.decide_time), now, decided),
        *_deadline_sums(col(Inspection.filing_due_time), col(Inspection.file_time), now, everything),
        *_deadline_sums(col(Inspection.publication_due_time), col(Inspection.publish_time), now, everything),
    ]
    row = session.execute(select(*sums).where(*where)).one()
    values = [int(v) for v in row]
    return Deadline(*values[0:4]), Deadline(*values[4:8]), Deadline(*values[8:12])


# --- approval latency: percentiles in the database ---------------------------------------------------


def _latency_seconds(dialect: str) -> Any:
    if dialect == "postgresql":
        return func.extract("epoch", col(Inspection.decide_time) - col(Inspection.request_time))
    # SQLite keeps instants as ISO text (UTC); julianday() reads it, in days.
    return (
        func.julianday(col(Inspection.decide_time)) - func.julianday(col(Inspection.request_time))
    ) * 86400.0


def _requested_and_decided(where: Sequence[ColumnElement[bool]]) -> list[ColumnElement[bool]]:
    return [
        *where,
        col(Inspection.decide_time).is_not(None),
        col(Inspection.origin) != "DRAW",
        col(Inspection.kind) != "EMERGENCY",
    ]


@dataclass(frozen=True)
class Latency:
    decided: int
    #: Percentiles in seconds (linear interpolation, as PostgreSQL's percentile_cont); None when
    #: nothing was decided.
    p50: float | None
    p90: float | None


def approval_latency(session: Session, where: Sequence[ColumnElement[bool]]) -> Latency:
    """The count and the 50th and 90th percentiles of ``decide_time − request_time`` of the
    decided, requested inspections matching ``where``.

    PostgreSQL computes them with ``percentile_cont``. SQLite has no percentile function: the
    count comes first, then each percentile reads the two neighbouring values at its position in
    the sorted latencies (``ORDER BY … LIMIT 2 OFFSET k``) and interpolates between them — the
    same definition, so both backends give the same figure, and no more than two values per
    percentile ever leave the database."""
    conditions = _requested_and_decided(where)
    dialect = session.get_bind().dialect.name
    seconds = _latency_seconds(dialect)
    if dialect == "postgresql":
        row = session.execute(
            select(
                func.count(),
                func.percentile_cont(0.5).within_group(seconds),
                func.percentile_cont(0.9).within_group(seconds),
            ).where(*conditions)
        ).one()
        count = int(row[0])
        return Latency(count, _float(row[1]), _float(row[2]))
    count = int(session.execute(select(func.count()).select_from(Inspection).where(*conditions)).scalar_one())

    def percentile(fraction: float) -> float | None:
        if count == 0:
            return None
        position = (count - 1) * fraction
        below = math.floor(position)
        values = [
            float(v)
            for v in session.execute(
                select(seconds).where(*conditions).order_by(seconds).limit(2).offset(below)
            ).scalars()
        ]
        if len(values) == 1:
            return values[0]
        return values[0] + (position - below) * (values[1] - values[0])

    return Latency(count, percentile(0.5), percentile(0.9))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# --- fees, alerts, ratings --------------------------------------------------------------------------


class FeeSums(NamedTuple):
    assessed_lines: int
    assessed_fen: int
    paid_fen: int
    refunded_fen: int


def fee_sums(session: Session, *, start: dt.datetime, end: dt.datetime, department_code: str) -> FeeSums:
    """Lines assessed (not voided), the department's share of payments, and refunds paid back, each
    in ``[start, end)`` by its own time; with no department, every department's."""
    assessed = select(func.count(), func.coalesce(func.sum(col(FeeLine.amount_fen)), 0)).where(
        col(FeeLine.assess_time) >= start,
        col(FeeLine.assess_time) < end,
        col(FeeLine.state) != "VOIDED",
    )
    paid = (
        select(func.coalesce(func.sum(col(FeeBillLine.amount_fen)), 0))
        .select_from(FeeBillLine)
        .join(FeeLine, col(FeeLine.id) == col(FeeBillLine.line_id))
        .join(FeePayment, col(FeePayment.bill_id) == col(FeeBillLine.bill_id))
        .where(col(FeePayment.pay_time) >= start, col(FeePayment.pay_time) < end)
    )
    refunded = select(func.coalesce(func.sum(col(FeeRefund.amount_fen)), 0)).where(
        col(FeeRefund.state) == "PAID",
        col(FeeRefund.pay_time) >= start,
        col(FeeRefund.pay_time) < end,
    )
    if department_code:
        assessed = assessed.where(col(FeeLine.department_code) == department_code)
        paid = paid.where(col(FeeLine.department_code) == department_code)
        refunded = refunded.where(col(FeeRefund.department_code) == department_code)
    lines, assessed_fen = session.execute(assessed).one()
    return FeeSums(
        int(lines),
        int(assessed_fen),
        int(session.execute(paid).scalar_one()),
        int(session.execute(refunded).scalar_one()),
    )


def alerts_by_kind(
    session: Session, *, start: dt.datetime, end: dt.datetime, department_code: str
) -> list[tuple[str, int]]:
    """Alerts raised in ``[start, end)`` by kind; with a department, those concerning it."""
    statement = (
        select(col(Alert.kind), func.count())
        .where(col(Alert.raise_time) >= start, col(Alert.raise_time) < end)
        .group_by(col(Alert.kind))
        .order_by(col(Alert.kind))
    )
    if department_code:
        statement = statement.where(col(Alert.department_code) == department_code)
    return [(str(kind), int(count)) for kind, count in session.execute(statement)]


def ratings(session: Session, where: Sequence[ColumnElement[bool]]) -> tuple[int, int]:
    """The number and the sum of the scores of the ratings of the inspections matching ``where``."""
    statement = (
        select(func.count(), func.coalesce(func.sum(col(InspectionRating.score)), 0))
        .select_from(Inspection)
        .join(InspectionRating, col(InspectionRating.inspection_id) == col(Inspection.id))
        .where(*where)
    )
    count, total = session.execute(statement).one()
    return int(count), int(total)


# --- the public dashboard ---------------------------------------------------------------------------


class DashboardCell(NamedTuple):
    department_code: str
    department_name: str
    month: int
    inspections: int
    joint: int
    drawn: int
    published_on_time: int
    published_late: int
    publication_overdue: int
    ratings: int
    score_sum: int


def dashboard_cells(
    session: Session, month_starts: Sequence[dt.datetime], *, now: dt.datetime
) -> list[DashboardCell]:
    """Per department taking part and month of request: counts for the public dashboard, in one
    statement. ``month_starts`` are the thirteen boundaries of the year's months (UTC)."""
    month = case(
        *[
            (col(Inspection.request_time) < boundary, number)
            for number, boundary in enumerate(month_starts[1:12], 1)
        ],
        else_=12,
    )
    due, done = col(Inspection.publication_due_time), col(Inspection.publish_time)
    code = col(InspectionParticipant.department_code)
    statement = (
        select(
            code,
            col(Department.name),
            month,
            func.count(),
            _count_if(_joint()),
            _count_if(_drawn()),
            _count_if(and_(due.is_not(None), done.is_not(None), done <= due)),
            _count_if(and_(due.is_not(None), done.is_not(None), done > due)),
            _count_if(and_(due.is_not(None), done.is_(None), due <= now)),
            func.count(col(InspectionRating.score)),
            func.coalesce(func.sum(col(InspectionRating.score)), 0),
        )
        .select_from(Inspection)
        .join(InspectionParticipant, col(InspectionParticipant.inspection_id) == col(Inspection.id))
        .join(Department, col(Department.code) == code)
        .outerjoin(InspectionRating, col(InspectionRating.inspection_id) == col(Inspection.id))
        .where(
            col(Inspection.request_time) >= month_starts[0], col(Inspection.request_time) < month_starts[12]
        )
        .group_by(code, col(Department.name), month)
        .order_by(code, month)
    )
    return [DashboardCell(str(r[0]), str(r[1]), *(int(v) for v in r[2:])) for r in session.execute(statement)]


# --- one enterprise's burden ------------------------------------------------------------------------


class BurdenRow(NamedTuple):
    department_code: str
    routine: int
    exempt: int


def inspections_by_lead(
    session: Session, uscc: str, *, start: dt.date, end: dt.date, not_counted: Sequence[str]
) -> list[BurdenRow]:
    """Per lead department, the enterprise's routine and other inspections whose window opens in
    ``[start, end)`` and whose state is not in ``not_counted`` — the frequency cap's own conditions
    (``inspections.count_routine``), grouped."""
    routine = col(Inspection.kind) == "ROUTINE"
    statement = (
        select(col(Inspection.lead_department), _count_if(routine), _count_if(~routine))
        .where(
            col(Inspection.uscc) == uscc,
            col(Inspection.state).not_in(list(not_counted)),
            col(Inspection.window_start) >= start,
            col(Inspection.window_start) < end,
        )
        .group_by(col(Inspection.lead_department))
    )
    return [BurdenRow(str(r[0]), int(r[1]), int(r[2])) for r in session.execute(statement)]


def visit_counts(session: Session, uscc: str, ranges: Sequence[tuple[dt.date, dt.date]]) -> list[int]:
    """Visit days of the enterprise in each inclusive range of days (one visit a day, so a joint
    visit is one row), in one statement."""
    day = col(EnterpriseVisit.visit_date)
    first = min(r[0] for r in ranges)
    last = max(r[1] for r in ranges)
    statement = select(*[_count_if(and_(day >= a, day <= b)) for a, b in ranges]).where(
        col(EnterpriseVisit.uscc) == uscc, day >= first, day <= last
    )
    return [int(v) for v in session.execute(statement).one()]


def visits_by_department(
    session: Session, uscc: str, *, start: dt.date, end: dt.date
) -> list[tuple[str, int]]:
    """Per department, the enterprise's visit days in ``[start, end]`` on which it took part."""
    code = col(InspectionParticipant.department_code)
    statement = (
        select(code, func.count())
        .select_from(EnterpriseVisit)
        .join(
            InspectionParticipant,
            col(InspectionParticipant.inspection_id) == col(EnterpriseVisit.inspection_id),
        )
        .where(
            col(EnterpriseVisit.uscc) == uscc,
            col(EnterpriseVisit.visit_date) >= start,
            col(EnterpriseVisit.visit_date) <= end,
        )
        .group_by(code)
    )
    return [(str(c), int(n)) for c, n in session.execute(statement)]
