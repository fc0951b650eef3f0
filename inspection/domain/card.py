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
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypedDict

from sqlalchemy import Connection
from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain.paging import keyset_page
from inspection.storage import cards as stored

# The row shape a caller reads; storage owns it, the domain and api name it from here.
from inspection.storage.cards import EntryRow as EntryRow

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
    INSPECTION_EXPIRED = "INSPECTION_EXPIRED"
    INSPECTION_CHECKED_IN = "INSPECTION_CHECKED_IN"
    INSPECTION_RESULT_RECORDED = "INSPECTION_RESULT_RECORDED"
    INSPECTION_PUBLISHED = "INSPECTION_PUBLISHED"
    EMERGENCY_STARTED = "EMERGENCY_STARTED"
    EMERGENCY_FILED = "EMERGENCY_FILED"
    FILING_ACKNOWLEDGED = "FILING_ACKNOWLEDGED"
    INSPECTION_RATED = "INSPECTION_RATED"
    COMPLAINT_FILED = "COMPLAINT_FILED"
    JOINT_CHECK_PROPOSED = "JOINT_CHECK_PROPOSED"
    PARTICIPATION_CONFIRMED = "PARTICIPATION_CONFIRMED"
    PARTICIPATION_DECLINED = "PARTICIPATION_DECLINED"
    PART_RECORDED = "PART_RECORDED"
    ACCEPTANCE_RECORDED = "ACCEPTANCE_RECORDED"
    VISIT_BOOKED = "VISIT_BOOKED"
    VISIT_RESCHEDULED = "VISIT_RESCHEDULED"
    RECHECK_SCHEDULED = "RECHECK_SCHEDULED"
    SLOTS_OFFERED = "SLOTS_OFFERED"
    ATTEMPT_REFUSED = "ATTEMPT_REFUSED"
    DRAWN_FOR_INSPECTION = "DRAWN_FOR_INSPECTION"
    DRAWN_INSPECTOR_REPLACED = "DRAWN_INSPECTOR_REPLACED"
    FEE_ASSESSED = "FEE_ASSESSED"
    FEE_VOIDED = "FEE_VOIDED"
    BILL_ISSUED = "BILL_ISSUED"
    BILL_SUPERSEDED = "BILL_SUPERSEDED"
    BILL_PAID = "BILL_PAID"
    REFUND_REQUESTED = "REFUND_REQUESTED"
    REFUND_VERIFIED = "REFUND_VERIFIED"
    REFUND_DECIDED = "REFUND_DECIDED"
    REFUND_APPROVED = "REFUND_APPROVED"
    REFUND_REFUSED = "REFUND_REFUSED"
    REFUND_PAID = "REFUND_PAID"
    ALERT_RAISED = "ALERT_RAISED"
    ALERT_ACKNOWLEDGED = "ALERT_ACKNOWLEDGED"
    ALERT_RESOLVED = "ALERT_RESOLVED"


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


def lock_card(session: Session, uscc: str) -> LockedCard:
    """Takes the enterprise's card append lock for this transaction (NOT_FOUND for no card)."""
    seq, digest = stored.lock_card(session, uscc)
    return LockedCard(uscc=uscc, head_seq=seq, head_hash=digest)


def lock_card_of_inspection(session: Session, inspection_id: str) -> LockedCard | None:
    """The card lock of the enterprise an inspection concerns (None for an unknown inspection)."""
    found = stored.lock_card_of_inspection(session, inspection_id)
    return None if found is None else LockedCard(uscc=found[0], head_seq=found[1], head_hash=found[2])


def issue_card(session: Session, uscc: str, *, at: dt.datetime) -> LockedCard:
    """The card of an enterprise registered in this transaction, with no entry yet."""
    stored.issue_card(session, uscc, head_hash=GENESIS_HASH, at=at)
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
    stored.insert_entry(session, {**fields, "entry_hash": digest})
    card.head_seq = seq
    card.head_hash = digest
    return head_of(card)


def lock_cards(session: Session, usccs: Sequence[str]) -> dict[str, LockedCard]:
    """The append locks of many cards at once (a draw writes to every drawn enterprise's card)."""
    return {
        uscc: LockedCard(uscc=uscc, head_seq=seq, head_hash=digest)
        for uscc, (seq, digest) in stored.lock_cards(session, usccs).items()
    }


@dataclass(frozen=True)
class Append:
    """One entry to append with ``append_entries``."""

    card: LockedCard
    kind: EntryKind
    payload: dict[str, Any]
    department_code: str | None = None
    inspection_id: str | None = None


