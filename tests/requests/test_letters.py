"""R-REQ-4, R-REQ-5: every text the person receives, in the request's language.

A request is answered in the language it was made in (``submit(language=)``, the policy's
default otherwise): its statement, the reasons for a refusal on every ground, what was
withheld, found or kept, and the letters in Markdown and HTML. Each is rendered here for
every kind of request and every refusal ground, in Japanese and in English, and checked
for words of the other language; the HTML for balance and escaping; the dates for the
policy's time zone; the templates for overriding by name.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.requests import ART_35_GROUNDS, PROCEDURAL_GROUNDS, REFUSAL_GROUNDS
from pipolicy.requests import MemorySource
from pipolicy.testing import contract_policy
from tests.html import Balanced

from .support import JST, license_, passport, power_of_attorney, seal_certificate
from .support import voluntary_agent_documents as agent_documents

K = pp.RequestKind
G = pp.RefusalGround
T0 = datetime(2026, 11, 22, 10, 0, tzinfo=JST)
REF = "customer-1"
VALUES: dict[str, object] = {
    "name": "Hanako Yamada",
    "email": "hanako@example.jp",
    "phone": "03-1111-2222",
    "address": "1-2-3 Chiyoda, Tokyo",
    "organization": "Example Org",
}
"""The person's own data: quoted as it is held, in either language."""
NEW_EMAIL = "new@example.jp"
"""The e-mail address a correction writes: its letter quotes it (Art. 34(3))."""
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")
ALLOWED_ASCII = {"FAX"}
"""Words a Japanese text may hold: indigo_blue's contact quotes its FAX number."""
EXPLAIN = {
    "ja": "当社の記録によれば、ご請求の対象には他のお客様の情報が含まれております",
    "en": "our records of your request also hold another customer's information",
}
RETENTION = {"ja": "会社法により10年間保存します", "en": "kept 10 years under the Companies Act"}


def bilingual_policy() -> pp.Policy:
    """indigo_blue (Japanese first, English), whose organization name is kept by law."""
    policy = pp.example_policy("indigo_blue")
    org = policy.items["organization"]
    kept = attrs.evolve(
        org,
        legal_retention=RETENTION["ja"],
        translations={"en": {**org.translations["en"], "legal_retention": RETENTION["en"]}},
    )
    return attrs.evolve(policy, items={**policy.items, "organization": kept})


def counter() -> Iterator[str]:
    return (f"{n:06d}" for n in itertools.count(1))  # ids without letters


@attrs.define
class Shop:
    engine: pp.Engine
    clock: pp.FixedClock
    crm: MemorySource
    lang: str

    def person(self, ref: str = REF, *, provide: bool = True) -> pp.Subject:
        """A customer who consented, filled in the form, and whose e-mail went to the
        partner on consent (after one refused attempt without it)."""
        s = self.engine.register_subject(ref, category="customer")
        evidence = pp.Evidence(method="W-01", ref="F-01")
        self.engine.grant_consent(s, purpose="service", evidence=evidence)
        self.engine.acquire(
            s,
            items={"name", "email", "phone", "address", "organization"},
            purposes="service",
            channel="web",
            source="F-01",
        )
        self.crm.put(ref, VALUES)
        if provide:
            with pytest.raises(pp.ProvisionDenied):
                self.engine.provide(s, recipient="partner", items={"email"}, purpose="service")
            self.engine.grant_consent(s, recipient="partner", items={"email"}, evidence=evidence)
            self.engine.provide(s, recipient="partner", items={"email"}, purpose="service")
        return s

    def submit(self, kind: pp.RequestKind, s: pp.Subject, **kw: Any) -> pp.Request:
        kw.setdefault("documents", [passport()])
        return self.engine.requests.submit(kind, subject=s, language=self.lang, **kw)

    def verified(self, kind: pp.RequestKind, s: pp.Subject, **kw: Any) -> pp.Request:
        r = self.engine.requests.verify(self.submit(kind, s, **kw).id)
        assert r.state is pp.RequestState.VERIFIED, r.statement
        return r


def shop(lang: str, store: pp.Store | None = None) -> Shop:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(bilingual_policy(), store=store, clock=clock, ids=counter().__next__)
    crm = MemorySource()
    engine.register_source("crm", crm)
    return Shop(engine, clock, crm, lang)


