"""The one text check every request goes through before its servicer runs: each string field is an
identifier (a code, an id, a USCC) or free text, held to its length limit and refused with control
characters (``inspection.domain.text``) — length first, so a huge value costs one ``len``.

Which is which follows the field's name, the API's own convention (``uscc``, ``id``, ``code``,
``*_id``, ``*_code`` and their repeated plurals are identifiers); the servicers and the domain then
apply each field's own rules (required, format, existence) on values already known to be sane.
"""

from __future__ import annotations

import functools
from typing import Any

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from inspection.domain.text import MAX_IDENTIFIER, MAX_IDS, MAX_TEXT, check_text
from inspection.errors import Violations

#: Fields with limits of their own, checked where they are used: a typed inspection code may carry
#: spaces, a page token is opaque, a request id is checked by the write scope.
OWN_LIMITS = frozenset({"inspection_code", "page_token", "request_id"})
_IDENTIFIER_NAMES = frozenset({"uscc", "id", "code"})
_IDENTIFIER_SUFFIXES = ("_id", "_code", "_ids", "_codes")
#: How deep nested request messages are followed (the API nests one level).
MAX_DEPTH = 3


def _is_identifier(name: str) -> bool:
    return name in _IDENTIFIER_NAMES or name.endswith(_IDENTIFIER_SUFFIXES)


@functools.cache
def _plan(descriptor: Descriptor) -> tuple[tuple[str, bool, bool, Descriptor | None], ...]:
    """Per message type, once: (field, repeated, identifier, nested message type) to check."""
    plan: list[tuple[str, bool, bool, Descriptor | None]] = []
    for field in descriptor.fields:
        repeated = bool(field.is_repeated)
        nested = field.message_type if field.type == FieldDescriptor.TYPE_MESSAGE else None
        if field.type == FieldDescriptor.TYPE_STRING and field.name not in OWN_LIMITS:
            plan.append((field.name, repeated, _is_identifier(field.name), None))
        elif nested is not None and nested.full_name.startswith("inspection."):
            plan.append((field.name, repeated, False, nested))
        elif repeated:  # a list of numbers or enums (a filter): bounded like any list
            plan.append((field.name, repeated, False, None))
    return tuple(plan)


def check_request(message: Message, violations: Violations, *, prefix: str = "", depth: int = 0) -> None:
    """Adds a violation for every string field of ``message`` (and of its own nested messages)
    that is too long or carries characters its kind does not allow."""
    for name, repeated, identifier, nested in _plan(message.DESCRIPTOR):
        path = prefix + name
        value: Any = getattr(message, name)
        if nested is not None:
            if depth < MAX_DEPTH:
                children = value if repeated else ([value] if message.HasField(name) else [])
                for index, child in enumerate(children):
                    at = f"{path}[{index}]." if repeated else f"{path}."
                    check_request(child, violations, prefix=at, depth=depth + 1)
            continue
        if repeated:
            if len(value) > MAX_IDS:
                violations.add(path, f"names at most {MAX_IDS}")
                continue
            for index, item in enumerate(value):
                if isinstance(item, str):
                    _check(violations, f"{path}[{index}]", item, identifier)
        else:
            _check(violations, path, value, identifier)


def _check(violations: Violations, path: str, value: str, identifier: bool) -> None:
    # Length and control characters only: what no field may carry. Each field's own format (an
    # identifier's characters, a USCC's check character) is judged where it is used, beside the
    # request's other fields, so that one answer names every bad field.
    check_text(violations, path, value, required=False, max_length=MAX_IDENTIFIER if identifier else MAX_TEXT)
