"""Policy declarations: controller, items, purposes, recipients, joint use, services.

A :class:`Policy` is validated when it is built: every problem is collected and raised
together as a :class:`~pipolicy.errors.PolicyError`, each with its location. Lookups the
rules need on the hot path (purpose -> items, recipient -> contract) are indexed once.

Why one module of this length (about 1,220 lines, most of it field docstrings that say which
article each declaration serves): these are the types a policy file declares, read
together as one vocabulary; validation lives in ``validation.py``, loading in
``loading.py``, texts per language in ``texts.py``. The split to make when it grows:
the date and period arithmetic of :class:`Policy` (``local_date``, ``day_end``,
``response_due``, record keeping) into ``policy/calendar.py``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from pipolicy.clock import instant
from pipolicy.domain import checks
from pipolicy.domain.acquisitions import EntityKind
from pipolicy.domain.decisions import Basis
from pipolicy.domain.durations import Duration, Unit
from pipolicy.domain.exemptions import ACADEMIC, Exemption, applies
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import ID_DOCUMENTS, DocumentKind, RequestKind
from pipolicy.errors import InvalidInput, PolicyError, UnknownItem, UnknownPurpose, UnknownRecipient

__all__ = [
    "ConsentRule",
    "Contract",
    "Controller",
    "DataItem",
    "JointUse",
    "OptOut",
    "OptOutChange",
    "OptOutEnd",
    "Policy",
    "Purpose",
    "PurposeChange",
    "Recipient",
    "RecipientKind",
    "RequestSettings",
    "RetentionStart",
    "Service",
]


def _fs(value: Iterable[str] | str) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(value)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    """Published sentences, in their order (a single string is one sentence)."""
    return (value,) if isinstance(value, str) else tuple(value)


def _period(value: object) -> Duration | None:
    """A retention period: ``"30 days"``, ``"3 months"``, ``"5 years"``, ``P3M`` or days."""
    return None if value is None else Duration.parse(value, "retention")


def _calendar(value: object, what: str, bare: Unit) -> Duration:
    """``value`` as a :class:`Duration`, where a bare int counts ``bare`` units."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Duration.parse(f"{value} {bare.value}", what)
    return Duration.parse(value, what)


def _response(value: object) -> Duration:
    return _calendar(value, "response", Unit.DAYS)


def _certificate_age(value: object) -> Duration:
    return _calendar(value, "certificate_max_age", Unit.DAYS)


def _record_retention(value: object) -> Duration:
    return _calendar(value, "record_retention", Unit.YEARS)


class RetentionStart(str, enum.Enum):
    """What a retention period counts from (R-ACC-1, Art. 22)."""

    COLLECTION = "collection"
    """From each acquisition: data kept for a fixed time whatever the person does."""
    LEFT = "left"
    """From the day the person stopped using the service (``engine.mark_left``): 004 L25
    "customers who no longer use our service". The default, as data is needed while the
    person is a customer."""
    PURPOSE_ENDED = "purpose_ended"
    """From the end of the purpose itself (``Purpose.ends``, e.g. a campaign's last day)."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Controller:
    """The business handling the data (the "personal information handling business operator").

    Everything here is published (Art. 32(1)): name, address and representative (for a
    corporation, its representative's name; for an association without legal
    personality, its representative's or manager's, Art. 27(2)(i); none for an
    individual, ``kind``), where to make requests (``contact``), where
    to complain (``complaints``; the contact when not given, Cabinet Order Art. 10) and
    the security measures taken to protect the data (``security_measures``, Art. 23 as
    Art. 32(1)(iv) and the Cabinet Order require them published). The validator requires
    each, so a notice rendered from the policy is complete.

    ``accredited_organisation`` and ``accredited_complaints``: the accredited personal
    information protection organisation (Art. 47) the business is covered by, if any, and
    where complaints to it go; both are then published (Art. 32(1)(iv), Cabinet Order
    Art. 10(iii)).

    ``self_reference`` is how the business calls itself once named: 本会 for a society or
    association, 当法人, 本学, 当院, "the Society"; empty, the notice's default (当社,
    "we"), which suits a company, or 当方 for an individual (``kind``).
    """

    name: str
    address: str = ""
    representative: str = ""
    contact: str = ""
    complaints: str = ""
    security_measures: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    accredited_organisation: str = ""
    """The accredited personal information protection organisation (認定個人情報保護団体,
    Art. 47) the business is covered by; empty: none."""
    accredited_complaints: str = ""
    """Where complaints to that organisation go (Cabinet Order Art. 10(iii))."""
    self_reference: str = ""
    """The short name a notice uses for the business after naming it (Japanese notices
    write it wherever they would say 当社). Empty: the notice's default for a company."""
    kind: EntityKind | None = attrs.field(
        default=None, converter=attrs.converters.optional(EntityKind)
    )
    """What the business is (:class:`~pipolicy.EntityKind`): an ``individual`` (a sole
    trader) publishes no representative, and may not name one; a ``corporation`` or an
    ``association`` must. None (not said): held to a corporation's duty, as a policy
    without it always was."""
    translations: Mapping[str, Mapping[str, object]] = attrs.field(factory=dict, hash=False)
    """The fields a person reads, in the policy's other languages (:mod:`~pipolicy.policy.texts`)."""

    @property
    def complaints_window(self) -> str:
        """Where complaints go (Art. 40): the complaints point, else the contact."""
        return self.complaints or self.contact


