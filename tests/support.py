"""Helpers for tests: valid USCCs, tokens as call metadata, and reading rich error details."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from stdnum.cn import uscc as uscc_code

from inspection.auth import Role, issue_token

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
