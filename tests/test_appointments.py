"""Joint checks by appointment (预约, DESIGN §5): free half-days, one booking told once with every
document to prepare (一次性告知), one move with a reason, the visit on the booked day only, and
no double booking of an inspector or the enterprise — even when two bookings race."""

from __future__ import annotations

import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import grpc
import pytest

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.storage.db import Database
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import registry_service_pb2 as reg
from tests.inspection_support import (
    LEGAL,
    Department,
    approve,
    attempts_since,
    enterprise_md,
    head,
    local,
    make_department,
    make_enterprise,
    only_attempts_written,
    rejected,
    request_for,
    token,
)
from tests.support import day, error_info, expect_error, field_violations, footprint

FP = grpc.StatusCode.FAILED_PRECONDITION
MORNING, AFTERNOON = pb.HALF_DAY_MORNING, pb.HALF_DAY_AFTERNOON
_codes = itertools.count(1)


@pytest.fixture(scope="module")
def admin() -> list[tuple[str, str]]:
    return token(Role.ADMIN, sub="admin-1")


@pytest.fixture(autouse=True)
def monday_morning(clock: SettableClock) -> None:
    clock.set(local(2026, 3, 16))


def _departments(registry: Any, admin: Any) -> tuple[Department, Department]:
    """A lead and an invited department of their own, the lead's item with its documents."""
    n = next(_codes)
    lead, invited = make_department(registry, admin, f"AL{n}"), make_department(registry, admin, f"AV{n}")
    registry.CreateChecklistItem(
        reg.CreateChecklistItemRequest(
            item=reg.ChecklistItem(
                code=f"AL{n}-FIRE",
                department_code=lead.code,
                name="消防验收",
                legal_basis="《消防法》第十三条",
                published=True,
                materials=["消防设计文件", "竣工图纸"],
            )
        ),
        metadata=admin,
    )
    lead.items.insert(0, f"AL{n}-FIRE")
    registry.CreateChecklistItem(
        reg.CreateChecklistItemRequest(
            item=reg.ChecklistItem(
                code=f"AV{n}-SAFE",
                department_code=invited.code,
                name="安全设施验收",
                legal_basis="《安全生产法》第三十一条",
                published=True,
                materials=["安全设施设计", "竣工图纸"],
            )
        ),
        metadata=admin,
    )
    invited.items.insert(0, f"AV{n}-SAFE")
    return lead, invited


def _approved_check(
    registry: Any, inspections: Any, admin: Any, lead: Department, invited: Department, uscc: str = ""
) -> tuple[str, str, str]:
    """(inspection id, code, uscc) of an approved joint check, window 23–31 March."""
    uscc = uscc or make_enterprise(registry, admin)
    part = request_for(
        lead, uscc, start="2026-03-23", end="2026-03-31", kind=common_pb.INSPECTION_KIND_TRIGGERED
    )
    fields = {f.name: getattr(part, f.name) for f in part.DESCRIPTOR.fields if f.name != "request_id"}
    check = inspections.ProposeJointCheck(
        pb.ProposeJointCheckRequest(**fields, department_codes=[invited.code]), metadata=lead.md
    ).inspection
    inspections.ConfirmParticipation(
        pb.ConfirmParticipationRequest(
            inspection_id=check.id, item_codes=invited.items[:1], inspector_ids=invited.inspectors[:2]
        ),
        metadata=invited.md,
    )
    return check.id, approve(inspections, check.id).inspection.inspection_code, uscc


def _slots(inspections: Any, inspection_id: str, metadata: Any, **fields: Any) -> list[tuple[str, int]]:
    answer = inspections.ListAvailableSlots(
        pb.ListAvailableSlotsRequest(inspection_id=inspection_id, **fields), metadata=metadata
    )
    return [(f"{s.date.year}-{s.date.month:02d}-{s.date.day:02d}", s.half_day) for s in answer.slots]


def _book(inspections: Any, inspection_id: str, uscc: str, when: str, half: int, reason: str = "") -> Any:
    return inspections.BookVisit(
        pb.BookVisitRequest(
            inspection_id=inspection_id, slot=pb.Slot(date=day(when), half_day=half), reschedule_reason=reason
        ),
        metadata=enterprise_md(uscc),
    )


