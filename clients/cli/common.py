"""What every command shares: the Typer apps, the global options, error handling, output and
the parsing of dates and choices."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from google.protobuf.message import Message
from rich.console import Console, RenderableType
from rich.text import Text

from clients import render
from clients.connection import DEFAULT_TARGET, Connection
from clients.csvchunks import CsvFileError
from clients.errors import ServiceError
from clients.facades import (
    enum_value,
    token_claims,
)

P = ParamSpec("P")
PIPED_WIDTH = 160
T = TypeVar("T")

app = typer.Typer(
    help="The inspection one-card registry (涉企行政检查一卡通) from the command line.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


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


def options_of(ctx: typer.Context) -> Options:
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
            fail(error.describe())
        except CsvFileError as error:
            fail(f"cannot read the CSV file: {error}")
        except OSError as error:
            fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "))
        except KeyboardInterrupt:
            raise typer.Exit(130) from None

    return run


def fail(message: str) -> NoReturn:
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        Text.assemble(("error: ", "bold red"), message)
    )
    raise typer.Exit(2)


def make_console() -> Console:
    # Piped output is read by people too (less, CI logs): give tables room instead of 80 columns.
    wide = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, width=PIPED_WIDTH if wide else None)


def show(renderable: RenderableType | None) -> None:
    if renderable is not None:
        make_console().print(renderable)


def emit(
    ctx: typer.Context,
    json_flag: bool,
    value: Message | Sequence[Message],
    table: Callable[[], RenderableType | None],
) -> None:
    """Prints ``value`` as JSON when asked (per command or globally), else the table."""
    if json_flag or options_of(ctx).json:
        typer.echo(render.to_json(value))
    else:
        show(table())


def wants_json(ctx: typer.Context, json_flag: bool) -> bool:
    return json_flag or options_of(ctx).json


def choice_of(enum_type: Any, prefix: str, value: str, option: str) -> Any:
    try:
        return enum_value(enum_type, prefix, value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


_RELATIVE = re.compile(r"^\+(\d{1,4})d$")


def date_option(ctx: typer.Context, value: str, option: str) -> str:
    """``YYYY-MM-DD``, ``today``, ``tomorrow`` or ``+Nd`` (N days from today, in --timezone)."""
    if not value:
        return ""
    today = options_of(ctx).today()
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
    options = options_of(ctx)
    claims = token_claims(options.token) if options.token else {}
    if wants_json(ctx, json_output):
        typer.echo(json.dumps({"target": options.target, **claims}, ensure_ascii=False, indent=2))
        return
    if not claims:
        show(Text(f"no token (anonymous) — target {options.target}; set ONECARD_TOKEN to act as a role"))
        return
    expires = dt.datetime.fromtimestamp(int(claims.get("exp", 0)), options.zone).strftime("%Y-%m-%d %H:%M")
    org = f" of {claims['org']}" if claims.get("org") else ""
    show(
        Text(
            f"{claims.get('sub')} — role {claims.get('role')}{org}; token expires {expires}; "
            f"target {options.target}"
        )
    )
