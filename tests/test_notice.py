"""The privacy notice (R-PUB-1, Arts. 21, 32) in Japanese and English, from the policy."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest

import pipolicy as pp
from pipolicy.cli import main

BILINGUAL = ["indigo_blue", "indigo"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# Two English words in a row: a phrase, where a Japanese text may hold only a name or a
# code (FAX, 7F, Cookie, indiGO).
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,})+")


def _visible(text: str, policy: pp.Policy) -> str:
    """``text`` without markup and the version id (an identifier, not a sentence)."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    return text.replace(policy.version, " ")


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("name", BILINGUAL)
def test_r_pub_1_a_japanese_notice_has_no_english_phrase(name: str, fmt: str) -> None:
    policy = pp.example_policy(name)
    text = pp.render_notice(policy, "ja", fmt)
    body = _visible(text.split("</style>")[-1], policy)
    assert JAPANESE.search(body)
    assert ENGLISH_PHRASE.findall(body) == []


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("name", BILINGUAL)
def test_r_pub_1_an_english_notice_has_no_japanese(name: str, fmt: str) -> None:
    policy = pp.example_policy(name)
    assert JAPANESE.findall(pp.render_notice(policy, "en", fmt)) == []


def test_r_pub_1_the_notice_says_what_articles_21_and_32_require() -> None:
    """Operator, purposes, items, recipients by kind with the joint use's five items,
    request procedures with documents, fees and deadline, contact, revision date."""
    policy = pp.example_policy("indigo")
    ja = pp.render_notice(policy, "ja")
    for expected in (
        "indiGO",
        "東京都千代田区神田駿河台1-1",
        "会長 佐藤花子",
        "会員からご依頼いただいたご相談等の受付及び処理の内容を記録し、整理するため",
        "記録管理業務の委託先",
        "共同して利用される個人データの項目：氏名、メールアドレス",
        "共同して利用する者の範囲：本会のイベントを共催する団体",
        "利用する者の利用目的：今後のイベントの企画に向けて分析するため",
        "indiGO 個人情報管理責任者（住所：東京都千代田区神田駿河台1-1",
        "閲覧に使われたコンピューターを識別するCookie",
        "運転免許証",
        "発行日から3か月以内",
        "14日以内に回答します",
        "郵送：所定の申請書に必要書類を添えてお送りください",
        "2020年11月11日",
        "法令に基づく場合",
    ):
        assert expected in ja, expected
    en = pp.render_notice(policy, "en")
    for expected in ("Items used jointly: Name; E-mail address", "11 November 2020"):
        assert expected in en, expected


def test_r_pub_1_fees_are_published_per_request_kind() -> None:
    policy = pp.example_policy("indigo_blue")
    settings = pp.RequestSettings(
        fees={pp.RequestKind.DISCLOSURE: 1000},
        window=policy.requests.window,
        translations=policy.requests.translations,
    )
    import attrs

    charged = attrs.evolve(policy, requests=settings)
    assert "保有個人データの開示は1件につき1,000円" in pp.render_notice(charged, "ja")
    assert "Fees: disclosure of retained personal data, 1,000 yen per request" in pp.render_notice(
        charged, "en"
    )
    assert "手数料：無料です。" in pp.render_notice(policy, "ja")


class _Balanced(HTMLParser):
    VOID: ClassVar[frozenset[str]] = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_pub_1_html_is_well_formed_and_escapes_policy_texts(lang: str) -> None:
    import attrs

    policy = pp.example_policy("indigo_blue")
    hostile = "<script>alert('x')</script> & | *"
    shipping = policy.recipients["shipping"]
    changed = attrs.evolve(
        shipping,
        title=hostile if lang == "ja" else shipping.title,
        translations={"en": {"title": hostile}},
    )
    policy = attrs.evolve(policy, recipients={**policy.recipients, "shipping": changed})
    html = pp.render_notice(policy, lang, "html")
    parser = _Balanced()
    parser.feed(html)
    assert parser.problems == [] and parser.stack == []
    assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    markdown = pp.render_notice(policy, lang, "markdown")
    assert "<script>" not in markdown and r"\<script\>" in markdown
    assert r"\| \*" in markdown  # a bar cannot break the table


