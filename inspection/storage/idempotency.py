"""The idempotency records' SQL (AIP-155): one row per (principal, method, request id) holding the
request's digest and the first response.

Core statements built once: ORM loading and flushes cost several times the database's work for one
row, and every write with a request id runs the claim.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from inspection.storage.models import IdempotencyRecord


class RecordKey(NamedTuple):
    principal: str
    method: str
    request_id: str


class StoredResponse(NamedTuple):
    request_digest: str
    response: bytes


_KEY = (
    col(IdempotencyRecord.principal) == bindparam("key_principal"),
    col(IdempotencyRecord.method) == bindparam("key_method"),
    col(IdempotencyRecord.request_id) == bindparam("key_request_id"),
)
_FIND = select(col(IdempotencyRecord.request_digest), col(IdempotencyRecord.response)).where(*_KEY)
#: The claim is an insert that does nothing when the request id is already taken (one statement
#: instead of a lookup and an insert on the common path, a first attempt).
_CLAIM = {
    name: dialect.insert(IdempotencyRecord).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
_RECORD = update(IdempotencyRecord).where(*_KEY).values(response=bindparam("body"))


def _bound(key: RecordKey) -> dict[str, str]:
    return {"key_principal": key.principal, "key_method": key.method, "key_request_id": key.request_id}


def claim(session: Session, key: RecordKey, *, request_digest: str, now: dt.datetime) -> bool:
    """Claims the request id for this transaction; False when it was already taken. A concurrent
    retry of the same request waits on this row (PostgreSQL) or on the write lock (SQLite)."""
    connection = session.connection()
    values = {**key._asdict(), "request_digest": request_digest, "response": b"", "create_time": now}
    return bool(connection.execute(_CLAIM[connection.dialect.name], values).rowcount)


def find(session: Session, key: RecordKey) -> StoredResponse | None:
    row = session.connection().execute(_FIND, _bound(key)).first()
    return None if row is None else StoredResponse(row[0], row[1])


def record_response(session: Session, key: RecordKey, body: bytes) -> None:
    session.connection().execute(_RECORD, {**_bound(key), "body": body})


def prune(session: Session, *, older_than: dt.datetime, limit: int) -> int:
    """Deletes up to ``limit`` records made before ``older_than``; returns how many went."""
    oldest = (
        select(
            col(IdempotencyRecord.principal), col(IdempotencyRecord.method), col(IdempotencyRecord.request_id)
        )
        .where(col(IdempotencyRecord.create_time) < older_than)
        .order_by(col(IdempotencyRecord.create_time))
        .limit(limit)
    )
    keys = list(session.connection().execute(oldest))
    if not keys:
        return 0
    for principal, method, request_id in keys:
        session.connection().execute(
            delete(IdempotencyRecord).where(
                col(IdempotencyRecord.principal) == principal,
                col(IdempotencyRecord.method) == method,
                col(IdempotencyRecord.request_id) == request_id,
            )
        )
    return len(keys)
