"""One connection to the one-card service: the channel, the caller's bearer token, and the call
discipline every facade relies on — a fresh ``request_id`` on each mutating call, and a bounded
retry of transient failures that reuses it, so a retried write is applied once."""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import grpc
from google.protobuf.message import Message

from clients.errors import ServiceError

DEFAULT_TARGET = "127.0.0.1:50051"
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
CHANNEL_OPTIONS: tuple[tuple[str, Any], ...] = (
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.keepalive_time_ms", 60_000),
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and how patiently, a call is repeated after a transient failure.

    ``UNAVAILABLE`` (no connection, server restarting) and ``ABORTED`` (a concurrent change won)
    are worth repeating; with the same ``request_id`` the server applies a write at most once.
    """

    attempts: int = 4
    first_backoff: float = 0.1
    max_backoff: float = 2.0
    codes: frozenset[grpc.StatusCode] = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.ABORTED})

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based), with full jitter."""
        ceiling = min(self.max_backoff, self.first_backoff * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)


NO_RETRY = RetryPolicy(attempts=1)


def is_mutating(request: Message) -> bool:
    """Every mutating request of the API carries a ``request_id`` (AIP-155); reads do not."""
    return "request_id" in request.DESCRIPTOR.fields_by_name


class Connection:
    """A channel to the service with the caller's token; close it (or use ``with``) when done."""

    def __init__(
        self,
        target: str = DEFAULT_TARGET,
        token: str | None = None,
        *,
        tls: bool = False,
        root_certificates: bytes | None = None,
        timeout: float | None = 30.0,
        retry: RetryPolicy = RetryPolicy(),
        options: Sequence[tuple[str, Any]] = (),
    ) -> None:
        self.target = target
        self.token = token or None
        self.timeout = timeout
        self.retry = retry
        merged = dict(CHANNEL_OPTIONS)
        merged.update(dict(options))
        channel_options = list(merged.items())
        if tls or root_certificates is not None:
            credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
            self.channel = grpc.secure_channel(target, credentials, options=channel_options)
        else:
            self.channel = grpc.insecure_channel(target, options=channel_options)

    @classmethod
    def from_env(cls, target: str | None = None, token: str | None = None, **kwargs: Any) -> Connection:
        """``ONECARD_TARGET``, ``ONECARD_TOKEN`` and ``ONECARD_TLS_ROOT_CERT`` (a PEM file; implies
        TLS), each overridden by an explicit argument."""
        root_cert_path = os.environ.get("ONECARD_TLS_ROOT_CERT", "")
        if root_cert_path and "root_certificates" not in kwargs:
            kwargs["root_certificates"] = Path(root_cert_path).read_bytes()
        return cls(
            target or os.environ.get("ONECARD_TARGET") or DEFAULT_TARGET,
            token if token is not None else os.environ.get("ONECARD_TOKEN"),
            **kwargs,
        )

    def anonymous(self) -> Connection:
        """The same channel without a token, for the public methods; closing the original closes it."""
        clone = Connection.__new__(Connection)
        clone.__dict__.update(self.__dict__)
        clone.token = None
        return clone

    @property
    def metadata(self) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {self.token}")] if self.token else []

    def call(self, method: Any, request: Message, *, timeout: float | None = None) -> Any:
        """Calls a unary method of a stub bound to this channel and returns its response.

        A mutating request without ``request_id`` gets a fresh uuid4 (written into ``request``), so
        the retries below, which reuse the same request, cannot apply the change twice. Raises
        ``ServiceError`` on any non-OK status.
        """
        if is_mutating(request) and not getattr(request, "request_id", ""):
            request.request_id = str(uuid.uuid4())  # type: ignore[attr-defined]
        deadline = self.timeout if timeout is None else timeout
        for attempt in range(1, self.retry.attempts + 1):
            try:
                return method(request, timeout=deadline, metadata=self.metadata)
            except grpc.RpcError as error:
                code = error.code() if isinstance(error, grpc.Call) else None
                if code not in self.retry.codes or attempt == self.retry.attempts:
                    raise ServiceError.from_rpc_error(error, target=self.target) from None
                time.sleep(self.retry.backoff(attempt))
        raise AssertionError("unreachable: the loop returns or raises")

    def stream(self, method: Any, request: Message, *, timeout: float | None = None) -> Iterator[Any]:
        """Calls a server-streaming method and yields its messages; no retry (the caller resumes)."""
        responses = method(request, timeout=timeout, metadata=self.metadata)
        try:
            yield from responses
        except grpc.RpcError as error:
            if isinstance(error, grpc.Call) and error.code() == grpc.StatusCode.CANCELLED:
                return
            raise ServiceError.from_rpc_error(error, target=self.target) from None
        finally:
            responses.cancel()

    def close(self) -> None:
        self.channel.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
