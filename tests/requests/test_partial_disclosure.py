"""R-REQ-4, R-REQ-5: a disclosure may be withheld in part (APPI Art. 33(2) "all or a
part"), the answer naming what is withheld, on which ground and article, with the
business's explanation (Art. 36); provision records disclosed are the ones Art. 29
demands (Art. 33(5))."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import REF, VALUES, verified

K = pp.RequestKind
G = pp.RefusalGround
POLICE = "Inquiry from the police under Code of Criminal Procedure Art. 197(2)"


def consented_and_police_provisions(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> tuple[pp.ProvisionRecord, pp.ProvisionRecord]:
    engine.grant_consent(person, recipient="partner", items={"name", "email"})
    clock.advance(timedelta(days=1))
    partner = engine.provide(person, recipient="partner", items={"email"}, purpose="service")
    police = engine.provide(
        person,
        recipient="court",
        items={"name", "address"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=POLICE,
    )
    assert partner.required_by_law and not police.required_by_law
    return partner, police


@pytest.mark.parametrize("kind", [K.DISCLOSURE, K.PROVISION_RECORDS])
def test_r_req_5_art_33_5_provision_records_list_only_art_29_records(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject, kind: pp.RequestKind
) -> None:
    partner, police = consented_and_police_provisions(engine, clock, person)

    answer = engine.requests.fulfil(verified(engine, kind, person).id)

    assert answer.state is pp.RequestState.FULFILLED
    assert answer.report is not None
    assert [r["record_id"] for r in answer.report["provision_records"]] == [partner.id]
    assert police.id not in answer.to_json()
    assert "1 record(s)" in answer.statement


def test_r_req_5_art_33_5_only_exempt_provisions_is_no_record_held(
    engine: pp.Engine, person: pp.Subject
) -> None:
    engine.provide(
        person,
        recipient="court",
        items={"name"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=POLICE,
    )
    answer = engine.requests.fulfil(verified(engine, K.PROVISION_RECORDS, person).id)
    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is G.NOT_RETAINED


def test_r_req_4_art_33_2_an_item_withheld_for_harm_is_named_with_its_ground_in_the_answer(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DISCLOSURE, person, method="electronic")
    why = "the address was given by a third party who fears for their safety"
    withheld = engine.requests.withhold(
        r.id, items={"address"}, ground=G.HARM_TO_PERSON, explanation=why
    )
    assert withheld.state is pp.RequestState.VERIFIED
    assert withheld.history[-1][0] == "withheld"

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.report is not None
    assert {i["item"] for i in answer.report["items"]} == {"name", "email", "invoice"}
    [entry] = answer.report["withheld"]
    assert entry == {
        "item": "address",
        "record_id": None,
        "ground": "harm_to_person",
        "article": "APPI Art. 33(2)(i)",
        "explanation": why,
    }
    [w] = answer.withheld
    assert (w.item, w.ground, w.article) == ("address", G.HARM_TO_PERSON, "APPI Art. 33(2)(i)")
    for text in (answer.statement, answer.to_markdown(), answer.to_html(), answer.to_json()):
        assert "address" in text
        assert "harm_to_person" in text if text.startswith("{") else "could harm the life" in text
        assert "APPI Art. 33(2)(i)" in text
        assert "fears for their safety" in text
        assert str(VALUES["address"]) not in text  # the value withheld never appears
    assert str(VALUES["email"]) in answer.to_json()  # the rest is disclosed
    assert "3 item(s) (E-mail address, Invoices, Name)" in answer.statement
    assert json.loads(answer.to_json())["withheld"][0]["item"] == "address"


def test_r_req_4_art_33_2_withholding_is_recorded_and_audited_without_values(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    engine.requests.withhold(
        r.id, items=["email"], ground="business_hindrance", explanation="an ongoing audit"
    )
    answer = engine.requests.fulfil(r.id)

    stored = engine.requests.get(r.id)
    assert stored.state is pp.RequestState.PARTIALLY_FULFILLED
    assert [w["item"] for w in stored.details["withheld"]] == ["email"]  # type: ignore[attr-defined]
    events = {e.kind: dict(e.payload) for e in engine.audit_events()}
    assert events["request.withheld"]["items"] == ["email"]
    assert events["request.withheld"]["ground"] == "business_hindrance"
    assert events["request.fulfilled"]["withheld_items"] == ["email"]
    kept = json.dumps([stored.details, stored.statement, list(events.values())], default=str)
    for value in VALUES.values():
        assert str(value) not in kept
    # The answer rebuilt from what is stored still names what was withheld.
    assert engine.requests.answer(r.id).withheld == answer.withheld


def test_r_req_4_art_33_2_a_provision_record_can_be_withheld(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    partner, _ = consented_and_police_provisions(engine, clock, person)
    engine.grant_consent(person, recipient="partner", items={"name"})
    second = engine.provide(person, recipient="partner", items={"name"}, purpose="service")
    r = verified(engine, K.PROVISION_RECORDS, person)

    engine.requests.withhold(
        r.id, records={second.id}, ground=G.VIOLATION_OF_LAW, explanation="a court order"
    )
    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.report is not None
    assert [x["record_id"] for x in answer.report["provision_records"]] == [partner.id]
    assert second.id in answer.statement
    assert "APPI Art. 33(5), Art. 33(2)(iii)" in answer.statement
    assert "a court order" in answer.to_markdown()


def test_r_req_4_art_33_2_withholding_needs_an_art_33_2_ground_and_an_explanation(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    _, police = consented_and_police_provisions(engine, clock, person)
    r = verified(engine, K.DISCLOSURE, person)
    w = engine.requests.withhold
    for ground in (G.NOT_RETAINED, G.IDENTITY_UNCONFIRMED, G.LEGAL_RETENTION):
        with pytest.raises(pp.InvalidInput, match=r"Art\. 33\(2\)"):
            w(r.id, items={"email"}, ground=ground, explanation="see our letter")
    with pytest.raises(pp.InvalidInput, match="explanation"):
        w(r.id, items={"email"}, ground=G.HARM_TO_PERSON, explanation="  ")
    with pytest.raises(pp.InvalidInput):
        w(r.id, ground=G.HARM_TO_PERSON, explanation="see our letter")  # nothing named
    with pytest.raises(pp.UnknownItem):
        w(r.id, items={"shoe_size"}, ground=G.HARM_TO_PERSON, explanation="see our letter")
    with pytest.raises(pp.InvalidInput, match="no record of provision or receipt"):
        w(r.id, records={"nope"}, ground=G.HARM_TO_PERSON, explanation="see our letter")
    with pytest.raises(pp.InvalidInput, match=r"Art\. 29"):
        w(r.id, records={police.id}, ground=G.HARM_TO_PERSON, explanation="see our letter")
    records = verified(engine, K.PROVISION_RECORDS, person)
    with pytest.raises(pp.InvalidInput, match="records"):
        w(records.id, items={"email"}, ground=G.HARM_TO_PERSON, explanation="see our letter")
    assert engine.requests.get(r.id).history[-1][0] == "verified"  # nothing recorded

    correction = verified(engine, K.CORRECTION, person)
    with pytest.raises(pp.InvalidInput):
        w(correction.id, items={"email"}, ground=G.HARM_TO_PERSON, explanation="see our letter")
    received = engine.requests.submit(K.DISCLOSURE, subject=person)
    with pytest.raises(pp.InvalidTransition, match="verify"):
        w(received.id, items={"email"}, ground=G.HARM_TO_PERSON, explanation="see our letter")
    engine.requests.fulfil(r.id)
    with pytest.raises(pp.InvalidTransition):
        w(r.id, items={"email"}, ground=G.HARM_TO_PERSON, explanation="see our letter")


def test_r_req_4_art_36_withholding_everything_is_a_refusal(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    engine.requests.withhold(
        r.id,
        items={"name", "email", "address", "invoice"},
        ground=G.HARM_TO_PERSON,
        explanation="disclosure would endanger a person named in the file",
    )

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is G.HARM_TO_PERSON
    assert answer.report is None
    assert "APPI Art. 33(2)(i)" in answer.statement
    assert "endanger a person" in answer.statement
    assert "Postal address, E-mail address, Invoices, Name" in answer.statement
    assert {w.item for w in answer.withheld} == {"name", "email", "address", "invoice"}
    for value in VALUES.values():
        assert str(value) not in answer.to_json()
        assert str(value) not in answer.to_html()
    refused = [e for e in engine.audit_events() if e.kind == "request.refused"]
    assert refused[-1].payload["by"] == "withholding"


def test_r_req_4_art_36_withholding_every_record_is_a_refusal(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    partner, _ = consented_and_police_provisions(engine, clock, person)
    r = verified(engine, K.PROVISION_RECORDS, person)
    engine.requests.withhold(
        r.id, records=[partner.id], ground=G.BUSINESS_HINDRANCE, explanation="litigation"
    )
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is G.BUSINESS_HINDRANCE
    assert "APPI Art. 33(5), Art. 33(2)(ii)" in answer.statement
    assert partner.id in answer.statement
    # Named by day and id: to whom it went may be what is withheld.
    assert "Partner" not in answer.statement and "Partner" not in answer.to_json()


def test_r_req_4_art_33_2_withholding_an_item_not_held_does_not_reveal_it(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    engine.requests.withhold(
        r.id, items={"phone"}, ground=G.HARM_TO_PERSON, explanation="see our letter"
    )
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.FULFILLED
    assert answer.withheld == ()
    assert "phone" not in answer.statement
    assert crm.get(REF) == VALUES


def _received(engine: pp.Engine, person: pp.Subject) -> pp.Acquisition:
    return engine.acquire(
        person,
        items={"name"},
        purposes="service",
        channel="provided_by_business",
        source="Meibo Trading K.K.",
        provider_address="1-1 Marunouchi, Chiyoda, Tokyo",
        provider_representative="Taro Suzuki, President",
        provider_obtained_by="its own members' sign-up form",
    )


def test_r_req_4_art_33_2_a_record_of_receipt_can_be_withheld_and_is_named(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    """Art. 33(5) applies Art. 33(2) to the records of receipt as to those of provision:
    one may be withheld on a ground, named in the answer by its day and provider."""
    partner, _ = consented_and_police_provisions(engine, clock, person)
    receipt = _received(engine, person)
    r = verified(engine, K.PROVISION_RECORDS, person)
    why = "the provider's identity would expose an informant"
    engine.requests.withhold(r.id, records={receipt.id}, ground=G.HARM_TO_PERSON, explanation=why)
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.report is not None
    assert answer.report["receipt_records"] == []
    assert [x["record_id"] for x in answer.report["provision_records"]] == [partner.id]
    assert receipt.id in answer.statement and "of receipt of 2026" in answer.statement
    for withheld in ("Meibo Trading", "Taro Suzuki"):  # who gave it may be the secret
        assert withheld not in answer.to_json()
    # Everything withheld is a refusal, naming both records.
    again = verified(engine, K.PROVISION_RECORDS, person)
    engine.requests.withhold(
        again.id, records={receipt.id, partner.id}, ground=G.HARM_TO_PERSON, explanation=why
    )
    refused = engine.requests.fulfil(again.id)
    assert refused.state is pp.RequestState.REFUSED and receipt.id in refused.statement


def test_r_req_4_a_record_of_receipt_is_withheld_only_from_a_provision_records_request(
    engine: pp.Engine, person: pp.Subject
) -> None:
    receipt = _received(engine, person)
    r = verified(engine, K.DISCLOSURE, person)
    with pytest.raises(pp.InvalidInput, match="provision records request"):
        engine.requests.withhold(
            r.id, records={receipt.id}, ground=G.HARM_TO_PERSON, explanation="an informant"
        )
