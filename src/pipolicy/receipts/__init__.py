"""A consent handed to the person or another system in a standard form (R-CON-4).

``format="kantara"``: a Kantara Initiative Consent Receipt v1.1 document (JSON).
``format="dpv"``: an ISO/IEC TS 27560-style consent record in JSON-LD with the W3C Data
Privacy Vocabulary (DPV); the ``@context`` ships in the package
(``pipolicy/receipts/context.jsonld``).

Mapping: the consent's status to DPV's consent statuses (``given`` -> ``dpv:ConsentGiven``,
``withdrawn`` -> ``dpv:ConsentWithdrawn``, ``expired`` -> ``dpv:ConsentExpired``,
``refused`` -> ``dpv:ConsentRefused``, ``revoked`` -> ``dpv:ConsentRevoked``); a consent
the person renewed before its term ran out (:attr:`Consent.replaced`) stays
``dpv:ConsentExpired``, DPV's state for a consent whose "temporal or contextual validity"
has expired (none of the others is true of it: no one said no, no one found it invalid),
marked ``pp:replaced``; the legal
basis to ``dpv:Consent``; an entrustee to ``dpv:hasDataProcessor`` (a processor, not a
third party), a successor or a joint user to ``dpv:hasRecipient`` only (not third parties
either, Art. 27(5)), any other recipient, and one of those three in a foreign country
Art. 28 applies to (where Art. 27(5) does not), to ``dpv:hasThirdParty``; purposes and items to
pipolicy's own terms under ``pp:`` (the policy's names), since DPV's purpose and data
taxonomies do not name a business's own purposes; of the items, those the law restricts
beyond other personal data (special care-required information, Individual Numbers) are
Kantara's ``sensitive`` and ``spiCat`` and the DPV record's ``sensitivePersonalData``
(``pp:``, listed only when there are some). The person is named by pipolicy's
opaque subject id, never by the application's key. Instants (when the consent was given,
when it expires or ended) are ISO 8601 with their offset, in the policy's time zone,
whatever zone the clock or the store gave them in: the person reads the day and hour of
the business they consented to.

Kantara v1.1 records consent as the controller's authority; it has no status and no
``consentType`` for a "no". A refusal comes out with ``consentType`` ``"N/A"`` (no
consent is the authority for anything), ``thirdPartyDisclosure`` false (nothing goes to
the third party it refused, still named in ``thirdPartyName``) and ``termination``
``"refused <instant>"``. A consent that was given and has ended keeps ``"EXPLICIT"`` (it
was one) and the disclosure it allowed until then; its ``termination`` says how and when
it ended (``"withdrawn <instant>"``, ``"expired …"`` at its expiry, ``"replaced …"``
where the person consented again before its term ran out, ``"revoked …"``). ``status`` and
``consentEnded`` are pipolicy's own fields beside the spec's.

A joint user's purposes are those the joint use had announced on the day of the
consent: one a later version added (Art. 27(6)) is not shown as agreed to.

What a receipt tells the person in words (``notes``, in the policy's default language,
or the one asked for) comes from ``<lang>/receipt.j2``: where the data goes abroad, the
country and the information they were given on it (Art. 28(1), (2)); that the purposes are
worded as the current policy words them when the consent was given under another version
(pipolicy keeps the version's name, never its text) and which purposes changed since;
who uses the data jointly and who is responsible, for a joint user, and what the joint
use added or changed since (its purposes, the person responsible), or, for a joint user
abroad, that Art. 28(1) sets the joint use aside; that an agent gave
the consent; and how to withdraw it while it is in force, or how and when it ended. A consent
whose expiry has passed reads ``expired`` from that instant, even before the store
records it so. An application words the notes its own way with a ``<lang>/receipt.j2``
in the engine's template directories (``Engine(templates=...)``), or in ``templates=``
given to :func:`kantara_receipt` and :func:`dpv_record`; a macro its copy lacks (one
pipolicy added since) is taken from pipolicy's.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources
from os import PathLike
from typing import Any

import attrs

from pipolicy.domain.consents import Consent, ConsentStatus
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import (
    JointUse,
    JointUseChangeKind,
    Policy,
    PurposeChange,
    Recipient,
    RecipientKind,
)
from pipolicy.policy.texts import LANGUAGES, self_reference, text_in
from pipolicy.publishing.templates import Macros, TemplateDirs, macro, macros
from pipolicy.rules.provision import abroad

__all__ = ["DPV_CONTEXT", "consent_receipt", "dpv_record", "kantara_receipt"]

Templates = TemplateDirs | str | PathLike[str] | None
"""Directories looked in first for ``<lang>/receipt.j2`` (``Engine(templates=...)``)."""

Wording = Macros
"""The ``<lang>/receipt.j2`` modules a receipt's notes are worded from, in order (:func:`_wording`)."""

