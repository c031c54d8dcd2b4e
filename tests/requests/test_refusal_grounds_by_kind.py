"""R-REQ-4: each kind of request is refused only on the grounds the Act gives for it, and
the written statement cites the article the ground rests on for that kind.

The expected table is written here from the Act, independently of the implementation:

- purpose notification, Art. 32(2): the purpose is already clear (32(2)(i)); the cases of
  Art. 21(4)(i)-(iii) (harm to the person or a third party, the business's rights or
  legitimate interests, cooperation with a state organ);
- disclosure and provision records, Art. 33(2) (and 33(5)): harm to the person, business
  hindrance, violation of law, and data not retained;
- correction, Art. 34(1): the contents are accurate;
- deletion, suspension of use, suspension of provision, Art. 35: no ground under Art. 35,
  or an alternative measure (35(2), (4), (6)); deletion also for a legal retention duty;
- every kind: the procedural grounds, and data not retained (the rights concern retained
  personal data only).
"""

from __future__ import annotations

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import verified

K = pp.RequestKind
G = pp.RefusalGround

PROCEDURAL = {G.IDENTITY_UNCONFIRMED, G.AGENCY_UNCONFIRMED, G.DOCUMENTS_INCOMPLETE}
EVERY_KIND = PROCEDURAL | {G.NOT_RETAINED}
ART_35 = {G.NO_GROUND_UNDER_ART_35, G.ALTERNATIVE_MEASURE}
EXPECTED: dict[pp.RequestKind, set[pp.RefusalGround]] = {
    K.PURPOSE_NOTIFICATION: EVERY_KIND
    | {G.PURPOSE_ALREADY_CLEAR, G.HARM_TO_PERSON, G.BUSINESS_HINDRANCE, G.STATE_COOPERATION},
    K.DISCLOSURE: EVERY_KIND | {G.HARM_TO_PERSON, G.BUSINESS_HINDRANCE, G.VIOLATION_OF_LAW},
    K.PROVISION_RECORDS: EVERY_KIND | {G.HARM_TO_PERSON, G.BUSINESS_HINDRANCE, G.VIOLATION_OF_LAW},
    K.CORRECTION: EVERY_KIND | {G.CONTENTS_ACCURATE, G.BEYOND_PURPOSES},
    K.DELETION: EVERY_KIND | ART_35 | {G.LEGAL_RETENTION},
    K.SUSPENSION_OF_USE: EVERY_KIND | ART_35,
    K.SUSPENSION_OF_PROVISION: EVERY_KIND | ART_35,
}


def refusals(engine: pp.Engine) -> list[pp.AuditEvent]:
    return [e for e in engine.audit_events() if e.kind == "request.refused"]


def test_r_req_4_the_new_grounds_have_their_stored_values() -> None:
    assert G("contents_accurate") is G.CONTENTS_ACCURATE
    assert G("no_ground") is G.NO_GROUND_UNDER_ART_35
    assert G("alternative_measure") is G.ALTERNATIVE_MEASURE
    assert G("purpose_already_clear") is G.PURPOSE_ALREADY_CLEAR
    assert G("state_cooperation") is G.STATE_COOPERATION


