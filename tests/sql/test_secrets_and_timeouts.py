"""No secrets or personal data in errors and logs; bounded waits (issue "Integrity", 5).

R-SEC-3: logs and reprs never contain personal data values. Each test drives an error
on purpose and scans everything a developer or a log shipper would see: ``repr`` and
``str`` of the error and of every exception under it (``__cause__``, ``__context__``,
a driver error's ``orig``), ``repr(store)``, and every log record at DEBUG, with
SQLAlchemy's statement logger at INFO. Markers: a subject ref, an item value, and a
password in the URL.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from pipolicy.backends.sql.errors import translating
from pipolicy.backends.sql.tables import SUBJECTS
from pipolicy.domain.audit import AuditEntry
from pipolicy.domain.subjects import Subject
from pipolicy.errors import (
    BackendNotFound,
    CommitOutcomeUnknown,
    ConcurrencyConflict,
    InvalidInput,
    PipolicyError,
    StorageError,
)
from pipolicy.storage.registry import redact_url
from pipolicy.testing import contract_policy

from .records import T0, records

REF = "REF-MARKER-7731"
VALUE = "ITEM-VALUE-4412"
PASSWORD = "S3cretMarker"
MARKERS = (REF, VALUE, PASSWORD)


def _chain(e: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [e]
    while todo:
        err = todo.pop()
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        yield err
        orig = getattr(err, "orig", None)
        todo += [err.__cause__, err.__context__, orig if isinstance(orig, BaseException) else None]


def _assert_clean(*shown: object, caplog: pytest.LogCaptureFixture | None = None) -> None:
    texts: list[str] = []
    for thing in shown:
        if isinstance(thing, BaseException):
            for err in _chain(thing):
                texts += [str(err), repr(err), repr(err.args)]
        else:
            texts += [str(thing), repr(thing)]
    if caplog is not None:
        texts.append(caplog.text)
        for record in caplog.records:
            texts += [record.getMessage(), repr(record.args)]
    for marker in MARKERS:
        leaks = [t for t in texts if marker in t]
        assert not leaks, f"{marker} leaked: {leaks[0][:300]}"


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record at DEBUG, SQLAlchemy's statement log included."""
    caplog.set_level(logging.DEBUG)
    engine_logger = logging.getLogger("sqlalchemy.engine")
    before = engine_logger.level
    engine_logger.setLevel(logging.INFO)
    try:
        yield caplog
    finally:
        engine_logger.setLevel(before)


def _engine_logged(caplog: pytest.LogCaptureFixture) -> bool:
    return any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)


def _add_subject(store: SqlStore, subject_id: str) -> None:
    """Register a subject with the marker ref, in one committed unit of work."""
    with store.unit_of_work() as uow:
        uow.subjects.add(Subject(subject_id, REF, T0))
        uow.commit()


def _drop(store: SqlStore, *tables: str) -> None:
    cascade = " CASCADE" if store.dialect == "postgresql" else ""
    with store.engine.begin() as conn:
        for table in tables:
            conn.exec_driver_sql(f"DROP TABLE {table}{cascade}")


# -- driven errors, on every database ---------------------------------------------------


def test_r_sec_3_a_duplicate_subject_ref_leaks_no_ref(
    any_url: str, logs: pytest.LogCaptureFixture
) -> None:
    store = SqlStore(any_url, upgrade=True)
    try:
        with store.unit_of_work() as uow:
            uow.subjects.add(Subject("s-1", REF, T0))
            uow.commit()
        with pytest.raises((ConcurrencyConflict, StorageError)) as raised:
            _add_subject(store, "s-2")
        assert _engine_logged(logs), "the scan must see SQLAlchemy's statement log"
        _assert_clean(raised.value, store, caplog=logs)
    finally:
        store.close()


def test_r_sec_3_a_closed_store_leaks_nothing(any_url: str, logs: pytest.LogCaptureFixture) -> None:
    store = SqlStore(any_url, upgrade=True)
    store.close()
    with pytest.raises(StorageError, match="closed") as raised, store.unit_of_work() as uow:
        uow.subjects.by_ref(REF)
    _assert_clean(raised.value, store, caplog=logs)


