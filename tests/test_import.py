"""Bulk CSV import (DESIGN §3): good rows are imported whole, each enterprise with its card; bad rows
are reported by row number and field, and nothing of a bad row is written."""

from __future__ import annotations

import json

import grpc
import pytest

from inspection.storage.db import Database
from inspection.storage.models import CardEntry, Enterprise, Inspector
from inspection.v1 import card_service_pb2 as card
from inspection.v1 import card_service_pb2_grpc, registry_service_pb2_grpc
from inspection.v1 import common_pb2 as common
from inspection.v1 import registry_service_pb2 as reg
from tests.support import bad_check_character, count_rows, day, expect_error, make_uscc, register, stored_head

Registry = registry_service_pb2_grpc.RegistryServiceStub
Cards = card_service_pb2_grpc.CardServiceStub
Metadata = list[tuple[str, str]]

ENTERPRISE_HEADER = "uscc,name,above_designated_size,industry,district,credit_class,white_listed"
INSPECTOR_HEADER = "id,department_code,name,certificate_number,certificate_expiry,active"


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _errors(response: reg.ImportResponse) -> list[tuple[int, str]]:
    return [(e.row, e.field) for e in response.errors]


def _absent(registry: Registry, admin: Metadata, uscc: str) -> None:
    expect_error(
        lambda: registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=uscc), metadata=admin),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )


def test_import_enterprises_with_good_and_bad_rows(
    registry: Registry, cards: Cards, admin: Metadata, db: Database
) -> None:
    registered = register(registry, admin, name="已登记有限公司").enterprise.uscc
    registered_head = stored_head(db, registered)
    good = [make_uscc() for _ in range(4)]
    bad_check, bad_flag, no_name, bad_class = (make_uscc() for _ in range(4))
    rows = [
        f"{good[0]},上海甲贸易有限公司,是,批发业,黄浦区,A,否",  # 1 good
        f"{bad_check_character(bad_check)},上海乙有限公司,,,,B,",  # 2 wrong check character
        f"{good[1]},上海丙食品有限公司,1,食品,徐汇区,C,0",  # 3 good
        f"{good[1]},上海丙食品有限公司（重复）,1,食品,徐汇区,C,0",  # 4 repeats row 3
        f"{registered},已登记有限公司（新名）,,,,,",  # 5 already registered
        f"{bad_flag},上海丁有限公司,maybe,,,,",  # 6 bad flag
        f"{good[2]},上海戊餐饮有限公司,false,餐饮,静安区,d,yes",  # 7 good (lower-case class)
        f"{no_name},,,,,,",  # 8 no name
        f"{bad_class},上海己有限公司,,,,E,",  # 9 bad credit class
        "9111,短号有限公司,,,,,",  # 10 bad length
        f"{good[3]},上海庚有限公司,,,,,",  # 11 good, empty optional cells
        f"{make_uscc()},上海\x00辛有限公司,,,,,",  # 12 control character in the name
    ]
    enterprises, entries = count_rows(db, Enterprise), count_rows(db, CardEntry)

    response = registry.ImportEnterprises(
        reg.ImportEnterprisesRequest(csv=_csv(ENTERPRISE_HEADER, rows)), metadata=admin
    )

    assert response.rows_read == 12
    assert response.rows_imported == 4
    assert _errors(response) == [
        (2, "uscc"),
        (4, "uscc"),
        (5, "uscc"),
        (6, "above_designated_size"),
        (8, "name"),
        (9, "credit_class"),
        (10, "uscc"),
        (12, "name"),
    ]
    descriptions = {e.row: e.description for e in response.errors}
    assert "check character" in descriptions[2]
    assert "row 3" in descriptions[4]
    assert "already registered" in descriptions[5]
    assert "18 characters" in descriptions[10]

    assert count_rows(db, Enterprise) == enterprises + 4
    assert count_rows(db, CardEntry) == entries + 4
    for uscc in good:
        entries_of = cards.ListCardEntries(card.ListCardEntriesRequest(uscc=uscc), metadata=admin).entries
        assert [(e.seq, e.kind) for e in entries_of] == [(1, card.CARD_ENTRY_KIND_CARD_ISSUED)]
        assert json.loads(entries_of[0].payload_json)["uscc"] == uscc
        verified = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc), metadata=admin)
        assert verified.valid and verified.entries_checked == 1
        assert verified.head.entry_hash == entries_of[0].entry_hash

    first = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=good[0]), metadata=admin)
    assert (first.name, first.above_designated_size, first.white_listed) == (
        "上海甲贸易有限公司",
        True,
        False,
    )
    assert (first.industry, first.district, first.credit_class) == ("批发业", "黄浦区", common.CREDIT_CLASS_A)
    repeated = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=good[1]), metadata=admin)
    assert repeated.name == "上海丙食品有限公司"  # the first of the two rows, not the repeat
    lower = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=good[2]), metadata=admin)
    assert lower.credit_class == common.CREDIT_CLASS_D and lower.white_listed
    defaults = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=good[3]), metadata=admin)
    assert defaults.credit_class == common.CREDIT_CLASS_B and not defaults.white_listed

    for uscc in (bad_flag, no_name, bad_class):
        _absent(registry, admin, uscc)
    unchanged = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=registered), metadata=admin)
    assert unchanged.name == "已登记有限公司"
    assert stored_head(db, registered) == registered_head