def every_answer(lang: str) -> list[tuple[str, pp.Answer]]:
    """An answer for every kind of request fulfilled, every (kind, ground) refused, a
    refusal by verification of each sort, parts withheld, everything withheld, Art. 35
    grounds recorded, findings of an investigation, and a withdrawal."""
    sh = shop(lang)
    e = sh.engine
    s = sh.person()
    explain = EXPLAIN[lang]
    out: list[tuple[str, pp.Answer]] = []

    # Refused attempts the investigations will find (R-REQ-7).
    with pytest.raises(pp.UseDenied):
        e.use(s, purpose="terms_enforcement", items={"address"})  # beyond the purpose
    with pytest.raises(pp.UseDenied):
        e.use(s, purpose="customization", items={"name"})  # needs permission first

    # Every kind, fulfilled.
    r = sh.verified(K.DISCLOSURE, s)
    e.requests.withhold(r.id, items={"phone"}, ground=G.HARM_TO_PERSON, explanation=explain)
    out.append(("disclosure, part withheld", e.requests.fulfil(r.id)))
    out.append(("purposes", e.requests.fulfil(sh.verified(K.PURPOSE_NOTIFICATION, s).id)))
    out.append(("records", e.requests.fulfil(sh.verified(K.PROVISION_RECORDS, s).id)))
    r = sh.verified(K.CORRECTION, s, details={"changes": {"email": NEW_EMAIL, "age": 40}})
    out.append(("correction", e.requests.fulfil(r.id)))
    r = sh.verified(K.SUSPENSION_OF_USE, s, details={"items": ["email"], "purposes": ["service"]})
    out.append(("suspension of use", e.requests.fulfil(r.id)))
    r = sh.verified(K.SUSPENSION_OF_PROVISION, s, details={"recipients": ["partner"]})
    out.append(("suspension of provision", e.requests.fulfil(r.id)))
    # Recipients a suspension cannot stop: told why beside those stopped, or refused at once.
    some = {"recipients": ["partner", "tokyo_district_court", "shipping"]}
    r = sh.verified(K.SUSPENSION_OF_PROVISION, s, details=some)
    out.append(("suspension of provision, some not stopped", e.requests.fulfil(r.id)))
    r = sh.submit(K.SUSPENSION_OF_PROVISION, s, details={"recipients": ["regulator", "shipping"]})
    assert r.state is pp.RequestState.REFUSED
    out.append(("suspension of provision refused at intake", e.requests.answer(r.id)))

    # Everything withheld, on two grounds: a refusal naming what it covers.
    other = sh.person("customer-2")
    [record] = [p for p in e.provisions(other) if p.required_by_law]
    r = sh.verified(K.DISCLOSURE, other)
    e.requests.withhold(
        r.id,
        items={"name", "email", "phone", "address"},
        ground=G.BUSINESS_HINDRANCE,
        explanation=explain,
    )
    e.requests.withhold(
        r.id,
        items={"organization"},
        records={record.id},
        ground=G.VIOLATION_OF_LAW,
        explanation=explain,
    )
    out.append(("disclosure, all withheld", e.requests.fulfil(r.id)))

    # Verification fails, one way per ground, and more problems than one.
    expired = pp.Document(pp.DocumentKind.PASSPORT, date(2015, 4, 1), date(2025, 4, 1))
    foreign = pp.Document(pp.DocumentKind.STUDENT_ID, date(2024, 4, 1), date(2027, 3, 31))
    future = pp.Document(pp.DocumentKind.DRIVERS_LICENSE, date(2027, 1, 1), date(2032, 1, 1))
    cases = [
        (pp.Applicant.person(), [expired, foreign, future]),
        (pp.Applicant.person(), []),
        (
            pp.Applicant.voluntary_agent(),
            [passport(), power_of_attorney(), seal_certificate(120), license_("agent")],
        ),
        (
            pp.Applicant.voluntary_agent(),
            [
                passport(),
                pp.Document(pp.DocumentKind.POWER_OF_ATTORNEY, date(2026, 1, 1), date(2026, 6, 1)),
                pp.Document(pp.DocumentKind.SEAL_CERTIFICATE),
                license_("agent", expires=date(2026, 1, 1)),
            ],
        ),
        (
            pp.Applicant.legal_representative(),
            [passport(), pp.Document(pp.DocumentKind.FAMILY_REGISTER, date(2027, 1, 1))],
        ),
        (pp.Applicant.voluntary_agent(), [passport(), license_("agent")]),
        (  # no dates to check them by: an ID of each sort, the power of attorney
            pp.Applicant.voluntary_agent(),
            [
                pp.Document(pp.DocumentKind.PENSION_BOOK),
                pp.Document(pp.DocumentKind.POWER_OF_ATTORNEY),
                seal_certificate(),
                pp.Document(pp.DocumentKind.DRIVERS_LICENSE, date(2023, 1, 1), holder="agent"),
            ],
        ),
    ]
    for n, (applicant, docs) in enumerate(cases):
        r = e.requests.verify(sh.submit(K.DISCLOSURE, s, applicant=applicant, documents=docs).id)
        assert r.state is pp.RequestState.REFUSED
        out.append((f"verification {n} {r.ground}", e.requests.answer(r.id)))

    # Every ground each kind may be refused on; not_retained for someone pipolicy's
    # records show nothing held for, and legal_retention for the item a law keeps, as
    # they must be.
    nobody = e.register_subject("customer-3", category="customer")
    kept = {"items": ["organization"]}
    for kind, grounds in REFUSAL_GROUNDS.items():
        for ground in grounds:
            # agency_unconfirmed needs an agent (Art. 37(3)); a procedural ground after
            # verification withdraws it, and says so (R-REQ-3).
            agent: dict[str, Any] = (
                {"applicant": pp.Applicant.voluntary_agent(), "documents": agent_documents()}
                if ground is G.AGENCY_UNCONFIRMED
                else {}
            )
            r = sh.verified(
                kind,
                nobody if ground is G.NOT_RETAINED else s,
                details=kept if ground is G.LEGAL_RETENTION else None,
                **agent,
            )
            refused = e.requests.refuse(
                r.id,
                ground=ground,
                explanation=explain,
                verification_withdrawn=ground in PROCEDURAL_GROUNDS,
            )
            out.append((f"{kind} refused {ground}", refused))

    # Nothing held: refused as not_retained, in each kind's words.
    for kind in K:
        details = {"changes": {"email": "x@example.jp"}} if kind is K.CORRECTION else None
        answer = e.requests.fulfil(sh.verified(kind, nobody, details=details).id)
        assert answer.ground is G.NOT_RETAINED
        out.append((f"{kind} nothing held", answer))

    # A deletion with every ground of Art. 35 recorded, findings, an item kept by law.
    r = sh.verified(K.DELETION, s)
    for art_35 in ART_35_GROUNDS[K.DELETION]:
        e.requests.record_ground(r.id, ground=art_35, explanation=explain)
    out.append(("deletion", e.requests.fulfil(r.id)))

    r = sh.submit(K.DISCLOSURE, s)
    e.requests.withdraw(r.id)
    out.append(("withdrawal", e.requests.answer(r.id)))
    return out


