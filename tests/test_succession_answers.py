"""Business succession through the public API: what a successor receives (R-TPP-4, Art.
27(5)(ii)) and how data received through succession is used (R-USE-6, Art. 18(2))."""

from __future__ import annotations

import attrs
import pytest

import pipolicy as pp
from tests.factories import make_engine, recorded_earlier
from tests.test_decision_reasons import POLICY, split_successor, world


def _split_policy() -> pp.Policy:
    """A successor taking over one service only (a company split, a business transfer):
    the policy declares the purpose and the items it takes over."""
    return split_successor()


DESK = pp.Actor("desk", frozenset({"support"}))
"""A handler of ``support`` (R-SEC-1), which alone holds the phone number: who gives it."""


def _customer(engine: pp.Engine) -> pp.Subject:
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    engine.acquire(s, items={"phone"}, purposes={"support"}, channel="telephone")
    return s


def test_r_tpp_4_a_successor_of_part_of_the_business_receives_what_it_takes_over() -> None:
    engine, _ = make_engine(_split_policy())
    s = _customer(engine)
    d = engine.check_provision(s, recipient="buyer", items={"name", "email"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.BUSINESS_SUCCESSION
    assert "APPI Art. 27(5)(ii)" in d.citations


def test_r_tpp_4_items_the_successor_does_not_take_over_are_no_succession() -> None:
    """Data of the part of the business that stays is not provided "in connection with"
    the succession: Art. 27(5)(ii) does not carry it, so it is third-party provision."""
    engine, _ = make_engine(_split_policy())
    s = _customer(engine)
    d = engine.check_provision(
        s, recipient="buyer", items={"name", "phone"}, purpose="service", actor=DESK
    )
    assert not d.allowed
    assert "R-TPP-4" in d.rules
    assert "APPI Art. 27(1)" in d.citations
    assert any("phone" in r for r in d.reasons)
    assert [r.key for r in d.why] == ["succession_scope_only"]
    # The Japanese names what stays out, and says it is no provision with the succession.
    ja = " ".join(engine.explain(d, "ja"))
    assert "「電話番号」は含まれません" in ja and "事業の承継に伴う提供に当たらない" in ja


def test_r_tpp_4_a_purpose_the_successor_does_not_take_over_is_no_succession() -> None:
    engine, _ = make_engine(_split_policy())
    s = _customer(engine)
    for purpose in ("support", None):
        d = engine.check_provision(
            s, recipient="buyer", items={"name"}, purpose=purpose, actor=DESK
        )
        assert not d.allowed, purpose
        assert "R-TPP-4" in d.rules, purpose


def test_r_tpp_4_a_successor_declaring_nothing_takes_over_the_whole_business() -> None:
    engine, _ = make_engine()
    s = _customer(engine)
    d = engine.check_provision(s, recipient="buyer", items={"name", "phone"}, actor=DESK)
    assert d.allowed and d.basis is pp.Basis.BUSINESS_SUCCESSION
    record = engine.provide(s, recipient="buyer", items={"name", "phone"}, actor=DESK)
    # No record Art. 29 asks of a provision to a third party: a successor is none.
    assert not record.required_by_law and record.keep_until is None


def _payroll(policy: pp.Policy) -> tuple[pp.Engine, pp.Subject, frozenset[str]]:
    engine, _ = make_engine(policy)
    s = engine.register_subject("employee-1", category="customer")
    items = policy.purposes["payroll_tax"].items
    engine.acquire(s, items=items, purposes={"payroll_tax"}, channel="web")
    return engine, s, items


def test_r_myn_1_a_successor_receives_individual_numbers_in_the_succession_only() -> None:
    """My Number Act Art. 19 lets Individual Numbers go with a business succession; it has
    no case for the person's consent. Where the policy does not provide for succession,
    the successor is a third party, and consent does not carry the numbers."""
    engine, s, items = _payroll(world())
    d = engine.check_provision(s, recipient="buyer", items=items, purpose="payroll_tax")
    assert d.allowed and d.basis is pp.Basis.BUSINESS_SUCCESSION
    no_succession = world(provision_grounds=set(POLICY.provision_grounds) - {"business_succession"})
    engine, s, items = _payroll(no_succession)
    with pytest.raises(pp.ConsentNotApplicable):
        engine.grant_consent(s, recipient="buyer", items=items)
    engine.grant_consent(s, recipient="buyer", items=items - no_succession.my_number_items)
    recorded_earlier(engine, s, recipient="buyer", items=set(items))
    d = engine.check_provision(s, recipient="buyer", items=items, purpose="payroll_tax")
    assert not d.allowed
    assert "R-MYN-1" in d.rules and "My Number Act Art. 19" in d.citations
    assert engine.check_provision(s, recipient="buyer", items={"name"}, purpose="payroll_tax")


def test_r_myn_1_an_entrustee_without_the_entrustment_ground_gets_no_numbers_on_consent() -> None:
    policy = world(provision_grounds=set(POLICY.provision_grounds) - {"entrustment"})
    engine, s, items = _payroll(policy)
    entrustees = [
        r.name
        for r in policy.recipients.values()
        if r.kind is pp.RecipientKind.ENTRUSTEE and "payroll_tax" in r.purposes
    ]
    assert entrustees
    for name in entrustees:
        with pytest.raises(pp.ConsentNotApplicable):
            engine.grant_consent(s, recipient=name, items=items)
        recorded_earlier(engine, s, recipient=name, items=set(items))
        d = engine.check_provision(s, recipient=name, items=items, purpose="payroll_tax")
        assert not d.allowed and "R-MYN-1" in d.rules, name


def test_r_use_6_inherited_items_and_items_consented_to_are_used_together() -> None:
    """``signup`` asks permission before collection. The name came with a merger (usable
    within the predecessor's purpose, Art. 18(2)); the e-mail address the person gave
    the successor with their permission for it. Each may be used alone, so together."""
    engine, _ = make_engine()
    s = engine.register_subject("merged-2", category="customer")
    engine.acquire(s, items={"name"}, purposes={"signup"}, channel="succession", source="P")
    consent = engine.grant_consent(s, purpose="signup", items={"email"})
    engine.acquire(s, items={"email"}, purposes={"signup"}, channel="web")
    assert engine.check_use(s, purpose="signup", items={"name"})
    assert engine.check_use(s, purpose="signup", items={"email"})
    both = engine.check_use(s, purpose="signup", items={"name", "email"})
    assert both.allowed and both.basis is pp.Basis.CONSENT
    assert both.consent_id == consent.id
    assert "R-USE-6" in both.rules
    assert {"APPI Art. 18(1)", "APPI Art. 18(2)"} <= set(both.citations)


def test_r_use_6_after_a_no_to_the_purpose_the_inherited_items_need_consent_too() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("merged-3", category="customer")
    engine.acquire(s, items={"name"}, purposes={"signup"}, channel="succession", source="P")
    consent = engine.grant_consent(s, purpose="signup", items={"email"})
    engine.acquire(s, items={"email"}, purposes={"signup"}, channel="web")
    engine.withdraw_consent(s, consent_id=consent.id)
    engine.grant_consent(s, purpose="signup", items={"email"})
    assert not engine.check_use(s, purpose="signup", items={"name", "email"})
    assert not engine.check_use(s, purpose="signup", items={"name"})


def test_r_tpp_4_data_held_for_a_purpose_not_taken_over_stays() -> None:
    """A successor of the ``service`` business receives what is held for that purpose:
    the phone number collected for ``support`` only is the data of the part that stays,
    though the purpose named is ``service``."""
    recipients = dict(POLICY.recipients)
    recipients["buyer"] = attrs.evolve(POLICY.recipients["buyer"], purposes={"service"})
    engine, _ = make_engine(world(recipients=recipients))
    s = _customer(engine)
    assert engine.check_provision(s, recipient="buyer", items={"name", "email"}, purpose="service")
    d = engine.check_provision(
        s, recipient="buyer", items={"email", "phone"}, purpose="service", actor=DESK
    )
    assert not d.allowed and "R-TPP-4" in d.rules
    assert any("phone" in r for r in d.reasons)
