"""Rows for the statistics' tests, written straight into the tables through the storage models:
statistics only read, and a scenario whose every time is chosen by hand (a decision two hours
after its request, a publication a day before its due time) is what makes exact figures testable.
The workflows that write these rows in production are tested on their own."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from typing import Any

from inspection.storage.db import Database
from inspection.storage.fee_models import FeeBill, FeeBillLine, FeeLine, FeePayment, FeeRefund
from inspection.storage.inspection_models import (
    EnterpriseVisit,
    Inspection,
    InspectionParticipant,
    InspectionRating,
)
from inspection.storage.oversight_models import Alert

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
_numbers = itertools.count(1)


def at(month: int, day: int, hour: int = 10, minute: int = 0, *, year: int = 2026) -> dt.datetime:
    """An instant on the district's clock (Asia/Shanghai, UTC+8)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def inspection(
    db: Database,
    uscc: str,
    departments: list[str],
    *,
    kind: str = "ROUTINE",
    origin: str = "REQUEST",
    state: str = "REQUESTED",
    request_time: dt.datetime,
    rating: int = 0,
    visit: dt.date | None = None,
    **times: Any,
) -> str:
    """An inspection led by the first of ``departments`` with all of them taking part; ``times``
    sets the due and done instants (decision_due_time, decide_time, publication_due_time, …)."""
    inspection_id = f"IS{next(_numbers):06d}"
    window = request_time.date() + dt.timedelta(days=10)
    with db.write() as session:
        session.add(
            Inspection(
                id=inspection_id,
                uscc=uscc,
                lead_department=departments[0],
                kind=kind,
                origin=origin,
                state=state,
                window_start=window,
                window_end=window + dt.timedelta(days=5),
                requested_by="clerk",
                request_time=request_time,
                **times,
            )
        )
        session.flush()
        for code in departments:
            session.add(InspectionParticipant(inspection_id=inspection_id, department_code=code))
        if rating:
            session.add(InspectionRating(inspection_id=inspection_id, score=rating, rate_time=request_time))
        if visit is not None:
            session.add(EnterpriseVisit(uscc=uscc, visit_date=visit, inspection_id=inspection_id))
    return inspection_id


def alert(
    db: Database, uscc: str, kind: str, raise_time: dt.datetime, department_code: str | None = None
) -> None:
    """An alert as the oversight sweep stores it."""
    key = f"{kind}|ENTERPRISE|{uscc}|{next(_numbers)}"
    with db.write() as session:
        session.add(
            Alert(
                id="AL" + hashlib.sha256(key.encode()).hexdigest()[:20],
                key=key,
                kind=kind,
                subject_kind="ENTERPRISE",
                subject_id=uscc,
                uscc=uscc,
                department_code=department_code,
                cause_time=raise_time,
                raise_time=raise_time,
            )
        )


def fee_line(
    db: Database,
    inspection_id: str,
    uscc: str,
    department: str,
    fen: int,
    when: dt.datetime,
    state: str = "OPEN",
) -> str:
    line_id = f"FL{next(_numbers):06d}"
    with db.write() as session:
        session.add(
            FeeLine(
                id=line_id,
                inspection_id=inspection_id,
                uscc=uscc,
                department_code=department,
                item_code=f"{department}-F1",
                item_version=1,
                item_name="检验费",
                unit="台",
                quantity=1,
                unit_amount_fen=fen,
                amount_fen=fen,
                collecting_unit=f"{department}执收单位",
                state=state,
                assessed_by="clerk",
                assess_time=when,
            )
        )
    return line_id


def paid_bill(db: Database, inspection_id: str, uscc: str, lines: dict[str, int], when: dt.datetime) -> str:
    """One bill of ``lines`` (line id → fen), paid at ``when``."""
    bill_id = f"FB{next(_numbers):06d}"
    total = sum(lines.values())
    with db.write() as session:
        session.add(
            FeeBill(
                id=bill_id,
                inspection_id=inspection_id,
                uscc=uscc,
                state="PAID",
                total_fen=total,
                payment_code=f"PC{bill_id}",
                issued_by="clerk",
                issue_time=when,
                due_date=when.date(),
            )
        )
        session.flush()
        for line_id, fen in lines.items():
            session.add(FeeBillLine(bill_id=bill_id, line_id=line_id, amount_fen=fen))
        session.add(
            FeePayment(
                id=f"FP{bill_id}",
                bill_id=bill_id,
                uscc=uscc,
                inspection_id=inspection_id,
                amount_fen=total,
                channel="QR_CODE",
                payment_reference=f"REF-{bill_id}",
                paid_by="hall",
                pay_time=when,
                split_json="{}",
            )
        )
    return bill_id


def refund(
    db: Database, bill_id: str, line_id: str, uscc: str, department: str, fen: int, paid: dt.datetime | None
) -> None:
    with db.write() as session:
        session.add(
            FeeRefund(
                id=f"FR{next(_numbers):06d}",
                bill_id=bill_id,
                line_id=line_id,
                uscc=uscc,
                inspection_id="",
                department_code=department,
                collecting_unit=f"{department}执收单位",
                amount_fen=fen,
                reason="多收",
                state="PAID" if paid else "REQUESTED",
                requested_by="officer",
                request_time=paid or at(3, 1),
                step_due_date=(paid or at(3, 1)).date(),
                pay_time=paid,
            )
        )
