"""The public feed (一公开) in publication order: results published through the real workflow, in
an order other than their ids', come back most recently published first, page by page."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from inspection.auth import Role
from inspection.clock import SettableClock
from inspection.v1 import common_pb2 as common_pb
from inspection.v1 import inspection_service_pb2 as pb
from inspection.v1 import public_service_pb2 as public_pb
from tests.inspection_support import Department, approve, local, make_enterprise, request_for, token
from tests.support import field_violations

ADMIN = token(Role.ADMIN, sub="admin-1")


@pytest.fixture(scope="module")
def admin() -> list[tuple[str, str]]:
    return ADMIN


def _completed(inspections: Any, clock: SettableClock, scjg: Department, uscc: str) -> str:
    clock.set(local(2026, 3, 16))
    requested = inspections.RequestInspection(request_for(scjg, uscc), metadata=scjg.md).inspection
    code = approve(inspections, requested.id).inspection.inspection_code
    clock.set(local(2026, 3, 23))
    inspections.CheckIn(
        pb.CheckInRequest(inspection_code=code, inspector_ids=scjg.inspectors[:2]), metadata=scjg.md
    )
    inspections.RecordResult(
        pb.RecordResultRequest(
            inspection_id=requested.id,
            result=common_pb.InspectionResult(
                outcome=common_pb.OUTCOME_NO_ISSUES, handling=common_pb.HANDLING_NONE
            ),
        ),
        metadata=scjg.md,
    )
    return str(requested.id)


def test_the_feed_follows_publication_time_across_pages(
    registry: Any, inspections: Any, public: Any, clock: SettableClock, scjg: Department
) -> None:
    ids = [_completed(inspections, clock, scjg, make_enterprise(registry, ADMIN)) for _ in range(3)]
    first, second, third = ids
    # Published last-requested first, then the first, then the second; two in the same instant.
    for day, inspection_id in ((24, third), (25, first), (25, second)):
        clock.set(local(2026, 3, day))
        inspections.PublishResult(pb.PublishResultRequest(inspection_id=inspection_id), metadata=scjg.md)
    expected = [*sorted([first, second], reverse=True), third]

    seen: list[str] = []
    token_ = ""
    for _ in range(5):
        page = public.ListPublishedResults(
            public_pb.ListPublishedResultsRequest(page_size=1, page_token=token_)
        )
        seen += [r.inspection_id for r in page.results]
        times = [r.publish_time.ToDatetime() for r in page.results]
        token_ = page.next_page_token
        if not token_:
            break
        assert times
    assert seen == expected
    whole = public.ListPublishedResults(public_pb.ListPublishedResultsRequest(page_size=10)).results
    assert [r.inspection_id for r in whole] == expected
    stamps = [r.publish_time.ToDatetime() for r in whole]
    assert stamps == sorted(stamps, reverse=True)


def test_a_page_token_of_another_filter_is_refused(public: Any) -> None:
    page = public.ListPublishedResults(public_pb.ListPublishedResultsRequest(page_size=1))
    assert page.next_page_token
    with pytest.raises(grpc.RpcError) as refused:
        public.ListPublishedResults(
            public_pb.ListPublishedResultsRequest(
                page_size=1, page_token=page.next_page_token, department_code="X"
            )
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "page_token" in field_violations(refused.value)
