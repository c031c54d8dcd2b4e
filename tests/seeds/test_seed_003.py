"""Seed 003, BLUE&CALM (``examples/policies/blue_and_calm.toml``, updated 2019-11-27).

BLUE&CALM obtains data only by fair means (L9) and uses it only within the purpose made
clear when it was obtained (L12-L13). Its purposes are listed per kind of person:
customers, clients and suppliers (L16-L19), employment applicants (L21-L23), personal
information provided by clients, used within the written contracts (L25-L28), and
website visitors known by cookie and IP address (L30-L32). It provides data to third
parties only with additional consent, except as anonymous statistics, to a subcontractor
under contract, on a merger, company split or business transfer, and when based on laws
(L35-L40).

Which lines each test plays:

- L16-L32 purposes per kind of person: ``test_r_use_9_*``; L9 fair collection recorded:
  ``test_r_acq_1_*``.
- L30 cookie and IP address: ``test_r_pri_1_*``.
- L35 additional consent: ``test_r_tpp_1_*``; L37 statistics: ``test_r_tpp_6_*``;
  L38 subcontractor: ``test_r_tpp_3_*``; L39 succession: ``test_r_tpp_4_*``;
  L40 laws: ``test_r_tpp_2_*``.
"""

from __future__ import annotations

from datetime import datetime

import pytest

import pipolicy as pp

from ._support import JST, example, start

NOW = datetime(2020, 1, 15, 10, 0, tzinfo=JST)
CONTACT = frozenset({"name", "email", "phone", "organization"})
APPLICATION = frozenset({"name", "email", "phone", "career_history"})


@pytest.fixture
def engine() -> pp.Engine:
    return start("blue_and_calm", NOW)[0]


def business_contact(engine: pp.Engine, category: str = "customer") -> pp.Subject:
    """A customer, client or supplier (L16), for our transactions and services (L18-L19)."""
    s = engine.register_subject(f"{category}-1", category=category)
    engine.acquire(
        s,
        items=CONTACT | {"transaction_details"},
        purposes={"transactions", "services"},
        channel="email",
    )
    return s


def applicant(engine: pp.Engine) -> pp.Subject:
    """An employment applicant (L21), for screening and hiring (L23)."""
    s = engine.register_subject("applicant-1", category="applicant")
    engine.acquire(s, items=APPLICATION, purposes="recruitment", channel="email")
    return s


def client_provided(engine: pp.Engine) -> pp.Subject:
    """A person whose data a client entrusted to us under contract (L25-L27)."""
    s = engine.register_subject("client-data-1", category="client_provided")
    engine.acquire(
        s,
        items={"name", "email", "client_records"},
        purposes="client_services",
        channel="provided_by_business",
        source="client under the written service contract",
        provider_address="2-3 Shibuya, Tokyo (the client's registered office)",
        provider_representative="the client's CEO",
        provider_obtained_by="the client's own customer sign-up form",
    )
    return s


# -- L16-L32: each kind of person has its own purposes -----------------------------------


@pytest.mark.parametrize("category", ["customer", "client", "supplier"])
def test_r_use_9_customers_clients_and_suppliers_share_the_transaction_purposes(
    engine: pp.Engine, category: str
) -> None:
    s = business_contact(engine, category)

    for purpose in ("transactions", "services"):
        d = engine.check_use(s, purpose=purpose, items={"name", "email"})
        assert d.allowed
        assert d.basis is pp.Basis.NOTIFIED_PURPOSE


def test_r_use_9_applicant_data_is_not_used_for_customer_purposes(engine: pp.Engine) -> None:
    s = applicant(engine)

    assert engine.check_use(s, purpose="recruitment", items={"career_history"}).allowed
    d = engine.check_use(s, purpose="services", items={"name", "email"})

    assert not d.allowed
    assert d.basis is None
    assert "APPI Art. 18(1)" in d.citations


def test_r_use_9_applicants_are_not_enrolled_in_customer_purposes(engine: pp.Engine) -> None:
    s = engine.register_subject("applicant-1", category="applicant")

    d = engine.check_acquisition(s, items={"name", "email"}, purposes="services")

    assert not d.allowed
    assert d.basis is None
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(s, items={"name", "email"}, purposes="services", channel="email")


def test_r_use_9_customer_data_is_not_used_for_hiring(engine: pp.Engine) -> None:
    s = business_contact(engine)

    d = engine.check_use(s, purpose="recruitment", items={"name", "email"})

    assert not d.allowed
    assert d.basis is None


