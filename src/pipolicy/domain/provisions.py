"""Provision records (Art. 29, R-REC-1)."""

from __future__ import annotations

from datetime import datetime

import attrs

from pipolicy.domain.decisions import Basis, check_more_consents, consents_rested_on
from pipolicy.domain.exemptions import Exemption

__all__ = ["ProvisionRecord"]


@attrs.frozen
class ProvisionRecord:
    """What was given to whom, when, on which basis.

    pipolicy keeps one for every provision. ``required_by_law`` is true when Art. 29 demands
    the record (a consent-based provision to a third party); ``keep_until`` is the end of
    the legal keeping period in that case.

    ``consent_id`` is the consent the provision rests on; ``more_consent_ids`` the
    others it needs when each covers some of the items and none all of them.
    """

    id: str
    subject_id: str
    recipient: str
    recipient_name: str
    items: frozenset[str]
    purpose: str | None
    basis: Basis
    provided_at: datetime
    required_by_law: bool
    keep_until: datetime | None = None
    consent_id: str | None = None
    exemption: Exemption | None = None
    justification: str | None = None
    country: str = attrs.field(default="", metadata={"omit_default": True})
    """Where the recipient is, an ISO 3166 code; empty for Japan (Art. 28, R-XB-1)."""
    recipient_address: str | None = attrs.field(default=None, metadata={"omit_default": True})
    """The recipient's address as the policy declared it at the provision; a record of
    provision by opt-out must hold it (PPC Rules Art. 20(1)(i)). None where the policy
    declares none (and on every record made before revision 0014)."""
    recipient_representative: str | None = attrs.field(
        default=None, metadata={"omit_default": True}
    )
    """The recipient's representative, likewise (none for an individual)."""
    more_consent_ids: tuple[str, ...] = attrs.field(default=(), metadata={"omit_default": True})
    """The consents besides ``consent_id`` the provision rests on (Art. 29): each covers
    some of the items, none all of them. Empty on every record made before it existed."""

    def __attrs_post_init__(self) -> None:
        if self.more_consent_ids:
            check_more_consents(self.consent_id, self.more_consent_ids)

    @property
    def consent_ids(self) -> tuple[str, ...]:
        """Every consent the provision rests on, :attr:`consent_id` first."""
        return consents_rested_on(self.consent_id, self.more_consent_ids)
