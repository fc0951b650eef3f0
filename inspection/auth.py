"""Principals and bearer tokens: HMAC-signed JWTs naming ``sub``, ``role`` and ``org`` (DESIGN §2)."""

from __future__ import annotations

import datetime as dt
import enum
import threading
from collections import OrderedDict
from dataclasses import dataclass

import jwt

from inspection.errors import FieldViolation, InvalidArgument, Unauthenticated

ALGORITHM = "HS256"
ISSUER = "inspection-onecard"


class Role(enum.StrEnum):
    DEPARTMENT = "department"
    LEGAL_OFFICE = "legal_office"  # 法制办
    SUPERVISION = "supervision"  # 监察局
    ENTERPRISE = "enterprise"
    SERVICE_HALL = "service_hall"
    ADMIN = "admin"
    PUBLIC = "public"  # no token at all


#: Roles whose token must name an organisation (department code or USCC).
ORG_ROLES = frozenset({Role.DEPARTMENT, Role.ENTERPRISE})


@dataclass(frozen=True)
class Principal:
    sub: str
    role: Role
    org: str = ""

    @property
    def is_office(self) -> bool:
        return self.role in (Role.LEGAL_OFFICE, Role.SUPERVISION)


ANONYMOUS = Principal(sub="", role=Role.PUBLIC)


def issue_token(
    key: str,
    *,
    sub: str,
    role: Role,
    org: str = "",
    ttl: dt.timedelta,
    now: dt.datetime,
) -> str:
    """Signs a token for one principal, valid from ``now`` for ``ttl``."""
    problems = []
    if not sub:
        problems.append(FieldViolation("sub", "a principal id is required"))
    if role is Role.PUBLIC:
        problems.append(FieldViolation("role", "the public needs no token"))
    if role in ORG_ROLES and not org:
        problems.append(FieldViolation("org", f"role {role.value} must name its organisation"))
    if ttl <= dt.timedelta(0):
        problems.append(FieldViolation("ttl", "must be positive"))
    if problems:
        raise InvalidArgument(problems)
    claims = {
        "iss": ISSUER,
        "sub": sub,
        "role": role.value,
        "org": org,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify_token(key: str, token: str, *, now: dt.datetime) -> Principal:
    """Checks signature, issuer and expiry against the service clock; returns the principal."""
    return _verify(key, token, now=now)[0]


def _verify(key: str, token: str, *, now: dt.datetime) -> tuple[Principal, int]:
    """The principal a token names and its expiry (seconds since the epoch), or Unauthenticated."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"], "verify_exp": False, "verify_iat": False},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"invalid token: {exc}", reason="TOKEN_INVALID") from exc
    # Expiry is judged by the service clock, not the host clock, so it is testable and consistent.
    expiry = int(claims["exp"])
    _refuse_expired(expiry, now)
    try:
        role = Role(claims.get("role", ""))
    except ValueError as exc:
        raise Unauthenticated("token names an unknown role", reason="TOKEN_INVALID") from exc
    if role is Role.PUBLIC:
        raise Unauthenticated("token names an unknown role", reason="TOKEN_INVALID")
    org = str(claims.get("org", ""))
    if role in ORG_ROLES and not org:
        raise Unauthenticated(f"a {role.value} token must name its organisation", reason="TOKEN_INVALID")
    return Principal(sub=str(claims["sub"]), role=role, org=org), expiry


def _refuse_expired(expiry: int, now: dt.datetime) -> None:
    if expiry <= int(now.timestamp()):
        raise Unauthenticated("token expired", reason="TOKEN_EXPIRED")


class TokenVerifier:
    """``verify_token`` for one signing key, remembering the tokens that verified.

    Callers send the same bearer token with every call; decoding it and checking its signature again
    each time is a large share of a cheap read. Only tokens that passed every check are remembered
    (the token string, so its signature, is the key), at most ``capacity`` of them, least recently
    used first out; expiry is still judged against the service clock on every call.
    """

    def __init__(self, key: str, *, capacity: int = 4096) -> None:
        self._key = key
        self._capacity = capacity
        self._verified: OrderedDict[str, tuple[Principal, int]] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, token: str, *, now: dt.datetime) -> Principal:
        with self._lock:
            known = self._verified.get(token)
            if known is not None:
                self._verified.move_to_end(token)
        if known is None:
            known = _verify(self._key, token, now=now)
            with self._lock:
                self._verified[token] = known
                if len(self._verified) > self._capacity:
                    self._verified.popitem(last=False)
            return known[0]
        principal, expiry = known
        _refuse_expired(expiry, now)
        return principal

    def __len__(self) -> int:
        return len(self._verified)
