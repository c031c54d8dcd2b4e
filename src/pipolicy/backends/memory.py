"""The in-memory backend: the default store, and the reference for adapter authors.

State belongs to one :class:`MemoryStore` instance (no module globals). A unit of work
holds the store's lock and keeps an undo journal, so leaving it without ``commit()``
restores exactly what was there. Facts are bucketed per subject, so a decision's cost
does not depend on how many subjects exist.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs
from typing_extensions import Self

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.audit import GENESIS, AuditEntry, AuditEvent, entry_hash
from pipolicy.domain.consents import Consent, ConsentStatus
from pipolicy.domain.facts import (
    compact,
    with_acquisition,
    with_consent,
    with_restriction,
    with_subject,
)
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import Request
from pipolicy.domain.restrictions import Restriction
from pipolicy.domain.subjects import Subject
from pipolicy.errors import (
    ConcurrencyConflict,
    InvalidTransition,
    StorageError,
    SubjectNotFound,
)
from pipolicy.storage.fast_paths import ReadsCommittedFacts, ReadsFactsByRef
from pipolicy.storage.lazy import made_when_used
from pipolicy.storage.repositories import Capabilities, SubjectFacts

__all__ = ["MemoryStore"]

_Undo = Callable[[], None]
_Change = Callable[[SubjectFacts], SubjectFacts]  # how a write changes a compiled state
_Touched = dict[str, list[_Change] | None]


class _Packed(NamedTuple):
    """An audit event as kept in memory: its payload as canonical JSON bytes and its
    hashes as raw digests take about a third of the objects they stand for, and the log
    is most of what a busy in-memory store holds. Read back as the same event."""

    seq: int
    at: datetime
    kind: str
    subject_id: str | None
    payload: bytes
    prev_hash: bytes
    hash: bytes

    @classmethod
    def of(cls, e: AuditEvent, payload_json: str | None = None) -> _Packed:
        """``e`` packed; ``payload_json``, its payload's JSON where already encoded."""
        return cls(
            e.seq,
            e.at,
            e.kind,
            e.subject_id,
            (payload_json if payload_json is not None else _COMPACT.encode(e.payload)).encode(),
            bytes.fromhex(e.prev_hash),
            bytes.fromhex(e.hash),
        )

    def event(self) -> AuditEvent:
        return AuditEvent(
            self.seq,
            self.at,
            self.kind,
            self.subject_id,
            json.loads(self.payload),
            self.prev_hash.hex(),
            self.hash.hex(),
        )


_COMPACT = json.JSONEncoder(separators=(",", ":"), default=str)
_GENESIS = bytes.fromhex(GENESIS)


class _State:
    def __init__(self) -> None:
        self.subjects: dict[str, Subject] = {}
        self.by_ref: dict[str, str] = {}
        self.subject_order: list[str] = []  # registration order, for pages of subjects
        self.subject_position: dict[str, int] = {}
        self.consents: dict[str, Consent] = {}
        self.consents_by_subject: defaultdict[str, list[str]] = defaultdict(list)
        # The ids of each subject's consents still given, in the order added: what a
        # decision reads, so its cost does not grow with withdrawn consents.
        self.given_by_subject: defaultdict[str, dict[str, None]] = defaultdict(dict)
        # ...and of those by which the person said no to a recipient or a purpose, which
        # a decision reads too (``compact`` keeps the latest of each; domain/facts.py).
        self.declined_by_subject: defaultdict[str, dict[str, None]] = defaultdict(dict)
        self.acquisitions: defaultdict[str, list[Acquisition]] = defaultdict(list)
        self.provisions: defaultdict[str, list[ProvisionRecord]] = defaultdict(list)
        self.restrictions: defaultdict[str, list[Restriction]] = defaultdict(list)
        self.requests: dict[str, Request] = {}
        self.requests_by_subject: defaultdict[str, list[str]] = defaultdict(list)
        # The log, compact (see _Packed), and each subject's events in it.
        self.audit: list[_Packed] = []
        self.audit_by_subject: defaultdict[str, list[_Packed]] = defaultdict(list)
        # Each person's compiled state (domain/facts.py ``compact``), an immutable value
        # replaced whole when a unit that wrote about them commits: a check reads it
        # without taking the store's lock, and never sees a unit's writes about one
        # person half done (across people, a batch of checks may see a commit partly).
        self.compiled: dict[str, SubjectFacts] = {}


