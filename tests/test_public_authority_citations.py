"""A provision refused to a public authority cites the items of Art. 27(1) its reason
promises (R-TPP-2), and is still a refused provision without basis to an investigation
(R-TPP-1, R-REQ-7).

The decision's citations used to name "APPI Art. 27(1)" only, though its reason already
said in which cases of it the policy would give the authority data. A privacy officer
reading the citations now sees those items ("APPI Art. 27(1)(i)", ...); the article at
large only when the policy allows none.
"""

from __future__ import annotations

import attrs
import pytest

import pipolicy as pp
from pipolicy.requests.investigation import FindingKind
from pipolicy.requests.wording import citation
from pipolicy.rules.common import refused_under_art_27_1
from tests.factories import T0
from tests.requests.support import customer, shop_policy, verified


def _shop_with_police() -> pp.Engine:
    base = shop_policy()
    police = pp.Recipient("police", kind=pp.RecipientKind.PUBLIC_AUTHORITY)
    policy = attrs.evolve(base, recipients={**base.recipients, "police": police})
    return pp.Engine(policy, clock=pp.FixedClock(T0))


def test_r_tpp_1_a_provision_refused_to_a_public_authority_is_still_found_by_investigation() -> (
    None
):
    engine = _shop_with_police()
    s = customer(engine)
    d = engine.check_provision(s, recipient="police", items={"name"}, purpose="service")
    assert not d.allowed
    assert "APPI Art. 27(1)" not in d.citations
    assert "APPI Art. 27(1)(i)" in d.citations
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(s, recipient="police", items={"name"}, purpose="service")
    r = verified(engine, pp.RequestKind.SUSPENSION_OF_PROVISION, s)
    kinds = [f.kind for f in engine.requests.investigate(r.id).relevant]
    assert kinds == [FindingKind.PROVISION_WITHOUT_BASIS]


def test_r_tpp_2_a_failed_exemption_claim_is_not_a_refusal_for_want_of_consent() -> None:
    """A claim refused cites its own item and no recipient's clause: not R-TPP-1."""
    assert refused_under_art_27_1(("APPI Art. 27(1)", "policy:recipients.partner"))
    assert refused_under_art_27_1(("APPI Art. 27(1)(i)", "policy:recipients.police"))
    assert not refused_under_art_27_1(("APPI Art. 27(1)(vii)",))
    assert not refused_under_art_27_1(("APPI Art. 28", "policy:recipients.abroad"))


def test_r_tpp_2_each_item_cited_reads_as_an_item_in_japanese() -> None:
    """The request texts word a citation in Japanese (第27条第1項第4号): each item the
    decision cites is one such part, article 27, paragraph 1, its item."""
    for numeral, item in (("i", 1), ("iv", 4), ("vii", 7)):
        assert citation(f"APPI Art. 27(1)({numeral})") == [
            {"article": 27, "paragraph": 1, "item": item, "proviso": False}
        ]
    assert citation("APPI Art. 27(1)") == [
        {"article": 27, "paragraph": 1, "item": None, "proviso": False}
    ]
