"""R-ACC-1 (Art. 22): data kept only for a purpose the policy no longer declares is due.

A business that drops a purpose from its policy no longer needs the data it collected
for that purpose alone, and Art. 22 asks it to delete that data without delay. The
retention report must list it (with the day the policy that dropped the purpose took
effect), the checks must not start allowing it for another purpose, and an item another
acquisition still holds for a declared purpose stays needed.

Each scenario loads a policy with a loyalty programme, acquires data, then opens the same
store with a new version of the policy without it, as an application does when it
deploys a revised policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest

import pipolicy as pp
from pipolicy.storage.repositories import Store
from tests.factories import CONTROLLER_TOML, toml_data
from tests.stores import BACKENDS, open_backend

JST = timezone(timedelta(hours=9))
T0 = datetime(2026, 4, 10, 10, 0, tzinfo=JST)
REVISED = date(2026, 6, 1)

ITEMS = """
[items.name]
[items.email]
[items.points]
"""

SERVICE = """
[purposes.service]
items = ["name", "email"]             # no period: kept while needed
"""

LOYALTY = """
[purposes.loyalty]
items = ["email", "points"]
"""

CAMPAIGN = """
[purposes.campaign]
items = ["email", "points"]
consent = "at_collection"
"""


def _policy(version: str, revised: date, *purposes: str) -> pp.Policy:
    head = f'[policy]\nversion = "{version}"\nrevised = {revised.isoformat()}\n'
    return pp.policy_from_dict(toml_data(head + CONTROLLER_TOML + ITEMS + "".join(purposes)))


BEFORE = _policy("shop-1", date(2026, 4, 1), SERVICE, LOYALTY, CAMPAIGN)
AFTER = _policy("shop-2", REVISED, SERVICE, CAMPAIGN)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def _revised(
    store: Store, clock: pp.FixedClock, *, also_service: bool = False
) -> tuple[pp.Engine, pp.Subject, str]:
    """A customer whose e-mail and points were collected for the loyalty programme (and
    whose name for the service); the engine returned runs the policy without loyalty.
    Returns the loyalty acquisition's id."""
    before = pp.Engine(BEFORE, store=store, clock=clock)
    s = before.register_subject("user-1")
    before.acquire(s, items={"name"}, purposes="service", channel="web")
    loyalty = before.acquire(s, items={"email", "points"}, purposes="loyalty", channel="web")
    if also_service:
        before.acquire(s, items={"email"}, purposes="service", channel="web")
    clock.advance(timedelta(days=70))  # 19 June 2026, after the revision
    return pp.Engine(AFTER, store=store, clock=clock), s, loyalty.id


def test_r_acc_1_data_kept_only_for_a_dropped_purpose_is_due(store: Store) -> None:
    clock = pp.FixedClock(T0)
    engine, s, loyalty = _revised(store, clock)
    [entry] = engine.retention_report()
    assert entry.subject_id == s.id and entry.acquisition_id == loyalty
    assert entry.items == {"email", "points"} and entry.legal_hold == frozenset()
    assert "loyalty" in entry.reason and "no longer declared" in entry.reason
    # The policy that dropped the purpose took effect on its revision day: due since its
    # first instant, in the policy's time zone.
    assert entry.due_since == datetime(2026, 6, 1, tzinfo=JST)
    assert entry.due_since <= clock.now()


def test_r_acc_1_data_acquired_after_the_revision_day_is_due_from_its_acquisition(
    store: Store,
) -> None:
    """An engine still running the old policy recorded data after the new one's
    revision day: it falls due when acquired, not before it existed."""
    clock = pp.FixedClock(datetime(2026, 6, 5, 12, 0, tzinfo=JST))
    before = pp.Engine(BEFORE, store=store, clock=clock)
    s = before.register_subject("user-1")
    late = before.acquire(s, items={"points"}, purposes="loyalty", channel="web")
    clock.advance(timedelta(days=1))
    [entry] = pp.Engine(AFTER, store=store, clock=clock).retention_report()
    assert entry.acquisition_id == late.id and entry.due_since == late.acquired_at


def test_r_acc_1_an_item_a_declared_purpose_still_holds_stays_needed(store: Store) -> None:
    """The e-mail was also collected for the service (kept while needed): only the
    points, held for loyalty alone, are due."""
    engine, s, loyalty = _revised(store, pp.FixedClock(T0), also_service=True)
    [entry] = engine.retention_report()
    assert entry.acquisition_id == loyalty and entry.items == {"points"}
    assert engine.check_use(s, purpose="service", items={"email"}).allowed


def test_r_acc_1_checks_of_dropped_purpose_data_still_deny_other_purposes(
    store: Store,
) -> None:
    """Data collected for loyalty does not become usable for the service or the
    campaign because loyalty was dropped: the checks deny it as before the revision."""
    clock = pp.FixedClock(T0)
    before = pp.Engine(BEFORE, store=store, clock=clock)
    s = before.register_subject("user-1")
    before.acquire(s, items={"name"}, purposes="service", channel="web")
    before.acquire(s, items={"email", "points"}, purposes="loyalty", channel="web")
    then = [
        before.check_use(s, purpose=p, items=i)
        for p, i in (("service", {"email"}), ("campaign", {"points"}))
    ]
    clock.advance(timedelta(days=70))
    after = pp.Engine(AFTER, store=store, clock=clock)
    now = [
        after.check_use(s, purpose=p, items=i)
        for p, i in (("service", {"email"}), ("campaign", {"points"}))
    ]
    assert not any(d.allowed for d in then + now)
    assert [[r.key for r in d.why] for d in now] == [[r.key for r in d.why] for d in then]
    assert after.check_use(s, purpose="service", items={"name"}).allowed


def test_r_acc_1_a_consent_does_not_keep_dropped_purpose_data_in_use(store: Store) -> None:
    """As data past its retention, data needed by no declared purpose is due for deletion
    and no longer used, even on the person's consent to another purpose: the checks deny
    exactly what the report lists."""
    clock = pp.FixedClock(T0)
    before = pp.Engine(BEFORE, store=store, clock=clock)
    s = before.register_subject("user-1")
    before.acquire(s, items={"points"}, purposes="loyalty", channel="web")
    before.grant_consent(s, purpose="campaign", evidence=pp.Evidence("web", "form-1"))
    assert before.check_use(s, purpose="campaign", items={"points"}).allowed
    clock.advance(timedelta(days=70))
    after = pp.Engine(AFTER, store=store, clock=clock)
    [entry] = after.retention_report()
    assert entry.items == {"points"}
    d = after.check_use(s, purpose="campaign", items={"points"})
    assert not d.allowed and [r.key for r in d.why] == ["retention_passed"]
    assert d.why[0].params["since"] == REVISED.isoformat()
