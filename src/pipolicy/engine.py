"""The engine: the facade an application talks to.

Each operation is one unit of work: load the facts for one subject, ask a pure rule,
write what the law asks to be written (acquisitions, consents, provision records) and an
audit event, commit. Errors from storage become :class:`StorageError` and never an
"allowed" decision: checks fail closed.

Why one module of this length (about 2,030 lines, half of it docstrings): :class:`Engine`
is the public surface, and each method is a thin unit-of-work wrapper around a pure rule
(``rules/``) or a repository call, kept beside its siblings so the whole API reads in one
place; the decisions live in ``rules/``, the request workflow in ``requests/``, the
incident and complaint registers in ``incidents.py`` and ``complaints.py``, receipts in
``receipts/``, storage behind ``storage/``. Not split yet, and the next step when it is:
the unit-of-work plumbing (``_run``, ``_audit``, ``_facts``, ``_sid``, ``_facts_of``) into
``storage/operations.py``, which the request and register ports already wrap; the
verification and checkpoint methods into ``audit_reports.py``. The audit redesign of the
integrity issue changed what ``_audit`` does (entries, no tail read), not where it lives.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from os import PathLike
from typing import TYPE_CHECKING, TypeVar

import attrs

from pipolicy.backends.memory import MemoryStore
from pipolicy.clock import Clock, SystemClock, instant
from pipolicy.complaints import ComplaintLog
from pipolicy.domain.acquisitions import Acquisition, Channel, EntityKind, ReceiptBasis
from pipolicy.domain.audit import (
    AuditEntry,
    AuditEvent,
    AuditReport,
    checkpoint_of,
    prove_inclusion,
)
from pipolicy.domain.checks import (
    MAX_NAMES,
    clean_text,
    flag,
    member,
    moment,
    name,
    names,
    statement,
)
from pipolicy.domain.consents import (
    Consent,
    ConsentScope,
    ConsentStatus,
    Evidence,
    screened_evidence,
    withheld_evidence,
)
from pipolicy.domain.decisions import Basis, Decision
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.merkle import Checkpoint, InclusionProof
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import RequestKind
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.screening import screened, warn_withheld, withheld
from pipolicy.domain.subjects import Ref, Subject
from pipolicy.errors import (
    AcquisitionDenied,
    ConcurrencyConflict,
    Denied,
    InvalidInput,
    InvalidTransition,
    PipolicyError,
    ProvisionDenied,
    StorageError,
    SubjectNotFound,
    UnknownCategory,
    UseDenied,
)
from pipolicy.ids import random_id
from pipolicy.incidents import IncidentRegister
from pipolicy.policy.model import Policy
from pipolicy.publishing.explain import explain
from pipolicy.publishing.templates import TemplateDirs, template_dirs
from pipolicy.queries import ProvisionCheck, UseCheck
from pipolicy.retention import (
    RetentionEntry,
    kept_past_duty,
    past_retention,
    revived_by_return,
)
from pipolicy.rules.acquisition import AcquisitionQuery, confirmed_on_receipt, decide_acquisition
from pipolicy.rules.common import Actor
from pipolicy.rules.consentable import check_consentable
from pipolicy.rules.provision import ProvisionQuery, decide_provision
from pipolicy.rules.renewal import in_place_of, informed, renewal
from pipolicy.rules.statistics import Aggregate, decide_statistics
from pipolicy.rules.use import UseQuery, decide_use
from pipolicy.storage.fast_paths import (
    AppendsMany,
    BindsConnection,
    FindsByRefs,
    ReadsCommittedFacts,
    ReadsFactsByRef,
    ReadsFactsOfMany,
    fast_path,
)
from pipolicy.storage.recording import RecordingUnit
from pipolicy.storage.registry import open_store
from pipolicy.storage.repositories import Store, SubjectFacts, UnitOfWork
from pipolicy.verification import verify_store

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine as SqlAlchemyEngine

    from pipolicy.importing import ConsentImport, ImportReport
    from pipolicy.requests.service import RequestService
    from pipolicy.requests.sources import DataSource

__all__ = ["Engine", "RetentionEntry"]

_name = name

T = TypeVar("T")
R = TypeVar("R")
SubjectLike = Subject | str | Ref
_CONFLICT_RETRIES = 20
_SCOPES_KEPT = 4096
_QUERIES_KEPT = 4096  # compiled questions kept per engine (see Engine._compiled)
# Collections whose frozenset is exactly the names they hold (a str is not one: its
# frozenset is its letters), so a compiled question is found by its names.
_NAME_COLLECTIONS = (set, frozenset, list, tuple)


@attrs.frozen
class Receipt:
    """How data arrives, as :meth:`Engine.acquire` and :meth:`Engine.check_acquisition`
    take it: the channel, whether the purposes were shown first, and from another
    business (Art. 30) the confirmation on receipt and what its record notes."""

    channel: Channel | str | None
    purpose_shown: bool
    source: str
    provider_address: str | None
    provider_obtained_by: str | None
    provider_representative: str | None
    provider_obtained_lawfully: bool
    provider_kind: EntityKind | str | None = None
    provider_basis: ReceiptBasis | str | None = None


@attrs.frozen
class _Provider:
    """The provider's kind and the basis of receipt, checked (:meth:`Engine._provider`)."""

    kind: EntityKind | None
    basis: ReceiptBasis | None


def _question_key(
    kind: str, name: object, items: object, *rest: object
) -> tuple[object, ...] | None:
    """The key a validated question is kept under, or None where the arguments are not
    plainly a name and a collection of at most MAX_NAMES hashable names (then they are
    validated anew, so a list of a thousand and one names is refused however few
    distinct names it holds, as on the first asking)."""
    if type(name) is not str or type(items) not in _NAME_COLLECTIONS:
        return None
    if len(items) > MAX_NAMES:  # type: ignore[arg-type]
        return None
    try:
        return (kind, name, frozenset(items), *rest)  # type: ignore[call-overload]
    except TypeError:  # an unhashable element: validation says what is wrong
        return None


def _deletion_requests(uow: UnitOfWork, facts: SubjectFacts | None) -> frozenset[str]:
    """The ids of the deletion requests behind the person's suspensions of use: how a
    deletion keeps items a legal duty obliges keeping."""
    found = set()
    for r in facts.restrictions if facts else ():
        if r.kind is RestrictionKind.SUSPEND_USE and r.request_id is not None:
            request = uow.requests.get(r.request_id)
            if request is not None and request.kind is RequestKind.DELETION:
                found.add(r.request_id)
    return frozenset(found)


def _actor(actor: Actor | str | None) -> Actor | None:
    if actor is None:
        return None
    if isinstance(actor, Actor):
        name(actor.id, "actor.id")
        names(actor.roles, "actor.roles", required=False)
        return actor
    return Actor(name(actor, "actor"))


def _well_formed(table: Aggregate) -> bool:
    """Whether an :class:`Aggregate` built by hand has the shape pp.aggregate() gives."""
    return (
        isinstance(table.dimensions, tuple)
        and isinstance(table.groups, Mapping)
        and all(
            isinstance(k, tuple) and isinstance(n, int) and not isinstance(n, bool)
            for k, n in table.groups.items()
        )
        and isinstance(table.suppressed, int)
    )


_UNSPECIFIED = Evidence(method="unspecified")  # immutable: one for every call without


def _page_after(after: str | None, uow: UnitOfWork) -> list[str]:
    return uow.subjects.page_after(after, _PAGE)


def _said_by(how: Evidence) -> dict[str, object]:
    """What a consent's ending event records of how the person's no came."""
    return {"ended_by": how.given_by, "method": how.method, "evidence_ref": how.ref}


def _storage_failed(error: Exception) -> StorageError:
    """The typed error a driver's ``error`` becomes (fail closed): its kind only, since a
    driver's message may quote the statement's values."""
    return StorageError(
        f"storage failed during the operation ({type(error).__name__}); nothing was kept"
    )


def _evidence(evidence: Evidence | None) -> Evidence:
    if evidence is None:
        return _UNSPECIFIED
    if not isinstance(evidence, Evidence):
        raise InvalidInput("evidence must be a pp.Evidence(method, ref=..., given_by=...)")
    return screened_evidence(evidence)


def _evidence_of_no(evidence: Evidence | None) -> tuple[Evidence, tuple[tuple[str, str], ...]]:
    """As :func:`_evidence` for a refusal or a withdrawal, but text that looks like
    personal data is withheld, not refused (a no is never lost), and named in the second
    value for :func:`warn_withheld` once the no is recorded."""
    if evidence is None:
        return _UNSPECIFIED, ()
    if not isinstance(evidence, Evidence):
        raise InvalidInput("evidence must be a pp.Evidence(method, ref=..., given_by=...)")
    return withheld_evidence(evidence)


