"""Input checks shared by the domain types and the engine.

Bad input gets an :class:`~pipolicy.errors.InvalidInput` that says what was expected,
never a bare ``TypeError`` from deep inside, and never the offending value itself (it
may be personal data): only its type.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from pipolicy.errors import InvalidInput

__all__ = [
    "a_date",
    "a_name",
    "json_copy",
    "member",
    "name",
    "name_set",
    "names",
    "one_of",
    "statement",
    "text",
]

E = TypeVar("E", bound=enum.Enum)


def member(kind: type[E], value: object, what: str) -> E:
    """``value`` as a member of the enumeration ``kind`` (members or their string values)."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(str(m.value) for m in kind)
        raise InvalidInput(f"unknown {what}: use a pp.{kind.__name__} member ({choices})") from None


def name(value: object, what: str) -> str:
    """A non-empty string naming something (a purpose, a recipient, an id)."""
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{what} must be a non-empty string, got {type(value).__name__}")
    return value


def statement(value: object, what: str, hint: str = "") -> str:
    """A required free-text statement (a reason, a justification), stripped."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} is required: give it as a non-empty string{hint}")
    return value.strip()


def names(value: object, what: str, *, required: bool = True) -> frozenset[str]:
    """A set of names from a string or an iterable of strings."""
    if value is None:
        value = ()
    if isinstance(value, str):
        value = (value,)
    if not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise InvalidInput(f"{what} must be a set of names, got {type(value).__name__}")
    found = frozenset(value)
    if required and not found:
        raise InvalidInput(f"{what} is empty: name at least one")
    if not all(isinstance(n, str) and n for n in found):
        raise InvalidInput(f"{what} must be non-empty strings")
    return found


def json_copy(value: object, what: str) -> Any:
    """A detached copy of ``value`` as plain JSON, refusing what JSON would silently change
    or drop (NaN and infinities, non-string keys, other types), so every backend stores
    exactly what it was given."""

    def check(v: object, depth: int) -> None:
        if depth > 64:
            raise InvalidInput(f"{what} is nested too deeply to be JSON-ready")
        if v is None or isinstance(v, (str, bool, int)):
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
                check(x, depth + 1)
            return
        raise InvalidInput(
            f"{what} must be JSON-ready (str, int, finite float, bool, None, lists and dicts "
            f"with string keys), not a {type(v).__name__}"
        )

    check(value, 0)
    return json.loads(json.dumps(value))


def _field(attribute: Any) -> str:
    return str(getattr(attribute, "name", "value"))


def text(_: object, attribute: Any, value: Any) -> None:
    """attrs validator: a string (possibly empty)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{_field(attribute)} must be a string, got {type(value).__name__}")


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
        if value not in allowed:
            raise InvalidInput(f"{_field(attribute)} must be one of {sorted(allowed)}")

    return check


def a_name(_: object, attribute: Any, value: Any) -> None:
    """attrs validator: a non-empty string."""
    name(value, _field(attribute))


def name_set(value: Any) -> frozenset[str]:
    """attrs converter: a possibly empty set of names."""
    return names(value, "names", required=False)
