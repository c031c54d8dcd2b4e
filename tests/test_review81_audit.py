"""What verification vouches for beyond the record rows (R-SEC-3, Art. 23; review 81).

A check reads a person's compiled state (SQL: ``pipolicy_subject_states``; memory: the
store's compiled values), not the record rows the log binds; the request register reads
``is_open`` beside a request's state. Edited outside pipolicy, either changed answers
(a provision allowed after the person withdrew and asked for deletion; an overdue
request missing from the overdue list) while ``verify_audit()`` said the log was whole.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

import pipolicy as pp
from pipolicy.backends.memory import MemoryStore
from pipolicy.backends.sql import SqlStore
from pipolicy.domain.consents import ConsentStatus

JST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JST)
PASSPORT = pp.Document(
    pp.DocumentKind.PASSPORT,
    issued=NOW.date() - timedelta(days=400),
    expires=NOW.date() + timedelta(days=3000),
)


def _story(engine: pp.Engine) -> pp.Subject:
    """A customer who consented, was provided to a partner, withdrew every consent and
    had their data deleted on request: nothing may be given to the partner now."""
    s = engine.register_subject("review81-1", category="customer")
    engine.grant_consent(s, purpose="service")
    engine.acquire(s, items={"name", "email"}, purposes="service", channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    engine.withdraw_consent(s, recipient="partner")
    r = engine.requests.submit(pp.RequestKind.DELETION, subject=s, documents=[PASSPORT])
    engine.requests.verify(r.id)
    engine.requests.fulfil(r.id)
    return s


def _provision_allowed(engine: pp.Engine, s: pp.Subject) -> bool:
    return engine.check_provision(
        s, recipient="partner", items={"email"}, purpose="service"
    ).allowed


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[tuple[pp.Engine, SqlStore, Path]]:
    path = tmp_path / "review81.db"
    store = SqlStore(f"sqlite:///{path}", upgrade=True)
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=store, clock=pp.FixedClock(NOW))
    yield engine, store, path
    store.close()


def _forge_state(path: Path, subject_id: str) -> None:
    """What a DBA with ``sqlite3`` could do: every consent in the person's compiled state
    given again, and their deletion's restriction gone from it."""
    with sqlite3.connect(path) as db:
        (text,) = db.execute(
            "SELECT state FROM pipolicy_subject_states WHERE subject_id = ?", (subject_id,)
        ).fetchone()
        state = json.loads(text)
        for consent in state[2]:
            consent[4] = "given"  # status
            consent[12] = None  # ended_at
        state[3] = []  # restrictions
        db.execute(
            "UPDATE pipolicy_subject_states SET state = ? WHERE subject_id = ?",
            (json.dumps(state, separators=(",", ":")), subject_id),
        )


def test_r_sec_3_a_compiled_state_edited_outside_pipolicy_is_reported_on_sqlite(
    sqlite_file: tuple[pp.Engine, SqlStore, Path],
) -> None:
    engine, store, path = sqlite_file
    s = _story(engine)
    assert engine.verify_audit().ok and not _provision_allowed(engine, s)
    _forge_state(path, s.id)
    assert _provision_allowed(engine, s)  # what the forged state makes checks answer
    report = engine.verify_audit()
    assert not report.ok
    assert f"subject {s.id}" in (report.problem or "")
    assert "compiled state" in (report.problem or "")
    assert "review81-1" not in (report.problem or "")  # the application's key stays out
    # Rebuilding the states from the records, as the message says, repairs it.
    store.rebuild_states()
    assert engine.verify_audit().ok and not _provision_allowed(engine, s)


def test_r_sec_3_a_compiled_state_edited_in_memory_is_reported() -> None:
    store = MemoryStore()
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=store, clock=pp.FixedClock(NOW))
    s = _story(engine)
    assert engine.verify_audit().ok
    state = store._state.compiled[s.id]
    given = tuple(
        attrs.evolve(c, status=ConsentStatus.GIVEN, ended_at=None) for c in state.consents
    )
    store._state.compiled[s.id] = attrs.evolve(state, consents=given, restrictions=())
    assert _provision_allowed(engine, s)
    report = engine.verify_audit()
    assert not report.ok and f"subject {s.id}" in (report.problem or ""), report


def test_r_sec_3_states_rebuilt_or_missing_are_not_reported(
    sqlite_file: tuple[pp.Engine, SqlStore, Path],
) -> None:
    """A state row deleted (checks then read the history) or rebuilt is no tampering."""
    engine, store, path = sqlite_file
    s = _story(engine)
    other = engine.register_subject("review81-2", category="customer")
    engine.grant_consent(other, purpose="service")
    engine.mark_left(other)
    store.rebuild_states()
    assert engine.verify_audit().ok
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM pipolicy_subject_states WHERE subject_id = ?", (s.id,))
    assert engine.verify_audit().ok


