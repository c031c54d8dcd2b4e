"""Seed 001, the indiGO society (``examples/policies/indigo.toml``, revised 2020-11-11).

The Society handles the personal information of its members (L6), collected through the
web, social media, e-mail, mail, telephone, orally or otherwise (L10-L16), for three
purposes and "use based on laws and regulations" (L20-L28). It provides data to others
only with prior consent, anonymously, to outsourced contractors bound to confidentiality,
or when required by law (L32-L40), and shares data jointly after announcing the joint
use (L44). Its website's cookie is never combined with identifying information without
prior notice (L64-L66). Disclosure requests need listed identity documents, and agents'
certificates at most three months old (L86-L128).

As written, L44 announces four of the five items Art. 27(5)(iii) requires; that policy is
rejected in ``test_policies.py`` and this file plays the corrected one.

Which lines each test plays:

- L10-L16 channels: ``test_r_acq_1_*``; L6 members: ``test_r_use_9_*``.
- L20 no other purpose: ``test_r_use_4_*``; L28 use based on laws only: ``test_r_use_5_*``.
- L32 prior consent: ``test_r_tpp_1_*``; L34 anonymous disclosure: ``test_r_tpp_6_*``;
  L36-L38 outsourcing: ``test_r_tpp_3_*``,
  ``test_r_sec_2_*``; L40 required by law: ``test_r_tpp_2_*``.
- L44 joint use after notification: ``test_r_tpp_5_*``.
- L64-L66 cookies: ``test_r_pri_1_*``.
- L80-L144 the disclosure procedure: required documents ``test_r_req_3_*``, the grounds
  for not responding ``test_r_req_4_*``.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

import pipolicy as pp
from pipolicy.domain.exemptions import applies
from tests.factories import recorded_earlier

from ._support import JST, example, example_data, start

NOW = datetime(2020, 12, 1, 10, 0, tzinfo=JST)
CONSULTATION = frozenset({"name", "email", "phone", "address", "consultation"})
ORDER = "court order (Wa) No. 2020-456"


@pytest.fixture
def running() -> tuple[pp.Engine, pp.FixedClock]:
    return start("indigo", NOW)


def member(engine: pp.Engine, ref: str = "member-1") -> pp.Subject:
    """A member who asked for a consultation (L22) by e-mail (L14)."""
    s = engine.register_subject(ref, category="member")
    engine.acquire(s, items=CONSULTATION, purposes="consultation_records", channel="email")
    return s


def attendee(engine: pp.Engine) -> pp.Subject:
    """A member whose data was collected for planning events (L24)."""
    s = engine.register_subject("member-2", category="member")
    engine.acquire(
        s, items={"name", "email", "event_feedback"}, purposes="event_planning", channel="web"
    )
    return s


# -- L10-L16, L6: how data arrives, and whose -----------------------------------------------


@pytest.mark.parametrize(
    "channel",
    [
        pp.Channel.WEB,  # L12 websites
        pp.Channel.SOCIAL_MEDIA,  # L12 social media
        pp.Channel.EMAIL,  # L14
        pp.Channel.MAIL,  # L14
        pp.Channel.TELEPHONE,  # L14
        pp.Channel.ORAL,  # L14
        pp.Channel.OTHER,  # L16
    ],
)
def test_r_acq_1_members_data_arrives_through_each_means_of_section_1(
    engine: pp.Engine, channel: pp.Channel
) -> None:
    s = engine.register_subject("member-1", category="member")

    acquisition = engine.acquire(
        s, items={"name", "consultation"}, purposes="consultation_records", channel=channel.value
    )

    assert acquisition.channel is channel
    assert acquisition.policy_version == "indigo-2020-11-11"
    assert engine.acquisitions(s) == (acquisition,)


def test_r_use_9_the_purposes_are_for_members(engine: pp.Engine) -> None:
    visitor = engine.register_subject("visitor-1", category="website_visitor")

    d = engine.check_acquisition(
        visitor, items={"name", "consultation"}, purposes="consultation_records"
    )

    assert not d.allowed
    assert d.basis is None
    with pytest.raises(pp.UnknownCategory):
        engine.register_subject("staff-1", category="employee")


# -- L20, L28: the notified purposes, and use based on laws ------------------------------


def test_r_use_4_consultations_are_not_used_to_plan_events(engine: pp.Engine) -> None:
    s = member(engine)

    assert engine.check_use(s, purpose="consultation_records", items={"consultation"}).allowed
    d = engine.check_use(s, purpose="event_planning", items={"name", "email"})

    assert not d.allowed
    assert d.basis is None
    assert "APPI Art. 18(1)" in d.citations


def test_r_use_4_within_the_notified_purpose_no_consent_is_needed(engine: pp.Engine) -> None:
    s = member(engine)

    d = engine.check_use(s, purpose="consultation_records", items={"name", "consultation"})

    assert d.allowed
    assert d.basis is pp.Basis.NOTIFIED_PURPOSE
    assert "APPI Art. 18(1)" in d.citations
    assert "policy:purposes.consultation_records" in d.citations


def test_r_use_5_use_based_on_laws_and_regulations_is_allowed(engine: pp.Engine) -> None:
    s = member(engine)

    d = engine.check_use(
        s,
        purpose="event_planning",
        items={"name"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=ORDER,
    )

    assert d.allowed
    assert d.basis is pp.Basis.EXEMPTION
    assert "APPI Art. 18(3)(i)" in d.citations


@pytest.mark.parametrize(
    "exemption",
    # Every other exemption the law gives for use (Art. 18(3)); those it gives only for
    # acquisition or provision are refused as such (test_policy.py).
    [e for e in pp.Exemption if e is not pp.Exemption.LAWS_AND_REGULATIONS and applies(e, "use")],
)
def test_r_use_5_other_exemptions_of_the_law_are_denied(
    engine: pp.Engine, exemption: pp.Exemption
) -> None:
    s = member(engine)

    d = engine.check_use(
        s,
        purpose="event_planning",
        items={"name"},
        exemption=exemption,
        justification="claimed, but the Society does not admit it",
    )

    assert not d.allowed
    assert d.basis is None
    assert "policy:use.exemptions" in d.citations


# -- L32: prior consent --------------------------------------------------------------------


def test_r_tpp_1_no_provision_to_a_third_party_without_prior_consent(engine: pp.Engine) -> None:
    s = member(engine)

    without = engine.check_provision(
        s, recipient="co_host", items={"consultation"}, purpose="consultation_records"
    )
    assert not without.allowed
    assert without.basis is None
    assert "APPI Art. 27(1)" in without.citations

    consent = engine.grant_consent(
        s,
        recipient="co_host",
        items={"consultation"},
        evidence=pp.Evidence(method="signed-form", ref="consent-2020-12"),
    )
    record = engine.provide(
        s, recipient="co_host", items={"consultation"}, purpose="consultation_records"
    )
    assert record.basis is pp.Basis.CONSENT
    assert record.consent_id == consent.id
    assert record.required_by_law is True


# -- L34: disclosure in a state where the person cannot be identified --------------------


def test_r_tpp_6_event_statistics_are_disclosed_without_consent(engine: pp.Engine) -> None:
    rows = [{"event_feedback": "satisfied", "subject": f"p{i}"} for i in range(14)] + [
        {"event_feedback": "unsatisfied", "subject": f"p{i}"} for i in range(3)
    ]

    table = pp.aggregate(rows, ["event_feedback"], engine.policy.statistics_min_group)
    d = engine.provide_statistics(recipient="report_readers", purpose="event_planning", table=table)

    assert dict(table.groups) == {("satisfied",): 14}
    assert d.allowed
    assert d.basis is pp.Basis.ANONYMIZED
    assert "APPI Art. 2(1)" in d.citations


def test_r_tpp_6_a_group_of_three_members_is_not_anonymous(engine: pp.Engine) -> None:
    table = pp.Aggregate(
        dimensions=("event_feedback",), groups={("satisfied",): 14, ("unsatisfied",): 3}
    )

    d = engine.check_statistics(recipient="report_readers", purpose="event_planning", table=table)

    assert not d.allowed
    assert d.basis is None


def test_r_tpp_6_the_readers_of_anonymous_reports_never_receive_personal_data(
    engine: pp.Engine,
) -> None:
    """L34 lets the Society disclose what cannot identify the person, nothing else: even
    a consent does not make the readers of its reports recipients of personal data."""
    s = attendee(engine)
    with pytest.raises(pp.ConsentNotApplicable):  # no such consent is recorded
        engine.grant_consent(
            s,
            recipient="report_readers",
            items={"event_feedback"},
            evidence=pp.Evidence(method="signed-form", ref="consent-2020-12"),
        )
    # One a store written before holds does not make them recipients either.
    recorded_earlier(engine, s, recipient="report_readers", items={"event_feedback"})

    d = engine.check_provision(
        s, recipient="report_readers", items={"event_feedback"}, purpose="event_planning"
    )

    assert example("indigo").recipient("report_readers").kind is pp.RecipientKind.STATISTICS
    assert not d.allowed
    assert d.basis is None
    assert any("only statistics" in r and "R-TPP-6" in r for r in d.reasons)


# -- L36-L38: outsourced contractors bound to confidentiality ----------------------------


def test_r_tpp_3_contractor_with_a_confidentiality_contract_gets_the_records(
    engine: pp.Engine,
) -> None:
    s = member(engine)

    d = engine.check_provision(
        s,
        recipient="records_contractor",
        items={"name", "consultation"},
        purpose="consultation_records",
    )

    assert d.allowed
    assert d.basis is pp.Basis.ENTRUSTMENT
    assert "APPI Art. 27(5)(i)" in d.citations


def test_r_tpp_3_entrustment_only_for_the_purpose_notified_to_the_person(
    engine: pp.Engine,
) -> None:
    s = member(engine)  # acquired for consultation records only

    not_notified = engine.check_provision(
        s, recipient="records_contractor", items={"name", "email"}, purpose="record_accuracy"
    )
    not_entrusted = engine.check_provision(
        s, recipient="records_contractor", items={"name"}, purpose="event_planning"
    )

    assert not not_notified.allowed
    assert not not_entrusted.allowed

    notified = engine.register_subject("member-3", category="member")
    engine.acquire(
        notified,
        items={"name", "email"},
        purposes={"consultation_records", "record_accuracy"},
        channel="mail",
    )
    d = engine.check_provision(
        notified, recipient="records_contractor", items={"name", "email"}, purpose="record_accuracy"
    )
    assert d.allowed
    assert d.basis is pp.Basis.ENTRUSTMENT


def test_r_sec_2_an_outsourcing_contract_without_confidentiality_is_rejected() -> None:
    data = example_data("indigo")
    data["recipients"]["records_contractor"]["contract"]["confidentiality"] = False

    with pytest.raises(pp.PolicyError) as error:
        pp.policy_from_dict(data)

    assert [p.location for p in error.value.problems] == [
        "recipients.records_contractor.contract.confidentiality"
    ]


# -- L40: when required by law --------------------------------------------------------------


def test_r_tpp_2_provision_required_by_law_needs_no_consent(engine: pp.Engine) -> None:
    s = member(engine)

    d = engine.check_provision(
        s,
        recipient="public_authority",
        items={"name", "consultation"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=ORDER,
    )

    assert d.allowed
    assert d.basis is pp.Basis.EXEMPTION
    assert "APPI Art. 27(1)(i)" in d.citations


@pytest.mark.parametrize(
    "exemption",
    # Every other exemption the law gives for use (Art. 18(3)); those it gives only for
    # acquisition or provision are refused as such (test_policy.py).
    [e for e in pp.Exemption if e is not pp.Exemption.LAWS_AND_REGULATIONS and applies(e, "use")],
)
def test_r_tpp_2_other_exemptions_are_not_announced(
    engine: pp.Engine, exemption: pp.Exemption
) -> None:
    s = member(engine)

    d = engine.check_provision(
        s,
        recipient="public_authority",
        items={"name"},
        exemption=exemption,
        justification="claimed, but section 3 does not list it",
    )

    assert not d.allowed
    assert d.basis is None


# -- L44: shared use after notifying the person -------------------------------------------


def test_r_tpp_5_joint_use_after_notification_is_not_third_party_provision(
    engine: pp.Engine,
) -> None:
    s = attendee(engine)

    d = engine.check_provision(
        s, recipient="co_host", items={"name", "email"}, purpose="event_planning"
    )
    assert d.allowed
    assert d.basis is pp.Basis.JOINT_USE
    assert "APPI Art. 27(5)(iii)" in d.citations

    record = engine.provide(
        s, recipient="co_host", items={"name", "email"}, purpose="event_planning"
    )
    assert record.basis is pp.Basis.JOINT_USE
    assert record.required_by_law is False


def test_r_tpp_5_items_outside_the_joint_use_are_denied(engine: pp.Engine) -> None:
    s = attendee(engine)

    d = engine.check_provision(
        s, recipient="co_host", items={"event_feedback"}, purpose="event_planning"
    )

    assert not d.allowed
    assert d.basis is None


def test_r_tpp_5_purposes_outside_the_joint_use_are_denied(engine: pp.Engine) -> None:
    s = member(engine)

    d = engine.check_provision(
        s, recipient="co_host", items={"name", "email"}, purpose="consultation_records"
    )

    assert not d.allowed
    assert d.basis is None


def test_r_tpp_5_no_joint_use_before_it_was_announced(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    clock.set(datetime(2020, 11, 10, 12, 0, tzinfo=JST))  # the day before the announcement
    s = attendee(engine)

    d = engine.check_provision(
        s, recipient="co_host", items={"name", "email"}, purpose="event_planning"
    )

    assert not d.allowed
    assert d.basis is None


# -- L64-L66: cookies -----------------------------------------------------------------------


def test_r_pri_1_a_visitors_cookie_serves_browsing(engine: pp.Engine) -> None:
    visitor = engine.register_subject("visitor-1", category="website_visitor")
    engine.acquire(visitor, items={"cookie_id"}, purposes="browsing", channel="web")

    d = engine.check_use(visitor, purpose="browsing", items={"cookie_id"})

    assert d.allowed
    assert d.basis is pp.Basis.NOTIFIED_PURPOSE
    assert example("indigo").item("cookie_id").identifies is False


def test_r_pri_1_the_cookie_is_not_combined_with_a_members_identity_without_notice(
    engine: pp.Engine,
) -> None:
    s = member(engine)

    d = engine.check_acquisition(s, items={"cookie_id"}, purposes="browsing")

    assert not d.allowed
    assert d.basis is None
    assert "APPI Art. 21(1)" in d.citations and "APPI Art. 31" not in d.citations
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(s, items={"cookie_id"}, purposes="browsing", channel="web")


# -- L86-L128: required documents -----------------------------------------------------------


def test_r_req_3_the_identity_documents_and_certificate_age_of_the_procedure() -> None:
    settings = example("indigo").requests

    # L100-L108; the alien registration card became the residence card in 2012.
    assert settings.accepted_ids == frozenset(
        {
            pp.DocumentKind.DRIVERS_LICENSE,
            pp.DocumentKind.PASSPORT,
            pp.DocumentKind.HEALTH_INSURANCE_CARD,
            pp.DocumentKind.PENSION_BOOK,
            pp.DocumentKind.RESIDENCE_CARD,
        }
    )
    assert str(settings.certificate_max_age) == "3 months"  # L118, L124: "within 3 months"
    assert dict(settings.fees) == {}  # the procedure announces no fee


# -- L80-L144: the disclosure request procedure --------------------------------------------

PASSPORT = pp.Document(
    kind=pp.DocumentKind.PASSPORT, issued=date(2018, 4, 1), expires=date(2028, 4, 1)
)
AGENT_LICENSE = pp.Document(
    kind=pp.DocumentKind.DRIVERS_LICENSE,
    issued=date(2019, 6, 1),
    expires=date(2024, 6, 1),
    holder="agent",
)


def disclosure(
    engine: pp.Engine, applicant: pp.Applicant, *docs: pp.Document, minor: bool | None = None
) -> pp.Request:
    """Submit a disclosure request by mail (L78) for a member, and check its documents
    (``minor``: the officer confirmed from a family register that the person is a minor)."""
    s = member(engine)
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, applicant=applicant, documents=docs
    )
    return engine.requests.verify(r.id, minor_on_receipt=minor)


def test_r_req_3_the_person_with_a_valid_id_is_verified(engine: pp.Engine) -> None:
    r = disclosure(engine, pp.Applicant.person(), PASSPORT)  # L92-L102

    assert r.state is pp.RequestState.VERIFIED
    assert r.fee == 0


def test_r_req_4_an_expired_id_does_not_confirm_identity(engine: pp.Engine) -> None:
    expired = pp.Document(
        kind=pp.DocumentKind.PASSPORT, issued=date(2010, 11, 1), expires=date(2020, 11, 1)
    )

    r = disclosure(engine, pp.Applicant.person(), expired)  # L94 "within the expiration date"

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is pp.RefusalGround.IDENTITY_UNCONFIRMED  # L140
    assert r.statement  # L138: "we will reply with a written statement to that effect"


def test_r_req_3_a_voluntary_agent_with_a_recent_seal_certificate_is_verified(
    engine: pp.Engine,
) -> None:
    r = disclosure(
        engine,
        pp.Applicant.voluntary_agent(),
        PASSPORT,  # L112: "In addition to the documents in A above"
        pp.Document(kind=pp.DocumentKind.POWER_OF_ATTORNEY, issued=date(2020, 11, 20)),  # L116
        pp.Document(kind=pp.DocumentKind.SEAL_CERTIFICATE, issued=date(2020, 10, 1)),  # L118
        AGENT_LICENSE,  # L120
    )

    assert r.state is pp.RequestState.VERIFIED


def test_r_req_4_a_seal_certificate_older_than_three_months_does_not_confirm_agency(
    engine: pp.Engine,
) -> None:
    r = disclosure(
        engine,
        pp.Applicant.voluntary_agent(),
        PASSPORT,
        pp.Document(kind=pp.DocumentKind.POWER_OF_ATTORNEY, issued=date(2020, 11, 20)),
        pp.Document(kind=pp.DocumentKind.SEAL_CERTIFICATE, issued=date(2020, 8, 1)),  # 122 days
        AGENT_LICENSE,
    )

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is pp.RefusalGround.AGENCY_UNCONFIRMED  # L142
    assert r.statement


def test_r_req_3_a_legal_representative_proves_representation_by_a_recent_family_register(
    engine: pp.Engine,
) -> None:
    r = disclosure(
        engine,
        pp.Applicant.legal_representative(),
        PASSPORT,
        pp.Document(kind=pp.DocumentKind.FAMILY_REGISTER, issued=date(2020, 11, 1)),  # L124
        AGENT_LICENSE,  # L126
        minor=True,  # a family register shows only a minor's legal representative
    )

    assert r.state is pp.RequestState.VERIFIED


def test_r_req_4_a_legal_representative_without_proof_of_representation_is_incomplete(
    engine: pp.Engine,
) -> None:
    r = disclosure(engine, pp.Applicant.legal_representative(), PASSPORT, AGENT_LICENSE)

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is pp.RefusalGround.DOCUMENTS_INCOMPLETE  # L144


# -- Legal correctness: joint use within the notified purposes; calendar months ------------


def test_r_tpp_5_001_l44_consultation_records_do_not_go_to_co_hosts_for_event_planning(
    store: pp.Store,
) -> None:
    """L44 shares data "for the purpose of use" announced; L20 allows no other purpose. A
    member's consultation records, collected for consultation_records only, may not reach
    the event co-hosts "for event planning": joint use never widens the purposes of use."""
    engine, _ = start("indigo", NOW, store)
    s = member(engine)  # name, email, ... acquired for consultation_records only
    assert not engine.check_use(s, purpose="event_planning", items={"name", "email"}).allowed

    d = engine.check_provision(
        s, recipient="co_host", items={"name", "email"}, purpose="event_planning"
    )

    assert not d.allowed
    assert {"R-USE-4", "R-TPP-5"} <= set(d.rules)
    assert "APPI Art. 18(1)" in d.citations
    # An attendee whose data was collected for event planning is shared as announced.
    ok = engine.check_provision(
        attendee(engine), recipient="co_host", items={"name", "email"}, purpose="event_planning"
    )
    assert ok.basis is pp.Basis.JOINT_USE


@pytest.mark.parametrize(
    ("today", "verified"),
    [
        (date(2020, 9, 30), True),  # issued 1 July: within 3 months on 30 September
        (date(2020, 10, 1), True),  # ... and on 1 October, three calendar months on
        (date(2020, 10, 2), False),
    ],
)
def test_r_req_3_001_l118_a_seal_certificate_issued_1_july_is_valid_on_30_september(
    today: date, verified: bool
) -> None:
    """L118 "Personal seal certificate (within 3 months from issuance)": calendar months,
    not 90 days (1 July to 30 September is 91 days)."""
    engine, _ = start("indigo", datetime.combine(today, datetime.min.time(), JST))
    r = disclosure(
        engine,
        pp.Applicant.voluntary_agent(),
        PASSPORT,
        pp.Document(kind=pp.DocumentKind.POWER_OF_ATTORNEY, issued=date(2020, 6, 20)),
        pp.Document(kind=pp.DocumentKind.SEAL_CERTIFICATE, issued=date(2020, 7, 1)),
        AGENT_LICENSE,
    )
    assert (r.state is pp.RequestState.VERIFIED) is verified


def test_r_tpp_5_001_l44_placeholders_do_not_publish_the_manager() -> None:
    """R-TPP-5 (5): a bracketed placeholder publishes nothing, so it fails validation."""
    for value in ("[registered address of indiGO]", "TBD", "XXX", "...", "   "):
        data = example_data("indigo")
        data["joint_use"]["event_co_hosting"]["manager"]["address"] = value
        with pytest.raises(pp.PolicyError) as info:
            pp.policy_from_dict(data)
        assert any("(5)" in p.message for p in info.value.problems), value


@pytest.mark.parametrize("field", ["name", "address", "representative", "contact"])
def test_r_pub_1_placeholders_are_rejected_in_the_controller(field: str) -> None:
    data = example_data("indigo")
    data["controller"][field] = "[to be decided]"
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(data)
    assert f"controller.{field}" in {p.location for p in info.value.problems}
