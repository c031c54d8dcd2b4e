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
