"""Every reason the rules give, each built once: its English text and its :class:`Reason`.

A decision keeps its reasons in English (``Decision.reasons``, what the audit log holds)
and, one for one, as :class:`~pipolicy.domain.decisions.Reason` values (``Decision.why``)
that :func:`pipolicy.explain` words in Japanese or English through the macro of the same
key in ``<lang>/reasons.j2``. Each function here returns both from the same arguments, so
the two cannot say different things; the English text is exactly what the rules wrote
before reasons had keys, and the English template gives it back word for word (a test
holds them to it).

Parameters are strings or tuples of strings, cheap to build on every check; words are
chosen only when a reason is explained. A parameter's name says what it holds:
``purpose``/``purposes``, ``items``/``outside``/``special`` and
``recipient``/``recipients`` are names the policy declares (a template shows their
titles); dates are ISO strings; the rest are identifiers, counts or codes.

Why one module of this length (about 1,530 lines): it is a catalogue, one short function
per reason key (over a hundred) in the order the rules ask them, and it must be read whole
beside ``<lang>/reasons.j2``, whose macros it names one for one (a test holds the two
sets equal). Split by rule module (use, provision, acquisition), several reasons shared
between rules would need a home of their own and the one-to-one reading would be lost.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec

from pipolicy.domain.decisions import Because, Reason

__all__ = ["NAMED"]

NAMED = {
    "purpose": "purposes",
    "purposes": "purposes",
    "items": "items",
    "outside": "items",
    "special": "items",
    "pending": "items",
    "recipient": "recipients",
    "recipients": "recipients",
}
"""Parameters that hold names the policy declares, and the table of the policy each is
found in (``policy.purposes``...): :func:`pipolicy.explain` gives templates their titles."""

Param = str | tuple[str, ...]
Names = frozenset[str] | tuple[str, ...]
"""Names as the rules hold them (hashable: reasons are cached)."""

P = ParamSpec("P")


def _cached(build: Callable[P, Because]) -> Callable[P, Because]:
    """Build each reason once per set of arguments: a check then pays a dict lookup for
    its reason, not a text and a :class:`Reason` (whose parameters are read-only)."""
    return functools.lru_cache(maxsize=1024)(build)  # type: ignore[return-value]


def _because(text: str, key: str, rules: tuple[str, ...], **params: Param) -> Because:
    return text, Reason(key, params, rules)


def _names(names: Names) -> tuple[str, ...]:
    return tuple(sorted(names))


# -- exemptions (Arts. 18(3), 20(2), 27(1); R-USE-5, R-TPP-2, R-ACQ-3) -------------------


@_cached
def exemption_not_in_law(exemption: str, action: str, rule: str) -> Because:
    return _because(
        f"the law gives the exemption {exemption!r} for no {action} ({rule})",
        "exemption_not_in_law",
        (rule,),
        exemption=exemption,
        action=action,
        rule=rule,
    )


@_cached
def exemption_not_allowed(exemption: str, action: str, rule: str) -> Because:
    return _because(
        f"the policy does not allow the exemption {exemption!r} ({rule})",
        "exemption_not_allowed",
        (rule,),
        exemption=exemption,
        action=action,
        rule=rule,
    )


@_cached
def academic_not_met(
    problem: str,
    text: str,
    exemption: str,
    recipient: str | None,
    rule: str,
    purpose: str | None = None,
) -> Because:
    """``problem`` is :meth:`Policy.academic_shortfall`'s key, ``text`` the policy's
    English for it (:meth:`Policy.academic_problem`). ``recipient`` is the other party:
    the recipient of a provision, the provider of an acquisition (Art. 20(2)(vi));
    ``purpose`` the purpose of a use no academic research institution is declared to
    receive data for (Art. 18(3)(vi)), given only then."""
    return _because(
        f"academic research exemption not met: {text} ({rule})",
        "academic_not_met",
        (rule,),
        problem=problem,
        exemption=exemption,
        recipient="" if recipient is None else recipient,
        rule=rule,
        **({} if purpose is None else {"purpose": purpose}),
    )


@_cached
def exemption_claimed(exemption: str, justification: str | None, action: str) -> Because:
    return _because(
        f"exemption {exemption} claimed: {justification}",
        "exemption_claimed",
        (),
        exemption=exemption,
        justification=str(justification),
        action=action,
    )


# -- use within its purposes (Arts. 17, 18, 21, 24; R-USE-*, R-SEC-1, R-PRI-1) ---------


@_cached
def purpose_change_unnotified(purpose: str, revised: str) -> Because:
    return _because(
        f"purpose {purpose!r} changed on {revised} and the change has not been notified to "
        "the people or published yet (R-USE-3)",
        "purpose_change_unnotified",
        ("R-USE-3",),
        purpose=purpose,
        revised=revised,
    )


@_cached
def my_number_use(items: Names, purpose: str) -> Because:
    numbers = _names(items)
    return _because(
        f"{list(numbers)} are Individual Numbers, handled only for the affairs of the My "
        "Number Act (social security, tax, disaster response), not for "
        f"{purpose!r}, consent or not (R-MYN-1)",
        "my_number_use",
        ("R-MYN-1",),
        items=numbers,
        purpose=purpose,
    )


@_cached
def linkage_unannounced(purpose: str) -> Because:
    return _because(
        f"purpose {purpose!r} does not announce linking personally referable identifiers "
        "to identified data (R-PRI-1)",
        "linkage_unannounced",
        ("R-PRI-1",),
        purpose=purpose,
    )


@_cached
def actor_required(purpose: str, handlers: Names) -> Because:
    names = _names(handlers)
    return _because(
        f"purpose {purpose!r} is restricted to {list(names)}: pass actor=",
        "actor_required",
        (),
        purpose=purpose,
        handlers=names,
    )


@_cached
def actor_not_authorised(actor: str, purpose: str) -> Because:
    return _because(
        f"actor {actor!r} is not authorised for purpose {purpose!r} (R-SEC-1)",
        "actor_not_authorised",
        ("R-SEC-1",),
        actor=actor,
        purpose=purpose,
    )


@_cached
def items_not_acquired(items: Names) -> Because:
    names = _names(items)
    return _because(
        f"items not acquired for this person: {list(names)} (R-USE-1)",
        "items_not_acquired",
        ("R-USE-1",),
        items=names,
    )


@_cached
def items_not_declared(items: Names, purpose: str) -> Because:
    names = _names(items)
    return _because(
        f"items {list(names)} are not declared for purpose {purpose!r} (R-ACQ-2)",
        "items_not_declared",
        ("R-ACQ-2",),
        items=names,
        purpose=purpose,
    )


@_cached
def wrong_category(purpose: str, categories: Names) -> Because:
    names = _names(categories)
    return _because(
        f"purpose {purpose!r} is for {list(names)}, not this person's category (R-USE-9)",
        "wrong_category",
        ("R-USE-9",),
        purpose=purpose,
        categories=names,
    )


@_cached
def within_purpose(purpose: str) -> Because:
    return _because(f"within notified purpose {purpose!r}", "within_purpose", (), purpose=purpose)


@_cached
def succession_use(purpose: str) -> Because:
    return _because(
        f"received through business succession for purpose {purpose!r}, the "
        "predecessor's purpose (R-USE-6)",
        "succession_use",
        ("R-USE-6",),
        purpose=purpose,
    )


@_cached
def succession_declined(purpose: str, on: str, how: str) -> Because:
    said = "refused" if how == "refused" else "withdrew"
    return _because(
        f"the person {said} consent to purpose {purpose!r} on {on}: data received through "
        "business succession is not used for it on the predecessor's purpose: only a "
        "consent of the person in force allows it (R-USE-7, R-CON-2)",
        "succession_declined",
        ("R-USE-7", "R-CON-2"),
        purpose=purpose,
        on=on,
        how=how,
    )


@_cached
def permission_given(purpose: str) -> Because:
    return _because(
        f"permission given before collection (R-USE-7) for purpose {purpose!r}",
        "permission_given",
        ("R-USE-7",),
        purpose=purpose,
    )


@_cached
def permission_given_later(purpose: str) -> Because:
    """The permission in force came after the data was collected (the person withdrew
    the one it was collected on and gave it again): true of when it came."""
    return _because(
        f"permission given after collection (R-USE-7) for purpose {purpose!r}",
        "permission_given_later",
        ("R-USE-7",),
        purpose=purpose,
    )


@_cached
def permission_declined(purpose: str, on: str, how: str) -> Because:
    """A purpose that asks permission first, after the person withdrew or refused it
    (their latest word on it): said as it happened, not as a consent "not yet" given."""
    said = "refused" if how == "refused" else "withdrew"
    return _because(
        f"the person {said} consent to purpose {purpose!r} on {on}: the purpose needs the "
        "person's permission first (R-USE-7, R-CON-2)",
        "permission_declined",
        ("R-USE-7", "R-CON-2"),
        purpose=purpose,
        on=on,
        how=how,
    )


@_cached
def prior_consent(purpose: str) -> Because:
    return _because(f"prior consent for purpose {purpose!r}", "prior_consent", (), purpose=purpose)


@_cached
def partly_consented(purpose: str, items: Names) -> Because:
    """Some items within the purposes notified for them, the others (``items``) on the
    person's prior consent to ``purpose`` (Art. 18(1)): each item is used lawfully."""
    names = _names(items)
    return _because(
        f"items {list(names)} used for purpose {purpose!r} on the person's prior consent, "
        "the other items within the purposes notified for them",
        "partly_consented",
        (),
        purpose=purpose,
        items=names,
    )


