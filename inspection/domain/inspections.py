"""Inspections under joint approval (DESIGN §4): request, approval by both offices, the inspection
code (检查码), check-in, result, publication (一公开), emergency filing (事后登记备案), ratings and
complaints.

Every mutating function first takes the enterprise's card lock (``cards.lock_card``), so all
changes to one enterprise — two offices deciding at once, two departments booking the same day —
are serialized by the database and see each other's effects; then it checks its rules on fresh
state, changes the inspection and appends the card entry, all in the caller's one transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from inspection.auth import Principal, Role
from inspection.config import Settings
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.domain.card import CardHead, EntryKind, LockedCard
from inspection.domain.paging import decode_token, encode_token, page_size
from inspection.domain.registry import is_certified, uscc_problem
from inspection.errors import FailedPrecondition, NotFound, PermissionDenied, Violations
from inspection.storage.inspection_models import (
    Complaint,
    EnterpriseVisit,
    Inspection,
    InspectionDecision,
    InspectionInspector,
    InspectionItem,
    InspectionParticipant,
    InspectionRating,
)
from inspection.storage.models import ChecklistItem, Department, Enterprise, Inspector, Recusal

MAX_TEXT = 2000


class Kind(enum.StrEnum):
    ROUTINE = "ROUTINE"
    TRIGGERED = "TRIGGERED"
    SPECIAL = "SPECIAL"
    EMERGENCY = "EMERGENCY"


class State(enum.StrEnum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    PUBLISHED = "PUBLISHED"
    FILED_PENDING = "FILED_PENDING"
    FILED = "FILED"


class Outcome(enum.StrEnum):
    NO_ISSUES = "NO_ISSUES"
    ISSUES_FOUND = "ISSUES_FOUND"


class Handling(enum.StrEnum):
    NONE = "NONE"
    RECTIFICATION = "RECTIFICATION"
    PENALTY = "PENALTY"


APPROVAL = "APPROVAL"
FILING = "FILING"
OFFICES = (Role.LEGAL_OFFICE, Role.SUPERVISION)
#: States in which an inspection takes up the enterprise's window (for overlap notices).
PENDING_OR_APPROVED = (State.REQUESTED, State.APPROVED)
NOT_COUNTED = (State.REJECTED, State.CANCELLED)


@dataclass(frozen=True)
class Rules:
    """The configurable rules of DESIGN §4, read once from settings."""

    calendar: Calendar
    approval_lead_days: int = 7
    decision_due_working_days: int = 2
    publication_due_working_days: int = 20
    max_routine_per_department_year: int = 2
    min_inspectors: int = 2
    emergency_filing_hours: int = 72
    max_window_days: int = 31

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        return cls(
            calendar=Calendar.from_settings(settings),
            approval_lead_days=settings.approval_lead_days,
            decision_due_working_days=settings.decision_due_working_days,
            publication_due_working_days=settings.publication_due_working_days,
            max_routine_per_department_year=settings.max_routine_per_department_year,
            min_inspectors=settings.min_inspectors,
            emergency_filing_hours=settings.emergency_filing_hours,
        )


# --- views ------------------------------------------------------------------------------------


@dataclass
class ParticipantView:
    department_code: str
    department_name: str
    items: list[ChecklistItem] = field(default_factory=list)
    inspectors: list[tuple[Inspector, bool]] = field(default_factory=list)


@dataclass
class InspectionView:
    """An inspection with everything a reader sees of it, loaded in a fixed number of queries."""

    inspection: Inspection
    enterprise_name: str
    participants: list[ParticipantView]
    approvals: list[InspectionDecision]
    acknowledgements: list[InspectionDecision]
    rating: InspectionRating | None

    @property
    def filed_late(self) -> bool:
        i = self.inspection
        return bool(i.filed_at and i.filing_due_at and i.filed_at > i.filing_due_at)


def load_views(session: Session, inspections: Sequence[Inspection]) -> list[InspectionView]:
    if not inspections:
        return []
    ids = [i.id for i in inspections]
    names = dict(
        session.execute(
            select(col(Enterprise.uscc), col(Enterprise.name)).where(
                col(Enterprise.uscc).in_({i.uscc for i in inspections})
            )
        ).all()
    )
    departments = dict(session.execute(select(col(Department.code), col(Department.name))).all())
    participants: dict[str, dict[str, ParticipantView]] = defaultdict(dict)
    for row in session.execute(
        select(InspectionParticipant)
        .where(col(InspectionParticipant.inspection_id).in_(ids))
        .order_by(col(InspectionParticipant.department_code))
    ).scalars():
        participants[row.inspection_id][row.department_code] = ParticipantView(
            row.department_code, departments.get(row.department_code, row.department_code)
        )
    for link, item in session.execute(
        select(InspectionItem, ChecklistItem)
        .join(ChecklistItem, col(ChecklistItem.code) == col(InspectionItem.item_code))
        .where(col(InspectionItem.inspection_id).in_(ids))
        .order_by(col(InspectionItem.item_code))
    ):
        participants[link.inspection_id][link.department_code].items.append(item)
    for assigned, person in session.execute(
        select(InspectionInspector, Inspector)
        .join(Inspector, col(Inspector.id) == col(InspectionInspector.inspector_id))
        .where(col(InspectionInspector.inspection_id).in_(ids))
        .order_by(col(InspectionInspector.inspector_id))
    ):
        participants[assigned.inspection_id][assigned.department_code].inspectors.append(
            (person, assigned.present)
        )
    decisions: dict[str, list[InspectionDecision]] = defaultdict(list)
    for decision in session.execute(
        select(InspectionDecision)
        .where(col(InspectionDecision.inspection_id).in_(ids))
        .order_by(col(InspectionDecision.decided_at))
    ).scalars():
        decisions[decision.inspection_id].append(decision)
    ratings = {
        r.inspection_id: r
        for r in session.execute(
            select(InspectionRating).where(col(InspectionRating.inspection_id).in_(ids))
        ).scalars()
    }
    return [
        InspectionView(
            inspection=i,
            enterprise_name=names.get(i.uscc, ""),
            participants=list(participants[i.id].values()),
            approvals=[d for d in decisions[i.id] if d.stage == APPROVAL],
            acknowledgements=[d for d in decisions[i.id] if d.stage == FILING],
            rating=ratings.get(i.id),
        )
        for i in inspections
    ]


def load_view(session: Session, inspection: Inspection) -> InspectionView:
    return load_views(session, [inspection])[0]


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: personal names are never shown in clear to the public."""
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


