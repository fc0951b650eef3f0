"""Refunds (退费) of the single fee (一费制, DESIGN §7): the enterprise asks → the collecting
department verifies → both offices approve (联合批准, ``approval.SubjectKind.REFUND``) → the
service hall pays back. Each step is due a number of working days after the step before it; a late
step still counts and is recorded late. A refund is of one paid line, in whole or in part, so the
split of what was paid by department and collecting unit stays exact after any refund.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Any

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain import approval
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.domain.card import CardHead, EntryKind, LockedCard
from inspection.domain.fees.model import BillState, LineState
from inspection.domain.inspections.common import department_of, new_id
from inspection.domain.text import check_identifier, check_text
from inspection.errors import FailedPrecondition, NotFound, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import fees as stored
from inspection.storage.fee_models import FeeLine, FeeRefund

__all__ = ["FeeRefund"]

#: Working days each step is due after the one before it (request → verify → approve → pay).
STEP_WORKING_DAYS = 10


class RefundState(enum.StrEnum):
    REQUESTED = "REQUESTED"
    VERIFIED = "VERIFIED"
    APPROVED = "APPROVED"
    PAID = "PAID"
    REFUSED = "REFUSED"
    REJECTED = "REJECTED"


#: Refunds that still hold part of a line (asked back, not refused or rejected).
_HOLDING = (RefundState.REQUESTED, RefundState.VERIFIED, RefundState.APPROVED, RefundState.PAID)


def _due(calendar: Calendar, now: dt.datetime) -> dt.date:
    """The last day of the next step: the ``STEP_WORKING_DAYS``-th working day after today."""
    return calendar.local_date(calendar.due_after_working_days(now, STEP_WORKING_DAYS)) - dt.timedelta(days=1)


def late_steps(refund: FeeRefund) -> list[str]:
    loaded = json.loads(refund.late_steps_json or "[]")
    return [str(step) for step in loaded] if isinstance(loaded, list) else []


def _lock(session: Session, refund_id: str) -> tuple[FeeRefund, LockedCard]:
    violations = Violations()
    check_identifier(violations, "refund_id", refund_id)
    violations.raise_if_any()
    found = stored.refund(session, refund_id)
    if found is None:
        raise NotFound("refund", refund_id)
    card = cards.lock_card(session, found.uscc)
    session.expire_all()
    refund = stored.refund(session, refund_id)
    assert refund is not None
    return refund, card


def _step(
    session: Session,
    refund: FeeRefund,
    step: str,
    values: dict[str, Any],
    *,
    now: dt.datetime,
    calendar: Calendar,
    closes: bool = False,
) -> tuple[FeeRefund, bool]:
    """Applies one step's changes; records the step late if today is past its due day."""
    late = calendar.local_date(now) > refund.step_due_date
    steps = late_steps(refund) + ([step] if late else [])
    stored.update_refund(
        session,
        refund.id,
        {
            **values,
            "late_steps_json": json.dumps(steps),
            # A closed refund keeps its last due day (its lateness is in late_steps).
            "step_due_date": refund.step_due_date if closes else _due(calendar, now),
        },
    )
    updated = stored.refund(session, refund.id)
    assert updated is not None
    return updated, late


def _payload(refund: FeeRefund, **extra: Any) -> dict[str, Any]:
    return {
        "refund_id": refund.id,
        "bill_id": refund.bill_id,
        "line_id": refund.line_id,
        "amount_fen": refund.amount_fen,
        "collecting_unit": refund.collecting_unit,
        **extra,
    }


def _append(
    session: Session,
    card: LockedCard,
    refund: FeeRefund,
    kind: EntryKind,
    actor: Principal,
    now: dt.datetime,
    **extra: Any,
) -> CardHead:
    return cards.append_entry(
        session,
        card,
        kind=kind,
        actor=actor,
        at=now,
        payload=_payload(refund, **extra),
        department_code=refund.department_code,
        inspection_id=refund.inspection_id,
    )


