"""What every servicer shares: the read scope and the idempotent write scope of one call."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

import structlog
from google.protobuf.message import Message
from sqlalchemy import Connection
from sqlmodel import Session

from inspection.api.interceptor import Call, current_call
from inspection.clock import Clock
from inspection.config import Settings
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.errors import (
    Attempt,
    Conflict,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
)
from inspection.reasons import Reason
from inspection.storage import idempotency
from inspection.storage.db import Database

R = TypeVar("R", bound=Message)
T = TypeVar("T")

MAX_REQUEST_ID = 128
log = structlog.get_logger("inspection.attempt")


class ServicerBase:
    def __init__(self, *, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.calendar = Calendar.from_settings(settings)

    @property
    def call(self) -> Call:
        return current_call()

    def read(self, work: Callable[[Session], T]) -> T:
        with self.db.read() as session:
            return work(session)

    def read_rows(self, work: Callable[[Connection], T]) -> T:
        with self.db.read_rows() as connection:
            return work(connection)

    def read_statement(self, work: Callable[[Connection], T]) -> T:
        """``work`` sends one statement (or statements that need no common snapshot)."""
        with self.db.read_statement() as connection:
            return work(connection)

    def write(self, request: Message, response_type: type[R], work: Callable[[Session], R]) -> R:
        """Runs ``work`` in one write transaction; a retry with the same request id returns the
        first response and writes nothing (AIP-155). A refusal that oversight keeps (the error
        carries an ``Attempt``) is appended to the enterprise's card once the refused transaction
        has rolled back, and then raised unchanged."""
        try:
            return self._write(request, response_type, work)
        except DomainError as refused:
            if refused.attempt is not None:
                self._keep_attempt(refused, refused.attempt)
            raise

    def _keep_attempt(self, refused: DomainError, attempt: Attempt) -> None:
        """Appends ``ATTEMPT_REFUSED`` to the card ``attempt`` names, in a transaction of its own."""
        call = self.call
        payload = {
            "method": call.method,
            "reason": refused.reason,
            "message": refused.message,
            "request_id": call.request_id,
            "facts": dict(attempt.facts),
        }

        def unit(session: Session) -> None:
            card = cards.lock_card(session, attempt.uscc)
            cards.append_entry(
                session,
                card,
                kind=cards.EntryKind.ATTEMPT_REFUSED,
                actor=call.principal,
                at=self.clock.now(),
                payload=payload,
                department_code=attempt.department_code or None,
                inspection_id=attempt.inspection_id or None,
            )

        try:
            self.db.run_write(unit)
        except NotFound:  # no card to keep it on: the refusal alone answers
            return
        except DomainError as lost:  # the database went away meanwhile; the refusal still answers
            log.warning("attempt not kept", reason=refused.reason, uscc=attempt.uscc, error=lost.reason)

    def _write(self, request: Message, response_type: type[R], work: Callable[[Session], R]) -> R:
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
        key = idempotency.RecordKey(principal=principal, method=call.method, request_id=request_id)

        def unit(session: Session) -> R:
            # Claim the request id before doing the work, so a concurrent retry finds the first
            # response instead of running into the first attempt's effects (e.g. ALREADY_EXISTS).
            if not idempotency.claim(session, key, request_digest=digest, now=self.clock.now()):
                record = idempotency.find(session, key)
                if record is None:  # the claim that conflicted was rolled back meanwhile
                    raise Conflict("a concurrent retry of this request is in progress; retry")
                if record.request_digest != digest:
                    raise FailedPrecondition(
                        Reason.REQUEST_ID_REUSED, "this request_id was already used for a different request"
                    )
                return response_type.FromString(record.response)
            response = work(session)
            idempotency.record_response(session, key, response.SerializeToString())
            return response

        return self.db.run_write(unit)
