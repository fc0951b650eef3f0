"""Reading, shared by several roles: directories, cards (一卡通), inspections and code verification."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Generator, Iterator, Sequence

import grpc

from clients.errors import ServiceError
from clients.facades.base import (
    WATCH_RESUMES,
    DateInput,
    EnumInput,
    Facade,
    date_message,
    enum_value,
    paged,
)
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import fee_service_pb2 as fee_pb
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import registry_service_pb2 as reg_pb


class DirectoryReader(Facade):
    """The published directories every caller may read: departments, checklist items (检查事项),
    the fee catalogue (收费清单)."""

    def get_department(self, code: str) -> reg_pb.Department:
        return self._call(
            self._registry.GetDepartment, reg_pb.GetDepartmentRequest(code=code), reg_pb.Department
        )

    def departments(self, *, limit: int | None = None) -> Iterator[reg_pb.Department]:
        return paged(
            self.connection,
            self._registry.ListDepartments,
            reg_pb.ListDepartmentsRequest(),
            "departments",
            limit=limit,
        )

    def get_checklist_item(self, code: str) -> reg_pb.ChecklistItem:
        return self._call(
            self._registry.GetChecklistItem, reg_pb.GetChecklistItemRequest(code=code), reg_pb.ChecklistItem
        )

    def checklist_items(
        self, *, department_code: str = "", limit: int | None = None
    ) -> Iterator[reg_pb.ChecklistItem]:
        request = reg_pb.ListChecklistItemsRequest(department_code=department_code)
        return paged(self.connection, self._registry.ListChecklistItems, request, "items", limit=limit)

    def get_fee_item(self, code: str) -> reg_pb.FeeItem:
        return self._call(self._registry.GetFeeItem, reg_pb.GetFeeItemRequest(code=code), reg_pb.FeeItem)

    def fee_catalogue(
        self, *, as_of: DateInput | None = None, department_code: str = "", item_code: str = ""
    ) -> list[fee_pb.FeeItemVersion]:
        """The catalogue (收费清单) as valid on ``as_of`` (default today), or, with ``item_code`` and
        no ``as_of``, every version of that item."""
        request = fee_pb.GetFeeCatalogueRequest(
            as_of=date_message(as_of), department_code=department_code, item_code=item_code
        )
        response = self._call(self._fees.GetFeeCatalogue, request, fee_pb.GetFeeCatalogueResponse)
        return list(response.versions)

    def fee_items(self, *, department_code: str = "", limit: int | None = None) -> Iterator[reg_pb.FeeItem]:
        request = reg_pb.ListFeeItemsRequest(department_code=department_code)
        return paged(self.connection, self._registry.ListFeeItems, request, "items", limit=limit)


class CardReader(Facade):
    """Reading, verifying and watching a card (一卡通): staff read every card, an enterprise its own."""

    def get_enterprise(self, uscc: str) -> reg_pb.Enterprise:
        return self._call(
            self._registry.GetEnterprise, reg_pb.GetEnterpriseRequest(uscc=uscc), reg_pb.Enterprise
        )

    def get_card(self, uscc: str) -> card_pb.Card:
        return self._call(self._cards.GetCard, card_pb.GetCardRequest(uscc=uscc), card_pb.Card)

    def card_entries(
        self,
        uscc: str,
        *,
        kinds: Sequence[EnumInput] = (),
        department_code: str = "",
        start_time: dt.datetime | None = None,
        end_time: dt.datetime | None = None,
        limit: int | None = None,
        page_size: int = 200,
    ) -> Iterator[card_pb.CardEntry]:
        """Entries in ascending ``seq``; ``kinds`` by name (``inspection-requested``) or number."""
        request = card_pb.ListCardEntriesRequest(
            uscc=uscc,
            kinds=[enum_value(card_pb.CardEntryKind, "CARD_ENTRY_KIND_", k) for k in kinds],
            department_code=department_code,
        )
        if start_time is not None:
            request.start_time.FromDatetime(start_time)
        if end_time is not None:
            request.end_time.FromDatetime(end_time)
        return paged(
            self.connection, self._cards.ListCardEntries, request, "entries", limit=limit, page_size=page_size
        )

    def verify_card(
        self, uscc: str, *, kept_head: tuple[int, str] | None = None
    ) -> card_pb.VerifyCardResponse:
        """Recomputes the card's chain on the service; with ``kept_head`` (seq, entry hash) from an
        earlier answer, also whether the card still extends it."""
        request = card_pb.VerifyCardRequest(uscc=uscc)
        if kept_head is not None:
            request.kept_head.seq, request.kept_head.entry_hash = kept_head
        return self._call(self._cards.VerifyCard, request, card_pb.VerifyCardResponse)

    def watch_card(self, uscc: str, *, after_seq: int = 0) -> Generator[card_pb.CardEntry, None, None]:
        """Entries after ``after_seq``, then each new one as it is written, until the caller stops.

        A stream broken by a transient failure is resumed after the last entry received, a
        bounded number of times.
        """
        last = after_seq
        for resume in range(WATCH_RESUMES + 1):
            request = card_pb.WatchCardRequest(uscc=uscc, after_seq=last)
            try:
                for message in self.connection.stream(self._cards.WatchCard, request):
                    if not message.HasField("entry"):  # a heartbeat: the stream is alive and caught up
                        continue
                    yield message.entry
                    last = message.entry.seq
                return
            except ServiceError as error:
                if error.code != grpc.StatusCode.UNAVAILABLE or resume == WATCH_RESUMES:
                    raise
                time.sleep(self.connection.retry.backoff(resume + 1))


class InspectionReader(Facade):
    """Reading inspections, scoped by the server to what the caller may see."""

    def get_inspection(self, inspection_id: str) -> insp_pb.Inspection:
        return self._call(
            self._inspections.GetInspection,
            insp_pb.GetInspectionRequest(inspection_id=inspection_id),
            insp_pb.Inspection,
        )

    def available_slots(
        self, inspection_id: str, *, start: DateInput | None = None, end: DateInput | None = None
    ) -> Iterator[insp_pb.Slot]:
        """The free half-days of an approved joint check's visit, every page."""
        request = insp_pb.ListAvailableSlotsRequest(
            inspection_id=inspection_id, start_date=date_message(start), end_date=date_message(end)
        )
        return paged(self.connection, self._inspections.ListAvailableSlots, request, "slots")

    def inspections(
        self,
        *,
        uscc: str = "",
        department_code: str = "",
        state: EnumInput = 0,
        kind: EnumInput = 0,
        window_start: DateInput | None = None,
        window_end: DateInput | None = None,
        awaiting_my_decision: bool = False,
        limit: int | None = None,
    ) -> Iterator[insp_pb.Inspection]:
        request = insp_pb.ListInspectionsRequest(
            uscc=uscc,
            department_code=department_code,
            state=enum_value(insp_pb.InspectionState, "INSPECTION_STATE_", state),
            kind=enum_value(common_pb.InspectionKind, "INSPECTION_KIND_", kind),
            window_start=date_message(window_start),
            window_end=date_message(window_end),
            awaiting_my_decision=awaiting_my_decision,
        )
        return paged(self.connection, self._inspections.ListInspections, request, "inspections", limit=limit)


