"""Input checks shared by the domain types and the engine.

Bad input gets an :class:`~pipolicy.errors.InvalidInput` that says what was expected,
never a bare ``TypeError`` from deep inside, and never the offending value itself (it
may be personal data): only its type.

Every string that reaches a record or the audit log is checked the same way, so the
in-memory and the SQL backends accept exactly the same input:

- no NUL character (``"\\x00"``: SQLite's C API and PostgreSQL cut or refuse it) and no
  lone surrogate (``"\\ud800"``: it cannot be encoded as UTF-8, so it cannot be stored);
- names (a purpose, a recipient, an item, a subject's ref or id, a consent id, an
  actor, a channel) are non-empty and at most :data:`MAX_NAME` (200) characters;
- free text (a reason, a justification, an explanation, an evidence reference, an
  acquisition's source) is at most :data:`MAX_TEXT` (2,000) characters;
- a set of names holds at most :data:`MAX_NAMES` (1,000) hashable strings;
- JSON values (request details, correction values) nest at most 64 deep and hold
  integers within 64 bits.
"""

from __future__ import annotations

import enum
import itertools
import json
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any, TypeVar

from pipolicy.clock import instant
from pipolicy.errors import InvalidInput

__all__ = [
    "MAX_NAME",
    "MAX_NAMES",
    "MAX_TEXT",
    "a_date",
    "a_name",
    "clean_text",
    "json_copy",
    "json_ready",
    "member",
    "moment",
    "name",
    "name_set",
    "names",
    "one_of",
    "statement",
    "text",
]

E = TypeVar("E", bound=enum.Enum)

MAX_NAME = 200
"""Longest name accepted: purposes, recipients, items, refs, ids, actors, channels."""

MAX_TEXT = 2_000
"""Longest free text accepted: reasons, justifications, explanations, references."""

MAX_NAMES = 1_000
"""Most names accepted in one set (``items=``, ``purposes=``, roles)."""

_INT64 = 2**63


def _unstorable(value: str) -> str | None:
    """Why ``value`` cannot be stored as given, or ``None``."""
    if "\x00" in value:
        return "contains a NUL character (\\x00)"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "contains a lone surrogate (such as \\ud800): pass valid Unicode text"
    return None


def clean_text(
    value: object, what: str, *, limit: int = MAX_TEXT, empty: bool = True, hint: str = ""
) -> str:
    """A string of at most ``limit`` characters, without NUL or lone surrogates.

    ``empty=False`` also refuses the empty string. The value is returned as given.
    """
    if not isinstance(value, str):
        raise InvalidInput(f"{what} must be a string{hint}, got {type(value).__name__}")
    if not value and not empty:
        raise InvalidInput(f"{what} must be a non-empty string{hint}")
    if len(value) > limit:
        raise InvalidInput(f"{what} is too long: at most {limit:,} characters")
    why = _unstorable(value)
    if why is not None:
        raise InvalidInput(f"{what} {why}")
    return value


def moment(value: object, what: str) -> datetime:
    """An aware datetime (see :func:`pipolicy.clock.instant`) that can be stored in UTC."""
    at = instant(value, what)  # type: ignore[arg-type]
    try:
        at.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidInput(
            f"{what} is out of range: give a date between years 1 and 9999"
        ) from None
    return at


def member(kind: type[E], value: object, what: str) -> E:
    """``value`` as a member of the enumeration ``kind`` (members or their string values)."""
    try:
        if isinstance(value, kind):
            return value
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise ValueError  # before the enum's own message tries to repr it
        return kind(value)
    except (ValueError, TypeError):
        choices = ", ".join(str(m.value) for m in kind)
        raise InvalidInput(f"unknown {what}: use a pp.{kind.__name__} member ({choices})") from None


def name(value: object, what: str) -> str:
    """A non-empty string naming something (a purpose, a recipient, an id), at most
    :data:`MAX_NAME` characters, without NUL or lone surrogates."""
    if (
        type(value) is str
        and 0 < len(value) <= MAX_NAME
        and value.isascii()
        and "\x00" not in value
    ):
        return value  # the common case (an id, a policy name), decided in a few C calls
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{what} must be a non-empty string, got {type(value).__name__}")
    return clean_text(value, what, limit=MAX_NAME)