class Engine:
    """Decides, records and proves, for one policy and one store.

    ``store`` is a :class:`~pipolicy.storage.repositories.Store`, a URL string or a
    SQLAlchemy ``Engine`` opened with :func:`pipolicy.open_store`, or ``None`` for a fresh
    in-memory store. ``clock`` defaults to the system clock in the policy's time zone;
    tests pass a :class:`~pipolicy.FixedClock`.

    One engine per process, shared by every thread: it holds no per-call state, and each
    call is one unit of work on its own connection. ``close()`` (or ``with pp.Engine(...)
    as engine:``) releases the store's connections.

    ``templates`` names directories whose ``<lang>/request_texts.j2`` (and letter
    templates) replace pipolicy's: the statements the request workflow writes, and the
    letters of the answers it returns, are worded by them (docs/letters.md); so are the
    reasons :meth:`explain` gives (``<lang>/reasons.j2``, docs/decisions.md), the
    notices, report drafts and reasons of :attr:`incidents` (``<lang>/incident_notice.md.j2``
    and ``.html.j2``, ``incident_report.md.j2``, ``incident_reasons.j2``,
    docs/incidents.md) and the notes of consent receipts (``<lang>/receipt.j2``,
    docs/receipts.md).
    """

    def __init__(
        self,
        policy: Policy,
        store: Store | str | SqlAlchemyEngine | None = None,
        *,
        clock: Clock | None = None,
        ids: Callable[[], str] | None = None,
        templates: TemplateDirs | str | PathLike[str] | None = None,
    ) -> None:
        if not isinstance(policy, Policy):
            raise InvalidInput("Engine needs a pipolicy.Policy: use pp.load_policy(path)")
        self.policy = policy
        if isinstance(store, str) or type(store).__module__.startswith("sqlalchemy"):
            store = open_store(store)
        if isinstance(store, type):  # the class has unit_of_work too, unbound
            raise InvalidInput(
                f"store is the class {store.__name__}, not a store: open one, "
                f"e.g. {store.__name__}(url)"
            )
        if store is not None and not callable(getattr(store, "unit_of_work", None)):
            raise InvalidInput(
                "store must be a pipolicy Store, a store URL, a SQLAlchemy Engine or None"
            )
        if clock is not None and not callable(getattr(clock, "now", None)):
            raise InvalidInput("clock must have a now() method returning an aware datetime")
        if ids is not None and not callable(ids):
            raise InvalidInput("ids must be a function returning a new unique string id")
        self.store: Store = store if store is not None else MemoryStore()  # type: ignore[assignment]
        self.clock: Clock = clock or SystemClock(policy.tz)
        self._ids = ids or random_id
        self.templates: tuple[str, ...] = template_dirs(templates)
        self._requests: RequestService | None = None
        self._incidents: IncidentRegister | None = None
        self._complaints: ComplaintLog | None = None
        self._scopes: dict[ConsentScope, ConsentScope] = {}
        self._granted: dict[tuple[object, ...], ConsentScope] = {}  # see _granted_scope
        self._queries: dict[tuple[object, ...], UseQuery | ProvisionQuery] = {}

    @property
    def requests(self) -> RequestService:
        """The request workflow: disclosure, correction, deletion, suspension (Arts. 32-39)."""
        if self._requests is None:
            from pipolicy.requests.service import RequestService

            self._requests = RequestService(_RequestPort(self))
        return self._requests

    @property
    def incidents(self) -> IncidentRegister:
        """The incident register: leaks, losses, damage, their reports (Art. 26)."""
        if self._incidents is None:

            def held(subject_ids: Iterable[str]) -> frozenset[str]:
                """What the store records as acquired from these people (those it knows):
                an item the policy no longer declares, they may still hold."""
                return self._run(
                    lambda uow: frozenset().union(
                        *(f.held_items for f in self._facts_found(uow, subject_ids).values())
                    ),
                    write=False,
                )

            # Its notices and report drafts are worded by the engine's templates.
            self._incidents = self._register(
                functools.partial(IncidentRegister, held=held, templates=self.templates)
            )
        return self._incidents

    @property
    def complaints(self) -> ComplaintLog:
        """Inquiries and complaints, and their answers (Art. 40)."""
        if self._complaints is None:
            self._complaints = self._register(ComplaintLog)
        return self._complaints

    def _register(self, kind: Callable[..., R]) -> R:
        """A register kept in the audit log, on this engine's clock, ids and store."""

        def record(event: str, subject_id: str | None, payload: Mapping[str, object]) -> None:
            self._run(lambda uow: self._audit(uow, event, subject_id, payload))

        return kind(
            self.policy, now=self.now, new_id=self._ids, record=record, events=self.audit_events
        )

    def register_source(self, name: str, source: DataSource) -> None:
        """Register where the application keeps a person's data, for fulfilling requests."""
        self.requests.register_source(_name(name, "a data source's name"), source)

    def __repr__(self) -> str:
        return f"Engine(policy={self.policy.version!r}, store={type(self.store).__name__})"

    def close(self) -> None:
        """Release the store's connections (closing twice is fine)."""
        self.store.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def using(self, connection: object) -> Iterator[Engine]:
        """Run this engine's calls in the block inside the application's transaction on
        ``connection`` (a SQLAlchemy ``Connection``, e.g. ``session.connection()``): what
        pipolicy records is kept when the application commits and gone if it rolls back.
        See :meth:`pipolicy.backends.sql.SqlStore.bind`; the innermost block wins, and
        outside any block pipolicy uses its own connections.

        Raises :class:`InvalidInput` if the store cannot join a transaction (not a SQL
        store, nor one offering :class:`~pipolicy.storage.fast_paths.BindsConnection`).
        """
        bind = fast_path(self.store, BindsConnection.bind)
        if bind is None:
            raise InvalidInput(
                "engine.using() needs a SQL store (a sqlite:// or postgresql:// URL or a "
                "SQLAlchemy Engine), or a store offering bind() and bound() "
                f"(pipolicy.storage.fast_paths.BindsConnection), not {type(self.store).__name__}"
            )
        with bind(connection):
            yield self

    # -- plumbing ---------------------------------------------------------------------

    def now(self) -> datetime:
        at = self.clock.now()
        if type(at) is datetime and type(at.tzinfo) is timezone:
            return at  # an instant already (what instant() returns as it is), asked every check
        return instant(at, "clock.now()")

    def _run(
        self, operation: Callable[[UnitOfWork], T], *, write: bool = True, snapshot: bool = False
    ) -> T:
        """Run ``operation`` in one unit of work (``snapshot``: a read of many rows that
        must see one state of the store).

        A :class:`ConcurrencyConflict` means another writer changed the same records
        first; since ``operation`` reads fresh facts each time, running it again is safe.
        Retries are bounded. A :class:`Denied` raised by a recording call keeps what was
        written before it (the audit event of the denial), then propagates.
        """
        for attempt in range(_CONFLICT_RETRIES):
            try:
                with self.store.unit_of_work(read_only=not write, snapshot=snapshot) as inner:
                    uow: UnitOfWork = RecordingUnit(inner) if write else inner
                    try:
                        result = operation(uow)
                    except Denied:
                        self._flush(uow)
                        inner.commit()
                        raise
                    if write:
                        self._flush(uow)
                        inner.commit()
                    return result
            except ConcurrencyConflict:
                if attempt == _CONFLICT_RETRIES - 1:
                    raise
            except PipolicyError:
                raise
            except Exception as e:  # a driver error: fail closed, with a typed error
                raise _storage_failed(e) from e
        raise AssertionError("unreachable")  # pragma: no cover

    def _audit(
        self,
        uow: UnitOfWork,
        kind: str,
        subject_id: str | None,
        payload: Mapping[str, object],
        at: datetime | None = None,
    ) -> None:
        """Record an event; ``at`` is the operation's instant, so records and log agree.

        In a writing operation the event is held until the operation ends, when the last
        one gets the digests of the records the operation wrote (records bound to the log).
        """
        if isinstance(uow, RecordingUnit):
            uow.stage(kind, subject_id, payload, at or self.now())
            return
        self._append(uow, kind, subject_id, payload, at or self.now())

    @staticmethod
    def _append(
        uow: UnitOfWork,
        kind: str,
        subject_id: str | None,
        payload: Mapping[str, object],
        at: datetime,
    ) -> None:
        # No read of the log's tail: the store's sequencer places the entry.
        uow.audit.append(AuditEntry.of(at, kind, subject_id, payload))

    def _flush(self, uow: UnitOfWork) -> None:
        if not isinstance(uow, RecordingUnit):
            return
        entries: list[AuditEntry] = []

        def collect(
            kind: str, subject_id: str | None, payload: Mapping[str, object], at: datetime
        ) -> None:
            entries.append(AuditEntry.of(at, kind, subject_id, payload))

        uow.flush(collect, self.now)  # the time read only if an event must be made
        many = fast_path(uow.audit, AppendsMany.append_many)
        if many is not None and len(entries) > 1:
            many(entries)  # an optional fast path: one statement for a batch's events
        else:
            for entry in entries:
                uow.audit.append(entry)

    def _subject_id(self, subject: SubjectLike) -> str:
        """Check ``subject``; its id, or for a :class:`Ref` the (checked) ref, which only
        a unit of work resolves (:meth:`_sid`)."""
        if isinstance(subject, Subject):
            return name(subject.id, "subject.id")
        if isinstance(subject, Ref):
            return name(subject.value, "pp.Ref (the application's key for the person)")
        if isinstance(subject, str) and subject:
            return name(subject, "subject")
        raise InvalidInput("subject must be a pipolicy.Subject, its id, or pp.Ref(ref)")

    def _checked(self, subject: SubjectLike) -> SubjectLike:
        """``subject``, checked: an id stays what it is, a :class:`Ref` waits for a unit."""
        key = self._subject_id(subject)
        return subject if isinstance(subject, Ref) else key

    def _sid(self, uow: UnitOfWork, subject: SubjectLike) -> str:
        """The subject's id, a :class:`Ref` looked up in ``uow``; raise
        :class:`SubjectNotFound` (naming neither) if there is none."""
        key = self._subject_id(subject)
        if not isinstance(subject, Ref):
            return key
        found = uow.subjects.by_ref(key)
        if found is None:
            raise SubjectNotFound(key, by_ref=True)
        return found.id

    def _facts(
        self,
        uow: UnitOfWork,
        subject: SubjectLike,
        *,
        history: bool = False,
        key: str | None = None,
    ) -> SubjectFacts:
        """The facts a decision rests on (consents still given), or with ``history``
        every consent ever recorded (for listings, requests and investigations). A
        :class:`Ref` is resolved in the same query where the store can (``facts_by_ref``).
        ``key`` is :meth:`_subject_id` of ``subject`` where the caller has checked it."""
        if key is None:
            key = self._subject_id(subject)
        if isinstance(subject, Ref):
            by_ref = fast_path(uow, ReadsFactsByRef.facts_by_ref)
            facts = (
                by_ref(key, ended_consents=history)
                if by_ref is not None
                else uow.facts(self._sid(uow, subject), ended_consents=history)
            )
            if facts is None:
                raise SubjectNotFound(key, by_ref=True)
            return facts
        facts = uow.facts(key, ended_consents=history)
        if facts is None:
            raise SubjectNotFound(key)
        return facts

    def _check(
        self, subject: SubjectLike, key: str, decide: Callable[[SubjectFacts], Decision]
    ) -> Decision:
        """``decide`` on the facts of ``subject`` (``key``: its :meth:`_subject_id`), read
        without a unit of work where the store offers ``committed_facts`` (an optional
        fast path) and it answers, else in a read-only unit (:meth:`_run`, which raises
        :class:`SubjectNotFound` for nobody). Errors map as :meth:`_run` maps them."""
        read = fast_path(self.store, ReadsCommittedFacts.committed_facts)
        if read is not None:
            try:
                facts = read(key, by_ref=isinstance(subject, Ref))
                if facts is not None:
                    return decide(facts)
            except ConcurrencyConflict:
                pass  # the unit below retries, as _run would
            except PipolicyError:
                raise
            except Exception as e:  # a driver error: fail closed, with a typed error
                raise _storage_failed(e) from e
        return self._run(lambda uow: decide(self._facts(uow, subject, key=key)), write=False)

    def _ids_of(self, uow: UnitOfWork, subjects: list[SubjectLike]) -> list[str]:
        """The ids of checked ``subjects`` (:meth:`_checked`), their :class:`Ref` looked
        up together (:meth:`_by_refs`); ``""`` for a ref nobody is registered under."""
        named = self._by_refs(uow, [s.value for s in subjects if isinstance(s, Ref)])
        return [
            s
            if isinstance(s, str)  # an id, checked already
            else (found.id if (found := named.get(self._subject_id(s))) is not None else "")
            for s in subjects
        ]

    @staticmethod
    def _by_refs(uow: UnitOfWork, refs: Iterable[str]) -> dict[str, Subject]:
        """The subjects registered under ``refs`` (those that are), by ref: a page of
        them per query where the store offers ``by_refs`` (an optional fast path), else
        one lookup each."""
        wanted = list(dict.fromkeys(refs))
        by_refs = fast_path(uow.subjects, FindsByRefs.by_refs) if wanted else None
        if by_refs is not None:
            return dict(by_refs(wanted))
        return {ref: s for ref in wanted if (s := uow.subjects.by_ref(ref)) is not None}

    @classmethod
    def _facts_of(
        cls, uow: UnitOfWork, subject_ids: Iterable[str], *, many: bool = True
    ) -> dict[str, SubjectFacts]:
        """:meth:`_facts_found`, raising :class:`SubjectNotFound` for the first missing."""
        wanted = list(dict.fromkeys(subject_ids))
        found = cls._facts_found(uow, wanted, many=many)
        missing = [sid for sid in wanted if sid not in found]
        if missing:
            raise SubjectNotFound(missing[0])
        return found

    @staticmethod
    def _facts_found(
        uow: UnitOfWork, subject_ids: Iterable[str], *, many: bool = True
    ) -> dict[str, SubjectFacts]:
        """The decision facts of each subject there is, once each; in one call where the
        store offers ``facts_many`` (an optional fast path) and ``many`` allows it, else
        one read per person (which, in a writing unit, locks each first)."""
        wanted = [sid for sid in dict.fromkeys(subject_ids) if sid]
        read_many = fast_path(uow, ReadsFactsOfMany.facts_many) if many else None
        found: Mapping[str, SubjectFacts] = (
            read_many(wanted)
            if read_many is not None
            else {
                sid: f for sid in wanted if (f := uow.facts(sid, ended_consents=False)) is not None
            }
        )
        return dict(found)

    @staticmethod
    def _exemption(
        exemption: Exemption | str | None, justification: str | None
    ) -> Exemption | None:
        if exemption is None:
            if justification is not None:
                raise InvalidInput("justification= is only meaningful with exemption=")
            return None
        value = member(Exemption, exemption, "exemption")
        why = statement(
            justification, "an exemption's justification", " such as the order's reference"
        )
        screened(why, "an exemption's justification")  # kept in the log (R-SEC-3)
        return value

    def explain(
        self, decision: Decision, lang: str | None = None, *, era: bool = False
    ) -> tuple[str, ...]:
        """``decision``'s reasons for the person it is about, in ``lang`` (the policy's
        default when None), worded by the engine's templates: :func:`pipolicy.explain`."""
        return explain(decision, self.policy, lang, templates=self.templates, era=era)

    def _decision_payload(self, d: Decision) -> dict[str, object]:
        return {
            "allowed": d.allowed,
            "basis": d.basis.value if d.basis else None,
            "action": d.action,
            "purpose": d.purpose,
            "recipient": d.recipient,
            "items": sorted(d.items),
            "reasons": list(d.reasons),
            "citations": list(d.citations),
            "rules": list(d.rules),
            "consent_id": d.consent_id,
            # Only when the decision rests on several consents: payloads stay as they were.
            **({"more_consent_ids": list(d.more_consent_ids)} if d.more_consent_ids else {}),
            "policy_version": self.policy.version,
        }

    # -- subjects ---------------------------------------------------------------------

    def register_subject(self, ref: str, *, category: str | None = None) -> Subject:
        """Register a person by the application's opaque reference; idempotent per ``ref``.

        Raises :class:`UnknownCategory` for a category the policy does not list.
        """
        name(ref, "ref (the application's key for the person)")
        if category is not None and name(category, "category") not in self.policy.categories:
            raise UnknownCategory(category, self.policy.categories)

        def op(uow: UnitOfWork) -> Subject:
            existing = uow.subjects.by_ref(ref)
            if existing is not None:
                if existing.category != category:
                    raise InvalidInput(
                        f"subject {existing.id} is already registered in another category"
                    )
                return existing
            subject = Subject(self._ids(), ref, self.now(), category)
            uow.subjects.add(subject)
            self._audit(
                uow, "subject.registered", subject.id, {"category": category}, subject.registered_at
            )
            return subject

        # A concurrent registration of the same ref conflicts; the retry returns theirs.
        return self._run(op)

    def find_subject(self, ref: str) -> Subject | None:
        """The subject registered under ``ref``, or ``None``."""
        name(ref, "ref (the application's key for the person)")
        return self._run(lambda uow: uow.subjects.by_ref(ref), write=False)

    def mark_left(self, subject: SubjectLike) -> None:
        """Record that the person left the service; starts retention periods (R-ACC-1).

        A person who has left already keeps the day they left (a retried call records
        nothing): leaving again would restart the periods counted from it, and keep
        their data longer than the policy says. :meth:`mark_returned` ends an absence.
        Raises :class:`SubjectNotFound`."""

        self._subject_id(subject)

        def op(uow: UnitOfWork) -> None:
            now = self.now()
            found = self._facts(uow, subject).subject  # read under the person's lock
            if found.left_at is not None:
                return
            uow.subjects.mark_left(found.id, now)
            self._audit(uow, "subject.left", found.id, {}, now)

        self._run(op)

    def mark_returned(self, subject: SubjectLike) -> None:
        """Record that a person who left uses the service again (signed up again): their
        data is an active customer's, needed again, so periods counted from leaving stop
        (R-ACC-1, Art. 22) and start afresh at the next :meth:`mark_left`.

        Data acquired while they were away is needed again with the rest: nothing sets
        it apart. Data whose period from leaving has already run out is due for deletion
        (the report lists it), and the return would make it needed again: it is refused
        until that data is erased and the erasure recorded (:meth:`record_erasure`).
        Raises :class:`SubjectNotFound`, or :class:`InvalidTransition` if the person has
        not left or such data remains (its item names said, never its values)."""

        self._subject_id(subject)

        def op(uow: UnitOfWork) -> None:
            now = self.now()
            facts = self._facts(uow, subject)  # under the person's lock
            sid = facts.subject.id
            revived = revived_by_return(self.policy, facts, now)
            if revived:
                raise InvalidTransition(
                    f"subject {sid} has data due for deletion since they left "
                    f"({', '.join(sorted(revived))}): erase it and record the erasure "
                    "(engine.record_erasure) before recording the return, which would "
                    "make it needed again (Art. 22)"
                )
            uow.subjects.mark_returned(sid)  # raises InvalidTransition if not left
            self._audit(uow, "subject.returned", sid, {}, now)

        self._run(op)

    # -- acquisition ------------------------------------------------------------------

    def check_acquisition(
        self,
        subject: SubjectLike,
        *,
        items: Iterable[str],
        purposes: Iterable[str] | str,
        opted_in: Iterable[str] = (),
        exemption: Exemption | str | None = None,
        justification: str | None = None,
        channel: Channel | str | None = None,
        purpose_shown: bool = True,
        source: str = "",
        provider_address: str | None = None,
        provider_obtained_by: str | None = None,
        provider_representative: str | None = None,
        provider_obtained_lawfully: bool = True,
        provider_kind: EntityKind | str | None = None,
        provider_basis: ReceiptBasis | str | None = None,
    ) -> Decision:
        """May these items be acquired for these purposes? Never raises for a denial.

        Takes what :meth:`acquire` takes about how the data arrives (``channel``, the
        confirmation on receipt from another business, the provider's kind and the basis
        of receipt), and answers as it would decide.
        """
        self._subject_id(subject)
        query, _ = self._acquisition_query(
            items,
            purposes,
            opted_in,
            exemption,
            justification,
            Receipt(
                channel,
                purpose_shown,
                source,
                provider_address,
                provider_obtained_by,
                provider_representative,
                provider_obtained_lawfully,
                provider_kind,
                provider_basis,
            ),
        )
        return self._run(
            lambda uow: decide_acquisition(
                self.policy, self._facts(uow, subject), query, self.now()
            ),
            write=False,
        )

    def _acquisition_query(
        self,
        items: Iterable[str],
        purposes: Iterable[str] | str,
        opted_in: Iterable[str],
        exemption: Exemption | str | None,
        justification: str | None,
        receipt: Receipt,
    ) -> tuple[AcquisitionQuery, _Provider]:
        """The checked question of :meth:`check_acquisition` and :meth:`acquire`, and the
        provider's kind and basis of receipt it checked (:meth:`acquire` records them)."""
        item_set = names(items, "items")
        purpose_set = names(purposes, "purposes")
        opt = names(opted_in, "opted_in", required=False)
        self.policy.check_items(item_set | opt)
        for p in sorted(purpose_set):
            self.policy.purpose(p)
        source = clean_text(
            receipt.source, "source", hint=" (where the data came from; '' if not known)"
        )
        screened(source, "source")  # kept in the log (R-SEC-3)
        provider = (
            (receipt.provider_address, "provider_address"),
            (receipt.provider_obtained_by, "provider_obtained_by"),
            (receipt.provider_representative, "provider_representative"),
        )
        for value, what in provider:
            if value is not None:
                clean_text(value, what, empty=False)
        chan = None if receipt.channel is None else member(Channel, receipt.channel, "channel")
        given = self._provider(receipt, chan)
        identifying = sorted(i for i in item_set if self.policy.items[i].identifies)
        if given.basis is ReceiptBasis.PERSONALLY_REFERABLE and identifying:
            # The basis spares confirming how the provider obtained the data (PPC Rules
            # Art. 24(1)(iii)): only for what identifies no one at the provider.
            raise InvalidInput(
                "provider_basis='personally_referable' is for personally referable "
                "information (items declared identifies = false); these items identify "
                f"the person: {', '.join(identifying)}, personal data to the provider too "
                "(say provider_basis='consent' or 'opt_out', and provider_obtained_by)"
            )
        query = AcquisitionQuery(
            item_set,
            purpose_set,
            opt,
            self._exemption(exemption, justification),
            justification,
            channel=chan,
            purpose_shown=flag(receipt.purpose_shown, "purpose_shown"),
            provider_confirmed=confirmed_on_receipt(
                receipt.source,
                receipt.provider_address,
                receipt.provider_representative,
                receipt.provider_obtained_by,
                given.kind,
                given.basis,
            ),
            provider_lawful=flag(receipt.provider_obtained_lawfully, "provider_obtained_lawfully"),
            provider_by_opt_out=given.basis is ReceiptBasis.OPT_OUT
            or receipt.provider_obtained_by == "opt_out",
            provider_basis=given.basis,
            source=receipt.source,
        )
        return query, given

    @staticmethod
    def _provider(receipt: Receipt, channel: Channel | None) -> _Provider:
        """The provider's kind and the basis of receipt of ``receipt``, checked: they and
        the provider's details say something of a provider, so only of data from another
        business (the message names the field, never its value); an individual
        has no representative (Art. 30(1)(i)); a receipt marked by opt-out the older way
        (``provider_obtained_by="opt_out"``) is not on another basis."""
        kind = (
            None
            if receipt.provider_kind is None
            else member(EntityKind, receipt.provider_kind, "provider_kind")
        )
        basis = (
            None
            if receipt.provider_basis is None
            else member(ReceiptBasis, receipt.provider_basis, "provider_basis")
        )
        described = (
            (kind, "provider_kind"),
            (basis, "provider_basis"),
            (receipt.provider_address, "provider_address"),
            (receipt.provider_representative, "provider_representative"),
            (receipt.provider_obtained_by, "provider_obtained_by"),
        )
        for value, what in described:
            if value is not None and channel not in (None, Channel.PROVIDED_BY_BUSINESS):
                raise InvalidInput(
                    f"{what} describes data received from another business "
                    f"(channel='provided_by_business'), not data acquired by {channel.value}"
                )
        if kind is EntityKind.INDIVIDUAL and receipt.provider_representative is not None:
            raise InvalidInput(
                "provider_kind='individual': an individual has no representative to confirm "
                "(Art. 30(1)(i) asks it of a corporation or an association); leave out "
                "provider_representative, or say provider_kind='corporation'"
            )
        if (
            basis is not None
            and basis is not ReceiptBasis.OPT_OUT
            and receipt.provider_obtained_by == "opt_out"
        ):
            raise InvalidInput(
                f"provider_basis={basis.value!r} contradicts provider_obtained_by='opt_out', "
                "which marks data received by opt-out: say provider_basis='opt_out' and "
                "how the provider obtained the data in provider_obtained_by"
            )
        return _Provider(kind, basis)

    def acquire(
        self,
        subject: SubjectLike,
        *,
        items: Iterable[str],
        purposes: Iterable[str] | str,
        channel: Channel | str,
        source: str = "",
        opted_in: Iterable[str] = (),
        exemption: Exemption | str | None = None,
        justification: str | None = None,
        purpose_shown: bool = True,
        notice: str = "",
        provider_address: str | None = None,
        provider_obtained_by: str | None = None,
        provider_representative: str | None = None,
        provider_obtained_lawfully: bool = True,
        provider_kind: EntityKind | str | None = None,
        provider_basis: ReceiptBasis | str | None = None,
    ) -> Acquisition:
        """Record that items were collected for notified purposes (R-ACQ-1, R-NTC-1).

        ``purpose_shown=False`` says the person handed over their data in writing (a web
        form, a mail, a contract) without the purposes shown to them first: denied (Art.
        21(2)). ``notice`` names the notice or form that showed them (``"signup-form-v3"``),
        kept in the audit log with the policy version. Received from another business
        (``channel="provided_by_business"``, Art. 30), the confirmation on receipt is
        required: ``source`` names the provider, ``provider_address`` its address,
        ``provider_representative`` its representative and ``provider_obtained_by`` how it
        obtained the data; these are refused (:class:`InvalidInput`) on any other channel.
        Where the provision is an item of Art. 27(1) or 27(5), the confirmation is not owed
        (Art. 30(1) proviso): the ``exemption`` claimed says so (``received_under_arrangement``
        for an entrustment, succession or joint use; ``laws_and_regulations``,
        ``life_body_property``... for the same item of Art. 27(1), only where the policy's
        ``[use] exemptions`` allow it), with its justification, kept in the audit event.
        ``provider_obtained_lawfully=False`` (the business learnt the provider used
        improper means) refuses it, whatever the channel (R-ACQ-4; seed 003 L28).
        ``provider_kind`` (:class:`EntityKind`) says what the provider is: an
        ``"individual"`` (a sole trader) has no representative, so none is asked, and
        none may be given; a ``"corporation"`` or an ``"association"``, or a provider
        whose kind is not said, needs it (Art. 30(1)(i)). ``provider_basis``
        (:class:`ReceiptBasis`) is the note PPC Rules Art. 24(1) adds to the record of
        receipt: ``"consent"`` (the provider obtained the person's consent to providing the
        data to the business, Arts. 27(1), 28(1); special care-required data so provided
        needs no consent of the business's own, Art. 20(2)),
        ``"opt_out"`` (the provider's filing is published by the PPC, Art. 27(4): such
        data is never provided by opt-out again, R-TPP-8; ``provider_obtained_by=
        "opt_out"`` said so before, and still does) or ``"personally_referable"``
        (personally referable information acquired as personal data on the person's
        consent, Art. 31(1)(i): how the provider obtained it is then not asked; refused for
        items that identify the person, personal data to the provider too, and without
        that consent on file, a consent to a purpose asked for covering the items). Both are
        kept on the acquisition and in its event. Data received through a merger or
        business transfer (``channel="succession"``) is used within the purposes it is
        recorded for, which are the predecessor's (Art. 18(2), R-USE-6).

        Raises :class:`AcquisitionDenied` when the policy forbids it (items outside the
        purposes, optional items without opt-in, missing permission for a purpose that
        needs it, special care-required items without consent, purposes not shown).
        """
        self._subject_id(subject)
        chan = member(Channel, channel, "channel")
        receipt = Receipt(
            chan,
            purpose_shown,
            source,
            provider_address,
            provider_obtained_by,
            provider_representative,
            provider_obtained_lawfully,
            provider_kind,
            provider_basis,
        )
        query, given = self._acquisition_query(
            items, purposes, opted_in, exemption, justification, receipt
        )
        clean_text(notice, "notice", hint=" (the notice or form shown; '' if none)")
        screened(notice, "notice")  # kept in the log (R-SEC-3)

        def op(uow: UnitOfWork) -> Acquisition:
            facts = self._facts(uow, subject)
            now = self.now()
            decision = decide_acquisition(self.policy, facts, query, now)
            payload = self._decision_payload(decision)
            if not decision.allowed:
                if chan is Channel.PROVIDED_BY_BUSINESS or not query.provider_lawful:
                    # Names the provider, so a business that promised to stop serving a
                    # client who obtained data improperly has the evidence (seed 003 L28),
                    # whatever the channel it said the data came by.
                    payload.update(provider=source, provider_lawful=query.provider_lawful)
                self._audit(uow, "acquisition.denied", facts.subject.id, payload, now)
                raise AcquisitionDenied(decision)
            acquisition = Acquisition(
                id=self._ids(),
                subject_id=facts.subject.id,
                items=query.items,
                purposes=query.purposes,
                channel=chan,
                source=source,
                acquired_at=now,
                policy_version=self.policy.version,
                opted_in=query.opted_in,
                provider_address=provider_address,
                provider_obtained_by=provider_obtained_by,
                provider_representative=provider_representative,
                provider_kind=given.kind,
                provider_basis=given.basis,
            )
            uow.acquisitions.add(acquisition)
            payload.update(
                acquisition_id=acquisition.id,
                channel=chan.value,
                source=source,
                policy_version=self.policy.version,
                notice=notice,
            )
            if chan is Channel.PROVIDED_BY_BUSINESS:  # the confirmation on receipt (Art. 30)
                payload["provider_representative"] = provider_representative
                # Only when given: events recorded before these keys existed are unchanged.
                if given.kind is not None:
                    payload["provider_kind"] = given.kind.value
                if given.basis is not None:
                    payload["provider_basis"] = given.basis.value
            self._audit(uow, "acquisition.recorded", facts.subject.id, payload, now)
            return acquisition

        return self._run(op)

    # -- consents ---------------------------------------------------------------------

    def grant_consent(
        self,
        subject: SubjectLike,
        *,
        purpose: str | None = None,
        recipient: str | None = None,
        items: Iterable[str] = (),
        evidence: Evidence | None = None,
        expires: datetime | None = None,
    ) -> Consent:
        """Record the person's consent to a purpose, or to provision to a recipient.

        Give exactly one of ``purpose`` and ``recipient``. ``items`` narrows the scope;
        for a recipient it is required. A consent to a purpose given without items covers
        the items the purpose declares now, and records them: a later version of the
        policy that adds an item to the purpose does not stretch the person's yes to it
        (Arts. 18(1), 20(2); R-USE-7). Raises :class:`UnknownPurpose`,
        :class:`UnknownRecipient`, :class:`UnknownItem` or :class:`InvalidInput`; its
        :class:`ConsentNotApplicable` for a yes nothing could rest on, recording nothing:
        to a recipient, an Individual Number (My Number Act Art. 19, R-MYN-1), or items
        it does not receive; any yes to a public authority or a recipient of statistics.

        At most one consent per scope is in force: if one of exactly this scope is (a
        retried sign-up, a second click), it is returned and nothing is recorded, unless
        this grant lasts longer (``expires`` later, or none where it has one) or comes
        with foreign information (``evidence.foreign_info``, Art. 28) the one in force
        was not given with: then the consent it replaces ends (``expired``) as the new
        one begins.
        """
        self._subject_id(subject)
        scope = self._granted_scope(purpose, recipient, items)
        how = informed(self.policy, scope, _evidence(evidence))
        if expires is not None:
            expires = moment(expires, "expires")

        def op(uow: UnitOfWork) -> Consent:
            facts = self._facts(uow, subject)
            now = self.now()
            if expires is not None and expires <= now:
                raise InvalidInput(
                    "expires is in the past: a consent must expire after it is given"
                )
            in_force_already, ended = renewal(
                self.policy, facts.consents, scope, expires, now, how, facts.restrictions
            )
            for lapsed in ended:
                # Lapsed, void, or shorter than this grant: ended, so the store keeps one
                # consent per scope given.
                uow.consents.update(lapsed)
                payload = self._consent_payload(lapsed)
                self._audit(uow, "consent.expired", facts.subject.id, payload, now)
            if in_force_already is not None:
                return in_force_already  # already in force for at least as long
            consent = Consent(
                id=self._ids(),
                subject_id=facts.subject.id,
                scope=scope,
                status=ConsentStatus.GIVEN,
                evidence=how,
                policy_version=self.policy.version,
                given_at=now,
                expires_at=expires,
            )
            uow.consents.add(consent)
            payload = self._consent_payload(consent)
            self._audit(uow, "consent.given", facts.subject.id, payload, now)
            return consent

        return self._run(op)

    def import_consents(
        self,
        rows: Iterable[ConsentImport],
        *,
        batch_size: int = 1000,
        source: str = "",
        progress: Callable[[ImportReport], object] | None = None,
    ) -> ImportReport:
        """Record many consents, a batch of ``batch_size`` rows per transaction, people
        registered by ref as needed; ``progress`` gets the totals after each batch.
        Idempotent: a scope already in force is not recorded again, nor one the person
        has refused or withdrawn since (``declined``: an import never overrides a no),
        nor a yes to a purpose's meaning before it changed beyond relevance
        (``purpose_changed``), nor one given before a deletion the person asked for to
        the items it erased (``narrowed``, R-REQ-7); a row's ``given_at`` dates its yes.
        See :mod:`pipolicy.importing`.

        Raises :class:`InvalidInput` naming the first bad row by number; earlier batches
        stay recorded.
        """
        from pipolicy.importing import import_consents

        return import_consents(self, rows, batch_size=batch_size, source=source, progress=progress)

    def refuse_consent(
        self,
        subject: SubjectLike,
        *,
        purpose: str | None = None,
        recipient: str | None = None,
        items: Iterable[str] = (),
        evidence: Evidence | None = None,
    ) -> Consent:
        """Record that the person declined; a refused consent never grants anything.

        Any scope the policy names is recorded, even one no yes could cover
        (:class:`ConsentNotApplicable`): the person's no is never lost. A no to a
        recipient without ``items`` reaches every item, as one to a purpose does.

        A "no" after a "yes" is a withdrawal in all but name (R-CON-2): every consent in
        force to the same purpose or recipient whose items meet the refused ones ends
        (``withdrawn``, its event naming the refusal), in the same unit of work. A consent
        to other items of that recipient or purpose stays.

        A no is never lost to the screen for personal data: evidence text that looks
        like it (:mod:`pipolicy.domain.screening`) is recorded as a marker, with a
        :class:`~pipolicy.domain.screening.PersonalDataWithheld` warning once recorded.
        """
        self._subject_id(subject)
        scope = self._scope(purpose, recipient, items, yes=False)
        how, kept_back = _evidence_of_no(evidence)  # a no is recorded whatever its text

        def op(uow: UnitOfWork) -> Consent:
            facts = self._facts(uow, subject)
            now = self.now()
            consent = Consent(
                self._ids(),
                facts.subject.id,
                scope,
                ConsentStatus.REFUSED,
                how,
                self.policy.version,
                now,
                ended_at=now,
            )
            said = {**_said_by(how), "by_refusal": consent.id}
            for given in facts.consents:
                if given.is_active(now) and scope.meets(given.scope):
                    self._end_consent(uow, given, ConsentStatus.WITHDRAWN, now, said, now)
            uow.consents.add(consent)
            payload = self._consent_payload(consent)
            self._audit(uow, "consent.refused", facts.subject.id, payload, now)
            return consent

        refused = self._run(op)
        warn_withheld(kept_back, "the refusal")
        return refused

    def settle_refusals(self, *, dry_run: bool = False) -> int:
        """Withdraw every consent a later refusal took back, in a store written before
        :meth:`refuse_consent` did so itself (R-CON-2); return how many. Run it once
        after upgrading: until then such a consent still allows use and provision.

        Each person is settled in a unit of work of their own, under their lock: the
        consent ends at the moment of the refusal, and its ``consent.withdrawn`` event
        names the refusal (``by_refusal``) and says it was settled. Running it again
        withdraws nothing more. ``dry_run`` counts without writing.

        One case it cannot tell apart: before the fix, a person who said yes again after
        such a refusal got the old consent back from :meth:`grant_consent`, with nothing
        recorded. That later yes is not in the store, so the old consent is withdrawn
        all the same (a denial, never a wrong allowance); ask those people again, or
        look first with ``dry_run``.
        """
        settled = 0
        after: str | None = None
        while True:
            ids = self._run(functools.partial(_page_after, after), write=False)
            if not ids:
                return settled
            for sid in ids:
                settle = functools.partial(self._settle_refusals, sid, dry_run=dry_run)
                settled += self._run(settle, write=not dry_run)
            after = ids[-1]

    def _settle_refusals(self, subject_id: str, uow: UnitOfWork, *, dry_run: bool) -> int:
        facts = self._facts(uow, subject_id, history=True)
        refusals = [c for c in facts.consents if c.status is ConsentStatus.REFUSED]
        if not refusals:
            return 0
        now = self.now()
        count = 0
        for given in facts.consents:
            if not given.is_active(now):
                continue
            later = [
                r for r in refusals if r.given_at > given.given_at and r.scope.meets(given.scope)
            ]
            if not later:
                continue
            count += 1
            if dry_run:
                continue
            refusal = min(later, key=lambda r: (r.given_at, r.id))
            said = {**_said_by(refusal.evidence), "by_refusal": refusal.id, "settled": True}
            withdrawn = ConsentStatus.WITHDRAWN
            self._end_consent(uow, given, withdrawn, refusal.given_at, said, now)
        return count

    def _scope(
        self, purpose: str | None, recipient: str | None, items: Iterable[str], *, yes: bool
    ) -> ConsentScope:
        """The scope named, validated against the policy's names. A yes to a recipient
        names its items; a no to one may not (every item, as for a purpose)."""
        if (purpose is None) == (recipient is None):
            raise InvalidInput("give exactly one of purpose= or recipient=")
        item_set = names(items, "items", required=yes and recipient is not None)
        self.policy.check_items(item_set)
        if purpose is not None:
            p = self.policy.purpose(purpose)
            if item_set - p.all_items:
                raise InvalidInput(
                    f"items {sorted(item_set - p.all_items)} are not declared for purpose {purpose!r}"
                )
        else:
            assert recipient is not None
            self.policy.recipient(recipient)
        return self._shared_scope(
            ConsentScope(purpose=purpose, recipient=recipient, items=item_set)
        )

    def _shared_scope(self, scope: ConsentScope) -> ConsentScope:
        """One shared object per scope: a store in memory then keeps one copy of each
        scope, not one per consent. Scopes come from the policy's few names, so the
        table stays small; it is bounded all the same."""
        if len(self._scopes) >= _SCOPES_KEPT:
            self._scopes.clear()
        return self._scopes.setdefault(scope, scope)

    def _granted_scope(
        self, purpose: str | None, recipient: str | None, items: Iterable[str]
    ) -> ConsentScope:
        """The scope of a yes: a purpose's named items, or else the items it declares
        now, what the person was asked about (a no, or a withdrawal, with no items
        still reaches every item). Kept once validated, as a check's question is
        (:func:`_question_key`): granting the same names again skips validating them.
        Raises :class:`ConsentNotApplicable` for a yes nothing could rest on
        (:func:`~pipolicy.rules.consentable.check_consentable`)."""
        key = None
        if purpose is None and recipient is not None:
            key = _question_key("grant to", recipient, items)
        elif recipient is None and purpose is not None:
            key = _question_key("grant for", purpose, items)
        found = self._granted.get(key) if key is not None else None
        if found is not None:
            return found
        scope = self._scope(purpose, recipient, items, yes=True)
        check_consentable(self.policy, scope)
        if scope.purpose is not None and not scope.items:
            # The policy's own names: nothing to validate again.
            items = frozenset(self.policy.purposes[scope.purpose].all_items)
            scope = self._shared_scope(ConsentScope(scope.purpose, None, items))
        if key is not None:
            if len(self._granted) >= _SCOPES_KEPT:
                self._granted.clear()
            self._granted[key] = scope
        return scope

    @staticmethod
    def _consent_payload(consent: Consent) -> dict[str, object]:
        return {
            "consent_id": consent.id,
            "status": consent.status.value,
            "purpose": consent.scope.purpose,
            "recipient": consent.scope.recipient,
            "items": sorted(consent.scope.items),
            "method": consent.evidence.method,
            "evidence_ref": consent.evidence.ref,
            "given_by": consent.evidence.given_by,
            "policy_version": consent.policy_version,
            "version": consent.version,
        }

    def withdraw_consent(
        self,
        subject: SubjectLike,
        *,
        purpose: str | None = None,
        recipient: str | None = None,
        consent_id: str | None = None,
        evidence: Evidence | None = None,
    ) -> tuple[Consent, ...]:
        """Withdraw the active consents matching the arguments (R-CON-2).

        Effective for every decision after now; records made before stay. ``evidence``
        records how the withdrawal came (and whether an agent made it); text in it that
        looks like personal data is withheld, as :meth:`refuse_consent` says.
        ``consent_id`` may name a consent a later grant of its scope ended (it renewed
        it, :attr:`Consent.replaced`): the person holds that one's receipt, so the
        consent in force that took its place is withdrawn, its event naming the one
        named (``in_place_of``). Raises :class:`InvalidTransition` if no active consent
        matches.
        """
        self._subject_id(subject)
        if purpose is None and recipient is None and consent_id is None:
            raise InvalidInput("name the consent: purpose=, recipient= or consent_id=")
        if purpose is not None:
            self.policy.purpose(purpose)
        if recipient is not None:
            self.policy.recipient(recipient)
        if consent_id is not None:
            name(consent_id, "consent_id")
        how, kept_back = _evidence_of_no(evidence)  # a no is recorded whatever its text

        def matches(c: Consent) -> bool:
            return (
                (consent_id is None or c.id == consent_id)
                and (purpose is None or c.scope.purpose == purpose)
                and (recipient is None or c.scope.recipient == recipient)
            )

        ended = self._end_consents(
            subject, ConsentStatus.WITHDRAWN, matches, _said_by(how), named=consent_id
        )
        warn_withheld(kept_back, "the withdrawal")
        return ended

    def revoke_consent(self, subject: SubjectLike, *, consent_id: str, reason: str) -> Consent:
        """End a consent the business can no longer rely on (R-CON-1).

        For example one obtained without showing the current notice, or recorded in
        error. ``reason`` is the business's own statement, kept in the audit log (withheld,
        with a warning, where it looks like personal data: the consent ends all the same).
        """
        self._subject_id(subject)
        name(consent_id, "consent_id")
        # Ended whatever the reason says: text that looks like personal data is withheld.
        if not isinstance(reason, str) or not reason.strip():
            raise InvalidInput("a revocation's reason is required: give it as a non-empty string")
        kept, found = withheld(reason.strip())
        said = {"reason": kept}
        [revoked] = self._end_consents(
            subject, ConsentStatus.REVOKED, lambda c: c.id == consent_id, said
        )
        warn_withheld([("a revocation's reason", found)] if found else (), "the revocation")
        return revoked

    def _end_consents(
        self,
        subject: SubjectLike,
        status: ConsentStatus,
        matches: Callable[[Consent], bool],
        details: Mapping[str, object],
        *,
        named: str | None = None,
    ) -> tuple[Consent, ...]:
        """End the subject's active consents that ``matches``; or, where none does and
        ``named`` is the id of one a grant of its scope ended that ``matches``, those
        in force in its place (:func:`in_place_of`), their events saying so."""

        def op(uow: UnitOfWork) -> tuple[Consent, ...]:
            facts = self._facts(uow, subject)
            now = self.now()
            matching = [c for c in facts.consents if c.is_active(now) and matches(c)]
            said = details
            ended = uow.consents.get(named) if named is not None and not matching else None
            if ended is not None and ended.subject_id == facts.subject.id and matches(ended):
                # The renewals between: ended consents, which a decision's facts leave out.
                every = self._facts(uow, subject, history=True).consents
                matching = list(in_place_of(self.policy, ended, every, now))
                said = {**details, "in_place_of": ended.id}
            if not matching:
                raise InvalidTransition(
                    f"no active consent matches: nothing to mark {status.value}"
                )
            return tuple(self._end_consent(uow, c, status, now, said, now) for c in matching)

        return self._run(op)

    def _end_consent(
        self,
        uow: UnitOfWork,
        consent: Consent,
        status: ConsentStatus,
        at: datetime,
        details: Mapping[str, object],
        now: datetime,
    ) -> Consent:
        """``consent`` ended as ``status`` at ``at``, written in ``uow`` with its
        ``consent.<status>`` event (recorded ``now``) carrying ``details``."""
        ended = consent.transition(status, at)
        uow.consents.update(ended)
        payload = {**self._consent_payload(ended), **details}
        self._audit(uow, f"consent.{status.value}", consent.subject_id, payload, now)
        return ended

    def consent(self, consent_id: str) -> Consent:
        """The consent ``consent_id``; raises :class:`InvalidInput` if there is none."""
        key = name(consent_id, "consent_id")
        found = self._run(lambda uow: uow.consents.get(key), write=False)
        if found is None:
            raise InvalidInput("no consent with this id is recorded")
        return found

    def consents(self, subject: SubjectLike) -> tuple[Consent, ...]:
        """Every consent record of the subject, in the order given."""
        self._subject_id(subject)
        return self._run(lambda uow: self._facts(uow, subject, history=True).consents, write=False)

    def acquisitions(self, subject: SubjectLike) -> tuple[Acquisition, ...]:
        self._subject_id(subject)
        return self._run(
            lambda uow: self._facts(uow, subject, history=True).acquisitions, write=False
        )

    def record_keeping(self, subject: SubjectLike) -> dict[str, datetime]:
        """Until when each Art. 29 provision record about ``subject`` must be kept, by record
        id (R-REC-1): a record's own ``keep_until`` is right when it is written, and a later
        provision under a contract that stands in for the record extends the earlier ones."""
        return self.policy.keep_records_until(self.provisions(subject))

    def provisions(self, subject: SubjectLike) -> tuple[ProvisionRecord, ...]:
        self._subject_id(subject)

        def op(uow: UnitOfWork) -> tuple[ProvisionRecord, ...]:
            sid = self._sid(uow, subject)
            if uow.subjects.get(sid) is None:
                raise SubjectNotFound(sid)
            return tuple(uow.provisions.for_subject(sid))

        return self._run(op, write=False)

    # -- use --------------------------------------------------------------------------

    def _use_query(
        self,
        purpose: str,
        items: Iterable[str],
        actor: Actor | str | None,
        exemption: Exemption | str | None,
        justification: str | None,
    ) -> UseQuery:
        plain = actor is None and exemption is None and justification is None
        key = _question_key("use", purpose, items) if plain else None
        found = self._queries.get(key) if key is not None else None
        if isinstance(found, UseQuery):
            return found
        item_set = names(items, "items")
        self.policy.purpose(purpose)
        self.policy.check_items(item_set)
        query = UseQuery(
            purpose,
            item_set,
            _actor(actor),
            self._exemption(exemption, justification),
            justification,
        )
        return self._compiled(key, query)

    def _compiled(self, key: tuple[object, ...] | None, query: Q) -> Q:
        """``query``, kept under ``key`` once validated: the next check asking the same
        question (the same names, nothing else) skips validating the names again and
        shares this query object. Questions come from the policy's few names, so the
        table stays small; it is bounded all the same."""
        if key is None:
            return query
        if len(self._queries) >= _QUERIES_KEPT:
            self._queries.clear()
        self._queries[key] = query  # type: ignore[assignment]
        return query

    def check_use(
        self,
        subject: SubjectLike,
        *,
        purpose: str,
        items: Iterable[str],
        actor: Actor | str | None = None,
        exemption: Exemption | str | None = None,
        justification: str | None = None,
    ) -> Decision:
        """May the subject's items be used for ``purpose``? Never raises for a denial.

        Raises for bad input: :class:`UnknownPurpose`, :class:`UnknownItem`,
        :class:`SubjectNotFound`, :class:`InvalidInput` (e.g. an exemption without a
        justification), and :class:`StorageError` if the facts cannot be read.
        """
        key = self._subject_id(subject)
        query = self._use_query(purpose, items, actor, exemption, justification)
        return self._check(
            subject, key, lambda facts: decide_use(self.policy, facts, query, self.now())
        )

    def check_use_many(self, checks: Iterable[UseCheck]) -> list[Decision]:
        """Answer many :meth:`check_use` questions in one unit of work, in order.

        Every check is validated before anything is read (bad input raises as
        :meth:`check_use` would, with a note of the check's position); each person's
        facts are read once, all of them in one round trip where the store can. An
        unknown subject raises :class:`SubjectNotFound` and answers nothing.

        Each answer is the person's at a moment during the call, not one moment for
        all: a write about several people committing meanwhile may show for some only.
        """
        return self._decide_many(
            _each(checks, UseCheck, "check_use_many"),
            lambda c: self._use_query(c.purpose, c.items, c.actor, c.exemption, c.justification),
            decide_use,
        )

    def _decide_many(
        self,
        checks: list[K],
        query: Callable[[K], Q],
        decide: Callable[[Policy, SubjectFacts, Q, datetime], Decision],
    ) -> list[Decision]:
        """Validate every check (``query``), then in one unit of work read each person's
        facts once and ``decide`` every check, in order."""
        # Each subject checked once, here: an id stays a str (used as it is below), a
        # Ref waits for the unit to be looked up.
        queries = _validated(checks, lambda c: (self._checked(c.subject), query(c)))

        def op(uow: UnitOfWork) -> list[Decision]:
            ids = self._ids_of(uow, [s for s, _ in queries])
            facts = self._facts_found(uow, ids)
            now = self.now()
            answers: list[Decision] = []
            for n, (sid, (subject, q)) in enumerate(zip(ids, queries, strict=True)):
                found = facts.get(sid)
                if found is None:  # the first check naming nobody, noted by its position
                    missing = SubjectNotFound(sid, by_ref=isinstance(subject, Ref))
                    raise _noted(missing, n, len(ids))
                answers.append(decide(self.policy, found, q, now))
            return answers

        return self._run(op, write=False)

    def allowed_subjects(
        self, *, purpose: str, items: Iterable[str], actor: Actor | str | None = None
    ) -> Iterator[Subject]:
        """The subjects for whom using ``items`` for ``purpose`` is allowed now (what a
        newsletter send needs), a page of people per unit of work, so memory stays
        bounded however many there are. Subjects who have left are never listed.

        A page is read in one unit of work; a write between pages may be seen by the
        next page only. Raises for bad input as :meth:`check_use`. A stream made inside
        :meth:`using` reads the application's transaction, so it is read in that block
        (and one made outside, outside): read elsewhere, it raises :class:`InvalidInput`
        rather than switch views between pages.
        """
        query = self._use_query(purpose, items, actor, None, None)
        bound = fast_path(self.store, BindsConnection.bound)
        made_in = bound() if bound is not None else None

        def page(after: str | None) -> tuple[list[Subject], str | None]:
            if bound is not None and bound() is not made_in:
                raise InvalidInput(
                    "this allowed_subjects() stream was made outside any engine.using() "
                    "block and is read inside one: read it outside, or ask again inside"
                    if made_in is None
                    else "this allowed_subjects() stream is read outside the "
                    "engine.using() block it was made in: read it there, or ask again"
                )

            def op(uow: UnitOfWork) -> tuple[list[Subject], str | None]:
                ids = uow.subjects.page_after(after, _PAGE)
                facts = self._facts_of(uow, ids)
                now = self.now()
                allowed = [
                    facts[sid].subject
                    for sid in ids
                    if facts[sid].subject.left_at is None
                    and decide_use(self.policy, facts[sid], query, now).allowed
                ]
                return allowed, (ids[-1] if len(ids) == _PAGE else None)

            return self._run(op, write=False, snapshot=True)

        def stream() -> Iterator[Subject]:
            after: str | None = None
            while True:
                allowed, after = page(after)
                yield from allowed
                if after is None:
                    return

        return stream()

    def use(
        self,
        subject: SubjectLike,
        *,
        purpose: str,
        items: Iterable[str],
        actor: Actor | str | None = None,
        exemption: Exemption | str | None = None,
        justification: str | None = None,
    ) -> Decision:
        """Decide and record a use in the audit log; raise :class:`UseDenied` if denied."""
        self._subject_id(subject)
        query = self._use_query(purpose, items, actor, exemption, justification)

        def op(uow: UnitOfWork) -> Decision:
            facts = self._facts(uow, subject)
            now = self.now()
            decision = decide_use(self.policy, facts, query, now)
            payload = self._decision_payload(decision)
            if query.actor is not None:
                payload["actor"] = query.actor.id
            if query.exemption is not None:
                payload["justification"] = justification
            kind = "use.allowed" if decision.allowed else "use.denied"
            self._audit(uow, kind, facts.subject.id, payload, now)
            if not decision.allowed:
                raise UseDenied(decision)
            return decision

        return self._run(op)

    # -- provision --------------------------------------------------------------------

    def _provision_query(
        self,
        recipient: str,
        items: Iterable[str],
        purpose: str | None,
        exemption: Exemption | str | None,
        justification: str | None,
        actor: Actor | str | None = None,
    ) -> ProvisionQuery:
        # Kept by its names only when it names no actor, as a use's: an actor's answer
        # (R-SEC-1) is never served to a question asked without one, nor the reverse.
        plain = (
            actor is None
            and exemption is None
            and justification is None
            and type(purpose) in (str, type(None))
        )
        key = _question_key("provision", recipient, items, purpose) if plain else None
        found = self._queries.get(key) if key is not None else None
        if isinstance(found, ProvisionQuery):
            return found
        item_set = names(items, "items")
        self.policy.recipient(recipient)
        if purpose is not None:
            self.policy.purpose(purpose)
        self.policy.check_items(item_set)
        query = ProvisionQuery(
            recipient,
            item_set,
            purpose,
            self._exemption(exemption, justification),
            justification,
            actor=_actor(actor),
        )
        return self._compiled(key, query)

    def check_provision(
        self,
        subject: SubjectLike,
        *,
        recipient: str,
        items: Iterable[str],
        purpose: str | None = None,
        actor: Actor | str | None = None,
        exemption: Exemption | str | None = None,
        justification: str | None = None,
    ) -> Decision:
        """May the subject's items be given to ``recipient``? Never raises for a denial.

        ``actor``: who gives them. Data held for a purpose restricted to its handlers is
        given only by one of them (R-SEC-1): without an actor, denied.
        """
        key = self._subject_id(subject)
        query = self._provision_query(recipient, items, purpose, exemption, justification, actor)
        return self._check(
            subject, key, lambda facts: decide_provision(self.policy, facts, query, self.now())
        )

    def check_provision_many(self, checks: Iterable[ProvisionCheck]) -> list[Decision]:
        """Answer many :meth:`check_provision` questions in one unit of work, in order
        (validated first, each person's facts read once, as :meth:`check_use_many`)."""
        return self._decide_many(
            _each(checks, ProvisionCheck, "check_provision_many"),
            lambda c: self._provision_query(
                c.recipient, c.items, c.purpose, c.exemption, c.justification, c.actor
            ),
            decide_provision,
        )

    def provide(
        self,
        subject: SubjectLike,
        *,
        recipient: str,
        items: Iterable[str],
        purpose: str | None = None,
        actor: Actor | str | None = None,
        exemption: Exemption | str | None = None,
        justification: str | None = None,
    ) -> ProvisionRecord:
        """Decide, and if allowed record the provision (R-REC-1); else raise :class:`ProvisionDenied`.

        A record is always kept; ``required_by_law`` says whether Art. 29 demands it (a
        consent-based provision to a third party) and ``keep_until`` how long. ``actor``
        as for :meth:`check_provision`; the audit event names it, as a use's does.
        """
        self._subject_id(subject)
        query = self._provision_query(recipient, items, purpose, exemption, justification, actor)

        def op(uow: UnitOfWork) -> ProvisionRecord:
            facts = self._facts(uow, subject)
            now = self.now()
            decision = decide_provision(self.policy, facts, query, now)
            payload = self._decision_payload(decision)
            if query.actor is not None:
                payload["actor"] = query.actor.id
            if not decision.allowed:
                self._audit(uow, "provision.denied", facts.subject.id, payload, now)
                raise ProvisionDenied(decision)
            assert decision.basis is not None
            rec = self.policy.recipients[recipient]
            # Art. 29: records of provision on consent and by opt-out.
            required = decision.basis in (Basis.CONSENT, Basis.OPT_OUT)
            record = ProvisionRecord(
                id=self._ids(),
                subject_id=facts.subject.id,
                recipient=recipient,
                recipient_name=rec.title or rec.name,
                items=query.items,
                purpose=purpose,
                basis=decision.basis,
                provided_at=now,
                required_by_law=required,
                keep_until=self.policy.record_kept_until(now, recipient, decision.basis)
                if required
                else None,
                consent_id=decision.consent_id,
                more_consent_ids=decision.more_consent_ids,
                exemption=query.exemption,
                justification=justification,
                country="" if rec.country == "JP" else rec.country,
                # As declared now: a record of provision by opt-out must hold them (PPC
                # Rules Art. 20(1)(i)), and the policy may change later.
                recipient_address=rec.address or None,
                recipient_representative=rec.representative or None,
            )
            uow.provisions.add(record)
            payload.update(
                record_id=record.id,
                required_by_law=required,
                justification=justification,
                # Where the recipient is (Art. 28, R-XB-1): "" for Japan.
                country=self.policy.recipients[query.recipient].country,
            )
            self._audit(uow, "provision.recorded", facts.subject.id, payload, now)
            return record

        return self._run(op)

    # -- anonymous statistics ---------------------------------------------------------

    def check_statistics(self, *, recipient: str, purpose: str, table: Aggregate) -> Decision:
        """May this aggregate be given to ``recipient`` without consent (R-TPP-6)?"""
        self.policy.recipient(recipient)
        self.policy.purpose(purpose)
        if not isinstance(table, Aggregate) or not _well_formed(table):
            raise InvalidInput(
                "table must be a pp.Aggregate: build it with pp.aggregate(rows, dimensions, k)"
            )
        self.policy.check_items(names(table.dimensions, "table.dimensions", required=False))
        return decide_statistics(self.policy, recipient, purpose, table)

    def provide_statistics(self, *, recipient: str, purpose: str, table: Aggregate) -> Decision:
        """Decide and record an anonymous provision; raise :class:`ProvisionDenied` if denied."""
        decision = self.check_statistics(recipient=recipient, purpose=purpose, table=table)

        def op(uow: UnitOfWork) -> Decision:
            payload = self._decision_payload(decision)
            payload["groups"] = len(table.groups)
            kind = "statistics.provided" if decision.allowed else "statistics.denied"
            self._audit(uow, kind, None, payload)
            if not decision.allowed:
                raise ProvisionDenied(decision)
            return decision

        return self._run(op)

    # -- reports and proof ------------------------------------------------------------

    def record_erasure(self, subject: SubjectLike, *, items: Iterable[str]) -> Restriction:
        """Record that the application erased ``items`` of the person (R-ACC-1, Art. 22):
        what :meth:`retention_report` listed, deleted as the law asks. Every copy acquired
        before now is gone from then on: the report no longer lists it, checks deny it as
        deleted, and an acquisition after it is a new copy. The audit log keeps the
        erasure (``data.erased``, item names only): the proof the duty was met.

        ``items`` are items the person's acquisitions hold (the policy may since have
        dropped one): anything else would record an erasure that did not happen, and
        keep in the log for good whatever was passed by mistake. An acquisition at the
        very instant of the erasure counts as erased (it cannot be shown to come after
        it). Erasing what a legal duty keeps (the report's ``legal_hold``) is the
        application's decision; this records it. Returns the deletion as a
        :class:`Restriction` (no request); checks deny it as ``erased`` (Art. 22).
        Raises :class:`SubjectNotFound`, or :class:`InvalidInput` for no items or one
        the person's acquisitions do not hold (named by count only)."""
        erased = names(items, "items")
        self._subject_id(subject)

        def op(uow: UnitOfWork) -> Restriction:
            now = self.now()
            facts = self._facts(uow, subject)  # under the person's lock
            unheld = erased - facts.held_items
            if unheld:
                raise InvalidInput(
                    f"items names {len(unheld)} item(s) this person's acquisitions do not "
                    "hold: name the items the retention report listed"
                )
            sid = facts.subject.id
            deletion = Restriction(self._ids(), sid, RestrictionKind.DELETED, now, items=erased)
            uow.restrictions.add(deletion)
            payload = {"restriction_id": deletion.id, "items": sorted(erased)}
            self._audit(uow, "data.erased", sid, payload, now)
            return deletion

        return self._run(op)

    def retention_report(self) -> list[RetentionEntry]:
        """Acquisitions whose items are due for deletion at the clock's now (R-ACC-1).

        An acquisition is due when every purpose it was acquired for has a retention
        period and the longest has passed since what it counts from (acquisition, the
        person leaving, the purpose's last day), or had a last day and no period and that
        day has passed (``Policy.retention_due``). Items with a legal retention duty are
        listed in ``legal_hold``; items already deleted (on a request, or erased and
        recorded with :meth:`record_erasure`), and items another acquisition still holds
        for a purpose that needs them, are left out. Items a deletion request kept
        under a legal duty are due once that duty has ended (:mod:`pipolicy.retention`).
        """
        now = self.now()

        def op(uow: UnitOfWork) -> list[RetentionEntry]:
            entries = []
            facts: dict[str, SubjectFacts | None] = {}
            deletions: dict[str, frozenset[str]] = {}
            for acq in uow.acquisitions.scan():
                sid = acq.subject_id
                if sid not in facts:
                    facts[sid] = uow.facts(sid, ended_consents=False)
                    deletions[sid] = _deletion_requests(uow, facts[sid])
                known = facts[sid]
                entry = past_retention(self.policy, known, acq, now) or kept_past_duty(
                    self.policy, known, acq, deletions[sid], now
                )
                if entry is not None:
                    entries.append(entry)
            return entries

        return self._run(op, write=False)

    def _placed(self, read: Callable[[UnitOfWork], T]) -> T:
        """``read`` the log after every event appended so far has its position (a
        checkpoint or a proof covers placed events only)."""

        def settle(uow: UnitOfWork) -> None:
            uow.audit.settle()

        self._run(settle)
        return self._run(read, write=False, snapshot=True)

    def audit_events(self) -> Iterator[AuditEvent]:
        """The audit log, oldest first."""
        return iter(self._placed(lambda uow: list(uow.audit.scan())))

    def verify_audit(self, trusted: Checkpoint | None = None) -> AuditReport:
        """Recompute the hash chain and the Merkle tree; the report says where the log
        breaks, if it does (R-SEC-3). With ``trusted``, a checkpoint kept outside the
        database, also prove that the log still extends it: truncation or a rewrite before
        it is reported (``ok=False``), which the chain alone cannot see. Every record row
        is compared with the latest digest the log holds for it. A row that cannot be
        read is reported, not raised. Verification writes nothing (events still queued
        for their positions count as the log's end).

        Raises :class:`InvalidInput` if ``trusted`` is not a :class:`Checkpoint`.
        """
        if trusted is not None and not isinstance(trusted, Checkpoint):
            raise InvalidInput("trusted must be a pp.Checkpoint (pp.Checkpoint.parse(text))")
        return self._run(lambda uow: verify_store(uow, trusted), write=False, snapshot=True)

    def checkpoint(self) -> Checkpoint:
        """The audit log's size and Merkle root now, to keep outside the database
        (``str(cp)`` is one line; :meth:`Checkpoint.parse` reads it back). Events still
        queued are placed first, so the checkpoint covers every event committed before.

        Raises :class:`AuditLogBroken` if the log does not verify: a checkpoint of a
        tampered log would vouch for it.
        """
        return self._placed(lambda uow: checkpoint_of(list(uow.audit.scan()), self.now()))

    def inclusion_proof(self, seq: int, checkpoint: Checkpoint) -> InclusionProof:
        """The proof that event ``seq`` is in the log ``checkpoint`` describes, which
        :func:`pipolicy.verify_inclusion` checks with the checkpoint alone (e.g. to show a
        person that their withdrawal was recorded).

        Raises :class:`InvalidInput` for an event outside the checkpoint and
        :class:`AuditLogBroken` if the log no longer matches the checkpoint.
        """
        if not isinstance(checkpoint, Checkpoint):
            raise InvalidInput("checkpoint must be a pp.Checkpoint")
        if not isinstance(seq, int) or isinstance(seq, bool):
            raise InvalidInput("seq must be an event's position, an int from 1")
        return self._run(
            lambda uow: prove_inclusion(list(uow.audit.scan()), seq, checkpoint),
            write=False,
            snapshot=True,
        )


