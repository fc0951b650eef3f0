import datetime

from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from inspection.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Enterprise(_message.Message):
    __slots__ = ("uscc", "name", "above_designated_size", "industry", "district", "credit_class", "white_listed", "create_time", "update_time")
    USCC_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ABOVE_DESIGNATED_SIZE_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_FIELD_NUMBER: _ClassVar[int]
    CREDIT_CLASS_FIELD_NUMBER: _ClassVar[int]
    WHITE_LISTED_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    name: str
    above_designated_size: bool
    industry: str
    district: str
    credit_class: _common_pb2.CreditClass
    white_listed: bool
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, uscc: _Optional[str] = ..., name: _Optional[str] = ..., above_designated_size: _Optional[bool] = ..., industry: _Optional[str] = ..., district: _Optional[str] = ..., credit_class: _Optional[_Union[_common_pb2.CreditClass, str]] = ..., white_listed: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateEnterpriseRequest(_message.Message):
    __slots__ = ("request_id", "enterprise")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    enterprise: Enterprise
    def __init__(self, request_id: _Optional[str] = ..., enterprise: _Optional[_Union[Enterprise, _Mapping]] = ...) -> None: ...

class CreateEnterpriseResponse(_message.Message):
    __slots__ = ("enterprise", "card_head")
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    CARD_HEAD_FIELD_NUMBER: _ClassVar[int]
    enterprise: Enterprise
    card_head: _common_pb2.CardHead
    def __init__(self, enterprise: _Optional[_Union[Enterprise, _Mapping]] = ..., card_head: _Optional[_Union[_common_pb2.CardHead, _Mapping]] = ...) -> None: ...

class GetEnterpriseRequest(_message.Message):
    __slots__ = ("uscc",)
    USCC_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    def __init__(self, uscc: _Optional[str] = ...) -> None: ...

class ListEnterprisesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "district", "industry", "credit_class")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DISTRICT_FIELD_NUMBER: _ClassVar[int]
    INDUSTRY_FIELD_NUMBER: _ClassVar[int]
    CREDIT_CLASS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    district: str
    industry: str
    credit_class: _common_pb2.CreditClass
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., district: _Optional[str] = ..., industry: _Optional[str] = ..., credit_class: _Optional[_Union[_common_pb2.CreditClass, str]] = ...) -> None: ...

