"""R-REQ-5: disclosure answers with every item held, its purposes, source and time of
acquisition, the consents with their history and the provision records, as JSON or a
printable letter by the method asked; purpose notification and provision records too."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import REF, T0, VALUES, customer, shop_policy, verified

K = pp.RequestKind


def items_of(report: Any) -> dict[str, Any]:
    return {entry["item"]: entry for entry in report["items"]}


def test_r_req_5_every_item_with_purposes_channel_source_and_time(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject, crm: MemorySource
) -> None:
    clock.advance(timedelta(days=2))
    engine.acquire(person, items={"phone"}, purposes={"service"}, channel="telephone")
    crm.put(REF, {"phone": "03-0000-0000"})
    r = verified(engine, K.DISCLOSURE, person)

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    items = items_of(answer.report)
    assert set(items) == {"name", "email", "address", "invoice", "phone"}
    assert items["email"]["values"] == {"crm": VALUES["email"]}
    assert items["email"]["purposes"] == ["service"]
    [acquisition] = items["email"]["acquisitions"]
    assert acquisition["channel"] == "web"
    assert acquisition["source"] == "order-form"
    assert acquisition["acquired_at"] == T0.isoformat()
    assert acquisition["policy_version"] == "shop-1"
    [phone] = items["phone"]["acquisitions"]
    assert phone["channel"] == "telephone"
    assert phone["acquired_at"] == (T0 + timedelta(days=2)).isoformat()
    assert items["name"]["title"] == "Name"


def test_r_req_5_consents_are_disclosed_with_their_history(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    newsletter = engine.grant_consent(
        person, purpose="newsletter", evidence=pp.Evidence(method="web-form", ref="signup-v3")
    )
    clock.advance(timedelta(days=10))
    engine.withdraw_consent(person, purpose="newsletter")
    clock.advance(timedelta(days=1))
    r = verified(engine, K.DISCLOSURE, person)

    report = engine.requests.fulfil(r.id).report
    assert report is not None

    [consent] = report["consents"]
    assert consent["consent_id"] == newsletter.id
    assert consent["status"] == "withdrawn"
    assert consent["method"] == "web-form"
    assert consent["history"] == [
        {"status": "given", "at": T0.isoformat()},
        {"status": "withdrawn", "at": (T0 + timedelta(days=10)).isoformat()},
    ]
    # A consented purpose is a purpose of use of the item while the consent stands.
    assert items_of(report)["email"]["purposes"] == ["service"]


def test_r_req_5_an_expired_consent_shows_as_expired(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    engine.grant_consent(person, purpose="newsletter", expires=T0 + timedelta(days=30))
    report_now = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id).report
    assert report_now is not None
    assert items_of(report_now)["email"]["purposes"] == ["newsletter", "service"]

    clock.advance(timedelta(days=31))
    report = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id).report
    assert report is not None
    [consent] = report["consents"]
    assert consent["status"] == "expired"
    assert consent["history"][-1] == {
        "status": "expired",
        "at": (T0 + timedelta(days=30)).isoformat(),
    }


def test_r_req_5_provision_records_about_the_person_are_disclosed(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    consent = engine.grant_consent(person, recipient="partner", items={"name", "email"})
    clock.advance(timedelta(days=1))
    record = engine.provide(person, recipient="partner", items={"email"}, purpose="service")
    r = verified(engine, K.DISCLOSURE, person)

    report = engine.requests.fulfil(r.id).report
    assert report is not None

    assert report["provision_records"] == [
        {
            "record_id": record.id,
            "provided_at": (T0 + timedelta(days=1)).isoformat(),
            "recipient": "partner",
            "recipient_name": "Partner Co.",
            "items": ["email"],
            "purpose": "service",
            "basis": "consent",
            "required_by_law": True,
            "consent_id": consent.id,
            "consent_ids": [consent.id],
            "exemption": None,
            "recipient_address": None,  # the partner declares none
            "recipient_representative": None,
        }
    ]


def test_r_req_5_an_item_a_source_holds_without_a_record_is_disclosed_and_flagged(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    crm.put(REF, {"phone": "090-1111-2222"})  # never recorded with engine.acquire
    report = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id).report
    assert report is not None

    phone = items_of(report)["phone"]
    assert phone["recorded"] is False
    assert phone["acquisitions"] == []
    assert phone["values"] == {"crm": "090-1111-2222"}
    assert items_of(report)["name"]["recorded"] is True


def test_r_req_5_an_item_only_a_source_holds_is_disclosed_with_its_published_purposes(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    """Its purposes are owed with it (Art. 33(1), R-REQ-5), as a purpose notification
    gives them: the ones the policy publishes for the item, not "none"."""
    crm.put(REF, {"phone": "090-1111-2222"})  # never recorded with engine.acquire
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)
    assert answer.report is not None

    assert items_of(answer.report)["phone"]["purposes"] == ["service"]
    assert "| Phone number | 090-1111-2222 | To deliver what the customer ordered |" in (
        answer.to_markdown()
    )


def test_r_req_5_every_source_contributes_its_values(engine: pp.Engine, person: pp.Subject) -> None:
    shop = MemorySource({REF: {"address": "4-5-6 Osaka"}})
    engine.register_source("shop", shop)
    report = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id).report
    assert report is not None
    assert items_of(report)["address"]["values"] == {
        "crm": VALUES["address"],
        "shop": "4-5-6 Osaka",
    }


def test_r_req_5_electronic_answers_are_json_and_mail_answers_are_letters(
    engine: pp.Engine, person: pp.Subject
) -> None:
    electronic = engine.requests.fulfil(
        verified(engine, K.DISCLOSURE, person, method="electronic").id
    )
    mailed = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)

    as_json = electronic.render()
    assert as_json.media_type == "application/json"
    parsed = json.loads(as_json.content)
    assert parsed["state"] == "fulfilled"
    assert {i["item"] for i in parsed["report"]["items"]} == set(VALUES)

    letter = mailed.render()
    assert letter.media_type == "text/html"
    assert letter.content.startswith("<!DOCTYPE html>")
    markdown = mailed.to_markdown()
    for text in (letter.content, markdown):
        assert "Example Shop K.K." in text
        for value in VALUES.values():
            assert str(value) in text
        assert "To deliver what the customer ordered" in text  # the purpose, by its title


def test_r_req_5_letters_escape_what_the_sources_hold(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    crm.put(REF, {"name": "<b>Hanako</b> | Yamada"})
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)

    assert "&lt;b&gt;Hanako&lt;/b&gt;" in answer.to_html()
    assert "<b>Hanako" not in answer.to_html()
    assert "\\| Yamada" in answer.to_markdown()


def test_r_req_5_the_data_disclosed_is_not_kept_by_pipolicy(
    engine: pp.Engine, person: pp.Subject
) -> None:
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)
    stored = engine.requests.get(answer.request_id)

    kept = json.dumps(
        [stored.details, stored.statement, [dict(e.payload) for e in engine.audit_events()]],
        default=str,
    )
    for value in VALUES.values():
        assert str(value) not in kept
        assert str(value) not in repr(answer)
    assert engine.requests.answer(answer.request_id).report is None


def test_r_req_5_nothing_held_is_refused_as_not_retained(engine: pp.Engine) -> None:
    s = engine.register_subject("visitor-1")
    engine.register_source("crm", MemorySource())
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, s).id)

    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is pp.RefusalGround.NOT_RETAINED
    assert "we hold no personal data about you" in answer.statement


def test_r_req_5_a_disclosure_can_be_limited_to_named_items(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DISCLOSURE, person, details={"items": ["email", "phone"]})
    answer = engine.requests.fulfil(r.id)

    assert set(items_of(answer.report)) == {"email"}
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED  # phone is not held
    assert "Phone number" in answer.statement  # the policy's title, as the person read it


def test_r_req_5_purpose_notification_names_the_purposes_of_the_data_held(
    store: pp.Store, clock: pp.FixedClock
) -> None:
    settings = pp.RequestSettings(fees={K.DISCLOSURE: 1000, K.PURPOSE_NOTIFICATION: 300})
    engine = pp.Engine(shop_policy(settings), store=store, clock=clock)
    s = customer(engine)
    engine.grant_consent(s, purpose="newsletter")
    r = verified(engine, K.PURPOSE_NOTIFICATION, s)

    answer = engine.requests.fulfil(r.id)

    assert answer.fee == 300
    assert answer.report is not None
    assert answer.report["purposes"] == [
        {"name": "newsletter", "title": "To send the newsletter", "items": ["email"]},
        {
            "name": "service",
            "title": "To deliver what the customer ordered",
            "items": ["address", "email", "invoice", "name"],
        },
    ]
    assert "To send the newsletter" in answer.statement
    assert "300 yen" in answer.statement


def test_r_req_5_provision_records_are_disclosed_on_their_own_request(
    engine: pp.Engine, person: pp.Subject
) -> None:
    empty = engine.requests.fulfil(verified(engine, K.PROVISION_RECORDS, person).id)
    assert empty.ground is pp.RefusalGround.NOT_RETAINED

    engine.grant_consent(person, recipient="partner", items={"name"})
    engine.provide(person, recipient="partner", items={"name"}, purpose="service")
    answer = engine.requests.fulfil(verified(engine, K.PROVISION_RECORDS, person).id)

    assert answer.state is pp.RequestState.FULFILLED
    assert answer.report is not None
    [record] = answer.report["provision_records"]
    assert record["recipient_name"] == "Partner Co."
    assert "items" not in answer.report  # records only: no data values
    assert answer.fee == 0


@pytest.mark.parametrize("method", ["mail", "electronic"])
def test_r_req_5_the_answer_keeps_the_method_asked_for(
    engine: pp.Engine, person: pp.Subject, method: str
) -> None:
    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person, method=method).id)
    assert answer.method == method
    assert engine.requests.get(answer.request_id).method == method


def _received(engine: pp.Engine, person: pp.Subject, **over: Any) -> pp.Acquisition:
    """Data received from another business, with what Art. 30(1) has the recipient
    confirm: the provider's name, address and representative, and how it obtained it;
    and what PPC Rules Art. 24(1) has the record note (received on consent)."""
    how: dict[str, Any] = {
        "items": {"name"},
        "purposes": "service",
        "channel": "provided_by_business",
        "source": "Meibo Trading K.K.",
        "provider_address": "1-1 Marunouchi, Chiyoda, Tokyo",
        "provider_representative": "Taro Suzuki, President",
        "provider_obtained_by": "its own members' sign-up form",
        "provider_kind": "corporation",
        "provider_basis": "consent",
        **over,
    }
    return engine.acquire(person, **how)


def test_r_req_5_records_of_receipt_are_disclosed_with_the_records_of_provision(
    engine: pp.Engine, person: pp.Subject
) -> None:
    """Art. 33(5) entitles the person to the records of Art. 30 as well as those of Art.
    29: the data received about them from other businesses, with the provider's name,
    address and representative, how it obtained the data, the day and the items, and
    that the person's consent was obtained (PPC Rules Art. 24(1)(ii))."""
    received = _received(engine, person)
    assert received.provider_representative == "Taro Suzuki, President"
    answer = engine.requests.fulfil(verified(engine, K.PROVISION_RECORDS, person).id)
    assert answer.state is pp.RequestState.FULFILLED  # a record of receipt is a record
    assert answer.report is not None
    assert answer.report["provision_records"] == []
    [record] = answer.report["receipt_records"]
    assert record == {
        "record_id": received.id,
        "received_at": received.acquired_at.isoformat(),
        "provider": "Meibo Trading K.K.",
        "provider_kind": "corporation",
        "provider_address": "1-1 Marunouchi, Chiyoda, Tokyo",
        "provider_representative": "Taro Suzuki, President",
        "provider_obtained_by": "its own members' sign-up form",
        "provider_basis": "consent",
        "items": ["name"],
    }
    letter = answer.to_markdown()
    for shown in (
        "Meibo Trading K.K.",
        "Taro Suzuki, President",
        "its own members'",
        "the provider obtained your consent to providing it to us",
    ):
        assert shown in letter
    # Data the person gave the business themselves is no record of receipt.
    assert all(r["record_id"] == received.id for r in answer.report["receipt_records"])


