"""The request workflow: intake, verification, investigation, fulfilment, written answer.

``engine.requests`` is a :class:`RequestService`. Every step is one unit of work on the
engine's store (so it runs on every backend), moves the request along the explicit state
machine of :mod:`pipolicy.requests.lifecycle`, and appends an audit event. Fulfilment
talks to the application's data sources, which live outside any transaction: each
source's success is recorded as soon as it happens, so a retry after a failure never
applies the same change twice.

What is stored with a request: kinds and dates of documents (R-REQ-10), item and purpose
names, the business's reasons, per-source results as item names of the policy and words
of a fixed vocabulary (other keys a source answers with only as a count). Not stored:
document contents, exported values, and correction values once the request is answered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from pipolicy.clock import instant
from pipolicy.domain import checks
from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.audit import AuditEvent
from pipolicy.domain.checks import json_copy, member, names, statement
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import (
    ART_35_GROUNDS,
    FEE_KINDS,
    PROCEDURAL_GROUNDS,
    Applicant,
    Art35Ground,
    Document,
    RefusalGround,
    Request,
    RequestKind,
    RequestState,
    art_35_article,
    ground_article,
    grounds_for,
)
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.subjects import Subject
from pipolicy.errors import InvalidInput, InvalidTransition, RequestNotFound, SubjectNotFound
from pipolicy.policy.model import Policy
from pipolicy.requests.answers import METHODS, Answer, Retained, Withheld
from pipolicy.requests.disclosure import (
    disclosed_records,
    disclosure_report,
    holdings,
    provision_records_report,
    purposes_report,
)
from pipolicy.requests.investigation import (
    SUPPORTS,
    Finding,
    Investigation,
    RecordedGround,
    investigate_records,
)
from pipolicy.requests.lifecycle import advance, check, note, require_open
from pipolicy.requests.sources import DataSource, SourceFailed, SourceOutcome, action_word
from pipolicy.requests.statements import (
    fulfilment_statement,
    refusal_statement,
    withdrawal_statement,
    withheld_groups,
)
from pipolicy.requests.verification import verify_documents
from pipolicy.storage.repositories import SubjectFacts, UnitOfWork

if TYPE_CHECKING:
    from pipolicy.engine import Engine

__all__ = [
    "DISCLOSURE_KINDS",
    "FEE_KINDS",
    "PROCEDURAL_GROUNDS",
    "WITHHOLDING_GROUNDS",
    "RequestService",
    "allowed_grounds",
    "fee_for",
]

K = RequestKind
G = RefusalGround

DISCLOSURE_KINDS = frozenset({K.PURPOSE_NOTIFICATION, K.DISCLOSURE, K.PROVISION_RECORDS})
"""Requests answered by telling the person something (Arts. 32(2), 33(1), 33(5))."""

WITHHOLDING_GROUNDS = frozenset({G.HARM_TO_PERSON, G.BUSINESS_HINDRANCE, G.VIOLATION_OF_LAW})
"""The only substantive grounds for withholding a disclosure of data or of provision
records (Art. 33(2)(i)-(iii), 33(5)), besides ``not_retained``."""

_ITEM_KINDS = frozenset(
    {K.DISCLOSURE, K.PROVISION_RECORDS, K.DELETION, K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION}
)
_PURPOSE_KINDS = frozenset({K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION})
_RESERVED = frozenset(
    {
        "verification",
        "sources",
        "extensions",
        "restrictions",
        "investigation",
        "outcome",
        "withheld",
        "grounds",
    }
)
_WITHHOLDING_KINDS = frozenset({K.DISCLOSURE, K.PROVISION_RECORDS})
_APPLYING = frozenset({"correct", "erase", "restrict"})
"""Source operations that change the application's data: once one succeeded, the request
can only be carried through."""


def fee_for(policy: Policy, kind: RequestKind) -> int:
    """The published fee for ``kind``: zero for anything but purpose notification and
    disclosure (of data or of provision records), whatever the policy says (R-REQ-9)."""
    return int(policy.requests.fees.get(kind, 0)) if kind in FEE_KINDS else 0


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


@attrs.frozen
class _Context:
    request: Request
    facts: SubjectFacts
    provisions: tuple[ProvisionRecord, ...]
    events: tuple[AuditEvent, ...]
    now: datetime

    @property
    def ref(self) -> str:
        return self.facts.subject.ref


def _documents(documents: Iterable[Document]) -> tuple[Document, ...]:
    if isinstance(documents, Document) or not isinstance(documents, Iterable):
        raise InvalidInput("documents must be a list of pp.Document values")
    docs = tuple(documents)
    for d in docs:
        if not isinstance(d, Document):
            raise InvalidInput("documents must be pp.Document values (kind and dates only)")
        if d.issued is not None and d.expires is not None and d.expires < d.issued:
            raise InvalidInput(f"a {d.kind.value} cannot expire before it was issued")
    return docs


def _recorded_sources(r: Request) -> Mapping[str, object]:
    """Source name -> recorded outcome, as kept in the request's details."""
    recorded = r.details.get("sources")
    return recorded if isinstance(recorded, Mapping) else {}


def _applied(r: Request) -> list[str]:
    """Sources that already changed the application's data for ``r``."""
    recorded = _recorded_sources(r)
    return sorted(
        str(name)
        for name, o in recorded.items()
        if isinstance(o, Mapping) and o.get("ok") and o.get("operation") in _APPLYING
    )


def _require_untouched(r: Request, action: str) -> None:
    """Raise :class:`InvalidTransition` once ``r`` is partly carried out (R-REQ-4, R-REQ-7).

    Its restrictions deny decisions citing it and some sources may have erased or changed
    data: refusing or withdrawing it now would leave a refused request whose effects stand.
    """
    applied = _applied(r)
    if not isinstance(r.details.get("restrictions"), list) and not applied:
        return
    done = []
    if isinstance(r.details.get("restrictions"), list):
        done.append("its restrictions are in force")
    if applied:
        done.append(f"data source(s) {', '.join(applied)} already carried it out")
    raise InvalidTransition(
        f"request {r.id} cannot be {action}: {' and '.join(done)}, so the business "
        "decided to honour it. Fix the failing source and call fulfil() again to finish it."
    )


