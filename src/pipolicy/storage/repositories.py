"""Repository protocols and the unit of work: the ports every backend implements.

Methods are named for what the engine needs (``consents.for_subject``), not generic
CRUD. Mutable aggregates (consents, requests) carry a ``version``; ``update`` stores the
new version only if the stored one is the one before it, else raises
:class:`~pipolicy.errors.ConcurrencyConflict`. The audit log only appends: an entry
goes after everything appended before it, and an append never conflicts (the backend
places it, at once or when it commits).

The optional methods the engine uses where a store offers them (``facts_many``,
``audit.append_many``, ...) are Protocols of their own, in
:mod:`pipolicy.storage.fast_paths`, importable from here with the ports.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from types import TracebackType
from typing import Protocol

import attrs
from typing_extensions import Self

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.audit import AuditEntry, AuditEvent
from pipolicy.domain.consents import Consent
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import Request
from pipolicy.domain.restrictions import Restriction
from pipolicy.domain.subjects import Subject
from pipolicy.storage.fast_paths import (
    AddsMany,
    AppendsMany,
    BindsConnection,
    FindsByRefs,
    LocksSubjects,
    ReadsCommittedFacts,
    ReadsConsentsOfMany,
    ReadsFactsByRef,
    ReadsFactsOfMany,
    ScansAll,
)

__all__ = [
    "AcquisitionRepository",
    "AddsMany",
    "AppendsMany",
    "AuditLog",
    "BindsConnection",
    "Capabilities",
    "ConsentRepository",
    "FindsByRefs",
    "LocksSubjects",
    "ProvisionRepository",
    "ReadsCommittedFacts",
    "ReadsConsentsOfMany",
    "ReadsFactsByRef",
    "ReadsFactsOfMany",
    "RequestRepository",
    "RestrictionRepository",
    "ScansAll",
    "Store",
    "SubjectFacts",
    "SubjectRepository",
    "UnitOfWork",
]


@attrs.frozen
class Capabilities:
    """What a backend can do, so tests and callers ask instead of checking types."""

    persistent: bool = False
    multi_process: bool = False
    migrations: bool = False


class SubjectRepository(Protocol):
    def add(self, subject: Subject) -> None: ...
    def get(self, subject_id: str) -> Subject | None: ...
    def by_ref(self, ref: str) -> Subject | None: ...
    def mark_left(self, subject_id: str, at: datetime) -> None: ...
    def mark_returned(self, subject_id: str) -> None:
        """Clear ``left_at``: the person is using the service again. Raises
        :class:`~pipolicy.errors.SubjectNotFound` for an unknown subject and
        :class:`~pipolicy.errors.InvalidTransition` for one who has not left (tested and
        cleared in one write, so two returns racing record one)."""
        ...

    def scan(self) -> Iterator[Subject]:
        """Every subject, for checks over the whole store (binding records to the audit
        log), never for decisions."""
        ...

    def page_after(self, after: str | None, limit: int) -> list[str]:
        """The ids of up to ``limit`` subjects that follow the subject ``after`` (from the
        first when None) in an order the store keeps stable (SQL: by id; memory: by
        registration): a page of people, for answers streamed over everyone."""
        ...


class ConsentRepository(Protocol):
    def add(self, consent: Consent) -> None: ...
    def get(self, consent_id: str) -> Consent | None: ...
    def for_subject(self, subject_id: str) -> list[Consent]: ...
    def update(self, consent: Consent) -> None:
        """Store ``consent`` if the stored version is ``consent.version - 1``."""
        ...


class AcquisitionRepository(Protocol):
    def add(self, acquisition: Acquisition) -> None: ...
    def for_subject(self, subject_id: str) -> list[Acquisition]: ...
    def scan(self) -> Iterator[Acquisition]:
        """Every acquisition, for reports such as retention (not for decisions)."""
        ...


class ProvisionRepository(Protocol):
    def add(self, record: ProvisionRecord) -> None: ...
    def for_subject(self, subject_id: str) -> list[ProvisionRecord]: ...


class RestrictionRepository(Protocol):
    def add(self, restriction: Restriction) -> None: ...
    def for_subject(self, subject_id: str) -> list[Restriction]: ...


class RequestRepository(Protocol):
    def add(self, request: Request) -> None: ...
    def get(self, request_id: str) -> Request | None: ...
    def for_subject(self, subject_id: str) -> list[Request]: ...
    def open_due_before(self, at: datetime) -> list[Request]:
        """Requests not in a final state whose due date is before ``at``."""
        ...

    def scan(self) -> Iterator[Request]:
        """Every request, in the order added: the register an operator lists
        (``pipolicy requests list``), never read for decisions."""
        ...

    def update(self, request: Request) -> None:
        """Store ``request`` if the stored version is ``request.version - 1``."""
        ...


class AuditLog(Protocol):
    """The append-only log. Writers append entries without reading its tail; the store's
    sequencer places them (positions and hashes, :func:`pipolicy.domain.audit.sequence`):
    at once where the backend has one writer at a time, otherwise in batches, at the
    latest when :meth:`settle` runs."""

    def append(self, entry: AuditEntry) -> None:
        """Add ``entry`` after everything appended before it; never conflicts."""
        ...

    def pending(self) -> list[AuditEntry]:
        """Entries appended but not yet placed, in append order: this unit's own, and
        others' that committed (always empty where the backend places entries at once)."""
        ...

    def settle(self) -> None:
        """Place every pending entry (in a unit that writes; it commits with the unit)."""
        ...

    def for_subject(self, subject_id: str) -> list[AuditEvent]:
        """The placed events about one subject, in sequence order (for investigations)."""
        ...

    def scan(self) -> Iterator[AuditEvent]:
        """All placed events in sequence order."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back."""

    @property
    def subjects(self) -> SubjectRepository: ...
    @property
    def consents(self) -> ConsentRepository: ...
    @property
    def acquisitions(self) -> AcquisitionRepository: ...
    @property
    def provisions(self) -> ProvisionRepository: ...
    @property
    def restrictions(self) -> RestrictionRepository: ...
    @property
    def requests(self) -> RequestRepository: ...
    @property
    def audit(self) -> AuditLog: ...

    def facts(self, subject_id: str, *, ended_consents: bool = True) -> SubjectFacts | None:
        """The subject with its acquisitions, consents and restrictions, or None.

        With ``ended_consents=False`` (what decisions ask) a backend may return the
        person's compiled state instead (:func:`pipolicy.domain.facts.compact`: consents
        still given, the latest refusal or withdrawal of provision to each recipient and
        of use for each purpose, the latest of alike acquisitions, every restriction),
        best kept per person and rewritten with each write, so a check costs the same
        whatever the person's history. It must reflect this unit's own writes, and none
        a rolled-back unit made. Returning the whole history is correct too, only
        slower: the rules decide the same on both, for any moment from the person's
        latest write on (a clock set back before a consent ended finds it only in the
        history; see ``compact``).
        """
        ...

    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class Store(Protocol):
    """A backend. Opened by :func:`pipolicy.open_store` or constructed directly."""

    @property
    def capabilities(self) -> Capabilities: ...
    def unit_of_work(self, *, read_only: bool = False, snapshot: bool = False) -> UnitOfWork:
        """A new transaction. ``read_only=True`` promises no writes, so a backend may skip
        its write lock (the engine passes it for checks). ``snapshot=True`` asks that
        every read in the unit see one state of the store, for reports over many rows
        (verifying the audit log); a backend whose reads are always so may ignore it."""
        ...

    def close(self) -> None: ...
