"""Emergencies (DESIGN §4): a threat to life or property safety, or another major matter. The
department decides alone and inspects at once; it files with both offices afterwards (事后登记备案)
within ``emergency_filing_hours``, and both acknowledge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session

from inspection.auth import Principal
from inspection.domain import approval
from inspection.domain import card as cards
from inspection.domain.approval import Stage, Standing, Subject, SubjectKind, Verdict
from inspection.domain.card import CardHead
from inspection.domain.inspections.common import (
    apply,
    check_inspectors,
    check_items,
    create,
    department_of,
    load_view,
    locked,
    new_id,
    require_lead,
)
from inspection.domain.inspections.lifecycle import Event, step
from inspection.domain.inspections.model import Inspection, InspectionView, Kind, Origin, Rules
from inspection.domain.registry import uscc_problem
from inspection.domain.text import check_identifier, check_identifiers, check_text
from inspection.errors import NotFound, Violations
from inspection.storage import inspections as stored


def start_emergency(
    session: Session,
    rules: Rules,
    *,
    uscc: str,
    item_codes: Sequence[str],
    legal_basis: str,
    reason: str,
    inspector_ids: Sequence[str],
    violations: Violations,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """→ IN_PROGRESS at once. Quiet days, weekends and the one-visit-a-day rule do not hold an
    emergency back."""
    problem = uscc_problem(uscc)
    if problem:
        violations.add("uscc", problem)
    check_identifiers(violations, "item_codes", item_codes, what="checklist item")
    check_identifiers(violations, "inspector_ids", inspector_ids, what="inspector")
    check_text(violations, "legal_basis", legal_basis, required=True)
    check_text(
        violations,
        "reason",
        reason,
        required=True,
        what="an emergency states the threat to life or property safety, or the major matter",
    )
    violations.raise_if_any()
    department = department_of(actor)
    today = rules.calendar.today(now)
    card = cards.lock_card(session, uscc)
    check_items(session, department, item_codes)
    check_inspectors(
        session,
        rules,
        department=department,
        uscc=uscc,
        inspector_ids=inspector_ids,
        today=today,
        valid_through=today,
    )
    filing_due = now + dt.timedelta(hours=rules.emergency_filing_hours)
    inspection = Inspection(
        id=new_id("I", rules.calendar, now),
        uscc=uscc,
        lead_department=department,
        kind=Kind.EMERGENCY,
        origin=Origin.REQUEST,
        state="",
        window_start=today,
        window_end=today,
        legal_basis=legal_basis,
        reason=reason,
        requested_by=actor.sub,
        request_time=now,
        visit_date=today,
        check_in_time=now,
        filing_due_time=filing_due,
    )
    head = create(
        session,
        card,
        inspection,
        Event.START_EMERGENCY,
        item_codes=item_codes,
        inspector_ids=inspector_ids,
        present=True,
        actor=actor,
        now=now,
        payload={
            "reason": reason,
            "items": list(item_codes),
            "inspectors": list(inspector_ids),
            "legal_basis": legal_basis,
            "filing_due": cards.format_time(filing_due),
        },
    )
    if stored.visit_on(session, uscc, today) is None:
        stored.add_visit(session, uscc=uscc, day=today, inspection_id=inspection.id)
    return load_view(session, inspection), head


def file_emergency(
    session: Session,
    rules: Rules,
    inspection_id: str,
    report: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """Files the emergency with both offices (事后登记备案) → FILED_PENDING; lateness is recorded."""
    check_identifier(violations, "inspection_id", inspection_id)
    check_text(violations, "report", report, required=True)
    violations.raise_if_any()
    inspection, card = locked(session, inspection_id)
    require_lead(inspection, actor)
    late = bool(inspection.filing_due_time and now > inspection.filing_due_time)
    acknowledgement_due = rules.calendar.due_after_working_days(now, rules.decision_due_working_days)
    _, head = apply(
        session,
        card,
        inspection,
        Event.FILE,
        actor=actor,
        now=now,
        payload={
            "report": report,
            "late": late,
            "due": cards.format_time(inspection.filing_due_time) if inspection.filing_due_time else "",
            "acknowledgement_due": cards.format_time(acknowledgement_due),
        },
        # The offices' acknowledgements are their decisions on a filing: due like a request's.
        changes={"file_time": now, "decision_due_time": acknowledgement_due},
    )
    return load_view(session, inspection), head


def acknowledge_filing(
    session: Session,
    rules: Rules,
    inspection_id: str,
    comment: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """One office acknowledges an emergency filing; both → FILED."""
    check_identifier(violations, "inspection_id", inspection_id)
    check_text(violations, "comment", comment, required=False)
    violations.raise_if_any()
    approval.office_of(actor)
    inspection, card = locked(session, inspection_id)
    step(inspection.kind, inspection.state, Event.ACKNOWLEDGE_FIRST, inspection.origin)
    if inspection.file_time is None:  # a filed state always has its filing time
        raise NotFound("filing of inspection", inspection_id)
    decided = approval.decide(
        session,
        Subject(SubjectKind.INSPECTION, inspection.id),
        Stage.FILING,
        actor=actor,
        verdict=Verdict.ACKNOWLEDGE,
        comment=comment,
        due_time=rules.calendar.due_after_working_days(inspection.file_time, rules.decision_due_working_days),
        now=now,
    )
    both = decided.standing is Standing.COMPLETE
    mine = decided.decision
    _, head = apply(
        session,
        card,
        inspection,
        Event.ACKNOWLEDGE if both else Event.ACKNOWLEDGE_FIRST,
        actor=actor,
        now=now,
        payload={"office": mine.office.value, "comment": comment, "late": mine.late, "filed": both},
    )
    # An emergency has no approval in advance; its filing's acknowledgements are the ones just held.
    held = {inspection.id: {Stage.APPROVAL: [], Stage.FILING: list(decided.decisions)}}
    return load_view(session, inspection, decisions=held), head
