"""The directories' SQL (DESIGN §3): enterprises, departments, inspectors, checklist and fee items,
recusals; single rows, keyset pages, and the bulk inserts of a district import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session, SQLModel, col

from inspection.storage.models import Card, CardEntry, Department, Enterprise, Inspector, Recusal

M = TypeVar("M", bound=SQLModel)

#: Keys looked up per statement in bulk checks (well under PostgreSQL's and SQLite's parameter limits).
CHUNK = 500


def find(session: Session, model: type[M], key: Any) -> M | None:
    """The row of ``model`` with primary key ``key``, or None."""
    return session.get(model, key)


def add(session: Session, row: SQLModel) -> None:
    session.add(row)
    session.flush()


def add_all(session: Session, rows: Sequence[SQLModel]) -> None:
    session.add_all(rows)
    session.flush()


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def existing_usccs(session: Session, usccs: Sequence[str]) -> set[str]:
    """Which of ``usccs`` are registered."""
    found: set[str] = set()
    for chunk in _chunks(usccs):
        found.update(
            session.execute(select(col(Enterprise.uscc)).where(col(Enterprise.uscc).in_(chunk))).scalars()
        )
    return found


def existing_inspector_ids(session: Session, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(ids):
        found.update(session.execute(select(col(Inspector.id)).where(col(Inspector.id).in_(chunk))).scalars())
    return found


def department_codes(session: Session) -> set[str]:
    return set(session.execute(select(col(Department.code))).scalars())


def insert_enterprises(
    session: Session,
    enterprises: Sequence[dict[str, Any]],
    cards: Sequence[dict[str, Any]],
    entries: Sequence[dict[str, Any]],
) -> None:
    """Bulk-inserts enterprises, their cards and their first entries: Core executemany on the
    session's connection, since the ORM's bulk path costs more than the insert (a district import)."""
    connection = session.connection()
    for model, rows in ((Enterprise, enterprises), (Card, cards), (CardEntry, entries)):
        if rows:
            connection.execute(insert(model), list(rows))
    session.info.setdefault("appended_cards", set()).update(e["uscc"] for e in entries)


class EnterpriseRow(NamedTuple):
    """An enterprise as plain values (the columns of ``Enterprise``), read without the ORM."""

    uscc: str
    name: str
    above_designated_size: bool
    industry: str
    district: str
    credit_class: str
    white_listed: bool
    create_time: dt.datetime
    update_time: dt.datetime


# UpdateEnterprise reads and writes one row under the card lock; prebuilt Core statements cost a
# fraction of an ORM load and flush. The update's SET clause is the changed columns passed to it.
_ENTERPRISE_ROW = select(*(col(getattr(Enterprise, name)) for name in EnterpriseRow._fields)).where(
    col(Enterprise.uscc) == bindparam("key_uscc")
)
_UPDATE_ENTERPRISE = update(Enterprise).where(col(Enterprise.uscc) == bindparam("key_uscc"))


def enterprise_row(session: Session, uscc: str) -> EnterpriseRow | None:
    row = session.connection().execute(_ENTERPRISE_ROW, {"key_uscc": uscc}).first()
    return None if row is None else EnterpriseRow._make(row)


def update_enterprise(session: Session, uscc: str, values: dict[str, Any]) -> None:
    session.connection().execute(_UPDATE_ENTERPRISE, {"key_uscc": uscc, **values})


def recusal(session: Session, *, inspector_id: str, uscc: str) -> Recusal | None:
    return session.execute(
        select(Recusal).where(col(Recusal.inspector_id) == inspector_id, col(Recusal.uscc) == uscc)
    ).scalar_one_or_none()


def page(
    session: Session, model: type[M], key: Any, *, equal: dict[str, Any], after: Any, limit: int
) -> list[M]:
    """Up to ``limit`` rows of ``model`` whose columns equal the non-empty values of ``equal``,
    in ``key`` order after ``after`` (None for the first page)."""
    statement = select(model)
    for column, value in equal.items():
        if value:
            statement = statement.where(getattr(model, column) == value)
    if after is not None:
        statement = statement.where(key > after)
    return list(session.execute(statement.order_by(key).limit(limit)).scalars())
