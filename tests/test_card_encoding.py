"""The independent verification script in docs/card.md reproduces the server's hashes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from google.protobuf import json_format

from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import registry_service_pb2 as reg
from tests.support import make_uscc

DOC = Path(__file__).resolve().parents[1] / "docs" / "card.md"


def _script() -> dict[str, Any]:
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert code, "docs/card.md has no python block"
    namespace: dict[str, Any] = {"__name__": "docs_card"}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)
    return namespace


def test_documented_script_verifies_and_detects_tampering(registry: Any, cards: Any, admin: Any) -> None:
    uscc = make_uscc()
    registry.CreateEnterprise(
        reg.CreateEnterpriseRequest(enterprise=reg.Enterprise(uscc=uscc, name="杭州示例科技有限公司")),
        metadata=admin,
    )
    for flag in (True, False, True):
        registry.UpdateEnterprise(
            reg.UpdateEnterpriseRequest(
                enterprise=reg.Enterprise(uscc=uscc, white_listed=flag),
                update_mask={"paths": ["white_listed"]},
            ),
            metadata=admin,
        )
    entries = cards.ListCardEntries(card_pb.ListCardEntriesRequest(uscc=uscc), metadata=admin).entries
    lines = [json_format.MessageToJson(e, preserving_proto_field_name=True, indent=None) for e in entries]
    verify = _script()["verify"]
    head = cards.GetCard(card_pb.GetCardRequest(uscc=uscc), metadata=admin).head
    assert verify(lines) == f"valid: 4 entries, head {head.entry_hash}"

    tampered = lines.copy()
    tampered[2] = tampered[2].replace("true", "false", 1)
    assert verify(tampered) == "entry 3: entry_hash does not match its content"
    assert verify(lines[:1] + lines[2:]) == "entry 2 is missing"
