"""Checks on a SQLite file read through a cache kept fresh by ``PRAGMA data_version``
(backends/sql/facts_cache.py): a commit by anyone, this process or another, is seen by
the next check, and a check of someone already read sends no query."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import event

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from pipolicy.backends.sql.tables import SUBJECT_STATES
from pipolicy.testing import contract_policy
from tests.sql.test_facts_query import _Statements

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)


def _engine(url: str) -> pp.Engine:
    return pp.Engine(contract_policy(), store=SqlStore(url), clock=pp.FixedClock(NOW))


def _newsletter(engine: pp.Engine, subject: pp.Subject | pp.Ref) -> bool:
    return engine.check_use(subject, purpose="newsletter", items={"email"}).allowed


def _signed_up(engine: pp.Engine, ref: str) -> pp.Subject:
    s = engine.register_subject(ref, category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")
    return s


def test_r_con_2_a_withdrawal_in_another_process_is_seen_by_the_next_check(
    sqlite_url: str,
) -> None:
    engine = _engine(sqlite_url)
    s = _signed_up(engine, "user-1")
    other_person = _signed_up(engine, "user-2")
    assert _newsletter(engine, s) and _newsletter(engine, pp.Ref("user-1"))  # now cached
    assert _batch(engine, s, other_person) == [True, True]  # cached too
    withdraw = textwrap.dedent(
        f"""
        import sys
        from datetime import datetime, timezone
        import pipolicy as pp
        from pipolicy.testing import contract_policy
        clock = pp.FixedClock(datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc))
        with pp.Engine(contract_policy(), store={sqlite_url!r}, clock=clock) as other:
            other.withdraw_consent(pp.Ref("user-1"), purpose="newsletter")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", withdraw], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert _batch(engine, s, other_person) == [False, True]
    assert not _newsletter(engine, s)
    assert not _newsletter(engine, pp.Ref("user-1"))
    engine.close()


def _batch(engine: pp.Engine, *people: pp.Subject) -> list[bool]:
    checks = [pp.UseCheck(p, purpose="newsletter", items={"email"}) for p in people]
    return [d.allowed for d in engine.check_use_many(checks)]


def test_a_batch_of_people_already_read_is_checked_without_a_query(sqlite_url: str) -> None:
    engine = _engine(sqlite_url)
    people = [_signed_up(engine, f"user-{n}") for n in range(3)]
    store = engine.store
    assert isinstance(store, SqlStore)
    with _Statements(store.engine, store._facts_cache()) as first:
        assert _batch(engine, *people[:2]) == [True, True]
    with _Statements(store.engine, store._facts_cache()) as again:
        assert _batch(engine, *people) == [True, True, True]  # only user-2 is read
        assert _batch(engine, *people) == [True, True, True]
    assert len(first.sent) == 1 and len(again.sent) == 1
    assert people[2].id in again.sent[0] and people[0].id not in again.sent[0]
    engine.close()


def test_r_con_2_a_commit_by_another_engine_in_this_process_is_seen(sqlite_url: str) -> None:
    reader, writer = _engine(sqlite_url), _engine(sqlite_url)
    s = _signed_up(writer, "user-1")
    assert _newsletter(reader, s)
    writer.withdraw_consent(s, purpose="newsletter")
    assert not _newsletter(reader, s)
    writer.grant_consent(s, purpose="newsletter")
    assert _newsletter(reader, s)
    reader.close()
    writer.close()


def test_a_person_already_read_is_checked_without_a_query(sqlite_url: str) -> None:
    engine = _engine(sqlite_url)
    s = _signed_up(engine, "user-1")
    store = engine.store
    assert isinstance(store, SqlStore)
    with _Statements(store.engine, store._facts_cache()) as first:
        assert _newsletter(engine, s)
    with _Statements(store.engine, store._facts_cache()) as again:
        assert _newsletter(engine, s)
        assert _newsletter(engine, pp.Ref("user-1"))  # by ref: read once more, then kept
        assert _newsletter(engine, pp.Ref("user-1"))
    assert len(first.sent) == 1
    assert len(again.sent) == 1
    engine.close()


