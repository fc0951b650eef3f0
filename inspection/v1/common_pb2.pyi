from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class CreditClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CREDIT_CLASS_UNSPECIFIED: _ClassVar[CreditClass]
    CREDIT_CLASS_A: _ClassVar[CreditClass]
    CREDIT_CLASS_B: _ClassVar[CreditClass]
    CREDIT_CLASS_C: _ClassVar[CreditClass]
    CREDIT_CLASS_D: _ClassVar[CreditClass]
CREDIT_CLASS_UNSPECIFIED: CreditClass
CREDIT_CLASS_A: CreditClass
CREDIT_CLASS_B: CreditClass
CREDIT_CLASS_C: CreditClass
CREDIT_CLASS_D: CreditClass

class CardHead(_message.Message):
    __slots__ = ("uscc", "seq", "entry_hash")
    USCC_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    ENTRY_HASH_FIELD_NUMBER: _ClassVar[int]
    uscc: str
    seq: int
    entry_hash: str
    def __init__(self, uscc: _Optional[str] = ..., seq: _Optional[int] = ..., entry_hash: _Optional[str] = ...) -> None: ...
