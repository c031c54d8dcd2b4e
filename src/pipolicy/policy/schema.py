"""The JSON Schema of a policy file: the one list of the tables and keys a policy may have.

Editors validate and complete policy files with it (VS Code's Even Better TOML and any
other taplo-based tool; docs/policy-file.md says how), and ``pipolicy schema`` prints it.

Why the schema is built here, in Python, and not checked in as ``policy.schema.json``:
the loader takes the keys it accepts from this schema (:data:`TABLE_KEYS`), so no key can
be accepted without being declared here. The other direction is proved by tests that
drive the loader with the schema (tests/test_policy_schema.py): every key the loader asks
for is declared, every declared key is read, a value of the wrong type is refused by both,
and every key lint always requires is ``required`` here. Enumerations come from the enums
the model reads (recipient kinds, identity documents, the law's exemptions), so a new
member appears here at once. A checked-in JSON file would be a second copy of all that,
equal to the loader only when someone remembered to regenerate it.

What the schema says is what lint says of one key at a time: the keys, their types, their
values where they are a fixed list, and the keys lint always requires. What needs the
whole policy (a purpose naming an item that is not declared, a placeholder address, a
fee above the ceiling) is left to ``pipolicy lint``.

Dialect: draft-07 is declared, and only keywords draft-04 already had are used, because
taplo's validator is older than the newest drafts. Dates are ``{"type": "string",
"format": "date"}``: the loader takes a TOML date or an ISO string, and taplo checks a
TOML date against ``"format": "date"``.

Why one module of this length (about 780 lines): it declares every table and key of the
policy file once, in the order ``docs/policy-file.md`` documents them, each with the
article behind it; the helpers at the top (text, names, durations, choices) are what
every declaration uses. Split per table, the declarations would be read in many files
against one page of docs and one loader that takes its key lists from here.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Iterable, Mapping
from typing import Any

from pipolicy.domain.acquisitions import EntityKind
from pipolicy.domain.requests import FEE_KINDS, ID_DOCUMENTS, DocumentKind
from pipolicy.policy.model import (
    DEFAULT_PROVISION_GROUNDS,
    DEFAULT_USE_EXEMPTIONS,
    LAW_PROVISION_GROUNDS,
    LAW_USE_EXEMPTIONS,
    MY_NUMBER_AFFAIRS,
    OPT_OUT_TEXTS,
    ConsentRule,
    RecipientKind,
    RequestSettings,
    RetentionStart,
)
from pipolicy.policy.texts import LANGUAGES

__all__ = ["DRAFT", "TABLE_KEYS", "policy_schema"]

DRAFT = "http://json-schema.org/draft-07/schema#"

Schema = dict[str, Any]

_PER_LANGUAGE = (
    'once (in the policy\'s default language) or per language: { ja = "...", en = "..." }'
)


def _ci(pattern: str) -> str:
    """``pattern`` matching letters in either case (ECMA 262 patterns have no ``(?i)``);
    an escape such as ``\\s`` is kept as it is."""
    out, escaped = [], False
    for c in pattern:
        out.append(f"[{c.upper()}{c}]" if c.isalpha() and not escaped else c)
        escaped = c == "\\" and not escaped
    return "".join(out)


# What Duration.parse accepts, after stripping and lower-casing: "3 months", "10 business
# days", "P3M" (one ISO 8601 unit); negative amounts are refused. Tested against it.
_UNITS = "|".join(_ci(u) for u in ("business\\s+days?", "days?", "months?", "years?"))
_DURATION_PATTERN = f"^\\s*(\\+?[0-9]+\\s*({_UNITS})|[Pp]\\+?[0-9]+[YyMmWwDd])\\s*$"


def _text(description: str) -> Schema:
    """A text a person reads."""
    per_language = {
        "type": "object",
        "properties": {lang: {"type": "string"} for lang in LANGUAGES},
        "additionalProperties": False,
    }
    return {
        "description": f"{description} Given {_PER_LANGUAGE}.",
        "anyOf": [{"type": "string"}, per_language],
    }


def _sentences(description: str) -> Schema:
    """A list of published sentences a person reads (one string is one sentence)."""
    some: Schema = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    per_language = {
        "type": "object",
        "properties": dict.fromkeys(LANGUAGES, some),
        "additionalProperties": False,
    }
    return {
        "description": f"{description} A list of sentences, given {_PER_LANGUAGE}.",
        "anyOf": [*some["anyOf"], per_language],
    }


def _string(description: str, default: str | None = None) -> Schema:
    found: Schema = {"type": "string", "description": description}
    if default is not None:
        found["default"] = default
    return found


def _names(
    description: str, values: Iterable[str] | None = None, default: Iterable[str] | None = None
) -> Schema:
    """Names of the policy's entries (a list, or one name as a string)."""
    name: Schema = {"type": "string"}
    if values is not None:
        name["enum"] = sorted(values)
    found: Schema = {
        "description": f"{description} A list of names (one name may be a string).",
        "anyOf": [name, {"type": "array", "items": name}],
    }
    if default is not None:
        found["default"] = sorted(default)
    return found


