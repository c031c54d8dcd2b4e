"""Each audit event's payload is encoded once (R-SEC-3, Art. 23; the performance issue's
"encode each event once"): the row holds the canonical JSON ``AuditEntry.of`` wrote for
the event's hash, not a second encoding by the database driver's JSON serializer.

Before this, every row's payload was encoded again by SQLAlchemy's default
``json.dumps``, with spaces after ``:`` and ``,`` and keys in the payload's order.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

import pipolicy as pp
from pipolicy.backends.sql import SqlStore
from pipolicy.backends.sql.rows import EncodedPayload, json_text
from pipolicy.domain.audit import AuditEntry
from pipolicy.testing import CONTRACT_START, contract_policy


def _canonical(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


def _payload_texts(store: SqlStore, table: str) -> list[str]:
    cast = "::text" if store.dialect == "postgresql" else ""
    with store.engine.connect() as conn:
        found = conn.exec_driver_sql(f"SELECT payload{cast} FROM {table}").scalars()
        return [str(t) for t in found]


def test_r_sec_3_every_event_row_holds_the_payload_as_encoded_for_its_hash(
    sql_store: SqlStore,
) -> None:
    engine = pp.Engine(contract_policy(), store=sql_store, clock=pp.FixedClock(CONTRACT_START))
    s = engine.register_subject("enc-1", category="customer")
    engine.grant_consent(s, purpose="newsletter")  # one event, appended alone
    report = engine.import_consents(  # a batch of events, appended together
        [pp.ConsentImport(f"enc-{n}", purpose="newsletter") for n in range(2, 6)]
    )
    assert report.recorded == 4
    texts = _payload_texts(sql_store, "pipolicy_audit")
    assert len(texts) >= 6
    assert texts == [_canonical(t) for t in texts]
    assert engine.verify_audit().ok


@pytest.mark.postgres
def test_r_sec_3_a_queued_entry_holds_its_payload_as_encoded_for_its_hash(
    postgres_admin: sa.Engine, postgres_url: str
) -> None:
    store = SqlStore(postgres_url, upgrade=True)
    entry = AuditEntry.of(CONTRACT_START, "test.queued", None, {"b": [1, 2], "a": "x"})
    with postgres_admin.connect() as other:
        # Another process's sequencer is at work: the commit queues the entry.
        other.execute(sa.select(sa.func.pg_advisory_lock(store._sequencer_key)))
        try:
            with store.unit_of_work() as uow:
                uow.audit.append(entry)
                uow.commit()
            assert _payload_texts(store, "pipolicy_audit_queue") == [entry.payload_json()]
        finally:
            other.execute(sa.select(sa.func.pg_advisory_unlock(store._sequencer_key)))
    # The next commit places it, read back from the queue: its row holds the text its
    # hash was taken of, not a second encoding.
    with store.unit_of_work() as uow:
        uow.audit.append(AuditEntry.of(CONTRACT_START, "test.next", None, {"d": 1, "c": 2}))
        uow.commit()
    assert _payload_texts(store, "pipolicy_audit_queue") == []
    texts = _payload_texts(store, "pipolicy_audit")
    assert texts == ['{"a":"x","b":[1,2]}', '{"c":2,"d":1}']
    store.close()


def test_the_serializer_writes_an_encoded_payload_as_is_and_anything_else_as_json_dumps() -> None:
    encoded = EncodedPayload({"a": 1}, '{"a":1}')
    assert encoded == {"a": 1}  # a plain dict to any other serializer
    assert json.dumps(encoded) == '{"a": 1}'
    assert json_text(encoded) == '{"a":1}'
    assert json_text(["x", {"y": None}]) == json.dumps(["x", {"y": None}])
