"""Seed 000 (Indigo Blue), §2-§3: disclosure, revision and deletion, and the three grounds
on which a customer may ask the company to terminate usage, each investigated from
pipolicy's own records before usage is terminated (L46-L53)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.audit import AuditEntry
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.requests import FindingKind, MemorySource
from pipolicy.storage.repositories import Store

from .support import T0, verified

POLICY = Path(__file__).resolve().parents[2] / "examples" / "policies" / "indigo_blue.toml"
K = pp.RequestKind
CUSTOMER = "customer-31"
DAY = timedelta(days=1)


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
def test_r_req_7_each_refused_attempt_is_reported_but_is_no_ground(
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
    [attempt] = inv.relevant
    assert (attempt.kind, attempt.denied) == (finding, True)
    # pipolicy refused it, so the usage L50-L52 speaks of did not take place through it.
    assert not inv.supports
    assert "refused at the time" in inv.summary()

    # The company may still terminate usage at the customer's request (L48).
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.FULFILLED
    assert [f.kind for f in answer.findings] == [finding]


def import_audit(store: Store, kind: str, subject_id: str, payload: dict[str, object]) -> None:
    """Append an event from an older system's log, chained like pipolicy's own."""
    with store.unit_of_work() as uow:
        uow.audit.append(AuditEntry.of(T0, kind, subject_id, payload))
        uow.commit()


def used_beyond_purpose_before(store: Store, s: pp.Subject) -> None:
    # The old CRM's log: the e-mail used for terms enforcement on a consent id that the
    # consent records do not hold.
    payload: dict[str, object] = {
        "allowed": True,
        "basis": "consent",
        "action": "use",
        "purpose": "terms_enforcement",
        "items": ["email"],
        "consent_id": "old-crm-17",
    }
    import_audit(store, "use.allowed", s.id, payload)


def gathered_inappropriately_before(store: Store, s: pp.Subject) -> None:
    # Hobbies collected at an event for customization, without the permission L10 promises.
    acquisition = Acquisition(
        "imported-acq",
        s.id,
        frozenset({"name", "hobbies"}),
        frozenset({"customization"}),
        Channel.ORAL,
        "trade fair",
        T0 - 3 * DAY,
        "indigo-blue-1",
        frozenset({"hobbies"}),
    )
    with store.unit_of_work() as uow:
        uow.acquisitions.add(acquisition)
        uow.commit()


def provided_without_permission_before(store: Store, s: pp.Subject) -> None:
    record = ProvisionRecord(
        "imported-1",
        s.id,
        "partner",
        "Service partner",
        frozenset({"email"}),
        "service",
        pp.Basis.CONSENT,
        T0 - 3 * DAY,
        True,
        consent_id="never-given",
    )
    with store.unit_of_work() as uow:
        uow.provisions.add(record)
        uow.commit()


RECORDED: list[tuple[str, Callable[[Store, pp.Subject], None], pp.RequestKind, FindingKind]] = [
    (
        "outside_purposes",
        used_beyond_purpose_before,
        K.SUSPENSION_OF_USE,
        FindingKind.USE_BEYOND_PURPOSE,
    ),
    (
        "inappropriate_gathering",
        gathered_inappropriately_before,
        K.SUSPENSION_OF_USE,
        FindingKind.IMPROPER_ACQUISITION,
    ),
    (
        "third_party_without_permission",
        provided_without_permission_before,
        K.SUSPENSION_OF_PROVISION,
        FindingKind.PROVISION_WITHOUT_BASIS,
    ),
]


@pytest.mark.parametrize(
    ("record", "kind", "finding"), [g[1:] for g in RECORDED], ids=[g[0] for g in RECORDED]
)
def test_r_req_7_each_termination_ground_recorded_is_found_and_terminates_usage(
    indigo_blue: tuple[pp.Engine, MemorySource],
    store: Store,
    record: Callable[[Store, pp.Subject], None],
    kind: pp.RequestKind,
    finding: FindingKind,
) -> None:
    engine, _ = indigo_blue
    s = customer(engine)
    record(store, s)  # handling that took place, recorded before pipolicy was in use
    r = verified(engine, kind, s)

    # L48: "the company will swiftly conduct an investigation of the facts"
    inv = engine.requests.investigate(r.id)
    assert inv.supports
    assert {f.kind for f in inv.grounds} == {finding}
    assert not any(f.denied for f in inv.grounds)

    # L48: "terminate usage of the personal information"
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.FULFILLED
    assert finding.value in {f.kind.value for f in answer.findings}
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
    assert "They show no acquisition, use or provision" in inv.summary()
    assert "no ground" not in inv.summary()


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
    # Due at the end of the 14th day after receipt, in the policy's time zone (Tokyo).
    last_day = T0.replace(hour=0) + timedelta(days=14)
    assert {x.due for x in engine.requests.for_subject(s)} == {last_day + timedelta(days=1)}
    assert engine.requests.overdue() == []


@pytest.mark.parametrize("kind", [K.SUSPENSION_OF_USE, K.DELETION])
def test_r_req_7_provision_without_permission_founds_terminating_usage_and_deletion(
    indigo_blue: tuple[pp.Engine, MemorySource], store: Store, kind: pp.RequestKind
) -> None:
    # L48, L52: usage is terminated when the company "disclosed the user's personal
    # information to a third party, without permission"; R-REQ-7 grants suspension of
    # use and deletion on data "provided without consent".
    engine, _ = indigo_blue
    s = customer(engine)
    provided_without_permission_before(store, s)
    r = verified(engine, kind, s)

    inv = engine.requests.investigate(r.id)

    assert inv.supports
    assert {f.kind for f in inv.grounds} == {FindingKind.PROVISION_WITHOUT_BASIS}
    # A refusal "for want of a ground" would contradict the company's own records.
    with pytest.raises(pp.InvalidInput, match="provision_without_basis"):
        engine.requests.refuse(r.id, ground="no_ground", explanation="we handle it lawfully")
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
