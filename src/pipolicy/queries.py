"""Checks asked many at a time: one question each, answered in one unit of work.

A newsletter send, a nightly export or a page listing many people asks the same question
about many subjects. :meth:`Engine.check_use_many` and :meth:`Engine.check_provision_many`
take these, validate them all before reading anything, read each person's facts once,
and answer in the order asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import attrs

from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.subjects import Ref, Subject
from pipolicy.rules.common import Actor

__all__ = ["ProvisionCheck", "UseCheck"]


def _who(subject: object) -> str:
    """A check's subject in its repr: a :class:`Subject` or :class:`Ref` as their own
    reprs show them (neither shows the application's key); a ``str`` not at all, since
    the application's own key (an e-mail address) passed by mistake would be printed."""
    return repr(subject) if isinstance(subject, (Subject, Ref)) else "<id>"


def _kept(items: Iterable[str]) -> Iterable[str]:
    """``items``, an iterator (a generator, ``map``) taken into a tuple: a check is a
    value asked as often as wanted, and an iterator would be used up by the first asking.
    Anything else is kept as given, to be validated when the check is asked (a ``str``
    stays one name)."""
    return tuple(items) if isinstance(items, Iterator) else items


@attrs.frozen
class UseCheck:
    """``engine.check_use(subject, purpose=..., items=...)``, as a value."""

    subject: Subject | str | Ref = attrs.field(repr=_who)
    purpose: str
    items: Iterable[str] = attrs.field(converter=_kept)
    actor: Actor | str | None = None
    exemption: Exemption | str | None = None
    justification: str | None = None


@attrs.frozen
class ProvisionCheck:
    """``engine.check_provision(subject, recipient=..., items=...)``, as a value."""

    subject: Subject | str | Ref = attrs.field(repr=_who)
    recipient: str
    items: Iterable[str] = attrs.field(converter=_kept)
    purpose: str | None = None
    exemption: Exemption | str | None = None
    justification: str | None = None
    actor: Actor | str | None = attrs.field(default=None, kw_only=True)
    """Who gives the data (R-SEC-1); keyword-only, so checks built by position before it
    existed mean what they meant."""
