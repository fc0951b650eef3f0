"""The hall's statement (对账单) and the card summary's fee sums."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from inspection.domain.calendar import Calendar
from inspection.storage import fees as stored
from inspection.storage.fee_models import (
    FeeReceipt,
)

# --- the hall's statement (对账单) ------------------------------------------------------------------

MAX_STATEMENT_DAYS = 366


@dataclass(frozen=True)
class Total:
    key: str
    count: int
    amount_fen: int


@dataclass(frozen=True)
class HallStatement:
    start: dt.date
    end: dt.date
    payments: int
    paid_fen: int
    by_channel: list[Total]
    by_collecting_unit: list[Total]
    by_department: list[Total]
    receipts: list[FeeReceipt]
    refunds: int = 0
    refunded_fen: int = 0


def _totals(items: Sequence[tuple[str, int]]) -> list[Total]:
    counts: dict[str, list[int]] = {}
    for key, fen in items:
        entry = counts.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += fen
    return [Total(key, count, fen) for key, (count, fen) in sorted(counts.items())]


def hall_statement(session: Session, start: dt.date, end: dt.date, *, calendar: Calendar) -> HallStatement:
    """Payments recorded on the district's days ``start`` to ``end`` (inclusive), by channel, by
    collecting unit (the receipts) and by department (the split)."""
    since = dt.datetime.combine(start, dt.time(), tzinfo=calendar.zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=calendar.zone)
    payments = stored.payments_between(session, start=since, end=until)
    receipts = stored.receipts_between(session, start=since, end=until)
    refunded = stored.refunds_paid_between(session, start=since, end=until)
    departments: list[tuple[str, int]] = []
    for payment in payments:
        departments.extend((code, int(fen)) for code, fen in json.loads(payment.split_json).items())
    return HallStatement(
        start=start,
        end=end,
        payments=len(payments),
        paid_fen=sum(p.amount_fen for p in payments),
        by_channel=_totals([(p.channel, p.amount_fen) for p in payments]),
        by_collecting_unit=_totals([(r.collecting_unit, r.amount_fen) for r in receipts]),
        by_department=_totals(departments),
        receipts=receipts,
        refunds=len(refunded),
        refunded_fen=sum(r.amount_fen for r in refunded),
    )
