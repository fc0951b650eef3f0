"""The client library and the ``onecard`` command line, through the real server: role facades,
idempotent retries, rich errors, chunked imports, and every CLI step of an inspection."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import grpc
import pytest
import structlog
from sqlalchemy import update
from typer.testing import CliRunner, Result

from clients import (
    AdminClient,
    Connection,
    DepartmentClient,
    EnterpriseClient,
    OfficeClient,
    PublicClient,
    RetryPolicy,
    ServiceError,
    StaffReader,
)
from clients.cli import app
from clients.csvchunks import split_csv
from inspection.auth import Role, issue_token
from inspection.clock import SettableClock
from inspection.storage.db import Database
from inspection.storage.models import CardEntry
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import registry_service_pb2 as reg_pb
from inspection.v1 import registry_service_pb2_grpc as reg_grpc
from tests.support import TEST_SIGNING_KEY, bad_check_character, make_uscc

DEPARTMENT = "CLIT"
ENTERPRISE_HEADER = "uscc,name,above_designated_size,industry,district,credit_class,white_listed"


def _token(clock: SettableClock, role: Role, org: str = "", sub: str | None = None) -> str:
    return issue_token(
        TEST_SIGNING_KEY,
        sub=sub or f"{role.value}-cli",
        role=role,
        org=org,
        ttl=dt.timedelta(days=30),
        now=clock.now(),
    )


@dataclass
class District:
    addr: str
    admin: str
    department: str
    legal: str
    supervision: str
    inspectors: list[str]
    items: list[str]
    uscc: str
    enterprise: str


@pytest.fixture(scope="module", autouse=True)
def quiet_server_log() -> Iterator[None]:
    """The server runs in this process, and the CLI's stdout is captured: keep the server's log
    lines (structlog prints to the current ``sys.stdout`` by default) out of the CLI's output."""
    saved = structlog.get_config()
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=sys.__stderr__))
    yield
    structlog.configure(**saved)


@pytest.fixture(scope="module")
def district(grpc_addr: str, clock: SettableClock) -> Iterator[District]:
    """A department with three certified inspectors and two items, and one enterprise."""
    admin_token = _token(clock, Role.ADMIN)
    with Connection(grpc_addr, admin_token) as connection:
        admin = AdminClient(connection)
        admin.create_department(DEPARTMENT, "客户端测试局")
        inspectors = []
        for n in range(3):
            inspector = admin.create_inspector(
                f"{DEPARTMENT}-{n}",
                DEPARTMENT,
                f"王{n}明",
                certificate_number=f"CERT-{n:04d}",
                certificate_expiry=dt.date(2028, 12, 31),
            )
            inspectors.append(inspector.id)
        items = [
            admin.create_checklist_item(
                f"{DEPARTMENT}-A", DEPARTMENT, "食品安全", "《中华人民共和国食品安全法》"
            ).code,
            admin.create_checklist_item(
                f"{DEPARTMENT}-B", DEPARTMENT, "消防安全", "《中华人民共和国消防法》"
            ).code,
        ]
        uscc = make_uscc("9133")
        admin.create_enterprise(uscc, "客户端测试食品有限公司", industry="食品制造", district="东湖街道")
    yield District(
        addr=grpc_addr,
        admin=admin_token,
        department=_token(clock, Role.DEPARTMENT, DEPARTMENT, sub="clerk-cli"),
        legal=_token(clock, Role.LEGAL_OFFICE, sub="legal-cli"),
        supervision=_token(clock, Role.SUPERVISION, sub="supervision-cli"),
        inspectors=inspectors,
        items=items,
        uscc=uscc,
        enterprise=_token(clock, Role.ENTERPRISE, uscc, sub="officer-cli"),
    )


def onecard(district: District, token: str | None, *args: str) -> Result:
    """Runs the CLI in-process, as a person would from a shell with ONECARD_* set."""
    env = {"ONECARD_TARGET": district.addr, "ONECARD_TOKEN": token or "", "ONECARD_TIMEZONE": "Asia/Shanghai"}
    return CliRunner().invoke(app, list(args), env=env)


def _register(district: District, name: str) -> str:
    uscc = make_uscc("9133")
    with Connection(district.addr, district.admin) as connection:
        AdminClient(connection).create_enterprise(uscc, name)
    return uscc


