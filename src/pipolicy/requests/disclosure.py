"""What pipolicy's records say is held about a person, as JSON-ready reports (R-REQ-5).

A disclosure answer lists every item held, with its purposes of use, how (channel), from
where (source) and when it was acquired, the person's consents with their history, and
the records of provision to others (Art. 33(1), (5)): the records Arts. 29 and 30 demand
(``ProvisionRecord.required_by_law``), not the ones pipolicy keeps of provisions under
an exemption, entrustment, joint use or succession. The values come from the
application's data sources; everything else from pipolicy's own records. Items a source
holds that pipolicy has no acquisition record for are listed too, marked
``"recorded": false``: the person is owed them, and the business should find out why.
Titles (of items, purposes, the controller) are in the request's language, and every
instant is given in the policy's time zone (``policy.local``), so the day the person
reads in the JSON is the day the letter prints, whatever zone the clock runs in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime

from pipolicy.domain.acquisitions import Acquisition, Channel, EntityKind, ReceiptBasis
from pipolicy.domain.audit import AuditEvent
from pipolicy.domain.consents import Consent, ConsentStatus
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import Request
from pipolicy.domain.restrictions import RestrictionKind
from pipolicy.policy.model import ConsentRule, Policy
from pipolicy.policy.texts import text_in
from pipolicy.rules.common import (
    blocking_restriction,
    erased_items,
    narrowed_by_deletions,
    purpose_over,
)

__all__ = [
    "consent_entry",
    "consented_receipts",
    "controller_entry",
    "disclosed_receipts",
    "disclosed_records",
    "disclosure_report",
    "duty",
    "erased",
    "holdings",
    "jsonable",
    "provision_entry",
    "provision_records_report",
    "purposes_report",
    "receipt_entry",
    "referable_receipts",
    "representatives_missing",
]


def jsonable(value: object) -> object:
    """``value`` as something ``json.dumps`` accepts, without losing what it says."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return str(value)


def holdings(
    facts: SubjectFacts, now: datetime, *, excluding: str | None = None
) -> dict[str, list[Acquisition]]:
    """Item -> the acquisitions that brought it, for items not deleted on request.

    A deletion removes what was acquired up to it; an item acquired again afterwards (the
    person came back) is held anew, as the decision rules also treat it. ``excluding``
    names a request whose own deletions are ignored, so that a deletion retried after a
    failing source still sees the scope it started with.
    """
    held: dict[str, list[Acquisition]] = {}
    for acq in facts.acquisitions:
        gone = erased_items(acq, facts.restrictions, now, excluding=excluding)
        for item in sorted(acq.items - gone):
            held.setdefault(item, []).append(acq)
    return held


def erased(facts: SubjectFacts, now: datetime, *, excluding: str | None = None) -> frozenset[str]:
    """Items a deletion in force erased and that were not collected again since (R-REQ-7).

    They are no longer held, whatever a source may still answer: a correction must not
    bring them back. A deletion names the items it erased; one that names none erased
    everything acquired up to it. An item acquired afterwards is held anew, as
    :func:`holdings` and the decision rules treat it. ``excluding`` ignores one
    request's own deletions (a correction retried after a failing source).
    """
    gone: set[str] = set()
    for r in facts.restrictions:
        if r.kind is not RestrictionKind.DELETED or r.since > now:
            continue
        if excluding is not None and r.request_id == excluding:
            continue
        before = [a.items for a in facts.acquisitions if a.acquired_at <= r.since]
        again = [a.items for a in facts.acquisitions if a.acquired_at > r.since]
        gone |= (r.items or frozenset().union(*before)) - frozenset().union(*again)
    return frozenset(gone)


def duty(
    policy: Policy, item: str, acquisitions: Iterable[Acquisition], now: datetime, lang: str
) -> str | None:
    """Why the law obliges keeping ``item`` now, if a duty still holds for one of the
    acquisitions that brought it (a duty with a period ends with it, R-REQ-7). An item
    only a source holds has no acquisition to date it: a duty on the item itself keeps it."""
    acqs = list(acquisitions)
    if not acqs:
        return policy.retention_duty(item, (), lang)
    for acq in acqs:
        why = policy.retention_duty(item, acq.purposes, lang, acquired_at=acq.acquired_at, at=now)
        if why:
            return why
    return None


def _item_title(policy: Policy, name: str, lang: str) -> str:
    declared = policy.items.get(name)
    return (declared and text_in(declared, "title", lang)) or name


