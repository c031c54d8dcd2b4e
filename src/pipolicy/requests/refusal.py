"""Closing a request without carrying it out: refusal and withdrawal (R-REQ-4, R-REQ-7).

Which grounds a request may be refused on (:func:`allowed_grounds`, per kind and per
state), the refused request with the written statement the person receives
(:func:`refused`, shared by verification, the business and fulfilment), and the guard
that stops refusing or withdrawing a request already partly carried out
(:func:`require_untouched`). Kept together so every way a request ends unfulfilled obeys
the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from pipolicy.domain.checks import member, written_reason
from pipolicy.domain.decisions import Basis
from pipolicy.domain.requests import (
    PROCEDURAL_GROUNDS,
    ApplicantKind,
    RefusalGround,
    Request,
    RequestKind,
    RequestState,
    grounds_for,
)
from pipolicy.errors import InvalidInput, InvalidTransition
from pipolicy.requests.answering import answered_details
from pipolicy.requests.disclosure import (
    disclosed_receipts,
    disclosed_records,
    duty,
    holdings,
    needed_items,
)
from pipolicy.requests.execution import applied, items_in_sources, undeclared_in_sources
from pipolicy.requests.grounds import investigation
from pipolicy.requests.lifecycle import advance, check
from pipolicy.requests.statements import refusal_statement, withdrawal_statement
from pipolicy.requests.workflow import Context, Workflow, scope
from pipolicy.storage.repositories import UnitOfWork

G = RefusalGround


def allowed_grounds(kind: RequestKind) -> frozenset[RefusalGround]:
    """Grounds on which a request of ``kind`` may be refused (R-REQ-4, R-REQ-7), as the
    one table :data:`pipolicy.domain.requests.REFUSAL_GROUNDS` gives them per article.

    A disclosure may be withheld only on the three grounds of Art. 33(2), a purpose
    notification only on those of Art. 32(2), a correction only because the contents are
    accurate (Art. 34(1)), a deletion or suspension only for want of an Art. 35 ground or
    for an alternative measure (deletion also for a legal retention duty); the procedural
    grounds and ``not_retained`` are open for every kind.
    """
    return grounds_for(kind)


def require_untouched(r: Request, action: str) -> None:
    """Raise :class:`InvalidTransition` once ``r`` is partly carried out (R-REQ-4, R-REQ-7).

    Its restrictions deny decisions citing it and some sources may have erased or changed
    data: refusing or withdrawing it now would leave a refused request whose effects stand.
    """
    done_by = applied(r)
    if not isinstance(r.details.get("restrictions"), list) and not done_by:
        return
    done = []
    if isinstance(r.details.get("restrictions"), list):
        done.append("its restrictions are in force")
    if done_by:
        done.append(f"data source(s) {', '.join(done_by)} already carried it out")
    raise InvalidTransition(
        f"request {r.id} cannot be {action}: {' and '.join(done)}, so the business "
        "decided to honour it. Fix the failing source and call fulfil() again to finish it."
    )


def refused(
    wf: Workflow,
    r: Request,
    ground: RefusalGround,
    explanation: str,
    now: datetime,
    details: Mapping[str, object] | None = None,
    *,
    provided: bool = False,
    case: str = "",
) -> Request:
    """``r`` refused on ``ground``, with the written statement the person receives;
    ``provided``: pipolicy's records show the data it is about provided to others;
    ``case``: the case of the ground it is worded for (:func:`refusal_statement`)."""
    return advance(
        r,
        RequestState.REFUSED,
        now,
        "refused",
        ground.value,
        ground=ground,
        statement=refusal_statement(
            wf.words(r), wf.policy, r, ground, explanation, provided=provided, case=case
        ),
        details=answered_details(r.details if details is None else details),
    )


def refuse(
    wf: Workflow,
    request_id: str,
    *,
    ground: RefusalGround | str,
    explanation: str,
    verification_withdrawn: bool = False,
) -> Request:
    """The step :meth:`RequestService.refuse`, up to the refused request."""
    g = member(RefusalGround, ground, "refusal ground")
    why = written_reason(explanation, "explanation")
    if not isinstance(verification_withdrawn, bool):
        raise InvalidInput("verification_withdrawn must be True or False")
    port = wf.port
    # What the sources hold, read before the refusal's unit (sources live outside any
    # transaction), as fulfilment reads it: a refusal must agree with what it would find.
    in_sources, undeclared = (
        source_items(wf, request_id, g)
        if g in _READS_SOURCES and wf.sources
        else (frozenset[str](), 0)
    )

    def op(uow: UnitOfWork) -> Request:
        r = wf.load(uow, request_id)
        check(r, RequestState.REFUSED)
        accepted = allowed_grounds(r.kind)
        if g not in accepted:
            allowed = ", ".join(sorted(x.value for x in accepted))
            raise InvalidInput(
                f"a {r.kind.value} request cannot be refused on {g.value}; "
                f"allowed grounds for {r.kind.value}: {allowed}"
            )
        if r.state is RequestState.RECEIVED and g not in PROCEDURAL_GROUNDS:
            procedural = ", ".join(sorted(x.value for x in PROCEDURAL_GROUNDS))
            raise InvalidTransition(
                f"request {r.id} is not verified: verify first. Before verification it "
                f"may be refused only on {procedural}; {g.value} would tell an "
                "applicant not yet identified whether data is held"
            )
        require_untouched(r, "refused")
        _require_fits_verification(r, g, verification_withdrawn)
        if g in (G.NO_GROUND_UNDER_ART_35, G.ALTERNATIVE_MEASURE):
            _require_no_opt_out(wf, r, g)
        provided = False
        if g is G.NO_GROUND_UNDER_ART_35:
            ctx = wf.read(uow, r)
            _require_no_ground(wf, ctx)
            provided = _provided(ctx)
        elif g is G.NOT_RETAINED:
            _require_nothing_held(wf.read(uow, r))
            _require_none_of(r, _about(r), in_sources, "the registered sources hold items")
            if undeclared:  # keys the policy does not name: counted, never named
                raise InvalidInput(
                    f"request {r.id} cannot be refused on {G.NOT_RETAINED.value}: the "
                    f"registered sources hold {undeclared} item(s) under keys the policy "
                    "does not declare (the person's data: a disclosure lists them); fulfil "
                    "it, or answer it by hand"
                )
        elif g is G.LEGAL_RETENTION:
            _require_a_duty(wf, wf.read(uow, r), in_sources)
        elif g is G.BEYOND_PURPOSES:
            _require_beyond_purposes(wf, wf.read(uow, r), in_sources)
        elif g is G.CONTENTS_ACCURATE:
            require_contents_held(r, _about(r), wf.read(uow, r), in_sources)
        new = refused(wf, r, g, why, port.now(), provided=provided)
        if verification_withdrawn:
            event, at, text = new.history[-1]
            new = attrs.evolve(
                new, history=(*new.history[:-1], (event, at, f"{text}; verification withdrawn"))
            )
        uow.requests.update(new)
        wf.audit(
            uow,
            "request.refused",
            new,
            ground=g.value,
            by="business",
            **({"verification_withdrawn": True} if verification_withdrawn else {}),
        )
        return new

    return port.run(op)


_READS_SOURCES = frozenset(
    {G.NOT_RETAINED, G.LEGAL_RETENTION, G.BEYOND_PURPOSES, G.CONTENTS_ACCURATE}
)
"""Grounds whose refusal must agree with what the registered sources hold."""


def _require_fits_verification(r: Request, ground: RefusalGround, withdrawn: bool) -> None:
    """Raise unless ``ground`` fits what is known of the applicant (R-REQ-2, R-REQ-3).

    ``agency_unconfirmed`` tells the applicant an agent's authority could not be
    confirmed (Art. 37(3)): a request the person made themselves has no agent, so it is
    never the ground (:class:`InvalidInput`). Once :func:`verify` found the documents
    sufficient, a procedural ground contradicts that finding; it stands only if the
    business says it withdraws the finding (``withdrawn``: documents found forged or
    void after all), which the history and the audit event then record
    (:class:`InvalidTransition` without it). ``withdrawn`` with any other ground, or for
    a request never verified, would record a withdrawal that did not happen
    (:class:`InvalidInput`)."""
    if ground is G.AGENCY_UNCONFIRMED and r.applicant.kind is ApplicantKind.PERSON:
        raise InvalidInput(
            f"request {r.id} cannot be refused on {ground.value}: the person made it "
            "themselves, through no agent, so there is no agent's authority to confirm "
            "(APPI Art. 37(3)); refuse it on identity_unconfirmed or documents_incomplete"
        )
    procedural = ground in PROCEDURAL_GROUNDS
    verified = r.state is RequestState.VERIFIED
    if withdrawn and not (procedural and verified):
        why = "it is not verified" if not verified else f"{ground.value} is not procedural"
        raise InvalidInput(
            f"request {r.id}: verification_withdrawn=True is only for refusing a verified "
            "request on identity_unconfirmed, agency_unconfirmed or documents_incomplete "
            f"after its documents were found not to prove it; {why}"
        )
    if procedural and verified and not withdrawn:
        raise InvalidTransition(
            f"request {r.id} was verified: its documents were found sufficient, and "
            f"refusing it on {ground.value} would say they were not. If they were found "
            "forged or void since, say so: refuse(..., verification_withdrawn=True)"
        )


def require_contents_held(
    r: Request, named: frozenset[str], ctx: Context, in_sources: frozenset[str]
) -> None:
    """Raise :class:`InvalidInput` if a correction is answered "the contents are true"
    (``contents_accurate``, Art. 34(1)) for an item of ``named`` that is not held, in
    pipolicy's records or a registered source: such an item has no contents to be true
    (adding it is refused, if at all, on ``beyond_purposes``; deleting it finds nothing
    held). Changes not given at submit are the business's word."""
    held = frozenset(holdings(ctx.facts, ctx.now)) | in_sources
    absent = sorted(named - held)
    if absent:
        raise InvalidInput(
            f"request {r.id} cannot be answered on {G.CONTENTS_ACCURATE.value} for "
            f"{', '.join(absent)}: the item is not held, so there are no contents to be "
            "found true (APPI Art. 34(1)); fulfil it, or refuse an addition on "
            "beyond_purposes"
        )


