"""``onecard draw``: random double selection (双随机) — plans, freeze, execution, and checking a
draw at home."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import asdict
from typing import Annotated

import typer

from clients import render_draws
from clients.cli.common import (
    AllFlag,
    Department,
    JsonFlag,
    Limit,
    Uscc,
    date_option,
    emit,
    fail,
    handles_errors,
    options_of,
    show,
    wants_json,
)
from clients.facades import DepartmentClient, DrawReader, OfficeClient, PublicClient
from inspection.v1 import draw_service_pb2 as draw_pb

draw_app = typer.Typer(help="Random double selection (双随机, DESIGN §6).", no_args_is_help=True)

PlanId = Annotated[str, typer.Argument(help="Draw plan id (D…).", show_default=False)]
Reason = Annotated[str, typer.Option(help="Why; recorded and published.", show_default=False)]


_RELATIVE = re.compile(r"^\+(\d{1,4})([mhd])$")


def _instant(value: str, option: str) -> dt.datetime:
    """An ISO time with its offset, or ``+Nm``, ``+Nh``, ``+Nd`` from now."""
    relative = _RELATIVE.match(value.strip())
    if relative:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[relative.group(2)]
        return dt.datetime.now(dt.UTC) + dt.timedelta(**{unit: int(relative.group(1))})
    try:
        found = dt.datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            "give an ISO time with its offset (2026-03-20T21:30+08:00) or +Nm, +Nh, +Nd", param_hint=option
        ) from None
    if found.tzinfo is None:
        raise typer.BadParameter("give the time with its offset, e.g. +08:00", param_hint=option)
    return found


def _ratios(values: list[str]) -> dict[str, float]:
    found = {}
    for value in values:
        cls, _, pct = value.partition("=")
        try:
            found[cls.strip().upper()] = float(pct)
        except ValueError:
            raise typer.BadParameter(
                f"{value!r}: give CLASS=PERCENT, e.g. A=5", param_hint="--ratio"
            ) from None
    return found


def _show_plan(ctx: typer.Context, json_output: bool, plan: draw_pb.DrawPlan) -> None:
    emit(ctx, json_output, plan, lambda: render_draws.plan(plan, options_of(ctx).zone))


@draw_app.command("plan")
@handles_errors
def draw_plan(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help="What is inspected.", show_default=False)],
    item: Annotated[
        list[str], typer.Option("--item", help="Checklist item (repeatable).", show_default=False)
    ],
    start: Annotated[str, typer.Option(help="First day of the window.", show_default=False)],
    end: Annotated[str, typer.Option(help="Last day of the window.", show_default=False)],
    legal_basis: Annotated[str, typer.Option(help="The law the inspections rest on.", show_default=False)],
    entropy_source: Annotated[
        str, typer.Option(help="The public entropy source, named in advance.", show_default=False)
    ],
    entropy_time: Annotated[
        str,
        typer.Option(
            help="When its value becomes public: ISO time with offset, or +Nm, +Nh, +Nd.", show_default=False
        ),
    ],
    department: Annotated[
        list[str], typer.Option("--with", help="Another department of a joint plan (repeatable).")
    ] = [],  # noqa: B006 (typer reads the default)
    district: Annotated[list[str], typer.Option(help="District code of the population (repeatable).")] = [],  # noqa: B006
    industry: Annotated[list[str], typer.Option(help="Industry code of the population (repeatable).")] = [],  # noqa: B006
    credit: Annotated[list[str], typer.Option(help="Credit class of the population (repeatable).")] = [],  # noqa: B006
    ratio: Annotated[
        list[str], typer.Option(help="Sampling ratio CLASS=PERCENT (default A=5 B=20 C=60 D=100).")
    ] = [],  # noqa: B006
    count: Annotated[int, typer.Option(min=0, help="Draw this many over the whole pool instead.")] = 0,
    inspectors: Annotated[int, typer.Option(min=0, help="Inspectors per enterprise per department.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the new plan's id.")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Ask both offices to approve a draw plan (department)."""
    with options_of(ctx).connect() as connection:
        plan = DepartmentClient(connection).create_draw_plan(
            title=title,
            item_codes=item,
            window_start=date_option(ctx, start, "--start"),
            window_end=date_option(ctx, end, "--end"),
            legal_basis=legal_basis,
            entropy_source=entropy_source,
            entropy_time=_instant(entropy_time, "--entropy-time"),
            department_codes=department,
            districts=district,
            industries=industry,
            credit_classes=list(credit),
            ratios_percent=_ratios(ratio),
            fixed_count=count,
            inspectors_per_enterprise=inspectors,
        )
    if quiet:
        typer.echo(plan.id)
        return
    _show_plan(ctx, json_output, plan)


