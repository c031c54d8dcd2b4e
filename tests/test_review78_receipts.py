"""Review 78: what a consent receipt tells the person about the recipient and the
business (R-CON-4; Art. 27(1), (5))."""

from __future__ import annotations

import json

import attrs
import rdflib

import pipolicy as pp
from tests.factories import make_engine

DPV = rdflib.Namespace("https://w3id.org/dpv#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def _purposes(receipt: dict[str, object]) -> list[dict[str, object]]:
    services = receipt["services"]
    assert isinstance(services, list)
    return [p for s in services for p in s["purposes"]]


def test_r_con_4_a_receipt_names_the_third_party_even_without_a_title() -> None:
    """Kantara v1.1 asks ``thirdPartyName`` wherever ``thirdPartyDisclosure`` is true: a
    recipient declared without a title is named by its name, never by an empty string
    that tells the person data goes to nobody in particular."""
    engine, _ = make_engine()
    s = engine.register_subject("u-name", category="customer")
    consent = engine.grant_consent(s, recipient="partner", items={"email"})
    [purpose] = _purposes(pp.consent_receipt(engine, consent.id))
    assert purpose["thirdPartyDisclosure"] is True
    assert purpose["thirdPartyName"] == "partner"


def test_r_con_4_a_consent_to_a_recipient_declaring_no_purpose_still_shows_the_provision() -> None:
    """A consent to provision to a third party that declares no purposes of its own (an
    affiliate) is a consent to that provision (Art. 27(1)): its receipt lists it, with
    the items and the third party, and does not come out with no service at all."""
    engine, _ = make_engine()
    s = engine.register_subject("u-affiliate", category="customer")
    consent = engine.grant_consent(s, recipient="affiliate", items={"name", "email"})
    receipt = pp.consent_receipt(engine, consent.id)
    [purpose] = _purposes(receipt)
    assert purpose["thirdPartyDisclosure"] is True
    assert purpose["thirdPartyName"] == "affiliate"
    assert purpose["piiCategory"] == ["email", "name"]
    assert purpose["purpose"] == "Provision of personal data to affiliate"


def test_r_con_4_the_provision_reads_in_japanese_in_a_japanese_policy() -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"))
    s = engine.register_subject("u-court", category="customer")
    # A court receives nothing on consent: the person's no to it is what has a receipt.
    consent = engine.refuse_consent(s, recipient="tokyo_district_court", items={"name"})
    [purpose] = _purposes(pp.consent_receipt(engine, consent.id))
    assert purpose["purpose"] == "「東京地方裁判所」への個人データの提供"
    assert purpose["thirdPartyName"] == "東京地方裁判所"


def test_r_con_4_a_joint_user_or_a_successor_is_not_a_third_party() -> None:
    """Art. 27(5)(ii), (iii): a successor in a merger and a joint user announced under
    Art. 27(5)(iii) are not third parties; a receipt that says data is disclosed to a
    third party tells the person something the law says is not so."""
    engine, _ = make_engine()
    s = engine.register_subject("u-joint", category="customer")
    for recipient in ("group", "buyer"):
        consent = engine.grant_consent(s, recipient=recipient, items={"name"})
        [purpose] = _purposes(pp.consent_receipt(engine, consent.id))
        assert purpose["thirdPartyDisclosure"] is False
        assert purpose["thirdPartyName"] == ""
        record = pp.consent_receipt(engine, consent.id, "dpv")
        assert "hasThirdParty" not in record
        assert record["hasRecipient"] == f"pp:recipient/{recipient}"


def test_r_con_4_the_dpv_record_names_the_business_not_the_policy_version() -> None:
    """The controller is the business the policy names (its name), and the same business
    after the policy is revised: not a node made of the policy's version."""
    engine, clock = make_engine()
    s = engine.register_subject("u-controller", category="customer")
    consent = engine.grant_consent(s, recipient="partner", items={"email"})
    revised = pp.Engine(attrs.evolve(engine.policy, version="v2"), store=engine.store, clock=clock)

    def controller(e: pp.Engine) -> tuple[rdflib.Graph, rdflib.term.Node]:
        record = pp.consent_receipt(e, consent.id, "dpv")
        graph = rdflib.Graph().parse(data=json.dumps(record), format="json-ld")
        [found] = graph.objects(
            rdflib.URIRef(f"urn:pipolicy:consent:{consent.id}"), DPV.hasDataController
        )
        return graph, found

    graph, node = controller(engine)
    assert (node, rdflib.RDF.type, DPV.DataController) in graph
    assert (node, DCT.title, rdflib.Literal("Example K.K.")) in graph
    assert "v1" not in str(node)
    graph2, node2 = controller(revised)
    assert (node2, DCT.title, rdflib.Literal("Example K.K.")) in graph2
    assert "v2" not in str(node2)


def test_r_con_4_a_receipt_after_the_policy_dropped_the_purpose_or_recipient_still_shows_it() -> (
    None
):
    """A consent stays what it was when the policy is revised (R-CON-1): a later version
    that no longer declares the purpose or the recipient does not turn its receipt into
    one that shows no purpose and no provision at all. The purpose is shown by its name;
    the recipient by its name, as the recipient of a provision on consent (a third party,
    Art. 27(1))."""
    engine, clock = make_engine()
    s = engine.register_subject("u-dropped", category="customer")
    to_partner = engine.grant_consent(s, recipient="partner", items={"email"})
    newsletter = engine.grant_consent(s, purpose="newsletter")
    p = engine.policy
    revised = pp.Engine(
        attrs.evolve(
            p,
            version="v2",
            recipients={k: v for k, v in p.recipients.items() if k != "partner"},
            purposes={k: v for k, v in p.purposes.items() if k != "newsletter"},
        ),
        store=engine.store,
        clock=clock,
    )
    [purpose] = _purposes(pp.consent_receipt(revised, newsletter.id))
    assert purpose["purpose"] == "newsletter" and purpose["piiCategory"] == ["email"]
    assert purpose["thirdPartyDisclosure"] is False

    [provision] = _purposes(pp.consent_receipt(revised, to_partner.id))
    assert provision["thirdPartyDisclosure"] is True
    assert provision["thirdPartyName"] == "partner"
    assert provision["piiCategory"] == ["email"]
    record = pp.consent_receipt(revised, to_partner.id, "dpv")
    assert record["hasRecipient"] == record["hasThirdParty"] == "pp:recipient/partner"


def test_r_xb_1_a_joint_user_or_an_entrustee_abroad_is_a_third_party_on_a_receipt() -> None:
    """Art. 28(1) sets Art. 27(5) aside for a recipient in a foreign country not
    designated: a joint user or an entrustee there is a third party in a foreign country,
    and the person consented to provision to it as one (review 84)."""
    from tests.factories import make_policy

    base = make_policy()
    abroad = {
        name: attrs.evolve(base.recipients[name], country="US") for name in ("group", "shipping")
    }
    engine, _ = make_engine(make_policy(recipients={**base.recipients, **abroad}))
    s = engine.register_subject("u-abroad", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    shown = pp.Evidence("web-form", "v1", foreign_info="us-system-v1")
    for name in ("group", "shipping"):
        items = {"email"} if name == "group" else set(base.recipients[name].items)
        consent = engine.grant_consent(s, recipient=name, items=items, evidence=shown)
        [purpose, *_] = _purposes(pp.consent_receipt(engine, consent.id))
        assert purpose["thirdPartyDisclosure"] is True
        assert purpose["thirdPartyName"] != ""
        record = pp.consent_receipt(engine, consent.id, "dpv")
        assert record["hasThirdParty"] == f"pp:recipient/{name}"
    # At home the same joint user is not one (Art. 27(5)(iii)).
    home, _ = make_engine()
    s = home.register_subject("u-home", category="customer")
    consent = home.grant_consent(s, recipient="group", items={"email"})
    [purpose] = _purposes(pp.consent_receipt(home, consent.id))
    assert purpose["thirdPartyDisclosure"] is False
