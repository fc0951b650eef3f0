"""The demo district (``inspection demo load``): deterministic, valid, served, and loaded once."""

from __future__ import annotations

import random
import re
import stat
from pathlib import Path

import pytest
from stdnum.cn import uscc as uscc_code

from clients import AdminClient, Connection, EnterpriseClient, ServiceHallClient, StaffReader
from clients.render import credit
from inspection import demo
from inspection.clock import SettableClock
from inspection.config import Settings
from inspection.demo import load_demo


def _tokens(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"export (ONECARD_\w+)=(\S+)", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


@pytest.fixture(scope="module")
def tokens_file(settings: Settings, clock: SettableClock, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo-tokens.env"
    summary = load_demo(settings, tokens_file=path, clock=clock)
    assert "200 enterprises" in summary and "loaded the demo district" in summary
    return path


@pytest.fixture(scope="module")
def admin(grpc_addr: str, tokens_file: Path) -> AdminClient:
    return AdminClient(Connection(grpc_addr, _tokens(tokens_file)["ONECARD_TOKEN_ADMIN"]))


def test_the_district_is_the_same_on_every_load() -> None:
    first = demo.demo_enterprises(random.Random(demo.SEED))
    second = demo.demo_enterprises(random.Random(demo.SEED))
    assert first == second
    assert first[0].uscc == demo.DEMO_USCC == "91330106MA2H0C1T52"


def test_two_hundred_enterprises_with_valid_codes_and_verifying_cards(admin: AdminClient) -> None:
    enterprises = list(admin.enterprises())
    assert len(enterprises) == demo.ENTERPRISES
    assert all(uscc_code.is_valid(e.uscc) for e in enterprises)
    assert len({e.name for e in enterprises}) == len(enterprises)
    assert {credit(e.credit_class) for e in enterprises} == {"A", "B", "C", "D"}
    assert any(e.white_listed for e in enterprises)
    for enterprise in enterprises:
        result = admin.verify_card(enterprise.uscc)
        assert result.valid, (enterprise.uscc, result.problem)
    walkthrough = admin.get_enterprise(demo.DEMO_USCC)
    assert walkthrough.name == demo.DEMO_ENTERPRISE_NAME and not walkthrough.white_listed


def test_directories_show_the_certification_rule(admin: AdminClient) -> None:
    departments = [d.code for d in admin.departments()]
    assert departments == sorted(d.code for d in demo.DEPARTMENTS)
    for code in departments:
        staff = list(admin.inspectors(department_code=code))
        certified = [i for i in staff if i.certified]
        assert 4 <= len(certified) <= 6
        assert len(staff) - len(certified) == 2  # one auxiliary, one with an expired certificate
        assert any(not i.certificate_number for i in staff)
        assert 3 <= len(list(admin.checklist_items(department_code=code))) <= 5
        fees = list(admin.fee_items(department_code=code))
        assert fees and all(isinstance(f.amount_fen, int) and f.amount_fen > 0 for f in fees)
    assert len(list(admin.recusals())) >= 3


def test_the_tokens_file_is_private_and_every_token_is_accepted(grpc_addr: str, tokens_file: Path) -> None:
    assert stat.S_IMODE(tokens_file.stat().st_mode) == 0o600
    tokens = _tokens(tokens_file)
    assert tokens["ONECARD_DEMO_USCC"] == demo.DEMO_USCC
    for role in ("ADMIN", "LEGAL_OFFICE", "SUPERVISION", "SCJG", "YJGL"):
        with Connection(grpc_addr, tokens[f"ONECARD_TOKEN_{role}"]) as connection:
            assert len(list(StaffReader(connection).enterprises(limit=3))) == 3
    with Connection(grpc_addr, tokens["ONECARD_TOKEN_ENTERPRISE"]) as connection:
        assert EnterpriseClient(connection).card().uscc == demo.DEMO_USCC
    with Connection(grpc_addr, tokens["ONECARD_TOKEN_SERVICE_HALL"]) as connection:
        # A forged or expired token is refused even where no token is needed, so this proves it.
        assert list(ServiceHallClient(connection).fee_items(limit=1))


def test_loading_again_adds_nothing_and_rewrites_the_tokens(
    settings: Settings, clock: SettableClock, admin: AdminClient, tokens_file: Path
) -> None:
    before = tokens_file.read_text(encoding="utf-8")
    tokens_file.unlink()
    summary = load_demo(settings, tokens_file=tokens_file, clock=clock)
    assert "already holds 200 enterprises" in summary
    # Fresh tokens (each with its own id) for the same principals, valid until the same time.
    after = tokens_file.read_text(encoding="utf-8")
    assert after != before
    assert [line.split("=")[0] for line in after.splitlines()] == [
        line.split("=")[0] for line in before.splitlines()
    ]
    assert len(list(admin.enterprises())) == demo.ENTERPRISES
    assert len(list(admin.departments())) == len(demo.DEPARTMENTS)
    assert admin.get_card(demo.DEMO_USCC).head.seq == 2  # issued, one recusal
