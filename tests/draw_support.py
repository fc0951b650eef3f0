"""A district of its own for each draw test, built through the real server, and the plan steps."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from inspection.clock import SettableClock
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import draw_service_pb2 as pb
from inspection.v1 import draw_service_pb2_grpc as pb_grpc
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import registry_service_pb2 as reg
from tests.inspection_support import LEGAL, SUPERVISION, Department, local, make_department
from tests.support import day, make_uscc

_districts = itertools.count(1)
_requests = itertools.count(1)
CLASSES = {
    "A": common_pb.CREDIT_CLASS_A,
    "B": common_pb.CREDIT_CLASS_B,
    "C": common_pb.CREDIT_CLASS_C,
    "D": common_pb.CREDIT_CLASS_D,
}
#: When a test's plans are made, and when their named entropy becomes public.
PLANNED = local(2026, 3, 16, 10)
ENTROPY_TIME = local(2026, 3, 20, 21)
AFTER_ENTROPY = local(2026, 3, 21, 9)


def stamp(instant: dt.datetime) -> Timestamp:
    found = Timestamp()
    found.FromDatetime(instant)
    return found


@dataclass
class District:
    """Enterprises of one district code, each with its credit class, and departments of their own."""

    code: str
    enterprises: dict[str, str]  # USCC → class
    departments: list[Department]


def make_district(
    registry: Any,
    admin: Any,
    classes: str = "AAABBBCCCDDD",
    *,
    departments: int = 1,
    white_listed: int = 0,
) -> District:
    n = next(_districts)
    code = f"D{n:04d}"
    enterprises = {}
    for index, cls in enumerate(classes):
        uscc = make_uscc("9132")
        registry.CreateEnterprise(
            reg.CreateEnterpriseRequest(
                enterprise=reg.Enterprise(
                    uscc=uscc,
                    name=f"抽查测试{n}-{index}有限公司",
                    district=code,
                    industry="C13",
                    credit_class=CLASSES[cls],
                    white_listed=index < white_listed,
                )
            ),
            metadata=admin,
        )
        if index >= white_listed:
            enterprises[uscc] = cls
    made = [make_department(registry, admin, f"{code}X{k}") for k in range(departments)]
    return District(code, enterprises, made)


def plan_request(district: District, **overrides: Any) -> pb.CreateDrawPlanRequest:
    others = district.departments[1:]
    fields: dict[str, Any] = {
        "request_id": f"plan-{next(_requests)}",
        "title": "2026年第二季度双随机抽查",
        "department_codes": [d.code for d in others],
        "item_codes": [d.items[0] for d in district.departments],
        "filter": pb.PopulationFilter(districts=[district.code]),
        "window_start": day("2026-04-07"),
        "window_end": day("2026-06-30"),
        "legal_basis": "《优化营商环境条例》第五十四条",
        "entropy_source": "福彩3D 2026-03-20 开奖号码",
        "entropy_time": stamp(ENTROPY_TIME),
    }
    fields.update(overrides)
    return pb.CreateDrawPlanRequest(**fields)


def approve_plan(draws: pb_grpc.DrawServiceStub, plan_id: str) -> pb.DrawPlan:
    for md in (LEGAL, SUPERVISION):
        plan = draws.DecideDrawPlan(
            pb.DecideDrawPlanRequest(plan_id=plan_id, decision=insp_pb.DECISION_APPROVE, comment="同意"),
            metadata=md,
        )
    return plan


def frozen_plan(
    draws: pb_grpc.DrawServiceStub, district: District, clock: SettableClock, **overrides: Any
) -> pb.DrawPlan:
    clock.set(PLANNED)
    lead = district.departments[0]
    plan = draws.CreateDrawPlan(plan_request(district, **overrides), metadata=lead.md)
    approve_plan(draws, plan.id)
    return draws.FreezeDrawPlan(pb.FreezeDrawPlanRequest(plan_id=plan.id), metadata=lead.md)


def executed_plan(
    draws: pb_grpc.DrawServiceStub,
    district: District,
    clock: SettableClock,
    entropy: str = "3 7 1",
    **overrides: Any,
) -> pb.DrawPlan:
    plan = frozen_plan(draws, district, clock, **overrides)
    clock.set(AFTER_ENTROPY)
    return draws.ExecuteDraw(pb.ExecuteDrawRequest(plan_id=plan.id, entropy=entropy), metadata=LEGAL)


def pool_of(draws: pb_grpc.DrawServiceStub, plan_id: str) -> bytes:
    return b"".join(c.data for c in draws.GetDrawPool(pb.GetDrawPoolRequest(plan_id=plan_id)))
