"""Every RPC, sent malformed and hostile requests with the token of every role (and none), through
the real server on each database: no answer may be ``INTERNAL`` or ``UNKNOWN``, a role the policy
refuses may never get ``OK`` or change anything, and every card still verifies afterwards
(docs/robustness.md).

Requests are drawn by Hypothesis from each method's own descriptor: strings from a hostile set
(NUL and other control characters, right-to-left marks, SQL, 70,000 characters, the ids of real
records so some calls reach the rules), integers at their type's extremes, enum numbers the API
does not define, repeated fields past their bound, nested messages (timestamps, dates, masks) and
CSV bodies with bare CRs, oversized fields and undecodable bytes. Raw bodies that are not messages
at all are sent too.

``INSPECTION_TEST_FUZZ_EXAMPLES`` sets the requests per method (default 8, a few seconds per database);
``INSPECTION_TEST_FUZZ_EXAMPLES=400`` is a long run.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspection.api.policy import rule_for
from inspection.api.services import method_path, methods
from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.storage.db import Database
from inspection.v1 import card_service_pb2 as card_pb
from tests.inspection_support import make_department, make_enterprise
from tests.support import auth, footprint

EXAMPLES = int(os.environ.get("INSPECTION_TEST_FUZZ_EXAMPLES", "8"))
METHODS = methods()
#: Every code seen, for the record (printed at the end of the module with ``-s``).
SEEN: Counter[tuple[str, str]] = Counter()
FORBIDDEN = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}

DEPARTMENT = "FUZZ"
KNOWN: dict[str, str] = {}

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "SCJG\x00",
    "FUZZ\x00",
    "\r",
    "a\rb",
    "\n\n",
    "\u202egnp.exe",
    "\ufeffFUZZ",
    "'; DROP TABLE card; --",
    '{"k": [[[[[[[[[[[[]]]]]]]]]]]]}',
    "%s%s%s%n",
    "../../etc/passwd",
    "９１３３０２００ＭＡ２ＡＡＡＡＡ０Ｘ",
    "a" * 65,
    "x" * 2001,
    "9" * 70_000,
    "😀" * 40,
    "FUZZ",
    "FUZZ-I0",
    "FUZZ-ITEM-0",
    "I20260316-0000000000000-abcd",
]
INT_EXTREMES = [0, 1, -1, 2**31 - 1, -(2**31), 2**40, 2**63 - 1, -(2**63)]
CSV_BODIES = [
    b"",
    b"uscc,name\n",
    b"uscc,name\r\n91330200MA2AAAAA0X,\r\xe5\xae\x81\n",
    b"uscc,name\n" + b"x" * 131_073 + b",a\n",
    b"\xff\xfe\x00\x00",
    b"uscc,name\n\x00,\x00\n",
    b'uscc,name\n"unterminated,\n',
    b"id,department_code,name\nFUZZ-X,FUZZ,\xe7\x8e\x8b\n",
]


def _strings() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT + list(KNOWN.values())),
        st.text(max_size=40),
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3000), max_size=300),
    )


def _scalar(field: FieldDescriptor) -> st.SearchStrategy[Any]:
    kind = field.type
    if kind == FieldDescriptor.TYPE_STRING:
        return _strings()
    if kind == FieldDescriptor.TYPE_BYTES:
        return st.one_of(st.sampled_from(CSV_BODIES), st.binary(max_size=200))
    if kind == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if kind == FieldDescriptor.TYPE_ENUM:
        defined = [v.number for v in field.enum_type.values]
        return st.one_of(
            st.sampled_from(defined), st.integers(-3, 99), st.sampled_from([2**31 - 1, -(2**31)])
        )
    if kind in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32):
        return st.one_of(
            st.sampled_from([v for v in INT_EXTREMES if -(2**31) <= v < 2**31]), st.integers(-5, 2000)
        )
    if kind in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        return st.one_of(st.sampled_from([0, 1, 2**32 - 1]), st.integers(0, 2000))
    if kind in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return st.one_of(st.sampled_from([0, 1, 2**64 - 1]), st.integers(0, 2000))
    if kind in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return st.floats(allow_nan=True, allow_infinity=True, width=32)
    return st.one_of(st.sampled_from(INT_EXTREMES), st.integers(-5, 2000))


@st.composite
def _message(draw: st.DrawFn, descriptor: Descriptor, depth: int = 0) -> dict[str, Any]:
    """The fields of one hostile message, as keyword arguments of its class."""
    values: dict[str, Any] = {}
    for field in descriptor.fields:
        if not draw(st.booleans()):
            continue
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if depth >= 3:
                continue
            one = _message(field.message_type, depth + 1)
        else:
            one = _scalar(field)
        if field.is_repeated:
            many = draw(st.sampled_from([3, 3, 3, 150]))
            values[field.name] = draw(st.lists(one, max_size=many))
        else:
            values[field.name] = draw(one)
    return values


def _build(descriptor: Descriptor, values: dict[str, Any]) -> Message:
    cls = message_factory.GetMessageClass(descriptor)
    message = cls()
    for name, value in values.items():
        field = descriptor.fields_by_name[name]
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            items = value if field.is_repeated else [value]
            for item in items:
                child = _build(field.message_type, item)
                if field.is_repeated:
                    getattr(message, name).append(child)
                else:
                    getattr(message, name).CopyFrom(child)
        elif field.is_repeated:
            getattr(message, name).extend(value)
        else:
            setattr(message, name, value)
    return message


ROLES = [
    Role.ADMIN,
    Role.DEPARTMENT,
    Role.LEGAL_OFFICE,
    Role.SUPERVISION,
    Role.ENTERPRISE,
    Role.SERVICE_HALL,
    Role.PUBLIC,
]


@pytest.fixture(scope="module")
def seeded(registry: Any, admin: Any) -> Iterator[None]:
    """Real records whose ids the fuzzer uses, so some requests get past validation."""
    make_department(registry, admin, DEPARTMENT)
    KNOWN["uscc"] = make_enterprise(registry, admin)
    yield
    path = os.environ.get("INSPECTION_TEST_FUZZ_REPORT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            for (method, code), count in sorted(SEEN.items()):
                out.write(f"{method}\t{code}\t{count}\n")


def _metadata(role: Role, clock: SettableClock) -> list[tuple[str, str]]:
    if role is Role.PUBLIC:
        return []
    org = {Role.DEPARTMENT: DEPARTMENT, Role.ENTERPRISE: KNOWN.get("uscc", "")}.get(role, "")
    return auth(role, org=org, sub=f"fuzz-{role.value}", now=clock.now())


def _send(channel: grpc.Channel, method: MethodDescriptor, body: bytes, metadata: Any) -> grpc.StatusCode:
    path = method_path(method)
    try:
        if method.server_streaming:
            stream = channel.unary_stream(path)(body, metadata=metadata, timeout=1.0)
            try:
                next(iter(stream), None)
            finally:
                stream.cancel()
        else:
            channel.unary_unary(path)(body, metadata=metadata, timeout=20)
    except grpc.RpcError as error:
        code: grpc.StatusCode = error.code()  # type: ignore[attr-defined]
        if method.server_streaming and code in (grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.CANCELLED):
            return grpc.StatusCode.OK  # a watch that was still streaming when the test stopped it
        assert code not in FORBIDDEN, f"{path} answered {code.name}: {error.details()}"  # type: ignore[attr-defined]
        return code
    return grpc.StatusCode.OK


@pytest.mark.parametrize("method", METHODS, ids=[f"{m.containing_service.name}.{m.name}" for m in METHODS])
def test_hostile_requests_never_reach_an_internal_error(
    seeded: None, method: MethodDescriptor, grpc_channel: grpc.Channel, clock: SettableClock, db: Database
) -> None:
    rule = rule_for(method_path(method))
    assert rule is not None

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(values=_message(method.input_type), role=st.sampled_from(ROLES))
    def hostile(values: dict[str, Any], role: Role) -> None:
        request = _build(method.input_type, values)
        before = footprint(db) if role not in rule.roles else None
        code = _send(grpc_channel, method, request.SerializeToString(), _metadata(role, clock))
        SEEN[(method.name, code.name)] += 1
        if before is not None:
            assert code is not grpc.StatusCode.OK, f"{role.value} may not call {method.name}, yet got OK"
            assert footprint(db) == before, f"a refused {role.value} call to {method.name} wrote"

    hostile()


@pytest.mark.parametrize("method", METHODS, ids=[f"{m.containing_service.name}.{m.name}" for m in METHODS])
def test_bodies_that_are_not_messages_are_the_callers_error(
    seeded: None, method: MethodDescriptor, grpc_channel: grpc.Channel, clock: SettableClock
) -> None:
    for body in (b"\xff\xff\xff\xff", b"\x0a\xff\xff\xff\xff\x0f", b"\x08" + b"\xff" * 10, b"\x12\x05ab"):
        code = _send(grpc_channel, method, body, _metadata(Role.ADMIN, clock))
        SEEN[(method.name, code.name)] += 1


def test_every_card_still_verifies_after_the_fuzzing(
    seeded: None, cards: Any, admin: Any, db: Database
) -> None:
    from sqlalchemy import select

    from inspection.storage.models import Card

    with db.read() as session:
        usccs = list(session.exec(select(Card.uscc)).scalars())  # type: ignore[call-overload]
    assert usccs
    for uscc in usccs:
        verdict = cards.VerifyCard(card_pb.VerifyCardRequest(uscc=uscc), metadata=admin)
        assert verdict.valid, f"{uscc}: {verdict.problem}"
