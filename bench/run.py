"""The benchmark run: a bare gRPC baseline, then reads, writes and scale figures on SQLite (and on
PostgreSQL when a URL is configured), each as a ratio to the baseline measured in the same run."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import field_mask_pb2
from google.type import date_pb2
from rich.console import Console
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bench import seed
from bench.draws import measure_draws
from bench.load import CHANNEL_OPTIONS, Job, LoadGenerator
from bench.profile import ProfilingLoad
from bench.report import Figure, Goal, Report
from bench.serve import ServerProcess
from bench.sizes import SIZES, Sizes
from bench.statements import measure_statements
from inspection.api.page_tokens import PageTokenSeal
from inspection.auth import Role, issue_token
from inspection.domain.card import EntryFilter
from inspection.domain.paging import encode_token
from inspection.storage.db import Database
from inspection.storage.migrate import upgrade
from inspection.storage.models import CardEntry
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import card_service_pb2_grpc as card_grpc
from inspection.v1 import common_pb2
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import inspection_service_pb2_grpc as insp_grpc
from inspection.v1 import registry_service_pb2 as reg_pb

POSTGRES_ENV = ("INSPECTION_BENCH_POSTGRES_URL", "INSPECTION_TEST_POSTGRES_URL")
CARD = "/inspection.v1.CardService/"
REGISTRY = "/inspection.v1.RegistryService/"
INSPECTIONS = "/inspection.v1.InspectionService/"

#: Numbers (see ``seed.uscc``) of the enterprises each part of the benchmark uses.
SMALL, MEDIUM, LARGE, HOT = 900_001, 900_002, 900_003, 900_004
IMPORT_FROM = 1_000_000

ENTRIES: Any = CardEntry.__table__  # type: ignore[attr-defined]


class CheckFailed(Exception):
    """A post-run check found an acknowledged write missing or a card that does not verify."""


@dataclass
class Bench:
    """What every figure of one backend needs."""

    sizes: Sizes
    load: LoadGenerator | ProfilingLoad
    report: Report
    signing_key: str
    metadata: tuple[tuple[str, str], ...]
    work: Path
    baseline_rate: float = 0.0
    #: The parts this run measures (``--only``); every part by default.
    parts: frozenset[str] = frozenset()
    #: The backend and process id of the service being measured (what ``--profile`` samples).
    server: tuple[str, int] = ("", 0)

    def wants(self, part: str) -> bool:
        return not self.parts or part in self.parts

    def job(self, key: str, target: str, method: str, requests: Sequence[Any], **overrides: Any) -> Job:
        values: dict[str, Any] = {
            "metadata": self.metadata,
            "in_flight": self.sizes.in_flight,
            "max_requests": self.sizes.max_requests,
            "max_seconds": self.sizes.seconds,
            "warmup": self.sizes.warmup,
        }
        values.update(overrides)
        return Job(
            name=key,
            target=target,
            method=method,
            requests=tuple(r.SerializeToString() for r in requests),
            **values,
        )

    def add(self, figure: Figure, *, ratio: bool = True) -> Figure:
        if ratio and self.baseline_rate and figure.unit == "req":
            figure.ratio_to_baseline = figure.rate / self.baseline_rate
        self.report.figures.append(figure)
        return figure


# --- the parts of a run -------------------------------------------------------------------------


def measure_baseline(bench: Bench) -> None:
    requests = [card_pb.GetCardRequest(uscc=seed.uscc(n)) for n in range(1, bench.sizes.enterprises + 1)]
    with ServerProcess(
        "baseline", "sqlite:///unused", signing_key=bench.signing_key, log_path=bench.work / "baseline.log"
    ) as server:
        result = bench.load.run(bench.job("baseline", server.target, CARD + "GetCard", requests))
        bench.report.machine["max_workers"] = server.workers
    figure = Figure.from_load(
        result,
        backend="grpc",
        section="baseline",
        name="baseline: bare server, trivial GetCard",
        rpc="GetCard",
    )
    bench.baseline_rate = figure.rate
    figure.ratio_to_baseline = 1.0
    bench.add(figure, ratio=False)


def seed_database(bench: Bench, backend: str, db: Database) -> list[str]:
    """Registers the enterprises and writes the long cards; returns the USCCs reads go across."""
    sizes = bench.sizes
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    history_start = now - dt.timedelta(days=400)
    with db.write() as session:
        many = seed.register(session, range(1, sizes.enterprises + 1), now=now)
        seed.register(session, (SMALL, MEDIUM, LARGE, HOT), now=now)
    with db.write() as session:
        seed.extend_cards(session, many, entries=sizes.entries_per_card, start=history_start)
    for number, entries in (
        (SMALL, sizes.small_card),
        (MEDIUM, sizes.medium_card),
        (LARGE, sizes.large_card),
    ):
        with db.write() as session:
            seed.extend_cards(session, [seed.uscc(number)], entries=entries, start=history_start)
    total = (
        sizes.enterprises * sizes.entries_per_card + sizes.small_card + sizes.medium_card + sizes.large_card
    )
    bench.report.checks.append(
        f"{backend}: seeded {sizes.enterprises + 4:,} enterprises and {total:,} card entries "
        f"through the domain layer in {time.perf_counter() - started:.1f} s"
    )
    return many


def measure_reads(bench: Bench, backend: str, target: str, many: list[str]) -> None:
    get_card = [card_pb.GetCardRequest(uscc=u) for u in many]
    result = bench.load.run(bench.job("read.get_card", target, CARD + "GetCard", get_card))
    bench.add(Figure.from_load(result, backend=backend, section="reads", name="GetCard", rpc="GetCard"))
    pages = [card_pb.ListCardEntriesRequest(uscc=u, page_size=50) for u in many]
    result = bench.load.run(bench.job("read.list_entries", target, CARD + "ListCardEntries", pages))
    bench.add(
        Figure.from_load(
            result,
            backend=backend,
            section="reads",
            name=f"ListCardEntries page of 50 ({len(many):,} cards)",
            rpc="ListCardEntries",
        )
    )


def _updates(prefix: str, usccs: Sequence[str], count: int) -> list[Any]:
    return [
        reg_pb.UpdateEnterpriseRequest(
            request_id=f"{prefix}-{i}",
            enterprise=reg_pb.Enterprise(uscc=usccs[i % len(usccs)], name=f"基准测试企业 {prefix} {i}"),
            update_mask=field_mask_pb2.FieldMask(paths=["name"]),
        )
        for i in range(count)
    ]


@dataclass(frozen=True)
class Ack:
    """One acknowledged write: the card head it returned and what its entry must say."""

    uscc: str
    seq: int
    entry_hash: str
    kind: str
    inspection_id: str = ""
    new_name: str = ""


def _update_acks(result: Any, updates: Sequence[Any]) -> list[Ack]:
    """What each acknowledged UpdateEnterprise promised: its entry at the head it answered."""
    acks = []
    for index, raw in result.responses:
        head = reg_pb.UpdateEnterpriseResponse.FromString(raw).card_head
        request = updates[index]
        acks.append(
            Ack(
                request.enterprise.uscc,
                head.seq,
                head.entry_hash,
                "ENTERPRISE_UPDATED",
                new_name=request.enterprise.name,
            )
        )
    return acks


def measure_writes(bench: Bench, backend: str, target: str, db: Database, many: list[str]) -> None:
    count = bench.sizes.warmup + bench.sizes.max_requests
    for key, name, usccs in (
        ("write.spread", f"UpdateEnterprise spread ({len(many):,} enterprises)", many),
        ("write.hot", "UpdateEnterprise on one hot enterprise", [seed.uscc(HOT)]),
    ):
        requests = _updates(key, usccs, count)
        job = bench.job(
            key, target, REGISTRY + "UpdateEnterprise", requests, unique=True, keep_responses=True
        )
        result = bench.load.run(job)
        figure = bench.add(
            Figure.from_load(result, backend=backend, section="writes", name=name, rpc="UpdateEnterprise")
        )
        figure.note = check_writes(bench, backend, target, db, result.name, _update_acks(result, requests))


def measure_inspections(
    bench: Bench, backend: str, target: str, db: Database, many: list[str], now: dt.datetime
) -> None:
    """RequestInspection spread over the enterprises, then the legal office's decision on each."""
    with db.write() as session:
        department = seed.department(session, today=now.date())
    department_token = _metadata(bench, Role.DEPARTMENT, "bench-department", department.code, now)
    office_token = _metadata(bench, Role.LEGAL_OFFICE, "bench-legal-office", "", now)
    start, end = now.date() + dt.timedelta(days=14), now.date() + dt.timedelta(days=16)
    count = bench.sizes.warmup + bench.sizes.max_requests
    requests = [
        insp_pb.RequestInspectionRequest(
            request_id=f"inspect-{i}",
            uscc=many[i % len(many)],
            kind=common_pb2.INSPECTION_KIND_TRIGGERED,
            item_codes=department.item_codes,
            legal_basis="《基准条例》第十条",
            reason=f"投诉线索 {i}",
            window_start=date_pb2.Date(year=start.year, month=start.month, day=start.day),
            window_end=date_pb2.Date(year=end.year, month=end.month, day=end.day),
            inspector_ids=department.inspector_ids,
        )
        for i in range(count)
    ]
    job = bench.job(
        "write.request_inspection",
        target,
        INSPECTIONS + "RequestInspection",
        requests,
        metadata=department_token,
        unique=True,
        keep_responses=True,
    )
    result = bench.load.run(job)
    figure = bench.add(
        Figure.from_load(
            result,
            backend=backend,
            section="writes",
            name=f"RequestInspection spread ({len(many):,} enterprises)",
            rpc="RequestInspection",
        )
    )
    acks = []
    for _, raw in result.responses:
        response = insp_pb.RequestInspectionResponse.FromString(raw)
        head, inspection = response.card_head, response.inspection
        acks.append(Ack(inspection.uscc, head.seq, head.entry_hash, "INSPECTION_REQUESTED", inspection.id))
    figure.note = check_writes(bench, backend, target, db, result.name, acks)

    decisions = [
        insp_pb.DecideInspectionRequest(
            request_id=f"decide-{a.inspection_id}",
            inspection_id=a.inspection_id,
            decision=insp_pb.DECISION_APPROVE,
            comment="同意",
        )
        for a in acks
    ]
    job = bench.job(
        "write.decide_inspection",
        target,
        INSPECTIONS + "DecideInspection",
        decisions,
        metadata=office_token,
        unique=True,
        keep_responses=True,
        warmup=min(bench.sizes.warmup, len(decisions) // 4),
    )
    result = bench.load.run(job)
    figure = bench.add(
        Figure.from_load(
            result,
            backend=backend,
            section="writes",
            name="DecideInspection (legal office) on those requests",
            rpc="DecideInspection",
        )
    )
    decided = []
    for _, raw in result.responses:
        change = insp_pb.InspectionChange.FromString(raw)
        head, inspection = change.card_head, change.inspection
        decided.append(Ack(inspection.uscc, head.seq, head.entry_hash, "", inspection.id))
    figure.note = check_writes(bench, backend, target, db, result.name, decided)


def _metadata(bench: Bench, role: Role, sub: str, org: str, now: dt.datetime) -> tuple[tuple[str, str], ...]:
    token = issue_token(bench.signing_key, sub=sub, role=role, org=org, ttl=dt.timedelta(hours=2), now=now)
    return (("authorization", f"Bearer {token}"),)


def check_writes(
    bench: Bench, backend: str, target: str, db: Database, name: str, acks: Sequence[Ack]
) -> str:
    """Every acknowledged write is on its card, as acknowledged, and every touched card verifies."""
    by_key = {}
    for ack in acks:
        if (ack.uscc, ack.seq) in by_key:
            raise CheckFailed(f"{name}: two acknowledged writes claim entry {ack.uscc}#{ack.seq}")
        by_key[(ack.uscc, ack.seq)] = ack
    by_card: dict[str, list[int]] = defaultdict(list)
    for uscc, seq in by_key:
        by_card[uscc].append(seq)
    c = ENTRIES.c
    with db.read() as session:
        for uscc, seqs in by_card.items():
            rows = session.execute(
                select(c.seq, c.entry_hash, c.kind, c.inspection_id, c.payload_json).where(
                    c.uscc == uscc, c.seq >= min(seqs)
                )
            ).all()
            stored = {row.seq: row for row in rows}
            for seq in seqs:
                ack, row = by_key[(uscc, seq)], stored.get(seq)
                where = f"{name}: entry {uscc}#{seq}"
                if row is None:
                    raise CheckFailed(f"{where} was acknowledged but is not on the card")
                if row.entry_hash != ack.entry_hash:
                    raise CheckFailed(f"{where} differs from its acknowledgement")
                if ack.kind and row.kind != ack.kind:
                    raise CheckFailed(f"{where} is a {row.kind}, not a {ack.kind}")
                if ack.inspection_id and row.inspection_id != ack.inspection_id:
                    raise CheckFailed(f"{where} names another inspection")
                if ack.new_name and json.loads(row.payload_json)["changes"]["name"]["new"] != ack.new_name:
                    raise CheckFailed(f"{where} records another write")
    with grpc.insecure_channel(target, options=CHANNEL_OPTIONS) as channel:
        stub = card_grpc.CardServiceStub(channel)
        for uscc in by_card:
            verdict = stub.VerifyCard(
                card_pb.VerifyCardRequest(uscc=uscc), metadata=bench.metadata, timeout=60
            )
            if not verdict.valid:
                raise CheckFailed(f"{name}: card {uscc} does not verify: {verdict.problem}")
    bench.report.checks.append(
        f"{backend}: {name}: {len(by_key):,} acknowledged writes on their cards; "
        f"{len(by_card):,} cards verify"
    )
    return "checked: all on card, VerifyCard ok"


def _page(bench: Bench, uscc: str, after: int) -> Any:
    # A token as the service would have sent it for the page ending at ``after``.
    token = encode_token(after, EntryFilter().as_query(uscc)) if after else ""
    token = PageTokenSeal(bench.signing_key).seal(CARD + "ListCardEntries", token)
    return card_pb.ListCardEntriesRequest(uscc=uscc, page_size=50, page_token=token)


def measure_scale(bench: Bench, backend: str, target: str) -> None:
    sizes = bench.sizes
    small, large = seed.uscc(SMALL), seed.uscc(LARGE)
    # A deep page starts 60 entries before the end: a full page of 50 with a next-page token.
    for key, name, request in (
        (
            "scale.first_small",
            f"ListCardEntries first page, {sizes.small_card:,}-entry card",
            _page(bench, small, 0),
        ),
        (
            "scale.deep_small",
            f"ListCardEntries deep page, {sizes.small_card:,}-entry card",
            _page(bench, small, sizes.small_card - 60),
        ),
        (
            "scale.first_large",
            f"ListCardEntries first page, {sizes.large_card:,}-entry card",
            _page(bench, large, 0),
        ),
        (
            "scale.deep_large",
            f"ListCardEntries deep page, {sizes.large_card:,}-entry card",
            _page(bench, large, sizes.large_card - 60),
        ),
    ):
        result = bench.load.run(bench.job(key, target, CARD + "ListCardEntries", [request]))
        bench.add(
            Figure.from_load(result, backend=backend, section="scale", name=name, rpc="ListCardEntries")
        )
    first = bench.report.figure(backend, "scale.first_small")
    for key in ("scale.deep_small", "scale.first_large", "scale.deep_large"):
        figure = bench.report.figure(backend, key)
        if figure.rate:
            figure.note = f"{first.rate / figure.rate:.2f}× the time of the first page of the small card"

    for key, number, entries in (
        ("verify.medium", MEDIUM, sizes.medium_card),
        ("verify.large", LARGE, sizes.large_card),
    ):
        request = card_pb.VerifyCardRequest(uscc=seed.uscc(number))
        job = bench.job(
            key,
            target,
            CARD + "VerifyCard",
            [request],
            in_flight=1,
            max_requests=sizes.verify_repeats,
            max_seconds=60.0,
            warmup=0,
            keep_responses=True,
        )
        result = bench.load.run(job)
        for _, raw in result.responses:
            verdict = card_pb.VerifyCardResponse.FromString(raw)
            if not verdict.valid or verdict.entries_checked != entries:
                raise CheckFailed(f"{key}: the seeded card of {entries} entries does not verify: {verdict}")
        figure = Figure.from_load(
            result,
            backend=backend,
            section="scale",
            name=f"VerifyCard, {entries:,} entries",
            rpc="VerifyCard",
            per_request=entries,
            unit="entries",
        )
        figure.note = f"time of one call (p50 of {result.ok})"
        bench.add(figure)


def measure_import(bench: Bench, backend: str, target: str) -> None:
    rows = bench.sizes.import_rows
    csv = seed.enterprise_csv(range(IMPORT_FROM, IMPORT_FROM + rows))
    request = reg_pb.ImportEnterprisesRequest(request_id=f"import-{uuid.uuid4().hex}", csv=csv)
    job = bench.job(
        "import",
        target,
        REGISTRY + "ImportEnterprises",
        [request],
        in_flight=1,
        max_requests=1,
        max_seconds=120.0,
        warmup=0,
        keep_responses=True,
        unique=True,
        deadline_seconds=120.0,
    )
    result = bench.load.run(job)
    imported = sum(reg_pb.ImportResponse.FromString(raw).rows_imported for _, raw in result.responses)
    if imported != rows:
        raise CheckFailed(f"ImportEnterprises imported {imported} of {rows} rows ({result.errors})")
    figure = Figure.from_load(
        result,
        backend=backend,
        section="import",
        name=f"ImportEnterprises, {rows:,} rows ({len(csv) / 1e6:.1f} MB CSV)",
        rpc="ImportEnterprises",
        per_request=rows,
        unit="rows",
    )
    figure.note = "time of one call, each row with its card and first entry"
    bench.add(figure)


def measure_joint_checks(
    bench: Bench, backend: str, target: str, db: Database, many: list[str], url: str
) -> None:
    """ListAvailableSlots of approved three-department joint checks over a 30-day range, and the
    enterprise's BookVisit of each on its own free half-day (DESIGN §5)."""
    from inspection.config import Settings
    from inspection.domain.inspections import Rules

    sizes = bench.sizes
    now = dt.datetime.now(dt.UTC)
    settings = Settings(signing_key=bench.signing_key, database_url=url, _env_file=None)
    rules = Rules.from_settings(settings)
    today = rules.calendar.today(now)
    window = (today + dt.timedelta(days=14), today + dt.timedelta(days=43))  # 30 days
    with db.write() as session:
        departments = seed.joint_departments(session, today=today, inspectors=sizes.joint_inspectors)
    started = time.perf_counter()
    usccs = many[: sizes.joint_checks]
    checks = seed.approved_joint_checks(db, rules, usccs, departments, window=window, now=now)
    bench.report.checks.append(
        f"{backend}: seeded {len(checks):,} approved joint checks of 3 departments through the domain layer "
        f"in {time.perf_counter() - started:.1f} s"
    )
    slots_request = [insp_pb.ListAvailableSlotsRequest(inspection_id=i) for i in checks]
    result = bench.load.run(
        bench.job("joint.slots", target, INSPECTIONS + "ListAvailableSlots", slots_request)
    )
    bench.add(
        Figure.from_load(
            result,
            backend=backend,
            section="joint",
            name="ListAvailableSlots, 3 departments, 30-day range",
            rpc="ListAvailableSlots",
        )
    )
    with grpc.insecure_channel(target, options=CHANNEL_OPTIONS) as channel:
        free = (
            insp_grpc.InspectionServiceStub(channel)
            .ListAvailableSlots(
                insp_pb.ListAvailableSlotsRequest(inspection_id=checks[0]),
                metadata=bench.metadata,
                timeout=30,
            )
            .slots
        )
    pairs = sizes.joint_inspectors // 2
    bookings, tokens = [], []
    for i, (inspection_id, uscc_) in enumerate(zip(checks, usccs, strict=True)):
        if i // pairs >= len(free):
            break
        bookings.append(
            insp_pb.BookVisitRequest(
                request_id=f"book-{inspection_id}", inspection_id=inspection_id, slot=free[i // pairs]
            )
        )
        tokens.append(_metadata(bench, Role.ENTERPRISE, f"officer-{uscc_[-4:]}", uscc_, now))
    job = bench.job(
        "joint.book",
        target,
        INSPECTIONS + "BookVisit",
        bookings,
        unique=True,
        keep_responses=True,
        metadata_each=tuple(tokens),
        warmup=min(sizes.warmup, len(bookings) // 4),
    )
    result = bench.load.run(job)
    figure = bench.add(
        Figure.from_load(
            result,
            backend=backend,
            section="joint",
            name=f"BookVisit by each enterprise ({len(bookings):,} joint checks)",
            rpc="BookVisit",
        )
    )
    acks = []
    for _, raw in result.responses:
        change = insp_pb.InspectionChange.FromString(raw)
        acks.append(
            Ack(
                change.inspection.uscc,
                change.card_head.seq,
                change.card_head.entry_hash,
                "VISIT_BOOKED",
                change.inspection.id,
            )
        )
    figure.note = check_writes(bench, backend, target, db, result.name, acks)


#: Floods of the overload figures: (key, label, method, request, calls in flight, anonymous).
HEALTH_CHECK = "/grpc.health.v1.Health/Check"


def _floods(sizes: Sizes) -> list[tuple[str, str, str, Any, int, bool]]:
    large = seed.uscc(LARGE)
    huge_code = "A" * sizes.flood_code_bytes
    return [
        (
            "verify",
            f"64 VerifyCard of the {sizes.large_card:,}-entry card",
            CARD + "VerifyCard",
            card_pb.VerifyCardRequest(uscc=large),
            64,
            False,
        ),
        (
            "code",
            f"3 anonymous VerifyInspectionCode of {sizes.flood_code_bytes / 2**20:g} MB",
            INSPECTIONS + "VerifyInspectionCode",
            insp_pb.VerifyInspectionCodeRequest(inspection_code=huge_code),
            3,
            True,
        ),
    ]


def measure_overload(bench: Bench, backend: str, target: str) -> None:
    """The latency of cheap calls — GetCard of another caller, the health check — while a flood of
    expensive or hostile calls runs (docs/robustness.md). The flood runs from a load process of its
    own for longer than the probe; the probe sends one call at a time."""
    from grpc_health.v1 import health_pb2

    sizes = bench.sizes
    probes = [
        ("get_card", "GetCard", CARD + "GetCard", card_pb.GetCardRequest(uscc=seed.uscc(SMALL))),
        ("health", "health Check", HEALTH_CHECK, health_pb2.HealthCheckRequest(service="")),
    ]
    reader = _metadata(bench, Role.SUPERVISION, "bench-probe", "", dt.datetime.now(dt.UTC))
    with LoadGenerator() as flood_load, ThreadPoolExecutor(max_workers=1) as flood_pool:
        for flood_key, flood_label, flood_method, flood_request, flood_in_flight, anonymous in _floods(sizes):
            flood = bench.job(
                f"flood.{flood_key}",
                target,
                flood_method,
                [flood_request],
                in_flight=flood_in_flight,
                max_requests=10**6,
                max_seconds=sizes.seconds * len(probes) + 2,
                warmup=0,
                metadata=() if anonymous else bench.metadata,
                deadline_seconds=30.0,
            )
            flooding = flood_pool.submit(flood_load.run, flood)
            time.sleep(0.5)  # the flood is under way
            for probe_key, probe_label, probe_method, probe_request in probes:
                job = bench.job(
                    f"overload.{flood_key}.{probe_key}",
                    target,
                    probe_method,
                    [probe_request],
                    in_flight=1,
                    warmup=5,
                    metadata=reader,
                    deadline_seconds=10.0,
                )
                figure = Figure.from_load(
                    bench.load.run(job),
                    backend=backend,
                    section="overload",
                    name=f"{probe_label} while {flood_label}",
                    rpc=probe_method.rsplit("/", 1)[-1],
                )
                bench.add(figure, ratio=False)
            result = flooding.result(timeout=sizes.seconds * len(probes) + 120)
            answered = result.ok + sum(result.errors.values())
            codes = "".join(f", {code} {count:,}" for code, count in sorted(result.errors.items()))
            for figure in bench.report.figures[-len(probes) :]:
                figure.note = f"flood: {answered:,} calls answered (OK {result.ok:,}{codes})"


def measure_processes(bench: Bench, backend: str, url: str, db: Database, many: list[str]) -> None:
    """The reads and the card-appending write again, served by two processes on one port
    (``--processes 2``), each with its thread pool, interpreter lock and database pool; every
    acknowledged write is checked on its card afterwards, as for one process."""
    with ServerProcess(
        "processes", url, signing_key=bench.signing_key, log_path=bench.work / f"{backend}-processes.log"
    ) as server:
        bench.server = (backend, server.process.pid)
        for key, method, requests, name in (
            ("processes.get_card", "GetCard", [card_pb.GetCardRequest(uscc=u) for u in many], "GetCard"),
            (
                "processes.list_entries",
                "ListCardEntries",
                [card_pb.ListCardEntriesRequest(uscc=u, page_size=50) for u in many],
                "ListCardEntries page of 50",
            ),
        ):
            result = bench.load.run(bench.job(key, server.target, CARD + method, requests))
            bench.add(
                Figure.from_load(
                    result, backend=backend, section="processes", name=f"{name}, 2 processes", rpc=method
                )
            )
        key = "processes.update_spread"
        updates = _updates(key, many, bench.sizes.warmup + bench.sizes.max_requests)
        job = bench.job(
            key, server.target, REGISTRY + "UpdateEnterprise", updates, unique=True, keep_responses=True
        )
        result = bench.load.run(job)
        figure = bench.add(
            Figure.from_load(
                result,
                backend=backend,
                section="processes",
                name="UpdateEnterprise spread, 2 processes",
                rpc="UpdateEnterprise",
            )
        )
        figure.note = check_writes(
            bench, backend, server.target, db, result.name, _update_acks(result, updates)
        )


def measure_replicas(bench: Bench, backend: str, url: str, db: Database, many: list[str]) -> None:
    """The card-appending write from one server replica and then from two replicas on the one
    database (separate server processes, as two machines would run them; the load alternates
    between them), in the same part so the ratio compares like with like; every acknowledged write
    is checked on its card."""
    count = bench.sizes.warmup + bench.sizes.max_requests
    rates = []
    for replicas in (1, 2):
        key = f"replicas.update_spread_{replicas}"
        servers = [
            ServerProcess(
                "service",
                url,
                signing_key=bench.signing_key,
                log_path=bench.work / f"{backend}-replica-{n}.log",
            )
            for n in range(replicas)
        ]
        try:
            target = ",".join(server.target for server in servers)
            updates = _updates(key, many, count)
            job = bench.job(
                key, target, REGISTRY + "UpdateEnterprise", updates, unique=True, keep_responses=True
            )
            result = bench.load.run(job)
            figure = bench.add(
                Figure.from_load(
                    result,
                    backend=backend,
                    section="replicas",
                    name=f"UpdateEnterprise spread, {replicas} replica(s) on one database",
                    rpc="UpdateEnterprise",
                )
            )
            figure.note = check_writes(
                bench, backend, servers[0].target, db, result.name, _update_acks(result, updates)
            )
            rates.append(figure.rate)
        finally:
            for server in servers:
                server.stop()
    if rates[0]:
        figure.note += f"; {rates[1] / rates[0]:.2f}× the rate of one replica"


def measure_backend(bench: Bench, backend: str, url: str) -> None:
    from bench.fees import measure_fees  # it builds on this module's Bench and checks
    from bench.oversight import measure_oversight
    from bench.serving import measure_serving
    from bench.statistics import measure_statistics

    upgrade(url)
    db = Database(url, pool_size=2)
    try:
        many = seed_database(bench, backend, db)
        with ServerProcess(
            "service", url, signing_key=bench.signing_key, log_path=bench.work / f"{backend}.log"
        ) as server:
            target = server.target
            bench.server = (backend, server.process.pid)
            steps: list[tuple[str, Callable[[], None]]] = [
                ("reads", lambda: measure_reads(bench, backend, target, many)),
                ("writes", lambda: measure_writes(bench, backend, target, db, many)),
                (
                    "inspections",
                    lambda: measure_inspections(bench, backend, target, db, many, dt.datetime.now(dt.UTC)),
                ),
                ("scale", lambda: measure_scale(bench, backend, target)),
                ("import", lambda: measure_import(bench, backend, target)),
                ("joint", lambda: measure_joint_checks(bench, backend, target, db, many, url)),
                ("draws", lambda: measure_draws(bench, backend, target, db)),
                ("fees", lambda: measure_fees(bench, backend, target, db, many)),
                ("statistics", lambda: measure_statistics(bench, backend, target, db, many)),
                ("oversight", lambda: measure_oversight(bench, backend, db)),
                ("overload", lambda: measure_overload(bench, backend, target)),
                ("serving", lambda: measure_serving(bench, backend, url, target, many)),
            ]
            for part, step in steps:
                if bench.wants(part) and (part != "oversight" or bench.wants("statistics")):
                    step()
        if bench.wants("processes"):
            measure_processes(bench, backend, url, db, many)
        if bench.wants("replicas"):
            measure_replicas(bench, backend, url, db, many)
    finally:
        db.dispose()
    if not bench.parts:  # the goals compare figures of every part
        add_goals(bench, backend)


def add_goals(bench: Bench, backend: str) -> None:
    sizes, report = bench.sizes, bench.report

    def rate(key: str) -> float:
        return report.figure(backend, key).rate

    def ratio(key: str) -> float:
        return report.figure(backend, key).ratio_to_baseline or 0.0

    report.goals += [
        Goal(backend, "GetCard rate / baseline", ratio("read.get_card"), 0.40, "min"),
        Goal(backend, "ListCardEntries rate / baseline", ratio("read.list_entries"), 0.40, "min"),
        Goal(backend, "spread UpdateEnterprise rate / baseline", ratio("write.spread"), 0.25, "min"),
        Goal(
            backend,
            f"deep page of {sizes.large_card:,}-entry card, time × first page of "
            f"{sizes.small_card}-entry card",
            _slowdown(rate("scale.first_small"), rate("scale.deep_large")),
            1.5,
            "max",
        ),
        Goal(
            backend,
            f"VerifyCard of {sizes.large_card:,} entries, seconds",
            report.figure(backend, "verify.large").p50_ms / 1000,
            2.0,
            "max",
        ),
        Goal(
            backend,
            f"ImportEnterprises of {sizes.import_rows:,} rows, seconds",
            report.figure(backend, "import").p50_ms / 1000,
            20.0,
            "max",
        ),
        *(
            Goal(backend, f"{figure.name}: p99 ms", figure.p99_ms, 100.0, "max")
            for figure in report.figures
            if figure.backend == backend and figure.section == "overload"
        ),
    ]


def _slowdown(reference_rate: float, rate: float) -> float:
    """How many times the time per request of ``reference_rate`` a request at ``rate`` takes."""
    return reference_rate / rate if rate else float("inf")


# --- databases ----------------------------------------------------------------------------------


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh schema on the PostgreSQL server at ``url``, dropped afterwards; yields its URL."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield (
                make_url(url)
                .update_query_dict({"options": f"-csearch_path={schema}"})
                .render_as_string(hide_password=False)
            )
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def postgres_url_from_env() -> str:
    for name in POSTGRES_ENV:
        if os.environ.get(name):
            return os.environ[name]
    return ""


def machine_facts(sizes: Sizes) -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "grpc": grpc.__version__,
        "sqlite": sqlite3.sqlite_version,
        "in_flight": sizes.in_flight,
        # Other work on the machine skews every figure; the 1-minute load average shows how much.
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }


# --- entry --------------------------------------------------------------------------------------


#: The parts of a run, in order; ``--only`` picks some (the oversight pass needs the statistics' data).
PARTS = ("reads", "writes", "inspections", "scale", "import", "joint", "draws", "fees", "statistics",
         "oversight", "overload", "statements", "processes", "serving", "replicas")  # fmt: skip


def run(
    sizes: Sizes,
    *,
    out: Path,
    postgres_url: str,
    console: Console,
    parts: frozenset[str] = frozenset(),
    profile: frozenset[str] = frozenset(),
) -> Report:
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    signing_key = secrets.token_urlsafe(48)
    token = issue_token(
        signing_key, sub="bench-admin", role=Role.ADMIN, ttl=dt.timedelta(hours=2), now=started
    )
    report = Report(size=sizes.name, started=started, machine=machine_facts(sizes))
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="work-", dir=out))
    try:
        with LoadGenerator() as generator:
            load = ProfilingLoad(generator, profile, out, lambda: bench.server)
            bench = Bench(
                sizes, load, report, signing_key, (("authorization", f"Bearer {token}"),), work, parts=parts
            )
            console.log("baseline: bare gRPC server")
            measure_baseline(bench)
            console.log("SQLite")
            served = not parts or bool(parts - {"statements"})  # every part but this one needs a server
            if served:
                measure_backend(bench, "sqlite", f"sqlite:///{work / 'bench.db'}")
            if bench.wants("statements"):
                measure_statements(bench, "sqlite", f"sqlite:///{work / 'statements.db'}")
            if postgres_url:
                console.log("PostgreSQL")
                if served:
                    with postgres_schema(postgres_url) as url:
                        measure_backend(bench, "postgresql", url)
                if bench.wants("statements"):
                    with postgres_schema(postgres_url) as url:
                        measure_statements(bench, "postgresql", url)
            else:
                report.skipped.append(
                    "PostgreSQL: set INSPECTION_BENCH_POSTGRES_URL or INSPECTION_TEST_POSTGRES_URL"
                )
    except CheckFailed as failure:
        report.failures.append(str(failure))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.checks += load.summaries if profile else []
    report.seconds = time.perf_counter() - clock
    report.machine["load_average_at_end"] = round(os.getloadavg()[0], 2)
    return report


def main(argv: list[str] | None = None, *, console: Console | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full", help="tiny is the smoke test's")
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"also measure PostgreSQL (default: when {' or '.join(POSTGRES_ENV)} is set)",
    )
    parser.add_argument("--out", type=Path, default=Path("var/bench"), help="where the JSON goes")
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        default=[],
        help="measure only this part (repeatable), beside the baseline; the goals need every part",
    )
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="KEY",
        help="sample the server with py-spy while this figure runs (repeatable), e.g. read.get_card",
    )
    args = parser.parse_args(argv)
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=150)
    postgres_url = postgres_url_from_env()
    if args.postgres and not postgres_url:
        parser.error("--postgres needs INSPECTION_BENCH_POSTGRES_URL or INSPECTION_TEST_POSTGRES_URL")
    if args.postgres is False:
        postgres_url = ""
    report = run(
        SIZES[args.size],
        out=args.out,
        postgres_url=postgres_url,
        console=console,
        parts=frozenset(args.only),
        profile=frozenset(args.profile),
    )
    report.print(console)
    path = report.write(args.out)
    console.print(f"figures written to {path} and {args.out / 'latest.json'}")
    return 1 if report.failures else 0
