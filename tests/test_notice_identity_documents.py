"""The notice's identity-document notes say the same in Japanese and English (R-PUB-1).

The English notice tells the reader why the back of a My Number card is refused (the
business may not collect an Individual Number for a request: My Number Act Arts. 19,
20) and that the basic pension number is not needed; the Japanese notice must say so
too. And neither notice strings notes in brackets one after another: they are one note.
"""

from __future__ import annotations

import re

import attrs
import pytest

import pipolicy as pp

DOCUMENTS = {
    pp.DocumentKind.DRIVERS_LICENSE,
    pp.DocumentKind.MY_NUMBER_CARD,
    pp.DocumentKind.PENSION_BOOK,
}


def _policy(*, login: bool = False) -> pp.Policy:
    policy = pp.example_policy("indigo_blue")
    settings = attrs.evolve(policy.requests, accepted_ids=DOCUMENTS, accept_service_login=login)
    return attrs.evolve(policy, requests=settings)


def _id_line(text: str, lang: str) -> str:
    """The identity documents' entry, Markdown's list item or HTML's description."""
    marker = "ご本人確認書類" if lang == "ja" else "Identity documents"
    found = re.search(re.escape(marker) + "(：|:|</dt>)", text)
    assert found is not None
    start = found.start()
    return re.sub(r"<[^>]+>", " ", text[start : text.index("\n", start)])


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_pub_1_the_japanese_notice_says_why_the_back_of_a_my_number_card_is_refused(
    fmt: str,
) -> None:
    line = _id_line(pp.render_notice(_policy(), "ja", fmt), "ja")
    assert "表面のみの写し" in line and "裏面の写しはお受けできません" in line
    assert "個人番号を取得することができない" in line  # EN: "which ... may not collect"
    en = _id_line(pp.render_notice(_policy(), "en", fmt), "en")
    assert "front side only" in en and "not" in en.split("Individual Number", 1)[1]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_pub_1_the_japanese_notice_says_the_basic_pension_number_is_not_needed(
    fmt: str,
) -> None:
    line = _id_line(pp.render_notice(_policy(), "ja", fmt), "ja")
    assert "基礎年金番号を黒塗り" in line
    assert "基礎年金番号を必要としません" in line  # EN: "(we do not need it)"
    en = _id_line(pp.render_notice(_policy(), "en", fmt), "en")
    assert "black out the basic pension number" in en and "we do not need it" in en
