"""Correction of the contents (Art. 34): correcting, adding and deleting contents.

:func:`correct` has every source ``correct`` the items with the values asked for, less
what the business declined (the contents were accurate), what a deletion in force erased
(giving it again is a new acquisition), what no purpose of the person's data needs
(Art. 34(2): ``beyond_purposes``), what no purpose may lawfully take (an acquisition
``acquire`` would deny: no consent, an unannounced linkage, an optional item never
chosen; and an Individual Number, taken only with the number verification of the My
Number Act Art. 16, which no correction adds or changes, held or not; also
``beyond_purposes``, the answer saying how to give it; where some sources hold another
item already, it is corrected there and added to no other) and what
another law has the business keep (its own procedure corrects it). Contents deleted are
recorded as a deletion before any source is called; contents added are recorded as
acquisitions for the purposes that take them, with the answer (R-REQ-6). Kept apart from
:mod:`.fulfilment` because what a correction adds or deletes is its own account; it
closes the request as every kind does (:mod:`.completion`).

Why one module of this length (about 630 lines): what may be added, what each source
holds and what is recorded are one account, read together; the acquisition part
(``_serving_purposes``, ``_taking``, ``_acquired_by``) is the split to make if it grows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import attrs

from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.decisions import Decision
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.requests import RefusalGround, Request, RequestState
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Policy
from pipolicy.requests.answering import build
from pipolicy.requests.answers import Answer, Retained
from pipolicy.requests.completion import complete_with, not_retained, refuse
from pipolicy.requests.disclosure import (
    erased,
    held_purposes,
    holdings,
    jsonable,
    kept_under_duty,
    needed_items,
)
from pipolicy.requests.execution import (
    apply_each,
    erasing,
    held_by_source,
    items_in_sources,
    restrict,
)
from pipolicy.requests.sources import SourceOutcome
from pipolicy.requests.statements import fulfilment_statement
from pipolicy.requests.withholding import asked_items, withheld, withhold_all
from pipolicy.requests.wording import named as named_in
from pipolicy.requests.workflow import Context, Workflow
from pipolicy.rules.acquisition import AcquisitionQuery, decide_acquisition
from pipolicy.storage.repositories import UnitOfWork

G = RefusalGround
_NOW_READS = frozenset({"corrected", "added"})
"""Actions after which an item holds the value asked for (not ``deleted``, ``done``)."""


def correct(wf: Workflow, ctx: Context, extra: dict[str, object] | None) -> Answer:
    """A correction (Art. 34): every source's ``correct`` with the values asked for."""
    r = ctx.request
    stored = r.details.get("changes")
    changes = extra if extra is not None else stored
    if not isinstance(changes, Mapping) or not changes:
        raise InvalidInput(
            "a correction needs changes: pass changes={item: new value or None} to "
            "submit(details=...) or to fulfil()"
        )
    # Items the business declined (found true, Art. 34(1)): told with the reason.
    declined = [w for w in withheld(r) if w.item is not None]
    declined_items = {str(w.item) for w in declined}
    _check_decided(r, extra, declined_items)
    changes = {i: v for i, v in changes.items() if i not in declined_items}
    if not changes:
        return withhold_all(wf, r, declined, {})
    if not wf.sources:
        raise InvalidInput(
            "no data source is registered: pipolicy corrects data through the "
            "application's sources; call engine.register_source(name, source) first"
        )
    # This correction's own deletion of contents (below) is not what it started with.
    gone = erased(ctx.facts, ctx.now, excluding=r.id)
    recorded = holdings(ctx.facts, ctx.now, excluding=r.id)
    held = frozenset(recorded)
    words = wf.words(r)
    # What a deletion in force erased is not held, and not added back: that would undo
    # the deletion without notice, and giving it again is a new acquisition. The answer
    # says which deletion took it, and how to have it held again.
    readded = frozenset(i for i, v in changes.items() if i in gone and v is not None)
    in_sources: frozenset[str] = frozenset()
    if not held:
        # pipolicy recorded nothing held: the sources may still hold data it never heard of.
        r, in_sources = items_in_sources(wf, r, ctx.ref)
    erased_part = _erased_earlier(wf, ctx, r, readded, in_sources) if readded else None
    if not held and not in_sources - gone:
        return _not_retained_as(wf, r, [words("nothing_to_correct"), erased_part])
    # The sources would "add" back what a deletion erased: it is not asked of them.
    wanted = {item: value for item, value in changes.items() if item not in gone}
    if not wanted:
        if declined:
            return withhold_all(wf, r, declined, {})
        if erased_part is None:
            return not_retained(wf, r, "none_corrected")
        absent = set(changes) - readded  # contents it asked to delete, erased already
        gone_too = words("not_held", items=named_in(wf.policy.items, absent, r.language))
        return _not_retained_as(wf, r, [erased_part, gone_too if absent else None])
    r, beyond, in_sources = _beyond_purposes(wf, r, ctx, wanted, held, in_sources)
    wanted = {item: value for item, value in wanted.items() if item not in beyond}
    # What no purpose may lawfully take is not added either (Art. 34(2) with Arts. 17,
    # 20(2), 21): the sources would hold what the business may not acquire. Where some
    # sources hold it already, it is corrected there, and sent to no other (``lacking``).
    r, bars, in_sources = _barred(wf, r, ctx, wanted, held, in_sources)
    r, holders = _holders(wf, r, ctx, bars, in_sources)
    barred = {i: b for i, b in bars.items() if i not in holders}
    lacking = {i: frozenset(wf.sources) - h for i, h in holders.items() if set(wf.sources) - h}
    wanted = {item: value for item, value in wanted.items() if item not in barred}
    named_beyond = named_in(wf.policy.items, beyond, r.language)
    barred_part = _bars_told(wf, r, barred) if barred else None
    not_added = beyond | frozenset(barred)
    # Refused only for an Individual Number: worded for that, not as beyond the purposes.
    only_numbers = (
        bool(barred) and not beyond and all(b.how == "number_verification" for b in barred.values())
    )
    case = "number_verification" if only_numbers else ""
    if not wanted:
        explanation = words("beyond_purposes_named", items=named_beyond) if beyond else None
        return refuse(
            wf,
            r,
            G.BEYOND_PURPOSES,
            _paragraphs([explanation, barred_part, erased_part]),
            case=case,
        )
    # Contents deleted (Art. 34(1) "deletion of contents") are no longer held: recorded
    # as a deletion, before any source is called, so that decisions, a disclosure and a
    # notification of purposes no longer count them (R-REQ-6, R-REQ-7). Contents another
    # law has the business keep (the tax law's invoices) are not erased: that law's own
    # procedure corrects them (Art. 34(2)); they are kept, their use suspended, as a
    # deletion request would keep them (R-REQ-7).
    emptied = frozenset(item for item, value in wanted.items() if value is None)
    _, retained, specs = erasing(wf, ctx, r, emptied, recorded)
    wanted = {item: value for item, value in wanted.items() if item not in retained}
    ids: list[str] = []
    if specs:
        r, ids = restrict(wf, r, specs)
    outcomes: list[SourceOutcome] = []

    def changes_for(source: str) -> dict[str, object]:
        return {i: v for i, v in wanted.items() if source not in lacking.get(i, ())}

    if wanted:
        r, outcomes = apply_each(
            wf,
            r,
            "correct",
            lambda name, s: s.correct(ctx.ref, changes_for(name)),
            to=[name for name in wf.sources if changes_for(name)],
        )
    applied: dict[str, str] = {}
    for item in sorted(changes):
        actions = [o.items[item] for o in outcomes if item in o.items]
        applied[item] = next((a for a in actions if a != "not_held"), "not_held")
        if item in not_added:
            applied[item] = G.BEYOND_PURPOSES.value
        elif item in retained:
            applied[item] = G.LEGAL_RETENTION.value
    kept = [Retained(i, why, article=_KEPT_UNDER_ANOTHER_LAW) for i, why in retained.items()]
    not_held = {i for i, a in applied.items() if a == "not_held"}
    # Told apart, with the deletion that took them (``erased_part``), not as never held.
    plain_not_held = not_held - readded
    if not_held | not_added == set(applied):
        if declined:
            return withhold_all(wf, r, declined, {})
        absent_part = words("not_held", items=named_in(wf.policy.items, plain_not_held, r.language))
        if not_added:
            explanation = words("beyond_purposes_named", items=named_beyond) if beyond else None
            shown: str | None = absent_part if plain_not_held or not readded else None
            return refuse(
                wf,
                r,
                G.BEYOND_PURPOSES,
                _paragraphs([explanation, barred_part, erased_part, shown]),
                case=case,
            )
        if erased_part:
            kept_apart = absent_part if plain_not_held else None
            return _not_retained_as(wf, r, [erased_part, kept_apart])
        return not_retained(wf, r, "none_corrected")
    done_items = {i: a for i, a in applied.items() if i not in not_held | not_added | set(retained)}
    body = []
    if done_items:
        changed = [
            {**entry, "action": done_items[entry["name"]]}
            for entry in named_in(wf.policy.items, done_items, r.language)
        ]
        body.append(words("corrected", changes=changed))
    if beyond:
        body.append(words("beyond_purposes", items=named_beyond))
    if barred_part:
        body.append(barred_part)
    where_held = {i: bars[i] for i in lacking if i in done_items}
    if where_held:
        body.append(_bars_told(wf, r, where_held, elsewhere=True))
    if erased_part:
        body.append(erased_part)
    partial = not_held or not_added or declined or retained
    state = RequestState.PARTIALLY_FULFILLED if partial else RequestState.FULFILLED
    statement = fulfilment_statement(
        words,
        wf.policy,
        r,
        body,
        not_held=plain_not_held,
        withheld=declined,
        retained=retained,
        retained_article=_KEPT_UNDER_ANOTHER_LAW,
    )
    applied |= {w.item: w.ground.value for w in declined if w.item is not None}
    # An item never recorded that a source now holds was acquired through this request:
    # recorded with the answer, so decisions, a disclosure and a notification of
    # purposes agree with the sources (R-REQ-6, R-ACQ-1).
    added = frozenset(
        i
        for i in done_items
        if i not in held | set(lacking) and any(o.items.get(i) == "added" for o in outcomes)
    )
    acquired = _acquired_by(wf, r, ctx, added, in_sources)
    outcome: dict[str, object] = {"changes": applied}
    if declined:
        outcome["withheld"] = [w.to_dict() for w in declined]
    if kept:
        outcome["retained"] = [k.to_dict() for k in kept]
    if ids:
        outcome["restrictions"] = ids
    if lacking:
        outcome["not_added"] = {i: sorted(names) for i, names in sorted(lacking.items())}
    if acquired:
        outcome["acquisitions"] = [a.id for a, _ in acquired]
    recording = _recording(wf, r, acquired) if acquired else None
    done = complete_with(wf, r, state, statement, done_items, outcome, recording)
    # What the data now reads, for the letters of this answer only (Art. 34(3): notify
    # the correction "including its contents"); never stored, nor in the JSON.
    now_reads = {
        i: jsonable(wanted[i]) for i, a in done_items.items() if a in _NOW_READS and i in wanted
    }
    answer = build(wf, done, changes=applied, sources=outcomes, restrictions=ids, retained=kept)
    return attrs.evolve(answer, corrected=now_reads)


