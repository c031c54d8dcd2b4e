"""Bulk import on SQL stores: two importers of overlapping files at once leave one
consent per scope (the store's unique index and the batch retry), and a log that verifies."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from pipolicy.testing import contract_policy

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)


def test_r_con_1_concurrent_imports_of_the_same_people_record_each_consent_once(
    shared_url: str,
) -> None:
    SqlStore(shared_url, upgrade=True).close()
    rows = [
        pp.ConsentImport(f"user-{n}", purpose=purpose)
        for n in range(120)
        for purpose in ("newsletter", "service")
    ]
    reports: list[pp.ImportReport] = []
    errors: list[BaseException] = []

    def run(order: list[pp.ConsentImport]) -> None:
        try:
            with pp.Engine(contract_policy(), store=shared_url, clock=pp.FixedClock(NOW)) as e:
                reports.append(e.import_consents(order, batch_size=40))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [
        threading.Thread(target=run, args=(rows,)),
        threading.Thread(target=run, args=(rows[::-1],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.recorded for r in reports) == 240
    assert sum(r.already_in_force for r in reports) == 240
    assert sum(r.subjects_registered for r in reports) == 120
    with pp.Engine(contract_policy(), store=shared_url, clock=pp.FixedClock(NOW)) as engine:
        for n in (0, 59, 119):
            subject = engine.find_subject(f"user-{n}")
            assert subject is not None
            assert len(engine.consents(subject)) == 2
        assert engine.verify_audit().ok
