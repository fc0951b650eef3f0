"""The one mapping between the domain's enums and the API's: each pair once, both directions.

A proto enum value is its domain value upper-cased behind the enum's prefix
(``INSPECTION_KIND_ROUTINE`` ↔ ``Kind.ROUTINE``, ``OFFICE_LEGAL_OFFICE`` ↔ ``Office.LEGAL_OFFICE``);
``tests/test_enums.py`` checks that every member of each side has its partner. A number a request
carries that the API does not define is a field violation, never an error inside the service.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from inspection.domain.approval import Office, Verdict
from inspection.domain.card import EntryKind
from inspection.domain.draws.plans import PlanState
from inspection.domain.fees import BillState, Channel, LineState
from inspection.domain.fees.refunds import RefundState
from inspection.domain.inspections import Handling, Kind, Origin, Outcome, State
from inspection.domain.inspections.appointment import HalfDay
from inspection.domain.inspections.deadlines import DeadlineKind, DeadlineStatus
from inspection.domain.inspections.model import Acceptance
from inspection.domain.oversight.alerts import AlertKind, AlertState, Category
from inspection.errors import Violations
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import draw_service_pb2 as draw_pb
from inspection.v1 import fee_service_pb2 as fee_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import oversight_service_pb2 as oversight_pb

E = TypeVar("E", bound=enum.StrEnum)


class EnumMap(Generic[E]):
    """One domain enum (or the listed part of it) and one proto enum, mapped by name."""

    def __init__(
        self, domain: type[E], proto: Any, prefix: str, *, members: Iterable[E] | None = None
    ) -> None:
        self.domain, self.proto, self.prefix = domain, proto, prefix
        self.members = tuple(members) if members is not None else tuple(domain)
        self._to_proto = {m: proto.Value(prefix + m.value.upper()) for m in self.members}
        self._from_proto = {number: m for m, number in self._to_proto.items()}

    def to_proto(self, value: str) -> Any:
        """The proto number of a domain value (as stored); 0 for an empty value. (Typed ``Any``: each
        proto enum has its own number type in the generated stubs.)"""
        return self._to_proto[self.domain(value)] if value else 0

    def from_proto(
        self, number: int, violations: Violations, path: str, *, required: bool = False
    ) -> E | None:
        """The domain member of a request's number; unspecified gives None (a violation if
        ``required``), a number the API does not define gives a violation naming ``path``."""
        if number == 0:
            if required:
                violations.add(path, "is required")
            return None
        member = self._from_proto.get(number)
        if member is None:
            allowed = ", ".join(self.proto.Name(n) for n in self._from_proto)
            violations.add(path, f"must be one of {allowed}")
        return member

    def proto_numbers(self) -> set[int]:
        return set(self._from_proto)


KINDS = EnumMap(Kind, common_pb.InspectionKind, "INSPECTION_KIND_")
OUTCOMES = EnumMap(Outcome, common_pb.Outcome, "OUTCOME_")
HANDLINGS = EnumMap(Handling, common_pb.Handling, "HANDLING_")
OFFICES = EnumMap(Office, common_pb.Office, "OFFICE_")
STATES = EnumMap(State, pb.InspectionState, "INSPECTION_STATE_")
ORIGINS = EnumMap(Origin, pb.InspectionOrigin, "INSPECTION_ORIGIN_")
#: An office decides APPROVE or REJECT; ACKNOWLEDGE is a filing's, with a message of its own.
DECISIONS = EnumMap(Verdict, pb.Decision, "DECISION_", members=(Verdict.APPROVE, Verdict.REJECT))
ENTRY_KINDS = EnumMap(EntryKind, card_pb.CardEntryKind, "CARD_ENTRY_KIND_")
ACCEPTANCES = EnumMap(Acceptance, pb.AcceptanceVerdict, "ACCEPTANCE_VERDICT_")
HALF_DAYS = EnumMap(HalfDay, pb.HalfDay, "HALF_DAY_")
CHANNELS = EnumMap(Channel, fee_pb.PaymentChannel, "PAYMENT_CHANNEL_")
LINE_STATES = EnumMap(LineState, fee_pb.FeeLineState, "FEE_LINE_STATE_")
BILL_STATES = EnumMap(BillState, fee_pb.BillState, "BILL_STATE_")
REFUND_STATES = EnumMap(RefundState, fee_pb.RefundState, "REFUND_STATE_")


class CreditClass(enum.StrEnum):
    """Credit-risk class letters as the directory stores them."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


CREDIT_CLASSES_MAP = EnumMap(CreditClass, common_pb.CreditClass, "CREDIT_CLASS_")

PLAN_STATES = EnumMap(PlanState, draw_pb.DrawPlanState, "DRAW_PLAN_STATE_")

DEADLINE_KINDS = EnumMap(DeadlineKind, pb.DeadlineKind, "DEADLINE_KIND_")
DEADLINE_STATUSES = EnumMap(DeadlineStatus, pb.DeadlineStatus, "DEADLINE_STATUS_")
ALERT_KINDS = EnumMap(AlertKind, oversight_pb.AlertKind, "ALERT_KIND_")
ALERT_CATEGORIES = EnumMap(Category, oversight_pb.AlertCategory, "ALERT_CATEGORY_")
ALERT_STATES = EnumMap(AlertState, oversight_pb.AlertState, "ALERT_STATE_")

#: Every pair, for the parity test.
ALL: tuple[EnumMap[Any], ...] = (
    KINDS,
    OUTCOMES,
    HANDLINGS,
    OFFICES,
    STATES,
    ORIGINS,
    DECISIONS,
    ENTRY_KINDS,
    ACCEPTANCES,
    HALF_DAYS,
    CREDIT_CLASSES_MAP,
    PLAN_STATES,
    CHANNELS,
    LINE_STATES,
    BILL_STATES,
    REFUND_STATES,
    DEADLINE_KINDS,
    DEADLINE_STATUSES,
    ALERT_KINDS,
    ALERT_CATEGORIES,
    ALERT_STATES,
)
