"""One engine per process, shared by every thread (integration: lifecycle and threads).

Forty threads share one engine, each signing its own people up and checking them, on the
in-memory store and on a SQLite file: every call succeeds, every answer is right, and the
audit log verifies afterwards."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.testing import CONTRACT_START, contract_policy

THREADS = 40


@pytest.mark.parametrize("where", ["memory", "sqlite"])
def test_one_engine_serves_forty_threads(where: str, tmp_path: Path) -> None:
    if where == "sqlite":
        pytest.importorskip("sqlalchemy")
    store = "memory://" if where == "memory" else f"sqlite:///{tmp_path / 'pi.db'}"
    failures: list[BaseException] = []
    answers: list[bool] = []
    start = threading.Barrier(THREADS)
    with pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START)) as engine:

        def work(n: int) -> None:
            try:
                start.wait()
                s = engine.register_subject(f"thread-{n}", category="customer")
                engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
                if n % 2:
                    engine.grant_consent(s, purpose="newsletter")
                answers.append(
                    engine.check_use(s, purpose="newsletter", items={"email"}).allowed
                    == bool(n % 2)
                )
            except BaseException as e:  # pragma: no cover - reported below
                failures.append(e)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert failures == []
        assert answers == [True] * THREADS
        assert engine.verify_audit().ok
        assert len(list(engine.audit_events())) == THREADS * 2 + THREADS // 2


@pytest.mark.parametrize("where", ["memory", "sqlite"])
def test_a_thread_looking_people_up_never_deadlocks_with_one_registering_them(
    where: str, tmp_path: Path
) -> None:
    """A lookup reads a repository without the store's lock and takes it while making
    the repository; a writer holds that lock when it makes one. Made under a lock that
    every unit shared (functools.cached_property before Python 3.12), the two waited
    for each other within milliseconds on the memory store."""
    if where == "sqlite":
        pytest.importorskip("sqlalchemy")
    store = "memory://" if where == "memory" else f"sqlite:///{tmp_path / 'pi.db'}"
    rounds = 20000 if where == "memory" else 300
    failures: list[BaseException] = []
    with pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START)) as engine:

        def register() -> None:
            try:
                for n in range(rounds):
                    engine.register_subject(f"w{n}", category="customer")
            except BaseException as e:
                failures.append(e)

        def look_up() -> None:
            try:
                for n in range(rounds):
                    engine.find_subject(f"w{n}")
            except BaseException as e:
                failures.append(e)

        threads = [threading.Thread(target=f, daemon=True) for f in (register, look_up)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in threads), "the two threads wait for each other"
        assert failures == []
        assert engine.find_subject(f"w{rounds - 1}") is not None