@_cached
def permission_needed(purpose: str) -> Because:
    return _because(
        f"purpose {purpose!r} needs the person's permission first (R-USE-7)",
        "permission_needed",
        ("R-USE-7",),
        purpose=purpose,
    )


@_cached
def purpose_ended(purpose: str, last_day: str) -> Because:
    return _because(
        f"purpose {purpose!r} ended with its last day, {last_day}: data is no longer "
        "used, provided or collected for it (R-ACC-1)",
        "purpose_ended",
        ("R-ACC-1",),
        purpose=purpose,
        last_day=last_day,
    )


@_cached
def retention_passed(items: Names, since: str) -> Because:
    """``since``: the day the last acquisition keeping ``items`` fell due (Art. 22)."""
    names = _names(items)
    return _because(
        f"items {list(names)} are past the retention period the policy sets for them "
        f"(due for deletion since {since}): they are no longer used or provided (R-ACC-1)",
        "retention_passed",
        ("R-ACC-1",),
        items=names,
        since=since,
    )


@_cached
def legal_hold_only(items: Names, since: str) -> Because:
    names = _names(items)
    return _because(
        f"items {list(names)} are past their retention period (since {since}) and kept "
        "only under a legal retention duty: used or provided only for the purpose that "
        "declares the duty, or as the law requires (R-ACC-1)",
        "legal_hold_only",
        ("R-ACC-1",),
        items=names,
        since=since,
    )


@_cached
def purpose_changed(purpose: str, revised: str) -> Because:
    return _because(
        f"purpose {purpose!r} changed beyond reasonable relevance on {revised}: what was "
        "acquired or consented to for what it meant before does not cover the new purpose, "
        "and there is no consent to the new purpose (R-USE-4, R-CON-3)",
        "purpose_changed",
        ("R-USE-4", "R-CON-3"),
        purpose=purpose,
        revised=revised,
    )


@_cached
def beyond_purpose(purpose: str) -> Because:
    return _because(
        f"use beyond the notified purposes: {purpose!r} was not notified for these items "
        "and there is no prior consent (R-USE-4)",
        "beyond_purpose",
        ("R-USE-4",),
        purpose=purpose,
    )


# -- restrictions on request (Art. 35; R-REQ-7) -----------------------------------------


def _restricted(what: str, key: str, request_id: str | None, recipients: Names = ()) -> Because:
    names = _names(recipients)
    if names:
        what = f"{what} to {list(names)}"
    on = f" on request {request_id}" if request_id else ""
    return _because(
        f"{what}{on} (R-REQ-7)",
        key,
        ("R-REQ-7",),
        request=request_id or "",
        recipients=names,
    )


