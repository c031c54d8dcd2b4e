"""Restrictions granted on requests deny later decisions (R-REQ-7), except valid legal exemptions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pipolicy as pp
from tests.factories import make_engine


def restricted(kind: pp.RestrictionKind, **scope: frozenset[str]) -> tuple[pp.Engine, pp.Subject]:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    with engine.store.unit_of_work() as uow:
        uow.restrictions.add(
            pp.Restriction("r1", s.id, kind, clock.now(), request_id="req-7", **scope)
        )
        uow.commit()
    clock.advance(timedelta(seconds=1))
    return engine, s


COURT = {"exemption": pp.Exemption.LAWS_AND_REGULATIONS, "justification": "order 2026-9"}


def test_r_req_7_suspension_of_use_denies_use_and_provision_citing_the_request() -> None:
    engine, s = restricted(pp.RestrictionKind.SUSPEND_USE)
    d = engine.check_use(s, purpose="service", items={"email"})
    assert not d.allowed and "req-7" in d.reasons[0] and "APPI Art. 35" in d.citations
    assert not engine.check_provision(s, recipient="partner", items={"email"})


def test_r_req_7_suspension_of_provision_leaves_use_alone() -> None:
    engine, s = restricted(pp.RestrictionKind.SUSPEND_PROVISION)
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    assert not engine.check_provision(
        s, recipient="partner", items={"email"}, purpose="service"
    ).allowed


def test_r_req_7_restriction_scoped_to_items_spares_the_others() -> None:
    engine, s = restricted(pp.RestrictionKind.SUSPEND_USE, items=frozenset({"email"}))
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed
    assert engine.check_use(s, purpose="service", items={"name"}).allowed


def test_r_req_7_a_legal_exemption_still_reaches_suspended_data() -> None:
    engine, s = restricted(pp.RestrictionKind.SUSPEND_USE)
    d = engine.check_provision(s, recipient="court", items={"name"}, **COURT)
    assert d.allowed and d.basis is pp.Basis.EXEMPTION
    assert engine.check_use(s, purpose="service", items={"name"}, **COURT).allowed


def test_r_req_7_deleted_data_is_out_of_reach_even_for_exemptions() -> None:
    engine, s = restricted(pp.RestrictionKind.DELETED)
    assert not engine.check_provision(s, recipient="court", items={"name"}, **COURT).allowed
    assert not engine.check_use(s, purpose="service", items={"name"}, **COURT).allowed


def test_r_req_7_provision_suspension_scoped_to_recipients() -> None:
    engine, s = restricted(pp.RestrictionKind.SUSPEND_PROVISION, recipients=frozenset({"partner"}))
    assert not engine.check_provision(
        s, recipient="partner", items={"email"}, purpose="service"
    ).allowed
    engine.grant_consent(s, recipient="affiliate", items={"email"})
    assert engine.check_provision(
        s, recipient="affiliate", items={"email"}, purpose="service"
    ).allowed
    assert engine.check_use(s, purpose="service", items={"email"}).allowed


def test_r_req_7_purpose_scoped_suspension_covers_a_provision_naming_no_purpose() -> None:
    engine, s = restricted(pp.RestrictionKind.SUSPEND_PROVISION, purposes=frozenset({"service"}))
    assert not engine.check_provision(s, recipient="affiliate", items={"email"}).allowed
    engine.grant_consent(s, recipient="affiliate", items={"email"})
    assert not engine.check_provision(s, recipient="affiliate", items={"email"}).allowed


def test_r_req_7_suspension_of_provision_spares_entrustment() -> None:
    engine, s = restricted(pp.RestrictionKind.SUSPEND_PROVISION)
    d = engine.check_provision(s, recipient="shipping", items={"name"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.ENTRUSTMENT
    engine2, s2 = restricted(pp.RestrictionKind.SUSPEND_USE)
    assert not engine2.check_provision(s2, recipient="shipping", items={"name"}, purpose="service")


def test_r_req_7_a_person_who_comes_back_after_deletion_can_be_served_again() -> None:
    engine, s = restricted(pp.RestrictionKind.DELETED)
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed
    clock = engine.clock
    assert isinstance(clock, pp.FixedClock)
    clock.advance(timedelta(days=400))
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    # what was deleted and not collected again stays out of reach
    assert not engine.check_use(s, purpose="service", items={"name"}).allowed


def test_r_req_7_data_collected_again_serves_only_the_purposes_it_was_collected_for() -> None:
    """The person comes back for the newsletter only: the e-mail collected now was
    notified for the newsletter, and the service's notice went with the data deleted."""
    engine, s = restricted(pp.RestrictionKind.DELETED)
    clock = engine.clock
    assert isinstance(clock, pp.FixedClock)
    clock.advance(timedelta(days=2))
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")

    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    d = engine.check_use(s, purpose="service", items={"email"})
    assert not d.allowed and "R-USE-4" in d.rules
    assert not engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert list(engine.allowed_subjects(purpose="service", items={"email"})) == []


def test_r_req_7_a_suspension_of_provision_cannot_name_an_entrustee() -> None:
    """Entrusting data is not provision to a third party (Art. 27(5)(i)): a suspension
    of provision (Art. 35(3)) does not reach the entrustee, so a request naming one is
    refused at intake, in writing (tests/requests/test_intake_refusals), rather than
    answered with a promise the decisions do not keep."""
    from tests.factories import make_engine
    from tests.requests.support import passport

    engine, _ = make_engine()
    s = engine.register_subject("u1", category="customer")
    kind = pp.RequestKind.SUSPENSION_OF_PROVISION
    refused = engine.requests.submit(
        kind, subject=s, documents=[passport()], details={"recipients": ["shipping"]}
    )
    assert refused.state is pp.RequestState.REFUSED
    assert refused.ground is pp.RefusalGround.NO_GROUND_UNDER_ART_35
    assert refused.details["not_stopped"] == [{"recipient": "shipping", "kind": "entrustee"}]
    r = engine.requests.submit(
        kind, subject=s, documents=[passport()], details={"recipients": ["partner"]}
    )
    assert r.details["recipients"] == ["partner"]


def test_r_req_7_a_suspension_of_provision_reaches_an_entrustee_abroad() -> None:
    """Abroad, Art. 28 makes an entrustee a third party: a suspension naming it is
    accepted, and stops provision to it even on the person's foreign-informed consent."""
    import attrs

    from tests.factories import make_engine, make_policy
    from tests.requests.support import passport

    base = make_policy()
    us_cloud = attrs.evolve(base.recipients["shipping"], name="us_cloud", country="US")
    engine, _ = make_engine(make_policy(recipients={**base.recipients, "us_cloud": us_cloud}))
    s = engine.register_subject("u1", category="customer")
    items = sorted(us_cloud.items)[:1]
    engine.acquire(s, items=set(items), purposes=sorted(us_cloud.purposes)[:1], channel="web")
    shown = pp.Evidence("web-form", foreign_info="notice-us-v1")
    engine.grant_consent(s, recipient="us_cloud", items=set(items), evidence=shown)
    ask: dict[str, Any] = {
        "recipient": "us_cloud",
        "items": set(items),
        "purpose": sorted(us_cloud.purposes)[0],
    }
    assert engine.check_provision(s, **ask).allowed
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION,
        subject=s,
        documents=[passport()],
        details={"recipients": ["us_cloud"]},
    )
    engine.requests.verify(r.id)
    engine.requests.fulfil(r.id)
    assert not engine.check_provision(s, **ask).allowed
