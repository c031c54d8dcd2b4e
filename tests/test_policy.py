"""Policy construction, TOML loading and validation (R-USE-2, R-TPP-5, R-TPP-7, R-SEC-2, R-ACQ-3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import CONTRACT, CONTROLLER_TOML, make_engine, make_policy

MINIMAL = f"""
[policy]
version = "v1"
revised = 2026-04-01

{CONTROLLER_TOML}

[items.email]

[purposes.service]
items = ["email"]
"""


def locations(err: pp.PolicyError) -> set[str]:
    return {p.location for p in err.problems}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_policy_loads_with_defaults(tmp_path: Path) -> None:
    policy = pp.load_policy(write(tmp_path, MINIMAL))
    assert policy.version == "v1"
    assert policy.revised == date(2026, 4, 1)
    assert policy.purposes["service"].items == {"email"}
    assert str(policy.requests.response) == "14 days"
    assert "consent" in policy.provision_grounds


def test_r_use_2_policy_needs_version_and_revision_date(tmp_path: Path) -> None:
    text = MINIMAL.replace('version = "v1"\n', "").replace("revised = 2026-04-01\n", "")
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(write(tmp_path, text))
    assert {"policy.version", "policy.revised"} <= locations(info.value)


def test_every_problem_is_reported_at_once_with_its_location(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """
[purposes.marketing]
items = ["email", "shoe_size"]
unknown_key = 1

[recipients.shipping]
kind = "entrustee"
purposes = ["service", "nope"]
items = ["email"]

[provision]
grounds = ["consent", "entrustment", "other_services_operation"]

