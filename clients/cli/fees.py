"""``onecard fee assess|void|lines|catalogue``, ``onecard bill show|issue|supersede|pay``,
``onecard refund request|verify|decide|pay|list`` and ``onecard hall statement``: the single fee
(一费制). Amounts are integer fen on the command line and yuan in tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clients import render_fees
from clients.cli.common import (
    Department,
    InspectionId,
    JsonFlag,
    choice_of,
    date_option,
    emit,
    fail,
    handles_errors,
    options_of,
    show,
    wants_json,
)
from clients.cli.directories import fee_app
from clients.facades import (
    BillReader,
    DepartmentClient,
    DirectoryReader,
    EnterpriseClient,
    OfficeClient,
    ServiceHallClient,
)
from clients.render import head as render_head
from inspection.v1 import fee_service_pb2 as fee_pb

bill_app = typer.Typer(
    help="The one bill of an inspection (缴费通知书) and its payment.", no_args_is_help=True
)
refund_app = typer.Typer(help="Refunds (退费): request, verify, decide, pay back.", no_args_is_help=True)
hall_app = typer.Typer(help="The service hall (政务服务大厅): its statement (对账单).", no_args_is_help=True)

BillId = Annotated[str, typer.Argument(help="Bill id.", show_default=False)]
RefundId = Annotated[str, typer.Argument(help="Refund id.", show_default=False)]
Reason = Annotated[str, typer.Option("--reason", help="Why; required.", show_default=False)]


def _refund_change(ctx: typer.Context, json_output: bool, change: fee_pb.RefundChange, done: str) -> None:
    if wants_json(ctx, json_output):
        emit(ctx, True, change, lambda: None)
        return
    show(render_fees.refunds(change.refunds, title=f"Refund {done}"))
    show(render_head(change.card_head))


# --- fee lines -----------------------------------------------------------------------------------


@fee_app.command("catalogue")
@handles_errors
def fee_catalogue(
    ctx: typer.Context,
    as_of: Annotated[
        str, typer.Option("--as-of", help="The catalogue valid on this day (default today).")
    ] = "",
    item: Annotated[str, typer.Option("--item", help="One item; without --as-of, all its versions.")] = "",
    department: Department = "",
    json_output: JsonFlag = False,
) -> None:
    """The published catalogue (收费清单) as valid on a day, or the versions of one item."""
    with options_of(ctx).connect(anonymous=True) as connection:
        rows = DirectoryReader(connection).fee_catalogue(
            as_of=date_option(ctx, as_of, "--as-of") or None, department_code=department, item_code=item
        )
    title = f"Fee catalogue (收费清单) {'as of ' + as_of if as_of else ''}".strip()
    emit(ctx, json_output, rows, lambda: render_fees.catalogue(rows, title=title))


@fee_app.command("assess")
@handles_errors
def fee_assess(
    ctx: typer.Context,
    inspection_id: InspectionId,
    item: Annotated[str, typer.Argument(help="Your department's catalogue item code.", show_default=False)],
    quantity: Annotated[int, typer.Option("--quantity", min=1, help="Units.")] = 1,
    amount_fen: Annotated[int, typer.Option("--amount-fen", min=0, help="Expected amount (must match).")] = 0,
    note: Annotated[str, typer.Option("--note", help="A note on the line.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Assess a fee line: quantity × the item's standard amount valid on the visit day."""
    with options_of(ctx).connect() as connection:
        change = DepartmentClient(connection).assess_fee(
            inspection_id, item, quantity, amount_fen=amount_fen, note=note
        )
    emit(ctx, json_output, change, lambda: render_fees.lines([change.line], title="Fee assessed"))


@fee_app.command("void")
@handles_errors
def fee_void(
    ctx: typer.Context,
    line_id: Annotated[str, typer.Argument(help="The open line.", show_default=False)],
    reason: Reason,
    json_output: JsonFlag = False,
) -> None:
    """Void an open line before the bill is issued."""
    with options_of(ctx).connect() as connection:
        change = DepartmentClient(connection).void_fee_line(line_id, reason)
    emit(ctx, json_output, change, lambda: render_fees.lines([change.line], title="Fee voided"))


@fee_app.command("lines")
@handles_errors
def fee_lines(ctx: typer.Context, inspection_id: InspectionId, json_output: JsonFlag = False) -> None:
    """The fee lines of one inspection, voided ones too."""
    with options_of(ctx).connect() as connection:
        rows = BillReader(connection).fee_lines(inspection_id)
    emit(ctx, json_output, rows, lambda: render_fees.lines(rows, title=f"Fee lines of {inspection_id}"))


# --- the bill ------------------------------------------------------------------------------------


@bill_app.command("show")
@handles_errors
def bill_show(
    ctx: typer.Context,
    bill_id: Annotated[str, typer.Argument(help="Bill id (or use --payment-code).")] = "",
    payment_code: Annotated[str, typer.Option("--payment-code", help="The code on the bill (缴款码).")] = "",
    json_output: JsonFlag = False,
) -> None:
    """A bill with its lines, and its payment and receipts once paid."""
    options = options_of(ctx)
    with options.connect() as connection:
        found = BillReader(connection).get_bill(bill_id, payment_code=payment_code)
    emit(ctx, json_output, found, lambda: render_fees.bill(found, options.zone))


@bill_app.command("issue")
@handles_errors
def bill_issue(ctx: typer.Context, inspection_id: InspectionId, json_output: JsonFlag = False) -> None:
    """As the lead, issue the inspection's one bill (all open lines of every department)."""
    options = options_of(ctx)
    with options.connect() as connection:
        change = DepartmentClient(connection).issue_bill(inspection_id)
    emit(ctx, json_output, change, lambda: render_fees.bill(change.bill, options.zone))


