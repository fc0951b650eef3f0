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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import field_mask_pb2
from rich.console import Console
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bench import seed
from bench.load import CHANNEL_OPTIONS, Job, LoadGenerator, LoadResult
from bench.report import Figure, Goal, Report
from bench.serve import ServerProcess
from bench.sizes import SIZES, Sizes
from inspection.auth import Role, issue_token
from inspection.domain.card import EntryFilter
from inspection.domain.paging import encode_token
from inspection.storage.db import Database
from inspection.storage.migrate import upgrade
from inspection.storage.models import CardEntry
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import card_service_pb2_grpc as card_grpc
from inspection.v1 import registry_service_pb2 as reg_pb

POSTGRES_ENV = ("INSPECTION_BENCH_POSTGRES_URL", "INSPECTION_TEST_POSTGRES_URL")
CARD = "/inspection.v1.CardService/"
REGISTRY = "/inspection.v1.RegistryService/"

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
    load: LoadGenerator
    report: Report
    signing_key: str
    metadata: tuple[tuple[str, str], ...]
    work: Path
    baseline_rate: float = 0.0

    def job(self, key: str, target: str, method: str, requests: Sequence[Any], **overrides: Any) -> Job:
        values: dict[str, Any] = {
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
            metadata=self.metadata,
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
        figure.note = check_writes(bench, backend, target, db, result, requests)


def check_writes(
    bench: Bench, backend: str, target: str, db: Database, result: LoadResult, requests: Sequence[Any]
) -> str:
    """Every acknowledged write is on its card, as acknowledged, and every touched card verifies."""
    acknowledged: dict[tuple[str, int], tuple[str, str]] = {}
    for index, raw in result.responses:
        response = reg_pb.UpdateEnterpriseResponse.FromString(raw)
        request = requests[index]
        key = (request.enterprise.uscc, response.card_head.seq)
        if key in acknowledged:
            raise CheckFailed(f"{result.name}: two acknowledged writes claim entry {key}")
        acknowledged[key] = (response.card_head.entry_hash, request.enterprise.name)
    by_card: dict[str, list[int]] = defaultdict(list)
    for uscc, seq in acknowledged:
        by_card[uscc].append(seq)
    with db.read() as session:
        for uscc, seqs in by_card.items():
            rows = session.execute(
                select(ENTRIES.c.seq, ENTRIES.c.entry_hash, ENTRIES.c.payload_json).where(
                    ENTRIES.c.uscc == uscc, ENTRIES.c.seq >= min(seqs)
                )
            ).all()
            stored = {seq: (digest, payload) for seq, digest, payload in rows}
            for seq in seqs:
                digest, name = acknowledged[(uscc, seq)]
                if seq not in stored:
                    raise CheckFailed(f"{result.name}: acknowledged entry {uscc}#{seq} is not on the card")
                if stored[seq][0] != digest:
                    raise CheckFailed(f"{result.name}: entry {uscc}#{seq} differs from its acknowledgement")
                if json.loads(stored[seq][1])["changes"]["name"]["new"] != name:
                    raise CheckFailed(f"{result.name}: entry {uscc}#{seq} records another write")
    with grpc.insecure_channel(target, options=CHANNEL_OPTIONS) as channel:
        stub = card_grpc.CardServiceStub(channel)
        for uscc in by_card:
            verdict = stub.VerifyCard(
                card_pb.VerifyCardRequest(uscc=uscc), metadata=bench.metadata, timeout=60
            )
            if not verdict.valid:
                raise CheckFailed(f"{result.name}: card {uscc} does not verify: {verdict.problem}")
    line = f"{len(acknowledged):,} acknowledged writes on their cards; {len(by_card):,} cards verify"
    bench.report.checks.append(f"{backend}: {result.name}: {line}")
    return "checked: all on card, VerifyCard ok"


def _page(uscc: str, after: int) -> Any:
    token = encode_token(after, EntryFilter().as_query(uscc)) if after else ""
    return card_pb.ListCardEntriesRequest(uscc=uscc, page_size=50, page_token=token)


def measure_scale(bench: Bench, backend: str, target: str) -> None:
    sizes = bench.sizes
    small, large = seed.uscc(SMALL), seed.uscc(LARGE)
    # A deep page starts 60 entries before the end: a full page of 50 with a next-page token.
    for key, name, request in (
        (
            "scale.first_small",
            f"ListCardEntries first page, {sizes.small_card:,}-entry card",
            _page(small, 0),
        ),
        (
            "scale.deep_small",
            f"ListCardEntries deep page, {sizes.small_card:,}-entry card",
            _page(small, sizes.small_card - 60),
        ),
        (
            "scale.first_large",
            f"ListCardEntries first page, {sizes.large_card:,}-entry card",
            _page(large, 0),
        ),
        (
            "scale.deep_large",
            f"ListCardEntries deep page, {sizes.large_card:,}-entry card",
            _page(large, sizes.large_card - 60),
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


def measure_backend(bench: Bench, backend: str, url: str) -> None:
    upgrade(url)
    db = Database(url, pool_size=2)
    try:
        many = seed_database(bench, backend, db)
        with ServerProcess(
            "service", url, signing_key=bench.signing_key, log_path=bench.work / f"{backend}.log"
        ) as server:
            measure_reads(bench, backend, server.target, many)
            measure_writes(bench, backend, server.target, db, many)
            measure_scale(bench, backend, server.target)
            measure_import(bench, backend, server.target)
    finally:
        db.dispose()
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
    }


# --- entry --------------------------------------------------------------------------------------


def run(sizes: Sizes, *, out: Path, postgres_url: str, console: Console) -> Report:
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
        with LoadGenerator() as load:
            bench = Bench(sizes, load, report, signing_key, (("authorization", f"Bearer {token}"),), work)
            console.log("baseline: bare gRPC server")
            measure_baseline(bench)
            console.log("SQLite")
            measure_backend(bench, "sqlite", f"sqlite:///{work / 'bench.db'}")
            if postgres_url:
                console.log("PostgreSQL")
                with postgres_schema(postgres_url) as url:
                    measure_backend(bench, "postgresql", url)
            else:
                report.skipped.append(
                    "PostgreSQL: set INSPECTION_BENCH_POSTGRES_URL or INSPECTION_TEST_POSTGRES_URL"
                )
    except CheckFailed as failure:
        report.failures.append(str(failure))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.seconds = time.perf_counter() - clock
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
    report = run(SIZES[args.size], out=args.out, postgres_url=postgres_url, console=console)
    report.print(console)
    path = report.write(args.out)
    console.print(f"figures written to {path} and {args.out / 'latest.json'}")
    return 1 if report.failures else 0
