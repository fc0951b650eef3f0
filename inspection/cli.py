"""The ``inspection`` command: serve, migrate, issue tokens, load the demo district."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from inspection.auth import Role, issue_token
from inspection.clock import SystemClock
from inspection.config import Settings
from inspection.errors import InvalidArgument
from inspection.logging import configure_logging

app = typer.Typer(help="The inspection one-card registry (涉企行政检查一卡通) service.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens for principals.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo district.", no_args_is_help=True)
app.add_typer(token_app, name="token")
app.add_typer(demo_app, name="demo")


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        # Each problem by the setting it concerns, never with the value given (it may be a secret).
        for error in exc.errors(include_input=False, include_url=False):
            setting = "_".join(str(part) for part in error["loc"]).upper()
            message = str(error["msg"]).removeprefix("Value error, ")
            named = f"INSPECTION_{setting}: " if setting else ""
            typer.echo(f"configuration refused: {named}{message}", err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    processes: Annotated[
        int,
        typer.Option(
            min=0,
            max=64,
            help="Server processes on the one port (SO_REUSEPORT); 0: INSPECTION_PROCESSES (default 1).",
        ),
    ] = 0,
) -> None:
    """Migrate the database and serve until SIGTERM."""
    from inspection.server import ServeError
    from inspection.server import serve as run

    settings = _settings()
    if processes:
        settings = settings.model_copy(update={"processes": processes})
    configure_logging(json=settings.log_json, level=settings.log_level)
    try:
        run(settings)
    except ServeError as exc:
        typer.echo(f"cannot serve: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema to the newest migration."""
    from inspection.storage.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    typer.echo("database is at the newest schema")


@app.command()
def sweep() -> None:
    """Expire inspections whose window ended unused, prune request-id records past their
    retention and raise oversight alerts (what each server does on its timers)."""
    from inspection.clock import SystemClock
    from inspection.domain.inspections import Rules
    from inspection.domain.oversight.sweep import OversightRules
    from inspection.storage.db import Database
    from inspection.sweeper import BATCH, expire_lapsed, prune_idempotency_records, sweep_alerts

    settings = _settings()
    db = Database(settings.database_url, pool_size=2)
    try:
        total = 0
        for _ in range(10_000):  # bounded: a backlog of two million is taken by the next run
            expired = expire_lapsed(db, Rules.from_settings(settings), SystemClock())
            total += expired
            if expired < BATCH:
                break
        pruned = prune_idempotency_records(
            db, SystemClock(), retention_days=settings.idempotency_retention_days
        )
        raised = sweep_alerts(db, OversightRules.from_settings(settings), SystemClock())
        typer.echo(
            f"{total} inspections expired, {pruned} request-id records past retention pruned, "
            f"{raised} alerts raised"
        )
    finally:
        db.dispose()


@app.command()
def audit() -> None:
    """Audit every card (一卡通): verify its chain and compare each inspection's stored state and
    result with what the card says, raising an integrity alert for each disagreement; then the
    rest of the oversight pass. Exits 1 when any card or inspection disagrees."""
    from inspection.clock import SystemClock
    from inspection.domain.oversight.sweep import OversightRules
    from inspection.storage.db import Database
    from inspection.sweeper import audit_cards

    settings = _settings()
    db = Database(settings.database_url, pool_size=2)
    try:
        report = audit_cards(db, OversightRules.from_settings(settings), SystemClock())
    finally:
        db.dispose()
    typer.echo(
        f"{report.cards} cards audited: {report.broken} do not verify, {report.diverging} inspections "
        f"differ from their card; {report.raised} alerts raised"
    )
    if report.broken or report.diverging:
        raise typer.Exit(1)


def _parse_ttl(text: str) -> dt.timedelta:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        ttl = dt.timedelta(seconds=int(text[:-1]) * units[text[-1]])
    except (KeyError, ValueError, IndexError) as exc:
        raise typer.BadParameter("use a number and a unit: 30m, 8h, 90d") from exc
    if ttl <= dt.timedelta(0):
        raise typer.BadParameter("the lifetime must be positive")
    return ttl


@token_app.command("issue")
def token_issue(
    role: Annotated[Role, typer.Option(help="The principal's role.")],
    sub: Annotated[str, typer.Option(help="Person or system id.")],
    org: Annotated[str, typer.Option(help="Department code or USCC, for those roles.")] = "",
    ttl: Annotated[str, typer.Option(help="Lifetime, e.g. 8h or 30d.")] = "8h",
) -> None:
    """Print a signed bearer token."""
    settings = _settings()
    try:
        token = issue_token(
            settings.signing_key.get_secret_value(),
            sub=sub,
            role=role,
            org=org,
            ttl=_parse_ttl(ttl),
            now=SystemClock().now(),
        )
    except InvalidArgument as exc:
        typer.echo(f"cannot issue this token: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(token)


@demo_app.command("load")
def demo_load(
    tokens_file: Annotated[Path, typer.Option(help="Where to write one token per role.")] = Path(
        "var/demo-tokens.env"
    ),
) -> None:
    """Load the demo district into an empty database and write demo tokens."""
    from inspection.demo import load_demo

    settings = _settings()
    from inspection.storage.migrate import upgrade

    upgrade(settings.database_url)
    loaded = load_demo(settings, tokens_file=tokens_file)
    typer.echo(loaded)


def main() -> None:
    app()
