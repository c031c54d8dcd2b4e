"""Provision of personal data to others (Arts. 24, 25, 27, 29; R-TPP-*, R-SEC-1, R-SEC-2).

Why one module of this length (about 890 lines): every basis a provision may rest on
(consent, entrustment, joint use, succession, opt-out, an exemption, personally
referable information, a recipient abroad) is tried in one order by :func:`_decide`, and
each falls back to the next; reading them side by side is how that order is checked.
The split to make when it grows: the abroad and personally referable paths
(``_to_a_foreign_recipient``, ``_informed``, ``_about``, ``_personally_referable``) into
a module of their own, which :func:`_decide` calls as it does now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import attrs

from pipolicy.domain.acquisitions import Channel
from pipolicy.domain.consents import Consent
from pipolicy.domain.decisions import Basis, Because, Decision, denial
from pipolicy.domain.exemptions import ACADEMIC, Exemption, applies, exemption_citation
from pipolicy.domain.facts import SubjectFacts, last_word_no_to_recipient, noes_to, when_declined
from pipolicy.domain.restrictions import Restriction
from pipolicy.policy.model import (
    JointUse,
    JointUseChange,
    JointUseChangeKind,
    OptOut,
    Policy,
    Recipient,
    RecipientKind,
)
from pipolicy.rules import reasons as R
from pipolicy.rules.common import (
    ART_18_1,
    ART_22,
    ART_24,
    ART_27_1,
    MY_NUMBER_PROVISION,
    Actor,
    Consents,
    blocking_restriction,
    change_in_effect,
    clause,
    covering,
    deciding_after_deletions,
    exemption_decision,
    held_for,
    kept_items,
    my_number_use,
    my_numbers,
    recipient_consent,
    resting_on,
    restriction_citation,
    restriction_reason,
)
from pipolicy.rules.retention import lapsed_reasons
from pipolicy.rules.use import within_purpose

__all__ = ["ProvisionQuery", "abroad", "decide_provision", "entrusted_only"]

ART_17_2 = "APPI Art. 17(2)"
ART_25 = "APPI Art. 25"
ART_27_5_I = "APPI Art. 27(5)(i)"
ART_27_5_II = "APPI Art. 27(5)(ii)"
ART_27_5_III = "APPI Art. 27(5)(iii)"
ART_27_6 = "APPI Art. 27(6)"
ART_29 = "APPI Art. 29"
ART_31_1 = "APPI Art. 31(1)"
ART_31_1_II = "APPI Art. 31(1)(ii)"
ART_31_3 = "APPI Art. 31(3)"


@attrs.frozen
class ProvisionQuery:
    recipient: str
    items: frozenset[str]
    purpose: str | None = None
    exemption: Exemption | None = None
    justification: str | None = None
    actor: Actor | None = attrs.field(default=None, kw_only=True)


_MY_NUMBER_CASES = frozenset({Exemption.LAWS_AND_REGULATIONS, Exemption.LIFE_BODY_PROPERTY})
"""Exemptions standing for the My Number Act Art. 19 cases a business meets: provision a
law requires (to a tax office, a pension office) and to protect life, body or property."""


_MY_NUMBER_ARRANGEMENTS = frozenset({Basis.ENTRUSTMENT, Basis.BUSINESS_SUCCESSION})
"""The arrangements Individual Numbers may be given under, as My Number Act Art. 19
lists them: entrustment of the affairs and business succession (besides the exemptions
of :data:`_MY_NUMBER_CASES`)."""


def _foreign_ground(exemption: Exemption, recipient: Any) -> bool:
    """Whether ``exemption`` would rest on a foreign law or body: cooperation with a state
    organ (iv) is with Japan's, so never to a recipient abroad; a law (i) is Japan's, so
    never at a foreign authority's order. A Japanese law may still direct data abroad (a
    Japanese court's order in a suit), so (i) to a private recipient abroad stands."""
    if recipient.country in ("", "JP"):
        return False
    if exemption is Exemption.STATE_COOPERATION:
        return True
    return (
        exemption is Exemption.LAWS_AND_REGULATIONS
        and recipient.kind is RecipientKind.PUBLIC_AUTHORITY
    )


def decide_provision(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime
) -> Decision:
    """May the subject's ``items`` be given to ``recipient`` at ``now``, and on which basis?

    Exemptions (Art. 27(1)(i)-(vii)) and business succession stand on their own. Every
    other basis (entrustment, joint use, the person's consent) also needs the data to be
    usable for the purpose it is given for: provision never widens the purposes of use.
    Whatever the basis but an exemption, data past its retention is not given (Art. 22).
    A consent given before a deletion the person asked for does not reach the items it
    erased, given again since (:func:`~pipolicy.rules.common.narrowed_by_deletions`,
    R-REQ-7), as for use.
    """
    return deciding_after_deletions(_decide_provision, policy, facts, q, now)


