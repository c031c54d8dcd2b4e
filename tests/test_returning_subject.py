"""R-ACC-1 (Art. 22): a person who left and came back is an active customer again.

A retention period counted from the person leaving (``retention_from = "left"``, seed
004 L25 "customers who no longer use our service") starts at ``engine.mark_left``. A
customer who signs up again before their data was due is using the service: their data
is needed, and the retention report must not list it for deletion. ``mark_returned``
records the return (audit event ``subject.returned``) and stops the clock; the next
``mark_left`` starts it afresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

import pipolicy as pp
from pipolicy.storage.repositories import Store
from tests.stores import BACKENDS, open_backend

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
YEAR = timedelta(days=365)
STAFF = pp.Actor("analyst-3", roles={"analysis_staff"})


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def _customer(store: Store) -> tuple[pp.Engine, pp.FixedClock, pp.Subject]:
    """A customer of the analysis service (kept 3 years after they leave), who leaves."""
    clock = pp.FixedClock(T0)
    engine = pp.Engine(pp.example_policy("carbgem"), store=store, clock=clock)
    s = engine.register_subject("customer-7", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes="analysis_service", channel="web")
    engine.mark_left(s)
    return engine, clock, s


def test_r_acc_1_a_returning_customers_data_is_not_reported_for_deletion(store: Store) -> None:
    engine, clock, s = _customer(store)
    clock.advance(YEAR)  # back within the 3 years
    engine.mark_returned(s)
    engine.acquire(s, items={"phone"}, purposes="analysis_service", channel="web")
    clock.advance(3 * YEAR)  # past 3 years from leaving: still a customer
    assert engine.retention_report() == []
    d = engine.check_use(s, purpose="analysis_service", items={"name", "phone"}, actor=STAFF)
    assert d.allowed
    assert engine.find_subject("customer-7") == pp.Subject(
        s.id, "customer-7", s.registered_at, "customer", left_at=None
    )


def test_r_acc_1_leaving_again_starts_the_period_afresh(store: Store) -> None:
    engine, clock, s = _customer(store)
    clock.advance(YEAR)
    engine.mark_returned(pp.Ref("customer-7"))
    clock.advance(YEAR)
    engine.mark_left(s)  # left for good, two years after first leaving
    clock.advance(3 * YEAR - timedelta(days=1))
    assert engine.retention_report() == []
    clock.advance(timedelta(days=2))
    [entry] = engine.retention_report()
    assert entry.items == {"name", "email"}


def test_r_acc_1_the_return_is_in_the_audit_log(store: Store) -> None:
    engine, clock, s = _customer(store)
    clock.advance(YEAR)
    engine.mark_returned(s)
    [event] = [e for e in engine.audit_events() if e.kind == "subject.returned"]
    assert event.subject_id == s.id and event.at == clock.now()
    # Only the digest binding the changed subject record to the log: no personal data.
    assert set(event.payload) == {"records"} and "customer-7" not in repr(event.payload)
    assert engine.verify_audit().ok


def test_r_acc_1_only_a_person_who_left_can_return(store: Store) -> None:
    engine, _, s = _customer(store)
    engine.mark_returned(s)
    with pytest.raises(pp.InvalidTransition):
        engine.mark_returned(s)  # never left again
    with pytest.raises(pp.SubjectNotFound):
        engine.mark_returned(pp.Ref("nobody"))
    kinds = [e.kind for e in engine.audit_events()]
    assert kinds.count("subject.returned") == 1


def test_r_acc_1_marking_left_again_keeps_the_day_they_left(store: Store) -> None:
    """A second ``mark_left`` without a return in between (a retried webhook, a second
    "close account" click) moved ``left_at`` later, so the period counted from leaving
    restarted and the data was kept longer than the policy says. The day they left
    stands; nothing is recorded."""
    engine, clock, s = _customer(store)
    events = len(list(engine.audit_events()))
    clock.advance(YEAR)
    engine.mark_left(pp.Ref("customer-7"))
    found = engine.find_subject("customer-7")
    assert found is not None and found.left_at == T0
    assert len(list(engine.audit_events())) == events
    clock.advance(2 * YEAR + timedelta(days=2))  # 3 years from the first day, not the second
    assert [e.subject_id for e in engine.retention_report()] == [s.id]


def test_r_acc_1_a_return_does_not_make_data_already_due_needed_again(store: Store) -> None:
    """Three years after leaving the person's data is due for deletion (Art. 22); a
    return recorded then would make it usable again. Refused, naming the items, until
    the erasure is recorded; then the return is recorded and new data is a new copy."""
    engine, clock, s = _customer(store)
    clock.advance(3 * YEAR + timedelta(days=2))
    [entry] = engine.retention_report()
    with pytest.raises(pp.InvalidTransition, match="email, name") as refused:
        engine.mark_returned(s)
    assert "customer-7" not in str(refused.value)
    assert engine.retention_report() == [entry]
    assert not [e for e in engine.audit_events() if e.kind == "subject.returned"]
    engine.record_erasure(s, items=entry.items)
    clock.advance(timedelta(minutes=5))
    engine.mark_returned(s)
    engine.acquire(s, items={"email"}, purposes="analysis_service", channel="web")
    assert engine.check_use(s, purpose="analysis_service", items={"email"}, actor=STAFF).allowed
