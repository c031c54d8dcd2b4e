"""Seed 000 (Indigo Blue), §2-§3: disclosure, revision and deletion, and the three grounds
on which a customer may ask the company to terminate usage, each investigated from
pipolicy's own records before usage is terminated (L46-L53)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.requests import FindingKind, MemorySource
from pipolicy.storage.repositories import Store

from .support import T0, verified

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "indigo_blue.toml"
K = pp.RequestKind
CUSTOMER = "customer-31"


@pytest.fixture
def indigo_blue(store: Store) -> tuple[pp.Engine, MemorySource]:
    engine = pp.Engine(pp.load_policy(POLICY), store=store, clock=pp.FixedClock(T0))
    crm = MemorySource({CUSTOMER: {"name": "Aoi Kato", "email": "aoi@example.jp"}})
    engine.register_source("crm", crm)
    return engine, crm


def customer(engine: pp.Engine) -> pp.Subject:
    """L10: the purpose is specified in advance and permission is gained before collecting."""
    s = engine.register_subject(CUSTOMER, category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web-form", "signup"))
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    return s


def used_beyond_purpose(engine: pp.Engine, s: pp.Subject) -> None:
    # L50: "usage ... recognized to have gone outside of the intended purposes of use".
    with pytest.raises(pp.UseDenied):
        engine.use(s, purpose="terms_enforcement", items={"email"})


def gathered_inappropriately(engine: pp.Engine, s: pp.Subject) -> None:
    # L51: "The method with which the company gathered ... to have been inappropriate":
    # hobbies asked for customization without the permission L10 promises.
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(
            s,
            items={"name", "hobbies"},
            purposes={"customization"},
            channel="web",
            opted_in={"hobbies"},
        )


def provided_without_permission(engine: pp.Engine, s: pp.Subject) -> None:
    # L52: "disclosed the user's personal information to a third party, without permission".
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(s, recipient="partner", items={"email"}, purpose="service")


GROUNDS: list[tuple[str, Callable[[pp.Engine, pp.Subject], None], pp.RequestKind, FindingKind]] = [
    ("outside_purposes", used_beyond_purpose, K.SUSPENSION_OF_USE, FindingKind.USE_BEYOND_PURPOSE),
    (
        "inappropriate_gathering",
        gathered_inappropriately,
        K.SUSPENSION_OF_USE,
        FindingKind.IMPROPER_ACQUISITION,
    ),
    (
        "third_party_without_permission",
        provided_without_permission,
        K.SUSPENSION_OF_PROVISION,
        FindingKind.PROVISION_WITHOUT_BASIS,
    ),
]


@pytest.mark.parametrize(
    ("event", "kind", "finding"), [g[1:] for g in GROUNDS], ids=[g[0] for g in GROUNDS]
)
def test_r_req_7_each_termination_ground_is_investigated_from_the_record(
    indigo_blue: tuple[pp.Engine, MemorySource],
    event: Callable[[pp.Engine, pp.Subject], None],
    kind: pp.RequestKind,
    finding: FindingKind,
) -> None:
    engine, _ = indigo_blue
    s = customer(engine)
    event(engine, s)
    r = verified(engine, kind, s)

    # L48: "the company will swiftly conduct an investigation of the facts"
    inv = engine.requests.investigate(r.id)
    assert inv.supports
    assert {f.kind for f in inv.relevant} == {finding}

    # L48: "terminate usage of the personal information"
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.FULFILLED
    assert [f.kind for f in answer.findings] == [finding]
    if kind is K.SUSPENSION_OF_USE:
        assert not engine.check_use(s, purpose="service", items={"email"}).allowed
    else:
        engine.grant_consent(s, recipient="partner", items={"email"})  # even with consent now
        d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
        assert not d.allowed
        assert any(r.id in reason for reason in d.reasons)


def test_r_req_7_a_clean_record_shows_no_ground(
    indigo_blue: tuple[pp.Engine, MemorySource],
) -> None:
    engine, _ = indigo_blue
    s = customer(engine)
    engine.use(s, purpose="service", items={"email"})  # within the purpose: no finding
    r = verified(engine, K.SUSPENSION_OF_USE, s)

    inv = engine.requests.investigate(r.id)

    assert inv.findings == ()
    assert not inv.supports
    assert "no ground" in inv.summary()


def test_r_req_5_customers_may_request_disclosure_revision_and_deletion(
    indigo_blue: tuple[pp.Engine, MemorySource],
) -> None:
    # §2 (L37): "the personal information will be swiftly disclosed, revised, and/or deleted".
    engine, crm = indigo_blue
    s = customer(engine)

    disclosed = engine.requests.fulfil(verified(engine, K.DISCLOSURE, s).id)
    revised = engine.requests.fulfil(
        verified(engine, K.CORRECTION, s, details={"changes": {"email": "aoi@example.com"}}).id
    )
    deleted = engine.requests.fulfil(verified(engine, K.DELETION, s).id)

    assert disclosed.report is not None
    [consent] = disclosed.report["consents"]
    assert consent["purpose"] == "service"  # the permission of L10, with its evidence
    assert consent["evidence_ref"] == "signup"
    assert revised.changes == {"email": "corrected"}
    assert deleted.state is pp.RequestState.FULFILLED
    assert crm.get(CUSTOMER) == {}
    # L37 "within a reasonable frame of time": the policy sets 14 days; nothing is late.
    assert {x.due for x in engine.requests.for_subject(s)} == {T0 + timedelta(days=14)}
    assert engine.requests.overdue() == []