def _append(lst: list[object], value: object, undo: list[_Undo]) -> None:
    lst.append(value)

    def undo_append() -> None:
        lst.pop()

    undo.append(undo_append)


class _Repo:
    def __init__(self, state: _State, undo: list[_Undo], touched: _Touched) -> None:
        self._s = state
        self._undo = undo
        self._touched = touched

    def _wrote(self, subject_id: str, change: _Change | None = None) -> None:
        """Note a write about ``subject_id`` and how it changes their compiled state
        (``None``: rebuilt from the indexes at commit)."""
        changes = self._touched.setdefault(subject_id, [])
        if changes is not None:
            if change is None:
                self._touched[subject_id] = None
            else:
                changes.append(change)

    def _set(self, mapping: dict[str, object], key: str, value: object) -> None:
        missing = object()
        old = mapping.get(key, missing)
        mapping[key] = value

        def undo() -> None:
            if old is missing:
                del mapping[key]
            else:
                mapping[key] = old

        self._undo.append(undo)

    def _update_versioned(
        self, mapping: dict[str, Any], what: str, key: str, version: int, value: object
    ) -> None:
        """Store ``value`` only over the version just before it: a lost update conflicts."""
        stored = mapping.get(key)
        if stored is None or stored.version != version - 1:
            raise ConcurrencyConflict(
                f"{what} {key} changed since it was read: reload it and try again"
            )
        self._set(mapping, key, value)


class _Subjects(_Repo):
    def add(self, subject: Subject) -> None:
        if subject.id in self._s.subjects or subject.ref in self._s.by_ref:
            raise ConcurrencyConflict(f"subject {subject.id} already exists")
        self._set(self._s.subjects, subject.id, subject)  # type: ignore[arg-type]
        self._set(self._s.by_ref, subject.ref, subject.id)  # type: ignore[arg-type]
        self._set(self._s.subject_position, subject.id, len(self._s.subject_order))  # type: ignore[arg-type]
        _append(self._s.subject_order, subject.id, self._undo)  # type: ignore[arg-type]
        self._wrote(subject.id)

    def get(self, subject_id: str) -> Subject | None:
        return self._s.subjects.get(subject_id)

    def by_ref(self, ref: str) -> Subject | None:
        sid = self._s.by_ref.get(ref)
        return None if sid is None else self._s.subjects[sid]

    def scan(self) -> Iterator[Subject]:
        return iter(list(self._s.subjects.values()))

    def page_after(self, after: str | None, limit: int) -> list[str]:
        # Registration order, from the person after ``after``: a page costs its own
        # size (sorting everyone for each page made a send over n people cost n² log n).
        if after is None:
            start = 0
        elif (position := self._s.subject_position.get(after)) is None:
            raise SubjectNotFound(after)
        else:
            start = position + 1
        return self._s.subject_order[start : start + limit]

    def mark_left(self, subject_id: str, at: datetime) -> None:
        subject = self._s.subjects.get(subject_id)
        if subject is None:
            raise SubjectNotFound(subject_id)
        left = attrs.evolve(subject, left_at=at)
        self._set(self._s.subjects, subject_id, left)  # type: ignore[arg-type]
        self._wrote(subject_id, functools.partial(with_subject, subject=left))

    def mark_returned(self, subject_id: str) -> None:
        subject = self._s.subjects.get(subject_id)
        if subject is None:
            raise SubjectNotFound(subject_id)
        if subject.left_at is None:
            raise InvalidTransition(f"subject {subject_id} has not left: nothing to return from")
        back = attrs.evolve(subject, left_at=None)
        self._set(self._s.subjects, subject_id, back)  # type: ignore[arg-type]
        self._wrote(subject_id, functools.partial(with_subject, subject=back))


