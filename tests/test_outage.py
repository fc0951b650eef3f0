"""A lost database is answered honestly: ``UNAVAILABLE`` (which the clients retry), the health
status ``NOT_SERVING`` while it lasts and ``SERVING`` again when the database returns, without a
restart; a write cut off by the outage is applied exactly once by its retry (docs/robustness.md).

PostgreSQL only: the outage is made by refusing new connections to the test's own database and
terminating the server's ones — what a failover or a restarted database server does.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from inspection.config import Settings
from inspection.server import Running, build
from inspection.storage.migrate import upgrade
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import card_service_pb2_grpc, registry_service_pb2_grpc
from inspection.v1 import registry_service_pb2 as reg
from tests.conftest import POSTGRES_URL
from tests.support import TEST_SIGNING_KEY, expect_error, make_uscc

pytestmark = pytest.mark.postgres

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@pytest.fixture(scope="module")
def admin_engine() -> Iterator[Engine]:
    if not POSTGRES_URL:
        pytest.skip("INSPECTION_TEST_POSTGRES_URL is not set")
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def database_name(admin_engine: Engine) -> Iterator[str]:
    name = f"outage_{uuid.uuid4().hex[:12]}"
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield name
    with admin_engine.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))


@pytest.fixture(scope="module")
def database_url(database_name: str) -> str:
    url = make_url(POSTGRES_URL).set(database=database_name).render_as_string(hide_password=False)
    upgrade(url)
    return url


@pytest.fixture(scope="module")
def settings(database_url: str) -> Settings:
    return Settings(
        alert_sweep_seconds=0,  # oversight sweeps run when a test asks (tests/test_oversight.py)
        signing_key=TEST_SIGNING_KEY,  # type: ignore[arg-type]
        listen="127.0.0.1:0",
        database_url=database_url,
        health_probe_seconds=0.2,
        expiry_sweep_seconds=0,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(scope="module")
def running(settings: Settings, clock: Any) -> Iterator[Running]:
    server = build(settings, clock=clock)
    server.start()  # with the database probe
    yield server
    server.stop(grace=None)


def _set_outage(admin_engine: Engine, name: str, *, down: bool) -> None:
    with admin_engine.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if down else "true"}'))
        if down:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                {"name": name},
            )


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 15.0) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"timed out waiting for {what}"
        time.sleep(0.05)
    return time.monotonic() - started


def test_an_outage_is_unavailable_and_not_serving_until_the_database_returns(
    running: Running, admin_engine: Engine, database_name: str, grpc_channel: grpc.Channel, admin: Any
) -> None:
    registry = registry_service_pb2_grpc.RegistryServiceStub(grpc_channel)
    cards = card_service_pb2_grpc.CardServiceStub(grpc_channel)
    health = health_pb2_grpc.HealthStub(grpc_channel)
    status = lambda: health.Check(health_pb2.HealthCheckRequest(service="")).status  # noqa: E731
    uscc = make_uscc()
    registry.CreateEnterprise(
        reg.CreateEnterpriseRequest(enterprise=reg.Enterprise(uscc=uscc, name="宁波断线有限公司")),
        metadata=admin,
    )
    assert status() == SERVING
    rename = reg.UpdateEnterpriseRequest(
        request_id="rename-during-outage", enterprise=reg.Enterprise(uscc=uscc, name="宁波重连有限公司")
    )
    rename.update_mask.paths.append("name")

    _set_outage(admin_engine, database_name, down=True)
    try:
        expect_error(
            lambda: cards.GetCard(card_pb.GetCardRequest(uscc=uscc), metadata=admin),
            grpc.StatusCode.UNAVAILABLE,
            "DATABASE_UNAVAILABLE",
        )
        expect_error(
            lambda: registry.UpdateEnterprise(rename, metadata=admin),
            grpc.StatusCode.UNAVAILABLE,
            "DATABASE_UNAVAILABLE",
        )
        assert status() == NOT_SERVING
        # It stays NOT_SERVING while the probe keeps failing.
        time.sleep(0.6)
        assert status() == NOT_SERVING
    finally:
        _set_outage(admin_engine, database_name, down=False)

    _wait_for(lambda: status() == SERVING, "health to return to SERVING")
    # The cut-off write was not applied; its retry applies it once, and a second retry replays it.
    first = registry.UpdateEnterprise(rename, metadata=admin)
    again = registry.UpdateEnterprise(rename, metadata=admin)
    assert first == again and first.enterprise.name == "宁波重连有限公司"
    entries = cards.ListCardEntries(card_pb.ListCardEntriesRequest(uscc=uscc), metadata=admin).entries
    assert [e.seq for e in entries] == [1, 2], "created, then renamed once"
    assert cards.VerifyCard(card_pb.VerifyCardRequest(uscc=uscc), metadata=admin).valid