# --- shared checks ----------------------------------------------------------------------------


def _check_text(violations: Violations, path: str, value: str, *, required: bool, what: str = "") -> None:
    if required and not value.strip():
        violations.add(path, what or "is required")
    elif len(value) > MAX_TEXT:
        violations.add(path, f"must be at most {MAX_TEXT} characters")


def _check_ids(violations: Violations, path: str, values: Sequence[str], *, what: str) -> None:
    if not values:
        violations.add(path, f"must name at least one {what}")
    seen: set[str] = set()
    for index, value in enumerate(values):
        if not value:
            violations.add(f"{path}[{index}]", "must not be empty")
        elif value in seen:
            violations.add(f"{path}[{index}]", f"repeats {value!r}")
        seen.add(value)


def _department_of(actor: Principal) -> str:
    if actor.role is not Role.DEPARTMENT or not actor.org:
        raise PermissionDenied("only a department acts on its inspections", reason="ROLE_NOT_ALLOWED")
    return actor.org


def _check_items(session: Session, department: str, item_codes: Sequence[str]) -> list[ChecklistItem]:
    items = []
    for index, code in enumerate(item_codes):
        item = session.get(ChecklistItem, code)
        if item is None:
            raise NotFound("checklist item", code)
        if item.department_code != department:
            raise FailedPrecondition(
                "ITEM_NOT_OF_DEPARTMENT",
                f"checklist item {code!r} belongs to {item.department_code}, not {department}",
                {"item_code": code, "index": str(index)},
            )
        if not item.published:
            raise FailedPrecondition(
                "ITEM_NOT_PUBLISHED", f"checklist item {code!r} is not published", {"item_code": code}
            )
        items.append(item)
    return items


def _check_inspectors(
    session: Session,
    rules: Rules,
    *,
    department: str,
    uscc: str,
    inspector_ids: Sequence[str],
    today: dt.date,
    valid_through: dt.date,
) -> list[Inspector]:
    """At least the minimum number of certified, active, non-recused inspectors of ``department``."""
    if len(inspector_ids) < rules.min_inspectors:
        raise FailedPrecondition(
            "TOO_FEW_INSPECTORS",
            f"an inspection needs at least {rules.min_inspectors} certified inspectors, "
            f"{len(inspector_ids)} named",
            {"minimum": str(rules.min_inspectors)},
        )
    people = []
    for inspector_id in inspector_ids:
        person = session.get(Inspector, inspector_id)
        if person is None:
            raise NotFound("inspector", inspector_id)
        if person.department_code != department:
            raise FailedPrecondition(
                "INSPECTOR_NOT_OF_DEPARTMENT",
                f"inspector {inspector_id} belongs to {person.department_code}, not {department}",
                {"inspector_id": inspector_id},
            )
        if not (is_certified(person, today) and is_certified(person, valid_through)):
            raise FailedPrecondition(
                "INSPECTOR_NOT_CERTIFIED",
                f"inspector {inspector_id} holds no enforcement certificate valid through {valid_through}",
                {"inspector_id": inspector_id},
            )
        people.append(person)
    recused = (
        session.execute(
            select(col(Recusal.inspector_id)).where(
                col(Recusal.uscc) == uscc, col(Recusal.inspector_id).in_(inspector_ids)
            )
        )
        .scalars()
        .first()
    )
    if recused is not None:
        raise FailedPrecondition(
            "INSPECTOR_RECUSED",
            f"inspector {recused} must not inspect this enterprise (回避)",
            {"inspector_id": recused},
        )
    return people


def _new_id(prefix: str, now: dt.datetime) -> str:
    """Sortable by creation time (UTC, microseconds), unique by its random tail."""
    return f"{prefix}{now.astimezone(dt.UTC):%Y%m%d%H%M%S%f}-{secrets.token_hex(3)}"


#: Letters and digits that cannot be mistaken for one another when read out at the door.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 6, 4


def new_inspection_code() -> str:
    """An unguessable inspection code (检查码): 24 characters of a 31-letter alphabet (about 119
    random bits), written in groups of four, e.g. ``K7QM-2XHD-…``."""
    text = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(text[i : i + CODE_GROUP_LENGTH] for i in range(0, len(text), CODE_GROUP_LENGTH))


