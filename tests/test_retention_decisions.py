"""Data past the retention its policy sets is neither used nor provided (R-ACC-1, Art. 22).

Art. 22 asks a business to delete personal data without delay once its use is no longer
necessary, and the policy declares when that is (a purpose's ``retention``, counted from
collection, from the person leaving or from the purpose's last day). The retention
report lists such data as due for deletion; a check must not answer "allowed" for the
same data. Data still kept under a legal retention duty (``legal_retention``) is kept,
not usable again: only for the purpose that declares the duty, by a successor that takes
the duty over, or as the law requires (an exemption, Art. 18(3)(i)).

Every test runs on the memory and the SQLite backends, which keep a compiled state per
person: a retention counted from the person leaving needs ``mark_left`` in that state,
and one counted from collection the latest acquisition.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipolicy as pp
from pipolicy.domain.facts import SubjectFacts, compact
from pipolicy.requests.investigation import FindingKind, investigate_records
from pipolicy.retention import RetentionEntry, past_retention
from pipolicy.rules.common import kept_items
from pipolicy.rules.retention import lapsed, lapsed_reasons
from pipolicy.rules.use import UseQuery, decide_use
from pipolicy.storage.repositories import Store
from tests.factories import T0, make_policy
from tests.stores import BACKENDS, open_backend

DAY = timedelta(days=1)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


def _policy() -> pp.Policy:
    """make_policy's purposes, and: ``member`` kept 1 year after the person leaves,
    ``billing`` kept 1 year after leaving and 7 years under the Corporation Tax Act."""
    base = make_policy()
    purposes = {
        **base.purposes,
        "member": pp.Purpose("member", items={"name", "email", "phone"}, retention="1 year"),
        "billing": pp.Purpose(
            "billing",
            items={"name", "tax_record"},
            retention="1 year",
            legal_retention="Corporation Tax Act Art. 126",
            legal_retention_period="7 years",
        ),
        # An item's own duty (tax_record, make_policy) names no purpose of its own.
        "receipts": pp.Purpose(
            "receipts", items={"tax_record"}, retention="30 days", retention_from="collection"
        ),
    }
    recipients = {
        **base.recipients,
        "tax_office": pp.Recipient("tax_office", kind=pp.RecipientKind.PUBLIC_AUTHORITY),
    }
    return make_policy(purposes=purposes, recipients=recipients)


def _engine(store: Store, at: datetime = T0) -> tuple[pp.Engine, pp.FixedClock]:
    clock = pp.FixedClock(at)
    return pp.Engine(_policy(), store=store, clock=clock), clock


def _keys(d: pp.Decision) -> list[str]:
    return [r.key for r in d.why]


def _reported(engine: pp.Engine) -> set[str]:
    """Every item the retention report lists, due for deletion or held for the law."""
    found: set[str] = set()
    for e in engine.retention_report():
        found |= e.items | e.legal_hold
    return found


def test_r_acc_1_use_denied_past_retention(store: Store) -> None:
    """Newsletter data is kept 30 days from collection: on day 31 the report lists it
    and every check denies it, naming Art. 22; the denial is recorded."""
    engine, clock = _engine(store)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    # Collected at 09:00 on 1 April in Tokyo: that day is not counted (Civil Code Art.
    # 140), so the 30 days run 2 April to 1 May and end at its midnight (Art. 141).
    due = datetime(2026, 5, 2, 0, 0, tzinfo=T0.tzinfo)
    clock.set(due - timedelta(seconds=1))
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    assert engine.retention_report() == []

    clock.set(due)
    assert _reported(engine) == {"email"}
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert not d.allowed
    assert _keys(d) == ["retention_passed"]
    assert "APPI Art. 22" in d.citations and "R-ACC-1" in d.rules
    assert "2026-05-02" in d.reasons[0]  # due since 2 May, in Tokyo
    with pytest.raises(pp.UseDenied):
        engine.use(s, purpose="newsletter", items={"email"})
    assert [e.kind for e in engine.audit_events()][-1] == "use.denied"
    [batch] = engine.check_use_many([pp.UseCheck(s, purpose="newsletter", items={"email"})])
    assert batch == d
    assert list(engine.allowed_subjects(purpose="newsletter", items={"email"})) == []


def test_r_acc_1_consent_does_not_reopen_data_past_retention(store: Store) -> None:
    engine, clock = _engine(store)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    engine.grant_consent(s, purpose="research")
    assert engine.check_use(s, purpose="research", items={"email"}).allowed
    clock.set(T0 + 31 * DAY)
    d = engine.check_use(s, purpose="research", items={"email"})
    assert not d.allowed and _keys(d) == ["retention_passed"]


def test_r_acc_1_use_denied_past_retention_counted_from_leaving(store: Store) -> None:
    """``member`` data is kept a year after the person leaves (seed 004 L25): never due
    while they are a customer, due a year after ``mark_left``."""
    engine, clock = _engine(store)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"member"}, channel="web")
    clock.set(T0 + 800 * DAY)
    assert engine.check_use(s, purpose="member", items={"email"}).allowed
    engine.mark_left(s)
    clock.advance(364 * DAY)
    assert engine.check_use(s, purpose="member", items={"email"}).allowed
    assert engine.retention_report() == []
    clock.advance(2 * DAY)
    assert _reported(engine) == {"name", "email"}
    d = engine.check_use(s, purpose="member", items={"name", "email"})
    assert not d.allowed and _keys(d) == ["retention_passed"]


def test_r_acc_1_provision_denied_past_retention(store: Store) -> None:
    """Giving data to someone is handling it for a purpose: past retention, neither a
    consent (Art. 27(1)) nor an entrustment (Art. 27(5)(i)) carries it. Collected on 20
    March 2026, so due (365 days) while the shipping contract is still in force."""
    start = datetime(2026, 3, 20, 9, 0, tzinfo=T0.tzinfo)
    engine, clock = _engine(store, at=start)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"name", "email"})
    partner: dict[str, Any] = {"recipient": "partner", "items": {"email"}, "purpose": "service"}
    shipping: dict[str, Any] = {
        "recipient": "shipping",
        "items": {"name", "address"},
        "purpose": "service",
    }
    assert engine.check_provision(s, **partner).allowed
    assert engine.check_provision(s, **shipping).allowed
    clock.set(start + 365 * DAY - timedelta(seconds=1))  # 20 March 2027, 08:59:59
    assert engine.check_provision(s, **partner).allowed  # the period has its last day
    # Service: 365 days from collection, 21 March 2026 to 20 March 2027 (the day of
    # collection is not counted, Civil Code Art. 140), ending at midnight.
    clock.set(datetime(2027, 3, 21, 0, 0, tzinfo=T0.tzinfo))
    for asked in (partner, shipping):
        d = engine.check_provision(s, **asked)
        assert not d.allowed and _keys(d) == ["retention_passed"], d.reasons
        assert "APPI Art. 22" in d.citations
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(s, **partner)
    # The law still reaches what is there (Art. 27(1)(i)), until it is deleted.
    ordered = engine.check_provision(
        s,
        recipient="court",
        items={"email"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification="order 2027-1",
    )
    assert ordered.allowed and ordered.basis is pp.Basis.EXEMPTION


def test_r_acc_1_an_exemption_reaches_data_past_retention(store: Store) -> None:
    """As for a purpose that has ended: an exemption lifts the limit of the purposes
    (Art. 18(3)), and data not yet deleted is there for a court order to reach."""
    engine, clock = _engine(store)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    clock.set(T0 + 40 * DAY)
    d = engine.check_use(
        s,
        purpose="newsletter",
        items={"email"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification="court order 2026-77",
    )
    assert d.allowed and d.basis is pp.Basis.EXEMPTION


def test_r_acc_1_a_fresh_collection_restarts_a_retention_counted_from_collection(
    store: Store,
) -> None:
    """The person subscribes again on day 20: the data collected then is kept 30 days
    from then. Alike acquisitions (one kept in the compiled state) or not (another
    channel) alike."""
    engine, clock = _engine(store)
    s = engine.register_subject("c1", category="customer")
    t = engine.register_subject("c2", category="customer")
    for who in (s, t):
        engine.acquire(who, items={"email"}, purposes={"newsletter"}, channel="web")
    clock.set(T0 + 20 * DAY)
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    engine.acquire(t, items={"email"}, purposes={"newsletter"}, channel="email")
    clock.set(T0 + 35 * DAY)
    for who in (s, t):
        assert engine.check_use(who, purpose="newsletter", items={"email"}).allowed
    assert engine.retention_report() == []
    # Collected again on 21 April: 30 days from 22 April, through 21 May.
    clock.set(datetime(2026, 5, 21, 23, 59, tzinfo=T0.tzinfo))
    for who in (s, t):
        assert engine.check_use(who, purpose="newsletter", items={"email"}).allowed
    clock.set(datetime(2026, 5, 22, 0, 0, tzinfo=T0.tzinfo))
    for who in (s, t):
        d = engine.check_use(who, purpose="newsletter", items={"email"})
        assert not d.allowed and _keys(d) == ["retention_passed"]
        assert "2026-05-22" in d.reasons[0]
    assert {e.subject_id for e in engine.retention_report()} == {s.id, t.id}


def test_r_acc_1_an_item_another_purpose_still_needs_stays_usable(store: Store) -> None:
    """Only what every acquisition of it keeps past retention is denied: the email also
    collected for a member (kept while they are a customer) is used, the report agrees."""
    engine, clock = _engine(store)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    engine.acquire(s, items={"name", "email"}, purposes={"member"}, channel="web")
    engine.grant_consent(s, purpose="research")
    clock.set(T0 + 60 * DAY)
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    assert engine.check_use(s, purpose="research", items={"email"}).allowed
    assert engine.retention_report() == []


def test_r_acc_1_data_under_a_legal_duty_is_used_only_for_the_duty(store: Store) -> None:
    """``billing`` data is due a year after the person leaves but kept 7 years under the
    Corporation Tax Act (seed 004 L25 "storage period prescribed by the law"; seed 001
    L162): the report holds it for the law; only billing itself, the purpose that
    declares the duty, may use it, and the law through an exemption. Once the duty
    has ended, billing may not either."""
    engine, clock = _engine(store)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "tax_record"}, purposes={"billing"}, channel="web")
    engine.acquire(s, items={"name", "email"}, purposes={"member"}, channel="web")
    engine.grant_consent(s, purpose="research")
    clock.set(T0 + 10 * DAY)
    engine.mark_left(s)
    clock.set(T0 + 400 * DAY)
    [entry_billing, entry_member] = sorted(engine.retention_report(), key=lambda e: e.reason)
    assert entry_billing.legal_hold == {"name", "tax_record"} and not entry_billing.items
    # The member's copy of the name is due; the billing one is held for the law.
    assert entry_member.items == {"name", "email"} and not entry_member.legal_hold

    assert engine.check_use(s, purpose="billing", items={"name", "tax_record"}).allowed
    d = engine.check_use(s, purpose="member", items={"name"})
    assert not d.allowed and _keys(d) == ["legal_hold_only"]
    d = engine.check_use(s, purpose="member", items={"name", "email"})
    assert not d.allowed and _keys(d) == ["retention_passed", "legal_hold_only"]
    assert engine.check_use(
        s,
        purpose="member",
        items={"name"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification="tax audit 2027-3",
    ).allowed

    clock.set(T0 + 7 * 366 * DAY)  # billing's duty has ended, tax_record's own has not
    d = engine.check_use(s, purpose="billing", items={"name"})
    assert not d.allowed and _keys(d) == ["retention_passed"]
    d = engine.check_use(s, purpose="billing", items={"tax_record"})
    assert not d.allowed and _keys(d) == ["legal_hold_only"]
    assert _reported(engine) == {"name", "email", "tax_record"}


def test_r_acc_1_an_items_own_duty_has_no_purpose_to_use_it_for(store: Store) -> None:
    """tax_record's duty is declared on the item, for no purpose: past the receipts'
    30 days it is kept for the law and reached only through an exemption."""
    engine, clock = _engine(store)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"tax_record"}, purposes={"receipts"}, channel="web")
    clock.set(T0 + 31 * DAY)
    [entry] = engine.retention_report()
    assert entry.legal_hold == {"tax_record"}
    d = engine.check_use(s, purpose="receipts", items={"tax_record"})
    assert not d.allowed and _keys(d) == ["legal_hold_only"]


def test_r_acc_1_a_successor_takes_over_data_kept_for_the_law_not_the_rest(
    store: Store,
) -> None:
    """A successor takes the business over with its legal duties (Art. 27(5)(ii)): what
    the law obliges keeping goes with it; what is due for deletion does not."""
    engine, clock = _engine(store)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "tax_record"}, purposes={"billing"}, channel="web")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    clock.set(T0 + 10 * DAY)
    engine.mark_left(s)
    clock.set(T0 + 400 * DAY)
    d = engine.check_provision(s, recipient="buyer", items={"name", "tax_record"})
    assert d.allowed and d.basis is pp.Basis.BUSINESS_SUCCESSION
    d = engine.check_provision(s, recipient="buyer", items={"email"})
    assert not d.allowed and _keys(d) == ["retention_passed"]


# -- one definition: the checks deny what the report lists, on any history ---------------

_ITEMS = ["a", "b", "c"]


@st.composite
def _policies(draw: st.DrawFn) -> pp.Policy:
    """Purposes with every kind of retention (none, from collection, from leaving, from
    the last day; a last day alone), some with a legal duty, and an item with its own."""
    purposes = {}
    for n in range(draw(st.integers(1, 4))):
        ends = draw(st.none() | st.just(T0.date() + timedelta(days=draw(st.integers(0, 60)))))
        start = draw(st.sampled_from(["collection", "left", "purpose_ended"]))
        if ends is None and start == "purpose_ended":
            start = "left"
        period = draw(st.none() | st.sampled_from(["10 days", "1 month", "100 days"]))
        duty = draw(st.booleans())
        purposes[f"p{n}"] = pp.Purpose(
            f"p{n}",
            items=draw(st.sets(st.sampled_from(_ITEMS), min_size=1)),
            retention=period,
            retention_from=start,
            ends=ends,
            legal_retention="a statute" if duty else None,
            legal_retention_period=draw(st.none() | st.just("60 days")) if duty else None,
        )
    items = {i: pp.DataItem(i) for i in _ITEMS}
    items["c"] = pp.DataItem("c", legal_retention="another statute")
    return make_policy(items=items, purposes=purposes, recipients={}, joint_uses={})


@st.composite
def _histories(draw: st.DrawFn, policy: pp.Policy) -> tuple[SubjectFacts, datetime]:
    """A person's whole history (acquisitions in the order made, alike ones repeated, some
    for ``gone``, a purpose the policy no longer declares; a deletion, leaving) and a
    moment after it."""
    days = sorted(draw(st.lists(st.integers(0, 120), min_size=1, max_size=8)))
    acquisitions = []
    for n, day in enumerate(days):
        acquisitions.append(
            pp.Acquisition(
                f"a{n}",
                "s1",
                frozenset(draw(st.sets(st.sampled_from(_ITEMS), min_size=1))),
                frozenset(
                    draw(st.sets(st.sampled_from([*sorted(policy.purposes), "gone"]), min_size=1))
                ),
                draw(st.sampled_from([pp.Channel.WEB, pp.Channel.EMAIL])),
                "form",
                T0 + day * DAY,
                "v1",
            )
        )
    restrictions = []
    writes = [days[-1]]
    if draw(st.booleans()):
        deleted = draw(st.integers(0, 120))
        writes.append(deleted)
        restrictions.append(
            pp.Restriction(
                "r1",
                "s1",
                pp.RestrictionKind.DELETED,
                T0 + deleted * DAY,
                "req-1",
                items=frozenset(draw(st.sets(st.sampled_from(_ITEMS)))),
            )
        )
    left = draw(st.none() | st.integers(0, 150))
    subject = pp.Subject(
        "s1", "c1", T0, "customer", left_at=None if left is None else T0 + left * DAY
    )
    if left is not None:
        writes.append(left)
    # From the person's latest write on, as time runs: the compiled state answers for
    # those moments only (a clock set back before a record finds it only in the history;
    # see ``compact``).
    now = T0 + draw(st.integers(max(writes), 400)) * DAY
    return SubjectFacts(subject, tuple(acquisitions), (), tuple(restrictions)), now


def _report(policy: pp.Policy, history: SubjectFacts, now: datetime) -> list[RetentionEntry]:
    """The report as the engine builds it: every acquisition of the history, read against
    the person's compiled state."""
    state = compact(history)
    found = (past_retention(policy, state, a, now) for a in history.acquisitions)
    return [e for e in found if e is not None]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_r_acc_1_the_checks_deny_exactly_what_the_report_lists(data: st.DataObject) -> None:
    """Items a check finds past retention are the items the report lists (due or held
    for the law), and those it keeps for the law are the report's ``legal_hold``; the
    compiled state answers as the whole history does."""
    policy = data.draw(_policies())
    history, now = data.draw(_histories(policy))
    state = compact(history)
    held = state.held_items
    entries = _report(policy, history, now)
    listed = {i for e in entries for i in e.items | e.legal_hold}
    for_law = {i for e in entries for i in e.legal_hold}

    assert lapsed(policy, state, held, now) == listed
    assert lapsed(policy, history, held, now) == listed
    why = lapsed_reasons(policy, state, held, now, purpose=None)
    said = {r.key: set(r.params["items"]) for r in (b[1] for b in why)}
    assert said.get("retention_passed", set()) == listed - for_law
    assert said.get("legal_hold_only", set()) == for_law
    for purpose in policy.purposes:
        for successor in (False, True):
            from_state = lapsed_reasons(
                policy, state, held, now, purpose=purpose, successor=successor
            )
            from_history = lapsed_reasons(
                policy, history, held, now, purpose=purpose, successor=successor
            )
            assert from_state == from_history
    # Item by item, as a check asks: denied exactly when listed.
    for item in held:
        assert bool(lapsed(policy, state, frozenset({item}), now)) == (item in listed)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_r_acc_1_a_use_check_denies_for_retention_what_the_report_lists(
    data: st.DataObject,
) -> None:
    """The same through decide_use: a use of one held item for a purpose it was collected
    for is never allowed once the report lists the item, unless a duty that purpose
    declares keeps it, and never denied for retention while the report does not."""
    policy = data.draw(_policies())
    history, now = data.draw(_histories(policy))
    state = compact(history)
    entries = _report(policy, history, now)
    listed = {i for e in entries for i in e.items | e.legal_hold}
    retention_keys = {"retention_passed", "legal_hold_only"}
    for acq in state.acquisitions:
        for item in kept_items(acq, state.restrictions, now):
            for purpose in acq.purposes & policy.purposes.keys():
                if item not in policy.purposes[purpose].all_items:
                    continue
                d = decide_use(policy, state, UseQuery(purpose, frozenset({item})), now)
                keys = {r.key for r in d.why}
                if item not in listed:
                    assert not keys & retention_keys
                elif not policy.purposes[purpose].legal_retention:
                    assert not d.allowed  # for retention, or a reason found before


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_r_acc_1_the_investigation_finds_no_longer_needed_what_the_report_lists(
    data: st.DataObject,
) -> None:
    """A deletion or suspension request's investigation (which reads the whole history)
    finds past retention, acquisition by acquisition, the items the report lists (which
    reads the compiled state): those due for deletion as no longer needed, those held for
    the law as kept for it (R-REQ-7, Art. 35(5))."""
    policy = data.draw(_policies())
    history, now = data.draw(_histories(policy))
    reported = _report(policy, history, now)
    findings = investigate_records(policy, history, [], [], now)
    # An acquisition for no purpose the policy declares is due at once and the report
    # lists it; with no basis recorded it is an import, which the investigation finds
    # improperly acquired instead (R-USE-1), a ground of its own.
    declared = {a.id for a in history.acquisitions if a.purposes & policy.purposes.keys()}
    entries = [e for e in reported if e.acquisition_id in declared]
    improper = {f.evidence for f in findings if f.kind is FindingKind.IMPROPER_ACQUISITION}
    assert {f"acquisition:{e.acquisition_id}" for e in reported if e not in entries} <= improper
    found = [f for f in findings if f.kind is FindingKind.NO_LONGER_NEEDED and f.rule == "R-ACC-1"]

    def pairs(for_law: bool) -> set[tuple[str, str]]:
        return {
            (f.evidence.removeprefix("acquisition:"), i)
            for f in found
            if (f.note == "kept_for_law") == for_law
            for i in f.items
        }

    assert pairs(False) == {(e.acquisition_id, i) for e in entries for i in e.items}
    assert pairs(True) == {(e.acquisition_id, i) for e in entries for i in e.legal_hold}
    assert {f.at for f in found} <= {e.due_since for e in entries}


