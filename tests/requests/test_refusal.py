"""R-REQ-4: refusals state their ground and the business's explanation in writing; a
disclosure may be withheld only on the three grounds of Art. 33(2) or a procedural one."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

import pipolicy as pp
from pipolicy.requests import allowed_grounds

from .support import passport, shop_policy, verified

K = pp.RequestKind
G = pp.RefusalGround
DISCLOSURES = [K.PURPOSE_NOTIFICATION, K.DISCLOSURE, K.PROVISION_RECORDS]
# Written from R-REQ-4: grounds about the application itself, which say nothing about
# what is held.
PROCEDURAL = {G.IDENTITY_UNCONFIRMED, G.AGENCY_UNCONFIRMED, G.DOCUMENTS_INCOMPLETE}
# Written from R-REQ-4 and seed 001 (1)-(7), independently of the implementation.
MAY_WITHHOLD_DISCLOSURE: set[pp.RefusalGround] = {
    G.IDENTITY_UNCONFIRMED,
    G.AGENCY_UNCONFIRMED,
    G.DOCUMENTS_INCOMPLETE,
    G.NOT_RETAINED,
    G.HARM_TO_PERSON,
    G.BUSINESS_HINDRANCE,
    G.VIOLATION_OF_LAW,
}


def holding_nothing(engine: pp.Engine) -> pp.Subject:
    """Someone pipolicy's records show nothing held for: not_retained stands for them."""
    return engine.register_subject("user-nobody")


@pytest.mark.parametrize("kind", [K.DISCLOSURE, K.PROVISION_RECORDS])
def test_r_req_4_a_disclosure_is_withheld_only_on_the_grounds_of_the_law(
    kind: pp.RequestKind,
) -> None:
    assert allowed_grounds(kind) == MAY_WITHHOLD_DISCLOSURE


def test_r_req_4_legal_retention_is_a_ground_only_against_deletion() -> None:
    assert {k for k in K if G.LEGAL_RETENTION in allowed_grounds(k)} == {K.DELETION}


@pytest.mark.parametrize("kind", DISCLOSURES)
def test_r_req_4_refusing_a_disclosure_on_another_ground_is_invalid_input(
    engine: pp.Engine, person: pp.Subject, kind: pp.RequestKind
) -> None:
    r = verified(engine, kind, person)
    with pytest.raises(pp.InvalidInput, match="cannot be refused on legal_retention"):
        engine.requests.refuse(r.id, ground=G.LEGAL_RETENTION, explanation="tax law")
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED


@pytest.mark.parametrize("ground", sorted(MAY_WITHHOLD_DISCLOSURE, key=str))
def test_r_req_4_a_refusal_states_the_ground_and_the_explanation(
    engine: pp.Engine, person: pp.Subject, ground: pp.RefusalGround
) -> None:
    r = verified(
        engine,
        K.DISCLOSURE,
        holding_nothing(engine) if ground is G.NOT_RETAINED else person,
        agent=ground is G.AGENCY_UNCONFIRMED,  # the person's own request has no agent
    )
    explanation = f"explanation for {ground.value} written by the privacy officer"

    # A procedural ground after verification withdraws it, and says so (R-REQ-3).
    answer = engine.requests.refuse(
        r.id,
        ground=ground.value,
        explanation=explanation,
        verification_withdrawn=ground in PROCEDURAL,
    )

    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is ground
    assert answer.report is None
    assert ground.value in answer.statement
    assert explanation in answer.statement
    assert "Example Shop K.K." in answer.statement
    stored = engine.requests.get(r.id)
    assert (stored.state, stored.ground, stored.statement) == (
        pp.RequestState.REFUSED,
        ground,
        answer.statement,
    )


@pytest.mark.parametrize("ground", sorted(PROCEDURAL, key=str))
def test_r_req_4_a_request_can_be_refused_before_verification_on_a_procedural_ground(
    engine: pp.Engine, person: pp.Subject, ground: pp.RefusalGround
) -> None:
    agent = pp.Applicant.voluntary_agent() if ground is G.AGENCY_UNCONFIRMED else None
    r = engine.requests.submit(K.DELETION, subject=person, applicant=agent)
    answer = engine.requests.refuse(
        r.id, ground=ground, explanation="the copy of the ID sent was unreadable"
    )
    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is ground


SUBSTANTIVE = [G.NOT_RETAINED, G.HARM_TO_PERSON, G.BUSINESS_HINDRANCE, G.VIOLATION_OF_LAW]
# Art. 35: the substantive grounds against a deletion.
DELETION_SUBSTANTIVE = [
    G.NOT_RETAINED,
    G.NO_GROUND_UNDER_ART_35,
    G.ALTERNATIVE_MEASURE,
    G.LEGAL_RETENTION,
]


