"""Work the service does on its own, on a timer: expiring inspections whose window ended unused.

Every replica runs the sweep; each inspection is expired in its own transaction under its card lock
after re-reading its state, so replicas sweeping at once write each expiry exactly once. The same
sweep runs from ``inspection sweep`` (for a cron job, or with the timer turned off).
"""

from __future__ import annotations

import functools
import threading

import structlog

from inspection.clock import Clock
from inspection.domain import inspections as domain
from inspection.storage.db import Database

log = structlog.get_logger("inspection.sweeper")

#: Inspections expired per pass; a longer backlog is taken by the next passes.
BATCH = 200


def expire_lapsed(db: Database, rules: domain.Rules, clock: Clock, *, batch: int = BATCH) -> int:
    """One pass: expires inspections whose window ended unused; returns how many it expired."""
    now = clock.now()
    with db.read() as session:
        lapsed = domain.lapsed_inspections(session, rules, now=now, limit=batch)
    expired = 0
    for inspection_id in lapsed:
        if db.run_write(
            functools.partial(domain.expire_inspection, rules=rules, inspection_id=inspection_id, now=now)
        ):
            expired += 1
    if expired:
        log.info("expired", inspections=expired)
    return expired


class Sweeper:
    """Runs ``expire_lapsed`` every ``interval`` seconds in a daemon thread until stopped."""

    def __init__(self, db: Database, rules: domain.Rules, clock: Clock, *, interval: float) -> None:
        self._db, self._rules, self._clock, self._interval = db, rules, clock, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                expire_lapsed(self._db, self._rules, self._clock)
            except Exception:  # a database outage: log it and try again on the next pass
                log.exception("sweep failed")
