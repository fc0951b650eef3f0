"""Token revocations' SQL, and the department codes a department token may name."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, select
from sqlmodel import Session, col

from inspection.storage.models import Department, TokenRevocation


class RevocationRow(NamedTuple):
    id: int
    token_id: str | None
    subject: str | None
    revoke_time: dt.datetime


_AFTER = (
    select(
        col(TokenRevocation.id),
        col(TokenRevocation.token_id),
        col(TokenRevocation.subject),
        col(TokenRevocation.revoke_time),
    )
    .where(col(TokenRevocation.id) > 0)
    .order_by(col(TokenRevocation.id))
)
_DEPARTMENT = select(col(Department.code)).where(col(Department.code) == bindparam("code"))


def revocations_after(connection: Connection, after_id: int) -> list[RevocationRow]:
    """Revocations recorded after ``after_id``, oldest first."""
    statement = _AFTER.where(col(TokenRevocation.id) > after_id)
    return [
        RevocationRow(int(row.id or 0), row.token_id, row.subject, row.revoke_time)
        for row in connection.execute(statement)
    ]


def department_exists(connection: Connection, code: str) -> bool:
    return connection.execute(_DEPARTMENT, {"code": code}).first() is not None


def add_revocation(session: Session, revocation: TokenRevocation) -> TokenRevocation:
    session.add(revocation)
    session.flush()
    return revocation
