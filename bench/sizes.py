"""How big and how long each part of the benchmark is: ``full`` for ``make bench``, ``tiny`` for the
smoke test. Every loop of the benchmark is bounded by these counts and times."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    name: str
    #: Enterprises that reads and spread writes go across, each with ``entries_per_card`` entries.
    enterprises: int
    entries_per_card: int
    #: The small card of the scale figures, and the two large ones (also the VerifyCard figures).
    small_card: int
    medium_card: int
    large_card: int
    #: Rows of the ImportEnterprises figure.
    import_rows: int
    #: Requests in flight at once from the load generator.
    in_flight: int
    #: Bounds of one throughput figure: it stops at whichever comes first.
    seconds: float
    max_requests: int
    #: Requests sent before measuring (connection set-up, caches), not counted.
    warmup: int
    #: Timed repetitions of one VerifyCard call.
    verify_repeats: int
    #: The size of each hostile inspection code of the overload figures.
    flood_code_bytes: int = 20 * 1024 * 1024
    #: Approved joint checks of three departments (one per enterprise) for the booking figures, and
    #: the inspectors per department they spread over (pairs × free half-days bound the bookings).
    joint_checks: int = 600
    joint_inspectors: int = 44
    #: The draw's pool (enterprises of one district code) and the inspectors it draws from.
    draw_pool: int = 1_000_000
    draw_inspectors: int = 1_000
    #: Inspections the statistics are computed over (a district's several years), in a year.
    statistics_inspections: int = 100_000


FULL = Sizes(
    name="full",
    enterprises=1_000,
    entries_per_card=60,
    small_card=100,
    medium_card=10_000,
    large_card=100_000,
    import_rows=100_000,
    in_flight=16,
    seconds=3.0,
    max_requests=30_000,
    warmup=200,
    verify_repeats=3,
)

TINY = Sizes(
    name="tiny",
    enterprises=12,
    entries_per_card=55,
    small_card=100,
    medium_card=300,
    large_card=1_000,
    import_rows=200,
    in_flight=4,
    seconds=0.25,
    max_requests=60,
    warmup=4,
    verify_repeats=2,
    flood_code_bytes=256 * 1024,
    joint_checks=10,
    joint_inspectors=4,
    draw_pool=2_000,
    draw_inspectors=20,
    statistics_inspections=600,
)

SIZES = {s.name: s for s in (FULL, TINY)}
