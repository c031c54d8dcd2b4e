"""The request state machine: which state may follow which, as one explicit table.

::

    received --verify ok--> verified --fulfil--> fulfilled | partially_fulfilled
        |                      |
        +--verify fails / refuse / withdraw--+--> refused | withdrawn

A request is answered only once: final states have no way out. Extending the deadline
and recording a failed data source keep the state (``verified`` stays ``verified``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from pipolicy.domain.requests import Request, RequestState
from pipolicy.errors import InvalidTransition

__all__ = ["ANSWERED", "TRANSITIONS", "advance", "charged_fee", "check", "note", "require_open"]

S = RequestState

TRANSITIONS: Mapping[RequestState, frozenset[RequestState]] = {
    S.RECEIVED: frozenset({S.VERIFIED, S.REFUSED, S.WITHDRAWN}),
    S.VERIFIED: frozenset({S.FULFILLED, S.PARTIALLY_FULFILLED, S.REFUSED, S.WITHDRAWN}),
    S.FULFILLED: frozenset(),
    S.PARTIALLY_FULFILLED: frozenset(),
    S.REFUSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

ANSWERED = frozenset({S.FULFILLED, S.PARTIALLY_FULFILLED})
"""States in which the request was answered as asked, in full or in part."""

_HINT = {
    S.RECEIVED: "verify it first",
    S.VERIFIED: "it is verified: fulfil, refuse or withdraw it",
}


def require_open(request: Request, action: str) -> None:
    """Raise :class:`InvalidTransition` if ``request`` is already answered or withdrawn."""
    if request.state.final:
        raise InvalidTransition(
            f"request {request.id} is {request.state.value}; it cannot be {action}. "
            "A new request is a new submission."
        )


def check(request: Request, to: RequestState) -> None:
    """Raise :class:`InvalidTransition` unless ``request`` may move to ``to``."""
    if to not in TRANSITIONS[request.state]:
        hint = _HINT.get(request.state, "a final request cannot change; submit a new one")
        raise InvalidTransition(
            f"request {request.id} is {request.state.value} and cannot become {to.value}: {hint}"
        )


def charged_fee(request: Request) -> int:
    """The fee the person owes for ``request``: the one published for its kind (kept from
    receipt) once it is answered, in full or in part, and none while it is open or when it
    is refused or withdrawn. Art. 38(1) allows a fee for notifying purposes or disclosing,
    and nothing is notified or disclosed then (R-REQ-9)."""
    return request.fee if request.state in ANSWERED or not request.state.final else 0


def advance(
    request: Request,
    to: RequestState,
    at: datetime,
    event: str,
    note_text: str = "",
    **changes: object,
) -> Request:
    """Move ``request`` to ``to`` with a history entry and a new version.

    Raises :class:`InvalidTransition` when the table forbids the move.
    """
    check(request, to)
    moved = attrs.evolve(
        request,
        state=to,
        history=(*request.history, (event, at, note_text)),
        version=request.version + 1,
        **changes,  # type: ignore[arg-type]
    )
    # The stored fee says what is owed, as the answer does.
    return attrs.evolve(moved, fee=charged_fee(moved))


def note(request: Request, at: datetime, event: str, note_text: str, **changes: object) -> Request:
    """Record a step that keeps the state (an extension, a source failure)."""
    return attrs.evolve(
        request,
        history=(*request.history, (event, at, note_text)),
        version=request.version + 1,
        **changes,  # type: ignore[arg-type]
    )
