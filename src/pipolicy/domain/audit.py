"""Audit events and their hash chain (Art. 23, R-SEC-3).

A writer appends an :class:`AuditEntry` (what happened, when, about whom) without
reading the log's tail; the store's sequencer later gives entries their positions and
hashes in a batch (:func:`sequence`), inline where the backend has one writer anyway.
So writers about different people never wait on one hot row (the transparency-log
design of RFC 6962 and Trillian: an unsequenced queue, then a sequencer).

Each event's hash covers its own content and the previous event's hash, so changing,
removing or reordering any event breaks every hash after it. The events' hashes are also
the leaves of a Merkle tree (:mod:`pipolicy.domain.merkle`), whose checkpoints, kept
outside the database, show truncation and rewriting the chain alone cannot. Payloads
hold names of policy entries and opaque ids, never personal data values.

What is hashed, so a verifier in another language can recompute it: the SHA-256 of the
UTF-8 JSON array ``[seq, at, kind, subject_id, payload, prev_hash]`` with object keys
sorted, no whitespace (``","`` and ``":"``), non-ASCII escaped as ``\\u`` and four hex digits, and ``at``
in UTC as ISO 8601 (``2026-04-01T00:00:00+00:00``, microseconds when non-zero). Payloads
hold only strings, integers, booleans, null, lists and objects (no floats), so for them
this form is RFC 8785's except for the ASCII escaping, which is kept so logs written
before this note still verify.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import Protocol, cast

import attrs

from pipolicy.domain.checks import json_ready
from pipolicy.domain.merkle import (
    Checkpoint,
    InclusionProof,
    inclusion_path,
    leaf_hash,
    tree_root,
)
from pipolicy.errors import AuditLogBroken, InvalidInput

__all__ = [
    "GENESIS",
    "AuditEntry",
    "AuditEvent",
    "AuditReport",
    "Tail",
    "chain_hash",
    "checkpoint_of",
    "entry_hash",
    "next_event",
    "prove_inclusion",
    "sequence",
    "verify_chain",
    "verify_log",
]

GENESIS = "0" * 64


def _clean(payload: Mapping[str, object]) -> tuple[Mapping[str, object], str]:
    """The payload as JSON storage gives it back (tuples as lists, dates as text), so
    what is hashed is what is read, and its canonical JSON: encoded once, here, when the
    entry is made, and reused for its hash and by stores that keep it as text.

    This is also the one place a payload is refused (:func:`~.checks.json_ready`) for
    what a backend's JSON would change or drop, so every store keeps the same payloads.
    The encoding shows when the full check can be skipped: ASCII with no ``\\u``
    escape holds no NUL and no lone surrogate; no number of 19 digits, no integer
    beyond 64 bits; at most 64 brackets, no deeper nesting (``allow_nan=False`` refuses NaN).
    """
    written = _written(payload)  # most payloads: plain values, copied as they are written
    if written is not None:
        cleaned, canonical = written
    else:
        try:
            canonical = _ENTRY.encode(dict(payload))
        except RecursionError as e:  # thousands of levels: the walk below would not get here
            raise InvalidInput("audit payload is nested too deeply to be JSON-ready") from e
        except (ValueError, TypeError) as e:  # NaN (as a value or a key), a cycle, mixed keys
            raise InvalidInput(f"audit payload must be JSON-ready: {e}") from e
        cleaned = json.loads(canonical)
    if _suspect(canonical):
        json_ready(cleaned, "audit payload")
    return cleaned, canonical


def _written(payload: Mapping[str, object]) -> tuple[dict[str, object], str] | None:
    """What :func:`_clean` makes of a payload of plain JSON values (text, integers,
    booleans, null, lists or tuples, and dicts keyed by text: what the engine writes),
    made in one walk: the copy ``json.loads`` would give back (keys in sorted order,
    tuples as lists) and the canonical text the encoder would write, without encoding
    the payload and decoding it again. ``None`` for anything else (a float, a set, a key
    not text, nesting deeper than 64 levels, an integer Python will not write: more than
    4,300 digits), which takes the encoder's way (and its :class:`InvalidInput`)."""
    try:
        copied, text = _walked(payload if type(payload) is dict else dict(payload), 0)
    except (_NotPlain, ValueError):  # ValueError: int.__repr__ of a too long integer
        return None
    return cast("dict[str, object]", copied), text


