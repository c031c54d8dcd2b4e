"""Changes to a joint use (APPI Art. 27(6); R-TPP-5).

A joint use's purposes and its person responsible change only once made known in advance;
a change of the responsible person's name, address or representative is made known without
delay (recorded, no effect on decisions); its items and the scope of its joint users do not
change under the same announcement at all (the PPC guidelines: the persons' consent or a
new joint use).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy
from tests.seeds._support import example_data

ADDED = date(2026, 3, 1)
NOTIFIED = date(2026, 3, 10)
WEBSITE = "published on the website"


def _joint(*changes: pp.JointUseChange) -> pp.JointUse:
    return pp.JointUse(
        "group-crm",
        announced=True,
        items={"name", "email"},
        users="Group companies listed on the website",
        purposes={"service", "newsletter"},
        manager_name="Example K.K.",
        manager_address="1-1 Chiyoda, Tokyo",
        manager_representative="CEO Taro Example",
        published=date(2026, 2, 1),
        changes=changes,
    )


def _provide(joint: pp.JointUse, purpose: str, on: date) -> tuple[pp.Decision, pp.Engine]:
    engine, clock = make_engine(
        make_policy(joint_uses={"group-crm": joint}, languages=("ja",)),
        at=datetime(2026, 3, 5, 9, 0, tzinfo=JST),
    )
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service", "newsletter"}, channel="web")
    clock.set(datetime(on.year, on.month, on.day, 9, 0, tzinfo=JST))
    return engine.check_provision(s, recipient="group", items={"email"}, purpose=purpose), engine


def _added(notified: date | None = NOTIFIED) -> pp.JointUseChange:
    return pp.JointUseChange(
        "purposes", ADDED, added={"newsletter"}, notified=notified, how=WEBSITE if notified else ""
    )


def test_art_27_6_a_purpose_added_to_a_joint_use_waits_for_its_announcement() -> None:
    before, engine = _provide(_joint(_added()), "newsletter", date(2026, 3, 9))

    assert not before.allowed
    assert before.reasons[0] == (
        "the change of the purposes of joint use 'group-crm' made on 2026-03-01 was not "
        "made known in advance of this provision (R-TPP-5, APPI Art. 27(6))"
    )
    assert "APPI Art. 27(6)" in before.citations
    assert "R-TPP-5" in before.rules
    ja = engine.explain(before, "ja")[0]
    assert "共同利用" in ja and "あらかじめ" in ja


def test_art_27_6_a_purpose_added_to_a_joint_use_is_provided_for_from_the_day_announced() -> None:
    on_the_day, _ = _provide(_joint(_added()), "newsletter", NOTIFIED)

    assert on_the_day.allowed
    assert on_the_day.basis is pp.Basis.JOINT_USE


def test_art_27_6_a_purpose_added_and_never_announced_is_never_provided_for() -> None:
    later, _ = _provide(_joint(_added(notified=None)), "newsletter", date(2026, 9, 1))

    assert not later.allowed
    assert "made known in advance" in later.reasons[0]


def test_art_27_6_the_purposes_announced_before_the_change_are_untouched() -> None:
    service, _ = _provide(_joint(_added()), "service", date(2026, 3, 9))

    assert service.allowed and service.basis is pp.Basis.JOINT_USE


def test_art_27_6_a_new_person_responsible_takes_effect_only_once_announced() -> None:
    change = pp.JointUseChange("manager", ADDED, notified=NOTIFIED, how=WEBSITE)

    before, _ = _provide(_joint(change), "service", date(2026, 3, 9))
    on_the_day, _ = _provide(_joint(change), "service", NOTIFIED)

    assert not before.allowed
    assert before.reasons[0].startswith(
        "the change of the person responsible of joint use 'group-crm'"
    )
    assert "APPI Art. 27(6)" in before.citations
    assert on_the_day.allowed and on_the_day.basis is pp.Basis.JOINT_USE


def test_art_27_6_a_change_of_the_managers_details_is_recorded_without_effect() -> None:
    change = pp.JointUseChange("manager_details", ADDED)  # not yet made known

    decision, engine = _provide(_joint(change), "service", date(2026, 3, 9))

    assert decision.allowed and decision.basis is pp.Basis.JOINT_USE
    assert engine.policy.joint_uses["group-crm"].changes == (change,)


# -- the policy file ------------------------------------------------------------------


def _indigo_with(*changes: dict[str, Any]) -> pp.Policy:
    data = example_data("indigo")
    data["joint_use"]["event_co_hosting"]["changes"] = list(changes)
    return pp.policy_from_dict(data, source="test")


def test_r_tpp_5_a_joint_use_change_loads_from_the_policy_file() -> None:
    policy = _indigo_with(
        {
            "what": "purposes",
            "added": ["event_planning"],
            "notified": date(2020, 11, 11),
            "how": WEBSITE,
        },
        {"what": "manager_details", "notified": date(2020, 11, 11), "how": WEBSITE},
    )

    purposes, details = policy.joint_uses["event_co_hosting"].changes
    assert purposes.what is pp.JointUseChangeKind.PURPOSES
    assert purposes.added == {"event_planning"}
    assert purposes.revised == policy.revised  # the policy's revision when absent
    assert purposes.notified == date(2020, 11, 11) and purposes.how == WEBSITE
    assert details.what is pp.JointUseChangeKind.MANAGER_DETAILS


@pytest.mark.parametrize("what", ["items", "users"])
def test_art_27_6_items_or_joint_users_cannot_change_under_the_same_joint_use(what: str) -> None:
    with pytest.raises(pp.PolicyError) as error:
        _indigo_with({"what": what, "notified": date(2020, 11, 11), "how": WEBSITE})

    (problem,) = error.value.problems
    assert problem.location == "joint_use.event_co_hosting.changes[0].what"
    assert "consent" in problem.message
    assert "new joint use" in problem.message
    assert "Art. 27(6)" in problem.message


def test_r_tpp_5_an_added_purpose_must_be_among_the_joint_uses_purposes() -> None:
    with pytest.raises(pp.PolicyError) as error:
        _indigo_with({"what": "purposes", "added": ["browsing"]})

    (problem,) = error.value.problems
    assert problem.location == "joint_use.event_co_hosting.changes[0].added"
    assert "browsing" in problem.message


def test_r_tpp_5_a_purposes_change_names_what_it_added() -> None:
    with pytest.raises(pp.PolicyError) as error:
        _indigo_with({"what": "purposes"})

    (problem,) = error.value.problems
    assert problem.location == "joint_use.event_co_hosting.changes[0].added"


def test_r_tpp_5_a_joint_use_change_made_known_says_how() -> None:
    with pytest.raises(pp.PolicyError) as error:
        _indigo_with({"what": "manager", "notified": date(2020, 11, 11)})

    (problem,) = error.value.problems
    assert problem.location == "joint_use.event_co_hosting.changes[0].how"


def test_r_tpp_5_a_joint_use_change_built_in_code_must_be_a_joint_use_change() -> None:
    wrong = attrs.evolve(_joint(), changes=({"what": "purposes"},))  # type: ignore[arg-type]

    with pytest.raises(pp.PolicyError) as error:
        make_policy(joint_uses={"group-crm": wrong})

    assert [p.location for p in error.value.problems] == ["joint_use.group-crm.changes[0]"]


def test_art_27_6_the_notice_shows_the_current_person_responsible() -> None:
    change = pp.JointUseChange("manager_details", ADDED, notified=date(2026, 3, 2), how=WEBSITE)
    joint = attrs.evolve(_joint(change), manager_address="2-2 Marunouchi, Tokyo")
    text = pp.render_notice(make_policy(joint_uses={"group-crm": joint}), "en")

    assert "2-2 Marunouchi, Tokyo" in text
    assert "1-1 Chiyoda, Tokyo" not in text


@pytest.mark.parametrize("what", [None, "name", ["purposes"]])
def test_r_tpp_5_a_joint_use_change_says_what_changed(what: object) -> None:
    change: dict[str, Any] = {"added": ["event_planning"]}
    if what is not None:
        change["what"] = what

    with pytest.raises(pp.PolicyError) as error:
        _indigo_with(change)

    (problem,) = error.value.problems
    assert problem.location == "joint_use.event_co_hosting.changes[0].what"
    assert "'purposes', 'manager' or 'manager_details'" in problem.message
