"""R-REQ-7: pipolicy's records show handling without its basis, not every ground of APPI
Art. 35. The answer says what was checked, never that no ground exists; the business
records the grounds only it can know (a leak under Art. 26, harm to the person's rights
or legitimate interests, improper use under Art. 19, data no longer needed)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

import pipolicy as pp
from pipolicy.requests import Art35Ground

from .support import verified

K = pp.RequestKind
LEAK = "the order database was exposed on 2026-11-01 and reported to the PPC"


def test_r_req_7_art_35_5_the_answer_says_what_was_checked_not_that_no_ground_exists(
    engine: pp.Engine, person: pp.Subject
) -> None:
    with pytest.raises(pp.UseDenied):
        engine.use(person, purpose="newsletter", items={"email"})  # never consented
    r = verified(engine, K.SUSPENSION_OF_USE, person)

    inv = engine.requests.investigate(r.id)
    assert inv.relevant and not inv.supports
    answer = engine.requests.fulfil(r.id)

    for text in (inv.summary(), answer.statement, answer.to_markdown()):
        assert "We checked our records of acquiring, using and providing" in text
        assert "no ground" not in text
        assert "cannot show a leak" in text  # what the records cannot show is said


def test_r_req_7_art_35_5_a_refusal_for_want_of_a_ground_is_the_business_decision(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DELETION, person)
    answer = engine.requests.refuse(
        r.id, ground=pp.RefusalGround.NO_GROUND_UNDER_ART_35, explanation="still needed"
    )
    assert "we examined your request and decided" in answer.statement
    assert "records show" not in answer.statement


def test_r_req_7_art_35_5_a_ground_the_business_records_supports_the_request(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.SUSPENSION_OF_USE, person, method="electronic")
    assert not engine.requests.investigate(r.id).supports  # the records show nothing

    noted = engine.requests.record_ground(r.id, ground=Art35Ground.LEAK, explanation=LEAK)

    assert noted.state is pp.RequestState.VERIFIED
    assert noted.history[-1][0] == "ground_recorded"
    inv = engine.requests.investigate(r.id)
    assert inv.supports
    assert inv.grounds == ()  # no finding: the ground is the business's own
    [g] = inv.recorded
    assert (g.ground, g.article) == (Art35Ground.LEAK, "APPI Art. 35(5), Art. 26(1)")
    event = next(e for e in engine.audit_events() if e.kind == "request.ground_recorded")
    assert event.payload["ground"] == "leak"

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert [x.ground for x in answer.grounds] == [Art35Ground.LEAK]
    for text in (answer.statement, answer.to_markdown(), answer.to_html()):
        assert "APPI Art. 35(5), Art. 26(1)" in text
        assert "reported to the PPC" in text
    assert json.loads(answer.to_json())["grounds"][0]["ground"] == "leak"
    assert engine.requests.answer(r.id).grounds == answer.grounds
    # With a ground recorded, the request can no longer be refused for want of one.
    other = verified(engine, K.DELETION, person)
    engine.requests.record_ground(
        other.id, ground="harm_to_rights", explanation="spam sent to the address"
    )
    with pytest.raises(pp.InvalidInput, match="recorded"):
        engine.requests.refuse(
            other.id, ground=pp.RefusalGround.NO_GROUND_UNDER_ART_35, explanation="see our letter"
        )


def test_r_req_7_art_35_grounds_are_checked_against_the_kind(
    engine: pp.Engine, person: pp.Subject
) -> None:
    provision = verified(engine, K.SUSPENSION_OF_PROVISION, person)
    rg = engine.requests.record_ground
    with pytest.raises(pp.InvalidInput, match="improper_use"):  # Art. 35(3): Arts. 27, 28
        rg(provision.id, ground=Art35Ground.IMPROPER_USE, explanation="see our letter")
    with pytest.raises(pp.InvalidInput, match="unknown ground"):
        rg(provision.id, ground="bad_vibes", explanation="see our letter")
    with pytest.raises(pp.InvalidInput, match="explanation"):
        rg(provision.id, ground="leak", explanation="")
    disclosure = verified(engine, K.DISCLOSURE, person)
    with pytest.raises(pp.InvalidInput):
        rg(disclosure.id, ground="leak", explanation="see our letter")
    received = engine.requests.submit(K.DELETION, subject=person)
    with pytest.raises(pp.InvalidTransition, match="verify"):
        rg(received.id, ground="leak", explanation="see our letter")

    use = verified(engine, K.SUSPENSION_OF_USE, person)
    rg(use.id, ground=Art35Ground.IMPROPER_USE, explanation="see our letter")
    rg(use.id, ground=Art35Ground.IMPROPER_USE, explanation="used for a scam mailing")
    [g] = engine.requests.investigate(use.id).recorded
    assert (g.article, g.explanation) == ("APPI Art. 35(1), Art. 19", "used for a scam mailing")


def test_r_req_7_art_35_5_no_refusal_for_want_of_a_ground_the_records_show(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    """pipolicy's own records show a ground (the campaign's 30 days are over): refusing
    "no ground" would tell the person something the business's records contradict."""
    s = engine.register_subject("campaign-entrant")
    engine.acquire(s, items={"email"}, purposes={"campaign"}, channel="web")
    clock.advance(timedelta(days=31))
    r = verified(engine, K.DELETION, s)
    assert [f.kind.value for f in engine.requests.investigate(r.id).grounds] == ["no_longer_needed"]

    with pytest.raises(pp.InvalidInput, match="no_longer_needed"):
        engine.requests.refuse(
            r.id, ground=pp.RefusalGround.NO_GROUND_UNDER_ART_35, explanation="still needed"
        )

    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED  # nothing kept
    kept = engine.requests.refuse(
        r.id, ground=pp.RefusalGround.ALTERNATIVE_MEASURE, explanation="we anonymise it"
    )
    assert kept.state is pp.RequestState.REFUSED