_KEPT_UNDER_ANOTHER_LAW = "APPI Art. 34(2)"
"""What a correction keeps contents on when it was asked to delete them and another law
has them kept: Art. 34(2) leaves corrections to that law's own procedure."""


def _check_decided(r: Request, extra: Mapping[str, object] | None, declined: set[str]) -> None:
    """Raise :class:`InvalidInput` when the values given at ``fulfil`` leave out an item the
    person asked to correct that the business did not decline, or give one it declined:
    the answer would drop it in silence, where Arts. 34(3) and 36 have the person told
    that it was not corrected, and why."""
    if extra is None:
        return
    asked = asked_items(r) or frozenset()
    dropped = sorted(asked - set(extra) - declined)
    if dropped:
        raise InvalidInput(
            f"the person asked to correct {dropped} too: give their values, or decline "
            "them with withhold(id, items=..., ground='contents_accurate', explanation=...) "
            "so the answer says why (APPI Art. 34(3), 36)"
        )
    both = sorted(set(extra) & declined)
    if both:
        raise InvalidInput(f"{both} were declined with withhold(): leave them out of changes")


def _beyond_purposes(
    wf: Workflow,
    r: Request,
    ctx: Context,
    wanted: Mapping[str, object],
    held: frozenset[str],
    in_sources: frozenset[str],
) -> tuple[Request, frozenset[str], frozenset[str]]:
    """The items ``wanted`` would add that no purpose of the person's data needs, and the
    items of the policy the sources hold, if they were read.

    A correction adds contents only "to the extent necessary to achieve the purposes
    of use" (Art. 34(2)); adding more would be acquiring beyond them (Arts. 17, 18),
    for special care-required data without consent (Art. 20(2)). An item a source
    already holds is corrected, not added: the sources are read (once, kept with the
    request) only when some item is neither recorded (``held``) nor needed."""
    adding = {i for i, v in wanted.items() if v is not None and i not in held}
    beyond = (
        adding
        - in_sources
        - needed_items(wf.policy, ctx.facts, ctx.now, in_sources, deletions=ctx.deletions)
    )
    if beyond and not in_sources:
        r, in_sources = items_in_sources(wf, r, ctx.ref)
        beyond -= in_sources | needed_items(
            wf.policy, ctx.facts, ctx.now, in_sources, deletions=ctx.deletions
        )
    return r, frozenset(beyond), in_sources


