"""The catalogue (收费清单): versions never edited in place, read as of any day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from inspection.domain.fees.model import (
    MAX_NAME,
)
from inspection.domain.text import check_identifier, check_text
from inspection.errors import (
    FailedPrecondition,
    NotFound,
    Violations,
)
from inspection.reasons import Reason
from inspection.storage import fees as stored
from inspection.storage.fee_models import (
    FeeItemVersion,
)

# --- the catalogue (收费清单) ----------------------------------------------------------------------


def in_force(versions: Sequence[FeeItemVersion], day: dt.date) -> FeeItemVersion | None:
    """The version of one item that applies on ``day``: the latest to take effect on or before it,
    unless that version ended before ``day`` (a version that ends, ends the item)."""
    started = [v for v in versions if v.valid_from <= day]
    if not started:
        return None
    latest = max(started, key=lambda v: (v.valid_from, v.version))
    return latest if latest.valid_to is None or day <= latest.valid_to else None


def catalogue_as_of(session: Session, day: dt.date, *, department_code: str = "") -> list[FeeItemVersion]:
    """The catalogue valid on ``day``: one version per item, by item code."""
    by_item: dict[str, list[FeeItemVersion]] = {}
    for version in stored.versions_from(session, department_code=department_code, before=day):
        by_item.setdefault(version.item_code, []).append(version)
    found = (in_force(versions, day) for versions in by_item.values())
    return [v for v in found if v is not None]


def item_history(session: Session, item_code: str) -> list[FeeItemVersion]:
    if stored.item(session, item_code) is None:
        raise NotFound("fee item", item_code)
    return stored.versions(session, item_code)


@dataclass(frozen=True)
class Revision:
    item_code: str
    name: str
    policy_basis: str
    fee_nature: str
    amount_fen: int
    unit: str
    collecting_unit: str
    valid_from: dt.date | None
    valid_to: dt.date | None


def revise_item(
    session: Session, revision: Revision, violations: Violations, *, today: dt.date, now: dt.datetime
) -> FeeItemVersion:
    """Publishes the next version of an item; the versions before it are never touched."""
    check_identifier(violations, "item.item_code", revision.item_code)
    for path in ("name", "policy_basis", "fee_nature", "unit", "collecting_unit"):
        check_text(violations, f"item.{path}", getattr(revision, path), required=True, max_length=MAX_NAME)
    if revision.amount_fen <= 0:
        violations.add("item.amount_fen", "must be a positive number of fen")
    if revision.valid_from is None and not violations.has("item.valid_from"):
        violations.add("item.valid_from", "is required")
    if revision.valid_from and revision.valid_to and revision.valid_to < revision.valid_from:
        violations.add("item.valid_to", "must not be before valid_from")
    violations.raise_if_any()
    assert revision.valid_from is not None
    history = item_history(session, revision.item_code)
    newest = max(history, key=lambda v: v.version)
    latest_start = max(v.valid_from for v in history)
    if revision.valid_from < today or revision.valid_from <= latest_start:
        raise FailedPrecondition(
            Reason.VERSION_NOT_LATER,
            f"a new version takes effect from today ({today}) on and after {latest_start}, when the"
            " item's newest version did; published versions are never changed",
        )
    version = FeeItemVersion(
        item_code=revision.item_code,
        version=newest.version + 1,
        department_code=newest.department_code,
        name=revision.name,
        policy_basis=revision.policy_basis,
        fee_nature=revision.fee_nature,
        amount_fen=revision.amount_fen,
        unit=revision.unit,
        collecting_unit=revision.collecting_unit,
        valid_from=revision.valid_from,
        valid_to=revision.valid_to,
        publish_time=now,
    )
    stored.add(session, version)
    return version
