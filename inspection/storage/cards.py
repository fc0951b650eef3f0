"""The card tables' SQL (一卡通): the append lock, entry inserts, pages, the chain for verification,
the summary, and the wake-up of watch streams after a commit that appended.

Every statement on the append and read paths is a Core statement built once: statement
construction, ORM loading and unit-of-work flushes cost several times SQLite's own work for these
rows, and GetCard, ListCardEntries and the append run on every call of their kind
(``docs/performance.md`` has the figures).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    bindparam,
    event,
    func,
    insert,
    literal,
    select,
    true,
    type_coerce,
    union_all,
    update,
)
from sqlmodel import Session, col

from inspection.errors import NotFound
from inspection.storage.fee_models import FeeBill, FeeLine
from inspection.storage.inspection_models import Inspection, InspectionParticipant
from inspection.storage.models import Card, CardEntry, Enterprise
from inspection.storage.types import ReadableUTCDateTime, UTCDateTime


class EntryRow(NamedTuple):
    """One card entry as read for a caller: plain values, no ORM object."""

    uscc: str
    seq: int
    kind: str
    actor_sub: str
    actor_role: str
    actor_org: str
    department_code: str | None
    inspection_id: str | None
    time: dt.datetime
    payload_json: str
    prev_hash: str
    entry_hash: str


# --- the append path ---------------------------------------------------------------------------

_LOCK = (
    select(col(Card.head_seq), col(Card.head_hash))
    .where(col(Card.uscc) == bindparam("uscc"))
    .with_for_update()
)
_ISSUE = insert(Card)
_INSERT_ENTRY = insert(CardEntry)
_MOVE_HEAD = (
    update(Card)
    .where(col(Card.uscc) == bindparam("card"))
    .values(head_seq=bindparam("seq"), head_hash=bindparam("digest"))
)
#: The append lock of the card of the enterprise an inspection concerns, found in one statement.
_LOCK_OF_INSPECTION = (
    select(col(Card.uscc), col(Card.head_seq), col(Card.head_hash))
    .where(
        col(Card.uscc)
        == select(col(Inspection.uscc))
        .where(col(Inspection.id) == bindparam("inspection_id"))
        .scalar_subquery()
    )
    .with_for_update()
)
_HEAD = select(col(Card.head_seq), col(Card.head_hash)).where(col(Card.uscc) == bindparam("uscc"))


def lock_card(session: Session, uscc: str) -> tuple[int, str]:
    """Takes the per-enterprise append lock (PostgreSQL: a row lock on the card; SQLite: the write
    lock the transaction already holds) and returns the head's ``(seq, hash)``."""
    row = session.connection().execute(_LOCK, {"uscc": uscc}).first()
    if row is None:
        raise NotFound("enterprise", uscc)
    return row[0], row[1]


def lock_cards(session: Session, usccs: Sequence[str]) -> dict[str, tuple[int, str]]:
    """Takes the append locks of many cards, in USCC order (so that two such calls never wait on
    each other crosswise), a thousand to a statement; returns each head's ``(seq, hash)``."""
    wanted = sorted(set(usccs))
    found: dict[str, tuple[int, str]] = {}
    connection = session.connection()
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        rows = connection.execute(
            select(col(Card.uscc), col(Card.head_seq), col(Card.head_hash))
            .where(col(Card.uscc).in_(chunk))
            .order_by(col(Card.uscc))
            .with_for_update()
        )
        found.update((uscc, (seq, digest)) for uscc, seq, digest in rows)
    missing = next((u for u in wanted if u not in found), None)
    if missing is not None:
        raise NotFound("enterprise", missing)
    return found


def lock_card_of_inspection(session: Session, inspection_id: str) -> tuple[str, int, str] | None:
    """The append lock of the card of the enterprise ``inspection_id`` concerns: ``(uscc, seq,
    hash)`` of its head, or None for an unknown inspection."""
    row = session.connection().execute(_LOCK_OF_INSPECTION, {"inspection_id": inspection_id}).first()
    return None if row is None else (row[0], row[1], row[2])


def card_head(session: Session, uscc: str) -> tuple[int, str]:
    """The head's ``(seq, hash)`` without taking the lock."""
    row = session.connection().execute(_HEAD, {"uscc": uscc}).first()
    if row is None:
        raise NotFound("enterprise", uscc)
    return row[0], row[1]


def issue_card(session: Session, uscc: str, *, head_hash: str, at: dt.datetime) -> None:
    session.connection().execute(
        _ISSUE, {"uscc": uscc, "head_seq": 0, "head_hash": head_hash, "issue_time": at}
    )


def insert_entry(session: Session, entry: dict[str, Any]) -> None:
    """Inserts one entry (its columns, hash included) and moves the card's head to it."""
    connection = session.connection()
    connection.execute(_INSERT_ENTRY, entry)
    connection.execute(
        _MOVE_HEAD, {"card": entry["uscc"], "seq": entry["seq"], "digest": entry["entry_hash"]}
    )
    session.info.setdefault("appended_cards", set()).add(entry["uscc"])


