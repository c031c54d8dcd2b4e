"""Session 19: what a consent receipt tells the person they agreed to (R-CON-4), for a
joint user abroad (Arts. 27(5)(iii), 28), a joint use whose purposes grew after the
consent (Art. 27(6)), and a consent the person refused or that ended (Kantara v1.1)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.policy.texts import text_in
from tests.factories import JST
from tests.seeds._support import example_data

CONSENTED = datetime(2021, 2, 1, 10, 0, tzinfo=JST)
ADDED = date(2021, 4, 1)
MADE_KNOWN = date(2021, 4, 15)
PRINTED = datetime(2021, 6, 1, 10, 0, tzinfo=JST)


def _entries(receipt: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for s in receipt["services"] for p in s["purposes"]]


def _indigo(**co_host: Any) -> pp.Policy:
    """The indigo policy (ja, en; joint use ``event_co_hosting`` with ``co_host``), the
    joint user changed by ``co_host`` (a country, say)."""
    data = example_data("indigo")
    data["recipients"]["co_host"].update(co_host)
    return pp.policy_from_dict(data, source="test")


def _consent_to_co_host(policy: pp.Policy, evidence: pp.Evidence | None = None) -> pp.Engine:
    engine = pp.Engine(policy, clock=pp.FixedClock(CONSENTED), ids=iter(["s1", "c1"]).__next__)
    s = engine.register_subject("m1", category="member")
    engine.grant_consent(s, recipient="co_host", items={"email"}, evidence=evidence)
    return engine


# -- 1. a joint user abroad (Art. 28(1) sets Art. 27(5)(iii) aside) --------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_xb_1_a_joint_user_abroad_is_not_told_as_joint_use(lang: str) -> None:
    """Art. 28(1): provision to a third party in a foreign country needs the person's
    consent "in which case the preceding Article does not apply" -- Art. 27(5)(iii)
    included. A joint user in a country not designated, without equivalent measures, is
    a third party in a foreign country: the receipt says so, with the country and the
    Art. 28(2) information, and does not tell the person the data is merely used jointly."""
    shown = pp.Evidence("web-form", "v1", foreign_info="us-system-2021")
    engine = _consent_to_co_host(_indigo(country="US"), shown)

    receipt = pp.consent_receipt(engine, "c1", lang=lang)

    [entry] = _entries(receipt)
    assert entry["thirdPartyDisclosure"] is True and entry["thirdPartyName"]
    assert entry["thirdPartyCountry"] == "US"
    assert entry["foreignInformation"] == "us-system-2021"
    notes = " ".join(receipt["notes"])
    assert "us-system-2021" in notes  # the Art. 28(2) information shown
    joint = JOINT_WORDS[lang]
    [said] = [n for n in receipt["notes"] if joint in n]
    assert ART_28[lang] in said and NOT_27_5[lang] in said
    assert not any(n.startswith(JOINT_USE_OPENING[lang]) for n in receipt["notes"])


JOINT_WORDS = {"ja": "共同して利用する者", "en": "jointly"}
ART_28 = {"ja": "第28条第1項", "en": "Art. 28(1)"}
NOT_27_5 = {"ja": "第27条第5項第3号", "en": "Art. 27(5)(iii)"}
JOINT_USE_OPENING = {
    "ja": "この同意に係る個人データは、共同して利用する者の範囲",
    "en": "The personal data this consent covers is used jointly by",
}


def test_r_tpp_5_a_joint_user_in_a_designated_country_stays_a_joint_user() -> None:
    """In a country designated as equivalent (PPC Rules Art. 15), the recipient is no
    "third party in a foreign country": Art. 27 applies, and so does its joint use. The
    receipt says where the data goes and that it is used jointly, not a third party."""
    data = example_data("indigo")
    data["recipients"]["co_host"]["country"] = "DE"
    data.setdefault("provision", {})["equivalent_countries"] = ["DE"]
    engine = _consent_to_co_host(pp.policy_from_dict(data, source="test"))

    receipt = pp.consent_receipt(engine, "c1", lang="en")

    [entry] = _entries(receipt)
    assert entry["thirdPartyDisclosure"] is False and entry["thirdPartyCountry"] == "DE"
    assert any(n.startswith(JOINT_USE_OPENING["en"]) for n in receipt["notes"])
    assert not any("Art. 28" in n for n in receipt["notes"])


# -- 2. purposes added to a joint use after the consent (Art. 27(6)) -------------------


def _grown(notified: date | None = MADE_KNOWN, revised: date = ADDED) -> pp.Policy:
    """indigo's next version: ``record_accuracy`` added to the joint use on ``revised``,
    made known on ``notified``."""
    data = example_data("indigo")
    data["policy"]["version"] = "indigo-2021-04-01"
    data["policy"]["revised"] = revised
    joint = data["joint_use"]["event_co_hosting"]
    joint["purposes"] = ["event_planning", "record_accuracy"]
    change: dict[str, Any] = {"what": "purposes", "added": ["record_accuracy"], "revised": revised}
    if notified is not None:
        change.update(notified=notified, how="published on the website")
    joint["changes"] = [change]
    return pp.policy_from_dict(data, source="test")


def _printed_under(policy: pp.Policy, at: datetime = PRINTED) -> pp.Engine:
    """The consent of :func:`_consent_to_co_host` (under the first version), its receipt
    printed under ``policy`` at ``at``."""
    engine = _consent_to_co_host(_indigo())
    return pp.Engine(policy, store=engine.store, clock=pp.FixedClock(at))


ADDED_WORDS = {
    "ja": ("共同利用の利用目的", "2021年4月1日", "2021年4月15日"),
    "en": ("purposes of the joint use", "1 April 2021", "15 April 2021"),
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_tpp_5_a_purpose_added_to_the_joint_use_later_is_not_shown_as_consented(
    lang: str,
) -> None:
    """The person consented when the joint use announced ``event_planning`` only. A later
    version adds ``record_accuracy`` (Art. 27(6)): the receipt shows what was announced
    then, and says what was added, on which day and when it was made known."""
    engine = _printed_under(_grown())

    receipt = pp.consent_receipt(engine, "c1", lang=lang)

    assert [e["purposeCategory"] for e in _entries(receipt)] == [["event_planning"]]
    assert pp.consent_receipt(engine, "c1", "dpv")["hasPurpose"] == ["pp:purpose/event_planning"]
    title = text_in(engine.policy.purposes["record_accuracy"], "title", lang)
    joint, added, made_known = ADDED_WORDS[lang]
    [said] = [n for n in receipt["notes"] if title in n]
    assert joint in said and added in said and made_known in said


def test_r_tpp_5_a_purpose_announced_before_the_consent_is_shown() -> None:
    """Added and made known before the person consented: it was among what they were
    told, shown as such, with no note of a change."""
    policy = _grown(notified=date(2021, 1, 10), revised=date(2021, 1, 5))
    engine = pp.Engine(policy, clock=pp.FixedClock(CONSENTED), ids=iter(["s1", "c1"]).__next__)
    s = engine.register_subject("m1", category="member")
    engine.grant_consent(s, recipient="co_host", items={"email"})

    receipt = pp.consent_receipt(engine, "c1", lang="en")

    categories = sorted(c for e in _entries(receipt) for c in e["purposeCategory"])
    assert categories == ["event_planning", "record_accuracy"]
    assert not any("purposes of the joint use" in n for n in receipt["notes"])


def test_r_tpp_5_a_purpose_added_but_not_yet_made_known_is_said_so() -> None:
    """Added after the consent and not yet made known: not shown as announced, and the
    note says it has not been made known (it counts for nothing until it is)."""
    engine = _printed_under(_grown(notified=None))

    receipt = pp.consent_receipt(engine, "c1", lang="en")

    assert [e["purposeCategory"] for e in _entries(receipt)] == [["event_planning"]]
    [said] = [n for n in receipt["notes"] if "purposes of the joint use" in n]
    assert "1 April 2021" in said and "not yet been made known" in said


def test_r_tpp_5_a_purpose_to_be_added_later_is_neither_shown_nor_told() -> None:
    """A change dated after the printing has not been made: the receipt neither shows the
    purpose nor tells of a change."""
    engine = _printed_under(_grown(), at=datetime(2021, 3, 1, 10, 0, tzinfo=JST))

    receipt = pp.consent_receipt(engine, "c1", lang="en")

    assert [e["purposeCategory"] for e in _entries(receipt)] == [["event_planning"]]
    assert not any("purposes of the joint use" in n for n in receipt["notes"])


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ja", ("管理について責任を有する者が変更", "2021年4月1日", "2021年4月15日")),
        ("en", ("person responsible for managing", "1 April 2021", "15 April 2021")),
    ],
)
def test_art_27_6_a_new_person_responsible_since_the_consent_is_told(
    lang: str, words: tuple[str, ...]
) -> None:
    """The receipt names the person responsible as the policy names them now; one
    changed after the consent is told as a change, with its days, never passed off as
    the one the person was told of."""
    data = example_data("indigo")
    data["policy"].update(version="indigo-2021-04-01", revised=ADDED)
    data["joint_use"]["event_co_hosting"]["changes"] = [
        {"what": "manager", "revised": ADDED, "notified": MADE_KNOWN, "how": "on the website"}
    ]
    engine = _printed_under(pp.policy_from_dict(data, source="test"))

    notes = pp.consent_receipt(engine, "c1", lang=lang)["notes"]

    [said] = [n for n in notes if words[0] in n]
    assert all(w in said for w in words)


def test_r_con_4_an_applications_older_receipt_wording_still_words_the_new_notes(
    tmp_path: Path,
) -> None:
    """An application words the notes with its own copy of ``<lang>/receipt.j2``; one
    copied before a note was added to pipolicy lacks its macro. The receipt still says
    it, in pipolicy's words, instead of failing for the person asking for it."""
    own = tmp_path / "ours"
    (own / "en").mkdir(parents=True)
    shipped = (Path(pp.__file__).parent / "templates" / "en" / "receipt.j2").read_text("utf-8")
    older = shipped.split("{#- A joint user in a foreign country")[0]
    assert "JOINT_USER_ABROAD" not in older and "WITHDRAW" in older
    (own / "en" / "receipt.j2").write_text(
        older.replace("You may withdraw this consent at any time.", "Withdraw any time."), "utf-8"
    )
    shown = pp.Evidence("web-form", "v1", foreign_info="us-system-2021")
    engine = _consent_to_co_host(_indigo(country="US"), shown)
    ours = pp.Engine(engine.policy, store=engine.store, clock=engine.clock, templates=own)

    notes = pp.consent_receipt(ours, "c1", lang="en")["notes"]

    assert any(n.startswith("Withdraw any time.") for n in notes)  # their words
    assert any("Art. 28(1)" in n and "jointly" in n for n in notes)  # ours, where they have none