def test_r_pub_1_a_language_the_policy_does_not_publish_is_refused() -> None:
    policy = pp.example_policy("carbgem")
    assert policy.languages == ("en",)
    with pytest.raises(pp.InvalidInput, match="publishes in"):
        pp.render_notice(policy, "ja")
    assert "CarbGeM" in pp.render_notice(policy)
    with pytest.raises(pp.InvalidInput, match="format"):
        pp.render_notice(policy, "en", "pdf")
    with pytest.raises(pp.InvalidInput):
        pp.render_notice("policy.toml", "en")  # type: ignore[arg-type]


def test_r_pub_1_an_application_overrides_a_template_by_name(tmp_path: Path) -> None:
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "notice.md.j2").write_text(
        "# {{ controller.name }}のプライバシーポリシー（{{ day(revised) }}）\n", encoding="utf-8"
    )
    policy = pp.example_policy("indigo_blue")
    text = pp.render_notice(policy, "ja", templates=tmp_path)
    assert text == "# 株式会社インディゴブルーのプライバシーポリシー（2026年4月1日）\n"
    assert pp.render_notice(policy, "en", templates=tmp_path).startswith("# Privacy Policy")


@pytest.mark.parametrize(
    ("day", "lang", "era", "shown"),
    [
        (date(2026, 12, 2), "ja", False, "2026年12月2日"),
        (date(2026, 12, 2), "ja", True, "令和8年12月2日"),
        (date(2019, 5, 1), "ja", True, "令和元年5月1日"),
        (date(2019, 4, 30), "ja", True, "平成31年4月30日"),
        (date(1989, 1, 7), "ja", True, "昭和64年1月7日"),
        (date(1989, 1, 8), "ja", True, "平成元年1月8日"),
        (date(2026, 12, 2), "en", False, "2 December 2026"),
    ],
)
def test_dates_for_a_person(day: date, lang: str, era: bool, shown: str) -> None:
    assert pp.format_date(day, lang, era=era) == shown


def test_r_pub_1_the_cli_prints_the_notice(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(pp.example_policy_path("indigo_blue"))
    assert main(["notice", path, "--lang", "ja", "--era"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 個人情報の取扱いについて") and "令和8年4月1日" in out
    assert main(["notice", path, "--lang", "en", "--format", "html"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    assert main(["notice", path, "--lang", "fr"]) == 2
    assert "publishes in" in capsys.readouterr().err


def test_policy_texts_in_each_language_are_checked() -> None:
    base = {
        "policy": {"version": "v1", "revised": "2026-04-01", "languages": ["ja", "en"]},
        "controller": {
            "name": {"ja": "株式会社例", "en": "Example K.K."},
            "address": {"ja": "東京都", "en": "Tokyo"},
            "representative": {"ja": "代表取締役 山田太郎", "en": "Taro Yamada, CEO"},
            "contact": {"ja": "窓口", "en": "Desk"},
            "security_measures": {"ja": ["管理します"], "en": ["We protect it"]},
        },
        "items": {"email": {"title": {"ja": "メールアドレス", "en": "E-mail"}}},
        "purposes": {
            "service": {"title": {"ja": "サービス提供", "en": "Service"}, "items": ["email"]}
        },
    }
    policy = pp.policy_from_dict(base)
    assert policy.items["email"].title == "メールアドレス"
    assert pp.text_in(policy.items["email"], "title", "en") == "E-mail"
    assert pp.text_in(policy.controller, "security_measures", "en") == ("We protect it",)

    missing = {**base, "items": {"email": {"title": "メールアドレス"}}}
    with pytest.raises(pp.PolicyError, match=r"items\.email\.title: has no 'en' text"):
        pp.policy_from_dict(missing)
    no_default = {**base, "items": {"email": {"title": {"en": "E-mail"}}}}
    with pytest.raises(pp.PolicyError, match="has no 'ja' text, the policy's default"):
        pp.policy_from_dict(no_default)
    french = {**base, "policy": {**base["policy"], "languages": ["ja", "fr"]}}  # type: ignore[dict-item]
    with pytest.raises(pp.PolicyError, match="'fr' is not a language pipolicy writes in"):
        pp.policy_from_dict(french)
    stray = {
        **base,
        "items": {"email": {"title": {"ja": "メール", "en": "E-mail", "de": "E-Mail"}}},
    }
    with pytest.raises(pp.PolicyError, match="'de', which is not one of the policy's other"):
        pp.policy_from_dict(stray)
