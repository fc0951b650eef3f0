"""What every servicer shares: the read scope and the idempotent write scope of one call."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from google.protobuf.message import Message
from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from inspection.api.interceptor import Call, current_call
from inspection.clock import Clock
from inspection.config import Settings
from inspection.errors import Conflict, FailedPrecondition, FieldViolation, InvalidArgument
from inspection.reasons import Reason
from inspection.storage.db import Database
from inspection.storage.models import IdempotencyRecord

R = TypeVar("R", bound=Message)
T = TypeVar("T")

MAX_REQUEST_ID = 128

# The idempotency record of every write, as Core statements built once (ORM loading and flushes
# cost several times the database's work for one row).
_RECORD_KEY = (
    col(IdempotencyRecord.principal) == bindparam("key_principal"),
    col(IdempotencyRecord.method) == bindparam("key_method"),
    col(IdempotencyRecord.request_id) == bindparam("key_request_id"),
)
_FIND_RECORD = select(col(IdempotencyRecord.request_digest), col(IdempotencyRecord.response)).where(
    *_RECORD_KEY
)
#: The claim is an insert that does nothing when the request id is already taken (one statement
#: instead of a lookup and an insert on the common path, a first attempt).
_CLAIM_RECORD = {
    name: dialect.insert(IdempotencyRecord).on_conflict_do_nothing().execution_options(preserve_rowcount=True)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
_RECORD_RESPONSE = update(IdempotencyRecord).where(*_RECORD_KEY).values(response=bindparam("body"))


class ServicerBase:
    def __init__(self, *, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings

    @property
    def call(self) -> Call:
        return current_call()

    def read(self, work: Callable[[Session], T]) -> T:
        with self.db.read() as session:
            return work(session)

    def read_rows(self, work: Callable[[Connection], T]) -> T:
        with self.db.read_rows() as connection:
            return work(connection)

    def write(self, request: Message, response_type: type[R], work: Callable[[Session], R]) -> R:
        """Runs ``work`` in one write transaction; a retry with the same request id returns the
        first response and writes nothing (AIP-155)."""
        call = self.call
        request_id = call.request_id
        if len(request_id) > MAX_REQUEST_ID or not request_id.isprintable():
            raise InvalidArgument(
                [FieldViolation("request_id", f"must be at most {MAX_REQUEST_ID} printable characters")]
            )
        if not request_id:
            return self.db.run_write(work)
        principal = f"{call.principal.role.value}:{call.principal.org}:{call.principal.sub}"
        digest = hashlib.sha256(request.SerializeToString(deterministic=True)).hexdigest()

        key = {"key_principal": principal, "key_method": call.method, "key_request_id": request_id}

        def unit(session: Session) -> R:
            connection = session.connection()
            # Claim the request id before doing the work: a concurrent retry of the same request waits
            # on this row (PostgreSQL) or on the write lock (SQLite), then finds the first response
            # instead of running into the first attempt's effects (e.g. ALREADY_EXISTS).
            claim = {
                "principal": principal,
                "method": call.method,
                "request_id": request_id,
                "request_digest": digest,
                "response": b"",
                "create_time": self.clock.now(),
            }
            if not connection.execute(_CLAIM_RECORD[self.db.dialect], claim).rowcount:
                record = connection.execute(_FIND_RECORD, key).first()
                if record is None:  # the claim that conflicted was rolled back meanwhile
                    raise Conflict("a concurrent retry of this request is in progress; retry")
                if record.request_digest != digest:
                    raise FailedPrecondition(
                        Reason.REQUEST_ID_REUSED, "this request_id was already used for a different request"
                    )
                return response_type.FromString(record.response)
            response = work(session)
            connection.execute(_RECORD_RESPONSE, {**key, "body": response.SerializeToString()})
            return response

        return self.db.run_write(unit)
