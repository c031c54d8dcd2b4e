"""Provision of personal data to others (Arts. 25, 27, 29; R-TPP-*, R-SEC-2)."""

from __future__ import annotations

from datetime import datetime

import attrs

from pipolicy.domain.decisions import Basis, Decision
from pipolicy.domain.exemptions import Exemption
from pipolicy.policy.model import Policy, RecipientKind
from pipolicy.rules.common import (
    ART_27_1,
    ART_35,
    blocking_restriction,
    clause,
    exemption_decision,
    held_items,
    notified_scope,
    recipient_consent,
    restriction_reason,
)
from pipolicy.storage.repositories import SubjectFacts

__all__ = ["ProvisionQuery", "decide_provision"]

ART_25 = "APPI Art. 25"
ART_27_5_I = "APPI Art. 27(5)(i)"
ART_27_5_II = "APPI Art. 27(5)(ii)"
ART_27_5_III = "APPI Art. 27(5)(iii)"


@attrs.frozen
class ProvisionQuery:
    recipient: str
    items: frozenset[str]
    purpose: str | None = None
    exemption: Exemption | None = None
    justification: str | None = None


def decide_provision(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime
) -> Decision:
    """May the subject's ``items`` be given to ``recipient`` at ``now``, and on which basis?"""
    recipient = policy.recipients[q.recipient]
    ctx = {"action": "provision", "purpose": q.purpose, "recipient": q.recipient, "items": q.items}
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

    if q.exemption is not None:
        return exemption_decision(policy, q.exemption, q.justification, "provision", ctx)

    today = now.date()
    reasons: list[str] = []
    if recipient.kind is RecipientKind.ENTRUSTEE:
        contract = recipient.contract
        if contract is None or not contract.valid_on(today):
            # No valid contract, no data: not even on consent (R-SEC-2).
            return Decision.deny(
                (f"no valid entrustment contract with {q.recipient!r} on {today} (R-SEC-2)",),
                (ART_25, rclause),
                **ctx,
            )
        if "entrustment" not in grounds:
            reasons.append("the policy does not provide for entrustment")
        elif q.purpose is None or q.purpose not in recipient.purposes:
            reasons.append(
                f"entrustment to {q.recipient!r} serves only {sorted(recipient.purposes)}: "
                "name one of them as purpose= (R-TPP-3)"
            )
        elif not q.items <= recipient.items:
            reasons.append(
                f"the contract with {q.recipient!r} allows only {sorted(recipient.items)}, "
                f"not {sorted(q.items - recipient.items)} (R-TPP-3)"
            )
        elif not q.items <= notified_scope(facts, policy.purposes[q.purpose]):
            reasons.append(f"purpose {q.purpose!r} was not notified for these items (R-TPP-3)")
        else:
            return Decision.allow(
                Basis.ENTRUSTMENT,
                f"entrustment to {q.recipient!r} within purpose {q.purpose!r} under contract",
                (ART_27_5_I, ART_25, rclause),
                **ctx,
            )
    elif recipient.kind is RecipientKind.JOINT_USER:
        joint = policy.joint_uses[recipient.joint_use or ""]
        if "joint_use" not in grounds:
            reasons.append("the policy does not provide for joint use")
        elif joint.published is None or joint.published > today:
            reasons.append(
                f"joint use {joint.name!r} was not published before this provision (R-TPP-5)"
            )
        elif q.purpose is None or q.purpose not in joint.purposes:
            reasons.append(
                f"joint use {joint.name!r} covers only purposes {sorted(joint.purposes)}"
            )
        elif not q.items <= joint.items:
            reasons.append(f"joint use {joint.name!r} covers only items {sorted(joint.items)}")
        else:
            return Decision.allow(
                Basis.JOINT_USE,
                f"joint use {joint.name!r} announced on {joint.published}",
                (ART_27_5_III, clause("joint_use", joint.name)),
                **ctx,
            )
    elif recipient.kind is RecipientKind.SUCCESSOR:
        if "business_succession" in grounds:
            return Decision.allow(
                Basis.BUSINESS_SUCCESSION,
                f"business succession to {q.recipient!r}",
                (ART_27_5_II, rclause),
                **ctx,
            )
        reasons.append("the policy does not provide for business succession")

    # Third-party provision, and the fallback when an arrangement above does not apply
    # (an entrustee only under a valid contract): with the person's prior consent the
    # recipient may still receive the data.
    if recipient.purposes and q.purpose is None:
        reasons.append(
            f"{q.recipient!r} receives data only for {sorted(recipient.purposes)}: "
            "name the purpose with purpose="
        )
    elif recipient.purposes and q.purpose not in recipient.purposes:
        reasons.append(f"{q.purpose!r} is not a purpose for which {q.recipient!r} receives data")
    elif recipient.items and not q.items <= recipient.items:
        if not reasons:
            reasons.append(f"{q.recipient!r} may receive only {sorted(recipient.items)}")
    elif "consent" in grounds:
        consent = recipient_consent(facts.consents, q.recipient, q.items, now)
        if consent is not None:
            return Decision.allow(
                Basis.CONSENT,
                f"prior consent to provision to {q.recipient!r}",
                (ART_27_1, "APPI Art. 29", rclause),
                consent_id=consent.id,
                **ctx,
            )
        reasons.append(f"no prior consent of the person to provision to {q.recipient!r} (R-TPP-1)")
    elif not reasons:
        reasons.append("the policy does not provide for provision on consent")
    return Decision.deny(tuple(reasons), (ART_27_1, rclause), **ctx)
