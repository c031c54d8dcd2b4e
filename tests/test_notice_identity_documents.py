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

DOCUMENTS = frozenset(
    {
        pp.DocumentKind.DRIVERS_LICENSE,
        pp.DocumentKind.MY_NUMBER_CARD,
        pp.DocumentKind.PENSION_BOOK,
    }
)


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


def _both_notes_policy() -> pp.Policy:
    """A purpose consented to before collection and turned into statistics; IDs with both
    notes, and the sign-in accepted: every note the notice can add to one line."""
    policy = _policy(login=True)
    name = sorted(policy.purposes)[0]
    purpose = attrs.evolve(
        policy.purposes[name], consent=pp.ConsentRule.AT_COLLECTION, statistics=True
    )
    return attrs.evolve(policy, purposes={**policy.purposes, name: purpose})


BACK_TO_BACK = {"ja": "）（", "en": ") ("}


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_pub_1_the_notice_never_puts_two_bracketed_notes_side_by_side(
    lang: str, fmt: str
) -> None:
    policy = _both_notes_policy()
    text = pp.render_notice(policy, lang, fmt)
    assert BACK_TO_BACK[lang] not in text, text[text.find(BACK_TO_BACK[lang]) - 200 :][:400]
    # Every note is still there, in one bracket.
    if lang == "ja":
        for note in (
            "取得に先立ち、ご本人の同意をいただきます",
            "個人を特定できない統計データに加工して利用します",
            "ログインにより確認することもできます",
            "表面のみの写し",
            "基礎年金番号を黒塗り",
        ):
            assert note in text, note
    else:
        for note in (
            "with your consent, obtained before collection",
            "processed into statistics that identify no one",
            "signing in to our service is enough",
            "front side only",
            "black out the basic pension number",
        ):
            assert note in text, note


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", pp.example_policy_names())
def test_r_pub_1_no_example_notice_puts_two_bracketed_notes_side_by_side(
    name: str, lang: str, fmt: str
) -> None:
    policy = pp.example_policy(name)
    text = pp.render_notice(policy, lang, fmt)
    # A business's own name may end in brackets ("... (unnamed in the seed)"): the notes
    # the notice adds are what is checked.
    own_name = policy.controller.translations.get(lang, {}).get("name", policy.controller.name)
    assert BACK_TO_BACK[lang] not in text.replace(str(own_name), "")
