"""Translation between protobuf messages and the domain's registry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

from google.protobuf.timestamp_pb2 import Timestamp
from google.type import date_pb2

from inspection.api import enums
from inspection.domain import registry
from inspection.domain.card import CardHead, EntryRow, row_damage
from inspection.errors import FieldViolation, InvalidArgument, Violations
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import registry_service_pb2 as reg_pb


def credit_from_proto(value: int) -> str:
    """The letter, or "" for unspecified or unknown (which the domain's validation then refuses)."""
    member = enums.CREDIT_CLASSES_MAP.from_proto(value, Violations(), "credit_class")
    return member.value if member else ""


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: The seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of a Timestamp.
_TIMESTAMP_SECONDS = range(-62_135_596_800, 253_402_300_800)


def timestamp(instant: dt.datetime | None) -> Timestamp | None:
    """The instant as a Timestamp (a naive one taken as UTC, as ``Timestamp.FromDatetime`` does).

    The same seconds and nanos as ``FromDatetime`` by integer arithmetic, at a fraction of its
    cost (a page of card entries converts fifty).
    """
    if instant is None:
        return None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    since = instant - _EPOCH
    seconds = since.days * 86_400 + since.seconds
    if seconds not in _TIMESTAMP_SECONDS:  # refused by FromDatetime, with its error
        stamp = Timestamp()
        stamp.FromDatetime(instant)
        return stamp
    return Timestamp(seconds=seconds, nanos=since.microseconds * 1000)


def instant(stamp: Timestamp, present: bool, *, field: str = "time") -> dt.datetime | None:
    """The instant, None when absent; a timestamp outside 0001–9999 or with bad nanos is refused."""
    if not present:
        return None
    try:
        return stamp.ToDatetime(tzinfo=dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidArgument([FieldViolation(field, "is not a valid timestamp")]) from exc


def date(value: dt.date | None) -> date_pb2.Date | None:
    """A day as ``google.type.Date``; None (the field unset) for no day."""
    return None if value is None else date_pb2.Date(year=value.year, month=value.month, day=value.day)


def day(
    violations: Violations, path: str, message: date_pb2.Date, present: bool, *, required: bool = False
) -> dt.date | None:
    """The day a request's ``google.type.Date`` names: unset is None (a violation if ``required``);
    a partial date (year, month or day 0) or an impossible one (31 April) is a violation naming
    ``path``. Every calendar date of the API comes in here."""
    if not present:
        if required:
            violations.add(path, "is required")
        return None
    try:
        return dt.date(message.year, message.month, message.day)
    except ValueError:
        violations.add(
            path, f"is not a calendar day ({message.year:04d}-{message.month:02d}-{message.day:02d})"
        )
        return None


def card_head(head: CardHead) -> common_pb.CardHead:
    return common_pb.CardHead(uscc=head.uscc, seq=head.seq, entry_hash=head.entry_hash)


class EnterpriseValues(Protocol):
    """What an enterprise message is made of: an ``Enterprise`` row or an ``EnterpriseRow``."""

    @property
    def uscc(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def above_designated_size(self) -> bool: ...
    @property
    def industry(self) -> str: ...
    @property
    def district(self) -> str: ...
    @property
    def credit_class(self) -> str: ...
    @property
    def white_listed(self) -> bool: ...
    @property
    def create_time(self) -> dt.datetime: ...
    @property
    def update_time(self) -> dt.datetime: ...


def enterprise(row: EnterpriseValues) -> reg_pb.Enterprise:
    return reg_pb.Enterprise(
        uscc=row.uscc,
        name=row.name,
        above_designated_size=row.above_designated_size,
        industry=row.industry,
        district=row.district,
        credit_class=enums.CREDIT_CLASSES_MAP.to_proto(row.credit_class),
        white_listed=row.white_listed,
        create_time=timestamp(row.create_time),
        update_time=timestamp(row.update_time),
    )


def department(row: registry.Department) -> reg_pb.Department:
    return reg_pb.Department(code=row.code, name=row.name)


def inspector(row: registry.Inspector, *, certified: bool) -> reg_pb.Inspector:
    return reg_pb.Inspector(
        id=row.id,
        department_code=row.department_code,
        name=row.name,
        certificate_number=row.certificate_number,
        certificate_expiry=date(row.certificate_expiry),
        active=row.active,
        certified=certified,
    )


def checklist_item(row: registry.ChecklistItem) -> reg_pb.ChecklistItem:
    return reg_pb.ChecklistItem(
        code=row.code,
        department_code=row.department_code,
        name=row.name,
        legal_basis=row.legal_basis,
        published=row.published,
        materials=registry.materials_of(row),
    )


def project_kind(row: registry.ProjectKind) -> reg_pb.ProjectKind:
    return reg_pb.ProjectKind(
        code=row.code,
        name=row.name,
        lead_department=row.lead_department,
        item_codes=registry.project_kind_items(row),
    )


def fee_item(row: registry.FeeItem) -> reg_pb.FeeItem:
    return reg_pb.FeeItem(
        code=row.code,
        department_code=row.department_code,
        name=row.name,
        policy_basis=row.policy_basis,
        fee_nature=row.fee_nature,
        amount_fen=row.amount_fen,
        unit=row.unit,
        collecting_unit=row.collecting_unit,
        valid_from=date(row.valid_from),
        valid_to=date(row.valid_to),
    )


def recusal(row: registry.Recusal) -> reg_pb.Recusal:
    return reg_pb.Recusal(
        inspector_id=row.inspector_id,
        uscc=row.uscc,
        reason=row.reason,
        create_time=timestamp(row.create_time),
    )


def card_entry(
    row: EntryRow, build: Callable[..., card_pb.CardEntry] = card_pb.CardEntry, *, withheld: bool = False
) -> card_pb.CardEntry:
    """The entry as a message; ``build`` may be a repeated field's ``add``, which builds the message
    in place instead of copying it into the field (a page holds fifty). A stored entry that cannot
    be read as written comes back with what could be read and its ``damage`` named."""
    try:
        values = {
            "uscc": row.uscc,
            "seq": row.seq,
            "kind": enums.ENTRY_KINDS.to_proto(row.kind),
            "actor_sub": row.actor_sub,
            "actor_role": row.actor_role,
            "actor_org": row.actor_org,
            "department_code": row.department_code or "",
            "inspection_id": row.inspection_id or "",
            "time": timestamp(row.time),
            "payload_json": "" if withheld else row.payload_json,
            "prev_hash": row.prev_hash,
            "entry_hash": row.entry_hash,
        }
        if withheld:
            values["payload_withheld"] = True
        # A value of the wrong type fails here, and a failed ``add`` leaves nothing behind.
        return build(**values)
    except (ValueError, TypeError, AttributeError):
        damaged = _damaged_entry(row)
        if withheld:
            damaged.update(payload_json="", payload_withheld=True)
        return build(**damaged)


def _damaged_entry(row: EntryRow) -> dict[str, Any]:
    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    seq = row.seq if isinstance(row.seq, int) and not isinstance(row.seq, bool) else 0
    return {
        "uscc": text(row.uscc),
        "seq": seq if -(2**63) <= seq < 2**63 else 0,
        "actor_sub": text(row.actor_sub),
        "actor_role": text(row.actor_role),
        "actor_org": text(row.actor_org),
        "department_code": text(row.department_code),
        "inspection_id": text(row.inspection_id),
        "payload_json": text(row.payload_json),
        "prev_hash": text(row.prev_hash),
        "entry_hash": text(row.entry_hash),
        "damage": row_damage(row) or "a stored value cannot be read",
    }
