"""Provision to others (R-TPP-1..5, R-SEC-2, R-REC-1)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy


def setup() -> tuple[pp.Engine, pp.FixedClock, pp.Subject]:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    return engine, clock, s


def test_r_tpp_1_third_party_needs_prior_consent() -> None:
    engine, _, s = setup()
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert not d.allowed and "APPI Art. 27(1)" in d.citations
    with pytest.raises(pp.ProvisionDenied) as info:
        engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    assert info.value.decision == d
    assert engine.provisions(s) == ()


def test_r_tpp_1_affiliates_are_third_parties() -> None:
    engine, _, s = setup()
    check: dict[str, Any] = {"recipient": "affiliate", "items": {"email"}, "purpose": "service"}
    assert not engine.check_provision(s, **check).allowed
    engine.grant_consent(s, recipient="affiliate", items={"email"})
    assert engine.check_provision(s, **check).basis is pp.Basis.CONSENT


def test_r_tpp_1_consent_covers_only_its_items() -> None:
    engine, _, s = setup()
    engine.grant_consent(s, recipient="partner", items={"email"})
    assert not engine.check_provision(s, recipient="partner", items={"name", "email"}).allowed


def test_r_rec_1_consent_based_provision_creates_the_legal_record() -> None:
    engine, clock, s = setup()
    consent = engine.grant_consent(s, recipient="partner", items={"email"})
    record = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    assert record.basis is pp.Basis.CONSENT
    assert record.required_by_law
    assert record.consent_id == consent.id
    assert record.subject_id == s.id and record.items == {"email"}
    assert record.provided_at == clock.now()
    # 3 calendar years from the day after the provision (Civil Code Art. 140): through 1
    # April 2029, to its midnight (Art. 141).
    assert record.keep_until == datetime(2029, 4, 2, 0, 0, tzinfo=JST)
    assert engine.provisions(s) == (record,)


def test_r_tpp_2_court_order_allows_provision_without_consent() -> None:
    engine, _, s = setup()
    record = engine.provide(
        s,
        recipient="court",
        items={"name"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification="order 2026-123",
    )
    assert record.basis is pp.Basis.EXEMPTION
    assert not record.required_by_law and record.keep_until is None
    assert record.justification == "order 2026-123"
    [event] = [e for e in engine.audit_events() if e.kind == "provision.recorded"]
    assert event.payload["justification"] == "order 2026-123"
    assert event.payload["citations"] == ["APPI Art. 27(1)(i)"]


def test_r_tpp_2_exemption_without_justification_is_an_input_error() -> None:
    engine, _, s = setup()
    with pytest.raises(pp.InvalidInput):
        engine.check_provision(
            s, recipient="court", items={"name"}, exemption="laws_and_regulations"
        )
    with pytest.raises(pp.InvalidInput):
        engine.check_provision(
            s,
            recipient="court",
            items={"name"},
            exemption="laws_and_regulations",
            justification="  ",
        )
    with pytest.raises(pp.InvalidInput, match="unknown exemption"):
        engine.check_provision(
            s, recipient="court", items={"name"}, exemption="because", justification="x"
        )


def test_r_tpp_2_policy_may_allow_fewer_exemptions() -> None:
    policy = make_policy(
        provision_grounds={"consent", "entrustment", "joint_use", "laws_and_regulations"}
    )
    engine, _ = make_engine(policy)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
    d = engine.check_provision(
        s,
        recipient="court",
        items={"name"},
        exemption=pp.Exemption.ACADEMIC_RESEARCH,
        justification="study 7",
    )
    assert not d.allowed


def test_r_tpp_3_entrustee_gets_contract_items_within_purpose() -> None:
    engine, _, s = setup()
    d = engine.check_provision(
        s, recipient="shipping", items={"name", "address"}, purpose="service"
    )
    assert d.allowed and d.basis is pp.Basis.ENTRUSTMENT
    assert "APPI Art. 27(5)(i)" in d.citations
    record = engine.provide(s, recipient="shipping", items={"name", "address"}, purpose="service")
    assert not record.required_by_law
    not_in_contract = engine.check_provision(
        s, recipient="shipping", items={"email"}, purpose="service"
    )
    assert not not_in_contract.allowed
    no_purpose = engine.check_provision(s, recipient="shipping", items={"name"})
    assert not no_purpose.allowed


def test_r_sec_2_entrustment_after_contract_end_is_denied() -> None:
    engine, clock, s = setup()
    clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=JST))
    d = engine.check_provision(s, recipient="shipping", items={"name"}, purpose="service")
    assert not d.allowed and any("R-SEC-2" in r for r in d.reasons)


def test_r_tpp_3_entrustment_needs_the_purpose_notified_for_the_items() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.grant_consent(s, purpose="signup")
    engine.acquire(s, items={"name", "email"}, purposes={"signup"}, channel="web")
    d = engine.check_provision(s, recipient="shipping", items={"name"}, purpose="service")
    assert not d.allowed
    assert {"R-USE-4", "R-TPP-3"} <= set(d.rules)
    assert any("not notified" in r for r in d.reasons)


def test_r_tpp_4_business_succession_is_not_third_party_provision() -> None:
    engine, _, s = setup()
    record = engine.provide(s, recipient="buyer", items={"name", "email"})
    assert record.basis is pp.Basis.BUSINESS_SUCCESSION and not record.required_by_law


def test_r_tpp_5_joint_use_within_announced_items_and_purposes() -> None:
    engine, _, s = setup()
    d = engine.check_provision(s, recipient="group", items={"name", "email"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.JOINT_USE
    assert "APPI Art. 27(5)(iii)" in d.citations
    assert not engine.check_provision(s, recipient="group", items={"address"}, purpose="service")
    assert not engine.check_provision(s, recipient="group", items={"email"}, purpose="newsletter")


def test_r_tpp_5_joint_use_before_publication_is_denied() -> None:
    engine, clock, s = setup()
    clock.set(datetime(2026, 1, 15, 9, 0, tzinfo=JST))
    d = engine.check_provision(s, recipient="group", items={"email"}, purpose="service")
    assert not d.allowed and any("R-TPP-5" in r for r in d.reasons)


def test_provision_of_items_not_held_is_denied() -> None:
    engine, _, s = setup()
    engine.grant_consent(s, recipient="affiliate", items={"phone"})
    assert not engine.check_provision(s, recipient="affiliate", items={"phone"}).allowed


def test_recipient_purposes_limit_what_it_may_receive() -> None:
    engine, _, s = setup()
    engine.grant_consent(s, recipient="partner", items={"email"})
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="newsletter")
    assert not d.allowed


def test_r_rec_1_keeping_period_counts_calendar_years_across_leap_days() -> None:
    policy = make_policy()
    years = policy.record_retention
    leap = datetime(2028, 2, 29, 12, 0, tzinfo=JST)
    assert policy.later(leap, years) == datetime(2031, 2, 28, 12, 0, tzinfo=JST)
    assert policy.later(datetime(2026, 11, 22, tzinfo=JST), years) == datetime(
        2029, 11, 22, tzinfo=JST
    )


def test_r_sec_2_expired_contract_is_not_rescued_by_consent() -> None:
    engine, clock, s = setup()
    engine.grant_consent(s, recipient="shipping", items={"name", "address"})
    clock.set(datetime(2027, 6, 1, 9, 0, tzinfo=JST))
    for purpose in ("service", None):
        d = engine.check_provision(s, recipient="shipping", items={"name"}, purpose=purpose)
        assert not d.allowed and any("R-SEC-2" in r for r in d.reasons)


def test_r_tpp_1_recipient_with_declared_purposes_needs_the_purpose_named() -> None:
    engine, _, s = setup()
    engine.grant_consent(s, recipient="partner", items={"email"})
    d = engine.check_provision(s, recipient="partner", items={"email"})
    assert not d.allowed and any("purpose=" in r for r in d.reasons)
    assert engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")


def test_r_rec_1_art_29_2_records_are_kept_at_least_three_years() -> None:
    """Art. 29(2) and the PPC Rules: 3 years in general; `record_retention_years = 1`
    no longer validates for every record."""
    with pytest.raises(pp.PolicyError) as info:
        make_policy(record_retention="1 year")
    assert [p.location for p in info.value.problems] == ["provision.record_retention"]
    assert str(make_policy(record_retention="5 years").record_retention) == "5 years"


def test_r_rec_1_art_29_2_a_contract_standing_in_keeps_records_a_year_after_the_last() -> None:
    """Where the contract with the person stands in for the record (provision in connection
    with supplying goods or services to the person), records are kept 1 year after the
    *last* provision to that recipient, so a later provision keeps the earlier ones too."""
    base = make_policy()
    partner = attrs.evolve(base.recipients["partner"], record_by_contract=True)
    engine, clock = make_engine(make_policy(recipients={**base.recipients, "partner": partner}))
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    first = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    assert first.keep_until == datetime(2027, 4, 1, 0, 0, tzinfo=JST)  # one year, not three
    clock.advance(timedelta(days=200))
    second = engine.provide(s, recipient="partner", items={"email"}, purpose="service")

    kept = engine.record_keeping(s)

    last_plus_a_year = datetime(2027, 10, 18, 0, 0, tzinfo=JST)  # through 17 October
    assert kept == {first.id: last_plus_a_year, second.id: last_plus_a_year}


def test_r_rec_1_art_29_2_a_contract_never_stands_in_for_an_opt_out_record() -> None:
    """PPC Rules Art. 19(3) lets a contract stand in for the record only of a provision on
    consent (Arts. 27(1), 28(1)); a record of provision by opt-out (Art. 27(2)) is kept 3
    years (Rules Art. 21(iii)), even to a recipient whose consent-based provisions come
    with a contract, and a later opt-out provision does not extend the contract records."""
    base = make_policy()
    broker = pp.Recipient(
        "broker",
        purposes={"service"},
        items={"name", "email"},
        record_by_contract=True,
        address="2-2 Otemachi, Chiyoda-ku, Tokyo",
        representative="Ken List, President",
        opt_out=pp.OptOut(
            items={"name"},
            method="a form on the website",
            notified=date(2026, 3, 1),
            filed=date(2026, 3, 10),
            waiting="7 days",
            acquired_by="from the sign-up form",
            provided_by="as an electronic file",
            updated_by="monthly, from the member records",
        ),
    )
    engine, clock = make_engine(make_policy(recipients={**base.recipients, "broker": broker}))
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="broker", items={"email"})
    on_consent = engine.provide(s, recipient="broker", items={"email"}, purpose="service")
    t = engine.register_subject("c2", category="customer")
    engine.acquire(t, items={"name"}, purposes={"service"}, channel="web")
    by_opt_out = engine.provide(t, recipient="broker", items={"name"}, purpose="service")
    assert by_opt_out.basis is pp.Basis.OPT_OUT and by_opt_out.required_by_law

    assert on_consent.keep_until == datetime(2027, 4, 1, 0, 0, tzinfo=JST)  # the contract
    assert by_opt_out.keep_until == datetime(2029, 4, 2, 0, 0, tzinfo=JST)  # 3 years
    assert engine.record_keeping(t) == {by_opt_out.id: by_opt_out.keep_until}

    clock.advance(timedelta(days=200))
    later = engine.provide(s, recipient="broker", items={"name"}, purpose="service")
    assert later.basis is pp.Basis.OPT_OUT
    kept = engine.record_keeping(s)
    assert kept[on_consent.id] == on_consent.keep_until  # not extended by the opt-out one
    assert kept[later.id] == datetime(2029, 10, 19, 0, 0, tzinfo=JST)


def test_r_rec_1_art_29_2_each_record_otherwise_counts_from_its_own_provision() -> None:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    first = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    clock.advance(timedelta(days=200))
    second = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    shipped = engine.provide(s, recipient="shipping", items={"name"}, purpose="service")
    kept = engine.record_keeping(s)
    assert kept == {first.id: first.keep_until, second.id: second.keep_until}
    assert shipped.id not in kept  # entrustment keeps no Art. 29 record


def test_r_rec_1_only_a_third_party_can_have_a_contract_standing_in() -> None:
    base = make_policy()
    shipping = attrs.evolve(base.recipients["shipping"], record_by_contract=True)
    with pytest.raises(pp.PolicyError) as info:
        make_policy(recipients={**base.recipients, "shipping": shipping})
    assert [p.location for p in info.value.problems] == ["recipients.shipping.record_by_contract"]


def art_31_engine() -> tuple[pp.Engine, pp.Subject]:
    """A visitor known only by a cookie id, and two ad networks: one that will link the
    cookie to identify the person, one that will not."""
    base = make_policy()
    recipients = {
        **base.recipients,
        "ad_stats": pp.Recipient("ad_stats"),
        "ad_match": pp.Recipient("ad_match", links_identifiers=True),
    }
    engine, _ = make_engine(make_policy(recipients=recipients))
    visitor = engine.register_subject("visitor", category="customer")
    engine.acquire(visitor, items={"cookie_id"}, purposes={"analytics"}, channel="web")
    return engine, visitor


@pytest.mark.parametrize("kind", ["joint_user", "entrustee", "successor"])
def test_r_pri_1_art_31_has_no_exception_for_entrustees_joint_users_or_successors(
    kind: str,
) -> None:
    """Art. 27(5) makes these recipients "not third parties" for Art. 27 alone; Art. 31
    has no such clause. One expected to link a cookie id to identify the person receives
    it only on the person's consent, confirmed and recorded, as any recipient does."""
    from tests.factories import CONTRACT

    base = make_policy()
    ads = attrs.evolve(
        base.joint_uses["group-crm"], name="ads", items={"cookie_id"}, purposes={"analytics"}
    )
    arrangements: dict[str, dict[str, Any]] = {
        "joint_user": {"joint_use": "ads"},
        "entrustee": {"purposes": {"analytics"}, "items": {"cookie_id"}, "contract": CONTRACT},
        "successor": {},
    }
    how = arrangements[kind]
    linking = pp.Recipient("ad_partner", kind=pp.RecipientKind(kind), links_identifiers=True, **how)
    plain = attrs.evolve(linking, name="ad_plain", links_identifiers=False)
    policy = make_policy(
        recipients={**base.recipients, "ad_partner": linking, "ad_plain": plain},
        joint_uses={**base.joint_uses, "ads": ads},
    )
    engine, _ = make_engine(policy)
    visitor = engine.register_subject("visitor", category="customer")
    engine.acquire(visitor, items={"cookie_id"}, purposes={"analytics"}, channel="web")
    ask: dict[str, Any] = {"items": {"cookie_id"}, "purpose": "analytics"}
    assert engine.check_provision(visitor, recipient="ad_plain", **ask).allowed
    denied = engine.check_provision(visitor, recipient="ad_partner", **ask)
    assert not denied.allowed and "R-PRI-1" in denied.rules
    assert "APPI Art. 31(1)" in denied.citations
    confirmed = pp.Evidence("recipient-confirmation", ref="ad_partner consent log 2026-04")
    engine.grant_consent(visitor, recipient="ad_partner", items={"cookie_id"}, evidence=confirmed)
    record = engine.provide(visitor, recipient="ad_partner", **ask)
    assert record.basis is pp.Basis.CONSENT and record.required_by_law


