"""A consent covers what the person was asked about, not what the purpose grows into
(R-CON-1, R-USE-4, R-USE-7; Arts. 18(1), 20(2)).

A consent to a purpose given without naming items covers the items the purpose declared
when the person gave it. A later version of the policy that adds an item to the purpose
does not stretch the person's yes to it: the phone number collected for the service is
not used for promotions, nor collected for them, on a consent given when promotions
used the e-mail address only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import attrs
import pytest

import pipolicy as pp
from pipolicy.storage.repositories import Store
from tests.factories import T0, make_policy
from tests.stores import BACKENDS, open_backend


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def _versions() -> tuple[pp.Policy, pp.Policy]:
    """v1: ``promo`` (permission first) uses the e-mail address; v2 adds the phone."""
    base = make_policy()
    promo = pp.Purpose("promo", items={"email"}, consent=pp.ConsentRule.AT_COLLECTION)
    v1 = make_policy(purposes={**base.purposes, "promo": promo})
    wider = attrs.evolve(promo, items=frozenset({"email", "phone"}))
    v2 = make_policy(
        purposes={**base.purposes, "promo": wider}, version="v2", revised=date(2026, 5, 1)
    )
    return v1, v2


def test_r_con_1_a_consent_covers_the_items_its_purpose_had_when_it_was_given(
    store: Store,
) -> None:
    v1, v2 = _versions()
    clock = pp.FixedClock(T0)
    first = pp.Engine(v1, store, clock=clock)
    s = first.register_subject("u1", category="customer")
    consent = first.grant_consent(s, purpose="promo")
    first.acquire(s, items={"email"}, purposes={"promo"}, channel="web")
    first.acquire(s, items={"name", "phone"}, purposes={"support"}, channel="web")
    assert consent.scope.items == frozenset({"email"})

    clock.set(T0.replace(month=5, day=2))
    engine = pp.Engine(v2, store, clock=clock)
    assert engine.check_use(s, purpose="promo", items={"email"}).allowed
    # Beyond the purpose the phone was collected for, on no consent that covers it.
    use = engine.check_use(s, purpose="promo", items={"phone"})
    assert not use.allowed and use.consent_id is None
    # Collected for promotions, which need the person's permission first (R-USE-7).
    collect = engine.check_acquisition(s, items={"phone"}, purposes={"promo"}, channel="web")
    assert not collect.allowed

    again = engine.grant_consent(s, purpose="promo")  # asked again, under v2
    assert again.id != consent.id and again.scope.items == frozenset({"email", "phone"})
    assert engine.check_use(s, purpose="promo", items={"phone"}).allowed
    assert engine.check_acquisition(s, items={"phone"}, purposes={"promo"}, channel="web").allowed


def test_r_con_1_an_imported_consent_covers_the_items_its_purpose_has_now(store: Store) -> None:
    """Consents imported from another system are yeses too: to what the purpose declares
    in the policy they are imported under. A refusal with no items still refuses all."""
    v1, v2 = _versions()
    clock = pp.FixedClock(T0)
    engine = pp.Engine(v1, store, clock=clock)
    report = engine.import_consents([pp.ConsentImport("u1", purpose="promo")])
    assert report.recorded == 1
    [consent] = engine.consents(pp.Ref("u1"))
    assert consent.scope.items == frozenset({"email"})
    no = engine.refuse_consent(pp.Ref("u1"), purpose="newsletter")
    assert no.scope.items == frozenset()  # every item of the purpose, now and later
    clock.set(T0.replace(month=5, day=2))
    later = pp.Engine(v2, store, clock=clock)
    later.acquire(pp.Ref("u1"), items={"phone"}, purposes={"support"}, channel="web")
    assert not later.check_use(pp.Ref("u1"), purpose="promo", items={"phone"}).allowed


def test_r_con_1_a_retried_grant_finds_a_whole_purpose_consent_recorded_before(
    store: Store,
) -> None:
    """A consent to ``signup`` recorded before grants named items (none: every item) is
    the one a grant of the whole purpose makes now: a retried sign-up returns it, and
    withdrawing the consent returned leaves no other in force (R-CON-1, R-CON-2)."""
    from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence

    engine = pp.Engine(make_policy(), store, clock=pp.FixedClock(T0))
    s = engine.register_subject("u1", category="customer")
    legacy = Consent(
        "legacy-1",
        s.id,
        ConsentScope(purpose="signup"),
        ConsentStatus.GIVEN,
        Evidence("web"),
        "v1",
        T0 - timedelta(days=30),
    )
    with store.unit_of_work() as uow:  # as a store written by an earlier pipolicy holds it
        uow.consents.add(legacy)
        uow.commit()
    engine.acquire(s, items={"name", "email"}, purposes={"signup"}, channel="web")
    again = engine.grant_consent(s, purpose="signup")  # a retried sign-up
    assert again.id == legacy.id
    engine.withdraw_consent(s, consent_id=again.id)
    assert not engine.check_use(s, purpose="signup", items={"email"}).allowed
    assert [c.status for c in engine.consents(s)] == [ConsentStatus.WITHDRAWN]
