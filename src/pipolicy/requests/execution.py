"""Carrying a request out on the application's data: source calls and restrictions.

Data sources live outside any transaction, so each call is recorded with the request as
soon as it returns (:func:`record`), and :func:`apply_each` skips a source that already did
the operation: a retry after a failure never applies the same change twice. Restrictions
are put in force once, before any source is called (:func:`restrict`); what an erasure
puts in force, erased or kept under a legal duty, is reckoned once (:func:`erasing`) for
a deletion and a correction's deleting contents alike. What a source answers is
reduced here to item names of the policy and words of a fixed vocabulary (R-REQ-10).
Refusal and withdrawal ask :func:`applied` whether the request is already partly
carried out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import datetime

import attrs

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.requests import Request
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.errors import InvalidInput
from pipolicy.requests.disclosure import duty
from pipolicy.requests.lifecycle import note
from pipolicy.requests.sources import DataSource, SourceFailed, SourceOutcome, action_word
from pipolicy.requests.workflow import Context, Workflow
from pipolicy.storage.repositories import UnitOfWork

APPLYING = frozenset({"correct", "erase", "restrict"})
"""Source operations that change the application's data: once one succeeded, the request
can only be carried through."""


def recorded_sources(r: Request) -> Mapping[str, object]:
    """Source name -> recorded outcome, as kept in the request's details."""
    recorded = r.details.get("sources")
    return recorded if isinstance(recorded, Mapping) else {}


def applied(r: Request) -> list[str]:
    """Sources that already changed the application's data for ``r``."""
    recorded = recorded_sources(r)
    return sorted(
        str(name)
        for name, o in recorded.items()
        if isinstance(o, Mapping) and o.get("ok") and o.get("operation") in APPLYING
    )


def record(wf: Workflow, r: Request, outcome: SourceOutcome) -> Request:
    """Keep one source's outcome with the request, at once."""
    sources = dict(recorded_sources(r))
    sources[outcome.source] = outcome.to_dict()
    text = f"{outcome.source}: {outcome.operation}" + (
        f" failed ({outcome.error})" if not outcome.ok else " done"
    )
    new = note(
        r,
        outcome.at,
        "source_done" if outcome.ok else "source_failed",
        text,
        details={**r.details, "sources": sources},
    )
    return wf.save(
        new,
        [
            (
                "request.source_done" if outcome.ok else "request.source_failed",
                {
                    "source": outcome.source,
                    "operation": outcome.operation,
                    "items": sorted(outcome.items),
                    "unknown_items": outcome.unknown_items,
                    "error": outcome.error,
                },
            )
        ],
    )


def call_source(
    wf: Workflow, name: str, operation: str, call: Callable[[], Mapping[str, object]]
) -> tuple[SourceOutcome, Mapping[str, object]]:
    """Call one source; its outcome keeps only item names of the policy, with words
    of the operation's vocabulary, and counts the other keys (R-REQ-10)."""
    now = wf.port.now()
    try:
        result = call()
        if not isinstance(result, Mapping):
            raise TypeError(f"{operation} must return a mapping")
        data = dict(result)
    except Exception as e:  # any failure of the application's code is recorded
        return SourceOutcome(name, operation, False, now, error=type(e).__name__), {}
    declared = wf.policy.items
    words = {
        k: "disclosed" if operation == "export" else action_word(operation, v)
        for k, v in sorted(data.items(), key=lambda kv: str(kv[0]))
        if isinstance(k, str) and k in declared
    }
    outcome = SourceOutcome(
        name, operation, True, now, items=words, unknown_items=len(data) - len(words)
    )
    return outcome, data


def apply_each(
    wf: Workflow,
    r: Request,
    operation: str,
    call: Callable[[str, DataSource], Mapping[str, str]],
    *,
    to: Collection[str] | None = None,
) -> tuple[Request, list[SourceOutcome]]:
    """Call each source (by name; only those named in ``to``, if given: the others have
    nothing to do) that has not yet done ``operation`` for this request."""
    done = recorded_sources(r)
    outcomes: list[SourceOutcome] = []
    for name, source in wf.sources.items():
        if to is not None and name not in to:
            continue
        prior = done.get(name)
        if isinstance(prior, Mapping) and prior.get("ok") and prior.get("operation") == operation:
            outcomes.append(SourceOutcome.from_dict(name, prior))
            continue
        outcome, _ = call_source(wf, name, operation, functools.partial(call, name, source))
        r = record(wf, r, outcome)
        outcomes.append(outcome)
    if not all(o.ok for o in outcomes):
        raise SourceFailed(r.id, outcomes)
    return r, outcomes


