"""Decisions: the typed answer to "may I?", with the legal basis it rests on."""

from __future__ import annotations

import contextlib
import enum
import functools
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TypeAlias

import attrs

__all__ = ["Basis", "Because", "Decision", "Reason"]

_RULE_ID = re.compile(r"\bR-[A-Z]+-\d+\b")


Params: TypeAlias = Mapping[str, str | tuple[str, ...]]


def _read_only(params: Params) -> Params:
    """A reason's parameters, read-only: the rules share one reason between decisions.
    Always a copy: a ``MappingProxyType`` given is only a view of a dict its maker can
    still change (a reason is built once and cached, so the copy costs a check nothing)."""
    return MappingProxyType(dict(params))


def _shown(params: Params) -> str:
    return repr(dict(params))


@attrs.frozen(cache_hash=True)
class Reason:
    """A reason of a decision as facts, not words: what :func:`pipolicy.explain` words
    in a language, through the macro ``key`` of ``<lang>/reasons.j2``.

    ``params`` are the facts the reason names: policy names (``purpose``, ``items``,
    ``recipient``...: a template shows their titles), ISO dates, counts, identifiers, as
    strings or tuples of strings, read-only. ``rules`` are the requirement ids its
    English text names (``("R-USE-7",)``). Every reason the rules give is built in
    :mod:`pipolicy.rules.reasons`, by the function named after its key.
    """

    key: str
    params: Params = attrs.field(factory=dict, converter=_read_only, repr=_shown, hash=False)
    rules: tuple[str, ...] = ()


Because: TypeAlias = tuple[str, Reason]
"""A reason in English, as :attr:`Decision.reasons` holds it, with its :class:`Reason`:
built together (:mod:`pipolicy.rules.reasons`), so the two say the same."""


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

    ``reasons`` are English, as the audit log keeps them; ``why`` holds the same reasons
    as :class:`Reason` values, one per reason and in the same order, for
    :func:`pipolicy.explain` to word in any language. A decision the rules make always
    has them; one built by hand or read from JSON written before them has ``why == ()``.
    ``why`` takes no part in equality, hashing or the repr.

    ``consent_id`` is the consent an allowed decision rests on; ``more_consent_ids``
    the others it needs when no one consent covers every item and several together do
    (the person agreed to give a recipient their e-mail address, and later their name:
    both may go together, each on its own consent). :attr:`consent_ids` lists them all.
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
    more_consent_ids: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    why: tuple[Reason, ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)

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
        if self.more_consent_ids:
            check_more_consents(self.consent_id, self.more_consent_ids)

    @property
    def consent_ids(self) -> tuple[str, ...]:
        """Every consent the decision rests on, :attr:`consent_id` first."""
        return consents_rested_on(self.consent_id, self.more_consent_ids)

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def allow(
        cls,
        basis: Basis,
        reason: str | Because,
        citations: tuple[str, ...],
        **context: object,
    ) -> Decision:
        """An allowed decision on ``basis``; ``reason`` in English, or with its
        :class:`Reason` (:mod:`pipolicy.rules.reasons`)."""
        key = _shareable(True, basis, reason, citations, context)
        found = _shared(key)
        if found is not None:
            return found
        if isinstance(reason, str):
            made = cls(True, basis, (reason,), citations, **context)  # type: ignore[arg-type]
        else:
            text, why = reason
            made = cls(True, basis, (text,), citations, why=(why,), **context)  # type: ignore[arg-type]
        return _share(key, made)

    @classmethod
    def deny(
        cls, reasons: Sequence[str | Because], citations: tuple[str, ...], **context: object
    ) -> Decision:
        """A denial for ``reasons``, each in English or with its :class:`Reason`; ``why``
        is kept only when every reason has one (it is one per reason, or none)."""
        key = _shareable(False, None, tuple(reasons), citations, context)
        found = _shared(key)
        if found is not None:
            return found
        texts: list[str] = []
        why: list[Reason] = []
        for r in reasons:  # a plain loop: the cheapest on the hot path
            if isinstance(r, str):
                texts.append(r)
            else:
                texts.append(r[0])
                why.append(r[1])
        kept = tuple(why) if len(why) == len(texts) else ()
        made = cls(False, None, tuple(texts), citations, why=kept, **context)  # type: ignore[arg-type]
        return _share(key, made)


def consents_rested_on(consent_id: str | None, more: tuple[str, ...]) -> tuple[str, ...]:
    """The consents a decision or record rests on: ``consent_id``, then ``more``."""
    return () if consent_id is None else (consent_id, *more)


def check_more_consents(consent_id: str | None, more: tuple[str, ...]) -> None:
    """``more`` names consents besides ``consent_id``, each once, by id (never without it)."""
    if consent_id is None:
        raise ValueError("more_consent_ids needs a consent_id")
    if not isinstance(more, tuple) or not all(isinstance(c, str) and c for c in more):
        raise ValueError("more_consent_ids must be a tuple of consent ids")
    if len({consent_id, *more}) != len(more) + 1:
        raise ValueError("more_consent_ids names a consent twice")


# Decisions shared between checks that get the same answer (the same reasons about the
# same question, for any person): a decision is immutable, and a denial such as "items
# not acquired" recurs for many people, so most checks return a decision already built.
# One resting on a consent names it (``consent_id``) and is built each time. Bounded.
_SHARED: dict[tuple[object, ...], Decision] = {}
_SHARED_KEPT = 4096


def _shareable(
    allowed: bool,
    basis: Basis | None,
    reasons: object,
    citations: tuple[str, ...],
    context: Mapping[str, object],
) -> tuple[object, ...] | None:
    """The key a decision built from these arguments is shared under, or None when it
    names a consent (then it is built anew)."""
    if context.get("consent_id") is not None:
        return None
    return (allowed, basis, reasons, citations, *context.items())


def _shared(key: tuple[object, ...] | None) -> Decision | None:
    if key is None:
        return None
    try:
        return _SHARED.get(key)
    except TypeError:  # something unhashable: built anew, never kept
        return None


def _share(key: tuple[object, ...] | None, decision: Decision) -> Decision:
    if key is not None:
        if len(_SHARED) >= _SHARED_KEPT:
            _SHARED.clear()
        with contextlib.suppress(TypeError):  # unhashable: built anew each time
            _SHARED[key] = decision
    return decision
