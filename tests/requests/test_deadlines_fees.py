"""R-REQ-8 deadlines and extensions; R-REQ-9 fees; seed 004's "a fee may be charged"."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipolicy as pp
from pipolicy.requests import FEE_KINDS, MemorySource

from .support import JST, T0, customer, passport, shop_policy, verified

K = pp.RequestKind
G = pp.RefusalGround
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


# -- deadlines --------------------------------------------------------------------------


def end_of(day: int, month: int = 12) -> datetime:
    """The end of a day in Tokyo: the first instant of the next one."""
    return datetime(2026, month, day, tzinfo=JST) + timedelta(days=1)


def test_r_req_8_a_request_is_due_fourteen_days_after_receipt_by_default(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = engine.requests.submit(K.DISCLOSURE, subject=person)  # 22 November, 10:00 JST
    assert str(pp.RequestSettings().response) == "14 days"
    assert r.due == end_of(6)  # the whole of 6 December in the policy's zone


def test_r_req_8_the_response_period_is_a_policy_setting(
    store: pp.Store, clock: pp.FixedClock
) -> None:
    engine = pp.Engine(
        shop_policy(pp.RequestSettings(response="30 days")), store=store, clock=clock
    )
    r = engine.requests.submit(K.DELETION, subject=customer(engine))
    assert r.due == end_of(22)


def test_r_req_8_overdue_lists_open_requests_past_their_due_date(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    late = engine.requests.submit(K.DISCLOSURE, subject=person, documents=[passport()])
    answered = verified(engine, K.DISCLOSURE, person)
    engine.requests.fulfil(answered.id)
    withdrawn = engine.requests.submit(K.DELETION, subject=person)
    engine.requests.withdraw(withdrawn.id)
    clock.advance(timedelta(days=7))
    later = engine.requests.submit(K.CORRECTION, subject=person)

    clock.set(end_of(6) - timedelta(microseconds=1))  # the first request's last moment
    assert engine.requests.overdue() == []

    clock.set(end_of(6))  # its last day has ended: it is late
    assert [r.id for r in engine.requests.overdue()] == [late.id]

    at = T0 + timedelta(days=30)
    assert [r.id for r in engine.requests.overdue(at)] == [late.id, later.id]


def test_r_req_8_open_lists_unanswered_requests_by_due_date_and_all_lists_every_one(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    first = engine.requests.submit(K.DISCLOSURE, subject=person)
    withdrawn = engine.requests.submit(K.DELETION, subject=person)
    engine.requests.withdraw(withdrawn.id)
    clock.advance(timedelta(days=1))
    second = engine.requests.submit(K.CORRECTION, subject=person)
    engine.requests.extend(first.id, due=second.due + timedelta(days=1), reason="archives")

    assert [r.id for r in engine.requests.open()] == [second.id, first.id]  # by due date
    assert [r.id for r in engine.requests.all()] == [first.id, withdrawn.id, second.id]
    assert engine.requests.all()[1].state is pp.RequestState.WITHDRAWN


def test_r_req_8_overdue_needs_an_aware_datetime(engine: pp.Engine) -> None:
    with pytest.raises(pp.InvalidInput, match="naive"):
        engine.requests.overdue(datetime(2026, 12, 31))


def test_r_req_8_an_extension_moves_the_due_date_and_keeps_its_reason(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    r = engine.requests.submit(K.DISCLOSURE, subject=person)
    new_due = end_of(20)  # the end of 20 December in Tokyo
    reason = "records are archived off-site; retrieval takes two weeks"

    extended = engine.requests.extend(r.id, due=T0 + timedelta(days=28), reason=reason)

    assert extended.due == new_due
    assert extended.state is pp.RequestState.RECEIVED
    assert extended.history[-1][0] == "extended"
    assert extended.history[-1][2] == reason
    assert extended.details["extensions"] == [
        {
            "at": T0.isoformat(),
            "from": end_of(6).isoformat(),
            "to": new_due.isoformat(),
            "reason": reason,
        }
    ]
    clock.advance(timedelta(days=20))
    assert engine.requests.overdue() == []
    clock.advance(timedelta(days=9))
    assert [x.id for x in engine.requests.overdue()] == [r.id]


@pytest.mark.parametrize("reason", ["", "   "])
def test_r_req_8_an_extension_needs_a_reason(
    engine: pp.Engine, person: pp.Subject, reason: str
) -> None:
    r = engine.requests.submit(K.DISCLOSURE, subject=person)
    with pytest.raises(pp.InvalidInput, match="reason"):
        engine.requests.extend(r.id, due=r.due + timedelta(days=7), reason=reason)
    assert engine.requests.get(r.id).due == r.due


def test_r_req_8_an_extension_must_move_the_due_date_later(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = engine.requests.submit(K.DISCLOSURE, subject=person)
    with pytest.raises(pp.InvalidInput, match="later"):
        engine.requests.extend(r.id, due=r.due, reason="busy")
    with pytest.raises(pp.InvalidInput, match="naive"):
        engine.requests.extend(r.id, due=datetime(2027, 1, 1), reason="busy")


@settings(max_examples=40, deadline=None)
@given(  # at most 30 days: a policy may publish no longer (review 89)
    days=st.integers(min_value=1, max_value=30),
    waited=st.integers(min_value=0, max_value=200 * 24),
)
def test_r_req_8_a_request_is_overdue_exactly_when_its_period_has_passed(
    days: int, waited: int
) -> None:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(shop_policy(pp.RequestSettings(response=days)), clock=clock)
    r = engine.requests.submit(K.DISCLOSURE, subject=customer(engine))
    clock.advance(timedelta(hours=waited))
    last_day = datetime(2026, 11, 22, tzinfo=JST) + timedelta(days=days)
    # Late from the midnight that ends the last day: the instant extend() refuses.
    overdue = T0 + timedelta(hours=waited) >= last_day + timedelta(days=1)
    assert (r.id in {x.id for x in engine.requests.overdue()}) is overdue


def test_r_req_8_a_request_is_overdue_from_the_midnight_ending_its_last_day() -> None:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(shop_policy(), clock=clock)
    r = engine.requests.submit(K.DISCLOSURE, subject=customer(engine))
    clock.set(r.due - timedelta(microseconds=1))  # the last moment of the last day
    assert engine.requests.overdue() == []
    clock.set(r.due)
    assert [x.id for x in engine.requests.overdue()] == [r.id]
    with pytest.raises(pp.InvalidTransition):
        engine.requests.extend(r.id, due=r.due + timedelta(days=7), reason="busy")


# -- fees -------------------------------------------------------------------------------

# Art. 38(1): purpose notification and disclosure, "including as applied under
# Art. 33(5)": the disclosure of provision records.
BOTH = pp.RequestSettings(
    fees={K.DISCLOSURE: 1000, K.PURPOSE_NOTIFICATION: 300, K.PROVISION_RECORDS: 500}
)
EXPECTED = {K.DISCLOSURE: 1000, K.PURPOSE_NOTIFICATION: 300, K.PROVISION_RECORDS: 500}


@pytest.mark.parametrize("kind", list(K))
def test_r_req_9_fees_only_for_purpose_notification_and_disclosure(
    store: pp.Store, clock: pp.FixedClock, kind: pp.RequestKind
) -> None:
    engine = pp.Engine(shop_policy(BOTH), store=store, clock=clock)
    r = engine.requests.submit(kind, subject=customer(engine))
    assert r.fee == EXPECTED.get(kind, 0)


def test_r_req_9_disclosure_of_provision_records_carries_the_published_fee(
    store: pp.Store, clock: pp.FixedClock
) -> None:
    engine = pp.Engine(
        shop_policy(pp.RequestSettings(fees={K.PROVISION_RECORDS: 500})), store=store, clock=clock
    )
    s = customer(engine)
    engine.grant_consent(s, recipient="partner", items={"email"})
    engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    r = verified(engine, K.PROVISION_RECORDS, s)
    assert r.fee == 500

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert answer.fee == 500
    assert "500 yen" in answer.statement
    assert K.PROVISION_RECORDS in FEE_KINDS


def test_r_req_9_a_policy_cannot_publish_a_fee_for_correction_or_deletion() -> None:
    with pytest.raises(pp.PolicyError):
        shop_policy(pp.RequestSettings(fees={K.DELETION: 500}))


def test_r_req_9_the_answer_carries_the_fee_and_the_statement_states_it(
    engine: pp.Engine, person: pp.Subject
) -> None:
    disclosed = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)
    deleted = engine.requests.fulfil(
        verified(engine, K.DELETION, person, details={"items": ["email"]}).id
    )

    assert disclosed.fee == 1000
    assert "1,000 yen" in disclosed.statement
    assert deleted.fee == 0
    assert "yen" not in deleted.statement


# -- seed 004: "Please note that a fee may be charged separately" (L29) ------------------


@pytest.fixture
def carbgem(store: pp.Store, clock: pp.FixedClock) -> pp.Engine:
    engine = pp.Engine(pp.load_policy(EXAMPLES / "carbgem.toml"), store=store, clock=clock)
    engine.register_source(
        "analysis-db", MemorySource({"cust-1": {"name": "Ken", "email": "ken@example.jp"}})
    )
    return engine


def carbgem_customer(engine: pp.Engine) -> pp.Subject:
    s = engine.register_subject("cust-1", category="customer")
    engine.acquire(
        s, items={"name", "email", "phone"}, purposes={"analysis_support"}, channel="email"
    )
    return s


def test_r_req_9_seed_004_charges_for_disclosure_only(carbgem: pp.Engine) -> None:
    s = carbgem_customer(carbgem)
    fees = {
        kind: carbgem.requests.submit(kind, subject=s, documents=[passport()]).fee for kind in K
    }
    assert fees == {kind: 1000 if kind is K.DISCLOSURE else 0 for kind in K}


def test_r_req_9_seed_004_disclosure_is_answered_after_identity_is_confirmed(
    carbgem: pp.Engine,
) -> None:
    # L29: "We will promptly respond ... after we have properly confirmed identity."
    s = carbgem_customer(carbgem)
    r = carbgem.requests.submit(K.DISCLOSURE, subject=s, documents=[passport()])
    with pytest.raises(pp.InvalidTransition):
        carbgem.requests.fulfil(r.id)
    carbgem.requests.verify(r.id)

    answer = carbgem.requests.fulfil(r.id)

    assert answer.fee == 1000
    assert answer.language == "ja"  # the policy's default language
    assert "手数料は、1,000円です" in answer.statement
    assert "株式会社CarbGeM" in answer.to_html()
    in_english = carbgem.requests.submit(
        K.DISCLOSURE, subject=s, documents=[passport()], language="en"
    )
    carbgem.requests.verify(in_english.id)
    answer = carbgem.requests.fulfil(in_english.id)
    assert "1,000 yen" in answer.statement
    assert "CarbGeM Inc." in answer.to_html()


def test_r_req_9_seed_004_correcting_and_stopping_use_are_free(carbgem: pp.Engine) -> None:
    # L25: "If you wish to correct or stop using your personal information".
    s = carbgem_customer(carbgem)
    staff = pp.Actor("staff-1", frozenset({"support_staff"}))
    assert carbgem.check_use(s, purpose="analysis_support", items={"email"}, actor=staff)
    r = verified(carbgem, K.CORRECTION, s, details={"changes": {"email": "ken@example.com"}})
    corrected = carbgem.requests.fulfil(r.id)
    stopped = carbgem.requests.fulfil(verified(carbgem, K.SUSPENSION_OF_USE, s).id)

    assert (corrected.fee, stopped.fee) == (0, 0)
    assert not carbgem.check_use(s, purpose="analysis_support", items={"email"}, actor=staff)


# -- a fee is charged only for a disclosure actually answered (Art. 38(1)) ---------------


def _charged(answer: pp.Answer) -> tuple[int, object]:
    return answer.fee, json.loads(answer.to_json())["fee"]


def test_r_req_9_no_fee_for_a_disclosure_refused_withdrawn_or_not_held(
    engine: pp.Engine, person: pp.Subject
) -> None:
    expired = pp.Document(pp.DocumentKind.PASSPORT, date(2012, 1, 1), date(2022, 1, 1))
    unverified = engine.requests.submit(K.DISCLOSURE, subject=person, documents=[expired])
    engine.requests.verify(unverified.id)
    withdrawn = engine.requests.submit(K.DISCLOSURE, subject=person)
    engine.requests.withdraw(withdrawn.id)
    hindered = verified(engine, K.DISCLOSURE, person)
    engine.requests.refuse(hindered.id, ground=G.BUSINESS_HINDRANCE, explanation="asked daily")
    nobody = engine.register_subject("user-nobody")
    empty = engine.requests.fulfil(verified(engine, K.DISCLOSURE, nobody).id)
    assert empty.ground is G.NOT_RETAINED
    withheld = verified(engine, K.DISCLOSURE, person)
    engine.requests.withhold(
        withheld.id,
        items={"name", "email", "address", "invoice"},
        ground=G.HARM_TO_PERSON,
        explanation="a court protects the address",
    )
    engine.requests.fulfil(withheld.id)

    for r in (unverified, withdrawn, hindered, withheld):
        answer = engine.requests.answer(r.id)
        assert answer.state in (pp.RequestState.REFUSED, pp.RequestState.WITHDRAWN)
        assert _charged(answer) == (0, 0), answer.state
        assert "yen" not in answer.statement
        # The stored request agrees with its answer: nothing is owed.
        assert engine.requests.get(r.id).fee == 0
    assert _charged(empty) == (0, 0)
    assert engine.requests.get(empty.request_id).fee == 0


def test_r_req_9_the_fee_stands_for_a_disclosure_answered_in_full_or_in_part(
    engine: pp.Engine, person: pp.Subject
) -> None:
    whole = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)
    part = verified(engine, K.DISCLOSURE, person)
    engine.requests.withhold(
        part.id, items={"address"}, ground=G.HARM_TO_PERSON, explanation="a court protects it"
    )
    partial = engine.requests.fulfil(part.id)

    assert partial.state is pp.RequestState.PARTIALLY_FULFILLED
    for answer in (whole, partial):
        assert _charged(answer) == (1000, 1000)
        assert _charged(engine.requests.answer(answer.request_id)) == (1000, 1000)
        assert engine.requests.get(answer.request_id).fee == 1000