def _flag(description: str, default: bool = False) -> Schema:
    return {"type": "boolean", "description": description, "default": default}


def _count(
    description: str, default: int | None = None, *, minimum: int = 0, maximum: int | None = None
) -> Schema:
    found: Schema = {"type": "integer", "description": description, "minimum": minimum}
    if maximum is not None:
        found["maximum"] = maximum
    if default is not None:
        found["default"] = default
    return found


def _date(description: str) -> Schema:
    return {
        "type": "string",
        "format": "date",
        "description": f"{description} A day such as 2026-04-01, in the policy's time zone.",
    }


def _duration(description: str, default: str | None = None) -> Schema:
    found: Schema = {
        "description": (
            f"{description} A calendar period: '14 days', '10 business days', '3 months', "
            "'5 years' or ISO 8601 with one unit ('P3M'); a bare number counts days."
        ),
        "anyOf": [
            {"type": "string", "pattern": _DURATION_PATTERN},
            {"type": "integer", "minimum": 0},
        ],
    }
    if default is not None:
        found["default"] = default
    return found


def _legacy(key: str, unit: str) -> Schema:
    """An older key, still read: a bare number of ``unit``."""
    return {
        "type": "integer",
        "minimum": 0,
        "deprecated": True,
        "description": f"The older form of {key}: a number of {unit}. Give one of the two.",
    }


def _choice(
    description: str, members: Iterable[enum.Enum], default: enum.Enum | None = None
) -> Schema:
    found: Schema = {
        "type": "string",
        "enum": [str(m.value) for m in members],
        "description": description,
    }
    if default is not None:
        found["default"] = default.value
    return found


def _table(
    description: str, properties: Mapping[str, Schema], required: Iterable[str] = ()
) -> Schema:
    found: Schema = {
        "type": "object",
        "description": description,
        "properties": dict(properties),
        "additionalProperties": False,
    }
    if required:
        found["required"] = list(required)
    return found


def _entries(description: str, entry: Schema) -> Schema:
    """A table of named entries (``[items.email]``, ``[purposes.service]``)."""
    return {"type": "object", "description": description, "additionalProperties": entry}


_RETENTION = {
    "retention": _duration(
        "How long data is kept once the clock starts (retention_from); none: no period "
        "(Art. 22, R-ACC-1)."
    ),
    "retention_days": _legacy("retention", "days"),
}


def _retention_from(starts: Iterable[RetentionStart]) -> Schema:
    return _choice(
        "What the retention period counts from: the acquisition, the day the person left "
        "the service, or the purpose's last day (ends) (R-ACC-1).",
        starts,
        RetentionStart.LEFT,
    )