def test_r_use_9_client_provided_data_serves_only_the_clients_services(
    engine: pp.Engine,
) -> None:
    s = client_provided(engine)

    within = engine.check_use(s, purpose="client_services", items={"name", "client_records"})
    assert within.allowed
    assert within.basis is pp.Basis.NOTIFIED_PURPOSE

    ours = engine.check_use(s, purpose="transactions", items={"name", "email"})
    assert not ours.allowed
    assert ours.basis is None


def test_r_acq_1_client_provided_data_records_where_it_came_from(engine: pp.Engine) -> None:
    s = client_provided(engine)

    (acquisition,) = engine.acquisitions(s)

    assert acquisition.channel is pp.Channel.PROVIDED_BY_BUSINESS
    assert acquisition.source == "client under the written service contract"
    assert acquisition.purposes == frozenset({"client_services"})
    assert acquisition.policy_version == "blue-and-calm-2019-11-27"


# -- L30-L32: website visitors ---------------------------------------------------------------


def test_r_pri_1_website_visitors_are_known_by_cookie_and_ip_address(engine: pp.Engine) -> None:
    policy = example("blue_and_calm")
    assert policy.item("cookie_id").identifies is False
    assert policy.item("ip_address").identifies is False

    visitor = engine.register_subject("visitor-1", category="website_visitor")
    engine.acquire(
        visitor, items={"cookie_id", "ip_address"}, purposes="website_analytics", channel="web"
    )
    d = engine.check_use(visitor, purpose="website_analytics", items={"cookie_id", "ip_address"})

    assert d.allowed
    assert d.basis is pp.Basis.NOTIFIED_PURPOSE


def test_r_pri_1_analytics_does_not_take_a_visitors_name(engine: pp.Engine) -> None:
    visitor = engine.register_subject("visitor-1", category="website_visitor")

    d = engine.check_acquisition(visitor, items={"cookie_id", "name"}, purposes="website_analytics")

    assert not d.allowed
    assert d.basis is None


def test_r_use_9_a_customers_data_is_not_website_analytics(engine: pp.Engine) -> None:
    s = business_contact(engine)

    d = engine.check_acquisition(s, items={"cookie_id"}, purposes="website_analytics")

    assert not d.allowed
    assert d.basis is None


# -- L35-L40: disclosure to third parties ------------------------------------------------


def test_r_tpp_1_a_partner_needs_the_additional_consent(engine: pp.Engine) -> None:
    s = business_contact(engine)

    without = engine.check_provision(
        s, recipient="partner", items={"name", "organization"}, purpose="transactions"
    )
    assert not without.allowed
    assert without.basis is None
    assert "APPI Art. 27(1)" in without.citations

    consent = engine.grant_consent(
        s,
        recipient="partner",
        items={"name", "organization"},
        evidence=pp.Evidence(method="e-mail", ref="consent-2020-01"),
    )
    record = engine.provide(
        s, recipient="partner", items={"name", "organization"}, purpose="transactions"
    )
    assert record.basis is pp.Basis.CONSENT
    assert record.consent_id == consent.id
    assert record.required_by_law is True


def test_r_tpp_6_one_persons_records_are_not_aggregated_statistics(engine: pp.Engine) -> None:
    s = business_contact(engine)

    # L37 lets statistics go out because no individual can be identified; a person's
    # transaction details identify them, so they need consent or a legal ground.
    d = engine.check_provision(
        s, recipient="public_authority", items={"transaction_details"}, purpose="transactions"
    )

    assert not d.allowed
    assert d.basis is None


def test_r_tpp_3_the_subcontractor_works_under_its_contract(engine: pp.Engine) -> None:
    s = business_contact(engine)

    d = engine.check_provision(
        s, recipient="subcontractor", items={"name", "email"}, purpose="services"
    )
    assert d.allowed
    assert d.basis is pp.Basis.ENTRUSTMENT
    assert "APPI Art. 27(5)(i)" in d.citations

    phone = engine.check_provision(
        s, recipient="subcontractor", items={"phone"}, purpose="services"
    )
    assert not phone.allowed


def test_r_tpp_3_client_records_go_to_the_subcontractor_only_for_the_clients_services(
    engine: pp.Engine,
) -> None:
    s = client_provided(engine)

    d = engine.check_provision(
        s, recipient="subcontractor", items={"client_records"}, purpose="client_services"
    )
    assert d.allowed
    assert d.basis is pp.Basis.ENTRUSTMENT

    other = engine.check_provision(s, recipient="subcontractor", items={"name"}, purpose="services")
    assert not other.allowed


