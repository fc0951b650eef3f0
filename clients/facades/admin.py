"""The admin: maintains the directories (enterprises, departments, inspectors, items, fees, recusals)."""

from __future__ import annotations

from typing import Any

from google.protobuf.field_mask_pb2 import FieldMask

from clients.csvchunks import DEFAULT_ROWS_PER_CHUNK
from clients.facades.base import (
    DateInput,
    EnumInput,
    ImportProgress,
    ImportSummary,
    date_message,
    enum_value,
    import_csv,
)
from clients.facades.readers import StaffReader
from inspection.v1 import access_service_pb2 as access_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import fee_service_pb2 as fee_pb
from inspection.v1 import registry_service_pb2 as reg_pb


class AdminClient(StaffReader):
    """The registry administrator: maintains the directories (DESIGN §3)."""

    def create_enterprise(
        self,
        uscc: str,
        name: str,
        *,
        industry: str = "",
        district: str = "",
        credit_class: EnumInput = "B",
        above_designated_size: bool = False,
        white_listed: bool = False,
        request_id: str | None = None,
    ) -> reg_pb.CreateEnterpriseResponse:
        enterprise = reg_pb.Enterprise(
            uscc=uscc,
            name=name,
            industry=industry,
            district=district,
            credit_class=enum_value(common_pb.CreditClass, "CREDIT_CLASS_", credit_class),
            above_designated_size=above_designated_size,
            white_listed=white_listed,
        )
        request = reg_pb.CreateEnterpriseRequest(enterprise=enterprise)
        return self._call(
            self._registry.CreateEnterprise, request, reg_pb.CreateEnterpriseResponse, request_id
        )

    def update_enterprise(
        self, uscc: str, changes: dict[str, Any], *, request_id: str | None = None
    ) -> reg_pb.UpdateEnterpriseResponse:
        """Changes the named fields (name, above_designated_size, industry, district, credit_class,
        white_listed); the card records each old and new value."""
        values = dict(changes)
        if "credit_class" in values:
            values["credit_class"] = enum_value(
                common_pb.CreditClass, "CREDIT_CLASS_", values["credit_class"]
            )
        unknown = sorted(set(values) - set(reg_pb.Enterprise.DESCRIPTOR.fields_by_name))
        if unknown:
            raise ValueError(f"an enterprise has no field(s) {', '.join(unknown)}")
        enterprise = reg_pb.Enterprise(uscc=uscc, **values)
        request = reg_pb.UpdateEnterpriseRequest(
            enterprise=enterprise, update_mask=FieldMask(paths=sorted(values))
        )
        return self._call(
            self._registry.UpdateEnterprise, request, reg_pb.UpdateEnterpriseResponse, request_id
        )

    def import_enterprises(
        self,
        data: bytes,
        *,
        rows_per_chunk: int = DEFAULT_ROWS_PER_CHUNK,
        progress: ImportProgress | None = None,
        request_id_prefix: str | None = None,
    ) -> ImportSummary:
        """Imports a CSV file (header ``uscc,name,above_designated_size,industry,district,
        credit_class,white_listed``) in chunks, one call each; errors carry the file's row numbers.

        With ``request_id_prefix`` the chunks' request ids are ``<prefix>-1``, ``<prefix>-2``… so
        re-running the same import after an interruption repeats nothing.
        """
        return import_csv(
            self.connection,
            self._registry.ImportEnterprises,
            reg_pb.ImportEnterprisesRequest,
            data,
            rows_per_chunk=rows_per_chunk,
            progress=progress,
            request_id_prefix=request_id_prefix,
        )

    def import_inspectors(
        self,
        data: bytes,
        *,
        rows_per_chunk: int = DEFAULT_ROWS_PER_CHUNK,
        progress: ImportProgress | None = None,
        request_id_prefix: str | None = None,
    ) -> ImportSummary:
        """Imports inspectors (header ``id,department_code,name,certificate_number,
        certificate_expiry,active``) as ``import_enterprises`` does."""
        return import_csv(
            self.connection,
            self._registry.ImportInspectors,
            reg_pb.ImportInspectorsRequest,
            data,
            rows_per_chunk=rows_per_chunk,
            progress=progress,
            request_id_prefix=request_id_prefix,
        )

    def create_department(self, code: str, name: str, *, request_id: str | None = None) -> reg_pb.Department:
        request = reg_pb.CreateDepartmentRequest(department=reg_pb.Department(code=code, name=name))
        return self._call(self._registry.CreateDepartment, request, reg_pb.Department, request_id)

    def create_inspector(
        self,
        inspector_id: str,
        department_code: str,
        name: str,
        *,
        certificate_number: str = "",
        certificate_expiry: DateInput | None = None,
        active: bool = True,
        request_id: str | None = None,
    ) -> reg_pb.Inspector:
        inspector = reg_pb.Inspector(
            id=inspector_id,
            department_code=department_code,
            name=name,
            certificate_number=certificate_number,
            certificate_expiry=date_message(certificate_expiry),
            active=active,
        )
        request = reg_pb.CreateInspectorRequest(inspector=inspector)
        return self._call(self._registry.CreateInspector, request, reg_pb.Inspector, request_id)

    def create_checklist_item(
        self,
        code: str,
        department_code: str,
        name: str,
        legal_basis: str,
        *,
        published: bool = True,
        request_id: str | None = None,
    ) -> reg_pb.ChecklistItem:
        item = reg_pb.ChecklistItem(
            code=code,
            department_code=department_code,
            name=name,
            legal_basis=legal_basis,
            published=published,
        )
        request = reg_pb.CreateChecklistItemRequest(item=item)
        return self._call(self._registry.CreateChecklistItem, request, reg_pb.ChecklistItem, request_id)

    def create_fee_item(self, item: reg_pb.FeeItem, *, request_id: str | None = None) -> reg_pb.FeeItem:
        """Adds a line to the fee catalogue; ``item.amount_fen`` is an integer number of fen."""
        request = reg_pb.CreateFeeItemRequest(item=item)
        return self._call(self._registry.CreateFeeItem, request, reg_pb.FeeItem, request_id)

    def revise_fee_item(
        self, version: fee_pb.FeeItemVersion, *, request_id: str | None = None
    ) -> fee_pb.FeeItemVersion:
        """Publishes the next version of a catalogue item, valid from a day not before today."""
        request = fee_pb.ReviseFeeItemRequest(item=version)
        return self._call(self._fees.ReviseFeeItem, request, fee_pb.FeeItemVersion, request_id)

    def create_recusal(
        self, inspector_id: str, uscc: str, reason: str = "", *, request_id: str | None = None
    ) -> reg_pb.CreateRecusalResponse:
        recusal = reg_pb.Recusal(inspector_id=inspector_id, uscc=uscc, reason=reason)
        request = reg_pb.CreateRecusalRequest(recusal=recusal)
        return self._call(self._registry.CreateRecusal, request, reg_pb.CreateRecusalResponse, request_id)

    def revoke_tokens(
        self, *, token_id: str = "", subject: str = "", reason: str = "", request_id: str | None = None
    ) -> access_pb.TokenRevocation:
        """Revokes one token (``token_id``) or every token of ``subject`` issued until now."""
        request = access_pb.RevokeTokensRequest(token_id=token_id, subject=subject, reason=reason)
        return self._call(self._access.RevokeTokens, request, access_pb.TokenRevocation, request_id)