def _serving_purposes(wf: Workflow, ctx: Context, in_sources: frozenset[str]) -> list[str]:
    """The purposes of the person's data, less those only items a legal duty keeps would
    bring: the purposes whose items :func:`~pipolicy.requests.disclosure.needed_items`
    lets a correction add (Art. 34(2))."""
    policy = wf.policy
    kept = set(kept_under_duty(policy, ctx.facts, ctx.now, policy.languages[0], ctx.deletions))
    by_purpose = held_purposes(policy, ctx.facts, ctx.now, in_sources)
    return [p for p, items in sorted(by_purpose.items()) if items - kept and p in policy.purposes]


@attrs.frozen
class Bar:
    """Why no purpose of the person's data may take an item a correction would add, and
    so how the person could give it: ``how`` is ``"consent"`` (``purposes`` need their
    prior consent first, Art. 20(2) for ``special`` data), ``"choice"`` (optional for
    ``purposes``: acquired only if the person chooses to give it for them, R-ACQ-2),
    ``"notice"`` (it would link identifiers in a way no purpose notified announces,
    Art. 21(1), R-PRI-1), ``"number_verification"`` (an Individual Number, taken only
    with the verification of the My Number Act Art. 16, R-MYN-1) or ``""`` (none may
    take it now). ``held``: an Individual Number held already, which the correction would
    change (a new number is taken in only through that verification too)."""

    how: str
    purposes: frozenset[str] = frozenset()
    special: bool = False
    held: bool = False


