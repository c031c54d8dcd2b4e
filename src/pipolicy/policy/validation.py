"""Policy validation: every problem at once, each with its location.

The library follows the law and lets a policy be stricter, never looser. So a provision
ground the law does not know (seed 002 §3.4 "when necessary for the operation of other
services") or a joint use announced with four of its five items (seed 001 §4) is an error.

Why one module of this length (about 1,070 lines): :func:`validate` walks the whole policy
once, and the checks it calls for one concern each (opt-out, My Number, languages, joint
use changes) read best beside it, sharing its ``add``. The split to make when it grows:
each of those checks into a module of its own under ``policy/checks/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING

from pipolicy.domain.acquisitions import EntityKind
from pipolicy.domain.durations import Duration, Unit, require_business_calendar
from pipolicy.domain.requests import (
    FEE_KINDS,
    HEALTH_INSURANCE_CARDS_VALID_UNTIL,
    DocumentKind,
    RequestKind,
    void_on,
)
from pipolicy.errors import InvalidInput, PolicyProblem
from pipolicy.policy.texts import LANGUAGES, LOCALIZED

if TYPE_CHECKING:
    from pipolicy.policy.model import JointUse, OptOut, Policy, Recipient, RetentionStart

__all__ = ["country_code", "placeholder", "validate"]

_MONTH_DAY = re.compile(r"[0-9]{2}-[0-9]{2}")
_PLACEHOLDER = re.compile(r"^\[.*\]$|^<.*>$|\bTBD\b|\bTBA\b|X{3}|\.\.\.|…|^-+$|^\?+$", re.I)


def placeholder(value: str) -> bool:
    """Does a published field say nothing: empty, blank, or a placeholder such as
    ``"[registered address]"``, ``"TBD"``, a run of x's or ``"..."``?"""
    text = value.strip()
    return not text or bool(_PLACEHOLDER.search(text))


def _says_nothing(entity: object, field: str) -> bool:
    """Does ``entity`` publish nothing under ``field`` in some language: its default text a
    placeholder (or empty), or another language's given one? Each language's notice is
    published, so "TBD" in the English one publishes nothing to its readers (a text a
    language lacks is the languages check's to report)."""
    texts = [getattr(entity, field)]
    texts += [t[field] for t in getattr(entity, "translations", {}).values() if field in t]
    return any(isinstance(t, str) and placeholder(t) for t in texts)


def _joint_use_change_shapes(joint: JointUse, where: str) -> list[PolicyProblem]:
    """Problems with a joint use's changes built in code: the rules read their fields."""
    from pipolicy.policy.model import JointUseChange

    if not isinstance(joint.changes, tuple):
        return [PolicyProblem(f"{where}.changes", "must be a tuple of pp.JointUseChange")]
    return [
        PolicyProblem(f"{where}.changes[{i}]", "must be a pp.JointUseChange")
        for i, change in enumerate(joint.changes)
        if not isinstance(change, JointUseChange)
    ]


def _opt_out_shape(opt_out: object, where: str) -> list[PolicyProblem]:
    """Problems with an opt-out built in code: the rules read its changes' days."""
    from pipolicy.policy.model import OptOut, OptOutChange, OptOutEnd

    if not isinstance(opt_out, OptOut):
        return [PolicyProblem(where, "must be a pp.OptOut")]
    if not isinstance(opt_out.changes, tuple):
        return [PolicyProblem(f"{where}.changes", "must be a tuple of pp.OptOutChange")]
    problems = []
    end = opt_out.end
    if end is not None and not isinstance(end, OptOutEnd):
        problems.append(PolicyProblem(f"{where}.end", "must be a pp.OptOutEnd or None"))
    elif end is not None:
        for field in ("on", "notified", "filed"):
            day = getattr(end, field)
            if (day is not None or field == "on") and (
                not isinstance(day, date) or isinstance(day, datetime)
            ):
                problems.append(PolicyProblem(f"{where}.end.{field}", "must be a datetime.date"))
    for i, change in enumerate(opt_out.changes):
        cw = f"{where}.changes[{i}]"
        if not isinstance(change, OptOutChange):
            problems.append(PolicyProblem(cw, "must be a pp.OptOutChange"))
            continue
        for field in ("revised", "notified", "filed"):
            day = getattr(change, field)
            if (day is not None or field == "revised") and (
                not isinstance(day, date) or isinstance(day, datetime)
            ):
                problems.append(PolicyProblem(f"{cw}.{field}", "must be a datetime.date"))
    return problems


def _contract_shape(contract: object, where: str) -> list[PolicyProblem]:
    """Problems with a contract built in code: the checks compare its days with today's."""
    from pipolicy.policy.model import Contract

    if not isinstance(contract, Contract):
        return [PolicyProblem(where, "must be a pp.Contract")]
    return [
        PolicyProblem(f"{where}.{field}", "must be a datetime.date")
        for field in ("valid_from", "until")
        if (day := getattr(contract, field)) is not None
        and (not isinstance(day, date) or isinstance(day, datetime))
    ]


