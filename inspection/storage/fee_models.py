"""SQLModel tables of the single fee (一费制, DESIGN §7): catalogue versions, fee lines, bills,
payments, receipts and refunds.

A catalogue item (``fee_item``) is registered once; what it charges lives in its versions
(``fee_item_version``), each with its own validity and never edited in place.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from inspection.storage.types import UTCDateTime


def _instant(nullable: bool = True) -> object:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class FeeItemVersion(SQLModel, table=True):
    """One published version of a fee catalogue item (收费清单): on a day, the version with the
    latest ``valid_from`` not after it applies, if that day is not after its ``valid_to``."""

    __tablename__ = "fee_item_version"

    item_code: str = Field(primary_key=True, foreign_key="fee_item.code", max_length=64)
    version: int = Field(primary_key=True)
    department_code: str = Field(foreign_key="department.code", index=True)
    name: str
    policy_basis: str
    fee_nature: str
    amount_fen: int
    unit: str
    collecting_unit: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    publish_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]


class FeeLine(SQLModel, table=True):
    """A fee assessed on an inspection by one of its departments: quantity × the standard amount
    of the catalogue version valid on the visit day (收费明细)."""

    __tablename__ = "fee_line"
    __table_args__ = (
        Index("ix_fee_line_inspection", "inspection_id"),
        Index("ix_fee_line_uscc_state", "uscc", "state"),
    )

    id: str = Field(primary_key=True, max_length=40)
    inspection_id: str = Field(foreign_key="inspection.id", max_length=40)
    uscc: str = Field(foreign_key="enterprise.uscc", max_length=18)
    department_code: str = Field(foreign_key="department.code")
    item_code: str = Field(max_length=64)
    item_version: int
    item_name: str
    unit: str
    quantity: int
    unit_amount_fen: int
    amount_fen: int
    collecting_unit: str
    #: OPEN (on no bill yet), BILLED (on the issued bill), VOIDED, PAID.
    state: str = Field(max_length=16)
    bill_id: str | None = Field(default=None, max_length=40)
    note: str = ""
    void_reason: str = ""
    assessed_by: str = Field(max_length=64)
    assess_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    void_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    #: Fen of this line refunded so far.
    refunded_fen: int = 0


class FeeBill(SQLModel, table=True):
    """One bill (缴费通知) of an inspection: its lines frozen at issue, with a payment code (缴款码)."""

    __tablename__ = "fee_bill"
    __table_args__ = (Index("ix_fee_bill_inspection", "inspection_id"),)

    id: str = Field(primary_key=True, max_length=40)
    inspection_id: str = Field(foreign_key="inspection.id", max_length=40)
    uscc: str = Field(foreign_key="enterprise.uscc", max_length=18)
    #: ISSUED, SUPERSEDED, PAID.
    state: str = Field(max_length=16)
    total_fen: int
    payment_code: str = Field(unique=True, max_length=32)
    #: The bill this one corrects (更正), if any.
    supersedes: str | None = Field(default=None, max_length=40)
    supersede_reason: str = ""
    issued_by: str = Field(max_length=64)
    issue_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    due_date: dt.date
    close_time: dt.datetime | None = _instant()  # type: ignore[assignment]


class FeeBillLine(SQLModel, table=True):
    """A line as it stood on a bill when the bill was issued."""

    __tablename__ = "fee_bill_line"

    bill_id: str = Field(primary_key=True, foreign_key="fee_bill.id", max_length=40)
    line_id: str = Field(primary_key=True, foreign_key="fee_line.id", max_length=40)
    amount_fen: int


class FeePayment(SQLModel, table=True):
    """The one payment of a bill at the service hall (大厅统一收费); the unique bill makes a second
    payment impossible on every database, the unique reference makes a retried one findable."""

    __tablename__ = "fee_payment"
    __table_args__ = (Index("ix_fee_payment_time", "pay_time"),)

    id: str = Field(primary_key=True, max_length=40)
    bill_id: str = Field(foreign_key="fee_bill.id", unique=True, max_length=40)
    uscc: str = Field(foreign_key="enterprise.uscc", max_length=18)
    inspection_id: str = Field(max_length=40)
    amount_fen: int
    channel: str = Field(max_length=16)
    payment_reference: str = Field(unique=True, max_length=64)
    paid_by: str = Field(max_length=64)
    pay_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    #: Fen by department, as a JSON object (department code → fen).
    split_json: str
    #: The card head after the payment's entry: a retry by payment reference answers with it.
    card_seq: int = 0
    card_hash: str = Field(default="", max_length=64)


class FeeReceipt(SQLModel, table=True):
    """One electronic receipt (电子票据) of a payment: a collecting unit's share."""

    __tablename__ = "fee_receipt"
    __table_args__ = (UniqueConstraint("payment_id", "collecting_unit"),)

    number: str = Field(primary_key=True, max_length=24)
    payment_id: str = Field(foreign_key="fee_payment.id", max_length=40, index=True)
    collecting_unit: str
    amount_fen: int
    issue_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]


class ReceiptSerial(SQLModel, table=True):
    """The last serial issued under one receipt code (票据代码)."""

    __tablename__ = "fee_receipt_serial"

    code: str = Field(primary_key=True, max_length=8)
    last_serial: int = 0


class FeeRefund(SQLModel, table=True):
    """A refund (退费) of a paid line or bill: requested by the enterprise, verified by the
    collecting department, approved by both offices, paid by the service hall."""

    __tablename__ = "fee_refund"
    __table_args__ = (Index("ix_fee_refund_bill", "bill_id"),)

    id: str = Field(primary_key=True, max_length=40)
    bill_id: str = Field(foreign_key="fee_bill.id", max_length=40)
    line_id: str = Field(foreign_key="fee_line.id", max_length=40)
    uscc: str = Field(foreign_key="enterprise.uscc", max_length=18)
    inspection_id: str = Field(max_length=40)
    department_code: str = Field(foreign_key="department.code")
    collecting_unit: str
    amount_fen: int
    reason: str
    #: REQUESTED, VERIFIED, APPROVED, PAID, REFUSED.
    state: str = Field(max_length=16)
    requested_by: str = Field(max_length=64)
    request_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    step_due_date: dt.date
    verify_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    approve_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    pay_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    #: Steps taken after their due date, as a JSON list (VERIFY, APPROVE, PAY).
    late_steps_json: str = "[]"
    note: str = ""