_POLICY = _table(
    "The policy itself: its version, revision date, languages, categories and time zone.",
    {
        "version": {
            "type": ["string", "integer"],
            "description": "The policy's version id, kept with every record made under it "
            "(R-USE-2, R-NTC-1). Quote a decimal: 2026.10 as a number is 2026.1.",
        },
        "revised": _date("The day this revision took effect (R-USE-2, Art. 17)."),
        "languages": {
            "description": "The languages the business publishes in, the default first "
            "(English alone when absent).",
            "anyOf": [
                {"type": "string", "enum": list(LANGUAGES)},
                {
                    "type": "array",
                    "items": {"type": "string", "enum": list(LANGUAGES)},
                    "minItems": 1,
                    "uniqueItems": True,
                },
            ],
            "default": ["en"],
        },
        "categories": _names(
            "The categories of people the policy covers (customer, member, applicant, "
            "website_visitor; R-USE-9)."
        ),
        "timezone": _string(
            "The IANA time zone of the policy's jurisdiction: every date is a day there.",
            "Asia/Tokyo",
        ),
        "academic_institution": _flag(
            "Whether the business is an academic research institution (Art. 16(8)), which "
            "its own research (Arts. 18(3)(v), 20(2)(v)) and providing data to publish "
            "results or to a joint research partner (Art. 27(1)(v), (vi)) need."
        ),
    },
    required=("version", "revised"),
)


def _kind(whose: str) -> Schema:
    return _choice(
        f"What {whose} is: a corporation, an association without legal personality that "
        "has a representative or manager, or an individual (a sole trader), who has no "
        "representative. Absent: held to a corporation's duty (Arts. 27(2)(i), 32(1)(i)).",
        EntityKind,
    )


def _representative_unless_individual(table: Schema) -> Schema:
    """``table`` requiring ``representative`` unless ``kind = "individual"``, which may not
    have one (Art. 27(2)(i)'s parenthetical, shared by Arts. 27(5)(iii) and 32(1)(i)).
    Draft-04 keywords only (no ``if``/``then``): one of two shapes, under ``allOf`` so
    the table itself stays one object schema."""
    others = [k.value for k in EntityKind if k is not EntityKind.INDIVIDUAL]
    individual = {
        "properties": {
            "kind": {"enum": [EntityKind.INDIVIDUAL.value]},
            "representative": {"not": {}},  # present at all: refused
        },
        "required": ["kind"],
    }
    not_individual = {"properties": {"kind": {"enum": others}}, "required": ["representative"]}
    return {**table, "allOf": [{"anyOf": [individual, not_individual]}]}


_CONTROLLER = _table(
    "The business responsible for the data; everything here is published (Art. 32(1)).",
    {
        "name": _text("The business's name (Art. 32(1)(i))."),
        "kind": _kind("the business"),
        "address": _text("The business's address (Art. 32(1)(i))."),
        "representative": _text(
            "For a corporation, its representative's name; for an association, its "
            "representative's or manager's; none for an individual (Art. 32(1)(i))."
        ),
        "contact": _text("Where to make requests (Art. 32(1)(iii), Art. 37)."),
        "complaints": _text(
            "Where to complain (Art. 40); the contact when absent (Cabinet Order Art. 10)."
        ),
        "security_measures": _sentences(
            "The security measures taken to protect the data (Arts. 23, 32(1)(iv))."
        ),
        "self_reference": _text(
            "How the business calls itself once named, in the notice and letters (本会 for "
            "a society; 当社 and 'we' when absent): a short name in each language."
        ),
        "accredited_organisation": _text(
            "The accredited personal information protection organisation (Art. 47) the "
            "business is covered by, if any (Art. 32(1)(iv), Cabinet Order Art. 10(iii))."
        ),
        "accredited_complaints": _text(
            "Where complaints to that organisation go (Cabinet Order Art. 10(iii))."
        ),
    },
    required=("name", "address", "contact", "security_measures"),
)
_CONTROLLER = _representative_unless_individual(_CONTROLLER)

_ITEM = _table(
    "A kind of personal information the business collects.",
    {
        "title": _text("What the item is called in notices and answers."),
        "special_care": _flag(
            "Special care-required personal information (Art. 2(3)): prior consent to "
            "acquire (Art. 20(2), R-ACQ-3), never provided by opt-out."
        ),
        "identifies": _flag(
            "false for a personally referable identifier such as a cookie id (Art. 31, R-PRI-1).",
            default=True,
        ),
        "legal_retention": _text(
            "Why the law obliges keeping the item: kept on deletion (Art. 35, R-REQ-7)."
        ),
        "legal_retention_period": _duration(
            "How long that duty lasts, counted from collection; after it a deletion erases "
            "the item. None: the duty never ends for pipolicy (R-REQ-7)."
        ),
        "my_number": _flag(
            "An Individual Number (My Number Act): handled only for its affairs (R-MYN-1)."
        ),
        "financial": _flag(
            "Open to financial misuse if leaked: a leak is reportable (PPC Rules 7(ii), R-LEAK-1)."
        ),
    },
)

