"""Statistics for oversight (电子监察 统计, DESIGN §9) and the public dashboard (一公开): the
definitions of every figure, in plain Python over the aggregates ``inspection.storage.statistics``
computes in the database. docs/statistics.md states the same definitions for readers.

- A period is a calendar year, month or quarter in the district's time zone, ``[start, end)``.
- An inspection counts in the period in which it was requested, for every department that leads
  or takes part in it.
- Shares are a count out of a total with basis points rounded half up; no floats reach the API
  except the percentiles' interpolation, which is rounded to whole seconds.
- Ratings reach departments and the public only as aggregates, and below ``MIN_RATINGS_SHOWN``
  ratings not even the average (an enterprise's single score could be read from it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain.calendar import Calendar
from inspection.domain.inspections.model import NOT_COUNTED, Kind, State
from inspection.domain.registry import get_department, get_enterprise
from inspection.domain.text import check_identifier
from inspection.errors import FieldViolation, InvalidArgument, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import statistics as stored

FIRST_YEAR = 1970
LAST_YEAR = 9998
#: Fewer ratings than this are shown to departments and the public as a count only.
MIN_RATINGS_SHOWN = 3
_SEES_EVERY_RATING = (Role.LEGAL_OFFICE, Role.SUPERVISION)


# --- periods ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A calendar year, or one month or one quarter of it (统计期间)."""

    year: int
    month: int = 0
    quarter: int = 0

    @classmethod
    def checked(
        cls, violations: Violations, path: str, *, year: int, month: int = 0, quarter: int = 0
    ) -> Period:
        """The period, with every problem added to ``violations`` under ``path``."""
        if not FIRST_YEAR <= year <= LAST_YEAR:
            violations.add(f"{path}.year", f"must be from {FIRST_YEAR} to {LAST_YEAR}")
        if not 0 <= month <= 12:
            violations.add(f"{path}.month", "must be from 1 to 12, or 0 for none")
        if not 0 <= quarter <= 4:
            violations.add(f"{path}.quarter", "must be from 1 to 4, or 0 for none")
        if month and quarter:
            violations.add(f"{path}.quarter", "set either month or quarter, not both")
        return cls(year, month, quarter)

    @property
    def first_month(self) -> int:
        return self.month or (3 * self.quarter - 2 if self.quarter else 1)

    @property
    def months(self) -> int:
        return 1 if self.month else 3 if self.quarter else 12

    @property
    def label(self) -> str:
        """``2026``, ``2026-Q1`` or ``2026-03``."""
        if self.month:
            return f"{self.year}-{self.month:02d}"
        if self.quarter:
            return f"{self.year}-Q{self.quarter}"
        return str(self.year)

    def bounds(self, calendar: Calendar) -> tuple[dt.datetime, dt.datetime]:
        """The period as UTC instants ``[start, end)``: midnights of the district's calendar."""
        return _month_start(self.year, self.first_month, calendar), _month_start(
            self.year, self.first_month + self.months, calendar
        )


def _month_start(year: int, month: int, calendar: Calendar) -> dt.datetime:
    """Midnight (district time) starting ``month`` of ``year``, as UTC; month 13 is next January."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.datetime(year, month, 1, tzinfo=calendar.zone).astimezone(dt.UTC)


# --- the arithmetic of figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def basis_points(self) -> int:
        """count / total in basis points, rounded half up; 0 of 0 is 0."""
        return 0 if self.total == 0 else (20_000 * self.count + self.total) // (2 * self.total)


@dataclass(frozen=True)
class OnTime:
    """Obligations with a due time: done in time, done late, overdue (not done, due passed) and
    pending (not done, not yet due). The rate counts overdue ones against it, pending ones not."""

    on_time: int
    late: int
    overdue: int
    pending: int

    @property
    def rate(self) -> Share:
        return Share(self.on_time, self.on_time + self.late + self.overdue)


@dataclass(frozen=True)
class Rating:
    """An aggregate of ratings (1–5). ``withheld``: the sum and average are not shown."""

    count: int
    score_sum: int
    withheld: bool = False

    @classmethod
    def for_viewer(cls, count: int, score_sum: int, *, sees_every_rating: bool) -> Rating:
        if count < MIN_RATINGS_SHOWN and not sees_every_rating:
            return cls(count, 0, withheld=count > 0)
        return cls(count, score_sum)

    @property
    def average_hundredths(self) -> int:
        return 0 if self.count == 0 or self.withheld else _half_up(Decimal(100 * self.score_sum) / self.count)


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def whole_seconds(value: float | None) -> int | None:
    """A percentile's seconds rounded half up to whole seconds (the two backends' floating
    arithmetic differs below the millisecond)."""
    return None if value is None else _half_up(Decimal(repr(round(value, 3))))


# --- a department's statistics ----------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentStatistics:
    department_code: str
    period: Period
    start: dt.datetime
    end: dt.datetime
    inspections: int
    by_kind: dict[Kind, int]
    by_state: dict[State, int]
    joint: Share
    drawn: Share
    decided: int
    latency_p50_seconds: int | None
    latency_p90_seconds: int | None
    decisions: OnTime
    filings: OnTime
    publications: OnTime
    fees: stored.FeeSums
    alerts: list[tuple[str, int]]
    rating: Rating


def check_scope(viewer: Principal, department_code: str) -> None:
    """A department sees its own statistics only; the offices see every department's and the
    district's. (The policy row checks the same; this keeps the rule true for any caller.)"""
    if viewer.role is Role.DEPARTMENT and department_code != viewer.org:
        raise PermissionDenied("a department sees only its own statistics", reason=Reason.OUT_OF_SCOPE)


