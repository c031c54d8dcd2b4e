"""Session 19 review of requests: grounds that do not fit the request, and the day a
request reached the business (R-REQ-2, R-REQ-3, R-REQ-4, R-REQ-6, R-REQ-8, R-PUB-1).

Each test drives the public API as an application would, from a policy file in both
languages, and checks what the person would be told.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.factories import bilingual_head

from .factories import toml_data

JST = timezone(timedelta(hours=9))
T0 = datetime(2026, 11, 22, 10, 0, tzinfo=JST)

TOML = (
    bilingual_head("shop-1")
    + """
[items.name]
title = { ja = "氏名", en = "Name" }
[items.email]
title = { ja = "メールアドレス", en = "E-mail address" }
[purposes.service]
title = { ja = "商品の配送のため", en = "To deliver orders" }
items = ["name", "email"]
[requests]
window = { ja = "privacy@example.jp", en = "privacy@example.jp" }
"""
)

PASSPORT = pp.Document(pp.DocumentKind.PASSPORT, issued=date(2022, 4, 1), expires=date(2032, 4, 1))


def shop(
    at: datetime = T0, extra: str = ""
) -> tuple[pp.Policy, pp.FixedClock, pp.Engine, MemorySource]:
    policy = pp.policy_from_dict(toml_data(TOML + extra))
    clock = pp.FixedClock(at)
    engine = pp.Engine(policy, clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    return policy, clock, engine, crm


def customer(engine: pp.Engine, crm: MemorySource, values: dict[str, Any]) -> pp.Subject:
    """A customer holding only ``values`` (in pipolicy's records and in the source)."""
    s = engine.register_subject(ref="user-42")
    engine.acquire(s, items=set(values), purposes={"service"}, channel="web")
    crm.put("user-42", values)
    return s


def last_day(policy: pp.Policy, due: datetime) -> date:
    return policy.local_date(due - timedelta(microseconds=1))


# -- 1. agency_unconfirmed for a person's own request; procedural grounds after verify --


def test_r_req_2_agency_unconfirmed_refused_for_the_persons_own_request() -> None:
    """R-REQ-2, R-REQ-4, APPI Art. 37(3): ``agency_unconfirmed`` says an agent's authority
    could not be confirmed; a request the person made themselves has no agent, so the
    letter would be untrue. Refused with a reason, nothing recorded."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"name": "Hanako Yamada"})
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[PASSPORT])
    with pytest.raises(pp.InvalidInput, match="the person"):
        engine.requests.refuse(r.id, ground="agency_unconfirmed", explanation="seal unclear")
    engine.requests.verify(r.id)
    with pytest.raises(pp.InvalidInput, match="no agent"):
        engine.requests.refuse(r.id, ground="agency_unconfirmed", explanation="seal unclear")
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED


def test_r_req_2_agency_unconfirmed_still_open_for_an_agents_request() -> None:
    """R-REQ-2, APPI Art. 37(3): the ground stays open where there is an agent."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"name": "Hanako Yamada"})
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=s,
        applicant=pp.Applicant.voluntary_agent(),
        documents=[PASSPORT],
    )
    a = engine.requests.refuse(r.id, ground="agency_unconfirmed", explanation="委任状がありません")
    assert a.state is pp.RequestState.REFUSED
    assert a.ground is pp.RefusalGround.AGENCY_UNCONFIRMED


@pytest.mark.parametrize("ground", ["identity_unconfirmed", "documents_incomplete"])
def test_r_req_3_procedural_ground_after_verification_needs_it_withdrawn(ground: str) -> None:
    """R-REQ-3, R-REQ-4, APPI Art. 37: once ``verify`` found the documents sufficient, a
    refusal saying they were not contradicts the request's own record unless the business
    says it withdraws that finding (documents later found forged): it must say so, and
    the finding withdrawn is kept in the history and the audit log."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"name": "Hanako Yamada"})
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[PASSPORT])
    engine.requests.verify(r.id)
    with pytest.raises(pp.InvalidTransition, match="verification_withdrawn"):
        engine.requests.refuse(r.id, ground=ground, explanation="forged")
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    a = engine.requests.refuse(
        r.id,
        ground=ground,
        explanation="the passport was found forged",
        verification_withdrawn=True,
    )
    assert a.state is pp.RequestState.REFUSED
    assert a.ground is pp.RefusalGround(ground)
    done = engine.requests.get(r.id)
    assert "verification withdrawn" in done.history[-1][2]
    [event] = [e for e in engine.audit_events() if e.kind == "request.refused"]
    assert event.payload["verification_withdrawn"] is True


def test_r_req_3_verification_withdrawn_only_where_there_is_one_to_withdraw() -> None:
    """R-REQ-3: ``verification_withdrawn`` on a request never verified, or with a
    substantive ground, would record something that did not happen: refused."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"name": "Hanako Yamada"})
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[PASSPORT])
    with pytest.raises(pp.InvalidInput, match="not verified"):
        engine.requests.refuse(
            r.id,
            ground="identity_unconfirmed",
            explanation="see our letter",
            verification_withdrawn=True,
        )
    engine.requests.verify(r.id)
    with pytest.raises(pp.InvalidInput, match="identity_unconfirmed"):
        engine.requests.refuse(
            r.id,
            ground="business_hindrance",
            explanation="see our letter",
            verification_withdrawn=True,
        )
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED


