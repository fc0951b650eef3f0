"""The authorization policy (DESIGN §2): one row per method, naming the roles allowed and the
scope check applied to the request. A method without a row is refused, never open by default."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspection.auth import Principal, Role

ScopeCheck = Callable[[Principal, Any], bool]

PKG = "/inspection.v1."
OFFICES = frozenset({Role.LEGAL_OFFICE, Role.SUPERVISION})
STAFF = frozenset({Role.ADMIN, Role.DEPARTMENT, *OFFICES})
SIGNED_IN = frozenset(set(Role) - {Role.PUBLIC})
EVERYONE = frozenset(Role)


def own_enterprise(field: str = "uscc") -> ScopeCheck:
    """An enterprise reaches only its own records; other roles pass through unchanged."""

    def check(principal: Principal, request: Any) -> bool:
        return principal.role is not Role.ENTERPRISE or getattr(request, field) == principal.org

    return check


def own_department(field: str = "department_code") -> ScopeCheck:
    """A department reaches only its own department's records; other roles pass through unchanged."""

    def check(principal: Principal, request: Any) -> bool:
        return principal.role is not Role.DEPARTMENT or getattr(request, field) == principal.org

    return check


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    scope: ScopeCheck | None = None
    #: Whether the method changes state (and so takes a request id and one write transaction).
    mutating: bool = False

    def allows(self, principal: Principal, request: Any) -> bool:
        return principal.role in self.roles and (self.scope is None or self.scope(principal, request))


def _admin_write() -> Rule:
    return Rule(frozenset({Role.ADMIN}), mutating=True)


_REG = PKG + "RegistryService/"
_CARD = PKG + "CardService/"
_INSP = PKG + "InspectionService/"
_PUB = PKG + "PublicService/"
_ACCESS = PKG + "AccessService/"
_DRAW = PKG + "DrawService/"
_FEE = PKG + "FeeService/"
_OVERSIGHT = PKG + "OversightService/"
_STATS = PKG + "StatisticsService/"
HALL = frozenset({Role.SERVICE_HALL})
DEPARTMENT = frozenset({Role.DEPARTMENT})
ENTERPRISE = frozenset({Role.ENTERPRISE})