ANSWERS = {lang: every_answer(lang) for lang in ("ja", "en")}


def texts(answer: pp.Answer) -> dict[str, str]:
    return {
        "statement": answer.statement,
        "markdown": answer.to_markdown(),
        "html": answer.to_html(),
        "era": answer.to_markdown(era=True),
    }


def visible(text: str) -> str:
    """What a person reads: no markup, no style, no ids (digits), no data values."""
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    for value in [*VALUES.values(), NEW_EMAIL]:
        text = text.replace(str(value), " ")
    return text


def test_r_req_4_every_kind_and_every_ground_is_answered_in_both_languages() -> None:
    covered = {(a.kind, a.ground) for _, a in ANSWERS["ja"] if a.ground is not None}
    assert covered >= {(k, g) for k, gs in REFUSAL_GROUNDS.items() for g in gs}
    assert {a.kind for _, a in ANSWERS["ja"] if a.ground is None} == set(K)
    assert {a.state for _, a in ANSWERS["ja"]} == {
        pp.RequestState.FULFILLED,
        pp.RequestState.PARTIALLY_FULFILLED,
        pp.RequestState.REFUSED,
        pp.RequestState.WITHDRAWN,
    }
    assert [name for name, _ in ANSWERS["ja"]] == [name for name, _ in ANSWERS["en"]]
    for lang, answers in ANSWERS.items():
        assert {a.language for _, a in answers} == {lang}


