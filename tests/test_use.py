"""Use within and beyond purposes (R-USE-1, -4, -5, -7, -9, R-SEC-1, R-PRI-1, R-CON-2, R-CON-3)."""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest

import pipolicy as pp
from tests.factories import JST, make_engine


def customer(engine: pp.Engine, ref: str = "c1") -> pp.Subject:
    return engine.register_subject(ref, category="customer")


def test_r_use_1_nothing_acquired_gives_a_denial_not_an_error() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    d = engine.check_use(s, purpose="service", items={"email"})
    assert not d.allowed and d.basis is None
    assert any("R-USE-1" in r for r in d.reasons)


def test_r_use_4_within_notified_purpose_is_allowed_with_citations() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    d = engine.check_use(s, purpose="service", items={"email"})
    assert d.allowed and d.basis is pp.Basis.NOTIFIED_PURPOSE
    assert "APPI Art. 18(1)" in d.citations
    assert "policy:purposes.service" in d.citations


def test_r_use_4_use_beyond_notified_purpose_is_denied_without_consent() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert not d.allowed
    assert any("R-USE-4" in r for r in d.reasons)
    assert "APPI Art. 18(1)" in d.citations


def test_r_use_4_prior_consent_extends_the_scope() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    consent = engine.grant_consent(
        s, purpose="newsletter", evidence=pp.Evidence("web-form", "nl-1")
    )
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert d.allowed and d.basis is pp.Basis.CONSENT
    assert d.consent_id == consent.id


def test_r_con_2_withdrawal_applies_to_every_later_decision() -> None:
    engine, clock = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    engine.grant_consent(s, purpose="service")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    record = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    clock.advance(timedelta(minutes=1))
    [withdrawn] = engine.withdraw_consent(s, recipient="partner")
    assert withdrawn.status is pp.ConsentStatus.WITHDRAWN
    assert withdrawn.version == 2
    assert not engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    # the record made before the withdrawal stays
    assert record in engine.provisions(s)


def test_r_con_1_withdrawn_consent_is_never_revived() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.grant_consent(s, purpose="newsletter")
    engine.withdraw_consent(s, purpose="newsletter")
    with pytest.raises(pp.InvalidTransition):
        engine.withdraw_consent(s, purpose="newsletter")
    [consent] = engine.consents(s)
    with pytest.raises(pp.InvalidTransition):
        consent.transition(pp.ConsentStatus.GIVEN, consent.given_at)


def test_r_con_1_expired_consent_no_longer_grants() -> None:
    engine, clock = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter", expires=clock.now() + timedelta(days=30))
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    clock.advance(timedelta(days=30))
    assert not engine.check_use(s, purpose="newsletter", items={"email"}).allowed


def test_r_con_1_refused_consent_grants_nothing() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    refused = engine.refuse_consent(s, purpose="newsletter")
    assert refused.status is pp.ConsentStatus.REFUSED
    assert not engine.check_use(s, purpose="newsletter", items={"email"}).allowed


def test_r_use_7_consent_at_collection_needed_even_within_purpose() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    with pytest.raises(pp.AcquisitionDenied) as info:
        engine.acquire(s, items={"email"}, purposes={"signup"}, channel="web")
    assert any("R-USE-7" in r for r in info.value.decision.reasons)
    engine.grant_consent(s, purpose="signup")
    engine.acquire(s, items={"email"}, purposes={"signup"}, channel="web")
    assert engine.check_use(s, purpose="signup", items={"email"}).basis is pp.Basis.CONSENT
    engine.withdraw_consent(s, purpose="signup")
    d = engine.check_use(s, purpose="signup", items={"email"})
    assert not d.allowed and any("R-USE-7" in r for r in d.reasons)


