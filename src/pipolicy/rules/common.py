"""Helpers shared by the rules: scope of use, consent lookup, restrictions, actors.

Why one module of this length (about 740 lines): every helper here is asked by more than
one rule module (use, provision, acquisition, and the requests' disclosure), and each
answers one question the law asks of a person's facts (what was notified, which consent
covers, what a deletion took, what stops a handling). Split by question, the rule
modules would import four small modules for one decision and the helpers would import
each other (a deletion narrows a consent, a consent's currency reads the purpose's
changes); kept together they read as the vocabulary the rules are written in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeAlias, TypeVar

import attrs

from pipolicy.domain import checks
from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus
from pipolicy.domain.decisions import Basis, Because, Decision, denial
from pipolicy.domain.exemptions import ACADEMIC, Exemption, applies, exemption_citation
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.restrictions import Restriction, RestrictionKind, lifted_requests
from pipolicy.policy.model import Policy, Purpose
from pipolicy.rules import reasons as R

ART_17_1 = "APPI Art. 17(1)"
ART_18_1 = "APPI Art. 18(1)"
ART_21_1 = "APPI Art. 21(1)"
ART_21_3 = "APPI Art. 21(3)"
ART_22 = "APPI Art. 22"
ART_24 = "APPI Art. 24"
ART_27_1 = "APPI Art. 27(1)"
ART_35 = "APPI Art. 35"
ART_31 = "APPI Art. 31"


def refused_under_art_27_1(citations: Collection[str]) -> bool:
    """Was a refused provision refused for want of a basis under Art. 27(1) (R-TPP-1)? Its
    decision cites the article, or, refused to a public authority asked on no exemption,
    the items of the article the policy would allow that recipient, with the recipient's
    clause. A claimed exemption that fails cites its own item and no recipient's clause."""
    return ART_27_1 in citations or (
        any(c.startswith(f"{ART_27_1}(") for c in citations)
        and any(c.startswith("policy:recipients.") for c in citations)
    )


@attrs.frozen
class Actor:
    """Who acts: a staff member or service id, with the roles they hold (R-SEC-1)."""

    id: str = attrs.field(validator=checks.a_name)
    roles: frozenset[str] = attrs.field(default=frozenset(), converter=checks.name_set)

    def may_handle(self, purpose: Purpose) -> bool:
        return (
            not purpose.handlers
            or self.id in purpose.handlers
            or bool(self.roles & purpose.handlers)
        )


def exemption_decision(
    policy: Policy,
    exemption: Exemption,
    justification: str | None,
    action: str,
    ctx: Mapping[str, Any],
    *,
    provider: str | None = None,
    by_policy: bool = True,
) -> Decision:
    """The decision on a claimed exemption: allowed with its article if the policy allows
    it (R-USE-5, R-TPP-2; a policy may allow fewer than the law), denied otherwise.
    ``by_policy=False`` judges the claim by the law and the facts alone: what it says of a
    provision to the business lifts a duty the law lifts, whatever the policy allows
    itself (the confirmation on receipt, Art. 30(1) proviso).

    An academic research item is also held to who must be the academic research
    institution (:meth:`Policy.academic_shortfall`): the recipient of a provision (in
    ``ctx``), the ``provider`` of an acquisition (its source), or for a use, a recipient
    declared for the purpose used for."""
    rule = {"provision": "R-TPP-2", "acquisition": "R-ACQ-3"}.get(action, "R-USE-5")
    if not applies(exemption, action):
        return Decision.deny(
            (R.exemption_not_in_law(exemption.value, action, rule),),
            (exemption_citation(exemption, action),),
            **ctx,
        )
    if by_policy and not policy.exemption_allowed(exemption, action):
        section = "provision.grounds" if action == "provision" else "use.exemptions"
        return Decision.deny(
            (R.exemption_not_allowed(exemption.value, action, rule),),
            (f"policy:{section}",),
            **ctx,
        )
    if exemption in ACADEMIC:
        other = provider if action == "acquisition" else ctx.get("recipient")
        purpose = ctx.get("purpose") if action == "use" else None
        shortfall = policy.academic_shortfall(exemption, other, action, purpose)
        if shortfall is not None:
            text = policy.academic_problem(exemption, other, action, purpose)
            assert text is not None
            named = purpose if shortfall == "no_academic_recipient" else None
            why = R.academic_not_met(shortfall, text, exemption.value, other, rule, named)
            return Decision.deny((why,), (exemption_citation(exemption, action),), **ctx)
    return Decision.allow(
        Basis.EXEMPTION,
        R.exemption_claimed(exemption.value, justification, action),
        (exemption_citation(exemption, action),),
        **ctx,
    )


