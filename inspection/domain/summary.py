"""The card summary: what a holder sees first (DESIGN §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection

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
    """The summary in one statement: inspections count by the window's year (as the cap counts
    them), fees by the district's calendar year of their payment."""
    rows = stored.summary_rows(
        connection,
        uscc,
        start=dt.date(year, 1, 1),
        end=dt.date(year + 1, 1, 1),
        paid_from=dt.datetime(year, 1, 1, tzinfo=calendar.zone),
        paid_until=dt.datetime(year + 1, 1, 1, tzinfo=calendar.zone),
    )
    if not rows:
        raise NotFound("enterprise", uscc)
    head_seq, head_hash, issue_time, name, open_count, unpaid = rows[0][:6]
    per_department: dict[str, dict[str, int]] = {"I": {}, "F": {}}
    for *_, what, code, amount in rows:
        if what is not None:
            per_department[what][code] = int(amount)
    return CardSummary(
        uscc=uscc,
        enterprise_name=name,
        head=CardHead(uscc=uscc, seq=head_seq, entry_hash=head_hash),
        issue_time=issue_time,
        inspections_this_year=per_department["I"],
        open_inspections=int(open_count),
        unpaid_fen=int(unpaid or 0),
        fees_this_year=per_department["F"],
    )
