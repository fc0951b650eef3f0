"""Idempotent retries (AIP-155, DESIGN §10): the same request id returns the first response and
writes nothing twice; the same id with another request is refused."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.server import Running
from inspection.storage.db import Database
from inspection.storage.models import CardEntry, Enterprise, IdempotencyRecord, Recusal
from inspection.sweeper import prune_idempotency_records
from inspection.v1 import common_pb2 as common
from inspection.v1 import registry_service_pb2 as reg
from inspection.v1 import registry_service_pb2_grpc
from tests.support import auth, count_rows, expect_error, field_violations, make_uscc, register, stored_head

Registry = registry_service_pb2_grpc.RegistryServiceStub
Metadata = list[tuple[str, str]]


def _snapshot(db: Database, uscc: str) -> tuple[object, ...]:
    return (
        stored_head(db, uscc),
        count_rows(db, Enterprise),
        count_rows(db, CardEntry),
        count_rows(db, Recusal),
        count_rows(db, IdempotencyRecord),
    )


def _create_request(request_id: str, uscc: str, name: str = "幂等有限公司") -> reg.CreateEnterpriseRequest:
    return reg.CreateEnterpriseRequest(request_id=request_id, enterprise=reg.Enterprise(uscc=uscc, name=name))


def _update_request(request_id: str, uscc: str, credit: int) -> reg.UpdateEnterpriseRequest:
    return reg.UpdateEnterpriseRequest(
        request_id=request_id,
        enterprise=reg.Enterprise(uscc=uscc, credit_class=credit),  # type: ignore[arg-type]
        update_mask=FieldMask(paths=["credit_class"]),
    )


def test_retried_create_returns_the_first_response(registry: Registry, admin: Metadata, db: Database) -> None:
    uscc = make_uscc()
    first = registry.CreateEnterprise(_create_request("create-1", uscc), metadata=admin)
    after_first = _snapshot(db, uscc)
    retried = registry.CreateEnterprise(_create_request("create-1", uscc), metadata=admin)
    assert retried.SerializeToString(deterministic=True) == first.SerializeToString(deterministic=True)
    assert _snapshot(db, uscc) == after_first


def test_retried_update_returns_the_first_response_even_after_later_changes(
    registry: Registry, admin: Metadata, db: Database
) -> None:
    uscc = register(registry, admin).enterprise.uscc
    first = registry.UpdateEnterprise(
        _update_request("update-1", uscc, common.CREDIT_CLASS_A), metadata=admin
    )
    assert first.card_head.seq == 2
    retried = registry.UpdateEnterprise(
        _update_request("update-1", uscc, common.CREDIT_CLASS_A), metadata=admin
    )
    assert retried == first
    assert stored_head(db, uscc) == (2, first.card_head.entry_hash)

    later = registry.UpdateEnterprise(
        _update_request("update-2", uscc, common.CREDIT_CLASS_C), metadata=admin
    )
    assert later.card_head.seq == 3
    before = _snapshot(db, uscc)
    late_retry = registry.UpdateEnterprise(
        _update_request("update-1", uscc, common.CREDIT_CLASS_A), metadata=admin
    )
    assert late_retry == first  # the first response, not a second application of the change
    assert _snapshot(db, uscc) == before
    got = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=uscc), metadata=admin)
    assert got.credit_class == common.CREDIT_CLASS_C


def test_retried_recusal_returns_the_first_response(
    registry: Registry, admin: Metadata, db: Database
) -> None:
    registry.CreateDepartment(
        reg.CreateDepartmentRequest(
            request_id="dept-1", department=reg.Department(code="IDEM", name="审计局")
        ),
        metadata=admin,
    )
    registry.CreateInspector(
        reg.CreateInspectorRequest(
            request_id="ins-1",
            inspector=reg.Inspector(id="INS-IDEM", department_code="IDEM", name="刘一", active=True),
        ),
        metadata=admin,
    )
    uscc = register(registry, admin).enterprise.uscc
    request = reg.CreateRecusalRequest(
        request_id="recusal-1", recusal=reg.Recusal(inspector_id="INS-IDEM", uscc=uscc, reason="曾任职")
    )
    first = registry.CreateRecusal(request, metadata=admin)
    after_first = _snapshot(db, uscc)
    for _ in range(3):
        assert registry.CreateRecusal(request, metadata=admin) == first
    assert _snapshot(db, uscc) == after_first


def test_retried_directory_creates(registry: Registry, admin: Metadata, db: Database) -> None:
    request = reg.CreateDepartmentRequest(
        request_id="dept-2", department=reg.Department(code="IDEM2", name="统计局")
    )
    first = registry.CreateDepartment(request, metadata=admin)
    records = count_rows(db, IdempotencyRecord)
    assert registry.CreateDepartment(request, metadata=admin) == first
    assert count_rows(db, IdempotencyRecord) == records
    # Without a request id a repeat is a new request, and the directory refuses the duplicate.
    expect_error(
        lambda: registry.CreateDepartment(
            reg.CreateDepartmentRequest(department=request.department), metadata=admin
        ),
        grpc.StatusCode.ALREADY_EXISTS,
        "ALREADY_EXISTS",
    )


def test_retried_import_imports_once(registry: Registry, admin: Metadata, db: Database) -> None:
    data = "uscc,name\n" + "".join(f"{make_uscc()},批量{i}有限公司\n" for i in range(3))
    request = reg.ImportEnterprisesRequest(request_id="import-1", csv=data.encode())
    first = registry.ImportEnterprises(request, metadata=admin)
    assert first.rows_imported == 3
    enterprises = count_rows(db, Enterprise)
    assert registry.ImportEnterprises(request, metadata=admin) == first
    assert count_rows(db, Enterprise) == enterprises


def test_same_request_id_with_another_request_is_refused(
    registry: Registry, admin: Metadata, db: Database
) -> None:
    uscc = make_uscc()
    registry.CreateEnterprise(_create_request("reuse-1", uscc), metadata=admin)
    other = make_uscc()
    before = _snapshot(db, uscc)
    expect_error(
        lambda: registry.CreateEnterprise(_create_request("reuse-1", other), metadata=admin),
        grpc.StatusCode.FAILED_PRECONDITION,
        "REQUEST_ID_REUSED",
    )
    expect_error(
        lambda: registry.CreateEnterprise(
            _create_request("reuse-1", uscc, name="改名有限公司"), metadata=admin
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
        "REQUEST_ID_REUSED",
    )
    assert _snapshot(db, uscc) == before
    assert stored_head(db, other) is None

    registry.UpdateEnterprise(_update_request("reuse-2", uscc, common.CREDIT_CLASS_A), metadata=admin)
    before = _snapshot(db, uscc)
    expect_error(
        lambda: registry.UpdateEnterprise(
            _update_request("reuse-2", uscc, common.CREDIT_CLASS_D), metadata=admin
        ),
        grpc.StatusCode.FAILED_PRECONDITION,
        "REQUEST_ID_REUSED",
    )
    assert _snapshot(db, uscc) == before
    got = registry.GetEnterprise(reg.GetEnterpriseRequest(uscc=uscc), metadata=admin)
    assert got.credit_class == common.CREDIT_CLASS_A


def test_request_ids_belong_to_their_principal_and_method(
    registry: Registry, admin: Metadata, db: Database, clock: SettableClock
) -> None:
    uscc = register(registry, admin).enterprise.uscc
    registry.UpdateEnterprise(_update_request("shared-id", uscc, common.CREDIT_CLASS_A), metadata=admin)
    other_admin = auth(Role.ADMIN, sub="admin-2", now=clock.now())
    second = registry.UpdateEnterprise(
        _update_request("shared-id", uscc, common.CREDIT_CLASS_D), metadata=other_admin
    )
    assert second.card_head.seq == 3
    created = registry.CreateEnterprise(_create_request("shared-id", make_uscc()), metadata=admin)
    assert created.card_head.seq == 1


def test_a_failed_request_is_not_remembered(registry: Registry, admin: Metadata, db: Database) -> None:
    uscc = make_uscc()
    records = count_rows(db, IdempotencyRecord)
    expect_error(
        lambda: registry.CreateEnterprise(_create_request("fail-then-fix", uscc, name=""), metadata=admin),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert count_rows(db, IdempotencyRecord) == records
    fixed = registry.CreateEnterprise(_create_request("fail-then-fix", uscc), metadata=admin)
    assert fixed.card_head.seq == 1


@pytest.mark.parametrize("request_id", ["x" * 129, "tab\there", "line\nbreak"])
def test_bad_request_id(registry: Registry, admin: Metadata, db: Database, request_id: str) -> None:
    uscc = make_uscc()
    enterprises = count_rows(db, Enterprise)
    error = expect_error(
        lambda: registry.CreateEnterprise(_create_request(request_id, uscc), metadata=admin),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"request_id"}
    assert count_rows(db, Enterprise) == enterprises


def test_a_tracing_header_is_logged_and_never_replays_a_call(
    registry: Registry, admin: Metadata, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """x-request-id (set by proxies for tracing) is not an idempotency key: two different calls under
    one tracing id both take effect, and the id is in their log lines."""
    uscc = register(registry, admin).enterprise.uscc
    metadata = [*admin, ("x-request-id", "trace-7f3a")]
    capsys.readouterr()
    first = registry.UpdateEnterprise(_update_request("", uscc, common.CREDIT_CLASS_A), metadata=metadata)
    second = registry.UpdateEnterprise(_update_request("", uscc, common.CREDIT_CLASS_C), metadata=metadata)
    assert first.enterprise.credit_class == common.CREDIT_CLASS_A
    assert second.enterprise.credit_class == common.CREDIT_CLASS_C
    assert second.card_head.seq == first.card_head.seq + 1
    logged = capsys.readouterr().out
    assert logged.count("trace_id=trace-7f3a") == 2, logged


@pytest.mark.parametrize("round_", range(4))
def test_concurrent_retries_write_once(
    registry: Registry, admin: Metadata, db: Database, round_: int
) -> None:
    """Retries that arrive while the first attempt is still running get its response, not its effects."""
    uscc = make_uscc()
    create = _create_request(f"race-create-{round_}", uscc)
    with ThreadPoolExecutor(max_workers=8) as pool:
        created = list(
            pool.map(lambda _: registry.CreateEnterprise(create, metadata=admin, timeout=30), range(8))
        )
    assert len({c.SerializeToString(deterministic=True) for c in created}) == 1
    assert stored_head(db, uscc) == (1, created[0].card_head.entry_hash)

    update = _update_request(f"race-update-{round_}", uscc, common.CREDIT_CLASS_D)
    with ThreadPoolExecutor(max_workers=8) as pool:
        updated = list(
            pool.map(lambda _: registry.UpdateEnterprise(update, metadata=admin, timeout=30), range(8))
        )
    assert len({u.SerializeToString(deterministic=True) for u in updated}) == 1
    assert stored_head(db, uscc) == (2, updated[0].card_head.entry_hash)


def test_records_past_their_retention_are_pruned_and_the_id_is_free_again(
    registry: Registry, admin: Metadata, db: Database, running: Running, clock: SettableClock
) -> None:
    """A request id is remembered for `idempotency_retention_days` (30 by default); the sweep then
    prunes its record, and the id may name a new call."""
    uscc = register(registry, admin).enterprise.uscc
    registry.UpdateEnterprise(
        _update_request("kept-for-a-month", uscc, common.CREDIT_CLASS_D), metadata=admin
    )
    other = _update_request("kept-for-a-month", uscc, common.CREDIT_CLASS_A)
    expect_error(
        lambda: registry.UpdateEnterprise(other, metadata=admin),
        grpc.StatusCode.FAILED_PRECONDITION,
        "REQUEST_ID_REUSED",
    )
    start = clock.now()
    try:
        clock.set(start + dt.timedelta(days=29))
        assert prune_idempotency_records(running.db, clock, retention_days=30) == 0
        clock.set(start + dt.timedelta(days=31))
        records = count_rows(db, IdempotencyRecord)
        assert prune_idempotency_records(running.db, clock, retention_days=30) >= 1
        assert count_rows(db, IdempotencyRecord) < records
        token = auth(Role.ADMIN, sub="admin-1", now=clock.now())
        assert (
            registry.UpdateEnterprise(other, metadata=token).enterprise.credit_class == common.CREDIT_CLASS_A
        )
    finally:
        clock.set(start)