@attrs.frozen
class DataItem:
    """A kind of personal information the business collects.

    ``special_care``: special care-required personal information (Art. 2(3), R-ACQ-3).
    ``identifies=False``: a personally referable identifier such as a cookie id (R-PRI-1).
    ``legal_retention``: why the law obliges keeping it (kept on deletion, R-REQ-7), and
    ``legal_retention_period`` how long, counted from collection: after it the duty is
    over and a deletion erases the item. Without a period the duty never ends for
    pipolicy, which cannot read the law's term from the text.
    ``my_number``: an Individual Number (マイナンバー) under the My Number Act, handled only
    for the affairs that Act allows (R-MYN-1).
    """

    name: str
    title: str = ""
    special_care: bool = False
    identifies: bool = True
    legal_retention: str | None = None
    legal_retention_period: Duration | None = attrs.field(default=None, converter=_period)
    my_number: bool = False
    financial: bool = False
    """Open to financial misuse if leaked (card numbers, bank accounts): a leak is then
    reportable to the PPC (PPC Rules 7(ii), R-LEAK-1)."""
    translations: Mapping[str, Mapping[str, object]] = attrs.field(factory=dict, hash=False)
    """The fields a person reads, in the policy's other languages (:mod:`~pipolicy.policy.texts`)."""


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

    ``notified`` is the day the changed purpose was notified to the people or published,
    and ``how`` says how (Art. 21(3), R-USE-3; seed 002 "announced on the website"):
    from ``revised`` until that day, no use for the purpose is allowed.
    """

    revised: date
    related: bool
    statement: str = ""
    notified: date | None = None
    how: str = ""


@attrs.frozen
class Purpose:
    """A purpose of use, as notified or published (Arts. 17, 21): the items it needs, whom
    it is for, who may handle it, how long its data is kept and how it changed."""

    name: str
    title: str = ""
    items: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    optional_items: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    consent: ConsentRule = ConsentRule.NONE
    categories: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    handlers: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    links_identifiers: bool = False
    statistics: bool = False
    retention: Duration | None = attrs.field(default=None, converter=_period)
    """How long data is kept once the clock starts (``retention_from``); none: no period."""
    retention_from: RetentionStart = attrs.field(
        default=RetentionStart.LEFT, converter=RetentionStart
    )
    ends: date | None = None
    """The last day of the purpose, if it has one (a campaign)."""
    legal_retention: str | None = None
    """Why the law obliges keeping data acquired for the purpose (accounting records)."""
    legal_retention_period: Duration | None = attrs.field(default=None, converter=_period)
    """How long that duty lasts, counted from collection (``"7 years"``); none: it never
    ends for pipolicy."""
    changes: tuple[PurposeChange, ...] = ()
    my_number_affairs: str | None = None
    """For a purpose that handles Individual Numbers: the affairs of the My Number Act Art.
    9 it serves, ``"social_security"``, ``"tax"`` or ``"disaster_response"`` (R-MYN-1)."""
    translations: Mapping[str, Mapping[str, object]] = attrs.field(factory=dict, hash=False)
    """The fields a person reads, in the policy's other languages (:mod:`~pipolicy.policy.texts`)."""
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
    """The arrangement a recipient receives data under (Art. 27): on consent, entrustment,
    joint use, succession, or an order under the law."""

    THIRD_PARTY = "third_party"
    ENTRUSTEE = "entrustee"
    JOINT_USER = "joint_user"
    SUCCESSOR = "successor"
    PUBLIC_AUTHORITY = "public_authority"
    """A court, prosecutor, police, regulator or other public institution: receives data
    only in a case of Art. 27(1) (an order or request under the law, (i) and (iv), but
    (ii) and (iii) too), never on consent.
    One such recipient stands for any institution; the claim's justification names it."""
    STATISTICS = "statistics"
    """Receives only statistics that identify no one (Art. 2(1); R-TPP-6, R-USE-8): the
    readers of a published report, a research partner given aggregates. Statistics are
    not personal data, so no consent is asked; personal data never goes to it (except on
    an exemption the law gives for any recipient)."""

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

    @property
    def missing_duties(self) -> tuple[str, ...]:
        """The duties the seeds require of every entrustee that this contract lacks
        (000 L12, 001 L36, 004 L17: confidentiality, security measures, no re-provision)."""
        duties = (
            ("confidentiality", self.confidentiality),
            ("security measures", self.security_measures),
            ("no re-provision", self.no_reprovision),
        )
        return tuple(name for name, bound in duties if not bound)

    def valid_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.until is None or day <= self.until


OPT_OUT_TEXTS = ("method", "acquired_by", "provided_by", "updated_by")
"""The texts of a provision by opt-out a change may replace, each announced in advance
(Art. 27(2)(iv), (v), (vii), (viii); PPC Rules Art. 11(4)(i)); the items are ``added``."""


def _opt_out_start(
    notified: date | None, filed: date | None, waiting: Duration | None, made: date | None = None
) -> date | None:
    """The first day of provision by opt-out under what was ``notified`` and ``filed``:
    the filing done, and ``waiting`` run from the notice, to the end of its last day (14
    days from a notice on 10 March run through the 24th: provision starts on the 25th);
    never before ``made``, the day a change is made. None while a date or the period is
    missing (then never). The one rule for an opt-out and for each of its changes."""
    if notified is None or filed is None or waiting is None:
        return None
    # Counted as the Civil Code counts (Arts. 140, 143): from the day after the notice,
    # a month ending on the day before the same date of the next month (or its last day).
    first = max(waiting.last_day(notified + timedelta(days=1)) + timedelta(days=1), filed)
    return first if made is None else max(first, made)


@attrs.frozen
class OptOutChange:
    """A change to a provision by opt-out, notified and filed in advance (Art. 27(3),
    R-TPP-8).

    ``revised`` is the day the change takes effect; ``added`` the items it adds (listed
    in the opt-out's ``items`` too: the opt-out's fields are the current ones);
    ``changed`` the texts it replaces, among :data:`OPT_OUT_TEXTS` (how the data is
    acquired or provided, how a person asks to stop it, how it is kept up to date).
    ``notified`` is the day the change was notified to the people or made easy for them
    to know, ``filed`` the day it was filed with the PPC. What the change brings counts
    for provision only from :meth:`starts`, by the same rule as the opt-out's first day,
    never before ``revised``; with a date missing, never (fail closed). An item the
    opt-out no longer provides needs no change: left out of ``items``, it stops at once.
    """

    revised: date
    added: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    changed: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    notified: date | None = None
    filed: date | None = None

    def starts(self, waiting: Duration | None) -> date | None:
        """The first day what the change brings is provided by opt-out, with the opt-out's
        ``waiting`` period; None while ``notified`` or ``filed`` is missing (then never)."""
        return _opt_out_start(self.notified, self.filed, waiting, self.revised)

    @property
    def missing(self) -> tuple[str, ...]:
        """The dates the change lacks, of ``notified`` and ``filed``."""
        return tuple(f for f in ("notified", "filed") if getattr(self, f) is None)