def test_r_acc_1_a_remembered_due_is_the_one_counted_for_the_same_question() -> None:
    """Policy.retention_due remembers its answers: one instant written with two offsets
    gets back each its own (the answer may be the acquisition's instant itself), and a
    later leaving moves the due as counting it would."""
    policy = _policy()
    survey = pp.Purpose("survey", items={"email"}, ends=T0.date())
    policy = make_policy(purposes={**policy.purposes, "survey": survey})
    at = T0 + 5 * DAY
    in_utc = at.astimezone(timezone.utc)
    assert policy.retention_due({"survey"}, at) == at
    again, once_more = (
        policy.retention_due({"survey"}, in_utc),
        policy.retention_due({"survey"}, at),
    )
    assert again is not None and again.tzinfo is timezone.utc
    assert once_more is not None and once_more.utcoffset() == timedelta(hours=9)
    left = T0 + 100 * DAY
    assert policy.retention_due({"member"}, at) is None
    # Left at 09:00 on 10 July 2026: a year from 11 July, through 10 July 2027.
    assert policy.retention_due({"member"}, at, left) == datetime(
        2027, 7, 11, 0, 0, tzinfo=T0.tzinfo
    )
    assert policy.retention_due(["member"], at, left) == policy.retention_due({"member"}, at, left)


