"""The server starts on a real database and answers health checks, reflection and a card read."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from inspection.v1 import registry_service_pb2 as reg
from tests.support import make_uscc


def test_health_reports_serving(grpc_channel: grpc.Channel) -> None:
    stub = health_pb2_grpc.HealthStub(grpc_channel)
    for service in ("", "inspection.v1.RegistryService", "inspection.v1.CardService"):
        response = stub.Check(health_pb2.HealthCheckRequest(service=service))
        assert response.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_services(grpc_channel: grpc.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(grpc_channel)
    responses = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]))
    names = {s.name for r in responses for s in r.list_services_response.service}
    assert {"inspection.v1.RegistryService", "inspection.v1.CardService", "grpc.health.v1.Health"} <= names


def test_registration_issues_a_card(registry, cards, admin) -> None:  # type: ignore[no-untyped-def]
    uscc = make_uscc()
    created = registry.CreateEnterprise(
        reg.CreateEnterpriseRequest(
            request_id="r1", enterprise=reg.Enterprise(uscc=uscc, name="测试有限公司")
        ),
        metadata=admin,
    )
    assert created.card_head.seq == 1
    assert len(created.card_head.entry_hash) == 64
