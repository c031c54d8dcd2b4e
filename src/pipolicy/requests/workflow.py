"""The plumbing every request step shares: one place to read, save and audit a request.

Each step of :class:`pipolicy.requests.service.RequestService` is one unit of work on the
engine's store. The modules that carry the steps out (:mod:`.intake`, :mod:`.refusal`,
:mod:`.withholding`, :mod:`.grounds`, :mod:`.execution`, :mod:`.fulfilment`,
:mod:`.correction`, :mod:`.completion`, :mod:`.answering`) reach the engine only through
the :class:`Workflow` kept here, which holds the engine's
:class:`~pipolicy.requests.ports.RequestPort` (never the engine itself), so loading a
request, saving it with its audit events and reading a consistent :class:`Context` are
written once. This module imports none of them (nor the service), so
it sits at the bottom of the import graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

import attrs

from pipolicy.domain import checks
from pipolicy.domain.audit import AuditEvent
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import Request, RequestKind, RequestState
from pipolicy.errors import InvalidInput, InvalidTransition, RequestNotFound
from pipolicy.policy.model import Policy
from pipolicy.requests.disclosure import referable_receipts, representatives_missing
from pipolicy.requests.investigation import SUPPORTS
from pipolicy.requests.lifecycle import require_open
from pipolicy.requests.ports import RequestPort
from pipolicy.requests.sources import DataSource
from pipolicy.requests.wording import Wording, wording
from pipolicy.storage.repositories import SubjectFacts, UnitOfWork


@attrs.frozen
class Context:
    """One consistent read of a request and its subject's records."""

    request: Request
    facts: SubjectFacts
    provisions: tuple[ProvisionRecord, ...]
    events: tuple[AuditEvent, ...]
    now: datetime
    deletions: frozenset[str] = frozenset()
    """The ids of the person's deletion requests: a suspension of use one of them put in
    force keeps items for a legal duty alone (Art. 35(2) proviso), one a suspension
    request put in force does not (:func:`~pipolicy.requests.disclosure.kept_under_duty`)."""

    @property
    def ref(self) -> str:
        return self.facts.subject.ref


class Workflow:
    """The engine's port (store, clock, ids, audit) and the registered data sources, as
    the request steps use them."""

    def __init__(self, port: RequestPort) -> None:
        self.port = port
        self.sources: dict[str, DataSource] = {}

    @property
    def policy(self) -> Policy:
        return self.port.policy

    def words(self, r: Request) -> Wording:
        """The wording of ``r``'s texts: its language, the engine's template directories."""
        return wording(r.language, self.port.templates, controller=self.port.policy.controller)

    def load(self, uow: UnitOfWork, request_id: str) -> Request:
        if not isinstance(request_id, str) or not request_id:
            raise InvalidInput("request_id must be the id returned by submit()")
        checks.name(request_id, "request_id")  # no NUL, surrogates or runaway lengths
        r = uow.requests.get(request_id)
        if r is None:
            raise RequestNotFound(request_id)
        return r

    def audit(self, uow: UnitOfWork, kind: str, r: Request, **payload: object) -> None:
        self.port.audit(
            uow, kind, r.subject_id, {"request_id": r.id, "kind": r.kind.value, **payload}
        )

    def save(
        self,
        new: Request,
        audit: Iterable[tuple[str, Mapping[str, object]]],
        before: Callable[[UnitOfWork], None] | None = None,
    ) -> Request:
        events = tuple(audit)

        def op(uow: UnitOfWork) -> Request:
            if before is not None:
                before(uow)
            uow.requests.update(new)
            for kind, payload in events:
                self.audit(uow, kind, new, **payload)
            return new

        return self.port.run(op)

    def context(self, request_id: str) -> Context:
        """One consistent read of the request and its subject's records; the audit
        events only for requests that are investigated."""

        return self.port.run(lambda uow: self.read(uow, self.load(uow, request_id)), write=False)

    def read(self, uow: UnitOfWork, r: Request) -> Context:
        """``r`` with its subject's records, read in ``uow``."""
        facts = self.port.facts(uow, r.subject_id)
        provisions = tuple(uow.provisions.for_subject(r.subject_id))
        # An investigation reads the person's events; so does a provision records request
        # with a receipt whose provider's representative only its event holds, or of
        # personally referable information, whose event says if it rested on a consent.
        wanted = r.kind in SUPPORTS or (
            r.kind is RequestKind.PROVISION_RECORDS
            and (
                representatives_missing(facts.acquisitions)
                or referable_receipts(facts.acquisitions)
            )
        )
        evs = tuple(uow.audit.for_subject(r.subject_id)) if wanted else ()
        deletions = frozenset(
            x.id for x in uow.requests.for_subject(r.subject_id) if x.kind is RequestKind.DELETION
        )
        return Context(r, facts, provisions, evs, self.port.now(), deletions)


def scope(r: Request, key: str = "items") -> frozenset[str]:
    """The names the request's details list under ``key`` (items, purposes, recipients)."""
    value = r.details.get(key)
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


def unstoppable(r: Request) -> frozenset[str]:
    """The recipients a suspension of provision named that it cannot stop, as intake
    found them (``details["not_stopped"]``): public authorities and entrustees in Japan."""
    entries = r.details.get("not_stopped")
    if not isinstance(entries, list):
        return frozenset()
    return frozenset(str(e["recipient"]) for e in entries if isinstance(e, Mapping))


def require_verified(r: Request, action: str) -> None:
    """Raise :class:`InvalidTransition` unless ``r`` is verified and not yet answered."""
    require_open(r, action)
    if r.state is not RequestState.VERIFIED:
        raise InvalidTransition(
            f"request {r.id} is {r.state.value} and cannot be {action}: verify it first"
        )
