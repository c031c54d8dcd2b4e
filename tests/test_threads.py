"""One engine per process, shared by every thread (integration: lifecycle and threads).

Forty threads share one engine, each signing its own people up and checking them, on the
in-memory store and on a SQLite file: every call succeeds, every answer is right, and the
audit log verifies afterwards."""

from __future__ import annotations

import threading
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
