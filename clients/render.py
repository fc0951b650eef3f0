"""How ``onecard`` shows things: rich tables for people, ProtoJSON for scripts."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from google.protobuf import json_format
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from clients.facades import ImportSummary, date_text, short_name
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import public_service_pb2 as public_pb
from inspection.v1 import registry_service_pb2 as reg_pb

DEFAULT_TIMEZONE = "Asia/Shanghai"

# --- JSON --------------------------------------------------------------------------------------


def as_dict(message: Message) -> dict[str, Any]:
    """ProtoJSON with the .proto field names, every field present (so ``valid: false`` shows)."""
    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def to_json(value: Message | Iterable[Message], *, lines: bool = False) -> str:
    """One message as an object, several as an array (or one object per line with ``lines``)."""
    if isinstance(value, Message):
        return json.dumps(as_dict(value), ensure_ascii=False, indent=None if lines else 2)
    items = [as_dict(m) for m in value]
    return json.dumps(items, ensure_ascii=False, indent=2)


# --- small formats -----------------------------------------------------------------------------


def fen(amount: int) -> str:
    """Integer fen as yuan, without floating point: 123456 → ¥1,234.56."""
    sign = "-" if amount < 0 else ""
    yuan, cents = divmod(abs(amount), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def when(stamp: Timestamp, zone: ZoneInfo) -> str:
    if stamp.seconds == 0 and stamp.nanos == 0:
        return ""
    instant = stamp.ToDatetime(tzinfo=dt.UTC).astimezone(zone)
    return instant.strftime("%Y-%m-%d %H:%M:%S")


def label(enum_type: Any, prefix: str, value: int) -> str:
    """An enum value as the CLI spells it: ``INSPECTION_STATE_IN_PROGRESS`` → ``in-progress``."""
    if value == 0:
        return ""
    try:
        name = enum_type.Name(value)
    except ValueError:
        return str(value)
    return short_name(prefix, name).lower().replace("_", "-")


def entry_kind(value: int) -> str:
    return label(card_pb.CardEntryKind, "CARD_ENTRY_KIND_", value)


def credit(value: int) -> str:
    return label(common_pb.CreditClass, "CREDIT_CLASS_", value).upper()


def state(value: int) -> str:
    return label(insp_pb.InspectionState, "INSPECTION_STATE_", value)


def kind(value: int) -> str:
    return label(common_pb.InspectionKind, "INSPECTION_KIND_", value)


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def short_hash(value: str) -> str:
    return value[:16] + "…" if len(value) > 16 else value


def _fields(title: str | None = None) -> Table:
    table = Table(show_header=False, box=box.SIMPLE, title=title, title_justify="left", pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    return table


def _add(table: Table, name: str, value: str | Text) -> None:
    if value:
        table.add_row(name, value if isinstance(value, Text) else Text(value))


#: Columns whose values must not be broken across lines (codes, ids, dates, numbers).
UNBROKEN = frozenset(
    {"seq", "time", "kind", "USCC", "code", "id", "department", "dept", "inspection", "state", "lead",
     "credit", "size+", "white-listed", "active", "certified", "expires", "certificate", "row", "line",
     "published", "inspector", "visit", "recorded", "inspections", "hash", "decision", "late"}
)  # fmt: skip


def _list(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column in UNBROKEN)
    return table


def _row(table: Table, *cells: str) -> None:
    table.add_row(*(Text(c) for c in cells))


# --- the card ----------------------------------------------------------------------------------


def card(summary: card_pb.Card, zone: ZoneInfo) -> RenderableType:
    table = _fields(f"Card (一卡通) of {summary.uscc}")
    _add(table, "enterprise", summary.enterprise_name)
    _add(table, "USCC", summary.uscc)
    _add(table, "issued", when(summary.issue_time, zone))
    _add(table, "entries", str(summary.head.seq))
    _add(table, "head hash", summary.head.entry_hash)
    _add(table, "open inspections", str(summary.open_inspections))
    _add(table, "unpaid fees", fen(summary.unpaid_fen))
    parts: list[RenderableType] = [table]
    if summary.inspections_this_year:
        counts = _list("Inspections this year", "department", "inspections")
        for count in summary.inspections_this_year:
            _row(counts, count.department_code, str(count.inspections))
        parts.append(counts)
    else:
        _add(table, "inspections this year", "none")
    if summary.fees_this_year:
        paid = _list("Fees paid this year (一费制)", "department", "paid")
        for fees in summary.fees_this_year:
            _row(paid, fees.department_code, fen(fees.paid_fen))
        parts.append(paid)
    return parts[0] if len(parts) == 1 else Group(*parts)


def _payload_text(payload_json: str, limit: int = 160) -> str:
    try:
        payload = json.loads(payload_json) if payload_json else {}
    except ValueError:
        return payload_json[:limit]
    if isinstance(payload, dict):
        text = ", ".join(
            f"{k}={json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v}"
            for k, v in payload.items()
        )
    else:
        text = str(payload)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def entries(rows: Sequence[card_pb.CardEntry], zone: ZoneInfo, *, title: str) -> Table:
    """The entries; the department and inspection columns only when some entry has one."""
    with_department = any(e.department_code for e in rows)
    with_inspection = any(e.inspection_id for e in rows)
    columns = ["seq", "time", "kind", "actor"]
    columns += ["dept"] if with_department else []
    columns += ["inspection"] if with_inspection else []
    table = _list(title, *columns, "details")
    for entry in rows:
        actor = f"{entry.actor_role}:{entry.actor_sub}"
        cells = [str(entry.seq), when(entry.time, zone), entry_kind(entry.kind), actor]
        cells += [entry.department_code] if with_department else []
        cells += [entry.inspection_id] if with_inspection else []
        _row(table, *cells, _payload_text(entry.payload_json))
    return table


def entry_line(entry: card_pb.CardEntry, zone: ZoneInfo) -> Text:
    """One entry on one line, for a watch."""
    text = Text()
    text.append(f"#{entry.seq} ", style="bold")
    text.append(f"{when(entry.time, zone)} ")
    text.append(entry_kind(entry.kind), style="cyan")
    text.append(f" by {entry.actor_role}:{entry.actor_sub}")
    if entry.inspection_id:
        text.append(f" inspection {entry.inspection_id}")
    details = _payload_text(entry.payload_json)
    if details:
        text.append(f" — {details}")
    return text


def verification(uscc: str, result: card_pb.VerifyCardResponse, *, kept: bool = False) -> Text:
    if result.valid:
        line = Text.assemble(
            ("✓ ", "bold green"),
            f"the card of {uscc} verifies: {result.entries_checked} entries, head #{result.head.seq} "
            f"{result.head.entry_hash}",
        )
    else:
        line = Text.assemble(
            ("✗ ", "bold red"),
            f"the card of {uscc} does NOT verify: entry #{result.first_bad_seq} is the first bad one "
            f"({result.problem}); {result.entries_checked} entries checked",
        )
    if kept:
        line.append("\n")
        if result.extends_kept_head:
            line.append_text(Text.assemble(("✓ ", "bold green"), "it extends the head you kept"))
        else:
            line.append_text(
                Text.assemble(
                    ("✗ ", "bold red"), f"it does NOT extend the head you kept: {result.kept_head_problem}"
                )
            )
    return line


def head(value: common_pb.CardHead) -> Text:
    return Text(f"card head: #{value.seq} {value.entry_hash}", style="dim")


# --- directories -------------------------------------------------------------------------------


def enterprise(row: reg_pb.Enterprise, zone: ZoneInfo) -> Table:
    table = _fields(f"Enterprise {row.uscc}")
    _add(table, "name", row.name)
    _add(table, "USCC", row.uscc)
    _add(table, "industry", row.industry)
    _add(table, "district", row.district)
    _add(table, "credit class", credit(row.credit_class))
    _add(table, "above designated size (规模以上)", yes(row.above_designated_size))
    _add(table, "white-listed (无事不扰)", yes(row.white_listed))
    _add(table, "registered", when(row.create_time, zone))
    _add(table, "updated", when(row.update_time, zone))
    return table


def enterprises(rows: Iterable[reg_pb.Enterprise]) -> Table:
    table = _list("Enterprises", "USCC", "name", "industry", "district", "credit", "size+", "white-listed")
    for e in rows:
        _row(
            table,
            e.uscc,
            e.name,
            e.industry,
            e.district,
            credit(e.credit_class),
            yes(e.above_designated_size),
            yes(e.white_listed),
        )
    return table


def departments(rows: Iterable[reg_pb.Department]) -> Table:
    table = _list("Departments", "code", "name")
    for d in rows:
        _row(table, d.code, d.name)
    return table


def inspectors(rows: Iterable[reg_pb.Inspector]) -> Table:
    table = _list("Inspectors", "id", "department", "name", "certificate", "expires", "active", "certified")
    for i in rows:
        _row(
            table,
            i.id,
            i.department_code,
            i.name,
            i.certificate_number or "—",
            date_text(i.certificate_expiry),
            yes(i.active),
            yes(i.certified),
        )
    return table


def checklist_items(rows: Iterable[reg_pb.ChecklistItem]) -> Table:
    table = _list("Checklist items (检查事项)", "code", "department", "name", "legal basis", "published")
    for i in rows:
        _row(table, i.code, i.department_code, i.name, i.legal_basis, yes(i.published))
    return table


def fee_items(rows: Iterable[reg_pb.FeeItem]) -> Table:
    table = _list(
        "Fee catalogue (收费清单)", "code", "department", "name", "nature", "standard amount", "valid"
    )
    for f in rows:
        valid = f"{date_text(f.valid_from)} – {date_text(f.valid_to) or 'open'}"
        _row(table, f.code, f.department_code, f.name, f.fee_nature, f"{fen(f.amount_fen)} / {f.unit}", valid)
    return table


def recusals(rows: Iterable[reg_pb.Recusal], zone: ZoneInfo) -> Table:
    table = _list("Recusals (回避)", "inspector", "USCC", "reason", "recorded")
    for r in rows:
        _row(table, r.inspector_id, r.uscc, r.reason, when(r.create_time, zone))
    return table


def import_summary(summary: ImportSummary, what: str) -> RenderableType:
    mark = ("✓ ", "bold green") if summary.ok else ("! ", "bold yellow")
    line = Text.assemble(
        mark,
        f"imported {summary.rows_imported} of {summary.rows_read} {what} rows "
        f"in {summary.chunks} call{'s' if summary.chunks != 1 else ''}",
    )
    if summary.ok:
        return line
    table = _list(
        f"{len(summary.errors)} problem(s); those rows were not imported", "row", "line", "field", "problem"
    )
    for error in summary.errors:
        _row(
            table, str(error.row) if error.row else "header", str(error.line), error.field, error.description
        )
    return Group(line, table)


# --- inspections -------------------------------------------------------------------------------


def _decisions(title: str, rows: Iterable[insp_pb.OfficeDecision], zone: ZoneInfo) -> Table:
    table = _list(title, "office", "principal", "decision", "comment", "due", "decided", "late")
    for d in rows:
        _row(
            table,
            office(d.office),
            d.principal,
            label(insp_pb.Decision, "DECISION_", d.decision),
            d.comment,
            when(d.due_time, zone),
            when(d.decide_time, zone),
            yes(d.late) if d.decide_time.seconds else "",
        )
    return table


def _acknowledgements(rows: Iterable[insp_pb.FilingAcknowledgement], zone: ZoneInfo) -> Table:
    table = _list("Filing acknowledgements", "office", "principal", "comment", "due", "acknowledged", "late")
    for a in rows:
        _row(
            table,
            office(a.office),
            a.principal,
            a.comment,
            when(a.due_time, zone),
            when(a.acknowledge_time, zone),
            yes(a.late),
        )
    return table


_OFFICES = {
    int(common_pb.OFFICE_LEGAL_OFFICE): "legal office (法制办)",
    int(common_pb.OFFICE_SUPERVISION): "supervision (监察局)",
}


def office(value: int) -> str:
    """The office's name, with its Chinese one."""
    return _OFFICES.get(int(value), "")


