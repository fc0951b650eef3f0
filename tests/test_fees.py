"""The single fee (一费制): the versioned catalogue, assessing only from it (any other charge refused
and kept on the card as an attempt), one bill per inspection or joint check, one payment at the
service hall with its receipts, and the hall's statement agreeing with the cards."""

from __future__ import annotations

import random
import threading
from typing import Any

import grpc
import pytest

from inspection.clock import SettableClock
from inspection.storage.db import Database
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import fee_service_pb2 as pb
from inspection.v1 import fee_service_pb2_grpc as pb_grpc
from inspection.v1 import inspection_service_pb2 as insp_pb
from tests.fee_support import (
    HALL,
    admin,
    assess,
    card_of,
    catalogue,
    entries,
    fee_item,
    fees,
    issue,
    joint,
    monday_morning,
    pay,
    visited,
)
from tests.inspection_support import (
    LEGAL,
    Department,
    approve,
    attempts_since,
    enterprise_md,
    head,
    kinds,
    local,
    make_enterprise,
    only_attempts_written,
    rejected,
    request_for,
)
from tests.support import day, field_violations, footprint, rpc_error
from tests.test_concurrency import replicas

__all__ = ["admin", "catalogue", "fees", "monday_morning", "replicas"]  # the fixtures these tests use

FP = grpc.StatusCode.FAILED_PRECONDITION


# --- the catalogue (收费清单) ----------------------------------------------------------------------