# --- the library -------------------------------------------------------------------------------


def test_facades_read_a_card_page_by_page(district: District) -> None:
    uscc = _register(district, "分页测试有限公司")
    with Connection(district.addr, district.admin) as connection:
        admin = AdminClient(connection)
        for n in range(5):
            admin.update_enterprise(uscc, {"district": f"街道{n}"})
        card = admin.get_card(uscc)
        entries = list(admin.card_entries(uscc, page_size=2))
        only_updates = list(admin.card_entries(uscc, kinds=["enterprise-updated"], limit=3))
        verified = admin.verify_card(uscc)
    assert card.head.seq == 6
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert [e.seq for e in only_updates] == [2, 3, 4]
    assert verified.valid and verified.entries_checked == 6


def test_a_mutating_call_gets_a_request_id_and_a_retry_writes_once(district: District) -> None:
    uscc = _register(district, "幂等测试有限公司")
    with Connection(district.addr, district.admin) as connection:
        admin = AdminClient(connection)
        first = admin.update_enterprise(uscc, {"credit_class": "C"}, request_id="same-id")
        again = admin.update_enterprise(uscc, {"credit_class": "C"}, request_id="same-id")
        request = reg_pb.UpdateEnterpriseRequest(enterprise=reg_pb.Enterprise(uscc=uscc, credit_class=4))
        request.update_mask.paths.append("credit_class")
        connection.call(reg_grpc.RegistryServiceStub(connection.channel).UpdateEnterprise, request)
        head = admin.get_card(uscc).head
    assert first == again
    assert len(request.request_id) == 36  # a uuid4 was written into the request
    assert head.seq == 3  # issue, the one C update, the D update


def test_an_unreachable_service_is_retried_a_bounded_number_of_times() -> None:
    policy = RetryPolicy(attempts=3, first_backoff=0.01, max_backoff=0.02)
    started = time.monotonic()
    with (
        Connection("127.0.0.1:1", "x", retry=policy, timeout=2) as connection,
        pytest.raises(ServiceError) as raised,
    ):
        StaffReader(connection).get_card(make_uscc())
    assert raised.value.code == grpc.StatusCode.UNAVAILABLE
    assert raised.value.unreachable
    assert "cannot reach" in raised.value.describe()
    assert time.monotonic() - started < 10


def test_a_service_error_carries_its_reason_and_each_bad_field(district: District) -> None:
    uscc = bad_check_character(make_uscc())
    with Connection(district.addr, district.admin) as connection, pytest.raises(ServiceError) as raised:
        AdminClient(connection).create_enterprise(uscc, "", credit_class="A")
    error = raised.value
    assert error.code == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field: v.description for v in error.violations}
    assert "check character" in fields["enterprise.uscc"]
    assert "enterprise.name" in fields
    assert "enterprise.uscc" in error.describe()


def test_a_refused_role_reads_as_permission_denied(district: District) -> None:
    with Connection(district.addr, district.enterprise) as connection, pytest.raises(ServiceError) as raised:
        list(StaffReader(connection).enterprises())
    assert raised.value.code == grpc.StatusCode.PERMISSION_DENIED
    assert raised.value.reason == "ROLE_NOT_ALLOWED"


def test_import_in_chunks_reports_the_file_row_numbers(district: District) -> None:
    good = [make_uscc("9133") for _ in range(7)]
    bad = bad_check_character(make_uscc("9133"))
    rows = [f"{u},分块{n}有限公司,no,食品,东湖街道,B,no" for n, u in enumerate(good)]
    rows.insert(4, f"{bad},坏行有限公司,no,食品,东湖街道,B,no")  # data row 5, file line 6
    data = ("\n".join([ENTERPRISE_HEADER, *rows]) + "\n").encode("utf-8")
    calls: list[tuple[int, int]] = []
    with Connection(district.addr, district.admin) as connection:
        admin = AdminClient(connection)
        summary = admin.import_enterprises(data, rows_per_chunk=3, progress=lambda d, t: calls.append((d, t)))
        assert admin.get_enterprise(good[-1]).name == "分块6有限公司"
    assert (summary.rows_read, summary.rows_imported, summary.chunks) == (8, 7, 3)
    assert [(e.row, e.line, e.field) for e in summary.errors] == [(5, 6, "uscc")]
    assert calls == [(0, 8), (3, 8), (6, 8), (8, 8)]


