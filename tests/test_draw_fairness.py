"""Fairness evidence for the draw (双随机): over a fixed pool, drawn many times with a fixed list of
entropy values, every enterprise is drawn as often as its stratum's ratio says, every inspector as
often as any other, and inspector pairs do not recur more than chance allows.

Each check is a chi-square goodness-of-fit test at the 0.1 % level. The entropy list is fixed, so
the test is deterministic: it passes or fails the same way on every run, and a change to the draw
that biased it would fail it. The critical values come from the Wilson–Hilferty approximation of
the chi-square quantile (accurate to well under 1 % at these degrees of freedom).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import Any

from inspection.domain.draws import algorithm
from tests.support import make_uscc

RUNS = 400
#: The standard normal quantile of 0.999.
Z_999 = 3.0902
ENTROPIES = [f"fairness-{n:04d}" for n in range(RUNS)]


def critical(df: int, z: float = Z_999) -> float:
    """The chi-square quantile with ``df`` degrees of freedom (Wilson–Hilferty)."""
    return float(df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3)


def chi_square_drawn(counts: Counter[str], members: list[str], trials: int, p: float) -> float:
    """Σ (O − E)² / (E (1 − p)) over members drawn in ``trials`` draws of probability ``p`` each:
    chi-square with ``len(members) − 1`` degrees of freedom when the draw is fair (a fixed number
    is drawn each time, so each count varies as a binomial's, ``trials·p·(1 − p)``)."""
    expected = trials * p
    return sum((counts[m] - expected) ** 2 for m in members) / (expected * (1 - p))


POOL = sorted([(make_uscc("9133"), "A") for _ in range(20)] + [(make_uscc("9133"), "C") for _ in range(40)])
INSPECTORS = [f"FAIR-I{n:02d}" for n in range(12)]
PARAMETERS: dict[str, Any] = {
    "v": 1,
    "departments": [
        {"code": "FAIR", "items": ["FAIR-ITEM"], "inspectors": [{"id": i, "load": 0} for i in INSPECTORS]}
    ],
    "ratios_bp": {"A": 500, "C": 6000},
    "fixed_count": 0,
    "inspectors_per_enterprise": 2,
    "load_limit": 10_000,
    "recusals": [],
}
RESULTS = [algorithm.draw(POOL, PARAMETERS, entropy) for entropy in ENTROPIES]


def test_every_enterprise_is_drawn_as_often_as_its_stratum_says() -> None:
    counts: Counter[str] = Counter(d["uscc"] for result in RESULTS for d in result["drawn"])
    for cls, k in (("A", 1), ("C", 24)):
        members = [u for u, c in POOL if c == cls]
        assert all(sum(1 for d in r["drawn"] if d["stratum"] == cls) == k for r in RESULTS)
        statistic = chi_square_drawn(counts, members, RUNS, k / len(members))
        assert statistic < critical(len(members) - 1), (cls, statistic)
        assert min(counts[m] for m in members) > 0, "an enterprise never drawn"


def test_every_inspector_is_drawn_as_often_as_any_other() -> None:
    picks: Counter[str] = Counter()
    trials = 0
    for result in RESULTS:
        for drawn in result["drawn"]:
            picks.update(drawn["inspectors"]["FAIR"])
            trials += 1
    statistic = chi_square_drawn(picks, INSPECTORS, trials, 2 / len(INSPECTORS))
    assert statistic < critical(len(INSPECTORS) - 1), statistic


def test_inspector_pairs_recur_no_more_than_chance_allows() -> None:
    pairs: Counter[tuple[str, ...]] = Counter(
        tuple(sorted(drawn["inspectors"]["FAIR"])) for result in RESULTS for drawn in result["drawn"]
    )
    every = list(itertools.combinations(INSPECTORS, 2))
    trials = sum(pairs.values())
    expected = trials / len(every)
    statistic = sum((pairs[p] - expected) ** 2 for p in every) / expected
    assert statistic < critical(len(every) - 1), statistic
    # No pair is a fixed team: the most frequent pair stays within 5 standard deviations.
    sd = math.sqrt(expected * (1 - 1 / len(every)))
    assert max(pairs.values()) < expected + 5 * sd, pairs.most_common(3)


def test_the_checks_can_fail_a_biased_draw() -> None:
    """The same statistics reject a draw that always prefers the first inspectors of the list."""
    picks: Counter[str] = Counter()
    trials = 0
    for result in RESULTS:
        for _ in result["drawn"]:
            picks.update(INSPECTORS[:2] if trials % 3 else INSPECTORS[2:4])
            trials += 1
    assert chi_square_drawn(picks, INSPECTORS, trials, 2 / len(INSPECTORS)) > critical(len(INSPECTORS) - 1)


def test_the_load_limit_spreads_a_short_roster() -> None:
    """With the limit binding, nobody exceeds it and the work is spread over the whole roster."""
    limited = {**PARAMETERS, "load_limit": 5}
    for entropy in ENTROPIES[:20]:
        result = algorithm.draw(POOL, limited, entropy)
        load: Counter[str] = Counter(i for d in result["drawn"] for i in d["inspectors"].get("FAIR", []))
        assert max(load.values()) <= 5
        assert sum(load.values()) == 2 * sum(1 for d in result["drawn"] if not d["short_of"])


def test_rounding_of_ratio_times_stratum_is_up_in_integers() -> None:
    assert [algorithm.stratum_size(n, 500) for n in (0, 1, 19, 20, 21, 40)] == [0, 1, 1, 1, 2, 2]
    assert [algorithm.stratum_size(n, 10000) for n in (0, 7)] == [0, 7]
    assert algorithm.stratum_size(5, 0) == 0


def test_another_entropy_gives_another_seed_and_the_same_inputs_the_same_draw_in_any_order() -> None:
    assert algorithm.draw(POOL, PARAMETERS, "x") == algorithm.draw(list(reversed(POOL)), PARAMETERS, "x")
    assert algorithm.draw(POOL, PARAMETERS, "x") == algorithm.draw(POOL, PARAMETERS, "x")
    assert len({r["seed"] for r in RESULTS}) == RUNS