class ListEnterprisesResponse(_message.Message):
    __slots__ = ("enterprises", "next_page_token")
    ENTERPRISES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    enterprises: _containers.RepeatedCompositeFieldContainer[Enterprise]
    next_page_token: str
    def __init__(self, enterprises: _Optional[_Iterable[_Union[Enterprise, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateEnterpriseRequest(_message.Message):
    __slots__ = ("request_id", "enterprise", "update_mask")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    enterprise: Enterprise
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, request_id: _Optional[str] = ..., enterprise: _Optional[_Union[Enterprise, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class UpdateEnterpriseResponse(_message.Message):
    __slots__ = ("enterprise", "card_head")
    ENTERPRISE_FIELD_NUMBER: _ClassVar[int]
    CARD_HEAD_FIELD_NUMBER: _ClassVar[int]
    enterprise: Enterprise
    card_head: _common_pb2.CardHead
    def __init__(self, enterprise: _Optional[_Union[Enterprise, _Mapping]] = ..., card_head: _Optional[_Union[_common_pb2.CardHead, _Mapping]] = ...) -> None: ...

class ImportEnterprisesRequest(_message.Message):
    __slots__ = ("request_id", "csv")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CSV_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    csv: bytes
    def __init__(self, request_id: _Optional[str] = ..., csv: _Optional[bytes] = ...) -> None: ...

class ImportInspectorsRequest(_message.Message):
    __slots__ = ("request_id", "csv")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CSV_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    csv: bytes
    def __init__(self, request_id: _Optional[str] = ..., csv: _Optional[bytes] = ...) -> None: ...

class ImportRowError(_message.Message):
    __slots__ = ("row", "field", "description")
    ROW_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    row: int
    field: str
    description: str
    def __init__(self, row: _Optional[int] = ..., field: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class ImportResponse(_message.Message):
    __slots__ = ("rows_read", "rows_imported", "errors")
    ROWS_READ_FIELD_NUMBER: _ClassVar[int]
    ROWS_IMPORTED_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    rows_read: int
    rows_imported: int
    errors: _containers.RepeatedCompositeFieldContainer[ImportRowError]
    def __init__(self, rows_read: _Optional[int] = ..., rows_imported: _Optional[int] = ..., errors: _Optional[_Iterable[_Union[ImportRowError, _Mapping]]] = ...) -> None: ...

class Department(_message.Message):
    __slots__ = ("code", "name")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class CreateDepartmentRequest(_message.Message):
    __slots__ = ("request_id", "department")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    department: Department
    def __init__(self, request_id: _Optional[str] = ..., department: _Optional[_Union[Department, _Mapping]] = ...) -> None: ...

class GetDepartmentRequest(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class ListDepartmentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDepartmentsResponse(_message.Message):
    __slots__ = ("departments", "next_page_token")
    DEPARTMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    departments: _containers.RepeatedCompositeFieldContainer[Department]
    next_page_token: str
    def __init__(self, departments: _Optional[_Iterable[_Union[Department, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Inspector(_message.Message):
    __slots__ = ("id", "department_code", "name", "certificate_number", "certificate_expiry", "active", "certified")
    ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_EXPIRY_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CERTIFIED_FIELD_NUMBER: _ClassVar[int]
    id: str
    department_code: str
    name: str
    certificate_number: str
    certificate_expiry: str
    active: bool
    certified: bool
    def __init__(self, id: _Optional[str] = ..., department_code: _Optional[str] = ..., name: _Optional[str] = ..., certificate_number: _Optional[str] = ..., certificate_expiry: _Optional[str] = ..., active: _Optional[bool] = ..., certified: _Optional[bool] = ...) -> None: ...

class CreateInspectorRequest(_message.Message):
    __slots__ = ("request_id", "inspector")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTOR_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspector: Inspector
    def __init__(self, request_id: _Optional[str] = ..., inspector: _Optional[_Union[Inspector, _Mapping]] = ...) -> None: ...

class GetInspectorRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListInspectorsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "department_code")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    department_code: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., department_code: _Optional[str] = ...) -> None: ...

class ListInspectorsResponse(_message.Message):
    __slots__ = ("inspectors", "next_page_token")
    INSPECTORS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    inspectors: _containers.RepeatedCompositeFieldContainer[Inspector]
    next_page_token: str
    def __init__(self, inspectors: _Optional[_Iterable[_Union[Inspector, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ChecklistItem(_message.Message):
    __slots__ = ("code", "department_code", "name", "legal_basis", "published")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    code: str
    department_code: str
    name: str
    legal_basis: str
    published: bool
    def __init__(self, code: _Optional[str] = ..., department_code: _Optional[str] = ..., name: _Optional[str] = ..., legal_basis: _Optional[str] = ..., published: _Optional[bool] = ...) -> None: ...

class CreateChecklistItemRequest(_message.Message):
    __slots__ = ("request_id", "item")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    item: ChecklistItem
    def __init__(self, request_id: _Optional[str] = ..., item: _Optional[_Union[ChecklistItem, _Mapping]] = ...) -> None: ...

class GetChecklistItemRequest(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class ListChecklistItemsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "department_code")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    department_code: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., department_code: _Optional[str] = ...) -> None: ...

class ListChecklistItemsResponse(_message.Message):
    __slots__ = ("items", "next_page_token")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[ChecklistItem]
    next_page_token: str
    def __init__(self, items: _Optional[_Iterable[_Union[ChecklistItem, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class FeeItem(_message.Message):
    __slots__ = ("code", "department_code", "name", "policy_basis", "fee_nature", "amount_fen", "unit", "collecting_unit", "valid_from", "valid_to")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    POLICY_BASIS_FIELD_NUMBER: _ClassVar[int]
    FEE_NATURE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FEN_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    COLLECTING_UNIT_FIELD_NUMBER: _ClassVar[int]
    VALID_FROM_FIELD_NUMBER: _ClassVar[int]
    VALID_TO_FIELD_NUMBER: _ClassVar[int]
    code: str
    department_code: str
    name: str
    policy_basis: str
    fee_nature: str
    amount_fen: int
    unit: str
    collecting_unit: str
    valid_from: str
    valid_to: str
    def __init__(self, code: _Optional[str] = ..., department_code: _Optional[str] = ..., name: _Optional[str] = ..., policy_basis: _Optional[str] = ..., fee_nature: _Optional[str] = ..., amount_fen: _Optional[int] = ..., unit: _Optional[str] = ..., collecting_unit: _Optional[str] = ..., valid_from: _Optional[str] = ..., valid_to: _Optional[str] = ...) -> None: ...

class CreateFeeItemRequest(_message.Message):
    __slots__ = ("request_id", "item")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    item: FeeItem
    def __init__(self, request_id: _Optional[str] = ..., item: _Optional[_Union[FeeItem, _Mapping]] = ...) -> None: ...

class GetFeeItemRequest(_message.Message):
    __slots__ = ("code",)
    CODE_FIELD_NUMBER: _ClassVar[int]
    code: str
    def __init__(self, code: _Optional[str] = ...) -> None: ...

class ListFeeItemsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "department_code")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    department_code: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., department_code: _Optional[str] = ...) -> None: ...

class ListFeeItemsResponse(_message.Message):
    __slots__ = ("items", "next_page_token")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[FeeItem]
    next_page_token: str
    def __init__(self, items: _Optional[_Iterable[_Union[FeeItem, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Recusal(_message.Message):
    __slots__ = ("inspector_id", "uscc", "reason", "create_time")
    INSPECTOR_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    inspector_id: str
    uscc: str
    reason: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, inspector_id: _Optional[str] = ..., uscc: _Optional[str] = ..., reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateRecusalRequest(_message.Message):
    __slots__ = ("request_id", "recusal")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RECUSAL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    recusal: Recusal
    def __init__(self, request_id: _Optional[str] = ..., recusal: _Optional[_Union[Recusal, _Mapping]] = ...) -> None: ...

class CreateRecusalResponse(_message.Message):
    __slots__ = ("recusal", "card_head")
    RECUSAL_FIELD_NUMBER: _ClassVar[int]
    CARD_HEAD_FIELD_NUMBER: _ClassVar[int]
    recusal: Recusal
    card_head: _common_pb2.CardHead
    def __init__(self, recusal: _Optional[_Union[Recusal, _Mapping]] = ..., card_head: _Optional[_Union[_common_pb2.CardHead, _Mapping]] = ...) -> None: ...

class ListRecusalsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "uscc", "inspector_id")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    INSPECTOR_ID_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    uscc: str
    inspector_id: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., uscc: _Optional[str] = ..., inspector_id: _Optional[str] = ...) -> None: ...

class ListRecusalsResponse(_message.Message):
    __slots__ = ("recusals", "next_page_token")
    RECUSALS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    recusals: _containers.RepeatedCompositeFieldContainer[Recusal]
    next_page_token: str
    def __init__(self, recusals: _Optional[_Iterable[_Union[Recusal, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
