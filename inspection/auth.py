"""Principals and bearer tokens: HMAC-signed JWTs naming ``sub``, ``role`` and ``org`` (DESIGN §2)."""

from __future__ import annotations

import datetime as dt
import enum
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import jwt

from inspection.errors import FieldViolation, InvalidArgument, Unauthenticated
from inspection.reasons import Reason

ALGORITHM = "HS256"
ISSUER = "inspection-onecard"
#: How far a token's ``iat`` may lie ahead of the service clock (clock skew between hosts).
IAT_LEEWAY_SECONDS = 60


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
    token_id: str = "",
) -> str:
    """Signs a token for one principal, valid from ``now`` for ``ttl``, with its own id (``jti``,
    a fresh one unless given) by which it can be revoked."""
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
        "jti": token_id or new_token_id(),
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def new_token_id() -> str:
    return uuid.uuid4().hex


class Verified(NamedTuple):
    """What a token that passed its signature check says."""

    principal: Principal
    #: Expiry and issue, in seconds since the epoch.
    expiry: int
    issued_at: int
    #: The ``jti`` claim.
    token_id: str


def verify_token(key: str, token: str, *, now: dt.datetime) -> Principal:
    """Checks signature, issuer and expiry against the service clock; returns the principal."""
    return _verify(key, token, now=now).principal


def _verify(key: str, token: str, *, now: dt.datetime) -> Verified:
    """What a token says, or Unauthenticated."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={
                "require": ["exp", "iat", "sub", "iss", "jti"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
        # Expiry is judged by the service clock, not the host clock, so it is testable and consistent.
        expiry, issued_at = int(claims["exp"]), int(claims["iat"])
    except (jwt.PyJWTError, TypeError, ValueError, OverflowError) as exc:
        raise Unauthenticated(f"invalid token: {str(exc)[:100]}", reason=Reason.TOKEN_INVALID) from exc
    _refuse_expired(expiry, now)
    if issued_at > now.timestamp() + IAT_LEEWAY_SECONDS:
        raise Unauthenticated("token issued in the future", reason=Reason.TOKEN_INVALID)
    token_id = str(claims["jti"])
    if not token_id or len(token_id) > 64:
        raise Unauthenticated("token has no usable id (jti)", reason=Reason.TOKEN_INVALID)
    try:
        role = Role(claims.get("role", ""))
    except ValueError as exc:
        raise Unauthenticated("token names an unknown role", reason="TOKEN_INVALID") from exc
    if role is Role.PUBLIC:
        raise Unauthenticated("token names an unknown role", reason="TOKEN_INVALID")
    org = str(claims.get("org", ""))
    if role in ORG_ROLES and not org:
        raise Unauthenticated(f"a {role.value} token must name its organisation", reason="TOKEN_INVALID")
    sub = str(claims["sub"])
    if not sub or len(sub) > 64 or len(org) > 64:
        raise Unauthenticated("token names an unusable principal", reason=Reason.TOKEN_INVALID)
    return Verified(Principal(sub=sub, role=role, org=org), expiry, issued_at, token_id)


def _refuse_expired(expiry: int, now: dt.datetime) -> None:
    if expiry <= int(now.timestamp()):
        raise Unauthenticated("token expired", reason=Reason.TOKEN_EXPIRED)


class RevocationLike(Protocol):
    """A recorded revocation (``inspection.storage.access.RevocationRow``)."""

    @property
    def id(self) -> int: ...
    @property
    def token_id(self) -> str | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def revoke_time(self) -> dt.datetime: ...


class AccessGate:
    """What a token's signature cannot tell: whether it was revoked after it was issued, and
    whether the department it names exists.

    Both are read from the database, every replica on its own. Revocations are read incrementally
    (only rows newer than the last one seen) at most every ``refresh_seconds``, so a revocation
    holds everywhere within that time. Department codes are remembered once seen to exist; a code
    not seen yet is looked up at once, so a new department's tokens work straight away.
    """

    def __init__(
        self,
        load_revocations: Callable[[int], Iterable[RevocationLike]],
        department_exists: Callable[[str], bool],
        *,
        refresh_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load_revocations = load_revocations
        self._department_exists = department_exists
        self._refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._last_id = 0
        self._revoked_ids: set[str] = set()
        #: Per subject, the newest revocation: tokens issued at or before it are revoked.
        self._subject_cutoff: dict[str, int] = {}
        self._departments: set[str] = set()
        self._refreshed = float("-inf")

    def _refresh(self) -> None:
        if self._monotonic() - self._refreshed < self._refresh_seconds:
            return
        with self._lock:
            now = self._monotonic()
            if now - self._refreshed < self._refresh_seconds:
                return  # another thread read them meanwhile
            for row in self._load_revocations(self._last_id):
                self._last_id = max(self._last_id, row.id)
                if row.token_id:
                    self._revoked_ids.add(row.token_id)
                if row.subject:
                    cutoff = int(row.revoke_time.timestamp())
                    self._subject_cutoff[row.subject] = max(cutoff, self._subject_cutoff.get(row.subject, 0))
            self._refreshed = now

    def check(self, verified: Verified) -> None:
        self._refresh()
        principal = verified.principal
        if verified.token_id in self._revoked_ids:
            raise Unauthenticated("token revoked", reason=Reason.TOKEN_REVOKED)
        cutoff = self._subject_cutoff.get(principal.sub)
        if cutoff is not None and verified.issued_at <= cutoff:
            raise Unauthenticated("token revoked", reason=Reason.TOKEN_REVOKED)
        if principal.role is Role.DEPARTMENT and principal.org not in self._departments:
            if not self._department_exists(principal.org):
                raise Unauthenticated(
                    "token names a department that does not exist", reason=Reason.TOKEN_UNKNOWN_DEPARTMENT
                )
            self._departments.add(principal.org)


class TokenVerifier:
    """``verify_token`` for one signing key, remembering the tokens that verified.

    Callers send the same bearer token with every call; decoding it and checking its signature again
    each time is a large share of a cheap read. Only tokens that passed every check are remembered
    (the token string, so its signature, is the key), at most ``capacity`` of them, least recently
    used first out; expiry, revocation and the department's existence are still judged on every call.
    """

    def __init__(self, key: str, *, capacity: int = 4096, gate: AccessGate | None = None) -> None:
        self._key = key
        self._capacity = capacity
        self._gate = gate
        self._verified: OrderedDict[str, Verified] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, token: str, *, now: dt.datetime) -> Principal:
        return self.verified(token, now=now).principal

    def verified(self, token: str, *, now: dt.datetime) -> Verified:
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
        else:
            _refuse_expired(known.expiry, now)
        if self._gate is not None:
            self._gate.check(known)
        return known

    def __len__(self) -> int:
        return len(self._verified)
