"""A purpose with a last day (``Purpose.ends``, a campaign) is over the day after it, in
the policy's time zone: its data is no longer used, provided or collected for it (Arts.
17(1), 18(1), 22; R-ACC-1), though an exemption still reaches it (Art. 18(3))."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy

LAST_DAY = date(2026, 4, 30)
DURING = datetime(2026, 4, 1, 9, 0, tzinfo=JST)
LAST_EVENING = datetime(2026, 4, 30, 23, 30, tzinfo=JST)
# 15:30 UTC on the last day is already 1 May in Tokyo.
AFTER = datetime(2026, 4, 30, 15, 30, tzinfo=timezone.utc)


def _policy() -> pp.Policy:
    base = make_policy()
    purposes = {
        **base.purposes,
        "campaign": pp.Purpose(
            "campaign",
            items={"name", "email"},
            ends=LAST_DAY,
            retention="30 days",
            retention_from="purpose_ended",
        ),
        "survey": pp.Purpose("survey", items={"email"}, ends=LAST_DAY),  # no period
        "prize_draw": pp.Purpose(
            "prize_draw",
            items={"name", "email"},
            consent=pp.ConsentRule.AT_COLLECTION,
            ends=LAST_DAY,
        ),
    }
    partner = pp.Recipient("partner", purposes={"service", "campaign"}, items={"name", "email"})
    return make_policy(purposes=purposes, recipients={**base.recipients, "partner": partner})


def _entrant() -> tuple[pp.Engine, pp.FixedClock, pp.Subject]:
    engine, clock = make_engine(_policy(), at=DURING)
    s = engine.register_subject("entrant-1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"campaign"}, channel="web")
    engine.grant_consent(s, purpose="prize_draw")
    engine.grant_consent(s, recipient="partner", items={"email"})
    return engine, clock, s


def test_r_acc_1_a_purpose_is_used_up_to_its_last_day_in_the_policys_time_zone() -> None:
    engine, clock, s = _entrant()
    clock.set(LAST_EVENING)
    assert engine.check_use(s, purpose="campaign", items={"email"}).allowed
    assert engine.check_use(s, purpose="prize_draw", items={"email"}).allowed
    clock.set(AFTER)
    for purpose in ("campaign", "prize_draw"):  # the consent does not outlive the purpose
        d = engine.check_use(s, purpose=purpose, items={"email"})
        assert not d.allowed and "R-ACC-1" in d.rules
        assert [r.key for r in d.why] == ["purpose_ended"]
        assert "2026-04-30" in d.reasons[0]
        with pytest.raises(pp.UseDenied):
            engine.use(s, purpose=purpose, items={"email"})
    assert list(engine.allowed_subjects(purpose="campaign", items={"email"})) == []
    # Another purpose the data was not collected for stays as it was.
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed


def test_r_acc_1_an_exemption_still_reaches_data_of_an_ended_purpose() -> None:
    engine, clock, s = _entrant()
    clock.set(AFTER)
    d = engine.check_use(
        s,
        purpose="campaign",
        items={"email"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification="a tax audit asks for the winners' list",
    )
    assert d.allowed and d.basis is pp.Basis.EXEMPTION


def test_r_acc_1_nothing_is_provided_for_an_ended_purpose() -> None:
    engine, clock, s = _entrant()
    assert engine.check_provision(
        s, recipient="partner", items={"email"}, purpose="campaign"
    ).allowed
    clock.set(AFTER)
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="campaign")
    assert not d.allowed and "purpose_ended" in [r.key for r in d.why]


def test_r_acc_1_nothing_is_collected_for_an_ended_purpose() -> None:
    engine, clock, s = _entrant()
    clock.set(LAST_EVENING)
    assert engine.check_acquisition(
        s, items={"email"}, purposes={"campaign"}, channel="web"
    ).allowed
    clock.set(AFTER + timedelta(days=60))
    d = engine.check_acquisition(
        s, items={"email"}, purposes={"campaign", "service"}, channel="web"
    )
    assert not d.allowed and "purpose_ended" in [r.key for r in d.why]
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(s, items={"email"}, purposes={"campaign"}, channel="web")
    # The running purpose alone is fine.
    assert engine.check_acquisition(s, items={"email"}, purposes={"service"}, channel="web").allowed


def _deletion(engine: pp.Engine, s: pp.Subject) -> pp.Request:
    from tests.requests.support import passport

    r = engine.requests.submit(pp.RequestKind.DELETION, subject=s, documents=[passport()])
    return engine.requests.verify(r.id)


def test_r_acc_1_data_of_an_ended_purpose_without_a_period_is_no_longer_needed() -> None:
    """Once every purpose the data was collected for has ended, and none keeps it for a
    period, the business no longer needs it: the retention report lists it and a
    deletion request has its ground (Art. 35(5)), even while the person is a customer."""
    from pipolicy.requests import FindingKind

    engine, clock = make_engine(_policy(), at=DURING)
    s = engine.register_subject("respondent", category="customer")
    engine.acquire(s, items={"email"}, purposes={"survey"}, channel="web")
    clock.set(AFTER + timedelta(days=1))
    [entry] = engine.retention_report()
    assert entry.items == {"email"} and entry.reason == "purposes ['survey'] ended"
    r = _deletion(engine, s)
    [ended] = engine.requests.investigate(r.id).relevant
    assert ended.kind is FindingKind.NO_LONGER_NEEDED and ended.rule == "R-ACC-1"
    assert ended.at == engine.policy.day_end(LAST_DAY)
    with pytest.raises(pp.InvalidInput, match=r"a ground of APPI Art\. 35 stands"):
        engine.requests.refuse(r.id, ground="no_ground", explanation="we still need it")
    answer = engine.requests.fulfil(r.id)
    assert 'collected for "survey", whose last day was 2026-04-30' in answer.to_markdown()


def test_r_acc_1_a_period_counted_from_the_end_keeps_the_data_until_it_passes() -> None:
    """The policy keeps campaign data 30 days after the campaign: the report and the
    investigation agree that it is needed until then."""
    from pipolicy.requests import FindingKind

    engine, clock, s = _entrant()
    clock.set(AFTER + timedelta(days=20))
    assert engine.retention_report() == []
    assert engine.requests.investigate(_deletion(engine, s).id).relevant == ()
    clock.set(AFTER + timedelta(days=31))
    assert [e.reason for e in engine.retention_report()] == ["retention of ['campaign'] ended"]
    [ended] = engine.requests.investigate(_deletion(engine, s).id).relevant
    assert ended.kind is FindingKind.NO_LONGER_NEEDED


def test_r_acc_1_an_item_another_purpose_still_uses_is_not_reported_for_deletion() -> None:
    engine, clock = make_engine(_policy(), at=DURING)
    s = engine.register_subject("customer-1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"survey"}, channel="web")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    clock.set(AFTER + timedelta(days=1))
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    assert engine.retention_report() == []


def test_r_acc_1_the_retention_of_an_ended_purpose_counts_from_its_end() -> None:
    """A purpose whose period counts from the person leaving, or that has no period, has
    ended: its data is no longer needed for it, so the period counts from its last day,
    or the data is due at once."""
    base = _policy()
    survey = pp.Purpose("survey", items={"email"}, ends=LAST_DAY, retention="30 days")
    policy = make_policy(purposes={**base.purposes, "survey": survey})
    end = policy.day_end(LAST_DAY)
    assert policy.retention_due({"survey"}, DURING) == end + timedelta(days=30)
    assert policy.retention_due({"prize_draw"}, DURING) == end
    left = end + timedelta(days=100)  # a later leaving does not hold it back
    assert policy.retention_due({"survey"}, DURING, left) == end + timedelta(days=30)
    assert policy.retention_due({"support"}, DURING) is None  # no end, no period
