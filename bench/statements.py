"""Statements per call: how many SQL statements the server sends for one call of each read and each
workflow write, counted on the server's own engines while the call runs (in this process, on the
backend's fresh database, under a settable clock on a working day).

Round trips are what a call costs beyond its Python: each statement is one trip to the database
(and on SQLite one pass through the driver). Transaction control (BEGIN, COMMIT) is not counted;
the idempotency record of a mutating call is. The figures are deterministic, so a change that adds
a statement to a hot path shows in the next run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import field_mask_pb2
from sqlalchemy import event

from bench import seed
from bench.report import Figure
from inspection.auth import Role, issue_token
from inspection.clock import SettableClock
from inspection.config import Settings
from inspection.domain.inspections import Rules
from inspection.server import build
from inspection.storage.migrate import upgrade
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import card_service_pb2_grpc as card_grpc
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import fee_service_pb2 as fee_pb
from inspection.v1 import fee_service_pb2_grpc as fee_grpc
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import inspection_service_pb2_grpc as insp_grpc
from inspection.v1 import registry_service_pb2 as reg_pb
from inspection.v1 import registry_service_pb2_grpc as reg_grpc

#: A Monday outside the quiet days, in the district's zone: every workflow step may happen today.
WORKING_DAY = dt.datetime(2026, 3, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@dataclass
class Counter:
    """Statements executed by the server's request threads (``rpc_*``), between two readings."""

    count: int = 0

    def __call__(self, *args: Any) -> None:
        if threading.current_thread().name.startswith("rpc"):
            self.count += 1

    @contextmanager
    def measuring(self) -> Iterator[list[int]]:
        box: list[int] = []
        before = self.count
        yield box
        box.append(self.count - before)


def _md(key: str, role: Role, sub: str, org: str = "") -> tuple[tuple[str, str], ...]:
    token = issue_token(key, sub=sub, role=role, org=org, ttl=dt.timedelta(hours=2), now=WORKING_DAY)
    return (("authorization", f"Bearer {token}"),)


