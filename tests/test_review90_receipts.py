"""Review 90: a consent receipt is the person's proof of what they agreed to (R-CON-4):
where the data goes abroad (Art. 28), what the policy said when they consented
(R-CON-1, R-CON-3), whether it is still in force, who gave it and how to withdraw it."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import attrs
import pytest
import rdflib

import pipolicy as pp
from pipolicy.publishing.dates import format_date
from tests.factories import make_engine, make_policy

PP = rdflib.Namespace("https://pipolicy.example/terms#")
LOC = rdflib.Namespace("https://w3id.org/dpv/loc#")
DPV = rdflib.Namespace("https://w3id.org/dpv#")


def _entries(receipt: dict[str, object]) -> list[dict[str, object]]:
    services = receipt["services"]
    assert isinstance(services, list)
    return [p for s in services for p in s["purposes"]]


def _abroad(policy: pp.Policy, name: str = "partner", country: str = "US") -> pp.Policy:
    moved = attrs.evolve(policy.recipients[name], country=country)
    return attrs.evolve(policy, recipients={**policy.recipients, name: moved})


def test_r_xb_1_a_receipt_names_the_country_and_the_information_given() -> None:
    """Art. 28(1), (2): the person consented to provision to a third party in the United
    States after being told about that country's system and the recipient's measures;
    their receipt says so, the country by name, and names the document shown."""
    engine, _ = make_engine(_abroad(make_policy()))
    s = engine.register_subject("u-us", category="customer")
    shown = pp.Evidence("web-form", "v1", foreign_info="us-system-v1")
    consent = engine.grant_consent(s, recipient="partner", items={"email"}, evidence=shown)
    receipt = pp.consent_receipt(engine, consent.id)
    [entry] = _entries(receipt)
    assert entry["thirdPartyCountry"] == "US"
    assert entry["thirdPartyCountryName"] == "United States"
    assert entry["foreignInformation"] == "us-system-v1"
    notes = receipt["notes"]
    assert any("United States" in n and "us-system-v1" in n for n in notes)
    record = pp.consent_receipt(engine, consent.id, "dpv")
    graph = rdflib.Graph().parse(data=json.dumps(record), format="json-ld")
    node = rdflib.URIRef(f"urn:pipolicy:consent:{consent.id}")
    assert (node, PP.recipientCountry, LOC.US) in graph
    # At home nothing of the kind is said.
    home, _ = make_engine()
    s = home.register_subject("u-home", category="customer")
    consent = home.grant_consent(s, recipient="partner", items={"email"})
    receipt = pp.consent_receipt(home, consent.id)
    [entry] = _entries(receipt)
    assert "thirdPartyCountry" not in entry
    assert "recipientCountry" not in pp.consent_receipt(home, consent.id, "dpv")
    assert not any("United States" in n for n in receipt["notes"])


def test_r_xb_1_the_japanese_receipt_names_the_country_in_japanese() -> None:
    engine = pp.Engine(_abroad(pp.example_policy("indigo_blue")))
    s = engine.register_subject("u-us-ja", category="customer")
    shown = pp.Evidence("web-form", "v1", foreign_info="米国制度-v1")
    consent = engine.grant_consent(s, recipient="partner", items={"email"}, evidence=shown)
    receipt = pp.consent_receipt(engine, consent.id)
    [entry] = _entries(receipt)
    assert entry["thirdPartyCountryName"] == "米国"
    assert any("（米国）" in n and "資料：米国制度-v1" in n for n in receipt["notes"])
    english = pp.consent_receipt(engine, consent.id, lang="en")
    assert english["language"] == "en"
    assert _entries(english)[0]["thirdPartyName"] == "Service partner"
    assert any("United States" in n for n in english["notes"])


def test_r_con_1_a_receipt_under_an_earlier_version_does_not_pass_todays_words_for_what_was_shown() -> (
    None
):
    """pipolicy keeps the name of the policy version a consent was given under, not its
    text: a receipt printed under v2 says its titles are v2's and that v1's wording is not
    kept, rather than show v2's as what the person read. Under the same version it says
    nothing of the kind."""
    engine, clock = make_engine()
    s = engine.register_subject("u-v1", category="customer")
    consent = engine.grant_consent(s, recipient="partner", items={"email"})
    same = pp.consent_receipt(engine, consent.id)
    assert not any("version v1" in n for n in same["notes"])
    revised = pp.Engine(attrs.evolve(engine.policy, version="v2"), store=engine.store, clock=clock)
    receipt = pp.consent_receipt(revised, consent.id)
    assert receipt["policyUrl"] == "policy:v1" and receipt["wordingVersion"] == "v2"
    assert any(
        "version v2" in n and "version v1" in n and "not kept" in n for n in receipt["notes"]
    )
    record = pp.consent_receipt(revised, consent.id, "dpv")
    assert record["policyVersion"] == "v1" and record["purposesAsOfVersion"] == "v2"
    assert "purposesAsOfVersion" not in pp.consent_receipt(engine, consent.id, "dpv")


def test_r_con_3_a_receipt_says_which_purpose_changed_after_the_consent() -> None:
    """A purpose changed beyond relevance after the consent is no longer covered by it
    (R-CON-3): the receipt says the purpose changed, on which day, and that the consent
    does not reach the changed purpose; a change within relevance is said to be one."""
    engine, clock = make_engine()
    s = engine.register_subject("u-changed", category="customer")
    consent = engine.grant_consent(s, purpose="newsletter")
    day = engine.policy.local_date(engine.now()) + timedelta(days=10)
    given = engine.now()
    clock.set(given + timedelta(days=11))
    p = engine.policy
    for related, expected in ((False, "does not cover"), (True, "reasonably related")):
        change = pp.PurposeChange(
            revised=day,
            related=related,
            statement="why" if related else "",
            notified=day,
            how="published on the website",
        )
        newsletter = attrs.evolve(p.purposes["newsletter"], changes=(change,))
        revised = pp.Engine(
            attrs.evolve(
                p, version="v2", revised=day, purposes={**p.purposes, "newsletter": newsletter}
            ),
            store=engine.store,
            clock=clock,
        )
        notes = pp.consent_receipt(revised, consent.id)["notes"]
        [said] = [n for n in notes if "was changed" in n]
        assert format_date(day, "en") in said
        assert expected in said
    # A change dated ahead of today has not been made: nothing said of it yet.
    clock.set(given + timedelta(days=5))
    ahead = pp.consent_receipt(revised, consent.id)["notes"]
    assert not any("was changed" in n for n in ahead)
    # A change dated before the consent is what the person consented to: nothing said.
    earlier = pp.PurposeChange(
        revised=date(2020, 1, 1), related=False, notified=date(2020, 1, 1), how="on the website"
    )
    newsletter = attrs.evolve(p.purposes["newsletter"], changes=(earlier,))
    before = pp.Engine(
        attrs.evolve(p, purposes={**p.purposes, "newsletter": newsletter}),
        store=engine.store,
        clock=clock,
    )
    assert not any("was changed" in n for n in pp.consent_receipt(before, consent.id)["notes"])


def test_r_con_1_a_consent_past_its_expiry_reads_expired_on_its_receipt() -> None:
    """A consent whose expiry has passed is not in force (Consent.active_at), though the
    store still says given until something records its end: the receipt must not tell
    the person it is given, nor tell them how to withdraw it."""
    engine, clock = make_engine()
    s = engine.register_subject("u-expiry", category="customer")
    expires = engine.now() + timedelta(days=30)
    consent = engine.grant_consent(s, purpose="newsletter", expires=expires)
    live = pp.consent_receipt(engine, consent.id)
    assert live["status"] == "given"
    assert any("at any time" in n for n in live["notes"])
    clock.set(expires + timedelta(hours=1))
    receipt = pp.consent_receipt(engine, consent.id)
    assert receipt["status"] == "expired"
    assert datetime.fromisoformat(receipt["consentEnded"]) == expires
    assert not any("at any time" in n for n in receipt["notes"])
    assert any(n.startswith("This consent expired on") for n in receipt["notes"])
    record = pp.consent_receipt(engine, consent.id, "dpv")
    assert record["hasConsentStatus"] == "dpv:ConsentExpired"
    assert datetime.fromisoformat(record["endedAt"]) == expires


def test_r_con_2_a_withdrawn_consent_is_not_offered_for_withdrawal_again() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("u-withdrawn", category="customer")
    consent = engine.grant_consent(s, purpose="newsletter")
    engine.withdraw_consent(s, purpose="newsletter")
    receipt = pp.consent_receipt(engine, consent.id)
    assert receipt["status"] == "withdrawn" and "consentEnded" in receipt
    assert not any("at any time" in n for n in receipt["notes"])
    assert any(n.startswith("You withdrew this consent on") for n in receipt["notes"])


def test_r_con_1_a_consent_the_business_revoked_says_so_in_japanese() -> None:
    """A revoked consent was ended by the business (R-CON-1), not by the person: the
    receipt says which, and the day, in the policy's time zone."""
    engine = pp.Engine(pp.example_policy("indigo_blue"))
    s = engine.register_subject("u-revoked", category="customer")
    consent = engine.grant_consent(s, purpose="service")
    engine.revoke_consent(s, consent_id=consent.id, reason="recorded in error")
    notes = pp.consent_receipt(engine, consent.id)["notes"]
    day = format_date(engine.policy.local_date(engine.now()), "ja")
    assert f"当社は、{day}をもって、この同意に依拠しないこととしました。" in notes[-1]
    assert not any("いつでも撤回" in n for n in notes)


