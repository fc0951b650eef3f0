"""FeeService: the single fee (一费制, DESIGN §7): catalogue versions, assessing, the one bill, the
one payment at the service hall, the hall's statement."""

from __future__ import annotations

import datetime as dt

import grpc
from sqlmodel import Session

from inspection.api import convert
from inspection.api.base import ServicerBase
from inspection.api.enums import BILL_STATES, CHANNELS, DECISIONS, LINE_STATES, REFUND_STATES
from inspection.domain import fees
from inspection.domain.fees import refunds
from inspection.errors import FieldViolation, InvalidArgument, Violations
from inspection.v1 import fee_service_pb2 as pb
from inspection.v1 import fee_service_pb2_grpc as pb_grpc


def _version(row: fees.FeeItemVersion) -> pb.FeeItemVersion:
    return pb.FeeItemVersion(
        item_code=row.item_code,
        version=row.version,
        department_code=row.department_code,
        name=row.name,
        policy_basis=row.policy_basis,
        fee_nature=row.fee_nature,
        amount_fen=row.amount_fen,
        unit=row.unit,
        collecting_unit=row.collecting_unit,
        valid_from=convert.date(row.valid_from),
        valid_to=convert.date(row.valid_to),
        publish_time=convert.timestamp(row.publish_time),
    )


def _line(row: fees.FeeLine, amount_fen: int | None = None) -> pb.FeeLine:
    return pb.FeeLine(
        id=row.id,
        inspection_id=row.inspection_id,
        uscc=row.uscc,
        department_code=row.department_code,
        item_code=row.item_code,
        item_version=row.item_version,
        item_name=row.item_name,
        unit=row.unit,
        quantity=row.quantity,
        unit_amount_fen=row.unit_amount_fen,
        amount_fen=row.amount_fen if amount_fen is None else amount_fen,
        collecting_unit=row.collecting_unit,
        state=LINE_STATES.to_proto(row.state),
        bill_id=row.bill_id or "",
        note=row.note,
        void_reason=row.void_reason,
        assess_time=convert.timestamp(row.assess_time),
    )


def _bill(view: fees.BillView) -> pb.Bill:
    bill = view.bill
    message = pb.Bill(
        id=bill.id,
        inspection_id=bill.inspection_id,
        uscc=bill.uscc,
        state=BILL_STATES.to_proto(bill.state),
        total_fen=bill.total_fen,
        payment_code=bill.payment_code,
        lines=[_line(line, amount) for line, amount in view.lines],
        supersedes=bill.supersedes or "",
        supersede_reason=bill.supersede_reason,
        issue_time=convert.timestamp(bill.issue_time),
        due_date=convert.date(bill.due_date),
    )
    payment = view.payment
    if payment is not None:
        numbers = {r.collecting_unit: r.number for r in view.receipts}
        message.payment.CopyFrom(
            pb.Payment(
                id=payment.id,
                bill_id=payment.bill_id,
                amount_fen=payment.amount_fen,
                channel=CHANNELS.to_proto(payment.channel),
                payment_reference=payment.payment_reference,
                pay_time=convert.timestamp(payment.pay_time),
                shares=[
                    pb.PaymentShare(
                        department_code=department,
                        collecting_unit=unit,
                        amount_fen=fen,
                        receipt_number=numbers.get(unit, ""),
                    )
                    for department, unit, fen in view.shares
                ],
                receipts=[
                    pb.Receipt(number=r.number, collecting_unit=r.collecting_unit, amount_fen=r.amount_fen)
                    for r in view.receipts
                ],
                paid_by=payment.paid_by,
            )
        )
    return message


def _totals(totals: list[fees.Total]) -> list[pb.StatementTotal]:
    return [pb.StatementTotal(key=t.key, count=t.count, amount_fen=t.amount_fen) for t in totals]


def _refund(row: refunds.FeeRefund) -> pb.Refund:
    return pb.Refund(
        id=row.id,
        bill_id=row.bill_id,
        line_id=row.line_id,
        uscc=row.uscc,
        department_code=row.department_code,
        collecting_unit=row.collecting_unit,
        amount_fen=row.amount_fen,
        reason=row.reason,
        state=REFUND_STATES.to_proto(row.state),
        request_time=convert.timestamp(row.request_time),
        step_due_date=convert.date(row.step_due_date)
        if row.state
        in (refunds.RefundState.REQUESTED, refunds.RefundState.VERIFIED, refunds.RefundState.APPROVED)
        else None,
        late_steps=refunds.late_steps(row),
        note=row.note,
        pay_time=convert.timestamp(row.pay_time),
    )


