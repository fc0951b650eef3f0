"""The health status follows the database: ``NOT_SERVING`` while it cannot be reached, ``SERVING``
again when it answers — without a restart.

A probe (``SELECT 1`` through the reader pool) runs every ``health_probe_seconds`` on its own
thread; a call that finds the database unreachable trips the status at once, and the next probe
that succeeds restores it. A load balancer that checks the health service stops routing to a
replica that cannot serve, and the client's retries of ``UNAVAILABLE`` find a replica that can.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import structlog
from grpc_health.v1 import health, health_pb2
from sqlalchemy import text

from inspection.storage.db import Database

log = structlog.get_logger("inspection.readiness")


class Readiness:
    def __init__(
        self, db: Database, servicer: health.HealthServicer, names: Iterable[str], *, interval: float
    ) -> None:
        self._db = db
        self._servicer = servicer
        self._names = (*names, "")
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.serving = True
        self._set(serving=True)

    def _set(self, *, serving: bool) -> None:
        response = health_pb2.HealthCheckResponse
        status = response.SERVING if serving else response.NOT_SERVING
        for name in self._names:
            self._servicer.set(name, status)

    def _change(self, serving: bool) -> None:
        with self._lock:
            if self.serving == serving or self._stop.is_set():
                return
            self.serving = serving
            self._set(serving=serving)
        log.warning("database reachable again" if serving else "database unreachable; health is NOT_SERVING")

    def trip(self) -> None:
        """A call found the database unreachable."""
        self._change(False)

    def probe(self) -> bool:
        """Asks the database once and sets the status from its answer."""
        try:
            with self._db.reader.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any failure to answer is "unreachable"; the next probe asks again
            self._change(False)
            return False
        self._change(True)
        return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="readiness", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.probe()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._interval + 5)
