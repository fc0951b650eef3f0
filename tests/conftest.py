"""Fixtures: every test module gets a real server (the project's own ``build``/``create_server``
behind pytest-grpc's fixtures) on a fresh database, once on SQLite and once on PostgreSQL when
``INSPECTION_TEST_POSTGRES_URL`` is set."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.config import Settings
from inspection.server import Running, build
from inspection.storage.db import Database
from inspection.storage.migrate import upgrade
from inspection.v1 import (
    card_service_pb2_grpc,
    draw_service_pb2_grpc,
    inspection_service_pb2_grpc,
    public_service_pb2_grpc,
    registry_service_pb2_grpc,
)
from tests.inspection_support import Department, make_department
from tests.support import TEST_SIGNING_KEY, auth

POSTGRES_URL = os.environ.get("INSPECTION_TEST_POSTGRES_URL", "")
# Tests configure their servers explicitly; a developer's own INSPECTION_* settings must not leak in.
for _name in [n for n in os.environ if n.startswith("INSPECTION_") and not n.startswith("INSPECTION_TEST_")]:
    del os.environ[_name]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
#: A Monday outside the quiet period, mid-morning in the district.
START = dt.datetime(2026, 3, 16, 9, 30, tzinfo=SHANGHAI)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _with_search_path(url: str, schema: str) -> str:
    parsed = make_url(url)
    return parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database for one test module."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "inspection.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("INSPECTION_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _with_search_path(POSTGRES_URL, schema)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def clock() -> SettableClock:
    return SettableClock(START)


@pytest.fixture(scope="module")
def settings(database_url: str) -> Settings:
    return Settings(
        alert_sweep_seconds=0,  # oversight sweeps run when a test asks (tests/test_oversight.py)
        development=False,
        signing_key=TEST_SIGNING_KEY,  # type: ignore[arg-type]
        listen="127.0.0.1:0",
        database_url=database_url,
        max_workers=16,
        watch_poll_seconds=0.2,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(scope="module")
def running(settings: Settings, clock: SettableClock) -> Iterator[Running]:
    server = build(settings, clock=clock)
    server.server.start()
    yield server
    server.stop(grace=None)


@pytest.fixture(scope="module")
def grpc_server(running: Running) -> grpc.Server:
    """pytest-grpc's server fixture, replaced by the project's own server."""
    return running.server


@pytest.fixture(scope="module")
def grpc_addr(running: Running) -> str:
    return f"127.0.0.1:{running.port}"


@pytest.fixture(scope="module")
def db(database_url: str) -> Iterator[Database]:
    """Direct database access, for asserting what was (not) written and for tampering."""
    database = Database(database_url, pool_size=2)
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def registry(grpc_channel: grpc.Channel) -> registry_service_pb2_grpc.RegistryServiceStub:
    return registry_service_pb2_grpc.RegistryServiceStub(grpc_channel)


@pytest.fixture(scope="module")
def cards(grpc_channel: grpc.Channel) -> card_service_pb2_grpc.CardServiceStub:
    return card_service_pb2_grpc.CardServiceStub(grpc_channel)


@pytest.fixture(scope="module")
def admin(clock: SettableClock) -> list[tuple[str, str]]:
    return auth(Role.ADMIN, sub="admin-1", now=clock.now())


@pytest.fixture(scope="module")
def inspections(grpc_channel: grpc.Channel) -> inspection_service_pb2_grpc.InspectionServiceStub:
    return inspection_service_pb2_grpc.InspectionServiceStub(grpc_channel)


@pytest.fixture(scope="module")
def draws(grpc_channel: grpc.Channel) -> draw_service_pb2_grpc.DrawServiceStub:
    return draw_service_pb2_grpc.DrawServiceStub(grpc_channel)


@pytest.fixture(scope="module")
def public(grpc_channel: grpc.Channel) -> public_service_pb2_grpc.PublicServiceStub:
    return public_service_pb2_grpc.PublicServiceStub(grpc_channel)


@pytest.fixture(scope="module")
def scjg(registry: registry_service_pb2_grpc.RegistryServiceStub, admin: list[tuple[str, str]]) -> Department:
    """The market regulation department, with certified, auxiliary and expired inspectors and items."""
    return make_department(registry, admin, "SCJG")


@pytest.fixture(scope="module")
def yjgl(registry: registry_service_pb2_grpc.RegistryServiceStub, admin: list[tuple[str, str]]) -> Department:
    """The emergency management department, likewise."""
    return make_department(registry, admin, "YJGL")