def _said_no(consent: Consent) -> bool:
    """Is ``consent`` the person's no to a recipient or a purpose, which a decision reads
    (domain/facts.py ``decided``)?"""
    return consent.declines_provision or consent.declines_purpose


class _Consents(_Repo):
    def add(self, consent: Consent) -> None:
        if consent.id in self._s.consents:
            raise ConcurrencyConflict(f"consent {consent.id} already exists")
        given = self._s.given_by_subject.get(consent.subject_id, {})
        if consent.status is ConsentStatus.GIVEN and any(
            self._s.consents[c].scope == consent.scope for c in given
        ):
            raise ConcurrencyConflict(
                f"consent {consent.id}: the person already has one of this scope in force"
            )
        self._set(self._s.consents, consent.id, consent)  # type: ignore[arg-type]
        _append(self._s.consents_by_subject[consent.subject_id], consent.id, self._undo)  # type: ignore[arg-type]
        if consent.status is ConsentStatus.GIVEN:
            self._set(self._s.given_by_subject[consent.subject_id], consent.id, None)  # type: ignore[arg-type]
        elif _said_no(consent):
            self._set(self._s.declined_by_subject[consent.subject_id], consent.id, None)  # type: ignore[arg-type]
        self._wrote(consent.subject_id, functools.partial(with_consent, consent=consent))

    def get(self, consent_id: str) -> Consent | None:
        return self._s.consents.get(consent_id)

    def for_subject(self, subject_id: str) -> list[Consent]:
        return [self._s.consents[c] for c in self._s.consents_by_subject.get(subject_id, ())]

    def update(self, consent: Consent) -> None:
        self._update_versioned(self._s.consents, "consent", consent.id, consent.version, consent)
        given = self._s.given_by_subject[consent.subject_id]
        if consent.status is not ConsentStatus.GIVEN and consent.id in given:
            del given[consent.id]
            self._undo.append(lambda: given.__setitem__(consent.id, None))
        if _said_no(consent):
            self._set(self._s.declined_by_subject[consent.subject_id], consent.id, None)  # type: ignore[arg-type]
        self._wrote(consent.subject_id, functools.partial(with_consent, consent=consent))


class _Acquisitions(_Repo):
    def add(self, acquisition: Acquisition) -> None:
        _append(self._s.acquisitions[acquisition.subject_id], acquisition, self._undo)  # type: ignore[arg-type]
        change = functools.partial(with_acquisition, acquisition=acquisition)
        self._wrote(acquisition.subject_id, change)

    def for_subject(self, subject_id: str) -> list[Acquisition]:
        return list(self._s.acquisitions.get(subject_id, ()))

    def scan(self) -> Iterator[Acquisition]:
        for bucket in list(self._s.acquisitions.values()):
            yield from list(bucket)


class _Provisions(_Repo):
    def add(self, record: ProvisionRecord) -> None:
        _append(self._s.provisions[record.subject_id], record, self._undo)  # type: ignore[arg-type]

    def for_subject(self, subject_id: str) -> list[ProvisionRecord]:
        return list(self._s.provisions.get(subject_id, ()))


class _Restrictions(_Repo):
    def add(self, restriction: Restriction) -> None:
        _append(self._s.restrictions[restriction.subject_id], restriction, self._undo)  # type: ignore[arg-type]
        change = functools.partial(with_restriction, restriction=restriction)
        self._wrote(restriction.subject_id, change)

    def for_subject(self, subject_id: str) -> list[Restriction]:
        return list(self._s.restrictions.get(subject_id, ()))


def _detached(request: Request) -> Request:
    """A copy whose ``details`` no caller holds, so stored requests change only by update."""
    return attrs.evolve(request, details=copy.deepcopy(dict(request.details)))


