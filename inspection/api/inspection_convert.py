"""Translation of inspections between the domain's views and protobuf."""

from __future__ import annotations

import datetime as dt

from inspection.api.convert import date, timestamp
from inspection.api.enums import (
    ACCEPTANCES,
    DEADLINE_KINDS,
    DEADLINE_STATUSES,
    DECISIONS,
    HALF_DAYS,
    HANDLINGS,
    KINDS,
    OFFICES,
    ORIGINS,
    OUTCOMES,
    STATES,
)
from inspection.domain.approval import OfficeDecision
from inspection.domain.inspections import InspectionView, mask_name
from inspection.domain.inspections.deadlines import deadlines_of, is_overdue
from inspection.domain.inspections.model import Inspection
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import public_service_pb2 as public_pb


def office_decision(row: OfficeDecision, *, mask_names: bool) -> pb.OfficeDecision:
    return pb.OfficeDecision(
        office=OFFICES.to_proto(row.office),
        principal=mask_name(row.principal) if mask_names else row.principal,
        decision=DECISIONS.to_proto(row.verdict),
        comment=row.comment,
        due_time=timestamp(row.due_time),
        decide_time=timestamp(row.decide_time),
        late=row.late,
    )


def _acknowledgement(row: OfficeDecision, *, mask_names: bool) -> pb.FilingAcknowledgement:
    return pb.FilingAcknowledgement(
        office=OFFICES.to_proto(row.office),
        principal=mask_name(row.principal) if mask_names else row.principal,
        comment=row.comment,
        due_time=timestamp(row.due_time),
        acknowledge_time=timestamp(row.decide_time),
        late=row.late,
    )


def result(row: Inspection) -> common_pb.InspectionResult | None:
    if row.complete_time is None:
        return None
    return common_pb.InspectionResult(
        outcome=OUTCOMES.to_proto(row.outcome),
        findings=row.findings,
        handling=HANDLINGS.to_proto(row.handling),
        rectification_deadline=date(row.rectification_deadline),
        penalty_fen=row.penalty_fen,
        penalty_basis=row.penalty_basis,
    )


def inspection(
    view: InspectionView, *, show_code: bool, mask_names: bool, now: dt.datetime, show_rating: bool = True
) -> pb.Inspection:
    """The inspection as ``view`` holds it; the enterprise's rating only where ``show_rating`` (a
    rated department sees ratings only as aggregates)."""
    row = view.inspection
    approve_time = row.decide_time if row.code else None
    deadlines = deadlines_of(view, now=now)
    return pb.Inspection(
        id=row.id,
        uscc=row.uscc,
        enterprise_name=view.enterprise_name,
        lead_department=row.lead_department,
        kind=KINDS.to_proto(row.kind),
        origin=ORIGINS.to_proto(row.origin),
        state=STATES.to_proto(row.state),
        window_start=date(row.window_start),
        window_end=date(row.window_end),
        legal_basis=row.legal_basis,
        reason=row.reason,
        participants=[
            pb.Participant(
                department_code=p.department_code,
                department_name=p.department_name,
                confirmed=p.confirmed,
                items=[pb.AssignedItem(code=i.code, name=i.name, legal_basis=i.legal_basis) for i in p.items],
                inspectors=[
                    pb.AssignedInspector(
                        id=person.id,
                        name=mask_name(person.name) if mask_names else person.name,
                        certificate_number=person.certificate_number,
                        present=present,
                    )
                    for person, present in p.inspectors
                ],
            )
            for p in view.participants
        ],
        approvals=[office_decision(d, mask_names=mask_names) for d in view.approvals],
        filing_acknowledgements=[_acknowledgement(d, mask_names=mask_names) for d in view.acknowledgements],
        inspection_code=(row.code or "") if show_code else "",
        requested_by=mask_name(row.requested_by) if mask_names else row.requested_by,
        request_time=timestamp(row.request_time),
        decision_due_time=timestamp(row.decision_due_time),
        approve_time=timestamp(approve_time),
        check_in_time=timestamp(row.check_in_time),
        visit_date=date(row.visit_date),
        result=result(row),
        complete_time=timestamp(row.complete_time),
        publication_due_time=timestamp(row.publication_due_time),
        publish_time=timestamp(row.publish_time),
        filing_due_time=timestamp(row.filing_due_time),
        file_time=timestamp(row.file_time),
        filed_late=view.filed_late,
        rating=(
            pb.Rating(
                score=view.rating.score,
                comment=view.rating.comment,
                rate_time=timestamp(view.rating.rate_time),
            )
            if view.rating and show_rating
            else None
        ),
        cancel_reason=row.cancel_reason,
        parts=[
            pb.DepartmentPart(
                department_code=part.department_code,
                result=common_pb.InspectionResult(
                    outcome=OUTCOMES.to_proto(part.outcome),
                    findings=part.findings,
                    handling=HANDLINGS.to_proto(part.handling),
                    rectification_deadline=date(part.rectification_deadline),
                    penalty_fen=part.penalty_fen,
                    penalty_basis=part.penalty_basis,
                ),
                recorded_by=part.recorded_by,
                record_time=timestamp(part.record_time),
            )
            for part in view.parts
        ],
        acceptance=ACCEPTANCES.to_proto(row.acceptance),
        recheck_of=row.recheck_of or "",
        draw_plan_id=row.draw_plan_id or "",
        appointment=(
            pb.Appointment(
                visit_date=date(view.appointment.visit_date),
                half_day=HALF_DAYS.to_proto(view.appointment.half_day),
                booked_by=view.appointment.booked_by,
                book_time=timestamp(view.appointment.book_time),
                reschedules=view.appointment.reschedules,
                at_enterprise_request=view.appointment.own_request,
            )
            if view.appointment
            else None
        ),
        deadlines=[
            pb.Deadline(
                kind=DEADLINE_KINDS.to_proto(d.kind),
                due_time=timestamp(d.due_time),
                met_time=timestamp(d.met_time),
                status=DEADLINE_STATUSES.to_proto(d.status),
            )
            for d in deadlines
        ],
        overdue=is_overdue(deadlines),
    )


def published(view: InspectionView) -> public_pb.PublishedResult:
    row = view.inspection
    return public_pb.PublishedResult(
        inspection_id=row.id,
        uscc=row.uscc,
        enterprise_name=view.enterprise_name,
        department_codes=[p.department_code for p in view.participants],
        kind=KINDS.to_proto(row.kind),
        items=[i.name for p in view.participants for i in p.items],
        visit_date=date(row.visit_date),
        result=result(row),
        inspectors=[mask_name(person.name) for p in view.participants for person, _ in p.inspectors],
        publish_time=timestamp(row.publish_time),
    )
