"""Provision to a recipient abroad (R-XB-1, Art. 28): only on consent given after the
person was shown the country's system and the recipient's measures, unless the country
is designated equivalent, the recipient keeps equivalent measures under contract, or an
exemption applies. Entrustment abroad is covered too."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.binding import record_digest
from tests.factories import CONTRACT, T0, make_engine, make_policy, recorded_earlier

SHOWN = pp.Evidence("web-form", "consent-v4", foreign_info="notice-foreign-us-v2")


def _policy(**recipient: Any) -> pp.Policy:
    base = make_policy()
    partner = attrs.evolve(base.recipients["partner"], **{"country": "US", **recipient})
    shipping = attrs.evolve(base.recipients["shipping"], country="SG")
    return make_policy(recipients={**base.recipients, "partner": partner, "shipping": shipping})


def _consented_provision(policy: pp.Policy, evidence: pp.Evidence | None = None) -> pp.Decision:
    """A person whose email is held, consenting to the partner: may it be provided?"""
    engine, _ = make_engine(policy)
    s = _held(engine)
    engine.grant_consent(s, recipient="partner", items={"email"}, evidence=evidence)
    return engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")


def _held(engine: pp.Engine) -> pp.Subject:
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    return s


def test_r_xb_1_consent_with_the_foreign_information_allows_it() -> None:
    engine, _ = make_engine(_policy())
    s = _held(engine)
    engine.grant_consent(s, recipient="partner", items={"email"}, evidence=SHOWN)
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.CONSENT and "APPI Art. 28" in d.citations
    record = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    assert record.country == "US"  # the provision record notes the country
    [event] = [e for e in engine.audit_events() if e.kind == "provision.recorded"]
    assert event.payload["country"] == "US"


def test_r_xb_1_a_plain_consent_is_not_enough() -> None:
    engine, _ = make_engine(_policy())
    s = _held(engine)
    engine.grant_consent(s, recipient="partner", items={"email"})
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert not d.allowed and d.rules == ("R-XB-1",) and "evidence.foreign_info" in d.reasons[0]
    none = make_engine(_policy())[0]
    t = _held(none)
    assert not none.check_provision(t, recipient="partner", items={"email"}, purpose="service")


def test_r_xb_1_entrustment_abroad_needs_it_too() -> None:
    engine, _ = make_engine(_policy())
    s = _held(engine)
    d = engine.check_provision(
        s, recipient="shipping", items={"name", "address"}, purpose="service"
    )
    assert not d.allowed and "SG" in d.reasons[0]


def test_r_xb_1_an_equivalent_country_or_contract_needs_no_art_28_consent() -> None:
    assert _consented_provision(_policy(equivalent_measures=True)).allowed
    eu = attrs.evolve(_policy(country="DE"), equivalent_countries=frozenset({"DE"}))
    assert _consented_provision(eu).allowed


def test_r_xb_1_an_exemption_still_applies() -> None:
    engine, _ = make_engine(_policy())
    s = _held(engine)
    d = engine.check_provision(
        s,
        recipient="partner",
        items={"email"},
        purpose="service",
        exemption="laws_and_regulations",
        justification="court order 2026-77",
    )
    assert d.allowed and d.basis is pp.Basis.EXEMPTION


def test_r_xb_1_the_policy_file_declares_countries() -> None:
    data = pp.to_dict(pp.Evidence("web", foreign_info="x"))
    assert data["foreign_info"] == "x"
    policy = pp.load_policy(pp.example_policy_path("indigo_blue"))
    assert policy.recipients["partner"].country == ""
    assert policy.equivalent_countries == frozenset()


def test_r_xb_1_consents_bound_before_the_field_existed_keep_their_digest() -> None:
    """The digest of a consent without foreign information is the one pipolicy wrote
    before the field existed (pinned from that version), so old logs still verify."""
    consent = pp.Consent(
        id="c-pin",
        subject_id="s-1",
        scope=pp.ConsentScope(recipient="partner", items=frozenset({"email"})),
        status=pp.ConsentStatus.GIVEN,
        evidence=pp.Evidence("web-form", "v3"),
        policy_version="v1",
        given_at=T0,
    )
    assert record_digest(consent) == (
        "a543ae46621c7b113da4d541f9671a6ca5d9c9232d0e00d72e1c90c4bbc87bf7"
    )
    shown = attrs.evolve(consent, evidence=SHOWN)
    assert record_digest(shown) != record_digest(consent)
    assert date(2026, 4, 1) == T0.date()


@pytest.mark.parametrize("country", ["", "JP"])
def test_r_xb_1_a_recipient_in_japan_is_not_abroad(country: str) -> None:
    assert _consented_provision(_policy(country=country)).allowed


# Art. 28 adds a condition to provision abroad; it takes nothing away from what the
# policy declares about the recipient, nor from the entrustment contract (R-SEC-2).


def _abroad(name: str, **changes: Any) -> pp.Policy:
    """make_policy, with recipient ``name`` in the US and ``changes`` made to it."""
    base = make_policy()
    moved = attrs.evolve(base.recipients[name], country="US", **changes)
    return make_policy(recipients={**base.recipients, name: moved})


def _consented_abroad(
    policy: pp.Policy,
    recipient: str,
    items: set[str],
    purpose: str = "service",
    *,
    earlier: bool = False,
) -> pp.Decision:
    """``earlier``: a yes no decision can rest on, which ``grant_consent`` refuses now;
    a store written before may hold one, and the provision is denied all the same."""
    engine, _ = make_engine(policy)
    s = _held(engine)
    if earlier:
        with pytest.raises(pp.ConsentNotApplicable):
            engine.grant_consent(s, recipient=recipient, items=items, evidence=SHOWN)
        recorded_earlier(engine, s, recipient=recipient, items=items, evidence=SHOWN)
    else:
        engine.grant_consent(s, recipient=recipient, items=items, evidence=SHOWN)
    return engine.check_provision(s, recipient=recipient, items=items, purpose=purpose)


def test_r_sec_2_an_entrustee_abroad_without_a_valid_contract_receives_nothing() -> None:
    lapsed = attrs.evolve(CONTRACT, valid_from=date(2025, 1, 1), until=date(2025, 12, 31))
    d = _consented_abroad(_abroad("shipping", contract=lapsed), "shipping", {"name", "address"})
    assert not d.allowed and "R-SEC-2" in d.rules
    # With a valid contract, the Art. 28 consent carries it.
    assert _consented_abroad(_abroad("shipping"), "shipping", {"name", "address"}).allowed


def test_r_tpp_1_a_recipient_abroad_gets_only_its_declared_items_and_purposes() -> None:
    d = _consented_abroad(_abroad("partner"), "partner", {"name", "email", "address"}, earlier=True)
    assert not d.allowed and any("may receive only" in r for r in d.reasons)
    assert "R-TPP-1" in d.rules
    d = _consented_abroad(_abroad("partner"), "partner", {"email"}, "newsletter")
    assert not d.allowed and any("not a purpose for which" in r for r in d.reasons)
    assert "R-TPP-1" in d.rules
    assert _consented_abroad(_abroad("partner"), "partner", {"name", "email"}).allowed


def test_r_tpp_6_a_statistics_recipient_abroad_never_receives_personal_data() -> None:
    stats = _abroad(
        "partner", kind=pp.RecipientKind.STATISTICS, items=frozenset(), purposes=frozenset()
    )
    d = _consented_abroad(stats, "partner", {"email"}, earlier=True)
    assert not d.allowed and d.rules == ("R-TPP-6",)


@pytest.mark.parametrize("country", ["Japan", "JPN", "us", "U1", "ＪＰ", "UK", "EU"])
def test_r_xb_1_a_country_is_its_two_letter_code(country: str) -> None:
    """ "Japan" would be read as a foreign country named JAPAN: the validator says so."""
    with pytest.raises(pp.PolicyError, match="ISO 3166"):
        _policy(country=country)
    base = make_policy()
    with pytest.raises(pp.PolicyError, match="equivalent_countries"):
        attrs.evolve(base, equivalent_countries=frozenset({country}))


@pytest.mark.parametrize(
    ("kind", "exemption"),
    [
        (pp.RecipientKind.PUBLIC_AUTHORITY, pp.Exemption.LAWS_AND_REGULATIONS),
        (pp.RecipientKind.PUBLIC_AUTHORITY, pp.Exemption.STATE_COOPERATION),
        (pp.RecipientKind.THIRD_PARTY, pp.Exemption.STATE_COOPERATION),
    ],
)
def test_r_tpp_2_a_foreign_law_or_authority_is_no_exemption(
    kind: pp.RecipientKind, exemption: pp.Exemption
) -> None:
    """Art. 27(1)(i) means Japan's laws and (iv) Japan's state and local bodies: a US
    authority's subpoena or request is neither (PPC guidelines)."""
    base = make_policy()
    foreign = pp.Recipient("us_agency", kind=kind, country="US")
    engine, _ = make_engine(make_policy(recipients={**base.recipients, "us_agency": foreign}))
    s = _held(engine)
    d = engine.check_provision(
        s, recipient="us_agency", items={"email"}, exemption=exemption, justification="order 7"
    )
    assert not d.allowed and d.rules == ("R-TPP-2",)
    assert d.why[0].key == "exemption_foreign"
    assert "US" in d.reasons[0]
    domestic = attrs.evolve(foreign, country="JP")
    engine, _ = make_engine(make_policy(recipients={**base.recipients, "us_agency": domestic}))
    s = _held(engine)
    assert engine.check_provision(
        s, recipient="us_agency", items={"email"}, exemption=exemption, justification="order 7"
    ).allowed


