"""Concurrent writers: recording operations per second with N processes on one database.

Run as a script, never as a test::

    PIPOLICY_BENCH_POSTGRES_URL=postgresql+psycopg://... python benchmarks/bench_writers.py

Each process opens its own store, registers its own people and then grants and withdraws
consents for them (each a recording decision: facts read under the person's lock, an
audit event appended) for a fixed time. The figure is the total of recording operations
per second over all processes, and the ratio to one process in the same run, since these
machines are noisy. Afterwards the log must verify.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import threading
import time
from datetime import datetime, timedelta, timezone

import pipolicy as pp
from pipolicy.backends.sql import METADATA, SqlStore
from pipolicy.testing import contract_policy

JST = timezone(timedelta(hours=9))
# Every table pipolicy keeps, those referring to others first (to empty them in order).
TABLES = [t.name for t in reversed(METADATA.sorted_tables)]


def empty_database(url: str) -> None:
    """Bring the database at ``url`` to the current schema and delete every row."""
    store = SqlStore(url, upgrade=True)
    with store.engine.begin() as conn:
        for table in TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")
    store.close()


def _worker(
    url: str, name: str, seconds: float, ready: threading.Barrier, out: mp.Queue[int]
) -> None:
    counter = iter(range(10_000_000))
    engine = pp.Engine(
        contract_policy(),
        store=SqlStore(url),
        clock=pp.FixedClock(datetime(2026, 4, 1, 9, 0, tzinfo=JST)),
        ids=lambda: f"{name}-{next(counter)}",
    )
    people = [engine.register_subject(f"{name}-p{i}", category="customer") for i in range(10)]
    ready.wait()  # every process imported, connected and set up: the clock starts
    done, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        s = people[done % len(people)]
        engine.grant_consent(s, purpose="newsletter")
        engine.withdraw_consent(s, purpose="newsletter")
        done += 2
    engine.store.close()
    out.put(done)


def run(url: str, processes: int, seconds: float) -> float:
    empty_database(url)
    ctx = mp.get_context("spawn")
    out: mp.Queue[int] = ctx.Queue()
    # The clock starts once every process has imported, connected and set up its people
    # (spawning eight interpreters on two cores takes seconds, more than any fixed delay).
    ready = ctx.Barrier(processes)
    workers = [
        ctx.Process(target=_worker, args=(url, f"w{i}", seconds, ready, out))
        for i in range(processes)
    ]
    for w in workers:
        w.start()
    total = sum(out.get(timeout=seconds + 120) for _ in workers)
    for w in workers:
        w.join()
    engine = pp.Engine(contract_policy(), store=SqlStore(url))
    assert engine.verify_audit().ok, "the log must verify after the run"
    engine.store.close()
    return total / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 8])
    args = parser.parse_args()
    url = os.environ.get("PIPOLICY_BENCH_POSTGRES_URL")
    if not url:
        print("set PIPOLICY_BENCH_POSTGRES_URL to a PostgreSQL database to run this benchmark")
        return
    base = None
    for n in args.processes:
        rate = run(url, n, args.seconds)
        base = base or rate
        print(f"{n} writer process(es): {rate:,.0f} recording ops/s ({rate / base:.2f}x one)")


if __name__ == "__main__":
    main()
