"""An inspection's deadlines (时限) as a reader sees them now: the offices' decision on a request,
the filing of an emergency, the offices' acknowledgement of a filing, and the publication of a
result (一公开) — each with when it is due, when it was met, and whether it is overdue now.

The same due times raise the overdue alerts (``inspection.domain.oversight.sweep``); this module
only reads the inspection, under the clock the caller passes.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from inspection.domain.inspections.model import InspectionView, Kind, State


class DeadlineKind(enum.StrEnum):
    DECISION = "DECISION"
    FILING = "FILING"
    ACKNOWLEDGEMENT = "ACKNOWLEDGEMENT"
    PUBLICATION = "PUBLICATION"


class DeadlineStatus(enum.StrEnum):
    #: Not met yet, not due yet.
    PENDING = "PENDING"
    #: Met by its due time.
    MET = "MET"
    #: Met after its due time (it still counts; an alert was raised).
    MET_LATE = "MET_LATE"
    #: Due time passed and not met: the inspection is overdue now.
    OVERDUE = "OVERDUE"
    #: No longer to be met: the inspection ended before (cancelled, expired, rejected).
    LAPSED = "LAPSED"


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due_time: dt.datetime
    met_time: dt.datetime | None
    status: DeadlineStatus


#: States in which an inspection waits for nothing more from anyone.
_ENDED = (State.REJECTED, State.CANCELLED, State.EXPIRED)


def _status(due: dt.datetime, met: dt.datetime | None, *, ended: bool, now: dt.datetime) -> DeadlineStatus:
    if met is not None:
        return DeadlineStatus.MET if met <= due else DeadlineStatus.MET_LATE
    if ended:
        return DeadlineStatus.LAPSED
    return DeadlineStatus.OVERDUE if now > due else DeadlineStatus.PENDING


def deadlines_of(view: InspectionView, *, now: dt.datetime) -> list[Deadline]:
    """The inspection's deadlines that exist so far, in the order they arise."""
    row = view.inspection
    ended = row.state in _ENDED
    found: list[Deadline] = []
    if row.kind != Kind.EMERGENCY and row.decision_due_time is not None:
        met = row.decide_time if row.state not in (State.REQUESTED, State.PROPOSED) else None
        found.append(
            Deadline(
                DeadlineKind.DECISION,
                row.decision_due_time,
                met,
                _status(row.decision_due_time, met, ended=ended and met is None, now=now),
            )
        )
    if row.filing_due_time is not None:
        found.append(
            Deadline(
                DeadlineKind.FILING,
                row.filing_due_time,
                row.file_time,
                _status(row.filing_due_time, row.file_time, ended=False, now=now),
            )
        )
    if row.kind == Kind.EMERGENCY and row.file_time is not None and row.decision_due_time is not None:
        acknowledged = (
            max(d.decide_time for d in view.acknowledgements)
            if row.state != State.FILED_PENDING and view.acknowledgements
            else None
        )
        found.append(
            Deadline(
                DeadlineKind.ACKNOWLEDGEMENT,
                row.decision_due_time,
                acknowledged,
                _status(row.decision_due_time, acknowledged, ended=False, now=now),
            )
        )
    if row.publication_due_time is not None:
        found.append(
            Deadline(
                DeadlineKind.PUBLICATION,
                row.publication_due_time,
                row.publish_time,
                _status(row.publication_due_time, row.publish_time, ended=False, now=now),
            )
        )
    return found


def is_overdue(deadlines: list[Deadline]) -> bool:
    return any(d.status is DeadlineStatus.OVERDUE for d in deadlines)
