"""Refunds (退费): the enterprise asks, the collecting department verifies, both offices approve,
the service hall pays back; each step due in working days and recorded late when it is; partial
refunds keep the split by department exact."""

from __future__ import annotations

import json
from typing import Any

import grpc

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.storage.db import Database
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import fee_service_pb2 as pb
from inspection.v1 import inspection_service_pb2 as insp_pb
from tests.fee_support import (
    HALL,
    admin,
    assess,
    card_of,
    catalogue,
    entries,
    fees,
    issue,
    joint,
    monday_morning,
    pay,
    visited,
)
from tests.inspection_support import (
    LEGAL,
    SUPERVISION,
    Department,
    enterprise_md,
    head,
    kinds,
    local,
    make_enterprise,
    rejected,
    token,
)
from tests.support import day, field_violations, footprint, rpc_error

__all__ = ["admin", "catalogue", "fees", "monday_morning"]  # the fixtures these tests use

FP = grpc.StatusCode.FAILED_PRECONDITION


def _ask(
    fees: Any, uscc: str, bill_id: str, line_id: str = "", amount: int = 0, reason: str = "重复收费"
) -> Any:
    request = pb.RequestRefundRequest(bill_id=bill_id, line_id=line_id, amount_fen=amount, reason=reason)
    return fees.RequestRefund(request, metadata=enterprise_md(uscc))


def _verify(fees: Any, department: Department, refund_id: str, verified: bool = True, note: str = "") -> Any:
    request = pb.ConfirmRefundRequest(refund_id=refund_id, verified=verified, note=note)
    return fees.ConfirmRefund(request, metadata=department.md)


def _decide(
    fees: Any, md: Any, refund_id: str, decision: int = insp_pb.DECISION_APPROVE, comment: str = ""
) -> Any:
    request = pb.DecideRefundRequest(refund_id=refund_id, decision=decision, comment=comment)
    return fees.DecideRefund(request, metadata=md)


def _pay_back(fees: Any, refund_id: str) -> Any:
    return fees.PayRefund(
        pb.PayRefundRequest(refund_id=refund_id, payment_reference=f"BACK-{refund_id}"), metadata=HALL
    )