# -- 2. contents_accurate for contents not held ------------------------------------------


def test_r_req_6_contents_accurate_refused_for_an_addition_of_an_item_not_held() -> None:
    """R-REQ-4, R-REQ-6, APPI Art. 34(1): "the contents are true" is a finding about
    contents held; an item not held has no contents to be true, so a refusal on it for
    an addition would tell the person something false."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"email": "o@example.jp"})
    c = engine.requests.submit(
        pp.RequestKind.CORRECTION,
        subject=s,
        documents=[PASSPORT],
        details={"changes": {"name": "Taro Otsuka"}},
        language="en",
    )
    engine.requests.verify(c.id)
    with pytest.raises(pp.InvalidInput, match="name"):
        engine.requests.refuse(c.id, ground="contents_accurate", explanation="checked")
    assert engine.requests.get(c.id).state is pp.RequestState.VERIFIED


def test_r_req_6_contents_accurate_refusal_stands_for_contents_held() -> None:
    """R-REQ-6, APPI Art. 34(1): for an item held, the ground stays open."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"email": "o@example.jp"})
    c = engine.requests.submit(
        pp.RequestKind.CORRECTION,
        subject=s,
        documents=[PASSPORT],
        details={"changes": {"email": "x@example.jp"}},
    )
    engine.requests.verify(c.id)
    a = engine.requests.refuse(c.id, ground="contents_accurate", explanation="確認しました")
    assert a.ground is pp.RefusalGround.CONTENTS_ACCURATE


def test_r_req_6_contents_accurate_held_only_in_a_source_counts_as_held() -> None:
    """R-REQ-6, APPI Art. 34(1): an item the registered source holds is held, though
    pipolicy has no record of acquiring it."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"email": "o@example.jp"})
    crm.put("user-42", {"email": "o@example.jp", "name": "Taro Otsuka"})
    c = engine.requests.submit(
        pp.RequestKind.CORRECTION,
        subject=s,
        documents=[PASSPORT],
        details={"changes": {"name": "Taro Ootsuka"}},
    )
    engine.requests.verify(c.id)
    a = engine.requests.refuse(c.id, ground="contents_accurate", explanation="checked")
    assert a.ground is pp.RefusalGround.CONTENTS_ACCURATE


def test_r_req_6_contents_accurate_cannot_decline_in_part_an_item_not_held() -> None:
    """R-REQ-6, APPI Art. 34(1), (3): declining part of a correction on contents_accurate
    names items found true as held; an item the correction would add is not held."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"email": "o@example.jp"})
    c = engine.requests.submit(
        pp.RequestKind.CORRECTION,
        subject=s,
        documents=[PASSPORT],
        details={"changes": {"name": "Taro Otsuka", "email": "new@example.jp"}},
    )
    engine.requests.verify(c.id)
    with pytest.raises(pp.InvalidInput, match="name"):
        engine.requests.withhold(
            c.id, items={"name"}, ground="contents_accurate", explanation="see our letter"
        )
    assert "withheld" not in engine.requests.get(c.id).details
    # The item held can still be declined.
    engine.requests.withhold(
        c.id, items={"email"}, ground="contents_accurate", explanation="see our letter"
    )


# -- 3. received_at ----------------------------------------------------------------------