def count_statements(url: str, signing_key: str) -> list[tuple[str, int]]:
    """``(call, statements)`` for each call of one workflow, on the database at ``url``."""
    settings = Settings(
        signing_key=signing_key,
        listen="127.0.0.1:0",
        database_url=url,
        alert_sweep_seconds=0,
        expiry_sweep_seconds=0,
        revocation_refresh_seconds=3600,
        _env_file=None,
    )
    upgrade(url)
    clock = SettableClock(WORKING_DAY)
    running = build(settings, clock=clock)
    counter = Counter()
    engines = {id(e): e for e in (running.db.writer, running.db.reader)}.values()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", counter)
    running.server.start()
    today = WORKING_DAY.date()
    found: list[tuple[str, int]] = []
    try:
        with running.db.write() as session:
            usccs = seed.register(session, range(900_001, 900_004), now=WORKING_DAY)
            market = seed.department(session, today=today)
            fee_department, fee_item, visited = seed.visited_inspections(
                session, usccs[2:3], today=today, now=WORKING_DAY
            )
            joint_departments = seed.joint_departments(session, today=today, inspectors=2)
        [joint_check] = seed.approved_joint_checks(
            running.db,
            Rules.from_settings(settings),
            usccs[1:2],
            joint_departments,
            window=(today, today + dt.timedelta(days=14)),
            now=WORKING_DAY,
        )
        admin = _md(signing_key, Role.ADMIN, "bench-admin")
        clerk = _md(signing_key, Role.DEPARTMENT, "bench-clerk", market.code)
        legal = _md(signing_key, Role.LEGAL_OFFICE, "bench-legal")
        supervision = _md(signing_key, Role.SUPERVISION, "bench-supervision")
        fee_clerk = _md(signing_key, Role.DEPARTMENT, "bench-fee-clerk", fee_department)
        hall = _md(signing_key, Role.SERVICE_HALL, "bench-hall")
        enterprise = _md(signing_key, Role.ENTERPRISE, "bench-officer", usccs[1])
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            cards = card_grpc.CardServiceStub(channel)
            registry = reg_grpc.RegistryServiceStub(channel)
            inspections = insp_grpc.InspectionServiceStub(channel)
            fees = fee_grpc.FeeServiceStub(channel)
            uscc = usccs[0]
            state: dict[str, Any] = {}

            def request() -> None:
                state["inspection"] = inspections.RequestInspection(
                    insp_pb.RequestInspectionRequest(
                        request_id="statements-request",
                        uscc=uscc,
                        kind=common_pb.INSPECTION_KIND_TRIGGERED,
                        item_codes=list(market.item_codes[:1]),
                        legal_basis="《基准条例》第十条",
                        reason="举报线索",
                        window_start=_day(today),
                        window_end=_day(today + dt.timedelta(days=7)),
                        inspector_ids=list(market.inspector_ids),
                    ),
                    metadata=clerk,
                ).inspection.id

            def decide(md: Any, request_id: str) -> Callable[[], None]:
                def call() -> None:
                    change = inspections.DecideInspection(
                        insp_pb.DecideInspectionRequest(
                            request_id=request_id,
                            inspection_id=state["inspection"],
                            decision=insp_pb.DECISION_APPROVE,
                            comment="同意",
                        ),
                        metadata=md,
                    )
                    state["code"] = change.inspection.inspection_code

                return call

            def assess() -> None:
                state["bill_lines"] = fees.AssessFee(
                    fee_pb.AssessFeeRequest(
                        request_id="statements-assess",
                        inspection_id=visited[0],
                        item_code=fee_item,
                        quantity=2,
                    ),
                    metadata=fee_clerk,
                )

            def issue_bill() -> None:
                state["bill"] = fees.IssueBill(
                    fee_pb.IssueBillRequest(request_id="statements-issue", inspection_id=visited[0]),
                    metadata=fee_clerk,
                ).bill

            def pay() -> None:
                bill = state["bill"]
                fees.PayBill(
                    fee_pb.PayBillRequest(
                        request_id="statements-pay",
                        bill_id=bill.id,
                        amount_fen=bill.total_fen,
                        channel=fee_pb.PAYMENT_CHANNEL_QR_CODE,
                        payment_reference="STATEMENTS-1",
                    ),
                    metadata=hall,
                )

            calls: list[tuple[str, Callable[[], Any]]] = [
                ("GetCard", lambda: cards.GetCard(card_pb.GetCardRequest(uscc=uscc), metadata=admin)),
                (
                    "ListCardEntries (page of 50)",
                    lambda: cards.ListCardEntries(
                        card_pb.ListCardEntriesRequest(uscc=uscc, page_size=50), metadata=admin
                    ),
                ),
                (
                    "UpdateEnterprise",
                    lambda: registry.UpdateEnterprise(
                        reg_pb.UpdateEnterpriseRequest(
                            request_id="statements-update",
                            enterprise=reg_pb.Enterprise(uscc=uscc, industry="制造业"),
                            update_mask=field_mask_pb2.FieldMask(paths=["industry"]),
                        ),
                        metadata=admin,
                    ),
                ),
                ("RequestInspection", request),
                ("DecideInspection (the first office)", decide(legal, "statements-decide-1")),
                ("DecideInspection (the second: approved)", decide(supervision, "statements-decide-2")),
                (
                    "CheckIn",
                    lambda: inspections.CheckIn(
                        insp_pb.CheckInRequest(
                            request_id="statements-check-in",
                            inspection_code=state["code"],
                            inspector_ids=list(market.inspector_ids),
                        ),
                        metadata=clerk,
                    ),
                ),
                (
                    "RecordResult",
                    lambda: inspections.RecordResult(
                        insp_pb.RecordResultRequest(
                            request_id="statements-result",
                            inspection_id=state["inspection"],
                            result=common_pb.InspectionResult(
                                outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_NONE
                            ),
                        ),
                        metadata=clerk,
                    ),
                ),
                (
                    "PublishResult",
                    lambda: inspections.PublishResult(
                        insp_pb.PublishResultRequest(
                            request_id="statements-publish", inspection_id=state["inspection"]
                        ),
                        metadata=clerk,
                    ),
                ),
                (
                    "BookVisit (a joint check of three departments)",
                    lambda: inspections.BookVisit(
                        insp_pb.BookVisitRequest(
                            request_id="statements-book",
                            inspection_id=joint_check,
                            slot=insp_pb.Slot(
                                date=_day(today + dt.timedelta(days=1)), half_day=insp_pb.HALF_DAY_MORNING
                            ),
                        ),
                        metadata=enterprise,
                    ),
                ),
                ("AssessFee", assess),
                ("IssueBill", issue_bill),
                ("PayBill", pay),
            ]
            # Each principal's first call looks up its token's department and the revocation list
            # (then cached); that is start-up, not the call's cost.
            for md in (admin, clerk, legal, supervision, fee_clerk, hall, enterprise):
                with contextlib.suppress(grpc.RpcError):  # a role that may not read cards: checked too
                    cards.GetCard(card_pb.GetCardRequest(uscc=usccs[1]), metadata=md)
            for name, call in calls:
                with counter.measuring() as box:
                    call()
                found.append((name, box[0]))
    finally:
        running.stop(grace=None)
    return found


def _day(day: dt.date) -> Any:
    from google.type import date_pb2

    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def measure_statements(bench: Any, backend: str, url: str) -> None:
    for name, statements in count_statements(url, bench.signing_key):
        bench.add(
            Figure(
                backend=backend,
                section="statements",
                key="statements."
                + name.split(" ")[0].lower()
                + ("" if "(" not in name else "." + _tag(name)),
                name=f"{name}: SQL statements",
                rpc=name.split(" ")[0],
                unit="statements",
                rate=float(statements),
                p50_ms=0.0,
                p99_ms=0.0,
                requests=1,
                seconds=0.0,
                note="statements per call, BEGIN/COMMIT not counted",
            ),
            ratio=False,
        )


def _tag(name: str) -> str:
    inside = name[name.index("(") + 1 : name.index(")")]
    return "_".join(inside.replace(":", "").split()[:3])
