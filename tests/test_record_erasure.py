"""R-ACC-1 (Art. 22): the application erases what the retention report lists, and says so.

The report lists data due for deletion for the application to erase; until the engine
learns it was erased it kept listing it, forever, and the audit log held no proof that
the duty was met. ``engine.record_erasure`` records the erasure: the copies acquired
before it are gone (the report no longer lists them, checks deny them as deleted), a
later acquisition is a new copy, and the log keeps the erasure by item names only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

import pipolicy as pp
from pipolicy.storage.repositories import Store
from tests.stores import BACKENDS, open_backend

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
STAFF = pp.Actor("analyst-3", roles={"analysis_staff"})


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def _due(store: Store) -> tuple[pp.Engine, pp.FixedClock, pp.Subject]:
    """A customer who left more than 3 years ago: their analysis data is due."""
    clock = pp.FixedClock(T0)
    engine = pp.Engine(pp.example_policy("carbgem"), store=store, clock=clock)
    s = engine.register_subject("customer-7", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes="analysis_service", channel="web")
    engine.mark_left(s)
    clock.advance(timedelta(days=3 * 365 + 2))
    return engine, clock, s


def test_r_acc_1_what_the_report_listed_and_was_erased_is_listed_no_more(store: Store) -> None:
    engine, _, s = _due(store)
    [entry] = engine.retention_report()
    erased = engine.record_erasure(s, items=entry.items)
    assert erased.kind is pp.RestrictionKind.DELETED and erased.items == {"name", "email"}
    assert engine.retention_report() == []
    d = engine.check_use(s, purpose="analysis_service", items={"email"}, actor=STAFF)
    assert not d.allowed and [r.key for r in d.why] == ["erased"]
    assert d.citations == ("APPI Art. 22",)  # no request: not Art. 35
    [event] = [e for e in engine.audit_events() if e.kind == "data.erased"]
    assert event.subject_id == s.id
    assert event.payload["items"] == ["email", "name"]
    assert event.payload["restriction_id"] == erased.id


def test_r_acc_1_an_erasure_of_some_items_leaves_the_rest_listed(store: Store) -> None:
    engine, _, _ = _due(store)
    engine.record_erasure(pp.Ref("customer-7"), items={"email"})
    [entry] = engine.retention_report()
    assert entry.items == {"name"}


def test_r_acc_1_an_item_acquired_after_its_erasure_is_a_new_copy(store: Store) -> None:
    engine, clock, s = _due(store)
    engine.record_erasure(s, items={"name", "email"})
    clock.advance(timedelta(days=1))
    engine.mark_returned(s)
    engine.acquire(s, items={"email"}, purposes="analysis_service", channel="web")
    d = engine.check_use(s, purpose="analysis_service", items={"email"}, actor=STAFF)
    assert d.allowed


@pytest.mark.parametrize("items", [set(), {""}, None, {"taro@example.jp"}, {"phone"}])
def test_r_acc_1_an_erasure_names_its_items(store: Store, items: object) -> None:
    engine, _, s = _due(store)
    with pytest.raises(pp.InvalidInput) as refused:
        engine.record_erasure(s, items=items)  # type: ignore[arg-type]
    assert "taro" not in str(refused.value)  # never echoed into a log
    assert [e for e in engine.audit_events() if e.kind == "data.erased"] == []


def test_r_acc_1_an_erasure_for_nobody_is_refused(store: Store) -> None:
    engine, _, _ = _due(store)
    with pytest.raises(pp.SubjectNotFound):
        engine.record_erasure(pp.Ref("nobody"), items={"email"})
