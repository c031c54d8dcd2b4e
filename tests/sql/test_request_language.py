"""R-REQ-4: the language a request is answered in is kept by the SQL store, as the memory
store keeps it (SQLite, and PostgreSQL when ``PIPOLICY_TEST_POSTGRES_URL`` is set)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from pipolicy.requests import MemorySource

JST = timezone(timedelta(hours=9))


def test_r_req_4_the_language_of_a_request_is_stored_and_read_back(sql_store: SqlStore) -> None:
    engine = pp.Engine(
        pp.example_policy("indigo_blue"),
        store=sql_store,
        clock=pp.FixedClock(datetime(2026, 12, 2, 8, 30, tzinfo=JST)),
    )
    engine.register_source("crm", MemorySource())
    s = engine.register_subject("customer-1", category="customer")
    japanese = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s)
    english = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, language="en")
    assert [r.language for r in engine.requests.for_subject(s)] == ["ja", "en"]
    for r in (japanese, english):
        refused = engine.requests.refuse(
            r.id, ground=pp.RefusalGround.DOCUMENTS_INCOMPLETE, explanation="see our letter"
        )
        assert engine.requests.get(r.id).language == r.language
        assert engine.requests.answer(r.id).statement == refused.statement
    assert "2026年12月2日に受け付けました" in (engine.requests.get(japanese.id).statement or "")
    assert "received on 2026-12-02" in (engine.requests.get(english.id).statement or "")
    assert engine.verify_audit().ok  # the digests bind the language too
