"""Acquisitions: the record of what was collected, how, and for which notified purposes."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

__all__ = ["Acquisition", "Channel", "EntityKind", "ReceiptBasis"]


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


class EntityKind(str, enum.Enum):
    """What a business is, for the name of a representative the Act asks of it.

    The Act asks the name of a representative "for a corporation" (法人にあっては) of
    the business publishing its policy (Art. 32(1)(i)), of the person responsible for a
    joint use (Art. 27(5)(iii)) and of a business providing data (Art. 30(1)(i)); Art.
    27(2)(i)'s parenthetical, which the other three share, counts the representative or
    manager of an association without legal personality that has one (法人でない団体で
    代表者又は管理人の定めのあるもの). An individual (a sole trader, 個人事業主) has none.
    Where the kind is not said, pipolicy holds a representative required (fail closed).
    """

    CORPORATION = "corporation"
    """A corporation (法人): its representative's name is required."""
    ASSOCIATION = "association"
    """An association or foundation without legal personality that has a representative
    or manager: that person's name is required (Art. 27(2)(i))."""
    INDIVIDUAL = "individual"
    """An individual, such as a sole trader: no representative, none to give."""

    def __str__(self) -> str:
        return self.value


class ReceiptBasis(str, enum.Enum):
    """On what the provider gave the data, as the record of receipt notes it (PPC Rules
    Art. 24(1), under Art. 30(3))."""

    CONSENT = "consent"
    """On the person's consent (Art. 27(1) or 28(1)): the record notes that the person's
    consent was obtained (Rules Art. 24(1)(ii)(a)): the provider obtained it, to provide
    the data to the business. Special care-required data so provided needs no consent of
    the business's own to acquire: the consent to the provision covers it (Art. 20(2);
    PPC General Guidelines 3-3-2)."""
    OPT_OUT = "opt_out"
    """By opt-out (Art. 27(2)): the record notes that the provider's filing is published
    under Art. 27(4) (Rules Art. 24(1)(i)(e)), which the recipient checks on the PPC's
    list; such data is never provided by opt-out again (Art. 27(2) proviso, R-TPP-8)."""
    PERSONALLY_REFERABLE = "personally_referable"
    """Personally referable information (a cookie id) acquired as personal data (Art.
    31(1)): the record notes that the person's consent under Art. 31(1)(i) was obtained
    (Rules Art. 24(1)(iii)(a)), with the provider's name, address and representative but
    not how it obtained the data."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Acquisition:
    """One collection event (R-ACQ-1, R-NTC-1).

    The purposes named here are the purposes notified for these items (Art. 21): they
    define the scope of use. ``policy_version`` is the version whose notice was shown.
    ``source`` says where the data came from (``"signup-form"``, a provider's name).

    The repr leaves out the application's text about the source and provider: a sole
    trader's name and address, or a representative's name, are personal data.
    """

    id: str
    subject_id: str
    items: frozenset[str]
    purposes: frozenset[str]
    channel: Channel
    source: str = attrs.field(repr=False)
    acquired_at: datetime
    policy_version: str
    opted_in: frozenset[str] = frozenset()
    provider_address: str | None = attrs.field(default=None, repr=False)
    provider_obtained_by: str | None = attrs.field(default=None, repr=False)
    provider_representative: str | None = attrs.field(
        default=None, repr=False, metadata={"omit_default": True}
    )
    """For data received from another business: its representative, as confirmed on
    receipt (Art. 30(1)(i)). Recorded since revision 0011; before, only in the
    ``acquisition.recorded`` event. None for an individual provider, who has none."""
    provider_kind: EntityKind | None = attrs.field(default=None, metadata={"omit_default": True})
    """What the provider is (Art. 30(1)(i)): an individual has no representative. None
    where the caller did not say (and for every receipt recorded before revision 0013)."""
    provider_basis: ReceiptBasis | None = attrs.field(default=None, metadata={"omit_default": True})
    """On what the provider gave the data: the note PPC Rules Art. 24(1) adds to the record
    of receipt. None where the caller did not say (and before revision 0013)."""

    @property
    def received_by_opt_out(self) -> bool:
        """Was this data received by opt-out provision (Art. 27(2))? Then it is never
        provided by opt-out again (R-TPP-8). ``provider_obtained_by="opt_out"`` said so
        before ``provider_basis`` did, and still does."""
        return self.provider_basis is ReceiptBasis.OPT_OUT or self.provider_obtained_by == "opt_out"
