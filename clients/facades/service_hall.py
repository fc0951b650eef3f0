"""The service hall: takes the one payment of a bill (大厅统一收费), pays approved refunds back and
reads its day's statement (对账单)."""

from __future__ import annotations

from clients.facades.base import DateInput, EnumInput, date_message, enum_value
from clients.facades.readers import BillReader, DirectoryReader
from inspection.v1 import fee_service_pb2 as fee_pb


class ServiceHallClient(DirectoryReader, BillReader):
    """The service hall (政务服务大厅) that collects the single fee (一费制)."""

    def pay_bill(
        self,
        *,
        amount_fen: int,
        channel: EnumInput,
        payment_reference: str,
        bill_id: str = "",
        payment_code: str = "",
        request_id: str | None = None,
    ) -> fee_pb.PaymentChange:
        """Records the bill's one payment (exactly its total). A retry with the same request id or
        payment reference returns the first payment."""
        if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
            raise TypeError("amount_fen is an integer number of fen")
        request = fee_pb.PayBillRequest(
            bill_id=bill_id,
            payment_code=payment_code,
            amount_fen=amount_fen,
            channel=enum_value(fee_pb.PaymentChannel, "PAYMENT_CHANNEL_", channel),
            payment_reference=payment_reference,
        )
        return self._call(self._fees.PayBill, request, fee_pb.PaymentChange, request_id)

    def pay_refund(
        self, refund_id: str, payment_reference: str, *, request_id: str | None = None
    ) -> fee_pb.RefundChange:
        request = fee_pb.PayRefundRequest(refund_id=refund_id, payment_reference=payment_reference)
        return self._call(self._fees.PayRefund, request, fee_pb.RefundChange, request_id)

    def statement(self, start: DateInput, end: DateInput | None = None) -> fee_pb.HallStatement:
        """The reconciliation statement (对账单) of a day, or of the days ``start`` to ``end``."""
        request = fee_pb.GetHallStatementRequest(start_date=date_message(start), end_date=date_message(end))
        return self._call(self._fees.GetHallStatement, request, fee_pb.HallStatement)