DPV_STATUS = {
    ConsentStatus.GIVEN: "dpv:ConsentGiven",
    ConsentStatus.WITHDRAWN: "dpv:ConsentWithdrawn",
    ConsentStatus.EXPIRED: "dpv:ConsentExpired",
    ConsentStatus.REFUSED: "dpv:ConsentRefused",
    ConsentStatus.REVOKED: "dpv:ConsentRevoked",
}

NOT_THIRD_PARTIES = frozenset(
    {RecipientKind.ENTRUSTEE, RecipientKind.SUCCESSOR, RecipientKind.JOINT_USER}
)
"""Recipients the law says are not third parties (Art. 27(5)(i)-(iii)): an entrustee, a
successor in a merger or the like, a joint user."""


def _context() -> dict[str, Any]:
    text = resources.files("pipolicy.receipts").joinpath("context.jsonld").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)["@context"]
    return loaded


DPV_CONTEXT = _context()
"""The JSON-LD ``@context`` of :func:`dpv_record` (also shipped as a file)."""


def consent_receipt(
    engine: Any, consent_id: str, format: str = "kantara", *, lang: str | None = None
) -> dict[str, Any]:
    """The consent ``consent_id`` as a Kantara receipt or a DPV record (see the module),
    as it stands at the engine's clock; ``lang``: the language of its texts (the
    policy's default when None); its notes worded by the engine's templates."""
    if format not in ("kantara", "dpv"):
        raise InvalidInput("format must be 'kantara' or 'dpv'")
    consent = engine.consent(consent_id)
    make = kantara_receipt if format == "kantara" else dpv_record
    return make(engine.policy, consent, now=engine.now(), lang=lang, templates=engine.templates)


def as_of(consent: Consent, now: datetime | None) -> Consent:
    """``consent`` as it stands at ``now``: one given whose expiry has passed has expired
    (at its expiry), though the store may not have recorded it yet. A receipt that says
    "given" then tells the person a consent is in force that no decision rests on."""
    if (
        now is not None
        and consent.status is ConsentStatus.GIVEN
        and consent.expires_at is not None
        and consent.expires_at <= now
    ):
        return attrs.evolve(consent, status=ConsentStatus.EXPIRED, ended_at=consent.expires_at)
    return consent


def _language(policy: Policy, lang: str | None) -> str:
    """``lang``, or the policy's default: one pipolicy writes in and the policy publishes
    (its titles exist in no other, and a receipt half in one language misleads)."""
    if lang is None:
        return policy.languages[0]
    if lang not in LANGUAGES or lang not in policy.languages:
        raise InvalidInput(f"lang must be one the policy publishes in {list(policy.languages)}")
    return lang


def _wording(lang: str, templates: Templates) -> Wording:
    """The macros of ``<lang>/receipt.j2``, looked for in ``templates`` first, then
    pipolicy's own: an application's copy made before pipolicy added a note lacks its
    macro, and the person is still told it, in pipolicy's words."""
    return macros("receipt.j2", lang, templates)


def _say(words: Wording, name: str, *args: object) -> str:
    """The macro ``name`` of the first of ``words`` that defines it, called with ``args``."""
    said = macro(words, name)
    if said is None:  # pipolicy's own receipt.j2 defines every note
        raise InvalidInput(f"receipt.j2 has no macro {name!r}")
    return str(said(*args)).strip()


