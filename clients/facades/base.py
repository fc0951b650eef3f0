"""What every role facade shares: the connection, pagination, enum and date conversion, and the
chunked CSV import."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from google.protobuf.message import Message
from google.type import date_pb2

from clients.connection import Connection
from clients.csvchunks import split_csv
from inspection.v1 import access_service_pb2 as access_pb
from inspection.v1 import access_service_pb2_grpc as access_grpc
from inspection.v1 import card_service_pb2_grpc as card_grpc
from inspection.v1 import fee_service_pb2_grpc as fee_grpc
from inspection.v1 import inspection_service_pb2_grpc as insp_grpc
from inspection.v1 import public_service_pb2_grpc as public_grpc
from inspection.v1 import registry_service_pb2_grpc as reg_grpc

#: A safety bound on pages fetched by one listing; far above any real directory.
MAX_PAGES = 100_000
#: Resumptions of a card watch after the stream broke, before giving up.
WATCH_RESUMES = 5

EnumInput = int | str
R = TypeVar("R", bound=Message)
DateInput = dt.date | str


def enum_value(enum_type: Any, prefix: str, value: EnumInput) -> Any:
    """A proto enum number from a number, a full name (``INSPECTION_KIND_ROUTINE``) or a short,
    case-insensitive one (``routine``, ``issues-found``)."""
    if isinstance(value, int):
        return value
    name = value.strip().upper().replace("-", "_")
    if not name.startswith(prefix):
        name = prefix + name
    try:
        return enum_type.Value(name)
    except ValueError:
        choices = ", ".join(
            short_name(prefix, n).lower().replace("_", "-")
            for n in enum_type.keys()  # noqa: SIM118 (an enum wrapper, not a dict)
            if not n.endswith("_UNSPECIFIED")
        )
        raise ValueError(f"{value!r} is not one of: {choices}") from None


def short_name(prefix: str, name: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


def date_message(value: DateInput | None) -> date_pb2.Date | None:
    """A day for the API (``google.type.Date``) from a date or ``YYYY-MM-DD``; None (unset) for
    None or "". Text that is not a date raises ``ValueError`` before anything is sent."""
    if value is None or value == "":
        return None
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def date_text(message: date_pb2.Date) -> str:
    """``YYYY-MM-DD`` of a day the API sent; "" when unset (all zero)."""
    if not message.year:
        return ""
    return f"{message.year:04d}-{message.month:02d}-{message.day:02d}"


def token_claims(token: str) -> dict[str, Any]:
    """The claims a bearer token makes about its holder, read WITHOUT checking the signature —
    for display and defaults only; the service verifies every token itself."""
    try:
        payload = token.split(".")[1]
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(decoded)
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def paged(
    connection: Connection,
    method: Any,
    request: Message,
    items: str,
    *,
    limit: int | None = None,
    page_size: int = 100,
) -> Iterator[Any]:
    """Yields the items of every page of a list call (AIP-158) until ``limit`` or the last page."""
    if limit is not None and limit <= 0:
        return
    request.page_size = min(page_size, limit) if limit else page_size  # type: ignore[attr-defined]
    seen: set[str] = set()
    count = 0
    for _ in range(MAX_PAGES):
        response = connection.call(method, request)
        for item in getattr(response, items):
            yield item
            count += 1
            if limit is not None and count >= limit:
                return
        token = response.next_page_token
        if not token or token in seen:
            return
        seen.add(token)
        request.page_token = token  # type: ignore[attr-defined]


# --- bulk import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRowError:
    """A rejected row, numbered as in the file: data rows from 1 (the header is row 0)."""

    row: int
    line: int
    field: str
    description: str


@dataclass
class ImportSummary:
    rows_read: int = 0
    rows_imported: int = 0
    chunks: int = 0
    errors: list[ImportRowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


#: Called after each chunk with (rows done, rows in the file).
ImportProgress = Callable[[int, int], None]


def import_csv(
    connection: Connection,
    method: Any,
    request_type: Any,
    data: bytes,
    *,
    rows_per_chunk: int,
    progress: ImportProgress | None,
    request_id_prefix: str | None,
) -> ImportSummary:
    chunks = split_csv(data, rows_per_chunk)
    total = sum(c.rows for c in chunks)
    summary = ImportSummary()
    done = 0
    if progress is not None:
        progress(0, total)
    for number, chunk in enumerate(chunks, start=1):
        request = request_type(csv=chunk.data)
        if request_id_prefix:
            request.request_id = f"{request_id_prefix}-{number}"
        response = connection.call(method, request)
        summary.chunks += 1
        summary.rows_read += response.rows_read
        summary.rows_imported += response.rows_imported
        file_level = False
        for error in response.errors:
            file_level = file_level or error.row == 0
            summary.errors.append(
                ImportRowError(
                    row=chunk.file_row(error.row),
                    line=chunk.file_line(error.row),
                    field=error.field,
                    description=error.description,
                )
            )
        done += chunk.rows
        if progress is not None:
            progress(done, total)
        if file_level:
            break  # a problem with the file itself (e.g. its header) repeats in every chunk
    return summary


# --- the facades -------------------------------------------------------------------------------


class Facade:
    """The base of every role's facade: the stubs of every service over one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        channel = connection.channel
        self._registry = reg_grpc.RegistryServiceStub(channel)
        self._cards = card_grpc.CardServiceStub(channel)
        self._inspections = insp_grpc.InspectionServiceStub(channel)
        self._public = public_grpc.PublicServiceStub(channel)
        self._access = access_grpc.AccessServiceStub(channel)
        self._fees = fee_grpc.FeeServiceStub(channel)

    def refresh_token(self) -> access_pb.RefreshTokenResponse:
        """A fresh token for the caller's own principal, before the current one expires."""
        return self._call(
            self._access.RefreshToken, access_pb.RefreshTokenRequest(), access_pb.RefreshTokenResponse
        )

    def _call(self, method: Any, request: Message, returns: type[R], request_id: str | None = None) -> R:
        if request_id:
            request.request_id = request_id  # type: ignore[attr-defined]
        return cast(R, self.connection.call(method, request))