def _decide_provision(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime
) -> Decision:
    """:func:`decide_provision` on facts as they are given."""
    decision = _decide(policy, facts, q, now)
    if not decision.allowed or decision.basis is Basis.EXEMPTION:
        return decision
    numbers = my_numbers(policy, q.items)
    if numbers and decision.basis not in _MY_NUMBER_ARRANGEMENTS:
        # An entrustee or a successor is let past the first gate for the arrangement it
        # may receive Individual Numbers under; on the person's consent it receives none
        # (no case of My Number Act Art. 19), nor where the arrangement does not apply.
        return Decision.deny(
            (R.my_number_provision(tuple(numbers)),),
            (MY_NUMBER_PROVISION, clause("recipients", q.recipient)),
            action="provision",
            purpose=q.purpose,
            recipient=q.recipient,
            items=q.items,
        )
    # Data past its retention is due for deletion, not given to anyone: except what a
    # legal duty keeps, to a successor taking the duty over (Art. 27(5)(ii)) or for the
    # purpose that declares the duty. An exemption reaches it (the law does); and the
    # last gate, so a denial on another ground keeps its reasons.
    successor = policy.recipients[q.recipient].kind is RecipientKind.SUCCESSOR
    lapsed = lapsed_reasons(policy, facts, q.items, now, purpose=q.purpose, successor=successor)
    if not lapsed:
        return decision
    return Decision.deny(
        lapsed,
        (ART_22, clause("recipients", q.recipient)),
        action="provision",
        purpose=q.purpose,
        recipient=q.recipient,
        items=q.items,
    )


