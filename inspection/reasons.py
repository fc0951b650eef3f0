"""Every machine-readable reason the service answers with (``google.rpc.ErrorInfo.reason``), in one
enum, each with the status it comes with and when it is given. ``docs/reasons.md`` is generated from
this table (``python -m inspection.reasons``) and a test keeps the two equal."""

from __future__ import annotations

import enum
import sys


class Reason(enum.StrEnum):
    """A stable, UPPER_SNAKE_CASE reason; clients switch on it, people read the message beside it."""

    # --- the request itself ------------------------------------------------------------------
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    REQUEST_ID_REUSED = "REQUEST_ID_REUSED"
    # --- who may call ------------------------------------------------------------------------
    TOKEN_MISSING = "TOKEN_MISSING"
    TOKEN_INVALID = "TOKEN_INVALID"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_REVOKED = "TOKEN_REVOKED"
    TOKEN_UNKNOWN_DEPARTMENT = "TOKEN_UNKNOWN_DEPARTMENT"
    NO_POLICY = "NO_POLICY"
    ROLE_NOT_ALLOWED = "ROLE_NOT_ALLOWED"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    NOT_YOUR_INSPECTION = "NOT_YOUR_INSPECTION"
    # --- the server's capacity ---------------------------------------------------------------
    DATABASE_BUSY = "DATABASE_BUSY"
    TOO_MANY_WATCHES = "TOO_MANY_WATCHES"
    SERVER_BUSY = "SERVER_BUSY"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    UNDECODABLE_REQUEST = "UNDECODABLE_REQUEST"
    CONCURRENT_MODIFICATION = "CONCURRENT_MODIFICATION"
    INTERNAL = "INTERNAL"
    # --- who inspects what -------------------------------------------------------------------
    TOO_FEW_INSPECTORS = "TOO_FEW_INSPECTORS"
    INSPECTOR_NOT_OF_DEPARTMENT = "INSPECTOR_NOT_OF_DEPARTMENT"
    INSPECTOR_NOT_CERTIFIED = "INSPECTOR_NOT_CERTIFIED"
    INSPECTOR_RECUSED = "INSPECTOR_RECUSED"
    INSPECTOR_NOT_APPROVED = "INSPECTOR_NOT_APPROVED"
    ITEM_NOT_OF_DEPARTMENT = "ITEM_NOT_OF_DEPARTMENT"
    ITEM_NOT_PUBLISHED = "ITEM_NOT_PUBLISHED"
    # --- when ----------------------------------------------------------------------------------
    APPROVAL_LEAD_TIME = "APPROVAL_LEAD_TIME"
    WINDOW_IN_PAST = "WINDOW_IN_PAST"
    WINDOW_NOT_OPEN = "WINDOW_NOT_OPEN"
    WINDOW_ENDED = "WINDOW_ENDED"
    QUIET_PERIOD = "QUIET_PERIOD"
    NON_WORKING_DAY = "NON_WORKING_DAY"
    DAILY_VISIT_LIMIT = "DAILY_VISIT_LIMIT"
    # --- how often -----------------------------------------------------------------------------
    WHITE_LISTED = "WHITE_LISTED"
    FREQUENCY_CAP_EXCEEDED = "FREQUENCY_CAP_EXCEEDED"
    # --- both offices decide -------------------------------------------------------------------
    NOT_PENDING = "NOT_PENDING"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    ALREADY_ACKNOWLEDGED = "ALREADY_ACKNOWLEDGED"
    SAME_PRINCIPAL = "SAME_PRINCIPAL"
    REASON_REQUIRED = "REASON_REQUIRED"
    # --- the lifecycle -------------------------------------------------------------------------
    NOT_PROPOSED = "NOT_PROPOSED"
    NOT_JOINT_CHECK = "NOT_JOINT_CHECK"
    NOT_INVITED = "NOT_INVITED"
    USE_ACCEPTANCE = "USE_ACCEPTANCE"
    SLOT_TAKEN = "SLOT_TAKEN"
    SLOT_NOT_OFFERED = "SLOT_NOT_OFFERED"
    ALREADY_BOOKED = "ALREADY_BOOKED"
    NOT_MERGEABLE = "NOT_MERGEABLE"
    RESCHEDULE_LIMIT = "RESCHEDULE_LIMIT"
    NOT_BOOKED = "NOT_BOOKED"
    NOT_BOOKED_DAY = "NOT_BOOKED_DAY"
    PARTS_MISSING = "PARTS_MISSING"
    ACCEPTANCE_CONTRADICTS_PARTS = "ACCEPTANCE_CONTRADICTS_PARTS"
    PART_ALREADY_RECORDED = "PART_ALREADY_RECORDED"
    ALREADY_ANSWERED = "ALREADY_ANSWERED"
    NOT_APPROVED = "NOT_APPROVED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    NOT_CANCELLABLE = "NOT_CANCELLABLE"
    ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"
    VISIT_COMPLETED = "VISIT_COMPLETED"
    NOT_IN_PROGRESS = "NOT_IN_PROGRESS"
    RESULT_ALREADY_RECORDED = "RESULT_ALREADY_RECORDED"
    NOT_COMPLETED = "NOT_COMPLETED"
    ALREADY_PUBLISHED = "ALREADY_PUBLISHED"
    NOT_EMERGENCY = "NOT_EMERGENCY"
    ALREADY_FILED = "ALREADY_FILED"
    FILING_NOT_PENDING = "FILING_NOT_PENDING"
    FILING_NOT_ACKNOWLEDGED = "FILING_NOT_ACKNOWLEDGED"
    ALREADY_RATED = "ALREADY_RATED"
    # --- random double selection (双随机) -----------------------------------------------------
    NOT_YOUR_PLAN = "NOT_YOUR_PLAN"
    PLAN_NOT_PENDING = "PLAN_NOT_PENDING"
    PLAN_NOT_APPROVED = "PLAN_NOT_APPROVED"
    PLAN_ALREADY_FROZEN = "PLAN_ALREADY_FROZEN"
    PLAN_NOT_FROZEN = "PLAN_NOT_FROZEN"
    ALREADY_EXECUTED = "ALREADY_EXECUTED"
    PLAN_NOT_EXECUTED = "PLAN_NOT_EXECUTED"
    ENTROPY_ALREADY_PUBLIC = "ENTROPY_ALREADY_PUBLIC"
    ENTROPY_NOT_YET_PUBLIC = "ENTROPY_NOT_YET_PUBLIC"
    EMPTY_POOL = "EMPTY_POOL"
    INSUFFICIENT_INSPECTORS = "INSUFFICIENT_INSPECTORS"
    NOT_DRAWN = "NOT_DRAWN"
    INSPECTOR_NOT_DRAWN = "INSPECTOR_NOT_DRAWN"
    REPLACEMENT_OUT_OF_ORDER = "REPLACEMENT_OUT_OF_ORDER"
    NO_REPLACEMENT = "NO_REPLACEMENT"
    ALREADY_REMOVED = "ALREADY_REMOVED"
    ALREADY_REDRAWN = "ALREADY_REDRAWN"
    DRAW_STARTED = "DRAW_STARTED"
    # --- the single fee (一费制) ----------------------------------------------------------------
    UNLISTED_FEE = "UNLISTED_FEE"
    AMOUNT_NOT_STANDARD = "AMOUNT_NOT_STANDARD"
    NO_FEE_IN_THIS_STATE = "NO_FEE_IN_THIS_STATE"
    BILL_ALREADY_ISSUED = "BILL_ALREADY_ISSUED"
    BILL_ALREADY_PAID = "BILL_ALREADY_PAID"
    NOTHING_TO_BILL = "NOTHING_TO_BILL"
    LINE_NOT_OPEN = "LINE_NOT_OPEN"
    BILL_NOT_PAYABLE = "BILL_NOT_PAYABLE"
    AMOUNT_NOT_BILL_TOTAL = "AMOUNT_NOT_BILL_TOTAL"
    PAYMENT_REFERENCE_REUSED = "PAYMENT_REFERENCE_REUSED"
    VERSION_NOT_LATER = "VERSION_NOT_LATER"
    BILL_NOT_PAID = "BILL_NOT_PAID"
    REFUND_EXCEEDS_PAID = "REFUND_EXCEEDS_PAID"
    REFUND_NOT_AT_THIS_STEP = "REFUND_NOT_AT_THIS_STEP"
    # --- oversight (电子监察) --------------------------------------------------------------------
    ALERT_ALREADY_ACKNOWLEDGED = "ALERT_ALREADY_ACKNOWLEDGED"
    ALERT_ALREADY_RESOLVED = "ALERT_ALREADY_RESOLVED"


