"""Review 78: what a consent receipt tells the person about the recipient and the
business (R-CON-4; Art. 27(1), (5))."""

from __future__ import annotations

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
