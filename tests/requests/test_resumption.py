"""R-REQ-7: a suspension the person asked for ends when the person asks to resume.

A suspension of use or provision stops what the person asked to stop; it must not outlive
the person's will. When they ask for it to start again (they sign up for the newsletter
again, they agree to the partner again), ``requests.resume`` lifts what that request put
in force, from then on, with the reason kept in the audit log. A deletion is never lifted:
the data is gone, and what is collected again is held anew.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

import pipolicy as pp

from .support import verified

K = pp.RequestKind
RK = pp.RestrictionKind


def test_r_req_7_a_resumed_suspension_of_use_allows_use_again_from_then_on(
    engine: pp.Engine, person: pp.Subject, clock: pp.FixedClock
) -> None:
    r = verified(engine, K.SUSPENSION_OF_USE, person, details={"purposes": ["service"]})
    answer = engine.requests.fulfil(r.id)
    suspended_at = clock.now()
    assert not engine.check_use(person, purpose="service", items={"email"}).allowed
    clock.advance(timedelta(days=30))

    lifted = engine.requests.resume(r.id, reason="the customer asked to be served again")

    assert lifted.kind is RK.LIFTED and lifted.request_id == r.id
    assert lifted.since == clock.now()
    assert engine.check_use(person, purpose="service", items={"email"}).allowed
    assert engine.check_use_many([pp.UseCheck(person, purpose="service", items={"email"})])[
        0
    ].allowed
    # What was decided while it stood stays decided: a check as of then is still denied.
    clock.set(suspended_at + timedelta(days=1))
    assert not engine.check_use(person, purpose="service", items={"email"}).allowed
    [event] = [e for e in engine.audit_events() if e.kind == "request.resumed"]
    assert event.payload["request_id"] == r.id
    assert event.payload["reason"] == "the customer asked to be served again"
    assert event.payload["restrictions"] == list(answer.restrictions)
    assert event.payload["restriction_id"] == lifted.id


def test_r_req_7_a_resumed_suspension_of_provision_allows_provision_again(
    engine: pp.Engine, person: pp.Subject
) -> None:
    engine.grant_consent(person, recipient="partner", items={"email"})
    r = verified(engine, K.SUSPENSION_OF_PROVISION, person)
    engine.requests.fulfil(r.id)
    q = pp.ProvisionCheck(person, recipient="partner", items={"email"}, purpose="service")
    assert not engine.check_provision_many([q])[0].allowed
    engine.requests.resume(r.id, reason="agreed again on the settings page")
    assert engine.check_provision_many([q])[0].allowed


def test_r_req_7_only_the_resumed_request_is_lifted(engine: pp.Engine, person: pp.Subject) -> None:
    first = verified(engine, K.SUSPENSION_OF_USE, person, details={"purposes": ["service"]})
    engine.requests.fulfil(first.id)
    second = verified(engine, K.SUSPENSION_OF_USE, person, details={"purposes": ["newsletter"]})
    engine.requests.fulfil(second.id)
    engine.grant_consent(person, purpose="newsletter")
    engine.requests.resume(first.id, reason="asked to resume the service")
    assert engine.check_use(person, purpose="service", items={"email"}).allowed
    assert not engine.check_use(person, purpose="newsletter", items={"email"}).allowed


def test_r_req_7_what_cannot_be_resumed_is_refused(engine: pp.Engine, person: pp.Subject) -> None:
    open_one = verified(engine, K.SUSPENSION_OF_USE, person)
    with pytest.raises(pp.InvalidTransition, match="not answered"):
        engine.requests.resume(open_one.id, reason="x")
    engine.requests.fulfil(open_one.id)
    with pytest.raises(pp.InvalidInput, match="reason"):
        engine.requests.resume(open_one.id, reason=" ")
    engine.requests.resume(open_one.id, reason="asked to resume")
    with pytest.raises(pp.InvalidTransition, match="already lifted"):
        engine.requests.resume(open_one.id, reason="again")
    deletion = verified(engine, K.DELETION, person)
    engine.requests.fulfil(deletion.id)
    with pytest.raises(pp.InvalidTransition, match="deletion"):
        engine.requests.resume(deletion.id, reason="x")
    with pytest.raises(pp.RequestNotFound):
        engine.requests.resume("no-such-request", reason="x")