_CHANGE = _table(
    "A revision of the purpose (Art. 17(2), R-USE-2).",
    {
        "revised": _date("The day of the change (the policy's revision date when absent)."),
        "related": _flag(
            "true: within reasonable relevance to the old purpose (needs a statement); "
            "false: a new purpose, which consents given before do not cover (R-CON-3)."
        ),
        "statement": _string("Why the changed purpose is related to the old one."),
        "notified": _date(
            "The day the change was notified to the people or published (Art. 21(3), "
            "R-USE-3); no use for the purpose before it."
        ),
        "how": _string("How the change was notified or published (R-USE-3)."),
    },
)

_PURPOSE = _table(
    "A purpose of use, as notified or published (Arts. 17, 21).",
    {
        "title": _text("The purpose as the notice states it (Art. 17(1))."),
        "items": _names("The items the purpose needs (R-ACQ-2)."),
        "optional_items": _names(
            "Items collected only when the person opts in (R-ACQ-2; seed 000 L58)."
        ),
        "consent": _choice(
            "none: notification is enough (Art. 21); at_collection: permission before "
            "collecting and using (R-USE-7, seed 000 L10).",
            ConsentRule,
            ConsentRule.NONE,
        ),
        "categories": _names(
            "The categories of people the purpose is for; all when absent (R-USE-9)."
        ),
        "handlers": _names(
            "The roles of staff who may handle data for the purpose; any when absent "
            "(Art. 24, R-SEC-1)."
        ),
        "links_identifiers": _flag(
            "The purpose links personally referable identifiers to a person, as notified "
            "(Art. 31, R-PRI-1)."
        ),
        "statistics": _flag("The purpose produces only anonymous statistics (Art. 2(1), R-USE-8)."),
        **_RETENTION,
        "retention_from": _retention_from(RetentionStart),
        "ends": _date("The purpose's last day, if it has one (a campaign)."),
        "legal_retention": _text(
            "Why the law obliges keeping data acquired for the purpose (R-REQ-7)."
        ),
        "legal_retention_period": _duration(
            "How long that duty lasts, counted from collection; after it a deletion erases "
            "the data. None: the duty never ends for pipolicy (R-REQ-7)."
        ),
        "changes": {
            "type": "array",
            "description": "Revisions of the purpose, as [[purposes.<name>.changes]] "
            "(R-USE-2, R-USE-3).",
            "items": _CHANGE,
        },
        "my_number_affairs": {
            "type": "string",
            "enum": sorted(MY_NUMBER_AFFAIRS),
            "description": "For a purpose handling Individual Numbers: the affairs of the "
            "My Number Act Art. 9 it serves (R-MYN-1).",
        },
    },
)

_CONTRACT = _table(
    "An entrustment contract (Art. 25, R-SEC-2); an entrustee's must bind all three duties.",
    {
        "confidentiality": _flag("The contract binds confidentiality."),
        "security_measures": _flag("The contract binds security measures."),
        "no_reprovision": _flag("The contract forbids providing the data on."),
        "valid_from": _date("The first day the contract is in force."),
        "until": _date("The last day the contract is in force."),
        "reference": _string("The contract's reference, kept with each provision."),
    },
)

_OPT_OUT_CHANGE = _table(
    "A change to the provision by opt-out, notified and filed in advance (Art. 27(3), R-TPP-8).",
    {
        "revised": _date(
            "The day the change takes effect (the policy's revision date when absent)."
        ),
        "added": _names("The items the change adds (also listed in the opt-out's items)."),
        "changed": _names(
            "The texts the change replaces (the opt-out's are the new ones): method, "
            "acquired_by, provided_by, updated_by.",
            OPT_OUT_TEXTS,
        ),
        "notified": _date("The day the change was notified or made easy to know."),
        "filed": _date(
            "The day the change was filed with the PPC; what it brings is provided by "
            "opt-out from the later of the filing, the waiting period after the notice and "
            "the change's day, and never while a date is missing."
        ),
    },
)

