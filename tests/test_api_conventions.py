"""The API keeps its conventions (DESIGN §10): every mutating method takes a request id, list
methods page, and the policy marks exactly the mutating methods as such."""

from __future__ import annotations

from google.protobuf.descriptor import MethodDescriptor

from inspection.api.policy import POLICY
from inspection.v1 import (
    card_service_pb2,
    draw_service_pb2,
    fee_service_pb2,
    inspection_service_pb2,
    oversight_service_pb2,
    public_service_pb2,
    registry_service_pb2,
    statistics_service_pb2,
)

MODULES = (
    registry_service_pb2,
    card_service_pb2,
    inspection_service_pb2,
    public_service_pb2,
    draw_service_pb2,
    fee_service_pb2,
    oversight_service_pb2,
    statistics_service_pb2,
)
READ_PREFIXES = ("Get", "List", "Verify", "Watch")


def _methods() -> list[MethodDescriptor]:
    return [m for module in MODULES for s in module.DESCRIPTOR.services_by_name.values() for m in s.methods]


def test_mutating_methods_take_a_request_id_and_reads_do_not() -> None:
    for method in _methods():
        path = f"/{method.containing_service.full_name}/{method.name}"
        fields = method.input_type.fields_by_name
        reading = method.name.startswith(READ_PREFIXES)
        assert POLICY[path].mutating is not reading, path
        if reading:
            assert "request_id" not in fields, path
        else:
            assert fields["request_id"].number == 1, path


def test_list_methods_page_with_size_and_token() -> None:
    for method in _methods():
        if method.name.startswith("List"):
            request, response = method.input_type.fields_by_name, method.output_type.fields_by_name
            assert {"page_size", "page_token"} <= set(request), method.full_name
            assert "next_page_token" in response, method.full_name
