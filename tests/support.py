"""Helpers for tests: valid USCCs, tokens as call metadata, and reading rich error details."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import itertools
import json
import select as io_select
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import grpc
from google.rpc import error_details_pb2
from google.type import date_pb2
from grpc_status import rpc_status
from sqlalchemy import func, select
from sqlmodel import SQLModel, col
from stdnum.cn import uscc as uscc_code

from inspection.api.page_tokens import PageTokenSeal
from inspection.auth import Role, issue_token
from inspection.storage import all_models as _all_models  # noqa: F401 - registers every table
from inspection.storage.db import Database
from inspection.storage.models import Card, CardEntry
from inspection.v1 import registry_service_pb2 as reg
from inspection.v1 import registry_service_pb2_grpc

TEST_SIGNING_KEY = "test-signing-key-0123456789-abcdefghijklmnopqrstuvwxyz"

_counter = itertools.count(1)
_lock = threading.Lock()


def make_uscc(prefix: str = "9111") -> str:
    """A fresh, valid unified social credit code (GB 32100-2015)."""
    with _lock:
        n = next(_counter)
    body = f"{prefix}0000MA{n:07d}"[:17]
    body = body.replace("I", "1").replace("O", "0")
    return body + uscc_code.calc_check_digit(body)


def bad_check_character(uscc: str) -> str:
    wrong = "0" if uscc[-1] != "0" else "1"
    return uscc[:-1] + wrong


def auth(
    role: Role,
    org: str = "",
    sub: str | None = None,
    *,
    ttl_hours: float = 8.0,
    now: dt.datetime | None = None,
    key: str = TEST_SIGNING_KEY,
) -> list[tuple[str, str]]:
    """Call metadata carrying a bearer token for one principal."""
    token = issue_token(
        key,
        sub=sub or f"{role.value}-{org or 'x'}",
        role=role,
        org=org,
        ttl=dt.timedelta(hours=ttl_hours),
        now=now or dt.datetime.now(dt.UTC),
    )
    return [("authorization", f"Bearer {token}")]


def day(text: str | dt.date) -> date_pb2.Date | None:
    """A ``google.type.Date`` from ``YYYY-MM-DD`` (or a date); None (unset) for "". The parts are
    taken as written, so an impossible day such as 2027-13-01 reaches the server as sent."""
    if isinstance(text, dt.date):
        return date_pb2.Date(year=text.year, month=text.month, day=text.day)
    if not text:
        return None
    year, month, mday = (int(part) for part in text.split("-"))
    return date_pb2.Date(year=year, month=month, day=mday)


def dated(values: dict[str, object], *names: str) -> dict[str, object]:
    """``values`` with the named ``YYYY-MM-DD`` strings as ``google.type.Date`` (unset for "")."""
    return {k: (day(v) if k in names and isinstance(v, str | dt.date) else v) for k, v in values.items()}


def error_info(error: grpc.RpcError) -> error_details_pb2.ErrorInfo:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None, "no rich status on the error"
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info
    raise AssertionError("no ErrorInfo detail")


def field_violations(error: grpc.RpcError) -> dict[str, str]:
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None, "no rich status on the error"
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            return {v.field: v.description for v in bad.field_violations}
    raise AssertionError("no BadRequest detail")


# --- helpers added for the foundation suite -------------------------------------------------


def rpc_error(call: Callable[[], object]) -> grpc.RpcError:
    """The error a call fails with; fails the test if the call succeeds."""
    try:
        call()
    except grpc.RpcError as error:
        return error
    raise AssertionError("the call succeeded; an error was expected")


def expect_error(call: Callable[[], object], code: grpc.StatusCode, reason: str) -> grpc.RpcError:
    """Asserts the exact status code and ``ErrorInfo`` reason a call fails with."""
    error = rpc_error(call)
    assert error.code() == code, f"{error.code()} {error.details()}"  # type: ignore[attr-defined]
    assert error_info(error).reason == reason, error.details()  # type: ignore[attr-defined]
    return error


def count_rows(db: Database, model: type[SQLModel]) -> int:
    with db.read() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def stored_head(db: Database, uscc: str) -> tuple[int, str] | None:
    """The card head as stored, or None when the enterprise has no card."""
    with db.read() as session:
        card = session.get(Card, uscc)
        return None if card is None else (card.head_seq, card.head_hash)


def entry_count(db: Database, uscc: str | None = None) -> int:
    with db.read() as session:
        query = select(func.count()).select_from(CardEntry)
        if uscc is not None:
            query = query.where(col(CardEntry.uscc) == uscc)
        return int(session.execute(query).scalar_one())


def register(
    registry: registry_service_pb2_grpc.RegistryServiceStub,
    metadata: list[tuple[str, str]],
    *,
    name: str = "测试有限公司",
    **fields: object,
) -> reg.CreateEnterpriseResponse:
    """Registers a fresh enterprise (a new valid USCC unless one is given) and returns the response."""
    enterprise = reg.Enterprise(uscc=str(fields.pop("uscc", make_uscc())), name=name, **fields)  # type: ignore[arg-type]
    response: reg.CreateEnterpriseResponse = registry.CreateEnterprise(
        reg.CreateEnterpriseRequest(enterprise=enterprise), metadata=metadata
    )
    return response


def violation_list(error: grpc.RpcError) -> list[tuple[str, str]]:
    """Every field violation in order, duplicates included."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    assert status is not None, "no rich status on the error"
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            return [(v.field, v.description) for v in bad.field_violations]
    raise AssertionError("no BadRequest detail")


def with_page_key(
    token: str, key: object, *, reseal_for: str = "", signing_key: str = TEST_SIGNING_KEY
) -> str:
    """A page token like ``token`` (same query) whose last key is replaced. Kept with its seal, it
    is what a forger can make; ``reseal_for`` a method seals it as a service with ``signing_key``
    would, to reach the checks behind the seal."""
    inner, _, seal = token.rpartition(".")
    padded = inner + "=" * (-len(inner) % 4)
    data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    data["k"] = key
    raw = json.dumps(data, separators=(",", ":")).encode()
    forged = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    if reseal_for:
        return PageTokenSeal(signing_key).seal(reseal_for, forged)
    return f"{forged}.{seal}"


def footprint(db: Database) -> dict[str, int]:
    """Row counts of every table of the service, in one query: to assert that a call wrote nothing."""
    tables = list(SQLModel.metadata.sorted_tables)
    query = select(*[select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables])
    with db.read() as session:
        row = session.execute(query).one()
    return {t.name: int(n) for t, n in zip(tables, row, strict=True)}


def read_port(process: subprocess.Popen[str], log: Path, timeout: float) -> int:
    """The port a ``tests.serve_once`` process printed, or a failure showing its log."""
    assert process.stdout is not None
    ready, _, _ = io_select.select([process.stdout], [], [], timeout)
    line = process.stdout.readline().strip() if ready else ""
    if not line.isdigit():
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        raise AssertionError(
            f"the server process did not report its port (exit {process.poll()}): {log.read_text()[-3000:]}"
        )
    return int(line)
