"""The figures of one run: the table on the terminal and the same numbers as JSON."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.load import LoadResult


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Figure:
    """One measured figure: a request rate under load, or the time of one call."""

    backend: str
    section: str
    #: A stable identifier (``read.get_card``); ``name`` is the label in the table.
    key: str
    name: str
    rpc: str
    #: What ``rate`` counts per second: requests, entries or rows.
    unit: str
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    seconds: float
    errors: dict[str, int] = field(default_factory=dict)
    ratio_to_baseline: float | None = None
    note: str = ""

    @classmethod
    def from_load(
        cls,
        result: LoadResult,
        *,
        backend: str,
        section: str,
        name: str,
        rpc: str,
        per_request: int = 1,
        unit: str = "req",
    ) -> Figure:
        return cls(
            backend=backend,
            section=section,
            key=result.name,
            name=name,
            rpc=rpc,
            unit=unit,
            rate=result.rate * per_request,
            p50_ms=percentile(result.latencies, 0.50) * 1000,
            p99_ms=percentile(result.latencies, 0.99) * 1000,
            requests=result.ok,
            seconds=result.seconds,
            errors=result.errors,
        )


@dataclass
class Goal:
    """A goal of the issue, as a figure and a threshold; reported, never asserted."""

    backend: str
    description: str
    value: float
    target: float
    #: ``"min"``: the value must reach the target; ``"max"``: it must stay at or under it.
    kind: str

    @property
    def met(self) -> bool:
        return self.value >= self.target if self.kind == "min" else self.value <= self.target


@dataclass
class Report:
    size: str
    started: dt.datetime
    machine: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def figure(self, backend: str, key: str) -> Figure:
        for f in self.figures:
            if f.backend == backend and f.key == key:
                return f
        raise KeyError(f"{backend}/{key}")

    def as_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "started": self.started.isoformat(),
            "seconds": round(self.seconds, 1),
            "machine": self.machine,
            "figures": [asdict(f) for f in self.figures],
            "goals": [{**asdict(g), "met": g.met} for g in self.goals],
            "checks": self.checks,
            "skipped": self.skipped,
            "failures": self.failures,
        }

    def write(self, directory: Path) -> Path:
        """Writes ``bench-<timestamp>.json`` and ``latest.json``; returns the timestamped path."""
        directory.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n"
        path = directory / f"bench-{self.started.strftime('%Y%m%dT%H%M%SZ')}-{self.size}.json"
        path.write_text(text, encoding="utf-8")
        (directory / "latest.json").write_text(text, encoding="utf-8")
        return path

    def print(self, console: Console) -> None:
        table = Table(title=f"make bench ({self.size}) — {self.machine.get('cpus')} cores", show_lines=False)
        for header, justify in (
            ("backend", "left"),
            ("figure", "left"),
            ("rate /s", "right"),
            ("p50", "right"),
            ("p99", "right"),
            ("× baseline", "right"),
            ("note", "left"),
        ):
            table.add_column(header, justify=justify)  # type: ignore[arg-type]
        section = None
        for f in self.figures:
            if section is not None and f.section != section:
                table.add_section()
            section = f.section
            ratio = "" if f.ratio_to_baseline is None else f"{f.ratio_to_baseline:.2f}"
            notes = [f.note] if f.note else []
            if f.errors:
                notes.append("errors: " + ", ".join(f"{k}×{v}" for k, v in f.errors.items()))
            note = "; ".join(notes)
            table.add_row(
                f.backend, f.name, f"{f.rate:,.0f} {f.unit}", _ms(f.p50_ms), _ms(f.p99_ms), ratio, note
            )
        console.print(table)
        if self.goals:
            goals = Table(title="goals (figures, not assertions)")
            for header in ("backend", "goal", "value", "target", "met"):
                goals.add_column(header)
            for g in self.goals:
                goals.add_row(
                    g.backend,
                    g.description,
                    f"{g.value:.2f}",
                    ("≥ " if g.kind == "min" else "≤ ") + f"{g.target:g}",
                    "[green]yes[/]" if g.met else "[red]no[/]",
                )
            console.print(goals)
        for line in self.checks:
            console.print(f"check: {line}")
        for line in self.skipped:
            console.print(f"skipped: {line}")
        for line in self.failures:
            console.print(f"[red]check failed:[/] {line}")
        machine = self.machine
        console.print(
            f"total {self.seconds:.1f} s; load average {machine.get('load_average_at_start')} at the start, "
            f"{machine.get('load_average_at_end')} at the end ({machine.get('cpus')} cores)"
        )


def _ms(value: float) -> str:
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.2f} ms"
