"""The ``grpc.aio`` prototype of the benchmark's ``serving`` part (``bench/aio_server.py``) answers
GetCard and ListCardEntries exactly as the thread-pool server does, refusals included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from bench.serve import ServerProcess
from inspection.auth import Role
from inspection.v1 import card_service_pb2 as card
from inspection.v1 import card_service_pb2_grpc
from tests.inspection_support import Department, enterprise_md, make_enterprise, request_for, token
from tests.support import TEST_SIGNING_KEY

Cards = card_service_pb2_grpc.CardServiceStub


@pytest.fixture(scope="module")
def aio_cards(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cards]:
    log = tmp_path_factory.mktemp("aio") / "aio.log"
    with (
        ServerProcess("aio", database_url, signing_key=TEST_SIGNING_KEY, log_path=log) as server,
        grpc.insecure_channel(server.target) as channel,
    ):
        yield Cards(channel)


@pytest.fixture(scope="module")
def inspected(registry: Any, inspections: Any, admin: Any, scjg: Department, yjgl: Department) -> str:
    """An enterprise with entries of its own and an open inspection by SCJG this year."""
    uscc = make_enterprise(registry, admin)
    inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md)
    return uscc


def _both(call: str, request: Any, metadata: Any, cards: Cards, aio_cards: Cards) -> tuple[Any, Any]:
    return (
        getattr(cards, call)(request, metadata=metadata, timeout=10),
        getattr(aio_cards, call)(request, metadata=metadata, timeout=10),
    )


def _readers(uscc: str, scjg: Department, yjgl: Department) -> list[Any]:
    return [token(Role.ADMIN, sub="admin-aio"), enterprise_md(uscc), scjg.md, yjgl.md]


def test_get_card_answers_as_the_thread_pool_server(
    cards: Cards, aio_cards: Cards, inspected: str, scjg: Department, yjgl: Department
) -> None:
    for reader in _readers(inspected, scjg, yjgl):
        threads, aio = _both("GetCard", card.GetCardRequest(uscc=inspected), reader, cards, aio_cards)
        assert aio == threads
    assert dict((d.department_code, d.inspections) for d in aio.inspections_this_year) == {"SCJG": 1}
    assert aio.open_inspections == 1 and aio.head.seq >= 2


def test_list_card_entries_answers_as_the_thread_pool_server_page_by_page(
    cards: Cards, aio_cards: Cards, inspected: str, scjg: Department, yjgl: Department
) -> None:
    for reader in _readers(inspected, scjg, yjgl):
        request = card.ListCardEntriesRequest(uscc=inspected, page_size=1)
        pages = 0
        while True:
            threads, aio = _both("ListCardEntries", request, reader, cards, aio_cards)
            assert aio == threads
            pages += 1
            if not aio.next_page_token:
                break
            request = card.ListCardEntriesRequest(uscc=inspected, page_size=1, page_token=aio.next_page_token)
        assert pages >= 2
    # Another department's view withholds the inspection's payload on both.
    page = aio_cards.ListCardEntries(card.ListCardEntriesRequest(uscc=inspected), metadata=yjgl.md)
    assert any(entry.payload_withheld for entry in page.entries)


def _details(error: Any) -> list[Any]:
    """The rich status's details, an ErrorInfo unpacked: its metadata map has no fixed byte order."""
    status = rpc_status.from_call(error)
    assert status is not None
    details: list[Any] = []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            details.append(info)
        else:
            details.append(detail)
    return details


@pytest.mark.parametrize(
    ("call", "request_", "metadata", "code"),
    [
        ("GetCard", card.GetCardRequest(uscc="x"), [], grpc.StatusCode.UNAUTHENTICATED),
        ("ListCardEntries", card.ListCardEntriesRequest(uscc="x"), [], grpc.StatusCode.UNAUTHENTICATED),
        (
            "GetCard",
            card.GetCardRequest(uscc="x"),
            [("authorization", "Bearer not-a-token")],
            grpc.StatusCode.UNAUTHENTICATED,
        ),
        ("GetCard", card.GetCardRequest(uscc="91310000MA0000000X"), None, grpc.StatusCode.NOT_FOUND),
        ("GetCard", card.GetCardRequest(uscc=""), None, grpc.StatusCode.INVALID_ARGUMENT),
        (
            "ListCardEntries",
            card.ListCardEntriesRequest(uscc="x", page_token="forged.token"),
            None,
            grpc.StatusCode.INVALID_ARGUMENT,
        ),
    ],
)
def test_refusals_are_the_thread_pool_servers(
    cards: Cards, aio_cards: Cards, call: str, request_: Any, metadata: Any, code: grpc.StatusCode
) -> None:
    if metadata is None:
        metadata = token(Role.ADMIN, sub="admin-aio")
    answers = []
    for stub in (cards, aio_cards):
        with pytest.raises(grpc.RpcError) as refused:
            getattr(stub, call)(request_, metadata=metadata, timeout=10)
        error: Any = refused.value
        answers.append((error.code(), error.details(), _details(error)))
    assert answers[0][0] is code
    assert answers[1] == answers[0]


def test_another_enterprise_is_out_of_scope_on_both(
    cards: Cards, aio_cards: Cards, inspected: str, registry: Any, admin: Any
) -> None:
    other = enterprise_md(make_enterprise(registry, admin))
    for stub in (cards, aio_cards):
        with pytest.raises(grpc.RpcError) as refused:
            stub.GetCard(card.GetCardRequest(uscc=inspected), metadata=other, timeout=10)
        assert refused.value.code() is grpc.StatusCode.PERMISSION_DENIED  # type: ignore[attr-defined]