class _Requests(_Repo):
    def add(self, request: Request) -> None:
        if request.id in self._s.requests:
            raise ConcurrencyConflict(f"request {request.id} already exists")
        self._set(self._s.requests, request.id, _detached(request))  # type: ignore[arg-type]
        _append(self._s.requests_by_subject[request.subject_id], request.id, self._undo)  # type: ignore[arg-type]

    def get(self, request_id: str) -> Request | None:
        found = self._s.requests.get(request_id)
        return None if found is None else _detached(found)

    def for_subject(self, subject_id: str) -> list[Request]:
        ids = self._s.requests_by_subject.get(subject_id, ())
        return [_detached(self._s.requests[r]) for r in ids]

    def open_due_before(self, at: datetime) -> list[Request]:
        found = [r for r in self._s.requests.values() if not r.state.final and r.due < at]
        return [_detached(r) for r in sorted(found, key=lambda r: (r.due, r.id))]

    def scan(self) -> Iterator[Request]:
        return iter([_detached(r) for r in self._s.requests.values()])

    def update(self, request: Request) -> None:
        self._update_versioned(
            self._s.requests,
            "request",
            request.id,
            request.version,
            _detached(request),
        )


class _Audit(_Repo):
    # One writer at a time (the store's lock): entries are placed as they are appended.
    def append(self, entry: AuditEntry) -> None:
        entry = entry.stored()
        log = self._s.audit
        # Placed as sequence() places it, packed straight away (no AuditEvent between).
        seq, prev = (log[-1].seq + 1, log[-1].hash) if log else (1, _GENESIS)
        digest = bytes.fromhex(entry_hash(seq, entry, prev.hex()))
        payload = entry.payload_json().encode()
        packed = _Packed(seq, entry.at, entry.kind, entry.subject_id, payload, prev, digest)
        _append(log, packed, self._undo)  # type: ignore[arg-type]
        if entry.subject_id is not None:
            _append(self._s.audit_by_subject[entry.subject_id], packed, self._undo)  # type: ignore[arg-type]

    def pending(self) -> list[AuditEntry]:
        return []

    def settle(self) -> None:
        return None

    def scan(self) -> Iterator[AuditEvent]:
        for packed in list(self._s.audit):
            yield packed.event()

    def for_subject(self, subject_id: str) -> list[AuditEvent]:
        return [packed.event() for packed in self._s.audit_by_subject.get(subject_id, ())]


