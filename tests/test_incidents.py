"""The incident register (R-LEAK-1, Art. 26, PPC Rules 7-9; seeds 000 and 004 promise to
prevent "leakage"): when a report and notice are due, by when, and every step audited."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import attrs
import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy

FOUND = datetime(2026, 4, 1, 15, 30, tzinfo=JST)


def _engine(**policy: object) -> tuple[pp.Engine, pp.FixedClock]:
    base = make_policy()
    items = {**base.items, "card_number": pp.DataItem("card_number", financial=True)}
    return make_engine(make_policy(items=items, **policy), at=FOUND + timedelta(hours=1))


@pytest.mark.parametrize(
    ("items", "people", "wrongful", "reason"),
    [
        ({"name", "medical_history"}, 1, False, "special care-required"),
        ({"card_number"}, 1, False, "financial loss"),
        ({"email"}, 1, True, "wrongful act"),
        ({"email"}, 1001, False, "more than 1,000 people"),
    ],
)
def test_r_leak_1_a_report_and_notice_are_due_on_each_ground(
    items: set[str], people: int, wrongful: bool, reason: str
) -> None:
    engine, _ = _engine()
    incident = engine.incidents.register(
        "leak",
        discovered_at=FOUND,
        subjects=[f"s-{n}" for n in range(people)],
        items=items,
        wrongful_act=wrongful,
    )
    assert incident.report_due and any(reason in r for r in incident.reasons)
    assert incident.people == people


def test_r_leak_1_individual_numbers_of_more_than_100_people_are_reportable() -> None:
    """A leak of Individual Numbers is reportable from 101 people, not 1,001 (My Number
    Act Art. 29-4; PPC Rules on specific personal information Art. 2(iv)); R-MYN-1."""
    base = make_policy()
    items = {**base.items, "my_number": pp.DataItem("my_number", my_number=True)}
    payroll = pp.Purpose(
        "payroll_tax", items={"name", "my_number"}, my_number_affairs="tax", retention="7 years"
    )
    engine, _ = make_engine(
        make_policy(items=items, purposes={**base.purposes, "payroll_tax": payroll}),
        at=FOUND + timedelta(hours=1),
    )
    staff = [f"emp-{n}" for n in range(101)]
    leak = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=staff, items={"name", "my_number"}
    )
    assert leak.report_due and any("100 people" in r for r in leak.reasons)
    assert leak.final_due == datetime(2026, 5, 1, 0, 0, tzinfo=JST)
    hundred = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=staff[:100], items={"name", "my_number"}
    )
    assert not hundred.report_due
    names_only = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=staff, items={"name"}
    )
    assert not names_only.report_due


def test_r_leak_1_individual_numbers_open_to_anyone_online_are_reportable_however_few() -> None:
    """A server misconfigured so that anyone could read ten employees' Individual Numbers
    is reportable (My Number Act Art. 29-4; PPC Rules on specific personal information
    Art. 2(iii)); the same exposure of names alone is not, below 1,001 people."""
    base = make_policy()
    items = {**base.items, "my_number": pp.DataItem("my_number", my_number=True)}
    payroll = pp.Purpose(
        "payroll_tax", items={"name", "my_number"}, my_number_affairs="tax", retention="7 years"
    )
    engine, _ = make_engine(
        make_policy(items=items, purposes={**base.purposes, "payroll_tax": payroll}),
        at=FOUND + timedelta(hours=1),
    )
    staff = [f"emp-{n}" for n in range(10)]
    exposed = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=staff, items={"name", "my_number"}, exposed=True
    )
    assert exposed.report_due and any("open to anyone" in r for r in exposed.reasons)
    assert engine.incidents.get(exposed.id).exposed
    names = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=staff, items={"name"}, exposed=True
    )
    assert not names.report_due


def test_r_leak_1_data_kept_unreadable_by_strong_encryption_is_not_reportable() -> None:
    """A lost laptop whose disk is encrypted to a high standard, the key safe: the data
    is excluded on every ground (PPC Rules Art. 7(i) "高度な暗号化その他の個人の権利利益を
    保護するために必要な措置を講じたものを除く", guidelines 3-5-3-1), even when a thief took it."""
    engine, _ = _engine()
    stolen = engine.incidents.register(
        "loss",
        discovered_at=FOUND,
        subjects=[f"s-{n}" for n in range(1001)],
        items={"medical_history", "card_number"},
        wrongful_act=True,
        protected=True,
    )
    assert not stolen.report_due and stolen.reasons == ()
    assert stolen.preliminary_due is None and stolen.final_due is None
    assert engine.incidents.get(stolen.id).protected
    assert engine.incidents.overdue(FOUND + timedelta(days=90)) == []


def test_r_leak_1_a_small_plain_loss_needs_no_report() -> None:
    engine, _ = _engine()
    incident = engine.incidents.register(
        "loss", discovered_at=FOUND, subjects=[f"s-{n}" for n in range(1000)], items={"email"}
    )
    assert not incident.report_due and incident.reasons == ()
    assert incident.preliminary_due is None and incident.final_due is None
    assert engine.incidents.overdue(FOUND + timedelta(days=90)) == []


def test_r_leak_1_deadlines_in_the_policy_s_time_zone() -> None:
    """Preliminary: by day 3 (the policy's days), final: within 30 days, 60 when a
    wrongful act may be behind it, both counting the day of discovery as day 1 (PPC
    guidelines 3-5-3-4); each due at the end of its last day in Tokyo."""
    engine, _ = _engine()
    plain = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}
    )
    # 1 April is day 1, 3 April day 3 (session 20: before, 4 April, a day late).
    assert plain.preliminary_due == datetime(2026, 4, 4, 0, 0, tzinfo=JST)
    # 1 April is day 1, 30 April day 30: the report is late from 1 May.
    assert plain.final_due == datetime(2026, 5, 1, 0, 0, tzinfo=JST)
    attacked = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"email"}, wrongful_act=True
    )
    # Day 60 is 30 May.
    assert attacked.final_due == datetime(2026, 5, 31, 0, 0, tzinfo=JST)
    five = _engine(incident_preliminary_days=5)[0].incidents.register(
        "damage", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}
    )
    assert five.preliminary_due == datetime(2026, 4, 6, 0, 0, tzinfo=JST)
    with pytest.raises(pp.PolicyError, match="preliminary_days"):
        make_policy(incident_preliminary_days=10)