def _require_no_opt_out(wf: Workflow, r: Request, ground: RefusalGround) -> None:
    """Raise :class:`InvalidInput` if the suspension of provision ``r`` reaches provision
    by opt-out (R-TPP-8): Art. 27(2) allows it only to a business that stops it at the
    person's request, so that request needs no ground of Art. 35 and leaves no room for
    another measure. It reaches the recipients it names (every one if none), for the
    items it names (every one if none) that the recipient's opt-out covers."""
    if r.kind is not RequestKind.SUSPENSION_OF_PROVISION:
        return
    policy = wf.policy
    if "opt_out" not in policy.provision_grounds:
        return
    named, items = scope(r, "recipients"), scope(r)
    reached = sorted(
        name
        for name, recipient in policy.recipients.items()
        if recipient.opt_out is not None
        and (not named or name in named)
        and (not items or items & recipient.opt_out.items)
    )
    if reached:
        raise InvalidInput(
            f"request {r.id} cannot be refused on {ground.value}: it asks to stop provision "
            f"by opt-out to {', '.join(reached)}, which the business must stop at the "
            "person's request (APPI Art. 27(2)); fulfil it"
        )


_NOT_TO_A_THIRD_PARTY = frozenset({Basis.ENTRUSTMENT, Basis.JOINT_USE, Basis.BUSINESS_SUCCESSION})
"""Provision bases whose recipient is no third party (Art. 27(5)(i)-(iii))."""