def test_r_req_5_a_request_naming_items_gets_the_records_of_receipt_of_those_items(
    engine: pp.Engine, person: pp.Subject
) -> None:
    _received(engine, person, items={"email"})
    named = verified(engine, K.PROVISION_RECORDS, person, details={"items": ["phone"]})
    assert engine.requests.fulfil(named.id).ground is pp.RefusalGround.NOT_RETAINED
    named = verified(engine, K.PROVISION_RECORDS, person, details={"items": ["email"]})
    answer = engine.requests.fulfil(named.id)
    assert answer.report is not None and len(answer.report["receipt_records"]) == 1


def test_r_req_5_a_receipt_recorded_before_revision_0011_shows_the_representative_its_event_holds(
    tmp_path: Path,
) -> None:
    """Before revision 0011 the representative was kept in the acquisition's event only:
    the record of receipt still shows it, never "not recorded"."""
    import sqlalchemy as sa

    from pipolicy.backends.sql import SqlStore

    store = SqlStore(f"sqlite:///{tmp_path / 'pi.db'}")
    engine = pp.Engine(shop_policy(), store=store, clock=pp.FixedClock(T0))
    person = customer(engine, MemorySource())
    received = _received(engine, person)
    with store.engine.begin() as conn:  # the row as pipolicy wrote it before 0011
        conn.execute(sa.text("UPDATE pipolicy_acquisitions SET provider_representative = NULL"))
    answer = engine.requests.fulfil(verified(engine, K.PROVISION_RECORDS, person).id)
    assert answer.report is not None
    [record] = answer.report["receipt_records"]
    assert record["record_id"] == received.id
    assert record["provider_representative"] == "Taro Suzuki, President"
    store.close()
