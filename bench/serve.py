"""The server process of the benchmark: ``python -m bench.serve {service,baseline,aio} DATABASE_URL``.

It builds the server (the real one through ``inspection.server.build``, the bare baseline with the
same thread pool and options, or the ``grpc.aio`` prototype of ``bench.aio_server``), prints
``port=N workers=M`` on stdout and serves until its stdin closes, so it never outlives the
benchmark that started it. The signing key comes from ``INSPECTION_SIGNING_KEY``."""

from __future__ import annotations

import argparse
import os
import select
import subprocess
import sys
from concurrent import futures
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import grpc

from inspection.config import Settings
from inspection.logging import configure_logging
from inspection.server import SERVER_OPTIONS, build, tune_interpreter
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import card_service_pb2_grpc as card_grpc
from inspection.v1 import common_pb2

ROOT = Path(__file__).resolve().parent.parent

#: What the baseline answers to every GetCard: a card of the size the real service returns.
BASELINE_CARD = card_pb.Card(
    uscc="91110000MA00000010",
    enterprise_name="基准测试有限公司",
    head=common_pb2.CardHead(seq=60, entry_hash="0" * 64),
)


class TrivialCardService(card_grpc.CardServiceServicer):
    """The baseline's only handler: no interceptor, no database, a constant answer."""

    def GetCard(self, request: Any, context: grpc.ServicerContext) -> Any:
        return BASELINE_CARD

    def ListCardEntries(self, request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "the baseline answers GetCard only")

    def VerifyCard(self, request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "the baseline answers GetCard only")

    def WatchCard(self, request: Any, context: grpc.ServicerContext) -> Any:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "the baseline answers GetCard only")


def settings_for(database_url: str) -> Settings:
    """The service's settings from the environment, bound to a free loopback port and ``database_url``."""
    return Settings(
        listen="127.0.0.1:0",
        database_url=database_url,
        migrate_on_start=False,
        _env_file=None,
    )


def _baseline(settings: Settings) -> tuple[grpc.Server, int]:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=settings.max_workers, thread_name_prefix="rpc"),
        options=SERVER_OPTIONS,
    )
    card_grpc.add_CardServiceServicer_to_server(TrivialCardService(), server)
    port = server.add_insecure_port(settings.listen)
    return server, port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serve", description=__doc__)
    parser.add_argument("kind", choices=("service", "baseline", "processes", "aio"))
    parser.add_argument("database_url")
    args = parser.parse_args(argv)
    settings = settings_for(args.database_url)
    configure_logging(json=True, level=settings.log_level)
    if args.kind == "processes":
        return _serve_processes(settings)
    running = None
    if args.kind == "aio":
        from bench.aio_server import serve  # only this kind needs the async drivers

        return serve(settings)
    if args.kind == "baseline":
        tune_interpreter(settings)  # as the service's server does, so the two compare fairly
        server, port = _baseline(settings)
    else:
        running = build(settings)
        server, port = running.server, running.port
    server.start()
    print(f"port={port} workers={settings.max_workers}", flush=True)
    sys.stdin.read()  # until the parent closes our stdin (or dies)
    if running is not None:
        running.stop(1.0)
    else:
        server.stop(1.0).wait()
    return 0


def _serve_processes(settings: Settings, processes: int = 2) -> int:
    """The service as ``--processes 2`` on a free port: ready once a call answers."""
    import socket
    import threading

    from grpc_health.v1 import health_pb2, health_pb2_grpc

    from inspection.server import serve_processes

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = settings.model_copy(update={"listen": f"127.0.0.1:{port}", "processes": processes})
    stop = threading.Event()

    def announce_then_wait() -> None:
        with grpc.insecure_channel(settings.listen) as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        print(f"port={port} workers={settings.max_workers * processes}", flush=True)
        sys.stdin.read()  # until the parent closes our stdin (or dies)
        stop.set()

    threading.Thread(target=announce_then_wait, daemon=True).start()
    serve_processes(settings, stop=stop)
    return 0


class ServerProcess:
    """The parent's handle on one server process; stopping it closes the child's stdin."""

    def __init__(self, kind: str, database_url: str, *, signing_key: str, log_path: Path) -> None:
        env = {k: v for k, v in os.environ.items() if k != "INSPECTION_SIGNING_KEY_FILE"}
        env["INSPECTION_SIGNING_KEY"] = signing_key
        # The oversight sweep is measured on its own (bench/oversight.py), not inside the call figures.
        env.setdefault("INSPECTION_ALERT_SWEEP_SECONDS", "0")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
        self._log: IO[bytes] = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.serve", kind, database_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            cwd=ROOT,
        )
        try:
            self.port = self._read_port(timeout=30)
        except BaseException:
            self.stop()
            raise
        self.target = f"127.0.0.1:{self.port}"

    def _read_port(self, *, timeout: float) -> int:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline().decode() if ready else ""
        if not line.startswith("port="):
            raise RuntimeError(f"the server process did not start (see {self._log.name})")
        facts = dict(item.split("=", 1) for item in line.split())
        self.workers = int(facts["workers"])
        return int(facts["port"])

    def stop(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


if __name__ == "__main__":
    raise SystemExit(main())
