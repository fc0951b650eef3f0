"""An enterprise's compliance officer: its own card and inspections, codes at the door, ratings and
complaints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from clients.connection import Connection
from clients.facades.base import (
    DateInput,
    EnumInput,
    date_message,
    enum_value,
    paged,
    token_claims,
)
from clients.facades.readers import BillReader, CardReader, CodeVerifier, DirectoryReader, InspectionReader
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import fee_service_pb2 as fee_pb
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import registry_service_pb2 as reg_pb


class EnterpriseClient(CardReader, InspectionReader, CodeVerifier, DirectoryReader, BillReader):
    """An enterprise's compliance officer: its own card and inspections, verifying a code on the
    doorstep, rating an inspection, complaining."""

    def __init__(self, connection: Connection, uscc: str | None = None) -> None:
        super().__init__(connection)
        self.uscc = uscc or str(token_claims(connection.token or "").get("org", ""))

    def enterprise(self) -> reg_pb.Enterprise:
        return self.get_enterprise(self.uscc)

    def card(self) -> card_pb.Card:
        return self.get_card(self.uscc)

    def entries(self, **filters: Any) -> Iterator[card_pb.CardEntry]:
        return self.card_entries(self.uscc, **filters)

    def verify(self) -> card_pb.VerifyCardResponse:
        return self.verify_card(self.uscc)

    def watch(self, *, after_seq: int = 0) -> Iterator[card_pb.CardEntry]:
        return self.watch_card(self.uscc, after_seq=after_seq)

    def my_inspections(self, **filters: Any) -> Iterator[insp_pb.Inspection]:
        return self.inspections(uscc=self.uscc, **filters)

    def rate(
        self, inspection_id: str, score: int, comment: str = "", *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.RateInspectionRequest(inspection_id=inspection_id, score=score, comment=comment)
        return self._call(self._inspections.RateInspection, request, insp_pb.InspectionChange, request_id)

    def complain(
        self, text: str, *, inspection_id: str = "", request_id: str | None = None
    ) -> insp_pb.FileComplaintResponse:
        request = insp_pb.FileComplaintRequest(inspection_id=inspection_id, text=text)
        return self._call(self._inspections.FileComplaint, request, insp_pb.FileComplaintResponse, request_id)

    def book_visit(
        self,
        inspection_id: str,
        *,
        day: DateInput,
        half_day: EnumInput,
        reschedule_reason: str = "",
        at_own_request: bool = False,
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """Books (or moves, once, with a reason) the visit of an approved joint check (预约); a quiet
        day only ``at_own_request``."""
        request = insp_pb.BookVisitRequest(
            inspection_id=inspection_id,
            slot=insp_pb.Slot(
                date=date_message(day), half_day=enum_value(insp_pb.HalfDay, "HALF_DAY_", half_day)
            ),
            reschedule_reason=reschedule_reason,
            at_own_request=at_own_request,
        )
        return self._call(self._inspections.BookVisit, request, insp_pb.InspectionChange, request_id)

    def request_acceptance(
        self,
        project: str,
        *,
        departments: list[str],
        window_start: DateInput,
        window_end: DateInput,
        item_codes: list[str] | None = None,
        project_kind: str = "",
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """Asks departments to accept a project together (预约验收): those named, those of the items,
        the catalogue's lead of the kind of project first (else the first named)."""
        request = insp_pb.RequestAcceptanceRequest(
            uscc=self.uscc,
            project=project,
            department_codes=departments,
            item_codes=item_codes or [],
            project_kind=project_kind,
            window_start=date_message(window_start),
            window_end=date_message(window_end),
        )
        return self._call(self._inspections.RequestAcceptance, request, insp_pb.InspectionChange, request_id)

    def project_kinds(self) -> Iterator[reg_pb.ProjectKind]:
        """The catalogue of kinds of project (each with the department that leads its acceptance)."""
        return paged(
            self.connection, self._registry.ListProjectKinds, reg_pb.ListProjectKindsRequest(), "kinds"
        )

    def request_refund(
        self,
        bill_id: str,
        reason: str,
        *,
        line_id: str = "",
        amount_fen: int = 0,
        request_id: str | None = None,
    ) -> fee_pb.RefundChange:
        """Asks back (退费) a paid line, all or ``amount_fen`` of it, or without ``line_id`` the bill."""
        request = fee_pb.RequestRefundRequest(
            bill_id=bill_id, line_id=line_id, amount_fen=amount_fen, reason=reason
        )
        return self._call(self._fees.RequestRefund, request, fee_pb.RefundChange, request_id)