def _purpose_title(policy: Policy, name: str, lang: str) -> str:
    declared = policy.purposes.get(name)
    return (declared and text_in(declared, "title", lang)) or name


def controller_entry(policy: Policy, lang: str | None = None) -> dict[str, object]:
    """Who answers, in ``lang`` (the policy's default language when None)."""
    lang = lang or policy.languages[0]
    c = policy.controller
    return {
        "name": text_in(c, "name", lang),
        "address": text_in(c, "address", lang),
        "representative": text_in(c, "representative", lang),
        "contact": text_in(c, "contact", lang),
        "window": text_in(policy.requests, "window", lang),
    }


def _status(consent: Consent, now: datetime) -> str:
    """How the consent stands at ``now``, as the person reads it: ``expired`` once its
    expiry passed, though the store may not record it yet; ``replaced`` where the person
    consented again to its scope before its term ran out (recorded ``expired``)."""
    if consent.replaced:
        return "replaced"
    if (
        consent.status is ConsentStatus.GIVEN
        and consent.expires_at is not None
        and consent.expires_at <= now
    ):
        return ConsentStatus.EXPIRED.value
    return consent.status.value


def _at(policy: Policy, at: datetime | None) -> str | None:
    """``at`` as the person reads it: ISO, in the policy's time zone."""
    return None if at is None else policy.local(at).isoformat()


def consent_entry(policy: Policy, consent: Consent, now: datetime) -> dict[str, object]:
    """A consent with its history: given, then (at most once) ended."""
    if consent.status is ConsentStatus.REFUSED:
        history = [{"status": "refused", "at": _at(policy, consent.given_at)}]
    else:
        history = [{"status": "given", "at": _at(policy, consent.given_at)}]
        status = _status(consent, now)
        if consent.ended_at is not None:
            # A term that ran out ended at its expiry, whenever the store recorded it.
            ended = consent.term_ended_at or consent.ended_at
            history.append({"status": status, "at": _at(policy, ended)})
        elif status == ConsentStatus.EXPIRED.value and consent.expires_at is not None:
            history.append({"status": status, "at": _at(policy, consent.expires_at)})
    return {
        "consent_id": consent.id,
        "purpose": consent.scope.purpose,
        "recipient": consent.scope.recipient,
        "items": sorted(consent.scope.items),
        "status": _status(consent, now),
        "given_at": _at(policy, consent.given_at),
        "ended_at": _at(policy, consent.ended_at),
        "expires_at": _at(policy, consent.expires_at),
        "method": consent.evidence.method,
        "evidence_ref": consent.evidence.ref,
        "given_by": consent.evidence.given_by,
        "policy_version": consent.policy_version,
        "history": history,
    }


def provision_entry(policy: Policy, record: ProvisionRecord) -> dict[str, object]:
    return {
        "record_id": record.id,
        "provided_at": _at(policy, record.provided_at),
        "recipient": record.recipient,
        "recipient_name": record.recipient_name,
        "items": sorted(record.items),
        "purpose": record.purpose,
        "basis": record.basis.value,
        "required_by_law": record.required_by_law,
        "consent_id": record.consent_id,
        # Every consent the provision rests on: several where each covers some items.
        "consent_ids": list(record.consent_ids),
        "exemption": record.exemption.value if record.exemption else None,
        # As the record keeps them (PPC Rules Art. 20(1)(i)); None where it has none.
        "recipient_address": record.recipient_address,
        "recipient_representative": record.recipient_representative,
    }


def disclosed_records(
    provisions: Iterable[ProvisionRecord],
    scope: frozenset[str] = frozenset(),
    withheld: frozenset[str] = frozenset(),
) -> list[ProvisionRecord]:
    """The provision records a disclosure lists (Art. 33(5)): those the law demands
    (Arts. 29, 30), about the items in ``scope`` if given, less the ids ``withheld``.

    Provisions under an exemption (a police inquiry, a court order), entrustment, joint
    use or succession are no third-party provision records under Art. 29: pipolicy keeps
    them as evidence, but they are not what Art. 33(5) entitles the person to.
    """
    return [
        p
        for p in provisions
        if p.required_by_law and (not scope or p.items & scope) and p.id not in withheld
    ]