def _label(key: str) -> str:
    """``"key":``, kept for the next payload with that key (the engine's payloads use a
    few dozen; the table is bounded all the same)."""
    label = _quoted(key) + ":"
    if len(_labels) >= 1024:
        _labels.clear()
    _labels[key] = label
    return label


_labels: dict[str, str] = {}


class _NotPlain(Exception):
    """A payload :func:`_written` leaves to the encoder."""


def _walked(value: object, depth: int) -> tuple[object, str]:
    """``value`` copied as ``json.loads`` would give it back, and its canonical text;
    raises :class:`_NotPlain` if it holds anything else (see :func:`_written`)."""
    kind = type(value)
    if kind is str:
        return value, _quoted(cast(str, value))
    if value is None:
        return None, "null"
    if kind is bool:
        return value, "true" if value else "false"
    if kind is int:
        return value, int.__repr__(cast(int, value))
    if depth > 64:
        raise _NotPlain
    if kind is dict:
        mapping = cast("dict[str, object]", value)
        try:
            keys = sorted(mapping)
        except TypeError:  # keys of several kinds
            raise _NotPlain from None
        copy: dict[str, object] = {}
        parts: list[str] = []
        for key in keys:
            if type(key) is not str:
                raise _NotPlain
            v = mapping[key]
            t = type(v)
            if t is str:  # most values: no call for them
                text = _quoted(v)  # type: ignore[arg-type]
            elif v is None:
                text = "null"
            elif t is int:
                text = int.__repr__(v)
            else:
                v, text = _walked(v, depth + 1)
            copy[key] = v
            if depth:  # nested keys name records: each written once
                parts.append(f"{_quoted(key)}:{text}")
                continue
            label = _labels.get(key)  # a payload's own keys: a few dozen names
            if label is None:
                label = _label(key)
            parts.append(label + text)
        return copy, "{" + ",".join(parts) + "}"
    if kind is list or kind is tuple:
        values = cast("list[object]", value)
        if all(type(v) is str for v in values):  # a list of names
            return list(values), "[" + ",".join(map(_quoted, cast("list[str]", values))) + "]"
        walked = [_walked(v, depth + 1) for v in values]
        return [v for v, _ in walked], "[" + ",".join(text for _, text in walked) + "]"
    raise _NotPlain


@attrs.frozen
class AuditEntry:
    """An event before the sequencer has placed it: what a writer appends.

    Build one with :meth:`of`, which gives the payload its stored form and refuses a
    payload no store could keep as given; stores take any other entry through
    :meth:`stored` first.
    """

    at: datetime
    kind: str
    subject_id: str | None
    payload: Mapping[str, object]
    # The payload's canonical JSON (see the module's note), set only by :meth:`of`: an
    # entry built or evolved otherwise has none, so :meth:`stored` checks it again.
    canonical: str | None = attrs.field(default=None, init=False, eq=False, repr=False)

    @classmethod
    def of(
        cls, at: datetime, kind: str, subject_id: str | None, payload: Mapping[str, object]
    ) -> AuditEntry:
        cleaned, canonical = _clean(payload)
        entry = cls(at, kind, subject_id, cleaned)
        object.__setattr__(entry, "canonical", canonical)  # frozen: set once, here
        return entry

    def stored(self) -> AuditEntry:
        """This entry as :meth:`of` would have made it (itself, if it was): what a store
        appends, so an entry built by hand is checked and cleaned like any other."""
        if self.canonical is not None:
            return self
        return AuditEntry.of(self.at, self.kind, self.subject_id, self.payload)

    def encoded(self) -> AuditEntry:
        """This entry with its payload's canonical JSON kept (encoded now if it has none):
        for an entry read back from storage, whose payload was checked when it was
        appended, so placing it hashes and writes one encoding."""
        if self.canonical is not None:
            return self
        entry = AuditEntry(self.at, self.kind, self.subject_id, self.payload)
        object.__setattr__(entry, "canonical", _CANONICAL.encode(self.payload))
        return entry

    def payload_json(self) -> str:
        """The payload's canonical JSON (encoded once, by :meth:`of`)."""
        return self.canonical if self.canonical is not None else _CANONICAL.encode(self.payload)


