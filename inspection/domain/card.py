"""The card (一卡通): append-only, hash-chained history of each enterprise.

Every entry is written in the same transaction as the state change it records. Appends to one
enterprise are serialized by the database: on PostgreSQL by a row lock on the enterprise's
``card`` row (``SELECT … FOR UPDATE``), on SQLite by the write lock every write transaction takes
at ``BEGIN IMMEDIATE``; the unique ``(uscc, seq)`` constraint is the backstop. The canonical
encoding is documented in ``docs/card.md`` so that anyone can re-verify a chain independently.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple, TypedDict

from sqlalchemy import Connection, Integer, bindparam, event, insert, select, update
from sqlmodel import Session, col

from inspection.auth import Principal
from inspection.errors import NotFound
from inspection.storage.models import Card, CardEntry

GENESIS_HASH = "0" * 64
ENCODING_VERSION = 1


class EntryKind(enum.StrEnum):
    CARD_ISSUED = "CARD_ISSUED"
    ENTERPRISE_UPDATED = "ENTERPRISE_UPDATED"
    RECUSAL_RECORDED = "RECUSAL_RECORDED"
    INSPECTION_REQUESTED = "INSPECTION_REQUESTED"
    INSPECTION_DECIDED = "INSPECTION_DECIDED"
    INSPECTION_APPROVED = "INSPECTION_APPROVED"
    INSPECTION_REJECTED = "INSPECTION_REJECTED"
    INSPECTION_CANCELLED = "INSPECTION_CANCELLED"
    INSPECTION_CHECKED_IN = "INSPECTION_CHECKED_IN"
    INSPECTION_RESULT_RECORDED = "INSPECTION_RESULT_RECORDED"
    INSPECTION_PUBLISHED = "INSPECTION_PUBLISHED"
    EMERGENCY_STARTED = "EMERGENCY_STARTED"
    EMERGENCY_FILED = "EMERGENCY_FILED"
    FILING_ACKNOWLEDGED = "FILING_ACKNOWLEDGED"
    INSPECTION_RATED = "INSPECTION_RATED"
    COMPLAINT_FILED = "COMPLAINT_FILED"


class EntryFields(TypedDict):
    """The columns of an entry that its hash covers (besides the encoding version)."""

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


@dataclass(frozen=True)
class CardHead:
    uscc: str
    seq: int
    entry_hash: str


#: The canonical JSON encoder, built once: ``json.dumps`` with these arguments builds a new one per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
#: How that encoder writes a string (the C escaper when available).
_quote = json.encoder.encode_basestring


def format_time(instant: dt.datetime) -> str:
    """The instant as it enters the hash: UTC, microseconds, ``Z``."""
    utc = instant.astimezone(dt.UTC)
    if utc.year < 1000:  # strftime does not zero-pad such years; keep its exact output
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # Same text as the strftime above, at a fraction of its cost (VerifyCard formats every entry).
    return utc.isoformat(timespec="microseconds").removesuffix("+00:00") + "Z"


def canonical_json(value: Any) -> str:
    """Sorted keys, no insignificant white space, UTF-8 text; floats are refused."""
    _refuse_floats(value)
    return _CANONICAL.encode(value)


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("card payloads hold integers only (money is integer fen)")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


def entry_hash(
    *,
    uscc: str,
    seq: int,
    kind: str,
    actor_sub: str,
    actor_role: str,
    actor_org: str,
    department_code: str | None,
    inspection_id: str | None,
    time: dt.datetime,
    payload_json: str,
    prev_hash: str,
) -> str:
    document = {
        "v": ENCODING_VERSION,
        "uscc": uscc,
        "seq": seq,
        "kind": kind,
        "actor_sub": actor_sub,
        "actor_role": actor_role,
        "actor_org": actor_org,
        "department_code": department_code or "",
        "inspection_id": inspection_id or "",
        "time": format_time(time),
        "payload_json": payload_json,
        "prev_hash": prev_hash,
    }
    encoded = _encode_document(document)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


_DOCUMENT_TEXT_KEYS = (
    "actor_org",
    "actor_role",
    "actor_sub",
    "department_code",
    "inspection_id",
    "kind",
    "payload_json",
    "prev_hash",
    "time",
    "uscc",
)


def _encode_document(document: dict[str, Any]) -> str:
    """``_CANONICAL.encode(document)``, written out key by key when every value has the expected type.

    The same text (keys in sorted order, each string escaped by the encoder's own function, integers
    by ``int.__repr__``) in a third of the time; VerifyCard and imports hash every entry.
    """
    if type(document["seq"]) is not int or document["v"] != 1 or len(document) != 12:
        return _CANONICAL.encode(document)
    text = []
    for key in _DOCUMENT_TEXT_KEYS:
        value = document[key]
        if not isinstance(value, str):
            return _CANONICAL.encode(document)
        text.append(_quote(value))
    org, role, sub, department, inspection, kind, payload, prev, time, uscc = text
    return (
        f'{{"actor_org":{org},"actor_role":{role},"actor_sub":{sub},"department_code":{department},'
        f'"inspection_id":{inspection},"kind":{kind},"payload_json":{payload},"prev_hash":{prev},'
        f'"seq":{int.__repr__(document["seq"])},"time":{time},"uscc":{uscc},"v":1}}'
    )


@dataclass
class LockedCard:
    """The head of a card whose append lock this transaction holds; ``append_entry`` moves it."""

    uscc: str
    head_seq: int
    head_hash: str


# The append path runs in every write, so its statements are Core statements built once: ORM
# loading and unit-of-work flushes cost several times SQLite's own work for these rows.
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


def lock_card(session: Session, uscc: str) -> LockedCard:
    """Takes the per-enterprise append lock and returns the card's head."""
    row = session.connection().execute(_LOCK, {"uscc": uscc}).first()
    if row is None:
        raise NotFound("enterprise", uscc)
    return LockedCard(uscc=uscc, head_seq=row[0], head_hash=row[1])


