"""R-REQ-7: a suspension of provision may name the recipients it stops (Art. 35(3))."""

from __future__ import annotations

import pytest

import pipolicy as pp

from .support import T0, shop_policy, verified


def test_r_req_7_suspension_of_provision_to_named_recipients_only() -> None:
    engine = pp.Engine(shop_policy(), clock=pp.FixedClock(T0))
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"name", "email"})
    r = verified(
        engine, pp.RequestKind.SUSPENSION_OF_PROVISION, s, details={"recipients": ["partner"]}
    )

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert "providing to Partner Co." in answer.statement  # the title the person read
    assert "Any such provision is refused" in answer.statement
    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert not d.allowed and r.id in d.reasons[0] and "partner" in d.reasons[0]
    court = engine.check_provision(
        s, recipient="court", items={"name"}, exemption="laws_and_regulations", justification="x"
    )
    assert court.allowed  # other recipients, and legal duties, are untouched
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    kinds = {e.kind: e.payload for e in engine.audit_events()}
    assert kinds["request.restricted"]["recipients"] == ["partner"]


def test_r_req_7_recipients_are_checked_and_only_for_provision_suspensions() -> None:
    engine = pp.Engine(shop_policy(), clock=pp.FixedClock(T0))
    s = engine.register_subject("user-1")
    with pytest.raises(pp.UnknownRecipient):
        engine.requests.submit(
            pp.RequestKind.SUSPENSION_OF_PROVISION, subject=s, details={"recipients": ["ghost"]}
        )
    with pytest.raises(pp.InvalidInput, match="recipients"):
        engine.requests.submit(
            pp.RequestKind.SUSPENSION_OF_USE, subject=s, details={"recipients": ["partner"]}
        )
