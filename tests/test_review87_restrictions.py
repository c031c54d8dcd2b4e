"""Review 87 (R-REQ-6, R-REQ-7; APPI Arts. 34, 35): what restrictions do to data the
person gives after them, and what a disclosure answers after a correction.

How pipolicy reads the law here. A deletion granted on a request (Art. 35(1), (5))
reaches the personal data held when it was granted: the request is about that data and
how it was handled. When the person later comes back and hands the same items over
again, with the purposes notified anew (Art. 21), that is a new acquisition and the
person's later word: the new data serves the purposes notified for it, and so do the
items a deletion kept for a legal duty when given again. A suspension the person asked
for as such stands until the person asks to resume: handing data over again only
notifies purposes, it does not ask to resume (review 98). Fail closed everywhere else:

* only data the person gives directly counts (web, e-mail, mail, telephone, in person,
  social media). Data the business obtains again from another business, or through a
  merger, is not the person's word: it would let the business undo a restriction by
  buying the data back, so the restriction still reaches it;
* a provision to a third party is not lifted by a new acquisition: the stop of
  provision (or of use) the person asked for stands until the person asks to resume
  (``engine.requests`` resumption, a lifted request).

An erasure the business made once the data was no longer needed (Art. 22) was not asked
for: any later lawful acquisition is held anew, as before.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource, SourceFailed
from tests.requests.support import REF, T0, VALUES, FlakySource, customer, shop_policy, verified

K = pp.RequestKind
FROM_LIST_CO: dict[str, Any] = {
    "channel": "provided_by_business",
    "source": "List Co.",
    "provider_address": "1-2 Chiyoda, Tokyo",
    "provider_representative": "CEO of List Co.",
    "provider_obtained_by": "its own sign-up form",
}


def _shop() -> tuple[pp.Engine, pp.FixedClock, MemorySource, pp.Subject]:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(shop_policy(), clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    return engine, clock, crm, customer(engine, crm)


def test_r_req_7_items_kept_for_a_legal_duty_serve_a_new_order_the_person_places() -> None:
    """A deletion keeps the invoice for the tax law, its use suspended. A month later the
    person orders again and gives name, e-mail, address and a new invoice with the
    service's notice: the new data serves the service. Before, the suspension left by
    the deletion denied the new invoice as if it were the one kept for the tax office."""
    engine, clock, _, s = _shop()
    r = verified(engine, K.DELETION, s)
    answer = engine.requests.fulfil(r.id)
    assert [k.item for k in answer.retained] == ["invoice"]
    assert not engine.check_use(s, purpose="service", items={"invoice"}).allowed

    clock.advance(timedelta(days=30))
    items = {"name", "email", "address", "invoice"}
    engine.acquire(s, items=items, purposes={"service"}, channel="web", source="order-form")
    d = engine.check_use(s, purpose="service", items=items)
    assert d.allowed, d.reasons


def test_r_req_7_a_suspension_of_use_is_not_lifted_by_data_given_again() -> None:
    """The person had use of the e-mail address for the newsletter suspended (Art. 35).
    Handing the address over again with an order, the newsletter among the purposes
    notified, or by telephone with no purpose shown, is not asking to resume: listing a
    purpose notifies it, and a suspension the person asked for ends only when the person
    asks (review 98 found the first version of review 87 lifting it)."""
    engine, clock, _, s = _shop()
    r = verified(
        engine,
        K.SUSPENSION_OF_USE,
        s,
        details={"items": ["email"], "purposes": ["newsletter"]},
    )
    engine.requests.fulfil(r.id)
    assert not engine.check_use(s, purpose="newsletter", items={"email"}).allowed

    clock.advance(timedelta(days=3))
    items = {"name", "email", "address"}
    engine.acquire(
        s, items=items, purposes={"service", "newsletter"}, channel="web", source="order-form"
    )
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert not d.allowed and r.id in d.reasons[0]
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="telephone")
    assert not engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    # What the suspension does not reach stays usable: the service.
    assert engine.check_use(s, purpose="service", items={"email"}).allowed


def test_r_req_7_a_deletion_that_kept_every_item_stays_in_force() -> None:
    """A deletion that kept every item it reached for a legal duty left only a suspension
    of use, which cannot be told from a suspension the person asked for: data given
    again does not lift it (fail closed); the deletion that erased something beside it
    does (the test above it)."""
    engine, clock, _, s = _shop()
    r = verified(engine, K.DELETION, s, details={"items": ["invoice"]})
    answer = engine.requests.fulfil(r.id)
    assert [k.item for k in answer.retained] == ["invoice"]

    clock.advance(timedelta(days=30))
    engine.acquire(s, items={"invoice"}, purposes={"service"}, channel="web", source="order-form")
    d = engine.check_use(s, purpose="service", items={"invoice"})
    assert not d.allowed and r.id in d.reasons[0]


def test_r_req_7_data_bought_back_from_another_business_stays_restricted() -> None:
    """The business cannot undo a restriction by obtaining the same items from a list
    broker: that is no word of the person's (Art. 35 would be emptied)."""
    engine, clock, _, s = _shop()
    suspended = verified(engine, K.SUSPENSION_OF_USE, s, details={"items": ["email"]})
    engine.requests.fulfil(suspended.id)
    deleted = verified(engine, K.DELETION, s, details={"items": ["address"]})
    engine.requests.fulfil(deleted.id)

    clock.advance(timedelta(days=3))
    engine.acquire(s, items={"email", "address"}, purposes={"service"}, **FROM_LIST_CO)
    d = engine.check_use(s, purpose="service", items={"email"})
    assert not d.allowed and suspended.id in d.reasons[0]
    d = engine.check_use(s, purpose="service", items={"address"})
    assert not d.allowed and deleted.id in d.reasons[0]


