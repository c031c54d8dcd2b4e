"""Provision by opt-out (R-TPP-8, Art. 27(2)): announced in advance and filed with the PPC,
stopped at the person's request, recorded as Art. 29 asks, and never for special
care-required data nor for data itself received by opt-out."""

from __future__ import annotations

from datetime import date, datetime

import attrs
import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy

T = datetime(2026, 4, 1, 9, 0, tzinfo=JST)


def _policy(**opt_out: object) -> pp.Policy:
    base = make_policy()
    how = {
        "items": {"name", "address"},
        "method": "a form on the website, or the support desk",
        "notified": date(2026, 3, 1),
        "filed": date(2026, 3, 10),
        **opt_out,
    }
    mailer = pp.Recipient(
        "list_broker",
        purposes={"service"},
        items={"name", "address"},
        opt_out=pp.OptOut(**how),  # type: ignore[arg-type]
    )
    return make_policy(recipients={**base.recipients, "list_broker": mailer})


def _person(engine: pp.Engine, ref: str = "u1", **acquired: object) -> pp.Subject:
    s = engine.register_subject(ref, category="customer")
    engine.acquire(s, items={"name", "address"}, purposes={"service"}, channel="web", **acquired)  # type: ignore[arg-type]
    return s


def test_r_tpp_8_opt_out_provision_without_consent_is_recorded() -> None:
    engine, _ = make_engine(_policy(), at=T)
    s = _person(engine)
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.OPT_OUT
    assert "APPI Art. 27(2)" in d.citations and "R-TPP-8" in d.rules
    record = engine.provide(s, recipient="list_broker", items={"name"}, purpose="service")
    assert record.basis is pp.Basis.OPT_OUT and record.required_by_law  # Art. 29
    assert record.consent_id is None


def test_r_tpp_8_not_before_the_notice_and_the_filing_nor_beyond_the_items() -> None:
    engine, clock = make_engine(_policy(), at=datetime(2026, 3, 5, 9, 0, tzinfo=JST))
    s = _person(engine)
    early = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert not early.allowed and "starts on 2026-03-10" in early.reasons[0]
    clock.advance(T - clock.now())
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    beyond = engine.check_provision(
        s, recipient="list_broker", items={"name", "email"}, purpose="service"
    )
    assert not beyond.allowed


def test_r_tpp_8_a_persons_opt_out_request_stops_it() -> None:
    engine, _ = make_engine(_policy(), at=T)
    s = _person(engine)
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION,
        subject=s,
        documents=[pp.Document(pp.DocumentKind.PASSPORT, issued=date(2025, 1, 1))],
        details={"recipients": ["list_broker"], "reason": "I opt out"},
    )
    engine.requests.verify(r.id)
    engine.requests.fulfil(r.id)
    stopped = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert not stopped.allowed


def test_r_tpp_8_data_received_by_opt_out_is_never_passed_on_by_opt_out() -> None:
    engine, _ = make_engine(_policy(), at=T)
    s = engine.register_subject("u2", category="customer")
    engine.acquire(
        s,
        items={"name", "address"},
        purposes={"service"},
        channel="provided_by_business",
        source="List Co.",
        provider_address="1-1 Chiyoda, Tokyo",
        provider_representative="CEO of List Co.",
        provider_obtained_by="opt_out",
    )
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert not d.allowed and "received by opt-out" in d.reasons[0]


def test_r_tpp_8_never_special_care_data_and_the_law_s_items_are_declared() -> None:
    with pytest.raises(pp.PolicyError, match="special care-required: never provided by opt-out"):
        _policy(items={"name", "medical_history"})
    with pytest.raises(pp.PolicyError, match="give both dates"):
        _policy(filed=None)
    with pytest.raises(pp.PolicyError, match="how a person stops"):
        _policy(method=" ")
    base = _policy()
    broker = base.recipients["list_broker"]
    entrustee = attrs.evolve(broker, kind=pp.RecipientKind.ENTRUSTEE, contract=None)
    with pytest.raises(pp.PolicyError, match="to a third party"):
        make_policy(recipients={**base.recipients, "list_broker": entrustee})


def test_r_tpp_8_a_policy_without_the_opt_out_ground_does_not_use_it() -> None:
    from pipolicy.policy.model import DEFAULT_PROVISION_GROUNDS as grounds

    assert "opt_out" in grounds
    engine, _ = make_engine(attrs.evolve(_policy(), provision_grounds=grounds - {"opt_out"}), at=T)
    s = _person(engine)
    assert not engine.check_provision(
        s, recipient="list_broker", items={"name"}, purpose="service"
    ).allowed
