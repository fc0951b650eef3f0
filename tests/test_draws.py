"""Random double selection (双随机, DESIGN §6) through the real server: plans approved by both
offices, the pool and parameters published before the entropy exists, one execution, and every
later change in the open."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import pytest

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.domain.draws import algorithm
from inspection.storage.db import Database
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import draw_service_pb2 as pb
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import registry_service_pb2 as reg
from tests.draw_support import (
    AFTER_ENTROPY,
    ENTROPY_TIME,
    PLANNED,
    District,
    approve_plan,
    executed_plan,
    frozen_plan,
    make_district,
    plan_request,
    pool_of,
    stamp,
)
from tests.inspection_support import (
    LEGAL,
    SUPERVISION,
    attempts_since,
    head,
    kinds,
    local,
    request_for,
    token,
)
from tests.support import day, expect_error, field_violations, footprint, rpc_error

FP = grpc.StatusCode.FAILED_PRECONDITION
ROOT = Path(__file__).resolve().parent.parent
VERIFIER = ROOT / "clients" / "cli" / "verify_draw.py"


@pytest.fixture(scope="module")
def admin() -> list[tuple[str, str]]:
    """An admin token that outlives the clock's jumps in these tests."""
    return token(Role.ADMIN, sub="admin-1")


def _entries(cards: Any, uscc: str) -> list[card_pb.CardEntry]:
    return list(
        cards.ListCardEntries(
            card_pb.ListCardEntriesRequest(uscc=uscc, page_size=200), metadata=LEGAL
        ).entries
    )


# --- the whole way ---------------------------------------------------------------------------------


