"""The memory store's audit log as a list of events, for tests that tamper with it.

The store keeps events packed (canonical JSON bytes, raw digests); tampering tests edit,
delete and reorder events as an attacker with access to the process would.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableSequence
from typing import Any, overload

import pipolicy as pp
from pipolicy.backends.memory import MemoryStore, _Packed
from pipolicy.domain.audit import AuditEvent


class MemoryLog(MutableSequence[AuditEvent]):
    """A live view of ``engine``'s in-memory log: writes go to the store."""

    def __init__(self, engine: pp.Engine) -> None:
        store = engine.store
        assert isinstance(store, MemoryStore)
        self._packed: list[_Packed] = store._state.audit

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, i: int) -> AuditEvent: ...
    @overload
    def __getitem__(self, i: slice) -> MutableSequence[AuditEvent]: ...
    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [p.event() for p in self._packed[i]]
        return self._packed[i].event()

    @overload
    def __setitem__(self, i: int, e: AuditEvent) -> None: ...
    @overload
    def __setitem__(self, i: slice, e: Iterable[AuditEvent]) -> None: ...
    def __setitem__(self, i: Any, e: Any) -> None:
        if isinstance(i, slice):
            self._packed[i] = [_Packed.of(x) for x in e]
        else:
            self._packed[i] = _Packed.of(e)

    def __delitem__(self, i: int | slice) -> None:
        del self._packed[i]

    def insert(self, i: int, e: AuditEvent) -> None:
        self._packed.insert(i, _Packed.of(e))
