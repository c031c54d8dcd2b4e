"""Individual Numbers (マイナンバー) only for the My Number Act's affairs (R-MYN-1; seed
004 L5 names the Act): never on consent alone, never to a third party, deleted when the
affairs end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import CONTRACT, make_engine, make_policy, recorded_earlier


def _policy(**changes: object) -> pp.Policy:
    base = make_policy()
    items = {**base.items, "my_number": pp.DataItem("my_number", my_number=True)}
    purposes = {
        **base.purposes,
        "payroll_tax": pp.Purpose(
            "payroll_tax",
            items={"name", "my_number"},
            my_number_affairs="tax",
            retention="7 years",
        ),
    }
    recipients = {
        **base.recipients,
        "payroll_office": pp.Recipient(
            "payroll_office",
            kind=pp.RecipientKind.ENTRUSTEE,
            purposes={"payroll_tax"},
            items={"name", "my_number"},
            contract=CONTRACT,
        ),
        "tax_office": pp.Recipient("tax_office", kind=pp.RecipientKind.PUBLIC_AUTHORITY),
    }
    kwargs: dict[str, object] = {"items": items, "purposes": purposes, "recipients": recipients}
    kwargs.update(changes)
    return make_policy(**kwargs)


@pytest.fixture
def employee() -> tuple[pp.Engine, pp.Subject]:
    engine, _ = make_engine(_policy())
    s = engine.register_subject("emp-1", category="customer")
    engine.acquire(s, items={"name", "my_number"}, purposes={"payroll_tax"}, channel="mail")
    return engine, s


def test_r_myn_1_used_for_the_tax_affairs_it_was_acquired_for(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    engine, s = employee
    assert engine.check_use(s, purpose="payroll_tax", items={"my_number"}).allowed


def test_r_myn_1_neither_consent_nor_most_exemptions_open_another_purpose(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    engine, s = employee
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="service")
    assert engine.check_use(s, purpose="service", items={"name"}).allowed
    for exemption in (pp.Exemption.LAWS_AND_REGULATIONS, pp.Exemption.STATE_COOPERATION):
        d = engine.check_use(
            s, purpose="service", items={"my_number"}, exemption=exemption, justification="x"
        )
        assert not d.allowed and "R-MYN-1" in d.rules, exemption
        assert "My Number Act Art. 9" in d.citations


def test_r_myn_1_never_to_a_third_party_even_with_consent(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    engine, s = employee
    with pytest.raises(pp.ConsentNotApplicable):
        engine.grant_consent(s, recipient="partner", items={"name", "my_number"})
    recorded_earlier(engine, s, recipient="partner", items={"name", "my_number"})
    d = engine.check_provision(s, recipient="partner", items={"my_number"}, purpose="service")
    assert not d.allowed and d.rules == ("R-MYN-1",)
    assert "My Number Act Art. 19" in d.citations
    entrusted = engine.check_provision(
        s, recipient="payroll_office", items={"my_number"}, purpose="payroll_tax"
    )
    assert entrusted.allowed and entrusted.basis is pp.Basis.ENTRUSTMENT
    wrong_purpose = engine.check_provision(
        s, recipient="payroll_office", items={"my_number"}, purpose="service"
    )
    assert not wrong_purpose.allowed
    by_law = engine.check_provision(
        s,
        recipient="tax_office",
        items={"my_number"},
        purpose="payroll_tax",
        exemption="laws_and_regulations",
        justification="Income Tax Act Art. 226: withholding slip to the tax office",
    )
    assert by_law.allowed


def test_r_myn_1_no_purpose_outside_the_affairs_may_declare_numbers() -> None:
    """So nothing acquires a number for another purpose (R-ACQ-2 refuses undeclared items)."""
    base = _policy()
    service = pp.Purpose("service", items={"name", "email", "my_number"})
    with pytest.raises(pp.PolicyError, match="R-MYN-1"):
        _policy(purposes={**base.purposes, "service": service})
    engine, _ = make_engine(base)
    s = engine.register_subject("emp-2", category="customer")
    d = engine.check_acquisition(s, items={"name", "my_number"}, purposes={"service"})
    assert not d.allowed and "R-ACQ-2" in d.rules


def _affairs(**how: Any) -> pp.Policy:
    """The test policy, its payroll purpose declared as ``how`` says."""
    base = _policy()
    purpose = pp.Purpose("payroll_tax", items={"my_number"}, **how)
    return _policy(purposes={**base.purposes, "payroll_tax": purpose})


def test_r_myn_1_the_validator_keeps_numbers_to_the_affairs() -> None:
    with pytest.raises(pp.PolicyError, match="my_number_affairs"):
        _affairs(my_number_affairs="marketing", retention="1 year")
    with pytest.raises(pp.PolicyError, match="give the retention period"):
        _affairs(my_number_affairs="tax")
    base = _policy()
    partner = pp.Recipient("partner", purposes={"service"}, items={"my_number"})
    with pytest.raises(pp.PolicyError, match="never to a third party on consent"):
        _policy(recipients={**base.recipients, "partner": partner})


def test_r_myn_1_reported_for_deletion_when_the_affairs_retention_ends(
    employee: tuple[pp.Engine, pp.Subject],
) -> None:
    engine, s = employee
    clock = engine.clock
    assert isinstance(clock, pp.FixedClock)
    engine.mark_left(s)
    assert not [e for e in engine.retention_report() if "my_number" in e.items]
    clock.advance(timedelta(days=366 * 7 + 2))
    due = [e for e in engine.retention_report() if e.subject_id == s.id]
    assert due and "my_number" in due[0].items


def test_r_myn_1_the_notice_marks_individual_numbers() -> None:
    notice = pp.render_notice(_policy(), "en")
    assert (
        r"| my\_number | Individual Number (used only for the affairs the My Number Act allows) |"
        in notice
    )


def test_r_myn_1_the_policy_knows_its_individual_numbers_however_it_was_built() -> None:
    import attrs

    policy = _policy()
    assert policy.my_number_items == frozenset({"my_number"})
    assert make_policy().my_number_items == frozenset()
    plain = {**policy.items, "my_number": pp.DataItem("my_number")}
    assert attrs.evolve(policy, items=plain).my_number_items == frozenset()
    data = {
        "controller": {
            "name": "Example KK",
            "address": "Tokyo",
            "representative": "CEO",
            "contact": "privacy@example.jp",
            "security_measures": ["access control"],
        },
        "policy": {"version": "1", "revised": "2026-04-01"},
        "items": {"name": {}, "my_number": {"my_number": True}},
        "purposes": {
            "payroll_tax": {
                "items": ["name", "my_number"],
                "my_number_affairs": "tax",
                "retention": "7 years",
            }
        },
    }
    assert pp.policy_from_dict(data).my_number_items == frozenset({"my_number"})


def test_r_myn_1_no_joint_use_may_list_individual_numbers() -> None:
    """Joint use is no exception for Individual Numbers (My Number Act Art. 19 lists none):
    a joint use announcing them would publish a use the Act forbids, so the validator
    refuses it, as it refuses a third party given them."""
    base = _policy()
    [(name, joint)] = base.joint_uses.items()
    numbers = attrs.evolve(
        joint, items=joint.items | {"my_number"}, purposes=joint.purposes | {"payroll_tax"}
    )
    with pytest.raises(pp.PolicyError, match=rf"joint_use\.{name}\.items: .*R-MYN-1"):
        _policy(joint_uses={name: numbers})


def test_r_myn_1_a_legal_duty_to_keep_numbers_must_say_when_it_ends() -> None:
    """A duty with no period keeps what it covers for ever (the retention report holds it
    as legal_hold); Individual Numbers must be deleted as soon as the period the tax or
    social security laws set has passed (My Number Act Art. 20; PPC My Number guidelines
    for businesses, deletion and disposal), so the duty needs its period."""
    base = _policy()
    duty = "Income Tax Act Art. 194: withholding records"
    numbers = {
        **base.items,
        "my_number": pp.DataItem("my_number", my_number=True, legal_retention=duty),
    }
    with pytest.raises(
        pp.PolicyError, match=r"items\.my_number\.legal_retention_period: .*R-MYN-1"
    ):
        _policy(items=numbers)
    purpose = attrs.evolve(base.purposes["payroll_tax"], legal_retention=duty)
    with pytest.raises(
        pp.PolicyError, match=r"purposes\.payroll_tax\.legal_retention_period: .*R-MYN-1"
    ):
        _policy(purposes={**base.purposes, "payroll_tax": purpose})
    kept = {
        **base.items,
        "my_number": pp.DataItem(
            "my_number", my_number=True, legal_retention=duty, legal_retention_period="7 years"
        ),
    }
    engine, clock = make_engine(_policy(items=kept))
    s = engine.register_subject("emp-3", category="customer")
    engine.acquire(s, items={"name", "my_number"}, purposes={"payroll_tax"}, channel="mail")
    engine.mark_left(s)
    clock.advance(timedelta(days=366 * 8))
    [entry] = [e for e in engine.retention_report() if e.subject_id == s.id]
    assert "my_number" in entry.items and not entry.legal_hold
