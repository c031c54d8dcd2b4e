"""The contract of ``uow.acquisitions``: records of how personal data was acquired."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest

from pipolicy.domain.acquisitions import Acquisition, Channel, EntityKind, ReceiptBasis
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import (
    CONTRACT_START,
    JST,
    _acquisition,
    _hypothesis_settings,
    _instants,
    _names,
    _new_id,
    _optional,
    _subject,
    _texts,
)
from pipolicy.testing.contract.fixtures import StoreFixtures, _read, _store_all, assert_equivalent


class AcquisitionRepositoryContract(StoreFixtures):
    """``uow.acquisitions``: what was collected, how and for which purposes (R-ACQ-1)."""

    def test_r_acq_1_acquisition_round_trips(self, store: Store) -> None:
        acquisition = _acquisition("a-1", at=datetime(2026, 4, 1, 9, 0, 0, 42, tzinfo=JST))
        _store_all(store, _subject(), acquisition)
        assert_equivalent(
            _read(store, lambda uow: uow.acquisitions.for_subject("s-1")), [acquisition]
        )

    def test_r_acq_4_acquisition_from_a_business_keeps_the_provider(self, store: Store) -> None:
        acquisition = attrs.evolve(
            _acquisition("a-1"),
            channel=Channel.PROVIDED_BY_BUSINESS,
            source="Client K.K.",
            opted_in=frozenset(),
            provider_address="2-2 Minato, Tokyo",
            provider_obtained_by="the client's own web form",
            provider_representative="Hanako Sato, President",
            provider_kind=EntityKind.CORPORATION,
            provider_basis=ReceiptBasis.CONSENT,
        )
        _store_all(store, _subject(), acquisition)
        assert_equivalent(
            _read(store, lambda uow: uow.acquisitions.for_subject("s-1")), [acquisition]
        )

    def test_r_acq_4_a_receipt_from_an_individual_by_opt_out_keeps_both(self, store: Store) -> None:
        """A sole trader has no representative (Art. 30(1)(i)); the record of receipt
        says the provider is an individual, and by what it provided the data (PPC Rules
        Art. 24(1)): both read back, with the facts a decision reads."""
        acquisition = attrs.evolve(
            _acquisition("a-1"),
            channel=Channel.PROVIDED_BY_BUSINESS,
            source="Hanako Yamada",
            opted_in=frozenset(),
            provider_address="2-3-4 Setagaya, Tokyo",
            provider_obtained_by="her shop's customer cards",
            provider_kind=EntityKind.INDIVIDUAL,
            provider_basis=ReceiptBasis.OPT_OUT,
        )
        _store_all(store, _subject(), acquisition)
        assert_equivalent(
            _read(store, lambda uow: uow.acquisitions.for_subject("s-1")), [acquisition]
        )
        for ended in (True, False):
            with store.unit_of_work() as uow:
                facts = uow.facts("s-1", ended_consents=ended)
            assert facts is not None
            assert_equivalent(list(facts.acquisitions), [acquisition])

    def test_acquisitions_for_subject_in_order_added_and_only_that_subject(
        self, store: Store
    ) -> None:
        mine = [
            _acquisition("a-b"),
            attrs.evolve(_acquisition("a-c"), channel=Channel.MAIL),
            _acquisition("a-a"),
        ]
        other = _acquisition("a-0", "s-2")

        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.acquisitions.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.acquisitions.for_subject("s-2")), [other])
        assert _read(store, lambda uow: uow.acquisitions.for_subject("s-unknown")) == []

    def test_r_acc_1_scan_yields_every_acquisition_of_every_subject(self, store: Store) -> None:
        assert _read(store, lambda uow: list(uow.acquisitions.scan())) == []
        written = [_acquisition("a-1"), _acquisition("a-2", "s-2"), _acquisition("a-3")]

        _store_all(store, _subject("s-1"), _subject("s-2"), *written)
        scanned = _read(store, lambda uow: list(uow.acquisitions.scan()))
        assert_equivalent(sorted(scanned, key=lambda a: a.id), written)

    def test_r_acq_1_any_acquisition_round_trips(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        acquisitions = st.builds(
            Acquisition,
            id=st.just("placeholder"),
            subject_id=st.just("placeholder"),
            items=_names(),
            purposes=_names(),
            channel=st.sampled_from(Channel),
            source=_texts(),
            acquired_at=_instants(),
            policy_version=_texts(1),
            opted_in=st.just(frozenset()) | _names(),
            provider_address=_optional(_texts()),
            provider_obtained_by=_optional(_texts()),
            provider_representative=_optional(_texts()),
            provider_kind=_optional(st.sampled_from(EntityKind)),
            provider_basis=_optional(st.sampled_from(ReceiptBasis)),
        )

        @_hypothesis_settings()
        @given(acquisitions)
        def round_trip(template: Acquisition) -> None:
            subject = _subject(_new_id())
            acquisition = attrs.evolve(template, id=_new_id(), subject_id=subject.id)
            _store_all(store, subject, acquisition)
            assert_equivalent(
                _read(store, lambda uow: uow.acquisitions.for_subject(subject.id)), [acquisition]
            )

        round_trip()

    def test_r_use_1_facts_for_a_decision_keep_the_latest_of_alike_acquisitions(
        self, store: Store
    ) -> None:
        """A compiled state may keep one of acquisitions alike in everything a rule reads,
        but only the latest: the rules ask whether one came *after* some instant (a
        deletion), so keeping an earlier one denies lawful use of data collected again."""
        first = _acquisition("a-1", at=CONTRACT_START)
        again = _acquisition("a-2", at=CONTRACT_START + timedelta(days=30))
        # Recorded in time order for one person, out of it (a backfill) for another.
        backfilled = [attrs.evolve(a, subject_id="s-2") for a in (again, first)]
        backfilled = [attrs.evolve(a, id=f"{a.id}-b") for a in backfilled]
        _store_all(store, _subject(), _subject("s-2"), first, again, *backfilled)
        for sid in ("s-1", "s-2"):
            with store.unit_of_work() as uow:
                facts = uow.facts(sid, ended_consents=False)
            assert facts is not None
            latest = max((a.acquired_at for a in facts.acquisitions), default=None)
            assert latest == again.acquired_at, sid

    def test_r_tpp_8_facts_for_a_decision_keep_a_receipt_by_opt_out(self, store: Store) -> None:
        """Data received by opt-out is never provided by opt-out again (Art. 27(2)):
        a compiled state that kept only a later receipt of the same items on consent
        would lose that, so receipts by another basis are not alike."""
        received = attrs.evolve(
            _acquisition("a-1", at=CONTRACT_START),
            channel=Channel.PROVIDED_BY_BUSINESS,
            opted_in=frozenset(),
            provider_basis=ReceiptBasis.OPT_OUT,
        )
        again = attrs.evolve(
            received,
            id="a-2",
            acquired_at=CONTRACT_START + timedelta(days=30),
            provider_basis=ReceiptBasis.CONSENT,
        )
        _store_all(store, _subject(), received, again)
        with store.unit_of_work() as uow:
            facts = uow.facts("s-1", ended_consents=False)
        assert facts is not None
        assert any(a.received_by_opt_out for a in facts.acquisitions)