def test_r_acc_1_a_remembered_due_tells_apart_times_in_a_repeated_hour() -> None:
    """01:30 on 2 November 2025 in New York happened twice (``fold`` 0 and 1, an hour
    apart), yet the two compare and hash equal: a remembered answer for one must not be
    given for the other. A period ends at the end of its last day (Civil Code Art. 141),
    so both are due at the same midnight, each counted as a fresh policy counts it."""
    ny = ZoneInfo("America/New_York")
    first = datetime(2025, 11, 2, 1, 30, tzinfo=ny)
    second = first.replace(fold=1)
    assert first == second and hash(first) == hash(second)
    policy = _policy()
    due_first = policy.retention_due({"receipts"}, first)
    due_second = policy.retention_due({"receipts"}, second)
    assert due_second == _policy().retention_due({"receipts"}, second)  # counted afresh
    assert due_first == _policy().retention_due({"receipts"}, first)
    assert due_first is not None and due_second is not None
    assert due_second == due_first and due_first.astimezone(policy.tz).time() == time(0)


def test_r_use_10_r_acc_1_a_purpose_two_services_share_is_kept_while_either_needs_it(
    store: Store,
) -> None:
    """``support`` serves the shop (kept 1 year from collection) and the members' club
    (kept 30 days after the member leaves). A member who has not left still needs it for
    the club, however long ago it was collected: Art. 22 makes data due only once no use
    needs it, so the later of the services' retentions decides, not the longer period."""
    base = make_policy()
    support = pp.Purpose("support", items={"email"})
    services = {
        "shop": pp.Service(
            "shop",
            purposes={"support"},
            responsible="Shop manager",
            retention="1 year",
            retention_from="collection",
        ),
        "club": pp.Service(
            "club", purposes={"support"}, responsible="Club manager", retention="30 days"
        ),
    }
    policy = make_policy(purposes={**base.purposes, "support": support}, services=services)
    clock = pp.FixedClock(T0)
    engine = pp.Engine(policy, store, clock=clock)
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"support"}, channel="web")
    clock.set(T0 + 400 * DAY)  # past the shop's year; the member is still a member
    assert engine.check_use(s, purpose="support", items={"email"}).allowed
    assert engine.retention_report() == []
    engine.mark_left(s)
    # Left on 6 May 2027: 30 days from 7 May, through 5 June; past the year too.
    clock.set(datetime(2027, 6, 6, 0, 0, tzinfo=T0.tzinfo))
    d = engine.check_use(s, purpose="support", items={"email"})
    assert not d.allowed and _keys(d) == ["retention_passed"]
    assert [e.items for e in engine.retention_report()] == [frozenset({"email"})]
