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
from pipolicy.domain.audit import AuditEntry, AuditEvent, quoted_instant
from pipolicy.domain.consents import Consent, ConsentScope, Evidence
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
# What that encoder writes for a string (quoted, non-ASCII escaped), called directly.
_quoted = json.encoder.encode_basestring_ascii

_Text = Callable[[Any], str]
_WRITERS: dict[type, _Text] = {}


def _text(value: object) -> str:
    """``_CANONICAL.encode(_plain(value))``, written out directly: a digest is taken of
    every record written, and building the plain form only for the encoder to walk it
    again cost as much as the rest of a write's audit. The JSON of a value does not
    depend on where it sits (no indentation), so a record's text is its fields' texts
    joined in the order of their names, as ``sort_keys`` orders them; any value other
    than text, a number, an instant, an enum or a set of text goes through
    :func:`_plain` and the encoder, as before. A property test holds the two to the
    same bytes for every kind of record."""
    kind = type(value)
    write = _WRITERS.get(kind)
    if write is None:
        write = _WRITERS[kind] = _writer(kind)
    return write(value)


def _writer(kind: type) -> _Text:
    """How values of ``kind`` are written (see :func:`_text`); decided once per type, by
    the same tests in the same order as :func:`_converter`."""
    if kind in _SHARED:
        # Frozen values shared by many records (the engine keeps one object per scope):
        # written once per object, kept while the object is (by identity, the object
        # held, so its id is never another's), if no field holds anything mutable.
        write = _writer_of_fields(kind)
        names = tuple(f.name for f in attrs.fields(cast(Any, kind)))

        def shared(value: object) -> str:
            found = _written.get(id(value))
            if found is not None and found[0] is value:
                return found[1]
            text = write(value)
            if all(type(getattr(value, n)) in _IMMUTABLE for n in names):
                if len(_written) >= _WRITTEN_KEPT:
                    _written.clear()
                _written[id(value)] = (value, text)
            return text

        return shared
    if attrs.has(kind):
        return _writer_of_fields(kind)
    return _writer_of_value(kind)


_SHARED = frozenset({ConsentScope, Evidence})
_IMMUTABLE = frozenset({str, type(None), bool, int, frozenset})
_WRITTEN_KEPT = 256
_written: dict[int, tuple[object, str]] = {}


def _writer_of_fields(kind: type) -> _Text:
    """The writer of an attrs class: its fields' texts in the order of their names."""
    # sort_keys orders the plain dict's keys, which are the field names.
    parts = tuple(
        (f.name, _quoted(f.name) + ":", bool(f.metadata.get("omit_default")), f.default)
        for f in sorted(attrs.fields(cast(Any, kind)), key=lambda f: f.name)
    )

    def record(value: object) -> str:
        out: list[str] = []
        for field, key, omit_default, default in parts:
            v = getattr(value, field)
            if omit_default and v == default:
                continue
            kind = type(v)
            # Most fields are text or empty: no call for them.
            if kind is str:
                out.append(key + _quoted(v))
            elif v is None:
                out.append(key + "null")
            else:
                out.append(key + _text(v))
        return "{" + ",".join(out) + "}"

    return record


def _writer_of_value(kind: type) -> _Text:
    """The writer of a value that is not a record (see :func:`_writer`)."""
    if kind is str:
        return _quoted
    if kind is type(None):
        return lambda value: "null"
    if kind is bool:
        return lambda value: "true" if value else "false"
    if kind is int:
        return int.__repr__
    if issubclass(kind, datetime):
        return quoted_instant
    if issubclass(kind, date):
        return lambda value: _quoted(value.isoformat())
    if issubclass(kind, enum.Enum):
        return _enum
    if issubclass(kind, (set, frozenset)):
        return _names
    return lambda value: _CANONICAL.encode(_plain(value))


def _enum(value: enum.Enum) -> str:
    """An enum by its value, as the encoder writes the value (not made plain again)."""
    v = value.value
    return _quoted(v) if type(v) is str else _CANONICAL.encode(v)


def _names(value: Collection[object]) -> str:
    """A set: its elements in the order of their plain forms' ``repr``, as
    :func:`_converter` sorts them. A set of plain text (a record's items) is written
    directly; any other through :func:`_plain` and the encoder."""
    if all(type(v) is str for v in value):
        return "[" + ",".join(map(_quoted, sorted(cast("Collection[str]", value), key=repr))) + "]"
    return _CANONICAL.encode(_plain(value))


def record_digest(record: Record) -> str:
    """SHA-256 of the record's canonical JSON form (every field, instants in UTC)."""
    return hashlib.sha256(_text(record).encode("utf-8")).hexdigest()


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