_PAGE = 500
"""Subjects per unit of work when streaming (:meth:`Engine.allowed_subjects`)."""

C = TypeVar("C")
K = TypeVar("K", UseCheck, ProvisionCheck)
Q = TypeVar("Q")
E = TypeVar("E", bound=PipolicyError)


def _each(checks: Iterable[C], kind: type[C], where: str) -> list[C]:
    if isinstance(checks, (str, bytes)) or not isinstance(checks, Iterable):
        raise InvalidInput(f"{where} takes an iterable of pp.{kind.__name__}")
    asked = list(checks)
    for n, check in enumerate(asked):
        if not isinstance(check, kind):
            raise InvalidInput(f"{where}: check {n} is not a pp.{kind.__name__}")
    return asked


def _validated(checks: list[C], make: Callable[[C], T]) -> list[T]:
    """``make`` each check, bad input noted with the position of its check."""
    made = []
    for n, check in enumerate(checks):
        try:
            made.append(make(check))
        except PipolicyError as e:
            _noted(e, n, len(checks))
            raise
    return made


def _noted(error: E, n: int, total: int) -> E:
    """``error``, noted with the position of the check it is about (Python 3.11+)."""
    note = getattr(error, "add_note", None)
    if note is not None:
        note(f"in check {n} of {total}")
    return error


