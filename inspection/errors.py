"""Domain errors. Domain code raises these; ``inspection.api.status`` maps them to gRPC statuses.

Each error carries a machine-readable ``reason`` (UPPER_SNAKE_CASE, stable, sent as
``google.rpc.ErrorInfo.reason``) and a message safe to show the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from inspection.reasons import Reason


@dataclass(frozen=True)
class FieldViolation:
    """One bad field of a request; ``field`` is a dotted path such as ``enterprise.uscc``."""

    field: str
    description: str


@dataclass(frozen=True)
class Attempt:
    """A refused call that oversight keeps (电子监察): on whose card, about which inspection and
    department, with the facts of what was tried. The refusal itself writes nothing; the attempt
    is appended to the card afterwards, in a transaction of its own (``ServicerBase.write``)."""

    uscc: str
    inspection_id: str = ""
    department_code: str = ""
    #: Small and JSON-able: what was asked for (an item code, an amount, an inspector id …).
    facts: Mapping[str, Any] = field(default_factory=dict)


class DomainError(Exception):
    reason: str = "ERROR"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: dict[str, str] | None = None,
        attempt: Attempt | None = None,
    ):
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason
        self.metadata: dict[str, str] = dict(metadata or {})
        #: Set when oversight keeps this refusal as an attempt (an unlisted fee, an unapproved visit).
        self.attempt = attempt


class InvalidArgument(DomainError):
    """The request itself is malformed; every bad field is listed."""

    reason = "INVALID_ARGUMENT"

    def __init__(
        self,
        violations: list[FieldViolation],
        message: str | None = None,
        *,
        reason: str | None = None,
        attempt: Attempt | None = None,
    ):
        self.violations = list(violations)
        summary = "; ".join(f"{v.field}: {v.description}" for v in self.violations)
        super().__init__(message or f"invalid request: {summary}", reason=reason, attempt=attempt)


class NotFound(DomainError):
    reason = "NOT_FOUND"

    def __init__(self, resource: str, name: str):
        super().__init__(f"{resource} {name!r} not found", metadata={"resource": resource, "name": name})
        self.resource = resource
        self.name = name


class AlreadyExists(DomainError):
    reason = "ALREADY_EXISTS"

    def __init__(self, resource: str, name: str):
        super().__init__(f"{resource} {name!r} already exists", metadata={"resource": resource, "name": name})


class FailedPrecondition(DomainError):
    """A business rule forbids this now; ``reason`` names the rule (e.g. ``QUIET_PERIOD``)."""

    reason = "FAILED_PRECONDITION"

    def __init__(
        self,
        reason: Reason,
        message: str,
        metadata: dict[str, str] | None = None,
        *,
        attempt: Attempt | None = None,
    ):
        super().__init__(message, reason=reason, metadata=metadata, attempt=attempt)


class PermissionDenied(DomainError):
    reason = "PERMISSION_DENIED"


class Unauthenticated(DomainError):
    reason = "UNAUTHENTICATED"


class ResourceExhausted(DomainError):
    """A bounded resource of this server is in full use; the caller may retry later."""

    reason = "RESOURCE_EXHAUSTED"


class Unavailable(DomainError):
    """A service this one depends on (the database) cannot be reached now; the caller may retry."""

    reason = "UNAVAILABLE"


class DeadlineExceeded(DomainError):
    """The caller's deadline passed before the service could start the call."""

    reason = "DEADLINE_EXCEEDED"


class Conflict(DomainError):
    """A concurrent change won; the caller may retry with the same request id."""

    reason = "CONCURRENT_MODIFICATION"


@dataclass
class Violations:
    """Collects field violations so a request reports all of them at once."""

    items: list[FieldViolation] = field(default_factory=list)

    def add(self, field_path: str, description: str) -> None:
        self.items.append(FieldViolation(field_path, description))

    def has(self, field_path: str) -> bool:
        """Whether ``field_path`` already has a violation (so a follow-on problem is not reported twice)."""
        return any(v.field == field_path for v in self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