@pytest.mark.parametrize(("kind", "ground"), [(k, g) for k in K for g in G], ids=lambda x: str(x))
def test_r_req_4_each_kind_is_refused_only_on_the_grounds_the_act_gives_it(
    engine: pp.Engine, person: pp.Subject, kind: pp.RequestKind, ground: pp.RefusalGround
) -> None:
    details: dict[str, object] | None = (
        {"changes": {"email": "new@example.jp"}} if kind is K.CORRECTION else None
    )
    if ground is G.LEGAL_RETENTION and kind in EXPECTED and ground in EXPECTED[kind]:
        details = {"items": ["invoice"]}  # only for what a law keeps (R-REQ-7)
    if ground is G.BEYOND_PURPOSES and kind is K.CORRECTION:
        details = {"changes": {"medical_history": "none"}}  # no purpose of theirs needs it
    # not_retained stands only for someone pipolicy's records show nothing held for.
    subject = engine.register_subject("user-nobody") if ground is G.NOT_RETAINED else person
    # agency_unconfirmed needs an agent (Art. 37(3)); after verification a procedural
    # ground withdraws it, and says so (R-REQ-3).
    r = verified(engine, kind, subject, details=details, agent=ground is G.AGENCY_UNCONFIRMED)
    if ground in EXPECTED[kind]:
        answer = engine.requests.refuse(
            r.id,
            ground=ground,
            explanation="the reason",
            verification_withdrawn=ground in PROCEDURAL,
        )
        assert (answer.state, answer.ground) == (pp.RequestState.REFUSED, ground)
        assert [e.payload["ground"] for e in refusals(engine)] == [ground.value]
    else:
        with pytest.raises(pp.InvalidInput, match=f"{kind.value}.*{ground.value}"):
            engine.requests.refuse(r.id, ground=ground, explanation="the reason")
        assert engine.requests.get(r.id) == r
        assert refusals(engine) == []


# -- Art. 34(1): correction ----------------------------------------------------------------


