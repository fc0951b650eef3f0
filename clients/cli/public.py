"""``onecard public``: the public feed (一公开); no token needed."""

from __future__ import annotations

from typing import Annotated

import typer

from clients import render
from clients.cli.common import (
    AllFlag,
    Department,
    JsonFlag,
    Limit,
    emit,
    handles_errors,
    options_of,
)
from clients.facades import (
    PublicClient,
)

public_app = typer.Typer(help="The public feed (一公开); no token needed.", no_args_is_help=True)


# --- the public feed ---------------------------------------------------------------------------


@public_app.command("results")
@handles_errors
def public_results(
    ctx: typer.Context,
    uscc: Annotated[str, typer.Option(help="Only this enterprise.")] = "",
    department: Department = "",
    limit: Limit = 50,
    everything: AllFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """Published inspection results, personal names masked. Needs no token."""
    options = options_of(ctx)
    with options.connect(anonymous=True) as connection:
        found = PublicClient(connection).published_results(
            uscc=uscc, department_code=department, limit=None if everything else limit
        )
        rows = list(found)
    emit(ctx, json_output, rows, lambda: render.published_results(rows, options.zone))
