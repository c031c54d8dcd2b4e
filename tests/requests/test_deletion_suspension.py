"""R-REQ-7: deletion, suspension of use and suspension of provision.

pipolicy investigates with its own records; once granted, decisions for that person and
scope are denied citing the request; items under a legal retention duty are kept and
reported as ``legal_retention``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.requests import FindingKind, MemorySource
from pipolicy.storage.repositories import Store

from .support import REF, T0, TAX_DUTY, VALUES, customer, verified

K = pp.RequestKind
RK = pp.RestrictionKind


def denied_citing(d: pp.Decision, request_id: str) -> bool:
    return not d.allowed and any(request_id in reason for reason in d.reasons)


# -- deletion ---------------------------------------------------------------------------


def test_r_req_7_deletion_erases_through_the_sources_and_later_use_is_denied(
    engine: pp.Engine, store: Store, person: pp.Subject, crm: MemorySource
) -> None:
    engine.grant_consent(person, recipient="partner", items={"name", "email"})
    r = verified(engine, K.DELETION, person)

    answer = engine.requests.fulfil(r.id)

    # The invoice is kept under the tax law; everything else is erased.
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert crm.get(REF) == {"invoice": VALUES["invoice"]}
    [outcome] = answer.sources
    assert dict(outcome.items) == {"name": "erased", "email": "erased", "address": "erased"}
    assert denied_citing(engine.check_use(person, purpose="service", items={"email"}), r.id)
    assert denied_citing(
        engine.check_provision(person, recipient="partner", items={"name"}, purpose="service"),
        r.id,
    )
    with store.unit_of_work() as uow:
        stored = uow.restrictions.for_subject(person.id)
    assert {(x.kind, x.items, x.request_id) for x in stored} == {
        (RK.DELETED, frozenset({"name", "email", "address"}), r.id),
        (RK.SUSPEND_USE, frozenset({"invoice"}), r.id),
    }
    assert sorted(answer.restrictions) == sorted(x.id for x in stored)


def test_r_req_7_items_under_a_legal_retention_duty_are_kept_and_reported(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.DELETION, person)

    answer = engine.requests.fulfil(r.id)

    [kept] = answer.retained
    assert (kept.item, kept.ground, kept.reason) == (
        "invoice",
        pp.RefusalGround.LEGAL_RETENTION,
        TAX_DUTY,
    )
    assert "laws and regulations oblige us to keep them" in answer.statement
    assert TAX_DUTY in answer.statement
    assert crm.get(REF)["invoice"] == VALUES["invoice"]
    # Kept for the duty only: not used otherwise.
    assert denied_citing(engine.check_use(person, purpose="service", items={"invoice"}), r.id)
    assert "Items kept under a legal duty" in answer.to_markdown()


def test_r_req_7_a_deletion_of_only_retained_items_erases_nothing_and_says_why(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.DELETION, person, details={"items": ["invoice"]})

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.sources == ()  # nothing to erase anywhere
    assert crm.get(REF) == VALUES
    assert [k.item for k in answer.retained] == ["invoice"]
    assert TAX_DUTY in answer.statement
    assert denied_citing(engine.check_use(person, purpose="service", items={"invoice"}), r.id)
    assert engine.check_use(person, purpose="service", items={"email"}).allowed


def test_r_req_7_deleting_named_items_leaves_the_others_in_use(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.DELETION, person, details={"items": ["address"]})

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert answer.retained == ()
    assert "address" not in crm.get(REF)
    assert denied_citing(engine.check_use(person, purpose="service", items={"address"}), r.id)
    assert engine.check_use(person, purpose="service", items={"email"}).allowed


def disclosed(engine: pp.Engine, person: pp.Subject) -> set[str]:
    report = engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id).report
    assert report is not None
    return {i["item"] for i in report["items"]}


def test_r_req_7_deleted_items_are_no_longer_disclosed_until_collected_again(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject, crm: MemorySource
) -> None:
    engine.requests.fulfil(verified(engine, K.DELETION, person, details={"items": ["email"]}).id)
    assert "email" not in disclosed(engine, person)
    assert not engine.check_use(person, purpose="service", items={"email"}).allowed

    # The person comes back and gives the address again: it is new data, held anew.
    clock.advance(timedelta(days=30))
    engine.acquire(person, items={"email"}, purposes={"service"}, channel="web")
    crm.put(REF, {"email": "new@example.jp"})
    assert "email" in disclosed(engine, person)
    assert engine.check_use(person, purpose="service", items={"email"}).allowed
    assert "address" in disclosed(engine, person)  # never deleted


def test_r_req_7_deleting_what_is_not_held_is_refused_as_not_retained(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DELETION, person, details={"items": ["phone"]})
    answer = engine.requests.fulfil(r.id)
    assert answer.ground is pp.RefusalGround.NOT_RETAINED
    assert engine.check_use(person, purpose="service", items={"email"}).allowed


def test_r_req_7_a_deletion_may_be_refused_for_a_legal_retention_duty(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.DELETION, person, details={"items": ["invoice"]})
    answer = engine.requests.refuse(
        r.id, ground=pp.RefusalGround.LEGAL_RETENTION, explanation=TAX_DUTY
    )
    assert answer.ground is pp.RefusalGround.LEGAL_RETENTION
    assert TAX_DUTY in answer.statement


# -- suspension -------------------------------------------------------------------------


def test_r_req_7_suspension_of_use_denies_every_use_and_provision_citing_the_request(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    engine.grant_consent(person, recipient="partner", items={"name"})
    r = verified(engine, K.SUSPENSION_OF_USE, person)

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert denied_citing(engine.check_use(person, purpose="service", items={"name"}), r.id)
    assert denied_citing(
        engine.check_provision(person, recipient="partner", items={"name"}, purpose="service"),
        r.id,
    )
    assert crm.restrictions(REF) == {
        item: frozenset({RK.SUSPEND_USE}) for item in ("name", "email", "address", "invoice")
    }
    assert crm.get(REF) == VALUES  # suspended, not erased


def test_r_req_7_suspension_for_named_purposes_leaves_other_purposes_allowed(
    engine: pp.Engine, person: pp.Subject
) -> None:
    engine.grant_consent(person, purpose="newsletter")
    r = verified(engine, K.SUSPENSION_OF_USE, person, details={"purposes": ["newsletter"]})

    answer = engine.requests.fulfil(r.id)

    # The purpose as the person read it in the privacy policy, not its code name.
    assert 'for the purposes "To send the newsletter".' in answer.statement
    assert denied_citing(engine.check_use(person, purpose="newsletter", items={"email"}), r.id)
    assert engine.check_use(person, purpose="service", items={"email"}).allowed


def test_r_req_7_suspension_of_provision_denies_provision_but_not_use(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    engine.grant_consent(person, recipient="partner", items={"name", "email"})
    r = verified(engine, K.SUSPENSION_OF_PROVISION, person)

    engine.requests.fulfil(r.id)

    assert denied_citing(
        engine.check_provision(person, recipient="partner", items={"email"}, purpose="service"),
        r.id,
    )
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(person, recipient="partner", items={"email"}, purpose="service")
    assert engine.check_use(person, purpose="service", items={"email"}).allowed
    assert crm.restrictions(REF)["email"] == frozenset({RK.SUSPEND_PROVISION})


def test_r_req_7_restrictions_are_recorded_in_the_audit_log(
    engine: pp.Engine, person: pp.Subject
) -> None:
    r = verified(engine, K.SUSPENSION_OF_USE, person, details={"items": ["email"]})
    answer = engine.requests.fulfil(r.id)

    restricted = [e for e in engine.audit_events() if e.kind == "request.restricted"]
    assert [e.payload["restriction_id"] for e in restricted] == list(answer.restrictions)
    assert restricted[0].payload["restriction"] == "suspend_use"
    assert restricted[0].payload["items"] == ["email"]


# -- investigation ----------------------------------------------------------------------


def kinds(findings: object) -> list[str]:
    return [f.kind.value for f in findings]  # type: ignore[attr-defined]


def test_r_req_7_investigation_lists_a_refused_use_beyond_purpose_as_an_attempt(
    engine: pp.Engine, person: pp.Subject
) -> None:
    with pytest.raises(pp.UseDenied):
        engine.use(person, purpose="newsletter", items={"email"})  # never consented
    r = verified(engine, K.SUSPENSION_OF_USE, person)

    inv = engine.requests.investigate(r.id)

    [finding] = inv.relevant
    assert finding.kind is FindingKind.USE_BEYOND_PURPOSE
    assert finding.denied  # the attempt was refused: the business checks it did not go on
    assert finding.items == frozenset({"email"})
    seq = int(finding.evidence.split(":")[1])
    event = next(e for e in engine.audit_events() if e.seq == seq)
    assert event.kind == "use.denied"
    # pipolicy prevented it: the use did not take place, so it is no ground.
    assert inv.grounds == ()
    assert not inv.supports


def test_r_req_7_investigation_finds_a_provision_without_consent(
    engine: pp.Engine, person: pp.Subject
) -> None:
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(person, recipient="partner", items={"email"}, purpose="service")
    use = verified(engine, K.SUSPENSION_OF_USE, person)
    provision = verified(engine, K.SUSPENSION_OF_PROVISION, person)

    inv = engine.requests.investigate(provision.id)
    assert kinds(inv.relevant) == ["provision_without_basis"]
    assert inv.relevant[0].denied
    assert not inv.supports  # refused, so it never happened
    # It bears on stopping use too (R-REQ-7, seed 000 §3), as an attempt only.
    on_use = engine.requests.investigate(use.id)
    assert kinds(on_use.relevant) == ["provision_without_basis"]
    assert on_use.relevant[0].denied and not on_use.supports


def test_r_req_7_refused_attempts_of_every_kind_are_listed_but_support_nothing(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    # Consented to the newsletter, used it, then withdrew: a later use is refused.
    engine.grant_consent(person, purpose="newsletter")
    engine.use(person, purpose="newsletter", items={"email"})
    clock.advance(timedelta(days=1))
    engine.withdraw_consent(person, purpose="newsletter")
    with pytest.raises(pp.UseDenied):
        engine.use(person, purpose="newsletter", items={"email"})
    # Advice on allergies needs permission first; none was given.
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(
            person, items={"name", "medical_history"}, purposes={"health"}, channel="oral"
        )
    # A provision of an item never acquired.
    engine.grant_consent(person, recipient="partner", items={"name", "email"})
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(person, recipient="partner", items={"phone"}, purpose="service")

    for kind in (K.DELETION, K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION):
        inv = engine.requests.investigate(verified(engine, kind, person).id)
        assert inv.relevant, kind
        assert all(f.denied for f in inv.findings)
        assert not inv.supports
        assert "They show no acquisition, use or provision" in inv.summary()
        assert "no ground" not in inv.summary()

    inv = engine.requests.investigate(verified(engine, K.SUSPENSION_OF_USE, person).id)
    # The refused newsletter use came after a withdrawal: not a use beyond purpose.
    assert sorted(f.kind.value for f in inv.relevant) == [
        "improper_acquisition",
        "provision_without_basis",
        "use_without_consent",
    ]


def test_r_req_7_investigation_checks_provision_records_against_consents(
    engine: pp.Engine, store: Store, person: pp.Subject
) -> None:
    # A record imported from an older system claims a consent this person never gave.
    record = ProvisionRecord(
        id="imported-1",
        subject_id=person.id,
        recipient="partner",
        recipient_name="Partner Co.",
        items=frozenset({"email"}),
        purpose="service",
        basis=pp.Basis.CONSENT,
        provided_at=T0 - timedelta(days=100),
        required_by_law=True,
        consent_id="missing-consent",
    )
    with store.unit_of_work() as uow:
        uow.provisions.add(record)
        uow.commit()
    r = verified(engine, K.SUSPENSION_OF_PROVISION, person)

    [finding] = engine.requests.investigate(r.id).relevant

    assert finding.kind is FindingKind.PROVISION_WITHOUT_BASIS
    assert finding.evidence == "provision:imported-1"
    assert not finding.denied


def test_r_req_7_an_opt_out_provision_after_the_person_said_no_is_a_ground(
    engine: pp.Engine, store: Store, clock: pp.FixedClock, person: pp.Subject
) -> None:
    """A provision by opt-out recorded after the person refused consent to that
    recipient (as pipolicy allowed before it heeded such a no) had no basis: a
    suspension of provision then has its ground (Art. 35(3), R-TPP-8)."""
    engine.refuse_consent(person, recipient="partner", items={"email"})
    record = ProvisionRecord(
        id="opt-out-1",
        subject_id=person.id,
        recipient="partner",
        recipient_name="Partner Co.",
        items=frozenset({"email"}),
        purpose="service",
        basis=pp.Basis.OPT_OUT,
        provided_at=T0 + timedelta(days=1),
        required_by_law=True,
    )
    earlier = attrs.evolve(record, id="opt-out-0", provided_at=T0 - timedelta(days=1))
    with store.unit_of_work() as uow:
        uow.provisions.add(earlier)
        uow.provisions.add(record)
        uow.commit()
    clock.advance(timedelta(days=2))
    r = verified(engine, K.SUSPENSION_OF_PROVISION, person)

    [finding] = engine.requests.investigate(r.id).relevant

    assert finding.kind is FindingKind.PROVISION_WITHOUT_BASIS
    assert finding.evidence == "provision:opt-out-1" and finding.rule == "R-TPP-8"
    with pytest.raises(pp.InvalidInput, match=r"a ground of APPI Art\. 35 stands"):
        engine.requests.refuse(r.id, ground="no_ground", explanation="nothing held")
    answer = engine.requests.fulfil(r.id)
    assert "after this person had refused or withdrawn consent" in answer.to_markdown()


def test_r_req_7_investigation_finds_an_acquisition_without_the_required_permission(
    engine: pp.Engine, store: Store, person: pp.Subject
) -> None:
    # Recorded outside the engine: medical history collected with no consent first (R-USE-7).
    acquisition = Acquisition(
        id="imported-acq",
        subject_id=person.id,
        items=frozenset({"name", "medical_history"}),
        purposes=frozenset({"health"}),
        channel=Channel.ORAL,
        source="shop counter",
        acquired_at=T0 - timedelta(days=5),
        policy_version="shop-1",
    )
    with store.unit_of_work() as uow:
        uow.acquisitions.add(acquisition)
        uow.commit()
    r = verified(engine, K.DELETION, person)

    relevant = engine.requests.investigate(r.id).relevant

    assert {f.rule for f in relevant} == {"R-USE-7", "R-ACQ-3"}
    assert all(f.kind is FindingKind.IMPROPER_ACQUISITION for f in relevant)
    assert all(f.evidence == "acquisition:imported-acq" for f in relevant)


def test_r_req_7_an_acquisition_with_permission_first_is_not_a_finding(
    engine: pp.Engine, person: pp.Subject
) -> None:
    engine.grant_consent(person, purpose="health")
    engine.acquire(person, items={"name", "medical_history"}, purposes={"health"}, channel="oral")
    r = verified(engine, K.DELETION, person)
    assert engine.requests.investigate(r.id).findings == ()


def test_r_req_7_investigation_finds_data_no_longer_needed(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    entrant = engine.register_subject("entrant-1")
    engine.acquire(entrant, items={"email"}, purposes={"campaign"}, channel="web")
    r = verified(engine, K.SUSPENSION_OF_USE, entrant)
    assert not engine.requests.investigate(r.id).supports

    # Collected at 10:00 on 22 November: 30 days from the 23rd (Civil Code Art. 140),
    # through 22 December; the period runs out at its midnight (Art. 141).
    clock.advance(timedelta(days=30))  # 10:00 on 22 December: the last day
    assert not engine.requests.investigate(r.id).supports
    clock.set(datetime(2026, 12, 23, 0, 0, tzinfo=T0.tzinfo))
    [finding] = engine.requests.investigate(r.id).relevant

    assert finding.kind is FindingKind.NO_LONGER_NEEDED
    assert finding.at == datetime(2026, 12, 23, 0, 0, tzinfo=T0.tzinfo)


def test_r_req_7_data_still_held_for_a_running_purpose_is_still_needed(
    engine: pp.Engine, clock: pp.FixedClock, person: pp.Subject
) -> None:
    # The customer's e-mail also came in for a campaign; the campaign ends, the orders
    # (the service) go on: the address is still needed, so there is no ground.
    engine.acquire(person, items={"email"}, purposes={"campaign"}, channel="web")
    clock.advance(timedelta(days=31))
    r = verified(engine, K.DELETION, person, details={"items": ["email"]})
    assert engine.requests.investigate(r.id).findings == ()


def test_r_req_7_denials_caused_by_a_granted_request_are_not_findings(
    engine: pp.Engine, person: pp.Subject
) -> None:
    engine.requests.fulfil(verified(engine, K.SUSPENSION_OF_USE, person).id)
    with pytest.raises(pp.UseDenied):
        engine.use(person, purpose="service", items={"email"})
    later = verified(engine, K.DELETION, person)
    assert engine.requests.investigate(later.id).findings == ()


def test_r_req_7_the_investigation_is_recorded_and_reported_in_the_answer(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    entrant = engine.register_subject("entrant-1")
    engine.acquire(entrant, items={"email"}, purposes={"campaign"}, channel="web")
    clock.advance(timedelta(days=31))  # the campaign's 30 days are over: a ground
    with pytest.raises(pp.UseDenied):
        engine.use(entrant, purpose="newsletter", items={"email"})  # an attempt only
    r = verified(engine, K.DELETION, entrant)
    engine.requests.investigate(r.id)

    stored = engine.requests.get(r.id)
    assert stored.details["investigation"]["supports"] is True  # type: ignore[index]
    assert [e.kind for e in engine.audit_events()][-1] == "request.investigated"

    answer = engine.requests.fulfil(r.id)
    assert sorted(kinds(answer.findings)) == ["no_longer_needed", "use_beyond_purpose"]
    assert "data no longer needed for its purposes: 1" in answer.statement
    assert "use beyond the notified purposes" not in answer.statement  # not a ground
    assert "1 attempt of such handling, which was refused at the time" in answer.statement


@pytest.mark.parametrize("kind", [K.DISCLOSURE, K.CORRECTION, K.PURPOSE_NOTIFICATION])
def test_r_req_7_only_deletion_and_suspension_are_investigated(
    engine: pp.Engine, person: pp.Subject, kind: pp.RequestKind
) -> None:
    r = engine.requests.submit(kind, subject=person)
    with pytest.raises(pp.InvalidInput, match="deletion and suspension"):
        engine.requests.investigate(r.id)


def test_r_req_7_a_second_person_is_not_affected(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    other = customer(engine, crm, ref="user-99")
    engine.requests.fulfil(verified(engine, K.DELETION, person).id)

    assert engine.check_use(other, purpose="service", items={"email"}).allowed
    assert crm.get("user-99") == VALUES


def test_r_req_7_a_deletion_of_everything_withdraws_the_consents_in_force(
    engine: pp.Engine, person: pp.Subject, clock: pp.FixedClock
) -> None:
    """Whoever asks to have all their data erased has not left their consent to the
    newsletter or to a partner standing for data they may give again later."""
    newsletter = engine.grant_consent(person, purpose="newsletter")
    partner = engine.grant_consent(person, recipient="partner", items={"email"})
    r = verified(engine, K.DELETION, person)

    engine.requests.fulfil(r.id)

    ended = {c.id: c.status for c in engine.consents(person)}
    assert ended == {
        newsletter.id: pp.ConsentStatus.WITHDRAWN,
        partner.id: pp.ConsentStatus.WITHDRAWN,
    }
    events = [e for e in engine.audit_events() if e.kind == "consent.withdrawn"]
    assert {e.payload["consent_id"] for e in events} == {newsletter.id, partner.id}
    assert all(e.payload["by_request"] == r.id for e in events)
    # The person comes back and signs up for the service only.
    clock.advance(timedelta(days=30))
    engine.acquire(person, items={"email"}, purposes={"service"}, channel="web")
    assert not engine.check_use(person, purpose="newsletter", items={"email"}).allowed
    assert not engine.check_provision(
        person, recipient="partner", items={"email"}, purpose="service"
    ).allowed


def test_r_req_7_a_deletion_of_some_items_leaves_the_consents_alone(
    engine: pp.Engine, person: pp.Subject
) -> None:
    given = engine.grant_consent(person, purpose="newsletter")
    r = verified(engine, K.DELETION, person, details={"items": ["address"]})
    engine.requests.fulfil(r.id)
    assert [c.status for c in engine.consents(person) if c.id == given.id] == [
        pp.ConsentStatus.GIVEN
    ]