def test_r_sec_3_a_failing_statement_hides_its_parameters(
    any_url: str, logs: pytest.LogCaptureFixture
) -> None:
    """The table is gone under the store: the driver's error is the cause, values hidden."""
    store = SqlStore(any_url, upgrade=True)
    try:
        found = records(1)
        with store.unit_of_work() as uow:
            uow.subjects.add(Subject("s-1", REF, T0))
            uow.commit()
        _drop(store, "pipolicy_audit", "pipolicy_audit_queue", "pipolicy_requests")
        failures: list[PipolicyError] = []

        def append() -> None:
            # SQLite fails reading the log's tail; PostgreSQL keeps the entry until the
            # commit, which fails placing it.
            with store.unit_of_work() as uow:
                uow.audit.append(AuditEntry.of(T0, "x", "s-1", {"ref": REF, "email": VALUE}))
                uow.commit()

        with pytest.raises(StorageError) as raised:
            append()
        failures.append(raised.value)
        with pytest.raises(StorageError) as raised, store.unit_of_work() as uow:
            uow.requests.add(attrs.evolve(found.request, details={"email": VALUE}))
        failures.append(raised.value)
        for failure in failures:
            cause = failure.__cause__
            assert isinstance(cause, sa_exc.DBAPIError)
            assert cause.hide_parameters
        # The request's insert failed with its values bound: they are hidden. (The
        # append failed reading the log's tail, which binds nothing on SQLite.)
        assert "parameters hidden" in str(failures[1].__cause__)
        _assert_clean(*failures, store, caplog=logs)
    finally:
        store.close()


# -- URLs -------------------------------------------------------------------------------

BAD_URLS = [
    f"postgresql//app:{PASSWORD}@db/pi",  # no "://": not a URL at all
    f"app:{PASSWORD}@db",
    f"mysql://app:{PASSWORD}@db/pi",  # a URL, of a database SqlStore does not take
    f"postgresql://app:{PASSWORD}@db/pi?lock_timeout=soon",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_r_sec_3_a_bad_url_is_refused_without_its_password(
    url: str, logs: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(PipolicyError) as by_registry:
        pp.open_store(url)
    with pytest.raises(InvalidInput) as by_store:
        SqlStore(url)
    assert isinstance(by_registry.value, (BackendNotFound, InvalidInput))
    _assert_clean(by_registry.value, by_store.value, caplog=logs)


def test_r_sec_3_the_registry_names_a_url_without_its_password() -> None:
    with pytest.raises(BackendNotFound) as raised:
        pp.open_store(f"postgresql//app:{PASSWORD}@db/pi")
    assert "postgresql//app:***@db/pi" in str(raised.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"postgresql://app:{PASSWORD}@db/pi", "postgresql://app:***@db/pi"),
        (f"postgresql//app:{PASSWORD}@db/pi", "postgresql//app:***@db/pi"),
        (f"postgresql://app:p@ss:{PASSWORD}@db/pi", "postgresql://app:***@db/pi"),
        (
            f"postgresql://app@db/pi?password={PASSWORD}&x=1",
            "postgresql://app@db/pi?password=***&x=1",
        ),
        ("sqlite:///pi.db", "sqlite:///pi.db"),
        ("memory://", "memory://"),
    ],
)
def test_r_sec_3_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://app:{PASSWORD}@127.0.0.1:1/pi?connect_timeout=2",
        f"postgresql+psycopg://app@127.0.0.1:1/pi?password={PASSWORD}&connect_timeout=2",
    ],
)
def test_r_sec_3_an_unreachable_server_leaks_no_password(
    url: str, logs: pytest.LogCaptureFixture
) -> None:
    """Nothing listens on port 1: the store opens lazily, then fails to connect."""
    store = SqlStore(url, upgrade=False)
    assert "***" in repr(store)
    started = time.monotonic()
    with pytest.raises(StorageError) as raised, store.unit_of_work() as uow:
        uow.subjects.by_ref(REF)
    assert time.monotonic() - started < 10
    with pytest.raises(StorageError) as opening:
        SqlStore(url)
    store.close()
    _assert_clean(raised.value, opening.value, store, caplog=logs)


# -- commits whose outcome is unknown ---------------------------------------------------


def _lost_ack(store: SqlStore) -> BaseException:
    """What the driver raises when the connection drops after the server committed."""
    if store.dialect == "postgresql":
        import psycopg

        return psycopg.OperationalError("server closed the connection unexpectedly")
    import sqlite3

    return sqlite3.ProgrammingError("Cannot operate on a closed database.")


