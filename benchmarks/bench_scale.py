"""Check cost against the number of people (run as a script).

    python benchmarks/bench_scale.py --people 10000 1000000

For each size, a fresh store (memory, and a SQLite file read without the check cache so
the read itself is measured) gets that many people, each with a newsletter consent
(through ``import_consents``); then ``check_use`` is timed on fresh random people in
every round. The baseline is the smallest size, in the same run.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from _results import keep

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from pipolicy.testing import contract_policy

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)


def per_check(store: pp.Store, people: int, seconds: float) -> float:
    engine = pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(NOW))
    engine.import_consents(
        (pp.ConsentImport(f"p{n}", purpose="newsletter") for n in range(people)),
        batch_size=5000,
    )
    rng = random.Random(7)
    rounds: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(rounds) < 5:
        asked = [pp.Ref(f"p{rng.randrange(people)}") for _ in range(200)]  # fresh each round
        start = time.perf_counter()
        for ref in asked:
            engine.check_use(ref, purpose="newsletter", items={"email"})
        rounds.append((time.perf_counter() - start) / len(asked))
    engine.close()
    return sorted(rounds)[len(rounds) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label in ("memory", "sqlite"):
            costs: dict[str, float] = {}
            for n in args.people:
                store: pp.Store = (
                    pp.open_store("memory://")
                    if label == "memory"
                    else SqlStore(f"sqlite:///{Path(tmp) / f'{n}.db'}", cache_checks=False)
                )
                costs[str(n)] = per_check(store, n, args.seconds)
                base = costs[str(args.people[0])]
                print(
                    f"{label:7} {n:>10,} people: check_use {costs[str(n)] * 1e6:8.1f} µs "
                    f"({costs[str(n)] / base:.2f}x the {args.people[0]:,}-person store)",
                    flush=True,
                )
            figures[label] = costs
    if args.json:
        keep(args.json, figures, "scale")


if __name__ == "__main__":
    main()
