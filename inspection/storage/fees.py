"""The single fee's SQL (一费制, DESIGN §7): catalogue versions, lines, bills, payments, receipts,
and the sums the card summary and the hall's statement read.

Writes use the session the call's transaction owns; the caller holds the enterprise's card lock,
which serializes every change to one enterprise's fees (the unique bill of a payment and the unique
payment reference are the backstop on every database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy import update as sa_update
from sqlmodel import Session, col

from inspection.storage.fee_models import (
    FeeBill,
    FeeBillLine,
    FeeItemVersion,
    FeeLine,
    FeePayment,
    FeeReceipt,
    FeeRefund,
    ReceiptSerial,
)
from inspection.storage.inspection_models import InspectionParticipant
from inspection.storage.models import FeeItem

# --- the catalogue -------------------------------------------------------------------------------


def item(session: Session, code: str) -> FeeItem | None:
    return session.get(FeeItem, code)


def versions(session: Session, item_code: str) -> list[FeeItemVersion]:
    """Every version of one item, oldest first."""
    query = (
        select(FeeItemVersion)
        .where(col(FeeItemVersion.item_code) == item_code)
        .order_by(col(FeeItemVersion.version))
    )
    return list(session.execute(query).scalars())


def versions_from(session: Session, *, department_code: str, before: dt.date) -> list[FeeItemVersion]:
    """Every version that took effect on or before ``before``, by item and version (optionally of
    one department); the domain picks the one in force per item."""
    query = select(FeeItemVersion).where(col(FeeItemVersion.valid_from) <= before)
    if department_code:
        query = query.where(col(FeeItemVersion.department_code) == department_code)
    query = query.order_by(col(FeeItemVersion.item_code), col(FeeItemVersion.version))
    return list(session.execute(query).scalars())


def add(session: Session, row: Any) -> None:
    session.add(row)
    session.flush()


# --- lines and bills -----------------------------------------------------------------------------


def participants(session: Session, inspection_id: str) -> set[str]:
    """The departments that confirmed their part in an inspection."""
    rows = session.execute(
        select(col(InspectionParticipant.department_code)).where(
            col(InspectionParticipant.inspection_id) == inspection_id, col(InspectionParticipant.confirmed)
        )
    )
    return set(rows.scalars())


def line(session: Session, line_id: str) -> FeeLine | None:
    return session.get(FeeLine, line_id)


def lines_of(session: Session, inspection_id: str) -> list[FeeLine]:
    query = (
        select(FeeLine)
        .where(col(FeeLine.inspection_id) == inspection_id)
        .order_by(col(FeeLine.assess_time), col(FeeLine.id))
    )
    return list(session.execute(query).scalars())


def bill(session: Session, bill_id: str) -> FeeBill | None:
    return session.get(FeeBill, bill_id)


def bill_by_payment_code(session: Session, payment_code: str) -> FeeBill | None:
    return session.execute(select(FeeBill).where(col(FeeBill.payment_code) == payment_code)).scalars().first()


def live_bill(session: Session, inspection_id: str) -> FeeBill | None:
    """The inspection's issued or paid bill (at most one is ever live), or None."""
    query = select(FeeBill).where(
        col(FeeBill.inspection_id) == inspection_id, col(FeeBill.state).in_(("ISSUED", "PAID"))
    )
    return session.execute(query).scalars().first()


def last_superseded(session: Session, inspection_id: str) -> FeeBill | None:
    query = (
        select(FeeBill)
        .where(col(FeeBill.inspection_id) == inspection_id, col(FeeBill.state) == "SUPERSEDED")
        .order_by(col(FeeBill.issue_time).desc(), col(FeeBill.id).desc())
    )
    return session.execute(query).scalars().first()


def bill_lines(session: Session, bill_id: str) -> list[tuple[FeeLine, int]]:
    """The lines of a bill with the amount each had when the bill was issued."""
    query = (
        select(FeeLine, col(FeeBillLine.amount_fen))
        .join(FeeBillLine, col(FeeBillLine.line_id) == col(FeeLine.id))
        .where(col(FeeBillLine.bill_id) == bill_id)
        .order_by(col(FeeLine.assess_time), col(FeeLine.id))
    )
    return [(row[0], int(row[1])) for row in session.execute(query).all()]