def _shape(policy: Policy) -> list[PolicyProblem]:
    """Problems with the types of a policy built in code, found before anything reads it."""
    from pipolicy.policy.model import (
        Controller,
        DataItem,
        JointUse,
        Purpose,
        Recipient,
        RequestSettings,
        Service,
    )

    problems: list[PolicyProblem] = []
    if not isinstance(policy.controller, Controller):
        problems.append(PolicyProblem("controller", "must be a pp.Controller"))
    if not isinstance(policy.version, str):
        problems.append(PolicyProblem("policy.version", "must be a string"))
    if not isinstance(policy.revised, date) or isinstance(policy.revised, datetime):
        problems.append(PolicyProblem("policy.revised", "must be a datetime.date"))
    sections: list[tuple[str, object, type]] = [
        ("items", policy.items, DataItem),
        ("purposes", policy.purposes, Purpose),
        ("recipients", policy.recipients, Recipient),
        ("joint_use", policy.joint_uses, JointUse),
        ("services", policy.services, Service),
    ]
    for section, mapping, declared in sections:
        if not isinstance(mapping, Mapping):
            problems.append(
                PolicyProblem(section, f"must be a mapping of name to pp.{declared.__name__}")
            )
            continue
        for key, value in mapping.items():
            if not isinstance(key, str) or not isinstance(value, declared):
                problems.append(
                    PolicyProblem(f"{section}.{key}", f"must be a pp.{declared.__name__}")
                )
            elif isinstance(value, DataItem):
                # A flag the rules read must be a real bool: "false" is a truthy string.
                for flag in ("special_care", "identifies", "my_number", "financial"):
                    if not isinstance(getattr(value, flag), bool):
                        problems.append(
                            PolicyProblem(f"{section}.{key}.{flag}", "must be true or false")
                        )
            elif isinstance(value, JointUse):
                problems.extend(_joint_use_change_shapes(value, f"{section}.{key}"))
            elif isinstance(value, Recipient):
                if value.contract is not None:
                    problems.extend(_contract_shape(value.contract, f"{section}.{key}.contract"))
                if value.opt_out is not None:
                    problems.extend(_opt_out_shape(value.opt_out, f"{section}.{key}.opt_out"))
    if not isinstance(policy.requests, RequestSettings):
        problems.append(PolicyProblem("requests", "must be a pp.RequestSettings"))
    elif not isinstance(policy.requests.fees, Mapping):
        problems.append(PolicyProblem("requests.fees", "must be a mapping"))
    else:
        for kind, fee in policy.requests.fees.items():
            if not isinstance(kind, RequestKind):
                problems.append(
                    PolicyProblem(f"requests.fees.{kind}", "key must be a pp.RequestKind")
                )
            if not isinstance(fee, int) or isinstance(fee, bool):
                problems.append(PolicyProblem(f"requests.fees.{kind}", "must be yen, an int"))
    if not isinstance(policy.timezone, str):
        problems.append(PolicyProblem("policy.timezone", "must be an IANA zone name"))
    value = policy.statistics_min_group
    if not isinstance(value, int) or isinstance(value, bool):
        problems.append(PolicyProblem("statistics_min_group", "must be an int"))
    return problems


_INDIVIDUAL = (
    'an individual (kind = "individual") has no representative: {0} publishes its name '
    "and address, and a representative only for a corporation or an association ({1}); "
    "remove the representative, or declare {2}"
)


def _names_representative(entity: object, field: str = "representative") -> bool:
    """Does ``entity`` name a representative, in any of its languages?"""
    texts = [getattr(entity, field)]
    texts += [t.get(field) for t in getattr(entity, "translations", {}).values()]
    return any(isinstance(t, str) and t.strip() for t in texts)


def _period(add: Callable[[str, str], None], where: str, period: Duration | None) -> None:
    """Retention and certificate periods run on the calendar, not on business days."""
    if period is not None and period.unit is Unit.BUSINESS_DAYS:
        add(where, "count this period in days, months or years; business days are for deadlines")


def _zero_retention(
    add: Callable[[str, str], None],
    where: str,
    what: str,
    period: Duration | None,
    start: RetentionStart,
) -> None:
    """A retention of nothing counted from collection makes data due for deletion the
    instant it is acquired (:meth:`Policy.period_end`): no use could ever be allowed, and
    the notice would publish a storage period of nothing. Counted from the person leaving
    or the purpose's end, nothing means "deleted then", a promise that can be kept."""
    from pipolicy.policy.model import RetentionStart

    if period is None or period.amount != 0 or start is not RetentionStart.COLLECTION:
        return
    add(
        f"{where}.retention",
        f"{what}: a retention of {period} counted from collection makes the data due for "
        "deletion the instant it is acquired, so it could never be used (R-ACC-1, Art. "
        "22): give the period the data is needed for, or count it from the person "
        'leaving (retention_from = "left") to delete it when they leave',
    )


def _duty_of_no_time(add: Callable[[str, str], None], where: str, what: str, owner: object) -> None:
    """A legal retention duty of nothing keeps nothing: the person would be told the law
    keeps their data (R-REQ-7) while a deletion erases it at once."""
    period = getattr(owner, "legal_retention_period", None)
    if period is not None and period.amount == 0:
        add(
            f"{where}.legal_retention_period",
            f"{what}: a legal retention duty of {period} keeps nothing (R-REQ-7): give the "
            "law's period, or leave out legal_retention if no law obliges keeping the data",
        )


_PERIOD_WITHOUT_DUTY = (
    "a period of a legal retention duty needs the duty: say in legal_retention which law "
    "obliges keeping the data (the person is told it, R-REQ-7)"
)
_COUNTRY_HINT = (
    "{!r} is not a country code: give the ISO 3166-1 alpha-2 code, two capital letters "
    "('JP' for Japan, 'US', 'DE', 'GB' for the United Kingdom; the EU's members one by "
    "one), as Art. 28 is applied by country (R-XB-1)"
)
# Two-letter codes often written for ISO ones but not in ISO 3166-1 (its "exceptionally
# reserved" UK and EU): a recipient in "UK" would never match an equivalent "GB".
_NOT_ISO = frozenset({"UK", "EU"})


_EU_A = ("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU")
_EU_B = ("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK")
PPC_EQUIVALENT = frozenset({*_EU_A, *_EU_B, "IS", "LI", "NO", "GB"})  # the EEA, and the UK
"""The countries the PPC designated as having a system equivalent to Japan's (PPC Rules
Art. 15; PPC Notice No. 1 of 2019): provision there needs no Art. 28 consent. A policy
may list fewer (``[provision] equivalent_countries``), never another (R-XB-1)."""


