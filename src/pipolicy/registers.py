"""What the incident register and the complaints log share: both are kept in the audit
log (every step an event, under the chain and the checkpoints) and read back from it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Protocol, TypeVar

from pipolicy.domain.audit import AuditEvent
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Policy

__all__ = ["Recorder", "Register"]

Recorder = Callable[[str, "str | None", Mapping[str, object]], None]
"""Appends an audit event (kind, subject id or None, payload) in a unit of work of its own."""


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


E = TypeVar("E", bound=_Identified)


class Register:
    """The engine's plumbing a register needs, and lookup by id."""

    what = "entry"

    def __init__(
        self,
        policy: Policy,
        *,
        now: Callable[[], datetime],
        new_id: Callable[[], str],
        record: Recorder,
        events: Callable[[], Iterable[AuditEvent]],
    ) -> None:
        self._policy = policy
        self._now = now
        self._new_id = new_id
        self._record = record
        self._events = events

    def _find(self, entry_id: str, entries: Iterable[E]) -> E:
        for entry in entries:
            if entry.id == entry_id:
                return entry
        raise InvalidInput(f"no {self.what} with this id is registered")
