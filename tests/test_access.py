"""Bearer tokens after issue (DESIGN §2): a holder refreshes its own token; the administrator
revokes one token or every token of a principal, and the revocation holds on every replica within
``revocation_refresh_seconds``; a department token must name a department that exists."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import jwt
import pytest

from inspection.auth import Role, verify_token
from inspection.clock import SettableClock
from inspection.config import Settings
from inspection.server import Running, build
from inspection.storage.db import Database
from inspection.v1 import access_service_pb2 as pb
from inspection.v1 import access_service_pb2_grpc as pb_grpc
from inspection.v1 import registry_service_pb2 as reg
from inspection.v1 import registry_service_pb2_grpc as reg_grpc
from tests.support import TEST_SIGNING_KEY, auth, error_info, expect_error, field_violations, footprint

REFRESH = 0.1


@pytest.fixture(scope="module")
def settings(database_url: str) -> Settings:
    return Settings(
        alert_sweep_seconds=0,  # oversight sweeps run when a test asks (tests/test_oversight.py)
        signing_key=TEST_SIGNING_KEY,  # type: ignore[arg-type]
        listen="127.0.0.1:0",
        database_url=database_url,
        revocation_refresh_seconds=REFRESH,
        expiry_sweep_seconds=0,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(scope="module")
def access(grpc_channel: grpc.Channel) -> pb_grpc.AccessServiceStub:
    return pb_grpc.AccessServiceStub(grpc_channel)


@pytest.fixture(scope="module")
def replica(settings: Settings, clock: SettableClock) -> Iterator[Running]:
    """A second server on the same database: another replica."""
    other = build(settings, clock=clock)
    other.server.start()
    yield other
    other.stop(grace=None)


def _bearer(token: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {token}")]


def _token(metadata: list[tuple[str, str]]) -> str:
    return metadata[0][1].removeprefix("Bearer ")


def _eventually(call: Callable[[], Any], code: grpc.StatusCode, reason: str) -> None:
    """The call is refused with ``code``/``reason`` within a few refresh periods."""
    deadline = time.monotonic() + REFRESH * 30
    while True:
        try:
            call()
        except grpc.RpcError as error:
            assert error.code() == code, error.details()
            assert error_info(error).reason == reason
            return
        assert time.monotonic() < deadline, f"never refused with {reason}"
        time.sleep(REFRESH / 2)


def test_a_holder_refreshes_its_own_token(access: Any, registry: Any, clock: SettableClock) -> None:
    metadata = auth(Role.SERVICE_HALL, sub="hall-refresh", ttl_hours=8, now=clock.now())
    fresh = access.RefreshToken(pb.RefreshTokenRequest(), metadata=metadata)
    principal = verify_token(TEST_SIGNING_KEY, fresh.token, now=clock.now())
    assert (principal.sub, principal.role) == ("hall-refresh", Role.SERVICE_HALL)
    assert fresh.token_id and fresh.token_id not in _token(metadata)
    assert fresh.expire_time.ToDatetime(dt.UTC) == clock.now().astimezone(dt.UTC) + dt.timedelta(hours=8)
    # The fresh token works.
    registry.ListDepartments(reg.ListDepartmentsRequest(), metadata=_bearer(fresh.token))


def test_a_refreshed_token_lives_at_most_the_configured_lifetime(access: Any, clock: SettableClock) -> None:
    metadata = auth(Role.ADMIN, sub="admin-long", ttl_hours=24 * 30, now=clock.now())
    fresh = access.RefreshToken(pb.RefreshTokenRequest(), metadata=metadata)
    assert fresh.expire_time.ToDatetime(dt.UTC) == clock.now().astimezone(dt.UTC) + dt.timedelta(hours=24)


def test_the_public_cannot_refresh(access: Any) -> None:
    expect_error(
        lambda: access.RefreshToken(pb.RefreshTokenRequest()),
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_MISSING",
    )


def test_a_revoked_token_is_refused_on_every_replica_and_others_of_its_holder_are_not(
    access: Any, cards: Any, replica: Running, admin: Any, clock: SettableClock
) -> None:
    revoked = auth(Role.SUPERVISION, sub="jianchaju-1", now=clock.now())
    kept = auth(Role.SUPERVISION, sub="jianchaju-1", now=clock.now())
    jti = jwt.decode(_token(revoked), options={"verify_signature": False})["jti"]
    with grpc.insecure_channel(f"127.0.0.1:{replica.port}") as channel:
        other = pb_grpc.AccessServiceStub(channel)
        for stub in (access, other):
            stub.RefreshToken(pb.RefreshTokenRequest(), metadata=revoked)  # known to both replicas
        answer = access.RevokeTokens(
            pb.RevokeTokensRequest(request_id="revoke-one", token_id=jti, reason="lost laptop"),
            metadata=admin,
        )
        assert (answer.token_id, answer.subject, answer.revoked_by) == (jti, "", "admin-1")
        for stub in (access, other):
            _eventually(
                lambda stub=stub: stub.RefreshToken(pb.RefreshTokenRequest(), metadata=revoked),
                grpc.StatusCode.UNAUTHENTICATED,
                "TOKEN_REVOKED",
            )
            stub.RefreshToken(pb.RefreshTokenRequest(), metadata=kept)


def test_revoking_a_principal_refuses_its_tokens_issued_until_then_only(
    access: Any, admin: Any, clock: SettableClock, db: Database
) -> None:
    before = auth(Role.ENTERPRISE, org="91330200MA2AAAAA0X", sub="officer-9", now=clock.now())
    access.RevokeTokens(
        pb.RevokeTokensRequest(request_id="revoke-officer", subject="officer-9"), metadata=admin
    )
    _eventually(
        lambda: access.RefreshToken(pb.RefreshTokenRequest(), metadata=before),
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_REVOKED",
    )
    clock.advance(dt.timedelta(seconds=1))
    after = auth(Role.ENTERPRISE, org="91330200MA2AAAAA0X", sub="officer-9", now=clock.now())
    access.RefreshToken(pb.RefreshTokenRequest(), metadata=after)
    # A retry of the revocation answers the same and records nothing more.
    written = footprint(db)
    again = access.RevokeTokens(
        pb.RevokeTokensRequest(request_id="revoke-officer", subject="officer-9"), metadata=admin
    )
    assert again.subject == "officer-9" and footprint(db) == written


@pytest.mark.parametrize(
    "fields",
    [{}, {"token_id": "abc", "subject": "x"}, {"token_id": "a b"}, {"subject": "s" * 65}],
    ids=["neither", "both", "bad id", "long subject"],
)
def test_a_revocation_names_exactly_one_token_or_principal(
    access: Any, admin: Any, db: Database, fields: dict[str, str]
) -> None:
    written = footprint(db)
    error = expect_error(
        lambda: access.RevokeTokens(
            pb.RevokeTokensRequest(request_id="bad-revocation", **fields), metadata=admin
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) <= {"token_id", "subject"}
    assert footprint(db) == written


def test_only_the_administrator_revokes(access: Any, clock: SettableClock, db: Database) -> None:
    written = footprint(db)
    expect_error(
        lambda: access.RevokeTokens(
            pb.RevokeTokensRequest(subject="x"), metadata=auth(Role.LEGAL_OFFICE, sub="fzb", now=clock.now())
        ),
        grpc.StatusCode.PERMISSION_DENIED,
        "ROLE_NOT_ALLOWED",
    )
    assert footprint(db) == written


def test_a_department_token_must_name_a_department_that_exists(
    registry: reg_grpc.RegistryServiceStub, cards: Any, admin: Any, clock: SettableClock
) -> None:
    ghost = auth(Role.DEPARTMENT, org="GHOST", sub="ghost-clerk", now=clock.now())
    expect_error(
        lambda: registry.ListDepartments(reg.ListDepartmentsRequest(), metadata=ghost),
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_UNKNOWN_DEPARTMENT",
    )
    registry.CreateDepartment(
        reg.CreateDepartmentRequest(department=reg.Department(code="GHOST", name="新设部门")), metadata=admin
    )
    registry.GetDepartment(reg.GetDepartmentRequest(code="GHOST"), metadata=ghost)


def test_a_token_issued_in_the_future_is_refused(registry: Any, clock: SettableClock) -> None:
    ahead = auth(Role.ADMIN, sub="time-traveller", now=clock.now() + dt.timedelta(hours=1))
    expect_error(
        lambda: registry.ListDepartments(reg.ListDepartmentsRequest(), metadata=ahead),
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_INVALID",
    )
