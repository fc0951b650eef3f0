"""Authorization (DESIGN §2): every method has a policy row, every role is allowed or refused exactly
as that row says, tokens are checked, and an enterprise never reaches another enterprise's card."""

from __future__ import annotations

import datetime as dt
from typing import Any

import grpc
import jwt
import pytest
import structlog
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message
from structlog.testing import LogCapture

from inspection.api.policy import POLICY
from inspection.api.services import method_path, methods
from inspection.auth import ALGORITHM, ISSUER, ORG_ROLES, Role
from inspection.clock import SettableClock
from inspection.storage.db import Database
from inspection.v1 import card_service_pb2 as card
from inspection.v1 import (
    card_service_pb2_grpc,
    registry_service_pb2_grpc,
)
from inspection.v1 import registry_service_pb2 as reg
from tests.support import (
    TEST_SIGNING_KEY,
    auth,
    error_info,
    expect_error,
    footprint,
    make_uscc,
    register,
    rpc_error,
)

STREAM_TIMEOUT = 2.0
METHODS = methods()
METHOD_IDS = [f"{m.containing_service.name}.{m.name}" for m in METHODS]
_path = method_path


# --- the policy table covers the API ---------------------------------------------------------


@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
def test_every_method_has_a_policy_row(method: MethodDescriptor) -> None:
    assert _path(method) in POLICY, f"{_path(method)} has no row in inspection.api.policy.POLICY"


def test_no_policy_row_names_a_method_that_does_not_exist() -> None:
    assert set(POLICY) - {_path(m) for m in METHODS} == set()


def test_mutating_rules_are_admin_or_named_roles_never_public() -> None:
    for path, rule in POLICY.items():
        if rule.mutating:
            assert Role.PUBLIC not in rule.roles, path


# --- the role matrix ------------------------------------------------------------------------

