"""How a fulfilment closes a request: answered, or refused on what it finds.

Every kind's fulfilment ends in :func:`complete` (fulfilled or partially fulfilled, with
the statement and the outcome kept and audited) or in :func:`refuse`, when carrying the
request out finds a ground to refuse it (``not_retained``: nothing it asks about is
held). Kept apart from :mod:`.fulfilment`, which dispatches on the kind, so that the
modules of each kind (:mod:`.correction`) close a request the same way without
importing the dispatcher.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pipolicy.domain.requests import RefusalGround, Request, RequestState
from pipolicy.requests.answering import answered_details, build
from pipolicy.requests.answers import Answer
from pipolicy.requests.lifecycle import advance
from pipolicy.requests.refusal import refused
from pipolicy.requests.workflow import Workflow
from pipolicy.storage.repositories import UnitOfWork


def not_retained(wf: Workflow, r: Request, why: str, **facts: object) -> Answer:
    """Refuse ``r`` on ``not_retained``: nothing it asks about is held; ``why`` names
    the macro that words the explanation (``no_data``, ``no_records``...)."""
    return refuse(wf, r, RefusalGround.NOT_RETAINED, wf.words(r)(why, **facts))


def refuse(
    wf: Workflow, r: Request, ground: RefusalGround, explanation: str, *, case: str = ""
) -> Answer:
    """``r`` refused by the fulfilment itself on ``ground``, saved and audited; ``case``
    words the ground for one case of the kind (:func:`.refusal.refused`)."""
    new = refused(wf, r, ground, explanation, wf.port.now(), case=case)
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
    return complete_with(wf, r, state, statement, items, outcome)


def complete_with(
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
