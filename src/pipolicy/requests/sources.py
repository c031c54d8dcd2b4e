"""Where the application keeps a person's data, and how requests reach it (R-REQ-6).

pipolicy records facts about handling, not the data itself. To disclose, correct, erase
or restrict it calls the application's registered sources, one small Protocol per
store of data (a CRM, a mailing list, an order database), like the connectors of larger
privacy platforms. Sources are keyed by the application's own reference for the person
(``Subject.ref``), never by pipolicy's id.

Results are item names and action words (``{"email": "corrected"}``), never values:
they are stored with the request and written to the audit log. So pipolicy keeps only
what it can vouch for: an action word from the fixed vocabulary of the operation
(:data:`ACTIONS`), anything else becoming ``"done"``; and keys that are item names of the
policy, any other key being counted, never named (the service does that, as it knows the
policy). A careless source, answering with the value or keyed by an e-mail address,
cannot leak it into the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Protocol, runtime_checkable

import attrs

from pipolicy.domain.restrictions import RestrictionKind
from pipolicy.errors import PipolicyError

__all__ = [
    "ACTIONS",
    "NEUTRAL_ACTION",
    "DataSource",
    "MemorySource",
    "SourceFailed",
    "SourceOutcome",
    "action_word",
]

ACTIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "export": frozenset({"disclosed"}),
        "correct": frozenset({"corrected", "added", "deleted", "not_held"}),
        "erase": frozenset({"erased", "not_held"}),
        "restrict": frozenset({"suspended", "restricted", "not_held"}),
    }
)
"""The words a source may answer each operation with, per item (``not_held``: the source
holds nothing of that item for the person). Exports are always recorded as ``disclosed``:
what a source exports is the value itself."""

NEUTRAL_ACTION = "done"
"""What is recorded for any other answer: the source succeeded, in words of its own."""


def action_word(operation: str, value: object) -> str:
    """``value`` if it is a word of ``operation``'s vocabulary, else ``"done"``.

    A fixed vocabulary, not a pattern: a value such as ``"female"`` looks like a word.
    """
    if isinstance(value, str) and value in ACTIONS.get(operation, frozenset()):
        return value
    return NEUTRAL_ACTION


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
        """Every item held for the person: item name -> value. A disclosure answers with
        the values; a deletion, a suspension or a correction reads the keys only, to learn
        what is held."""
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

        Return item -> ``"suspended"`` (or ``"restricted"``) or ``"not_held"``.
        """
        ...


@attrs.frozen
class SourceOutcome:
    """What one source did for a request, as recorded.

    ``items`` maps item names of the policy to action words (:data:`ACTIONS`);
    ``unknown_items`` counts the other keys the source answered with, which are not
    named because a key may itself be personal data. ``error`` holds the exception's type
    name only: exception messages may carry data. ``earlier`` is true when the work was
    done on an earlier attempt and the source was not called again.
    """

    source: str
    operation: str
    ok: bool
    at: datetime
    items: Mapping[str, str] = attrs.field(factory=dict)
    error: str | None = None
    earlier: bool = False
    unknown_items: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "operation": self.operation,
            "ok": self.ok,
            "at": self.at.isoformat(),
            "items": dict(self.items),
            "unknown_items": self.unknown_items,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, source: str, data: Mapping[str, object]) -> SourceOutcome:
        items = data.get("items") or {}
        error = data.get("error")
        unknown = data.get("unknown_items")
        assert isinstance(items, Mapping)
        operation = str(data["operation"])
        return cls(
            source=source,
            operation=operation,
            ok=bool(data["ok"]),
            at=datetime.fromisoformat(str(data["at"])),
            items={str(k): action_word(operation, v) for k, v in items.items()},
            error=None if error is None else str(error),
            earlier=True,
            unknown_items=unknown if isinstance(unknown, int) else 0,
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