def set_lines(session: Session, line_ids: Sequence[str], values: dict[str, Any]) -> None:
    if line_ids:
        session.execute(sa_update(FeeLine).where(col(FeeLine.id).in_(list(line_ids))).values(**values))
        session.expire_all()


def update_bill(session: Session, bill_id: str, values: dict[str, Any]) -> None:
    session.execute(sa_update(FeeBill).where(col(FeeBill.id) == bill_id).values(**values))
    session.expire_all()


# --- payments and receipts -----------------------------------------------------------------------


def payment_of_bill(session: Session, bill_id: str) -> FeePayment | None:
    return session.execute(select(FeePayment).where(col(FeePayment.bill_id) == bill_id)).scalars().first()


def payment_by_reference(session: Session, reference: str) -> FeePayment | None:
    query = select(FeePayment).where(col(FeePayment.payment_reference) == reference)
    return session.execute(query).scalars().first()


def update_payment_head(session: Session, payment_id: str, *, seq: int, entry_hash: str) -> None:
    session.execute(
        sa_update(FeePayment)
        .where(col(FeePayment.id) == payment_id)
        .values(card_seq=seq, card_hash=entry_hash)
    )
    session.expire_all()


def receipts_of(session: Session, payment_id: str) -> list[FeeReceipt]:
    query = (
        select(FeeReceipt).where(col(FeeReceipt.payment_id) == payment_id).order_by(col(FeeReceipt.number))
    )
    return list(session.execute(query).scalars())


_NEXT_SERIALS = text(
    "UPDATE fee_receipt_serial SET last_serial = last_serial + :n WHERE code = :code RETURNING last_serial"
)


def take_serials(session: Session, code: str, n: int) -> int:
    """Reserves ``n`` serials under receipt code ``code``; returns the first. The row's update lock
    serializes concurrent payments; a concurrent first insert loses on the key and is retried."""
    last = session.execute(_NEXT_SERIALS, {"code": code, "n": n}).scalar()
    if last is None:
        session.add(ReceiptSerial(code=code, last_serial=n))
        session.flush()
        last = n
    return int(last) - n + 1


def payments_between(session: Session, *, start: dt.datetime, end: dt.datetime) -> list[FeePayment]:
    query = (
        select(FeePayment)
        .where(col(FeePayment.pay_time) >= start, col(FeePayment.pay_time) < end)
        .order_by(col(FeePayment.pay_time), col(FeePayment.id))
    )
    return list(session.execute(query).scalars())


def receipts_between(session: Session, *, start: dt.datetime, end: dt.datetime) -> list[FeeReceipt]:
    query = (
        select(FeeReceipt)
        .where(col(FeeReceipt.issue_time) >= start, col(FeeReceipt.issue_time) < end)
        .order_by(col(FeeReceipt.number))
    )
    return list(session.execute(query).scalars())


# --- refunds -------------------------------------------------------------------------------------


def refund(session: Session, refund_id: str) -> FeeRefund | None:
    return session.get(FeeRefund, refund_id)


def refunds_of_bill(session: Session, bill_id: str) -> list[FeeRefund]:
    query = (
        select(FeeRefund)
        .where(col(FeeRefund.bill_id) == bill_id)
        .order_by(col(FeeRefund.request_time), col(FeeRefund.id))
    )
    return list(session.execute(query).scalars())


def update_refund(session: Session, refund_id: str, values: dict[str, Any]) -> None:
    session.execute(sa_update(FeeRefund).where(col(FeeRefund.id) == refund_id).values(**values))
    session.expire_all()


def add_refunded(session: Session, line_id: str, amount_fen: int) -> None:
    session.execute(
        sa_update(FeeLine)
        .where(col(FeeLine.id) == line_id)
        .values(refunded_fen=col(FeeLine.refunded_fen) + amount_fen)
    )
    session.expire_all()


def refunds_paid_between(session: Session, *, start: dt.datetime, end: dt.datetime) -> list[FeeRefund]:
    query = (
        select(FeeRefund)
        .where(col(FeeRefund.pay_time) >= start, col(FeeRefund.pay_time) < end)
        .order_by(col(FeeRefund.pay_time), col(FeeRefund.id))
    )
    return list(session.execute(query).scalars())