def normalize_code(text: str) -> str:
    """The code as stored, from what a person typed: any case, with or without spaces or dashes."""
    compact = "".join(c for c in text.upper() if c not in " -")
    return "-".join(compact[i : i + CODE_GROUP_LENGTH] for i in range(0, len(compact), CODE_GROUP_LENGTH))


def _code_digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def _locked(session: Session, inspection_id: str) -> tuple[Inspection, LockedCard]:
    """The inspection, re-read after taking its enterprise's card lock, and the locked card."""
    found = session.get(Inspection, inspection_id)
    if found is None:
        raise NotFound("inspection", inspection_id)
    card = cards.lock_card(session, found.uscc)
    fresh = session.execute(
        select(Inspection)
        .where(col(Inspection.id) == inspection_id)
        .execution_options(populate_existing=True)
    ).scalar_one()
    return fresh, card


def _require_lead(inspection: Inspection, actor: Principal) -> None:
    if _department_of(actor) != inspection.lead_department:
        raise PermissionDenied("this is another department's inspection", reason="NOT_YOUR_INSPECTION")


def _require_state(inspection: Inspection, allowed: Sequence[State], reason: str, what: str) -> None:
    if inspection.state not in allowed:
        raise FailedPrecondition(
            reason, f"{what}: the inspection is {inspection.state}", {"state": inspection.state}
        )


def _append(
    session: Session,
    card: LockedCard,
    inspection: Inspection,
    kind: EntryKind,
    actor: Principal,
    now: dt.datetime,
    payload: dict[str, Any],
) -> CardHead:
    cards.append_entry(
        session,
        card,
        kind=kind,
        actor=actor,
        at=now,
        payload=payload,
        department_code=inspection.lead_department,
        inspection_id=inspection.id,
    )
    return cards.head_of(card)


# --- request ----------------------------------------------------------------------------------


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
    inspection_id: str
    department_code: str
    window_start: dt.date
    window_end: dt.date


def _validate_request(request: InspectionRequest, violations: Violations, rules: Rules) -> None:
    problem = uscc_problem(request.uscc)
    if problem:
        violations.add("uscc", problem)
    if request.kind not in (Kind.ROUTINE, Kind.TRIGGERED, Kind.SPECIAL):
        violations.add(
            "kind", "must be ROUTINE, TRIGGERED or SPECIAL (emergencies use StartEmergencyInspection)"
        )
    _check_ids(violations, "item_codes", request.item_codes, what="checklist item")
    _check_ids(violations, "inspector_ids", request.inspector_ids, what="inspector")
    _check_text(violations, "legal_basis", request.legal_basis, required=True)
    _check_text(violations, "reason", request.reason, required=True)
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
    """A department asks both offices to approve an inspection → REQUESTED."""
    _validate_request(request, violations, rules)
    violations.raise_if_any()
    assert request.window_start is not None and request.window_end is not None
    department = _department_of(actor)
    today = rules.calendar.local_date(now)
    card = cards.lock_card(session, request.uscc)
    enterprise = session.get(Enterprise, request.uscc)
    assert enterprise is not None
    items = _check_items(session, department, request.item_codes)
    _check_inspectors(
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
            "WINDOW_IN_PAST", f"the window opens on {request.window_start}, before today ({today})"
        )
    if request.kind == Kind.ROUTINE:
        _check_routine(session, rules, enterprise, department, request.window_start, today)

    overlaps = [
        Overlap(other.id, other.lead_department, other.window_start, other.window_end)
        for other in session.execute(
            select(Inspection)
            .where(
                col(Inspection.uscc) == request.uscc,
                col(Inspection.state).in_(PENDING_OR_APPROVED),
                col(Inspection.lead_department) != department,
                col(Inspection.window_start) <= request.window_end,
                col(Inspection.window_end) >= request.window_start,
            )
            .order_by(col(Inspection.id))
        ).scalars()
    ]
    inspection = Inspection(
        id=_new_id("I", now),
        uscc=request.uscc,
        lead_department=department,
        kind=request.kind,
        origin="REQUEST",
        state=State.REQUESTED,
        window_start=request.window_start,
        window_end=request.window_end,
        legal_basis=request.legal_basis,
        reason=request.reason,
        requested_by=actor.sub,
        requested_at=now,
        decision_due_at=rules.calendar.due_after_working_days(now, rules.decision_due_working_days),
    )
    _add_participant(session, inspection, department, items, request.inspector_ids)
    head = _append(
        session,
        card,
        inspection,
        EntryKind.INSPECTION_REQUESTED,
        actor,
        now,
        {
            "kind": inspection.kind,
            "window": [inspection.window_start.isoformat(), inspection.window_end.isoformat()],
            "items": list(request.item_codes),
            "inspectors": list(request.inspector_ids),
            "legal_basis": inspection.legal_basis,
            "reason": inspection.reason,
            "decision_due": cards.format_time(inspection.decision_due_at),  # type: ignore[arg-type]
            "overlaps": [o.inspection_id for o in overlaps],
        },
    )
    return load_view(session, inspection), head, overlaps


