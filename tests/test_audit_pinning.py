"""Pin the audit hash chain (R-SEC-3: append-only, hash-chained, verifiable audit log).

These tests kill mutants of :mod:`pipolicy.domain.audit` that the rest of the suite let
live: each one names the branch of :func:`verify_chain` (or the part of the hashed form)
that it pins, and asserts the exact position and problem a report gives, not only ``ok``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipolicy as pp
from pipolicy.backends.memory import MemoryStore
from pipolicy.domain.audit import (
    GENESIS,
    AuditEntry,
    AuditEvent,
    AuditReport,
    chain_hash,
    next_event,
    sequence,
    verify_chain,
)
from pipolicy.testing.contract import audit_chain
from tests.factories import CONTROLLER
from tests.memory_log import MemoryLog

JST = timezone(timedelta(hours=9))
START = datetime(2026, 4, 1, 9, 0, tzinfo=JST)

# One event built deterministically: first in its log (follows GENESIS), fixed time,
# subject id, kind and payload. The payload is given with its keys out of order on purpose.
KNOWN_AT = datetime(2026, 4, 1, 9, 30, tzinfo=JST)
KNOWN_KIND = "use.allowed"
KNOWN_SUBJECT = "s-0001"
KNOWN_PAYLOAD: Mapping[str, object] = {
    "purpose": "service",
    "items": ["name", "email"],
    "allowed": True,
    "basis": None,
    "detail": {"n": 1, "citation": "APPI Art. 18(1)"},
    "label": "利用目的",
}
# The hashes stored logs already carry. If one of these literals has to change, every
# audit log written before the change stops verifying (Engine.verify_audit reports it
# as tampered): the hashed form is a storage format, and changing it needs a migration
# that re-chains or versions existing logs, not an edit of these literals.
KNOWN_HASH = "9856a85a00cbd57c9337369aba49d489fba7fe0068a67be05ac2cff010dacad2"
KNOWN_SECOND_HASH = "6bff80456d1240aa596b3678df50863f635618a0021ee093a8de4d0cde8ee0ed"


def _rehashed(event: AuditEvent, **changes: Any) -> AuditEvent:
    """``event`` with ``changes`` and a hash recomputed over them, as a careful forger would."""
    forged = attrs.evolve(event, **changes)
    return attrs.evolve(
        forged,
        hash=chain_hash(
            forged.seq, forged.at, forged.kind, forged.subject_id, forged.payload, forged.prev_hash
        ),
    )


def _reordered(value: object) -> object:
    """``value`` with the keys of every mapping in it reversed (JSONB returns its own order)."""
    if isinstance(value, Mapping):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


def _reordered_payload(payload: Mapping[str, object]) -> dict[str, object]:
    return {k: _reordered(payload[k]) for k in reversed(list(payload))}


def _minimal_policy() -> pp.Policy:
    """Just enough policy for an engine; the audit log does not depend on its content."""
    return pp.Policy(
        controller=CONTROLLER,
        version="v1",
        revised=date(2026, 3, 15),
        items={"email": pp.DataItem("email")},
        purposes={"service": pp.Purpose("service", items={"email"})},
    )


def _memory_log(engine: pp.Engine) -> MemoryLog:
    return MemoryLog(engine)


# -- deletion hidden by re-hashing -----------------------------------------------------


def test_r_sec_3_deleted_event_with_rehashed_successor_fails_at_the_successor_seq() -> None:
    """Event 2 removed, event 3 re-hashed to follow event 1 but keeping seq 3.

    Its prev_hash and hash are consistent, so only the position check catches it.
    """
    e1, _, e3, e4 = audit_chain(4)
    forged = _rehashed(e3, prev_hash=e1.hash)
    assert forged.hash != e3.hash
    report = verify_chain([e1, forged, e4])
    assert report == AuditReport(False, 2, 3, "expected event 2, found 3")
    assert not report


def test_r_sec_3_engine_reports_deleted_event_with_rehashed_successor() -> None:
    """The same forgery in a store, found through :meth:`Engine.verify_audit`."""
    engine = pp.Engine(_minimal_policy(), MemoryStore())
    log = _memory_log(engine)
    e1, _, e3, e4 = audit_chain(4)
    log[:] = [e1, _rehashed(e3, prev_hash=e1.hash), e4]
    report = engine.verify_audit()
    assert not report.ok
    assert report.events == 2
    assert report.first_bad_seq == 3
    assert report.problem == "expected event 2, found 3"


def test_r_sec_3_deleted_event_with_renumbered_rehashed_successor_breaks_the_next() -> None:
    """Renumbering the successor too only moves the break to the event after it."""
    e1, _, e3, e4 = audit_chain(4)
    forged = _rehashed(e3, seq=2, prev_hash=e1.hash)
    assert verify_chain([e1, forged]).ok  # a truncated, re-written log needs an anchor
    report = verify_chain([e1, forged, e4])
    assert report == AuditReport(False, 3, 4, "expected event 3, found 4")


# -- payload key order ------------------------------------------------------------------


def test_r_sec_3_payload_keys_returned_in_another_order_still_verify() -> None:
    events = audit_chain(3)
    returned = [attrs.evolve(e, payload=_reordered_payload(e.payload)) for e in events]
    for before, after in zip(events, returned, strict=True):
        assert list(after.payload) == list(reversed(list(before.payload)))
        assert after.payload == before.payload
    detail = returned[0].payload["detail"]
    assert isinstance(detail, Mapping)
    assert list(detail) == ["purpose", "citations"]  # stored sorted, returned reversed
    report = verify_chain(returned)
    assert report == AuditReport(True, 3)
    assert report.first_bad_seq is None and report.problem is None


def test_r_sec_3_next_event_hash_does_not_depend_on_payload_key_order() -> None:
    forward = next_event(None, START, "k", "s-1", {"a": 1, "b": {"x": 1, "y": 2}})
    backward = next_event(None, START, "k", "s-1", {"b": {"y": 2, "x": 1}, "a": 1})
    assert forward.hash == backward.hash
    assert list(backward.payload) == ["a", "b"]


# -- the hashed form is a storage format -----------------------------------------------


def test_r_sec_3_known_event_hashes_to_known_value() -> None:
    event = next_event(None, KNOWN_AT, KNOWN_KIND, KNOWN_SUBJECT, KNOWN_PAYLOAD)
    assert event.seq == 1
    assert event.prev_hash == GENESIS == "0" * 64
    assert event.hash == KNOWN_HASH
    second = next_event(event, KNOWN_AT + timedelta(seconds=1), "audit.note", None, {})
    assert (second.seq, second.prev_hash) == (2, KNOWN_HASH)
    assert second.hash == KNOWN_SECOND_HASH
    assert verify_chain([event, second]) == AuditReport(True, 2)


def test_r_sec_3_known_hash_is_sha256_of_the_documented_canonical_form() -> None:
    """Recompute the pinned hashes without the implementation.

    The hashed body is the JSON array ``[seq, at, kind, subject_id, payload, prev_hash]``
    with ``at`` as the UTC ISO-8601 instant, object keys sorted at every depth, no
    whitespace (separators ``,`` and ``:``), non-ASCII characters as ``\\uXXXX`` escapes;
    the hash is the SHA-256 of its bytes in lowercase hex.
    """
    body = (
        "["
        "1,"
        '"2026-04-01T00:30:00+00:00",'
        '"use.allowed",'
        '"s-0001",'
        '{"allowed":true,"basis":null,'
        '"detail":{"citation":"APPI Art. 18(1)","n":1},'
        '"items":["name","email"],"label":"\\u5229\\u7528\\u76ee\\u7684",'
        '"purpose":"service"},'
        f'"{GENESIS}"'
        "]"
    )
    assert hashlib.sha256(body.encode("utf-8")).hexdigest() == KNOWN_HASH
    second = f'[2,"2026-04-01T00:30:01+00:00","audit.note",null,{{}},"{KNOWN_HASH}"]'
    assert hashlib.sha256(second.encode("utf-8")).hexdigest() == KNOWN_SECOND_HASH


def test_r_sec_3_hash_covers_the_instant_not_its_offset() -> None:
    """A backend may give back the time in UTC (PostgreSQL does); it must still verify."""
    events = audit_chain(3)
    in_utc = [attrs.evolve(e, at=e.at.astimezone(timezone.utc)) for e in events]
    assert [e.at.utcoffset() for e in in_utc] == [timedelta(0)] * 3
    assert verify_chain(in_utc) == AuditReport(True, 3)
    moved = attrs.evolve(events[1], at=events[1].at + timedelta(seconds=1))
    report = verify_chain([events[0], moved, events[2]])
    assert report == AuditReport(False, 2, 2, "event content was changed")


@pytest.fixture
def machine_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone set to UTC+9 (a POSIX TZ string needs no tzdata)."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "JST-9")
    time.tzset()
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.usefixtures("machine_in_tokyo")
def test_r_sec_3_hash_does_not_depend_on_the_machine_time_zone() -> None:
    """The instant is hashed in UTC, not in whatever zone the verifying machine uses."""
    assert datetime(2026, 1, 1, tzinfo=timezone.utc).astimezone().utcoffset() == timedelta(hours=9)
    event = next_event(None, KNOWN_AT, KNOWN_KIND, KNOWN_SUBJECT, KNOWN_PAYLOAD)
    assert event.hash == KNOWN_HASH


def test_r_sec_3_non_json_payload_value_verifies_by_its_stored_form() -> None:
    """An event holding a value JSON cannot encode is hashed by its ``str``.

    That is the form :func:`next_event` stores, so verifying such an event neither
    raises nor reports a change.
    """
    stored = next_event(None, START, "k", "s-1", {"on": date(2026, 4, 1)})
    assert stored.payload == {"on": "2026-04-01"}
    as_built = attrs.evolve(stored, payload={"on": date(2026, 4, 1)})
    assert verify_chain([as_built]) == AuditReport(True, 1)


def test_r_sec_3_next_event_stores_the_payload_as_storage_returns_it() -> None:
    """Tuples become lists and other values their ``str``, so the stored event verifies."""
    original: dict[str, object] = {"items": ("email", "name"), "on": date(2026, 4, 1)}
    event = next_event(None, START, "k", None, original)
    original["items"] = ("changed",)
    assert event.payload == {"items": ["email", "name"], "on": "2026-04-01"}
    assert verify_chain([event]).ok


# -- each branch of verify_chain --------------------------------------------------------


def test_r_sec_3_empty_log_verifies_with_no_events() -> None:
    report = verify_chain([])
    assert report == AuditReport(True, 0, None, None)
    assert report


def test_r_sec_3_untouched_chain_reports_every_event() -> None:
    events = audit_chain(5)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert [e.prev_hash for e in events] == [GENESIS, *(e.hash for e in events[:-1])]
    report = verify_chain(iter(events))
    assert report == AuditReport(True, 5)
    assert bool(report) is True


def test_r_sec_3_report_is_falsy_exactly_when_not_ok() -> None:
    assert bool(AuditReport(True, 0)) is True
    assert bool(AuditReport(False, 1, 1, "x")) is False


@pytest.mark.parametrize("first_seq", [0, 2])
def test_r_sec_3_log_must_start_at_seq_1(first_seq: int) -> None:
    """A first event at the wrong position is caught even when its hash is consistent."""
    first = _rehashed(audit_chain(1)[0], seq=first_seq)
    report = verify_chain([first])
    assert report == AuditReport(False, 1, first_seq, f"expected event 1, found {first_seq}")


def test_r_sec_3_first_event_must_follow_genesis() -> None:
    first = _rehashed(audit_chain(1)[0], prev_hash="f" * 64)
    report = verify_chain([first])
    assert report == AuditReport(False, 1, 1, "event does not follow its predecessor")


def test_r_sec_3_modified_previous_hash_is_reported_as_not_following() -> None:
    """A consistent event whose prev_hash names another predecessor is a broken link.

    Without the link check the content check would still fail, but with another problem.
    """
    events = audit_chain(4)
    events[2] = _rehashed(events[2], prev_hash=events[0].hash)
    report = verify_chain(events)
    assert report == AuditReport(False, 3, 3, "event does not follow its predecessor")


def test_r_sec_3_reordered_pair_is_reported_at_the_first_misplaced_seq() -> None:
    e1, e2, e3, e4 = audit_chain(4)
    report = verify_chain([e1, e3, e2, e4])
    assert report == AuditReport(False, 2, 3, "expected event 2, found 3")


def test_r_sec_3_duplicated_event_is_reported() -> None:
    e1, e2, e3 = audit_chain(3)
    report = verify_chain([e1, e2, e2, e3])
    assert report == AuditReport(False, 3, 2, "expected event 3, found 2")


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "test.other"},
        {"subject_id": "s-2"},
        {"subject_id": None},
        {"payload": {"n": 99}},
        {"at": START + timedelta(days=1)},
        {"hash": "0" * 64},
    ],
    ids=["kind", "subject_id", "subject_id_none", "payload", "at", "hash"],
)
def test_r_sec_3_changed_field_without_rehash_is_content_changed(
    change: dict[str, Any],
) -> None:
    events = audit_chain(3)
    events[1] = attrs.evolve(events[1], **change)
    report = verify_chain(events)
    assert report == AuditReport(False, 2, 2, "event content was changed")


def test_r_sec_3_changed_last_event_is_detected() -> None:
    events = audit_chain(3)
    events[-1] = attrs.evolve(events[-1], payload={**events[-1].payload, "allowed": False})
    assert verify_chain(events) == AuditReport(False, 3, 3, "event content was changed")


def test_r_sec_3_event_relinked_past_its_predecessor_fails_the_link_check() -> None:
    """Event 3 re-hashed to follow event 1 while event 2 is still there: right seq, wrong link."""
    e1, e2, e3 = audit_chain(3)
    forged = _rehashed(e3, prev_hash=e1.hash)
    report = verify_chain([e1, e2, forged])
    assert report == AuditReport(False, 3, 3, "event does not follow its predecessor")


# Payload text as stores keep it: AuditEntry.of refuses NUL and lone surrogates
# (tests/test_audit_payloads.py); kind and subject id below stay any text.
_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 2**40),
    st.text(min_size=1),
    st.none() | st.text(),
    st.dictionaries(_TEXT, _JSON, max_size=5),
)
def test_r_sec_3_a_payload_encoded_once_hashes_as_the_whole_array_would(
    seq: int, kind: str, subject_id: str | None, payload: dict[str, Any]
) -> None:
    """The sequencer splices the payload's canonical JSON, encoded once when the entry
    is made, into the hashed array: the bytes must be those of encoding the array."""
    at = datetime(2026, 4, 1, 9, 0, 0, 123, tzinfo=timezone(timedelta(hours=9)))
    entry = AuditEntry.of(at, kind, subject_id, payload)
    (event,) = sequence(None, [entry])
    whole = json.dumps(
        [1, at.astimezone(timezone.utc).isoformat(), kind, subject_id, entry.payload, GENESIS],
        sort_keys=True,
        separators=(",", ":"),
    )
    assert event.hash == hashlib.sha256(whole.encode()).hexdigest()
    assert event.hash == chain_hash(1, at, kind, subject_id, entry.payload, GENESIS)
    later = chain_hash(seq, at, kind, subject_id, entry.payload, event.hash)
    whole_later = json.dumps(
        [seq, at.astimezone(timezone.utc).isoformat(), kind, subject_id, entry.payload, event.hash],
        sort_keys=True,
        separators=(",", ":"),
    )
    assert later == hashlib.sha256(whole_later.encode()).hexdigest()
