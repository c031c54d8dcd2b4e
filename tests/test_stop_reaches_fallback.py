"""R-REQ-7, R-TPP-1 (Arts. 35(3), 27(1), 27(5)): a stop of provision to third parties
spares an entrustee and a joint user at home, because entrustment and joint use are not
provision to a third party (Art. 27(5)(i), (iii)). But where the arrangement does not
carry a provision (an item outside the joint use, no ``entrustment`` ground) and the
recipient would receive on the person's consent instead, that IS provision to a third
party (Art. 27(1)), and the stop reaches it. Review 116 found the joint user's case
allowed after the stop; the entrustee's had the same hole before this session.
"""

from __future__ import annotations

from datetime import date

import attrs

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.factories import recorded_earlier
from tests.requests.support import T0, customer, passport, shop_policy, verified


def _stopped(policy: pp.Policy, recipient: str, items: set[str]) -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = customer(engine, crm)
    engine.grant_consent(s, recipient=recipient, items=items)
    d = engine.check_provision(s, recipient=recipient, items=items, purpose="service")
    assert d.allowed and d.basis is pp.Basis.CONSENT
    engine.requests.fulfil(verified(engine, pp.RequestKind.SUSPENSION_OF_PROVISION, s).id)
    return engine, s


def _with_joint_use() -> pp.Policy:
    base = shop_policy()
    group = pp.Recipient(
        "group", title="Group companies", kind=pp.RecipientKind.JOINT_USER, joint_use="group-crm"
    )
    joint = pp.JointUse(
        "group-crm",
        announced=True,
        items={"name", "email"},
        users="Group companies",
        purposes={"service"},
        manager_name="Example Shop K.K.",
        manager_address="1-1 Marunouchi, Tokyo",
        manager_representative="Jiro Shop",
        published=date(2026, 4, 1),
    )
    return attrs.evolve(
        base,
        recipients={**base.recipients, "group": group},
        joint_uses={"group-crm": joint},
        provision_grounds=base.provision_grounds | {"joint_use"},
    )


def test_r_req_7_a_stop_of_provision_reaches_a_joint_user_receiving_on_consent() -> None:
    engine, s = _stopped(_with_joint_use(), "group", {"email", "address"})
    d = engine.check_provision(s, recipient="group", items={"email", "address"}, purpose="service")
    assert not d.allowed and "suspended" in d.reasons[0]
    # What the joint use itself carries still goes: the stop does not reach joint use.
    d = engine.check_provision(s, recipient="group", items={"email"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.JOINT_USE


def test_r_req_7_a_stop_of_provision_reaches_an_entrustee_receiving_on_consent() -> None:
    base = shop_policy()
    courier = pp.Recipient(
        "courier",
        title="Courier",
        kind=pp.RecipientKind.ENTRUSTEE,
        purposes={"service"},
        items={"name", "address"},
        contract=pp.Contract(True, True, True, valid_from=date(2026, 1, 1)),
    )
    policy = attrs.evolve(
        base,
        recipients={**base.recipients, "courier": courier},
        provision_grounds=base.provision_grounds - {"entrustment"},
    )
    engine, s = _stopped(policy, "courier", {"address"})
    d = engine.check_provision(s, recipient="courier", items={"address"}, purpose="service")
    assert not d.allowed and "suspended" in d.reasons[0]


def test_r_req_7_the_english_answer_says_third_parties_as_the_japanese_does() -> None:
    """Art. 35(3) reaches provision to third parties; the answer said "others", which
    would include the joint users and entrustees the stop does not reach (第三者 in the
    Japanese letter)."""
    engine, s = _stopped(_with_joint_use(), "group", {"email", "address"})
    [stop] = [
        r
        for r in engine.requests.for_subject(s)
        if r.kind is pp.RequestKind.SUSPENSION_OF_PROVISION
    ]
    statement = engine.requests.answer(stop.id).statement
    assert "stopped providing to third parties your personal data" in statement
    assert "providing to others" not in statement


def test_r_req_7_a_stop_naming_an_entrustee_that_receives_on_consent_reaches_it() -> None:
    """Review 117 (Arts. 35(3), 27(1)): with no ``entrustment`` ground, an entrustee
    receives only on the person's consent, as a third party. A stop naming it was
    refused at intake as one that cannot reach an entrustee, and provision went on."""
    base = shop_policy()
    courier = pp.Recipient(
        "courier",
        title="Courier",
        kind=pp.RecipientKind.ENTRUSTEE,
        purposes={"service"},
        items={"name", "address"},
        contract=pp.Contract(True, True, True, valid_from=date(2026, 1, 1)),
    )
    policy = attrs.evolve(
        base,
        recipients={**base.recipients, "courier": courier},
        provision_grounds=base.provision_grounds - {"entrustment"},
    )
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = customer(engine, crm)
    engine.grant_consent(s, recipient="courier", items={"address"})
    r = verified(
        engine, pp.RequestKind.SUSPENSION_OF_PROVISION, s, details={"recipients": ["courier"]}
    )
    engine.requests.fulfil(r.id)
    d = engine.check_provision(s, recipient="courier", items={"address"}, purpose="service")
    assert not d.allowed and "suspended" in d.reasons[0]


def test_r_req_7_an_entrustee_under_the_entrustment_ground_never_receives_as_a_third_party() -> (
    None
):
    """With the ``entrustment`` ground, intake refuses a stop naming only an entrustee at
    home. That is right only while no provision to it rests on consent: a consent is
    bounded by the purposes and items the policy declares for the entrustee, which are
    the entrustment's own (the validator requires both), so entrustment carries whatever
    a consent would. Asked of the decision for every purpose and item, with the person's
    consent to everything in place."""
    base = shop_policy()
    courier = pp.Recipient(
        "courier",
        title="Courier",
        kind=pp.RecipientKind.ENTRUSTEE,
        purposes={"service"},
        items={"name", "address"},
        contract=pp.Contract(True, True, True, valid_from=date(2026, 1, 1)),
    )
    policy = attrs.evolve(base, recipients={**base.recipients, "courier": courier})
    assert "entrustment" in policy.provision_grounds and "consent" in policy.provision_grounds
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = customer(engine, crm)
    held = {"name", "email", "address", "invoice"}
    # A consent to items it does not receive is refused now; one a store written
    # before holds is in place here.
    recorded_earlier(engine, s, recipient="courier", items=held)
    for purpose in policy.purposes:
        for item in held:
            d = engine.check_provision(s, recipient="courier", items={item}, purpose=purpose)
            assert d.basis is not pp.Basis.CONSENT, (purpose, item)
    r = engine.requests.submit(
        pp.RequestKind.SUSPENSION_OF_PROVISION,
        subject=s,
        documents=[passport()],
        method="mail",
        details={"recipients": ["courier"]},
    )
    assert r.state is pp.RequestState.REFUSED
    assert r.details["not_stopped"] == [{"recipient": "courier", "kind": "entrustee"}]
