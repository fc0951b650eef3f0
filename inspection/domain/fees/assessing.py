"""Assessing (收费): fee lines only from the department's own items valid on the visit day;
any other charge refused with an ``Attempt`` kept on the card; voiding an open line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.domain.card import CardHead, EntryKind, LockedCard
from inspection.domain.fees.catalogue import in_force
from inspection.domain.fees.model import (
    FEE_STATES,
    MAX_NAME,
    MAX_QUANTITY,
    BillState,
    LineState,
)
from inspection.domain.inspections.common import department_of, new_id
from inspection.domain.text import check_identifier, check_text
from inspection.errors import (
    Attempt,
    FailedPrecondition,
    NotFound,
    PermissionDenied,
    Violations,
)
from inspection.reasons import Reason
from inspection.storage import fees as stored
from inspection.storage import inspections as inspection_rows
from inspection.storage.fee_models import (
    FeeLine,
)

# --- assessing (收费) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    inspection_id: str
    item_code: str
    quantity: int
    #: What the department expects the line to come to; 0 lets the service compute it.
    amount_fen: int = 0
    note: str = ""
    #: A charge described in words instead of an item: always refused, and recorded.
    description: str = ""


def locked_inspection(session: Session, inspection_id: str) -> tuple[Any, LockedCard]:
    card = cards.lock_card_of_inspection(session, inspection_id)
    if card is None:
        raise NotFound("inspection", inspection_id)
    return inspection_rows.get_fresh(session, inspection_id), card


def _line_payload(line: FeeLine) -> dict[str, Any]:
    return {
        "line_id": line.id,
        "item_code": line.item_code,
        "item_version": line.item_version,
        "quantity": line.quantity,
        "unit_amount_fen": line.unit_amount_fen,
        "amount_fen": line.amount_fen,
        "collecting_unit": line.collecting_unit,
    }


def assess_fee(
    session: Session,
    assessment: Assessment,
    *,
    actor: Principal,
    now: dt.datetime,
    calendar: Calendar,
) -> tuple[FeeLine, CardHead]:
    """Adds a fee line from the caller's own catalogue item valid on the visit day."""
    violations = Violations()
    check_identifier(violations, "inspection_id", assessment.inspection_id)
    check_identifier(violations, "item_code", assessment.item_code, required=not assessment.description)
    check_text(violations, "note", assessment.note, required=False, max_length=MAX_NAME)
    check_text(violations, "description", assessment.description, required=False, max_length=MAX_NAME)
    if not assessment.description and not 1 <= assessment.quantity <= MAX_QUANTITY:
        violations.add("quantity", f"must be a whole number of units from 1 to {MAX_QUANTITY}")
    if assessment.amount_fen < 0:
        violations.add("amount_fen", "must be 0 (computed) or a positive number of fen")
    violations.raise_if_any()
    department = department_of(actor)
    inspection, card = locked_inspection(session, assessment.inspection_id)
    facts: dict[str, Any] = {
        "item_code": assessment.item_code,
        "quantity": assessment.quantity,
        "amount_fen": assessment.amount_fen,
    }
    if assessment.description:
        facts["description"] = assessment.description
    attempt = Attempt(
        uscc=inspection.uscc, inspection_id=inspection.id, department_code=department, facts=facts
    )
    if department not in stored.participants(session, inspection.id):
        raise PermissionDenied(
            f"department {department} takes no part in this inspection",
            reason=Reason.NOT_YOUR_INSPECTION,
            attempt=attempt,
        )
    # A charge outside the catalogue is kept whatever the inspection's state.
    if assessment.description:
        raise FailedPrecondition(
            Reason.UNLISTED_FEE,
            "only items of the published catalogue (收费清单) may be charged; this charge is recorded",
            attempt=attempt,
        )
    if inspection.state not in FEE_STATES or inspection.visit_date is None:
        raise FailedPrecondition(
            Reason.NO_FEE_IN_THIS_STATE,
            f"a fee arises only from a visit; this inspection is {inspection.state}",
        )
    refuse_if_billed(session, inspection.id)
    visit_day: dt.date = inspection.visit_date
    facts["visit_date"] = visit_day.isoformat()
    item = stored.item(session, assessment.item_code)
    version = in_force(stored.versions(session, assessment.item_code), visit_day) if item else None
    if item is None or version is None or version.department_code != department:
        why = (
            "is not in the catalogue"
            if item is None
            else f"is another department's ({item.department_code})"
            if item.department_code != department
            else f"is not valid on the visit day {visit_day}"
        )
        raise FailedPrecondition(
            Reason.UNLISTED_FEE,
            f"item {assessment.item_code!r} {why}; only the department's own items valid on the"
            " visit day may be charged, and this charge is recorded",
            attempt=attempt,
        )
    amount = assessment.quantity * version.amount_fen
    if assessment.amount_fen and assessment.amount_fen != amount:
        raise FailedPrecondition(
            Reason.AMOUNT_NOT_STANDARD,
            f"{assessment.quantity} × {version.amount_fen} fen is {amount} fen, not"
            f" {assessment.amount_fen}; this charge is recorded",
            {"standard_fen": str(amount)},
            attempt=replace(attempt, facts={**facts, "standard_fen": amount}),
        )
    line = FeeLine(
        id=new_id("F", calendar, now),
        inspection_id=inspection.id,
        uscc=inspection.uscc,
        department_code=department,
        item_code=version.item_code,
        item_version=version.version,
        item_name=version.name,
        unit=version.unit,
        quantity=assessment.quantity,
        unit_amount_fen=version.amount_fen,
        amount_fen=amount,
        collecting_unit=version.collecting_unit,
        state=LineState.OPEN.value,
        note=assessment.note,
        assessed_by=actor.sub,
        assess_time=now,
    )
    stored.add(session, line)
    head = cards.append_entry(
        session,
        card,
        kind=EntryKind.FEE_ASSESSED,
        actor=actor,
        at=now,
        payload={**_line_payload(line), "visit_date": visit_day.isoformat()},
        department_code=department,
        inspection_id=inspection.id,
    )
    return line, head