_OPT_OUT_END = _table(
    "The end of provision by opt-out, notified and filed without delay (Art. 27(3), R-TPP-8).",
    {
        "on": _date(
            "The first day nothing is provided by opt-out (not after the policy's revision)."
        ),
        "notified": _date("The day the end was notified or made easy to know."),
        "filed": _date("The day the end was filed with the PPC."),
    },
    required=("on",),
)

_OPT_OUT = _table(
    "Provision to this third party by opt-out (Art. 27(2), R-TPP-8).",
    {
        "items": _names("The items provided by opt-out (Art. 27(2)(iii))."),
        "method": _text(
            "How a person asks to stop the provision (Art. 27(2)(vii)), in each language."
        ),
        "acquired_by": _text("How the data provided is acquired (Art. 27(2)(iv))."),
        "provided_by": _text("How it is provided: on paper, as a file, online (Art. 27(2)(v))."),
        "updated_by": _text("How the data provided is kept up to date (PPC Rules Art. 11(4)(i))."),
        "notified": _date("The day the items were notified or made easy to know."),
        "filed": _date("The day the filing with the PPC was made."),
        "waiting": _duration(
            "How long people have to ask to stop it between the notice and the first "
            "provision (PPC Rules Art. 11(1)(i)): days, months or years, at least one day."
        ),
        "changes": {
            "type": "array",
            "description": "Changes since the first notice, as "
            "[[recipients.<name>.opt_out.changes]] (Art. 27(3)): an item added is declared "
            "here, or it is taken as provided from the first notice.",
            "items": _OPT_OUT_CHANGE,
        },
        "end": _OPT_OUT_END,
    },
    required=(
        "items",
        "method",
        "acquired_by",
        "provided_by",
        "updated_by",
        "notified",
        "filed",
        "waiting",
    ),
)

_RECIPIENT = _table(
    "Someone the business gives data to, and under which arrangement (Arts. 27-29).",
    {
        "title": _text("What the notice calls the recipient."),
        "kind": _choice(
            "third_party (on consent, Art. 27(1)), entrustee (Art. 27(5)(i)), joint_user "
            "(27(5)(iii)), successor (27(5)(ii)), public_authority (on an order under "
            "the law only) or statistics (anonymous statistics only, never personal data).",
            RecipientKind,
            RecipientKind.THIRD_PARTY,
        ),
        "purposes": _names("The purposes the recipient serves (R-TPP-3)."),
        "items": _names("The items the recipient may receive (R-TPP-3)."),
        "contract": _CONTRACT,
        "joint_use": _string("For a joint user: the name of its [joint_use] declaration."),
        "affiliate": _flag("A company of the same group: still a third party (Art. 27(1))."),
        "academic_institution": _flag(
            "An academic research institution: provision to it for its research (Art. "
            "27(1)(vii)) and use to provide it data for its purposes (Art. 18(3)(vi))."
        ),
        "joint_research": _flag(
            "A joint research partner: provision to it by the business, an institution "
            "(Art. 27(1)(vi)); acquisition from it, an institution (Art. 20(2)(vi))."
        ),
        "record_by_contract": _flag(
            "The contract with the person stands in for the Art. 29 record of a provision "
            "on consent (not by opt-out): kept 1 year after the last one (R-REC-1)."
        ),
        "links_identifiers": _flag(
            "The recipient will link identifiers it receives to a person (Art. 31)."
        ),
        "opt_out": _OPT_OUT,
        "country": _string(
            "Where the recipient is, as an ISO 3166 code; empty or JP: Japan (Art. 28, R-XB-1).",
            "",
        ),
        "equivalent_measures": _flag(
            "The recipient keeps measures equivalent to the Act's under a contract "
            "(Art. 28(1)): no Art. 28 consent needed."
        ),
        "address": _text(
            "The recipient's address, kept in each provision record; required for "
            "provision by opt-out (PPC Rules Art. 20(1)(i))."
        ),
        "representative": _text(
            "For a corporation, its representative's name; for an association, its "
            "representative's or manager's; none for an individual. Required for "
            'provision by opt-out unless entity = "individual" (PPC Rules Art. 20(1)(i)).'
        ),
        "entity": _kind("the recipient"),
    },
)

