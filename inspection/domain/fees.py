"""The single fee (一费制, DESIGN §7): a department charges only from its own published catalogue
(收费清单) items valid on the visit day, quantity × standard amount in integer fen; all open lines
of an inspection form one bill with a payment code (缴款码); the service hall records one payment
equal to the bill total and issues one electronic receipt (电子票据) per collecting unit.

Any other charge is refused and carries an ``Attempt``, which the servicer keeps on the card as an
attempted unlisted fee for oversight (电子监察). Every change takes the enterprise's card lock first,
so two payments of one bill, on any number of replicas, are serialized and the second sees the first.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.domain.card import CardHead, EntryKind, LockedCard
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
    FeeBill,
    FeeBillLine,
    FeeItemVersion,
    FeeLine,
    FeePayment,
    FeeReceipt,
)

# The rows a caller reads; storage owns them, the api names them from here.
__all__ = ["FeeBill", "FeeItemVersion", "FeeLine", "FeePayment", "FeeReceipt"]

#: Quantity bounds of one line: a whole number of units, at least one.
MAX_QUANTITY = 10_000
#: Working days an issued bill stays payable (shown on the bill; an unpaid bill stays payable).
BILL_DUE_WORKING_DAYS = 10
#: The receipt code (票据代码) is this district's six-digit division code and the two-digit year.
RECEIPT_REGION = "310101"
MAX_NAME = 200

#: Inspection states in which the visit has happened, so a fee can arise (docs/fees.md).
FEE_STATES = frozenset({"IN_PROGRESS", "COMPLETED", "PUBLISHED", "FILED_PENDING", "FILED"})


class LineState(enum.StrEnum):
    OPEN = "OPEN"
    BILLED = "BILLED"
    VOIDED = "VOIDED"
    PAID = "PAID"


class BillState(enum.StrEnum):
    ISSUED = "ISSUED"
    SUPERSEDED = "SUPERSEDED"
    PAID = "PAID"


class Channel(enum.StrEnum):
    """How a payment reached the hall."""

    CASH = "CASH"
    BANK_CARD = "BANK_CARD"
    QR_CODE = "QR_CODE"
    BANK_TRANSFER = "BANK_TRANSFER"


# --- the catalogue (收费清单) ----------------------------------------------------------------------


def in_force(versions: Sequence[FeeItemVersion], day: dt.date) -> FeeItemVersion | None:
    """The version of one item that applies on ``day``: the latest to take effect on or before it,
    unless that version ended before ``day`` (a version that ends, ends the item)."""
    started = [v for v in versions if v.valid_from <= day]
    if not started:
        return None
    latest = max(started, key=lambda v: (v.valid_from, v.version))
    return latest if latest.valid_to is None or day <= latest.valid_to else None


def catalogue_as_of(session: Session, day: dt.date, *, department_code: str = "") -> list[FeeItemVersion]:
    """The catalogue valid on ``day``: one version per item, by item code."""
    by_item: dict[str, list[FeeItemVersion]] = {}
    for version in stored.versions_from(session, department_code=department_code, before=day):
        by_item.setdefault(version.item_code, []).append(version)
    found = (in_force(versions, day) for versions in by_item.values())
    return [v for v in found if v is not None]


def item_history(session: Session, item_code: str) -> list[FeeItemVersion]:
    if stored.item(session, item_code) is None:
        raise NotFound("fee item", item_code)
    return stored.versions(session, item_code)


@dataclass(frozen=True)
class Revision:
    item_code: str
    name: str
    policy_basis: str
    fee_nature: str
    amount_fen: int
    unit: str
    collecting_unit: str
    valid_from: dt.date | None
    valid_to: dt.date | None


def revise_item(
    session: Session, revision: Revision, violations: Violations, *, today: dt.date, now: dt.datetime
) -> FeeItemVersion:
    """Publishes the next version of an item; the versions before it are never touched."""
    check_identifier(violations, "item.item_code", revision.item_code)
    for path in ("name", "policy_basis", "fee_nature", "unit", "collecting_unit"):
        check_text(violations, f"item.{path}", getattr(revision, path), required=True, max_length=MAX_NAME)
    if revision.amount_fen <= 0:
        violations.add("item.amount_fen", "must be a positive number of fen")
    if revision.valid_from is None and not violations.has("item.valid_from"):
        violations.add("item.valid_from", "is required")
    if revision.valid_from and revision.valid_to and revision.valid_to < revision.valid_from:
        violations.add("item.valid_to", "must not be before valid_from")
    violations.raise_if_any()
    assert revision.valid_from is not None
    history = item_history(session, revision.item_code)
    newest = max(history, key=lambda v: v.version)
    latest_start = max(v.valid_from for v in history)
    if revision.valid_from < today or revision.valid_from <= latest_start:
        raise FailedPrecondition(
            Reason.VERSION_NOT_LATER,
            f"a new version takes effect from today ({today}) on and after {latest_start}, when the"
            " item's newest version did; published versions are never changed",
        )
    version = FeeItemVersion(
        item_code=revision.item_code,
        version=newest.version + 1,
        department_code=newest.department_code,
        name=revision.name,
        policy_basis=revision.policy_basis,
        fee_nature=revision.fee_nature,
        amount_fen=revision.amount_fen,
        unit=revision.unit,
        collecting_unit=revision.collecting_unit,
        valid_from=revision.valid_from,
        valid_to=revision.valid_to,
        publish_time=now,
    )
    stored.add(session, version)
    return version


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


def _locked_inspection(session: Session, inspection_id: str) -> tuple[Any, LockedCard]:
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
    inspection, card = _locked_inspection(session, assessment.inspection_id)
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
    if inspection.state not in FEE_STATES or inspection.visit_date is None:
        raise FailedPrecondition(
            Reason.NO_FEE_IN_THIS_STATE,
            f"a fee arises only from a visit; this inspection is {inspection.state}",
        )
    _refuse_if_billed(session, inspection.id)
    visit_day: dt.date = inspection.visit_date
    facts["visit_date"] = visit_day.isoformat()
    if assessment.description:
        raise FailedPrecondition(
            Reason.UNLISTED_FEE,
            "only items of the published catalogue (收费清单) may be charged; this charge is recorded",
            attempt=attempt,
        )
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
            attempt=Attempt(**{**attempt.__dict__, "facts": {**facts, "standard_fen": amount}}),
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


def _refuse_if_billed(session: Session, inspection_id: str) -> None:
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
    inspection, card = _locked_inspection(session, found.inspection_id)
    line = stored.line(session, line_id)
    assert line is not None
    if line.department_code != department:
        raise PermissionDenied("another department's fee line", reason=Reason.NOT_YOUR_INSPECTION)
    if line.state != LineState.OPEN:
        if line.state == LineState.BILLED:
            _refuse_if_billed(session, inspection.id)
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


def _may_read(session: Session, viewer: Principal, uscc: str, inspection_id: str) -> None:
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
    _may_read(session, viewer, inspection.uscc, inspection_id)
    return stored.lines_of(session, inspection_id)


# --- the one bill ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BillView:
    bill: FeeBill
    #: The lines as frozen on the bill: (line, amount when issued).
    lines: list[tuple[FeeLine, int]]
    payment: FeePayment | None = None
    receipts: list[FeeReceipt] = field(default_factory=list)

    @property
    def shares(self) -> list[tuple[str, str, int]]:
        """(department, collecting unit, fen) of the bill, by department and unit."""
        totals: dict[tuple[str, str], int] = {}
        for line, amount in self.lines:
            key = (line.department_code, line.collecting_unit)
            totals[key] = totals.get(key, 0) + amount
        return [(d, u, fen) for (d, u), fen in sorted(totals.items())]


def _view(session: Session, bill: FeeBill) -> BillView:
    payment = stored.payment_of_bill(session, bill.id)
    receipts = stored.receipts_of(session, payment.id) if payment else []
    return BillView(bill=bill, lines=stored.bill_lines(session, bill.id), payment=payment, receipts=receipts)


def _payment_code() -> str:
    """A 20-digit payment code (缴款码), unguessable so that quoting it is enough at the counter."""
    return "".join(secrets.choice("0123456789") for _ in range(20))


def issue_bill(
    session: Session, inspection_id: str, *, actor: Principal, now: dt.datetime, calendar: Calendar
) -> tuple[BillView, CardHead]:
    """Freezes every open line of the inspection, of every department, into its one bill."""
    violations = Violations()
    check_identifier(violations, "inspection_id", inspection_id)
    violations.raise_if_any()
    department = department_of(actor)
    inspection, card = _locked_inspection(session, inspection_id)
    if inspection.lead_department != department:
        raise PermissionDenied(
            "the lead department issues the inspection's one bill", reason=Reason.NOT_YOUR_INSPECTION
        )
    _refuse_if_billed(session, inspection.id)
    open_lines = [line for line in stored.lines_of(session, inspection.id) if line.state == LineState.OPEN]
    if not open_lines:
        raise FailedPrecondition(Reason.NOTHING_TO_BILL, "the inspection has no open fee line to bill")
    previous = stored.last_superseded(session, inspection.id)
    bill = FeeBill(
        id=new_id("B", calendar, now),
        inspection_id=inspection.id,
        uscc=inspection.uscc,
        state=BillState.ISSUED.value,
        total_fen=sum(line.amount_fen for line in open_lines),
        payment_code=_payment_code(),
        supersedes=previous.id if previous else None,
        issued_by=actor.sub,
        issue_time=now,
        due_date=calendar.local_date(calendar.due_after_working_days(now, BILL_DUE_WORKING_DAYS))
        - dt.timedelta(days=1),
    )
    stored.add(session, bill)
    for line in open_lines:
        session.add(FeeBillLine(bill_id=bill.id, line_id=line.id, amount_fen=line.amount_fen))
    session.flush()
    stored.set_lines(
        session, [line.id for line in open_lines], {"state": LineState.BILLED.value, "bill_id": bill.id}
    )
    view = _view(session, bill)
    head = cards.append_entry(
        session,
        card,
        kind=EntryKind.BILL_ISSUED,
        actor=actor,
        at=now,
        payload={
            "bill_id": bill.id,
            "total_fen": bill.total_fen,
            "payment_code": bill.payment_code,
            "due_date": bill.due_date.isoformat(),
            "supersedes": bill.supersedes or "",
            "lines": [
                {"line_id": line.id, "department": line.department_code, "amount_fen": amount}
                for line, amount in view.lines
            ],
        },
        department_code=department,
        inspection_id=inspection.id,
    )
    return view, head


def _bill_for_change(session: Session, bill_id: str) -> tuple[FeeBill, LockedCard]:
    found = stored.bill(session, bill_id)
    if found is None:
        raise NotFound("bill", bill_id)
    card = cards.lock_card(session, found.uscc)
    session.expire_all()
    bill = stored.bill(session, bill_id)
    assert bill is not None
    return bill, card


def supersede_bill(
    session: Session, bill_id: str, reason: str, *, actor: Principal, now: dt.datetime
) -> tuple[BillView, CardHead]:
    """Withdraws an issued, unpaid bill for correction: its lines are open again for the next bill."""
    violations = Violations()
    check_identifier(violations, "bill_id", bill_id)
    check_text(violations, "reason", reason, required=True, what="a correction needs a reason")
    violations.raise_if_any()
    department = department_of(actor)
    bill, card = _bill_for_change(session, bill_id)
    inspection = inspection_rows.get_fresh(session, bill.inspection_id)
    if inspection.lead_department != department:
        raise PermissionDenied("the lead department corrects the bill", reason=Reason.NOT_YOUR_INSPECTION)
    if bill.state == BillState.PAID:
        raise FailedPrecondition(Reason.BILL_ALREADY_PAID, "a paid bill is settled; ask for a refund")
    if bill.state != BillState.ISSUED:
        raise FailedPrecondition(Reason.BILL_NOT_PAYABLE, f"the bill is {bill.state.lower()}")
    stored.update_bill(
        session,
        bill.id,
        {"state": BillState.SUPERSEDED.value, "supersede_reason": reason, "close_time": now},
    )
    line_ids = [line.id for line, _ in stored.bill_lines(session, bill.id)]
    stored.set_lines(session, line_ids, {"state": LineState.OPEN.value, "bill_id": None})
    updated = stored.bill(session, bill.id)
    assert updated is not None
    head = cards.append_entry(
        session,
        card,
        kind=EntryKind.BILL_SUPERSEDED,
        actor=actor,
        at=now,
        payload={"bill_id": bill.id, "total_fen": bill.total_fen, "reason": reason},
        department_code=department,
        inspection_id=bill.inspection_id,
    )
    return _view(session, updated), head


def get_bill(session: Session, *, bill_id: str, payment_code: str, viewer: Principal) -> BillView:
    bill = _find_bill(session, bill_id, payment_code)
    _may_read(session, viewer, bill.uscc, bill.inspection_id)
    return _view(session, bill)


def _find_bill(session: Session, bill_id: str, payment_code: str) -> FeeBill:
    violations = Violations()
    if bill_id:
        check_identifier(violations, "bill_id", bill_id)
    elif payment_code:
        check_identifier(violations, "payment_code", payment_code)
    else:
        violations.add("bill_id", "a bill id or a payment code is required")
    violations.raise_if_any()
    found = stored.bill(session, bill_id) if bill_id else stored.bill_by_payment_code(session, payment_code)
    if found is None:
        raise NotFound("bill", bill_id or payment_code)
    return found


# --- the one payment at the hall (大厅统一收费) --------------------------------------------------------


@dataclass(frozen=True)
class PaymentOrder:
    bill_id: str
    payment_code: str
    amount_fen: int
    channel: Channel | None
    payment_reference: str


def receipt_number(code: str, serial: int) -> str:
    """``CCCCCCCC-NNNNNNNNNN``: the 8-digit receipt code (票据代码), then the 10-digit serial."""
    return f"{code}-{serial:010d}"


def pay_bill(
    session: Session,
    order: PaymentOrder,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
    calendar: Calendar,
) -> tuple[BillView, CardHead]:
    """Records the one payment of a bill, issues one receipt per collecting unit and marks its
    lines paid. A payment reference already recorded for this very payment returns that payment."""
    check_identifier(violations, "payment_reference", order.payment_reference)
    if order.amount_fen <= 0:
        violations.add("amount_fen", "must be a positive number of fen")
    if order.channel is None and not violations.has("channel"):
        violations.add("channel", "is required")
    found = _find_bill(session, order.bill_id, order.payment_code) if not violations else None
    violations.raise_if_any()
    assert found is not None and order.channel is not None
    bill, card = _bill_for_change(session, found.id)
    earlier = stored.payment_by_reference(session, order.payment_reference)
    if earlier is not None:
        if (
            earlier.bill_id == bill.id
            and earlier.amount_fen == order.amount_fen
            and earlier.channel == order.channel
        ):
            view = _view(session, bill)
            return view, CardHead(uscc=bill.uscc, seq=earlier.card_seq, entry_hash=earlier.card_hash)
        raise FailedPrecondition(
            Reason.PAYMENT_REFERENCE_REUSED,
            f"payment reference {order.payment_reference!r} is already recorded for another payment",
        )
    if bill.state == BillState.PAID:
        raise FailedPrecondition(Reason.BILL_ALREADY_PAID, f"bill {bill.id} is already paid")
    if bill.state != BillState.ISSUED:
        raise FailedPrecondition(
            Reason.BILL_NOT_PAYABLE, f"bill {bill.id} is superseded; pay the bill that corrects it"
        )
    if order.amount_fen != bill.total_fen:
        raise FailedPrecondition(
            Reason.AMOUNT_NOT_BILL_TOTAL,
            f"the bill total is {bill.total_fen} fen; a payment is the whole total, once",
            {"total_fen": str(bill.total_fen)},
        )
    view = _view(session, bill)
    units = sorted({unit for _, unit, _ in view.shares})
    code = f"{RECEIPT_REGION}{calendar.local_date(now):%y}"
    first = stored.take_serials(session, code, len(units))
    numbers = {unit: receipt_number(code, first + index) for index, unit in enumerate(units)}
    split: dict[str, int] = {}
    for department, _, fen in view.shares:
        split[department] = split.get(department, 0) + fen
    payment = FeePayment(
        id=f"P{bill.id[1:]}",
        bill_id=bill.id,
        uscc=bill.uscc,
        inspection_id=bill.inspection_id,
        amount_fen=order.amount_fen,
        channel=order.channel.value,
        payment_reference=order.payment_reference,
        paid_by=actor.sub,
        pay_time=now,
        split_json=json.dumps(split, sort_keys=True),
    )
    stored.add(session, payment)
    for unit in units:
        amount = sum(fen for _, u, fen in view.shares if u == unit)
        session.add(
            FeeReceipt(
                number=numbers[unit],
                payment_id=payment.id,
                collecting_unit=unit,
                amount_fen=amount,
                issue_time=now,
            )
        )
    session.flush()
    stored.update_bill(session, bill.id, {"state": BillState.PAID.value, "close_time": now})
    stored.set_lines(session, [line.id for line, _ in view.lines], {"state": LineState.PAID.value})
    head = cards.append_entry(
        session,
        card,
        kind=EntryKind.BILL_PAID,
        actor=actor,
        at=now,
        payload={
            "bill_id": bill.id,
            "payment_id": payment.id,
            "amount_fen": payment.amount_fen,
            "channel": payment.channel,
            "payment_reference": payment.payment_reference,
            "split": [
                {"department": d, "collecting_unit": u, "amount_fen": fen, "receipt_number": numbers[u]}
                for d, u, fen in view.shares
            ],
            "receipts": [{"number": numbers[u], "collecting_unit": u} for u in units],
        },
        inspection_id=bill.inspection_id,
    )
    stored.update_payment_head(session, payment.id, seq=head.seq, entry_hash=head.entry_hash)
    paid = stored.bill(session, bill.id)
    assert paid is not None
    return _view(session, paid), head


# --- the hall's statement (对账单) ------------------------------------------------------------------

MAX_STATEMENT_DAYS = 366


@dataclass(frozen=True)
class Total:
    key: str
    count: int
    amount_fen: int


@dataclass(frozen=True)
class HallStatement:
    start: dt.date
    end: dt.date
    payments: int
    paid_fen: int
    by_channel: list[Total]
    by_collecting_unit: list[Total]
    by_department: list[Total]
    receipts: list[FeeReceipt]
    refunds: int = 0
    refunded_fen: int = 0


def _totals(items: Sequence[tuple[str, int]]) -> list[Total]:
    counts: dict[str, list[int]] = {}
    for key, fen in items:
        entry = counts.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += fen
    return [Total(key, count, fen) for key, (count, fen) in sorted(counts.items())]


def hall_statement(session: Session, start: dt.date, end: dt.date, *, calendar: Calendar) -> HallStatement:
    """Payments recorded on the district's days ``start`` to ``end`` (inclusive), by channel, by
    collecting unit (the receipts) and by department (the split)."""
    since = dt.datetime.combine(start, dt.time(), tzinfo=calendar.zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=calendar.zone)
    payments = stored.payments_between(session, start=since, end=until)
    receipts = stored.receipts_between(session, start=since, end=until)
    refunded = stored.refunds_paid_between(session, start=since, end=until)
    departments: list[tuple[str, int]] = []
    for payment in payments:
        departments.extend((code, int(fen)) for code, fen in json.loads(payment.split_json).items())
    return HallStatement(
        start=start,
        end=end,
        payments=len(payments),
        paid_fen=sum(p.amount_fen for p in payments),
        by_channel=_totals([(p.channel, p.amount_fen) for p in payments]),
        by_collecting_unit=_totals([(r.collecting_unit, r.amount_fen) for r in receipts]),
        by_department=_totals(departments),
        receipts=receipts,
        refunds=len(refunded),
        refunded_fen=sum(r.amount_fen for r in refunded),
    )


def unpaid_fen(connection: Connection, uscc: str) -> int:
    """Fees assessed on the enterprise and not yet paid (open and billed lines)."""
    return stored.unpaid_fen(connection, uscc)


def paid_this_year(connection: Connection, uscc: str, *, year: int, calendar: Calendar) -> dict[str, int]:
    start = dt.datetime(year, 1, 1, tzinfo=calendar.zone)
    end = dt.datetime(year + 1, 1, 1, tzinfo=calendar.zone)
    return stored.paid_by_department(connection, uscc, start=start, end=end)
