"""SQLModel tables of random double selection (双随机, DESIGN §6): the plan with everything it
published, the frozen pool file, the drawn enterprises and the inspectors drawn for each."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from inspection.storage.types import UTCDateTime


def _instant(nullable: bool = True) -> object:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


def _text() -> object:
    return Field(default="", sa_column=Column(Text(), nullable=False))


class DrawPlan(SQLModel, table=True):
    """A draw plan (抽查计划): requested by a lead department, approved by both offices, frozen
    (pool and parameters published) before its entropy exists, executed once."""

    __tablename__ = "draw_plan"
    __table_args__ = (Index("ix_draw_plan_state", "state"),)

    id: str = Field(primary_key=True, max_length=40)
    title: str
    lead_department: str = Field(foreign_key="department.code")
    #: Every department of the plan, as a JSON list of codes (the lead among them).
    departments_json: str
    #: The checklist items, as a JSON list of codes (each of one of the plan's departments).
    item_codes_json: str
    #: The population filter, as JSON: industries, districts, credit classes, size.
    filter_json: str
    #: Sampling ratio per credit class in basis points, as JSON; empty with a fixed count.
    ratios_json: str = ""
    fixed_count: int | None = None
    inspectors_per_enterprise: int
    window_start: dt.date
    window_end: dt.date
    legal_basis: str
    #: The public entropy source named in advance, and when its value becomes public.
    entropy_source: str
    entropy_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    state: str = Field(max_length=16)  # REQUESTED, APPROVED, REJECTED, FROZEN, EXECUTED
    requested_by: str = Field(max_length=64)
    request_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    decision_due_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    decide_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    #: A redraw: the plan it redraws, and why (approved by both offices like any plan).
    redraw_of: str | None = Field(default=None, max_length=40, index=True)
    redraw_reason: str = ""
    freeze_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    frozen_by: str = ""
    pool_digest: str = Field(default="", max_length=64)
    pool_size: int = 0
    #: The parameters document as published (canonical JSON) and its digest.
    parameters_json: str = _text()  # type: ignore[assignment]
    parameters_digest: str = Field(default="", max_length=64)
    entropy: str = ""
    execute_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    executed_by: str = ""
    seed: str = Field(default="", max_length=64)
    #: SHA-256 of the result document (canonical JSON) as executed.
    result_digest: str = Field(default="", max_length=64)


class DrawPool(SQLModel, table=True):
    """The frozen pool file of a plan (``USCC,CLASS`` lines), zlib-compressed."""

    __tablename__ = "draw_pool"

    plan_id: str = Field(primary_key=True, foreign_key="draw_plan.id", max_length=40)
    content: bytes = Field(sa_column=Column(LargeBinary(), nullable=False))


class DrawSelection(SQLModel, table=True):
    """One enterprise drawn under a plan, in key order, and the inspection it was given."""

    __tablename__ = "draw_selection"

    plan_id: str = Field(primary_key=True, foreign_key="draw_plan.id", max_length=40)
    uscc: str = Field(primary_key=True, foreign_key="enterprise.uscc", max_length=18)
    position: int
    stratum: str = Field(max_length=8)
    draw_key: str = Field(max_length=64)
    inspection_id: str | None = Field(default=None, max_length=40)
    #: Departments that had too few eligible inspectors for it (JSON list): no inspection then.
    short_of_json: str = "[]"
    removed_reason: str = ""
    removed_by: str = ""
    remove_time: dt.datetime | None = _instant()  # type: ignore[assignment]


class DrawAssignment(SQLModel, table=True):
    """An inspector drawn (or put in as the next of the ranking) for a drawn enterprise."""

    __tablename__ = "draw_assignment"

    plan_id: str = Field(primary_key=True, foreign_key="draw_plan.id", max_length=40)
    uscc: str = Field(primary_key=True, max_length=18)
    inspector_id: str = Field(primary_key=True, foreign_key="inspector.id", max_length=64)
    department_code: str = Field(foreign_key="department.code")
    #: Drawn at execution, or the replacement of ``replaces``.
    replaces: str | None = Field(default=None, max_length=64)
    released_reason: str = ""
    release_time: dt.datetime | None = _instant()  # type: ignore[assignment]
