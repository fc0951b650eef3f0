"""Re-runs a published draw (双随机) from its pool file, parameters and entropy alone.

    python3 verify_draw.py pool.txt parameters.json ENTROPY

Prints the result document (canonical JSON, one line) and, on standard error, its SHA-256.
Nothing but the Python standard library; docs/draws.md specifies every step.
"""

import hashlib
import heapq
import json
import sys


def canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def main(pool_path: str, parameters_path: str, entropy: str) -> None:
    with open(pool_path, "rb") as f:
        pool_bytes = f.read()
    with open(parameters_path, "rb") as f:
        parameters_bytes = f.read()
    parameters = json.loads(parameters_bytes)
    if canonical(parameters) != parameters_bytes:
        sys.exit("the parameters file is not in canonical form")
    pool = [line.split(",") for line in pool_bytes.decode("ascii").splitlines()]
    if [u for u, _ in pool] != sorted(u for u, _ in pool):
        sys.exit("the pool file is not sorted by USCC")
    pool_digest = sha256(pool_bytes)
    parameters_digest = sha256(parameters_bytes)
    seed = sha256(b"onecard-draw-v1\x00" + pool_digest + parameters_digest + entropy.encode("utf-8"))

    # Enterprises: the lowest keys of each stratum, ratio x size rounded up (or the fixed count).
    fixed = parameters["fixed_count"]
    strata: dict[str, list[str]] = {}
    for uscc, credit_class in pool:
        strata.setdefault("ALL" if fixed else credit_class, []).append(uscc)
    picked: list[tuple[bytes, str, str]] = []
    for name in sorted(strata):
        members = strata[name]
        if fixed:
            k = min(fixed, len(members))
        else:
            k = (len(members) * parameters["ratios_bp"].get(name, 0) + 9999) // 10000
        keyed = [(sha256(seed + u.encode("ascii")), u) for u in members]
        picked += [(key, u, name) for key, u in heapq.nsmallest(k, keyed)]
    picked.sort()

    # Inspectors: per drawn enterprise in key order, per department in code order, the lowest m
    # keys among those under the load limit and not recused; each taken one carries one more load.
    m = parameters["inspectors_per_enterprise"]
    limit = parameters["load_limit"]
    recused = {(i, u) for i, u in parameters["recusals"]}
    load = {p["id"]: p["load"] for d in parameters["departments"] for p in d["inspectors"]}
    drawn: list[dict[str, object]] = []
    for key, uscc, name in picked:
        taken: dict[str, list[str]] = {}
        short_of: list[str] = []
        for department in sorted(parameters["departments"], key=lambda d: d["code"]):
            eligible = [
                p["id"]
                for p in department["inspectors"]
                if load[p["id"]] < limit and (p["id"], uscc) not in recused
            ]
            if len(eligible) < m:
                short_of.append(department["code"])
                continue
            base = seed + uscc.encode("ascii")
            taken[department["code"]] = sorted(eligible, key=lambda i: (sha256(base + i.encode("utf-8")), i))[
                :m
            ]
        if short_of:
            taken = {}
        for ids in taken.values():
            for inspector_id in ids:
                load[inspector_id] += 1
        drawn.append(
            {"uscc": uscc, "stratum": name, "key": key.hex(), "inspectors": taken, "short_of": short_of}
        )

    result = {
        "v": 1,
        "pool_digest": pool_digest.hex(),
        "parameters_digest": parameters_digest.hex(),
        "seed": seed.hex(),
        "drawn": drawn,
    }
    document = canonical(result)
    sys.stdout.write(document.decode("utf-8") + "\n")
    sys.stderr.write("result sha256 " + hashlib.sha256(document).hexdigest() + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3])
