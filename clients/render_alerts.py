"""Tables of oversight (电子监察): alerts, one alert with its facts, and a watch's lines."""

from __future__ import annotations

import json
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from rich.console import RenderableType
from rich.text import Text

from clients.render import _add, _fields, _list, _payload_text, _row, label, when
from inspection.v1 import oversight_service_pb2 as ov_pb

#: How each state reads at a glance.
_STATE_STYLE = {ov_pb.ALERT_STATE_OPEN: "bold red", ov_pb.ALERT_STATE_ACKNOWLEDGED: "yellow"}


def alert_kind(value: int) -> str:
    return label(ov_pb.AlertKind, "ALERT_KIND_", value)


def alert_state(value: int) -> str:
    return label(ov_pb.AlertState, "ALERT_STATE_", value)


def _subject(row: ov_pb.Alert) -> str:
    subject = f"{row.subject_kind.lower()} {row.subject_id}"
    return f"{subject} ({row.period})" if row.period else subject


def alerts(rows: Iterable[ov_pb.Alert], zone: ZoneInfo) -> RenderableType:
    table = _list(
        "Alerts (电子监察), newest first", "id", "raised", "kind", "state", "USCC", "dept", "subject"
    )
    for row in rows:
        _row(
            table,
            row.alert_id,
            when(row.raise_time, zone),
            alert_kind(row.kind),
            alert_state(row.state),
            row.uscc,
            row.department_code,
            _subject(row),
        )
    return table


def alert(row: ov_pb.Alert, zone: ZoneInfo) -> RenderableType:
    table = _fields(f"Alert {row.alert_id}")
    _add(table, "kind", Text(alert_kind(row.kind), style="bold"))
    _add(table, "category", label(ov_pb.AlertCategory, "ALERT_CATEGORY_", row.category))
    _add(table, "state", Text(alert_state(row.state), style=_STATE_STYLE.get(row.state, "green")))
    _add(table, "subject", _subject(row))
    _add(table, "enterprise", row.uscc)
    _add(table, "department", row.department_code)
    _add(table, "inspection", row.inspection_id)
    _add(table, "cause", when(row.cause_time, zone))
    _add(table, "raised", when(row.raise_time, zone))
    facts = json.loads(row.facts_json or "{}")
    for name, value in facts.items():
        _add(table, name, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    if row.acknowledged_by:
        _add(table, "acknowledged", f"{row.acknowledged_by}  {when(row.acknowledge_time, zone)}")
    if row.resolved_by:
        _add(table, "resolved", f"{row.resolved_by}  {when(row.resolve_time, zone)}")
        _add(table, "note", row.resolution_note)
    return table


def alert_line(row: ov_pb.Alert, zone: ZoneInfo) -> Text:
    """One alert on one line, for a watch."""
    text = Text()
    text.append(f"{when(row.raise_time, zone)} ")
    text.append(alert_kind(row.kind), style="bold red")
    text.append(f" {row.uscc} {_subject(row)}")
    if row.department_code:
        text.append(f" dept {row.department_code}")
    details = _payload_text(row.facts_json)
    if details:
        text.append(f" — {details}")
    text.append(f"  [{row.alert_id}]", style="dim")
    return text
