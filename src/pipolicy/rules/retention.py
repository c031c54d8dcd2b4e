"""When data is past the retention its policy sets (R-ACC-1, Art. 22): one definition for
the checks and the retention report.

Art. 22 asks a business to delete personal data without delay once its use is no longer
necessary, and the policy says when that is: a purpose's retention period (its own or its
service's) counted from collection, from the person leaving or from the purpose's last
day, or a purpose's last day alone (:meth:`Policy.retention_due`). An acquisition only for
purposes the policy does not declare (it dropped them, or an import named one it never
had) is needed by no purpose at all, so it is due at once: from the day the policy took
effect (its ``revised`` day, the latest the purpose can have been dropped), or from its
acquisition if later (:func:`due_at`). An acquisition is past its retention from that
instant (:func:`past_due`); an item of the person is past retention when acquisitions
keep it (no deletion took it) and none of them still needs it (:func:`needed`,
:func:`lapsed`). The retention report lists exactly these items
(:mod:`pipolicy.retention`); the checks deny them (:func:`lapsed_reasons`), on consent
too, so data collected for a dropped purpose is never put to another use; a deletion or
suspension request's investigation finds them no longer needed (Art. 35(5),
:mod:`pipolicy.requests.investigation`).

A legal retention duty keeps such data (the report's ``legal_hold``, :func:`kept_for_law`)
without making it usable again: keeping is all the law asks (seed 004 L25 "we will hold
for reasons of storage period prescribed by the law"; seed 001 L162). What stays open is
what the duty is for: the purpose that declares it (``Purpose.legal_retention``, e.g.
accounting records, :func:`duty_of`), a successor that takes the business over with its
duties (Art. 27(5)(ii)), and whatever the law itself requires, which an exemption claims
(Art. 18(3)(i), 27(1)(i)). A duty declared on an item (``DataItem.legal_retention``)
names no purpose: only an exemption reaches it.

Each of these reads the person's compiled state only (:func:`~pipolicy.domain.facts.compact`),
which is enough: the instant data falls due grows with the instant it was acquired (a
retention counts from collection, or from an instant no earlier), the latest of alike
acquisitions keeps whatever an earlier one keeps (a deletion takes what came before it),
and a duty counted from collection ends last for it, so whether *some* acquisition of
the same items for the same purposes still needs, keeps or holds for the law an item is
answered by the latest alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.decisions import Because
from pipolicy.domain.facts import SubjectFacts
from pipolicy.policy.model import Policy
from pipolicy.rules import reasons as R
from pipolicy.rules.common import kept_items

__all__ = ["due_at", "duty_of", "kept_for_law", "lapsed", "lapsed_reasons", "needed", "past_due"]

_NONE: frozenset[str] = frozenset()


def due_at(policy: Policy, acq: Acquisition, left_at: datetime | None) -> datetime | None:
    """When ``acq``'s data falls due for deletion, if ever (None while a purpose the policy
    declares keeps it with no period, or its clock has not started).

    For an acquisition only for purposes the policy does not declare (R-USE-2), the start
    of the policy's ``revised`` day in its time zone: when the version without them took
    effect, so the purpose was dropped by then at the latest (we cannot know how much
    earlier; a later revision moves the day later, never earlier than the truth allows).
    Data acquired after that day (an engine still on the old version) is due when
    acquired."""
    if not _declared(policy, acq):
        return max(acq.acquired_at, policy.day_start(policy.revised))
    if acq.purposes & policy.kept_while_needed:  # what retention_due says, without counting
        return None
    return policy.retention_due(acq.purposes, acq.acquired_at, left_at)


def past_due(
    policy: Policy, acq: Acquisition, left_at: datetime | None, now: datetime
) -> datetime | None:
    """When ``acq``'s retention passed (:func:`due_at`), if it has by ``now``; None while
    the policy still needs its data."""
    due = due_at(policy, acq, left_at)
    return due if due is not None and due <= now else None


def _all_declared(policy: Policy, acquisitions: Iterable[Acquisition]) -> bool:
    """Is every acquisition for some purpose the policy declares (:func:`_declared` of
    each, inlined)? Written out (no generator): every check asks it."""
    declared = policy.purposes.keys()
    for acq in acquisitions:  # noqa: SIM110 - all() over a generator costs 1 µs more
        if declared.isdisjoint(acq.purposes):
            return False
    return True


def _declared(policy: Policy, acq: Acquisition) -> bool:
    """Was ``acq`` made for a purpose the policy declares? One for none keeps its items for
    nothing (R-USE-2: the policy dropped the purpose, or an import named one it never
    had): it keeps no item needed, and is due at once (:func:`due_at`)."""
    return not policy.purposes.keys().isdisjoint(acq.purposes)


def needed(policy: Policy, facts: SubjectFacts, now: datetime) -> frozenset[str]:
    """The person's items some acquisition keeps (no deletion took them) for a purpose
    that still needs them at ``now``: never past retention, whatever else holds them."""
    left = facts.subject.left_at
    found: set[str] = set()
    for acq in facts.acquisitions:
        if _declared(policy, acq) and past_due(policy, acq, left, now) is None:
            found |= kept_items(acq, facts.restrictions, now)
    return frozenset(found)


def lapsed(
    policy: Policy,
    facts: SubjectFacts,
    items: frozenset[str],
    now: datetime,
    *,
    of: Acquisition | None = None,
) -> frozenset[str]:
    """Of ``items``, those past retention at ``now``: kept by an acquisition past its
    retention (``of``, else any of the person's) and by none that still needs them
    (:func:`needed`).

    The report asks it of each acquisition (``of``, whose items it lists), a check of the
    items it is asked about: the union of the first over the person's acquisitions is the
    second."""
    if not policy.lapsing_purposes and _all_declared(policy, facts.acquisitions):
        return _NONE  # nothing can fall due (the common case, on every check's path)
    left = facts.subject.left_at
    restrictions = facts.restrictions
    past: set[str] = set()
    live: set[str] = set()
    if of is not None:
        if past_due(policy, of, left, now) is None:
            return _NONE
        past |= kept_items(of, restrictions, now) & items
    wanted: set[str] | frozenset[str] = past if of is not None else items
    for acq in facts.acquisitions:
        if not acq.items & wanted or (of is not None and acq.id == of.id):
            continue
        if past_due(policy, acq, left, now) is not None:
            if of is None:
                past |= kept_items(acq, restrictions, now) & items
        elif _declared(policy, acq):  # one not due yet for no purpose needs nothing
            live |= kept_items(acq, restrictions, now)
            if wanted <= live:
                return _NONE
    return frozenset(past - live)


def kept_for_law(policy: Policy, item: str, acq: Acquisition, now: datetime) -> bool:
    """Does a legal retention duty (on the item, or on a purpose ``acq`` was for) oblige
    keeping ``acq``'s ``item`` at ``now``? (The report's ``legal_hold``.)"""
    duty = policy.retention_duty(item, acq.purposes, acquired_at=acq.acquired_at, at=now)
    return duty is not None


def duty_of(policy: Policy, purpose: str, item: str, acq: Acquisition, now: datetime) -> bool:
    """Is ``acq``'s ``item`` kept at ``now`` under a legal duty ``purpose`` itself declares,
    ``acq`` being for it? Then the purpose is what the duty keeps the data for."""
    p = policy.purposes.get(purpose)
    if p is None or not p.legal_retention or purpose not in acq.purposes:
        return False
    if item not in p.all_items:
        return False
    period = p.legal_retention_period
    return period is None or policy.period_end(acq.acquired_at, period) > now


def lapsed_reasons(
    policy: Policy,
    facts: SubjectFacts,
    items: frozenset[str],
    now: datetime,
    *,
    purpose: str | None,
    successor: bool = False,
) -> tuple[Because, ...]:
    """Why ``items`` may not be used or provided for ``purpose`` (to a ``successor``), if
    some are past retention: those due for deletion, then those kept only for the law
    that neither ``purpose`` declares a duty for nor a successor takes over. Empty when
    none stands in the way. Exemptions are decided before (the law reaches the data)."""
    gone = lapsed(policy, facts, items, now)
    if not gone:
        return ()
    pairs = ((a, kept_items(a, facts.restrictions, now) & gone) for a in facts.acquisitions)
    keeping = [(a, kept) for a, kept in pairs if kept]
    held = frozenset(i for a, kept in keeping for i in kept if kept_for_law(policy, i, a, now))
    if successor:
        allowed = held
    elif purpose is not None:
        allowed = frozenset(
            i for a, kept in keeping for i in kept & held if duty_of(policy, purpose, i, a, now)
        )
    else:
        allowed = _NONE
    reasons: list[Because] = []
    due = gone - held
    if due:
        reasons.append(R.retention_passed(due, _since(policy, facts, keeping, due, now)))
    for_law = held - allowed
    if for_law:
        reasons.append(R.legal_hold_only(for_law, _since(policy, facts, keeping, for_law, now)))
    return tuple(reasons)


def _since(
    policy: Policy,
    facts: SubjectFacts,
    keeping: Iterable[tuple[Acquisition, frozenset[str]]],
    items: Iterable[str],
    now: datetime,
) -> str:
    """The day (in the policy's time zone) the last acquisition keeping ``items`` fell
    due by ``now``: from then on, each of them was past retention."""
    wanted = set(items)
    left = facts.subject.left_at
    dues = [past_due(policy, a, left, now) for a, kept in keeping if kept & wanted]
    return policy.local_date(max(d for d in dues if d is not None)).isoformat()
