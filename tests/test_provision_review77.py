"""Provision other than on plain consent, as review 77 found it answered wrongly: joint
use (R-TPP-5, Art. 27(5)(iii), 27(6)), opt-out (R-TPP-8), abroad (R-XB-1), records
(R-REC-1) and personally referable information (R-PRI-1)."""

from __future__ import annotations

from datetime import date, datetime

import attrs

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy


def _joint_use_engine(*changes: pp.JointUseChange) -> tuple[pp.Engine, pp.FixedClock, pp.Subject]:
    base = make_policy()
    joint = attrs.evolve(base.joint_uses["group-crm"], changes=changes)
    engine, clock = make_engine(
        make_policy(joint_uses={"group-crm": joint}), at=datetime(2026, 3, 1, 9, 0, tzinfo=JST)
    )
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    return engine, clock, s


def test_r_tpp_5_art_27_6_the_old_person_responsible_answers_until_the_change_is_made() -> None:
    # The new person responsible takes over on 15 March, announced on 5 March: until the
    # 15th the joint use stands as first announced, under the old one.
    change = pp.JointUseChange("manager", date(2026, 3, 15), notified=date(2026, 3, 5), how="web")
    engine, clock, s = _joint_use_engine(change)
    for day in (3, 10, 14, 15):
        clock.set(datetime(2026, 3, day, 9, 0, tzinfo=JST))
        d = engine.check_provision(s, recipient="group", items={"email"}, purpose="service")
        assert d.allowed and d.basis is pp.Basis.JOINT_USE, (day, d.reasons)


def test_r_tpp_5_art_27_6_a_change_not_announced_stops_the_joint_use_from_its_day() -> None:
    change = pp.JointUseChange("manager", date(2026, 3, 10))  # never made known
    engine, clock, s = _joint_use_engine(change)
    clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=JST))
    before = engine.check_provision(s, recipient="group", items={"email"}, purpose="service")
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=JST))
    after = engine.check_provision(s, recipient="group", items={"email"}, purpose="service")
    assert before.allowed and before.basis is pp.Basis.JOINT_USE
    assert not after.allowed and after.why[0].key == "joint_use_change_unannounced"
    assert "APPI Art. 27(6)" in after.citations


def test_r_rec_1_rules_art_21_i_a_contract_record_is_kept_a_year_counted_from_the_last_day() -> (
    None
):
    """PPC Rules Art. 21(i): kept "until the day one year has passed, counted from (起算して)
    the day of the last provision": that day is the first of the year, so a last provision
    on 1 April 2026 is kept through 31 March 2027 (Art. 29(2)'s 3 years run from the day
    after the record is made, the Civil Code's way: through 1 April 2029)."""
    base = make_policy()
    partner = attrs.evolve(base.recipients["partner"], record_by_contract=True)
    engine, clock = make_engine(
        make_policy(recipients={**base.recipients, "partner": partner}),
        at=datetime(2026, 4, 1, 9, 0, tzinfo=JST),
    )
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    engine.grant_consent(s, recipient="court", items={"email"})
    first = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    general = engine.provide(s, recipient="court", items={"email"}, purpose="service")
    assert first.keep_until == datetime(2027, 4, 1, 0, 0, tzinfo=JST)  # through 31 March
    assert general.keep_until == datetime(2029, 4, 2, 0, 0, tzinfo=JST)  # through 1 April
    clock.set(datetime(2026, 10, 18, 23, 30, tzinfo=JST))
    second = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    through_17_october = datetime(2027, 10, 18, 0, 0, tzinfo=JST)
    assert second.keep_until == through_17_october
    kept = engine.record_keeping(s)
    assert kept[first.id] == kept[second.id] == through_17_october
    assert kept[general.id] == general.keep_until


SHOWN_US = pp.Evidence("web-form", "consent-v4", foreign_info="notice-foreign-us-v2")


def _abroad_engine(*, equivalent_measures: bool = False) -> tuple[pp.Engine, pp.Subject]:
    base = make_policy()
    recipients = dict(base.recipients)
    for name in ("buyer", "group"):
        recipients[name] = attrs.evolve(
            recipients[name], country="US", equivalent_measures=equivalent_measures
        )
    engine, _ = make_engine(make_policy(recipients=recipients))
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    return engine, s


def test_r_xb_1_art_28_1_a_successor_or_joint_user_abroad_needs_the_informed_consent() -> None:
    """Art. 28(1): "Art. 27 does not apply" to provision abroad, so neither business
    succession nor joint use (Art. 27(5)(ii), (iii)) carries it; on the person's consent
    given with the information on the country, it is a provision Art. 29 records (its
    proviso spares only the cases of Art. 27(1) there)."""
    engine, s = _abroad_engine()
    for recipient in ("buyer", "group"):
        d = engine.check_provision(s, recipient=recipient, items={"email"}, purpose="service")
        assert not d.allowed and "APPI Art. 28" in d.citations, recipient
        assert d.why[0].key == "foreign_no_consent"
        engine.grant_consent(s, recipient=recipient, items={"email"}, evidence=SHOWN_US)
        record = engine.provide(s, recipient=recipient, items={"email"}, purpose="service")
        assert record.basis is pp.Basis.CONSENT and record.country == "US"
        assert record.required_by_law and record.keep_until is not None


