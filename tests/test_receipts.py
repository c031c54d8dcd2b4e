"""Consents as Kantara consent receipts and as DPV JSON-LD records (R-CON-4)."""

from __future__ import annotations

import json

import pytest
import rdflib

import pipolicy as pp
from tests.factories import make_engine

DPV = rdflib.Namespace("https://w3id.org/dpv#")


@pytest.fixture
def consented() -> tuple[pp.Engine, pp.Consent, pp.Consent]:
    engine, _ = make_engine()
    s = engine.register_subject("u-receipt", category="customer")
    to_partner = engine.grant_consent(
        s, recipient="partner", items={"email"}, evidence=pp.Evidence("web-form", "v3")
    )
    newsletter = engine.grant_consent(s, purpose="newsletter")
    engine.withdraw_consent(s, purpose="newsletter")
    return engine, to_partner, newsletter


def test_r_con_4_a_kantara_receipt(consented: tuple[pp.Engine, pp.Consent, pp.Consent]) -> None:
    engine, to_partner, _ = consented
    receipt = pp.consent_receipt(engine, to_partner.id)
    assert receipt["version"] == "KI-CR-v1.1.0" and receipt["jurisdiction"] == "JP"
    assert receipt["consentReceiptID"] == to_partner.id
    assert receipt["consentTimestamp"] == int(to_partner.given_at.timestamp())
    assert receipt["piiPrincipalId"] == to_partner.subject_id  # never the app's key
    [service] = receipt["services"]
    [purpose] = service["purposes"]
    assert purpose["thirdPartyDisclosure"] is True and purpose["piiCategory"] == ["email"]
    assert receipt["piiControllers"][0]["piiController"]
    json.dumps(receipt)  # plain JSON


def test_r_con_4_a_dpv_record_parses_as_rdf_with_the_right_triples(
    consented: tuple[pp.Engine, pp.Consent, pp.Consent],
) -> None:
    engine, to_partner, newsletter = consented
    graph = rdflib.Graph().parse(
        data=json.dumps(pp.consent_receipt(engine, to_partner.id, "dpv")), format="json-ld"
    )
    record = rdflib.URIRef(f"urn:pipolicy:consent:{to_partner.id}")
    assert (record, rdflib.RDF.type, DPV.ConsentRecord) in graph
    assert (record, DPV.hasConsentStatus, DPV.ConsentGiven) in graph
    assert (record, DPV.hasLegalBasis, DPV.Consent) in graph
    partner = rdflib.URIRef("https://pipolicy.example/terms#recipient/partner")
    assert (record, DPV.hasThirdParty, partner) in graph
    assert (record, DPV.hasDataProcessor, None) not in graph
    ended = rdflib.Graph().parse(
        data=json.dumps(pp.consent_receipt(engine, newsletter.id, "dpv")), format="json-ld"
    )
    assert (None, DPV.hasConsentStatus, DPV.ConsentWithdrawn) in ended


def test_r_con_4_an_entrustee_is_a_processor_never_a_third_party() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("u-proc", category="customer")
    consent = engine.grant_consent(s, recipient="shipping", items={"name"})
    record = pp.consent_receipt(engine, consent.id, "dpv")
    assert record["hasDataProcessor"] == "pp:recipient/shipping"
    assert "hasThirdParty" not in record
    assert (
        pp.consent_receipt(engine, consent.id)["services"][0]["purposes"][0]["thirdPartyDisclosure"]
        is False
    )


def test_r_con_4_bad_input(consented: tuple[pp.Engine, pp.Consent, pp.Consent]) -> None:
    engine, to_partner, _ = consented
    with pytest.raises(pp.InvalidInput):
        pp.consent_receipt(engine, to_partner.id, "xml")
    with pytest.raises(pp.InvalidInput):
        pp.consent_receipt(engine, "nope")


