"""Purposes shown before collection in writing (R-NTC-1, Art. 21(2)) and data received
through business succession (R-USE-6, Art. 18(2); seed 003 "inherited through merger")."""

from __future__ import annotations

import attrs
import pytest

import pipolicy as pp
from tests.factories import make_engine, make_policy


def test_r_ntc_1_a_form_without_the_purposes_shown_first_is_refused() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("u1", category="customer")
    check = engine.check_acquisition(
        s, items={"email"}, purposes={"newsletter"}, channel="web", purpose_shown=False
    )
    assert not check.allowed and check.rules == ("R-NTC-1",)
    assert "APPI Art. 21(2)" in check.citations
    with pytest.raises(pp.AcquisitionDenied) as denied:
        engine.acquire(
            s, items={"email"}, purposes={"newsletter"}, channel="mail", purpose_shown=False
        )
    assert denied.value.decision.rules == ("R-NTC-1",)
    assert engine.acquisitions(s) == ()


def test_r_ntc_1_told_by_phone_the_purpose_may_follow_promptly() -> None:
    """Art. 21(1): acquired otherwise than in writing, the purpose is notified or published
    promptly afterwards, so acquisition itself is not refused."""
    engine, _ = make_engine()
    s = engine.register_subject("u2", category="customer")
    acq = engine.acquire(
        s, items={"email"}, purposes={"newsletter"}, channel="telephone", purpose_shown=False
    )
    assert acq.items == frozenset({"email"})


def test_r_ntc_1_the_record_keeps_the_policy_version_and_the_notice_shown() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("u3", category="customer")
    acq = engine.acquire(
        s, items={"email"}, purposes={"newsletter"}, channel="web", notice="signup-form-v3"
    )
    assert acq.policy_version == engine.policy.version
    [event] = [e for e in engine.audit_events() if e.kind == "acquisition.recorded"]
    assert event.payload["notice"] == "signup-form-v3"
    assert event.payload["policy_version"] == engine.policy.version
    with pytest.raises(pp.InvalidInput):
        engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web", notice="\x00")
    with pytest.raises(pp.InvalidInput):
        engine.acquire(
            s,
            items={"email"},
            purposes={"newsletter"},
            channel="web",
            purpose_shown="yes",  # type: ignore[arg-type]
        )


def test_r_use_6_data_received_through_succession_is_used_within_the_predecessors_purposes() -> (
    None
):
    """``signup`` needs permission before collection; data a merger brought in was
    collected by the predecessor, and is usable for its purposes without a new consent,
    and for nothing else."""
    engine, _ = make_engine()
    s = engine.register_subject("merged-1", category="customer")
    assert not engine.check_acquisition(
        s, items={"name", "email"}, purposes={"signup"}, channel="web"
    ).allowed
    acq = engine.acquire(
        s,
        items={"name", "email"},
        purposes={"signup"},
        channel="succession",
        source="Predecessor K.K. (merger of 2026-03-01)",
    )
    assert acq.purposes == frozenset({"signup"})  # the predecessor's purposes
    within = engine.check_use(s, purpose="signup", items={"email"})
    assert within.allowed and within.basis is pp.Basis.BUSINESS_SUCCESSION
    assert within.rules == ("R-USE-6",) and "APPI Art. 18(2)" in within.citations
    beyond = engine.check_use(s, purpose="newsletter", items={"email"})
    assert not beyond.allowed


def test_r_use_6_collected_directly_the_same_purpose_still_needs_permission() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("direct-1", category="customer")
    engine.grant_consent(s, purpose="signup")
    engine.acquire(s, items={"name", "email"}, purposes={"signup"}, channel="web")
    engine.withdraw_consent(s, purpose="signup")
    assert not engine.check_use(s, purpose="signup", items={"email"}).allowed


def test_r_use_6_succession_data_within_the_predecessors_purpose_cites_art_18_2() -> None:
    """Used within the predecessor's purpose, data a merger brought in rests on Art. 18(2),
    and says so: not on a purpose *this* business notified to the person when it
    collected the data (Arts. 18(1), 21(1)), for it collected nothing from them."""
    policy = make_policy(
        languages=("ja",),
        controller=attrs.evolve(make_policy().controller, self_reference="当社"),
    )
    engine, _ = make_engine(policy)
    s = engine.register_subject("merged-2", category="customer")
    engine.acquire(
        s, items={"name", "email"}, purposes={"service"}, channel="succession", source="Pred K.K."
    )
    d = engine.check_use(s, purpose="service", items={"email"})
    assert d.allowed and d.basis is pp.Basis.NOTIFIED_PURPOSE
    assert [r.key for r in d.why] == ["succession_use"] and d.rules == ("R-USE-6",)
    assert d.citations == ("APPI Art. 18(2)", "policy:purposes.service")
    (text,) = engine.explain(d)
    assert "事業の承継" in text and "通知し" not in text

    # Collected directly as well: both grounds, both articles.
    engine.acquire(s, items={"address"}, purposes={"service"}, channel="web")
    d = engine.check_use(s, purpose="service", items={"email", "address"})
    assert [r.key for r in d.why] == ["within_purpose", "succession_use"]
    assert d.citations == (
        "APPI Art. 18(1)",
        "APPI Art. 18(2)",
        "APPI Art. 21(1)",
        "policy:purposes.service",
    )
    # The directly collected item alone rests on the notice, as for any data.
    d = engine.check_use(s, purpose="service", items={"address"})
    assert [r.key for r in d.why] == ["within_purpose"]
