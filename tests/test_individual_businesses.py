"""A business run by an individual publishes no representative (R-PUB-1, R-TPP-5).

Art. 32(1)(i) publishes the business's name and address "and, for a corporation, the
name of its representative"; Art. 27(5)(iii) the same of the person responsible for a
joint use. Art. 27(2)(i)'s parenthetical, which Arts. 27, 30(1)(i) and 32(1)(i) share,
counts the representative or manager of an association without legal personality as
its representative. So a policy says what the business is (``kind``): an individual
publishes none, a corporation or an association must, and a policy that does not say
is held to publish one (as before).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import jsonschema
import pytest

import pipolicy as pp
from tests.factories import CONTROLLER, CONTROLLER_DATA, make_engine, make_policy

SOLE_TRADER = pp.Controller(
    "山田花子（やまだ花店）",
    kind=pp.EntityKind.INDIVIDUAL,
    address="東京都世田谷区世田谷2-3-4",
    contact="hanako@yamada-hana.example.jp",
    security_measures=("顧客カードは施錠できる棚に保管しています。",),
)


def _problems(error: pytest.ExceptionInfo[pp.PolicyError]) -> dict[str, str]:
    return {p.location: p.message for p in error.value.problems}


# -- the controller (Art. 32(1)(i)) -----------------------------------------------------


def test_r_pub_1_an_individual_business_publishes_no_representative() -> None:
    policy = make_policy(controller=SOLE_TRADER, languages=("ja",))
    assert policy.controller.kind is pp.EntityKind.INDIVIDUAL
    assert policy.controller.representative == ""


@pytest.mark.parametrize("kind", [None, "corporation", "association"])
def test_r_pub_1_a_corporation_or_an_association_still_publishes_its_representative(
    kind: str | None,
) -> None:
    """Without a kind the policy is held to a corporation's duty, as before (fail
    closed); an association names its representative or manager."""
    controller = attrs.evolve(CONTROLLER, kind=kind, representative="")
    with pytest.raises(pp.PolicyError) as error:
        make_policy(controller=controller)
    assert "Art. 32(1)(i)" in _problems(error)["controller.representative"]


def test_r_pub_1_an_individual_has_no_representative_to_publish() -> None:
    controller = attrs.evolve(SOLE_TRADER, representative="山田花子")
    with pytest.raises(pp.PolicyError) as error:
        make_policy(controller=controller, languages=("ja",))
    message = _problems(error)["controller.representative"]
    assert "individual" in message and "corporation" in message


def test_r_pub_1_a_policy_file_says_the_controller_is_an_individual() -> None:
    data: dict[str, Any] = {
        "policy": {"version": "v1", "revised": date(2026, 4, 1)},
        "controller": {k: v for k, v in CONTROLLER_DATA.items() if k != "representative"},
        "items": {"email": {}},
        "purposes": {"service": {"items": ["email"]}},
    }
    with pytest.raises(pp.PolicyError) as error:
        pp.policy_from_dict(data)
    assert "controller.representative" in _problems(error)
    data["controller"]["kind"] = "individual"
    assert pp.policy_from_dict(data).controller.kind is pp.EntityKind.INDIVIDUAL
    data["controller"]["kind"] = "sole_trader"
    with pytest.raises(pp.PolicyError) as error:
        pp.policy_from_dict(data)
    assert "individual" in _problems(error)["controller.kind"]


# -- the person responsible for a joint use (Art. 27(5)(iii)) ---------------------------


def _joint_use(**changes: Any) -> pp.Policy:
    base = make_policy().joint_uses["group-crm"]
    return make_policy(joint_uses={"group-crm": attrs.evolve(base, **changes)})


def test_r_tpp_5_an_individual_responsible_for_a_joint_use_has_no_representative() -> None:
    policy = _joint_use(
        manager_kind="individual", manager_name="Taro Example", manager_representative=""
    )
    assert policy.joint_uses["group-crm"].manager_kind is pp.EntityKind.INDIVIDUAL


@pytest.mark.parametrize("kind", [None, "corporation", "association"])
def test_r_tpp_5_a_corporation_responsible_still_publishes_its_representative(
    kind: str | None,
) -> None:
    with pytest.raises(pp.PolicyError) as error:
        _joint_use(manager_kind=kind, manager_representative="")
    assert "representative" in _problems(error)["joint_use.group-crm"]


def test_r_tpp_5_an_individual_responsible_publishes_name_and_address() -> None:
    with pytest.raises(pp.PolicyError) as error:
        _joint_use(manager_kind="individual", manager_representative="", manager_address="")
    message = _problems(error)["joint_use.group-crm"]
    assert "(5) name and address" in message and "representative" not in message
    with pytest.raises(pp.PolicyError) as error:
        _joint_use(manager_kind="individual")  # a representative given for an individual
    assert "individual" in _problems(error)["joint_use.group-crm.manager.representative"]


def test_r_tpp_5_a_policy_file_says_the_person_responsible_is_an_individual() -> None:
    from tests.seeds._support import example_data

    data = example_data("indigo")
    manager = data["joint_use"]["event_co_hosting"]["manager"]
    del manager["representative"]
    with pytest.raises(pp.PolicyError):
        pp.policy_from_dict(data)
    manager["kind"] = "individual"
    joint = pp.policy_from_dict(data).joint_uses["event_co_hosting"]
    assert joint.manager_kind is pp.EntityKind.INDIVIDUAL


# -- the JSON Schema agrees with lint ---------------------------------------------------


def test_r_pub_1_the_schema_asks_a_representative_of_all_but_an_individual() -> None:
    from tests.factories import json_view
    from tests.seeds._support import example_data

    validator = jsonschema.Draft7Validator(pp.policy_schema())
    data = example_data("indigo")
    assert validator.is_valid(json_view(data))
    controller = data["controller"]
    representative = controller.pop("representative")
    assert not validator.is_valid(json_view(data))
    for kind in ("corporation", "association"):
        controller["kind"] = kind
        assert not validator.is_valid(json_view(data)), kind
    controller["kind"] = "individual"
    assert validator.is_valid(json_view(data))
    controller["representative"] = representative
    assert not validator.is_valid(json_view(data))  # an individual has none
    controller.pop("representative")
    manager = data["joint_use"]["event_co_hosting"]["manager"]
    manager.pop("representative")
    assert not validator.is_valid(json_view(data))
    manager["kind"] = "individual"
    assert validator.is_valid(json_view(data))


# -- the published notice (R-PUB-1) -----------------------------------------------------


def _sole_trader_policy() -> pp.Policy:
    base = make_policy()
    joint = attrs.evolve(
        base.joint_uses["group-crm"],
        users="近隣の提携店",
        manager_kind="individual",
        manager_name="山田花子",
        manager_address="東京都世田谷区世田谷2-3-4",
        manager_representative="",
    )
    return make_policy(controller=SOLE_TRADER, languages=("ja",), joint_uses={"group-crm": joint})


def test_r_pub_1_the_japanese_notice_of_an_individual_reads_right() -> None:
    policy = _sole_trader_policy()
    for fmt in ("md", "html"):
        text = pp.render_notice(policy, "ja", fmt)
        assert "事業者の氏名及び住所" in text, fmt
        assert "代表者" not in text, fmt  # no representative, not even an empty one
        assert "氏名" in text and "山田花子（やまだ花店）" in text
        # 当社 is a company's word: an individual's notice says 当方 unless it says more.
        assert "当社" not in text and "当方" in text, fmt
        assert "山田花子（住所：東京都世田谷区世田谷2-3-4）" in text, fmt


def test_r_pub_1_the_english_notice_of_an_individual_reads_right() -> None:
    joint = attrs.evolve(
        make_policy().joint_uses["group-crm"],
        manager_kind="individual",
        manager_name="Hanako Yamada",
        manager_representative="",
    )
    controller = attrs.evolve(
        CONTROLLER, name="Hanako Yamada (Yamada Flowers)", kind="individual", representative=""
    )
    policy = make_policy(controller=controller, joint_uses={"group-crm": joint})
    for fmt in ("md", "html"):
        text = pp.render_notice(policy, "en", fmt)
        assert "Name and address" in text, fmt
        assert "epresentative" not in text, fmt
        assert "Hanako Yamada (address: 1-1 Chiyoda, Tokyo)" in text, fmt


def test_r_pub_1_an_association_publishes_its_representative_or_manager() -> None:
    controller = attrs.evolve(CONTROLLER, kind="association")
    policy = make_policy(controller=controller)
    assert "Representative or manager" in pp.render_notice(policy, "en", "md")
    ja = make_policy(controller=controller, languages=("ja",))
    assert "代表者又は管理人" in pp.render_notice(ja, "ja", "md")


def test_r_pub_1_a_corporation_s_notice_is_unchanged() -> None:
    """Declaring ``kind = "corporation"`` publishes what a policy without a kind does."""
    corporation = attrs.evolve(CONTROLLER, kind="corporation")
    for lang in ("en", "ja"):
        plain = make_policy(languages=(lang,))
        declared = make_policy(controller=corporation, languages=(lang,))
        for fmt in ("md", "html"):
            assert pp.render_notice(plain, lang, fmt) == pp.render_notice(declared, lang, fmt)


def test_r_pub_1_an_individual_calls_itself_toho_in_japanese_answers() -> None:
    """Reasons explained to the person say 当方, not 当社, for a business run by an
    individual that names no other word for itself."""
    engine, _ = make_engine(_sole_trader_policy())
    s = engine.register_subject("c1", category="customer")
    d = engine.check_use(s, purpose="service", items={"email"})
    texts = " ".join(pp.explain(d, engine.policy, "ja"))
    assert "当社" not in texts and "当方" in texts
