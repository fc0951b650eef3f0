"""``onecard import``: bulk import of directories from CSV files, in chunks with a progress bar."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from clients import render
from clients.cli.common import (
    JsonFlag,
    handles_errors,
    options_of,
    show,
    wants_json,
)
from clients.csvchunks import DEFAULT_ROWS_PER_CHUNK
from clients.facades import (
    AdminClient,
    ImportSummary,
)

import_app = typer.Typer(help="Bulk import of directories from CSV files.", no_args_is_help=True)


# --- bulk import -------------------------------------------------------------------------------

CsvFile = Annotated[
    Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="UTF-8 CSV with a header row.")
]
ChunkRows = Annotated[int, typer.Option(min=1, max=50_000, help="Rows sent per call.")]
RequestIdPrefix = Annotated[
    str,
    typer.Option(
        help="Request ids <prefix>-1, <prefix>-2… so re-running an interrupted import repeats nothing."
    ),
]


def _run_import(
    ctx: typer.Context,
    file: Path,
    what: str,
    json_output: bool,
    work: Callable[[AdminClient, bytes, Callable[[int, int], None]], ImportSummary],
) -> None:
    data = file.read_bytes()
    with (
        options_of(ctx).connect() as connection,
        Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        ) as progress,
    ):
        task = progress.add_task(f"importing {file.name}", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = work(AdminClient(connection), data, advance)
    if wants_json(ctx, json_output):
        typer.echo(json.dumps(dataclasses.asdict(summary), ensure_ascii=False, indent=2))
    else:
        show(render.import_summary(summary, what))
    if not summary.ok:
        raise typer.Exit(1)


@import_app.command("enterprises")
@handles_errors
def import_enterprises(
    ctx: typer.Context,
    file: CsvFile,
    chunk_rows: ChunkRows = DEFAULT_ROWS_PER_CHUNK,
    request_id_prefix: RequestIdPrefix = "",
    json_output: JsonFlag = False,
) -> None:
    """Import enterprises (admin); columns uscc,name,above_designated_size,industry,district,
    credit_class,white_listed. Exit code 1 if any row was refused."""
    _run_import(
        ctx,
        file,
        "enterprise",
        json_output,
        lambda admin, data, advance: admin.import_enterprises(
            data, rows_per_chunk=chunk_rows, progress=advance, request_id_prefix=request_id_prefix or None
        ),
    )


@import_app.command("inspectors")
@handles_errors
def import_inspectors(
    ctx: typer.Context,
    file: CsvFile,
    chunk_rows: ChunkRows = DEFAULT_ROWS_PER_CHUNK,
    request_id_prefix: RequestIdPrefix = "",
    json_output: JsonFlag = False,
) -> None:
    """Import inspectors (admin); columns id,department_code,name,certificate_number,
    certificate_expiry,active. Exit code 1 if any row was refused."""
    _run_import(
        ctx,
        file,
        "inspector",
        json_output,
        lambda admin, data, advance: admin.import_inspectors(
            data, rows_per_chunk=chunk_rows, progress=advance, request_id_prefix=request_id_prefix or None
        ),
    )