def _provided(ctx: Context) -> bool:
    """Do pipolicy's records show the data ``ctx.request`` is about (its items, or any)
    provided to a third party? Only then may its answer say "we provide it to third
    parties lawfully" (「第三者に提供しており」): an entrustee, a successor or a joint user
    is no third party (Art. 27(5))."""
    named = scope(ctx.request)
    return any(
        (not named or p.items & named) and p.basis not in _NOT_TO_A_THIRD_PARTY
        for p in ctx.provisions
    )


def _require_no_ground(wf: Workflow, ctx: Context) -> None:
    """Raise :class:`InvalidInput` if a ground of Art. 35 stands for ``ctx.request``: one
    the business recorded, or one pipolicy's records show (``ctx`` is read under the
    person's lock). A refusal "for want of a ground" would then tell the person
    something the business's own records contradict."""
    r = ctx.request
    inv = investigation(wf, ctx)
    if not inv.supports:
        return
    found = []
    if inv.recorded:
        recorded = ", ".join(x.ground.value for x in inv.recorded)
        found.append(f"the business recorded {recorded}")
    if inv.grounds:
        shown = ", ".join(sorted({f.kind.value for f in inv.grounds}))
        found.append(f"pipolicy's records show {shown}")
    raise InvalidInput(
        f"request {r.id} cannot be refused on {G.NO_GROUND_UNDER_ART_35.value}: a ground "
        f"of APPI Art. 35 stands for it ({'; '.join(found)}); fulfil it, or refuse it on "
        "alternative_measure"
    )


