"""``onecard enterprise``: enterprises in the registry."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Group

from clients import render
from clients.cli.common import (
    AllFlag,
    JsonFlag,
    Limit,
    Uscc,
    choice_of,
    emit,
    handles_errors,
    options_of,
)
from clients.facades import (
    AdminClient,
    CardReader,
    StaffReader,
)
from inspection.v1 import common_pb2 as common_pb

enterprise_app = typer.Typer(help="Enterprises in the registry.", no_args_is_help=True)


# --- enterprises -------------------------------------------------------------------------------


@enterprise_app.command("get")
@handles_errors
def enterprise_get(ctx: typer.Context, uscc: Uscc, json_output: JsonFlag = False) -> None:
    """One enterprise as registered."""
    options = options_of(ctx)
    with options.connect() as connection:
        found = CardReader(connection).get_enterprise(uscc)
    emit(ctx, json_output, found, lambda: render.enterprise(found, options.zone))


CreditOption = Annotated[str, typer.Option("--credit-class", help="Credit-risk class A, B, C or D.")]


@enterprise_app.command("list")
@handles_errors
def enterprise_list(
    ctx: typer.Context,
    district: Annotated[str, typer.Option(help="Only this district.")] = "",
    industry: Annotated[str, typer.Option(help="Only this industry.")] = "",
    credit_class: CreditOption = "",
    limit: Limit = 50,
    everything: AllFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """Enterprises by USCC, optionally filtered."""
    credit = (
        choice_of(common_pb.CreditClass, "CREDIT_CLASS_", credit_class, "--credit-class")
        if credit_class
        else 0
    )
    with options_of(ctx).connect() as connection:
        found = StaffReader(connection).enterprises(
            district=district, industry=industry, credit_class=credit, limit=None if everything else limit
        )
        rows = list(found)
    emit(ctx, json_output, rows, lambda: render.enterprises(rows))


@enterprise_app.command("create")
@handles_errors
def enterprise_create(
    ctx: typer.Context,
    uscc: Annotated[str, typer.Option(help="Unified social credit code, 18 characters.", show_default=False)],
    name: Annotated[str, typer.Option(help="Registered name.", show_default=False)],
    industry: Annotated[str, typer.Option()] = "",
    district: Annotated[str, typer.Option()] = "",
    credit_class: CreditOption = "B",
    above_designated_size: Annotated[
        bool, typer.Option("--above-designated-size", help="规模以上 enterprise.")
    ] = False,
    white_listed: Annotated[
        bool, typer.Option("--white-listed", help="无事不扰: no routine inspections.")
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Register an enterprise and issue its card (admin)."""
    options = options_of(ctx)
    choice_of(common_pb.CreditClass, "CREDIT_CLASS_", credit_class, "--credit-class")
    with options.connect() as connection:
        created = AdminClient(connection).create_enterprise(
            uscc,
            name,
            industry=industry,
            district=district,
            credit_class=credit_class,
            above_designated_size=above_designated_size,
            white_listed=white_listed,
        )
    emit(
        ctx,
        json_output,
        created,
        lambda: Group(render.enterprise(created.enterprise, options.zone), render.head(created.card_head)),
    )


@enterprise_app.command("update")
@handles_errors
def enterprise_update(
    ctx: typer.Context,
    uscc: Uscc,
    name: Annotated[str | None, typer.Option(help="New registered name.")] = None,
    industry: Annotated[str | None, typer.Option()] = None,
    district: Annotated[str | None, typer.Option()] = None,
    credit_class: Annotated[str | None, typer.Option("--credit-class", help="A, B, C or D.")] = None,
    above_designated_size: Annotated[
        bool | None, typer.Option("--above-designated-size/--below-designated-size")
    ] = None,
    white_listed: Annotated[bool | None, typer.Option("--white-listed/--not-white-listed")] = None,
    json_output: JsonFlag = False,
) -> None:
    """Change the given fields only (admin); the card records each old and new value."""
    options = options_of(ctx)
    changes: dict[str, Any] = {
        key: value
        for key, value in {
            "name": name,
            "industry": industry,
            "district": district,
            "above_designated_size": above_designated_size,
            "white_listed": white_listed,
        }.items()
        if value is not None
    }
    if credit_class is not None:
        changes["credit_class"] = choice_of(
            common_pb.CreditClass, "CREDIT_CLASS_", credit_class, "--credit-class"
        )
    if not changes:
        raise typer.BadParameter("name at least one field to change, e.g. --credit-class C")
    with options.connect() as connection:
        updated = AdminClient(connection).update_enterprise(uscc, changes)
    emit(
        ctx,
        json_output,
        updated,
        lambda: Group(render.enterprise(updated.enterprise, options.zone), render.head(updated.card_head)),
    )
