"""Review 89: declarations in a policy file that would load and then answer legal
questions wrongly (R-TPP-8, R-TPP-3, R-TPP-5, R-REQ-8, R-USE-9)."""

from __future__ import annotations

from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.errors import UnknownName
from tests.test_review79_policy_file import ENTRUSTEE, OPT_OUT, load, problems

CONTRACT_DATES = "valid_from = 2026-04-01, until = 2027-03-31"
JOINT = """
[joint_use.group]
announced = true
items = ["email"]
users = "the group companies listed at example.jp/group"
purposes = ["service"]
published = 2026-03-01
manager = { name = "Indigo Blue Co., Ltd.", address = "1-1 Chiyoda, Tokyo", representative = "Hanako Sato" }

[recipients.sister]
kind = "joint_user"
joint_use = "group"
purposes = ["service"]
items = ["email"]
"""
SUCCESSOR = """
[recipients.buyer]
kind = "successor"
purposes = ["service"]
items = ["email"]
"""


def test_r_tpp_8_opt_out_declared_without_the_ground_is_refused(tmp_path: Path) -> None:
    """A recipient with an opt-out table, in a policy whose [provision] grounds leave out
    'opt_out', would publish opt-out provision the engine then never makes."""
    grounds = '\n[provision]\ngrounds = ["consent"]\n'
    assert load(tmp_path, OPT_OUT.format(items='["email"]'))
    found = problems(tmp_path, OPT_OUT.format(items='["email"]') + grounds)
    [message] = found["recipients.list_broker.opt_out"]
    assert "'opt_out'" in message and "[provision] grounds" in message
    assert load(
        tmp_path,
        OPT_OUT.format(items='["email"]') + grounds.replace('"consent"', '"consent", "opt_out"'),
    )


@pytest.mark.parametrize(
    ("declaration", "recipient", "ground"),
    [
        (ENTRUSTEE.format(dates=CONTRACT_DATES), "shipping", "entrustment"),
        (JOINT, "sister", "joint_use"),
        (SUCCESSOR, "buyer", "business_succession"),
    ],
)
def test_r_tpp_3_5_an_arrangement_its_grounds_exclude_still_loads(
    tmp_path: Path, declaration: str, recipient: str, ground: str
) -> None:
    """Unlike opt-out, an entrustee, joint user or successor whose Art. 27(5) ground the
    policy leaves out is a stricter policy (seed 002: subcontractors on consent only): it
    loads, and the checks then provide to it on consent alone."""
    policy = load(tmp_path, declaration + '\n[provision]\ngrounds = ["consent"]\n')
    assert ground not in policy.provision_grounds and recipient in policy.recipients


@pytest.mark.parametrize("response", ['"31 days"', '"21 business days"', '"2 months"', "365"])
def test_r_req_8_a_response_period_beyond_without_delay_is_refused(
    tmp_path: Path, response: str
) -> None:
    """Art. 33(1)-(3): disclosure without delay; a public body has 30 days (Art. 83(1)),
    so a business's published period is no longer."""
    for allowed in ('"30 days"', '"20 business days"', '"1 months"', "14"):
        assert load(tmp_path, f"\n[requests]\nresponse = {allowed}\n")
    found = problems(tmp_path, f"\n[requests]\nresponse = {response}\n")
    [message] = found["requests.response"]
    assert "Art. 33" in message and "30 days" in message


def test_r_use_9_unknown_category_message_points_to_the_policy_table() -> None:
    message = str(pp.UnknownCategory("member", {"customer"}))
    assert "[categories]" not in message
    assert "categories" in message and "[policy]" in message and "customer" in message


@pytest.mark.parametrize(
    ("error", "table"),
    [
        (pp.UnknownPurpose, "[purposes.<name>]"),
        (pp.UnknownRecipient, "[recipients.<name>]"),
        (pp.UnknownItem, "[items.<name>]"),
    ],
)
def test_unknown_name_messages_name_the_table_of_the_file(
    error: type[UnknownName], table: str
) -> None:
    assert table in str(error("x")) and table in str(error.not_repeated(2))


def test_r_tpp_8_opt_out_items_beyond_the_recipients_items_are_refused(tmp_path: Path) -> None:
    """The notice announces the opt-out items (Art. 27(2)(iii)); a recipient declared to
    receive fewer items never receives the rest, so the announcement would be untrue."""
    declared = OPT_OUT.format(items='["email"]').replace(
        "[recipients.list_broker]\n", '[recipients.list_broker]\nitems = ["email"]\n'
    )
    assert load(tmp_path, declared)
    found = problems(
        tmp_path,
        declared.replace('items = ["email"]\nmethod', 'items = ["email", "phone"]\nmethod')
        + "[items.phone]\n",
    )
    [message] = found["recipients.list_broker.opt_out.items"]
    assert "'phone'" in message and "'email'" not in message and "Art. 27(2)" in message
