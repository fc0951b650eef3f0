"""``onecard token``: refreshing one's own bearer token, and revoking tokens (admin)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from clients.cli.common import JsonFlag, emit, handles_errors, options_of
from clients.facades import AdminClient, Facade

token_app = typer.Typer(help="Bearer tokens: refresh your own, revoke (admin).", no_args_is_help=True)


@token_app.command("refresh")
@handles_errors
def token_refresh(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """Print a fresh token for the current one's principal (same lifetime, at most the service's
    limit): ``export ONECARD_TOKEN=$(onecard token refresh)``."""
    options = options_of(ctx)
    with options.connect() as connection:
        fresh = Facade(connection).refresh_token()
    if json_output or options.json:
        emit(ctx, True, fresh, lambda: None)
        return
    typer.echo(fresh.token)
    expires = fresh.expire_time.ToDatetime().astimezone(options.zone).strftime("%Y-%m-%d %H:%M")
    typer.echo(f"token {fresh.token_id} valid until {expires}", err=True)


@token_app.command("revoke")
@handles_errors
def token_revoke(
    ctx: typer.Context,
    token_id: Annotated[str, typer.Option("--token-id", help="The id (jti) of one token.")] = "",
    subject: Annotated[
        str, typer.Option("--subject", help="A principal id: every token issued to it until now.")
    ] = "",
    reason: Annotated[str, typer.Option("--reason", help="Why, for the record.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Revoke one token or every token of a principal (admin); holds on every server within seconds."""
    if bool(token_id) == bool(subject):
        raise typer.BadParameter("name exactly one of --token-id and --subject")
    options = options_of(ctx)
    with options.connect() as connection:
        revocation = AdminClient(connection).revoke_tokens(token_id=token_id, subject=subject, reason=reason)
    what = f"token {revocation.token_id}" if revocation.token_id else f"every token of {revocation.subject}"
    emit(ctx, json_output, revocation, lambda: Text(f"revoked {what}"))