@attrs.frozen
class AuditEvent:
    """An event in the log: an entry with its position, its predecessor's hash and its own."""

    seq: int
    at: datetime
    kind: str
    subject_id: str | None
    payload: Mapping[str, object]
    prev_hash: str
    hash: str

    @property
    def entry(self) -> AuditEntry:
        """What was appended, without the position the sequencer gave it."""
        return AuditEntry(self.at, self.kind, self.subject_id, self.payload)


# Built once: json.dumps builds a new encoder on every call with these options.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)
# What that encoder writes for a string (quoted, non-ASCII escaped), called directly.
_quoted = json.encoder.encode_basestring_ascii
# The same form, refusing NaN and infinities: for new entries (verifying what was read
# must report a changed event, not raise).
_ENTRY = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str, allow_nan=False)
# Each byte as "0" if it is a digit, as "#" if a JSON number may follow it (``:`` ``,``
# ``[`` ``-``: the encoder writes no spaces) and as a space otherwise, so a number of 19
# digits or more becomes "#" and 19 zeros, which ``in`` finds in C (a regular expression
# took seven times as long). A run inside a string, such as an ordered id's zeros after
# its opening quote, is not a number and is passed over; text such as ``"a:111…"`` still
# matches, and the full walk then clears it.
_NUMBER_START = b":,[-"
_DIGITS_AS_ZEROS = bytes(
    0x30 if 0x30 <= b <= 0x39 else 0x23 if b in _NUMBER_START else 0x20 for b in range(256)
)
_LONG_NUMBER = b"#" + b"0" * 19


def _suspect(canonical: str) -> bool:
    """May ``canonical`` (the form :func:`_clean` encodes) hide something to refuse?
    An escape (``\\u``), a number of 19 digits, or more than 64 brackets (see _clean)."""
    return (
        "\\u" in canonical
        or _LONG_NUMBER in canonical.encode().translate(_DIGITS_AS_ZEROS)
        or canonical.count("[") + canonical.count("{") > 64
    )


def chain_hash(
    seq: int,
    at: datetime,
    kind: str,
    subject_id: str | None,
    payload: Mapping[str, object],
    prev_hash: str,
) -> str:
    return _chain_hash(seq, at, kind, subject_id, _CANONICAL.encode(payload), prev_hash)


_last_instant: tuple[object, str] = (None, "")


def quoted_instant(at: datetime) -> str:
    """``at`` in UTC, ISO 8601, as a JSON string. The last one written is kept: an
    operation's events and records share its instant (a datetime is immutable, so the
    same object always has the same text)."""
    global _last_instant
    last, text = _last_instant
    if at is last:
        return text
    text = _quoted(at.astimezone(timezone.utc).isoformat())
    _last_instant = (at, text)
    return text


def _chain_hash(
    seq: int, at: datetime, kind: str, subject_id: str | None, payload: str, prev_hash: str
) -> str:
    """:func:`chain_hash` of a payload already in canonical JSON: the array is written
    out as the encoder would write it (``[`` items joined by ``,`` ``]``)."""
    # The instant, not its offset: a backend may return the same time in UTC.
    moment = quoted_instant(at)
    who = "null" if subject_id is None else _quoted(subject_id)
    body = f"[{int(seq)},{moment},{_quoted(kind)},{who},{payload},{_quoted(prev_hash)}]"
    return hashlib.sha256(body.encode()).hexdigest()


def next_event(
    last: AuditEvent | None,
    at: datetime,
    kind: str,
    subject_id: str | None,
    payload: Mapping[str, object],
) -> AuditEvent:
    """The event that follows ``last`` in the chain."""
    return _placed(last, AuditEntry.of(at, kind, subject_id, payload))


class Tail(Protocol):
    """What placing an event needs of the one before it: its position and hash."""

    @property
    def seq(self) -> int: ...

    @property
    def hash(self) -> str: ...


def _placed(last: Tail | None, entry: AuditEntry) -> AuditEvent:
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    at, kind, subject_id, payload = entry.at, entry.kind, entry.subject_id, entry.payload
    return AuditEvent(
        seq,
        at,
        kind,
        subject_id,
        payload,
        prev,
        _chain_hash(seq, at, kind, subject_id, entry.payload_json(), prev),
    )


def entry_hash(seq: int, entry: AuditEntry, prev_hash: str) -> str:
    """The hash of ``entry`` (one :meth:`AuditEntry.of` made) placed at ``seq`` after the
    event whose hash is ``prev_hash``: what :func:`sequence` gives it, for a store that
    keeps events in a form of its own and builds no :class:`AuditEvent` to keep."""
    return _chain_hash(seq, entry.at, entry.kind, entry.subject_id, entry.payload_json(), prev_hash)


