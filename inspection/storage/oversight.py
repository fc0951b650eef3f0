"""Oversight's SQL (电子监察, DESIGN §9): the queries that find what went wrong in stored data, the
alerts they raise, and the shared cursor of the card audit.

Every query is bounded by a look-back window or a period and by a row limit; each returns the facts
its alert shows. The caller raises an alert under the enterprise's card lock after checking its key,
so replicas sweeping at once raise it once (the unique key is the backstop on every database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_, select
from sqlalchemy import update as sa_update
from sqlmodel import Session, col

from inspection.storage.fee_models import FeeRefund
from inspection.storage.inspection_models import (
    ApprovalDecision,
    Complaint,
    Inspection,
    InspectionInspector,
    InspectionPart,
    InspectionRating,
)
from inspection.storage.models import CardEntry, Enterprise
from inspection.storage.oversight_models import Alert, SweepCursor

#: Rows one query returns per pass; a longer backlog is taken by the next passes.
LIMIT = 500


def _unraised(kinds: Sequence[str], subject: Any, *, period: Any = None, uscc: Any = None) -> Any:
    """No alert of ``kinds`` exists yet for this subject (and period, and enterprise): each query
    returns only what is new, so a backlog longer than one pass's limit moves on."""
    found = select(col(Alert.id)).where(col(Alert.kind).in_(list(kinds)), col(Alert.subject_id) == subject)
    if period is not None:
        found = found.where(col(Alert.period) == period)
    if uscc is not None:
        found = found.where(col(Alert.uscc) == uscc)
    return ~found.exists()


# --- causes --------------------------------------------------------------------------------------


def pending_decisions(
    session: Session, *, now: dt.datetime, states: Sequence[str], kind: str, limit: int = LIMIT
) -> list[Any]:
    """Requests still waiting for the offices after their decision was due."""
    i = Inspection
    query = (
        select(col(i.id), col(i.uscc), col(i.lead_department), col(i.decision_due_time), col(i.request_time))
        .where(col(i.state).in_(list(states)), col(i.decision_due_time) < now, _unraised([kind], col(i.id)))
        .order_by(col(i.decision_due_time))
        .limit(limit)
    )
    return list(session.execute(query).all())


def late_decisions(
    session: Session, *, since: dt.datetime, kinds: Sequence[str], limit: int = LIMIT
) -> list[Any]:
    """Office decisions of inspections taken after they were due, within the look-back."""
    d, i = ApprovalDecision, Inspection
    query = (
        select(
            col(d.subject_id),
            col(d.stage),
            col(d.office),
            col(d.due_time),
            col(d.decide_time),
            col(i.uscc),
            col(i.lead_department),
        )
        .join(i, col(i.id) == col(d.subject_id))
        .where(
            col(d.subject_kind) == "INSPECTION",
            col(d.late).is_(True),
            col(d.decide_time) >= since,
            _unraised(kinds, col(d.subject_id)),
        )
        .order_by(col(d.decide_time))
        .limit(limit)
    )
    return list(session.execute(query).all())


def filings_due(
    session: Session, *, now: dt.datetime, since: dt.datetime, kind: str, limit: int = LIMIT
) -> list[Any]:
    """Emergency inspections not filed by their filing limit, or filed after it (in the look-back)."""
    i = Inspection
    late = or_(
        and_(col(i.file_time).is_(None), col(i.filing_due_time) < now),
        and_(col(i.file_time) > col(i.filing_due_time), col(i.file_time) >= since),
    )
    query = (
        select(
            col(i.id),
            col(i.uscc),
            col(i.lead_department),
            col(i.filing_due_time),
            col(i.file_time),
            col(i.request_time),
        )
        .where(
            col(i.kind) == "EMERGENCY",
            col(i.filing_due_time).is_not(None),
            late,
            _unraised([kind], col(i.id)),
        )
        .order_by(col(i.filing_due_time))
        .limit(limit)
    )
    return list(session.execute(query).all())


def awaiting_acknowledgement(session: Session, *, state: str, kind: str, limit: int = LIMIT) -> list[Any]:
    """Filed emergency inspections both offices have not acknowledged yet, oldest filing first."""
    i = Inspection
    query = (
        select(col(i.id), col(i.uscc), col(i.lead_department), col(i.file_time))
        .where(col(i.state) == state, col(i.file_time).is_not(None), _unraised([kind], col(i.id)))
        .order_by(col(i.file_time))
        .limit(limit)
    )
    return list(session.execute(query).all())