@attrs.frozen
class OptOutEnd:
    """The end of provision by opt-out to a recipient (Art. 27(3), R-TPP-8).

    ``on`` is the first day nothing is provided by opt-out: from it the recipient receives
    data only on another ground (consent), whatever the dates below say (fail closed).
    Ending, unlike a change, needs no advance notice: the business notifies the people or
    makes it easy for them to know (``notified``) and files with the PPC (``filed``)
    "without delay" (遅滞なく) after. A date missing is a duty still open, which lint
    names; the notice tells the people the provision ended either way.
    """

    on: date
    notified: date | None = None
    filed: date | None = None

    @property
    def missing(self) -> tuple[str, ...]:
        """The dates the end lacks, of ``notified`` and ``filed``."""
        return tuple(f for f in ("notified", "filed") if getattr(self, f) is None)


@attrs.frozen
class OptOut:
    """Provision by opt-out to one third party (Art. 27(2), R-TPP-8): the items, how a
    person stops it (``method``), when the required items were notified to the people or
    made easy for them to know (``notified``), and when the filing with the PPC was made
    (``filed``), and how long people are given to ask to stop it before the first
    provision (``waiting``, PPC Rules Art. 11(1)(i): a notice on the day of the first
    provision gives nobody that chance). Not before the filing, nor before ``waiting``
    has run from the notice; never for special care-required data, nor for data itself
    obtained by opt-out.

    The fields are the current ones; ``changes`` says what changed since the first notice
    and when each change was notified and filed (Art. 27(3)). A policy shows no older
    version, so an item added to ``items`` without a change is taken as provided from the
    first notice: a business adding one declares it as a change."""

    items: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    method: str = ""
    notified: date | None = None
    filed: date | None = None
    waiting: Duration | None = attrs.field(default=None, converter=_period)
    acquired_by: str = ""
    """How the data provided is acquired (Art. 27(2)(iv)), as the notice says."""
    provided_by: str = ""
    """How it is provided: on paper, as a file, online (Art. 27(2)(v))."""
    updated_by: str = ""
    """How the data provided is kept up to date (PPC Rules Art. 11(4)(i))."""
    changes: tuple[OptOutChange, ...] = ()
    """Changes since the first notice, each notified and filed in advance (Art. 27(3))."""
    end: OptOutEnd | None = None
    """The end of provision by opt-out, notified and filed without delay (Art. 27(3))."""
    translations: Mapping[str, Mapping[str, object]] = attrs.field(factory=dict, hash=False)
    """The texts above and ``method`` in the policy's other languages
    (:mod:`~pipolicy.policy.texts`): the notice tells each reader in their language."""

    def starts(self) -> date | None:
        """The first day of provision: the filing done, and ``waiting`` run from the
        notice, to the end of its last day (14 days from a notice on 10 March run through
        the 24th: provision starts on the 25th); None while a date or the period is
        missing (then never)."""
        return _opt_out_start(self.notified, self.filed, self.waiting)

    def in_force(self, today: date) -> frozenset[str]:
        """The items provided by opt-out on ``today``: none before :meth:`starts`, nor from
        the day it ended (:class:`OptOutEnd`), nor while a change that replaced a text is
        pending from its day; otherwise ``items`` but those a pending change adds."""
        start = self.starts()
        if start is None or today < start or self.ended(today):
            return frozenset()
        pending = self.pending(today)
        if any(change.changed and change.revised <= today for change, _ in pending):
            return frozenset()
        return self.items - {i for change, _ in pending for i in change.added}

    def ended(self, today: date) -> bool:
        """Has provision by opt-out ended by ``today`` (Art. 27(3), :class:`OptOutEnd`)?"""
        return self.end is not None and self.end.on <= today

    def pending(self, today: date) -> tuple[tuple[OptOutChange, date | None], ...]:
        """The changes that do not count for provision on ``today``, each with the day
        it will (None: never, a date is missing)."""
        found = []
        for change in self.changes:
            start = change.starts(self.waiting)
            if start is None or today < start:
                found.append((change, start))
        return tuple(found)


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
    academic_institution: bool = False
    """An academic research institution: provision to it for its research may rest on
    Art. 27(1)(vii), and use to provide it data for a purpose it receives data for on
    Art. 18(3)(vi) (``academic_recipient``), where the policy enables them."""
    links_identifiers: bool = False
    """The recipient is expected to link personally referable information it receives (a
    cookie id) to identify the person (Art. 31(1)): the provider must then confirm that
    the recipient obtained the person's consent, and keep a confirmation record."""
    record_by_contract: bool = False
    """Provision to this third party comes with supplying goods or services to the person,
    and the contract (or a similar document) stands in for the Art. 29 record of a provision
    on consent: records are then kept a year counted from the day of the *last* such
    provision to it, not 3 years (PPC Rules Arts. 19(3), 21(i)). Never for provision by opt-out (Art. 27(2))."""
    joint_research: bool = False
    """A partner the business researches jointly with (``academic_joint_research``):
    provision to it by the business, an academic research institution, on Art. 27(1)(vi);
    acquisition of special care-required data from it, an academic research institution
    (``academic_institution``), on Art. 20(2)(vi)."""
    opt_out: OptOut | None = None
    """Provision to this third party by opt-out (Art. 27(2), R-TPP-8)."""
    country: str = ""
    """Where the recipient is, as an ISO 3166 code (``"US"``); empty or ``"JP"``: Japan.
    Abroad, Art. 28 applies (R-XB-1)."""
    equivalent_measures: bool = False
    """The recipient keeps measures equivalent to the Act's under a contract with the
    business (Art. 28(1), PPC Rules 16): provision abroad then needs no Art. 28 consent."""
    address: str = ""
    """The recipient's address. Each provision record keeps it: a record of provision to
    a third party, by opt-out or on consent, holds the recipient's name, address and
    representative (PPC Rules Art. 20(1)(i), (ii)). The validator requires them of a
    recipient given data by opt-out; declare them for every third party."""
    representative: str = ""
    """For a corporation, its representative's name; for an association, its
    representative's or manager's; none for an individual (``entity``)."""
    entity: EntityKind | None = attrs.field(
        default=None, converter=attrs.converters.optional(EntityKind)
    )
    """What the recipient is (:class:`~pipolicy.EntityKind`); an ``individual`` has no
    representative. None: not said, and held to a corporation's duty."""
    translations: Mapping[str, Mapping[str, object]] = attrs.field(factory=dict, hash=False)
    """The fields a person reads, in the policy's other languages (:mod:`~pipolicy.policy.texts`)."""


