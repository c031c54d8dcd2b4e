"""The contract of ``uow.audit``: the append-only, hash-chained audit log."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipolicy.domain.audit import next_event, verify_chain
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
    _assert_conflict_now,
    _in_unit,
    _read,
    _store_all,
    assert_equivalent,
)


class AuditLogContract(StoreFixtures):
    """``uow.audit``: the append-only, hash-chained log (Art. 23, R-SEC-3)."""

    def test_r_sec_3_empty_log(self, store: Store) -> None:
        assert _read(store, lambda uow: uow.audit.last()) is None
        assert _read(store, lambda uow: list(uow.audit.scan())) == []

    def test_r_sec_3_events_round_trip_in_sequence_order(self, store: Store) -> None:
        first = audit_chain(3, start=datetime(2026, 4, 1, 0, 0, 0, 1, tzinfo=timezone.utc))
        second = audit_chain(2, after=first[-1], subject_id=None, start=first[-1].at)
        _store_all(store, _subject(), *first)
        _store_all(store, *second)
        assert [e.seq for e in first + second] == [1, 2, 3, 4, 5]
        assert_equivalent(_read(store, lambda uow: list(uow.audit.scan())), first + second)
        assert_equivalent(_read(store, lambda uow: uow.audit.last()), second[-1])

    def test_r_sec_3_events_about_one_subject_in_sequence_order(self, store: Store) -> None:
        first = audit_chain(2, subject_id="s-1")
        other = audit_chain(2, after=first[-1], subject_id="s-2", start=first[-1].at)
        unattached = audit_chain(1, after=other[-1], subject_id=None, start=other[-1].at)
        last = audit_chain(1, after=unattached[-1], subject_id="s-1", start=unattached[-1].at)
        _store_all(store, _subject("s-1"), _subject("s-2"), *first, *other)
        _store_all(store, *unattached, *last)
        assert_equivalent(_read(store, lambda uow: uow.audit.for_subject("s-1")), first + last)
        assert_equivalent(_read(store, lambda uow: uow.audit.for_subject("s-2")), other)
        assert _read(store, lambda uow: uow.audit.for_subject("nobody")) == []

    def test_r_sec_3_stored_chain_verifies(self, store: Store) -> None:
        events = audit_chain(4, start=datetime(2026, 4, 1, 0, 0, tzinfo=timezone.utc))
        _store_all(store, _subject(), *events)
        report = verify_chain(_read(store, lambda uow: list(uow.audit.scan())))
        assert report.ok, report.problem
        assert report.events == 4

    def test_r_sec_3_chain_recorded_in_local_time_verifies(self, store: Store) -> None:
        """An engine whose clock runs in Tokyo time writes such events; they must verify.

        The chain hashes each event's time as written, so a backend must give back
        the timestamps as they hash (see :mod:`pipolicy.domain.audit`).
        """
        tokyo = audit_chain(2, start=CONTRACT_START)
        kathmandu = audit_chain(2, after=tokyo[-1], start=CONTRACT_START.astimezone(NPT))
        _store_all(store, _subject(), *tokyo, *kathmandu)
        stored = _read(store, lambda uow: list(uow.audit.scan()))
        assert_equivalent(stored, tokyo + kathmandu)
        report = verify_chain(stored)
        assert report.ok, report.problem

    def test_r_sec_3_append_at_a_taken_position_conflicts(self, store: Store) -> None:
        events = audit_chain(2)
        _store_all(store, _subject(), *events)
        rival = next_event(events[0], CONTRACT_START, "test.rival", "s-1", {"n": "rival"})
        assert rival.seq == events[1].seq
        _assert_conflict_now(store, lambda uow: uow.audit.append(rival))
        assert_equivalent(_read(store, lambda uow: list(uow.audit.scan())), events)

    def test_r_sec_3_two_appends_at_one_position_in_a_unit_conflict(self, store: Store) -> None:
        first = audit_chain(1)[0]
        rival = next_event(None, CONTRACT_START, "test.rival", None, {})
        _store_all(store, _subject())
        _assert_conflict_now(
            store, lambda uow: uow.audit.append(rival), first=lambda uow: uow.audit.append(first)
        )
        assert _read(store, lambda uow: list(uow.audit.scan())) == []

    def test_r_sec_3_racing_writers_one_wins(self, store: Store) -> None:
        """Both writers read the same last event; the second to append must conflict."""
        (genesis,) = audit_chain(1)
        _store_all(store, _subject(), genesis)
        last_a = _read(store, lambda uow: uow.audit.last())
        last_b = _read(store, lambda uow: uow.audit.last())
        event_a = next_event(last_a, CONTRACT_START, "test.a", "s-1", {"writer": "a"})
        event_b = next_event(last_b, CONTRACT_START, "test.b", "s-1", {"writer": "b"})
        _in_unit(store, lambda uow: uow.audit.append(event_a))
        _assert_conflict_now(store, lambda uow: uow.audit.append(event_b))
        stored = _read(store, lambda uow: list(uow.audit.scan()))
        assert_equivalent(stored, [genesis, event_a])
        assert verify_chain(stored).ok

    def test_r_sec_3_last_sees_the_units_own_appends(self, store: Store) -> None:
        events = audit_chain(3)
        _store_all(store, _subject())

        def write(uow: UnitOfWork) -> None:
            for event in events:
                uow.audit.append(event)
                assert_equivalent(uow.audit.last(), event)
            assert_equivalent(list(uow.audit.scan()), events)
            uow.commit()

        with store.unit_of_work() as uow:
            write(uow)
        assert_equivalent(_read(store, lambda uow: uow.audit.last()), events[-1])

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
            before = _read(store, lambda uow: list(uow.audit.scan()))
            last = before[-1] if before else None
            events = []
            for at, kind, about_subject, payload in batch:
                last = next_event(last, at, kind, subject.id if about_subject else None, payload)
                events.append(last)
            _store_all(store, *events)
            stored = _read(store, lambda uow: list(uow.audit.scan()))
            assert_equivalent(stored, before + events)
            report = verify_chain(stored)
            assert report.ok, report.problem

        round_trip()
