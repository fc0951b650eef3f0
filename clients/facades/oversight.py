"""Oversight (电子监察) for the offices and the departments: alerts listed, watched, acknowledged and
resolved (a department reads only the alerts about itself; the server scopes it)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Generator, Iterator, Sequence

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from clients.errors import ServiceError
from clients.facades.base import WATCH_RESUMES, EnumInput, Facade, enum_value, paged
from inspection.v1 import oversight_service_pb2 as ov_pb
from inspection.v1 import oversight_service_pb2_grpc as ov_grpc


class AlertReader(Facade):
    """Reading alerts: the offices all of them, a department those about itself."""

    @property
    def _oversight(self) -> ov_grpc.OversightServiceStub:
        return ov_grpc.OversightServiceStub(self.connection.channel)

    def alerts(
        self,
        *,
        kinds: Sequence[EnumInput] = (),
        states: Sequence[EnumInput] = (),
        department_code: str = "",
        uscc: str = "",
        limit: int | None = None,
    ) -> Iterator[ov_pb.Alert]:
        """Alerts, newest first; ``kinds`` and ``states`` by name (``decision-overdue``, ``open``)."""
        request = ov_pb.ListAlertsRequest(
            kinds=[enum_value(ov_pb.AlertKind, "ALERT_KIND_", k) for k in kinds],
            states=[enum_value(ov_pb.AlertState, "ALERT_STATE_", s) for s in states],
            department_code=department_code,
            uscc=uscc,
        )
        return paged(self.connection, self._oversight.ListAlerts, request, "alerts", limit=limit)

    def get_alert(self, alert_id: str) -> ov_pb.Alert:
        return self._call(self._oversight.GetAlert, ov_pb.GetAlertRequest(alert_id=alert_id), ov_pb.Alert)

    def watch_alerts(self, *, raised_after: dt.datetime | None = None) -> Generator[ov_pb.Alert, None, None]:
        """New alerts as they are raised (after ``raised_after`` first, if given), until the caller
        stops; a stream broken by a transient failure resumes after the last alert received."""
        after = raised_after
        for resume in range(WATCH_RESUMES + 1):
            request = ov_pb.WatchAlertsRequest()
            if after is not None:
                stamp = Timestamp()
                stamp.FromDatetime(after)
                request.raised_after.CopyFrom(stamp)
            try:
                for message in self.connection.stream(self._oversight.WatchAlerts, request):
                    if message.HasField("alert"):
                        yield message.alert
                        after = message.alert.raise_time.ToDatetime(dt.UTC)
                return
            except ServiceError as error:
                if error.code != grpc.StatusCode.UNAVAILABLE or resume == WATCH_RESUMES:
                    raise
                time.sleep(self.connection.retry.backoff(resume + 1))


class AlertHandler(AlertReader):
    """The supervision bureau (监察局) and the legal office act on alerts."""

    def acknowledge_alert(self, alert_id: str, *, request_id: str | None = None) -> ov_pb.AlertChange:
        request = ov_pb.AcknowledgeAlertRequest(alert_id=alert_id)
        return self._call(self._oversight.AcknowledgeAlert, request, ov_pb.AlertChange, request_id)

    def resolve_alert(self, alert_id: str, note: str, *, request_id: str | None = None) -> ov_pb.AlertChange:
        """Closes the alert with what was done: a correction ordered, a talk with the unit head (约谈),
        a public report, or why the cause was no fault."""
        request = ov_pb.ResolveAlertRequest(alert_id=alert_id, note=note)
        return self._call(self._oversight.ResolveAlert, request, ov_pb.AlertChange, request_id)