def country_code(code: str) -> bool:
    """Two capital ASCII letters, as ISO 3166-1 alpha-2 codes are (the shape only: the
    list of countries is not kept here), and not a common non-ISO code."""
    shaped = len(code) == 2 and code.isascii() and code.isalpha() and code.isupper()
    return shaped and code not in _NOT_ISO


_NOT_A_ZONE = frozenset({"localtime", "posixrules", "Factory"})
"""Files many machines' time zone databases hold that name no zone: the machine's own zone
(``localtime``), its default rules (``posixrules``) and "local time unknown"
(``Factory``). A policy in one of them would date its records by the server it runs on."""


def validate(policy: Policy) -> list[PolicyProblem]:
    """Return every problem of ``policy`` (empty when it is valid)."""
    from pipolicy.policy.model import (
        LAW_PROVISION_GROUNDS,
        LAW_USE_EXEMPTIONS,
        RecipientKind,
        RetentionStart,
    )

    shape = _shape(policy)
    if shape:
        return shape
    problems: list[PolicyProblem] = []

    def add(location: str, message: str) -> None:
        problems.append(PolicyProblem(location, message))

    if not policy.version:
        add("policy.version", "a policy needs a version id (R-USE-2)")
    if policy.tz.key != policy.timezone:
        add(
            "policy.timezone",
            f"unknown time zone {policy.timezone!r}: use an IANA name such as 'Asia/Tokyo'",
        )
    elif policy.timezone in _NOT_A_ZONE:
        add(
            "policy.timezone",
            f"{policy.timezone!r} is a file of the machine's time zone database, not a time "
            "zone: every date of the policy would fall on another day on another server; "
            "use an IANA name such as 'Asia/Tokyo'",
        )
    controller = policy.controller
    if _says_nothing(controller, "name"):
        add("controller.name", "name the business responsible for the data")
    published = [
        ("address", "the business's address (Art. 32(1)(i))"),
        ("contact", "where to make requests (Art. 32(1)(iii))"),
    ]
    if controller.kind is not EntityKind.INDIVIDUAL:
        published.insert(
            1,
            (
                "representative",
                "its representative's name (Art. 32(1)(i); a business run by an "
                'individual says kind = "individual" and publishes none)',
            ),
        )
    for field, what in published:
        if _says_nothing(controller, field):
            add(f"controller.{field}", f"publish {what}; a placeholder publishes nothing")
    if controller.kind is EntityKind.INDIVIDUAL and _names_representative(controller):
        add(
            "controller.representative",
            _INDIVIDUAL.format("the business", "Art. 32(1)(i)", 'kind = "corporation"'),
        )
    if controller.complaints and _says_nothing(controller, "complaints"):
        add("controller.complaints", "publish the real complaints point, not a placeholder")
    organisation, desk = controller.accredited_organisation, controller.accredited_complaints
    if organisation and _says_nothing(controller, "accredited_complaints"):
        add(
            "controller.accredited_complaints",
            "publish where complaints to the accredited personal information protection "
            "organisation go, with its name (Art. 32(1)(iv), Cabinet Order Art. 10(iii))",
        )
    if desk and _says_nothing(controller, "accredited_organisation"):
        add(
            "controller.accredited_organisation",
            "name the accredited personal information protection organisation whose "
            "complaints point this is (Cabinet Order Art. 10(iii))",
        )
    measures: list[object] = [controller.security_measures]
    measures += [
        t["security_measures"] for t in controller.translations.values() if "security_measures" in t
    ]
    if not controller.security_measures or any(
        not isinstance(m, str) or placeholder(m)
        for listed in measures
        for m in (listed if isinstance(listed, (list, tuple)) else [listed])
    ):
        add(
            "controller.security_measures",
            "publish the security measures taken (Arts. 23, 32(1)(iv)): a list of them",
        )
    if not policy.purposes:
        add("purposes", "declare at least one purpose of use (Art. 17(1))")

    for key, item in policy.items.items():
        if key != item.name:
            add(f"items.{key}", f"declared under {key!r} but named {item.name!r}")
        if item.legal_retention_period is not None and not item.legal_retention:
            add(f"items.{key}.legal_retention_period", _PERIOD_WITHOUT_DUTY)
        _period(add, f"items.{key}.legal_retention_period", item.legal_retention_period)
        _duty_of_no_time(add, f"items.{key}", f"item {key!r}", item)

    for key, purpose in policy.purposes.items():
        where = f"purposes.{key}"
        if key != purpose.name:
            add(where, f"declared under {key!r} but named {purpose.name!r}")
        if purpose.legal_retention_period is not None and not purpose.legal_retention:
            add(f"{where}.legal_retention_period", _PERIOD_WITHOUT_DUTY)
        _period(add, f"{where}.legal_retention_period", purpose.legal_retention_period)
        _duty_of_no_time(add, where, f"purpose {key!r}", purpose)
        for field, names in (("items", purpose.items), ("optional_items", purpose.optional_items)):
            for name in sorted(names - policy.items.keys()):
                add(f"{where}.{field}", f"unknown item {name!r}: declare it under [items]")
        if not purpose.all_items:
            add(f"{where}.items", "a purpose must list the items it uses")
        for name in sorted(purpose.categories - policy.categories):
            add(
                f"{where}.categories",
                f"unknown subject category {name!r}: list it in [policy] categories",
            )
        _period(add, f"{where}.retention", purpose.retention)
        _zero_retention(add, where, f"purpose {key!r}", purpose.retention, purpose.retention_from)
        if purpose.retention_from is RetentionStart.PURPOSE_ENDED and purpose.ends is None:
            add(
                f"{where}.ends",
                'retention_from = "purpose_ended" needs the purpose\'s last day (ends = ...)',
            )
        for i, change in enumerate(purpose.changes):
            if change.related and placeholder(change.statement):
                add(
                    f"{where}.changes[{i}].statement",
                    "a change within reasonable relevance needs a statement of why (Art. 17(2))",
                )
            if change.revised > policy.revised:
                add(f"{where}.changes[{i}].revised", "a change cannot postdate the policy revision")
            if change.notified is not None and placeholder(change.how):
                add(
                    f"{where}.changes[{i}].how",
                    "say how the change was notified or published, e.g. 'published on the "
                    "website' (Art. 21(3))",
                )
            if change.notified is not None and change.notified < change.revised:
                add(
                    f"{where}.changes[{i}].notified",
                    "a change is notified on or after the day it is made",
                )

    for key, recipient in policy.recipients.items():
        where = f"recipients.{key}"
        if key != recipient.name:
            add(where, f"declared under {key!r} but named {recipient.name!r}")
        if recipient.country and not country_code(recipient.country):
            add(f"{where}.country", _COUNTRY_HINT.format(recipient.country))
        for name in sorted(recipient.purposes - policy.purposes.keys()):
            add(f"{where}.purposes", f"unknown purpose {name!r}")
        for name in sorted(recipient.items - policy.items.keys()):
            add(f"{where}.items", f"unknown item {name!r}")
        if recipient.kind is RecipientKind.ENTRUSTEE:
            if recipient.contract is None:
                add(f"{where}.contract", "an entrustee needs a contract (Art. 25, R-SEC-2)")
            else:
                for duty in recipient.contract.missing_duties:
                    add(
                        f"{where}.contract.{duty.replace(' ', '_').replace('-', '')}",
                        f"the contract must bind {duty} (Art. 25, R-SEC-2)",
                    )
                start, end = recipient.contract.valid_from, recipient.contract.until
                if start is not None and end is not None and end < start:
                    add(
                        f"{where}.contract.until",
                        f"the contract ends before it begins ({start.isoformat()}): it binds "
                        "the entrustee on no day, so nothing is entrusted under it (Art. 25, "
                        "R-SEC-2); give its last day",
                    )
            if not recipient.items:
                add(f"{where}.items", "list the items the contract allows (R-TPP-3)")
            if not recipient.purposes:
                add(f"{where}.purposes", "list the purposes the entrustment serves (R-TPP-3)")
        if recipient.record_by_contract and recipient.kind is not RecipientKind.THIRD_PARTY:
            add(
                f"{where}.record_by_contract",
                "only a provision to a third party on consent keeps an Art. 29 record",
            )
        if recipient.kind is RecipientKind.PUBLIC_AUTHORITY and (
            recipient.contract is not None or recipient.joint_use is not None
        ):
            add(where, "a public authority receives data under the law, not a contract")
        if recipient.kind is RecipientKind.JOINT_USER:
            if recipient.joint_use is None:
                add(f"{where}.joint_use", "a joint user must reference a [joint_use] declaration")
            elif recipient.joint_use not in policy.joint_uses:
                add(f"{where}.joint_use", f"unknown joint use {recipient.joint_use!r}")

    for key, joint in policy.joint_uses.items():
        where = f"joint_use.{key}"
        missing = []
        if not joint.announced:
            missing.append("(1) that the data is used jointly (announced = true)")
        if not joint.items:
            missing.append("(2) the items used jointly")
        if _says_nothing(joint, "users"):
            missing.append("(3) the scope of joint users")
        if not joint.purposes:
            missing.append("(4) the joint users' purposes")
        if joint.manager_kind is EntityKind.INDIVIDUAL:
            if any(_says_nothing(joint, f) for f in ("manager_name", "manager_address")):
                missing.append("(5) name and address of the person responsible")
            if _names_representative(joint, "manager_representative"):
                add(
                    f"{where}.manager.representative",
                    _INDIVIDUAL.format(
                        "the person responsible", "Art. 27(5)(iii)", 'kind = "corporation"'
                    ),
                )
        else:
            manager = ("manager_name", "manager_address", "manager_representative")
            if any(_says_nothing(joint, f) for f in manager):
                missing.append("(5) name, address and representative of the person responsible")
        for text in missing:
            add(where, f"joint use must publish {text} (Art. 27(5)(iii), R-TPP-5)")
        if joint.published is None:
            add(f"{where}.published", "say when the five items were published")
        for name in sorted(joint.items - policy.items.keys()):
            add(f"{where}.items", f"unknown item {name!r}")
        for name in sorted(joint.purposes - policy.purposes.keys()):
            add(f"{where}.purposes", f"unknown purpose {name!r}")
        _joint_use_changes(add, policy, joint, where)

    for key, service in policy.services.items():
        where = f"services.{key}"
        if not service.purposes:
            # The notice would publish a service with no purpose of use (Art. 32(1)(ii)).
            add(f"{where}.purposes", "a service groups at least one purpose (R-USE-10)")
        for name in sorted(service.purposes - policy.purposes.keys()):
            add(f"{where}.purposes", f"unknown purpose {name!r}")
        _period(add, f"{where}.retention", service.retention)
        _zero_retention(add, where, f"service {key!r}", service.retention, service.retention_from)
        if service.retention_from is RetentionStart.PURPOSE_ENDED:
            add(f"{where}.retention_from", "a service counts from collection or leaving")
        if not service.responsible.strip():
            add(
                f"{where}.responsible", "each service needs a responsible person (Art. 24, R-SEC-1)"
            )

    for name in sorted(policy.use_exemptions - LAW_USE_EXEMPTIONS):
        add("use.exemptions", f"{name!r} is not an exemption of APPI Art. 18(3) or 20(2)")
    for code in sorted(policy.equivalent_countries):
        if not country_code(code):
            add("provision.equivalent_countries", _COUNTRY_HINT.format(code))
        elif code not in PPC_EQUIVALENT:
            add(
                "provision.equivalent_countries",
                f"{code!r} is not a country the PPC designated as having a system equivalent "
                "to Japan's (PPC Rules Art. 15: the EEA's members and the United Kingdom, "
                "'GB'): a recipient there receives personal data only on the Art. 28 consent, "
                "unless it keeps equivalent measures under contract (equivalent_measures) "
                "(R-XB-1)",
            )
    for name in sorted(policy.provision_grounds - LAW_PROVISION_GROUNDS):
        add(
            "provision.grounds",
            f"{name!r} is not a ground the law recognises for providing data without consent "
            "(Art. 27, R-TPP-7); remove it or rely on the person's consent",
        )
    if "consent" not in policy.provision_grounds and any(
        r.kind is RecipientKind.THIRD_PARTY for r in policy.recipients.values()
    ):
        add(
            "provision.grounds", "third-party recipients are declared but 'consent' is not a ground"
        )

    _grounds_for_opt_out(add, policy)

    settings = policy.requests
    if settings.response.amount <= 0:
        add("requests.response", "the response period must be at least one day")
    elif settings.response.amount > _RESPONSE_MAX[settings.response.unit]:
        add(
            "requests.response",
            f"{settings.response} is not 'without delay' (Art. 33(1)-(3), R-REQ-8): publish "
            "at most 30 days, 20 business days or 1 month (a public body has 30 days, Art. "
            "83(1)); a request that needs longer is extended with its reason",
        )
    if settings.response.unit is Unit.BUSINESS_DAYS:
        try:
            require_business_calendar()
        except InvalidInput as e:
            add("requests.response", str(e))
    if len(settings.closed_days) > 300:
        add("requests.closed_days", "a business closed more than 300 days a year answers no one")
    for day in sorted(settings.closed_days):
        try:
            # ASCII digits only: the calendar matches "12-29", never "１２-２９" or " 1-29".
            if not _MONTH_DAY.fullmatch(day):
                raise ValueError(day)
            date(2024, int(day[:2]), int(day[3:]))  # a leap year: 02-29 is a day some years
        except ValueError:
            add("requests.closed_days", f"{day!r} is not a day of the year: give MM-DD, e.g. 12-29")
    if DocumentKind.HEALTH_INSURANCE_CARD in settings.accepted_ids and void_on(
        DocumentKind.HEALTH_INSURANCE_CARD, policy.revised
    ):
        add(
            "requests.accepted_ids",
            f"health_insurance_card: no health insurance card is valid after "
            f"{HEALTH_INSURANCE_CARDS_VALID_UNTIL.isoformat()} (Act No. 48 of 2023), and this "
            f"policy is revised on {policy.revised.isoformat()}, so its notice would invite a "
            "document no one can use: list eligibility_certificate or my_number_card instead",
        )
    if settings.certificate_max_age.amount <= 0:
        add("requests.certificate_max_age", "must be at least one day")
    _period(add, "requests.certificate_max_age", settings.certificate_max_age)
    if settings.fee_ceiling < 0:
        add("requests.fee_ceiling", "the fee ceiling cannot be negative: 0 charges no fee")
    for kind, fee in settings.fees.items():
        if kind not in FEE_KINDS:
            add(
                f"requests.fees.{kind.value}",
                "fees may be charged only for purpose notification "
                "and disclosure, including of provision records (Art. 38, R-REQ-9)",
            )
        if fee < 0:
            add(f"requests.fees.{kind.value}", "a fee cannot be negative")
        elif fee > settings.fee_ceiling >= 0:
            add(
                f"requests.fees.{kind.value}",
                f"{fee:,} yen is above the fee ceiling of {settings.fee_ceiling:,} yen: a fee "
                "must be reasonable considering actual costs (Art. 38(2)); raise "
                "requests.fee_ceiling only with the costs that justify it",
            )
    _period(add, "provision.record_retention", policy.record_retention)
    if policy.record_retention.after(date(2000, 1, 1)) < date(2003, 1, 1):
        add(
            "provision.record_retention",
            "provision records are kept at least 3 years (Art. 29(2), PPC Rules); where a "
            "contract with the person stands in for the record, mark the recipient "
            "record_by_contract = true instead (1 year after the last provision)",
        )
    if policy.statistics_min_group < 2:
        add("statistics.min_group", "groups smaller than 2 identify a person")
    if not 1 <= policy.incident_preliminary_days <= 5:
        add(
            "incidents.preliminary_days",
            "the preliminary report is due promptly: 1 to 5 days (PPC guidelines: 3-5)",
        )
    _languages(add, policy)
    _self_reference(add, policy)
    _statistics_recipients(add, policy)
    _my_number(add, policy)
    _opt_out(add, policy)
    return problems