def clause(section: str, name: str) -> str:
    return f"policy:{section}.{name}"


def _current(policy: Policy, purpose: Purpose, at: datetime, version: str, now: datetime) -> bool:
    """Was something dated ``at``, under policy ``version``, made under the purpose's
    meaning at ``now`` (R-CON-3)?

    A change takes effect from the start of its revision day in the policy's time zone:
    an acquisition or consent made that day under this version of the policy was made
    under the new meaning. One made under another version (an earlier one, whose notice
    still showed the old purpose, though the change is dated before it was replaced) was
    made under the new meaning only from the day the change was notified or published
    (Art. 21(3)): until then the person was told what the purpose meant before, and the
    data and the consent are judged by that (Arts. 17(2), 18(1)). A change dated later
    than ``now`` has not taken effect, so it voids nothing yet.
    """
    since = purpose.new_since
    if since is None:
        return True
    if since > policy.local_date(now):  # the latest change is ahead: one in effect is earlier
        since = change_in_effect(policy, purpose, now)
        if since is None:
            return True
    day = policy.local_date(at)
    if day < since:
        return False
    if version == policy.version:
        return True
    notices = [c.notified for c in purpose.changes if not c.related and c.revised == since]
    return None not in notices and day >= max(n for n in notices if n is not None)


def change_in_effect(policy: Policy, purpose: Purpose, now: datetime) -> date | None:
    """The day of the change beyond relevance in effect at ``now``, if any (R-CON-3)."""
    if not purpose.changes:
        return None
    today = policy.local_date(now)
    past = [c.revised for c in purpose.changes if not c.related and c.revised <= today]
    return max(past) if past else None


def unnotified_change(policy: Policy, purpose: Purpose, now: datetime) -> Because | None:
    """Why no use for ``purpose`` is allowed yet, if it changed (on or before today, in the
    policy's time zone) and the changed purpose has not been notified or published
    (Art. 21(3), R-USE-3): until then the people do not know what their data is for."""
    if not purpose.changes:
        return None
    today = policy.local_date(now)
    for change in purpose.changes:
        if change.revised <= today and (change.notified is None or change.notified > today):
            return R.purpose_change_unnotified(purpose.name, change.revised.isoformat())
    return None


def purpose_over(policy: Policy, purpose: Purpose, now: datetime) -> Because | None:
    """Why nothing is used, provided or collected for ``purpose`` any more, if its last
    day (``Purpose.ends``, a campaign) has passed in the policy's time zone: the data is
    no longer needed for it (Arts. 18(1), 22; R-ACC-1). An exemption, which lifts the
    limit of the purposes (Art. 18(3)), still reaches the data for use and provision,
    not for collecting more."""
    if purpose.ends is None or policy.local_date(now) <= purpose.ends:
        return None
    return R.purpose_ended(purpose.name, purpose.ends.isoformat())


MY_NUMBER_ACT = "My Number Act Art. 9"
MY_NUMBER_PROVISION = "My Number Act Art. 19"


def my_numbers(policy: Policy, items: frozenset[str]) -> list[str]:
    """The Individual Numbers among ``items`` (R-MYN-1)."""
    found = items & policy.my_number_items
    return sorted(found) if found else []


def my_number_use(policy: Policy, purpose: Purpose, items: frozenset[str]) -> Because | None:
    """Why ``items`` may not be handled for ``purpose``, if they hold Individual Numbers
    and the purpose is not one of the My Number Act's affairs: consent never makes up
    for it (My Number Act Arts. 9, 20; R-MYN-1)."""
    numbers = my_numbers(policy, items)
    if numbers and purpose.my_number_affairs is None:
        return R.my_number_use(tuple(numbers), purpose.name)
    return None