def _about(r: Request) -> frozenset[str]:
    """The items ``r`` is about: those it names (a correction: the items it changes);
    none named means every item."""
    changes = r.details.get("changes")
    if isinstance(changes, Mapping):
        return frozenset(str(k) for k in changes)
    return scope(r)


def _require_nothing_held(ctx: Context) -> None:
    """Raise :class:`InvalidInput` if pipolicy's records show held what ``ctx.request``
    is about: for a provision records request, a record of provision or receipt it would
    disclose; otherwise an item held. Saying "we hold none" would contradict them."""
    r = ctx.request
    named = _about(r)
    if r.kind is RequestKind.PROVISION_RECORDS:
        count = len(disclosed_records(ctx.provisions, named)) + len(
            disclosed_receipts(ctx.facts.acquisitions, named)
        )
        if count:
            raise InvalidInput(
                f"request {r.id} cannot be refused on {G.NOT_RETAINED.value}: pipolicy's "
                f"records hold {count} record(s) of provision or receipt it covers; fulfil it"
            )
        return
    _require_none_of(
        r,
        named,
        frozenset(holdings(ctx.facts, ctx.now)),
        "pipolicy's records show items held for the person",
    )


def source_items(
    wf: Workflow, request_id: str, ground: RefusalGround
) -> tuple[frozenset[str], int]:
    """The items of the policy the registered sources hold for the person of a verified
    request about data that ``ground`` may refuse
    (:func:`~pipolicy.requests.execution.items_in_sources`); none, and no source read,
    for a request the refusal fails on before (its state, its kind's grounds), or one
    about records rather than data. With them, for a request naming no items, how many
    keys the policy does not declare the sources hold: the person's data all the same (a
    disclosure lists them), so "the data does not exist" (Art. 33(3)) or "we hold none"
    would be untrue. Such a key may itself be personal data: only counted, never kept."""

    def read(uow: UnitOfWork) -> tuple[Request, str | None]:
        # The request and the person's ref only: the records are read under the lock.
        r = wf.load(uow, request_id)
        subject = uow.subjects.get(r.subject_id)
        return r, None if subject is None else subject.ref

    r, ref = wf.port.run(read, write=False)
    if (
        ref is None
        or r.state is not RequestState.VERIFIED
        or r.kind is RequestKind.PROVISION_RECORDS
        or ground not in allowed_grounds(r.kind)
    ):
        return frozenset(), 0
    r, items = items_in_sources(wf, r, ref)
    return items, 0 if _about(r) else undeclared_in_sources(r)