def _foreign_country(policy: Policy, consent: Consent, recipient: Recipient | None) -> str:
    """The foreign country the consent is to provision to (ISO 3166), if any: the one the
    person was told about (``evidence.foreign_country``), else, for a consent whose
    record names no country (given without that information, while the recipient was in
    Japan, or recorded before the country was kept), the recipient's country, if it is
    not Japan (where Art. 28 does not apply to it, in a designated country or keeping
    equivalent measures, the person is still told where the data goes). Only the first
    is said to have been shown (:func:`_notes`)."""
    shown = consent.evidence.foreign_country
    if shown:
        return shown
    if recipient is not None and recipient.country not in ("", "JP"):
        return recipient.country
    return ""


def _after(change: PurposeChange, given: date, other_version: bool) -> bool:
    """Did the person consent before ``change`` (rules.common's reading, R-CON-3): it is
    dated after the consent's day; or, for a consent under another version of the policy,
    whose notice still showed the purpose as it was, it was not yet notified or published
    by that day (Art. 21(3))."""
    if change.revised > given:
        return True
    return other_version and (change.notified is None or given < change.notified)


def _announced(joint: JointUse, given: date) -> frozenset[str]:
    """The purposes of ``joint`` announced by ``given``, the day of the consent: its
    current ones but those a change (Art. 27(6)) added and had not made known by then.
    The person was told of those only; later ones are changes, never what they agreed to."""
    later = {
        purpose
        for change in joint.changes
        if change.what is JointUseChangeKind.PURPOSES and not change.in_effect(given)
        for purpose in change.added
    }
    return joint.purposes - later


def _joint_changes(
    policy: Policy,
    joint: JointUse,
    given: date,
    today: date | None,
    lang: str,
    words: Wording,
    *,
    purposes: bool,
    jointly: bool,
) -> list[str]:
    """What changed in ``joint`` after the person consented on ``given`` and by ``today``
    (a change dated later is not made yet), with the day of the change and the day it
    was made known, or that it was not yet (Art. 27(6)): with ``purposes``, each purpose
    added (not shown as announced, :func:`_announced`); with ``jointly`` (a joint use,
    not a joint user abroad, Art. 28(1)), another person responsible or their details
    (the notes name the current one)."""
    said: list[str] = []
    for change in joint.changes:
        if change.in_effect(given) or (today is not None and change.revised > today):
            continue
        known = change.notified
        if known is not None and today is not None and known > today:
            known = None
        if change.what is JointUseChangeKind.PURPOSES and purposes:
            for p in sorted(change.added):
                declared = policy.purposes.get(p)
                title = (text_in(declared, "title", lang) if declared else "") or p
                said.append(
                    _say(words, "JOINT_PURPOSE_ADDED", title, change.revised, known, jointly)
                )
        elif jointly and change.what in (
            JointUseChangeKind.MANAGER,
            JointUseChangeKind.MANAGER_DETAILS,
        ):
            said.append(
                _say(words, "JOINT_MANAGER_CHANGED", change.what.value, change.revised, known)
            )
    return said


