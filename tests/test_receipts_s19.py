"""Session 19: what a consent receipt tells the person they agreed to (R-CON-4), for a
joint user abroad (Arts. 27(5)(iii), 28), a joint use whose purposes grew after the
consent (Art. 27(6)), and a consent the person refused or that ended (Kantara v1.1)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

import pipolicy as pp
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
