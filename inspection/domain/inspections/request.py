"""Requesting an inspection (DESIGN §4): a department asks both offices to approve → REQUESTED."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from inspection.auth import Principal
from inspection.domain import card as cards
from inspection.domain.card import CardHead
from inspection.domain.inspections.common import (
    check_inspectors,
    check_items,
    create,
    department_of,
    new_id,
)
from inspection.domain.inspections.lifecycle import Event
from inspection.domain.inspections.model import (
    NOT_COUNTED,
    PENDING_OR_APPROVED,
    Inspection,
    InspectionView,
    Kind,
    Origin,
    ParticipantView,
    Rules,
)
from inspection.domain.registry import uscc_problem
from inspection.domain.text import check_identifiers, check_text
from inspection.errors import FailedPrecondition, NotFound, Violations
from inspection.reasons import Reason
from inspection.storage import inspections as stored
from inspection.storage.inspections import EnterpriseFacts, InspectorRow, ItemRow

#: Kinds a request may name; emergencies start with ``start_emergency``.
REQUESTABLE = (Kind.ROUTINE, Kind.TRIGGERED, Kind.SPECIAL)


@dataclass(frozen=True)
class InspectionRequest:
    uscc: str
    kind: str
    item_codes: tuple[str, ...]
    legal_basis: str
    reason: str
    window_start: dt.date | None
    window_end: dt.date | None
    inspector_ids: tuple[str, ...]


@dataclass(frozen=True)
class Overlap:
    """Another department's pending or approved inspection of the same enterprise in an
    overlapping window: a joint check (进一次门、查多项事) would spare the enterprise a visit."""

    inspection_id: str
    department_code: str
    window_start: dt.date
    window_end: dt.date


def validate_request(request: InspectionRequest, violations: Violations, rules: Rules) -> None:
    problem = uscc_problem(request.uscc)
    if problem:
        violations.add("uscc", problem)
    if request.kind not in REQUESTABLE:
        violations.add(
            "kind", "must be ROUTINE, TRIGGERED or SPECIAL (emergencies use StartEmergencyInspection)"
        )
    check_identifiers(violations, "item_codes", request.item_codes, what="checklist item")
    check_identifiers(violations, "inspector_ids", request.inspector_ids, what="inspector")
    check_text(violations, "legal_basis", request.legal_basis, required=True)
    check_text(violations, "reason", request.reason, required=True)
    if request.window_start is None and not violations.has("window_start"):
        violations.add("window_start", "is required")
    if request.window_end is None and not violations.has("window_end"):
        violations.add("window_end", "is required")
    if request.window_start and request.window_end:
        if request.window_end < request.window_start:
            violations.add("window_end", "must not be before window_start")
        elif (request.window_end - request.window_start).days + 1 > rules.max_window_days:
            violations.add("window_end", f"a window spans at most {rules.max_window_days} days")


def request_inspection(
    session: Session,
    rules: Rules,
    request: InspectionRequest,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead, list[Overlap]]:
    """A department asks both offices to approve an inspection → REQUESTED.

    The answer is built from what this call read and wrote; nothing is read back.
    """
    validate_request(request, violations, rules)
    violations.raise_if_any()
    assert request.window_start is not None and request.window_end is not None
    department = department_of(actor)
    card = cards.lock_card(session, request.uscc)
    enterprise, items, people = check_requesting_part(session, rules, request, department, now=now)

    overlaps = [
        Overlap(*other)
        for other in stored.overlapping(
            session,
            uscc=request.uscc,
            other_than_department=department,
            window_start=request.window_start,
            window_end=request.window_end,
            states=PENDING_OR_APPROVED,
        )
    ]
    decision_due = rules.calendar.due_after_working_days(now, rules.decision_due_working_days)
    inspection = Inspection(
        id=new_id("I", rules.calendar, now),
        uscc=request.uscc,
        lead_department=department,
        kind=request.kind,
        origin=Origin.REQUEST,
        state="",
        window_start=request.window_start,
        window_end=request.window_end,
        legal_basis=request.legal_basis,
        reason=request.reason,
        requested_by=actor.sub,
        request_time=now,
        decision_due_time=decision_due,
    )
    head = create(
        session,
        card,
        inspection,
        Event.REQUEST,
        item_codes=request.item_codes,
        inspector_ids=request.inspector_ids,
        present=False,
        actor=actor,
        now=now,
        payload={
            "kind": inspection.kind,
            "window": [inspection.window_start.isoformat(), inspection.window_end.isoformat()],
            "items": list(request.item_codes),
            "inspectors": list(request.inspector_ids),
            "legal_basis": inspection.legal_basis,
            "reason": inspection.reason,
            "decision_due": cards.format_time(decision_due),
            "overlaps": [o.inspection_id for o in overlaps],
        },
    )
    view = InspectionView(
        inspection=inspection,
        enterprise_name=enterprise.name,
        participants=[
            ParticipantView(
                department,
                items[0].department_name,  # a request names at least one item, all of this department
                items=list(items),
                inspectors=[(person, False) for person in people],
            )
        ],
        approvals=[],
        acknowledgements=[],
        rating=None,
    )
    return view, head, overlaps


def check_requesting_part(
    session: Session, rules: Rules, request: InspectionRequest, department: str, *, now: dt.datetime
) -> tuple[EnterpriseFacts, list[ItemRow], list[InspectorRow]]:
    """The rules of one department's part of a request (or of a joint check it leads), read under
    the enterprise's card lock: the enterprise exists, the items are the department's and
    published, its inspectors certified through the window and not recused, the window not in the
    past, and a routine inspection within its lead time, white list and yearly cap."""
    assert request.window_start is not None and request.window_end is not None
    today = rules.calendar.today(now)
    enterprise = stored.enterprise(session, request.uscc)
    if enterprise is None:
        raise NotFound("enterprise", request.uscc)
    items = check_items(session, department, request.item_codes)
    people = check_inspectors(
        session,
        rules,
        department=department,
        uscc=request.uscc,
        inspector_ids=request.inspector_ids,
        today=today,
        valid_through=request.window_end,
    )
    if request.window_start < today:
        raise FailedPrecondition(
            Reason.WINDOW_IN_PAST, f"the window opens on {request.window_start}, before today ({today})"
        )
    if request.kind == Kind.ROUTINE:
        check_routine(session, rules, enterprise, department, request.window_start, today)
    return enterprise, items, people


def check_routine(
    session: Session,
    rules: Rules,
    enterprise: EnterpriseFacts,
    department: str,
    window_start: dt.date,
    today: dt.date,
) -> None:
    """The white list (无事不扰), the lead time and the yearly frequency cap of routine inspections."""
    if enterprise.white_listed:
        raise FailedPrecondition(
            Reason.WHITE_LISTED,
            "the enterprise is white-listed (无事不扰): no routine inspections",
            {"uscc": enterprise.uscc},
        )
    lead = (window_start - today).days
    if lead < rules.approval_lead_days:
        raise FailedPrecondition(
            Reason.APPROVAL_LEAD_TIME,
            f"a routine inspection is requested at least {rules.approval_lead_days} days before its window "
            f"opens; this one opens in {lead} days",
            {"approval_lead_days": str(rules.approval_lead_days), "days_before_window": str(lead)},
        )
    year = window_start.year
    count = stored.count_routine(
        session,
        uscc=enterprise.uscc,
        department_code=department,
        start=dt.date(year, 1, 1),
        end=dt.date(year + 1, 1, 1),
        not_counted=NOT_COUNTED,
    )
    if count >= rules.max_routine_per_department_year:
        raise FailedPrecondition(
            Reason.FREQUENCY_CAP_EXCEEDED,
            f"{department} already has {count} routine inspections of this enterprise in {year} "
            f"(at most {rules.max_routine_per_department_year})",
            {"year": str(year), "limit": str(rules.max_routine_per_department_year)},
        )