@_cached
def use_suspended(request_id: str | None, recipients: Names = ()) -> Because:
    return _restricted(
        "use of this person's data is suspended", "use_suspended", request_id, recipients
    )


@_cached
def provision_suspended(request_id: str | None, recipients: Names = ()) -> Because:
    return _restricted(
        "provision of this person's data is suspended",
        "provision_suspended",
        request_id,
        recipients,
    )


@_cached
def deleted(request_id: str | None, recipients: Names = ()) -> Because:
    return _restricted("this person's data was deleted", "deleted", request_id, recipients)


@_cached
def consent_outlived(
    requests: tuple[str, ...], items: Names, purpose: str | None, recipient: str | None
) -> Because:
    """The consent a decision would rest on (to ``purpose``, or to provision to
    ``recipient``) was given before the deletions ``requests`` erased ``items``: it does
    not reach them as the person gave them again since (R-REQ-7)."""
    names = _names(items)
    what = f"provision to {recipient!r}" if recipient is not None else f"purpose {purpose!r}"
    ids = ", ".join(requests)
    return _because(
        f"the person's consent to {what} was given before request {ids} deleted "
        f"{list(names)}: it does not reach them as given again since; a consent given "
        "since is needed (R-REQ-7)",
        "consent_outlived",
        ("R-REQ-7",),
        requests=requests,
        items=names,
        **({"recipient": recipient} if recipient is not None else {"purpose": str(purpose)}),
    )


@_cached
def erased() -> Because:
    """Data the business erased once no purpose needed it (Art. 22), not on a request."""
    return _because(
        "this person's data was erased once it was no longer needed (R-ACC-1)",
        "erased",
        ("R-ACC-1",),
    )


# -- provision (Arts. 25, 27, 28, 31; R-TPP-*, R-SEC-2, R-XB-1, R-PRI-1, R-MYN-1) --------


@_cached
def items_not_held(items: Names) -> Because:
    names = _names(items)
    return _because(
        f"items not acquired for this person: {list(names)}", "items_not_held", (), items=names
    )


@_cached
def provision_actor_required(recipient: str, purposes: Names, handlers: Names) -> Because:
    held, names = _names(purposes), _names(handlers)
    return _because(
        f"data held for {list(held)} is handled only by {list(names)}: pass actor= "
        f"to give it to {recipient!r} (R-SEC-1)",
        "provision_actor_required",
        ("R-SEC-1",),
        recipient=recipient,
        purposes=held,
        handlers=names,
    )


@_cached
def provision_actor_not_authorised(actor: str, recipient: str, purposes: Names) -> Because:
    held = _names(purposes)
    return _because(
        f"actor {actor!r} is not authorised for {list(held)}, so may not give their data "
        f"to {recipient!r} (R-SEC-1)",
        "provision_actor_not_authorised",
        ("R-SEC-1",),
        actor=actor,
        recipient=recipient,
        purposes=held,
    )


@_cached
def my_number_provision(items: Names) -> Because:
    numbers = _names(items)
    return _because(
        f"{list(numbers)} are Individual Numbers: given only to an entrustee for the "
        "affairs, a successor, or in the cases the My Number Act Art. 19 lists "
        "(claim the exemption with its reference), never on consent (R-MYN-1)",
        "my_number_provision",
        ("R-MYN-1",),
        items=numbers,
    )


@_cached
def exemption_channel(exemption: str, channel: str) -> Because:
    """An exemption about where special care-required data came from, claimed for data
    that came otherwise: the text says what this one covers, not what the others do."""
    return _because(
        f"the exemption {exemption!r} covers only {_SOURCES.get(exemption, exemption)}, and "
        f"data acquired by {channel} is not that: the person's prior consent is needed "
        "(R-ACQ-3)",
        "exemption_channel",
        ("R-ACQ-3",),
        exemption=exemption,
        channel=channel,
    )


_SOURCES = {
    "made_public": "data made public by the person, a state organ, a local government, "
    "an academic research institution or the press",
    "observed": "data acquired by seeing or photographing the person's appearance",
    "received_under_arrangement": "data received from another business under "
    "entrustment, business succession or joint use",
    "academic_joint_research": "data provided by the academic research institution "
    "researching jointly with the business",
}
"""What each exemption about the source of special care-required data covers (Art.
20(2)(vi)-(viii), Cabinet Order Art. 9)."""


@_cached
def exemption_channel_unnamed(exemption: str) -> Because:
    return _because(
        f"the exemption {exemption!r} depends on how the data came to the business: name "
        "the channel (R-ACQ-3)",
        "exemption_channel_unnamed",
        ("R-ACQ-3",),
        exemption=exemption,
    )


@_cached
def exemption_foreign(exemption: str, recipient: str, country: str) -> Because:
    return _because(
        f"the exemption {exemption!r} covers Japan's laws and Japan's state and local "
        f"bodies only; {recipient!r} is in {country}, and a foreign law or authority "
        "is no ground under Art. 27(1) (R-TPP-2)",
        "exemption_foreign",
        ("R-TPP-2",),
        exemption=exemption,
        recipient=recipient,
        country=country,
    )


_AUTHORITY_CASES = {
    "laws_and_regulations": "as the law requires, an order or request under it included",
    "life_body_property": "to protect life, body or property",
    "public_health_children": "for public health or children",
    "state_cooperation": "to cooperate with its duties under the law",
    "academic_publication": "where unavoidable for us, as an academic research institution, "
    "to publish or teach research results",
    "academic_joint_research": "for academic research we, as an academic research "
    "institution, conduct jointly with it",
    "academic_recipient": "for its own academic research, as an academic research institution",
}
"""Each case of Art. 27(1) a public authority may receive data in, as its reason words it."""


