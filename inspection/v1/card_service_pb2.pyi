import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from inspection.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CardEntryKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CARD_ENTRY_KIND_UNSPECIFIED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_CARD_ISSUED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_ENTERPRISE_UPDATED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_RECUSAL_RECORDED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_REQUESTED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_DECIDED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_APPROVED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_REJECTED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_CANCELLED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_CHECKED_IN: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_RESULT_RECORDED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_PUBLISHED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_EMERGENCY_STARTED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_EMERGENCY_FILED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_FILING_ACKNOWLEDGED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_RATED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_COMPLAINT_FILED: _ClassVar[CardEntryKind]
    CARD_ENTRY_KIND_INSPECTION_EXPIRED: _ClassVar[CardEntryKind]
CARD_ENTRY_KIND_UNSPECIFIED: CardEntryKind
CARD_ENTRY_KIND_CARD_ISSUED: CardEntryKind
CARD_ENTRY_KIND_ENTERPRISE_UPDATED: CardEntryKind
CARD_ENTRY_KIND_RECUSAL_RECORDED: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_REQUESTED: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_DECIDED: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_APPROVED: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_REJECTED: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_CANCELLED: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_CHECKED_IN: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_RESULT_RECORDED: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_PUBLISHED: CardEntryKind
CARD_ENTRY_KIND_EMERGENCY_STARTED: CardEntryKind
CARD_ENTRY_KIND_EMERGENCY_FILED: CardEntryKind
CARD_ENTRY_KIND_FILING_ACKNOWLEDGED: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_RATED: CardEntryKind
CARD_ENTRY_KIND_COMPLAINT_FILED: CardEntryKind
CARD_ENTRY_KIND_INSPECTION_EXPIRED: CardEntryKind

class CardEntry(_message.Message):
    __slots__ = ("uscc", "seq", "kind", "actor_sub", "actor_role", "actor_org", "department_code", "inspection_id", "time", "payload_json", "prev_hash", "entry_hash")
    USCC_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ACTOR_SUB_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ROLE_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ORG_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_JSON_FIELD_NUMBER: _ClassVar[int]
    PREV_HASH_FIELD_NUMBER: _ClassVar[int]
    ENTRY_HASH_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    seq: int
    kind: CardEntryKind
    actor_sub: str
    actor_role: str
    actor_org: str
    department_code: str
    inspection_id: str
    time: _timestamp_pb2.Timestamp
    payload_json: str
    prev_hash: str
    entry_hash: str
    def __init__(self, uscc: _Optional[str] = ..., seq: _Optional[int] = ..., kind: _Optional[_Union[CardEntryKind, str]] = ..., actor_sub: _Optional[str] = ..., actor_role: _Optional[str] = ..., actor_org: _Optional[str] = ..., department_code: _Optional[str] = ..., inspection_id: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., payload_json: _Optional[str] = ..., prev_hash: _Optional[str] = ..., entry_hash: _Optional[str] = ...) -> None: ...

class DepartmentCount(_message.Message):
    __slots__ = ("department_code", "inspections")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    INSPECTIONS_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    inspections: int
    def __init__(self, department_code: _Optional[str] = ..., inspections: _Optional[int] = ...) -> None: ...

class Card(_message.Message):
    __slots__ = ("uscc", "enterprise_name", "head", "issue_time", "inspections_this_year", "open_inspections", "unpaid_fen")
    USCC_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    HEAD_FIELD_NUMBER: _ClassVar[int]
    ISSUE_TIME_FIELD_NUMBER: _ClassVar[int]
    INSPECTIONS_THIS_YEAR_FIELD_NUMBER: _ClassVar[int]
    OPEN_INSPECTIONS_FIELD_NUMBER: _ClassVar[int]
    UNPAID_FEN_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    enterprise_name: str
    head: _common_pb2.CardHead
    issue_time: _timestamp_pb2.Timestamp
    inspections_this_year: _containers.RepeatedCompositeFieldContainer[DepartmentCount]
    open_inspections: int
    unpaid_fen: int
    def __init__(self, uscc: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., head: _Optional[_Union[_common_pb2.CardHead, _Mapping]] = ..., issue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., inspections_this_year: _Optional[_Iterable[_Union[DepartmentCount, _Mapping]]] = ..., open_inspections: _Optional[int] = ..., unpaid_fen: _Optional[int] = ...) -> None: ...

class GetCardRequest(_message.Message):
    __slots__ = ("uscc",)
    USCC_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    def __init__(self, uscc: _Optional[str] = ...) -> None: ...

class ListCardEntriesRequest(_message.Message):
    __slots__ = ("uscc", "page_size", "page_token", "kinds", "department_code", "start_time", "end_time")
    USCC_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    page_size: int
    page_token: str
    kinds: _containers.RepeatedScalarFieldContainer[CardEntryKind]
    department_code: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, uscc: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kinds: _Optional[_Iterable[_Union[CardEntryKind, str]]] = ..., department_code: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListCardEntriesResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[CardEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[CardEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class VerifyCardRequest(_message.Message):
    __slots__ = ("uscc",)
    USCC_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    def __init__(self, uscc: _Optional[str] = ...) -> None: ...

class VerifyCardResponse(_message.Message):
    __slots__ = ("valid", "entries_checked", "head", "first_bad_seq", "problem")
    VALID_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_CHECKED_FIELD_NUMBER: _ClassVar[int]
    HEAD_FIELD_NUMBER: _ClassVar[int]
    FIRST_BAD_SEQ_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    entries_checked: int
    head: _common_pb2.CardHead
    first_bad_seq: int
    problem: str
    def __init__(self, valid: _Optional[bool] = ..., entries_checked: _Optional[int] = ..., head: _Optional[_Union[_common_pb2.CardHead, _Mapping]] = ..., first_bad_seq: _Optional[int] = ..., problem: _Optional[str] = ...) -> None: ...

class WatchCardRequest(_message.Message):
    __slots__ = ("uscc", "after_seq")
    USCC_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    after_seq: int
    def __init__(self, uscc: _Optional[str] = ..., after_seq: _Optional[int] = ...) -> None: ...
