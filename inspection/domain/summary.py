"""The card summary: what a holder sees first (DESIGN §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, literal, select, true
from sqlmodel import col

from inspection.domain.card import CardHead
from inspection.errors import NotFound
from inspection.storage.inspection_models import Inspection, InspectionParticipant
from inspection.storage.models import Card, Enterprise

OPEN_STATES = ("REQUESTED", "APPROVED", "IN_PROGRESS", "FILED_PENDING")
NOT_COUNTED = ("REJECTED", "CANCELLED")


def _constants(values: tuple[str, ...]) -> list[Any]:
    """An IN list of fixed values as plain parameters; a list of values would be an "expanding"
    parameter, which SQLAlchemy re-renders into the SQL text on every execution."""
    return [literal(value) for value in values]


@dataclass(frozen=True)
class CardSummary:
    uscc: str
    enterprise_name: str
    head: CardHead
    issue_time: dt.datetime
    inspections_this_year: dict[str, int]
    open_inspections: int
    unpaid_fen: int


_PER_DEPARTMENT = (
    select(col(InspectionParticipant.department_code), func.count().label("inspections"))
    .join(Inspection, col(Inspection.id) == col(InspectionParticipant.inspection_id))
    .where(
        col(Inspection.uscc) == bindparam("uscc"),
        col(Inspection.window_start) >= bindparam("start"),
        col(Inspection.window_start) < bindparam("end"),
        col(Inspection.state).not_in(_constants(NOT_COUNTED)),
    )
    .group_by(col(InspectionParticipant.department_code))
    .subquery("per_department")
)

_OPEN = (
    select(func.count())
    .select_from(Inspection)
    .where(col(Inspection.uscc) == col(Card.uscc), col(Inspection.state).in_(_constants(OPEN_STATES)))
    .scalar_subquery()
)

#: The whole summary in one statement, built once: the card's head, the enterprise's name and the
#: open-inspection count on every row, and one row per department with inspections this year (one
#: row with no department when there is none). Statement construction and ORM loading cost far more
#: than SQLite's work here, and GetCard is the most frequent read.
_SUMMARY = (
    select(
        col(Card.head_seq),
        col(Card.head_hash),
        col(Card.issue_time),
        col(Enterprise.name),
        _OPEN.label("open_inspections"),
        _PER_DEPARTMENT.c.department_code,
        _PER_DEPARTMENT.c.inspections,
    )
    .join(Enterprise, col(Enterprise.uscc) == col(Card.uscc))
    .outerjoin(_PER_DEPARTMENT, true())
    .where(col(Card.uscc) == bindparam("uscc"))
    .order_by(_PER_DEPARTMENT.c.department_code)
)


def summarize(connection: Connection, uscc: str, *, year: int) -> CardSummary:
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    rows = connection.execute(_SUMMARY, {"uscc": uscc, "start": start, "end": end}).all()
    if not rows:
        raise NotFound("enterprise", uscc)
    head_seq, head_hash, issue_time, name, open_count = rows[0][:5]
    return CardSummary(
        uscc=uscc,
        enterprise_name=name,
        head=CardHead(uscc=uscc, seq=head_seq, entry_hash=head_hash),
        issue_time=issue_time,
        inspections_this_year={row[5]: row[6] for row in rows if row[5] is not None},
        open_inspections=int(open_count),
        unpaid_fen=0,  # no fee is assessed before the single-fee workflow (DESIGN §7) exists
    )
