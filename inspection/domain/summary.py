"""The card summary: what a holder sees first (DESIGN §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from inspection.domain import card as cards
from inspection.domain.card import CardHead
from inspection.storage.inspection_models import Inspection, InspectionParticipant
from inspection.storage.models import Enterprise

OPEN_STATES = ("REQUESTED", "APPROVED", "IN_PROGRESS", "FILED_PENDING")
NOT_COUNTED = ("REJECTED", "CANCELLED")


@dataclass(frozen=True)
class CardSummary:
    uscc: str
    enterprise_name: str
    head: CardHead
    issue_time: dt.datetime
    inspections_this_year: dict[str, int]
    open_inspections: int
    unpaid_fen: int


def summarize(session: Session, uscc: str, *, year: int) -> CardSummary:
    card = cards.get_card(session, uscc)
    enterprise = session.get(Enterprise, uscc)
    assert enterprise is not None  # a card exists only for a registered enterprise
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    per_department = session.execute(
        select(col(InspectionParticipant.department_code), func.count())
        .join(Inspection, col(Inspection.id) == col(InspectionParticipant.inspection_id))
        .where(
            col(Inspection.uscc) == uscc,
            col(Inspection.window_start) >= start,
            col(Inspection.window_start) < end,
            col(Inspection.state).not_in(NOT_COUNTED),
        )
        .group_by(col(InspectionParticipant.department_code))
        .order_by(col(InspectionParticipant.department_code))
    ).all()
    open_count = session.execute(
        select(func.count())
        .select_from(Inspection)
        .where(
            col(Inspection.uscc) == uscc,
            col(Inspection.state).in_(OPEN_STATES),
        )
    ).scalar_one()
    return CardSummary(
        uscc=uscc,
        enterprise_name=enterprise.name,
        head=cards.head_of(card),
        issue_time=card.issue_time,
        inspections_this_year={code: count for code, count in per_department},
        open_inspections=int(open_count),
        unpaid_fen=0,  # no fee is assessed before the single-fee workflow (DESIGN §7) exists
    )