def test_a_revision_is_a_new_version_and_history_is_read_as_of_any_day(
    fees: Any, registry: Any, admin: Any, catalogue: None, db: Database
) -> None:
    fee_item(registry, admin, "SCJG-REV", "SCJG", 2_000)
    revised = fees.ReviseFeeItem(
        pb.ReviseFeeItemRequest(
            item=pb.FeeItemVersion(
                item_code="SCJG-REV",
                name="检验费（调整）",
                policy_basis="《行政事业性收费标准》第三条（2026年修订）",
                fee_nature="行政事业性收费",
                amount_fen=1_800,
                unit="台",
                collecting_unit="SCJG执收单位",
                valid_from=day("2026-05-01"),
            )
        ),
        metadata=admin,
    )
    assert (revised.version, revised.department_code, revised.amount_fen) == (2, "SCJG", 1_800)

    def as_of(when: str) -> list[tuple[int, int]]:
        versions = fees.GetFeeCatalogue(
            pb.GetFeeCatalogueRequest(as_of=day(when), item_code="SCJG-REV")
        ).versions
        return [(v.version, v.amount_fen) for v in versions]

    assert as_of("2026-04-30") == [(1, 2_000)]
    assert as_of("2026-05-01") == [(2, 1_800)]
    assert as_of("2025-12-31") == []
    history = fees.GetFeeCatalogue(pb.GetFeeCatalogueRequest(item_code="SCJG-REV")).versions
    assert [(v.version, v.amount_fen) for v in history] == [(1, 2_000), (2, 1_800)]
    # The public catalogue as of a day holds one version per item, expired and future ones not.
    on_day = {
        v.item_code for v in fees.GetFeeCatalogue(pb.GetFeeCatalogueRequest(as_of=day("2026-03-16"))).versions
    }
    assert {"SCJG-F1", "YJGL-F1", "SCJG-REV"} <= on_day and not {"SCJG-OLD", "SCJG-NEXT"} & on_day

    before = footprint(db)
    for valid_from in ("2026-03-01", "2026-05-01"):  # in the past; not after the newest version
        late = pb.FeeItemVersion(
            item_code="SCJG-REV",
            name="x",
            policy_basis="y",
            fee_nature="z",
            amount_fen=1,
            unit="台",
            collecting_unit="u",
            valid_from=day(valid_from),
        )
        assert rejected(
            lambda v=late: fees.ReviseFeeItem(pb.ReviseFeeItemRequest(item=v), metadata=admin)
        ) == (
            FP,
            "VERSION_NOT_LATER",
        )
    error = rpc_error(
        lambda: fees.ReviseFeeItem(
            pb.ReviseFeeItemRequest(item=pb.FeeItemVersion(item_code="SCJG-REV", amount_fen=-1)),
            metadata=admin,
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {"item.name", "item.amount_fen", "item.valid_from"} <= set(field_violations(error))
    unknown = pb.FeeItemVersion(
        item_code="NO-SUCH",
        name="x",
        policy_basis="y",
        fee_nature="z",
        amount_fen=1,
        unit="台",
        collecting_unit="u",
        valid_from=day("2026-06-01"),
    )
    assert rejected(lambda: fees.ReviseFeeItem(pb.ReviseFeeItemRequest(item=unknown), metadata=admin))[0] == (
        grpc.StatusCode.NOT_FOUND
    )
    assert footprint(db) == before


# --- one bill for a joint check, paid once at the hall -------------------------------------------------


def test_a_joint_check_has_one_bill_across_departments_paid_once_at_the_hall(
    fees: Any,
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    catalogue: None,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    check = joint(inspections, clock, scjg, yjgl, uscc, 23)
    first = assess(fees, scjg, check, "SCJG-F1", 2, amount_fen=10_000).line
    assert (first.amount_fen, first.unit_amount_fen, first.item_version) == (10_000, 5_000, 1)
    assert first.state == pb.FEE_LINE_STATE_OPEN
    assess(fees, yjgl, check, "YJGL-F1", 1)
    assert card_of(cards, uscc).unpaid_fen == 13_000

    bill = issue(fees, scjg, check)
    assert bill.state == pb.BILL_STATE_ISSUED and bill.total_fen == 13_000 and len(bill.payment_code) == 20
    assert {line.department_code for line in bill.lines} == {"SCJG", "YJGL"}
    assert all(line.state == pb.FEE_LINE_STATE_BILLED for line in bill.lines)
    assert card_of(cards, uscc).unpaid_fen == 13_000

    paid = pay(fees, bill, channel=pb.PAYMENT_CHANNEL_BANK_CARD)
    payment = paid.bill.payment
    assert paid.bill.state == pb.BILL_STATE_PAID and payment.amount_fen == 13_000
    assert [(s.department_code, s.amount_fen) for s in payment.shares] == [("SCJG", 10_000), ("YJGL", 3_000)]
    assert len(payment.receipts) == 2 and len({r.number for r in payment.receipts}) == 2
    for receipt in payment.receipts:
        code, serial = receipt.number.split("-")
        assert len(code) == 8 and code.isdigit() and len(serial) == 10 and serial.isdigit()
    assert {s.receipt_number for s in payment.shares} == {r.number for r in payment.receipts}
    assert paid.card_head.seq == head(cards, uscc)[0]

    card = card_of(cards, uscc)
    assert card.unpaid_fen == 0
    assert [(f.department_code, f.paid_fen) for f in card.fees_this_year] == [
        ("SCJG", 10_000),
        ("YJGL", 3_000),
    ]
    assert kinds(cards, uscc)[-4:] == ["FEE_ASSESSED", "FEE_ASSESSED", "BILL_ISSUED", "BILL_PAID"]
    [entry] = entries(cards, uscc, card_pb.CARD_ENTRY_KIND_BILL_PAID)
    assert entry["amount_fen"] == 13_000 and entry["channel"] == "BANK_CARD"
    assert sorted(s["receipt_number"] for s in entry["split"]) == sorted(r.number for r in payment.receipts)

    # The enterprise reads its bill by the payment code; another enterprise cannot.
    mine = fees.GetBill(pb.GetBillRequest(payment_code=bill.payment_code), metadata=enterprise_md(uscc))
    assert mine.id == bill.id and mine.payment.id == payment.id
    other = make_enterprise(registry, admin)
    assert rejected(
        lambda: fees.GetBill(pb.GetBillRequest(bill_id=bill.id), metadata=enterprise_md(other))
    ) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "OUT_OF_SCOPE",
    )


# --- any other charge is refused and recorded ----------------------------------------------------


UNLISTED = [
    pytest.param({"item_code": "YJGL-F1", "quantity": 1}, "UNLISTED_FEE", id="another-departments-item"),
    pytest.param({"item_code": "SCJG-OLD", "quantity": 1}, "UNLISTED_FEE", id="expired-item"),
    pytest.param({"item_code": "SCJG-NEXT", "quantity": 1}, "UNLISTED_FEE", id="not-yet-valid-item"),
    pytest.param({"item_code": "SCJG-NONE", "quantity": 1}, "UNLISTED_FEE", id="unknown-item"),
    pytest.param({"description": "资料费", "amount_fen": 20_000}, "UNLISTED_FEE", id="free-text-fee"),
    pytest.param(
        {"item_code": "SCJG-F1", "quantity": 2, "amount_fen": 9_999}, "AMOUNT_NOT_STANDARD", id="amount"
    ),
]


@pytest.mark.parametrize(("fields", "reason"), UNLISTED)
def test_an_unlisted_fee_is_refused_charges_nothing_and_is_kept_as_an_attempt(
    fields: dict[str, Any],
    reason: str,
    fees: Any,
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    catalogue: None,
    clock: SettableClock,
    db: Database,
) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = visited(inspections, clock, scjg, uscc, 24)
    seq, _ = head(cards, uscc)
    before = footprint(db)
    request = pb.AssessFeeRequest(inspection_id=inspection_id, **fields)
    assert rejected(lambda: fees.AssessFee(request, metadata=scjg.md)) == (FP, reason)
    assert only_attempts_written(before, footprint(db))
    assert attempts_since(cards, uscc, seq) == [reason]
    [attempt] = entries(cards, uscc, card_pb.CARD_ENTRY_KIND_ATTEMPT_REFUSED)
    assert attempt["method"].endswith("FeeService/AssessFee")
    assert attempt["facts"]["item_code"] == fields.get("item_code", "")
    assert card_of(cards, uscc).unpaid_fen == 0


def test_assessing_rules_each_refused_and_nothing_written(
    fees: Any,
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    catalogue: None,
    clock: SettableClock,
    db: Database,
) -> None:
    uscc = make_enterprise(registry, admin)
    requested = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md).inspection
    approve(inspections, requested.id)
    before, card_head = footprint(db), head(cards, uscc)
    # Before the visit no fee can arise.
    assert rejected(lambda: assess(fees, scjg, requested.id, "SCJG-F1", 1)) == (FP, "NO_FEE_IN_THIS_STATE")
    # Quantities out of bounds are malformed requests, with the field named.
    for quantity in (0, -1, 10_001):
        error = rpc_error(lambda q=quantity: assess(fees, scjg, requested.id, "SCJG-F1", q))
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "quantity" in field_violations(error)
    assert "item_code" in field_violations(rpc_error(lambda: assess(fees, scjg, requested.id, "", 1)))
    assert rejected(lambda: assess(fees, scjg, "I-NONE", "SCJG-F1", 1))[0] == grpc.StatusCode.NOT_FOUND
    assert footprint(db) == before and head(cards, uscc) == card_head
    # A charge described in words is kept as an attempt even before the visit.
    seq = head(cards, uscc)[0]
    free_text = pb.AssessFeeRequest(inspection_id=requested.id, description="资料费", amount_fen=5_000)
    assert rejected(lambda: fees.AssessFee(free_text, metadata=scjg.md)) == (FP, "UNLISTED_FEE")
    assert only_attempts_written(before, footprint(db))
    assert attempts_since(cards, uscc, seq) == ["UNLISTED_FEE"]

    # A department that takes no part charges nothing; the try is kept.
    other = make_enterprise(registry, admin)
    other_check = visited(inspections, clock, scjg, other, 25)
    seq, before = head(cards, other)[0], footprint(db)
    assert rejected(lambda: assess(fees, yjgl, other_check, "YJGL-F1", 1)) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "NOT_YOUR_INSPECTION",
    )
    assert only_attempts_written(before, footprint(db))
    assert attempts_since(cards, other, seq) == ["NOT_YOUR_INSPECTION"]


