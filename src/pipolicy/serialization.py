"""JSON-ready dicts of pipolicy's records, and back, through one cattrs converter.

For applications that send decisions or records across a boundary (an HTTP API, a
message queue, an export): datetimes become ISO 8601 strings with their offset, sets
become sorted lists, enums their string values. Reading back checks every field and
reports every problem with its path, as one :class:`~pipolicy.errors.InvalidInput`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, TypeVar, get_origin

import cattrs
import cattrs.gen
from cattrs.errors import ClassValidationError

from pipolicy.clock import require_aware
from pipolicy.domain.decisions import Decision
from pipolicy.errors import InvalidInput

__all__ = ["from_dict", "to_dict"]

T = TypeVar("T")


def _is_frozenset(t: Any) -> bool:
    return t is frozenset or get_origin(t) is frozenset


_PARAM = str | tuple[str, ...]


def _reason_param(value: Any, _: Any) -> str | tuple[str, ...]:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError("a reason's parameter is a string or a list of strings")


def _make_converter() -> cattrs.Converter:
    c = cattrs.Converter(forbid_extra_keys=True)
    c.register_unstructure_hook(datetime, lambda d: d.isoformat())
    c.register_structure_hook(
        datetime, lambda v, _: require_aware(datetime.fromisoformat(v), "a datetime")
    )
    c.register_unstructure_hook(date, lambda d: d.isoformat())
    c.register_structure_hook(date, lambda v, _: date.fromisoformat(v))
    c.register_unstructure_hook_func(_is_frozenset, lambda s: sorted(s))
    c.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    # JSON payloads (audit payloads, request details) are kept as they are.
    c.register_structure_hook_func(lambda t: t is object, lambda v, _: v)
    # A reason's parameters (Decision.why) are strings or lists of strings.
    c.register_structure_hook_func(lambda t: t == _PARAM, _reason_param)
    # A decision's rule ids are derived from its reasons: written out for machines to
    # read, and ignored when read back (they follow from the reasons again).
    plain = cattrs.gen.make_dict_unstructure_fn(Decision, c)
    c.register_unstructure_hook(Decision, lambda d: {**plain(d), "rules": list(d.rules)})
    structure = cattrs.gen.make_dict_structure_fn(Decision, c, _cattrs_forbid_extra_keys=True)
    c.register_structure_hook(
        Decision,
        lambda v, t: (
            structure({k: x for k, x in v.items() if k != "rules"}, t)
            if isinstance(v, dict)
            else structure(v, t)
        ),
    )
    return c


_CONVERTER = _make_converter()


def to_dict(value: Any) -> dict[str, Any]:
    """A JSON-ready dict of a pipolicy value (Decision, Consent, ProvisionRecord, an
    answer, ...): the one serialiser. A type that defines its own electronic form
    (``Answer.to_dict``, the form a person receives) is written in that form, so the
    two never disagree. A decision carries its ``rules`` (requirement ids)."""
    own = getattr(type(value), "to_dict", None)
    if callable(own):
        result: dict[str, Any] = own(value)
        return result
    out = _lists(_CONVERTER.unstructure(value))
    if not isinstance(out, dict):
        raise InvalidInput(f"to_dict takes a pipolicy record, got {type(value).__name__}")
    return out


def _lists(value: Any) -> Any:
    """Tuples as lists, all the way down: what JSON has (and what a JSON Schema's
    ``array`` means in Python)."""
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    return value


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a record of type ``cls`` from :func:`to_dict`'s output.

    Raises :class:`InvalidInput` naming every field that is missing or malformed; the
    message names fields, never their values.
    """
    try:
        return _CONVERTER.structure(data, cls)
    except ClassValidationError as e:
        where = "; ".join(cattrs.transform_error(e, path=cls.__name__, format_exception=_describe))
        raise InvalidInput(f"cannot read a {cls.__name__}: {where}") from None
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise InvalidInput(f"cannot read a {cls.__name__}: {type(e).__name__}") from None


def _describe(exc: BaseException, type_: Any) -> str:
    # Never the offending value: it may be personal data.
    if isinstance(exc, KeyError):
        return "required field missing"
    return f"invalid value ({type(exc).__name__})"