_CONSENT_KEYS = frozenset(
    {"permission_before_collection", "collection_declined", "consent_outlived"}
)
"""The reasons a denied acquisition gives when the person's prior consent is what lacks
(none yet, a no, or one given before a deletion that does not reach what it erased)."""


def _bar(policy: Policy, item: str, denials: Mapping[str, Decision]) -> Bar:
    """The :class:`Bar` the denials of ``item``'s acquisition for each purpose needing it
    make: consent where some purpose lacks only that (the person can give it), else
    notice where a linkage no purpose announces stands in the way, else none."""
    keys = {p: {w.key for w in d.why} or {"unknown"} for p, d in denials.items()}
    asking = frozenset(p for p, k in keys.items() if k <= _CONSENT_KEYS)
    if asking:
        return Bar("consent", asking, special=policy.items[item].special_care)
    if any("acquisition_linkage" in k for k in keys.values()):
        return Bar("notice")
    return Bar("")


def _taking(
    wf: Workflow, r: Request, ctx: Context, items: Iterable[str], in_sources: frozenset[str]
) -> tuple[list[tuple[frozenset[str], frozenset[str], Decision]], dict[str, Bar]]:
    """What acquiring ``items`` through the request comes to: the groups acquired (items,
    purposes, the decision they rest on), and the items no purpose may take, with why.

    An item is taken for the purposes of the person's data that require it (Art. 34(2):
    what the purposes need; an item a purpose lists as optional is never taken as chosen
    for it) and for which :meth:`pipolicy.Engine.acquire` would allow it (never special
    care-required data without the person's consent, Art. 20(2); never an identifier
    whose linkage no notified purpose announces, R-PRI-1; never an Individual Number,
    which needs the verification of the My Number Act Art. 16). Items taken for the same
    purposes are decided together, as one ``acquire`` would, each group on the facts
    the groups before it add (a linkage two groups make together is found); an item a
    group's decision refuses is decided on its own."""
    policy = wf.policy
    serving = _serving_purposes(wf, ctx, in_sources)
    now = wf.port.now()
    channel = _channel(r)

    def decide(facts: SubjectFacts, asked: Iterable[str], purposes: Iterable[str]) -> Decision:
        q = AcquisitionQuery(frozenset(asked), frozenset(purposes), channel=channel, source=r.id)
        return decide_acquisition(policy, facts, q, now)

    bars: dict[str, Bar] = {}
    by_purposes: dict[frozenset[str], set[str]] = {}
    for item in sorted(items):
        needing = [p for p in serving if item in policy.purposes[p].items]
        if item in policy.my_number_items:
            # Taken only with the number checked against the My Number card or a
            # resident record showing it (My Number Act Art. 16), which a request's
            # proof of identity is not: never added by a correction (R-MYN-1).
            bars[item] = Bar("number_verification", frozenset(needing))
            continue
        if not needing:
            listing = frozenset(p for p in serving if item in policy.purposes[p].optional_items)
            bars[item] = Bar("choice" if listing else "", listing)
            continue
        decided = {p: decide(ctx.facts, {item}, {p}) for p in needing}
        taking = frozenset(p for p, d in decided.items() if d.allowed)
        if taking:
            by_purposes.setdefault(taking, set()).add(item)
        else:
            bars[item] = _bar(policy, item, decided)
    facts = ctx.facts
    groups: list[tuple[frozenset[str], frozenset[str], Decision]] = []
    for purposes, group in sorted(by_purposes.items(), key=lambda e: sorted(e[0])):
        decision = decide(facts, group, purposes)
        parts = [frozenset(group)] if decision.allowed else [frozenset({i}) for i in sorted(group)]
        for part in parts:
            d = decision if decision.allowed else decide(facts, part, purposes)
            if not d.allowed:
                bars.update((i, _bar(policy, i, dict.fromkeys(purposes, d))) for i in part)
                continue
            groups.append((part, purposes, d))
            provisional = _acquisition(wf, r, part, purposes, id="")
            facts = attrs.evolve(facts, acquisitions=(*facts.acquisitions, provisional))
    return groups, bars