def test_r_rec_1_a_joint_user_or_successor_keeping_equivalent_measures_keeps_no_record() -> None:
    """A recipient abroad keeping measures equivalent to the Act's is no "third party in a
    foreign country" (Art. 28(1)): Art. 27(5) applies, and Art. 29(1)'s proviso with it."""
    engine, s = _abroad_engine(equivalent_measures=True)
    for recipient, basis in (
        ("buyer", pp.Basis.BUSINESS_SUCCESSION),
        ("group", pp.Basis.JOINT_USE),
    ):
        record = engine.provide(s, recipient=recipient, items={"email"}, purpose="service")
        assert record.basis is basis and not record.required_by_law
        assert record.keep_until is None


def _broker_engine(at: datetime) -> tuple[pp.Engine, pp.FixedClock, pp.Subject]:
    base = make_policy()
    broker = pp.Recipient(
        "broker",
        purposes={"service"},
        items={"name", "address"},
        address="2-2 Otemachi, Chiyoda-ku, Tokyo",
        representative="Ken List, President",
        opt_out=pp.OptOut(
            items={"name", "address"},
            method="a form on the website",
            notified=date(2026, 3, 10),
            filed=date(2026, 3, 10),
            waiting="14 days",
            acquired_by="from the sign-up form",
            provided_by="as an electronic file",
            updated_by="monthly, from the member records",
        ),
    )
    engine, clock = make_engine(
        make_policy(recipients={**base.recipients, "broker": broker}, languages=("ja",)),
        at=at,
    )
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "address"}, purposes={"service"}, channel="web")
    return engine, clock, s


def test_r_tpp_8_rules_art_11_1_i_the_waiting_period_runs_out_before_the_first_provision() -> None:
    """Notified on 10 March with 14 days to ask to stop it: the people have 11 to 24 March,
    to the end of the 24th (Civil Code Arts. 140, 141), so the first provision is on the
    25th; on the 24th a person still asking in time would come too late."""
    engine, clock, s = _broker_engine(datetime(2026, 3, 24, 9, 0, tzinfo=JST))
    last_day = engine.check_provision(s, recipient="broker", items={"name"}, purpose="service")
    assert not last_day.allowed and last_day.why[0].key == "opt_out_not_started"
    assert "starts on 2026-03-25" in last_day.reasons[0]
    assert "2026年3月25日から" in engine.explain(last_day, "ja")[0]
    clock.set(datetime(2026, 3, 25, 0, 0, tzinfo=JST))
    first = engine.check_provision(s, recipient="broker", items={"name"}, purpose="service")
    assert first.allowed and first.basis is pp.Basis.OPT_OUT
    notice = pp.render_notice(engine.policy, "ja", "markdown")
    assert "提供の開始予定日：2026年3月25日" in notice


def test_r_tpp_5_art_27_6_a_purpose_announced_for_a_later_day_is_not_yet_a_joint_purpose() -> None:
    """A purpose to be added on 15 March, announced on 5 March: on the 10th the joint use
    does not cover it yet. The denial says so; it said the change "was not made known in
    advance", when it had been."""
    base = make_policy()
    joint = attrs.evolve(
        base.joint_uses["group-crm"],
        purposes={"service", "newsletter"},
        changes=(
            pp.JointUseChange(
                "purposes",
                date(2026, 3, 15),
                added={"newsletter"},
                notified=date(2026, 3, 5),
                how="web",
            ),
        ),
    )
    engine, clock = make_engine(
        make_policy(joint_uses={"group-crm": joint}, languages=("ja",)),
        at=datetime(2026, 3, 1, 9, 0, tzinfo=JST),
    )
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service", "newsletter"}, channel="web")
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=JST))
    early = engine.check_provision(s, recipient="group", items={"email"}, purpose="newsletter")
    assert not early.allowed
    assert early.why[0].key == "joint_use_purposes_only"
    assert early.why[0].params["purposes"] == ("service",)
    assert "APPI Art. 27(6)" not in early.citations
    assert "変更をあらかじめ" not in engine.explain(early)[0]
    clock.set(datetime(2026, 3, 15, 9, 0, tzinfo=JST))
    on_the_day = engine.check_provision(s, recipient="group", items={"email"}, purpose="newsletter")
    assert on_the_day.allowed and on_the_day.basis is pp.Basis.JOINT_USE


def test_r_tpp_5_art_27_6_a_provision_on_an_added_purpose_names_the_day_it_was_announced() -> None:
    """The newsletter became a purpose of the joint use first announced on 1 February by a
    change announced on 10 March: a provision for it is within what was made known on 10
    March, not on 1 February, when the people were told nothing of the newsletter."""
    base = make_policy()
    added = pp.JointUseChange(
        "purposes", date(2026, 3, 1), added={"newsletter"}, notified=date(2026, 3, 10), how="web"
    )
    joint = attrs.evolve(
        base.joint_uses["group-crm"], purposes={"service", "newsletter"}, changes=(added,)
    )
    engine, _ = make_engine(
        make_policy(joint_uses={"group-crm": joint}, languages=("ja",)),
        at=datetime(2026, 3, 12, 9, 0, tzinfo=JST),
    )
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service", "newsletter"}, channel="web")
    newsletter = engine.check_provision(s, recipient="group", items={"email"}, purpose="newsletter")
    service = engine.check_provision(s, recipient="group", items={"email"}, purpose="service")
    assert newsletter.basis is service.basis is pp.Basis.JOINT_USE
    assert newsletter.reasons == ("joint use 'group-crm' announced on 2026-03-10",)
    assert engine.explain(newsletter)[0].startswith("2026年3月10日にご本人に通知し")
    assert service.reasons == ("joint use 'group-crm' announced on 2026-02-01",)
