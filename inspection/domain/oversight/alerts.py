"""Alerts (预警, DESIGN §9): what they are, who sees them, and how the supervision bureau and the
legal office move them from open to acknowledged to resolved — each step on the enterprise's card.

An alert is one cause: a kind, a subject (an inspection, an enterprise in a week, an inspector and an
enterprise in a year, a refund step, a refused attempt), and the period it counts in. Its id is a
digest of that key, so the same cause found by two replicas, or by two passes, is one alert.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from inspection.auth import Principal, Role
from inspection.domain import card as cards
from inspection.domain import paging
from inspection.domain.text import check_identifier
from inspection.errors import FailedPrecondition, NotFound, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import oversight as stored
from inspection.storage.oversight_models import Alert


class Category(enum.StrEnum):
    #: A deadline passed: a decision, a filing, its acknowledgement, a publication, a refund step.
    OVERDUE = "OVERDUE"
    #: A refused call that matters: a visit without approval, an unlisted fee.
    ATTEMPTED = "ATTEMPTED"
    #: An enterprise disturbed too often (扰企).
    BURDEN = "BURDEN"
    #: A pattern worth a look: the same inspector finding nothing, low ratings, complaints.
    PATTERN = "PATTERN"
    #: Stored data that does not agree with the card (一卡通).
    INTEGRITY = "INTEGRITY"


class AlertKind(enum.StrEnum):
    DECISION_OVERDUE = "DECISION_OVERDUE"
    FILING_OVERDUE = "FILING_OVERDUE"
    ACKNOWLEDGEMENT_OVERDUE = "ACKNOWLEDGEMENT_OVERDUE"
    PUBLICATION_OVERDUE = "PUBLICATION_OVERDUE"
    REFUND_STEP_OVERDUE = "REFUND_STEP_OVERDUE"
    UNAPPROVED_ACTIVITY_ATTEMPTED = "UNAPPROVED_ACTIVITY_ATTEMPTED"
    UNLISTED_FEE_ATTEMPTED = "UNLISTED_FEE_ATTEMPTED"
    VISITS_PER_DAY_EXCEEDED = "VISITS_PER_DAY_EXCEEDED"
    VISITS_PER_WEEK_EXCEEDED = "VISITS_PER_WEEK_EXCEEDED"
    VISITS_PER_MONTH_EXCEEDED = "VISITS_PER_MONTH_EXCEEDED"
    YEARLY_CAP_REACHED = "YEARLY_CAP_REACHED"
    REPEATED_NO_FINDINGS = "REPEATED_NO_FINDINGS"
    LOW_RATING = "LOW_RATING"
    COMPLAINT_FILED = "COMPLAINT_FILED"
    CARD_BROKEN = "CARD_BROKEN"
    STATE_DIVERGES_FROM_CARD = "STATE_DIVERGES_FROM_CARD"


CATEGORY: Mapping[AlertKind, Category] = {
    AlertKind.DECISION_OVERDUE: Category.OVERDUE,
    AlertKind.FILING_OVERDUE: Category.OVERDUE,
    AlertKind.ACKNOWLEDGEMENT_OVERDUE: Category.OVERDUE,
    AlertKind.PUBLICATION_OVERDUE: Category.OVERDUE,
    AlertKind.REFUND_STEP_OVERDUE: Category.OVERDUE,
    AlertKind.UNAPPROVED_ACTIVITY_ATTEMPTED: Category.ATTEMPTED,
    AlertKind.UNLISTED_FEE_ATTEMPTED: Category.ATTEMPTED,
    AlertKind.VISITS_PER_DAY_EXCEEDED: Category.BURDEN,
    AlertKind.VISITS_PER_WEEK_EXCEEDED: Category.BURDEN,
    AlertKind.VISITS_PER_MONTH_EXCEEDED: Category.BURDEN,
    AlertKind.YEARLY_CAP_REACHED: Category.BURDEN,
    AlertKind.REPEATED_NO_FINDINGS: Category.PATTERN,
    AlertKind.LOW_RATING: Category.PATTERN,
    AlertKind.COMPLAINT_FILED: Category.PATTERN,
    AlertKind.CARD_BROKEN: Category.INTEGRITY,
    AlertKind.STATE_DIVERGES_FROM_CARD: Category.INTEGRITY,
}

#: Kinds a department never sees, even about itself: a rating reaches the rated department only as
#: an aggregate, and a complaint never reaches the department complained of through oversight.
WITHHELD_FROM_DEPARTMENTS: frozenset[AlertKind] = frozenset({AlertKind.LOW_RATING, AlertKind.COMPLAINT_FILED})


class AlertState(enum.StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"


class SubjectKind(enum.StrEnum):
    INSPECTION = "INSPECTION"
    ENTERPRISE = "ENTERPRISE"
    DEPARTMENT = "DEPARTMENT"
    INSPECTOR = "INSPECTOR"
    REFUND = "REFUND"
    COMPLAINT = "COMPLAINT"
    CARD_ENTRY = "CARD_ENTRY"
    CARD = "CARD"


#: The service itself, as the actor of the card entries its sweep writes.
SYSTEM = Principal(sub="system:oversight", role=Role.ADMIN, org="")

#: Longest resolution note (characters), checked before any other work on it.
MAX_NOTE = 2000


@dataclass(frozen=True)
class Finding:
    """A cause the sweep found in stored data: the alert it raises unless one with its key exists."""

    kind: AlertKind
    subject_kind: SubjectKind
    subject_id: str
    uscc: str
    cause_time: dt.datetime
    period: str = ""
    department_code: str = ""
    inspection_id: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """What makes it one alert: kind, subject, period and enterprise."""
        return "|".join((self.kind.value, self.subject_kind.value, self.subject_id, self.period, self.uscc))

    @property
    def alert_id(self) -> str:
        return alert_id_of(self.key)


def alert_id_of(key: str) -> str:
    """``AL`` + 20 hex digits of SHA-256 over the key: the same cause has the same id everywhere."""
    return "AL" + hashlib.sha256(key.encode()).hexdigest()[:20]


# --- raising -------------------------------------------------------------------------------------


def raise_alert(session: Session, finding: Finding, *, now: dt.datetime) -> Alert | None:
    """Raises the alert of ``finding`` and appends ``ALERT_RAISED`` to the enterprise's card, in this
    transaction, unless it exists. Under the card lock, so concurrent sweeps raise it once."""
    card = cards.lock_card(session, finding.uscc)
    if stored.get_alert(session, finding.alert_id) is not None:
        return None
    alert = Alert(
        id=finding.alert_id,
        key=finding.key,
        kind=finding.kind.value,
        subject_kind=finding.subject_kind.value,
        subject_id=finding.subject_id,
        period=finding.period,
        uscc=finding.uscc,
        department_code=finding.department_code or None,
        inspection_id=finding.inspection_id or None,
        facts_json=json.dumps(dict(finding.facts), ensure_ascii=False, sort_keys=True, default=str),
        cause_time=finding.cause_time,
        raise_time=now,
        state=AlertState.OPEN.value,
    )
    stored.add_alert(session, alert)
    cards.append_entry(
        session,
        card,
        kind=cards.EntryKind.ALERT_RAISED,
        actor=SYSTEM,
        at=now,
        payload={
            "alert_id": alert.id,
            "alert_kind": alert.kind,
            "category": CATEGORY[finding.kind].value,
            "subject": {"kind": alert.subject_kind, "id": alert.subject_id},
            "period": alert.period,
            "cause_time": cards.format_time(finding.cause_time),
            "facts": json.loads(alert.facts_json),
        },
        department_code=alert.department_code,
        inspection_id=alert.inspection_id,
    )
    return alert


# --- the offices act -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertChange:
    alert: Alert
    head: cards.CardHead


def acknowledge(session: Session, alert_id: str, *, actor: Principal, now: dt.datetime) -> AlertChange:
    """An office has seen the alert and is acting on it (已受理)."""
    violations = Violations()
    check_identifier(violations, "alert_id", alert_id)
    violations.raise_if_any()
    alert = _locked(session, alert_id)
    if alert.state != AlertState.OPEN:
        raise FailedPrecondition(
            Reason.ALERT_ALREADY_ACKNOWLEDGED,
            f"the alert is already {alert.state.lower()}",
            {"state": alert.state},
        )
    alert.state, alert.acknowledged_by, alert.acknowledge_time = AlertState.ACKNOWLEDGED.value, actor.sub, now
    return _on_card(session, alert, cards.EntryKind.ALERT_ACKNOWLEDGED, actor=actor, now=now)


def resolve(
    session: Session, alert_id: str, note: str, violations: Violations, *, actor: Principal, now: dt.datetime
) -> AlertChange:
    """An office closes the alert with a note saying what was done (已办结): a correction ordered, a
    talk with the unit head, a public report, or why the cause was not a fault."""
    if len(note) > MAX_NOTE:
        violations.add("note", f"at most {MAX_NOTE} characters")
    elif not note.strip():
        violations.add("note", "required: what was done about the alert")
    check_identifier(violations, "alert_id", alert_id)
    violations.raise_if_any()
    alert = _locked(session, alert_id)
    if alert.state == AlertState.RESOLVED:
        raise FailedPrecondition(
            Reason.ALERT_ALREADY_RESOLVED, "the alert is already resolved", {"state": alert.state}
        )
    was = alert.state
    alert.state, alert.resolved_by, alert.resolve_time = AlertState.RESOLVED.value, actor.sub, now
    alert.resolution_note = note.strip()
    return _on_card(
        session,
        alert,
        cards.EntryKind.ALERT_RESOLVED,
        actor=actor,
        now=now,
        note=alert.resolution_note,
        was=was,
    )


def _on_card(
    session: Session, alert: Alert, kind: cards.EntryKind, *, actor: Principal, now: dt.datetime, **facts: str
) -> AlertChange:
    """Writes the alert's change and appends its entry to the enterprise's card, under the card lock."""
    card = cards.lock_card(session, alert.uscc)
    session.flush()
    head = cards.append_entry(
        session,
        card,
        kind=kind,
        actor=actor,
        at=now,
        payload={"alert_id": alert.id, "alert_kind": alert.kind, **facts},
        department_code=alert.department_code,
        inspection_id=alert.inspection_id,
    )
    return AlertChange(alert, head)


def _locked(session: Session, alert_id: str) -> Alert:
    alert = stored.lock_alert(session, alert_id)
    if alert is None:
        raise NotFound("alert", alert_id)
    return alert


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertQuery:
    kinds: tuple[AlertKind, ...] = ()
    states: tuple[AlertState, ...] = ()
    department_code: str = ""
    uscc: str = ""


def scope_of(viewer: Principal, query: AlertQuery) -> tuple[AlertQuery, tuple[str, ...]]:
    """What ``viewer`` may list: the offices every alert; a department its own, without the kinds
    withheld from departments (asking for another department's is refused)."""
    if viewer.role is Role.DEPARTMENT:
        if query.department_code and query.department_code != viewer.org:
            raise PermissionDenied("a department sees the alerts about itself only")
        return (
            AlertQuery(query.kinds, query.states, viewer.org, query.uscc),
            tuple(sorted(k.value for k in WITHHELD_FROM_DEPARTMENTS)),
        )
    return query, ()


def visible_to(viewer: Principal, alert: Alert) -> bool:
    if viewer.role is Role.DEPARTMENT:
        return alert.department_code == viewer.org and AlertKind(alert.kind) not in WITHHELD_FROM_DEPARTMENTS
    return True


def get_alert(session: Session, alert_id: str, *, viewer: Principal) -> Alert:
    violations = Violations()
    check_identifier(violations, "alert_id", alert_id)
    violations.raise_if_any()
    alert = stored.get_alert(session, alert_id)
    if alert is None or not visible_to(viewer, alert):  # another department's alert is not shown to exist
        raise NotFound("alert", alert_id)
    return alert


def list_alerts(
    session: Session,
    query: AlertQuery,
    violations: Violations,
    *,
    viewer: Principal,
    size: int,
    token: str,
) -> tuple[list[Alert], str]:
    """Alerts matching ``query`` that ``viewer`` may see, newest first, a page at a time."""
    check_identifier(violations, "department_code", query.department_code, required=False)
    check_identifier(violations, "uscc", query.uscc, required=False, max_length=18)
    violations.raise_if_any()
    scoped, hidden = scope_of(viewer, query)

    def fetch(after: list[Any] | None, limit: int) -> list[Alert]:
        return stored.list_alerts(
            session,
            kinds=[k.value for k in scoped.kinds],
            states=[s.value for s in scoped.states],
            department_code=scoped.department_code,
            uscc=scoped.uscc,
            hidden_kinds=hidden,
            after=paging.instant_of_key(after),
            limit=limit,
        )

    return paging.keyset_page(
        fetch,
        lambda alert: paging.instant_key(alert.raise_time, alert.id),
        query={
            "kinds": [k.value for k in scoped.kinds],
            "states": [s.value for s in scoped.states],
            "department_code": scoped.department_code,
            "uscc": scoped.uscc,
        },
        size=size,
        token=token,
        key_type=list,
    )


def raised_since(
    session: Session, since: dt.datetime, *, viewer: Principal, batch: int = 200, limit: int = 10_000
) -> list[Alert]:
    """Alerts raised at or after ``since`` that ``viewer`` may see, oldest first (for a watcher), at
    most ``limit``, read ``batch`` at a time."""
    scoped, hidden = scope_of(viewer, AlertQuery())
    found: list[Alert] = []
    after = (since - dt.timedelta(microseconds=1), "")
    while len(found) < limit:
        rows = stored.alerts_raised_since(
            session, after, department_code=scoped.department_code, hidden_kinds=hidden, limit=batch
        )
        found += rows
        if len(rows) < batch:
            break
        after = (rows[-1].raise_time, rows[-1].id)
    return found
