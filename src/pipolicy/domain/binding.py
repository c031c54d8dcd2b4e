"""Records bound to the audit log (R-SEC-3, Art. 23).

The hash chain proves the log; nothing in it proved the record tables. Now the last event
an operation appends carries, under ``payload["records"]``, a digest of every record the
operation created or changed (``"consent:<id>": <sha256>``). Verification compares every
current row with the latest digest the log holds for it, so a row edited, deleted or
inserted outside pipolicy (a direct ``UPDATE`` on a consent, a deleted restriction) is
reported with its kind and id.

The digest is over a canonical form that does not depend on the backend: instants in
UTC, sets sorted, enums by value, every field included.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any, cast

import attrs

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.audit import AuditEntry, AuditEvent
from pipolicy.domain.consents import Consent
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import Request
from pipolicy.domain.restrictions import Restriction
from pipolicy.domain.subjects import Subject

__all__ = [
    "OMIT_DEFAULT",
    "Bindings",
    "Record",
    "RecordProblem",
    "bound_digests",
    "compare",
    "record_digest",
    "record_key",
]

Record = Subject | Consent | Acquisition | ProvisionRecord | Restriction | Request

_KINDS: Mapping[type, str] = {
    Subject: "subject",
    Consent: "consent",
    Acquisition: "acquisition",
    ProvisionRecord: "provision",
    Restriction: "restriction",
    Request: "request",
}


def record_key(record: Record) -> str:
    """``"<kind>:<id>"``: how the log names a record."""
    return f"{_KINDS[type(record)]}:{record.id}"


OMIT_DEFAULT = {"omit_default": True}
"""Field metadata for a field added to a record after records were first bound: left out
of the digest while it holds its default, so rows written before it existed still match
the digests the log holds for them."""


_Plain = Callable[[Any], object]
_CONVERTERS: dict[type, _Plain] = {}


def _plain(value: object) -> object:
    """``value`` in its canonical plain form (see the module doc)."""
    kind = type(value)
    convert = _CONVERTERS.get(kind)
    if convert is None:
        convert = _CONVERTERS[kind] = _converter(kind)
    return convert(value)


def _converter(kind: type) -> _Plain:
    """How values of ``kind`` become plain: decided once per type (a digest is taken of
    every record written), by the same tests, in the same order, for every type."""
    if attrs.has(kind):
        fields = tuple(
            (f.name, bool(f.metadata.get("omit_default")), f.default)
            for f in attrs.fields(cast(Any, kind))
        )

        def record(value: object) -> dict[str, object]:
            plain: dict[str, object] = {}
            for field, omit_default, default in fields:
                v = getattr(value, field)
                if omit_default and v == default:
                    continue
                kind = type(v)
                # Most fields are text or empty: no call for them.
                plain[field] = v if kind is str or v is None else _plain(v)
            return plain

        return record
    if kind is type(None) or (issubclass(kind, (str, int)) and not issubclass(kind, enum.Enum)):
        return _same
    if issubclass(kind, datetime):
        return lambda value: value.astimezone(timezone.utc).isoformat()
    if issubclass(kind, date):
        return lambda value: value.isoformat()
    if issubclass(kind, enum.Enum):
        return lambda value: value.value
    if issubclass(kind, (set, frozenset)):
        return lambda value: sorted((_plain(v) for v in value), key=repr)
    if issubclass(kind, (list, tuple)):
        return lambda value: [_plain(v) for v in value]
    if issubclass(kind, Mapping):
        return lambda value: {str(k): _plain(v) for k, v in value.items()}
    return _same


def _same(value: object) -> object:
    return value


# Built once: json.dumps builds a new encoder on every call with these options.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def record_digest(record: Record) -> str:
    """SHA-256 of the record's canonical JSON form (every field, instants in UTC)."""
    text = _CANONICAL.encode(_plain(record))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Bindings:
    """The latest digest the log holds for each record, gathered event by event (so a
    log streamed once for its chain gives them too), and the people the log names
    before it binds any record (``earlier``).

    A log written before binding existed names its people in events that bind nothing;
    their rows are not suspects. ``from_start`` is true when the log names nobody before
    its first binding. An event that names nobody (an inquiry logged, an incident
    registered) says nothing about binding: a log that began with one was taken for a
    log from before binding, and no row of it was ever reported as inserted.
    """

    def __init__(self) -> None:
        self.latest: dict[str, str] = {}
        self.earlier: set[str] = set()
        self._binding = False

    @property
    def from_start(self) -> bool:
        return not self.earlier

    def add(self, event: AuditEvent | AuditEntry) -> None:
        records = event.payload.get("records")
        if isinstance(records, Mapping):
            self._binding = True
            for key, digest in records.items():
                self.latest[str(key)] = str(digest)
        elif not self._binding and event.subject_id is not None:
            self.earlier.add(event.subject_id)


def bound_digests(events: Iterable[AuditEvent | AuditEntry]) -> tuple[dict[str, str], bool]:
    """:class:`Bindings` of ``events`` (its digests and ``from_start``), the whole log in
    order, entries still queued for their positions last."""
    bindings = Bindings()
    for event in events:
        bindings.add(event)
    return bindings.latest, bindings.from_start


@attrs.frozen
class RecordProblem:
    """A record row that does not match the log: ``what`` is edited, deleted or inserted."""

    key: str
    what: str

    def __str__(self) -> str:
        return f"{self.key.replace(':', ' ', 1)} was {self.what} outside pipolicy"


def compare(
    records: Iterable[Record],
    latest: Mapping[str, str],
    *,
    from_start: bool,
    earlier: Collection[str] | None = None,
) -> list[RecordProblem]:
    """Every row that differs from the latest digest the log holds for it.

    A row the log never bound is reported as inserted when the log binds records from
    its start, or, given ``earlier`` (:attr:`Bindings.earlier`), when its person is not
    among those the log named before it bound any record: rows written before an
    upgrade to binding are not suspects, rows of anyone else are.
    """
    problems: list[RecordProblem] = []
    seen: set[str] = set()
    for record in records:
        key = record_key(record)
        seen.add(key)
        digest = latest.get(key)
        if digest is None:
            if from_start or (earlier is not None and _person(record) not in earlier):
                problems.append(RecordProblem(key, "inserted"))
        elif digest != record_digest(record):
            problems.append(RecordProblem(key, "edited"))
    problems += [RecordProblem(key, "deleted") for key in sorted(latest.keys() - seen)]
    return problems


def _person(record: Record) -> str:
    return record.id if isinstance(record, Subject) else record.subject_id