def disclosed_receipts(
    acquisitions: Iterable[Acquisition], scope: frozenset[str] = frozenset()
) -> list[Acquisition]:
    """The records of receipt a disclosure lists (Arts. 30(3), 33(5)): the data received
    about the person from another business, with what the recipient confirmed on receipt
    (Art. 30(1)), about the items in ``scope`` if given. Data received through a merger
    or business transfer is no third-party provision (Art. 27(5)(ii)): not listed."""
    return [
        a
        for a in acquisitions
        if a.channel is Channel.PROVIDED_BY_BUSINESS and (not scope or a.items & scope)
    ]


def referable_receipts(acquisitions: Iterable[Acquisition]) -> bool:
    """Is personally referable information acquired as personal data among the records
    of receipt? Its record claims the person's consent only where an acquisition rested
    on one, which its ``acquisition.recorded`` event says (:func:`consented_receipts`)."""
    return any(
        a.provider_basis is ReceiptBasis.PERSONALLY_REFERABLE
        for a in disclosed_receipts(acquisitions)
    )


def consented_receipts(events: Iterable[AuditEvent]) -> frozenset[str]:
    """The ids of the acquisitions whose recording decision rested on a consent of the
    person's (its event names the consent)."""
    return frozenset(
        str(e.payload.get("acquisition_id"))
        for e in events
        if e.kind == "acquisition.recorded" and e.payload.get("consent_id")
    )


def representatives_missing(acquisitions: Iterable[Acquisition]) -> bool:
    """Does a record of receipt among ``acquisitions`` lack the provider's representative?
    One recorded before revision 0011 holds it only in its ``acquisition.recorded``
    event, which is then read for it. An individual provider has none to lack."""
    return any(
        a.provider_representative is None and a.provider_kind is not EntityKind.INDIVIDUAL
        for a in disclosed_receipts(acquisitions)
    )


def receipt_entry(policy: Policy, acq: Acquisition, consented: bool = False) -> dict[str, object]:
    """A record of receipt (Art. 30(3)): the day, the provider's name, kind, address and
    representative (none for an individual) and how it obtained the data (Art. 30(1)),
    the items, and the note PPC Rules Art. 24(1) adds (``provider_basis``: the person's
    consent to the provision, which the provider obtained, the provider's opt-out filing published by the PPC, or their
    consent to personally referable information being acquired as personal data); the
    kind and the basis are None where they were not recorded. For personally referable
    information, ``consent_on_file`` says whether the acquisition rested on a consent of
    the person's (``consented``): the record claims their Art. 31(1)(i) consent only then."""
    referable = acq.provider_basis is ReceiptBasis.PERSONALLY_REFERABLE
    return {
        "record_id": acq.id,
        "received_at": _at(policy, acq.acquired_at),
        "provider": acq.source,
        "provider_kind": None if acq.provider_kind is None else acq.provider_kind.value,
        "provider_address": acq.provider_address,
        "provider_representative": acq.provider_representative,
        "provider_obtained_by": acq.provider_obtained_by,
        "provider_basis": None if acq.provider_basis is None else acq.provider_basis.value,
        **({"consent_on_file": consented} if referable else {}),
        "items": sorted(acq.items),
    }


def _acquisition_entry(policy: Policy, acq: Acquisition) -> dict[str, object]:
    return {
        "acquisition_id": acq.id,
        "purposes": sorted(acq.purposes),
        "channel": acq.channel.value,
        "source": acq.source,
        "acquired_at": _at(policy, acq.acquired_at),
        "policy_version": acq.policy_version,
    }


def _reaching(policy: Policy, facts: SubjectFacts, now: datetime) -> tuple[Consent, ...]:
    """The person's consents as far as they reach: not to items a later deletion on
    request erased and the person gave again (R-REQ-7), as the decisions read them."""
    return narrowed_by_deletions(policy, facts, now).consents


def _consented_purposes(
    policy: Policy, consents: Iterable[Consent], item: str, now: datetime
) -> set[str]:
    found = set()
    for c in consents:
        p = c.scope.purpose
        if (
            p is not None
            and p in policy.purposes
            and c.is_active(now)
            and item in policy.purposes[p].all_items
            and (not c.scope.items or item in c.scope.items)
        ):
            found.add(p)
    return found


def _published_purposes(policy: Policy, facts: SubjectFacts, item: str, now: datetime) -> set[str]:
    """The purposes the policy publishes for ``item`` that may reach the person: for their
    category (R-USE-9), not ended, and, for a purpose that needs permission first
    (R-USE-7), only one the person consented to. If none may, every purpose the policy
    publishes for it: the data is held for what the policy says it is for, even where it
    may not be used now, and naming no purpose would tell the person nothing is held."""
    category = facts.subject.category
    today = policy.local_date(now)
    consented = _consented_purposes(policy, _reaching(policy, facts, now), item, now)
    published = {name: p for name, p in policy.purposes.items() if item in p.all_items}
    reaching = {
        name
        for name, p in published.items()
        if (not p.categories or category in p.categories)
        and (p.ends is None or p.ends >= today)
        and (p.consent is ConsentRule.NONE or name in consented)
    }
    return reaching or set(published)


