"""The contract of ``uow.requests``: requests from people, their state, history and due dates."""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date, datetime, timedelta, timezone

import attrs
import pytest

from pipolicy.domain.requests import (
    Applicant,
    ApplicantKind,
    Document,
    DocumentKind,
    RefusalGround,
    Representation,
    Request,
    RequestKind,
    RequestState,
)
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import (
    CONTRACT_START,
    EST,
    JST,
    NPT,
    _hypothesis_settings,
    _instants,
    _json_objects,
    _new_id,
    _optional,
    _request,
    _subject,
    _texts,
)
from pipolicy.testing.contract.fixtures import (
    StoreFixtures,
    _assert_conflict,
    _assert_conflict_now,
    _in_unit,
    _read,
    _store_all,
    assert_equivalent,
)


class RequestRepositoryContract(StoreFixtures):
    """``uow.requests``: the person's requests, with optimistic versions (R-REQ-1, R-REQ-8)."""

    def test_r_req_1_request_round_trips(self, store: Store) -> None:
        request = _request("r-1", at=datetime(2026, 4, 1, 9, 0, 0, 999999, tzinfo=JST))
        _store_all(store, _subject(), request)
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), request)
        assert_equivalent(_read(store, lambda uow: uow.requests.for_subject("s-1")), [request])

    def test_r_req_4_refused_request_round_trips(self, store: Store) -> None:
        request = attrs.evolve(
            _request("r-1"),
            kind=RequestKind.CORRECTION,
            applicant=Applicant.person(),
            state=RequestState.REFUSED,
            fee=0,
            documents=(),
            details={},
            ground=RefusalGround.IDENTITY_UNCONFIRMED,
            statement="The identity document had expired; please apply again with a valid one.",
            history=(
                ("received", CONTRACT_START, ""),
                ("refused", datetime(2026, 4, 3, 1, 0, tzinfo=timezone.utc), "identity"),
            ),
            version=2,
        )
        _store_all(store, _subject(), request)
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), request)

    def test_unknown_request_is_none(self, store: Store) -> None:
        assert _read(store, lambda uow: uow.requests.get("r-unknown")) is None
        assert _read(store, lambda uow: uow.requests.for_subject("s-unknown")) == []

    def test_requests_for_subject_in_order_added_and_only_that_subject(self, store: Store) -> None:
        mine = [
            _request("r-b"),
            attrs.evolve(_request("r-c"), kind=RequestKind.DELETION),
            _request("r-a"),
        ]
        other = _request("r-0", "s-2")
        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.requests.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.requests.for_subject("s-2")), [other])

    def test_r_req_8_scan_lists_every_request_in_the_order_added(self, store: Store) -> None:
        # Ids against the order added, every state, two people: scan keeps the order added.
        added = [
            attrs.evolve(_request(f"r-{9 - n}", f"s-{1 + n % 2}"), state=state)
            for n, state in enumerate(RequestState)
        ]
        _store_all(store, _subject("s-1"), _subject("s-2"), *added)
        assert_equivalent(_read(store, lambda uow: list(uow.requests.scan())), added)

    def test_r_req_8_scan_of_an_empty_store_is_empty(self, store: Store) -> None:
        assert _read(store, lambda uow: list(uow.requests.scan())) == []

    def test_r_req_1_update_to_next_version_persists(self, store: Store) -> None:
        request = _request("r-1")
        _store_all(store, _subject(), request)
        verified_at = datetime(2026, 4, 2, 2, 30, tzinfo=timezone.utc)
        verified = attrs.evolve(
            request,
            state=RequestState.VERIFIED,
            history=(*request.history, ("verified", verified_at, "passport checked")),
            details={**request.details, "verified_by": "staff-7"},
            version=2,
        )
        _in_unit(store, lambda uow: uow.requests.update(verified))
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), verified)
        assert_equivalent(_read(store, lambda uow: uow.requests.for_subject("s-1")), [verified])

    def test_request_update_with_a_stale_version_conflicts(self, store: Store) -> None:
        request = _request("r-1")
        _store_all(store, _subject(), request)
        skipped = attrs.evolve(request, state=RequestState.WITHDRAWN, version=3)
        _assert_conflict_now(store, lambda uow: uow.requests.update(skipped))
        same = attrs.evolve(request, state=RequestState.WITHDRAWN)
        _assert_conflict_now(store, lambda uow: uow.requests.update(same))
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), request)

    def test_request_lost_update_across_units_of_work_conflicts(self, store: Store) -> None:
        """Two clerks handle one request: the second, working from a stale copy, must conflict."""
        _store_all(store, _subject(), _request("r-1"))
        stale = _read(store, lambda uow: uow.requests.get("r-1"))
        assert stale is not None and stale.version == 1
        first = attrs.evolve(stale, state=RequestState.VERIFIED, version=2)
        _in_unit(store, lambda uow: uow.requests.update(first))
        second = attrs.evolve(stale, state=RequestState.WITHDRAWN, version=2)
        _assert_conflict_now(store, lambda uow: uow.requests.update(second))
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), first)

    def test_request_update_of_an_unknown_request_conflicts(self, store: Store) -> None:
        _store_all(store, _subject())
        ghost = attrs.evolve(_request("r-ghost"), version=2)
        _assert_conflict_now(store, lambda uow: uow.requests.update(ghost))
        assert _read(store, lambda uow: uow.requests.get("r-ghost")) is None

    def test_duplicate_request_id_conflicts(self, store: Store) -> None:
        first = _request("r-1")
        _store_all(store, _subject(), first)
        _assert_conflict(
            store,
            lambda uow: uow.requests.add(attrs.evolve(_request("r-1"), kind=RequestKind.DELETION)),
        )
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), first)

    def test_a_request_is_stored_as_it_was_written(self, store: Store) -> None:
        """Mappings are values: later changes by the caller or a reader must not leak in.

        Otherwise a change would reach the store without a new version, escaping the
        optimistic check, and would happen on one backend and not on another.
        """
        details: dict[str, object] = {"items": ["email"], "nested": {"window": "web"}}
        expected = attrs.evolve(
            _request("r-1"), details={"items": ["email"], "nested": {"window": "web"}}
        )
        _store_all(store, _subject(), attrs.evolve(_request("r-1"), details=details))
        details["added"] = True
        items = details["items"]
        assert isinstance(items, list)
        items.append("name")
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), expected)

        read = _read(store, lambda uow: uow.requests.get("r-1"))
        assert read is not None
        if isinstance(read.details, MutableMapping):
            read.details["added"] = True
        nested = read.details["nested"]
        if isinstance(nested, MutableMapping):
            nested["window"] = "changed"
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), expected)

    def test_r_req_8_open_due_before_lists_open_requests_due_strictly_before(
        self, store: Store
    ) -> None:
        at = datetime(2026, 4, 15, 0, 0, tzinfo=timezone.utc)  # 09:00 in Tokyo
        open_states = [s for s in RequestState if not s.final]
        final_states = [s for s in RequestState if s.final]
        assert open_states and final_states
        overdue = [
            # Ties on the due instant are ordered by id.
            attrs.evolve(_request("r-tie-b"), due=at - timedelta(days=3), state=open_states[-1]),
            attrs.evolve(_request("r-tie-a"), due=(at - timedelta(days=3)).astimezone(NPT)),
            attrs.evolve(_request("r-late-1"), due=(at - timedelta(days=1)).astimezone(JST)),
            attrs.evolve(
                _request("r-late-2"),
                due=(at - timedelta(microseconds=1)).astimezone(EST),
                state=open_states[0],
            ),
        ]
        overdue += [
            attrs.evolve(
                _request(f"r-open-{state.value}"), due=at - timedelta(hours=2), state=state
            )
            for state in open_states
        ]
        not_overdue = [
            attrs.evolve(
                _request("r-edge"), due=at.astimezone(JST)
            ),  # due exactly at `at`: not before it
            attrs.evolve(_request("r-future"), due=at + timedelta(seconds=1)),
        ]
        not_overdue += [
            attrs.evolve(_request(f"r-done-{state.value}"), due=at - timedelta(days=2), state=state)
            for state in final_states
        ]
        _store_all(store, _subject(), *not_overdue, *overdue)
        expected = sorted(overdue, key=lambda r: (r.due, r.id))
        found = _read(store, lambda uow: uow.requests.open_due_before(at))
        assert_equivalent(found, expected)
        assert [r.id for r in found[:2]] == ["r-tie-a", "r-tie-b"]

        # Closing a request takes it off the list.
        done = attrs.evolve(overdue[2], state=final_states[0], version=2)
        _in_unit(store, lambda uow: uow.requests.update(done))
        found = _read(store, lambda uow: uow.requests.open_due_before(at))
        assert_equivalent(found, [r for r in expected if r.id != done.id])

    def test_r_req_8_open_due_before_on_an_empty_store_is_empty(self, store: Store) -> None:
        assert _read(store, lambda uow: uow.requests.open_due_before(CONTRACT_START)) == []

    def test_r_req_1_any_request_round_trips(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        dates = _optional(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
        documents = st.builds(
            Document,
            kind=st.sampled_from(DocumentKind),
            issued=dates,
            expires=dates,
            holder=st.sampled_from(["person", "agent"]),
        )
        history = st.tuples(_texts(1), _instants(), _texts())
        # A legal representative may state whom they represent, stored with the kind.
        applicants = st.builds(Applicant, st.sampled_from(ApplicantKind)) | st.builds(
            Applicant,
            st.just(ApplicantKind.LEGAL_REPRESENTATIVE),
            _optional(st.sampled_from(Representation)),
        )
        requests = st.builds(
            Request,
            id=st.just("placeholder"),
            subject_id=st.just("placeholder"),
            kind=st.sampled_from(RequestKind),
            applicant=applicants,
            state=st.sampled_from(RequestState),
            received_at=_instants(),
            due=_instants(),
            fee=st.integers(0, 1_000_000),
            method=_texts(1),
            documents=st.lists(documents, max_size=4).map(tuple),
            details=_json_objects(),
            ground=_optional(st.sampled_from(RefusalGround)),
            statement=_optional(_texts()),
            history=st.lists(history, max_size=3).map(tuple),
            version=st.integers(1, 10_000),
        )

        @_hypothesis_settings()
        @given(requests)
        def round_trip(template: Request) -> None:
            subject = _subject(_new_id())
            request = attrs.evolve(template, id=_new_id(), subject_id=subject.id)
            _store_all(store, subject, request)
            assert_equivalent(_read(store, lambda uow: uow.requests.get(request.id)), request)

        round_trip()