def _add_participant(
    session: Session,
    inspection: Inspection,
    department: str,
    items: Sequence[ChecklistItem],
    inspector_ids: Sequence[str],
    *,
    present: bool = False,
) -> None:
    session.add(inspection)
    session.flush()
    session.add(InspectionParticipant(inspection_id=inspection.id, department_code=department))
    session.add_all(
        InspectionItem(inspection_id=inspection.id, item_code=item.code, department_code=department)
        for item in items
    )
    session.add_all(
        InspectionInspector(
            inspection_id=inspection.id, inspector_id=i, department_code=department, present=present
        )
        for i in inspector_ids
    )
    session.flush()


def _check_routine(
    session: Session,
    rules: Rules,
    enterprise: Enterprise,
    department: str,
    window_start: dt.date,
    today: dt.date,
) -> None:
    if enterprise.white_listed:
        raise FailedPrecondition(
            "WHITE_LISTED",
            "the enterprise is white-listed (无事不扰): no routine inspections",
            {"uscc": enterprise.uscc},
        )
    lead = (window_start - today).days
    if lead < rules.approval_lead_days:
        raise FailedPrecondition(
            "APPROVAL_LEAD_TIME",
            f"a routine inspection is requested at least {rules.approval_lead_days} days before its window "
            f"opens; this one opens in {lead}",
            {"approval_lead_days": str(rules.approval_lead_days)},
        )
    year = window_start.year
    count = session.execute(
        select(func.count())
        .select_from(Inspection)
        .where(
            col(Inspection.uscc) == enterprise.uscc,
            col(Inspection.lead_department) == department,
            col(Inspection.kind) == Kind.ROUTINE,
            col(Inspection.state).not_in(NOT_COUNTED),
            col(Inspection.window_start) >= dt.date(year, 1, 1),
            col(Inspection.window_start) < dt.date(year + 1, 1, 1),
        )
    ).scalar_one()
    if count >= rules.max_routine_per_department_year:
        raise FailedPrecondition(
            "FREQUENCY_CAP_EXCEEDED",
            f"{department} already has {count} routine inspections of this enterprise in {year} "
            f"(at most {rules.max_routine_per_department_year})",
            {"year": str(year), "limit": str(rules.max_routine_per_department_year)},
        )


# --- decisions --------------------------------------------------------------------------------


def _office_of(actor: Principal) -> str:
    if actor.role not in OFFICES:
        raise PermissionDenied(
            "only the legal office and the supervision bureau decide", reason="ROLE_NOT_ALLOWED"
        )
    return actor.role.value


def _record_office_decision(
    session: Session,
    inspection: Inspection,
    stage: str,
    actor: Principal,
    decision: str,
    comment: str,
    due_at: dt.datetime | None,
    now: dt.datetime,
    already_reason: str,
) -> list[InspectionDecision]:
    """Records one office's decision at ``stage``; enforces separation of duties. Returns all of them."""
    office = _office_of(actor)
    existing = list(
        session.execute(
            select(InspectionDecision)
            .where(
                col(InspectionDecision.inspection_id) == inspection.id, col(InspectionDecision.stage) == stage
            )
            .execution_options(populate_existing=True)
        ).scalars()
    )
    if any(d.office == office for d in existing):
        raise FailedPrecondition(already_reason, f"the {office} has already decided", {"office": office})
    if any(d.principal == actor.sub for d in existing):
        raise FailedPrecondition(
            "SAME_PRINCIPAL",
            "the two offices' decisions must come from two different principals",
            {"principal": actor.sub},
        )
    record = InspectionDecision(
        inspection_id=inspection.id,
        stage=stage,
        office=office,
        principal=actor.sub,
        decision=decision,
        comment=comment,
        due_at=due_at,
        decided_at=now,
        late=bool(due_at and now > due_at),
    )
    session.add(record)
    return [*existing, record]


