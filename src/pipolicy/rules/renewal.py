"""One consent per scope in force: what a new grant does to the consents already held.

A retried sign-up or a second click must not pile consents up (at most one in force per
scope, kept by the store too), and a grant that lasts longer renews the one it replaces.
So does a grant given after the person was shown foreign information (Art. 28) the
consent in force was not given with: that consent is what makes provision abroad lawful,
and it must not be lost as if it were a retry.
``grant_consent`` and the bulk import both ask this one pure function.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.policy.model import Policy
from pipolicy.rules.common import in_force

__all__ = ["renewal"]


def renewal(
    policy: Policy,
    held: Iterable[Consent],
    scope: ConsentScope,
    expires: datetime | None,
    now: datetime,
    evidence: Evidence | None = None,
) -> tuple[Consent | None, list[Consent]]:
    """Granting ``scope`` until ``expires`` at ``now`` with ``evidence``, given the
    consents ``held``.

    Returns the consent already in force for at least as long (then nothing new is
    recorded) or ``None``, and the given consents of that scope the grant ends, as
    ``expired``: lapsed or void ones (their expiry passed, their purpose changed beyond
    relevance), and the one a longer grant, or one given with foreign information the
    held one lacks (``evidence.foreign_info``), replaces.
    """
    ended: list[Consent] = []
    for consent in held:
        if consent.scope != scope or consent.status is not ConsentStatus.GIVEN:
            continue
        if in_force(policy, consent, now):
            until = consent.expires_at
            lasts = until is None or (expires is not None and expires <= until)
            shown = evidence is not None and evidence.foreign_info
            if lasts and (not shown or shown == consent.evidence.foreign_info):
                return consent, ended
        ended.append(consent.transition(ConsentStatus.EXPIRED, now))
    return None, ended