def test_r_pri_1_art_31_a_recipient_not_expected_to_identify_needs_no_consent() -> None:
    """Art. 31 covers only recipients expected to obtain the data as personal data: giving
    a cookie id alone to one that will not link it needs no consent and no record."""
    engine, visitor = art_31_engine()
    record = engine.provide(visitor, recipient="ad_stats", items={"cookie_id"})
    assert record.basis is pp.Basis.PERSONALLY_REFERABLE
    assert not record.required_by_law and record.keep_until is None


def test_r_pri_1_art_31_a_linking_recipient_needs_the_confirmed_consent_and_a_record() -> None:
    """Art. 31(1)(i): the provider confirms that the recipient obtained the person's
    consent; Art. 31(3): it keeps a record of the confirmation."""
    engine, visitor = art_31_engine()
    denied = engine.check_provision(visitor, recipient="ad_match", items={"cookie_id"})
    assert not denied.allowed and "R-PRI-1" in denied.rules
    assert "APPI Art. 31(1)" in denied.citations
    confirmed = pp.Evidence("recipient-confirmation", ref="ad_match consent log 2026-04")
    consent = engine.grant_consent(
        visitor, recipient="ad_match", items={"cookie_id"}, evidence=confirmed
    )
    record = engine.provide(visitor, recipient="ad_match", items={"cookie_id"})
    assert record.basis is pp.Basis.CONSENT and record.consent_id == consent.id
    assert record.required_by_law and record.keep_until is not None


