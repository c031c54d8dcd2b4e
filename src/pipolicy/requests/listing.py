"""The register of requests as an operator lists it (``pipolicy requests list``).

An operator needs to know what to answer and by when; a listing goes to terminals,
tickets, chat and CI logs. So a listed request says only what it is and where it stands:
its id, kind and state, the day it was received, the last day to answer in, and whether
it is overdue. Not the subject's id, the applicant, the documents or the details, any of
which could tell who asked (R-SEC-3: no personal data in logs). Days are in the policy's
time zone, as the law counts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from pipolicy.domain.requests import Request
from pipolicy.policy.model import Policy

__all__ = ["listed", "listing_text"]

_INSTANT = timedelta(microseconds=1)
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("ID", "id"),
    ("KIND", "kind"),
    ("STATE", "state"),
    ("RECEIVED", "received_on"),
    ("DUE", "due_on"),
)


def listed(policy: Policy, request: Request, *, overdue: bool) -> dict[str, Any]:
    """``request`` as a listing shows it (JSON-ready, with the keys docs/cli.md lists).

    ``due_on`` is the last day to answer in: a request is due at the end of that day
    (:meth:`Policy.response_due`), so it is the day before the due instant's own day
    when the due instant is midnight.
    """
    return {
        "id": request.id,
        "kind": request.kind.value,
        "state": request.state.value,
        "received_on": policy.local_date(request.received_at).isoformat(),
        "due_on": policy.local_date(request.due - _INSTANT).isoformat(),
        "overdue": overdue,
    }


def listing_text(rows: Sequence[dict[str, Any]], overdue: Iterable[str], timezone: str) -> str:
    """The rows as an aligned table, overdue ones marked, with a closing count of the
    requests listed and of those overdue in the whole store (``overdue``: their ids)."""
    table = [[title for title, _ in _COLUMNS]]
    table += [[str(row[key]) for _, key in _COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(_COLUMNS))]
    marks = ["", *("  OVERDUE" if row["overdue"] else "" for row in rows)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() + mark
        for line, mark in zip(table, marks, strict=True)
    ]
    late = len(set(overdue))
    lines.append(f"{len(rows)} request(s) listed; {late} overdue in the store (days in {timezone})")
    return "\n".join(lines) + "\n"
