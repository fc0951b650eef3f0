"""The result of a visit — findings, outcome and handling (处理) — and its publication (一公开)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from inspection.auth import Principal
from inspection.domain.card import CardHead
from inspection.domain.inspections.common import apply, load_view, locked, require_lead
from inspection.domain.inspections.lifecycle import Event, step
from inspection.domain.inspections.model import Handling, InspectionView, Outcome, Rules
from inspection.domain.text import check_identifier, check_text
from inspection.errors import FailedPrecondition, Violations
from inspection.reasons import Reason


@dataclass(frozen=True)
class Result:
    outcome: str
    findings: str
    handling: str
    rectification_deadline: dt.date | None
    penalty_fen: int
    penalty_basis: str


def validate_result(result: Result, violations: Violations, today: dt.date) -> None:
    if result.outcome not in Outcome.__members__ and not violations.has("result.outcome"):
        violations.add("result.outcome", "must be NO_ISSUES or ISSUES_FOUND")
    if result.handling not in Handling.__members__ and not violations.has("result.handling"):
        violations.add("result.handling", "must be NONE, RECTIFICATION or PENALTY")
    check_text(
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
        check_text(
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
    check_identifier(violations, "inspection_id", inspection_id)
    validate_result(result, violations, rules.calendar.today(now))
    violations.raise_if_any()
    inspection, card = locked(session, inspection_id)
    require_lead(inspection, actor)
    step(inspection.kind, inspection.state, Event.RECORD_RESULT, inspection.origin)
    if inspection.complete_time is not None:
        raise FailedPrecondition(
            Reason.RESULT_ALREADY_RECORDED, "the result is already recorded; a correction is a new entry"
        )
    _, head = apply(
        session,
        card,
        inspection,
        Event.RECORD_RESULT,
        actor=actor,
        now=now,
        payload={
            "outcome": result.outcome,
            "findings": result.findings,
            "handling": result.handling,
            "rectification_deadline": result.rectification_deadline.isoformat()
            if result.rectification_deadline
            else "",
            "penalty_fen": result.penalty_fen,
            "penalty_basis": result.penalty_basis,
        },
        changes={
            "outcome": result.outcome,
            "findings": result.findings,
            "handling": result.handling,
            "rectification_deadline": result.rectification_deadline,
            "penalty_fen": result.penalty_fen,
            "penalty_basis": result.penalty_basis,
            "complete_time": now,
            "publication_due_time": rules.calendar.due_after_working_days(
                now, rules.publication_due_working_days
            ),
        },
    )
    return load_view(session, inspection), head


def publish_result(
    session: Session, inspection_id: str, violations: Violations, *, actor: Principal, now: dt.datetime
) -> tuple[InspectionView, CardHead]:
    """Puts a completed result on the public feed (一公开) → PUBLISHED. An emergency is published
    once both offices have acknowledged its filing."""
    check_identifier(violations, "inspection_id", inspection_id)
    violations.raise_if_any()
    inspection, card = locked(session, inspection_id)
    require_lead(inspection, actor)
    step(inspection.kind, inspection.state, Event.PUBLISH, inspection.origin)
    if inspection.complete_time is None:
        raise FailedPrecondition(
            Reason.NOT_COMPLETED, "only a recorded result is published", {"state": inspection.state}
        )
    late = bool(inspection.publication_due_time and now > inspection.publication_due_time)
    _, head = apply(
        session,
        card,
        inspection,
        Event.PUBLISH,
        actor=actor,
        now=now,
        payload={"late": late},
        changes={"publish_time": now},
    )
    return load_view(session, inspection), head