def test_a_plan_is_approved_frozen_before_its_entropy_and_drawn_once_for_everyone_to_see(
    registry: Any, admin: Any, draws: Any, cards: Any, inspections: Any, clock: SettableClock
) -> None:
    district = make_district(registry, admin, "AAAABBBBBCCCCCDD", white_listed=1)
    lead = district.departments[0]
    clock.set(PLANNED)
    plan = draws.CreateDrawPlan(plan_request(district), metadata=lead.md)
    assert plan.state == pb.DRAW_PLAN_STATE_REQUESTED
    assert {(r.credit_class, r.ratio_bp) for r in plan.ratios} == {(1, 500), (2, 2000), (3, 6000), (4, 10000)}
    first = draws.DecideDrawPlan(
        pb.DecideDrawPlanRequest(plan_id=plan.id, decision=insp_pb.DECISION_APPROVE, comment="同意"),
        metadata=LEGAL,
    )
    assert first.state == pb.DRAW_PLAN_STATE_REQUESTED
    second = draws.DecideDrawPlan(
        pb.DecideDrawPlanRequest(plan_id=plan.id, decision=insp_pb.DECISION_APPROVE, comment="同意"),
        metadata=SUPERVISION,
    )
    assert second.state == pb.DRAW_PLAN_STATE_APPROVED and len(second.approvals) == 2
    frozen = draws.FreezeDrawPlan(pb.FreezeDrawPlanRequest(plan_id=plan.id), metadata=lead.md)
    assert frozen.state == pb.DRAW_PLAN_STATE_FROZEN and not frozen.seed and not frozen.entropy

    # The pool (white-listed left out) and the parameters are public, and hash to their digests.
    pool = pool_of(draws, plan.id)
    assert pool == "".join(f"{u},{c}\n" for u, c in sorted(district.enterprises.items())).encode()
    assert hashlib.sha256(pool).hexdigest() == frozen.pool_digest and frozen.pool_size == 15
    published = draws.GetDrawParameters(pb.GetDrawParametersRequest(plan_id=plan.id))
    assert hashlib.sha256(published.parameters_json.encode()).hexdigest() == frozen.parameters_digest
    parameters = json.loads(published.parameters_json)
    assert parameters["load_limit"] == 10 and parameters["inspectors_per_enterprise"] == 2
    assert [p["id"] for p in parameters["departments"][0]["inspectors"]] == sorted(lead.inspectors)
    # Ratio × stratum rounded up: A 3×5 % → 1, B 5×20 % → 1, C 5×60 % → 3, D 2×100 % → 2.
    assert [(s.name, s.size, s.drawn) for s in frozen.strata] == [
        ("A", 3, 1),
        ("B", 5, 1),
        ("C", 5, 3),
        ("D", 2, 2),
    ]

    clock.set(AFTER_ENTROPY)
    executed = draws.ExecuteDraw(
        pb.ExecuteDrawRequest(plan_id=plan.id, entropy="3 7 1"), metadata=SUPERVISION
    )
    assert executed.state == pb.DRAW_PLAN_STATE_EXECUTED and executed.entropy == "3 7 1"
    expected = algorithm.draw(algorithm.read_pool(pool), parameters, "3 7 1")
    assert executed.seed == expected["seed"]
    assert [(d.uscc, d.stratum, d.key) for d in executed.drawn] == [
        (d["uscc"], d["stratum"], d["key"]) for d in expected["drawn"]
    ]
    assert [d.position for d in executed.drawn] == list(range(1, 8))
    for drawn, wanted in zip(executed.drawn, expected["drawn"], strict=True):
        assert [i.inspector_id for i in drawn.inspectors] == sorted(wanted["inspectors"][lead.code])
        inspection = inspections.GetInspection(
            insp_pb.GetInspectionRequest(inspection_id=drawn.inspection_id), metadata=LEGAL
        )
        assert inspection.state == insp_pb.INSPECTION_STATE_APPROVED
        assert inspection.origin == insp_pb.INSPECTION_ORIGIN_DRAW and inspection.draw_plan_id == plan.id
        assert inspection.inspection_code
        assert [a.principal for a in inspection.approvals] == ["legal-reviewer-1", "supervision-auditor-1"]
        assert {i.id for p in inspection.participants for i in p.inspectors} == set(
            wanted["inspectors"][lead.code]
        )
        entry = _entries(cards, drawn.uscc)[-1]
        assert entry.kind == card_pb.CARD_ENTRY_KIND_DRAWN_FOR_INSPECTION
        assert entry.inspection_id == drawn.inspection_id
        payload = json.loads(entry.payload_json)
        assert (payload["plan_id"], payload["seed"], payload["pool_digest"], payload["key"]) == (
            plan.id,
            executed.seed,
            frozen.pool_digest,
            drawn.key,
        )
        assert payload["approved_by"] == [
            "legal_office:legal-reviewer-1",
            "supervision:supervision-auditor-1",
        ]
    undrawn = set(district.enterprises) - {d.uscc for d in executed.drawn}
    assert all(kinds(cards, u) == ["CARD_ISSUED"] for u in undrawn)

    # The public feed shows the plan, the digests, the entropy and the result, names masked.
    seen = draws.GetDrawPlan(pb.GetDrawPlanRequest(plan_id=plan.id))
    assert (seen.pool_digest, seen.parameters_digest, seen.entropy, seen.seed) == (
        frozen.pool_digest,
        frozen.parameters_digest,
        "3 7 1",
        executed.seed,
    )
    assert all(i.name.endswith("*") and "明" not in i.name for d in seen.drawn for i in d.inspectors)
    assert all(d.enterprise_name for d in seen.drawn)
    listed = draws.ListDrawPlans(pb.ListDrawPlansRequest(department_code=lead.code)).plans
    assert [p.id for p in listed] == [plan.id] and listed[0].drawn_count == 7 and not listed[0].drawn
    verified = draws.VerifyDraw(pb.VerifyDrawRequest(plan_id=plan.id))
    assert verified.verified and list(verified.differences) == []
    assert (verified.seed, verified.result_digest) == (executed.seed, executed.result_digest)


def test_an_independent_script_reproduces_the_draw_from_the_published_inputs_alone(
    registry: Any, admin: Any, draws: Any, clock: SettableClock, tmp_path: Path
) -> None:
    district = make_district(registry, admin, "ABCDABCDABCDCCDD", departments=2)
    executed = executed_plan(draws, district, clock, entropy="a3f9c2e1")
    (tmp_path / "pool.txt").write_bytes(pool_of(draws, executed.id))
    parameters = draws.GetDrawParameters(pb.GetDrawParametersRequest(plan_id=executed.id)).parameters_json
    (tmp_path / "parameters.json").write_bytes(parameters.encode())
    ran = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), "pool.txt", "parameters.json", executed.entropy],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(ran.stdout)
    assert hashlib.sha256(ran.stdout.strip().encode()).hexdigest() == executed.result_digest
    assert result["seed"] == executed.seed
    assert [(d["uscc"], d["key"]) for d in result["drawn"]] == [(d.uscc, d.key) for d in executed.drawn]
    for mine, theirs in zip(executed.drawn, result["drawn"], strict=True):
        by_department: dict[str, set[str]] = {}
        for person in mine.inspectors:
            by_department.setdefault(person.department_code, set()).add(person.inspector_id)
        assert by_department == {code: set(ids) for code, ids in theirs["inspectors"].items()}
    # The page that specifies the draw prints this very script.
    page = (ROOT / "docs" / "draws.md").read_text(encoding="utf-8")
    assert VERIFIER.read_text(encoding="utf-8") in page


