"""Both offices decide a requested inspection (联合批准), or its department cancels it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlmodel import Session

from inspection.auth import Principal
from inspection.domain import approval
from inspection.domain.approval import Stage, Standing, Subject, SubjectKind, Verdict
from inspection.domain.card import CardHead
from inspection.domain.inspections.common import apply, load_view, locked, require_lead
from inspection.domain.inspections.lifecycle import Event, step
from inspection.domain.inspections.model import InspectionView, Rules
from inspection.domain.text import check_identifier, check_text
from inspection.errors import FailedPrecondition, Violations
from inspection.reasons import Reason

#: Letters and digits that cannot be mistaken for one another when read out at the door.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 6, 4
#: The longest text a typed code may be: 24 characters with dashes or spaces between the groups,
#: and some slack for a space on either side.
MAX_CODE_TEXT = 64

_EVENT = {
    Standing.PENDING: Event.APPROVE_FIRST,
    Standing.COMPLETE: Event.APPROVE,
    Standing.REJECTED: Event.REJECT,
}


def new_inspection_code() -> str:
    """An unguessable inspection code (检查码): 24 characters of a 31-letter alphabet (about 119
    random bits), written in groups of four, e.g. ``K7QM-2XHD-…``."""
    text = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(text[i : i + CODE_GROUP_LENGTH] for i in range(0, len(text), CODE_GROUP_LENGTH))


def normalize_code(text: str) -> str:
    """The code as stored, from what a person typed: any case, with or without spaces or dashes.
    The caller bounds the length first (``MAX_CODE_TEXT``)."""
    compact = "".join(c for c in text[:MAX_CODE_TEXT].upper() if c not in " -")
    return "-".join(compact[i : i + CODE_GROUP_LENGTH] for i in range(0, len(compact), CODE_GROUP_LENGTH))


def code_digest(code: str) -> str:
    """What the card records of a code: never the code itself."""
    return hashlib.sha256(code.encode()).hexdigest()[:16]


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
    """One office approves or rejects. Both approve → APPROVED with a code; either rejects → REJECTED.
    A request whose window has ended can no longer be approved (``WINDOW_ENDED``)."""
    check_identifier(violations, "inspection_id", inspection_id)
    approval.check_verdict(violations, Stage.APPROVAL, decision, comment)
    check_text(violations, "comment", comment, required=False)
    violations.raise_if_any()
    approval.office_of(actor)
    inspection, card = locked(session, inspection_id)
    step(
        inspection.kind, inspection.state, Event.APPROVE_FIRST, inspection.origin
    )  # refuses a subject not pending
    today = rules.calendar.today(now)
    if decision == Verdict.APPROVE and today > inspection.window_end:
        raise FailedPrecondition(
            Reason.WINDOW_ENDED,
            f"the requested window ended on {inspection.window_end}; the request can only expire",
            {"window_end": inspection.window_end.isoformat()},
        )
    decided = approval.decide(
        session,
        Subject(SubjectKind.INSPECTION, inspection.id),
        Stage.APPROVAL,
        actor=actor,
        verdict=Verdict(decision),
        comment=comment,
        due_time=inspection.decision_due_time,
        now=now,
    )
    payload: dict[str, Any] = decided.decision.entry_payload()
    changes: dict[str, Any] = {}
    if decided.standing is not Standing.PENDING:
        changes["decide_time"] = now
    if decided.standing is Standing.COMPLETE:
        code = new_inspection_code()
        changes["code"] = code
        payload["approved_by"] = decided.deciders
        payload["code_digest"] = code_digest(code)
    _, head = apply(
        session,
        card,
        inspection,
        _EVENT[decided.standing],
        actor=actor,
        now=now,
        payload=payload,
        changes=changes,
    )
    held = {inspection.id: {Stage.APPROVAL: list(decided.decisions), Stage.FILING: []}}
    return load_view(session, inspection, decisions=held), head


def cancel_inspection(
    session: Session,
    inspection_id: str,
    reason: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> tuple[InspectionView, CardHead]:
    """The requesting department withdraws an inspection not yet started → CANCELLED."""
    check_identifier(violations, "inspection_id", inspection_id)
    check_text(violations, "reason", reason, required=True)
    violations.raise_if_any()
    inspection, card = locked(session, inspection_id)
    require_lead(inspection, actor)
    _, head = apply(
        session,
        card,
        inspection,
        Event.CANCEL,
        actor=actor,
        now=now,
        payload={"reason": reason},
        changes={"cancel_reason": reason},
    )
    return load_view(session, inspection), head
