"""Seed 004, CarbGeM Inc. (``examples/policies/carbgem.toml``).

CarbGeM publishes the purposes, window and partner companies of each service before it
collects (L9), does not use data beyond those purposes without consent and makes only
statistics that identify no one (L13). It discloses data to third parties only with
consent, including its affiliates and its subcontractors, whom it binds to
confidentiality and forbids to re-provide the data or use it beyond the purposes (L17),
and cooperates only with requests of courts, prosecutors, police or under the law (L17).
Staff are restricted per purpose and each service has a responsible person (L21), a
procedure and a storage period (L25); disclosure may cost a fee (L29).

Which lines each test plays:

- L13 beyond the purposes: ``test_r_use_4_*``; statistics that identify no one:
  ``test_r_use_8_*``, ``test_r_tpp_6_*``.
- L17 affiliates and subcontractors on consent: ``test_r_tpp_1_*``, ``test_r_rec_1_*``,
  ``test_r_sec_2_*``; courts, prosecutors, police: ``test_r_tpp_2_*``.
- L21 staff per purpose: ``test_r_sec_1_*``; each service with its responsible person,
  window and storage period: ``test_r_use_10_*``, ``test_r_acc_1_*`` (L25).
- L29 fee for disclosure: ``test_r_req_9_*``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import pipolicy as pp

from ._support import JST, example, example_data, start

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JST)
PROFILE = frozenset({"name", "address", "date_of_birth", "phone", "email"})
TERMS = pp.Evidence(method="terms-of-use", ref="analysis-service-terms-v3")
ANALYSIS = pp.Actor("staff-3", roles=frozenset({"analysis_staff"}))
SUPPORT = pp.Actor("staff-5", roles=frozenset({"support_staff"}))
MARKETING = pp.Actor("staff-8", roles=frozenset({"marketing_staff"}))
ANALYST = pp.Actor("staff-9", roles=frozenset({"analyst"}))


@pytest.fixture
def running() -> tuple[pp.Engine, pp.FixedClock]:
    return start("carbgem", NOW)


def customer(engine: pp.Engine) -> pp.Subject:
    """A customer of the analysis service, who also answered the optional questions (L9, L13)."""
    s = engine.register_subject("customer-1", category="customer")
    engine.acquire(
        s,
        items=PROFILE | {"hobbies", "usage_history"},
        purposes={"analysis_service", "analysis_support", "statistics"},
        channel="web",
        source="analysis service sign-up",
        opted_in={"hobbies", "usage_history"},
    )
    return s


# -- L13: within the published purposes ------------------------------------------------


def test_r_use_4_not_beyond_the_published_purposes_without_consent(engine: pp.Engine) -> None:
    s = customer(engine)

    d = engine.check_use(s, purpose="newsletter", items={"email"}, actor=MARKETING)
    assert not d.allowed
    assert d.basis is None
    assert "APPI Art. 18(1)" in d.citations

    consent = engine.grant_consent(s, purpose="newsletter", evidence=TERMS)
    after = engine.check_use(s, purpose="newsletter", items={"email"}, actor=MARKETING)
    assert after.allowed
    assert after.basis is pp.Basis.CONSENT
    assert after.consent_id == consent.id


def test_r_use_4_statistics_are_drawn_from_the_data_notified_for_them(engine: pp.Engine) -> None:
    s = customer(engine)

    d = engine.check_use(
        s, purpose="statistics", items={"date_of_birth", "hobbies", "usage_history"}, actor=ANALYST
    )

    assert d.allowed
    assert d.basis is pp.Basis.NOTIFIED_PURPOSE


def test_r_use_8_a_hobby_distribution_may_be_sent_to_a_third_party_without_consent(
    engine: pp.Engine,
) -> None:
    rows = [{"hobbies": "running", "subject": f"p{i}"} for i in range(10)] + [
        {"hobbies": "reading", "subject": f"p{i}"} for i in range(30)
    ]
    rows += [{"hobbies": "falconry", "subject": "p99"}]

    table = pp.aggregate(rows, ["hobbies"], engine.policy.statistics_min_group)
    d = engine.provide_statistics(recipient="affiliate", purpose="statistics", table=table)

    assert dict(table.groups) == {("running",): 10, ("reading",): 30}
    assert table.suppressed == 1
    assert d.allowed
    assert d.basis is pp.Basis.ANONYMIZED
    assert "APPI Art. 2(1)" in d.citations


def test_r_tpp_6_a_distribution_with_a_single_person_identifies_them(engine: pp.Engine) -> None:
    table = pp.Aggregate(dimensions=("hobbies",), groups={("reading",): 30, ("falconry",): 1})

    with pytest.raises(pp.ProvisionDenied) as denied:
        engine.provide_statistics(recipient="affiliate", purpose="statistics", table=table)

    assert denied.value.decision.basis is None


# -- L21: staff restricted per purpose ---------------------------------------------------


def test_r_sec_1_only_the_staff_of_a_purpose_handle_its_data(engine: pp.Engine) -> None:
    s = customer(engine)

    d = engine.check_use(s, purpose="analysis_service", items={"name", "address"}, actor=ANALYSIS)
    assert d.allowed
    assert d.basis is pp.Basis.NOTIFIED_PURPOSE

    for outsider in (SUPPORT, MARKETING, ANALYST):
        denied = engine.check_use(
            s, purpose="analysis_service", items={"name", "address"}, actor=outsider
        )
        assert not denied.allowed
        assert denied.basis is None
        assert "APPI Art. 24" in denied.citations


def test_r_sec_1_a_use_without_an_actor_is_denied_where_staff_are_restricted(
    engine: pp.Engine,
) -> None:
    s = customer(engine)

    d = engine.check_use(s, purpose="analysis_service", items={"name"})

    assert not d.allowed
    assert "APPI Art. 24" in d.citations
    with pytest.raises(pp.UseDenied):
        engine.use(s, purpose="analysis_service", items={"name"})


def test_r_sec_1_support_answers_inquiries_but_does_not_analyse(engine: pp.Engine) -> None:
    s = customer(engine)

    support = engine.check_use(
        s, purpose="analysis_support", items={"name", "phone"}, actor=SUPPORT
    )
    statistics = engine.check_use(s, purpose="statistics", items={"hobbies"}, actor=SUPPORT)

    assert support.allowed
    assert not statistics.allowed


# -- L21, L25, L29: each service --------------------------------------------------------------


def test_r_use_10_each_service_has_its_window_responsible_person_and_storage_period() -> None:
    policy = example("carbgem")

    assert set(policy.services) == {"analysis", "newsletter"}
    for service in policy.services.values():
        assert service.window
        assert service.responsible
        assert service.retention is not None
    grouped = set().union(*(s.purposes for s in policy.services.values()))
    assert grouped == set(policy.purposes)


def test_r_use_10_a_service_without_a_responsible_person_is_rejected() -> None:
    data = example_data("carbgem")
    del data["services"]["newsletter"]["responsible"]

    with pytest.raises(pp.PolicyError) as error:
        pp.policy_from_dict(data)

    assert [p.location for p in error.value.problems] == ["services.newsletter.responsible"]


def test_r_acc_1_a_leavers_data_is_reported_after_the_storage_period(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = engine.register_subject("customer-2", category="customer")
    engine.grant_consent(s, purpose="newsletter", evidence=TERMS)
    engine.acquire(s, items={"name", "email"}, purposes="newsletter", channel="web")
    clock.advance(timedelta(days=10))
    engine.mark_left(s)

    clock.advance(timedelta(days=29))  # 29 days after leaving: the 30 days still run
    assert [e for e in engine.retention_report() if e.subject_id == s.id] == []

    clock.advance(timedelta(days=2))
    (entry,) = [e for e in engine.retention_report() if e.subject_id == s.id]
    assert entry.items == frozenset({"name", "email"})
    assert entry.legal_hold == frozenset()


# -- L17: affiliates and subcontractors, only with consent --------------------------------


def test_r_tpp_1_affiliates_are_third_parties_and_need_consent(engine: pp.Engine) -> None:
    s = customer(engine)
    affiliate = example("carbgem").recipient("affiliate")
    assert affiliate.affiliate is True
    assert affiliate.kind is pp.RecipientKind.THIRD_PARTY

    without = engine.check_provision(
        s,
        actor=ANALYSIS,
        recipient="affiliate",
        items={"name", "email"},
        purpose="analysis_service",
    )
    assert not without.allowed
    assert without.basis is None
    assert "APPI Art. 27(1)" in without.citations

    consent = engine.grant_consent(
        s, recipient="affiliate", items={"name", "email"}, evidence=TERMS
    )
    d = engine.check_provision(
        s,
        actor=ANALYSIS,
        recipient="affiliate",
        items={"name", "email"},
        purpose="analysis_service",
    )
    assert d.allowed
    assert d.basis is pp.Basis.CONSENT
    assert d.consent_id == consent.id
    assert "APPI Art. 27(1)" in d.citations


def test_r_rec_1_a_provision_to_an_affiliate_is_recorded_for_three_years(
    engine: pp.Engine,
) -> None:
    s = customer(engine)
    consent = engine.grant_consent(s, recipient="affiliate", items={"name"}, evidence=TERMS)

    record = engine.provide(
        s, actor=ANALYSIS, recipient="affiliate", items={"name"}, purpose="analysis_service"
    )

    assert record.required_by_law is True
    assert record.consent_id == consent.id
    # The record is the business's, in its default language (Japanese).
    assert record.recipient_name == "関連会社"
    assert record.provided_at == NOW
    # Enforcement Rules Art. 21(iii): three years from the record. 2028 is a leap year, so
    # three years from 2026-11-22 is 1,096 days.
    assert record.keep_until is not None
    assert record.keep_until >= NOW.replace(year=NOW.year + 3)
    assert engine.provisions(s) == (record,)


def test_r_tpp_1_subcontractors_too_receive_data_only_with_consent(engine: pp.Engine) -> None:
    s = customer(engine)

    # The law would let an entrustee receive this without consent (Art. 27(5)(i)); L17
    # promises the customer's consent first, and the policy is allowed to be stricter.
    without = engine.check_provision(
        s,
        actor=ANALYSIS,
        recipient="subcontractor",
        items={"name", "address"},
        purpose="analysis_service",
    )
    assert not without.allowed
    assert without.basis is None

    engine.grant_consent(s, recipient="subcontractor", items={"name", "address"}, evidence=TERMS)
    d = engine.check_provision(
        s,
        actor=ANALYSIS,
        recipient="subcontractor",
        items={"name", "address"},
        purpose="analysis_service",
    )
    assert d.allowed
    assert d.basis is pp.Basis.CONSENT


def test_r_tpp_1_subcontractors_stay_within_the_scope_necessary_for_each_service(
    engine: pp.Engine,
) -> None:
    s = customer(engine)
    engine.grant_consent(s, recipient="subcontractor", items={"name", "address"}, evidence=TERMS)
    # Nor does a consent reach beyond what the subcontractor receives: none is recorded.
    with pytest.raises(pp.ConsentNotApplicable):
        engine.grant_consent(
            s, recipient="subcontractor", items={"name", "address", "phone"}, evidence=TERMS
        )

    other_purpose = engine.check_provision(
        s, actor=ANALYSIS, recipient="subcontractor", items={"name"}, purpose="statistics"
    )
    other_items = engine.check_provision(
        s, actor=ANALYSIS, recipient="subcontractor", items={"phone"}, purpose="analysis_service"
    )

    assert not other_purpose.allowed
    assert not other_items.allowed


def test_r_sec_2_the_subcontract_binds_confidentiality_and_forbids_re_provision() -> None:
    contract = example("carbgem").recipient("subcontractor").contract

    assert contract is not None
    assert contract.confidentiality is True
    assert contract.no_reprovision is True


# -- L17: courts, public prosecutors offices, police --------------------------------------


@pytest.mark.parametrize("authority", ["court", "public_prosecutors_office", "police"])
def test_r_tpp_2_courts_prosecutors_and_police_under_the_law(
    engine: pp.Engine, authority: str
) -> None:
    s = customer(engine)
    reference = f"{authority} request No. 2026-9 under the Code of Criminal Procedure"

    d = engine.check_provision(
        s,
        actor=ANALYSIS,
        recipient=authority,
        items={"name", "phone"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=reference,
    )
    assert d.allowed
    assert d.basis is pp.Basis.EXEMPTION
    assert "APPI Art. 27(1)(i)" in d.citations

    record = engine.provide(
        s,
        actor=ANALYSIS,
        recipient=authority,
        items={"name", "phone"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=reference,
    )
    assert record.justification == reference
    assert record.required_by_law is False


def test_r_tpp_2_only_requests_under_the_law_are_cooperated_with(engine: pp.Engine) -> None:
    s = customer(engine)

    without = engine.check_provision(s, actor=ANALYSIS, recipient="police", items={"name"})
    informal = engine.check_provision(
        s,
        actor=ANALYSIS,
        recipient="police",
        items={"name"},
        exemption=pp.Exemption.STATE_COOPERATION,
        justification="informal request by telephone",
    )

    assert not without.allowed
    assert not informal.allowed
    assert informal.basis is None


# -- L29: the fee ------------------------------------------------------------------------------


def test_r_req_9_disclosure_carries_the_published_fee_and_nothing_else_does() -> None:
    fees = dict(example("carbgem").requests.fees)

    assert fees == {pp.RequestKind.DISCLOSURE: 1000}


def test_r_req_9_a_fee_for_stopping_use_is_rejected() -> None:
    data = example_data("carbgem")
    data["requests"]["fees"]["suspension_of_use"] = 500

    with pytest.raises(pp.PolicyError) as error:
        pp.policy_from_dict(data)

    assert [p.location for p in error.value.problems] == ["requests.fees.suspension_of_use"]


@pytest.mark.parametrize(
    ("kind", "fee"),
    [
        (pp.RequestKind.DISCLOSURE, 1000),
        (pp.RequestKind.CORRECTION, 0),
        (pp.RequestKind.SUSPENSION_OF_USE, 0),
        (pp.RequestKind.DELETION, 0),
    ],
)
def test_r_req_9_a_request_carries_the_fee_of_its_kind(
    engine: pp.Engine, kind: pp.RequestKind, fee: int
) -> None:
    s = customer(engine)

    r = engine.requests.submit(kind, subject=s, applicant=pp.Applicant.person())

    assert r.fee == fee


# -- Legal correctness: L25 retention from leaving; L29 each service's window ----------------


def test_r_acc_1_004_l25_an_active_subscriber_is_never_reported_for_deletion(
    store: pp.Store,
) -> None:
    """L25 applies the storage period to "customers who no longer use our service": a
    subscriber who still reads the newsletter is not due 30 days after signing up, and a
    deletion request's investigation does not call their data "no longer needed"."""
    engine, clock = start("carbgem", NOW, store)
    s = engine.register_subject("subscriber", category="customer")
    engine.grant_consent(s, purpose="newsletter", evidence=TERMS)
    engine.acquire(s, items={"name", "email"}, purposes="newsletter", channel="web")
    clock.advance(timedelta(days=400))
    assert engine.retention_report() == []
    r = engine.requests.submit(pp.RequestKind.DELETION, subject=s)
    found = engine.requests.investigate(r.id)
    assert not any(f.kind.value == "no_longer_needed" for f in found.findings)

    engine.mark_left(s)  # at 10:00: that day is not counted (Civil Code Art. 140)
    clock.advance(timedelta(days=30))  # 10:00 on the 30th day: its last day
    assert engine.retention_report() == []
    clock.advance(timedelta(hours=14))  # its midnight: the period has run out (Art. 141)
    (entry,) = engine.retention_report()
    assert entry.subject_id == s.id


def test_r_use_10_004_l29_the_answer_names_the_services_own_window(store: pp.Store) -> None:
    """L29 "contact us directly to the inquiry window of each service"."""
    engine, _ = start("carbgem", NOW, store)
    s = customer(engine)
    for lang, window in (
        ("en", "Inquiry window of the newsletter service"),
        ("ja", "ニュースレターサービスのお問い合わせ窓口"),
    ):
        about = engine.requests.submit(
            pp.RequestKind.DISCLOSURE, subject=s, details={"service": "newsletter"}, language=lang
        )
        generic = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, language=lang)
        for r in (about, generic):
            engine.requests.refuse(
                r.id, ground=pp.RefusalGround.IDENTITY_UNCONFIRMED, explanation="see our letter"
            )
        assert window in (engine.requests.get(about.id).statement or "")
        assert window not in (engine.requests.get(generic.id).statement or "")
    with pytest.raises(pp.InvalidInput, match="unknown service"):
        engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, details={"service": "nope"})
