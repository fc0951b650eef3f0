"""The directories (DESIGN §3) through the real server: create, read, list, update, and every kind of
bad input refused with all its bad fields listed and nothing written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.storage.db import Database
from inspection.storage.models import (
    CardEntry,
    ChecklistItem,
    Department,
    Enterprise,
    FeeItem,
    IdempotencyRecord,
    Inspector,
    Recusal,
)
from inspection.v1 import card_service_pb2 as card
from inspection.v1 import card_service_pb2_grpc, registry_service_pb2_grpc
from inspection.v1 import common_pb2 as common
from inspection.v1 import registry_service_pb2 as reg
from tests.support import (
    auth,
    bad_check_character,
    count_rows,
    dated,
    entry_count,
    expect_error,
    field_violations,
    footprint,
    make_uscc,
    register,
    stored_head,
    violation_list,
    with_page_key,
)

Registry = registry_service_pb2_grpc.RegistryServiceStub
Cards = card_service_pb2_grpc.CardServiceStub
Metadata = list[tuple[str, str]]
Unchanged = Callable[[], None]

INVALID = grpc.StatusCode.INVALID_ARGUMENT
WRITTEN_TABLES = (
    Enterprise,
    CardEntry,
    Department,
    Inspector,
    ChecklistItem,
    FeeItem,
    Recusal,
    IdempotencyRecord,
)


@pytest.fixture
def unchanged(db: Database) -> Callable[[], None]:
    """Asserts that the test wrote nothing to any table."""
    before = footprint(db)

    def check() -> None:
        assert footprint(db) == before

    return check


@pytest.fixture(scope="module")
def department(registry: Registry, admin: Metadata) -> str:
    registry.CreateDepartment(
        reg.CreateDepartmentRequest(department=reg.Department(code="SCJG", name="市场监督管理局")),
        metadata=admin,
    )
    return "SCJG"


def _inspector(registry: Registry, admin: Metadata, **fields: object) -> reg.Inspector:
    values: dict[str, object] = {
        "department_code": "SCJG",
        "name": "张三",
        "certificate_number": "ZF-0001",
        "certificate_expiry": "2027-12-31",
        "active": True,
    }
    values.update(fields)
    response: reg.Inspector = registry.CreateInspector(
        reg.CreateInspectorRequest(inspector=reg.Inspector(**dated(values, "certificate_expiry"))),  # type: ignore[arg-type]
        metadata=admin,
    )
    return response


# --- enterprises ----------------------------------------------------------------------------


def test_create_get_and_list_enterprise(
    registry: Registry, cards: Cards, admin: Metadata, clock: SettableClock
) -> None:
    uscc = make_uscc()
    created = registry.CreateEnterprise(
        reg.CreateEnterpriseRequest(
            enterprise=reg.Enterprise(
                uscc=uscc,
                name="上海浦东精密机械有限公司",
                above_designated_size=True,
                industry="制造业",
                district="浦东新区",
                credit_class=common.CREDIT_CLASS_C,
            )
        ),
        metadata=admin,
    )
    assert created.enterprise.name == "上海浦东精密机械有限公司"
    assert created.enterprise.credit_class == common.CREDIT_CLASS_C
    assert created.enterprise.above_designated_size
    assert created.enterprise.create_time.ToDatetime(tzinfo=dt.UTC) == clock.now()
    assert created.card_head.uscc == uscc and created.card_head.seq == 1

    got = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=uscc), metadata=admin)
    assert got == created.enterprise

    listed = registry.ListEnterprises(reg.ListEnterprisesRequest(district="浦东新区"), metadata=admin)
    assert [e.uscc for e in listed.enterprises] == [uscc]
    by_class = registry.ListEnterprises(
        reg.ListEnterprisesRequest(district="浦东新区", credit_class=common.CREDIT_CLASS_A), metadata=admin
    )
    assert list(by_class.enterprises) == []

    entries = cards.ListCardEntries(card.ListCardEntriesRequest(uscc=uscc), metadata=admin).entries
    assert [(e.seq, e.kind) for e in entries] == [(1, card.CARD_ENTRY_KIND_CARD_ISSUED)]
    assert entries[0].entry_hash == created.card_head.entry_hash
    assert json.loads(entries[0].payload_json)["name"] == "上海浦东精密机械有限公司"
    assert entries[0].actor_sub == "admin-1" and entries[0].actor_role == "admin"


def test_unspecified_credit_class_defaults_to_b(registry: Registry, admin: Metadata) -> None:
    created = register(registry, admin)
    assert created.enterprise.credit_class == common.CREDIT_CLASS_B


def test_wrong_check_character_is_named(registry: Registry, admin: Metadata, unchanged: Unchanged) -> None:
    uscc = bad_check_character(make_uscc())
    error = expect_error(lambda: register(registry, admin, uscc=uscc), INVALID, "INVALID_ARGUMENT")
    violations = field_violations(error)
    assert list(violations) == ["enterprise.uscc"]
    assert "check character" in violations["enterprise.uscc"]
    unchanged()


@pytest.mark.parametrize(
    ("uscc", "words"),
    [
        ("91110000MA0000001", "18 characters"),
        ("91110000MA00000012X", "18 characters"),
        ("", "required"),
        ("91110000MA000000I1", "not allowed"),
    ],
    ids=["short", "long", "empty", "bad-character"],
)
def test_bad_uscc(registry: Registry, admin: Metadata, unchanged: Unchanged, uscc: str, words: str) -> None:
    error = expect_error(lambda: register(registry, admin, uscc=uscc), INVALID, "INVALID_ARGUMENT")
    violations = field_violations(error)
    assert set(violations) == {"enterprise.uscc"}
    assert words in violations["enterprise.uscc"]
    unchanged()


def test_lower_case_uscc_is_refused(registry: Registry, admin: Metadata, unchanged: Unchanged) -> None:
    lower = make_uscc().lower()  # every code made here has the letters "MA"
    error = expect_error(lambda: register(registry, admin, uscc=lower), INVALID, "INVALID_ARGUMENT")
    assert set(field_violations(error)) == {"enterprise.uscc"}
    unchanged()


def test_empty_name_is_refused(registry: Registry, admin: Metadata, unchanged: Unchanged) -> None:
    error = expect_error(lambda: register(registry, admin, name="   "), INVALID, "INVALID_ARGUMENT")
    assert field_violations(error) == {"enterprise.name": "is required"}
    unchanged()


def test_every_bad_field_is_listed_at_once(registry: Registry, admin: Metadata, unchanged: Unchanged) -> None:
    uscc = bad_check_character(make_uscc())
    error = expect_error(
        lambda: register(registry, admin, uscc=uscc, name="", district="区" * 201, industry="业" * 201),
        INVALID,
        "INVALID_ARGUMENT",
    )
    violations = field_violations(error)
    assert set(violations) == {
        "enterprise.uscc",
        "enterprise.name",
        "enterprise.district",
        "enterprise.industry",
    }
    assert "check character" in violations["enterprise.uscc"]
    unchanged()


def test_unknown_credit_class_value_is_refused(
    registry: Registry, admin: Metadata, unchanged: Unchanged
) -> None:
    error = expect_error(lambda: register(registry, admin, credit_class=42), INVALID, "INVALID_ARGUMENT")
    assert set(field_violations(error)) == {"enterprise.credit_class"}
    unchanged()


def test_duplicate_enterprise(registry: Registry, admin: Metadata, db: Database) -> None:
    uscc = register(registry, admin).enterprise.uscc
    head = stored_head(db, uscc)
    enterprises = count_rows(db, Enterprise)
    expect_error(
        lambda: register(registry, admin, uscc=uscc, name="另一家公司"),
        grpc.StatusCode.ALREADY_EXISTS,
        "ALREADY_EXISTS",
    )
    assert stored_head(db, uscc) == head
    assert count_rows(db, Enterprise) == enterprises
    got = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=uscc), metadata=admin)
    assert got.name == "测试有限公司"


def test_unknown_enterprise(registry: Registry, admin: Metadata) -> None:
    error = expect_error(
        lambda: registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=make_uscc()), metadata=admin),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    assert error.details()  # type: ignore[attr-defined]


# --- updating an enterprise -----------------------------------------------------------------


def _update(
    registry: Registry, admin: Metadata, uscc: str, paths: list[str], **fields: object
) -> reg.UpdateEnterpriseResponse:
    response: reg.UpdateEnterpriseResponse = registry.UpdateEnterprise(
        reg.UpdateEnterpriseRequest(
            enterprise=reg.Enterprise(uscc=uscc, **fields),  # type: ignore[arg-type]
            update_mask=FieldMask(paths=paths),
        ),
        metadata=admin,
    )
    return response


def test_update_writes_old_and_new_values_on_the_card(
    registry: Registry, cards: Cards, admin: Metadata
) -> None:
    uscc = register(registry, admin).enterprise.uscc
    updated = _update(
        registry,
        admin,
        uscc,
        ["credit_class", "white_listed", "above_designated_size"],
        credit_class=common.CREDIT_CLASS_A,
        white_listed=True,
        above_designated_size=True,
    )
    assert updated.enterprise.credit_class == common.CREDIT_CLASS_A
    assert updated.enterprise.white_listed and updated.enterprise.above_designated_size
    assert updated.card_head.seq == 2

    entries = cards.ListCardEntries(card.ListCardEntriesRequest(uscc=uscc), metadata=admin).entries
    last = entries[-1]
    assert (last.seq, last.kind) == (2, card.CARD_ENTRY_KIND_ENTERPRISE_UPDATED)
    assert last.entry_hash == updated.card_head.entry_hash
    assert last.prev_hash == entries[0].entry_hash
    assert json.loads(last.payload_json) == {
        "changes": {
            "above_designated_size": {"old": False, "new": True},
            "credit_class": {"old": "B", "new": "A"},
            "white_listed": {"old": False, "new": True},
        }
    }
    got = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=uscc), metadata=admin)
    assert got.credit_class == common.CREDIT_CLASS_A and got.white_listed

    # A field outside the mask is not touched, even when the request carries a value for it.
    again = _update(
        registry, admin, uscc, ["credit_class"], credit_class=common.CREDIT_CLASS_D, white_listed=False
    )
    assert again.enterprise.white_listed
    assert again.card_head.seq == 3


def test_update_that_changes_nothing_writes_nothing(
    registry: Registry, admin: Metadata, db: Database
) -> None:
    created = register(registry, admin)
    uscc = created.enterprise.uscc
    same = _update(registry, admin, uscc, ["credit_class"], credit_class=common.CREDIT_CLASS_B)
    assert same.card_head == created.card_head
    assert entry_count(db, uscc) == 1


@pytest.mark.parametrize(
    "paths",
    [["uscc"], ["create_time"], ["no_such_field"], [], ["credit_class", "uscc"]],
    ids=["uscc", "create_time", "unknown", "empty", "one-bad-of-two"],
)
def test_bad_update_mask(registry: Registry, admin: Metadata, db: Database, paths: list[str]) -> None:
    uscc = register(registry, admin).enterprise.uscc
    head = stored_head(db, uscc)
    error = expect_error(
        lambda: _update(registry, admin, uscc, paths, credit_class=common.CREDIT_CLASS_A),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert "update_mask" in field_violations(error)
    assert stored_head(db, uscc) == head
    got = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=uscc), metadata=admin)
    assert got.credit_class == common.CREDIT_CLASS_B


def test_update_with_bad_values_lists_every_field(registry: Registry, admin: Metadata, db: Database) -> None:
    uscc = register(registry, admin).enterprise.uscc
    head = stored_head(db, uscc)
    error = expect_error(
        lambda: _update(
            registry, admin, uscc, ["name", "credit_class", "district"], name="", district="区" * 201
        ),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {
        "enterprise.name",
        "enterprise.credit_class",
        "enterprise.district",
    }
    assert stored_head(db, uscc) == head


def test_update_without_uscc_lists_it_with_the_other_bad_fields(registry: Registry, admin: Metadata) -> None:
    error = expect_error(
        lambda: _update(registry, admin, "", ["uscc"]),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"enterprise.uscc", "update_mask"}


def test_update_unknown_enterprise(registry: Registry, admin: Metadata, unchanged: Unchanged) -> None:
    expect_error(
        lambda: _update(registry, admin, make_uscc(), ["white_listed"], white_listed=True),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    unchanged()


# --- departments, inspectors, checklist and fee items ---------------------------------------


def test_departments(registry: Registry, admin: Metadata, department: str, unchanged: Unchanged) -> None:
    got = registry.GetDepartment(reg.GetDepartmentRequest(code=department))
    assert got.name == "市场监督管理局"
    codes = [d.code for d in registry.ListDepartments(reg.ListDepartmentsRequest()).departments]
    assert department in codes
    expect_error(
        lambda: registry.CreateDepartment(
            reg.CreateDepartmentRequest(department=reg.Department(code=department, name="重复")),
            metadata=admin,
        ),
        grpc.StatusCode.ALREADY_EXISTS,
        "ALREADY_EXISTS",
    )
    error = expect_error(
        lambda: registry.CreateDepartment(
            reg.CreateDepartmentRequest(department=reg.Department(code="bad code!", name="")), metadata=admin
        ),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"department.code", "department.name"}
    expect_error(
        lambda: registry.GetDepartment(reg.GetDepartmentRequest(code="NOPE")),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    unchanged()


def test_inspectors(registry: Registry, admin: Metadata, department: str, db: Database) -> None:
    created = _inspector(registry, admin, id="INS-A1")
    assert created.certified
    assert registry.GetInspector(reg.GetInspectorRequest(id="INS-A1"), metadata=admin) == created
    listed = registry.ListInspectors(reg.ListInspectorsRequest(department_code=department), metadata=admin)
    assert "INS-A1" in [i.id for i in listed.inspectors]

    before = count_rows(db, Inspector)
    expect_error(
        lambda: _inspector(registry, admin, id="INS-A1", name="李四"),
        grpc.StatusCode.ALREADY_EXISTS,
        "ALREADY_EXISTS",
    )
    error = expect_error(
        lambda: _inspector(registry, admin, id="INS-A2", department_code="NOPE"),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"inspector.department_code"}
    error = expect_error(
        lambda: _inspector(registry, admin, id="", name="", certificate_expiry="2027-13-01"),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert [field for field, _ in violation_list(error)] == [
        "inspector.certificate_expiry",
        "inspector.id",
        "inspector.name",
    ]
    error = expect_error(
        lambda: _inspector(registry, admin, id="INS-A3", certificate_expiry=""),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"inspector.certificate_expiry"}
    expect_error(
        lambda: registry.GetInspector(reg.GetInspectorRequest(id="NOPE"), metadata=admin),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    assert count_rows(db, Inspector) == before


def test_certified_is_judged_by_the_service_clock(
    registry: Registry, admin: Metadata, department: str, clock: SettableClock
) -> None:
    today = clock.now().astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    valid_today = _inspector(registry, admin, id="INS-C1", certificate_expiry=today.isoformat())
    expired = _inspector(
        registry, admin, id="INS-C2", certificate_expiry=(today - dt.timedelta(days=1)).isoformat()
    )
    auxiliary = _inspector(registry, admin, id="INS-C3", certificate_number="", certificate_expiry="")
    inactive = _inspector(registry, admin, id="INS-C4", active=False)
    assert valid_today.certified
    assert not expired.certified
    assert not auxiliary.certified
    assert not inactive.certified

    start = clock.now()
    clock.advance(dt.timedelta(days=1))
    try:
        tomorrow = auth(Role.ADMIN, sub="admin-1", now=clock.now())
        got = registry.GetInspector(reg.GetInspectorRequest(id="INS-C1"), metadata=tomorrow)
        assert not got.certified  # the certificate's last day has passed on the service's calendar
    finally:
        clock.set(start)
    assert registry.GetInspector(reg.GetInspectorRequest(id="INS-C1"), metadata=admin).certified


def test_checklist_items(registry: Registry, admin: Metadata, department: str) -> None:
    item = reg.ChecklistItem(
        code="SC-001",
        department_code=department,
        name="食品经营许可检查",
        legal_basis="《食品安全法》第三十五条",
        published=True,
    )
    created = registry.CreateChecklistItem(reg.CreateChecklistItemRequest(item=item), metadata=admin)
    assert created == item
    assert registry.GetChecklistItem(reg.GetChecklistItemRequest(code="SC-001")) == item
    listed = registry.ListChecklistItems(reg.ListChecklistItemsRequest(department_code=department))
    assert [i.code for i in listed.items] == ["SC-001"]
    assert (
        list(registry.ListChecklistItems(reg.ListChecklistItemsRequest(department_code="OTHER")).items) == []
    )


def test_bad_checklist_item(
    registry: Registry, admin: Metadata, department: str, unchanged: Unchanged
) -> None:
    error = expect_error(
        lambda: registry.CreateChecklistItem(
            reg.CreateChecklistItemRequest(
                item=reg.ChecklistItem(code="", department_code="NOPE", name="", legal_basis="")
            ),
            metadata=admin,
        ),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"item.code", "item.name", "item.legal_basis"}
    error = expect_error(
        lambda: registry.CreateChecklistItem(
            reg.CreateChecklistItemRequest(
                item=reg.ChecklistItem(code="SC-X", department_code="NOPE", name="检查", legal_basis="依据")
            ),
            metadata=admin,
        ),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"item.department_code"}
    expect_error(
        lambda: registry.GetChecklistItem(reg.GetChecklistItemRequest(code="NOPE")),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    unchanged()


def _fee(department: str, **fields: object) -> reg.FeeItem:
    values: dict[str, object] = {
        "code": "FEE-001",
        "department_code": department,
        "name": "特种设备检验费",
        "policy_basis": "沪价费〔2020〕1号",
        "fee_nature": "行政事业性收费",
        "amount_fen": 15000,
        "unit": "台",
        "collecting_unit": "区特种设备检验所",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
    }
    values.update(fields)
    return reg.FeeItem(**dated(values, "valid_from", "valid_to"))  # type: ignore[arg-type]


def test_fee_items(registry: Registry, admin: Metadata, department: str, db: Database) -> None:
    item = _fee(department)
    assert registry.CreateFeeItem(reg.CreateFeeItemRequest(item=item), metadata=admin) == item
    assert registry.GetFeeItem(reg.GetFeeItemRequest(code="FEE-001")) == item
    listed = registry.ListFeeItems(reg.ListFeeItemsRequest(department_code=department))
    assert [i.code for i in listed.items] == ["FEE-001"]
    open_ended = _fee(department, code="FEE-002", valid_to="")
    assert not registry.CreateFeeItem(reg.CreateFeeItemRequest(item=open_ended), metadata=admin).HasField(
        "valid_to"
    )

    before = count_rows(db, FeeItem)
    expect_error(
        lambda: registry.CreateFeeItem(reg.CreateFeeItemRequest(item=item), metadata=admin),
        grpc.StatusCode.ALREADY_EXISTS,
        "ALREADY_EXISTS",
    )
    bad = _fee(
        department, code="FEE-BAD", amount_fen=0, valid_from="2026-06-01", valid_to="2026-05-31", unit=""
    )
    error = expect_error(
        lambda: registry.CreateFeeItem(reg.CreateFeeItemRequest(item=bad), metadata=admin),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"item.amount_fen", "item.valid_to", "item.unit"}
    no_dates = _fee(department, code="FEE-BAD2", valid_from="", valid_to="2026-12-00", amount_fen=-5)
    error = expect_error(
        lambda: registry.CreateFeeItem(reg.CreateFeeItemRequest(item=no_dates), metadata=admin),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"item.valid_from", "item.valid_to", "item.amount_fen"}
    expect_error(
        lambda: registry.GetFeeItem(reg.GetFeeItemRequest(code="NOPE")),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    assert count_rows(db, FeeItem) == before


# --- recusals -------------------------------------------------------------------------------


def test_recusals(registry: Registry, cards: Cards, admin: Metadata, department: str, db: Database) -> None:
    uscc = register(registry, admin).enterprise.uscc
    _inspector(registry, admin, id="INS-R1")
    created = registry.CreateRecusal(
        reg.CreateRecusalRequest(recusal=reg.Recusal(inspector_id="INS-R1", uscc=uscc, reason="近亲属任职")),
        metadata=admin,
    )
    assert created.card_head.seq == 2
    entry = cards.ListCardEntries(card.ListCardEntriesRequest(uscc=uscc), metadata=admin).entries[-1]
    assert entry.kind == card.CARD_ENTRY_KIND_RECUSAL_RECORDED
    assert entry.department_code == department
    assert json.loads(entry.payload_json) == {"inspector_id": "INS-R1", "reason": "近亲属任职"}

    listed = registry.ListRecusals(reg.ListRecusalsRequest(uscc=uscc), metadata=admin)
    assert [(r.inspector_id, r.uscc) for r in listed.recusals] == [("INS-R1", uscc)]
    by_inspector = registry.ListRecusals(reg.ListRecusalsRequest(inspector_id="INS-R1"), metadata=admin)
    assert [r.uscc for r in by_inspector.recusals] == [uscc]

    head, recusals = stored_head(db, uscc), count_rows(db, Recusal)
    expect_error(
        lambda: registry.CreateRecusal(
            reg.CreateRecusalRequest(recusal=reg.Recusal(inspector_id="INS-R1", uscc=uscc)), metadata=admin
        ),
        grpc.StatusCode.ALREADY_EXISTS,
        "ALREADY_EXISTS",
    )
    expect_error(
        lambda: registry.CreateRecusal(
            reg.CreateRecusalRequest(recusal=reg.Recusal(inspector_id="NOPE", uscc=uscc)), metadata=admin
        ),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    expect_error(
        lambda: registry.CreateRecusal(
            reg.CreateRecusalRequest(recusal=reg.Recusal(inspector_id="INS-R1", uscc=make_uscc())),
            metadata=admin,
        ),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    error = expect_error(
        lambda: registry.CreateRecusal(
            reg.CreateRecusalRequest(
                recusal=reg.Recusal(inspector_id="", uscc=bad_check_character(uscc), reason="理" * 201)
            ),
            metadata=admin,
        ),
        INVALID,
        "INVALID_ARGUMENT",
    )
    violations = field_violations(error)
    assert set(violations) == {"recusal.inspector_id", "recusal.uscc", "recusal.reason"}
    assert "check character" in violations["recusal.uscc"]
    assert stored_head(db, uscc) == head
    assert count_rows(db, Recusal) == recusals


# --- pagination -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def district_of_25(registry: Registry, admin: Metadata) -> list[str]:
    return sorted(
        register(registry, admin, district="分页区", industry=f"行业{i % 2}").enterprise.uscc
        for i in range(25)
    )


def test_pagination_over_several_pages(
    registry: Registry, admin: Metadata, district_of_25: list[str]
) -> None:
    seen: list[str] = []
    token = ""
    for _ in range(10):
        page = registry.ListEnterprises(
            reg.ListEnterprisesRequest(district="分页区", page_size=10, page_token=token), metadata=admin
        )
        assert len(page.enterprises) <= 10
        seen.extend(e.uscc for e in page.enterprises)
        token = page.next_page_token
        if not token:
            break
    assert seen == district_of_25

    exact = registry.ListEnterprises(
        reg.ListEnterprisesRequest(district="分页区", page_size=25), metadata=admin
    )
    assert len(exact.enterprises) == 25 and exact.next_page_token == ""

    industry = registry.ListEnterprises(
        reg.ListEnterprisesRequest(district="分页区", industry="行业0", page_size=100), metadata=admin
    )
    assert len(industry.enterprises) == 13


@pytest.mark.parametrize(
    "other_filter",
    [{"district": "别的区"}, {"district": "分页区", "industry": "行业1"}, {}],
    ids=["other-district", "added-industry", "no-filter"],
)
def test_page_token_reused_with_another_filter_is_refused(
    other_filter: dict[str, str], registry: Registry, admin: Metadata, district_of_25: list[str]
) -> None:
    first = registry.ListEnterprises(
        reg.ListEnterprisesRequest(district="分页区", page_size=5), metadata=admin
    )
    request = reg.ListEnterprisesRequest(**other_filter, page_size=5, page_token=first.next_page_token)
    error = expect_error(
        lambda: registry.ListEnterprises(request, metadata=admin), INVALID, "INVALID_ARGUMENT"
    )
    assert set(field_violations(error)) == {"page_token"}


def test_a_page_token_holds_for_another_page_size(
    registry: Registry, admin: Metadata, district_of_25: list[str]
) -> None:
    first = registry.ListEnterprises(
        reg.ListEnterprisesRequest(district="分页区", page_size=5), metadata=admin
    )
    assert first.next_page_token
    # A different page size is not a different query.
    second = registry.ListEnterprises(
        reg.ListEnterprisesRequest(district="分页区", page_size=7, page_token=first.next_page_token),
        metadata=admin,
    )
    assert [e.uscc for e in second.enterprises] == district_of_25[5:12]


@pytest.mark.parametrize("token", ["garbage", "eyJrIjoxfQ", "!!!", "e30"])
def test_forged_page_token(registry: Registry, admin: Metadata, token: str) -> None:
    error = expect_error(
        lambda: registry.ListEnterprises(reg.ListEnterprisesRequest(page_token=token), metadata=admin),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"page_token"}


def test_negative_page_size(registry: Registry, admin: Metadata) -> None:
    error = expect_error(
        lambda: registry.ListEnterprises(reg.ListEnterprisesRequest(page_size=-1), metadata=admin),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"page_size"}


def test_inspector_pagination_by_department(registry: Registry, admin: Metadata, department: str) -> None:
    registry.CreateDepartment(
        reg.CreateDepartmentRequest(department=reg.Department(code="YJGL", name="应急管理局")), metadata=admin
    )
    ids = [f"INS-P{i:02d}" for i in range(12)]
    for inspector_id in ids:
        _inspector(registry, admin, id=inspector_id, department_code="YJGL")
    seen: list[str] = []
    token = ""
    for _ in range(10):
        page = registry.ListInspectors(
            reg.ListInspectorsRequest(department_code="YJGL", page_size=5, page_token=token), metadata=admin
        )
        seen.extend(i.id for i in page.inspectors)
        token = page.next_page_token
        if not token:
            break
    assert seen == ids
    first = registry.ListInspectors(
        reg.ListInspectorsRequest(department_code="YJGL", page_size=5), metadata=admin
    )
    error = expect_error(
        lambda: registry.ListInspectors(
            reg.ListInspectorsRequest(
                department_code=department, page_size=5, page_token=first.next_page_token
            ),
            metadata=admin,
        ),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"page_token"}


def test_list_with_unknown_credit_class_is_refused(registry: Registry, admin: Metadata) -> None:
    error = expect_error(
        lambda: registry.ListEnterprises(reg.ListEnterprisesRequest(credit_class=42), metadata=admin),  # type: ignore[arg-type]
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"credit_class"}


def test_control_characters_are_refused_alike_on_every_database(
    registry: Registry, admin: Metadata, unchanged: Unchanged
) -> None:
    error = expect_error(
        lambda: register(registry, admin, name="上海\x00有限公司", industry="制造\x07业"),
        INVALID,
        "INVALID_ARGUMENT",
    )
    violations = field_violations(error)
    assert set(violations) == {"enterprise.name", "enterprise.industry"}
    assert "control characters" in violations["enterprise.name"]
    unchanged()


def test_update_with_a_control_character_is_refused(
    registry: Registry, admin: Metadata, db: Database
) -> None:
    uscc = register(registry, admin).enterprise.uscc
    head = stored_head(db, uscc)
    error = expect_error(
        lambda: _update(registry, admin, uscc, ["district"], district="浦东\x00新区"),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"enterprise.district"}
    assert stored_head(db, uscc) == head


def test_department_code_longer_than_its_column_is_refused(
    registry: Registry, admin: Metadata, unchanged: Unchanged
) -> None:
    error = expect_error(
        lambda: registry.CreateDepartment(
            reg.CreateDepartmentRequest(department=reg.Department(code="D" * 33, name="长代码局")),
            metadata=admin,
        ),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert "32" in field_violations(error)["department.code"]
    unchanged()


@pytest.mark.parametrize("key", [{"a": 1}, ["x"], 5, True, None])
def test_page_token_with_a_forged_key_type(
    registry: Registry, admin: Metadata, district_of_25: list[str], key: object
) -> None:
    token = registry.ListEnterprises(reg.ListEnterprisesRequest(page_size=1), metadata=admin).next_page_token
    error = expect_error(
        lambda: registry.ListEnterprises(
            reg.ListEnterprisesRequest(page_size=1, page_token=with_page_key(token, key)), metadata=admin
        ),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"page_token"}


def test_recusal_page_token_with_a_forged_key_type(registry: Registry, admin: Metadata) -> None:
    uscc = register(registry, admin).enterprise.uscc
    registry.CreateDepartment(
        reg.CreateDepartmentRequest(department=reg.Department(code="PAGE-R", name="回避分页局")),
        metadata=admin,
    )
    for n in range(2):
        _inspector(registry, admin, id=f"INS-PR{n}", department_code="PAGE-R")
        registry.CreateRecusal(
            reg.CreateRecusalRequest(recusal=reg.Recusal(inspector_id=f"INS-PR{n}", uscc=uscc)),
            metadata=admin,
        )
    first = registry.ListRecusals(reg.ListRecusalsRequest(uscc=uscc, page_size=1), metadata=admin)
    second = registry.ListRecusals(
        reg.ListRecusalsRequest(uscc=uscc, page_size=1, page_token=first.next_page_token), metadata=admin
    )
    assert [r.inspector_id for r in (*first.recusals, *second.recusals)] == ["INS-PR0", "INS-PR1"]
    error = expect_error(
        lambda: registry.ListRecusals(
            reg.ListRecusalsRequest(uscc=uscc, page_token=with_page_key(first.next_page_token, "x")),
            metadata=admin,
        ),
        INVALID,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"page_token"}


@pytest.mark.parametrize(
    ("method", "request_type", "field"),
    [
        ("GetEnterprise", reg.GetEnterpriseRequest, "uscc"),
        ("GetDepartment", reg.GetDepartmentRequest, "code"),
        ("GetInspector", reg.GetInspectorRequest, "id"),
        ("GetChecklistItem", reg.GetChecklistItemRequest, "code"),
        ("GetFeeItem", reg.GetFeeItemRequest, "code"),
    ],
)
def test_get_without_a_name(
    registry: Registry, admin: Metadata, method: str, request_type: type, field: str
) -> None:
    error = expect_error(
        lambda: getattr(registry, method)(request_type(), metadata=admin), INVALID, "INVALID_ARGUMENT"
    )
    assert set(field_violations(error)) == {field}