[requests]
fees = { correction = 500 }
"""
    )
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(write(tmp_path, text))
    err = info.value
    assert {
        "purposes.marketing.items",
        "purposes.marketing.unknown_key",
        "recipients.shipping.contract",
        "recipients.shipping.purposes",
        "provision.grounds",
        "requests.fees.correction",
    } <= locations(err)
    assert isinstance(err, ValueError)
    assert "shoe_size" in str(err)
    assert err.source is not None and err.source.endswith("policy.toml")


def test_r_tpp_7_ground_without_legal_basis_is_rejected() -> None:
    with pytest.raises(pp.PolicyError) as info:
        make_policy(provision_grounds={"consent", "other_services_operation"})
    [problem] = [p for p in info.value.problems if p.location == "provision.grounds"]
    assert "other_services_operation" in problem.message
    assert "Art. 27" in problem.message


def test_r_tpp_5_joint_use_missing_any_of_the_five_items_fails() -> None:
    incomplete = pp.JointUse(
        "crm",
        announced=True,
        items={"email"},
        users="group companies",
        purposes={"service"},
        manager_name="Example K.K.",
        published=date(2026, 1, 1),
    )
    with pytest.raises(pp.PolicyError) as info:
        make_policy(joint_uses={"group-crm": incomplete})
    messages = [p.message for p in info.value.problems if p.location == "joint_use.group-crm"]
    assert any("(5)" in m for m in messages)
    assert not any("(1)" in m or "(2)" in m or "(3)" in m or "(4)" in m for m in messages)


def test_r_tpp_5_joint_use_without_announcement_or_scope_lists_each_gap() -> None:
    empty = pp.JointUse("group-crm")
    with pytest.raises(pp.PolicyError) as info:
        make_policy(joint_uses={"group-crm": empty})
    messages = " ".join(p.message for p in info.value.problems)
    for numeral in ("(1)", "(2)", "(3)", "(4)", "(5)"):
        assert numeral in messages
    assert "joint_use.group-crm.published" in locations(info.value)


def test_r_sec_2_entrustee_needs_a_confidentiality_contract() -> None:
    loose = pp.Recipient(
        "shipping",
        kind=pp.RecipientKind.ENTRUSTEE,
        purposes={"service"},
        items={"name"},
        contract=pp.Contract(confidentiality=False),
    )
    with pytest.raises(pp.PolicyError) as info:
        make_policy(recipients={"shipping": loose})
    assert "recipients.shipping.contract.confidentiality" in locations(info.value)


def test_r_acq_3_art_20_2_only_acquisition_of_special_care_data_needs_prior_consent() -> None:
    """Art. 20(2) asks prior consent to *acquire* special care-required data; the policy need
    not force ``consent = "at_collection"`` on the purpose, so data lawfully acquired (on
    consent or under an exemption) is then used within its purposes."""
    base = make_policy()
    purposes = dict(base.purposes)
    purposes["health"] = pp.Purpose("health", items={"name", "medical_history"})
    engine, _ = make_engine(make_policy(purposes=purposes))
    s = engine.register_subject("p1", category="customer")
    items = {"name", "medical_history"}
    d = engine.check_acquisition(s, items=items, purposes={"health"})
    assert not d.allowed and "R-ACQ-3" in d.rules
    engine.grant_consent(s, purpose="health")
    engine.acquire(s, items=items, purposes={"health"}, channel="web")
    engine.withdraw_consent(s, purpose="health")
    # Acquired lawfully: the withdrawal does not block use within the notified purpose.
    assert engine.check_use(s, purpose="health", items=items).basis is pp.Basis.NOTIFIED_PURPOSE


def test_r_use_5_art_18_3_academic_research_needs_an_institution_on_one_side() -> None:
    """Arts. 18(3)(v)-(vi), 27(1)(v)-(vii): each item is off unless the policy enables it,
    and then only with an academic research institution on the side the item names."""
    default = make_policy()
    assert not {"academic_research", "academic_recipient"} & default.use_exemptions
    assert not {"academic_publication", "academic_recipient"} & default.provision_grounds
    university = pp.Recipient("university", academic_institution=True)
    lab = pp.Recipient("lab", joint_research=True)
    recipients = {**default.recipients, "university": university, "lab": lab}
    policy = make_policy(
        recipients=recipients,
        use_exemptions={"laws_and_regulations", "academic_research"},
        provision_grounds={"consent", "entrustment", "joint_use", "academic_recipient"},
    )
    engine, _ = make_engine(policy)
    s = engine.register_subject("p1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    why = "ad study"

    def claim(exemption: pp.Exemption) -> dict[str, Any]:
        return {"exemption": exemption, "justification": why}

    ad = engine.check_provision(
        s, recipient="partner", items={"email"}, **claim(pp.Exemption.ACADEMIC_RECIPIENT)
    )
    assert not ad.allowed and "R-TPP-2" in ad.rules
    assert "APPI Art. 27(1)(vii)" in ad.citations
    uni = engine.check_provision(
        s, recipient="university", items={"email"}, **claim(pp.Exemption.ACADEMIC_RECIPIENT)
    )
    assert uni.allowed and uni.basis is pp.Basis.EXEMPTION
    # Not enabled by this policy: joint research is denied even with a partner.
    joint = engine.check_provision(
        s, recipient="lab", items={"email"}, **claim(pp.Exemption.ACADEMIC_JOINT_RESEARCH)
    )
    assert not joint.allowed
    # Own research needs the business to be an institution.
    own = claim(pp.Exemption.ACADEMIC_RESEARCH)
    assert not engine.check_use(s, purpose="newsletter", items={"email"}, **own).allowed
    # academic_recipient is also a use item (Art. 18(3)(vi)), but [use] exemptions does
    # not enable it here: enabling it for provision does not enable it for use.
    recipient_use = claim(pp.Exemption.ACADEMIC_RECIPIENT)
    assert not engine.check_use(s, purpose="newsletter", items={"email"}, **recipient_use).allowed

    institution = attrs.evolve(
        policy,
        academic_institution=True,
        provision_grounds=policy.provision_grounds | {"academic_joint_research"},
    )
    engine2, _ = make_engine(institution)
    s2 = engine2.register_subject("p2", category="customer")
    engine2.acquire(s2, items={"email"}, purposes={"service"}, channel="web")
    used = engine2.check_use(s2, purpose="newsletter", items={"email"}, **own)
    assert used.allowed and "APPI Art. 18(3)(v)" in used.citations
    joint_claim = claim(pp.Exemption.ACADEMIC_JOINT_RESEARCH)
    assert engine2.check_provision(s2, recipient="lab", items={"email"}, **joint_claim).allowed
    assert not engine2.check_provision(
        s2, recipient="partner", items={"email"}, **joint_claim
    ).allowed


def test_r_acq_3_art_20_2_vii_special_care_data_made_public_is_acquired_without_consent() -> None:
    """Art. 20(2)(vii): information made public by the person, a state organ or the press;
    (viii) appearance observed. Acquisition only: these are no exemptions for use."""
    engine, _ = make_engine()
    s = engine.register_subject("p1", category="customer")
    items = {"name", "medical_history"}
    public: dict[str, Any] = {
        "exemption": pp.Exemption.MADE_PUBLIC,
        "justification": "published interview",
    }
    d = engine.check_acquisition(s, items=items, purposes={"health"}, channel="other", **public)
    assert d.allowed and "APPI Art. 20(2)(vii)" in d.citations
    assert not engine.check_acquisition(s, items=items, purposes={"health"}).allowed
    engine.acquire(s, items=items, purposes={"health"}, channel="other", **public)
    denied = engine.check_use(s, purpose="service", items={"name"}, **public)
    assert not denied.allowed and "R-USE-5" in denied.rules


def test_r_use_2_related_change_needs_a_statement() -> None:
    base = make_policy()
    purposes = dict(base.purposes)
    purposes["newsletter"] = pp.Purpose(
        "newsletter", items={"email"}, changes=(pp.PurposeChange(date(2026, 3, 1), related=True),)
    )
    with pytest.raises(pp.PolicyError) as info:
        make_policy(purposes=purposes)
    assert "purposes.newsletter.changes[0].statement" in locations(info.value)


def test_r_use_5_unknown_use_exemption_is_rejected() -> None:
    with pytest.raises(pp.PolicyError) as info:
        make_policy(use_exemptions={"laws_and_regulations", "because_we_can"})
    assert "use.exemptions" in locations(info.value)


def test_r_sec_1_service_needs_a_responsible_person() -> None:
    with pytest.raises(pp.PolicyError) as info:
        make_policy(services={"shop": pp.Service("shop", purposes={"service"})})
    assert "services.shop.responsible" in locations(info.value)


def test_structural_errors_are_typed_and_located(tmp_path: Path) -> None:
    text = MINIMAL.replace('items = ["email"]', 'items = 3\nconsent = "maybe"') + (
        '\n[items.name]\nspecial_care = "yes"\n[bogus]\n'
    )
    with pytest.raises(pp.PolicyError) as info:
        pp.load_policy(write(tmp_path, text))
    assert {
        "purposes.service.items",
        "purposes.service.consent",
        "items.name.special_care",
        "bogus",
    } <= locations(info.value)


def test_invalid_toml_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(pp.PolicyError, match="not valid TOML"):
        pp.load_policy(write(tmp_path, "[policy\nversion="))


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        pp.load_policy(tmp_path / "absent.toml")


def test_lookups_raise_typed_errors_that_name_the_known_entries() -> None:
    policy = make_policy()
    with pytest.raises(pp.UnknownPurpose) as info:
        policy.purpose("marketing")
    assert isinstance(info.value, KeyError)
    assert "newsletter" in str(info.value)
    with pytest.raises(pp.UnknownRecipient):
        policy.recipient("nobody")
    with pytest.raises(pp.UnknownItem):
        policy.item("shoe_size")


def test_policy_repr_names_entries_not_addresses() -> None:
    text = repr(make_policy())
    assert "Example K.K." in text
    assert "Chiyoda" not in text


def test_full_toml_round_trip_of_every_section(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """
[items.name]
title = "Name"
[items.cookie]
identifies = false
[items.health]
special_care = true
[items.tax]
legal_retention = "Corporation Tax Act"

