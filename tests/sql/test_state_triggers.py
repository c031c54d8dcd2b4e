"""Writes to the history that pipolicy did not make (revision 0010's triggers).

A check reads a person's compiled state row, which pipolicy rewrites in the transaction
of each of its own writes. Here the history is written some other way: by a DBA's SQL,
or by a process of a pipolicy before revision 0009 (which wrote no state rows; played
by turning the state write off). The next check must answer from the history, on every
database, and pipolicy's next write must make the row current again.
"""

from __future__ import annotations

import importlib
import sqlite3
import threading
import time
from types import ModuleType
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from alembic import command

import pipolicy as pp
from pipolicy.backends.sql import SqlStore, rows, state
from pipolicy.backends.sql.migrate import alembic_config
from pipolicy.backends.sql.store import SqlUnitOfWork
from pipolicy.backends.sql.tables import RESTRICTIONS
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.testing import CONTRACT_START, contract_policy


def _migration() -> ModuleType:
    return importlib.import_module(
        "pipolicy.backends.sql.migrations.versions.0010_state_rows_follow_the_history"
    )


@pytest.fixture
def engine(sql_store: SqlStore) -> pp.Engine:
    """A person who may be emailed for the service and the newsletter."""
    engine = pp.Engine(contract_policy(), store=sql_store, clock=pp.FixedClock(CONTRACT_START))
    s = engine.register_subject("user-1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")
    return engine


def _answers(engine: pp.Engine) -> dict[str, bool]:
    """May user-1's email be used for each purpose? Asked by ref, by id and in a batch
    (each reads the state its own way); the three must agree."""
    s = engine.find_subject("user-1")
    assert s is not None
    purposes = ("service", "newsletter")
    by_ref = [engine.check_use(pp.Ref("user-1"), purpose=p, items={"email"}) for p in purposes]
    by_id = [engine.check_use(s, purpose=p, items={"email"}) for p in purposes]
    many = engine.check_use_many([pp.UseCheck(s, p, {"email"}) for p in purposes])
    assert by_ref == by_id == many
    return {p: d.allowed for p, d in zip(purposes, by_ref, strict=True)}


def _only_customers(policy: pp.Policy) -> pp.Policy:
    """``policy`` with the service for customers only (of customers and applicants)."""
    service = attrs.evolve(policy.purposes["service"], categories={"customer"})
    return attrs.evolve(
        policy,
        purposes={**policy.purposes, "service": service},
        categories={"customer", "applicant"},
    )


def _formats(store: SqlStore) -> list[int]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT format FROM pipolicy_subject_states")).scalars())


def _downgrade_to_0009(store: SqlStore) -> None:
    with store._exclusive() as conn:
        command.downgrade(alembic_config(conn, store.schema), "0009")


def _sql(store: SqlStore, statement: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.text(statement))


def test_r_con_2_a_withdrawal_made_in_sql_takes_effect_at_the_next_check(
    engine: pp.Engine,
) -> None:
    store = engine.store
    assert isinstance(store, SqlStore)
    assert _answers(engine) == {"service": True, "newsletter": True}
    _sql(store, "UPDATE pipolicy_consents SET status = 'withdrawn'")
    assert _answers(engine) == {"service": True, "newsletter": False}
    assert _formats(store) == [_migration().STALE]
    # pipolicy's next write about the person compiles their row again, from the history.
    engine.grant_consent(pp.Ref("user-1"), purpose="newsletter")
    assert _answers(engine) == {"service": True, "newsletter": True}
    assert _formats(store) != [_migration().STALE]


def test_states_to_rebuild_counts_the_people_checks_read_from_the_history(
    engine: pp.Engine,
) -> None:
    store = engine.store
    assert isinstance(store, SqlStore)
    engine.register_subject("user-2", category="customer")
    assert store.states_to_rebuild() == 0
    _sql(store, "UPDATE pipolicy_consents SET status = 'withdrawn'")  # user-1's, stale
    assert store.states_to_rebuild() == 1
    # user-2's, gone
    _sql(store, f"DELETE FROM pipolicy_subject_states WHERE format = {state.FORMAT}")
    assert store.states_to_rebuild() == 2
    assert store.rebuild_states() == 2
    assert store.states_to_rebuild() == 0
    _sql(store, "UPDATE pipolicy_subject_states SET format = 1")  # an earlier format
    assert store.states_to_rebuild() == 2


def test_r_use_4_a_consent_deleted_in_sql_no_longer_allows_use(engine: pp.Engine) -> None:
    store = engine.store
    assert isinstance(store, SqlStore)
    _sql(store, "DELETE FROM pipolicy_consents")
    assert _answers(engine) == {"service": True, "newsletter": False}


