"""Session 19: a policy file is the business's promise, so one that cannot be kept is
refused at load (R-ACC-1, R-REQ-7), and what is lawful but risky is a lint warning."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.domain.durations import Duration, Unit
from tests.factories import make_engine, make_policy
from tests.test_review79_policy_file import load, problems

ZERO = ['"0 days"', "0", '"P0D"', '"0 years"', '"0 months"']


@pytest.mark.parametrize("zero", ZERO)
def test_r_acc_1_a_zero_retention_from_collection_is_refused(tmp_path: Path, zero: str) -> None:
    """Zero from collection makes data due for deletion the instant it is acquired: no
    purpose could ever use it, so the policy promises nothing it can keep."""
    found = problems(tmp_path, f'retention = {zero}\nretention_from = "collection"\n')
    [message] = found["purposes.service.retention"]
    assert "'service'" in message and "0 " in message and "collection" in message


def test_r_acc_1_a_zero_retention_in_the_older_key_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, 'retention_days = 0\nretention_from = "collection"\n')
    assert "'service'" in found["purposes.service.retention"][0]


def test_r_acc_1_a_zero_retention_of_a_service_from_collection_is_refused(tmp_path: Path) -> None:
    service = (
        '\n[services.shop]\npurposes = ["service"]\nresponsible = "Privacy officer"\n'
        'retention = "0 days"\nretention_from = "collection"\n'
    )
    found = problems(tmp_path, service)
    [message] = found["services.shop.retention"]
    assert "'shop'" in message and "collection" in message


@pytest.mark.parametrize("start", ["left", "purpose_ended"])
def test_r_acc_1_a_zero_retention_after_leaving_or_the_purpose_means_deleted_then(
    tmp_path: Path, start: str
) -> None:
    """Zero from the person leaving (or the purpose's end) is a promise that can be
    kept: the data is used while the person is a customer, and due the instant they
    leave."""
    ends = "ends = 2027-03-31\n" if start == "purpose_ended" else ""
    policy = load(tmp_path, f'retention = "0 days"\nretention_from = "{start}"\n{ends}')
    assert policy.purposes["service"].retention == Duration(0, Unit.DAYS)


def test_r_acc_1_zero_after_leaving_keeps_data_usable_until_the_person_leaves() -> None:
    policy = make_policy(
        purposes={"service": pp.Purpose("service", items={"email"}, retention="0 days")}
    )
    engine, clock = make_engine(policy)
    s = engine.register_subject("u-1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    clock.advance(timedelta(days=400))
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    engine.mark_left(s)
    clock.advance(timedelta(seconds=1))
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed


def test_r_acc_1_a_zero_retention_built_in_code_is_refused_too() -> None:
    with pytest.raises(pp.PolicyError) as info:
        make_policy(
            purposes={
                "service": pp.Purpose(
                    "service", items={"email"}, retention="0 days", retention_from="collection"
                )
            }
        )
    assert any(p.location == "purposes.service.retention" for p in info.value.problems)


@pytest.mark.parametrize("value", ['"-1 days"', "-3", '"1001 years"'])
def test_r_acc_1_a_negative_or_endless_retention_is_refused(tmp_path: Path, value: str) -> None:
    found = problems(tmp_path, f"retention = {value}\n")
    assert found["purposes.service.retention"]


@pytest.mark.parametrize(
    ("text", "location"),
    [
        (
            'legal_retention = "Corporation Tax Act"\nlegal_retention_period = "0 days"\n',
            "purposes.service.legal_retention_period",
        ),
        (
            '\n[items.ledger]\nlegal_retention = "Corporation Tax Act"\n'
            'legal_retention_period = "P0D"\n',
            "items.ledger.legal_retention_period",
        ),
    ],
)
def test_r_req_7_a_legal_duty_of_no_time_is_refused(
    tmp_path: Path, text: str, location: str
) -> None:
    """A legal retention duty of zero keeps nothing: the person is told the law keeps
    their data (R-REQ-7) while a deletion would erase it at once."""
    found = problems(tmp_path, text)
    [message] = found[location]
    assert "0 days" in message