# --- the bill: void, issue, supersede; the payment's rules ----------------------------------------


def test_bill_and_payment_rules_each_refused_and_nothing_written(
    fees: Any,
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    catalogue: None,
    clock: SettableClock,
    db: Database,
) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = visited(inspections, clock, scjg, uscc, 26)

    def unchanged(call: Any, expected: tuple[grpc.StatusCode, str]) -> None:
        before, card_head = footprint(db), head(cards, uscc)
        assert rejected(call) == expected
        assert footprint(db) == before and head(cards, uscc) == card_head

    unchanged(lambda: issue(fees, scjg, inspection_id), (FP, "NOTHING_TO_BILL"))
    wrong = assess(fees, scjg, inspection_id, "SCJG-F2", 3).line
    kept = assess(fees, scjg, inspection_id, "SCJG-F1", 1).line
    void = pb.VoidFeeLineRequest(line_id=wrong.id, reason="")
    assert "reason" in field_violations(rpc_error(lambda: fees.VoidFeeLine(void, metadata=scjg.md)))
    unchanged(
        lambda: fees.VoidFeeLine(pb.VoidFeeLineRequest(line_id=wrong.id, reason="录错"), metadata=yjgl.md),
        (grpc.StatusCode.PERMISSION_DENIED, "NOT_YOUR_INSPECTION"),
    )
    unchanged(
        lambda: issue(fees, yjgl, inspection_id), (grpc.StatusCode.PERMISSION_DENIED, "NOT_YOUR_INSPECTION")
    )
    voided = fees.VoidFeeLine(
        pb.VoidFeeLineRequest(line_id=wrong.id, reason="数量录错"), metadata=scjg.md
    ).line
    assert voided.state == pb.FEE_LINE_STATE_VOIDED and voided.void_reason == "数量录错"
    unchanged(
        lambda: fees.VoidFeeLine(pb.VoidFeeLineRequest(line_id=wrong.id, reason="再次"), metadata=scjg.md),
        (FP, "LINE_NOT_OPEN"),
    )
    assert card_of(cards, uscc).unpaid_fen == 5_000

    first = issue(fees, scjg, inspection_id)
    assert first.total_fen == 5_000 and [line.id for line in first.lines] == [kept.id]
    unchanged(lambda: issue(fees, scjg, inspection_id), (FP, "BILL_ALREADY_ISSUED"))
    unchanged(lambda: assess(fees, scjg, inspection_id, "SCJG-F2", 1), (FP, "BILL_ALREADY_ISSUED"))
    unchanged(
        lambda: fees.VoidFeeLine(pb.VoidFeeLineRequest(line_id=kept.id, reason="x"), metadata=scjg.md),
        (FP, "BILL_ALREADY_ISSUED"),
    )

    # A correction after issue is a new bill that supersedes the old one, never an edit.
    superseded = fees.SupersedeBill(
        pb.SupersedeBillRequest(bill_id=first.id, reason="漏收一项"), metadata=scjg.md
    ).bill
    assert superseded.state == pb.BILL_STATE_SUPERSEDED and superseded.total_fen == 5_000
    assess(fees, scjg, inspection_id, "SCJG-F2", 2)
    second = issue(fees, scjg, inspection_id)
    assert (
        second.supersedes == first.id
        and second.total_fen == 7_500
        and second.payment_code != first.payment_code
    )
    assert fees.GetBill(pb.GetBillRequest(bill_id=first.id), metadata=LEGAL).total_fen == 5_000
    unchanged(lambda: pay(fees, first), (FP, "BILL_NOT_PAYABLE"))
    unchanged(lambda: pay(fees, second, amount=7_499), (FP, "AMOUNT_NOT_BILL_TOTAL"))
    unchanged(lambda: pay(fees, second, amount=7_501), (FP, "AMOUNT_NOT_BILL_TOTAL"))
    error = rpc_error(lambda: pay(fees, second, channel=pb.PAYMENT_CHANNEL_UNSPECIFIED))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "channel" in field_violations(error)
    unchanged(
        lambda: pay(fees, second, metadata=scjg.md), (grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_ALLOWED")
    )

    paid = pay(fees, second, reference="BANK-0001", request_id="pay-1")
    # A retry with the same payment reference, or with the same request id, returns the first result.
    again = pay(fees, second, reference="BANK-0001")
    assert again == paid
    assert pay(fees, second, reference="BANK-0001", request_id="pay-1") == paid
    unchanged(lambda: pay(fees, second, reference="BANK-0002"), (FP, "BILL_ALREADY_PAID"))
    unchanged(lambda: assess(fees, scjg, inspection_id, "SCJG-F2", 1), (FP, "BILL_ALREADY_PAID"))
    unchanged(
        lambda: fees.SupersedeBill(pb.SupersedeBillRequest(bill_id=second.id, reason="x"), metadata=scjg.md),
        (FP, "BILL_ALREADY_PAID"),
    )
    # A reference belongs to one payment.
    other = make_enterprise(registry, admin)
    other_inspection = visited(inspections, clock, scjg, other, 27)
    assess(fees, scjg, other_inspection, "SCJG-F1", 1)
    other_bill = issue(fees, scjg, other_inspection)
    assert rejected(lambda: pay(fees, other_bill, reference="BANK-0001")) == (FP, "PAYMENT_REFERENCE_REUSED")
    assert kinds(cards, uscc).count("BILL_PAID") == 1
    assert card_of(cards, uscc).unpaid_fen == 0


def test_concurrent_payments_of_one_bill_make_exactly_one_payment(
    fees: Any,
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    catalogue: None,
    clock: SettableClock,
    db: Database,
) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = visited(inspections, clock, scjg, uscc, 30)
    assess(fees, scjg, inspection_id, "SCJG-F1", 3)
    bill = issue(fees, scjg, inspection_id)
    callers = 8
    barrier = threading.Barrier(callers)
    outcomes: list[Any] = [None] * callers

    def attempt(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = pay(fees, bill, reference=f"RACE-{bill.id}-{index}").bill.payment.id
        except grpc.RpcError as error:
            outcomes[index] = error.code()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    payments = [o for o in outcomes if isinstance(o, str)]
    assert len(payments) == 1, outcomes
    assert all(o == FP for o in outcomes if not isinstance(o, str)), outcomes
    assert kinds(cards, uscc).count("BILL_PAID") == 1
    assert footprint(db)["fee_payment"] >= 1


# --- the hall's day (对账单) ----------------------------------------------------------------------


def test_the_halls_statement_equals_the_card_entries_after_a_random_day(
    fees: Any,
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    catalogue: None,
    clock: SettableClock,
) -> None:
    rng = random.Random(11)
    enterprises: list[tuple[str, str, list[Department]]] = []
    # Two joint checks (morning and afternoon: their inspectors' half-days are claimed) and
    # three single inspections.
    for index in range(5):
        uscc = make_enterprise(registry, admin)
        if index < 2:
            half = (insp_pb.HALF_DAY_MORNING, insp_pb.HALF_DAY_AFTERNOON)[index]
            enterprises.append((uscc, joint(inspections, clock, scjg, yjgl, uscc, 31, half), [scjg, yjgl]))
        else:
            enterprises.append((uscc, visited(inspections, clock, scjg, uscc, 31), [scjg]))
    clock.set(local(2026, 3, 31, 11))
    before = fees.GetHallStatement(pb.GetHallStatementRequest(start_date=day("2026-03-31")), metadata=HALL)
    for _, inspection_id, departments in enterprises:
        lines = fees.GetFeeLines(pb.GetFeeLinesRequest(inspection_id=inspection_id), metadata=LEGAL).lines
        assert not lines
        for department in departments:
            for item in rng.sample(
                [i for i in ("SCJG-F1", "SCJG-F2", "YJGL-F1") if i.startswith(department.code)], 1
            ):
                assess(fees, department, inspection_id, item, rng.randint(1, 5))
        bill = issue(fees, scjg, inspection_id)
        if rng.random() < 0.8:
            pay(fees, bill, channel=rng.choice([pb.PAYMENT_CHANNEL_CASH, pb.PAYMENT_CHANNEL_QR_CODE]))
    statement = fees.GetHallStatement(pb.GetHallStatementRequest(start_date=day("2026-03-31")), metadata=HALL)

    paid = [
        entry
        for uscc, _, _ in enterprises
        for entry in entries(cards, uscc, card_pb.CARD_ENTRY_KIND_BILL_PAID)
    ]
    assert statement.payments - before.payments == len(paid)
    assert statement.paid_fen - before.paid_fen == sum(e["amount_fen"] for e in paid)

    def delta(totals: Any, earlier: Any) -> dict[str, int]:
        then = {t.key: t.amount_fen for t in earlier}
        return {
            t.key: t.amount_fen - then.get(t.key, 0) for t in totals if t.amount_fen != then.get(t.key, 0)
        }

    by_channel: dict[str, int] = {}
    by_unit: dict[str, int] = {}
    by_department: dict[str, int] = {}
    for entry in paid:
        by_channel[entry["channel"]] = by_channel.get(entry["channel"], 0) + entry["amount_fen"]
        for share in entry["split"]:
            by_unit[share["collecting_unit"]] = by_unit.get(share["collecting_unit"], 0) + share["amount_fen"]
            by_department[share["department"]] = (
                by_department.get(share["department"], 0) + share["amount_fen"]
            )
    assert delta(statement.by_channel, before.by_channel) == by_channel
    assert delta(statement.by_collecting_unit, before.by_collecting_unit) == by_unit
    assert delta(statement.by_department, before.by_department) == by_department
    numbers = {r["number"] for e in paid for r in e["receipts"]}
    assert numbers == {r.number for r in statement.receipts} - {r.number for r in before.receipts}

    bad = rpc_error(lambda: fees.GetHallStatement(pb.GetHallStatementRequest(), metadata=HALL))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT and "start_date" in field_violations(bad)


@pytest.mark.timeout(240)
def test_payments_of_one_bill_through_two_server_processes_make_exactly_one_payment(
    replicas: list[str],
    fees: Any,
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    catalogue: None,
    clock: SettableClock,
) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = visited(inspections, clock, scjg, uscc, 30)
    assess(fees, scjg, inspection_id, "SCJG-F2", 7)
    bill = issue(fees, scjg, inspection_id)
    channels = [grpc.insecure_channel(address) for address in replicas]
    try:
        for channel in channels:
            grpc.channel_ready_future(channel).result(timeout=30)
        stubs = [pb_grpc.FeeServiceStub(channel) for channel in channels]
        callers = 8
        barrier = threading.Barrier(callers)
        outcomes: list[Any] = [None] * callers

        def attempt(index: int) -> None:
            barrier.wait()
            try:
                paid = pay(stubs[index % 2], bill, reference=f"REPLICA-{bill.id}-{index}")
                outcomes[index] = paid.bill.payment.id
            except grpc.RpcError as error:
                outcomes[index] = error.code()

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(callers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for channel in channels:
            channel.close()
    assert len([o for o in outcomes if isinstance(o, str)]) == 1, outcomes
    assert all(o == FP for o in outcomes if not isinstance(o, str)), outcomes
    assert kinds(cards, uscc).count("BILL_PAID") == 1