def publications_due(
    session: Session,
    *,
    now: dt.datetime,
    since: dt.datetime,
    unpublished: Sequence[str],
    kind: str,
    limit: int = LIMIT,
) -> list[Any]:
    """Results not published by their publication date, or published after it (in the look-back)."""
    i = Inspection
    late = or_(
        and_(col(i.state).in_(list(unpublished)), col(i.publication_due_time) < now),
        and_(col(i.publish_time) > col(i.publication_due_time), col(i.publish_time) >= since),
    )
    query = (
        select(
            col(i.id),
            col(i.uscc),
            col(i.lead_department),
            col(i.publication_due_time),
            col(i.publish_time),
            col(i.complete_time),
        )
        .where(col(i.publication_due_time).is_not(None), late, _unraised([kind], col(i.id)))
        .order_by(col(i.publication_due_time))
        .limit(limit)
    )
    return list(session.execute(query).all())


def refunds_due(
    session: Session, *, today: dt.date, steps: Mapping[str, str], kind: str, limit: int = LIMIT
) -> list[Any]:
    """Refunds whose current step (``steps``: the step each open state waits for) is past its due
    date, and not yet alerted for that step."""
    r = FeeRefund
    query = (
        select(
            col(r.id),
            col(r.uscc),
            col(r.department_code),
            col(r.inspection_id),
            col(r.state),
            col(r.step_due_date),
            col(r.amount_fen),
        )
        .where(
            col(r.state).in_(list(steps)),
            col(r.step_due_date) < today,
            _unraised([kind], col(r.id), period=case(dict(steps), value=col(r.state), else_="")),
        )
        .order_by(col(r.step_due_date))
        .limit(limit)
    )
    return list(session.execute(query).all())


def recent_entries(
    session: Session, *, kind: str, since: dt.datetime, alert_kinds: Sequence[str], limit: int = LIMIT
) -> list[Any]:
    """Card entries of one kind appended within the look-back, across every card (oldest first),
    that no alert of ``alert_kinds`` names yet (subject ``USCC#seq``)."""
    e = CardEntry
    query = (
        select(
            col(e.uscc),
            col(e.seq),
            col(e.time),
            col(e.department_code),
            col(e.inspection_id),
            col(e.payload_json),
        )
        .where(
            col(e.kind) == kind,
            col(e.time) >= since,
            _unraised(alert_kinds, col(e.uscc) + "#" + cast(col(e.seq), String)),
        )
        .order_by(col(e.time), col(e.uscc), col(e.seq))
        .limit(limit)
    )
    return list(session.execute(query).all())


def frequent_visits(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    visited: Sequence[str],
    more_than: int,
    kind: str,
    period: str,
    limit: int = LIMIT,
) -> list[Any]:
    """Enterprises visited more than ``more_than`` times on days in [start, end), across departments:
    one row per enterprise with its count (an inspection is one visit, a joint check included)."""
    i = Inspection
    query = (
        select(col(i.uscc), func.count().label("visits"), func.max(i.visit_date).label("last_visit"))
        .where(
            col(i.visit_date) >= start,
            col(i.visit_date) < end,
            col(i.state).in_(list(visited)),
            _unraised([kind], col(i.uscc), period=period),
        )
        .group_by(col(i.uscc))
        .having(func.count() > more_than)
        .order_by(col(i.uscc))
        .limit(limit)
    )
    return list(session.execute(query).all())


def visits_of(
    session: Session, uscc: str, *, start: dt.date, end: dt.date, visited: Sequence[str]
) -> list[Any]:
    """The visits of one enterprise in [start, end): the facts of a burden alert."""
    i = Inspection
    query = (
        select(col(i.id), col(i.lead_department), col(i.visit_date), col(i.kind), col(i.origin))
        .where(
            col(i.uscc) == uscc,
            col(i.visit_date) >= start,
            col(i.visit_date) < end,
            col(i.state).in_(list(visited)),
        )
        .order_by(col(i.visit_date), col(i.id))
    )
    return list(session.execute(query).all())