@_cached
def public_authority(recipient: str, cases: tuple[str, ...]) -> Because:
    """``cases``: the exemptions of Art. 27(1) the policy would let ``recipient`` receive
    data on (allowed, possible for it), in the law's order: the reason promises no other."""
    if cases:
        text = (
            f"{recipient!r} is a public authority: this policy gives it data only in a case "
            f"of Art. 27(1) ({'; '.join(_AUTHORITY_CASES[c] for c in cases)}), not on "
            "consent; claim the exemption with its reference (R-TPP-2)"
        )
    else:
        text = (
            f"{recipient!r} is a public authority: it receives data only in a case of "
            "Art. 27(1), not on consent, and this policy allows it none of them (R-TPP-2)"
        )
    return _because(text, "public_authority", ("R-TPP-2",), recipient=recipient, cases=cases)


@_cached
def statistics_recipient(recipient: str) -> Because:
    return _because(
        f"{recipient!r} receives only statistics that identify no one: give it an "
        "aggregate (engine.provide_statistics), never personal data (R-TPP-6)",
        "statistics_recipient",
        ("R-TPP-6",),
        recipient=recipient,
    )


@_cached
def succession_provision(recipient: str) -> Because:
    return _because(
        f"business succession to {recipient!r}",
        "succession_provision",
        (),
        recipient=recipient,
    )


@_cached
def succession_scope_only(recipient: str, purposes: Names, items: Names, outside: Names) -> Because:
    what = " and ".join(
        f"{label} {list(_names(names))}"
        for label, names in (("purposes", purposes), ("items", items))
        if names
    )
    beyond = f", not {list(_names(outside))}" if outside else ""
    return _because(
        f"the succession to {recipient!r} takes over only {what}{beyond}: data outside "
        "them is not provided in connection with it (R-TPP-4)",
        "succession_scope_only",
        ("R-TPP-4",),
        recipient=recipient,
        purposes=_names(purposes),
        items=_names(items),
        outside=_names(outside),
    )


@_cached
def no_succession_ground() -> Because:
    return _because(
        "the policy does not provide for business succession", "no_succession_ground", ()
    )


@_cached
def no_valid_contract(recipient: str, date: str) -> Because:
    return _because(
        f"no valid entrustment contract with {recipient!r} on {date} (R-SEC-2)",
        "no_valid_contract",
        ("R-SEC-2",),
        recipient=recipient,
        date=date,
    )


@_cached
def contract_lacks_duties(recipient: str, duties: tuple[str, ...]) -> Because:
    return _because(
        f"the contract with {recipient!r} does not bind {', '.join(duties)} (R-SEC-2)",
        "contract_lacks_duties",
        ("R-SEC-2",),
        recipient=recipient,
        duties=duties,
    )


@_cached
def entrustment(recipient: str, purpose: str) -> Because:
    return _because(
        f"entrustment to {recipient!r} within purpose {purpose!r} under contract",
        "entrustment",
        (),
        recipient=recipient,
        purpose=purpose,
    )


@_cached
def no_entrustment_ground() -> Because:
    return _because("the policy does not provide for entrustment", "no_entrustment_ground", ())


@_cached
def entrustment_purposes_only(recipient: str, purposes: Names) -> Because:
    names = _names(purposes)
    return _because(
        f"entrustment to {recipient!r} serves only {list(names)}: "
        "name one of them as purpose= (R-TPP-3)",
        "entrustment_purposes_only",
        ("R-TPP-3",),
        recipient=recipient,
        purposes=names,
    )


@_cached
def entrustment_items_only(recipient: str, items: Names, outside: Names) -> Because:
    allowed, beyond = _names(items), _names(outside)
    return _because(
        f"the contract with {recipient!r} allows only {list(allowed)}, "
        f"not {list(beyond)} (R-TPP-3)",
        "entrustment_items_only",
        ("R-TPP-3",),
        recipient=recipient,
        items=allowed,
        outside=beyond,
    )


@_cached
def joint_use(joint_use: str, published: str, recipient: str) -> Because:
    return _because(
        f"joint use {joint_use!r} announced on {published}",
        "joint_use",
        (),
        joint_use=joint_use,
        published=published,
        recipient=recipient,
    )


@_cached
def no_joint_use_ground() -> Because:
    return _because("the policy does not provide for joint use", "no_joint_use_ground", ())


@_cached
def joint_use_unpublished(joint_use: str) -> Because:
    return _because(
        f"joint use {joint_use!r} was not made known to the people (notified, or put where "
        "they could easily know it) before this provision (R-TPP-5)",
        "joint_use_unpublished",
        ("R-TPP-5",),
        joint_use=joint_use,
    )


_CHANGED = {"purposes": "the purposes", "manager": "the person responsible"}


@_cached
def joint_use_change_unannounced(joint_use: str, what: str, revised: str) -> Because:
    return _because(
        f"the change of {_CHANGED[what]} of joint use {joint_use!r} made on {revised} was not "
        "made known in advance of this provision (R-TPP-5, APPI Art. 27(6))",
        "joint_use_change_unannounced",
        ("R-TPP-5",),
        joint_use=joint_use,
        what=what,
        revised=revised,
    )


@_cached
def joint_use_purposes_only(joint_use: str, purposes: Names) -> Because:
    names = _names(purposes)
    return _because(
        f"joint use {joint_use!r} covers only purposes {list(names)} (R-TPP-5)",
        "joint_use_purposes_only",
        ("R-TPP-5",),
        joint_use=joint_use,
        purposes=names,
    )


@_cached
def joint_use_items_only(joint_use: str, items: Names) -> Because:
    names = _names(items)
    return _because(
        f"joint use {joint_use!r} covers only items {list(names)} (R-TPP-5)",
        "joint_use_items_only",
        ("R-TPP-5",),
        joint_use=joint_use,
        items=names,
    )


@_cached
def purpose_not_for_recipient(purpose: str, recipient: str) -> Because:
    return _because(
        f"{purpose!r} is not a purpose for which {recipient!r} receives data (R-TPP-1)",
        "purpose_not_for_recipient",
        ("R-TPP-1",),
        purpose=purpose,
        recipient=recipient,
    )