_MANAGER = _representative_unless_individual(
    _table(
        "The person responsible for the joint use (Art. 27(5)(iii), item 5).",
        {
            "name": _text("Their name."),
            "kind": _kind("the person responsible"),
            "address": _text("Their address."),
            "representative": _text(
                "For a corporation, its representative's name; for an association, its "
                "representative's or manager's; none for an individual."
            ),
        },
        required=("name", "address"),
    )
)

_JOINT_USE_CHANGE = _table(
    "A change to the joint use and when it was made known (Art. 27(6), R-TPP-5).",
    {
        "what": {
            "type": "string",
            # items and users are not changed under the same announcement (PPC
            # guidelines): the validator refuses them with that reason.
            "enum": ["purposes", "manager", "manager_details"],
            "description": "purposes: a purpose added; manager: another person responsible "
            "(both made known in advance); manager_details: the same person's name, address "
            "or representative (made known without delay). The joint use's fields are the "
            "current ones.",
        },
        "added": _names("For a purposes change: the purposes added (also listed in purposes)."),
        "revised": _date("The day of the change (the policy's revision date when absent)."),
        "notified": _date(
            "The day the change was notified to the people or made easily known to them; "
            "an added purpose or a new person responsible counts for provision from it."
        ),
        "how": _string("How the change was made known."),
    },
    required=("what",),
)

_JOINT_USE = _table(
    "A joint use announced in advance: all five items of Art. 27(5)(iii) (R-TPP-5).",
    {
        "announced": {
            "type": "boolean",
            "enum": [True],
            "description": "(1) That the data is used jointly was published.",
        },
        "items": _names("(2) The items used jointly."),
        "users": _text("(3) The scope of the joint users."),
        "purposes": _names("(4) The joint users' purposes."),
        "manager": _MANAGER,
        "published": _date("The day the five items were published."),
        "changes": {
            "type": "array",
            "description": "Changes made known since, as [[joint_use.<name>.changes]] "
            "(Art. 27(6)).",
            "items": _JOINT_USE_CHANGE,
        },
    },
    required=("announced", "items", "users", "purposes", "manager", "published"),
)

_SERVICE = _table(
    "A service grouping purposes, with its own window and responsible person (R-USE-10; seed 004).",
    {
        "title": _text("The service's name."),
        "purposes": _names("The purposes of the service (at least one)."),
        "window": _text(
            "Where requests about the service go (Art. 32(1)(iii)); none: [requests] window."
        ),
        "responsible": _text("The person responsible for the service (Art. 24, R-SEC-1)."),
        **_RETENTION,
        "retention_from": _retention_from([RetentionStart.COLLECTION, RetentionStart.LEFT]),
    },
    required=("purposes", "responsible"),
)

_REQUESTS = _table(
    "How the business answers requests from the person (Arts. 32-39).",
    {
        "response": _duration(
            "The period to answer in; due at the end of its last day (R-REQ-8).", "14 days"
        ),
        "response_days": _legacy("response", "days"),
        "fees": _table(
            "Fees in yen, only for purpose notification and disclosure (Art. 38, R-REQ-9).",
            {
                kind.value: _count(f"The fee for a {kind.value.replace('_', ' ')} request.")
                for kind in sorted(FEE_KINDS, key=lambda k: k.value)
            },
        ),
        "fee_ceiling": _count(
            "The highest fee lint accepts: a fee must be reasonable (Art. 38(2)).", 3000
        ),
        "accepted_ids": _names(
            "The identity documents accepted (Art. 37, R-REQ-3).",
            values=(d.value for d in DocumentKind if d in ID_DOCUMENTS),
            default=(d.value for d in RequestSettings().accepted_ids),
        ),
        "accept_service_login": _flag(
            "Accept the service's login as proof of identity for an electronic answer (Art. 37(4))."
        ),
        "closed_days": {
            "description": "The business's own closing days every year, as MM-DD: a response "
            "period in business days skips them (R-REQ-8).",
            "type": "array",
            "items": {"type": "string", "pattern": "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"},
            "default": [],
        },
        "certificate_max_age": _duration(
            "How recently a seal certificate or family register must have been issued "
            "(R-REQ-3; seed 001 'within 3 months').",
            "3 months",
        ),
        "certificate_max_age_days": _legacy("certificate_max_age", "days"),
        "window": _text("Where requests are made: the request window (Art. 32(1)(iii))."),
        "fee_payment": _text(
            "How fees are paid, published with them (Art. 32(1)(iii), Cabinet Order Art. 12(iv))."
        ),
    },
)