def _notes(
    policy: Policy,
    consent: Consent,
    recipient: Recipient | None,
    purposes: list[str],
    lang: str,
    now: datetime | None,
    words: Wording,
) -> list[str]:
    """What the person reads about the consent, beyond its scope (see the module), in
    ``words`` (:func:`_wording`); a change dated after ``now`` has not been made yet,
    and is not told as made."""
    notes: list[str] = []
    country = _foreign_country(policy, consent, recipient)
    ref = consent.evidence.foreign_info
    if consent.evidence.informs_of(country):  # recorded as shown: PPC Rules Art. 17(1)
        notes.append(_say(words, "FOREIGN_INFO", country, ref))
    elif country and recipient is not None and abroad(policy, recipient):
        # Art. 28 applies and the person was not told about the country (R-XB-1).
        notes.append(_say(words, "NO_FOREIGN_INFO", country))
    if consent.policy_version != policy.version:
        notes.append(_say(words, "OTHER_VERSION", consent.policy_version, policy.version))
    given = policy.local_date(consent.given_at)
    today = policy.local_date(now) if now is not None else None
    for p in purposes:
        declared = policy.purposes.get(p)
        if declared is None:
            continue
        for change in declared.changes:
            if (today is None or change.revised <= today) and _after(
                change, given, consent.policy_version != policy.version
            ):
                title = text_in(declared, "title", lang) or p
                notes.append(
                    _say(words, "CHANGED", title, change.revised, change.notified, change.related)
                )
    joint = policy.joint_uses.get(recipient.joint_use or "") if recipient is not None else None
    if joint is not None and recipient is not None and recipient.kind is RecipientKind.JOINT_USER:
        users = text_in(joint, "users", lang)
        foreign = abroad(policy, recipient)
        if foreign:
            # Art. 28(1): "the preceding Article does not apply", its (5)(iii) included:
            # the joint user is a third party in a foreign country, not a joint use.
            notes.append(_say(words, "JOINT_USER_ABROAD", users, recipient.country))
        else:
            notes.append(_say(words, "JOINT_USE", users, text_in(joint, "manager_name", lang)))
        # Purposes added are told where the receipt shows the joint use's purposes; a new
        # person responsible where it names the one responsible (not abroad).
        notes.extend(
            _joint_changes(
                policy,
                joint,
                given,
                today,
                lang,
                words,
                purposes=not recipient.purposes,
                jointly=not foreign,
            )
        )
    if consent.evidence.given_by == "agent":
        notes.append(_say(words, "AGENT"))
    if consent.status is not ConsentStatus.GIVEN:
        we = self_reference(policy.controller, lang)  # 本会, 当方: how it calls itself
        if consent.replaced:  # renewed: told as such, never as a term that ran out
            notes.append(_say(words, "REPLACED", policy.local_date(consent.said_no_at), we))
        else:
            ended = policy.local_date(consent.term_ended_at or consent.said_no_at)
            notes.append(_say(words, "ENDED", consent.status.value, ended, we))
    else:
        contact = text_in(policy.controller, "contact", lang) or text_in(
            policy.controller, "name", lang
        )
        notes.append(_say(words, "WITHDRAW", contact))
    return notes


def _scope(policy: Policy, consent: Consent) -> tuple[list[str], list[str], Recipient | None, bool]:
    """The consent's purposes (a recipient's, for a provision consent), its items (the
    purpose's or the recipient's, when it names none), its recipient, if any, and whether that is a third
    party.

    A recipient the policy no longer declares (revised since the consent) is shown by
    its name, as the third party a provision on consent goes to (Art. 27(1)): the
    consent is still what it was (R-CON-1)."""
    scope = consent.scope
    purposes = [scope.purpose] if scope.purpose else []
    recipient = policy.recipients.get(scope.recipient or "")
    if scope.recipient and recipient is None:
        recipient = Recipient(scope.recipient)  # by its name, a third party
    joint = policy.joint_uses.get(recipient.joint_use or "") if recipient is not None else None
    if recipient is not None and not purposes:
        # A joint user's purposes are those the joint use had announced when the person
        # consented (Art. 27(5)(iii)); one added since is a change (Art. 27(6)), told in
        # the notes, never shown as agreed to.
        given = policy.local_date(consent.given_at)
        purposes = sorted(recipient.purposes or (_announced(joint, given) if joint else ()))
    declared = policy.purposes.get(scope.purpose or "")
    items = sorted(scope.items) or (sorted(declared.all_items) if declared else [])
    if not items and recipient is not None:
        # An outright no to a recipient names no items: it reaches every item it receives.
        items = sorted(recipient.items or policy.items)
    # Abroad, Art. 28(1) sets Art. 27(5) aside: an entrustee, successor or joint user in
    # a country not designated is a third party in a foreign country, consented to as one.
    third = recipient is not None and (
        recipient.kind not in NOT_THIRD_PARTIES or abroad(policy, recipient)
    )
    return purposes, items, recipient, third


