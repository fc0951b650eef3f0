"""One mapping between the domain's enums and the API's: every member has its partner both ways,
and a request carrying a number the API does not define, or a day that is not a day, is refused
naming the field — through the real server."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from google.type import date_pb2

from inspection.api.enums import ALL, CREDIT_CLASSES_MAP, EnumMap
from inspection.domain.registry import CREDIT_CLASSES
from inspection.errors import Violations
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import registry_service_pb2 as reg
from tests.inspection_support import LEGAL, Department, make_enterprise, request_for
from tests.support import field_violations, footprint

NAMES = [f"{m.domain.__name__}↔{m.proto.DESCRIPTOR.name}" for m in ALL]


@pytest.mark.parametrize("mapping", ALL, ids=NAMES)
def test_every_domain_member_has_one_proto_value_and_back(mapping: EnumMap[Any]) -> None:
    for member in mapping.members:
        number = mapping.to_proto(member.value)
        assert number != 0
        violations = Violations()
        assert mapping.from_proto(number, violations, "field") is member
        assert not violations


@pytest.mark.parametrize("mapping", ALL, ids=NAMES)
def test_every_proto_value_but_unspecified_has_a_domain_member(mapping: EnumMap[Any]) -> None:
    defined = set(mapping.proto.values()) - {0}
    assert defined == mapping.proto_numbers()


def test_the_credit_classes_are_the_directorys() -> None:
    assert tuple(m.value for m in CREDIT_CLASSES_MAP.members) == CREDIT_CLASSES


# --- through the server ---------------------------------------------------------------------------


def _violations(call: Any) -> dict[str, str]:
    with pytest.raises(grpc.RpcError) as caught:
        call()
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    return field_violations(caught.value)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": 99}, "kind"),
        ({"window_start": date_pb2.Date(year=2026, month=13, day=1)}, "window_start"),
        ({"window_end": date_pb2.Date(year=2026, month=4, day=31)}, "window_end"),
        ({"window_start": date_pb2.Date(year=2026, month=4, day=0)}, "window_start"),
        ({"window_end": date_pb2.Date()}, "window_end"),
    ],
    ids=["unknown-kind", "month-13", "april-31", "partial-date", "empty-date"],
)
def test_a_request_with_an_unknown_number_or_no_day_names_the_field(
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
    request = request_for(scjg, uscc, kind=common_pb.INSPECTION_KIND_TRIGGERED)
    for name, value in overrides.items():
        if isinstance(value, date_pb2.Date):
            getattr(request, name).CopyFrom(value)
        else:
            setattr(request, name, value)
    assert field in _violations(lambda: inspections.RequestInspection(request, metadata=scjg.md))
    assert footprint(db) == before


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda api: api.DecideInspection(
                pb.DecideInspectionRequest(inspection_id="I1", decision=3), metadata=LEGAL
            ),
            "decision",
        ),
        (lambda api: api.ListInspections(pb.ListInspectionsRequest(state=99), metadata=LEGAL), "state"),
        (lambda api: api.ListInspections(pb.ListInspectionsRequest(kind=42), metadata=LEGAL), "kind"),
    ],
    ids=["decision-3", "list-state-99", "list-kind-42"],
)
def test_unknown_enum_numbers_are_invalid_arguments(call: Any, field: str, inspections: Any) -> None:
    assert field in _violations(lambda: call(inspections))


def test_an_impossible_certificate_expiry_names_the_field(
    registry: Any, admin: Any, scjg: Department
) -> None:
    inspector = reg.Inspector(
        id="ENUM-1",
        department_code="SCJG",
        name="李四",
        certificate_number="ZF-1",
        certificate_expiry=date_pb2.Date(year=2027, month=2, day=30),
        active=True,
    )
    violations = _violations(
        lambda: registry.CreateInspector(reg.CreateInspectorRequest(inspector=inspector), metadata=admin)
    )
    assert violations == {"inspector.certificate_expiry": "is not a calendar day (2027-02-30)"}
