"""Under floods the server keeps answering: expensive calls are bounded apart from cheap ones, a
call whose deadline passed while it waited is not started, an undecodable body is the caller's
error, and the metrics and the health port report it (docs/robustness.md).

The server here is small (4 RPC threads) so that the test can fill it. The calls are held inside
the server by the test holding SQLite's write lock from its own connection: a write then waits in
the database, holding its thread, until the test lets go — the same wait a slow disk or a long
transaction causes, made deterministic.
"""

from __future__ import annotations

import sqlite3
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy.engine import make_url

from inspection.config import Settings
from inspection.server import Running
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import registry_service_pb2 as reg
from tests.support import TEST_SIGNING_KEY, error_info, expect_error, field_violations, make_uscc

REGISTRY = "/inspection.v1.RegistryService/"


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite only: the test holds the database's write lock to keep calls waiting inside the server."""
    from inspection.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'inspection.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="module")
def settings(database_url: str) -> Settings:
    return Settings(
        alert_sweep_seconds=0,  # oversight sweeps run when a test asks (tests/test_oversight.py)
        signing_key=TEST_SIGNING_KEY,  # type: ignore[arg-type]
        listen="127.0.0.1:0",
        database_url=database_url,
        max_workers=4,
        max_watch_streams=1,
        max_expensive_calls=1,
        metrics_listen="127.0.0.1:0",
        health_listen="127.0.0.1:0",
        expiry_sweep_seconds=0,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(scope="module")
def running(settings: Settings, clock: Any) -> Iterator[Running]:
    from inspection.server import build

    server = build(settings, clock=clock)
    server.start()  # the whole server: metrics port, health port, database probe
    yield server
    server.stop(grace=None)


@contextmanager
def database_write_lock(database_url: str) -> Iterator[None]:
    """Holds SQLite's write lock from another connection, as a long transaction elsewhere would."""
    connection = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def _in_flight(running: Running, method: str) -> float:
    value = running.metrics.registry.get_sample_value("inspection_calls_in_flight", {"method": method})
    return value or 0.0


def _wait_until(condition: Callable[[], bool], what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _enterprise(registry: Any, admin: Any) -> str:
    uscc = make_uscc()
    registry.CreateEnterprise(
        reg.CreateEnterpriseRequest(enterprise=reg.Enterprise(uscc=uscc, name="宁波负载有限公司")),
        metadata=admin,
    )
    return uscc


def _rename(uscc: str, name: str, request_id: str) -> reg.UpdateEnterpriseRequest:
    request = reg.UpdateEnterpriseRequest(
        request_id=request_id, enterprise=reg.Enterprise(uscc=uscc, name=name)
    )
    request.update_mask.paths.append("name")
    return request


def test_an_expensive_call_beyond_the_bound_is_refused_at_once_and_cheap_calls_go_on(
    running: Running, database_url: str, registry: Any, cards: Any, admin: Any
) -> None:
    uscc = _enterprise(registry, admin)
    head = cards.GetCard(card_pb.GetCardRequest(uscc=uscc), metadata=admin).head
    csv = "uscc,name\n" + make_uscc() + ",宁波导入有限公司\n"
    with ThreadPoolExecutor(max_workers=1) as pool:
        with database_write_lock(database_url):
            importing: Future[Any] = pool.submit(
                registry.ImportEnterprises,
                reg.ImportEnterprisesRequest(request_id="import-held", csv=csv.encode()),
                metadata=admin,
                timeout=30,
            )
            _wait_until(
                lambda: _in_flight(running, REGISTRY + "ImportEnterprises") == 1, "the import to start"
            )
            started = time.monotonic()
            expect_error(
                lambda: cards.VerifyCard(card_pb.VerifyCardRequest(uscc=uscc), metadata=admin),
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "SERVER_BUSY",
            )
            assert time.monotonic() - started < 1.0, "refused at once, not after waiting"
            # A cheap read is not held back by the expensive call.
            assert cards.GetCard(card_pb.GetCardRequest(uscc=uscc), metadata=admin, timeout=2).head == head
        assert importing.result(timeout=30).rows_imported == 1
    refused = running.metrics.registry.get_sample_value(
        "inspection_calls_refused_total",
        {"method": "/inspection.v1.CardService/VerifyCard", "bound": "expensive"},
    )
    assert refused == 1
    # The slot came back: the next VerifyCard runs.
    assert cards.VerifyCard(card_pb.VerifyCardRequest(uscc=uscc), metadata=admin).valid


def test_a_call_whose_deadline_passed_while_it_waited_for_a_thread_is_not_started(
    running: Running, database_url: str, registry: Any, cards: Any, admin: Any
) -> None:
    uscc = _enterprise(registry, admin)
    with ThreadPoolExecutor(max_workers=5) as pool:
        with database_write_lock(database_url):
            holders = [
                pool.submit(
                    registry.UpdateEnterprise,
                    _rename(uscc, f"宁波占用{n}有限公司", f"hold-{n}"),
                    metadata=admin,
                    timeout=30,
                )
                for n in range(4)
            ]
            _wait_until(
                lambda: _in_flight(running, REGISTRY + "UpdateEnterprise") == 4, "every thread to be held"
            )
            late = _rename(uscc, "宁波迟到有限公司", "too-late")
            with pytest.raises(grpc.RpcError) as caught:
                registry.UpdateEnterprise(late, metadata=admin, timeout=0.3)
            assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
            time.sleep(0.2)
        for holder in holders:
            holder.result(timeout=30)
    entries = cards.ListCardEntries(card_pb.ListCardEntriesRequest(uscc=uscc, page_size=100), metadata=admin)
    names = [e.payload_json for e in entries.entries]
    assert len(names) == 1 + 4, "created, then the four held renames"
    assert not any("宁波迟到有限公司" in payload for payload in names), "the late call was run"


def test_an_undecodable_body_is_the_callers_error(grpc_channel: grpc.Channel) -> None:
    raw = grpc_channel.unary_unary(REGISTRY + "GetEnterprise")  # bytes in, bytes out
    error = expect_error(
        lambda: raw(b"\xff\xff\xff\xff"), grpc.StatusCode.INVALID_ARGUMENT, "UNDECODABLE_REQUEST"
    )
    assert set(field_violations(error)) == {"request"}


def test_the_metrics_port_serves_calls_by_method_and_code(
    running: Running, registry: Any, admin: Any
) -> None:
    expect_error(
        lambda: registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=make_uscc()), metadata=admin),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    assert running.metrics_port
    with urllib.request.urlopen(f"http://127.0.0.1:{running.metrics_port}/metrics", timeout=5) as answer:
        text = answer.read().decode()
    assert (
        'inspection_calls_total{code="NOT_FOUND",method="/inspection.v1.RegistryService/GetEnterprise"}'
        in text
    )
    for name in (
        "inspection_call_seconds_bucket",
        "inspection_calls_in_flight",
        "inspection_db_writer_connections_in_use",
        "inspection_db_reader_pool_size",
    ):
        assert name in text, name


def test_the_health_port_answers_from_its_own_threads(
    running: Running, database_url: str, registry: Any, admin: Any
) -> None:
    uscc = _enterprise(registry, admin)
    with grpc.insecure_channel(f"127.0.0.1:{running.health_port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        with ThreadPoolExecutor(max_workers=4) as pool, database_write_lock(database_url):
            holders = [
                pool.submit(
                    registry.UpdateEnterprise,
                    _rename(uscc, f"宁波健康{n}有限公司", f"health-{n}"),
                    metadata=admin,
                    timeout=30,
                )
                for n in range(4)
            ]
            _wait_until(
                lambda: _in_flight(running, REGISTRY + "UpdateEnterprise") == 4, "every RPC thread to be held"
            )
            # Every thread of the main pool is held; the health port still answers at once.
            answer = health.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
            assert answer.status == health_pb2.HealthCheckResponse.SERVING
        for holder in holders:
            holder.result(timeout=30)


def test_a_refusal_quotes_only_a_short_prefix_of_a_huge_value(registry: Any, admin: Any) -> None:
    huge = "9" * 1_000_000
    error = expect_error(
        lambda: registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=huge), metadata=admin),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert len(error.details() or "") < 500
    assert len(str(error_info(error).metadata)) < 500
