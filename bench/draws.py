"""The draw at district scale (双随机): a plan over a pool of ``draw_pool`` enterprises with
``draw_inspectors`` inspectors, frozen and executed through the server; then the service's
``VerifyDraw`` and the independent verifier script on the published inputs, timed the same way.

The population is seeded in bulk (enterprises and their card heads, straight into the tables):
what is measured is the freeze and the execution, not the registration of a million enterprises.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import insert

from bench import seed
from bench.load import CHANNEL_OPTIONS
from bench.report import Figure, Goal
from inspection.auth import Role, issue_token
from inspection.domain.card import GENESIS_HASH
from inspection.storage.db import Database
from inspection.storage.models import Card, ChecklistItem, Department, Enterprise, Inspector
from inspection.v1 import draw_service_pb2 as draw_pb
from inspection.v1 import draw_service_pb2_grpc as draw_grpc
from inspection.v1 import inspection_service_pb2 as insp_pb

DEPARTMENT = "BENCH-DRAW"
DISTRICT = "BENCH-DRAW"
#: Classes in the pool: 40 % A, 40 % B, 15 % C, 5 % D; ratios that draw about 0.16 % of it.
CLASS_OF = "AAAAAAAABBBBBBBBCCCD"
RATIOS_BP: dict[Any, int] = {1: 5, 2: 10, 3: 30, 4: 100}
FIRST_NUMBER = 5_000_000
CHUNK = 10_000
VERIFIER = Path(__file__).resolve().parent.parent / "clients" / "cli" / "verify_draw.py"


def seed_population(db: Database, *, enterprises: int, inspectors: int, now: dt.datetime) -> None:
    """``enterprises`` in one district code, each with its card head, and one department of
    ``inspectors`` certified inspectors with one published item."""
    with db.write() as session:
        connection = session.connection()
        connection.execute(insert(Department), [{"code": DEPARTMENT, "name": "基准测试抽查局"}])
        connection.execute(
            insert(ChecklistItem),
            [
                {
                    "code": f"{DEPARTMENT}-ITEM",
                    "department_code": DEPARTMENT,
                    "name": "双随机抽查事项",
                    "legal_basis": "《基准条例》",
                    "published": True,
                    "materials_json": "[]",
                }
            ],
        )
        connection.execute(
            insert(Inspector),
            [
                {
                    "id": f"{DEPARTMENT}-I{i:04d}",
                    "department_code": DEPARTMENT,
                    "name": f"执法人员{i:04d}",
                    "certificate_number": f"ZF-D{i:04d}",
                    "certificate_expiry": now.date().replace(year=now.year + 2),
                    "active": True,
                }
                for i in range(inspectors)
            ],
        )
    for start in range(0, enterprises, CHUNK):
        numbers = range(FIRST_NUMBER + start, FIRST_NUMBER + min(start + CHUNK, enterprises))
        usccs = [seed.uscc(n) for n in numbers]
        with db.write() as session:
            connection = session.connection()
            connection.execute(
                insert(Enterprise),
                [
                    {
                        "uscc": u,
                        "name": f"基准抽查企业{n}",
                        "above_designated_size": False,
                        "industry": "C13",
                        "district": DISTRICT,
                        "credit_class": CLASS_OF[n % len(CLASS_OF)],
                        "white_listed": False,
                        "create_time": now,
                        "update_time": now,
                    }
                    for n, u in zip(numbers, usccs, strict=True)
                ],
            )
            connection.execute(
                insert(Card),
                [{"uscc": u, "head_seq": 0, "head_hash": GENESIS_HASH, "issue_time": now} for u in usccs],
            )


def _stamp(instant: dt.datetime) -> Timestamp:
    found = Timestamp()
    found.FromDatetime(instant)
    return found


def _timed(call: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def measure_draws(bench: Any, backend: str, target: str, db: Database) -> None:
    sizes = bench.sizes
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    seed_population(db, enterprises=sizes.draw_pool, inspectors=sizes.draw_inspectors, now=now)
    bench.report.checks.append(
        f"{backend}: seeded {sizes.draw_pool:,} enterprises and {sizes.draw_inspectors:,} inspectors "
        f"for the draw in {time.perf_counter() - started:.1f} s"
    )

    def md(role: Role, sub: str, org: str = "") -> tuple[tuple[str, str], ...]:
        token = issue_token(
            bench.signing_key, sub=sub, role=role, org=org, ttl=dt.timedelta(hours=2), now=now
        )
        return (("authorization", f"Bearer {token}"),)

    lead = md(Role.DEPARTMENT, "bench-clerk", DEPARTMENT)
    offices = (md(Role.LEGAL_OFFICE, "bench-legal"), md(Role.SUPERVISION, "bench-supervision"))
    # The entropy becomes public once the freeze is surely done (a freeze after it is refused).
    entropy_time = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=15 if sizes.draw_pool > 100_000 else 3)
    today = now.date()
    with grpc.insecure_channel(target, options=CHANNEL_OPTIONS) as channel:
        draws = draw_grpc.DrawServiceStub(channel)
        plan = draws.CreateDrawPlan(
            draw_pb.CreateDrawPlanRequest(
                title="基准测试双随机抽查",
                item_codes=[f"{DEPARTMENT}-ITEM"],
                filter=draw_pb.PopulationFilter(districts=[DISTRICT]),
                ratios=[draw_pb.StratumRatio(credit_class=c, ratio_bp=bp) for c, bp in RATIOS_BP.items()],
                window_start=_date(today + dt.timedelta(days=14)),
                window_end=_date(today + dt.timedelta(days=80)),
                legal_basis="《基准条例》",
                entropy_source="bench entropy",
                entropy_time=_stamp(entropy_time),
            ),
            metadata=lead,
            timeout=60,
        )
        for office in offices:
            draws.DecideDrawPlan(
                draw_pb.DecideDrawPlanRequest(
                    plan_id=plan.id, decision=insp_pb.DECISION_APPROVE, comment="同意"
                ),
                metadata=office,
                timeout=60,
            )
        frozen, freeze_seconds = _timed(
            lambda: draws.FreezeDrawPlan(
                draw_pb.FreezeDrawPlanRequest(plan_id=plan.id), metadata=lead, timeout=120
            )
        )
        time.sleep(max(0.0, (entropy_time - dt.datetime.now(dt.UTC)).total_seconds() + 0.05))
        executed, execute_seconds = _timed(
            lambda: draws.ExecuteDraw(
                draw_pb.ExecuteDrawRequest(plan_id=plan.id, entropy="bench-entropy-0001"),
                metadata=offices[0],
                timeout=120,
            )
        )
        verified, verify_seconds = _timed(
            lambda: draws.VerifyDraw(draw_pb.VerifyDrawRequest(plan_id=plan.id), timeout=120)
        )
        pool, download_seconds = _timed(
            lambda: b"".join(
                c.data for c in draws.GetDrawPool(draw_pb.GetDrawPoolRequest(plan_id=plan.id), timeout=120)
            )
        )
        parameters = draws.GetDrawParameters(draw_pb.GetDrawParametersRequest(plan_id=plan.id), timeout=60)
    if frozen.pool_size != sizes.draw_pool or hashlib.sha256(pool).hexdigest() != frozen.pool_digest:
        raise _failed(f"draw: the pool of {frozen.pool_size} does not match the {sizes.draw_pool} seeded")
    if not verified.verified:
        raise _failed(f"draw: VerifyDraw does not verify: {list(verified.differences)}")
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "pool.txt").write_bytes(pool)
        (Path(folder) / "parameters.json").write_bytes(parameters.parameters_json.encode())
        ran, script_seconds = _timed(
            lambda: subprocess.run(
                [sys.executable, "-I", str(VERIFIER), "pool.txt", "parameters.json", executed.entropy],
                cwd=folder,
                capture_output=True,
                timeout=600,
                check=True,
            )
        )
    if hashlib.sha256(ran.stdout.strip()).hexdigest() != executed.result_digest:
        raise _failed("draw: the independent verifier does not reproduce the draw")
    drawn = len(executed.drawn)
    staffed = sum(1 for d in executed.drawn if d.inspection_id)
    strata = json.dumps({s.name: s.drawn for s in frozen.strata})
    bench.report.checks.append(
        f"{backend}: draw over {sizes.draw_pool:,} enterprises drew {drawn:,} "
        f"({staffed:,} inspections created, strata {strata}); VerifyDraw and the independent "
        "script both reproduce it"
    )
    for key, name, rpc, seconds in (
        ("draw.freeze", f"FreezeDrawPlan, pool of {sizes.draw_pool:,}", "FreezeDrawPlan", freeze_seconds),
        (
            "draw.execute",
            f"ExecuteDraw, {drawn:,} drawn with {sizes.draw_inspectors:,} inspectors",
            "ExecuteDraw",
            execute_seconds,
        ),
        ("draw.verify", f"VerifyDraw, pool of {sizes.draw_pool:,}", "VerifyDraw", verify_seconds),
        ("draw.download", f"GetDrawPool, {len(pool) / 1e6:.1f} MB", "GetDrawPool", download_seconds),
        (
            "draw.script",
            "independent verifier script on the published inputs",
            "verify_draw.py",
            script_seconds,
        ),
    ):
        bench.add(
            Figure(
                backend=backend,
                section="draw",
                key=key,
                name=name,
                rpc=rpc,
                unit="call",
                rate=1 / seconds if seconds else 0.0,
                p50_ms=seconds * 1000,
                p99_ms=seconds * 1000,
                requests=1,
                seconds=seconds,
                note="time of one call",
            ),
            ratio=False,
        )
    bench.report.goals.append(
        Goal(
            backend,
            f"FreezeDrawPlan + ExecuteDraw over {sizes.draw_pool:,}, seconds",
            freeze_seconds + execute_seconds,
            5.0,
            "max",
        )
    )


def _date(day: dt.date) -> Any:
    from google.type import date_pb2

    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def _failed(message: str) -> Exception:
    from bench.run import CheckFailed

    return CheckFailed(message)
