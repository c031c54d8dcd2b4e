"""Worker processes for the concurrency tests (spawned: importable, no pytest state).

Each worker opens its own store on the shared database, waits at a barrier so all
start together, runs a seeded random mix of grants, withdrawals, uses and provisions
against a handful of shared subjects, and reports what every operation returned or
raised. The parent then checks each report against what the database holds.
"""

from __future__ import annotations

import random
import traceback
from datetime import datetime, timedelta, timezone
from typing import Any

import pipolicy as pp
from pipolicy.backends.sql import SqlStore, upgrade
from pipolicy.testing import contract_policy

JST = timezone(timedelta(hours=9))
START = datetime(2026, 4, 1, 9, 0, tzinfo=JST)
SUBJECT_REFS = ("user-a", "user-b", "user-c")
OPERATIONS = (
    "grant",
    "grant_partner",
    "withdraw",
    "withdraw_partner",
    "use",
    "provide_shipping",
    "provide_partner",
)

Outcome = dict[str, Any]


def engine_for(url: str, worker: str) -> pp.Engine:
    counter = iter(range(1_000_000))
    return pp.Engine(
        contract_policy(),
        store=SqlStore(url),
        clock=pp.FixedClock(START),
        ids=lambda: f"{worker}-{next(counter)}",
    )


def prepare(url: str) -> list[str]:
    """Create the schema and the shared subjects; returns their ids."""
    upgrade(url)
    engine = engine_for(url, "setup")
    try:
        ids = []
        for ref in SUBJECT_REFS:
            s = engine.register_subject(ref=ref, category="customer")
            engine.acquire(
                s,
                items={"name", "email", "address"},
                purposes={"service", "newsletter"},
                channel="web",
            )
            ids.append(s.id)
        return ids
    finally:
        engine.store.close()


def _run_one(engine: pp.Engine, op: str, subject: str, tag: str) -> Outcome:
    outcome: Outcome = {"op": op, "subject": subject, "tag": tag}
    try:
        if op == "grant":
            consent = engine.grant_consent(
                subject, purpose="newsletter", evidence=pp.Evidence("web-form", tag)
            )
            outcome["ids"] = [consent.id]
        elif op == "grant_partner":
            consent = engine.grant_consent(
                subject, recipient="partner", items={"email"}, evidence=pp.Evidence("form", tag)
            )
            outcome["ids"] = [consent.id]
        elif op == "withdraw":
            outcome["ids"] = [c.id for c in engine.withdraw_consent(subject, purpose="newsletter")]
        elif op == "withdraw_partner":
            outcome["ids"] = [c.id for c in engine.withdraw_consent(subject, recipient="partner")]
        elif op == "use":
            engine.use(subject, purpose="newsletter", items={"email"}, actor=tag)
            outcome["ids"] = []
        elif op == "provide_shipping":
            record = engine.provide(
                subject, recipient="shipping", items={"name", "address"}, purpose="service"
            )
            outcome["ids"] = [record.id]
        else:
            record = engine.provide(subject, recipient="partner", items={"email"})
            outcome["ids"] = [record.id]
        outcome["status"] = "ok"
    except pp.PipolicyError as e:
        outcome["status"] = "error"
        outcome["error"] = type(e).__name__
    except Exception as e:  # reported, and the test fails on it
        outcome["status"] = "foreign"
        outcome["error"] = f"{type(e).__name__}: {traceback.format_exc()}"
    return outcome


def work(
    url: str, worker: str, subjects: list[str], count: int, seed: int, barrier: Any, out: Any
) -> None:
    """Entry point of a spawned worker: run ``count`` operations, put the outcomes on ``out``."""
    try:
        engine = engine_for(url, worker)
        rng = random.Random(seed)
        plan = [(rng.choice(OPERATIONS), rng.choice(subjects)) for _ in range(count)]
        barrier.wait(60)
        outcomes = [
            _run_one(engine, op, subject, f"{worker}-op{i}") for i, (op, subject) in enumerate(plan)
        ]
        engine.store.close()
        out.put((worker, outcomes))
    except BaseException:
        out.put((worker, [{"status": "crashed", "error": traceback.format_exc()}]))


def open_fresh(url: str, barrier: Any, out: Any) -> None:
    """Entry point: open a store on a database nobody has created yet, all at once."""
    try:
        barrier.wait(60)
        store = SqlStore(url)
        revision = store.revision()
        store.close()
        out.put(("ok", revision))
    except BaseException:
        out.put(("crashed", traceback.format_exc()))
