"""Anonymous statistics (Art. 2(1); R-TPP-6, R-USE-8).

Aggregate output that cannot identify anyone is not personal data, so it may be provided
without consent. The library checks that the output *is* aggregate: every group counts at
least the policy's ``statistics.min_group`` people (k), and it groups only by items that
the statistics purpose declares. :func:`aggregate` builds such a table and suppresses the
groups that are too small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pipolicy.domain.decisions import Basis, Because, Decision
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Policy, RecipientKind
from pipolicy.rules import reasons as R
from pipolicy.rules.common import clause

__all__ = ["Aggregate", "aggregate", "decide_statistics"]

ART_2_1 = "APPI Art. 2(1)"


@attrs.frozen
class Aggregate:
    """Counts of people per group; ``dimensions`` are the item names grouped by.

    ``min_group``: the threshold :func:`aggregate` suppressed with (None for a table built
    by hand). A check refuses a table that suppressed groups with a threshold below the
    policy's k: what it hides was protected for that threshold only (:func:`_complement`).
    """

    dimensions: tuple[str, ...]
    groups: Mapping[tuple[str, ...], int]
    suppressed: int = 0
    min_group: int | None = None

    def __repr__(self) -> str:  # group values may be personal attributes: show sizes only
        return f"Aggregate(dimensions={self.dimensions}, groups={len(self.groups)}, suppressed={self.suppressed})"


def aggregate(
    rows: Iterable[Mapping[str, object]],
    dimensions: Iterable[str],
    min_group: int,
    *,
    subject: str = "subject",
) -> Aggregate:
    """Count the *people* in ``rows`` by ``dimensions``; drop groups smaller than ``min_group``,
    and one more where the total would give a dropped group away (:func:`_complement`).

    Art. 2(1) asks whether a group could identify a person, so a cell counts distinct
    people, never rows: ten orders of one customer are one person. Each row names its
    person under ``subject`` (a pipolicy subject id or any stable reference); the ids are
    only counted and never leave the aggregate. Raises :class:`InvalidInput` for a row
    without one.
    """
    dims = tuple(dimensions)
    people: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for row in rows:
        who = row.get(subject)
        if who is None or who == "":
            raise InvalidInput(
                f"each row needs its person's id under {subject!r}, so that statistics "
                "count people, not rows (Art. 2(1), R-USE-8)"
            )
        people[tuple(str(row.get(d, "")) for d in dims)].add(str(who))
    shown = {key: ids for key, ids in people.items() if len(ids) >= min_group}
    _complement(people, shown, min_group)
    kept = {key: len(ids) for key, ids in shown.items()}
    return Aggregate(dims, kept, suppressed=len(people) - len(kept), min_group=min_group)


def _complement(
    people: Mapping[tuple[str, ...], set[str]],
    shown: dict[tuple[str, ...], set[str]],
    min_group: int,
) -> None:
    """Suppress one more group of ``shown`` if the total gives the suppressed ones away.

    Where no person is in two shown groups (one value each: a partition), the shown
    counts add up to the people they hold, and anyone who knows how many people there
    are (a published number of customers, another table) subtracts: what is left is the
    people in suppressed groups only. Each of the ``n`` suppressed groups holds at least
    one of them (the table says how many it suppressed), so the largest holds at most
    what is left less ``n - 1``. Fewer than ``min_group``, and every suppressed group is
    known to be small, its count read again where the bound is tight (one suppressed
    group; or as many people as groups: one each). Hiding the smallest shown group as
    well (complementary suppression) lifts that bound to at least ``min_group``, as
    that group alone has as many.
    """
    if len(shown) == len(people) or not shown:
        return
    seen: set[str] = set()
    for ids in shown.values():
        if seen & ids:
            return  # the shown counts overlap: their sum is not a number of people
        seen |= ids
    hidden: set[str] = set()
    for key, ids in people.items():
        if key not in shown:
            hidden |= ids - seen
    largest = len(hidden) - (len(people) - len(shown) - 1)
    if hidden and largest < min_group:
        del shown[min(shown, key=lambda key: (len(shown[key]), key))]


def decide_statistics(policy: Policy, recipient: str, purpose: str, table: Aggregate) -> Decision:
    """May ``table`` be given to ``recipient`` as anonymous statistics for ``purpose``?"""
    ctx: dict[str, Any] = {
        "action": "statistics",
        "purpose": purpose,
        "recipient": recipient,
        "items": frozenset(table.dimensions),
    }
    p = policy.purposes[purpose]
    cites = (ART_2_1, clause("purposes", purpose))
    reasons: list[Because] = []
    if "anonymized" not in policy.provision_grounds:
        reasons.append(R.no_statistics_ground())
    if not p.statistics:
        reasons.append(R.not_statistics_purpose(purpose))
    declared = policy.recipients.get(recipient)
    if (
        declared is not None
        and declared.kind is RecipientKind.STATISTICS
        and declared.purposes
        and purpose not in declared.purposes
    ):
        reasons.append(R.statistics_of_only(recipient, declared.purposes))
    outside = set(table.dimensions) - p.all_items
    if outside:
        reasons.append(R.groups_undeclared(frozenset(outside)))
    k = policy.statistics_min_group
    small = sum(1 for n in table.groups.values() if n < k)
    if small:
        reasons.append(R.small_groups(small, k))
    used = table.min_group
    if table.suppressed and isinstance(used, int) and not isinstance(used, bool) and used < k:
        reasons.append(R.suppressed_below_k(used, k))
    if not table.groups:
        reasons.append(R.empty_table())
    if reasons:
        return Decision.deny(tuple(reasons), cites, **ctx)
    return Decision.allow(
        Basis.ANONYMIZED,
        R.statistics(len(table.groups), k),
        cites,
        **ctx,
    )
