"""The words of every request text a person reads, from ``<lang>/request_texts.j2``.

Statements, refusal reasons, verification problems, investigation findings and the cells
of answer letters are worded in one Jinja2 template per language, as the privacy notice
is (:mod:`pipolicy.publishing.templates`): Python decides *what* to say (which paragraph,
which ground, which items) and passes the facts; the template holds every word. An
application changes the wording by passing directories that hold its own
``<lang>/request_texts.j2`` (``pp.Engine(policy, templates=...)``, ``answer.to_html(
templates=...)``).

A text is a macro of the template, called with keyword arguments: ``words("fee",
amount=1000)``; a fixed name is an entry of one of its tables: ``words.label("KINDS",
"disclosure")``. Templates get ``day(d)`` (a date, or an ISO date string, as the person
reads it: ``2026年12月2日`` or ``令和8年12月2日``) and ``cite(article)``, the parts of an
article citation such as ``"APPI Art. 33(2)(i)"`` for the template to word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from os import PathLike
from typing import Any

import jinja2

from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Controller
from pipolicy.policy.texts import LANGUAGES, self_reference, text_in
from pipolicy.publishing.dates import format_date
from pipolicy.publishing.templates import Macros, TemplateDirs, environment, template_dirs
from pipolicy.publishing.templates import macro as find_macro

__all__ = ["TEMPLATE", "Wording", "citation", "named", "wording"]

TEMPLATE = "request_texts.j2"
"""The template every request text comes from, in ``<lang>/``."""

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9}
_PART = re.compile(
    r"^(?:Art\. (?P<article>\d+))?(?P<rest>(?:\([0-9ivx]+\))*)(?P<proviso> proviso)?$"
)


def citation(article: str) -> list[dict[str, int | bool | None]]:
    """The parts of a citation: ``"APPI Art. 35(1), (5)"`` is article 35 paragraph 1 and
    article 35 paragraph 5; ``(i)`` and the like are items; ``"(2) proviso"`` is the
    proviso of paragraph 2 (ただし書). Each part is a dict with ``article``,
    ``paragraph``, ``item`` (None where not cited) and ``proviso``; a text that is no
    citation gives no parts."""
    parts: list[dict[str, int | bool | None]] = []
    current: int | None = None
    for chunk in article.removeprefix("APPI ").split(", "):
        m = _PART.match(chunk.strip())
        if m is None:
            return []
        if m["article"]:
            current = int(m["article"])
        if current is None:
            return []
        numbers = re.findall(r"\(([0-9ivx]+)\)", m["rest"])
        paragraph = int(numbers[0]) if numbers and numbers[0].isdigit() else None
        item = _ROMAN.get(numbers[-1]) if numbers and not numbers[-1].isdigit() else None
        parts.append(
            {
                "article": current,
                "paragraph": paragraph,
                "item": item,
                "proviso": bool(m["proviso"]),
            }
        )
    return parts


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class Wording:
    """The macros and tables of ``<lang>/request_texts.j2``, ready to call."""

    def __init__(
        self, lang: str, dirs: tuple[str, ...] = (), era: bool = False, we: str = ""
    ) -> None:
        if lang not in LANGUAGES:
            raise InvalidInput(f"lang must be one of {list(LANGUAGES)}, not {lang!r}")
        self.lang = lang
        self.dirs = dirs
        self.era = era
        self.we = we

        def day(value: date | str) -> str:
            return format_date(_as_date(value), lang, era=era)

        names: dict[str, object] = {"day": day, "cite": citation, "lang": lang}
        if we:  # how the business calls itself ([controller] self_reference); else 当社, we
            names["we"] = we

        def module(where: tuple[str, ...]) -> Any:
            try:
                template = environment(where).get_template(f"{lang}/{TEMPLATE}")
            except jinja2.TemplateNotFound as e:
                raise InvalidInput(f"no template {lang}/{TEMPLATE} in pipolicy or {where}") from e
            return template.make_module(names)

        # The application's copy first, then pipolicy's own: a copy written for an earlier
        # version lacks the texts added since, which keep pipolicy's words (as
        # :func:`~pipolicy.publishing.templates.macro` does for the other templates).
        self._modules: Macros = (module(dirs), module(())) if dirs else (module(()),)

    def __repr__(self) -> str:
        return f"Wording({self.lang!r}, dirs={self.dirs!r}, era={self.era}, we={self.we!r})"

    def __call__(self, name: str, /, **params: object) -> str:
        """The macro ``name`` called with ``params``, without surrounding whitespace."""
        macro = find_macro(self._modules, name)
        if macro is None:
            raise InvalidInput(f"{self.lang}/{TEMPLATE} has no macro {name!r}")
        try:
            return str(macro(**params)).strip()
        except (TypeError, jinja2.TemplateError) as e:
            # A template that does not fit what pipolicy passes (an override written for
            # another version): a configuration error, named, never a storage failure.
            raise InvalidInput(f"{self.lang}/{TEMPLATE}, macro {name!r}: {e}") from e

    def label(self, table: str, key: str) -> Any:
        """The entry ``key`` of the template's table ``table`` (``KINDS``, ``TABLES``...)."""
        for module in self._modules:
            entries = getattr(module, table, None)
            if isinstance(entries, Mapping) and key in entries:
                return entries[key]
        raise InvalidInput(f"{self.lang}/{TEMPLATE} has no {table}[{key!r}]")


@functools.lru_cache(maxsize=32)
def _cached(lang: str, dirs: tuple[str, ...], era: bool, we: str) -> Wording:
    return Wording(lang, dirs, era, we)


def wording(
    lang: str,
    templates: TemplateDirs | str | PathLike[str] | None = None,
    *,
    era: bool = False,
    controller: Controller | None = None,
) -> Wording:
    """The wording in ``lang``, looking in ``templates`` first (see the module doc), in
    which the business calls itself as ``controller`` says (本会 for a society)."""
    we = self_reference(controller, lang) if controller else ""
    return _cached(lang, template_dirs(templates), era, we)


def named(entities: Mapping[str, object], names: Iterable[str], lang: str) -> list[dict[str, str]]:
    """``names`` (sorted) with their titles in ``lang``, for a template to word: the
    title where the policy declares the name, else the name itself."""
    out = []
    for n in sorted(names):
        entity = entities.get(n)
        title = text_in(entity, "title", lang) if entity is not None else ""
        out.append({"name": n, "title": str(title or n)})
    return out