def insert_appends(session: Session, entries: Sequence[dict[str, Any]]) -> None:
    """Inserts entries appended to many cards (in each card's order) and moves every card's head
    to its last one: two statements, whatever the number of cards."""
    if not entries:
        return
    connection = session.connection()
    connection.execute(_INSERT_ENTRY, list(entries))
    heads = {e["uscc"]: e for e in entries}
    connection.execute(
        _MOVE_HEAD, [{"card": u, "seq": e["seq"], "digest": e["entry_hash"]} for u, e in heads.items()]
    )
    session.info.setdefault("appended_cards", set()).update(heads)


def insert_entries(session: Session, entries: Sequence[dict[str, Any]]) -> None:
    """Inserts many first entries at once (bulk import); each card's head is set by the caller."""
    if entries:
        session.connection().execute(_INSERT_ENTRY, list(entries))
        session.info.setdefault("appended_cards", set()).update(e["uscc"] for e in entries)


# --- pages and the chain -----------------------------------------------------------------------


def _readable(name: str) -> Any:
    """A column as read for a caller: the time through a type that tolerates a damaged value."""
    column = col(getattr(CardEntry, name))
    return type_coerce(column, ReadableUTCDateTime()).label(name) if name == "time" else column


_ENTRY_COLUMNS = tuple(_readable(name) for name in EntryRow._fields)


@functools.cache
def _entries_query(kinds: bool, department: bool, start: bool, end: bool) -> Any:
    """The page query for one combination of filters, built once; the values are bound per call."""
    query = select(*_ENTRY_COLUMNS).where(
        col(CardEntry.uscc) == bindparam("uscc"), col(CardEntry.seq) > bindparam("after")
    )
    if kinds:
        query = query.where(col(CardEntry.kind).in_(bindparam("kinds", expanding=True)))
    if department:
        query = query.where(col(CardEntry.department_code) == bindparam("department"))
    if start:
        query = query.where(col(CardEntry.time) >= bindparam("start"))
    if end:
        query = query.where(col(CardEntry.time) < bindparam("end"))
    return query.order_by(col(CardEntry.seq)).limit(bindparam("limit", type_=Integer))


_CARD_EXISTS = select(col(Card.uscc)).where(col(Card.uscc) == bindparam("uscc"))


def list_entries(
    connection: Connection,
    uscc: str,
    *,
    after_seq: int,
    limit: int,
    kinds: Sequence[str] = (),
    department_code: str = "",
    start_time: dt.datetime | None = None,
    end_time: dt.datetime | None = None,
) -> list[EntryRow]:
    """Entries with ``seq > after_seq`` in ascending order: an index range scan, whatever the depth.

    Plain rows from a prebuilt statement: building the query and loading ORM objects cost several
    times SQLite's own work for a page, and pages are the most frequent read after GetCard.
    """
    values: dict[str, Any] = {"uscc": uscc, "after": after_seq, "limit": limit}
    if kinds:
        values["kinds"] = list(kinds)
    if department_code:
        values["department"] = department_code
    if start_time:
        values["start"] = start_time
    if end_time:
        values["end"] = end_time
    query = _entries_query(*(name in values for name in ("kinds", "department", "start", "end")))
    entries = [EntryRow._make(row) for row in connection.execute(query, values).all()]
    # An unknown enterprise is NotFound, not an empty page.
    if not entries and connection.execute(_CARD_EXISTS, {"uscc": uscc}).first() is None:
        raise NotFound("enterprise", uscc)
    return entries


_TAKES_PART = select(col(InspectionParticipant.inspection_id)).where(
    col(InspectionParticipant.department_code) == bindparam("department"),
    col(InspectionParticipant.inspection_id).in_(bindparam("ids", expanding=True)),
)


def inspections_taken_part_in(
    connection: Connection, department_code: str, inspection_ids: set[str]
) -> set[str]:
    """Which of ``inspection_ids`` the department takes part in."""
    rows = connection.execute(_TAKES_PART, {"department": department_code, "ids": sorted(inspection_ids)})
    return set(rows.scalars())


_CHAIN_COLUMNS = tuple(
    _readable(name)
    for name in (
        "seq",
        "kind",
        "actor_sub",
        "actor_role",
        "actor_org",
        "department_code",
        "inspection_id",
        "time",
        "payload_json",
        "prev_hash",
        "entry_hash",
    )
)


def chain_rows(session: Session, uscc: str, *, batch: int) -> Iterator[Any]:
    """Every entry's hashed columns in ``seq`` order, streamed ``batch`` rows at a time (plain rows:
    ORM loading would double VerifyCard's cost per entry)."""
    yield from session.connection().execute(
        select(*_CHAIN_COLUMNS)
        .where(col(CardEntry.uscc) == uscc)
        .order_by(col(CardEntry.seq))
        .execution_options(yield_per=batch)
    )


# --- the summary ---------------------------------------------------------------------------------

#: Inspection states that count as open on the card summary, and those that never counted.
OPEN_STATES = ("REQUESTED", "APPROVED", "IN_PROGRESS", "FILED_PENDING")
NOT_COUNTED = ("REJECTED", "CANCELLED")


