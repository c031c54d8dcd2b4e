"""pipolicy inside the application's own transaction (integration, R-CON-1, R-SEC-3).

An application signs a user up in its own table and records their consent with pipolicy:
one transaction, so a crash between the two cannot leave a user without a consent record
or a consent for a user who does not exist. Tested on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from pipolicy.testing import CONTRACT_START, contract_policy

APP = sa.MetaData()
USERS = sa.Table(
    "app_users",
    APP,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.Text, nullable=False),
)


class _Boom(Exception):
    pass


@pytest.fixture
def app(shared_url: str) -> Iterator[tuple[sa.Engine, pp.Engine]]:
    """The application's own engine and table, and pipolicy on the same engine."""
    app_engine = sa.create_engine(shared_url)
    APP.create_all(app_engine)
    # The deploy step: pipolicy's migrations (on PostgreSQL opening only checks them).
    SqlStore(app_engine, upgrade=True).close()
    engine = pp.Engine(
        contract_policy(),
        store=app_engine,
        clock=pp.FixedClock(CONTRACT_START),
        ids=iter(f"id-{n}" for n in range(10_000)).__next__,
    )
    yield app_engine, engine
    engine.close()
    app_engine.dispose()


def _users(app_engine: sa.Engine) -> list[int]:
    with app_engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.select(USERS.c.id).order_by(USERS.c.id))]


def _sign_up(engine: pp.Engine, conn: sa.Connection, user_id: int) -> pp.Subject:
    conn.execute(USERS.insert().values(id=user_id, email=f"u{user_id}@example.com"))
    with engine.using(conn):
        s = engine.register_subject(f"user-{user_id}", category="customer")
        engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
        engine.grant_consent(s, purpose="newsletter")
    return s


def test_r_con_1_the_apps_commit_keeps_the_user_and_the_consent(
    app: tuple[sa.Engine, pp.Engine],
) -> None:
    app_engine, engine = app
    with app_engine.begin() as conn:
        s = _sign_up(engine, conn, 1)
    assert _users(app_engine) == [1]
    assert engine.find_subject("user-1") == s
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    assert engine.verify_audit().ok
    assert [e.kind for e in engine.audit_events()] == [
        "subject.registered",
        "acquisition.recorded",
        "consent.given",
    ]


def test_r_con_1_the_apps_rollback_removes_what_pipolicy_recorded(
    app: tuple[sa.Engine, pp.Engine],
) -> None:
    app_engine, engine = app
    with app_engine.begin() as conn:
        _sign_up(engine, conn, 1)
    before = list(engine.audit_events())

    def failing_signup() -> None:
        with app_engine.begin() as conn:
            _sign_up(engine, conn, 2)
            raise _Boom  # the application fails after pipolicy recorded

    with pytest.raises(_Boom):
        failing_signup()
    assert _users(app_engine) == [1]
    assert engine.find_subject("user-2") is None
    after = list(engine.audit_events())
    assert after == before
    assert engine.verify_audit().ok
    cp = engine.checkpoint()
    with app_engine.begin() as conn:  # the log goes on from where the kept part ended
        _sign_up(engine, conn, 3)
    assert engine.verify_audit(trusted=cp).ok
    assert len(list(engine.audit_events())) == len(before) + 3


def test_r_con_1_the_apps_rollback_removes_pipolicys_writes_when_they_came_first(
    app: tuple[sa.Engine, pp.Engine],
) -> None:
    """pipolicy's call is the first statement of the application's transaction. On
    SQLite the driver has not begun a transaction yet (it waits for an INSERT), and a
    SAVEPOINT outside one would be committed by its own RELEASE: pipolicy begins the
    application's transaction first, so the rollback still removes everything."""
    app_engine, engine = app

    def failing_signup() -> None:
        with app_engine.begin() as conn:
            with engine.using(conn):
                engine.register_subject("user-1", category="customer")
            conn.execute(USERS.insert().values(id=1, email="u1@example.com"))
            raise _Boom

    with pytest.raises(_Boom):
        failing_signup()
    assert engine.find_subject("user-1") is None and _users(app_engine) == []
    assert list(engine.audit_events()) == []
    with app_engine.begin() as conn:  # and the commit keeps both
        with engine.using(conn):
            s = engine.register_subject("user-1", category="customer")
        conn.execute(USERS.insert().values(id=1, email="u1@example.com"))
    assert engine.find_subject("user-1") == s and _users(app_engine) == [1]
    assert engine.verify_audit().ok


