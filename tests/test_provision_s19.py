"""Provision: three gaps found by trying the product (session 19).

1. Data received from another business whose basis of receipt was not recorded may have
   been received by opt-out: it is not provided by opt-out (Art. 27(2) proviso, R-TPP-8).
2. Abroad, as at home, no consent carries a provision when the policy's ``[provision]
   grounds`` leave ``consent`` out (Arts. 27(1), 28; R-TPP-1, R-XB-1).
3. Abroad, a denial says what the person did: consented to fewer items, withdrew or
   refused, as at home (Art. 28, R-XB-1, R-CON-2).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import JST, T0, make_engine, make_policy

SHOWN = pp.Evidence("web-form", "consent-v4", foreign_info="notice-foreign-us-v2")

LIST_CO: dict[str, Any] = {
    "channel": "provided_by_business",
    "source": "Meibo K.K.",
    "provider_kind": "corporation",
    "provider_address": "5-5 Kanda, Chiyoda-ku, Tokyo",
    "provider_representative": "Jiro Meibo, President",
    "provider_obtained_by": "a purchased list",
}
"""A receipt from another business confirmed as Art. 30(1) asks, its basis not said."""


def _ja(d: pp.Decision, policy: pp.Policy) -> str:
    """The decision's one reason as the person reads it in Japanese."""
    (text,) = pp.explain(d, attrs.evolve(policy, languages=("ja",)), "ja")
    return text


# -- 1. opt-out of data whose basis of receipt is unknown (R-TPP-8) ----------------------


def _opt_out_policy() -> pp.Policy:
    base = make_policy()
    broker = pp.Recipient(
        "list_broker",
        purposes={"service"},
        items={"name", "address"},
        address="2-2 Otemachi, Chiyoda-ku, Tokyo",
        representative="Ken List, President",
        opt_out=pp.OptOut(
            items={"name", "address"},
            method="a form on the website",
            notified=date(2026, 3, 1),
            filed=date(2026, 3, 10),
            waiting="7 days",
            acquired_by="from the sign-up form",
            provided_by="as an electronic file",
            updated_by="monthly, from the member records",
        ),
    )
    return make_policy(recipients={**base.recipients, "list_broker": broker})


def _received(engine: pp.Engine, items: set[str], **receipt: Any) -> pp.Subject:
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items=items, purposes={"service"}, **{**LIST_CO, **receipt})
    return s


def _to_broker(engine: pp.Engine, s: pp.Subject, items: set[str]) -> pp.Decision:
    return engine.check_provision(s, recipient="list_broker", items=items, purpose="service")


def test_r_tpp_8_data_received_with_no_basis_recorded_is_not_provided_by_opt_out() -> None:
    """APPI Art. 27(2) proviso (R-TPP-8): data another business provided by opt-out is
    never provided by opt-out again. A receipt that does not record the basis it was
    given on may be such data: the opt-out ground denies it (fail closed), saying the
    basis was not recorded and how to record it, in Japanese and English."""
    policy = _opt_out_policy()
    engine, _ = make_engine(policy)
    s = _received(engine, {"name", "address"})
    assert [a.provider_basis for a in engine.acquisitions(s)] == [None]

    d = _to_broker(engine, s, {"name", "address"})
    assert not d.allowed
    assert [r.key for r in d.why] == ["opt_out_basis_unknown"]
    assert d.why[0].params["items"] == ("address", "name")
    assert d.rules == ("R-TPP-8",) and "APPI Art. 27(2)" in d.citations
    assert (
        "provider_basis" in d.reasons[0] and "may have been received by opt-out" in (d.reasons[0])
    )
    ja = _ja(d, policy)
    assert (
        "記録しておりません" in ja and "オプトアウトにより第三者に提供することはいたしません" in ja
    )
    check = pp.ProvisionCheck(s, recipient="list_broker", items={"name"}, purpose="service")
    assert [x.allowed for x in engine.check_provision_many([check])] == [False]
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(s, recipient="list_broker", items={"name"}, purpose="service")
    assert engine.provisions(s) == ()


def test_r_tpp_8_only_the_items_of_the_unknown_receipt_are_held_back() -> None:
    """APPI Art. 27(2) (R-TPP-8): the person's own sign-up data stays open to opt-out;
    the denial names the items received from the other business only."""
    engine, _ = make_engine(_opt_out_policy())
    s = _received(engine, {"name"})
    engine.acquire(s, items={"address"}, purposes={"service"}, channel="web")
    assert _to_broker(engine, s, {"address"}).basis is pp.Basis.OPT_OUT
    d = _to_broker(engine, s, {"name", "address"})
    assert not d.allowed and [r.params["items"] for r in d.why] == [("name",)]


