"""Anonymous statistics: aggregate, suppress small groups, provide without consent.

Run: python examples/anonymous_statistics.py
"""

from __future__ import annotations

import pipolicy as pp


def main() -> None:
    policy = pp.example_policy("indigo_blue")
    engine = pp.Engine(policy)
    rows = (
        [{"age": "30s", "subject": f"p{i}"} for i in range(12)]
        + [{"age": "40s", "subject": f"p{i}"} for i in range(15)]
        + [{"age": "90s", "subject": "p99"}]
    )
    table = pp.aggregate(rows, ["age"], min_group=policy.statistics_min_group)
    print(table, dict(table.groups))
    d = engine.provide_statistics(recipient="partner", purpose="statistics", table=table)
    print("provided:", d.basis, d.citations)


if __name__ == "__main__":
    main()