class MemoryUnitOfWork:
    # Repositories are built on first use: a read-only check touches none of them (and
    # made_when_used, not functools.cached_property, whose lock could deadlock with the
    # store's before Python 3.12: storage/lazy.py).

    def __init__(self, store: MemoryStore, *, lazy: bool = False) -> None:
        self._store = store
        self._state = store._state
        self._undo: list[_Undo] = []
        # The people this unit wrote about, each with how it changed their compiled
        # state (None: rebuilt from the indexes at commit).
        self._touched: _Touched = {}
        # A check (read-only, no snapshot) reads compiled states without the lock, and
        # takes it only if it reads anything else.
        self._lazy = lazy
        self._held = False

    def _lock(self) -> None:
        if not self._held:
            self._store._lock.acquire()
            self._held = True

    @made_when_used
    def subjects(self) -> _Subjects:
        self._lock()
        return _Subjects(self._state, self._undo, self._touched)

    @made_when_used
    def consents(self) -> _Consents:
        self._lock()
        return _Consents(self._state, self._undo, self._touched)

    @made_when_used
    def acquisitions(self) -> _Acquisitions:
        self._lock()
        return _Acquisitions(self._state, self._undo, self._touched)

    @made_when_used
    def provisions(self) -> _Provisions:
        self._lock()
        return _Provisions(self._state, self._undo, self._touched)

    @made_when_used
    def restrictions(self) -> _Restrictions:
        self._lock()
        return _Restrictions(self._state, self._undo, self._touched)

    @made_when_used
    def requests(self) -> _Requests:
        self._lock()
        return _Requests(self._state, self._undo, self._touched)

    @made_when_used
    def audit(self) -> _Audit:
        self._lock()
        return _Audit(self._state, self._undo, self._touched)

    def facts(self, subject_id: str, *, ended_consents: bool = True) -> SubjectFacts | None:
        if not ended_consents and subject_id not in self._touched:
            compiled = self._state.compiled.get(subject_id)
            if compiled is not None:
                return compiled
        self._lock()
        found = self._live(subject_id, ended_consents)
        return found if ended_consents or found is None else compact(found)

    def facts_by_ref(self, ref: str, *, ended_consents: bool = True) -> SubjectFacts | None:
        """:meth:`facts` of the person the application knows as ``ref``."""
        sid = self._state.by_ref.get(ref)
        return None if sid is None else self.facts(sid, ended_consents=ended_consents)

    def _live(self, subject_id: str, ended_consents: bool) -> SubjectFacts | None:
        s = self._state
        subject = s.subjects.get(subject_id)
        if subject is None:
            return None
        if ended_consents:
            ids: Iterable[str] = s.consents_by_subject.get(subject_id, ())
        else:
            ids = (
                *s.given_by_subject.get(subject_id, ()),
                *s.declined_by_subject.get(subject_id, ()),
            )
        return SubjectFacts(
            subject,
            tuple(s.acquisitions.get(subject_id, ())),
            tuple(s.consents[c] for c in ids),
            tuple(s.restrictions.get(subject_id, ())),
        )

    def commit(self) -> None:
        compiled = self._state.compiled
        for sid, changes in self._touched.items():
            # The store's lock is held since the unit began, so ``compiled`` is the
            # state before this unit's writes, and ``changes`` are those writes.
            state = compiled.get(sid)
            if state is None or changes is None:
                live = self._live(sid, ended_consents=False)
                state = None if live is None else compact(live)
            else:
                for change in changes:
                    state = change(state)
            if state is not None:
                compiled[sid] = state  # replaced whole: readers see old or new
        self._touched.clear()
        self._undo.clear()

    def rollback(self) -> None:
        self._touched.clear()
        while self._undo:
            self._undo.pop()()

    def __enter__(self) -> Self:
        if self._store._closed:
            raise StorageError("this MemoryStore is closed: open a new store")
        if not self._lazy:
            self._lock()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            if self._held:
                self._held = False
                self._store._lock.release()


class MemoryStore:
    """Everything in this process's memory; gone when the store is."""

    capabilities = Capabilities(persistent=False, multi_process=False, migrations=False)

    def __init__(self, url: str = "memory://") -> None:
        self._state = _State()
        self._lock = threading.RLock()
        self._closed = False

    def unit_of_work(self, *, read_only: bool = False, snapshot: bool = False) -> MemoryUnitOfWork:
        # One lock serves writers and every reader but a check (so a unit reads one
        # state): memory operations are short. A check reads compiled states, lock-free.
        return MemoryUnitOfWork(self, lazy=read_only and not snapshot)

    def committed_facts(self, key: str, *, by_ref: bool) -> SubjectFacts | None:
        """A single check's facts: the person's compiled state, read lock-free as a
        check's unit would (no unit to open); None for nobody or a closed store, which
        the engine's unit then reports, and always when units are not this class's own:
        a subclass, or a store patched (now, not only when made) to fail, count or log
        its units is read through them, as ``committed_facts`` would bypass them."""
        state = self._state
        sid = state.by_ref.get(key) if by_ref else key
        own = getattr(self.unit_of_work, "__func__", None) is MemoryStore.unit_of_work
        if sid is None or self._closed or not own:
            return None
        return state.compiled.get(sid)

    def close(self) -> None:
        self._closed = True

    def __repr__(self) -> str:
        return f"MemoryStore(subjects={len(self._state.subjects)})"


if TYPE_CHECKING:
    # The fast paths this store offers (pipolicy.storage.fast_paths), declared so that
    # mypy checks each signature against its Protocol.
    _facts_by_ref: type[ReadsFactsByRef] = MemoryUnitOfWork
    _committed_facts: type[ReadsCommittedFacts] = MemoryStore
