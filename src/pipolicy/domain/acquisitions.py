"""Acquisitions: the record of what was collected, how, and for which notified purposes."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

__all__ = ["Acquisition", "Channel"]


class Channel(str, enum.Enum):
    """How the data reached the business (R-ACQ-1; seed 001 §1)."""

    WEB = "web"
    SOCIAL_MEDIA = "social_media"
    EMAIL = "email"
    MAIL = "mail"
    TELEPHONE = "telephone"
    ORAL = "oral"
    PROVIDED_BY_BUSINESS = "provided_by_business"
    SUCCESSION = "succession"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Acquisition:
    """One collection event (R-ACQ-1, R-NTC-1).

    The purposes named here are the purposes notified for these items (Art. 21): they
    define the scope of use. ``policy_version`` is the version whose notice was shown.
    ``source`` says where the data came from (``"signup-form"``, a provider's name).
    """

    id: str
    subject_id: str
    items: frozenset[str]
    purposes: frozenset[str]
    channel: Channel
    source: str
    acquired_at: datetime
    policy_version: str
    opted_in: frozenset[str] = frozenset()
    provider_address: str | None = None
    provider_obtained_by: str | None = None
    provider_representative: str | None = attrs.field(default=None, metadata={"omit_default": True})
    """For data received from another business: its representative, as confirmed on
    receipt (Art. 30(1)(i)). Recorded since revision 0011; before, only in the
    ``acquisition.recorded`` event."""