def test_a_cross_department_plan_gives_each_enterprise_one_joint_check(
    registry: Any, admin: Any, draws: Any, inspections: Any, clock: SettableClock
) -> None:
    district = make_district(registry, admin, "CCCCDD", departments=2)
    executed = executed_plan(draws, district, clock)
    lead, other = district.departments
    assert list(executed.department_codes) == sorted([lead.code, other.code])
    assert len(executed.drawn) == 5  # C 4×60 % → 3, D 2
    for drawn in executed.drawn:
        check = inspections.GetInspection(
            insp_pb.GetInspectionRequest(inspection_id=drawn.inspection_id), metadata=LEGAL
        )
        assert check.origin == insp_pb.INSPECTION_ORIGIN_JOINT_CHECK and check.draw_plan_id == executed.id
        assert check.lead_department == lead.code
        assert {p.department_code: len(p.inspectors) for p in check.participants} == {
            lead.code: 2,
            other.code: 2,
        }
        assert all(p.confirmed for p in check.participants)
        assert sorted(i.department_code for i in drawn.inspectors) == sorted(
            [lead.code] * 2 + [other.code] * 2
        )


def test_a_fixed_count_draws_over_the_whole_pool(
    registry: Any, admin: Any, draws: Any, clock: SettableClock
) -> None:
    district = make_district(registry, admin, "AABBCCDD")
    executed = executed_plan(draws, district, clock, fixed_count=3)
    assert [(s.name, s.size, s.drawn) for s in executed.strata] == [("ALL", 8, 3)]
    assert {d.stratum for d in executed.drawn} == {"ALL"} and len(executed.drawn) == 3
    assert list(executed.ratios) == []


# --- the pool leaves out who must not be drawn -----------------------------------------------------


def test_the_pool_leaves_out_the_white_listed_the_capped_and_the_recently_inspected(
    registry: Any, admin: Any, draws: Any, inspections: Any, clock: SettableClock
) -> None:
    district = make_district(registry, admin, "DDDDD", white_listed=1)
    lead = district.departments[0]
    capped, recent, *rest = sorted(district.enterprises)
    clock.set(local(2026, 3, 2))
    # Two routine inspections by the plan's department this year: at the cap (2).
    for start, end in (("2026-03-23", "2026-03-27"), ("2026-09-07", "2026-09-11")):
        inspections.RequestInspection(request_for(lead, capped, start=start, end=end), metadata=lead.md)
    # Visited on 2026-03-12, within the look-back (180 days before the window).
    made = inspections.RequestInspection(
        request_for(lead, recent, start="2026-03-11", end="2026-03-13", kind=2), metadata=lead.md
    ).inspection
    for md in (LEGAL, SUPERVISION):
        inspections.DecideInspection(
            insp_pb.DecideInspectionRequest(
                inspection_id=made.id, decision=insp_pb.DECISION_APPROVE, comment="同"
            ),
            metadata=md,
        )
    code = inspections.GetInspection(insp_pb.GetInspectionRequest(inspection_id=made.id), metadata=LEGAL)
    clock.set(local(2026, 3, 12))
    inspections.CheckIn(
        insp_pb.CheckInRequest(inspection_code=code.inspection_code, inspector_ids=lead.inspectors[:2]),
        metadata=lead.md,
    )
    frozen = frozen_plan(draws, district, clock)
    assert pool_of(draws, frozen.id).decode().splitlines() == [f"{u},D" for u in rest]
    parameters = json.loads(
        draws.GetDrawParameters(pb.GetDrawParametersRequest(plan_id=frozen.id)).parameters_json
    )
    assert parameters["exclusions"] == {
        "white_listed": True,
        "yearly_cap": 2,
        "lookback_days": 180,
        "excluded": 2,
    }
    # The inspectors' load in the window is published with them: the two September... none overlap.
    assert {p["id"]: p["load"] for p in parameters["departments"][0]["inspectors"]} == {
        i: 0 for i in lead.inspectors
    }


