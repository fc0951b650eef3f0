"""The card (一卡通, DESIGN §8): keyset pagination with filters, chain verification that catches rows
changed behind the service's back, the summary, and the live stream of new entries."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import queue
import threading
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import text

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.domain.card import GENESIS_HASH, entry_hash
from inspection.storage.db import Database
from inspection.v1 import card_service_pb2 as card
from inspection.v1 import card_service_pb2_grpc, registry_service_pb2_grpc
from inspection.v1 import registry_service_pb2 as reg
from tests.support import (
    auth,
    entry_count,
    expect_error,
    field_violations,
    make_uscc,
    register,
    stored_head,
    with_page_key,
)

Registry = registry_service_pb2_grpc.RegistryServiceStub
Cards = card_service_pb2_grpc.CardServiceStub
Metadata = list[tuple[str, str]]

UPDATED = card.CARD_ENTRY_KIND_ENTERPRISE_UPDATED
RECUSAL = card.CARD_ENTRY_KIND_RECUSAL_RECORDED
ISSUED = card.CARD_ENTRY_KIND_CARD_ISSUED


def flip(registry: Registry, admin: Metadata, uscc: str, value: bool) -> reg.UpdateEnterpriseResponse:
    response: reg.UpdateEnterpriseResponse = registry.UpdateEnterprise(
        reg.UpdateEnterpriseRequest(
            enterprise=reg.Enterprise(uscc=uscc, white_listed=value),
            update_mask=FieldMask(paths=["white_listed"]),
        ),
        metadata=admin,
    )
    return response


def flips(registry: Registry, admin: Metadata, uscc: str, count: int, start: bool = True) -> None:
    for i in range(count):
        flip(registry, admin, uscc, (i % 2 == 0) == start)


def all_entries(cards: Cards, admin: Metadata, uscc: str, **filters: object) -> list[card.CardEntry]:
    """Every entry matching the filters, page by page (at most 50 pages)."""
    entries: list[card.CardEntry] = []
    token = ""
    for _ in range(50):
        page = cards.ListCardEntries(
            card.ListCardEntriesRequest(uscc=uscc, page_size=50, page_token=token, **filters),  # type: ignore[arg-type]
            metadata=admin,
        )
        entries.extend(page.entries)
        token = page.next_page_token
        if not token:
            return entries
    raise AssertionError("more pages than expected")


def stamp(instant: dt.datetime) -> Timestamp:
    value = Timestamp()
    value.FromDatetime(instant)
    return value


# --- a card of 120 entries, written at two instants -----------------------------------------


@dataclass(frozen=True)
class LongCard:
    uscc: str
    first_time: dt.datetime
    second_time: dt.datetime
    departments: tuple[str, str]


@pytest.fixture(scope="module")
def long_card(registry: Registry, admin: Metadata, clock: SettableClock) -> LongCard:
    """seq 1 issued and 2–60 updates at T0; seq 61–62 recusals (two departments) and 63–120 updates at T1."""
    for code, name in (("CARD-A", "卫生健康委员会"), ("CARD-B", "消防救援支队")):
        registry.CreateDepartment(
            reg.CreateDepartmentRequest(department=reg.Department(code=code, name=name)), metadata=admin
        )
        registry.CreateInspector(
            reg.CreateInspectorRequest(
                inspector=reg.Inspector(id=f"INS-{code}", department_code=code, name="检查员", active=True)
            ),
            metadata=admin,
        )
    first_time = clock.now()
    uscc = register(registry, admin, name="长卡片有限公司").enterprise.uscc
    flips(registry, admin, uscc, 59)
    clock.advance(dt.timedelta(minutes=30))
    second_time = clock.now()
    for code in ("CARD-A", "CARD-B"):
        registry.CreateRecusal(
            reg.CreateRecusalRequest(
                recusal=reg.Recusal(inspector_id=f"INS-{code}", uscc=uscc, reason="回避")
            ),
            metadata=admin,
        )
    flips(registry, admin, uscc, 58, start=False)  # 59 flips left white_listed True
    return LongCard(uscc, first_time, second_time, ("CARD-A", "CARD-B"))


def test_pages_of_fifty_over_120_entries(cards: Cards, admin: Metadata, long_card: LongCard) -> None:
    sizes: list[int] = []
    seqs: list[int] = []
    token = ""
    for _ in range(10):
        page = cards.ListCardEntries(
            card.ListCardEntriesRequest(uscc=long_card.uscc, page_size=50, page_token=token), metadata=admin
        )
        sizes.append(len(page.entries))
        seqs.extend(e.seq for e in page.entries)
        token = page.next_page_token
        if not token:
            break
    assert sizes == [50, 50, 20]
    assert seqs == list(range(1, 121))

    default = cards.ListCardEntries(card.ListCardEntriesRequest(uscc=long_card.uscc), metadata=admin)
    assert len(default.entries) == 50 and default.next_page_token

    entries = all_entries(cards, admin, long_card.uscc)
    assert entries[0].prev_hash == GENESIS_HASH
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.entry_hash


def test_filter_by_kind(cards: Cards, admin: Metadata, long_card: LongCard) -> None:
    recusals = all_entries(cards, admin, long_card.uscc, kinds=[RECUSAL])
    assert [e.seq for e in recusals] == [61, 62]
    updates = all_entries(cards, admin, long_card.uscc, kinds=[UPDATED])
    assert len(updates) == 117
    assert {e.kind for e in updates} == {UPDATED}
    both = all_entries(cards, admin, long_card.uscc, kinds=[ISSUED, RECUSAL])
    assert [e.seq for e in both] == [1, 61, 62]


def test_filter_by_department(cards: Cards, admin: Metadata, long_card: LongCard) -> None:
    first, second = long_card.departments
    assert [e.seq for e in all_entries(cards, admin, long_card.uscc, department_code=first)] == [61]
    assert [e.seq for e in all_entries(cards, admin, long_card.uscc, department_code=second)] == [62]
    assert all_entries(cards, admin, long_card.uscc, department_code="NOBODY") == []


def test_filter_by_time(cards: Cards, admin: Metadata, long_card: LongCard) -> None:
    later = all_entries(cards, admin, long_card.uscc, start_time=stamp(long_card.second_time))
    assert [e.seq for e in later] == list(range(61, 121))
    earlier = all_entries(cards, admin, long_card.uscc, end_time=stamp(long_card.second_time))
    assert [e.seq for e in earlier] == list(range(1, 61))
    assert {e.time.ToDatetime(tzinfo=dt.UTC) for e in earlier} == {long_card.first_time}
    window = all_entries(
        cards,
        admin,
        long_card.uscc,
        start_time=stamp(long_card.first_time + dt.timedelta(minutes=1)),
        end_time=stamp(long_card.second_time),
    )
    assert window == []
    combined = all_entries(
        cards, admin, long_card.uscc, kinds=[UPDATED], start_time=stamp(long_card.second_time)
    )
    assert [e.seq for e in combined] == list(range(63, 121))


@pytest.mark.parametrize(
    "other_query",
    [
        {},
        {"kinds": [RECUSAL]},
        {"kinds": [UPDATED], "department_code": "CARD-A"},
        {"kinds": [UPDATED], "uscc": "another"},
    ],
    ids=["no-filter", "other-kind", "added-department", "other-card"],
)
def test_page_token_of_another_query_is_refused(
    other_query: dict[str, Any], cards: Cards, admin: Metadata, long_card: LongCard
) -> None:
    filtered = cards.ListCardEntries(
        card.ListCardEntriesRequest(uscc=long_card.uscc, kinds=[UPDATED], page_size=10), metadata=admin
    )
    assert filtered.next_page_token
    fields = {"uscc": long_card.uscc, **other_query, "page_token": filtered.next_page_token}
    if fields["uscc"] == "another":
        fields["uscc"] = make_uscc()
    error = expect_error(
        lambda: cards.ListCardEntries(card.ListCardEntriesRequest(**fields), metadata=admin),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {"page_token"}


@pytest.mark.parametrize(
    ("request_fields", "field"),
    [
        ({"kinds": [card.CARD_ENTRY_KIND_UNSPECIFIED]}, "kinds[0]"),
        ({"kinds": [999]}, "kinds[0]"),
        ({"page_size": -5}, "page_size"),
        ({"page_token": "not-a-token"}, "page_token"),
    ],
    ids=["unspecified-kind", "unknown-kind", "negative-size", "garbage-token"],
)
def test_bad_list_requests(
    cards: Cards, admin: Metadata, long_card: LongCard, request_fields: dict[str, object], field: str
) -> None:
    error = expect_error(
        lambda: cards.ListCardEntries(
            card.ListCardEntriesRequest(uscc=long_card.uscc, **request_fields),  # type: ignore[arg-type]
            metadata=admin,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {field}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_time", Timestamp(seconds=10**12)),
        ("end_time", Timestamp(seconds=-(10**12))),
        ("end_time", Timestamp(seconds=1, nanos=-5)),
    ],
    ids=["far-future", "far-past", "negative-nanos"],
)
def test_timestamps_out_of_range_are_refused(
    cards: Cards, admin: Metadata, long_card: LongCard, field: str, value: Timestamp
) -> None:
    error = expect_error(
        lambda: cards.ListCardEntries(
            card.ListCardEntriesRequest(uscc=long_card.uscc, **{field: value}),  # type: ignore[arg-type]
            metadata=admin,
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    assert set(field_violations(error)) == {field}


LIST_ENTRIES = "/inspection.v1.CardService/ListCardEntries"


def _first_token(cards: Cards, admin: Metadata, long_card: LongCard) -> str:
    token = cards.ListCardEntries(
        card.ListCardEntriesRequest(uscc=long_card.uscc, page_size=3), metadata=admin
    ).next_page_token
    assert token
    return token


def _refused_token(cards: Cards, admin: Metadata, long_card: LongCard, token: str) -> str:
    error = expect_error(
        lambda: cards.ListCardEntries(
            card.ListCardEntriesRequest(uscc=long_card.uscc, page_token=token), metadata=admin
        ),
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_ARGUMENT",
    )
    violations = field_violations(error)
    assert set(violations) == {"page_token"}
    return violations["page_token"]


def test_a_page_token_the_caller_edited_is_refused(
    cards: Cards, admin: Metadata, long_card: LongCard
) -> None:
    token = _first_token(cards, admin, long_card)
    # The same edit sealed with the service's key lands on the page it names ...
    resealed = with_page_key(token, 100, reseal_for=LIST_ENTRIES)
    page = cards.ListCardEntries(
        card.ListCardEntriesRequest(uscc=long_card.uscc, page_size=3, page_token=resealed), metadata=admin
    )
    assert [e.seq for e in page.entries] == [101, 102, 103]
    # ... but a caller cannot seal it: its old seal does not cover the new key.
    assert "not a token this service issued" in _refused_token(
        cards, admin, long_card, with_page_key(token, 100)
    )


@pytest.mark.parametrize(
    "how",
    ["other signing key", "other method", "seal cut off", "seal only", "not base64 seal", "too long"],
)
def test_a_page_token_not_sealed_by_this_service_for_this_method_is_refused(
    cards: Cards, admin: Metadata, long_card: LongCard, how: str
) -> None:
    token = _first_token(cards, admin, long_card)
    inner, _, seal = token.rpartition(".")
    forged = {
        "other signing key": with_page_key(token, 3, reseal_for=LIST_ENTRIES, signing_key="another-key-" * 4),
        "other method": with_page_key(token, 3, reseal_for="/inspection.v1.RegistryService/ListEnterprises"),
        "seal cut off": inner,
        "seal only": "." + seal,
        "not base64 seal": inner + ".§§§§",
        "too long": inner + "A" * 600 + "." + seal,
    }[how]
    _refused_token(cards, admin, long_card, forged)


@pytest.mark.parametrize("key", ["abc", 1.5, {"seq": 3}, True, 2**63, -(2**63) - 1, [[[[[[[[]]]]]]]]])
def test_a_sealed_page_token_with_a_key_the_service_never_issues_is_refused(
    cards: Cards, admin: Metadata, long_card: LongCard, key: object
) -> None:
    """Behind the seal the token is still checked, should the key ever leak."""
    token = _first_token(cards, admin, long_card)
    _refused_token(cards, admin, long_card, with_page_key(token, key, reseal_for=LIST_ENTRIES))


@pytest.mark.parametrize("method", ["GetCard", "ListCardEntries", "VerifyCard"])
def test_unknown_and_missing_card(cards: Cards, admin: Metadata, method: str) -> None:
    request_type = {
        "GetCard": card.GetCardRequest,
        "ListCardEntries": card.ListCardEntriesRequest,
        "VerifyCard": card.VerifyCardRequest,
    }[method]
    rpc = getattr(cards, method)
    expect_error(
        lambda: rpc(request_type(uscc=make_uscc()), metadata=admin), grpc.StatusCode.NOT_FOUND, "NOT_FOUND"
    )
    error = expect_error(
        lambda: rpc(request_type(), metadata=admin), grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT"
    )
    assert set(field_violations(error)) == {"uscc"}


# --- verification ---------------------------------------------------------------------------


def test_verify_a_valid_card(cards: Cards, admin: Metadata, long_card: LongCard, db: Database) -> None:
    result = cards.VerifyCard(card.VerifyCardRequest(uscc=long_card.uscc), metadata=admin)
    assert result.valid
    assert result.entries_checked == 120
    assert (result.first_bad_seq, result.problem) == (0, "")
    assert (result.head.seq, result.head.entry_hash) == stored_head(db, long_card.uscc)


def test_recomputed_hashes_match_the_documented_encoding(
    cards: Cards, admin: Metadata, long_card: LongCard
) -> None:
    for entry in all_entries(cards, admin, long_card.uscc)[:5]:
        recomputed = entry_hash(
            uscc=entry.uscc,
            seq=entry.seq,
            kind=card.CardEntryKind.Name(entry.kind).removeprefix("CARD_ENTRY_KIND_"),
            actor_sub=entry.actor_sub,
            actor_role=entry.actor_role,
            actor_org=entry.actor_org,
            department_code=entry.department_code,
            inspection_id=entry.inspection_id,
            time=entry.time.ToDatetime(tzinfo=dt.UTC),
            payload_json=entry.payload_json,
            prev_hash=entry.prev_hash,
        )
        assert recomputed == entry.entry_hash


@pytest.fixture
def five_entries(registry: Registry, admin: Metadata) -> str:
    uscc = register(registry, admin, name="被篡改有限公司").enterprise.uscc
    flips(registry, admin, uscc, 4)
    return uscc


def _sql(db: Database, statement: str, **params: object) -> int:
    with db.write() as session:
        return int(session.execute(text(statement), params).rowcount)  # type: ignore[attr-defined]


def _verify(cards: Cards, admin: Metadata, uscc: str) -> card.VerifyCardResponse:
    response: card.VerifyCardResponse = cards.VerifyCard(card.VerifyCardRequest(uscc=uscc), metadata=admin)
    return response


def test_verify_detects_an_altered_payload(
    cards: Cards, admin: Metadata, db: Database, five_entries: str
) -> None:
    changed = _sql(
        db,
        "UPDATE card_entry SET payload_json = :payload WHERE uscc = :uscc AND seq = 3",
        payload=json.dumps({"changes": {"white_listed": {"new": False, "old": False}}}),
        uscc=five_entries,
    )
    assert changed == 1
    result = _verify(cards, admin, five_entries)
    assert not result.valid
    assert result.first_bad_seq == 3
    assert "entry_hash" in result.problem


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor_sub", "someone-else"),
        ("kind", "RECUSAL_RECORDED"),
        ("department_code", "CARD-A"),
        ("time", None),
    ],
)
def test_verify_detects_any_altered_column(
    cards: Cards, admin: Metadata, db: Database, five_entries: str, column: str, value: object
) -> None:
    if column == "time":
        _sql(
            db,
            "UPDATE card_entry SET time = :t WHERE uscc = :uscc AND seq = 2",
            t=dt.datetime(2020, 1, 1),
            uscc=five_entries,
        )
    else:
        _sql(
            db,
            f"UPDATE card_entry SET {column} = :v WHERE uscc = :uscc AND seq = 2",
            v=value,
            uscc=five_entries,
        )
    result = _verify(cards, admin, five_entries)
    assert (result.valid, result.first_bad_seq) == (False, 2)


def test_verify_detects_a_rewritten_entry_with_a_recomputed_hash(
    cards: Cards, admin: Metadata, db: Database, five_entries: str
) -> None:
    """A forger who recomputes the altered entry's own hash still breaks the next entry's link."""
    entry = all_entries(cards, admin, five_entries)[2]
    payload = json.dumps({"changes": {"credit_class": {"new": "A", "old": "D"}}}, separators=(",", ":"))
    forged = entry_hash(
        uscc=entry.uscc,
        seq=entry.seq,
        kind="ENTERPRISE_UPDATED",
        actor_sub=entry.actor_sub,
        actor_role=entry.actor_role,
        actor_org=entry.actor_org,
        department_code=None,
        inspection_id=None,
        time=entry.time.ToDatetime(tzinfo=dt.UTC),
        payload_json=payload,
        prev_hash=entry.prev_hash,
    )
    _sql(
        db,
        "UPDATE card_entry SET payload_json = :p, entry_hash = :h WHERE uscc = :uscc AND seq = 3",
        p=payload,
        h=forged,
        uscc=five_entries,
    )
    result = _verify(cards, admin, five_entries)
    assert (result.valid, result.first_bad_seq) == (False, 4)
    assert "prev_hash" in result.problem


def test_verify_detects_a_deleted_entry(
    cards: Cards, admin: Metadata, db: Database, five_entries: str
) -> None:
    assert _sql(db, "DELETE FROM card_entry WHERE uscc = :uscc AND seq = 3", uscc=five_entries) == 1
    result = _verify(cards, admin, five_entries)
    assert (result.valid, result.first_bad_seq) == (False, 3)
    assert "missing" in result.problem


def test_verify_detects_a_deleted_last_entry(
    cards: Cards, admin: Metadata, db: Database, five_entries: str
) -> None:
    assert _sql(db, "DELETE FROM card_entry WHERE uscc = :uscc AND seq = 5", uscc=five_entries) == 1
    result = _verify(cards, admin, five_entries)
    assert (result.valid, result.first_bad_seq, result.entries_checked) == (False, 5, 4)
    assert "head" in result.problem


def test_verify_detects_a_card_head_moved_back(
    cards: Cards, admin: Metadata, db: Database, five_entries: str
) -> None:
    """Truncating the chain and the head together is caught by a holder of an earlier response."""
    head = stored_head(db, five_entries)
    assert head is not None
    _sql(db, "UPDATE card SET head_hash = :h WHERE uscc = :uscc", h="f" * 64, uscc=five_entries)
    result = _verify(cards, admin, five_entries)
    assert (result.valid, result.first_bad_seq) == (False, 5)
    assert "head" in result.problem


def test_verify_of_the_first_entry(cards: Cards, admin: Metadata, db: Database, five_entries: str) -> None:
    _sql(
        db,
        "UPDATE card_entry SET prev_hash = :h WHERE uscc = :uscc AND seq = 1",
        h="a" * 64,
        uscc=five_entries,
    )
    result = _verify(cards, admin, five_entries)
    assert (result.valid, result.first_bad_seq) == (False, 1)


# --- summary --------------------------------------------------------------------------------


def test_get_card_summary(registry: Registry, cards: Cards, admin: Metadata, clock: SettableClock) -> None:
    created = register(registry, admin, name="摘要有限公司")
    uscc = created.enterprise.uscc
    updated = flip(registry, admin, uscc, True)
    summary = cards.GetCard(card.GetCardRequest(uscc=uscc), metadata=admin)
    assert summary.uscc == uscc
    assert summary.enterprise_name == "摘要有限公司"
    assert summary.head == updated.card_head
    assert summary.issue_time.ToDatetime(tzinfo=dt.UTC) == clock.now()
    assert list(summary.inspections_this_year) == []
    assert (summary.open_inspections, summary.unpaid_fen) == (0, 0)


# --- watching -------------------------------------------------------------------------------


def _watch(
    cards: Cards, metadata: Metadata, uscc: str, after_seq: int = 0
) -> tuple[grpc.Future, queue.Queue[card.CardEntry | BaseException], threading.Thread]:
    stream = cards.WatchCard(
        card.WatchCardRequest(uscc=uscc, after_seq=after_seq), metadata=metadata, timeout=30
    )
    received: queue.Queue[card.CardEntry | BaseException] = queue.Queue()

    def pump() -> None:
        try:
            for message in stream:
                # Heartbeats say the stream is alive; these tests look at the entries.
                if message.HasField("entry"):
                    received.put(message.entry)
        except grpc.RpcError as error:
            received.put(error)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return stream, received, thread


def _next(received: queue.Queue[card.CardEntry | BaseException], timeout: float = 5.0) -> card.CardEntry:
    item = received.get(timeout=timeout)
    if isinstance(item, BaseException):
        raise item
    return item


def test_watch_sends_existing_entries_then_new_ones(
    registry: Registry, cards: Cards, admin: Metadata
) -> None:
    uscc = register(registry, admin, name="关注有限公司").enterprise.uscc
    flip(registry, admin, uscc, True)
    stream, received, thread = _watch(cards, admin, uscc)
    try:
        assert [_next(received).seq for _ in range(2)] == [1, 2]
        assert received.empty()
        written = flip(registry, admin, uscc, False)
        entry = _next(received)
        assert (entry.seq, entry.kind, entry.entry_hash) == (3, UPDATED, written.card_head.entry_hash)
        flip(registry, admin, uscc, True)
        assert _next(received).seq == 4
    finally:
        stream.cancel()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_watch_from_a_sequence_number_as_the_enterprise(
    registry: Registry, cards: Cards, admin: Metadata, clock: SettableClock
) -> None:
    uscc = register(registry, admin, name="自查有限公司").enterprise.uscc
    flips(registry, admin, uscc, 3)
    own = auth(Role.ENTERPRISE, org=uscc, sub="compliance", now=clock.now())
    stream, received, thread = _watch(cards, own, uscc, after_seq=3)
    try:
        assert _next(received).seq == 4
        flip(registry, admin, uscc, False)
        assert _next(received).seq == 5
    finally:
        stream.cancel()
        thread.join(timeout=5)


def test_watch_sees_an_entry_written_by_another_replica(
    registry: Registry, cards: Cards, admin: Metadata, db: Database
) -> None:
    """Entries committed outside this process arrive by polling, without an in-process wake-up."""
    from inspection.auth import Principal
    from inspection.domain.card import EntryKind, append_entry, lock_card

    uscc = register(registry, admin, name="多副本有限公司").enterprise.uscc
    stream, received, thread = _watch(cards, admin, uscc)
    try:
        assert _next(received).seq == 1
        with db.write() as session:
            card_row = lock_card(session, uscc)
            append_entry(
                session,
                card_row,
                kind=EntryKind.ENTERPRISE_UPDATED,
                actor=Principal(sub="replica-2", role=Role.ADMIN),
                at=dt.datetime(2026, 3, 16, 2, 0, tzinfo=dt.UTC),
                payload={"changes": {}},
            )
            session.info.pop("appended_cards", None)  # as if committed by another process: no wake-up
        assert _next(received).seq == 2
    finally:
        stream.cancel()
        thread.join(timeout=5)


def test_watch_of_an_unknown_card(cards: Cards, admin: Metadata) -> None:
    def first() -> object:
        stream = cards.WatchCard(card.WatchCardRequest(uscc=make_uscc()), metadata=admin, timeout=5)
        return next(iter(stream)).entry

    expect_error(first, grpc.StatusCode.NOT_FOUND, "NOT_FOUND")

    def negative() -> object:
        stream = cards.WatchCard(
            card.WatchCardRequest(uscc=make_uscc(), after_seq=-1), metadata=admin, timeout=5
        )
        return next(iter(stream)).entry

    expect_error(negative, grpc.StatusCode.INVALID_ARGUMENT, "INVALID_ARGUMENT")


# --- append-only ----------------------------------------------------------------------------


def test_the_card_service_only_reads() -> None:
    methods = {m.name for m in card.DESCRIPTOR.services_by_name["CardService"].methods}
    assert methods == {"GetCard", "ListCardEntries", "VerifyCard", "WatchCard"}


def test_no_method_anywhere_updates_or_deletes_an_entry() -> None:
    from inspection.v1 import inspection_service_pb2, public_service_pb2, registry_service_pb2

    for module in (card, registry_service_pb2, inspection_service_pb2, public_service_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                assert not (
                    "Entr" in method.name and method.name.startswith(("Update", "Delete", "Set", "Remove"))
                ), method.full_name


def test_reads_write_nothing(cards: Cards, admin: Metadata, long_card: LongCard, db: Database) -> None:
    before = (entry_count(db), stored_head(db, long_card.uscc))
    cards.GetCard(card.GetCardRequest(uscc=long_card.uscc), metadata=admin)
    cards.VerifyCard(card.VerifyCardRequest(uscc=long_card.uscc), metadata=admin)
    all_entries(cards, admin, long_card.uscc)
    assert (entry_count(db), stored_head(db, long_card.uscc)) == before
