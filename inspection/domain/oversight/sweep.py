"""The oversight sweep (电子监察): finds, in stored data and under the service clock, every cause of
an alert, and the card audit that compares what the database says with what the cards say.

Nothing here remembers anything between passes: each detector reads the tables (bounded by a
look-back and a row limit) and returns findings; the sweep raises those whose key has no alert yet,
each in its own transaction under the enterprise's card lock. Any replica may run any pass; two
running at once raise each alert once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from inspection.config import Settings
from inspection.domain import card as cards
from inspection.domain.calendar import Calendar
from inspection.domain.inspections.model import NOT_COUNTED, State
from inspection.domain.oversight.alerts import AlertKind, Finding, SubjectKind
from inspection.storage import oversight as stored

#: States in which the enterprise has been visited (a check-in, or an emergency started on site).
VISITED = tuple(
    s.value for s in (State.IN_PROGRESS, State.COMPLETED, State.PUBLISHED, State.FILED_PENDING, State.FILED)
)
#: States in which a recorded result still waits for publication.
UNPUBLISHED = (State.COMPLETED.value, State.FILED.value)
#: A refund's open states and the step each waits for.
REFUND_STEP = {"REQUESTED": "VERIFY", "VERIFIED": "APPROVE", "APPROVED": "PAY"}
#: The name of the card audit's shared cursor.
AUDIT_CURSOR = "card_audit"


@dataclass(frozen=True)
class OversightRules:
    """The thresholds of DESIGN §9, read once from settings."""

    calendar: Calendar
    lookback_days: int = 30
    decision_due_working_days: int = 2
    max_routine_per_department_year: int = 2
    visits_per_day: int = 1
    visits_per_week: int = 2
    visits_per_month: int = 3
    no_findings_per_year: int = 3
    low_rating_at_most: int = 2
    audit_cards_per_sweep: int = 200

    @classmethod
    def from_settings(cls, settings: Settings) -> OversightRules:
        return cls(
            calendar=Calendar.from_settings(settings),
            lookback_days=settings.alert_lookback_days,
            decision_due_working_days=settings.decision_due_working_days,
            max_routine_per_department_year=settings.max_routine_per_department_year,
            visits_per_day=settings.burden_visits_per_day,
            visits_per_week=settings.burden_visits_per_week,
            visits_per_month=settings.burden_visits_per_month,
            no_findings_per_year=settings.pattern_no_findings_per_year,
            low_rating_at_most=settings.low_rating_at_most,
            audit_cards_per_sweep=settings.audit_cards_per_sweep,
        )


Detector = Callable[[Session, OversightRules, dt.datetime], Iterable[Finding]]


def _time(value: dt.datetime | None) -> str:
    return cards.format_time(value) if value else ""


# --- overdue -------------------------------------------------------------------------------------


def overdue_decisions(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    """A request still undecided after its decision was due, or decided (by one office) late."""
    for row in stored.pending_decisions(
        session, now=now, states=[State.REQUESTED.value], kind=AlertKind.DECISION_OVERDUE.value
    ):
        yield Finding(
            AlertKind.DECISION_OVERDUE,
            SubjectKind.INSPECTION,
            row.id,
            row.uscc,
            row.decision_due_time,
            department_code=row.lead_department,
            inspection_id=row.id,
            facts={
                "due": _time(row.decision_due_time),
                "requested": _time(row.request_time),
                "pending": True,
            },
        )
    since = now - dt.timedelta(days=rules.lookback_days)
    for row in stored.late_decisions(
        session,
        since=since,
        kinds=[AlertKind.DECISION_OVERDUE.value, AlertKind.ACKNOWLEDGEMENT_OVERDUE.value],
    ):
        kind = AlertKind.DECISION_OVERDUE if row.stage == "APPROVAL" else AlertKind.ACKNOWLEDGEMENT_OVERDUE
        yield Finding(
            kind,
            SubjectKind.INSPECTION,
            row.subject_id,
            row.uscc,
            row.due_time or row.decide_time,
            department_code=row.lead_department,
            inspection_id=row.subject_id,
            facts={
                "due": _time(row.due_time),
                "decided": _time(row.decide_time),
                "office": row.office,
                "pending": False,
            },
        )


def overdue_filings(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    """An emergency inspection not filed within its filing limit (or filed after it)."""
    since = now - dt.timedelta(days=rules.lookback_days)
    for row in stored.filings_due(session, now=now, since=since, kind=AlertKind.FILING_OVERDUE.value):
        yield Finding(
            AlertKind.FILING_OVERDUE,
            SubjectKind.INSPECTION,
            row.id,
            row.uscc,
            row.filing_due_time,
            department_code=row.lead_department,
            inspection_id=row.id,
            facts={
                "due": _time(row.filing_due_time),
                "started": _time(row.request_time),
                "filed": _time(row.file_time),
                "pending": row.file_time is None,
            },
        )


def overdue_acknowledgements(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    """A filing both offices have not acknowledged within its working days."""
    for row in stored.awaiting_acknowledgement(
        session, state=State.FILED_PENDING.value, kind=AlertKind.ACKNOWLEDGEMENT_OVERDUE.value
    ):
        due = rules.calendar.due_after_working_days(row.file_time, rules.decision_due_working_days)
        if due >= now:
            continue
        yield Finding(
            AlertKind.ACKNOWLEDGEMENT_OVERDUE,
            SubjectKind.INSPECTION,
            row.id,
            row.uscc,
            due,
            department_code=row.lead_department,
            inspection_id=row.id,
            facts={"due": _time(due), "filed": _time(row.file_time), "pending": True},
        )


def overdue_publications(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    """A result not published within 20 working days (一公开), or published after them."""
    since = now - dt.timedelta(days=rules.lookback_days)
    for row in stored.publications_due(
        session, now=now, since=since, unpublished=UNPUBLISHED, kind=AlertKind.PUBLICATION_OVERDUE.value
    ):
        yield Finding(
            AlertKind.PUBLICATION_OVERDUE,
            SubjectKind.INSPECTION,
            row.id,
            row.uscc,
            row.publication_due_time,
            department_code=row.lead_department,
            inspection_id=row.id,
            facts={
                "due": _time(row.publication_due_time),
                "recorded": _time(row.complete_time),
                "published": _time(row.publish_time),
                "pending": row.publish_time is None,
            },
        )


def overdue_refund_steps(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    """A refund whose current step (verify, approve, pay) is past its due date; once per step."""
    today = rules.calendar.today(now)
    for row in stored.refunds_due(
        session, today=today, steps=REFUND_STEP, kind=AlertKind.REFUND_STEP_OVERDUE.value
    ):
        step = REFUND_STEP[row.state]
        due = dt.datetime.combine(
            row.step_due_date + dt.timedelta(days=1), dt.time(), tzinfo=rules.calendar.zone
        )
        yield Finding(
            AlertKind.REFUND_STEP_OVERDUE,
            SubjectKind.REFUND,
            row.id,
            row.uscc,
            due.astimezone(dt.UTC),
            period=step,
            department_code=row.department_code,
            inspection_id=row.inspection_id,
            facts={"step": step, "due_date": row.step_due_date.isoformat(), "amount_fen": row.amount_fen},
        )


# --- attempted -----------------------------------------------------------------------------------


def refused_attempts(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    """Every refused call the card kept (``ATTEMPT_REFUSED``): a fee call is an attempted unlisted
    fee, any other an attempted activity without (or outside) approval."""
    since = now - dt.timedelta(days=rules.lookback_days)
    for row in stored.recent_entries(
        session,
        kind=cards.EntryKind.ATTEMPT_REFUSED.value,
        since=since,
        alert_kinds=[AlertKind.UNLISTED_FEE_ATTEMPTED.value, AlertKind.UNAPPROVED_ACTIVITY_ATTEMPTED.value],
    ):
        payload = json.loads(row.payload_json)
        method = str(payload.get("method", ""))
        kind = (
            AlertKind.UNLISTED_FEE_ATTEMPTED
            if "/inspection.v1.FeeService/" in method
            else AlertKind.UNAPPROVED_ACTIVITY_ATTEMPTED
        )
        yield Finding(
            kind,
            SubjectKind.CARD_ENTRY,
            f"{row.uscc}#{row.seq}",
            row.uscc,
            row.time,
            department_code=row.department_code or "",
            inspection_id=row.inspection_id or "",
            facts={
                "card_seq": row.seq,
                "method": method.rsplit("/", 1)[-1],
                "reason": payload.get("reason", ""),
                "message": payload.get("message", ""),
                "facts": payload.get("facts", {}),
            },
        )


# --- burden --------------------------------------------------------------------------------------


def _periods(
    rules: OversightRules, now: dt.datetime
) -> Iterator[tuple[AlertKind, str, dt.date, dt.date, int]]:
    """The day, ISO week and month of today and of the one before: (kind, label, start, end, limit)."""
    today = rules.calendar.today(now)
    for day in (today - dt.timedelta(days=1), today):
        yield (
            AlertKind.VISITS_PER_DAY_EXCEEDED,
            day.isoformat(),
            day,
            day + dt.timedelta(days=1),
            rules.visits_per_day,
        )
    monday = today - dt.timedelta(days=today.weekday())
    for start in (monday - dt.timedelta(days=7), monday):
        year, week, _ = start.isocalendar()
        yield (
            AlertKind.VISITS_PER_WEEK_EXCEEDED,
            f"{year}-W{week:02d}",
            start,
            start + dt.timedelta(days=7),
            rules.visits_per_week,
        )
    first = today.replace(day=1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    for start, end in ((previous, first), (first, (first + dt.timedelta(days=32)).replace(day=1))):
        yield AlertKind.VISITS_PER_MONTH_EXCEEDED, f"{start:%Y-%m}", start, end, rules.visits_per_month


def frequent_visits(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    """More visits of one enterprise in a day, a week or a month than the thresholds allow, across
    departments; a joint check is one visit (进一次门). The alert counts in its period, once."""
    for kind, label, start, end, limit in _periods(rules, now):
        for row in stored.frequent_visits(
            session, start=start, end=end, visited=VISITED, more_than=limit, kind=kind.value, period=label
        ):
            visits = stored.visits_of(session, row.uscc, start=start, end=end, visited=VISITED)
            yield Finding(
                kind,
                SubjectKind.ENTERPRISE,
                row.uscc,
                row.uscc,
                dt.datetime.combine(row.last_visit, dt.time(), tzinfo=rules.calendar.zone).astimezone(dt.UTC),
                period=label,
                facts={
                    "visits": row.visits,
                    "threshold": limit,
                    "inspections": [
                        {"id": v.id, "department": v.lead_department, "date": v.visit_date.isoformat()}
                        for v in visits
                    ],
                },
            )


def yearly_caps(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    """A department that reached its yearly cap of routine inspections of one enterprise."""
    year = rules.calendar.year(now)
    for row in stored.at_yearly_cap(
        session,
        start=dt.date(year, 1, 1),
        end=dt.date(year + 1, 1, 1),
        not_counted=[s.value for s in NOT_COUNTED],
        cap=rules.max_routine_per_department_year,
        kind=AlertKind.YEARLY_CAP_REACHED.value,
        period=str(year),
    ):
        yield Finding(
            AlertKind.YEARLY_CAP_REACHED,
            SubjectKind.DEPARTMENT,
            row.lead_department,
            row.uscc,
            row.last,
            period=str(year),
            department_code=row.lead_department,
            facts={"routine": row.routine, "cap": rules.max_routine_per_department_year, "year": year},
        )


# --- patterns ------------------------------------------------------------------------------------


def repeated_no_findings(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    """One inspector with ``no_findings_per_year`` results of no issues at one enterprise in a year."""
    year = rules.calendar.year(now)
    start = dt.datetime(year, 1, 1, tzinfo=rules.calendar.zone)
    end = dt.datetime(year + 1, 1, 1, tzinfo=rules.calendar.zone)
    for row in stored.repeated_no_findings(
        session,
        start=start,
        end=end,
        at_least=rules.no_findings_per_year,
        kind=AlertKind.REPEATED_NO_FINDINGS.value,
        period=str(year),
    ):
        yield Finding(
            AlertKind.REPEATED_NO_FINDINGS,
            SubjectKind.INSPECTOR,
            row.inspector_id,
            row.uscc,
            row.last,
            period=str(year),
            department_code=row.department_code,
            facts={
                "inspections": stored.no_findings_inspections(
                    session, row.inspector_id, row.uscc, start=start, end=end
                ),
                "threshold": rules.no_findings_per_year,
            },
        )


def low_ratings(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    since = now - dt.timedelta(days=rules.lookback_days)
    for row in stored.low_ratings(
        session, since=since, at_most=rules.low_rating_at_most, kind=AlertKind.LOW_RATING.value
    ):
        yield Finding(
            AlertKind.LOW_RATING,
            SubjectKind.INSPECTION,
            row.inspection_id,
            row.uscc,
            row.rate_time,
            department_code=row.lead_department,
            inspection_id=row.inspection_id,
            facts={"score": row.score, "at_most": rules.low_rating_at_most},
        )


def complaints(session: Session, rules: OversightRules, now: dt.datetime) -> Iterator[Finding]:
    since = now - dt.timedelta(days=rules.lookback_days)
    for row in stored.complaints(session, since=since, kind=AlertKind.COMPLAINT_FILED.value):
        yield Finding(
            AlertKind.COMPLAINT_FILED,
            SubjectKind.COMPLAINT,
            row.id,
            row.uscc,
            row.file_time,
            department_code=row.lead_department or "",
            inspection_id=row.inspection_id or "",
            facts={"complaint_id": row.id},
        )


DETECTORS: tuple[Detector, ...] = (
    overdue_decisions,
    overdue_filings,
    overdue_acknowledgements,
    overdue_publications,
    overdue_refund_steps,
    refused_attempts,
    frequent_visits,
    yearly_caps,
    repeated_no_findings,
    low_ratings,
    complaints,
)


def find_causes(session: Session, rules: OversightRules, now: dt.datetime) -> list[Finding]:
    """Every finding of every detector, one per key (the first wins). Each detector's query already
    leaves out the causes that have an alert, and raising checks the key again under the lock."""
    found: dict[str, Finding] = {}
    for detector in DETECTORS:
        for finding in detector(session, rules, now):
            found.setdefault(finding.key, finding)
    return list(found.values())


# --- integrity: the card audit ---------------------------------------------------------------------

#: The inspection columns a card entry's payload states, compared by the audit.
RESULT_FIELDS = ("outcome", "findings", "handling", "penalty_fen")
#: Entries that record a result: their payload holds the fields above.
RESULT_KINDS = frozenset(
    {cards.EntryKind.INSPECTION_RESULT_RECORDED.value, cards.EntryKind.ACCEPTANCE_RECORDED.value}
)


@dataclass(frozen=True)
class Derived:
    """What an enterprise's card says of one inspection."""

    state: str = ""
    result: dict[str, Any] | None = None
    published: bool = False


