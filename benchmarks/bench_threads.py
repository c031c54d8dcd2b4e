"""Checks from several threads at once, in memory and on a SQLite file (run as a script).

    python benchmarks/bench_threads.py --people 8000 --threads 1 4

An application served by threads asks from many of them at once. For each store and
each ``--threads`` count, ``--people`` people (one consent each, imported) are checked
once each, split evenly among the threads:

* **warm**: every person was checked before (on SQLite, the check cache holds them);
* **first reads** (SQLite): a new engine on the same file, so nobody is held yet.

The figure is checks per second over all threads; the ratio is to one thread in the
same run. Python runs one thread at a time, so more threads cannot go faster here; the
question is how much slower they make the same work.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import pipolicy as pp
from pipolicy.testing import contract_policy

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)


def _engine(store: str | None) -> pp.Engine:
    return pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(NOW))


def _people(engine: pp.Engine, n: int) -> list[str]:
    rows = [pp.ConsentImport(f"p{k}", purpose="newsletter", category="customer") for k in range(n)]
    engine.import_consents(rows)
    with engine.store.unit_of_work(read_only=True) as uow:
        found = [uow.subjects.by_ref(f"p{k}") for k in range(n)]
    ids = [s.id for s in found if s is not None]
    random.Random(5).shuffle(ids)
    return ids


def _rate(engine: pp.Engine, ids: Sequence[str], threads: int) -> float:
    """Checks per second when ``threads`` threads check ``ids`` between them."""

    def check(part: Sequence[str]) -> None:
        for sid in part:
            engine.check_use(sid, purpose="newsletter", items={"email"})

    workers = [threading.Thread(target=check, args=(ids[t::threads],)) for t in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return len(ids) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=8_000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'threads.db'}"
        for label, store in (("memory", None), ("sqlite", url)):
            engine = _engine(store)
            ids = _people(engine, args.people)
            _rate(engine, ids, 1)  # everyone checked once: warm
            base = 0.0
            for n in args.threads:
                rate = _rate(engine, ids, n)
                base = base or rate
                print(f"{label:7} warm, {n} thread(s): {rate:,.0f} checks/s ({rate / base:.2f}x)")
            engine.close()
            if store is None:
                continue
            base = 0.0
            for n in args.threads:
                fresh = _engine(store)  # holds nobody yet
                rate = _rate(fresh, ids, n)
                fresh.close()
                base = base or rate
                print(
                    f"{label:7} first reads, {n} thread(s): {rate:,.0f} checks/s ({rate / base:.2f}x)"
                )


if __name__ == "__main__":
    main()
