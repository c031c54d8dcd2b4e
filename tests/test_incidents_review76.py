"""The incident register when the facts grow after registration (R-LEAK-1; Art. 26(1);
PPC Rules Arts. 7-8): more people found, the same person listed twice, a wrongful act
found behind a leak already reported (review 76)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy

FOUND = datetime(2026, 4, 1, 15, 30, tzinfo=JST)


def _engine() -> tuple[pp.Engine, pp.FixedClock]:
    base = make_policy()
    items = {**base.items, "card_number": pp.DataItem("card_number", financial=True)}
    return make_engine(make_policy(items=items), at=FOUND + timedelta(hours=1))


def test_r_leak_1_more_people_found_later_make_it_reportable_from_the_day_learned() -> None:
    """999 people's e-mail addresses: no report. On 11 April the investigation finds two
    more (one of the 999 listed again): 1,001 people, a 7(iv) situation, reportable from
    the day the business learned it (PPC Rules Art. 8: "当該事態を知った日から"),
    the preliminary report by day 3, the final one on day 30, counting 11 April as day 1
    (13 April and 10 May)."""
    engine, clock = _engine()
    first = [f"s-{n}" for n in range(999)]
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=first, items={"email"}
    )
    assert not incident.report_due
    clock.advance(timedelta(days=10))
    now_known = [*first, "s-999", "s-1000", "s-5"]
    revised = engine.incidents.revise(incident.id, subjects=now_known)
    assert revised.people == 1001
    assert revised.people_digest is None
    assert revised.report_due and any("more than 1,000" in r for r in revised.reasons)
    assert revised.preliminary_due == datetime(2026, 4, 14, 0, 0, tzinfo=JST)
    assert revised.final_due == datetime(2026, 5, 11, 0, 0, tzinfo=JST)
    assert engine.incidents.get(incident.id) == revised
    assert engine.incidents.overdue() == []
    clock.advance(timedelta(days=4))
    assert [steps for _, steps in engine.incidents.overdue()] == [("preliminary",)]
    assert engine.verify_audit().ok
    assert "s-999" not in str([e.payload for e in engine.audit_events()])


def test_r_leak_1_the_same_person_listed_twice_is_one_person() -> None:
    """1,000 distinct people, one of them listed twice, stay 1,000: not reportable."""
    engine, _ = _engine()
    people = [f"s-{n}" for n in range(1000)]
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=[*people, people[0]], items={"email"}
    )
    revised = engine.incidents.revise(
        incident.id,
        subjects=[*people, people[1], pp.Subject(people[2], ref="r", registered_at=FOUND)],
    )
    assert revised.people == 1000 and not revised.report_due


def test_r_leak_1_a_wrongful_act_found_later_gives_60_days_from_the_first_day() -> None:
    """A card number sent to the wrong address: reportable (7(ii)), final report on day
    30. On day 10 the business learns an insider sent it on purpose: the situation is a
    7(iii) one, whose final report is due within 60 days (PPC Rules Art. 8(2)); the
    preliminary deadline stays where it was."""
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}
    )
    assert incident.final_due == datetime(2026, 5, 1, 0, 0, tzinfo=JST)
    clock.advance(timedelta(days=9))
    revised = engine.incidents.revise(incident.id, wrongful_act=True)
    assert revised.wrongful_act and any("wrongful act" in r for r in revised.reasons)
    assert revised.preliminary_due == incident.preliminary_due
    assert revised.final_due == datetime(2026, 5, 31, 0, 0, tzinfo=JST)


def test_r_leak_1_items_found_later_make_it_reportable_and_steps_stay_recorded() -> None:
    """A leak of e-mail addresses, then medical histories found in the same files
    (7(i)); a notice given before stays recorded."""
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"email"}
    )
    engine.incidents.record(incident.id, "notice")
    clock.advance(timedelta(days=2))
    revised = engine.incidents.revise(incident.id, items={"email", "medical_history"})
    assert revised.report_due and revised.items == {"email", "medical_history"}
    assert revised.notified_at is not None
    assert revised.final_due == datetime(2026, 5, 3, 0, 0, tzinfo=JST)


def test_r_leak_1_a_revision_is_checked_like_a_registration() -> None:
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"email"}
    )
    clock.advance(timedelta(days=1))
    with pytest.raises(pp.InvalidInput, match="future"):
        engine.incidents.revise(
            incident.id, wrongful_act=True, learned_at=clock.now() + timedelta(days=1)
        )
    with pytest.raises(pp.InvalidInput, match="before the incident was discovered"):
        engine.incidents.revise(
            incident.id, wrongful_act=True, learned_at=FOUND - timedelta(hours=1)
        )
    with pytest.raises(pp.InvalidInput, match="subjects"):
        engine.incidents.revise(incident.id, subjects=[])
    with pytest.raises(pp.UnknownItem):
        engine.incidents.revise(incident.id, items={"shoe_size"})
    with pytest.raises(pp.InvalidInput):
        engine.incidents.revise("nope", wrongful_act=True)
    assert [e.kind for e in engine.audit_events()] == ["incident.registered"]


def test_r_leak_1_an_entrustee_that_never_notified_owes_the_final_report_itself() -> None:
    """The Art. 26(1) proviso frees an entrustee "that notified" the entrusting business
    (通知したときは). One that has not, by day 30, owes the PPC its final report too (Art.
    26(1) main text; PPC Rules Art. 8(2)); once it notifies, no final report is due."""
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}, as_entrustee=True
    )
    assert incident.final_due == datetime(2026, 5, 1, 0, 0, tzinfo=JST)
    clock.advance(timedelta(days=31))
    assert [steps for _, steps in engine.incidents.overdue()] == [("preliminary", "final")]
    other = engine.incidents.register(
        "leak",
        discovered_at=FOUND + timedelta(days=30),
        subjects=["s-2"],
        items={"card_number"},
        as_entrustee=True,
    )
    notified = engine.incidents.record(other.id, "preliminary")
    assert notified.final_due is None
    assert engine.incidents.revise(other.id, wrongful_act=True).final_due is None
    clock.advance(timedelta(days=90))
    assert [(i.id, steps) for i, steps in engine.incidents.overdue()] == [
        (incident.id, ("preliminary", "final"))
    ]


def test_r_leak_1_a_key_found_taken_later_makes_protected_data_reportable() -> None:
    """A stolen laptop, its disk strongly encrypted: not reportable (PPC Rules Art.
    7(i)). On 6 April the business learns the password was taped to the lid: the data
    was not kept unreadable after all, and the theft is a 7(iii) situation reportable from
    that day (final report on day 60, 4 June)."""
    engine, clock = _engine()
    stolen = engine.incidents.register(
        "loss",
        discovered_at=FOUND,
        subjects=["s-1"],
        items={"email"},
        wrongful_act=True,
        protected=True,
    )
    assert not stolen.report_due
    clock.advance(timedelta(days=5))
    revised = engine.incidents.revise(stolen.id, protected=False)
    assert revised.report_due and not revised.protected
    assert revised.preliminary_due == datetime(2026, 4, 9, 0, 0, tzinfo=JST)
    assert revised.final_due == datetime(2026, 6, 5, 0, 0, tzinfo=JST)


def test_r_leak_1_data_a_web_form_was_about_to_take_skimmed_by_an_attacker() -> None:
    """Since April 2024, 7(iii) covers personal information the business was acquiring
    to hold as personal data (a skimmed web form): the people need not be registered
    subjects yet, and one person is enough."""
    engine, _ = _engine()
    skimmed = engine.incidents.register(
        "leak",
        discovered_at=FOUND,
        subjects=["form-entry-1"],
        items={"name", "email"},
        wrongful_act=True,
    )
    assert skimmed.report_due and any("wrongful act" in r for r in skimmed.reasons)
    assert skimmed.final_due == datetime(2026, 5, 31, 0, 0, tzinfo=JST)


def test_r_leak_1_a_public_announcement_in_place_of_notice_is_recorded_as_such() -> None:
    """Where notice to the people is difficult (no address for them), the business may
    take alternative measures instead, such as a public announcement (Art. 26(2)
    proviso). The register records that, not a notice the people never received."""
    engine, clock = _engine()
    incident = engine.incidents.register(
        "leak", discovered_at=FOUND, subjects=["s-1"], items={"card_number"}
    )
    clock.advance(timedelta(days=2))
    done = engine.incidents.record(incident.id, "alternative_measures")
    assert done.alternative_measures_at == clock.now()
    assert done.notified_at is None
    again = engine.incidents.get(incident.id)
    assert again.alternative_measures_at == clock.now() and again.notified_at is None
    assert list(engine.audit_events())[-1].payload["step"] == "alternative_measures"


def test_r_leak_1_a_revision_reads_back_the_same_from_a_database(tmp_path: Path) -> None:
    """The revised incident, its deadlines and steps, as a SQL store keeps them."""
    base = make_policy()
    items = {**base.items, "card_number": pp.DataItem("card_number", financial=True)}
    clock = pp.FixedClock(FOUND + timedelta(hours=1))
    url = f"sqlite:///{tmp_path / 'incidents.db'}"
    with pp.Engine(make_policy(items=items), url, clock=clock) as engine:
        incident = engine.incidents.register(
            "leak",
            discovered_at=FOUND,
            subjects=["s-1"],
            items={"card_number"},
            as_entrustee=True,
        )
        clock.advance(timedelta(days=3))
        engine.incidents.record(incident.id, "alternative_measures")
        revised = engine.incidents.revise(incident.id, wrongful_act=True, subjects=["s-1", "s-2"])
        assert engine.incidents.get(incident.id) == revised
        assert revised.final_due == datetime(2026, 5, 31, 0, 0, tzinfo=JST)
        assert revised.alternative_measures_at is not None and revised.people == 2