#: The status each reason comes with, and when it is given: the rows of ``docs/reasons.md``.
DESCRIPTIONS: dict[Reason, tuple[str, str]] = {
    Reason.INVALID_ARGUMENT: (
        "INVALID_ARGUMENT",
        "a malformed request; a `BadRequest` detail names every bad field",
    ),
    Reason.NOT_FOUND: ("NOT_FOUND", "an unknown enterprise, department, item, inspector, inspection or code"),
    Reason.ALREADY_EXISTS: ("ALREADY_EXISTS", "creating a directory entry whose key is taken"),
    Reason.REQUEST_ID_REUSED: (
        "FAILED_PRECONDITION",
        "a `request_id` already used by the same caller for a different request",
    ),
    Reason.TOKEN_MISSING: ("UNAUTHENTICATED", "no bearer token on a method that needs one"),
    Reason.TOKEN_INVALID: (
        "UNAUTHENTICATED",
        "a token that is malformed, not signed by this service, without an id (`jti`), issued in the "
        "future, or naming no valid role",
    ),
    Reason.TOKEN_EXPIRED: ("UNAUTHENTICATED", "a token past its `exp`"),
    Reason.TOKEN_REVOKED: (
        "UNAUTHENTICATED",
        "a token revoked by its id, or issued to a principal before that principal's tokens were revoked",
    ),
    Reason.TOKEN_UNKNOWN_DEPARTMENT: (
        "UNAUTHENTICATED",
        "a department token naming a department code that is not in the directory",
    ),
    Reason.NO_POLICY: (
        "PERMISSION_DENIED",
        "a method with no row in the policy table (never open by default)",
    ),
    Reason.ROLE_NOT_ALLOWED: ("PERMISSION_DENIED", "a role the method's policy row does not admit"),
    Reason.OUT_OF_SCOPE: (
        "PERMISSION_DENIED",
        "an enterprise reaching another enterprise's card, inspection or code; a department reading "
        "an inspection it takes no part in",
    ),
    Reason.NOT_YOUR_INSPECTION: (
        "PERMISSION_DENIED",
        "a department acting on another department's inspection",
    ),
    Reason.DATABASE_BUSY: ("RESOURCE_EXHAUSTED", "no database connection within its wait; retry later"),
    Reason.TOO_MANY_WATCHES: ("RESOURCE_EXHAUSTED", "this server already streams `max_watch_streams` cards"),
    Reason.SERVER_BUSY: (
        "RESOURCE_EXHAUSTED",
        "this server already runs `max_expensive_calls` expensive calls (VerifyCard, ImportEnterprises); "
        "retry later",
    ),
    Reason.DEADLINE_PASSED: (
        "DEADLINE_EXCEEDED",
        "the call's deadline passed while it waited for a thread; it was not started",
    ),
    Reason.DATABASE_UNAVAILABLE: (
        "UNAVAILABLE",
        "the database cannot be reached; nothing was written unless a retry with the same "
        "`request_id` finds it",
    ),
    Reason.UNDECODABLE_REQUEST: ("INVALID_ARGUMENT", "the request body is not a valid message of its type"),
    Reason.CONCURRENT_MODIFICATION: (
        "ABORTED",
        "a concurrent change won a race; retry with the same `request_id`",
    ),
    Reason.INTERNAL: (
        "INTERNAL",
        "a fault of the service; the message is sanitized and the log has the detail",
    ),
    Reason.TOO_FEW_INSPECTORS: (
        "FAILED_PRECONDITION",
        "fewer than `min_inspectors` (2) named, or present at check-in",
    ),
    Reason.INSPECTOR_NOT_OF_DEPARTMENT: ("FAILED_PRECONDITION", "an inspector of another department"),
    Reason.INSPECTOR_NOT_CERTIFIED: (
        "FAILED_PRECONDITION",
        "no enforcement certificate, inactive, or the certificate ends before the window does",
    ),
    Reason.INSPECTOR_RECUSED: ("FAILED_PRECONDITION", "a recorded recusal (回避) for this enterprise"),
    Reason.INSPECTOR_NOT_APPROVED: (
        "FAILED_PRECONDITION",
        "an inspector present who is not on the approved list",
    ),
    Reason.ITEM_NOT_OF_DEPARTMENT: ("FAILED_PRECONDITION", "a checklist item of another department"),
    Reason.ITEM_NOT_PUBLISHED: ("FAILED_PRECONDITION", "a checklist item that is not published"),
    Reason.APPROVAL_LEAD_TIME: (
        "FAILED_PRECONDITION",
        "a routine request less than `approval_lead_days` (7) days before its window opens",
    ),
    Reason.WINDOW_IN_PAST: ("FAILED_PRECONDITION", "a window that opened before today"),
    Reason.WINDOW_NOT_OPEN: ("FAILED_PRECONDITION", "a visit before the approved window opens"),
    Reason.WINDOW_ENDED: (
        "FAILED_PRECONDITION",
        "a visit after the approved window ended, or a decision on a request whose window has ended",
    ),
    Reason.QUIET_PERIOD: (
        "FAILED_PRECONDITION",
        "a non-emergency visit on a quiet day (宁静日; days 1–10 of each month by default)",
    ),
    Reason.NON_WORKING_DAY: (
        "FAILED_PRECONDITION",
        "a non-emergency visit on a weekend day or a configured holiday",
    ),
    Reason.DAILY_VISIT_LIMIT: (
        "FAILED_PRECONDITION",
        "a second visit to the enterprise on the same day (进一次门)",
    ),
    Reason.WHITE_LISTED: (
        "FAILED_PRECONDITION",
        "a routine inspection of a white-listed enterprise (无事不扰)",
    ),
    Reason.FREQUENCY_CAP_EXCEEDED: (
        "FAILED_PRECONDITION",
        "more than `max_routine_per_department_year` (2) routine inspections of one enterprise by one "
        "department in the calendar year of the window; rejected, cancelled and expired ones do not count",
    ),
    Reason.NOT_PENDING: (
        "FAILED_PRECONDITION",
        "deciding a subject that is no longer waiting for a decision",
    ),
    Reason.ALREADY_DECIDED: ("FAILED_PRECONDITION", "an office deciding twice"),
    Reason.ALREADY_ACKNOWLEDGED: ("FAILED_PRECONDITION", "an office acknowledging a filing twice"),
    Reason.SAME_PRINCIPAL: (
        "FAILED_PRECONDITION",
        "the second office's decision by the principal who made the first (separation of duties)",
    ),
    Reason.REASON_REQUIRED: ("INVALID_ARGUMENT", "a rejection, cancellation or emergency without its reason"),
    Reason.NOT_PROPOSED: (
        "FAILED_PRECONDITION",
        "a confirmation or decline of a joint check no longer waiting for its departments",
    ),
    Reason.NOT_JOINT_CHECK: (
        "FAILED_PRECONDITION",
        "a confirmation or decline of an inspection that is not a joint check",
    ),
    Reason.NOT_INVITED: (
        "PERMISSION_DENIED",
        "a department answering a joint check it was not invited to (or has declined)",
    ),
    Reason.NOT_MERGEABLE: (
        "FAILED_PRECONDITION",
        "a request named for merging into a joint check that is of another enterprise, not pending or "
        "approved, or in a window that does not overlap",
    ),
    Reason.SLOT_NOT_OFFERED: (
        "FAILED_PRECONDITION",
        "a booking on a half-day the lead did not offer, when the lead offered half-days",
    ),
    Reason.ALREADY_BOOKED: (
        "FAILED_PRECONDITION",
        "half-days offered for a visit the enterprise already booked",
    ),
    Reason.SLOT_TAKEN: (
        "FAILED_PRECONDITION",
        "a booking on a half-day an inspector of the check, or the enterprise, already has another visit",
    ),
    Reason.RESCHEDULE_LIMIT: ("FAILED_PRECONDITION", "a booked visit moved a second time"),
    Reason.NOT_BOOKED: ("FAILED_PRECONDITION", "a visit of a joint check whose enterprise has not booked it"),
    Reason.NOT_BOOKED_DAY: (
        "FAILED_PRECONDITION",
        "a visit of a joint check on another day than the one booked",
    ),
    Reason.USE_ACCEPTANCE: (
        "FAILED_PRECONDITION",
        "RecordResult on a joint check, whose result is each department's part (RecordPart) and the "
        "lead's unified acceptance (RecordAcceptance)",
    ),
    Reason.PARTS_MISSING: (
        "FAILED_PRECONDITION",
        "a unified acceptance before every confirmed department has recorded its part",
    ),
    Reason.ACCEPTANCE_CONTRADICTS_PARTS: (
        "FAILED_PRECONDITION",
        "an acceptance recorded as PASSED although a department's part found issues",
    ),
    Reason.PART_ALREADY_RECORDED: (
        "FAILED_PRECONDITION",
        "a department recording its part of a joint check twice",
    ),
    Reason.ALREADY_ANSWERED: (
        "FAILED_PRECONDITION",
        "a department answering a joint check it already confirmed",
    ),
    Reason.NOT_APPROVED: ("FAILED_PRECONDITION", "a visit on an inspection still waiting for approval"),
    Reason.REJECTED: ("FAILED_PRECONDITION", "a visit on an inspection an office rejected"),
    Reason.CANCELLED: ("FAILED_PRECONDITION", "a visit on a cancelled inspection"),
    Reason.EXPIRED: ("FAILED_PRECONDITION", "a visit on an inspection whose window ended unused"),
    Reason.NOT_CANCELLABLE: ("FAILED_PRECONDITION", "cancelling after check-in, or a closed inspection"),
    Reason.ALREADY_CHECKED_IN: ("FAILED_PRECONDITION", "checking in twice"),
    Reason.VISIT_COMPLETED: (
        "FAILED_PRECONDITION",
        "a code shown at the door after the visit's result was recorded (a `VerifyInspectionCode` answer)",
    ),
    Reason.NOT_IN_PROGRESS: ("FAILED_PRECONDITION", "a result before check-in"),
    Reason.RESULT_ALREADY_RECORDED: ("FAILED_PRECONDITION", "a second result (a correction is a new entry)"),
    Reason.NOT_COMPLETED: ("FAILED_PRECONDITION", "publishing or rating before the result is recorded"),
    Reason.ALREADY_PUBLISHED: ("FAILED_PRECONDITION", "publishing twice"),
    Reason.NOT_EMERGENCY: ("FAILED_PRECONDITION", "filing an inspection that was approved in advance"),
    Reason.ALREADY_FILED: ("FAILED_PRECONDITION", "filing an emergency twice"),
    Reason.FILING_NOT_PENDING: ("FAILED_PRECONDITION", "acknowledging a filing that is not waiting for it"),
    Reason.FILING_NOT_ACKNOWLEDGED: (
        "FAILED_PRECONDITION",
        "publishing an emergency before both offices acknowledged its filing",
    ),
    Reason.ALREADY_RATED: ("FAILED_PRECONDITION", "an enterprise rating one inspection twice"),
    Reason.NOT_YOUR_PLAN: (
        "PERMISSION_DENIED",
        "a department acting on a draw plan another department leads",
    ),
    Reason.PLAN_NOT_PENDING: (
        "FAILED_PRECONDITION",
        "deciding a draw plan that is no longer waiting for the offices",
    ),
    Reason.PLAN_NOT_APPROVED: ("FAILED_PRECONDITION", "freezing a draw plan both offices have not approved"),
    Reason.PLAN_ALREADY_FROZEN: ("FAILED_PRECONDITION", "freezing a draw plan twice"),
    Reason.PLAN_NOT_FROZEN: (
        "FAILED_PRECONDITION",
        "supplying entropy to a draw plan whose pool and parameters are not yet published",
    ),
    Reason.ALREADY_EXECUTED: (
        "FAILED_PRECONDITION",
        "executing a draw a second time (a redraw needs a new approval)",
    ),
    Reason.PLAN_NOT_EXECUTED: (
        "FAILED_PRECONDITION",
        "verifying, replacing in, removing from or redrawing a draw that has not been executed",
    ),
    Reason.ENTROPY_ALREADY_PUBLIC: (
        "FAILED_PRECONDITION",
        "freezing a draw plan after its named entropy became public (commit before entropy)",
    ),
    Reason.ENTROPY_NOT_YET_PUBLIC: (
        "FAILED_PRECONDITION",
        "executing a draw before the time its named entropy source publishes its value",
    ),
    Reason.EMPTY_POOL: (
        "FAILED_PRECONDITION",
        "freezing a draw plan whose filter and exclusions leave no enterprise",
    ),
    Reason.INSUFFICIENT_INSPECTORS: (
        "FAILED_PRECONDITION",
        "freezing a draw plan whose departments' eligible inspectors cannot cover the enterprises it draws",
    ),
    Reason.NOT_DRAWN: ("FAILED_PRECONDITION", "acting on an enterprise that the draw did not draw"),
    Reason.INSPECTOR_NOT_DRAWN: (
        "FAILED_PRECONDITION",
        "replacing an inspector who is not (or no longer) drawn for that enterprise",
    ),
    Reason.REPLACEMENT_OUT_OF_ORDER: (
        "FAILED_PRECONDITION",
        "naming a replacement inspector other than the next eligible one of the enterprise's ranking",
    ),
    Reason.NO_REPLACEMENT: (
        "FAILED_PRECONDITION",
        "replacing a drawn inspector when no eligible inspector is left in the enterprise's ranking",
    ),
    Reason.ALREADY_REMOVED: (
        "FAILED_PRECONDITION",
        "removing a drawn enterprise twice, or acting on a removed one",
    ),
    Reason.ALREADY_REDRAWN: ("FAILED_PRECONDITION", "requesting a second redraw of one draw"),
    Reason.DRAW_STARTED: (
        "FAILED_PRECONDITION",
        "redrawing, replacing in or removing from a draw whose inspection has already started",
    ),
    Reason.UNLISTED_FEE: (
        "FAILED_PRECONDITION",
        "a fee not in the caller's own catalogue valid on the visit day: another department's item, an"
        " unknown, expired or not yet valid item, or a charge described in words; kept on the card as"
        " an attempted unlisted fee",
    ),
    Reason.AMOUNT_NOT_STANDARD: (
        "FAILED_PRECONDITION",
        "a fee amount other than quantity × the item's standard amount; kept on the card as an attempt",
    ),
    Reason.NO_FEE_IN_THIS_STATE: (
        "FAILED_PRECONDITION",
        "assessing a fee on an inspection that has not been visited, or was rejected, cancelled or expired",
    ),
    Reason.BILL_ALREADY_ISSUED: (
        "FAILED_PRECONDITION",
        "assessing, voiding or issuing while the inspection's bill is issued (supersede it first)",
    ),
    Reason.BILL_ALREADY_PAID: (
        "FAILED_PRECONDITION",
        "assessing, issuing or superseding after the inspection's bill was paid, or paying it again",
    ),
    Reason.NOTHING_TO_BILL: ("FAILED_PRECONDITION", "issuing a bill with no open fee line"),
    Reason.LINE_NOT_OPEN: ("FAILED_PRECONDITION", "voiding a line that is billed, paid or voided"),
    Reason.BILL_NOT_PAYABLE: ("FAILED_PRECONDITION", "paying or superseding a superseded bill"),
    Reason.AMOUNT_NOT_BILL_TOTAL: ("FAILED_PRECONDITION", "a payment of an amount other than the bill total"),
    Reason.PAYMENT_REFERENCE_REUSED: (
        "FAILED_PRECONDITION",
        "a payment reference already recorded for a different bill or amount",
    ),
    Reason.VERSION_NOT_LATER: (
        "FAILED_PRECONDITION",
        "a catalogue revision valid from before today or not after the item's newest version",
    ),
    Reason.BILL_NOT_PAID: ("FAILED_PRECONDITION", "a refund of a bill that was not paid"),
    Reason.REFUND_EXCEEDS_PAID: (
        "FAILED_PRECONDITION",
        "a refund of more than the line's paid amount not yet refunded or asked back",
    ),
    Reason.REFUND_NOT_AT_THIS_STEP: (
        "FAILED_PRECONDITION",
        "a refund step out of order: verifying twice, deciding before verification, paying before approval",
    ),
    Reason.ALERT_ALREADY_ACKNOWLEDGED: (
        "FAILED_PRECONDITION",
        "acknowledging an alert that is already acknowledged or resolved",
    ),
    Reason.ALERT_ALREADY_RESOLVED: ("FAILED_PRECONDITION", "resolving an alert that is already resolved"),
}


def reasons_markdown() -> str:
    """``docs/reasons.md``: one row per reason, in the enum's order."""
    lines = [
        "# Reasons",
        "",
        "Every `google.rpc.ErrorInfo.reason` the service answers with (domain `inspection.onecard`).",
        "Generated from `inspection/reasons.py` by `python -m inspection.reasons > docs/reasons.md`;",
        "a test keeps this page and the enum equal.",
        "",
        "| reason | status | when |",
        "|---|---|---|",
    ]
    for reason in Reason:
        status, when = DESCRIPTIONS[reason]
        lines.append(f"| `{reason.value}` | `{status}` | {when} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(reasons_markdown())
