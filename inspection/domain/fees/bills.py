"""The one bill of an inspection or joint check (缴费通知书): issued frozen with a payment code
(缴款码), corrected only by a superseding bill."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from sqlmodel import Session

from inspection.auth import Principal
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.domain.card import CardHead, EntryKind, LockedCard
from inspection.domain.fees.assessing import locked_inspection, may_read, refuse_if_billed
from inspection.domain.fees.model import (
    BILL_DUE_WORKING_DAYS,
    BillState,
    LineState,
)
from inspection.domain.inspections.common import department_of, new_id
from inspection.domain.text import check_identifier, check_text
from inspection.errors import (
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
    FeeLine,
    FeePayment,
    FeeReceipt,
)

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


def bill_view(session: Session, bill: FeeBill) -> BillView:
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
    inspection, card = locked_inspection(session, inspection_id)
    if inspection.lead_department != department:
        raise PermissionDenied(
            "the lead department issues the inspection's one bill", reason=Reason.NOT_YOUR_INSPECTION
        )
    refuse_if_billed(session, inspection.id)
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
    view = bill_view(session, bill)
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


def bill_for_change(session: Session, bill_id: str) -> tuple[FeeBill, LockedCard]:
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
    bill, card = bill_for_change(session, bill_id)
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
    return bill_view(session, updated), head


def get_bill(session: Session, *, bill_id: str, payment_code: str, viewer: Principal) -> BillView:
    bill = find_bill(session, bill_id, payment_code)
    may_read(session, viewer, bill.uscc, bill.inspection_id)
    return bill_view(session, bill)


def find_bill(session: Session, bill_id: str, payment_code: str) -> FeeBill:
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
