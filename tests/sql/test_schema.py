"""pipolicy's tables in a PostgreSQL schema of their own, beside the application's.

The test database is shared by concurrent runs, so the application's "default schema"
here is the per-test schema of the ``postgres_url`` fixture (its ``search_path``), where
a real application would have ``public``; pipolicy's schema gets a unique name per test
and is dropped afterwards.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

import pipolicy as pp
from pipolicy.backends.sql import METADATA, SqlStore, head_revision, include_object, upgrade
from pipolicy.backends.sql.migrate import upgrade_sql
from pipolicy.backends.sql.store import SEQUENCER_LOCK_KEY
from pipolicy.backends.sql.tables import VERSION_TABLE
from pipolicy.cli import main
from pipolicy.testing import CONTRACT_START, contract_policy

pytestmark = pytest.mark.postgres

APP = sa.MetaData()
USERS = sa.Table(
    "users",
    APP,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.Text, nullable=False),
)


class _Boom(Exception):
    pass


@pytest.fixture
def schema(postgres_admin: sa.Engine) -> Iterator[str]:
    """A name for pipolicy's schema, not yet created (upgrade creates it)."""
    name = f"pp_{uuid.uuid4().hex[:12]}"
    yield name
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def app_engine(postgres_url: str) -> Iterator[sa.Engine]:
    """The application's engine: its tables go where its search path says."""
    engine = sa.create_engine(postgres_url)
    APP.create_all(engine)
    yield engine
    engine.dispose()


def _tables(admin: sa.Engine, schema: str) -> set[str]:
    with admin.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
            {"s": schema},
        )
        return {r[0] for r in rows}


def _app_schema(app_engine: sa.Engine) -> str:
    with app_engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT current_schema()").scalar())


def _engine(store: SqlStore) -> pp.Engine:
    return pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START))


def _users(app_engine: sa.Engine) -> list[int]:
    with app_engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.select(USERS.c.id).order_by(USERS.c.id))]


def test_migrations_run_into_the_schema_and_create_it(
    postgres_admin: sa.Engine, app_engine: sa.Engine, schema: str
) -> None:
    upgrade(app_engine, schema=schema)
    expected = set(METADATA.tables) | {VERSION_TABLE}
    assert _tables(postgres_admin, schema) == expected
    assert _tables(postgres_admin, _app_schema(app_engine)) == {"users"}
    with postgres_admin.connect() as conn:
        indexes = {
            r[0]
            for r in conn.execute(
                sa.text("SELECT indexname FROM pg_indexes WHERE schemaname = :s"), {"s": schema}
            )
        }
    named = {i.name for t in METADATA.tables.values() for i in t.indexes}
    assert named and named <= indexes  # every index, the partial ones included
    store = SqlStore(app_engine, schema=schema)
    assert store.revision() == head_revision()
    # The search path's schema has no pipolicy: a store without the schema says so.
    with pytest.raises(pp.StorageError, match="revision none"):
        SqlStore(app_engine)
    upgrade(app_engine, schema=schema)  # again: nothing to do, nothing broken


def test_the_tables_in_the_schema_are_the_ones_the_code_declares(
    app_engine: sa.Engine, schema: str
) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    upgrade(app_engine, schema=schema)
    with app_engine.connect() as conn:
        conn.exec_driver_sql(f'SET search_path TO "{schema}"')
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": VERSION_TABLE}
        )
        assert compare_metadata(context, METADATA) == []


def test_the_url_names_the_schema_and_precedence_is_the_argument_then_the_url(
    postgres_url: str, schema: str
) -> None:
    in_url = sa.make_url(postgres_url).update_query_dict({"schema": schema})
    url = in_url.render_as_string(hide_password=False)
    store = SqlStore(url, upgrade=True)
    assert store.schema == schema
    assert repr(store).endswith(f", schema={schema!r})") and "***" in repr(store)
    store.close()
    same = SqlStore(url, schema=schema)  # both, and the same: fine
    assert same.schema == schema and same.revision() == head_revision()
    same.close()
    with pytest.raises(pp.InvalidInput, match="differ"):
        SqlStore(url, schema="other")
    explicit = SqlStore(postgres_url, schema=schema)
    assert explicit.revision() == head_revision()
    explicit.close()


@pytest.mark.parametrize("name", ["", "Pipolicy", "pg_catalog", "a-b", "a;drop", "x" * 64])
def test_a_schema_name_must_be_a_plain_identifier(postgres_url: str, name: str) -> None:
    with pytest.raises(pp.InvalidInput, match="schema name"):
        SqlStore(postgres_url, schema=name)