_RESPONSE_MAX = {Unit.DAYS: 30, Unit.BUSINESS_DAYS: 20, Unit.MONTHS: 1, Unit.YEARS: 0}
"""The longest response period a policy may publish, by unit. Art. 33 asks for disclosure
"without delay" and sets no number; Art. 83(1) gives an administrative organ 30 days, and
a business's "without delay" is not read as longer (20 business days are about 4 weeks).
A month is allowed as policies word it (「1か月以内」): counted as the Civil Code counts
months (Art. 143), it runs 28 to 31 days, so at a month's end a day past 30."""


def _grounds_for_opt_out(add: Callable[[str, str], None], policy: Policy) -> None:
    """Opt-out provision declared where the policy's own grounds exclude it: the notice
    would announce it (Art. 27(2)) and the checks never provide on it. An entrustee, joint
    user or successor the grounds exclude is different: it receives data on consent
    only, a stricter policy (seed 002), which the notice does not contradict (R-TPP-8)."""
    grounds = policy.provision_grounds
    for name, recipient in policy.recipients.items():
        where = f"recipients.{name}"
        if recipient.opt_out is not None and "opt_out" not in grounds:
            add(
                f"{where}.opt_out",
                "provision by opt-out (Art. 27(2), R-TPP-8) is declared, but [provision] "
                "grounds leave out 'opt_out', so nothing would ever be provided on it while "
                "the notice announces it: add 'opt_out' to the grounds, or remove this table",
            )


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_SELF_REFERENCE_MAX = 20
"""A self-reference is a short noun (本会, 当法人, the Society), never a sentence."""


