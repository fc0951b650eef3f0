"""``onecard card``: the card (一卡通) — summary, entries, verification and the live stream."""

from __future__ import annotations

from typing import Annotated

import typer

from clients import render
from clients.cli.common import (
    AllFlag,
    Department,
    JsonFlag,
    Limit,
    Uscc,
    choice_of,
    emit,
    handles_errors,
    make_console,
    options_of,
    wants_json,
)
from clients.facades import (
    CardReader,
)
from inspection.v1 import card_service_pb2 as card_pb

card_app = typer.Typer(
    help="An enterprise's card (一卡通): summary, entries, verification.", no_args_is_help=True
)


# --- the card ----------------------------------------------------------------------------------


@card_app.command("show")
@handles_errors
def card_show(ctx: typer.Context, uscc: Uscc, json_output: JsonFlag = False) -> None:
    """The card's summary: head, inspections this year by department, open inspections, unpaid fees."""
    options = options_of(ctx)
    with options.connect() as connection:
        summary = CardReader(connection).get_card(uscc)
    emit(ctx, json_output, summary, lambda: render.card(summary, options.zone))


@card_app.command("entries")
@handles_errors
def card_entries(
    ctx: typer.Context,
    uscc: Uscc,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="Only this kind, e.g. card-issued, inspection-requested (repeatable)."),
    ] = None,
    department: Department = "",
    limit: Limit = 50,
    everything: AllFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """The card's entries, oldest first, paging through the service as needed."""
    options = options_of(ctx)
    kinds = [choice_of(card_pb.CardEntryKind, "CARD_ENTRY_KIND_", k, "--kind") for k in kind or ()]
    with options.connect() as connection:
        found = CardReader(connection).card_entries(
            uscc, kinds=kinds, department_code=department, limit=None if everything else limit
        )
        rows = list(found)
    emit(ctx, json_output, rows, lambda: render.entries(rows, options.zone, title=f"Card entries of {uscc}"))


@card_app.command("verify")
@handles_errors
def card_verify(ctx: typer.Context, uscc: Uscc, json_output: JsonFlag = False) -> None:
    """Recompute the card's hash chain; exit code 1 and the first bad entry if it was altered."""
    with options_of(ctx).connect() as connection:
        result = CardReader(connection).verify_card(uscc)
    emit(ctx, json_output, result, lambda: render.verification(uscc, result))
    if not result.valid:
        raise typer.Exit(1)


@card_app.command("watch")
@handles_errors
def card_watch(
    ctx: typer.Context,
    uscc: Uscc,
    after_seq: Annotated[
        int, typer.Option(min=0, help="Start after this entry; 0 sends the whole card.")
    ] = 0,
    count: Annotated[
        int, typer.Option(min=0, help="Stop after this many entries; 0 watches until Ctrl-C.")
    ] = 0,
    json_output: JsonFlag = False,
) -> None:
    """Print entries as they are written on the card (advance notice of inspections)."""
    options = options_of(ctx)
    as_json = wants_json(ctx, json_output)
    console = make_console()
    with options.connect() as connection:
        stream = CardReader(connection).watch_card(uscc, after_seq=after_seq)
        try:
            for seen, entry in enumerate(stream, start=1):
                if as_json:
                    typer.echo(render.to_json(entry, lines=True))
                else:
                    console.print(render.entry_line(entry, options.zone))
                if count and seen >= count:
                    break
        except KeyboardInterrupt:
            pass
        finally:
            stream.close()
