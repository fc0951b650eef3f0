"""Work the service does on its own, on a timer: expiring inspections whose window ended unused,
pruning request-id records past their retention, and raising oversight alerts (电子监察).

Every replica runs the sweep; each inspection is expired in its own transaction under its card lock
after re-reading its state, so replicas sweeping at once write each expiry exactly once. The same
sweep runs from ``inspection sweep`` (for a cron job, or with the timer turned off).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog

from inspection.clock import Clock
from inspection.domain import inspections as domain
from inspection.domain.oversight import alerts as oversight
from inspection.domain.oversight import sweep as detectors
from inspection.storage import idempotency
from inspection.storage import oversight as stored_oversight
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


def sweep_alerts(db: Database, rules: detectors.OversightRules, clock: Clock, *, limit: int = 2000) -> int:
    """One pass of oversight: finds every cause in stored data that has no alert yet and audits the
    next cards of the shared round, then raises each alert in its own transaction under the
    enterprise's card lock; returns how many it raised. Bounded: at most ``limit`` alerts a pass,
    the rest by the next."""
    now = clock.now()
    with db.read() as session:
        findings = detectors.find_causes(session, rules, now)
    usccs = db.run_write(functools.partial(detectors.next_audit_round, rules=rules, now=now))
    with db.read() as session:
        for uscc in usccs:
            findings += detectors.audit_enterprise(session, uscc, now)
    raised = _raise(db, findings[:limit], now)
    if raised:
        log.info("alerts raised", alerts=raised)
    return raised


@dataclass(frozen=True)
class AuditReport:
    cards: int
    broken: int
    diverging: int
    raised: int


def audit_cards(
    db: Database, rules: detectors.OversightRules, clock: Clock, *, batch: int = 200
) -> AuditReport:
    """Audits every card of the district (``inspection audit``): each finding is an alert, raised
    once however often the audit runs."""
    now = clock.now()
    after, cards, broken, diverging, raised = "", 0, 0, 0, 0
    while True:
        with db.read() as session:
            usccs = stored_oversight.enterprises_after(session, after, limit=batch)
            findings = [f for uscc in usccs for f in detectors.audit_enterprise(session, uscc, now)]
        if not usccs:
            return AuditReport(cards, broken, diverging, raised)
        cards += len(usccs)
        broken += sum(f.kind is oversight.AlertKind.CARD_BROKEN for f in findings)
        diverging += sum(f.kind is oversight.AlertKind.STATE_DIVERGES_FROM_CARD for f in findings)
        raised += _raise(db, findings, now)
        after = usccs[-1]


def _raise(db: Database, findings: list[oversight.Finding], now: dt.datetime) -> int:
    raised = 0
    for finding in findings:
        if db.run_write(functools.partial(oversight.raise_alert, finding=finding, now=now)) is not None:
            raised += 1
    return raised


class Sweeper:
    """Runs the expiry and pruning pass every ``interval`` seconds, and the oversight pass every
    ``alert_interval`` seconds (0: never), in a daemon thread until stopped."""

    def __init__(
        self,
        db: Database,
        rules: domain.Rules,
        clock: Clock,
        *,
        interval: float,
        retention_days: int = 30,
        alert_rules: detectors.OversightRules | None = None,
        alert_interval: float = 0.0,
    ) -> None:
        self._db, self._rules, self._clock, self._interval = db, rules, clock, interval
        self._retention_days = retention_days
        self._alert_rules, self._alert_interval = alert_rules, alert_interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        jobs: list[tuple[float, Callable[[], object]]] = []
        if self._interval > 0:
            jobs.append((self._interval, self._expire))
        if self._alert_rules is not None and self._alert_interval > 0:
            rules = self._alert_rules
            jobs.append((self._alert_interval, lambda: sweep_alerts(self._db, rules, self._clock)))
        if not jobs:
            return
        due = [time.monotonic() + interval for interval, _ in jobs]
        while not self._stop.wait(max(0.0, min(due) - time.monotonic())):
            for index, (interval, job) in enumerate(jobs):
                if time.monotonic() < due[index]:
                    continue
                due[index] = time.monotonic() + interval
                try:
                    job()
                except Exception:  # a database outage: log it and try again on the next pass
                    log.exception("sweep failed")

    def _expire(self) -> None:
        expire_lapsed(self._db, self._rules, self._clock)
        prune_idempotency_records(self._db, self._clock, retention_days=self._retention_days)
