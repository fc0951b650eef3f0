"""The one server interceptor: authenticates the bearer token, applies the policy table, maps
domain errors to statuses, and writes one structured log line per call."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import grpc
import structlog

from inspection.api.capacity import Capacity
from inspection.api.fields import check_request
from inspection.api.page_tokens import PageTokenSeal
from inspection.api.policy import PKG, Rule, rule_for
from inspection.api.status import internal_status, status_code_of, to_status
from inspection.auth import ANONYMOUS, Principal, Role, TokenVerifier, Verified
from inspection.clock import Clock
from inspection.errors import (
    DeadlineExceeded,
    DomainError,
    FieldViolation,
    InvalidArgument,
    PermissionDenied,
    Unauthenticated,
    Violations,
)
from inspection.metrics import Metrics
from inspection.reasons import Reason

log = structlog.get_logger("inspection.call")
#: How much of a caller-chosen id goes into a log line.
MAX_LOGGED = 128


@dataclass(frozen=True)
class Call:
    """What the servicers know of the call in progress."""

    method: str
    principal: Principal
    request_id: str
    rule: Rule
    #: The bearer token the caller presented, as verified (None for the public).
    credential: Verified | None = None


_CALL: ContextVar[Call] = ContextVar("inspection_call")


def current_call() -> Call:
    return _CALL.get()


if TYPE_CHECKING:
    _Interceptor = grpc.ServerInterceptor[Any, Any]
else:  # generic only in the type stubs
    _Interceptor = grpc.ServerInterceptor


@dataclass(frozen=True)
class Undecodable:
    """What a request body that is not a message of its type deserializes to, so that the call is
    answered ``INVALID_ARGUMENT`` by the interceptor instead of gRPC's own ``INTERNAL``."""

    type_name: str


def _tolerant(deserializer: Callable[[bytes], Any] | None, type_name: str) -> Callable[[bytes], Any] | None:
    if deserializer is None:
        return None

    def deserialize(data: bytes) -> Any:
        try:
            return deserializer(data)
        except Exception:  # protobuf's DecodeError, or anything a hostile body provokes
            return Undecodable(type_name)

    return deserialize


