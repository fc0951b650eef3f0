"""OversightService: translate protobuf to alerts (电子监察) and back."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import grpc
from sqlmodel import Session

from inspection.api import convert
from inspection.api.base import ServicerBase
from inspection.api.enums import ALERT_CATEGORIES, ALERT_KINDS, ALERT_STATES
from inspection.domain.oversight import alerts as domain
from inspection.errors import ResourceExhausted, Violations
from inspection.storage.oversight_models import Alert
from inspection.v1 import oversight_service_pb2 as pb
from inspection.v1 import oversight_service_pb2_grpc as pb_grpc


def alert_message(alert: Alert) -> pb.Alert:
    return pb.Alert(
        alert_id=alert.id,
        kind=ALERT_KINDS.to_proto(alert.kind),
        category=ALERT_CATEGORIES.to_proto(domain.CATEGORY[domain.AlertKind(alert.kind)].value),
        subject_kind=alert.subject_kind,
        subject_id=alert.subject_id,
        period=alert.period,
        uscc=alert.uscc,
        department_code=alert.department_code or "",
        inspection_id=alert.inspection_id or "",
        facts_json=alert.facts_json,
        cause_time=convert.timestamp(alert.cause_time),
        raise_time=convert.timestamp(alert.raise_time),
        state=ALERT_STATES.to_proto(alert.state),
        acknowledged_by=alert.acknowledged_by,
        acknowledge_time=convert.timestamp(alert.acknowledge_time),
        resolved_by=alert.resolved_by,
        resolve_time=convert.timestamp(alert.resolve_time),
        resolution_note=alert.resolution_note,
    )


class OversightServicer(ServicerBase, pb_grpc.OversightServiceServicer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._watch_slots = threading.BoundedSemaphore(self.settings.max_watch_streams)

    def ListAlerts(
        self, request: pb.ListAlertsRequest, context: grpc.ServicerContext
    ) -> pb.ListAlertsResponse:
        violations = Violations()
        kinds = [
            ALERT_KINDS.from_proto(k, violations, f"kinds[{n}]", required=True)
            for n, k in enumerate(request.kinds)
        ]
        states = [
            ALERT_STATES.from_proto(s, violations, f"states[{n}]", required=True)
            for n, s in enumerate(request.states)
        ]
        query = domain.AlertQuery(
            kinds=tuple(sorted({k for k in kinds if k is not None})),
            states=tuple(sorted({s for s in states if s is not None})),
            department_code=request.department_code,
            uscc=request.uscc,
        )

        def work(session: Session) -> pb.ListAlertsResponse:
            rows, token = domain.list_alerts(
                session,
                query,
                violations,
                viewer=self.call.principal,
                size=request.page_size,
                token=request.page_token,
            )
            return pb.ListAlertsResponse(alerts=[alert_message(a) for a in rows], next_page_token=token)

        return self.read(work)

    def GetAlert(self, request: pb.GetAlertRequest, context: grpc.ServicerContext) -> pb.Alert:
        alert_id = request.alert_id
        return self.read(lambda s: alert_message(domain.get_alert(s, alert_id, viewer=self.call.principal)))

    def AcknowledgeAlert(
        self, request: pb.AcknowledgeAlertRequest, context: grpc.ServicerContext
    ) -> pb.AlertChange:
        alert_id = request.alert_id
        return self.write(
            request,
            pb.AlertChange,
            lambda s: self._change(
                domain.acknowledge(s, alert_id, actor=self.call.principal, now=self.clock.now())
            ),
        )

    def ResolveAlert(self, request: pb.ResolveAlertRequest, context: grpc.ServicerContext) -> pb.AlertChange:
        alert_id = request.alert_id
        violations = Violations()
        return self.write(
            request,
            pb.AlertChange,
            lambda s: self._change(
                domain.resolve(
                    s, alert_id, request.note, violations, actor=self.call.principal, now=self.clock.now()
                )
            ),
        )

    @staticmethod
    def _change(change: domain.AlertChange) -> pb.AlertChange:
        return pb.AlertChange(alert=alert_message(change.alert), card_head=convert.card_head(change.head))

    def WatchAlerts(
        self, request: pb.WatchAlertsRequest, context: grpc.ServicerContext
    ) -> Iterator[pb.WatchAlertsResponse]:
        since = convert.instant(request.raised_after, request.HasField("raised_after"), field="raised_after")
        if not self._watch_slots.acquire(blocking=False):
            raise ResourceExhausted(
                f"this server already streams {self.settings.max_watch_streams} alert watches; retry later",
                reason="TOO_MANY_WATCHES",
            )
        viewer = self.call.principal
        try:
            # Alerts are read back by raise time with an overlap, and sent once each: a replica's
            # commit may land a moment after a later-stamped one.
            cursor = since or self.clock.now()
            overlap = dt.timedelta(seconds=max(5.0, 4 * self.settings.watch_poll_seconds))
            sent: dict[str, dt.datetime] = {}
            if since is None:  # what was raised before the watch began is not news to it
                with self.db.read() as session:
                    sent = {
                        a.id: a.raise_time
                        for a in domain.raised_since(session, cursor - overlap, viewer=viewer)
                    }
            last_sent = time.monotonic()
            while context.is_active():
                with self.db.read() as session:
                    batch = domain.raised_since(session, cursor - overlap, viewer=viewer)
                fresh = [a for a in batch if a.id not in sent and (since is None or a.raise_time > since)]
                for alert in fresh:
                    yield pb.WatchAlertsResponse(alert=alert_message(alert))
                    sent[alert.id] = alert.raise_time
                    cursor = max(cursor, alert.raise_time)
                if fresh:
                    last_sent = time.monotonic()
                elif time.monotonic() - last_sent >= self.settings.watch_heartbeat_seconds:
                    yield pb.WatchAlertsResponse(heartbeat_time=convert.timestamp(self.clock.now()))
                    last_sent = time.monotonic()
                horizon = cursor - overlap
                for alert_id in [i for i, t in sent.items() if t < horizon]:
                    del sent[alert_id]
                time.sleep(self.settings.watch_poll_seconds)
        finally:
            self._watch_slots.release()
