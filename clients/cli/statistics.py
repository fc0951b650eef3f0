"""``onecard stats department|enterprise|dashboard``: statistics for oversight (电子监察 统计) and
the public dashboard (一公开), as tables, as bars in the terminal and as an SVG (``--plot``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clients import render_statistics
from clients.cli.common import JsonFlag, Uscc, emit, fail, handles_errors, options_of, show, wants_json
from clients.facades import DashboardReader, StatisticsReader

stats_app = typer.Typer(
    help="Statistics (电子监察 统计) by department and period, an enterprise's burden, the public dashboard.",
    no_args_is_help=True,
)

Year = Annotated[int, typer.Option("--year", help="Calendar year (district time); default this year.")]
Plot = Annotated[
    Path | None, typer.Option("--plot", help="Also write the monthly chart as an SVG file.", dir_okay=False)
]


@stats_app.command("department")
@handles_errors
def stats_department(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Department code; omit for the whole district (offices).")] = "",
    year: Year = 0,
    month: Annotated[int, typer.Option("--month", min=0, max=12, help="One month of the year.")] = 0,
    quarter: Annotated[int, typer.Option("--quarter", min=0, max=4, help="One quarter of the year.")] = 0,
    json_output: JsonFlag = False,
) -> None:
    """A department's figures for a year, month or quarter: inspections by kind and state, joint
    and drawn shares, approval latency, on-time rates, fees, alerts, rating."""
    if month and quarter:
        fail("give --month or --quarter, not both")
    options = options_of(ctx)
    with options.connect() as connection:
        figures = StatisticsReader(connection).department_statistics(
            code, year=year or options.today().year, month=month, quarter=quarter
        )
    emit(ctx, json_output, figures, lambda: render_statistics.department(figures, options.zone))


@stats_app.command("enterprise")
@handles_errors
def stats_enterprise(ctx: typer.Context, uscc: Uscc, json_output: JsonFlag = False) -> None:
    """An enterprise's visits this week, month and year, and its routine inspections per
    department against the frequency cap."""
    with options_of(ctx).connect() as connection:
        burden = StatisticsReader(connection).enterprise_burden(uscc)
    emit(ctx, json_output, burden, lambda: render_statistics.burden(burden))


@stats_app.command("dashboard")
@handles_errors
def stats_dashboard(
    ctx: typer.Context,
    year: Year = 0,
    plot: Plot = None,
    bars: Annotated[bool, typer.Option("--bars/--no-bars", help="Monthly bars after the table.")] = True,
    json_output: JsonFlag = False,
) -> None:
    """The public dashboard (一公开): per department and month, inspections, joint and drawn shares,
    results published on time, average rating. Needs no token."""
    options = options_of(ctx)
    with options.connect(anonymous=True) as connection:
        board = DashboardReader(connection).dashboard(year or options.today().year)
    series = render_statistics.monthly(board.rows)
    title = f"Inspections per department and month, {board.year}"
    if plot is not None:
        render_statistics.write_svg(series, plot, title=title)
    if wants_json(ctx, json_output):
        emit(ctx, True, board, lambda: None)
        return
    show(render_statistics.dashboard(board))
    if bars and series:
        show(render_statistics.bars(series, title=title))
    if plot is not None:
        typer.echo(f"chart written to {plot}")
