"""Joint approval (联合批准): the legal affairs office (法制办) and the supervision bureau (监察局)
both decide a subject — an inspection now; a joint check, a draw plan and a refund alike.

The rules of DESIGN §4, once for every subject: either office may decide first; the two decisions
come from the two offices and from two different principals; a rejection states its reason; each
decision has a due time in working days and a late one still counts, marked late. One rejection
decides the subject; two approvals (or, for a filing, two acknowledgements) complete it.

The caller holds the lock that serializes changes to the subject (for an inspection, its
enterprise's card) and appends the card entry the outcome calls for, with ``entry_payload``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain.card import format_time
from inspection.errors import FailedPrecondition, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import approvals as stored
from inspection.storage.approvals import DecisionRow


class Office(enum.StrEnum):
    """The two offices whose joint decision is needed (their principals' roles)."""

    LEGAL_OFFICE = Role.LEGAL_OFFICE.value
    SUPERVISION = Role.SUPERVISION.value


class Stage(enum.StrEnum):
    #: Approval in advance (联合批准).
    APPROVAL = "APPROVAL"
    #: Acknowledgement of a filing made afterwards (事后登记备案).
    FILING = "FILING"


class Verdict(enum.StrEnum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    ACKNOWLEDGE = "ACKNOWLEDGE"


class SubjectKind(enum.StrEnum):
    """What both offices decide: a joint check is decided as its inspection; refunds join later."""

    INSPECTION = "INSPECTION"
    #: A draw plan (双随机): approved once, its drawn inspections are approved under it.
    DRAW_PLAN = "DRAW_PLAN"
    #: A refund of a paid fee (退费), once its collecting department verified it.
    REFUND = "REFUND"


class Standing(enum.StrEnum):
    """Where a subject stands after a decision."""

    #: One office has decided in favour; the other has not decided yet.
    PENDING = "PENDING"
    #: Both offices approved (or, at the filing stage, acknowledged).
    COMPLETE = "COMPLETE"
    #: An office rejected.
    REJECTED = "REJECTED"


#: The verdicts each stage takes.
VERDICTS = {Stage.APPROVAL: (Verdict.APPROVE, Verdict.REJECT), Stage.FILING: (Verdict.ACKNOWLEDGE,)}
_ALREADY = {Stage.APPROVAL: Reason.ALREADY_DECIDED, Stage.FILING: Reason.ALREADY_ACKNOWLEDGED}


@dataclass(frozen=True)
class Subject:
    kind: SubjectKind
    id: str


@dataclass(frozen=True)
class OfficeDecision:
    """One office's decision as recorded."""

    office: Office
    principal: str
    verdict: Verdict
    comment: str
    due_time: dt.datetime | None
    decide_time: dt.datetime
    late: bool

    @classmethod
    def from_row(cls, row: DecisionRow) -> OfficeDecision:
        return cls(
            office=Office(row.office),
            principal=row.principal,
            verdict=Verdict(row.decision),
            comment=row.comment,
            due_time=row.due_time,
            decide_time=row.decide_time,
            late=row.late,
        )

    def entry_payload(self) -> dict[str, Any]:
        """What the card entry of this decision records of it."""
        return {
            "office": self.office.value,
            "decision": self.verdict.value,
            "comment": self.comment,
            "late": self.late,
            "due": format_time(self.due_time) if self.due_time else "",
        }


@dataclass(frozen=True)
class Decided:
    """The decision just recorded, every decision of its stage, and where the subject now stands."""

    decision: OfficeDecision
    decisions: tuple[OfficeDecision, ...]
    standing: Standing

    @property
    def deciders(self) -> list[str]:
        """``office:principal`` of every decision, sorted: who approved, on the card."""
        return sorted(f"{d.office.value}:{d.principal}" for d in self.decisions)


def office_of(actor: Principal) -> Office:
    """The office ``actor`` speaks for; anyone else may not decide."""
    if actor.role not in (Role.LEGAL_OFFICE, Role.SUPERVISION):
        raise PermissionDenied(
            "only the legal office and the supervision bureau decide", reason=Reason.ROLE_NOT_ALLOWED
        )
    return Office(actor.role.value)


def check_verdict(violations: Violations, stage: Stage, verdict: str, comment: str) -> None:
    """The verdict fits the stage, and a rejection states its reason (in ``comment``)."""
    allowed = VERDICTS[stage]
    if violations.has("decision"):
        return
    if verdict not in allowed:
        violations.add("decision", "must be " + " or ".join(v.value for v in allowed))
    elif verdict == Verdict.REJECT and not comment.strip():
        violations.add("comment", "a rejection states its reason")


def decide(
    session: Session,
    subject: Subject,
    stage: Stage,
    *,
    actor: Principal,
    verdict: Verdict,
    comment: str,
    due_time: dt.datetime | None,
    now: dt.datetime,
) -> Decided:
    """Records one office's decision at ``stage`` of ``subject`` under the caller's lock.

    Refuses a second decision by the same office (``ALREADY_DECIDED`` / ``ALREADY_ACKNOWLEDGED``) and
    the second office's decision by the principal who made the first (``SAME_PRINCIPAL``).
    """
    office = office_of(actor)
    earlier = [
        OfficeDecision.from_row(row)
        for row in stored.decisions(session, subject_kind=subject.kind, subject_id=subject.id, stage=stage)
    ]
    if any(d.office == office for d in earlier):
        raise FailedPrecondition(
            _ALREADY[stage], f"the {office.value} has already decided", {"office": office.value}
        )
    if any(d.principal == actor.sub for d in earlier):
        raise FailedPrecondition(
            Reason.SAME_PRINCIPAL,
            "the two offices' decisions must come from two different principals",
            {"principal": actor.sub},
        )
    mine = OfficeDecision(
        office=office,
        principal=actor.sub,
        verdict=verdict,
        comment=comment,
        due_time=due_time,
        decide_time=now,
        late=bool(due_time and now > due_time),
    )
    stored.insert_decision(
        session,
        DecisionRow(
            subject_kind=subject.kind.value,
            subject_id=subject.id,
            stage=stage.value,
            office=office.value,
            principal=actor.sub,
            decision=verdict.value,
            comment=comment,
            due_time=due_time,
            decide_time=now,
            late=mine.late,
        ),
    )
    decisions = (*earlier, mine)
    if verdict == Verdict.REJECT:
        standing = Standing.REJECTED
    elif {d.office for d in decisions if d.verdict != Verdict.REJECT} == set(Office):
        standing = Standing.COMPLETE
    else:
        standing = Standing.PENDING
    return Decided(decision=mine, decisions=decisions, standing=standing)


def decisions_by_subject(
    session: Session, kind: SubjectKind, subject_ids: list[str]
) -> dict[str, dict[Stage, list[OfficeDecision]]]:
    """Every decision on the given subjects, by subject and stage, oldest first."""
    found: dict[str, dict[Stage, list[OfficeDecision]]] = {i: {s: [] for s in Stage} for i in subject_ids}
    for row in stored.decisions_of(session, subject_kind=kind, subject_ids=subject_ids):
        found[row.subject_id][Stage(row.stage)].append(OfficeDecision.from_row(row))
    return found