@pytest.mark.parametrize("source", ["business_on_consent", "the_person"])
def test_r_tpp_8_data_known_not_received_by_opt_out_may_be_provided_by_opt_out(
    source: str,
) -> None:
    """APPI Art. 27(2) (R-TPP-8): recorded as given on the person's consent, the data was
    not received by opt-out and may be (only the unknown basis is held back); and data the
    person gave directly is not touched at all."""
    engine, _ = make_engine(_opt_out_policy())
    if source == "business_on_consent":
        s = _received(engine, {"name", "address"}, provider_basis="consent")
    else:
        s = engine.register_subject("u1", category="customer")
        engine.acquire(s, items={"name", "address"}, purposes={"service"}, channel="web")
    d = _to_broker(engine, s, {"name", "address"})
    assert d.allowed and d.basis is pp.Basis.OPT_OUT


def test_r_tpp_8_a_receipt_marked_by_opt_out_still_says_so() -> None:
    """APPI Art. 27(2) proviso (R-TPP-8): ``provider_obtained_by="opt_out"`` (the older
    mark, no ``provider_basis``) is known to be by opt-out, not unknown."""
    engine, _ = make_engine(_opt_out_policy())
    s = _received(engine, {"name"}, provider_obtained_by="opt_out")
    d = _to_broker(engine, s, {"name"})
    assert [r.key for r in d.why] == ["opt_out_received"]


def test_r_tpp_1_consent_carries_data_whose_basis_of_receipt_is_unknown() -> None:
    """APPI Art. 27(1) (R-TPP-1): the proviso limits the opt-out ground only; on the
    person's consent the same data goes to the same recipient."""
    engine, _ = make_engine(_opt_out_policy())
    s = _received(engine, {"name", "address"})
    engine.grant_consent(s, recipient="list_broker", items={"name", "address"})
    d = _to_broker(engine, s, {"name", "address"})
    assert d.allowed and d.basis is pp.Basis.CONSENT


# -- 2. the policy's grounds abroad (R-XB-1, R-TPP-1) ---------------------------------


def _abroad_policy(grounds: set[str]) -> pp.Policy:
    """Shipping (an entrustee) and the group (a joint user) in the US; no third party."""
    base = make_policy()
    recipients = {
        "shipping": attrs.evolve(base.recipients["shipping"], country="US"),
        "group": attrs.evolve(base.recipients["group"], country="US"),
        "buyer": base.recipients["buyer"],
    }
    return make_policy(recipients=recipients, provision_grounds=frozenset(grounds))


NO_CONSENT = {"entrustment", "joint_use", "laws_and_regulations"}


@pytest.mark.parametrize("recipient", ["shipping", "group"])
@pytest.mark.parametrize("grounds", [NO_CONSENT, NO_CONSENT | {"consent"}])
def test_r_xb_1_abroad_consent_carries_nothing_where_the_grounds_leave_it_out(
    recipient: str, grounds: set[str]
) -> None:
    """APPI Arts. 27(1), 28(1) (R-XB-1, R-TPP-1): abroad an entrustee or a joint user
    receives data on the person's consent only; a policy whose ``[provision] grounds``
    leave ``consent`` out provides on no one's consent, at home or abroad, so the same
    consent (with the foreign information) allows it only where the grounds name it."""
    policy = _abroad_policy(grounds)
    engine, _ = make_engine(policy)
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"name", "address"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient=recipient, items={"name"}, evidence=SHOWN)
    d = engine.check_provision(s, recipient=recipient, items={"name"}, purpose="service")
    if "consent" in grounds:
        assert d.allowed and d.basis is pp.Basis.CONSENT
        return
    assert not d.allowed
    assert [r.key for r in d.why] == ["no_consent_ground"]
    assert d.citations[0] == "APPI Art. 28"
    ja = _ja(d, policy)
    assert "同意に基づく" in ja
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(s, recipient=recipient, items={"name"}, purpose="service")


def test_r_tpp_1_at_home_the_grounds_keep_consent_out_the_same_way() -> None:
    """APPI Art. 27(1), 27(5)(iii) (R-TPP-1, R-TPP-5): the home path's answer, which the
    abroad one now shares (one check): a joint user at home whose joint use the grounds
    leave out falls back to consent, which they leave out too; the same consent carries
    the provision once the grounds name it."""
    base = make_policy()
    for grounds, allowed in (({"entrustment"}, False), ({"entrustment", "consent"}, True)):
        policy = make_policy(
            recipients={"group": base.recipients["group"]}, provision_grounds=frozenset(grounds)
        )
        engine, _ = make_engine(policy)
        s = engine.register_subject("u1", category="customer")
        engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
        engine.grant_consent(s, recipient="group", items={"name"})
        d = engine.check_provision(s, recipient="group", items={"name"}, purpose="service")
        assert d.allowed is allowed
        if not allowed:
            assert [r.key for r in d.why] == ["no_joint_use_ground"]


