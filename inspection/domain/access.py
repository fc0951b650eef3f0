"""Bearer tokens after issue: refreshing one's own token, and revoking tokens (DESIGN §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session

from inspection.auth import Principal, Verified, issue_token, new_token_id
from inspection.domain.text import MAX_IDENTIFIER, check_identifier, check_text
from inspection.errors import Violations
from inspection.storage import access as stored
from inspection.storage.models import TokenRevocation


@dataclass(frozen=True)
class FreshToken:
    token: str
    token_id: str
    expire_time: dt.datetime


def refresh(
    signing_key: str, presented: Verified, *, now: dt.datetime, max_lifetime: dt.timedelta
) -> FreshToken:
    """A new token for the presented token's principal, with that token's lifetime (at most
    ``max_lifetime``) from now. The presented token stays valid until it expires or is revoked."""
    lifetime = min(dt.timedelta(seconds=max(presented.expiry - presented.issued_at, 1)), max_lifetime)
    principal = presented.principal
    token_id = new_token_id()
    token = issue_token(
        signing_key,
        sub=principal.sub,
        role=principal.role,
        org=principal.org,
        ttl=lifetime,
        now=now,
        token_id=token_id,
    )
    expire = dt.datetime.fromtimestamp(int((now + lifetime).timestamp()), tz=dt.UTC)
    return FreshToken(token=token, token_id=token_id, expire_time=expire)


def revoke(
    session: Session, *, token_id: str, subject: str, reason: str, actor: Principal, now: dt.datetime
) -> TokenRevocation:
    """Records a revocation of one token (``token_id``) or of every token of ``subject`` issued
    until ``now``. Exactly one of the two."""
    violations = Violations()
    if bool(token_id) == bool(subject):
        violations.add("token_id", "name exactly one of token_id and subject")
    if token_id:
        check_identifier(violations, "token_id", token_id, max_length=MAX_IDENTIFIER)
    if subject:
        check_text(violations, "subject", subject, required=True, max_length=MAX_IDENTIFIER)
    check_text(violations, "reason", reason, required=False)
    violations.raise_if_any()
    return stored.add_revocation(
        session,
        TokenRevocation(
            token_id=token_id or None,
            subject=subject or None,
            reason=reason,
            revoked_by=actor.sub,
            revoke_time=now,
        ),
    )