_SCHEMA: Schema = {
    "$schema": DRAFT,
    "title": "pipolicy policy file",
    **_table(
        "A personal-information handling policy under Japan's APPI, for pipolicy.",
        {
            "policy": _POLICY,
            "controller": _CONTROLLER,
            "items": _entries("The items of personal information, by name.", _ITEM),
            "purposes": _entries("The purposes of use, by name (Art. 17(1)).", _PURPOSE),
            "recipients": _entries("The recipients of data, by name.", _RECIPIENT),
            "joint_use": _entries("Joint uses, by name (Art. 27(5)(iii)).", _JOINT_USE),
            "services": _entries("The business's services, by name (R-USE-10).", _SERVICE),
            "use": _table(
                "Use beyond the purposes.",
                {
                    "exemptions": _names(
                        "The exemptions of Arts. 18(3) and 20(2) the business relies on; "
                        "it may allow fewer than the law (R-USE-5).",
                        values=LAW_USE_EXEMPTIONS,
                        default=DEFAULT_USE_EXEMPTIONS,
                    )
                },
            ),
            "provision": _table(
                "Provision to others (Arts. 27-29).",
                {
                    "grounds": _names(
                        "The grounds the business provides data on: consent, or a case "
                        "of Art. 27 (R-TPP-7: no other).",
                        values=LAW_PROVISION_GROUNDS,
                        default=DEFAULT_PROVISION_GROUNDS,
                    ),
                    "record_retention": _duration(
                        "How long Art. 29 provision records are kept: at least 3 years (R-REC-1).",
                        "3 years",
                    ),
                    "record_retention_years": _legacy("record_retention", "years"),
                    "equivalent_countries": _names(
                        "Countries the PPC designated as equivalent (Art. 28(1), PPC Rules "
                        "Art. 15: the EEA's members and GB), as ISO 3166 codes (R-XB-1)."
                    ),
                },
            ),
            "statistics": _table(
                "Anonymous statistics (R-USE-8).",
                {
                    "min_group": _count(
                        "Groups smaller than this are suppressed (Art. 2(1)).", 10, minimum=2
                    )
                },
            ),
            "incidents": _table(
                "Leaks and other incidents (Art. 26, R-LEAK-1).",
                {
                    "preliminary_days": _count(
                        "The day by whose end the preliminary report is due, the day of discovery being day 1.",
                        3,
                        minimum=1,
                        maximum=5,
                    )
                },
            ),
            "requests": _REQUESTS,
        },
        required=("policy", "controller", "purposes"),
    ),
}


def _tables(schema: Schema, path: str) -> Iterable[tuple[str, frozenset[str]]]:
    """Every table of the file with its keys, by path: ``purposes.*`` for each purpose,
    ``purposes.*.changes[]`` for each change."""
    if "properties" in schema:
        yield path, frozenset(schema["properties"])
        for key, child in schema["properties"].items():
            yield from _tables(child, f"{path}.{key}" if path else key)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _tables(schema["additionalProperties"], f"{path}.*")
    if isinstance(schema.get("items"), dict):
        yield from _tables(schema["items"], f"{path}[]")


TABLE_KEYS: Mapping[str, frozenset[str]] = dict(_tables(_SCHEMA, ""))
"""The keys each table of a policy file may have, by path (``""`` is the top level,
``"purposes.*"`` every purpose). The loader refuses any other key."""


def policy_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a policy file, for editors and other tools.

    A fresh copy on each call, so a caller may change it. ``pipolicy schema`` prints it;
    docs/policy-file.md documents every key and how to point an editor at it.

    .. versionadded:: 0.1.0
    """
    return copy.deepcopy(_SCHEMA)
