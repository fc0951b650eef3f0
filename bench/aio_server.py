"""A prototype of the serving model on ``grpc.aio`` with an async database driver, measured against
the thread-pool server by the benchmark's ``serving`` part (docs/performance.md).

It serves ``CardService.GetCard`` and ``CardService.ListCardEntries`` only, and does what the real
server does for them: the bearer token verified by ``inspection.auth`` (with revocations and the
department's existence, as ``AccessGate`` judges them), the method's row of the policy table, the
request text check, sealed page tokens, the same statements (``inspection.domain.summary`` over
``inspection.storage.cards._SUMMARY``, ``inspection.domain.card.entries_page`` over the prebuilt
page query), the same messages (``inspection.api.convert``), the same error statuses, metrics and
one JSON log line per call. The database is SQLAlchemy's asyncio engine: ``aiosqlite`` for SQLite,
psycopg's async connection for PostgreSQL.

It lives in ``bench/`` because it is an experiment the benchmark runs, not a way to serve the
service: no other method, no writes or idempotency, no health or reflection service, no TLS, no
bound on expensive calls.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

import grpc
import grpc.aio
import structlog
from google.protobuf.message import DecodeError, Message
from sqlalchemy import Connection
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from inspection.api import convert
from inspection.api.enums import ENTRY_KINDS
from inspection.api.fields import check_request
from inspection.api.page_tokens import PageTokenSeal
from inspection.api.policy import rule_for
from inspection.api.status import internal_status, to_status
from inspection.auth import ANONYMOUS, AccessGate, Principal, Role, TokenVerifier, Verified
from inspection.clock import Clock, SystemClock
from inspection.config import Settings
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.domain.summary import summarize
from inspection.errors import (
    DeadlineExceeded,
    DomainError,
    FieldViolation,
    InvalidArgument,
    PermissionDenied,
    Unauthenticated,
    Violations,
)
from inspection.metrics import Metrics
from inspection.reasons import Reason
from inspection.server import SERVER_OPTIONS, tune_interpreter
from inspection.storage import access
from inspection.storage.db import (
    CONNECT_TIMEOUT_SECONDS,
    READ_WAIT_SECONDS,
    SQLITE_READERS,
    WRITE_WAIT_SECONDS,
)
from inspection.v1 import card_service_pb2 as pb

T = TypeVar("T")
SERVICE = "inspection.v1.CardService"
GET_CARD = f"/{SERVICE}/GetCard"
LIST_ENTRIES = f"/{SERVICE}/ListCardEntries"

log = structlog.get_logger("inspection.call")
MAX_LOGGED = 128


class _AsyncSQLiteDialect(SQLiteDialect_aiosqlite):
    """aiosqlite with the connection settings and transaction start of the service's pysqlite
    dialect (``inspection.storage.db``): driver autocommit, the same pragmas, ``BEGIN`` per read."""

    supports_statement_cache = True

    def on_connect(self) -> Callable[[Any], None]:
        driver_set_up = super().on_connect()

        def set_up(dbapi_connection: Any) -> None:
            if driver_set_up is not None:
                driver_set_up(dbapi_connection)
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            for pragma in (
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=FULL",
                f"PRAGMA busy_timeout={int(WRITE_WAIT_SECONDS * 1000)}",
                "PRAGMA foreign_keys=ON",
            ):
                cursor.execute(pragma)
            cursor.close()

        return set_up

    def do_begin(self, dbapi_connection: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("BEGIN")
        cursor.close()


registry.register("sqlite.inspection_aio", __name__, "_AsyncSQLiteDialect")


def async_engine(url: str, *, pool_size: int) -> AsyncEngine:
    """The read engine: as many connections as the thread-pool server's reader pool."""
    if url.startswith("sqlite"):
        return create_async_engine(
            make_url(url).set(drivername="sqlite+inspection_aio"),
            pool_size=min(pool_size, SQLITE_READERS),
            max_overflow=0,
            pool_timeout=READ_WAIT_SECONDS,
        )
    return create_async_engine(
        make_url(url).set(drivername="postgresql+psycopg"),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
    )


