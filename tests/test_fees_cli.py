"""``onecard fee|bill|refund|hall``: a joint check's fees from two departments, one bill, paid once
at the hall, the card and the hall's statement — through the command line and the facades."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from inspection.clock import SettableClock
from tests.fee_support import HALL, admin, card_of, catalogue, fees, joint, monday_morning
from tests.inspection_support import LEGAL, SUPERVISION, Department, enterprise_md, make_enterprise

__all__ = ["admin", "catalogue", "fees", "monday_morning"]  # the fixtures these tests use

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")


def test_the_cli_runs_fees_from_assessment_to_the_halls_statement(
    registry: Any,
    cards: Any,
    inspections: Any,
    admin: Any,
    scjg: Department,
    yjgl: Department,
    catalogue: None,
    grpc_addr: str,
    clock: SettableClock,
    tmp_path: Path,
) -> None:
    from typer.testing import CliRunner

    from clients.cli import app

    uscc = make_enterprise(registry, admin)
    check = joint(inspections, clock, scjg, yjgl, uscc, 27)

    def onecard(md: Any, *args: str) -> Any:
        env = {
            "ONECARD_TARGET": grpc_addr,
            "ONECARD_TOKEN": md[0][1].removeprefix("Bearer "),
            "ONECARD_TIMEZONE": "Asia/Shanghai",
        }
        result = CliRunner().invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result

    def as_json(md: Any, *args: str) -> Any:
        # The server runs in this process: its log lines share the captured output.
        lines = onecard(md, *args, "--json").stdout.splitlines()
        return json.loads("\n".join(line for line in lines if not LOG_LINE.match(line)))

    onecard(scjg.md, "fee", "assess", check, "SCJG-F1", "--quantity", "2")
    onecard(yjgl.md, "fee", "assess", check, "YJGL-F1")
    wrong = as_json(scjg.md, "fee", "assess", check, "SCJG-F2")
    onecard(scjg.md, "fee", "void", wrong["line"]["id"], "--reason", "误录")
    assert "误录" in onecard(LEGAL, "fee", "lines", check).stdout
    catalogue_table = onecard(scjg.md, "fee", "catalogue", "--as-of", "2026-03-27", "--department", "SCJG")
    assert "SCJG-F1" in catalogue_table.stdout and "SCJG-OLD" not in catalogue_table.stdout

    bill = as_json(scjg.md, "bill", "issue", check)["bill"]
    assert int(bill["total_fen"]) == 13_000
    shown = onecard(enterprise_md(uscc), "bill", "show", "--payment-code", bill["payment_code"])
    assert "¥130.00" in shown.stdout
    paid = as_json(
        HALL, "bill", "pay", "--payment-code", bill["payment_code"], "--amount-fen", "13000",
        "--channel", "qr-code", "--reference", f"QR-{bill['id']}",
    )  # fmt: skip
    assert paid["bill"]["state"] == "BILL_STATE_PAID" and len(paid["bill"]["payment"]["receipts"]) == 2
    assert card_of(cards, uscc).unpaid_fen == 0

    export = tmp_path / "statement.csv"
    table = onecard(HALL, "hall", "statement", "--date", "2026-03-27", "--csv", str(export))
    assert "By collecting unit" in table.stdout
    rows = list(csv.DictReader(io.StringIO(export.read_text(encoding="utf-8"))))
    receipts = {r["key"].split()[0] for r in rows if r["section"] == "receipt"}
    assert {r["number"] for r in paid["bill"]["payment"]["receipts"]} <= receipts

    line_id = paid["bill"]["lines"][0]["id"]
    [refund] = as_json(
        enterprise_md(uscc), "refund", "request", bill["id"], "--reason", "多收", "--line", line_id,
        "--amount-fen", "1000",
    )["refunds"]  # fmt: skip
    department = scjg if refund["department_code"] == "SCJG" else yjgl
    onecard(department.md, "refund", "verify", refund["id"])
    onecard(LEGAL, "refund", "decide", refund["id"])
    onecard(SUPERVISION, "refund", "decide", refund["id"])
    done = as_json(HALL, "refund", "pay", refund["id"], "--reference", f"BACK-{refund['id']}")["refunds"][0]
    assert done["state"] == "REFUND_STATE_PAID"
    assert "paid" in onecard(enterprise_md(uscc), "refund", "list", bill["id"]).stdout
    assert "Fees paid this year" in onecard(enterprise_md(uscc), "card", "show", uscc).stdout
