"""The load generator: grpc.aio clients with a fixed number of requests in flight, in a process of
their own (never the server's).

Requests travel as pre-serialized bytes and responses come back as bytes, so the client spends its
core on gRPC and not on protobuf; the parent parses what it needs after the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from types import TracebackType

import grpc
import grpc.aio

CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
]


@dataclass(frozen=True)
class Job:
    """One figure's worth of load: which method, which requests, how many at once, how long."""

    name: str
    target: str
    method: str
    #: Serialized requests, sent in order (and cycled when ``unique`` is false).
    requests: tuple[bytes, ...]
    metadata: tuple[tuple[str, str], ...]
    in_flight: int
    max_requests: int
    max_seconds: float
    warmup: int = 0
    #: Send each request at most once (writes that must each be checked afterwards).
    unique: bool = False
    #: Return every OK response with the index of its request.
    keep_responses: bool = False
    deadline_seconds: float = 60.0
    #: Metadata per request (cycled like the requests), for calls each made by another principal;
    #: empty: ``metadata`` for every call.
    metadata_each: tuple[tuple[tuple[str, str], ...], ...] = ()


@dataclass
class LoadResult:
    name: str
    #: Measured (post-warm-up) calls that returned OK, and the seconds they took together.
    ok: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    #: (request index, response bytes) of every OK call, warm-up included, when asked for.
    responses: list[tuple[int, bytes]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds > 0 else 0.0


async def drive(job: Job) -> LoadResult:
    """Sends ``job``'s requests with ``in_flight`` outstanding at any time until a bound is reached."""
    result = LoadResult(job.name)
    errors: Counter[str] = Counter()
    limit = min(job.warmup + job.max_requests, len(job.requests)) if job.unique else None
    # A comma-separated target is several replicas of one service: the workers take turns over them.
    channels = [grpc.aio.insecure_channel(t, options=CHANNEL_OPTIONS) for t in job.target.split(",")]
    try:
        for channel in channels:
            await asyncio.wait_for(channel.channel_ready(), timeout=10)
        # No serializers: bytes in, bytes out.
        calls = [channel.unary_unary(job.method, None, None) for channel in channels]
        cursor = 0

        async def worker(number: int, stop_at: int, deadline: float, measured: bool) -> None:
            nonlocal cursor
            call = calls[number % len(calls)]
            while cursor < stop_at and time.perf_counter() < deadline:
                index = cursor
                cursor += 1
                request = job.requests[index % len(job.requests)]
                started = time.perf_counter()
                metadata = (
                    job.metadata_each[index % len(job.metadata_each)] if job.metadata_each else job.metadata
                )
                try:
                    response = await call(request, metadata=metadata, timeout=job.deadline_seconds)
                except grpc.aio.AioRpcError as error:
                    errors[error.code().name] += 1
                    continue
                if measured:
                    result.latencies.append(time.perf_counter() - started)
                    result.ok += 1
                if job.keep_responses:
                    result.responses.append((index, response))

        async def phase(count: int, seconds: float, measured: bool) -> float:
            stop_at = cursor + count if limit is None else min(cursor + count, limit)
            started = time.perf_counter()
            deadline = started + seconds
            await asyncio.gather(*(worker(n, stop_at, deadline, measured) for n in range(job.in_flight)))
            return time.perf_counter() - started

        if job.warmup:
            await phase(job.warmup, job.max_seconds, measured=False)
            errors.clear()  # a warm-up error (say, a cold cache timing out) is not a figure
        result.seconds = await phase(job.max_requests, job.max_seconds, measured=True)
    finally:
        for channel in channels:
            await channel.close(None)
    result.errors = dict(errors)
    return result


def _serve_jobs(connection: Connection) -> None:
    """The load process: runs each job it receives and sends back the result; ``None`` ends it."""
    while True:
        job = connection.recv()
        if job is None:
            return
        connection.send(asyncio.run(drive(job)))


class LoadGenerator:
    """The parent's handle on one load process, reused for every figure of a run."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve_jobs, args=(child,), name="bench-load", daemon=True)
        self._process.start()
        child.close()

    def run(self, job: Job) -> LoadResult:
        self._connection.send(job)
        # Bounded wait: the warm-up and the measured phase, the calls still in flight, and slack.
        allowance = 2 * job.max_seconds + job.deadline_seconds + 30
        if not self._connection.poll(allowance):
            self.close()
            raise TimeoutError(f"load generator gave no result for {job.name} within {allowance:.0f} s")
        result: LoadResult = self._connection.recv()
        return result

    def close(self) -> None:
        if self._process.is_alive():
            with contextlib.suppress(BrokenPipeError, OSError):
                self._connection.send(None)
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=5)
        self._connection.close()

    def __enter__(self) -> LoadGenerator:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
