"""``onecard inspection``: inspections under joint approval, emergencies, ratings and complaints."""

from __future__ import annotations

from typing import Annotated

import grpc
import typer
from rich.console import Group, RenderableType
from rich.text import Text

from clients import render
from clients.cli.common import (
    AllFlag,
    Department,
    InspectionId,
    JsonFlag,
    Limit,
    Uscc,
    choice_of,
    date_option,
    emit,
    fail,
    handles_errors,
    options_of,
)
from clients.errors import ServiceError
from clients.facades import (
    CodeVerifier,
    DepartmentClient,
    EnterpriseClient,
    InspectionReader,
    OfficeClient,
    token_claims,
)
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as insp_pb

inspection_app = typer.Typer(help="Inspections under joint approval (DESIGN §4).", no_args_is_help=True)
emergency_app = typer.Typer(
    help="Emergency inspections, filed afterwards (事后登记备案).", no_args_is_help=True
)


# --- inspections -------------------------------------------------------------------------------

Items = Annotated[
    list[str], typer.Option("--item", help="Checklist item code (repeatable).", show_default=False)
]
Inspectors = Annotated[
    list[str],
    typer.Option(
        "--inspector", help="Certified inspector id (repeatable; at least two).", show_default=False
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the new inspection's id.")]


def _show_change(ctx: typer.Context, json_output: bool, result: insp_pb.InspectionChange, done: str) -> None:
    zone = options_of(ctx).zone
    emit(ctx, json_output, result, lambda: render.change(result, zone, done=done))


@inspection_app.command("request")
@handles_errors
def inspection_request(
    ctx: typer.Context,
    uscc: Uscc,
    item: Items,
    inspector: Inspectors,
    start: Annotated[
        str, typer.Option(help="First day of the window: YYYY-MM-DD, today, +Nd.", show_default=False)
    ],
    end: Annotated[str, typer.Option(help="Last day of the window.", show_default=False)],
    legal_basis: Annotated[str, typer.Option(help="The law the inspection rests on.", show_default=False)],
    reason: Annotated[str, typer.Option(help="Why this enterprise, now.", show_default=False)],
    kind: Annotated[
        str, typer.Option(help="routine, triggered (complaint or case clue) or special.")
    ] = "routine",
    quiet: Quiet = False,
    json_output: JsonFlag = False,
) -> None:
    """Request an inspection (department) → requested, awaiting both offices."""
    options = options_of(ctx)
    kind_value = choice_of(common_pb.InspectionKind, "INSPECTION_KIND_", kind, "--kind")
    with options.connect() as connection:
        response = DepartmentClient(connection).request_inspection(
            uscc,
            kind=kind_value,
            item_codes=item,
            inspector_ids=inspector,
            window_start=date_option(ctx, start, "--start"),
            window_end=date_option(ctx, end, "--end"),
            legal_basis=legal_basis,
            reason=reason,
        )
    if quiet:
        typer.echo(response.inspection.id)
        return

    def table() -> RenderableType:
        change = insp_pb.InspectionChange(inspection=response.inspection, card_head=response.card_head)
        shown = render.change(change, options.zone, done="requested")
        notice = render.overlaps(response)
        return Group(shown, notice) if notice is not None else shown

    emit(ctx, json_output, response, table)


@inspection_app.command("decide")
@handles_errors
def inspection_decide(
    ctx: typer.Context,
    inspection_id: InspectionId,
    approve: Annotated[
        bool, typer.Option("--approve/--reject", help="Approve or reject.", show_default=False)
    ],
    comment: Annotated[str, typer.Option(help="The office's comment (required to reject).")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Approve or reject (legal office or supervision bureau); both approvals issue the code."""
    with options_of(ctx).connect() as connection:
        result = OfficeClient(connection).decide(inspection_id, approve=approve, comment=comment)
    done = "your approval is recorded" if approve else "your rejection is recorded"
    _show_change(ctx, json_output, result, done)


@inspection_app.command("pending")
@handles_errors
def inspection_pending(ctx: typer.Context, limit: Limit = 100, json_output: JsonFlag = False) -> None:
    """Inspections and emergency filings waiting for this office's decision."""
    with options_of(ctx).connect() as connection:
        rows = list(OfficeClient(connection).pending(limit=limit))
    emit(ctx, json_output, rows, lambda: render.inspections(rows, title="Waiting for your decision"))


@inspection_app.command("cancel")
@handles_errors
def inspection_cancel(
    ctx: typer.Context,
    inspection_id: InspectionId,
    reason: Annotated[str, typer.Option(help="Why it is cancelled.", show_default=False)],
    json_output: JsonFlag = False,
) -> None:
    """Cancel an inspection before check-in (the requesting department)."""
    with options_of(ctx).connect() as connection:
        result = DepartmentClient(connection).cancel_inspection(inspection_id, reason)
    _show_change(ctx, json_output, result, "cancelled")


@inspection_app.command("code")
@handles_errors
def inspection_code(ctx: typer.Context, inspection_id: InspectionId) -> None:
    """Print the inspection code (检查码) of an approved inspection, to show at the door."""
    with options_of(ctx).connect() as connection:
        found = InspectionReader(connection).get_inspection(inspection_id)
    if not found.inspection_code:
        fail(
            f"inspection {inspection_id} has no code "
            f"(it is {render.state(found.state)}; a code comes with approval)"
        )
    typer.echo(found.inspection_code)


#: An inspection code may begin with "-"; it is still the argument, not an unknown option.
CODE_ARGUMENT = {"ignore_unknown_options": True}


@inspection_app.command("verify-code", context_settings=CODE_ARGUMENT)
@handles_errors
def inspection_verify_code(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The inspection code shown at the door.", show_default=False)],
    anonymous: Annotated[bool, typer.Option(help="Ask without a token (inspectors' names masked).")] = False,
    json_output: JsonFlag = False,
) -> None:
    """Check an inspection code on the doorstep; exit code 1 if it is not valid. Works without a
    token; with an enterprise's or an office's token the names come unmasked."""
    options = options_of(ctx)
    role = token_claims(options.token).get("role") if options.token else None
    # Only the enterprise and the offices use their token here; anyone else asks as the public.
    with options.connect(
        anonymous=anonymous or role not in ("enterprise", "legal_office", "supervision")
    ) as c:
        try:
            result = CodeVerifier(c).verify_code(code)
        except ServiceError as error:
            if error.code != grpc.StatusCode.NOT_FOUND:
                raise
            # On the doorstep an unknown code is simply not a valid one.
            result = insp_pb.InspectionCodeVerification(valid=False, reason="NO_SUCH_CODE")
    emit(ctx, json_output, result, lambda: render.code_verification(result, options.zone))
    if not result.valid:
        raise typer.Exit(1)


@inspection_app.command("check-in", context_settings=CODE_ARGUMENT)
@handles_errors
def inspection_check_in(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The inspection code (检查码).", show_default=False)],
    inspector: Inspectors,
    json_output: JsonFlag = False,
) -> None:
    """Check in on site with the code and the inspectors present (department) → in progress."""
    with options_of(ctx).connect() as connection:
        result = DepartmentClient(connection).check_in(code, inspector)
    _show_change(ctx, json_output, result, "checked in")


@inspection_app.command("result")
@handles_errors
def inspection_result(
    ctx: typer.Context,
    inspection_id: InspectionId,
    outcome: Annotated[str, typer.Option(help="no-issues or issues-found.", show_default=False)],
    handling: Annotated[str, typer.Option(help="none, rectification or penalty (处理).")] = "none",
    findings: Annotated[str, typer.Option(help="What the inspectors found.")] = "",
    deadline: Annotated[str, typer.Option(help="Rectification deadline: YYYY-MM-DD or +Nd.")] = "",
    penalty_fen: Annotated[int, typer.Option(min=0, help="Penalty in integer fen (¥1 = 100).")] = 0,
    penalty_basis: Annotated[str, typer.Option(help="Legal basis of the penalty.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Record the result (department) → completed."""
    outcome_value = choice_of(common_pb.Outcome, "OUTCOME_", outcome, "--outcome")
    handling_value = choice_of(common_pb.Handling, "HANDLING_", handling, "--handling")
    with options_of(ctx).connect() as connection:
        result = DepartmentClient(connection).record_result(
            inspection_id,
            outcome=outcome_value,
            handling=handling_value,
            findings=findings,
            rectification_deadline=date_option(ctx, deadline, "--deadline") or None,
            penalty_fen=penalty_fen,
            penalty_basis=penalty_basis,
        )
    _show_change(ctx, json_output, result, "result recorded")


@inspection_app.command("publish")
@handles_errors
def inspection_publish(
    ctx: typer.Context, inspection_id: InspectionId, json_output: JsonFlag = False
) -> None:
    """Publish a completed result on the public feed (一公开)."""
    with options_of(ctx).connect() as connection:
        result = DepartmentClient(connection).publish_result(inspection_id)
    _show_change(ctx, json_output, result, "published")


@emergency_app.command("start")
@handles_errors
def emergency_start(
    ctx: typer.Context,
    uscc: Uscc,
    reason: Annotated[str, typer.Option(help="The threat to life or property safety.", show_default=False)],
    item: Items,
    inspector: Inspectors,
    legal_basis: Annotated[str, typer.Option(help="The law the inspection rests on.", show_default=False)],
    quiet: Quiet = False,
    json_output: JsonFlag = False,
) -> None:
    """Start an emergency inspection at once (department); file it with both offices afterwards."""
    with options_of(ctx).connect() as connection:
        result = DepartmentClient(connection).start_emergency(
            uscc, reason=reason, item_codes=item, inspector_ids=inspector, legal_basis=legal_basis
        )
    if quiet:
        typer.echo(result.inspection.id)
        return
    _show_change(ctx, json_output, result, "emergency started")


@emergency_app.command("file")
@handles_errors
def emergency_file(
    ctx: typer.Context,
    inspection_id: InspectionId,
    report: Annotated[str, typer.Option(help="What was done and why it could not wait.", show_default=False)],
    json_output: JsonFlag = False,
) -> None:
    """File an emergency inspection with both offices (department) → filed-pending."""
    with options_of(ctx).connect() as connection:
        result = DepartmentClient(connection).file_emergency(inspection_id, report)
    _show_change(ctx, json_output, result, "filed")


@emergency_app.command("ack")
@handles_errors
def emergency_ack(
    ctx: typer.Context,
    inspection_id: InspectionId,
    comment: Annotated[str, typer.Option()] = "",
    json_output: JsonFlag = False,
) -> None:
    """Acknowledge an emergency filing (legal office or supervision bureau); both → filed."""
    with options_of(ctx).connect() as connection:
        result = OfficeClient(connection).acknowledge_filing(inspection_id, comment)
    _show_change(ctx, json_output, result, "acknowledged")


@inspection_app.command("rate")
@handles_errors
def inspection_rate(
    ctx: typer.Context,
    inspection_id: InspectionId,
    score: Annotated[int, typer.Option(min=1, max=5, help="1 (poor) to 5 (good).", show_default=False)],
    comment: Annotated[str, typer.Option()] = "",
    json_output: JsonFlag = False,
) -> None:
    """Rate a completed inspection (the inspected enterprise)."""
    with options_of(ctx).connect() as connection:
        result = EnterpriseClient(connection).rate(inspection_id, score, comment)
    _show_change(ctx, json_output, result, "rated")


@inspection_app.command("complain")
@handles_errors
def inspection_complain(
    ctx: typer.Context,
    text: Annotated[str, typer.Option(help="The complaint.", show_default=False)],
    inspection: Annotated[str, typer.Option(help="The inspection complained about, if any.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """File a complaint (an enterprise), about one inspection or inspections in general."""
    with options_of(ctx).connect() as connection:
        response = EnterpriseClient(connection).complain(text, inspection_id=inspection)
    emit(
        ctx,
        json_output,
        response,
        lambda: Group(
            Text(f"✓ complaint {response.complaint_id} filed and written on the card"),
            render.head(response.card_head),
        ),
    )


@inspection_app.command("get")
@handles_errors
def inspection_get(ctx: typer.Context, inspection_id: InspectionId, json_output: JsonFlag = False) -> None:
    """One inspection with its participants, approvals and result."""
    options = options_of(ctx)
    with options.connect() as connection:
        found = InspectionReader(connection).get_inspection(inspection_id)
    emit(ctx, json_output, found, lambda: render.inspection(found, options.zone))


@inspection_app.command("list")
@handles_errors
def inspection_list(
    ctx: typer.Context,
    uscc: Annotated[str, typer.Option(help="Only this enterprise.")] = "",
    department: Department = "",
    state: Annotated[str, typer.Option(help="e.g. requested, approved, in-progress, published.")] = "",
    kind: Annotated[str, typer.Option(help="routine, triggered, special or emergency.")] = "",
    window_from: Annotated[str, typer.Option("--from", help="Windows overlapping from this date.")] = "",
    window_to: Annotated[str, typer.Option("--to", help="… to this date.")] = "",
    limit: Limit = 50,
    everything: AllFlag = False,
    json_output: JsonFlag = False,
) -> None:
    """Inspections you may see: a department its own, an enterprise its own, offices all."""
    state_value = choice_of(insp_pb.InspectionState, "INSPECTION_STATE_", state, "--state") if state else 0
    kind_value = choice_of(common_pb.InspectionKind, "INSPECTION_KIND_", kind, "--kind") if kind else 0
    with options_of(ctx).connect() as connection:
        found = InspectionReader(connection).inspections(
            uscc=uscc,
            department_code=department,
            state=state_value,
            kind=kind_value,
            window_start=date_option(ctx, window_from, "--from"),
            window_end=date_option(ctx, window_to, "--to"),
            limit=None if everything else limit,
        )
        rows = list(found)
    emit(ctx, json_output, rows, lambda: render.inspections(rows))


# --- joint checks (联合检查) ------------------------------------------------------------------------

joint_app = typer.Typer(
    help="Joint checks: one visit, several departments, one approval (联合检查).", no_args_is_help=True
)


@joint_app.command("propose")
@handles_errors
def joint_propose(
    ctx: typer.Context,
    uscc: Uscc,
    department: Annotated[
        list[str],
        typer.Option("--department", "-d", help="A department invited (repeatable).", show_default=False),
    ],
    item: Items,
    inspector: Inspectors,
    start: Annotated[
        str, typer.Option(help="First day of the window: YYYY-MM-DD, today, +Nd.", show_default=False)
    ],
    end: Annotated[str, typer.Option(help="Last day of the window.", show_default=False)],
    legal_basis: Annotated[str, typer.Option(help="The law the inspection rests on.", show_default=False)],
    reason: Annotated[str, typer.Option(help="Why the departments inspect together.", show_default=False)],
    kind: Annotated[str, typer.Option(help="routine, triggered or special.")] = "routine",
    quiet: Quiet = False,
    json_output: JsonFlag = False,
) -> None:
    """Propose a joint check as the lead department → proposed, awaiting the invited departments."""
    options = options_of(ctx)
    kind_value = choice_of(common_pb.InspectionKind, "INSPECTION_KIND_", kind, "--kind")
    with options.connect() as connection:
        result = DepartmentClient(connection).propose_joint_check(
            uscc,
            departments=department,
            kind=kind_value,
            item_codes=item,
            inspector_ids=inspector,
            window_start=date_option(ctx, start, "--start"),
            window_end=date_option(ctx, end, "--end"),
            legal_basis=legal_basis,
            reason=reason,
        )
    if quiet:
        typer.echo(result.inspection.id)
        return
    emit(ctx, json_output, result, lambda: render.change(result, options.zone, done="proposed"))


@joint_app.command("confirm")
@handles_errors
def joint_confirm(
    ctx: typer.Context,
    inspection_id: InspectionId,
    item: Items,
    inspector: Inspectors,
    json_output: JsonFlag = False,
) -> None:
    """Take part in a joint check with your department's items and inspectors."""
    options = options_of(ctx)
    with options.connect() as connection:
        result = DepartmentClient(connection).confirm_participation(
            inspection_id, item_codes=item, inspector_ids=inspector
        )
    emit(ctx, json_output, result, lambda: render.change(result, options.zone, done="confirmed"))


@joint_app.command("decline")
@handles_errors
def joint_decline(
    ctx: typer.Context,
    inspection_id: InspectionId,
    reason: Annotated[str, typer.Option(help="Why your department declines.", show_default=False)],
    json_output: JsonFlag = False,
) -> None:
    """Decline a joint check your department was invited to."""
    options = options_of(ctx)
    with options.connect() as connection:
        result = DepartmentClient(connection).decline_participation(inspection_id, reason)
    emit(ctx, json_output, result, lambda: render.change(result, options.zone, done="declined"))


@joint_app.command("part")
@handles_errors
def joint_part(
    ctx: typer.Context,
    inspection_id: InspectionId,
    outcome: Annotated[str, typer.Option(help="no-issues or issues-found.", show_default=False)],
    handling: Annotated[str, typer.Option(help="none, rectification or penalty (处理).")] = "none",
    findings: Annotated[str, typer.Option(help="What your inspectors found.")] = "",
    deadline: Annotated[str, typer.Option(help="Rectification deadline: YYYY-MM-DD or +Nd.")] = "",
    penalty_fen: Annotated[int, typer.Option(min=0, help="Penalty in integer fen (¥1 = 100).")] = 0,
    penalty_basis: Annotated[str, typer.Option(help="Legal basis of the penalty.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Record your department's part of a joint check in progress."""
    outcome_value = choice_of(common_pb.Outcome, "OUTCOME_", outcome, "--outcome")
    handling_value = choice_of(common_pb.Handling, "HANDLING_", handling, "--handling")
    with options_of(ctx).connect() as connection:
        result = DepartmentClient(connection).record_part(
            inspection_id,
            outcome=outcome_value,
            handling=handling_value,
            findings=findings,
            rectification_deadline=date_option(ctx, deadline, "--deadline") or None,
            penalty_fen=penalty_fen,
            penalty_basis=penalty_basis,
        )
    _show_change(ctx, json_output, result, "part recorded")


@joint_app.command("accept")
@handles_errors
def joint_accept(
    ctx: typer.Context,
    inspection_id: InspectionId,
    verdict: Annotated[
        str, typer.Option(help="passed, passed-with-conditions or not-passed.", show_default=False)
    ],
    opinion: Annotated[str, typer.Option(help="The lead's opinion (required unless passed).")] = "",
    deadline: Annotated[str, typer.Option(help="Deadline for conditions or rectification.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """Record the unified acceptance (统一验收) as the lead, once every department's part is in."""
    verdict_value = choice_of(insp_pb.AcceptanceVerdict, "ACCEPTANCE_VERDICT_", verdict, "--verdict")
    with options_of(ctx).connect() as connection:
        result = DepartmentClient(connection).record_acceptance(
            inspection_id,
            verdict=verdict_value,
            opinion=opinion,
            rectification_deadline=date_option(ctx, deadline, "--deadline") or None,
        )
    _show_change(ctx, json_output, result, "acceptance recorded")


@joint_app.command("slots")
@handles_errors
def joint_slots(
    ctx: typer.Context,
    inspection_id: InspectionId,
    start: Annotated[str, typer.Option(help="First day to look at: YYYY-MM-DD, today, +Nd.")] = "",
    end: Annotated[str, typer.Option(help="Last day to look at.")] = "",
    json_output: JsonFlag = False,
) -> None:
    """The free half-days of an approved joint check's visit (enterprise, departments, offices)."""
    options = options_of(ctx)
    with options.connect() as connection:
        slots = list(
            InspectionReader(connection).available_slots(
                inspection_id,
                start=date_option(ctx, start, "--start") or None,
                end=date_option(ctx, end, "--end") or None,
            )
        )
    emit(
        ctx,
        json_output,
        slots,
        lambda: Text("\n".join(_slot_line(s) for s in slots) or "no free half-day in this range"),
    )


@joint_app.command("book")
@handles_errors
def joint_book(
    ctx: typer.Context,
    inspection_id: InspectionId,
    day: Annotated[str, typer.Option("--date", help="The day: YYYY-MM-DD or +Nd.", show_default=False)],
    half_day: Annotated[str, typer.Option("--half-day", help="morning or afternoon.", show_default=False)],
    reason: Annotated[str, typer.Option(help="Why the visit moves (to move a booked visit, once).")] = "",
    own_request: Annotated[
        bool,
        typer.Option("--own-request", help="You ask for this day yourself (a quiet day is then allowed)."),
    ] = False,
    json_output: JsonFlag = False,
) -> None:
    """Book (or move, once) the visit of your joint check (enterprise); the card lists every
    document to prepare."""
    half_value = choice_of(insp_pb.HalfDay, "HALF_DAY_", half_day, "--half-day")
    with options_of(ctx).connect() as connection:
        result = EnterpriseClient(connection).book_visit(
            inspection_id,
            day=date_option(ctx, day, "--date"),
            half_day=half_value,
            reschedule_reason=reason,
            at_own_request=own_request,
        )
    _show_change(ctx, json_output, result, "visit booked")


def _slot_line(slot: insp_pb.Slot) -> str:
    half = render.label(insp_pb.HalfDay, "HALF_DAY_", slot.half_day)
    return f"{slot.date.year}-{slot.date.month:02d}-{slot.date.day:02d} {half}"


acceptance_app = typer.Typer(
    help="Joint acceptance of an enterprise's project (预约验收).", no_args_is_help=True
)


@acceptance_app.command("request")
@handles_errors
def acceptance_request(
    ctx: typer.Context,
    project: Annotated[str, typer.Option(help="The project to accept.", show_default=False)],
    department: Annotated[
        list[str],
        typer.Option(
            "--department",
            "-d",
            help="A department whose acceptance it needs (repeatable; first leads).",
        ),
    ] = [],  # noqa: B006 (typer's way to default a repeatable option)
    start: Annotated[
        str, typer.Option(help="First day: YYYY-MM-DD, today, +Nd.", show_default=False)
    ] = "today",
    end: Annotated[str, typer.Option(help="Last day.", show_default=False)] = "+20d",
    item: Annotated[
        list[str],
        typer.Option("--item", help="A checklist item to accept (repeatable); its department joins."),
    ] = [],  # noqa: B006
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="A kind of project from the catalogue (acceptance kinds): its lead leads."
        ),
    ] = "",
    quiet: Quiet = False,
    json_output: JsonFlag = False,
) -> None:
    """Ask the departments to accept your project together (enterprise) → proposed."""
    options = options_of(ctx)
    with options.connect() as connection:
        result = EnterpriseClient(connection).request_acceptance(
            project,
            departments=department,
            window_start=date_option(ctx, start, "--start"),
            window_end=date_option(ctx, end, "--end"),
            item_codes=item,
            project_kind=kind,
        )
    if quiet:
        typer.echo(result.inspection.id)
        return
    _show_change(ctx, json_output, result, "acceptance requested")


@acceptance_app.command("kinds")
@handles_errors
def acceptance_kinds(ctx: typer.Context, json_output: JsonFlag = False) -> None:
    """The catalogue of kinds of project, each with the department that leads its acceptance."""
    with options_of(ctx).connect(anonymous=True) as connection:
        kinds = list(EnterpriseClient(connection, uscc="").project_kinds())
    emit(
        ctx,
        json_output,
        kinds,
        lambda: Text(
            "\n".join(
                f"{k.code}  {k.name}  lead {k.lead_department}  items {', '.join(k.item_codes)}"
                for k in kinds
            )
        ),
    )


@joint_app.command("offer")
@handles_errors
def joint_offer(
    ctx: typer.Context,
    inspection_id: InspectionId,
    slot: Annotated[
        list[str],
        typer.Option(
            "--slot",
            help="A half-day offered: YYYY-MM-DD:morning|afternoon (repeatable).",
            show_default=False,
        ),
    ],
    json_output: JsonFlag = False,
) -> None:
    """Offer candidate half-days for your joint check's visit (the lead department)."""
    offered = []
    for text in slot:
        day_text, _, half = text.partition(":")
        offered.append(
            (
                date_option(ctx, day_text, "--slot"),
                choice_of(insp_pb.HalfDay, "HALF_DAY_", half or "?", "--slot"),
            )
        )
    with options_of(ctx).connect() as connection:
        result = DepartmentClient(connection).offer_slots(inspection_id, offered)
    _show_change(ctx, json_output, result, "half-days offered")
