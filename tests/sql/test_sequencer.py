"""The audit sequencer on PostgreSQL: a commit never waits for another sequencer.

At commit a writer tries the sequencer's lock and, in the same statement, takes the
queue's first page; if another sequencer is at work it takes nothing and its events
wait in the queue for the next commit (or ``settle``), in the order they were queued.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from pipolicy.domain.audit import AuditEntry
from pipolicy.testing import CONTRACT_START, contract_policy

pytestmark = pytest.mark.postgres


def _counts(store: SqlStore) -> tuple[int, int]:
    with store.engine.connect() as conn:
        queued = conn.exec_driver_sql("SELECT count(*) FROM pipolicy_audit_queue").scalar()
        placed = conn.exec_driver_sql("SELECT count(*) FROM pipolicy_audit").scalar()
    return int(queued or 0), int(placed or 0)


def test_r_sec_3_a_commit_while_another_sequencer_works_leaves_its_event_queued(
    postgres_admin: sa.Engine, postgres_url: str
) -> None:
    store = SqlStore(postgres_url, upgrade=True)
    engine = pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START))
    key = store._sequencer_key
    with postgres_admin.connect() as other:
        # Another process's sequencer holds the lock (a session lock: it stays held).
        other.execute(sa.select(sa.func.pg_advisory_lock(key)))
        try:
            first = engine.register_subject("1", category="customer")
            assert _counts(store) == (1, 0)  # committed, its event queued, not placed
        finally:
            other.execute(sa.select(sa.func.pg_advisory_unlock(key)))
    second = engine.register_subject("2", category="customer")
    assert _counts(store) == (0, 2)  # the next commit placed both, in queued order
    events = list(engine.audit_events())
    assert [e.subject_id for e in events] == [first.id, second.id]
    assert engine.verify_audit().ok
    engine.close()


def _placed_kinds(store: SqlStore) -> list[str]:
    with store.engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT kind FROM pipolicy_audit ORDER BY seq").scalars()
        return [str(k) for k in found]


def test_r_sec_3_a_writer_that_gets_the_sequencer_places_its_events_without_queueing_them(
    postgres_url: str,
) -> None:
    store = SqlStore(postgres_url, upgrade=True)
    engine = pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START))
    sent: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    engine.register_subject("1", category="customer")
    queue = [s for s in sent if "pipolicy_audit_queue" in s]
    assert len(queue) == 1 and "pg_try_advisory_xact_lock" in queue[0]  # tried, not queued
    assert _counts(store) == (0, 1)
    assert engine.verify_audit().ok
    engine.close()


def test_r_sec_3_entries_queued_past_a_page_are_placed_before_the_next_writers_own(
    postgres_admin: sa.Engine, postgres_url: str
) -> None:
    store = SqlStore(postgres_url, upgrade=True)
    key = store._sequencer_key
    waiting = [AuditEntry.of(CONTRACT_START, f"test.queued.{n:04d}", None, {}) for n in range(600)]
    with postgres_admin.connect() as other:
        other.execute(sa.select(sa.func.pg_advisory_lock(key)))
        try:
            with store.unit_of_work() as uow:
                uow.audit.append_many(waiting)
                uow.commit()
        finally:
            other.execute(sa.select(sa.func.pg_advisory_unlock(key)))
    assert _counts(store) == (600, 0)
    with store.unit_of_work() as uow:
        uow.audit.append(AuditEntry.of(CONTRACT_START, "test.own", None, {}))
        assert [e.kind for e in uow.audit.pending()] == [e.kind for e in waiting] + ["test.own"]
        uow.commit()
    assert _counts(store) == (0, 601)
    assert _placed_kinds(store) == [e.kind for e in waiting] + ["test.own"]  # a page and more
    engine = pp.Engine(contract_policy(), store=store)
    assert engine.verify_audit().ok
    engine.close()


def test_r_sec_3_a_unit_rolled_back_leaves_nothing_queued_or_placed(postgres_url: str) -> None:
    store = SqlStore(postgres_url, upgrade=True)
    with store.unit_of_work() as uow:
        uow.audit.append(AuditEntry.of(CONTRACT_START, "test.dropped", None, {}))
        uow.rollback()
        assert uow.audit.pending() == []
    with store.unit_of_work() as uow:
        uow.audit.append(AuditEntry.of(CONTRACT_START, "test.unfinished", None, {}))
    assert _counts(store) == (0, 0)
    store.close()


def test_r_sec_3_a_unit_left_without_commit_keeps_no_entry_for_its_next_use(
    postgres_url: str,
) -> None:
    """Leaving the ``with`` block without commit rolls back, the unit's own entries too:
    used again, the unit places only what it appended since (as SQLite and memory do)."""
    store = SqlStore(postgres_url, upgrade=True)
    uow = store.unit_of_work()
    with uow:
        uow.audit.append(AuditEntry.of(CONTRACT_START, "test.left", None, {}))
    with uow:
        uow.audit.append(AuditEntry.of(CONTRACT_START, "test.kept", None, {}))
        assert [e.kind for e in uow.audit.pending()] == ["test.kept"]
        uow.commit()
    assert _placed_kinds(store) == ["test.kept"]
    store.close()
