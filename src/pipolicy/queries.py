"""Checks asked many at a time: one question each, answered in one unit of work.

A newsletter send, a nightly export or a page listing many people asks the same question
about many subjects. :meth:`Engine.check_use_many` and :meth:`Engine.check_provision_many`
take these, validate them all before reading anything, read each person's facts once,
and answer in the order asked.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.subjects import Ref, Subject
from pipolicy.rules.common import Actor

__all__ = ["ProvisionCheck", "UseCheck"]


@attrs.frozen
class UseCheck:
    """``engine.check_use(subject, purpose=..., items=...)``, as a value."""

    subject: Subject | str | Ref
    purpose: str
    items: Iterable[str]
    actor: Actor | str | None = None
    exemption: Exemption | str | None = None
    justification: str | None = None


@attrs.frozen
class ProvisionCheck:
    """``engine.check_provision(subject, recipient=..., items=...)``, as a value."""

    subject: Subject | str | Ref
    recipient: str
    items: Iterable[str]
    purpose: str | None = None
    exemption: Exemption | str | None = None
    justification: str | None = None