def _result_fields(table: Table, result: common_pb.InspectionResult) -> None:
    _add(table, "outcome", label(common_pb.Outcome, "OUTCOME_", result.outcome))
    _add(table, "findings", result.findings)
    _add(table, "handling (处理)", label(common_pb.Handling, "HANDLING_", result.handling))
    _add(table, "rectify by", date_text(result.rectification_deadline))
    if result.penalty_fen:
        _add(table, "penalty", f"{fen(result.penalty_fen)} ({result.penalty_basis})")


def inspection(row: insp_pb.Inspection, zone: ZoneInfo) -> RenderableType:
    table = _fields(f"Inspection {row.id}")
    _add(table, "state", Text(state(row.state), style="bold"))
    _add(table, "enterprise", f"{row.enterprise_name} ({row.uscc})")
    _add(table, "lead department", row.lead_department)
    _add(table, "kind", kind(row.kind))
    _add(table, "origin", label(insp_pb.InspectionOrigin, "INSPECTION_ORIGIN_", row.origin))
    window = f"{date_text(row.window_start)} – {date_text(row.window_end)}"
    _add(table, "window", window if row.HasField("window_start") else "")
    _add(table, "legal basis", row.legal_basis)
    _add(table, "reason", row.reason)
    _add(table, "requested by", f"{row.requested_by}  {when(row.request_time, zone)}".strip())
    _add(table, "decision due", when(row.decision_due_time, zone))
    _add(table, "approved", when(row.approve_time, zone))
    _add(table, "inspection code (检查码)", Text(row.inspection_code, style="bold"))
    _add(table, "visit date", date_text(row.visit_date))
    _add(table, "checked in", when(row.check_in_time, zone))
    if row.HasField("result"):
        _result_fields(table, row.result)
    _add(table, "completed", when(row.complete_time, zone))
    _add(table, "publish by", when(row.publication_due_time, zone))
    _add(table, "published (一公开)", when(row.publish_time, zone))
    _add(table, "file by", when(row.filing_due_time, zone))
    _add(table, "filed", when(row.file_time, zone) + (" (late)" if row.filed_late else ""))
    if row.HasField("rating"):
        _add(table, "rating", f"{row.rating.score}/5 {row.rating.comment}".strip())
    _add(table, "cancelled because", row.cancel_reason)
    for d in row.deadlines:
        status = label(insp_pb.DeadlineStatus, "DEADLINE_STATUS_", d.status)
        met = f", met {when(d.met_time, zone)}" if d.HasField("met_time") else ""
        style = "bold red" if d.status == insp_pb.DEADLINE_STATUS_OVERDUE else ""
        name = label(insp_pb.DeadlineKind, "DEADLINE_KIND_", d.kind)
        _add(table, f"{name} deadline", Text(f"{status}: due {when(d.due_time, zone)}{met}", style=style))
    parts: list[RenderableType] = [table]
    people = _list("Participants", "department", "items", "inspectors")
    for p in row.participants:
        items = "\n".join(
            f"{i.code} {i.name}" + (f" ({i.legal_basis})" if i.legal_basis else "") for i in p.items
        )
        names = "\n".join(
            f"{i.id} {i.name}"
            + (f" [{i.certificate_number}]" if i.certificate_number else "")
            + (" ✓ on site" if i.present else "")
            for i in p.inspectors
        )
        _row(people, f"{p.department_code} {p.department_name}".strip(), items, names)
    if row.participants:
        parts.append(people)
    if row.approvals:
        parts.append(_decisions("Approvals (法制办 + 监察局)", row.approvals, zone))
    if row.filing_acknowledgements:
        parts.append(_acknowledgements(row.filing_acknowledgements, zone))
    return Group(*parts)