def test_a_recused_inspector_is_never_drawn_for_that_enterprise(
    registry: Any, admin: Any, draws: Any, clock: SettableClock
) -> None:
    district = make_district(registry, admin, "DDDD")
    lead = district.departments[0]
    target = sorted(district.enterprises)[0]
    for inspector_id in lead.inspectors[:1]:
        registry.CreateRecusal(
            reg.CreateRecusalRequest(
                recusal=reg.Recusal(inspector_id=inspector_id, uscc=target, reason="亲属")
            ),
            metadata=admin,
        )
    executed = executed_plan(draws, district, clock)
    parameters = json.loads(
        draws.GetDrawParameters(pb.GetDrawParametersRequest(plan_id=executed.id)).parameters_json
    )
    assert parameters["recusals"] == [[lead.inspectors[0], target]]
    drawn = next(d for d in executed.drawn if d.uscc == target)
    assert sorted(i.inspector_id for i in drawn.inspectors) == sorted(lead.inspectors[1:])


# --- every rule, broken -------------------------------------------------------------------------------


def test_each_step_out_of_order_is_refused_with_its_reason_and_writes_nothing(
    registry: Any, admin: Any, draws: Any, clock: SettableClock, db: Database
) -> None:
    district = make_district(registry, admin, "ABCD")
    lead = district.departments[0]
    clock.set(PLANNED)
    plan = draws.CreateDrawPlan(plan_request(district), metadata=lead.md)
    freeze = pb.FreezeDrawPlanRequest(plan_id=plan.id)
    execute = pb.ExecuteDrawRequest(plan_id=plan.id, entropy="1 2 3")
    rows = footprint(db)
    expect_error(lambda: draws.FreezeDrawPlan(freeze, metadata=lead.md), FP, "PLAN_NOT_APPROVED")
    expect_error(lambda: draws.ExecuteDraw(execute, metadata=LEGAL), FP, "PLAN_NOT_FROZEN")
    expect_error(lambda: draws.VerifyDraw(pb.VerifyDrawRequest(plan_id=plan.id)), FP, "PLAN_NOT_EXECUTED")
    expect_error(
        lambda: draws.GetDrawPool(pb.GetDrawPoolRequest(plan_id=plan.id)).next(), FP, "PLAN_NOT_FROZEN"
    )
    decide = pb.DecideDrawPlanRequest(plan_id=plan.id, decision=insp_pb.DECISION_APPROVE, comment="同意")
    draws.DecideDrawPlan(decide, metadata=LEGAL)
    rows = footprint(db)
    expect_error(lambda: draws.DecideDrawPlan(decide, metadata=LEGAL), FP, "ALREADY_DECIDED")
    same = token(Role.SUPERVISION, sub="legal-reviewer-1")
    expect_error(lambda: draws.DecideDrawPlan(decide, metadata=same), FP, "SAME_PRINCIPAL")
    assert footprint(db) == rows
    draws.DecideDrawPlan(decide, metadata=SUPERVISION)
    expect_error(lambda: draws.DecideDrawPlan(decide, metadata=SUPERVISION), FP, "PLAN_NOT_PENDING")
    # Only the lead freezes; only an office supplies entropy.
    other = make_district(registry, admin, "").departments[0]
    rows = footprint(db)
    expect_error(
        lambda: draws.FreezeDrawPlan(freeze, metadata=other.md),
        grpc.StatusCode.PERMISSION_DENIED,
        "NOT_YOUR_PLAN",
    )
    expect_error(
        lambda: draws.ExecuteDraw(execute, metadata=lead.md),
        grpc.StatusCode.PERMISSION_DENIED,
        "ROLE_NOT_ALLOWED",
    )
    assert footprint(db) == rows
    # Commit before entropy: not frozen once the entropy is public …
    clock.set(ENTROPY_TIME)
    expect_error(lambda: draws.FreezeDrawPlan(freeze, metadata=lead.md), FP, "ENTROPY_ALREADY_PUBLIC")
    assert footprint(db) == rows
    clock.set(PLANNED)
    draws.FreezeDrawPlan(freeze, metadata=lead.md)
    rows = footprint(db)
    expect_error(lambda: draws.FreezeDrawPlan(freeze, metadata=lead.md), FP, "PLAN_ALREADY_FROZEN")
    # … and not executed before it is.
    expect_error(lambda: draws.ExecuteDraw(execute, metadata=LEGAL), FP, "ENTROPY_NOT_YET_PUBLIC")
    assert footprint(db) == rows
    clock.set(AFTER_ENTROPY)
    draws.ExecuteDraw(execute, metadata=LEGAL)
    rows = footprint(db)
    again = pb.ExecuteDrawRequest(plan_id=plan.id, entropy="9 9 9")
    expect_error(lambda: draws.ExecuteDraw(again, metadata=SUPERVISION), FP, "ALREADY_EXECUTED")
    assert footprint(db) == rows


