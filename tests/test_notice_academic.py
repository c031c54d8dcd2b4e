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
from tests.factories import make_policy

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
