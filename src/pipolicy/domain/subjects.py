"""Subjects: the people the data is about, known only by opaque references."""

from __future__ import annotations

from datetime import datetime

import attrs

__all__ = ["Ref", "Subject"]


@attrs.frozen
class Subject:
    """A person, as pipolicy knows them: an opaque id, never a name or an address.

    ``ref`` is the application's own key for the person (``"user-42"``). It is kept so the
    application can find the subject again, but redacted from reprs because applications
    sometimes use e-mail addresses as keys. ``category`` places the person among the
    policy's categories (customer, applicant, ...; R-USE-9). ``left_at`` marks a person who
    left the service, which starts their retention clock (R-ACC-1).
    """

    id: str
    ref: str = attrs.field(repr=False)
    registered_at: datetime
    category: str | None = None
    left_at: datetime | None = None


@attrs.frozen
class Ref:
    """A person named by the application's own key (``pp.Ref("user-42")``), where a call
    takes a subject: pipolicy finds the subject in the same unit of work as the call.

    The key is redacted from the repr, as :attr:`Subject.ref` is.
    """

    value: str = attrs.field(repr=False)
