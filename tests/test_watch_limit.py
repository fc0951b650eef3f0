"""WatchCard streams are bounded per server, so long-lived streams never starve other calls."""

from __future__ import annotations

import time
from typing import Any

import grpc
import pytest

from inspection.config import Settings
from inspection.v1 import card_service_pb2 as card_pb
from inspection.v1 import registry_service_pb2 as reg
from tests.support import TEST_SIGNING_KEY, error_info, make_uscc


@pytest.fixture(scope="module")
def settings(database_url: str) -> Settings:
    return Settings(
        alert_sweep_seconds=0,  # oversight sweeps run when a test asks (tests/test_oversight.py)
        signing_key=TEST_SIGNING_KEY,  # type: ignore[arg-type]
        listen="127.0.0.1:0",
        database_url=database_url,
        max_workers=6,
        max_watch_streams=2,
        watch_poll_seconds=0.1,
        _env_file=None,  # type: ignore[call-arg]
    )


def test_streams_beyond_the_limit_are_refused_until_one_ends(registry: Any, cards: Any, admin: Any) -> None:
    uscc = make_uscc()
    registry.CreateEnterprise(
        reg.CreateEnterpriseRequest(enterprise=reg.Enterprise(uscc=uscc, name="宁波观察有限公司")),
        metadata=admin,
    )
    watch = lambda: cards.WatchCard(card_pb.WatchCardRequest(uscc=uscc), metadata=admin)  # noqa: E731
    first, second = watch(), watch()
    assert next(first).entry.seq == 1 and next(second).entry.seq == 1
    with pytest.raises(grpc.RpcError) as caught:
        next(watch())
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert error_info(caught.value).reason == "TOO_MANY_WATCHES"
    # Unary calls still go through while both streams hold their threads.
    assert cards.GetCard(card_pb.GetCardRequest(uscc=uscc), metadata=admin).head.seq == 1

    first.cancel()
    deadline = time.monotonic() + 10
    while True:
        third = watch()
        try:
            assert next(third).entry.seq == 1
            break
        except grpc.RpcError as error:
            assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert time.monotonic() < deadline, "the cancelled stream never gave its slot back"
            time.sleep(0.1)
    third.cancel()
    second.cancel()


def test_settings_keep_threads_for_other_calls() -> None:
    with pytest.raises(ValueError, match="max_watch_streams"):
        Settings(signing_key=TEST_SIGNING_KEY, max_workers=4, max_watch_streams=4, _env_file=None)  # type: ignore[arg-type, call-arg]
