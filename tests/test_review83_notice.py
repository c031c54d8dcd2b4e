"""What the privacy notice tells a person (R-PUB-1), checked against what the engine does
(review 83): a notice that says data passes without consent where the engine, following
the law, asks for it, tells the person something false."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import T0


def _with(policy: pp.Policy, **recipients: pp.Recipient) -> pp.Policy:
    return attrs.evolve(policy, recipients={**policy.recipients, **recipients})


def _contractor(**fields: Any) -> pp.Recipient:
    """An entrustee of indigo_blue's service, as its shipping contractor is."""
    shipping = pp.example_policy("indigo_blue").recipients["shipping"]
    titles = {"ja": {"title": "海外の委託先"}, "en": {"title": "Overseas contractor"}}
    fields = {"title": "海外の委託先", "translations": {"en": titles["en"]}, **fields}
    return attrs.evolve(shipping, name="overseas", **fields)


def _section(notice: str, heading: str) -> str:
    """The notice's section under ``heading`` (a ``###`` or ``##`` line), to its end."""
    start = notice.index(heading)
    rest = notice[start + len(heading) :]
    ends = [i for i in (rest.find("\n## "), rest.find("\n### ")) if i >= 0]
    return rest[: min(ends)] if ends else rest


def test_r_xb_1_the_notice_says_an_entrustee_abroad_receives_data_only_on_consent() -> None:
    """Art. 28(1): entrustment to a contractor in a foreign country (not designated, no
    equivalent measures) needs the person's prior consent, given with the information of
    Art. 28(2). The engine denies it without; the notice must not list the contractor
    among entrustees given data without consent and say nothing of the country."""
    policy = _with(pp.example_policy("indigo_blue"), overseas=_contractor(country="US"))
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    s = engine.register_subject("p1", category="customer")
    engine.grant_consent(s, purpose="service")
    items = {"name", "email", "phone", "address", "organization"}
    engine.acquire(s, items=items, purposes={"service"}, channel="web")
    assert not engine.check_provision(s, recipient="overseas", items={"name"}, purpose="service")

    ja = _section(pp.render_notice(policy, "ja"), "### 外国にある第三者への提供")
    assert "海外の委託先" in ja and "米国" in ja
    assert "あらかじめご本人の同意" in ja and "法第28条" in ja
    assert "制度" in ja  # the information shown before consent (Art. 28(2))
    en = _section(pp.render_notice(policy, "en"), "### Provision to recipients abroad")
    assert "Overseas contractor" in en and "United States" in en
    assert "prior consent" in en and "Art. 28" in en and "system" in en


def test_r_xb_1_the_notice_names_no_recipient_abroad_when_there_is_none() -> None:
    for lang, heading in (("ja", "外国にある第三者"), ("en", "recipients abroad")):
        for name in pp.example_policy_names():
            assert heading not in pp.render_notice(pp.example_policy(name), lang), name


def test_r_xb_1_a_recipient_abroad_keeping_equivalent_measures_is_shown_without_consent() -> None:
    """Art. 28(1), (3): a recipient keeping equivalent measures under contract needs no
    Art. 28 consent, but the person may ask for information on the measures; a country
    the PPC designated (the EEA, the UK) needs neither. The notice says which applies,
    and never that such a recipient needs consent."""
    base = pp.example_policy("indigo_blue")
    policy = attrs.evolve(
        _with(
            base,
            overseas=_contractor(country="US", equivalent_measures=True),
            london=attrs.evolve(
                _contractor(country="GB"),
                name="london",
                title="英国の委託先",
                translations={"en": {"title": "UK contractor"}},
            ),
        ),
        equivalent_countries=frozenset({"GB"}),
    )
    ja = _section(pp.render_notice(policy, "ja"), "### 外国にある第三者への提供")
    en = _section(pp.render_notice(policy, "en"), "### Provision to recipients abroad")
    assert "米国" in ja and "英国" in ja and "United States" in en and "United Kingdom" in en
    assert "あらかじめご本人の同意" not in ja and "prior consent" not in en
    assert "第28条第3項" in ja and "Art. 28(3)" in en
    assert "お求めに応じて" in ja and "at your request" in en


def test_r_xb_1_the_html_notice_says_the_same_of_recipients_abroad() -> None:
    policy = _with(pp.example_policy("indigo_blue"), overseas=_contractor(country="US"))
    ja = pp.render_notice(policy, "ja", "html")
    en = pp.render_notice(policy, "en", "html")
    assert "<h3>外国にある第三者への提供</h3>" in ja and "<td>米国</td>" in ja
    assert "あらかじめご本人の同意" in ja.split("外国にある第三者への提供")[1]
    assert "<h3>Provision to recipients abroad</h3>" in en and "<td>United States</td>" in en
    assert "only with your prior consent" in en


def _broker_policy(**recipient: Any) -> pp.Policy:
    """make_policy with a list broker served by opt-out (Art. 27(2)), as test_opt_out's."""
    from tests.factories import make_policy

    how = pp.OptOut(
        items=frozenset({"name", "address"}),
        method="a form on the website",
        notified=date(2026, 3, 1),
        filed=date(2026, 3, 10),
        waiting="7 days",
        acquired_by="from the sign-up form",
        provided_by="as an electronic file",
        updated_by="monthly",
    )
    broker = pp.Recipient(
        "list_broker",
        title="List broker",
        purposes={"service"},
        items={"name", "address"},
        opt_out=how,
        address="2-2 Otemachi, Chiyoda-ku, Tokyo",
        representative="Ken List, President",
        **recipient,
    )
    base = make_policy()
    return make_policy(recipients={**base.recipients, "list_broker": broker})