@bill_app.command("supersede")
@handles_errors
def bill_supersede(
    ctx: typer.Context, bill_id: BillId, reason: Reason, json_output: JsonFlag = False
) -> None:
    """Withdraw an issued, unpaid bill for correction; its lines are open again."""
    options = options_of(ctx)
    with options.connect() as connection:
        change = DepartmentClient(connection).supersede_bill(bill_id, reason)
    emit(ctx, json_output, change, lambda: render_fees.bill(change.bill, options.zone))


@bill_app.command("pay")
@handles_errors
def bill_pay(
    ctx: typer.Context,
    bill_id: Annotated[str, typer.Argument(help="Bill id (or use --payment-code).")] = "",
    payment_code: Annotated[str, typer.Option("--payment-code", help="The code on the bill (缴款码).")] = "",
    amount_fen: Annotated[int, typer.Option("--amount-fen", min=1, help="Fen received: the bill total.")] = 0,
    channel: Annotated[
        str, typer.Option("--channel", help="cash, bank-card, qr-code or bank-transfer.")
    ] = "",
    reference: Annotated[str, typer.Option("--reference", help="The channel's payment reference.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """At the hall: record the bill's one payment; prints the receipts (电子票据)."""
    if not amount_fen or not channel or not reference:
        fail("--amount-fen, --channel and --reference are required")
    chosen = choice_of(fee_pb.PaymentChannel, "PAYMENT_CHANNEL_", channel, "--channel")
    options = options_of(ctx)
    with options.connect() as connection:
        change = ServiceHallClient(connection).pay_bill(
            bill_id=bill_id,
            payment_code=payment_code,
            amount_fen=amount_fen,
            channel=chosen,
            payment_reference=reference,
        )
    emit(ctx, json_output, change, lambda: render_fees.bill(change.bill, options.zone))


# --- refunds -------------------------------------------------------------------------------------


@refund_app.command("request")
@handles_errors
def refund_request(
    ctx: typer.Context,
    bill_id: BillId,
    reason: Reason,
    line: Annotated[str, typer.Option("--line", help="One line of the bill (default: the whole bill).")] = "",
    amount_fen: Annotated[int, typer.Option("--amount-fen", min=0, help="Part of the line, in fen.")] = 0,
    json_output: JsonFlag = False,
) -> None:
    """As the enterprise, ask back a paid line (or part of it) or the whole bill."""
    with options_of(ctx).connect() as connection:
        change = EnterpriseClient(connection).request_refund(
            bill_id, reason, line_id=line, amount_fen=amount_fen
        )
    _refund_change(ctx, json_output, change, "requested")


@refund_app.command("verify")
@handles_errors
def refund_verify(
    ctx: typer.Context,
    refund_id: RefundId,
    refuse: Annotated[bool, typer.Option("--refuse", help="Refuse it (a --note is then required).")] = False,
    note: Annotated[str, typer.Option("--note", help="The department's note.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """As the collecting department, verify a requested refund."""
    with options_of(ctx).connect() as connection:
        change = DepartmentClient(connection).verify_refund(refund_id, verified=not refuse, note=note)
    _refund_change(ctx, json_output, change, "refused" if refuse else "verified")


@refund_app.command("decide")
@handles_errors
def refund_decide(
    ctx: typer.Context,
    refund_id: RefundId,
    reject: Annotated[
        bool, typer.Option("--reject", help="Reject it (a --comment is then required).")
    ] = False,
    comment: Annotated[str, typer.Option("--comment", help="The office's comment.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """As either office, approve (or reject) a verified refund; both offices approve it."""
    with options_of(ctx).connect() as connection:
        change = OfficeClient(connection).decide_refund(refund_id, approve=not reject, comment=comment)
    _refund_change(ctx, json_output, change, "decided")


@refund_app.command("pay")
@handles_errors
def refund_pay(
    ctx: typer.Context,
    refund_id: RefundId,
    reference: Annotated[
        str, typer.Option("--reference", help="The channel's reference.", show_default=False)
    ],
    json_output: JsonFlag = False,
) -> None:
    """At the hall, pay an approved refund back."""
    with options_of(ctx).connect() as connection:
        change = ServiceHallClient(connection).pay_refund(refund_id, reference)
    _refund_change(ctx, json_output, change, "paid")


@refund_app.command("list")
@handles_errors
def refund_list(ctx: typer.Context, bill_id: BillId, json_output: JsonFlag = False) -> None:
    """The refunds of one bill."""
    with options_of(ctx).connect() as connection:
        rows = BillReader(connection).refunds(bill_id)
    emit(ctx, json_output, rows, lambda: render_fees.refunds(rows))


# --- the hall's statement ------------------------------------------------------------------------


@hall_app.command("statement")
@handles_errors
def hall_statement(
    ctx: typer.Context,
    date: Annotated[str, typer.Option("--date", help="The day (YYYY-MM-DD, today, …).")] = "today",
    to: Annotated[str, typer.Option("--to", help="Last day of a period (inclusive).")] = "",
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write the statement as CSV here.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """The reconciliation statement (对账单): payments by channel, collecting unit and department."""
    start = date_option(ctx, date, "--date")
    end = date_option(ctx, to, "--to") or None
    with options_of(ctx).connect() as connection:
        found = ServiceHallClient(connection).statement(start, end)
    if csv_file is not None:
        csv_file.write_text(render_fees.statement_csv(found), encoding="utf-8")
    emit(ctx, json_output, found, lambda: render_fees.statement(found))
