"""Resuming after a suspension: the person asks for what they stopped to start again.

A suspension of use or of provision (Art. 35) stands for as long as the person wants it,
not longer: one who signs up for the newsletter again, or agrees to the partner again,
has said so. :func:`resume` records that as a restriction of its own
(:attr:`RestrictionKind.LIFTED`) naming the request, so the history keeps both the
suspension and its end, and decisions from then on no longer meet the suspension. The
answered request itself is not changed: it was answered, and that answer stands.

A deletion is never lifted: the data is gone, and data collected again is held anew.
The application's data sources are not called: pipolicy's decisions allow again, and
the application lifts its own flags when it acts on them.
"""

from __future__ import annotations

from pipolicy.domain import checks
from pipolicy.domain.requests import RequestKind
from pipolicy.domain.restrictions import Restriction, RestrictionKind, lifted_requests
from pipolicy.domain.screening import screened
from pipolicy.errors import InvalidTransition
from pipolicy.requests.lifecycle import ANSWERED
from pipolicy.requests.workflow import Workflow
from pipolicy.storage.repositories import UnitOfWork

__all__ = ["resume"]

_SUSPENSIONS = frozenset({RequestKind.SUSPENSION_OF_USE, RequestKind.SUSPENSION_OF_PROVISION})


def resume(wf: Workflow, request_id: str, reason: str) -> Restriction:
    """The step :meth:`RequestService.resume`."""
    # Kept in the request.resumed event, which cannot forget (R-SEC-3): screened.
    why = screened(
        checks.statement(reason, "reason", ": what the person asked for, and how"), "reason"
    )
    port = wf.port

    def op(uow: UnitOfWork) -> Restriction:
        r = wf.load(uow, request_id)
        if r.kind not in _SUSPENSIONS:
            raise InvalidTransition(
                f"request {r.id} is a {r.kind.value} request: only a suspension is "
                "resumed (a deletion is never lifted; data collected again is held anew)"
            )
        if r.state not in ANSWERED:
            raise InvalidTransition(
                f"request {r.id} is {r.state.value}, not answered: nothing of it is in force "
                "to resume"
            )
        # Under the person's lock: the restrictions read are the ones in force now.
        facts = port.facts(uow, r.subject_id, history=False)
        now = port.now()
        if r.id in lifted_requests(facts.restrictions, now):
            raise InvalidTransition(f"request {r.id} was already lifted")
        ended = [
            x.id
            for x in facts.restrictions
            if x.request_id == r.id and x.kind is not RestrictionKind.LIFTED
        ]
        if not ended:
            raise InvalidTransition(f"request {r.id} put nothing in force to resume")
        lifted = Restriction(
            id=port.new_id(),
            subject_id=r.subject_id,
            kind=RestrictionKind.LIFTED,
            since=now,
            request_id=r.id,
        )
        uow.restrictions.add(lifted)
        wf.audit(
            uow,
            "request.resumed",
            r,
            restriction_id=lifted.id,
            restrictions=ended,
            reason=why,
        )
        return lifted

    return port.run(op)