@pytest.mark.parametrize("is_open", [0, 1])
def test_r_sec_3_a_requests_open_flag_edited_outside_pipolicy_is_reported(
    sqlite_file: tuple[pp.Engine, SqlStore, Path], is_open: int
) -> None:
    """``is_open`` is what the work list and the overdue list read (R-REQ-8): cleared,
    an overdue request vanished from both; set on an answered one, it was listed."""
    engine, _, path = sqlite_file
    s = engine.register_subject("review81-3", category="customer")
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[PASSPORT])
    if is_open:
        engine.requests.verify(r.id)
        engine.requests.fulfil(r.id)
    late = pp.Engine(
        pp.example_policy("indigo_blue"),
        store=engine.store,
        clock=pp.FixedClock(NOW + timedelta(days=60)),
    )
    assert [x.id for x in late.requests.overdue()] == ([] if is_open else [r.id])
    assert late.verify_audit().ok
    with sqlite3.connect(path) as db:
        db.execute("UPDATE pipolicy_requests SET is_open = ? WHERE id = ?", (is_open, r.id))
    assert [x.id for x in late.requests.overdue()] == ([r.id] if is_open else [])
    report = late.verify_audit()
    assert not report.ok and f"request {r.id}" in (report.problem or ""), report


def _insert_consent(path: Path, like: str, forged_id: str) -> None:
    """A consent row with a made-up id, given as ``like`` was and not withdrawn."""
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO pipolicy_consents (id, subject_id, purpose, recipient, items, status, "
            "evidence_method, evidence_ref, evidence_given_by, policy_version, given_at, "
            "given_at_offset, version) SELECT ?, subject_id, purpose, recipient, items, "
            "'given', evidence_method, evidence_ref, evidence_given_by, policy_version, given_at, "
            "given_at_offset, 1 FROM pipolicy_consents WHERE id = ?",
            (forged_id, like),
        )


def _withdrawn_customer(engine: pp.Engine, ref: str) -> tuple[pp.Subject, pp.Consent]:
    s = engine.register_subject(ref, category="customer")
    engine.grant_consent(s, purpose="service")
    engine.acquire(s, items={"email"}, purposes="service", channel="web")
    [withdrawn] = engine.withdraw_consent(s, purpose="service")
    return s, withdrawn


@pytest.mark.parametrize("first", ["complaint", "incident", "import"])
def test_r_sec_3_a_consent_inserted_is_reported_whatever_the_logs_first_event(
    sqlite_file: tuple[pp.Engine, SqlStore, Path], first: str
) -> None:
    """A log whose first event binds no record (an inquiry logged, an incident registered,
    a bulk import's first batch, whose records its last event binds) was taken for one
    written before records were bound: no row was ever reported as inserted."""
    engine, _, path = sqlite_file
    if first == "complaint":
        engine.complaints.receive("inquiry", channel="email", topic="how long data is kept")
    elif first == "incident":
        engine.incidents.register(
            "loss", discovered_at=NOW, subjects=["a-backup-tape"], items={"email"}, suspected=True
        )
    else:
        engine.import_consents([pp.ConsentImport("imported-1", purpose="service")])
    assert engine.verify_audit().ok
    s, withdrawn = _withdrawn_customer(engine, "review81-4")
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed
    _insert_consent(path, withdrawn.id, "forged-consent")
    assert engine.check_use(s, purpose="service", items={"email"}).allowed  # what it did
    report = engine.verify_audit()
    assert not report.ok and "consent forged-consent was inserted" in (report.problem or ""), report


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_r_sec_3_legitimate_changes_of_state_verify_on_every_backend(
    backend: str, tmp_path: Path
) -> None:
    """The states and the work list compared with the records report no tampering after
    what pipolicy itself does: consents given, refused, withdrawn, revoked and given
    again, data acquired again, erased, a person leaving and returning, a bulk import
    (twice), a deletion request and a request still open."""
    store: MemoryStore | SqlStore = (
        MemoryStore() if backend == "memory" else SqlStore(f"sqlite:///{tmp_path / 'ok.db'}")
    )
    clock = pp.FixedClock(NOW)
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=store, clock=clock)
    rows = [pp.ConsentImport(f"bulk-{n}", purpose="service", category="customer") for n in range(5)]
    engine.import_consents(rows, batch_size=2)
    s = _story(engine)
    t, _ = _withdrawn_customer(engine, "review81-5")
    clock.advance(timedelta(hours=1))
    engine.grant_consent(t, purpose="service")
    engine.acquire(t, items={"email"}, purposes="service", channel="web")
    engine.acquire(t, items={"email"}, purposes="service", channel="web")
    engine.refuse_consent(t, recipient="partner", items={"email"})
    engine.grant_consent(t, recipient="partner", items={"email"})
    [partner] = [c for c in engine.consents(t) if c.scope.recipient and c.is_active(clock.now())]
    engine.revoke_consent(t, consent_id=partner.id, reason="sent by mistake")
    engine.record_erasure(t, items={"email"})
    engine.mark_left(t)
    engine.mark_returned(t)
    engine.import_consents(rows)
    engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[PASSPORT])
    clock.advance(timedelta(days=40))  # the open request is overdue now
    report = engine.verify_audit()
    assert report.ok, report
    if isinstance(store, SqlStore):
        store.rebuild_states()
        assert engine.verify_audit().ok
    store.close()
