"""The contract of ``store.unit_of_work()``: one transaction, rolled back unless committed."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.audit import AuditEvent
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus
from pipolicy.domain.requests import Request
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.subjects import Subject
from pipolicy.storage.repositories import Store, SubjectFacts, UnitOfWork
from pipolicy.testing.contract.data import (
    CONTRACT_START,
    _acquisition,
    _consent,
    _provision,
    _request,
    _restriction,
    _subject,
    audit_chain,
)
from pipolicy.testing.contract.fixtures import (
    StoreFixtures,
    _add_all,
    _assert_conflict_now,
    _logged,
    _read,
    _store_all,
    assert_equivalent,
)


class _Boom(Exception):
    """Raised inside a unit of work to prove it rolls back."""


def _one_of_each(subject_id: str = "s-1") -> list[object]:
    """A subject and one record of every kind about it, referentially complete."""
    return [
        _subject(subject_id),
        _acquisition(f"a-{subject_id}", subject_id),
        _consent(f"c-{subject_id}", subject_id),
        _request(f"r-{subject_id}", subject_id),
        attrs.evolve(_restriction(f"x-{subject_id}", subject_id), request_id=f"r-{subject_id}"),
        _provision(f"p-{subject_id}", subject_id),
    ]


def _everything(uow: UnitOfWork, subject_id: str = "s-1") -> dict[str, object]:
    """What the unit of work can read about one subject, and the whole audit log."""
    return {
        "subject": uow.subjects.get(subject_id),
        "by_ref": uow.subjects.by_ref(f"ref-{subject_id}"),
        "acquisitions": uow.acquisitions.for_subject(subject_id),
        "consent": uow.consents.get(f"c-{subject_id}"),
        "consents": uow.consents.for_subject(subject_id),
        "request": uow.requests.get(f"r-{subject_id}"),
        "requests": uow.requests.for_subject(subject_id),
        "restrictions": uow.restrictions.for_subject(subject_id),
        "provisions": uow.provisions.for_subject(subject_id),
        "facts": uow.facts(subject_id),
        "audit": _logged(uow),
    }


def _nothing() -> dict[str, object]:
    return {
        "subject": None,
        "by_ref": None,
        "acquisitions": [],
        "consent": None,
        "consents": [],
        "request": None,
        "requests": [],
        "restrictions": [],
        "provisions": [],
        "facts": None,
        "audit": [],
    }


def _expected(records: list[object], audit: list[AuditEvent]) -> dict[str, object]:
    subject, acquisition, consent, request, restriction, provision = records
    assert isinstance(subject, Subject)
    assert isinstance(acquisition, Acquisition)
    assert isinstance(consent, Consent)
    assert isinstance(request, Request)
    assert isinstance(restriction, Restriction)
    return {
        "subject": subject,
        "by_ref": subject,
        "acquisitions": [acquisition],
        "consent": consent,
        "consents": [consent],
        "request": request,
        "requests": [request],
        "restrictions": [restriction],
        "provisions": [provision],
        "facts": SubjectFacts(subject, (acquisition,), (consent,), (restriction,)),
        "audit": [e.entry for e in audit],
    }


class UnitOfWorkContract(StoreFixtures):
    """``store.unit_of_work()``: one transaction, rolled back unless committed."""

    def test_leaving_without_commit_keeps_nothing(self, store: Store) -> None:
        records = _one_of_each()
        with store.unit_of_work() as uow:
            _add_all(uow, *records, *audit_chain(2))
        assert_equivalent(_read(store, _everything), _nothing())

    def test_an_exception_rolls_back_every_repository_and_propagates(self, store: Store) -> None:
        records = _one_of_each()

        def fail() -> None:
            with store.unit_of_work() as uow:
                _add_all(uow, *records, *audit_chain(2))
                raise _Boom

        with pytest.raises(_Boom):
            fail()
        assert_equivalent(_read(store, _everything), _nothing())

    def test_r_con_2_a_rolled_back_unit_leaves_the_facts_of_a_decision_as_they_were(
        self, store: Store
    ) -> None:
        """A store that keeps each person's compiled state must not keep what a unit
        wrote and then rolled back, even once that unit read the state with its writes:
        a consent never committed would otherwise allow use."""
        _store_all(store, _subject())
        before = _read(store, lambda uow: uow.facts("s-1", ended_consents=False))

        def fail() -> None:
            with store.unit_of_work() as uow:
                uow.consents.add(_consent("c-1"))
                uow.restrictions.add(_restriction("x-1"))
                assert uow.facts("s-1", ended_consents=False) is not None
                raise _Boom

        with pytest.raises(_Boom):
            fail()
        with store.unit_of_work() as uow:
            uow.acquisitions.add(_acquisition("a-1"))
            assert uow.facts("s-1", ended_consents=False) is not None
            uow.rollback()
        after = _read(store, lambda uow: uow.facts("s-1", ended_consents=False))
        assert before is not None and after is not None
        assert (after.consents, after.restrictions, after.acquisitions) == ((), (), ())

    def test_explicit_rollback_discards_the_writes(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            _add_all(uow, *_one_of_each(), *audit_chain(1))
            uow.rollback()
        assert_equivalent(_read(store, _everything), _nothing())

    def test_commit_persists_every_repository_for_the_next_unit(self, store: Store) -> None:
        records = _one_of_each()
        events = audit_chain(2)
        _store_all(store, *records, *events)
        assert_equivalent(_read(store, _everything), _expected(records, events))

    def test_reads_see_the_units_own_uncommitted_writes(self, store: Store) -> None:
        records = _one_of_each()
        events = audit_chain(2)
        with store.unit_of_work() as uow:
            _add_all(uow, *records, *events)
            assert_equivalent(_everything(uow), _expected(records, events))
        assert_equivalent(_read(store, _everything), _nothing())

    def test_facts_see_an_update_made_in_the_same_unit(self, store: Store) -> None:
        consent = _consent("c-1")
        _store_all(store, _subject(), consent)
        withdrawn = consent.transition(ConsentStatus.WITHDRAWN, CONTRACT_START + timedelta(days=1))
        with store.unit_of_work() as uow:
            uow.consents.update(withdrawn)
            facts = uow.facts("s-1")
            assert facts is not None
            assert_equivalent(facts.consents, (withdrawn,))
            assert_equivalent(uow.consents.get("c-1"), withdrawn)
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_facts_gather_one_subject_in_order_added(self, store: Store) -> None:
        """The one call a decision makes: the subject and its acquisitions, consents, restrictions."""
        subject = _subject("s-1")
        acquisitions = (
            _acquisition("a-2"),
            attrs.evolve(_acquisition("a-1"), channel=Channel.TELEPHONE),
        )
        consents = (
            _consent("c-2"),
            attrs.evolve(_consent("c-1"), scope=ConsentScope(purpose="service")),
        )
        restrictions = (
            _restriction("x-2"),
            attrs.evolve(_restriction("x-1"), kind=RestrictionKind.DELETED),
        )
        _store_all(
            store,
            subject,
            _subject("s-2"),
            acquisitions[0],
            _acquisition("a-other", "s-2"),
            consents[0],
            _consent("c-other", "s-2"),
            restrictions[0],
            _restriction("x-other", "s-2"),
            _provision("p-1"),
            _request("r-1"),
        )
        _store_all(store, acquisitions[1], consents[1], restrictions[1])
        expected = SubjectFacts(subject, acquisitions, consents, restrictions)
        assert_equivalent(_read(store, lambda uow: uow.facts("s-1")), expected)

    def test_facts_of_a_subject_with_nothing_recorded_are_empty(self, store: Store) -> None:
        subject = _subject("s-1")
        _store_all(store, subject)
        assert_equivalent(
            _read(store, lambda uow: uow.facts("s-1")), SubjectFacts(subject, (), (), ())
        )

    def test_facts_of_an_unknown_subject_are_none(self, store: Store) -> None:
        _store_all(store, *_one_of_each())
        assert _read(store, lambda uow: uow.facts("s-unknown")) is None

    def test_commit_twice_keeps_both_parts(self, store: Store) -> None:
        """The engine commits a denial's audit event, then commits again at the end."""
        with store.unit_of_work() as uow:
            _add_all(uow, _subject("s-1"))
            uow.commit()
            _add_all(uow, _subject("s-2"))
            uow.commit()
        assert _read(store, lambda uow: uow.subjects.get("s-1")) is not None
        assert _read(store, lambda uow: uow.subjects.get("s-2")) is not None

    def test_writes_after_a_commit_roll_back_without_another(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            _add_all(uow, _subject("s-1"))
            uow.commit()
            _add_all(uow, _subject("s-2"), _consent("c-1"))
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-1")), _subject("s-1"))
        assert _read(store, lambda uow: uow.subjects.get("s-2")) is None
        assert _read(store, lambda uow: uow.consents.get("c-1")) is None

    def test_a_conflict_keeps_nothing_of_the_unit(self, store: Store) -> None:
        """A unit that fails on a conflict must not keep its other writes either."""
        consent = _consent("c-1")
        _store_all(store, _subject("s-1"), consent)
        stale = attrs.evolve(consent, status=ConsentStatus.REVOKED)  # version not advanced

        _assert_conflict_now(
            store,
            lambda uow: uow.consents.update(stale),
            first=lambda uow: uow.subjects.add(_subject("s-2")),
        )
        assert _read(store, lambda uow: uow.subjects.get("s-2")) is None
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)
