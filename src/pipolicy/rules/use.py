"""Use of personal data within or beyond its purposes (Arts. 17, 18; R-USE-*, R-SEC-1)."""

from __future__ import annotations

from datetime import datetime

import attrs

from pipolicy.domain.decisions import Basis, Decision
from pipolicy.domain.exemptions import Exemption
from pipolicy.policy.model import ConsentRule, Policy
from pipolicy.rules.common import (
    ART_17_1,
    ART_18_1,
    ART_21_1,
    ART_24,
    ART_31,
    ART_35,
    Actor,
    blocking_restriction,
    clause,
    exemption_decision,
    held_items,
    linkage_problem,
    notified_scope,
    purpose_consent,
    restriction_reason,
)
from pipolicy.storage.repositories import SubjectFacts

__all__ = ["UseQuery", "decide_use"]


@attrs.frozen
class UseQuery:
    purpose: str
    items: frozenset[str]
    actor: Actor | None = None
    exemption: Exemption | None = None
    justification: str | None = None


def decide_use(policy: Policy, facts: SubjectFacts, q: UseQuery, now: datetime) -> Decision:
    """May the subject's ``items`` be used for ``purpose`` by ``actor`` at ``now``?

    Names must already be known to the policy (the engine checks them).
    """
    purpose = policy.purposes[q.purpose]
    ctx = {"action": "use", "purpose": q.purpose, "items": q.items}
    pclause = clause("purposes", q.purpose)

    exempt = q.exemption is not None and policy.exemption_allowed(q.exemption, "use")
    blocked = blocking_restriction(
        facts.restrictions,
        "use",
        q.purpose,
        q.items,
        now,
        exempt=exempt,
        acquisitions=facts.acquisitions,
    )
    if blocked is not None:
        return Decision.deny((restriction_reason(blocked),), (ART_35,), **ctx)

    if purpose.handlers:
        if q.actor is None:
            return Decision.deny(
                (
                    f"purpose {q.purpose!r} is restricted to {sorted(purpose.handlers)}: pass actor=",
                ),
                (ART_24, pclause),
                **ctx,
            )
        if not q.actor.may_handle(purpose):
            return Decision.deny(
                (f"actor {q.actor.id!r} is not authorised for purpose {q.purpose!r} (R-SEC-1)",),
                (ART_24, pclause),
                **ctx,
            )

    missing = q.items - held_items(facts)
    if missing:
        return Decision.deny(
            (f"items not acquired for this person: {sorted(missing)} (R-USE-1)",),
            (ART_17_1,),
            **ctx,
        )

    if q.exemption is not None:
        return exemption_decision(policy, q.exemption, q.justification, "use", ctx)

    outside = q.items - purpose.all_items
    if outside:
        return Decision.deny(
            (f"items {sorted(outside)} are not declared for purpose {q.purpose!r} (R-ACQ-2)",),
            (ART_18_1, pclause),
            **ctx,
        )
    link = linkage_problem(policy, purpose, q.items)
    if link is not None:
        return Decision.deny((link,), (ART_31, pclause), **ctx)

    subject = facts.subject
    category_ok = not purpose.categories or subject.category in purpose.categories
    in_scope = category_ok and q.items <= notified_scope(facts, purpose)
    if in_scope and purpose.consent is ConsentRule.NONE:
        return Decision.allow(
            Basis.NOTIFIED_PURPOSE,
            f"within notified purpose {q.purpose!r}",
            (ART_18_1, ART_21_1, pclause),
            **ctx,
        )
    consent = purpose_consent(facts.consents, purpose, q.items, now)
    if consent is not None:
        why = "permission given before collection (R-USE-7)" if in_scope else "prior consent"
        return Decision.allow(
            Basis.CONSENT,
            f"{why} for purpose {q.purpose!r}",
            (ART_18_1, pclause),
            consent_id=consent.id,
            **ctx,
        )

    reasons = []
    if not category_ok:
        reasons.append(
            f"purpose {q.purpose!r} is for {sorted(purpose.categories)}, "
            f"not this person's category (R-USE-9)"
        )
    if in_scope:
        reasons.append(f"purpose {q.purpose!r} needs the person's permission first (R-USE-7)")
    else:
        reasons.append(
            f"use beyond the notified purposes: {q.purpose!r} was not notified for these items "
            "and there is no prior consent (R-USE-4)"
        )
    return Decision.deny(tuple(reasons), (ART_18_1, pclause), **ctx)
