"""Consents: what the person allowed, with evidence and a lifecycle (R-CON-1..3)."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from pipolicy.domain import checks
from pipolicy.domain.screening import screened, withheld
from pipolicy.errors import InvalidInput, InvalidTransition

__all__ = [
    "Consent",
    "ConsentScope",
    "ConsentStatus",
    "Evidence",
    "screened_evidence",
    "withheld_evidence",
]


class ConsentStatus(str, enum.Enum):
    """Where a consent stands: given, then only ended, never revived (R-CON-1)."""

    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    REFUSED = "refused"
    REVOKED = "revoked"

    def __str__(self) -> str:
        return self.value


# A consent is given once and then only ends; an ended consent is never revived
# (a new consent is a new record).
_TRANSITIONS: dict[ConsentStatus, frozenset[ConsentStatus]] = {
    ConsentStatus.GIVEN: frozenset(
        {ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED, ConsentStatus.REVOKED}
    ),
    ConsentStatus.WITHDRAWN: frozenset(),
    ConsentStatus.EXPIRED: frozenset(),
    ConsentStatus.REFUSED: frozenset(),
    ConsentStatus.REVOKED: frozenset(),
}


DECLINED = frozenset({ConsentStatus.WITHDRAWN, ConsentStatus.REFUSED})
"""The statuses by which the person says no (see :attr:`Consent.declines_provision`)."""


def _a_string(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    """attrs validator: a string. How long it is and what it holds are checked where the
    evidence is given: refused with a yes (:func:`screened_evidence`), withheld with a
    no (:func:`withheld_evidence`), which is recorded whatever came with it (R-CON-2)."""
    if not isinstance(value, str):
        raise InvalidInput(
            f"evidence.{attribute.name} must be a string, got {type(value).__name__}"
        )


@attrs.frozen
class Evidence:
    """How the consent was obtained: method, a reference to the artefact, who gave it.

    ``method``, ``ref`` and ``foreign_info`` go into every event of the consent, in the
    append-only audit log: the business's words and references (``"web-form"``,
    ``"signup-v3"``), never personal data (see :func:`screened_evidence`). The repr
    leaves ``ref`` and ``foreign_info`` out."""

    method: str = attrs.field(validator=_a_string)
    ref: str = attrs.field(default="", validator=_a_string, repr=False)
    given_by: str = attrs.field(default="person", validator=checks.one_of(("person", "agent")))
    foreign_info: str = attrs.field(
        default="", validator=_a_string, repr=False, metadata={"omit_default": True}
    )
    """For provision abroad: what the person was shown about the recipient's country, its
    system for protecting personal information and the recipient's measures, before
    consenting (``"notice-foreign-v2"``; Art. 28(2), R-XB-1)."""
    foreign_country: str = attrs.field(
        default="", validator=checks.text, metadata={"omit_default": True}
    )
    """The country ``foreign_info`` was about (ISO 3166 code), which ``grant_consent``
    fills in from the recipient's country: such a consent covers provision to that country
    only (PPC Rules Art. 17(1)). Empty where no foreign country was shown (the recipient
    was in Japan) or on a consent recorded before it was kept: such a consent covers
    provision to no foreign country (:meth:`informs_of`)."""

    def informs_of(self, country: str) -> bool:
        """Was the person shown the information on ``country`` before consenting (Art.
        28(2), PPC Rules Art. 17(1))? Only where it is recorded as about that country:
        information that names none is taken to be about none, never about wherever the
        recipient is now (it may have been in Japan, or elsewhere, then)."""
        return bool(self.foreign_info) and bool(country) and self.foreign_country == country


def screened_evidence(evidence: Evidence) -> Evidence:
    """``evidence``, refused (:class:`~pipolicy.errors.InvalidInput`) where its text
    plainly holds personal data (:mod:`pipolicy.domain.screening`): it goes into the
    audit log, which a deletion cannot erase. Called where evidence is given (a grant, a
    refusal, a withdrawal, an import), not by the class: records read back from a store
    are as they were written."""
    for field in ("method", "ref", "foreign_info"):
        screened(
            checks.clean_text(getattr(evidence, field), f"evidence.{field}"), f"evidence.{field}"
        )
    return evidence


def withheld_evidence(evidence: Evidence) -> tuple[Evidence, tuple[tuple[str, str], ...]]:
    """The evidence of a no (a refusal, a withdrawal): ``evidence`` with each text that
    plainly holds personal data replaced by a marker (:func:`~pipolicy.domain.screening.withheld`),
    and which fields were withheld, each with what it looked like. A no is never lost to
    the screen (R-CON-2): refusing it would leave the consent allowing what the person
    took back."""
    changes: dict[str, str] = {}
    found: list[tuple[str, str]] = []
    for field in ("method", "ref", "foreign_info"):
        kept, kind = withheld(getattr(evidence, field))
        if kind is not None:
            changes[field] = kept
            found.append((f"evidence.{field}", kind))
    return (attrs.evolve(evidence, **changes) if changes else evidence), tuple(found)


@attrs.frozen
class ConsentScope:
    """What a consent covers: a purpose (use), or a recipient with items (provision).

    An empty ``items`` set on a purpose scope covers every item of that purpose.
    """

    purpose: str | None = None
    recipient: str | None = None
    items: frozenset[str] = frozenset()

    def covers_items(self, items: frozenset[str]) -> bool:
        return not self.items or items <= self.items

    def meets(self, other: ConsentScope) -> bool:
        """Do the two scopes share something a no to one takes back of the other (R-CON-2):
        the same purpose or recipient, and items that meet (an empty set is every item)?"""
        return (
            self.purpose == other.purpose
            and self.recipient == other.recipient
            and (not self.items or not other.items or bool(self.items & other.items))
        )


@attrs.frozen
class Consent:
    """One consent record. ``version`` increases with each change (optimistic locking)."""

    id: str
    subject_id: str
    scope: ConsentScope
    status: ConsentStatus
    evidence: Evidence
    policy_version: str
    given_at: datetime
    expires_at: datetime | None = None
    ended_at: datetime | None = None
    version: int = 1

    def active_at(self, at: datetime) -> bool:
        """Was the consent in force at ``at``: given by then, not yet ended or expired?

        Works for any moment, past ones included (investigations ask about the time of a
        recorded use); a refused consent was never in force.
        """
        if self.status is ConsentStatus.REFUSED or self.given_at > at:
            return False
        if self.ended_at is not None and self.ended_at <= at:
            return False
        if self.status is not ConsentStatus.GIVEN and self.ended_at is None:
            return False  # ended at an unknown time: never count on it (fail closed)
        return self.expires_at is None or at < self.expires_at

    def is_active(self, now: datetime) -> bool:
        """In force at ``now`` (see :meth:`active_at`)."""
        return self.active_at(now)

    @property
    def declines_provision(self) -> bool:
        """The person said no to provision to the scope's recipient: refused it, or
        withdrew a consent to it. Opt-out provision to that recipient then stops, as it
        would on their request (Art. 27(2), R-TPP-8). An expiry or a revocation by the
        business is not the person saying no."""
        return self.scope.recipient is not None and self.status in DECLINED

    @property
    def declines_purpose(self) -> bool:
        """The person said no to use for the scope's purpose: refused it, or withdrew a
        consent to it. For a purpose that needs their permission (R-USE-7), data a merger
        brought in is then no longer used on the predecessor's purpose (R-USE-6) until
        they consent again. An expiry or a revocation by the business is not the person
        saying no."""
        return (
            self.scope.recipient is None
            and self.scope.purpose is not None
            and self.status in DECLINED
        )

    @property
    def replaced(self) -> bool:
        """Ended by the person consenting again to its scope before its term ran out: a
        grant that lasts longer, or comes with foreign information, or follows a deletion
        or a change of purpose that narrowed or voided it (``rules.renewal``). The store
        records it ``expired``, the one end that is no one's no; it is told apart from a
        consent whose term ran out by ending before its expiry (or having none), so a
        receipt or a disclosure never says its term ran out, and a withdrawal naming it
        reaches the consent that took its place (R-CON-2)."""
        return (
            self.status is ConsentStatus.EXPIRED
            and self.ended_at is not None
            and (self.expires_at is None or self.ended_at < self.expires_at)
        )

    @property
    def term_ended_at(self) -> datetime | None:
        """When a consent whose term ran out ended, as the person reads it: its expiry,
        though the store may record its end later (when a new grant of its scope found
        it lapsed); ``None`` for any other consent."""
        if self.status is not ConsentStatus.EXPIRED or self.replaced:
            return None
        return self.expires_at or self.ended_at

    @property
    def said_no_at(self) -> datetime:
        """When the person said no: the instant it ended (a refusal ends as it is made)."""
        return self.ended_at or self.given_at

    def transition(self, status: ConsentStatus, at: datetime) -> Consent:
        """Return the consent moved to ``status``; raise :class:`InvalidTransition` if it cannot."""
        if status not in _TRANSITIONS[self.status]:
            raise InvalidTransition(
                f"consent {self.id} is {self.status.value} and cannot become {status.value}; "
                "record a new consent instead"
            )
        return attrs.evolve(self, status=status, ended_at=at, version=self.version + 1)
