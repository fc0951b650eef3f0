"""``onecard alerts``: oversight (电子监察) — the alerts the service raised, watched as they come,
acknowledged and resolved by the supervision bureau or the legal office."""

from __future__ import annotations

from typing import Annotated

import typer

from clients import render, render_alerts
from clients.cli.common import (
    AllFlag,
    Department,
    JsonFlag,
    Limit,
    choice_of,
    emit,
    handles_errors,
    make_console,
    options_of,
    wants_json,
)
from clients.facades import AlertHandler, AlertReader
from inspection.v1 import oversight_service_pb2 as ov_pb

alerts_app = typer.Typer(help="Oversight alerts (电子监察, DESIGN §9).", no_args_is_help=True)

AlertId = Annotated[str, typer.Argument(help="Alert id (AL…).", show_default=False)]
RequestId = Annotated[str, typer.Option(help="Retry-safe request id (a UUID by default).")]


@alerts_app.command("list")
@handles_errors
def alerts_list(
    ctx: typer.Context,
    kind: Annotated[
        list[str] | None,
        typer.Option(help="Only this kind (repeatable): decision-overdue, visits-per-week-exceeded, …"),
    ] = None,
    state: Annotated[
        list[str] | None, typer.Option(help="Only this state (repeatable): open, acknowledged, resolved.")
    ] = None,
    department: Department = "",
    uscc: Annotated[str, typer.Option(help="Only alerts about this enterprise.")] = "",
    limit: Limit = 50,
    everything: AllFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """Alerts, newest first (the offices see all; a department those about itself)."""
    kinds = [choice_of(ov_pb.AlertKind, "ALERT_KIND_", k, "--kind") for k in kind or []]
    states = [choice_of(ov_pb.AlertState, "ALERT_STATE_", s, "--state") for s in state or []]
    options = options_of(ctx)
    with options.connect() as connection:
        rows = list(
            AlertReader(connection).alerts(
                kinds=kinds,
                states=states,
                department_code=department,
                uscc=uscc,
                limit=None if everything else limit,
            )
        )
    emit(ctx, json_output, rows, lambda: render_alerts.alerts(rows, options.zone))


@alerts_app.command("show")
@handles_errors
def alerts_show(ctx: typer.Context, alert_id: AlertId, json_output: JsonFlag = False) -> None:
    """One alert with the facts that raised it."""
    options = options_of(ctx)
    with options.connect() as connection:
        row = AlertReader(connection).get_alert(alert_id)
    emit(ctx, json_output, row, lambda: render_alerts.alert(row, options.zone))


@alerts_app.command("watch")
@handles_errors
def alerts_watch(
    ctx: typer.Context,
    count: Annotated[
        int, typer.Option(min=0, help="Stop after this many alerts; 0 watches until Ctrl-C.")
    ] = 0,
    json_output: JsonFlag = False,
) -> None:
    """Print alerts as the service raises them."""
    options = options_of(ctx)
    as_json = wants_json(ctx, json_output)
    console = make_console()
    with options.connect() as connection:
        stream = AlertReader(connection).watch_alerts()
        try:
            for seen, row in enumerate(stream, start=1):
                if as_json:
                    typer.echo(render.to_json(row, lines=True))
                else:
                    console.print(render_alerts.alert_line(row, options.zone))
                if count and seen >= count:
                    break
        except KeyboardInterrupt:
            pass
        finally:
            stream.close()


@alerts_app.command("ack")
@handles_errors
def alerts_ack(
    ctx: typer.Context, alert_id: AlertId, request_id: RequestId = "", json_output: JsonFlag = False
) -> None:
    """Acknowledge an alert: your office is acting on it (已受理)."""
    options = options_of(ctx)
    with options.connect() as connection:
        change = AlertHandler(connection).acknowledge_alert(alert_id, request_id=request_id or None)
    emit(ctx, json_output, change, lambda: render_alerts.alert(change.alert, options.zone))


@alerts_app.command("resolve")
@handles_errors
def alerts_resolve(
    ctx: typer.Context,
    alert_id: AlertId,
    note: Annotated[
        str, typer.Option(help="What was done (required; on the enterprise's card).", show_default=False)
    ],
    request_id: RequestId = "",
    json_output: JsonFlag = False,
) -> None:
    """Resolve an alert with a note of what was done (已办结)."""
    options = options_of(ctx)
    with options.connect() as connection:
        change = AlertHandler(connection).resolve_alert(alert_id, note, request_id=request_id or None)
    emit(ctx, json_output, change, lambda: render_alerts.alert(change.alert, options.zone))
