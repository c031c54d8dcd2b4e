"""Concurrent writers: recording operations per second with N processes on one database.

Run as a script, never as a test::

    PIPOLICY_BENCH_POSTGRES_URL=postgresql+psycopg://... python benchmarks/bench_writers.py

Each process opens its own store, registers its own people and then grants and withdraws
consents for them (each a recording decision: facts read under the person's lock, an
audit event appended) for a fixed time. The figure is the total of recording operations
per second over all processes, and the ratio to one process in the same run, since these
machines are noisy. Afterwards the log must verify.

``--cost N`` first times N recording operations of one writer in this process: wall
time, the process's own CPU time (``getrusage``: what the client spends, apart from the
server) and the statements it sends per operation (counted by SQLAlchemy's
``before_cursor_execute``; the transaction's ``BEGIN`` and ``COMMIT`` come on top);
then, as baselines in the same run, the client's CPU for as many round trips of a bare
``SELECT 1`` through SQLAlchemy and through the driver alone. Where the server runs on
this machine (its processes readable in ``/proc``, as in CI), it also gives the
server's CPU per operation and so the machine's ceiling: with ``os.cpu_count()`` cores
and client and server both needing CPU, no number of writers records more than
``cores / (client + server CPU)`` operations a second, nor more than
``cores / (CPU / wall)`` times one writer.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

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


def _server_ticks() -> int | None:
    """User and system clock ticks spent so far by this machine's ``postgres`` processes,
    or None where there are none to read (a server elsewhere, no ``/proc``)."""
    total, found = 0, False
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/comm") as f:
                if not f.read().startswith("postgres"):
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # a process gone between the listing and the read
            continue
        total, found = total + int(fields[11]) + int(fields[12]), True
    return total if found else None


def cost(url: str, operations: int) -> dict[str, float]:
    """One writer's cost per recording operation: wall and own CPU milliseconds, and
    statements sent (see the module's note)."""
    empty_database(url)
    store = SqlStore(url)
    engine = pp.Engine(
        contract_policy(), store=store, clock=pp.FixedClock(datetime(2026, 4, 1, 9, 0, tzinfo=JST))
    )
    people = [engine.register_subject(f"p{i}", category="customer") for i in range(10)]
    sent = 0

    def count(*_: object) -> None:
        nonlocal sent
        sent += 1

    for i in range(100):  # warm: connections made, statements compiled
        engine.grant_consent(people[i % 10], purpose="newsletter")
        engine.withdraw_consent(people[i % 10], purpose="newsletter")
    sa.event.listen(store.engine, "before_cursor_execute", count)
    server_before = _server_ticks()
    before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    for i in range(operations // 2):
        engine.grant_consent(people[i % 10], purpose="newsletter")
        engine.withdraw_consent(people[i % 10], purpose="newsletter")
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    server_after = _server_ticks()
    done = operations // 2 * 2
    server_ms = (
        (server_after - server_before) / os.sysconf("SC_CLK_TCK") / done * 1e3
        if server_before is not None and server_after is not None
        else float("nan")
    )
    sa.event.remove(store.engine, "before_cursor_execute", count)
    # Baselines in the same run: as many round trips as an operation makes (its
    # statements, BEGIN and COMMIT), each a bare ``SELECT 1``, through SQLAlchemy as
    # pipolicy sends them and through the driver (psycopg) alone.
    trips = round(sent / done) + 2
    with store.engine.connect() as conn:
        one = sa.select(sa.literal(1))
        through_sqlalchemy = _user_ms(lambda: conn.execute(one).scalar(), trips * done) * trips
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        through_driver = _user_ms(lambda: cursor.execute("SELECT 1").fetchone(), trips * done)
    engine.close()
    return {
        "wall_ms": wall / done * 1e3,
        "user_ms": (after.ru_utime - before.ru_utime) / done * 1e3,
        "system_ms": (after.ru_stime - before.ru_stime) / done * 1e3,
        "statements": sent / done,
        "round_trips_sqlalchemy_user_ms": through_sqlalchemy,
        "round_trips_driver_user_ms": through_driver * trips,
        "server_ms": server_ms,
    }


def _user_ms(call: Callable[[], object], times: int) -> float:
    """The client's user CPU milliseconds for one ``call``, over ``times`` of them."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    for _ in range(times):
        call()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_utime - before) / times * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--cost", type=int, default=0, metavar="N")
    args = parser.parse_args()
    url = os.environ.get("PIPOLICY_BENCH_POSTGRES_URL")
    if not url:
        print("set PIPOLICY_BENCH_POSTGRES_URL to a PostgreSQL database to run this benchmark")
        return
    if args.cost:
        c = cost(url, args.cost)
        print(
            f"one writer, {args.cost} operations: {c['wall_ms']:.2f} ms wall, "
            f"{c['user_ms']:.2f} ms user + {c['system_ms']:.2f} ms system CPU in the client, "
            f"{c['statements']:.1f} statements an operation"
        )
        print(
            f"  the same round trips as bare SELECT 1: {c['round_trips_sqlalchemy_user_ms']:.2f} ms "
            f"user through SQLAlchemy, {c['round_trips_driver_user_ms']:.2f} ms through psycopg"
        )
        if c["server_ms"] == c["server_ms"]:  # not NaN: the server is on this machine
            cores = os.cpu_count() or 1
            cpu = c["user_ms"] + c["system_ms"] + c["server_ms"]
            print(
                f"  the server's CPU: {c['server_ms']:.2f} ms an operation; with {cores} cores "
                f"no number of writers passes {cores / cpu * 1e3:,.0f} ops/s "
                f"or {cores / (cpu / c['wall_ms']):.1f}x one writer"
            )
    base = None
    for n in args.processes:
        rate = run(url, n, args.seconds)
        base = base or rate
        print(f"{n} writer process(es): {rate:,.0f} recording ops/s ({rate / base:.2f}x one)")


if __name__ == "__main__":
    main()
