"""Statistics for people (电子监察 统计): a department's figures, an enterprise's burden, the public
dashboard as a table, as bars in the terminal and as an SVG chart (``--plot FILE.svg``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import pygal
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from clients.facades import date_text
from clients.render import _add, _fields, _list, _row, fen, label, when
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import public_service_pb2 as public_pb
from inspection.v1 import statistics_service_pb2 as stats_pb

__all__ = ["bars", "burden", "dashboard", "department", "monthly", "percent", "period_label", "write_svg"]

MONTHS = range(1, 13)
BAR_WIDTH = 40


def percent(share: stats_pb.Share) -> str:
    """``3/8 (37.50 %)``; basis points shown as a percentage without floating point."""
    if share.total == 0:
        return "–"
    whole, hundredths = divmod(share.basis_points, 100)
    return f"{share.count}/{share.total} ({whole}.{hundredths:02d} %)"


def _rating(value: stats_pb.RatingSummary) -> str:
    if value.count == 0:
        return "–"
    if value.withheld:
        return f"{value.count} rating{'s' if value.count > 1 else ''} (average withheld below 3)"
    whole, hundredths = divmod(value.average_hundredths, 100)
    return f"{whole}.{hundredths:02d} of 5 ({value.count} ratings)"


def _duration(seconds: int) -> str:
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    return " ".join(
        part
        for part in (f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min")
        if part
    )


def _on_time(value: stats_pb.OnTimeRate) -> str:
    if value.rate.total == 0 and value.pending == 0:
        return "–"
    parts = [percent(value.rate), f"late {value.late}", f"overdue {value.overdue}"]
    if value.pending:
        parts.append(f"not yet due {value.pending}")
    return ", ".join(parts)


def period_label(period: stats_pb.StatisticsPeriod) -> str:
    if period.month:
        return f"{period.year}-{period.month:02d}"
    if period.quarter:
        return f"{period.year}-Q{period.quarter}"
    return str(period.year)


def department(value: stats_pb.DepartmentStatistics, zone: ZoneInfo) -> RenderableType:
    who = value.department_code or "the district"
    head = _fields(f"Statistics of {who}, {period_label(value.period)}")
    _add(
        head,
        "period",
        f"{when(value.period_start_time, zone)} – {when(value.period_end_time, zone)} (end exclusive)",
    )
    _add(head, "inspections requested", str(value.inspections))
    _add(head, "joint (≥ 2 departments)", percent(value.joint))
    _add(head, "drawn at random (双随机)", percent(value.drawn))
    latency = value.approval_latency
    if latency.decided:
        p50, p90 = _duration(latency.p50.seconds), _duration(latency.p90.seconds)
        _add(head, "approval latency", f"p50 {p50}, p90 {p90} ({latency.decided} decided)")
    _add(head, "decisions on time", _on_time(value.decisions))
    _add(head, "filings on time", _on_time(value.filings))
    _add(head, "publications on time (一公开)", _on_time(value.publications))
    _add(head, "fees assessed", f"{fen(value.fees.assessed_fen)} ({value.fees.assessed_lines} lines)")
    _add(head, "fees paid", fen(value.fees.paid_fen))
    _add(head, "fees refunded", fen(value.fees.refunded_fen))
    _add(head, "rating", _rating(value.rating))
    _add(head, "computed", when(value.compute_time, zone))
    kinds = _list("By kind", "kind", "inspections")
    for k in value.by_kind:
        _row(kinds, label(common_pb.InspectionKind, "INSPECTION_KIND_", k.kind), str(k.count))
    states = _list("By state now", "state", "inspections")
    for s in value.by_state:
        _row(states, label(insp_pb.InspectionState, "INSPECTION_STATE_", s.state), str(s.count))
    alerts = _list("Alerts (预警) raised", "kind", "alerts")
    for a in value.alerts:
        _row(alerts, a.kind, str(a.count))
    return Group(head, kinds, states, alerts)


def burden(value: stats_pb.EnterpriseBurden) -> RenderableType:
    head = _fields(f"Inspection burden of {value.uscc} in {value.year} (as of {date_text(value.as_of)})")
    _add(head, "visit days this week", str(value.visits_this_week))
    _add(head, "visit days this month", str(value.visits_this_month))
    _add(head, "visit days this year", str(value.visits_this_year))
    table = _list("By department", "department", "routine / cap", "exempt kinds", "visit days")
    for d in value.departments:
        routine = Text(
            f"{d.routine} / {d.routine_cap}", style="bold red" if d.routine >= d.routine_cap else ""
        )
        table.add_row(Text(d.department_code), routine, Text(str(d.exempt)), Text(str(d.visits)))
    return Group(head, table)


def dashboard(value: public_pb.Dashboard) -> Table:
    table = _list(
        f"Public dashboard (一公开) {value.year}",
        "department",
        "month",
        "inspections",
        "joint",
        "drawn",
        "published on time",
        "rating",
    )
    for r in value.rows:
        _row(
            table,
            f"{r.department_code} {r.department_name}",
            f"{value.year}-{r.month:02d}",
            str(r.inspections),
            percent(r.joint),
            percent(r.drawn),
            percent(r.published_on_time),
            _rating(r.rating),
        )
    return table


def monthly(rows: Iterable[public_pb.DashboardRow]) -> dict[str, list[int]]:
    """Inspections per department and month (twelve counts each), departments in code order."""
    series: dict[str, list[int]] = {}
    for r in rows:
        series.setdefault(r.department_code, [0] * 12)[r.month - 1] = r.inspections
    return dict(sorted(series.items()))


def bars(series: dict[str, list[int]], *, title: str) -> Table:
    """Monthly inspections per department as bars in the terminal, one scale for all."""
    table = _list(title, "department", "month", "inspections", "")
    peak = max((n for counts in series.values() for n in counts), default=0)
    for code, counts in series.items():
        for month, count in zip(MONTHS, counts, strict=True):
            if not count:
                continue
            length = max(1, round(BAR_WIDTH * count / peak))
            table.add_row(
                Text(code), Text(f"{month:02d}"), Text(str(count)), Text("█" * length, style="cyan")
            )
        table.add_section()
    return table


def write_svg(
    series: dict[str, list[int]], path: Path, *, title: str, labels: Sequence[str] | None = None
) -> None:
    """The same figure as an SVG bar chart (pygal): months along, one bar per department."""
    chart = pygal.Bar(title=title, x_title="month", y_title="inspections", legend_at_bottom=True)
    chart.x_labels = list(labels) if labels else [f"{m:02d}" for m in MONTHS]
    for code, counts in series.items():
        chart.add(code, counts)
    path.write_bytes(chart.render())