def test_the_app_and_pipolicy_sign_up_in_one_transaction_across_schemas(
    postgres_admin: sa.Engine, app_engine: sa.Engine, schema: str
) -> None:
    upgrade(app_engine, schema=schema)
    engine = _engine(SqlStore(app_engine, schema=schema))
    with app_engine.begin() as conn:
        conn.execute(USERS.insert().values(id=1, email="u1@example.com"))
        with engine.using(conn):
            s = engine.register_subject("1", category="customer")
            engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
            engine.grant_consent(s, purpose="newsletter")
        # The application's connection kept its own options: its next statement, in
        # the same transaction, still finds its own table on its search path.
        assert "schema_translate_map" not in conn.get_execution_options()
        assert conn.execute(sa.select(sa.func.count()).select_from(USERS)).scalar() == 1

    def failing_signup() -> None:
        with app_engine.begin() as conn:
            conn.execute(USERS.insert().values(id=2, email="u2@example.com"))
            with engine.using(conn):
                engine.register_subject("2", category="customer")
            raise _Boom

    with pytest.raises(_Boom):
        failing_signup()
    assert _users(app_engine) == [1]
    assert engine.find_subject("2") is None
    assert [x.ref for x in engine.allowed_subjects(purpose="newsletter", items={"email"})] == ["1"]
    assert engine.verify_audit().ok
    with postgres_admin.connect() as conn:
        placed = conn.exec_driver_sql(f'SELECT count(*) FROM "{schema}".pipolicy_audit').scalar()
    assert placed == 3
    assert not {t for t in _tables(postgres_admin, _app_schema(app_engine)) if "pipolicy" in t}


def test_an_import_in_the_apps_transaction_writes_into_pipolicys_schema(
    postgres_admin: sa.Engine, app_engine: sa.Engine, schema: str
) -> None:
    """Bulk inserts (an import's batch, the audit queue) take pipolicy's schema map with
    them, as single statements do: the application's connection has none."""
    upgrade(app_engine, schema=schema)
    engine = _engine(SqlStore(app_engine, schema=schema))
    rows = [pp.ConsentImport(f"u{n}", purpose="newsletter", category="customer") for n in range(3)]
    with app_engine.begin() as conn, engine.using(conn):
        assert engine.import_consents(rows).recorded == 3
    with postgres_admin.connect() as conn:
        kept = conn.exec_driver_sql(f'SELECT count(*) FROM "{schema}".pipolicy_consents').scalar()
    assert kept == 3
    assert engine.verify_audit().ok
    engine.close()


def test_an_apps_own_schema_map_stays_on_its_statements(
    postgres_admin: sa.Engine, postgres_url: str, schema: str
) -> None:
    """An application that maps its own tables to a schema keeps its map for its
    statements; pipolicy's statements, on the same connection, go to pipolicy's."""
    app_schema = f"app_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{app_schema}"')
    base = sa.create_engine(postgres_url)
    mapped = base.execution_options(schema_translate_map={None: app_schema})
    try:
        APP.create_all(mapped)
        upgrade(base, schema=schema)
        engine = _engine(SqlStore(mapped, schema=schema))
        with mapped.begin() as conn:
            conn.execute(USERS.insert().values(id=5, email="u5@example.com"))
            with engine.using(conn):
                engine.register_subject("5", category="customer")
            conn.execute(USERS.insert().values(id=6, email="u6@example.com"))
            assert conn.get_execution_options()["schema_translate_map"][None] == app_schema
        assert _tables(postgres_admin, app_schema) == {"users"}
        with postgres_admin.connect() as conn:
            users = conn.exec_driver_sql(f'SELECT count(*) FROM "{app_schema}".users').scalar()
            subjects = conn.exec_driver_sql(
                f'SELECT ref FROM "{schema}".pipolicy_subjects'
            ).scalar()
        assert (users, subjects) == (2, "5")
        assert engine.verify_audit().ok
    finally:
        base.dispose()
        with postgres_admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{app_schema}" CASCADE')


