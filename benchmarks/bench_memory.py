"""Memory of the in-memory store: bytes per person and per audit event (run as a script).

    python benchmarks/bench_memory.py --people 30000

Registers ``--people`` people with three consents each (two purposes and a recipient
with items) one call at a time, as an application would, and measures with tracemalloc
what the store holds afterwards: in all, and for the audit log alone. The baseline is
the same people's records without their log (``total - audit``).
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

from _results import keep

import pipolicy as pp
from pipolicy.testing import contract_policy

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    engine = pp.Engine(contract_policy(), clock=pp.FixedClock(NOW))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(args.people):
        s = engine.register_subject(f"user-{n}", category="customer")
        engine.grant_consent(s, purpose="newsletter")
        engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web", "v3"))
        engine.grant_consent(s, recipient="partner", items={"email"})
    gc.collect()
    total = tracemalloc.get_traced_memory()[0] - before
    state = engine.store._state  # type: ignore[attr-defined]
    events = len(state.audit)
    snapshot_before = tracemalloc.get_traced_memory()[0]
    state.audit.clear()
    state.audit_by_subject.clear()
    gc.collect()
    audit = snapshot_before - tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    figures = {
        "people": args.people,
        "events": events,
        "bytes_per_person": round(total / args.people),
        "audit_bytes_per_event": round(audit / events),
        "audit_share": round(audit / total, 2),
    }
    print(f"{args.people:,} people, {events:,} audit events")
    print(f"store: {total / 2**20:,.0f} MB, {total / args.people:,.0f} bytes a person")
    print(f"audit log: {audit / 2**20:,.0f} MB, {audit / events:,.0f} bytes an event")
    print(f"audit share of the store: {audit / total:.0%}")
    if args.json:
        keep(args.json, figures, "memory")


if __name__ == "__main__":
    main()
