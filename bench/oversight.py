"""The oversight sweep's figures (电子监察): one pass of every detector and the card audit over the
statistics' 100,000 inspections — the first pass, which raises the backlog's alerts (at most its
limit), and a pass that finds nothing new. Each replica runs a pass every
``alert_sweep_seconds``; these times bound how soon an alert follows its cause."""

from __future__ import annotations

import time
from typing import Any

from bench.report import Figure
from inspection.clock import SystemClock
from inspection.config import Settings
from inspection.domain.oversight.sweep import OversightRules
from inspection.storage.db import Database
from inspection.storage.oversight_models import Alert


def _alerts(db: Database) -> int:
    from sqlalchemy import func, select

    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(Alert)).scalar_one())


def measure_oversight(bench: Any, backend: str, db: Database) -> None:
    from inspection.sweeper import sweep_alerts

    settings = Settings(signing_key=bench.signing_key, _env_file=None)
    rules = OversightRules.from_settings(settings)
    inspections = bench.sizes.statistics_inspections
    before = _alerts(db)
    for key, name in (
        ("oversight.first_pass", "first pass"),
        ("oversight.quiet_pass", "a pass with nothing new"),
    ):
        started = time.perf_counter()
        raised = sweep_alerts(db, rules, SystemClock())
        seconds = time.perf_counter() - started
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
                note=f"{raised:,} alerts raised, each in its own transaction with its card entry",
            ),
            ratio=False,
        )
    after = _alerts(db)
    bench.report.checks.append(
        f"{backend}: the oversight sweep raised {after - before:,} alerts in two passes"
    )
