"""The one validator of request text: free text (names, reasons, findings) and identifiers (codes,
ids). Lengths are checked before any per-character work, so a huge value costs one ``len``; control
characters are refused alike on every database (PostgreSQL cannot store NUL)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from inspection.errors import Violations

#: Free text: a reason, a finding, a legal basis, a name.
MAX_TEXT = 2000
#: An identifier: a code, an id, a USCC.
MAX_IDENTIFIER = 64
#: How many ids one list field of a request may name.
MAX_IDS = 100
_IDENTIFIER_EXTRA = frozenset("-_.")


#: Control characters (Unicode category Cc: below 0x20 and 0x7F–0x9F) but tab, LF and CR; one
#: regular-expression scan is many times faster than a Python loop over the characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def check_text(
    violations: Violations,
    path: str,
    value: str,
    *,
    required: bool,
    what: str = "",
    max_length: int = MAX_TEXT,
) -> None:
    """Free text: at most ``max_length`` characters, no control characters but tab and line breaks,
    and not blank when ``required`` (``what`` says why it is required)."""
    if len(value) > max_length:
        violations.add(path, f"must be at most {max_length} characters")
    elif _CONTROL.search(value):
        violations.add(path, "must not contain control characters")
    elif required and not value.strip():
        violations.add(path, what or "is required")


def check_identifier(
    violations: Violations, path: str, value: str, *, required: bool = True, max_length: int = MAX_IDENTIFIER
) -> None:
    """An identifier: at most ``max_length`` letters, digits, '-', '_' or '.'."""
    if not value:
        if required:
            violations.add(path, "is required")
    elif len(value) > max_length or not all(c.isalnum() or c in _IDENTIFIER_EXTRA for c in value):
        violations.add(path, f"must be at most {max_length} letters, digits, '-', '_' or '.'")


def check_identifiers(
    violations: Violations, path: str, values: Sequence[str], *, what: str, max_items: int = MAX_IDS
) -> None:
    """A list of distinct identifiers naming at least one ``what``."""
    if not values:
        violations.add(path, f"must name at least one {what}")
    elif len(values) > max_items:
        violations.add(path, f"names at most {max_items}")
        return
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            violations.add(f"{path}[{index}]", f"repeats {value[:MAX_IDENTIFIER]!r}")
        else:
            check_identifier(violations, f"{path}[{index}]", value)
        seen.add(value)
