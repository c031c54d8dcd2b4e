"""Audit events and their hash chain (Art. 23, R-SEC-3).

Each event's hash covers its own content and the previous event's hash, so changing,
removing or reordering any event breaks every hash after it. The events' hashes are also
the leaves of a Merkle tree (:mod:`pipolicy.domain.merkle`), whose checkpoints, kept
outside the database, show truncation and rewriting the chain alone cannot. Payloads hold names of
policy entries and opaque ids, never personal data values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone

import attrs

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
    "AuditEvent",
    "AuditReport",
    "chain_hash",
    "checkpoint_of",
    "next_event",
    "prove_inclusion",
    "verify_chain",
    "verify_log",
]

GENESIS = "0" * 64


@attrs.frozen
class AuditEvent:
    seq: int
    at: datetime
    kind: str
    subject_id: str | None
    payload: Mapping[str, object]
    prev_hash: str
    hash: str


def chain_hash(
    seq: int,
    at: datetime,
    kind: str,
    subject_id: str | None,
    payload: Mapping[str, object],
    prev_hash: str,
) -> str:
    body = json.dumps(
        # The instant, not its offset: a backend may return the same time in UTC.
        [seq, at.astimezone(timezone.utc).isoformat(), kind, subject_id, payload, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def next_event(
    last: AuditEvent | None,
    at: datetime,
    kind: str,
    subject_id: str | None,
    payload: Mapping[str, object],
) -> AuditEvent:
    """The event that follows ``last`` in the chain."""
    seq = 1 if last is None else last.seq + 1
    prev = GENESIS if last is None else last.hash
    # Round-trip the payload through JSON so what is hashed is what storage returns.
    clean = json.loads(json.dumps(dict(payload), sort_keys=True, default=str))
    return AuditEvent(
        seq, at, kind, subject_id, clean, prev, chain_hash(seq, at, kind, subject_id, clean, prev)
    )


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


def verify_log(events: Sequence[AuditEvent], trusted: Checkpoint | None = None) -> AuditReport:
    """The chain's report, and with ``trusted``, whether the log still extends it.

    The chain alone cannot see the last events deleted or the whole log rewritten and
    re-hashed; a checkpoint kept outside the database can: the first ``trusted.size``
    events must hash to its root.
    """
    report = verify_chain(events)
    if not report.ok or trusted is None:
        return report
    if len(events) < trusted.size:
        return AuditReport(
            False,
            len(events),
            len(events) + 1,
            f"the log has {len(events)} events, fewer than the {trusted.size} of the trusted "
            "checkpoint: events were removed",
        )
    if tree_root(_leaves(events[: trusted.size])) != trusted.root:
        return AuditReport(
            False,
            len(events),
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
