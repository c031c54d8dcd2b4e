"""Review 82: Individual Numbers received from another business (R-MYN-1)."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import make_engine, make_policy
from tests.test_my_number import _policy

FROM_ANOTHER_BUSINESS: dict[str, Any] = {
    "items": {"name", "my_number"},
    "purposes": {"payroll_tax"},
    "channel": "provided_by_business",
    "source": "Other Co.",
    "provider_address": "2-2 Minato, Tokyo",
    "provider_representative": "CEO of Other Co.",
    "provider_obtained_by": "from its employees",
}


@pytest.mark.parametrize("basis", ["consent", "opt_out"])
def test_r_myn_1_no_number_is_received_on_consent_or_by_opt_out(basis: str) -> None:
    """My Number Act Art. 19 lists the only cases a number may be provided in, and the
    person's consent is none of them, nor is opt-out; Art. 20 forbids collecting one
    outside them. A receipt the provider says it makes on consent or by opt-out is
    refused, for the affairs' purpose too."""
    engine, _ = make_engine(_policy())
    s = engine.register_subject("emp-1", category="customer")
    d = engine.check_acquisition(s, provider_basis=basis, **FROM_ANOTHER_BUSINESS)
    assert not d.allowed and "R-MYN-1" in d.rules
    assert "My Number Act Art. 19" in d.citations and "My Number Act Art. 20" in d.citations
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(s, provider_basis=basis, **FROM_ANOTHER_BUSINESS)
    (ja,) = (t for t in pp.explain(d, _policy(languages=("ja",)), "ja") if "番号法" in t)
    assert "個人番号" in ja
    # The name alone, personal data, is received on consent as ever (Art. 27(1)).
    name_only: dict[str, Any] = {**FROM_ANOTHER_BUSINESS, "items": {"name"}}
    assert engine.check_acquisition(s, provider_basis=basis, **name_only).allowed


def test_r_myn_1_a_number_received_otherwise_is_not_refused_for_it() -> None:
    """Where the provider says nothing of consent or opt-out (an entrusting employer,
    Art. 19(vi); the person's own employer for the tax affairs, Art. 19(ii)), the
    receipt stands as before."""
    engine, _ = make_engine(_policy())
    s = engine.register_subject("emp-1", category="customer")
    assert engine.check_acquisition(s, **FROM_ANOTHER_BUSINESS).allowed
    assert make_policy().my_number_items == frozenset()


def _two_affairs() -> tuple[pp.Engine, pp.Subject]:
    """A number collected for the social security affairs, not the tax ones."""
    base = _policy()
    insurance = pp.Purpose(
        "social_insurance",
        items={"name", "my_number"},
        my_number_affairs="social_security",
        retention="7 years",
    )
    engine, _ = make_engine(_policy(purposes={**base.purposes, "social_insurance": insurance}))
    s = engine.register_subject("emp-1", category="customer")
    engine.acquire(s, items={"name", "my_number"}, purposes={"social_insurance"}, channel="mail")
    return engine, s


def test_r_myn_1_consent_does_not_carry_a_number_to_another_affairs_purpose() -> None:
    """My Number Act Art. 30(2) reads APPI Art. 18(1) without "without the person's prior
    consent": a number is used within the purposes notified for it, consent or not, even
    for another of the Act's affairs. The name, not a number, is used on consent."""
    engine, s = _two_affairs()
    engine.grant_consent(s, purpose="payroll_tax")
    d = engine.check_use(s, purpose="payroll_tax", items={"my_number"})
    assert not d.allowed and "R-MYN-1" in d.rules
    assert "My Number Act Art. 30(2)" in d.citations
    (ja,) = pp.explain(d, attrs.evolve(engine.policy, languages=("ja",)), "ja")
    assert "同意" in ja and "個人番号" in ja
    assert engine.check_use(s, purpose="payroll_tax", items={"name"}).allowed
    # Provision asks the same scope of use (Art. 18 before Art. 27).
    p = engine.check_provision(
        s, recipient="payroll_office", items={"my_number"}, purpose="payroll_tax"
    )
    assert not p.allowed and "R-MYN-1" in p.rules


@pytest.mark.parametrize(
    "exemption", ["laws_and_regulations", "public_health_children", "state_cooperation"]
)
def test_r_myn_1_only_life_body_property_takes_a_number_beyond_its_purposes(
    exemption: str,
) -> None:
    """Art. 30(2) of the My Number Act keeps, of Art. 18(3), only the protection of life,
    body or property (and the financial institutions' disaster payments)."""
    engine, s = _two_affairs()
    d = engine.check_use(
        s, purpose="payroll_tax", items={"my_number"}, exemption=exemption, justification="x"
    )
    assert not d.allowed and "R-MYN-1" in d.rules
    kept = engine.check_use(
        s,
        purpose="payroll_tax",
        items={"my_number"},
        exemption="life_body_property",
        justification="an employee missing after the flood",
    )
    assert kept.allowed and kept.citations == ("APPI Art. 18(3)(ii)",)
    within = engine.check_use(s, purpose="social_insurance", items={"my_number"})
    assert within.allowed