# -- 3. a refusal, and a consent that ended, in a Kantara receipt ----------------------


def _said_no() -> tuple[pp.Engine, pp.Consent, pp.Consent, pp.Consent]:
    """A refusal to provision to ``partner``, a refusal of ``newsletter``, and a consent
    to ``partner`` given on 1 April 2026 and withdrawn at 10:00 on 2 April (Tokyo)."""
    from tests.factories import T0, make_engine

    engine, clock = make_engine()
    s = engine.register_subject("u-no", category="customer")
    to_partner = engine.refuse_consent(s, recipient="partner", items={"email"})
    newsletter = engine.refuse_consent(s, purpose="newsletter")
    given = engine.grant_consent(s, recipient="partner", items={"name"})
    clock.set(T0.replace(day=2, hour=10))
    engine.withdraw_consent(s, consent_id=given.id)
    return engine, to_partner, newsletter, engine.consent(given.id)


def test_r_con_4_a_refusal_is_not_exported_as_an_explicit_consent() -> None:
    """Kantara v1.1's ``consentType`` is "the type of the consent used by the PII
    Controller as their authority to collect, use or disclose PII"; the spec has no value
    for a refusal, which is no authority at all. A refusal comes out with ``"N/A"``, no
    disclosure to the third party it refused, and ``termination`` saying it was refused
    and when; never as an explicit consent to disclose."""
    engine, to_partner, newsletter, _ = _said_no()

    for refused in (to_partner, newsletter):
        receipt = pp.consent_receipt(engine, refused.id)
        [entry] = _entries(receipt)
        assert entry["consentType"] == "N/A"
        assert entry["thirdPartyDisclosure"] is False
        assert entry["termination"] == "refused 2026-04-01T09:00:00+09:00"
        assert receipt["status"] == "refused"
    [to_it] = _entries(pp.consent_receipt(engine, to_partner.id))
    assert to_it["thirdPartyName"] == "partner"  # what was refused, named
    dpv = pp.consent_receipt(engine, to_partner.id, "dpv")
    assert dpv["hasConsentStatus"] == "dpv:ConsentRefused"


