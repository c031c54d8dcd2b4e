"""Decisions: the typed answer to "may I?", with the legal basis it rests on."""

from __future__ import annotations

import enum
import functools
import re

import attrs

__all__ = ["Basis", "Decision"]

_RULE_ID = re.compile(r"\bR-[A-Z]+-\d+\b")


class Basis(str, enum.Enum):
    """The legal ground of an allowed decision."""

    NOTIFIED_PURPOSE = "notified_purpose"
    CONSENT = "consent"
    EXEMPTION = "exemption"
    ENTRUSTMENT = "entrustment"
    JOINT_USE = "joint_use"
    BUSINESS_SUCCESSION = "business_succession"
    ANONYMIZED = "anonymized"
    OPT_OUT = "opt_out"
    """Provision to a third party by opt-out (Art. 27(2)): announced in advance, filed with
    the PPC, stopped at the person's request; never for special care-required data."""
    PERSONALLY_REFERABLE = "personally_referable"
    """Personally referable information (a cookie id held alone) given to a recipient not
    expected to link it to identify the person: not personal data of the provider, and
    Art. 31(1) asks nothing."""

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Decision:
    """The outcome of a check.

    ``allowed`` is true only with a ``basis``; a denial has ``basis=None`` and at least
    one reason. ``citations`` name the articles (``"APPI Art. 27(1)"``) and policy
    clauses (``"policy:purposes.service"``) the decision rests on. A decision holds
    names of policy entries and opaque ids only, never personal data values.
    """

    allowed: bool
    basis: Basis | None
    reasons: tuple[str, ...]
    citations: tuple[str, ...]
    action: str = "use"
    purpose: str | None = None
    recipient: str | None = None
    items: frozenset[str] = frozenset()
    consent_id: str | None = None

    @functools.cached_property
    def rules(self) -> tuple[str, ...]:
        """The requirement ids the reasons name (``("R-USE-7",)``), for machines to read.

        Computed on first read: checks on the hot path never pay for it.
        """
        found = (m for reason in self.reasons for m in _RULE_ID.findall(reason))
        return tuple(dict.fromkeys(found))

    def __attrs_post_init__(self) -> None:
        if self.allowed and self.basis is None:
            raise ValueError("an allowed decision needs a basis")
        if not self.allowed and (self.basis is not None or not self.reasons):
            raise ValueError("a denial has no basis and at least one reason")

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def allow(
        cls,
        basis: Basis,
        reason: str,
        citations: tuple[str, ...],
        **context: object,
    ) -> Decision:
        return cls(True, basis, (reason,), citations, **context)  # type: ignore[arg-type]

    @classmethod
    def deny(
        cls, reasons: tuple[str, ...], citations: tuple[str, ...], **context: object
    ) -> Decision:
        return cls(False, None, reasons, citations, **context)  # type: ignore[arg-type]
