"""The one payment of a bill at the service hall (大厅统一收费), with one electronic receipt
(电子票据) per collecting unit."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlmodel import Session

from inspection.auth import Principal
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.domain.card import CardHead, EntryKind
from inspection.domain.fees.bills import BillView, bill_for_change, bill_view, find_bill
from inspection.domain.fees.model import (
    RECEIPT_REGION,
    BillState,
    Channel,
    LineState,
)
from inspection.domain.text import check_identifier
from inspection.errors import (
    FailedPrecondition,
    Violations,
)
from inspection.reasons import Reason
from inspection.storage import fees as stored
from inspection.storage.fee_models import (
    FeePayment,
    FeeReceipt,
)

# --- the one payment at the hall (大厅统一收费) --------------------------------------------------------


@dataclass(frozen=True)
class PaymentOrder:
    bill_id: str
    payment_code: str
    amount_fen: int
    channel: Channel | None
    payment_reference: str


def receipt_number(code: str, serial: int) -> str:
    """``CCCCCCCC-NNNNNNNNNN``: the 8-digit receipt code (票据代码), then the 10-digit serial."""
    return f"{code}-{serial:010d}"


def pay_bill(
    session: Session,
    order: PaymentOrder,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
    calendar: Calendar,
) -> tuple[BillView, CardHead]:
    """Records the one payment of a bill, issues one receipt per collecting unit and marks its
    lines paid. A payment reference already recorded for this very payment returns that payment."""
    check_identifier(violations, "payment_reference", order.payment_reference)
    if order.amount_fen <= 0:
        violations.add("amount_fen", "must be a positive number of fen")
    if order.channel is None and not violations.has("channel"):
        violations.add("channel", "is required")
    found = find_bill(session, order.bill_id, order.payment_code) if not violations else None
    violations.raise_if_any()
    assert found is not None and order.channel is not None
    bill, card = bill_for_change(session, found.id)
    earlier = stored.payment_by_reference(session, order.payment_reference)
    if earlier is not None:
        if (
            earlier.bill_id == bill.id
            and earlier.amount_fen == order.amount_fen
            and earlier.channel == order.channel
        ):
            view = bill_view(session, bill)
            return view, CardHead(uscc=bill.uscc, seq=earlier.card_seq, entry_hash=earlier.card_hash)
        raise FailedPrecondition(
            Reason.PAYMENT_REFERENCE_REUSED,
            f"payment reference {order.payment_reference!r} is already recorded for another payment",
        )
    if bill.state == BillState.PAID:
        raise FailedPrecondition(Reason.BILL_ALREADY_PAID, f"bill {bill.id} is already paid")
    if bill.state != BillState.ISSUED:
        raise FailedPrecondition(
            Reason.BILL_NOT_PAYABLE, f"bill {bill.id} is superseded; pay the bill that corrects it"
        )
    if order.amount_fen != bill.total_fen:
        raise FailedPrecondition(
            Reason.AMOUNT_NOT_BILL_TOTAL,
            f"the bill total is {bill.total_fen} fen; a payment is the whole total, once",
            {"total_fen": str(bill.total_fen)},
        )
    view = bill_view(session, bill)
    units = sorted({unit for _, unit, _ in view.shares})
    code = f"{RECEIPT_REGION}{calendar.local_date(now):%y}"
    first = stored.take_serials(session, code, len(units))
    numbers = {unit: receipt_number(code, first + index) for index, unit in enumerate(units)}
    split: dict[str, int] = {}
    for department, _, fen in view.shares:
        split[department] = split.get(department, 0) + fen
    payment = FeePayment(
        id=f"P{bill.id[1:]}",
        bill_id=bill.id,
        uscc=bill.uscc,
        inspection_id=bill.inspection_id,
        amount_fen=order.amount_fen,
        channel=order.channel.value,
        payment_reference=order.payment_reference,
        paid_by=actor.sub,
        pay_time=now,
        split_json=json.dumps(split, sort_keys=True),
    )
    stored.add(session, payment)
    for unit in units:
        amount = sum(fen for _, u, fen in view.shares if u == unit)
        session.add(
            FeeReceipt(
                number=numbers[unit],
                payment_id=payment.id,
                collecting_unit=unit,
                amount_fen=amount,
                issue_time=now,
            )
        )
    session.flush()
    stored.update_bill(session, bill.id, {"state": BillState.PAID.value, "close_time": now})
    stored.set_lines(session, [line.id for line, _ in view.lines], {"state": LineState.PAID.value})
    head = cards.append_entry(
        session,
        card,
        kind=EntryKind.BILL_PAID,
        actor=actor,
        at=now,
        payload={
            "bill_id": bill.id,
            "payment_id": payment.id,
            "amount_fen": payment.amount_fen,
            "channel": payment.channel,
            "payment_reference": payment.payment_reference,
            "split": [
                {"department": d, "collecting_unit": u, "amount_fen": fen, "receipt_number": numbers[u]}
                for d, u, fen in view.shares
            ],
            "receipts": [{"number": numbers[u], "collecting_unit": u} for u in units],
        },
        inspection_id=bill.inspection_id,
    )
    stored.update_payment_head(session, payment.id, seq=head.seq, entry_hash=head.entry_hash)
    paid = stored.bill(session, bill.id)
    assert paid is not None
    return bill_view(session, paid), head