def test_r_tpp_2_life_and_body_reach_a_recipient_abroad() -> None:
    """(ii) protects life, body or property wherever the recipient is; Art. 28(1) leaves
    every case of Art. 27(1) out."""
    base = make_policy()
    foreign = pp.Recipient("us_hospital", country="US")
    engine, _ = make_engine(make_policy(recipients={**base.recipients, "us_hospital": foreign}))
    s = _held(engine)
    d = engine.check_provision(
        s,
        recipient="us_hospital",
        items={"email"},
        exemption=pp.Exemption.LIFE_BODY_PROPERTY,
        justification="emergency",
    )
    assert d.allowed and d.basis is pp.Basis.EXEMPTION


# Personally referable information (Art. 31) abroad: Art. 28 governs personal data only.


def _visitor_abroad(**recipient: Any) -> tuple[pp.Engine, pp.Subject]:
    """A visitor known only by a cookie id, and an ad network in the US."""
    base = make_policy()
    ads = pp.Recipient("ads", country="US", **recipient)
    engine, _ = make_engine(
        make_policy(recipients={**base.recipients, "ads": ads}, languages=("ja",))
    )
    visitor = engine.register_subject("visitor", category="customer")
    engine.acquire(visitor, items={"cookie_id"}, purposes={"analytics"}, channel="web")
    return engine, visitor


