"""Random histories give identical decisions and records on the memory and SQL backends."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from tests.test_properties import decide, ops, play, policies, queries


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies(), ops, queries)
def test_memory_and_sqlite_agree_on_every_decision_and_record(
    policy: pp.Policy, history: Any, qs: Any
) -> None:
    memory, s1 = play(policy, history)
    store = SqlStore("sqlite:///:memory:")
    try:
        sql, s2 = play(policy, history, store)
        assert sql.consents(s2) == memory.consents(s1)
        assert sql.acquisitions(s2) == memory.acquisitions(s1)
        for q in qs:
            assert decide(sql, s2, q) == decide(memory, s1, q)
        assert [e.hash for e in sql.audit_events()] == [e.hash for e in memory.audit_events()]
    finally:
        store.close()
