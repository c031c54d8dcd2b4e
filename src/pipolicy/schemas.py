"""JSON Schemas of pipolicy's values, generated from their types (integration: web
frameworks declare response models from them).

``pp.json_schema(pp.Decision)`` describes exactly what ``pp.to_dict`` writes for a
decision (its ``rules`` included); the same for subjects, consents, acquisitions,
provision records, restrictions and requests. Draft 2020-12.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import attrs

from pipolicy.domain.decisions import Decision
from pipolicy.errors import InvalidInput

__all__ = ["json_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON Schema of ``pp.to_dict(value)`` for a value of type ``cls``."""
    if not attrs.has(cls):
        raise InvalidInput(f"json_schema takes a pipolicy record type, not {cls!r}")
    defs: dict[str, Any] = {}
    root = _object(cls, defs)
    return {"$schema": DRAFT, "title": cls.__name__, **root, "$defs": defs}


def _object(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        if not field.init:
            continue
        properties[field.name] = _schema(hints[field.name], defs)
        if field.default is attrs.NOTHING:
            required.append(field.name)
    if cls is Decision:
        properties["rules"] = {"type": "array", "items": {"type": "string"}}
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _schema(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema(a, defs) for a in args]}
    if hint is type(None):
        return {"type": "null"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": "number"}
    if hint is str:
        return {"type": "string"}
    if hint is datetime:
        return {"type": "string", "format": "date-time"}
    if hint is date:
        return {"type": "string", "format": "date"}
    if hint is object or hint is Any:
        return {}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"enum": [m.value for m in hint]}
    if isinstance(hint, type) and attrs.has(hint):
        if hint.__name__ not in defs:
            defs[hint.__name__] = {}  # placeholder against recursion
            defs[hint.__name__] = _object(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    if origin in (frozenset, set):
        return {"type": "array", "items": _schema(args[0], defs), "uniqueItems": True}
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _schema(args[0], defs)}
        return {
            "type": "array",
            "prefixItems": [_schema(a, defs) for a in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin in (Mapping, dict) or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return {"type": "object", "additionalProperties": _schema(args[1], defs) if args else {}}
    raise InvalidInput(f"no JSON Schema for {hint!r}")  # pragma: no cover - a new type