def test_the_free_half_days_are_working_days_in_the_window_and_free_for_everyone(
    registry: Any, inspections: Any, admin: Any
) -> None:
    lead, invited = _departments(registry, admin)
    check_id, _, uscc = _approved_check(registry, inspections, admin, lead, invited)
    free = _slots(inspections, check_id, enterprise_md(uscc))
    days = sorted({d for d, _ in free})
    # 23–27 and 30–31 March; 28–29 is a weekend.
    assert days == [
        "2026-03-23",
        "2026-03-24",
        "2026-03-25",
        "2026-03-26",
        "2026-03-27",
        "2026-03-30",
        "2026-03-31",
    ]
    assert all({(d, MORNING), (d, AFTERNOON)} <= set(free) for d in days)

    # Another joint check sharing the lead's inspectors takes the morning of the 24th from both…
    other_id, _, other_uscc = _approved_check(registry, inspections, admin, lead, invited)
    _book(inspections, other_id, other_uscc, "2026-03-24", MORNING)
    free = _slots(inspections, check_id, lead.md)
    assert ("2026-03-24", MORNING) not in free and ("2026-03-24", AFTERNOON) in free
    # … and a check of the same enterprise by other departments takes its whole day of the 25th.
    lead2, invited2 = _departments(registry, admin)
    same_enterprise, _, _ = _approved_check(registry, inspections, admin, lead2, invited2, uscc=uscc)
    _book(inspections, same_enterprise, uscc, "2026-03-25", AFTERNOON)
    free = _slots(inspections, check_id, LEGAL)
    assert not {("2026-03-25", MORNING), ("2026-03-25", AFTERNOON)} & set(free)

    # A range is bounded; another enterprise sees nothing of this check.
    error = expect_error(
        lambda: _slots(
            inspections, check_id, LEGAL, start_date=day("2026-03-23"), end_date=day("2026-03-01")
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert "end_date" in field_violations(error)
    stranger = make_enterprise(registry, admin)
    assert rejected(lambda: _slots(inspections, check_id, enterprise_md(stranger))) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "OUT_OF_SCOPE",
    )


def test_booking_tells_every_document_once_and_the_visit_keeps_to_the_booked_day(
    registry: Any, cards: Any, inspections: Any, admin: Any, clock: SettableClock, db: Database
) -> None:
    lead, invited = _departments(registry, admin)
    check_id, code, uscc = _approved_check(registry, inspections, admin, lead, invited)
    # Before booking, the doorstep and check-in give the same answer.
    clock.set(local(2026, 3, 23))
    assert (
        inspections.VerifyInspectionCode(pb.VerifyInspectionCodeRequest(inspection_code=code)).reason
        == "NOT_BOOKED"
    )
    clock.set(local(2026, 3, 16))

    booked = _book(inspections, check_id, uscc, "2026-03-26", AFTERNOON).inspection
    assert booked.appointment.half_day == AFTERNOON and booked.appointment.reschedules == 0
    entry = cards.ListCardEntries(
        card_pb.ListCardEntriesRequest(uscc=uscc, page_size=50), metadata=LEGAL
    ).entries[-1]
    assert entry.kind == card_pb.CARD_ENTRY_KIND_VISIT_BOOKED
    notice = json.loads(entry.payload_json)
    assert notice["date"] == "2026-03-26" and notice["half_day"] == "AFTERNOON"
    assert notice["prepare"] == ["消防设计文件", "竣工图纸", "安全设施设计"]  # merged, each once
    assert sorted(notice["departments"]) == sorted([lead.code, invited.code])
    assert all("*" in name for names in notice["inspectors"].values() for name in names)  # masked

    # Check-in on another day is refused, on the doorstep alike, and writes nothing.
    clock.set(local(2026, 3, 25))
    before, rows = head(cards, uscc), footprint(db)
    assert (
        inspections.VerifyInspectionCode(pb.VerifyInspectionCodeRequest(inspection_code=code)).reason
        == "NOT_BOOKED_DAY"
    )
    assert rejected(
        lambda: inspections.CheckIn(
            pb.CheckInRequest(inspection_code=code, inspector_ids=lead.inspectors[:2]), metadata=lead.md
        )
    ) == (FP, "NOT_BOOKED_DAY")
    assert attempts_since(cards, uscc, before[0]) == ["NOT_BOOKED_DAY"]
    assert only_attempts_written(rows, footprint(db))
    clock.set(local(2026, 3, 26, hour=14))
    checked_in = inspections.CheckIn(
        pb.CheckInRequest(inspection_code=code, inspector_ids=lead.inspectors[:2]), metadata=lead.md
    ).inspection
    assert checked_in.state == pb.INSPECTION_STATE_IN_PROGRESS


def test_each_booking_rule_is_refused_with_its_reason_and_writes_nothing(
    registry: Any, cards: Any, inspections: Any, admin: Any, db: Database
) -> None:
    lead, invited = _departments(registry, admin)
    check_id, _, uscc = _approved_check(registry, inspections, admin, lead, invited)
    other_id, _, other_uscc = _approved_check(registry, inspections, admin, lead, invited)
    _book(inspections, other_id, other_uscc, "2026-03-24", MORNING)
    before, rows = head(cards, uscc), footprint(db)
    refusals = {
        "an inspector's half-day taken": (
            lambda: _book(inspections, check_id, uscc, "2026-03-24", MORNING),
            (FP, "SLOT_TAKEN"),
        ),
        "a Saturday": (
            lambda: _book(inspections, check_id, uscc, "2026-03-28", MORNING),
            (FP, "NON_WORKING_DAY"),
        ),
        "after the window": (
            lambda: _book(inspections, check_id, uscc, "2026-04-15", MORNING),
            (FP, "WINDOW_ENDED"),
        ),
        "another enterprise": (
            lambda: inspections.BookVisit(
                pb.BookVisitRequest(
                    inspection_id=check_id, slot=pb.Slot(date=day("2026-03-23"), half_day=MORNING)
                ),
                metadata=enterprise_md(other_uscc),
            ),
            (grpc.StatusCode.PERMISSION_DENIED, "OUT_OF_SCOPE"),
        ),
        "no half-day": (
            lambda: _book(inspections, check_id, uscc, "2026-03-23", pb.HALF_DAY_UNSPECIFIED),
            (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
        ),
        "a reason without a booking to move": (
            lambda: _book(inspections, check_id, uscc, "2026-03-23", MORNING, reason="改期"),
            (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"),
        ),
    }
    for what, (call, expected) in refusals.items():
        assert rejected(call) == expected, what
        assert head(cards, uscc) == before and footprint(db) == rows, what

    _book(inspections, check_id, uscc, "2026-03-23", MORNING)
    assert rejected(lambda: _book(inspections, check_id, uscc, "2026-03-25", MORNING)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )  # moving it needs a reason
    moved = _book(inspections, check_id, uscc, "2026-03-25", MORNING, reason="设备调试").inspection
    assert moved.appointment.reschedules == 1
    # The old half-day is free again for the lead's other checks; a second move is refused.
    assert ("2026-03-23", MORNING) in _slots(inspections, other_id, LEGAL)
    before, rows = head(cards, uscc), footprint(db)
    assert rejected(lambda: _book(inspections, check_id, uscc, "2026-03-26", MORNING, reason="再改")) == (
        FP,
        "RESCHEDULE_LIMIT",
    )
    assert head(cards, uscc) == before and footprint(db) == rows


def test_two_bookings_racing_for_one_inspectors_half_day_one_wins(
    registry: Any, inspections: Any, admin: Any
) -> None:
    lead, invited = _departments(registry, admin)
    contenders = [_approved_check(registry, inspections, admin, lead, invited) for _ in range(2)]

    def book(check: tuple[str, str, str]) -> tuple[grpc.StatusCode, str]:
        try:
            _book(inspections, check[0], check[2], "2026-03-27", MORNING)
        except grpc.RpcError as error:
            return error.code(), error_info(error).reason  # type: ignore[attr-defined]
        return grpc.StatusCode.OK, ""

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(book, contenders), key=lambda o: o[0].value[0])
    assert outcomes == [(grpc.StatusCode.OK, ""), (FP, "SLOT_TAKEN")]
    booked = [
        inspections.GetInspection(pb.GetInspectionRequest(inspection_id=c[0]), metadata=LEGAL).appointment
        for c in contenders
    ]
    assert sum(1 for b in booked if b.visit_date.day == 27) == 1


def test_free_half_days_come_a_page_at_a_time(registry: Any, inspections: Any, admin: Any) -> None:
    lead, invited = _departments(registry, admin)
    check_id, _, _ = _approved_check(registry, inspections, admin, lead, invited)
    everything = _slots(inspections, check_id, LEGAL)
    pages, token = [], ""
    for _ in range(20):
        page = inspections.ListAvailableSlots(
            pb.ListAvailableSlotsRequest(inspection_id=check_id, page_size=4, page_token=token),
            metadata=LEGAL,
        )
        pages.extend((f"{s.date.year}-{s.date.month:02d}-{s.date.day:02d}", s.half_day) for s in page.slots)
        token = page.next_page_token
        if not token:
            break
    assert pages == everything and len(everything) == 14


def test_the_enterprise_sees_free_slots_and_books_with_the_cli(
    registry: Any, inspections: Any, admin: Any, grpc_addr: str
) -> None:
    from typer.testing import CliRunner

    from clients.cli import app

    lead, invited = _departments(registry, admin)
    check_id, _, uscc = _approved_check(registry, inspections, admin, lead, invited)
    env = {
        "ONECARD_TARGET": grpc_addr,
        "ONECARD_TOKEN": enterprise_md(uscc)[0][1].removeprefix("Bearer "),
        "ONECARD_TIMEZONE": "Asia/Shanghai",
    }
    slots = CliRunner().invoke(app, ["joint", "slots", check_id], env=env)
    assert slots.exit_code == 0, slots.output
    assert "2026-03-23 morning" in slots.stdout and "2026-03-28" not in slots.stdout
    booked = CliRunner().invoke(
        app, ["joint", "book", check_id, "--date", "2026-03-30", "--half-day", "afternoon"], env=env
    )
    assert booked.exit_code == 0, booked.output
    appointment = inspections.GetInspection(
        pb.GetInspectionRequest(inspection_id=check_id), metadata=LEGAL
    ).appointment
    assert (appointment.visit_date.day, appointment.half_day) == (30, AFTERNOON)


def test_slots_of_an_unknown_inspection_are_not_found(inspections: Any) -> None:
    expect_error(
        lambda: inspections.ListAvailableSlots(
            pb.ListAvailableSlotsRequest(inspection_id="I-NONE"), metadata=LEGAL
        ),
        grpc.StatusCode.NOT_FOUND,
        "NOT_FOUND",
    )


def test_a_quiet_day_is_booked_only_at_the_enterprises_own_request(
    registry: Any, cards: Any, inspections: Any, admin: Any, clock: SettableClock, db: Database
) -> None:
    lead, invited = _departments(registry, admin)
    uscc = make_enterprise(registry, admin)
    part = request_for(
        lead, uscc, start="2026-04-06", end="2026-04-17", kind=common_pb.INSPECTION_KIND_TRIGGERED
    )
    fields = {f.name: getattr(part, f.name) for f in part.DESCRIPTOR.fields if f.name != "request_id"}
    check = inspections.ProposeJointCheck(
        pb.ProposeJointCheckRequest(**fields, department_codes=[invited.code]), metadata=lead.md
    ).inspection
    inspections.ConfirmParticipation(
        pb.ConfirmParticipationRequest(
            inspection_id=check.id, item_codes=invited.items[:1], inspector_ids=invited.inspectors[:2]
        ),
        metadata=invited.md,
    )
    code = approve(inspections, check.id).inspection.inspection_code
    quiet = ("2026-04-08", MORNING)  # a Wednesday among the quiet days (1st–10th)
    assert quiet not in _slots(inspections, check.id, enterprise_md(uscc))
    assert quiet in _slots(inspections, check.id, enterprise_md(uscc), include_quiet_days=True)
    before, rows = head(cards, uscc), footprint(db)
    assert rejected(lambda: _book(inspections, check.id, uscc, *quiet)) == (FP, "QUIET_PERIOD")
    assert head(cards, uscc) == before and footprint(db) == rows

    booked = inspections.BookVisit(
        pb.BookVisitRequest(
            inspection_id=check.id, slot=pb.Slot(date=day(quiet[0]), half_day=quiet[1]), at_own_request=True
        ),
        metadata=enterprise_md(uscc),
    ).inspection
    assert booked.appointment.at_enterprise_request
    entry = cards.ListCardEntries(
        card_pb.ListCardEntriesRequest(uscc=uscc, page_size=50), metadata=LEGAL
    ).entries[-1]
    assert json.loads(entry.payload_json)["at_enterprise_request"] is True
    clock.set(local(2026, 4, 8))
    assert inspections.VerifyInspectionCode(pb.VerifyInspectionCodeRequest(inspection_code=code)).valid
    checked_in = inspections.CheckIn(
        pb.CheckInRequest(inspection_code=code, inspector_ids=lead.inspectors[:2]), metadata=lead.md
    ).inspection
    assert checked_in.state == pb.INSPECTION_STATE_IN_PROGRESS


def test_the_lead_offers_candidate_half_days_and_the_enterprise_books_one_of_them(
    registry: Any, cards: Any, inspections: Any, admin: Any, db: Database
) -> None:
    lead, invited = _departments(registry, admin)
    check_id, _, uscc = _approved_check(registry, inspections, admin, lead, invited)

    def offer(*slots: tuple[str, int], by: Department = lead) -> Any:
        return inspections.OfferSlots(
            pb.OfferSlotsRequest(
                inspection_id=check_id, slots=[pb.Slot(date=day(d), half_day=h) for d, h in slots]
            ),
            metadata=by.md,
        )

    before, rows = head(cards, uscc), footprint(db)
    assert rejected(lambda: offer(("2026-03-24", MORNING), by=invited)) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "NOT_YOUR_INSPECTION",
    )
    assert rejected(lambda: offer(("2026-03-28", MORNING))) == (FP, "SLOT_TAKEN")  # a Saturday
    assert head(cards, uscc) == before and footprint(db) == rows

    offer(("2026-03-24", MORNING), ("2026-03-26", AFTERNOON))
    assert _slots(inspections, check_id, enterprise_md(uscc)) == [
        ("2026-03-24", MORNING),
        ("2026-03-26", AFTERNOON),
    ]
    before, rows = head(cards, uscc), footprint(db)
    assert rejected(lambda: _book(inspections, check_id, uscc, "2026-03-25", MORNING)) == (
        FP,
        "SLOT_NOT_OFFERED",
    )
    assert head(cards, uscc) == before and footprint(db) == rows
    _book(inspections, check_id, uscc, "2026-03-26", AFTERNOON)
    assert rejected(lambda: offer(("2026-03-27", MORNING))) == (FP, "ALREADY_BOOKED")
    kinds_seen = [
        card_pb.CardEntryKind.Name(e.kind)
        for e in cards.ListCardEntries(
            card_pb.ListCardEntriesRequest(uscc=uscc, page_size=50), metadata=LEGAL
        ).entries
    ]
    assert kinds_seen[-2:] == ["CARD_ENTRY_KIND_SLOTS_OFFERED", "CARD_ENTRY_KIND_VISIT_BOOKED"]


def test_the_lead_offers_and_the_enterprise_books_with_the_cli(
    registry: Any, inspections: Any, admin: Any, grpc_addr: str
) -> None:
    from typer.testing import CliRunner

    from clients.cli import app

    lead, invited = _departments(registry, admin)
    check_id, _, uscc = _approved_check(registry, inspections, admin, lead, invited)

    def onecard(token: str, *args: str) -> Any:
        env = {"ONECARD_TARGET": grpc_addr, "ONECARD_TOKEN": token, "ONECARD_TIMEZONE": "Asia/Shanghai"}
        return CliRunner().invoke(app, ["joint", *args], env=env)

    lead_token = lead.md[0][1].removeprefix("Bearer ")
    enterprise_token = enterprise_md(uscc)[0][1].removeprefix("Bearer ")
    offered = onecard(
        lead_token, "offer", check_id, "--slot", "2026-03-30:morning", "--slot", "2026-03-31:afternoon"
    )
    assert offered.exit_code == 0, offered.output
    refused = onecard(enterprise_token, "book", check_id, "--date", "2026-03-30", "--half-day", "afternoon")
    assert refused.exit_code == 2 and "SLOT_NOT_OFFERED" in refused.output
    booked = onecard(enterprise_token, "book", check_id, "--date", "2026-03-31", "--half-day", "afternoon")
    assert booked.exit_code == 0, booked.output