def in_force(policy: Policy, consent: Consent, now: datetime) -> bool:
    """Is ``consent`` active at ``now``, and given under the current meaning of its
    purpose, or for a recipient of every purpose the policy gives it data for (R-CON-3),
    so a decision may rest on it?"""
    if not consent.is_active(now):
        return False
    return all(
        _current(policy, policy.purposes[p], consent.given_at, consent.policy_version, now)
        for p in scope_purposes(policy, consent.scope)
        if p in policy.purposes
    )


def scope_purposes(policy: Policy, scope: ConsentScope) -> Iterable[str]:
    """The purposes a consent of ``scope`` reaches, which a change beyond relevance may
    void (R-CON-3): its own, or those its recipient receives data for (an unknown
    recipient, none). Callers keep those the policy declares."""
    if scope.purpose is not None:
        return (scope.purpose,)
    recipient = policy.recipients.get(scope.recipient or "")
    return recipient.purposes if recipient is not None else ()


def held_for(facts: SubjectFacts, purpose: str, now: datetime) -> frozenset[str]:
    """The person's items some acquisition for ``purpose`` keeps at ``now`` (no deletion
    took them), whatever meaning the purpose had then."""
    found: set[str] = set()
    for acq in facts.acquisitions:
        if purpose in acq.purposes:
            found |= kept_items(acq, facts.restrictions, now)
    return frozenset(found)


def notified_scope(
    policy: Policy,
    facts: SubjectFacts,
    purpose: Purpose,
    now: datetime,
    *,
    inherited: bool = True,
) -> frozenset[str]:
    """Items held for the subject whose notified purposes include ``purpose``. A
    deletion took what was acquired before it, with the purposes notified for it: an
    item acquired again serves only the purposes notified when it was (R-REQ-7).
    ``inherited=False`` leaves out data received through business succession, whose
    purposes are the predecessor's (Art. 18(2))."""
    found: set[str] = set()
    for acq in facts.acquisitions:
        if not inherited and acq.channel is Channel.SUCCESSION:
            continue
        if purpose.name in acq.purposes and _current(
            policy, purpose, acq.acquired_at, acq.policy_version, now
        ):
            found |= kept_items(acq, facts.restrictions, now)
    return frozenset(found)


def narrowed_by_deletions(policy: Policy, facts: SubjectFacts, now: datetime) -> SubjectFacts:
    """``facts`` with each consent given before a deletion the person asked for (in force
    at ``now``) no longer reaching the items that deletion erased (R-REQ-7, Art. 35).

    A deletion on request takes the data held when it was granted, and with it what was
    said about that data: the purposes notified (:func:`notified_scope`) and the
    consents to use it beyond them or to give it to a recipient. What the person gives
    again afterwards is new data, handled as notified anew; the person who asked to
    erase an item has not said that a consent given before reaches the item given again
    (fail closed: they are asked again). A deletion of everything withdraws the consents
    themselves (the request workflow). The items not erased stay covered; a no (refused,
    withdrawn) keeps its whole scope. An erasure the business made without a request
    (Art. 22) was not the person's word, and leaves their consents as they were.
    The facts come back unchanged (the same object) when no consent is narrowed."""
    deletions = _requested_deletions(facts.restrictions, now)
    if not deletions or not facts.consents:
        return facts
    kept: list[Consent] = []
    narrowed = False
    for c in facts.consents:
        cut = _cut(policy, c, deletions)
        if not cut:
            kept.append(c)
            continue
        narrowed = True
        left = _reach(policy, c) - cut
        if left:  # none left: the consent reaches nothing now
            kept.append(attrs.evolve(c, scope=attrs.evolve(c.scope, items=left)))
    if not narrowed:
        return facts
    return SubjectFacts(facts.subject, facts.acquisitions, tuple(kept), facts.restrictions)


def _requested_deletions(restrictions: Iterable[Restriction], now: datetime) -> list[Restriction]:
    """The deletions the person asked for (Art. 35, or a correction's deletion of
    contents, Art. 34) in force at ``now``."""
    return [
        r
        for r in restrictions
        if r.kind is RestrictionKind.DELETED and r.request_id is not None and r.since <= now
    ]


