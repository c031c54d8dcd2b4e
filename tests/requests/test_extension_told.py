"""R-REQ-8: an extension of the deadline needs a reason, and the person is told it.

``extend(id, due=, reason=)`` records the reason "the person will be told": the final
answer's statement (so its letters) and its JSON say that the deadline was extended, to
which day (the last day to answer in, in the policy's time zone) and why.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import JST, T0, passport, verified

K = pp.RequestKind
WHY = "the archive is being moved to a new data centre"
WHY_JA = "保管庫の移設作業のため、記録の確認に時間を要しております"


def paragraph(statement: str, text: str) -> str:
    return next(p for p in statement.split("\n\n") if text in p)


def test_r_req_8_the_answer_says_the_deadline_was_extended_to_when_and_why(
    engine: pp.Engine, person: pp.Subject, clock: pp.FixedClock
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    assert r.due == datetime(2026, 12, 7, tzinfo=JST)  # the end of 6 December in Tokyo
    engine.requests.extend(r.id, due=r.due + timedelta(days=14), reason=WHY)
    clock.advance(timedelta(days=20))

    answer = engine.requests.fulfil(r.id)

    told = paragraph(answer.statement, WHY)
    assert "2026-12-20" in told  # the new last day to answer in
    assert WHY in answer.to_markdown() and WHY in answer.to_html()
    [extension] = json.loads(answer.to_json())["extensions"]
    assert (extension["due_on"], extension["reason"]) == ("2026-12-20", WHY)
    assert extension["due"].endswith("+09:00")
    rebuilt = engine.requests.answer(r.id)
    assert [e.reason for e in rebuilt.extensions] == [WHY]


def test_r_req_8_a_refusal_after_an_extension_says_it_too(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    engine.requests.extend(r.id, due=r.due + timedelta(days=7), reason=WHY)
    engine.requests.extend(r.id, due=r.due + timedelta(days=10), reason="a second look")

    answer = engine.requests.refuse(
        r.id, ground=pp.RefusalGround.BUSINESS_HINDRANCE, explanation="answered last week"
    )

    assert "2026-12-13" in paragraph(answer.statement, WHY)
    assert "2026-12-16" in paragraph(answer.statement, "a second look")
    assert len(json.loads(answer.to_json())["extensions"]) == 2


def test_r_req_8_an_answer_without_extension_says_nothing_of_one(
    engine: pp.Engine, person: pp.Subject
) -> None:
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)
    assert "extended" not in answer.statement
    assert json.loads(answer.to_json())["extensions"] == []


def test_r_req_8_the_japanese_answer_says_it_in_japanese() -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(T0))
    engine.register_source("crm", MemorySource({"c-1": {"name": "山田花子"}}))
    s = engine.register_subject("c-1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web-form", "v1"))
    engine.acquire(s, items={"name"}, purposes="service", channel="web")
    r = engine.requests.submit(K.DISCLOSURE, subject=s, documents=[passport()])
    engine.requests.verify(r.id)
    engine.requests.extend(r.id, due=r.due + timedelta(days=14), reason=WHY_JA)

    answer = engine.requests.fulfil(r.id)

    told = paragraph(answer.statement, WHY_JA)
    assert "2026年12月20日" in told and "延長" in told


def test_r_req_8_the_extension_notice_is_a_letter_of_its_own(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    with pytest.raises(pp.InvalidInput, match="not been extended"):
        engine.requests.extension_notice(r.id)
    engine.requests.extend(r.id, due=r.due + timedelta(days=14), reason=WHY)

    notice = engine.requests.extension_notice(r.id)

    assert notice.state is pp.RequestState.VERIFIED and notice.fee == 0
    assert "2026-12-20" in paragraph(notice.statement, WHY)
    letter = notice.to_markdown()
    assert WHY in letter and "**Outcome:** deadline extended" in letter
    assert [e.due_on.isoformat() for e in notice.extensions] == ["2026-12-20"]
    engine.requests.fulfil(r.id)
    with pytest.raises(pp.InvalidTransition):
        engine.requests.extension_notice(r.id)  # its answer tells the extension now


def test_r_req_8_the_japanese_extension_notice_is_an_oshirase() -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(T0))
    s = engine.register_subject("c-1", category="customer")
    r = engine.requests.submit(K.DISCLOSURE, subject=s, documents=[passport()])
    engine.requests.extend(r.id, due=r.due + timedelta(days=14), reason=WHY_JA)

    letter = engine.requests.extension_notice(r.id).to_markdown()

    assert letter.startswith("# 保有個人データの開示請求について（お知らせ）")
    assert "- 結果：回答期限を延長いたしました" in letter
    assert "2026年12月20日" in letter and WHY_JA in letter