def test_r_pri_1_art_31_a_cookie_held_beside_a_name_is_personal_data() -> None:
    """Once the business holds identified data for the person, the cookie id is personal
    data in its hands: Art. 27 applies, not Art. 31."""
    engine, visitor = art_31_engine()
    engine.acquire(
        visitor, items={"email", "cookie_id"}, purposes={"personalisation"}, channel="web"
    )
    d = engine.check_provision(visitor, recipient="ad_stats", items={"cookie_id"})
    assert not d.allowed and "APPI Art. 27(1)" in d.citations


def test_r_tpp_2_a_public_authority_is_told_every_case_of_art_27_1_it_may_receive_on() -> None:
    """The denial said a public authority receives data "only on an order or request under
    the law", yet a hospital's public health office or the police looking for a missing
    person receive it under Art. 27(1)(ii) or (iii) too, as pipolicy allows: the reason
    names the cases of Art. 27(1), never only (i) and (iv)."""
    base = make_policy()
    police = pp.Recipient("police", kind=pp.RecipientKind.PUBLIC_AUTHORITY)
    engine, _ = make_engine(
        make_policy(recipients={**base.recipients, "police": police}, languages=("ja",))
    )
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")

    denied = engine.check_provision(s, recipient="police", items={"name"}, purpose="service")
    rescue = engine.check_provision(
        s,
        recipient="police",
        items={"name"},
        exemption="life_body_property",
        justification="missing person search 2026-4",
    )

    assert rescue.allowed and rescue.citations == ("APPI Art. 27(1)(ii)",)
    assert not denied.allowed
    assert "only on an order" not in denied.reasons[0]
    assert "life, body or property" in denied.reasons[0]
    (ja,) = engine.explain(denied, "ja")
    assert "命令又は要請がある場合に限って" not in ja
    assert "生命" in ja and "公衆衛生" in ja