def _decide(policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime) -> Decision:
    """:func:`decide_provision` but for the retention of the data."""
    recipient = policy.recipients[q.recipient]
    ctx: dict[str, Any] = {
        "action": "provision",
        "purpose": q.purpose,
        "recipient": q.recipient,
        "items": q.items,
    }
    rclause = clause("recipients", q.recipient)
    grounds = policy.provision_grounds

    blocked = _blocked(policy, facts, q, recipient, now) if facts.restrictions else None
    if blocked is not None:
        return denial((restriction_reason(blocked),), (restriction_citation(blocked),), ctx)

    if policy.supervised_purposes:  # most policies restrict no purpose to its handlers
        unhandled = _unhandled(policy, facts, q, now)
        if unhandled:
            return denial(
                (_handlers_only(policy, q, unhandled),),
                (ART_24, *(clause("purposes", p) for p in sorted(unhandled))),
                ctx,
            )

    missing = q.items - facts.held_items
    if missing:
        return denial((R.items_not_held(missing),), (ART_27_1,), ctx)

    numbers = my_numbers(policy, q.items)
    to_affairs = recipient.kind in (RecipientKind.ENTRUSTEE, RecipientKind.SUCCESSOR)
    if numbers and not to_affairs and q.exemption not in _MY_NUMBER_CASES:
        return denial((R.my_number_provision(tuple(numbers)),), (MY_NUMBER_PROVISION, rclause), ctx)
    if numbers and to_affairs and q.purpose is not None:
        number = my_number_use(policy, policy.purposes[q.purpose], q.items)
        if number is not None:
            return denial((number,), (MY_NUMBER_PROVISION, rclause), ctx)
    if q.exemption is not None and _foreign_ground(q.exemption, recipient):
        # "Laws and regulations" are Japan's, and the state organs and local governments
        # of (iv) Japan's (PPC guidelines): a foreign authority's order is no exemption.
        why = R.exemption_foreign(q.exemption.value, q.recipient, recipient.country)
        return denial((why,), (exemption_citation(q.exemption, "provision"),), ctx)
    if q.exemption is not None:
        return exemption_decision(policy, q.exemption, q.justification, "provision", ctx)
    if recipient.kind is RecipientKind.PUBLIC_AUTHORITY:
        # Only the cases of Art. 27(1) this policy would allow it, in the law's order; the
        # decision cites those items, the ones the reason promises (Art. 27(1) when none).
        allowed = tuple(
            e
            for e in Exemption
            if applies(e, "provision")
            and policy.exemption_allowed(e, "provision")
            and not _foreign_ground(e, recipient)
            and (e not in ACADEMIC or policy.academic_shortfall(e, q.recipient) is None)
        )
        why = R.public_authority(q.recipient, tuple(e.value for e in allowed))
        items = tuple(exemption_citation(e, "provision") for e in allowed) or (ART_27_1,)
        return denial((why,), (*items, rclause), ctx)
    if recipient.kind is RecipientKind.STATISTICS:
        return denial((R.statistics_recipient(q.recipient),), (ART_27_1, rclause), ctx)
    if recipient.kind is RecipientKind.ENTRUSTEE:
        # No valid contract, no data: not even on consent, in Japan or abroad (R-SEC-2).
        unbound = _contract_problem(policy, q, now)
        if unbound is not None:
            return denial((unbound,), (ART_25, rclause), ctx)
    if _referable_only(policy, facts, q.items) and (
        recipient.kind is RecipientKind.THIRD_PARTY
        or recipient.links_identifiers
        or abroad(policy, recipient)
    ):
        # Art. 27(5) makes an entrustee, a successor or a joint user "not a third party"
        # for Art. 27 alone; Art. 31 has no such clause, so one expected to identify
        # people from what it receives needs the confirmed consent as anyone does. What
        # is not personal data is outside Art. 28 too, whoever receives it abroad.
        return _personally_referable(policy, facts, q, now, ctx)
    if abroad(policy, recipient):
        return _to_a_foreign_recipient(policy, facts, q, now, ctx)
    if recipient.kind is RecipientKind.SUCCESSOR:
        reasons = _succession(policy, facts, q, now)
        if not reasons:
            return Decision.allow(
                Basis.BUSINESS_SUCCESSION,
                R.succession_provision(q.recipient),
                (ART_27_5_II, rclause),
                **ctx,
            )
    elif recipient.kind is RecipientKind.ENTRUSTEE:
        reasons = _entrustment(policy, q)
        if not reasons:
            return _allow_if_usable(
                (policy, facts, q, now, ctx),
                "R-TPP-3",
                Basis.ENTRUSTMENT,
                R.entrustment(q.recipient, str(q.purpose)),
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
                R.joint_use(joint.name, _announced_on(policy, joint, q.purpose, now), q.recipient),
                (ART_27_5_III, clause("joint_use", joint.name)),
            )
    else:
        reasons = []

    # Third-party provision, and the fallback when an arrangement above does not apply
    # (an entrustee only under a valid contract): with the person's prior consent the
    # recipient may still receive the data, for a purpose the data may be used for.
    undeclared = _undeclared(policy, q)
    if undeclared is not None:
        # An arrangement's own reasons say it already where the items are the matter.
        if not (reasons and undeclared[1].key == "recipient_items_only"):
            reasons.append(undeclared)
    else:
        # An arrangement's recipient spared above (:func:`_blocked`), receiving as a
        # third party all the same: a stop of provision reaches it now.
        stopped = (
            _blocked(policy, facts, q, recipient, now, as_third_party=True)
            if facts.restrictions and recipient.kind in _NOT_A_THIRD_PARTY
            else None
        )
        if stopped is not None:
            return denial((restriction_reason(stopped),), (restriction_citation(stopped),), ctx)
        unfounded = _consent_ground(policy)
        consents = (
            ()
            if unfounded is not None
            else recipient_consent(policy, facts.consents, q.recipient, q.items, q.purpose, now)
        )
        if consents:
            return _allow_if_usable(
                (policy, facts, q, now, ctx),
                "R-TPP-1",
                Basis.CONSENT,
                R.provision_consent(q.recipient, str(q.purpose)),  # named: _undeclared
                (ART_27_1, ART_29, rclause),
                **resting_on(consents),
            )
        if recipient.opt_out is not None and "opt_out" in grounds:
            return _opt_out(policy, facts, q, now, ctx)
        if unfounded is None:
            reasons.append(_no_consent(policy, facts, q, now))
        elif not reasons:  # an arrangement's own reasons say why it does not carry it
            reasons.append(unfounded)
    keys = {r[1].key for r in reasons}
    cites = (
        (ART_27_1, ART_27_6, rclause)
        if "joint_use_change_unannounced" in keys
        else (
            ART_27_1,
            rclause,
        )
    )
    if "provision_consent_changed" in keys:
        cites = (ART_17_2, *cites)
    return denial(tuple(reasons), cites, ctx)


