"""A decision's facts load in one query that reads indexes only (issue 3, item 6).

The cost of ``uow.facts(subject_id)`` must not grow with the number of subjects: the
query plans below show every table reached through an index on the subject, never
scanned, and the statement count stays one however many subjects exist.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from pipolicy.backends.sql import SqlStore
from pipolicy.backends.sql import rows as convert
from pipolicy.backends.sql.facts_cache import FactsCache
from pipolicy.backends.sql.store import facts_statement
from pipolicy.backends.sql.tables import ACQUISITIONS, CONSENTS, RESTRICTIONS, SUBJECTS
from pipolicy.testing import assert_equivalent

from .records import Records, records

PER_SUBJECT = ("pipolicy_acquisitions", "pipolicy_consents", "pipolicy_restrictions")


def _fill(store: SqlStore, count: int) -> list[Records]:
    """``count`` subjects, each with an acquisition, a consent and a restriction."""
    made = [records(n) for n in range(count)]
    with store.engine.begin() as conn:
        conn.execute(SUBJECTS.insert(), [convert.subject_to_row(r.subject) for r in made])
        conn.execute(
            ACQUISITIONS.insert(), [convert.acquisition_to_row(r.acquisition) for r in made]
        )
        conn.execute(CONSENTS.insert(), [convert.consent_to_row(r.consent) for r in made])
        conn.execute(
            RESTRICTIONS.insert(), [convert.restriction_to_row(r.restriction) for r in made]
        )
    return made


class _Statements:
    """The SQL statements an engine sends, minus transaction control: as SQLAlchemy
    sends them, and on SQLite as the driver runs them (the store reads a person's state
    through sqlite3 itself, see ``SqlUnitOfWork._state_rows``)."""

    _SKIPPED = ("BEGIN", "COMMIT", "ROLLBACK", "SET ", "SELECT PG_ADVISORY", "PRAGMA")

    def __init__(self, engine: sa.Engine, cache: FactsCache | None = None) -> None:
        self.sent: list[str] = []
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._cache = cache  # the check cache's own connection, where checks read too

    def _seen(self, statement: str) -> None:
        if not statement.strip().upper().startswith(self._SKIPPED):
            self.sent.append(statement)

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self._seen(statement)

    def _checkout(self, dbapi_connection: Any, *args: Any) -> None:
        dbapi_connection.set_trace_callback(self._seen)

    def _checkin(self, dbapi_connection: Any, *args: Any) -> None:
        if dbapi_connection is not None:
            dbapi_connection.set_trace_callback(None)

    def __enter__(self) -> _Statements:
        if self._cache is not None:
            self._cache.trace(self._seen)
        if self._sqlite:
            event.listen(self._engine, "checkout", self._checkout)
            event.listen(self._engine, "checkin", self._checkin)
        else:
            event.listen(self._engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._cache is not None:
            self._cache.trace(None)
        if self._sqlite:
            event.remove(self._engine, "checkout", self._checkout)
            event.remove(self._engine, "checkin", self._checkin)
        else:
            event.remove(self._engine, "before_cursor_execute", self)


@pytest.fixture
def filled(sql_store: SqlStore) -> tuple[SqlStore, list[Records]]:
    return sql_store, _fill(sql_store, 300)


def test_facts_are_one_statement_whatever_the_number_of_subjects(
    filled: tuple[SqlStore, list[Records]],
) -> None:
    store, made = filled
    for target in (made[0], made[150], made[-1]):
        # A check reads in a read-only unit of work: one statement, one round trip.
        with store.unit_of_work(read_only=True) as uow, _Statements(store.engine) as statements:
            facts = uow.facts(target.subject.id)
        assert len(statements.sent) == 1
        assert "UNION ALL" in statements.sent[0].upper()
        assert facts is not None
        assert_equivalent(facts.subject, target.subject)
        assert_equivalent(facts.acquisitions, (target.acquisition,))
        assert_equivalent(facts.consents, (target.consent,))
        assert_equivalent(facts.restrictions, (target.restriction,))
    with store.unit_of_work(read_only=True) as uow, _Statements(store.engine) as statements:
        assert uow.facts("nobody") is None
    assert len(statements.sent) == 1


def _sqlite_plan(store: SqlStore, subject_id: str, *, ended_consents: bool = True) -> list[str]:
    statement = facts_statement(ended_consents=ended_consents).params(sid=subject_id)
    sql = statement.compile(dialect=store.engine.dialect, compile_kwargs={"literal_binds": True})
    with store.engine.connect() as conn:
        return [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]


def test_sqlite_facts_plan_searches_indexes_and_scans_no_table(sqlite_url: str) -> None:
    store = SqlStore(sqlite_url)
    try:
        _fill(store, 50)
        plan = _sqlite_plan(store, "s-7")
    finally:
        store.close()
    searches = [line for line in plan if line.startswith("SEARCH")]
    for table in PER_SUBJECT:
        assert f"SEARCH {table} USING INDEX ix_{table}_subject_id (subject_id=?)" in searches
    assert any(
        line.startswith("SEARCH pipolicy_subjects USING INDEX") and "(id=?)" in line
        for line in searches
    ), plan
    assert not [line for line in plan if line.startswith("SCAN pipolicy_")], plan


def test_r_con_2_sqlite_decision_facts_read_consents_through_the_given_index(
    sqlite_url: str,
) -> None:
    store = SqlStore(sqlite_url)
    try:
        _fill(store, 50)
        plan = _sqlite_plan(store, "s-7", ended_consents=False)
    finally:
        store.close()
    assert any(
        line.startswith("SEARCH pipolicy_consents USING INDEX ix_pipolicy_consents_given")
        for line in plan
    ), plan
    assert not [line for line in plan if line.startswith("SCAN pipolicy_")], plan


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


@pytest.mark.postgres
def test_postgres_facts_plan_uses_the_subject_indexes(postgres_url: str) -> None:
    store = SqlStore(postgres_url, upgrade=True)
    try:
        _fill(store, 3000)
        statement = facts_statement().params(sid="s-1234")
        sql = statement.compile(
            dialect=store.engine.dialect, compile_kwargs={"literal_binds": True}
        )
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
            raw = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}").scalar()
    finally:
        store.close()
    plan = raw if isinstance(raw, list) else json.loads(str(raw))
    nodes = list(_nodes(plan[0]["Plan"]))
    assert not [n for n in nodes if n["Node Type"] == "Seq Scan"], nodes
    used = {n.get("Index Name") for n in nodes}
    for table in PER_SUBJECT:
        assert f"ix_{table}_subject_id" in used, used
    assert "pk_pipolicy_subjects" in used, used


def test_r_con_2_a_writing_unit_locks_the_subject_before_reading_its_facts(
    filled: tuple[SqlStore, list[Records]],
) -> None:
    """A decision that records reads the person's facts after locking the person: on
    PostgreSQL the subject's row (FOR UPDATE) right before the facts query; SQLite's
    BEGIN IMMEDIATE already holds the write lock."""
    store, made = filled
    with store.unit_of_work() as uow, _Statements(store.engine) as statements:
        assert uow.facts(made[7].subject.id) is not None
    sent = [s.upper() for s in statements.sent]
    facts_at = next(i for i, s in enumerate(sent) if "UNION ALL" in s)
    if store.dialect == "postgresql":
        assert "FOR UPDATE" in sent[facts_at - 1]
    else:
        assert not any("FOR UPDATE" in s for s in sent)


def test_facts_by_the_apps_ref_take_the_same_statements_as_by_id(
    filled: tuple[SqlStore, list[Records]],
) -> None:
    """pp.Ref is resolved inside the facts query (and on PostgreSQL inside the row lock
    a writing unit takes anyway): no extra round trip."""
    store, made = filled
    target = made[42]
    for read_only, history in itertools.product((True, False), (True, False)):
        with (
            store.unit_of_work(read_only=read_only) as uow,
            _Statements(store.engine) as by_id,
        ):
            expected = uow.facts(target.subject.id, ended_consents=history)
        with (
            store.unit_of_work(read_only=read_only) as uow,
            _Statements(store.engine) as by_ref,
        ):
            found = uow.facts_by_ref(target.subject.ref, ended_consents=history)
        assert len(by_ref.sent) == len(by_id.sent), (read_only, history, by_ref.sent)
        assert found == expected
        with store.unit_of_work(read_only=read_only) as uow:
            assert uow.facts_by_ref("nobody-has-this-ref") is None


def test_r_use_4_a_batch_by_the_apps_refs_finds_its_people_a_page_per_query(
    filled: tuple[SqlStore, list[Records]],
) -> None:
    """check_use_many over pp.Ref reads the people by ref as it reads their facts: a
    page of them per query, not one query per person."""
    import pipolicy as pp
    from pipolicy.testing import contract_policy

    store, made = filled
    engine = pp.Engine(contract_policy(), store=store)
    sent: dict[int, int] = {}
    for size in (10, 300):
        checks = [
            pp.UseCheck(pp.Ref(r.subject.ref), purpose="service", items={"email"})
            for r in made[:size]
        ]
        by_id = [pp.UseCheck(r.subject.id, "service", {"email"}) for r in made[:size]]
        with _Statements(store.engine, store._facts_cache()) as statements:
            answers = engine.check_use_many(checks)
        sent[size] = len(statements.sent)
        assert answers == engine.check_use_many(by_id)
    assert sent[300] == sent[10] <= 3, sent
