"""The card hash's fast encoding gives exactly the text of the reference definition
(``json.dumps`` with sorted keys, compact separators, UTF-8; times by ``strftime``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from inspection.domain import card as cards

TRICKY = [
    "",
    "plain",
    '引号"与\\反斜杠',
    "控制\x00\x01\x1f\x7f字符\n\t\r",
    "\u2028\u2029 line separators",
    "emoji 🏭 outside the basic plane",
    '{"changes":{"name":{"new":"杭州示例科技有限公司","old":"x"}}}',
]
TIMES = [
    dt.datetime(2026, 3, 16, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC),
    dt.datetime(1999, 1, 1, 0, 0, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=-5, minutes=-30))),
    dt.datetime(999, 6, 1, 12, tzinfo=dt.UTC),
]


def reference_hash(fields: dict[str, Any]) -> str:
    document = {
        "v": 1,
        **fields,
        "department_code": fields["department_code"] or "",
        "inspection_id": fields["inspection_id"] or "",
        "time": fields["time"].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("text", TRICKY)
@pytest.mark.parametrize("time", TIMES)
def test_fast_encoding_matches_the_reference(text: str, time: dt.datetime) -> None:
    fields: dict[str, Any] = {
        "uscc": "91110000MA0000001L",
        "seq": 12345678901,
        "kind": cards.EntryKind.ENTERPRISE_UPDATED,
        "actor_sub": text,
        "actor_role": "admin",
        "actor_org": text[::-1],
        "department_code": text or None,
        "inspection_id": None,
        "time": time,
        "payload_json": text,
        "prev_hash": cards.GENESIS_HASH,
    }
    assert cards.entry_hash(**fields) == reference_hash(fields)


def test_unexpected_types_take_the_reference_path() -> None:
    fields: dict[str, Any] = {
        "uscc": "91110000MA0000001L",
        "seq": True,  # json writes true, not 1
        "kind": "CARD_ISSUED",
        "actor_sub": "a",
        "actor_role": "admin",
        "actor_org": None,  # json writes null
        "department_code": None,
        "inspection_id": None,
        "time": TIMES[0],
        "payload_json": "{}",
        "prev_hash": cards.GENESIS_HASH,
    }
    assert cards.entry_hash(**fields) == reference_hash(fields)


def test_format_time_matches_strftime() -> None:
    for time in TIMES:
        assert cards.format_time(time) == time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