#: Who may call what, written out by hand from DESIGN §2 (not derived from the policy table it
#: checks): a admin, d department, l legal office, s supervision bureau, e enterprise, h service
#: hall, p public (no token). Directories that are published (公开) — departments, checklist items,
#: the fee catalogue — and the public feed are open to everyone; anyone holding a code may verify
#: it at the door.
MATRIX: dict[str, str] = {
    "RegistryService.CreateProjectKind": "a",
    "RegistryService.ListProjectKinds": "adlsehp",
    "InspectionService.ProposeJointCheck": "d",
    "InspectionService.RequestAcceptance": "e",
    "InspectionService.ConfirmParticipation": "d",
    "InspectionService.DeclineParticipation": "d",
    "InspectionService.RecordPart": "d",
    "InspectionService.RecordAcceptance": "d",
    "InspectionService.ListAvailableSlots": "adlse",
    "InspectionService.BookVisit": "e",
    "InspectionService.OfferSlots": "d",
    "AccessService.RefreshToken": "adlseh",
    "AccessService.RevokeTokens": "a",
    "RegistryService.CreateEnterprise": "a",
    "RegistryService.GetEnterprise": "adlse",
    "RegistryService.ListEnterprises": "adls",
    "RegistryService.UpdateEnterprise": "a",
    "RegistryService.ImportEnterprises": "a",
    "RegistryService.CreateDepartment": "a",
    "RegistryService.GetDepartment": "adlsehp",
    "RegistryService.ListDepartments": "adlsehp",
    "RegistryService.CreateInspector": "a",
    "RegistryService.GetInspector": "adls",
    "RegistryService.ListInspectors": "adls",
    "RegistryService.ImportInspectors": "a",
    "RegistryService.CreateChecklistItem": "a",
    "RegistryService.GetChecklistItem": "adlsehp",
    "RegistryService.ListChecklistItems": "adlsehp",
    "RegistryService.CreateFeeItem": "a",
    "RegistryService.GetFeeItem": "adlsehp",
    "RegistryService.ListFeeItems": "adlsehp",
    "RegistryService.CreateRecusal": "a",
    "RegistryService.ListRecusals": "adls",
    "CardService.GetCard": "adlse",
    "CardService.ListCardEntries": "adlse",
    "CardService.VerifyCard": "adlse",
    "CardService.WatchCard": "adlse",
    "InspectionService.RequestInspection": "d",
    "InspectionService.DecideInspection": "ls",
    "InspectionService.CancelInspection": "d",
    "InspectionService.VerifyInspectionCode": "adlsehp",
    "InspectionService.CheckIn": "d",
    "InspectionService.RecordResult": "d",
    "InspectionService.PublishResult": "d",
    "InspectionService.StartEmergencyInspection": "d",
    "InspectionService.FileEmergencyInspection": "d",
    "InspectionService.AcknowledgeFiling": "ls",
    "InspectionService.RateInspection": "e",
    "InspectionService.FileComplaint": "e",
    "InspectionService.GetInspection": "adlse",
    "InspectionService.ListInspections": "adlse",
    "PublicService.ListPublishedResults": "adlsehp",
    # Random double selection: the lead department plans, freezes and keeps its draws in order,
    # both offices decide and either supplies the entropy; all a draw publishes is public.
    "DrawService.CreateDrawPlan": "d",
    "DrawService.DecideDrawPlan": "ls",
    "DrawService.FreezeDrawPlan": "d",
    "DrawService.ExecuteDraw": "ls",
    "DrawService.GetDrawPlan": "adlsehp",
    "DrawService.ListDrawPlans": "adlsehp",
    "DrawService.GetDrawParameters": "adlsehp",
    "DrawService.GetDrawPool": "adlsehp",
    "DrawService.VerifyDraw": "adlsehp",
    "DrawService.ReplaceDrawnInspector": "d",
    "DrawService.RemoveDrawnEnterprise": "d",
    "DrawService.RequestRedraw": "d",
    # The single fee: the catalogue is published; the service hall alone takes payments.
    "FeeService.ReviseFeeItem": "a",
    "FeeService.GetFeeCatalogue": "adlsehp",
    "FeeService.AssessFee": "d",
    "FeeService.VoidFeeLine": "d",
    "FeeService.GetFeeLines": "adlseh",
    "FeeService.IssueBill": "d",
    "FeeService.SupersedeBill": "d",
    "FeeService.GetBill": "adlseh",
    "FeeService.PayBill": "h",
    "FeeService.GetHallStatement": "alsh",
    "FeeService.RequestRefund": "e",
    "FeeService.ConfirmRefund": "d",
    "FeeService.DecideRefund": "ls",
    "FeeService.PayRefund": "h",
    "FeeService.GetBillRefunds": "adlseh",
    "OversightService.ListAlerts": "dls",
    "OversightService.GetAlert": "dls",
    "OversightService.AcknowledgeAlert": "ls",
    "OversightService.ResolveAlert": "ls",
    "OversightService.WatchAlerts": "dls",
    # Statistics: the offices see all, a department its own (a scope check), an enterprise its
    # own burden; the dashboard is public.
    "StatisticsService.GetDepartmentStatistics": "dls",
    "StatisticsService.GetEnterpriseBurden": "dlse",
    "PublicService.GetDashboard": "adlsehp",
}
LETTER = {
    Role.ADMIN: "a",
    Role.DEPARTMENT: "d",
    Role.LEGAL_OFFICE: "l",
    Role.SUPERVISION: "s",
    Role.ENTERPRISE: "e",
    Role.SERVICE_HALL: "h",
    Role.PUBLIC: "p",
}


def test_the_matrix_names_exactly_the_methods_served() -> None:
    assert set(MATRIX) == set(METHOD_IDS)


ORG_OF = {Role.DEPARTMENT: "MATRIX-DEPT", Role.ENTERPRISE: make_uscc("9131")}


def _metadata(role: Role, clock: SettableClock) -> list[tuple[str, str]]:
    if role is Role.PUBLIC:
        return []
    return auth(role, org=ORG_OF.get(role, ""), sub=f"matrix-{role.value}", now=clock.now())


def _empty_request(method: MethodDescriptor, role: Role) -> Message:
    request_class = message_factory.GetMessageClass(method.input_type)
    # An enterprise names its own card where the request names one, so that a scope check on the
    # request does not hide whether the role itself is allowed.
    if role is Role.ENTERPRISE and "uscc" in method.input_type.fields_by_name:
        return request_class(uscc=ORG_OF[Role.ENTERPRISE])
    return request_class()


