"""A small district for inspection tests, built through the real server, and call helpers."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc

from inspection.auth import Role
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import inspection_service_pb2_grpc as pb_grpc
from inspection.v1 import registry_service_pb2 as reg
from inspection.v1 import registry_service_pb2_grpc as reg_grpc
from tests.support import auth, day, error_info, make_uscc

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
#: Tokens in these tests outlive every clock jump they make.
TOKEN_FROM = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TOKEN_HOURS = 24 * 800

_ids = itertools.count(1)


def local(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def token(role: Role, org: str = "", sub: str | None = None) -> list[tuple[str, str]]:
    return auth(role, org, sub, now=TOKEN_FROM, ttl_hours=TOKEN_HOURS)


@dataclass
class Department:
    code: str
    inspectors: list[str]  # certified
    auxiliary: str  # no certificate
    expired: str  # certificate expired
    items: list[str]

    @property
    def md(self) -> list[tuple[str, str]]:
        return token(Role.DEPARTMENT, self.code, sub=f"clerk-{self.code}")


def make_department(registry: reg_grpc.RegistryServiceStub, admin: Any, code: str) -> Department:
    registry.CreateDepartment(
        reg.CreateDepartmentRequest(department=reg.Department(code=code, name=f"部门{code}")), metadata=admin
    )
    inspectors = []
    for n in range(3):
        inspector_id = f"{code}-I{n}"
        registry.CreateInspector(
            reg.CreateInspectorRequest(
                inspector=reg.Inspector(
                    id=inspector_id,
                    department_code=code,
                    name=f"张{n}明",
                    certificate_number=f"{code}-{n:04d}",
                    certificate_expiry=day("2027-12-31"),
                    active=True,
                )
            ),
            metadata=admin,
        )
        inspectors.append(inspector_id)
    registry.CreateInspector(
        reg.CreateInspectorRequest(
            inspector=reg.Inspector(id=f"{code}-AUX", department_code=code, name="辅助员", active=True)
        ),
        metadata=admin,
    )
    registry.CreateInspector(
        reg.CreateInspectorRequest(
            inspector=reg.Inspector(
                id=f"{code}-OLD",
                department_code=code,
                name="王过期",
                certificate_number=f"{code}-9999",
                certificate_expiry=day("2025-12-31"),
                active=True,
            )
        ),
        metadata=admin,
    )
    items = []
    for n in range(2):
        item_code = f"{code}-ITEM{n}"
        registry.CreateChecklistItem(
            reg.CreateChecklistItemRequest(
                item=reg.ChecklistItem(
                    code=item_code,
                    department_code=code,
                    name=f"检查事项{n}",
                    legal_basis="《安全生产法》第六十五条",
                    published=True,
                )
            ),
            metadata=admin,
        )
        items.append(item_code)
    return Department(code, inspectors, f"{code}-AUX", f"{code}-OLD", items)


def make_enterprise(registry: reg_grpc.RegistryServiceStub, admin: Any, *, white_listed: bool = False) -> str:
    uscc = make_uscc("9131")
    registry.CreateEnterprise(
        reg.CreateEnterpriseRequest(
            enterprise=reg.Enterprise(uscc=uscc, name="上海测试制造有限公司", white_listed=white_listed)
        ),
        metadata=admin,
    )
    return uscc


LEGAL = token(Role.LEGAL_OFFICE, sub="legal-reviewer-1")
SUPERVISION = token(Role.SUPERVISION, sub="supervision-auditor-1")


def enterprise_md(uscc: str) -> list[tuple[str, str]]:
    return token(Role.ENTERPRISE, uscc, sub=f"officer-{uscc[-4:]}")


def request_for(
    department: Department,
    uscc: str,
    *,
    start: str = "2026-03-23",
    end: str = "2026-03-27",
    kind: int = common_pb.INSPECTION_KIND_ROUTINE,
    inspectors: list[str] | None = None,
    items: list[str] | None = None,
    **overrides: Any,
) -> pb.RequestInspectionRequest:
    fields: dict[str, Any] = {
        "request_id": f"req-{next(_ids)}",
        "uscc": uscc,
        "kind": kind,
        "item_codes": items if items is not None else department.items[:1],
        "legal_basis": "《安全生产法》第六十五条",
        "reason": "年度计划检查",
        "window_start": day(start),
        "window_end": day(end),
        "inspector_ids": inspectors if inspectors is not None else department.inspectors[:2],
    }
    fields.update(overrides)
    return pb.RequestInspectionRequest(**fields)


def rejected(call: Callable[[], Any]) -> tuple[grpc.StatusCode, str]:
    """Runs a call that must fail; returns its status code and ErrorInfo reason."""
    try:
        call()
    except grpc.RpcError as error:
        return error.code(), error_info(error).reason
    raise AssertionError("the call succeeded")


def head(cards: Any, uscc: str) -> tuple[int, str]:
    card = cards.GetCard(card_pb.GetCardRequest(uscc=uscc), metadata=LEGAL)
    return card.head.seq, card.head.entry_hash


def kinds(cards: Any, uscc: str) -> list[str]:
    entries = cards.ListCardEntries(
        card_pb.ListCardEntriesRequest(uscc=uscc, page_size=200), metadata=LEGAL
    ).entries
    return [card_pb.CardEntryKind.Name(e.kind).removeprefix("CARD_ENTRY_KIND_") for e in entries]


def approve(inspections: pb_grpc.InspectionServiceStub, inspection_id: str) -> pb.InspectionChange:
    inspections.DecideInspection(
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE, comment="同意"),
        metadata=LEGAL,
    )
    return inspections.DecideInspection(  # type: ignore[no-any-return]
        pb.DecideInspectionRequest(inspection_id=inspection_id, decision=pb.DECISION_APPROVE, comment="同意"),
        metadata=SUPERVISION,
    )


def attempts_since(cards: Any, uscc: str, seq: int) -> list[str]:
    """The reasons of the refused attempts written to a card after entry ``seq``; fails on any other entry.

    A refused check-in changes nothing, but oversight keeps the attempt (docs/card.md).
    """
    entries = cards.ListCardEntries(
        card_pb.ListCardEntriesRequest(uscc=uscc, page_size=200), metadata=LEGAL
    ).entries
    later = [e for e in entries if e.seq > seq]
    assert all(e.kind == card_pb.CARD_ENTRY_KIND_ATTEMPT_REFUSED for e in later), [e.kind for e in later]
    return [json.loads(e.payload_json)["reason"] for e in later]


def only_attempts_written(before: dict[str, int], after: dict[str, int], n: int = 1) -> bool:
    """Whether the only rows written between two footprints are ``n`` card entries (refused attempts)."""
    return after == {**before, "card_entry": before["card_entry"] + n}