def test_r_leak_1_the_first_day_is_the_day_of_discovery_in_the_policy_s_zone() -> None:
    """Discovered at 23:30 UTC on 1 April, which is already 2 April in Tokyo: day 1 is
    2 April there, day 30 is 1 May."""
    engine, clock = _engine()
    clock.advance(timedelta(days=1))
    late_evening = datetime(2026, 4, 1, 23, 30, tzinfo=timezone.utc)
    incident = engine.incidents.register(
        "loss", discovered_at=late_evening, subjects=["s-1"], items={"medical_history"}
    )
    assert incident.final_due == datetime(2026, 5, 2, 0, 0, tzinfo=JST)
    assert incident.preliminary_due == datetime(2026, 4, 5, 0, 0, tzinfo=JST)


def test_r_leak_1_one_report_made_early_serves_as_preliminary_and_final() -> None:
    """When every matter is known at once, one report is both (PPC guidelines
    3-5-3-4 note 1): no preliminary report is owed after it."""
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}
    )
    clock.advance(timedelta(days=1))
    engine.incidents.record(incident.id, "final")
    clock.advance(timedelta(days=10))
    assert engine.incidents.overdue() == []
    assert engine.incidents.get(incident.id).overdue(clock.now()) == ()


def test_r_leak_1_an_entrustee_that_notified_the_entruster_owes_no_final_report() -> None:
    """A contractor handling the data for another business may notify that business,
    promptly as a preliminary report, instead of reporting to the PPC; the notice
    discharges its report, final one included, and its notice to the people (Art. 26(1)
    proviso and (2); PPC Rules Art. 9; guidelines 3-5-3-5, 3-5-4-1)."""
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak",
        discovered_at=FOUND,
        subjects=["s-1", "s-2"],
        items={"card_number"},
        as_entrustee=True,
    )
    assert incident.report_due
    assert incident.preliminary_due == datetime(2026, 4, 4, 0, 0, tzinfo=JST)
    clock.advance(timedelta(days=5))
    assert [steps for _, steps in engine.incidents.overdue()] == [("preliminary",)]
    assert engine.incidents.record(incident.id, "preliminary").final_due is None
    clock.advance(timedelta(days=90))
    assert engine.incidents.overdue() == []