def change(result: insp_pb.InspectionChange, zone: ZoneInfo, *, done: str) -> RenderableType:
    row = result.inspection
    waiting = _waiting_for(row)
    if waiting:
        # One office has decided (or acknowledged); the state has not moved yet.
        headline = Text.assemble(
            ("✓ ", "bold green"), f"{done}: inspection {row.id} is waiting for the ", (waiting, "bold")
        )
    else:
        headline = Text.assemble(
            ("✓ ", "bold green"), f"{done}: inspection {row.id} is now ", (state(row.state), "bold")
        )
    return Group(headline, inspection(result.inspection, zone), head(result.card_head))


def _waiting_for(row: insp_pb.Inspection) -> str:
    """The office still to decide, when exactly one of the two has."""
    decided = []
    if row.state == insp_pb.INSPECTION_STATE_REQUESTED:
        decided = [d.office for d in row.approvals]
    elif row.state == insp_pb.INSPECTION_STATE_FILED_PENDING:
        decided = [a.office for a in row.filing_acknowledgements]
    if len(decided) != 1:
        return ""
    other = set(_OFFICES) - {int(decided[0])}
    return _OFFICES[other.pop()] + "'s decision" if other else ""


def overlaps(response: insp_pb.RequestInspectionResponse) -> RenderableType | None:
    if not response.overlaps:
        return None
    table = _list(
        "Another department plans a visit in an overlapping window"
        + (" — a joint check (进一次门、查多项事) is suggested" if response.joint_check_suggested else ""),
        "inspection",
        "department",
        "window",
    )
    for o in response.overlaps:
        window = f"{date_text(o.window_start)} – {date_text(o.window_end)}"
        _row(table, o.inspection_id, o.department_code, window)
    return table