def outlived_consents(
    policy: Policy, consents: Iterable[Consent], restrictions: Iterable[Restriction], now: datetime
) -> frozenset[str]:
    """The ids of the given ``consents`` whose reach a later deletion on request narrowed
    (:func:`narrowed_by_deletions`): a new grant of the same scope is then not a retry,
    and replaces them."""
    deletions = _requested_deletions(restrictions, now)
    if not deletions:
        return frozenset()
    return frozenset(c.id for c in consents if _cut(policy, c, deletions))


def erased_since_yes(
    policy: Policy,
    scope: ConsentScope,
    given_at: datetime | None,
    restrictions: Iterable[Restriction],
    now: datetime,
) -> frozenset[str]:
    """The items of ``scope``'s reach that deletions on request in force at ``now``
    erased after a yes to it given at ``given_at``: what that yes no longer reaches
    (:func:`narrowed_by_deletions`). ``None`` is a day not known, which may be before
    any of them (fail closed: a yes an old file tells of gives back nothing erased)."""
    deletions = _requested_deletions(restrictions, now)
    if not deletions:
        return frozenset()
    every = scope.items or _every_item(policy, scope)
    return _erased_since(given_at, deletions, every)


def _cut(policy: Policy, consent: Consent, deletions: Iterable[Restriction]) -> frozenset[str]:
    """What ``deletions`` on request took from a given ``consent``'s reach (nothing from
    a no, which keeps its whole scope)."""
    if consent.status is not ConsentStatus.GIVEN:
        return frozenset()
    return _erased_since(consent.given_at, deletions, _reach(policy, consent))


def _reach(policy: Policy, consent: Consent) -> frozenset[str]:
    """The items ``consent`` covers: those its scope names, or all :func:`_every_item`."""
    return consent.scope.items or _every_item(policy, consent.scope)


def _erased_since(
    given_at: datetime | None, deletions: Iterable[Restriction], every: frozenset[str]
) -> frozenset[str]:
    """The items of ``every`` (what a consent covers) that deletions on request made
    after it was given (at ``given_at``; ``None``: perhaps before any) erased; a
    deletion naming no items erased them all."""
    cut: set[str] = set()
    for r in deletions:
        if given_at is None or given_at <= r.since:
            cut |= (r.items & every) if r.items else every
    return frozenset(cut)


def _every_item(policy: Policy, scope: ConsentScope) -> frozenset[str]:
    """What a consent scope naming no items covers: every item of its purpose, or every
    item the policy declares for a recipient (all it declares, for one naming none)."""
    if scope.purpose is not None:
        purpose = policy.purposes.get(scope.purpose)
        return purpose.all_items if purpose is not None else frozenset(policy.items)
    recipient = policy.recipients.get(scope.recipient or "")
    return (recipient.items if recipient is not None else frozenset()) or frozenset(policy.items)


def outlived(
    policy: Policy, decision: Decision, would: Decision, facts: SubjectFacts, now: datetime
) -> Decision:
    """``decision``, made on :func:`narrowed_by_deletions`'s facts, worded for the person
    when it is denied only because it would rest on consents given before a deletion
    they asked for (``would``: the decision on the facts as recorded): the consents
    no longer reach the items given again (R-REQ-7). It cites what the denial cites,
    and Art. 35. Else ``decision`` unchanged."""
    if decision.allowed or not would.allowed or would.consent_id is None:
        return decision
    deletions = _requested_deletions(facts.restrictions, now)
    resting = set(would.consent_ids)
    requests: set[str] = set()
    items: set[str] = set()
    named: ConsentScope | None = None  # the scope the reason names: the first cut
    for c in facts.consents:
        if c.id not in resting:
            continue
        every = _reach(policy, c)
        for r in deletions:
            reached = decision.items & _erased_since(c.given_at, (r,), every)
            if reached:
                assert r.request_id is not None  # a deletion on request
                requests.add(r.request_id)
                items |= reached
                named = named or c.scope
    if named is None:
        return decision
    why = R.consent_outlived(
        tuple(sorted(requests)),
        frozenset(items),
        named.purpose if named.recipient is None else None,
        named.recipient,
    )
    laws = [c for c in decision.citations if not c.startswith("policy:")]
    clauses = [c for c in decision.citations if c.startswith("policy:")]
    citations = tuple(dict.fromkeys((*laws, ART_35, *clauses)))
    context = {
        "action": decision.action,
        "purpose": decision.purpose,
        "recipient": decision.recipient,
        "items": decision.items,
    }
    return denial((why,), citations, context)


