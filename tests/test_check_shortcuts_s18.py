"""The shortcuts a check takes (session 18) give the decisions the plain rules give.

A check skips what cannot speak for the person or the policy at hand: the restriction
lookup for a person who asked nothing (R-REQ-7), a purpose's last-day and change
questions where it has none (R-ACC-1, R-USE-3, R-CON-3), the Individual Number set where
the policy declares none (R-MYN-1), an item-by-item walk for personally referable data
(R-PRI-1, one set test when every item is known), and the clock's validation where it
gave a fixed-offset instant. Each test here compares the shortcut with the plain path.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipolicy as pp
from pipolicy.clock import instant
from pipolicy.domain.facts import SubjectFacts
from pipolicy.rules.common import (
    blocking_restriction,
    change_in_effect,
    purpose_over,
    unnotified_change,
)
from pipolicy.rules.provision import ProvisionQuery, _referable_only, decide_provision
from pipolicy.rules.use import UseQuery, decide_use
from tests.factories import T0
from tests.test_properties import ops, play, policies, queries

EXAMPLES = sorted(
    p.stem
    for p in pp.example_policy_path("indigo_blue").parent.glob("*.toml")
    if not p.stem.endswith("_as_written")
)
LATER = [T0, T0 + timedelta(days=400), T0 + timedelta(days=3000)]


class _Asked(tuple):  # type: ignore[type-arg]
    """A person's restrictions that always count as some: the plain path, which walks
    them (none) instead of skipping the lookup."""

    def __bool__(self) -> bool:
        return True


def _facts(engine: pp.Engine, s: pp.Subject) -> SubjectFacts:
    with engine.store.unit_of_work(read_only=True) as uow:
        facts = uow.facts(s.id, ended_consents=False)
    assert facts is not None
    return facts


def _plain(facts: SubjectFacts) -> SubjectFacts:
    return attrs.evolve(facts, restrictions=_Asked(facts.restrictions))


def _same(a: pp.Decision, b: pp.Decision) -> None:
    assert a == b
    assert a.why == b.why  # not part of equality: the reasons as values, compared too


@settings(max_examples=120, deadline=None)
@given(policies(), ops, queries)
def test_r_req_7_a_person_without_restrictions_is_decided_as_the_plain_path_decides(
    policy: pp.Policy, history: Any, qs: Any
) -> None:
    engine, s = play(policy, history)
    now = engine.now()
    facts = _facts(engine, s)
    assert not facts.restrictions
    purposes = sorted(policy.purposes)
    recipients = sorted(policy.recipients)
    for use, n, items in qs:
        items = frozenset(items)
        if use:
            uq = UseQuery(purposes[n % len(purposes)], items)
            fast = decide_use(policy, facts, uq, now)
            _same(fast, decide_use(policy, _plain(facts), uq, now))
            _same(fast, engine.check_use(s, purpose=uq.purpose, items=items))
        else:
            rec = policy.recipients[recipients[n % len(recipients)]]
            pq = ProvisionQuery(rec.name, items, sorted(rec.purposes)[0])
            fast = decide_provision(policy, facts, pq, now)
            _same(fast, decide_provision(policy, _plain(facts), pq, now))
            _same(
                fast,
                engine.check_provision(s, recipient=rec.name, items=items, purpose=pq.purpose),
            )


@pytest.mark.parametrize("name", EXAMPLES)
def test_r_acc_1_r_use_3_a_purpose_without_a_last_day_or_changes_has_nothing_to_say(
    name: str,
) -> None:
    """What use.within_purpose skips for such a purpose answers nothing, at any date."""
    policy = pp.example_policy(name)
    for purpose, at in itertools.product(policy.purposes.values(), LATER):
        if purpose.ends is None:
            assert purpose_over(policy, purpose, at) is None
        if not purpose.changes:
            assert unnotified_change(policy, purpose, at) is None
            assert change_in_effect(policy, purpose, at) is None


@pytest.mark.parametrize("name", EXAMPLES)
def test_r_req_7_no_restriction_blocks_anything(name: str) -> None:
    policy = pp.example_policy(name)
    items = frozenset(policy.items)
    for action, exempt, at in itertools.product(
        ("use", "provision", "entrustment"), (False, True), LATER
    ):
        for purpose in (None, *policy.purposes):
            for recipient in (None, *policy.recipients):
                found = blocking_restriction(
                    (), action, purpose, items, at, exempt=exempt, recipient=recipient
                )
                assert found is None


def _walked(policy: pp.Policy, facts: SubjectFacts, items: frozenset[str]) -> bool:
    """The plain test: item by item."""
    return not any(policy.items[i].identifies for i in items | facts.held_items)


@pytest.mark.parametrize("name", EXAMPLES)
def test_r_pri_1_referable_only_as_item_by_item(name: str) -> None:
    policy = pp.example_policy(name)
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    s = engine.register_subject("s")
    facts = _facts(engine, s)
    names = sorted(policy.items)
    referable = sorted(policy.referable_items)
    some = [frozenset(c) for n in (1, 2) for c in itertools.combinations(names, n)]
    some += [frozenset(referable), frozenset(referable[:1])]
    for given_items, held in itertools.product(some, [frozenset(), *some[:12]]):
        acquired = attrs.evolve(
            facts,
            acquisitions=tuple(attrs.evolve(a, items=held) for a in facts.acquisitions[:1]),
        )
        if held and not acquired.acquisitions:
            continue  # the person holds nothing: the empty case covers it
        assert _referable_only(policy, acquired, given_items) == _walked(
            policy, acquired, given_items
        )


def test_r_pri_1_an_item_the_policy_does_not_know_counts_as_identifying() -> None:
    """A held item a revised policy no longer declares (tests/test_review_lead_s18.py):
    the item by item walk raised KeyError (a StorageError for the caller); the answer
    is now that what is given is not referable information alone (fail closed)."""
    policy = pp.example_policy("indigo_blue")
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    s = engine.register_subject("s")
    facts = _facts(engine, s)
    unknown = frozenset({"no such item"})
    with pytest.raises(KeyError):
        _walked(policy, facts, unknown)
    assert _referable_only(policy, facts, unknown) is False


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc),
        datetime(2026, 12, 4, 9, 0, tzinfo=timezone(timedelta(hours=9))),
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),
        datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")),
    ],
)
def test_the_engine_reads_the_clock_as_instant_does(at: datetime) -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(at))
    now = engine.now()
    plain = instant(at, "clock.now()")
    assert now == plain
    assert now.utcoffset() == plain.utcoffset()
    assert type(now.tzinfo) is type(plain.tzinfo) is timezone


def test_a_clock_giving_a_naive_datetime_still_fails_closed() -> None:
    class Naive:
        def now(self) -> datetime:
            return datetime(2026, 12, 4, 9, 0)

    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=Naive())
    with pytest.raises(pp.InvalidInput, match="naive"):
        engine.now()


@settings(max_examples=60, deadline=None)
@given(st.datetimes(timezones=st.just(timezone(timedelta(hours=-5)))))
def test_the_clock_shortcut_keeps_the_offset_it_was_given(at: datetime) -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(at))
    assert engine.now() is at