def export_all(
    wf: Workflow, r: Request, ref: str
) -> tuple[list[SourceOutcome], dict[str, Mapping[str, object]]]:
    """Every source's ``export`` for the person: the outcomes, and each source's data.
    A failing export is recorded with the request, and :class:`SourceFailed` raised
    once all were asked, so nothing is carried out on half the answers."""
    outcomes: list[SourceOutcome] = []
    exports: dict[str, Mapping[str, object]] = {}
    for name, source in wf.sources.items():
        outcome, data = call_source(wf, name, "export", functools.partial(source.export, ref))
        if outcome.ok:
            exports[name] = data
        outcomes.append(outcome)
    if not all(o.ok for o in outcomes):
        for o in outcomes:
            if not o.ok:
                r = record(wf, r, o)
        raise SourceFailed(r.id, outcomes)
    return outcomes, exports


def items_in_sources(wf: Workflow, r: Request, ref: str) -> tuple[Request, frozenset[str]]:
    """The items of the policy the registered sources hold for the person, read from each
    source's ``export``: the data pipolicy has no acquisition record of (a migration from
    an older system) is the person's too (R-REQ-6, R-REQ-7).

    Only the keys are kept: the values are dropped at once, never stored or logged, and
    keys the policy does not declare are ignored. Read once per request and kept with it
    (names only), so a retry after a failing source reaches the same items though some
    sources have already erased them. A failing export is recorded and raises
    :class:`SourceFailed` before anything is carried out.
    """
    known = r.details.get("held_in_sources")
    if isinstance(known, list):
        return r, frozenset(str(x) for x in known)
    if not wf.sources:
        return r, frozenset()
    r, by_source = _read_sources(wf, r, ref)
    return r, frozenset[str]().union(*by_source.values())


def held_by_source(wf: Workflow, r: Request, ref: str) -> tuple[Request, dict[str, frozenset[str]]]:
    """Source name -> the items of the policy it holds for the person, read and kept with
    the request as :func:`items_in_sources` reads them (names only). A correction sends
    what it may not add only to the sources that hold it already (R-REQ-6)."""
    known = r.details.get("held_by_source")
    if isinstance(known, Mapping):
        return r, _by_source(known)
    return _read_sources(wf, r, ref)


def _by_source(known: Mapping[str, object]) -> dict[str, frozenset[str]]:
    return {
        str(name): frozenset(str(x) for x in items) if isinstance(items, list) else frozenset()
        for name, items in known.items()
    }


def _read_sources(wf: Workflow, r: Request, ref: str) -> tuple[Request, dict[str, frozenset[str]]]:
    """Every source's ``export`` for the person, kept with the request as item names:
    all together (``held_in_sources``) and per source (``held_by_source``)."""
    outcomes, _ = export_all(wf, r, ref)
    by_source = {o.source: sorted(o.items) for o in outcomes}
    items = sorted({item for o in outcomes for item in o.items})
    undeclared = sum(o.unknown_items for o in outcomes)
    counted = {"undeclared_in_sources": undeclared} if undeclared else {}
    new = note(
        r,
        wf.port.now(),
        "sources_read",
        f"{len(items)} item(s) of the policy held in the sources",
        details={
            **r.details,
            "held_in_sources": items,
            "held_by_source": by_source,
            **counted,
        },
    )
    saved = wf.save(new, [("request.sources_read", {"items": items, **counted})])
    return saved, _by_source(by_source)


def undeclared_in_sources(r: Request) -> int:
    """How many keys the policy does not declare the sources held for the person when
    :func:`items_in_sources` read them for ``r`` (0 if none, or not read). Such a key may
    itself be personal data, so only the count is kept; but it is the person's data, and
    "we hold none" would be untrue while a source holds it."""
    count = r.details.get("undeclared_in_sources")
    return count if isinstance(count, int) and not isinstance(count, bool) else 0


