"""Restrictions: suspensions of use or provision, and deletions, granted on a request."""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

__all__ = ["Restriction", "RestrictionKind"]


class RestrictionKind(str, enum.Enum):
    """What a granted request stops: use, provision, or everything, the data deleted
    (Art. 35, R-REQ-7)."""

    SUSPEND_USE = "suspend_use"
    SUSPEND_PROVISION = "suspend_provision"
    DELETED = "deleted"

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
        """Does this restriction cover ``action`` (use, provision, entrustment)?

        A suspension of provision covers provision to third parties only (Art. 35(3)),
        not entrustment. A purpose-scoped restriction also covers an action that names
        no purpose: it cannot be shown to fall outside, so it fails closed.
        """
        if self.kind is RestrictionKind.SUSPEND_PROVISION and action != "provision":
            return False
        if self.recipients and (action != "provision" or recipient not in self.recipients):
            return False
        if self.purposes and purpose is not None and purpose not in self.purposes:
            return False
        return not self.items or bool(self.items & items)