def _require_none_of(r: Request, named: frozenset[str], held: frozenset[str], who: str) -> None:
    """Raise :class:`InvalidInput` if ``held`` has an item ``r`` is about (``named``, or
    any when none is named): "we hold none" would be untrue."""
    shown = held & named if named else held
    if shown:
        raise InvalidInput(
            f"request {r.id} cannot be refused on {G.NOT_RETAINED.value}: {who}"
            f"{' among those it names' if named else ''}: "
            f"{', '.join(sorted(shown))}; fulfil it, or refuse it on another ground"
        )


def _require_beyond_purposes(wf: Workflow, ctx: Context, in_sources: frozenset[str]) -> None:
    """Raise :class:`InvalidInput` unless the correction ``ctx.request`` asks to add
    items, and only items, that no purpose of the person's data needs: it is owed to the
    extent necessary to achieve the purposes of use (Art. 34(2)), and the letter says
    "the contents you asked us to add go beyond" them. A change to an item held, or a
    deletion of one not held, adds nothing: fulfilment answers those (as corrected, or
    not held), as it would. A request whose changes were not given in its details is
    refused on the business's word, as on any ground pipolicy cannot check."""
    r = ctx.request
    within = _about(r) & needed_items(
        wf.policy, ctx.facts, ctx.now, in_sources, deletions=ctx.deletions
    )
    if within:
        raise InvalidInput(
            f"request {r.id} cannot be refused on {G.BEYOND_PURPOSES.value}: the purposes "
            f"of use of the person's data need {', '.join(sorted(within))} "
            "(APPI Art. 34(2)); fulfil it, or refuse it on another ground"
        )
    changes = r.details.get("changes")
    asked = changes if isinstance(changes, Mapping) else {}
    held = set(holdings(ctx.facts, ctx.now)) | in_sources
    touched = sorted(str(i) for i in asked if str(i) in held)
    added = [str(i) for i, v in asked.items() if v is not None and str(i) not in held]
    if asked and (touched or not added):  # changes not given: the business's word
        what = f"it changes items held ({', '.join(touched)})" if touched else "it adds nothing"
        raise InvalidInput(
            f"request {r.id} cannot be refused on {G.BEYOND_PURPOSES.value}: {what} "
            "(the ground is for contents a correction would add, APPI Art. 34(2)); "
            "fulfil it, or refuse it on another ground"
        )


def _require_a_duty(wf: Workflow, ctx: Context, in_sources: frozenset[str]) -> None:
    """Raise :class:`InvalidInput` unless a legal retention duty the policy declares
    holds now for every item ``ctx.request`` reaches that is held (the named ones, or
    all): in pipolicy's records, or only in a source, where a duty on the item itself
    counts. An item no duty covers is deleted, so the request is fulfilled, in part,
    and the items under a duty are reported kept (R-REQ-7)."""
    r = ctx.request
    recorded = holdings(ctx.facts, ctx.now)
    held = frozenset(recorded) | in_sources
    named = _about(r)
    items = named & held if named else held
    free = sorted(
        i for i in items if not duty(wf.policy, i, recorded.get(i, ()), ctx.now, r.language)
    )
    if items and not free:
        return
    problem = (
        f"no item it reaches is held ({', '.join(sorted(named))})"
        if not items
        else f"no retention duty the policy declares holds now for {', '.join(free)}"
    )
    raise InvalidInput(
        f"request {r.id} cannot be refused on {G.LEGAL_RETENTION.value}: {problem}; fulfil "
        "it: items under a duty are kept and reported as legal_retention, the rest deleted"
    )


def withdraw(wf: Workflow, request_id: str) -> Request:
    """The step :meth:`RequestService.withdraw`."""
    port = wf.port

    def op(uow: UnitOfWork) -> Request:
        r = wf.load(uow, request_id)
        check(r, RequestState.WITHDRAWN)
        require_untouched(r, "withdrawn")
        now = port.now()
        new = advance(
            r,
            RequestState.WITHDRAWN,
            now,
            "withdrawn",
            "",
            statement=withdrawal_statement(wf.words(r), wf.policy, r, now),
            details=answered_details(r.details),
        )
        uow.requests.update(new)
        wf.audit(uow, "request.withdrawn", new)
        return new

    return port.run(op)