def test_r_req_4_art_34_a_correction_is_refused_because_the_contents_are_accurate(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": {"email": "x@example.jp"}})
    why = "the address on file is the one you confirmed at your last order"

    answer = engine.requests.refuse(r.id, ground="contents_accurate", explanation=why)

    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is G.CONTENTS_ACCURATE
    assert "contents you asked us to change are true" in answer.statement
    assert "APPI Art. 34(1)" in answer.statement
    assert why in answer.statement
    assert why in answer.render("mail").content
    assert engine.requests.get(r.id).statement == answer.statement
    assert crm.export(person.ref)["email"] == "hanako@example.jp"  # nothing was changed


def test_r_req_4_art_34_a_correction_cannot_be_refused_on_business_hindrance(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": {"email": "x@example.jp"}})
    events = list(engine.audit_events())

    with pytest.raises(pp.InvalidInput) as raised:
        engine.requests.refuse(r.id, ground=G.BUSINESS_HINDRANCE, explanation="we are busy")

    message = str(raised.value)
    assert "correction" in message
    assert "business_hindrance" in message
    assert "contents_accurate" in message  # the accepted grounds are listed
    stored = engine.requests.get(r.id)
    assert stored.state is pp.RequestState.VERIFIED
    assert stored.statement is None
    assert stored == r
    assert list(engine.audit_events()) == events


# -- Art. 35: deletion and suspension --------------------------------------------------------


def test_r_req_4_art_35_deletion_refused_for_an_alternative_measure_states_it(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DELETION, person)
    measure = "your e-mail address is excluded from every mailing and hidden from staff"

    answer = engine.requests.refuse(r.id, ground=G.ALTERNATIVE_MEASURE, explanation=measure)

    assert answer.ground is G.ALTERNATIVE_MEASURE
    assert "costly or otherwise difficult" in answer.statement
    assert "APPI Art. 35(2)" in answer.statement
    assert f"Alternative measure taken: {measure}" in answer.statement
    assert measure in answer.render("mail").content


def test_r_req_4_art_35_suspension_of_provision_cites_its_own_paragraphs(
    engine: pp.Engine, person: pp.Subject
) -> None:
    a = verified(engine, K.SUSPENSION_OF_PROVISION, person)
    b = verified(engine, K.SUSPENSION_OF_PROVISION, person)

    no_ground = engine.requests.refuse(
        a.id, ground="no_ground", explanation="the partner receives data with your consent"
    )
    measure = engine.requests.refuse(
        b.id, ground=G.ALTERNATIVE_MEASURE, explanation="the partner now receives a pseudonym"
    )

    assert no_ground.ground is G.NO_GROUND_UNDER_ART_35
    assert "APPI Art. 35(3)" in no_ground.statement
    assert "none of the grounds the Act gives for it applies" in no_ground.statement
    assert "APPI Art. 35(4)" in measure.statement


def test_r_req_4_art_35_suspension_of_use_refused_for_want_of_a_ground(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.SUSPENSION_OF_USE, person)
    answer = engine.requests.refuse(
        r.id, ground=G.NO_GROUND_UNDER_ART_35, explanation="we use it only for your orders"
    )
    assert "none of the grounds" in answer.statement
    assert "APPI Art. 35(1)" in answer.statement


@pytest.mark.parametrize("kind", [K.DELETION, K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION])
@pytest.mark.parametrize("ground", [G.HARM_TO_PERSON, G.BUSINESS_HINDRANCE, G.VIOLATION_OF_LAW])
def test_r_req_4_art_35_deletion_and_suspension_are_not_refused_on_disclosure_grounds(
    engine: pp.Engine, person: pp.Subject, kind: pp.RequestKind, ground: pp.RefusalGround
) -> None:
    r = verified(engine, kind, person)
    with pytest.raises(pp.InvalidInput, match="no_ground"):
        engine.requests.refuse(r.id, ground=ground, explanation="see our letter")
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED


# -- Art. 32(2): purpose notification -------------------------------------------------------


def test_r_req_4_art_32_2_purpose_notification_refused_only_on_its_own_grounds(
    engine: pp.Engine, person: pp.Subject
) -> None:
    for ground in (G.VIOLATION_OF_LAW, G.CONTENTS_ACCURATE, G.LEGAL_RETENTION):
        r = verified(engine, K.PURPOSE_NOTIFICATION, person)
        with pytest.raises(pp.InvalidInput, match="purpose_already_clear"):
            engine.requests.refuse(r.id, ground=ground, explanation="see our letter")
        engine.requests.withdraw(r.id)

    cases = {
        G.PURPOSE_ALREADY_CLEAR: ("already clear", "APPI Art. 32(2)(i)"),
        G.HARM_TO_PERSON: ("harm the life, body", "Art. 21(4)(i)"),
        G.BUSINESS_HINDRANCE: ("our rights or legitimate interests", "Art. 21(4)(ii)"),
        G.STATE_COOPERATION: ("government body", "Art. 21(4)(iii)"),
    }
    for ground, (words, article) in cases.items():
        r = verified(engine, K.PURPOSE_NOTIFICATION, person)
        answer = engine.requests.refuse(r.id, ground=ground, explanation="see our policy")
        assert answer.ground is ground
        assert words in answer.statement
        assert article in answer.statement
        assert "APPI Art. 32(2)" in answer.statement


# -- Art. 33(2): disclosure keeps its grounds and cites them --------------------------------


@pytest.mark.parametrize(
    ("ground", "article"),
    [
        (G.HARM_TO_PERSON, "APPI Art. 33(2)(i)"),
        (G.BUSINESS_HINDRANCE, "APPI Art. 33(2)(ii)"),
        (G.VIOLATION_OF_LAW, "APPI Art. 33(2)(iii)"),
    ],
)
def test_r_req_4_art_33_2_a_withheld_disclosure_cites_its_item_of_art_33_2(
    engine: pp.Engine, person: pp.Subject, ground: pp.RefusalGround, article: str
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    answer = engine.requests.refuse(r.id, ground=ground, explanation="the reason")
    assert article in answer.statement
    assert "significantly hinder" in answer.statement or ground is not G.BUSINESS_HINDRANCE


@pytest.mark.parametrize("ground", sorted(PROCEDURAL, key=str))
@pytest.mark.parametrize("kind", list(K), ids=str)
def test_r_req_4_art_37_procedural_grounds_are_open_for_every_kind_before_verification(
    engine: pp.Engine, person: pp.Subject, kind: pp.RequestKind, ground: pp.RefusalGround
) -> None:
    agent = pp.Applicant.voluntary_agent() if ground is G.AGENCY_UNCONFIRMED else None
    r = engine.requests.submit(kind, subject=person, applicant=agent)
    answer = engine.requests.refuse(r.id, ground=ground, explanation="no ID was sent")
    assert answer.ground is ground
    assert "APPI Art. 37" in answer.statement
