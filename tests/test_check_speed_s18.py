"""The shortcuts a check takes for speed give exactly the decisions of the plain rules.

Session 18 made a check skip what cannot touch its answer: the restriction walk for a
person who has no restriction, the search for a change in effect for a purpose that never
changed, and validating an instant the clock gave with a fixed offset already. Each test
holds a shortcut to the rule it stands in for: the use rules with the shortcuts are
compared, decision by decision (reasons, citations, consents), with the same rules whose
shortcuts are replaced by the code they had before, over every purpose, every set of
one or two items and people with and without restrictions, consents and acquisitions,
before and after a purpose's change.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

import pipolicy as pp
from pipolicy.clock import instant
from pipolicy.domain.decisions import Basis, Decision, Reason
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.restrictions import Restriction
from pipolicy.policy.model import Policy, Purpose
from pipolicy.rules import reasons as R
from pipolicy.rules import use
from pipolicy.rules.common import blocking_restriction, change_in_effect, covering, held_for
from pipolicy.rules.use import UseQuery, decide_use
from tests.factories import T0, make_engine

# -- the rules as they were before the shortcuts ---------------------------------------


def _plain_blocked(
    facts: SubjectFacts, purpose: str, items: frozenset[str], now: datetime, *, exempt: bool
) -> Restriction | None:
    return blocking_restriction(
        facts.restrictions,
        "use",
        purpose,
        items,
        now,
        exempt=exempt,
        acquisitions=facts.acquisitions,
    )


def _plain_changed(
    policy: Policy, facts: SubjectFacts, purpose: Purpose, items: frozenset[str], now: datetime
) -> tuple[str, Reason] | None:
    since = change_in_effect(policy, purpose, now)
    if since is None:
        return None
    before = held_for(facts, purpose.name, now)
    mine = (c for c in facts.consents if c.scope.purpose == purpose.name)
    consented = covering([c for c in mine if c.scope.recipient is None and c.is_active(now)], items)
    if items <= before or consented:
        return R.purpose_changed(purpose.name, since.isoformat())
    return None


# -- people whose facts reach every branch the shortcuts stand before ------------------


def _people() -> tuple[pp.Engine, list[SubjectFacts]]:
    engine, clock = make_engine(at=T0 - timedelta(days=60))
    before = engine.register_subject("before-the-change", category="customer")
    engine.acquire(before, items={"email"}, purposes={"research"}, channel="web")
    clock.advance(timedelta(days=60))  # past research's change beyond relevance
    plain = engine.register_subject("plain", category="customer")
    engine.acquire(plain, items={"name", "email"}, purposes={"service"}, channel="web")
    consented = engine.register_subject("consented", category="customer")
    engine.acquire(
        consented, items={"name", "email"}, purposes={"service", "research"}, channel="web"
    )
    engine.grant_consent(consented, purpose="newsletter")
    engine.grant_consent(consented, purpose="research")
    engine.grant_consent(consented, recipient="partner", items={"email"})
    nobody = engine.register_subject("nothing-acquired", category="customer")
    restricted = []
    for kind in (
        pp.RestrictionKind.SUSPEND_USE,
        pp.RestrictionKind.SUSPEND_PROVISION,
        pp.RestrictionKind.DELETED,
    ):
        s = engine.register_subject(f"restricted-{kind.value}", category="customer")
        engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
        engine.grant_consent(s, purpose="newsletter")
        with engine.store.unit_of_work() as uow:
            uow.restrictions.add(
                Restriction(f"r-{kind.value}", s.id, kind, clock.now(), request_id="req-1")
            )
            uow.commit()
        restricted.append(s)
    clock.advance(timedelta(seconds=1))
    subjects = [before, plain, consented, nobody, *restricted]
    with engine.store.unit_of_work(read_only=True) as uow:
        found = [uow.facts(s.id, ended_consents=False) for s in subjects]
    return engine, [f for f in found if f is not None]


def _questions(policy: Policy) -> Iterator[UseQuery]:
    for name, purpose in policy.purposes.items():
        items = sorted(purpose.all_items | {"email"})
        for n in (1, 2):
            for chosen in itertools.combinations(items, n):
                yield UseQuery(name, frozenset(chosen))
        yield UseQuery(
            name,
            frozenset(items[:1]),
            exemption=pp.Exemption.LAWS_AND_REGULATIONS,
            justification="order 2026-9",
        )


def _same(a: Decision, b: Decision) -> bool:
    return (
        a == b
        and a.why == b.why
        and [dict(r.params) for r in a.why] == [dict(r.params) for r in b.why]
    )


def test_r_use_1_a_check_with_its_shortcuts_decides_as_the_plain_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, everyone = _people()
    policy = engine.policy
    assert any(p.changes for p in policy.purposes.values())  # both sides of the shortcut
    assert any(f.restrictions for f in everyone) and any(not f.restrictions for f in everyone)
    nows = [T0 + timedelta(seconds=2), T0 - timedelta(days=60), T0 + timedelta(days=400)]
    cases = [(f, q, now) for f in everyone for q in _questions(policy) for now in nows]
    fast = [decide_use(policy, f, q, now) for f, q, now in cases]
    monkeypatch.setattr(use, "_blocked", _plain_blocked)
    monkeypatch.setattr(use, "_changed", _plain_changed)
    plain = [decide_use(policy, f, q, now) for f, q, now in cases]
    different = [
        (c[1], a, b) for c, a, b in zip(cases, fast, plain, strict=True) if not _same(a, b)
    ]
    assert not different
    # The comparison reaches allowed and denied decisions, and the shortcuts' branches.
    keys = {r.key for d in fast for r in d.why}
    assert {"within_purpose", "prior_consent", "beyond_purpose", "use_suspended"} <= keys
    assert "purpose_changed" in keys


@pytest.mark.parametrize("action", ["use", "provision", "entrustment"])
def test_r_req_7_a_person_with_no_restriction_is_blocked_by_none(action: str) -> None:
    """What provision's shortcut (no walk without restrictions) stands in for."""
    for items in (frozenset({"email"}), frozenset({"name", "email"})):
        assert blocking_restriction((), action, "service", items, T0, recipient="partner") is None
        assert blocking_restriction((), action, None, items, T0, exempt=True, recipient="x") is None


