"""A consent handed to the person or another system in a standard form (R-CON-4).

``format="kantara"``: a Kantara Initiative Consent Receipt v1.1 document (JSON).
``format="dpv"``: an ISO/IEC TS 27560-style consent record in JSON-LD with the W3C Data
Privacy Vocabulary (DPV); the ``@context`` ships in the package
(``pipolicy/receipts/context.jsonld``).

Mapping: the consent's status to DPV's consent statuses (``given`` -> ``dpv:ConsentGiven``,
``withdrawn`` -> ``dpv:ConsentWithdrawn``, ``expired`` -> ``dpv:ConsentExpired``,
``refused`` -> ``dpv:ConsentRefused``, ``revoked`` -> ``dpv:ConsentRevoked``); the legal
basis to ``dpv:Consent``; an entrustee to ``dpv:hasDataProcessor`` (a processor, not a
third party), a successor or a joint user to ``dpv:hasRecipient`` only (not third parties
either, Art. 27(5)), any other recipient, and one of those three in a foreign country
Art. 28 applies to (where Art. 27(5) does not), to ``dpv:hasThirdParty``; purposes and items to
pipolicy's own terms under ``pp:`` (the policy's names), since DPV's purpose and data
taxonomies do not name a business's own purposes. The person is named by pipolicy's
opaque subject id, never by the application's key. Instants (when the consent was given,
when it expires or ended) are ISO 8601 with their offset, in the policy's time zone,
whatever zone the clock or the store gave them in: the person reads the day and hour of
the business they consented to.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pipolicy.domain.consents import Consent, ConsentStatus
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Policy, Recipient, RecipientKind
from pipolicy.policy.texts import text_in
from pipolicy.rules.provision import abroad

__all__ = ["DPV_CONTEXT", "consent_receipt", "dpv_record", "kantara_receipt"]

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


def consent_receipt(engine: Any, consent_id: str, format: str = "kantara") -> dict[str, Any]:
    """The consent ``consent_id`` as a Kantara receipt or a DPV record (see the module)."""
    if format not in ("kantara", "dpv"):
        raise InvalidInput("format must be 'kantara' or 'dpv'")
    consent = engine.consent(consent_id)
    if format == "kantara":
        return kantara_receipt(engine.policy, consent)
    return dpv_record(engine.policy, consent)


def _scope(policy: Policy, consent: Consent) -> tuple[list[str], list[str], Recipient | None, bool]:
    """The consent's purposes (a recipient's, for a provision consent), its items (the
    purpose's, when it names none), its recipient, if any, and whether that is a third
    party.

    A recipient the policy no longer declares (revised since the consent) is shown by
    its name, as the third party a provision on consent goes to (Art. 27(1)): the
    consent is still what it was (R-CON-1)."""
    scope = consent.scope
    purposes = [scope.purpose] if scope.purpose else []
    recipient = policy.recipients.get(scope.recipient or "")
    if scope.recipient and recipient is None:
        recipient = Recipient(scope.recipient)  # by its name, a third party
    if recipient is not None and not purposes:
        purposes = sorted(recipient.purposes)
    declared = policy.purposes.get(scope.purpose or "")
    items = sorted(scope.items) or (sorted(declared.all_items) if declared else [])
    # Abroad, Art. 28(1) sets Art. 27(5) aside: an entrustee, successor or joint user in
    # a country not designated is a third party in a foreign country, consented to as one.
    third = recipient is not None and (
        recipient.kind not in NOT_THIRD_PARTIES or abroad(policy, recipient)
    )
    return purposes, items, recipient, third


_PROVISION = {"ja": "「{}」への個人データの提供", "en": "Provision of personal data to {}"}
"""The purpose a receipt shows for a consent to provision to a recipient declaring none."""


def _provision(recipient: str, lang: str) -> str:
    return _PROVISION.get(lang, _PROVISION["en"]).format(recipient)


def _title(entity: Any, lang: str) -> str:
    """What the person reads for a recipient: its title, else its name."""
    return str(text_in(entity, "title", lang) or entity.name)


def kantara_receipt(policy: Policy, consent: Consent) -> dict[str, Any]:
    """A Kantara Consent Receipt v1.1 document for ``consent``."""
    lang = policy.languages[0]
    c = policy.controller
    purposes, items, recipient, third = _scope(policy, consent)
    termination = (
        policy.local(consent.expires_at).isoformat() if consent.expires_at else "withdrawal"
    )

    def service(title: str, category: str) -> dict[str, Any]:
        return {
            "service": title,
            "purposes": [
                {
                    "purpose": title,
                    "purposeCategory": [category],
                    "consentType": "EXPLICIT",
                    "piiCategory": items,
                    "primaryPurpose": True,
                    "termination": termination,
                    "thirdPartyDisclosure": third,
                    # Kantara asks the name wherever a third party is disclosed to.
                    "thirdPartyName": _title(recipient, lang) if third else "",
                }
            ],
        }

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
        services = [service(_provision(_title(recipient, lang), lang), "provision")]
    return {
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
        "sensitive": any(policy.items[i].special_care for i in items if i in policy.items),
        "spiCat": sorted(i for i in items if i in policy.items and policy.items[i].special_care),
        "status": consent.status.value,
    }


def dpv_record(policy: Policy, consent: Consent) -> dict[str, Any]:
    """An ISO/IEC TS 27560-style consent record of ``consent`` in JSON-LD with DPV."""
    purposes, items, recipient, third = _scope(policy, consent)
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
    if consent.evidence.foreign_info:
        record["foreignInformation"] = consent.evidence.foreign_info
    return record