@pytest.mark.parametrize(
    "arrangement",
    [
        {},
        {
            "kind": pp.RecipientKind.ENTRUSTEE,
            "purposes": {"analytics"},
            "items": {"cookie_id"},
            "contract": CONTRACT,
        },
    ],
    ids=["third_party", "entrustee"],
)
def test_r_pri_1_a_cookie_id_alone_is_no_personal_data_for_art_28(
    arrangement: dict[str, Any],
) -> None:
    """A cookie id the business holds without identified data is not personal data in
    its hands, and a recipient not expected to link it does not obtain personal data
    either: Art. 28 (personal data to a third party abroad) and Art. 31 (personally
    referable information the recipient will obtain as personal data) are both silent."""
    engine, visitor = _visitor_abroad(**arrangement)

    record = engine.provide(visitor, recipient="ads", items={"cookie_id"}, purpose="analytics")

    assert record.basis is pp.Basis.PERSONALLY_REFERABLE
    assert not record.required_by_law
    [event] = [e for e in engine.audit_events() if e.kind == "provision.recorded"]
    assert "APPI Art. 28" not in str(event.payload["citations"])


def test_r_pri_1_art_31_1_ii_a_linking_recipient_abroad_needs_the_person_informed() -> None:
    """Art. 31(1)(ii): to a recipient abroad that will link the cookie id to identify the
    person, the provider confirms both the person's consent and that the person was given
    the information on that country's system and the recipient's measures."""
    engine, visitor = _visitor_abroad(links_identifiers=True)
    ask: dict[str, Any] = {"recipient": "ads", "items": {"cookie_id"}, "purpose": "analytics"}
    plain = pp.Evidence("recipient-confirmation", ref="ads consent log 2026-04")

    unconfirmed = engine.check_provision(visitor, **ask)
    engine.grant_consent(visitor, recipient="ads", items={"cookie_id"}, evidence=plain)
    uninformed = engine.check_provision(visitor, **ask)
    informed = attrs.evolve(plain, foreign_info="ads notice on US system v1")
    consent = engine.grant_consent(visitor, recipient="ads", items={"cookie_id"}, evidence=informed)
    record = engine.provide(visitor, **ask)

    for denied in (unconfirmed, uninformed):
        assert not denied.allowed
        assert "APPI Art. 31(1)(ii)" in denied.citations
        assert "APPI Art. 28" not in denied.citations
        assert "R-PRI-1" in denied.rules and "R-XB-1" in denied.rules
        assert "evidence.foreign_info" in denied.reasons[0]
        assert "US" in denied.reasons[0]
        (ja,) = engine.explain(denied, "ja")
        assert "米国" in ja and "個人関連情報" in ja and "制度" in ja
    assert record.basis is pp.Basis.CONSENT and record.consent_id == consent.id
    assert record.required_by_law  # the confirmation record of Art. 31(3)
    allowed = engine.check_provision(visitor, **ask)
    assert "APPI Art. 31(1)(ii)" in allowed.citations and "APPI Art. 29" not in allowed.citations