def test_r_req_7_a_restriction_inserted_in_sql_denies_use(engine: pp.Engine) -> None:
    store = engine.store
    assert isinstance(store, SqlStore)
    s = engine.find_subject("user-1")
    assert s is not None
    suspended = Restriction("r-1", s.id, RestrictionKind.SUSPEND_USE, CONTRACT_START)
    with store.engine.begin() as conn:
        conn.execute(sa.insert(RESTRICTIONS), [rows.restriction_to_row(suspended)])
    assert _answers(engine) == {"service": False, "newsletter": False}
    with store.engine.begin() as conn:
        conn.execute(sa.delete(RESTRICTIONS))
    assert _answers(engine) == {"service": True, "newsletter": True}


def test_r_use_4_writes_by_a_pipolicy_that_kept_no_state_rows_are_seen(
    engine: pp.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process of a pipolicy before revision 0009 keeps writing while this one
    checks: its withdrawals and acquisitions show at the next check."""
    store = engine.store
    assert isinstance(store, SqlStore)
    s = pp.Ref("user-1")
    with monkeypatch.context() as old:
        old.setattr(SqlUnitOfWork, "_write_states", lambda self: None)
        engine.withdraw_consent(s, purpose="newsletter")
    assert _answers(engine) == {"service": True, "newsletter": False}
    engine.grant_consent(s, purpose="newsletter")  # this version: the row is current
    assert _answers(engine) == {"service": True, "newsletter": True}
    # An item acquired for the service: now it may be used for it.
    assert not engine.check_use(s, purpose="service", items={"name"}).allowed
    with monkeypatch.context() as old:
        old.setattr(SqlUnitOfWork, "_write_states", lambda self: None)
        engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
    assert engine.check_use(s, purpose="service", items={"name"}).allowed


def test_r_use_9_a_person_recategorised_in_sql_is_read_from_the_history(
    engine: pp.Engine,
) -> None:
    store = engine.store
    assert isinstance(store, SqlStore)
    checks = pp.Engine(_only_customers(engine.policy), store=store, clock=engine.clock)
    assert checks.check_use(pp.Ref("user-1"), purpose="service", items={"email"}).allowed
    _sql(store, "UPDATE pipolicy_subjects SET category = 'applicant'")
    assert not checks.check_use(pp.Ref("user-1"), purpose="service", items={"email"}).allowed


def test_the_triggers_are_there_at_head_and_go_with_a_downgrade(sql_store: SqlStore) -> None:
    """A later migration that rebuilds one of these tables (SQLite's batch mode drops a
    table's triggers with it) must create them again: this notices if it does not."""
    migration = _migration()
    if sql_store.dialect == "postgresql":
        expected = {name for name, _, _ in migration._postgres_triggers()}
        query = (  # this store's schema only: other stores may share the database
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
        )
    else:
        expected = {name for name, _ in migration._sqlite_triggers()}
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"

    def triggers() -> set[str]:
        with sql_store.engine.connect() as conn:
            return set(conn.execute(sa.text(query)).scalars())

    assert triggers() == expected
    assert len(expected) == (7 if sql_store.dialect == "postgresql" else 20)
    _downgrade_to_0009(sql_store)
    assert triggers() == set()
    sql_store.upgrade()
    assert triggers() == expected


def test_r_use_4_the_upgrade_to_0010_marks_every_row_stale_until_rebuilt(
    engine: pp.Engine,
) -> None:
    """Before 0010 an earlier pipolicy could have written without any trigger noticing:
    the upgrade cannot tell, so every row is read from the history until rebuilt."""
    store = engine.store
    assert isinstance(store, SqlStore)
    before = _answers(engine)
    stale = _migration().STALE
    _downgrade_to_0009(store)
    assert stale not in _formats(store)
    store.upgrade()
    assert _formats(store) == [stale]
    assert _answers(engine) == before
    store.rebuild_states()
    assert stale not in _formats(store)
    assert _answers(engine) == before


# -- SQLite: what its shell allows ---------------------------------------------------------


def _shell(store: SqlStore) -> sqlite3.Connection:
    """The database file as the sqlite3 shell opens it: foreign keys off, no pipolicy."""
    path = store.engine.url.database
    assert path is not None
    return sqlite3.connect(path, isolation_level=None)


def _people(
    url: str, *refs: str, newsletter: bool = False
) -> tuple[pp.Engine, SqlStore, list[pp.Subject]]:
    """People in a new store at ``url``, each with an e-mail address acquired for the
    service (and, with ``newsletter``, consent to the newsletter)."""
    store = SqlStore(url)
    engine = pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START))
    people = [engine.register_subject(ref, category="customer") for ref in refs]
    for s in people:
        engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
        if newsletter:
            engine.grant_consent(s, purpose="newsletter")
    return engine, store, people


