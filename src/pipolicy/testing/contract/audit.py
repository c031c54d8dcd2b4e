"""The contract of ``uow.audit``: the append-only, hash-chained audit log."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import attrs
import pytest

from pipolicy.domain.audit import AuditEntry, next_event, verify_chain
from pipolicy.errors import InvalidInput
from pipolicy.storage.repositories import Store, UnitOfWork
from pipolicy.testing.contract.data import (
    CONTRACT_START,
    NPT,
    _hypothesis_settings,
    _instants,
    _json_objects,
    _subject,
    audit_chain,
)
from pipolicy.testing.contract.fixtures import (
    StoreFixtures,
    _in_unit,
    _logged,
    _placed,
    _read,
    _store_all,
    assert_equivalent,
)


def _scribble(value: object) -> None:
    """Change ``value`` and everything in it, where it can be changed."""
    try:
        if isinstance(value, dict):
            for inner in list(value.values()):
                _scribble(inner)
            value["scribbled"] = True
        elif isinstance(value, list):
            for inner in value:
                _scribble(inner)
            value.append("scribbled")
    except TypeError:  # a read-only container
        pass


def _deep(levels: int) -> object:
    nested: object = "bottom"
    for _ in range(levels):
        nested = [nested]
    return nested


class AuditLogContract(StoreFixtures):
    """``uow.audit``: the append-only, hash-chained log (Art. 23, R-SEC-3).

    Writers append entries without reading the tail; the store places them (at once, or
    queued until a commit or ``settle()``), so what these tests compare is the log after
    ``settle()``, and within a unit, placed events followed by queued entries.
    """

    def test_r_sec_3_empty_log(self, store: Store) -> None:
        assert _read(store, _logged) == []
        assert _placed(store) == []

    def test_r_sec_3_entries_are_placed_in_append_order(self, store: Store) -> None:
        first = audit_chain(3, start=datetime(2026, 4, 1, 0, 0, 0, 1, tzinfo=timezone.utc))
        second = audit_chain(2, after=first[-1], subject_id=None, start=first[-1].at)
        _store_all(store, _subject(), *first)
        _store_all(store, *second)
        assert [e.seq for e in first + second] == [1, 2, 3, 4, 5]
        # audit_chain hashes as the sequencer must: the same positions and hashes.
        assert_equivalent(_placed(store), first + second)

    def test_r_sec_3_events_about_one_subject_in_sequence_order(self, store: Store) -> None:
        first = audit_chain(2, subject_id="s-1")
        other = audit_chain(2, after=first[-1], subject_id="s-2", start=first[-1].at)
        unattached = audit_chain(1, after=other[-1], subject_id=None, start=other[-1].at)
        last = audit_chain(1, after=unattached[-1], subject_id="s-1", start=unattached[-1].at)
        _store_all(store, _subject("s-1"), _subject("s-2"), *first, *other)
        _store_all(store, *unattached, *last)
        _placed(store)
        assert_equivalent(_read(store, lambda uow: uow.audit.for_subject("s-1")), first + last)
        assert_equivalent(_read(store, lambda uow: uow.audit.for_subject("s-2")), other)
        assert _read(store, lambda uow: uow.audit.for_subject("nobody")) == []

    def test_r_sec_3_stored_chain_verifies(self, store: Store) -> None:
        events = audit_chain(4, start=datetime(2026, 4, 1, 0, 0, tzinfo=timezone.utc))
        _store_all(store, _subject(), *events)
        report = verify_chain(_placed(store))
        assert report.ok, report.problem
        assert report.events == 4

    def test_r_sec_3_chain_recorded_in_local_time_verifies(self, store: Store) -> None:
        """An engine whose clock runs in Tokyo time writes such events; they must verify.

        The chain hashes each event's time as an instant, so a backend may give the
        timestamps back in any offset (see :mod:`pipolicy.domain.audit`).
        """
        tokyo = audit_chain(2, start=CONTRACT_START)
        kathmandu = audit_chain(2, after=tokyo[-1], start=CONTRACT_START.astimezone(NPT))
        _store_all(store, _subject(), *tokyo, *kathmandu)
        stored = _placed(store)
        assert_equivalent(stored, tokyo + kathmandu)
        report = verify_chain(stored)
        assert report.ok, report.problem

    def test_r_sec_3_a_unit_sees_its_own_appends(self, store: Store) -> None:
        entries = [e.entry for e in audit_chain(3)]
        _store_all(store, _subject())

        with store.unit_of_work() as uow:
            for n, entry in enumerate(entries, start=1):
                uow.audit.append(entry)
                assert_equivalent(_logged(uow), entries[:n])
            uow.commit()
        assert_equivalent([e.entry for e in _placed(store)], entries)

    def test_r_sec_3_an_event_read_is_a_copy_a_reader_cannot_change_the_log(
        self, store: Store
    ) -> None:
        """An event's payload is a dict with lists and dicts inside: a store that hands out
        what it keeps, even one level down, lets any reader rewrite the log (its chain
        then no longer verifies). A read-only payload is fine too."""
        _store_all(store, _subject(), *audit_chain(2))
        first = _placed(store)
        as_read = [json.dumps(e.payload, sort_keys=True) for e in first]
        for event in first:
            _scribble(event.payload)
        again = _placed(store)
        assert [json.dumps(e.payload, sort_keys=True) for e in again] == as_read
        assert verify_chain(again).ok

    def test_r_sec_3_appends_of_a_rolled_back_unit_are_never_placed(self, store: Store) -> None:
        kept, dropped = (e.entry for e in audit_chain(2))
        _store_all(store, _subject())
        with store.unit_of_work() as uow:
            uow.audit.append(dropped)
        _in_unit(store, lambda uow: uow.audit.append(kept))
        placed = _placed(store)
        assert_equivalent([e.entry for e in placed], [kept])
        assert verify_chain(placed).ok

    def test_r_sec_3_appends_never_conflict_and_keep_commit_order(self, store: Store) -> None:
        """Appending never reads the tail, so two writers never race for a position:
        both entries are placed, in commit order, and the chain verifies."""
        a, b = (e.entry for e in audit_chain(2))
        with store.unit_of_work() as first:
            first.audit.append(a)
            first.commit()
        with store.unit_of_work() as second:
            second.audit.append(b)
            second.commit()
        placed = _placed(store)
        assert [e.entry for e in placed] == [a, b]
        assert verify_chain(placed).ok

    @pytest.mark.parametrize(
        "value",
        [float("nan"), float("inf"), "a\x00b", "\ud800", 2**70, _deep(70)],
        ids=["nan", "infinity", "nul", "lone-surrogate", "beyond-64-bits", "too-deep"],
    )
    def test_r_sec_3_every_store_refuses_a_payload_json_would_change(
        self, store: Store, value: object
    ) -> None:
        """What a backend's JSON would silently change or drop is refused by every store
        alike, and nothing of the unit is placed (the memory store once kept it)."""
        _store_all(store, _subject())
        bad = AuditEntry(CONTRACT_START, "test.bad", None, {"value": value})

        def append_both(uow: UnitOfWork) -> None:
            uow.audit.append(audit_chain(1)[0].entry)
            uow.audit.append(bad)

        with pytest.raises(InvalidInput, match="audit payload"):
            _in_unit(store, append_both)
        assert _placed(store) == []

    def test_r_sec_3_an_entry_changed_after_it_was_made_is_checked_again(
        self, store: Store
    ) -> None:
        """An entry evolved from a made one keeps no stale canonical form: a bad payload
        is refused, a good one is hashed as its own payload, and the chain verifies."""
        _store_all(store, _subject())
        made = AuditEntry.of(CONTRACT_START, "test.kind", None, {"n": 1})
        bad = attrs.evolve(made, payload={"n": float("nan")})
        with pytest.raises(InvalidInput, match="audit payload"):
            _in_unit(store, lambda uow: uow.audit.append(bad))
        good = attrs.evolve(made, payload={"n": 2, "ids": ("a", "b")})
        _in_unit(store, lambda uow: uow.audit.append(good))
        (placed,) = _placed(store)
        assert placed.payload == {"n": 2, "ids": ["a", "b"]}
        assert verify_chain([placed]).ok

    def test_r_sec_3_settle_is_idempotent(self, store: Store) -> None:
        events = audit_chain(3)
        _store_all(store, _subject(), *events)
        once = _placed(store)
        assert_equivalent(_placed(store), once)
        assert_equivalent(once, events)

    def test_r_sec_3_any_chain_round_trips_and_verifies(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        steps = st.lists(
            st.tuples(
                _instants(),
                st.text("abcdefghijklmnopqrstuvwxyz._", min_size=1, max_size=20),
                st.booleans(),
                _json_objects(),
            ),
            min_size=1,
            max_size=4,
        )
        subject = _subject("s-chain")
        _store_all(store, subject)

        @_hypothesis_settings()
        @given(steps)
        def round_trip(batch: list[tuple[datetime, str, bool, dict[str, object]]]) -> None:
            before = _placed(store)
            last = before[-1] if before else None
            events = []
            for at, kind, about_subject, payload in batch:
                last = next_event(last, at, kind, subject.id if about_subject else None, payload)
                events.append(last)
            _store_all(store, *events)
            stored = _placed(store)
            assert_equivalent(stored, before + events)
            report = verify_chain(stored)
            assert report.ok, report.problem

        round_trip()
