"""``onecard``: the command line of the inspection one-card registry (涉企行政检查一卡通).

Talks to ``ONECARD_TARGET`` with the bearer token in ``ONECARD_TOKEN``. Tables for people,
``--json`` for scripts. Exit codes: 0 done; 1 a negative answer (a card that does not verify, an
invalid inspection code, import rows refused); 2 the service refused the call or the command
was used wrongly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import grpc
import typer
from google.protobuf.message import Message
from rich.console import Console, Group, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from clients import render
from clients.connection import DEFAULT_TARGET, Connection
from clients.csvchunks import DEFAULT_ROWS_PER_CHUNK, CsvFileError
from clients.errors import ServiceError
from clients.facades import (
    AdminClient,
    CardReader,
    CodeVerifier,
    DepartmentClient,
    DirectoryReader,
    EnterpriseClient,
    ImportSummary,
    InspectionReader,
    OfficeClient,
    PublicClient,
    StaffReader,
    enum_value,
    token_claims,
)
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as insp_pb

P = ParamSpec("P")
PIPED_WIDTH = 160
T = TypeVar("T")

app = typer.Typer(
    help="The inspection one-card registry (涉企行政检查一卡通) from the command line.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
card_app = typer.Typer(
    help="An enterprise's card (一卡通): summary, entries, verification.", no_args_is_help=True
)
enterprise_app = typer.Typer(help="Enterprises in the registry.", no_args_is_help=True)
import_app = typer.Typer(help="Bulk import of directories from CSV files.", no_args_is_help=True)
department_app = typer.Typer(help="Departments.", no_args_is_help=True)
inspector_app = typer.Typer(help="Certified inspectors (执法人员).", no_args_is_help=True)
item_app = typer.Typer(help="Checklist items (检查事项).", no_args_is_help=True)
fee_app = typer.Typer(help="The fee catalogue (收费清单).", no_args_is_help=True)
recusal_app = typer.Typer(help="Recusals (回避).", no_args_is_help=True)
inspection_app = typer.Typer(help="Inspections under joint approval (DESIGN §4).", no_args_is_help=True)
emergency_app = typer.Typer(
    help="Emergency inspections, filed afterwards (事后登记备案).", no_args_is_help=True
)
public_app = typer.Typer(help="The public feed (一公开); no token needed.", no_args_is_help=True)

app.add_typer(card_app, name="card")
app.add_typer(enterprise_app, name="enterprise")
app.add_typer(import_app, name="import")
app.add_typer(department_app, name="department")
app.add_typer(inspector_app, name="inspector")
app.add_typer(item_app, name="item")
app.add_typer(fee_app, name="fee")
app.add_typer(recusal_app, name="recusal")
app.add_typer(inspection_app, name="inspection")
inspection_app.add_typer(emergency_app, name="emergency")
app.add_typer(public_app, name="public")


# --- options shared by every command -----------------------------------------------------------


@dataclass
class Options:
    target: str = DEFAULT_TARGET
    token: str = ""
    json: bool = False
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo(render.DEFAULT_TIMEZONE))
    root_cert: Path | None = None
    tls: bool = False

    def connect(self, *, anonymous: bool = False) -> Connection:
        return Connection(
            self.target,
            None if anonymous else self.token,
            tls=self.tls,
            root_certificates=self.root_cert.read_bytes() if self.root_cert else None,
        )

    def today(self) -> dt.date:
        return dt.datetime.now(self.zone).date()


@app.callback()
def root(
    ctx: typer.Context,
    target: Annotated[
        str, typer.Option(envvar="ONECARD_TARGET", help="host:port of the one-card service.")
    ] = DEFAULT_TARGET,
    token: Annotated[
        str,
        typer.Option(
            envvar="ONECARD_TOKEN", help="Bearer token (inspection token issue …).", show_default=False
        ),
    ] = "",
    json_output: Annotated[bool, typer.Option("--json", help="Print ProtoJSON instead of tables.")] = False,
    timezone: Annotated[
        str, typer.Option(envvar="ONECARD_TIMEZONE", help="Time zone for showing times and 'today'.")
    ] = render.DEFAULT_TIMEZONE,
    tls: Annotated[bool, typer.Option(envvar="ONECARD_TLS", help="Use TLS with the system's roots.")] = False,
    tls_root_cert: Annotated[
        Path | None,
        typer.Option(
            envvar="ONECARD_TLS_ROOT_CERT", help="PEM root certificate; implies TLS.", dir_okay=False
        ),
    ] = None,
) -> None:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise typer.BadParameter(f"unknown time zone {timezone!r}", param_hint="--timezone") from exc
    ctx.obj = Options(
        target=target, token=token, json=json_output, zone=zone, root_cert=tls_root_cert, tls=tls
    )


JsonFlag = Annotated[bool, typer.Option("--json", help="Print ProtoJSON instead of a table.")]
Limit = Annotated[int, typer.Option(min=1, help="Show at most this many.")]
AllFlag = Annotated[bool, typer.Option("--all", help="Page through everything (ignores --limit).")]
Uscc = Annotated[
    str, typer.Argument(help="Unified social credit code (统一社会信用代码).", show_default=False)
]
InspectionId = Annotated[str, typer.Argument(help="Inspection id.", show_default=False)]
Department = Annotated[str, typer.Option("--department", help="Department code.")]


def _options(ctx: typer.Context) -> Options:
    options = ctx.obj
    if not isinstance(options, Options):  # a command invoked without the root callback
        options = Options()
        ctx.obj = options
    return options


def handles_errors(command: Callable[P, T]) -> Callable[P, T]:
    """Turns a refused call into a one-paragraph message on stderr and exit code 2 — never a
    traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return command(*args, **kwargs)
        except ServiceError as error:
            _fail(error.describe())
        except CsvFileError as error:
            _fail(f"cannot read the CSV file: {error}")
        except OSError as error:
            _fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
        except KeyboardInterrupt:
            raise typer.Exit(130) from None

    return run