def issue_card(session: Session, uscc: str, *, at: dt.datetime) -> LockedCard:
    """Creates the card of an enterprise registered in this transaction, with no entry yet."""
    session.connection().execute(
        _ISSUE, {"uscc": uscc, "head_seq": 0, "head_hash": GENESIS_HASH, "issue_time": at}
    )
    return LockedCard(uscc=uscc, head_seq=0, head_hash=GENESIS_HASH)


def append_entry(
    session: Session,
    card: LockedCard,
    *,
    kind: EntryKind,
    actor: Principal,
    at: dt.datetime,
    payload: dict[str, Any],
    department_code: str | None = None,
    inspection_id: str | None = None,
) -> CardHead:
    """Appends one entry to a card locked by ``lock_card`` (or issued in this transaction) and
    returns the card's new head."""
    payload_json = canonical_json(payload)
    seq = card.head_seq + 1
    fields: EntryFields = {
        "uscc": card.uscc,
        "seq": seq,
        "kind": kind.value,
        "actor_sub": actor.sub,
        "actor_role": actor.role.value,
        "actor_org": actor.org,
        "department_code": department_code,
        "inspection_id": inspection_id,
        "time": at,
        "payload_json": payload_json,
        "prev_hash": card.head_hash,
    }
    digest = entry_hash(**fields)
    connection = session.connection()
    connection.execute(_INSERT_ENTRY, {**fields, "entry_hash": digest})
    connection.execute(_MOVE_HEAD, {"card": card.uscc, "seq": seq, "digest": digest})
    card.head_seq = seq
    card.head_hash = digest
    session.info.setdefault("appended_cards", set()).add(card.uscc)
    return head_of(card)


def head_of(card: Card | LockedCard) -> CardHead:
    return CardHead(uscc=card.uscc, seq=card.head_seq, entry_hash=card.head_hash)


def get_card(session: Session, uscc: str) -> Card:
    card = session.get(Card, uscc)
    if card is None:
        raise NotFound("enterprise", uscc)
    return card


@dataclass(frozen=True)
class EntryFilter:
    kinds: tuple[str, ...] = ()
    department_code: str = ""
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None

    def as_query(self, uscc: str) -> dict[str, Any]:
        return {
            "uscc": uscc,
            "kinds": sorted(self.kinds),
            "department": self.department_code,
            "start": format_time(self.start_time) if self.start_time else "",
            "end": format_time(self.end_time) if self.end_time else "",
        }


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


