"""Joint checks (联合检查, DESIGN §5): one visit, several departments, one approval.

A lead department proposes a joint check of one enterprise, inviting other departments → PROPOSED.
Each invited department confirms with its own checklist items and its own inspectors (the rules of
a single request: published items of its own, at least two certified, non-recused inspectors valid
through the window) or declines with a reason. The last answer sends the joint check to both
offices (REQUESTED) — or, when every invited department declined, cancels it: one department
alone is not a joint check. From REQUESTED on, a joint check is an inspection approved in
advance: one joint approval by both offices, one inspection code that lists every department,
item and inspector on the doorstep, one check-in, one visit for the enterprise.

Every step is a card entry naming all the check's departments, written in the step's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlmodel import Session

from inspection.auth import Principal
from inspection.domain import card as cards
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
from inspection.domain.inspections.model import (
    Acceptance,
    Handling,
    Inspection,
    InspectionView,
    Kind,
    Origin,
    Outcome,
    Rules,
    State,
)
from inspection.domain.inspections.request import InspectionRequest, check_requesting_part, validate_request
from inspection.domain.inspections.result import Result, validate_result
from inspection.domain.registry import project_kind_items
from inspection.domain.text import check_identifier, check_identifiers, check_text
from inspection.errors import FailedPrecondition, NotFound, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import inspections as stored
from inspection.storage import registry as directory
from inspection.storage.models import ChecklistItem, Department, ProjectKind


@dataclass(frozen=True)
class JointCheckProposal:
    """The lead's part of a joint check, the departments it invites, and the pending requests of
    the same enterprise it absorbs (进一次门)."""

    request: InspectionRequest
    department_codes: tuple[str, ...]
    merge_inspection_ids: tuple[str, ...] = ()


def propose_joint_check(
    session: Session,
    rules: Rules,
    proposal: JointCheckProposal,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """The lead department proposes a joint check → PROPOSED, waiting for the invited departments."""
    request = proposal.request
    validate_request(request, violations, rules)
    if proposal.department_codes or not proposal.merge_inspection_ids:
        check_identifiers(
            violations, "department_codes", proposal.department_codes, what="invited department"
        )
    if proposal.merge_inspection_ids:
        check_identifiers(violations, "merge_inspection_ids", proposal.merge_inspection_ids, what="request")
    violations.raise_if_any()
    assert request.window_start is not None and request.window_end is not None
    lead = department_of(actor)
    if lead in proposal.department_codes:
        violations.add("department_codes", "names the lead department itself; invite the others")
    for code in proposal.department_codes:
        if directory.find(session, Department, code) is not None:
            continue
        violations.add("department_codes", f"names no registered department ({code!r})")
    violations.raise_if_any()

    card = cards.lock_card(session, request.uscc)
    check_requesting_part(session, rules, request, lead, now=now)

    inspection = Inspection(
        id=new_id("I", rules.calendar, now),
        uscc=request.uscc,
        lead_department=lead,
        kind=request.kind,
        origin=Origin.JOINT_CHECK,
        state="",
        window_start=request.window_start,
        window_end=request.window_end,
        legal_basis=request.legal_basis,
        reason=request.reason,
        requested_by=actor.sub,
        request_time=now,
        # Due once every invited department has answered; until then, provisionally from now.
        decision_due_time=rules.calendar.due_after_working_days(now, rules.decision_due_working_days),
    )
    merged = _mergeable(session, inspection, proposal.merge_inspection_ids)
    invited = list(proposal.department_codes)
    invited += [m.lead_department for m in merged if m.lead_department not in (lead, *invited)]
    if not invited:
        violations.add("department_codes", "a joint check needs at least one other department")
        violations.raise_if_any()
    departments = [lead, *invited]
    head = create(
        session,
        card,
        inspection,
        Event.PROPOSE,
        item_codes=request.item_codes,
        inspector_ids=request.inspector_ids,
        present=False,
        actor=actor,
        now=now,
        payload={
            "kind": inspection.kind,
            "window": [inspection.window_start.isoformat(), inspection.window_end.isoformat()],
            "departments": departments,
            "items": list(request.item_codes),
            "inspectors": list(request.inspector_ids),
            "legal_basis": inspection.legal_basis,
            "reason": inspection.reason,
            "merges": [m.id for m in merged],
        },
    )
    stored.invite(session, inspection.id, invited)
    for request_merged in merged:
        if request_merged.lead_department == lead:  # the lead's own: absorbed at once
            head = _absorb(session, card, request_merged, inspection.id, actor=actor, now=now)
        else:  # another department's: absorbed when that department confirms
            stored.set_merge(session, inspection.id, request_merged.lead_department, request_merged.id)
    return load_view(session, inspection), head


#: The states of a request a joint check may absorb: decided or not, but not yet visited.
_MERGEABLE = (State.REQUESTED.value, State.APPROVED.value)


def _mergeable(session: Session, joint_check: Inspection, ids: Sequence[str]) -> list[Inspection]:
    """The requests to merge, each of the same enterprise, pending or approved, in an overlapping
    window, at most one per department."""
    found: list[Inspection] = []
    for inspection_id in ids:
        other = stored.get(session, inspection_id)
        if other is None:
            raise NotFound("inspection", inspection_id)
        problem = ""
        if other.uscc != joint_check.uscc:
            problem = "it concerns another enterprise"
        elif other.origin == Origin.JOINT_CHECK or other.state not in _MERGEABLE:
            problem = f"it is {other.state.lower()}, not a pending or approved request"
        elif other.window_end < joint_check.window_start or other.window_start > joint_check.window_end:
            problem = f"its window ({other.window_start}–{other.window_end}) does not overlap"
        elif any(f.lead_department == other.lead_department for f in found):
            problem = f"another request of {other.lead_department} is merged already"
        if problem:
            raise FailedPrecondition(
                Reason.NOT_MERGEABLE,
                f"request {inspection_id} cannot be merged: {problem}",
                {"inspection_id": inspection_id},
            )
        found.append(other)
    return found


def _absorb(
    session: Session,
    card: cards.LockedCard,
    merged: Inspection,
    joint_check_id: str,
    *,
    actor: Principal,
    now: dt.datetime,
) -> CardHead:
    """Cancels a request merged into a joint check, with a reference to it, on the card."""
    reason = f"merged into joint check {joint_check_id} (进一次门)"
    _, head = apply(
        session,
        card,
        merged,
        Event.CANCEL,
        actor=actor,
        now=now,
        changes={"cancel_reason": reason},
        department_code=merged.lead_department,
        payload={"reason": reason, "merged_into": joint_check_id},
    )
    return head


@dataclass(frozen=True)
class AcceptanceRequest:
    """An enterprise's own request for a joint acceptance (预约验收) of a named project."""

    uscc: str
    project: str
    department_codes: tuple[str, ...]
    window_start: dt.date | None
    window_end: dt.date | None
    #: Checklist items the project needs accepted: their departments join the named ones.
    item_codes: tuple[str, ...] = ()
    #: A kind of project from the catalogue: its designated department leads, and its usual items
    #: are taken when no items are named.
    project_kind: str = ""


