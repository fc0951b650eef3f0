"""One server process for the multi-replica tests: ``python -m tests.serve_once``.

Reads its settings from ``INSPECTION_*`` variables (database URL and signing key), builds the server
with ``inspection.server.build`` on 127.0.0.1 port 0, prints the port on stdout, and serves until its
stdin closes or it receives SIGTERM. Call logs go to stderr.
"""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType

from inspection.config import Settings
from inspection.logging import configure_logging
from inspection.server import build


def main() -> None:
    # Oversight sweeps run when a test asks: a replica on the system clock would find the tests'
    # March 2026 requests overdue and write alerts to their cards mid-test.
    settings = Settings(listen="127.0.0.1:0", alert_sweep_seconds=0, _env_file=None)  # type: ignore[call-arg]
    configure_logging(json=True, level=settings.log_level)
    running = build(settings)
    running.server.start()
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    def _until_stdin_closes() -> None:
        sys.stdin.read()
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    threading.Thread(target=_until_stdin_closes, daemon=True).start()
    print(running.port, flush=True)
    stop.wait()
    running.stop(grace=1.0)


if __name__ == "__main__":
    main()
