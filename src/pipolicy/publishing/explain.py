"""A decision's reasons as a person reads them, in Japanese or English, from templates.

``Decision.reasons`` are English sentences written for the audit log and for developers.
:func:`explain` words the same reasons for the person the decision is about, from the
macros of ``<lang>/reasons.j2``: each :class:`~pipolicy.domain.decisions.Reason` of
``Decision.why`` is the macro of its ``key``, called with its parameters. Names the
policy declares arrive as ``{"name": ..., "title": ...}`` (the title in that language),
so a Japanese sentence shows 「メールアドレス」, never ``email``; the English template
names them as the English reasons always have, and gives those reasons back word for
word. Templates also get ``day(iso_date)`` and ``we`` (how the business calls itself,
``[controller] self_reference``).

Checks never render anything: a decision carries strings and tuples, and words are chosen
here, when an application asks.

A decision without ``why`` (built by hand, or read from JSON written before reasons had
keys) is explained from its English reasons: in English, the reasons themselves; in
Japanese, the template's ``RULES`` sentence for each requirement id the reasons name,
``BASES[basis]`` for an allowed one that names none, else ``DENIED``. A key the template
has no macro for is explained the same way, reason by reason.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from datetime import date
from os import PathLike
from typing import Any

import jinja2

from pipolicy.domain.decisions import _RULE_ID, Decision, Reason
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Policy
from pipolicy.policy.texts import self_reference, text_in
from pipolicy.publishing.dates import format_date
from pipolicy.publishing.templates import TemplateDirs, environment, template_dirs
from pipolicy.rules.reasons import NAMED

__all__ = ["TEMPLATE", "explain", "reason_keys"]

TEMPLATE = "reasons.j2"
"""The template reasons are worded from, in ``<lang>/``."""


def explain(
    decision: Decision,
    policy: Policy,
    lang: str | None = None,
    *,
    templates: TemplateDirs | str | PathLike[str] | None = None,
    era: bool = False,
) -> tuple[str, ...]:
    """``decision``'s reasons in ``lang`` (one of ``policy.languages``; its default when
    None), for the person it is about: one text per reason, in order.

    In English, a decision the rules made is explained in exactly its ``reasons``.
    ``templates`` is a directory (or several) whose ``<lang>/reasons.j2`` replaces
    pipolicy's; ``era`` dates Japanese texts 令和8年4月1日. Raises
    :class:`~pipolicy.errors.InvalidInput` for a language the policy does not publish in,
    or a template whose macro does not fit its reason.
    """
    if not isinstance(policy, Policy):
        raise InvalidInput("explain takes the decision and the pp.Policy it was made under")
    lang = policy.languages[0] if lang is None else lang
    if lang not in policy.languages:
        raise InvalidInput(
            f"the policy publishes in {list(policy.languages)}, not {lang!r}: add the "
            "language to [policy] languages, with its texts"
        )
    we = self_reference(policy.controller, lang)
    words = _words(lang, _absolute(templates), era, we)
    if len(decision.why) != len(decision.reasons):
        if lang == "en":
            return decision.reasons
        found = (words.fallback(decision, tuple(_RULE_ID.findall(r))) for r in decision.reasons)
        return tuple(dict.fromkeys(found))
    return tuple(
        words.word(reason, text, decision, policy, lang)
        for text, reason in zip(decision.reasons, decision.why, strict=True)
    )


def reason_keys(
    lang: str, templates: TemplateDirs | str | PathLike[str] | None = None
) -> frozenset[str]:
    """The reason keys ``<lang>/reasons.j2`` has a macro for (in ``templates`` first): to
    check that a template of one's own words every reason pipolicy gives."""
    return _words(lang, _absolute(templates), False, "").keys


def _absolute(templates: TemplateDirs | str | PathLike[str] | None) -> tuple[str, ...]:
    """The template directories as absolute paths: the words are cached by them."""
    return tuple(os.path.abspath(d) for d in template_dirs(templates))


class _Words:
    """The macros and tables of one ``<lang>/reasons.j2``."""

    def __init__(self, lang: str, dirs: tuple[str, ...], era: bool, we: str) -> None:
        self.lang = lang

        def day(value: date | str) -> str:
            return format_date(date.fromisoformat(str(value)[:10]), lang, era=era)

        try:
            template = environment(dirs).get_template(f"{lang}/{TEMPLATE}")
        except jinja2.TemplateNotFound as e:
            raise InvalidInput(f"no template {lang}/{TEMPLATE} in pipolicy or {dirs}") from e
        names: dict[str, object] = {"day": day, "lang": lang}
        if we:  # how the business calls itself ([controller] self_reference); else 当社, we
            names["we"] = we
        self.module = template.make_module(names)
        self.macros: dict[str, jinja2.runtime.Macro] = {
            name: value
            for name, value in vars(self.module).items()
            if isinstance(value, jinja2.runtime.Macro)
        }
        self.keys = frozenset(self.macros)

    def word(self, reason: Reason, text: str, decision: Decision, policy: Policy, lang: str) -> str:
        macro = self.macros.get(reason.key)
        if macro is None:
            return text if self.lang == "en" else self.fallback(decision, reason.rules)
        facts = _facts(reason.params, policy, lang)
        if not macro.catch_kwargs:
            facts = {k: v for k, v in facts.items() if k in macro.arguments}
        try:
            return str(macro(**facts)).strip()
        except (TypeError, jinja2.TemplateError) as e:
            raise InvalidInput(f"{self.lang}/{TEMPLATE}, macro {reason.key!r}: {e}") from e

    def fallback(self, decision: Decision, rules: tuple[str, ...]) -> str:
        """The sentence for a reason without a macro, from the requirements it names."""
        table = self._table("RULES")
        for rule in rules:
            if rule in table:
                return str(table[rule])
        if decision.allowed and decision.basis is not None:
            bases = self._table("BASES")
            if decision.basis.value in bases:
                return str(bases[decision.basis.value])
        return str(getattr(self.module, "DENIED", "")) or decision.reasons[0]

    def _table(self, name: str) -> Mapping[str, Any]:
        found = getattr(self.module, name, None)
        return found if isinstance(found, Mapping) else {}


@functools.lru_cache(maxsize=32)
def _words(lang: str, dirs: tuple[str, ...], era: bool, we: str) -> _Words:
    return _Words(lang, dirs, era, we)


def _facts(
    params: Mapping[str, str | tuple[str, ...]], policy: Policy, lang: str
) -> dict[str, Any]:
    """A reason's parameters for its macro: declared names with their titles in ``lang``."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        table = NAMED.get(key)
        if table is None:
            out[key] = value
            continue
        entities: Mapping[str, object] = getattr(policy, table)
        if isinstance(value, str):
            out[key] = _named(entities, value, lang)
        else:
            out[key] = [_named(entities, name, lang) for name in value]
    return out


def _named(entities: Mapping[str, object], name: str, lang: str) -> dict[str, str]:
    entity = entities.get(name)
    title = text_in(entity, "title", lang) if entity is not None else ""
    return {"name": name, "title": str(title or name)}
