"""A consent a renewal replaced, on the store: the person's no by its id, and its end.

A second grant of a scope that lasts longer (or comes with foreign information) ends the
consent in force and records a new one (:func:`pipolicy.rules.renewal.renewal`). The
person still holds the first one's receipt: a withdrawal naming it must end the consent
that took its place (R-CON-2), and what they read of it must not say its term ran out.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pipolicy.clock import FixedClock
from pipolicy.domain.consents import Consent, ConsentStatus
from pipolicy.domain.subjects import Subject
from pipolicy.engine import Engine
from pipolicy.errors import InvalidTransition
from pipolicy.receipts import consent_receipt
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import CONTRACT_START, contract_policy
from pipolicy.testing.contract.fixtures import StoreFixtures, _read

YEAR = timedelta(days=365)


class RenewalContract(StoreFixtures):
    """Renewed consents through the engine: withdrawal by the replaced one's id, and
    how the replaced one reads."""

    @pytest.fixture
    def clock(self) -> FixedClock:
        return FixedClock(CONTRACT_START)

    @pytest.fixture
    def engine(self, store: Store, clock: FixedClock) -> Engine:
        return Engine(contract_policy(), store=store, clock=clock)

    @classmethod
    def _renewed(cls, engine: Engine, clock: FixedClock) -> tuple[Subject, Consent, Consent]:
        """A person who consented to provision to ``partner`` for a year, then, a day
        later, again without an expiry (another device): the first and the second."""
        return cls._renewed_for(engine, clock, YEAR, None)

    @staticmethod
    def _renewed_for(
        engine: Engine, clock: FixedClock, first: timedelta, second: timedelta | None
    ) -> tuple[Subject, Consent, Consent]:
        """A person who consented to provision to ``partner`` for ``first``, then, a day
        later, again for ``second`` (None: without an expiry): the two consents."""
        subject = engine.register_subject("user-1", category="customer")
        engine.acquire(subject, items={"name", "email"}, purposes={"service"}, channel="web")
        one = engine.grant_consent(
            subject, recipient="partner", items={"email"}, expires=clock.now() + first
        )
        clock.advance(timedelta(days=1))
        two = engine.grant_consent(
            subject,
            recipient="partner",
            items={"email"},
            expires=None if second is None else clock.now() + second,
        )
        return subject, one, two

    @staticmethod
    def _provides(engine: Engine, subject: Subject) -> bool:
        check = engine.check_provision(
            subject, recipient="partner", items={"email"}, purpose="service"
        )
        return check.allowed

    def test_r_con_2_withdrawing_a_consent_a_renewal_replaced_ends_the_one_in_force(
        self, engine: Engine, store: Store, clock: FixedClock
    ) -> None:
        subject, first, second = self._renewed(engine, clock)
        assert second.id != first.id and self._provides(engine, subject)
        replaced = engine.consent(first.id)
        clock.advance(timedelta(days=1))

        # The person withdraws by the id on the receipt they hold: the first consent's.
        (withdrawn,) = engine.withdraw_consent(subject, consent_id=first.id)

        assert withdrawn.id == second.id
        assert withdrawn.status is ConsentStatus.WITHDRAWN
        assert withdrawn.ended_at == clock.now()
        stored = _read(store, lambda uow: uow.consents.get(second.id))
        assert stored is not None and stored.status is ConsentStatus.WITHDRAWN
        assert engine.consent(first.id) == replaced  # its own end stays as it was
        assert not self._provides(engine, subject)
        # Recorded as what it was: a withdrawal by the id of the consent it replaced.
        event = [e for e in engine.audit_events() if e.kind == "consent.withdrawn"][-1]
        assert event.payload["consent_id"] == second.id
        assert event.payload["in_place_of"] == first.id
        # Said twice: nothing is in force any more, and that is no error to swallow.
        with pytest.raises(InvalidTransition):
            engine.withdraw_consent(subject, consent_id=first.id)

    def test_r_con_2_withdrawing_the_scope_after_a_renewal_ends_the_one_in_force(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        subject, first, second = self._renewed(engine, clock)
        clock.advance(timedelta(days=1))

        (withdrawn,) = engine.withdraw_consent(subject, recipient="partner")

        assert withdrawn.id == second.id and withdrawn.status is ConsentStatus.WITHDRAWN
        assert engine.consent(first.id).status is ConsentStatus.EXPIRED
        assert not self._provides(engine, subject)

    def test_r_con_2_a_withdrawal_by_a_replaced_id_never_reaches_another_scope(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        subject, first, _ = self._renewed(engine, clock)
        newsletter = engine.grant_consent(subject, purpose="newsletter")
        clock.advance(timedelta(days=1))

        engine.withdraw_consent(subject, consent_id=first.id)

        assert engine.consent(newsletter.id).status is ConsentStatus.GIVEN

    def test_r_con_2_a_replaced_consent_is_not_said_to_have_run_out_its_term(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        _, first, second = self._renewed(engine, clock)
        replaced = engine.consent(first.id)
        assert replaced.expires_at is not None and replaced.ended_at is not None
        assert replaced.ended_at < replaced.expires_at  # its term had not run out
        assert replaced.replaced and not second.replaced

        receipt = consent_receipt(engine, first.id)
        ended = receipt["notes"][-1]
        assert "expired" not in ended.lower()
        assert "again" in ended  # the person consented again: that is why it ended
        assert "2 April 2026" in ended  # the day of the renewal, not of its expiry
        (termination,) = {p["termination"] for s in receipt["services"] for p in s["purposes"]}
        assert termination.split()[0] == "replaced"

        record = consent_receipt(engine, first.id, format="dpv")
        assert record["replaced"] is True
        assert record["notes"][-1] == ended

    def test_r_con_2_a_consent_whose_term_ran_out_still_reads_expired_on_its_expiry(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        subject = engine.register_subject("user-1", category="customer")
        first = engine.grant_consent(
            subject, recipient="partner", items={"email"}, expires=clock.now() + YEAR
        )
        clock.advance(YEAR + timedelta(days=30))  # it lapsed; a month later, a new yes
        engine.grant_consent(subject, recipient="partner", items={"email"})
        lapsed = engine.consent(first.id)
        assert lapsed.status is ConsentStatus.EXPIRED and not lapsed.replaced

        ended = consent_receipt(engine, first.id)["notes"][-1]
        assert "expired on 1 April 2027" in ended  # its expiry, not the day recorded
        assert "replaced" not in consent_receipt(engine, first.id, format="dpv")

    def test_r_con_2_a_replaced_consent_s_id_never_reaches_a_yes_given_after_a_no(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        # Renewed, then the renewal withdrawn, then a new yes: the person's later word.
        subject, first, second = self._renewed(engine, clock)
        clock.advance(timedelta(days=1))
        engine.withdraw_consent(subject, consent_id=second.id)
        clock.advance(timedelta(days=1))
        third = engine.grant_consent(subject, recipient="partner", items={"email"})
        clock.advance(timedelta(days=1))

        with pytest.raises(InvalidTransition):
            engine.withdraw_consent(subject, consent_id=first.id)

        assert engine.consent(third.id).status is ConsentStatus.GIVEN
        assert self._provides(engine, subject)

    def test_r_con_2_a_lapsed_consent_s_id_never_reaches_a_yes_given_after_it(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        subject = engine.register_subject("user-1", category="customer")
        engine.acquire(subject, items={"name", "email"}, purposes={"service"}, channel="web")
        first = engine.grant_consent(
            subject, recipient="partner", items={"email"}, expires=clock.now() + YEAR
        )
        clock.advance(YEAR + timedelta(days=30))  # its term ran out; a month on, a new yes
        second = engine.grant_consent(subject, recipient="partner", items={"email"})

        with pytest.raises(InvalidTransition):
            engine.withdraw_consent(subject, consent_id=first.id)

        assert engine.consent(second.id).status is ConsentStatus.GIVEN

    def test_r_con_2_a_retry_after_a_renewal_leaves_the_withdrawal_to_the_one_in_force(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        subject, first, second = self._renewed(engine, clock)
        clock.advance(timedelta(days=1))
        third = engine.grant_consent(
            subject, recipient="partner", items={"email"}, evidence=None, expires=None
        )
        assert third.id == second.id  # a retry: the one in force
        clock.advance(timedelta(days=1))
        (withdrawn,) = engine.withdraw_consent(subject, consent_id=first.id)
        assert withdrawn.id == second.id

    def test_r_con_2_a_withdrawal_follows_two_renewals_to_the_consent_in_force(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        # A for a year, B for two (replacing A), C without an expiry (replacing B): the
        # person withdraws by A's receipt; C, in force, ends.
        subject, first, second = self._renewed_for(engine, clock, YEAR, 2 * YEAR)
        clock.advance(timedelta(days=1))
        third = engine.grant_consent(subject, recipient="partner", items={"email"})
        assert len({first.id, second.id, third.id}) == 3
        clock.advance(timedelta(days=1))

        (withdrawn,) = engine.withdraw_consent(subject, consent_id=first.id)

        assert withdrawn.id == third.id
        assert not self._provides(engine, subject)
