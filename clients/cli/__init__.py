"""``onecard``: the command line of the inspection one-card registry (涉企行政检查一卡通).

Talks to ``ONECARD_TARGET`` with the bearer token in ``ONECARD_TOKEN``. Tables for people,
``--json`` for scripts. Exit codes: 0 done; 1 a negative answer (a card that does not verify, an
invalid inspection code, import rows refused); 2 the service refused the call or the command
was used wrongly. One module per command group; importing them registers their commands.
"""

from __future__ import annotations

from clients.cli import (
    alerts,
    card,
    directories,
    draws,
    enterprises,
    fees,
    imports,
    inspections,
    public,
    statistics,
    tokens,
)
from clients.cli.common import app

app.add_typer(card.card_app, name="card")
app.add_typer(enterprises.enterprise_app, name="enterprise")
app.add_typer(imports.import_app, name="import")
app.add_typer(directories.department_app, name="department")
app.add_typer(directories.inspector_app, name="inspector")
app.add_typer(directories.item_app, name="item")
app.add_typer(directories.fee_app, name="fee")
app.add_typer(directories.recusal_app, name="recusal")
inspections.inspection_app.add_typer(inspections.emergency_app, name="emergency")
app.add_typer(inspections.inspection_app, name="inspection")
app.add_typer(inspections.joint_app, name="joint")
app.add_typer(inspections.acceptance_app, name="acceptance")
app.add_typer(draws.draw_app, name="draw")
app.add_typer(fees.bill_app, name="bill")
app.add_typer(fees.refund_app, name="refund")
app.add_typer(fees.hall_app, name="hall")
app.add_typer(alerts.alerts_app, name="alerts")
app.add_typer(public.public_app, name="public")
app.add_typer(tokens.token_app, name="token")
app.add_typer(statistics.stats_app, name="stats")

__all__ = ["app", "main"]


def main() -> None:
    app(prog_name="onecard")
