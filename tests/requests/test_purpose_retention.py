"""R-REQ-7 with a legal retention duty declared on a purpose rather than on an item."""

from __future__ import annotations

from datetime import timedelta

import attrs

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.factories import CONTROLLER_DATA

from .support import T0, shop_policy, verified

BOOKKEEPING = "Commercial Code Art. 19: accounting records are kept for 10 years"


def bookkeeping_policy() -> pp.Policy:
    base = shop_policy()
    purposes = dict(base.purposes)
    purposes["accounting"] = pp.Purpose(
        "accounting",
        items={"name", "address"},
        legal_retention=BOOKKEEPING,
        retention="10 days",
        retention_from="collection",
    )
    return attrs.evolve(base, purposes=purposes)


def test_r_req_7_a_purpose_duty_keeps_items_acquired_for_it() -> None:
    engine = pp.Engine(bookkeeping_policy(), clock=pp.FixedClock(T0))
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"name", "address"}, purposes={"accounting"}, channel="mail")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    crm.put("user-1", {"name": "N", "address": "A", "email": "E"})

    answer = engine.requests.fulfil(verified(engine, pp.RequestKind.DELETION, s).id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert {(k.item, k.reason) for k in answer.retained} == {
        ("name", BOOKKEEPING),
        ("address", BOOKKEEPING),
    }
    assert crm.get("user-1") == {"name": "N", "address": "A"}
    assert "Commercial Code" in answer.statement


def test_r_acc_1_retention_report_holds_items_under_a_purpose_duty() -> None:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(bookkeeping_policy(), clock=clock)
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"name", "address"}, purposes={"accounting"}, channel="mail")
    clock.advance(timedelta(days=11))
    [entry] = engine.retention_report()
    assert entry.items == frozenset() and entry.legal_hold == {"name", "address"}


def test_purpose_legal_retention_loads_from_toml() -> None:
    policy = pp.policy_from_dict(
        {
            "policy": {"version": "1", "revised": "2026-01-01"},
            "controller": CONTROLLER_DATA,
            "items": {"name": {}},
            "purposes": {"accounting": {"items": ["name"], "legal_retention": BOOKKEEPING}},
        }
    )
    assert policy.retention_duty("name", ["accounting"]) == BOOKKEEPING
    assert policy.retention_duty("name", ["other"]) is None
