"""One consent per scope in force: what a new grant does to the consents already held.

A retried sign-up or a second click must not pile consents up (at most one in force per
scope, kept by the store too), and a grant that lasts longer renews the one it replaces.
So does a grant given after the person was shown foreign information (Art. 28) the
consent in force was not given with: that consent is what makes provision abroad lawful,
and it must not be lost as if it were a retry.
``grant_consent`` and the bulk import both ask this one pure function.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

import attrs

from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.domain.restrictions import Restriction
from pipolicy.policy.model import Policy
from pipolicy.rules.common import in_force, outlived_consents

__all__ = ["in_place_of", "informed", "renewal"]


def informed(policy: Policy, scope: ConsentScope, evidence: Evidence) -> Evidence:
    """``evidence`` with the country its foreign information is about: the recipient's,
    as the policy places it now, unless the caller named one (PPC Rules Art. 17(1): the
    person is told the country's name and system, so a consent given so covers that
    country only). For a recipient in Japan it stays empty: no foreign country was
    shown, and such a consent covers none if the recipient moves abroad
    (:meth:`Evidence.informs_of`). The caller says when "now" is: an import of a consent
    given under an earlier version of the policy does not ask (the recipient may have
    been elsewhere then)."""
    recipient = policy.recipients.get(scope.recipient or "")
    country = "" if recipient is None else recipient.country
    if not evidence.foreign_info or evidence.foreign_country or country in ("", "JP"):
        return evidence
    return attrs.evolve(evidence, foreign_country=country)


def _shown(evidence: Evidence) -> tuple[str, str]:
    """What the person was shown about a country abroad, and which country."""
    return evidence.foreign_info, evidence.foreign_country


def renewal(
    policy: Policy,
    held: Iterable[Consent],
    scope: ConsentScope,
    expires: datetime | None,
    now: datetime,
    evidence: Evidence | None = None,
    restrictions: Collection[Restriction] = (),
) -> tuple[Consent | None, list[Consent]]:
    """Granting ``scope`` until ``expires`` at ``now`` with ``evidence``, given the
    consents ``held`` and the person's ``restrictions``.

    Returns the consent already in force for at least as long (then nothing new is
    recorded) or ``None``, and the given consents of that scope the grant ends, as
    ``expired``: lapsed or void ones (their expiry passed, their purpose changed beyond
    relevance), one a later deletion on request narrowed (it no longer reaches the
    items the person gave again, R-REQ-7: the person agreeing again is no retry), and
    the one a longer grant, or one given with foreign information the held one lacks
    (``evidence.foreign_info``, or about another country), replaces. Those whose term
    had not run out read as renewed, not expired
    (:attr:`~pipolicy.domain.consents.Consent.replaced`).
    """
    ended: list[Consent] = []
    held = tuple(held)
    narrowed = outlived_consents(policy, held, restrictions, now) if restrictions else ()
    for consent in held:
        if not _same(policy, consent.scope, scope) or consent.status is not ConsentStatus.GIVEN:
            continue
        if in_force(policy, consent, now) and consent.id not in narrowed:
            until = consent.expires_at
            lasts = until is None or (expires is not None and expires <= until)
            shown = ("", "") if evidence is None else _shown(evidence)
            if lasts and (not shown[0] or shown == _shown(consent.evidence)):
                return consent, ended
        ended.append(consent.transition(ConsentStatus.EXPIRED, now))
    return None, ended


def in_place_of(
    policy: Policy, named: Consent, held: Iterable[Consent], now: datetime
) -> tuple[Consent, ...]:
    """The consent of ``held`` in force at ``now`` in the place of ``named``, where a
    grant of its scope replaced it (:attr:`~pipolicy.domain.consents.Consent.replaced`):
    the one that took its place, or, renewed again since, the one that took that one's,
    and so on. The person holds ``named``'s receipt, and a withdrawal naming it means
    the consent they have now for the same (R-CON-2). None where the chain ends
    otherwise: at a consent that lapsed, that the person withdrew or the business
    revoked; a yes given after that is the person's later word, not the consent named."""
    held = tuple(held)
    current, seen = named, {named.id}
    while current.replaced:
        ended = current.ended_at
        successor = next(
            (
                c
                for c in held
                if c.id not in seen
                and c.subject_id == named.subject_id
                and (_same(policy, c.scope, named.scope) or _same(policy, named.scope, c.scope))
                # the grant that ended it: in force from (at the latest) that instant on
                and ended is not None
                and c.given_at <= ended
                and (c.ended_at is None or c.ended_at > ended)
            ),
            None,
        )
        if successor is None:
            return ()
        if successor.is_active(now):
            return (successor,)
        current = successor
        seen.add(current.id)
    return ()


def _same(policy: Policy, held: ConsentScope, scope: ConsentScope) -> bool:
    """Is ``held`` the scope a grant of ``scope`` would record? Also a consent to a
    whole purpose recorded before grants named its items (none: every item) when the
    grant is of the whole purpose now: a retried sign-up must find it, not record a
    second consent in force beside it (which a withdrawal of the one returned would
    then leave standing)."""
    if held == scope:
        return True
    whole = policy.purposes.get(scope.purpose or "")
    return (
        whole is not None
        and not held.items
        and held.purpose == scope.purpose
        and held.recipient is None
        and scope.items == whole.all_items
    )
