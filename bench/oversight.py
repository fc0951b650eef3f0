"""The oversight sweep's figures (电子监察) over the statistics' 100,000 inspections: the first pass
(the seeded year's backlog, at most 500 causes per detector), every pass until none raises
anything, and then a pass that finds nothing new — what each replica runs every
``alert_sweep_seconds``, and so what bounds how soon an alert follows its cause."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import func, select

from bench.report import Figure
from inspection.clock import SystemClock
from inspection.config import Settings
from inspection.domain.oversight.sweep import OversightRules
from inspection.storage.db import Database
from inspection.storage.oversight_models import Alert

#: Passes taken to clear the seeded backlog before the quiet pass is timed.
MAX_PASSES = 200


def _alerts(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(Alert)).scalar_one())


def measure_oversight(bench: Any, backend: str, db: Database) -> None:
    from inspection.sweeper import sweep_alerts

    settings = Settings(signing_key=bench.signing_key, _env_file=None)
    rules = OversightRules.from_settings(settings)
    inspections = bench.sizes.statistics_inspections
    before = _alerts(db)

    def one_pass() -> tuple[int, float]:
        started = time.perf_counter()
        raised = sweep_alerts(db, rules, SystemClock())
        return raised, time.perf_counter() - started

    raised, first = one_pass()
    passes, backlog, backlog_seconds = 1, raised, first
    while raised and passes < MAX_PASSES:  # the seeded year's backlog, a pass's limit at a time
        raised, seconds = one_pass()
        passes, backlog, backlog_seconds = passes + 1, backlog + raised, backlog_seconds + seconds
    _, quiet = one_pass()
    for key, name, seconds, note in (
        (
            "oversight.first_pass",
            "first pass",
            first,
            "the backlog's first alerts (at most 500 per detector)",
        ),
        (
            "oversight.backlog",
            "every pass until none raises",
            backlog_seconds,
            f"{backlog:,} alerts in {passes} passes, each alert in its own transaction with its card entry",
        ),
        ("oversight.quiet_pass", "a pass with nothing new", quiet, "every detector and 200 cards audited"),
    ):
        bench.add(
            Figure(
                backend=backend,
                section="oversight",
                key=key,
                name=f"oversight sweep, {name} ({inspections:,} inspections)",
                rpc="(sweep)",
                unit="pass",
                rate=1 / seconds if seconds else 0.0,
                p50_ms=seconds * 1000,
                p99_ms=seconds * 1000,
                requests=1,
                seconds=seconds,
                note=note,
            ),
            ratio=False,
        )
    after = _alerts(db)
    bench.report.checks.append(
        f"{backend}: the oversight sweep raised {after - before:,} alerts; a further pass raised none"
    )
