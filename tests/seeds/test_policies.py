"""The seed policies as files: the corrected ones load, the as-written ones are rejected.

Two seeds are looser than the law. Seed 002 §3.4 (L26) discloses data "when it is necessary
for the operation of other services", which is no case of APPI Art. 27 (R-TPP-7). Seed 001
§4 (L44) announces a joint use with the items, the range of joint users, their purposes
and "the person in charge of managing", but neither the address nor the representative of
the person responsible that Art. 27(5)(iii) requires (R-TPP-5). Each ships as written, to
show the validator catching it, and corrected.
"""

from __future__ import annotations

from datetime import date

import pytest

import pipolicy as pp

from ._support import EXAMPLES, example, example_data

CORRECTED = {
    "indigo_blue": ("Indigo Blue Co., Ltd.", None),
    "indigo": ("indiGO", date(2020, 11, 11)),
    "handling_agreement": (None, None),
    "blue_and_calm": ("BLUE&CALM TECHNOOGY L.L.C.", date(2019, 11, 27)),
    "carbgem": ("CarbGeM Inc.", None),
}


@pytest.mark.parametrize("name", sorted(CORRECTED))
def test_every_corrected_seed_policy_loads(name: str) -> None:
    controller, revised = CORRECTED[name]

    policy = example(name)

    assert policy.version
    if controller is not None:
        assert pp.text_in(policy.controller, "name", "en") == controller
    if revised is not None:  # the seed's own revision date
        assert policy.revised == revised


def test_the_examples_are_exactly_the_five_seeds_and_two_as_written_versions() -> None:
    names = {p.stem for p in EXAMPLES.glob("*.toml")}

    assert names == set(CORRECTED) | {"indigo_as_written", "handling_agreement_as_written"}


def test_r_tpp_7_seed_002_as_written_is_rejected_for_the_operation_of_other_services() -> None:
    with pytest.raises(pp.PolicyError) as error:
        example("handling_agreement_as_written")

    (problem,) = error.value.problems
    assert problem.location == "provision.grounds"
    assert "other_services_operation" in problem.message
    assert "R-TPP-7" in problem.message
    assert error.value.source is not None
    assert error.value.source.endswith("handling_agreement_as_written.toml")


def test_r_tpp_5_seed_001_as_written_is_rejected_for_its_fifth_joint_use_item() -> None:
    with pytest.raises(pp.PolicyError) as error:
        example("indigo_as_written")

    (problem,) = error.value.problems
    assert problem.location == "joint_use.event_co_hosting"
    assert "address" in problem.message
    assert "representative" in problem.message
    assert "R-TPP-5" in problem.message


def test_r_tpp_5_the_corrected_joint_use_publishes_all_five_items() -> None:
    joint = example("indigo").joint_uses["event_co_hosting"]

    assert joint.announced  # (1) that the data is used jointly
    assert joint.items  # (2) the items
    assert joint.users  # (3) the range of joint users
    assert joint.purposes  # (4) their purposes
    assert joint.manager_name  # (5) name, address and representative
    assert joint.manager_address
    assert joint.manager_representative
    assert joint.published == date(2020, 11, 11)


@pytest.mark.parametrize(
    ("corrected", "as_written"),
    [("indigo", "indigo_as_written"), ("handling_agreement", "handling_agreement_as_written")],
)
def test_the_as_written_versions_differ_from_the_corrected_ones_only_where_the_law_is_broken(
    corrected: str, as_written: str
) -> None:
    good = example_data(corrected)
    bad = example_data(as_written)
    good["policy"].pop("version")
    bad["policy"].pop("version")

    if corrected == "indigo":
        manager = good["joint_use"]["event_co_hosting"]["manager"]
        del manager["address"], manager["representative"]
    else:
        bad["provision"]["grounds"].remove("other_services_operation")
    assert good == bad
