"""The written answer: what an answered request keeps, and the :class:`Answer` made from it.

:mod:`pipolicy.requests.answers` defines the :class:`Answer` value; this module builds one
from a stored request, both when a step answers (refusal, fulfilment, withholding) and
when :meth:`RequestService.answer` rebuilds it later from what is stored. Kept apart so
every way of closing a request produces its answer, and drops the correction values from
its details, in the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from pipolicy.domain.requests import RefusalGround, Request, ground_article
from pipolicy.errors import InvalidInput, InvalidTransition
from pipolicy.policy.model import Policy
from pipolicy.policy.texts import text_in
from pipolicy.requests.answers import Answer, Retained, Withheld, extensions
from pipolicy.requests.delivery import delivered_by
from pipolicy.requests.execution import recorded_sources
from pipolicy.requests.grounds import recorded_grounds
from pipolicy.requests.investigation import Finding
from pipolicy.requests.lifecycle import charged_fee
from pipolicy.requests.sources import SourceOutcome
from pipolicy.requests.statements import extension_statement
from pipolicy.requests.workflow import Workflow

LEGAL_RETENTION = RefusalGround.LEGAL_RETENTION


def answered_details(details: Mapping[str, object], **outcome: object) -> dict[str, object]:
    """Details of an answered request: correction values dropped, the outcome added."""
    out = {k: v for k, v in details.items() if k != "changes"}
    changes = details.get("changes")
    if isinstance(changes, Mapping):
        out["changed_items"] = sorted(str(k) for k in changes)
    if outcome:
        out["outcome"] = dict(outcome)
    return out


def build(
    wf: Workflow,
    r: Request,
    *,
    report: Mapping[str, Any] | None = None,
    changes: Mapping[str, str] | None = None,
    retained: Iterable[Retained] = (),
    sources: Iterable[SourceOutcome] = (),
    restrictions: Iterable[str] = (),
    findings: Iterable[Finding] = (),
) -> Answer:
    """The :class:`Answer` to the answered request ``r``, with what the step knows.

    Every instant it carries is in the policy's time zone: the person reads them (the
    JSON answer), and the day must be the one the letter prints."""
    assert r.statement is not None
    policy = wf.policy
    outcome = r.details.get("outcome")
    withheld = outcome.get("withheld") if isinstance(outcome, Mapping) else None
    return Answer(
        request_id=r.id,
        kind=r.kind,
        state=r.state,
        statement=r.statement,
        method=delivered_by(r),
        answered_at=policy.local(r.history[-1][1]),
        controller=policy.controller,
        ground=r.ground,
        fee=charged_fee(r),  # also for a request stored before refusals dropped the fee
        report=report,
        changes=dict(changes or {}),
        retained=tuple(retained),
        sources=tuple(attrs.evolve(o, at=policy.local(o.at)) for o in sources),
        restrictions=tuple(restrictions),
        findings=tuple(attrs.evolve(f, at=policy.local(f.at)) for f in findings),
        withheld=tuple(
            Withheld.from_dict(x)
            for x in (withheld if isinstance(withheld, list) else [])
            if isinstance(x, Mapping)
        ),
        grounds=tuple(attrs.evolve(g, at=policy.local(g.at)) for g in recorded_grounds(r)),
        extensions=tuple(
            attrs.evolve(e, at=policy.local(e.at), due=policy.local(e.due)) for e in extensions(r)
        ),
        language=r.language,
        timezone=policy.timezone,
        titles=titles(policy, r.language),
        templates=wf.port.templates,
    )


def extension_notice(wf: Workflow, r: Request) -> Answer:
    """The notice telling the person that the deadline of the open request ``r`` was
    extended, to when and why (R-REQ-8), as an :class:`Answer` that prints like any
    other: its state is the request's own, it owes no fee, and it is dated the day of
    the latest extension. Built on demand, never stored: the final answer tells the
    extensions again."""
    if r.state.final:
        raise InvalidTransition(
            f"request {r.id} is {r.state.value}: its answer tells the extensions; "
            "print it with answer()"
        )
    told = extensions(r)
    if not told:
        raise InvalidInput(f"request {r.id} has not been extended: there is nothing to notify")
    statement = extension_statement(wf.words(r), wf.policy, r)
    notice = build(wf, attrs.evolve(r, statement=statement))
    return attrs.evolve(notice, fee=0, answered_at=wf.policy.local(told[-1].at))


def titles(policy: Policy, lang: str) -> dict[str, str]:
    """The policy's items, purposes and recipients by ``"<kind>:<name>"``, titled in
    ``lang``: what a letter needs to name them without the policy at hand."""
    out: dict[str, str] = {}
    for kind, entities in (
        ("item", policy.items),
        ("purpose", policy.purposes),
        ("recipient", policy.recipients),
    ):
        for name, entity in entities.items():
            out[f"{kind}:{name}"] = str(text_in(entity, "title", lang) or name)
    return out


def rebuild(wf: Workflow, r: Request) -> Answer:
    """The answer to the answered request ``r``, from what is stored (no report)."""
    outcome = r.details.get("outcome")
    out: Mapping[str, object] = outcome if isinstance(outcome, Mapping) else {}
    changes = out.get("changes")
    retained = out.get("retained")
    restrictions = out.get("restrictions")
    return build(
        wf,
        r,
        changes=changes if isinstance(changes, Mapping) else None,
        retained=[
            # An answer stored before the article was kept cites it as the table does now.
            Retained(
                str(x["item"]),
                str(x["reason"]),
                article=str(x.get("article") or ground_article(r.kind, LEGAL_RETENTION)),
            )
            for x in (retained if isinstance(retained, list) else [])
        ],
        sources=[
            SourceOutcome.from_dict(name, data)
            for name, data in recorded_sources(r).items()
            if isinstance(data, Mapping)
        ],
        restrictions=[str(x) for x in (restrictions if isinstance(restrictions, list) else [])],
    )