def test_r_use_5_exemption_needs_justification_and_policy_permission() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    with pytest.raises(pp.InvalidInput, match="justification"):
        engine.check_use(s, purpose="newsletter", items={"email"}, exemption="life_body_property")
    d = engine.check_use(
        s,
        purpose="newsletter",
        items={"email"},
        exemption=pp.Exemption.LIFE_BODY_PROPERTY,
        justification="earthquake safety check",
    )
    assert d.allowed and d.basis is pp.Basis.EXEMPTION
    assert d.citations == ("APPI Art. 18(3)(ii)",)

    strict, _ = make_engine(policy=_only_law_exemption())
    s2 = strict.register_subject("c2", category="customer")
    strict.acquire(s2, items={"email"}, purposes={"service"}, channel="web")
    denied = strict.check_use(
        s2,
        purpose="newsletter",
        items={"email"},
        exemption=pp.Exemption.LIFE_BODY_PROPERTY,
        justification="earthquake safety check",
    )
    assert not denied.allowed


def _only_law_exemption() -> pp.Policy:
    from tests.factories import make_policy

    return make_policy(use_exemptions={"laws_and_regulations"})


def test_r_use_9_one_categorys_data_is_not_used_for_anothers_purpose() -> None:
    engine, _ = make_engine()
    applicant = engine.register_subject("a1", category="applicant")
    engine.acquire(applicant, items={"name", "resume"}, purposes={"hiring"}, channel="email")
    assert engine.check_use(applicant, purpose="hiring", items={"resume"}).allowed
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(applicant, items={"name", "email"}, purposes={"service"}, channel="web")
    d = engine.check_use(applicant, purpose="service", items={"name"})
    assert not d.allowed and any("R-USE-9" in r for r in d.reasons)


def test_r_use_9_unknown_category_is_a_typed_error() -> None:
    engine, _ = make_engine()
    with pytest.raises(pp.UnknownCategory):
        engine.register_subject("x", category="martian")


def test_r_sec_1_restricted_purpose_needs_an_authorised_actor() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"name", "phone"}, purposes={"support"}, channel="telephone")
    assert not engine.check_use(s, purpose="support", items={"phone"}).allowed
    assert not engine.check_use(s, purpose="support", items={"phone"}, actor="staff-7").allowed
    ok = engine.check_use(
        s, purpose="support", items={"phone"}, actor=pp.Actor("staff-7", frozenset({"support"}))
    )
    assert ok.allowed and "APPI Art. 18(1)" in ok.citations
    assert engine.check_use(s, purpose="support", items={"phone"}, actor="support").allowed


def test_r_pri_1_identifier_linkage_needs_a_purpose_that_announces_it() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"cookie_id"}, purposes={"analytics"}, channel="web")
    with pytest.raises(pp.AcquisitionDenied) as info:
        engine.acquire(s, items={"email"}, purposes={"tracking"}, channel="web")
    # Own linkage: notified purposes (Art. 21(1)); Art. 31 is about giving data to others.
    assert "APPI Art. 21(1)" in info.value.decision.citations
    assert "APPI Art. 31" not in info.value.decision.citations
    engine.acquire(s, items={"email"}, purposes={"personalisation"}, channel="web")
    d = engine.check_use(s, purpose="tracking", items={"cookie_id", "email"})
    assert not d.allowed and any("R-PRI-1" in r for r in d.reasons)
    ok = engine.check_use(s, purpose="personalisation", items={"cookie_id", "email"})
    assert not ok.allowed  # cookie_id was acquired for analytics only: beyond purpose
    engine.grant_consent(s, purpose="personalisation")
    assert engine.check_use(s, purpose="personalisation", items={"cookie_id", "email"}).allowed


def test_r_con_3_change_beyond_relevance_voids_earlier_consent_and_notice() -> None:
    before = datetime(2026, 2, 1, 9, 0, tzinfo=JST)
    engine, clock = make_engine(at=before)
    s = customer(engine)
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    engine.grant_consent(s, purpose="research")
    clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=JST))  # after the 2026-03-01 unrelated change
    d = engine.check_use(s, purpose="research", items={"email"})
    assert not d.allowed
    engine.grant_consent(s, purpose="research")
    assert engine.check_use(s, purpose="research", items={"email"}).allowed


