"""The HTML notice says everything the Markdown notice says (R-PUB-1).

The two formats are one notice: a web page must not leave out a sentence that the
Markdown publishes, such as the one introducing the table of services.
"""

from __future__ import annotations

import html
import re

import pytest

import pipolicy as pp

MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_\[\]<>|#])")


def _paragraphs(markdown: str) -> list[str]:
    """The Markdown notice's sentences that stand alone: not a heading, list or table."""
    return [
        MARKDOWN_ESCAPE.sub(r"\1", line)
        for line in markdown.splitlines()
        if line.strip() and not re.match(r"\s*(#|\||- |\d+\. )", line)
    ]


def _visible(page: str) -> str:
    body = page.split("</style>")[-1]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("name", pp.example_policy_names())
def test_r_pub_1_the_html_notice_keeps_every_sentence_of_the_markdown(name: str, lang: str) -> None:
    policy = pp.example_policy(name)
    page = _visible(pp.render_notice(policy, lang, "html"))
    for sentence in _paragraphs(pp.render_notice(policy, lang, "markdown")):
        assert sentence in page, sentence


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("ja", "サービスごとの利用目的、お問い合わせ窓口、責任者及び保存期間は、次のとおりです。"),
        (
            "en",
            "The purposes, contact point, person responsible and storage period of each service:",
        ),
    ],
)
def test_r_pub_1_the_html_notice_introduces_the_table_of_services(lang: str, sentence: str) -> None:
    policy = pp.example_policy("carbgem")
    assert policy.services, "carbgem publishes its services"
    page = pp.render_notice(policy, lang, "html")
    assert sentence in page
    assert page.index(sentence) < page.index(
        "<table><thead><tr><th>" + ("サービス" if lang == "ja" else "Service")
    )


@pytest.mark.parametrize("name", pp.example_policy_names())
def test_r_pub_1_published_example_notices_cite_no_seed_lines(name: str) -> None:
    """The example policies cite the seed lines they come from in comments: a citation
    inside a text ("Date of birth (age distribution, L13)") is published to the people
    the notice is for, in English only, so the two versions said different things."""
    policy = pp.example_policy(name)
    for lang in policy.languages:
        text = pp.render_notice(policy, lang)
        assert re.search(r"\bL\d+\b", text) is None, (lang, re.findall(r".{30}\bL\d+\b", text))
