"""Use of personal data within or beyond its purposes (Arts. 17, 18; R-USE-*, R-SEC-1)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from pipolicy.domain.acquisitions import Channel
from pipolicy.domain.consents import Consent
from pipolicy.domain.decisions import Basis, Because, Decision, denial
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.facts import SubjectFacts, last_word_no, latest_no_to_purpose
from pipolicy.domain.restrictions import Restriction
from pipolicy.policy.model import ConsentRule, Policy, Purpose
from pipolicy.rules import reasons as R
from pipolicy.rules.acquisition import WRITTEN
from pipolicy.rules.common import (
    ART_17_1,
    ART_18_1,
    ART_21_1,
    ART_21_3,
    ART_22,
    ART_24,
    MY_NUMBER_ACT,
    Actor,
    blocking_restriction,
    change_in_effect,
    clause,
    covering,
    deciding_after_deletions,
    exemption_decision,
    held_for,
    kept_items,
    linkage_problem,
    my_number_use,
    notified_scope,
    purpose_consent,
    purpose_over,
    resting_on,
    restriction_citation,
    restriction_reason,
    unnotified_change,
)
from pipolicy.rules.retention import lapsed_reasons

__all__ = ["UseQuery", "decide_use", "within_purpose"]

ART_17_2 = "APPI Art. 17(2)"
ART_18_2 = "APPI Art. 18(2)"
MY_NUMBER_SCOPE = "My Number Act Art. 30(2)"
"""Reads APPI Art. 18 for Individual Numbers: no consent widens their purposes, and of
the exemptions of Art. 18(3) only the protection of life, body or property remains."""


@attrs.frozen
class UseQuery:
    purpose: str
    items: frozenset[str]
    actor: Actor | None = None
    exemption: Exemption | None = None
    justification: str | None = None


def decide_use(policy: Policy, facts: SubjectFacts, q: UseQuery, now: datetime) -> Decision:
    """May the subject's ``items`` be used for ``purpose`` by ``actor`` at ``now``?

    Names must already be known to the policy (the engine checks them). A consent given
    before a deletion the person asked for does not reach the items it erased, given
    again since (:func:`~pipolicy.rules.common.narrowed_by_deletions`, R-REQ-7).
    """
    return deciding_after_deletions(_decide_use, policy, facts, q, now)


def _decide_use(policy: Policy, facts: SubjectFacts, q: UseQuery, now: datetime) -> Decision:
    """:func:`decide_use` on facts as they are given."""
    purpose = policy.purposes[q.purpose]
    ctx: dict[str, Any] = {"action": "use", "purpose": q.purpose, "items": q.items}
    pclause = clause("purposes", q.purpose)

    if facts.restrictions:  # most people asked nothing of the business: nothing blocks
        exempt = q.exemption is not None and policy.exemption_allowed(q.exemption, "use")
        blocked = _blocked(facts, q.purpose, q.items, now, exempt=exempt)
        if blocked is not None:
            return denial((restriction_reason(blocked),), (restriction_citation(blocked),), ctx)

    if purpose.handlers:
        if q.actor is None:
            return denial((R.actor_required(q.purpose, purpose.handlers),), (ART_24, pclause), ctx)
        if not q.actor.may_handle(purpose):
            return denial((R.actor_not_authorised(q.actor.id, q.purpose),), (ART_24, pclause), ctx)

    missing = _missing(facts, q.items)
    if missing is not None:
        return denial((missing,), (ART_17_1,), ctx)
    number = my_number_use(policy, purpose, q.items)
    if number is not None and q.exemption is not Exemption.LIFE_BODY_PROPERTY:
        # My Number Act Art. 30(2) keeps only Art. 18(3)(ii) (life, body or property).
        return denial((number,), (MY_NUMBER_ACT, pclause), ctx)

    if q.exemption is not None and q.exemption is not Exemption.LIFE_BODY_PROPERTY:
        beyond = _numbers_beyond(policy, facts, purpose, q.items, now)
        if beyond:
            why = R.my_number_beyond(beyond, q.purpose, q.exemption.value)
            return denial((why,), (MY_NUMBER_SCOPE, pclause), ctx)
    if q.exemption is not None:
        # An exemption lifts the limit of the notified purposes (Art. 18(3)), not what the
        # policy declares the purpose handles, and for whom: an undeclared item or another
        # category's person is no use for this purpose at all (R-ACQ-2, R-USE-9).
        undeclared = _undeclared(q.purpose, purpose.all_items, q.items, ctx)
        if undeclared is not None:
            return undeclared
        if purpose.categories and facts.subject.category not in purpose.categories:
            return denial((_wrong_category(q.purpose, purpose),), (ART_18_1, pclause), ctx)
        return exemption_decision(policy, q.exemption, q.justification, "use", ctx)
    decision = within_purpose(policy, facts, q.purpose, q.items, now, ctx)
    if not decision.allowed:
        return decision
    # Past its retention the data is due for deletion (Art. 22): no purpose, notified or
    # consented to, uses it, except the one a legal duty still keeping it is declared for.
    # The last gate, so a denial on another ground keeps its reasons.
    lapsed = lapsed_reasons(policy, facts, q.items, now, purpose=q.purpose)
    if lapsed:
        return denial(lapsed, (ART_22,), ctx)
    return decision


def _blocked(
    facts: SubjectFacts, purpose: str, items: frozenset[str], now: datetime, *, exempt: bool
) -> Restriction | None:
    return blocking_restriction(
        facts.restrictions,
        "use",
        purpose,
        items,
        now,
        exempt=exempt,
        acquisitions=facts.acquisitions,
    )


def _numbers_beyond(
    policy: Policy, facts: SubjectFacts, purpose: Purpose, items: frozenset[str], now: datetime
) -> frozenset[str]:
    """The Individual Numbers among ``items`` not held for ``purpose`` as notified (or as
    the predecessor's purpose, Art. 18(2)): only Art. 18(3)(ii) reaches them (R-MYN-1)."""
    numbers = items & policy.my_number_items
    if not numbers:
        return numbers
    return numbers - notified_scope(policy, facts, purpose, now)


def _succeeded(facts: SubjectFacts, purpose: str, now: datetime) -> frozenset[str]:
    """Items received through a merger or business transfer for ``purpose``: usable
    within it without the person's consent (Art. 18(2)); not those a deletion took."""
    found: set[str] = set()
    for acq in facts.acquisitions:
        if acq.channel is Channel.SUCCESSION and purpose in acq.purposes:
            found |= kept_items(acq, facts.restrictions, now)
    return frozenset(found)


def _within(
    policy: Policy,
    facts: SubjectFacts,
    purpose: Purpose,
    items: frozenset[str],
    now: datetime,
    ctx: Mapping[str, Any],
) -> Decision:
    """Allowed within the purposes: those this business notified when it collected the
    data (Arts. 18(1), 21(1)), or, for data a merger or business transfer brought in,
    the predecessor's (Art. 18(2), R-USE-6), each named for the items resting on it."""
    pclause = clause("purposes", purpose.name)
    if not any(acq.channel is Channel.SUCCESSION for acq in facts.acquisitions):
        direct = items
    else:
        direct = items & notified_scope(policy, facts, purpose, now, inherited=False)
    if direct == items:
        return Decision.allow(
            Basis.NOTIFIED_PURPOSE,
            R.within_purpose(purpose.name),
            (ART_18_1, ART_21_1, pclause),
            **ctx,
        )
    if not direct:
        return Decision.allow(
            Basis.NOTIFIED_PURPOSE, R.succession_use(purpose.name), (ART_18_2, pclause), **ctx
        )
    (notified, on_notice), (inherited, on_succession) = (
        R.within_purpose(purpose.name),
        R.succession_use(purpose.name),
    )
    return Decision(
        True,
        Basis.NOTIFIED_PURPOSE,
        (notified, inherited),
        (ART_18_1, ART_18_2, ART_21_1, pclause),
        why=(on_notice, on_succession),
        **ctx,
    )


def _missing(facts: SubjectFacts, items: frozenset[str]) -> Because | None:
    missing = items - facts.held_items
    if missing:
        return R.items_not_acquired(missing)
    return None


def _undeclared(
    name: str, declared: frozenset[str], items: frozenset[str], ctx: Mapping[str, Any]
) -> Decision | None:
    outside = items - declared
    if not outside:
        return None
    return denial((R.items_not_declared(outside, name),), (ART_18_1, clause("purposes", name)), ctx)


def _wrong_category(name: str, purpose: Purpose) -> Because:
    return R.wrong_category(name, purpose.categories)


def within_purpose(
    policy: Policy,
    facts: SubjectFacts,
    name: str,
    items: frozenset[str],
    now: datetime,
    ctx: Mapping[str, Any],
) -> Decision:
    """Scope of use: declared items, notified purposes, categories, permission (Art. 18(1)).

    Provision asks this too: a basis for giving data to someone (Art. 27) never widens the
    purposes the data may be used for (Art. 18). Restrictions and held items are checked
    by each caller first (a suspension of use covers provision as well).
    """
    purpose = policy.purposes[name]
    pclause = clause("purposes", name)
    undeclared = _undeclared(name, purpose.all_items, items, ctx)
    if undeclared is not None:
        return undeclared
    over = purpose_over(policy, purpose, now)
    if over is not None:
        return denial((over,), (ART_18_1, pclause), ctx)
    unnotified = unnotified_change(policy, purpose, now)
    if unnotified is not None and not _told_at_collection(policy, facts, purpose, items, now):
        return denial((unnotified,), (ART_21_3, pclause), ctx)
    link = linkage_problem(policy, purpose, items)
    if link is not None:
        return denial((link,), (ART_17_1, ART_21_1, pclause), ctx)

    subject = facts.subject
    category_ok = not purpose.categories or subject.category in purpose.categories
    notified = notified_scope(policy, facts, purpose, now) if category_ok else frozenset()
    in_scope = category_ok and items <= notified
    numbers = (
        items & policy.my_number_items - notified
        if category_ok and policy.my_number_items
        else frozenset()
    )
    if numbers:
        # Consent never takes an Individual Number beyond the purposes notified for it
        # (My Number Act Art. 30(2) reads Art. 18(1) without it), nor a merger's (18(2)).
        why = R.my_number_beyond(numbers, name, "")
        return denial((why,), (MY_NUMBER_SCOPE, pclause), ctx)
    if in_scope and purpose.consent is ConsentRule.NONE:
        return _within(policy, facts, purpose, items, now, ctx)
    declined = None
    inherited = items & _succeeded(facts, name, now) if in_scope else frozenset()
    if inherited:
        # The predecessor's purpose stands in for the permission this purpose needs
        # (R-USE-7) only while the person has not told this business no to it: after a
        # refusal or withdrawal (R-CON-2), only their consent given again allows.
        declined = latest_no_to_purpose(facts.consents, name)
        if declined is None and inherited == items:
            return Decision.allow(
                Basis.BUSINESS_SUCCESSION,
                R.succession_use(name),
                (ART_18_2, pclause),
                **ctx,
            )
    consents = purpose_consent(policy, facts.consents, purpose, items, now)
    if inherited and declined is None and not consents:
        mixed = _inherited_and_consented(policy, facts, purpose, items, inherited, now, ctx)
        if mixed is not None:
            return mixed
    if consents:
        if not in_scope:
            said = R.prior_consent(name)
        elif _collected_since(facts, name, items, _latest(consents), now):
            said = R.permission_given(name)
        else:
            said = R.permission_given_later(name)
        return Decision.allow(
            Basis.CONSENT,
            said,
            (ART_18_1, pclause),
            **resting_on(consents),
            **ctx,
        )

    if not in_scope and purpose.consent is ConsentRule.NONE and items & notified:
        partly = _partly_consented(policy, facts, purpose, items, notified, now, ctx)
        if partly is not None:
            return partly

    if declined is not None:
        on = policy.local_date(declined.said_no_at).isoformat()
        why = R.succession_declined(name, on, declined.status.value)
        return denial((why,), (ART_18_1, pclause), ctx)
    reasons = []
    if not category_ok:
        reasons.append(_wrong_category(name, purpose))
    changed = None if in_scope else _changed(policy, facts, purpose, items, now)
    if changed is not None:
        # Notified and consented to before a change beyond relevance: for what the
        # purpose meant then, not for the new purpose (Art. 17(2), R-CON-3).
        reasons.append(changed)
        return denial(tuple(reasons), (ART_17_2, ART_18_1, pclause), ctx)
    if not in_scope:
        reasons.append(R.beyond_purpose(name))
    elif (no := last_word_no(facts.consents, name, items)) is not None:
        on = policy.local_date(no.said_no_at).isoformat()
        reasons.append(R.permission_declined(name, on, no.status.value))
    else:
        reasons.append(R.permission_needed(name))
    return denial(tuple(reasons), (ART_18_1, pclause), ctx)


def _told_at_collection(
    policy: Policy, facts: SubjectFacts, purpose: Purpose, items: frozenset[str], now: datetime
) -> bool:
    """Was each of ``items`` collected for ``purpose`` in writing (:data:`WRITTEN`) on
    or after the day of its latest change not yet notified or published, under this
    version of the policy? Then the notice shown before collection told the person what
    the purpose means now (Art. 21(2), which acquisition enforces; R-NTC-1), and the
    notice Art. 21(3) asks of a change is owed to the people whose data was held before
    it, not to them. Asked only while a change waits for its notice, so an allowed check
    never counts it.

    No other collection told them. By telephone or in person the purpose may be told
    after collection (Art. 21(1)), and the record does not keep whether it was; data
    from another business, or brought in by a merger (under the predecessor's notice),
    is told to the person by this business notifying or publishing its purpose (Art.
    21(1)), which for the changed purpose is the change's own notice (``notified``).
    Until that day such data waits with the data held before the change (fail closed).
    """
    today = policy.local_date(now)
    since = max(
        c.revised
        for c in purpose.changes
        if c.revised <= today and (c.notified is None or c.notified > today)
    )  # some change waits: unnotified_change found one
    told: set[str] = set()
    for acq in facts.acquisitions:
        if (
            purpose.name in acq.purposes
            and acq.channel in WRITTEN
            and acq.policy_version == policy.version
            and policy.local_date(acq.acquired_at) >= since
        ):
            told |= kept_items(acq, facts.restrictions, now)
    return items <= told


def _collected_since(
    facts: SubjectFacts, purpose: str, items: frozenset[str], since: datetime, now: datetime
) -> bool:
    """Was each of ``items`` collected for ``purpose`` at or after ``since`` (a consent's
    time), so the permission came before its collection? The latest of alike
    acquisitions, all the compiled state keeps, answers it as the history would."""
    later: set[str] = set()
    for acq in facts.acquisitions:
        if purpose in acq.purposes and acq.acquired_at >= since:
            later |= kept_items(acq, facts.restrictions, now)
    return items <= later


def _inherited_and_consented(
    policy: Policy,
    facts: SubjectFacts,
    purpose: Purpose,
    items: frozenset[str],
    inherited: frozenset[str],
    now: datetime,
    ctx: Mapping[str, Any],
) -> Decision | None:
    """Allowed if the items a merger or business transfer did not bring in are covered
    by the person's permission to the purpose: the inherited ones need none (Art. 18(2)),
    the others it (R-USE-7); items allowed alone on each are allowed together."""
    rest = items - inherited
    consents = purpose_consent(policy, facts.consents, purpose, rest, now)
    if not consents:
        return None
    if _collected_since(facts, purpose.name, rest, _latest(consents), now):
        given = R.permission_given(purpose.name)
    else:
        given = R.permission_given_later(purpose.name)
    (said, on_permission), (received, on_succession) = given, R.succession_use(purpose.name)
    return Decision(
        True,
        Basis.CONSENT,
        (said, received),
        (ART_18_1, ART_18_2, clause("purposes", purpose.name)),
        why=(on_permission, on_succession),
        **resting_on(consents),
        **ctx,
    )


def _partly_consented(
    policy: Policy,
    facts: SubjectFacts,
    purpose: Purpose,
    items: frozenset[str],
    notified: frozenset[str],
    now: datetime,
    ctx: Mapping[str, Any],
) -> Decision | None:
    """Allowed if the items the purpose was not notified for are covered by the person's
    prior consent to it: Art. 18(1) asks, of each item, for the one or the other, so
    items allowed alone on each are allowed together. Only for a purpose that needs no
    permission within it (R-USE-7 asks it for every item)."""
    rest = items - notified
    consents = purpose_consent(policy, facts.consents, purpose, rest, now)
    if not consents:
        return None
    known = _within(policy, facts, purpose, items & notified, now, ctx)
    return Decision.allow(
        Basis.CONSENT,
        R.partly_consented(purpose.name, rest),
        tuple(dict.fromkeys((ART_18_1, *known.citations))),
        **resting_on(consents),
        **ctx,
    )


def _changed(
    policy: Policy, facts: SubjectFacts, purpose: Purpose, items: frozenset[str], now: datetime
) -> Because | None:
    """Why ``items`` are out of ``purpose``'s scope, if a change beyond relevance took
    them out: they were acquired for it, or the person consented to it, before the change
    (R-CON-3). None when they were never in its scope, or the purpose never changed
    (:func:`change_in_effect` answers that at once)."""
    since = change_in_effect(policy, purpose, now)
    if since is None:
        return None
    before = held_for(facts, purpose.name, now)
    mine = (c for c in facts.consents if c.scope.purpose == purpose.name)
    consented = covering([c for c in mine if c.scope.recipient is None and c.is_active(now)], items)
    if items <= before or consented:
        return R.purpose_changed(purpose.name, since.isoformat())
    return None


def _latest(consents: tuple[Consent, ...]) -> datetime:
    """When the last of ``consents`` was given (most decisions rest on one)."""
    return consents[0].given_at if len(consents) == 1 else max(c.given_at for c in consents)