@pytest.mark.parametrize("kind", ["customer", "applicant", "client_provided"])
def test_r_tpp_4_a_merger_or_business_transfer_is_not_third_party_provision(
    engine: pp.Engine, kind: str
) -> None:
    s = {
        "customer": business_contact,
        "applicant": applicant,
        "client_provided": client_provided,
    }[kind](engine)

    d = engine.check_provision(s, recipient="successor", items={"name", "email"})
    assert d.allowed
    assert d.basis is pp.Basis.BUSINESS_SUCCESSION
    assert "APPI Art. 27(5)(ii)" in d.citations

    record = engine.provide(s, recipient="successor", items={"name", "email"})
    assert record.basis is pp.Basis.BUSINESS_SUCCESSION
    assert record.required_by_law is False


def test_r_tpp_2_provision_based_on_laws(engine: pp.Engine) -> None:
    s = business_contact(engine)

    d = engine.check_provision(
        s,
        recipient="public_authority",
        items={"name", "transaction_details"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification="tax office inquiry under the Act on General Rules for National Taxes",
    )
    assert d.allowed
    assert d.basis is pp.Basis.EXEMPTION
    assert "APPI Art. 27(1)(i)" in d.citations

    other = engine.check_provision(
        s,
        recipient="public_authority",
        items={"name"},
        exemption=pp.Exemption.STATE_COOPERATION,
        justification="informal request, not based on a law",
    )
    assert not other.allowed
    assert other.basis is None


def test_r_use_8_003_l37_statistics_are_an_announced_purpose_and_go_out_anonymous(
    engine: pp.Engine,
) -> None:
    """L37: "When disclosed/provided in a statiscally aggregated manner that the individual
    cannot be identified": the statistics purpose is declared, and its aggregate output goes
    to a partner without anyone's consent, small groups suppressed."""
    purpose = engine.policy.purposes["statistics"]
    assert purpose.statistics and purpose.items == {"organization", "transaction_details"}
    rows = [{"organization": "retail", "subject": f"p{i}"} for i in range(12)] + [
        {"organization": "energy", "subject": "p0"}
    ]
    table = pp.aggregate(rows, ["organization"], min_group=engine.policy.statistics_min_group)
    d = engine.provide_statistics(recipient="partner", purpose="statistics", table=table)
    assert d.allowed and d.basis is pp.Basis.ANONYMIZED
    assert dict(table.groups) == {("retail",): 12}


def test_r_acq_4_data_from_a_client_is_confirmed_on_receipt_and_refused_if_improper(
    engine: pp.Engine,
) -> None:
    """Art. 30(1): the provider's name, address, representative and how it obtained the
    data are confirmed on receipt; L28: data a client obtained by non-legitimate means is
    not received, and the log names the client, whom the company stops serving."""
    s = engine.register_subject("client-data-2", category="client_provided")
    unconfirmed = engine.check_acquisition(
        s,
        items={"name", "email"},
        purposes="client_services",
        channel="provided_by_business",
    )
    # A check answers as acquire would: the confirmation on receipt is missing.
    assert not unconfirmed.allowed and "R-ACQ-4" in unconfirmed.rules
    with pytest.raises(pp.AcquisitionDenied) as missing:
        engine.acquire(
            s,
            items={"name", "email"},
            purposes="client_services",
            channel="provided_by_business",
            source="Client K.K.",
        )
    assert "R-ACQ-4" in missing.value.decision.rules
    assert "APPI Art. 30(1)" in missing.value.decision.citations
    with pytest.raises(pp.AcquisitionDenied) as improper:
        engine.acquire(
            s,
            items={"name", "email"},
            purposes="client_services",
            channel="provided_by_business",
            source="Client K.K.",
            provider_address="1-1 Minato, Tokyo",
            provider_representative="CEO",
            provider_obtained_by="a purchased list",
            provider_obtained_lawfully=False,
        )
    assert "improper" in improper.value.decision.reasons[0]
    [denied] = [e for e in engine.audit_events() if e.kind == "acquisition.denied"][-1:]
    assert (
        denied.payload["provider"] == "Client K.K." and denied.payload["provider_lawful"] is False
    )
    assert engine.acquisitions(s) == ()