@_cached
def recipient_items_only(recipient: str, items: Names) -> Because:
    names = _names(items)
    return _because(
        f"{recipient!r} may receive only {list(names)} (R-TPP-1)",
        "recipient_items_only",
        ("R-TPP-1",),
        recipient=recipient,
        items=names,
    )


@_cached
def no_provision_consent(recipient: str) -> Because:
    return _because(
        f"no prior consent of the person to provision to {recipient!r} (R-TPP-1)",
        "no_provision_consent",
        ("R-TPP-1",),
        recipient=recipient,
    )


@_cached
def provision_declined(recipient: str, on: str, how: str) -> Because:
    """The person refused or withdrew consent to provision to ``recipient`` (their latest
    word on the items): said as it happened, not as a consent never given (R-CON-2)."""
    said = "refused" if how == "refused" else "withdrew"
    return _because(
        f"the person {said} consent to provision to {recipient!r} on {on}: provision "
        "needs the person's prior consent (R-TPP-1, R-CON-2)",
        "provision_declined",
        ("R-TPP-1", "R-CON-2"),
        recipient=recipient,
        on=on,
        how=how,
    )


@_cached
def provision_consent_items(recipient: str, items: Names) -> Because:
    """The person consented to giving ``recipient`` some of the items, not ``items``:
    "no prior consent" would read false to them (Art. 27(1) asks it item by item)."""
    names = _names(items)
    return _because(
        f"the person's prior consent to provision to {recipient!r} does not cover "
        f"{list(names)} (R-TPP-1)",
        "provision_consent_items",
        ("R-TPP-1",),
        recipient=recipient,
        items=names,
    )


@_cached
def provision_consent_changed(recipient: str, purpose: str, revised: str) -> Because:
    return _because(
        f"the consent to provision to {recipient!r} was given for what purpose {purpose!r} "
        f"meant before it changed beyond reasonable relevance on {revised}: it does not "
        "cover provision for the new purpose, and there is no consent to the new purpose "
        "(R-TPP-1, R-CON-3)",
        "provision_consent_changed",
        ("R-TPP-1", "R-CON-3"),
        recipient=recipient,
        purpose=purpose,
        revised=revised,
    )


@_cached
def provision_consent(recipient: str, purpose: str) -> Because:
    return _because(
        f"prior consent to provision to {recipient!r} for purpose {purpose!r}",
        "provision_consent",
        (),
        recipient=recipient,
        purpose=purpose,
    )


@_cached
def no_consent_ground() -> Because:
    return _because(
        "the policy does not provide for provision on consent (R-TPP-1)",
        "no_consent_ground",
        ("R-TPP-1",),
    )


@_cached
def purpose_needed(recipient: str) -> Because:
    return _because(
        f"name the purpose {recipient!r} receives the data for with purpose=: "
        "provision never widens the purposes of use (R-TPP-1)",
        "purpose_needed",
        ("R-TPP-1",),
        recipient=recipient,
    )


@_cached
def not_usable(purpose: str, recipient: str, rule: str) -> Because:
    return _because(
        f"the data may not be used for {purpose!r}, so it may not be given to "
        f"{recipient!r} for it: provision never widens the purposes of use ({rule})",
        "not_usable",
        (rule,),
        purpose=purpose,
        recipient=recipient,
        rule=rule,
    )


def _abroad(recipient: str, country: str, missing: str, key: str) -> Because:
    return _because(
        f"{recipient!r} is in {country}: provision abroad needs the "
        f"person's prior consent, given after being shown that country's system and "
        f"the recipient's measures; {missing} (R-XB-1)",
        key,
        ("R-XB-1",),
        recipient=recipient,
        country=country,
    )


@_cached
def foreign_no_consent(recipient: str, country: str) -> Because:
    return _abroad(recipient, country, "no prior consent of the person", "foreign_no_consent")


@_cached
def foreign_info_missing(recipient: str, country: str) -> Because:
    return _abroad(
        recipient,
        country,
        "the consent was not given with the information Art. 28(2) requires "
        "(evidence.foreign_info)",
        "foreign_info_missing",
    )


@_cached
def foreign_info_other_country(recipient: str, country: str, shown: str) -> Because:
    return _because(
        f"{recipient!r} is in {country}: provision abroad needs the person's prior "
        "consent, given after being shown that country's system and the recipient's "
        f"measures; the consent was given with the information on {shown}, not on "
        f"{country} (R-XB-1)",
        "foreign_info_other_country",
        ("R-XB-1",),
        recipient=recipient,
        country=country,
        shown=shown,
    )


@_cached
def foreign_info_no_country(recipient: str, country: str) -> Because:
    return _abroad(
        recipient,
        country,
        "the consent was given with foreign information, but its record names no country "
        f"that information was about, so it is not taken to be about {country}",
        "foreign_info_no_country",
    )


@_cached
def foreign_consent(recipient: str, country: str) -> Because:
    return _because(
        f"prior consent to provision to {recipient!r} in {country}, given with "
        "the information on its country's system (R-XB-1)",
        "foreign_consent",
        ("R-XB-1",),
        recipient=recipient,
        country=country,
    )


@_cached
def opt_out_not_started(recipient: str, start: str) -> Because:
    return _because(
        f"opt-out provision to {recipient!r} starts on {start}, once the PPC filing "
        "is done and people have had the waiting period after the notice to ask to "
        "stop it (R-TPP-8)",
        "opt_out_not_started",
        ("R-TPP-8",),
        recipient=recipient,
        start=start,
    )


def _opt_out_change(
    recipient: str, revised: str, items: tuple[str, ...], fields: tuple[str, ...]
) -> tuple[str, str]:
    """How the two change reasons name a change to an opt-out, and what it keeps from
    being provided: its added items, or everything where it replaced a text in force."""
    made = [f"adding {list(items)}"] if items else []
    made += [f"changing {', '.join(fields)}"] if fields else []
    held = "nothing is provided to it" if fields else f"{list(items)} are not provided"
    change = f"the change of {revised} to opt-out provision to {recipient!r} ({'; '.join(made)})"
    return change, held


