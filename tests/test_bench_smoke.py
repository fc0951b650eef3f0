"""``make bench`` at its tiny size, so the benchmark cannot rot: every figure is produced, non-zero,
and written as JSON (PostgreSQL too when ``INSPECTION_TEST_POSTGRES_URL`` is set)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from rich.console import Console

from bench.run import main

FIGURES = {
    "read.get_card",
    "read.list_entries",
    "write.spread",
    "write.hot",
    "write.request_inspection",
    "write.decide_inspection",
    "scale.first_small",
    "scale.deep_small",
    "scale.first_large",
    "scale.deep_large",
    "verify.medium",
    "verify.large",
    "import",
    "joint.slots",
    "joint.book",
    "fee.assess",
    "fee.pay",
    "statistics.department_year",
    "statistics.department_month",
    "statistics.district_year",
    "statistics.dashboard",
    "statistics.burden",
    "overload.verify.get_card",
    "overload.verify.health",
    "overload.code.get_card",
    "overload.code.health",
    "draw.freeze",
    "draw.execute",
    "draw.verify",
    "draw.download",
    "draw.script",
    "serving.aio.get_card",
    "serving.aio.list_entries",
}


def test_tiny_bench_produces_every_figure(tmp_path: Path) -> None:
    postgres = bool(os.environ.get("INSPECTION_TEST_POSTGRES_URL"))
    argv = ["--size", "tiny", "--out", str(tmp_path), "--postgres" if postgres else "--no-postgres"]
    with (tmp_path / "table.txt").open("w", encoding="utf-8") as table:
        assert main(argv, console=Console(file=table, width=150)) == 0

    latest = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert list(tmp_path.glob("bench-*-tiny.json")), "no timestamped copy of the figures"
    assert latest["failures"] == []
    figures = {(f["backend"], f["key"]): f for f in latest["figures"]}
    assert figures[("grpc", "baseline")]["rate"] > 0
    backends = ["sqlite", "postgresql"] if postgres else ["sqlite"]
    for backend in backends:
        for key in FIGURES:
            figure = figures[(backend, key)]
            assert figure["rate"] > 0, (backend, key)
            assert figure["requests"] > 0, (backend, key)
            assert figure["p50_ms"] > 0, (backend, key)
            assert not figure["errors"], (backend, key, figure["errors"])
        assert figures[(backend, "read.get_card")]["ratio_to_baseline"] > 0
        assert "VerifyCard ok" in figures[(backend, "write.hot")]["note"]
        assert "VerifyCard ok" in figures[(backend, "joint.book")]["note"]
    assert {g["backend"] for g in latest["goals"]} == set(backends)
    assert "make bench (tiny)" in (tmp_path / "table.txt").read_text(encoding="utf-8")
