"""Grounds of APPI Art. 35 for a deletion or suspension request (R-REQ-7).

Two sources of grounds meet here: what pipolicy's own records show (:func:`investigate`,
built on :func:`pipolicy.requests.investigation.investigate_records`) and what the business
found itself and recorded with an explanation (:func:`record_ground`). Both feed the
request's :class:`Investigation`; refusal, fulfilment and the answer read the recorded
grounds back through :func:`recorded_grounds`, so how they are kept in the request's
details is known in this one module.
"""

from __future__ import annotations

from collections.abc import Mapping

from pipolicy.domain.checks import member, statement
from pipolicy.domain.requests import ART_35_GROUNDS, Art35Ground, Request, art_35_article
from pipolicy.errors import InvalidInput
from pipolicy.requests.investigation import (
    SUPPORTS,
    Finding,
    Investigation,
    RecordedGround,
    investigate_records,
)
from pipolicy.requests.lifecycle import note
from pipolicy.requests.workflow import Context, Workflow, require_verified, scope
from pipolicy.storage.repositories import UnitOfWork


def recorded_grounds(r: Request) -> tuple[RecordedGround, ...]:
    """The grounds of Art. 35 the business recorded, as kept in the request's details."""
    recorded = r.details.get("grounds")
    entries = recorded if isinstance(recorded, list) else []
    return tuple(RecordedGround.from_dict(x) for x in entries if isinstance(x, Mapping))


def record_ground(
    wf: Workflow, request_id: str, *, ground: Art35Ground | str, explanation: str
) -> Request:
    """The step :meth:`RequestService.record_ground`."""
    g = member(Art35Ground, ground, "ground of Art. 35")
    why = statement(explanation, "explanation", " (the person is told it)")
    port = wf.port

    def op(uow: UnitOfWork) -> Request:
        r = wf.load(uow, request_id)
        if r.kind not in ART_35_GROUNDS:
            raise InvalidInput(
                "grounds of APPI Art. 35 are recorded for deletion and suspension "
                f"requests, not {r.kind.value}"
            )
        require_verified(r, "given a ground")
        article = art_35_article(r.kind, g)
        if article is None:
            allowed = ", ".join(x.value for x in ART_35_GROUNDS[r.kind])
            raise InvalidInput(
                f"{g.value} is no ground for a {r.kind.value} request (APPI Art. 35(3) "
                f"cites Arts. 27 and 28, not Art. 19); its grounds: {allowed}"
            )
        now = port.now()
        recorded = [x for x in recorded_grounds(r) if x.ground is not g]
        recorded.append(RecordedGround(g, article, why, now))
        order = list(Art35Ground)
        recorded.sort(key=lambda x: order.index(x.ground))
        new = note(
            r,
            now,
            "ground_recorded",
            f"{g.value} ({article})",
            details={**r.details, "grounds": [x.to_dict() for x in recorded]},
        )
        uow.requests.update(new)
        wf.audit(uow, "request.ground_recorded", new, ground=g.value, article=article)
        return new

    return port.run(op)


def investigate(wf: Workflow, request_id: str) -> Investigation:
    """The step :meth:`RequestService.investigate`."""
    ctx = wf.context(request_id)
    r = ctx.request
    if r.kind not in SUPPORTS:
        raise InvalidInput(
            f"investigation applies to deletion and suspension requests, not {r.kind.value}"
        )
    inv = investigation(wf, ctx)
    payload = {
        "findings": len(inv.findings),
        "relevant": len(inv.relevant),
        "grounds": len(inv.grounds),
        "finding_kinds": sorted({f.kind.value for f in inv.relevant}),
    }
    if r.state.final:
        wf.port.run(lambda uow: wf.audit(uow, "request.investigated", r, **payload))
    else:
        new = note(
            r,
            ctx.now,
            "investigated",
            f"{len(inv.relevant)} relevant finding(s)",
            details={**r.details, "investigation": inv.to_dict()},
        )
        wf.save(new, [("request.investigated", payload)])
    return inv


def investigation(wf: Workflow, ctx: Context) -> Investigation:
    """What the records read in ``ctx`` show, with the grounds the business recorded."""
    findings = investigate_records(wf.policy, ctx.facts, ctx.provisions, ctx.events, ctx.now)
    r = ctx.request
    return Investigation(
        r.id,
        r.kind,
        r.subject_id,
        ctx.now,
        tuple(findings),
        scope(r),
        recorded=recorded_grounds(r),
    )


def findings(wf: Workflow, ctx: Context) -> tuple[tuple[Finding, ...], str | None]:
    """The relevant findings, and the paragraph saying what was checked and what the
    business found (when there is something to say: a finding or a recorded ground)."""
    inv = investigation(wf, ctx)
    words = wf.words(ctx.request)
    summary = (
        inv.summary(words.lang, words.dirs, wf.policy.controller)
        if inv.relevant or inv.recorded
        else None
    )
    return inv.relevant, summary
