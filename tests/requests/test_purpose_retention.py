"""R-REQ-7 with a legal retention duty declared on a purpose rather than on an item."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.durations import Duration
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


def _kept_seven_years() -> pp.Policy:
    """The accounting duty lasts seven years from collection; the purpose's own
    retention (how long the business needs the data) is shorter."""
    base = bookkeeping_policy()
    accounting = attrs.evolve(base.purposes["accounting"], legal_retention_period="7 years")
    return attrs.evolve(base, purposes={**base.purposes, "accounting": accounting})


def _deletion_years_later(engine: pp.Engine, s: pp.Subject) -> str:
    """A verified deletion request, with an ID still valid years from now."""
    passport = pp.Document(pp.DocumentKind.PASSPORT, date(2025, 1, 1), date(2041, 1, 1))
    r = engine.requests.submit(pp.RequestKind.DELETION, subject=s, documents=[passport])
    assert engine.requests.verify(r.id).state is pp.RequestState.VERIFIED
    return r.id


def test_r_req_7_a_legal_duty_with_a_period_ends_with_it() -> None:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(_kept_seven_years(), clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"name", "address"}, purposes={"accounting"}, channel="mail")
    crm.put("user-1", {"name": "N", "address": "A"})

    clock.advance(timedelta(days=365 * 7))  # 2033-03-30: a few days short of seven years
    [entry] = engine.retention_report()
    assert entry.legal_hold == {"name", "address"}
    clock.advance(timedelta(days=10))  # the duty is over
    [entry] = engine.retention_report()
    assert entry.items == {"name", "address"} and entry.legal_hold == frozenset()

    answer = engine.requests.fulfil(_deletion_years_later(engine, s))
    assert answer.state is pp.RequestState.FULFILLED and answer.retained == ()
    assert crm.get("user-1") == {}
    assert BOOKKEEPING not in answer.statement


def test_r_req_7_within_its_period_the_duty_still_keeps_the_data() -> None:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(_kept_seven_years(), clock=clock)
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"name", "address"}, purposes={"accounting"}, channel="mail")
    clock.advance(timedelta(days=365 * 6))
    answer = engine.requests.fulfil(_deletion_years_later(engine, s))
    assert {k.item for k in answer.retained} == {"name", "address"}


def test_r_req_7_a_period_needs_its_duty_and_runs_on_the_calendar() -> None:
    base = shop_policy()
    no_duty = attrs.evolve(base.purposes["service"], legal_retention_period="7 years")
    with pytest.raises(pp.PolicyError, match="legal_retention_period"):
        attrs.evolve(base, purposes={**base.purposes, "service": no_duty})
    invoice = attrs.evolve(base.items["invoice"], legal_retention_period="10 business days")
    with pytest.raises(pp.PolicyError, match="business days are for deadlines"):
        attrs.evolve(base, items={**base.items, "invoice": invoice})


def test_r_req_7_the_period_loads_from_toml() -> None:
    policy = pp.policy_from_dict(
        {
            "policy": {"version": "1", "revised": "2026-01-01"},
            "controller": CONTROLLER_DATA,
            "items": {
                "name": {},
                "invoice": {"legal_retention": "tax law", "legal_retention_period": "7 years"},
            },
            "purposes": {
                "accounting": {
                    "items": ["name", "invoice"],
                    "legal_retention": BOOKKEEPING,
                    "legal_retention_period": "10 years",
                }
            },
        }
    )
    assert policy.purposes["accounting"].legal_retention_period == Duration.parse("10 years")
    assert policy.items["invoice"].legal_retention_period == Duration.parse("7 years")


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_r_acc_1_items_a_deletion_kept_are_due_when_their_duty_ends(
    backend: str, tmp_path: Path
) -> None:
    """The person asked for deletion; only the duty stood in the way. Once it ends the
    report lists the items, even though their purpose has no retention period of its own."""
    base = shop_policy()
    accounting = pp.Purpose(
        "accounting",
        items={"name", "address"},
        legal_retention=BOOKKEEPING,
        legal_retention_period="7 years",
    )
    policy = attrs.evolve(base, purposes={**base.purposes, "accounting": accounting})
    store = None if backend == "memory" else f"sqlite:///{tmp_path / 'kept.db'}"
    clock = pp.FixedClock(T0)
    engine = pp.Engine(policy, store=store, clock=clock)
    s = engine.register_subject("user-1")
    acq = engine.acquire(s, items={"name", "address"}, purposes={"accounting"}, channel="mail")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    clock.advance(timedelta(days=365))
    answer = engine.requests.fulfil(_deletion_years_later(engine, s))
    assert {k.item for k in answer.retained} == {"name", "address"}
    assert engine.retention_report() == []

    clock.advance(timedelta(days=365 * 5))  # year 6: the duty still holds
    assert engine.retention_report() == []
    clock.advance(timedelta(days=365 * 2))  # year 8: it ended in year 7
    [entry] = engine.retention_report()
    assert (entry.acquisition_id, entry.items, entry.legal_hold) == (
        acq.id,
        frozenset({"name", "address"}),
        frozenset(),
    )
    # Collected at 10:00 on 22 November 2026: seven years from the 23rd (Civil Code Art.
    # 140), through 22 November 2033, run out at its midnight (Art. 141).
    assert acq.acquired_at == T0 == datetime(2026, 11, 22, 10, 0, tzinfo=T0.tzinfo)
    assert entry.due_since == datetime(2033, 11, 23, 0, 0, tzinfo=T0.tzinfo)
    assert "deletion request" in entry.reason

    # Asked again, now that the duty is over: erased, and no longer reported.
    again = engine.requests.fulfil(_deletion_years_later(engine, s))
    assert again.retained == ()
    assert engine.retention_report() == []


def test_r_acc_1_a_suspension_of_use_is_no_deletion_request() -> None:
    """The person asked only to stop the use: nothing is reported for deletion."""
    base = shop_policy()
    accounting = pp.Purpose(
        "accounting", items={"name"}, legal_retention=BOOKKEEPING, legal_retention_period="1 year"
    )
    policy = attrs.evolve(base, purposes={**base.purposes, "accounting": accounting})
    clock = pp.FixedClock(T0)
    engine = pp.Engine(policy, clock=clock)
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"name"}, purposes={"accounting"}, channel="mail")
    passport = pp.Document(pp.DocumentKind.PASSPORT, date(2025, 1, 1), date(2041, 1, 1))
    r = engine.requests.submit(pp.RequestKind.SUSPENSION_OF_USE, subject=s, documents=[passport])
    engine.requests.verify(r.id)
    engine.requests.fulfil(r.id)
    clock.advance(timedelta(days=365 * 3))
    assert engine.retention_report() == []