class CodeVerifier(Facade):
    """Verifying an inspection code (检查码) on the doorstep: the enterprise, the offices, and
    anyone without a token (who sees the inspectors' names masked)."""

    def verify_code(self, inspection_code: str) -> insp_pb.InspectionCodeVerification:
        """What the code stands for (who, which items, legal basis, approvals, window) and whether
        it is valid today."""
        request = insp_pb.VerifyInspectionCodeRequest(inspection_code=inspection_code)
        return self._call(self._inspections.VerifyInspectionCode, request, insp_pb.InspectionCodeVerification)


class StaffReader(CardReader, InspectionReader, DirectoryReader):
    """What every government role reads: enterprises, inspectors, recusals, cards, inspections."""

    def enterprises(
        self,
        *,
        district: str = "",
        industry: str = "",
        credit_class: EnumInput = 0,
        limit: int | None = None,
    ) -> Iterator[reg_pb.Enterprise]:
        request = reg_pb.ListEnterprisesRequest(
            district=district,
            industry=industry,
            credit_class=enum_value(common_pb.CreditClass, "CREDIT_CLASS_", credit_class),
        )
        return paged(self.connection, self._registry.ListEnterprises, request, "enterprises", limit=limit)

    def get_inspector(self, inspector_id: str) -> reg_pb.Inspector:
        return self._call(
            self._registry.GetInspector, reg_pb.GetInspectorRequest(id=inspector_id), reg_pb.Inspector
        )

    def inspectors(
        self, *, department_code: str = "", limit: int | None = None
    ) -> Iterator[reg_pb.Inspector]:
        request = reg_pb.ListInspectorsRequest(department_code=department_code)
        return paged(self.connection, self._registry.ListInspectors, request, "inspectors", limit=limit)

    def recusals(
        self, *, uscc: str = "", inspector_id: str = "", limit: int | None = None
    ) -> Iterator[reg_pb.Recusal]:
        request = reg_pb.ListRecusalsRequest(uscc=uscc, inspector_id=inspector_id)
        return paged(self.connection, self._registry.ListRecusals, request, "recusals", limit=limit)


class BillReader(Facade):
    """Bills, fee lines and refunds of the single fee (一费制), for those who may read them."""

    def get_bill(self, bill_id: str = "", *, payment_code: str = "") -> fee_pb.Bill:
        """A bill by id or by the payment code (缴款码) on it."""
        request = fee_pb.GetBillRequest(bill_id=bill_id, payment_code=payment_code)
        return self._call(self._fees.GetBill, request, fee_pb.Bill)

    def fee_lines(self, inspection_id: str) -> list[fee_pb.FeeLine]:
        request = fee_pb.GetFeeLinesRequest(inspection_id=inspection_id)
        return list(self._call(self._fees.GetFeeLines, request, fee_pb.GetFeeLinesResponse).lines)

    def refunds(self, bill_id: str) -> list[fee_pb.Refund]:
        request = fee_pb.GetBillRefundsRequest(bill_id=bill_id)
        return list(self._call(self._fees.GetBillRefunds, request, fee_pb.GetBillRefundsResponse).refunds)