def _self_reference(add: Callable[[str, str], None], policy: Policy) -> None:
    """How the business calls itself in each language: a short noun in that language,
    which the notice writes unquoted wherever it speaks of the business."""
    controller = policy.controller
    given: dict[str, object] = {}
    if policy.languages:
        given[policy.languages[0]] = controller.self_reference
    for lang, texts in controller.translations.items():
        if "self_reference" in texts:
            given[lang] = texts["self_reference"]
    for lang, value in sorted(given.items()):
        where = "controller.self_reference"
        if not isinstance(value, str):
            add(where, 'must be text, e.g. { ja = "本会", en = "the Society" }')
            continue
        if not value:
            continue
        text = value.strip()
        if placeholder(text):
            add(where, f"the {lang!r} text is a placeholder: say how the business calls itself")
        elif len(text) > _SELF_REFERENCE_MAX or any(ch in text for ch in '\n。.「」『』"“”'):
            add(
                where,
                f"the {lang!r} text must be a short name (at most {_SELF_REFERENCE_MAX} "
                "characters, no punctuation or quotes), such as 本会 or the Society",
            )
        elif (lang == "ja") != bool(_JAPANESE.search(text)):
            add(
                where,
                f"the {lang!r} text must be written in {lang!r}: "
                + ("本会, 当法人, 本学" if lang == "ja" else "the Society, the Association"),
            )


