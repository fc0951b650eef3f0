"""What an operator scrapes: Prometheus metrics of one server (``prometheus-client``).

Each server counts into its own registry, always; the registry is served over HTTP only when
``INSPECTION_METRICS_LISTEN`` names an address (off by default, and never on the gRPC port).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

#: Latency buckets in seconds: cheap reads take about a millisecond, a whole card a few seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The server's counters, gauges and histograms, in one registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.calls = Counter(
            "inspection_calls",
            "Calls answered, by method and status code.",
            ["method", "code"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "inspection_call_seconds",
            "Time from a call's start to its answer, by method.",
            ["method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "inspection_calls_in_flight",
            "Calls being served now, by method (WatchCard's are the open watch streams).",
            ["method"],
            registry=self.registry,
        )
        self.refused = Counter(
            "inspection_calls_refused",
            "Calls refused for the server's capacity, by method and the bound that refused them.",
            ["method", "bound"],
            registry=self.registry,
        )
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    def gauge(self, name: str, documentation: str, read: Callable[[], float]) -> None:
        """A gauge whose value is read when scraped (pool use, watch streams)."""
        Gauge(name, documentation, registry=self.registry).set_function(read)

    def serve(self, listen: str) -> int:
        """Serves ``/metrics`` on ``listen`` (``host:port``, port 0 picks one); returns the port."""
        host, _, port = listen.rpartition(":")
        address = host.strip("[]") or "127.0.0.1"
        server, thread = start_http_server(int(port), addr=address, registry=self.registry)
        self._server, self._thread = server, thread
        return int(server.server_port)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