# -- 3. the abroad denial says what the person did (R-XB-1, R-CON-2) ------------------


def _us_policy() -> pp.Policy:
    base = make_policy()
    partner = attrs.evolve(base.recipients["partner"], country="US")
    return make_policy(recipients={**base.recipients, "partner": partner})


def _person(engine: pp.Engine, ref: str = "u1") -> pp.Subject:
    s = engine.register_subject(ref, category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    return s


def _to_partner(engine: pp.Engine, s: pp.Subject, items: set[str]) -> pp.Decision:
    return engine.check_provision(s, recipient="partner", items=items, purpose="service")


def test_r_xb_1_a_consent_to_fewer_items_abroad_is_not_no_consent() -> None:
    """APPI Art. 28(1) (R-XB-1): the person agreed to give the recipient abroad their name,
    not their e-mail address: the denial names what the consent does not cover, as at
    home, citing Art. 28."""
    policy = _us_policy()
    engine, _ = make_engine(policy)
    s = _person(engine)
    engine.grant_consent(s, recipient="partner", items={"name"}, evidence=SHOWN)
    assert _to_partner(engine, s, {"name"}).allowed
    d = _to_partner(engine, s, {"name", "email"})
    assert not d.allowed
    assert [r.key for r in d.why] == ["provision_consent_items"]
    assert d.why[0].params["items"] == ("email",)
    assert d.citations[0] == "APPI Art. 28"
    ja = _ja(d, policy)
    assert (
        "同意は" in ja and "及んでおりません" in ja and "まだ同意をいただいておりません" not in ja
    )


@pytest.mark.parametrize("how", ["withdrew", "refused"])
def test_r_con_2_abroad_a_withdrawal_or_refusal_is_said_with_its_date(how: str) -> None:
    """APPI Art. 28(1) (R-XB-1, R-CON-2): a person who withdrew or refused consent to the
    recipient abroad is told so, with the day in the policy's time zone (a withdrawal at
    01:00 in Tokyo is that day, not the day before in UTC), not "no consent yet"."""
    policy = _us_policy()
    engine, clock = make_engine(policy)
    s = _person(engine)
    if how == "withdrew":
        engine.grant_consent(s, recipient="partner", items={"name"}, evidence=SHOWN)
    clock.set(datetime(2026, 4, 3, 16, 0, tzinfo=timezone.utc))  # 4 April, 01:00 in Tokyo
    if how == "withdrew":
        engine.withdraw_consent(s, recipient="partner")
    else:
        engine.refuse_consent(s, recipient="partner", items={"name"})
    clock.set(T0 + timedelta(days=5))
    d = _to_partner(engine, s, {"name"})
    assert not d.allowed
    assert [r.key for r in d.why] == ["provision_declined"]
    assert d.why[0].params["on"] == "2026-04-04"
    assert d.why[0].params["how"] == ("refused" if how == "refused" else "withdrawn")
    assert d.citations[0] == "APPI Art. 28" and "R-CON-2" in d.rules
    ja = _ja(d, policy)
    assert "2026年4月4日" in ja and ("拒否" if how == "refused" else "撤回") in ja


@pytest.mark.parametrize("country", ["", "US"])
def test_r_con_3_abroad_a_consent_given_before_the_purpose_changed_is_said_so(
    country: str,
) -> None:
    """APPI Arts. 17(2), 28(1) (R-CON-3, R-XB-1): the person consented (with the foreign
    information) before the purpose changed beyond relevance: at home and abroad alike
    the denial says so and cites Art. 17(2), abroad with Art. 28, not "no consent yet"."""
    base = make_policy()
    partner = attrs.evolve(
        base.recipients["partner"], country=country, purposes={"research"}, items={"email"}
    )
    policy = make_policy(recipients={**base.recipients, "partner": partner})
    engine, clock = make_engine(policy, at=datetime(2026, 2, 1, 9, tzinfo=JST))
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"}, evidence=SHOWN)
    clock.set(T0)  # after the change of 1 March 2026
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="research")
    assert not d.allowed and [r.key for r in d.why] == ["provision_consent_changed"]
    law = "APPI Art. 28" if country else "APPI Art. 27(1)"
    assert d.citations[:2] == ("APPI Art. 17(2)", law)


def test_r_xb_1_no_consent_at_all_abroad_still_asks_for_the_foreign_information() -> None:
    """APPI Art. 28(2) (R-XB-1): never a word from the person: the denial still says the
    consent must come after the person is shown the country's system."""
    engine, _ = make_engine(_us_policy())
    s = _person(engine)
    d = _to_partner(engine, s, {"name"})
    assert [r.key for r in d.why] == ["foreign_no_consent"]
