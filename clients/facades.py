"""One facade per role (DESIGN §2) over the generated stubs.

Each facade offers what its role may do, in the domain's words, and nothing else; the server's
policy table stays the authority. Lists are iterators that page through the service on demand.
Every mutating method takes an optional ``request_id``; without one the connection makes a fresh
uuid4 and reuses it for its retries, so a write is applied once.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import grpc
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.message import Message
from google.type import date_pb2

from clients.connection import Connection
from clients.csvchunks import DEFAULT_ROWS_PER_CHUNK, split_csv
from clients.errors import ServiceError
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import card_service_pb2_grpc as card_grpc
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as insp_pb
from inspection.v1 import inspection_service_pb2_grpc as insp_grpc
from inspection.v1 import public_service_pb2 as public_pb
from inspection.v1 import public_service_pb2_grpc as public_grpc
from inspection.v1 import registry_service_pb2 as reg_pb
from inspection.v1 import registry_service_pb2_grpc as reg_grpc

#: A safety bound on pages fetched by one listing; far above any real directory.
MAX_PAGES = 100_000
#: Resumptions of a card watch after the stream broke, before giving up.
WATCH_RESUMES = 5

EnumInput = int | str
R = TypeVar("R", bound=Message)
DateInput = dt.date | str


def enum_value(enum_type: Any, prefix: str, value: EnumInput) -> Any:
    """A proto enum number from a number, a full name (``INSPECTION_KIND_ROUTINE``) or a short,
    case-insensitive one (``routine``, ``issues-found``)."""
    if isinstance(value, int):
        return value
    name = value.strip().upper().replace("-", "_")
    if not name.startswith(prefix):
        name = prefix + name
    try:
        return enum_type.Value(name)
    except ValueError:
        choices = ", ".join(
            short_name(prefix, n).lower().replace("_", "-")
            for n in enum_type.keys()  # noqa: SIM118 (an enum wrapper, not a dict)
            if not n.endswith("_UNSPECIFIED")
        )
        raise ValueError(f"{value!r} is not one of: {choices}") from None


def short_name(prefix: str, name: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


def date_message(value: DateInput | None) -> date_pb2.Date | None:
    """A day for the API (``google.type.Date``) from a date or ``YYYY-MM-DD``; None (unset) for
    None or "". Text that is not a date raises ``ValueError`` before anything is sent."""
    if value is None or value == "":
        return None
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return date_pb2.Date(year=day.year, month=day.month, day=day.day)


def date_text(message: date_pb2.Date) -> str:
    """``YYYY-MM-DD`` of a day the API sent; "" when unset (all zero)."""
    if not message.year:
        return ""
    return f"{message.year:04d}-{message.month:02d}-{message.day:02d}"


def token_claims(token: str) -> dict[str, Any]:
    """The claims a bearer token makes about its holder, read WITHOUT checking the signature —
    for display and defaults only; the service verifies every token itself."""
    try:
        payload = token.split(".")[1]
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(decoded)
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def paged(
    connection: Connection,
    method: Any,
    request: Message,
    items: str,
    *,
    limit: int | None = None,
    page_size: int = 100,
) -> Iterator[Any]:
    """Yields the items of every page of a list call (AIP-158) until ``limit`` or the last page."""
    if limit is not None and limit <= 0:
        return
    request.page_size = min(page_size, limit) if limit else page_size  # type: ignore[attr-defined]
    seen: set[str] = set()
    count = 0
    for _ in range(MAX_PAGES):
        response = connection.call(method, request)
        for item in getattr(response, items):
            yield item
            count += 1
            if limit is not None and count >= limit:
                return
        token = response.next_page_token
        if not token or token in seen:
            return
        seen.add(token)
        request.page_token = token  # type: ignore[attr-defined]


# --- bulk import -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRowError:
    """A rejected row, numbered as in the file: data rows from 1 (the header is row 0)."""

    row: int
    line: int
    field: str
    description: str


@dataclass
class ImportSummary:
    rows_read: int = 0
    rows_imported: int = 0
    chunks: int = 0
    errors: list[ImportRowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


#: Called after each chunk with (rows done, rows in the file).
ImportProgress = Callable[[int, int], None]


def _import_csv(
    connection: Connection,
    method: Any,
    request_type: Any,
    data: bytes,
    *,
    rows_per_chunk: int,
    progress: ImportProgress | None,
    request_id_prefix: str | None,
) -> ImportSummary:
    chunks = split_csv(data, rows_per_chunk)
    total = sum(c.rows for c in chunks)
    summary = ImportSummary()
    done = 0
    if progress is not None:
        progress(0, total)
    for number, chunk in enumerate(chunks, start=1):
        request = request_type(csv=chunk.data)
        if request_id_prefix:
            request.request_id = f"{request_id_prefix}-{number}"
        response = connection.call(method, request)
        summary.chunks += 1
        summary.rows_read += response.rows_read
        summary.rows_imported += response.rows_imported
        file_level = False
        for error in response.errors:
            file_level = file_level or error.row == 0
            summary.errors.append(
                ImportRowError(
                    row=chunk.file_row(error.row),
                    line=chunk.file_line(error.row),
                    field=error.field,
                    description=error.description,
                )
            )
        done += chunk.rows
        if progress is not None:
            progress(done, total)
        if file_level:
            break  # a problem with the file itself (e.g. its header) repeats in every chunk
    return summary


# --- the facades -------------------------------------------------------------------------------


class _Facade:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        channel = connection.channel
        self._registry = reg_grpc.RegistryServiceStub(channel)
        self._cards = card_grpc.CardServiceStub(channel)
        self._inspections = insp_grpc.InspectionServiceStub(channel)
        self._public = public_grpc.PublicServiceStub(channel)

    def _call(self, method: Any, request: Message, returns: type[R], request_id: str | None = None) -> R:
        if request_id:
            request.request_id = request_id  # type: ignore[attr-defined]
        return cast(R, self.connection.call(method, request))


class DirectoryReader(_Facade):
    """The published directories every caller may read: departments, checklist items (检查事项),
    the fee catalogue (收费清单)."""

    def get_department(self, code: str) -> reg_pb.Department:
        return self._call(
            self._registry.GetDepartment, reg_pb.GetDepartmentRequest(code=code), reg_pb.Department
        )

    def departments(self, *, limit: int | None = None) -> Iterator[reg_pb.Department]:
        return paged(
            self.connection,
            self._registry.ListDepartments,
            reg_pb.ListDepartmentsRequest(),
            "departments",
            limit=limit,
        )

    def get_checklist_item(self, code: str) -> reg_pb.ChecklistItem:
        return self._call(
            self._registry.GetChecklistItem, reg_pb.GetChecklistItemRequest(code=code), reg_pb.ChecklistItem
        )

    def checklist_items(
        self, *, department_code: str = "", limit: int | None = None
    ) -> Iterator[reg_pb.ChecklistItem]:
        request = reg_pb.ListChecklistItemsRequest(department_code=department_code)
        return paged(self.connection, self._registry.ListChecklistItems, request, "items", limit=limit)

    def get_fee_item(self, code: str) -> reg_pb.FeeItem:
        return self._call(self._registry.GetFeeItem, reg_pb.GetFeeItemRequest(code=code), reg_pb.FeeItem)

    def fee_items(self, *, department_code: str = "", limit: int | None = None) -> Iterator[reg_pb.FeeItem]:
        request = reg_pb.ListFeeItemsRequest(department_code=department_code)
        return paged(self.connection, self._registry.ListFeeItems, request, "items", limit=limit)


class CardReader(_Facade):
    """Reading, verifying and watching a card (一卡通): staff read every card, an enterprise its own."""

    def get_enterprise(self, uscc: str) -> reg_pb.Enterprise:
        return self._call(
            self._registry.GetEnterprise, reg_pb.GetEnterpriseRequest(uscc=uscc), reg_pb.Enterprise
        )

    def get_card(self, uscc: str) -> card_pb.Card:
        return self._call(self._cards.GetCard, card_pb.GetCardRequest(uscc=uscc), card_pb.Card)

    def card_entries(
        self,
        uscc: str,
        *,
        kinds: Sequence[EnumInput] = (),
        department_code: str = "",
        start_time: dt.datetime | None = None,
        end_time: dt.datetime | None = None,
        limit: int | None = None,
        page_size: int = 200,
    ) -> Iterator[card_pb.CardEntry]:
        """Entries in ascending ``seq``; ``kinds`` by name (``inspection-requested``) or number."""
        request = card_pb.ListCardEntriesRequest(
            uscc=uscc,
            kinds=[enum_value(card_pb.CardEntryKind, "CARD_ENTRY_KIND_", k) for k in kinds],
            department_code=department_code,
        )
        if start_time is not None:
            request.start_time.FromDatetime(start_time)
        if end_time is not None:
            request.end_time.FromDatetime(end_time)
        return paged(
            self.connection, self._cards.ListCardEntries, request, "entries", limit=limit, page_size=page_size
        )

    def verify_card(self, uscc: str) -> card_pb.VerifyCardResponse:
        return self._call(
            self._cards.VerifyCard, card_pb.VerifyCardRequest(uscc=uscc), card_pb.VerifyCardResponse
        )

    def watch_card(self, uscc: str, *, after_seq: int = 0) -> Generator[card_pb.CardEntry, None, None]:
        """Entries after ``after_seq``, then each new one as it is written, until the caller stops.

        A stream broken by a transient failure is resumed after the last entry received, a
        bounded number of times.
        """
        last = after_seq
        for resume in range(WATCH_RESUMES + 1):
            request = card_pb.WatchCardRequest(uscc=uscc, after_seq=last)
            try:
                for message in self.connection.stream(self._cards.WatchCard, request):
                    if not message.HasField("entry"):  # a heartbeat: the stream is alive and caught up
                        continue
                    yield message.entry
                    last = message.entry.seq
                return
            except ServiceError as error:
                if error.code != grpc.StatusCode.UNAVAILABLE or resume == WATCH_RESUMES:
                    raise
                time.sleep(self.connection.retry.backoff(resume + 1))


class InspectionReader(_Facade):
    """Reading inspections, scoped by the server to what the caller may see."""

    def get_inspection(self, inspection_id: str) -> insp_pb.Inspection:
        return self._call(
            self._inspections.GetInspection,
            insp_pb.GetInspectionRequest(inspection_id=inspection_id),
            insp_pb.Inspection,
        )

    def inspections(
        self,
        *,
        uscc: str = "",
        department_code: str = "",
        state: EnumInput = 0,
        kind: EnumInput = 0,
        window_start: DateInput | None = None,
        window_end: DateInput | None = None,
        awaiting_my_decision: bool = False,
        limit: int | None = None,
    ) -> Iterator[insp_pb.Inspection]:
        request = insp_pb.ListInspectionsRequest(
            uscc=uscc,
            department_code=department_code,
            state=enum_value(insp_pb.InspectionState, "INSPECTION_STATE_", state),
            kind=enum_value(common_pb.InspectionKind, "INSPECTION_KIND_", kind),
            window_start=date_message(window_start),
            window_end=date_message(window_end),
            awaiting_my_decision=awaiting_my_decision,
        )
        return paged(self.connection, self._inspections.ListInspections, request, "inspections", limit=limit)


class CodeVerifier(_Facade):
    """Verifying an inspection code (检查码) on the doorstep: the enterprise, the offices, and
    anyone without a token (who sees the inspectors' names masked)."""

    def verify_code(self, inspection_code: str) -> insp_pb.InspectionCodeVerification:
        """What the code stands for (who, which items, legal basis, approvals, window) and whether
        it is valid today."""
        request = insp_pb.VerifyInspectionCodeRequest(inspection_code=inspection_code)
        return self._call(self._inspections.VerifyInspectionCode, request, insp_pb.InspectionCodeVerification)


class StaffReader(CardReader, InspectionReader, DirectoryReader):
    """What every government role reads: enterprises, inspectors, recusals, cards, inspections."""

    def enterprises(
        self,
        *,
        district: str = "",
        industry: str = "",
        credit_class: EnumInput = 0,
        limit: int | None = None,
    ) -> Iterator[reg_pb.Enterprise]:
        request = reg_pb.ListEnterprisesRequest(
            district=district,
            industry=industry,
            credit_class=enum_value(common_pb.CreditClass, "CREDIT_CLASS_", credit_class),
        )
        return paged(self.connection, self._registry.ListEnterprises, request, "enterprises", limit=limit)

    def get_inspector(self, inspector_id: str) -> reg_pb.Inspector:
        return self._call(
            self._registry.GetInspector, reg_pb.GetInspectorRequest(id=inspector_id), reg_pb.Inspector
        )

    def inspectors(
        self, *, department_code: str = "", limit: int | None = None
    ) -> Iterator[reg_pb.Inspector]:
        request = reg_pb.ListInspectorsRequest(department_code=department_code)
        return paged(self.connection, self._registry.ListInspectors, request, "inspectors", limit=limit)

    def recusals(
        self, *, uscc: str = "", inspector_id: str = "", limit: int | None = None
    ) -> Iterator[reg_pb.Recusal]:
        request = reg_pb.ListRecusalsRequest(uscc=uscc, inspector_id=inspector_id)
        return paged(self.connection, self._registry.ListRecusals, request, "recusals", limit=limit)


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
        return _import_csv(
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
        return _import_csv(
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

    def create_recusal(
        self, inspector_id: str, uscc: str, reason: str = "", *, request_id: str | None = None
    ) -> reg_pb.CreateRecusalResponse:
        recusal = reg_pb.Recusal(inspector_id=inspector_id, uscc=uscc, reason=reason)
        request = reg_pb.CreateRecusalRequest(recusal=recusal)
        return self._call(self._registry.CreateRecusal, request, reg_pb.CreateRecusalResponse, request_id)


def _fen(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} is an integer number of fen, not {type(value).__name__}")
    return value


class DepartmentClient(StaffReader):
    """A department (执法部门): requests, runs and records its own inspections (DESIGN §4)."""

    def request_inspection(
        self,
        uscc: str,
        *,
        kind: EnumInput,
        item_codes: Iterable[str],
        inspector_ids: Iterable[str],
        window_start: DateInput,
        window_end: DateInput,
        legal_basis: str,
        reason: str,
        request_id: str | None = None,
    ) -> insp_pb.RequestInspectionResponse:
        """→ ``REQUESTED``; the response says whether another department's visit overlaps."""
        request = insp_pb.RequestInspectionRequest(
            uscc=uscc,
            kind=enum_value(common_pb.InspectionKind, "INSPECTION_KIND_", kind),
            item_codes=list(item_codes),
            inspector_ids=list(inspector_ids),
            window_start=date_message(window_start),
            window_end=date_message(window_end),
            legal_basis=legal_basis,
            reason=reason,
        )
        return self._call(
            self._inspections.RequestInspection, request, insp_pb.RequestInspectionResponse, request_id
        )

    def cancel_inspection(
        self, inspection_id: str, reason: str, *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.CancelInspectionRequest(inspection_id=inspection_id, reason=reason)
        return self._call(self._inspections.CancelInspection, request, insp_pb.InspectionChange, request_id)

    def check_in(
        self, inspection_code: str, inspector_ids: Iterable[str], *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        """Presents the inspection code (检查码) and the inspectors on site → ``IN_PROGRESS``."""
        request = insp_pb.CheckInRequest(inspection_code=inspection_code, inspector_ids=list(inspector_ids))
        return self._call(self._inspections.CheckIn, request, insp_pb.InspectionChange, request_id)

    def record_result(
        self,
        inspection_id: str,
        *,
        outcome: EnumInput,
        handling: EnumInput = "none",
        findings: str = "",
        rectification_deadline: DateInput | None = None,
        penalty_fen: int = 0,
        penalty_basis: str = "",
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """Findings, outcome and handling (处理) → ``COMPLETED``; a penalty is integer fen."""
        result = common_pb.InspectionResult(
            outcome=enum_value(common_pb.Outcome, "OUTCOME_", outcome),
            handling=enum_value(common_pb.Handling, "HANDLING_", handling),
            findings=findings,
            rectification_deadline=date_message(rectification_deadline),
            penalty_fen=_fen(penalty_fen, "penalty_fen"),
            penalty_basis=penalty_basis,
        )
        request = insp_pb.RecordResultRequest(inspection_id=inspection_id, result=result)
        return self._call(self._inspections.RecordResult, request, insp_pb.InspectionChange, request_id)

    def publish_result(
        self, inspection_id: str, *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        """Publishes a completed result on the public feed (一公开) → ``PUBLISHED``."""
        request = insp_pb.PublishResultRequest(inspection_id=inspection_id)
        return self._call(self._inspections.PublishResult, request, insp_pb.InspectionChange, request_id)

    def start_emergency(
        self,
        uscc: str,
        *,
        reason: str,
        item_codes: Iterable[str],
        inspector_ids: Iterable[str],
        legal_basis: str,
        request_id: str | None = None,
    ) -> insp_pb.InspectionChange:
        """An emergency concerning life or property safety → ``IN_PROGRESS`` at once, to be filed
        with both offices afterwards (事后登记备案)."""
        request = insp_pb.StartEmergencyInspectionRequest(
            uscc=uscc,
            reason=reason,
            item_codes=list(item_codes),
            inspector_ids=list(inspector_ids),
            legal_basis=legal_basis,
        )
        return self._call(
            self._inspections.StartEmergencyInspection, request, insp_pb.InspectionChange, request_id
        )

    def file_emergency(
        self, inspection_id: str, report: str, *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.FileEmergencyInspectionRequest(inspection_id=inspection_id, report=report)
        return self._call(
            self._inspections.FileEmergencyInspection, request, insp_pb.InspectionChange, request_id
        )


class OfficeClient(StaffReader, CodeVerifier):
    """The legal affairs office (法制办) or the supervision bureau (监察局): both must approve an
    inspection, and both acknowledge an emergency filing."""

    def pending(self, *, limit: int | None = None) -> Iterator[insp_pb.Inspection]:
        """Inspections and filings waiting for this office's decision."""
        return self.inspections(awaiting_my_decision=True, limit=limit)

    def decide(
        self, inspection_id: str, *, approve: bool, comment: str = "", request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.DecideInspectionRequest(
            inspection_id=inspection_id,
            decision=insp_pb.DECISION_APPROVE if approve else insp_pb.DECISION_REJECT,
            comment=comment,
        )
        return self._call(self._inspections.DecideInspection, request, insp_pb.InspectionChange, request_id)

    def approve(
        self, inspection_id: str, comment: str = "", *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        return self.decide(inspection_id, approve=True, comment=comment, request_id=request_id)

    def reject(
        self, inspection_id: str, comment: str, *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        return self.decide(inspection_id, approve=False, comment=comment, request_id=request_id)

    def acknowledge_filing(
        self, inspection_id: str, comment: str = "", *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.AcknowledgeFilingRequest(inspection_id=inspection_id, comment=comment)
        return self._call(self._inspections.AcknowledgeFiling, request, insp_pb.InspectionChange, request_id)


class LegalOfficeClient(OfficeClient):
    """The district legal affairs office (法制办)."""


class SupervisionClient(OfficeClient):
    """The supervision bureau (监察局); alerts and statistics will join it in a later issue."""


class EnterpriseClient(CardReader, InspectionReader, CodeVerifier, DirectoryReader):
    """An enterprise's compliance officer: its own card and inspections, verifying a code on the
    doorstep, rating an inspection, complaining."""

    def __init__(self, connection: Connection, uscc: str | None = None) -> None:
        super().__init__(connection)
        self.uscc = uscc or str(token_claims(connection.token or "").get("org", ""))

    def enterprise(self) -> reg_pb.Enterprise:
        return self.get_enterprise(self.uscc)

    def card(self) -> card_pb.Card:
        return self.get_card(self.uscc)

    def entries(self, **filters: Any) -> Iterator[card_pb.CardEntry]:
        return self.card_entries(self.uscc, **filters)

    def verify(self) -> card_pb.VerifyCardResponse:
        return self.verify_card(self.uscc)

    def watch(self, *, after_seq: int = 0) -> Iterator[card_pb.CardEntry]:
        return self.watch_card(self.uscc, after_seq=after_seq)

    def my_inspections(self, **filters: Any) -> Iterator[insp_pb.Inspection]:
        return self.inspections(uscc=self.uscc, **filters)

    def rate(
        self, inspection_id: str, score: int, comment: str = "", *, request_id: str | None = None
    ) -> insp_pb.InspectionChange:
        request = insp_pb.RateInspectionRequest(inspection_id=inspection_id, score=score, comment=comment)
        return self._call(self._inspections.RateInspection, request, insp_pb.InspectionChange, request_id)

    def complain(
        self, text: str, *, inspection_id: str = "", request_id: str | None = None
    ) -> insp_pb.FileComplaintResponse:
        request = insp_pb.FileComplaintRequest(inspection_id=inspection_id, text=text)
        return self._call(self._inspections.FileComplaint, request, insp_pb.FileComplaintResponse, request_id)


class ServiceHallClient(DirectoryReader):
    """The service hall (政务服务大厅) that collects the single fee (一费制); it reads the fee
    catalogue now, bills and payments arrive with the fee workflow."""


class PublicClient(CodeVerifier, DirectoryReader):
    """Anyone, without a token: the public feed (一公开) and verifying an inspection code."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection.anonymous() if connection.token else connection)

    def published_results(
        self, *, uscc: str = "", department_code: str = "", limit: int | None = None
    ) -> Iterator[public_pb.PublishedResult]:
        request = public_pb.ListPublishedResultsRequest(uscc=uscc, department_code=department_code)
        return paged(self.connection, self._public.ListPublishedResults, request, "results", limit=limit)


__all__ = [
    "AdminClient",
    "CardReader",
    "CodeVerifier",
    "DepartmentClient",
    "DirectoryReader",
    "EnterpriseClient",
    "ImportRowError",
    "ImportSummary",
    "InspectionReader",
    "LegalOfficeClient",
    "OfficeClient",
    "PublicClient",
    "ServiceHallClient",
    "StaffReader",
    "SupervisionClient",
    "enum_value",
    "paged",
    "short_name",
    "token_claims",
]