class ServiceInterceptor(_Interceptor):
    def __init__(
        self,
        *,
        signing_key: str,
        clock: Clock,
        capacity: Capacity | None = None,
        metrics: Metrics | None = None,
        on_unavailable: Callable[[], None] | None = None,
        tokens: TokenVerifier | None = None,
    ) -> None:
        self._tokens = tokens if tokens is not None else TokenVerifier(signing_key)
        self._pages = PageTokenSeal(signing_key)
        self._clock = clock
        self._capacity = capacity if capacity is not None else Capacity(max_expensive_calls=2)
        self._metrics = metrics if metrics is not None else Metrics()
        self._on_unavailable = on_unavailable
        # grpc asks for the handler of every call; each method's wrapped handler is built once.
        self._handlers: dict[str, Any] = {}

    def intercept_service(
        self, continuation: Callable[[Any], Any], handler_call_details: grpc.HandlerCallDetails
    ) -> Any:
        method: str = handler_call_details.method
        handler = self._handlers.get(method)
        if handler is None:
            handler = self._wrap(continuation(handler_call_details), method)
            if handler is not None:  # an unknown method stays unknown (UNIMPLEMENTED)
                self._handlers[method] = handler
        return handler

    def _wrap(self, handler: Any, method: str) -> Any:
        if handler is None or not method.startswith(PKG):
            return handler  # health checking and reflection are open by design
        deserializer = _tolerant(handler.request_deserializer, method.rsplit("/", 1)[-1] + "Request")
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                self._unary(handler.unary_unary, method),
                request_deserializer=deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                self._stream(handler.unary_stream, method),
                request_deserializer=deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler

    def _authorize(self, method: str, credential: Verified | None, request: Any) -> Call:
        principal = credential.principal if credential is not None else ANONYMOUS
        rule = rule_for(method)
        if rule is None:
            raise PermissionDenied(f"{method} has no authorization policy", reason="NO_POLICY")
        if principal.role not in rule.roles:
            if principal is ANONYMOUS:
                raise Unauthenticated("this method needs a bearer token", reason="TOKEN_MISSING")
            raise PermissionDenied(
                f"role {principal.role.value} may not call {method.rsplit('/', 1)[-1]}",
                reason="ROLE_NOT_ALLOWED",
            )
        if rule.scope is not None and not rule.scope(principal, request):
            raise PermissionDenied("outside the caller's scope", reason="OUT_OF_SCOPE")
        # Only the request's own field makes a call idempotent: a tracing header reused by a proxy
        # must never replay another call's answer.
        return Call(
            method=method,
            principal=principal,
            request_id=getattr(request, "request_id", ""),
            rule=rule,
            credential=credential,
        )

    def _credential(self, metadata: dict[str, Any]) -> Verified | None:
        header = metadata.get("authorization")
        if not header:
            return None
        scheme, _, token = str(header).partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("authorization must be 'Bearer <token>'", reason="TOKEN_INVALID")
        return self._tokens.verified(token.strip(), now=self._clock.now())

    def _begin(self, method: str, request: Any, context: grpc.ServicerContext) -> Call:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(method=method)
        remaining = context.time_remaining()
        if (remaining is not None and remaining <= 0) or not context.is_active():
            # It waited for a thread past its deadline: the caller has stopped listening.
            self._metrics.refused.labels(method, "deadline").inc()
            raise DeadlineExceeded(
                "the call's deadline passed before it could start; it was not started",
                reason=Reason.DEADLINE_PASSED,
            )
        if isinstance(request, Undecodable):
            raise InvalidArgument(
                [FieldViolation("request", f"the body is not a valid {request.type_name} message")],
                reason=Reason.UNDECODABLE_REQUEST,
            )
        metadata = {k.lower(): v for k, v in (context.invocation_metadata() or ())}
        credential = self._credential(metadata)
        principal = credential.principal if credential is not None else ANONYMOUS
        # Bound before the policy check so that refused calls are logged with who attempted them.
        structlog.contextvars.bind_contextvars(principal=principal.sub or "-", role=principal.role.value)
        call = self._authorize(method, credential, request)
        structlog.contextvars.bind_contextvars(
            request_id=call.request_id[:MAX_LOGGED],
            # A caller's tracing id (x-request-id), logged to follow a call across services.
            trace_id=str(metadata.get("x-request-id", ""))[:MAX_LOGGED],
        )
        violations = Violations()
        check_request(request, violations)
        violations.raise_if_any()
        if getattr(request, "page_token", ""):
            request.page_token = self._pages.open(method, request.page_token)
        return call

    def _failed(self, error: DomainError, method: str) -> grpc.StatusCode:
        code = status_code_of(error)
        structlog.contextvars.bind_contextvars(reason=error.reason)
        if code is grpc.StatusCode.UNAVAILABLE and self._on_unavailable is not None:
            self._on_unavailable()
        elif error.reason == Reason.SERVER_BUSY:
            self._metrics.refused.labels(method, "expensive").inc()
        elif error.reason == Reason.TOO_MANY_WATCHES:
            self._metrics.refused.labels(method, "watch").inc()
        return code

    def _unary(self, behavior: Callable[[Any, Any], Any], method: str) -> Any:
        def handle(request: Any, context: grpc.ServicerContext) -> Any:
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            self._metrics.in_flight.labels(method).inc()
            try:
                call = self._begin(method, request, context)
                token = _CALL.set(call)
                try:
                    with self._capacity.admit(method):
                        response = behavior(request, context)
                finally:
                    _CALL.reset(token)
                if getattr(response, "next_page_token", ""):
                    response.next_page_token = self._pages.seal(method, response.next_page_token)
                return response
            except DomainError as error:
                code = self._failed(error, method)
                context.abort_with_status(to_status(error))
            except Exception:
                code = grpc.StatusCode.INTERNAL
                log.exception("unexpected error")
                context.abort_with_status(internal_status())
            finally:
                self._finished(method, code, started)

        return handle

    def _stream(self, behavior: Callable[[Any, Any], Iterator[Any]], method: str) -> Any:
        def handle(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            self._metrics.in_flight.labels(method).inc()
            try:
                call = self._begin(method, request, context)
                token = _CALL.set(call)
                try:
                    yield from behavior(request, context)
                finally:
                    _CALL.reset(token)
                if not context.is_active():  # the caller went away; the stream ended for that
                    code = grpc.StatusCode.CANCELLED
            except DomainError as error:
                code = self._failed(error, method)
                context.abort_with_status(to_status(error))
            except GeneratorExit:
                code = grpc.StatusCode.CANCELLED
                raise
            except Exception:
                code = grpc.StatusCode.INTERNAL
                log.exception("unexpected error")
                context.abort_with_status(internal_status())
            finally:
                self._finished(method, code, started)

        return handle

    def _finished(self, method: str, code: grpc.StatusCode, started: float) -> None:
        seconds = time.perf_counter() - started
        metrics = self._metrics
        metrics.in_flight.labels(method).dec()
        metrics.calls.labels(method, code.name).inc()
        metrics.latency.labels(method).observe(seconds)
        log.info("call", code=code.name, latency_ms=round(seconds * 1000, 3))


__all__ = ["Call", "Role", "ServiceInterceptor", "current_call"]