def erasing(
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
    that record both (erased; kept with their use suspended), for :func:`restrict`."""
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


def _restrictions(
    r: Request,
    specs: Iterable[tuple[RestrictionKind, frozenset[str], frozenset[str]]],
    recipients: frozenset[str],
    since: datetime,
    new_id: Callable[[], str],
) -> list[Restriction]:
    """The restrictions ``r`` puts in force: one per (kind, items, purposes) of ``specs``."""
    return [
        Restriction(
            id=new_id(),
            subject_id=r.subject_id,
            kind=kind,
            since=since,
            request_id=r.id,
            items=items,
            purposes=purposes,
            recipients=recipients,
        )
        for kind, items, purposes in specs
    ]


def in_force(
    facts: SubjectFacts,
    r: Request,
    specs: Iterable[tuple[RestrictionKind, frozenset[str], frozenset[str]]],
    recipients: frozenset[str],
    now: datetime,
) -> SubjectFacts:
    """The person's ``facts`` as decisions will read them once :func:`restrict` has put
    ``r``'s restrictions in force at ``now``: for an answer to say what they leave going
    before anything is done (its wording may fail, and nothing is then done that the
    person is not told)."""
    made = _restrictions(r, specs, recipients, now, lambda: "")
    return attrs.evolve(facts, restrictions=(*facts.restrictions, *made))


def restrict(
    wf: Workflow,
    r: Request,
    specs: Iterable[tuple[RestrictionKind, frozenset[str], frozenset[str]]],
    recipients: frozenset[str] = frozenset(),
) -> tuple[Request, list[str]]:
    """Put the request's restrictions in force once, before any source is called,
    so decisions are denied even while a source is failing."""
    existing = r.details.get("restrictions")
    if isinstance(existing, list):
        return r, [str(x) for x in existing]
    now = wf.port.now()
    made = _restrictions(r, specs, recipients, now, wf.port.new_id)
    ids = [x.id for x in made]
    new = note(
        r,
        now,
        "restricted",
        ", ".join(x.kind.value for x in made),
        details={**r.details, "restrictions": ids},
    )

    def add(uow: UnitOfWork) -> None:
        for x in made:
            uow.restrictions.add(x)

    audit = [
        (
            "request.restricted",
            {
                "restriction_id": x.id,
                "restriction": x.kind.value,
                "items": sorted(x.items),
                "purposes": sorted(x.purposes),
                "recipients": sorted(x.recipients),
            },
        )
        for x in made
    ]
    return wf.save(new, audit, before=add), ids


def withdraw_consents(wf: Workflow, r: Request) -> Request:
    """End every consent the person has in force, once, as a deletion of all their data
    asks: whoever asks to have everything erased has not left their consent to marketing,
    or to a partner, standing for data they may give again later (R-REQ-7, R-CON-2).
    The ids are kept with the request (``consents_withdrawn``), so a retry ends nothing
    twice."""
    if isinstance(r.details.get("consents_withdrawn"), list):
        return r
    now = wf.port.now()

    def op(uow: UnitOfWork) -> Request:
        ids = list(wf.port.withdraw_consents(uow, r.subject_id, {"by_request": r.id}))
        new = note(
            r,
            now,
            "consents_withdrawn",
            str(len(ids)),
            details={**r.details, "consents_withdrawn": ids},
        )
        uow.requests.update(new)
        wf.audit(uow, "request.consents_withdrawn", new, consents=ids)
        return new

    return wf.port.run(op)


def require_no_undeclared(r: Request, named: frozenset[str]) -> None:
    """Raise :class:`InvalidInput` if ``r``, about every item (none ``named``), finds the
    sources holding the person's data under keys the policy does not declare
    (:func:`undeclared_in_sources`): refusing it as
    ``not_retained`` would tell the person the business holds none of their data (a
    disclosure lists those keys), and pipolicy cannot reach data it has no name for."""
    count = undeclared_in_sources(r)
    if count and not named:
        raise InvalidInput(
            f"request {r.id}: the sources hold {count} item(s) of the person's data under "
            'keys the policy does not declare, so "we hold none" would be untrue; declare '
            "them under [items], or answer the request by hand"
        )
