"""Anonymous statistics may be provided without consent only when aggregate (R-TPP-6, R-USE-8)."""

from __future__ import annotations

import attrs
import pytest

import pipolicy as pp
from tests.factories import make_engine, make_policy


def stats_policy(**overrides: object) -> pp.Policy:
    base = make_policy()
    purposes = dict(base.purposes)
    purposes["stats"] = pp.Purpose("stats", items={"hobbies", "address"}, statistics=True)
    return make_policy(purposes=purposes, statistics_min_group=3, **overrides)


ROWS = (
    [{"hobbies": "tennis", "subject": f"p{i}"} for i in range(5)]
    + [{"hobbies": "go", "subject": f"p{i}"} for i in range(3)]
    + [{"hobbies": "chess", "subject": "p0"}]
)


def test_r_use_8_aggregate_suppresses_groups_smaller_than_k() -> None:
    table = pp.aggregate(ROWS, ["hobbies"], min_group=3)
    assert dict(table.groups) == {("tennis",): 5, ("go",): 3}
    assert table.suppressed == 1
    assert "tennis" not in repr(table)


def test_r_tpp_6_aggregate_output_may_be_provided_without_consent() -> None:
    engine, _ = make_engine(stats_policy())
    table = pp.aggregate(ROWS, ["hobbies"], min_group=3)
    d = engine.provide_statistics(recipient="partner", purpose="stats", table=table)
    assert d.allowed and d.basis is pp.Basis.ANONYMIZED
    assert "APPI Art. 2(1)" in d.citations
    assert [e.kind for e in engine.audit_events()] == ["statistics.provided"]


def test_r_tpp_6_a_group_below_k_is_refused() -> None:
    engine, _ = make_engine(stats_policy())
    table = pp.Aggregate(("hobbies",), {("tennis",): 5, ("chess",): 1})
    d = engine.check_statistics(recipient="partner", purpose="stats", table=table)
    assert not d.allowed and any("fewer than 3" in r for r in d.reasons)
    with pytest.raises(pp.ProvisionDenied):
        engine.provide_statistics(recipient="partner", purpose="stats", table=table)
    assert [e.kind for e in engine.audit_events()] == ["statistics.denied"]


def test_r_tpp_6_only_statistics_purposes_and_their_items() -> None:
    engine, _ = make_engine(stats_policy())
    table = pp.Aggregate(("phone",), {("x",): 50})
    d = engine.check_statistics(recipient="partner", purpose="service", table=table)
    assert not d.allowed
    assert len(d.reasons) == 2  # not a statistics purpose; phone not declared for it
    empty = engine.check_statistics(
        recipient="partner", purpose="stats", table=pp.Aggregate(("hobbies",), {})
    )
    assert not empty.allowed


def test_r_tpp_6_policy_without_the_anonymized_ground_refuses() -> None:
    engine, _ = make_engine(stats_policy(provision_grounds={"consent", "entrustment", "joint_use"}))
    table = pp.aggregate(ROWS, ["hobbies"], min_group=3)
    assert not engine.check_statistics(recipient="partner", purpose="stats", table=table).allowed


def test_r_tpp_6_a_recipient_of_statistics_gets_those_it_is_declared_for_and_no_data() -> None:
    policy = stats_policy()
    purposes = {
        **policy.purposes,
        "stats_hiring": pp.Purpose("stats_hiring", items={"resume"}, statistics=True),
    }
    readers = pp.Recipient("readers", kind=pp.RecipientKind.STATISTICS, purposes={"stats"})
    engine, _ = make_engine(
        attrs.evolve(
            policy, purposes=purposes, recipients={**policy.recipients, "readers": readers}
        )
    )
    table = pp.aggregate(ROWS, ["hobbies"], min_group=3)
    assert engine.check_statistics(recipient="readers", purpose="stats", table=table).allowed

    hiring = pp.Aggregate(("resume",), {("engineer",): 12})
    other = engine.check_statistics(recipient="readers", purpose="stats_hiring", table=hiring)
    assert not other.allowed
    assert other.reasons == (
        "'readers' receives the statistics of ['stats'] only, as the notice publishes",
    )

    s = engine.register_subject("customer-1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes="service", channel="web")
    d = engine.check_provision(s, recipient="readers", items={"email"}, purpose="service")
    assert not d.allowed
    assert "only statistics" in d.reasons[0]


def test_statistics_input_errors() -> None:
    engine, _ = make_engine(stats_policy())
    with pytest.raises(pp.InvalidInput):
        engine.check_statistics(recipient="partner", purpose="stats", table={"a": 1})  # type: ignore[arg-type]
    with pytest.raises(pp.UnknownItem):
        engine.check_statistics(
            recipient="partner", purpose="stats", table=pp.Aggregate(("shoe",), {("x",): 9})
        )


def test_r_use_8_art_2_1_statistics_count_people_not_rows() -> None:
    """Ten rows of one customer are one person: not a group of ten (Art. 2(1))."""
    one_person = [{"zip": "100-0001", "subject": "customer-1"}] * 10
    table = pp.aggregate(one_person, ["zip"], 10)
    assert dict(table.groups) == {} and table.suppressed == 1
    ten_people = [{"zip": "100-0001", "subject": f"customer-{i}"} for i in range(10)]
    assert dict(pp.aggregate(ten_people, ["zip"], 10).groups) == {("100-0001",): 10}
    assert "customer" not in repr(pp.aggregate(ten_people, ["zip"], 10))


def test_r_use_8_art_2_1_a_row_without_its_person_is_refused() -> None:
    with pytest.raises(pp.InvalidInput, match="count people"):
        pp.aggregate([{"zip": "100-0001"}], ["zip"], 1)
