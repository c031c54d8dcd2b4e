"""The contract of ``uow.subjects``: people by opaque id and by the application's reference."""

from __future__ import annotations

from datetime import datetime

import attrs
import pytest

from pipolicy.errors import InvalidTransition, SubjectNotFound
from pipolicy.storage.repositories import Store, UnitOfWork
from pipolicy.testing.contract.data import EST, JST, _subject
from pipolicy.testing.contract.fixtures import (
    StoreFixtures,
    _assert_conflict,
    _in_unit,
    _read,
    assert_equivalent,
)


def _left_at(uow: UnitOfWork) -> datetime | None:
    """When subject ``s-1`` left, as the facts a check reads say."""
    facts = uow.facts("s-1", ended_consents=False)
    assert facts is not None
    return facts.subject.left_at


class SubjectRepositoryContract(StoreFixtures):
    """``uow.subjects``: people by opaque id and by the application's reference."""

    def test_subject_round_trips_by_id_and_ref(self, store: Store) -> None:
        subject = _subject("s-1", ref="user-42", at=datetime(2026, 4, 1, 9, 0, 0, 1, tzinfo=JST))
        _in_unit(store, lambda uow: uow.subjects.add(subject))
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-1")), subject)
        assert_equivalent(_read(store, lambda uow: uow.subjects.by_ref("user-42")), subject)

    def test_subject_without_category_round_trips(self, store: Store) -> None:
        subject = attrs.evolve(_subject("s-2"), category=None)
        _in_unit(store, lambda uow: uow.subjects.add(subject))
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-2")), subject)

    def test_unknown_subject_is_none(self, store: Store) -> None:
        _in_unit(store, lambda uow: uow.subjects.add(_subject("s-1")))
        assert _read(store, lambda uow: uow.subjects.get("s-unknown")) is None
        assert _read(store, lambda uow: uow.subjects.by_ref("ref-unknown")) is None

    def test_r_acc_1_mark_left_keeps_the_instant(self, store: Store) -> None:
        subject = _subject("s-1")
        left = datetime(2026, 6, 30, 18, 30, 15, 250000, tzinfo=EST)
        _in_unit(store, lambda uow: uow.subjects.add(subject))
        _in_unit(store, lambda uow: uow.subjects.mark_left("s-1", left))
        stored = _read(store, lambda uow: uow.subjects.get("s-1"))
        assert_equivalent(stored, attrs.evolve(subject, left_at=left))
        assert_equivalent(
            _read(store, lambda uow: uow.subjects.by_ref("ref-s-1")),
            attrs.evolve(subject, left_at=left),
        )

    def test_r_acc_1_mark_returned_clears_left_at(self, store: Store) -> None:
        """A person who comes back is not on the leaving clock any more: the subject and
        the facts a check reads (a compiled state, where the store keeps one) both say
        so, in the unit that wrote it and after."""
        subject = _subject("s-1")
        left = datetime(2026, 6, 30, 18, 30, 15, 250000, tzinfo=EST)
        _in_unit(store, lambda uow: uow.subjects.add(subject))
        _in_unit(store, lambda uow: uow.subjects.mark_left("s-1", left))
        assert _read(store, _left_at) == left

        def come_back(uow: UnitOfWork) -> None:
            uow.subjects.mark_returned("s-1")
            assert _left_at(uow) is None

        _in_unit(store, come_back)
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-1")), subject)
        assert _read(store, _left_at) is None
        later = datetime(2027, 1, 5, 9, 0, tzinfo=JST)
        _in_unit(store, lambda uow: uow.subjects.mark_left("s-1", later))
        assert _read(store, _left_at) == later

    def test_r_acc_1_only_a_subject_who_left_returns(self, store: Store) -> None:
        _in_unit(store, lambda uow: uow.subjects.add(_subject("s-1")))
        with pytest.raises(InvalidTransition):
            _in_unit(store, lambda uow: uow.subjects.mark_returned("s-1"))
        with pytest.raises(SubjectNotFound):
            _in_unit(store, lambda uow: uow.subjects.mark_returned("s-unknown"))
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-1")), _subject("s-1"))

    def test_duplicate_subject_id_conflicts_and_keeps_the_first(self, store: Store) -> None:
        first = _subject("s-1", ref="user-1")
        _in_unit(store, lambda uow: uow.subjects.add(first))
        _assert_conflict(store, lambda uow: uow.subjects.add(_subject("s-1", ref="user-2")))
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-1")), first)
        assert _read(store, lambda uow: uow.subjects.by_ref("user-2")) is None

    def test_duplicate_subject_ref_conflicts(self, store: Store) -> None:
        """Two registrations of one person racing must not make two subjects."""
        first = _subject("s-1", ref="user-1")
        _in_unit(store, lambda uow: uow.subjects.add(first))
        _assert_conflict(store, lambda uow: uow.subjects.add(_subject("s-2", ref="user-1")))
        assert _read(store, lambda uow: uow.subjects.get("s-2")) is None
        assert_equivalent(_read(store, lambda uow: uow.subjects.by_ref("user-1")), first)
