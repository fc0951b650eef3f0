"""The legal affairs office (法制办) and the supervision bureau (监察局): both decide every inspection."""

from __future__ import annotations

from collections.abc import Iterator

from clients.facades.draws import DrawDecider
from clients.facades.oversight import AlertHandler
from clients.facades.readers import CodeVerifier, StaffReader
from inspection.v1 import fee_service_pb2 as fee_pb
from inspection.v1 import inspection_service_pb2 as insp_pb


class OfficeClient(StaffReader, CodeVerifier, DrawDecider, AlertHandler):
    """The legal affairs office (法制办) or the supervision bureau (监察局): both must approve an
    inspection, and both acknowledge an emergency filing."""

    def pending(self, *, limit: int | None = None) -> Iterator[insp_pb.Inspection]:
        """Inspections and filings waiting for this office's decision."""
        return self.inspections(awaiting_my_decision=True, limit=limit)

    def decide(
        self, inspection_id: str, *, approve: bool, comment: str = "", request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.DecideInspectionRequest(
            inspection_id=inspection_id,
            decision=insp_pb.DECISION_APPROVE if approve else insp_pb.DECISION_REJECT,
            comment=comment,
        )
        return self._call(self._inspections.DecideInspection, request, insp_pb.InspectionChange, request_id)

    def approve(
        self, inspection_id: str, comment: str = "", *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        return self.decide(inspection_id, approve=True, comment=comment, request_id=request_id)

    def reject(
        self, inspection_id: str, comment: str, *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        return self.decide(inspection_id, approve=False, comment=comment, request_id=request_id)

    def acknowledge_filing(
        self, inspection_id: str, comment: str = "", *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.AcknowledgeFilingRequest(inspection_id=inspection_id, comment=comment)
        return self._call(self._inspections.AcknowledgeFiling, request, insp_pb.InspectionChange, request_id)

    def decide_refund(
        self, refund_id: str, *, approve: bool, comment: str = "", request_id: str | None = None
    ) -> fee_pb.RefundChange:
        """This office's decision on a verified refund (退费); both offices approve it."""
        request = fee_pb.DecideRefundRequest(
            refund_id=refund_id,
            decision=insp_pb.DECISION_APPROVE if approve else insp_pb.DECISION_REJECT,
            comment=comment,
        )
        return self._call(self._fees.DecideRefund, request, fee_pb.RefundChange, request_id)


class LegalOfficeClient(OfficeClient):
    """The district legal affairs office (法制办)."""


class SupervisionClient(OfficeClient):
    """The supervision bureau (监察局): with the legal office, it acts on oversight alerts."""
