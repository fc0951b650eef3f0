"""Concurrent appends to one card (DESIGN §8, §10): many writers through one server, and on
PostgreSQL through two server processes sharing the database, leave a contiguous, valid chain that
holds every acknowledged write. Appends are serialized by the database, not by a process lock."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from inspection.auth import Role
from inspection.errors import ResourceExhausted
from inspection.storage.db import Database
from inspection.storage.migrate import upgrade
from inspection.v1 import card_service_pb2 as card
from inspection.v1 import card_service_pb2_grpc, registry_service_pb2_grpc
from inspection.v1 import registry_service_pb2 as reg
from tests.support import TEST_SIGNING_KEY, auth, read_port, register, stored_head

Registry = registry_service_pb2_grpc.RegistryServiceStub
Cards = card_service_pb2_grpc.CardServiceStub
Metadata = list[tuple[str, str]]

THREADS = 8
UPDATES_PER_THREAD = 15
#: Upper bound for the whole burst; the writes normally take a second or two.
BURST_SECONDS = 120.0
ROOT = Path(__file__).resolve().parent.parent

#: One acknowledged write: (seq, entry hash, the industry value it set).
Ack = tuple[int, str, str]


def _writer(registry: Registry, metadata: Metadata, uscc: str, writer: int, deadline: float) -> list[Ack]:
    acks: list[Ack] = []
    for i in range(UPDATES_PER_THREAD):
        remaining = deadline - time.monotonic()
        assert remaining > 0, "the burst did not finish in time"
        value = f"writer-{writer}-update-{i}"
        response = registry.UpdateEnterprise(
            reg.UpdateEnterpriseRequest(
                request_id=value,
                enterprise=reg.Enterprise(uscc=uscc, industry=value),
                update_mask=FieldMask(paths=["industry"]),
            ),
            metadata=metadata,
            timeout=min(remaining, 30.0),
        )
        acks.append((response.card_head.seq, response.card_head.entry_hash, value))
    return acks


def _burst(targets: list[tuple[Registry, Metadata]], uscc: str) -> list[Ack]:
    """THREADS writers, spread over the targets, each making UPDATES_PER_THREAD updates."""
    deadline = time.monotonic() + BURST_SECONDS
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [
            pool.submit(_writer, *targets[writer % len(targets)], uscc, writer, deadline)
            for writer in range(THREADS)
        ]
        return [ack for future in futures for ack in future.result(timeout=BURST_SECONDS + 10)]


def _all_entries(cards: Cards, metadata: Metadata, uscc: str) -> list[card.CardEntry]:
    entries: list[card.CardEntry] = []
    token = ""
    for _ in range(20):
        page = cards.ListCardEntries(
            card.ListCardEntriesRequest(uscc=uscc, page_size=1000, page_token=token), metadata=metadata
        )
        entries.extend(page.entries)
        token = page.next_page_token
        if not token:
            return entries
    raise AssertionError("more pages than expected")


def _check_chain(cards: Cards, metadata: Metadata, db: Database, uscc: str, acks: list[Ack]) -> None:
    total = 1 + THREADS * UPDATES_PER_THREAD
    assert sorted(seq for seq, _, _ in acks) == list(range(2, total + 1)), "acknowledged seqs are not 2..N"

    entries = _all_entries(cards, metadata, uscc)
    assert [e.seq for e in entries] == list(range(1, total + 1))
    by_seq = {e.seq: e for e in entries}
    for seq, digest, value in acks:
        entry = by_seq[seq]
        assert entry.entry_hash == digest
        assert json.loads(entry.payload_json)["changes"]["industry"]["new"] == value
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.entry_hash

    verified = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc), metadata=metadata)
    assert verified.valid, verified.problem
    assert verified.entries_checked == total
    assert stored_head(db, uscc) == (total, entries[-1].entry_hash)


@pytest.mark.timeout(180)
def test_many_threads_append_to_one_card(
    registry: Registry, cards: Cards, admin: Metadata, db: Database
) -> None:
    uscc = register(registry, admin, name="并发有限公司").enterprise.uscc
    acks = _burst([(registry, admin)], uscc)
    _check_chain(cards, admin, db, uscc, acks)


# --- one writer connection per process on SQLite ----------------------------------------------


def test_sqlite_writes_queue_for_the_one_writer_connection(tmp_path: Path) -> None:
    """A write waits for the process's writer connection and runs once it is returned; one that
    waits longer than its bound is refused as busy (RESOURCE_EXHAUSTED), not failed inside SQLite."""
    url = f"sqlite:///{tmp_path / 'one-writer.db'}"
    upgrade(url)
    database = Database(url, pool_size=2, write_wait_seconds=0.3)
    try:
        with ThreadPoolExecutor(1) as pool:
            with database.write() as first:
                first.connection()  # holds the writer connection until the block ends
                with pytest.raises(ResourceExhausted) as caught:
                    pool.submit(database.run_write, lambda s: s.connection()).result(timeout=10)
                assert caught.value.reason == "DATABASE_BUSY"
                queued = pool.submit(
                    database.run_write, lambda s: s.connection().exec_driver_sql("SELECT 1").scalar()
                )
                time.sleep(0.1)
                assert not queued.done()
            assert queued.result(timeout=10) == 1
    finally:
        database.dispose()


# --- two server processes on one PostgreSQL database ------------------------------------------


@pytest.fixture
def replicas(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """Two server processes on the module's database; their addresses. Scale-out is PostgreSQL's
    job, but two processes on one SQLite file (a server and a maintenance job) must be safe too."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTION_")}
    env.update(
        INSPECTION_DATABASE_URL=database_url,
        INSPECTION_SIGNING_KEY=TEST_SIGNING_KEY,
        PYTHONPATH=str(ROOT),
    )
    processes: list[subprocess.Popen[str]] = []
    try:
        for n in range(2):
            log = (tmp_path / f"replica-{n}.log").open("w")
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "tests.serve_once"],
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
            )
            log.close()
        yield [
            f"127.0.0.1:{read_port(p, tmp_path / f'replica-{n}.log', timeout=60)}"
            for n, p in enumerate(processes)
        ]
    finally:
        for process in processes:
            if process.stdin is not None:
                process.stdin.close()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            if process.stdout is not None:
                process.stdout.close()


@pytest.mark.timeout(240)
def test_two_server_processes_append_to_one_card(replicas: list[str], db: Database) -> None:
    # The replicas run on the host clock, so their tokens are issued now.
    metadata = auth(Role.ADMIN, sub="admin-replicas", now=dt.datetime.now(dt.UTC))
    channels = [grpc.insecure_channel(address) for address in replicas]
    try:
        for channel in channels:
            grpc.channel_ready_future(channel).result(timeout=30)
        stubs = [registry_service_pb2_grpc.RegistryServiceStub(channel) for channel in channels]
        readers = [card_service_pb2_grpc.CardServiceStub(channel) for channel in channels]
        uscc = register(stubs[0], metadata, name="多副本并发有限公司").enterprise.uscc
        acks = _burst([(stub, metadata) for stub in stubs], uscc)
        for reader in readers:
            _check_chain(reader, metadata, db, uscc, acks)
    finally:
        for channel in channels:
            channel.close()