Q = TypeVar("Q")


def deciding_after_deletions(
    decide: Callable[[Policy, SubjectFacts, Q, datetime], Decision],
    policy: Policy,
    facts: SubjectFacts,
    q: Q,
    now: datetime,
) -> Decision:
    """``decide`` on facts whose consents reach no item a later deletion on request
    erased (:func:`narrowed_by_deletions`), its denial worded by :func:`outlived`. Most
    people asked for no deletion: they cost one test."""
    if not facts.restrictions:
        return decide(policy, facts, q, now)
    narrowed = narrowed_by_deletions(policy, facts, now)
    decision = decide(policy, narrowed, q, now)
    if narrowed is facts or decision.allowed:
        return decision
    return outlived(policy, decision, decide(policy, facts, q, now), facts, now)


def kept_items(
    acquisition: Acquisition, restrictions: Iterable[Restriction], now: datetime
) -> frozenset[str]:
    """The items of ``acquisition`` no deletion in force at ``now`` removed."""
    if not restrictions:
        return acquisition.items
    return acquisition.items - erased_items(acquisition, restrictions, now)


Consents: TypeAlias = tuple[Consent, ...]
"""The consents a decision rests on, the first named by ``consent_id``: one covering
every item where there is one, else several that each cover some (:func:`covering`);
empty when the items are not all covered."""


def purpose_consent(
    policy: Policy,
    consents: Iterable[Consent],
    purpose: Purpose,
    items: frozenset[str],
    now: datetime,
) -> Consents:
    """Active consents to ``purpose`` under its current meaning that cover ``items``
    (:func:`covering`; the loop written out: it is on the path of every check)."""
    name = purpose.name
    partial: list[Consent] | None = None  # made only when needed: most checks find one
    for c in consents:
        scope = c.scope
        if scope.purpose != name or scope.recipient is not None:
            continue
        if scope.covers_items(items):
            if c.is_active(now) and _current(policy, purpose, c.given_at, c.policy_version, now):
                return (c,)
        elif scope.items & items:
            partial = [c] if partial is None else [*partial, c]
    if partial is None:
        return ()
    return _together(
        partial,
        items,
        lambda c: c.is_active(now) and _current(policy, purpose, c.given_at, c.policy_version, now),
    )


def recipient_consent(
    policy: Policy,
    consents: Iterable[Consent],
    recipient: str,
    items: frozenset[str],
    purpose: str | None,
    now: datetime,
    *,
    also: Callable[[Consent], bool] | None = None,
) -> Consents:
    """Consents to provision of ``items`` to ``recipient`` a decision may rest on
    (:func:`covering`): active, and given under the current meaning of the ``purpose``
    the data is given for (the person agreed to what it meant then, R-CON-3); with no
    purpose named, of every purpose the recipient receives data for (:func:`in_force`).
    A change to another of the recipient's purposes leaves provision for this one alone.
    ``also``: a further test each must pass (the information on a foreign country, Art.
    28(2))."""
    meaning = policy.purposes.get(purpose) if purpose is not None else None
    partial: list[Consent] | None = None
    for c in consents:
        scope = c.scope
        if scope.recipient != recipient:
            continue
        if scope.covers_items(items):
            if _stands(policy, c, meaning, now) and (also is None or also(c)):
                return (c,)
        elif scope.items & items:
            partial = [c] if partial is None else [*partial, c]
    if partial is None:
        return ()
    return _together(
        partial, items, lambda c: _stands(policy, c, meaning, now) and (also is None or also(c))
    )


