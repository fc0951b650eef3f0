"""CardService: reading, verifying and watching an enterprise's card (一卡通)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import grpc
from sqlalchemy import Connection

from inspection.api import convert
from inspection.api.base import ServicerBase
from inspection.api.enums import ENTRY_KINDS
from inspection.domain import card as cards
from inspection.domain.summary import summarize
from inspection.errors import FieldViolation, InvalidArgument, ResourceExhausted, Violations
from inspection.v1 import card_service_pb2 as pb
from inspection.v1 import card_service_pb2_grpc as pb_grpc

WATCH_BATCH = 500


def _require_uscc(uscc: str) -> None:
    if not uscc:
        raise InvalidArgument([FieldViolation("uscc", "is required")])


def _kept_head(request: pb.VerifyCardRequest) -> cards.CardHead:
    kept = request.kept_head
    violations = Violations()
    if kept.uscc and kept.uscc != request.uscc:
        violations.add("kept_head.uscc", "names another card than uscc")
    if kept.seq < 1:
        violations.add("kept_head.seq", "must be at least 1")
    if len(kept.entry_hash) != 64 or not all(c in "0123456789abcdef" for c in kept.entry_hash):
        violations.add("kept_head.entry_hash", "must be 64 lower-case hexadecimal digits")
    violations.raise_if_any()
    return cards.CardHead(uscc=request.uscc, seq=kept.seq, entry_hash=kept.entry_hash)


class CardServicer(ServicerBase, pb_grpc.CardServiceServicer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._watch_slots = threading.BoundedSemaphore(self.settings.max_watch_streams)

    def GetCard(self, request: pb.GetCardRequest, context: grpc.ServicerContext) -> pb.Card:
        _require_uscc(request.uscc)
        year = self.calendar.year(self.clock.now())

        def work(connection: Connection) -> pb.Card:
            summary = summarize(connection, request.uscc, year=year, calendar=self.calendar)
            return pb.Card(
                uscc=summary.uscc,
                enterprise_name=summary.enterprise_name,
                head=convert.card_head(summary.head),
                issue_time=convert.timestamp(summary.issue_time),
                inspections_this_year=[
                    pb.DepartmentCount(department_code=code, inspections=count)
                    for code, count in summary.inspections_this_year.items()
                ],
                open_inspections=summary.open_inspections,
                unpaid_fen=summary.unpaid_fen,
                fees_this_year=[
                    pb.DepartmentFees(department_code=code, paid_fen=fen)
                    for code, fen in summary.fees_this_year.items()
                ],
            )

        return self.read_statement(work)  # the summary is one statement

    def ListCardEntries(
        self, request: pb.ListCardEntriesRequest, context: grpc.ServicerContext
    ) -> pb.ListCardEntriesResponse:
        _require_uscc(request.uscc)
        violations = Violations()
        kinds = [
            ENTRY_KINDS.from_proto(k, violations, f"kinds[{i}]", required=True)
            for i, k in enumerate(request.kinds)
        ]
        violations.raise_if_any()
        where = cards.EntryFilter(
            kinds=tuple(k.value for k in kinds if k is not None),
            department_code=request.department_code,
            start_time=convert.instant(
                request.start_time, request.HasField("start_time"), field="start_time"
            ),
            end_time=convert.instant(request.end_time, request.HasField("end_time"), field="end_time"),
        )

        def work(connection: Connection) -> pb.ListCardEntriesResponse:
            rows, token = cards.entries_page(
                connection, request.uscc, where=where, size=request.page_size, token=request.page_token
            )
            response = pb.ListCardEntriesResponse(next_page_token=token)
            add = response.entries.add
            withheld = cards.withheld_payloads(connection, self.call.principal, rows)
            for row in rows:
                convert.card_entry(row, add, withheld=row.seq in withheld)
            return response

        return self.read_statement(work)  # a page, then (for a department) what it may not read

    def VerifyCard(
        self, request: pb.VerifyCardRequest, context: grpc.ServicerContext
    ) -> pb.VerifyCardResponse:
        _require_uscc(request.uscc)
        kept = _kept_head(request) if request.HasField("kept_head") else None
        result = self.read(lambda s: cards.verify_card(s, request.uscc, kept=kept))
        return pb.VerifyCardResponse(
            valid=result.valid,
            entries_checked=result.entries_checked,
            head=convert.card_head(result.head),
            first_bad_seq=result.first_bad_seq,
            problem=result.problem,
            extends_kept_head=result.extends_kept_head,
            kept_head_problem=result.kept_head_problem,
        )

    def WatchCard(
        self, request: pb.WatchCardRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.WatchCardResponse]:
        _require_uscc(request.uscc)
        if request.after_seq < 0:
            raise InvalidArgument([FieldViolation("after_seq", "must not be negative")])
        self.read(lambda s: cards.current_head(s, request.uscc))
        if not self._watch_slots.acquire(blocking=False):
            raise ResourceExhausted(
                f"this server already streams {self.settings.max_watch_streams} cards; retry later",
                reason="TOO_MANY_WATCHES",
            )
        viewer = self.call.principal
        try:
            after = request.after_seq
            seen = cards.NOTIFIER.version
            last_sent = time.monotonic()
            while context.is_active():
                with self.db.read_rows() as connection:
                    batch = cards.list_entries(connection, request.uscc, after_seq=after, limit=WATCH_BATCH)
                    withheld = cards.withheld_payloads(connection, viewer, batch)
                for entry in batch:
                    yield pb.WatchCardResponse(
                        entry=convert.card_entry(entry, withheld=entry.seq in withheld)
                    )
                    after = entry.seq
                if batch:
                    last_sent = time.monotonic()
                elif time.monotonic() - last_sent >= self.settings.watch_heartbeat_seconds:
                    heartbeat = pb.WatchHeartbeat(time=convert.timestamp(self.clock.now()), seq=after)
                    yield pb.WatchCardResponse(heartbeat=heartbeat)
                    last_sent = time.monotonic()
                if len(batch) < WATCH_BATCH:
                    seen = cards.NOTIFIER.wait(seen, timeout=self.settings.watch_poll_seconds)
        finally:
            self._watch_slots.release()