def _statistics_recipients(add: Callable[[str, str], None], policy: Policy) -> None:
    """A recipient of statistics only (R-TPP-6) gets aggregates of statistics purposes,
    never personal data: no items, no contract, no joint use, no opt-out."""
    from pipolicy.policy.model import RecipientKind

    for name, recipient in policy.recipients.items():
        if recipient.kind is not RecipientKind.STATISTICS:
            continue
        where = f"recipients.{name}"
        if "anonymized" not in policy.provision_grounds:
            add(
                where,
                "a recipient of statistics needs 'anonymized' among the provision grounds "
                "(R-TPP-6)",
            )
        if recipient.items:
            add(
                f"{where}.items",
                "a recipient of statistics receives no personal data, so no items: "
                "declare a third party (on consent) for that",
            )
        for purpose in sorted(recipient.purposes & policy.purposes.keys()):
            if not policy.purposes[purpose].statistics:
                add(
                    f"{where}.purposes",
                    f"{purpose!r} is not a statistics purpose (statistics = true): a recipient "
                    "of statistics receives only their output",
                )
        arrangements = (
            ("contract", recipient.contract),
            ("joint_use", recipient.joint_use),
            ("opt_out", recipient.opt_out),
        )
        for field, value in arrangements:
            if value is not None:
                add(f"{where}.{field}", "a recipient of statistics receives no personal data")


def _opt_out(add: Callable[[str, str], None], policy: Policy) -> None:
    """Opt-out provision (Art. 27(2), R-TPP-8): to a third party, of declared items, never
    special care-required ones, with the method and both dates the law asks for."""
    from pipolicy.policy.model import RecipientKind

    for name, recipient in policy.recipients.items():
        opt_out = recipient.opt_out
        if opt_out is None:
            continue
        where = f"recipients.{name}.opt_out"
        if recipient.kind is not RecipientKind.THIRD_PARTY:
            add(where, "opt-out provision is to a third party (Art. 27(2))")
        elif (
            recipient.country not in ("", "JP")
            and recipient.country not in policy.equivalent_countries
            and not recipient.equivalent_measures
        ):
            add(
                where,
                f"the recipient is in {recipient.country!r}: provision to a third party "
                "abroad needs the person's consent, and Art. 27, opt-out included, does not "
                "apply to it (Art. 28(1), R-XB-1); unless its country is designated "
                "equivalent or it keeps equivalent measures (equivalent_measures)",
            )
        if not opt_out.items:
            add(f"{where}.items", "name the items provided by opt-out (Art. 27(2)(iii))")
        unknown = sorted(opt_out.items - policy.items.keys())
        if unknown:
            add(f"{where}.items", f"unknown items {unknown}")
        beyond = sorted((opt_out.items & policy.items.keys()) - recipient.items)
        if recipient.items and beyond:
            add(
                f"{where}.items",
                f"{beyond} are not among the recipient's items: the notice would announce "
                "them as provided by opt-out (Art. 27(2)(iii)) and the checks would never "
                "provide them; add them to the recipient's items or remove them here",
            )
        sensitive = sorted(
            i for i in opt_out.items & policy.items.keys() if policy.items[i].special_care
        )
        if sensitive:
            add(
                f"{where}.items",
                f"{sensitive} are special care-required: never provided by opt-out "
                "(Art. 27(2) proviso, R-TPP-8)",
            )
        if _says_nothing(opt_out, "method"):
            add(f"{where}.method", "say how a person stops the provision (Art. 27(2)(vii))")
        announced = (
            ("acquired_by", "how the data provided is acquired (Art. 27(2)(iv))"),
            ("provided_by", "how it is provided, e.g. as a file or on paper (Art. 27(2)(v))"),
            ("updated_by", "how the data provided is kept up to date (PPC Rules Art. 11(4)(i))"),
        )
        for field, what in announced:
            if _says_nothing(opt_out, field):
                add(f"{where}.{field}", f"say {what}: the people are told it in advance")
        for field in ("notified", "filed"):
            if getattr(opt_out, field) is None:
                add(
                    f"{where}.{field}",
                    "opt-out provision starts only once the items are notified to the "
                    "people and filed with the PPC: give both dates (Art. 27(2))",
                )
        if opt_out.waiting is None or opt_out.waiting.amount <= 0:
            add(
                f"{where}.waiting",
                "give the time people have to ask to stop the provision between the "
                'notice and the first provision, e.g. "30 days" (PPC Rules Art. 11(1)(i)); '
                "at least one day",
            )
        _period(add, f"{where}.waiting", opt_out.waiting)
        _opt_out_changes(add, policy, opt_out, where)
        _opt_out_end(add, policy, opt_out, where)
        _opt_out_recipient(add, f"recipients.{name}", recipient)