def request_refund(
    session: Session,
    *,
    bill_id: str,
    line_id: str,
    amount_fen: int,
    reason: str,
    actor: Principal,
    now: dt.datetime,
    calendar: Calendar,
) -> tuple[list[FeeRefund], CardHead]:
    """The enterprise asks back a paid line (all or part of it) or every line of a paid bill."""
    violations = Violations()
    check_identifier(violations, "bill_id", bill_id)
    check_identifier(violations, "line_id", line_id, required=False)
    check_text(violations, "reason", reason, required=True, what="a refund states its reason")
    if amount_fen < 0 or (amount_fen and not line_id):
        violations.add("amount_fen", "0 for the whole remainder; a part only of one line (line_id)")
    violations.raise_if_any()
    found = stored.bill(session, bill_id)
    if found is None:
        raise NotFound("bill", bill_id)
    if actor.role is not Role.ENTERPRISE or actor.org != found.uscc:
        raise PermissionDenied("the enterprise asks for its own refunds", reason=Reason.OUT_OF_SCOPE)
    card = cards.lock_card(session, found.uscc)
    session.expire_all()
    bill = stored.bill(session, bill_id)
    assert bill is not None
    if bill.state != BillState.PAID:
        raise FailedPrecondition(Reason.BILL_NOT_PAID, f"bill {bill.id} is {bill.state.lower()}, not paid")
    lines = [line for line, _ in stored.bill_lines(session, bill.id) if line.state == LineState.PAID]
    if line_id:
        lines = [line for line in lines if line.id == line_id]
        if not lines:
            raise NotFound("fee line", line_id)
    held: dict[str, int] = {}
    for earlier in stored.refunds_of_bill(session, bill.id):
        if earlier.state in _HOLDING:
            held[earlier.line_id] = held.get(earlier.line_id, 0) + earlier.amount_fen
    wanted: list[tuple[FeeLine, int]] = []
    for line in lines:
        remainder = line.amount_fen - held.get(line.id, 0)
        amount = amount_fen or remainder
        if amount > remainder or amount <= 0:
            raise FailedPrecondition(
                Reason.REFUND_EXCEEDS_PAID,
                f"line {line.id} has {remainder} fen paid and not yet asked back",
                {"remaining_fen": str(remainder)},
            )
        wanted.append((line, amount))
    due = _due(calendar, now)
    made: list[FeeRefund] = []
    head = cards.head_of(card)
    for index, (line, amount) in enumerate(wanted):
        refund = FeeRefund(
            id=f"{new_id('R', calendar, now)}{index:02d}",
            bill_id=bill.id,
            line_id=line.id,
            uscc=bill.uscc,
            inspection_id=bill.inspection_id,
            department_code=line.department_code,
            collecting_unit=line.collecting_unit,
            amount_fen=amount,
            reason=reason,
            state=RefundState.REQUESTED.value,
            requested_by=actor.sub,
            request_time=now,
            step_due_date=due,
        )
        stored.add(session, refund)
        made.append(refund)
        head = _append(
            session,
            card,
            refund,
            EntryKind.REFUND_REQUESTED,
            actor,
            now,
            reason=reason,
            verify_due=due.isoformat(),
        )
    return made, head


def _not_at(refund: FeeRefund, step: str) -> FailedPrecondition:
    return FailedPrecondition(
        Reason.REFUND_NOT_AT_THIS_STEP,
        f"refund {refund.id} is {refund.state.lower()}; it cannot be {step} now",
    )


def verify_refund(
    session: Session,
    refund_id: str,
    *,
    verified: bool,
    note: str,
    actor: Principal,
    now: dt.datetime,
    calendar: Calendar,
) -> tuple[FeeRefund, CardHead]:
    """The collecting department checks the refund against its own line, or refuses it."""
    violations = Violations()
    check_text(violations, "note", note, required=not verified, what="a refused refund states why")
    violations.raise_if_any()
    department = department_of(actor)
    refund, card = _lock(session, refund_id)
    if refund.department_code != department:
        raise PermissionDenied(
            "the collecting department verifies its own refunds", reason=Reason.NOT_YOUR_INSPECTION
        )
    if refund.state != RefundState.REQUESTED:
        raise _not_at(refund, "verified")
    state = RefundState.VERIFIED if verified else RefundState.REFUSED
    values = {"state": state.value, "verify_time": now, "note": note}
    updated, late = _step(session, refund, "VERIFY", values, now=now, calendar=calendar, closes=not verified)
    kind = EntryKind.REFUND_VERIFIED if verified else EntryKind.REFUND_REFUSED
    head = _append(session, card, updated, kind, actor, now, step="VERIFY", late=late, note=note)
    return updated, head


