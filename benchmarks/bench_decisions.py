"""Decision throughput of the in-memory engine against an in-process baseline.

Run as a script (``python benchmarks/bench_decisions.py``), never as a test. The baseline
is the floor the design budget names: a bare dict lookup returning a frozen attrs decision.
Figures are reported as ratios measured in the same run, since machines are noisy.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from functools import partial

import attrs

import pipolicy as pp


@attrs.frozen
class _BareDecision:
    allowed: bool
    basis: str


def _rate(fn: Callable[[], object], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(200):
            fn()
        n += 200
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, nargs="+", default=[100, 10_000, 100_000])
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()

    table = {("s1", "service"): True}
    baseline = _rate(
        lambda: _BareDecision(table[("s1", "service")], "notified_purpose"), args.seconds
    )
    print(f"baseline (dict lookup -> frozen attrs): {baseline:,.0f}/s")

    policy = pp.example_policy("indigo_blue")
    clock = pp.FixedClock(datetime(2026, 11, 22, 10, tzinfo=timezone(timedelta(hours=9))))
    for n in args.subjects:
        engine = pp.Engine(policy, clock=clock)
        start = time.perf_counter()
        subjects = []
        for i in range(n):
            s = engine.register_subject(f"u{i}", category="customer")
            engine.grant_consent(s, purpose="service")
            subjects.append(s)
        setup = time.perf_counter() - start
        target = subjects[n // 2]
        engine.acquire(target, items={"name", "email"}, purposes={"service"}, channel="web")
        use = _rate(
            partial(engine.check_use, target, purpose="service", items={"email"}), args.seconds
        )
        prov = _rate(
            partial(
                engine.check_provision,
                target,
                recipient="shipping",
                items={"name"},
                purpose="service",
            ),
            args.seconds,
        )
        t0 = time.perf_counter()
        for s in subjects[:1000]:
            engine.grant_consent(s, purpose="customization")
        grant_us = (time.perf_counter() - t0) / min(1000, n) * 1e6
        print(
            f"subjects={n:>7,}: check_use {use:,.0f}/s ({use / baseline:.3f}x baseline), "
            f"check_provision {prov:,.0f}/s ({prov / baseline:.3f}x), "
            f"grant_consent {grant_us:.1f} us, setup {setup:.1f}s"
        )


if __name__ == "__main__":
    main()