def _fail(message: str) -> NoReturn:
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        Text.assemble(("error: ", "bold red"), message)
    )
    raise typer.Exit(2)


def _console() -> Console:
    # Piped output is read by people too (less, CI logs): give tables room instead of 80 columns.
    wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, width=PIPED_WIDTH if wide else None)


def _show(renderable: RenderableType | None) -> None:
    if renderable is not None:
        _console().print(renderable)


def _emit(
    ctx: typer.Context,
    json_flag: bool,
    value: Message | Sequence[Message],
    table: Callable[[], RenderableType | None],
) -> None:
    """Prints ``value`` as JSON when asked (per command or globally), else the table."""
    if json_flag or _options(ctx).json:
        typer.echo(render.to_json(value))
    else:
        _show(table())


def _wants_json(ctx: typer.Context, json_flag: bool) -> bool:
    return json_flag or _options(ctx).json


def _choice(enum_type: Any, prefix: str, value: str, option: str) -> Any:
    try:
        return enum_value(enum_type, prefix, value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


_RELATIVE = re.compile(r"^\+(\d{1,4})d$")


def _date(ctx: typer.Context, value: str, option: str) -> str:
    """``YYYY-MM-DD``, ``today``, ``tomorrow`` or ``+Nd`` (N days from today, in --timezone)."""
    if not value:
        return ""
    today = _options(ctx).today()
    lowered = value.strip().lower()
    if lowered == "today":
        return today.isoformat()
    if lowered == "tomorrow":
        return (today + dt.timedelta(days=1)).isoformat()
    relative = _RELATIVE.match(lowered)
    if relative:
        return (today + dt.timedelta(days=int(relative.group(1)))).isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date: use YYYY-MM-DD, today, tomorrow or +Nd", param_hint=option
        ) from None


# --- whoami ------------------------------------------------------------------------------------


