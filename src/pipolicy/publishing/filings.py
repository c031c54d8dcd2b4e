"""What a business providing by opt-out has notified and filed with the PPC, and what it
still must (Art. 27(2), (3); R-TPP-8): one line per filing, for the officer who files.

Provision by opt-out starts with a notice to the people and a filing with the PPC; a
change of the items or of how the data is acquired, provided, stopped or kept up to date
is notified and filed *in advance*; its end, and a change of the business's name,
address or representative (Art. 27(2)(i)), *without delay* (遅滞なく). The first three the
policy declares (``OptOut``, ``OptOutChange``, ``OptOutEnd``); the last, and an opt-out a
new version simply drops, show only against the version before (``previous``). The
wording is in ``templates/<lang>/filings.j2``, its date labels in ``labels.j2``.
"""

from __future__ import annotations

from collections.abc import Iterator
from os import PathLike
from typing import Any

from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Policy
from pipolicy.policy.texts import LANGUAGES, text_in
from pipolicy.publishing.dates import format_date
from pipolicy.publishing.templates import TemplateDirs, environment

__all__ = ["CONTROLLER_FIELDS", "opt_out_filings"]

CONTROLLER_FIELDS = ("name", "address", "representative")
"""The business's particulars a provision by opt-out is filed with (Art. 27(2)(i))."""


def opt_out_filings(
    policy: Policy,
    lang: str | None = None,
    *,
    previous: Policy | None = None,
    era: bool = False,
    templates: TemplateDirs | str | PathLike[str] | None = None,
) -> tuple[str, ...]:
    """The filings ``policy``'s provision by opt-out calls for, one line each in ``lang``
    (the policy's default when None): each opt-out's start, changes and end with the days
    they were notified and filed, or that they are not yet. With ``previous``, the version
    it replaces: an opt-out it dropped without an ``end``, and a new name, address or
    representative of the business while it provided by opt-out, each to be notified and
    filed without delay. Raises :class:`~pipolicy.errors.InvalidInput` for a language the
    policy does not publish in, or arguments that are no policies."""
    if not isinstance(policy, Policy) or not isinstance(previous, Policy | None):
        raise InvalidInput("opt_out_filings takes a pp.Policy, and previous=None or a pp.Policy")
    lang = policy.languages[0] if lang is None else lang
    if lang not in policy.languages or lang not in LANGUAGES:
        raise InvalidInput(f"the policy publishes in {list(policy.languages)}, not {lang!r}")

    def day(value: Any) -> str:
        return format_date(value, lang, era=era)

    words: Any = environment(templates).get_template(f"{lang}/filings.j2").make_module({"day": day})
    return tuple(str(line).strip() for line in _lines(words, policy, previous, lang))


def _lines(words: Any, policy: Policy, previous: Policy | None, lang: str) -> Iterator[str]:
    for name, r in policy.recipients.items():
        if r.opt_out is None:
            continue
        title = text_in(r, "title", lang) or name
        o = r.opt_out
        yield words.START(title, o.notified, o.filed)
        for ch in sorted(o.changes, key=lambda ch: ch.revised):
            yield words.CHANGE(title, ch.revised, ch.notified, ch.filed)
        if o.end is not None:
            yield words.END(title, o.end.on, o.end.notified, o.end.filed)
    if previous is None:
        return
    for name, before in previous.recipients.items():
        now = policy.recipients.get(name)
        if (
            before.opt_out is not None
            and before.opt_out.end is None
            and (now is None or now.opt_out is None)
        ):
            title = text_in(now or before, "title", lang) or name
            yield words.DROPPED(title, name, previous.version, policy.version)
    by_opt_out = any(
        r.opt_out is not None and r.opt_out.end is None
        for r in (*previous.recipients.values(), *policy.recipients.values())
    )
    changed = [
        f
        for f in CONTROLLER_FIELDS
        if any(
            text_in(previous.controller, f, language) != text_in(policy.controller, f, language)
            for language in policy.languages
        )
    ]
    if by_opt_out and changed:
        yield words.CONTROLLER(changed, previous.version, policy.version)