class JointUseChangeKind(str, enum.Enum):
    """What a change to a joint use changes (Art. 27(6)).

    ``purposes`` (a purpose added) and ``manager`` (another person responsible) must be
    made known in advance; ``manager_details`` (the same person's name, address or
    representative) without delay. ``items`` and ``users`` cannot change under the same
    announcement (PPC guidelines): the validator refuses them, which is why they are here.
    """

    PURPOSES = "purposes"
    MANAGER = "manager"
    MANAGER_DETAILS = "manager_details"
    ITEMS = "items"
    USERS = "users"


@attrs.frozen
class JointUseChange:
    """A change to a joint use, and when it was made known (Art. 27(6), R-TPP-5).

    ``revised`` is the day of the change; ``notified`` the day it was notified to the
    people or made easily known to them, and ``how`` says how. A purpose ``added`` or a
    new person responsible counts for provision only from the later of the two days: made
    known in advance of the provision, never before the change. The joint use's own fields
    are the current ones, the added purposes among its ``purposes``.
    """

    what: JointUseChangeKind = attrs.field(converter=JointUseChangeKind)
    revised: date
    added: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    notified: date | None = None
    how: str = ""

    def in_effect(self, today: date) -> bool:
        """Whether the change counts for a provision on ``today`` (made, and made known)."""
        return self.notified is not None and max(self.revised, self.notified) <= today


@attrs.frozen
class JointUse:
    """A joint use announced in advance (Art. 27(5)(iii), R-TPP-5): all five items, and
    the changes made known since (Art. 27(6))."""

    name: str
    announced: bool = False  # (1) that data is used jointly
    items: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)  # (2)
    users: str = ""  # (3) scope of joint users
    purposes: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)  # (4)
    manager_name: str = ""  # (5) name, address and representative of the one responsible
    manager_address: str = ""
    manager_representative: str = ""
    published: date | None = None
    changes: tuple[JointUseChange, ...] = ()
    manager_kind: EntityKind | None = attrs.field(
        default=None, converter=attrs.converters.optional(EntityKind)
    )
    """What the person responsible is (:class:`~pipolicy.EntityKind`): an individual has no
    representative to publish; a corporation, an association, or one not said, must."""
    translations: Mapping[str, Mapping[str, object]] = attrs.field(factory=dict, hash=False)
    """The fields a person reads, in the policy's other languages (:mod:`~pipolicy.policy.texts`)."""


@attrs.frozen
class Service:
    """A service groups purposes with its own window and responsible person (R-USE-10)."""

    name: str
    title: str = ""
    purposes: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    window: str = ""
    responsible: str = ""
    retention: Duration | None = attrs.field(default=None, converter=_period)
    retention_from: RetentionStart = attrs.field(
        default=RetentionStart.LEFT, converter=RetentionStart
    )
    translations: Mapping[str, Mapping[str, object]] = attrs.field(factory=dict, hash=False)
    """The fields a person reads, in the policy's other languages (:mod:`~pipolicy.policy.texts`)."""


def _identity_documents(kinds: frozenset[DocumentKind]) -> None:
    """Refuse a kind that proves no identity (an agent's document, the service's login)."""
    others = sorted(k.value for k in kinds if k not in ID_DOCUMENTS)
    if others:
        raise InvalidInput(
            f"accepted_ids lists documents that prove no identity: {', '.join(others)} "
            "(an agent's documents are asked for in any case; the service's login is "
            "accept_service_login)"
        )


_DEFAULT_IDS = frozenset(
    {
        DocumentKind.DRIVERS_LICENSE,
        DocumentKind.PASSPORT,
        # The most widely held photo ID since the health insurance card went; only its
        # front side is asked for, and pipolicy keeps its kind and dates, never the
        # Individual Number (My Number Act Art. 20).
        DocumentKind.MY_NUMBER_CARD,
        # What a person without a My Number card registered for health insurance holds in
        # place of the card: without it they may have no other ID at all.
        DocumentKind.ELIGIBILITY_CERTIFICATE,
        DocumentKind.PENSION_BOOK,
        DocumentKind.RESIDENCE_CARD,
        # What a special permanent resident holds in place of a residence card: leaving
        # it out would leave them no ID of their own to send but a passport.
        DocumentKind.SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
    }
)
"""The identity documents a policy accepts unless it lists its own (seed 001 L100-L108, as
the law stands in December 2026). The health insurance card is no longer one of them:
no card is valid after 2025-12-01, and the check would refuse one anyway
(``id_abolished``), but the default is also what the published notice lists, and a
notice must not invite a document no one can use. A policy may still list it."""