_ENTRY_COLUMNS = tuple(col(getattr(CardEntry, name)) for name in EntryRow._fields)


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
    connection: Connection, uscc: str, *, after_seq: int, limit: int, where: EntryFilter = EntryFilter()
) -> list[EntryRow]:
    """Entries with ``seq > after_seq`` in ascending order: an index range scan, whatever the depth.

    Plain rows from a prebuilt statement: building the query and loading ORM objects cost several
    times SQLite's own work for a page, and pages are the most frequent read after GetCard.
    """
    values: dict[str, Any] = {"uscc": uscc, "after": after_seq, "limit": limit}
    if where.kinds:
        values["kinds"] = list(where.kinds)
    if where.department_code:
        values["department"] = where.department_code
    if where.start_time:
        values["start"] = where.start_time
    if where.end_time:
        values["end"] = where.end_time
    query = _entries_query(*(name in values for name in ("kinds", "department", "start", "end")))
    entries = [EntryRow._make(row) for row in connection.execute(query, values).all()]
    # An unknown enterprise is NotFound, not an empty page.
    if not entries and connection.execute(_CARD_EXISTS, {"uscc": uscc}).first() is None:
        raise NotFound("enterprise", uscc)
    return entries


@dataclass(frozen=True)
class Verification:
    valid: bool
    entries_checked: int
    head: CardHead
    first_bad_seq: int = 0
    problem: str = ""


_VERIFY_COLUMNS = (
    col(CardEntry.seq),
    col(CardEntry.kind),
    col(CardEntry.actor_sub),
    col(CardEntry.actor_role),
    col(CardEntry.actor_org),
    col(CardEntry.department_code),
    col(CardEntry.inspection_id),
    col(CardEntry.time),
    col(CardEntry.payload_json),
    col(CardEntry.prev_hash),
    col(CardEntry.entry_hash),
)


def verify_card(session: Session, uscc: str, *, batch: int = 5000) -> Verification:
    """Recomputes the chain from the first entry and reports the first one that does not verify."""
    card = get_card(session, uscc)
    head = head_of(card)
    # Plain rows through the session's connection: ORM row loading would double the cost per entry.
    rows = session.connection().execute(
        select(*_VERIFY_COLUMNS)
        .where(col(CardEntry.uscc) == uscc)
        .order_by(col(CardEntry.seq))
        .execution_options(yield_per=batch)
    )
    return _verify_rows(uscc, head, rows)


def _verify_rows(uscc: str, head: CardHead, rows: Iterable[Any]) -> Verification:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for row in rows:
        seq, kind, sub, role, org, dept, insp, time, payload_json, prev, stored = row
        checked += 1
        if seq != expected_seq:
            return Verification(False, checked, head, expected_seq, f"entry {expected_seq} is missing")
        if prev != expected_prev:
            return Verification(False, checked, head, seq, "prev_hash does not match the previous entry")
        recomputed = entry_hash(
            uscc=uscc,
            seq=seq,
            kind=kind,
            actor_sub=sub,
            actor_role=role,
            actor_org=org,
            department_code=dept,
            inspection_id=insp,
            time=time,
            payload_json=payload_json,
            prev_hash=prev,
        )
        if recomputed != stored:
            return Verification(False, checked, head, seq, "entry_hash does not match the entry's content")
        expected_prev = stored
        expected_seq += 1
    last_seq = expected_seq - 1
    if last_seq != head.seq or expected_prev != head.entry_hash:
        bad = min(last_seq, head.seq) + 1 if last_seq != head.seq else max(last_seq, 1)
        return Verification(False, checked, head, bad, "the card head does not match the last entry")
    return Verification(True, checked, head)


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


def iter_entries(
    connection: Connection, uscc: str, *, after_seq: int, batch: int = 500
) -> Iterator[EntryRow]:
    """All entries after ``after_seq`` in order, fetched a batch at a time."""
    while True:
        page = list_entries(connection, uscc, after_seq=after_seq, limit=batch)
        yield from page
        if len(page) < batch:
            return
        after_seq = page[-1].seq