def test_r_con_1_a_failing_call_rolls_back_to_its_savepoint_only(
    app: tuple[sa.Engine, pp.Engine],
) -> None:
    """A pipolicy call that fails inside the application's transaction leaves the
    application's own writes, and pipolicy's earlier ones, in place."""
    app_engine, engine = app
    with app_engine.begin() as conn:
        s = _sign_up(engine, conn, 1)
        with engine.using(conn), pytest.raises(pp.InvalidTransition):
            engine.withdraw_consent(s, recipient="partner")  # none to withdraw
        with engine.using(conn):
            engine.withdraw_consent(s, purpose="newsletter")
    assert _users(app_engine) == [1]
    assert [c.status for c in engine.consents(s)] == [pp.ConsentStatus.WITHDRAWN]
    assert engine.verify_audit().ok


def test_r_con_1_an_orm_session_shares_its_transaction(
    app: tuple[sa.Engine, pp.Engine],
) -> None:
    app_engine, engine = app

    class Base(DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "app_users"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str]

    with Session(app_engine) as session:
        session.add(User(id=7, email="u7@example.com"))
        session.flush()
        with engine.using(session.connection()):
            s = engine.register_subject("user-7", category="customer")
        session.rollback()
    assert engine.find_subject("user-7") is None and _users(app_engine) == []
    with Session(app_engine) as session, session.begin():
        session.add(User(id=8, email="u8@example.com"))
        session.flush()
        with engine.using(session.connection()):
            s = engine.register_subject("user-8", category="customer")
    assert engine.find_subject("user-8") == s and _users(app_engine) == [8]
    assert engine.verify_audit().ok


def test_using_needs_a_connection_in_a_transaction_of_the_same_database(
    app: tuple[sa.Engine, pp.Engine],
) -> None:
    app_engine, engine = app
    with pytest.raises(pp.InvalidInput, match="SQLAlchemy Connection"), engine.using("conn"):
        pass
    conn = app_engine.connect()
    conn.close()
    with (
        pytest.raises(pp.InvalidInput, match="closed or not in a transaction"),
        engine.using(conn),
    ):
        engine.register_subject("user-9", category="customer")
    memory = pp.Engine(contract_policy())
    with pytest.raises(pp.InvalidInput, match="needs a SQL store"), memory.using(conn):
        pass


def test_the_apps_engine_is_not_disposed_by_pipolicy(app: tuple[sa.Engine, pp.Engine]) -> None:
    app_engine, engine = app
    with pp.Engine(contract_policy(), store=app_engine) as other:
        other.register_subject("user-10", category="customer")
    assert _users(app_engine) == []  # the application's engine still works
    assert engine.find_subject("user-10") is not None


def test_the_apps_autogenerate_leaves_pipolicys_tables_alone(
    app: tuple[sa.Engine, pp.Engine],
) -> None:
    """An application's Alembic, given include_object, proposes nothing about pipolicy's
    tables; without it, it would drop every one of them, the audit log included."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from pipolicy.backends.sql import include_object

    app_engine, _ = app
    with app_engine.connect() as conn:
        naive = compare_metadata(MigrationContext.configure(conn), APP)
        hooked = compare_metadata(
            MigrationContext.configure(conn, opts={"include_object": include_object}), APP
        )
    dropped = {d[1].name for d in naive if d[0] == "remove_table"}
    assert "pipolicy_audit" in dropped and "pipolicy_consents" in dropped
    assert hooked == []


def test_a_stream_of_allowed_subjects_is_read_where_it_was_made(
    app: tuple[sa.Engine, pp.Engine],
) -> None:
    """allowed_subjects reads a page at a time: a stream made inside engine.using() reads
    the application's transaction, so one read on after the block (or one made outside
    and read inside) would switch views between pages. It refuses instead."""
    app_engine, engine = app
    with app_engine.connect() as conn, conn.begin():
        s = _sign_up(engine, conn, 1)
        with engine.using(conn):
            engine.grant_consent(s, purpose="newsletter")
            inside = engine.allowed_subjects(purpose="newsletter", items={"email"})
            assert [
                x.ref for x in engine.allowed_subjects(purpose="newsletter", items={"email"})
            ] == ["user-1"]
        with pytest.raises(pp.InvalidInput, match=r"engine\.using\(\) block it was made in"):
            next(inside)
        outside = engine.allowed_subjects(purpose="newsletter", items={"email"})
        with engine.using(conn), pytest.raises(pp.InvalidInput, match="outside"):
            next(outside)
    # Made and read outside any block: pipolicy's own connections, as before.
    assert [x.ref for x in engine.allowed_subjects(purpose="newsletter", items={"email"})] == [
        "user-1"
    ]
