"""R-REQ-1, R-REQ-5, R-REQ-7: an item a deletion could not erase because a law keeps it
has its use suspended and is retained to meet that duty only. A purpose notification
(Art. 32(2)) and a disclosure (Art. 33(1)) then say so: naming the purposes it was
collected for would tell the person it still serves them."""

from __future__ import annotations

import json

import attrs

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import TAX_DUTY, verified

K = pp.RequestKind


def deleted(engine: pp.Engine, person: pp.Subject) -> None:
    answer = engine.requests.fulfil(verified(engine, K.DELETION, person).id)
    assert [r.item for r in answer.retained] == ["invoice"]  # the tax law keeps it


def test_r_req_1_an_item_kept_only_by_law_is_notified_with_its_duty_not_its_purposes(
    engine: pp.Engine, person: pp.Subject
) -> None:
    deleted(engine, person)

    answer = engine.requests.fulfil(verified(engine, K.PURPOSE_NOTIFICATION, person).id)

    assert answer.state is pp.RequestState.FULFILLED  # held: never "we hold none"
    report = json.loads(answer.to_json())["report"]
    assert report["purposes"] == []
    assert report["kept_under_duty"] == [
        {"item": "invoice", "title": "Invoices", "reason": TAX_DUTY}
    ]
    assert "To deliver what the customer ordered" not in answer.statement
    assert "only because laws and regulations oblige us to" in answer.statement
    assert TAX_DUTY in answer.statement
    assert TAX_DUTY in answer.to_markdown()  # the letter's table too


def test_r_req_1_other_items_keep_their_purposes_beside_the_kept_one(
    engine: pp.Engine, person: pp.Subject
) -> None:
    engine.requests.fulfil(
        verified(engine, K.DELETION, person, details={"items": ["invoice", "address"]}).id
    )

    answer = engine.requests.fulfil(verified(engine, K.PURPOSE_NOTIFICATION, person).id)

    report = json.loads(answer.to_json())["report"]
    [service] = report["purposes"]
    assert (service["name"], service["items"]) == ("service", ["email", "name"])
    assert [k["item"] for k in report["kept_under_duty"]] == ["invoice"]
    assert "To deliver what the customer ordered" in answer.statement


def test_r_req_1_a_plain_suspension_of_use_keeps_the_purposes(
    engine: pp.Engine, person: pp.Subject
) -> None:
    # Suspended, but no deletion made the duty the only reason to keep it.
    engine.requests.fulfil(
        verified(engine, K.SUSPENSION_OF_USE, person, details={"items": ["email"]}).id
    )

    answer = engine.requests.fulfil(verified(engine, K.PURPOSE_NOTIFICATION, person).id)

    report = json.loads(answer.to_json())["report"]
    assert report["kept_under_duty"] == []
    assert "email" in report["purposes"][0]["items"]


def test_r_req_5_a_disclosure_gives_the_kept_item_its_duty(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    deleted(engine, person)

    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)

    report = json.loads(answer.to_json())["report"]
    [invoice] = report["items"]
    assert (invoice["item"], invoice["purposes"], invoice["kept_under_duty"]) == (
        "invoice",
        [],
        TAX_DUTY,
    )
    assert report["purposes"] == []
    assert TAX_DUTY in answer.statement


def test_r_req_1_the_kept_item_is_notified_in_japanese(
    store: pp.Store, clock: pp.FixedClock
) -> None:
    policy = pp.example_policy("indigo_blue")
    duty = "会社法により10年間保存します"
    org = policy.items["organization"]
    english = {**org.translations["en"], "legal_retention": "kept 10 years by law"}
    org = attrs.evolve(org, legal_retention=duty, translations={"en": english})
    policy = attrs.evolve(policy, items={**policy.items, "organization": org})
    engine = pp.Engine(policy, store=store, clock=clock)
    engine.register_source("crm", MemorySource())
    s = engine.register_subject("customer-1")
    engine.grant_consent(s, purpose="service")
    engine.acquire(s, items={"name", "organization"}, purposes={"service"}, channel="web")
    engine.requests.fulfil(verified(engine, K.DELETION, s).id)

    answer = engine.requests.fulfil(verified(engine, K.PURPOSE_NOTIFICATION, s).id)

    assert "法令により当社に保存が義務付けられているためにのみ保存しており" in answer.statement
    assert duty in answer.statement
