"""RegistryService: the directories (DESIGN §3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import grpc
from sqlmodel import Session

from inspection.api import convert
from inspection.api.base import ServicerBase
from inspection.domain import registry
from inspection.domain.registry import EnterpriseFields, EnterpriseQuery, ImportReport
from inspection.errors import FieldViolation, InvalidArgument, Violations
from inspection.v1 import registry_service_pb2 as pb
from inspection.v1 import registry_service_pb2_grpc as pb_grpc

#: Row problems listed in one import's answer; the answer counts all of them. Stored with the
#: request id for retries, the answer must always be one that can be sent.
MAX_LISTED_ROW_ERRORS = 1000


def _import_response(report: ImportReport) -> pb.ImportResponse:
    return pb.ImportResponse(
        rows_read=report.rows_read,
        rows_imported=report.rows_imported,
        errors=[
            pb.ImportRowError(row=e.row, field=e.field, description=e.description)
            for e in report.errors[:MAX_LISTED_ROW_ERRORS]
        ],
        error_count=len(report.errors),
    )


def _required(value: str, field: str) -> None:
    """A Get without a name is a malformed request, not a lookup of the empty name."""
    if not value:
        raise InvalidArgument([FieldViolation(field, "is required")])


def _enterprise_fields(message: pb.Enterprise) -> EnterpriseFields:
    return EnterpriseFields(
        uscc=message.uscc,
        name=message.name,
        above_designated_size=message.above_designated_size,
        industry=message.industry,
        district=message.district,
        # Unspecified means the default class; an unknown value is refused by validation.
        credit_class=convert.credit_from_proto(message.credit_class) if message.credit_class else "B",
        white_listed=message.white_listed,
    )


class RegistryServicer(ServicerBase, pb_grpc.RegistryServiceServicer):
    # --- enterprises ---

    def CreateEnterprise(
        self, request: pb.CreateEnterpriseRequest, context: grpc.ServicerContext
    ) -> pb.CreateEnterpriseResponse:
        fields = _enterprise_fields(request.enterprise)

        def work(session: Session) -> pb.CreateEnterpriseResponse:
            enterprise, head = registry.create_enterprise(
                session, fields, actor=self.call.principal, now=self.clock.now()
            )
            return pb.CreateEnterpriseResponse(
                enterprise=convert.enterprise(enterprise), card_head=convert.card_head(head)
            )

        return self.write(request, pb.CreateEnterpriseResponse, work)

    def GetEnterprise(self, request: pb.GetEnterpriseRequest, context: grpc.ServicerContext) -> pb.Enterprise:
        _required(request.uscc, "uscc")
        return self.read(lambda s: convert.enterprise(registry.get_enterprise(s, request.uscc)))

    def ListEnterprises(
        self, request: pb.ListEnterprisesRequest, context: grpc.ServicerContext
    ) -> pb.ListEnterprisesResponse:
        credit_class = convert.credit_from_proto(request.credit_class)
        if request.credit_class and not credit_class:
            raise InvalidArgument([FieldViolation("credit_class", "must be A, B, C, D or unspecified")])
        query = EnterpriseQuery(
            district=request.district,
            industry=request.industry,
            credit_class=credit_class,
        )

        def work(session: Session) -> pb.ListEnterprisesResponse:
            rows, token = registry.list_enterprises(
                session, query, size=request.page_size, token=request.page_token
            )
            return pb.ListEnterprisesResponse(
                enterprises=[convert.enterprise(r) for r in rows], next_page_token=token
            )

        return self.read(work)

    def UpdateEnterprise(
        self, request: pb.UpdateEnterpriseRequest, context: grpc.ServicerContext
    ) -> pb.UpdateEnterpriseResponse:
        message = request.enterprise
        changes: dict[str, Any] = {}
        for path in request.update_mask.paths:
            if path == "credit_class":
                changes[path] = convert.credit_from_proto(message.credit_class)
            elif path in registry.ENTERPRISE_MUTABLE:
                changes[path] = getattr(message, path)
            else:
                changes[path] = None  # refused by the domain with the list of allowed paths

        def work(session: Session) -> pb.UpdateEnterpriseResponse:
            enterprise, head = registry.update_enterprise(
                session, message.uscc, changes, actor=self.call.principal, now=self.clock.now()
            )
            return pb.UpdateEnterpriseResponse(
                enterprise=convert.enterprise(enterprise), card_head=convert.card_head(head)
            )

        return self.write(request, pb.UpdateEnterpriseResponse, work)

    def ImportEnterprises(
        self, request: pb.ImportEnterprisesRequest, context: grpc.ServicerContext
    ) -> pb.ImportResponse:
        def work(session: Session) -> pb.ImportResponse:
            report = registry.import_enterprises(
                session, request.csv, actor=self.call.principal, now=self.clock.now()
            )
            return _import_response(report)

        return self.write(request, pb.ImportResponse, work)

    # --- departments ---

    def CreateDepartment(
        self, request: pb.CreateDepartmentRequest, context: grpc.ServicerContext
    ) -> pb.Department:
        department = registry.Department(code=request.department.code, name=request.department.name)
        return self.write(
            request, pb.Department, lambda s: convert.department(registry.create_department(s, department))
        )

    def GetDepartment(self, request: pb.GetDepartmentRequest, context: grpc.ServicerContext) -> pb.Department:
        _required(request.code, "code")
        return self.read(lambda s: convert.department(registry.get_department(s, request.code)))

    def ListDepartments(
        self, request: pb.ListDepartmentsRequest, context: grpc.ServicerContext
    ) -> pb.ListDepartmentsResponse:
        def work(session: Session) -> pb.ListDepartmentsResponse:
            rows, token = registry.list_departments(
                session,
                size=request.page_size,
                token=request.page_token,
            )
            return pb.ListDepartmentsResponse(
                departments=[convert.department(r) for r in rows], next_page_token=token
            )

        return self.read(work)

    # --- inspectors ---

    def _inspector(self, row: registry.Inspector) -> pb.Inspector:
        today = self.calendar.today(self.clock.now())
        return convert.inspector(row, certified=registry.is_certified(row, today))

    def CreateInspector(
        self, request: pb.CreateInspectorRequest, context: grpc.ServicerContext
    ) -> pb.Inspector:
        message = request.inspector
        violations = Violations()
        inspector = registry.Inspector(
            id=message.id,
            department_code=message.department_code,
            name=message.name,
            certificate_number=message.certificate_number,
            certificate_expiry=convert.day(
                violations,
                "inspector.certificate_expiry",
                message.certificate_expiry,
                message.HasField("certificate_expiry"),
            ),
            active=message.active,
        )
        return self.write(
            request,
            pb.Inspector,
            lambda s: self._inspector(registry.create_inspector(s, inspector, violations)),
        )

    def GetInspector(self, request: pb.GetInspectorRequest, context: grpc.ServicerContext) -> pb.Inspector:
        _required(request.id, "id")
        return self.read(lambda s: self._inspector(registry.get_inspector(s, request.id)))

    def ListInspectors(
        self, request: pb.ListInspectorsRequest, context: grpc.ServicerContext
    ) -> pb.ListInspectorsResponse:
        def work(session: Session) -> pb.ListInspectorsResponse:
            rows, token = registry.list_inspectors(
                session,
                department_code=request.department_code,
                size=request.page_size,
                token=request.page_token,
            )
            return pb.ListInspectorsResponse(
                inspectors=[self._inspector(r) for r in rows], next_page_token=token
            )

        return self.read(work)

    def ImportInspectors(
        self, request: pb.ImportInspectorsRequest, context: grpc.ServicerContext
    ) -> pb.ImportResponse:
        return self.write(
            request, pb.ImportResponse, lambda s: _import_response(registry.import_inspectors(s, request.csv))
        )

    # --- checklist items ---

    def CreateChecklistItem(
        self, request: pb.CreateChecklistItemRequest, context: grpc.ServicerContext
    ) -> pb.ChecklistItem:
        m = request.item
        item = registry.ChecklistItem(
            code=m.code,
            department_code=m.department_code,
            name=m.name,
            legal_basis=m.legal_basis,
            published=m.published,
        )
        materials = tuple(m.materials)
        return self.write(
            request,
            pb.ChecklistItem,
            lambda s: convert.checklist_item(registry.create_checklist_item(s, item, materials=materials)),
        )

    def GetChecklistItem(
        self, request: pb.GetChecklistItemRequest, context: grpc.ServicerContext
    ) -> pb.ChecklistItem:
        _required(request.code, "code")
        return self.read(lambda s: convert.checklist_item(registry.get_checklist_item(s, request.code)))

    def ListChecklistItems(
        self, request: pb.ListChecklistItemsRequest, context: grpc.ServicerContext
    ) -> pb.ListChecklistItemsResponse:
        def work(session: Session) -> pb.ListChecklistItemsResponse:
            rows, token = registry.list_checklist_items(
                session,
                department_code=request.department_code,
                size=request.page_size,
                token=request.page_token,
            )
            return pb.ListChecklistItemsResponse(
                items=[convert.checklist_item(r) for r in rows], next_page_token=token
            )

        return self.read(work)

    # --- fee catalogue ---

    def CreateFeeItem(self, request: pb.CreateFeeItemRequest, context: grpc.ServicerContext) -> pb.FeeItem:
        m = request.item
        violations = Violations()
        valid_from = convert.day(
            violations, "item.valid_from", m.valid_from, m.HasField("valid_from"), required=True
        )
        item = registry.FeeItem(
            code=m.code,
            department_code=m.department_code,
            name=m.name,
            policy_basis=m.policy_basis,
            fee_nature=m.fee_nature,
            amount_fen=m.amount_fen,
            unit=m.unit,
            collecting_unit=m.collecting_unit,
            # A missing date is already a violation, so the placeholder is never stored.
            valid_from=valid_from or dt.date.min,
            valid_to=convert.day(violations, "item.valid_to", m.valid_to, m.HasField("valid_to")),
        )
        return self.write(
            request,
            pb.FeeItem,
            lambda s: convert.fee_item(registry.create_fee_item(s, item, violations, now=self.clock.now())),
        )

    def GetFeeItem(self, request: pb.GetFeeItemRequest, context: grpc.ServicerContext) -> pb.FeeItem:
        _required(request.code, "code")
        return self.read(lambda s: convert.fee_item(registry.get_fee_item(s, request.code)))

    def ListFeeItems(
        self, request: pb.ListFeeItemsRequest, context: grpc.ServicerContext
    ) -> pb.ListFeeItemsResponse:
        def work(session: Session) -> pb.ListFeeItemsResponse:
            rows, token = registry.list_fee_items(
                session,
                department_code=request.department_code,
                size=request.page_size,
                token=request.page_token,
            )
            return pb.ListFeeItemsResponse(items=[convert.fee_item(r) for r in rows], next_page_token=token)

        return self.read(work)

    # --- kinds of project ---

    def CreateProjectKind(
        self, request: pb.CreateProjectKindRequest, context: grpc.ServicerContext
    ) -> pb.ProjectKind:
        m = request.kind
        kind = registry.ProjectKind(code=m.code, name=m.name, lead_department=m.lead_department)
        items = tuple(m.item_codes)
        return self.write(
            request,
            pb.ProjectKind,
            lambda s: convert.project_kind(registry.create_project_kind(s, kind, item_codes=items)),
        )

    def ListProjectKinds(
        self, request: pb.ListProjectKindsRequest, context: grpc.ServicerContext
    ) -> pb.ListProjectKindsResponse:
        def work(session: Session) -> pb.ListProjectKindsResponse:
            rows, token = registry.list_project_kinds(
                session, size=request.page_size, token=request.page_token
            )
            return pb.ListProjectKindsResponse(
                kinds=[convert.project_kind(r) for r in rows], next_page_token=token
            )

        return self.read(work)

    # --- recusals ---

    def CreateRecusal(
        self, request: pb.CreateRecusalRequest, context: grpc.ServicerContext
    ) -> pb.CreateRecusalResponse:
        m = request.recusal

        def work(session: Session) -> pb.CreateRecusalResponse:
            recusal, head = registry.create_recusal(
                session,
                inspector_id=m.inspector_id,
                uscc=m.uscc,
                reason=m.reason,
                actor=self.call.principal,
                now=self.clock.now(),
            )
            return pb.CreateRecusalResponse(
                recusal=convert.recusal(recusal), card_head=convert.card_head(head)
            )

        return self.write(request, pb.CreateRecusalResponse, work)

    def ListRecusals(
        self, request: pb.ListRecusalsRequest, context: grpc.ServicerContext
    ) -> pb.ListRecusalsResponse:
        def work(session: Session) -> pb.ListRecusalsResponse:
            rows, token = registry.list_recusals(
                session,
                uscc=request.uscc,
                inspector_id=request.inspector_id,
                size=request.page_size,
                token=request.page_token,
            )
            return pb.ListRecusalsResponse(recusals=[convert.recusal(r) for r in rows], next_page_token=token)

        return self.read(work)
