"""R-REQ-5 (Art. 33(3), (5)): when the retained personal data (or the record of
provision) a disclosure request concerns does not exist, the Act has the business notify
the person of that without delay. That is a notice, not a refusal: the answer must not
say "we cannot respond to your request" / 「ご請求に応じることができません」, and its
letter must not give the outcome as refused. Other refusals keep those words."""

from __future__ import annotations

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import T0, passport, verified

K = pp.RequestKind


def test_r_req_5_no_data_held_is_notified_as_not_existing(engine: pp.Engine) -> None:
    s = engine.register_subject("visitor-1")
    engine.register_source("crm", MemorySource())
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, s).id)
    assert answer.ground is pp.RefusalGround.NOT_RETAINED
    assert "cannot respond" not in answer.statement
    assert (
        "We notify you that the retained personal data your request concerns does not exist"
        " (APPI Art. 33(3))." in answer.statement
    )
    letter = answer.to_markdown()
    assert "**Outcome:** refused" not in letter
    assert "**Outcome:** notice that the data does not exist" in letter


def test_r_req_5_no_record_of_provision_is_notified_as_not_existing(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    answer = engine.requests.fulfil(verified(engine, K.PROVISION_RECORDS, person).id)
    assert answer.ground is pp.RefusalGround.NOT_RETAINED
    assert "cannot respond" not in answer.statement
    assert "do not exist (APPI Art. 33(3), (5))." in answer.statement


def test_r_req_5_the_japanese_notice_is_no_refusal() -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(T0))
    s = engine.register_subject("u1", category="customer")
    for kind, words in (
        (K.DISCLOSURE, "ご請求に係る保有個人データは存在しませんので、その旨をお知らせいたします"),
        (
            K.PROVISION_RECORDS,
            "ご請求に係る第三者提供記録は存在しませんので、その旨をお知らせいたします",
        ),
    ):
        r = engine.requests.submit(kind, subject=s, documents=[passport()], language="ja")
        engine.requests.verify(r.id)
        answer = engine.requests.fulfil(r.id)
        assert "応じることができません" not in answer.statement
        assert words in answer.statement
        assert "個人情報の保護に関する法律第33条第3項" in answer.statement
        letter = answer.to_markdown()
        assert "ご請求に応じることができませんでした" not in letter
        assert "結果：開示の対象が存在しない旨をお知らせいたしました" in letter


def test_r_req_5_a_suspension_of_what_is_not_held_is_still_a_refusal(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.DELETION, person, details={"items": ["phone"]})
    answer = engine.requests.fulfil(r.id)
    assert "We cannot respond to your request because" in answer.statement
