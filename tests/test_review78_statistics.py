"""Review 78: anonymous statistics (R-USE-8, R-TPP-6; Art. 2(1))."""

from __future__ import annotations

import attrs

import pipolicy as pp
from tests.factories import make_engine, make_policy


def _policy(k: int) -> pp.Policy:
    base = make_policy()
    stats = pp.Purpose("stats", items={"address"}, statistics=True)
    return make_policy(purposes={**base.purposes, "stats": stats}, statistics_min_group=k)


def _people(**groups: int) -> list[dict[str, object]]:
    """Rows of distinct people, ``n`` in each named town: a partition, one value each."""
    rows: list[dict[str, object]] = []
    for town, n in groups.items():
        rows += [{"address": town, "subject": f"{town}-{i}"} for i in range(n)]
    return rows


def test_r_use_8_suppressed_groups_of_one_person_each_are_not_read_off_the_total() -> None:
    """k = 10: Osaka 12, Kyoto 11, and ten towns of one customer each. The ten are
    suppressed, and the total (33 customers) leaves 10 people to them: as many as the
    table says it suppressed groups, and a group holds at least one person, so each holds
    exactly one, the very count the threshold was to hide. What the shown groups leave
    out must allow a hidden group of k people: Kyoto is suppressed as well."""
    towns = {f"town{i}": 1 for i in range(10)}
    table = pp.aggregate(_people(osaka=12, kyoto=11, **towns), ["address"], min_group=10)
    assert dict(table.groups) == {("osaka",): 12}
    assert table.suppressed == 11


def test_r_use_8_a_table_suppressed_below_the_policys_k_is_refused() -> None:
    """The policy's k is 10; a table built with a threshold of 3 shows Osaka (12) and
    Kyoto (11), each of at least 10, and hides Nara (2) and Nara's neighbour (2). The total
    (27 customers) leaves 4 people to the two: groups of at most 3, under the policy's
    k, which the threshold of 3 let through. The table is refused; built with the
    policy's k (Kyoto suppressed too), it may go."""
    engine, _ = make_engine(_policy(10))
    rows = _people(osaka=12, kyoto=11, nara=2, ikoma=2)
    loose = pp.aggregate(rows, ["address"], min_group=3)
    assert dict(loose.groups) == {("osaka",): 12, ("kyoto",): 11}
    d = engine.check_statistics(recipient="partner", purpose="stats", table=loose)
    assert not d.allowed
    assert "R-USE-8" in d.rules
    [en] = [r for r in d.reasons if "R-USE-8" in r]
    assert "3" in en and "10" in en
    ja = pp.explain(d, attrs.evolve(engine.policy, languages=("ja",)), "ja")
    assert any("3人" in text and "10人" in text for text in ja), ja
    with_k = pp.aggregate(rows, ["address"], min_group=engine.policy.statistics_min_group)
    assert dict(with_k.groups) == {("osaka",): 12}
    assert engine.check_statistics(recipient="partner", purpose="stats", table=with_k).allowed


def test_r_use_8_a_stricter_threshold_or_nothing_hidden_is_fine() -> None:
    """Built with a higher threshold than the policy's, or with nothing suppressed at
    all, nothing under k is hidden to be given away."""
    engine, _ = make_engine(_policy(10))
    rows = _people(osaka=25, kyoto=20, nara=3)
    higher = pp.aggregate(rows, ["address"], min_group=15)
    assert engine.check_statistics(recipient="partner", purpose="stats", table=higher).allowed
    whole = pp.aggregate(_people(osaka=12, kyoto=11), ["address"], min_group=3)
    assert whole.suppressed == 0
    assert engine.check_statistics(recipient="partner", purpose="stats", table=whole).allowed
    # A table built by hand says nothing of its threshold: judged by its groups as before.
    by_hand = pp.Aggregate(("address",), {("osaka",): 12}, suppressed=1)
    assert engine.check_statistics(recipient="partner", purpose="stats", table=by_hand).allowed
    assert attrs.evolve(higher, groups={("osaka",): 25}).min_group == 15