def _unhandled(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime
) -> frozenset[str]:
    """The purposes restricted to their handlers (Art. 24, R-SEC-1) this provision needs
    the actor to handle and it does not (every one of them when no actor is named).

    Giving data to someone is handling it, so who may do it is who may handle the data:

    - for the purpose named: a provision for it is a handling for it, as a use is
      (:func:`~pipolicy.rules.use.decide_use` asks its handlers alike);
    - for the purposes each item is held for: the data is given as it is kept, for the
      purposes it was acquired for. An item held for a purpose anyone handles is anyone's
      to give; one held only for restricted purposes, only their handlers' (a handler of
      any one of them). Asked whether or not a purpose is named: an exemption, a
      succession or personally referable information names none, or one the data is not
      tied to, and naming a purpose anyone handles must not open what its own are closed to.

    A purpose the policy no longer declares restricts nobody (it has no handlers to name).
    """
    actor = q.actor
    supervised = policy.supervised_purposes
    purposes = policy.purposes

    def closed(names: set[str] | frozenset[str]) -> bool:
        return actor is None or not any(actor.may_handle(purposes[p]) for p in names)

    needed: set[str] = set()
    if q.purpose in supervised and closed({q.purpose}):
        needed.add(q.purpose)
    held: dict[str, set[str]] = {}
    for acq in facts.acquisitions:
        declared = [p for p in acq.purposes if p in purposes]
        if not declared:
            continue
        for item in kept_items(acq, facts.restrictions, now) & q.items:
            held.setdefault(item, set()).update(declared)
    for names in held.values():
        if names <= supervised and closed(names):
            needed |= names
    return frozenset(needed)


def _handlers_only(policy: Policy, q: ProvisionQuery, unhandled: frozenset[str]) -> Because:
    """Why the actor may not give the data held for ``unhandled`` (R-SEC-1)."""
    if q.actor is None:
        handlers = frozenset().union(*(policy.purposes[p].handlers for p in unhandled))
        return R.provision_actor_required(q.recipient, tuple(sorted(unhandled)), handlers)
    return R.provision_actor_not_authorised(q.actor.id, q.recipient, tuple(sorted(unhandled)))


_NOT_A_THIRD_PARTY: Mapping[RecipientKind, str] = {
    RecipientKind.ENTRUSTEE: "entrustment",
    RecipientKind.SUCCESSOR: "succession",
    RecipientKind.JOINT_USER: "joint_use",
}
"""The action a provision to a recipient in Japan that Art. 27(5) makes no third party
is, for :meth:`Restriction.applies`."""


def _blocked(
    policy: Policy,
    facts: SubjectFacts,
    q: ProvisionQuery,
    recipient: Recipient,
    now: datetime,
    *,
    as_third_party: bool = False,
) -> Restriction | None:
    """The person's restriction that stops this provision, if any (R-REQ-7).

    Entrustment, succession and joint use are not provision to a third party (Art.
    27(5)(i)-(iii)): a suspension of provision spares them (one naming the successor or
    the joint user excepted, see Restriction.applies), unless the recipient is abroad,
    where Art. 28 makes it one (and Art. 35(3) reaches it). A suspension of use stops
    them all. ``as_third_party``: the recipient receives on the person's consent or by
    opt-out, its arrangement not carrying this provision (Art. 27(1)), so a stop of
    provision reaches it whatever it is."""
    exempt = q.exemption is not None and policy.exemption_allowed(q.exemption, "provision")
    action = "provision"
    if not as_third_party and not abroad(policy, recipient):
        action = _NOT_A_THIRD_PARTY.get(recipient.kind, "provision")
    return blocking_restriction(
        facts.restrictions,
        action,
        q.purpose,
        q.items,
        now,
        exempt=exempt,
        recipient=q.recipient,
        acquisitions=facts.acquisitions,
    )


def _consent_ground(policy: Policy) -> Because | None:
    """Why no provision rests on the person's consent under this policy, if so: its
    ``[provision] grounds`` leave ``consent`` out (it provides on no one's consent). Asked
    at home and abroad alike: Art. 28 adds a condition to the consent, and never brings
    back a ground the policy left out."""
    return None if "consent" in policy.provision_grounds else R.no_consent_ground()


def _no_consent(policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime) -> Because:
    """Why no consent to provision to the recipient stands: none was given, or the one
    given came before the purpose the data is given for changed beyond relevance, and
    covers what it meant then only (R-CON-3, Art. 17(2)); to the person who consented,
    "no consent" would read false."""
    mine = [c for c in facts.consents if c.scope.recipient == q.recipient]
    if not mine:  # the usual case: never a word about this recipient
        return R.no_provision_consent(q.recipient)
    mine = [c for c in mine if c.is_active(now)]
    meaning = policy.purposes.get(q.purpose) if q.purpose is not None else None
    since = None if meaning is None else change_in_effect(policy, meaning, now)
    if since is not None and covering(mine, q.items):
        return R.provision_consent_changed(q.recipient, str(q.purpose), since.isoformat())
    no = last_word_no_to_recipient(facts.consents, q.recipient, q.items)
    if no is not None:  # "no consent" would hide that the person took it back
        on = policy.local_date(no.said_no_at).isoformat()
        return R.provision_declined(q.recipient, on, no.status.value)
    # The person did agree to give the recipient some items: "no consent" would read
    # false to them. Their consents do not cover the others.
    uncovered = q.items - frozenset().union(*(c.scope.items or q.items for c in mine))
    if mine and uncovered:
        return R.provision_consent_items(q.recipient, tuple(sorted(uncovered)))
    return R.no_provision_consent(q.recipient)


