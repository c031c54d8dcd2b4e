"""R-REQ-4, R-REQ-6 (Arts. 34(3), 36): a correction granted in part says which part was
not made, and why.

A person asks to correct two items; the business investigates and finds one of them true
as held. Art. 34(3) has it notify the person of the decision not to correct, and Art. 36
has it explain why: the answer must not say "corrected as you asked" and drop the other
item in silence. ``withhold(id, items=..., ground="contents_accurate", explanation=...)``
records that part of the decision (Art. 34(1)); ``fulfil`` then corrects the rest and
answers ``partially_fulfilled``, naming what it did not correct, the ground, the article
and the explanation. Values given at ``fulfil`` may not leave out an item the person
asked about without such a decision.
"""

from __future__ import annotations

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import REF, VALUES, verified

K = pp.RequestKind
G = pp.RefusalGround
ASKED = {"email": "hanako.yamada@example.com", "address": "2-2 Umeda, Osaka"}
WHY = "the address on file matches the one on the delivery slip you signed on 1 November"


def test_r_req_6_a_correction_declined_in_part_names_the_part_and_the_reason(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": ASKED})

    engine.requests.withhold(r.id, items={"address"}, ground=G.CONTENTS_ACCURATE, explanation=WHY)
    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.changes == {"email": "corrected", "address": "contents_accurate"}
    assert crm.get(REF)["email"] == ASKED["email"]
    assert crm.get(REF)["address"] == VALUES["address"]  # not changed
    assert "Postal address" in answer.statement
    assert "APPI Art. 34(1)" in answer.statement
    assert WHY in answer.statement
    assert "have not corrected" in answer.statement
    assert [(w.item, w.ground) for w in answer.withheld] == [("address", G.CONTENTS_ACCURATE)]
    assert WHY in engine.requests.answer(r.id).to_markdown()


def test_r_req_6_changes_at_fulfil_may_not_drop_an_item_the_person_asked_about(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": ASKED})

    with pytest.raises(pp.InvalidInput, match="address"):
        engine.requests.fulfil(r.id, changes={"email": ASKED["email"]})

    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    assert crm.get(REF) == VALUES  # nothing corrected


def test_r_req_6_a_correction_declined_in_full_is_refused_with_the_reason(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": {"address": "x"}})

    engine.requests.withhold(r.id, items={"address"}, ground=G.CONTENTS_ACCURATE, explanation=WHY)
    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is G.CONTENTS_ACCURATE
    assert WHY in answer.statement
    assert crm.get(REF) == VALUES


def test_r_req_4_a_correction_is_declined_in_part_only_on_the_ground_of_art_34(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": ASKED})
    with pytest.raises(pp.InvalidInput, match="contents_accurate"):
        engine.requests.withhold(
            r.id, items={"address"}, ground=G.BUSINESS_HINDRANCE, explanation=WHY
        )
    with pytest.raises(pp.InvalidInput, match="asked"):
        engine.requests.withhold(r.id, items={"phone"}, ground=G.CONTENTS_ACCURATE, explanation=WHY)


def test_r_req_6_the_japanese_answer_says_which_item_was_not_corrected() -> None:
    from datetime import datetime

    from .support import JST, passport

    engine = pp.Engine(
        pp.example_policy("indigo_blue"),
        clock=pp.FixedClock(datetime(2026, 11, 22, 10, tzinfo=JST)),
    )
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject("member-1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence(method="W-01", ref="F-01"))
    engine.acquire(
        s, items={"name", "email", "address"}, purposes="service", channel="web", source="F-01"
    )
    crm.put("member-1", {"name": "山田花子", "email": "a@example.jp", "address": "東京都"})
    r = engine.requests.submit(
        K.CORRECTION,
        subject=s,
        documents=[passport()],
        language="ja",
        details={"changes": {"email": "b@example.jp", "address": "大阪府"}},
    )
    engine.requests.verify(r.id)
    engine.requests.withhold(
        r.id,
        items={"address"},
        ground=G.CONTENTS_ACCURATE,
        explanation="ご登録の住所は11月1日にご署名いただいた配送伝票の住所と一致しております",
    )

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert "訂正いたしません" in answer.statement or "訂正等を行いません" in answer.statement
    assert "第34条第1項" in answer.statement
    assert "配送伝票" in answer.statement


def test_r_req_6_the_letter_lists_the_item_not_corrected_under_art_34_not_art_33(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": ASKED})
    engine.requests.withhold(r.id, items={"address"}, ground=G.CONTENTS_ACCURATE, explanation=WHY)

    answer = engine.requests.fulfil(r.id)

    for letter in (answer.to_markdown(), answer.to_html(), engine.requests.answer(r.id).to_html()):
        assert "Withheld from disclosure" not in letter
        assert "Art. 33(2)" not in letter
        assert "Not corrected" in letter
    assert "| Postal address | not corrected (the contents are true) |" in answer.to_markdown()
