"""R-REQ-4, R-REQ-7, Art. 36: a request refused when it is received is answered in writing
and kept, as every refusal is.

A suspension of provision (Art. 35(3), (5)) cannot stop provision to a public authority
in Japan, which receives data only in the cases of Art. 27(1) the policy allows (seed 000
L13 "ordered ... by a court of law, regulatory agency, or other public institution"), nor
to an entrustee in Japan, to which entrusting data is no provision to a third party (Art.
27(5)(i)), though seed 000 L60 calls the "shipping, etc. subcontractor" a third party, so
a person may well name it. A person who names them made a request, well formed, that the
business refuses: it is recorded, refused on ``no_ground`` with the reasons in the
person's language, and audited. Where the request also names recipients it can stop, it
stops those and says why not the others (partially fulfilled). Details that are not
well formed (an unknown recipient, recipients for another kind of request) stay typed
errors, and nothing is recorded.
"""

from __future__ import annotations

import json

import pytest

import pipolicy as pp
from pipolicy.storage.repositories import Store

from .support import T0, passport

G = pp.RefusalGround
K = pp.RequestKind
REF = "c-1"


def _engine(store: Store) -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(pp.example_policy("indigo_blue"), store=store, clock=pp.FixedClock(T0))
    s = engine.register_subject(REF, category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web-form", "v1"))
    engine.acquire(s, items={"name", "email"}, purposes="service", channel="web")
    engine.grant_consent(
        s, recipient="partner", items={"email"}, evidence=pp.Evidence("web-form", "v1")
    )
    return engine, s


def _stop(engine: pp.Engine, s: pp.Subject, recipients: list[str], lang: str) -> pp.Request:
    return engine.requests.submit(
        K.SUSPENSION_OF_PROVISION,
        subject=s,
        documents=[passport()],
        details={"recipients": recipients},
        language=lang,
    )


CASES = {
    ("public_authority", "en"): [
        "We cannot respond to your request because",
        "Tokyo District Court is a public authority",
        "only where required by laws and regulations (such as on a court order)",
        "(APPI Art. 27(1)(i))",
        "(APPI Art. 35(3), (5)).",
    ],
    ("public_authority", "ja"): [
        "「東京地方裁判所」は公的機関であり",
        "法令に基づく場合（裁判所の命令による場合等）に限り",
        "個人情報の保護に関する法律第27条第1項第1号）",
        "個人情報の保護に関する法律第35条第3項及び第5項",
        "ご請求に応じることができません",
    ],
    ("entrustee", "en"): [
        "We cannot respond to your request because",
        "Shipping subcontractor handles personal data on our behalf",
        "not provision to a third party (APPI Art. 27(5)(i))",
        "suspend its use (APPI Art. 35(1), (5))",
        "(APPI Art. 35(3), (5)).",
    ],
    ("entrustee", "ja"): [
        "「配送業務の委託先」は",
        "取扱いを委託している委託先",
        "第三者への提供に当たらない",
        "個人情報の保護に関する法律第27条第5項第1号",
        "利用停止のご請求",
    ],
}
NAMED = {"public_authority": "tokyo_district_court", "entrustee": "shipping"}


@pytest.mark.parametrize(("why", "lang"), list(CASES), ids=lambda x: str(x))
def test_r_req_4_art_36_a_suspension_it_cannot_carry_out_is_refused_in_writing_at_submit(
    store: Store, why: str, lang: str
) -> None:
    engine, s = _engine(store)

    r = _stop(engine, s, [NAMED[why]], lang)

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is G.NO_GROUND_UNDER_ART_35
    assert r.statement is not None and r.language == lang
    for words in CASES[(why, lang)]:
        assert words in r.statement, (words, r.statement)
    # Kept like every refusal: the request, its statement, its letter, its audit trail.
    assert engine.requests.get(r.id) == r
    assert [x.id for x in engine.requests.for_subject(s)] == [r.id]
    assert r.details["not_stopped"] == [{"recipient": NAMED[why], "kind": why}]
    answer = engine.requests.answer(r.id)
    assert answer.ground is G.NO_GROUND_UNDER_ART_35 and answer.fee == 0
    assert answer.statement == r.statement and r.statement.split("\n\n")[1] in answer.to_html()
    events = [(e.kind, e.payload) for e in engine.audit_events() if e.kind.startswith("request.")]
    assert [k for k, _ in events] == ["request.received", "request.refused"]
    refused = events[1][1]
    assert refused["ground"] == "no_ground" and refused["by"] == "intake"
    assert refused["not_stopped"] == [NAMED[why]]
    # Nothing was stopped: the request put no restriction in force.
    assert engine.check_provision(
        s, recipient="partner", items={"email"}, purpose="service"
    ).allowed


def test_r_req_4_art_36_the_refusal_at_submit_leaves_no_data_of_the_person_around(
    store: Store,
) -> None:
    engine, s = _engine(store)
    r = _stop(engine, s, ["tokyo_district_court", "regulator", "shipping"], "en")
    assert r.state is pp.RequestState.REFUSED and r.statement is not None
    log = json.dumps([dict(e.payload) for e in engine.audit_events()], ensure_ascii=False)
    for text in (REF, "Explanation", "public authority"):
        assert text not in log
    assert REF not in repr(r) and "public authority" not in repr(r)
    assert r.details["not_stopped"] == [
        {"recipient": "regulator", "kind": "public_authority"},
        {"recipient": "shipping", "kind": "entrustee"},
        {"recipient": "tokyo_district_court", "kind": "public_authority"},
    ]
    # Both public authorities in one sentence, the entrustee in its own.
    assert "Regulatory agency with authority over the company and Tokyo District Court are " in (
        r.statement
    )


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_r_req_7_a_suspension_naming_one_it_can_stop_stops_it_and_says_why_not_the_others(
    store: Store, lang: str
) -> None:
    """Art. 35(4): the business stops provision the person has a right to have stopped;
    naming a court beside the partner does not take that right away."""
    engine, s = _engine(store)
    r = _stop(engine, s, ["partner", "tokyo_district_court"], lang)
    assert r.state is pp.RequestState.RECEIVED
    assert r.details["recipients"] == ["partner", "tokyo_district_court"]  # as asked
    assert r.details["not_stopped"] == [
        {"recipient": "tokyo_district_court", "kind": "public_authority"}
    ]
    assert engine.requests.verify(r.id).state is pp.RequestState.VERIFIED

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    stopped, court = {
        "en": ("we have stopped providing to Service partner", "Tokyo District Court is a public"),
        "ja": (
            "「サービス提携先」への提供を停止いたしました",
            "「東京地方裁判所」は公的機関であり",
        ),
    }[lang]
    assert stopped in answer.statement and court in answer.statement
    assert not engine.check_provision(
        s, recipient="partner", items={"email"}, purpose="service"
    ).allowed
    restricted = [e.payload for e in engine.audit_events() if e.kind == "request.restricted"]
    assert [p["recipients"] for p in restricted] == [["partner"]]


def test_r_req_7_malformed_recipients_stay_typed_errors_and_record_nothing(store: Store) -> None:
    engine, s = _engine(store)
    with pytest.raises(pp.UnknownRecipient):
        _stop(engine, s, ["ghost"], "en")
    with pytest.raises(pp.InvalidInput, match="recipients"):
        engine.requests.submit(
            K.SUSPENSION_OF_USE, subject=s, details={"recipients": ["tokyo_district_court"]}
        )
    with pytest.raises(pp.InvalidInput, match="reserved"):
        engine.requests.submit(
            K.SUSPENSION_OF_PROVISION,
            subject=s,
            details={"not_stopped": [{"recipient": "partner", "kind": "entrustee"}]},
        )
    assert engine.requests.for_subject(s) == []
    assert not [e for e in engine.audit_events() if e.kind.startswith("request.")]
