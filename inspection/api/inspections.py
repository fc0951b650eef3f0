"""InspectionService and PublicService: translate protobuf to the inspection domain and back."""

from __future__ import annotations

import enum
from typing import Any

import grpc
from sqlmodel import Session

from inspection.api import convert
from inspection.api import inspection_convert as ic
from inspection.api.base import ServicerBase
from inspection.api.enums import ACCEPTANCES, DECISIONS, HALF_DAYS, HANDLINGS, KINDS, OUTCOMES, STATES
from inspection.api.statistics import rating, share
from inspection.auth import Principal, Role
from inspection.domain import inspections as domain
from inspection.domain import statistics
from inspection.domain.card import CardHead
from inspection.domain.inspections import InspectionView, appointment, joint
from inspection.errors import Violations
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import inspection_service_pb2_grpc as pb_grpc
from inspection.v1 import public_service_pb2 as public_pb
from inspection.v1 import public_service_pb2_grpc as public_grpc


def _sees_code(view: InspectionView, viewer: Principal) -> bool:
    """The code is for the requesting department to carry and for the offices; the enterprise
    verifies the code it is shown, it is not given one."""
    if viewer.role in (Role.LEGAL_OFFICE, Role.SUPERVISION):
        return True
    return viewer.role is Role.DEPARTMENT and viewer.org == view.inspection.lead_department


def _value(member: enum.StrEnum | None) -> str:
    """A domain enum member as the domain's text; "" for unset (the domain says if it is required)."""
    return member.value if member is not None else ""