def test_r_con_1_a_consent_given_by_an_agent_says_so() -> None:
    """Evidence records who gave the consent, the person or an agent (a parent for a
    minor, an appointed agent): the receipt does not read as if the person gave it."""
    engine = pp.Engine(pp.example_policy("indigo_blue"))
    s = engine.register_subject("u-agent", category="customer")
    by_agent = pp.Evidence("paper", "form-7", given_by="agent")
    consent = engine.grant_consent(s, purpose="service", evidence=by_agent)
    receipt = pp.consent_receipt(engine, consent.id)
    assert receipt["consentGivenBy"] == "agent"
    assert any(n.startswith("この同意は、代理人") for n in receipt["notes"])
    # and the way to withdraw names the business's contact (seed 000 L42-44).
    [withdraw] = [n for n in receipt["notes"] if "撤回" in n]
    assert "03-5408-5682" in withdraw
    other = engine.register_subject("u-self", category="customer")
    mine = engine.grant_consent(other, purpose="service")
    assert not any("代理人" in n for n in pp.consent_receipt(engine, mine.id)["notes"])


def test_r_con_4_a_receipt_in_a_language_the_policy_does_not_publish_is_refused() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("u-lang", category="customer")
    consent = engine.grant_consent(s, purpose="newsletter")
    for lang in ("fr", "ja"):  # ja: pipolicy writes it, this policy does not publish it
        with pytest.raises(pp.InvalidInput):
            pp.consent_receipt(engine, consent.id, lang=lang)
    assert pp.consent_receipt(engine, consent.id, lang="en")["language"] == "en"