@pytest.mark.parametrize(
    ("kind", "ground"),
    [(K.DISCLOSURE, g) for g in SUBSTANTIVE] + [(K.DELETION, g) for g in DELETION_SUBSTANTIVE],
    ids=str,
)
def test_r_req_4_an_unverified_applicant_is_not_told_whether_data_is_held(
    engine: pp.Engine, person: pp.Subject, kind: pp.RequestKind, ground: pp.RefusalGround
) -> None:
    subject = holding_nothing(engine) if ground is G.NOT_RETAINED else person
    kept = {"items": ["invoice"]} if ground is G.LEGAL_RETENTION else None  # a law keeps it
    r = engine.requests.submit(kind, subject=subject, documents=[passport()], details=kept)

    with pytest.raises(pp.InvalidTransition, match="verify first"):
        engine.requests.refuse(r.id, ground=ground, explanation="we hold nothing of yours")

    stored = engine.requests.get(r.id)
    assert stored.state is pp.RequestState.RECEIVED
    assert stored.statement is None
    assert "request.refused" not in [e.kind for e in engine.audit_events()]
    # Once the applicant is identified, the same ground may be given.
    engine.requests.verify(r.id)
    answer = engine.requests.refuse(r.id, ground=ground, explanation="we hold nothing of yours")
    assert answer.ground is ground


