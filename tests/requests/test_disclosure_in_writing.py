"""R-REQ-5 (Art. 33(2), (3), (5)): a disclosure is made by the method the person asked
for; where disclosing electronically would cost a great deal or is otherwise difficult,
the business delivers documents instead and must tell the person so.

``answer_in_writing(id, reason=)`` records that decision with its reason before the
answer; the answer is then a printable letter that says it, in the person's language.
"""

from __future__ import annotations

import json

import pytest

import pipolicy as pp

from .support import T0, customer, passport

WHY = "the records are kept on microfilm and cannot be exported"


def _verified(
    engine: pp.Engine, s: pp.Subject, kind: pp.RequestKind, method: str = "electronic"
) -> pp.Request:
    r = engine.requests.submit(kind, subject=s, documents=[passport()], method=method)
    r = engine.requests.verify(r.id)
    assert r.state is pp.RequestState.VERIFIED
    return r


def test_r_req_5_a_disclosure_asked_electronically_may_be_delivered_in_writing_with_notice(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = _verified(engine, person, pp.RequestKind.DISCLOSURE)

    engine.requests.answer_in_writing(r.id, reason=WHY)
    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert "electronic" in answer.statement
    assert "APPI Art. 33(2), (3)" in answer.statement
    assert WHY in answer.statement
    delivered = answer.render()
    assert delivered.media_type == "text/html"  # documents, not the JSON asked for
    assert WHY in engine.requests.answer(r.id).to_html()  # told again in a rebuilt letter
    events = [e for e in engine.audit_events() if e.kind == "request.in_writing"]
    assert len(events) == 1
    assert WHY not in json.dumps(dict(events[0].payload))


def test_r_req_5_provision_records_may_be_delivered_in_writing_too(engine: pp.Engine) -> None:
    s = customer(engine)
    r = _verified(engine, s, pp.RequestKind.PROVISION_RECORDS)
    engine.grant_consent(
        s, recipient="partner", items={"email"}, evidence=pp.Evidence(method="web", ref="F-1")
    )
    engine.provide(s, recipient="partner", items={"email"}, purpose="service")

    engine.requests.answer_in_writing(r.id, reason=WHY)
    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert "APPI Art. 33(2), (3), (5)" in answer.statement
    assert answer.render().media_type == "text/html"


def test_r_req_5_the_japanese_letter_says_the_disclosure_is_made_in_writing() -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(T0))
    s = engine.register_subject("member-1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence(method="W-01", ref="F-01"))
    engine.acquire(s, items={"name"}, purposes="service", channel="web", source="F-01")
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=s,
        documents=[passport()],
        method="electronic",
        language="ja",
    )
    engine.requests.verify(r.id)
    engine.requests.answer_in_writing(r.id, reason="電磁的記録を作成する設備がないため")

    answer = engine.requests.fulfil(r.id)

    assert "書面の交付による方法" in answer.statement
    assert "第33条第2項" in answer.statement
    assert "電磁的記録を作成する設備がないため" in answer.statement


@pytest.mark.parametrize("kind", [pp.RequestKind.PURPOSE_NOTIFICATION, pp.RequestKind.CORRECTION])
def test_r_req_5_only_a_disclosure_has_a_method_to_fall_back_from(
    engine: pp.Engine, kind: pp.RequestKind
) -> None:
    r = _verified(engine, customer(engine), kind)
    with pytest.raises(pp.InvalidInput, match="33"):
        engine.requests.answer_in_writing(r.id, reason=WHY)


def test_r_req_5_a_disclosure_asked_by_mail_is_already_in_writing(engine: pp.Engine) -> None:
    r = _verified(engine, customer(engine), pp.RequestKind.DISCLOSURE, method="mail")
    with pytest.raises(pp.InvalidInput, match="electronic"):
        engine.requests.answer_in_writing(r.id, reason=WHY)


def test_r_req_5_delivering_in_writing_needs_a_reason_the_person_is_told(
    engine: pp.Engine,
) -> None:
    r = _verified(engine, customer(engine), pp.RequestKind.DISCLOSURE)
    with pytest.raises(pp.InvalidInput, match="reason"):
        engine.requests.answer_in_writing(r.id, reason="  ")
    assert "in_writing" not in engine.requests.get(r.id).details


def test_r_req_5_a_request_cannot_fake_the_decision_in_its_details(engine: pp.Engine) -> None:
    s = customer(engine)
    with pytest.raises(pp.InvalidInput, match="reserved"):
        engine.requests.submit(
            pp.RequestKind.DISCLOSURE, subject=s, details={"in_writing": {"reason": "x"}}
        )
