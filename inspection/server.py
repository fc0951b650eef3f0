"""Server wiring: ``create_server`` builds a ready-to-start server; ``serve`` runs it until SIGTERM."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import MutableMapping
from concurrent import futures
from types import FrameType
from typing import Any

import grpc
import structlog
from grpc_health.v1 import health, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from inspection.api.capacity import Capacity
from inspection.api.interceptor import ServiceInterceptor
from inspection.api.services import SERVICES
from inspection.auth import AccessGate, TokenVerifier
from inspection.clock import Clock, SystemClock
from inspection.config import Settings
from inspection.domain.inspections import Rules
from inspection.domain.oversight.sweep import OversightRules
from inspection.metrics import Metrics
from inspection.readiness import Readiness
from inspection.storage import access
from inspection.storage.db import Database
from inspection.storage.migrate import upgrade
from inspection.sweeper import Sweeper

log = structlog.get_logger("inspection.server")

#: The largest request the server takes: a CSV of 100,000 enterprises is about 9 MB, and the clients
#: send larger files in parts. A larger body is refused by gRPC before any of it is parsed, so a
#: huge hostile request costs the server nothing but reading it.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
#: The largest answer (pages and import reports are bounded far below it).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
SERVER_OPTIONS = [
    ("grpc.max_receive_message_length", MAX_REQUEST_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.so_reuseport", 0),
]

SERVICE_NAMES = tuple(service.name for service in SERVICES)


class ServeError(Exception):
    """The server cannot start as configured; the message names the setting, never a secret."""


class Running:
    """A built server with what it owns, so it can be stopped cleanly."""

    def __init__(
        self,
        server: grpc.Server,
        port: int,
        db: Database,
        health: health.HealthServicer,
        sweeper: Sweeper | None = None,
        *,
        readiness: Readiness,
        metrics: Metrics,
        settings: Settings,
        health_server: grpc.Server | None = None,
        health_port: int = 0,
    ) -> None:
        self.server = server
        self.port = port
        self.db = db
        self.health = health
        self.sweeper = sweeper
        self.readiness = readiness
        self.metrics = metrics
        self.settings = settings
        self.health_server = health_server
        self.health_port = health_port
        self.metrics_port = 0

    def start(self) -> None:
        """Starts serving, with the database probe, the sweep and the metrics port if configured."""
        self.server.start()
        if self.health_server is not None:
            self.health_server.start()
        self.readiness.start()
        if self.sweeper is not None:
            self.sweeper.start()
        if self.settings.metrics_listen:
            try:
                self.metrics_port = self.metrics.serve(self.settings.metrics_listen)
            except (OSError, ValueError) as exc:
                self.stop(grace=None)
                raise ServeError(f"could not serve metrics on INSPECTION_METRICS_LISTEN: {exc}") from exc

    def stop(self, grace: float | None) -> None:
        self.readiness.stop()
        self.health.enter_graceful_shutdown()
        if self.sweeper is not None:
            self.sweeper.stop()
        self.metrics.stop()
        self.server.stop(grace).wait()
        if self.health_server is not None:
            self.health_server.stop(None).wait()
        self.db.dispose()


def tune_interpreter(settings: Settings) -> None:
    """Process-wide: how long a thread holds the interpreter lock before another gets a turn."""
    sys.setswitchinterval(settings.gil_switch_interval_ms / 1000)


def build(
    settings: Settings, *, clock: Clock | None = None, db: Database | None = None, reuse_port: bool = False
) -> Running:
    """The server of ``settings``, bound, not yet started; ``reuse_port`` lets other processes of a
    ``--processes N`` server bind the same port (and nobody else, by accident, otherwise)."""
    clock = clock or SystemClock()
    options = [
        (name, int(reuse_port) if name == "grpc.so_reuseport" else value) for name, value in SERVER_OPTIONS
    ]
    tune_interpreter(settings)
    db = db or Database(settings.database_url, pool_size=settings.max_workers)
    health_servicer = health.HealthServicer()
    readiness = Readiness(db, health_servicer, SERVICE_NAMES, interval=settings.health_probe_seconds)
    metrics = Metrics()
    interceptor = ServiceInterceptor(
        signing_key=settings.signing_key.get_secret_value(),
        clock=clock,
        tokens=_token_verifier(settings, db),
        capacity=Capacity(settings.max_expensive_calls),
        metrics=metrics,
        on_unavailable=readiness.trip,
    )
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.max_workers, thread_name_prefix="rpc"),
        interceptors=[interceptor],
        options=options,
        maximum_concurrent_rpcs=settings.max_concurrent_calls,
    )
    for service in SERVICES:
        service.add_to_server(service.servicer(db=db, clock=clock, settings=settings), server)
    _database_gauges(metrics, db)

    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (*SERVICE_NAMES, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )

    try:
        if settings.tls_cert_file and settings.tls_key_file:
            credentials = grpc.ssl_server_credentials(
                [(settings.tls_key_file.read_bytes(), settings.tls_cert_file.read_bytes())]
            )
            port = server.add_secure_port(settings.listen, credentials)
        else:
            port = server.add_insecure_port(settings.listen)
    except (OSError, RuntimeError) as exc:
        tls = " with INSPECTION_TLS_CERT_FILE and INSPECTION_TLS_KEY_FILE" if settings.tls_cert_file else ""
        raise ServeError(
            f"could not listen on {settings.listen}{tls}: the address is in use or not this machine's"
            + (", or the certificate and key are not a PEM certificate and its private key" if tls else "")
        ) from exc
    if port == 0:
        raise ServeError(f"could not listen on {settings.listen}")
    health_server, health_port = None, 0
    if settings.health_listen:
        # Health answered from threads of its own, whatever the main pool is doing.
        health_server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="health"), options=options
        )
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, health_server)
        try:
            health_port = health_server.add_insecure_port(settings.health_listen)
        except RuntimeError as exc:
            raise ServeError(
                f"could not listen on {settings.health_listen} (INSPECTION_HEALTH_LISTEN)"
            ) from exc
    sweeper = None
    if settings.expiry_sweep_seconds > 0 or settings.alert_sweep_seconds > 0:
        sweeper = Sweeper(
            db,
            Rules.from_settings(settings),
            clock,
            interval=settings.expiry_sweep_seconds,
            retention_days=settings.idempotency_retention_days,
            alert_rules=OversightRules.from_settings(settings),
            alert_interval=settings.alert_sweep_seconds,
        )
    return Running(
        server,
        port,
        db,
        health_servicer,
        sweeper,
        readiness=readiness,
        metrics=metrics,
        settings=settings,
        health_server=health_server,
        health_port=health_port,
    )


def _token_verifier(settings: Settings, db: Database) -> TokenVerifier:
    """Tokens checked for revocation and for naming a known department, from the database."""

    def revocations(after_id: int) -> list[access.RevocationRow]:
        with db.read_rows() as connection:
            return access.revocations_after(connection, after_id)

    def department_exists(code: str) -> bool:
        with db.read_rows() as connection:
            return access.department_exists(connection, code)

    gate = AccessGate(revocations, department_exists, refresh_seconds=settings.revocation_refresh_seconds)
    return TokenVerifier(settings.signing_key.get_secret_value(), gate=gate)


def _database_gauges(metrics: Metrics, db: Database) -> None:
    """Connections in use and idle in the database pools, read when scraped."""
    engines = {"writer": db.writer} if db.reader is db.writer else {"writer": db.writer, "reader": db.reader}
    for role, engine in engines.items():
        pool: Any = engine.pool
        metrics.gauge(
            f"inspection_db_{role}_connections_in_use",
            f"{role.capitalize()} connections checked out of the pool.",
            pool.checkedout,
        )
        metrics.gauge(f"inspection_db_{role}_pool_size", f"The {role} pool's size.", pool.size)


def create_server(
    settings: Settings, *, clock: Clock | None = None, db: Database | None = None
) -> tuple[grpc.Server, int]:
    """A server bound to ``settings.listen`` (port 0 picks a free one), not yet started."""
    running = build(settings, clock=clock, db=db)
    return running.server, running.port


def serve(settings: Settings, *, reuse_port: bool = False, process_index: int | None = None) -> None:
    """Migrates, serves, and shuts down gracefully on SIGTERM or SIGINT; with ``processes`` above 1,
    starts that many server processes on the one port and supervises them."""
    if settings.processes > 1 and process_index is None:
        serve_processes(settings)
        return
    received: list[int] = []

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        # Only note the signal. A handler that logs, or sets a threading.Event, can run while the
        # main thread holds the very lock it needs (the logger's, the Event's), and a second signal
        # in quick succession would then deadlock the process. Appending to a list takes no lock.
        received.append(signum)

    # Installed before anything starts, so an early signal is never Python's default (a
    # KeyboardInterrupt in the middle of start-up, with the server's threads left running).
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    if settings.migrate_on_start:
        upgrade(settings.database_url)
    running = build(settings, reuse_port=reuse_port)
    running.start()
    log.info(
        "serving",
        listen=settings.listen,
        port=running.port,
        database=_redacted(settings.database_url),
        pid=os.getpid(),
        **({} if process_index is None else {"process": process_index}),
    )
    while not received:
        time.sleep(0.2)  # interrupted by a signal at once; its handler runs before the check
    log.info(
        "stopping", signal=signal.Signals(received[0]).name, grace_seconds=settings.shutdown_grace_seconds
    )
    running.stop(settings.shutdown_grace_seconds)
    log.info("stopped")


def _redacted(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.split("@", 1)[1]
    return scheme + sep + rest


# --- several processes on one port ----------------------------------------------------------------


def _child_settings(settings: Settings, index: int) -> dict[str, Any]:
    """What process ``index`` of a multi-process server changes: no migration (the parent ran it);
    health, metrics and the timers in the first process only."""
    changes: dict[str, Any] = {"migrate_on_start": False, "processes": 1}
    if index > 0:
        changes.update(health_listen="", metrics_listen="", expiry_sweep_seconds=0, alert_sweep_seconds=0)
    return changes


def _serve_child(values: dict[str, Any], index: int) -> None:
    from inspection.logging import configure_logging

    settings = Settings.model_validate(values)
    configure_logging(json=settings.log_json, level=settings.log_level)

    def _name_the_process(
        _logger: Any, _method: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        event.setdefault("process", index)
        return event

    # Every line of this process says which one it is (the call lines included).
    structlog.configure(processors=[_name_the_process, *structlog.get_config()["processors"]])
    try:
        serve(settings, reuse_port=True, process_index=index)
    except ServeError as exc:
        log.error("cannot serve", process=index, error=str(exc))
        raise SystemExit(2) from None


def serve_processes(settings: Settings, *, stop: threading.Event | None = None) -> None:
    """Runs ``settings.processes`` server processes bound to one port with SO_REUSEPORT (the kernel
    spreads new connections over them), each with its own thread pool, interpreter lock and
    database pool. Stops them all on SIGTERM or SIGINT (or when ``stop`` is set), and all of them
    if one exits on its own — a half-running server is not left serving. Returns when all stopped."""
    port = settings.listen.rpartition(":")[2]
    if not port.isdigit() or int(port) == 0:
        raise ServeError(
            f"INSPECTION_PROCESSES={settings.processes} needs a fixed port in INSPECTION_LISTEN "
            f"(not {settings.listen}): every process binds the same one"
        )
    if settings.migrate_on_start:
        upgrade(settings.database_url)
    received: list[int] = []
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda signum, _frame: received.append(signum))
    context = multiprocessing.get_context("spawn")  # nothing of this process's gRPC state is copied
    base = settings.model_dump()
    children = [
        context.Process(
            target=_serve_child, args=({**base, **_child_settings(settings, n)}, n), name=f"serve-{n}"
        )
        for n in range(settings.processes)
    ]
    for child in children:
        child.start()
    log.info("serving", listen=settings.listen, processes=settings.processes, pids=[c.pid for c in children])
    exited = None
    while not received and not (stop is not None and stop.is_set()):
        exited = next((c for c in children if not c.is_alive()), None)
        if exited is not None:
            log.error(
                "a server process exited; stopping the others", process=exited.name, code=exited.exitcode
            )
            break
        time.sleep(0.2)
    for child in children:
        if child.is_alive() and child.pid is not None:
            os.kill(child.pid, signal.SIGTERM)
    for child in children:
        child.join(timeout=settings.shutdown_grace_seconds + 5)
        if child.is_alive():
            child.kill()
            child.join()
    log.info("stopped", processes=settings.processes)
    if exited is not None:
        raise ServeError(f"server process {exited.name} exited with code {exited.exitcode}")