def _channel(r: Request) -> Channel:
    """How the request brought what it adds: by post, or by other means for an electronic
    request, which does not say whether a form or an e-mail brought it."""
    return Channel.MAIL if r.method == "mail" else Channel.OTHER


def _acquisition(
    wf: Workflow, r: Request, items: frozenset[str], purposes: frozenset[str], *, id: str
) -> Acquisition:
    """``items`` acquired for ``purposes`` through the request (its id the source)."""
    return Acquisition(
        id=id,
        subject_id=r.subject_id,
        items=items,
        purposes=purposes,
        channel=_channel(r),
        source=r.id,
        acquired_at=wf.port.now(),
        policy_version=wf.policy.version,
    )


def _barred(
    wf: Workflow,
    r: Request,
    ctx: Context,
    wanted: Mapping[str, object],
    held: frozenset[str],
    in_sources: frozenset[str],
) -> tuple[Request, dict[str, Bar], frozenset[str]]:
    """The items ``wanted`` would add that no purpose may lawfully take (:func:`_taking`),
    and the Individual Numbers it would change, with why, and the items of the policy the
    sources hold, if they were read.

    Such contents are not asked of the sources: they would hold what the business may
    not acquire (Arts. 17, 20(2), 21; R-ACQ-2, R-PRI-1). An item pipolicy has no record
    of may still be held by some sources: correcting it there acquires nothing, sending
    it to the others would (:func:`_holders`). The sources are read (once, kept with the
    request) only when some item it would add would be barred. A new Individual Number
    is taken in only through the verification of the My Number Act Art. 16, whether it
    adds one or changes one held (R-MYN-1): never sent to the sources."""
    numbers = wf.policy.my_number_items
    adding = {i for i, v in wanted.items() if v is not None and (i not in held or i in numbers)}
    _, bars = _taking(wf, r, ctx, adding, in_sources)
    if bars.keys() - held:
        r, in_sources = items_in_sources(wf, r, ctx.ref)
        _, bars = _taking(wf, r, ctx, adding, in_sources)
    holding = held | in_sources
    for item in bars.keys() & numbers & holding:
        bars[item] = attrs.evolve(bars[item], held=True)
    return r, bars, in_sources