def append_entries(
    session: Session, appends: Sequence[Append], *, actor: Principal, at: dt.datetime
) -> list[CardHead]:
    """Appends entries to many locked cards in one round trip to the database, each chained exactly
    as ``append_entry`` chains it; returns the heads after each entry."""
    rows, heads = [], []
    for one in appends:
        card = one.card
        fields: EntryFields = {
            "uscc": card.uscc,
            "seq": card.head_seq + 1,
            "kind": one.kind.value,
            "actor_sub": actor.sub,
            "actor_role": actor.role.value,
            "actor_org": actor.org,
            "department_code": one.department_code,
            "inspection_id": one.inspection_id,
            "time": at,
            "payload_json": canonical_json(one.payload),
            "prev_hash": card.head_hash,
        }
        digest = entry_hash(**fields)
        rows.append({**fields, "entry_hash": digest})
        card.head_seq += 1
        card.head_hash = digest
        heads.append(head_of(card))
    stored.insert_appends(session, rows)
    return heads


def head_of(card: LockedCard) -> CardHead:
    return CardHead(uscc=card.uscc, seq=card.head_seq, entry_hash=card.head_hash)


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


@dataclass(frozen=True)
class Verification:
    valid: bool
    entries_checked: int
    head: CardHead
    first_bad_seq: int = 0
    problem: str = ""
    #: With a kept head: whether the card verifies and still holds it, and if not, why.
    extends_kept_head: bool = False
    kept_head_problem: str = ""


_KINDS = frozenset(kind.value for kind in EntryKind)
_TEXT_FIELDS = ("actor_sub", "actor_role", "actor_org", "payload_json", "prev_hash", "entry_hash")


def damage_of(
    seq: Any,
    kind: Any,
    time: Any,
    texts: dict[str, Any],
    optional_texts: dict[str, Any],
) -> str:
    """What makes a stored entry unreadable as written, or "" when it reads: a seq that is not an
    integer, a kind the service does not know, a time that cannot be parsed, text that is not
    text. (A value that reads but was changed is caught by the hash, not here.)"""
    if not isinstance(seq, int) or isinstance(seq, bool):
        return "seq is not an integer"
    if kind not in _KINDS:
        return f"kind {str(kind)[:40]!r} is not a kind of entry"
    if not isinstance(time, dt.datetime):
        return "time cannot be read as an instant"
    for name, value in texts.items():
        if not isinstance(value, str):
            return f"{name} is not text"
    for name, value in optional_texts.items():
        if value is not None and not isinstance(value, str):
            return f"{name} is not text"
    return ""


def row_damage(row: Any) -> str:
    """``damage_of`` for a listed entry (``EntryRow``)."""
    return damage_of(
        row.seq,
        row.kind,
        row.time,
        {name: getattr(row, name) for name in ("uscc", *_TEXT_FIELDS)},
        {"department_code": row.department_code, "inspection_id": row.inspection_id},
    )


def current_head(session: Session, uscc: str) -> CardHead:
    """The card's head as committed (NOT_FOUND for an unknown enterprise)."""
    seq, digest = stored.card_head(session, uscc)
    return CardHead(uscc=uscc, seq=seq, entry_hash=digest)


def verify_card(
    session: Session, uscc: str, *, kept: CardHead | None = None, batch: int = 200
) -> Verification:
    """Recomputes the chain from the first entry and reports the first one that does not verify;
    with a ``kept`` head, also whether the card still extends it. Rows are fetched ``batch`` at a
    time: the driver converts a fetched batch holding the interpreter lock, so small batches let
    cheap calls run in between (the whole card takes as long with 200 as with 5,000)."""
    head = current_head(session, uscc)
    result = _verify_rows(uscc, head, stored.chain_rows(session, uscc, batch=batch), kept)
    if kept is None:
        return result
    return _judge_kept_head(result, kept)


def _judge_kept_head(result: Verification, kept: CardHead) -> Verification:
    problem = ""
    if kept.seq > result.head.seq:
        problem = f"the card ends at entry {result.head.seq}, before the kept entry {kept.seq}"
    elif not result.valid:
        problem = f"the card does not verify (entry {result.first_bad_seq}: {result.problem})"
    elif result.kept_head_problem:
        problem = result.kept_head_problem
    return replace(result, extends_kept_head=not problem, kept_head_problem=problem)


