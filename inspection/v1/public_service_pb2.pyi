import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from inspection.v1 import inspection_service_pb2 as _inspection_service_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PublishedResult(_message.Message):
    __slots__ = ("inspection_id", "uscc", "enterprise_name", "department_codes", "kind", "items", "visit_date", "result", "inspectors", "publish_time")
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODES_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    VISIT_DATE_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    INSPECTORS_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    inspection_id: str
    uscc: str
    enterprise_name: str
    department_codes: _containers.RepeatedScalarFieldContainer[str]
    kind: _inspection_service_pb2.InspectionKind
    items: _containers.RepeatedScalarFieldContainer[str]
    visit_date: str
    result: _inspection_service_pb2.InspectionResult
    inspectors: _containers.RepeatedScalarFieldContainer[str]
    publish_time: _timestamp_pb2.Timestamp
    def __init__(self, inspection_id: _Optional[str] = ..., uscc: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., department_codes: _Optional[_Iterable[str]] = ..., kind: _Optional[_Union[_inspection_service_pb2.InspectionKind, str]] = ..., items: _Optional[_Iterable[str]] = ..., visit_date: _Optional[str] = ..., result: _Optional[_Union[_inspection_service_pb2.InspectionResult, _Mapping]] = ..., inspectors: _Optional[_Iterable[str]] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListPublishedResultsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "uscc", "department_code")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    uscc: str
    department_code: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., uscc: _Optional[str] = ..., department_code: _Optional[str] = ...) -> None: ...

class ListPublishedResultsResponse(_message.Message):
    __slots__ = ("results", "next_page_token")
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[PublishedResult]
    next_page_token: str
    def __init__(self, results: _Optional[_Iterable[_Union[PublishedResult, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
