"""A person's compiled state as one text column (``pipolicy_subject_states.state``).

The state (:func:`pipolicy.domain.facts.compact`) is stored as compact JSON built from
the same row dictionaries the history tables hold (:mod:`.rows`), instants as ISO 8601
with their offset, so it reads back exactly as the history would: a check reads one
row by primary key and decodes it, instead of a ``UNION`` over four tables whose size
grows with the person's history. ``FORMAT`` names this encoding: a row of another
format is ignored (the history is read instead) until rewritten.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from pipolicy.backends.sql import rows
from pipolicy.backends.sql.tables import ACQUISITIONS, CONSENTS, RESTRICTIONS, SUBJECTS
from pipolicy.domain.facts import SubjectFacts

__all__ = ["FORMAT", "decode", "encode"]

FORMAT = 1

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def _instant_columns(table: sa.Table) -> tuple[str, ...]:
    # An instant's column is the one with an ``_offset`` twin (see tables.py).
    return tuple(c.name for c in table.c if f"{c.name}_offset" in table.c)


_SUBJECT, _ACQUISITION, _CONSENT, _RESTRICTION = (
    _instant_columns(t) for t in (SUBJECTS, ACQUISITIONS, CONSENTS, RESTRICTIONS)
)


def _instants(row: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    for name in names:
        if row[name] is not None:
            row[name] = datetime.fromisoformat(row[name])
    return row


def encode(state: SubjectFacts) -> str:
    """A compiled state (:func:`~pipolicy.domain.facts.compact`), as the row's text."""
    return _ENCODER.encode(
        [
            _plain(rows.subject_to_row(state.subject)),
            [_plain(rows.acquisition_to_row(a)) for a in state.acquisitions],
            [_plain(rows.consent_to_row(c)) for c in state.consents],
            [_plain(rows.restriction_to_row(r)) for r in state.restrictions],
        ]
    )


def decode(text: str) -> SubjectFacts:
    """The compiled state a row's text holds."""
    subject, acquisitions, consents, restrictions = json.loads(text)
    return SubjectFacts(
        rows.subject_from_row(_instants(subject, _SUBJECT)),
        tuple(rows.acquisition_from_row(_instants(a, _ACQUISITION)) for a in acquisitions),
        tuple(rows.consent_from_row(_instants(c, _CONSENT)) for c in consents),
        tuple(rows.restriction_from_row(_instants(r, _RESTRICTION)) for r in restrictions),
    )
