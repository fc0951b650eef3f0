"""Work the service does on its own, on a timer: expiring inspections whose window ended unused,
and pruning request-id records past their retention.

Every replica runs the sweep; each inspection is expired in its own transaction under its card lock
after re-reading its state, so replicas sweeping at once write each expiry exactly once. The same
sweep runs from ``inspection sweep`` (for a cron job, or with the timer turned off).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading

import structlog

from inspection.clock import Clock
from inspection.domain import inspections as domain
from inspection.storage import idempotency
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


def prune_idempotency_records(db: Database, clock: Clock, *, retention_days: int, batch: int = 1000) -> int:
    """One pass: deletes request-id records older than the retention, a batch per transaction."""
    older_than = clock.now() - dt.timedelta(days=retention_days)
    pruned = 0
    for _ in range(100):  # bounded per pass; a larger backlog is taken by the next passes
        went = db.run_write(functools.partial(idempotency.prune, older_than=older_than, limit=batch))
        pruned += went
        if went < batch:
            break
    if pruned:
        log.info("pruned idempotency records", records=pruned)
    return pruned


class Sweeper:
    """Runs ``expire_lapsed`` every ``interval`` seconds in a daemon thread until stopped."""

    def __init__(
        self, db: Database, rules: domain.Rules, clock: Clock, *, interval: float, retention_days: int = 30
    ) -> None:
        self._db, self._rules, self._clock, self._interval = db, rules, clock, interval
        self._retention_days = retention_days
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
                prune_idempotency_records(self._db, self._clock, retention_days=self._retention_days)
            except Exception:  # a database outage: log it and try again on the next pass
                log.exception("sweep failed")
