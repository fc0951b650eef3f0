"""Tables of random double selection (双随机): plans, their strata and what each drew."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.text import Text

from clients.facades import LocalVerification, date_text
from clients.render import _add, _fields, _list, _row, credit, label, when
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import draw_service_pb2 as draw_pb
from inspection.v1 import inspection_service_pb2 as insp_pb


def plan_state(value: int) -> str:
    return label(draw_pb.DrawPlanState, "DRAW_PLAN_STATE_", value)


def _window(plan: draw_pb.DrawPlan) -> str:
    return (
        f"{date_text(plan.window_start)} – {date_text(plan.window_end)}"
        if plan.HasField("window_start")
        else ""
    )


def plan(row: draw_pb.DrawPlan, zone: ZoneInfo) -> RenderableType:
    table = _fields(f"Draw plan {row.id}")
    _add(table, "state", Text(plan_state(row.state), style="bold"))
    _add(table, "title", row.title)
    _add(table, "departments", ", ".join(row.department_codes) + f" (lead {row.lead_department})")
    _add(table, "items", ", ".join(row.item_codes))
    wanted = [
        *(f"district {d}" for d in row.filter.districts),
        *(f"industry {i}" for i in row.filter.industries),
        *(f"class {credit(c)}" for c in row.filter.credit_classes),
    ]
    if row.filter.HasField("above_designated_size"):
        wanted.append(
            "above designated size" if row.filter.above_designated_size else "below designated size"
        )
    _add(table, "population", "; ".join(wanted) or "every enterprise")
    if row.fixed_count:
        _add(table, "draws", f"{row.fixed_count} over the whole pool")
    else:
        _add(
            table, "draws", ", ".join(f"{credit(r.credit_class)} {r.ratio_bp / 100:g} %" for r in row.ratios)
        )
    _add(table, "inspectors each", str(row.inspectors_per_enterprise))
    _add(table, "window", _window(row))
    _add(table, "legal basis", row.legal_basis)
    _add(table, "entropy source", f"{row.entropy_source} (public at {when(row.entropy_time, zone)})")
    _add(table, "requested", f"{row.requested_by}  {when(row.request_time, zone)}".strip())
    for d in row.approvals:
        verdict = label(insp_pb.Decision, "DECISION_", d.decision)
        office = label(common_pb.Office, "OFFICE_", d.office)
        _add(table, "decision", f"{office}: {verdict} {d.comment}  {when(d.decide_time, zone)}".strip())
    _add(table, "redraw of", f"{row.redraw_of}: {row.redraw_reason}" if row.redraw_of else "")
    _add(table, "redrawn by", row.redrawn_by)
    _add(table, "frozen", when(row.freeze_time, zone))
    _add(table, "pool", f"{row.pool_size} enterprises, sha256 {row.pool_digest}" if row.pool_digest else "")
    _add(table, "parameters", f"sha256 {row.parameters_digest}" if row.parameters_digest else "")
    _add(table, "strata", ", ".join(f"{s.name}: {s.drawn} of {s.size}" for s in row.strata))
    _add(table, "entropy", row.entropy)
    _add(table, "executed", when(row.execute_time, zone))
    _add(table, "seed", row.seed)
    _add(table, "result", f"sha256 {row.result_digest}" if row.result_digest else "")
    if not row.drawn:
        return table
    return Group(table, drawn(row.drawn, title=f"Drawn ({len(row.drawn)})"))


def drawn(rows: Iterable[draw_pb.DrawnEnterprise], *, title: str = "Drawn") -> RenderableType:
    table = _list(title, "#", "USCC", "enterprise", "stratum", "inspection", "inspectors", "note")
    for d in rows:
        people = ", ".join(
            f"{p.name or p.inspector_id} ({p.department_code})" for p in d.inspectors if not p.released_reason
        )
        notes = [f"removed: {d.removed_reason}"] if d.removed_reason else []
        notes += [
            f"{p.inspector_id} replaced: {p.released_reason}" for p in d.inspectors if p.released_reason
        ]
        notes += [f"too few inspectors in {c}" for c in d.short_of]
        _row(
            table,
            str(d.position),
            d.uscc,
            d.enterprise_name,
            d.stratum,
            d.inspection_id,
            people,
            "; ".join(notes),
        )
    return table


def plans(rows: Iterable[draw_pb.DrawPlan], *, title: str = "Draw plans") -> RenderableType:
    table = _list(title, "id", "title", "lead", "state", "window", "pool", "drawn", "entropy")
    for p in rows:
        _row(
            table,
            p.id,
            p.title,
            p.lead_department,
            plan_state(p.state),
            _window(p),
            str(p.pool_size) if p.pool_digest else "",
            str(p.drawn_count) if p.seed else "",
            p.entropy,
        )
    return table


def local_verification(found: LocalVerification) -> Text:
    if found.verified:
        return Text.assemble(
            ("✓ ", "bold green"),
            f"draw {found.plan_id} reproduced here from the published pool, parameters and entropy "
            f"(result sha256 {found.result_digest})",
        )
    checks = [
        ("pool digest", found.pool_digest_ok),
        ("parameters digest", found.parameters_digest_ok),
        ("seed", found.seed_ok),
        ("result", found.result_ok),
    ]
    failed = ", ".join(name for name, ok in checks if not ok)
    return Text.assemble(
        ("✗ ", "bold red"),
        f"draw {found.plan_id} does not reproduce: {failed}; ",
        "; ".join(found.differences),
    )


def server_verification(plan_id: str, answer: draw_pb.VerifyDrawResponse) -> Text:
    if answer.verified:
        return Text.assemble(("✓ ", "bold green"), f"the service re-ran draw {plan_id}: seed {answer.seed}")
    return Text.assemble(
        ("✗ ", "bold red"), f"draw {plan_id} does not verify: ", "; ".join(answer.differences)
    )