def _stands(policy: Policy, consent: Consent, meaning: Purpose | None, now: datetime) -> bool:
    """May a decision about data given for ``meaning`` rest on ``consent`` now?"""
    if meaning is None:
        return in_force(policy, consent, now)
    return consent.is_active(now) and _current(
        policy, meaning, consent.given_at, consent.policy_version, now
    )


def covering(
    consents: Iterable[Consent],
    items: frozenset[str],
    stands: Callable[[Consent], bool] = lambda _: True,
) -> Consents:
    """The consents among ``consents`` (of one purpose or recipient, in the order given)
    that pass ``stands`` (by default each does) and cover ``items``: the first that covers them all; else, in
    order, each that covers an item those before it did not, if together they cover
    every item. Arts. 18(1) and 27(1) ask the person's consent to each item's use or
    provision, not one consent to all: agreeing to the e-mail address, then the name,
    agrees to both. Empty if some item is not covered."""
    partial: list[Consent] = []
    for consent in consents:
        if consent.scope.covers_items(items):
            if stands(consent):
                return (consent,)
        elif consent.scope.items & items:
            partial.append(consent)
    return _together(partial, items, stands)


def _together(
    partial: list[Consent], items: frozenset[str], stands: Callable[[Consent], bool]
) -> Consents:
    """:func:`covering`'s second step: consents each covering some of ``items``."""
    chosen: list[Consent] = []
    covered: set[str] = set()
    for consent in partial:
        new = (consent.scope.items & items) - covered
        if new and stands(consent):
            chosen.append(consent)
            covered |= new
            if covered >= items:
                return tuple(chosen)
    return ()


def resting_on(found: Consents) -> dict[str, Any]:
    """A decision's ``consent_id`` and, when it rests on several, ``more_consent_ids``."""
    if len(found) == 1:
        return {"consent_id": found[0].id}
    return {"consent_id": found[0].id, "more_consent_ids": tuple(c.id for c in found[1:])}


def blocking_restriction(
    restrictions: Collection[Restriction],
    action: str,
    purpose: str | None,
    items: frozenset[str],
    now: datetime,
    *,
    exempt: bool = False,
    recipient: str | None = None,
    acquisitions: Iterable[Acquisition] = (),
) -> Restriction | None:
    """The first restriction that denies this action, if any (R-REQ-7).

    A suspension yields to a valid legal exemption (a court order still reaches data whose
    use the person had suspended), and ends once the person asked to resume (a lifted
    request); a deletion yields to nothing, as the data is gone. Both reach the data held
    when they were granted, not what the person gives again afterwards
    (:func:`given_again`).
    """
    lifted: frozenset[str] | None = None
    for r in restrictions:
        if r.kind is RestrictionKind.LIFTED:
            continue
        if exempt and r.kind is not RestrictionKind.DELETED:
            continue
        if not (r.since <= now and r.applies(action, purpose, items, recipient)):
            continue
        if r.kind is not RestrictionKind.DELETED and r.request_id is not None:
            if lifted is None:  # read once, and only when a suspension applies
                lifted = lifted_requests(restrictions, now)
            if r.request_id in lifted:
                continue
        affected = items & r.items if r.items else items
        if affected <= given_again(r, action, purpose, acquisitions, restrictions):
            continue
        return r
    return None


FROM_THE_PERSON = frozenset(
    {
        Channel.WEB,
        Channel.SOCIAL_MEDIA,
        Channel.EMAIL,
        Channel.MAIL,
        Channel.TELEPHONE,
        Channel.ORAL,
    }
)
"""The channels by which the person hands data over: a new acquisition through them is
the person's own later word. Data received from another business or through a merger
is not, and ``other`` cannot be shown to be (fail closed)."""


