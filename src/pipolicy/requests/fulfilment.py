"""Fulfilment: carrying out a verified request, per kind, and answering it (Arts. 32-35).

:func:`fulfil` dispatches on the request's kind: purpose notification and provision
records answer from pipolicy's records; disclosure adds every source's export, less what
the business withheld; deletion and the suspensions change the application's data
through :mod:`pipolicy.requests.execution`, and so does the correction, carried out by
:mod:`pipolicy.requests.correction`. Each ends in
:func:`~pipolicy.requests.completion.complete` (fulfilled or partially fulfilled, with
the statement and the outcome kept) or in a refusal on ``not_retained`` when nothing is
held. Kept apart from the facade so the rules of each kind of answer can be read side
by side.

The correction, which records what it adds, has a module of its own; what it shares
with the others (closing a request, :mod:`.completion`; the erasure account,
:func:`~pipolicy.requests.execution.erasing`) sits where both import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.requests import (
    RefusalGround,
    Request,
    RequestKind,
    RequestState,
    ground_article,
)
from pipolicy.domain.restrictions import RestrictionKind
from pipolicy.errors import InvalidInput
from pipolicy.requests.answering import build
from pipolicy.requests.answers import Answer, Retained
from pipolicy.requests.completion import complete, not_retained
from pipolicy.requests.correction import correct
from pipolicy.requests.disclosure import (
    consented_receipts,
    disclosed_receipts,
    disclosed_records,
    disclosure_report,
    holdings,
    provision_records_report,
    purposes_report,
    representatives_missing,
)
from pipolicy.requests.execution import (
    apply_each,
    erasing,
    export_all,
    in_force,
    items_in_sources,
    require_no_undeclared,
    restrict,
    withdraw_consents,
)
from pipolicy.requests.grounds import findings as relevant_findings
from pipolicy.requests.intake import check_changes
from pipolicy.requests.lifecycle import check
from pipolicy.requests.sources import SourceOutcome
from pipolicy.requests.statements import (
    fulfilment_statement,
    not_stopped,
    receipt_label,
    record_label,
    spared,
)
from pipolicy.requests.withholding import withheld, withhold_all
from pipolicy.requests.wording import named as named_in
from pipolicy.requests.workflow import Context, Workflow, scope, unstoppable

K = RequestKind
G = RefusalGround


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
        wf.policy,
        r,
        ctx.provisions,
        ctx.now,
        named,
        withheld=w_records,
        acquisitions=shown,
        consented=consented_receipts(ctx.events),
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


def delete(wf: Workflow, ctx: Context) -> Answer:
    """A deletion (Art. 35(1)): a restriction in force, then every source's ``erase``;
    items under a legal retention duty are kept, their use suspended."""
    r, held = held_scope(wf, ctx, excluding=ctx.request.id)
    if not held.reached:
        return nothing_held(wf, r, held.named)
    erasable, retained, specs = erasing(wf, ctx, r, held.reached, held.recorded)
    findings, summary = relevant_findings(wf, ctx)
    r, ids = restrict(wf, r, specs)
    if not held.named:
        # Everything erased: no consent stays to reach what the person may give again.
        r = withdraw_consents(wf, r)
    outcomes: list[SourceOutcome] = []
    if erasable:
        r, outcomes = apply_each(wf, r, "erase", lambda _, s: s.erase(ctx.ref, erasable))
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
        wf, r, "restrict", lambda _, s: s.restrict(ctx.ref, kind, reached, purposes)
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
