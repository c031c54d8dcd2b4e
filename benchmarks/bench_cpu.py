"""CPU time per call of the memory engine's checks and grants (run as a script).

    python benchmarks/bench_cpu.py --people 10000 --questions 100000

For comparing two commits on a busy machine (run it in each checkout, in turn): wall
time then measures the neighbours as much as pipolicy, while the process's own CPU time
(``time.process_time``) moves much less with them. The workload is ``bench_engines.py``'s
(``workload.py``): ``--people`` people with three consents each, fresh random questions.
Prints CPU microseconds per ``check_use``, ``check_provision`` (the best of three passes
over the questions) and ``grant_consent`` (one pass: each grant is a new consent).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import workload as w

import pipolicy as pp


def _cpu(run: Callable[[], None]) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--grants", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    policy = w.policy()
    shape = w.Shape.of(policy)
    engine = pp.Engine(policy, store="memory://", clock=pp.FixedClock(w.NOW))
    subjects = w.populate(engine, shape, w.people(shape, args.people, args.seed))
    asked = w.Questions(shape, args.people, args.seed + 1)
    uses = [(subjects[q.subject], q.purpose, q.items) for q in asked.uses(args.questions)]
    gives = [
        (subjects[q.subject], q.recipient or "", q.purpose, q.items)
        for q in asked.provisions(args.questions)
    ]
    fresh = [engine.register_subject(f"grant-{n}") for n in range(args.grants)]
    purposes = sorted(shape.consented)

    def use() -> None:
        check = engine.check_use
        for s, p, items in uses:
            check(s, purpose=p, items=items)

    def give() -> None:
        check = engine.check_provision
        for s, r, p, items in gives:
            check(s, recipient=r, purpose=p, items=items)

    def grant() -> None:
        for n, s in enumerate(fresh):
            engine.grant_consent(s, purpose=purposes[n % len(purposes)])

    per_use = min(_cpu(use) for _ in range(3)) / len(uses)
    per_give = min(_cpu(give) for _ in range(3)) / len(gives)
    per_grant = _cpu(grant) / len(fresh)
    print(
        f"CPU per call: check_use {per_use * 1e6:.2f} µs, check_provision "
        f"{per_give * 1e6:.2f} µs, grant_consent {per_grant * 1e6:.1f} µs "
        f"({args.people:,} people, {len(uses):,} questions each)"
    )


if __name__ == "__main__":
    main()
