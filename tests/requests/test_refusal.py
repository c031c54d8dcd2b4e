"""R-REQ-4: refusals state their ground and the business's explanation in writing; a
disclosure may be withheld only on the three grounds of Art. 33(2) or a procedural one."""

from __future__ import annotations

import pytest

import pipolicy as pp
from pipolicy.requests import allowed_grounds

from .support import passport, verified

K = pp.RequestKind
G = pp.RefusalGround
DISCLOSURES = [K.PURPOSE_NOTIFICATION, K.DISCLOSURE, K.PROVISION_RECORDS]
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
    r = verified(engine, K.DISCLOSURE, person)
    explanation = f"explanation for {ground.value} written by the privacy officer"

    answer = engine.requests.refuse(r.id, ground=ground.value, explanation=explanation)

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


# Written from R-REQ-4: grounds about the application itself, which say nothing about
# what is held.
PROCEDURAL = {G.IDENTITY_UNCONFIRMED, G.AGENCY_UNCONFIRMED, G.DOCUMENTS_INCOMPLETE}


@pytest.mark.parametrize("ground", sorted(PROCEDURAL, key=str))
def test_r_req_4_a_request_can_be_refused_before_verification_on_a_procedural_ground(
    engine: pp.Engine, person: pp.Subject, ground: pp.RefusalGround
) -> None:
    r = engine.requests.submit(K.DELETION, subject=person)
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
    r = engine.requests.submit(kind, subject=person, documents=[passport()])

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