@pytest.mark.parametrize("country", ["US", "CN", "SG", "CH", "EL"])
def test_r_xb_1_only_a_country_the_ppc_designated_is_equivalent(country: str) -> None:
    """Art. 28(1) leaves out only the countries the PPC Rules (Art. 15) designate as having
    a system equivalent to Japan's: the EEA's members and the United Kingdom. A policy
    listing another would give data there without the Art. 28 consent: looser than the
    law, so it does not load."""
    base = make_policy()
    with pytest.raises(pp.PolicyError) as error:
        attrs.evolve(base, equivalent_countries=frozenset({country}))

    (problem,) = error.value.problems
    assert problem.location == "provision.equivalent_countries"
    assert country in problem.message and "PPC" in problem.message


@pytest.mark.parametrize("country", ["DE", "FR", "GR", "IE", "NO", "IS", "LI", "GB"])
def test_r_xb_1_the_eea_and_the_united_kingdom_may_be_listed(country: str) -> None:
    policy = attrs.evolve(_policy(country=country), equivalent_countries=frozenset({country}))
    assert _consented_provision(policy).allowed


def test_r_xb_1_a_consent_informed_about_one_country_does_not_cover_another() -> None:
    """The person consented after being shown the US system (PPC Rules Art. 17(1): the
    country's name, its system, the recipient's measures). When the recipient moves its
    handling to Singapore, that consent does not tell the person about Singapore's system:
    Art. 28 needs a consent given with that information, as for a recipient that was in
    Japan before."""
    us = _policy()
    engine, clock = make_engine(us)
    s = _held(engine)
    first = engine.grant_consent(s, recipient="partner", items={"email"}, evidence=SHOWN)
    assert first.evidence.foreign_country == "US"  # recorded with the information shown
    ask: dict[str, Any] = {"recipient": "partner", "items": {"email"}, "purpose": "service"}
    assert engine.check_provision(s, **ask).allowed

    moved = attrs.evolve(us.recipients["partner"], country="SG")
    singapore = attrs.evolve(
        us, version="v2", recipients={**us.recipients, "partner": moved}, languages=("ja",)
    )
    later = pp.Engine(singapore, engine.store, clock=clock)
    denied = later.check_provision(s, **ask)

    assert not denied.allowed and denied.rules == ("R-XB-1",)
    assert "APPI Art. 28" in denied.citations
    assert "SG" in denied.reasons[0] and "US" in denied.reasons[0]
    (ja,) = later.explain(denied, "ja")
    assert "シンガポール" in ja and "米国" in ja
    informed = pp.Evidence("web-form", "consent-v5", foreign_info="notice-foreign-sg-v1")
    second = later.grant_consent(s, recipient="partner", items={"email"}, evidence=informed)
    assert second.id != first.id and second.evidence.foreign_country == "SG"
    assert later.check_provision(s, **ask).allowed