def sequence(last: Tail | None, entries: Iterable[AuditEntry]) -> list[AuditEvent]:
    """The sequencer's step: place ``entries``, in order, after ``last`` (an event, or
    anything with its ``seq`` and ``hash``)."""
    placed: list[AuditEvent] = []
    for entry in entries:
        last = _placed(last, entry)
        placed.append(last)
    return placed


@attrs.frozen
class AuditReport:
    """Result of :meth:`Engine.verify_audit`: ``ok`` and the first broken position."""

    ok: bool
    events: int
    first_bad_seq: int | None = None
    problem: str | None = None

    def __bool__(self) -> bool:
        return self.ok


def verify_chain(events: Iterable[AuditEvent]) -> AuditReport:
    prev = GENESIS
    expected_seq = 1
    count = 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return AuditReport(
                False, count, event.seq, f"expected event {expected_seq}, found {event.seq}"
            )
        if event.prev_hash != prev:
            return AuditReport(False, count, event.seq, "event does not follow its predecessor")
        recomputed = chain_hash(
            event.seq, event.at, event.kind, event.subject_id, event.payload, prev
        )
        if recomputed != event.hash:
            return AuditReport(False, count, event.seq, "event content was changed")
        prev = event.hash
        expected_seq += 1
    return AuditReport(True, count)


# -- proof against a checkpoint kept outside the database (RFC 6962 Merkle tree) ---------


def _leaves(events: Sequence[AuditEvent]) -> list[bytes]:
    return [leaf_hash(bytes.fromhex(e.hash)) for e in events]


def checkpoint_of(events: Sequence[AuditEvent], at: datetime) -> Checkpoint:
    """The checkpoint of a log that verifies; raise :class:`AuditLogBroken` otherwise, so
    nobody keeps a checkpoint of a tampered log as if it were good."""
    report = verify_chain(events)
    if not report.ok:
        raise AuditLogBroken(report)
    return Checkpoint(len(events), tree_root(_leaves(events)), at)


def verify_log(
    events: Iterable[AuditEvent],
    trusted: Checkpoint | None = None,
    *,
    each: Callable[[AuditEvent], object] | None = None,
) -> AuditReport:
    """The chain's report, and with ``trusted``, whether the log still extends it.

    The chain alone cannot see the last events deleted or the whole log rewritten and
    re-hashed; a checkpoint kept outside the database can: the first ``trusted.size``
    events must hash to its root. ``events`` is read once, as it streams (a log of
    millions of events is never held whole); ``each`` sees every event read, so a caller
    can gather what else it needs in the same pass.
    """
    kept: list[str] = []  # the hashes the trusted checkpoint covers, nothing more

    def read() -> Iterator[AuditEvent]:
        for event in events:
            if trusted is not None and len(kept) < trusted.size:
                kept.append(event.hash)
            if each is not None:
                each(event)
            yield event

    report = verify_chain(read())
    if not report.ok or trusted is None:
        return report
    if report.events < trusted.size:
        return AuditReport(
            False,
            report.events,
            report.events + 1,
            f"the log has {report.events} events, fewer than the {trusted.size} of the "
            "trusted checkpoint: events were removed",
        )
    if tree_root([leaf_hash(bytes.fromhex(h)) for h in kept]) != trusted.root:
        return AuditReport(
            False,
            report.events,
            None,
            f"the first {trusted.size} events do not match the trusted checkpoint: the log "
            "was rewritten before it",
        )
    return report


def prove_inclusion(
    events: Sequence[AuditEvent], seq: int, checkpoint: Checkpoint
) -> InclusionProof:
    """The proof that event ``seq`` is in the log as ``checkpoint`` describes it."""
    if not 1 <= seq <= checkpoint.size <= len(events):
        raise InvalidInput(f"event {seq} is not within the checkpoint's {checkpoint.size} events")
    leaves = _leaves(events[: checkpoint.size])
    if tree_root(leaves) != checkpoint.root:
        raise AuditLogBroken(verify_log(events, checkpoint))
    path = tuple(h.hex() for h in inclusion_path(leaves, seq - 1))
    return InclusionProof(seq, checkpoint.size, events[seq - 1].hash, path)
