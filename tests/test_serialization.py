"""Records to JSON-ready dicts and back (cattrs), with located, value-free errors."""

from __future__ import annotations

import json
from datetime import date

import pytest

import pipolicy as pp
from tests.factories import make_engine


def test_records_round_trip_through_json() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    acq = engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    consent = engine.grant_consent(
        s, recipient="partner", items={"email"}, evidence=pp.Evidence("form", "f-1")
    )
    record = engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    decision = engine.check_use(s, purpose="newsletter", items={"email"})
    [event, *_] = engine.audit_events()
    request = engine.requests.submit(
        pp.RequestKind.DISCLOSURE,
        subject=s,
        documents=[pp.Document(pp.DocumentKind.PASSPORT, date(2022, 1, 1), date(2032, 1, 1))],
    )
    for value in (s, acq, consent, record, decision, event, request):
        data = json.loads(json.dumps(pp.to_dict(value)))
        assert pp.from_dict(type(value), data) == value
    shape = pp.to_dict(consent)
    assert shape["scope"]["items"] == ["email"]
    assert shape["status"] == "given"
    assert shape["given_at"].endswith("+09:00")


def test_bad_data_names_the_fields_not_the_values() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    data = pp.to_dict(engine.grant_consent(s, purpose="newsletter"))
    data["status"] = "hanako@example.jp"
    del data["given_at"]
    with pytest.raises(pp.InvalidInput) as info:
        pp.from_dict(pp.Consent, data)
    message = str(info.value)
    assert "status" in message and "given_at" in message
    assert "hanako" not in message
    naive = pp.to_dict(engine.grant_consent(s, purpose="newsletter"))
    naive["given_at"] = "2026-04-01T09:00:00"
    with pytest.raises(pp.InvalidInput):
        pp.from_dict(pp.Consent, naive)
    with pytest.raises(pp.InvalidInput):
        pp.to_dict("not a record")
    with pytest.raises(pp.InvalidInput):
        pp.from_dict(pp.Consent, ["not", "a", "dict"])


def test_a_decision_is_written_with_its_rule_ids_and_json_values() -> None:
    import json

    from pipolicy.testing import CONTRACT_START, contract_policy

    engine = pp.Engine(contract_policy(), clock=pp.FixedClock(CONTRACT_START))
    s = engine.register_subject("json-1", category="customer")
    denied = engine.check_use(s, purpose="newsletter", items={"email"})
    out = pp.to_dict(denied)
    assert out["rules"] == list(denied.rules) and out["rules"]
    assert json.loads(json.dumps(out)) == out  # plain JSON: no enum objects left
    assert pp.from_dict(pp.Decision, out) == denied
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    allowed = engine.check_use(s, purpose="service", items={"email"})
    assert pp.to_dict(allowed)["basis"] == "notified_purpose"


def test_an_answer_has_one_json_form() -> None:
    from pipolicy.testing import CONTRACT_START, contract_policy

    engine = pp.Engine(contract_policy(), clock=pp.FixedClock(CONTRACT_START))
    s = engine.register_subject("json-2", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    r = engine.requests.submit(
        pp.RequestKind.PURPOSE_NOTIFICATION,
        subject=s,
        documents=[
            pp.Document(
                pp.DocumentKind.PASSPORT,
                issued=CONTRACT_START.date(),
                expires=CONTRACT_START.date().replace(year=CONTRACT_START.year + 10),
            )
        ],
    )
    engine.requests.verify(r.id)
    answer = engine.requests.fulfil(r.id)
    assert pp.to_dict(answer) == answer.to_dict()