@draw_app.command("decide")
@handles_errors
def draw_decide(
    ctx: typer.Context,
    plan_id: PlanId,
    approve: Annotated[
        bool, typer.Option("--approve/--reject", help="Approve or reject.", show_default=False)
    ],
    comment: Annotated[str, typer.Option(help="The office's comment (required to reject).")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Approve or reject a draw plan (legal office or supervision bureau)."""
    with options_of(ctx).connect() as connection:
        plan = OfficeClient(connection).decide_draw_plan(plan_id, approve=approve, comment=comment)
    _show_plan(ctx, json_output, plan)


@draw_app.command("freeze")
@handles_errors
def draw_freeze(ctx: typer.Context, plan_id: PlanId, json_output: JsonFlag = False) -> None:
    """Publish the pool and the parameters, before the entropy is public (the lead department)."""
    with options_of(ctx).connect() as connection:
        plan = DepartmentClient(connection).freeze_draw_plan(plan_id)
    _show_plan(ctx, json_output, plan)


@draw_app.command("execute")
@handles_errors
def draw_execute(
    ctx: typer.Context,
    plan_id: PlanId,
    entropy: Annotated[str, typer.Option(help="The value the named source published.", show_default=False)],
    json_output: JsonFlag = False,
) -> None:
    """Draw, once, with the published entropy (legal office or supervision bureau)."""
    with options_of(ctx).connect() as connection:
        plan = OfficeClient(connection).execute_draw(plan_id, entropy)
    _show_plan(ctx, json_output, plan)


@draw_app.command("show")
@handles_errors
def draw_show(ctx: typer.Context, plan_id: PlanId, json_output: JsonFlag = False) -> None:
    """A plan with all it published and what it drew (no token needed; names masked without one)."""
    with options_of(ctx).connect() as connection:
        plan = DrawReader(connection).draw_plan(plan_id)
    _show_plan(ctx, json_output, plan)


@draw_app.command("list")
@handles_errors
def draw_list(
    ctx: typer.Context,
    department: Department = "",
    state: Annotated[str, typer.Option(help="requested, approved, rejected, frozen or executed.")] = "",
    limit: Limit = 50,
    everything: AllFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """The public feed of draw plans, newest first (no token needed)."""
    with options_of(ctx).connect(anonymous=True) as connection:
        rows = list(
            PublicClient(connection).draw_plans(
                department_code=department, state=state or 0, limit=None if everything else limit
            )
        )
    emit(ctx, json_output, rows, lambda: render_draws.plans(rows))


@draw_app.command("pool")
@handles_errors
def draw_pool(ctx: typer.Context, plan_id: PlanId) -> None:
    """Write the published pool file to standard output (``USCC,CLASS`` lines)."""
    with options_of(ctx).connect(anonymous=True) as connection:
        data = PublicClient(connection).draw_pool(plan_id)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@draw_app.command("parameters")
@handles_errors
def draw_parameters(ctx: typer.Context, plan_id: PlanId) -> None:
    """Write the published parameters document (canonical JSON) to standard output."""
    with options_of(ctx).connect(anonymous=True) as connection:
        found = PublicClient(connection).draw_parameters(plan_id)
    sys.stdout.buffer.write(found.parameters_json.encode())
    sys.stdout.buffer.flush()


@draw_app.command("verify")
@handles_errors
def draw_verify(
    ctx: typer.Context,
    plan_id: PlanId,
    on_server: Annotated[
        bool, typer.Option("--on-server", help="Ask the service to re-run it instead.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Re-run a draw on this machine from the published pool, parameters and entropy alone, with
    the independent script of docs/draws.md, and compare. Exit code 1 if it does not reproduce."""
    with options_of(ctx).connect(anonymous=True) as connection:
        client = PublicClient(connection)
        if on_server:
            answer = client.verify_draw(plan_id)
            emit(ctx, json_output, answer, lambda: render_draws.server_verification(plan_id, answer))
            raise typer.Exit(0 if answer.verified else 1)
        try:
            found = client.verify_draw_locally(plan_id)
        except RuntimeError as error:
            fail(str(error))
    if wants_json(ctx, json_output):
        typer.echo(json.dumps({**asdict(found), "verified": found.verified}, ensure_ascii=False, indent=2))
    else:
        show(render_draws.local_verification(found))
    raise typer.Exit(0 if found.verified else 1)


@draw_app.command("replace")
@handles_errors
def draw_replace(
    ctx: typer.Context,
    plan_id: PlanId,
    uscc: Uscc,
    inspector: Annotated[
        str, typer.Option(help="The drawn inspector who cannot inspect.", show_default=False)
    ],
    reason: Reason,
    expect: Annotated[str, typer.Option(help="The replacement you expect (refused if not the next).")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Replace a drawn inspector by the next eligible one of the enterprise's ranking (the lead)."""
    with options_of(ctx).connect() as connection:
        found = DepartmentClient(connection).replace_drawn_inspector(
            plan_id, uscc, inspector, reason, replacement=expect
        )
    emit(ctx, json_output, found, lambda: render_draws.drawn([found], title=f"Drawn under {plan_id}"))


@draw_app.command("remove")
@handles_errors
def draw_remove(
    ctx: typer.Context, plan_id: PlanId, uscc: Uscc, reason: Reason, json_output: JsonFlag = False
) -> None:
    """Remove a drawn enterprise, with the reason; its inspection is cancelled (the lead)."""
    with options_of(ctx).connect() as connection:
        found = DepartmentClient(connection).remove_drawn_enterprise(plan_id, uscc, reason)
    emit(ctx, json_output, found, lambda: render_draws.drawn([found], title=f"Drawn under {plan_id}"))


@draw_app.command("redraw")
@handles_errors
def draw_redraw(
    ctx: typer.Context,
    plan_id: PlanId,
    reason: Reason,
    entropy_source: Annotated[str, typer.Option(help="The new entropy source.", show_default=False)],
    entropy_time: Annotated[str, typer.Option(help="When its value becomes public.", show_default=False)],
    json_output: JsonFlag = False,
) -> None:
    """Ask both offices to approve a redraw, with the reason (the lead)."""
    with options_of(ctx).connect() as connection:
        plan = DepartmentClient(connection).request_redraw(
            plan_id,
            reason,
            entropy_source=entropy_source,
            entropy_time=_instant(entropy_time, "--entropy-time"),
        )
    _show_plan(ctx, json_output, plan)
