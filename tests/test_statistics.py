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


def _people(**groups: int) -> list[dict[str, object]]:
    """Rows of distinct people, ``n`` in each named region: a partition, one value each."""
    rows: list[dict[str, object]] = []
    for region, n in groups.items():
        rows += [{"address": region, "subject": f"{region}-{i}"} for i in range(n)]
    return rows


def test_r_use_8_a_suppressed_group_cannot_be_recovered_from_the_total() -> None:
    """Complementary suppression (Art. 2(1)): 25 customers, 12 in Osaka, 11 in Kyoto, 2 in
    Nara. Suppressing Nara alone leaves 12 and 11, and anyone who knows the business has
    25 customers (published, or counted from another table) reads Nara's 2 off the
    total: the group the threshold was to hide. A second group goes too, so that what
    the shown groups leave out counts at least k people."""
    table = pp.aggregate(_people(osaka=12, kyoto=11, nara=2), ["address"], min_group=10)
    assert dict(table.groups) == {("osaka",): 12}
    assert table.suppressed == 2
    engine, _ = make_engine(attrs.evolve(stats_policy(), statistics_min_group=10))
    d = engine.check_statistics(recipient="partner", purpose="stats", table=table)
    assert d.allowed and d.basis is pp.Basis.ANONYMIZED


def test_r_use_8_no_second_group_is_suppressed_when_the_rest_hides_enough_people() -> None:
    """What the shown groups leave out already counts k people (5 + 6 of 23, k = 10), or
    nobody: nothing more is hidden; a group of exactly k people is shown."""
    table = pp.aggregate(_people(osaka=12, kyoto=5, nara=6), ["address"], min_group=10)
    assert dict(table.groups) == {("osaka",): 12} and table.suppressed == 2
    exact = pp.aggregate(_people(osaka=10, kyoto=10), ["address"], min_group=10)
    assert dict(exact.groups) == {("osaka",): 10, ("kyoto",): 10} and exact.suppressed == 0


def test_r_use_8_groups_sharing_people_give_no_total_to_subtract_from() -> None:
    """A person in several groups (five play tennis, three of them go too; one other
    person plays chess): the shown counts (5 and 3) do not add up to the people they
    hold (5), so the total (6) does not give the suppressed group away, and it alone is
    suppressed."""
    rows = [*ROWS[:8], {"hobbies": "chess", "subject": "p9"}]
    table = pp.aggregate(rows, ["hobbies"], min_group=3)
    assert dict(table.groups) == {("tennis",): 5, ("go",): 3} and table.suppressed == 1
