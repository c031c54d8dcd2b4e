"""Driver errors become pipolicy errors, and a broken store fails closed (issue 3, item 7)."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from pipolicy.backends.sql.errors import translate
from pipolicy.backends.sql.tables import SUBJECTS
from pipolicy.domain.subjects import Subject
from pipolicy.errors import ConcurrencyConflict, InvalidInput, StorageError
from pipolicy.testing import contract_policy

from .records import T0

PERSONAL = "alice@example.com"


def test_a_duplicate_key_is_a_concurrency_conflict_that_does_not_echo_the_value(
    sql_store: SqlStore,
) -> None:
    with sql_store.unit_of_work() as uow:
        uow.subjects.add(Subject("s-1", PERSONAL, T0))
        uow.commit()
    # Through the repository: the insert finds the key taken.
    with pytest.raises(ConcurrencyConflict) as raised, sql_store.unit_of_work() as uow:
        uow.subjects.add(Subject("s-2", PERSONAL, T0))
    assert PERSONAL not in str(raised.value)
    # Straight from the driver: the IntegrityError is translated the same way.
    with sql_store.engine.connect() as conn:
        with pytest.raises(sa_exc.IntegrityError) as driver:
            conn.execute(
                SUBJECTS.insert().values(
                    id="s-3", ref=PERSONAL, registered_at=T0, registered_at_offset=32400
                )
            )
        conn.rollback()
    translated = translate(driver.value, "adding a subject")
    assert isinstance(translated, ConcurrencyConflict)
    assert PERSONAL not in str(translated)


@pytest.mark.postgres
def test_postgres_would_have_echoed_the_value(postgres_url: str) -> None:
    """Why messages never quote the driver: PostgreSQL puts the value in its message."""
    store = SqlStore(postgres_url, upgrade=True)
    try:
        with store.unit_of_work() as uow:
            uow.subjects.add(Subject("s-1", PERSONAL, T0))
            uow.commit()
        with store.engine.connect() as conn, pytest.raises(sa_exc.IntegrityError) as driver:
            conn.execute(
                SUBJECTS.insert().values(
                    id="s-3", ref=PERSONAL, registered_at=T0, registered_at_offset=0
                )
            )
        assert PERSONAL in str(driver.value.orig)
        assert PERSONAL not in str(translate(driver.value, "adding a subject"))
    finally:
        store.close()


def test_a_naive_datetime_is_refused_as_invalid_input(sql_store: SqlStore) -> None:
    with pytest.raises(InvalidInput, match="naive"), sql_store.unit_of_work() as uow:
        uow.subjects.add(Subject("s-1", "user-1", datetime(2026, 4, 1, 9, 0)))
    with pytest.raises(InvalidInput, match="naive"), sql_store.unit_of_work() as uow:
        uow.requests.open_due_before(datetime(2026, 4, 1, 9, 0))


def test_a_storage_failure_during_a_check_fails_closed(sql_store: SqlStore) -> None:
    engine = pp.Engine(contract_policy(), store=sql_store, clock=pp.FixedClock(T0))
    s = engine.register_subject(ref="user-1")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    with sql_store.engine.begin() as conn:  # the database loses what a check reads
        conn.execute(sa.text("DROP TABLE pipolicy_subject_states"))
    with pytest.raises(StorageError) as raised:
        engine.check_use(s, purpose="newsletter", items={"email"})
    assert isinstance(raised.value.__cause__, sa_exc.DBAPIError)
    with pytest.raises(StorageError):
        engine.provide(s, recipient="partner", items={"email"})


def test_r_sec_3_a_log_that_cannot_be_read_fails_a_write_and_keeps_nothing(
    sql_store: SqlStore,
) -> None:
    """Placing an event reads the log's tail (through the driver on SQLite): if that
    read fails, the write is a StorageError and its record is not kept either."""
    engine = pp.Engine(contract_policy(), store=sql_store, clock=pp.FixedClock(T0))
    s = engine.register_subject(ref="user-1")
    cascade = " CASCADE" if sql_store.dialect == "postgresql" else ""
    with sql_store.engine.begin() as conn:  # the database loses the log
        conn.execute(sa.text(f"DROP TABLE pipolicy_audit{cascade}"))
    with pytest.raises(StorageError, match="reading the audit log") as raised:
        engine.grant_consent(s, purpose="newsletter")
    assert isinstance(raised.value.__cause__, sa_exc.DBAPIError)
    with sql_store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM pipolicy_consents")).scalar() == 0


def test_an_unreachable_server_is_a_storage_error() -> None:
    with pytest.raises(StorageError) as raised:
        SqlStore("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "secret" not in str(raised.value)
    assert isinstance(raised.value.__cause__, sa_exc.OperationalError)


def test_other_databases_and_bad_urls_are_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="sqlite and postgresql"):
        SqlStore("mysql://u:p@localhost/db")
    with pytest.raises(InvalidInput, match="not a database URL"):
        SqlStore("not a url")


def test_a_closed_store_refuses_units_of_work(sql_store: SqlStore) -> None:
    sql_store.close()
    with pytest.raises(StorageError, match="closed"), sql_store.unit_of_work():
        pass