def test_a_file_of_only_bad_rows_writes_nothing(registry: Registry, admin: Metadata, db: Database) -> None:
    enterprises = count_rows(db, Enterprise)
    rows = [f"{bad_check_character(make_uscc())},坏有限公司,,,,,", f"{make_uscc()},,,,,,"]
    response = registry.ImportEnterprises(
        reg.ImportEnterprisesRequest(csv=_csv(ENTERPRISE_HEADER, rows)), metadata=admin
    )
    assert (response.rows_read, response.rows_imported) == (2, 0)
    assert _errors(response) == [(1, "uscc"), (2, "name")]
    assert count_rows(db, Enterprise) == enterprises


def test_missing_header_column(registry: Registry, admin: Metadata, db: Database) -> None:
    enterprises = count_rows(db, Enterprise)
    uscc = make_uscc()
    response = registry.ImportEnterprises(
        reg.ImportEnterprisesRequest(csv=_csv("uscc,industry", [f"{uscc},制造业"])), metadata=admin
    )
    assert (response.rows_read, response.rows_imported) == (0, 0)
    assert _errors(response) == [(0, "csv")]
    assert "name" in response.errors[0].description
    assert count_rows(db, Enterprise) == enterprises
    _absent(registry, admin, uscc)


def test_non_utf8_file(registry: Registry, admin: Metadata, db: Database) -> None:
    enterprises = count_rows(db, Enterprise)
    uscc = make_uscc()
    data = (ENTERPRISE_HEADER + "\n" + f"{uscc},上海辛有限公司,,,,,\n").encode("gbk")
    response = registry.ImportEnterprises(reg.ImportEnterprisesRequest(csv=data), metadata=admin)
    assert (response.rows_read, response.rows_imported) == (0, 0)
    assert _errors(response) == [(0, "csv")]
    assert "UTF-8" in response.errors[0].description
    assert count_rows(db, Enterprise) == enterprises
    _absent(registry, admin, uscc)


def test_byte_order_mark_and_crlf_are_accepted(registry: Registry, admin: Metadata) -> None:
    uscc = make_uscc()
    data = ("\ufeff" + ENTERPRISE_HEADER + "\r\n" + f"{uscc},上海壬有限公司,,,,,\r\n").encode("utf-8")
    response = registry.ImportEnterprises(reg.ImportEnterprisesRequest(csv=data), metadata=admin)
    assert (response.rows_read, response.rows_imported, list(response.errors)) == (1, 1, [])
    assert (
        registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=uscc), metadata=admin).name == "上海壬有限公司"
    )