class AsyncCards:
    """The two card reads over one async engine; every read is one transaction, and its sync
    domain code runs on the async connection through ``run_sync`` (one greenlet per call)."""

    def __init__(self, engine: AsyncEngine, *, settings: Settings, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self.calendar = Calendar.from_settings(settings)

    async def read(self, work: Callable[[Connection], T]) -> T:
        async with self.engine.connect() as connection, connection.begin():
            return await connection.run_sync(work)

    async def get_card(self, request: pb.GetCardRequest, principal: Principal) -> pb.Card:
        # The body of inspection.api.card.CardServicer.GetCard; tests/test_aio_server.py compares.
        _require_uscc(request.uscc)
        year = self.calendar.year(self.clock.now())
        summary = await self.read(lambda c: summarize(c, request.uscc, year=year, calendar=self.calendar))
        return pb.Card(
            uscc=summary.uscc,
            enterprise_name=summary.enterprise_name,
            head=convert.card_head(summary.head),
            issue_time=convert.timestamp(summary.issue_time),
            inspections_this_year=[
                pb.DepartmentCount(department_code=code, inspections=count)
                for code, count in summary.inspections_this_year.items()
            ],
            open_inspections=summary.open_inspections,
            unpaid_fen=summary.unpaid_fen,
            fees_this_year=[
                pb.DepartmentFees(department_code=code, paid_fen=fen)
                for code, fen in summary.fees_this_year.items()
            ],
        )

    async def list_entries(
        self, request: pb.ListCardEntriesRequest, principal: Principal
    ) -> pb.ListCardEntriesResponse:
        # The body of inspection.api.card.CardServicer.ListCardEntries.
        _require_uscc(request.uscc)
        violations = Violations()
        kinds = [
            ENTRY_KINDS.from_proto(k, violations, f"kinds[{i}]", required=True)
            for i, k in enumerate(request.kinds)
        ]
        violations.raise_if_any()
        where = cards.EntryFilter(
            kinds=tuple(k.value for k in kinds if k is not None),
            department_code=request.department_code,
            start_time=convert.instant(
                request.start_time, request.HasField("start_time"), field="start_time"
            ),
            end_time=convert.instant(request.end_time, request.HasField("end_time"), field="end_time"),
        )

        def work(connection: Connection) -> pb.ListCardEntriesResponse:
            rows, token = cards.entries_page(
                connection, request.uscc, where=where, size=request.page_size, token=request.page_token
            )
            response = pb.ListCardEntriesResponse(next_page_token=token)
            add = response.entries.add
            withheld = cards.withheld_payloads(connection, principal, rows)
            for row in rows:
                convert.card_entry(row, add, withheld=row.seq in withheld)
            return response

        return await self.read(work)


def _require_uscc(uscc: str) -> None:
    if not uscc:
        raise InvalidArgument([FieldViolation("uscc", "is required")])


class AsyncAccessGate:
    """``AccessGate``'s judgement without a blocking read on the event loop: what it would read
    (revocations newer than the last seen, a department not seen yet) is read asynchronously just
    before it judges, and it is handed the rows from memory."""

    def __init__(self, engine: AsyncEngine, *, refresh_seconds: float) -> None:
        self._engine = engine
        self._refresh_seconds = refresh_seconds
        self._revocations: list[access.RevocationRow] = []
        self._departments: set[str] = set()
        self._loaded = float("-inf")
        self._lock = asyncio.Lock()
        self.gate = AccessGate(self._revocations_after, self._departments.__contains__, refresh_seconds=0)

    def _revocations_after(self, after_id: int) -> Iterable[access.RevocationRow]:
        return [row for row in self._revocations if row.id > after_id]

    async def check(self, verified: Verified) -> None:
        if time.monotonic() - self._loaded >= self._refresh_seconds:
            async with self._lock:
                if time.monotonic() - self._loaded >= self._refresh_seconds:
                    after = self._revocations[-1].id if self._revocations else 0
                    async with self._engine.connect() as connection:
                        rows = await connection.run_sync(lambda c: access.revocations_after(c, after))
                    self._revocations.extend(rows)
                    self._loaded = time.monotonic()
        principal = verified.principal
        if principal.role is Role.DEPARTMENT and principal.org not in self._departments:
            async with self._engine.connect() as connection:
                exists = await connection.run_sync(lambda c: access.department_exists(c, principal.org))
            if exists:
                self._departments.add(principal.org)
        self.gate.check(verified)


class AioCardServer:
    """What ``ServiceInterceptor`` does around a unary call, for the two methods, on the event loop."""

    def __init__(self, cards_: AsyncCards, *, settings: Settings, gate: AsyncAccessGate) -> None:
        key = settings.signing_key.get_secret_value()
        self._cards = cards_
        self._clock = cards_.clock
        self._tokens = TokenVerifier(key)
        self._gate = gate
        self._pages = PageTokenSeal(key)
        self._metrics = Metrics()

    def handler(self) -> grpc.GenericRpcHandler[Any, Any]:
        def unary(
            method: str,
            message: type[Message],
            behavior: Callable[[Any, Principal], Awaitable[Message]],
        ) -> grpc.RpcMethodHandler[Any, Any]:
            async def handle(raw: bytes, context: grpc.aio.ServicerContext[Any, Any]) -> bytes:
                return await self._call(method, message, behavior, raw, context)

            return grpc.unary_unary_rpc_method_handler(handle)  # bytes in, bytes out

        return grpc.method_handlers_generic_handler(
            SERVICE,
            {
                "GetCard": unary(GET_CARD, pb.GetCardRequest, self._cards.get_card),
                "ListCardEntries": unary(LIST_ENTRIES, pb.ListCardEntriesRequest, self._cards.list_entries),
            },
        )

    async def _call(
        self,
        method: str,
        message: type[Message],
        behavior: Callable[[Any, Principal], Awaitable[Message]],
        raw: bytes,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> bytes:
        started = time.perf_counter()
        code = grpc.StatusCode.OK
        self._metrics.in_flight.labels(method).inc()
        status: grpc.Status | None = None
        try:
            request, principal = await self._begin(method, message, raw, context)
            response = await behavior(request, principal)
            token = getattr(response, "next_page_token", "")
            if token:
                response.next_page_token = self._pages.seal(method, token)  # type: ignore[attr-defined]
            return response.SerializeToString()
        except DomainError as error:
            status = to_status(error)
            code = status.code
            structlog.contextvars.bind_contextvars(reason=error.reason)
        except Exception:
            code = grpc.StatusCode.INTERNAL
            log.exception("unexpected error")
            status = internal_status()
        finally:
            self._finished(method, code, started)
        await context.abort(status.code, status.details, status.trailing_metadata)
        raise AssertionError("abort raises")

    async def _begin(
        self, method: str, message: type[Message], raw: bytes, context: grpc.aio.ServicerContext[Any, Any]
    ) -> tuple[Any, Principal]:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(method=method)
        remaining = context.time_remaining()
        if (remaining is not None and remaining <= 0) or context.cancelled():
            self._metrics.refused.labels(method, "deadline").inc()
            raise DeadlineExceeded(
                "the call's deadline passed before it could start; it was not started",
                reason=Reason.DEADLINE_PASSED,
            )
        try:
            request = message.FromString(raw)
        except (DecodeError, ValueError, RuntimeError) as exc:
            kind = method.rsplit("/", 1)[-1] + "Request"
            raise InvalidArgument(
                [FieldViolation("request", f"the body is not a valid {kind} message")],
                reason=Reason.UNDECODABLE_REQUEST,
            ) from exc
        metadata = {k.lower(): v for k, v in (context.invocation_metadata() or ())}
        credential = await self._credential(metadata)
        principal = credential.principal if credential is not None else ANONYMOUS
        structlog.contextvars.bind_contextvars(principal=principal.sub or "-", role=principal.role.value)
        _authorize(method, principal, request)
        structlog.contextvars.bind_contextvars(
            request_id=getattr(request, "request_id", "")[:MAX_LOGGED],
            trace_id=str(metadata.get("x-request-id", ""))[:MAX_LOGGED],
        )
        violations = Violations()
        check_request(request, violations)
        violations.raise_if_any()
        if getattr(request, "page_token", ""):
            request.page_token = self._pages.open(method, request.page_token)  # type: ignore[attr-defined]
        return request, principal

    async def _credential(self, metadata: dict[str, Any]) -> Verified | None:
        header = metadata.get("authorization")
        if not header:
            return None
        scheme, _, token = str(header).partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("authorization must be 'Bearer <token>'", reason="TOKEN_INVALID")
        verified = self._tokens.verified(token.strip(), now=self._clock.now())
        await self._gate.check(verified)
        return verified

    def _finished(self, method: str, code: grpc.StatusCode, started: float) -> None:
        seconds = time.perf_counter() - started
        metrics = self._metrics
        metrics.in_flight.labels(method).dec()
        metrics.calls.labels(method, code.name).inc()
        metrics.latency.labels(method).observe(seconds)
        log.info("call", code=code.name, latency_ms=round(seconds * 1000, 3))


def _authorize(method: str, principal: Principal, request: Any) -> None:
    """``ServiceInterceptor._authorize``: the method's policy row, with the same refusals."""
    rule = rule_for(method)
    if rule is None:
        raise PermissionDenied(f"{method} has no authorization policy", reason="NO_POLICY")
    if principal.role not in rule.roles:
        if principal is ANONYMOUS:
            raise Unauthenticated("this method needs a bearer token", reason="TOKEN_MISSING")
        raise PermissionDenied(
            f"role {principal.role.value} may not call {method.rsplit('/', 1)[-1]}",
            reason="ROLE_NOT_ALLOWED",
        )
    if rule.scope is not None and not rule.scope(principal, request):
        raise PermissionDenied("outside the caller's scope", reason="OUT_OF_SCOPE")


async def _serve(settings: Settings, clock: Clock) -> None:
    engine = async_engine(settings.database_url, pool_size=settings.max_workers)
    gate = AsyncAccessGate(engine, refresh_seconds=settings.revocation_refresh_seconds)
    service = AioCardServer(AsyncCards(engine, settings=settings, clock=clock), settings=settings, gate=gate)
    server = grpc.aio.server(options=SERVER_OPTIONS, maximum_concurrent_rpcs=settings.max_concurrent_calls)
    server.add_generic_rpc_handlers((service.handler(),))
    port = server.add_insecure_port(settings.listen)
    await server.start()
    print(f"port={port} workers=1", flush=True)  # one event loop
    try:
        await asyncio.to_thread(sys.stdin.read)  # until the parent closes our stdin (or dies)
    finally:
        await server.stop(1.0)
        await engine.dispose()


def serve(settings: Settings, *, clock: Clock | None = None) -> int:
    """Serves until stdin closes (``python -m bench.serve aio DATABASE_URL``)."""
    tune_interpreter(settings)  # aiosqlite's connection threads share the interpreter lock too
    asyncio.run(_serve(settings, clock or SystemClock()))
    return 0


__all__ = ["AioCardServer", "AsyncCards", "async_engine", "serve"]
