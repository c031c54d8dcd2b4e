"""What a decision about one person rests on, read in one call (R-USE-1, R-TPP-1).

A domain type, so the rules depend on the domain and the policy only, never on storage.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import datetime

import attrs

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus
from pipolicy.domain.restrictions import Restriction
from pipolicy.domain.subjects import Subject

__all__ = [
    "SubjectFacts",
    "compact",
    "decided",
    "latest_no_to_purpose",
    "noes_to",
    "when_declined",
    "with_acquisition",
    "with_consent",
    "with_restriction",
    "with_subject",
]


@attrs.frozen
class SubjectFacts:
    """The subject with its acquisitions, consents and restrictions, in the order added.

    For a decision, ``consents`` may hold only those still given and, for each recipient
    and each purpose, the latest by which the person said no to it (:func:`decided`): any
    other ended consent never changes a decision, and leaving them out keeps a check's
    cost independent of how many consents a person has withdrawn (see
    ``UnitOfWork.facts``).
    """

    subject: Subject
    acquisitions: tuple[Acquisition, ...]
    consents: tuple[Consent, ...]
    restrictions: tuple[Restriction, ...]

    @functools.cached_property
    def held_items(self) -> frozenset[str]:
        """Every item acquired from the person: computed on first read and kept with
        the facts, since a store keeps a person's state for many checks."""
        found: set[str] = set()
        for acq in self.acquisitions:
            found |= acq.items
        return frozenset(found)


def compact(facts: SubjectFacts) -> SubjectFacts:
    """The person's compiled state: what a decision reads, whatever the history's length.

    Consents still given, the latest refusal or withdrawal of provision to each recipient
    and of use for each purpose (:func:`decided`), and of acquisitions alike in everything
    a rule reads (items, purposes, channel, how a provider obtained and gave them (data
    received by opt-out is never provided by opt-out again, R-TPP-8), and the policy
    version they were made under, which decides whether they count under a purpose's new
    meaning, R-CON-3) only the latest. The rules ask of acquisitions only whether one *at
    or after* some instant holds some items for some purpose (the purpose's current
    meaning, a deletion they came after), so the
    latest of alike acquisitions answers every such question as all of them would: the
    state gives the decisions the history gives, and a person acquired from at every
    login costs a check what a person acquired from once does. Derived, so stores may
    keep it (updated with each write) and rebuild it from the history at any time.

    The decisions are the history's for any moment from the person's latest write on,
    which is every moment a check asks about while the clock goes forward. A clock set
    back before a consent ended would find it in force in the history and not here:
    the state then denies where the history allows, never the other way round (it leaves
    out only consents that are neither given nor the latest no to a recipient or a
    purpose, and acquisitions alike to a later one; the rules allow more only with more
    given consents or acquisitions, and a no to a recipient denies whichever of them is
    kept).

    Of a person's noes to a purpose the rules ask only whether there is one, whenever it
    was said, and when and how the latest was (:func:`latest_no_to_purpose`: the
    predecessor's purpose no longer allows use for a purpose that needs permission,
    R-USE-6, R-USE-7): the latest answers that as all of them would, at any moment, so
    for these the state and the history agree even on a clock set back.
    """
    latest: dict[tuple[object, ...], Acquisition] = {}
    for a in facts.acquisitions:
        key = (
            a.items,
            a.purposes,
            a.channel,
            a.provider_obtained_by,
            a.provider_basis,
            a.policy_version,
        )
        kept = latest.get(key)
        if kept is None or a.acquired_at >= kept.acquired_at:
            latest[key] = a
    return SubjectFacts(
        facts.subject,
        tuple(latest.values()) if len(latest) < len(facts.acquisitions) else facts.acquisitions,
        decided(facts.consents),
        facts.restrictions,
    )


