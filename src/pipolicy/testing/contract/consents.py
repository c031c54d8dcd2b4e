"""The contract of ``uow.consents``: consents round-trip whole and update by version."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest

from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.domain.facts import SubjectFacts
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import (
    CONTRACT_START,
    JST,
    NPT,
    _consent,
    _hypothesis_settings,
    _instants,
    _names,
    _new_id,
    _optional,
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


def _refused(consent: Consent) -> Consent:
    """``consent`` as the person's refusal, made as it was given."""
    return attrs.evolve(consent, status=ConsentStatus.REFUSED, ended_at=consent.given_at)


def _decision_facts_adding(
    store: Store, consent: Consent
) -> tuple[SubjectFacts | None, SubjectFacts | None]:
    """What a decision reads of ``s-1`` (``facts(..., ended_consents=False)``) in the unit
    that adds ``consent``, and after that unit commits: a store must show its own writes."""
    with store.unit_of_work() as uow:
        uow.consents.add(consent)
        in_unit = uow.facts("s-1", ended_consents=False)
        uow.commit()
    return in_unit, _read(store, lambda uow: uow.facts("s-1", ended_consents=False))


class ConsentRepositoryContract(StoreFixtures):
    """``uow.consents``: consent records with optimistic versions (R-CON-1)."""

    def test_r_con_1_purpose_consent_round_trips(self, store: Store) -> None:
        consent = _consent("c-1", at=datetime(2026, 4, 1, 9, 0, 0, 123456, tzinfo=JST))
        _store_all(store, _subject(), consent)
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_r_con_1_recipient_consent_by_agent_round_trips(self, store: Store) -> None:
        consent = attrs.evolve(
            _consent("c-1"),
            scope=ConsentScope(recipient="partner", items=frozenset({"email", "name"})),
            evidence=Evidence(
                method="paper",
                ref="form-7",
                given_by="agent",
                foreign_info="notice-foreign-us-v2",
                foreign_country="US",
            ),
            expires_at=None,
        )
        _store_all(store, _subject(), consent)
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_r_con_1_scope_without_items_round_trips(self, store: Store) -> None:
        """An empty item set means "every item of the purpose"; it must not become None."""
        consent = attrs.evolve(_consent("c-1"), scope=ConsentScope(purpose="newsletter"))
        _store_all(store, _subject(), consent)
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_unknown_consent_is_none(self, store: Store) -> None:
        assert _read(store, lambda uow: uow.consents.get("c-unknown")) is None
        assert _read(store, lambda uow: uow.consents.for_subject("s-unknown")) == []

    def test_consents_for_subject_in_order_added_and_only_that_subject(self, store: Store) -> None:
        # Same instant for all (one FixedClock operation), ids out of lexical order.
        mine = [
            _consent("c-b", items=frozenset({"email"})),
            _consent("c-c", items=frozenset({"name"})),
            _consent("c-a", items=frozenset({"address"})),
        ]
        other = _consent("c-0", "s-2")

        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.consents.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.consents.for_subject("s-2")), [other])

    def test_r_con_2_facts_for_a_decision_hold_every_consent_still_given(
        self, store: Store
    ) -> None:
        """``facts(sid, ended_consents=False)`` may leave ended consents out (and should,
        for speed) but never one still given, including one given in the same unit."""
        first, ended, second = (
            _consent(f"c-{n}", items=frozenset({item}))
            for n, item in ((1, "email"), (2, "name"), (3, "address"))
        )
        _store_all(store, _subject(), first, ended, second)
        withdrawn = ended.transition(ConsentStatus.WITHDRAWN, CONTRACT_START + timedelta(hours=1))
        _in_unit(store, lambda uow: uow.consents.update(withdrawn))
        with store.unit_of_work() as uow:
            late = _consent("c-4", items=frozenset({"phone"}))
            uow.consents.add(late)
            facts = uow.facts("s-1", ended_consents=False)
            everything = uow.facts("s-1")
        assert facts is not None and everything is not None
        given = [c for c in facts.consents if c.status is ConsentStatus.GIVEN]
        assert_equivalent(given, [first, second, late])
        assert all(c.id == "c-2" for c in facts.consents if c.status is not ConsentStatus.GIVEN)
        assert_equivalent(list(everything.consents), [first, withdrawn, second, late])

    def test_r_tpp_8_facts_for_a_decision_hold_the_persons_no_to_each_recipient(
        self, store: Store
    ) -> None:
        """A refused or withdrawn consent to provision to a recipient is the person's no,
        which stops opt-out provision to it: ``facts(sid, ended_consents=False)`` must
        hold the latest for each recipient (older ones and other ended consents it may
        leave out), one recorded in the same unit included."""
        hour = timedelta(hours=1)

        def to(cid: str, recipient: str, at: datetime) -> Consent:
            scope = ConsentScope(recipient=recipient, items=frozenset({"email"}))
            return attrs.evolve(_consent(cid, at=at), scope=scope)

        start = CONTRACT_START
        given = to("c-given", "partner", start)
        _store_all(store, _subject(), given, _refused(to("c-old-no", "broker", start)))
        withdrawn = given.transition(ConsentStatus.WITHDRAWN, start + hour)
        _in_unit(store, lambda uow: uow.consents.update(withdrawn))
        latest = _refused(to("c-latest-no", "broker", start + 2 * hour))
        for facts in _decision_facts_adding(store, latest):
            assert facts is not None
            ids = {c.id for c in facts.consents}
            assert {"c-given", "c-latest-no"} <= ids
            held = next(c for c in facts.consents if c.id == "c-given")
            assert held.status is ConsentStatus.WITHDRAWN

    def test_r_con_2_facts_for_a_decision_hold_the_persons_no_to_each_purpose(
        self, store: Store
    ) -> None:
        """A refused or withdrawn consent to a purpose is the person's no to it, which
        closes what the predecessor's purpose would otherwise allow for a purpose that
        needs their permission (R-USE-6, R-USE-7): ``facts(sid, ended_consents=False)``
        must hold the latest for each purpose, whole (older ones, expired and revoked
        consents it may leave out), one recorded in the same unit included."""
        hour = timedelta(hours=1)

        def refused(cid: str, purpose: str, at: datetime) -> Consent:
            return _refused(attrs.evolve(_consent(cid, at=at), scope=ConsentScope(purpose=purpose)))

        start = CONTRACT_START
        given = _consent("c-given", at=start)  # to the newsletter
        lapsed = _consent("c-lapsed", at=start, items=frozenset({"name"}))
        _store_all(store, _subject(), given, lapsed, refused("c-old-no", "service", start))
        withdrawn = given.transition(ConsentStatus.WITHDRAWN, start + hour)
        expired = lapsed.transition(ConsentStatus.EXPIRED, start + hour)
        with store.unit_of_work() as uow:
            uow.consents.update(withdrawn)
            uow.consents.update(expired)
            uow.commit()
        latest = refused("c-latest-no", "service", start + 2 * hour)
        for facts in _decision_facts_adding(store, latest):
            assert facts is not None
            held = {c.id: c for c in facts.consents}
            assert {"c-given", "c-latest-no"} <= set(held)
            assert_equivalent(held["c-given"], withdrawn)
            assert_equivalent(held["c-latest-no"], latest)

    def test_r_con_1_one_consent_per_scope_given_at_a_time(self, store: Store) -> None:
        """A second consent of the same scope while one is given conflicts (a retried
        sign-up cannot leave two); once the first has ended, a new one is fine; other
        scopes and other people are independent."""
        first = _consent("c-1")
        _store_all(store, _subject(), _subject("s-2"), first)
        _assert_conflict(store, lambda uow: uow.consents.add(_consent("c-2")))
        _store_all(
            store,
            _consent("c-3", items=frozenset({"email", "name"})),
            _consent("c-4", "s-2"),
        )
        ended = first.transition(ConsentStatus.WITHDRAWN, CONTRACT_START + timedelta(hours=1))
        _in_unit(store, lambda uow: uow.consents.update(ended))
        _store_all(store, _consent("c-5"))
        given = [
            c.id
            for c in _read(store, lambda uow: uow.consents.for_subject("s-1"))
            if c.status is ConsentStatus.GIVEN
        ]
        assert given == ["c-3", "c-5"]

    def test_r_con_1_update_to_next_version_persists(self, store: Store) -> None:
        consent = _consent("c-1")
        withdrawn = consent.transition(
            ConsentStatus.WITHDRAWN, datetime(2026, 5, 1, 12, 0, tzinfo=NPT)
        )
        _store_all(store, _subject(), consent)
        _in_unit(store, lambda uow: uow.consents.update(withdrawn))
        stored = _read(store, lambda uow: uow.consents.get("c-1"))
        assert_equivalent(stored, withdrawn)
        assert stored is not None and stored.version == 2
        assert_equivalent(_read(store, lambda uow: uow.consents.for_subject("s-1")), [withdrawn])

    def test_update_with_a_stale_version_conflicts_and_keeps_the_record(self, store: Store) -> None:
        consent = _consent("c-1")
        _store_all(store, _subject(), consent)
        # Version 3 does not follow the stored version 1.
        skipped = attrs.evolve(consent, status=ConsentStatus.REVOKED, version=3)
        _assert_conflict_now(store, lambda uow: uow.consents.update(skipped))
        # Version 1 again is not a new version.
        same = attrs.evolve(consent, evidence=Evidence(method="forged"))
        _assert_conflict_now(store, lambda uow: uow.consents.update(same))
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_lost_update_across_units_of_work_conflicts(self, store: Store) -> None:
        """Read v1; someone else writes v2; writing v2 from the stale copy must conflict."""
        _store_all(store, _subject(), _consent("c-1"))
        stale = _read(store, lambda uow: uow.consents.get("c-1"))
        assert stale is not None and stale.version == 1
        first = stale.transition(ConsentStatus.WITHDRAWN, CONTRACT_START + timedelta(hours=1))
        _in_unit(store, lambda uow: uow.consents.update(first))
        second = stale.transition(ConsentStatus.EXPIRED, CONTRACT_START + timedelta(hours=2))
        assert second.version == first.version == 2
        _assert_conflict_now(store, lambda uow: uow.consents.update(second))
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), first)

    def test_update_of_an_unknown_consent_conflicts(self, store: Store) -> None:
        _in_unit(store, lambda uow: uow.subjects.add(_subject()))
        ghost = attrs.evolve(_consent("c-ghost"), version=2)
        _assert_conflict_now(store, lambda uow: uow.consents.update(ghost))
        assert _read(store, lambda uow: uow.consents.get("c-ghost")) is None

    def test_duplicate_consent_id_conflicts(self, store: Store) -> None:
        first = _consent("c-1")
        _store_all(store, _subject(), first)
        again = attrs.evolve(_consent("c-1"), scope=ConsentScope(purpose="service"))
        _assert_conflict(store, lambda uow: uow.consents.add(again))
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), first)

    def test_r_con_1_any_consent_round_trips(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        name = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=16)
        scopes = st.one_of(
            st.builds(ConsentScope, purpose=name, items=st.just(frozenset()) | _names()),
            st.builds(ConsentScope, recipient=name, items=_names()),
        )
        consents = st.builds(
            Consent,
            id=st.just("placeholder"),
            subject_id=st.just("placeholder"),
            scope=scopes,
            status=st.sampled_from(ConsentStatus),
            evidence=st.builds(
                Evidence,
                method=_texts(1),
                ref=_texts(),
                given_by=st.sampled_from(["person", "agent"]),
                foreign_info=_texts(),
                foreign_country=st.sampled_from(["", "US", "SG"]),
            ),
            policy_version=_texts(1),
            given_at=_instants(),
            expires_at=_optional(_instants()),
            ended_at=_optional(_instants()),
            version=st.integers(1, 10_000),
        )

        @_hypothesis_settings()
        @given(consents)
        def round_trip(template: Consent) -> None:
            subject = _subject(_new_id())
            consent = attrs.evolve(template, id=_new_id(), subject_id=subject.id)
            _store_all(store, subject, consent)
            assert_equivalent(_read(store, lambda uow: uow.consents.get(consent.id)), consent)
            assert_equivalent(
                _read(store, lambda uow: uow.consents.for_subject(subject.id)), [consent]
            )

        round_trip()
