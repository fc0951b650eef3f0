"""The single fee's figures (一费制): AssessFee spread over visited inspections, then PayBill of each
inspection's one bill, every payment sent twice (the retry by payment reference must return the
first); afterwards the cards are checked: every acknowledged line and payment on its card, and
exactly one payment per bill (none lost, none doubled)."""

from __future__ import annotations

import datetime as dt

import grpc
from sqlalchemy import func, select
from sqlmodel import col

from bench import seed
from bench.load import CHANNEL_OPTIONS
from bench.report import Figure
from bench.run import Ack, Bench, CheckFailed, check_writes
from inspection.auth import Role, issue_token
from inspection.storage.db import Database
from inspection.storage.fee_models import FeePayment
from inspection.storage.models import CardEntry
from inspection.v1 import fee_service_pb2 as fee_pb
from inspection.v1 import fee_service_pb2_grpc as fee_grpc

FEES = "/inspection.v1.FeeService/"


def _token(bench: Bench, role: Role, sub: str, org: str, now: dt.datetime) -> tuple[tuple[str, str], ...]:
    token = issue_token(bench.signing_key, sub=sub, role=role, org=org, ttl=dt.timedelta(hours=2), now=now)
    return (("authorization", f"Bearer {token}"),)


def measure_fees(bench: Bench, backend: str, target: str, db: Database, many: list[str]) -> None:
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    usccs = many[: max(1, min(len(many), bench.sizes.max_requests // 4))]
    with db.write() as session:
        department, item, inspection_ids = seed.visited_inspections(session, usccs, today=today, now=now)
    department_token = _token(bench, Role.DEPARTMENT, "bench-fees-clerk", department, now)
    hall_token = _token(bench, Role.SERVICE_HALL, "bench-hall-clerk", "", now)

    count = bench.sizes.warmup + bench.sizes.max_requests
    assessments = [
        fee_pb.AssessFeeRequest(
            request_id=f"assess-{i}",
            inspection_id=inspection_ids[i % len(inspection_ids)],
            item_code=item,
            quantity=1 + i % 5,
        )
        for i in range(count)
    ]
    job = bench.job(
        "fee.assess",
        target,
        FEES + "AssessFee",
        assessments,
        metadata=department_token,
        unique=True,
        keep_responses=True,
    )
    result = bench.load.run(job)
    figure = bench.add(
        Figure.from_load(
            result,
            backend=backend,
            section="fees",
            name=f"AssessFee spread ({len(inspection_ids):,} visited inspections)",
            rpc="AssessFee",
        )
    )
    acks = []
    for _, raw in result.responses:
        change = fee_pb.FeeLineChange.FromString(raw)
        acks.append(
            Ack(
                change.line.uscc,
                change.card_head.seq,
                change.card_head.entry_hash,
                "FEE_ASSESSED",
                change.line.inspection_id,
            )
        )
    figure.note = check_writes(bench, backend, target, db, result.name, acks)

    bills: list[fee_pb.Bill] = []
    with grpc.insecure_channel(target, options=CHANNEL_OPTIONS) as channel:
        stub = fee_grpc.FeeServiceStub(channel)
        assessed = {a.inspection_id for a in acks}
        for inspection_id in inspection_ids:
            if inspection_id in assessed:
                issued = stub.IssueBill(
                    fee_pb.IssueBillRequest(request_id=f"issue-{inspection_id}", inspection_id=inspection_id),
                    metadata=department_token,
                    timeout=60,
                )
                bills.append(issued.bill)
    payments = [
        fee_pb.PayBillRequest(
            request_id=f"pay-{bill.id}-{attempt}",
            bill_id=bill.id,
            amount_fen=bill.total_fen,
            channel=fee_pb.PAYMENT_CHANNEL_QR_CODE,
            payment_reference=f"BENCH-{bill.id}",
        )
        for bill in bills
        for attempt in (1, 2)
    ]
    job = bench.job(
        "fee.pay",
        target,
        FEES + "PayBill",
        payments,
        metadata=hall_token,
        unique=True,
        keep_responses=True,
        warmup=min(bench.sizes.warmup, len(payments) // 4),
    )
    result = bench.load.run(job)
    figure = bench.add(
        Figure.from_load(
            result,
            backend=backend,
            section="fees",
            name=f"PayBill at the hall ({len(bills):,} bills, each sent twice)",
            rpc="PayBill",
        )
    )
    paid: dict[str, str] = {}
    paid_acks: list[Ack] = []
    for _, raw in result.responses:
        answer = fee_pb.PaymentChange.FromString(raw)
        bill, head = answer.bill, answer.card_head
        if bill.id in paid:  # the retry: it must answer the first payment, not a second one
            if paid[bill.id] != bill.payment.id:
                raise CheckFailed(f"{result.name}: bill {bill.id} answered two different payments")
            continue
        paid[bill.id] = bill.payment.id
        paid_acks.append(Ack(bill.uscc, head.seq, head.entry_hash, "BILL_PAID", bill.inspection_id))
    check_writes(bench, backend, target, db, result.name, paid_acks)
    figure.note = _check_payments(bench, backend, db, bills, paid, result.name)


def _check_payments(
    bench: Bench, backend: str, db: Database, bills: list[fee_pb.Bill], paid: dict[str, str], name: str
) -> str:
    """One stored payment and one BILL_PAID card entry per bill answered paid; none for any other."""
    bill_ids = [b.id for b in bills]
    inspection_ids = [b.inspection_id for b in bills]
    with db.read() as session:
        stored = session.execute(
            select(col(FeePayment.bill_id), func.count())
            .where(col(FeePayment.bill_id).in_(bill_ids))
            .group_by(col(FeePayment.bill_id))
        ).all()
        entries = session.execute(
            select(col(CardEntry.inspection_id), func.count())
            .where(col(CardEntry.kind) == "BILL_PAID", col(CardEntry.inspection_id).in_(inspection_ids))
            .group_by(col(CardEntry.inspection_id))
        ).all()
    per_bill = {bill_id: int(n) for bill_id, n in stored}
    per_inspection = {inspection_id: int(n) for inspection_id, n in entries}
    for bill in bills:
        expected = 1 if bill.id in paid else 0
        if per_bill.get(bill.id, 0) != expected or per_inspection.get(bill.inspection_id, 0) != expected:
            raise CheckFailed(
                f"{name}: bill {bill.id} has {per_bill.get(bill.id, 0)} payments and"
                f" {per_inspection.get(bill.inspection_id, 0)} BILL_PAID entries; expected {expected}"
            )
    bench.report.checks.append(
        f"{backend}: {name}: {len(paid):,} bills paid once each (each sent twice), one BILL_PAID entry each"
    )
    return "checked: one payment per bill, none doubled"