@pytest.mark.parametrize("case", range(len(ANSWERS["ja"])), ids=lambda i: ANSWERS["ja"][i][0])
def test_r_req_4_a_japanese_answer_has_no_english_and_an_english_one_no_japanese(
    case: int,
) -> None:
    _, ja = ANSWERS["ja"][case]
    _, en = ANSWERS["en"][case]
    for form, text in texts(ja).items():
        shown = visible(text)
        assert JAPANESE.search(shown), form
        assert set(ASCII_WORD.findall(shown)) <= ALLOWED_ASCII, (form, text)
    for form, text in texts(en).items():
        assert JAPANESE.findall(visible(text)) == [], (form, text)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_req_5_every_letter_is_well_formed_html(lang: str) -> None:
    for name, answer in ANSWERS[lang]:
        html = answer.to_html()
        parser = Balanced()
        parser.feed(html)
        assert parser.problems == [] and parser.stack == [], name
        assert html.startswith("<!DOCTYPE html>") and f'<html lang="{lang}">' in html


def test_r_req_4_the_japanese_words_a_privacy_officer_signs() -> None:
    """The APPI's own terms, in the formal register, with articles cited as the Act is."""
    statements = {name: a.statement for name, a in ANSWERS["ja"]}
    letters = {name: a.to_markdown() for name, a in ANSWERS["ja"]}
    assert letters["disclosure, part withheld"].startswith(
        "# 保有個人データの開示請求について（回答）\n\n2026年11月22日\n\n株式会社インディゴブルー  \n"
    )
    assert letters["disclosure, part withheld"].rstrip().endswith("以上")
    disclosure = statements["disclosure, part withheld"]
    assert disclosure.startswith(
        "2026年11月22日に受け付けました保有個人データの開示のご請求（受付番号：000"
    )
    assert "個人情報の保護に関する法律第33条第2項第1号に基づき、開示いたしません" in disclosure
    assert "項目（電話番号）" in disclosure
    identity = statements["verification 0 identity_unconfirmed"]
    assert "ご本人であることを確認できなかったため" in identity
    assert "ご本人の旅券（パスポート）の有効期限が、2025年4月1日に切れていました" in identity
    assert "ご本人の学生証は、当社では本人確認書類としてお受けしておりません" in identity
    agency = statements["verification 2 agency_unconfirmed"]
    assert "代理人の方の代理権を確認できなかったため" in agency
    assert (
        "ご本人の印鑑登録証明書は2026年7月25日に発行されたもので、ご請求を受け付けた日"
        "（2026年11月22日）において発行から3か月を超えて" in agency
    )
    assert "委任状の添付がありませんでした" in statements["verification 5 documents_incomplete"]
    assert "保有個人データの利用目的の通知" in statements["purposes"]
    assert "第三者提供記録の開示" in statements["records"]
    assert "訂正等" in statements["correction"]
    assert "利用停止等" in statements["deletion"]
    assert "第三者への提供の停止" in statements["suspension of provision"]
    assert "「サービス提携先」への提供を停止いたしました" in statements["suspension of provision"]
    assert "代替措置" in statements["deletion refused alternative_measure"]
    assert (
        "個人情報の保護に関する法律第35条第2項ただし書及び第6項ただし書"
        in (statements["deletion refused alternative_measure"])
    )
    assert "会社法により10年間保存します" in statements["deletion"]
    assert "利用目的の範囲を超えた利用" not in statements["deletion"]  # attempts are no ground
    # Two refused uses and a refused provision (R-REQ-7, seed 000 §3).
    assert "同様の取扱いの試みが3件ありましたが" in statements["deletion"]
    assert "「当社サービスの利用規約に違反する行為を防止するため」" in letters["deletion"]
    assert "お問い合わせフォーム、又はお電話" in disclosure  # the request window, in Japanese
    assert disclosure.endswith("株式会社インディゴブルー")
    for statement in statements.values():
        assert re.search("(ます|ません|ました)。", statement)  # です・ます調