@_cached
def opt_out_change_not_started(
    recipient: str, revised: str, items: Names, fields: tuple[str, ...], start: str
) -> Because:
    """A change to an opt-out (Art. 27(3)) counts from ``start``, by the opt-out's own
    rule: ``items`` it added are not provided before, nor, where it replaced ``fields``
    (how the data is provided...) from its day, anything."""
    names = _names(items)
    change, held = _opt_out_change(recipient, revised, names, fields)
    return _because(
        f"{change} counts from {start}, once it is filed with the PPC and people have had "
        f"the waiting period after its notice to ask to stop it: until then {held} by "
        "opt-out (Art. 27(3), R-TPP-8)",
        "opt_out_change_not_started",
        ("R-TPP-8",),
        recipient=recipient,
        revised=revised,
        items=names,
        fields=fields,
        start=start,
    )


@_cached
def opt_out_change_undated(
    recipient: str, revised: str, items: Names, fields: tuple[str, ...], missing: tuple[str, ...]
) -> Because:
    """A change to an opt-out the policy gives no ``missing`` date for (``notified``,
    ``filed``): never counted (fail closed); the reason says what to add."""
    names = _names(items)
    change, held = _opt_out_change(recipient, revised, names, fields)
    return _because(
        f"{change} has no {' or '.join(missing)} date: until it is notified to the people "
        f"and filed with the PPC in advance, {held} by opt-out; add {' and '.join(missing)} "
        "to the change in the policy (Art. 27(3), R-TPP-8)",
        "opt_out_change_undated",
        ("R-TPP-8",),
        recipient=recipient,
        revised=revised,
        items=names,
        fields=fields,
        missing=missing,
    )


@_cached
def opt_out_declined(recipient: str, on: str, how: str) -> Because:
    said = "refused" if how == "refused" else "withdrew"
    return _because(
        f"the person {said} consent to provision to {recipient!r} on {on}: no provision "
        "to it by opt-out (Art. 27(2), R-TPP-8)",
        "opt_out_declined",
        ("R-TPP-8",),
        recipient=recipient,
        on=on,
        how=how,
    )


@_cached
def opt_out_items_only(items: Names, recipient: str, pending: Names = ()) -> Because:
    """``items``: those provided by opt-out on the day asked (:meth:`OptOut.in_force`);
    ``pending``: those announced but not provided yet (before the start, or a change's)."""
    names, later = _names(items), _names(pending)
    now = f"only {list(names)} are" if names else "nothing is"
    yet = f"; {list(later)} are announced but not provided yet" if later else ""
    return _because(
        f"{now} provided to {recipient!r} by opt-out on this day{yet} (R-TPP-8)",
        "opt_out_items_only",
        ("R-TPP-8",),
        items=names,
        recipient=recipient,
        pending=later,
    )


@_cached
def opt_out_ended(recipient: str, on: str) -> Because:
    return _because(
        f"provision to {recipient!r} by opt-out ended on {on}: nothing is provided to it "
        "by opt-out from that day (Art. 27(3), R-TPP-8)",
        "opt_out_ended",
        ("R-TPP-8",),
        recipient=recipient,
        on=on,
    )


@_cached
def opt_out_received(items: Names) -> Because:
    names = _names(items)
    return _because(
        f"{list(names)} were themselves received by opt-out: never "
        "provided by opt-out again (Art. 27(2) proviso, R-TPP-8)",
        "opt_out_received",
        ("R-TPP-8",),
        items=names,
    )


@_cached
def opt_out_basis_unknown(items: Names) -> Because:
    """``items`` were received from another business whose record of receipt does not say
    on what basis it gave them: they may have been given by opt-out, so they are not
    provided by opt-out (fail closed). Says how the basis is recorded."""
    names = _names(items)
    return _because(
        f"{list(names)} were received from another business without the basis of receipt "
        "recorded: they may have been received by opt-out, so they are not provided by "
        "opt-out; record on each receipt whether the provider gave them on the person's "
        "consent or by opt-out (acquire(..., provider_basis='consent' or 'opt_out')) "
        "(Art. 27(2) proviso, R-TPP-8)",
        "opt_out_basis_unknown",
        ("R-TPP-8",),
        items=names,
    )


@_cached
def opt_out(recipient: str) -> Because:
    return _because(
        f"opt-out provision to {recipient!r}, announced and filed with the PPC; it is "
        "stopped at the person's request (R-TPP-8)",
        "opt_out",
        ("R-TPP-8",),
        recipient=recipient,
    )


@_cached
def referable_unlinked(recipient: str) -> Because:
    return _because(
        f"personally referable information to {recipient!r}, which is not expected to "
        "link it to identify the person: no consent or record is needed (R-PRI-1)",
        "referable_unlinked",
        ("R-PRI-1",),
        recipient=recipient,
    )


@_cached
def referable_unconfirmed(recipient: str) -> Because:
    return _because(
        f"{recipient!r} is expected to link these identifiers to identify the "
        "person: confirm that it obtained the person's consent first, and record the "
        "confirmation as a consent to the recipient (R-PRI-1)",
        "referable_unconfirmed",
        ("R-PRI-1",),
        recipient=recipient,
    )


@_cached
def referable_foreign_unconfirmed(recipient: str, country: str) -> Because:
    return _because(
        f"{recipient!r} is in {country} and is expected to link these identifiers to "
        "identify the person: confirm that it obtained the person's consent, given after "
        "the person was shown that country's system and the recipient's measures, and "
        "record the confirmation as a consent to the recipient with evidence.foreign_info "
        "(R-PRI-1, R-XB-1)",
        "referable_foreign_unconfirmed",
        ("R-PRI-1", "R-XB-1"),
        recipient=recipient,
        country=country,
    )


@_cached
def referable_confirmed(recipient: str) -> Because:
    return _because(
        f"{recipient!r} obtained the person's consent, as confirmed; the provision is "
        "recorded (R-PRI-1)",
        "referable_confirmed",
        ("R-PRI-1",),
        recipient=recipient,
    )


# -- acquisition (Arts. 17, 20, 21, 30; R-ACQ-*, R-NTC-1, R-USE-7, R-USE-9, R-PRI-1) ----