def at_yearly_cap(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    not_counted: Sequence[str],
    cap: int,
    kind: str,
    period: str,
    limit: int = LIMIT,
) -> list[Any]:
    """(enterprise, department) pairs whose routine inspections with a window opening in [start, end)
    reached the yearly cap — counted as the cap rule counts them."""
    i = Inspection
    query = (
        select(
            col(i.uscc),
            col(i.lead_department),
            func.count().label("routine"),
            func.max(i.request_time).label("last"),
        )
        .where(
            col(i.kind) == "ROUTINE",
            col(i.window_start) >= start,
            col(i.window_start) < end,
            col(i.state).not_in(list(not_counted)),
            _unraised([kind], col(i.lead_department), period=period, uscc=col(i.uscc)),
        )
        .group_by(col(i.uscc), col(i.lead_department))
        .having(func.count() >= cap)
        .order_by(col(i.uscc), col(i.lead_department))
        .limit(limit)
    )
    return list(session.execute(query).all())


def repeated_no_findings(
    session: Session,
    *,
    start: dt.datetime,
    end: dt.datetime,
    at_least: int,
    kind: str,
    period: str,
    limit: int = LIMIT,
) -> list[Any]:
    """(inspector, enterprise) pairs with ``at_least`` results of no issues in [start, end): a
    joint check counts by the part of the inspector's department, any other by its result."""
    i, a, p = Inspection, InspectionInspector, InspectionPart
    outcome = func.coalesce(p.outcome, i.outcome)
    query = (
        select(
            col(a.inspector_id),
            col(i.uscc),
            col(a.department_code),
            func.count().label("inspections"),
            func.max(i.complete_time).label("last"),
        )
        .join(i, col(i.id) == col(a.inspection_id))
        .outerjoin(
            p,
            and_(
                col(p.inspection_id) == col(a.inspection_id), col(p.department_code) == col(a.department_code)
            ),
        )
        .where(
            col(i.complete_time) >= start,
            col(i.complete_time) < end,
            outcome == "NO_ISSUES",
            _unraised([kind], col(a.inspector_id), period=period, uscc=col(i.uscc)),
        )
        .group_by(col(a.inspector_id), col(i.uscc), col(a.department_code))
        .having(func.count() >= at_least)
        .order_by(col(a.inspector_id), col(i.uscc))
        .limit(limit)
    )
    return list(session.execute(query).all())


def no_findings_inspections(
    session: Session, inspector_id: str, uscc: str, *, start: dt.datetime, end: dt.datetime
) -> list[str]:
    i, a, p = Inspection, InspectionInspector, InspectionPart
    query = (
        select(col(i.id))
        .join(a, col(a.inspection_id) == col(i.id))
        .outerjoin(
            p,
            and_(
                col(p.inspection_id) == col(a.inspection_id), col(p.department_code) == col(a.department_code)
            ),
        )
        .where(
            col(a.inspector_id) == inspector_id,
            col(i.uscc) == uscc,
            col(i.complete_time) >= start,
            col(i.complete_time) < end,
            func.coalesce(p.outcome, i.outcome) == "NO_ISSUES",
        )
        .order_by(col(i.complete_time))
    )
    return list(session.execute(query).scalars())


def low_ratings(
    session: Session, *, since: dt.datetime, at_most: int, kind: str, limit: int = LIMIT
) -> list[Any]:
    r, i = InspectionRating, Inspection
    query = (
        select(col(r.inspection_id), col(r.score), col(r.rate_time), col(i.uscc), col(i.lead_department))
        .join(i, col(i.id) == col(r.inspection_id))
        .where(col(r.score) <= at_most, col(r.rate_time) >= since, _unraised([kind], col(r.inspection_id)))
        .order_by(col(r.rate_time))
        .limit(limit)
    )
    return list(session.execute(query).all())


def complaints(session: Session, *, since: dt.datetime, kind: str, limit: int = LIMIT) -> list[Any]:
    c, i = Complaint, Inspection
    query = (
        select(col(c.id), col(c.uscc), col(c.inspection_id), col(c.file_time), col(i.lead_department))
        .outerjoin(i, col(i.id) == col(c.inspection_id))
        .where(col(c.file_time) >= since, _unraised([kind], col(c.id)))
        .order_by(col(c.file_time))
        .limit(limit)
    )
    return list(session.execute(query).all())


