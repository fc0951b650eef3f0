"""What a department sees on a card (DESIGN §2; docs/card.md): every entry of every card, but not
the payload of an inspection it takes no part in — the same line GetInspection draws."""

from __future__ import annotations

import json
from typing import Any

import grpc

from inspection.auth import Role
from inspection.v1 import card_service_pb2 as card
from inspection.v1 import inspection_service_pb2 as pb
from tests.inspection_support import Department, approve, enterprise_md, make_enterprise, request_for, token


def _entries(cards: Any, uscc: str, metadata: Any) -> list[card.CardEntry]:
    return list(cards.ListCardEntries(card.ListCardEntriesRequest(uscc=uscc), metadata=metadata).entries)


def test_a_department_sees_another_departments_inspection_on_the_card_without_its_payload(
    registry: Any, cards: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department
) -> None:
    uscc = make_enterprise(registry, admin)
    inspection_id = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md).inspection.id
    approve(inspections, inspection_id)

    # The lead department, the enterprise and the offices read every payload.
    for reader in (scjg.md, enterprise_md(uscc), token(Role.SUPERVISION, sub="jc-scope"), admin):
        entries = _entries(cards, uscc, reader)
        assert not any(e.payload_withheld for e in entries)
        requested = next(e for e in entries if e.kind == card.CARD_ENTRY_KIND_INSPECTION_REQUESTED)
        assert json.loads(requested.payload_json)["reason"] == "年度计划检查"

    # Another department sees that the inspection happened, by whom and when — not its content.
    seen = _entries(cards, uscc, yjgl.md)
    assert [e.seq for e in seen] == [e.seq for e in _entries(cards, uscc, admin)]
    inspection_entries = [e for e in seen if e.inspection_id == inspection_id]
    assert inspection_entries and all(e.payload_withheld and e.payload_json == "" for e in inspection_entries)
    assert all(e.department_code == "SCJG" and e.entry_hash for e in inspection_entries)
    issued = next(e for e in seen if e.kind == card.CARD_ENTRY_KIND_CARD_ISSUED)
    assert not issued.payload_withheld and issued.payload_json
    # ... which is what GetInspection tells it, and VerifyCard still checks the whole chain for it.
    try:
        inspections.GetInspection(pb.GetInspectionRequest(inspection_id=inspection_id), metadata=yjgl.md)
        raise AssertionError("GetInspection of another department's inspection answered")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert cards.VerifyCard(card.VerifyCardRequest(uscc=uscc), metadata=yjgl.md).valid

    # A watch draws the same line.
    stream = cards.WatchCard(card.WatchCardRequest(uscc=uscc), metadata=yjgl.md, timeout=5)
    watched = []
    for message in stream:
        watched.append(message.entry)
        if len(watched) == len(seen):
            break
    stream.cancel()
    assert [(e.seq, e.payload_withheld) for e in watched] == [(e.seq, e.payload_withheld) for e in seen]