class FeeServicer(ServicerBase, pb_grpc.FeeServiceServicer):
    # --- the catalogue ---

    def ReviseFeeItem(
        self, request: pb.ReviseFeeItemRequest, context: grpc.ServicerContext
    ) -> pb.FeeItemVersion:
        m = request.item
        violations = Violations()
        revision = fees.Revision(
            item_code=m.item_code,
            name=m.name,
            policy_basis=m.policy_basis,
            fee_nature=m.fee_nature,
            amount_fen=m.amount_fen,
            unit=m.unit,
            collecting_unit=m.collecting_unit,
            valid_from=convert.day(violations, "item.valid_from", m.valid_from, m.HasField("valid_from")),
            valid_to=convert.day(violations, "item.valid_to", m.valid_to, m.HasField("valid_to")),
        )
        now = self.clock.now()
        today = self.calendar.today(now)
        return self.write(
            request,
            pb.FeeItemVersion,
            lambda s: _version(fees.revise_item(s, revision, violations, today=today, now=now)),
        )

    def GetFeeCatalogue(
        self, request: pb.GetFeeCatalogueRequest, context: grpc.ServicerContext
    ) -> pb.GetFeeCatalogueResponse:
        violations = Violations()
        as_of = convert.day(violations, "as_of", request.as_of, request.HasField("as_of"))
        violations.raise_if_any()
        today = self.calendar.today(self.clock.now())

        def work(session: Session) -> pb.GetFeeCatalogueResponse:
            if request.item_code and as_of is None:
                rows = fees.item_history(session, request.item_code)
            else:
                rows = fees.catalogue_as_of(session, as_of or today, department_code=request.department_code)
                if request.item_code:
                    rows = [r for r in rows if r.item_code == request.item_code]
            return pb.GetFeeCatalogueResponse(versions=[_version(r) for r in rows])

        return self.read(work)

    # --- assessing ---

    def AssessFee(self, request: pb.AssessFeeRequest, context: grpc.ServicerContext) -> pb.FeeLineChange:
        assessment = fees.Assessment(
            inspection_id=request.inspection_id,
            item_code=request.item_code,
            quantity=request.quantity,
            amount_fen=request.amount_fen,
            note=request.note,
            description=request.description,
        )

        def work(session: Session) -> pb.FeeLineChange:
            line, head = fees.assess_fee(
                session, assessment, actor=self.call.principal, now=self.clock.now(), calendar=self.calendar
            )
            return pb.FeeLineChange(line=_line(line), card_head=convert.card_head(head))

        return self.write(request, pb.FeeLineChange, work)

    def VoidFeeLine(self, request: pb.VoidFeeLineRequest, context: grpc.ServicerContext) -> pb.FeeLineChange:
        def work(session: Session) -> pb.FeeLineChange:
            line, head = fees.void_line(
                session, request.line_id, request.reason, actor=self.call.principal, now=self.clock.now()
            )
            return pb.FeeLineChange(line=_line(line), card_head=convert.card_head(head))

        return self.write(request, pb.FeeLineChange, work)

    def GetFeeLines(
        self, request: pb.GetFeeLinesRequest, context: grpc.ServicerContext
    ) -> pb.GetFeeLinesResponse:
        def work(session: Session) -> pb.GetFeeLinesResponse:
            rows = fees.lines_of(session, request.inspection_id, viewer=self.call.principal)
            return pb.GetFeeLinesResponse(lines=[_line(r) for r in rows])

        return self.read(work)

    # --- the bill ---

    def IssueBill(self, request: pb.IssueBillRequest, context: grpc.ServicerContext) -> pb.BillChange:
        def work(session: Session) -> pb.BillChange:
            view, head = fees.issue_bill(
                session,
                request.inspection_id,
                actor=self.call.principal,
                now=self.clock.now(),
                calendar=self.calendar,
            )
            return pb.BillChange(bill=_bill(view), card_head=convert.card_head(head))

        return self.write(request, pb.BillChange, work)

    def SupersedeBill(self, request: pb.SupersedeBillRequest, context: grpc.ServicerContext) -> pb.BillChange:
        def work(session: Session) -> pb.BillChange:
            view, head = fees.supersede_bill(
                session, request.bill_id, request.reason, actor=self.call.principal, now=self.clock.now()
            )
            return pb.BillChange(bill=_bill(view), card_head=convert.card_head(head))

        return self.write(request, pb.BillChange, work)

    def GetBill(self, request: pb.GetBillRequest, context: grpc.ServicerContext) -> pb.Bill:
        return self.read(
            lambda s: _bill(
                fees.get_bill(
                    s, bill_id=request.bill_id, payment_code=request.payment_code, viewer=self.call.principal
                )
            )
        )

    # --- the payment ---

    def PayBill(self, request: pb.PayBillRequest, context: grpc.ServicerContext) -> pb.PaymentChange:
        violations = Violations()
        channel = CHANNELS.from_proto(request.channel, violations, "channel", required=True)
        order = fees.PaymentOrder(
            bill_id=request.bill_id,
            payment_code=request.payment_code,
            amount_fen=request.amount_fen,
            channel=channel,
            payment_reference=request.payment_reference,
        )

        def work(session: Session) -> pb.PaymentChange:
            view, head = fees.pay_bill(
                session,
                order,
                Violations(list(violations.items)),
                actor=self.call.principal,
                now=self.clock.now(),
                calendar=self.calendar,
            )
            return pb.PaymentChange(bill=_bill(view), card_head=convert.card_head(head))

        return self.write(request, pb.PaymentChange, work)

    # --- the hall's statement ---

    def GetHallStatement(
        self, request: pb.GetHallStatementRequest, context: grpc.ServicerContext
    ) -> pb.HallStatement:
        violations = Violations()
        start = convert.day(
            violations, "start_date", request.start_date, request.HasField("start_date"), required=True
        )
        end = convert.day(violations, "end_date", request.end_date, request.HasField("end_date")) or start
        violations.raise_if_any()
        assert start is not None and end is not None
        if end < start or (end - start) >= dt.timedelta(days=fees.MAX_STATEMENT_DAYS):
            raise InvalidArgument(
                [
                    FieldViolation(
                        "end_date", f"must be from start_date to {fees.MAX_STATEMENT_DAYS} days after it"
                    )
                ]
            )

        def work(session: Session) -> pb.HallStatement:
            statement = fees.hall_statement(session, start, end, calendar=self.calendar)
            return pb.HallStatement(
                start_date=convert.date(statement.start),
                end_date=convert.date(statement.end),
                payments=statement.payments,
                paid_fen=statement.paid_fen,
                by_channel=_totals(statement.by_channel),
                by_collecting_unit=_totals(statement.by_collecting_unit),
                by_department=_totals(statement.by_department),
                receipts=[
                    pb.Receipt(number=r.number, collecting_unit=r.collecting_unit, amount_fen=r.amount_fen)
                    for r in statement.receipts
                ],
                refunds=statement.refunds,
                refunded_fen=statement.refunded_fen,
            )

        return self.read(work)

    # --- refunds ---

    def RequestRefund(
        self, request: pb.RequestRefundRequest, context: grpc.ServicerContext
    ) -> pb.RefundChange:
        def work(session: Session) -> pb.RefundChange:
            rows, head = refunds.request_refund(
                session,
                bill_id=request.bill_id,
                line_id=request.line_id,
                amount_fen=request.amount_fen,
                reason=request.reason,
                actor=self.call.principal,
                now=self.clock.now(),
                calendar=self.calendar,
            )
            return pb.RefundChange(refunds=[_refund(r) for r in rows], card_head=convert.card_head(head))

        return self.write(request, pb.RefundChange, work)

    def ConfirmRefund(
        self, request: pb.ConfirmRefundRequest, context: grpc.ServicerContext
    ) -> pb.RefundChange:
        def work(session: Session) -> pb.RefundChange:
            row, head = refunds.verify_refund(
                session,
                request.refund_id,
                verified=request.verified,
                note=request.note,
                actor=self.call.principal,
                now=self.clock.now(),
                calendar=self.calendar,
            )
            return pb.RefundChange(refunds=[_refund(row)], card_head=convert.card_head(head))

        return self.write(request, pb.RefundChange, work)

    def DecideRefund(self, request: pb.DecideRefundRequest, context: grpc.ServicerContext) -> pb.RefundChange:
        violations = Violations()
        verdict = DECISIONS.from_proto(request.decision, violations, "decision", required=True)
        violations.raise_if_any()
        assert verdict is not None

        def work(session: Session) -> pb.RefundChange:
            row, head = refunds.decide_refund(
                session,
                request.refund_id,
                verdict=verdict,
                comment=request.comment,
                actor=self.call.principal,
                now=self.clock.now(),
                calendar=self.calendar,
            )
            return pb.RefundChange(refunds=[_refund(row)], card_head=convert.card_head(head))

        return self.write(request, pb.RefundChange, work)

    def PayRefund(self, request: pb.PayRefundRequest, context: grpc.ServicerContext) -> pb.RefundChange:
        def work(session: Session) -> pb.RefundChange:
            row, head = refunds.pay_refund(
                session,
                request.refund_id,
                payment_reference=request.payment_reference,
                actor=self.call.principal,
                now=self.clock.now(),
                calendar=self.calendar,
            )
            return pb.RefundChange(refunds=[_refund(row)], card_head=convert.card_head(head))

        return self.write(request, pb.RefundChange, work)

    def GetBillRefunds(
        self, request: pb.GetBillRefundsRequest, context: grpc.ServicerContext
    ) -> pb.GetBillRefundsResponse:
        def work(session: Session) -> pb.GetBillRefundsResponse:
            rows = refunds.refunds_of(session, request.bill_id, viewer=self.call.principal)
            return pb.GetBillRefundsResponse(refunds=[_refund(r) for r in rows])

        return self.read(work)
