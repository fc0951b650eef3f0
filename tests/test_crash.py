"""Server processes killed with SIGKILL in the middle of concurrent writes lose nothing they
acknowledged (docs/robustness.md): after a restart every acknowledged write is on its card, no card
has a gap, every card verifies, and retrying each unacknowledged request id applies it exactly
once — whether or not the killed process had committed it.

On SQLite one server process; on PostgreSQL two, both killed. Two rounds each, every loop bounded
in count and time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from inspection.auth import Role
from inspection.v1 import card_service_pb2 as card
from inspection.v1 import card_service_pb2_grpc, registry_service_pb2_grpc
from inspection.v1 import registry_service_pb2 as reg
from tests.support import TEST_SIGNING_KEY, auth, read_port, register

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 2
WRITERS = 4
CARDS = 4
#: Bounds of one round's writing: it stops at the kill, or at these, whichever is first.
MAX_WRITES_PER_WRITER = 400
KILL_AFTER_SECONDS = 0.8


@dataclass
class Ledger:
    """What the clients know: each write's request, and whether the service acknowledged it."""

    requests: dict[str, reg.UpdateEnterpriseRequest] = field(default_factory=dict)
    acknowledged: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Servers:
    """``tests.serve_once`` processes on one database, started, killed and restarted by the test."""

    def __init__(self, database_url: str, count: int, logs: Path) -> None:
        self.count, self.logs = count, logs
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTION_")}
        self.env.update(
            INSPECTION_DATABASE_URL=database_url,
            INSPECTION_SIGNING_KEY=TEST_SIGNING_KEY,
            PYTHONPATH=str(ROOT),
        )
        self.processes: list[subprocess.Popen[str]] = []
        self.addresses: list[str] = []
        self.starts = 0

    def start(self) -> None:
        self.processes, self.addresses = [], []
        for _ in range(self.count):
            self.starts += 1
            log_path = self.logs / f"server-{self.starts}.log"
            with log_path.open("w") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "tests.serve_once"],
                    cwd=ROOT,
                    env=self.env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                )
            self.processes.append(process)
            self.addresses.append(f"127.0.0.1:{read_port(process, log_path, timeout=60)}")

    def kill(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGKILL)
        for process in self.processes:
            process.wait(timeout=10)
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    pipe.close()

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            for pipe in (process.stdin, process.stdout):
                if pipe is not None and not pipe.closed:
                    pipe.close()


@pytest.fixture
def servers(database_url: str, tmp_path: Path) -> Iterator[Servers]:
    running = Servers(database_url, 1 if database_url.startswith("sqlite") else 2, tmp_path)
    running.start()
    yield running
    running.stop()


def _rename(uscc: str, name: str, request_id: str) -> reg.UpdateEnterpriseRequest:
    return reg.UpdateEnterpriseRequest(
        request_id=request_id,
        enterprise=reg.Enterprise(uscc=uscc, name=name),
        update_mask=FieldMask(paths=["name"]),
    )


def _write_until_killed(
    addresses: list[str],
    usccs: list[str],
    ledger: Ledger,
    round_number: int,
    stop: threading.Event,
    metadata: Any,
) -> None:
    def writer(number: int) -> None:
        channel = grpc.insecure_channel(addresses[number % len(addresses)])
        stub = registry_service_pb2_grpc.RegistryServiceStub(channel)
        try:
            for k in range(MAX_WRITES_PER_WRITER):
                if stop.is_set():
                    return
                request_id = f"crash-{round_number}-{number}-{k}"
                request = _rename(usccs[k % len(usccs)], f"崩溃测试{request_id}有限公司", request_id)
                with ledger.lock:
                    ledger.requests[request_id] = request
                try:
                    stub.UpdateEnterprise(request, metadata=metadata, timeout=5)
                except grpc.RpcError:
                    continue  # not acknowledged: killed mid-call, or the server is gone
                with ledger.lock:
                    ledger.acknowledged.add(request_id)
        finally:
            channel.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a writer did not stop"


