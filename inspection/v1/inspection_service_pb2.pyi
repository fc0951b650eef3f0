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

class InspectionKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSPECTION_KIND_UNSPECIFIED: _ClassVar[InspectionKind]
    INSPECTION_KIND_ROUTINE: _ClassVar[InspectionKind]
    INSPECTION_KIND_TRIGGERED: _ClassVar[InspectionKind]
    INSPECTION_KIND_SPECIAL: _ClassVar[InspectionKind]
    INSPECTION_KIND_EMERGENCY: _ClassVar[InspectionKind]

class InspectionOrigin(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSPECTION_ORIGIN_UNSPECIFIED: _ClassVar[InspectionOrigin]
    INSPECTION_ORIGIN_REQUEST: _ClassVar[InspectionOrigin]
    INSPECTION_ORIGIN_JOINT_CHECK: _ClassVar[InspectionOrigin]
    INSPECTION_ORIGIN_DRAW: _ClassVar[InspectionOrigin]

class InspectionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSPECTION_STATE_UNSPECIFIED: _ClassVar[InspectionState]
    INSPECTION_STATE_REQUESTED: _ClassVar[InspectionState]
    INSPECTION_STATE_APPROVED: _ClassVar[InspectionState]
    INSPECTION_STATE_REJECTED: _ClassVar[InspectionState]
    INSPECTION_STATE_CANCELLED: _ClassVar[InspectionState]
    INSPECTION_STATE_IN_PROGRESS: _ClassVar[InspectionState]
    INSPECTION_STATE_COMPLETED: _ClassVar[InspectionState]
    INSPECTION_STATE_PUBLISHED: _ClassVar[InspectionState]
    INSPECTION_STATE_FILED_PENDING: _ClassVar[InspectionState]
    INSPECTION_STATE_FILED: _ClassVar[InspectionState]
    INSPECTION_STATE_EXPIRED: _ClassVar[InspectionState]

class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_UNSPECIFIED: _ClassVar[Decision]
    DECISION_APPROVE: _ClassVar[Decision]
    DECISION_REJECT: _ClassVar[Decision]
    DECISION_ACKNOWLEDGE: _ClassVar[Decision]

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_NO_ISSUES: _ClassVar[Outcome]
    OUTCOME_ISSUES_FOUND: _ClassVar[Outcome]

class Handling(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HANDLING_UNSPECIFIED: _ClassVar[Handling]
    HANDLING_NONE: _ClassVar[Handling]
    HANDLING_RECTIFICATION: _ClassVar[Handling]
    HANDLING_PENALTY: _ClassVar[Handling]
INSPECTION_KIND_UNSPECIFIED: InspectionKind
INSPECTION_KIND_ROUTINE: InspectionKind
INSPECTION_KIND_TRIGGERED: InspectionKind
INSPECTION_KIND_SPECIAL: InspectionKind
INSPECTION_KIND_EMERGENCY: InspectionKind
INSPECTION_ORIGIN_UNSPECIFIED: InspectionOrigin
INSPECTION_ORIGIN_REQUEST: InspectionOrigin
INSPECTION_ORIGIN_JOINT_CHECK: InspectionOrigin
INSPECTION_ORIGIN_DRAW: InspectionOrigin
INSPECTION_STATE_UNSPECIFIED: InspectionState
INSPECTION_STATE_REQUESTED: InspectionState
INSPECTION_STATE_APPROVED: InspectionState
INSPECTION_STATE_REJECTED: InspectionState
INSPECTION_STATE_CANCELLED: InspectionState
INSPECTION_STATE_IN_PROGRESS: InspectionState
INSPECTION_STATE_COMPLETED: InspectionState
INSPECTION_STATE_PUBLISHED: InspectionState
INSPECTION_STATE_FILED_PENDING: InspectionState
INSPECTION_STATE_FILED: InspectionState
INSPECTION_STATE_EXPIRED: InspectionState
DECISION_UNSPECIFIED: Decision
DECISION_APPROVE: Decision
DECISION_REJECT: Decision
DECISION_ACKNOWLEDGE: Decision
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_NO_ISSUES: Outcome
OUTCOME_ISSUES_FOUND: Outcome
HANDLING_UNSPECIFIED: Handling
HANDLING_NONE: Handling
HANDLING_RECTIFICATION: Handling
HANDLING_PENALTY: Handling

class AssignedInspector(_message.Message):
    __slots__ = ("id", "name", "certificate_number", "present")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PRESENT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    certificate_number: str
    present: bool
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., certificate_number: _Optional[str] = ..., present: _Optional[bool] = ...) -> None: ...

class AssignedItem(_message.Message):
    __slots__ = ("code", "name", "legal_basis")
    CODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    code: str
    name: str
    legal_basis: str
    def __init__(self, code: _Optional[str] = ..., name: _Optional[str] = ..., legal_basis: _Optional[str] = ...) -> None: ...

class Participant(_message.Message):
    __slots__ = ("department_code", "department_name", "items", "inspectors")
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    INSPECTORS_FIELD_NUMBER: _ClassVar[int]
    department_code: str
    department_name: str
    items: _containers.RepeatedCompositeFieldContainer[AssignedItem]
    inspectors: _containers.RepeatedCompositeFieldContainer[AssignedInspector]
    def __init__(self, department_code: _Optional[str] = ..., department_name: _Optional[str] = ..., items: _Optional[_Iterable[_Union[AssignedItem, _Mapping]]] = ..., inspectors: _Optional[_Iterable[_Union[AssignedInspector, _Mapping]]] = ...) -> None: ...

class OfficeDecision(_message.Message):
    __slots__ = ("office", "principal", "decision", "comment", "due_time", "decide_time", "late")
    OFFICE_FIELD_NUMBER: _ClassVar[int]
    PRINCIPAL_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    LATE_FIELD_NUMBER: _ClassVar[int]
    office: str
    principal: str
    decision: Decision
    comment: str
    due_time: _timestamp_pb2.Timestamp
    decide_time: _timestamp_pb2.Timestamp
    late: bool
    def __init__(self, office: _Optional[str] = ..., principal: _Optional[str] = ..., decision: _Optional[_Union[Decision, str]] = ..., comment: _Optional[str] = ..., due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., late: _Optional[bool] = ...) -> None: ...

class InspectionResult(_message.Message):
    __slots__ = ("outcome", "findings", "handling", "rectification_deadline", "penalty_fen", "penalty_basis")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    HANDLING_FIELD_NUMBER: _ClassVar[int]
    RECTIFICATION_DEADLINE_FIELD_NUMBER: _ClassVar[int]
    PENALTY_FEN_FIELD_NUMBER: _ClassVar[int]
    PENALTY_BASIS_FIELD_NUMBER: _ClassVar[int]
    outcome: Outcome
    findings: str
    handling: Handling
    rectification_deadline: str
    penalty_fen: int
    penalty_basis: str
    def __init__(self, outcome: _Optional[_Union[Outcome, str]] = ..., findings: _Optional[str] = ..., handling: _Optional[_Union[Handling, str]] = ..., rectification_deadline: _Optional[str] = ..., penalty_fen: _Optional[int] = ..., penalty_basis: _Optional[str] = ...) -> None: ...

class Rating(_message.Message):
    __slots__ = ("score", "comment", "rate_time")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    RATE_TIME_FIELD_NUMBER: _ClassVar[int]
    score: int
    comment: str
    rate_time: _timestamp_pb2.Timestamp
    def __init__(self, score: _Optional[int] = ..., comment: _Optional[str] = ..., rate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Inspection(_message.Message):
    __slots__ = ("id", "uscc", "enterprise_name", "lead_department", "kind", "origin", "state", "window_start", "window_end", "legal_basis", "reason", "participants", "approvals", "filing_acknowledgements", "inspection_code", "requested_by", "request_time", "decision_due_time", "approve_time", "check_in_time", "visit_date", "result", "complete_time", "publication_due_time", "publish_time", "filing_due_time", "file_time", "filed_late", "rating", "cancel_reason")
    ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    ENTERPRISE_NAME_FIELD_NUMBER: _ClassVar[int]
    LEAD_DEPARTMENT_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    PARTICIPANTS_FIELD_NUMBER: _ClassVar[int]
    APPROVALS_FIELD_NUMBER: _ClassVar[int]
    FILING_ACKNOWLEDGEMENTS_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_CODE_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TIME_FIELD_NUMBER: _ClassVar[int]
    DECISION_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    APPROVE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHECK_IN_TIME_FIELD_NUMBER: _ClassVar[int]
    VISIT_DATE_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLICATION_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    FILING_DUE_TIME_FIELD_NUMBER: _ClassVar[int]
    FILE_TIME_FIELD_NUMBER: _ClassVar[int]
    FILED_LATE_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REASON_FIELD_NUMBER: _ClassVar[int]
    id: str
    uscc: str
    enterprise_name: str
    lead_department: str
    kind: InspectionKind
    origin: InspectionOrigin
    state: InspectionState
    window_start: str
    window_end: str
    legal_basis: str
    reason: str
    participants: _containers.RepeatedCompositeFieldContainer[Participant]
    approvals: _containers.RepeatedCompositeFieldContainer[OfficeDecision]
    filing_acknowledgements: _containers.RepeatedCompositeFieldContainer[OfficeDecision]
    inspection_code: str
    requested_by: str
    request_time: _timestamp_pb2.Timestamp
    decision_due_time: _timestamp_pb2.Timestamp
    approve_time: _timestamp_pb2.Timestamp
    check_in_time: _timestamp_pb2.Timestamp
    visit_date: str
    result: InspectionResult
    complete_time: _timestamp_pb2.Timestamp
    publication_due_time: _timestamp_pb2.Timestamp
    publish_time: _timestamp_pb2.Timestamp
    filing_due_time: _timestamp_pb2.Timestamp
    file_time: _timestamp_pb2.Timestamp
    filed_late: bool
    rating: Rating
    cancel_reason: str
    def __init__(self, id: _Optional[str] = ..., uscc: _Optional[str] = ..., enterprise_name: _Optional[str] = ..., lead_department: _Optional[str] = ..., kind: _Optional[_Union[InspectionKind, str]] = ..., origin: _Optional[_Union[InspectionOrigin, str]] = ..., state: _Optional[_Union[InspectionState, str]] = ..., window_start: _Optional[str] = ..., window_end: _Optional[str] = ..., legal_basis: _Optional[str] = ..., reason: _Optional[str] = ..., participants: _Optional[_Iterable[_Union[Participant, _Mapping]]] = ..., approvals: _Optional[_Iterable[_Union[OfficeDecision, _Mapping]]] = ..., filing_acknowledgements: _Optional[_Iterable[_Union[OfficeDecision, _Mapping]]] = ..., inspection_code: _Optional[str] = ..., requested_by: _Optional[str] = ..., request_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decision_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., approve_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., check_in_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., visit_date: _Optional[str] = ..., result: _Optional[_Union[InspectionResult, _Mapping]] = ..., complete_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., publication_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., filing_due_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., file_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., filed_late: _Optional[bool] = ..., rating: _Optional[_Union[Rating, _Mapping]] = ..., cancel_reason: _Optional[str] = ...) -> None: ...

class InspectionChange(_message.Message):
    __slots__ = ("inspection", "card_head")
    INSPECTION_FIELD_NUMBER: _ClassVar[int]
    CARD_HEAD_FIELD_NUMBER: _ClassVar[int]
    inspection: Inspection
    card_head: _common_pb2.CardHead
    def __init__(self, inspection: _Optional[_Union[Inspection, _Mapping]] = ..., card_head: _Optional[_Union[_common_pb2.CardHead, _Mapping]] = ...) -> None: ...

class RequestInspectionRequest(_message.Message):
    __slots__ = ("request_id", "uscc", "kind", "item_codes", "legal_basis", "reason", "window_start", "window_end", "inspector_ids")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    INSPECTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    uscc: str
    kind: InspectionKind
    item_codes: _containers.RepeatedScalarFieldContainer[str]
    legal_basis: str
    reason: str
    window_start: str
    window_end: str
    inspector_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, request_id: _Optional[str] = ..., uscc: _Optional[str] = ..., kind: _Optional[_Union[InspectionKind, str]] = ..., item_codes: _Optional[_Iterable[str]] = ..., legal_basis: _Optional[str] = ..., reason: _Optional[str] = ..., window_start: _Optional[str] = ..., window_end: _Optional[str] = ..., inspector_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class OverlapNotice(_message.Message):
    __slots__ = ("inspection_id", "department_code", "window_start", "window_end")
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    inspection_id: str
    department_code: str
    window_start: str
    window_end: str
    def __init__(self, inspection_id: _Optional[str] = ..., department_code: _Optional[str] = ..., window_start: _Optional[str] = ..., window_end: _Optional[str] = ...) -> None: ...

class RequestInspectionResponse(_message.Message):
    __slots__ = ("inspection", "card_head", "overlaps", "joint_check_suggested")
    INSPECTION_FIELD_NUMBER: _ClassVar[int]
    CARD_HEAD_FIELD_NUMBER: _ClassVar[int]
    OVERLAPS_FIELD_NUMBER: _ClassVar[int]
    JOINT_CHECK_SUGGESTED_FIELD_NUMBER: _ClassVar[int]
    inspection: Inspection
    card_head: _common_pb2.CardHead
    overlaps: _containers.RepeatedCompositeFieldContainer[OverlapNotice]
    joint_check_suggested: bool
    def __init__(self, inspection: _Optional[_Union[Inspection, _Mapping]] = ..., card_head: _Optional[_Union[_common_pb2.CardHead, _Mapping]] = ..., overlaps: _Optional[_Iterable[_Union[OverlapNotice, _Mapping]]] = ..., joint_check_suggested: _Optional[bool] = ...) -> None: ...

class DecideInspectionRequest(_message.Message):
    __slots__ = ("request_id", "inspection_id", "decision", "comment")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspection_id: str
    decision: Decision
    comment: str
    def __init__(self, request_id: _Optional[str] = ..., inspection_id: _Optional[str] = ..., decision: _Optional[_Union[Decision, str]] = ..., comment: _Optional[str] = ...) -> None: ...

class CancelInspectionRequest(_message.Message):
    __slots__ = ("request_id", "inspection_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspection_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., inspection_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class VerifyInspectionCodeRequest(_message.Message):
    __slots__ = ("inspection_code",)
    INSPECTION_CODE_FIELD_NUMBER: _ClassVar[int]
    inspection_code: str
    def __init__(self, inspection_code: _Optional[str] = ...) -> None: ...

class InspectionCodeVerification(_message.Message):
    __slots__ = ("valid", "reason", "inspection")
    VALID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    reason: str
    inspection: Inspection
    def __init__(self, valid: _Optional[bool] = ..., reason: _Optional[str] = ..., inspection: _Optional[_Union[Inspection, _Mapping]] = ...) -> None: ...

class CheckInRequest(_message.Message):
    __slots__ = ("request_id", "inspection_code", "inspector_ids")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_CODE_FIELD_NUMBER: _ClassVar[int]
    INSPECTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspection_code: str
    inspector_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, request_id: _Optional[str] = ..., inspection_code: _Optional[str] = ..., inspector_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class RecordResultRequest(_message.Message):
    __slots__ = ("request_id", "inspection_id", "result")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspection_id: str
    result: InspectionResult
    def __init__(self, request_id: _Optional[str] = ..., inspection_id: _Optional[str] = ..., result: _Optional[_Union[InspectionResult, _Mapping]] = ...) -> None: ...

class PublishResultRequest(_message.Message):
    __slots__ = ("request_id", "inspection_id")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspection_id: str
    def __init__(self, request_id: _Optional[str] = ..., inspection_id: _Optional[str] = ...) -> None: ...

class StartEmergencyInspectionRequest(_message.Message):
    __slots__ = ("request_id", "uscc", "item_codes", "legal_basis", "reason", "inspector_ids")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    ITEM_CODES_FIELD_NUMBER: _ClassVar[int]
    LEGAL_BASIS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    INSPECTOR_IDS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    uscc: str
    item_codes: _containers.RepeatedScalarFieldContainer[str]
    legal_basis: str
    reason: str
    inspector_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, request_id: _Optional[str] = ..., uscc: _Optional[str] = ..., item_codes: _Optional[_Iterable[str]] = ..., legal_basis: _Optional[str] = ..., reason: _Optional[str] = ..., inspector_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class FileEmergencyInspectionRequest(_message.Message):
    __slots__ = ("request_id", "inspection_id", "report")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspection_id: str
    report: str
    def __init__(self, request_id: _Optional[str] = ..., inspection_id: _Optional[str] = ..., report: _Optional[str] = ...) -> None: ...

class AcknowledgeFilingRequest(_message.Message):
    __slots__ = ("request_id", "inspection_id", "comment")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspection_id: str
    comment: str
    def __init__(self, request_id: _Optional[str] = ..., inspection_id: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class RateInspectionRequest(_message.Message):
    __slots__ = ("request_id", "inspection_id", "score", "comment")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspection_id: str
    score: int
    comment: str
    def __init__(self, request_id: _Optional[str] = ..., inspection_id: _Optional[str] = ..., score: _Optional[int] = ..., comment: _Optional[str] = ...) -> None: ...

class FileComplaintRequest(_message.Message):
    __slots__ = ("request_id", "inspection_id", "text")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSPECTION_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    inspection_id: str
    text: str
    def __init__(self, request_id: _Optional[str] = ..., inspection_id: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class FileComplaintResponse(_message.Message):
    __slots__ = ("complaint_id", "card_head")
    COMPLAINT_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_HEAD_FIELD_NUMBER: _ClassVar[int]
    complaint_id: str
    card_head: _common_pb2.CardHead
    def __init__(self, complaint_id: _Optional[str] = ..., card_head: _Optional[_Union[_common_pb2.CardHead, _Mapping]] = ...) -> None: ...

class GetInspectionRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListInspectionsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "uscc", "department_code", "state", "kind", "window_from", "window_to", "awaiting_my_decision")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    USCC_FIELD_NUMBER: _ClassVar[int]
    DEPARTMENT_CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FROM_FIELD_NUMBER: _ClassVar[int]
    WINDOW_TO_FIELD_NUMBER: _ClassVar[int]
    AWAITING_MY_DECISION_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    uscc: str
    department_code: str
    state: InspectionState
    kind: InspectionKind
    window_from: str
    window_to: str
    awaiting_my_decision: bool
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., uscc: _Optional[str] = ..., department_code: _Optional[str] = ..., state: _Optional[_Union[InspectionState, str]] = ..., kind: _Optional[_Union[InspectionKind, str]] = ..., window_from: _Optional[str] = ..., window_to: _Optional[str] = ..., awaiting_my_decision: _Optional[bool] = ...) -> None: ...

class ListInspectionsResponse(_message.Message):
    __slots__ = ("inspections", "next_page_token")
    INSPECTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    inspections: _containers.RepeatedCompositeFieldContainer[Inspection]
    next_page_token: str
    def __init__(self, inspections: _Optional[_Iterable[_Union[Inspection, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
