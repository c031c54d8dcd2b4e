"""R-REQ-7 (Art. 35(1), (3)): a suspension naming an item the business does not hold.
The answer must not say both "we stopped using <item>" and "we do not retain <item>":
it says what it stopped for the items held, that the others are not held, and that the
suspension covers them should they ever be collected, which is what the restriction in
force does."""

from __future__ import annotations

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import verified

K = pp.RequestKind


def test_r_req_7_a_suspension_of_use_does_not_say_it_stopped_an_item_not_held(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.SUSPENSION_OF_USE, person, details={"items": ["email", "phone"]})
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    stopped = next(p for p in answer.statement.split("\n\n") if "stopped using" in p)
    assert "(E-mail address)" in stopped and "Phone number" not in stopped
    absent = next(p for p in answer.statement.split("\n\n") if "do not retain" in p)
    assert "Phone number" in absent
    assert "should we ever collect them, we will not use them" in absent
    # The promise holds: the phone number, collected later, is not used.
    engine.acquire(person, items={"phone"}, purposes={"service"}, channel="web")
    assert not engine.check_use(person, purpose="service", items={"phone"}).allowed


def test_r_req_7_a_suspension_of_provision_says_the_same_for_provision(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.SUSPENSION_OF_PROVISION, person, details={"items": ["email", "phone"]})
    answer = engine.requests.fulfil(r.id)
    stopped = next(p for p in answer.statement.split("\n\n") if "stopped providing" in p)
    assert "Phone number" not in stopped
    absent = next(p for p in answer.statement.split("\n\n") if "do not retain" in p)
    assert "should we ever collect them, we will not provide them to third parties" in absent


def test_r_req_7_the_japanese_answer_says_it_too() -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"))
    s = engine.register_subject("u1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web-form", "v1"))
    engine.acquire(s, items={"name", "email"}, purposes="service", channel="web")
    from .support import passport

    r = engine.requests.submit(
        K.SUSPENSION_OF_USE,
        subject=s,
        documents=[passport()],
        language="ja",
        details={"items": ["email", "phone"]},
    )
    engine.requests.verify(r.id)
    statement = engine.requests.fulfil(r.id).statement
    stopped = next(p for p in statement.split("\n\n") if "停止いたしました" in p)
    assert "（メールアドレス）" in stopped and "電話番号" not in stopped
    absent = next(p for p in statement.split("\n\n") if "保有しておりません" in p)
    assert "電話番号" in absent
    assert "今後取得した場合にも利用いたしません" in absent