def _sensitive(policy: Policy, items: list[str]) -> list[str]:
    """The ``items`` a receipt marks sensitive: special care-required information (Art.
    2(3)) and Individual Numbers (My Number Act Art. 2(8); R-MYN-1), whose handling the
    law restricts beyond other personal data."""
    declared = policy.items
    return [
        i for i in items if i in declared and (declared[i].special_care or declared[i].my_number)
    ]


def _provision(recipient: str, country: str, words: Wording) -> str:
    """The purpose a receipt shows for a consent to provision to a recipient declaring
    none: to it, and in which foreign country, if abroad (Art. 28(1))."""
    if country:
        return _say(words, "PROVISION_ABROAD", recipient, country)
    return _say(words, "PROVISION", recipient)


def _title(entity: Any, lang: str) -> str:
    """What the person reads for a recipient: its title, else its name."""
    return str(text_in(entity, "title", lang) or entity.name)


def _termination(policy: Policy, consent: Consent) -> str:
    """Kantara's ``termination`` (how the consent ends): while in force, its expiry, else
    ``withdrawal``; once it is not, how and when it ended (``withdrawn``, ``expired`` at
    its expiry, ``replaced`` by the person consenting again, ``revoked`` or
    ``refused``, and the instant in the policy's time zone), never a withdrawal still to
    come."""
    if consent.status is ConsentStatus.GIVEN:
        return policy.local(consent.expires_at).isoformat() if consent.expires_at else "withdrawal"
    how = "replaced" if consent.replaced else str(consent.status.value)
    at = consent.term_ended_at or consent.ended_at
    if at is None:  # ended at an instant not recorded
        return how
    return f"{how} {policy.local(at).isoformat()}"


def kantara_receipt(
    policy: Policy,
    consent: Consent,
    *,
    now: datetime | None = None,
    lang: str | None = None,
    templates: Templates = None,
) -> dict[str, Any]:
    """A Kantara Consent Receipt v1.1 document for ``consent`` as it stands at ``now``
    (:func:`as_of`), its texts in ``lang`` (the policy's default when None), its words
    from ``<lang>/receipt.j2`` looked for in ``templates`` first."""
    lang = _language(policy, lang)
    words = _wording(lang, templates)
    consent = as_of(consent, now)
    c = policy.controller
    purposes, items, recipient, third = _scope(policy, consent)
    country = _foreign_country(policy, consent, recipient)
    termination = _termination(policy, consent)
    # Kantara v1.1 has no value for a refusal: no consent is the authority for anything
    # (see the module); nothing is disclosed on it, though the refused third party is named.
    refused = consent.status is ConsentStatus.REFUSED

    def service(title: str, category: str) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "purpose": title,
            "purposeCategory": [category],
            "consentType": "N/A" if refused else "EXPLICIT",
            "piiCategory": items,
            "primaryPurpose": True,
            "termination": termination,
            "thirdPartyDisclosure": third and not refused,
            # Kantara asks the name wherever a third party is disclosed to; a refusal
            # names the one it refused.
            "thirdPartyName": _title(recipient, lang) if third else "",
        }
        if country:  # where the data goes (Art. 28(1)), and what was shown (28(2))
            entry["thirdPartyCountry"] = country
            entry["thirdPartyCountryName"] = _say(words, "COUNTRY", country)
            entry["foreignInformation"] = consent.evidence.foreign_info
        return {"service": title, "purposes": [entry]}

    # A purpose the policy no longer declares (revised since) is shown by its name.
    services = [
        service(
            (text_in(policy.purposes[p], "title", lang) if p in policy.purposes else "") or p, p
        )
        for p in purposes
    ]
    if not services and recipient is not None:
        # A consent to provision to a recipient that declares no purposes of its own is
        # a consent to that provision (Art. 27(1)): the receipt shows it.
        services = [service(_provision(_title(recipient, lang), country, words), "provision")]
    receipt: dict[str, Any] = {
        "version": "KI-CR-v1.1.0",
        "jurisdiction": "JP",
        "consentTimestamp": int(consent.given_at.timestamp()),
        "collectionMethod": consent.evidence.method,
        "consentReceiptID": consent.id,
        "language": lang,
        "piiPrincipalId": consent.subject_id,
        "piiControllers": [
            {
                "piiController": text_in(c, "name", lang),
                "contact": text_in(c, "contact", lang),
                "address": text_in(c, "address", lang),
                "email": "",
                "phone": "",
            }
        ],
        # The notice the person consented under (R-CON-1), not the one in force now.
        "policyUrl": f"policy:{consent.policy_version}",
        "services": services,
        "sensitive": bool(_sensitive(policy, items)),
        "spiCat": _sensitive(policy, items),
        "status": consent.status.value,
        "consentGivenBy": consent.evidence.given_by,
        # The version whose words the titles above are in (R-CON-1: only its name is kept
        # of the version consented under; ``notes`` says so when they differ).
        "wordingVersion": policy.version,
        "notes": _notes(policy, consent, recipient, purposes, lang, now, words),
    }
    if consent.ended_at is not None:
        receipt["consentEnded"] = policy.local(consent.ended_at).isoformat()
    return receipt


