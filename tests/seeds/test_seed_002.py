"""Seed 002, the Personal Information Handling Agreement (``handling_agreement.toml``).

The agreement lists seven purposes (L7-L13), the last being any purpose "for which we have
separately contacted the customer and accepted individually" (L13), and announces
changes of purposes on the website (L5). It discloses data to third parties when the
customer agrees, as anonymous statistics, on the request of a court or authority, "when
necessary for the operation of other services" and "when accepted by law" (L23-L27), and
outsources shipping, e-mail magazines and systems to external organizations (L33).

§3.4 (L26) is no ground the law knows: the agreement as written is rejected in
``test_policies.py`` (R-TPP-7); this file plays the corrected agreement, in which other
services receive data only when the customer agrees (§3.1, L23).

Which lines each test plays:

- L7-L12 the listed purposes: ``test_r_use_4_*``; L13 individually accepted purposes:
  ``test_r_use_7_*``, ``test_r_con_2_*``; L5 changes of purposes: ``test_r_use_2_*``,
  ``test_r_con_3_*``.
- L23 and L26 corrected: ``test_r_tpp_1_*``, ``test_r_tpp_7_*``; L24 statistics:
  ``test_r_tpp_6_*``; L25 and L27: ``test_r_tpp_2_*``.
- L33 shipping, e-mail magazines, systems: ``test_r_tpp_3_*``, ``test_r_sec_2_*``.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

import pipolicy as pp

from ._support import JST, example, example_data, start

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JST)
CONTACT = frozenset({"name", "email", "phone", "address"})
ACCEPTED = pp.Evidence(method="e-mail reply", ref="campaign-2026-11 acceptance")


@pytest.fixture
def running() -> tuple[pp.Engine, pp.FixedClock]:
    return start("handling_agreement", NOW)


def customer(engine: pp.Engine) -> pp.Subject:
    """A customer of the services, notified of the purposes of L7-L12 at collection."""
    s = engine.register_subject("customer-1", category="customer")
    engine.acquire(
        s,
        items=CONTACT | {"usage_history"},
        purposes={"service_communication", "prizes", "notifications", "statistics"},
        channel="web",
        source="registration form",
    )
    return s


# -- L5-L13: the purposes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "items"),
    [
        ("service_communication", {"name", "email"}),  # L7
        ("prizes", {"name", "address"}),  # L8
        ("notifications", {"email"}),  # L10
        ("statistics", {"usage_history"}),  # L12
    ],
)
def test_r_use_4_the_listed_purposes_need_no_further_consent(
    engine: pp.Engine, purpose: str, items: set[str]
) -> None:
    s = customer(engine)

    d = engine.check_use(s, purpose=purpose, items=items)

    assert d.allowed
    assert d.basis is pp.Basis.NOTIFIED_PURPOSE
    assert f"policy:purposes.{purpose}" in d.citations


def test_r_use_4_purposes_not_notified_at_collection_are_denied(engine: pp.Engine) -> None:
    s = customer(engine)

    d = engine.check_use(s, purpose="product_development", items={"usage_history"})

    assert not d.allowed
    assert d.basis is None
    assert "APPI Art. 18(1)" in d.citations


def test_r_use_7_an_individually_accepted_purpose_needs_the_acceptance(
    engine: pp.Engine,
) -> None:
    s = customer(engine)

    before = engine.check_use(s, purpose="individual", items={"name", "email"})
    assert not before.allowed
    assert before.basis is None

    consent = engine.grant_consent(s, purpose="individual", evidence=ACCEPTED)
    after = engine.check_use(s, purpose="individual", items={"name", "email"})
    assert after.allowed
    assert after.basis is pp.Basis.CONSENT
    assert after.consent_id == consent.id
    assert "APPI Art. 18(1)" in after.citations


def test_r_use_7_nothing_is_collected_for_it_before_the_acceptance(engine: pp.Engine) -> None:
    s = engine.register_subject("customer-2", category="customer")

    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(s, items={"name", "email"}, purposes="individual", channel="email")

    engine.grant_consent(s, purpose="individual", evidence=ACCEPTED)
    acquisition = engine.acquire(s, items={"name", "email"}, purposes="individual", channel="email")
    assert acquisition.purposes == frozenset({"individual"})


def test_r_con_2_withdrawing_the_acceptance_ends_the_use(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    engine.grant_consent(s, purpose="individual", evidence=ACCEPTED)
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=JST))

    (withdrawn,) = engine.withdraw_consent(s, purpose="individual")

    assert withdrawn.status is pp.ConsentStatus.WITHDRAWN
    assert not engine.check_use(s, purpose="individual", items={"email"}).allowed
    with pytest.raises(pp.InvalidTransition):
        engine.withdraw_consent(s, purpose="individual")


def test_r_con_3_a_change_beyond_relevance_is_not_covered_by_earlier_acceptances(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    engine.grant_consent(s, purpose="individual", evidence=ACCEPTED)
    assert engine.check_use(s, purpose="individual", items={"email"}).allowed

    # L5: the change is announced on the website with a new revision of the agreement.
    data = example_data("handling_agreement")
    data["policy"]["version"] = "handling-agreement-2"
    data["policy"]["revised"] = date(2026, 12, 1)
    data["purposes"]["individual"]["changes"] = [{"revised": date(2026, 12, 1), "related": False}]
    revised = pp.Engine(pp.policy_from_dict(data), store=engine.store, clock=clock)
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=JST))

    d = revised.check_use(s, purpose="individual", items={"email"})
    assert not d.allowed
    assert d.basis is None
    # The purposes the change did not touch keep their notified scope.
    assert revised.check_use(s, purpose="notifications", items={"email"}).allowed


def test_r_use_2_a_change_within_relevance_must_say_why() -> None:
    data = example_data("handling_agreement")
    data["purposes"]["notifications"]["changes"] = [{"revised": date(2026, 4, 1), "related": True}]

    with pytest.raises(pp.PolicyError) as error:
        pp.policy_from_dict(data)

    assert [p.location for p in error.value.problems] == [
        "purposes.notifications.changes[0].statement"
    ]


# -- L23-L27: disclosure to third parties ------------------------------------------------


def test_r_tpp_7_other_services_receive_data_only_when_the_customer_agrees(
    engine: pp.Engine,
) -> None:
    s = customer(engine)

    without = engine.check_provision(
        s, recipient="other_service", items={"name", "email"}, purpose="service_communication"
    )
    assert not without.allowed
    assert without.basis is None
    assert "APPI Art. 27(1)" in without.citations

    consent = engine.grant_consent(
        s, recipient="other_service", items={"name", "email"}, evidence=ACCEPTED
    )
    record = engine.provide(
        s, recipient="other_service", items={"name", "email"}, purpose="service_communication"
    )
    assert record.basis is pp.Basis.CONSENT
    assert record.consent_id == consent.id
    assert record.required_by_law is True


def test_r_tpp_7_no_exemption_stands_in_for_the_operation_of_other_services() -> None:
    grounds = example("handling_agreement").provision_grounds

    assert "other_services_operation" not in grounds
    assert {"consent", "anonymized", "entrustment"} <= grounds


def test_r_tpp_6_a_persons_usage_history_is_not_anonymous_statistics(engine: pp.Engine) -> None:
    s = customer(engine)

    # L24 lets statistics go out because they identify no one; one customer's usage
    # history identifies its customer, so without consent or a request it stays.
    d = engine.check_provision(
        s, recipient="authority", items={"usage_history"}, purpose="statistics"
    )

    assert not d.allowed
    assert d.basis is None


def test_r_tpp_6_usage_trends_go_to_third_parties_as_statistics_without_consent(
    engine: pp.Engine,
) -> None:
    rows = [{"usage_history": "weekly", "subject": f"p{i}"} for i in range(25)] + [
        {"usage_history": "daily", "subject": f"p{i}"} for i in range(11)
    ]
    rows += [{"usage_history": "hourly", "subject": "p99"}]

    table = pp.aggregate(rows, ["usage_history"], engine.policy.statistics_min_group)
    d = engine.provide_statistics(recipient="other_service", purpose="statistics", table=table)

    assert dict(table.groups) == {("weekly",): 25, ("daily",): 11}
    assert table.suppressed == 1
    assert d.allowed
    assert d.basis is pp.Basis.ANONYMIZED


def test_r_tpp_6_statistics_come_from_the_statistics_purpose(engine: pp.Engine) -> None:
    table = pp.Aggregate(dimensions=("usage_history",), groups={("weekly",): 25})

    d = engine.check_statistics(recipient="other_service", purpose="notifications", table=table)

    assert not d.allowed


@pytest.mark.parametrize(
    ("exemption", "citation"),
    [
        (pp.Exemption.LAWS_AND_REGULATIONS, "APPI Art. 27(1)(i)"),  # L25 courts, L27
        (pp.Exemption.LIFE_BODY_PROPERTY, "APPI Art. 27(1)(ii)"),  # L27
        (pp.Exemption.PUBLIC_HEALTH_CHILDREN, "APPI Art. 27(1)(iii)"),  # L27
        (pp.Exemption.STATE_COOPERATION, "APPI Art. 27(1)(iv)"),  # L25 authorities, L27
    ],
)
def test_r_tpp_2_court_and_authority_requests_and_what_the_law_accepts(
    engine: pp.Engine, exemption: pp.Exemption, citation: str
) -> None:
    s = customer(engine)

    d = engine.check_provision(
        s,
        recipient="court" if exemption is pp.Exemption.LAWS_AND_REGULATIONS else "authority",
        items={"name", "address"},
        exemption=exemption,
        justification="request reference 2026-77",
    )

    assert d.allowed
    assert d.basis is pp.Basis.EXEMPTION
    assert citation in d.citations


def test_r_tpp_2_a_court_without_a_request_gets_nothing(engine: pp.Engine) -> None:
    s = customer(engine)

    d = engine.check_provision(s, recipient="court", items={"name"})

    assert not d.allowed
    assert d.basis is None


# -- L33: shipping, e-mail magazines, systems ---------------------------------------------


def test_r_tpp_3_the_shipping_company_gets_what_a_prize_needs(engine: pp.Engine) -> None:
    s = customer(engine)

    d = engine.check_provision(
        s, recipient="shipping", items={"name", "address", "phone"}, purpose="prizes"
    )
    assert d.allowed
    assert d.basis is pp.Basis.ENTRUSTMENT
    assert "APPI Art. 27(5)(i)" in d.citations

    email = engine.check_provision(s, recipient="shipping", items={"email"}, purpose="prizes")
    assert not email.allowed


def test_r_tpp_3_the_e_mail_magazine_distributor_gets_name_and_e_mail_for_notifications(
    engine: pp.Engine,
) -> None:
    s = customer(engine)

    d = engine.check_provision(
        s, recipient="email_magazine", items={"name", "email"}, purpose="notifications"
    )
    assert d.allowed
    assert d.basis is pp.Basis.ENTRUSTMENT

    address = engine.check_provision(
        s, recipient="email_magazine", items={"address"}, purpose="notifications"
    )
    other_purpose = engine.check_provision(
        s, recipient="email_magazine", items={"email"}, purpose="prizes"
    )
    assert not address.allowed
    assert not other_purpose.allowed


def test_r_tpp_3_the_system_operator_works_within_the_notified_purposes(
    engine: pp.Engine,
) -> None:
    s = customer(engine)
    engine.grant_consent(s, purpose="individual", evidence=ACCEPTED)

    d = engine.check_provision(
        s, recipient="system_operator", items={"usage_history"}, purpose="statistics"
    )
    assert d.allowed
    assert d.basis is pp.Basis.ENTRUSTMENT

    # The individually accepted purpose is not one the systems are outsourced for.
    individual = engine.check_provision(
        s, recipient="system_operator", items={"email"}, purpose="individual"
    )
    # Product development was not notified for this customer's data.
    not_notified = engine.check_provision(
        s, recipient="system_operator", items={"usage_history"}, purpose="product_development"
    )
    assert not individual.allowed
    assert not not_notified.allowed


def test_r_sec_2_outsourcing_ends_with_the_contract(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    clock.set(datetime(2028, 1, 1, 9, 0, tzinfo=JST))

    d = engine.check_provision(
        s, recipient="email_magazine", items={"name", "email"}, purpose="notifications"
    )

    assert not d.allowed
    assert d.basis is None