def _verify_rows(
    uscc: str, head: CardHead, rows: Iterable[Any], kept: CardHead | None = None
) -> Verification:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    kept_problem = ""
    for row in rows:
        seq, kind, sub, role, org, dept, insp, time, payload_json, prev, stored_hash = row
        checked += 1
        damage = damage_of(
            seq,
            kind,
            time,
            {
                "actor_sub": sub,
                "actor_role": role,
                "actor_org": org,
                "payload_json": payload_json,
                "prev_hash": prev,
                "entry_hash": stored_hash,
            },
            {"department_code": dept, "inspection_id": insp},
        )
        if damage:
            return Verification(
                False, checked, head, expected_seq, f"entry {expected_seq} cannot be read: {damage}"
            )
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
        if recomputed != stored_hash:
            return Verification(False, checked, head, seq, "entry_hash does not match the entry's content")
        if kept is not None and seq == kept.seq and stored_hash != kept.entry_hash:
            kept_problem = (
                f"entry {seq} now hashes to {stored_hash[:12]}…, not the kept {kept.entry_hash[:12]}…: "
                "history up to it was rewritten"
            )
        expected_prev = stored_hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if last_seq != head.seq or expected_prev != head.entry_hash:
        bad = min(last_seq, head.seq) + 1 if last_seq != head.seq else max(last_seq, 1)
        return Verification(False, checked, head, bad, "the card head does not match the last entry")
    return Verification(True, checked, head, kept_head_problem=kept_problem)


# Watch streams wait on this; storage wakes it after a commit that appended.
NOTIFIER = stored.NOTIFIER


def list_entries(
    connection: Connection, uscc: str, *, after_seq: int, limit: int, where: EntryFilter = EntryFilter()
) -> list[EntryRow]:
    """A page of entries with ``seq > after_seq``, oldest first (NOT_FOUND for an unknown card)."""
    return stored.list_entries(
        connection,
        uscc,
        after_seq=after_seq,
        limit=limit,
        kinds=where.kinds,
        department_code=where.department_code,
        start_time=where.start_time,
        end_time=where.end_time,
    )


def withheld_payloads(connection: Connection, viewer: Principal, rows: Iterable[EntryRow]) -> frozenset[int]:
    """The entries (by seq) whose payload ``viewer`` may not read (DESIGN §2).

    A department reads every card — whom the others inspected and when is what it coordinates
    with — but the payload of an entry of an inspection it takes no part in (its reason,
    inspectors, legal basis, findings) is withheld, as GetInspection refuses that inspection to
    it, and so is the enterprise's own voice (ratings, complaints and the alerts they raised), even
    about the department's own inspections. Offices, the administrator and the enterprise read
    every payload of the cards they may read.
    """
    if viewer.role is not Role.DEPARTMENT:
        return frozenset()
    rows = list(rows)
    voiced = frozenset(row.seq for row in rows if _enterprise_voice(row))
    ids = {row.inspection_id for row in rows if isinstance(row.inspection_id, str) and row.inspection_id}
    if not ids:
        return voiced
    mine = stored.inspections_taken_part_in(connection, viewer.org, ids)
    return voiced | frozenset(
        row.seq for row in rows if row.inspection_id in ids and row.inspection_id not in mine
    )


#: Entries that carry the enterprise's own voice about an inspection: a department never reads
#: them, even of its own inspections — a rating reaches the rated department only as an aggregate.
_VOICE = frozenset({EntryKind.INSPECTION_RATED.value, EntryKind.COMPLAINT_FILED.value})
#: Alerts raised from that voice (their entries repeat the score or the complaint).
_VOICE_ALERTS = frozenset({"LOW_RATING", "COMPLAINT_FILED"})
_ALERT_ENTRIES = frozenset(
    {EntryKind.ALERT_RAISED.value, EntryKind.ALERT_ACKNOWLEDGED.value, EntryKind.ALERT_RESOLVED.value}
)


def _enterprise_voice(row: EntryRow) -> bool:
    if row.kind in _VOICE:
        return True
    if row.kind not in _ALERT_ENTRIES:
        return False
    try:
        payload = json.loads(row.payload_json)
    except ValueError:
        return False
    return isinstance(payload, dict) and payload.get("alert_kind") in _VOICE_ALERTS


def entries_page(
    connection: Connection, uscc: str, *, where: EntryFilter, size: int, token: str
) -> tuple[list[EntryRow], str]:
    """One page of entries in ``seq`` order (keyset by ``seq``, AIP-158), and the next page's token."""
    return keyset_page(
        lambda after, limit: list_entries(connection, uscc, after_seq=after or 0, limit=limit, where=where),
        lambda row: row.seq,
        query=where.as_query(uscc),
        size=size,
        token=token,
        key_type=int,
    )