class _Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


class _Later(datetime):
    """A datetime subclass, as some libraries return: taken through instant()."""


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 4, 1, 9, tzinfo=timezone.utc),
        datetime(2026, 4, 1, 9, tzinfo=timezone(timedelta(hours=9))),
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),
        datetime(2026, 4, 1, 9, tzinfo=ZoneInfo("Asia/Tokyo")),
        _Later(2026, 4, 1, 9, tzinfo=timezone.utc),
    ],
)
def test_engine_now_is_the_clocks_instant_as_instant_makes_it(at: datetime) -> None:
    engine, _ = make_engine()
    engine.clock = _Clock(at)
    got = engine.now()
    want = instant(at, "clock.now()")
    assert got == want and got.utcoffset() == want.utcoffset()
    assert isinstance(got.tzinfo, timezone)


def test_engine_now_still_refuses_a_naive_clock() -> None:
    engine, _ = make_engine()
    engine.clock = _Clock(datetime(2026, 4, 1, 9))
    with pytest.raises(pp.InvalidInput, match="naive"):
        engine.now()


def test_r_use_1_shared_decisions_keep_apart_what_their_context_names() -> None:
    """Decisions are shared by their key: a name as the purpose is not the same name as
    the recipient, nor one basis another, nor a reason with other parameters."""
    why = R.beyond_purpose("service")
    as_purpose = Decision.deny((why,), ("c",), action="use", purpose="x")
    as_recipient = Decision.deny((why,), ("c",), action="use", recipient="x")
    assert (as_purpose.purpose, as_purpose.recipient) == ("x", None)
    assert (as_recipient.purpose, as_recipient.recipient) == (None, "x")
    by_notice = Decision.allow(Basis.NOTIFIED_PURPOSE, "ok", ("c",), purpose="x")
    by_consent = Decision.allow(Basis.CONSENT, "ok", ("c",), purpose="x")
    assert by_notice.basis is Basis.NOTIFIED_PURPOSE and by_consent.basis is Basis.CONSENT
    assert Decision.deny((why,), ("c",), action="use", purpose="x") is as_purpose


def test_r_use_1_a_reason_keeps_the_hash_an_equal_reason_has() -> None:
    a = Reason("k", {"purpose": "service"}, ("R-USE-1",))
    b = Reason("k", {"purpose": "other"}, ("R-USE-1",))  # params take no part in the hash
    assert hash(a) == hash(a) == hash(Reason("k", {}, ("R-USE-1",))) == hash(b)
    assert hash(Reason("k2", {}, ("R-USE-1",))) != hash(a) or Reason("k2") != a
