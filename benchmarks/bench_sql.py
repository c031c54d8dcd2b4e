"""SQL decision cost against the in-memory engine, and its growth with the number of subjects.

Run as a script (``python benchmarks/bench_sql.py``), never as a test. The baseline is
the in-memory engine's ``check_use`` measured in the same run; figures are ratios.
Set ``PIPOLICY_BENCH_POSTGRES_URL`` to include PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import pipolicy as pp
from pipolicy.backends.sql import METADATA, SqlStore

JST = timezone(timedelta(hours=9))
# Every table pipolicy keeps, those referring to others first (to empty them in order).
TABLES = [t.name for t in reversed(METADATA.sorted_tables)]


def _rate(fn: Callable[[], object], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(20):
            fn()
        n += 20
    return n / elapsed


def _populate(engine: pp.Engine, n: int) -> pp.Subject:
    target = None
    for i in range(n):
        s = engine.register_subject(f"u{i}", category="customer")
        if i == n // 2:
            target = s
    assert target is not None
    engine.grant_consent(target, purpose="service")
    engine.acquire(target, items={"name", "email"}, purposes={"service"}, channel="web")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, nargs="+", default=[100, 5_000])
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    policy = pp.example_policy("indigo_blue")
    clock = pp.FixedClock(datetime(2026, 11, 22, 10, tzinfo=JST))

    memory = pp.Engine(policy, clock=clock)
    s = _populate(memory, 100)
    baseline = _rate(partial(memory.check_use, s, purpose="service", items={"email"}), args.seconds)
    print(f"baseline (in-memory check_use): {baseline:,.0f}/s")

    urls: dict[str, Callable[[Path], str]] = {
        "sqlite-file": lambda d: f"sqlite:///{d / 'bench.db'}"
    }
    if os.environ.get("PIPOLICY_BENCH_POSTGRES_URL"):
        pg = os.environ["PIPOLICY_BENCH_POSTGRES_URL"]
        urls["postgresql"] = lambda _: pg
    for label, make_url in urls.items():
        for n in args.subjects:
            with tempfile.TemporaryDirectory() as tmp:
                store = SqlStore(make_url(Path(tmp)), upgrade=True)
                if store.dialect == "postgresql":  # a clean slate for each size
                    with store.engine.begin() as conn:
                        conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)}")
                engine = pp.Engine(policy, store=store, clock=clock)
                target = _populate(engine, n)
                check = partial(engine.check_use, target, purpose="service", items={"email"})
                rate = _rate(check, args.seconds)
                print(
                    f"{label:12} subjects={n:>6,}: check_use {rate:,.0f}/s "
                    f"({rate / baseline:.3f}x the in-memory engine)"
                )
                store.close()


if __name__ == "__main__":
    main()
