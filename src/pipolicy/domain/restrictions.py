"""Restrictions: suspensions of use or provision, and deletions, granted on a request."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs

__all__ = ["Restriction", "RestrictionKind", "lifted_requests"]


class RestrictionKind(str, enum.Enum):
    """What a granted request stops: use, provision, or everything, the data deleted
    (Art. 35, R-REQ-7); or, a record of its own, that the person asked to resume what a
    suspension request stopped (``lifted``)."""

    SUSPEND_USE = "suspend_use"
    SUSPEND_PROVISION = "suspend_provision"
    DELETED = "deleted"
    LIFTED = "lifted"
    """From ``since`` on, the suspensions request ``request_id`` put in force no longer
    stand: the person asked to resume. Restrictions are only ever added, never changed,
    so the history shows both the suspension and its end."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Restriction:
    """From ``since`` on, decisions of this kind for the subject are denied (R-REQ-7).

    ``items`` narrows the restriction (empty: all items); ``purposes`` likewise;
    ``recipients`` narrows a suspension of provision to those recipients (empty: all).
    ``request_id`` is the request that granted it, cited in denials.
    """

    id: str
    subject_id: str
    kind: RestrictionKind
    since: datetime
    request_id: str | None = None
    items: frozenset[str] = frozenset()
    purposes: frozenset[str] = frozenset()
    recipients: frozenset[str] = frozenset()

    def applies(
        self, action: str, purpose: str | None, items: frozenset[str], recipient: str | None = None
    ) -> bool:
        """Does this restriction cover ``action`` (use, provision, entrustment,
        succession, joint_use)?

        A suspension of provision covers provision to third parties only (Art. 35(3)),
        not entrustment, succession nor joint use, whose recipients are no third party
        (Art. 27(5)(i)-(iii)); a suspension naming the successor or the joint user stops
        provision to it all the same, as its answer said it would. A purpose-scoped
        restriction also covers an action that names no purpose: it cannot be shown to
        fall outside, so it fails closed.
        """
        if self.kind is RestrictionKind.LIFTED:
            return False  # it stops nothing: it ends what stopped
        named = recipient in self.recipients
        if (
            self.kind is RestrictionKind.SUSPEND_PROVISION
            and action != "provision"
            and not (action in _NAMEABLE and named)
        ):
            return False
        if self.recipients and (action not in ("provision", *_NAMEABLE) or not named):
            return False
        if self.purposes and purpose is not None and purpose not in self.purposes:
            return False
        return not self.items or bool(self.items & items)


_NAMEABLE = ("succession", "joint_use")
"""Provisions to no third party (Art. 27(5)(ii), (iii)) a suspension of provision still
stops when it names their recipient: the person asked about that one, and was told so."""


def lifted_requests(restrictions: Iterable[Restriction], now: datetime) -> frozenset[str]:
    """The requests whose suspensions were lifted by ``now`` (:attr:`RestrictionKind.LIFTED`)."""
    return frozenset(
        r.request_id
        for r in restrictions
        if r.kind is RestrictionKind.LIFTED and r.request_id is not None and r.since <= now
    )
