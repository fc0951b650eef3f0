"""The benchmark's ``serving`` part: the same card reads through other serving models than the
service's thread pool, on the same seeded database in the same run (docs/performance.md,
"Serving model"). Figures ``serving.<model>.get_card`` and ``serving.<model>.list_entries``."""

from __future__ import annotations

from bench.report import Figure
from bench.run import CARD, Bench
from bench.serve import ServerProcess
from inspection.v1 import card_service_pb2 as card_pb


def measure_card_reads(bench: Bench, backend: str, target: str, many: list[str], model: str) -> None:
    """GetCard across the cards and the first page of 50 of each, as the ``reads`` part sends them."""
    get_card = [card_pb.GetCardRequest(uscc=u) for u in many]
    result = bench.load.run(bench.job(f"serving.{model}.get_card", target, CARD + "GetCard", get_card))
    bench.add(
        Figure.from_load(result, backend=backend, section="serving", name=f"GetCard, {model}", rpc="GetCard")
    )
    pages = [card_pb.ListCardEntriesRequest(uscc=u, page_size=50) for u in many]
    key = f"serving.{model}.list_entries"
    result = bench.load.run(bench.job(key, target, CARD + "ListCardEntries", pages))
    bench.add(
        Figure.from_load(
            result,
            backend=backend,
            section="serving",
            name=f"ListCardEntries page of 50, {model}",
            rpc="ListCardEntries",
        )
    )


def measure_serving(bench: Bench, backend: str, url: str, target: str, many: list[str]) -> None:
    """The thread-pool server's figures (unless the ``reads`` part has them in this run), then the
    grpc.aio prototype's (``bench/aio_server.py``) in a server process of its own."""
    if not bench.wants("reads"):
        measure_card_reads(bench, backend, target, many, "threads")
    with ServerProcess(
        "aio", url, signing_key=bench.signing_key, log_path=bench.work / f"{backend}-aio.log"
    ) as aio:
        measure_card_reads(bench, backend, aio.target, many, "aio")
