"""Where the application keeps a person's data, and how requests reach it (R-REQ-6).

pipolicy records facts about handling, not the data itself. To disclose, correct, erase
or restrict it calls the application's registered sources, one small Protocol per
store of data (a CRM, a mailing list, an order database), like the connectors of larger
privacy platforms. Sources are keyed by the application's own reference for the person
(``Subject.ref``), never by pipolicy's id.

Results are item names and short action words (``{"email": "corrected"}``), never
values: they are stored with the request and written to the audit log. A result that is
not a short lowercase word is recorded as ``"done"``, so a careless source cannot leak a
value into the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

import attrs

from pipolicy.domain.restrictions import RestrictionKind
from pipolicy.errors import PipolicyError

__all__ = ["DataSource", "MemorySource", "SourceFailed", "SourceOutcome"]


@runtime_checkable
class DataSource(Protocol):
    """One place where the application keeps personal data.

    Every method acts on one person, named by ``subject_ref``. Item sets are explicit
    and never empty. Side-effecting methods should be idempotent: pipolicy does not
    call a source again once it has recorded its success for a request, but it cannot
    make an external call and its own record one transaction, so after a crash between
    the two the call is repeated.
    """

    def export(self, subject_ref: str) -> Mapping[str, object]:
        """Every item held for the person: item name -> value (for disclosure only)."""
        ...

    def correct(self, subject_ref: str, changes: Mapping[str, object]) -> Mapping[str, str]:
        """Apply ``changes`` (item -> new value; ``None`` deletes the contents).

        Return item -> ``"corrected"``, ``"added"``, ``"deleted"`` or ``"not_held"``.
        """
        ...

    def erase(self, subject_ref: str, items: frozenset[str]) -> Mapping[str, str]:
        """Erase ``items``; return item -> ``"erased"`` or ``"not_held"``."""
        ...

    def restrict(
        self,
        subject_ref: str,
        kind: RestrictionKind,
        items: frozenset[str],
        purposes: frozenset[str],
    ) -> Mapping[str, str]:
        """Stop using (or providing) ``items``; ``purposes`` empty means for every purpose.

        Return item -> ``"suspended"`` or ``"not_held"``.
        """
        ...


@attrs.frozen
class SourceOutcome:
    """What one source did for a request, as recorded.

    ``error`` holds the exception's type name only: exception messages may carry data.
    ``earlier`` is true when the work was done on an earlier attempt and the source was
    not called again.
    """

    source: str
    operation: str
    ok: bool
    at: datetime
    items: Mapping[str, str] = attrs.field(factory=dict)
    error: str | None = None
    earlier: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "operation": self.operation,
            "ok": self.ok,
            "at": self.at.isoformat(),
            "items": dict(self.items),
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, source: str, data: Mapping[str, object]) -> SourceOutcome:
        items = data.get("items") or {}
        error = data.get("error")
        assert isinstance(items, Mapping)
        return cls(
            source=source,
            operation=str(data["operation"]),
            ok=bool(data["ok"]),
            at=datetime.fromisoformat(str(data["at"])),
            items={str(k): str(v) for k, v in items.items()},
            error=None if error is None else str(error),
            earlier=True,
        )


class SourceFailed(PipolicyError, RuntimeError):
    """A data source failed while fulfilling a request; the request stays open.

    What the other sources did is recorded with the request, and they are not called
    again: fix the failing source and call ``fulfil`` again.
    """

    def __init__(self, request_id: str, outcomes: Iterable[SourceOutcome]) -> None:
        self.request_id = request_id
        self.outcomes: tuple[SourceOutcome, ...] = tuple(outcomes)
        failed = ", ".join(f"{o.source} ({o.error})" for o in self.outcomes if not o.ok)
        super().__init__(
            f"request {request_id} is not fulfilled: data source(s) failed: {failed}. "
            "The request stays verified; fix the source and call fulfil() again "
            "(sources that succeeded are not called twice)."
        )


class MemorySource:
    """A data source in memory, for examples, tests and prototypes.

    ``MemorySource({"user-42": {"name": "...", "email": "..."}})``. Restrictions are
    remembered per person and item so a test can see what was suspended.
    """

    def __init__(self, data: Mapping[str, Mapping[str, object]] | None = None) -> None:
        self._data: dict[str, dict[str, object]] = {
            ref: dict(items) for ref, items in (data or {}).items()
        }
        self._restricted: dict[str, dict[str, set[RestrictionKind]]] = {}

    def __repr__(self) -> str:
        return f"MemorySource(people={len(self._data)})"

    def put(self, subject_ref: str, items: Mapping[str, object]) -> None:
        """Store (or overwrite) items for a person, as the application would."""
        self._data.setdefault(subject_ref, {}).update(items)

    def get(self, subject_ref: str) -> dict[str, object]:
        """A copy of what is held for the person (empty if nothing)."""
        return dict(self._data.get(subject_ref, {}))

    def restrictions(self, subject_ref: str) -> dict[str, frozenset[RestrictionKind]]:
        """Item -> the restrictions in force for it."""
        return {i: frozenset(k) for i, k in self._restricted.get(subject_ref, {}).items()}

    def export(self, subject_ref: str) -> Mapping[str, object]:
        return self.get(subject_ref)

    def correct(self, subject_ref: str, changes: Mapping[str, object]) -> Mapping[str, str]:
        held = self._data.setdefault(subject_ref, {})
        done: dict[str, str] = {}
        for item, value in changes.items():
            if value is None:
                done[item] = "deleted" if held.pop(item, None) is not None else "not_held"
            else:
                done[item] = "corrected" if item in held else "added"
                held[item] = value
        if not held:
            del self._data[subject_ref]
        return done

    def erase(self, subject_ref: str, items: frozenset[str]) -> Mapping[str, str]:
        held = self._data.get(subject_ref, {})
        done = {i: "erased" if i in held else "not_held" for i in sorted(items)}
        for i in items:
            held.pop(i, None)
        if subject_ref in self._data and not held:
            del self._data[subject_ref]
        return done

    def restrict(
        self,
        subject_ref: str,
        kind: RestrictionKind,
        items: frozenset[str],
        purposes: frozenset[str],
    ) -> Mapping[str, str]:
        held = self._data.get(subject_ref, {})
        marks = self._restricted.setdefault(subject_ref, {})
        done: dict[str, str] = {}
        for i in sorted(items):
            if i in held:
                marks.setdefault(i, set()).add(kind)
                done[i] = "suspended"
            else:
                done[i] = "not_held"
        return done