def _call(
    channel: grpc.Channel, method: MethodDescriptor, request: Message, metadata: list[tuple[str, str]]
) -> tuple[grpc.StatusCode, str]:
    """Calls ``method`` by its path; returns the status code and, for auth failures, the reason."""
    serializers = {
        "request_serializer": type(request).SerializeToString,
        "response_deserializer": message_factory.GetMessageClass(method.output_type).FromString,
    }
    try:
        if method.server_streaming:
            stream = channel.unary_stream(_path(method), **serializers)(
                request, metadata=metadata, timeout=STREAM_TIMEOUT
            )
            try:
                next(iter(stream), None)
            finally:
                stream.cancel()
        else:
            channel.unary_unary(_path(method), **serializers)(request, metadata=metadata, timeout=10)
    except grpc.RpcError as error:
        code: grpc.StatusCode = error.code()  # type: ignore[attr-defined]
        auth_failure = code in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED)
        return code, error_info(error).reason if auth_failure else ""
    return grpc.StatusCode.OK, ""


@pytest.fixture(scope="module", autouse=True)
def _matrix_department(registry: Any, admin: Any) -> None:
    """The department the matrix's department token names exists (a token naming an unknown
    department is refused before any policy row is consulted)."""
    registry.CreateDepartment(
        reg.CreateDepartmentRequest(department=reg.Department(code=ORG_OF[Role.DEPARTMENT], name="矩阵部门")),
        metadata=admin,
    )


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
@pytest.mark.parametrize("method", METHODS, ids=METHOD_IDS)
def test_role_matrix(
    method: MethodDescriptor, role: Role, grpc_channel: grpc.Channel, clock: SettableClock, db: Database
) -> None:
    path = _path(method)
    allowed = LETTER[role] in MATRIX[f"{method.containing_service.name}.{method.name}"]
    written = footprint(db)
    code, reason = _call(grpc_channel, method, _empty_request(method, role), _metadata(role, clock))
    assert code != grpc.StatusCode.UNIMPLEMENTED, f"{path} is in the API but not served"

    if not allowed:
        if role is Role.PUBLIC:
            assert (code, reason) == (grpc.StatusCode.UNAUTHENTICATED, "TOKEN_MISSING")
        else:
            assert (code, reason) == (grpc.StatusCode.PERMISSION_DENIED, "ROLE_NOT_ALLOWED")
        assert footprint(db) == written
        return

    assert code != grpc.StatusCode.UNAUTHENTICATED, reason
    if code == grpc.StatusCode.PERMISSION_DENIED:
        # Let through by role; only a scope check on the (empty) request may still refuse, and only
        # for roles that belong to an organisation — and never where the request names the caller's
        # own enterprise, which the matrix fills in above.
        names_own = role is Role.ENTERPRISE and "uscc" in method.input_type.fields_by_name
        assert role in ORG_ROLES and not names_own and reason == "OUT_OF_SCOPE", (
            f"{role.value} may call {path} but was refused: {reason}"
        )
    assert code not in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL), f"{path} as {role.value}: {code}"


# --- tokens ---------------------------------------------------------------------------------


def _create(
    registry: registry_service_pb2_grpc.RegistryServiceStub, metadata: list[tuple[str, str]]
) -> object:
    request = reg.CreateEnterpriseRequest(enterprise=reg.Enterprise(uscc=make_uscc(), name="未授权有限公司"))
    return registry.CreateEnterprise(request, metadata=metadata)


def _unauthenticated(
    registry: registry_service_pb2_grpc.RegistryServiceStub,
    db: Database,
    metadata: list[tuple[str, str]],
    reason: str,
) -> None:
    before = footprint(db)
    expect_error(lambda: _create(registry, metadata), grpc.StatusCode.UNAUTHENTICATED, reason)
    assert footprint(db) == before


def test_missing_token(registry: registry_service_pb2_grpc.RegistryServiceStub, db: Database) -> None:
    _unauthenticated(registry, db, [], "TOKEN_MISSING")


def test_forged_token(
    registry: registry_service_pb2_grpc.RegistryServiceStub, db: Database, clock: SettableClock
) -> None:
    forged = auth(Role.ADMIN, sub="mallory", now=clock.now(), key="another-key-" + "x" * 40)
    _unauthenticated(registry, db, forged, "TOKEN_INVALID")