def derive_from_card(entries: Iterable[Any]) -> dict[str, Derived]:
    """Each inspection's state (the state its latest lifecycle entry led to), its latest recorded
    result and whether it was published — from the card alone."""
    derived: dict[str, Derived] = {}
    for entry in entries:
        payload = json.loads(entry.payload_json)
        if not isinstance(payload, dict):
            continue
        was = derived.get(entry.inspection_id, Derived())
        state = payload.get("state", was.state) if isinstance(payload.get("state"), str) else was.state
        result = was.result
        if entry.kind in RESULT_KINDS:
            result = {name: payload.get(name) for name in RESULT_FIELDS if name in payload}
        published = was.published or entry.kind == cards.EntryKind.INSPECTION_PUBLISHED.value
        derived[entry.inspection_id] = Derived(state, result, published)
    return derived


def audit_enterprise(session: Session, uscc: str, now: dt.datetime) -> list[Finding]:
    """The integrity findings of one enterprise: a card that does not verify, and inspections whose
    stored state or result differs from what the card says (an ``UPDATE`` behind the service's back)."""
    findings: list[Finding] = []
    verification = cards.verify_card(session, uscc)
    if not verification.valid:
        findings.append(
            Finding(
                AlertKind.CARD_BROKEN,
                SubjectKind.CARD,
                uscc,
                uscc,
                now,
                period=str(verification.first_bad_seq),
                facts={"first_bad_seq": verification.first_bad_seq, "problem": verification.problem},
            )
        )
    derived = derive_from_card(stored.lifecycle_entries(session, uscc))
    for inspection in stored.inspections_of(session, uscc):
        said = derived.get(inspection.id)
        if said is None or not said.state:
            continue  # recorded before entries carried their state: nothing to compare with
        differences: dict[str, Any] = {}
        if said.state != inspection.state:
            differences["state"] = {"card": said.state, "stored": inspection.state}
        if said.result is not None:
            for name, value in said.result.items():
                stored_value = getattr(inspection, name)
                if value != stored_value:
                    differences[name] = {"card": value, "stored": stored_value}
        if said.published != (inspection.publish_time is not None):
            differences["published"] = {"card": said.published, "stored": inspection.publish_time is not None}
        if differences:
            digest = cards.canonical_json(differences)
            findings.append(
                Finding(
                    AlertKind.STATE_DIVERGES_FROM_CARD,
                    SubjectKind.INSPECTION,
                    inspection.id,
                    uscc,
                    now,
                    period=_short_digest(digest),
                    department_code=inspection.lead_department,
                    inspection_id=inspection.id,
                    facts={"differences": differences},
                )
            )
    return findings


def _short_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def next_audit_round(
    session: Session, rules: OversightRules, *, now: dt.datetime, limit: int | None = None
) -> list[str]:
    """The next enterprises of the shared audit round, moving the cursor past them (wrapping to the
    start after the last); in one transaction, so two replicas take different enterprises."""
    size = rules.audit_cards_per_sweep if limit is None else limit
    if size <= 0:
        return []
    cursor = stored.lock_cursor(session, AUDIT_CURSOR)
    batch = stored.enterprises_after(session, cursor.value, limit=size)
    if len(batch) < size and cursor.value:
        batch += [u for u in stored.enterprises_after(session, "", limit=size - len(batch)) if u not in batch]
    if batch:
        stored.move_cursor(session, AUDIT_CURSOR, batch[-1], at=now)
    return batch
