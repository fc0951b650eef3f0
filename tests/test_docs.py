"""The docs that are generated from the code stay equal to it: the reasons, and the lifecycle table."""

from __future__ import annotations

import re
from pathlib import Path

from inspection.domain.inspections.lifecycle import lifecycle_markdown
from inspection.reasons import DESCRIPTIONS, Reason, reasons_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_reason_has_its_status_and_its_when() -> None:
    assert set(DESCRIPTIONS) == set(Reason)


def test_the_reasons_page_lists_exactly_the_reason_enum() -> None:
    page = (DOCS / "reasons.md").read_text(encoding="utf-8")
    assert page == reasons_markdown(), "run: python -m inspection.reasons > docs/reasons.md"
    listed = re.findall(r"^\| `([A-Z_]+)` \|", page, flags=re.MULTILINE)
    assert listed == [r.value for r in Reason]


def test_the_inspection_docs_show_the_lifecycle_table_of_the_code() -> None:
    page = (DOCS / "inspections.md").read_text(encoding="utf-8")
    generated = page.split("<!-- lifecycle table: generated -->\n", 1)[1].split(
        "<!-- end of lifecycle table -->"
    )[0]
    assert generated == lifecycle_markdown(), "run: python -m inspection.domain.inspections.lifecycle"


def test_every_reason_the_inspection_docs_name_exists() -> None:
    page = (DOCS / "inspections.md").read_text(encoding="utf-8")
    rules = page.split("## Rules and their reasons", 1)[1].split("## ", 1)[0]
    first_cells = re.findall(r"^\| ([^|]+) \|", rules, flags=re.MULTILINE)
    named = {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z_]{3,})`", cell)}
    assert named, "the rules table names its reasons"
    assert named - set(Reason.__members__) == set()