def _header(policy: Policy, request: Request, now: datetime) -> dict[str, object]:
    return {
        "request_id": request.id,
        "kind": request.kind.value,
        "generated_at": _at(policy, now),
        "controller": controller_entry(policy, request.language),
        "policy_version": policy.version,
    }


def disclosure_report(
    policy: Policy,
    request: Request,
    facts: SubjectFacts,
    provisions: Iterable[ProvisionRecord],
    exports: Mapping[str, Mapping[str, object]],
    now: datetime,
    scope: frozenset[str] = frozenset(),
    *,
    withheld_items: frozenset[str] = frozenset(),
    withheld_records: frozenset[str] = frozenset(),
    deletions: Collection[str],
) -> dict[str, object]:
    """The disclosure answer as a JSON-ready dict; ``scope`` limits the items, if given;
    ``deletions``: the ids of the person's deletion requests (:func:`kept_under_duty`).

    Items and records withheld (Art. 33(2)) are left out altogether: their values, and
    the purposes only they would name, never reach the report. An item kept only to
    meet a legal duty (:func:`kept_under_duty`) has that duty instead of purposes.
    """
    held = holdings(facts, now)
    kept = kept_under_duty(policy, facts, now, request.language, deletions)
    reaching = _reaching(policy, facts, now)
    names = set(held)
    for exported in exports.values():
        names |= set(exported)
    if scope:
        names &= scope
    names -= withheld_items
    items = []
    purposes_named: set[str] = set()
    for item in sorted(names):
        acqs = held.get(item, [])
        notified = {p for a in acqs for p in a.purposes}
        if not acqs and item in policy.items:  # only a source holds it: what is published
            notified = _published_purposes(policy, facts, item, now)
        purposes = sorted(notified | _consented_purposes(policy, reaching, item, now))
        if item in kept:
            purposes = []
        purposes_named |= set(purposes)
        declared = policy.items.get(item)
        items.append(
            {
                "item": item,
                "title": _item_title(policy, item, request.language),
                "special_care": bool(declared and declared.special_care),
                "kept_under_duty": kept.get(item),
                "values": {
                    src: jsonable(data[item])
                    for src, data in sorted(exports.items())
                    if item in data
                },
                "purposes": purposes,
                "acquisitions": [_acquisition_entry(policy, a) for a in acqs],
                "recorded": bool(acqs),
            }
        )
    records = [
        provision_entry(policy, p) for p in disclosed_records(provisions, scope, withheld_records)
    ]
    return {
        **_header(policy, request, now),
        "items": items,
        "purposes": [
            {"name": p, "title": _purpose_title(policy, p, request.language)}
            for p in sorted(purposes_named)
        ],
        "kept_under_duty": _duty_entries(
            policy, {i: why for i, why in kept.items() if i in names}, request.language
        ),
        "consents": [consent_entry(policy, c, now) for c in facts.consents],
        "provision_records": records,
    }


def held_purposes(
    policy: Policy, facts: SubjectFacts, now: datetime, in_sources: Iterable[str] = ()
) -> dict[str, set[str]]:
    """Purpose -> the items held about the person for it: what a purpose notification
    names (Art. 32(2)) and what bounds a correction's additions (Art. 34(2)).

    An item pipolicy recorded acquiring has the purposes it was acquired (or consented)
    for. An item only a source holds (``in_sources``, data migrated from an older system)
    has no such record: it has the purposes the policy publishes for it that may reach
    this person (:func:`_published_purposes`)."""
    held = holdings(facts, now)
    reaching = _reaching(policy, facts, now)
    by_purpose: dict[str, set[str]] = {}
    for item, acqs in held.items():
        for p in {p for a in acqs for p in a.purposes} | _consented_purposes(
            policy, reaching, item, now
        ):
            by_purpose.setdefault(p, set()).add(item)
    for item in set(in_sources) - set(held):
        for p in _published_purposes(policy, facts, item, now):
            by_purpose.setdefault(p, set()).add(item)
    return by_purpose


