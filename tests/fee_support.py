"""Helpers for the single fee's tests: a small catalogue, visited inspections and joint checks, and
calls to assess, bill and pay."""

from __future__ import annotations

import json
from typing import Any

import grpc
import pytest

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import fee_service_pb2 as pb
from inspection.v1 import fee_service_pb2_grpc as pb_grpc
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import registry_service_pb2 as reg
from tests.inspection_support import LEGAL, Department, approve, enterprise_md, local, request_for, token
from tests.support import day

HALL = token(Role.SERVICE_HALL, sub="hall-clerk-1")
_refs = iter(range(1, 1_000_000))


def fee_item(registry: Any, admin: Any, code: str, department: str, fen: int, **kw: Any) -> None:
    fields: dict[str, Any] = {
        "code": code,
        "department_code": department,
        "name": f"检验费{code}",
        "policy_basis": "《行政事业性收费标准》第三条",
        "fee_nature": "行政事业性收费",
        "amount_fen": fen,
        "unit": "台",
        "collecting_unit": f"{department}执收单位",
        "valid_from": day("2026-01-01"),
    }
    fields.update(kw)
    registry.CreateFeeItem(reg.CreateFeeItemRequest(item=reg.FeeItem(**fields)), metadata=admin)


def visited(inspections: Any, clock: SettableClock, department: Department, uscc: str, when: int) -> str:
    """An inspection of ``uscc`` by ``department`` requested on 16 March, checked in on 2026-03-``when``."""
    clock.set(local(2026, 3, 16))
    requested = inspections.RequestInspection(
        request_for(department, uscc, start="2026-03-23", end="2026-03-31"), metadata=department.md
    ).inspection
    code = approve(inspections, requested.id).inspection.inspection_code
    clock.set(local(2026, 3, when))
    inspections.CheckIn(
        insp_pb.CheckInRequest(inspection_code=code, inspector_ids=department.inspectors[:2]),
        metadata=department.md,
    )
    return str(requested.id)


def joint(
    inspections: Any,
    clock: SettableClock,
    lead: Department,
    other: Department,
    uscc: str,
    when: int,
    half: int = insp_pb.HALF_DAY_MORNING,
) -> str:
    """A joint check of ``lead`` and ``other`` on ``uscc``, both present on 2026-03-``when``."""
    clock.set(local(2026, 3, 16))
    part = request_for(
        lead, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED, start="2026-03-23", end="2026-03-31"
    )
    fields = {f.name: getattr(part, f.name) for f in part.DESCRIPTOR.fields if f.name != "request_id"}
    check = inspections.ProposeJointCheck(
        insp_pb.ProposeJointCheckRequest(**fields, department_codes=[other.code]), metadata=lead.md
    ).inspection
    inspections.ConfirmParticipation(
        insp_pb.ConfirmParticipationRequest(
            inspection_id=check.id, item_codes=other.items[:1], inspector_ids=other.inspectors[:2]
        ),
        metadata=other.md,
    )
    code = approve(inspections, check.id).inspection.inspection_code
    inspections.BookVisit(
        insp_pb.BookVisitRequest(
            inspection_id=check.id,
            slot=insp_pb.Slot(date=day(f"2026-03-{when}"), half_day=half),
        ),
        metadata=enterprise_md(uscc),
    )
    clock.set(local(2026, 3, when))
    inspections.CheckIn(
        insp_pb.CheckInRequest(
            inspection_code=code, inspector_ids=lead.inspectors[:2] + other.inspectors[:2]
        ),
        metadata=lead.md,
    )
    return str(check.id)


def assess(fees: Any, department: Department, inspection_id: str, item: str, quantity: int, **kw: Any) -> Any:
    return fees.AssessFee(
        pb.AssessFeeRequest(inspection_id=inspection_id, item_code=item, quantity=quantity, **kw),
        metadata=department.md,
    )


def issue(fees: Any, department: Department, inspection_id: str) -> pb.Bill:
    return fees.IssueBill(pb.IssueBillRequest(inspection_id=inspection_id), metadata=department.md).bill


def pay(fees: Any, bill: pb.Bill, *, amount: int | None = None, reference: str = "", **kw: Any) -> Any:
    request = pb.PayBillRequest(
        bill_id=bill.id,
        amount_fen=bill.total_fen if amount is None else amount,
        channel=kw.pop("channel", pb.PAYMENT_CHANNEL_QR_CODE),
        payment_reference=reference or f"REF-{next(_refs)}",
        request_id=kw.pop("request_id", ""),
    )
    return fees.PayBill(request, metadata=kw.pop("metadata", HALL), **kw)


def card_of(cards: Any, uscc: str) -> card_pb.Card:
    return cards.GetCard(card_pb.GetCardRequest(uscc=uscc), metadata=LEGAL)


def entries(cards: Any, uscc: str, kind: int) -> list[dict[str, Any]]:
    entries = cards.ListCardEntries(
        card_pb.ListCardEntriesRequest(uscc=uscc, page_size=200), metadata=LEGAL
    ).entries
    return [json.loads(e.payload_json) for e in entries if e.kind == kind]


# --- fixtures (imported by the fee test modules) -------------------------------------------------


@pytest.fixture(scope="module")
def admin() -> list[tuple[str, str]]:
    return token(Role.ADMIN, sub="admin-1")


@pytest.fixture(scope="module")
def fees(grpc_channel: grpc.Channel) -> pb_grpc.FeeServiceStub:
    return pb_grpc.FeeServiceStub(grpc_channel)


@pytest.fixture(autouse=True)
def monday_morning(clock: SettableClock) -> None:
    clock.set(local(2026, 3, 16))


@pytest.fixture(scope="module")
def catalogue(registry: Any, admin: Any, scjg: Department, yjgl: Department) -> None:
    fee_item(registry, admin, "SCJG-F1", "SCJG", 5_000)
    fee_item(registry, admin, "SCJG-F2", "SCJG", 1_250)
    fee_item(
        registry, admin, "SCJG-OLD", "SCJG", 900, valid_from=day("2025-01-01"), valid_to=day("2025-12-31")
    )
    fee_item(registry, admin, "SCJG-NEXT", "SCJG", 700, valid_from=day("2026-06-01"))
    fee_item(registry, admin, "YJGL-F1", "YJGL", 3_000)
