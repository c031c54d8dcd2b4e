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


def test_r_con_2_a_batch_reads_the_noes_of_more_people_than_a_page(any_url: str) -> None:
    """The SQL store reads a batch's noes a page of people per query: past a page (500),
    every person's no still holds their row back, and no one else's does."""
    store = SqlStore(any_url, upgrade=True)
    try:
        engine = pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(NOW))
        people = 1100
        engine.import_consents(
            [
                pp.ConsentImport(f"u{n}", purpose="service", category="customer")
                for n in range(people)
            ]
        )
        said_no = set(range(7, people, 97))  # past the first page too
        for n in said_no:
            engine.withdraw_consent(pp.Ref(f"u{n}"), purpose="service")
        rows = [pp.ConsentImport(f"u{n}", purpose="service") for n in range(people)]
        again = engine.import_consents(rows, batch_size=people)
        assert (again.already_in_force, again.declined) == (people - len(said_no), len(said_no))
        newsletter = [pp.ConsentImport(f"u{n}", purpose="newsletter") for n in range(people)]
        assert engine.import_consents(newsletter, batch_size=people).recorded == people
        assert engine.import_consents(rows, batch_size=people).declined == len(said_no)
    finally:
        store.close()