ART_27_2 = "APPI Art. 27(2)"
ART_27_3 = "APPI Art. 27(3)"


def _purpose_needed(q: ProvisionQuery) -> Because:
    """Why a provision that names no purpose is denied (on any basis but an exemption)."""
    return R.purpose_needed(q.recipient)


def _undeclared(policy: Policy, q: ProvisionQuery) -> Because | None:
    """Why the provision falls outside what the policy declares for the recipient (the
    purposes it receives data for, the items it receives), which is what the person
    consented to: no purpose named, another purpose, or more items. None if within."""
    recipient = policy.recipients[q.recipient]
    if q.purpose is None:
        return _purpose_needed(q)
    if recipient.purposes and q.purpose not in recipient.purposes:
        return R.purpose_not_for_recipient(q.purpose, q.recipient)
    if recipient.items and not q.items <= recipient.items:
        return R.recipient_items_only(q.recipient, recipient.items)
    return None


def _contract_problem(policy: Policy, q: ProvisionQuery, now: datetime) -> Because | None:
    """Why the entrustee may receive nothing today, if so: no contract valid on the
    policy's today, or one that does not bind every duty (Art. 25, R-SEC-2)."""
    contract = policy.recipients[q.recipient].contract
    today = policy.local_date(now)
    if contract is None or not contract.valid_on(today):
        return R.no_valid_contract(q.recipient, str(today))
    if contract.missing_duties:
        return R.contract_lacks_duties(q.recipient, contract.missing_duties)
    return None


ART_28 = "APPI Art. 28"