def _opt_out_allowed(policy: pp.Policy) -> bool:
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    s = engine.register_subject("p1", category="customer")
    engine.acquire(s, items={"name", "address"}, purposes={"service"}, channel="web")
    return engine.check_provision(
        s, recipient="list_broker", items={"name"}, purpose="service"
    ).allowed


def test_r_xb_1_no_notice_offers_opt_out_to_a_recipient_abroad() -> None:
    """Art. 28(1), last sentence: provision to a third party abroad needs consent and Art.
    27(2) does not apply, so the engine refuses opt-out provision to it. The notice must
    not tell people it is provided without their consent by opt-out, but that it is
    provided on consent only; one keeping equivalent measures (outside Art. 28(1)'s
    'third party in a foreign country') may still be served by opt-out."""
    # Lint refuses such a policy outright (review 79), so no notice can offer it.
    with pytest.raises(pp.PolicyError, match=r"Art\. 28\(1\)"):
        _broker_policy(country="US")

    measures = _broker_policy(country="US", equivalent_measures=True)
    assert _opt_out_allowed(measures)
    assert "List broker" in _section(pp.render_notice(measures, "en"), "### Provision by opt-out")


def test_r_pri_1_the_notice_says_a_linking_recipient_abroad_needs_the_person_informed() -> None:
    """Art. 31(1)(ii): personally referable information (a cookie id) goes to a recipient
    abroad expected to link it only once it is confirmed that the person consented after
    being given the information on that country's system and the recipient's measures.
    The engine refuses it without (``referable_foreign_unconfirmed``); the notice's
    section on personally referable information must say so, not just "consent"."""
    from tests.factories import make_policy

    base = make_policy()
    ads = pp.Recipient(
        "ads",
        title="Ad network",
        purposes={"personalisation"},
        items={"cookie_id"},
        links_identifiers=True,
        country="US",
    )
    policy = make_policy(recipients={**base.recipients, "ads": ads})
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    s = engine.register_subject("p1", category="customer")
    engine.acquire(s, items={"cookie_id"}, purposes={"personalisation"}, channel="web")
    engine.grant_consent(s, recipient="ads", items={"cookie_id"})
    d = engine.check_provision(s, recipient="ads", items={"cookie_id"}, purpose="personalisation")
    assert not d.allowed and d.why[0].key == "referable_foreign_unconfirmed"

    notice = pp.render_notice(policy, "en")
    section = _section(notice, "## 5. Cookies")
    assert "foreign country" in section and "system" in section and "Art. 31" in section
    assert "(APPI Art. 31(1)(ii)).\n\n## 6." in notice  # the next heading stays a heading
    at_home = make_policy(recipients={**base.recipients, "ads": attrs.evolve(ads, country="")})
    assert "foreign country" not in _section(pp.render_notice(at_home, "en"), "## 5. Cookies")


def test_r_acc_1_the_notice_says_when_a_purpose_ends() -> None:
    """A purpose with a last day (a campaign, seed 002 L8) is used, and data collected for
    it, up to that day only (R-ACC-1, Art. 22): the engine refuses both from the next day
    on. The notice that lists the purpose must say until when, in the policy's calendar,
    not present it as open-ended."""
    base = pp.example_policy("indigo_blue")
    campaign = attrs.evolve(base.purposes["customization"], ends=date(2026, 12, 31))
    policy = attrs.evolve(base, purposes={**base.purposes, "customization": campaign})
    ja = _section(pp.render_notice(policy, "ja"), "## 3. 利用目的")
    en = _section(pp.render_notice(policy, "en"), "## 3. Purposes of use")
    [ja_line] = [line for line in ja.splitlines() if "カスタマイズ" in line]
    [en_line] = [line for line in en.splitlines() if "customize" in line]
    assert "2026年12月31日まで" in ja_line
    assert "until 31 December 2026" in en_line
    assert "まで" not in ja.replace(ja_line, "") and "until" not in en.replace(en_line, "")
    for lang in ("ja", "en"):
        page = pp.render_notice(policy, lang, "html")
        assert ("2026年12月31日まで" if lang == "ja" else "until 31 December 2026") in page


def test_r_xb_1_the_foreign_section_keeps_the_law_s_exemptions() -> None:
    """Art. 28(1) leaves out the cases of Art. 27(1): the engine still provides to a
    recipient abroad on a claimed exemption the policy allows, so the notice may not
    promise consent as the only way (review 84)."""
    policy = _with(pp.example_policy("indigo_blue"), overseas=_contractor(country="US"))
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    s = engine.register_subject("p1", category="customer")
    engine.grant_consent(s, purpose="service")
    engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
    ordered = engine.check_provision(
        s,
        recipient="overseas",
        items={"name"},
        purpose="service",
        exemption="laws_and_regulations",
        justification="court order 2026-123",
    )
    assert ordered.allowed
    ja = _section(pp.render_notice(policy, "ja"), "### 外国にある第三者への提供")
    assert "法第27条第1項各号" in ja and "を除き" in ja
    en = _section(pp.render_notice(policy, "en"), "### Provision to recipients abroad")
    assert "APPI Art. 27(1)" in en and "except" in en