def _withheld(r: Request) -> list[Withheld]:
    """The parts of a disclosure the business withheld, as kept in the request's details."""
    recorded = r.details.get("withheld")
    entries = recorded if isinstance(recorded, list) else []
    return [Withheld.from_dict(x) for x in entries if isinstance(x, Mapping)]


def _recorded_grounds(r: Request) -> tuple[RecordedGround, ...]:
    """The grounds of Art. 35 the business recorded, as kept in the request's details."""
    recorded = r.details.get("grounds")
    entries = recorded if isinstance(recorded, list) else []
    return tuple(RecordedGround.from_dict(x) for x in entries if isinstance(x, Mapping))


def _require_verified(r: Request, action: str) -> None:
    """Raise :class:`InvalidTransition` unless ``r`` is verified and not yet answered."""
    require_open(r, action)
    if r.state is not RequestState.VERIFIED:
        raise InvalidTransition(
            f"request {r.id} is {r.state.value} and cannot be {action}: verify it first"
        )


def _record_label(policy: Policy, record: ProvisionRecord) -> str:
    """How a statement names a provision record: its date, recipient and id, no values."""
    day = policy.local_date(record.provided_at).isoformat()
    return f"of {day} to {record.recipient_name} ({record.id})"


def _answered_details(details: Mapping[str, object], **outcome: object) -> dict[str, object]:
    """Details of an answered request: correction values dropped, the outcome added."""
    out = {k: v for k, v in details.items() if k != "changes"}
    changes = details.get("changes")
    if isinstance(changes, Mapping):
        out["changed_items"] = sorted(str(k) for k in changes)
    if outcome:
        out["outcome"] = dict(outcome)
    return out


