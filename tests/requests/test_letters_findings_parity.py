"""R-REQ-7 (Art. 35): what the records show is worded alike in both languages. The
English finding names a purpose by the title the person read in the privacy policy and
lists the items, as the Japanese does; the Japanese keeps the facts the English gives
(the undeclared purposes, the policy version) (h63 #10). The Japanese speaks of the
purposes 「ご本人に通知し、又は公表した」 (Arts. 18(1), 21(1)) (h63 #14), of one refused
attempt as such (h63 #15), and of data kept under a legal duty as 保存 (h63 #16)."""

from __future__ import annotations

from datetime import timedelta

import pytest

import pipolicy as pp
from pipolicy.requests.wording import wording

from .support import T0, passport

TITLE = {
    "en": "To prevent acts that violate the Terms of Use for the company's services",
    "ja": "当社サービスの利用規約に違反する行為を防止するため",
}


def _answer(lang: str) -> pp.Answer:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(T0))
    s = engine.register_subject("u1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web-form", "v1"))
    engine.acquire(s, items={"name", "email"}, purposes="service", channel="web")
    with pytest.raises(pp.UseDenied):
        engine.use(s, purpose="terms_enforcement", items={"email"}, actor="staff-7")
    engine.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_USE, subject=s, documents=[passport()], language=lang
    )
    engine.requests.verify(r.id)
    return engine.requests.fulfil(r.id)


def _finding_row(answer: pp.Answer) -> str:
    return next(line for line in answer.to_markdown().splitlines() if line.startswith("| 2026"))


def test_r_req_7_english_finding_names_the_purpose_title_and_items() -> None:
    row = _finding_row(_answer("en"))
    assert "terms_enforcement" not in row
    assert f'"{TITLE["en"]}"' in row
    assert "(items: E-mail address)" in row
    assert "beyond the purposes notified to you or published" in row


def test_r_req_7_japanese_finding_says_notified_or_published() -> None:
    row = _finding_row(_answer("ja"))
    assert f"「{TITLE['ja']}」" in row
    assert "ご本人に通知し、又は公表した利用目的の範囲を超える" in row
    assert "（対象項目：メールアドレス）" in row


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_req_7_one_refused_attempt_is_spoken_of_as_one(lang: str) -> None:
    text = _answer(lang).statement
    if lang == "ja":
        assert "同様の取扱いの試みが1件ありましたが、その試みは当時当社が拒否したもの" in text
        assert "いずれも" not in text
    else:
        assert "They show 1 attempt of such handling, which was refused at the time" in text
        assert "attempt(s)" not in text


def test_r_req_7_japanese_keeps_the_facts_the_english_gives() -> None:
    ja, en = wording("ja"), wording("en")
    facts = {"undeclared": ["loyalty_programme"], "policy_version": "shop-0"}
    for note in ("acquired_without_purpose", "purposes_dropped"):
        english = en("finding", note=note, facts=facts, titles={})
        japanese = ja("finding", note=note, facts=facts, titles={})
        assert "loyalty_programme" in english and "loyalty_programme" in japanese
    dropped = ja("finding", note="purposes_dropped", facts=facts, titles={})
    assert "shop-0" in dropped
    assert "shop-0" in en("finding", note="purposes_dropped", facts=facts, titles={})


def test_r_req_7_data_kept_for_the_law_is_hozon() -> None:
    facts = {"purposes": ["service"], "since": "2026-04-01", "until": "2033-03-31"}
    text = wording("ja")("finding", note="kept_for_law", facts=facts, titles={})
    assert "保存しております" in text and "保管" not in text
