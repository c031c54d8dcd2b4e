"""What the retention report lists (R-ACC-1, R-REQ-7): data due for deletion.

Three reasons make data due. Its purposes' retention periods have all passed (the policy
says how long each purpose needs it; a purpose with a last day and no period needs it
until that day), and no other acquisition holds it for a purpose that still needs it. Or
it was acquired only for purposes the policy no longer declares, so no purpose needs it
(Art. 22 "without delay": due from the day the policy that dropped them took effect, its
``revised`` day), again unless another acquisition holds it for one that does. Or the
person asked for its deletion and only a legal duty to keep it stood in the way (a
deletion request keeps such items, suspended), and that duty has since ended
(``legal_retention_period``). Pure: the engine reads the records and the requests'
kinds, these functions decide; what "past retention" means is
:mod:`pipolicy.rules.retention`'s, which the checks share (R-ACC-1).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.restrictions import RestrictionKind
from pipolicy.policy.model import Policy
from pipolicy.rules.common import kept_items
from pipolicy.rules.retention import kept_for_law, lapsed, past_due

__all__ = [
    "RetentionEntry",
    "kept_past_duty",
    "past_retention",
    "purposes_ended",
    "revived_by_return",
]


@attrs.frozen
class RetentionEntry:
    """Items of one acquisition that are due for deletion (R-ACC-1): past their
    purposes' retention, acquired only for purposes the policy no longer declares, or
    kept on a deletion request under a legal duty now ended. ``due_since`` is when they
    fell due; for purposes no longer declared, the start of the policy's ``revised`` day
    (or the acquisition, if later): the day is when the purpose was dropped at the
    latest."""

    subject_id: str
    acquisition_id: str
    items: frozenset[str]
    due_since: datetime
    legal_hold: frozenset[str]
    reason: str


def past_retention(
    policy: Policy, facts: SubjectFacts | None, acq: Acquisition, now: datetime
) -> RetentionEntry | None:
    """``acq``'s items not deleted yet, if every purpose's retention has passed (a purpose
    with a last day and no period: once it has ended; none declared any more: at once),
    less those another acquisition
    still holds for a purpose that needs them; the items still under a legal duty are
    listed apart (``legal_hold``). What the checks deny as past retention is exactly what
    these entries list, as both ask :mod:`pipolicy.rules.retention`."""
    left = facts.subject.left_at if facts else None
    due = past_due(policy, acq, left, now)
    if due is None:
        return None
    items = acq.items if facts is None else lapsed(policy, facts, acq.items, now, of=acq)
    if not items:
        return None
    hold = frozenset(i for i in items if kept_for_law(policy, i, acq, now))
    return RetentionEntry(
        acq.subject_id,
        acq.id,
        items - hold,
        due,
        hold,
        _why(policy, acq),
    )


def revived_by_return(policy: Policy, facts: SubjectFacts, now: datetime) -> frozenset[str]:
    """The items the report lists at ``now`` only because the person left: recording
    their return (no ``left_at``) would make them needed again, though the period
    counted from their leaving has run out and Art. 22 asks for their deletion. Items
    only a legal duty keeps are not among them: those are kept either way."""
    if facts.subject.left_at is None:
        return frozenset()
    back = attrs.evolve(facts, subject=attrs.evolve(facts.subject, left_at=None))
    revived: set[str] = set()
    for acq in facts.acquisitions:
        gone = past_retention(policy, facts, acq, now)
        if gone is None or not gone.items:
            continue
        still = past_retention(policy, back, acq, now)
        revived |= gone.items - (still.items | still.legal_hold if still else frozenset())
    return frozenset(revived)


def purposes_ended(policy: Policy, acq: Acquisition) -> bool:
    """Is ``acq`` past retention because its purposes ended (each had a last day and no
    period of its own), not because a period ran out? The report's reason and a request's
    investigation both say which, so both ask this."""
    declared = [p for p in acq.purposes if p in policy.purposes]
    return bool(declared) and not any(policy.retentions_of(p) for p in declared)


def _why(policy: Policy, acq: Acquisition) -> str:
    if not any(p in policy.purposes for p in acq.purposes):
        return (
            f"purposes {sorted(acq.purposes)} no longer declared by policy {policy.version} "
            "(a legal duty a dropped purpose declared is not known: retire a purpose with "
            "`ends` to keep it)"
        )
    if purposes_ended(policy, acq):
        declared = [p for p in sorted(acq.purposes) if p in policy.purposes]
        return f"purposes {declared} ended"
    return f"retention of {sorted(acq.purposes)} ended"


def kept_past_duty(
    policy: Policy,
    facts: SubjectFacts | None,
    acq: Acquisition,
    deletions: Collection[str],
    now: datetime,
) -> RetentionEntry | None:
    """``acq``'s items a deletion request kept under a legal duty that has ended for
    every acquisition of them the request reached. ``deletions`` are the ids of the
    deletion requests among the person's restrictions: their suspensions of use are how
    a deletion keeps what a duty obliges keeping."""
    if facts is None:
        return None
    held = kept_items(acq, facts.restrictions, now)  # not what a later deletion took
    due: dict[str, datetime] = {}
    for r in facts.restrictions:
        kept_here = (
            r.kind is RestrictionKind.SUSPEND_USE
            and r.request_id in deletions
            and acq.acquired_at <= r.since
        )
        if not kept_here:
            continue
        for item in sorted(held & r.items if r.items else held):
            reached = [
                a for a in facts.acquisitions if item in a.items and a.acquired_at <= r.since
            ]
            ends = [policy.duty_end(item, a.purposes, a.acquired_at) for a in reached or [acq]]
            if all(e is not None and e <= now for e in ends):
                due[item] = max(e for e in ends if e is not None)
    if not due:
        return None
    return RetentionEntry(
        acq.subject_id,
        acq.id,
        frozenset(due),
        max(due.values()),
        frozenset(),
        "kept on a deletion request under a legal retention duty that has ended",
    )