def abroad(policy: Policy, recipient: Any) -> bool:
    """A recipient in a foreign country whose system is not designated as equivalent,
    that does not keep equivalent measures under contract: Art. 28 applies (R-XB-1).
    Entrustment, joint use and succession abroad included. A public authority receives
    data only on an exemption, decided before (Art. 28(1) leaves out the cases of Art.
    27(1); a foreign law or authority is not one of them, :func:`_foreign_ground`)."""
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
    the purpose, within what the policy declares for the recipient, and the policy must
    provide for provision on consent (:func:`_consent_ground`, the home path's check):
    Art. 28 adds a condition to provision abroad and takes none away. A denial says what
    the person did, as at home (:func:`_no_foreign_consent`)."""
    recipient = policy.recipients[q.recipient]
    cites = (ART_28, clause("recipients", q.recipient))
    undeclared = _undeclared(policy, q) or _consent_ground(policy)
    if undeclared is not None:
        return denial((undeclared,), cites, ctx)
    country = recipient.country
    informed = _informed(policy, facts, q, now, country)
    if not informed:
        # Why not: no consent covers the items, or one they rest on was given without
        # the information on this country (none at all, or another country's).
        consents = recipient_consent(policy, facts.consents, q.recipient, q.items, q.purpose, now)
        if not consents:
            return _no_foreign_consent(policy, facts, q, now, ctx)
        if not all(c.evidence.foreign_info for c in consents):
            return denial((R.foreign_info_missing(q.recipient, country),), cites, ctx)
        shown = next(c.evidence.foreign_country for c in consents if not _about(c, country))
        why = (
            R.foreign_info_other_country(q.recipient, country, shown)
            if shown
            else R.foreign_info_no_country(q.recipient, country)
        )
        return denial((why,), cites, ctx)
    return _allow_if_usable(
        (policy, facts, q, now, ctx),
        "R-XB-1",
        Basis.CONSENT,
        R.foreign_consent(q.recipient, country),
        (*cites, ART_29),
        **resting_on(informed),
    )


def _no_foreign_consent(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime, ctx: Mapping[str, Any]
) -> Decision:
    """The denial abroad where no consent covers the items: what the person did, as at
    home (:func:`_no_consent`: consented to fewer items, withdrew or refused, consented
    before the purpose changed), cited to Art. 28; where they never said a word, that the
    consent must come after the information on the country (R-XB-1)."""
    recipient = policy.recipients[q.recipient]
    why = _no_consent(policy, facts, q, now)
    if why[1].key == "no_provision_consent":
        why = R.foreign_no_consent(q.recipient, recipient.country)
    changed = (ART_17_2,) if why[1].key == "provision_consent_changed" else ()
    return denial((why,), (*changed, ART_28, clause("recipients", q.recipient)), ctx)


def _informed(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime, country: str
) -> Consents:
    """The consents to the recipient covering the items that were each given with the
    information on ``country``'s system and the recipient's measures (Arts. 28(2),
    31(1)(ii)); empty if they do not cover the items."""
    return recipient_consent(
        policy,
        facts.consents,
        q.recipient,
        q.items,
        q.purpose,
        now,
        also=lambda c: _about(c, country),
    )


def _about(consent: Consent, country: str) -> bool:
    """Was the consent given with the information on ``country``'s system (PPC Rules Art.
    17(1))? Only if it is recorded as about that country (:meth:`Evidence.informs_of`):
    one that names no country covers none."""
    return consent.evidence.informs_of(country)


def _opt_out(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime, ctx: Mapping[str, Any]
) -> Decision:
    """Provision by opt-out (Art. 27(2), R-TPP-8), where there is no consent: from the day
    the PPC filing is done and the waiting period has run from the notice
    (:meth:`OptOut.starts`), of the declared items only, never of
    data the business itself obtained by opt-out, nor of data from another business whose
    receipt does not record the basis it was given on (:func:`_basis_unknown`). A person's request to stop it is a
    suspension of provision, checked at the top of :func:`decide_provision`; a person who
    refused or withdrew consent to provision to the recipient has said no as plainly, so
    it stops too, for every item (their later consent covers what it names). What a
    change to the opt-out brings waits for the change's own notice and filing (Art.
    27(3), :func:`_changes_pending`)."""
    opt_out = q.recipient and policy.recipients[q.recipient].opt_out
    assert opt_out
    start = opt_out.starts()
    assert start is not None  # a policy without the dates or the period does not load
    today = policy.local_date(now)
    cites: tuple[str, ...] = (ART_27_2, clause("recipients", q.recipient))
    reasons: list[Because] = []
    noes = noes_to(facts.consents, q.recipient)
    if noes:
        latest = max(noes, key=when_declined)  # the one a compiled state keeps
        on = policy.local_date(latest.said_no_at)
        reasons.append(R.opt_out_declined(q.recipient, on.isoformat(), latest.status.value))
    if opt_out.end is not None and opt_out.ended(today):
        reasons.append(R.opt_out_ended(q.recipient, opt_out.end.on.isoformat()))
        cites = (ART_27_2, ART_27_3, clause("recipients", q.recipient))
    elif today < start:
        reasons.append(R.opt_out_not_started(q.recipient, start.isoformat()))
    if not q.items <= opt_out.items:
        # What is provided on the day asked, and apart what is announced but not yet
        # (a pending change's items): never an item the person could not be given now.
        in_force = opt_out.in_force(today)
        pending = frozenset() if opt_out.ended(today) else opt_out.items - in_force
        reasons.append(R.opt_out_items_only(in_force, q.recipient, pending))
    changes = [] if opt_out.ended(today) else _changes_pending(q, opt_out, today)
    if changes:
        reasons.extend(changes)
        cites = (ART_27_2, ART_27_3, clause("recipients", q.recipient))
    received = {i for a in facts.acquisitions if a.received_by_opt_out for i in a.items}
    if q.items & received:
        reasons.append(R.opt_out_received(q.items & received))
    unknown = q.items & (_basis_unknown(facts) - received)
    if unknown:
        reasons.append(R.opt_out_basis_unknown(unknown))
    if reasons:
        return denial(tuple(reasons), cites, ctx)
    return _allow_if_usable(
        (policy, facts, q, now, ctx),
        "R-TPP-8",
        Basis.OPT_OUT,
        R.opt_out(q.recipient),
        (*cites, ART_29),
    )


def _changes_pending(q: ProvisionQuery, opt_out: OptOut, today: date) -> list[Because]:
    """Why a change to the opt-out keeps this provision from resting on it (Art. 27(3)):
    an item it added is asked for before the change counts (:meth:`OptOutChange.starts`,
    the opt-out's own rule), or it replaced how the data is acquired, provided, kept up
    to date or stopped, and from its day nothing is provided by opt-out until it counts
    (the policy holds only the new texts). A change missing a date never counts."""
    reasons = []
    for change, start in opt_out.pending(today):
        items = tuple(sorted(q.items & change.added))
        fields = tuple(sorted(change.changed)) if change.revised <= today else ()
        if not items and not fields:
            continue
        revised = change.revised.isoformat()
        if start is None:
            why = R.opt_out_change_undated(q.recipient, revised, items, fields, change.missing)
        else:
            why = R.opt_out_change_not_started(
                q.recipient, revised, items, fields, start.isoformat()
            )
        reasons.append(why)
    return reasons


def _basis_unknown(facts: SubjectFacts) -> frozenset[str]:
    """The items received from another business whose record of receipt does not say on
    what basis it gave them (no ``provider_basis``, nor the older opt-out mark): they may
    have been given by opt-out, and the Art. 27(2) proviso then forbids providing them by
    opt-out again. Not knowing is not "no" (fail closed); what the person gave directly,
    or a receipt on a recorded basis, is untouched."""
    return frozenset(
        i
        for a in facts.acquisitions
        if a.channel is Channel.PROVIDED_BY_BUSINESS
        and a.provider_basis is None
        and not a.received_by_opt_out
        for i in a.items
    )


def _allow_if_usable(
    facts_at: tuple[Policy, SubjectFacts, ProvisionQuery, datetime, Mapping[str, Any]],
    rule: str,
    basis: Basis,
    reason: Because,
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
    why = R.not_usable(q.purpose, q.recipient, rule)
    # The articles the use is denied on are the provision's too: Art. 17(2) for a change
    # beyond relevance, 21(3) for one not notified yet (R-USE-2, R-USE-3), and so on.
    laws = tuple(c for c in use.citations if not c.startswith("policy:"))
    cites = (*dict.fromkeys((*laws, ART_18_1, ART_27_1)), clause("recipients", q.recipient))
    earlier = tuple(zip(use.reasons, use.why, strict=True)) if use.why else use.reasons
    return denial((*earlier, why), cites, ctx)


def _referable_only(policy: Policy, facts: SubjectFacts, items: frozenset[str]) -> bool:
    """Is what is given personally referable information, not personal data, for the
    business? Only when no item given and no item held for the person identifies them:
    a cookie id held beside a name is personal data (Art. 2(1)). An item held that the
    policy no longer declares counts as identifying: what it is cannot be known, and the
    answer must not turn personal data into referable information (fail closed)."""
    given = items | facts.held_items
    return policy.items.keys() >= given and given.isdisjoint(policy.identifying_items)


def _personally_referable(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime, ctx: Mapping[str, Any]
) -> Decision:
    """Art. 31: giving personally referable information to a third party (for Art. 31,
    every recipient: an entrustee, a successor or a joint user too).

    A recipient not expected to identify the person receives it freely; one expected to
    link it to identify the person only once the provider has confirmed that the recipient
    obtained the person's consent (kept as a consent to the recipient, whose evidence says
    how it was confirmed), and the provision is recorded (Art. 31(3), a confirmation record).
    """
    rclause = clause("recipients", q.recipient)
    recipient = policy.recipients[q.recipient]
    if not recipient.links_identifiers:
        return Decision.allow(
            Basis.PERSONALLY_REFERABLE,
            R.referable_unlinked(q.recipient),
            (ART_31_1, rclause),
            **ctx,
        )
    if abroad(policy, recipient):
        # Art. 31(1)(ii): abroad, the person was also given the information on the
        # country's system and the recipient's measures when consenting (the consent's
        # evidence.foreign_info, as for Art. 28(2)).
        country = recipient.country
        informed = _informed(policy, facts, q, now, country)
        if not informed:
            why = R.referable_foreign_unconfirmed(q.recipient, country)
            return denial((why,), (ART_31_1_II, rclause), ctx)
        return Decision.allow(
            Basis.CONSENT,
            R.referable_confirmed(q.recipient),
            (ART_31_1_II, ART_31_3, rclause),
            **resting_on(informed),
            **ctx,
        )
    consents = recipient_consent(policy, facts.consents, q.recipient, q.items, q.purpose, now)
    if not consents:
        return denial((R.referable_unconfirmed(q.recipient),), (ART_31_1, rclause), ctx)
    return Decision.allow(
        Basis.CONSENT,
        R.referable_confirmed(q.recipient),
        (ART_31_1, ART_31_3, rclause),
        **resting_on(consents),
        **ctx,
    )


def entrusted_only(policy: Policy, recipient: Recipient) -> bool:
    """Does the entrustee ``recipient`` receive personal data only as entrusted (Art.
    27(5)(i)), never as a third party, so that a stop of provision cannot reach it
    (Art. 35(3))? Asked as :func:`_decide` asks it of each provision: not abroad (Art.
    28 makes it a third party), and no purpose for which a consent or an opt-out could
    carry what the policy declares for it (:func:`_undeclared`) while entrustment does
    not (:func:`_entrustment`: without the ``entrustment`` ground it carries nothing)."""
    if recipient.kind is not RecipientKind.ENTRUSTEE or abroad(policy, recipient):
        return False
    items = recipient.items or frozenset(policy.items)
    for purpose in sorted(recipient.purposes or policy.purposes):
        q = ProvisionQuery(recipient.name, items, purpose)
        if _undeclared(policy, q) is None and _entrustment(policy, q):
            return False
    return True


def _entrustment(policy: Policy, q: ProvisionQuery) -> list[Because]:
    """Why entrustment (Art. 27(5)(i)) does not apply; empty when it does."""
    recipient = policy.recipients[q.recipient]
    if "entrustment" not in policy.provision_grounds:
        return [R.no_entrustment_ground()]
    if q.purpose is None or q.purpose not in recipient.purposes:
        return [R.entrustment_purposes_only(q.recipient, recipient.purposes)]
    if not q.items <= recipient.items:
        return [R.entrustment_items_only(q.recipient, recipient.items, q.items - recipient.items)]
    return []


def _succession(
    policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime
) -> list[Because]:
    """Why business succession (Art. 27(5)(ii)) does not carry this provision; empty when
    it does. A successor the policy declares with purposes or items takes over part of
    the business (a company split, the transfer of one service): data of the part that
    stays (other items, or items held for no purpose it takes over) is not provided "in
    connection with" that succession, and is provision to a third party. One declaring
    neither takes over the whole business."""
    recipient = policy.recipients[q.recipient]
    if "business_succession" not in policy.provision_grounds:
        return [R.no_succession_ground()]
    outside = q.items - recipient.items if recipient.items else frozenset()
    if q.purpose is not None and q.purpose in recipient.purposes:
        outside |= q.items - held_for(facts, q.purpose, now)
    if outside or (recipient.purposes and q.purpose not in recipient.purposes):
        return [R.succession_scope_only(q.recipient, recipient.purposes, recipient.items, outside)]
    return []


def _joint_use(policy: Policy, q: ProvisionQuery, now: datetime) -> list[Because]:
    """Why joint use (Art. 27(5)(iii)) does not apply; empty when it does."""
    joint = policy.joint_uses[policy.recipients[q.recipient].joint_use or ""]
    if "joint_use" not in policy.provision_grounds:
        return [R.no_joint_use_ground()]
    if joint.published is None or joint.published > policy.local_date(now):
        return [R.joint_use_unpublished(joint.name)]
    unannounced = _unannounced_change(policy, joint, q.purpose, now)
    if unannounced is not None:
        return [unannounced]
    # A purpose a change adds from a later day is not the joint use's yet, announced or not.
    today = policy.local_date(now)
    purposes = joint.purposes - frozenset().union(
        *(c.added for c in joint.changes if c.revised > today)
    )
    if q.purpose is None or q.purpose not in purposes:
        return [R.joint_use_purposes_only(joint.name, purposes)]
    if not q.items <= joint.items:
        return [R.joint_use_items_only(joint.name, joint.items)]
    return []


def _unannounced_change(
    policy: Policy, joint: JointUse, purpose: str | None, now: datetime
) -> Because | None:
    """Why the joint use cannot yet carry a provision for ``purpose``, if a change it
    rests on was not made known in advance (Art. 27(6)): the purpose was added, or the
    person responsible is another. The people know only what was made known; a change of
    the same person's name or address changes nothing they agreed to. A change is judged
    from its day: until then the joint use stands as it was (the old person responsible
    answers; a purpose added is not yet its purpose, :func:`_joint_use` says so)."""
    today = policy.local_date(now)
    for change in joint.changes:
        if _rests_on(change, purpose) and change.revised <= today and not change.in_effect(today):
            return R.joint_use_change_unannounced(
                joint.name, change.what.value, change.revised.isoformat()
            )
    return None


def _rests_on(change: JointUseChange, purpose: str | None) -> bool:
    """Does a provision for ``purpose`` under the joint use rest on ``change``: a purpose it
    added, or a new person responsible (every provision does)?"""
    return change.what is JointUseChangeKind.MANAGER or (
        change.what is JointUseChangeKind.PURPOSES and purpose in change.added
    )


def _announced_on(policy: Policy, joint: JointUse, purpose: str | None, now: datetime) -> str:
    """The day what a provision for ``purpose`` rests on was made known (ISO): the joint
    use's publication, or the last change in effect it rests on. A purpose added in March
    was not among what the people were told in February."""
    today = policy.local_date(now)
    days = [c.notified for c in joint.changes if _rests_on(c, purpose) and c.in_effect(today)]
    assert joint.published is not None  # _joint_use checked it
    return max([joint.published, *(d for d in days if d is not None)]).isoformat()
