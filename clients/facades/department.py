"""A department: requests, runs and records its own inspections."""

from __future__ import annotations

from collections.abc import Iterable

from clients.facades.base import (
    DateInput,
    EnumInput,
    date_message,
    enum_value,
)
from clients.facades.draws import DrawPlanner
from clients.facades.oversight import AlertReader
from clients.facades.readers import BillReader, StaffReader
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import fee_service_pb2 as fee_pb
from inspection.v1 import inspection_service_pb2 as insp_pb


def _fen(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} is an integer number of fen, not {type(value).__name__}")
    return value


def _result(
    outcome: EnumInput,
    handling: EnumInput,
    findings: str,
    rectification_deadline: DateInput | None,
    penalty_fen: int,
    penalty_basis: str,
) -> common_pb.InspectionResult:
    """A result (or one department's part of one) as the API takes it; a penalty is integer fen."""
    return common_pb.InspectionResult(
        outcome=enum_value(common_pb.Outcome, "OUTCOME_", outcome),
        handling=enum_value(common_pb.Handling, "HANDLING_", handling),
        findings=findings,
        rectification_deadline=date_message(rectification_deadline),
        penalty_fen=_fen(penalty_fen, "penalty_fen"),
        penalty_basis=penalty_basis,
    )


class DepartmentClient(StaffReader, BillReader, DrawPlanner, AlertReader):
    """A department (执法部门): requests, runs and records its own inspections (DESIGN §4)."""

    def request_inspection(
        self,
        uscc: str,
        *,
        kind: EnumInput,
        item_codes: Iterable[str],
        inspector_ids: Iterable[str],
        window_start: DateInput,
        window_end: DateInput,
        legal_basis: str,
        reason: str,
        request_id: str | None = None,
    ) -> insp_pb.RequestInspectionResponse:
        """→ ``REQUESTED``; the response says whether another department's visit overlaps."""
        request = insp_pb.RequestInspectionRequest(
            uscc=uscc,
            kind=enum_value(common_pb.InspectionKind, "INSPECTION_KIND_", kind),
            item_codes=list(item_codes),
            inspector_ids=list(inspector_ids),
            window_start=date_message(window_start),
            window_end=date_message(window_end),
            legal_basis=legal_basis,
            reason=reason,
        )
        return self._call(
            self._inspections.RequestInspection, request, insp_pb.RequestInspectionResponse, request_id
        )

    def propose_joint_check(
        self,
        uscc: str,
        *,
        departments: Iterable[str],
        kind: EnumInput,
        item_codes: Iterable[str],
        inspector_ids: Iterable[str],
        window_start: DateInput,
        window_end: DateInput,
        legal_basis: str,
        reason: str,
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """As the lead, propose a joint check (联合检查) inviting ``departments`` → ``PROPOSED``."""
        request = insp_pb.ProposeJointCheckRequest(
            uscc=uscc,
            kind=enum_value(common_pb.InspectionKind, "INSPECTION_KIND_", kind),
            item_codes=list(item_codes),
            inspector_ids=list(inspector_ids),
            window_start=date_message(window_start),
            window_end=date_message(window_end),
            legal_basis=legal_basis,
            reason=reason,
            department_codes=list(departments),
        )
        return self._call(self._inspections.ProposeJointCheck, request, insp_pb.InspectionChange, request_id)

    def confirm_participation(
        self,
        inspection_id: str,
        *,
        item_codes: Iterable[str],
        inspector_ids: Iterable[str],
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """Take part in a joint check with this department's own items and inspectors."""
        request = insp_pb.ConfirmParticipationRequest(
            inspection_id=inspection_id, item_codes=list(item_codes), inspector_ids=list(inspector_ids)
        )
        return self._call(
            self._inspections.ConfirmParticipation, request, insp_pb.InspectionChange, request_id
        )

    def decline_participation(
        self, inspection_id: str, reason: str, *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.DeclineParticipationRequest(inspection_id=inspection_id, reason=reason)
        return self._call(
            self._inspections.DeclineParticipation, request, insp_pb.InspectionChange, request_id
        )

    def offer_slots(
        self,
        inspection_id: str,
        slots: Iterable[tuple[DateInput, EnumInput]],
        *,
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """As the lead, offer candidate half-days for an approved joint check's visit."""
        request = insp_pb.OfferSlotsRequest(
            inspection_id=inspection_id,
            slots=[
                insp_pb.Slot(date=date_message(day), half_day=enum_value(insp_pb.HalfDay, "HALF_DAY_", half))
                for day, half in slots
            ],
        )
        return self._call(self._inspections.OfferSlots, request, insp_pb.InspectionChange, request_id)

    def cancel_inspection(
        self, inspection_id: str, reason: str, *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.CancelInspectionRequest(inspection_id=inspection_id, reason=reason)
        return self._call(self._inspections.CancelInspection, request, insp_pb.InspectionChange, request_id)

    def check_in(
        self, inspection_code: str, inspector_ids: Iterable[str], *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        """Presents the inspection code (检查码) and the inspectors on site → ``IN_PROGRESS``."""
        request = insp_pb.CheckInRequest(inspection_code=inspection_code, inspector_ids=list(inspector_ids))
        return self._call(self._inspections.CheckIn, request, insp_pb.InspectionChange, request_id)

    def record_result(
        self,
        inspection_id: str,
        *,
        outcome: EnumInput,
        handling: EnumInput = "none",
        findings: str = "",
        rectification_deadline: DateInput | None = None,
        penalty_fen: int = 0,
        penalty_basis: str = "",
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """Findings, outcome and handling (处理) → ``COMPLETED``; a penalty is integer fen."""
        result = _result(outcome, handling, findings, rectification_deadline, penalty_fen, penalty_basis)
        request = insp_pb.RecordResultRequest(inspection_id=inspection_id, result=result)
        return self._call(self._inspections.RecordResult, request, insp_pb.InspectionChange, request_id)

    def record_part(
        self,
        inspection_id: str,
        *,
        outcome: EnumInput,
        handling: EnumInput = "none",
        findings: str = "",
        rectification_deadline: DateInput | None = None,
        penalty_fen: int = 0,
        penalty_basis: str = "",
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """This department's part of a joint check's result (its own items)."""
        result = _result(outcome, handling, findings, rectification_deadline, penalty_fen, penalty_basis)
        request = insp_pb.RecordPartRequest(inspection_id=inspection_id, result=result)
        return self._call(self._inspections.RecordPart, request, insp_pb.InspectionChange, request_id)

    def record_acceptance(
        self,
        inspection_id: str,
        *,
        verdict: EnumInput,
        opinion: str = "",
        rectification_deadline: DateInput | None = None,
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """As the lead, the unified acceptance (统一验收) once every part is in → ``COMPLETED``."""
        request = insp_pb.RecordAcceptanceRequest(
            inspection_id=inspection_id,
            verdict=enum_value(insp_pb.AcceptanceVerdict, "ACCEPTANCE_VERDICT_", verdict),
            opinion=opinion,
            rectification_deadline=date_message(rectification_deadline),
        )
        return self._call(self._inspections.RecordAcceptance, request, insp_pb.InspectionChange, request_id)

    def publish_result(
        self, inspection_id: str, *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        """Publishes a completed result on the public feed (一公开) → ``PUBLISHED``."""
        request = insp_pb.PublishResultRequest(inspection_id=inspection_id)
        return self._call(self._inspections.PublishResult, request, insp_pb.InspectionChange, request_id)

    def start_emergency(
        self,
        uscc: str,
        *,
        reason: str,
        item_codes: Iterable[str],
        inspector_ids: Iterable[str],
        legal_basis: str,
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """An emergency concerning life or property safety → ``IN_PROGRESS`` at once, to be filed
        with both offices afterwards (事后登记备案)."""
        request = insp_pb.StartEmergencyInspectionRequest(
            uscc=uscc,
            reason=reason,
            item_codes=list(item_codes),
            inspector_ids=list(inspector_ids),
            legal_basis=legal_basis,
        )
        return self._call(
            self._inspections.StartEmergencyInspection, request, insp_pb.InspectionChange, request_id
        )

    def file_emergency(
        self, inspection_id: str, report: str, *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.FileEmergencyInspectionRequest(inspection_id=inspection_id, report=report)
        return self._call(
            self._inspections.FileEmergencyInspection, request, insp_pb.InspectionChange, request_id
        )

    # --- the single fee (一费制) ---

    def assess_fee(
        self,
        inspection_id: str,
        item_code: str,
        quantity: int,
        *,
        amount_fen: int = 0,
        note: str = "",
        request_id: str | None = None,
    ) -> fee_pb.FeeLineChange:
        """A fee line from this department's own catalogue item valid on the visit day; the amount
        is quantity × standard (``amount_fen``, if given, must equal it)."""
        request = fee_pb.AssessFeeRequest(
            inspection_id=inspection_id,
            item_code=item_code,
            quantity=_fen(quantity, "quantity"),
            amount_fen=_fen(amount_fen, "amount_fen"),
            note=note,
        )
        return self._call(self._fees.AssessFee, request, fee_pb.FeeLineChange, request_id)

    def void_fee_line(
        self, line_id: str, reason: str, *, request_id: str | None = None
    ) -> fee_pb.FeeLineChange:
        request = fee_pb.VoidFeeLineRequest(line_id=line_id, reason=reason)
        return self._call(self._fees.VoidFeeLine, request, fee_pb.FeeLineChange, request_id)

    def issue_bill(self, inspection_id: str, *, request_id: str | None = None) -> fee_pb.BillChange:
        """As the lead, the inspection's one bill: every open line of every department."""
        request = fee_pb.IssueBillRequest(inspection_id=inspection_id)
        return self._call(self._fees.IssueBill, request, fee_pb.BillChange, request_id)

    def supersede_bill(
        self, bill_id: str, reason: str, *, request_id: str | None = None
    ) -> fee_pb.BillChange:
        request = fee_pb.SupersedeBillRequest(bill_id=bill_id, reason=reason)
        return self._call(self._fees.SupersedeBill, request, fee_pb.BillChange, request_id)

    def verify_refund(
        self, refund_id: str, *, verified: bool = True, note: str = "", request_id: str | None = None
    ) -> fee_pb.RefundChange:
        """As the collecting department, verify a requested refund (or refuse it with a note)."""
        request = fee_pb.ConfirmRefundRequest(refund_id=refund_id, verified=verified, note=note)
        return self._call(self._fees.ConfirmRefund, request, fee_pb.RefundChange, request_id)