def test_empty_file(registry: Registry, admin: Metadata, db: Database) -> None:
    enterprises = count_rows(db, Enterprise)
    response = registry.ImportEnterprises(reg.ImportEnterprisesRequest(csv=b""), metadata=admin)
    assert (response.rows_read, response.rows_imported) == (0, 0)
    assert _errors(response) == [(0, "csv")]
    assert count_rows(db, Enterprise) == enterprises


# --- inspectors -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def departments(registry: Registry, admin: Metadata) -> tuple[str, str]:
    for code, name in (("ZJ", "住房和城乡建设管理委员会"), ("HB", "生态环境局")):
        registry.CreateDepartment(
            reg.CreateDepartmentRequest(department=reg.Department(code=code, name=name)), metadata=admin
        )
    return "ZJ", "HB"


def test_import_inspectors_with_good_and_bad_rows(
    registry: Registry, admin: Metadata, db: Database, departments: tuple[str, str]
) -> None:
    registry.CreateInspector(
        reg.CreateInspectorRequest(
            inspector=reg.Inspector(id="IMP-OLD", department_code="ZJ", name="老王", active=True)
        ),
        metadata=admin,
    )
    rows = [
        "IMP-01,ZJ,王五,ZF-1001,2027-06-30,true",  # 1 good
        "IMP-02,NOPE,赵六,ZF-1002,2027-06-30,true",  # 2 unknown department
        "IMP-03,HB,孙七,ZF-1003,2027-06-30,maybe",  # 3 bad flag
        "IMP-04,HB,周八,ZF-1004,30/06/2027,1",  # 4 bad date
        "IMP-01,HB,吴九,ZF-1005,2027-06-30,1",  # 5 repeats row 1
        "IMP-OLD,ZJ,老王,,,",  # 6 already registered
        "IMP-06,HB,郑十,ZF-1006,,yes",  # 7 certificate without expiry
        "IMP-07,HB,钱一,,,",  # 8 good: auxiliary staff, active by default
        "IMP 08,HB,,ZF-1008,2027-06-30,否",  # 9 bad id and no name
        "IMP-09,HB,陈二,ZF-1009,2025-01-01,否",  # 10 good, inactive with an expired certificate
    ]
    inspectors = count_rows(db, Inspector)

    response = registry.ImportInspectors(
        reg.ImportInspectorsRequest(csv=_csv(INSPECTOR_HEADER, rows)), metadata=admin
    )

    assert (response.rows_read, response.rows_imported) == (10, 3)
    assert _errors(response) == [
        (2, "department_code"),
        (3, "active"),
        (4, "certificate_expiry"),
        (5, "id"),
        (6, "id"),
        (7, "certificate_expiry"),
        (9, "id"),
        (9, "name"),
    ]
    assert count_rows(db, Inspector) == inspectors + 3

    first = registry.GetInspector(reg.GetInspectorRequest(id="IMP-01"), metadata=admin)
    assert (first.department_code, first.name, first.certificate_expiry) == ("ZJ", "王五", day("2027-06-30"))
    assert first.active and first.certified
    auxiliary = registry.GetInspector(reg.GetInspectorRequest(id="IMP-07"), metadata=admin)
    assert auxiliary.active and not auxiliary.certified
    inactive = registry.GetInspector(reg.GetInspectorRequest(id="IMP-09"), metadata=admin)
    assert not inactive.active and not inactive.certified
    for missing in ("IMP-02", "IMP-03", "IMP-04", "IMP-06", "IMP 08"):
        expect_error(
            lambda missing=missing: registry.GetInspector(  # type: ignore[misc]
                reg.GetInspectorRequest(id=missing), metadata=admin
            ),
            grpc.StatusCode.NOT_FOUND,
            "NOT_FOUND",
        )
    old = registry.GetInspector(reg.GetInspectorRequest(id="IMP-OLD"), metadata=admin)
    assert old.department_code == "ZJ"


def test_inspector_file_missing_a_column(registry: Registry, admin: Metadata, db: Database) -> None:
    inspectors = count_rows(db, Inspector)
    response = registry.ImportInspectors(
        reg.ImportInspectorsRequest(csv=_csv("id,name", ["IMP-X1,某人"])), metadata=admin
    )
    assert _errors(response) == [(0, "csv")]
    assert "department_code" in response.errors[0].description
    assert count_rows(db, Inspector) == inspectors


