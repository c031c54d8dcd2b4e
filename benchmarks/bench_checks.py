"""Check cost against a person's history, and batch checks, on memory and SQLite.

Run as a script (``python benchmarks/bench_checks.py``), never as a test. Figures are
ratios measured in the same run, since these machines are noisy:

* **history**: ``check_use`` latency when the person has 1, 100 and 1,000 consents to
  the newsletter (all but the last withdrawn: how a person who toggles a setting looks),
  and when they have 1,000 acquisitions (acquired from at every login), as a ratio to 1
  consent. A check should cost the same whatever the history.
* **batch**: ``check_use`` one at a time, and ``check_use_many`` in batches of 1,000
  fresh random questions about distinct people, per second, and the ratio; then
  ``check_use`` once everyone was read (the check cache warm), and of people a new
  engine on the same database has not read yet (first reads, 200 a round).
* **floor**: in memory, a bare dict lookup returning a frozen attrs decision, the floor
  the design budget names.
* **writes**: ``grant_consent`` then ``withdraw_consent`` per second on SQLite, with
  ``synchronous`` full (the default) and normal.
* **PostgreSQL**: with ``PIPOLICY_BENCH_POSTGRES_URL`` set, the batch figures again on
  that database (emptied first; ``--postgres-people`` people, 2,000 by default, since
  setting them up goes at PostgreSQL's write rate).

``--json PATH`` also writes the figures, for ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import attrs
from _results import keep
from bench_writers import empty_database

import pipolicy as pp
from pipolicy.testing import CONTRACT_START, contract_policy


@attrs.frozen
class _BareDecision:
    allowed: bool
    basis: str


def _median(values: list[float]) -> float:
    # The lower median: the middle round, or the faster of the two middle ones.
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _per_call(fn: Callable[[], object], seconds: float) -> float:
    """Median seconds per call over rounds of 50 calls for about ``seconds``."""
    rounds: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(rounds) < 5:
        start = time.perf_counter()
        for _ in range(50):
            fn()
        rounds.append((time.perf_counter() - start) / 50)
    return _median(rounds)


def _engine(store: str, *, cache: bool = True) -> pp.Engine:
    """An engine on ``store``; ``cache=False`` makes a SQLite store read the database for
    every check (``SqlStore(cache_checks=False)``), to measure the read itself."""
    if store.startswith("sqlite") and not cache:
        from pipolicy.backends.sql import SqlStore

        return pp.Engine(
            contract_policy(),
            store=SqlStore(store, cache_checks=False),
            clock=pp.FixedClock(CONTRACT_START),
        )
    return pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START))


def history(store: str, seconds: float) -> dict[str, float]:
    engine = _engine(store, cache=False)  # the same person again and again: read each time
    results: dict[str, float] = {}
    for size in (1, 100, 1000):
        s = engine.register_subject(f"h{size}", category="customer")
        engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
        for _ in range(size - 1):
            engine.grant_consent(s, purpose="newsletter")
            engine.withdraw_consent(s, purpose="newsletter")
        engine.grant_consent(s, purpose="newsletter")
        assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed

        def check(s: pp.Subject = s) -> object:
            return engine.check_use(s, purpose="newsletter", items={"email"})

        results[str(size)] = _per_call(check, seconds)
    s = engine.register_subject("logins", category="customer")
    for _ in range(1000):
        engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")

    def check_logins(s: pp.Subject = s) -> object:
        return engine.check_use(s, purpose="newsletter", items={"email"})

    results["1000 acquisitions"] = _per_call(check_logins, seconds)
    engine.store.close()
    return results


def batch(store: str, people: int, seconds: float) -> dict[str, float]:
    engine = _engine(store)
    subjects = []
    for n in range(people):
        s = engine.register_subject(f"b{n}", category="customer")
        engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
        if n % 3 == 0:
            engine.grant_consent(s, purpose="newsletter")
        subjects.append(s)
    rng = random.Random(7)
    purposes = ("service", "newsletter")

    def fresh(n: int) -> list[tuple[pp.Subject, str]]:
        return [(s, rng.choice(purposes)) for s in rng.sample(subjects, n)]

    def one_by_one() -> float:
        asked = fresh(200)  # fresh random questions every round
        start = time.perf_counter()
        for s, p in asked:
            engine.check_use(s, purpose=p, items={"email"})
        return 200 / (time.perf_counter() - start)

    many = getattr(engine, "check_use_many", None)

    def batched() -> float:
        asked = [pp.UseCheck(s, p, {"email"}) for s, p in fresh(1000)]
        start = time.perf_counter()
        assert many is not None
        many(asked)
        return 1000 / (time.perf_counter() - start)

    def rate(fn: Callable[[], float]) -> float:
        found: list[float] = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(found) < 3:
            found.append(fn())
        return _median(found)

    single = rate(one_by_one)
    out = {"single_per_s": single}
    if many is not None:
        out["many_per_s"] = rate(batched)
    # Every person read once (a service that has been up for a while), then fresh random
    # questions again: on a SQLite file, checks read through the cache kept fresh by
    # the file's version.
    for s in subjects:
        engine.check_use(s, purpose="service", items={"email"})
    out["single_warm_per_s"] = rate(one_by_one)
    engine.store.close()
    out["single_first_per_s"] = first_reads(store, subjects, seconds)
    return out


def first_reads(store: str, subjects: list[pp.Subject], seconds: float) -> float:
    """``check_use`` of people this store has not read yet (a new engine on the same
    database, so nothing is kept), 200 at a time in random order, until ``seconds`` or
    the people run out; the median round, per second."""
    engine = _engine(store)
    unseen = list(subjects)
    random.Random(11).shuffle(unseen)
    found: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(unseen) >= 200 and (time.perf_counter() < deadline or len(found) < 3):
        asked, unseen = unseen[:200], unseen[200:]
        start = time.perf_counter()
        for s in asked:
            engine.check_use(s, purpose="service", items={"email"})
        found.append(200 / (time.perf_counter() - start))
    engine.store.close()
    return _median(found)


def writes(url: str, seconds: float) -> float:
    engine = _engine(url)
    people = [engine.register_subject(f"w{n}", category="customer") for n in range(50)]
    done, deadline = 0, time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        s = people[done % len(people)]
        engine.grant_consent(s, purpose="newsletter")
        engine.withdraw_consent(s, purpose="newsletter")
        done += 2
    rate = done / (time.perf_counter() - start)
    engine.store.close()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--postgres-people", type=int, default=2_000)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--postgres-only",
        action="store_true",
        help="only the PostgreSQL figures (PIPOLICY_BENCH_POSTGRES_URL): for pairs of runs",
    )
    args = parser.parse_args()
    figures: dict[str, object] = {}
    if not args.postgres_only:
        figures.update(_in_process(args))
    postgres = os.environ.get("PIPOLICY_BENCH_POSTGRES_URL")
    if postgres:
        empty_database(postgres)
        rates = batch(postgres, args.postgres_people, args.seconds)
        figures["postgres_batch"] = rates
        print(
            f"postgres {args.postgres_people:,} people: check_use {rates['single_per_s']:,.0f}/s, "
            f"check_use_many {rates['many_per_s']:,.0f}/s "
            f"({rates['many_per_s'] / rates['single_per_s']:.1f}x)"
        )
    if args.json:
        keep(args.json, figures)


def _in_process(args: argparse.Namespace) -> dict[str, object]:
    """The floor, and the memory and SQLite figures."""
    table = {("s1", "newsletter"): True}
    floor = _per_call(lambda: _BareDecision(table[("s1", "newsletter")], "consent"), args.seconds)
    figures: dict[str, object] = {"floor_s": floor}
    print(f"floor (dict lookup -> frozen attrs): {floor * 1e6:.2f} µs")
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"memory": "memory://", "sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}"}
        for label, url in stores.items():
            costs = history(url, args.seconds)
            base = costs["1"]
            figures[f"{label}_history"] = costs
            shown = ", ".join(
                f"{k if ' ' in k else k + ' consents'} {v * 1e6:,.1f} µs ({v / base:.2f}x)"
                for k, v in costs.items()
            )
            print(f"{label:7} check_use by history: {shown}")
            if label == "memory":
                print(f"{label:7} check_use vs the floor: {floor / base:.3f}x the floor's rate")
        url = f"sqlite:///{Path(tmp) / 'batch.db'}"
        rates = batch(url, args.people, args.seconds)
        figures["sqlite_batch"] = rates
        line = (
            f"sqlite  {args.people:,} people: check_use {rates['single_per_s']:,.0f}/s, "
            f"everyone read once before {rates['single_warm_per_s']:,.0f}/s "
            f"({rates['single_warm_per_s'] / rates['single_per_s']:.1f}x), "
            f"nobody read before {rates['single_first_per_s']:,.0f}/s"
        )
        if "many_per_s" in rates:
            ratio = rates["many_per_s"] / rates["single_per_s"]
            line += f", check_use_many {rates['many_per_s']:,.0f}/s ({ratio:.1f}x)"
        print(line)
        full = writes(f"sqlite:///{Path(tmp) / 'full.db'}", args.seconds)
        normal = writes(f"sqlite:///{Path(tmp) / 'normal.db'}?synchronous=normal", args.seconds)
        figures["sqlite_writes_per_s"] = {"full": full, "normal": normal}
        print(
            f"sqlite  writes: {full:,.0f}/s synchronous=full, {normal:,.0f}/s normal "
            f"({normal / full:.1f}x)"
        )
    return figures


if __name__ == "__main__":
    main()
