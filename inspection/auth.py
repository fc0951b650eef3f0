"""Principals and bearer tokens: HMAC-signed JWTs naming ``sub``, ``role`` and ``org`` (DESIGN §2)."""

from __future__ import annotations

import datetime as dt
import enum
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
    if int(claims["exp"]) <= int(now.timestamp()):
        raise Unauthenticated("token expired", reason="TOKEN_EXPIRED")
    try:
        role = Role(claims.get("role", ""))
    except ValueError as exc:
        raise Unauthenticated("token names an unknown role", reason="TOKEN_INVALID") from exc
    if role is Role.PUBLIC:
        raise Unauthenticated("token names an unknown role", reason="TOKEN_INVALID")
    org = str(claims.get("org", ""))
    if role in ORG_ROLES and not org:
        raise Unauthenticated(f"a {role.value} token must name its organisation", reason="TOKEN_INVALID")
    return Principal(sub=str(claims["sub"]), role=role, org=org)