def _opt_out_end(
    add: Callable[[str, str], None], policy: Policy, opt_out: OptOut, where: str
) -> None:
    """The end of an opt-out (Art. 27(3)): a day the policy has reached (like a change,
    not after its revision), after the opt-out was first announced, and after every
    change (a change to a provision that has ended describes nothing). Its notice and
    filing may be missing: provision stops all the same, and lint asks for them."""
    end = opt_out.end
    if end is None:
        return
    if end.on > policy.revised:
        add(f"{where}.end.on", "the end cannot postdate the policy revision")
    if opt_out.notified is not None and end.on <= opt_out.notified:
        add(
            f"{where}.end.on",
            "the end must come after the opt-out's notified day: provision by opt-out "
            "cannot end before it was announced",
        )
    for i, change in enumerate(opt_out.changes):
        if change.revised >= end.on:
            add(
                f"{where}.changes[{i}].revised",
                "a change on or after the end of provision by opt-out changes nothing",
            )


def _opt_out_changes(
    add: Callable[[str, str], None], policy: Policy, opt_out: OptOut, where: str
) -> None:
    """An opt-out's changes (Art. 27(3)): each adds items the opt-out lists (its fields
    are the current ones) or replaces texts it has, and an item is added once, so the day
    it may first be provided is one. A change missing ``notified`` or ``filed`` loads: its
    items are never provided by opt-out (lint says what to add)."""
    from pipolicy.policy.model import OPT_OUT_TEXTS

    adding: dict[str, int] = {}
    for i, change in enumerate(opt_out.changes):
        cw = f"{where}.changes[{i}]"
        if not change.added and not change.changed:
            add(
                cw,
                "say what the change adds (added, the items) or which texts it replaces "
                f"(changed, of {list(OPT_OUT_TEXTS)}) (Art. 27(3))",
            )
        for item in sorted(change.added - opt_out.items):
            add(
                f"{cw}.added",
                f"added item {item!r} must be listed in the opt-out items too: they are the "
                "items provided now",
            )
        for item in sorted(change.added & adding.keys()):
            add(
                f"{cw}.added",
                f"{item!r} is added by more than one change (changes[{adding[item]}] too): "
                "the day it is first provided by opt-out must be one",
            )
        adding.update(dict.fromkeys(change.added - adding.keys(), i))
        for field in sorted(change.changed - set(OPT_OUT_TEXTS)):
            add(
                f"{cw}.changed",
                f"{field!r} is not a text of the opt-out a change replaces: name "
                f"{list(OPT_OUT_TEXTS)} (method, how the data is acquired, provided and kept "
                "up to date), and items in added",
            )
        if change.revised > policy.revised:
            add(f"{cw}.revised", "a change cannot postdate the policy revision")


def _opt_out_recipient(add: Callable[[str, str], None], where: str, recipient: Recipient) -> None:
    """A record of provision by opt-out holds the recipient's name, address and, but for
    an individual, representative (PPC Rules Art. 20(1)(i)): each record keeps what the
    policy declares, so a recipient given data by opt-out declares them."""
    if _says_nothing(recipient, "address"):
        add(
            f"{where}.address",
            "give the recipient's address: a record of provision by opt-out holds it "
            "(PPC Rules Art. 20(1)(i))",
        )
    if recipient.entity is EntityKind.INDIVIDUAL:
        if _names_representative(recipient):
            add(
                f"{where}.representative",
                'an individual (entity = "individual") has no representative: a record of '
                "provision holds one only for a corporation or an association (PPC Rules Art. "
                '20(1)(i)); remove it, or declare entity = "corporation"',
            )
    elif _says_nothing(recipient, "representative"):
        add(
            f"{where}.representative",
            "give the recipient's representative: a record of provision by opt-out holds "
            'it (PPC Rules Art. 20(1)(i)); a recipient who is an individual says entity = "individual"',
        )


