"""Review 80: the person's requests after verification (R-REQ-4 to R-REQ-9, Arts. 32-39).

Each test drives the public API as a privacy officer would and checks what the person is
told against the Act.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource
from pipolicy.storage.repositories import Store
from tests.requests.support import T0, customer, shop_policy, verified
from tests.requests.test_letters import shop
from tests.stores import BACKENDS, open_backend

K = pp.RequestKind


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


@pytest.fixture
def clock() -> pp.FixedClock:
    return pp.FixedClock(T0)


@pytest.fixture
def engine(store: Store, clock: pp.FixedClock) -> pp.Engine:
    return pp.Engine(shop_policy(), store=store, clock=clock)


@pytest.fixture
def crm(engine: pp.Engine) -> MemorySource:
    source = MemorySource()
    engine.register_source("crm", source)
    return source


def _report(answer: pp.Answer) -> Mapping[str, Any]:
    assert answer.report is not None, answer.statement
    return answer.report


def _purposes(engine: pp.Engine, s: pp.Subject) -> pp.Answer:
    return engine.requests.fulfil(verified(engine, K.PURPOSE_NOTIFICATION, s).id)


def _disclosed(engine: pp.Engine, s: pp.Subject) -> dict[str, dict[str, object]]:
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, s).id)
    return {str(i["item"]): i for i in _report(answer)["items"]}


def test_r_req_7_a_plain_suspension_does_not_make_an_item_under_a_duty_kept_for_it_only(
    engine: pp.Engine, crm: MemorySource, clock: pp.FixedClock
) -> None:
    """A suspension of use stops the invoice's use as it stops the name's: both are still
    held for the service, whose use resumes when the person asks (resume). Only a deletion
    the law made difficult leaves an item kept to meet the duty alone (Art. 35(2) proviso);
    saying so after a plain suspension tells the person the invoice no longer serves its
    purpose, and drops that purpose from the notification (Art. 32(2))."""
    s = customer(engine, crm)
    stop = verified(engine, K.SUSPENSION_OF_USE, s)
    engine.requests.fulfil(stop.id)
    clock.advance(timedelta(hours=1))

    notified = _purposes(engine, s)
    assert _report(notified)["kept_under_duty"] == []
    [service] = _report(notified)["purposes"]
    assert "invoice" in service["items"]
    assert "only because laws and regulations oblige us" not in (notified.statement or "")

    invoice = _disclosed(engine, s)["invoice"]
    assert invoice["purposes"] == ["service"]
    assert invoice.get("kept_under_duty") is None

    # A deletion afterwards keeps the invoice for the duty only: then it says so.
    clock.advance(timedelta(hours=1))
    engine.requests.fulfil(verified(engine, K.DELETION, s).id)
    clock.advance(timedelta(hours=1))
    after = _purposes(engine, s)
    assert [k["item"] for k in _report(after)["kept_under_duty"]] == ["invoice"]
    assert _report(after)["purposes"] == []
    assert _disclosed(engine, s)["invoice"]["purposes"] == []


def test_r_req_7_an_item_kept_after_a_deletion_stays_kept_for_the_duty_once_a_suspension_lifts(
    engine: pp.Engine, crm: MemorySource, clock: pp.FixedClock
) -> None:
    """A suspension of use lifted does not bring back the purposes of an item a deletion
    kept for its legal duty alone."""
    s = customer(engine, crm)
    engine.requests.fulfil(verified(engine, K.DELETION, s, details={"items": ["invoice"]}).id)
    clock.advance(timedelta(hours=1))
    stop = verified(engine, K.SUSPENSION_OF_USE, s)
    engine.requests.fulfil(stop.id)
    clock.advance(timedelta(hours=1))
    engine.requests.resume(stop.id, reason="asked by letter to be served again")
    clock.advance(timedelta(hours=1))
    notified = _purposes(engine, s)
    assert [k["item"] for k in _report(notified)["kept_under_duty"]] == ["invoice"]
    [service] = _report(notified)["purposes"]
    assert "invoice" not in service["items"] and "name" in service["items"]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_r_req_7_a_no_ground_refusal_does_not_say_data_entrusted_was_provided_to_third_parties(
    lang: str,
) -> None:
    """Entrusting data is not providing it to a third party (Art. 27(5)(i)): a refusal on
    no_ground for a person whose data went only to an entrustee must not tell them the
    business provided it to third parties (「第三者に提供しており」)."""
    sh = shop(lang)
    s = sh.person(provide=False)
    record = sh.engine.provide(
        s, recipient="shipping", items={"name", "address"}, purpose="service"
    )
    assert record.basis is pp.Basis.ENTRUSTMENT
    r = sh.verified(K.DELETION, s)
    refused = sh.engine.requests.refuse(r.id, ground="no_ground", explanation="see our letter")
    text = refused.statement or ""
    assert "第三者に提供" not in text
    assert "provided it to others" not in text
    assert (
        "適法に取り扱っており" if lang == "ja" else "we handle your personal data lawfully"
    ) in text

    # A provision to a third party on consent is still said.
    other = sh.person("customer-2")
    r = sh.verified(K.DELETION, other)
    text = (
        sh.engine.requests.refuse(r.id, ground="no_ground", explanation="see our letter").statement
        or ""
    )
    assert (
        "法の定めるところにより第三者に提供" if lang == "ja" else "provided it to others"
    ) in text


def test_r_req_5_a_disclosure_is_not_refused_as_not_retained_while_a_source_holds_data(
    engine: pp.Engine, crm: MemorySource
) -> None:
    """A source may hold the person's data under a key the policy does not name; a
    disclosure lists it (the person is owed it). Refusing the same request as
    ``not_retained`` would notify them that the data does not exist (Art. 33(3)) while
    the business holds it: refused, naming no key, and nothing recorded."""
    s = engine.register_subject("member-9")
    crm.put("member-9", {"loyalty_points": 120})
    r = verified(engine, K.DISCLOSURE, s)
    with pytest.raises(pp.InvalidInput) as refused:
        engine.requests.refuse(r.id, ground="not_retained", explanation="we hold nothing")
    assert "loyalty_points" not in str(refused.value)
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.FULFILLED
    assert [i["item"] for i in _report(answer)["items"]] == ["loyalty_points"]

    # Asked about named items only, the undeclared key is not what the request concerns.
    named = verified(engine, K.DISCLOSURE, s, details={"items": ["email"]})
    refused_named = engine.requests.refuse(
        named.id, ground="not_retained", explanation="nothing held"
    )
    assert refused_named.ground is pp.RefusalGround.NOT_RETAINED


@pytest.mark.parametrize(
    "kind",
    [K.PURPOSE_NOTIFICATION, K.DELETION, K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION],
)
def test_r_req_7_nothing_declared_held_is_not_answered_we_hold_none_while_a_source_holds_data(
    engine: pp.Engine, crm: MemorySource, kind: pp.RequestKind
) -> None:
    """A person whose only data is in a source under a key the policy does not declare:
    a disclosure lists it, so answering a purpose notification, a deletion or a
    suspension with "we hold no personal data about you" (not_retained) would be untrue
    (Arts. 32(3), 35(7)). fulfil raises instead, naming no key, and the business refuses
    it on not_retained no more than fulfil does; the request stays verified."""
    s = engine.register_subject("member-9")
    crm.put("member-9", {"loyalty_points": 120})
    r = verified(engine, kind, s)
    with pytest.raises(pp.InvalidInput) as raised:
        engine.requests.fulfil(r.id)
    assert "loyalty_points" not in str(raised.value)
    with pytest.raises(pp.InvalidInput):
        engine.requests.refuse(r.id, ground="not_retained", explanation="we hold nothing")
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    assert crm.get("member-9") == {"loyalty_points": 120}
    assert not any("loyalty_points" in repr(e.payload) for e in engine.audit_events())

    # A request naming declared items is about those alone: none held, it is refused.
    if kind is not K.PURPOSE_NOTIFICATION:
        named = verified(engine, kind, s, details={"items": ["email"]})
        assert engine.requests.fulfil(named.id).ground is pp.RefusalGround.NOT_RETAINED