@attrs.frozen
class RequestSettings:
    """How the business answers requests (R-REQ-3, R-REQ-8, R-REQ-9).

    ``response`` is the period to answer in (``"14 days"``, ``"10 business days"``;
    a bare int counts days); the request is due at the end of its last day in the policy's
    time zone. ``certificate_max_age`` is how recently a seal certificate or family
    register must have been issued (seed 001 "within 3 months").
    """

    response: Duration = attrs.field(default=Duration(14, Unit.DAYS), converter=_response)
    fees: Mapping[RequestKind, int] = attrs.field(factory=dict)
    accepted_ids: frozenset[DocumentKind] = attrs.field(
        default=_DEFAULT_IDS, validator=lambda _, __, v: _identity_documents(v)
    )
    certificate_max_age: Duration = attrs.field(
        default=Duration(3, Unit.MONTHS),
        converter=_certificate_age,
    )
    window: str = ""
    fee_payment: str = ""
    """How a fee is paid (Art. 32(1)(iii), Cabinet Order Art. 12(iv): the way fees are
    collected is part of the published procedure): ``"定額小為替を同封してください"``."""
    accept_service_login: bool = False
    """Accept the service's own login as proof of the person's identity for a request
    answered electronically (Art. 37(4): a method suited to how the data is held,
    not an excessive burden). The sign-in must be dated on the day the request was received
    or the day before (policy time zone): an older one says nothing about who asks now.
    Off by default: seed 001's documents stay the procedure."""
    closed_days: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    """The business's own closing days every year, as ``"MM-DD"`` (``"12-29"``): a
    response period in business days skips them as it skips weekends and national
    holidays (seed 000 L43: "excluding weekends, national holidays, and company
    holidays")."""
    fee_ceiling: int = 3000
    """The highest fee (yen) the validator accepts. Art. 38(2) allows only a reasonable
    amount considering actual costs; disclosure fees published by Japanese businesses are
    typically 500-1,000 yen, plus postage for a recorded delivery. A business whose actual
    costs are higher raises the ceiling, and says why, in its policy."""
    translations: Mapping[str, Mapping[str, object]] = attrs.field(factory=dict, hash=False)
    """The fields a person reads, in the policy's other languages (:mod:`~pipolicy.policy.texts`)."""

    def closed(self, day: date) -> bool:
        """Whether ``day`` is one of the business's own closing days."""
        return f"{day.month:02d}-{day.day:02d}" in self.closed_days


_DUES_KEPT = 4096
"""How many answers of :meth:`Policy.retention_due` a policy remembers (then it starts over)."""

MY_NUMBER_AFFAIRS = frozenset({"social_security", "tax", "disaster_response"})
"""The affairs Individual Numbers may be handled for (My Number Act Art. 9)."""

RECORD_RETENTION = Duration(3, Unit.YEARS)
"""Art. 29(2) and the PPC Rules: provision records are kept 3 years in general."""
CONTRACT_RECORD_RETENTION = Duration(1, Unit.YEARS)
"""Where a contract with the person stands in for the record: a year counted from the day
of the last provision, that day the first (PPC Rules Art. 21(i))."""

LAW_USE_EXEMPTIONS: frozenset[str] = frozenset(
    e.value for e in Exemption if applies(e, "use") or applies(e, "acquisition")
)
"""The exemptions of Arts. 18(3) and 20(2): ``[use] exemptions`` governs both."""
LAW_PROVISION_GROUNDS: frozenset[str] = frozenset(
    {b.value for b in Basis}
    - {Basis.NOTIFIED_PURPOSE.value, Basis.EXEMPTION.value, Basis.PERSONALLY_REFERABLE.value}
    | {e.value for e in Exemption if applies(e, "provision")}
)
# The academic research items need an academic research institution on one side: off
# unless a policy enables them, item by item.
DEFAULT_USE_EXEMPTIONS = LAW_USE_EXEMPTIONS - {e.value for e in ACADEMIC}
DEFAULT_PROVISION_GROUNDS = LAW_PROVISION_GROUNDS - {e.value for e in ACADEMIC}