def test_r_req_9_the_fee_is_stated_in_the_request_s_language() -> None:
    for lang, expected in (
        ("ja", "手数料は、1,000円です（個人情報の保護に関する法律第38条第1項）"),
        ("en", "1,000 yen (APPI Art. 38(1))"),
    ):
        sh = shop(lang)
        settings = attrs.evolve(sh.engine.policy.requests, fees={K.DISCLOSURE: 1000})
        sh.engine.policy = attrs.evolve(sh.engine.policy, requests=settings)
        answer = sh.engine.requests.fulfil(sh.verified(K.DISCLOSURE, sh.person()).id)
        assert answer.fee == 1000 and expected in answer.statement


def test_r_req_5_a_japanese_letter_can_date_in_the_era() -> None:
    _, answer = ANSWERS["ja"][0]
    assert "令和8年11月22日" in answer.to_markdown(era=True)
    assert "令和8年11月22日" in answer.to_html(era=True)
    assert "令和" not in answer.to_markdown()


def test_r_req_8_a_request_at_0830_jst_is_dated_2_december_everywhere() -> None:
    """Received at 08:30 in Tokyo on 2 December (1 December in UTC, the clock's zone): the
    statement, the letter and its tables say 2 December, in both languages."""
    at = datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)
    for lang, day, wrong in (
        ("ja", "2026年12月2日", "12月1日"),
        ("en", "2026-12-02", "2026-12-01"),
    ):
        sh = shop(lang)
        sh.clock.set(at)
        s = sh.person()
        answer = sh.engine.requests.fulfil(sh.verified(K.DISCLOSURE, s).id)
        assert answer.answered_at.date() == date(2026, 12, 2)
        for form, text in texts(answer).items():
            if form != "era":
                assert day in text and wrong not in text, (lang, form)
        rows = answer.to_markdown().split("\n")
        acquired = [row for row in rows if str(VALUES["email"]) in row]
        assert acquired and all(day in row for row in acquired)  # the table's date too


def test_r_req_4_a_submitted_language_the_policy_does_not_publish_is_refused() -> None:
    sh = shop("ja")
    s = sh.person(provide=False)
    with pytest.raises(pp.InvalidInput, match=r"\['ja', 'en'\]"):
        sh.engine.requests.submit(K.DISCLOSURE, subject=s, language="xx")
    with pytest.raises(pp.InvalidInput, match="language"):
        sh.engine.requests.submit(K.DISCLOSURE, subject=s, language=1)  # type: ignore[arg-type]
    assert [r.language for r in sh.engine.requests.for_subject(s)] == []
    english_only = pp.Engine(contract_policy())  # publishes English only
    t = english_only.register_subject("p-1")
    with pytest.raises(pp.InvalidInput, match=r"\['en'\]"):
        english_only.requests.submit(K.DISCLOSURE, subject=t, language="ja")
    assert english_only.requests.submit(K.DISCLOSURE, subject=t).language == "en"
    assert sh.engine.requests.submit(K.DISCLOSURE, subject=s).language == "ja"  # the default