def department_statistics(
    session: Session,
    department_code: str,
    period: Period,
    *,
    viewer: Principal,
    now: dt.datetime,
    calendar: Calendar,
) -> DepartmentStatistics:
    """The figures of one department (or, with an empty code, the district) for ``period``."""
    violations = Violations()
    check_identifier(violations, "department_code", department_code, required=False)
    violations.raise_if_any()
    check_scope(viewer, department_code)
    if department_code:
        get_department(session, department_code)
    start, end = period.bounds(calendar)
    where = stored.requested_between(start, end, department_code)
    rows = stored.cohort_counts(session, where)
    by_kind: dict[Kind, int] = {}
    by_state: dict[State, int] = {}
    total = joint = drawn = 0
    for row in rows:
        total += row.inspections
        joint += row.inspections if row.joint else 0
        drawn += row.inspections if row.origin == "DRAW" else 0
        by_kind[Kind(row.kind)] = by_kind.get(Kind(row.kind), 0) + row.inspections
        by_state[State(row.state)] = by_state.get(State(row.state), 0) + row.inspections
    latency = stored.approval_latency(session, where)
    decisions, filings, publications = stored.deadlines(session, where, now=now)
    count, score_sum = stored.ratings(session, where)
    return DepartmentStatistics(
        department_code=department_code,
        period=period,
        start=start,
        end=end,
        inspections=total,
        by_kind=dict(sorted(by_kind.items(), key=lambda kv: list(Kind).index(kv[0]))),
        by_state=dict(sorted(by_state.items(), key=lambda kv: list(State).index(kv[0]))),
        joint=Share(joint, total),
        drawn=Share(drawn, total),
        decided=latency.decided,
        latency_p50_seconds=whole_seconds(latency.p50),
        latency_p90_seconds=whole_seconds(latency.p90),
        decisions=OnTime(*decisions),
        filings=OnTime(*filings),
        publications=OnTime(*publications),
        fees=stored.fee_sums(session, start=start, end=end, department_code=department_code),
        alerts=stored.alerts_by_kind(session, start=start, end=end, department_code=department_code),
        rating=Rating.for_viewer(count, score_sum, sees_every_rating=viewer.role in _SEES_EVERY_RATING),
    )


# --- the public dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardRow:
    department_code: str
    department_name: str
    month: int
    inspections: int
    joint: Share
    drawn: Share
    published_on_time: Share
    rating: Rating


def dashboard(session: Session, year: int, *, now: dt.datetime, calendar: Calendar) -> list[DashboardRow]:
    """Per department and month of ``year``: what the public dashboard shows (no names of people,
    nothing about any one enterprise; ratings withheld below ``MIN_RATINGS_SHOWN``)."""
    violations = Violations()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        violations.add("year", f"must be from {FIRST_YEAR} to {LAST_YEAR}")
    violations.raise_if_any()
    boundaries = [_month_start(year, month, calendar) for month in range(1, 14)]
    return [
        DashboardRow(
            department_code=cell.department_code,
            department_name=cell.department_name,
            month=cell.month,
            inspections=cell.inspections,
            joint=Share(cell.joint, cell.inspections),
            drawn=Share(cell.drawn, cell.inspections),
            published_on_time=Share(
                cell.published_on_time,
                cell.published_on_time + cell.published_late + cell.publication_overdue,
            ),
            rating=Rating.for_viewer(cell.ratings, cell.score_sum, sees_every_rating=False),
        )
        for cell in stored.dashboard_cells(session, boundaries, now=now)
    ]


# --- one enterprise's burden ------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentBurden:
    department_code: str
    routine: int
    routine_cap: int
    exempt: int
    visits: int


@dataclass(frozen=True)
class EnterpriseBurden:
    uscc: str
    year: int
    as_of: dt.date
    visits_this_week: int
    visits_this_month: int
    visits_this_year: int
    departments: list[DepartmentBurden]


def enterprise_burden(
    session: Session, uscc: str, *, now: dt.datetime, calendar: Calendar, routine_cap: int
) -> EnterpriseBurden:
    """The enterprise's inspections and visit days this calendar year against the frequency cap
    (检查频次): routine inspections counted exactly as the cap counts them, visit days as the
    enterprise lives them (a joint visit is one day, 进一次门)."""
    if not uscc:
        raise InvalidArgument([FieldViolation("uscc", "is required")])
    enterprise = get_enterprise(session, uscc)
    today = calendar.today(now)
    year_start, year_end = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    week_start = today - dt.timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    month_end = (month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    week, month, year = stored.visit_counts(
        session,
        enterprise.uscc,
        [(week_start, week_start + dt.timedelta(days=6)), (month_start, month_end), (year_start, year_end)],
    )
    counted = {
        row.department_code: row
        for row in stored.inspections_by_lead(
            session,
            enterprise.uscc,
            start=year_start,
            end=dt.date(today.year + 1, 1, 1),
            not_counted=[s.value for s in NOT_COUNTED],
        )
    }
    visits = dict(stored.visits_by_department(session, enterprise.uscc, start=year_start, end=year_end))
    departments = [
        DepartmentBurden(
            department_code=code,
            routine=counted[code].routine if code in counted else 0,
            routine_cap=routine_cap,
            exempt=counted[code].exempt if code in counted else 0,
            visits=visits.get(code, 0),
        )
        for code in sorted(set(counted) | set(visits))
    ]
    return EnterpriseBurden(
        uscc=enterprise.uscc,
        year=today.year,
        as_of=today,
        visits_this_week=week,
        visits_this_month=month,
        visits_this_year=year,
        departments=departments,
    )