class RequestService:
    """Runs the person's requests from intake to written answer (Arts. 32-39).

    Built by the engine (``engine.requests``); not constructed directly.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sources: dict[str, DataSource] = {}

    def __repr__(self) -> str:
        return f"RequestService(sources={sorted(self._sources)})"

    # -- sources ----------------------------------------------------------------------

    def register_source(self, name: str, source: DataSource) -> None:
        """Register where the application keeps personal data (R-REQ-6).

        Raises :class:`InvalidInput` for an empty or taken name, or an object that lacks
        ``export``, ``correct``, ``erase`` and ``restrict``.
        """
        if not isinstance(name, str) or not name:
            raise InvalidInput("a data source needs a non-empty name")
        if name in self._sources:
            raise InvalidInput(f"a data source named {name!r} is already registered")
        if not isinstance(source, DataSource):
            raise InvalidInput(
                "a data source must implement export, correct, erase and restrict "
                "(see pipolicy.requests.DataSource)"
            )
        self._sources[name] = source

    @property
    def sources(self) -> Mapping[str, DataSource]:
        """The registered sources, read-only, in registration order."""
        return MappingProxyType(self._sources)

    # -- plumbing ---------------------------------------------------------------------

    @property
    def _policy(self) -> Policy:
        return self._engine.policy

    def _load(self, uow: UnitOfWork, request_id: str) -> Request:
        if not isinstance(request_id, str) or not request_id:
            raise InvalidInput("request_id must be the id returned by submit()")
        r = uow.requests.get(request_id)
        if r is None:
            raise RequestNotFound(request_id)
        return r

    def _audit(self, uow: UnitOfWork, kind: str, r: Request, **payload: object) -> None:
        self._engine._audit(
            uow, kind, r.subject_id, {"request_id": r.id, "kind": r.kind.value, **payload}
        )

    def _save(
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
                self._audit(uow, kind, new, **payload)
            return new

        return self._engine._run(op)

    def _context(self, request_id: str) -> _Context:
        """One consistent read of the request and its subject's records; the audit
        events only for requests that are investigated."""

        def op(uow: UnitOfWork) -> _Context:
            r = self._load(uow, request_id)
            facts = self._engine._facts(uow, r.subject_id)
            provisions = tuple(uow.provisions.for_subject(r.subject_id))
            evs = tuple(uow.audit.for_subject(r.subject_id)) if r.kind in SUPPORTS else ()
            return _Context(r, facts, provisions, evs, self._engine.now())

        return self._engine._run(op, write=False)

    def _changes(self, changes: object) -> dict[str, object]:
        if not isinstance(changes, Mapping) or not changes:
            raise InvalidInput(
                "a correction needs changes: a mapping of item name -> new value "
                "(None deletes the contents)"
            )
        item_names = names(list(changes), "changes")
        self._policy.check_items(item_names)
        copied = json_copy({str(k): v for k, v in changes.items()}, "correction values")
        assert isinstance(copied, dict)
        return copied

    def _details(
        self, kind: RequestKind, details: Mapping[str, object] | None
    ) -> dict[str, object]:
        if details is None:
            return {}
        if not isinstance(details, Mapping):
            raise InvalidInput("details must be a mapping")
        out: dict[str, object] = {}
        for key, value in details.items():
            if not isinstance(key, str) or not key:
                raise InvalidInput("details keys must be non-empty strings")
            if key in _RESERVED:
                raise InvalidInput(
                    f"details key {key!r} is reserved for the workflow's own records"
                )
            if key == "items":
                if kind not in _ITEM_KINDS:
                    raise InvalidInput(f"a {kind.value} request does not take items=")
                items = names(value, "details['items']")
                self._policy.check_items(items)
                out[key] = sorted(items)
            elif key == "service":
                service = checks.name(value, "details['service']")
                if service not in self._policy.services:
                    raise InvalidInput(
                        f"unknown service: declare it under [services] "
                        f"({', '.join(sorted(self._policy.services)) or 'none declared'})"
                    )
                out[key] = service
            elif key == "purposes":
                if kind not in _PURPOSE_KINDS:
                    raise InvalidInput(
                        f"a {kind.value} request does not take purposes=; only suspensions do"
                    )
                purposes = names(value, "details['purposes']")
                for p in sorted(purposes):
                    self._policy.purpose(p)
                out[key] = sorted(purposes)
            elif key == "recipients":
                if kind is not K.SUSPENSION_OF_PROVISION:
                    raise InvalidInput(
                        f"a {kind.value} request does not take recipients=; "
                        "only a suspension of provision does"
                    )
                recipients = names(value, "details['recipients']")
                for name in sorted(recipients):
                    self._policy.recipient(name)
                out[key] = sorted(recipients)
            elif key == "changes":
                if kind is not K.CORRECTION:
                    raise InvalidInput("only a correction request takes changes")
                out[key] = self._changes(value)
            else:
                out[key] = json_copy(value, f"details[{key!r}]")
        return out

    @staticmethod
    def _scope(r: Request, key: str = "items") -> frozenset[str]:
        value = r.details.get(key)
        return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()

    # -- intake -----------------------------------------------------------------------

    def submit(
        self,
        kind: RequestKind | str,
        *,
        subject: Subject | str,
        applicant: Applicant | None = None,
        documents: Iterable[Document] = (),
        method: str = "mail",
        details: Mapping[str, object] | None = None,
    ) -> Request:
        """Receive a request; it is ``received``, due after the policy's response period.

        ``method`` is how the person wants the answer: ``"mail"`` (a printed letter) or
        ``"electronic"`` (JSON). ``details`` narrows the request: ``items`` (disclosure,
        provision records, deletion, suspensions), ``purposes`` (suspensions), ``changes``
        (correction: item -> new value, ``None`` to delete the contents), ``service`` (the
        service the request is about: its answer names that service's window); other keys are
        kept as given and must be JSON-ready. Raises :class:`SubjectNotFound`,
        :class:`UnknownItem`, :class:`UnknownPurpose` or :class:`InvalidInput`.
        """
        k = member(RequestKind, kind, "request kind")
        who = applicant if applicant is not None else Applicant.person()
        if not isinstance(who, Applicant):
            raise InvalidInput(
                "applicant must be pp.Applicant.person(), .legal_representative() "
                "or .voluntary_agent()"
            )
        docs = _documents(documents)
        if method not in METHODS:
            raise InvalidInput(f"unknown method {method!r}: use one of {sorted(METHODS)}")
        clean = self._details(k, details)
        engine = self._engine

        def op(uow: UnitOfWork) -> Request:
            facts = engine._facts(uow, subject)
            now = engine.now()
            r = Request(
                id=engine._ids(),
                subject_id=facts.subject.id,
                kind=k,
                applicant=who,
                state=RequestState.RECEIVED,
                received_at=now,
                due=self._policy.response_due(now),
                fee=fee_for(self._policy, k),
                method=method,
                documents=docs,
                details=clean,
                history=(("received", now, f"from {who.kind.value}, answer by {method}"),),
            )
            uow.requests.add(r)
            self._audit(
                uow,
                "request.received",
                r,
                applicant=who.kind.value,
                method=method,
                documents=[{"kind": d.kind.value, "holder": d.holder} for d in docs],
                due=r.due.isoformat(),
                fee=r.fee,
                items=clean.get("items", []),
                purposes=clean.get("purposes", []),
            )
            return r

        return engine._run(op)

    def get(self, request_id: str) -> Request:
        """The request; raises :class:`RequestNotFound`."""
        return self._engine._run(lambda uow: self._load(uow, request_id), write=False)

    def for_subject(self, subject: Subject | str) -> list[Request]:
        """Every request about the subject, in the order received."""
        sid = self._engine._subject_id(subject)

        def op(uow: UnitOfWork) -> list[Request]:
            if uow.subjects.get(sid) is None:
                raise SubjectNotFound(sid)
            return sorted(uow.requests.for_subject(sid), key=lambda r: r.received_at)

        return self._engine._run(op, write=False)

    def overdue(self, now: datetime | None = None) -> list[Request]:
        """Requests not yet answered whose due date has passed at ``now`` (R-REQ-8)."""
        at = instant(now, "now") if now is not None else self._engine.now()
        return self._engine._run(lambda uow: uow.requests.open_due_before(at), write=False)

    # -- steps ------------------------------------------------------------------------

    def verify(self, request_id: str) -> Request:
        """Check the documents on the clock's today (R-REQ-3).

        Returns the request ``verified``, or ``refused`` with ``identity_unconfirmed``,
        ``agency_unconfirmed`` or ``documents_incomplete`` and a written statement listing
        every problem. Raises :class:`InvalidTransition` unless it is ``received``.
        """
        engine = self._engine

        def op(uow: UnitOfWork) -> Request:
            r = self._load(uow, request_id)
            check(r, RequestState.VERIFIED)
            now = engine.now()
            result = verify_documents(
                r.applicant, r.documents, self._policy.requests, self._policy.local_date(now)
            )
            details = {**r.details, "verification": result.to_dict()}
            if result.ok:
                new = advance(
                    r, RequestState.VERIFIED, now, "verified", "documents checked", details=details
                )
                uow.requests.update(new)
                self._audit(
                    uow,
                    "request.verified",
                    new,
                    checked_on=self._policy.local_date(now).isoformat(),
                )
                return new
            ground = result.ground
            assert ground is not None
            explanation = "; ".join(p.message for p in result.problems) + (
                ". Please submit a new request with the documents listed in our procedure."
            )
            new = self._refused(r, ground, explanation, now, details)
            uow.requests.update(new)
            self._audit(uow, "request.refused", new, ground=ground.value, by="verification")
            return new

        return engine._run(op)

    def extend(self, request_id: str, *, due: datetime, reason: str) -> Request:
        """Move the due date later, with the reason the person will be told (R-REQ-8).

        Raises :class:`InvalidInput` without a reason or for a due date that is not later
        than the current one, :class:`InvalidTransition` for an answered request.
        """
        new_due = instant(due, "due")
        why = statement(reason, "reason")
        engine = self._engine

        def op(uow: UnitOfWork) -> Request:
            r = self._load(uow, request_id)
            require_open(r, "extended")
            if new_due <= r.due:
                raise InvalidInput(
                    f"the new due date must be later than the current one ({r.due.isoformat()})"
                )
            now = engine.now()
            extensions = list(r.details.get("extensions", []))  # type: ignore[call-overload]
            extensions.append(
                {
                    "at": now.isoformat(),
                    "from": r.due.isoformat(),
                    "to": new_due.isoformat(),
                    "reason": why,
                }
            )
            new = note(
                r,
                now,
                "extended",
                why,
                due=new_due,
                details={**r.details, "extensions": extensions},
            )
            uow.requests.update(new)
            self._audit(
                uow, "request.extended", new, due_from=r.due.isoformat(), due_to=new_due.isoformat()
            )
            return new

        return engine._run(op)

    def refuse(self, request_id: str, *, ground: RefusalGround | str, explanation: str) -> Answer:
        """Refuse with a ground and the explanation the person receives (R-REQ-4).

        Raises :class:`InvalidInput`, recording nothing, for a ground the request's kind
        does not allow (:func:`allowed_grounds`: e.g. a correction is refused only because
        the contents are accurate, never on business hindrance), and
        :class:`InvalidTransition` for an answered request, for a substantive ground
        before verification (only ``identity_unconfirmed``, ``agency_unconfirmed`` and
        ``documents_incomplete`` are open then: any other answer would tell an
        unidentified applicant whether data is held), and for a request already partly
        carried out (its restrictions in force, a source already applied it: finish it
        with :meth:`fulfil`).
        """
        g = member(RefusalGround, ground, "refusal ground")
        why = statement(explanation, "explanation")
        engine = self._engine

        def op(uow: UnitOfWork) -> Request:
            r = self._load(uow, request_id)
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
            recorded = _recorded_grounds(r)
            if g is G.NO_GROUND_UNDER_ART_35 and recorded:
                raise InvalidInput(
                    f"request {r.id} cannot be refused on {g.value}: the business recorded "
                    f"a ground of APPI Art. 35 for it "
                    f"({', '.join(x.ground.value for x in recorded)}); fulfil it, or refuse it "
                    "on alternative_measure"
                )
            _require_untouched(r, "refused")
            new = self._refused(r, g, why, engine.now())
            uow.requests.update(new)
            self._audit(uow, "request.refused", new, ground=g.value, by="business")
            return new

        return self._answer(engine._run(op))

    def withdraw(self, request_id: str) -> Request:
        """The applicant withdrew the request.

        Raises :class:`InvalidTransition` if it is answered, or already partly carried out
        (its restrictions in force, a source already applied it): erased data does not
        come back, so the business finishes it with :meth:`fulfil`.
        """
        engine = self._engine

        def op(uow: UnitOfWork) -> Request:
            r = self._load(uow, request_id)
            check(r, RequestState.WITHDRAWN)
            _require_untouched(r, "withdrawn")
            now = engine.now()
            new = advance(
                r,
                RequestState.WITHDRAWN,
                now,
                "withdrawn",
                "",
                statement=withdrawal_statement(self._policy, r, now),
                details=_answered_details(r.details),
            )
            uow.requests.update(new)
            self._audit(uow, "request.withdrawn", new)
            return new

        return engine._run(op)

    def withhold(
        self,
        request_id: str,
        *,
        items: Iterable[str] = (),
        records: Iterable[str] = (),
        ground: RefusalGround | str,
        explanation: str,
    ) -> Request:
        """Withhold part of a disclosure, before :meth:`fulfil` discloses the rest
        (Art. 33(2) "all or a part", Art. 33(5), Art. 36; R-REQ-4).

        ``items`` are item names of the policy (a disclosure), ``records`` ids of provision
        records the law demands (a disclosure or a provision records request). ``ground``
        is one of Art. 33(2)(i)-(iii): ``harm_to_person``, ``business_hindrance``,
        ``violation_of_law``; ``explanation`` is what the person is told. Both are kept with
        the request (names and ids, never values) and audited; withholding an item or
        record again replaces its ground. :meth:`fulfil` then answers
        ``partially_fulfilled``, naming what is withheld, on which ground and article, with
        the explanation; if everything is withheld it refuses on that ground.

        Raises :class:`UnknownItem` for an item the policy does not declare,
        :class:`InvalidInput` for another kind of request, another ground, a missing
        explanation, nothing named, or a record that is not this person's or not one the
        disclosure lists, and :class:`InvalidTransition` unless the request is verified.
        """
        g = member(RefusalGround, ground, "refusal ground")
        why = statement(explanation, "explanation", " (APPI Art. 36: the person is told why)")
        item_names = names(items, "items", required=False)
        record_ids = names(records, "records", required=False)
        if not item_names and not record_ids:
            raise InvalidInput(
                "name what to withhold: items={item names} and/or records={provision record ids}"
            )
        engine = self._engine

        def op(uow: UnitOfWork) -> Request:
            r = self._load(uow, request_id)
            if r.kind not in _WITHHOLDING_KINDS:
                raise InvalidInput(
                    f"only a disclosure or a provision records request can be withheld in part "
                    f"(APPI Art. 33(2), (5)), not a {r.kind.value} request"
                )
            _require_verified(r, "withheld from")
            accepted = grounds_for(r.kind) & WITHHOLDING_GROUNDS
            if g not in accepted:
                allowed = ", ".join(sorted(x.value for x in accepted))
                raise InvalidInput(
                    f"a {r.kind.value} may be withheld only on a ground of APPI Art. 33(2): "
                    f"{allowed}; not on {g.value}"
                )
            if item_names and r.kind is not K.DISCLOSURE:
                raise InvalidInput(
                    "a provision records request discloses records, not items: "
                    "withhold records={provision record ids}"
                )
            self._policy.check_items(item_names)
            if record_ids:
                known = {p.id: p for p in uow.provisions.for_subject(r.subject_id)}
                unknown = sorted(record_ids - known.keys())
                if unknown:
                    raise InvalidInput(
                        f"no provision record about this person has the id(s) {unknown}"
                    )
                unlisted = sorted(x for x in record_ids if not known[x].required_by_law)
                if unlisted:
                    raise InvalidInput(
                        f"record(s) {unlisted} are not disclosed in any case: a disclosure "
                        "lists only the records APPI Art. 29 demands, not provisions under an "
                        "exemption, entrustment, joint use or succession"
                    )
            article = ground_article(r.kind, g)
            assert article is not None
            entries = {(w.item, w.record_id): w for w in _withheld(r)}
            for i in sorted(item_names):
                entries[(i, None)] = Withheld(g, article, why, item=i)
            for x in sorted(record_ids):
                entries[(None, x)] = Withheld(g, article, why, record_id=x)
            kept = sorted(
                entries.values(), key=lambda w: (w.item is None, w.item or "", w.record_id or "")
            )
            what = "; ".join(
                part
                for part in (
                    f"items {', '.join(sorted(item_names))}" if item_names else "",
                    f"records {', '.join(sorted(record_ids))}" if record_ids else "",
                )
                if part
            )
            new = note(
                r,
                engine.now(),
                "withheld",
                f"{g.value}: {what}",
                details={**r.details, "withheld": [w.to_dict() for w in kept]},
            )
            uow.requests.update(new)
            self._audit(
                uow,
                "request.withheld",
                new,
                ground=g.value,
                article=article,
                items=sorted(item_names),
                records=sorted(record_ids),
            )
            return new

        return engine._run(op)

    def record_ground(
        self, request_id: str, *, ground: Art35Ground | str, explanation: str
    ) -> Request:
        """Record a ground of Art. 35 that the business found itself (R-REQ-7).

        pipolicy's records cannot show a leak the business must report (``leak``,
        Art. 26(1)), handling likely to harm the person's rights or legitimate interests
        (``harm_to_rights``), use by improper methods (``improper_use``, Art. 19: deletion
        and suspension of use only) or data the business no longer needs
        (``no_longer_needed``): the business records them with an explanation the person
        is told. Recorded and audited; the investigation then ``supports`` the request
        and the answer to :meth:`fulfil` names the ground, its article and the
        explanation. Recording the same ground again replaces its explanation; a request
        with a recorded ground cannot be refused on ``no_ground``.

        Raises :class:`InvalidInput` for another kind of request, a ground the kind does
        not take, or a missing explanation, and :class:`InvalidTransition` unless the
        request is verified.
        """
        g = member(Art35Ground, ground, "ground of Art. 35")
        why = statement(explanation, "explanation", " (the person is told it)")
        engine = self._engine

        def op(uow: UnitOfWork) -> Request:
            r = self._load(uow, request_id)
            if r.kind not in ART_35_GROUNDS:
                raise InvalidInput(
                    "grounds of APPI Art. 35 are recorded for deletion and suspension "
                    f"requests, not {r.kind.value}"
                )
            _require_verified(r, "given a ground")
            article = art_35_article(r.kind, g)
            if article is None:
                allowed = ", ".join(x.value for x in ART_35_GROUNDS[r.kind])
                raise InvalidInput(
                    f"{g.value} is no ground for a {r.kind.value} request (APPI Art. 35(3) "
                    f"cites Arts. 27 and 28, not Art. 19); its grounds: {allowed}"
                )
            now = engine.now()
            recorded = [x for x in _recorded_grounds(r) if x.ground is not g]
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
            self._audit(uow, "request.ground_recorded", new, ground=g.value, article=article)
            return new

        return engine._run(op)

    def investigate(self, request_id: str) -> Investigation:
        """What pipolicy's records show for a deletion or suspension request (R-REQ-7).

        Reads the subject's acquisitions, consents, provision records and audit events;
        reports uses beyond purpose or without a needed consent, improper acquisitions,
        provisions without a basis and data no longer needed. Attempts pipolicy refused
        are listed (``denied``) but are not grounds: ``supports`` counts only handling
        that took place. The business decides; :meth:`fulfil` carries it out. Raises
        :class:`InvalidInput` for other kinds of request.
        """
        ctx = self._context(request_id)
        r = ctx.request
        if r.kind not in SUPPORTS:
            raise InvalidInput(
                f"investigation applies to deletion and suspension requests, not {r.kind.value}"
            )
        inv = self._investigation(ctx)
        payload = {
            "findings": len(inv.findings),
            "relevant": len(inv.relevant),
            "grounds": len(inv.grounds),
            "finding_kinds": sorted({f.kind.value for f in inv.relevant}),
        }
        if r.state.final:
            self._engine._run(lambda uow: self._audit(uow, "request.investigated", r, **payload))
        else:
            new = note(
                r,
                ctx.now,
                "investigated",
                f"{len(inv.relevant)} relevant finding(s)",
                details={**r.details, "investigation": inv.to_dict()},
            )
            self._save(new, [("request.investigated", payload)])
        return inv

    def _investigation(self, ctx: _Context) -> Investigation:
        findings = investigate_records(self._policy, ctx.facts, ctx.provisions, ctx.events, ctx.now)
        r = ctx.request
        return Investigation(
            r.id,
            r.kind,
            r.subject_id,
            ctx.now,
            tuple(findings),
            self._scope(r),
            recorded=_recorded_grounds(r),
        )

    # -- answers ----------------------------------------------------------------------

    def _answer(
        self,
        r: Request,
        *,
        report: Mapping[str, Any] | None = None,
        changes: Mapping[str, str] | None = None,
        retained: Iterable[Retained] = (),
        sources: Iterable[SourceOutcome] = (),
        restrictions: Iterable[str] = (),
        findings: Iterable[Finding] = (),
    ) -> Answer:
        assert r.statement is not None
        outcome = r.details.get("outcome")
        withheld = outcome.get("withheld") if isinstance(outcome, Mapping) else None
        return Answer(
            request_id=r.id,
            kind=r.kind,
            state=r.state,
            statement=r.statement,
            method=r.method,
            answered_at=self._policy.local(r.history[-1][1]),
            controller=self._policy.controller,
            ground=r.ground,
            fee=r.fee,
            report=report,
            changes=dict(changes or {}),
            retained=tuple(retained),
            sources=tuple(sources),
            restrictions=tuple(restrictions),
            findings=tuple(attrs.evolve(f, at=self._policy.local(f.at)) for f in findings),
            withheld=tuple(
                Withheld.from_dict(x)
                for x in (withheld if isinstance(withheld, list) else [])
                if isinstance(x, Mapping)
            ),
            grounds=tuple(
                attrs.evolve(g, at=self._policy.local(g.at)) for g in _recorded_grounds(r)
            ),
        )

    def answer(self, request_id: str) -> Answer:
        """The answer given to an answered request, rebuilt from what is stored.

        Useful to print the letter of a refusal made by :meth:`verify`. A disclosure's
        data values are not stored, so its ``report`` is ``None`` here: keep the
        :class:`Answer` that :meth:`fulfil` returned. Raises :class:`InvalidTransition`
        for a request not yet answered.
        """
        r = self.get(request_id)
        if not r.state.final:
            raise InvalidTransition(
                f"request {r.id} is {r.state.value}: it has no answer yet; fulfil or refuse it"
            )
        outcome = r.details.get("outcome")
        out: Mapping[str, object] = outcome if isinstance(outcome, Mapping) else {}
        changes = out.get("changes")
        retained = out.get("retained")
        restrictions = out.get("restrictions")
        return self._answer(
            r,
            changes=changes if isinstance(changes, Mapping) else None,
            retained=[
                Retained(str(x["item"]), str(x["reason"]))
                for x in (retained if isinstance(retained, list) else [])
            ],
            sources=[
                SourceOutcome.from_dict(name, data)
                for name, data in _recorded_sources(r).items()
                if isinstance(data, Mapping)
            ],
            restrictions=[str(x) for x in (restrictions if isinstance(restrictions, list) else [])],
        )

    # -- fulfilment -------------------------------------------------------------------

    def fulfil(self, request_id: str, *, changes: Mapping[str, object] | None = None) -> Answer:
        """Carry out a verified request, as the business decided to, and answer it.

        Per kind: purpose notification and provision records answer from pipolicy's
        records; disclosure adds every source's ``export``; correction calls ``correct``
        with ``changes`` (here or given at submit); deletion puts a restriction in force
        and calls ``erase`` (items under a legal retention duty are kept, their use
        suspended, and the answer says so); suspensions put a restriction in force and
        call ``restrict``. When nothing is held the request is refused as
        ``not_retained``.

        Raises :class:`InvalidTransition` unless the request is ``verified``, and
        :class:`SourceFailed` when a data source fails: the request then stays
        ``verified`` with the failure recorded, and calling ``fulfil`` again does not
        call the sources that already succeeded.
        """
        extra = None if changes is None else self._changes(changes)
        ctx = self._context(request_id)
        check(ctx.request, RequestState.FULFILLED)
        kind = ctx.request.kind
        if kind is K.DISCLOSURE:
            return self._disclose(ctx)
        if kind is K.PURPOSE_NOTIFICATION:
            return self._notify_purposes(ctx)
        if kind is K.PROVISION_RECORDS:
            return self._disclose_records(ctx)
        if kind is K.CORRECTION:
            return self._correct(ctx, extra)
        if kind is K.DELETION:
            return self._delete(ctx)
        return self._suspend(ctx)

    def _refused(
        self,
        r: Request,
        ground: RefusalGround,
        explanation: str,
        now: datetime,
        details: Mapping[str, object] | None = None,
    ) -> Request:
        """``r`` refused on ``ground``, with the written statement the person receives."""
        return advance(
            r,
            RequestState.REFUSED,
            now,
            "refused",
            ground.value,
            ground=ground,
            statement=refusal_statement(self._policy, r, ground, explanation),
            details=_answered_details(r.details if details is None else details),
        )

    def _not_retained(self, r: Request, explanation: str) -> Answer:
        new = self._refused(r, G.NOT_RETAINED, explanation, self._engine.now())
        return self._answer(
            self._save(
                new, [("request.refused", {"ground": G.NOT_RETAINED.value, "by": "fulfilment"})]
            )
        )

    def _complete(
        self,
        r: Request,
        state: RequestState,
        statement: str,
        *,
        items: Iterable[str] = (),
        **outcome: object,
    ) -> Request:
        now = self._engine.now()
        new = advance(
            r,
            state,
            now,
            state.value,
            "",
            statement=statement,
            details=_answered_details(r.details, **outcome),
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
        return self._save(new, [("request.fulfilled", payload)])

    def _record(self, r: Request, outcome: SourceOutcome) -> Request:
        """Keep one source's outcome with the request, at once."""
        sources = dict(_recorded_sources(r))
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
        return self._save(
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

    def _call(
        self, name: str, operation: str, call: Callable[[], Mapping[str, object]]
    ) -> tuple[SourceOutcome, Mapping[str, object]]:
        """Call one source; its outcome keeps only item names of the policy, with words
        of the operation's vocabulary, and counts the other keys (R-REQ-10)."""
        now = self._engine.now()
        try:
            result = call()
            if not isinstance(result, Mapping):
                raise TypeError(f"{operation} must return a mapping")
            data = dict(result)
        except Exception as e:  # any failure of the application's code is recorded
            return SourceOutcome(name, operation, False, now, error=type(e).__name__), {}
        declared = self._policy.items
        words = {
            k: "disclosed" if operation == "export" else action_word(operation, v)
            for k, v in sorted(data.items(), key=lambda kv: str(kv[0]))
            if isinstance(k, str) and k in declared
        }
        outcome = SourceOutcome(
            name, operation, True, now, items=words, unknown_items=len(data) - len(words)
        )
        return outcome, data

    def _apply(
        self, r: Request, operation: str, call: Callable[[DataSource], Mapping[str, str]]
    ) -> tuple[Request, list[SourceOutcome]]:
        """Call each source that has not yet done ``operation`` for this request."""
        done = _recorded_sources(r)
        outcomes: list[SourceOutcome] = []
        for name, source in self._sources.items():
            prior = done.get(name)
            if (
                isinstance(prior, Mapping)
                and prior.get("ok")
                and prior.get("operation") == operation
            ):
                outcomes.append(SourceOutcome.from_dict(name, prior))
                continue
            outcome, _ = self._call(name, operation, functools.partial(call, source))
            r = self._record(r, outcome)
            outcomes.append(outcome)
        if not all(o.ok for o in outcomes):
            raise SourceFailed(r.id, outcomes)
        return r, outcomes

    def _restrict(
        self,
        r: Request,
        specs: Iterable[tuple[RestrictionKind, frozenset[str], frozenset[str]]],
        recipients: frozenset[str] = frozenset(),
    ) -> tuple[Request, list[str]]:
        """Put the request's restrictions in force once, before any source is called,
        so decisions are denied even while a source is failing."""
        existing = r.details.get("restrictions")
        if isinstance(existing, list):
            return r, [str(x) for x in existing]
        now = self._engine.now()
        made = [
            Restriction(
                id=self._engine._ids(),
                subject_id=r.subject_id,
                kind=kind,
                since=now,
                request_id=r.id,
                items=items,
                purposes=purposes,
                recipients=recipients,
            )
            for kind, items, purposes in specs
        ]
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
        return self._save(new, audit, before=add), ids

    def _disclose(self, ctx: _Context) -> Answer:
        r = ctx.request
        exports: dict[str, Mapping[str, object]] = {}
        outcomes: list[SourceOutcome] = []
        for name, source in self._sources.items():
            outcome, data = self._call(name, "export", functools.partial(source.export, ctx.ref))
            if outcome.ok:
                exports[name] = data
            outcomes.append(outcome)
        failed = [o for o in outcomes if not o.ok]
        if failed:
            for o in failed:
                r = self._record(r, o)
            raise SourceFailed(r.id, outcomes)
        scope = self._scope(r)
        withheld = _withheld(r)
        present = set(holdings(ctx.facts, ctx.now))
        for data in exports.values():
            present |= {str(k) for k in data}
        if scope:
            present &= scope
        listed = disclosed_records(ctx.provisions, scope)
        labels = {p.id: _record_label(self._policy, p) for p in listed}
        # Withholding covers only what the answer would have disclosed: naming anything
        # else would tell the person it is held.
        applied = [
            w
            for w in withheld
            if ((w.item in present) if w.item is not None else (w.record_id in labels))
        ]
        w_items = frozenset(w.item for w in applied if w.item is not None)
        w_records = frozenset(w.record_id for w in applied if w.record_id is not None)
        if not present:
            return self._not_retained(
                r,
                "we hold no personal data about you"
                + (" among the items you named" if scope else ""),
            )
        if w_items == present and w_records == set(labels):
            return self._withhold_all(r, applied, labels)
        report = disclosure_report(
            self._policy,
            r,
            ctx.facts,
            ctx.provisions,
            exports,
            ctx.now,
            scope,
            withheld_items=w_items,
            withheld_records=w_records,
        )
        reported = [str(x["item"]) for x in report["items"]]  # type: ignore[attr-defined]
        # A source may hold data under keys the policy does not name; such a key may be
        # personal data itself, so the statement and the records only count them.
        items = [i for i in reported if i in self._policy.items]
        others = len(reported) - len(items)
        named = items + (
            [f"{others} more under names our privacy policy does not use"] if others else []
        )
        records = report["provision_records"]
        assert isinstance(records, list)
        if applied:
            report["withheld"] = [w.to_dict() for w in applied]
        disclosed = (
            f"We disclose the personal data we retain about you: {len(reported)} item(s) "
            f"({', '.join(named)})."
            if reported
            else "We disclose none of the items of personal data we retain about you (see below)."
        )
        body = [
            disclosed,
            "The enclosed report lists, for each item, its purposes of use and when, how "
            "and from where we acquired it, your consents with their history, and our "
            f"records of providing your personal data to others ({len(records)} record(s)).",
        ]
        not_held = scope - set(items) - w_items
        state = RequestState.PARTIALLY_FULFILLED if not_held or applied else RequestState.FULFILLED
        statement = fulfilment_statement(
            self._policy, r, body, not_held=not_held, withheld=applied, labels=labels
        )
        # Reading is harmless to repeat, so exports are recorded only with the answer.
        r = attrs.evolve(
            r, details={**r.details, "sources": {o.source: o.to_dict() for o in outcomes}}
        )
        extra: dict[str, object] = {"undeclared_items": others} if others else {}
        if applied:
            extra["withheld"] = [w.to_dict() for w in applied]
        done = self._complete(r, state, statement, items=items, **extra)
        return self._answer(done, report=report, sources=outcomes)

    def _withhold_all(
        self, r: Request, applied: list[Withheld], labels: Mapping[str, str]
    ) -> Answer:
        """Everything the answer would disclose is withheld: a refusal on the ground
        most of it is withheld on (Art. 33(2)), naming what it covers (Art. 36)."""
        (ground, _, explanation), _ = withheld_groups(applied)[0]
        now = self._engine.now()
        entries = [w.to_dict() for w in applied]
        new = advance(
            r,
            RequestState.REFUSED,
            now,
            "refused",
            ground.value,
            ground=ground,
            statement=refusal_statement(
                self._policy, r, ground, explanation, withheld=applied, labels=labels
            ),
            details=_answered_details(r.details, withheld=entries),
        )
        payload: dict[str, object] = {
            "ground": ground.value,
            "by": "withholding",
            "items": sorted(w.item for w in applied if w.item is not None),
            "records": sorted(w.record_id for w in applied if w.record_id is not None),
        }
        return self._answer(self._save(new, [("request.refused", payload)]))

    def _notify_purposes(self, ctx: _Context) -> Answer:
        r = ctx.request
        report = purposes_report(self._policy, r, ctx.facts, ctx.now)
        purposes = report["purposes"]
        assert isinstance(purposes, list)
        if not purposes:
            return self._not_retained(r, "we hold no personal data about you")
        listed = "; ".join(f"{p['title']} ({p['name']})" for p in purposes)
        body = [f"The purposes of use of the personal data we retain about you are: {listed}."]
        statement = fulfilment_statement(self._policy, r, body)
        done = self._complete(r, RequestState.FULFILLED, statement)
        return self._answer(done, report=report)

    def _disclose_records(self, ctx: _Context) -> Answer:
        r = ctx.request
        scope = self._scope(r)
        listed = disclosed_records(ctx.provisions, scope)
        if not listed:
            return self._not_retained(
                r, "we hold no record of providing your personal data to others"
            )
        labels = {p.id: _record_label(self._policy, p) for p in listed}
        applied = [w for w in _withheld(r) if w.record_id in labels]
        w_records = frozenset(w.record_id for w in applied if w.record_id is not None)
        if w_records == set(labels):
            return self._withhold_all(r, applied, labels)
        report = provision_records_report(
            self._policy, r, ctx.provisions, ctx.now, scope, withheld=w_records
        )
        records = report["provision_records"]
        assert isinstance(records, list)
        body = [
            f"We disclose our {len(records)} record(s) of providing your personal data to "
            "others: the date, the recipient, the items, the purpose and the basis of each "
            "are listed in the enclosed report."
        ]
        extra: dict[str, object] = {}
        if applied:
            report["withheld"] = extra["withheld"] = [w.to_dict() for w in applied]
        state = RequestState.PARTIALLY_FULFILLED if applied else RequestState.FULFILLED
        statement = fulfilment_statement(self._policy, r, body, withheld=applied, labels=labels)
        done = self._complete(r, state, statement, items=(), **extra)
        return self._answer(done, report=report)

    def _correct(self, ctx: _Context, extra: dict[str, object] | None) -> Answer:
        r = ctx.request
        stored = r.details.get("changes")
        changes = extra if extra is not None else stored
        if not isinstance(changes, Mapping) or not changes:
            raise InvalidInput(
                "a correction needs changes: pass changes={item: new value or None} to "
                "submit(details=...) or to fulfil()"
            )
        if not self._sources:
            raise InvalidInput(
                "no data source is registered: pipolicy corrects data through the "
                "application's sources; call engine.register_source(name, source) first"
            )
        if not holdings(ctx.facts, ctx.now):
            return self._not_retained(r, "we hold no personal data about you to correct")
        wanted = dict(changes)
        r, outcomes = self._apply(r, "correct", lambda s: s.correct(ctx.ref, wanted))
        applied: dict[str, str] = {}
        for item in sorted(wanted):
            actions = [o.items[item] for o in outcomes if item in o.items]
            applied[item] = next((a for a in actions if a != "not_held"), "not_held")
        not_held = {i for i, a in applied.items() if a == "not_held"}
        if not_held == set(applied):
            return self._not_retained(r, "none of the items you asked to correct is held")
        done_items = {i: a for i, a in applied.items() if a != "not_held"}
        body = [
            "We corrected the contents of your personal data as you asked: "
            + ", ".join(f"{i} ({a})" for i, a in sorted(done_items.items()))
            + "."
        ]
        state = RequestState.PARTIALLY_FULFILLED if not_held else RequestState.FULFILLED
        statement = fulfilment_statement(self._policy, r, body, not_held=not_held)
        done = self._complete(
            r,
            state,
            statement,
            items=done_items,
            changes=applied,
        )
        return self._answer(done, changes=applied, sources=outcomes)

    def _findings(self, ctx: _Context) -> tuple[tuple[Finding, ...], str | None]:
        """The relevant findings, and the paragraph saying what was checked and what the
        business found (when there is something to say: a finding or a recorded ground)."""
        inv = self._investigation(ctx)
        return inv.relevant, (inv.summary() if inv.relevant or inv.recorded else None)

    def _held_scope(
        self, ctx: _Context, *, excluding: str | None = None
    ) -> tuple[dict[str, list[Acquisition]], frozenset[str], frozenset[str]]:
        """What is held (item -> acquisitions), the items the request names, and the
        items it reaches: the named ones held, or everything held if none are named."""
        held = holdings(ctx.facts, ctx.now, excluding=excluding)
        named = self._scope(ctx.request)
        scope = (named & held.keys()) if named else frozenset(held)
        return held, named, frozenset(scope)

    def _nothing_held(self, r: Request, named: frozenset[str]) -> Answer:
        return self._not_retained(
            r,
            "we hold no personal data about you" + (" among the items you named" if named else ""),
        )

    def _delete(self, ctx: _Context) -> Answer:
        r = ctx.request
        held_by, named, scope = self._held_scope(ctx, excluding=r.id)
        if not scope:
            return self._nothing_held(r, named)
        held = frozenset(held_by)
        held_for = {
            item: {p for acq in acqs for p in acq.purposes} for item, acqs in held_by.items()
        }
        duties = {i: self._policy.retention_duty(i, held_for.get(i, ())) for i in sorted(scope)}
        retained = {i: why for i, why in duties.items() if why}
        erasable = scope - set(retained)
        findings, summary = self._findings(ctx)
        specs = []
        if erasable:
            specs.append((RestrictionKind.DELETED, erasable, frozenset[str]()))
        if retained:
            specs.append((RestrictionKind.SUSPEND_USE, frozenset(retained), frozenset[str]()))
        r, ids = self._restrict(r, specs)
        outcomes: list[SourceOutcome] = []
        if erasable:
            r, outcomes = self._apply(r, "erase", lambda s: s.erase(ctx.ref, erasable))
        kept = [Retained(i, why) for i, why in sorted(retained.items())]
        not_held = named - held
        body = []
        if erasable:
            body.append(
                f"We deleted the following items of your personal data: "
                f"{', '.join(sorted(erasable))}. We will not use them again."
            )
        state = RequestState.PARTIALLY_FULFILLED if retained or not_held else RequestState.FULFILLED
        statement = fulfilment_statement(
            self._policy,
            r,
            body,
            retained=retained,
            not_held=not_held,
            findings=summary,
        )
        done = self._complete(
            r,
            state,
            statement,
            items=erasable,
            erased=sorted(erasable),
            retained=[k.to_dict() for k in kept],
            restrictions=ids,
            findings=[f.to_dict() for f in findings],
        )
        return self._answer(
            done, retained=kept, sources=outcomes, restrictions=ids, findings=findings
        )

    def _suspend(self, ctx: _Context) -> Answer:
        r = ctx.request
        kind = (
            RestrictionKind.SUSPEND_USE
            if r.kind is K.SUSPENSION_OF_USE
            else RestrictionKind.SUSPEND_PROVISION
        )
        held_by, named, scope = self._held_scope(ctx)
        if not scope:
            return self._nothing_held(r, named)
        held = frozenset(held_by)
        purposes = self._scope(r, "purposes")
        findings, summary = self._findings(ctx)
        recipients = self._scope(r, "recipients")
        r, ids = self._restrict(r, [(kind, named, purposes)], recipients)
        r, outcomes = self._apply(
            r, "restrict", lambda s: s.restrict(ctx.ref, kind, scope, purposes)
        )
        if kind is RestrictionKind.SUSPEND_USE:
            what = "using"
        elif recipients:
            what = f"providing to {', '.join(sorted(recipients))}"
        else:
            what = "providing to others"
        items_text = ", ".join(sorted(named)) if named else "all items"
        for_text = f" for the purposes {', '.join(sorted(purposes))}" if purposes else ""
        body = [
            f"From {self._policy.local_date(ctx.now).isoformat()} we have stopped {what} your personal data "
            f"({items_text}){for_text}. Any such use is refused from now on, "
            f"citing this request."
        ]
        not_held = named - held
        state = RequestState.PARTIALLY_FULFILLED if not_held else RequestState.FULFILLED
        statement = fulfilment_statement(self._policy, r, body, not_held=not_held, findings=summary)
        done = self._complete(
            r,
            state,
            statement,
            items=scope,
            restrictions=ids,
            findings=[f.to_dict() for f in findings],
        )
        return self._answer(done, sources=outcomes, restrictions=ids, findings=findings)