def test_r_req_4_the_language_is_stored_and_read_back(store: pp.Store) -> None:
    sh = shop("en", store)
    s = sh.person(provide=False)
    r = sh.engine.requests.submit(K.DISCLOSURE, subject=s, documents=[passport()])
    assert r.language == "ja"
    assert sh.engine.requests.get(r.id).language == "ja"
    english = sh.submit(K.DISCLOSURE, s)
    refused = sh.engine.requests.refuse(
        english.id, ground=G.IDENTITY_UNCONFIRMED, explanation="expired"
    )
    assert sh.engine.requests.get(english.id).language == "en"
    rebuilt = sh.engine.requests.answer(english.id)
    assert rebuilt.language == "en" and rebuilt.statement == refused.statement
    assert pp.to_dict(sh.engine.requests.get(r.id))["language"] == "ja"
    assert pp.from_dict(pp.Request, pp.to_dict(r)) == r
    assert refused.to_dict()["language"] == "en"
    received = [e for e in sh.engine.audit_events() if e.kind == "request.received"]
    assert [e.payload["language"] for e in received] == ["ja", "en"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_req_5_letters_escape_hostile_policy_and_request_text(lang: str) -> None:
    hostile = "<script>alert('x')</script> | *"
    sh = shop(lang)
    policy = sh.engine.policy
    partner = policy.recipients["partner"]
    sh.engine.policy = attrs.evolve(
        policy,
        recipients={
            **policy.recipients,
            "partner": attrs.evolve(
                partner, title=hostile, translations={"en": {"title": hostile}}
            ),
        },
    )
    s = sh.person()
    r = sh.verified(K.DISCLOSURE, s)
    sh.engine.requests.withhold(r.id, items={"phone"}, ground=G.HARM_TO_PERSON, explanation=hostile)
    answers = [sh.engine.requests.fulfil(r.id)]
    r = sh.verified(K.SUSPENSION_OF_PROVISION, s, details={"recipients": ["partner"]})
    answers.append(
        sh.engine.requests.refuse(r.id, ground=G.NO_GROUND_UNDER_ART_35, explanation=hostile)
    )
    for answer in answers:
        assert hostile in answer.statement or hostile in str(answer.withheld)
        html = answer.to_html()
        parser = Balanced()
        parser.feed(html)
        assert parser.problems == [] and parser.stack == []
        assert "<script>" not in html and "&lt;script&gt;" in html
        markdown = answer.to_markdown()
        assert "<script>" not in markdown and r"\<script\>" in markdown
        assert r"\| \*" in markdown  # a bar cannot break a table


def test_r_req_5_an_application_overrides_a_letter_template_by_name(tmp_path: Path) -> None:
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "letter.md.j2").write_text(
        "{{ title }}／{{ day(answered) }}／{{ paragraphs|length }}段落\n", encoding="utf-8"
    )
    _, answer = ANSWERS["ja"][0]
    assert answer.to_markdown(templates=tmp_path) == (
        "保有個人データの開示請求について（回答）／2026年11月22日／6段落\n"
    )
    assert answer.to_html(templates=[tmp_path]) == answer.to_html()  # HTML not overridden
    assert answer.render("mail", templates=tmp_path).content == answer.to_html()


def test_r_req_4_an_application_rewords_the_statements_by_name(tmp_path: Path) -> None:
    """Copy pipolicy's ``ja/request_texts.j2``, change a sentence, pass the directory to the
    engine: the statements it writes and the letters of its answers use the new words."""
    shipped = resources.files("pipolicy") / "templates" / "ja" / "request_texts.j2"
    text = shipped.read_text(encoding="utf-8")
    assert "本件に関するお問い合わせ先：" in text
    (tmp_path / "ja").mkdir()
    (tmp_path / "ja" / "request_texts.j2").write_text(
        text.replace("本件に関するお問い合わせ先：", "ご不明な点は次の窓口へ：").replace(
            '"items": {"heading": "" ~ we ~ "が保有するご本人の個人データ"',
            '"items": {"heading": "保有個人データの一覧"',
        ),
        encoding="utf-8",
    )
    clock = pp.FixedClock(T0)
    engine = pp.Engine(bilingual_policy(), clock=clock, templates=tmp_path)
    crm = MemorySource()
    engine.register_source("crm", crm)
    sh = Shop(engine, clock, crm, "ja")
    answer = engine.requests.fulfil(sh.verified(K.DISCLOSURE, sh.person()).id)
    assert "ご不明な点は次の窓口へ：" in answer.statement
    assert "## 保有個人データの一覧" in answer.to_markdown()
    assert "## 保有個人データの一覧" not in answer.to_markdown(templates=())  # pipolicy's own
    with pytest.raises(pp.InvalidInput, match="templates"):
        pp.Engine(bilingual_policy(), templates=42)  # type: ignore[arg-type]


def test_r_req_4_a_template_that_does_not_fit_is_named() -> None:
    from pipolicy.requests.wording import wording

    words = wording("ja")
    with pytest.raises(pp.InvalidInput, match="no macro 'nonsense'"):
        words("nonsense")
    with pytest.raises(pp.InvalidInput, match="macro 'fee'"):
        words("fee", amount=1, extra=2)
    with pytest.raises(pp.InvalidInput, match="TABLES"):
        words.label("TABLES", "nonsense")
    with pytest.raises(pp.InvalidInput, match="lang"):
        wording("fr")
    assert "Wording('ja'" in repr(words)


