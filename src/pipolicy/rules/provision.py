"""Provision of personal data to others (Arts. 25, 27, 29; R-TPP-*, R-SEC-2)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from pipolicy.domain.decisions import Basis, Decision
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.facts import SubjectFacts
from pipolicy.policy.model import Policy, RecipientKind
from pipolicy.rules.common import (
    ART_18_1,
    ART_27_1,
    ART_35,
    MY_NUMBER_PROVISION,
    blocking_restriction,
    clause,
    exemption_decision,
    held_items,
    my_number_use,
    my_numbers,
    recipient_consent,
    restriction_reason,
)
from pipolicy.rules.use import within_purpose

__all__ = ["ProvisionQuery", "decide_provision"]

ART_25 = "APPI Art. 25"
ART_27_5_I = "APPI Art. 27(5)(i)"
ART_27_5_II = "APPI Art. 27(5)(ii)"
ART_27_5_III = "APPI Art. 27(5)(iii)"
ART_29 = "APPI Art. 29"
ART_31_1 = "APPI Art. 31(1)"
ART_31_3 = "APPI Art. 31(3)"


@attrs.frozen
class ProvisionQuery:
    recipient: str
    items: frozenset[str]
    purpose: str | None = None
    exemption: Exemption | None = None
    justification: str | None = None


_MY_NUMBER_CASES = frozenset({Exemption.LAWS_AND_REGULATIONS, Exemption.LIFE_BODY_PROPERTY})
"""Exemptions standing for the My Number Act Art. 19 cases a business meets: provision a
law requires (to a tax office, a pension office) and to protect life, body or property."""


def decide_provision(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime
) -> Decision:
    """May the subject's ``items`` be given to ``recipient`` at ``now``, and on which basis?

    Exemptions (Art. 27(1)(i)-(vii)) and business succession stand on their own. Every
    other basis (entrustment, joint use, the person's consent) also needs the data to be
    usable for the purpose it is given for: provision never widens the purposes of use.
    """
    recipient = policy.recipients[q.recipient]
    ctx: dict[str, Any] = {
        "action": "provision",
        "purpose": q.purpose,
        "recipient": q.recipient,
        "items": q.items,
    }
    rclause = clause("recipients", q.recipient)
    grounds = policy.provision_grounds

    exempt = q.exemption is not None and policy.exemption_allowed(q.exemption, "provision")
    # Entrustment is not provision to a third party: a suspension of provision spares it.
    action = "entrustment" if recipient.kind is RecipientKind.ENTRUSTEE else "provision"
    blocked = blocking_restriction(
        facts.restrictions,
        action,
        q.purpose,
        q.items,
        now,
        exempt=exempt,
        recipient=q.recipient,
        acquisitions=facts.acquisitions,
    )
    if blocked is not None:
        return Decision.deny((restriction_reason(blocked),), (ART_35,), **ctx)

    missing = q.items - held_items(facts)
    if missing:
        return Decision.deny(
            (f"items not acquired for this person: {sorted(missing)}",), (ART_27_1,), **ctx
        )

    numbers = my_numbers(policy, q.items)
    to_affairs = recipient.kind in (RecipientKind.ENTRUSTEE, RecipientKind.SUCCESSOR)
    if numbers and not to_affairs and q.exemption not in _MY_NUMBER_CASES:
        return Decision.deny(
            (
                f"{numbers} are Individual Numbers: given only to an entrustee for the "
                "affairs, a successor, or in the cases the My Number Act Art. 19 lists "
                "(claim the exemption with its reference), never on consent (R-MYN-1)",
            ),
            (MY_NUMBER_PROVISION, rclause),
            **ctx,
        )
    if numbers and to_affairs and q.purpose is not None:
        number = my_number_use(policy, policy.purposes[q.purpose], q.items)
        if number is not None:
            return Decision.deny((number,), (MY_NUMBER_PROVISION, rclause), **ctx)
    if q.exemption is not None:
        return exemption_decision(policy, q.exemption, q.justification, "provision", ctx)
    if _abroad(policy, recipient):
        return _to_a_foreign_recipient(policy, facts, q, now, ctx)
    if recipient.kind is RecipientKind.PUBLIC_AUTHORITY:
        return Decision.deny(
            (
                f"{q.recipient!r} is a public authority: it receives data only on an order or "
                "request under the law; claim the exemption with its reference (R-TPP-2)",
            ),
            (ART_27_1, rclause),
            **ctx,
        )
    if recipient.kind is RecipientKind.STATISTICS:
        return Decision.deny(
            (
                f"{q.recipient!r} receives only statistics that identify no one: give it an "
                "aggregate (engine.provide_statistics), never personal data (R-TPP-6)",
            ),
            (ART_27_1, rclause),
            **ctx,
        )
    if recipient.kind is RecipientKind.THIRD_PARTY and _referable_only(policy, facts, q.items):
        return _personally_referable(policy, facts, q, now, ctx)
    if recipient.kind is RecipientKind.SUCCESSOR:
        if "business_succession" in grounds:
            return Decision.allow(
                Basis.BUSINESS_SUCCESSION,
                f"business succession to {q.recipient!r}",
                (ART_27_5_II, rclause),
                **ctx,
            )
        reasons = ["the policy does not provide for business succession"]
    elif recipient.kind is RecipientKind.ENTRUSTEE:
        contract = recipient.contract
        today = policy.local_date(now)
        if contract is None or not contract.valid_on(today):
            # No valid contract, no data: not even on consent (R-SEC-2).
            return Decision.deny(
                (f"no valid entrustment contract with {q.recipient!r} on {today} (R-SEC-2)",),
                (ART_25, rclause),
                **ctx,
            )
        if contract.missing_duties:
            return Decision.deny(
                (
                    f"the contract with {q.recipient!r} does not bind "
                    f"{', '.join(contract.missing_duties)} (R-SEC-2)",
                ),
                (ART_25, rclause),
                **ctx,
            )
        reasons = _entrustment(policy, q)
        if not reasons:
            return _allow_if_usable(
                (policy, facts, q, now, ctx),
                "R-TPP-3",
                Basis.ENTRUSTMENT,
                f"entrustment to {q.recipient!r} within purpose {q.purpose!r} under contract",
                (ART_27_5_I, ART_25, rclause),
            )
    elif recipient.kind is RecipientKind.JOINT_USER:
        joint = policy.joint_uses[recipient.joint_use or ""]
        reasons = _joint_use(policy, q, now)
        if not reasons:
            return _allow_if_usable(
                (policy, facts, q, now, ctx),
                "R-TPP-5",
                Basis.JOINT_USE,
                f"joint use {joint.name!r} announced on {joint.published}",
                (ART_27_5_III, clause("joint_use", joint.name)),
            )
    else:
        reasons = []

    # Third-party provision, and the fallback when an arrangement above does not apply
    # (an entrustee only under a valid contract): with the person's prior consent the
    # recipient may still receive the data, for a purpose the data may be used for.
    if q.purpose is None:
        reasons.append(_purpose_needed(q))
    elif recipient.purposes and q.purpose not in recipient.purposes:
        reasons.append(f"{q.purpose!r} is not a purpose for which {q.recipient!r} receives data")
    elif recipient.items and not q.items <= recipient.items:
        if not reasons:
            reasons.append(f"{q.recipient!r} may receive only {sorted(recipient.items)}")
    elif "consent" in grounds or "opt_out" in grounds:
        consent = (
            recipient_consent(facts.consents, q.recipient, q.items, now)
            if "consent" in grounds
            else None
        )
        if consent is None and recipient.opt_out is not None and "opt_out" in grounds:
            return _opt_out(policy, facts, q, now, ctx)
        if consent is None:
            reasons.append(
                f"no prior consent of the person to provision to {q.recipient!r} (R-TPP-1)"
            )
        else:
            return _allow_if_usable(
                (policy, facts, q, now, ctx),
                "R-TPP-1",
                Basis.CONSENT,
                f"prior consent to provision to {q.recipient!r} for purpose {q.purpose!r}",
                (ART_27_1, ART_29, rclause),
                consent_id=consent.id,
            )
    elif not reasons:
        reasons.append("the policy does not provide for provision on consent (R-TPP-1)")
    return Decision.deny(tuple(reasons), (ART_27_1, rclause), **ctx)


ART_27_2 = "APPI Art. 27(2)"


def _purpose_needed(q: ProvisionQuery) -> str:
    """Why a provision that names no purpose is denied (on any basis but an exemption)."""
    return (
        f"name the purpose {q.recipient!r} receives the data for with purpose=: "
        "provision never widens the purposes of use (R-TPP-1)"
    )


ART_28 = "APPI Art. 28"


def _abroad(policy: Policy, recipient: Any) -> bool:
    """A recipient in a foreign country whose system is not designated as equivalent,
    that does not keep equivalent measures under contract: Art. 28 applies (R-XB-1).
    Entrustment, joint use and succession abroad included; public authorities act under
    their own law (an exemption, checked before)."""
    country = recipient.country
    return (
        country not in ("", "JP")
        and country not in policy.equivalent_countries
        and not recipient.equivalent_measures
        and recipient.kind is not RecipientKind.PUBLIC_AUTHORITY
    )


def _to_a_foreign_recipient(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime, ctx: Mapping[str, Any]
) -> Decision:
    """Provision abroad (Art. 28): only on the person's prior consent to provision to this
    recipient, given after being shown the country, its system for protecting personal
    information and the recipient's measures (the consent's ``evidence.foreign_info``).
    Entrustment or joint use does not stand in for it; the data must also be usable for
    the purpose."""
    recipient = policy.recipients[q.recipient]
    cites = (ART_28, clause("recipients", q.recipient))
    if q.purpose is None:
        return Decision.deny((_purpose_needed(q),), cites, **ctx)
    consent = recipient_consent(facts.consents, q.recipient, q.items, now)
    if consent is None or not consent.evidence.foreign_info:
        missing = (
            "no prior consent of the person"
            if consent is None
            else "the consent was not given with the information Art. 28(2) requires "
            "(evidence.foreign_info)"
        )
        return Decision.deny(
            (
                f"{q.recipient!r} is in {recipient.country}: provision abroad needs the "
                f"person's prior consent, given after being shown that country's system and "
                f"the recipient's measures; {missing} (R-XB-1)",
            ),
            cites,
            **ctx,
        )
    return _allow_if_usable(
        (policy, facts, q, now, ctx),
        "R-XB-1",
        Basis.CONSENT,
        f"prior consent to provision to {q.recipient!r} in {recipient.country}, given with "
        "the information on its country's system (R-XB-1)",
        (*cites, ART_29),
        consent_id=consent.id,
    )


def _opt_out(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime, ctx: Mapping[str, Any]
) -> Decision:
    """Provision by opt-out (Art. 27(2), R-TPP-8), where there is no consent: from the day
    both the notice and the PPC filing are done, of the declared items only, never of
    data the business itself obtained by opt-out. A person's request to stop it is a
    suspension of provision, checked at the top of :func:`decide_provision`."""
    opt_out = q.recipient and policy.recipients[q.recipient].opt_out
    assert opt_out and opt_out.notified is not None and opt_out.filed is not None
    today = policy.local_date(now)
    cites = (ART_27_2, clause("recipients", q.recipient))
    start = max(opt_out.notified, opt_out.filed)
    reasons: list[str] = []
    if today < start:
        reasons.append(
            f"opt-out provision to {q.recipient!r} starts on {start.isoformat()}, once the "
            "notice and the PPC filing are both done (R-TPP-8)"
        )
    if not q.items <= opt_out.items:
        reasons.append(
            f"only {sorted(opt_out.items)} are provided to {q.recipient!r} by opt-out (R-TPP-8)"
        )
    received = {
        i for a in facts.acquisitions if a.provider_obtained_by == "opt_out" for i in a.items
    }
    if q.items & received:
        reasons.append(
            f"{sorted(q.items & received)} were themselves received by opt-out: never "
            "provided by opt-out again (Art. 27(2) proviso, R-TPP-8)"
        )
    if reasons:
        return Decision.deny(tuple(reasons), cites, **ctx)
    return _allow_if_usable(
        (policy, facts, q, now, ctx),
        "R-TPP-8",
        Basis.OPT_OUT,
        f"opt-out provision to {q.recipient!r}, announced and filed with the PPC (R-TPP-8)",
        (*cites, ART_29),
    )


def _allow_if_usable(
    facts_at: tuple[Policy, SubjectFacts, ProvisionQuery, datetime, Mapping[str, Any]],
    rule: str,
    basis: Basis,
    reason: str,
    citations: tuple[str, ...],
    **extra: Any,
) -> Decision:
    """Allow on ``basis`` if the business itself may use the data for the provision's
    purpose, else the denial :func:`_not_usable` gives (never ``or`` the two: a denial
    is falsy)."""
    policy, facts, q, now, ctx = facts_at
    denial = _not_usable(policy, facts, q, now, ctx, rule)
    if denial is not None:
        return denial
    return Decision.allow(basis, reason, citations, **extra, **ctx)


def _not_usable(
    policy: Policy,
    facts: SubjectFacts,
    q: ProvisionQuery,
    now: datetime,
    ctx: Mapping[str, Any],
    rule: str,
) -> Decision | None:
    """The denial when the business itself may not use the data for the provision's
    purpose (the arrangement ``rule`` then cannot carry it either), else None."""
    assert q.purpose is not None  # every caller checked the purpose first
    # Restrictions (a suspension of use covers provision too) and held items were checked
    # at the top of decide_provision; what is left is the scope of use.
    use = within_purpose(policy, facts, q.purpose, q.items, now, ctx)
    if use.allowed:
        return None
    why = (
        f"the data may not be used for {q.purpose!r}, so it may not be given to "
        f"{q.recipient!r} for it: provision never widens the purposes of use ({rule})"
    )
    cites = (ART_18_1, ART_27_1, clause("recipients", q.recipient))
    return Decision.deny((*use.reasons, why), cites, **ctx)


def _referable_only(policy: Policy, facts: SubjectFacts, items: frozenset[str]) -> bool:
    """Is what is given personally referable information, not personal data, for the
    business? Only when no item given and no item held for the person identifies them:
    a cookie id held beside a name is personal data (Art. 2(1))."""
    return not any(policy.items[i].identifies for i in items | held_items(facts))


def _personally_referable(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime, ctx: Mapping[str, Any]
) -> Decision:
    """Art. 31: giving personally referable information to a third party.

    A recipient not expected to identify the person receives it freely; one expected to
    link it to identify the person only once the provider has confirmed that the recipient
    obtained the person's consent (kept as a consent to the recipient, whose evidence says
    how it was confirmed), and the provision is recorded (Art. 31(3), a confirmation record).
    """
    rclause = clause("recipients", q.recipient)
    if not policy.recipients[q.recipient].links_identifiers:
        return Decision.allow(
            Basis.PERSONALLY_REFERABLE,
            f"personally referable information to {q.recipient!r}, which is not expected to "
            "link it to identify the person: no consent or record is needed (R-PRI-1)",
            (ART_31_1, rclause),
            **ctx,
        )
    consent = recipient_consent(facts.consents, q.recipient, q.items, now)
    if consent is None:
        return Decision.deny(
            (
                f"{q.recipient!r} is expected to link these identifiers to identify the "
                "person: confirm that it obtained the person's consent first, and record the "
                "confirmation as a consent to the recipient (R-PRI-1)",
            ),
            (ART_31_1, rclause),
            **ctx,
        )
    return Decision.allow(
        Basis.CONSENT,
        f"{q.recipient!r} obtained the person's consent, as confirmed; the provision is "
        "recorded (R-PRI-1)",
        (ART_31_1, ART_31_3, rclause),
        consent_id=consent.id,
        **ctx,
    )


def _entrustment(policy: Policy, q: ProvisionQuery) -> list[str]:
    """Why entrustment (Art. 27(5)(i)) does not apply; empty when it does."""
    recipient = policy.recipients[q.recipient]
    if "entrustment" not in policy.provision_grounds:
        return ["the policy does not provide for entrustment"]
    if q.purpose is None or q.purpose not in recipient.purposes:
        return [
            f"entrustment to {q.recipient!r} serves only {sorted(recipient.purposes)}: "
            "name one of them as purpose= (R-TPP-3)"
        ]
    if not q.items <= recipient.items:
        return [
            f"the contract with {q.recipient!r} allows only {sorted(recipient.items)}, "
            f"not {sorted(q.items - recipient.items)} (R-TPP-3)"
        ]
    return []


def _joint_use(policy: Policy, q: ProvisionQuery, now: datetime) -> list[str]:
    """Why joint use (Art. 27(5)(iii)) does not apply; empty when it does."""
    joint = policy.joint_uses[policy.recipients[q.recipient].joint_use or ""]
    if "joint_use" not in policy.provision_grounds:
        return ["the policy does not provide for joint use"]
    if joint.published is None or joint.published > policy.local_date(now):
        return [f"joint use {joint.name!r} was not published before this provision (R-TPP-5)"]
    if q.purpose is None or q.purpose not in joint.purposes:
        return [f"joint use {joint.name!r} covers only purposes {sorted(joint.purposes)} (R-TPP-5)"]
    if not q.items <= joint.items:
        return [f"joint use {joint.name!r} covers only items {sorted(joint.items)} (R-TPP-5)"]
    return []