@_cached
def acquisition_items_undeclared(items: Names, purposes: Names) -> Because:
    names = _names(items)
    return _because(
        f"items {list(names)} are not declared for these purposes (R-ACQ-2)",
        "acquisition_items_undeclared",
        ("R-ACQ-2",),
        items=names,
        purposes=_names(purposes),
    )


@_cached
def optional_items(items: Names) -> Because:
    names = _names(items)
    return _because(
        f"optional items {list(names)} need the person's opt-in (R-ACQ-2)",
        "optional_items",
        ("R-ACQ-2",),
        items=names,
    )


@_cached
def acquisition_wrong_category(purpose: str) -> Because:
    return _because(
        f"purpose {purpose!r} is not for this person's category (R-USE-9)",
        "acquisition_wrong_category",
        ("R-USE-9",),
        purpose=purpose,
    )


@_cached
def provider_unconfirmed() -> Because:
    return _because(
        "data from another business is received only after confirming the provider's "
        "name and address, its representative unless it is an individual, and, but for "
        "personally referable information, how it obtained the data (R-ACQ-4)",
        "provider_unconfirmed",
        ("R-ACQ-4",),
    )


@_cached
def provider_improper() -> Because:
    return _because(
        "the provider obtained the data by improper means: it is not received "
        "(Art. 20(1), R-ACQ-4)",
        "provider_improper",
        ("R-ACQ-4",),
    )


@_cached
def provider_opt_out_special(items: Names) -> Because:
    """Special care-required data a provider gives by opt-out, which Art. 27(2)'s proviso
    forbids: receiving it knowing that is acquiring it by improper means (Art. 20(1))."""
    names = _names(items)
    return _because(
        f"special care-required items {list(names)} are never provided by opt-out (Art. "
        "27(2) proviso): they are not received (Art. 20(1), R-ACQ-4)",
        "provider_opt_out_special",
        ("R-ACQ-4",),
        items=names,
    )


@_cached
def purpose_not_shown() -> Because:
    return _because(
        "the purposes of use must be shown to the person before they hand over their "
        "data in writing (R-NTC-1)",
        "purpose_not_shown",
        ("R-NTC-1",),
    )


@_cached
def purpose_not_shown_channel_unnamed() -> Because:
    return _because(
        "the purposes of use were not shown first: data handed over in writing is then "
        "refused, so name the channel (R-NTC-1)",
        "purpose_not_shown_channel_unnamed",
        ("R-NTC-1",),
    )


@_cached
def purpose_not_shown_channel_other() -> Because:
    """Art. 21(2) for data acquired by ``other`` means, which cannot say whether the
    person handed it over in writing: refused, as a check without the channel is."""
    return _because(
        "the purposes of use were not shown first: the channel 'other' does not say whether "
        "the data was handed over in writing, where it is then refused, so name the channel "
        "(R-NTC-1)",
        "purpose_not_shown_channel_other",
        ("R-NTC-1",),
    )


@_cached
def purpose_not_shown_urgent(justification: str) -> Because:
    """Art. 21(2) proviso: in urgency to protect life, body or property the purposes are
    not shown first; they are notified or published promptly (Art. 21(1))."""
    return _because(
        "the purposes of use were not shown first, as urgently necessary to protect a "
        f"person's life, body or property (Art. 21(2) proviso): {justification}",
        "purpose_not_shown_urgent",
        (),
        justification=justification,
    )


def _asked_by(asks_first: bool, special: Names) -> tuple[str, ...]:
    """What has a purpose ask the person first: its own rule (R-USE-7, stricter than the
    law), the law for special care-required data (R-ACQ-3, Art. 20(2)), or both."""
    return (*(("R-USE-7",) if asks_first else ()), *(("R-ACQ-3",) if special else ()))


@_cached
def collection_declined(
    purpose: str, special: Names, on: str, how: str, *, asks_first: bool = True
) -> Because:
    """Collection for a purpose that asks permission first, after the person withdrew or
    refused it (their latest word on it): said as it happened, not as "not yet".
    ``asks_first``: the purpose's own rule asks it (R-USE-7); ``special``: the law does
    for these items (R-ACQ-3)."""
    names = _names(special)
    said = "refused" if how == "refused" else "withdrew"
    why = f" (special care-required: {list(names)})" if names else ""
    rules = (*_asked_by(asks_first, names), "R-CON-2")
    return _because(
        f"the person {said} consent to purpose {purpose!r} on {on}: collecting for it needs "
        f"the person's permission first{why} ({', '.join(rules)})",
        "collection_declined",
        rules,
        purpose=purpose,
        special=names,
        on=on,
        how=how,
        rule_ids=rules,
    )


@_cached
def permission_before_collection(
    purpose: str, special: Names, *, asks_first: bool = True
) -> Because:
    """Collection for a purpose that needs the person's permission first, with none on
    file: because the purpose asks it (``asks_first``, R-USE-7) or the law does for the
    ``special`` care-required items (R-ACQ-3, Art. 20(2)), each cited only where it bears."""
    names = _names(special)
    why = f" (special care-required: {list(names)})" if names else ""
    rules = _asked_by(asks_first, names)
    return _because(
        f"purpose {purpose!r} needs the person's permission before collection{why} "
        f"({', '.join(rules)})",
        "permission_before_collection",
        rules,
        purpose=purpose,
        special=names,
        rule_ids=rules,
    )


@_cached
def referable_unconsented(purpose: str, items: Names) -> Because:
    """Personally referable information received to be acquired as personal data, with
    no consent of the person to that on file (Art. 31(1)(i))."""
    names = _names(items)
    return _because(
        f"personally referable items {list(names)} are acquired as personal data for purpose "
        f"{purpose!r} only with the person's consent to that, and none is on file "
        "(Art. 31(1)(i), R-PRI-1)",
        "referable_unconsented",
        ("R-PRI-1",),
        purpose=purpose,
        items=names,
    )


@_cached
def acquisition_linkage() -> Because:
    return _because(
        "linking personally referable identifiers to this identified person needs a purpose "
        "that announces it (R-PRI-1)",
        "acquisition_linkage",
        ("R-PRI-1",),
    )