def test_r_xb_1_a_consent_given_without_the_foreign_information_says_it_reaches_no_further() -> (
    None
):
    """A consent given while the recipient was in Japan (or without the Art. 28(2)
    information) is no consent to provision abroad: once the recipient is in a foreign
    country, the receipt says so instead of reading as one. A recipient declaring no
    purposes is named with its country."""
    engine, clock = make_engine()
    s = engine.register_subject("u-moved", category="customer")
    consent = engine.grant_consent(s, recipient="affiliate", items={"email"})
    moved = pp.Engine(_abroad(engine.policy, "affiliate", "SG"), store=engine.store, clock=clock)
    receipt = pp.consent_receipt(moved, consent.id)
    [entry] = _entries(receipt)
    assert entry["purpose"] == "Provision of personal data to affiliate in Singapore"
    assert entry["thirdPartyCountry"] == "SG" and entry["foreignInformation"] == ""
    assert any("no record" in n and "Singapore" in n for n in receipt["notes"])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_r_xb_1_a_receipt_claims_a_country_was_shown_only_where_one_was_recorded(
    lang: str,
) -> None:
    """Foreign information given while the recipient was in Japan named no foreign
    country (PPC Rules Art. 17(1)): once the recipient is in China, the receipt must not
    tell the person they were given China's name and system before consenting, but that
    there is no record of it and no data goes there on this consent. Both receipt
    formats keep the document that was shown."""
    engine = pp.Engine(make_policy() if lang == "en" else pp.example_policy("indigo_blue"))
    s = engine.register_subject("u-shown-nothing", category="customer")
    shown = pp.Evidence("web-form", "v1", foreign_info="generic-notice-v1")
    consent = engine.grant_consent(s, recipient="partner", items={"email"}, evidence=shown)
    moved = pp.Engine(_abroad(engine.policy, country="CN"), store=engine.store)
    china = "China" if lang == "en" else "中国"
    for receipt in (
        pp.consent_receipt(moved, consent.id, lang=lang),
        pp.consent_receipt(moved, consent.id, "dpv", lang=lang),
    ):
        notes = receipt["notes"]
        said = [n for n in notes if china in n]
        assert said, notes
        assert not any(("Before you consented" in n or "この同意に先立ち" in n) for n in said)
        assert any(("no record" in n or "記録がありません" in n) for n in said)
    [entry] = _entries(pp.consent_receipt(moved, consent.id, lang=lang))
    assert entry["thirdPartyCountry"] == "CN"
    assert entry["foreignInformation"] == "generic-notice-v1"


