"""Seed 000, Indigo Blue Co., Ltd. (``examples/policies/indigo_blue.toml``).

Indigo Blue specifies its purposes in advance and collects only after the user's
permission (L10), never uses data outside those purposes (L10), gives data to third
parties only with permission and within the purposes (L11), entrusts it to contractors
bound by contract (L12) such as a shipping subcontractor who learns the name and the
shipment destination (L60), and discloses without consent only on the order of a court,
regulator or other public institution (L13). Beyond the minimum required questions, every
question is optional (L58); purpose (4) makes anonymous statistics (L34).

Which lines each test plays:

- L10 permission before collection, use on it, withdrawal: ``test_r_use_7_*``,
  ``test_r_con_2_*``; no use outside the purposes: ``test_r_use_4_*``, ``test_r_use_1_*``.
- L11 third parties with permission, within the purposes: ``test_r_tpp_1_*``.
- L12 entrustment under contract, L60 shipping gets name and destination:
  ``test_r_tpp_3_*``, ``test_r_sec_2_*``.
- L13 court and regulator orders: ``test_r_tpp_2_*``; the only use beyond purpose the
  seed admits: ``test_r_use_5_*``.
- L58 optional questions: ``test_r_acq_2_*``.
- L34 anonymous statistics: ``test_r_use_4_answers_*``, ``test_r_use_8_*``, ``test_r_tpp_6_*``.
- L46-L53 termination of usage on request: ``test_r_req_7_*``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipolicy as pp

from ._support import JST, example_data, start

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=JST)
SIGNUP = pp.Evidence(method="web-form", ref="signup-form-v1")
SERVICE_ITEMS = frozenset({"name", "email", "phone", "address", "organization"})
ORDER = "Tokyo District Court order (Wa) No. 2026-123"


@pytest.fixture
def running() -> tuple[pp.Engine, pp.FixedClock]:
    return start("indigo_blue", NOW)


def customer(engine: pp.Engine, items: frozenset[str] = SERVICE_ITEMS) -> pp.Subject:
    """A customer who gave permission for the service and then filled in the form (L10, L56)."""
    s = engine.register_subject("customer-1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=SIGNUP)
    engine.acquire(s, items=items, purposes="service", channel="web", source="contact form")
    return s


# -- L10: permission before collection, and use on it -----------------------------------


def test_r_use_7_collection_waits_for_the_users_permission(engine: pp.Engine) -> None:
    s = engine.register_subject("customer-1", category="customer")

    before = engine.check_acquisition(s, items={"name", "email"}, purposes="service")
    assert not before.allowed
    assert before.basis is None
    assert "policy:purposes.service" in before.citations
    with pytest.raises(pp.AcquisitionDenied) as denied:
        engine.acquire(s, items={"name", "email"}, purposes="service", channel="web")
    assert denied.value.decision.allowed is False
    assert engine.acquisitions(s) == ()

    consent = engine.grant_consent(s, purpose="service", evidence=SIGNUP)
    after = engine.check_acquisition(s, items={"name", "email"}, purposes="service")
    assert after.allowed
    assert after.basis is pp.Basis.CONSENT
    assert after.consent_id == consent.id


def test_r_acq_1_collection_records_channel_purposes_and_notice_version(
    engine: pp.Engine,
) -> None:
    s = customer(engine, frozenset({"name", "email"}))

    (acquisition,) = engine.acquisitions(s)
    assert acquisition.channel is pp.Channel.WEB
    assert acquisition.purposes == frozenset({"service"})
    assert acquisition.items == frozenset({"name", "email"})
    assert acquisition.policy_version == "indigo-blue-1"
    assert acquisition.acquired_at == NOW


def test_r_use_7_use_within_the_purpose_rests_on_the_permission(engine: pp.Engine) -> None:
    s = customer(engine)
    (consent,) = engine.consents(s)

    d = engine.check_use(s, purpose="service", items={"email", "address"})

    assert d.allowed
    assert d.basis is pp.Basis.CONSENT
    assert d.consent_id == consent.id
    assert "APPI Art. 18(1)" in d.citations
    assert "policy:purposes.service" in d.citations


def test_r_con_2_withdrawn_permission_stops_use_but_keeps_the_record(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    clock.advance(timedelta(days=1))

    engine.withdraw_consent(s, purpose="service")

    d = engine.check_use(s, purpose="service", items={"email"})
    assert not d.allowed
    assert d.basis is None
    assert len(engine.acquisitions(s)) == 1
    (consent,) = engine.consents(s)
    assert consent.status is pp.ConsentStatus.WITHDRAWN


# -- L10: never outside the intended purposes ---------------------------------------------


def test_r_use_4_data_is_not_used_outside_its_intended_purposes(engine: pp.Engine) -> None:
    s = customer(engine)  # permission and collection for the service only

    d = engine.check_use(s, purpose="terms_enforcement", items={"email"})

    assert not d.allowed
    assert d.basis is None
    assert "APPI Art. 18(1)" in d.citations
    with pytest.raises(pp.UseDenied):
        engine.use(s, purpose="terms_enforcement", items={"email"})


def test_r_use_1_a_purpose_the_policy_does_not_declare_is_an_error(engine: pp.Engine) -> None:
    s = customer(engine)

    with pytest.raises(pp.UnknownPurpose):
        engine.check_use(s, purpose="advertising", items={"email"})
    with pytest.raises(pp.UnknownPurpose):
        engine.acquire(s, items={"email"}, purposes="advertising", channel="web")


def test_r_use_5_only_an_order_under_the_law_reaches_beyond_the_purposes(
    engine: pp.Engine,
) -> None:
    s = customer(engine)

    lawful = engine.check_use(
        s,
        purpose="terms_enforcement",
        items={"email"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=ORDER,
    )
    assert lawful.allowed
    assert lawful.basis is pp.Basis.EXEMPTION
    assert "APPI Art. 18(3)(i)" in lawful.citations

    other = engine.check_use(
        s,
        purpose="terms_enforcement",
        items={"email"},
        exemption=pp.Exemption.LIFE_BODY_PROPERTY,
        justification="a caller says the user is in danger",
    )
    assert not other.allowed
    assert other.basis is None


# -- L58: the minimum required questions, and optional ones -------------------------------


def test_r_acq_2_optional_questions_need_the_users_opt_in(engine: pp.Engine) -> None:
    s = engine.register_subject("customer-1", category="customer")
    engine.grant_consent(s, purpose="customization", evidence=SIGNUP)

    minimum = engine.check_acquisition(s, items={"name"}, purposes="customization")
    assert minimum.allowed

    no_opt_in = engine.check_acquisition(s, items={"name", "age"}, purposes="customization")
    assert not no_opt_in.allowed
    assert no_opt_in.basis is None
    with pytest.raises(pp.AcquisitionDenied):
        engine.acquire(s, items={"name", "age"}, purposes="customization", channel="web")

    acquisition = engine.acquire(
        s, items={"name", "age"}, purposes="customization", channel="web", opted_in={"age"}
    )
    assert acquisition.opted_in == frozenset({"age"})
    assert engine.check_use(s, purpose="customization", items={"age"}).allowed


def test_r_acq_2_questions_outside_the_purpose_are_rejected(engine: pp.Engine) -> None:
    s = engine.register_subject("customer-1", category="customer")
    engine.grant_consent(s, purpose="customization", evidence=SIGNUP)

    d = engine.check_acquisition(
        s, items={"name", "phone"}, purposes="customization", opted_in={"phone"}
    )

    assert not d.allowed
    assert d.basis is None


def test_r_use_4_answers_for_customization_are_not_used_for_statistics_without_permission(
    engine: pp.Engine,
) -> None:
    s = engine.register_subject("customer-1", category="customer")
    engine.grant_consent(s, purpose="customization", evidence=SIGNUP)
    engine.acquire(
        s, items={"name", "age"}, purposes="customization", channel="web", opted_in={"age"}
    )

    assert not engine.check_use(s, purpose="statistics", items={"age"}).allowed

    consent = engine.grant_consent(s, purpose="statistics", evidence=SIGNUP)
    d = engine.check_use(s, purpose="statistics", items={"age"})
    assert d.allowed
    assert d.basis is pp.Basis.CONSENT
    assert d.consent_id == consent.id


# -- L11: third parties, with permission and within the purposes --------------------------


def test_r_tpp_1_a_third_party_gets_data_only_with_the_users_permission(
    engine: pp.Engine,
) -> None:
    s = customer(engine)

    without = engine.check_provision(
        s, recipient="partner", items={"name", "email"}, purpose="service"
    )
    assert not without.allowed
    assert without.basis is None
    assert "APPI Art. 27(1)" in without.citations
    with pytest.raises(pp.ProvisionDenied) as denied:
        engine.provide(s, recipient="partner", items={"name", "email"}, purpose="service")
    assert denied.value.decision.recipient == "partner"

    consent = engine.grant_consent(s, recipient="partner", items={"name", "email"}, evidence=SIGNUP)
    record = engine.provide(s, recipient="partner", items={"name", "email"}, purpose="service")

    assert record.basis is pp.Basis.CONSENT
    assert record.consent_id == consent.id
    assert record.required_by_law is True
    assert record.recipient == "partner"
    assert record.items == frozenset({"name", "email"})
    assert record.provided_at == NOW


def test_r_tpp_1_permission_covers_only_the_items_it_names(engine: pp.Engine) -> None:
    s = customer(engine)
    engine.grant_consent(s, recipient="partner", items={"name"}, evidence=SIGNUP)

    assert engine.check_provision(s, recipient="partner", items={"name"}, purpose="service")
    d = engine.check_provision(s, recipient="partner", items={"name", "email"}, purpose="service")
    assert not d.allowed


def test_r_tpp_1_a_third_party_receives_only_within_the_intended_purposes(
    engine: pp.Engine,
) -> None:
    s = customer(engine)
    engine.grant_consent(s, recipient="partner", items={"name", "email"}, evidence=SIGNUP)

    d = engine.check_provision(
        s, recipient="partner", items={"name", "email"}, purpose="terms_enforcement"
    )

    assert not d.allowed
    assert d.basis is None


# -- L12, L60: entrustment to the shipping subcontractor ----------------------------------


def test_r_tpp_3_shipping_gets_name_and_destination_not_email(engine: pp.Engine) -> None:
    s = customer(engine)

    d = engine.check_provision(
        s, recipient="shipping", items={"name", "address"}, purpose="service"
    )
    assert d.allowed
    assert d.basis is pp.Basis.ENTRUSTMENT
    assert "APPI Art. 27(5)(i)" in d.citations

    email = engine.check_provision(s, recipient="shipping", items={"email"}, purpose="service")
    assert not email.allowed
    assert email.basis is None

    record = engine.provide(s, recipient="shipping", items={"name", "address"}, purpose="service")
    assert record.basis is pp.Basis.ENTRUSTMENT
    assert record.required_by_law is False  # entrustment is not third-party provision


@settings(max_examples=30, deadline=None)
@given(st.sets(st.sampled_from(sorted(SERVICE_ITEMS)), min_size=1))
def test_r_tpp_3_shipping_receives_exactly_the_subsets_of_name_and_address(
    items: set[str],
) -> None:
    engine, _ = start("indigo_blue", NOW)
    s = customer(engine)

    d = engine.check_provision(s, recipient="shipping", items=items, purpose="service")

    assert d.allowed == (items <= {"name", "address"})
    assert (d.basis is pp.Basis.ENTRUSTMENT) == d.allowed


def test_r_tpp_3_shipping_serves_the_service_purpose_only(engine: pp.Engine) -> None:
    s = customer(engine)
    engine.grant_consent(s, purpose="terms_enforcement", evidence=SIGNUP)

    other = engine.check_provision(
        s, recipient="shipping", items={"name"}, purpose="terms_enforcement"
    )
    unnamed = engine.check_provision(s, recipient="shipping", items={"name"})

    assert not other.allowed
    assert not unnamed.allowed


def test_r_sec_2_no_entrustment_once_the_shipping_contract_has_ended(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)

    clock.set(datetime(2027, 3, 31, 23, 0, tzinfo=JST))
    assert engine.check_provision(
        s, recipient="shipping", items={"name", "address"}, purpose="service"
    ).allowed

    clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=JST))
    d = engine.check_provision(
        s, recipient="shipping", items={"name", "address"}, purpose="service"
    )
    assert not d.allowed
    assert d.basis is None
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(s, recipient="shipping", items={"name", "address"}, purpose="service")


# -- L13: orders of a court, a regulator or another public institution --------------------


@pytest.mark.parametrize("authority", ["tokyo_district_court", "regulator"])
def test_r_tpp_2_an_order_allows_provision_without_consent(
    engine: pp.Engine, authority: str
) -> None:
    s = customer(engine)

    d = engine.check_provision(
        s,
        recipient=authority,
        items={"name", "address"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=ORDER,
    )
    assert d.allowed
    assert d.basis is pp.Basis.EXEMPTION
    assert "APPI Art. 27(1)(i)" in d.citations

    record = engine.provide(
        s,
        recipient=authority,
        items={"name", "address"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=ORDER,
    )
    assert record.basis is pp.Basis.EXEMPTION
    assert record.exemption is pp.Exemption.LAWS_AND_REGULATIONS
    assert record.justification == ORDER
    assert record.required_by_law is False


@pytest.mark.parametrize("justification", [None, "", "   "])
def test_r_tpp_2_an_order_without_its_justification_is_an_error(
    engine: pp.Engine, justification: str | None
) -> None:
    s = customer(engine)

    with pytest.raises(pp.InvalidInput):
        engine.check_provision(
            s,
            recipient="tokyo_district_court",
            items={"name"},
            exemption=pp.Exemption.LAWS_AND_REGULATIONS,
            justification=justification,
        )
    with pytest.raises(pp.InvalidInput):
        engine.provide(
            s,
            recipient="tokyo_district_court",
            items={"name"},
            exemption=pp.Exemption.LAWS_AND_REGULATIONS,
            justification=justification,
        )
    assert engine.provisions(s) == ()


def test_r_tpp_2_without_an_order_the_court_gets_nothing(engine: pp.Engine) -> None:
    s = customer(engine)

    d = engine.check_provision(s, recipient="tokyo_district_court", items={"name"})

    assert not d.allowed
    assert d.basis is None
    # The one case of Art. 27(1) seed 000 announces (orders under the law): item (i).
    assert "APPI Art. 27(1)(i)" in d.citations


@pytest.mark.parametrize(
    "exemption",
    [e for e in pp.Exemption if e is not pp.Exemption.LAWS_AND_REGULATIONS],
)
def test_r_tpp_2_the_policy_announces_orders_under_the_law_only(
    engine: pp.Engine, exemption: pp.Exemption
) -> None:
    s = customer(engine)

    d = engine.check_provision(
        s,
        recipient="tokyo_district_court",
        items={"name"},
        exemption=exemption,
        justification="claimed without an order",
    )

    assert not d.allowed
    assert d.basis is None


# -- L34: statistics in which the users remain anonymous ---------------------------------


def test_r_use_8_statistics_keep_only_groups_large_enough_to_stay_anonymous(
    engine: pp.Engine,
) -> None:
    rows = [{"age": "30s", "job": "engineer", "subject": f"p{i}"} for i in range(12)] + [
        {"age": "70s", "job": "pilot", "subject": f"p{i}"} for i in range(2)
    ]

    table = pp.aggregate(rows, ["age"], engine.policy.statistics_min_group)

    assert dict(table.groups) == {("30s",): 12}
    assert table.suppressed == 1
    d = engine.check_statistics(recipient="partner", purpose="statistics", table=table)
    assert d.allowed
    assert d.basis is pp.Basis.ANONYMIZED
    assert "APPI Art. 2(1)" in d.citations


def test_r_tpp_6_a_table_with_a_small_group_could_identify_a_user(engine: pp.Engine) -> None:
    table = pp.Aggregate(dimensions=("age",), groups={("30s",): 12, ("70s",): 2})

    d = engine.check_statistics(recipient="partner", purpose="statistics", table=table)

    assert not d.allowed
    assert d.basis is None
    with pytest.raises(pp.ProvisionDenied):
        engine.provide_statistics(recipient="partner", purpose="statistics", table=table)


def test_r_tpp_6_statistics_group_only_by_the_answers_they_are_drawn_from(
    engine: pp.Engine,
) -> None:
    table = pp.Aggregate(dimensions=("organization",), groups={("Example Corp.",): 40})

    d = engine.check_statistics(recipient="partner", purpose="statistics", table=table)

    assert not d.allowed


# -- L46-L53: requests to terminate usage ---------------------------------------------------


def test_r_req_7_once_usage_is_terminated_the_data_is_no_longer_used(engine: pp.Engine) -> None:
    s = customer(engine)
    passport = pp.Document(
        kind=pp.DocumentKind.PASSPORT, issued=date(2022, 4, 1), expires=date(2032, 4, 1)
    )
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_USE,
        subject=s,
        applicant=pp.Applicant.person(),
        documents=[passport],
    )
    assert engine.requests.verify(r.id).state is pp.RequestState.VERIFIED
    engine.requests.investigate(r.id)  # L48: "conduct an investigation of the facts"

    answer = engine.requests.fulfil(r.id)  # L48: "terminate usage"

    assert answer.state is pp.RequestState.FULFILLED
    d = engine.check_use(s, purpose="service", items={"email"})
    assert not d.allowed
    assert d.basis is None
    assert "APPI Art. 35" in d.citations


# -- Legal correctness: provision stays within the purposes of use (Arts. 18, 27) ------------


def test_r_tpp_1_000_l11_a_third_party_receives_data_only_within_its_purposes(
    store: pp.Store,
) -> None:
    """L11: third parties "for legitimate reasons within their intended purposes"."""
    engine, _ = start("indigo_blue", NOW, store)
    s = engine.register_subject("c", category="customer")
    engine.grant_consent(s, purpose="terms_enforcement")
    engine.acquire(s, items={"email"}, purposes="terms_enforcement", channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed

    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")

    assert not d.allowed
    assert {"R-USE-4", "R-TPP-1"} <= set(d.rules)  # both rules the denial rests on
    assert "APPI Art. 18(1)" in d.citations and "APPI Art. 27(1)" in d.citations
    with pytest.raises(pp.ProvisionDenied):
        engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    assert engine.provisions(s) == ()


def test_r_tpp_1_000_l11_a_third_party_needs_the_purpose_named(engine: pp.Engine) -> None:
    s = customer(engine)
    engine.grant_consent(s, recipient="partner", items={"email"})
    d = engine.check_provision(s, recipient="partner", items={"email"})
    assert not d.allowed and "R-TPP-1" in d.rules
    assert engine.check_provision(
        s, recipient="partner", items={"email"}, purpose="service"
    ).allowed


def test_r_tpp_3_000_l12_no_entrustment_after_the_permission_is_withdrawn(
    store: pp.Store,
) -> None:
    """L10 permission before collection; L12 entrustment: the contractor acts for the company,
    so it never receives data for a use the company itself may not make."""
    engine, _ = start("indigo_blue", NOW, store)
    s = customer(engine)
    ship: dict[str, Any] = {
        "recipient": "shipping",
        "items": {"name", "address"},
        "purpose": "service",
    }
    assert engine.check_provision(s, **ship).basis is pp.Basis.ENTRUSTMENT
    engine.withdraw_consent(s, purpose="service")

    d = engine.check_provision(s, **ship)

    assert not d.allowed
    assert {"R-USE-7", "R-TPP-3"} <= set(d.rules)


def test_r_sec_2_000_l12_a_contract_in_force_lacking_a_duty_denies_entrustment() -> None:
    """L12 "enforcing adherence to such security policies through contracts": a contract
    that does not bind security measures cannot carry an entrustment, even if a policy object
    was altered after validation (the rule fails closed)."""
    engine, _ = start("indigo_blue", NOW)
    s = customer(engine)
    shipping = engine.policy.recipients["shipping"]
    assert shipping.contract is not None
    weak = attrs.evolve(shipping.contract, security_measures=False)
    engine.policy.recipients["shipping"] = attrs.evolve(shipping, contract=weak)  # type: ignore[index]

    d = engine.check_provision(s, recipient="shipping", items={"name"}, purpose="service")

    assert not d.allowed and "R-SEC-2" in d.rules
    assert "security measures" in d.reasons[0]


def test_r_sec_2_000_l12_the_validator_requires_all_three_duties() -> None:
    data = example_data("indigo_blue")
    data["recipients"]["shipping"]["contract"]["no_reprovision"] = False
    del data["recipients"]["shipping"]["contract"]["security_measures"]
    with pytest.raises(pp.PolicyError) as info:
        pp.policy_from_dict(data)
    assert {p.location for p in info.value.problems} == {
        "recipients.shipping.contract.security_measures",
        "recipients.shipping.contract.no_reprovision",
    }


@pytest.mark.parametrize("institution", ["Osaka District Court", "Financial Services Agency"])
def test_r_tpp_2_000_l13_an_order_of_any_public_institution_is_recorded(
    engine: pp.Engine, institution: str
) -> None:
    """L13 "a court of law, regulatory agency, or other public institution": one recipient
    stands for any institution; the claim's justification names it and the order."""
    s = customer(engine)
    order = f"{institution}, order 2026-77"
    record = engine.provide(
        s,
        recipient="public_institution",
        items={"name"},
        exemption=pp.Exemption.LAWS_AND_REGULATIONS,
        justification=order,
    )
    assert record.basis is pp.Basis.EXEMPTION and record.justification == order
    # A public institution never receives data on the person's consent alone.
    d = engine.check_provision(s, recipient="public_institution", items={"name"}, purpose="service")
    assert not d.allowed and "R-TPP-2" in d.rules


