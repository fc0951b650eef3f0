"""Draw plans (抽查计划, DESIGN §6): requested by a lead department, approved by both offices,
frozen — the pool and every parameter published — before the named entropy exists, executed once
with that entropy, and then changed only in the open: an inspector replaced by the next of the
enterprise's ranking, an enterprise removed, or the whole draw redrawn under a new approval, each
with its reason.

```
REQUESTED ──both offices approve──▶ APPROVED ──freeze──▶ FROZEN ──entropy──▶ EXECUTED
    │ either rejects ▶ REJECTED
```

Every change locks the plan's row first, so two calls on one plan are judged one after the other.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from inspection.auth import Principal
from inspection.config import Settings
from inspection.domain import approval, paging
from inspection.domain import card as cards
from inspection.domain.approval import Stage, Standing, Subject, SubjectKind, Verdict
from inspection.domain.calendar import Calendar
from inspection.domain.card import LockedCard
from inspection.domain.draws import algorithm
from inspection.domain.inspections.common import apply, check_items, department_of, new_id
from inspection.domain.inspections.decision import code_digest, new_inspection_code
from inspection.domain.inspections.lifecycle import Event, step
from inspection.domain.inspections.model import NOT_COUNTED, Inspection, Kind, Origin, State
from inspection.domain.registry import is_certified
from inspection.domain.text import check_identifier, check_text
from inspection.errors import Attempt, FailedPrecondition, NotFound, PermissionDenied, Violations
from inspection.reasons import Reason
from inspection.storage import draws as stored
from inspection.storage import inspections as stored_inspections
from inspection.storage import registry as stored_registry
from inspection.storage.draw_models import DrawAssignment, DrawPlan, DrawSelection

#: Inspections that take an inspector's time in a window (the load limit counts them).
BUSY = (State.REQUESTED.value, State.APPROVED.value, State.IN_PROGRESS.value)
MAX_FIXED_COUNT = 100_000
MAX_ENTROPY = 1000
#: An industry or district as the directory spells it (codes or names: 食品制造, 北山街道).
MAX_FILTER_TEXT = 64


class PlanState(enum.StrEnum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    FROZEN = "FROZEN"
    EXECUTED = "EXECUTED"


@dataclass(frozen=True)
class DrawRules:
    """The configurable rules of a draw, read once from settings; a freeze publishes them."""

    calendar: Calendar
    decision_due_working_days: int = 2
    min_inspectors: int = 2
    yearly_cap: int = 2
    lookback_days: int = 180
    load_limit: int = 10
    max_window_days: int = 92

    @classmethod
    def from_settings(cls, settings: Settings) -> DrawRules:
        return cls(
            calendar=Calendar.from_settings(settings),
            decision_due_working_days=settings.decision_due_working_days,
            min_inspectors=settings.min_inspectors,
            yearly_cap=settings.max_routine_per_department_year,
            lookback_days=settings.draw_lookback_days,
            load_limit=settings.draw_inspector_load_limit,
            max_window_days=settings.draw_max_window_days,
        )


@dataclass(frozen=True)
class PlanRequest:
    title: str
    department_codes: tuple[str, ...]
    item_codes: tuple[str, ...]
    industries: tuple[str, ...]
    districts: tuple[str, ...]
    credit_classes: tuple[str, ...]
    above_designated_size: bool | None
    ratios_bp: Mapping[str, int]
    fixed_count: int
    inspectors_per_enterprise: int
    window_start: dt.date | None
    window_end: dt.date | None
    legal_basis: str
    entropy_source: str
    entropy_time: dt.datetime | None


@dataclass
class DrawnView:
    selection: DrawSelection
    enterprise_name: str
    #: Each inspector drawn or put in, with their name, in the order they came.
    inspectors: list[tuple[DrawAssignment, str]] = field(default_factory=list)


@dataclass
class PlanView:
    plan: DrawPlan
    approvals: list[approval.OfficeDecision]
    redrawn_by: str = ""
    drawn: list[DrawnView] = field(default_factory=list)

    @property
    def departments(self) -> list[str]:
        return list(json.loads(self.plan.departments_json))

    @property
    def strata(self) -> list[dict[str, Any]]:
        if not self.plan.parameters_json:
            return []
        return list(json.loads(self.plan.parameters_json)["strata"])


# --- requesting and deciding ---------------------------------------------------------------------


def _check_request(request: PlanRequest, rules: DrawRules, violations: Violations, now: dt.datetime) -> None:
    check_text(violations, "title", request.title, required=True)
    check_text(violations, "legal_basis", request.legal_basis, required=True)
    check_text(violations, "entropy_source", request.entropy_source, required=True)
    for index, code in enumerate(request.department_codes):
        check_identifier(violations, f"department_codes[{index}]", code)
    if not request.item_codes:
        violations.add("item_codes", "must name at least one checklist item")
    for index, code in enumerate(request.item_codes):
        check_identifier(violations, f"item_codes[{index}]", code)
    for index, text in enumerate(request.industries):
        check_text(violations, f"filter.industries[{index}]", text, required=True, max_length=MAX_FILTER_TEXT)
    for index, text in enumerate(request.districts):
        check_text(violations, f"filter.districts[{index}]", text, required=True, max_length=MAX_FILTER_TEXT)
    if request.fixed_count < 0 or request.fixed_count > MAX_FIXED_COUNT:
        violations.add("fixed_count", f"must be between 0 and {MAX_FIXED_COUNT}")
    if request.fixed_count and request.ratios_bp:
        violations.add("ratios", "a plan draws either a fixed count or by ratios, not both")
    for cls, bp in request.ratios_bp.items():
        if not 0 <= bp <= 10000:
            violations.add("ratios", f"the ratio of class {cls} must be 0 to 10000 basis points")
    if request.inspectors_per_enterprise < rules.min_inspectors:
        violations.add(
            "inspectors_per_enterprise", f"at least {rules.min_inspectors} inspectors inspect each enterprise"
        )
    if request.window_start is None:
        violations.add("window_start", "is required")
    if request.window_end is None:
        violations.add("window_end", "is required")
    if request.window_start and request.window_end:
        if request.window_end < request.window_start:
            violations.add("window_end", "must not be before window_start")
        elif (request.window_end - request.window_start).days + 1 > rules.max_window_days:
            violations.add("window_end", f"a plan's window spans at most {rules.max_window_days} days")
    _check_entropy_time(violations, "entropy_time", request.entropy_time, now)


def _check_entropy_time(
    violations: Violations, path: str, value: dt.datetime | None, now: dt.datetime
) -> None:
    if value is None:
        violations.add(path, "is required: when the named source publishes its value")
    elif value <= now:
        violations.add(path, "must be in the future: the entropy may not exist when the plan is made")


def create_plan(
    session: Session,
    rules: DrawRules,
    request: PlanRequest,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> PlanView:
    """A department asks both offices to approve a draw plan → REQUESTED."""
    _check_request(request, rules, violations, now)
    violations.raise_if_any()
    assert request.window_start and request.window_end and request.entropy_time
    lead = department_of(actor)
    departments = sorted({lead, *request.department_codes})
    known = stored_registry.department_codes(session)
    for code in departments:
        if code not in known:
            raise NotFound("department", code)
    by_department: dict[str, list[str]] = {code: [] for code in departments}
    found = stored_inspections.checklist_items(session, request.item_codes)
    for code in request.item_codes:
        item = found.get(code)
        if item is None:
            raise NotFound("checklist item", code)
        if item.department_code not in by_department:
            raise FailedPrecondition(
                Reason.ITEM_NOT_OF_DEPARTMENT,
                f"checklist item {code!r} belongs to {item.department_code}, which is not in the plan",
                {"item_code": code},
            )
        check_items(session, item.department_code, [code])  # published
        by_department[item.department_code].append(code)
    without = [code for code, items in by_department.items() if not items]
    if without:
        violations.add(
            "item_codes", f"every department of the plan inspects at least one item; {without[0]} has none"
        )
        violations.raise_if_any()
    today = rules.calendar.today(now)
    if request.window_start < today:
        raise FailedPrecondition(
            Reason.WINDOW_IN_PAST, f"the window opens on {request.window_start}, before today ({today})"
        )
    ratios = (
        {}
        if request.fixed_count
        else {cls: int(request.ratios_bp.get(cls, bp)) for cls, bp in algorithm.DEFAULT_RATIOS_BP.items()}
    )
    plan = DrawPlan(
        id=new_id("D", rules.calendar, now),
        title=request.title,
        lead_department=lead,
        departments_json=json.dumps(departments),
        item_codes_json=json.dumps(list(request.item_codes)),
        filter_json=json.dumps(
            {
                "industries": sorted(request.industries),
                "districts": sorted(request.districts),
                "credit_classes": sorted(request.credit_classes),
                "above_designated_size": request.above_designated_size,
            },
            sort_keys=True,
        ),
        ratios_json=json.dumps(ratios, sort_keys=True) if ratios else "",
        fixed_count=request.fixed_count or None,
        inspectors_per_enterprise=request.inspectors_per_enterprise,
        window_start=request.window_start,
        window_end=request.window_end,
        legal_basis=request.legal_basis,
        entropy_source=request.entropy_source,
        entropy_time=request.entropy_time,
        state=PlanState.REQUESTED.value,
        requested_by=actor.sub,
        request_time=now,
        decision_due_time=rules.calendar.due_after_working_days(now, rules.decision_due_working_days),
    )
    stored.add_plan(session, plan)
    return PlanView(plan=plan, approvals=[])


def _locked(session: Session, plan_id: str) -> DrawPlan:
    plan = stored.plan(session, plan_id, lock=True)
    if plan is None:
        raise NotFound("draw plan", plan_id)
    return plan


def _require_lead(plan: DrawPlan, actor: Principal) -> None:
    if department_of(actor) != plan.lead_department:
        raise PermissionDenied("this is another department's draw plan", reason=Reason.NOT_YOUR_PLAN)


def decide_plan(
    session: Session,
    plan_id: str,
    decision: str,
    comment: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> PlanView:
    """One office approves or rejects; both approve → APPROVED, either rejects → REJECTED."""
    check_identifier(violations, "plan_id", plan_id)
    approval.check_verdict(violations, Stage.APPROVAL, decision, comment)
    check_text(violations, "comment", comment, required=False)
    violations.raise_if_any()
    approval.office_of(actor)
    plan = _locked(session, plan_id)
    if plan.state != PlanState.REQUESTED:
        raise FailedPrecondition(
            Reason.PLAN_NOT_PENDING,
            f"the draw plan is {plan.state}: it is not waiting for the offices",
            {"state": plan.state},
        )
    decided = approval.decide(
        session,
        Subject(SubjectKind.DRAW_PLAN, plan.id),
        Stage.APPROVAL,
        actor=actor,
        verdict=Verdict(decision),
        comment=comment,
        due_time=plan.decision_due_time,
        now=now,
    )
    if decided.standing is Standing.COMPLETE:
        _change(session, plan, state=PlanState.APPROVED.value, decide_time=now)
    elif decided.standing is Standing.REJECTED:
        _change(session, plan, state=PlanState.REJECTED.value, decide_time=now)
    return PlanView(plan=plan, approvals=list(decided.decisions))


def _change(session: Session, plan: DrawPlan, **values: Any) -> None:
    stored.update_plan(session, plan.id, values)
    for name, value in values.items():
        setattr(plan, name, value)


# --- freezing: commit before entropy -------------------------------------------------------------


def freeze_plan(
    session: Session, rules: DrawRules, plan_id: str, *, actor: Principal, now: dt.datetime
) -> PlanView:
    """Computes the candidate pool and the parameters, and publishes both digests → FROZEN.

    Refused once the named entropy is public (it would no longer be a commitment), for a plan both
    offices have not approved, for an empty pool, and when the departments' eligible inspectors
    cannot cover the enterprises the plan draws.
    """
    violations = Violations()
    check_identifier(violations, "plan_id", plan_id)
    violations.raise_if_any()
    plan = _locked(session, plan_id)
    _require_lead(plan, actor)
    if plan.state in (PlanState.FROZEN, PlanState.EXECUTED):
        raise FailedPrecondition(Reason.PLAN_ALREADY_FROZEN, f"the draw plan is already {plan.state}")
    if plan.state != PlanState.APPROVED:
        raise FailedPrecondition(
            Reason.PLAN_NOT_APPROVED,
            f"the draw plan is {plan.state}: both offices approve it first",
            {"state": plan.state},
        )
    if now >= plan.entropy_time:
        raise FailedPrecondition(
            Reason.ENTROPY_ALREADY_PUBLIC,
            f"the named entropy ({plan.entropy_source}) is public since "
            f"{cards.format_time(plan.entropy_time)}: "
            "a pool frozen now would not be committed before it; request a redraw with a new source",
            {"entropy_time": cards.format_time(plan.entropy_time)},
        )
    pool, parameters = _inputs(session, rules, plan)
    if not pool:
        raise FailedPrecondition(
            Reason.EMPTY_POOL, "no enterprise is left in the pool after the filter and exclusions"
        )
    _check_capacity(parameters)
    pool_bytes = algorithm.pool_file(pool)
    parameters_json = algorithm.canonical_json(parameters).decode()
    stored.store_pool(session, plan.id, pool_bytes)
    _change(
        session,
        plan,
        state=PlanState.FROZEN.value,
        freeze_time=now,
        frozen_by=actor.sub,
        pool_digest=algorithm.digest(pool_bytes),
        pool_size=len(pool),
        parameters_json=parameters_json,
        parameters_digest=algorithm.digest(parameters_json.encode()),
    )
    return plan_view(session, plan)


def _inputs(
    session: Session, rules: DrawRules, plan: DrawPlan
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """The pool (``USCC, class``) and the parameters document of a plan, as of now."""
    departments = json.loads(plan.departments_json)
    wanted = json.loads(plan.filter_json)
    year = plan.window_start.year
    lookback_from = plan.window_start - dt.timedelta(days=rules.lookback_days)
    population = stored.population(
        session,
        industries=wanted["industries"],
        districts=wanted["districts"],
        credit_classes=wanted["credit_classes"],
        above_designated_size=wanted["above_designated_size"],
    )
    capped = stored.at_yearly_cap(
        session,
        departments=departments,
        year_start=dt.date(year, 1, 1),
        year_end=dt.date(year + 1, 1, 1),
        cap=rules.yearly_cap,
        not_counted=[s.value for s in NOT_COUNTED],
        not_of_plan=plan.redraw_of,
    )
    recent = stored.inspected_since(
        session, departments=departments, since=lookback_from, not_of_plan=plan.redraw_of
    )
    excluded = capped | recent
    pool = [(uscc, cls) for uscc, cls in population if uscc not in excluded] if excluded else population
    people = [p for p in stored.roster(session, departments) if is_certified(p, plan.window_end)]
    load = stored.loads(session, departments, start=plan.window_start, end=plan.window_end, states=BUSY)
    pairs = stored.recusals(session, [p.id for p in people])
    in_pool = {uscc for uscc, _ in pool} if pairs else set()
    recusals = sorted([i, u] for i, u in pairs if u in in_pool)
    items = json.loads(plan.item_codes_json)
    found = stored_inspections.checklist_items(session, items)
    strata = _strata(pool, plan)
    parameters: dict[str, Any] = {
        "v": algorithm.VERSION,
        "plan_id": plan.id,
        "title": plan.title,
        "departments": [
            {
                "code": code,
                "items": [c for c in items if found[c].department_code == code],
                "inspectors": [
                    {"id": p.id, "load": load.get(p.id, 0)} for p in people if p.department_code == code
                ],
            }
            for code in departments
        ],
        "filter": wanted,
        "ratios_bp": json.loads(plan.ratios_json) if plan.ratios_json else {},
        "fixed_count": plan.fixed_count or 0,
        "strata": strata,
        "inspectors_per_enterprise": plan.inspectors_per_enterprise,
        "load_limit": rules.load_limit,
        "recusals": recusals,
        "window": [plan.window_start.isoformat(), plan.window_end.isoformat()],
        "exclusions": {
            "white_listed": True,
            "yearly_cap": rules.yearly_cap,
            "lookback_days": rules.lookback_days,
            "excluded": len(population) - len(pool),
        },
        "entropy_source": plan.entropy_source,
        "entropy_time": cards.format_time(plan.entropy_time),
        "redraw_of": plan.redraw_of or "",
    }
    return pool, parameters


def _strata(pool: Sequence[tuple[str, str]], plan: DrawPlan) -> list[dict[str, Any]]:
    if plan.fixed_count:
        return [{"name": algorithm.ALL, "size": len(pool), "drawn": min(plan.fixed_count, len(pool))}]
    ratios = json.loads(plan.ratios_json)
    sizes = {cls: 0 for cls in algorithm.CREDIT_CLASSES}
    for _, cls in pool:
        sizes[cls] = sizes.get(cls, 0) + 1
    return [
        {"name": cls, "size": n, "drawn": algorithm.stratum_size(n, int(ratios.get(cls, 0)))}
        for cls, n in sorted(sizes.items())
    ]


def _check_capacity(parameters: Mapping[str, Any]) -> None:
    """Each department's eligible inspectors can take every enterprise the plan draws."""
    wanted = sum(s["drawn"] for s in parameters["strata"]) * parameters["inspectors_per_enterprise"]
    limit = parameters["load_limit"]
    for department in parameters["departments"]:
        room = sum(max(0, limit - p["load"]) for p in department["inspectors"])
        free = sum(1 for p in department["inspectors"] if p["load"] < limit)
        if room < wanted or free < parameters["inspectors_per_enterprise"]:
            raise FailedPrecondition(
                Reason.INSUFFICIENT_INSPECTORS,
                f"{department['code']}'s certified inspectors have room for {room} assignments in the window "
                f"(load limit {limit}); the plan needs {wanted}",
                {"department_code": department["code"], "room": str(room), "needed": str(wanted)},
            )