def test_r_req_8_due_date_counts_from_the_day_the_request_arrived() -> None:
    """R-REQ-8, R-REQ-3, APPI Art. 37, 39: a letter that arrived on Friday and is entered
    on Monday is due two weeks from Friday (the policy's 14 days), and its documents are
    judged as they stood on Friday; the audit event records the arrival."""
    policy, _, engine, crm = shop(at=datetime(2026, 11, 23, 10, tzinfo=JST))
    s = customer(engine, crm, {"name": "Hanako Yamada"})
    passport = pp.Document(
        pp.DocumentKind.PASSPORT, issued=date(2016, 11, 21), expires=date(2026, 11, 21)
    )
    arrived = datetime(2026, 11, 20, 15, tzinfo=JST)
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, documents=[passport], received_at=arrived
    )
    assert r.received_at == arrived
    assert last_day(policy, r.due) == last_day(policy, policy.response_due(arrived))
    assert last_day(policy, r.due) < last_day(
        policy, policy.response_due(datetime(2026, 11, 23, 10, tzinfo=JST))
    )
    assert engine.requests.verify(r.id).state is pp.RequestState.VERIFIED
    [event] = [e for e in engine.audit_events() if e.kind == "request.received"]
    assert event.payload["received_at"] == arrived.isoformat()


def test_r_req_8_received_at_in_the_future_or_naive_is_refused() -> None:
    """R-REQ-8: a request cannot have reached the business after now, and a naive time
    has no day in the policy's time zone; both refused, nothing recorded."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"name": "Hanako Yamada"})
    for bad in (T0 + timedelta(minutes=1), datetime(2026, 11, 20, 10)):
        with pytest.raises(pp.InvalidInput, match="received_at"):
            engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, received_at=bad)
    assert engine.requests.for_subject(s) == []


def test_r_cmp_1_complaints_and_requests_share_the_received_at_rule() -> None:
    """R-CMP-1, R-REQ-8: a complaint's received_at is checked by the same rule (naive or
    future refused, with the same message)."""
    _, _, engine, crm = shop()
    s = customer(engine, crm, {"name": "Hanako Yamada"})
    future = T0 + timedelta(days=1)
    with pytest.raises(pp.InvalidInput) as on_request:
        engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, received_at=future)
    with pytest.raises(pp.InvalidInput) as on_complaint:
        engine.complaints.receive("inquiry", channel="telephone", topic="x", received_at=future)
    assert str(on_request.value) == str(on_complaint.value)


# -- 5. fees without a method of payment ------------------------------------------------


FEES = """
fees = { disclosure = 1000 }
"""


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_r_pub_1_fee_without_payment_method_says_to_ask_the_window(fmt: str) -> None:
    """R-PUB-1, R-REQ-9, APPI Art. 32(1)(iii), 38(1), Cabinet Order Art. 12(iv): a
    notice that publishes a fee says how it is paid; where the policy does not say, the
    notice tells the person plainly to ask the request window, in each language."""
    policy, _, _, _ = shop(extra=FEES)
    ja = pp.render_notice(policy, "ja", fmt)
    en = pp.render_notice(policy, "en", fmt)
    assert "受付窓口にお問い合わせください" in ja.split("手数料のお支払方法", 1)[1][:200]
    assert (
        "Please ask us at the address where you apply" in en.split("How to pay the fee", 1)[1][:200]
    )
    if fmt == "markdown":  # a line of its own, the next item after it
        assert "お問い合わせください。\n- 回答" in ja
        assert "your request.\n- Answer" in en


def test_r_pub_1_fee_payment_method_given_is_published_as_given() -> None:
    """R-PUB-1, Cabinet Order Art. 12(iv): the method the policy gives is published,
    not the fallback."""
    extra = FEES + 'fee_payment = { ja = "郵便定額小為替", en = "Postal money order" }\n'
    policy, _, _, _ = shop(extra=extra)
    ja = pp.render_notice(policy, "ja")
    en = pp.render_notice(policy, "en")
    assert "手数料のお支払方法：郵便定額小為替" in ja
    assert "受付窓口にお問い合わせください" not in ja
    assert "How to pay the fee: Postal money order" in en
    assert "Please ask us at the address" not in en


def test_r_pub_1_no_payment_line_without_fees() -> None:
    """R-PUB-1, R-REQ-9: a policy charging nothing says nothing about paying."""
    policy, _, _, _ = shop()
    assert "お支払方法" not in pp.render_notice(policy, "ja")
    assert "How to pay" not in pp.render_notice(policy, "en")
