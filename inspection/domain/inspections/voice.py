"""The enterprise's voice: rating an inspection (1–5 with a comment) and filing complaints."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain import card as cards
from inspection.domain.card import CardHead, EntryKind, LockedCard
from inspection.domain.inspections.common import apply, load_view, locked, new_id
from inspection.domain.inspections.lifecycle import Event, step
from inspection.domain.inspections.model import Inspection, InspectionView, Rules
from inspection.domain.text import check_identifier, check_text
from inspection.errors import FailedPrecondition, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import inspections as stored
from inspection.storage.inspection_models import Complaint, InspectionRating


def _own_inspection(session: Session, inspection_id: str, actor: Principal) -> tuple[Inspection, LockedCard]:
    inspection, card = locked(session, inspection_id)
    if actor.role is not Role.ENTERPRISE or actor.org != inspection.uscc:
        raise PermissionDenied("only the inspected enterprise may do this", reason=Reason.OUT_OF_SCOPE)
    return inspection, card


def rate_inspection(
    session: Session,
    inspection_id: str,
    score: int,
    comment: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    check_identifier(violations, "inspection_id", inspection_id)
    if not 1 <= score <= 5:
        violations.add("score", "must be 1 to 5")
    check_text(violations, "comment", comment, required=False)
    violations.raise_if_any()
    inspection, card = _own_inspection(session, inspection_id, actor)
    if inspection.complete_time is None:
        raise FailedPrecondition(Reason.NOT_COMPLETED, "an inspection is rated once its result is recorded")
    step(inspection.kind, inspection.state, Event.RATE, inspection.origin)
    if stored.rating(session, inspection.id) is not None:
        raise FailedPrecondition(Reason.ALREADY_RATED, "this inspection is already rated")
    stored.add_rating(
        session, InspectionRating(inspection_id=inspection.id, score=score, comment=comment, rate_time=now)
    )
    _, head = apply(
        session,
        card,
        inspection,
        Event.RATE,
        actor=actor,
        now=now,
        payload={"score": score, "comment": comment},
    )
    return load_view(session, inspection), head


def file_complaint(
    session: Session,
    rules: Rules,
    inspection_id: str,
    text: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[str, CardHead]:
    """A complaint about one inspection, or about inspections in general (no inspection named)."""
    check_identifier(violations, "inspection_id", inspection_id, required=False)
    check_text(violations, "text", text, required=True)
    violations.raise_if_any()
    if actor.role is not Role.ENTERPRISE:
        raise PermissionDenied("complaints come from enterprises", reason=Reason.ROLE_NOT_ALLOWED)
    department = None
    if inspection_id:
        inspection, card = _own_inspection(session, inspection_id, actor)
        department = inspection.lead_department
    else:
        card = cards.lock_card(session, actor.org)
    complaint = Complaint(
        id=new_id("C", rules.calendar, now),
        uscc=actor.org,
        inspection_id=inspection_id or None,
        text=text,
        filed_by=actor.sub,
        file_time=now,
    )
    stored.add_complaint(session, complaint)
    head = cards.append_entry(
        session,
        card,
        kind=EntryKind.COMPLAINT_FILED,
        actor=actor,
        at=now,
        payload={"complaint_id": complaint.id, "text": text},
        department_code=department,
        inspection_id=inspection_id or None,
    )
    return complaint.id, head