def test_inspector_file_not_utf8(registry: Registry, admin: Metadata, db: Database) -> None:
    inspectors = count_rows(db, Inspector)
    data = (INSPECTOR_HEADER + "\nIMP-X2,ZJ,某人,,,\n").encode("utf-16")
    response = registry.ImportInspectors(reg.ImportInspectorsRequest(csv=data), metadata=admin)
    assert _errors(response) == [(0, "csv")]
    assert count_rows(db, Inspector) == inspectors


def test_lines_the_csv_grammar_cannot_read_are_their_rows_errors(
    registry: Registry, admin: Metadata, db: Database
) -> None:
    before, after, old_mac, extra, long_name = (make_uscc() for _ in range(5))
    data = (
        (
            "uscc,name\n"
            f"{before},宁波前行有限公司\n"  # 1 good
            f"{long_name}," + "名" * 131_073 + "\n"  # 2 a field beyond the csv module's own limit
            f"{extra},宁波多列有限公司,额外\n"  # 3 more fields than the header
            f"{old_mac},宁波旧式有限公司\r"  # 4 good, ended by a bare CR
            f"{after},宁波后行有限公司\n"  # 5 good
        ).encode()
    )
    answer = registry.ImportEnterprises(reg.ImportEnterprisesRequest(csv=data), metadata=admin)
    assert (answer.rows_read, answer.rows_imported) == (5, 3)
    assert _errors(answer) == [(2, "csv"), (3, "csv")]
    assert answer.error_count == 2
    assert all(len(e.description) < 200 for e in answer.errors)
    for uscc in (before, old_mac, after):
        registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=uscc), metadata=admin)
    for uscc in (long_name, extra):
        _absent(registry, admin, uscc)


def test_a_long_field_is_its_rows_error_quoted_by_length(registry: Registry, admin: Metadata) -> None:
    uscc = make_uscc()
    data = f"uscc,name\n{uscc},{'长' * 5000}\n".encode()
    answer = registry.ImportEnterprises(reg.ImportEnterprisesRequest(csv=data), metadata=admin)
    assert answer.rows_imported == 0 and _errors(answer) == [(1, "name")]
    assert "5,000 characters" in answer.errors[0].description
    _absent(registry, admin, uscc)


@pytest.mark.parametrize("written", [" {} ", "{} ", "{}\t"], ids=["spaces", "trailing", "tab"])
def test_a_uscc_is_judged_alike_by_the_import_and_by_create_enterprise(
    registry: Registry, admin: Metadata, written: str
) -> None:
    uscc = make_uscc()
    value = written.format(uscc)
    refused = expect_error(
        lambda: registry.CreateEnterprise(
            reg.CreateEnterpriseRequest(enterprise=reg.Enterprise(uscc=value, name="宁波空格有限公司")),
            metadata=admin,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    from tests.support import field_violations

    description = field_violations(refused)["enterprise.uscc"]
    data = f'uscc,name\n"{value}",宁波空格有限公司\n'.encode()
    answer = registry.ImportEnterprises(reg.ImportEnterprisesRequest(csv=data), metadata=admin)
    assert answer.rows_imported == 0
    assert [(e.row, e.field, e.description) for e in answer.errors] == [(1, "uscc", description)]
    _absent(registry, admin, uscc)


def test_an_import_lists_at_most_a_thousand_problems_and_its_retry_answers_the_same(
    registry: Registry, admin: Metadata
) -> None:
    rows = [f"bad-{n},宁波坏行有限公司" for n in range(1_500)]
    request = reg.ImportEnterprisesRequest(request_id="many-bad-rows", csv=_csv("uscc,name", rows))
    answer = registry.ImportEnterprises(request, metadata=admin)
    assert (answer.rows_read, answer.rows_imported, answer.error_count) == (1_500, 0, 1_500)
    assert len(answer.errors) == 1_000 and answer.errors[-1].row == 1_000
    assert registry.ImportEnterprises(request, metadata=admin) == answer
