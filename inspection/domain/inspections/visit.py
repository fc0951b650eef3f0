"""The visit: the enterprise verifies the inspection code on its doorstep (检查码), and the
inspectors check in with it → IN_PROGRESS. Both ask one question — may this visit happen today —
and get one answer (``visit_refusal``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain.card import CardHead
from inspection.domain.inspections.appointment import booked
from inspection.domain.inspections.common import (
    apply,
    check_inspectors,
    load_view,
    locked,
    require_lead,
    visit_refusal,
)
from inspection.domain.inspections.decision import MAX_CODE_TEXT, normalize_code
from inspection.domain.inspections.lifecycle import Event, step
from inspection.domain.inspections.model import Inspection, InspectionView, Origin, Rules, State
from inspection.domain.text import check_identifiers
from inspection.errors import Attempt, DomainError, FailedPrecondition, NotFound, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import inspections as stored

#: Check-in refusals that are not kept as attempts.
_NOT_ATTEMPTS = frozenset({Reason.ALREADY_CHECKED_IN, Reason.VISIT_COMPLETED})


def _by_code(session: Session, code: str, violations: Violations) -> Inspection:
    if not code:
        violations.add("inspection_code", "is required")
    elif len(code) > MAX_CODE_TEXT:
        violations.add("inspection_code", f"must be at most {MAX_CODE_TEXT} characters")
    elif not code.isprintable():
        violations.add("inspection_code", "must not contain control characters")
    violations.raise_if_any()
    found = stored.by_code(session, normalize_code(code))
    if found is None:
        raise NotFound("inspection code", code[:4] + "…")
    return found


def _refusal(
    session: Session, rules: Rules, inspection: Inspection, today: dt.date
) -> tuple[Reason, str] | None:
    """``visit_refusal``, and for a joint check: the visit happens on the day the enterprise booked
    (a quiet day too, when it asked for that day itself)."""
    if inspection.origin != Origin.JOINT_CHECK or inspection.state != State.APPROVED:
        return visit_refusal(rules, inspection, today)
    booking = booked(session, inspection)
    refusal = visit_refusal(
        rules, inspection, today, quiet_day_requested=booking is not None and booking.own_request
    )
    if refusal is not None:
        return refusal
    if booking is None:
        return Reason.NOT_BOOKED, "the enterprise has not booked the visit of this joint check yet"
    if booking.visit_date != today:
        return Reason.NOT_BOOKED_DAY, f"the visit is booked for {booking.visit_date}; today is {today}"
    return None


@dataclass(frozen=True)
class CodeVerification:
    valid: bool
    #: Why the visit may not happen today (a ``Reason`` value), empty when valid.
    reason: str
    #: The same in words, for the person at the door.
    explanation: str
    view: InspectionView


def verify_code(
    session: Session, rules: Rules, code: str, *, viewer: Principal, now: dt.datetime
) -> CodeVerification:
    """What the enterprise sees on its doorstep: is this visit approved for today, by whom, for
    what, when — the same answer check-in would give today."""
    inspection = _by_code(session, code, Violations())
    if viewer.role is Role.ENTERPRISE and viewer.org != inspection.uscc:
        raise PermissionDenied("this code is for another enterprise", reason=Reason.OUT_OF_SCOPE)
    refusal = _refusal(session, rules, inspection, rules.calendar.today(now))
    reason, explanation = refusal if refusal else ("", "")
    return CodeVerification(
        valid=refusal is None, reason=reason, explanation=explanation, view=load_view(session, inspection)
    )


def check_in(
    session: Session,
    rules: Rules,
    code: str,
    inspector_ids: Sequence[str],
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """The inspectors arrive with the code → IN_PROGRESS, and the day becomes the enterprise's visit day."""
    check_identifiers(violations, "inspector_ids", inspector_ids, what="inspector present")
    found = _by_code(session, code, violations)
    inspection, card = locked(session, found.id)
    today = rules.calendar.today(now)
    try:
        department_of_inspector = _admitted(
            session, rules, inspection, inspector_ids, actor=actor, today=today
        )
    except DomainError as refused:
        # A visit the approval does not cover is what oversight watches for (电子监察): the refusal
        # is kept on the card as an attempt, though the check-in itself changes nothing. A second
        # check-in of a visit under way or done is a slip, not an unapproved visit.
        if refused.reason in _NOT_ATTEMPTS:
            raise
        refused.attempt = Attempt(
            uscc=inspection.uscc,
            inspection_id=inspection.id,
            department_code=actor.org,
            facts={"state": inspection.state, "date": today.isoformat(), "inspectors": sorted(inspector_ids)},
        )
        raise
    # One check-in for the whole visit: each department present (the lead always) brings at least
    # the minimum of its own approved inspectors, as a single inspection would.
    present_by_department: dict[str, list[str]] = {inspection.lead_department: []}
    for inspector_id in inspector_ids:
        present_by_department.setdefault(department_of_inspector[inspector_id], []).append(inspector_id)
    for department, present in present_by_department.items():
        check_inspectors(
            session,
            rules,
            department=department,
            uscc=inspection.uscc,
            inspector_ids=present,
            today=today,
            valid_through=today,
        )
    claim_visit_day(session, inspection, today)
    stored.mark_present(session, inspection.id, inspector_ids)
    _, head = apply(
        session,
        card,
        inspection,
        Event.CHECK_IN,
        actor=actor,
        now=now,
        payload={"visit_date": today.isoformat(), "inspectors": sorted(inspector_ids)},
        changes={"visit_date": today, "check_in_time": now},
    )
    return load_view(session, inspection), head


def _admitted(
    session: Session,
    rules: Rules,
    inspection: Inspection,
    inspector_ids: Sequence[str],
    *,
    actor: Principal,
    today: dt.date,
) -> dict[str, str]:
    """Whether the approval covers this visit: the lead's own inspection, in a state that checks in,
    on a day it may happen, with inspectors from the approved list (each → its department)."""
    require_lead(inspection, actor)
    step(inspection.kind, inspection.state, Event.CHECK_IN, inspection.origin)
    refusal = _refusal(session, rules, inspection, today)
    if refusal is not None:
        raise FailedPrecondition(refusal[0], refusal[1], {"date": today.isoformat()})
    department_of_inspector = {
        a.inspector_id: a.department_code for a in stored.assigned(session, inspection.id)
    }
    for inspector_id in inspector_ids:
        if inspector_id not in department_of_inspector:
            raise FailedPrecondition(
                Reason.INSPECTOR_NOT_APPROVED,
                f"inspector {inspector_id} is not on the approved list",
                {"inspector_id": inspector_id},
            )
    return department_of_inspector


def claim_visit_day(session: Session, inspection: Inspection, day: dt.date) -> None:
    """At most one visit per enterprise per day (进一次门); the key is the backstop for the rule."""
    other = stored.visit_on(session, inspection.uscc, day)
    if other is not None and other.inspection_id != inspection.id:
        raise FailedPrecondition(
            Reason.DAILY_VISIT_LIMIT,
            f"the enterprise already has a visit on {day} ({other.inspection_id}); join it as a joint check",
            {"inspection_id": other.inspection_id},
        )
    if other is None:
        stored.add_visit(session, uscc=inspection.uscc, day=day, inspection_id=inspection.id)