def _replace(store: SqlStore, table: str, **change: object) -> None:
    """Write ``table``'s first row again with ``change``, by ``INSERT OR REPLACE``."""
    shell = _shell(store)
    columns = [c[1] for c in shell.execute(f"PRAGMA table_info({table})")]
    first = shell.execute(f"SELECT * FROM {table}").fetchone()
    row = {**dict(zip(columns, first, strict=True)), **change}
    shell.execute(
        f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})",
        [row[c] for c in columns],
    )
    shell.close()


def test_r_use_9_a_person_replaced_in_the_sqlite_shell_is_read_from_the_history(
    sqlite_url: str,
) -> None:
    """``INSERT OR REPLACE`` deletes the row it conflicts with without firing delete or
    update triggers: the insert's own trigger marks the person."""
    engine, store, (s,) = _people(sqlite_url, "user-1")
    checks = pp.Engine(_only_customers(engine.policy), store=store, clock=engine.clock)
    assert checks.check_use(s, purpose="service", items={"email"}).allowed
    _replace(store, "pipolicy_subjects", category="applicant")
    assert not checks.check_use(s, purpose="service", items={"email"}).allowed
    assert not checks.check_use(pp.Ref("user-1"), purpose="service", items={"email"}).allowed
    store.close()


def test_r_use_4_a_consent_moved_to_someone_else_by_replace_leaves_its_owner(
    sqlite_url: str,
) -> None:
    engine, store, (a, b) = _people(sqlite_url, "a", "b")
    engine.grant_consent(a, purpose="newsletter")
    _replace(store, "pipolicy_consents", subject_id=b.id)  # "it was b's, not a's"
    assert not engine.check_use(a, purpose="newsletter", items={"email"}).allowed
    assert engine.check_use(b, purpose="newsletter", items={"email"}).allowed
    store.close()


def test_r_use_4_a_person_deleted_in_the_sqlite_shell_is_not_found(sqlite_url: str) -> None:
    """The shell does not enforce foreign keys, so the person's row can go with their
    state row left behind: a check by id must not answer from it."""
    engine, store, (s,) = _people(sqlite_url, "user-1")
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    shell = _shell(store)
    shell.execute("DELETE FROM pipolicy_subjects")
    shell.close()
    for subject in (s, pp.Ref("user-1")):
        with pytest.raises(pp.SubjectNotFound):
            engine.check_use(subject, purpose="service", items={"email"})
    store.close()


# -- PostgreSQL: truncation, and outside writes racing pipolicy's writers ----------------


@pytest.mark.postgres
def test_r_use_4_consents_truncated_in_postgresql_no_longer_allow(postgres_url: str) -> None:
    store = SqlStore(postgres_url, upgrade=True)
    engine = pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START))
    s = engine.register_subject("user-1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")
    _sql(store, "TRUNCATE pipolicy_consents CASCADE")
    assert _answers(engine) == {"service": True, "newsletter": False}
    store.close()


@pytest.mark.postgres
def test_r_use_4_an_outside_delete_during_a_pipolicy_write_is_not_undone(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DBA deletes a consent while pipolicy is writing about the same person, after it
    read the state it will write the row from. The DBA's trigger waits for the person's
    lock, so the row pipolicy writes is marked stale after, not written over the delete."""
    _race_an_outside_write(postgres_url, monkeypatch, "DELETE FROM pipolicy_consents")


def _race_an_outside_write(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, statement: str
) -> None:
    """Run ``statement`` in another session once a pipolicy write (an acquisition, which
    does not touch the consents) has read the person's state; then no consent may allow."""
    store = SqlStore(postgres_url, upgrade=True)
    engine = pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START))
    s = engine.register_subject("user-1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")
    dba = sa.create_engine(postgres_url)
    read_facts = SqlUnitOfWork.facts
    outside: list[threading.Thread] = []

    def write() -> None:
        with dba.begin() as conn:
            conn.execute(sa.text(statement))

    def facts(self: SqlUnitOfWork, subject_id: str, *, ended_consents: bool = True) -> Any:
        found = read_facts(self, subject_id, ended_consents=ended_consents)
        if not self._tx.read_only and not outside:
            outside.append(threading.Thread(target=write))
            outside[0].start()
            _until_waiting_or_done(dba, outside[0], statement)
        return found

    monkeypatch.setattr(SqlUnitOfWork, "facts", facts)
    engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
    monkeypatch.undo()
    outside[0].join(timeout=10)
    assert not outside[0].is_alive()
    assert _answers(engine) == {"service": True, "newsletter": False}
    dba.dispose()
    store.close()