def inspections(rows: Iterable[insp_pb.Inspection], *, title: str = "Inspections") -> Table:
    table = _list(title, "id", "enterprise", "lead", "kind", "state", "window", "next due")
    for i in rows:
        _row(
            table,
            i.id,
            i.enterprise_name,
            i.lead_department,
            kind(i.kind),
            state(i.state) + (" (OVERDUE)" if i.overdue else ""),
            f"{date_text(i.window_start)} – {date_text(i.window_end)}" if i.HasField("window_start") else "",
            _next_due(i),
        )
    return table


def _next_due(row: insp_pb.Inspection) -> str:
    """The earliest deadline not met yet, as a date (what the offices' queue sorts by)."""
    waiting = [
        d.due_time.ToDatetime(dt.UTC)
        for d in row.deadlines
        if d.status in (insp_pb.DEADLINE_STATUS_PENDING, insp_pb.DEADLINE_STATUS_OVERDUE)
    ]
    return min(waiting).astimezone(ZoneInfo(DEFAULT_TIMEZONE)).date().isoformat() if waiting else ""


def code_verification(result: insp_pb.InspectionCodeVerification, zone: ZoneInfo) -> RenderableType:
    if result.valid:
        line = Text.assemble(
            ("✓ VALID ", "bold green"), "— an approved inspection; check the inspectors below"
        )
    else:
        line = Text.assemble(
            ("✗ NOT VALID ", "bold red"), f"— {result.reason or 'unknown code'}; you may refuse the visit"
        )
    if not result.HasField("inspection"):
        return line
    return Group(line, inspection(result.inspection, zone))


def published_results(rows: Iterable[public_pb.PublishedResult], zone: ZoneInfo) -> Table:
    table = _list(
        "Published inspection results (一公开)",
        "visit",
        "USCC",
        "enterprise",
        "dept",
        "items",
        "result",
        "inspectors",
    )
    for r in rows:
        outcome = label(common_pb.Outcome, "OUTCOME_", r.result.outcome)
        handling = label(common_pb.Handling, "HANDLING_", r.result.handling)
        if r.result.penalty_fen:
            handling += f" {fen(r.result.penalty_fen)}"
        if r.result.HasField("rectification_deadline"):
            handling += f" by {date_text(r.result.rectification_deadline)}"
        _row(
            table,
            date_text(r.visit_date),
            r.uscc,
            r.enterprise_name,
            ", ".join(r.department_codes),
            "\n".join(r.items),
            f"{outcome}\n{handling} ({kind(r.kind)})",
            ", ".join(r.inspectors),
        )
    return table