def test_r_con_4_a_withdrawn_consent_keeps_its_type_and_says_when_it_ended() -> None:
    """A withdrawn consent was an explicit consent when given: its type stays, the
    disclosure it allowed until then stays (records of it are kept, Art. 29), and
    ``termination`` says it was withdrawn and when, where a Kantara reader looks for how
    the consent ends, instead of "withdrawal" as if it could still be withdrawn."""
    engine, _, _, withdrawn = _said_no()

    [entry] = _entries(pp.consent_receipt(engine, withdrawn.id))

    assert entry["consentType"] == "EXPLICIT"
    assert entry["thirdPartyDisclosure"] is True
    assert entry["termination"] == "withdrawn 2026-04-02T10:00:00+09:00"


def test_r_con_4_a_consent_past_its_expiry_says_it_expired() -> None:
    from tests.factories import T0, make_engine

    engine, clock = make_engine()
    s = engine.register_subject("u-exp", category="customer")
    consent = engine.grant_consent(s, purpose="newsletter", expires=T0.replace(day=10))
    [before] = _entries(pp.consent_receipt(engine, consent.id))
    clock.set(T0.replace(day=11))

    [after] = _entries(pp.consent_receipt(engine, consent.id))

    assert before["termination"] == "2026-04-10T09:00:00+09:00"  # how it will end
    assert after["termination"] == "expired 2026-04-10T09:00:00+09:00"  # how it ended
    assert after["consentType"] == "EXPLICIT"