class InspectionServicer(ServicerBase, pb_grpc.InspectionServiceServicer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rules = domain.Rules.from_settings(self.settings)

    def _view(self, view: InspectionView) -> pb.Inspection:
        viewer = self.call.principal
        return ic.inspection(
            view,
            show_code=_sees_code(view, viewer),
            mask_names=viewer.role is Role.PUBLIC,
            now=self.clock.now(),
            show_rating=viewer.role is not Role.DEPARTMENT,
        )

    def _change(self, result: tuple[InspectionView, CardHead]) -> pb.InspectionChange:
        view, head = result
        return pb.InspectionChange(inspection=self._view(view), card_head=convert.card_head(head))

    def RequestInspection(
        self, request: pb.RequestInspectionRequest, context: grpc.ServicerContext
    ) -> pb.RequestInspectionResponse:
        violations = Violations()
        ask = _inspection_request(request, violations)

        def work(session: Session) -> pb.RequestInspectionResponse:
            view, head, overlaps = domain.request_inspection(
                session, self.rules, ask, violations, actor=self.call.principal, now=self.clock.now()
            )
            return pb.RequestInspectionResponse(
                inspection=self._view(view),
                card_head=convert.card_head(head),
                overlaps=[
                    pb.OverlapNotice(
                        inspection_id=o.inspection_id,
                        department_code=o.department_code,
                        window_start=convert.date(o.window_start),
                        window_end=convert.date(o.window_end),
                    )
                    for o in overlaps
                ],
                joint_check_suggested=bool(overlaps),
            )

        return self.write(request, pb.RequestInspectionResponse, work)

    def DecideInspection(
        self, request: pb.DecideInspectionRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        violations = Violations()
        decision = _value(DECISIONS.from_proto(request.decision, violations, "decision"))
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                domain.decide_inspection(
                    s,
                    self.rules,
                    request.inspection_id,
                    decision,
                    request.comment,
                    violations,
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def ProposeJointCheck(
        self, request: pb.ProposeJointCheckRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        violations = Violations()
        proposal = joint.JointCheckProposal(
            request=_inspection_request(request, violations),
            department_codes=tuple(request.department_codes),
            merge_inspection_ids=tuple(request.merge_inspection_ids),
        )
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                joint.propose_joint_check(
                    s, self.rules, proposal, violations, actor=self.call.principal, now=self.clock.now()
                )
            ),
        )

    def RequestAcceptance(
        self, request: pb.RequestAcceptanceRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        violations = Violations()
        ask = joint.AcceptanceRequest(
            uscc=request.uscc,
            project=request.project,
            department_codes=tuple(request.department_codes),
            item_codes=tuple(request.item_codes),
            project_kind=request.project_kind,
            window_start=convert.day(
                violations,
                "window_start",
                request.window_start,
                request.HasField("window_start"),
                required=True,
            ),
            window_end=convert.day(
                violations, "window_end", request.window_end, request.HasField("window_end"), required=True
            ),
        )
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                joint.request_acceptance(
                    s, self.rules, ask, violations, actor=self.call.principal, now=self.clock.now()
                )
            ),
        )

    def ConfirmParticipation(
        self, request: pb.ConfirmParticipationRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                joint.confirm_participation(
                    s,
                    self.rules,
                    request.inspection_id,
                    tuple(request.item_codes),
                    tuple(request.inspector_ids),
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def DeclineParticipation(
        self, request: pb.DeclineParticipationRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                joint.decline_participation(
                    s,
                    self.rules,
                    request.inspection_id,
                    request.reason,
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def RecordPart(self, request: pb.RecordPartRequest, context: grpc.ServicerContext) -> pb.InspectionChange:
        violations = Violations()
        part = _result(request.result, violations)
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                joint.record_part(
                    s,
                    self.rules,
                    request.inspection_id,
                    part,
                    violations,
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def RecordAcceptance(
        self, request: pb.RecordAcceptanceRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        violations = Violations()
        acceptance = joint.AcceptanceRecord(
            verdict=_value(ACCEPTANCES.from_proto(request.verdict, violations, "verdict", required=True)),
            opinion=request.opinion,
            rectification_deadline=convert.day(
                violations,
                "rectification_deadline",
                request.rectification_deadline,
                request.HasField("rectification_deadline"),
            ),
        )
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                joint.record_acceptance(
                    s,
                    self.rules,
                    request.inspection_id,
                    acceptance,
                    violations,
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def ListAvailableSlots(
        self, request: pb.ListAvailableSlotsRequest, context: grpc.ServicerContext
    ) -> pb.ListAvailableSlotsResponse:
        violations = Violations()
        start = convert.day(violations, "start_date", request.start_date, request.HasField("start_date"))
        end = convert.day(violations, "end_date", request.end_date, request.HasField("end_date"))
        violations.raise_if_any()

        def work(session: Session) -> pb.ListAvailableSlotsResponse:
            free, token = appointment.available_slots(
                session,
                self.rules,
                request.inspection_id,
                start,
                end,
                viewer=self.call.principal,
                now=self.clock.now(),
                size=request.page_size,
                token=request.page_token,
                quiet_days=request.include_quiet_days,
            )
            return pb.ListAvailableSlotsResponse(
                slots=[
                    pb.Slot(date=convert.date(day), half_day=HALF_DAYS.to_proto(half)) for day, half in free
                ],
                next_page_token=token,
            )

        return self.read(work)

    def BookVisit(self, request: pb.BookVisitRequest, context: grpc.ServicerContext) -> pb.InspectionChange:
        violations = Violations()
        slot = request.slot
        day = convert.day(violations, "slot.date", slot.date, slot.HasField("date"), required=True)
        half = HALF_DAYS.from_proto(slot.half_day, violations, "slot.half_day", required=True)
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                appointment.book_visit(
                    s,
                    self.rules,
                    request.inspection_id,
                    day,
                    half.value if half is not None else "",
                    request.reschedule_reason,
                    violations,
                    actor=self.call.principal,
                    now=self.clock.now(),
                    own_request=request.at_own_request,
                )
            ),
        )

    def OfferSlots(self, request: pb.OfferSlotsRequest, context: grpc.ServicerContext) -> pb.InspectionChange:
        violations = Violations()
        slots = []
        for index, slot in enumerate(request.slots):
            day = convert.day(
                violations, f"slots[{index}].date", slot.date, slot.HasField("date"), required=True
            )
            half = HALF_DAYS.from_proto(slot.half_day, violations, f"slots[{index}].half_day", required=True)
            slots.append((day, half.value if half is not None else ""))
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                appointment.offer_slots(
                    s,
                    self.rules,
                    request.inspection_id,
                    slots,
                    violations,
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def CancelInspection(
        self, request: pb.CancelInspectionRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                domain.cancel_inspection(
                    s,
                    request.inspection_id,
                    request.reason,
                    Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def VerifyInspectionCode(
        self, request: pb.VerifyInspectionCodeRequest, context: grpc.ServicerContext
    ) -> pb.InspectionCodeVerification:
        def work(session: Session) -> pb.InspectionCodeVerification:
            result = domain.verify_code(
                session, self.rules, request.inspection_code, viewer=self.call.principal, now=self.clock.now()
            )
            return pb.InspectionCodeVerification(
                valid=result.valid,
                reason=result.reason,
                explanation=result.explanation,
                inspection=ic.inspection(
                    result.view,
                    show_code=False,
                    mask_names=self.call.principal.role is Role.PUBLIC,
                    now=self.clock.now(),
                    show_rating=self.call.principal.role is not Role.DEPARTMENT,
                ),
            )

        return self.read(work)

    def CheckIn(self, request: pb.CheckInRequest, context: grpc.ServicerContext) -> pb.InspectionChange:
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                domain.check_in(
                    s,
                    self.rules,
                    request.inspection_code,
                    list(request.inspector_ids),
                    Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def RecordResult(
        self, request: pb.RecordResultRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        violations = Violations()
        result = _result(request.result, violations)
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                domain.record_result(
                    s,
                    self.rules,
                    request.inspection_id,
                    result,
                    violations,
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def PublishResult(
        self, request: pb.PublishResultRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                domain.publish_result(
                    s, request.inspection_id, Violations(), actor=self.call.principal, now=self.clock.now()
                )
            ),
        )

    def StartEmergencyInspection(
        self, request: pb.StartEmergencyInspectionRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                domain.start_emergency(
                    s,
                    self.rules,
                    uscc=request.uscc,
                    item_codes=list(request.item_codes),
                    legal_basis=request.legal_basis,
                    reason=request.reason,
                    inspector_ids=list(request.inspector_ids),
                    violations=Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def FileEmergencyInspection(
        self, request: pb.FileEmergencyInspectionRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                domain.file_emergency(
                    s,
                    self.rules,
                    request.inspection_id,
                    request.report,
                    Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def AcknowledgeFiling(
        self, request: pb.AcknowledgeFilingRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                domain.acknowledge_filing(
                    s,
                    self.rules,
                    request.inspection_id,
                    request.comment,
                    Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def RateInspection(
        self, request: pb.RateInspectionRequest, context: grpc.ServicerContext
    ) -> pb.InspectionChange:
        return self.write(
            request,
            pb.InspectionChange,
            lambda s: self._change(
                domain.rate_inspection(
                    s,
                    request.inspection_id,
                    request.score,
                    request.comment,
                    Violations(),
                    actor=self.call.principal,
                    now=self.clock.now(),
                )
            ),
        )

    def FileComplaint(
        self, request: pb.FileComplaintRequest, context: grpc.ServicerContext
    ) -> pb.FileComplaintResponse:
        def work(session: Session) -> pb.FileComplaintResponse:
            complaint_id, head = domain.file_complaint(
                session,
                self.rules,
                request.inspection_id,
                request.text,
                Violations(),
                actor=self.call.principal,
                now=self.clock.now(),
            )
            return pb.FileComplaintResponse(complaint_id=complaint_id, card_head=convert.card_head(head))

        return self.write(request, pb.FileComplaintResponse, work)

    def GetInspection(self, request: pb.GetInspectionRequest, context: grpc.ServicerContext) -> pb.Inspection:
        return self.read(
            lambda s: self._view(domain.get_inspection(s, request.inspection_id, viewer=self.call.principal))
        )

    def ListInspections(
        self, request: pb.ListInspectionsRequest, context: grpc.ServicerContext
    ) -> pb.ListInspectionsResponse:
        violations = Violations()
        query = domain.InspectionQuery(
            uscc=request.uscc,
            department_code=request.department_code,
            state=_value(STATES.from_proto(request.state, violations, "state")),
            kind=_value(KINDS.from_proto(request.kind, violations, "kind")),
            window_start=convert.day(
                violations, "window_start", request.window_start, request.HasField("window_start")
            ),
            window_end=convert.day(
                violations, "window_end", request.window_end, request.HasField("window_end")
            ),
            awaiting_my_decision=request.awaiting_my_decision,
        )
        violations.raise_if_any()

        def work(session: Session) -> pb.ListInspectionsResponse:
            views, token = domain.list_inspections(
                session, query, viewer=self.call.principal, size=request.page_size, token=request.page_token
            )
            return pb.ListInspectionsResponse(
                inspections=[self._view(v) for v in views], next_page_token=token
            )

        return self.read(work)


class PublicServicer(ServicerBase, public_grpc.PublicServiceServicer):
    def ListPublishedResults(
        self, request: public_pb.ListPublishedResultsRequest, context: grpc.ServicerContext
    ) -> public_pb.ListPublishedResultsResponse:
        def work(session: Session) -> public_pb.ListPublishedResultsResponse:
            views, token = domain.list_published(
                session,
                uscc=request.uscc,
                department_code=request.department_code,
                size=request.page_size,
                token=request.page_token,
            )
            return public_pb.ListPublishedResultsResponse(
                results=[ic.published(v) for v in views], next_page_token=token
            )

        return self.read(work)

    def GetDashboard(
        self, request: public_pb.GetDashboardRequest, context: grpc.ServicerContext
    ) -> public_pb.Dashboard:
        now = self.clock.now()

        def work(session: Session) -> public_pb.Dashboard:
            rows = statistics.dashboard(session, request.year, now=now, calendar=self.calendar)
            return public_pb.Dashboard(
                year=request.year,
                rows=[
                    public_pb.DashboardRow(
                        department_code=r.department_code,
                        department_name=r.department_name,
                        month=r.month,
                        inspections=r.inspections,
                        joint=share(r.joint),
                        drawn=share(r.drawn),
                        published_on_time=share(r.published_on_time),
                        rating=rating(r.rating),
                    )
                    for r in rows
                ],
                compute_time=convert.timestamp(now),
            )

        return self.read(work)


def _inspection_request(
    request: pb.RequestInspectionRequest | pb.ProposeJointCheckRequest, violations: Violations
) -> domain.InspectionRequest:
    """The domain's request from a RequestInspection or a ProposeJointCheck (the lead's part)."""
    return domain.InspectionRequest(
        uscc=request.uscc,
        kind=_value(KINDS.from_proto(request.kind, violations, "kind")),
        item_codes=tuple(request.item_codes),
        legal_basis=request.legal_basis,
        reason=request.reason,
        window_start=convert.day(
            violations, "window_start", request.window_start, request.HasField("window_start"), required=True
        ),
        window_end=convert.day(
            violations, "window_end", request.window_end, request.HasField("window_end"), required=True
        ),
        inspector_ids=tuple(request.inspector_ids),
    )


def _result(message: common_pb.InspectionResult, violations: Violations) -> domain.Result:
    """The domain's result from the API's (RecordResult, or one department's part)."""
    return domain.Result(
        outcome=_value(OUTCOMES.from_proto(message.outcome, violations, "result.outcome")),
        findings=message.findings,
        handling=_value(HANDLINGS.from_proto(message.handling, violations, "result.handling")),
        rectification_deadline=convert.day(
            violations,
            "result.rectification_deadline",
            message.rectification_deadline,
            message.HasField("rectification_deadline"),
        ),
        penalty_fen=message.penalty_fen,
        penalty_basis=message.penalty_basis,
    )
