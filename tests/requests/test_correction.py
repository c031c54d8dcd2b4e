"""R-REQ-6: corrections (correction, addition, deletion of contents) are applied through
the application's data sources, and the answer states what changed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import REF, VALUES, customer, verified

K = pp.RequestKind
NEW_EMAIL = "hanako.yamada@example.com"


def test_r_req_6_a_correction_is_applied_by_the_source_and_stated(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(
        engine,
        K.CORRECTION,
        person,
        details={"changes": {"email": NEW_EMAIL, "phone": "03-1234-5678", "address": None}},
    )

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert answer.changes == {"email": "corrected", "phone": "added", "address": "deleted"}
    held = crm.get(REF)
    assert held["email"] == NEW_EMAIL
    assert held["phone"] == "03-1234-5678"
    assert "address" not in held
    for title in ("E-mail address", "Phone number", "Postal address"):
        assert title in answer.statement
    assert answer.fee == 0  # R-REQ-9: no fee for a correction
    [outcome] = answer.sources
    assert (outcome.source, outcome.operation, outcome.ok) == ("crm", "correct", True)


def test_r_req_6_correction_values_are_not_kept_once_answered(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": {"email": NEW_EMAIL}})
    answer = engine.requests.fulfil(r.id)

    stored = engine.requests.get(r.id)
    assert "changes" not in stored.details
    assert stored.details["changed_items"] == ["email"]
    kept = json.dumps(
        [stored.details, stored.statement, [dict(e.payload) for e in engine.audit_events()]],
        default=str,
    )
    assert NEW_EMAIL not in kept
    assert NEW_EMAIL not in answer.to_json()


def test_r_req_6_changes_may_be_given_when_fulfilling_instead(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.CORRECTION, person)
    assert "changes" not in engine.requests.get(r.id).details

    answer = engine.requests.fulfil(r.id, changes={"name": "Hanako Sato"})

    assert answer.changes == {"name": "corrected"}
    assert crm.get(REF)["name"] == "Hanako Sato"


def test_r_req_6_a_correction_without_changes_says_how_to_give_them(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.CORRECTION, person)
    with pytest.raises(pp.InvalidInput, match="changes"):
        engine.requests.fulfil(r.id)
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED


def test_r_req_6_unknown_items_cannot_be_corrected(engine: pp.Engine, person: pp.Subject) -> None:
    with pytest.raises(pp.UnknownItem):
        engine.requests.submit(K.CORRECTION, subject=person, details={"changes": {"x": 1}})
    r = verified(engine, K.CORRECTION, person)
    with pytest.raises(pp.UnknownItem):
        engine.requests.fulfil(r.id, changes={"shoe_size": 24})


def test_r_req_6_without_a_source_there_is_nothing_to_correct_through(
    engine: pp.Engine,
) -> None:
    s = customer(engine)
    r = verified(engine, K.CORRECTION, s, details={"changes": {"email": NEW_EMAIL}})
    with pytest.raises(pp.InvalidInput, match="register_source"):
        engine.requests.fulfil(r.id)


def test_r_req_6_deleting_contents_nobody_holds_is_partly_not_retained(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(
        engine, K.CORRECTION, person, details={"changes": {"email": NEW_EMAIL, "phone": None}}
    )
    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.changes == {"email": "corrected", "phone": "not_held"}
    assert "We do not retain the following items you named: Phone number." in answer.statement


def test_r_req_6_a_correction_of_nothing_held_is_refused_as_not_retained(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": {"phone": None}})
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is pp.RefusalGround.NOT_RETAINED

    stranger = engine.register_subject("stranger")
    r = verified(engine, K.CORRECTION, stranger, details={"changes": {"email": NEW_EMAIL}})
    assert engine.requests.fulfil(r.id).ground is pp.RefusalGround.NOT_RETAINED


def test_r_req_6_each_source_applies_what_it_holds(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    shop = MemorySource({REF: {"address": VALUES["address"]}})
    engine.register_source("shop", shop)
    r = verified(engine, K.CORRECTION, person, details={"changes": {"address": "7-8-9 Kyoto"}})

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"address": "corrected"}
    assert crm.get(REF)["address"] == "7-8-9 Kyoto"
    assert shop.get(REF)["address"] == "7-8-9 Kyoto"
    assert {o.source: dict(o.items) for o in answer.sources} == {
        "crm": {"address": "corrected"},
        "shop": {"address": "corrected"},
    }


def test_r_req_6_only_a_correction_takes_changes(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    """Changes given with another kind of request would be silently ignored: the
    application believes it corrected something. They are refused, and nothing is done."""
    r = verified(engine, K.DISCLOSURE, person)
    with pytest.raises(pp.InvalidInput, match="only a correction"):
        engine.requests.fulfil(r.id, changes={"email": NEW_EMAIL})
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    assert crm.get(REF) == VALUES  # nothing changed


def test_r_req_7_a_correction_does_not_bring_back_what_a_deletion_erased(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    # Filed before the deletion, answered after it.
    fix = verified(
        engine, K.CORRECTION, person, details={"changes": {"email": NEW_EMAIL, "name": "H. Sato"}}
    )
    engine.requests.fulfil(verified(engine, K.DELETION, person, details={"items": ["email"]}).id)
    assert "email" not in crm.get(REF)

    answer = engine.requests.fulfil(fix.id)

    assert "email" not in crm.get(REF)  # not "added" back
    assert answer.changes == {"email": "not_held", "name": "corrected"}
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert "added" not in answer.statement
    [outcome] = answer.sources
    assert dict(outcome.items) == {"name": "corrected"}  # the source never saw the e-mail


def test_r_req_7_a_correction_of_nothing_but_erased_items_is_not_retained(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    fix = verified(engine, K.CORRECTION, person, details={"changes": {"email": NEW_EMAIL}})
    engine.requests.fulfil(verified(engine, K.DELETION, person).id)

    answer = engine.requests.fulfil(fix.id)

    assert answer.ground is pp.RefusalGround.NOT_RETAINED
    assert crm.get(REF) == {"invoice": VALUES["invoice"]}  # kept by law, nothing added


def test_r_req_7_an_item_collected_again_after_a_deletion_can_be_corrected(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource, clock: pp.FixedClock
) -> None:
    engine.requests.fulfil(verified(engine, K.DELETION, person, details={"items": ["email"]}).id)
    clock.advance(timedelta(days=1))
    engine.acquire(person, items={"email"}, purposes={"service"}, channel="web")
    crm.put(REF, {"email": "back@example.jp"})

    answer = engine.requests.fulfil(
        verified(engine, K.CORRECTION, person, details={"changes": {"email": NEW_EMAIL}}).id
    )

    assert answer.changes == {"email": "corrected"}
    assert crm.get(REF)["email"] == NEW_EMAIL