def dpv_record(
    policy: Policy,
    consent: Consent,
    *,
    now: datetime | None = None,
    lang: str | None = None,
    templates: Templates = None,
) -> dict[str, Any]:
    """An ISO/IEC TS 27560-style consent record of ``consent`` in JSON-LD with DPV, as it
    stands at ``now`` (:func:`as_of`), its notes in ``lang``, worded by ``<lang>/receipt.j2``
    looked for in ``templates`` first."""
    lang = _language(policy, lang)
    words = _wording(lang, templates)
    consent = as_of(consent, now)
    purposes, items, recipient, third = _scope(policy, consent)
    country = _foreign_country(policy, consent, recipient)
    record: dict[str, Any] = {
        "@context": DPV_CONTEXT,
        "id": f"urn:pipolicy:consent:{consent.id}",
        "type": "dpv:ConsentRecord",
        "identifier": consent.id,
        "hasConsentStatus": DPV_STATUS[consent.status],
        "hasLegalBasis": "dpv:Consent",
        "hasJurisdiction": "loc:JP",
        "hasDataSubject": f"urn:pipolicy:subject:{consent.subject_id}",
        # The business the policy names, the same under every version of its policy.
        "hasDataController": {
            "type": "dpv:DataController",
            "title": text_in(policy.controller, "name", policy.languages[0]),
        },
        "hasPurpose": [f"pp:purpose/{p}" for p in purposes],
        "hasPersonalData": [f"pp:item/{i}" for i in items],
        "hasIndicationMethod": consent.evidence.method,
        "isIndicatedBy": consent.evidence.given_by,
        "isIndicatedAtTime": policy.local(consent.given_at).isoformat(),
        "policyVersion": consent.policy_version,
    }
    sensitive = _sensitive(policy, items)
    if sensitive:  # those of hasPersonalData that are sensitive, as Kantara's spiCat
        record["sensitivePersonalData"] = [f"pp:item/{i}" for i in sensitive]
    if recipient is not None:
        who = f"pp:recipient/{recipient.name}"
        if recipient.kind is RecipientKind.ENTRUSTEE:
            record["hasDataProcessor"] = who
        if third:
            record["hasThirdParty"] = who
        record["hasRecipient"] = who
    if consent.expires_at is not None:
        record["hasExpiry"] = policy.local(consent.expires_at).isoformat()
    if consent.ended_at is not None:
        record["endedAt"] = policy.local(consent.ended_at).isoformat()
    if consent.replaced:  # dpv:ConsentExpired in its contextual sense: renewed, not run out
        record["replaced"] = True
    if country:
        record["recipientCountry"] = f"loc:{country}"
    if consent.evidence.foreign_info:
        record["foreignInformation"] = consent.evidence.foreign_info
    if consent.policy_version != policy.version:
        # hasPurpose for a recipient comes from the current version (R-CON-1 keeps only
        # the name of the one consented under).
        record["purposesAsOfVersion"] = policy.version
    record["notes"] = _notes(policy, consent, recipient, purposes, lang, now, words)
    return record
