"""A unit of work that binds what an operation wrote to the audit event it appends.

The engine runs every writing operation through a :class:`RecordingUnit`: it notes each
record the operation adds or changes, and holds the operation's audit events until the
operation ends. Then the last event gets the digests of those records, read back from the
unit of work as storage will keep them (:mod:`pipolicy.domain.binding`), and the events
are appended in order. Storage adapters need nothing for this: it wraps their ports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pipolicy.domain.binding import Record, record_digest

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
        self._unit.touch(self._kind, record.id, getattr(record, "subject_id", record.id))

    def update(self, record: Any) -> None:
        self._inner.update(record)
        self._unit.touch(self._kind, record.id, record.subject_id)

    def mark_left(self, subject_id: str, at: datetime) -> None:
        self._inner.mark_left(subject_id, at)
        self._unit.touch("subject", subject_id, subject_id)


class RecordingUnit:
    """Wraps a :class:`~pipolicy.storage.repositories.UnitOfWork` (see the module doc)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._staged: list[Stage] = []
        self._touched: dict[str, tuple[str, str, str]] = {}
        self.subjects = _Tracked(inner.subjects, self, "subject")
        self.consents = _Tracked(inner.consents, self, "consent")
        self.acquisitions = _Tracked(inner.acquisitions, self, "acquisition")
        self.provisions = _Tracked(inner.provisions, self, "provision")
        self.restrictions = _Tracked(inner.restrictions, self, "restriction")
        self.requests = _Tracked(inner.requests, self, "request")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def touch(self, kind: str, record_id: str, subject_id: str) -> None:
        self._touched[f"{kind}:{record_id}"] = (kind, record_id, subject_id)

    def stage(
        self, kind: str, subject_id: str | None, payload: Mapping[str, object], at: datetime
    ) -> None:
        self._staged.append((kind, subject_id, payload, at))

    def _read_back(self, kind: str, record_id: str, subject_id: str) -> Record | None:
        inner = self._inner
        if kind == "subject":
            found: Record | None = inner.subjects.get(record_id)
            return found
        if kind == "consent":
            found = inner.consents.get(record_id)
            return found
        if kind == "request":
            found = inner.requests.get(record_id)
            return found
        repo = {
            "acquisition": inner.acquisitions,
            "provision": inner.provisions,
            "restriction": inner.restrictions,
        }[kind]
        return next((r for r in repo.for_subject(subject_id) if r.id == record_id), None)

    def flush(
        self,
        append: Callable[[str, str | None, Mapping[str, object], datetime], None],
        at: datetime,
    ) -> None:
        """Append the held events through ``append``; the last carries the digests (an
        operation that wrote records but no event gets a ``records.written`` one at ``at``)."""
        if not self._staged and not self._touched:
            return
        digests: dict[str, str] = {}
        for key, (record_kind, record_id, owner) in sorted(self._touched.items()):
            record = self._read_back(record_kind, record_id, owner)
            if record is not None:
                digests[key] = record_digest(record)
        staged: list[Stage] = self._staged
        self._staged, self._touched = [], {}
        if digests:
            if not staged:
                staged = [("records.written", None, {}, at)]
            kind, subject_id, payload, at = staged[-1]
            staged[-1] = (kind, subject_id, {**payload, "records": digests}, at)
        for kind, subject_id, payload, at in staged:
            append(kind, subject_id, payload, at)