[purposes.care]
items = ["name", "health"]
consent = "at_collection"
handlers = ["nurse"]
retention_days = 30
changes = [{ revised = 2026-03-01, related = true, statement = "same service, new channel" }]

[recipients.shipping]
kind = "entrustee"
purposes = ["service"]
items = ["email"]
contract = { confidentiality = true, security_measures = true, no_reprovision = true, until = 2027-03-31, reference = "C-1" }

[recipients.group]
kind = "joint_user"
joint_use = "crm"

[joint_use.crm]
announced = true
items = ["email"]
users = "group companies"
purposes = ["service"]
published = 2026-01-01
manager = { name = "Example K.K.", address = "Tokyo", representative = "CEO" }

[services.shop]
purposes = ["service"]
responsible = "Head of e-commerce"
window = "shop@example.jp"

[use]
exemptions = ["laws_and_regulations"]

[provision]
grounds = ["consent", "entrustment", "joint_use"]
record_retention_years = 3

[requests]
response_days = 10
fees = { disclosure = 1000 }
accepted_ids = ["passport", "drivers_license"]
certificate_max_age_days = 90

[statistics]
min_group = 5
"""
    )
    policy = pp.load_policy(write(tmp_path, text))
    assert policy.items["cookie"].identifies is False
    assert policy.purposes["care"].consent is pp.ConsentRule.AT_COLLECTION
    assert policy.purposes["care"].changes[0].related is True
    contract = policy.recipients["shipping"].contract
    assert contract is not None and contract.until == date(2027, 3, 31)
    assert policy.joint_uses["crm"].manager_representative == "CEO"
    assert policy.services["shop"].responsible == "Head of e-commerce"
    assert policy.use_exemptions == {"laws_and_regulations"}
    assert policy.requests.fees == {pp.RequestKind.DISCLOSURE: 1000}
    assert policy.requests.accepted_ids == {
        pp.DocumentKind.PASSPORT,
        pp.DocumentKind.DRIVERS_LICENSE,
    }
    assert policy.statistics_min_group == 5


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("address", ""),
        ("representative", "   "),
        ("contact", "[contact form URL]"),
        ("security_measures", ()),
        ("security_measures", ("TBD",)),
    ],
)
def test_r_pub_1_art_32_1_the_published_items_are_required(field: str, value: Any) -> None:
    """Art. 32(1): name, address, representative, where to make requests, and the security
    measures taken (Art. 23, Art. 32(1)(iv)) are published, so a policy needs each."""
    controller = attrs.evolve(make_policy().controller, **{field: value})
    with pytest.raises(pp.PolicyError) as info:
        make_policy(controller=controller)
    assert locations(info.value) == {f"controller.{field}"}


def test_r_pub_1_art_32_1_complaints_go_to_the_contact_unless_published_apart() -> None:
    controller = make_policy().controller
    assert controller.complaints_window == controller.contact
    apart = attrs.evolve(controller, complaints="Complaints desk, TEL 03-0000-0000")
    assert make_policy(controller=apart).controller.complaints_window.startswith("Complaints")


def test_r_pub_1_every_example_policy_publishes_its_security_measures() -> None:
    for name in pp.example_policy_names():
        assert pp.example_policy(name).controller.security_measures, name


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"items": {"email"}}, "recipients.readers.items"),
        ({"purposes": {"service"}}, "recipients.readers.purposes"),
        ({"contract": CONTRACT}, "recipients.readers.contract"),
        ({"joint_use": "group-crm"}, "recipients.readers.joint_use"),
    ],
)
def test_r_tpp_6_a_recipient_of_statistics_receives_no_personal_data(
    change: dict[str, Any], location: str
) -> None:
    """A recipient of statistics (kind = "statistics") gets aggregates of statistics
    purposes; anything that would give it personal data is refused."""
    base = make_policy()
    purposes = {
        **base.purposes,
        "stats": pp.Purpose("stats", items={"hobbies"}, statistics=True),
    }
    readers = pp.Recipient("readers", kind=pp.RecipientKind.STATISTICS, **change)
    with pytest.raises(pp.PolicyError) as info:
        make_policy(purposes=purposes, recipients={**base.recipients, "readers": readers})
    assert locations(info.value) == {location}

    fine = pp.Recipient("readers", kind=pp.RecipientKind.STATISTICS, purposes={"stats"})
    policy = make_policy(purposes=purposes, recipients={**base.recipients, "readers": fine})
    assert policy.recipients["readers"].kind is pp.RecipientKind.STATISTICS


def test_r_tpp_6_a_recipient_of_statistics_needs_the_anonymized_ground(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """
[purposes.stats]
items = ["email"]
statistics = true

[recipients.readers]
kind = "statistics"

[provision]
grounds = ["consent"]
"""
    )
    with pytest.raises(pp.PolicyError, match="needs 'anonymized'") as info:
        pp.load_policy(write(tmp_path, text))
    assert locations(info.value) == {"recipients.readers"}
    fixed = text.replace('grounds = ["consent"]', 'grounds = ["consent", "anonymized"]')
    assert pp.load_policy(write(tmp_path, fixed)).recipients["readers"].kind == "statistics"
