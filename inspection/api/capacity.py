"""How much work one server takes on at once (DESIGN §10; ``docs/robustness.md``).

Three bounds keep a server answering while it is flooded:

- every call counts against ``max_concurrent_calls`` (gRPC's own limit, running and queued); past
  it gRPC answers ``RESOURCE_EXHAUSTED`` before any of our code runs;
- the expensive calls — a whole card re-chained (``VerifyCard``), a CSV of enterprises parsed and
  written (``ImportEnterprises``) — may hold at most ``max_expensive_calls`` threads; one more is
  refused at once (``SERVER_BUSY``) rather than queued behind them;
- watch streams hold at most ``max_watch_streams`` threads (``inspection.api.card``).

The settings keep the long holders (watches and expensive calls) at least two threads short of the
pool, so cheap calls and the health check always find a thread within a cheap call's time. A call
whose deadline passed while it waited for a thread is not started (``DEADLINE_PASSED``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from inspection.errors import ResourceExhausted
from inspection.reasons import Reason
from inspection.v1 import card_service_pb2, draw_service_pb2, registry_service_pb2

#: The calls whose cost grows with the data they touch, not with the request.
EXPENSIVE_METHODS = frozenset(
    f"/{method.containing_service.full_name}/{method.name}"
    for method in (
        card_service_pb2.DESCRIPTOR.services_by_name["CardService"].methods_by_name["VerifyCard"],
        registry_service_pb2.DESCRIPTOR.services_by_name["RegistryService"].methods_by_name[
            "ImportEnterprises"
        ],
        # A pool is computed, hashed or re-drawn whole: up to every enterprise of the district.
        *(
            draw_service_pb2.DESCRIPTOR.services_by_name["DrawService"].methods_by_name[name]
            for name in ("FreezeDrawPlan", "ExecuteDraw", "VerifyDraw", "GetDrawPool")
        ),
    )
)


class Capacity:
    """The expensive-call bound of one server."""

    def __init__(self, max_expensive_calls: int) -> None:
        self.max_expensive_calls = max_expensive_calls
        self._slots = threading.BoundedSemaphore(max_expensive_calls)
        self._lock = threading.Lock()
        self.expensive_in_flight = 0

    @contextmanager
    def admit(self, method: str) -> Iterator[None]:
        """Runs the block if the server has room for ``method``; refuses it at once otherwise."""
        if method not in EXPENSIVE_METHODS:
            yield
            return
        if not self._slots.acquire(blocking=False):
            raise ResourceExhausted(
                f"this server already runs {self.max_expensive_calls} expensive calls "
                f"(VerifyCard, ImportEnterprises, draws over a whole pool); retry later",
                reason=Reason.SERVER_BUSY,
            )
        with self._lock:
            self.expensive_in_flight += 1
        try:
            yield
        finally:
            with self._lock:
                self.expensive_in_flight -= 1
            self._slots.release()