def test_a_retried_execution_returns_the_first_draw(
    registry: Any, admin: Any, draws: Any, clock: SettableClock, db: Database
) -> None:
    district = make_district(registry, admin, "BCD")
    frozen = frozen_plan(draws, district, clock)
    clock.set(AFTER_ENTROPY)
    request = pb.ExecuteDrawRequest(request_id="exec-once", plan_id=frozen.id, entropy="5 5 5")
    first = draws.ExecuteDraw(request, metadata=LEGAL)
    rows = footprint(db)
    assert draws.ExecuteDraw(request, metadata=LEGAL) == first
    assert footprint(db) == rows


def test_a_plan_that_cannot_be_drawn_is_refused_at_freeze(
    registry: Any, admin: Any, draws: Any, clock: SettableClock, db: Database
) -> None:
    district = make_district(registry, admin, "DDDDDDDDDDDDDDDD")  # 16 × 2 inspectors > 3 × 10
    lead = district.departments[0]
    clock.set(PLANNED)
    plan = draws.CreateDrawPlan(plan_request(district), metadata=lead.md)
    approve_plan(draws, plan.id)
    rows = footprint(db)
    error = expect_error(
        lambda: draws.FreezeDrawPlan(pb.FreezeDrawPlanRequest(plan_id=plan.id), metadata=lead.md),
        FP,
        "INSUFFICIENT_INSPECTORS",
    )
    assert "room for 30" in error.details() and "needs 32" in error.details()  # type: ignore[attr-defined]
    empty = draws.CreateDrawPlan(
        plan_request(district, filter=pb.PopulationFilter(districts=["NOWHERE"])), metadata=lead.md
    )
    approve_plan(draws, empty.id)
    rows = footprint(db)
    expect_error(
        lambda: draws.FreezeDrawPlan(pb.FreezeDrawPlanRequest(plan_id=empty.id), metadata=lead.md),
        FP,
        "EMPTY_POOL",
    )
    assert footprint(db) == rows


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"inspectors_per_enterprise": 1}, "inspectors_per_enterprise"),
        ({"entropy_time": stamp(local(2026, 3, 1))}, "entropy_time"),
        ({"entropy_source": " "}, "entropy_source"),
        ({"title": ""}, "title"),
        ({"ratios": [pb.StratumRatio(credit_class=1, ratio_bp=10001)]}, "ratios"),
        ({"fixed_count": 5, "ratios": [pb.StratumRatio(credit_class=1, ratio_bp=100)]}, "ratios"),
        ({"window_end": day("2026-04-01")}, "window_end"),
        ({"window_end": day("2026-12-31")}, "window_end"),
        ({"item_codes": []}, "item_codes"),
        ({"fixed_count": -1}, "fixed_count"),
    ],
)
def test_a_malformed_plan_is_refused_field_by_field(
    overrides: dict[str, Any],
    field: str,
    registry: Any,
    admin: Any,
    draws: Any,
    clock: SettableClock,
    db: Database,
) -> None:
    district = _shared_district(registry, admin)
    clock.set(PLANNED)
    rows = footprint(db)
    error = rpc_error(
        lambda: draws.CreateDrawPlan(plan_request(district, **overrides), metadata=district.departments[0].md)
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    assert field in field_violations(error)
    assert footprint(db) == rows


_SHARED: dict[str, District] = {}


def _shared_district(registry: Any, admin: Any) -> District:
    key = str(id(registry))
    if key not in _SHARED:
        _SHARED[key] = make_district(registry, admin, "AB")
    return _SHARED[key]


def test_a_plan_names_only_items_of_its_departments(
    registry: Any, admin: Any, draws: Any, clock: SettableClock, db: Database
) -> None:
    district = make_district(registry, admin, "AB")
    stranger = make_district(registry, admin, "").departments[0]
    clock.set(PLANNED)
    rows = footprint(db)
    expect_error(
        lambda: draws.CreateDrawPlan(
            plan_request(district, item_codes=[district.departments[0].items[0], stranger.items[0]]),
            metadata=district.departments[0].md,
        ),
        FP,
        "ITEM_NOT_OF_DEPARTMENT",
    )
    expect_error(
        lambda: draws.CreateDrawPlan(
            plan_request(district, department_codes=["NO-SUCH"]), metadata=district.departments[0].md
        ),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )
    assert footprint(db) == rows


# --- after the draw: replaced, removed, redrawn — in the open -----------------------------------------


def test_a_drawn_inspector_is_replaced_only_by_the_next_of_the_ranking(
    registry: Any, admin: Any, draws: Any, cards: Any, inspections: Any, clock: SettableClock, db: Database
) -> None:
    district = make_district(registry, admin, "D")
    lead = district.departments[0]
    for n in range(3, 6):  # six certified inspectors, so the ranking has room
        registry.CreateInspector(
            reg.CreateInspectorRequest(
                inspector=reg.Inspector(
                    id=f"{lead.code}-I{n}",
                    department_code=lead.code,
                    name=f"李{n}华",
                    certificate_number=f"{lead.code}-{n:04d}",
                    certificate_expiry=day("2027-12-31"),
                    active=True,
                )
            ),
            metadata=admin,
        )
    executed = executed_plan(draws, district, clock)
    (drawn,) = executed.drawn
    ranking = algorithm.rank_inspectors(
        bytes.fromhex(executed.seed),
        drawn.uscc,
        [*lead.inspectors, *(f"{lead.code}-I{n}" for n in range(3, 6))],
    )
    assert sorted(i.inspector_id for i in drawn.inspectors) == sorted(ranking[:2])
    # The third of the ranking is recused meanwhile: the next is the fourth, and the third is passed over.
    registry.CreateRecusal(
        reg.CreateRecusalRequest(
            recusal=reg.Recusal(inspector_id=ranking[2], uscc=drawn.uscc, reason="曾任职")
        ),
        metadata=admin,
    )
    ask = pb.ReplaceDrawnInspectorRequest(
        plan_id=executed.id,
        uscc=drawn.uscc,
        inspector_id=ranking[0],
        reason="病假",
        replacement_inspector_id=ranking[5],
    )
    before, rows = head(cards, drawn.uscc), footprint(db)
    error = expect_error(
        lambda: draws.ReplaceDrawnInspector(ask, metadata=lead.md), FP, "REPLACEMENT_OUT_OF_ORDER"
    )
    assert ranking[3] in error.details()  # type: ignore[attr-defined]
    assert attempts_since(cards, drawn.uscc, before[0]) == ["REPLACEMENT_OUT_OF_ORDER"]
    assert footprint(db) == {**rows, "card_entry": rows["card_entry"] + 1}
    not_drawn = pb.ReplaceDrawnInspectorRequest(
        plan_id=executed.id, uscc=drawn.uscc, inspector_id=ranking[4], reason="病假"
    )
    rows = footprint(db)
    expect_error(lambda: draws.ReplaceDrawnInspector(not_drawn, metadata=lead.md), FP, "INSPECTOR_NOT_DRAWN")
    assert footprint(db) == rows

    ask.replacement_inspector_id = ""
    replaced = draws.ReplaceDrawnInspector(ask, metadata=lead.md)
    current = {i.inspector_id for i in replaced.inspectors if not i.released_reason}
    assert current == {ranking[1], ranking[3]}
    assert [(i.inspector_id, i.replaces) for i in replaced.inspectors if i.replaces] == [
        (ranking[3], ranking[0])
    ]
    assert [i.released_reason for i in replaced.inspectors if i.inspector_id == ranking[0]] == ["病假"]
    entry = _entries(cards, drawn.uscc)[-1]
    assert entry.kind == card_pb.CARD_ENTRY_KIND_DRAWN_INSPECTOR_REPLACED
    payload = json.loads(entry.payload_json)
    assert payload["passed_over"] == [{"inspector_id": ranking[2], "why": "recused (回避)"}]
    assert (payload["replaced"], payload["replacement"], payload["rank"]) == (ranking[0], ranking[3], 4)
    inspection = inspections.GetInspection(
        insp_pb.GetInspectionRequest(inspection_id=drawn.inspection_id), metadata=LEGAL
    )
    assert {i.id for p in inspection.participants for i in p.inspectors} == {ranking[1], ranking[3]}
    # The released inspector does not come back, and the draw still verifies.
    again = pb.ReplaceDrawnInspectorRequest(
        plan_id=executed.id, uscc=drawn.uscc, inspector_id=ranking[0], reason="x"
    )
    expect_error(lambda: draws.ReplaceDrawnInspector(again, metadata=lead.md), FP, "INSPECTOR_NOT_DRAWN")
    assert draws.VerifyDraw(pb.VerifyDrawRequest(plan_id=executed.id)).verified


def test_a_drawn_enterprise_is_removed_only_with_a_reason_and_once(
    registry: Any, admin: Any, draws: Any, inspections: Any, clock: SettableClock, db: Database
) -> None:
    district = make_district(registry, admin, "DD")
    lead = district.departments[0]
    executed = executed_plan(draws, district, clock)
    drawn = executed.drawn[0]
    rows = footprint(db)
    unknown = sorted(set(make_district(registry, admin, "A").enterprises))[0]
    rows = footprint(db)
    expect_error(
        lambda: draws.RemoveDrawnEnterprise(
            pb.RemoveDrawnEnterpriseRequest(plan_id=executed.id, uscc=unknown, reason="迁出"),
            metadata=lead.md,
        ),
        FP,
        "NOT_DRAWN",
    )
    error = rpc_error(
        lambda: draws.RemoveDrawnEnterprise(
            pb.RemoveDrawnEnterpriseRequest(plan_id=executed.id, uscc=drawn.uscc, reason=""), metadata=lead.md
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "reason" in field_violations(error)  # type: ignore[attr-defined]
    assert footprint(db) == rows
    removed = draws.RemoveDrawnEnterprise(
        pb.RemoveDrawnEnterpriseRequest(plan_id=executed.id, uscc=drawn.uscc, reason="企业已注销"),
        metadata=lead.md,
    )
    assert removed.removed_reason == "企业已注销"
    inspection = inspections.GetInspection(
        insp_pb.GetInspectionRequest(inspection_id=drawn.inspection_id), metadata=LEGAL
    )
    assert inspection.state == insp_pb.INSPECTION_STATE_CANCELLED and "企业已注销" in inspection.cancel_reason
    rows = footprint(db)
    expect_error(
        lambda: draws.RemoveDrawnEnterprise(
            pb.RemoveDrawnEnterpriseRequest(plan_id=executed.id, uscc=drawn.uscc, reason="again"),
            metadata=lead.md,
        ),
        FP,
        "ALREADY_REMOVED",
    )
    assert footprint(db) == rows
    seen = draws.GetDrawPlan(pb.GetDrawPlanRequest(plan_id=executed.id))
    assert [d.removed_reason for d in seen.drawn] == ["企业已注销", ""] or [
        d.removed_reason for d in seen.drawn
    ] == [
        "",
        "企业已注销",
    ]


def test_a_redraw_needs_both_offices_and_a_reason_and_stands_beside_the_first(
    registry: Any, admin: Any, draws: Any, inspections: Any, clock: SettableClock, db: Database
) -> None:
    district = make_district(registry, admin, "DDD")
    lead = district.departments[0]
    first = executed_plan(draws, district, clock)
    ask = pb.RequestRedrawRequest(
        plan_id=first.id,
        reason="开奖号码公布有误",
        entropy_source="福彩3D 2026-03-27 开奖号码",
        entropy_time=stamp(local(2026, 3, 27, 21)),
    )
    redraw = draws.RequestRedraw(ask, metadata=lead.md)
    assert redraw.state == pb.DRAW_PLAN_STATE_REQUESTED
    assert (redraw.redraw_of, redraw.redraw_reason) == (first.id, "开奖号码公布有误")
    rows = footprint(db)
    expect_error(lambda: draws.RequestRedraw(ask, metadata=lead.md), FP, "ALREADY_REDRAWN")
    assert footprint(db) == rows
    assert draws.GetDrawPlan(pb.GetDrawPlanRequest(plan_id=first.id)).redrawn_by == redraw.id
    # Not drawn again until both offices approve it; then frozen and executed like any plan.
    expect_error(
        lambda: draws.FreezeDrawPlan(pb.FreezeDrawPlanRequest(plan_id=redraw.id), metadata=lead.md),
        FP,
        "PLAN_NOT_APPROVED",
    )
    approve_plan(draws, redraw.id)
    draws.FreezeDrawPlan(pb.FreezeDrawPlanRequest(plan_id=redraw.id), metadata=lead.md)
    clock.set(local(2026, 3, 28, 9))
    second = draws.ExecuteDraw(pb.ExecuteDrawRequest(plan_id=redraw.id, entropy="0 4 8"), metadata=LEGAL)
    assert len(second.drawn) == 3  # the first draw's inspections do not count against the cap
    for drawn in first.drawn:
        old = inspections.GetInspection(
            insp_pb.GetInspectionRequest(inspection_id=drawn.inspection_id), metadata=LEGAL
        )
        assert old.state == insp_pb.INSPECTION_STATE_CANCELLED and redraw.id in old.cancel_reason
    for drawn in second.drawn:
        new = inspections.GetInspection(
            insp_pb.GetInspectionRequest(inspection_id=drawn.inspection_id), metadata=LEGAL
        )
        assert new.state == insp_pb.INSPECTION_STATE_APPROVED and new.draw_plan_id == redraw.id
    feed = [p.id for p in draws.ListDrawPlans(pb.ListDrawPlansRequest(department_code=lead.code)).plans]
    assert feed == [redraw.id, first.id]


def test_a_started_draw_is_not_redrawn(
    registry: Any, admin: Any, draws: Any, inspections: Any, clock: SettableClock, db: Database
) -> None:
    district = make_district(registry, admin, "D")
    lead = district.departments[0]
    first = executed_plan(draws, district, clock)
    (drawn,) = first.drawn
    code = inspections.GetInspection(
        insp_pb.GetInspectionRequest(inspection_id=drawn.inspection_id), metadata=LEGAL
    )
    clock.set(local(2026, 4, 14))
    inspections.CheckIn(
        insp_pb.CheckInRequest(
            inspection_code=code.inspection_code, inspector_ids=[i.inspector_id for i in drawn.inspectors]
        ),
        metadata=lead.md,
    )
    rows = footprint(db)
    ask = pb.RequestRedrawRequest(
        plan_id=first.id, reason="x", entropy_source="y", entropy_time=stamp(local(2026, 4, 20))
    )
    expect_error(lambda: draws.RequestRedraw(ask, metadata=lead.md), FP, "DRAW_STARTED")
    replace = pb.ReplaceDrawnInspectorRequest(
        plan_id=first.id, uscc=drawn.uscc, inspector_id=drawn.inspectors[0].inspector_id, reason="病假"
    )
    expect_error(lambda: draws.ReplaceDrawnInspector(replace, metadata=lead.md), FP, "DRAW_STARTED")
    assert footprint(db) == rows


# --- the command line -----------------------------------------------------------------------------------

_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")


def _printed(result: Any) -> str:
    """What a command printed, without the in-process server's log lines."""
    return "".join(line for line in result.stdout.splitlines(keepends=True) if not _LOG_LINE.match(line))


def test_onecard_draw_plans_freezes_executes_shows_and_verifies_at_home(
    registry: Any, admin: Any, draws: Any, clock: SettableClock, grpc_addr: str
) -> None:
    from typer.testing import CliRunner

    from clients.cli import app

    district = make_district(registry, admin, "ABCDD")
    lead = district.departments[0]

    def onecard(md: list[tuple[str, str]] | None, *args: str) -> Any:
        env = {"ONECARD_TARGET": grpc_addr, "ONECARD_TIMEZONE": "Asia/Shanghai", "ONECARD_TOKEN": ""}
        if md:
            env["ONECARD_TOKEN"] = md[0][1].removeprefix("Bearer ")
        return CliRunner().invoke(app, ["draw", *args], env=env)

    clock.set(PLANNED)
    made = onecard(
        lead.md, "plan", "--title", "第二季度抽查", "--item", lead.items[0], "--district", district.code,
        "--start", "2026-04-07", "--end", "2026-06-30", "--legal-basis", "《优化营商环境条例》",
        "--entropy-source", "福彩3D 2026-03-20", "--entropy-time", "2026-03-20T21:00+08:00",
        "--ratio", "A=100", "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    plan_id = json.loads(_printed(made))["id"]
    assert json.loads(_printed(made))["ratios"][0] == {"credit_class": "CREDIT_CLASS_A", "ratio_bp": 10000}
    for md in (LEGAL, SUPERVISION):
        assert onecard(md, "decide", plan_id, "--approve", "--comment", "同意").exit_code == 0
    frozen = onecard(lead.md, "freeze", plan_id)
    assert frozen.exit_code == 0 and "sha256" in frozen.stdout, frozen.output
    pool = onecard(None, "pool", plan_id)
    assert _printed(pool).encode() == pool_of(draws, plan_id)
    clock.set(AFTER_ENTROPY)
    executed = onecard(SUPERVISION, "execute", plan_id, "--entropy", "2 0 9")
    assert executed.exit_code == 0 and "Drawn (5)" in executed.stdout, executed.output
    shown = onecard(None, "show", plan_id)
    assert shown.exit_code == 0 and "张*" in shown.stdout and "张0明" not in shown.stdout, shown.output
    listed = onecard(None, "list", "--department", lead.code)
    assert plan_id in listed.stdout
    verified = onecard(None, "verify", plan_id)
    assert verified.exit_code == 0 and "reproduced" in verified.stdout, verified.output
    assert onecard(None, "verify", plan_id, "--on-server").exit_code == 0
    refused = onecard(LEGAL, "execute", plan_id, "--entropy", "again")
    assert refused.exit_code == 2 and "ALREADY_EXECUTED" in refused.output
