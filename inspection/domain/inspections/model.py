"""The inspection's vocabulary (DESIGN §4): kinds, states, outcomes, the configurable rules, and
the view a reader gets of one inspection."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from inspection.config import Settings
from inspection.domain.approval import OfficeDecision
from inspection.domain.calendar import Calendar
from inspection.storage.inspection_models import InspectionPart as InspectionPart
from inspection.storage.inspection_models import InspectionRating as InspectionRating

# The inspection record is the storage row; the api names it from here, never from storage.
from inspection.storage.inspections import AppointmentRow, InspectionRecord, InspectorRow, ItemRow

#: An inspection as the domain reads and changes it (the inspection row, as plain values).
Inspection = InspectionRecord


class Kind(enum.StrEnum):
    #: Planned; subject to the frequency cap and the white list.
    ROUTINE = "ROUTINE"
    #: Prompted by a complaint or a case clue.
    TRIGGERED = "TRIGGERED"
    #: Deployed from above.
    SPECIAL = "SPECIAL"
    #: Life and property safety: started at once, filed with both offices afterwards (事后登记备案).
    EMERGENCY = "EMERGENCY"


class Origin(enum.StrEnum):
    REQUEST = "REQUEST"
    JOINT_CHECK = "JOINT_CHECK"
    DRAW = "DRAW"


class State(enum.StrEnum):
    #: A joint check waiting for its invited departments to confirm or decline.
    PROPOSED = "PROPOSED"
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    #: The window ended before the visit happened (or before both offices decided).
    EXPIRED = "EXPIRED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    PUBLISHED = "PUBLISHED"
    FILED_PENDING = "FILED_PENDING"
    FILED = "FILED"


class Acceptance(enum.StrEnum):
    """A joint check's unified acceptance (统一验收)."""

    PASSED = "PASSED"
    PASSED_WITH_CONDITIONS = "PASSED_WITH_CONDITIONS"
    NOT_PASSED = "NOT_PASSED"


class Outcome(enum.StrEnum):
    NO_ISSUES = "NO_ISSUES"
    ISSUES_FOUND = "ISSUES_FOUND"


class Handling(enum.StrEnum):
    """Handling decision (处理)."""

    NONE = "NONE"
    #: Rectification order (责令整改) with a deadline.
    RECTIFICATION = "RECTIFICATION"
    #: Penalty decision (行政处罚) with an amount in fen and its legal basis.
    PENALTY = "PENALTY"


#: States in which an inspection holds the enterprise's window (for overlap notices).
PENDING_OR_APPROVED = (State.REQUESTED, State.APPROVED)
#: States that never count towards the frequency cap.
NOT_COUNTED = (State.REJECTED, State.CANCELLED, State.EXPIRED)


@dataclass(frozen=True)
class Rules:
    """The configurable rules of DESIGN §4, read once from settings."""

    calendar: Calendar
    approval_lead_days: int = 7
    decision_due_working_days: int = 2
    publication_due_working_days: int = 20
    max_routine_per_department_year: int = 2
    min_inspectors: int = 2
    emergency_filing_hours: int = 72
    max_window_days: int = 31

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        return cls(
            calendar=Calendar.from_settings(settings),
            approval_lead_days=settings.approval_lead_days,
            decision_due_working_days=settings.decision_due_working_days,
            publication_due_working_days=settings.publication_due_working_days,
            max_routine_per_department_year=settings.max_routine_per_department_year,
            min_inspectors=settings.min_inspectors,
            emergency_filing_hours=settings.emergency_filing_hours,
        )


@dataclass
class ParticipantView:
    department_code: str
    department_name: str
    items: list[ItemRow] = field(default_factory=list)
    inspectors: list[tuple[InspectorRow, bool]] = field(default_factory=list)
    #: False while a department invited to a joint check has not confirmed it.
    confirmed: bool = True


@dataclass
class InspectionView:
    """An inspection with everything a reader sees of it."""

    inspection: Inspection
    enterprise_name: str
    participants: list[ParticipantView]
    approvals: list[OfficeDecision]
    acknowledgements: list[OfficeDecision]
    rating: InspectionRating | None
    #: A joint check's recorded parts, by department.
    parts: list[InspectionPart] = field(default_factory=list)
    #: A joint check's booked visit.
    appointment: AppointmentRow | None = None

    @property
    def filed_late(self) -> bool:
        i = self.inspection
        return bool(i.file_time and i.filing_due_time and i.file_time > i.filing_due_time)

    @property
    def result_recorded(self) -> bool:
        return self.inspection.complete_time is not None


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***: personal names are never shown in clear to the public."""
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


def window_text(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()}–{end.isoformat()}"