def test_r_req_7_a_stop_of_provision_is_not_lifted_by_data_given_again() -> None:
    """Art. 35(3): the person stopped provision to the partner. Giving the e-mail again
    for the service says nothing of the partner: the consent given before the stop does
    not revive, and provision stays stopped until the person asks to resume."""
    engine, clock, _, s = _shop()
    engine.grant_consent(s, recipient="partner", items={"name", "email"})
    r = verified(engine, K.SUSPENSION_OF_PROVISION, s)
    engine.requests.fulfil(r.id)

    clock.advance(timedelta(days=3))
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web", source="order-form")
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert not d.allowed and r.id in d.reasons[0]


def test_r_req_6_contents_deleted_by_a_correction_are_no_longer_disclosed_as_held() -> None:
    """Art. 34(1): a correction may delete contents. The address deleted is no longer
    retained: a later disclosure must not list it, nor may the address be used."""
    engine, clock, crm, s = _shop()
    r = verified(engine, K.CORRECTION, s, details={"changes": {"address": None}})
    answer = engine.requests.fulfil(r.id)
    assert answer.changes == {"address": "deleted"}
    assert "address" not in crm.get(REF)

    clock.advance(timedelta(days=1))
    assert not engine.check_use(s, purpose="service", items={"address"}).allowed
    disclosure = engine.requests.fulfil(verified(engine, K.DISCLOSURE, s).id)
    report = json.loads(json.dumps(disclosure.to_dict(), default=str))["report"]
    listed = {entry["item"] for entry in report["items"]}
    assert listed == {"name", "email", "invoice"}
    assert "Postal address" not in disclosure.statement


def test_r_req_6_a_correction_deleting_contents_retried_after_a_failing_source() -> None:
    """The deletion of contents is recorded before any source is called, so decisions
    stop at once; retried after a failing source, the correction still sees the
    address it set out to delete (its own deletion does not hide it) and completes."""
    engine, _, _, s = _shop()
    flaky = FlakySource({REF: dict(VALUES)})
    engine.register_source("newsletter-tool", flaky)
    r = verified(engine, K.CORRECTION, s, details={"changes": {"address": None}})
    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)
    assert not engine.check_use(s, purpose="service", items={"address"}).allowed

    flaky.failing = False
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.FULFILLED
    assert answer.changes == {"address": "deleted"}
    assert "address" not in flaky.get(REF)


def test_r_req_7_a_consent_given_after_a_suspension_does_not_lift_it() -> None:
    """Judged right, kept: a consent given after a stop (a box ticked in a later form)
    is not the person's request to resume what they asked to stop. The suspension
    stands until ``engine.requests.resume``, which records that request; then the
    consent serves (fail closed: Art. 35 leaves the end of a suspension to the person)."""
    engine, clock, _, s = _shop()
    stop = verified(engine, K.SUSPENSION_OF_PROVISION, s)
    engine.requests.fulfil(stop.id)
    clock.advance(timedelta(days=1))
    engine.grant_consent(s, recipient="partner", items={"email"})
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert not d.allowed and stop.id in d.reasons[0]

    engine.requests.resume(stop.id, reason="asked by letter to share with the partner again")
    assert engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")


def test_r_req_7_data_given_again_through_a_form_of_unknown_channel_stays_restricted() -> None:
    """``other`` cannot be shown to be the person handing the data over: fail closed.
    (A deletion: the data given again after it is new data; a suspension the person asked
    for gives way to none.)"""
    engine, clock, _, s = _shop()
    r = verified(engine, K.DELETION, s, details={"items": ["email"]})
    engine.requests.fulfil(r.id)
    clock.advance(timedelta(days=1))
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="other", source="kiosk")
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="oral", source="counter")
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