def test_a_check_read_for_the_cache_takes_no_connection_from_the_pool(sqlite_url: str) -> None:
    """A person not kept yet is read on the cache's own connection (by id and by ref);
    a person without a state row yet is read from the history, on a pooled one."""
    engine = _engine(sqlite_url)
    s = _signed_up(engine, "user-1")
    _signed_up(engine, "user-2")
    store = engine.store
    assert isinstance(store, SqlStore)
    checkouts: list[object] = []
    event.listen(store.engine, "checkout", lambda *args: checkouts.append(args))
    assert _newsletter(engine, s)
    assert _newsletter(engine, pp.Ref("user-2"))
    assert checkouts == []
    with store.engine.begin() as conn:  # as a database written before states were kept
        conn.execute(sa.delete(SUBJECT_STATES))
    checkouts.clear()
    assert _newsletter(engine, s)
    assert len(checkouts) == 1
    engine.close()


def test_a_failure_of_the_cache_connection_fails_the_check_closed(sqlite_url: str) -> None:
    """What goes wrong on the cache's own connection is a StorageError, as on any
    other, never a driver's exception nor an answer."""
    engine = _engine(sqlite_url)
    s = _signed_up(engine, "user-1")
    store = engine.store
    assert isinstance(store, SqlStore)
    cache = store._facts_cache()
    assert cache is not None
    cache.close()  # as if closed under a check running in another thread
    for check in (lambda: _newsletter(engine, s), lambda: _batch(engine, s)):
        with pytest.raises(pp.StorageError) as raised:
            check()
        assert isinstance(raised.value.__cause__, sa.exc.DBAPIError)
    engine.close()


def test_checks_inside_the_applications_transaction_read_the_database(sqlite_url: str) -> None:
    engine = _engine(sqlite_url)
    s = _signed_up(engine, "user-1")
    assert _newsletter(engine, s)  # cached: allowed
    app = sa.create_engine(sqlite_url)
    with app.connect() as conn, conn.begin() as tx:
        with engine.using(conn):
            engine.withdraw_consent(s, purpose="newsletter")
            assert not _newsletter(engine, s)  # its own, uncommitted, withdrawal
        tx.rollback()
    assert _newsletter(engine, s)  # rolled back: the consent stands
    app.dispose()
    engine.close()


def test_memory_databases_and_closed_stores_have_no_cache(sqlite_url: str) -> None:
    memory = SqlStore("sqlite:///:memory:")
    assert memory._facts_cache() is None
    memory.close()
    store = SqlStore(sqlite_url)
    assert store._facts_cache() is not None
    store.close()
    assert store._facts_cache() is None


def test_cache_checks_false_reads_the_database_for_every_check(sqlite_url: str) -> None:
    engine = pp.Engine(
        contract_policy(), store=SqlStore(sqlite_url, cache_checks=False), clock=pp.FixedClock(NOW)
    )
    s = _signed_up(engine, "user-1")
    store = engine.store
    assert isinstance(store, SqlStore)
    with _Statements(store.engine) as sent:
        assert _newsletter(engine, s) and _newsletter(engine, s)
    assert len(sent.sent) == 2
    engine.close()


def test_r_req_7_a_resume_and_a_refusal_by_another_engine_are_seen_through_the_cache(
    sqlite_url: str,
) -> None:
    """The cache serves checks on a SQLite file: a lift of a suspension, and a refusal
    that withdraws a consent, written by another engine, reach the next check."""
    from datetime import date

    passport = pp.Document(
        pp.DocumentKind.PASSPORT, issued=date(2022, 4, 1), expires=date(2032, 4, 1)
    )
    a, b = _engine(sqlite_url), _engine(sqlite_url)
    s = _signed_up(a, "user-1")
    stop = a.requests.submit(pp.RequestKind.SUSPENSION_OF_USE, subject=s, documents=[passport])
    a.requests.verify(stop.id)
    a.requests.fulfil(stop.id)
    assert not _newsletter(a, s) and not _newsletter(a, pp.Ref("user-1"))  # now cached
    b.requests.resume(stop.id, reason="asked to be sent the newsletter again")
    assert _newsletter(a, s) and _newsletter(a, pp.Ref("user-1"))
    assert _batch(a, s) == [True]
    b.refuse_consent(pp.Ref("user-1"), purpose="newsletter")
    assert not _newsletter(a, s) and _batch(a, s) == [False]