#: The legal basis of an acceptance the enterprise applies for (依申请).
ON_APPLICATION = "依申请：企业预约验收"


def request_acceptance(
    session: Session,
    rules: Rules,
    request: AcceptanceRequest,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """An enterprise asks the departments it names to accept its project together → PROPOSED.
    The first department named leads; every department named is required, and confirms with its
    own part (the lead too) — a decline by any of them ends the request."""
    check_text(violations, "project", request.project, required=True)
    kind = None
    if request.project_kind:
        check_identifier(violations, "project_kind", request.project_kind)
        if not violations.has("project_kind"):
            kind = directory.find(session, ProjectKind, request.project_kind)
            if kind is None:
                violations.add(
                    "project_kind", f"names no kind of project in the catalogue ({request.project_kind!r})"
                )
    if kind is not None and not request.item_codes:
        request = replace(request, item_codes=tuple(project_kind_items(kind)))
    if request.department_codes or not (request.item_codes or kind):
        check_identifiers(violations, "department_codes", request.department_codes, what="department")
    if request.item_codes:
        check_identifiers(violations, "item_codes", request.item_codes, what="checklist item")
    if request.window_start is None and not violations.has("window_start"):
        violations.add("window_start", "is required")
    if request.window_end is None and not violations.has("window_end"):
        violations.add("window_end", "is required")
    if request.window_start and request.window_end:
        if request.window_end < request.window_start:
            violations.add("window_end", "must not be before window_start")
        elif (request.window_end - request.window_start).days + 1 > rules.max_window_days:
            violations.add("window_end", f"a window spans at most {rules.max_window_days} days")
    violations.raise_if_any()
    for code in request.department_codes:
        if directory.find(session, Department, code) is None:
            violations.add("department_codes", f"names no registered department ({code!r})")
    # The catalogue's lead first, then the named departments, then those of the items chosen.
    departments = ([kind.lead_department] if kind else []) + [
        code for code in request.department_codes if not kind or code != kind.lead_department
    ]
    for index, item_code in enumerate(request.item_codes):
        item = directory.find(session, ChecklistItem, item_code)
        if item is None or not item.published:
            violations.add(f"item_codes[{index}]", f"names no published checklist item ({item_code!r})")
        elif item.department_code not in departments:
            departments.append(item.department_code)
    if len(departments) < 2 and not violations:
        violations.add(
            "department_codes", "a joint acceptance needs at least two departments (named, or of the items)"
        )
    violations.raise_if_any()
    assert request.window_start is not None and request.window_end is not None
    today = rules.calendar.today(now)
    if request.window_start < today:
        raise FailedPrecondition(
            Reason.WINDOW_IN_PAST, f"the window opens on {request.window_start}, before today ({today})"
        )
    card = cards.lock_card(session, request.uscc)
    if stored.enterprise(session, request.uscc) is None:
        raise NotFound("enterprise", request.uscc)
    lead, *others = departments
    inspection = Inspection(
        id=new_id("I", rules.calendar, now),
        uscc=request.uscc,
        lead_department=lead,
        kind=Kind.SPECIAL,
        origin=Origin.JOINT_CHECK,
        state="",
        window_start=request.window_start,
        window_end=request.window_end,
        legal_basis=ON_APPLICATION,
        reason=request.project,
        requested_by=actor.sub,
        request_time=now,
        decision_due_time=rules.calendar.due_after_working_days(now, rules.decision_due_working_days),
    )
    head = create(
        session,
        card,
        inspection,
        Event.PROPOSE,
        item_codes=(),
        inspector_ids=(),
        present=False,
        actor=actor,
        now=now,
        lead_confirmed=False,
        payload={
            "requested_by_enterprise": True,
            "project": request.project,
            "project_kind": request.project_kind,
            "window": [inspection.window_start.isoformat(), inspection.window_end.isoformat()],
            "departments": departments,
            "required": departments,
            "items": list(request.item_codes),
        },
    )
    stored.invite(session, inspection.id, others, required=True)
    return load_view(session, inspection), head


def _answering(
    session: Session, inspection_id: str, actor: Principal, event: Event
) -> tuple[Inspection, cards.LockedCard, str, dict[str, bool]]:
    """The joint check an invited department answers, under its card lock, and who takes part.
    An inspection that is not a joint check, or no longer waiting for answers, is refused with the
    table's reason before anything else."""
    department = department_of(actor)
    inspection, card = locked(session, inspection_id)
    step(inspection.kind, inspection.state, event, inspection.origin)
    participation = stored.participation(session, inspection.id)
    if department not in participation:
        raise PermissionDenied(
            "this department is not invited to this joint check (or has declined it)",
            reason=Reason.NOT_INVITED,
        )
    if participation[department]:
        raise FailedPrecondition(
            Reason.ALREADY_ANSWERED, f"department {department} has already confirmed this joint check"
        )
    return inspection, card, department, participation


def _payload(participation: dict[str, bool], **fields: object) -> dict[str, object]:
    return {"departments": sorted(participation), **fields}


def confirm_participation(
    session: Session,
    rules: Rules,
    inspection_id: str,
    item_codes: Sequence[str],
    inspector_ids: Sequence[str],
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """An invited department confirms with its part; the last answer sends the check to both offices."""
    violations = Violations()
    check_identifiers(violations, "item_codes", item_codes, what="checklist item")
    check_identifiers(violations, "inspector_ids", inspector_ids, what="inspector")
    violations.raise_if_any()
    inspection, card, department, participation = _answering(session, inspection_id, actor, Event.CONFIRM)
    pending = [code for code, confirmed in participation.items() if not confirmed and code != department]
    event = Event.CONFIRM if pending else Event.CONFIRM_LAST
    check_items(session, department, item_codes)
    check_inspectors(
        session,
        rules,
        department=department,
        uscc=inspection.uscc,
        inspector_ids=inspector_ids,
        today=rules.calendar.today(now),
        valid_through=inspection.window_end,
    )
    changes = {} if pending else _requested(rules, now)
    _, head = apply(
        session,
        card,
        inspection,
        event,
        actor=actor,
        now=now,
        changes=changes,
        department_code=department,
        payload=_payload(
            participation,
            confirmed_by=department,
            items=list(item_codes),
            inspectors=list(inspector_ids),
            waiting_for=pending,
            **_due(changes),
        ),
    )
    stored.confirm_part(session, inspection.id, department, item_codes, inspector_ids)
    merged_id = stored.merge_of(session, inspection.id, department)
    merged = stored.get(session, merged_id) if merged_id else None
    if merged is not None and merged.state in _MERGEABLE:  # its consent: the request joins the check
        head = _absorb(session, card, merged, inspection.id, actor=actor, now=now)
    return load_view(session, inspection), head


def decline_participation(
    session: Session,
    rules: Rules,
    inspection_id: str,
    reason: str,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """An invited department declines. The last answer sends the check to both offices, or — when
    only the lead would remain — cancels it."""
    violations = Violations()
    check_text(violations, "reason", reason, required=True)
    violations.raise_if_any()
    inspection, card, department, participation = _answering(session, inspection_id, actor, Event.DECLINE)
    remaining = {code: confirmed for code, confirmed in participation.items() if code != department}
    pending = [code for code, confirmed in remaining.items() if not confirmed]
    changes: dict[str, object] = {}
    if department in stored.required_departments(session, inspection.id):
        event = Event.DECLINE_REQUIRED
        changes = {
            "cancel_reason": f"{department}, required by the enterprise's acceptance request, declined"
        }
    elif pending:
        event = Event.DECLINE
    elif len(remaining) >= 2:
        event, changes = Event.DECLINE_LAST, _requested(rules, now)
    else:
        event = Event.DECLINE_LAST_ALONE
        changes = {
            "cancel_reason": "every invited department declined; one department alone is not a joint check"
        }
    _, head = apply(
        session,
        card,
        inspection,
        event,
        actor=actor,
        now=now,
        changes=changes,
        department_code=department,
        payload=_payload(
            participation, declined_by=department, reason=reason, waiting_for=pending, **_due(changes)
        ),
    )
    stored.withdraw(session, inspection.id, department)
    return load_view(session, inspection), head


def _requested(rules: Rules, now: dt.datetime) -> dict[str, object]:
    """Every invited department has answered: the offices' decision is due from now."""
    return {"decision_due_time": rules.calendar.due_after_working_days(now, rules.decision_due_working_days)}


def _due(changes: dict[str, object]) -> dict[str, str]:
    due = changes.get("decision_due_time")
    return {"decision_due": cards.format_time(due)} if isinstance(due, dt.datetime) else {}


# --- the visit's result: each department's part, then the unified acceptance (统一验收) ---------


def record_part(
    session: Session,
    rules: Rules,
    inspection_id: str,
    part: Result,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """A confirmed department records its part of a joint check in progress (its items' findings,
    outcome and handling, under the rules of a single result)."""
    check_identifier(violations, "inspection_id", inspection_id)
    validate_result(part, violations, rules.calendar.today(now))
    violations.raise_if_any()
    department = department_of(actor)
    inspection, card = locked(session, inspection_id)
    step(inspection.kind, inspection.state, Event.RECORD_PART, inspection.origin)
    participation = stored.participation(session, inspection.id)
    if not participation.get(department):
        raise PermissionDenied(
            f"department {department} takes no part in this joint check", reason=Reason.NOT_YOUR_INSPECTION
        )
    recorded = {p.department_code for p in stored.parts(session, [inspection.id])}
    if department in recorded:
        raise FailedPrecondition(
            Reason.PART_ALREADY_RECORDED,
            f"department {department} has recorded its part; a correction is a new entry",
        )
    _, head = apply(
        session,
        card,
        inspection,
        Event.RECORD_PART,
        actor=actor,
        now=now,
        department_code=department,
        payload=_payload(
            participation,
            part_of=department,
            **_result_payload(part),
            waiting_for=sorted(
                code for code, ok in participation.items() if ok and code not in {*recorded, department}
            ),
        ),
    )
    stored.add_part(
        session,
        {
            "inspection_id": inspection.id,
            "department_code": department,
            "outcome": part.outcome,
            "findings": part.findings,
            "handling": part.handling,
            "rectification_deadline": part.rectification_deadline,
            "penalty_fen": part.penalty_fen,
            "penalty_basis": part.penalty_basis,
            "recorded_by": actor.sub,
            "record_time": now,
        },
    )
    return load_view(session, inspection), head


@dataclass(frozen=True)
class AcceptanceRecord:
    verdict: str
    opinion: str
    rectification_deadline: dt.date | None


def record_acceptance(
    session: Session,
    rules: Rules,
    inspection_id: str,
    acceptance: AcceptanceRecord,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """The lead's unified acceptance, once every confirmed department's part is in → COMPLETED. The
    inspection's result is the parts together: issues found if any part found any, the strictest
    handling, the penalties summed, the findings by department; publication falls due as for any
    result."""
    check_identifier(violations, "inspection_id", inspection_id)
    today = rules.calendar.today(now)
    if acceptance.verdict not in Acceptance.__members__:
        violations.add("verdict", "must be PASSED, PASSED_WITH_CONDITIONS or NOT_PASSED")
    elif acceptance.verdict != Acceptance.PASSED:
        if acceptance.rectification_deadline is None:
            violations.add("rectification_deadline", "is required unless the acceptance passed")
        elif acceptance.rectification_deadline < today:
            violations.add("rectification_deadline", "must not be before today")
        check_text(violations, "opinion", acceptance.opinion, required=True, what="say what must be done")
    else:
        check_text(violations, "opinion", acceptance.opinion, required=False)
    violations.raise_if_any()
    inspection, card = locked(session, inspection_id)
    require_lead(inspection, actor)
    step(inspection.kind, inspection.state, Event.ACCEPT, inspection.origin)
    participation = stored.participation(session, inspection.id)
    parts = {p.department_code: p for p in stored.parts(session, [inspection.id])}
    missing = sorted(code for code, confirmed in participation.items() if confirmed and code not in parts)
    if missing:
        raise FailedPrecondition(
            Reason.PARTS_MISSING,
            f"waiting for the part of {', '.join(missing)}; the acceptance comes when every part is in",
            {"departments": ",".join(missing)},
        )
    issues = any(p.outcome == Outcome.ISSUES_FOUND for p in parts.values())
    if acceptance.verdict == Acceptance.PASSED and issues:
        raise FailedPrecondition(
            Reason.ACCEPTANCE_CONTRADICTS_PARTS,
            "a part found issues; the acceptance passes only with conditions, or does not pass",
        )
    handling = max((p.handling for p in parts.values()), key=_SEVERITY.index, default=Handling.NONE)
    if acceptance.verdict != Acceptance.PASSED and handling == Handling.NONE:
        handling = Handling.RECTIFICATION
    findings = "\n".join(f"{code}: {p.findings}" for code, p in sorted(parts.items()) if p.findings)
    penalty_fen = sum(p.penalty_fen for p in parts.values())
    penalty_basis = "; ".join(
        f"{code}: {p.penalty_basis}" for code, p in sorted(parts.items()) if p.penalty_basis
    )
    outcome = Outcome.ISSUES_FOUND if issues or acceptance.verdict != Acceptance.PASSED else Outcome.NO_ISSUES
    # Not passed: the failed parts (every part, if none found issues itself) are re-checked.
    failed = sorted(code for code, p in parts.items() if p.outcome == Outcome.ISSUES_FOUND) or sorted(parts)
    recheck_id = new_id("I", rules.calendar, now) if acceptance.verdict == Acceptance.NOT_PASSED else ""
    _, head = apply(
        session,
        card,
        inspection,
        Event.ACCEPT,
        actor=actor,
        now=now,
        payload=_payload(
            participation,
            verdict=acceptance.verdict,
            opinion=acceptance.opinion,
            rectification_deadline=acceptance.rectification_deadline.isoformat()
            if acceptance.rectification_deadline
            else "",
            parts={code: {"outcome": p.outcome, "handling": p.handling} for code, p in sorted(parts.items())},
            **({"recheck": recheck_id} if recheck_id else {}),
        ),
        changes={
            "acceptance": acceptance.verdict,
            "outcome": outcome.value,
            "findings": "\n".join(filter(None, [findings, acceptance.opinion])),
            "handling": handling,
            "rectification_deadline": acceptance.rectification_deadline,
            "penalty_fen": penalty_fen,
            "penalty_basis": penalty_basis,
            "complete_time": now,
            "publication_due_time": rules.calendar.due_after_working_days(
                now, rules.publication_due_working_days
            ),
        },
    )
    view = load_view(session, inspection)
    if recheck_id:
        assert acceptance.rectification_deadline is not None
        head = _schedule_recheck(
            session,
            rules,
            card,
            inspection,
            recheck_id,
            failed,
            acceptance.rectification_deadline,
            actor=actor,
            now=now,
        )
    return view, head


#: How long after the rectification deadline a re-check may take place.
RECHECK_WINDOW_DAYS = 14


def _schedule_recheck(
    session: Session,
    rules: Rules,
    card: cards.LockedCard,
    original: Inspection,
    recheck_id: str,
    failed: Sequence[str],
    deadline: dt.date,
    *,
    actor: Principal,
    now: dt.datetime,
) -> CardHead:
    """A new joint check of the failed parts only: their departments, items and inspectors, already
    confirmed, for both offices to approve; its window opens on the rectification deadline."""
    assigned = stored.assignment(session, original.id)
    lead = original.lead_department if original.lead_department in failed else failed[0]
    decision_due = rules.calendar.due_after_working_days(now, rules.decision_due_working_days)
    recheck = Inspection(
        id=recheck_id,
        uscc=original.uscc,
        lead_department=lead,
        kind=original.kind,
        origin=Origin.JOINT_CHECK,
        state="",
        window_start=deadline,
        window_end=deadline + dt.timedelta(days=min(RECHECK_WINDOW_DAYS, rules.max_window_days - 1)),
        legal_basis=original.legal_basis,
        reason=f"整改复查 {original.id}: {original.reason}",
        requested_by=actor.sub,
        request_time=now,
        decision_due_time=decision_due,
        recheck_of=original.id,
    )
    items, inspectors = assigned.get(lead, ([], []))
    head = create(
        session,
        card,
        recheck,
        Event.RECHECK,
        item_codes=items,
        inspector_ids=inspectors,
        present=False,
        actor=actor,
        now=now,
        payload={
            "recheck_of": original.id,
            "departments": list(failed),
            "window": [recheck.window_start.isoformat(), recheck.window_end.isoformat()],
            "items": {code: assigned.get(code, ([], []))[0] for code in failed},
            "decision_due": cards.format_time(decision_due),
        },
    )
    others = [code for code in failed if code != lead]
    stored.invite(session, recheck.id, others)
    for code in others:
        items, inspectors = assigned.get(code, ([], []))
        stored.confirm_part(session, recheck.id, code, items, inspectors)
    return head


#: Handling from the mildest to the strictest.
_SEVERITY = [Handling.NONE.value, Handling.RECTIFICATION.value, Handling.PENALTY.value]


def _result_payload(part: Result) -> dict[str, object]:
    return {
        "outcome": part.outcome,
        "findings": part.findings,
        "handling": part.handling,
        "rectification_deadline": part.rectification_deadline.isoformat()
        if part.rectification_deadline
        else "",
        "penalty_fen": part.penalty_fen,
        "penalty_basis": part.penalty_basis,
    }