def test_r_con_3_a_change_not_yet_in_effect_voids_nothing() -> None:
    """Until its revision day, the purpose means what it meant: data acquired and a
    consent given under that meaning serve it (the 2026-03-01 change is a month away)."""
    engine, clock = make_engine(at=datetime(2026, 2, 1, 9, 0, tzinfo=JST))
    s = customer(engine)
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    engine.grant_consent(s, purpose="research")
    assert engine.check_use(s, purpose="research", items={"email"}).allowed
    clock.set(datetime(2026, 2, 28, 23, 59, tzinfo=JST))  # its last minute
    assert engine.check_use(s, purpose="research", items={"email"}).allowed
    clock.set(datetime(2026, 3, 1, 0, 0, tzinfo=JST))  # the change's first instant
    assert not engine.check_use(s, purpose="research", items={"email"}).allowed


def test_items_outside_the_purpose_are_denied() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"name", "phone"}, purposes={"support"}, channel="telephone")
    engine.grant_consent(s, purpose="newsletter")
    d = engine.check_use(s, purpose="newsletter", items={"phone"})
    assert not d.allowed and any("R-ACQ-2" in r for r in d.reasons)


def test_use_records_the_decision_and_raises_on_denial() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    d = engine.use(s, purpose="service", items={"email"}, actor="staff-1")
    assert d.allowed
    with pytest.raises(pp.UseDenied) as info:
        engine.use(s, purpose="newsletter", items={"email"})
    assert not info.value.decision.allowed
    kinds = [e.kind for e in engine.audit_events()]
    assert kinds[-2:] == ["use.allowed", "use.denied"]
    assert engine.verify_audit().ok


def test_decisions_name_the_rules_they_rest_on_for_machines() -> None:
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert d.rules == ("R-USE-4",)
    with pytest.raises(pp.UseDenied):
        engine.use(s, purpose="newsletter", items={"email"})
    event = list(engine.audit_events())[-1]
    assert event.payload["rules"] == ["R-USE-4"]
    assert event.payload["policy_version"] == "v1"
    assert engine.check_use(s, purpose="service", items={"email"}).rules == ()


def test_r_con_2_a_consent_was_in_force_only_between_giving_and_withdrawal() -> None:
    engine, clock = make_engine()
    s = customer(engine)
    given = clock.now()
    engine.grant_consent(s, purpose="newsletter")
    clock.advance(timedelta(days=1))
    [withdrawn] = engine.withdraw_consent(s, purpose="newsletter")
    assert withdrawn.active_at(given + timedelta(hours=1))
    assert not withdrawn.active_at(withdrawn.ended_at or given)
    assert not withdrawn.active_at(given - timedelta(seconds=1))
    odd = attrs.evolve(withdrawn, ended_at=None)  # ended, time unknown: fail closed
    assert not odd.active_at(given + timedelta(hours=1))


def test_r_use_4_items_notified_for_the_purpose_and_items_consented_to_are_used_together() -> None:
    """Art. 18(1) asks, of each item, that the purpose was notified for it or the person
    consented beforehand: a phone number given for support, and a name and e-mail
    address the person agreed may serve support, are used for support together, as each
    may be alone (the denial said there was no prior consent, which was not true)."""
    engine, _ = make_engine()
    s = customer(engine)
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.acquire(s, items={"phone"}, purposes={"support"}, channel="telephone")
    consent = engine.grant_consent(s, purpose="support", items={"name", "email"})
    staff = pp.Actor("staff-7", frozenset({"support"}))
    for alone in ({"phone"}, {"name", "email"}):
        assert engine.check_use(s, purpose="support", items=alone, actor=staff).allowed

    d = engine.check_use(s, purpose="support", items={"name", "email", "phone"}, actor=staff)
    assert d.allowed and d.basis is pp.Basis.CONSENT
    assert d.consent_id == consent.id
    assert [(r.key, r.params["items"]) for r in d.why] == [("partly_consented", ("email", "name"))]
    assert d.citations == ("APPI Art. 18(1)", "APPI Art. 21(1)", "policy:purposes.support")
    [many] = engine.check_use_many([pp.UseCheck(s, "support", {"name", "email", "phone"}, staff)])
    assert many == d

    # An item neither notified for the purpose nor consented to still stops the use.
    engine.withdraw_consent(s, purpose="support")
    engine.grant_consent(s, purpose="support", items={"name"})
    d = engine.check_use(s, purpose="support", items={"name", "email", "phone"}, actor=staff)
    assert not d.allowed and d.rules == ("R-USE-4",)