def _holders(
    wf: Workflow, r: Request, ctx: Context, bars: Mapping[str, Bar], in_sources: frozenset[str]
) -> tuple[Request, dict[str, frozenset[str]]]:
    """Item -> the registered sources that hold it already, for the items of ``bars``
    some source holds: a correction corrects them there, and sends them to no source
    lacking them, which would add what no purpose may take (Art. 34(2), R-REQ-6). Not an
    Individual Number: changing it there would take in a new number unverified (R-MYN-1)."""
    correctable = {i for i, b in bars.items() if b.how != "number_verification"} & in_sources
    if not correctable:
        return r, {}
    r, by_source = held_by_source(wf, r, ctx.ref)
    holders = {
        i: frozenset(n for n in wf.sources if i in by_source.get(n, frozenset()))
        for i in sorted(correctable)
    }
    return r, {i: names for i, names in holders.items() if names}


def _acquired_by(
    wf: Workflow, r: Request, ctx: Context, added: frozenset[str], in_sources: frozenset[str]
) -> list[tuple[Acquisition, Decision]]:
    """The acquisitions a correction's additions make, each with the decision it rests
    on (:func:`_taking`). What no purpose may take was not asked of the sources
    (:func:`_barred`)."""
    if not added:
        return []
    groups, _ = _taking(wf, r, ctx, added, in_sources)
    return [
        (_acquisition(wf, r, items, purposes, id=wf.port.new_id()), decision)
        for items, purposes, decision in groups
    ]


def _recording(
    wf: Workflow, r: Request, acquired: list[tuple[Acquisition, Decision]]
) -> Callable[[UnitOfWork], None]:
    """Write ``acquired`` with their ``acquisition.recorded`` events, as
    :meth:`pipolicy.Engine.acquire` does (the decision's basis, reasons, citations and
    consents, so the log proves what the acquisition rests on), naming the request that
    brought them and Art. 34(2)."""
    version = wf.policy.version

    def write(uow: UnitOfWork) -> None:
        for a, d in acquired:
            uow.acquisitions.add(a)
            wf.port.audit(
                uow,
                "acquisition.recorded",
                a.subject_id,
                {
                    "allowed": True,
                    "basis": d.basis.value if d.basis else None,
                    "action": "acquisition",
                    "purpose": ",".join(sorted(a.purposes)),
                    "items": sorted(a.items),
                    "reasons": list(d.reasons),
                    "citations": [*d.citations, _ADDED_UNDER],
                    "rules": list(d.rules),
                    "consent_id": d.consent_id,
                    **(
                        {"more_consent_ids": list(d.more_consent_ids)} if d.more_consent_ids else {}
                    ),
                    "acquisition_id": a.id,
                    "channel": a.channel.value,
                    "source": a.source,
                    "policy_version": version,
                    "request_id": r.id,
                },
            )

    return write