class _RequestPort:
    """The engine as :class:`pipolicy.requests.ports.RequestPort`: what the request
    workflow may use, delegated to the engine's own plumbing (so the requests package
    never imports the engine)."""

    __slots__ = ("_engine",)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def policy(self) -> Policy:
        return self._engine.policy

    @property
    def templates(self) -> tuple[str, ...]:
        return self._engine.templates

    def now(self) -> datetime:
        return self._engine.now()

    def new_id(self) -> str:
        return self._engine._ids()

    def run(self, operation: Callable[[UnitOfWork], T], *, write: bool = True) -> T:
        return self._engine._run(operation, write=write)

    def subject_id(self, subject: SubjectLike) -> str:
        return self._engine._subject_id(subject)

    def resolve(self, uow: UnitOfWork, subject: SubjectLike) -> str:
        return self._engine._sid(uow, subject)

    def facts(self, uow: UnitOfWork, subject: SubjectLike, *, history: bool = True) -> SubjectFacts:
        return self._engine._facts(uow, subject, history=history)

    def withdraw_consents(
        self, uow: UnitOfWork, subject_id: str, details: Mapping[str, object]
    ) -> tuple[str, ...]:
        engine = self._engine
        now = engine.now()
        withdrawn = ConsentStatus.WITHDRAWN
        return tuple(
            engine._end_consent(uow, c, withdrawn, now, details, now).id
            for c in engine._facts(uow, subject_id).consents
            if c.is_active(now)
        )

    def audit(
        self, uow: UnitOfWork, kind: str, subject_id: str, payload: Mapping[str, object]
    ) -> None:
        self._engine._audit(uow, kind, subject_id, payload)