@app.command()
@handles_errors
def whoami(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """Who the current token says you are (read locally; the service checks the signature)."""
    options = _options(ctx)
    claims = token_claims(options.token) if options.token else {}
    if _wants_json(ctx, json_output):
        typer.echo(json.dumps({"target": options.target, **claims}, ensure_ascii=False, indent=2))
        return
    if not claims:
        _show(Text(f"no token (anonymous) — target {options.target}; set ONECARD_TOKEN to act as a role"))
        return
    expires = dt.datetime.fromtimestamp(int(claims.get("exp", 0)), options.zone).strftime("%Y-%m-%d %H:%M")
    org = f" of {claims['org']}" if claims.get("org") else ""
    _show(
        Text(
            f"{claims.get('sub')} — role {claims.get('role')}{org}; token expires {expires}; "
            f"target {options.target}"
        )
    )


# --- the card ----------------------------------------------------------------------------------


@card_app.command("show")
@handles_errors
def card_show(ctx: typer.Context, uscc: Uscc, json_output: JsonFlag = False) -> None:
    """The card's summary: head, inspections this year by department, open inspections, unpaid fees."""
    options = _options(ctx)
    with options.connect() as connection:
        summary = CardReader(connection).get_card(uscc)
    _emit(ctx, json_output, summary, lambda: render.card(summary, options.zone))


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
    options = _options(ctx)
    kinds = [_choice(card_pb.CardEntryKind, "CARD_ENTRY_KIND_", k, "--kind") for k in kind or ()]
    with options.connect() as connection:
        found = CardReader(connection).card_entries(
            uscc, kinds=kinds, department_code=department, limit=None if everything else limit
        )
        rows = list(found)
    _emit(ctx, json_output, rows, lambda: render.entries(rows, options.zone, title=f"Card entries of {uscc}"))


@card_app.command("verify")
@handles_errors
def card_verify(ctx: typer.Context, uscc: Uscc, json_output: JsonFlag = False) -> None:
    """Recompute the card's hash chain; exit code 1 and the first bad entry if it was altered."""
    with _options(ctx).connect() as connection:
        result = CardReader(connection).verify_card(uscc)
    _emit(ctx, json_output, result, lambda: render.verification(uscc, result))
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
    options = _options(ctx)
    as_json = _wants_json(ctx, json_output)
    console = _console()
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


# --- enterprises -------------------------------------------------------------------------------


@enterprise_app.command("get")
@handles_errors
def enterprise_get(ctx: typer.Context, uscc: Uscc, json_output: JsonFlag = False) -> None:
    """One enterprise as registered."""
    options = _options(ctx)
    with options.connect() as connection:
        found = CardReader(connection).get_enterprise(uscc)
    _emit(ctx, json_output, found, lambda: render.enterprise(found, options.zone))


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
        _choice(common_pb.CreditClass, "CREDIT_CLASS_", credit_class, "--credit-class") if credit_class else 0
    )
    with _options(ctx).connect() as connection:
        found = StaffReader(connection).enterprises(
            district=district, industry=industry, credit_class=credit, limit=None if everything else limit
        )
        rows = list(found)
    _emit(ctx, json_output, rows, lambda: render.enterprises(rows))


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
    options = _options(ctx)
    _choice(common_pb.CreditClass, "CREDIT_CLASS_", credit_class, "--credit-class")
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
    _emit(
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
    options = _options(ctx)
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
        changes["credit_class"] = _choice(
            common_pb.CreditClass, "CREDIT_CLASS_", credit_class, "--credit-class"
        )
    if not changes:
        raise typer.BadParameter("name at least one field to change, e.g. --credit-class C")
    with options.connect() as connection:
        updated = AdminClient(connection).update_enterprise(uscc, changes)
    _emit(
        ctx,
        json_output,
        updated,
        lambda: Group(render.enterprise(updated.enterprise, options.zone), render.head(updated.card_head)),
    )


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
        _options(ctx).connect() as connection,
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
    if _wants_json(ctx, json_output):
        typer.echo(json.dumps(dataclasses.asdict(summary), ensure_ascii=False, indent=2))
    else:
        _show(render.import_summary(summary, what))
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


# --- directories -------------------------------------------------------------------------------


def _listing(
    ctx: typer.Context,
    json_output: bool,
    fetch: Callable[[Connection], Iterable[Any]],
    table: Callable[[list[Any]], RenderableType],
) -> None:
    with _options(ctx).connect() as connection:
        rows = list(fetch(connection))
    _emit(ctx, json_output, rows, lambda: table(rows))


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
    zone = _options(ctx).zone
    _listing(
        ctx,
        json_output,
        lambda c: StaffReader(c).recusals(uscc=uscc, inspector_id=inspector, limit=limit),
        lambda rows: render.recusals(rows, zone),
    )


# --- inspections -------------------------------------------------------------------------------

Items = Annotated[
    list[str], typer.Option("--item", help="Checklist item code (repeatable).", show_default=False)
]
Inspectors = Annotated[
    list[str],
    typer.Option(
        "--inspector", help="Certified inspector id (repeatable; at least two).", show_default=False
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the new inspection's id.")]


def _show_change(ctx: typer.Context, json_output: bool, result: insp_pb.InspectionChange, done: str) -> None:
    zone = _options(ctx).zone
    _emit(ctx, json_output, result, lambda: render.change(result, zone, done=done))


@inspection_app.command("request")
@handles_errors
def inspection_request(
    ctx: typer.Context,
    uscc: Uscc,
    item: Items,
    inspector: Inspectors,
    start: Annotated[
        str, typer.Option(help="First day of the window: YYYY-MM-DD, today, +Nd.", show_default=False)
    ],
    end: Annotated[str, typer.Option(help="Last day of the window.", show_default=False)],
    legal_basis: Annotated[str, typer.Option(help="The law the inspection rests on.", show_default=False)],
    reason: Annotated[str, typer.Option(help="Why this enterprise, now.", show_default=False)],
    kind: Annotated[
        str, typer.Option(help="routine, triggered (complaint or case clue) or special.")
    ] = "routine",
    quiet: Quiet = False,
    json_output: JsonFlag = False,
) -> None:
    """Request an inspection (department) → requested, awaiting both offices."""
    options = _options(ctx)
    kind_value = _choice(common_pb.InspectionKind, "INSPECTION_KIND_", kind, "--kind")
    with options.connect() as connection:
        response = DepartmentClient(connection).request_inspection(
            uscc,
            kind=kind_value,
            item_codes=item,
            inspector_ids=inspector,
            window_start=_date(ctx, start, "--start"),
            window_end=_date(ctx, end, "--end"),
            legal_basis=legal_basis,
            reason=reason,
        )
    if quiet:
        typer.echo(response.inspection.id)
        return

    def table() -> RenderableType:
        change = insp_pb.InspectionChange(inspection=response.inspection, card_head=response.card_head)
        shown = render.change(change, options.zone, done="requested")
        notice = render.overlaps(response)
        return Group(shown, notice) if notice is not None else shown

    _emit(ctx, json_output, response, table)


@inspection_app.command("decide")
@handles_errors
def inspection_decide(
    ctx: typer.Context,
    inspection_id: InspectionId,
    approve: Annotated[
        bool, typer.Option("--approve/--reject", help="Approve or reject.", show_default=False)
    ],
    comment: Annotated[str, typer.Option(help="The office's comment (required to reject).")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Approve or reject (legal office or supervision bureau); both approvals issue the code."""
    with _options(ctx).connect() as connection:
        result = OfficeClient(connection).decide(inspection_id, approve=approve, comment=comment)
    done = "your approval is recorded" if approve else "your rejection is recorded"
    _show_change(ctx, json_output, result, done)


@inspection_app.command("pending")
@handles_errors
def inspection_pending(ctx: typer.Context, limit: Limit = 100, json_output: JsonFlag = False) -> None:
    """Inspections and emergency filings waiting for this office's decision."""
    with _options(ctx).connect() as connection:
        rows = list(OfficeClient(connection).pending(limit=limit))
    _emit(ctx, json_output, rows, lambda: render.inspections(rows, title="Waiting for your decision"))


@inspection_app.command("cancel")
@handles_errors
def inspection_cancel(
    ctx: typer.Context,
    inspection_id: InspectionId,
    reason: Annotated[str, typer.Option(help="Why it is cancelled.", show_default=False)],
    json_output: JsonFlag = False,
) -> None:
    """Cancel an inspection before check-in (the requesting department)."""
    with _options(ctx).connect() as connection:
        result = DepartmentClient(connection).cancel_inspection(inspection_id, reason)
    _show_change(ctx, json_output, result, "cancelled")


@inspection_app.command("code")
@handles_errors
def inspection_code(ctx: typer.Context, inspection_id: InspectionId) -> None:
    """Print the inspection code (检查码) of an approved inspection, to show at the door."""
    with _options(ctx).connect() as connection:
        found = InspectionReader(connection).get_inspection(inspection_id)
    if not found.inspection_code:
        _fail(
            f"inspection {inspection_id} has no code "
            f"(it is {render.state(found.state)}; a code comes with approval)"
        )
    typer.echo(found.inspection_code)


#: An inspection code may begin with "-"; it is still the argument, not an unknown option.
CODE_ARGUMENT = {"ignore_unknown_options": True}


@inspection_app.command("verify-code", context_settings=CODE_ARGUMENT)
@handles_errors
def inspection_verify_code(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The inspection code shown at the door.", show_default=False)],
    anonymous: Annotated[bool, typer.Option(help="Ask without a token (inspectors' names masked).")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Check an inspection code on the doorstep; exit code 1 if it is not valid. Works without a
    token; with an enterprise's or an office's token the names come unmasked."""
    options = _options(ctx)
    role = token_claims(options.token).get("role") if options.token else None
    # Only the enterprise and the offices use their token here; anyone else asks as the public.
    with options.connect(
        anonymous=anonymous or role not in ("enterprise", "legal_office", "supervision")
    ) as c:
        try:
            result = CodeVerifier(c).verify_code(code)
        except ServiceError as error:
            if error.code != grpc.StatusCode.NOT_FOUND:
                raise
            # On the doorstep an unknown code is simply not a valid one.
            result = insp_pb.InspectionCodeVerification(valid=False, reason="NO_SUCH_CODE")
    _emit(ctx, json_output, result, lambda: render.code_verification(result, options.zone))
    if not result.valid:
        raise typer.Exit(1)


@inspection_app.command("check-in", context_settings=CODE_ARGUMENT)
@handles_errors
def inspection_check_in(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The inspection code (检查码).", show_default=False)],
    inspector: Inspectors,
    json_output: JsonFlag = False,
) -> None:
    """Check in on site with the code and the inspectors present (department) → in progress."""
    with _options(ctx).connect() as connection:
        result = DepartmentClient(connection).check_in(code, inspector)
    _show_change(ctx, json_output, result, "checked in")


@inspection_app.command("result")
@handles_errors
def inspection_result(
    ctx: typer.Context,
    inspection_id: InspectionId,
    outcome: Annotated[str, typer.Option(help="no-issues or issues-found.", show_default=False)],
    handling: Annotated[str, typer.Option(help="none, rectification or penalty (处理).")] = "none",
    findings: Annotated[str, typer.Option(help="What the inspectors found.")] = "",
    deadline: Annotated[str, typer.Option(help="Rectification deadline: YYYY-MM-DD or +Nd.")] = "",
    penalty_fen: Annotated[int, typer.Option(min=0, help="Penalty in integer fen (¥1 = 100).")] = 0,
    penalty_basis: Annotated[str, typer.Option(help="Legal basis of the penalty.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Record the result (department) → completed."""
    outcome_value = _choice(common_pb.Outcome, "OUTCOME_", outcome, "--outcome")
    handling_value = _choice(common_pb.Handling, "HANDLING_", handling, "--handling")
    with _options(ctx).connect() as connection:
        result = DepartmentClient(connection).record_result(
            inspection_id,
            outcome=outcome_value,
            handling=handling_value,
            findings=findings,
            rectification_deadline=_date(ctx, deadline, "--deadline") or None,
            penalty_fen=penalty_fen,
            penalty_basis=penalty_basis,
        )
    _show_change(ctx, json_output, result, "result recorded")


@inspection_app.command("publish")
@handles_errors
def inspection_publish(
    ctx: typer.Context, inspection_id: InspectionId, json_output: JsonFlag = False
) -> None:
    """Publish a completed result on the public feed (一公开)."""
    with _options(ctx).connect() as connection:
        result = DepartmentClient(connection).publish_result(inspection_id)
    _show_change(ctx, json_output, result, "published")


@emergency_app.command("start")
@handles_errors
def emergency_start(
    ctx: typer.Context,
    uscc: Uscc,
    reason: Annotated[str, typer.Option(help="The threat to life or property safety.", show_default=False)],
    item: Items,
    inspector: Inspectors,
    legal_basis: Annotated[str, typer.Option(help="The law the inspection rests on.", show_default=False)],
    quiet: Quiet = False,
    json_output: JsonFlag = False,
) -> None:
    """Start an emergency inspection at once (department); file it with both offices afterwards."""
    with _options(ctx).connect() as connection:
        result = DepartmentClient(connection).start_emergency(
            uscc, reason=reason, item_codes=item, inspector_ids=inspector, legal_basis=legal_basis
        )
    if quiet:
        typer.echo(result.inspection.id)
        return
    _show_change(ctx, json_output, result, "emergency started")


@emergency_app.command("file")
@handles_errors
def emergency_file(
    ctx: typer.Context,
    inspection_id: InspectionId,
    report: Annotated[str, typer.Option(help="What was done and why it could not wait.", show_default=False)],
    json_output: JsonFlag = False,
) -> None:
    """File an emergency inspection with both offices (department) → filed-pending."""
    with _options(ctx).connect() as connection:
        result = DepartmentClient(connection).file_emergency(inspection_id, report)
    _show_change(ctx, json_output, result, "filed")


@emergency_app.command("ack")
@handles_errors
def emergency_ack(
    ctx: typer.Context,
    inspection_id: InspectionId,
    comment: Annotated[str, typer.Option()] = "",
    json_output: JsonFlag = False,
) -> None:
    """Acknowledge an emergency filing (legal office or supervision bureau); both → filed."""
    with _options(ctx).connect() as connection:
        result = OfficeClient(connection).acknowledge_filing(inspection_id, comment)
    _show_change(ctx, json_output, result, "acknowledged")


@inspection_app.command("rate")
@handles_errors
def inspection_rate(
    ctx: typer.Context,
    inspection_id: InspectionId,
    score: Annotated[int, typer.Option(min=1, max=5, help="1 (poor) to 5 (good).", show_default=False)],
    comment: Annotated[str, typer.Option()] = "",
    json_output: JsonFlag = False,
) -> None:
    """Rate a completed inspection (the inspected enterprise)."""
    with _options(ctx).connect() as connection:
        result = EnterpriseClient(connection).rate(inspection_id, score, comment)
    _show_change(ctx, json_output, result, "rated")


@inspection_app.command("complain")
@handles_errors
def inspection_complain(
    ctx: typer.Context,
    text: Annotated[str, typer.Option(help="The complaint.", show_default=False)],
    inspection: Annotated[str, typer.Option(help="The inspection complained about, if any.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """File a complaint (an enterprise), about one inspection or inspections in general."""
    with _options(ctx).connect() as connection:
        response = EnterpriseClient(connection).complain(text, inspection_id=inspection)
    _emit(
        ctx,
        json_output,
        response,
        lambda: Group(
            Text(f"✓ complaint {response.complaint_id} filed and written on the card"),
            render.head(response.card_head),
        ),
    )


@inspection_app.command("get")
@handles_errors
def inspection_get(ctx: typer.Context, inspection_id: InspectionId, json_output: JsonFlag = False) -> None:
    """One inspection with its participants, approvals and result."""
    options = _options(ctx)
    with options.connect() as connection:
        found = InspectionReader(connection).get_inspection(inspection_id)
    _emit(ctx, json_output, found, lambda: render.inspection(found, options.zone))


@inspection_app.command("list")
@handles_errors
def inspection_list(
    ctx: typer.Context,
    uscc: Annotated[str, typer.Option(help="Only this enterprise.")] = "",
    department: Department = "",
    state: Annotated[str, typer.Option(help="e.g. requested, approved, in-progress, published.")] = "",
    kind: Annotated[str, typer.Option(help="routine, triggered, special or emergency.")] = "",
    window_from: Annotated[str, typer.Option("--from", help="Windows overlapping from this date.")] = "",
    window_to: Annotated[str, typer.Option("--to", help="… to this date.")] = "",
    limit: Limit = 50,
    everything: AllFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """Inspections you may see: a department its own, an enterprise its own, offices all."""
    state_value = _choice(insp_pb.InspectionState, "INSPECTION_STATE_", state, "--state") if state else 0
    kind_value = _choice(common_pb.InspectionKind, "INSPECTION_KIND_", kind, "--kind") if kind else 0
    with _options(ctx).connect() as connection:
        found = InspectionReader(connection).inspections(
            uscc=uscc,
            department_code=department,
            state=state_value,
            kind=kind_value,
            window_start=_date(ctx, window_from, "--from"),
            window_end=_date(ctx, window_to, "--to"),
            limit=None if everything else limit,
        )
        rows = list(found)
    _emit(ctx, json_output, rows, lambda: render.inspections(rows))


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
    options = _options(ctx)
    with options.connect(anonymous=True) as connection:
        found = PublicClient(connection).published_results(
            uscc=uscc, department_code=department, limit=None if everything else limit
        )
        rows = list(found)
    _emit(ctx, json_output, rows, lambda: render.published_results(rows, options.zone))


def main() -> None:
    app(prog_name="onecard")