def test_r_sec_3_art_23_a_commit_without_acknowledgement_is_commit_outcome_unknown(
    shared_url: str, monkeypatch: pytest.MonkeyPatch, logs: pytest.LogCaptureFixture
) -> None:
    """The commit happened but its answer was lost: the caller must not assume nothing
    was kept (Art. 23: the records are kept accurately), so it re-reads before retrying."""
    store = SqlStore(shared_url, upgrade=True)
    try:
        dialect = store.engine.dialect
        real_commit = dialect.do_commit

        def commit_then_drop(dbapi_connection: Any) -> None:
            real_commit(dbapi_connection)
            raise _lost_ack(store)

        monkeypatch.setattr(dialect, "do_commit", commit_then_drop)
        with pytest.raises(CommitOutcomeUnknown) as raised:
            _add_subject(store, "s-1")
        monkeypatch.undo()
        message = str(raised.value)
        assert "nothing was kept" not in message.replace("not assume nothing was kept", "")
        assert "do not assume nothing was kept" in message
        assert "read the records again" in message
        assert isinstance(raised.value, StorageError)
        # It was kept: re-reading (on a fresh connection) finds it.
        with store.unit_of_work(read_only=True) as uow:
            kept = uow.subjects.get("s-1")
        assert kept is not None and kept.ref == REF
        _assert_clean(raised.value, store, caplog=logs)
    finally:
        store.close()


def test_r_sec_3_a_commit_the_server_refused_still_says_nothing_was_kept(
    shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only an unanswered commit is unknown; an answered failure is a plain StorageError."""
    store = SqlStore(shared_url, upgrade=True)
    try:
        dialect = store.engine.dialect
        if store.dialect == "postgresql":
            import psycopg.errors

            refusal: BaseException = psycopg.errors.SerializationFailure("could not serialize")
            expected: type[PipolicyError] = ConcurrencyConflict
        else:
            import sqlite3

            refusal = sqlite3.IntegrityError("FOREIGN KEY constraint failed")
            expected = StorageError

        def refuse(dbapi_connection: object) -> None:
            dbapi_connection.rollback()  # type: ignore[attr-defined]
            raise refusal

        monkeypatch.setattr(dialect, "do_commit", refuse)
        with pytest.raises(expected) as raised:
            _add_subject(store, "s-1")
        assert not isinstance(raised.value, CommitOutcomeUnknown)
    finally:
        monkeypatch.undo()
        store.close()


# -- PostgreSQL: timeouts, dropped connections, quoted values ------------------------------


@pytest.mark.postgres
def test_r_sec_3_art_23_a_connection_dropped_before_commit_is_commit_outcome_unknown(
    postgres_url: str, postgres_admin: sa.Engine, logs: pytest.LogCaptureFixture
) -> None:
    store = SqlStore(postgres_url, upgrade=True)
    try:

        def add_then_lose_the_connection() -> None:
            with store.unit_of_work() as uow:
                uow.subjects.add(Subject("s-1", REF, T0))
                uow._write_states()  # what commit() sends first: the COMMIT itself is lost
                pid = uow._tx.run(
                    lambda c: c.exec_driver_sql("SELECT pg_backend_pid()").scalar(), "pid"
                )
                with postgres_admin.connect() as admin:
                    admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                time.sleep(0.2)
                uow.commit()

        with pytest.raises(CommitOutcomeUnknown) as raised:
            add_then_lose_the_connection()
        # The dropped connection was discarded: the next unit of work gets a live one.
        with store.unit_of_work(read_only=True) as uow:
            assert uow.subjects.get("s-1") is None
        _assert_clean(raised.value, store, caplog=logs)
    finally:
        store.close()


def _drop_pooled_connections(store: SqlStore, admin: sa.Engine) -> int:
    """End, from the server's side, every session this store's pool holds."""
    with store.engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    time.sleep(0.2)
    return int(pid or 0)


@pytest.mark.postgres
def test_r_sec_3_a_pooled_connection_the_server_dropped_is_replaced_unnoticed(
    postgres_url: str, postgres_admin: sa.Engine
) -> None:
    """Connections are not pinged before use (a round trip on every unit of work): a
    dead one fails at the unit's first statement, which is sent again on a new one."""
    store = SqlStore(postgres_url, upgrade=True)
    engine = pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(T0))
    try:
        person = engine.register_subject(REF, category="customer")
        pings: list[object] = []
        ping = store.engine.dialect.do_ping

        def counted(dbapi_connection: Any) -> bool:
            pings.append(dbapi_connection)
            return ping(dbapi_connection)

        store.engine.dialect.do_ping = counted  # type: ignore[method-assign]
        sent: list[str] = []
        sa.event.listen(store.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
        engine.check_use(person, purpose="service", items={"email"})
        assert len(sent) == 1 and pings == []  # a check is one round trip
        _drop_pooled_connections(store, postgres_admin)
        assert not engine.check_use(person, purpose="service", items={"email"})  # read again
        _drop_pooled_connections(store, postgres_admin)
        given = engine.grant_consent(person, purpose="newsletter")  # a write's first statement
        assert engine.consent(given.id) == given
        assert engine.verify_audit().ok
    finally:
        engine.close()


@pytest.mark.postgres
def test_r_sec_3_the_schema_is_read_and_upgraded_past_pooled_connections_the_server_dropped(
    postgres_url: str, postgres_admin: sa.Engine
) -> None:
    """Not only units of work: reading the schema's revision and upgrading it take a
    pooled connection too, and without a ping a dead one must be replaced there as well:
    the upgrade runs on the connection its first statement found live, not on the dead
    one it took from the pool."""
    from pipolicy.backends.sql.migrate import head_revision

    store = SqlStore(postgres_url, upgrade=False)
    try:
        pooled = [store.engine.connect() for _ in range(2)]
        pids = [c.exec_driver_sql("SELECT pg_backend_pid()").scalar() for c in pooled]
        for conn in pooled:
            conn.close()
        with postgres_admin.connect() as admin:
            admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pids[1]})
        time.sleep(0.2)
        # The pool hands them out in turn: the revision is read on the live one, the
        # upgrade's transaction begins on the dead one.
        store.upgrade()
        assert store.revision() == head_revision()
        _drop_pooled_connections(store, postgres_admin)
        assert store.revision() == head_revision()  # read on a new connection
    finally:
        store.close()


