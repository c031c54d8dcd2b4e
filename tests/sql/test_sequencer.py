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