def test_split_csv_keeps_quoted_newlines_and_skips_blank_lines() -> None:
    data = b'a,b\r\n1,"x\ny"\r\n\r\n2,z\r\n3,w'
    chunks = split_csv(data, rows_per_chunk=2)
    assert [c.lines for c in chunks] == [(2, 5), (6,)]
    assert chunks[0].data == b'a,b\r\n1,"x\ny"\r\n2,z\r\n'
    assert chunks[1].file_row(1) == 3


# --- the command line --------------------------------------------------------------------------


def test_card_show_is_a_readable_table(district: District) -> None:
    result = onecard(district, district.admin, "card", "show", district.uscc)
    assert result.exit_code == 0, result.output
    assert "客户端测试食品有限公司" in result.stdout
    assert district.uscc in result.stdout
    assert "open inspections" in result.stdout


def test_json_output_parses(district: District) -> None:
    shown = onecard(district, district.admin, "card", "show", district.uscc, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["uscc"] == district.uscc
    listed = onecard(
        district, district.admin, "--json", "card", "entries", district.uscc, "--kind", "card-issued"
    )
    assert listed.exit_code == 0, listed.output
    entries = json.loads(listed.stdout)
    assert [(e["seq"], e["kind"]) for e in entries] == [("1", "CARD_ENTRY_KIND_CARD_ISSUED")]


def test_card_entries_pages_through_with_all(district: District) -> None:
    uscc = _register(district, "条目测试有限公司")
    with Connection(district.addr, district.admin) as connection:
        for n in range(4):
            AdminClient(connection).update_enterprise(uscc, {"industry": f"行业{n}"})
    limited = onecard(district, district.admin, "card", "entries", uscc, "--limit", "2", "--json")
    everything = onecard(district, district.admin, "card", "entries", uscc, "--all", "--json")
    table = onecard(district, district.admin, "card", "entries", uscc)
    assert len(json.loads(limited.stdout)) == 2
    assert [int(e["seq"]) for e in json.loads(everything.stdout)] == [1, 2, 3, 4, 5]
    assert table.exit_code == 0 and "enterprise-updated" in table.stdout


def test_card_verify_names_the_first_bad_entry(district: District, db: Database) -> None:
    uscc = _register(district, "篡改测试有限公司")
    with Connection(district.addr, district.admin) as connection:
        AdminClient(connection).update_enterprise(uscc, {"credit_class": "D"})
    good = onecard(district, district.admin, "card", "verify", uscc)
    assert good.exit_code == 0, good.output
    assert "verifies" in good.stdout
    with db.write() as session:
        session.execute(
            update(CardEntry)
            .where(CardEntry.uscc == uscc, CardEntry.seq == 2)  # type: ignore[arg-type]
            .values(payload_json='{"changes":{"credit_class":{"new":"A","old":"B"}}}')
        )
    bad = onecard(district, district.admin, "card", "verify", uscc)
    assert bad.exit_code == 1
    assert "entry #2" in bad.stdout


def test_import_with_a_bad_row_exits_1_and_names_the_row(
    district: District, tmp_path: pytest.TempPathFactory
) -> None:
    good, bad = make_uscc("9133"), bad_check_character(make_uscc("9133"))
    path = tmp_path / "enterprises.csv"  # type: ignore[operator]
    path.write_text(
        f"{ENTERPRISE_HEADER}\n{good},导入好行有限公司,no,食品,东湖街道,B,no\n{bad},导入坏行有限公司,no,食品,东湖街道,B,no\n",
        encoding="utf-8",
    )
    result = onecard(district, district.admin, "import", "enterprises", str(path), "--chunk-rows", "1")
    assert result.exit_code == 1, result.output
    assert "imported 1 of 2" in result.stdout
    assert "check character" in result.stdout
    assert "Traceback" not in result.output


def test_a_service_error_is_one_paragraph_with_exit_code_2(district: District) -> None:
    refused = onecard(district, district.enterprise, "enterprise", "list")
    assert refused.exit_code == 2
    assert "ROLE_NOT_ALLOWED" in refused.stderr
    assert "Traceback" not in refused.output
    bad = onecard(
        district,
        district.admin,
        "enterprise",
        "create",
        "--uscc",
        bad_check_character(make_uscc()),
        "--name",
        "坏",
    )
    assert bad.exit_code == 2
    assert "enterprise.uscc" in bad.stderr and "check character" in bad.stderr
    anonymous = onecard(district, None, "card", "show", district.uscc)
    assert anonymous.exit_code == 2 and "TOKEN_MISSING" in anonymous.stderr
    assert not isinstance(anonymous.exception, ServiceError)


def test_an_unreachable_service_is_named(district: District) -> None:
    result = CliRunner().invoke(app, ["--target", "127.0.0.1:1", "card", "show", district.uscc], env={})
    assert result.exit_code == 2
    assert "cannot reach the one-card service at 127.0.0.1:1" in result.stderr


def test_an_inspection_from_request_to_publication_with_the_cli(
    district: District, clock: SettableClock
) -> None:
    today = clock.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    window = ["--start", today.isoformat(), "--end", (today + dt.timedelta(days=14)).isoformat()]
    inspectors = [arg for i in district.inspectors[:2] for arg in ("--inspector", i)]
    requested = onecard(
        district,
        district.department,
        "inspection", "request", district.uscc, "--kind", "triggered",
        "--item", district.items[0], *inspectors, *window,
        "--legal-basis", "《中华人民共和国食品安全法》", "--reason", "消费者投诉", "-q",
    )  # fmt: skip
    assert requested.exit_code == 0, requested.output
    inspection_id = requested.stdout.strip()

    pending = onecard(district, district.legal, "inspection", "pending")
    assert inspection_id in pending.stdout
    first = onecard(
        district, district.legal, "inspection", "decide", inspection_id, "--approve", "--comment", "同意"
    )
    assert first.exit_code == 0, first.output
    # One office's approval leaves the inspection waiting for the other, and says so.
    assert "waiting for the supervision (监察局)'s decision" in " ".join(first.stdout.split())
    second = onecard(
        district,
        district.supervision,
        "inspection",
        "decide",
        inspection_id,
        "--approve",
        "--comment",
        "同意",
    )
    assert second.exit_code == 0, second.output
    assert "is now approved" in " ".join(second.stdout.split())
    code = onecard(district, district.department, "inspection", "code", inspection_id).stdout.strip()
    assert code

    at_the_door = onecard(district, None, "inspection", "verify-code", code, "--json")
    assert at_the_door.exit_code == 0, at_the_door.output
    shown = json.loads(at_the_door.stdout)
    assert shown["valid"] is True
    assert all("*" in p["name"] for p in shown["inspection"]["participants"][0]["inspectors"])
    assert onecard(district, None, "inspection", "verify-code", "-no-such-code").exit_code == 1

    checked_in = onecard(district, district.department, "inspection", "check-in", code, *inspectors)
    assert checked_in.exit_code == 0, checked_in.output
    recorded = onecard(
        district,
        district.department,
        "inspection", "result", inspection_id, "--outcome", "issues-found", "--handling", "penalty",
        "--findings", "标签不全", "--penalty-fen", "500000",
        "--penalty-basis", "《食品安全法》第一百二十五条",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert "¥5,000.00" in recorded.stdout
    published = onecard(district, district.department, "inspection", "publish", inspection_id)
    assert published.exit_code == 0, published.output
    rated = onecard(district, district.enterprise, "inspection", "rate", inspection_id, "--score", "4")
    assert rated.exit_code == 0, rated.output

    feed = json.loads(onecard(district, None, "public", "results", "--uscc", district.uscc, "--json").stdout)
    assert [r["inspection_id"] for r in feed] == [inspection_id]
    assert feed[0]["result"]["penalty_fen"] == "500000"
    mine = json.loads(onecard(district, district.enterprise, "inspection", "list", "--json").stdout)
    assert [i["state"] for i in mine] == ["INSPECTION_STATE_PUBLISHED"]

    # The same in tables for people: every day shown as YYYY-MM-DD.
    visit_day = today.isoformat()
    for role, args in (
        (None, ("public", "results", "--uscc", district.uscc)),
        (district.enterprise, ("inspection", "list")),
        (district.department, ("inspection", "get", inspection_id)),
    ):
        shown = onecard(district, role, *args)
        assert shown.exit_code == 0, shown.output
        assert visit_day in shown.stdout, shown.stdout

    kinds = [
        e["kind"]
        for e in json.loads(
            onecard(district, district.enterprise, "card", "entries", district.uscc, "--json").stdout
        )
    ]
    assert kinds[-7:] == [
        "CARD_ENTRY_KIND_INSPECTION_REQUESTED",
        "CARD_ENTRY_KIND_INSPECTION_DECIDED",
        "CARD_ENTRY_KIND_INSPECTION_APPROVED",
        "CARD_ENTRY_KIND_INSPECTION_CHECKED_IN",
        "CARD_ENTRY_KIND_INSPECTION_RESULT_RECORDED",
        "CARD_ENTRY_KIND_INSPECTION_PUBLISHED",
        "CARD_ENTRY_KIND_INSPECTION_RATED",
    ]
    assert onecard(district, district.enterprise, "card", "verify", district.uscc).exit_code == 0


def test_an_emergency_is_filed_and_acknowledged_with_the_cli(district: District) -> None:
    uscc = _register(district, "应急测试有限公司")
    inspectors = [arg for i in district.inspectors[1:] for arg in ("--inspector", i)]
    started = onecard(
        district,
        district.department,
        "inspection", "emergency", "start", uscc, "--reason", "仓库冒烟，疑似火情",
        "--item", district.items[1], *inspectors, "--legal-basis", "《中华人民共和国消防法》", "-q",
    )  # fmt: skip
    assert started.exit_code == 0, started.output
    inspection_id = started.stdout.strip()
    filed = onecard(
        district, district.department, "inspection", "emergency", "file", inspection_id, "--report", "已处置"
    )
    assert filed.exit_code == 0, filed.output
    for office in (district.legal, district.supervision):
        acknowledged = onecard(district, office, "inspection", "emergency", "ack", inspection_id)
        assert acknowledged.exit_code == 0, acknowledged.output
    shown = json.loads(onecard(district, district.legal, "inspection", "get", inspection_id, "--json").stdout)
    assert shown["state"] == "INSPECTION_STATE_FILED"


def test_role_facades_drive_a_rejection(district: District) -> None:
    uscc = _register(district, "驳回测试有限公司")
    start = dt.date(2026, 4, 1)
    with (
        Connection(district.addr, district.department) as dept_connection,
        Connection(district.addr, district.legal) as legal_connection,
        Connection(district.addr, district.enterprise) as enterprise_connection,
    ):
        requested = DepartmentClient(dept_connection).request_inspection(
            uscc,
            kind="routine",
            item_codes=district.items[:1],
            inspector_ids=district.inspectors[:2],
            window_start=start,
            window_end=start + dt.timedelta(days=10),
            legal_basis="《中华人民共和国食品安全法》",
            reason="年度抽查计划",
        )
        rejected = OfficeClient(legal_connection).reject(requested.inspection.id, "依据不足")
        assert rejected.inspection.state == insp_pb.INSPECTION_STATE_REJECTED
        assert rejected.card_head.seq == 3
        # Another enterprise's token sees nothing of it.
        assert list(EnterpriseClient(enterprise_connection).my_inspections(state="rejected")) == []
        assert PublicClient(dept_connection).connection.token is None


def test_a_holder_refreshes_its_token_and_the_admin_revokes_it_with_the_cli(district: District) -> None:
    refreshed = onecard(district, district.legal, "token", "refresh")
    assert refreshed.exit_code == 0, refreshed.output
    fresh = refreshed.stdout.strip().splitlines()[0]
    assert fresh != district.legal
    # The fresh token works ...
    assert onecard(district, fresh, "token", "refresh").exit_code == 0
    # ... until the administrator revokes every token of its holder.
    usage = onecard(district, district.admin, "token", "revoke", "--token-id", "x", "--subject", "legal-cli")
    assert usage.exit_code == 2 and "exactly one" in usage.output
    revoked = onecard(
        district, district.admin, "token", "revoke", "--subject", "legal-cli", "--reason", "left"
    )
    assert revoked.exit_code == 0, revoked.output
    assert "every token of legal-cli" in revoked.stdout
    deadline = time.monotonic() + 10
    while (refused := onecard(district, fresh, "token", "refresh")).exit_code == 0:
        assert time.monotonic() < deadline, "the revocation never held"
        time.sleep(0.2)
    assert refused.exit_code == 2 and "TOKEN_REVOKED" in refused.output
