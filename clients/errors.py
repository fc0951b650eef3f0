"""What a caller sees when the service refuses a call: one exception with the status code, the
message, the machine-readable reason (``google.rpc.ErrorInfo``) and every bad field
(``google.rpc.BadRequest``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status


@dataclass(frozen=True)
class FieldViolation:
    """One bad field of a request, named by its dotted path (e.g. ``enterprise.uscc``)."""

    field: str
    description: str


@dataclass(eq=False)
class ServiceError(Exception):
    """A call that ended with a status other than OK."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    domain: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    violations: list[FieldViolation] = field(default_factory=list)
    #: The target the call went to, for messages about an unreachable service.
    target: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.describe()

    @property
    def unreachable(self) -> bool:
        return (
            self.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED) and not self.reason
        )

    def describe(self) -> str:
        """One paragraph for a person: what was refused, why (the reason) and each bad field."""
        if self.unreachable:
            where = f" at {self.target}" if self.target else ""
            return (
                f"cannot reach the one-card service{where} ({self.code.name}: {self.message}). "
                "Is `inspection serve` running there? Set ONECARD_TARGET or --target to its address."
            )
        reason = f", reason {self.reason}" if self.reason and self.reason != self.code.name else ""
        head = self.message
        if self.violations and all(f"{v.field}: {v.description}" in head for v in self.violations):
            head = head.split(":", 1)[0]  # the message only repeats the fields listed below
        text = f"{head} ({self.code.name}{reason})"
        if self.violations:
            fields = "; ".join(f"{v.field}: {v.description}" for v in self.violations)
            text += f". Bad field{'s' if len(self.violations) > 1 else ''}: {fields}"
        return text

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError, *, target: str = "") -> ServiceError:
        """Reads the rich status (``grpc-status-details-bin``) of a failed call, when there is one."""
        code: grpc.StatusCode = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
        message: str = (error.details() if isinstance(error, grpc.Call) else "") or str(error)
        found = cls(code=code, message=message, target=target)
        if not isinstance(error, grpc.Call):
            return found
        try:
            status = rpc_status.from_call(error)
        except ValueError:
            status = None  # the details disagree with the status; keep the plain code and message
        if status is None:
            return found
        for detail in status.details:
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                found.reason = info.reason
                found.domain = info.domain
                found.metadata = dict(info.metadata)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                detail.Unpack(bad)
                found.violations.extend(FieldViolation(v.field, v.description) for v in bad.field_violations)
        return found