def test_r_con_4_the_cli_exports_a_receipt(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from pipolicy.cli import main

    db = Path(str(tmp_path)) / "pi.db"
    policy_path = pp.example_policy_path("indigo_blue")
    engine = pp.Engine(pp.load_policy(policy_path), store=f"sqlite:///{db}")
    s = engine.register_subject("cli-user", category="customer")
    consent = engine.grant_consent(s, purpose="service")
    engine.close()

    def export(*how: str) -> dict[str, object]:
        args = ["export", "receipt", consent.id, "--store", f"sqlite:///{db}"]
        assert main([*args, "--policy", str(policy_path), *how]) == 0
        found: dict[str, object] = json.loads(capsys.readouterr().out)
        return found

    dpv = export("--format", "dpv")
    assert dpv["identifier"] == consent.id and dpv["hasConsentStatus"] == "dpv:ConsentGiven"
    kantara = export()
    assert kantara["language"] == "ja"
    services = kantara["services"]
    assert isinstance(services, list) and services[0]["service"] == "当社サービスを提供するため"


def test_r_con_4_a_receipt_names_the_policy_version_the_person_consented_under() -> None:
    """R-CON-1 keeps the policy version shown with each consent; a receipt printed after
    the policy was revised still names that version, not the one in force now (the
    person agreed to what v1 said)."""
    import attrs

    engine, clock = make_engine()
    s = engine.register_subject("u-version", category="customer")
    consent = engine.grant_consent(s, recipient="partner", items={"email"})
    revised = pp.Engine(attrs.evolve(engine.policy, version="v2"), store=engine.store, clock=clock)
    receipt = pp.consent_receipt(revised, consent.id)
    assert receipt["policyUrl"] == "policy:v1"
    assert pp.consent_receipt(revised, consent.id, "dpv")["policyVersion"] == "v1"


def test_r_con_4_a_receipt_shows_its_instants_in_the_policys_time_zone() -> None:
    """A receipt is handed to the person: the day and hour they read must be the policy's
    (Asia/Tokyo for indigo_blue), whatever zone the clock or the store gives. A consent
    given at 00:30 on 1 April 2026 in Tokyo (15:30 UTC the day before), expiring at the
    same hour a year later and withdrawn at 08:00 on 2 April in Tokyo, reads so, as
    ISO 8601 with the offset, and names the same instants."""
    from datetime import datetime, timezone

    utc = timezone.utc
    clock = pp.FixedClock(datetime(2026, 3, 31, 15, 30, tzinfo=utc))
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=clock)
    s = engine.register_subject("u-tz", category="customer")
    expires = datetime(2027, 3, 31, 15, 30, tzinfo=utc)
    consent = engine.grant_consent(s, purpose="service", expires=expires)
    kept = engine.grant_consent(s, purpose="service", expires=expires)
    # Kantara's termination is the expiry while the consent is in force (once it has
    # ended, how and when it ended: tests/test_receipts_s19.py).
    termination = pp.consent_receipt(engine, kept.id)["services"][0]["purposes"][0]
    clock.set(datetime(2026, 4, 1, 23, 0, tzinfo=utc))
    engine.withdraw_consent(s, purpose="service")

    assert termination["termination"] == "2027-04-01T00:30:00+09:00"
    record = pp.consent_receipt(engine, consent.id, "dpv")
    assert record["isIndicatedAtTime"] == "2026-04-01T00:30:00+09:00"
    assert record["hasExpiry"] == "2027-04-01T00:30:00+09:00"
    assert record["endedAt"] == "2026-04-02T08:00:00+09:00"
    # The same instants, only shown in Tokyo's offset.
    assert datetime.fromisoformat(record["isIndicatedAtTime"]) == consent.given_at
    assert datetime.fromisoformat(record["hasExpiry"]) == expires
    assert pp.consent_receipt(engine, consent.id)["consentTimestamp"] == int(
        datetime(2026, 3, 31, 15, 30, tzinfo=utc).timestamp()
    )
