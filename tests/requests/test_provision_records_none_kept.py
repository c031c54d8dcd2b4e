"""R-REQ-4, R-REQ-5 (Art. 33(3), (5)): when no record the Act has the business keep
exists, the answer says exactly that, and not that the data was never provided.

Art. 33(5) covers the records of Arts. 29(1) and 30(3) only. A provision under an
exemption (a police inquiry, Art. 27(1)(iv)) is a provision to a third party all the
same, of which the Act asks no record: pipolicy keeps one as evidence and does not
disclose it. The answer to a person whose data went only there must not say "we hold no
record of providing your personal data to others": the business holds one, and did
provide it.
"""

from __future__ import annotations

import pipolicy as pp

from .support import verified

K = pp.RequestKind
POLICE = "Inquiry from the police under Code of Criminal Procedure Art. 197(2)"


def _police(engine: pp.Engine, person: pp.Subject) -> None:
    engine.provide(
        person,
        recipient="court",
        items={"name"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=POLICE,
    )


def test_r_req_5_no_record_the_act_requires_is_what_the_refusal_says(
    engine: pp.Engine, person: pp.Subject
) -> None:
    _police(engine, person)

    answer = engine.requests.fulfil(verified(engine, K.PROVISION_RECORDS, person).id)

    assert answer.state is pp.RequestState.REFUSED
    assert "we hold no record of providing your personal data to others" not in answer.statement
    assert "APPI Arts. 29, 30" in answer.statement


def test_r_req_5_a_disclosure_counts_the_records_the_act_requires(
    engine: pp.Engine, person: pp.Subject
) -> None:
    _police(engine, person)

    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)

    assert "our records of providing your personal data to others (0" not in answer.statement
    assert "APPI Art. 29" in answer.statement
    assert "0 record(s)" in answer.statement


def test_r_req_5_the_japanese_answer_names_the_records_of_arts_29_and_30() -> None:
    from datetime import datetime

    from .support import JST, passport

    engine = pp.Engine(
        pp.example_policy("indigo_blue"),
        clock=pp.FixedClock(datetime(2026, 11, 22, 10, tzinfo=JST)),
    )
    s = engine.register_subject("member-1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence(method="W-01", ref="F-01"))
    engine.acquire(s, items={"name"}, purposes="service", channel="web", source="F-01")
    r = engine.requests.submit(
        K.PROVISION_RECORDS, subject=s, documents=[passport()], language="ja"
    )
    engine.requests.verify(r.id)

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.REFUSED
    assert "第29条第1項" in answer.statement
    assert "第30条第3項" in answer.statement
