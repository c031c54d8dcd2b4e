"""What the request workflow needs from the engine, and nothing more.

The layers run one way: the engine builds the request service and hands it a
:class:`RequestPort`; nothing under :mod:`pipolicy.requests` imports
:mod:`pipolicy.engine`. The engine provides the port with a small adapter over its own
plumbing (one unit of work per call, the clock, ids, the audit log), so the workflow
depends on these few operations rather than on the engine's private methods.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol, TypeVar

from pipolicy.domain.subjects import Ref, Subject
from pipolicy.policy.model import Policy
from pipolicy.storage.repositories import SubjectFacts, UnitOfWork

__all__ = ["RequestPort"]

T = TypeVar("T")


class RequestPort(Protocol):
    """The engine as the request workflow uses it: policy, clock, ids, store and audit."""

    @property
    def policy(self) -> Policy:
        """The policy the engine decides by."""
        ...

    @property
    def templates(self) -> tuple[str, ...]:
        """Directories whose templates replace pipolicy's for the texts the workflow
        writes (``pp.Engine(policy, templates=...)``); empty for pipolicy's own."""
        ...

    def now(self) -> datetime:
        """The engine's clock: the current instant, an aware datetime."""
        ...

    def new_id(self) -> str:
        """A new unique id, for a request or a restriction."""
        ...

    def run(self, operation: Callable[[UnitOfWork], T], *, write: bool = True) -> T:
        """Run ``operation`` in one unit of work on the engine's store and return its result.

        With ``write`` the unit of work is committed (and retried on a concurrency
        conflict); without it, it is read-only. Driver errors surface as
        :class:`~pipolicy.errors.StorageError`.
        """
        ...

    def subject_id(self, subject: Subject | str | Ref) -> str:
        """``subject`` checked (a :class:`Subject`, its id, or a :class:`Ref`); raises
        :class:`~pipolicy.errors.InvalidInput` for anything else."""
        ...

    def resolve(self, uow: UnitOfWork, subject: Subject | str | Ref) -> str:
        """The subject's id as read in ``uow`` (a :class:`Ref` looked up there)."""
        ...

    def facts(
        self, uow: UnitOfWork, subject: Subject | str | Ref, *, history: bool = True
    ) -> SubjectFacts:
        """The subject's records as read in ``uow`` (under its lock in a writing unit):
        with ``history`` every consent ever recorded, else only what a decision reads
        (enough to know the person is there). Raises
        :class:`~pipolicy.errors.SubjectNotFound`."""
        ...

    def withdraw_consents(
        self, uow: UnitOfWork, subject_id: str, details: Mapping[str, object]
    ) -> tuple[str, ...]:
        """End every consent of the person still in force as ``withdrawn``, now, in
        ``uow`` (under the person's lock), each with its ``consent.withdrawn`` event
        carrying ``details``; return their ids."""
        ...

    def audit(
        self, uow: UnitOfWork, kind: str, subject_id: str, payload: Mapping[str, object]
    ) -> None:
        """Append an audit event of ``kind`` about the subject, at the engine's current
        instant, in ``uow``."""
        ...
