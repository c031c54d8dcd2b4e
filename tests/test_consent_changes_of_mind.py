"""A person's latest word on a scope is what counts (R-CON-1, R-CON-2, R-XB-1).

A refusal after a consent to the same purpose or recipient is a withdrawal of it: the
earlier "yes" must not keep allowing use or provision. A second consent given with a
foreign information the one in force lacks (Art. 28) is recorded, not swallowed as a
retry.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import attrs
import pytest

import pipolicy as pp
from pipolicy.storage.repositories import Store
from tests.factories import T0, make_engine, make_policy
from tests.stores import BACKENDS, open_backend


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def _held(engine: pp.Engine) -> pp.Subject:
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    return s


def test_r_con_2_a_refusal_after_a_consent_to_a_purpose_ends_the_consent() -> None:
    engine, clock = make_engine()
    s = _held(engine)
    given = engine.grant_consent(s, purpose="newsletter")
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    clock.advance(timedelta(days=1))
    refused = engine.refuse_consent(s, purpose="newsletter", evidence=pp.Evidence("settings"))
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert not d.allowed
    statuses = {c.id: c.status for c in engine.consents(s)}
    assert statuses == {given.id: pp.ConsentStatus.WITHDRAWN, refused.id: pp.ConsentStatus.REFUSED}
    [event] = [e for e in engine.audit_events() if e.kind == "consent.withdrawn"]
    assert event.payload["consent_id"] == given.id
    assert event.payload["by_refusal"] == refused.id
    assert event.payload["method"] == "settings"


def test_r_con_2_a_refusal_after_a_consent_to_a_recipient_stops_provision(store: Store) -> None:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(make_policy(), store=store, clock=clock)
    s = _held(engine)
    engine.grant_consent(s, recipient="partner", items={"name"})
    assert engine.check_provision(s, recipient="partner", items={"name"}, purpose="service").allowed
    clock.advance(timedelta(days=1))
    engine.refuse_consent(s, recipient="partner", items={"name"})
    d = engine.check_provision(s, recipient="partner", items={"name"}, purpose="service")
    assert not d.allowed
    assert not engine.check_provision_many(
        [pp.ProvisionCheck(s, recipient="partner", items={"name"}, purpose="service")]
    )[0].allowed


def test_r_con_2_a_refusal_ends_only_consents_it_touches() -> None:
    engine, _ = make_engine()
    s = _held(engine)
    engine.grant_consent(s, recipient="partner", items={"name"})
    engine.grant_consent(s, purpose="newsletter")
    engine.refuse_consent(s, recipient="partner", items={"email"})  # other items only
    assert engine.check_provision(s, recipient="partner", items={"name"}, purpose="service").allowed
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    engine.refuse_consent(s, recipient="partner", items={"name", "email"})  # overlaps
    assert not engine.check_provision(
        s, recipient="partner", items={"name"}, purpose="service"
    ).allowed
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed


def test_r_con_2_a_consent_after_the_refusal_allows_again() -> None:
    engine, clock = make_engine()
    s = _held(engine)
    engine.grant_consent(s, purpose="newsletter")
    clock.advance(timedelta(days=1))
    engine.refuse_consent(s, purpose="newsletter")
    clock.advance(timedelta(days=1))
    engine.grant_consent(s, purpose="newsletter")
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed


def test_r_xb_1_a_consent_given_again_with_the_foreign_information_is_recorded() -> None:
    base = make_policy()
    partner = attrs.evolve(base.recipients["partner"], country="US")
    engine, clock = make_engine(make_policy(recipients={**base.recipients, "partner": partner}))
    s = _held(engine)
    first = engine.grant_consent(
        s, recipient="partner", items={"email"}, evidence=pp.Evidence("form-v1")
    )

    def q() -> pp.Decision:
        return engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")

    assert not q().allowed  # not told about the country
    clock.advance(timedelta(days=1))
    shown = pp.Evidence("form-v2", foreign_info="notice-foreign-us-v2")
    second = engine.grant_consent(s, recipient="partner", items={"email"}, evidence=shown)
    assert second.id != first.id and second.evidence == shown
    d = q()
    assert d.allowed and d.basis is pp.Basis.CONSENT
    # One consent per scope in force: the earlier one ended as the new one began.
    assert [c.id for c in engine.consents(s) if c.status is pp.ConsentStatus.GIVEN] == [second.id]


def test_r_con_1_a_retried_grant_with_the_same_evidence_records_nothing() -> None:
    engine, _ = make_engine()
    s = _held(engine)
    how = pp.Evidence("signup-form", "v3")
    first = engine.grant_consent(s, purpose="newsletter", evidence=how)
    again = engine.grant_consent(s, purpose="newsletter", evidence=how)
    clicked = engine.grant_consent(s, purpose="newsletter", evidence=pp.Evidence("app", "v4"))
    assert again == first == clicked and len(engine.consents(s)) == 1


def test_r_con_2_settle_refusals_withdraws_what_an_older_refusal_took_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store written before refuse_consent withdrew consents itself: the refusal is
    there, the consent still given. settle_refusals ends it at the refusal's moment."""
    clock = pp.FixedClock(T0)
    engine = pp.Engine(make_policy(), store=store, clock=clock)
    s = _held(engine)
    purpose_yes = engine.grant_consent(s, purpose="newsletter")
    partner_yes = engine.grant_consent(s, recipient="partner", items={"name"})
    untouched = engine.grant_consent(s, recipient="partner", items={"email"})
    clock.advance(timedelta(days=1))
    with monkeypatch.context() as old_code:  # refuse as the code before this fix did
        old_code.setattr(pp.ConsentScope, "meets", lambda *_: False)
        no = engine.refuse_consent(s, purpose="newsletter")
        engine.refuse_consent(s, recipient="partner", items={"name"})
    clock.advance(timedelta(days=1))
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed  # the harm

    assert engine.settle_refusals(dry_run=True) == 2
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed  # unchanged
    assert engine.settle_refusals() == 2
    assert engine.settle_refusals() == 0  # once is enough

    assert not engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    assert not engine.check_provision(
        s, recipient="partner", items={"name"}, purpose="service"
    ).allowed
    assert engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    ended = {c.id: c for c in engine.consents(s)}
    assert ended[purpose_yes.id].status is pp.ConsentStatus.WITHDRAWN
    assert ended[purpose_yes.id].ended_at == no.given_at
    assert ended[partner_yes.id].status is pp.ConsentStatus.WITHDRAWN
    assert ended[untouched.id].status is pp.ConsentStatus.GIVEN
    settled = [e for e in engine.audit_events() if e.payload.get("settled")]
    assert {e.payload["consent_id"] for e in settled} == {purpose_yes.id, partner_yes.id}
    assert engine.verify_audit().ok