def decide_refund(
    session: Session,
    refund_id: str,
    *,
    verdict: approval.Verdict,
    comment: str,
    actor: Principal,
    now: dt.datetime,
    calendar: Calendar,
) -> tuple[FeeRefund, CardHead]:
    """One office's decision; two approvals approve the refund, one rejection ends it."""
    violations = Violations()
    approval.check_verdict(violations, approval.Stage.APPROVAL, verdict.value, comment)
    violations.raise_if_any()
    approval.office_of(actor)
    refund, card = _lock(session, refund_id)
    if refund.state != RefundState.VERIFIED:
        raise _not_at(refund, "decided")
    due = dt.datetime.combine(refund.step_due_date + dt.timedelta(days=1), dt.time(), tzinfo=calendar.zone)
    decided = approval.decide(
        session,
        approval.Subject(approval.SubjectKind.REFUND, refund.id),
        approval.Stage.APPROVAL,
        actor=actor,
        verdict=verdict,
        comment=comment,
        due_time=due,
        now=now,
    )
    decision = decided.decision.entry_payload()
    if decided.standing is approval.Standing.PENDING:
        head = _append(session, card, refund, EntryKind.REFUND_DECIDED, actor, now, decision=decision)
        return refund, head
    if decided.standing is approval.Standing.REJECTED:
        values: dict[str, Any] = {"state": RefundState.REJECTED.value, "approve_time": now, "note": comment}
        kind = EntryKind.REFUND_REFUSED
    else:
        values = {"state": RefundState.APPROVED.value, "approve_time": now}
        kind = EntryKind.REFUND_APPROVED
    late = any(d.late for d in decided.decisions)
    updated, _ = _step(
        session,
        refund,
        "APPROVE",
        values,
        now=now,
        calendar=calendar,
        closes=kind is EntryKind.REFUND_REFUSED,
    )
    if late and "APPROVE" not in late_steps(updated):
        stored.update_refund(
            session, refund.id, {"late_steps_json": json.dumps([*late_steps(updated), "APPROVE"])}
        )
        updated = stored.refund(session, refund.id) or updated
    head = _append(
        session,
        card,
        updated,
        kind,
        actor,
        now,
        step="APPROVE",
        late=late,
        decision=decision,
        deciders=decided.deciders,
    )
    return updated, head


def pay_refund(
    session: Session,
    refund_id: str,
    *,
    payment_reference: str,
    actor: Principal,
    now: dt.datetime,
    calendar: Calendar,
) -> tuple[FeeRefund, CardHead]:
    """The service hall pays an approved refund back; the line's refunded amount grows by it."""
    violations = Violations()
    check_identifier(violations, "payment_reference", payment_reference)
    violations.raise_if_any()
    refund, card = _lock(session, refund_id)
    if refund.state != RefundState.APPROVED:
        raise _not_at(refund, "paid")
    values = {"state": RefundState.PAID.value, "pay_time": now}
    updated, late = _step(session, refund, "PAY", values, now=now, calendar=calendar, closes=True)
    stored.add_refunded(session, refund.line_id, refund.amount_fen)
    head = _append(
        session,
        card,
        updated,
        EntryKind.REFUND_PAID,
        actor,
        now,
        step="PAY",
        late=late,
        department=refund.department_code,
        payment_reference=payment_reference,
    )
    return updated, head


def refunds_of(session: Session, bill_id: str, *, viewer: Principal) -> list[FeeRefund]:
    violations = Violations()
    check_identifier(violations, "bill_id", bill_id)
    violations.raise_if_any()
    bill = stored.bill(session, bill_id)
    if bill is None:
        raise NotFound("bill", bill_id)
    if viewer.role is Role.ENTERPRISE and viewer.org != bill.uscc:
        raise PermissionDenied("outside the caller's scope", reason=Reason.OUT_OF_SCOPE)
    if viewer.role is Role.DEPARTMENT and viewer.org not in stored.participants(session, bill.inspection_id):
        raise PermissionDenied("outside the caller's scope", reason=Reason.OUT_OF_SCOPE)
    return stored.refunds_of_bill(session, bill_id)
