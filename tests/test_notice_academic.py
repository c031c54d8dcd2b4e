"""The academic research exceptions in the notice keep the law's limit (R-USE-5, R-TPP-2).

Arts. 18(3)(v), 20(2)(v) and 27(1)(v)-(vii) each end with "個人の権利利益を不当に侵害するおそれ
がある場合を除く": the exception never covers handling that could unjustly infringe a
person's rights and interests. A notice that leaves this out publishes a wider exception
than the law gives.
"""

from __future__ import annotations

import re

import pytest

import pipolicy as pp
from tests.factories import T0, make_policy

LIMIT = {
    "ja": "個人の権利利益を不当に侵害するおそれがある場合を除",
    "en": "unless this could unjustly infringe",
}
ACADEMIC = {"ja": "学術研究", "en": "academic research"}


def _university(lang: str) -> pp.Policy:
    """A university that enables every academic research item (use, acquisition and the
    three of provision)."""
    base = make_policy(languages=(lang,))
    return make_policy(
        languages=(lang,),
        academic_institution=True,
        use_exemptions=set(base.use_exemptions) | {"academic_research"},
        provision_grounds=set(base.provision_grounds)
        | {"academic_publication", "academic_joint_research", "academic_recipient"},
        recipients={
            **base.recipients,
            "lab": pp.Recipient("lab", academic_institution=True, joint_research=True),
        },
    )


def _entries(text: str, fmt: str) -> list[str]:
    if fmt == "html":
        return re.findall(r"<li>(.*?)</li>", text)
    return [line[2:] for line in text.splitlines() if line.startswith("- ")]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_use_5_r_tpp_2_every_academic_exception_keeps_the_no_unjust_infringement_limit(
    lang: str, fmt: str
) -> None:
    text = pp.render_notice(_university(lang), lang, fmt)
    academic = [e for e in _entries(text, fmt) if ACADEMIC[lang] in e.lower()]
    # use (18(3)(v)), acquisition of special care-required data (20(2)(v)), provision
    # (27(1)(v), (vi), (vii))
    assert len(academic) >= 5, academic
    for entry in academic:
        assert LIMIT[lang] in entry, entry


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_tpp_2_the_example_that_enables_academic_provision_publishes_the_limit(
    lang: str,
) -> None:
    text = pp.render_notice(pp.example_policy("handling_agreement"), lang)
    academic = [e for e in _entries(text, "markdown") if ACADEMIC[lang] in e.lower()]
    assert len(academic) == 3
    assert all(LIMIT[lang] in e for e in academic), academic


WHO = {
    # Arts. 18(3)(v), 20(2)(v): the business is the institution and handles the data
    "ja": (
        "学術研究機関等として、学術研究目的で取り扱う必要がある場合",
        # Art. 27(1)(v): the business is the institution, publishing or teaching
        "学術研究機関等として、学術研究の成果の公表又は教授のためやむを得ず提供する場合",
        # Art. 27(1)(vi): the business is the institution, researching with the recipient
        "学術研究機関等として、共同して学術研究を行う提供先に、学術研究目的で提供する",
        # Art. 27(1)(vii): the recipient is the institution
        "提供先が学術研究機関等であり、提供先において学術研究目的で取り扱う必要がある場合",
    ),
    "en": (
        "where we, as an academic research institution, need to handle the data for "
        "academic research",
        "where it is unavoidable for us, as an academic research institution, to provide "
        "the data to publish or teach the results of academic research",
        "where we, as an academic research institution, need to provide the data for "
        "academic research to a recipient we conduct it jointly with",
        "where the recipient is an academic research institution that needs to handle the "
        "data for academic research",
    ),
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_use_5_r_tpp_2_each_academic_exception_says_who_must_be_the_institution(
    lang: str,
) -> None:
    """Art. 27(1)(v)-(vi) and 18(3)(v)/20(2)(v) need the business itself to be an academic
    research institution, (vii) the recipient (as Policy.academic_shortfall checks): the
    notice says which, never just 'an academic research institution'."""
    academic = [
        e
        for e in _entries(pp.render_notice(_university(lang), lang), "markdown")
        if ACADEMIC[lang] in e.lower()
    ]
    for who in WHO[lang]:
        assert any(e.startswith(who) for e in academic), (who, academic)
    assert all(any(e.startswith(who) for who in WHO[lang]) for e in academic), academic


def test_r_tpp_2_a_claimed_academic_exception_is_worded_with_who_is_the_institution() -> None:
    """Labels are words of reasons too: the claimed exemption names the recipient as the
    institution of Art. 27(1)(vii)."""
    policy = _university("ja")
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
    d = engine.check_provision(
        s, recipient="lab", items={"name"}, exemption="academic_recipient", justification="J-1"
    )
    assert d.allowed
    (ja,) = engine.explain(d, "ja")
    assert ja.startswith("「提供先が学術研究機関等であり、提供先において学術研究目的で")