def _until_waiting_or_done(dba: sa.Engine, thread: threading.Thread, statement: str) -> None:
    """Until ``thread``'s ``statement`` is waiting for a lock, or has finished."""
    deadline = time.monotonic() + 5
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query = :q"
    )
    while thread.is_alive() and time.monotonic() < deadline:
        with dba.connect() as conn:
            if conn.execute(query, {"q": statement}).scalar():
                return
        time.sleep(0.01)


def test_r_use_4_sqlite_replace_on_a_persons_ref_leaves_the_old_id_unanswered(
    sqlite_url: str,
) -> None:
    """``INSERT OR REPLACE`` of a person under a new id with the same ref deletes the old
    row silently: the old id's state must not answer for it."""
    engine, store, (s,) = _people(sqlite_url, "user-1")
    _replace(store, "pipolicy_subjects", id="someone-new")
    with pytest.raises(pp.SubjectNotFound):
        engine.check_use(s, purpose="service", items={"email"})
    store.close()


def test_r_use_4_sqlite_update_or_replace_onto_anothers_consent_leaves_them_without(
    sqlite_url: str,
) -> None:
    engine, store, (a, b) = _people(sqlite_url, "a", "b", newsletter=True)
    shell = _shell(store)
    (theirs,) = shell.execute("SELECT id FROM pipolicy_consents WHERE subject_id = ?", (b.id,))
    shell.execute(  # a's consent takes b's id: b's row goes
        "UPDATE OR REPLACE pipolicy_consents SET id = ? WHERE subject_id = ?", (theirs[0], a.id)
    )
    shell.close()
    assert not engine.check_use(b, purpose="newsletter", items={"email"}).allowed
    assert engine.check_use(a, purpose="newsletter", items={"email"}).allowed
    store.close()


@pytest.mark.postgres
def test_r_use_4_an_outside_truncate_during_a_pipolicy_write_is_not_undone(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As for a delete, with a truncation, which takes no row locks: its trigger waits
    for every writer holding a person's lock."""
    _race_an_outside_write(postgres_url, monkeypatch, "TRUNCATE pipolicy_consents CASCADE")


def test_an_upgrade_aborted_as_a_deadlocks_victim_is_run_again(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipolicy.backends.sql import migrate

    store = SqlStore(sqlite_url, upgrade=False)
    runs: list[str] = []
    real = migrate.run_upgrade

    def aborted_once(conn: Any, revision: str = "head", schema: str | None = None) -> None:
        runs.append(revision)
        if len(runs) == 1:
            raise pp.ConcurrencyConflict("upgrading the schema: a deadlock")
        real(conn, revision, schema)

    monkeypatch.setattr(migrate, "run_upgrade", aborted_once)
    store.upgrade()
    assert len(runs) == 2 and store.revision() == migrate.head_revision()

    def always_aborted(conn: Any, revision: str = "head", schema: str | None = None) -> None:
        runs.append(revision)
        raise pp.ConcurrencyConflict("upgrading the schema: a deadlock")

    monkeypatch.setattr(migrate, "run_upgrade", always_aborted)
    with pytest.raises(pp.ConcurrencyConflict):
        # Named, the revision is run to even at head ("head" returns at once there).
        store.upgrade(migrate.head_revision())
    assert len(runs) == 5  # two before, then three tries
    store.close()


def test_a_page_of_rebuild_states_aborted_as_a_deadlocks_victim_is_run_again(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, store, people = _people(sqlite_url, "a", "b")
    _sql(store, "UPDATE pipolicy_subject_states SET format = 0")
    pages: list[list[str]] = []
    rewrite = SqlUnitOfWork.rewrite_states

    def aborted_once(self: SqlUnitOfWork, subject_ids: list[str]) -> None:
        pages.append(subject_ids)
        if len(pages) == 1:
            raise pp.ConcurrencyConflict("reading subjects' facts: a deadlock")
        rewrite(self, subject_ids)

    monkeypatch.setattr(SqlUnitOfWork, "rewrite_states", aborted_once)
    assert store.rebuild_states() == 2
    assert pages == [sorted(p.id for p in people)] * 2
    assert store.states_to_rebuild() == 0
    store.close()
