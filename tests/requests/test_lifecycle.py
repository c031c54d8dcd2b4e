"""R-REQ-1: request kinds, explicit states and transitions, every step in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import T0, customer, passport, shop_policy, verified

S = pp.RequestState
FINAL = {S.FULFILLED, S.PARTIALLY_FULFILLED, S.REFUSED, S.WITHDRAWN}


def request_events(engine: pp.Engine, request_id: str) -> list[str]:
    return [e.kind for e in engine.audit_events() if e.payload.get("request_id") == request_id]


@pytest.mark.parametrize("kind", list(pp.RequestKind))
def test_r_req_1_every_kind_is_received_with_its_subject(
    engine: pp.Engine, kind: pp.RequestKind
) -> None:
    s = customer(engine)
    r = engine.requests.submit(kind.value, subject=s.id, documents=[passport()])

    assert r.kind is kind
    assert r.state is S.RECEIVED
    assert r.subject_id == s.id
    assert r.received_at == T0
    assert engine.requests.get(r.id) == r
    assert engine.requests.for_subject(s) == [r]


def test_r_req_1_each_step_is_in_the_audit_log_in_order(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=person, documents=[passport()])
    engine.requests.verify(r.id)
    engine.requests.extend(r.id, due=r.due + timedelta(days=7), reason="archive in storage")
    engine.requests.fulfil(r.id)

    assert request_events(engine, r.id) == [
        "request.received",
        "request.verified",
        "request.extended",
        "request.fulfilled",
    ]
    assert engine.verify_audit().ok
    history = [step for step, _, _ in engine.requests.get(r.id).history]
    assert history == ["received", "verified", "extended", "fulfilled"]


def test_r_req_1_fulfilling_before_verification_is_an_invalid_transition(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=person, documents=[passport()])
    with pytest.raises(pp.InvalidTransition, match="verify it first"):
        engine.requests.fulfil(r.id)
    assert engine.requests.get(r.id).state is S.RECEIVED


def test_r_req_1_a_verified_request_cannot_be_verified_again(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, pp.RequestKind.DISCLOSURE, person)
    with pytest.raises(pp.InvalidTransition):
        engine.requests.verify(r.id)


@pytest.mark.parametrize("end", ["fulfil", "refuse", "withdraw"])
def test_r_req_1_an_answered_request_never_changes_again(
    engine: pp.Engine, person: pp.Subject, end: str
) -> None:
    r = verified(engine, pp.RequestKind.DISCLOSURE, person)
    if end == "fulfil":
        engine.requests.fulfil(r.id)
    elif end == "refuse":
        engine.requests.refuse(
            r.id, ground=pp.RefusalGround.BUSINESS_HINDRANCE, explanation="audit in progress"
        )
    else:
        engine.requests.withdraw(r.id)
    before = engine.requests.get(r.id)

    attempts: list[Callable[[], object]] = [
        lambda: engine.requests.verify(r.id),
        lambda: engine.requests.fulfil(r.id),
        lambda: engine.requests.withdraw(r.id),
        lambda: engine.requests.refuse(
            r.id, ground=pp.RefusalGround.VIOLATION_OF_LAW, explanation="see our letter"
        ),
        lambda: engine.requests.extend(r.id, due=before.due + timedelta(days=1), reason="x"),
    ]
    for attempt in attempts:
        with pytest.raises(pp.InvalidTransition):
            attempt()
    assert engine.requests.get(r.id) == before


def test_r_req_1_withdrawal_closes_the_request_with_a_statement(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = engine.requests.submit(pp.RequestKind.DELETION, subject=person, documents=[passport()])
    w = engine.requests.withdraw(r.id)
    assert w.state is S.WITHDRAWN
    assert w.statement is not None
    assert "withdrawn" in w.statement
    assert request_events(engine, r.id)[-1] == "request.withdrawn"


def test_r_req_1_an_unknown_request_is_not_found(engine: pp.Engine) -> None:
    for call in (
        engine.requests.get,
        engine.requests.verify,
        engine.requests.fulfil,
        engine.requests.withdraw,
        engine.requests.investigate,
    ):
        with pytest.raises(pp.RequestNotFound):
            call("no-such-request")


def test_r_req_1_a_request_needs_a_registered_subject(engine: pp.Engine) -> None:
    with pytest.raises(pp.SubjectNotFound):
        engine.requests.submit(pp.RequestKind.DISCLOSURE, subject="nobody")
    with pytest.raises(pp.SubjectNotFound):
        engine.requests.for_subject("nobody")


def test_r_req_1_bad_input_is_rejected_before_anything_is_stored(
    engine: pp.Engine, person: pp.Subject
) -> None:
    bad: list[Callable[[], object]] = [
        lambda: engine.requests.submit("erasure", subject=person),
        lambda: engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=person, method="fax"),
        lambda: engine.requests.submit(
            pp.RequestKind.DISCLOSURE, subject=person, details={"verification": {}}
        ),
        lambda: engine.requests.submit(
            pp.RequestKind.DISCLOSURE, subject=person, details={"purposes": ["service"]}
        ),
        lambda: engine.requests.submit(
            pp.RequestKind.DELETION, subject=person, details={"changes": {"email": "x"}}
        ),
        lambda: engine.requests.submit(
            pp.RequestKind.DISCLOSURE, subject=person, details={"note": object()}
        ),
    ]
    for call in bad:
        with pytest.raises(pp.InvalidInput):
            call()
    with pytest.raises(pp.UnknownItem):
        engine.requests.submit(pp.RequestKind.DELETION, subject=person, details={"items": ["x"]})
    with pytest.raises(pp.UnknownPurpose):
        engine.requests.submit(
            pp.RequestKind.SUSPENSION_OF_USE, subject=person, details={"purposes": ["x"]}
        )
    assert engine.requests.for_subject(person) == []


def test_r_req_1_requests_of_a_subject_are_listed_in_the_order_received(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    other = customer(engine, ref="user-7")
    first = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=person)
    clock.advance(timedelta(hours=1))
    engine.requests.submit(pp.RequestKind.DELETION, subject=other)
    clock.advance(timedelta(hours=1))
    second = engine.requests.submit(pp.RequestKind.CORRECTION, subject=person)

    assert [r.id for r in engine.requests.for_subject(person)] == [first.id, second.id]


# -- a stateful property: the service follows the transition table -------------------------

# The table, written from DESIGN.md independently of the implementation.
ALLOWED = {
    "verify": {S.RECEIVED},
    "refuse": {S.RECEIVED, S.VERIFIED},
    "withdraw": {S.RECEIVED, S.VERIFIED},
    "fulfil": {S.VERIFIED},
    "extend": {S.RECEIVED, S.VERIFIED},
}
# R-REQ-4: before verification only a ground about the application itself may be given.
BEFORE_VERIFICATION = {
    pp.RefusalGround.IDENTITY_UNCONFIRMED,
    pp.RefusalGround.AGENCY_UNCONFIRMED,
    pp.RefusalGround.DOCUMENTS_INCOMPLETE,
}


class RequestMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = pp.FixedClock(T0)
        self.engine = pp.Engine(shop_policy(), clock=self.clock)
        crm = MemorySource()
        self.engine.register_source("crm", crm)
        self.subject = customer(self.engine, crm)
        self.model: dict[str, S] = {}

    @rule(kind=st.sampled_from(list(pp.RequestKind)), valid=st.booleans())
    def submit(self, kind: pp.RequestKind, valid: bool) -> None:
        docs = [passport()] if valid else []
        r = self.engine.requests.submit(kind, subject=self.subject, documents=docs)
        self.model[r.id] = S.RECEIVED

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data(), action=st.sampled_from(sorted(ALLOWED)))
    def act(self, data: st.DataObject, action: str) -> None:
        rid = data.draw(st.sampled_from(sorted(self.model)))
        ground = data.draw(
            st.sampled_from(
                # Both are open for every kind of request (R-REQ-4, Arts. 16(4), 37).
                [pp.RefusalGround.DOCUMENTS_INCOMPLETE, pp.RefusalGround.NOT_RETAINED]
            )
        )
        state = self.model[rid]
        r = self.engine.requests
        calls = {
            "verify": lambda: r.verify(rid).state,
            "refuse": lambda: r.refuse(rid, ground=ground, explanation="statute").state,
            "withdraw": lambda: r.withdraw(rid).state,
            "fulfil": lambda: (
                r.fulfil(rid, changes={"email": "new@example.jp"}).state
                if r.get(rid).kind is pp.RequestKind.CORRECTION
                else r.fulfil(rid).state
            ),
            "extend": lambda: (
                r.extend(rid, due=r.get(rid).due + timedelta(days=1), reason="busy").state
            ),
        }
        allowed = state in ALLOWED[action] and not (
            action == "refuse" and state is S.RECEIVED and ground not in BEFORE_VERIFICATION
        )
        # R-REQ-2, R-REQ-4: once verified, the documents were found sufficient; refusing on
        # a ground about them says otherwise, unless the business records that it
        # withdrew the verification (``verification_withdrawn=True``, not used here).
        if action == "refuse" and state is S.VERIFIED and ground in BEFORE_VERIFICATION:
            allowed = False
        # The customer's invoice is kept by law through any deletion, so pipolicy's records
        # always show data held and not_retained contradicts them (R-REQ-4, R-REQ-7); no
        # provision is ever made, so it stands against a provision records request.
        contradicted = (
            action == "refuse"
            and state is S.VERIFIED
            and ground is pp.RefusalGround.NOT_RETAINED
            and r.get(rid).kind is not pp.RequestKind.PROVISION_RECORDS
        )
        if allowed and contradicted:
            with pytest.raises(pp.InvalidInput, match="not_retained"):
                calls[action]()
        elif allowed:
            new = calls[action]()
            if action == "extend":
                assert new is state
            elif action == "fulfil":
                assert new in FINAL
            elif action == "verify":
                assert new in {S.VERIFIED, S.REFUSED}
            self.model[rid] = new
        else:
            with pytest.raises(pp.InvalidTransition):
                calls[action]()

    @invariant()
    def stored_states_match_the_model(self) -> None:
        for rid, state in self.model.items():
            assert self.engine.requests.get(rid).state is state

    @invariant()
    def the_audit_chain_holds(self) -> None:
        assert self.engine.verify_audit().ok


TestRequestMachine = RequestMachine.TestCase
TestRequestMachine.settings = settings(
    max_examples=30,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_r_req_1_details_are_copied_at_intake(engine: pp.Engine, person: pp.Subject) -> None:
    note = {"channel": "letter", "pages": [1, 2]}
    changes = {"email": "new@example.jp"}
    r = engine.requests.submit(
        pp.RequestKind.CORRECTION, subject=person, details={"note": note, "changes": changes}
    )
    note["pages"].append(3)  # type: ignore[attr-defined]
    changes["email"] = "other@example.jp"

    stored = engine.requests.get(r.id)
    assert stored.details["note"] == {"channel": "letter", "pages": [1, 2]}
    assert stored.details["changes"] == {"email": "new@example.jp"}