def _names_on_cards(cards: Any, metadata: Any, usccs: list[str]) -> tuple[Counter[str], list[str]]:
    """How often each name was written on the cards, and every problem with the chains."""
    names: Counter[str] = Counter()
    problems: list[str] = []
    for uscc in usccs:
        entries: list[card.CardEntry] = []
        token = ""
        for _ in range(100):
            page = cards.ListCardEntries(
                card.ListCardEntriesRequest(uscc=uscc, page_size=1000, page_token=token), metadata=metadata
            )
            entries.extend(page.entries)
            token = page.next_page_token
            if not token:
                break
        if [e.seq for e in entries] != list(range(1, len(entries) + 1)):
            problems.append(f"{uscc}: seq gap")
        verdict = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc), metadata=metadata)
        if not verdict.valid:
            problems.append(f"{uscc}: does not verify at {verdict.first_bad_seq}: {verdict.problem}")
        for entry in entries:
            if entry.kind == card.CARD_ENTRY_KIND_ENTERPRISE_UPDATED:
                names[json.loads(entry.payload_json)["changes"]["name"]["new"]] += 1
    return names, problems


@pytest.mark.timeout(300)
def test_sigkill_during_concurrent_writes_loses_and_duplicates_nothing(servers: Servers) -> None:
    # The server processes run on the host clock, so their tokens are issued now.
    metadata = auth(Role.ADMIN, sub="admin-crash", now=dt.datetime.now(dt.UTC))
    with grpc.insecure_channel(servers.addresses[0]) as channel:
        registry = registry_service_pb2_grpc.RegistryServiceStub(channel)
        usccs = [
            register(registry, metadata, name=f"崩溃测试{n}有限公司").enterprise.uscc for n in range(CARDS)
        ]
    ledger = Ledger()
    figures = []
    for round_number in range(1, ROUNDS + 1):
        stop = threading.Event()
        writing = threading.Thread(
            target=_write_until_killed, args=(servers.addresses, usccs, ledger, round_number, stop, metadata)
        )
        writing.start()
        time.sleep(KILL_AFTER_SECONDS)
        servers.kill()
        stop.set()
        writing.join(timeout=90)
        servers.start()

        with grpc.insecure_channel(servers.addresses[-1]) as channel:
            cards = card_service_pb2_grpc.CardServiceStub(channel)
            registry = registry_service_pb2_grpc.RegistryServiceStub(channel)
            grpc.channel_ready_future(channel).result(timeout=30)
            names, problems = _names_on_cards(cards, metadata, usccs)
            assert not problems, problems
            name_of = {rid: request.enterprise.name for rid, request in ledger.requests.items()}
            lost = [rid for rid in ledger.acknowledged if names[name_of[rid]] != 1]
            assert not lost, f"acknowledged writes missing or doubled on their cards: {lost[:5]}"
            unacknowledged = sorted(set(ledger.requests) - ledger.acknowledged)
            committed_unacknowledged = sum(1 for rid in unacknowledged if names[name_of[rid]] == 1)
            # Each unacknowledged request, retried (twice), is applied exactly once.
            for rid in unacknowledged:
                first = registry.UpdateEnterprise(ledger.requests[rid], metadata=metadata, timeout=10)
                again = registry.UpdateEnterprise(ledger.requests[rid], metadata=metadata, timeout=10)
                assert first == again
                ledger.acknowledged.add(rid)
            names, problems = _names_on_cards(cards, metadata, usccs)
            assert not problems, problems
            duplicated = [rid for rid in ledger.requests if names[name_of[rid]] != 1]
            assert not duplicated, f"writes missing or applied twice after the retries: {duplicated[:5]}"
        figures.append(
            f"round {round_number}: {len(ledger.requests)} requests sent so far, "
            f"{len(ledger.requests) - len(unacknowledged)} acknowledged, {len(unacknowledged)} retried "
            f"({committed_unacknowledged} had been committed before the kill), 0 lost, 0 duplicated"
        )
    print("\n".join(figures))