@_cached
def acquired(purposes: Names) -> Because:
    return _because("acquired for notified purposes", "acquired", (), purposes=_names(purposes))


@_cached
def received_unconfirmed(
    exemption: str,
    justification: str | None,
    provision: str,
    purposes: Names,
    permitted: bool = False,
) -> Because:
    """Received from a business giving the data in a case Art. 30(1)'s proviso names
    (``provision``: the item of Art. 27(1), or 27(5), which ``exemption``'s claim says
    it is): no confirmation on receipt is owed. The claim is told with its justification,
    as every claim is (R-USE-4), so the record shows why nothing was confirmed;
    ``permitted``: acquired with the permission the purpose asks first."""
    return _because(
        f"exemption {exemption} claimed: {justification}; received from a business "
        f"providing it under {provision.removeprefix('APPI ')}: no confirmation on receipt "
        "is owed (Art. 30(1) proviso); acquired for notified purposes"
        + (" with prior permission" if permitted else ""),
        "received_unconfirmed",
        (),
        exemption=exemption,
        justification=str(justification),
        provision=provision,
        purposes=_names(purposes),
        acquired="with_permission" if permitted else "for_notified_purposes",
    )


@_cached
def acquired_on_provision_consent(purposes: Names, special: Names) -> Because:
    """Special care-required data a business provides on the person's consent to that
    provision (Art. 27(1)): that consent covers acquiring it (Art. 20(2); PPC General
    Guidelines 3-3-2), so the recipient asks none of its own."""
    return _because(
        "acquired for notified purposes; the special care-required items "
        f"{list(_names(special))} are provided on the person's consent to that provision, "
        "which covers acquiring them (Art. 20(2))",
        "acquired_on_provision_consent",
        (),
        purposes=_names(purposes),
        special=_names(special),
    )


@_cached
def acquired_with_permission(purposes: Names) -> Because:
    return _because(
        "acquired for notified purposes with prior permission",
        "acquired_with_permission",
        (),
        purposes=_names(purposes),
    )


# -- anonymous statistics (Art. 2(1); R-TPP-6, R-USE-8) ---------------------------------


@_cached
def no_statistics_ground() -> Because:
    return _because(
        "the policy does not provide for anonymous statistics", "no_statistics_ground", ()
    )


@_cached
def not_statistics_purpose(purpose: str) -> Because:
    return _because(
        f"purpose {purpose!r} is not a statistics purpose",
        "not_statistics_purpose",
        (),
        purpose=purpose,
    )


@_cached
def statistics_of_only(recipient: str, purposes: Names) -> Because:
    names = _names(purposes)
    return _because(
        f"{recipient!r} receives the statistics of {list(names)} only, as the notice publishes",
        "statistics_of_only",
        (),
        recipient=recipient,
        purposes=names,
    )


@_cached
def groups_undeclared(items: Names) -> Because:
    names = _names(items)
    return _because(
        f"groups by items the purpose does not declare: {list(names)}",
        "groups_undeclared",
        (),
        items=names,
    )


@_cached
def small_groups(count: int, k: int) -> Because:
    return _because(
        f"{count} group(s) count fewer than {k} people and could identify someone (R-TPP-6)",
        "small_groups",
        ("R-TPP-6",),
        count=str(count),
        k=str(k),
    )


@_cached
def suppressed_below_k(used: int, k: int) -> Because:
    return _because(
        f"the table suppressed groups under {used} people only, fewer than the policy's {k}: "
        f"the total can give away groups of fewer than {k} people (R-USE-8)",
        "suppressed_below_k",
        ("R-USE-8",),
        used=str(used),
        k=str(k),
    )


@_cached
def empty_table() -> Because:
    return _because("the table is empty", "empty_table", ())


@_cached
def statistics(groups: int, k: int) -> Because:
    return _because(
        f"aggregate of {groups} group(s), each of at least {k} people",
        "statistics",
        (),
        groups=str(groups),
        k=str(k),
    )


@_cached
def my_number_receipt(items: Names, basis: str) -> Because:
    """Individual Numbers another business says it provides on the person's consent or by
    opt-out: no case of the My Number Act Art. 19, so not collected (Art. 20)."""
    numbers = _names(items)
    how = "by opt-out" if basis == "opt_out" else "on the person's consent"
    return _because(
        f"{list(numbers)} are Individual Numbers: the My Number Act (Art. 19) lets no "
        f"business provide them {how}, and no one collects them so (Art. 20) (R-MYN-1)",
        "my_number_receipt",
        ("R-MYN-1",),
        items=numbers,
        basis=basis,
    )


@_cached
def my_number_claim_receipt(items: Names, exemption: str) -> Because:
    """Individual Numbers another business is said to provide on a ground (the claim
    ``exemption``) that is no case of the My Number Act Art. 19: not collected (Art.
    20)."""
    numbers = _names(items)
    return _because(
        f"{list(numbers)} are Individual Numbers: the My Number Act (Art. 19) lets no "
        f"business provide them on the ground claimed ({exemption}), and no one collects "
        "them so (Art. 20) (R-MYN-1)",
        "my_number_claim_receipt",
        ("R-MYN-1",),
        items=numbers,
        exemption=exemption,
    )


@_cached
def my_number_beyond(items: Names, purpose: str, exemption: str) -> Because:
    """Individual Numbers asked for a purpose they were not notified for: the My Number
    Act Art. 30(2) lets neither consent nor an exemption but Art. 18(3)(ii) (the one
    claimed, if any: ``exemption``) widen their purposes."""
    numbers = _names(items)
    claimed = f"the exemption {exemption!r}" if exemption else "the person's consent"
    return _because(
        f"{list(numbers)} are Individual Numbers not held for {purpose!r} as notified: the "
        "My Number Act (Art. 30(2)) keeps them within the purposes notified for them, which "
        f"{claimed} does not widen; only protecting life, body or property does (R-MYN-1)",
        "my_number_beyond",
        ("R-MYN-1",),
        items=numbers,
        purpose=purpose,
        exemption=exemption,
    )
