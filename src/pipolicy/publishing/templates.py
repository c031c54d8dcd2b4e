"""The Jinja2 environment every text for a person is rendered in.

Templates are found by name, ``<lang>/<template>``: first in the directories an
application passes (to change wording without forking pipolicy), then in the package.
HTML templates (``*.html.j2``) escape every value; Markdown ones escape the characters
Markdown gives meaning to, through the ``md`` filter (``md_words`` in letters, which
leaves an underscore inside a word alone).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date
from os import PathLike
from typing import Any

import jinja2
import jinja2.runtime

from pipolicy.errors import InvalidInput
from pipolicy.policy.texts import LANGUAGES
from pipolicy.publishing.dates import format_date

__all__ = [
    "Macros",
    "TemplateDirs",
    "environment",
    "labels",
    "macro",
    "macros",
    "render",
    "template_dirs",
]

TemplateDirs = Sequence[str | PathLike[str]]

Macros = tuple[Any, ...]
"""The modules of one template whose macros word texts, in order (:func:`macros`)."""


def _markdown(value: object) -> str:
    """A value as Markdown text: characters that would start markup are escaped, and a
    table cell's bar and line breaks cannot break the table."""
    text = str(value)
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


_MARKUP = re.compile(r"[\\`*\[\]<>|#]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def _markdown_words(value: object) -> str:
    """As :func:`_markdown`, but an underscore inside a word (``harm_to_person``), which
    starts no emphasis in CommonMark, is left as it is: letters quote such identifiers,
    and the Markdown a person may read raw should show them as they are."""
    return _MARKUP.sub(lambda m: "\\" + m.group(0), str(value)).replace("\n", " ")


def _label(key: str, table: dict[str, str]) -> str:
    """``key``'s name in ``table`` (a template's labels); a missing name is a bug."""
    return table[key]


def _autoescape(name: str | None) -> bool:
    return name is not None and ".html" in name


@functools.lru_cache(maxsize=16)
def _cached(dirs: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                *(jinja2.FileSystemLoader(d) for d in dirs),
                jinja2.PackageLoader("pipolicy", "templates"),
            ]
        ),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _markdown
    env.filters["md_words"] = _markdown_words
    env.filters["label"] = _label
    env.filters["quoted"] = repr  # an identifier as code shows it: 'newsletter'
    return env


def template_dirs(templates: TemplateDirs | str | PathLike[str] | None) -> tuple[str, ...]:
    """``templates`` as a tuple of directory names: one directory, several, or none."""
    if templates is None:
        return ()
    if isinstance(templates, (str, PathLike)):
        return (str(templates),)
    if isinstance(templates, Sequence) and all(isinstance(d, (str, PathLike)) for d in templates):
        return tuple(str(d) for d in templates)
    raise InvalidInput("templates must be a directory, a list of directories, or None")


def environment(templates: TemplateDirs | str | PathLike[str] | None = None) -> jinja2.Environment:
    """The environment, looking in ``templates`` (a directory, or several) first."""
    return _cached(template_dirs(templates))


def labels(lang: str) -> Any:
    """pipolicy's ``<lang>/labels.j2`` as a module, for Python that words a text itself
    (lint): its tables are then the one spelling of a name, as in every template."""
    if lang not in LANGUAGES:
        raise InvalidInput(f"lang must be one of {list(LANGUAGES)}, not {lang!r}")
    return environment().get_template(f"{lang}/labels.j2").make_module()


def render(
    name: str,
    lang: str,
    context: dict[str, object],
    *,
    era: bool = False,
    templates: TemplateDirs | str | PathLike[str] | None = None,
) -> str:
    """Render ``<lang>/<name>`` with ``context``; dates through ``date`` in ``lang``."""
    if lang not in LANGUAGES:
        raise InvalidInput(f"lang must be one of {list(LANGUAGES)}, not {lang!r}")

    def day(value: date) -> str:
        return format_date(value, lang, era=era)

    env = environment(templates)
    try:
        template = env.get_template(f"{lang}/{name}")
    except jinja2.TemplateNotFound as e:
        raise InvalidInput(f"no template {lang}/{name} in pipolicy or the given directories") from e
    return template.render(**context, day=day, lang=lang)


def macros(name: str, lang: str, templates: TemplateDirs | str | PathLike[str] | None) -> Macros:
    """The modules of ``<lang>/<name>``: the one found in ``templates`` first, then
    pipolicy's own. An application's copy may word only some texts, or predate a macro
    pipolicy added since: the others keep pipolicy's words (:func:`macro`). Each module
    is given ``day`` (a date in ``lang``) and ``lang``, as :func:`render` gives them."""

    def day(value: date) -> str:
        return format_date(value, lang)

    def module(where: TemplateDirs | str | PathLike[str] | None) -> Any:
        try:
            template = environment(where).get_template(f"{lang}/{name}")
        except jinja2.TemplateNotFound as e:
            raise InvalidInput(f"no template {lang}/{name} in pipolicy or {where}") from e
        return template.make_module({"day": day, "lang": lang})

    return (module(templates), module(None)) if templates else (module(None),)


def macro(modules: Macros, name: str) -> jinja2.runtime.Macro | None:
    """The macro ``name`` of the first of ``modules`` (:func:`macros`) that defines it;
    None when none does."""
    found = (getattr(m, name, None) for m in modules if name)
    return next((m for m in found if isinstance(m, jinja2.runtime.Macro)), None)