POLICY: dict[str, Rule] = {
    # Directories: the admin maintains them; catalogue-like directories are public (公开).
    _REG + "CreateEnterprise": _admin_write(),
    _REG + "GetEnterprise": Rule(STAFF | {Role.ENTERPRISE}, own_enterprise()),
    _REG + "ListEnterprises": Rule(STAFF),
    _REG + "UpdateEnterprise": _admin_write(),
    _REG + "ImportEnterprises": _admin_write(),
    _REG + "CreateDepartment": _admin_write(),
    _REG + "GetDepartment": Rule(EVERYONE),
    _REG + "ListDepartments": Rule(EVERYONE),
    _REG + "CreateInspector": _admin_write(),
    _REG + "GetInspector": Rule(STAFF),
    _REG + "ListInspectors": Rule(STAFF),
    _REG + "ImportInspectors": _admin_write(),
    _REG + "CreateChecklistItem": _admin_write(),
    _REG + "GetChecklistItem": Rule(EVERYONE),
    _REG + "ListChecklistItems": Rule(EVERYONE),
    _REG + "CreateFeeItem": _admin_write(),
    _REG + "GetFeeItem": Rule(EVERYONE),
    _REG + "ListFeeItems": Rule(EVERYONE),
    _REG + "CreateProjectKind": _admin_write(),
    _REG + "ListProjectKinds": Rule(EVERYONE),
    _REG + "CreateRecusal": _admin_write(),
    _REG + "ListRecusals": Rule(STAFF),
    # The card: staff read every card, an enterprise its own.
    _CARD + "GetCard": Rule(STAFF | {Role.ENTERPRISE}, own_enterprise()),
    _CARD + "ListCardEntries": Rule(STAFF | {Role.ENTERPRISE}, own_enterprise()),
    _CARD + "VerifyCard": Rule(STAFF | {Role.ENTERPRISE}, own_enterprise()),
    _CARD + "WatchCard": Rule(STAFF | {Role.ENTERPRISE}, own_enterprise()),
    # Inspections (DESIGN §4). Whose inspection it is (lead department, inspected enterprise) is
    # checked by the domain against the stored inspection, since the request names only its id.
    _INSP + "RequestInspection": Rule(DEPARTMENT, mutating=True),
    _INSP + "DecideInspection": Rule(OFFICES, mutating=True),
    _INSP + "CancelInspection": Rule(DEPARTMENT, mutating=True),
    # Anyone holding a code may verify it at the door; names are masked without a token.
    _INSP + "VerifyInspectionCode": Rule(EVERYONE),
    _INSP + "CheckIn": Rule(DEPARTMENT, mutating=True),
    _INSP + "RecordResult": Rule(DEPARTMENT, mutating=True),
    _INSP + "PublishResult": Rule(DEPARTMENT, mutating=True),
    _INSP + "StartEmergencyInspection": Rule(DEPARTMENT, mutating=True),
    _INSP + "FileEmergencyInspection": Rule(DEPARTMENT, mutating=True),
    _INSP + "AcknowledgeFiling": Rule(OFFICES, mutating=True),
    _INSP + "RateInspection": Rule(ENTERPRISE, mutating=True),
    _INSP + "FileComplaint": Rule(ENTERPRISE, mutating=True),
    # Joint checks (DESIGN §5): the lead proposes, each invited department answers for itself
    # (checked by the domain against the stored participants).
    _INSP + "ProposeJointCheck": Rule(DEPARTMENT, mutating=True),
    _INSP + "RequestAcceptance": Rule(ENTERPRISE, own_enterprise(), mutating=True),
    _INSP + "ConfirmParticipation": Rule(DEPARTMENT, mutating=True),
    _INSP + "DeclineParticipation": Rule(DEPARTMENT, mutating=True),
    _INSP + "RecordPart": Rule(DEPARTMENT, mutating=True),
    _INSP + "RecordAcceptance": Rule(DEPARTMENT, mutating=True),
    # By appointment: the enterprise books its visit; whoever may read the check sees free slots.
    _INSP + "ListAvailableSlots": Rule(frozenset({Role.DEPARTMENT, Role.ENTERPRISE, Role.ADMIN, *OFFICES})),
    _INSP + "BookVisit": Rule(ENTERPRISE, mutating=True),
    _INSP + "OfferSlots": Rule(DEPARTMENT, mutating=True),
    _INSP + "GetInspection": Rule(frozenset({Role.DEPARTMENT, Role.ENTERPRISE, Role.ADMIN, *OFFICES})),
    _INSP + "ListInspections": Rule(frozenset({Role.DEPARTMENT, Role.ENTERPRISE, Role.ADMIN, *OFFICES})),
    # The public feed (一公开).
    _PUB + "ListPublishedResults": Rule(EVERYONE),
    # The public dashboard: counts only, no names, nothing about one enterprise (docs/statistics.md).
    _PUB + "GetDashboard": Rule(EVERYONE),
    # Random double selection (DESIGN §6): a department requests and freezes its plans and keeps
    # its draws in order (checked by the domain against the stored plan); both offices decide a
    # plan and either supplies the entropy; everything a draw publishes is public (一公开).
    _DRAW + "CreateDrawPlan": Rule(DEPARTMENT, mutating=True),
    _DRAW + "DecideDrawPlan": Rule(OFFICES, mutating=True),
    _DRAW + "FreezeDrawPlan": Rule(DEPARTMENT, mutating=True),
    _DRAW + "ExecuteDraw": Rule(OFFICES, mutating=True),
    _DRAW + "GetDrawPlan": Rule(EVERYONE),
    _DRAW + "ListDrawPlans": Rule(EVERYONE),
    _DRAW + "GetDrawParameters": Rule(EVERYONE),
    _DRAW + "GetDrawPool": Rule(EVERYONE),
    _DRAW + "VerifyDraw": Rule(EVERYONE),
    _DRAW + "ReplaceDrawnInspector": Rule(DEPARTMENT, mutating=True),
    _DRAW + "RemoveDrawnEnterprise": Rule(DEPARTMENT, mutating=True),
    _DRAW + "RequestRedraw": Rule(DEPARTMENT, mutating=True),
    # The single fee (DESIGN §7). The catalogue is public (公开); a department assesses and voids on
    # inspections it takes part in and the lead issues the one bill (checked by the domain against
    # the stored inspection); only the service hall takes payments (大厅统一收费).
    _FEE + "ReviseFeeItem": _admin_write(),
    _FEE + "GetFeeCatalogue": Rule(EVERYONE),
    _FEE + "AssessFee": Rule(DEPARTMENT, mutating=True),
    _FEE + "VoidFeeLine": Rule(DEPARTMENT, mutating=True),
    _FEE + "GetFeeLines": Rule(SIGNED_IN),
    _FEE + "IssueBill": Rule(DEPARTMENT, mutating=True),
    _FEE + "SupersedeBill": Rule(DEPARTMENT, mutating=True),
    _FEE + "GetBill": Rule(SIGNED_IN),
    _FEE + "PayBill": Rule(HALL, mutating=True),
    _FEE + "GetHallStatement": Rule(HALL | OFFICES | {Role.ADMIN}),
    # Refunds (退费): the enterprise asks for its own (checked by the domain against the stored
    # bill), the collecting department verifies, both offices approve, the hall pays back.
    _FEE + "RequestRefund": Rule(ENTERPRISE, mutating=True),
    _FEE + "ConfirmRefund": Rule(DEPARTMENT, mutating=True),
    _FEE + "DecideRefund": Rule(OFFICES, mutating=True),
    _FEE + "PayRefund": Rule(HALL, mutating=True),
    _FEE + "GetBillRefunds": Rule(SIGNED_IN),
    # Oversight (电子监察, DESIGN §9): the offices read, acknowledge and resolve every alert; a
    # department reads the alerts about itself (scoped by the domain, which also withholds the
    # kinds about ratings and complaints).
    _OVERSIGHT + "ListAlerts": Rule(OFFICES | DEPARTMENT),
    _OVERSIGHT + "GetAlert": Rule(OFFICES | DEPARTMENT),
    _OVERSIGHT + "AcknowledgeAlert": Rule(OFFICES, mutating=True),
    _OVERSIGHT + "ResolveAlert": Rule(OFFICES, mutating=True),
    _OVERSIGHT + "WatchAlerts": Rule(OFFICES | DEPARTMENT),
    # Statistics (电子监察 统计, DESIGN §9): the offices see every department's and the district's, a
    # department its own; an enterprise's burden for the offices, departments and itself.
    _STATS + "GetDepartmentStatistics": Rule(OFFICES | DEPARTMENT, own_department()),
    _STATS + "GetEnterpriseBurden": Rule(OFFICES | DEPARTMENT | ENTERPRISE, own_enterprise()),
    # Tokens: a holder refreshes its own; the administrator revokes.
    _ACCESS + "RefreshToken": Rule(SIGNED_IN),
    _ACCESS + "RevokeTokens": _admin_write(),
}


def rule_for(method: str) -> Rule | None:
    return POLICY.get(method)