def decided(consents: Iterable[Consent]) -> tuple[Consent, ...]:
    """Of ``consents``, what a decision reads: those still given, in order, then for each
    recipient (by name) the latest consent by which the person declined provision to it
    (:attr:`~pipolicy.domain.consents.Consent.declines_provision`), which stops opt-out
    provision to it, then for each purpose (by name) the latest by which they said no to
    use for it (:attr:`~pipolicy.domain.consents.Consent.declines_purpose`), which closes
    the predecessor's purpose to a purpose that needs their permission. One per recipient
    and per purpose at most, so a person who says yes and no many times costs a check
    what one no does."""
    given = []
    to_recipient: dict[str, Consent] = {}
    to_purpose: dict[str, Consent] = {}
    for c in consents:
        if c.status is ConsentStatus.GIVEN:
            given.append(c)
            continue
        if c.declines_provision:
            noes, name = to_recipient, c.scope.recipient
        elif c.declines_purpose:
            noes, name = to_purpose, c.scope.purpose
        else:
            continue
        assert name is not None  # a no is to a recipient or to a purpose
        kept = noes.get(name)
        if kept is None or when_declined(c) >= when_declined(kept):
            noes[name] = c
    return (
        *given,
        *(to_recipient[r] for r in sorted(to_recipient)),
        *(to_purpose[p] for p in sorted(to_purpose)),
    )


def when_declined(c: Consent) -> tuple[datetime, str]:
    """The order of a person's noes: the latest is the one :func:`decided` keeps (the id
    settles two at the same instant, so a state and the history keep the same)."""
    return (c.said_no_at, c.id)


def latest_no_to_purpose(consents: Iterable[Consent], purpose: str) -> Consent | None:
    """Of ``consents``, the latest by which the person said no to use for ``purpose``
    (refused or withdrew, whatever items it named; the one :func:`decided` keeps), or
    ``None`` if they never did."""
    noes = [c for c in consents if c.declines_purpose and c.scope.purpose == purpose]
    return max(noes, key=when_declined, default=None)


def last_word_no(
    consents: Iterable[Consent], purpose: str, items: frozenset[str]
) -> Consent | None:
    """The person's refusal or withdrawal of consent to ``purpose``, if it is their latest
    word on ``items`` for it: no consent to them given since (in force or lapsed). Reads
    only what a compiled state keeps (consents given, the latest no per purpose), so
    the state and the history say the same."""
    held = tuple(consents)
    return _unless_said_yes_since(
        held,
        latest_no_to_purpose(held, purpose),
        items,
        lambda scope: scope.purpose == purpose and scope.recipient is None,
    )


def last_word_no_to_recipient(
    consents: Iterable[Consent], recipient: str, items: frozenset[str]
) -> Consent | None:
    """:func:`last_word_no` for provision to ``recipient``: the state keeps the latest no
    per recipient, as it does per purpose."""
    held = tuple(consents)
    no = max(noes_to(held, recipient), key=when_declined, default=None)
    return _unless_said_yes_since(held, no, items, lambda scope: scope.recipient == recipient)


def _unless_said_yes_since(
    held: tuple[Consent, ...],
    no: Consent | None,
    items: frozenset[str],
    same: Callable[[ConsentScope], bool],
) -> Consent | None:
    """``no``, if it meets ``items`` and no consent of the ``same`` scope that meets them
    was given since (a consent the no did not end came after it)."""
    if no is None or (no.scope.items and not no.scope.items & items):
        return None
    for c in held:
        if (
            c.status is ConsentStatus.GIVEN
            and same(c.scope)
            and c.given_at >= no.said_no_at
            and (not c.scope.items or c.scope.items & items)
        ):
            return None
    return no


def noes_to(consents: Iterable[Consent], recipient: str | None) -> list[Consent]:
    """Of ``consents``, those by which the person said no to provision to ``recipient``."""
    return [c for c in consents if c.declines_provision and c.scope.recipient == recipient]


def with_consent(state: SubjectFacts, consent: Consent) -> SubjectFacts:
    """``state`` once ``consent`` is added or updated: in it while given, out once ended,
    unless it is the person's latest no to its recipient or purpose (what
    :func:`compact` of the history would then give)."""
    held = state.consents
    if all(c.id != consent.id for c in held):
        held = (*held, consent)
    else:
        held = tuple(consent if c.id == consent.id else c for c in held)
    return attrs.evolve(state, consents=decided(held))


def with_acquisition(state: SubjectFacts, acquisition: Acquisition) -> SubjectFacts:
    """``state`` once ``acquisition`` is added."""
    return compact(attrs.evolve(state, acquisitions=(*state.acquisitions, acquisition)))


def with_restriction(state: SubjectFacts, restriction: Restriction) -> SubjectFacts:
    """``state`` once ``restriction`` is added."""
    return attrs.evolve(state, restrictions=(*state.restrictions, restriction))


def with_subject(state: SubjectFacts, subject: Subject) -> SubjectFacts:
    """``state`` once its subject record changed (the person left)."""
    return attrs.evolve(state, subject=subject)
