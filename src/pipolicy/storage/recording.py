"""A unit of work that binds what an operation wrote to the audit event it appends.

The engine runs every writing operation through a :class:`RecordingUnit`: it notes each
record the operation adds or changes, and holds the operation's audit events until the
operation ends. Then the last event gets the digests of those records as written (the
contract guarantees storage keeps exactly those values; a subject changed in place is read
back; :mod:`pipolicy.domain.binding`), and the events are appended in order. Storage adapters need nothing for this: it wraps their ports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pipolicy.domain.binding import Record, record_digest
from pipolicy.storage.fast_paths import AddsMany, fast_path

__all__ = ["RecordingUnit"]

Stage = tuple[str, str | None, Mapping[str, object], datetime]


class _Tracked:
    """A repository whose writes are noted; every other call passes through."""

    def __init__(self, inner: Any, unit: RecordingUnit, kind: str) -> None:
        self._inner = inner
        self._unit = unit
        self._kind = kind

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def add(self, record: Any) -> None:
        self._inner.add(record)
        self._unit.wrote(self._kind, record)

    def add_many(self, records: list[Any]) -> None:
        """Add ``records`` in one call where the repository offers ``add_many`` (an
        optional fast path for bulk imports), else one by one."""
        many = fast_path(self._inner, AddsMany.add_many)
        if many is not None:
            many(records)
        else:
            for record in records:
                self._inner.add(record)
        for record in records:
            self._unit.wrote(self._kind, record)

    def update(self, record: Any) -> None:
        self._inner.update(record)
        self._unit.wrote(self._kind, record)

    def mark_left(self, subject_id: str, at: datetime) -> None:
        self._inner.mark_left(subject_id, at)
        self._unit.changed_subject(subject_id)

    def mark_returned(self, subject_id: str) -> None:
        self._inner.mark_returned(subject_id)
        self._unit.changed_subject(subject_id)


_TRACKED = {
    "subjects": "subject",
    "consents": "consent",
    "acquisitions": "acquisition",
    "provisions": "provision",
    "restrictions": "restriction",
    "requests": "request",
}
"""The repositories whose writes are noted, and the kind of record each holds."""


class RecordingUnit:
    """Wraps a :class:`~pipolicy.storage.repositories.UnitOfWork` (see the module doc)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._staged: list[Stage] = []
        self._written: dict[str, Record | None] = {}

    def __getattr__(self, name: str) -> Any:
        # A repository is wrapped when first used (an operation touches one or two of
        # them, and a store may build its repositories lazily too), then kept.
        found = getattr(self._inner, name)
        kind = _TRACKED.get(name)
        if kind is not None:
            found = _Tracked(found, self, kind)
            setattr(self, name, found)
        return found

    def wrote(self, kind: str, record: Record) -> None:
        """A record as written: the contract guarantees storage keeps exactly this value,
        so its digest needs no read back."""
        self._written[f"{kind}:{record.id}"] = record

    def changed_subject(self, subject_id: str) -> None:
        """A subject changed in place (``mark_left``, ``mark_returned``): read back when the
        operation ends."""
        self._written[f"subject:{subject_id}"] = None

    def stage(
        self, kind: str, subject_id: str | None, payload: Mapping[str, object], at: datetime
    ) -> None:
        self._staged.append((kind, subject_id, payload, at))

    def flush(
        self,
        append: Callable[[str, str | None, Mapping[str, object], datetime], None],
        now: Callable[[], datetime],
    ) -> None:
        """Append the held events through ``append``; the last carries the digests (an
        operation that wrote records but no event gets a ``records.written`` one at
        ``now()``)."""
        if not self._staged and not self._written:
            return
        digests: dict[str, str] = {}
        for key, record in sorted(self._written.items()):
            if record is None:  # changed in place: as storage now holds it
                record = self._inner.subjects.get(key.partition(":")[2])
            if record is not None:
                digests[key] = record_digest(record)
        staged: list[Stage] = self._staged
        self._staged, self._written = [], {}
        if digests:
            if not staged:
                staged = [("records.written", None, {}, now())]
            kind, subject_id, payload, at = staged[-1]
            staged[-1] = (kind, subject_id, {**payload, "records": digests}, at)
        for kind, subject_id, payload, at in staged:
            append(kind, subject_id, payload, at)