def enterprises_after(session: Session, after: str, *, limit: int) -> list[str]:
    """The next ``limit`` enterprises after ``after`` in USCC order (the audit's round)."""
    query = (
        select(col(Enterprise.uscc))
        .where(col(Enterprise.uscc) > after)
        .order_by(col(Enterprise.uscc))
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def inspections_of(session: Session, uscc: str) -> list[Inspection]:
    """Every inspection of one enterprise, as stored (the audit compares them with the card)."""
    query = select(Inspection).where(col(Inspection.uscc) == uscc).order_by(col(Inspection.id))
    return list(session.execute(query).scalars())


def lifecycle_entries(session: Session, uscc: str) -> list[Any]:
    """The entries of one card that name an inspection, in card order."""
    e = CardEntry
    query = (
        select(col(e.seq), col(e.kind), col(e.inspection_id), col(e.time), col(e.payload_json))
        .where(col(e.uscc) == uscc, col(e.inspection_id).is_not(None))
        .order_by(col(e.seq))
    )
    return list(session.execute(query).all())


# --- alerts --------------------------------------------------------------------------------------


def add_alert(session: Session, alert: Alert) -> None:
    session.add(alert)
    session.flush()


def get_alert(session: Session, alert_id: str) -> Alert | None:
    return session.get(Alert, alert_id)


def lock_alert(session: Session, alert_id: str) -> Alert | None:
    """The alert, its row locked for this transaction (PostgreSQL; SQLite serializes writers)."""
    query = select(Alert).where(col(Alert.id) == alert_id).with_for_update()
    return session.execute(query).scalars().first()


def list_alerts(
    session: Session,
    *,
    kinds: Sequence[str],
    states: Sequence[str],
    department_code: str,
    uscc: str,
    hidden_kinds: Sequence[str],
    after: tuple[dt.datetime, str] | None,
    limit: int,
) -> list[Alert]:
    """Alerts matching the filters, newest first, keyset-paged on (raise time, id)."""
    query = select(Alert)
    if kinds:
        query = query.where(col(Alert.kind).in_(list(kinds)))
    if hidden_kinds:
        query = query.where(col(Alert.kind).not_in(list(hidden_kinds)))
    if states:
        query = query.where(col(Alert.state).in_(list(states)))
    if department_code:
        query = query.where(col(Alert.department_code) == department_code)
    if uscc:
        query = query.where(col(Alert.uscc) == uscc)
    if after is not None:
        time, alert_id = after
        query = query.where(
            or_(col(Alert.raise_time) < time, and_(col(Alert.raise_time) == time, col(Alert.id) < alert_id))
        )
    query = query.order_by(col(Alert.raise_time).desc(), col(Alert.id).desc()).limit(limit)
    return list(session.execute(query).scalars())


def alerts_raised_since(
    session: Session,
    after: tuple[dt.datetime, str],
    *,
    department_code: str,
    hidden_kinds: Sequence[str],
    limit: int,
) -> list[Alert]:
    """Alerts raised after ``after`` (raise time, id), oldest first: what a watcher has not seen."""
    time, alert_id = after
    query = select(Alert).where(
        or_(col(Alert.raise_time) > time, and_(col(Alert.raise_time) == time, col(Alert.id) > alert_id))
    )
    if department_code:
        query = query.where(col(Alert.department_code) == department_code)
    if hidden_kinds:
        query = query.where(col(Alert.kind).not_in(list(hidden_kinds)))
    query = query.order_by(col(Alert.raise_time), col(Alert.id)).limit(limit)
    return list(session.execute(query).scalars())


# --- the shared cursor ---------------------------------------------------------------------------


def lock_cursor(session: Session, name: str) -> SweepCursor:
    """The named cursor, locked for this transaction (created empty on first use)."""
    query = select(SweepCursor).where(col(SweepCursor.name) == name).with_for_update()
    found = session.execute(query).scalars().first()
    if found is None:
        found = SweepCursor(name=name, value="")
        session.add(found)
        session.flush()
    return found


def move_cursor(session: Session, name: str, value: str, *, at: dt.datetime) -> None:
    session.connection().execute(
        sa_update(SweepCursor).where(col(SweepCursor.name) == name).values(value=value, update_time=at)
    )
