"""SQLModel tables of the registry, the card and idempotency records.

Inspection tables live in ``inspection.storage.inspection_models``. Import this module (or
``inspection.storage.all_models``) before using ``SQLModel.metadata``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from inspection.storage.types import UTCDateTime


def _instant(**kwargs: object) -> object:
    return Field(sa_column=Column(UTCDateTime(), **kwargs))  # type: ignore[arg-type]


class Enterprise(SQLModel, table=True):
    """An enterprise under inspection oversight, keyed by its USCC (统一社会信用代码)."""

    uscc: str = Field(primary_key=True, max_length=18)
    name: str
    above_designated_size: bool = False
    industry: str = Field(default="", index=True)
    district: str = Field(default="", index=True)
    credit_class: str = Field(default="B", max_length=1)
    white_listed: bool = False
    create_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    update_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]


class Department(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name: str


class Inspector(SQLModel, table=True):
    """A certified law-enforcement officer of one department (执法人员)."""

    id: str = Field(primary_key=True, max_length=64)
    department_code: str = Field(foreign_key="department.code", index=True)
    name: str
    certificate_number: str = ""
    certificate_expiry: dt.date | None = None
    active: bool = True


class ChecklistItem(SQLModel, table=True):
    """A published checklist item (检查事项) of one department."""

    __tablename__ = "checklist_item"

    code: str = Field(primary_key=True, max_length=64)
    department_code: str = Field(foreign_key="department.code", index=True)
    name: str
    legal_basis: str
    published: bool = True
    #: The documents to prepare for this item, as a JSON list of strings.
    materials_json: str = "[]"


class ProjectKind(SQLModel, table=True):
    """A kind of project an enterprise asks to have accepted (预约验收), and the department the
    catalogue designates to lead its joint acceptance, with the checklist items it usually needs."""

    __tablename__ = "project_kind"

    code: str = Field(primary_key=True, max_length=64)
    name: str
    lead_department: str = Field(foreign_key="department.code")
    #: The checklist items usually accepted, as a JSON list of codes.
    item_codes_json: str = "[]"


class FeeItem(SQLModel, table=True):
    """A line of the fee catalogue (收费清单)."""

    __tablename__ = "fee_item"

    code: str = Field(primary_key=True, max_length=64)
    department_code: str = Field(foreign_key="department.code", index=True)
    name: str
    policy_basis: str
    fee_nature: str
    amount_fen: int
    unit: str
    collecting_unit: str
    valid_from: dt.date
    valid_to: dt.date | None = None


class Recusal(SQLModel, table=True):
    """An inspector–enterprise pair that must never meet (回避)."""

    __table_args__ = (UniqueConstraint("inspector_id", "uscc"),)

    id: int | None = Field(default=None, primary_key=True)
    inspector_id: str = Field(foreign_key="inspector.id", index=True)
    uscc: str = Field(foreign_key="enterprise.uscc", index=True)
    reason: str = ""
    create_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]


class Card(SQLModel, table=True):
    """The head of an enterprise's card; its row is the per-enterprise append lock."""

    uscc: str = Field(primary_key=True, foreign_key="enterprise.uscc", max_length=18)
    head_seq: int = 0
    head_hash: str = ""
    issue_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]


class CardEntry(SQLModel, table=True):
    """One entry of the card (一卡通): append-only and hash-chained."""

    __tablename__ = "card_entry"
    __table_args__ = (
        UniqueConstraint("uscc", "seq", name="uq_card_entry_uscc_seq"),
        Index("ix_card_entry_uscc_kind_seq", "uscc", "kind", "seq"),
        Index("ix_card_entry_inspection", "inspection_id"),
        # Oversight reads recent entries of one kind (refused attempts) across all cards.
        Index("ix_card_entry_kind_time", "kind", "time"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18, foreign_key="card.uscc")
    seq: int
    kind: str = Field(max_length=48)
    actor_sub: str
    actor_role: str
    actor_org: str = ""
    department_code: str | None = None
    inspection_id: str | None = None
    time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    payload_json: str
    prev_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64)


class IdempotencyRecord(SQLModel, table=True):
    """The first response to a mutating call, returned again for a retry with the same request id."""

    __tablename__ = "idempotency_record"

    principal: str = Field(primary_key=True)
    method: str = Field(primary_key=True)
    request_id: str = Field(primary_key=True, max_length=128)
    request_digest: str = Field(max_length=64)
    response: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    create_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]


class TokenRevocation(SQLModel, table=True):
    """A revoked bearer token (``token_id``, its ``jti``), or every token of one principal
    (``subject``, its ``sub``) issued at or before ``revoke_time``."""

    __tablename__ = "token_revocation"

    id: int | None = Field(default=None, primary_key=True)
    token_id: str | None = Field(default=None, max_length=64, index=True)
    subject: str | None = Field(default=None, max_length=64, index=True)
    reason: str = ""
    revoked_by: str = Field(max_length=64)
    revoke_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