def kept_under_duty(
    policy: Policy, facts: SubjectFacts, now: datetime, lang: str, deletions: Collection[str]
) -> dict[str, str]:
    """Item -> the legal duty it is kept for, for each item held whose use a deletion
    (one of the requests ``deletions``) suspended for every purpose it was held for while
    a duty holds (a deletion the law made difficult, R-REQ-7): it is retained to meet
    that duty only, and a notification of its purposes (Art. 32(2)) or a disclosure must
    not say it serves them still. A suspension of use requested as such stops the item's
    use, not its purposes: it is held for them, and use resumes when it is lifted."""
    by_deletion = tuple(x for x in facts.restrictions if x.request_id in deletions)
    kept: dict[str, str] = {}
    for item, acqs in holdings(facts, now).items():
        why = duty(policy, item, acqs, now, lang)
        purposes = {p for a in acqs for p in a.purposes}
        if why and all(
            blocking_restriction(by_deletion, "use", p, frozenset({item}), now, acquisitions=acqs)
            for p in purposes
        ):
            kept[item] = why
    return kept


def _serving(by_purpose: Mapping[str, set[str]], kept: Iterable[str]) -> dict[str, set[str]]:
    """``by_purpose`` (:func:`held_purposes`) without the items kept only to meet a legal
    duty: those serve no purpose, and a purpose left with none is not the person's."""
    gone = set(kept)
    return {p: items - gone for p, items in by_purpose.items() if items - gone}


def needed_items(
    policy: Policy,
    facts: SubjectFacts,
    now: datetime,
    in_sources: Iterable[str] = (),
    *,
    deletions: Collection[str],
) -> frozenset[str]:
    """Every item a purpose of the person's data needs: the extent a correction may reach
    (Art. 34(2)). The purposes are those a notification names (:func:`purposes_report`),
    less those past their last day (``Purpose.ends``: they need nothing any more, Art.
    22): an item kept only to meet a legal duty after a deletion (:func:`kept_under_duty`)
    serves none, so it brings no purpose whose items a correction could add."""
    kept = kept_under_duty(policy, facts, now, policy.languages[0], deletions)
    purposes = _serving(held_purposes(policy, facts, now, in_sources), kept)
    return frozenset().union(
        *(
            policy.purposes[p].all_items
            for p in purposes
            if p in policy.purposes and purpose_over(policy, policy.purposes[p], now) is None
        )
    )


def purposes_report(
    policy: Policy,
    request: Request,
    facts: SubjectFacts,
    now: datetime,
    in_sources: Iterable[str] = (),
    *,
    deletions: Collection[str],
) -> dict[str, object]:
    """The purposes of use of the data held about the person (Art. 32(2)), as
    :func:`held_purposes` finds them, and apart from them the items kept only to meet a
    legal duty after a deletion (:func:`kept_under_duty`; ``deletions``: the ids of the
    person's deletion requests)."""
    kept = kept_under_duty(policy, facts, now, request.language, deletions)
    by_purpose = _serving(held_purposes(policy, facts, now, in_sources), kept)
    return {
        **_header(policy, request, now),
        "purposes": [
            {
                "name": p,
                "title": _purpose_title(policy, p, request.language),
                "items": sorted(items),
            }
            for p, items in sorted(by_purpose.items())
        ],
        "kept_under_duty": _duty_entries(policy, kept, request.language),
    }


def _duty_entries(policy: Policy, kept: Mapping[str, str], lang: str) -> list[dict[str, object]]:
    return [
        {"item": item, "title": _item_title(policy, item, lang), "reason": why}
        for item, why in sorted(kept.items())
    ]


def provision_records_report(
    policy: Policy,
    request: Request,
    provisions: Iterable[ProvisionRecord],
    now: datetime,
    scope: frozenset[str] = frozenset(),
    *,
    withheld: frozenset[str] = frozenset(),
    acquisitions: Iterable[Acquisition] = (),
    consented: frozenset[str] = frozenset(),
) -> dict[str, object]:
    """The records about the person that Arts. 29 and 30 demand (Art. 33(5)): of
    provision to others, less the ids ``withheld``, and of receipt from others (among
    ``acquisitions``; ``consented``: the ids of those that rested on the person's
    consent, :func:`consented_receipts`)."""
    return {
        **_header(policy, request, now),
        "provision_records": [
            provision_entry(policy, p) for p in disclosed_records(provisions, scope, withheld)
        ],
        "receipt_records": [
            receipt_entry(policy, a, a.id in consented)
            for a in disclosed_receipts(acquisitions, scope)
        ],
    }
