"""The privacy notice (R-PUB-1, Arts. 21, 32) in Japanese and English, from the policy."""

from __future__ import annotations

import html
import re
import sys
from datetime import date
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

import attrs
import pytest

import pipolicy as pp
from pipolicy.cli import main
from pipolicy.policy.texts import LOCALIZED
from pipolicy.publishing.notice import notice_context
from tests.factories import make_policy
from tests.html import Balanced

EXAMPLES = ["blue_and_calm", "carbgem", "handling_agreement", "indigo", "indigo_blue"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
# A run of Latin letters and digits (with the marks names use): a word, a name, a code.
LATIN_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z&.'@-]*")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"https?://\S+")
# What a Japanese text may write in Latin letters, and nothing else: terms Japanese notices
# write so (Cookie, IPアドレス), and the names and codes each business publishes in them
# (the seeds give no other spelling). E-mail addresses and URLs are allowed everywhere.
LATIN_TERMS = {"Cookie", "IP"}
LATIN_NAMES = {
    "blue_and_calm": {"BLUE&CALM", "TECHNOOGY", "CEO", "Hiroto", "Ichimura"},
    "carbgem": {"CarbGeM"},
    "handling_agreement": set(),
    "indigo": {"indiGO"},
    "indigo_blue": {"FAX", "7F"},  # "FAX 03-5408-5683", "メトロシティ神谷町7F"
}


def _visible(text: str, policy: pp.Policy) -> str:
    """What a reader sees of ``text``: no markup, no style sheet, entities decoded, without
    the version id (an identifier, not a sentence)."""
    text = text.split("</style>")[-1]
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return text.replace(policy.version, " ")


def _english_in(text: str, name: str) -> list[str]:
    """The Latin words in a Japanese ``text`` that are not allowed for example ``name``."""
    allowed = LATIN_TERMS | LATIN_NAMES[name]
    text = URL.sub(" ", EMAIL.sub(" ", text))
    return [
        token
        for token in LATIN_TOKEN.findall(text)
        if re.search("[A-Za-z]", token) and token.rstrip(".") not in allowed
    ]


def test_r_pub_1_every_example_publishes_in_japanese_first_and_english() -> None:
    assert pp.example_policy_names() == EXAMPLES
    for name in EXAMPLES:
        assert pp.example_policy(name).languages == ("ja", "en"), name


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_r_pub_1_every_example_renders_a_japanese_notice_without_english(
    name: str, fmt: str
) -> None:
    policy = pp.example_policy(name)
    body = _visible(pp.render_notice(policy, "ja", fmt), policy)
    assert body.count(policy.controller.name) >= 2  # introduced, then named in section 1
    assert JAPANESE.search(policy.controller.name) or name == "indigo"
    assert _english_in(body, name) == []


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_r_pub_1_every_example_renders_an_english_notice_without_japanese(
    name: str, fmt: str
) -> None:
    policy = pp.example_policy(name)
    text = pp.render_notice(policy, "en", fmt)
    assert pp.text_in(policy.controller, "name", "en") in html.unescape(text)
    assert JAPANESE.findall(text) == []


def _texts(entity: object, field: str, lang: str) -> list[str]:
    value = pp.text_in(entity, field, lang)
    return [value] if isinstance(value, str) else list(value or ())


@pytest.mark.parametrize("name", EXAMPLES)
def test_r_pub_1_every_text_a_person_reads_is_written_in_its_language(name: str) -> None:
    """Letters quote texts the notice does not show (a court's title, a legal retention
    duty): each is Japanese in Japanese and has no Japanese in English."""
    policy = pp.example_policy(name)
    entities: list[object] = [policy.controller, policy.requests]
    for mapping in (
        policy.items,
        policy.purposes,
        policy.recipients,
        policy.joint_uses,
        policy.services,
    ):
        entities.extend(mapping.values())
    checked = 0
    for entity in entities:
        for field in LOCALIZED[type(entity).__name__]:
            for text in _texts(entity, field, "ja"):
                checked += 1
                assert _english_in(text, name) == [], (entity, field)
            for text in _texts(entity, field, "en"):
                assert JAPANESE.findall(text) == [], (entity, field)
    assert checked > 20


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
    parser = Balanced()
    parser.feed(html)
    assert parser.problems == [] and parser.stack == []
    assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    markdown = pp.render_notice(policy, lang, "markdown")
    assert "<script>" not in markdown and r"\<script\>" in markdown
    assert r"\| \*" in markdown  # a bar cannot break the table


def test_r_pub_1_a_language_the_policy_does_not_publish_is_refused() -> None:
    policy = make_policy()
    assert policy.languages == ("en",)
    with pytest.raises(pp.InvalidInput, match="publishes in"):
        pp.render_notice(policy, "ja")
    assert "Example K.K." in pp.render_notice(policy)
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


# -- how the business calls itself --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_pub_1_a_society_calls_itself_本会_never_当社(fmt: str) -> None:
    """Seed 001 L6: 'Indigo (hereinafter referred to as "the Society")'."""
    policy = pp.example_policy("indigo")
    ja = _visible(pp.render_notice(policy, "ja", fmt), policy)
    assert "indiGO（以下「本会」といいます。）" in ja
    assert "当社" not in ja
    for sentence in ("本会は、個人情報を次の目的の範囲内で利用し", "本会に対し、次のご請求"):
        assert sentence in ja
    en = _visible(pp.render_notice(policy, "en", fmt), policy)
    assert 'indiGO ("the Society" or "we") complies' in en


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_pub_1_a_company_says_当社_when_its_policy_says_nothing(fmt: str) -> None:
    policy = pp.example_policy("indigo_blue")
    assert policy.controller.self_reference == ""
    ja = _visible(pp.render_notice(policy, "ja", fmt), policy)
    assert "株式会社インディゴブルー（以下「当社」といいます。）" in ja
    assert "当社は、個人情報を次の目的の範囲内で利用し" in ja
    en = _visible(pp.render_notice(policy, "en", fmt), policy)
    assert 'Indigo Blue Co., Ltd. ("we") complies' in en


def test_r_pub_1_a_self_reference_given_in_code_is_used_in_every_sentence() -> None:
    policy = pp.example_policy("carbgem")
    named = attrs.evolve(
        policy.controller,
        self_reference="当法人",
        translations={
            **policy.controller.translations,
            "en": {**policy.controller.translations["en"], "self_reference": "the Corporation"},
        },
    )
    ja = pp.render_notice(attrs.evolve(policy, controller=named), "ja")
    assert "当社" not in ja
    assert ja.count("当法人") >= 6  # introduced, then in each section that speaks of it
    assert "委託は、あらかじめご本人の同意" in ja  # seed 004 L17: subcontractors on consent
    context = notice_context(attrs.evolve(policy, controller=named), "en")
    assert context["controller"]["self_reference"] == "the Corporation"


@pytest.mark.parametrize(
    ("ja", "en", "message"),
    [
        ("[name]", "the Society", "'ja' text is a placeholder"),
        ("本会は個人情報を適切に取り扱います。", "the Society", "must be a short name"),
        ("「本会」", "the Society", "must be a short name"),
        ("the Society", "the Society", "must be written in 'ja'"),
        ("本会", "本会", "must be written in 'en'"),
    ],
)
def test_r_pub_1_a_self_reference_is_a_short_name_in_its_language(
    ja: str, en: str, message: str
) -> None:
    data = pp.example_policy_path("indigo").read_text(encoding="utf-8")
    data = data.replace(
        'self_reference = { ja = "本会", en = "the Society" }',
        f'self_reference = {{ ja = "{ja}", en = "{en}" }}',
    )
    with pytest.raises(pp.PolicyError, match=message) as info:
        pp.policy_from_dict(tomllib.loads(data))
    assert {p.location for p in info.value.problems} == {"controller.self_reference"}


def test_r_pub_1_a_self_reference_needs_every_language_the_policy_publishes() -> None:
    data = pp.example_policy_path("indigo").read_text(encoding="utf-8")
    data = data.replace(
        'self_reference = { ja = "本会", en = "the Society" }', 'self_reference = "本会"'
    )
    with pytest.raises(pp.PolicyError, match=r"controller\.self_reference: has no 'en' text"):
        pp.policy_from_dict(tomllib.loads(data))


# -- recipients of statistics -------------------------------------------------------------


def _section(text: str, start: str, end: str = "\n#") -> str:
    """The part of ``text`` from ``start`` to the next heading (empty if absent)."""
    at = text.find(start)
    if at < 0:
        return ""
    stop = text.find(end, at + len(start))
    return text[at : stop if stop >= 0 else len(text)]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_pub_1_readers_of_statistics_are_listed_with_the_statistics_not_as_needing_consent(
    fmt: str,
) -> None:
    """Seed 001 L34: the readers of the Society's anonymous event reports receive
    statistics, which identify no one and need no consent (Art. 2(1), R-TPP-6)."""
    policy = pp.example_policy("indigo")
    ja = _visible(pp.render_notice(policy, "ja", fmt), policy)
    reader = "本会のイベント報告（匿名の集計）の読者"
    on_consent = _section(ja, "ご本人の同意をいただいた場合に限り", "委託")
    assert reader not in on_consent
    statistics = _section(ja, "統計データの提供", "Cookie")
    assert reader in statistics
    assert "個人情報に当たらないため、ご本人の同意を得ることなく提供します" in statistics
    assert "今後のイベントの企画に向けて分析するため" in statistics  # what they come from
    assert "集計の各区分は10人以上" in statistics
    en = _visible(pp.render_notice(policy, "en", fmt), policy)
    reader_en = "Readers of the Society's anonymous event reports"
    assert reader_en not in _section(en, "With your consent only", "Entrustment")
    statistics_en = _section(en, "Statistics\n" if fmt == "markdown" else "Statistics ", "Cookies")
    assert reader_en in statistics_en
    assert "without asking your consent" in statistics_en


def test_r_pub_1_a_third_party_on_consent_and_a_reader_of_statistics_each_in_their_place() -> None:
    policy = pp.example_policy("carbgem")
    readers = pp.Recipient(
        "readers",
        title="業界団体",
        kind=pp.RecipientKind.STATISTICS,
        translations={"en": {"title": "Industry association"}},
    )
    policy = attrs.evolve(policy, recipients={**policy.recipients, "readers": readers})
    ja = pp.render_notice(policy, "ja")
    on_consent = _section(ja, "ご本人の同意をいただいた場合に限り")
    assert "関連会社" in on_consent and "業界団体" not in on_consent
    statistics = _section(ja, "### 統計データの提供")
    # No purposes declared: the statistics of every statistics purpose.
    assert "| 業界団体 | 年齢分布、趣味・嗜好の分布、ご利用履歴等の統計データを作成するため |" in (
        statistics
    )
    context = notice_context(policy, "en")
    assert [r["title"] for r in context["third_parties"]] == ["Affiliated company"]
    assert [r["title"] for r in context["statistics_recipients"]] == ["Industry association"]


# -- the accredited personal information protection organisation ---------------------------

ACCREDITED = {
    "accredited_organisation": {
        "ja": "一般財団法人日本情報経済社会推進協会",
        "en": "Japan Institute for Promotion of Digital Economy and Community (JIPDEC)",
    },
    "accredited_complaints": {
        "ja": "認定個人情報保護団体事務局 電話 03-0000-0000",
        "en": "Accredited organisation office, TEL 03-0000-0000",
    },
}


def _member_policy(**controller: object) -> pp.Policy:
    data = tomllib.loads(
        (Path(__file__).parent.parent / "examples/policies/indigo_blue.toml").read_text("utf-8")
    )
    data["controller"].update(controller)
    return pp.policy_from_dict(data)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_pub_1_a_member_of_an_accredited_organisation_publishes_its_name_and_desk(
    fmt: str,
) -> None:
    """Art. 32(1)(iv), Cabinet Order Art. 10(iii): a business covered by an accredited
    personal information protection organisation (Art. 47) publishes its name and where
    complaints to it go; a business covered by none says nothing of it."""
    policy = _member_policy(**ACCREDITED)
    ja = _visible(pp.render_notice(policy, "ja", fmt), policy)
    assert (
        "当社は、認定個人情報保護団体である一般財団法人日本情報経済社会推進協会の対象事業者です"
        in ja
    )
    assert "認定個人情報保護団体事務局 電話 03-0000-0000" in ja
    assert not _english_in(ja, "indigo_blue")
    en = _visible(pp.render_notice(policy, "en", fmt), policy)
    assert (
        "We are a business covered by the accredited personal information protection "
        "organisation Japan Institute for Promotion of Digital Economy and Community (JIPDEC)"
    ) in en
    assert "Accredited organisation office, TEL 03-0000-0000" in en
    plain = pp.example_policy("indigo_blue")
    assert "認定個人情報保護団体" not in pp.render_notice(plain, "ja", fmt)
    assert "accredited" not in pp.render_notice(plain, "en", fmt)


def test_r_pub_1_an_accredited_organisation_needs_its_complaints_point() -> None:
    with pytest.raises(pp.PolicyError, match=r"accredited_complaints: .*Cabinet Order Art\. 10"):
        _member_policy(accredited_organisation=ACCREDITED["accredited_organisation"])
    with pytest.raises(pp.PolicyError, match="accredited_organisation"):
        _member_policy(accredited_complaints=ACCREDITED["accredited_complaints"])


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_use_5_the_notice_names_as_use_beyond_purposes_only_the_cases_of_art_18_3(
    fmt: str,
) -> None:
    """Data made public, observed, or received under entrustment, succession or joint use
    may be *acquired* without consent when special care-required (Art. 20(2)(vii),
    (viii)); none lets the business use data beyond its purposes (Art. 18(3)). The notice
    listed them among the cases "beyond these purposes": it now lists them where they
    belong, with special care-required information."""
    for lang, beyond, made_public, special in (
        (
            "ja",
            "利用目的の範囲を超えて",
            "ご本人、国の機関、報道機関等により公開されている場合",
            "要配慮個人情報は、あらかじめご本人の同意を得て取得します",
        ),
        (
            "en",
            "We may go beyond these purposes only",
            "where the data has been made public by you, a government body, the press or others",
            "We collect special care-required information only with your prior consent",
        ),
    ):
        text = pp.render_notice(make_policy(languages=(lang,)), lang, fmt)
        at = text.find(beyond)
        beyond_list = text[at : text.find(special)]
        assert at >= 0 and text.find(special) > at
        assert made_public not in beyond_list
        assert ("法令に基づく場合" if lang == "ja" else "laws and regulations") in beyond_list
        acquisition = text[text.find(special) : text.find(special) + 1500]
        assert made_public in acquisition