def test_a_partial_refund_runs_request_verify_approve_pay_and_keeps_the_split(
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
    check = joint(inspections, clock, scjg, yjgl, uscc, 24)
    scjg_line = assess(fees, scjg, check, "SCJG-F1", 2).line
    assess(fees, yjgl, check, "YJGL-F1", 1)
    bill = pay(fees, issue(fees, scjg, check)).bill

    asked = _ask(fees, uscc, bill.id, scjg_line.id, 4_000).refunds
    [refund] = asked
    assert (refund.state, refund.amount_fen, refund.department_code) == (
        pb.REFUND_STATE_REQUESTED,
        4_000,
        "SCJG",
    )
    assert refund.step_due_date == day("2026-04-07")  # the 10th working day after Tuesday 24 March
    assert _verify(fees, scjg, refund.id).refunds[0].state == pb.REFUND_STATE_VERIFIED
    assert _decide(fees, LEGAL, refund.id).refunds[0].state == pb.REFUND_STATE_VERIFIED
    assert _decide(fees, SUPERVISION, refund.id).refunds[0].state == pb.REFUND_STATE_APPROVED
    paid = _pay_back(fees, refund.id).refunds[0]
    assert paid.state == pb.REFUND_STATE_PAID and not paid.late_steps

    assert kinds(cards, uscc)[-5:] == [
        "REFUND_REQUESTED",
        "REFUND_VERIFIED",
        "REFUND_DECIDED",
        "REFUND_APPROVED",
        "REFUND_PAID",
    ]
    assert [(f.department_code, f.paid_fen) for f in card_of(cards, uscc).fees_this_year] == [
        ("SCJG", 6_000),
        ("YJGL", 3_000),
    ]
    statement = fees.GetHallStatement(pb.GetHallStatementRequest(start_date=day("2026-03-24")), metadata=HALL)
    [paid_back] = entries(cards, uscc, card_pb.CARD_ENTRY_KIND_REFUND_PAID)
    assert statement.refunds >= 1 and statement.refunded_fen >= paid_back["amount_fen"] == 4_000

    # The rest of the bill: one refund per line, each of what is left of it.
    rest = _ask(fees, uscc, bill.id).refunds
    assert sorted((r.department_code, r.amount_fen) for r in rest) == [("SCJG", 6_000), ("YJGL", 3_000)]
    listed = fees.GetBillRefunds(
        pb.GetBillRefundsRequest(bill_id=bill.id), metadata=enterprise_md(uscc)
    ).refunds
    assert len(listed) == 3


def test_refund_rules_each_refused_and_nothing_written(
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
    inspection_id = visited(inspections, clock, scjg, uscc, 25)
    line = assess(fees, scjg, inspection_id, "SCJG-F1", 1).line
    issued = issue(fees, scjg, inspection_id)

    def unchanged(call: Any, expected: tuple[grpc.StatusCode, str]) -> None:
        before, card_head = footprint(db), head(cards, uscc)
        assert rejected(call) == expected
        assert footprint(db) == before and head(cards, uscc) == card_head

    unchanged(lambda: _ask(fees, uscc, issued.id), (FP, "BILL_NOT_PAID"))
    pay(fees, issued)
    unchanged(lambda: _ask(fees, uscc, issued.id, line.id, 5_001), (FP, "REFUND_EXCEEDS_PAID"))
    other = make_enterprise(registry, admin)
    unchanged(lambda: _ask(fees, other, issued.id), (grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_SCOPE"))
    error = rpc_error(lambda: _ask(fees, uscc, issued.id, reason=""))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "reason" in field_violations(error)

    [refund] = _ask(fees, uscc, issued.id, line.id, 2_000).refunds
    unchanged(lambda: _ask(fees, uscc, issued.id, line.id, 3_001), (FP, "REFUND_EXCEEDS_PAID"))
    unchanged(lambda: _decide(fees, LEGAL, refund.id), (FP, "REFUND_NOT_AT_THIS_STEP"))
    unchanged(lambda: _pay_back(fees, refund.id), (FP, "REFUND_NOT_AT_THIS_STEP"))
    unchanged(
        lambda: _verify(fees, yjgl, refund.id), (grpc.StatusCode.PERMISSION_DENIED, "NOT_YOUR_INSPECTION")
    )
    assert "note" in field_violations(rpc_error(lambda: _verify(fees, scjg, refund.id, verified=False)))
    _verify(fees, scjg, refund.id)
    unchanged(lambda: _verify(fees, scjg, refund.id), (FP, "REFUND_NOT_AT_THIS_STEP"))
    reject = rpc_error(lambda: _decide(fees, LEGAL, refund.id, insp_pb.DECISION_REJECT))
    assert reject.code() == grpc.StatusCode.INVALID_ARGUMENT and "comment" in field_violations(reject)
    unchanged(
        lambda: _decide(fees, token(Role.SERVICE_HALL, sub="x"), refund.id),
        (grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_ALLOWED"),
    )
    _decide(fees, LEGAL, refund.id)
    unchanged(lambda: _decide(fees, LEGAL, refund.id), (FP, "ALREADY_DECIDED"))
    rejected_refund = _decide(
        fees, SUPERVISION, refund.id, insp_pb.DECISION_REJECT, "不属于退费情形"
    ).refunds[0]
    assert rejected_refund.state == pb.REFUND_STATE_REJECTED and rejected_refund.note == "不属于退费情形"
    unchanged(lambda: _pay_back(fees, refund.id), (FP, "REFUND_NOT_AT_THIS_STEP"))
    # A rejected refund holds nothing back: the whole line may be asked again.
    assert _ask(fees, uscc, issued.id, line.id).refunds[0].amount_fen == 5_000


def test_a_late_step_still_counts_and_is_recorded_late(
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
    inspection_id = visited(inspections, clock, scjg, uscc, 26)
    assess(fees, scjg, inspection_id, "SCJG-F2", 4)
    bill = pay(fees, issue(fees, scjg, inspection_id)).bill
    [refund] = _ask(fees, uscc, bill.id).refunds
    clock.set(local(2026, 4, 30))
    verified = _verify(fees, scjg, refund.id).refunds[0]
    assert verified.state == pb.REFUND_STATE_VERIFIED and list(verified.late_steps) == ["VERIFY"]
    [entry] = entries(cards, uscc, card_pb.CARD_ENTRY_KIND_REFUND_VERIFIED)
    assert entry["late"] is True
    assert json.loads(json.dumps(entry))["step"] == "VERIFY"