# --- executing -----------------------------------------------------------------------------------


def execute_draw(
    session: Session,
    rules: DrawRules,
    plan_id: str,
    entropy: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> PlanView:
    """An office supplies the named entropy: the draw runs once, and each drawn enterprise gets its
    inspection, approved under the plan's approval, and an entry on its card → EXECUTED. A redraw
    first cancels the inspections of the draw it replaces."""
    check_identifier(violations, "plan_id", plan_id)
    check_text(violations, "entropy", entropy, required=True, max_length=MAX_ENTROPY)
    violations.raise_if_any()
    approval.office_of(actor)
    plan = _locked(session, plan_id)
    if plan.state == PlanState.EXECUTED:
        raise FailedPrecondition(
            Reason.ALREADY_EXECUTED,
            "the draw has been executed; only a redraw approved by both offices draws again",
        )
    if plan.state != PlanState.FROZEN:
        raise FailedPrecondition(
            Reason.PLAN_NOT_FROZEN,
            f"the draw plan is {plan.state}: its pool and parameters are published first",
            {"state": plan.state},
        )
    if now < plan.entropy_time:
        raise FailedPrecondition(
            Reason.ENTROPY_NOT_YET_PUBLIC,
            f"the named entropy ({plan.entropy_source}) is published at "
            f"{cards.format_time(plan.entropy_time)}",
            {"entropy_time": cards.format_time(plan.entropy_time)},
        )
    pool_bytes = stored.pool_file(session, plan.id)
    assert pool_bytes is not None
    parameters = json.loads(plan.parameters_json)
    result = algorithm.draw(
        algorithm.read_pool(pool_bytes), parameters, entropy, pool_digest=plan.pool_digest
    )
    deciders = sorted(
        f"{d.office.value}:{d.principal}"
        for d in approval.decisions_by_subject(session, SubjectKind.DRAW_PLAN, [plan.id])[plan.id][
            Stage.APPROVAL
        ]
    )
    drawn = result["drawn"]
    superseded = _superseded(session, plan)
    locks = cards.lock_cards(session, [d["uscc"] for d in drawn] + list(superseded))
    for uscc, superseded_id in sorted(superseded.items()):
        _cancel(
            session,
            locks[uscc],
            superseded_id,
            f"redrawn under {plan.id}: {plan.redraw_reason}",
            actor,
            now,
            plan_id=plan.redraw_of or "",
        )
    common = {
        "plan_id": plan.id,
        "title": plan.title,
        "pool_digest": plan.pool_digest,
        "parameters_digest": plan.parameters_digest,
        "entropy": entropy,
        "seed": result["seed"],
    }
    made = _Made(plan, {d["code"]: d["items"] for d in parameters["departments"]}, deciders)
    for position, one in enumerate(drawn, start=1):
        facts = {**common, "position": position, "stratum": one["stratum"], "key": one["key"]}
        made.add(rules, locks[one["uscc"]], position, one, facts, now=now)
    stored_inspections.add_many(
        session,
        made.inspections,
        participants=made.participants,
        items=made.items,
        inspectors=made.inspectors,
    )
    cards.append_entries(session, made.entries, actor=actor, at=now)
    selections, assignments = made.selections, made.assignments
    stored.add_selections(session, selections)
    stored.add_assignments(session, assignments)
    _change(
        session,
        plan,
        state=PlanState.EXECUTED.value,
        entropy=entropy,
        seed=result["seed"],
        result_digest=algorithm.digest(algorithm.canonical_json(result)),
        execute_time=now,
        executed_by=actor.sub,
    )
    return plan_view(session, plan, with_drawn=True)


class _Made:
    """Everything an execution writes, gathered to be written a statement per table: the drawn
    inspections (each entering the lifecycle table by its DRAW event, approved under the plan) with
    their departments, items and inspectors, the card entries, the selections and assignments."""

    def __init__(self, plan: DrawPlan, items: Mapping[str, list[str]], deciders: list[str]) -> None:
        self.plan, self.items_of, self.deciders = plan, items, deciders
        self.inspections: list[Inspection] = []
        self.participants: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.inspectors: list[dict[str, Any]] = []
        self.entries: list[cards.Append] = []
        self.selections: list[dict[str, Any]] = []
        self.assignments: list[dict[str, Any]] = []

    def add(
        self,
        rules: DrawRules,
        card: LockedCard,
        position: int,
        one: Mapping[str, Any],
        facts: Mapping[str, Any],
        *,
        now: dt.datetime,
    ) -> None:
        plan = self.plan
        inspection_id = None
        if one["short_of"]:
            self.entries.append(
                cards.Append(
                    card,
                    cards.EntryKind.DRAWN_FOR_INSPECTION,
                    {**facts, "short_of": one["short_of"], "inspectors": {}},
                    department_code=plan.lead_department,
                )
            )
        else:
            inspection_id = self._inspection(rules, card, one, facts, now=now)
        self.selections.append(
            {
                "plan_id": plan.id,
                "uscc": one["uscc"],
                "position": position,
                "stratum": one["stratum"],
                "draw_key": one["key"],
                "inspection_id": inspection_id,
                "short_of_json": json.dumps(one["short_of"]),
                "removed_reason": "",
                "removed_by": "",
            }
        )
        self.assignments += [
            {
                "plan_id": plan.id,
                "uscc": one["uscc"],
                "inspector_id": inspector_id,
                "department_code": code,
                "replaces": None,
                "released_reason": "",
            }
            for code, ids in one["inspectors"].items()
            for inspector_id in ids
        ]

    def _inspection(
        self,
        rules: DrawRules,
        card: LockedCard,
        one: Mapping[str, Any],
        facts: Mapping[str, Any],
        *,
        now: dt.datetime,
    ) -> str:
        plan = self.plan
        departments = sorted(one["inspectors"])
        origin = (Origin.JOINT_CHECK if len(departments) > 1 else Origin.DRAW).value
        transition = step(Kind.ROUTINE.value, None, Event.DRAW, origin)
        code = new_inspection_code()
        inspection = Inspection(
            id=new_id("I", rules.calendar, now),
            uscc=one["uscc"],
            lead_department=plan.lead_department,
            kind=Kind.ROUTINE.value,
            origin=origin,
            state=transition.target.value,
            window_start=plan.window_start,
            window_end=plan.window_end,
            legal_basis=plan.legal_basis,
            reason=f"drawn at random under plan {plan.id} (双随机): {plan.title}",
            requested_by=plan.requested_by,
            request_time=now,
            decide_time=now,
            code=code,
            draw_plan_id=plan.id,
        )
        self.inspections.append(inspection)
        for department in departments:
            self.participants.append(
                {
                    "inspection_id": inspection.id,
                    "department_code": department,
                    "confirmed": True,
                    "required": False,
                }
            )
            self.items += [
                {"inspection_id": inspection.id, "item_code": c, "department_code": department}
                for c in self.items_of[department]
            ]
            self.inspectors += [
                {
                    "inspection_id": inspection.id,
                    "inspector_id": i,
                    "department_code": department,
                    "present": False,
                }
                for i in one["inspectors"][department]
            ]
        self.entries.append(
            cards.Append(
                card,
                transition.entry,
                {
                    **facts,
                    "inspectors": one["inspectors"],
                    "departments": departments,
                    "items": [c for d in departments for c in self.items_of[d]],
                    "window": [plan.window_start.isoformat(), plan.window_end.isoformat()],
                    "approved_by": self.deciders,
                    "code_digest": code_digest(code),
                    "state": transition.target.value,
                },
                department_code=plan.lead_department,
                inspection_id=inspection.id,
            )
        )
        return inspection.id


def _superseded(session: Session, plan: DrawPlan) -> dict[str, str]:
    """For a redraw: the not-yet-started inspections of the draw it replaces, by USCC."""
    if not plan.redraw_of:
        return {}
    found = {}
    for selection in stored.selections(session, plan.redraw_of):
        if selection.inspection_id and not selection.removed_reason:
            found[selection.uscc] = selection.inspection_id
    return found


def _cancel(
    session: Session,
    card: LockedCard,
    inspection_id: str,
    reason: str,
    actor: Principal,
    now: dt.datetime,
    *,
    plan_id: str,
) -> None:
    inspection = stored_inspections.get_fresh(session, inspection_id)
    if inspection.state != State.APPROVED:
        return  # cancelled already (removed from the draw), or expired
    apply(
        session,
        card,
        inspection,
        Event.CANCEL,
        actor=actor,
        now=now,
        payload={"reason": reason, "draw_plan_id": plan_id},
        changes={"cancel_reason": reason},
    )


# --- after the draw: in the open, with reasons ---------------------------------------------------


def _executed(session: Session, plan_id: str, violations: Violations) -> DrawPlan:
    check_identifier(violations, "plan_id", plan_id)
    violations.raise_if_any()
    plan = _locked(session, plan_id)
    if plan.state != PlanState.EXECUTED:
        raise FailedPrecondition(
            Reason.PLAN_NOT_EXECUTED, f"the draw plan is {plan.state}: it has not been drawn"
        )
    return plan


def _drawn(session: Session, plan: DrawPlan, uscc: str) -> DrawSelection:
    selection = stored.selection(session, plan.id, uscc)
    if selection is None:
        raise FailedPrecondition(Reason.NOT_DRAWN, f"{uscc} was not drawn under {plan.id}", {"uscc": uscc})
    if selection.removed_reason:
        raise FailedPrecondition(
            Reason.ALREADY_REMOVED, f"{uscc} was removed from the draw: {selection.removed_reason}"
        )
    return selection


def replace_inspector(
    session: Session,
    rules: DrawRules,
    plan_id: str,
    uscc: str,
    inspector_id: str,
    reason: str,
    replacement: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> DrawnView:
    """A drawn inspector who cannot inspect (unavailable, recused) is replaced by the next eligible
    inspector of the enterprise's ranking for that department; the ones passed over are recorded
    with why. A caller naming anyone else is refused, and the attempt is kept."""
    check_identifier(violations, "uscc", uscc)
    check_identifier(violations, "inspector_id", inspector_id)
    check_identifier(violations, "replacement_inspector_id", replacement, required=False)
    check_text(violations, "reason", reason, required=True)
    plan = _executed(session, plan_id, violations)
    _require_lead(plan, actor)
    selection = _drawn(session, plan, uscc)
    if selection.inspection_id is None:
        raise FailedPrecondition(
            Reason.NOT_DRAWN, f"{uscc} has no drawn inspection (too few inspectors)", {"uscc": uscc}
        )
    card = cards.lock_card(session, uscc)
    inspection = stored_inspections.get_fresh(session, selection.inspection_id)
    if inspection.state != State.APPROVED:
        raise FailedPrecondition(
            Reason.DRAW_STARTED,
            f"the drawn inspection is {inspection.state}: its inspectors are as they were",
            {"state": inspection.state},
        )
    everyone = stored.assignments(session, plan.id, uscc)
    current = next((a for a in everyone if a.inspector_id == inspector_id and not a.released_reason), None)
    if current is None:
        raise FailedPrecondition(
            Reason.INSPECTOR_NOT_DRAWN,
            f"{inspector_id} is not drawn for {uscc}",
            {"inspector_id": inspector_id},
        )
    department = current.department_code
    parameters = json.loads(plan.parameters_json)
    roster = next(d for d in parameters["departments"] if d["code"] == department)["inspectors"]
    ranking = algorithm.rank_inspectors(bytes.fromhex(plan.seed), uscc, [p["id"] for p in roster])
    chosen, passed = _next_in_ranking(
        session, rules, plan, uscc, department, ranking, {a.inspector_id for a in everyone}
    )
    if chosen is None:
        raise FailedPrecondition(
            Reason.NO_REPLACEMENT,
            f"no eligible inspector of {department} is left in {uscc}'s ranking",
            {"department_code": department},
        )
    if replacement and replacement != chosen:
        raise FailedPrecondition(
            Reason.REPLACEMENT_OUT_OF_ORDER,
            f"the next eligible inspector of {uscc}'s ranking is {chosen}, not {replacement}",
            {"next": chosen},
            attempt=Attempt(
                uscc=uscc,
                inspection_id=inspection.id,
                department_code=department,
                facts={"plan_id": plan.id, "replaces": inspector_id, "named": replacement, "next": chosen},
            ),
        )
    stored.release(session, plan.id, uscc, inspector_id, reason=reason, at=now)
    stored.add_assignments(
        session,
        [
            {
                "plan_id": plan.id,
                "uscc": uscc,
                "inspector_id": chosen,
                "department_code": department,
                "replaces": inspector_id,
                "released_reason": "",
            }
        ],
    )
    stored_inspections.swap_inspector(
        session, inspection.id, old=inspector_id, new=chosen, department_code=department
    )
    cards.append_entry(
        session,
        card,
        kind=cards.EntryKind.DRAWN_INSPECTOR_REPLACED,
        actor=actor,
        at=now,
        payload={
            "plan_id": plan.id,
            "replaced": inspector_id,
            "replacement": chosen,
            "reason": reason,
            "passed_over": passed,
            "rank": ranking.index(chosen) + 1,
        },
        department_code=department,
        inspection_id=inspection.id,
    )
    return _drawn_view(session, plan.id, stored.selection(session, plan.id, uscc))  # type: ignore[arg-type]


def _next_in_ranking(
    session: Session,
    rules: DrawRules,
    plan: DrawPlan,
    uscc: str,
    department: str,
    ranking: Sequence[str],
    ever_assigned: set[str],
) -> tuple[str | None, list[dict[str, str]]]:
    """The first inspector of ``ranking`` never assigned to this enterprise under the plan and
    eligible now (certified through the window, not recused, under the load limit), and each one
    passed over on the way with why."""
    candidates = [i for i in ranking if i not in ever_assigned]
    found = stored_inspections.inspectors(session, candidates, uscc=uscc)
    load = stored.loads(session, [department], start=plan.window_start, end=plan.window_end, states=BUSY)
    passed: list[dict[str, str]] = []
    for inspector_id in candidates:
        person, recused = found[inspector_id]
        if not is_certified(person, plan.window_end):
            why = "not certified through the window"
        elif recused:
            why = "recused (回避)"
        elif load.get(inspector_id, 0) >= rules.load_limit:
            why = "at the load limit"
        else:
            return inspector_id, passed
        passed.append({"inspector_id": inspector_id, "why": why})
    return None, passed


def remove_enterprise(
    session: Session,
    plan_id: str,
    uscc: str,
    reason: str,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> DrawnView:
    """A drawn enterprise leaves the draw with a recorded reason; its inspection is cancelled (an
    inspection already started cannot be: NOT_CANCELLABLE)."""
    check_identifier(violations, "uscc", uscc)
    check_text(violations, "reason", reason, required=True)
    plan = _executed(session, plan_id, violations)
    _require_lead(plan, actor)
    selection = _drawn(session, plan, uscc)
    card = cards.lock_card(session, uscc)
    if selection.inspection_id:
        inspection = stored_inspections.get_fresh(session, selection.inspection_id)
        text = f"removed from draw {plan.id}: {reason}"
        apply(
            session,
            card,
            inspection,
            Event.CANCEL,
            actor=actor,
            now=now,
            payload={"reason": text, "draw_plan_id": plan.id},
            changes={"cancel_reason": text},
        )
    stored.update_selection(
        session, plan.id, uscc, {"removed_reason": reason, "removed_by": actor.sub, "remove_time": now}
    )
    return _drawn_view(session, plan.id, stored.selection(session, plan.id, uscc))  # type: ignore[arg-type]


def request_redraw(
    session: Session,
    rules: DrawRules,
    plan_id: str,
    reason: str,
    entropy_source: str,
    entropy_time: dt.datetime | None,
    violations: Violations,
    *,
    actor: Principal,
    now: dt.datetime,
) -> PlanView:
    """The only way to draw again: a new plan with the same parameters, a new entropy source and a
    stated reason, for both offices to approve; once executed it cancels the first draw's
    inspections. A draw whose inspections have started is not redrawn."""
    check_text(violations, "reason", reason, required=True)
    check_text(violations, "entropy_source", entropy_source, required=True)
    _check_entropy_time(violations, "entropy_time", entropy_time, now)
    first = _executed(session, plan_id, violations)
    assert entropy_time is not None
    _require_lead(first, actor)
    if stored.redraw_of(session, [first.id]):
        raise FailedPrecondition(Reason.ALREADY_REDRAWN, f"a redraw of {first.id} is already requested")
    for selection in stored.selections(session, first.id):
        if selection.inspection_id and not selection.removed_reason:
            state = stored_inspections.get_fresh(session, selection.inspection_id).state
            if state not in (State.APPROVED, State.CANCELLED):
                raise FailedPrecondition(
                    Reason.DRAW_STARTED,
                    f"the drawn inspection of {selection.uscc} is {state}: a started draw is not redrawn",
                    {"uscc": selection.uscc},
                )
    plan = DrawPlan(
        **{
            name: getattr(first, name)
            for name in (
                "title",
                "lead_department",
                "departments_json",
                "item_codes_json",
                "filter_json",
                "ratios_json",
                "fixed_count",
                "inspectors_per_enterprise",
                "window_start",
                "window_end",
                "legal_basis",
            )
        },
        id=new_id("D", rules.calendar, now),
        entropy_source=entropy_source,
        entropy_time=entropy_time,
        state=PlanState.REQUESTED.value,
        requested_by=actor.sub,
        request_time=now,
        decision_due_time=rules.calendar.due_after_working_days(now, rules.decision_due_working_days),
        redraw_of=first.id,
        redraw_reason=reason,
    )
    stored.add_plan(session, plan)
    return PlanView(plan=plan, approvals=[])


# --- verifying -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    verified: bool
    pool_digest: str
    parameters_digest: str
    seed: str
    result_digest: str
    differences: list[str]


def verify_draw(session: Session, plan_id: str, violations: Violations) -> Verification:
    """Re-runs the draw from the stored pool file, parameters and entropy, and compares the digests
    and every drawn enterprise and inspector with what was stored at execution."""
    check_identifier(violations, "plan_id", plan_id)
    violations.raise_if_any()
    plan = stored.plan(session, plan_id)
    if plan is None:
        raise NotFound("draw plan", plan_id)
    if plan.state != PlanState.EXECUTED:
        raise FailedPrecondition(
            Reason.PLAN_NOT_EXECUTED, f"the draw plan is {plan.state}: it has not been drawn"
        )
    pool_bytes = stored.pool_file(session, plan.id) or b""
    result = algorithm.draw(algorithm.read_pool(pool_bytes), json.loads(plan.parameters_json), plan.entropy)
    differences = []
    if result["pool_digest"] != plan.pool_digest:
        differences.append(
            f"the pool file hashes to {result['pool_digest']}, not the published {plan.pool_digest}"
        )
    if result["parameters_digest"] != plan.parameters_digest:
        differences.append("the parameters hash to another digest than the published one")
    digest = algorithm.digest(algorithm.canonical_json(result))
    if digest != plan.result_digest:
        differences.append("the re-run's result document differs from the one executed")
    stored_drawn = {s.uscc: s for s in stored.selections(session, plan.id)}
    drawn_at_execution: dict[tuple[str, str], set[str]] = {}
    for a in stored.assignments(session, plan.id):
        if a.replaces is None:
            drawn_at_execution.setdefault((a.uscc, a.department_code), set()).add(a.inspector_id)
    rerun = {d["uscc"]: (position, d) for position, d in enumerate(result["drawn"], start=1)}
    for uscc in sorted(set(stored_drawn) ^ set(rerun)):
        differences.append(
            f"{uscc} is drawn in {'the stored result' if uscc in stored_drawn else 'the re-run'} only"
        )
    for uscc in sorted(set(stored_drawn) & set(rerun)):
        position, one = rerun[uscc]
        kept = stored_drawn[uscc]
        if (kept.position, kept.draw_key, kept.stratum) != (position, one["key"], one["stratum"]):
            differences.append(f"{uscc}: stored position, key or stratum differs from the re-run")
        for code, ids in one["inspectors"].items():
            if drawn_at_execution.get((uscc, code), set()) != set(ids):
                differences.append(
                    f"{uscc}: the inspectors of {code} drawn at execution differ from the re-run"
                )
    return Verification(
        verified=not differences,
        pool_digest=result["pool_digest"],
        parameters_digest=result["parameters_digest"],
        seed=result["seed"],
        result_digest=digest,
        differences=differences,
    )


# --- reading -------------------------------------------------------------------------------------


def plan_view(session: Session, plan: DrawPlan, *, with_drawn: bool = False) -> PlanView:
    return plan_views(session, [plan], with_drawn=with_drawn)[0]


def plan_views(session: Session, plans: Sequence[DrawPlan], *, with_drawn: bool = False) -> list[PlanView]:
    ids = [p.id for p in plans]
    decisions = approval.decisions_by_subject(session, SubjectKind.DRAW_PLAN, ids)
    redraws = stored.redraw_of(session, ids)
    views = [
        PlanView(plan=p, approvals=decisions[p.id][Stage.APPROVAL], redrawn_by=redraws.get(p.id, ""))
        for p in plans
    ]
    if with_drawn:
        for view in views:
            view.drawn = _drawn_views(session, view.plan.id, stored.selections(session, view.plan.id))
    return views


def _drawn_view(session: Session, plan_id: str, selection: DrawSelection) -> DrawnView:
    return _drawn_views(session, plan_id, [selection])[0]


def _drawn_views(session: Session, plan_id: str, selections: Sequence[DrawSelection]) -> list[DrawnView]:
    wanted = {s.uscc for s in selections}
    by_uscc: dict[str, list[DrawAssignment]] = {}
    for a in stored.assignments(session, plan_id, next(iter(wanted)) if len(wanted) == 1 else None):
        if a.uscc in wanted:
            by_uscc.setdefault(a.uscc, []).append(a)
    enterprises, people = stored.names(
        session, sorted(wanted), sorted({a.inspector_id for found in by_uscc.values() for a in found})
    )
    return [
        DrawnView(
            selection=s,
            enterprise_name=enterprises.get(s.uscc, ""),
            inspectors=[
                (a, people.get(a.inspector_id, ""))
                for a in sorted(
                    by_uscc.get(s.uscc, []),
                    key=lambda a: (a.department_code, a.replaces is not None, a.inspector_id),
                )
            ],
        )
        for s in selections
    ]


def get_plan(session: Session, plan_id: str, violations: Violations) -> PlanView:
    check_identifier(violations, "plan_id", plan_id)
    violations.raise_if_any()
    plan = stored.plan(session, plan_id)
    if plan is None:
        raise NotFound("draw plan", plan_id)
    return plan_view(session, plan, with_drawn=True)


def published_inputs(session: Session, plan_id: str, violations: Violations) -> tuple[DrawPlan, bytes]:
    """A frozen or executed plan and its pool file, as published."""
    check_identifier(violations, "plan_id", plan_id)
    violations.raise_if_any()
    plan = stored.plan(session, plan_id)
    if plan is None:
        raise NotFound("draw plan", plan_id)
    if plan.state not in (PlanState.FROZEN, PlanState.EXECUTED):
        raise FailedPrecondition(
            Reason.PLAN_NOT_FROZEN, f"the draw plan is {plan.state}: nothing is published yet"
        )
    return plan, stored.pool_file(session, plan.id) or b""


def list_plans(
    session: Session, *, department_code: str, state: str, size: int, token: str
) -> tuple[list[PlanView], str]:
    """The public feed of plans (一公开), newest first."""
    plans, next_token = paging.keyset_page(
        lambda after, limit: stored.page_of_plans(
            session, department_code=department_code, state=state, before_id=after, limit=limit
        ),
        lambda plan: plan.id,
        query={"department_code": department_code, "state": state},
        size=size,
        token=token,
        key_type=str,
    )
    return plan_views(session, plans), next_token