def test_r_con_3_a_change_notified_after_a_consent_under_the_old_version_is_said() -> None:
    """A consent given under v1 on a day a change beyond relevance was already dated, but
    before it was published, was given to the purpose as v1 showed it (Art. 21(3)): the
    receipt says the purpose changed and that the consent does not reach it."""
    engine, clock = make_engine()
    s = engine.register_subject("u-unnotified", category="customer")
    today = engine.policy.local_date(engine.now())
    consent = engine.grant_consent(s, purpose="newsletter")
    p = engine.policy
    change = pp.PurposeChange(
        revised=today, related=False, notified=today + timedelta(days=5), how="on the website"
    )
    newsletter = attrs.evolve(p.purposes["newsletter"], changes=(change,))
    policy = attrs.evolve(
        p, version="v2", revised=today, purposes={**p.purposes, "newsletter": newsletter}
    )
    notes = pp.consent_receipt(pp.Engine(policy, store=engine.store, clock=clock), consent.id)[
        "notes"
    ]
    assert any("was changed" in n and "does not cover" in n for n in notes)


def test_r_tpp_5_a_consent_to_a_joint_user_shows_the_joint_use() -> None:
    """A joint user declares no purposes of its own: the data is used for those the joint
    use announced (Art. 27(5)(iii)), and the receipt shows them, who uses the data jointly
    and who is responsible for it, not a bare "provision" to the joint user."""
    engine, _ = make_engine()
    s = engine.register_subject("u-joint-use", category="customer")
    consent = engine.grant_consent(s, recipient="group", items={"email"})
    receipt = pp.consent_receipt(engine, consent.id)
    [entry] = _entries(receipt)
    assert entry["purposeCategory"] == ["service"] and entry["thirdPartyDisclosure"] is False
    [said] = [n for n in receipt["notes"] if "jointly" in n]
    assert "Group companies listed on the website" in said and "Example K.K." in said
    assert pp.consent_receipt(engine, consent.id, "dpv")["hasPurpose"] == ["pp:purpose/service"]


def test_r_xb_1_a_recipient_in_a_designated_country_is_located_without_an_art_28_note() -> None:
    """A recipient in a country the policy lists as equivalent needs no Art. 28 consent:
    the receipt still says where the data goes, and does not say it goes nowhere."""
    policy = attrs.evolve(_abroad(make_policy(), country="DE"), equivalent_countries={"DE"})
    engine, _ = make_engine(policy)
    s = engine.register_subject("u-de", category="customer")
    consent = engine.grant_consent(s, recipient="partner", items={"email"})
    receipt = pp.consent_receipt(engine, consent.id)
    [entry] = _entries(receipt)
    assert entry["thirdPartyCountryName"] == "Germany"
    assert not any("Art. 28(2)" in n or "no record" in n for n in receipt["notes"])
