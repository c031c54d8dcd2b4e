"""The contract of ``uow.restrictions``: suspensions of use and provision a person obtained."""

from __future__ import annotations

from datetime import datetime

import attrs

from pipolicy.domain.requests import RequestKind
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import NPT, _request, _restriction, _subject
from pipolicy.testing.contract.fixtures import StoreFixtures, _read, _store_all, assert_equivalent


class RestrictionRepositoryContract(StoreFixtures):
    """``uow.restrictions``: suspensions and deletions granted on requests (R-REQ-7)."""

    def test_r_req_7_restriction_round_trips(self, store: Store) -> None:
        request = attrs.evolve(_request("r-1"), kind=RequestKind.SUSPENSION_OF_USE)
        restriction = attrs.evolve(
            _restriction("x-1"),
            request_id="r-1",
            since=datetime(2026, 4, 20, 17, 0, 0, 7, tzinfo=NPT),
        )

        _store_all(store, _subject(), request, restriction)
        assert_equivalent(
            _read(store, lambda uow: uow.restrictions.for_subject("s-1")), [restriction]
        )

    def test_r_req_7_unscoped_restriction_round_trips(self, store: Store) -> None:
        """Empty items and purposes mean "everything"; they must stay empty sets."""
        restriction = attrs.evolve(
            _restriction("x-1"),
            kind=RestrictionKind.DELETED,
            items=frozenset(),
            purposes=frozenset(),
        )
        _store_all(store, _subject(), restriction)
        assert_equivalent(
            _read(store, lambda uow: uow.restrictions.for_subject("s-1")), [restriction]
        )

    def test_restrictions_for_subject_in_order_added_and_only_that_subject(
        self, store: Store
    ) -> None:
        mine = [
            _restriction("x-b"),
            attrs.evolve(_restriction("x-c"), kind=RestrictionKind.SUSPEND_PROVISION),
            attrs.evolve(_restriction("x-a"), kind=RestrictionKind.DELETED),
        ]
        other = _restriction("x-0", "s-2")

        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.restrictions.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.restrictions.for_subject("s-2")), [other])
        assert _read(store, lambda uow: uow.restrictions.for_subject("s-unknown")) == []

    def test_r_req_7_facts_for_a_decision_hold_every_restriction_whole(self, store: Store) -> None:
        """A decision reads the person's restrictions from ``facts(sid,
        ended_consents=False)``: each must be there with its kind, items, purposes and
        recipients, or a suspension of provision to one recipient is not applied."""
        to_partner = attrs.evolve(
            _restriction("x-1"),
            kind=RestrictionKind.SUSPEND_PROVISION,
            items=frozenset(),
            purposes=frozenset(),
            recipients=frozenset({"partner"}),
        )
        of_email = _restriction("x-2")
        _store_all(store, _subject(), to_partner, of_email)
        _assert_read_by_decisions(store, [to_partner, of_email])

    def test_r_req_7_a_lift_is_in_the_facts_a_decision_reads(self, store: Store) -> None:
        """A person who asked to resume has a ``lifted`` restriction naming the request;
        a decision that does not see it keeps the suspension in force for good."""
        suspended = attrs.evolve(_restriction("x-1"), request_id="r-1")
        lifted = attrs.evolve(
            _restriction("x-2"),
            kind=RestrictionKind.LIFTED,
            request_id="r-1",
            items=frozenset(),
            purposes=frozenset(),
            since=datetime(2026, 5, 1, 9, 0, tzinfo=NPT),
        )
        _store_all(store, _subject(), suspended, lifted)
        _assert_read_by_decisions(store, [suspended, lifted])


def _assert_read_by_decisions(store: Store, restrictions: list[Restriction]) -> None:
    """``s-1``'s facts, as a decision reads them and with the history, hold exactly
    ``restrictions``, in order."""
    for facts in (
        _read(store, lambda uow: uow.facts("s-1", ended_consents=False)),
        _read(store, lambda uow: uow.facts("s-1")),
    ):
        assert facts is not None
        assert_equivalent(list(facts.restrictions), restrictions)
