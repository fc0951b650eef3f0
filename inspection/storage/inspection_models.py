"""SQLModel tables of inspections (DESIGN §4–§5): one ``Inspection`` with its participants.

A single-department inspection has one participant (the lead); a joint check (联合检查) has
several; a drawn inspection (双随机) records the draw plan it came from.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from inspection.storage.types import UTCDateTime


def _instant(nullable: bool = True) -> object:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class Inspection(SQLModel, table=True):
    __table_args__ = (
        Index("ix_inspection_uscc_state", "uscc", "state"),
        Index("ix_inspection_lead_state", "lead_department", "state"),
        Index("ix_inspection_state_window", "state", "window_start"),
    )

    id: str = Field(primary_key=True, max_length=40)
    uscc: str = Field(foreign_key="enterprise.uscc", max_length=18)
    lead_department: str = Field(foreign_key="department.code")
    kind: str = Field(max_length=16)  # ROUTINE, TRIGGERED, SPECIAL, EMERGENCY
    origin: str = Field(default="REQUEST", max_length=16)  # REQUEST, JOINT_CHECK, DRAW
    state: str = Field(max_length=16)
    window_start: dt.date
    window_end: dt.date
    legal_basis: str = ""
    reason: str = ""
    requested_by: str
    request_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    decision_due_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    decide_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    # The inspection code (检查码) issued at approval; unguessable, verified on the doorstep.
    code: str | None = Field(default=None, unique=True, max_length=64)
    cancel_reason: str = ""
    visit_date: dt.date | None = None
    check_in_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    complete_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    publication_due_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    publish_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    outcome: str = ""  # NO_ISSUES, ISSUES_FOUND
    findings: str = ""
    handling: str = ""  # NONE, RECTIFICATION, PENALTY
    rectification_deadline: dt.date | None = None
    penalty_fen: int = 0
    penalty_basis: str = ""
    filing_due_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    file_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    draw_plan_id: str | None = None
    # A joint check's unified acceptance (统一验收): PASSED, PASSED_WITH_CONDITIONS, NOT_PASSED.
    acceptance: str = Field(default="", max_length=24)
    # A re-check of the failed parts of a not-passed acceptance: the joint check it re-checks.
    recheck_of: str | None = Field(default=None, max_length=40)


class InspectionPart(SQLModel, table=True):
    """One participating department's part of a joint check's result, recorded by that department."""

    __tablename__ = "inspection_part"

    inspection_id: str = Field(primary_key=True, foreign_key="inspection.id")
    department_code: str = Field(primary_key=True, foreign_key="department.code")
    outcome: str = Field(max_length=16)
    findings: str = ""
    handling: str = Field(max_length=16)
    rectification_deadline: dt.date | None = None
    penalty_fen: int = 0
    penalty_basis: str = ""
    recorded_by: str = Field(max_length=64)
    record_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]


class Appointment(SQLModel, table=True):
    """The booked visit of a joint check (预约)."""

    __tablename__ = "appointment"

    inspection_id: str = Field(primary_key=True, foreign_key="inspection.id")
    visit_date: dt.date
    half_day: str = Field(max_length=16)  # MORNING, AFTERNOON
    booked_by: str = Field(max_length=64)
    book_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    reschedules: int = 0
    #: The enterprise itself asked for this day (a quiet day is then allowed, 宁静日 at its request).
    own_request: bool = False


class SlotOffer(SQLModel, table=True):
    """A half-day the lead offers for a joint check's visit; when a check has offers, the
    enterprise books one of them."""

    __tablename__ = "slot_offer"

    inspection_id: str = Field(primary_key=True, foreign_key="inspection.id")
    visit_date: dt.date = Field(primary_key=True)
    half_day: str = Field(primary_key=True, max_length=16)


class SlotClaim(SQLModel, table=True):
    """A half-day taken by a booked visit: one row per inspector of the visit and one for the
    enterprise's whole day (half_day ``DAY``). The key makes a double booking impossible, on every
    database and under any concurrency: the second of two racing bookings fails its insert."""

    __tablename__ = "slot_claim"

    holder: str = Field(primary_key=True, max_length=72)  # "inspector:<id>" or "enterprise:<uscc>"
    visit_date: dt.date = Field(primary_key=True)
    half_day: str = Field(primary_key=True, max_length=16)  # MORNING, AFTERNOON, DAY
    inspection_id: str = Field(foreign_key="inspection.id", index=True)


class InspectionParticipant(SQLModel, table=True):
    """A department taking part in an inspection, with its own items and inspectors."""

    __tablename__ = "inspection_participant"

    inspection_id: str = Field(primary_key=True, foreign_key="inspection.id")
    department_code: str = Field(primary_key=True, foreign_key="department.code")
    confirmed: bool = True
    #: Named by the enterprise's own acceptance request: its decline ends the joint check.
    required: bool = False
    #: This department's own pending request, cancelled into the joint check when it confirms.
    merges: str | None = Field(default=None, max_length=40)


class InspectionItem(SQLModel, table=True):
    __tablename__ = "inspection_item"

    inspection_id: str = Field(primary_key=True, foreign_key="inspection.id")
    item_code: str = Field(primary_key=True, foreign_key="checklist_item.code")
    department_code: str = Field(foreign_key="department.code")


class InspectionInspector(SQLModel, table=True):
    __tablename__ = "inspection_inspector"
    __table_args__ = (Index("ix_inspection_inspector_inspector", "inspector_id"),)

    inspection_id: str = Field(primary_key=True, foreign_key="inspection.id")
    inspector_id: str = Field(primary_key=True, foreign_key="inspector.id")
    department_code: str = Field(foreign_key="department.code")
    present: bool = False


class ApprovalDecision(SQLModel, table=True):
    """One office's decision on a subject that both offices decide (法制办 / 监察局): the approval of
    an inspection (later a joint check, a draw plan, a refund), or the acknowledgement of a filing."""

    __tablename__ = "approval_decision"
    __table_args__ = (UniqueConstraint("subject_kind", "subject_id", "stage", "principal"),)

    subject_kind: str = Field(primary_key=True, max_length=16)  # INSPECTION, …
    subject_id: str = Field(primary_key=True, max_length=40)
    stage: str = Field(primary_key=True, max_length=16)  # APPROVAL, FILING
    office: str = Field(primary_key=True, max_length=16)  # legal_office, supervision
    principal: str = Field(max_length=64)
    decision: str = Field(max_length=16)  # APPROVE, REJECT, ACKNOWLEDGE
    comment: str = ""
    due_time: dt.datetime | None = _instant()  # type: ignore[assignment]
    decide_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
    late: bool = False


class EnterpriseVisit(SQLModel, table=True):
    """One visit day of an enterprise; the key enforces at most one visit a day (进一次门)."""

    __tablename__ = "enterprise_visit"

    uscc: str = Field(primary_key=True, foreign_key="enterprise.uscc")
    visit_date: dt.date = Field(primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id")


class InspectionRating(SQLModel, table=True):
    __tablename__ = "inspection_rating"

    inspection_id: str = Field(primary_key=True, foreign_key="inspection.id")
    score: int
    comment: str = ""
    rate_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]


class Complaint(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=40)
    uscc: str = Field(foreign_key="enterprise.uscc", index=True)
    inspection_id: str | None = Field(default=None, foreign_key="inspection.id")
    text: str
    filed_by: str
    file_time: dt.datetime = _instant(nullable=False)  # type: ignore[assignment]
