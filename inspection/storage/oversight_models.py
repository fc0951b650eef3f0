"""SQLModel tables of oversight (电子监察, DESIGN §9): the alerts the sweep derives from stored data,
and the cursors that let every replica share one round of the card audit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from inspection.storage.types import UTCDateTime


def _instant(nullable: bool = True) -> object:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class Alert(SQLModel, table=True):
    """An alert (预警) for the supervision bureau. Its id is derived from its key — kind, subject and
    period — so replicas that derive the same alert at once insert one row, never two."""

    __tablename__ = "alert"
    __table_args__ = (
        Index("ix_alert_state_raise", "state", "raise_time"),
        Index("ix_alert_department_raise", "department_code", "raise_time"),
        Index("ix_alert_uscc", "uscc"),
        Index("ix_alert_raise", "raise_time"),
        # Each detector asks "is there an alert of this kind for this subject yet" per cause.
        Index("ix_alert_subject_kind", "subject_id", "kind"),
    )

    #: ``AL`` + the first 20 hex digits of SHA-256 over the key.
    id: str = Field(primary_key=True, max_length=24)
    #: ``kind|subject_kind|subject_id|period``: what makes the alert one alert.
    key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=40)
    #: ENTERPRISE, INSPECTION, DEPARTMENT, INSPECTOR, BILL, REFUND, COMPLAINT, CARD.
    subject_kind: str = Field(max_length=16)
    subject_id: str = Field(max_length=64)
    #: The period the alert counts in (``2026-W49``, ``2026-12``, ``2026``), or empty.
    period: str = Field(default="", max_length=16)
    #: The enterprise concerned: the alert's raise and resolution go on its card.
    uscc: str = Field(max_length=18, foreign_key="enterprise.uscc")
    #: The department concerned, if one: it sees the alert among its own.
    department_code: str | None = Field(default=None, max_length=32)
    inspection_id: str | None = Field(default=None, max_length=40)
    #: The facts that raised it, as JSON.
    facts_json: str = Field(default="{}", sa_column=Column(Text(), nullable=False))
    #: When the cause arose (a due time passed, an attempt was refused, a visit was made).
    cause_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    raise_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    #: OPEN, ACKNOWLEDGED, RESOLVED.
    state: str = Field(default="OPEN", max_length=16)
    acknowledged_by: str = Field(default="", max_length=64)
    acknowledge_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    resolved_by: str = Field(default="", max_length=64)
    resolve_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    resolution_note: str = Field(default="", sa_column=Column(Text(), nullable=False))


class SweepCursor(SQLModel, table=True):
    """Where a shared round of work stands (e.g. the card audit's last enterprise), so replicas
    continue one round instead of each starting its own."""

    __tablename__ = "sweep_cursor"

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(default="", max_length=64)
    update_time: dt.datetime | None = _instant()  # type: ignore[assignment]