def decide_inspection(
    session: Session,
    rules: Rules,
    inspection_id: str,
    decision: str,
    comment: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """One office approves or rejects. Both approve → APPROVED with a code; either rejects → REJECTED."""
    if decision not in ("APPROVE", "REJECT"):
        violations.add("decision", "must be APPROVE or REJECT")
    _check_text(
        violations, "comment", comment, required=decision == "REJECT", what="a rejection states its reason"
    )
    if not inspection_id:
        violations.add("inspection_id", "is required")
    violations.raise_if_any()
    _office_of(actor)
    inspection, card = _locked(session, inspection_id)
    _require_state(inspection, [State.REQUESTED], "NOT_PENDING", "only a requested inspection is decided")
    decisions = _record_office_decision(
        session,
        inspection,
        APPROVAL,
        actor,
        decision,
        comment,
        inspection.decision_due_at,
        now,
        "ALREADY_DECIDED",
    )
    mine = decisions[-1]
    payload: dict[str, Any] = {
        "office": mine.office,
        "decision": decision,
        "comment": comment,
        "late": mine.late,
        "due": cards.format_time(mine.due_at) if mine.due_at else "",
    }
    kind = EntryKind.INSPECTION_DECIDED
    if decision == "REJECT":
        inspection.state = State.REJECTED
        inspection.decided_at = now
        kind = EntryKind.INSPECTION_REJECTED
    elif {d.office for d in decisions if d.decision == "APPROVE"} == {o.value for o in OFFICES}:
        inspection.state = State.APPROVED
        inspection.decided_at = now
        inspection.code = new_inspection_code()
        payload["approved_by"] = sorted(f"{d.office}:{d.principal}" for d in decisions)
        payload["code_digest"] = _code_digest(inspection.code)
        kind = EntryKind.INSPECTION_APPROVED
    session.add(inspection)
    head = _append(session, card, inspection, kind, actor, now, payload)
    return load_view(session, inspection), head


def cancel_inspection(
    session: Session,
    inspection_id: str,
    reason: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    _check_text(violations, "reason", reason, required=True)
    violations.raise_if_any()
    inspection, card = _locked(session, inspection_id)
    _require_lead(inspection, actor)
    _require_state(
        inspection,
        [State.REQUESTED, State.APPROVED],
        "NOT_CANCELLABLE",
        "only an inspection not yet started is cancelled",
    )
    inspection.state = State.CANCELLED
    inspection.cancelled_reason = reason
    session.add(inspection)
    head = _append(session, card, inspection, EntryKind.INSPECTION_CANCELLED, actor, now, {"reason": reason})
    return load_view(session, inspection), head


# --- the code on the doorstep and check-in ----------------------------------------------------


def _by_code(session: Session, code: str) -> Inspection:
    found: Inspection | None = None
    if code:
        statement = select(Inspection).where(col(Inspection.code) == normalize_code(code))
        found = session.execute(statement).scalars().one_or_none()
    if found is None:
        raise NotFound("inspection code", code[:4] + "…" if code else "")
    return found


@dataclass(frozen=True)
class CodeVerification:
    valid: bool
    reason: str
    view: InspectionView


def verify_code(
    session: Session, rules: Rules, code: str, *, viewer: Principal, now: dt.datetime
) -> CodeVerification:
    """What the enterprise sees on its doorstep: is this visit approved, by whom, for what, when."""
    inspection = _by_code(session, code)
    if viewer.role is Role.ENTERPRISE and viewer.org != inspection.uscc:
        raise PermissionDenied("this code is for another enterprise", reason="OUT_OF_SCOPE")
    today = rules.calendar.local_date(now)
    reason = ""
    if inspection.state not in (State.APPROVED, State.IN_PROGRESS):
        reason = "NOT_APPROVED" if inspection.state == State.REQUESTED else inspection.state
    elif today < inspection.window_start:
        reason = "WINDOW_NOT_OPEN"
    elif today > inspection.window_end:
        reason = "WINDOW_ENDED"
    return CodeVerification(valid=not reason, reason=reason, view=load_view(session, inspection))


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
    if not code:
        violations.add("inspection_code", "is required")
    _check_ids(violations, "inspector_ids", inspector_ids, what="inspector present")
    violations.raise_if_any()
    found = _by_code(session, code)
    inspection, card = _locked(session, found.id)
    _require_lead(inspection, actor)
    if inspection.state in (State.IN_PROGRESS, State.COMPLETED, State.PUBLISHED):
        raise FailedPrecondition(
            "ALREADY_CHECKED_IN", "the inspectors have already checked in", {"state": inspection.state}
        )
    _require_state(inspection, [State.APPROVED], "NOT_APPROVED", "only an approved inspection starts")
    today = rules.calendar.local_date(now)
    if not inspection.window_start <= today <= inspection.window_end:
        raise FailedPrecondition(
            "OUTSIDE_WINDOW",
            f"today ({today}) is outside the approved window "
            f"{inspection.window_start}–{inspection.window_end}",
        )
    if rules.calendar.is_quiet_day(today):
        raise FailedPrecondition("QUIET_PERIOD", f"{today} is a quiet day (宁静日): no routine visits")
    if not rules.calendar.is_working_day(today):
        raise FailedPrecondition("NON_WORKING_DAY", f"{today} is a weekend day or holiday")
    approved = {
        a.inspector_id: a
        for a in session.execute(
            select(InspectionInspector).where(col(InspectionInspector.inspection_id) == inspection.id)
        ).scalars()
    }
    for inspector_id in inspector_ids:
        if inspector_id not in approved:
            raise FailedPrecondition(
                "INSPECTOR_NOT_APPROVED",
                f"inspector {inspector_id} is not on the approved list",
                {"inspector_id": inspector_id},
            )
    _check_inspectors(
        session,
        rules,
        department=inspection.lead_department,
        uscc=inspection.uscc,
        inspector_ids=inspector_ids,
        today=today,
        valid_through=today,
    )
    _claim_visit_day(session, inspection, today)
    for inspector_id in inspector_ids:
        approved[inspector_id].present = True
        session.add(approved[inspector_id])
    inspection.state = State.IN_PROGRESS
    inspection.visit_date = today
    inspection.checked_in_at = now
    session.add(inspection)
    head = _append(
        session,
        card,
        inspection,
        EntryKind.INSPECTION_CHECKED_IN,
        actor,
        now,
        {
            "visit_date": today.isoformat(),
            "inspectors": sorted(inspector_ids),
        },
    )
    return load_view(session, inspection), head


def _claim_visit_day(session: Session, inspection: Inspection, day: dt.date) -> None:
    """At most one visit per enterprise per day (进一次门); the key is the backstop for the rule."""
    other = session.get(EnterpriseVisit, (inspection.uscc, day))
    if other is not None and other.inspection_id != inspection.id:
        raise FailedPrecondition(
            "DAILY_VISIT_LIMIT",
            f"the enterprise already has a visit on {day} ({other.inspection_id}); join it as a joint check",
            {"inspection_id": other.inspection_id},
        )
    session.add(EnterpriseVisit(uscc=inspection.uscc, visit_date=day, inspection_id=inspection.id))
    session.flush()


# --- result and publication -------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    outcome: str
    findings: str
    handling: str
    rectification_deadline: dt.date | None
    penalty_fen: int
    penalty_basis: str


def _validate_result(result: Result, violations: Violations, today: dt.date) -> None:
    if result.outcome not in Outcome.__members__:
        violations.add("result.outcome", "must be NO_ISSUES or ISSUES_FOUND")
    if result.handling not in Handling.__members__:
        violations.add("result.handling", "must be NONE, RECTIFICATION or PENALTY")
    _check_text(
        violations,
        "result.findings",
        result.findings,
        required=result.outcome == Outcome.ISSUES_FOUND,
        what="findings are required when issues were found",
    )
    if result.outcome == Outcome.NO_ISSUES and result.handling not in ("", Handling.NONE):
        violations.add("result.handling", "must be NONE when no issues were found")
    if result.handling == Handling.RECTIFICATION:
        if result.rectification_deadline is None:
            violations.add("result.rectification_deadline", "is required with a rectification order")
        elif result.rectification_deadline <= today:
            violations.add("result.rectification_deadline", "must be after today")
    elif result.rectification_deadline is not None:
        violations.add("result.rectification_deadline", "goes only with a rectification order")
    if result.handling == Handling.PENALTY:
        if result.penalty_fen <= 0:
            violations.add("result.penalty_fen", "a penalty is a positive amount of fen")
        _check_text(
            violations,
            "result.penalty_basis",
            result.penalty_basis,
            required=True,
            what="a penalty names its legal basis",
        )
    else:
        if result.penalty_fen != 0:
            violations.add("result.penalty_fen", "goes only with a penalty decision")
        if result.penalty_basis:
            violations.add("result.penalty_basis", "goes only with a penalty decision")


def record_result(
    session: Session,
    rules: Rules,
    inspection_id: str,
    result: Result,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """Findings, outcome and handling (处理) → COMPLETED; publication falls due in 20 working days."""
    _validate_result(result, violations, rules.calendar.local_date(now))
    violations.raise_if_any()
    inspection, card = _locked(session, inspection_id)
    _require_lead(inspection, actor)
    if inspection.completed_at is not None:
        raise FailedPrecondition(
            "RESULT_ALREADY_RECORDED", "the result is already recorded; a correction is a new entry"
        )
    _require_state(
        inspection,
        [State.IN_PROGRESS, State.FILED_PENDING, State.FILED],
        "NOT_IN_PROGRESS",
        "a result is recorded after check-in",
    )
    inspection.outcome = result.outcome
    inspection.findings = result.findings
    inspection.handling = result.handling
    inspection.rectification_deadline = result.rectification_deadline
    inspection.penalty_fen = result.penalty_fen
    inspection.penalty_basis = result.penalty_basis
    inspection.completed_at = now
    inspection.publication_due_at = rules.calendar.due_after_working_days(
        now, rules.publication_due_working_days
    )
    if inspection.state == State.IN_PROGRESS:
        inspection.state = State.COMPLETED
    session.add(inspection)
    head = _append(
        session,
        card,
        inspection,
        EntryKind.INSPECTION_RESULT_RECORDED,
        actor,
        now,
        {
            "outcome": result.outcome,
            "findings": result.findings,
            "handling": result.handling,
            "rectification_deadline": result.rectification_deadline.isoformat()
            if result.rectification_deadline
            else "",
            "penalty_fen": result.penalty_fen,
            "penalty_basis": result.penalty_basis,
        },
    )
    return load_view(session, inspection), head


def publish_result(
    session: Session, inspection_id: str, *, actor: Principal, now: dt.datetime
) -> tuple[InspectionView, CardHead]:
    """Puts a completed result on the public feed (一公开) → PUBLISHED. An emergency is published
    once both offices have acknowledged its filing."""
    inspection, card = _locked(session, inspection_id)
    _require_lead(inspection, actor)
    ready = [State.FILED] if inspection.kind == Kind.EMERGENCY else [State.COMPLETED]
    if inspection.completed_at is None:
        raise FailedPrecondition(
            "NOT_COMPLETED", "only a recorded result is published", {"state": inspection.state}
        )
    _require_state(inspection, ready, "NOT_COMPLETED", "not ready for publication")
    inspection.state = State.PUBLISHED
    inspection.published_at = now
    session.add(inspection)
    late = bool(inspection.publication_due_at and now > inspection.publication_due_at)
    head = _append(session, card, inspection, EntryKind.INSPECTION_PUBLISHED, actor, now, {"late": late})
    return load_view(session, inspection), head


# --- emergencies ------------------------------------------------------------------------------


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
    """An emergency concerning life or property safety: the department decides alone and inspects at
    once → IN_PROGRESS; it must file with both offices within ``emergency_filing_hours``. Quiet days,
    weekends and the one-visit-a-day rule do not hold it back."""
    problem = uscc_problem(uscc)
    if problem:
        violations.add("uscc", problem)
    _check_ids(violations, "item_codes", item_codes, what="checklist item")
    _check_ids(violations, "inspector_ids", inspector_ids, what="inspector")
    _check_text(violations, "legal_basis", legal_basis, required=True)
    _check_text(
        violations,
        "reason",
        reason,
        required=True,
        what="an emergency states the threat to life or property safety, or the major matter",
    )
    violations.raise_if_any()
    department = _department_of(actor)
    today = rules.calendar.local_date(now)
    card = cards.lock_card(session, uscc)
    items = _check_items(session, department, item_codes)
    _check_inspectors(
        session,
        rules,
        department=department,
        uscc=uscc,
        inspector_ids=inspector_ids,
        today=today,
        valid_through=today,
    )
    inspection = Inspection(
        id=_new_id("I", now),
        uscc=uscc,
        lead_department=department,
        kind=Kind.EMERGENCY,
        origin="REQUEST",
        state=State.IN_PROGRESS,
        window_start=today,
        window_end=today,
        legal_basis=legal_basis,
        reason=reason,
        requested_by=actor.sub,
        requested_at=now,
        visit_date=today,
        checked_in_at=now,
        filing_due_at=now + dt.timedelta(hours=rules.emergency_filing_hours),
    )
    _add_participant(session, inspection, department, items, inspector_ids, present=True)
    if session.get(EnterpriseVisit, (uscc, today)) is None:
        session.add(EnterpriseVisit(uscc=uscc, visit_date=today, inspection_id=inspection.id))
    head = _append(
        session,
        card,
        inspection,
        EntryKind.EMERGENCY_STARTED,
        actor,
        now,
        {
            "reason": reason,
            "items": list(item_codes),
            "inspectors": list(inspector_ids),
            "legal_basis": legal_basis,
            "filing_due": cards.format_time(inspection.filing_due_at),  # type: ignore[arg-type]
        },
    )
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
    _check_text(violations, "report", report, required=True)
    violations.raise_if_any()
    inspection, card = _locked(session, inspection_id)
    _require_lead(inspection, actor)
    if inspection.kind != Kind.EMERGENCY:
        raise FailedPrecondition("NOT_EMERGENCY", "only an emergency inspection is filed afterwards")
    _require_state(inspection, [State.IN_PROGRESS, State.COMPLETED], "ALREADY_FILED", "filed once")
    inspection.filed_at = now
    inspection.state = State.FILED_PENDING
    session.add(inspection)
    late = bool(inspection.filing_due_at and now > inspection.filing_due_at)
    head = _append(
        session,
        card,
        inspection,
        EntryKind.EMERGENCY_FILED,
        actor,
        now,
        {
            "report": report,
            "late": late,
            "due": cards.format_time(inspection.filing_due_at) if inspection.filing_due_at else "",
            "acknowledgement_due": cards.format_time(
                rules.calendar.due_after_working_days(now, rules.decision_due_working_days)
            ),
        },
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
    _check_text(violations, "comment", comment, required=False)
    violations.raise_if_any()
    _office_of(actor)
    inspection, card = _locked(session, inspection_id)
    _require_state(
        inspection, [State.FILED_PENDING], "FILING_NOT_PENDING", "only a pending filing is acknowledged"
    )
    assert inspection.filed_at is not None
    due = rules.calendar.due_after_working_days(inspection.filed_at, rules.decision_due_working_days)
    decisions = _record_office_decision(
        session, inspection, FILING, actor, "ACKNOWLEDGE", comment, due, now, "ALREADY_ACKNOWLEDGED"
    )
    if {d.office for d in decisions} == {o.value for o in OFFICES}:
        inspection.state = State.FILED
        session.add(inspection)
    mine = decisions[-1]
    head = _append(
        session,
        card,
        inspection,
        EntryKind.FILING_ACKNOWLEDGED,
        actor,
        now,
        {
            "office": mine.office,
            "comment": comment,
            "late": mine.late,
            "filed": inspection.state == State.FILED,
        },
    )
    return load_view(session, inspection), head


# --- the enterprise's voice -------------------------------------------------------------------


def _own_inspection(session: Session, inspection_id: str, actor: Principal) -> tuple[Inspection, LockedCard]:
    inspection, card = _locked(session, inspection_id)
    if actor.role is not Role.ENTERPRISE or actor.org != inspection.uscc:
        raise PermissionDenied("only the inspected enterprise may do this", reason="OUT_OF_SCOPE")
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
    if not 1 <= score <= 5:
        violations.add("score", "must be 1 to 5")
    _check_text(violations, "comment", comment, required=False)
    violations.raise_if_any()
    inspection, card = _own_inspection(session, inspection_id, actor)
    if inspection.completed_at is None:
        raise FailedPrecondition("NOT_COMPLETED", "an inspection is rated once its result is recorded")
    if session.get(InspectionRating, inspection.id) is not None:
        raise FailedPrecondition("ALREADY_RATED", "this inspection is already rated")
    session.add(InspectionRating(inspection_id=inspection.id, score=score, comment=comment, rated_at=now))
    head = _append(
        session,
        card,
        inspection,
        EntryKind.INSPECTION_RATED,
        actor,
        now,
        {"score": score, "comment": comment},
    )
    return load_view(session, inspection), head


def file_complaint(
    session: Session,
    inspection_id: str,
    text: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[str, CardHead]:
    _check_text(violations, "text", text, required=True)
    violations.raise_if_any()
    if actor.role is not Role.ENTERPRISE:
        raise PermissionDenied("complaints come from enterprises", reason="ROLE_NOT_ALLOWED")
    department = None
    if inspection_id:
        inspection, card = _own_inspection(session, inspection_id, actor)
        department = inspection.lead_department
    else:
        card = cards.lock_card(session, actor.org)
    complaint = Complaint(
        id=_new_id("C", now),
        uscc=actor.org,
        inspection_id=inspection_id or None,
        text=text,
        filed_by=actor.sub,
        filed_at=now,
    )
    session.add(complaint)
    cards.append_entry(
        session,
        card,
        kind=EntryKind.COMPLAINT_FILED,
        actor=actor,
        at=now,
        payload={"complaint_id": complaint.id, "text": text},
        department_code=department,
        inspection_id=inspection_id or None,
    )
    return complaint.id, cards.head_of(card)


# --- reading ----------------------------------------------------------------------------------


def _may_read(inspection: Inspection, viewer: Principal, departments: set[str]) -> bool:
    if viewer.role in (*OFFICES, Role.ADMIN):
        return True
    if viewer.role is Role.ENTERPRISE:
        return viewer.org == inspection.uscc
    if viewer.role is Role.DEPARTMENT:
        return viewer.org in departments
    return False


def get_inspection(session: Session, inspection_id: str, *, viewer: Principal) -> InspectionView:
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise NotFound("inspection", inspection_id)
    view = load_view(session, inspection)
    if not _may_read(inspection, viewer, {p.department_code for p in view.participants}):
        raise PermissionDenied("outside the caller's scope", reason="OUT_OF_SCOPE")
    return view


@dataclass(frozen=True)
class InspectionQuery:
    uscc: str = ""
    department_code: str = ""
    state: str = ""
    kind: str = ""
    window_from: dt.date | None = None
    window_to: dt.date | None = None
    awaiting_my_decision: bool = False

    def as_filters(self) -> dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.__dict__.items()}


def _taking_part(department_code: str) -> Any:
    """Inspections in which ``department_code`` takes part (as lead or participant)."""
    return col(Inspection.id).in_(
        select(col(InspectionParticipant.inspection_id)).where(
            col(InspectionParticipant.department_code) == department_code
        )
    )


def _newest_first(
    session: Session, statement: Any, filters: dict[str, Any], *, size: int, token: str
) -> tuple[list[InspectionView], str]:
    """One page of ``statement``'s inspections, newest request first, keyset-paginated by id."""
    limit = page_size(size, default=50)
    after = decode_token(token, filters, key_type=str)
    if after is not None:
        statement = statement.where(col(Inspection.id) < after)
    rows = list(session.execute(statement.order_by(col(Inspection.id).desc()).limit(limit + 1)).scalars())
    next_token = ""
    if len(rows) > limit:
        rows = rows[:limit]
        next_token = encode_token(rows[-1].id, filters)
    return load_views(session, rows), next_token


def list_inspections(
    session: Session, query: InspectionQuery, *, viewer: Principal, size: int, token: str
) -> tuple[list[InspectionView], str]:
    """Inspections the viewer may see, newest request first."""
    statement = select(Inspection)
    if viewer.role is Role.ENTERPRISE:
        statement = statement.where(col(Inspection.uscc) == viewer.org)
    elif viewer.role is Role.DEPARTMENT:
        statement = statement.where(_taking_part(viewer.org))
    if query.uscc:
        statement = statement.where(col(Inspection.uscc) == query.uscc)
    if query.department_code:
        statement = statement.where(_taking_part(query.department_code))
    if query.state:
        statement = statement.where(col(Inspection.state) == query.state)
    if query.kind:
        statement = statement.where(col(Inspection.kind) == query.kind)
    if query.window_from:
        statement = statement.where(col(Inspection.window_end) >= query.window_from)
    if query.window_to:
        statement = statement.where(col(Inspection.window_start) <= query.window_to)
    if query.awaiting_my_decision:
        if viewer.role not in OFFICES:
            raise PermissionDenied("only an office has decisions waiting", reason="ROLE_NOT_ALLOWED")
        mine = select(col(InspectionDecision.inspection_id)).where(
            col(InspectionDecision.office) == viewer.role.value
        )
        statement = statement.where(
            or_(
                (col(Inspection.state) == State.REQUESTED)
                & col(Inspection.id).not_in(mine.where(col(InspectionDecision.stage) == APPROVAL)),
                (col(Inspection.state) == State.FILED_PENDING)
                & col(Inspection.id).not_in(mine.where(col(InspectionDecision.stage) == FILING)),
            )
        )
    filters = {**query.as_filters(), "viewer": f"{viewer.role.value}:{viewer.org}"}
    return _newest_first(session, statement, filters, size=size, token=token)


def list_published(
    session: Session, *, uscc: str, department_code: str, size: int, token: str
) -> tuple[list[InspectionView], str]:
    """The public feed (一公开): published results, newest request first."""
    statement = select(Inspection).where(col(Inspection.state) == State.PUBLISHED)
    if uscc:
        statement = statement.where(col(Inspection.uscc) == uscc)
    if department_code:
        statement = statement.where(_taking_part(department_code))
    filters = {"uscc": uscc, "department_code": department_code}
    return _newest_first(session, statement, filters, size=size, token=token)