@pytest.mark.parametrize("explanation", ["", "  "])
def test_r_req_4_a_refusal_needs_an_explanation(
    engine: pp.Engine, person: pp.Subject, explanation: str
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    with pytest.raises(pp.InvalidInput, match="explanation"):
        engine.requests.refuse(r.id, ground=G.HARM_TO_PERSON, explanation=explanation)


def test_r_req_4_a_refusal_needs_a_known_ground(engine: pp.Engine, person: pp.Subject) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    with pytest.raises(pp.InvalidInput, match="unknown refusal ground"):
        engine.requests.refuse(r.id, ground="too_busy", explanation="we are busy")


def test_r_req_4_a_correction_cannot_be_refused_for_legal_retention(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.CORRECTION, person)
    with pytest.raises(pp.InvalidInput):
        engine.requests.refuse(r.id, ground=G.LEGAL_RETENTION, explanation="kept by law")


def test_r_req_4_the_refusal_letter_prints_in_the_method_asked(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DISCLOSURE, person, method="electronic")
    answer = engine.requests.refuse(
        r.id, ground=G.VIOLATION_OF_LAW, explanation="a court order forbids it"
    )
    rendered = answer.render()
    assert rendered.media_type == "application/json"
    assert "a court order forbids it" in rendered.content
    assert "a court order forbids it" in answer.render("mail").content
    with pytest.raises(pp.InvalidInput):
        answer.render("carrier pigeon")


# -- a refusal must not contradict pipolicy's own records (R-REQ-4, R-REQ-7) ------------


def audited_refusals(engine: pp.Engine) -> int:
    return sum(e.kind == "request.refused" for e in engine.audit_events())


@pytest.mark.parametrize("kind", [K.PURPOSE_NOTIFICATION, K.DISCLOSURE, K.DELETION, K.CORRECTION])
def test_r_req_4_not_retained_is_refused_while_the_records_show_data_held(
    engine: pp.Engine, person: pp.Subject, kind: pp.RequestKind
) -> None:
    details = {"changes": {"email": "new@example.jp"}} if kind is K.CORRECTION else None
    r = verified(engine, kind, person, details=details)

    with pytest.raises(pp.InvalidInput, match="not_retained") as refused:
        engine.requests.refuse(r.id, ground=G.NOT_RETAINED, explanation="we hold nothing")

    assert "email" in str(refused.value)  # the fact that contradicts it, by item name
    assert "hanako" not in str(refused.value).lower()
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    assert audited_refusals(engine) == 0


@pytest.mark.parametrize("kind", [K.DISCLOSURE, K.DELETION, K.SUSPENSION_OF_USE])
def test_r_req_4_not_retained_stands_for_named_items_the_records_do_not_show(
    engine: pp.Engine, person: pp.Subject, kind: pp.RequestKind
) -> None:
    r = verified(engine, kind, person, details={"items": ["phone", "medical_history"]})
    answer = engine.requests.refuse(r.id, ground=G.NOT_RETAINED, explanation="none held")
    assert answer.ground is G.NOT_RETAINED

    named_held = verified(engine, kind, person, details={"items": ["phone", "email"]})
    with pytest.raises(pp.InvalidInput, match="email"):
        engine.requests.refuse(named_held.id, ground=G.NOT_RETAINED, explanation="none held")


def test_r_req_4_not_retained_for_a_correction_looks_at_the_items_to_change(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": {"phone": "03-1234"}})
    answer = engine.requests.refuse(r.id, ground=G.NOT_RETAINED, explanation="no phone held")
    assert answer.ground is G.NOT_RETAINED


def test_r_req_4_not_retained_for_provision_records_looks_at_the_records(
    engine: pp.Engine, person: pp.Subject
) -> None:
    # Data is held, but it was never given to anyone: no record to disclose.
    r = verified(engine, K.PROVISION_RECORDS, person)
    answer = engine.requests.refuse(r.id, ground=G.NOT_RETAINED, explanation="none given")
    assert answer.ground is G.NOT_RETAINED

    engine.grant_consent(person, recipient="partner", items={"email"})
    engine.provide(person, recipient="partner", items={"email"}, purpose="service")
    provided = verified(engine, K.PROVISION_RECORDS, person)
    with pytest.raises(pp.InvalidInput, match="record"):
        engine.requests.refuse(provided.id, ground=G.NOT_RETAINED, explanation="none given")


def test_r_req_4_not_retained_stands_when_nothing_is_held_or_all_was_erased(
    engine: pp.Engine, person: pp.Subject
) -> None:
    nobody = engine.register_subject("user-nobody")
    r = verified(engine, K.DISCLOSURE, nobody)
    assert engine.requests.refuse(r.id, ground=G.NOT_RETAINED, explanation="see our letter").ground

    erase = verified(engine, K.DELETION, person, details={"items": ["email"]})
    engine.requests.fulfil(erase.id)
    again = verified(engine, K.DELETION, person, details={"items": ["email"]})
    answer = engine.requests.refuse(again.id, ground=G.NOT_RETAINED, explanation="erased")
    assert answer.ground is G.NOT_RETAINED


def test_r_req_7_legal_retention_is_refused_when_no_duty_holds_for_the_items(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DELETION, person, details={"items": ["email", "address"]})

    with pytest.raises(pp.InvalidInput, match="legal_retention") as refused:
        engine.requests.refuse(r.id, ground=G.LEGAL_RETENTION, explanation="we must keep it")

    assert "address, email" in str(refused.value)
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    assert audited_refusals(engine) == 0


def test_r_req_7_legal_retention_stands_when_a_duty_holds_for_every_item_in_scope(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DELETION, person, details={"items": ["invoice"]})
    answer = engine.requests.refuse(r.id, ground=G.LEGAL_RETENTION, explanation="tax law")
    assert answer.ground is G.LEGAL_RETENTION


@pytest.mark.parametrize("items", [None, ["email", "invoice"]])
def test_r_req_7_legal_retention_does_not_cover_items_no_duty_keeps(
    engine: pp.Engine, person: pp.Subject, items: list[str] | None
) -> None:
    """One item a law keeps does not excuse deleting the others: the request is then
    fulfilled in part, the kept item reported as legal_retention."""
    details = None if items is None else {"items": items}
    r = verified(engine, K.DELETION, person, details=details)
    with pytest.raises(pp.InvalidInput, match="legal_retention") as refused:
        engine.requests.refuse(r.id, ground=G.LEGAL_RETENTION, explanation="tax law")
    assert "email" in str(refused.value) and "invoice" not in str(refused.value)
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED


def test_r_req_7_legal_retention_needs_the_item_held(engine: pp.Engine) -> None:
    """A duty on an item nobody holds for the person justifies refusing nothing."""
    nobody = engine.register_subject("user-nobody")
    r = verified(engine, K.DELETION, nobody, details={"items": ["invoice"]})
    with pytest.raises(pp.InvalidInput, match="no item it reaches is held"):
        engine.requests.refuse(r.id, ground=G.LEGAL_RETENTION, explanation="tax law")


def test_r_req_7_legal_retention_is_refused_once_the_duty_has_run_out(
    store: pp.Store, clock: pp.FixedClock
) -> None:
    base = shop_policy()
    invoice = attrs.evolve(base.items["invoice"], legal_retention_period="1 year")
    engine = pp.Engine(
        attrs.evolve(base, items={**base.items, "invoice": invoice}), store=store, clock=clock
    )
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"invoice"}, purposes={"service"}, channel="web")
    clock.advance(timedelta(days=400))
    r = verified(engine, K.DELETION, s)

    with pytest.raises(pp.InvalidInput, match="legal_retention"):
        engine.requests.refuse(r.id, ground=G.LEGAL_RETENTION, explanation="tax law")