def test_expired_token_is_judged_by_the_service_clock(
    registry: registry_service_pb2_grpc.RegistryServiceStub, db: Database, clock: SettableClock
) -> None:
    expired = auth(Role.ADMIN, sub="admin-old", now=clock.now() - dt.timedelta(hours=10), ttl_hours=1)
    _unauthenticated(registry, db, expired, "TOKEN_EXPIRED")

    # The host clock is not the judge, in either direction.
    start = clock.now()
    host_now = dt.datetime.now(dt.UTC)
    try:
        clock.set(host_now - dt.timedelta(days=30))
        expired_on_the_host = auth(Role.ADMIN, sub="admin-then", now=clock.now(), ttl_hours=1)
        register(registry, expired_on_the_host)
        clock.set(host_now + dt.timedelta(days=30))
        valid_on_the_host = auth(Role.ADMIN, sub="admin-now", now=host_now, ttl_hours=1)
        _unauthenticated(registry, db, valid_on_the_host, "TOKEN_EXPIRED")
    finally:
        clock.set(start)


def test_token_expires_when_the_service_clock_passes_its_expiry(
    registry: registry_service_pb2_grpc.RegistryServiceStub, db: Database, clock: SettableClock
) -> None:
    token = auth(Role.ADMIN, sub="admin-short", now=clock.now(), ttl_hours=1)
    register(registry, token)
    start = clock.now()
    clock.advance(dt.timedelta(hours=1))
    try:
        _unauthenticated(registry, db, token, "TOKEN_EXPIRED")
    finally:
        clock.set(start)


@pytest.mark.parametrize(
    "header",
    [
        "Basic YWRtaW46YWRtaW4=",
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Token abc.def.ghi",
        "bearer a.b.c",
    ],
)
def test_malformed_authorization_header(
    header: str, registry: registry_service_pb2_grpc.RegistryServiceStub, db: Database
) -> None:
    _unauthenticated(registry, db, [("authorization", header)], "TOKEN_INVALID")


@pytest.mark.parametrize(
    "claims",
    [
        {"role": "root"},
        {"role": "public"},
        {"role": "enterprise", "org": ""},
        {"role": "department", "org": ""},
        {"iss": "someone-else"},
    ],
    ids=["unknown-role", "public-role", "enterprise-without-org", "department-without-org", "foreign-issuer"],
)
def test_well_signed_token_with_bad_claims(
    claims: dict[str, str],
    registry: registry_service_pb2_grpc.RegistryServiceStub,
    db: Database,
    clock: SettableClock,
) -> None:
    now = int(clock.now().timestamp())
    payload = {"iss": ISSUER, "sub": "someone", "role": "admin", "org": "", "iat": now, "exp": now + 3600}
    token = jwt.encode({**payload, **claims}, TEST_SIGNING_KEY, algorithm=ALGORITHM)
    _unauthenticated(registry, db, [("authorization", f"Bearer {token}")], "TOKEN_INVALID")


def test_token_signed_with_none_algorithm_is_refused(
    registry: registry_service_pb2_grpc.RegistryServiceStub, db: Database, clock: SettableClock
) -> None:
    now = int(clock.now().timestamp())
    payload = {"iss": ISSUER, "sub": "mallory", "role": "admin", "org": "", "iat": now, "exp": now + 3600}
    token = jwt.encode(payload, None, algorithm="none")
    _unauthenticated(registry, db, [("authorization", f"Bearer {token}")], "TOKEN_INVALID")


def test_public_methods_need_no_token(grpc_channel: grpc.Channel) -> None:
    stub = registry_service_pb2_grpc.RegistryServiceStub(grpc_channel)
    stub.ListDepartments(reg.ListDepartmentsRequest())


def test_a_bad_token_is_refused_even_on_a_public_method(grpc_channel: grpc.Channel) -> None:
    stub = registry_service_pb2_grpc.RegistryServiceStub(grpc_channel)
    expect_error(
        lambda: stub.ListDepartments(reg.ListDepartmentsRequest(), metadata=[("authorization", "Bearer x")]),
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_INVALID",
    )