def refuse_if_billed(session: Session, inspection_id: str) -> None:
    live = stored.live_bill(session, inspection_id)
    if live is None:
        return
    if live.state == BillState.PAID:
        raise FailedPrecondition(
            Reason.BILL_ALREADY_PAID, f"the inspection's bill {live.id} is paid; its fees are settled"
        )
    raise FailedPrecondition(
        Reason.BILL_ALREADY_ISSUED,
        f"the inspection's bill {live.id} is issued; supersede it to correct its lines",
    )


def void_line(
    session: Session, line_id: str, reason: str, *, actor: Principal, now: dt.datetime
) -> tuple[FeeLine, CardHead]:
    """The department that assessed an open line voids it, with a reason, before the bill is issued."""
    violations = Violations()
    check_identifier(violations, "line_id", line_id)
    check_text(violations, "reason", reason, required=True, what="a voided line needs a reason")
    violations.raise_if_any()
    department = department_of(actor)
    found = stored.line(session, line_id)
    if found is None:
        raise NotFound("fee line", line_id)
    inspection, card = locked_inspection(session, found.inspection_id)
    line = stored.line(session, line_id)
    assert line is not None
    if line.department_code != department:
        raise PermissionDenied("another department's fee line", reason=Reason.NOT_YOUR_INSPECTION)
    if line.state != LineState.OPEN:
        if line.state == LineState.BILLED:
            refuse_if_billed(session, inspection.id)
        raise FailedPrecondition(Reason.LINE_NOT_OPEN, f"the line is {line.state.lower()}")
    stored.set_lines(
        session, [line.id], {"state": LineState.VOIDED.value, "void_reason": reason, "void_time": now}
    )
    voided = stored.line(session, line_id)
    assert voided is not None
    head = cards.append_entry(
        session,
        card,
        kind=EntryKind.FEE_VOIDED,
        actor=actor,
        at=now,
        payload={"line_id": line.id, "amount_fen": line.amount_fen, "reason": reason},
        department_code=department,
        inspection_id=inspection.id,
    )
    return voided, head


def may_read(session: Session, viewer: Principal, uscc: str, inspection_id: str) -> None:
    if viewer.role is Role.ENTERPRISE and viewer.org != uscc:
        raise PermissionDenied("outside the caller's scope", reason=Reason.OUT_OF_SCOPE)
    if viewer.role is Role.DEPARTMENT and viewer.org not in stored.participants(session, inspection_id):
        raise PermissionDenied("outside the caller's scope", reason=Reason.OUT_OF_SCOPE)


def lines_of(session: Session, inspection_id: str, *, viewer: Principal) -> list[FeeLine]:
    violations = Violations()
    check_identifier(violations, "inspection_id", inspection_id)
    violations.raise_if_any()
    inspection = inspection_rows.get(session, inspection_id)
    if inspection is None:
        raise NotFound("inspection", inspection_id)
    may_read(session, viewer, inspection.uscc, inspection_id)
    return stored.lines_of(session, inspection_id)
