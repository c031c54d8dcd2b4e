"""Policy declarations: controller, items, purposes, recipients, joint use, services.

A :class:`Policy` is validated when it is built: every problem is collected and raised
together as a :class:`~pipolicy.errors.PolicyError`, each with its location. Lookups the
rules need on the hot path (purpose -> items, recipient -> contract) are indexed once.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

import attrs

from pipolicy.domain import checks
from pipolicy.domain.decisions import Basis
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.requests import DocumentKind, RequestKind
from pipolicy.errors import PolicyError, UnknownItem, UnknownPurpose, UnknownRecipient

__all__ = [
    "ConsentRule",
    "Contract",
    "Controller",
    "DataItem",
    "JointUse",
    "Policy",
    "Purpose",
    "PurposeChange",
    "Recipient",
    "RecipientKind",
    "RequestSettings",
    "Service",
]


def _fs(value: Iterable[str] | str) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(value)


@attrs.frozen
class Controller:
    """The business handling the data (the "personal information handling business operator")."""

    name: str
    address: str = ""
    representative: str = ""
    contact: str = ""


@attrs.frozen
class DataItem:
    """A kind of personal information the business collects.

    ``special_care``: special care-required personal information (Art. 2(3), R-ACQ-3).
    ``identifies=False``: a personally referable identifier such as a cookie id (R-PRI-1).
    ``legal_retention``: why the law obliges keeping it (kept on deletion, R-REQ-7).
    """

    name: str
    title: str = ""
    special_care: bool = False
    identifies: bool = True
    legal_retention: str | None = None


class ConsentRule(str, enum.Enum):
    """When a purpose needs the person's permission."""

    NONE = "none"
    """Notification is enough (the law's default, Art. 21)."""
    AT_COLLECTION = "at_collection"
    """Permission before collecting and using, even within the purpose (R-USE-7)."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class PurposeChange:
    """A revision of a purpose (R-USE-2).

    ``related=True`` is a change within reasonable relevance and needs a ``statement`` of
    why. ``related=False`` makes it a new purpose: data and consents from before
    ``revised`` no longer cover it (R-CON-3).
    """

    revised: date
    related: bool
    statement: str = ""


@attrs.frozen
class Purpose:
    name: str
    title: str = ""
    items: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    optional_items: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    consent: ConsentRule = ConsentRule.NONE
    categories: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    handlers: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    links_identifiers: bool = False
    statistics: bool = False
    retention_days: int | None = None
    legal_retention: str | None = None
    changes: tuple[PurposeChange, ...] = ()
    # Derived once, since the rules read them on every decision.
    all_items: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    new_since: date | None = attrs.field(init=False, eq=False, repr=False)
    """Date of the last change beyond relevance, if any (R-CON-3)."""

    @all_items.default
    def _all_items(self) -> frozenset[str]:
        return self.items | self.optional_items

    @new_since.default
    def _new_since(self) -> date | None:
        unrelated = [c.revised for c in self.changes if not c.related]
        return max(unrelated) if unrelated else None


class RecipientKind(str, enum.Enum):
    THIRD_PARTY = "third_party"
    ENTRUSTEE = "entrustee"
    JOINT_USER = "joint_user"
    SUCCESSOR = "successor"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Contract:
    """An entrustment contract (Art. 25, R-SEC-2)."""

    confidentiality: bool = False
    security_measures: bool = False
    no_reprovision: bool = False
    valid_from: date | None = None
    until: date | None = None
    reference: str = ""

    def valid_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.until is None or day <= self.until


@attrs.frozen
class Recipient:
    """Someone the business gives data to, and under which arrangement."""

    name: str
    title: str = ""
    kind: RecipientKind = RecipientKind.THIRD_PARTY
    purposes: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    items: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    contract: Contract | None = None
    joint_use: str | None = None
    affiliate: bool = False


@attrs.frozen
class JointUse:
    """A joint use announced in advance (Art. 27(5)(iii), R-TPP-5): all five items."""

    name: str
    announced: bool = False  # (1) that data is used jointly
    items: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)  # (2)
    users: str = ""  # (3) scope of joint users
    purposes: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)  # (4)
    manager_name: str = ""  # (5) name, address and representative of the one responsible
    manager_address: str = ""
    manager_representative: str = ""
    published: date | None = None


@attrs.frozen
class Service:
    """A service groups purposes with its own window and responsible person (R-USE-10)."""

    name: str
    title: str = ""
    purposes: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    window: str = ""
    responsible: str = ""
    retention_days: int | None = None


_DEFAULT_IDS = frozenset(
    {
        DocumentKind.DRIVERS_LICENSE,
        DocumentKind.PASSPORT,
        DocumentKind.HEALTH_INSURANCE_CARD,
        DocumentKind.PENSION_BOOK,
        DocumentKind.RESIDENCE_CARD,
    }
)


@attrs.frozen
class RequestSettings:
    """How the business answers requests (R-REQ-3, R-REQ-8, R-REQ-9)."""

    response_days: int = 14
    fees: Mapping[RequestKind, int] = attrs.field(factory=dict)
    accepted_ids: frozenset[DocumentKind] = _DEFAULT_IDS
    certificate_max_age_days: int = 90
    window: str = ""


LAW_USE_EXEMPTIONS: frozenset[str] = frozenset(e.value for e in Exemption)
LAW_PROVISION_GROUNDS: frozenset[str] = frozenset(
    {b.value for b in Basis if b is not Basis.NOTIFIED_PURPOSE and b is not Basis.EXEMPTION}
    | {e.value for e in Exemption}
)


@attrs.frozen(repr=False)
class Policy:
    """A validated, versioned policy.

    Build it in code or load it with :func:`pipolicy.load_policy`. Construction raises
    :class:`~pipolicy.errors.PolicyError` listing every problem with its location.
    ``use_exemptions`` and ``provision_grounds`` may only narrow what the law allows.
    """

    controller: Controller
    version: str
    revised: date
    items: Mapping[str, DataItem]
    purposes: Mapping[str, Purpose]
    recipients: Mapping[str, Recipient] = attrs.field(factory=dict)
    joint_uses: Mapping[str, JointUse] = attrs.field(factory=dict)
    services: Mapping[str, Service] = attrs.field(factory=dict)
    categories: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    use_exemptions: frozenset[str] = attrs.field(default=LAW_USE_EXEMPTIONS, converter=_fs)
    provision_grounds: frozenset[str] = attrs.field(default=LAW_PROVISION_GROUNDS, converter=_fs)
    requests: RequestSettings = attrs.field(factory=RequestSettings)
    record_retention_years: int = 3
    statistics_min_group: int = 10
    source: str | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        from pipolicy.policy.validation import validate

        problems = validate(self)
        if problems:
            raise PolicyError(problems, self.source)

    def __repr__(self) -> str:
        return (
            f"Policy(controller={self.controller.name!r}, version={self.version!r}, "
            f"revised={self.revised.isoformat()}, purposes={sorted(self.purposes)}, "
            f"recipients={sorted(self.recipients)})"
        )

    def purpose(self, name: str) -> Purpose:
        found = self.purposes.get(checks.name(name, "purpose"))
        if found is None:
            raise UnknownPurpose(name, self.purposes)
        return found

    def recipient(self, name: str) -> Recipient:
        found = self.recipients.get(checks.name(name, "recipient"))
        if found is None:
            raise UnknownRecipient(name, self.recipients)
        return found

    def item(self, name: str) -> DataItem:
        found = self.items.get(checks.name(name, "item"))
        if found is None:
            raise UnknownItem(name, self.items)
        return found

    def check_items(self, names: frozenset[str]) -> None:
        if names <= self.items.keys():
            return
        for name in sorted(names):
            if name not in self.items:
                raise UnknownItem(name, self.items)

    def retention_duty(self, item: str, purposes: Iterable[str]) -> str | None:
        """Why the law obliges keeping ``item`` held for ``purposes``, if it does (R-REQ-7).

        A duty is declared on the item (``DataItem.legal_retention``) or on a purpose it
        was acquired for (``Purpose.legal_retention``, e.g. accounting records).
        """
        declared = self.items.get(item)
        if declared is not None and declared.legal_retention:
            return declared.legal_retention
        for name in sorted(purposes):
            purpose = self.purposes.get(name)
            if purpose is not None and purpose.legal_retention and item in purpose.all_items:
                return purpose.legal_retention
        return None

    def retention_days(self, purpose: str) -> int | None:
        """The purpose's retention period, else the longest of the services grouping it (R-USE-10)."""
        days = self.purposes[purpose].retention_days
        if days is None:
            found = [s.retention_days for s in self.services.values() if purpose in s.purposes]
            days = max((d for d in found if d is not None), default=None)
        return days

    def retention_due(
        self, purposes: Iterable[str], acquired_at: datetime, left_at: datetime | None = None
    ) -> datetime | None:
        """When data acquired for ``purposes`` is due for deletion (R-ACC-1), if ever.

        Due once every purpose has a retention period and the longest has passed since
        acquisition, or since the person left the service if that is later.
        """
        periods = [self.retention_days(p) for p in purposes if p in self.purposes]
        if not periods or any(d is None for d in periods):
            return None
        start = max(acquired_at, left_at or acquired_at)
        return start + timedelta(days=max(d for d in periods if d is not None))

    def exemption_allowed(self, exemption: Exemption, action: str) -> bool:
        allowed = self.use_exemptions if action != "provision" else self.provision_grounds
        return exemption.value in allowed
