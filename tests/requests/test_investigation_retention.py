"""R-ACC-1 and R-REQ-7: a request's investigation and the checks agree on retention.

A person asking for deletion or suspension of use is owed a true answer to whether the
business still needs their data (Art. 35(5)). The checks and the retention report already
answer that question with one definition (:mod:`pipolicy.rules.retention`); the
investigation must give the same answer at the same instant, or the person is told the
data is still needed while every check already denies its use (or the reverse).

Each scenario is a person's records on a policy written in TOML, with the clock moved
past a retention; the investigation of a deletion and of a suspension request is then
compared with the retention report and with ``check_use`` for the same person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

import pipolicy as pp
from pipolicy.domain.facts import SubjectFacts
from pipolicy.requests import Finding, FindingKind
from pipolicy.requests.investigation import investigate_records
from pipolicy.retention import past_retention
from pipolicy.storage.repositories import Store
from tests.factories import toml_data

from .support import T0, passport, verified

DAY = timedelta(days=1)
TAX = "Corporation Tax Act Art. 126: books and invoices are kept for 7 years"
BOOKS = "Commercial Code Art. 19: accounting records are kept for 10 years"
SURVEY_ENDS = date(2026, 12, 31)

POLICY_TOML = f"""
[policy]
version = "shop-2"
revised = 2026-04-01
languages = ["en", "ja"]

[controller]
name = {{ en = "Example Shop K.K.", ja = "株式会社エグザンプル" }}
address = {{ en = "1-1 Marunouchi, Tokyo", ja = "東京都千代田区丸の内1-1" }}
representative = {{ en = "Jiro Shop, Representative Director", ja = "代表取締役 店次郎" }}
contact = {{ en = "privacy@example.jp", ja = "privacy@example.jp" }}
security_measures.en = ["Order records are encrypted at rest"]
security_measures.ja = ["注文記録は暗号化して保管しています"]

[items.name]
[items.email]
[items.address]
[items.invoice]
legal_retention = {{ en = "{TAX}", ja = "法人税法第126条：帳簿書類は7年間保存" }}

[purposes.service]
items = ["name", "email", "address", "invoice"]   # no period: kept while needed

[purposes.campaign]
items = ["name", "email"]
retention = "30 days"
retention_from = "collection"

[purposes.member]
items = ["name", "email"]
retention = "1 year"                              # counted from the person leaving

[purposes.survey]
items = ["email"]
ends = {SURVEY_ENDS.isoformat()}                           # no period: due once it has ended