# --- enterprise isolation -------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_enterprises(
    registry: registry_service_pb2_grpc.RegistryServiceStub, admin: list[tuple[str, str]]
) -> tuple[str, str]:
    own = register(registry, admin, name="甲有限公司").enterprise.uscc
    other = register(registry, admin, name="乙有限公司").enterprise.uscc
    return own, other


def _reads(
    cards: card_service_pb2_grpc.CardServiceStub,
    registry: registry_service_pb2_grpc.RegistryServiceStub,
    uscc: str,
    metadata: list[tuple[str, str]],
) -> dict[str, object]:
    def watch() -> object:
        stream = cards.WatchCard(card.WatchCardRequest(uscc=uscc), metadata=metadata, timeout=STREAM_TIMEOUT)
        try:
            return next(iter(stream))
        finally:
            stream.cancel()

    return {
        "GetCard": lambda: cards.GetCard(card.GetCardRequest(uscc=uscc), metadata=metadata),
        "ListCardEntries": lambda: cards.ListCardEntries(
            card.ListCardEntriesRequest(uscc=uscc), metadata=metadata
        ),
        "VerifyCard": lambda: cards.VerifyCard(card.VerifyCardRequest(uscc=uscc), metadata=metadata),
        "WatchCard": watch,
        "GetEnterprise": lambda: registry.GetEnterprise(
            reg.GetEnterpriseRequest(uscc=uscc), metadata=metadata
        ),
    }


READS = ["GetCard", "ListCardEntries", "VerifyCard", "WatchCard", "GetEnterprise"]


@pytest.mark.parametrize("read", READS)
def test_enterprise_cannot_read_another_enterprise(
    read: str,
    two_enterprises: tuple[str, str],
    cards: card_service_pb2_grpc.CardServiceStub,
    registry: registry_service_pb2_grpc.RegistryServiceStub,
    clock: SettableClock,
) -> None:
    own, other = two_enterprises
    token = auth(Role.ENTERPRISE, org=own, sub="compliance-officer", now=clock.now())
    call = _reads(cards, registry, other, token)[read]
    error = expect_error(call, grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_SCOPE")  # type: ignore[arg-type]
    assert other not in (error.details() or "")  # type: ignore[attr-defined]


@pytest.mark.parametrize("read", READS)
def test_enterprise_reads_its_own_card(
    read: str,
    two_enterprises: tuple[str, str],
    cards: card_service_pb2_grpc.CardServiceStub,
    registry: registry_service_pb2_grpc.RegistryServiceStub,
    clock: SettableClock,
) -> None:
    own, _ = two_enterprises
    token = auth(Role.ENTERPRISE, org=own, sub="compliance-officer", now=clock.now())
    result = _reads(cards, registry, own, token)[read]()  # type: ignore[operator]
    assert result is not None


def test_enterprise_cannot_list_enterprises(
    registry: registry_service_pb2_grpc.RegistryServiceStub,
    two_enterprises: tuple[str, str],
    clock: SettableClock,
) -> None:
    own, _ = two_enterprises
    token = auth(Role.ENTERPRISE, org=own, now=clock.now())
    error = rpc_error(lambda: registry.ListEnterprises(reg.ListEnterprisesRequest(), metadata=token))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED  # type: ignore[attr-defined]
    assert error_info(error).reason == "ROLE_NOT_ALLOWED"


def test_refused_calls_are_logged_with_who_attempted_them(
    registry: registry_service_pb2_grpc.RegistryServiceStub, clock: SettableClock
) -> None:
    capture = LogCapture()
    saved = structlog.get_config()
    structlog.configure(processors=[structlog.contextvars.merge_contextvars, capture])
    try:
        token = auth(Role.ENTERPRISE, org=make_uscc(), sub="nosy-officer", now=clock.now())
        rpc_error(lambda: registry.ListEnterprises(reg.ListEnterprisesRequest(), metadata=token))
    finally:
        structlog.configure(**saved)
    calls = [e for e in capture.entries if e.get("method", "").endswith("/ListEnterprises")]
    assert len(calls) == 1
    assert calls[0]["principal"] == "nosy-officer"
    assert calls[0]["role"] == "enterprise"
    assert (calls[0]["code"], calls[0]["reason"]) == ("PERMISSION_DENIED", "ROLE_NOT_ALLOWED")