@pytest.mark.postgres
def test_r_sec_3_a_connection_dropped_after_a_units_first_statement_fails_it(
    postgres_url: str, postgres_admin: sa.Engine
) -> None:
    """Only the first statement is sent again: after it, the unit may have written, and a
    new connection would carry on without those writes."""
    store = SqlStore(postgres_url, upgrade=True)
    try:

        def add_two() -> None:
            with store.unit_of_work() as uow:
                uow.subjects.add(Subject("s-1", REF, T0))
                pid = uow._tx.run(
                    lambda c: c.exec_driver_sql("SELECT pg_backend_pid()").scalar(), "pid"
                )
                with postgres_admin.connect() as admin:
                    admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                time.sleep(0.2)
                uow.subjects.add(Subject("s-2", REF + "-2", T0))
                uow.commit()

        with pytest.raises(StorageError):
            add_two()
        with store.unit_of_work(read_only=True) as uow:
            assert uow.subjects.get("s-1") is None and uow.subjects.get("s-2") is None
    finally:
        store.close()


@pytest.mark.postgres
def test_r_sec_3_postgres_sessions_have_bounded_timeouts(postgres_url: str) -> None:
    def shown(store: SqlStore) -> tuple[str, str]:
        with store.engine.connect() as conn:
            lock = conn.exec_driver_sql("SHOW lock_timeout").scalar()
            statement = conn.exec_driver_sql("SHOW statement_timeout").scalar()
        return str(lock), str(statement)

    defaults = SqlStore(postgres_url, upgrade=True)
    try:
        assert shown(defaults) == ("30s", "1min")
    finally:
        defaults.close()
    by_url = SqlStore(_url_with(postgres_url, lock_timeout="0.5"), statement_timeout=2)
    try:
        assert shown(by_url) == ("500ms", "2s")
        assert (by_url.lock_timeout, by_url.statement_timeout) == (0.5, 2.0)
    finally:
        by_url.close()


def _url_with(postgres_url: str, **query: str) -> str:
    url = sa.make_url(postgres_url).update_query_dict(query)
    return url.render_as_string(hide_password=False)


