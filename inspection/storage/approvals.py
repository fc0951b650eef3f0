"""The approval table's SQL: the decisions both offices make on one subject (see
``inspection.domain.approval``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Select, bindparam, insert, select
from sqlmodel import Session, col

from inspection.storage.inspection_models import ApprovalDecision


class DecisionRow(NamedTuple):
    subject_kind: str
    subject_id: str
    stage: str
    office: str
    principal: str
    decision: str
    comment: str
    due_time: dt.datetime | None
    decide_time: dt.datetime
    late: bool


_COLUMNS = tuple(col(getattr(ApprovalDecision, name)) for name in DecisionRow._fields)
_OF_SUBJECT = (
    select(*_COLUMNS)
    .where(
        col(ApprovalDecision.subject_kind) == bindparam("kind"),
        col(ApprovalDecision.subject_id) == bindparam("id"),
        col(ApprovalDecision.stage) == bindparam("stage"),
    )
    .order_by(col(ApprovalDecision.decide_time))
)
_INSERT = insert(ApprovalDecision)


def decisions(session: Session, *, subject_kind: str, subject_id: str, stage: str) -> list[DecisionRow]:
    """The decisions recorded at one stage of one subject, oldest first."""
    rows = session.connection().execute(_OF_SUBJECT, {"kind": subject_kind, "id": subject_id, "stage": stage})
    return [DecisionRow._make(row) for row in rows]


def decisions_of(session: Session, *, subject_kind: str, subject_ids: Sequence[str]) -> list[DecisionRow]:
    """Every decision on the given subjects, oldest first (for building views of many at once)."""
    if not subject_ids:
        return []
    rows = session.connection().execute(
        select(*_COLUMNS)
        .where(
            col(ApprovalDecision.subject_kind) == subject_kind,
            col(ApprovalDecision.subject_id).in_(list(subject_ids)),
        )
        .order_by(col(ApprovalDecision.decide_time))
    )
    return [DecisionRow._make(row) for row in rows]


def insert_decision(session: Session, row: DecisionRow) -> None:
    session.connection().execute(_INSERT, row._asdict())


def subjects_decided_by(*, subject_kind: str, stage: str, office: str) -> Select[str]:
    """A subquery of the subject ids one office has decided at one stage (for "awaiting me" lists)."""
    return select(col(ApprovalDecision.subject_id)).where(
        col(ApprovalDecision.subject_kind) == subject_kind,
        col(ApprovalDecision.stage) == stage,
        col(ApprovalDecision.office) == office,
    )
