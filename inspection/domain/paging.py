"""Opaque page tokens for keyset pagination.

A token carries the last key of the previous page and a digest of the query's filters, so a token
cannot be replayed against a different query (AIP-158). The API seals each token with a keyed MAC
(``inspection.api.page_tokens``), so the tokens decoded here are the service's own; they are
still checked, as any input is.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from inspection.errors import FieldViolation, InvalidArgument

MAX_PAGE_SIZE = 1000
#: The longest text key a page ends on (identifiers are at most 64 characters).
MAX_KEY = 128

T = TypeVar("T")
K = TypeVar("K")


def page_size(requested: int, *, default: int) -> int:
    if requested < 0:
        raise InvalidArgument([FieldViolation("page_size", "must not be negative")])
    return min(requested or default, MAX_PAGE_SIZE)


def _digest(query: dict[str, Any]) -> str:
    text = json.dumps(query, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_token(last_key: Any, query: dict[str, Any]) -> str:
    raw = json.dumps({"k": last_key, "q": _digest(query)}, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str, query: dict[str, Any], *, key_type: type | None = None) -> Any:
    """The last key of the previous page, or None for the first page.

    With ``key_type``, a key of another type (a token not issued by this service) is refused here
    rather than failing in the database.
    """
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        key, digest = data["k"], data["q"]
    except (ValueError, KeyError, TypeError, RecursionError, binascii.Error) as exc:
        raise InvalidArgument([FieldViolation("page_token", "not a token this service issued")]) from exc
    if digest != _digest(query):
        raise InvalidArgument([FieldViolation("page_token", "was issued for a different query")])
    if key_type is not None and (not isinstance(key, key_type) or isinstance(key, bool)):
        raise InvalidArgument([FieldViolation("page_token", "not a token this service issued")])
    if (isinstance(key, int) and not -(2**63) <= key < 2**63) or (
        isinstance(key, str) and len(key) > MAX_KEY
    ):
        raise InvalidArgument([FieldViolation("page_token", "not a token this service issued")])
    return key


def keyset_page(
    fetch: Callable[[K | None, int], Sequence[T]],
    key_of: Callable[[T], K],
    *,
    query: dict[str, Any],
    size: int,
    token: str,
    key_type: type,
    default_size: int = 50,
) -> tuple[list[T], str]:
    """One page by keyset (AIP-158): ``fetch(after_key, limit)`` returns up to ``limit`` rows after
    the key the token carries (None on the first page); one row more than the page tells whether a
    next page exists, and the token for it carries the last row's key and the query's digest."""
    limit = page_size(size, default=default_size)
    after = decode_token(token, query, key_type=key_type)
    rows = list(fetch(after, limit + 1))
    if len(rows) <= limit:
        return rows, ""
    rows = rows[:limit]
    return rows, encode_token(key_of(rows[-1]), query)


def instant_key(instant: dt.datetime | None, row_id: str) -> list[str]:
    """The page key of a list ordered by an instant, ties broken by id: ``[ISO instant, id]``."""
    return [instant.isoformat() if instant else "", row_id]


def instant_of_key(key: list[Any] | None) -> tuple[dt.datetime, str] | None:
    """The ``(instant, id)`` an ``instant_key`` page token carries (None on the first page); any
    other shape is not this service's token."""
    if key is None:
        return None
    refused = InvalidArgument([FieldViolation("page_token", "not a token this service issued")])
    if len(key) != 2 or not all(isinstance(part, str) and 0 < len(part) <= MAX_KEY for part in key):
        raise refused
    try:
        at = dt.datetime.fromisoformat(key[0])
    except ValueError as exc:
        raise refused from exc
    if at.tzinfo is None:
        raise refused
    return at, key[1]
