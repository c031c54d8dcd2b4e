"""A person's compiled state as one text column (``pipolicy_subject_states.state``).

The state (:func:`pipolicy.domain.facts.compact`) is stored as compact JSON, so a check
reads one row by primary key and decodes it, instead of a ``UNION`` over four tables
whose size grows with the person's history. ``format`` names what the row holds:

* **5**: each record as an array of its fields in a fixed order, instants as ISO 8601
  with their offset, the person's id once. A first read of a person is mostly this
  decoding, and arrays decode in about half the time of the row dictionaries format 1
  held (10-14 against 22 µs for a person with one acquisition and one consent;
  docs/performance.md). The state holds the consents still given and the person's
  latest no to each recipient and to each purpose
  (:func:`~pipolicy.domain.facts.decided`); an acquisition ends with its provider's
  kind and the basis of its receipt (``EntityKind``, ``ReceiptBasis`` by value), a
  consent with the country its foreign information was about.
* **4**: the same encoding, written before an acquisition kept the basis of its
  receipt. A version that knew none may have written such a row after a newer one
  recorded a receipt by opt-out, which keeps the data from being provided by opt-out
  again (R-TPP-8), so it is not read: the person is read from the history until the
  row is rewritten, with their next write or by ``pipolicy db rebuild-state``.
* **3**: the same encoding, written before a state kept the person's noes to purposes.
  Such a row may lack the no that closes the predecessor's purpose to data a merger
  brought in (R-USE-6, R-USE-7), so it is not read either.
* **2**, **1**: the same encoding and the history's row dictionaries, written before
  a state kept any of the person's noes (one that stops opt-out provision may be
  missing): not read either.

A row of any other format, or one that does not decode, is ignored the same way; so is
one holding another person's state (the store checks the id). Either way a state reads
back exactly as the history would (tests/test_subject_state.py,
tests/sql/test_state_format.py).
"""

from __future__ import annotations

import json
from datetime import datetime

from pipolicy.backends.sql import rows
from pipolicy.domain.acquisitions import Acquisition, Channel, EntityKind, ReceiptBasis
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.subjects import Subject

__all__ = ["FORMAT", "decode", "encode"]

FORMAT = 5

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_names = rows.name_set  # a list of strings, or the row is not a state


def _instant(text: str) -> datetime:
    """``"...+09:00"`` back to the instant at that offset; a text without an offset is
    no instant this module wrote, so the row is not a state."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("an instant needs its offset")
    return value


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 with the offset; the last one is kept, as a unit's records share its
    instant (the same datetime object, which is immutable)."""
    global _last_iso
    if value is None:
        return None
    last, text = _last_iso
    if value is last:
        return text
    text = value.isoformat()
    _last_iso = (value, text)
    return text


_last_iso: tuple[object, str] = (None, "")


def _maybe(value: str | None) -> datetime | None:
    return None if value is None else _instant(value)


# Enum members by value: a dictionary lookup, where calling the enum costs a check
# several times as much (an unknown value is a KeyError: the row is not a state).
_CHANNELS = {c.value: c for c in Channel}
_STATUSES = {s.value: s for s in ConsentStatus}
_KINDS = {k.value: k for k in RestrictionKind}
_PROVIDERS: dict[str | None, EntityKind | None] = {None: None, **{k.value: k for k in EntityKind}}
_BASES: dict[str | None, ReceiptBasis | None] = {None: None, **{b.value: b for b in ReceiptBasis}}


def encode(state: SubjectFacts) -> str:
    """A compiled state (:func:`~pipolicy.domain.facts.compact`), as the row's text."""
    s = state.subject
    sid = s.id
    owners = {r.subject_id for r in state.acquisitions}
    owners.update(r.subject_id for r in state.consents)
    owners.update(r.subject_id for r in state.restrictions)
    if owners - {sid}:  # the format keeps the id once
        raise ValueError("a subject's state holds another subject's record")
    return _ENCODER.encode(
        [
            [sid, s.ref, s.category, _iso(s.registered_at), _iso(s.left_at)],
            [
                [
                    a.id,
                    sorted(a.items),
                    sorted(a.purposes),
                    Channel(a.channel).value,
                    a.source,
                    _iso(a.acquired_at),
                    a.policy_version,
                    sorted(a.opted_in),
                    a.provider_address,
                    a.provider_obtained_by,
                    a.provider_representative,
                    None if a.provider_kind is None else EntityKind(a.provider_kind).value,
                    None if a.provider_basis is None else ReceiptBasis(a.provider_basis).value,
                ]
                for a in state.acquisitions
            ],
            [
                [
                    c.id,
                    c.scope.purpose,
                    c.scope.recipient,
                    sorted(c.scope.items),
                    ConsentStatus(c.status).value,
                    c.evidence.method,
                    c.evidence.ref,
                    c.evidence.given_by,
                    c.evidence.foreign_info,
                    c.policy_version,
                    _iso(c.given_at),
                    _iso(c.expires_at),
                    _iso(c.ended_at),
                    c.version,
                    c.evidence.foreign_country,
                ]
                for c in state.consents
            ],
            [
                [
                    r.id,
                    RestrictionKind(r.kind).value,
                    _iso(r.since),
                    r.request_id,
                    sorted(r.items),
                    sorted(r.purposes),
                    sorted(r.recipients),
                ]
                for r in state.restrictions
            ],
        ]
    )


def decode(text: str, format: int = FORMAT) -> SubjectFacts | None:
    """The compiled state a row's text of ``format`` holds; ``None`` for a row this
    version cannot read (another format, or a text that is not a state of its format:
    a row damaged or written by hand), so the person is read from the history instead.
    The history is the record; the row only saves reading it."""
    if format != FORMAT:
        return None
    try:
        return _decode(text)
    except (ValueError, TypeError, KeyError, IndexError):
        return None  # InvalidInput is a ValueError


def _decode(text: str) -> SubjectFacts:
    subject, acquisitions, consents, restrictions = json.loads(text)
    sid, ref, category, registered_at, left_at = subject
    return SubjectFacts(
        Subject(sid, ref, _instant(registered_at), category, _maybe(left_at)),
        tuple(
            Acquisition(
                a[0],
                sid,
                _names(a[1]),
                _names(a[2]),
                _CHANNELS[a[3]],
                a[4],
                _instant(a[5]),
                a[6],
                _names(a[7]),
                a[8],
                a[9],
                a[10],
                _PROVIDERS[a[11]],
                _BASES[a[12]],
            )
            for a in acquisitions
        ),
        tuple(
            Consent(
                c[0],
                sid,
                ConsentScope(c[1], c[2], _names(c[3])),
                _STATUSES[c[4]],
                Evidence(c[5], c[6], c[7], c[8], c[14]),
                c[9],
                _instant(c[10]),
                _maybe(c[11]),
                _maybe(c[12]),
                c[13],
            )
            for c in consents
        ),
        tuple(
            Restriction(
                r[0],
                sid,
                _KINDS[r[1]],
                _instant(r[2]),
                r[3],
                _names(r[4]),
                _names(r[5]),
                _names(r[6]),
            )
            for r in restrictions
        ),
    )