_ACADEMIC = {
    "recipient_not_academic": "{recipient!r} is not an academic research institution",
    "business_not_academic": "the business is not an academic research institution "
    "(set academic_institution = true in [policy] if it is one)",
    "not_a_research_partner": "{recipient!r} is not a declared joint research partner",
    "no_academic_recipient": "no academic research institution is declared to receive data "
    "for {purpose!r} (Art. 18(3)(vi) covers use to give data to one: declare it among the "
    "recipients with academic_institution = true and {purpose!r} among its purposes)",
    "provider_unnamed": "the provider is not named (Art. 20(2)(vi) covers acquisition from "
    "an academic research institution that researches jointly with the business: give its "
    "name as the source)",
    "provider_not_academic": "{recipient!r} is not an academic research institution",
    "provider_not_a_research_partner": "{recipient!r} is not a declared joint research partner",
}
"""The English of each academic research condition that fails (:meth:`Policy.academic_problem`)."""


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
    use_exemptions: frozenset[str] = attrs.field(default=DEFAULT_USE_EXEMPTIONS, converter=_fs)
    provision_grounds: frozenset[str] = attrs.field(
        default=DEFAULT_PROVISION_GROUNDS, converter=_fs
    )
    academic_institution: bool = False
    """Is the business itself an academic research institution (a university, a research
    body; Art. 16(8))? Needed for its own research (Arts. 18(3)(v), 20(2)(v)) and for
    providing data to publish or teach results or to a joint research partner (Art.
    27(1)(v), (vi)); not for the items where the other party is the institution (Arts.
    18(3)(vi), 20(2)(vi), 27(1)(vii))."""
    requests: RequestSettings = attrs.field(factory=RequestSettings)
    record_retention: Duration = attrs.field(default=RECORD_RETENTION, converter=_record_retention)
    """How long Art. 29 provision records are kept (a bare int counts years)."""
    statistics_min_group: int = 10
    timezone: str = "Asia/Tokyo"
    """The IANA zone of the policy's jurisdiction: date-only fields (contract validity,
    document dates, deadlines, "received on") are days in this zone."""
    equivalent_countries: frozenset[str] = attrs.field(default=frozenset(), converter=_fs)
    """Countries whose system the PPC designated as equivalent (Art. 28(1); the EEA
    members and the United Kingdom), as ISO 3166 codes: provision there needs no Art. 28
    consent. Empty by default, the conservative reading: list them in the policy."""
    incident_preliminary_days: int = 3
    """The day by whose end the preliminary report to the PPC is due, the day the
    incident was discovered being day 1 (``[incidents] preliminary_days``; "promptly",
    3-5 days in the guidelines)."""
    languages: tuple[str, ...] = attrs.field(default=("en",), converter=_texts)
    """The languages the business publishes in, the default first (``"ja"``, ``"en"``):
    notices and letters exist in each; a text given once is in the default language.
    Without them, English only, as a policy file without ``languages``: the default must
    be the language the plain texts are written in, which only their author knows
    (``("ja", "en")`` would call English titles Japanese and want an English text of
    each). A business in Japan lists ``("ja", "en")`` with its texts in both."""
    source: str | None = attrs.field(default=None, eq=False)
    tz: ZoneInfo = attrs.field(init=False, eq=False, repr=False)
    # Derived once, since every check asks (a policy built with wrong types derives
    # nothing: its validation reports them).
    my_number_items: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """The items that are Individual Numbers (R-MYN-1)."""
    identifying_items: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """The items that identify a person (``identifies``, the default)."""
    referable_items: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """The items that do not by themselves identify a person (``identifies=False``,
    personally referable information; R-PRI-1)."""

    lapsing_purposes: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """The purposes whose data can fall due for deletion (R-ACC-1): a retention period
    (their own or a service's) or a last day."""
    kept_while_needed: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """The other purposes: data acquired for one of them is never due
    (:meth:`retention_due` is None), so a check need not count its period."""
    supervised_purposes: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    """The purposes only their ``handlers`` handle (Art. 24, R-SEC-1): a provision asks
    of none when there are none."""

    _dues: dict[tuple[object, ...], datetime | None] = attrs.field(
        init=False, eq=False, repr=False, factory=dict
    )
    """:meth:`retention_due` already counted (a check asks it of the same acquisitions
    again and again; counting a period on the calendar is the dearest step), at most
    :data:`_DUES_KEPT` of them."""

    @lapsing_purposes.default
    def _lapsing_purposes(self) -> frozenset[str]:
        if not isinstance(self.purposes, Mapping) or not isinstance(self.services, Mapping):
            return frozenset()
        timed = {
            name
            for service in self.services.values()
            if getattr(service, "retention", None) is not None
            for name in getattr(service, "purposes", ())
        }
        return frozenset(
            name
            for name, p in self.purposes.items()
            if getattr(p, "retention", None) is not None
            or getattr(p, "ends", None) is not None
            or name in timed
        )

    @kept_while_needed.default
    def _kept_while_needed(self) -> frozenset[str]:
        if not isinstance(self.purposes, Mapping):
            return frozenset()
        return frozenset(self.purposes) - self.lapsing_purposes

    @supervised_purposes.default
    def _supervised_purposes(self) -> frozenset[str]:
        if not isinstance(self.purposes, Mapping):
            return frozenset()
        return frozenset(n for n, p in self.purposes.items() if getattr(p, "handlers", None))

    @my_number_items.default
    def _my_number_items(self) -> frozenset[str]:
        return self._items_where(lambda item: getattr(item, "my_number", False))

    @identifying_items.default
    def _identifying_items(self) -> frozenset[str]:
        return self._items_where(lambda item: getattr(item, "identifies", True))

    @referable_items.default
    def _referable_items(self) -> frozenset[str]:
        return self._items_where(lambda item: not getattr(item, "identifies", True))

    def _items_where(self, test: Callable[[object], object]) -> frozenset[str]:
        if not isinstance(self.items, Mapping):
            return frozenset()
        return frozenset(name for name, item in self.items.items() if test(item))

    @tz.default
    def _tz(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            return ZoneInfo("UTC")  # validation reports the bad name

    def local_date(self, at: datetime) -> date:
        """The calendar day ``at`` falls on in the policy's time zone."""
        return at.astimezone(self.tz).date()

    def local(self, at: datetime) -> datetime:
        """The instant ``at`` as the wall-clock time of the policy's time zone (for display)."""
        return instant(at.astimezone(self.tz))

    def day_start(self, day: date) -> datetime:
        """The first instant of ``day`` in the policy's time zone."""
        return instant(datetime.combine(day, time(0), tzinfo=self.tz))

    def day_end(self, day: date) -> datetime:
        """The first instant after ``day`` has ended in the policy's time zone: something
        valid "until 2027-03-31" is valid at every instant before ``day_end(2027-03-31)``."""
        return self.day_start(day + timedelta(days=1))

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

    def retention_duty(
        self,
        item: str,
        purposes: Iterable[str],
        lang: str | None = None,
        *,
        acquired_at: datetime | None = None,
        at: datetime | None = None,
    ) -> str | None:
        """Why the law obliges keeping ``item`` held for ``purposes``, if it does (R-REQ-7),
        in ``lang`` (the policy's default language when None).

        A duty is declared on the item (``DataItem.legal_retention``) or on a purpose it
        was acquired for (``Purpose.legal_retention``, e.g. accounting records). Given
        when the item was acquired and the moment asked about (``acquired_at``, ``at``), a
        duty with a ``legal_retention_period`` that has run out by then no longer holds.
        """
        from pipolicy.policy.texts import text_in

        def holds(period: Duration | None) -> bool:
            if period is None or acquired_at is None or at is None:
                return True
            return self.period_end(acquired_at, period) > at

        lang = lang or self.languages[0]
        for owner in self._duties(item, purposes):
            if holds(owner.legal_retention_period):
                return str(text_in(owner, "legal_retention", lang))
        return None

    def duty_end(
        self, item: str, purposes: Iterable[str], acquired_at: datetime
    ) -> datetime | None:
        """When the last legal retention duty on ``item``, acquired at ``acquired_at`` for
        ``purposes``, ends; ``None`` if one never does (it has no period). With no duty
        at all, ``acquired_at``: nothing obliged keeping it."""
        ends = [acquired_at]
        for owner in self._duties(item, purposes):
            if owner.legal_retention_period is None:
                return None
            ends.append(self.period_end(acquired_at, owner.legal_retention_period))
        return max(ends)

    def _duties(self, item: str, purposes: Iterable[str]) -> list[DataItem | Purpose]:
        """What declares a legal retention duty on ``item`` held for ``purposes``: the item
        itself first, then those purposes (by name) that handle it."""
        declared = self.items.get(item)
        owners: list[DataItem | Purpose] = [] if declared is None else [declared]
        for name in sorted(purposes):
            purpose = self.purposes.get(name)
            if purpose is not None and item in purpose.all_items:
                owners.append(purpose)
        return [owner for owner in owners if owner.legal_retention]

    def retention_of(self, purpose: str) -> tuple[Duration, RetentionStart] | None:
        """The purpose's retention period and what it counts from, else the longest of the
        services grouping it (R-USE-10), else None (no period: kept while needed)."""
        p = self.purposes[purpose]
        if p.retention is not None:
            return p.retention, p.retention_from
        found: list[tuple[Duration, RetentionStart]] = []
        for service in self.services.values():
            if purpose in service.purposes and service.retention is not None:
                found.append((service.retention, service.retention_from))
        if not found:
            return None
        return max(found, key=lambda f: f[0].after(date(2000, 1, 1)))

    def retentions_of(self, purpose: str) -> tuple[tuple[Duration, RetentionStart], ...]:
        """Every retention the policy sets for the purpose's data: its own, else each of
        the services grouping it (R-USE-10), each with what it counts from; none where it
        has no period (kept while needed). The data is needed until the last of them has
        run (:meth:`retention_due`): a service whose period counts from the person leaving
        still needs it while they stay, whatever another's period from collection says."""
        p = self.purposes[purpose]
        if p.retention is not None:
            return ((p.retention, p.retention_from),)
        return tuple(
            (service.retention, service.retention_from)
            for service in self.services.values()
            if purpose in service.purposes and service.retention is not None
        )

    def later(self, at: datetime, period: Duration) -> datetime:
        """``period`` after the instant ``at``, on the calendar of the policy's time zone."""
        local = at.astimezone(self.tz)
        day = period.after(local.date())
        return instant(datetime.combine(day, local.time(), tzinfo=self.tz))

    def period_end(self, start: datetime, period: Duration) -> datetime:
        """The instant a ``period`` counted from ``start`` has run out, as the Civil Code
        counts it in the policy's time zone: the day ``start`` falls on is not counted
        unless the period starts at that day's first instant (Art. 140), and the period
        ends at the end of its last day (Arts. 141, 143; :meth:`Duration.last_day`). A
        retention of a month from 10:00 on 28 February is kept through 31 March, and a
        duty of 7 years from 10:00 on 1 April 2026 through 1 April 2033. A period of
        nothing ends at ``start``."""
        if period.amount == 0:
            return start
        return self.day_end(period.last_day(self._first_counted_day(start)))

    def _first_counted_day(self, start: datetime) -> date:
        """The first day a period starting at ``start`` counts (Civil Code Art. 140): the
        next day, or the day ``start`` falls on when it starts at that day's first instant
        (00:00, or 01:00 where a clock change skips midnight, as in Santiago)."""
        first = self.local_date(start)
        return first if start == self.day_start(first) else first + timedelta(days=1)

    def retention_due(
        self, purposes: Iterable[str], acquired_at: datetime, left_at: datetime | None = None
    ) -> datetime | None:
        """When data acquired for ``purposes`` is due for deletion (R-ACC-1), if ever.

        Each purpose's period counts from what it says (collection, the person leaving,
        the purpose's end); see :meth:`_retention_due`. Remembered per policy: the zones
        are part of the question (the answer may be ``acquired_at`` itself), and so is
        ``fold`` (two times in a zone's repeated hour compare and hash equal, an hour
        apart).
        """
        named = purposes if isinstance(purposes, frozenset) else frozenset(purposes)
        key = (
            named,
            acquired_at,
            acquired_at.tzinfo,
            acquired_at.fold,
            left_at,
            left_at and left_at.tzinfo,
            left_at and left_at.fold,
        )
        dues = self._dues
        try:  # one read: another thread may clear the table between a test and a read
            return dues[key]
        except KeyError:
            pass
        due = self._retention_due(named, acquired_at, left_at)
        if len(dues) >= _DUES_KEPT:
            dues.clear()
        dues[key] = due
        return due

    def _retention_due(
        self, purposes: Iterable[str], acquired_at: datetime, left_at: datetime | None
    ) -> datetime | None:
        """When data acquired for ``purposes`` is due for deletion (R-ACC-1), if ever.

        Each purpose's period counts from what it says (collection, the person leaving,
        the purpose's end); the data is due once every purpose's period has passed (for a
        purpose without one, every period of the services grouping it), and never while
        one has no period or its clock has not started (an active customer).
        A purpose with a last day (``ends``) no longer needs the data once it has passed:
        a period counted from the person leaving starts then if they have not left
        before, and with no period the data is due at once.
        """
        dues: list[datetime] = []
        for name in purposes:
            if name not in self.purposes:
                continue
            last_day = self.purposes[name].ends
            ended = None if last_day is None else self.day_end(last_day)
            found = self.retentions_of(name)
            if not found:
                if ended is None:
                    return None
                dues.append(max(acquired_at, ended))
                continue
            for period, start in found:  # each service's, where the purpose has none
                if start is RetentionStart.COLLECTION:
                    begin = acquired_at
                elif start is RetentionStart.LEFT:
                    starts = [t for t in (left_at, ended) if t is not None]
                    if not starts:
                        return None
                    begin = max(acquired_at, min(starts))
                else:
                    if ended is None:
                        return None
                    begin = max(acquired_at, ended)
                dues.append(self.period_end(begin, period))
        return max(dues) if dues else None

    def record_period(self, recipient: str, basis: Basis = Basis.CONSENT) -> Duration:
        """How long an Art. 29 record of a provision to ``recipient`` on ``basis`` is kept
        (R-REC-1). A contract stands in for the record of a provision on consent only
        (PPC Rules Art. 19(3): Arts. 27(1), 28(1)); one by opt-out is kept
        ``record_retention`` whatever the recipient."""
        if basis is Basis.CONSENT and self._by_contract(recipient):
            return CONTRACT_RECORD_RETENTION
        return self.record_retention

    def record_kept_until(self, provided_at: datetime, recipient: str, basis: Basis) -> datetime:
        """Until when the Art. 29 record of a provision at ``provided_at`` is kept, as
        written (R-REC-1): :meth:`record_period` from the day after the record is made
        (Art. 29(2), the Civil Code's count); where a contract stands in, a year counted
        from (起算して) the day of the provision itself, that day the first (PPC Rules
        Art. 21(i)): a provision on 1 April 2026 is kept through 31 March 2027."""
        if basis is Basis.CONSENT and self._by_contract(recipient):
            first_day = self.day_start(self.local_date(provided_at))
            return self.period_end(first_day, CONTRACT_RECORD_RETENTION)
        return self.period_end(provided_at, self.record_period(recipient, basis))

    def _by_contract(self, recipient: str) -> bool:
        found = self.recipients.get(recipient)
        return found is not None and found.record_by_contract

    def keep_records_until(self, records: Iterable[ProvisionRecord]) -> dict[str, datetime]:
        """Until when each Art. 29 record among ``records`` must be kept (R-REC-1).

        In general, ``record_retention`` from the provision. Where a contract stands in for
        the record (a provision on consent, PPC Rules Art. 19(3)), 1 year from the *last*
        such provision to that recipient about that person, that day counted
        (:meth:`record_kept_until`), so a later one keeps the earlier records too (Rules
        Art. 21(i)). A provision by opt-out has no contract
        standing in: its record is kept ``record_retention`` and extends no other.
        """
        required = [r for r in records if r.required_by_law]
        by_contract = [
            r for r in required if r.basis is Basis.CONSENT and self._by_contract(r.recipient)
        ]
        last: dict[tuple[str, str], datetime] = {}
        for r in by_contract:
            key = (r.subject_id, r.recipient)
            last[key] = max(last.get(key, r.provided_at), r.provided_at)
        until: dict[str, datetime] = {}
        for r in required:
            if (r.subject_id, r.recipient) in last and r.basis is Basis.CONSENT:
                start = last[(r.subject_id, r.recipient)]
                until[r.id] = self.record_kept_until(start, r.recipient, r.basis)
            else:
                until[r.id] = self.period_end(r.provided_at, self.record_retention)
        return until

    def response_due(self, received_at: datetime) -> datetime:
        """When a request received at ``received_at`` must be answered (R-REQ-8): the end
        of the period's last day in the policy's time zone, counted as :meth:`period_end`
        counts (Civil Code Arts. 140-143): from the next day, or from the day of receipt
        when it is received at that day's first instant. In business days alike: received
        at 00:00 on a business day, that day is the first of them."""
        first = self._first_counted_day(received_at)
        return self.day_end(self.requests.response.last_day(first, closed=self.requests.closed))

    def academic_problem(
        self,
        exemption: Exemption,
        recipient: str | None,
        action: str = "provision",
        purpose: str | None = None,
    ) -> str | None:
        """Why an academic research claim fails the conditions of its item, or None
        (:meth:`academic_shortfall`'s condition, in English)."""
        shortfall = self.academic_shortfall(exemption, recipient, action, purpose)
        if shortfall is None:
            return None
        return _ACADEMIC[shortfall].format(recipient=recipient, purpose=purpose)

    def academic_shortfall(
        self,
        exemption: Exemption,
        recipient: str | None,
        action: str = "provision",
        purpose: str | None = None,
    ) -> str | None:
        """Which condition of an academic research item fails, as a key (None if none).

        ``recipient`` is the other party: the recipient of a provision, the provider
        (``source``) of an acquisition; a use has none. Each item says who must be the
        academic research institution:

        - own research, use and acquisition (18(3)(v), 20(2)(v)), publication (27(1)(v))
          and joint research, provision (27(1)(vi)): the business
          (``academic_institution = true``; ``business_not_academic``); joint research also
          a recipient declared a partner (``joint_research``; ``not_a_research_partner``);
        - the recipient's research, provision (27(1)(vii)): the recipient
          (``recipient_not_academic``);
        - the recipient's research, use (18(3)(vi)): the use gives the data to an
          institution, so one must be declared to receive data for the ``purpose`` used
          for (a recipient with ``academic_institution`` and the purpose among its
          ``purposes``; ``no_academic_recipient``), whether or not the business is one;
        - joint research, acquisition (20(2)(vi)): the provider, which must be named
          (``provider_unnamed``), an academic research institution
          (``provider_not_academic``) and a declared partner
          (``provider_not_a_research_partner``), whether or not the business is one.
        """
        found = self.recipients.get(recipient) if recipient else None
        if exemption is Exemption.ACADEMIC_RECIPIENT and action == "use":
            if not any(
                r.academic_institution and purpose in r.purposes for r in self.recipients.values()
            ):
                return "no_academic_recipient"
            return None
        if exemption is Exemption.ACADEMIC_JOINT_RESEARCH and action == "acquisition":
            if not recipient:
                return "provider_unnamed"
            if found is None or not found.academic_institution:
                return "provider_not_academic"
            if not found.joint_research:
                return "provider_not_a_research_partner"
            return None
        if exemption is Exemption.ACADEMIC_RECIPIENT:
            if found is None or not found.academic_institution:
                return "recipient_not_academic"
            return None
        if not self.academic_institution:
            return "business_not_academic"
        if exemption is Exemption.ACADEMIC_JOINT_RESEARCH and (
            found is None or not found.joint_research
        ):
            return "not_a_research_partner"
        return None

    def exemption_allowed(self, exemption: Exemption, action: str) -> bool:
        allowed = self.use_exemptions if action != "provision" else self.provision_grounds
        return exemption.value in allowed
