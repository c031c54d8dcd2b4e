"""Provision: three gaps found by trying the product (session 19).

1. Data received from another business whose basis of receipt was not recorded may have
   been received by opt-out: it is not provided by opt-out (Art. 27(2) proviso, R-TPP-8).
2. Abroad, as at home, no consent carries a provision when the policy's ``[provision]
   grounds`` leave ``consent`` out (Arts. 27(1), 28; R-TPP-1, R-XB-1).
3. Abroad, a denial says what the person did: consented to fewer items, withdrew or
   refused, as at home (Art. 28, R-XB-1, R-CON-2).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import make_engine, make_policy

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