def _my_number(add: Callable[[str, str], None], policy: Policy) -> None:
    """Individual Numbers only for the My Number Act's affairs, never to a third party or
    joint user nor by opt-out, and kept no longer than the affairs need (My Number Act 9,
    19, 20; R-MYN-1)."""
    from pipolicy.policy.model import MY_NUMBER_AFFAIRS, RecipientKind

    numbers = policy.my_number_items
    endless = (
        "a legal duty to keep Individual Numbers ends when the law's period does: give "
        "the period, after which they are deleted (My Number Act Art. 20; R-MYN-1)"
    )
    for name in sorted(numbers):
        item = policy.items[name]
        if item.legal_retention and item.legal_retention_period is None:
            add(f"items.{name}.legal_retention_period", endless)
    for name, purpose in policy.purposes.items():
        where = f"purposes.{name}"
        affairs = purpose.my_number_affairs
        if (
            purpose.all_items & numbers
            and purpose.legal_retention
            and purpose.legal_retention_period is None
        ):
            add(f"{where}.legal_retention_period", endless)
        if affairs is not None and affairs not in MY_NUMBER_AFFAIRS:
            add(
                f"{where}.my_number_affairs",
                f"the My Number Act (Art. 9) allows {sorted(MY_NUMBER_AFFAIRS)}, not {affairs!r}",
            )
        held = sorted(purpose.all_items & numbers)
        if held and affairs is None:
            add(
                f"{where}.items",
                f"{held} are Individual Numbers: only a purpose with my_number_affairs "
                "(social security, tax, disaster response) may handle them, never on consent "
                "alone (My Number Act Arts. 9, 19, 20; R-MYN-1)",
            )
        if held and affairs is not None and purpose.retention is None:
            add(
                f"{where}.retention",
                "Individual Numbers are deleted as soon as the affairs no longer need them: "
                "give the retention period (My Number Act Art. 20; R-MYN-1)",
            )
    for name, joint in policy.joint_uses.items():
        shared = sorted(joint.items & numbers)
        if shared:
            add(
                f"joint_use.{name}.items",
                f"{shared} are Individual Numbers: the My Number Act (Art. 19) has no joint "
                "use, so no joint use may list them (R-MYN-1)",
            )
    for name, recipient in policy.recipients.items():
        by_opt_out = sorted(recipient.opt_out.items & numbers) if recipient.opt_out else []
        if by_opt_out:
            add(
                f"recipients.{name}.opt_out.items",
                f"{by_opt_out} are Individual Numbers: never provided by opt-out, a "
                "provision the My Number Act Art. 19 does not list (R-MYN-1)",
            )
        given = sorted(recipient.items & numbers)
        allowed = recipient.kind in (RecipientKind.ENTRUSTEE, RecipientKind.SUCCESSOR)
        if given and not allowed:
            add(
                f"recipients.{name}.items",
                f"{given} are Individual Numbers: they go only to an entrustee for the "
                "affairs, a successor, or where the My Number Act Art. 19 requires "
                "(an exemption with its reference), never to a third party on consent",
            )
        elif given and any(
            policy.purposes[p].my_number_affairs is None
            for p in recipient.purposes
            if p in policy.purposes
        ):
            add(
                f"recipients.{name}.purposes",
                f"a {recipient.kind.value} given Individual Numbers works only for "
                "purposes with my_number_affairs (R-MYN-1)",
            )


def _localized(policy: Policy) -> Iterator[tuple[str, object]]:
    """Every entity whose fields a person reads, with its location in the policy file."""
    yield "controller", policy.controller
    yield "requests", policy.requests
    for section, mapping in (
        ("items", policy.items),
        ("purposes", policy.purposes),
        ("recipients", policy.recipients),
        ("joint_use", policy.joint_uses),
        ("services", policy.services),
    ):
        for name, entity in mapping.items():
            yield f"{section}.{name}", entity
    for name, recipient in policy.recipients.items():
        if recipient.opt_out is not None:
            yield f"recipients.{name}.opt_out", recipient.opt_out


def _languages(add: Callable[[str, str], None], policy: Policy) -> None:
    """Languages pipolicy can write in, and every text a person reads in each of them."""
    langs = policy.languages
    if not langs:
        add("policy.languages", f"name at least one language, of {list(LANGUAGES)}")
        return
    for lang in langs:
        if lang not in LANGUAGES:
            add(
                "policy.languages",
                f"{lang!r} is not a language pipolicy writes in: use {list(LANGUAGES)}",
            )
    if len(set(langs)) != len(langs):
        add("policy.languages", "a language is listed twice")
    for where, entity in _localized(policy):
        translations = getattr(entity, "translations", {})
        for lang in sorted(set(translations) - set(langs[1:])):
            add(
                where,
                f"has texts in {lang!r}, which is not one of the policy's other languages "
                f"{list(langs[1:])} (the default, {langs[0]!r}, is the plain value)",
            )
        for field in LOCALIZED[type(entity).__name__]:
            if not getattr(entity, field):
                continue
            for lang in langs[1:]:
                if not translations.get(lang, {}).get(field):
                    add(
                        f"{where}.{field}",
                        f"has no {lang!r} text: give it as a table, e.g. "
                        f'{{ {langs[0]} = "...", {lang} = "..." }}',
                    )


_FIXED_UNDER_JOINT_USE = {
    "items": "the items used jointly",
    "users": "the scope of the joint users",
}


def _joint_use_changes(
    add: Callable[[str, str], None], policy: Policy, joint: JointUse, where: str
) -> None:
    """A joint use's changes (Art. 27(6)): its purposes and person responsible may change
    once made known, its items and joint users not at all under the same announcement
    (PPC guidelines): the people agreed to share those, so it needs their consent or a
    new joint use announced anew."""
    from pipolicy.policy.model import JointUseChangeKind

    for i, change in enumerate(joint.changes):
        cw = f"{where}.changes[{i}]"
        fixed = _FIXED_UNDER_JOINT_USE.get(change.what.value)
        if fixed is not None:
            add(
                f"{cw}.what",
                f"{fixed} cannot change under the same joint use (Art. 27(6)): it needs the "
                "persons' consent or a new joint use announced anew",
            )
        if change.what is JointUseChangeKind.PURPOSES:
            if not change.added:
                add(f"{cw}.added", "name the purposes the change added")
            for name in sorted(change.added - joint.purposes):
                add(f"{cw}.added", f"added purpose {name!r} must be listed in the purposes")
        elif change.added:
            add(f"{cw}.added", "only a purposes change adds purposes")
        if change.revised > policy.revised:
            add(f"{cw}.revised", "a change cannot postdate the policy revision")
        if change.notified is not None and placeholder(change.how):
            add(
                f"{cw}.how",
                "say how the change was made known, e.g. 'published on the website' (Art. 27(6))",
            )
