"""Audit events and their hash chain (Art. 23, R-SEC-3).

Each event's hash covers its own content and the previous event's hash, so changing,
removing or reordering any event breaks every hash after it. Payloads hold names of
policy entries and opaque ids, never personal data values.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

import attrs

__all__ = ["GENESIS", "AuditEvent", "AuditReport", "chain_hash", "next_event", "verify_chain"]

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
