"""Fulfilment: carrying out a verified request, per kind, and answering it (Arts. 32-35).

:func:`fulfil` dispatches on the request's kind: purpose notification and provision
records answer from pipolicy's records; disclosure adds every source's export, less what
the business withheld; correction, deletion and the suspensions change the application's
data through :mod:`pipolicy.requests.execution`. Each ends in :func:`complete` (fulfilled
or partially fulfilled, with the statement and the outcome kept) or in a refusal on
``not_retained`` when nothing is held. Kept apart from the facade so the rules of each
kind of answer can be read side by side.

Why one module of this length (about 850 lines): every kind's answer reads best beside
the others, as the refusals it shares with them (``not_retained``) and the account of
what an erasure keeps under a legal duty (a deletion's, and a correction's deleting
contents) do. It is past the length where that still pays: the split to make next is
the correction (:func:`correct` and its helpers, about 330 lines since it records what
it adds) into a module of its own, with :func:`complete`, :func:`not_retained` and the
erasure account moved where both modules can import them without a cycle (``fulfil``
dispatches to each kind).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import attrs

from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.decisions import Decision
from pipolicy.domain.requests import (
    RefusalGround,
    Request,
    RequestKind,
    RequestState,
    ground_article,
)
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.errors import InvalidInput
from pipolicy.requests.answering import answered_details, build
from pipolicy.requests.answers import Answer, Retained
from pipolicy.requests.disclosure import (
    disclosed_receipts,
    disclosed_records,
    disclosure_report,
    duty,
    erased,
    held_purposes,
    holdings,
    jsonable,
    kept_under_duty,
    needed_items,
    provision_records_report,
    purposes_report,
    representatives_missing,
)
from pipolicy.requests.execution import (
    apply_each,
    export_all,
    in_force,
    items_in_sources,
    require_no_undeclared,
    restrict,
    withdraw_consents,
)
from pipolicy.requests.grounds import findings as relevant_findings
from pipolicy.requests.intake import check_changes
from pipolicy.requests.lifecycle import advance, check
from pipolicy.requests.refusal import refused
from pipolicy.requests.sources import SourceOutcome
from pipolicy.requests.statements import (
    fulfilment_statement,
    not_stopped,
    receipt_label,
    record_label,
    spared,
)
from pipolicy.requests.withholding import asked_items, withheld, withhold_all
from pipolicy.requests.wording import named as named_in
from pipolicy.requests.workflow import Context, Workflow, scope, unstoppable
from pipolicy.rules.acquisition import AcquisitionQuery, decide_acquisition
from pipolicy.storage.repositories import UnitOfWork

K = RequestKind
G = RefusalGround
_NOW_READS = frozenset({"corrected", "added"})
"""Actions after which an item holds the value asked for (not ``deleted``, ``done``)."""


def fulfil(wf: Workflow, request_id: str, changes: Mapping[str, object] | None) -> Answer:
    """The step :meth:`RequestService.fulfil`."""
    extra = None if changes is None else check_changes(wf.policy, changes)
    ctx = wf.context(request_id)
    check(ctx.request, RequestState.FULFILLED)
    kind = ctx.request.kind
    if extra is not None and kind is not K.CORRECTION:
        # Ignored, they would let the application believe it corrected something.
        raise InvalidInput(
            f"request {request_id} is a {kind.value} request: only a correction takes changes"
        )
    if kind is K.DISCLOSURE:
        return disclose(wf, ctx)
    if kind is K.PURPOSE_NOTIFICATION:
        return notify_purposes(wf, ctx)
    if kind is K.PROVISION_RECORDS:
        return disclose_records(wf, ctx)
    if kind is K.CORRECTION:
        return correct(wf, ctx, extra)
    if kind is K.DELETION:
        return delete(wf, ctx)
    return suspend(wf, ctx)


def not_retained(wf: Workflow, r: Request, why: str, **facts: object) -> Answer:
    """Refuse ``r`` on ``not_retained``: nothing it asks about is held; ``why`` names
    the macro that words the explanation (``no_data``, ``no_records``...)."""
    return _refused(wf, r, G.NOT_RETAINED, wf.words(r)(why, **facts))


def _refused(wf: Workflow, r: Request, ground: RefusalGround, explanation: str) -> Answer:
    """``r`` refused by the fulfilment itself on ``ground``, saved and audited."""
    new = refused(wf, r, ground, explanation, wf.port.now())
    return build(
        wf, wf.save(new, [("request.refused", {"ground": ground.value, "by": "fulfilment"})])
    )


def complete(
    wf: Workflow,
    r: Request,
    state: RequestState,
    statement: str,
    *,
    items: Iterable[str] = (),
    **outcome: object,
) -> Request:
    """``r`` answered in ``state`` with ``statement``, its outcome kept and audited."""
    return _complete(wf, r, state, statement, items, outcome)


def _complete(
    wf: Workflow,
    r: Request,
    state: RequestState,
    statement: str,
    items: Iterable[str],
    outcome: Mapping[str, object],
    before: Callable[[UnitOfWork], None] | None = None,
) -> Request:
    """:func:`complete`; ``before`` writes what the answer records with it (a correction's
    acquisitions), in the same unit of work."""
    now = wf.port.now()
    new = advance(
        r,
        state,
        now,
        state.value,
        "",
        statement=statement,
        details=answered_details(r.details, **outcome),
    )
    retained = outcome.get("retained")
    payload: dict[str, object] = {
        "state": state.value,
        "items": sorted(items),
        "retained": [x["item"] for x in retained] if isinstance(retained, list) else [],
    }
    if "undeclared_items" in outcome:
        payload["undeclared_items"] = outcome["undeclared_items"]
    withheld = outcome.get("withheld")
    if isinstance(withheld, list):
        payload["withheld_items"] = sorted(str(x["item"]) for x in withheld if x.get("item"))
        payload["withheld_records"] = sorted(
            str(x["record_id"]) for x in withheld if x.get("record_id")
        )
    return wf.save(new, [("request.fulfilled", payload)], before=before)


def disclose(wf: Workflow, ctx: Context) -> Answer:
    """A disclosure (Art. 33(1)): pipolicy's records and every source's export."""
    policy = wf.policy
    r = ctx.request
    outcomes, exports = export_all(wf, r, ctx.ref)
    named = scope(r)
    withheld_parts = withheld(r)
    present = set(holdings(ctx.facts, ctx.now))
    for data in exports.values():
        present |= {str(k) for k in data}
    if named:
        present &= named
    listed = disclosed_records(ctx.provisions, named)
    labels = {p.id: record_label(policy, p, r.language) for p in listed}
    # Withholding covers only what the answer would have disclosed: naming anything
    # else would tell the person it is held.
    applied = [
        w
        for w in withheld_parts
        if ((w.item in present) if w.item is not None else (w.record_id in labels))
    ]
    w_items = frozenset(w.item for w in applied if w.item is not None)
    w_records = frozenset(w.record_id for w in applied if w.record_id is not None)
    if not present:
        return not_retained(wf, r, "no_data", named=bool(named))
    if w_items == present and w_records == set(labels):
        return withhold_all(wf, r, applied, labels)
    report = disclosure_report(
        policy,
        r,
        ctx.facts,
        ctx.provisions,
        exports,
        ctx.now,
        named,
        withheld_items=w_items,
        withheld_records=w_records,
        deletions=ctx.deletions,
    )
    reported = [str(x["item"]) for x in report["items"]]  # type: ignore[attr-defined]
    # A source may hold data under keys the policy does not name; such a key may be
    # personal data itself, so the statement and the records only count them.
    items = [i for i in reported if i in policy.items]
    others = len(reported) - len(items)
    records = report["provision_records"]
    assert isinstance(records, list)
    if applied:
        report["withheld"] = [w.to_dict() for w in applied]
    words = wf.words(r)
    body = [
        words(
            "disclosed",
            count=len(reported),
            items=named_in(policy.items, items, r.language),
            others=others,
        ),
        words("report_enclosed", records=len(records)),
    ]
    kept = report["kept_under_duty"]
    assert isinstance(kept, list)
    if kept:
        body.append(words("kept_under_duty", items=kept))
    not_held = named - set(items) - w_items
    state = RequestState.PARTIALLY_FULFILLED if not_held or applied else RequestState.FULFILLED
    statement = fulfilment_statement(
        words, policy, r, body, not_held=not_held, withheld=applied, labels=labels
    )
    # Reading is harmless to repeat, so exports are recorded only with the answer.
    r = attrs.evolve(r, details={**r.details, "sources": {o.source: o.to_dict() for o in outcomes}})
    extra: dict[str, object] = {"undeclared_items": others} if others else {}
    if applied:
        extra["withheld"] = [w.to_dict() for w in applied]
    done = complete(wf, r, state, statement, items=items, **extra)
    return build(wf, done, report=report, sources=outcomes)


def notify_purposes(wf: Workflow, ctx: Context) -> Answer:
    """A purpose notification (Art. 32(2)), from pipolicy's records and the items of the
    policy the sources hold (names only): data pipolicy never recorded acquiring is
    retained all the same, and "we hold none" would be untrue."""
    r, in_sources = items_in_sources(wf, ctx.request, ctx.ref)
    report = purposes_report(wf.policy, r, ctx.facts, ctx.now, in_sources, deletions=ctx.deletions)
    purposes, kept = report["purposes"], report["kept_under_duty"]
    assert isinstance(purposes, list) and isinstance(kept, list)
    if not purposes and not kept and in_sources:
        # Held, but for no purpose the policy publishes: "we hold none" would be untrue.
        raise InvalidInput(
            f"request {r.id}: the sources hold {sorted(in_sources)}, which no purpose of the "
            "policy covers; declare their purposes, or answer the request by hand"
        )
    if not purposes and not kept:
        require_no_undeclared(r, frozenset())
        return not_retained(wf, r, "no_data", named=False)
    words = wf.words(r)
    body = []
    if purposes:
        named_purposes = [{"name": p["name"], "title": p["title"]} for p in purposes]
        body.append(words("purposes", purposes=named_purposes))
    if kept:
        body.append(words("kept_under_duty", items=kept))
    statement = fulfilment_statement(words, wf.policy, r, body)
    done = complete(wf, r, RequestState.FULFILLED, statement)
    return build(wf, done, report=report)


def disclose_records(wf: Workflow, ctx: Context) -> Answer:
    """A disclosure of the records of provision to others and of receipt from others
    (Art. 33(5), of Arts. 29 and 30), less the records the business withheld."""
    r = ctx.request
    named = scope(r)
    listed = disclosed_records(ctx.provisions, named)
    received = _with_representatives(disclosed_receipts(ctx.facts.acquisitions, named), ctx)
    if not listed and not received:
        return not_retained(wf, r, "no_records")
    labels = {p.id: record_label(wf.policy, p, r.language) for p in listed}
    labels.update({a.id: receipt_label(wf.policy, a) for a in received})
    applied = [w for w in withheld(r) if w.record_id in labels]
    w_records = frozenset(w.record_id for w in applied if w.record_id is not None)
    if w_records == set(labels):
        return withhold_all(wf, r, applied, labels)
    shown = [a for a in received if a.id not in w_records]
    report = provision_records_report(
        wf.policy, r, ctx.provisions, ctx.now, named, withheld=w_records, acquisitions=shown
    )
    records = report["provision_records"]
    assert isinstance(records, list)
    words = wf.words(r)
    body = [words("records_disclosed", count=len(records) + len(shown))]
    extra: dict[str, object] = {}
    if applied:
        report["withheld"] = extra["withheld"] = [w.to_dict() for w in applied]
    state = RequestState.PARTIALLY_FULFILLED if applied else RequestState.FULFILLED
    statement = fulfilment_statement(words, wf.policy, r, body, withheld=applied, labels=labels)
    done = complete(wf, r, state, statement, items=(), **extra)
    return build(wf, done, report=report)


def _with_representatives(received: list[Acquisition], ctx: Context) -> list[Acquisition]:
    """``received``, each with its provider's representative: an acquisition recorded
    before revision 0011 holds it only in its ``acquisition.recorded`` event."""
    if not representatives_missing(received):
        return received
    recorded: dict[object, str] = {}
    for e in ctx.events:
        named = e.payload.get("provider_representative")
        if e.kind == "acquisition.recorded" and isinstance(named, str):
            recorded[e.payload.get("acquisition_id")] = named
    return [
        a
        if a.provider_representative is not None or a.id not in recorded
        else attrs.evolve(a, provider_representative=recorded[a.id])
        for a in received
    ]


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
    erased_part = _erased_earlier(wf, ctx, r, readded) if readded else None
    in_sources: frozenset[str] = frozenset()
    if not held:
        # pipolicy recorded nothing held: the sources may still hold data it never heard of.
        r, in_sources = items_in_sources(wf, r, ctx.ref)
        if not in_sources - gone:
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
    named_beyond = named_in(wf.policy.items, beyond, r.language)
    if not wanted:
        explanation = words("beyond_purposes_named", items=named_beyond)
        return _refused(wf, r, G.BEYOND_PURPOSES, _paragraphs([explanation, erased_part]))
    # Contents deleted (Art. 34(1) "deletion of contents") are no longer held: recorded
    # as a deletion, before any source is called, so that decisions, a disclosure and a
    # notification of purposes no longer count them (R-REQ-6, R-REQ-7). Contents another
    # law has the business keep (the tax law's invoices) are not erased: that law's own
    # procedure corrects them (Art. 34(2)); they are kept, their use suspended, as a
    # deletion request would keep them (R-REQ-7).
    emptied = frozenset(item for item, value in wanted.items() if value is None)
    _, retained, specs = _erasing(wf, ctx, r, emptied, recorded)
    wanted = {item: value for item, value in wanted.items() if item not in retained}
    ids: list[str] = []
    if specs:
        r, ids = restrict(wf, r, specs)
    outcomes: list[SourceOutcome] = []
    if wanted:
        r, outcomes = apply_each(wf, r, "correct", lambda s: s.correct(ctx.ref, wanted))
    applied: dict[str, str] = {}
    for item in sorted(changes):
        actions = [o.items[item] for o in outcomes if item in o.items]
        applied[item] = next((a for a in actions if a != "not_held"), "not_held")
        if item in beyond:
            applied[item] = G.BEYOND_PURPOSES.value
        elif item in retained:
            applied[item] = G.LEGAL_RETENTION.value
    kept = [Retained(i, why, article=_KEPT_UNDER_ANOTHER_LAW) for i, why in retained.items()]
    not_held = {i for i, a in applied.items() if a == "not_held"}
    # Told apart, with the deletion that took them (``erased_part``), not as never held.
    plain_not_held = not_held - readded
    if not_held | beyond == set(applied):
        if declined:
            return withhold_all(wf, r, declined, {})
        absent_part = words("not_held", items=named_in(wf.policy.items, plain_not_held, r.language))
        if beyond:
            explanation = words("beyond_purposes_named", items=named_beyond)
            shown: str | None = absent_part if plain_not_held or not readded else None
            return _refused(
                wf, r, G.BEYOND_PURPOSES, _paragraphs([explanation, erased_part, shown])
            )
        if erased_part:
            kept_apart = absent_part if plain_not_held else None
            return _not_retained_as(wf, r, [erased_part, kept_apart])
        return not_retained(wf, r, "none_corrected")
    done_items = {i: a for i, a in applied.items() if i not in not_held | beyond | set(retained)}
    body = []
    if done_items:
        changed = [
            {**entry, "action": done_items[entry["name"]]}
            for entry in named_in(wf.policy.items, done_items, r.language)
        ]
        body.append(words("corrected", changes=changed))
    if beyond:
        body.append(words("beyond_purposes", items=named_beyond))
    if erased_part:
        body.append(erased_part)
    partial = not_held or beyond or declined or retained
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
        i for i in done_items if i not in held and any(o.items.get(i) == "added" for o in outcomes)
    )
    acquired = _acquired_by(wf, r, ctx, added, in_sources)
    outcome: dict[str, object] = {"changes": applied}
    if declined:
        outcome["withheld"] = [w.to_dict() for w in declined]
    if kept:
        outcome["retained"] = [k.to_dict() for k in kept]
    if ids:
        outcome["restrictions"] = ids
    if acquired:
        outcome["acquisitions"] = [a.id for a, _ in acquired]
    recording = _recording(wf, r, acquired) if acquired else None
    done = _complete(wf, r, state, statement, done_items, outcome, recording)
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


def _acquired_by(
    wf: Workflow, r: Request, ctx: Context, added: frozenset[str], in_sources: frozenset[str]
) -> list[tuple[Acquisition, Decision]]:
    """The acquisitions a correction's additions make, each with the decision it rests
    on: each item for the purposes of the person's data that require it (Art. 34(2):
    what the purposes need; an item a purpose lists as optional is never taken as
    chosen for it), through the request (its id the source; by post, or by other means
    for an electronic request, which does not say whether a form or an e-mail brought
    it), and only where :meth:`pipolicy.Engine.acquire` would be allowed (never special
    care-required data without the person's consent, Art. 20(2)): the sources then hold
    what the person asked for, but nothing pipolicy decides rests on it."""
    if not added:
        return []
    policy = wf.policy
    serving = _serving_purposes(wf, ctx, in_sources)
    by_purposes: dict[frozenset[str], set[str]] = {}
    for item in sorted(added):
        purposes = frozenset(p for p in serving if item in policy.purposes[p].items)
        if purposes:  # else no purpose requires it, or a source held it already
            by_purposes.setdefault(purposes, set()).add(item)
    now = wf.port.now()
    channel = Channel.MAIL if r.method == "mail" else Channel.OTHER
    made = []
    for purposes, items in sorted(by_purposes.items(), key=lambda e: sorted(e[0])):
        asked = AcquisitionQuery(frozenset(items), purposes, channel=channel, source=r.id)
        decision = decide_acquisition(policy, ctx.facts, asked, now)
        if not decision.allowed:
            continue
        acquisition = Acquisition(
            id=wf.port.new_id(),
            subject_id=r.subject_id,
            items=frozenset(items),
            purposes=purposes,
            channel=channel,
            source=r.id,
            acquired_at=now,
            policy_version=policy.version,
        )
        made.append((acquisition, decision))
    return made


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
    return _refused(wf, r, G.NOT_RETAINED, _paragraphs(parts))


def _erased_earlier(wf: Workflow, ctx: Context, r: Request, items: frozenset[str]) -> str:
    """Why ``items``, which a deletion in force erased, are not held: each deletion that
    took them, the request that asked for it (none for the business's own erasure,
    :meth:`pipolicy.Engine.record_erasure`) and its day in the policy's time zone; and
    that giving them again is how to have them held."""
    policy = wf.policy
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
    return wf.words(r)("erased_earlier", deletions=deletions, count=len(items))


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


@attrs.frozen
class Held:
    """What a deletion or suspension finds held for the person, and what it reaches."""

    recorded: Mapping[str, list[Acquisition]]
    """Items pipolicy's records hold, with the acquisitions that brought them."""
    items: frozenset[str]
    """Those items and the items of the policy the sources hold."""
    named: frozenset[str]
    """The items the request names; none names every item."""

    @property
    def reached(self) -> frozenset[str]:
        """The named items held, or everything held if none are named."""
        return self.named & self.items if self.named else self.items

    @property
    def not_held(self) -> frozenset[str]:
        return self.named - self.items


def held_scope(wf: Workflow, ctx: Context, *, excluding: str | None = None) -> tuple[Request, Held]:
    """What is held for the request: pipolicy's records (less what deletions erased,
    but for ``excluding``'s own) and what the sources hold. The request comes back
    with the sources' items kept (:func:`items_in_sources`)."""
    r, in_sources = items_in_sources(wf, ctx.request, ctx.ref)
    recorded = holdings(ctx.facts, ctx.now, excluding=excluding)
    return r, Held(recorded, frozenset(recorded) | in_sources, scope(r))


def nothing_held(wf: Workflow, r: Request, named: frozenset[str]) -> Answer:
    """Refuse ``r`` on ``not_retained``: none of the items it reaches is held."""
    require_no_undeclared(r, named)
    return not_retained(wf, r, "no_data", named=bool(named))


def _erasing(
    wf: Workflow,
    ctx: Context,
    r: Request,
    items: frozenset[str],
    recorded: Mapping[str, Iterable[Acquisition]],
) -> tuple[
    frozenset[str], dict[str, str], list[tuple[RestrictionKind, frozenset[str], frozenset[str]]]
]:
    """What erasing ``items`` comes to: those erased, those a legal duty keeps (with why:
    a deletion's, and a correction's deleting contents, R-REQ-7), and the restrictions
    that record both (erased; kept with their use suspended)."""
    retained = {
        i: why
        for i in sorted(items)
        if (why := duty(wf.policy, i, recorded.get(i, ()), ctx.now, r.language))
    }
    erased = items - set(retained)
    specs = []
    if erased:
        specs.append((RestrictionKind.DELETED, erased, frozenset[str]()))
    if retained:
        specs.append((RestrictionKind.SUSPEND_USE, frozenset(retained), frozenset[str]()))
    return erased, retained, specs


def delete(wf: Workflow, ctx: Context) -> Answer:
    """A deletion (Art. 35(1)): a restriction in force, then every source's ``erase``;
    items under a legal retention duty are kept, their use suspended."""
    r, held = held_scope(wf, ctx, excluding=ctx.request.id)
    if not held.reached:
        return nothing_held(wf, r, held.named)
    erasable, retained, specs = _erasing(wf, ctx, r, held.reached, held.recorded)
    findings, summary = relevant_findings(wf, ctx)
    r, ids = restrict(wf, r, specs)
    if not held.named:
        # Everything erased: no consent stays to reach what the person may give again.
        r = withdraw_consents(wf, r)
    outcomes: list[SourceOutcome] = []
    if erasable:
        r, outcomes = apply_each(wf, r, "erase", lambda s: s.erase(ctx.ref, erasable))
    article = ground_article(r.kind, G.LEGAL_RETENTION)
    kept = [Retained(i, why, article=article) for i, why in sorted(retained.items())]
    not_held = held.not_held
    words = wf.words(r)
    body = []
    if erasable:
        body.append(words("deleted", items=named_in(wf.policy.items, erasable, r.language)))
    state = RequestState.PARTIALLY_FULFILLED if retained or not_held else RequestState.FULFILLED
    statement = fulfilment_statement(
        words,
        wf.policy,
        r,
        body,
        retained=retained,
        retained_article=article,
        not_held=not_held,
        findings=summary,
    )
    done = complete(
        wf,
        r,
        state,
        statement,
        items=erasable,
        erased=sorted(erasable),
        retained=[k.to_dict() for k in kept],
        restrictions=ids,
        findings=[f.to_dict() for f in findings],
    )
    return build(wf, done, retained=kept, sources=outcomes, restrictions=ids, findings=findings)


def suspend(wf: Workflow, ctx: Context) -> Answer:
    """A suspension of use or of provision (Art. 35(1), (3)): a restriction in force,
    then every source's ``restrict``."""
    r = ctx.request
    kind = (
        RestrictionKind.SUSPEND_USE
        if r.kind is K.SUSPENSION_OF_USE
        else RestrictionKind.SUSPEND_PROVISION
    )
    r, held = held_scope(wf, ctx)
    if not held.reached:
        return nothing_held(wf, r, held.named)
    named, reached = held.named, held.reached
    purposes = scope(r, "purposes")
    findings, summary = relevant_findings(wf, ctx)
    # The recipients named that it can stop; those it cannot were refused at intake and
    # are told why in the answer (an answer naming only those was refused at submit).
    recipients = scope(r, "recipients") - unstoppable(r)
    specs = [(kind, named, purposes)]
    policy, lang = wf.policy, r.language
    words = wf.words(r)
    # Worded before anything is done: a template that cannot word it (an application's
    # own, written for another version) stops the answer before the restriction and
    # the sources, which a retry would not undo.
    body = [
        words(
            "suspended",
            since=policy.local_date(ctx.now),
            use=kind is RestrictionKind.SUSPEND_USE,
            recipients=named_in(policy.recipients, recipients, lang),
            # The items named that are held: one not held is told apart (not_held).
            items=named_in(policy.items, named & reached, lang),
            purposes=named_in(policy.purposes, purposes, lang),
        )
    ]
    if kind is RestrictionKind.SUSPEND_PROVISION:
        after = in_force(ctx.facts, r, specs, recipients, ctx.now)
        going = spared(words, policy, r, after, ctx.now, reached)
        body += [going] if going is not None else []
    refused_part = not_stopped(words, policy, r, partial=True)
    if refused_part is not None:
        body.append(refused_part)
    r, ids = restrict(wf, r, specs, recipients)
    r, outcomes = apply_each(
        wf, r, "restrict", lambda s: s.restrict(ctx.ref, kind, reached, purposes)
    )
    not_held = held.not_held
    partial = not_held or refused_part is not None
    state = RequestState.PARTIALLY_FULFILLED if partial else RequestState.FULFILLED
    statement = fulfilment_statement(
        words,
        policy,
        r,
        body,
        not_held=not_held,
        findings=summary,
        suspension=(
            "use"
            if kind is RestrictionKind.SUSPEND_USE
            else "recipients"
            if recipients
            else "provision"
        ),
    )
    done = complete(
        wf,
        r,
        state,
        statement,
        items=reached,
        restrictions=ids,
        findings=[f.to_dict() for f in findings],
    )
    return build(wf, done, sources=outcomes, restrictions=ids, findings=findings)