_ADDED_UNDER = "APPI Art. 34(2)"
"""What a correction's addition rests on: contents added to the extent the purposes need."""


def _paragraphs(parts: Iterable[str | None]) -> str:
    """The explanation the given ``parts`` make, one paragraph each."""
    return "\n\n".join(p.strip() for p in parts if p)


def _not_retained_as(wf: Workflow, r: Request, parts: Iterable[str | None]) -> Answer:
    """Refuse ``r`` on ``not_retained`` with the explanation ``parts`` make."""
    return refuse(wf, r, G.NOT_RETAINED, _paragraphs(parts))


def _erased_earlier(
    wf: Workflow, ctx: Context, r: Request, items: frozenset[str], in_sources: frozenset[str]
) -> str:
    """Why ``items``, which a deletion in force erased, are not held: each deletion that
    took them, the request that asked for it (none for the business's own erasure,
    :meth:`pipolicy.Engine.record_erasure`) and its day in the policy's time zone; and
    that giving them again is how to have them held: for an item acquiring it anew needs
    more than the person giving it (their consent, their choice of a purpose, a purpose
    notified first, :func:`_taking`), what it needs."""
    policy = wf.policy
    _, bars = _taking(wf, r, ctx, items, in_sources)
    how = _bars_named(wf, r, {i: b for i, b in bars.items() if b.how})
    by_deletion: dict[str, tuple[Restriction, set[str]]] = {}
    for item in sorted(items):
        x = _erased_by(ctx, item, excluding=r.id)
        if x is not None:
            by_deletion.setdefault(x.id, (x, set()))[1].add(item)
    deletions = [
        {
            "request": x.request_id,
            "since": policy.local_date(x.since),
            "items": named_in(policy.items, taken, r.language),
        }
        for x, taken in sorted(by_deletion.values(), key=lambda e: (e[0].since, e[0].id))
    ]
    return wf.words(r)("erased_earlier", deletions=deletions, count=len(items), how=how)


def _bars_named(wf: Workflow, r: Request, bars: Mapping[str, Bar]) -> list[dict[str, object]]:
    """``bars`` for a template to word: each item named, with how it could be given and
    the purposes that bear on it, titled in the request's language."""
    policy, lang = wf.policy, r.language
    return [
        {
            **entry,
            "how": bars[entry["name"]].how,
            "purposes": named_in(policy.purposes, bars[entry["name"]].purposes, lang),
            "special": bars[entry["name"]].special,
            "held": bars[entry["name"]].held,
        }
        for entry in named_in(policy.items, bars, lang)
    ]


def _bars_told(
    wf: Workflow, r: Request, bars: Mapping[str, Bar], *, elsewhere: bool = False
) -> str:
    """Why the items ``bars`` names were not added, and how the person could give them;
    ``elsewhere``: they were corrected in the records holding them, added to no other."""
    return wf.words(r)("not_acquired", items=_bars_named(wf, r, bars), elsewhere=elsewhere)


def _erased_by(ctx: Context, item: str, *, excluding: str) -> Restriction | None:
    """The last deletion in force that erased ``item`` (as
    :func:`~pipolicy.requests.disclosure.erased` reads them): one naming it, or one
    naming none, which erased everything acquired up to it."""
    found: Restriction | None = None
    for x in ctx.facts.restrictions:
        if x.kind is not RestrictionKind.DELETED or x.since > ctx.now:
            continue
        if x.request_id == excluding:
            continue
        reached = x.items or frozenset().union(
            *(a.items for a in ctx.facts.acquisitions if a.acquired_at <= x.since)
        )
        if item in reached and (found is None or x.since >= found.since):
            found = x
    return found