def test_r_use_7_a_purpose_needing_permission_is_not_opened_by_its_notice_for_some_items() -> None:
    """Within a purpose that asks permission first, every item needs it: the notice that
    covers the rest of the items does not stand in for it."""
    engine, _ = make_engine()
    s = customer(engine)
    engine.grant_consent(s, purpose="signup")
    engine.acquire(s, items={"name", "email"}, purposes={"signup"}, channel="web")
    engine.withdraw_consent(s, purpose="signup")
    engine.grant_consent(s, purpose="signup", items={"name"})
    d = engine.check_use(s, purpose="signup", items={"name", "email"})
    assert not d.allowed and d.rules == ("R-USE-7",)


def test_r_use_7_a_permission_given_after_collection_is_not_said_to_come_before_it() -> None:
    """The person withdrew the permission the data was collected on and gave it again:
    the use rests on the new one, which came after the collection, and the reason says
    so instead of "permission given before collection"."""
    engine, clock = make_engine()
    s = customer(engine)
    engine.grant_consent(s, purpose="signup")
    engine.acquire(s, items={"name", "email"}, purposes={"signup"}, channel="web")
    d = engine.check_use(s, purpose="signup", items={"email"})
    assert [r.key for r in d.why] == ["permission_given"]

    clock.advance(timedelta(days=1))
    engine.withdraw_consent(s, purpose="signup")
    clock.advance(timedelta(days=1))
    again = engine.grant_consent(s, purpose="signup")
    d = engine.check_use(s, purpose="signup", items={"email"})
    assert d.allowed and d.basis is pp.Basis.CONSENT and d.consent_id == again.id
    assert [r.key for r in d.why] == ["permission_given_later"]
    assert "before collection" not in d.reasons[0] and d.rules == ("R-USE-7",)

    clock.advance(timedelta(days=1))  # collected again, now on the new permission
    engine.acquire(s, items={"email"}, purposes={"signup"}, channel="web")
    assert [r.key for r in engine.check_use(s, purpose="signup", items={"email"}).why] == [
        "permission_given"
    ]
    later = engine.check_use(s, purpose="signup", items={"name", "email"})
    assert [r.key for r in later.why] == ["permission_given_later"]  # the name was not


def test_r_con_2_a_purpose_needing_permission_after_the_person_withdrew_says_so() -> None:
    """After the person withdrew their permission (or refused it), the denial says they
    did and when, not that their consent has "not yet" been given (「まだ同意を
    いただいておりません」 was untrue of someone who gave it and took it back)."""
    engine, clock = make_engine()
    s = customer(engine)
    engine.grant_consent(s, purpose="signup")
    engine.acquire(s, items={"name", "email"}, purposes={"signup"}, channel="web")
    clock.set(datetime(2026, 4, 2, 23, 30, tzinfo=JST))
    engine.withdraw_consent(s, purpose="signup")
    d = engine.check_use(s, purpose="signup", items={"email"})
    assert not d.allowed and d.rules == ("R-USE-7", "R-CON-2")
    [why] = d.why
    assert (why.key, why.params["on"], why.params["how"]) == (
        "permission_declined",
        "2026-04-02",
        "withdrawn",
    )
    assert "withdrew consent to purpose 'signup' on 2026-04-02" in d.reasons[0]

    # A consent given after the no, since lapsed, is the latest word: nothing said of the no.
    engine.grant_consent(s, purpose="signup", expires=clock.now() + timedelta(days=1))
    clock.advance(timedelta(days=2))
    d = engine.check_use(s, purpose="signup", items={"email"})
    assert [r.key for r in d.why] == ["permission_needed"]
