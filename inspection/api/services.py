"""The services this server offers, each named once: its proto service, its servicer and the
function that adds it to a server. The server, the policy table's test and the role matrix take
their list of services from here, so adding a service touches one place in this layer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor

from inspection.api.access import AccessServicer
from inspection.api.base import ServicerBase
from inspection.api.card import CardServicer
from inspection.api.draws import DrawServicer
from inspection.api.fees import FeeServicer
from inspection.api.inspections import InspectionServicer, PublicServicer
from inspection.api.oversight import OversightServicer
from inspection.api.registry import RegistryServicer
from inspection.api.statistics import StatisticsServicer
from inspection.v1 import (
    access_service_pb2,
    access_service_pb2_grpc,
    card_service_pb2,
    card_service_pb2_grpc,
    draw_service_pb2,
    draw_service_pb2_grpc,
    fee_service_pb2,
    fee_service_pb2_grpc,
    inspection_service_pb2,
    inspection_service_pb2_grpc,
    oversight_service_pb2,
    oversight_service_pb2_grpc,
    public_service_pb2,
    public_service_pb2_grpc,
    registry_service_pb2,
    registry_service_pb2_grpc,
    statistics_service_pb2,
    statistics_service_pb2_grpc,
)


@dataclass(frozen=True)
class Service:
    descriptor: ServiceDescriptor
    servicer: type[ServicerBase]
    add_to_server: Callable[[Any, grpc.Server], None]

    @property
    def name(self) -> str:
        """The full name, e.g. ``inspection.v1.CardService``."""
        return str(self.descriptor.full_name)


SERVICES: tuple[Service, ...] = (
    Service(
        registry_service_pb2.DESCRIPTOR.services_by_name["RegistryService"],
        RegistryServicer,
        registry_service_pb2_grpc.add_RegistryServiceServicer_to_server,
    ),
    Service(
        card_service_pb2.DESCRIPTOR.services_by_name["CardService"],
        CardServicer,
        card_service_pb2_grpc.add_CardServiceServicer_to_server,
    ),
    Service(
        inspection_service_pb2.DESCRIPTOR.services_by_name["InspectionService"],
        InspectionServicer,
        inspection_service_pb2_grpc.add_InspectionServiceServicer_to_server,
    ),
    Service(
        public_service_pb2.DESCRIPTOR.services_by_name["PublicService"],
        PublicServicer,
        public_service_pb2_grpc.add_PublicServiceServicer_to_server,
    ),
    Service(
        draw_service_pb2.DESCRIPTOR.services_by_name["DrawService"],
        DrawServicer,
        draw_service_pb2_grpc.add_DrawServiceServicer_to_server,
    ),
    Service(
        access_service_pb2.DESCRIPTOR.services_by_name["AccessService"],
        AccessServicer,
        access_service_pb2_grpc.add_AccessServiceServicer_to_server,
    ),
    Service(
        fee_service_pb2.DESCRIPTOR.services_by_name["FeeService"],
        FeeServicer,
        fee_service_pb2_grpc.add_FeeServiceServicer_to_server,
    ),
    Service(
        oversight_service_pb2.DESCRIPTOR.services_by_name["OversightService"],
        OversightServicer,
        oversight_service_pb2_grpc.add_OversightServiceServicer_to_server,
    ),
    Service(
        statistics_service_pb2.DESCRIPTOR.services_by_name["StatisticsService"],
        StatisticsServicer,
        statistics_service_pb2_grpc.add_StatisticsServiceServicer_to_server,
    ),
)


def methods() -> list[MethodDescriptor]:
    """Every method the server serves, service by service."""
    return [method for service in SERVICES for method in service.descriptor.methods]


def method_path(method: MethodDescriptor) -> str:
    """The path gRPC routes by: ``/inspection.v1.CardService/GetCard``."""
    return f"/{method.containing_service.full_name}/{method.name}"