# -- Dates in the policy's own time zone (Tokyo) -------------------------------------------


@pytest.mark.parametrize("zone", [timezone.utc, JST, ZoneInfo("America/New_York")])
def test_r_sec_2_000_l12_a_contract_ends_with_its_last_day_in_tokyo(
    store: pp.Store, zone: tzinfo
) -> None:
    """The shipping contract runs "until 2027-03-31": until midnight in Tokyo, whatever zone
    the application's clock uses."""
    engine, clock = start("indigo_blue", NOW, store)
    s = customer(engine)
    ship: dict[str, Any] = {"recipient": "shipping", "items": {"name"}, "purpose": "service"}
    last_moment = datetime(2027, 3, 31, 23, 59, 59, tzinfo=JST)
    clock.set(last_moment.astimezone(zone))  # 14:59:59 UTC on 31 March
    assert engine.check_provision(s, **ship).allowed
    clock.advance(timedelta(seconds=1))  # 15:00 UTC on 31 March is 1 April in Tokyo
    assert not engine.check_provision(s, **ship).allowed


def test_r_req_8_000_a_request_received_at_0830_jst_is_received_that_day_in_tokyo(
    store: pp.Store,
) -> None:
    """A disclosure request at 08:30 JST on 2 December is received on 2 December, even with
    a clock in UTC (where it is still 1 December)."""
    at = datetime(2026, 12, 1, 23, 30, tzinfo=timezone.utc)
    engine, _ = start("indigo_blue", at, store)
    s = customer(engine)
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, language="en")
    assert r.due == datetime(2026, 12, 17, tzinfo=JST)  # the end of 16 December in Tokyo
    refused = engine.requests.refuse(
        r.id, ground=pp.RefusalGround.IDENTITY_UNCONFIRMED, explanation="no ID"
    )
    assert refused.statement is not None
    assert "received on 2026-12-02" in refused.statement
    assert "2026-12-01" not in refused.statement
    # The same in Japanese, the policy's default language.
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s)
    refused = engine.requests.refuse(
        r.id, ground=pp.RefusalGround.IDENTITY_UNCONFIRMED, explanation="本人確認書類なし"
    )
    assert "2026年12月2日に受け付けました" in refused.statement
    assert "12月1日" not in refused.statement + refused.to_markdown()
