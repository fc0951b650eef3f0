"""The statistics' figures (电子监察 统计): ``statistics_inspections`` inspections of last year (one
in ten a joint check of two departments, one in ten drawn, a rating on one in five, a visit day
on the visited ones), seeded straight into their tables; then the time of one call of
GetDepartmentStatistics (one department's year and month, the district's year), GetDashboard
and GetEnterpriseBurden — the aggregate queries over all of them (p50 of a few calls)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import Any

import grpc
from sqlalchemy import insert

from bench.load import CHANNEL_OPTIONS
from bench.report import Figure, percentile
from inspection.auth import Role, issue_token
from inspection.storage.db import Database
from inspection.storage.inspection_models import (
    EnterpriseVisit,
    Inspection,
    InspectionParticipant,
    InspectionRating,
)
from inspection.storage.models import Department
from inspection.v1 import public_service_pb2 as public_pb
from inspection.v1 import public_service_pb2_grpc as public_grpc
from inspection.v1 import statistics_service_pb2 as stats_pb
from inspection.v1 import statistics_service_pb2_grpc as stats_grpc

DEPARTMENTS = [f"BENCH-ST{n}" for n in range(8)]
KINDS = ("ROUTINE", "ROUTINE", "ROUTINE", "TRIGGERED", "SPECIAL", "EMERGENCY")
STATES = ("PUBLISHED", "PUBLISHED", "COMPLETED", "APPROVED", "REQUESTED", "REJECTED", "CANCELLED")
CHUNK = 10_000
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _rows(n: int, year: int, usccs: Sequence[str]) -> tuple[list[dict[str, Any]], ...]:
    inspections, participants, ratings, visits = [], [], [], []
    taken: set[tuple[str, dt.date]] = set()
    start = dt.datetime(year, 1, 1, tzinfo=SHANGHAI)
    for i in range(n):
        requested = start + dt.timedelta(minutes=(i * 5_237) % (365 * 24 * 60))
        state = STATES[i % len(STATES)]
        decided = state not in ("REQUESTED", "CANCELLED")
        lead = DEPARTMENTS[i % len(DEPARTMENTS)]
        published = state == "PUBLISHED"
        completed = state in ("PUBLISHED", "COMPLETED")
        uscc = usccs[i % len(usccs)]
        day = (requested + dt.timedelta(days=9)).date()
        inspections.append(
            {
                "id": f"IST-{i:08d}",
                "uscc": uscc,
                "lead_department": lead,
                "kind": KINDS[i % len(KINDS)],
                "origin": "DRAW" if i % 10 == 3 else "JOINT_CHECK" if i % 10 == 7 else "REQUEST",
                "state": state,
                "window_start": day,
                "window_end": day + dt.timedelta(days=5),
                "requested_by": "bench-statistics",
                "request_time": requested,
                "decision_due_time": requested + dt.timedelta(days=2),
                "decide_time": requested + dt.timedelta(minutes=30 + (i * 97) % 5_000) if decided else None,
                "publication_due_time": requested + dt.timedelta(days=30) if completed else None,
                "publish_time": requested + dt.timedelta(days=10 + i % 25) if published else None,
            }
        )
        participants.append({"inspection_id": f"IST-{i:08d}", "department_code": lead, "confirmed": True})
        if i % 10 == 7:
            other = DEPARTMENTS[(i + 1) % len(DEPARTMENTS)]
            participants.append(
                {"inspection_id": f"IST-{i:08d}", "department_code": other, "confirmed": True}
            )
        if completed and i % 5 == 0:
            ratings.append(
                {"inspection_id": f"IST-{i:08d}", "score": 1 + i % 5, "comment": "", "rate_time": requested}
            )
        if completed and (uscc, day) not in taken:
            taken.add((uscc, day))
            visits.append({"uscc": uscc, "visit_date": day, "inspection_id": f"IST-{i:08d}"})
    return inspections, participants, ratings, visits


def seed_inspections(db: Database, *, count: int, year: int, usccs: Sequence[str]) -> None:
    """``count`` inspections of ``year`` over ``usccs``, straight into their tables, in chunks."""
    with db.write() as session:
        session.execute(
            insert(Department), [{"code": c, "name": f"基准统计部门{c[-1]}"} for c in DEPARTMENTS]
        )
    for rows, model in zip(
        _rows(count, year, usccs),
        (Inspection, InspectionParticipant, InspectionRating, EnterpriseVisit),
        strict=True,
    ):
        for at in range(0, len(rows), CHUNK):
            with db.write() as session:
                session.execute(insert(model), rows[at : at + CHUNK])


def _time(call: Callable[[], Any], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def measure_statistics(bench: Any, backend: str, target: str, db: Database, many: list[str]) -> None:
    sizes = bench.sizes
    now = dt.datetime.now(dt.UTC)
    year = now.year - 1
    started = time.perf_counter()
    seed_inspections(db, count=sizes.statistics_inspections, year=year, usccs=many)
    bench.report.checks.append(
        f"{backend}: seeded {sizes.statistics_inspections:,} inspections of {year} for the statistics "
        f"in {time.perf_counter() - started:.1f} s"
    )
    token = issue_token(
        bench.signing_key, sub="bench-supervision", role=Role.SUPERVISION, ttl=dt.timedelta(hours=2), now=now
    )
    md = (("authorization", f"Bearer {token}"),)
    repeats = max(3, sizes.verify_repeats)
    with grpc.insecure_channel(target, options=CHANNEL_OPTIONS) as channel:
        stats = stats_grpc.StatisticsServiceStub(channel)
        public = public_grpc.PublicServiceStub(channel)

        def department(code: str, month: int = 0) -> Any:
            period = stats_pb.StatisticsPeriod(year=year, month=month)
            request = stats_pb.GetDepartmentStatisticsRequest(department_code=code, period=period)
            return stats.GetDepartmentStatistics(request, metadata=md, timeout=120)

        district = department("")
        if district.inspections != sizes.statistics_inspections:
            raise RuntimeError(f"the district's year counts {district.inspections:,} inspections")
        by_department = "GetDepartmentStatistics"
        burden = stats_pb.GetEnterpriseBurdenRequest(uscc=many[0])
        calls: list[tuple[str, str, str, Callable[[], Any]]] = [
            ("statistics.department_year", "one department's year", by_department,
             lambda: department(DEPARTMENTS[0])),
            ("statistics.department_month", "one department's month", by_department,
             lambda: department(DEPARTMENTS[0], 6)),
            ("statistics.district_year", "the district's year", by_department, lambda: department("")),
            ("statistics.dashboard", "the year's public dashboard", "GetDashboard",
             lambda: public.GetDashboard(public_pb.GetDashboardRequest(year=year), timeout=120)),
            ("statistics.burden", "one enterprise's burden", "GetEnterpriseBurden",
             lambda: stats.GetEnterpriseBurden(burden, metadata=md)),
        ]  # fmt: skip
        for key, name, rpc, call in calls:
            times = _time(call, repeats)
            p50 = percentile(times, 0.5)
            bench.add(
                Figure(
                    backend=backend,
                    section="statistics",
                    key=key,
                    name=f"{rpc}, {name} ({sizes.statistics_inspections:,} inspections)",
                    rpc=rpc,
                    unit="call",
                    rate=1 / p50 if p50 else 0.0,
                    p50_ms=p50 * 1000,
                    p99_ms=max(times) * 1000,
                    requests=repeats,
                    seconds=sum(times),
                    note=f"time of one call (p50 of {repeats}; p99 column: the slowest)",
                ),
                ratio=False,
            )
