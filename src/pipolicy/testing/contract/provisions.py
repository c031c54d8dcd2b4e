"""The contract of ``uow.provisions``: records of provision to third parties."""

from __future__ import annotations

from datetime import datetime

import attrs
import pytest

from pipolicy.domain.consents import ConsentScope
from pipolicy.domain.decisions import Basis
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import (
    EST,
    JST,
    _consent,
    _hypothesis_settings,
    _instants,
    _names,
    _new_id,
    _optional,
    _provision,
    _subject,
    _texts,
)
from pipolicy.testing.contract.fixtures import StoreFixtures, _read, _store_all, assert_equivalent


class ProvisionRepositoryContract(StoreFixtures):
    """``uow.provisions``: the records of what was given to whom (Art. 29, R-REC-1)."""

    def test_r_rec_1_consent_based_record_round_trips(self, store: Store) -> None:
        consent = attrs.evolve(
            _consent("c-1"), scope=ConsentScope(recipient="partner", items=frozenset({"email"}))
        )
        record = attrs.evolve(
            _provision("p-1"),
            recipient="partner",
            recipient_name="Partner Co.",
            items=frozenset({"email"}),
            purpose=None,
            basis=Basis.CONSENT,
            provided_at=datetime(2026, 4, 2, 10, 15, 30, 5, tzinfo=JST),
            required_by_law=True,
            keep_until=datetime(2029, 4, 1, 10, 15, 30, 5, tzinfo=EST),
            consent_id="c-1",
        )

        _store_all(store, _subject(), consent, record)
        assert_equivalent(_read(store, lambda uow: uow.provisions.for_subject("s-1")), [record])

    def test_r_rec_1_a_record_resting_on_several_consents_keeps_each(self, store: Store) -> None:
        """Art. 29: a provision no one consent covers, and two together do (one for the
        e-mail address, a later one for the name), names both, in the order given."""
        consents = [
            attrs.evolve(
                _consent(cid),
                scope=ConsentScope(recipient="partner", items=frozenset({item})),
            )
            for cid, item in (("c-2", "email"), ("c-1", "name"))
        ]
        record = attrs.evolve(
            _provision("p-1"),
            recipient="partner",
            recipient_name="Partner Co.",
            items=frozenset({"email", "name"}),
            basis=Basis.CONSENT,
            required_by_law=True,
            consent_id="c-2",
            more_consent_ids=("c-1",),
        )
        _store_all(store, _subject(), *consents, record)
        [read] = _read(store, lambda uow: uow.provisions.for_subject("s-1"))
        assert read.consent_ids == ("c-2", "c-1")
        assert_equivalent(read, record)

    def test_r_rec_1_an_opt_out_record_keeps_the_recipient_s_address(self, store: Store) -> None:
        """PPC Rules Art. 20(1)(i): a record of provision by opt-out holds the recipient's
        address and representative, as the policy declared them that day."""
        record = attrs.evolve(
            _provision("p-1"),
            recipient="list_broker",
            recipient_name="List Co.",
            basis=Basis.OPT_OUT,
            required_by_law=True,
            recipient_address="2-2 Otemachi, Chiyoda-ku, Tokyo",
            recipient_representative="Ken List, President",
        )
        _store_all(store, _subject(), record)
        [read] = _read(store, lambda uow: uow.provisions.for_subject("s-1"))
        assert read.recipient_address == "2-2 Otemachi, Chiyoda-ku, Tokyo"
        assert read.recipient_representative == "Ken List, President"
        assert_equivalent(read, record)

    def test_r_tpp_2_exemption_record_keeps_its_justification(self, store: Store) -> None:
        record = attrs.evolve(
            _provision("p-1"),
            recipient="court",
            recipient_name="Tokyo District Court",
            items=frozenset({"name"}),
            purpose=None,
            basis=Basis.EXEMPTION,
            exemption=Exemption.LAWS_AND_REGULATIONS,
            justification="order 2026-123",
        )
        _store_all(store, _subject(), record)
        assert_equivalent(_read(store, lambda uow: uow.provisions.for_subject("s-1")), [record])

    def test_provisions_for_subject_in_order_added_and_only_that_subject(
        self, store: Store
    ) -> None:
        mine = [_provision("p-b"), _provision("p-c"), _provision("p-a")]
        other = _provision("p-0", "s-2")

        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.provisions.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.provisions.for_subject("s-2")), [other])
        assert _read(store, lambda uow: uow.provisions.for_subject("s-unknown")) == []

    def test_r_rec_1_any_record_round_trips(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        records = st.builds(
            ProvisionRecord,
            id=st.just("placeholder"),
            subject_id=st.just("placeholder"),
            recipient=_texts(1),
            recipient_name=_texts(),
            items=_names(),
            purpose=_optional(_texts(1)),
            basis=st.sampled_from(Basis),
            provided_at=_instants(),
            required_by_law=st.booleans(),
            keep_until=_optional(_instants()),
            consent_id=st.none(),
            exemption=_optional(st.sampled_from(Exemption)),
            justification=_optional(_texts()),
            recipient_address=_optional(_texts(1)),
            recipient_representative=_optional(_texts(1)),
        )

        @_hypothesis_settings()
        @given(records)
        def round_trip(template: ProvisionRecord) -> None:
            subject = _subject(_new_id())
            record = attrs.evolve(template, id=_new_id(), subject_id=subject.id)
            _store_all(store, subject, record)
            assert_equivalent(
                _read(store, lambda uow: uow.provisions.for_subject(subject.id)), [record]
            )

        round_trip()