def statement(value: object, what: str, hint: str = "") -> str:
    """A required free-text statement (a reason, a justification), stripped; at most
    :data:`MAX_TEXT` characters, without NUL or lone surrogates."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} is required: give it as a non-empty string{hint}")
    return clean_text(value, what).strip()


PLACEHOLDERS = frozenset(
    {
        "na",
        "none",
        "nil",
        "null",
        "tbd",
        "tba",
        "nothing",
        "なし",
        "無し",
        "特になし",
        "特に無し",
        "該当なし",
        "該当無し",
        "不明",
        "未定",
        "省略",
        "別途",
    }
)
"""Words that stand in for a reason without giving one, compared on a text's letters
alone, width-folded and case-folded (``"N/A"`` and ``"Ｎ／Ａ"`` read ``na``)."""


def written_reason(value: object, what: str, article: str = "APPI Art. 36") -> str:
    """A reason the person is told in writing (``article``), as :func:`statement`, that
    says something: at least two letters, of any script (``"虚偽"`` is a reason), and
    not only a placeholder (:data:`PLACEHOLDERS`: ``"-"``, ``"n/a"``, ``"なし"``). A
    floor, not a review of what the reason says; the text is never repeated."""
    text = statement(value, what, f" ({article}: the person is told why)")
    # Letters only, full-width folded to their plain forms (NFKC); the long-vowel mark
    # and the iteration marks are letters to Python but say nothing alone ("ーー").
    folded = unicodedata.normalize("NFKC", text)
    letters = "".join(ch for ch in folded if ch.isalpha() and ch not in "ー々ゝゞヽヾ").casefold()
    if len(letters) < 2 or letters in PLACEHOLDERS:
        raise InvalidInput(
            f"{what} gives no reason: the person is told it in writing ({article}), so "
            "say why in words, not with a placeholder such as '-' or 'n/a'"
        )
    return text


def names(value: object, what: str, *, required: bool = True) -> frozenset[str]:
    """A set of names from a string or an iterable of strings (each as :func:`name`),
    at most :data:`MAX_NAMES` of them."""
    if value is None:
        value = ()
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable) or isinstance(value, (Mapping, bytes, bytearray)):
        raise InvalidInput(f"{what} must be a set of names, got {type(value).__name__}")
    members = list(itertools.islice(value, MAX_NAMES + 1))
    if len(members) > MAX_NAMES:
        raise InvalidInput(f"{what} has too many names: at most {MAX_NAMES:,}")
    if not all(isinstance(n, str) and n for n in members):
        raise InvalidInput(f"{what} must be non-empty strings (a set of names, not nested lists)")
    found = frozenset(members)
    if required and not found:
        raise InvalidInput(f"{what} is empty: name at least one")
    for n in found:
        name(n, what)
    return found


def json_copy(value: object, what: str) -> Any:
    """A detached copy of ``value`` as plain JSON, refusing what JSON would silently change
    or drop (see :func:`json_ready`), so every backend stores exactly what it was given."""
    json_ready(value, what)
    return json.loads(json.dumps(value))


def json_ready(value: object, what: str) -> None:
    """Refuse, naming ``what``, a value JSON storage would silently change or drop: NaN
    and infinities, integers beyond 64 bits, strings with NUL or lone surrogates,
    non-string keys, nesting deeper than 64, and any other type."""

    def check(v: object, depth: int) -> None:
        if depth > 64:
            raise InvalidInput(f"{what} is nested too deeply to be JSON-ready")
        if v is None or isinstance(v, bool):
            return
        if isinstance(v, str):
            why = _unstorable(v)
            if why is not None:
                raise InvalidInput(f"{what} must be JSON-ready: a string {why}")
            return
        if isinstance(v, int):
            if not -_INT64 <= v < _INT64:
                raise InvalidInput(f"{what} must be JSON-ready: integers must fit in 64 bits")
            return
        if isinstance(v, float):
            if v != v or v in (float("inf"), float("-inf")):
                raise InvalidInput(f"{what} must be JSON-ready: it holds a NaN or infinity")
            return
        if isinstance(v, (list, tuple)):
            for x in v:
                check(x, depth + 1)
            return
        if isinstance(v, Mapping):
            for k, x in v.items():
                if not isinstance(k, str):
                    raise InvalidInput(f"{what} must be JSON-ready: its keys must be strings")
                why = _unstorable(k)
                if why is not None:
                    raise InvalidInput(f"{what} must be JSON-ready: a key {why}")
                check(x, depth + 1)
            return
        raise InvalidInput(
            f"{what} must be JSON-ready (str, int, finite float, bool, None, lists and dicts "
            f"with string keys), not a {type(v).__name__}"
        )

    check(value, 0)


def _field(attribute: Any) -> str:
    return str(getattr(attribute, "name", "value"))


def text(_: object, attribute: Any, value: Any) -> None:
    """attrs validator: a string (possibly empty), as :func:`clean_text`."""
    clean_text(value, _field(attribute))


def a_date(_: object, attribute: Any, value: Any) -> None:
    """attrs validator: a calendar date (not a datetime) or None."""
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise InvalidInput(
            f"{_field(attribute)} must be a datetime.date such as date(2030, 1, 31), "
            f"got {type(value).__name__}"
        )


def one_of(allowed: Collection[str]) -> Callable[[object, Any, Any], None]:
    """attrs validator: one of a few fixed strings."""

    def check(_: object, attribute: Any, value: Any) -> None:
        if not isinstance(value, str) or value not in allowed:
            raise InvalidInput(f"{_field(attribute)} must be one of {sorted(allowed)}")

    return check


def a_name(_: object, attribute: Any, value: Any) -> None:
    """attrs validator: a non-empty string."""
    name(value, _field(attribute))


def name_set(value: Any) -> frozenset[str]:
    """attrs converter: a possibly empty set of names."""
    return names(value, "names", required=False)


def flag(value: object, what: str) -> bool:
    """``value``, if it is a bool (``1`` or ``"yes"`` is refused, not guessed at)."""
    if not isinstance(value, bool):
        raise InvalidInput(f"{what} must be True or False")
    return value
