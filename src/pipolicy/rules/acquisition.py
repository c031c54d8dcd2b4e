"""Acquisition of personal data (Arts. 17, 20, 21; R-ACQ-*, R-USE-7, R-USE-9, R-PRI-1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

import attrs

from pipolicy.domain.acquisitions import Channel, EntityKind, ReceiptBasis
from pipolicy.domain.consents import Consent
from pipolicy.domain.decisions import Basis, Because, Decision
from pipolicy.domain.exemptions import Exemption, exemption_citation
from pipolicy.domain.facts import SubjectFacts, last_word_no
from pipolicy.policy.model import ConsentRule, Policy, Purpose
from pipolicy.rules import reasons as R
from pipolicy.rules.common import (
    ART_17_1,
    ART_21_1,
    MY_NUMBER_PROVISION,
    clause,
    deciding_after_deletions,
    exemption_decision,
    mixes_identifiers,
    my_numbers,
    purpose_consent,
    purpose_over,
    resting_on,
)

__all__ = ["AcquisitionQuery", "confirmed_on_receipt", "decide_acquisition"]

ART_20_1 = "APPI Art. 20(1)"
ART_20_2 = "APPI Art. 20(2)"
ART_21_2 = "APPI Art. 21(2)"
ART_27_1 = "APPI Art. 27(1)"
ART_27_2 = "APPI Art. 27(2)"
ART_21_2_PROVISO = "APPI Art. 21(2) proviso"
ART_30_1 = "APPI Art. 30(1)"
ART_30_1_PROVISO = "APPI Art. 30(1) proviso"
ART_31_1_I = "APPI Art. 31(1)(i)"
MY_NUMBER_COLLECTION = "My Number Act Art. 20"


WRITTEN = frozenset({Channel.WEB, Channel.EMAIL, Channel.MAIL, Channel.SOCIAL_MEDIA})
"""Channels where the person hands over data in writing (a form, a contract, a mail): Art.
21(2) asks that the purpose be shown to them explicitly beforehand (R-NTC-1)."""


@attrs.frozen
class AcquisitionQuery:
    items: frozenset[str]
    purposes: frozenset[str]
    opted_in: frozenset[str] = frozenset()
    exemption: Exemption | None = None
    justification: str | None = None
    channel: Channel | None = None
    purpose_shown: bool = True
    provider_confirmed: bool = True
    """From another business: what Art. 30(1) asks was confirmed on receipt (R-ACQ-4;
    :func:`confirmed_on_receipt`)."""
    provider_lawful: bool = True
    """The provider obtained the data by lawful, fair means, as far as the business knows."""
    provider_by_opt_out: bool = False
    """From another business: it provides the data by opt-out (Art. 27(2))."""
    provider_basis: ReceiptBasis | None = None
    """From another business: how it says it provides the data (PPC Rules Art. 24(1)); an
    Individual Number is never provided on consent nor by opt-out (R-MYN-1)."""
    source: str = ""
    """Where the data came from (the provider's name; '' if not known): acquisition from
    a joint research partner (Art. 20(2)(vi)) is judged by the partner the policy declares
    under that name."""


def confirmed_on_receipt(
    source: str,
    address: str | None,
    representative: str | None,
    obtained_by: str | None,
    kind: EntityKind | None = None,
    basis: ReceiptBasis | None = None,
) -> bool:
    """Did the recipient confirm, and so can it record, what Art. 30(1) asks of a
    provider? Its name (``source``) and address; for a corporation its representative,
    for an association without legal personality its representative or manager (Art.
    27(2)(i)), for an individual nothing, and where the kind is not said the
    representative all the same (fail closed); and how it obtained the data (Art.
    30(1)(ii)), except for personally referable information acquired as personal data,
    whose record has the provider's name, address and representative only (PPC Rules
    Art. 24(1)(iii)). A detail of spaces confirms nothing: the record would lack it."""
    needed = [source, address]
    if kind is not EntityKind.INDIVIDUAL:
        needed.append(representative)
    if basis is not ReceiptBasis.PERSONALLY_REFERABLE:
        needed.append(obtained_by)
    return all(v and v.strip() for v in needed)


_EXEMPTION_CHANNELS: Mapping[Exemption, frozenset[Channel]] = {
    Exemption.MADE_PUBLIC: frozenset(
        {Channel.WEB, Channel.SOCIAL_MEDIA, Channel.PROVIDED_BY_BUSINESS, Channel.OTHER}
    ),
    Exemption.OBSERVED: frozenset({Channel.ORAL, Channel.OTHER}),
    Exemption.RECEIVED_UNDER_ARRANGEMENT: frozenset(
        {Channel.PROVIDED_BY_BUSINESS, Channel.SUCCESSION, Channel.OTHER}
    ),
    Exemption.ACADEMIC_JOINT_RESEARCH: frozenset({Channel.PROVIDED_BY_BUSINESS}),
}
"""The channels an exemption about where the data came from can fit: made public (Art.
20(2)(vii)) is read from what is published; observed (Cabinet Order Art. 9(i)) is seen or
photographed, in person or on camera (``other``); received under an arrangement (Art.
9(ii)) comes from the entrusting, transferring or joint-using business; joint research
(Art. 20(2)(vi)) comes from the academic research institution researching with the
business, so it is provided by a business (under Art. 27(1)(vi): no confirmation on
receipt is owed, Art. 30(1) proviso; :data:`UNCONFIRMED_RECEIPTS`).
Data the person gives directly fits none of them; their consent is needed (R-ACQ-3)."""


ARRANGEMENT = Exemption.RECEIVED_UNDER_ARRANGEMENT
"""Entrustment, business succession, joint use: the cases of Art. 27(5), where the
recipient is no third party. No exemption of Arts. 18(3), 27(1), so the policy's `[use]
exemptions` do not govern the confirmation on receipt it spares (Art. 30(1) proviso)."""


URGENT = Exemption.LIFE_BODY_PROPERTY
"""The claim that lifts showing the purposes before data handed over in writing: where it
is urgently necessary to protect a person's life, body or property (Art. 21(2) proviso)."""


UNCONFIRMED_RECEIPTS: Mapping[Exemption, str] = MappingProxyType(
    {
        Exemption.LAWS_AND_REGULATIONS: "APPI Art. 27(1)(i)",
        Exemption.LIFE_BODY_PROPERTY: "APPI Art. 27(1)(ii)",
        Exemption.PUBLIC_HEALTH_CHILDREN: "APPI Art. 27(1)(iii)",
        Exemption.STATE_COOPERATION: "APPI Art. 27(1)(iv)",
        Exemption.ACADEMIC_JOINT_RESEARCH: "APPI Art. 27(1)(vi)",
        Exemption.ACADEMIC_RESEARCH: "APPI Art. 27(1)(vii)",
        Exemption.RECEIVED_UNDER_ARRANGEMENT: "APPI Art. 27(5)",
    }
)
"""Claims that say the provider gave the data in a case Art. 30(1)'s proviso names, with
the provision that case is: the situation of Art. 20(2)(i)-(iv) is, for the provider, the
same item of Art. 27(1) (laws, a life in danger, public health or children, cooperation
with the state); an academic research institution gives its joint research partner the
data under 27(1)(vi); a business gives an institution (the business, 20(2)(v)) data for
its research under 27(1)(vii); entrustment, business succession and joint use are the
cases of Art. 27(5) (Cabinet Order Art. 9(ii)). The recipient then owes no confirmation on
receipt (R-ACQ-4), on a claim made with its justification, which the acquisition's
audit event keeps. An Art. 27(1) ground is an exemption: it lifts the confirmation only
where the policy's `[use] exemptions` allow it (R-USE-5: a policy may allow fewer than the
law); entrustment, succession and joint use are not exemptions, and lift it whatever that
list says.

Fail closed: without such a claim, or where the provider is said to give the data on
another basis (``provider_basis``: the person's consent, opt-out, personally referable
information; or ``provider_obtained_by="opt_out"``), the provider is confirmed. Not the
fair means of Art. 20(1): a provider known to have obtained the data improperly is still
refused."""


MY_NUMBER_RECEIPTS = frozenset(
    {Exemption.LAWS_AND_REGULATIONS, Exemption.LIFE_BODY_PROPERTY, ARRANGEMENT}
)
"""Of :data:`UNCONFIRMED_RECEIPTS`, the claims that say a provider gives Individual
Numbers in a case the My Number Act Art. 19 lists, as provision reads them
(``rules.provision._MY_NUMBER_CASES`` and its arrangements): a law requiring it, a life,
body or property to protect, an entrustment or succession of the affairs. Any other ground
(public health, a state organ's affairs, research) is none: such numbers are not collected
(Art. 20; R-MYN-1). ``received_under_arrangement`` cannot tell a joint use (no Art. 19
case) from an entrustment or a succession; it is taken as the claim says, the provider's
own policy being what refuses numbers in a joint use (a known limit, docs/concepts.md)."""


def _cites(
    reasons: Sequence[Because], special: Sequence[str], clauses: tuple[str, ...], owed: bool
) -> tuple[str, ...]:
    """:func:`_citations`, then the policy's clauses of the purposes asked for."""
    return (*_citations(reasons, special, owed), *clauses)


def _citations(reasons: Sequence[Because], special: Sequence[str], owed: bool) -> tuple[str, ...]:
    """The articles a refused acquisition cites for ``reasons`` (``special``: the special
    care-required items whose consent is asked; ``owed``: received from another business
    in a case where the confirmation on receipt is owed), with or without an exemption
    claimed."""
    named = {rule for _, why in reasons for rule in why.rules}
    # Art. 20(2) is cited only where its prior consent is what is missing.
    missing_consent = bool(special) and "R-ACQ-3" in named
    cites: tuple[str, ...] = (ART_20_2,) if missing_consent else (ART_17_1,)
    if owed and "R-ACQ-4" in named:
        # The recipient's duty on receipt from another business (Art. 30(1)): on any
        # other channel, or none, or where its proviso lifts it, what the provider did is
        # judged by Art. 20(1) alone.
        cites = (*cites, ART_30_1)
    improper = {"provider_improper", "provider_opt_out_special"}
    if any(why.key in improper for _, why in reasons):
        # Receiving data knowing the provider obtained it improperly, or provides it in
        # breach of the Act, is acquiring it by improper means (Art. 20(1); PPC General
        # Guidelines 3-3-1).
        cites = (*cites, ART_20_1)
    if any(why.key == "provider_opt_out_special" for _, why in reasons):
        cites = (*cites, ART_27_2)
    if any(why.key in ("my_number_receipt", "my_number_claim_receipt") for _, why in reasons):
        cites = (*cites, MY_NUMBER_PROVISION, MY_NUMBER_COLLECTION)
    if "R-NTC-1" in named:
        cites = (*cites, ART_21_2)
    if any(why.key == "referable_unconsented" for _, why in reasons):
        cites = (*cites, ART_31_1_I)
    if any(why.key == "acquisition_linkage" for _, why in reasons):
        # The business's own linkage makes the identifiers personal data it must have
        # notified (Arts. 2(1), 21(1)); Art. 31 governs giving them to others.
        cites = (*cites, ART_21_1)
    return cites


def decide_acquisition(
    policy: Policy, facts: SubjectFacts, q: AcquisitionQuery, now: datetime
) -> Decision:
    """May ``items`` be acquired for ``purposes``? Names must already be known.

    A permission given before a deletion the person asked for does not reach the items
    it erased when they are collected again (R-REQ-7): asked again, as for use."""
    return deciding_after_deletions(_decide_acquisition, policy, facts, q, now)


def _decide_acquisition(
    policy: Policy, facts: SubjectFacts, q: AcquisitionQuery, now: datetime
) -> Decision:
    """:func:`decide_acquisition` on facts as they are given.

    An exemption claimed answers only what it exempts: the consent special care-required
    data needs (Art. 20(2)) and, in urgency, showing the purposes first (Art. 21(2)
    proviso), where the policy allows it (R-USE-5); and, said of a provision to the
    business, the confirmation on receipt, which the law lifts whatever the policy allows
    (Art. 30(1) proviso, :data:`UNCONFIRMED_RECEIPTS`). Every other check is made as
    without it. Special care-required data a business provides on the person's consent
    to that provision needs no consent of the recipient's own (PPC General Guidelines
    3-3-2)."""
    ctx: dict[str, Any] = {
        "action": "acquisition",
        "items": q.items,
        "purpose": ",".join(sorted(q.purposes)),
    }
    purposes = [policy.purposes[p] for p in sorted(q.purposes)]
    clauses = tuple(clause("purposes", p.name) for p in purposes)
    reasons: list[Because] = []

    declared = frozenset().union(*(p.all_items for p in purposes))
    required = frozenset().union(*(p.items for p in purposes))
    if q.items - declared:
        reasons.append(R.acquisition_items_undeclared(q.items - declared, q.purposes))
    optional = q.items - required - q.opted_in
    if optional & declared:
        reasons.append(R.optional_items(optional & declared))
    for p in purposes:
        over = purpose_over(policy, p, now)
        if over is not None:
            reasons.append(over)
        if p.categories and facts.subject.category not in p.categories:
            reasons.append(R.acquisition_wrong_category(p.name))
    # Received from another business, or said to be by a check without the channel.
    receipt = q.channel is Channel.PROVIDED_BY_BUSINESS or (
        q.channel is None and q.provider_basis is not None
    )
    claim = None if q.exemption is None else _claim(policy, q, ctx, clauses)
    lawful = claim  # the claim by the law and the facts, whatever the policy allows itself
    if claim is not None and not claim.allowed and not _policy_allows(policy, q):
        lawful = _claim(policy, q, ctx, clauses, by_policy=False)
    proviso = _lifted(policy, q, lawful) if receipt else None  # the provision the proviso names
    owed = receipt and proviso is None  # the confirmation on receipt (Art. 30(1))
    lifted = proviso if receipt and not q.provider_confirmed else None  # and not made
    if owed and not q.provider_confirmed:
        reasons.append(R.provider_unconfirmed())
    reasons.extend(_about_the_provider(policy, q))

    special = sorted(i for i in q.items if policy.items[i].special_care)
    succession = q.channel is Channel.SUCCESSION
    # Special care-required data received in a business succession is acquired without
    # the person's consent (Art. 20(2)(viii), Cabinet Order Art. 9(ii)): the channel says
    # so, unless the policy allows fewer exemptions than the law (R-USE-5).
    inherited = succession and policy.exemption_allowed(
        Exemption.RECEIVED_UNDER_ARRANGEMENT, "acquisition"
    )
    # Provided on the person's consent to the provision (Art. 27(1)), which the provider
    # obtained: that consent covers the recipient's acquiring the data (Art. 20(2); PPC
    # General Guidelines 3-3-2). The record of receipt notes it (PPC Rules Art. 24(1)).
    on_consent = receipt and q.provider_basis is ReceiptBasis.CONSENT
    asked_special = [] if inherited or on_consent else special  # whose consent is asked

    if lawful is not claim and lawful is not None and lawful.allowed:
        # The policy allows fewer exemptions than the law (R-USE-5): the claim answers
        # nothing the business would ask for itself (the consent, the purposes shown
        # first). Refused as such only where that is what it is claimed for.
        # Nor, on an Art. 27(1) ground, the confirmation on receipt: the policy lifts that
        # only as far as it allows the claim (R-USE-5; :func:`_lifted`).
        relief = receipt and not q.provider_confirmed and q.exemption is not ARRANGEMENT
        needed = (
            bool(asked_special)
            or (q.exemption is URGENT and bool(_not_shown(q)))
            or (relief and q.exemption in UNCONFIRMED_RECEIPTS)
        )
        claim = claim if needed else None
    if claim is not None and not claim.allowed:
        # A claim that cannot stand is refused as such, after what it could not answer.
        refused = (*reasons, *_not_shown(q))
        if not refused:
            return claim
        refusal = (*refused, *zip(claim.reasons, claim.why, strict=True))
        cites = (*claim.citations, *_cites(refused, (), clauses, owed))
        return Decision.deny(refusal, tuple(dict.fromkeys(cites)), **ctx)
    claimed = q.exemption if claim is not None else None
    exempted: list[str] = []  # what the claim answered: "consent", "purposes"

    if _not_shown(q):
        if claimed is URGENT:
            exempted.append("purposes")
        else:
            reasons.extend(_not_shown(q))
    if inherited and special and claimed is not None:
        exempted.append("consent")  # claimed as the channel says it (20(2)(viii))
    # Personally referable information acquired as personal data: on the person's consent
    # to that (Art. 31(1)(i)), which its record of receipt says was obtained (PPC Rules
    # Art. 24(1)(iii)). No exemption is claimed for it: Art. 31(1) has none of its own.
    referable = q.provider_basis is ReceiptBasis.PERSONALLY_REFERABLE
    consents: dict[str, Consent] = {}  # every purpose's, each once, in order
    for p in purposes:
        touches_special = any(policy.items[i].special_care for i in q.items & p.all_items)
        special_here = bool(asked_special) and touches_special
        # Art. 20(2): acquiring special care-required data needs the person's prior consent
        # (only acquisition: once lawfully acquired, it is used within its purposes).
        # Data received through a merger or business transfer was collected by the
        # predecessor: its permission is not asked again (Art. 18(2), R-USE-6).
        asks_first = p.consent is ConsentRule.AT_COLLECTION and not succession
        asked = asks_first or special_here
        # A claim answers the consent that special care-required data needs, which is the
        # permission a purpose collecting it asks first; not a purpose's permission for
        # other data, nor a no the person said (fail closed).
        answered = claimed is not None and special_here
        linked = referable and bool(q.items & p.all_items)
        # Provided on the person's consent to the provision, special care-required data
        # needs none of the business's own; but a refusal or withdrawal the person said
        # to the purpose is their last word, whatever the provider says (R-CON-2, fail
        # closed).
        heard = asked or (on_consent and touches_special)
        if not (heard or linked):
            continue
        found = purpose_consent(policy, facts.consents, p, q.items & p.all_items, now)
        no = None if found or not heard else last_word_no(facts.consents, p.name, q.items)
        # This purpose's special care-required items, unless a claim answers their consent.
        special_told = special_here or (on_consent and touches_special)
        told = () if claimed is not None or not special_told else _special_in(policy, p, q.items)
        if found:
            consents.update((c.id, c) for c in found)
        elif no is not None:
            on = policy.local_date(no.said_no_at).isoformat()
            why = R.collection_declined(p.name, told, on, no.status.value, asks_first=asks_first)
            reasons.append(why)
        elif asked and not answered:
            reasons.append(R.permission_before_collection(p.name, told, asks_first=asks_first))
        elif linked:
            reasons.append(R.referable_unconsented(p.name, tuple(sorted(q.items & p.all_items))))
        elif answered and "consent" not in exempted:
            exempted.append("consent")  # Art. 20(2)'s consent, and only that

    held = facts.held_items
    # Linkage happens when this acquisition first puts both kinds together for the person.
    if (
        not mixes_identifiers(policy, held)
        and mixes_identifiers(policy, held | q.items)
        and not any(p.links_identifiers for p in purposes)
    ):
        reasons.append(R.acquisition_linkage())
    if reasons:
        cited_special = asked_special if claimed is None else []
        cites = _cites(reasons, cited_special, clauses, owed)
        return Decision.deny(tuple(reasons), cites, **ctx)
    rests = resting_on(tuple(consents.values())) if consents else {}
    # No confirmation on receipt: the proviso, and the provision it names.
    unasked = () if lifted is None else (ART_30_1_PROVISO, lifted)
    if claimed is not None and exempted:
        return _exempted(q, claimed, exempted, unasked, rests, ctx)
    basis = Basis.CONSENT if consents else Basis.NOTIFIED_PURPOSE
    if lifted is not None and not consents:
        basis = Basis.EXEMPTION  # received unconfirmed on the claim, which the record keeps
    # Special care-required data acquired on the prior consent Art. 20(2) asks for, on the
    # person's consent to its provision (27(1)), or received in a succession, which needs
    # none (20(2)(viii)).
    received = (exemption_citation(Exemption.RECEIVED_UNDER_ARRANGEMENT, "acquisition"),)
    if inherited:
        special_cites: tuple[str, ...] = received
    elif on_consent and not consents:
        special_cites = (ART_20_2, ART_27_1)
    else:
        special_cites = (ART_20_2,)
    if lifted is not None:
        # The claim and its justification, kept in the audit event (R-USE-4).
        assert q.exemption is not None
        reason = R.received_unconfirmed(
            q.exemption.value, q.justification, lifted, q.purposes, bool(consents)
        )
    elif consents:
        reason = R.acquired_with_permission(q.purposes)
    elif special and on_consent:
        reason = R.acquired_on_provision_consent(q.purposes, tuple(special))
    else:
        reason = R.acquired(q.purposes)
    return Decision.allow(
        basis,
        reason,
        (ART_17_1, *special_cites, ART_21_1, *unasked, *clauses)
        if special
        else (ART_17_1, ART_21_1, *unasked, *clauses),
        **rests,
        **ctx,
    )


def _lifted(policy: Policy, q: AcquisitionQuery, lawful: Decision | None) -> str | None:
    """The provision Art. 30(1)'s proviso names that a claim standing in law says the data
    came by (:data:`UNCONFIRMED_RECEIPTS`), claimed with its justification, if the
    provider is not said to give it on another basis (``provider_basis``, or opt-out
    marked the older way); else None: the confirmation on receipt is owed (fail closed).
    An Art. 27(1) ground is an exemption, which lifts it only where the policy allows the
    claim (R-USE-5: a policy may allow fewer than the law); an entrustment, succession or
    joint use (Art. 27(5)) is none, and is not on that list."""
    if lawful is None or not lawful.allowed:
        return None
    if q.provider_basis is not None or q.provider_by_opt_out:
        return None
    assert q.exemption is not None
    if not (q.justification and q.justification.strip()):
        return None
    if q.exemption is not ARRANGEMENT and not _policy_allows(policy, q):
        return None
    return UNCONFIRMED_RECEIPTS.get(q.exemption)


def _policy_allows(policy: Policy, q: AcquisitionQuery) -> bool:
    assert q.exemption is not None
    return policy.exemption_allowed(q.exemption, "acquisition")


def _special_in(policy: Policy, purpose: Purpose, items: frozenset[str]) -> tuple[str, ...]:
    """The special care-required ``items`` ``purpose`` takes (Art. 20(2), R-ACQ-3)."""
    return tuple(sorted(i for i in items & purpose.all_items if policy.items[i].special_care))


def _about_the_provider(policy: Policy, q: AcquisitionQuery) -> list[Because]:
    """What the caller says of a provider, judged whatever the channel: a check without
    one, data said to come by ``other`` means or a succession hear it as a receipt does."""
    found: list[Because] = []
    if not q.provider_lawful:
        found.append(R.provider_improper())
    if q.provider_by_opt_out:
        # Art. 27(2) proviso: special care-required data is never provided by opt-out.
        special_by_opt_out = tuple(sorted(i for i in q.items if policy.items[i].special_care))
        if special_by_opt_out:
            found.append(R.provider_opt_out_special(special_by_opt_out))
    numbers = my_numbers(policy, q.items)
    opt_out = q.provider_by_opt_out or q.provider_basis is ReceiptBasis.OPT_OUT
    if numbers and (opt_out or q.provider_basis is ReceiptBasis.CONSENT):
        # My Number Act Art. 19 lists every case a number may be provided in: neither
        # the person's consent nor opt-out is one, and Art. 20 forbids collecting it.
        how = ReceiptBasis.OPT_OUT if opt_out else ReceiptBasis.CONSENT
        found.append(R.my_number_receipt(tuple(numbers), how.value))
    # A claim saying the provider gives the numbers on a ground Art. 19 does not list:
    # collecting them so is forbidden (Art. 20), confirmed or not.
    claim = q.exemption
    said_of_provider = q.channel in (Channel.PROVIDED_BY_BUSINESS, None)
    if numbers and said_of_provider and claim in UNCONFIRMED_RECEIPTS:
        assert claim is not None
        if claim not in MY_NUMBER_RECEIPTS:
            found.append(R.my_number_claim_receipt(tuple(numbers), claim.value))
    return found


def _not_shown(q: AcquisitionQuery) -> tuple[Because, ...]:
    """Art. 21(2): the purposes not shown before data handed over in writing. Neither a
    check without the channel nor ``other`` tells a form from a call: both fail closed
    (acquire always names the channel)."""
    if q.purpose_shown:
        return ()
    if q.channel in WRITTEN:
        return (R.purpose_not_shown(),)
    if q.channel is None:
        return (R.purpose_not_shown_channel_unnamed(),)
    if q.channel is Channel.OTHER:
        return (R.purpose_not_shown_channel_other(),)
    return ()


def _claim(
    policy: Policy,
    q: AcquisitionQuery,
    ctx: dict[str, Any],
    clauses: tuple[str, ...],
    *,
    by_policy: bool = True,
) -> Decision:
    """The claimed exemption on its own: allowed by the law and the policy (R-ACQ-3,
    R-USE-5; by the law alone with ``by_policy=False``), and fitting how the data came
    (:data:`_EXEMPTION_CHANNELS`)."""
    assert q.exemption is not None
    claimed = exemption_decision(
        policy,
        q.exemption,
        q.justification,
        "acquisition",
        ctx,
        provider=q.source or None,
        by_policy=by_policy,
    )
    fits = _EXEMPTION_CHANNELS.get(q.exemption)
    if claimed.allowed and fits is not None and q.channel not in fits:
        why = (
            R.exemption_channel_unnamed(q.exemption.value)
            if q.channel is None  # a check without the channel cannot tell: it fails closed
            else R.exemption_channel(q.exemption.value, q.channel.value)
        )
        cite = exemption_citation(q.exemption, "acquisition")
        return Decision.deny((why,), (cite, *clauses), **ctx)
    return claimed


def _exempted(
    q: AcquisitionQuery,
    claimed: Exemption,
    exempted: list[str],
    unasked: tuple[str, ...],
    rests: dict[str, Any],
    ctx: dict[str, Any],
) -> Decision:
    """The acquisition allowed on the claim, told for what it answered: acquired without
    consent (Art. 20(2)), or, urgent, without the purposes shown first (Art. 21(2)
    proviso; to be notified or published, 21(1)); ``unasked``: the confirmation on
    receipt not owed, cited after (Art. 30(1) proviso)."""
    cites: tuple[str, ...] = ()
    if exempted != ["purposes"]:
        cites = (exemption_citation(claimed, "acquisition"),)
    if "purposes" in exempted:
        cites = (*cites, ART_21_2_PROVISO, ART_21_1)
    cites = (*cites, *unasked)
    reason = (
        R.purpose_not_shown_urgent(str(q.justification))
        if exempted == ["purposes"]
        else R.exemption_claimed(claimed.value, q.justification, "acquisition")
    )
    return Decision.allow(Basis.EXEMPTION, reason, cites, **rests, **ctx)
