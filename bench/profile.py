"""Where a figure's time goes: ``make bench`` with ``--profile KEY`` samples the server process with
py-spy while that figure's load runs, and sums the samples by where the innermost frame was — the
database driver, SQLAlchemy, gRPC, protobuf, token checks, logging, the service's own code.

Sampling at 100 Hz the thread that holds the interpreter lock (``--gil``), without stopping the
process (``--nonblocking``): the shares say where the interpreter's time goes — the one resource
every call of one process shares. Time a thread spends waiting for the database without the lock
is not in them; statements per call (bench/statements.py) count those round trips. The figure
itself is measured as usual but a little slower: keep profiled runs apart from reported figures.
The raw stacks are written beside the JSON (``profile-BACKEND-KEY.txt``) for any flame-graph
tool; the summary goes into the run's checks and to the console.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Where a frame belongs, by its file path; the first rule that matches wins.
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("database driver", ("sqlite3", "/psycopg/", "psycopg_binary", "psycopg_c")),
    ("SQLAlchemy", ("/sqlalchemy/", "/sqlmodel/")),
    ("gRPC", ("/grpc/", "grpc/_cython", "concurrent/futures")),
    ("protobuf", ("/google/protobuf/", "/google/rpc/")),
    ("tokens (JWT, HMAC)", ("/jwt/", "inspection/auth.py", "hmac.py", "hashlib")),
    ("logging", ("/structlog/", "inspection/logging.py", "/logging/")),
    ("service: API layer", ("inspection/api/",)),
    ("service: domain", ("inspection/domain/",)),
    ("service: storage", ("inspection/storage/",)),
    ("service: other", ("inspection/",)),
    ("threads, locks, queues", ("threading.py", "queue.py")),
)


def category(frame: str) -> str:
    for name, marks in CATEGORIES:
        if any(mark in frame for mark in marks):
            return name
    return ""


def summarize(raw: str, *, top: int = 12) -> tuple[dict[str, float], list[tuple[str, float]]]:
    """Shares of samples by the category of their innermost categorised frame, and the hottest
    innermost frames, from py-spy's raw (collapsed-stack) output."""
    by_category: Counter[str] = Counter()
    by_frame: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        by_frame[frames[-1]] += count
        found = next((c for c in map(category, reversed(frames)) if c), "other (interpreter, C)")
        by_category[found] += count
    if not total:
        return {}, []
    shares = {name: n / total for name, n in by_category.most_common()}
    hottest = [(frame, n / total) for frame, n in by_frame.most_common(top)]
    return shares, hottest


def report_text(key: str, backend: str, shares: dict[str, float], hottest: list[tuple[str, float]]) -> str:
    lines = [f"profile of {key} on {backend} (share of the interpreter lock's samples in the server):"]
    lines += [f"  {share:6.1%}  {name}" for name, share in shares.items()]
    lines.append("  hottest innermost frames:")
    lines += [f"  {share:6.1%}  {frame}" for frame, share in hottest]
    return "\n".join(lines)


class ProfilingLoad:
    """The load generator, with py-spy recording the server while the named figures run."""

    def __init__(
        self, load: Any, keys: frozenset[str], out: Path, server: Callable[[], tuple[str, int]]
    ) -> None:
        self._load, self._keys, self._out, self._server = load, keys, out, server
        self.summaries: list[str] = []
        beside = Path(sys.executable).parent / "py-spy"  # the virtual environment's, under make bench
        self._py_spy = str(beside) if beside.exists() else shutil.which("py-spy")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._load, name)

    def run(self, job: Any) -> Any:
        if job.name not in self._keys or self._py_spy is None:
            return self._load.run(job)
        backend, pid = self._server()
        raw = self._out / f"profile-{backend}-{job.name}.txt"
        spy = subprocess.Popen(
            [self._py_spy, "record", "-p", str(pid), "-r", "100", "-d", str(int(job.max_seconds) + 2),
             "--format", "raw", "--nonblocking", "--gil", "-o", str(raw)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            return self._load.run(job)
        finally:
            spy.wait(timeout=int(job.max_seconds) + 30)
            if raw.exists():
                shares, hottest = summarize(raw.read_text(encoding="utf-8"))
                self.summaries.append(report_text(job.name, backend, shares, hottest))