[purposes.billing]
items = ["name", "address", "invoice"]
retention = "30 days"
retention_from = "collection"
legal_retention = {{ en = "{BOOKS}", ja = "商法第19条：会計帳簿は10年間保存" }}
legal_retention_period = "10 years"
"""

LOYALTY_TOML = """
[purposes.loyalty]
items = ["email"]
"""


def shop(version: str = "shop-2", *, loyalty: bool = False) -> pp.Policy:
    text = POLICY_TOML.replace('"shop-2"', f'"{version}"')
    return pp.policy_from_dict(toml_data(text + (LOYALTY_TOML if loyalty else "")))


Scenario = Callable[[Store, pp.FixedClock], tuple[pp.Engine, pp.Subject]]


def _person(engine: pp.Engine) -> pp.Subject:
    return engine.register_subject("user-1")


def _delete(engine: pp.Engine, s: pp.Subject, *items: str) -> None:
    """Fulfil a deletion request of ``items`` (all the person's data when none)."""
    details = {"items": list(items)} if items else None
    engine.requests.fulfil(verified(engine, pp.RequestKind.DELETION, s, details=details).id)


def campaign_over(store: Store, clock: pp.FixedClock) -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(shop(), store=store, clock=clock)
    s = _person(engine)
    engine.acquire(s, items={"name", "email"}, purposes={"campaign"}, channel="web")
    clock.advance(31 * DAY)
    return engine, s


def still_served(store: Store, clock: pp.FixedClock) -> tuple[pp.Engine, pp.Subject]:
    """The e-mail is also held for the orders, a purpose kept while needed."""
    engine = pp.Engine(shop(), store=store, clock=clock)
    s = _person(engine)
    engine.acquire(s, items={"name", "email"}, purposes={"campaign"}, channel="web")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    clock.advance(31 * DAY)
    return engine, s


def member_left(store: Store, clock: pp.FixedClock) -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(shop(), store=store, clock=clock)
    s = _person(engine)
    engine.acquire(s, items={"name", "email"}, purposes={"member"}, channel="web")
    clock.advance(100 * DAY)
    engine.mark_left(s)  # 2 March 2027: a year from the 3rd, through 2 March 2028 (a leap year)
    clock.advance(367 * DAY)
    return engine, s


def survey_ended(store: Store, clock: pp.FixedClock) -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(shop(), store=store, clock=clock)
    s = _person(engine)
    engine.acquire(s, items={"email"}, purposes={"survey"}, channel="web")
    clock.advance(60 * DAY)  # past 2026-12-31
    return engine, s


def billing_kept(store: Store, clock: pp.FixedClock) -> tuple[pp.Engine, pp.Subject]:
    """Billing data past its 30 days, kept ten years under the Commercial Code."""
    engine = pp.Engine(shop(), store=store, clock=clock)
    s = _person(engine)
    engine.acquire(s, items={"name", "address", "invoice"}, purposes={"billing"}, channel="web")
    engine.acquire(s, items={"name", "email"}, purposes={"campaign"}, channel="web")
    clock.advance(31 * DAY)
    return engine, s


def partly_deleted(store: Store, clock: pp.FixedClock) -> tuple[pp.Engine, pp.Subject]:
    """The person had the e-mail deleted before the campaign's retention ran out."""
    engine = pp.Engine(shop(), store=store, clock=clock)
    s = _person(engine)
    engine.acquire(s, items={"name", "email"}, purposes={"campaign"}, channel="web")
    clock.advance(DAY)
    _delete(engine, s, "email")
    clock.advance(31 * DAY)
    return engine, s


def back_after_deletion(store: Store, clock: pp.FixedClock) -> tuple[pp.Engine, pp.Subject]:
    """The e-mail held for the orders was deleted; the person came back for a campaign."""
    engine = pp.Engine(shop(), store=store, clock=clock)
    s = _person(engine)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    clock.advance(DAY)
    _delete(engine, s, "email")
    clock.advance(DAY)
    engine.acquire(s, items={"email"}, purposes={"campaign"}, channel="web")
    clock.advance(31 * DAY)
    return engine, s


def loyalty_dropped(store: Store, clock: pp.FixedClock) -> tuple[pp.Engine, pp.Subject]:
    """The e-mail was collected for a loyalty programme the policy has since dropped."""
    before = pp.Engine(shop("shop-1", loyalty=True), store=store, clock=clock)
    s = _person(before)
    before.acquire(s, items={"email"}, purposes={"loyalty"}, channel="web")
    before.acquire(s, items={"name", "email"}, purposes={"campaign"}, channel="web")
    clock.advance(31 * DAY)
    return pp.Engine(shop(), store=store, clock=clock), s


SCENARIOS: dict[str, Scenario] = {
    f.__name__: f
    for f in (
        campaign_over,
        still_served,
        member_left,
        survey_ended,
        billing_kept,
        partly_deleted,
        back_after_deletion,
        loyalty_dropped,
    )
}


@pytest.fixture(params=sorted(SCENARIOS))
def scenario(
    request: pytest.FixtureRequest, store: Store, clock: pp.FixedClock
) -> tuple[pp.Engine, pp.Subject]:
    return SCENARIOS[request.param](store, clock)


def _past(findings: tuple[Finding, ...], *, for_law: bool) -> set[tuple[str, str]]:
    """(acquisition id, item) of every finding that the data is past its retention:
    those kept for the law, or those due for deletion (past its purposes' retention, or
    held for purposes the policy no longer declares)."""
    return {
        (f.evidence.removeprefix("acquisition:"), item)
        for f in findings
        if f.kind is FindingKind.NO_LONGER_NEEDED
        and (f.rule == "R-ACC-1" or f.note == "purposes_dropped")  # due at once
        and (f.note == "kept_for_law") == for_law
        for item in f.items
    }


def _reported(engine: pp.Engine, *, for_law: bool) -> set[tuple[str, str]]:
    return {
        (e.acquisition_id, item)
        for e in engine.retention_report()
        for item in (e.legal_hold if for_law else e.items)
    }


@pytest.mark.parametrize("kind", [pp.RequestKind.DELETION, pp.RequestKind.SUSPENSION_OF_USE])
def test_r_acc_1_the_investigation_finds_no_longer_needed_what_the_report_lists(
    scenario: tuple[pp.Engine, pp.Subject], kind: pp.RequestKind
) -> None:
    """The items a request's investigation calls no longer needed are exactly those the
    retention report lists as due for deletion, and those it says are kept for the law
    exactly the report's ``legal_hold``, acquisition by acquisition, at the same instant."""
    engine, s = scenario
    found = engine.requests.investigate(verified(engine, kind, s).id).relevant
    assert _past(found, for_law=False) == _reported(engine, for_law=False)
    assert _past(found, for_law=True) == _reported(engine, for_law=True)
    assert _reported(engine, for_law=False) | _reported(engine, for_law=True)


def _keys(d: pp.Decision) -> list[str]:
    return [r.key for r in d.why]


def _no_longer_needed(engine: pp.Engine, s: pp.Subject) -> list[Finding]:
    r = verified(engine, pp.RequestKind.DELETION, s)
    return [
        f
        for f in engine.requests.investigate(r.id).grounds
        if f.kind is FindingKind.NO_LONGER_NEEDED
    ]


def test_r_acc_1_items_a_deletion_took_are_not_found_no_longer_needed(store: Store) -> None:
    """The e-mail was deleted on an earlier request: the investigation of the next one
    does not tell the person it is still here and no longer needed."""
    engine, s = partly_deleted(store, pp.FixedClock(T0))
    [due] = _no_longer_needed(engine, s)
    assert due.note == "retention_ended" and due.items == {"name"}
    [entry] = engine.retention_report()
    assert entry.items == {"name"}
    assert _keys(engine.check_use(s, purpose="campaign", items={"name"})) == ["retention_passed"]
    assert _keys(engine.check_use(s, purpose="campaign", items={"email"})) == ["deleted"]


def test_r_acc_1_a_deleted_copy_does_not_keep_an_item_acquired_again_needed(
    store: Store,
) -> None:
    """The e-mail held for the orders was deleted; collected again for a campaign, it is
    no longer needed once the campaign's 30 days have passed, though the orders'
    acquisition (kept while needed) once held it too."""
    engine, s = back_after_deletion(store, pp.FixedClock(T0))
    d = engine.check_use(s, purpose="campaign", items={"email"})
    assert _keys(d) == ["retention_passed"]
    [entry] = engine.retention_report()
    assert entry.items == {"email"}
    [due] = _no_longer_needed(engine, s)
    assert due.note == "retention_ended" and due.items == {"email"}
    assert due.evidence == f"acquisition:{entry.acquisition_id}"


def test_r_acc_1_a_purpose_the_policy_dropped_keeps_no_data_needed(store: Store) -> None:
    """The e-mail was also collected for a loyalty programme the policy no longer
    declares: that keeps it for nothing (the report lists that copy as due), so once the
    campaign's 30 days have passed the checks deny it and the report lists it, as the
    investigation says."""
    engine, s = loyalty_dropped(store, pp.FixedClock(T0))
    found = _no_longer_needed(engine, s)
    assert sorted((f.note, sorted(f.items)) for f in found) == [
        ("purposes_dropped", ["email"]),
        ("retention_ended", ["email", "name"]),
    ]
    assert _keys(engine.check_use(s, purpose="campaign", items={"email"})) == ["retention_passed"]
    # The loyalty copy is due too, for no purpose needs it (Art. 22).
    reported = sorted((sorted(e.items), e.reason) for e in engine.retention_report())
    assert [items for items, _ in reported] == [["email"], ["email", "name"]]
    assert "loyalty" in reported[0][1] and "no longer declared" in reported[0][1]


def test_r_acc_1_data_kept_for_the_law_is_found_kept_for_the_law(store: Store) -> None:
    """Billing data past its 30 days is kept ten years under the Commercial Code (and the
    invoice under the Corporation Tax Act): the investigation tells the person so rather
    than that it is no longer needed but still here, as the report holds it and the
    checks let only billing, the purpose that declares the duty, use it."""
    engine, s = billing_kept(store, pp.FixedClock(T0))
    found = _no_longer_needed(engine, s)
    [due] = [f for f in found if f.note == "retention_ended"]
    # The campaign's copy is due (docs/decisions.md: erase it, keep the billing one).
    assert due.items == {"name", "email"}
    held = sorted((f for f in found if f.note == "kept_for_law"), key=lambda f: sorted(f.items))
    assert [(sorted(f.items), f.facts["until"]) for f in held] == [
        (["address", "name"], "2036-11-22"),  # ten years from collection (Commercial Code)
        (["invoice"], None),  # the Corporation Tax Act's duty sets no end here
    ]
    assert "kept only because the law requires it" in held[0].summary
    [billing] = [e for e in engine.retention_report() if e.legal_hold]
    assert {f.evidence for f in held} == {f"acquisition:{billing.acquisition_id}"}
    assert billing.items == frozenset() and due.evidence != held[0].evidence
    assert engine.check_use(s, purpose="billing", items={"name"}).allowed
    assert _keys(engine.check_use(s, purpose="campaign", items={"name"})) == ["legal_hold_only"]


def test_r_acc_1_a_legal_hold_is_worded_in_each_language(store: Store) -> None:
    """The answer to a suspension of use tells the person, in their language, which data
    is kept only because the law requires it, and since when it is no longer needed."""
    engine, s = billing_kept(store, pp.FixedClock(T0))
    words = {
        "en": "kept only because the law requires it",
        "ja": "法令により保存が義務付けられていることのみを理由として保存しております",
    }
    for lang, kept in words.items():
        r = engine.requests.submit(
            pp.RequestKind.SUSPENSION_OF_USE, subject=s, documents=[passport()], language=lang
        )
        answer = engine.requests.fulfil(engine.requests.verify(r.id).id)
        assert kept in answer.to_markdown()


def test_r_acc_1_data_still_needed_is_not_found_no_longer_needed(store: Store) -> None:
    """A member who has not left: the period counts from leaving, so nothing is due, and
    the investigation, the report and the checks all say the data is still needed."""
    clock = pp.FixedClock(T0)
    engine = pp.Engine(shop(), store=store, clock=clock)
    s = _person(engine)
    engine.acquire(s, items={"name", "email"}, purposes={"member"}, channel="web")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    clock.advance(800 * DAY)
    assert _no_longer_needed(engine, s) == []
    assert engine.retention_report() == []
    assert engine.check_use(s, purpose="member", items={"name", "email"}).allowed


# -- records made outside pipolicy --------------------------------------------------------


def test_r_acc_1_an_improper_acquisition_past_retention_is_no_longer_needed_too() -> None:
    """An import recorded the e-mail for the campaign and for a purpose the policy never
    declared: improperly acquired, and once the campaign's 30 days have passed also due
    for deletion, as the report says; a copy for an undeclared purpose keeps nothing,
    and is due itself (the investigation's ground for it: improperly acquired)."""
    policy = shop()
    subject = pp.Subject("s-1", "user-1", T0 - 400 * DAY, None)

    def acquisition(aid: str, purposes: set[str]) -> pp.Acquisition:
        return pp.Acquisition(
            aid,
            "s-1",
            frozenset({"email"}),
            frozenset(purposes),
            pp.Channel.WEB,
            "import",
            T0 - 100 * DAY,
            "shop-0",
        )

    mixed = acquisition("a-1", {"campaign", "old_points"})
    other = acquisition("a-2", {"old_points"})
    facts = SubjectFacts(subject, (mixed, other), (), ())
    found = investigate_records(policy, facts, [], [], T0)
    assert sorted((f.kind.value, f.evidence) for f in found) == [
        ("improper_acquisition", "acquisition:a-1"),
        ("improper_acquisition", "acquisition:a-2"),
        ("no_longer_needed", "acquisition:a-1"),
    ]
    entry = past_retention(policy, facts, mixed, T0)
    assert entry is not None and entry.items == {"email"}
    # Needed by no declared purpose, the other copy is due as well (Art. 22).
    dropped = past_retention(policy, facts, other, T0)
    assert dropped is not None and dropped.items == {"email"}
    assert "no longer declared" in dropped.reason
