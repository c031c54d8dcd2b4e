"""Fast paths: optional methods an adapter may offer beside the ports, each a Protocol.

The engine asks for each with a plain attribute lookup (:func:`fast_path`) where it would
otherwise make many calls, and makes those calls when the method is absent, so a store
that offers none of them is correct, only slower. Each Protocol here names one such
method, exactly as the engine calls it: a parameter the engine passes by position is
positional-only (name yours as you like), one it passes by keyword is keyword-only
(yours must have that name). Declare what an adapter offers so mypy checks it, e.g.
``_: type[AppendsMany] = MyAuditLog``; the contract suite
(:class:`pipolicy.testing.FastPathContract`) checks the signatures of whatever an adapter
offers, typed or not, because a misspelt or mis-shaped method would otherwise be skipped,
or called with arguments it does not take, without a word.

Adapter authors import these from :mod:`pipolicy.storage.repositories`, with the ports.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from pipolicy.domain.audit import AuditEntry
from pipolicy.domain.consents import Consent, ConsentStatus
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.subjects import Subject

__all__ = [
    "AddsMany",
    "AppendsMany",
    "BindsConnection",
    "FindsByRefs",
    "LocksSubjects",
    "ReadsCommittedFacts",
    "ReadsConsentsOfMany",
    "ReadsFactsByRef",
    "ReadsFactsOfMany",
    "ScansAll",
    "fast_path",
]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


def fast_path(obj: object, method: Callable[Concatenate[Any, P], R]) -> Callable[P, R] | None:
    """``obj``'s method of the same name as the Protocol's ``method`` (say
    ``fast_path(uow.audit, AppendsMany.append_many)``), typed as the Protocol declares it,
    or None where ``obj`` has no such attribute.

    A plain ``getattr``, because probes sit on hot paths (an ``isinstance`` check against
    a runtime-checkable Protocol inspects every member each time); the name comes from
    the Protocol, so a probe cannot misspell it, and mypy checks each call against it.
    The signature is the adapter's promise, which the contract suite checks.
    """
    found: Callable[P, R] | None = getattr(obj, method.__name__, None)  # not cast(): a call
    return found


class AppendsMany(Protocol):
    """On ``uow.audit``: append a list of entries in one call (one statement in SQL)."""

    def append_many(self, entries: list[AuditEntry], /) -> None:
        """Append ``entries`` in order, exactly as ``append`` would one after another.

        The engine calls it when an operation ends with more than one event to append
        (a bulk import's batch, say); without it, ``append`` per entry.
        """
        ...


class AddsMany(Protocol[T]):
    """On a repository (``uow.subjects``, ``uow.consents``, ...): add many records in one
    call (``AddsMany[Subject]``, ``AddsMany[Consent]``)."""

    def add_many(self, records: list[T], /) -> None:
        """Add ``records`` as ``add`` would one after another, conflicts included.

        A bulk import registers the new people and records the consents of a batch with
        it; without it, ``add`` per record.
        """
        ...


class FindsByRefs(Protocol):
    """On ``uow.subjects``: look up many people by the application's refs at once."""

    def by_refs(self, refs: list[str], /) -> Mapping[str, Subject]:
        """The subjects registered under ``refs``, by ref; refs nobody is registered
        under are left out. ``refs`` holds no duplicates.

        Batch checks given ``pp.Ref`` and bulk imports use it; without it, ``by_ref``
        per ref.
        """
        ...


class LocksSubjects(Protocol):
    """On ``uow.subjects``: lock many people's records for the rest of the unit at once."""

    def lock(self, subject_ids: list[str], /) -> None:
        """Hold these subjects as ``facts`` in a writing unit would (a store that
        serializes writers per person), until the unit ends.

        A bulk import locks the known people of a batch with it before reading them;
        without it, each is locked as the unit reads their facts.
        """
        ...


class ReadsConsentsOfMany(Protocol):
    """On ``uow.consents``: the consents in some statuses of many people at once."""

    def for_subjects(
        self, subject_ids: list[str], statuses: Collection[ConsentStatus], /
    ) -> Mapping[str, Sequence[Consent]]:
        """For each of ``subject_ids`` with any, their consents whose status is in
        ``statuses``, in the order added (people with none may be left out).

        A bulk import reads the noes (refused, withdrawn, revoked) that hold a row back
        with it, once a row would record something; without it, ``for_subject`` per
        person, which must then list ended consents too.
        """
        ...


class ReadsFactsByRef(Protocol):
    """On the unit of work: ``facts`` of a person given the application's ref."""

    def facts_by_ref(self, ref: str, /, *, ended_consents: bool) -> SubjectFacts | None:
        """Exactly what ``facts`` returns for the person registered under ``ref`` (None
        if nobody is), the ref resolved in the same read.

        Checks and reads given a ``pp.Ref`` use it; without it, ``subjects.by_ref`` and
        then ``facts``: two reads.
        """
        ...


class ReadsFactsOfMany(Protocol):
    """On the unit of work: the decision facts of many people at once."""

    def facts_many(self, subject_ids: list[str], /) -> Mapping[str, SubjectFacts]:
        """``facts(id, ended_consents=False)`` of each of ``subject_ids`` that exists,
        by id. It need lock nobody: checks only read, and a bulk import uses it only
        where the store offers :class:`LocksSubjects` too, to read the batch it locked
        (else it reads each person with ``facts``, which locks them first).

        Batch checks and ``allowed_subjects`` read a page of people with it, a bulk
        import the known people of a batch; without it, ``facts`` per person.
        """
        ...


class ScansAll(Protocol[T_co]):
    """On every record repository: every record of its kind (``ScansAll[Consent]``).

    ``subjects``, ``acquisitions`` and ``requests`` must offer ``scan`` anyway; this is
    for ``consents``, ``provisions`` and ``restrictions``.
    """

    def scan(self) -> Iterator[T_co]:
        """Every record the repository holds (in any order, as far as this path goes).

        Verifying the audit log compares every record with the digests the log holds;
        where all six record repositories offer ``scan`` it reads them table by table,
        else person by person (six reads each).
        """
        ...


class ReadsCommittedFacts(Protocol):
    """On the store: a check's facts of one person, read without a unit of work."""

    def committed_facts(self, key: str, /, *, by_ref: bool) -> SubjectFacts | None:
        """What ``facts(id, ended_consents=False)`` of a read-only unit opened now would
        return for the person whose id (or, with ``by_ref``, the application's ref) is
        ``key``, as last committed; or None wherever this path cannot tell, and then the
        engine opens that unit (which raises for nobody, or a closed store).

        A single ``check_use`` or ``check_provision`` asks it first, sparing the unit's
        opening and closing where a store can read a committed state without a lock (the
        memory store: an immutable state per person, replaced whole on commit). Answer
        None inside a :class:`BindsConnection` block, whose units read elsewhere. An error
        it raises becomes :class:`~pipolicy.errors.StorageError`, as a unit's would.
        Without it, a read-only unit per check.
        """
        ...


class BindsConnection(Protocol):
    """On the store: run units of work inside the application's own transaction.

    Offer both methods or neither.
    """

    def bind(self, connection: Any, /) -> AbstractContextManager[object]:
        """A context in which every unit of work this thread or task opens runs on
        ``connection`` (your driver's; refuse others with
        :class:`~pipolicy.errors.InvalidInput`), innermost block first.

        :meth:`pipolicy.Engine.using` needs it (it raises ``InvalidInput`` without it).
        """
        ...

    def bound(self) -> object | None:
        """The connection the innermost :meth:`bind` block of this thread or task runs
        on, or None outside any.

        ``allowed_subjects`` remembers it so that a stream is read where it was made;
        without it, the stream cannot tell.
        """
        ...