@pytest.mark.postgres
def test_r_sec_3_a_held_writer_lock_is_a_storage_error_in_bounded_time(
    postgres_url: str, logs: pytest.LogCaptureFixture
) -> None:
    """Another session holds the person's row (a writer about them that hangs): a writer
    about the same person waits ``lock_timeout``, then fails closed."""
    store = SqlStore(_url_with(postgres_url, lock_timeout="0.5"), upgrade=True)
    _add_subject(store, "s-1")
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with store.engine.connect() as conn:
            conn.execute(sa.text("SELECT id FROM pipolicy_subjects WHERE id = 's-1' FOR UPDATE"))
            holding.set()
            release.wait(10)
            conn.rollback()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        with (
            pytest.raises(StorageError, match="lock_timeout") as raised,
            store.unit_of_work() as uow,
        ):
            uow.facts("s-1")
        assert time.monotonic() - started < 5
        _assert_clean(raised.value, store, caplog=logs)
    finally:
        release.set()
        holder.join()
        store.close()


@pytest.mark.postgres
def test_r_sec_3_a_runaway_statement_is_a_storage_error(postgres_url: str) -> None:
    store = SqlStore(_url_with(postgres_url, statement_timeout="0.3"), upgrade=True)
    try:

        def sleep() -> None:
            with store.unit_of_work() as uow:
                uow._tx.conn()
                uow._tx.run(lambda c: c.exec_driver_sql("SELECT pg_sleep(3)"), "sleeping")

        with pytest.raises(StorageError, match="statement_timeout"):
            sleep()
    finally:
        store.close()


@pytest.mark.postgres
def test_r_sec_3_the_values_postgres_quotes_are_withheld_from_the_cause(
    postgres_url: str, logs: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL's DETAIL says ``Key (ref)=(...) already exists``: not in any cause."""
    store = SqlStore(postgres_url, upgrade=True)
    try:
        with store.unit_of_work() as uow:
            uow.subjects.add(Subject("s-1", REF, T0))
            uow.commit()
        row = {"id": "s-2", "ref": REF, "registered_at": T0, "registered_at_offset": 0}

        def insert() -> None:
            with translating("adding a subject"), store.engine.begin() as conn:
                conn.execute(SUBJECTS.insert().values(row))

        with pytest.raises(ConcurrencyConflict) as raised:
            insert()
        cause = raised.value.__cause__
        assert isinstance(cause, sa_exc.IntegrityError)
        assert "DETAIL:" in str(cause) and "withheld" in str(cause)
        _assert_clean(raised.value, store, caplog=logs)
    finally:
        store.close()


@pytest.mark.postgres
def test_r_sec_3_a_live_postgres_store_shows_no_password(
    postgres_url: str, logs: pytest.LogCaptureFixture
) -> None:
    """The URL's password is a decoy (the real one is in ``?password=``, masked too)."""
    real = sa.make_url(postgres_url)
    decoy = real.set(password=PASSWORD).update_query_dict({"password": real.password or ""})
    store = SqlStore(decoy.render_as_string(hide_password=False), upgrade=True)
    try:
        assert "***" in repr(store)
        assert real.password is None or f"password={real.password}" not in repr(store)
        with store.unit_of_work() as uow:
            uow.subjects.add(Subject("s-1", REF, T0))
            uow.commit()
        with pytest.raises(ConcurrencyConflict) as raised, store.unit_of_work() as uow:
            uow.subjects.add(Subject("s-2", REF, T0))
        _assert_clean(raised.value, store, store.engine, caplog=logs)
    finally:
        store.close()


# -- configuration --------------------------------------------------------------------------


def test_r_sec_3_timeouts_come_from_the_url_or_the_constructor(sqlite_url: str) -> None:
    store = SqlStore(f"{sqlite_url}?lock_timeout=2.5")
    try:
        assert store.lock_timeout == 2.5
    finally:
        store.close()
    store = SqlStore(f"{sqlite_url}?lock_timeout=2.5", lock_timeout=4)
    try:
        assert store.lock_timeout == 4.0  # the argument wins
        assert store.statement_timeout == 60.0
    finally:
        store.close()
    for bad in ("0", "-1", "nan", "inf", "soon"):
        with pytest.raises(InvalidInput, match="lock_timeout"):
            SqlStore(f"{sqlite_url}?lock_timeout={bad}")
    with pytest.raises(InvalidInput, match="statement_timeout"):
        SqlStore(sqlite_url, statement_timeout=0)