def given_again(
    r: Restriction,
    action: str,
    purpose: str | None,
    acquisitions: Iterable[Acquisition],
    restrictions: Collection[Restriction] = (),
) -> frozenset[str]:
    """The items acquired after ``r`` that it does not reach (R-REQ-7, Art. 35).

    A deletion granted on a request reaches the data held when it was granted. What the
    person gives again afterwards, with the purposes notified anew (Art. 21), is new
    data: it serves what it was notified for (the old notice went with the deleted data,
    :func:`kept_items`), and so do the items a deletion kept for a legal duty, their use
    suspended, when the person gives them again (a new order after the deletion), for a
    use (or entrustment) for a purpose notified for the new data. A suspension the
    person asked for as such (of use or of provision) is not lifted by handing data over
    again, nor by a new consent: the person ends it by asking to resume (a lifted
    request). Only data the person hands over counts (:data:`FROM_THE_PERSON`): the
    business cannot undo a restriction by obtaining the data again from another
    business. An erasure the business made itself (Art. 22, no request) reaches nothing
    acquired lawfully after it."""
    requested = r.request_id is not None
    if r.kind is not RestrictionKind.DELETED and (
        purpose is None
        or action not in ("use", "entrustment")
        or not _kept_by_a_deletion(r, restrictions)
    ):
        return frozenset()
    found: set[str] = set()
    for acq in acquisitions:
        if acq.acquired_at <= r.since:
            continue
        if requested and acq.channel not in FROM_THE_PERSON:
            continue
        if r.kind is not RestrictionKind.DELETED and purpose not in acq.purposes:
            continue
        found |= acq.items
    return frozenset(found)


def _kept_by_a_deletion(r: Restriction, restrictions: Collection[Restriction]) -> bool:
    """Is ``r`` a suspension of use a deletion left on the items it kept for a legal
    duty? A deletion request that erased something records a ``deleted`` restriction
    beside it; a suspension request never does. One that kept every item cannot be told
    from a suspension request here, and stays in force (fail closed)."""
    if r.kind is not RestrictionKind.SUSPEND_USE or r.request_id is None:
        return False
    return any(
        x.kind is RestrictionKind.DELETED and x.request_id == r.request_id for x in restrictions
    )


def erased_items(
    acquisition: Acquisition,
    restrictions: Iterable[Restriction],
    now: datetime,
    *,
    excluding: str | None = None,
) -> frozenset[str]:
    """Items of ``acquisition`` that a deletion in force at ``now`` removed (R-REQ-7).

    A deletion removes what was acquired up to it; an item acquired again afterwards (the
    person came back) is held anew. ``excluding`` ignores one request's own deletions.
    """
    gone: set[str] = set()
    for r in restrictions:
        if (
            r.kind is RestrictionKind.DELETED
            and r.since <= now
            and (excluding is None or r.request_id != excluding)
            and acquisition.acquired_at <= r.since
        ):
            gone |= r.items or acquisition.items
    return frozenset(gone & acquisition.items)


_RESTRICTED = {
    RestrictionKind.SUSPEND_USE: R.use_suspended,
    RestrictionKind.SUSPEND_PROVISION: R.provision_suspended,
    RestrictionKind.DELETED: R.deleted,
}


def _erased(r: Restriction) -> bool:
    """Is ``r`` an erasure the business made once the data was no longer needed (Art. 22,
    ``engine.record_erasure``), not a restriction granted on a request (Art. 35)?"""
    return r.kind is RestrictionKind.DELETED and r.request_id is None


def restriction_reason(r: Restriction) -> Because:
    if _erased(r):
        return R.erased()
    return _RESTRICTED[r.kind](r.request_id, r.recipients)


def restriction_citation(r: Restriction) -> str:
    """The article a denial for ``r`` rests on (see :func:`_erased`)."""
    return ART_22 if _erased(r) else ART_35


def mixes_identifiers(policy: Policy, items: frozenset[str]) -> bool:
    """Do ``items`` hold both identifiers that identify a person and ones that do not
    (personally referable information)? An item the policy does not declare (one a
    revision dropped, still held) counts as identifying: what it is cannot be known, and
    linking must not go unannounced for that (fail closed, R-PRI-1)."""
    identifying = bool(items & policy.identifying_items) or not policy.items.keys() >= items
    return identifying and bool(items & policy.referable_items)


def linkage_problem(policy: Policy, purpose: Purpose, items: frozenset[str]) -> Because | None:
    """R-PRI-1: combining identifiers that do not identify with ones that do needs notice."""
    if mixes_identifiers(policy, items) and not purpose.links_identifiers:
        return R.linkage_unannounced(purpose.name)
    return None
