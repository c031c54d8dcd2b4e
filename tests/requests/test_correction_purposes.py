"""R-REQ-6: a correction adds contents only "to the extent necessary to achieve the
purposes of use" (Art. 34(2)). An item no purpose of the person's data needs is not
added: adding it would be acquiring data beyond the purposes (Arts. 17, 18), and for
special care-required data without the person's prior consent (Art. 20(2))."""

from __future__ import annotations

import json

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import REF, VALUES, passport, verified

K = pp.RequestKind
PHONE = "03-1234-5678"
ALLERGY = "pollen allergy"


def test_r_req_6_an_item_no_purpose_of_the_person_needs_is_not_added(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    # The person's data is held for "service"; only "health" (consent first, never
    # given) uses the medical history.
    r = verified(
        engine,
        K.CORRECTION,
        person,
        details={"changes": {"phone": PHONE, "medical_history": ALLERGY}},
    )

    answer = engine.requests.fulfil(r.id)

    assert "medical_history" not in crm.get(REF)
    assert crm.get(REF)["phone"] == PHONE  # within "service": added
    assert answer.changes == {"medical_history": "beyond_purposes", "phone": "added"}
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert "Art. 34(2)" in answer.statement
    assert "medical_history" in answer.statement
    assert ALLERGY not in answer.to_json()
    [outcome] = answer.sources
    assert dict(outcome.items) == {"phone": "added"}  # the source never saw the history


def test_r_req_6_a_correction_asking_only_beyond_the_purposes_is_refused_in_writing(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": {"medical_history": ALLERGY}})

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    assert crm.get(REF) == VALUES  # nothing changed
    assert "Art. 34(2)" in answer.statement
    refused = [e for e in engine.audit_events() if e.kind == "request.refused"]
    assert refused[-1].payload["ground"] == "beyond_purposes"


def test_r_req_6_a_refusal_beyond_the_purposes_also_names_what_is_not_held(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    # Nothing to do: the phone number to delete is not held, the history not needed.
    r = verified(
        engine,
        K.CORRECTION,
        person,
        details={"changes": {"phone": None, "medical_history": ALLERGY}},
    )

    answer = engine.requests.fulfil(r.id)

    assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    assert "(medical_history) are needed by none of the purposes" in answer.statement
    assert "We do not retain the following items you named" in answer.statement
    assert "Phone number" in answer.statement
    assert crm.get(REF) == VALUES


def test_r_req_6_the_refusal_is_worded_in_japanese(store: pp.Store, clock: pp.FixedClock) -> None:
    # indigo_blue publishes in Japanese first; the person's data serves "service" only.
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=store, clock=clock)
    engine.register_source("crm", MemorySource())
    s = engine.register_subject(REF)
    engine.grant_consent(s, purpose="service")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    r = engine.requests.submit(
        K.CORRECTION, subject=s, documents=[passport()], details={"changes": {"hobbies": "囲碁"}}
    )
    r = engine.requests.verify(r.id)

    answer = engine.requests.fulfil(r.id)

    assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    assert "利用目的の達成に必要な範囲" in answer.statement
    assert "第34条第2項" in answer.statement


def test_r_req_6_an_item_a_source_already_holds_is_corrected_whatever_the_purposes(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    # Migrated data pipolicy has no record of: correcting it makes held data accurate,
    # it adds nothing.
    crm.put(REF, {**VALUES, "medical_history": "none"})
    r = verified(engine, K.CORRECTION, person, details={"changes": {"medical_history": ALLERGY}})

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"medical_history": "corrected"}
    assert crm.get(REF)["medical_history"] == ALLERGY


def test_r_req_6_an_item_a_purpose_the_person_consented_to_needs_is_added(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    engine.grant_consent(person, purpose="health")
    engine.acquire(person, items={"name"}, purposes={"health"}, channel="web")
    r = verified(engine, K.CORRECTION, person, details={"changes": {"medical_history": ALLERGY}})

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"medical_history": "added"}
    assert crm.get(REF)["medical_history"] == ALLERGY


def test_r_req_4_a_correction_is_refused_beyond_the_purposes_by_hand_only_if_true(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    within = verified(
        engine,
        K.CORRECTION,
        person,
        details={"changes": {"email": "x@example.jp", "medical_history": ALLERGY}},
    )
    beyond = verified(engine, K.CORRECTION, person, details={"changes": {"medical_history": ""}})

    with pytest.raises(pp.InvalidInput, match=r"need email \(APPI Art\. 34\(2\)\)"):
        engine.requests.refuse(within.id, ground="beyond_purposes", explanation="Not needed.")
    answer = engine.requests.refuse(
        beyond.id, ground="beyond_purposes", explanation="The shop keeps no medical records."
    )

    assert engine.requests.get(within.id).state is pp.RequestState.VERIFIED
    assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    assert "APPI Art. 34(2)" in answer.statement
    assert json.loads(answer.to_json())["ground"] == "beyond_purposes"
    assert crm.get(REF) == VALUES


def test_r_req_6_after_a_deletion_kept_only_by_law_nothing_is_added(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    # The deletion erased all but the invoice, which the tax law keeps with its use
    # suspended: the person's data serves no purpose any more (the purpose notification
    # names none), so a phone number "for the service" is needed by none.
    engine.requests.fulfil(verified(engine, K.DELETION, person).id)
    r = verified(engine, K.CORRECTION, person, details={"changes": {"phone": PHONE}})

    answer = engine.requests.fulfil(r.id)

    assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    assert "phone" not in crm.get(REF)


def test_r_req_4_a_correction_that_adds_nothing_is_not_refused_beyond_the_purposes(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    # Deleting an item not held adds nothing: "the contents you asked us to add go
    # beyond the purposes" would be untrue (the answer is that it is not held).
    deleting = verified(
        engine, K.CORRECTION, person, details={"changes": {"medical_history": None}}
    )
    with pytest.raises(pp.InvalidInput, match="adds nothing"):
        engine.requests.refuse(deleting.id, ground="beyond_purposes", explanation="Not needed.")
    assert engine.requests.get(deleting.id).state is pp.RequestState.VERIFIED