def test_r_leak_1_overdue_reports_are_listed_until_recorded() -> None:
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1", "s-2"], items={"card_number"}
    )
    assert engine.incidents.overdue() == []
    clock.advance(timedelta(days=5))
    [(late, steps)] = engine.incidents.overdue()
    assert late.id == incident.id and steps == ("preliminary",)
    engine.incidents.record(incident.id, "preliminary")
    assert engine.incidents.overdue() == []
    clock.advance(timedelta(days=30))
    assert [steps for _, steps in engine.incidents.overdue()] == [("final",)]
    engine.incidents.record(incident.id, "notice")
    done = engine.incidents.record(incident.id, "final")
    assert engine.incidents.overdue() == []
    assert done.preliminary_at and done.final_at and done.notified_at


def test_r_leak_1_every_step_is_audited_and_no_one_is_listed() -> None:
    engine, _ = _engine()
    people = ["person-aaa", "person-bbb"]
    incident = engine.incidents.register(
        "leak",
        discovered_at=FOUND,
        subjects=people,
        items={"card_number"},
        suspected=True,
        as_entrustee=True,
    )
    engine.incidents.record(incident.id, "preliminary")
    kinds = [e.kind for e in engine.audit_events()]
    assert kinds == ["incident.registered", "incident.reported"]
    logged = json.dumps([e.payload for e in engine.audit_events()])
    assert all(p not in logged for p in people)
    assert incident.people_digest is None  # review 88: an unkeyed digest confirms who
    assert engine.incidents.get(incident.id).as_entrustee
    assert engine.verify_audit().ok


def test_r_leak_1_bad_input_is_refused() -> None:
    engine, _ = _engine()
    with pytest.raises(pp.InvalidInput, match="future"):
        engine.incidents.register(
            "leak", discovered_at=FOUND + timedelta(days=1), subjects=["s"], items={"email"}
        )
    with pytest.raises(pp.UnknownItem):
        engine.incidents.register("leak", discovered_at=FOUND, subjects=["s"], items={"x"})
    with pytest.raises(pp.InvalidInput):
        engine.incidents.register("burglary", discovered_at=FOUND, subjects=["s"], items={"email"})
    with pytest.raises(pp.InvalidInput):
        engine.incidents.register("leak", discovered_at=FOUND, subjects=[], items={"email"})
    with pytest.raises(pp.InvalidInput):
        engine.incidents.record("nope", "final")
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s"], items={"email"}
    )
    with pytest.raises(pp.InvalidInput, match="step"):
        engine.incidents.record(incident.id, "celebration")
    assert attrs.asdict(incident)["kind"] == pp.domain.incidents.IncidentKind.LEAK


def test_r_leak_1_a_step_dated_in_the_future_or_before_discovery_is_refused() -> None:
    """A report typed with next year's date would hide an overdue report as made; one
    dated before the incident was known cannot be about it."""
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}
    )
    clock.advance(timedelta(days=5))
    with pytest.raises(pp.InvalidInput, match="future"):
        engine.incidents.record(incident.id, "preliminary", at=clock.now() + timedelta(days=365))
    with pytest.raises(pp.InvalidInput, match="before the incident was discovered"):
        engine.incidents.record(incident.id, "preliminary", at=FOUND - timedelta(days=1))
    assert [steps for _, steps in engine.incidents.overdue()] == [("preliminary",)]
    engine.incidents.record(incident.id, "preliminary", at=FOUND + timedelta(days=2))
    assert engine.incidents.overdue() == []