@pytest.mark.parametrize(
    ("article", "ja"),
    [
        ("APPI Art. 33(2)(i)", "個人情報の保護に関する法律第33条第2項第1号"),
        ("APPI Art. 35(1), (5)", "個人情報の保護に関する法律第35条第1項及び第5項"),
        (
            "APPI Art. 32(2)(ii), Art. 21(4)(iii)",
            "個人情報の保護に関する法律第32条第2項第2号及び第21条第4項第3号",
        ),
        ("APPI Art. 35(5), Art. 26(1)", "個人情報の保護に関する法律第35条第5項及び第26条第1項"),
        ("APPI Art. 33", "個人情報の保護に関する法律第33条"),
        ("a rule of our own", "a rule of our own"),
    ],
)
def test_r_req_4_articles_are_cited_as_the_act_is(article: str, ja: str) -> None:
    from pipolicy.requests.wording import wording

    assert wording("ja")("law", article=article) == ja


def test_r_req_5_the_letter_quoted_in_the_docs_is_the_one_pipolicy_writes() -> None:
    """docs/letters.md shows a Japanese disclosure letter in full: it is what its own
    example renders, so the page cannot drift from the templates."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "letters.md").read_text("utf-8")
    example = re.findall(r"^```python\n(.*?)^```", page, re.S | re.M)[0]
    quoted = page.split("The letter above, in full", 1)[1].split("```text\n", 1)[1]
    namespace: dict[str, Any] = {}
    exec(compile(example, "letters.md", "exec"), namespace)
    assert quoted.split("```", 1)[0] == namespace["answer"].to_markdown()


def test_r_req_4_a_society_calls_itself_as_its_policy_says_in_its_letters() -> None:
    """Seed 001 is a society: its letters say 本会 (``[controller] self_reference``),
    never 当社, in the statement stored with the request and in the letter."""
    policy = pp.example_policy("indigo")
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    member = engine.register_subject("member-7", category=sorted(policy.categories)[0])
    purpose = sorted(policy.purposes)[0]
    engine.acquire(
        member, items=sorted(policy.purposes[purpose].items)[:1], purposes=purpose, channel="mail"
    )
    passport = pp.Document(
        pp.DocumentKind.PASSPORT, issued=date(2022, 1, 1), expires=date(2032, 1, 1)
    )
    r = engine.requests.submit(K.DISCLOSURE, subject=member, documents=[passport])
    engine.requests.verify(r.id)
    answer = engine.requests.fulfil(r.id)
    assert answer.language == "ja"
    for text in (answer.statement, answer.to_markdown(), answer.to_html()):
        assert "本会" in text
        assert "当社" not in text


@pytest.mark.parametrize(("lang", "shown"), [("ja", "記録なし"), ("en", "not recorded")])
def test_r_req_5_a_consent_recorded_without_its_method_says_so_in_the_letter(
    lang: str, shown: str
) -> None:
    """ "unspecified" is pipolicy's own placeholder, not a word for the person."""
    sh = shop(lang)
    s = sh.person(provide=False)
    sh.engine.grant_consent(s, purpose="customization")  # no evidence given
    answer = sh.engine.requests.fulfil(sh.verified(pp.RequestKind.DISCLOSURE, s).id)
    letter = answer.to_markdown()
    assert shown in letter and "unspecified" not in letter


@pytest.mark.parametrize(
    ("lang", "shown"), [("ja", "| ご本人の同意 |"), ("en", "| your consent |")]
)
def test_r_req_5_a_provision_record_names_its_basis_in_words(lang: str, shown: str) -> None:
    """The basis of a provision record (R-REC-1: "the consent it rests on") reads as a
    privacy officer writes it, not as pipolicy's code (``consent``)."""
    sh = shop(lang)
    s = sh.person()  # provided to the partner on consent
    answer = sh.engine.requests.fulfil(sh.verified(pp.RequestKind.PROVISION_RECORDS, s).id)
    letter = answer.to_markdown()
    assert shown in letter
    assert "| consent |" not in letter
