"""JSON Schemas generated from the types describe exactly what pp.to_dict writes, so a
web framework can declare its response models from them (integration: JSON)."""

from __future__ import annotations

from datetime import date
from typing import Any

import jsonschema
import pytest

import pipolicy as pp
from tests.factories import make_engine


def _valid(value: Any) -> dict[str, Any]:
    schema = pp.json_schema(type(value))
    data = pp.to_dict(value)
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(data)
    return schema


def test_every_record_of_a_flow_matches_its_schema() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("json-1", category="customer")
    acq = engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    consent = engine.grant_consent(s, recipient="partner", items={"email"})
    record = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    allowed = engine.check_use(s, purpose="service", items={"email"})
    denied = engine.check_use(s, purpose="newsletter", items={"email"})
    request = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=s,
        documents=[pp.Document(pp.DocumentKind.PASSPORT, date(2025, 1, 1), date(2035, 1, 1))],
    )
    for value in (s, acq, consent, record, allowed, denied, request):
        _valid(value)
    schema = _valid(denied)
    assert "rules" in schema["properties"]  # what to_dict adds for machines


def test_a_schema_refuses_what_to_dict_never_writes() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("json-2", category="customer")
    data = pp.to_dict(engine.check_use(s, purpose="service", items={"email"}))
    schema = pp.json_schema(pp.Decision)
    for bad in ({**data, "allowed": "yes"}, {**data, "basis": "vibes"}, {**data, "extra": 1}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
    with pytest.raises(pp.InvalidInput):
        pp.json_schema(dict)
