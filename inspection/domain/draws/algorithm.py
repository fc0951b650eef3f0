"""The draw itself (双随机), as pure functions of published inputs: the pool file, the parameters
document and the entropy value. Nothing here reads the database or a clock, so the service's
``VerifyDraw`` and the independent verifier printed in ``docs/draws.md`` compute the same thing.

Version 1 of the encoding (``docs/draws.md`` states it byte for byte):

- pool file: one line ``USCC,CLASS\\n`` per candidate, sorted by USCC; ``pool_digest`` is the
  hex SHA-256 of its bytes.
- parameters: canonical JSON (sorted keys, no spaces, UTF-8); ``parameters_digest`` likewise.
- ``seed = SHA-256("onecard-draw-v1" ‖ 0x00 ‖ pool digest (32 bytes) ‖ parameters digest
  (32 bytes) ‖ UTF-8(entropy))``.
- an enterprise's key is ``SHA-256(seed ‖ ASCII(USCC))``; an inspector's for that enterprise is
  ``SHA-256(seed ‖ ASCII(USCC) ‖ UTF-8(inspector id))``; lower keys are drawn first.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

VERSION = 1
SEED_PREFIX = b"onecard-draw-v1\x00"
CREDIT_CLASSES = ("A", "B", "C", "D")
#: Sampling ratios by credit class in basis points (1/100 of a percent): A 5 %, B 20 %, C 60 %, D 100 %.
DEFAULT_RATIOS_BP: Mapping[str, int] = {"A": 500, "B": 2000, "C": 6000, "D": 10000}
#: With a fixed count, the whole pool is one stratum of this name.
ALL = "ALL"


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pool_file(candidates: Iterable[tuple[str, str]]) -> bytes:
    """The published pool: ``USCC,CLASS`` lines sorted by USCC."""
    return "".join(f"{uscc},{cls}\n" for uscc, cls in sorted(candidates)).encode("ascii")


def read_pool(data: bytes) -> list[tuple[str, str]]:
    return [(line[:18], line[19:]) for line in data.decode("ascii").split("\n") if line]


def seed_of(pool_digest: str, parameters_digest: str, entropy: str) -> bytes:
    return hashlib.sha256(
        SEED_PREFIX + bytes.fromhex(pool_digest) + bytes.fromhex(parameters_digest) + entropy.encode()
    ).digest()


def stratum_size(n: int, ratio_bp: int) -> int:
    """How many of ``n`` a ratio draws: ratio × n rounded up (a non-empty stratum at a non-zero
    ratio always gives at least one), in integers."""
    return (n * ratio_bp + 9999) // 10000


@dataclass(frozen=True)
class Drawn:
    """One enterprise drawn: its stratum, its key, and the inspectors drawn per department (empty
    when a department had fewer than the number needed, listed in ``short_of``)."""

    uscc: str
    stratum: str
    key: str
    inspectors: dict[str, list[str]] = field(default_factory=dict)
    short_of: list[str] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc,
            "stratum": self.stratum,
            "key": self.key,
            "inspectors": self.inspectors,
            "short_of": self.short_of,
        }


def rank_inspectors(seed: bytes, uscc: str, inspector_ids: Iterable[str]) -> list[str]:
    """An enterprise's ranking of inspectors: lowest key first."""
    base = seed + uscc.encode("ascii")
    return sorted(inspector_ids, key=lambda i: (hashlib.sha256(base + i.encode()).digest(), i))


def draw(
    pool: Sequence[tuple[str, str]],
    parameters: Mapping[str, Any],
    entropy: str,
    *,
    pool_digest: str | None = None,
) -> dict[str, Any]:
    """The draw's result document: the digests, the seed and every drawn enterprise, in key order.
    A caller holding the pool file's digest already (the service) passes it instead of re-hashing."""
    pool_digest = pool_digest or digest(pool_file(pool))
    parameters_digest = digest(canonical_json(parameters))
    seed = seed_of(pool_digest, parameters_digest, entropy)
    chosen = choose_enterprises(seed, pool, parameters)
    assign_inspectors(seed, chosen, parameters)
    return {
        "v": VERSION,
        "pool_digest": pool_digest,
        "parameters_digest": parameters_digest,
        "seed": seed.hex(),
        "drawn": [d.document() for d in chosen],
    }


def choose_enterprises(
    seed: bytes, pool: Sequence[tuple[str, str]], parameters: Mapping[str, Any]
) -> list[Drawn]:
    """The lowest keys of each stratum; all drawn enterprises then in key order."""
    strata: dict[str, list[str]] = {}
    fixed = parameters.get("fixed_count")
    for uscc, cls in pool:
        strata.setdefault(ALL if fixed else cls, []).append(uscc)
    picked: list[tuple[bytes, str, str]] = []
    sha = hashlib.sha256
    for name in sorted(strata):
        members = strata[name]
        ratio = 0 if fixed else int(parameters["ratios_bp"].get(name, 0))
        k = min(int(fixed), len(members)) if fixed else stratum_size(len(members), ratio)
        if k == 0:
            continue
        keys = [sha(seed + u.encode("ascii")).digest() for u in members]
        picked.extend((key, u, name) for key, u in heapq.nsmallest(k, zip(keys, members, strict=True)))
    picked.sort()
    return [Drawn(uscc=u, stratum=name, key=key.hex()) for key, u, name in picked]


def assign_inspectors(seed: bytes, chosen: Sequence[Drawn], parameters: Mapping[str, Any]) -> None:
    """For each drawn enterprise in key order and each department in code order, the lowest-ranked
    ``m`` of the department's eligible inspectors (not recused from the enterprise, under the load
    limit); taking one adds one to its load. A department with fewer than ``m`` eligible leaves the
    enterprise unstaffed by it (``short_of``) and loads nobody."""
    m = int(parameters["inspectors_per_enterprise"])
    limit = int(parameters["load_limit"])
    recused: dict[str, set[str]] = {}
    for inspector_id, uscc in parameters["recusals"]:
        recused.setdefault(uscc, set()).add(inspector_id)
    departments = sorted(parameters["departments"], key=lambda d: d["code"])
    load = {p["id"]: int(p["load"]) for d in departments for p in d["inspectors"]}
    # Who is under the limit, per department, kept up to date as loads grow.
    under = {
        d["code"]: [(p["id"].encode(), p["id"]) for p in d["inspectors"] if load[p["id"]] < limit]
        for d in departments
    }
    sha = hashlib.sha256
    for drawn in chosen:
        taken: dict[str, list[str]] = {}
        base = seed + drawn.uscc.encode("ascii")
        not_here = recused.get(drawn.uscc, set())
        for department in departments:
            code = department["code"]
            eligible = [e for e in under[code] if e[1] not in not_here] if not_here else under[code]
            if len(eligible) < m:
                drawn.short_of.append(code)
                continue
            keys = [sha(base + encoded).digest() for encoded, _ in eligible]
            taken[code] = [i for _, (_, i) in heapq.nsmallest(m, zip(keys, eligible, strict=True))]
        if drawn.short_of:
            continue
        for code, ids in taken.items():
            for inspector_id in ids:
                load[inspector_id] += 1
            if any(load[i] >= limit for i in ids):
                under[code] = [e for e in under[code] if load[e[1]] < limit]
        drawn.inspectors.update(taken)
