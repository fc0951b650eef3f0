"""Every string field of every request goes through one check before its servicer runs: too long,
or carrying control characters, is INVALID_ARGUMENT naming the field — on SQLite and PostgreSQL
alike (PostgreSQL cannot store NUL) — and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import pytest

from inspection.v1 import card_service_pb2 as card
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as insp
from inspection.v1 import registry_service_pb2 as reg
from tests.inspection_support import Department, make_enterprise, request_for
from tests.support import field_violations, footprint


def _refused(call: Callable[[], Any]) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    return caught.value


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda r, c, a: r.GetDepartment(reg.GetDepartmentRequest(code="SCJG\x00")), "code"),
        (lambda r, c, a: c.GetCard(card.GetCardRequest(uscc="9" * 1_000_000), metadata=a), "uscc"),
        (
            lambda r, c, a: c.ListCardEntries(
                card.ListCardEntriesRequest(uscc="x", department_code="\x07"), metadata=a
            ),
            "department_code",
        ),
        (
            lambda r, c, a: r.CreateDepartment(
                reg.CreateDepartmentRequest(department=reg.Department(code="NEW", name="名" * 3000)),
                metadata=a,
            ),
            "department.name",
        ),
        (
            lambda r, c, a: c.ListCardEntries(
                card.ListCardEntriesRequest(uscc="x", kinds=[card.CARD_ENTRY_KIND_CARD_ISSUED] * 70_000),
                metadata=a,
            ),
            "kinds",
        ),
    ],
    ids=["nul-in-code-anonymous", "megabyte-uscc", "bell-in-filter", "long-nested-name", "70000-kinds"],
)
def test_hostile_text_is_refused_naming_the_field(
    make: Any, field: str, registry: Any, cards: Any, admin: Any, db: Any
) -> None:
    before = footprint(db)
    error = _refused(lambda: make(registry, cards, admin))
    assert field in field_violations(error)
    assert len(error.details()) < 1_000  # type: ignore[attr-defined]  # the value is not echoed
    assert footprint(db) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": "复查\x00"}, "reason"),
        ({"legal_basis": "法" * 2001}, "legal_basis"),
        ({"inspector_ids": [f"I{n}" for n in range(101)]}, "inspector_ids"),
        ({"item_codes": ["X" * 65]}, "item_codes[0]"),
    ],
    ids=["nul-in-reason", "long-legal-basis", "too-many-inspectors", "long-item-code"],
)
def test_a_request_with_hostile_text_writes_nothing(
    overrides: dict[str, Any],
    field: str,
    registry: Any,
    admin: Any,
    inspections: Any,
    scjg: Department,
    db: Any,
) -> None:
    uscc = make_enterprise(registry, admin)
    before = footprint(db)
    request = request_for(scjg, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED, **overrides)
    error = _refused(lambda: inspections.RequestInspection(request, metadata=scjg.md))
    assert field in field_violations(error)
    assert footprint(db) == before


@pytest.mark.parametrize("code", ["\x00", "ABCD\x00EFGH", "ABCD\tEFGH"], ids=["nul", "nul-inside", "tab"])
def test_an_inspection_code_with_control_characters_is_refused_anonymously(
    inspections: Any, db: Any, code: str
) -> None:
    before = footprint(db)
    error = _refused(
        lambda: inspections.VerifyInspectionCode(insp.VerifyInspectionCodeRequest(inspection_code=code))
    )
    assert set(field_violations(error)) == {"inspection_code"}
    assert footprint(db) == before