def _constants(values: tuple[str, ...]) -> list[Any]:
    """An IN list of fixed values as plain parameters; a list of values would be an "expanding"
    parameter, which SQLAlchemy re-renders into the SQL text on every execution."""
    return [literal(value) for value in values]


#: Inspections this year per department (each participant's), as ``("I", code, count)`` rows.
_INSPECTIONS_PER_DEPARTMENT: Select[str, str, int] = (
    select(
        literal("I").label("what"),
        col(InspectionParticipant.department_code).label("department_code"),
        func.count().label("amount"),
    )
    .join(Inspection, col(Inspection.id) == col(InspectionParticipant.inspection_id))
    .where(
        col(Inspection.uscc) == bindparam("uscc"),
        col(Inspection.window_start) >= bindparam("start"),
        col(Inspection.window_start) < bindparam("end"),
        col(Inspection.state).not_in(_constants(NOT_COUNTED)),
    )
    .group_by(col(InspectionParticipant.department_code))
)

#: Fees paid this year per department (一费制), net of refunds, as ``("F", code, fen)`` rows.
_FEES_PER_DEPARTMENT: Select[str, str, int] = (
    select(
        literal("F").label("what"),
        col(FeeLine.department_code).label("department_code"),
        func.sum(col(FeeLine.amount_fen) - col(FeeLine.refunded_fen)).label("amount"),
    )
    .join(FeeBill, col(FeeBill.id) == col(FeeLine.bill_id))
    .where(
        col(FeeLine.uscc) == bindparam("uscc"),
        col(FeeLine.state) == "PAID",
        col(FeeBill.close_time) >= bindparam("paid_from", type_=UTCDateTime()),
        col(FeeBill.close_time) < bindparam("paid_until", type_=UTCDateTime()),
    )
    .group_by(col(FeeLine.department_code))
)

_PER_DEPARTMENT = union_all(_INSPECTIONS_PER_DEPARTMENT, _FEES_PER_DEPARTMENT).subquery("per_department")

_OPEN = (
    select(func.count())
    .select_from(Inspection)
    .where(col(Inspection.uscc) == col(Card.uscc), col(Inspection.state).in_(_constants(OPEN_STATES)))
    .scalar_subquery()
)

#: Fees assessed and not yet paid (open and billed lines).
_UNPAID = (
    select(func.coalesce(func.sum(col(FeeLine.amount_fen)), 0))
    .where(col(FeeLine.uscc) == col(Card.uscc), col(FeeLine.state).in_(_constants(("OPEN", "BILLED"))))
    .scalar_subquery()
)

#: The whole summary in one statement, built once: the card's head, the enterprise's name, the
#: open-inspection count and the unpaid fees on every row, and one row per department with
#: inspections (``I``) or paid fees (``F``) this year (one row with neither when there is none).
#: Statement construction and round trips cost far more than the database's work here, and
#: GetCard is the most frequent read.
_SUMMARY = (
    select(
        col(Card.head_seq),
        col(Card.head_hash),
        col(Card.issue_time),
        col(Enterprise.name),
        _OPEN.label("open_inspections"),
        _UNPAID.label("unpaid_fen"),
        _PER_DEPARTMENT.c.what,
        _PER_DEPARTMENT.c.department_code,
        _PER_DEPARTMENT.c.amount,
    )
    .join(Enterprise, col(Enterprise.uscc) == col(Card.uscc))
    .outerjoin(_PER_DEPARTMENT, true())
    .where(col(Card.uscc) == bindparam("uscc"))
    .order_by(_PER_DEPARTMENT.c.what, _PER_DEPARTMENT.c.department_code)
)


def summary_rows(
    connection: Connection,
    uscc: str,
    *,
    start: dt.date,
    end: dt.date,
    paid_from: dt.datetime,
    paid_until: dt.datetime,
) -> list[Any]:
    """Rows of ``(head_seq, head_hash, issue_time, name, open, unpaid, what, department, amount)``:
    inspections per department with a window opening in [start, end) and fees paid in [paid_from,
    paid_until); none for an unknown enterprise."""
    values = {"uscc": uscc, "start": start, "end": end, "paid_from": paid_from, "paid_until": paid_until}
    return list(connection.execute(_SUMMARY, values).all())


# --- waking watch streams ------------------------------------------------------------------------


class CardNotifier:
    """Wakes ``WatchCard`` streams in this process right after a commit that appended entries.

    Only a wake-up hint: streams also poll the database, which is what makes entries written by
    other replicas arrive.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._version = 0

    def notify(self) -> None:
        with self._condition:
            self._version += 1
            self._condition.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self._condition:
            self._condition.wait_for(lambda: self._version != seen, timeout=timeout)
            return self._version

    @property
    def version(self) -> int:
        with self._condition:
            return self._version


NOTIFIER = CardNotifier()


@event.listens_for(Session, "after_commit")
def _wake_watchers(session: Session) -> None:
    if session.info.pop("appended_cards", None):
        NOTIFIER.notify()


@event.listens_for(Session, "after_rollback")
def _forget_appends(session: Session) -> None:
    session.info.pop("appended_cards", None)
