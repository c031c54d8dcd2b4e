"""Records bound to the audit log (R-SEC-3, Art. 23): an edit of a record table made
outside pipolicy is reported by ``verify_audit()`` with its kind and id, on SQLite and
PostgreSQL. Before records were bound, none of these six edits was detected, and the next
decision allowed on the edited consent."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone

import pytest

import pipolicy as pp
from pipolicy.backends.sql import SqlStore

JST = timezone(timedelta(hours=9))
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JST)


@pytest.fixture
def world(shared_url: str) -> Iterator[tuple[pp.Engine, SqlStore, dict[str, str]]]:
    """A customer with a withdrawn consent, an acquisition, a provision and a deletion."""
    clock = pp.FixedClock(NOW)
    store = SqlStore(shared_url, upgrade=True)
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=store, clock=clock)
    s = engine.register_subject("tamper-1", category="customer")
    engine.grant_consent(s, purpose="service")
    acq = engine.acquire(s, items={"name", "email"}, purposes="service", channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    record = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    [withdrawn] = engine.withdraw_consent(s, recipient="partner")
    r = engine.requests.submit(
        pp.RequestKind.DELETION,
        subject=s,
        documents=[
            pp.Document(
                pp.DocumentKind.PASSPORT,
                issued=NOW.date() - timedelta(days=400),
                expires=NOW.date() + timedelta(days=3000),
            )
        ],
    )
    engine.requests.verify(r.id)
    engine.requests.fulfil(r.id)
    assert engine.verify_audit().ok
    ids = {"subject": s.id, "acquisition": acq.id, "provision": record.id, "consent": withdrawn.id}
    yield engine, store, ids
    store.close()


def _sql(store: SqlStore, statement: str, **params: object) -> None:
    import sqlalchemy as sa

    with store.engine.begin() as conn:
        conn.execute(sa.text(statement), params)


TAMPERING: dict[str, tuple[str, Callable[[dict[str, str]], str]]] = {
    "flip a withdrawn consent to given": (
        "UPDATE pipolicy_consents SET status = 'given', ended_at = NULL, ended_at_offset = NULL "
        "WHERE id = :id",
        lambda ids: ids["consent"],
    ),
    "delete a restriction": (
        "DELETE FROM pipolicy_restrictions WHERE subject_id = :id",
        lambda ids: ids["subject"],
    ),
    "add items to an acquisition": (
        """UPDATE pipolicy_acquisitions SET items = '["email", "name", "phone"]' WHERE id = :id""",
        lambda ids: ids["acquisition"],
    ),
    "delete a withdrawn consent's end": (
        "UPDATE pipolicy_consents SET ended_at = NULL, ended_at_offset = NULL WHERE id = :id",
        lambda ids: ids["consent"],
    ),
}


@pytest.mark.parametrize("edit", sorted(TAMPERING))
def test_r_sec_3_a_record_edited_outside_pipolicy_is_reported(
    world: tuple[pp.Engine, SqlStore, dict[str, str]], edit: str
) -> None:
    engine, store, ids = world
    statement, which = TAMPERING[edit]
    _sql(store, statement, id=which(ids))
    report = engine.verify_audit()
    assert not report.ok, edit
    assert "outside pipolicy" in (report.problem or "")


def test_r_sec_3_a_provision_moved_to_another_date_is_reported(
    world: tuple[pp.Engine, SqlStore, dict[str, str]],
) -> None:
    from pipolicy.backends.sql.tables import PROVISIONS

    engine, store, ids = world
    earlier = NOW - timedelta(days=1)
    with store.engine.begin() as conn:
        conn.execute(
            PROVISIONS.update()
            .where(PROVISIONS.c.id == ids["provision"])
            .values(provided_at=earlier)
        )
    report = engine.verify_audit()
    assert not report.ok and f"provision {ids['provision']} was edited" in (report.problem or "")


def test_r_sec_3_a_garbage_value_in_a_record_row_is_reported_not_raised(
    world: tuple[pp.Engine, SqlStore, dict[str, str]],
) -> None:
    engine, store, ids = world
    _sql(
        store, "UPDATE pipolicy_acquisitions SET items = '7' WHERE id = :id", id=ids["acquisition"]
    )
    report = engine.verify_audit()
    assert not report.ok and "could not be read" in (report.problem or "")


def test_r_sec_3_a_consent_inserted_outside_pipolicy_is_reported(
    world: tuple[pp.Engine, SqlStore, dict[str, str]],
) -> None:
    engine, store, ids = world
    _sql(
        store,
        "INSERT INTO pipolicy_consents (id, subject_id, purpose, recipient, items, status, "
        "evidence_method, evidence_ref, evidence_given_by, policy_version, given_at, "
        "given_at_offset, version) SELECT 'forged-consent', subject_id, NULL, 'partner', "
        "items, 'given', evidence_method, evidence_ref, evidence_given_by, policy_version, "
        "given_at, given_at_offset, 1 FROM pipolicy_consents WHERE id = :id",
        id=ids["consent"],
    )
    report = engine.verify_audit()
    assert not report.ok and "consent forged-consent was inserted" in (report.problem or "")


AUDIT_GARBAGE = {
    "a payload that is not an object": "UPDATE pipolicy_audit SET payload = '7' WHERE seq = :seq",
    "a hash that is not a digest": "UPDATE pipolicy_audit SET hash = 'nope' WHERE seq = :seq",
    "an offset no clock has": "UPDATE pipolicy_audit SET at_offset = 99999999 WHERE seq = :seq",
}


@pytest.mark.parametrize("edit", sorted(AUDIT_GARBAGE))
def test_r_sec_3_a_malformed_audit_row_is_reported_with_its_position_not_raised(
    world: tuple[pp.Engine, SqlStore, dict[str, str]], edit: str
) -> None:
    engine, store, _ = world
    events = list(engine.audit_events())
    _sql(store, AUDIT_GARBAGE[edit], seq=3)
    report = engine.verify_audit()
    assert not report.ok
    assert report.first_bad_seq == 3, report
    assert "audit event 3 cannot be read" in (report.problem or "")
    assert report.events == 2  # the events before it were read and verified
    assert len(events) > 3


def test_r_sec_3_audit_json_the_driver_cannot_decode_is_reported_with_its_position(
    sqlite_url: str,
) -> None:
    """SQLite keeps JSON as text, so a direct edit can leave text that is not JSON (the
    whole page then fails to load); PostgreSQL's json type refuses it on write."""
    store = SqlStore(sqlite_url)
    try:
        engine = pp.Engine(pp.example_policy("indigo_blue"), store=store, clock=pp.FixedClock(NOW))
        for n in range(5):
            engine.register_subject(f"json-{n}", category="customer")
        _sql(store, "UPDATE pipolicy_audit SET payload = '{not json' WHERE seq = :seq", seq=4)
        report = engine.verify_audit()
        assert not report.ok and report.first_bad_seq == 4, report
        assert "cannot be read" in (report.problem or "")
    finally:
        store.close()
