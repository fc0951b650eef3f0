"""The card summary: what a holder sees first (DESIGN §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection

from inspection.domain import fees
from inspection.domain.calendar import Calendar
from inspection.domain.card import CardHead
from inspection.errors import NotFound
from inspection.storage import cards as stored


@dataclass(frozen=True)
class CardSummary:
    uscc: str
    enterprise_name: str
    head: CardHead
    issue_time: dt.datetime
    inspections_this_year: dict[str, int]
    open_inspections: int
    unpaid_fen: int
    #: Fees paid this calendar year by department, integer fen (一费制).
    fees_this_year: dict[str, int]


def summarize(connection: Connection, uscc: str, *, year: int, calendar: Calendar) -> CardSummary:
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    rows = stored.summary_rows(connection, uscc, start=start, end=end)
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
        unpaid_fen=fees.unpaid_fen(connection, uscc),
        fees_this_year=fees.paid_this_year(connection, uscc, year=year, calendar=calendar),
    )