def test_the_apps_autogenerate_with_include_object_touches_no_pipolicy_table(
    app_engine: sa.Engine, schema: str
) -> None:
    """With ``include_schemas=True`` the application's autogenerate sees pipolicy's
    schema too; ``include_object`` keeps it from proposing anything there (without the
    hook it would drop every pipolicy table)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    upgrade(app_engine, schema=schema)
    ours = {None, _app_schema(app_engine), schema}  # not other test runs' schemas

    def include_name(name: str | None, type_: str, _parents: object) -> bool:
        return type_ != "schema" or name in ours

    every = {"include_schemas": True, "include_name": include_name}
    with app_engine.connect() as conn:
        naive = compare_metadata(MigrationContext.configure(conn, opts=every), APP)
        hooked = compare_metadata(
            MigrationContext.configure(conn, opts={**every, "include_object": include_object}),
            APP,
        )
        default = compare_metadata(MigrationContext.configure(conn), APP)
    dropped = {(d[1].schema, d[1].name) for d in naive if d[0] == "remove_table"}
    assert (schema, "pipolicy_audit") in dropped
    assert (schema, VERSION_TABLE) in dropped
    assert hooked == []
    assert default == []  # without include_schemas, autogenerate never looks there


def test_each_schema_has_its_own_audit_sequencer(
    postgres_admin: sa.Engine, postgres_url: str, schema: str
) -> None:
    """A writer busy placing another schema's log does not hold this one's back: its
    events are placed at its own commit, not left in the queue."""
    store = SqlStore(postgres_url, schema=schema, upgrade=True)
    assert store._sequencer_key != SEQUENCER_LOCK_KEY
    engine = _engine(store)
    with postgres_admin.connect() as other, other.begin():
        # Another store's sequencer (the search path's) is busy.
        other.execute(sa.select(sa.func.pg_advisory_xact_lock(SEQUENCER_LOCK_KEY)))
        engine.register_subject("1", category="customer")
        with postgres_admin.connect() as conn:
            queued = conn.exec_driver_sql(
                f'SELECT count(*) FROM "{schema}".pipolicy_audit_queue'
            ).scalar()
            placed = conn.exec_driver_sql(
                f'SELECT count(*) FROM "{schema}".pipolicy_audit'
            ).scalar()
    assert (queued, placed) == (0, 1)
    engine.close()


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def test_the_command_line_upgrades_and_reads_the_schema_from_the_url(
    postgres_admin: sa.Engine, postgres_url: str, schema: str
) -> None:
    url = (
        sa.make_url(postgres_url)
        .update_query_dict({"schema": schema})
        .render_as_string(hide_password=False)
    )
    code, text = _cli("db", "current", url)
    assert code == 1 and "none (empty)" in text
    code, text = _cli("db", "upgrade", url)
    assert code == 0 and "latest revision" in text and "pipolicy:***@" in text
    assert f"schema={schema}" in text
    code, text = _cli("db", "current", url)
    assert code == 0 and f"revision {head_revision()} (latest)" in text
    code, _ = _cli("db", "current", postgres_url)  # the search path's schema: nothing
    assert code == 1
    assert VERSION_TABLE in _tables(postgres_admin, schema)
    code, text = _cli("audit", "verify", "--store", url)
    assert code == 0 and "0 events" in text


def test_the_upgrade_sql_creates_the_schema_and_works_in_it(postgres_url: str, schema: str) -> None:
    url = (
        sa.make_url(postgres_url)
        .update_query_dict({"schema": schema})
        .render_as_string(hide_password=False)
    )
    sql = upgrade_sql(url)
    assert f'CREATE SCHEMA IF NOT EXISTS "{schema}"' in sql
    assert f'SET LOCAL search_path TO "{schema}"' in sql
    assert f"{schema}.{VERSION_TABLE}" in sql


def test_sqlite_refuses_a_schema() -> None:
    with pytest.raises(pp.InvalidInput, match="PostgreSQL setting"):
        SqlStore("sqlite:///:memory:", schema="pipolicy")
    with pytest.raises(pp.InvalidInput, match="PostgreSQL setting"):
        SqlStore("sqlite:///:memory:?schema=pipolicy")
    with pytest.raises(pp.InvalidInput, match="PostgreSQL setting"):
        SqlStore(sa.create_engine("sqlite://"), schema="pipolicy")


def test_r_con_2_a_withdrawal_made_in_sql_in_pipolicys_schema_takes_effect(
    postgres_admin: sa.Engine, app_engine: sa.Engine, schema: str
) -> None:
    """The triggers that mark a person's state stale find the state table in pipolicy's
    schema, though the connection writing (the application's) searches its own."""
    upgrade(app_engine, schema=schema)
    engine = _engine(SqlStore(app_engine, schema=schema))
    s = engine.register_subject("1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    with app_engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE \"{schema}\".pipolicy_consents SET status = 'withdrawn'")
    assert not engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    with postgres_admin.connect() as conn:
        found = conn.exec_driver_sql(f'SELECT format FROM "{schema}".pipolicy_subject_states')
        assert list(found.scalars()) == [0]


def test_the_upgrade_sql_runs_and_its_triggers_work(
    postgres_admin: sa.Engine, postgres_url: str, schema: str
) -> None:
    """The script a DBA runs creates what ``upgrade`` would: the triggers included (their
    functions name the schema the script put the tables in)."""
    url = (
        sa.make_url(postgres_url)
        .update_query_dict({"schema": schema})
        .render_as_string(hide_password=False)
    )
    with postgres_admin.connect() as conn:  # as psql runs it: no placeholders, no %%
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute(upgrade_sql(url))
    store = SqlStore(url, upgrade=False)
    assert store.revision() == head_revision()
    engine = _engine(store)
    s = engine.register_subject("1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f"UPDATE \"{schema}\".pipolicy_consents SET status = 'withdrawn'")
    assert not engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    store.close()
