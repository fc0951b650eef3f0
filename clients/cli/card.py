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
    jsonl: Annotated[
        bool,
        typer.Option("--jsonl", help="One JSON object per entry per line (for docs/card.md's verifier)."),
    ] = False,
) -> None:
    """The card's entries, oldest first, paging through the service as needed."""
    options = options_of(ctx)
    kinds = [choice_of(card_pb.CardEntryKind, "CARD_ENTRY_KIND_", k, "--kind") for k in kind or ()]
    with options.connect() as connection:
        found = CardReader(connection).card_entries(
            uscc, kinds=kinds, department_code=department, limit=None if everything else limit
        )
        if jsonl:
            for entry in found:
                typer.echo(render.to_json(entry, lines=True))
            return
        rows = list(found)
    emit(ctx, json_output, rows, lambda: render.entries(rows, options.zone, title=f"Card entries of {uscc}"))


@card_app.command("verify")
@handles_errors
def card_verify(
    ctx: typer.Context,
    uscc: Uscc,
    head: Annotated[
        str,
        typer.Option(
            "--head",
            metavar="SEQ:HASH",
            help="A card head you kept (from a write's answer): also prove the card still extends it.",
        ),
    ] = "",
    json_output: JsonFlag = False,
) -> None:
    """Recompute the card's hash chain; exit code 1 and the first bad entry if it was altered, or
    if it no longer extends the head given with --head."""
    kept = _kept_head(head) if head else None
    with options_of(ctx).connect() as connection:
        result = CardReader(connection).verify_card(uscc, kept_head=kept)
    emit(ctx, json_output, result, lambda: render.verification(uscc, result, kept=kept is not None))
    if not result.valid or (kept is not None and not result.extends_kept_head):
        raise typer.Exit(1)


def _kept_head(text: str) -> tuple[int, str]:
    seq, colon, digest = text.partition(":")
    if not colon or not seq.strip().isdigit() or int(seq) < 1 or len(digest.strip()) != 64:
        raise typer.BadParameter(
            "use SEQ:HASH, e.g. 12:3f5a… (the 64 hex digits of entry_hash)", param_hint="--head"
        )
    return int(seq), digest.strip().lower()


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
