"""Review 78: anonymous statistics (R-USE-8, R-TPP-6; Art. 2(1))."""

from __future__ import annotations

import pipolicy as pp
from tests.factories import make_policy


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
