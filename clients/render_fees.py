"""Tables of the single fee (一费制) for people: the catalogue's versions, fee lines, bills with
their payment and receipts, refunds and the hall's statement; and the statement as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.table import Table

from clients.facades import date_text
from clients.render import _add, _fields, _list, _row, fen, label, when
from inspection.v1 import fee_service_pb2 as fee_pb

__all__ = ["bill", "catalogue", "lines", "refunds", "statement", "statement_csv"]


def catalogue(rows: Iterable[fee_pb.FeeItemVersion], *, title: str) -> Table:
    table = _list(
        title, "code", "version", "department", "name", "standard amount", "collecting unit", "valid"
    )
    for v in rows:
        valid = f"{date_text(v.valid_from)} – {date_text(v.valid_to) or 'open'}"
        _row(
            table,
            v.item_code,
            str(v.version),
            v.department_code,
            v.name,
            f"{fen(v.amount_fen)} / {v.unit}",
            v.collecting_unit,
            valid,
        )
    return table


def lines(rows: Iterable[fee_pb.FeeLine], *, title: str = "Fee lines") -> Table:
    table = _list(title, "id", "department", "item", "quantity", "standard", "amount", "state", "note")
    for line in rows:
        state = label(fee_pb.FeeLineState, "FEE_LINE_STATE_", line.state)
        note = line.void_reason or line.note
        _row(
            table,
            line.id,
            line.department_code,
            f"{line.item_code} v{line.item_version} {line.item_name}",
            f"{line.quantity} {line.unit}",
            fen(line.unit_amount_fen),
            fen(line.amount_fen),
            state,
            note,
        )
    return table


def bill(value: fee_pb.Bill, zone: ZoneInfo) -> RenderableType:
    head = _fields(f"Bill {value.id}")
    _add(head, "inspection", value.inspection_id)
    _add(head, "USCC", value.uscc)
    _add(head, "state", label(fee_pb.BillState, "BILL_STATE_", value.state))
    _add(head, "total", fen(value.total_fen))
    _add(head, "payment code", value.payment_code)
    _add(head, "due", date_text(value.due_date))
    _add(head, "issued", when(value.issue_time, zone))
    _add(head, "supersedes", value.supersedes)
    _add(head, "superseded because", value.supersede_reason)
    parts: list[RenderableType] = [head, lines(value.lines, title="Lines (as issued)")]
    if value.HasField("payment"):
        payment = value.payment
        paid = _fields("Payment")
        _add(paid, "amount", fen(payment.amount_fen))
        _add(paid, "channel", label(fee_pb.PaymentChannel, "PAYMENT_CHANNEL_", payment.channel))
        _add(paid, "reference", payment.payment_reference)
        _add(paid, "time", when(payment.pay_time, zone))
        split = _list("Split by department (电子票据)", "department", "collecting unit", "amount", "receipt")
        for share in payment.shares:
            _row(
                split,
                share.department_code,
                share.collecting_unit,
                fen(share.amount_fen),
                share.receipt_number,
            )
        parts += [paid, split]
    return Group(*parts)


def refunds(rows: Iterable[fee_pb.Refund], *, title: str = "Refunds (退费)") -> Table:
    table = _list(title, "id", "line", "department", "amount", "state", "next step due", "late", "reason")
    for r in rows:
        _row(
            table,
            r.id,
            r.line_id,
            r.department_code,
            fen(r.amount_fen),
            label(fee_pb.RefundState, "REFUND_STATE_", r.state),
            date_text(r.step_due_date),
            ", ".join(r.late_steps),
            r.reason,
        )
    return table


def _totals(title: str, rows: Iterable[fee_pb.StatementTotal]) -> Table:
    table = _list(title, "key", "count", "amount")
    for t in rows:
        _row(table, t.key, str(t.count), fen(t.amount_fen))
    return table


def statement(value: fee_pb.HallStatement) -> RenderableType:
    period = date_text(value.start_date)
    if value.end_date != value.start_date:
        period += f" – {date_text(value.end_date)}"
    head = _fields(f"Hall statement (对账单) {period}")
    _add(head, "payments", str(value.payments))
    _add(head, "paid", fen(value.paid_fen))
    _add(head, "receipts", str(len(value.receipts)))
    _add(head, "refunds paid", f"{value.refunds} ({fen(value.refunded_fen)})")
    return Group(
        head,
        _totals("By channel", value.by_channel),
        _totals("By collecting unit", value.by_collecting_unit),
        _totals("By department", value.by_department),
    )


def statement_csv(value: fee_pb.HallStatement) -> str:
    """One row per total and per receipt: ``section,key,count,amount_fen``; amounts in integer fen."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "count", "amount_fen"])
    writer.writerow(["total", "payments", value.payments, value.paid_fen])
    writer.writerow(["total", "refunds", value.refunds, value.refunded_fen])
    for section, rows in (
        ("channel", value.by_channel),
        ("collecting_unit", value.by_collecting_unit),
        ("department", value.by_department),
    ):
        for t in rows:
            writer.writerow([section, t.key, t.count, t.amount_fen])
    for receipt in value.receipts:
        writer.writerow(["receipt", f"{receipt.number} {receipt.collecting_unit}", 1, receipt.amount_fen])
    return out.getvalue()
