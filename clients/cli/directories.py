"""``onecard department|inspector|item|fee|recusal list``: the published directories."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer
from rich.console import RenderableType

from clients import render
from clients.cli.common import (
    Department,
    JsonFlag,
    Limit,
    emit,
    handles_errors,
    options_of,
)
from clients.connection import Connection
from clients.facades import (
    DirectoryReader,
    StaffReader,
)

department_app = typer.Typer(help="Departments.", no_args_is_help=True)
inspector_app = typer.Typer(help="Certified inspectors (执法人员).", no_args_is_help=True)
item_app = typer.Typer(help="Checklist items (检查事项).", no_args_is_help=True)
fee_app = typer.Typer(help="The fee catalogue (收费清单).", no_args_is_help=True)
recusal_app = typer.Typer(help="Recusals (回避).", no_args_is_help=True)


# --- directories -------------------------------------------------------------------------------


def _listing(
    ctx: typer.Context,
    json_output: bool,
    fetch: Callable[[Connection], Iterable[Any]],
    table: Callable[[list[Any]], RenderableType],
) -> None:
    with options_of(ctx).connect() as connection:
        rows = list(fetch(connection))
    emit(ctx, json_output, rows, lambda: table(rows))


@department_app.command("list")
@handles_errors
def department_list(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """Every department."""
    _listing(ctx, json_output, lambda c: DirectoryReader(c).departments(), render.departments)


@inspector_app.command("list")
@handles_errors
def inspector_list(
    ctx: typer.Context, department: Department = "", limit: Limit = 200, json_output: JsonFlag = False
) -> None:
    """Inspectors, with whether each is certified today (only they may be named on an inspection)."""
    _listing(
        ctx,
        json_output,
        lambda c: StaffReader(c).inspectors(department_code=department, limit=limit),
        render.inspectors,
    )


@item_app.command("list")
@handles_errors
def item_list(
    ctx: typer.Context, department: Department = "", limit: Limit = 200, json_output: JsonFlag = False
) -> None:
    """Published checklist items with their legal basis."""
    _listing(
        ctx,
        json_output,
        lambda c: DirectoryReader(c).checklist_items(department_code=department, limit=limit),
        render.checklist_items,
    )


@fee_app.command("list")
@handles_errors
def fee_list(
    ctx: typer.Context, department: Department = "", limit: Limit = 200, json_output: JsonFlag = False
) -> None:
    """The fee catalogue; amounts are standard amounts per unit (integer fen, shown in yuan)."""
    _listing(
        ctx,
        json_output,
        lambda c: DirectoryReader(c).fee_items(department_code=department, limit=limit),
        render.fee_items,
    )


@recusal_app.command("list")
@handles_errors
def recusal_list(
    ctx: typer.Context,
    uscc: Annotated[str, typer.Option(help="Only this enterprise.")] = "",
    inspector: Annotated[str, typer.Option(help="Only this inspector.")] = "",
    limit: Limit = 200,
    json_output: JsonFlag = False,
) -> None:
    """Inspector–enterprise pairs that must never meet."""
    zone = options_of(ctx).zone
    _listing(
        ctx,
        json_output,
        lambda c: StaffReader(c).recusals(uscc=uscc, inspector_id=inspector, limit=limit),
        lambda rows: render.recusals(rows, zone),
    )
