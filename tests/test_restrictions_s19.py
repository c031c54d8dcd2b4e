"""Session 19 (R-REQ-7, R-TPP-5, R-REQ-6; APPI Arts. 27(5), 34, 35): what a restriction
the person asked for reaches.

* A stop of provision to third parties (Art. 35(3), (5)) does not stop joint use: a
  joint user is no third party (Art. 27(5)(iii)), as an entrustee in Japan is not
  (Art. 27(5)(i)). A suspension of use (Art. 35(1)) still stops it, and a stop that
  names the joint user, granted and answered as such, stops provision to it.
* A consent given before a deletion the person asked for does not reach the items that
  deletion erased when the person gives them again (R-REQ-7): the new data serves what
  was notified for it, for use and for provision alike.
* A correction (Art. 34) does not add back an item a deletion erased.
"""

from __future__ import annotations

from datetime import date

import attrs

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.requests.support import T0, customer, shop_policy, verified

K = pp.RequestKind


def _with_joint_use(country: str = "") -> pp.Policy:
    """The shop, sharing name and e-mail with its group companies for the service."""
    base = shop_policy()
    group = pp.Recipient(
        "group",
        title="Group companies",
        kind=pp.RecipientKind.JOINT_USER,
        joint_use="group-crm",
        country=country,
    )
    joint = pp.JointUse(
        "group-crm",
        announced=True,
        items={"name", "email"},
        users="Group companies listed on the website",
        purposes={"service"},
        manager_name="Example Shop K.K.",
        manager_address="1-1 Marunouchi, Tokyo",
        manager_representative="Jiro Shop, Representative Director",
        published=date(2026, 4, 1),
    )
    return attrs.evolve(
        base,
        recipients={**base.recipients, "group": group},
        joint_uses={"group-crm": joint},
        provision_grounds=base.provision_grounds | {"joint_use"},
    )


def _shop(policy: pp.Policy) -> tuple[pp.Engine, pp.FixedClock, MemorySource, pp.Subject]:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(policy, clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    return engine, clock, crm, customer(engine, crm)


def _to_group(engine: pp.Engine, s: pp.Subject) -> pp.Decision:
    return engine.check_provision(s, recipient="group", items={"email"}, purpose="service")


def test_r_tpp_5_r_req_7_a_stop_of_provision_to_third_parties_leaves_joint_use() -> None:
    """R-REQ-7 (Art. 35(3), (5)) and R-TPP-5 (Art. 27(5)(iii)): the person asks to stop
    provision of their data to third parties. A joint user within the published joint
    use is "not a third party" (Art. 27(5)), and joint use is no violation of Art. 27(1)
    that Art. 35(3) stops: the answer's 「第三者への提供を停止」 does not reach it. Before,
    the stop denied joint use as well."""
    engine, _, _, s = _shop(_with_joint_use())
    assert _to_group(engine, s).basis is pp.Basis.JOINT_USE
    engine.grant_consent(s, recipient="partner", items={"email"})
    r = verified(engine, K.SUSPENSION_OF_PROVISION, s)
    engine.requests.fulfil(r.id)

    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert not d.allowed and r.id in d.reasons[0]  # the third party: stopped
    d = _to_group(engine, s)
    assert d.allowed and d.basis is pp.Basis.JOINT_USE


def test_r_tpp_5_r_req_7_a_suspension_of_use_still_stops_joint_use() -> None:
    """R-REQ-7 (Art. 35(1)): joint use is a use of the data; a suspension of use stops it."""
    engine, _, _, s = _shop(_with_joint_use())
    r = verified(engine, K.SUSPENSION_OF_USE, s)
    engine.requests.fulfil(r.id)

    d = _to_group(engine, s)
    assert not d.allowed and r.id in d.reasons[0]


def test_r_tpp_5_r_req_7_a_stop_naming_the_joint_user_stops_it() -> None:
    """R-REQ-7 (Art. 35(3)): a stop the business granted naming the joint user, whose
    answer says "we have stopped providing to Group companies", is kept: the answer would
    read false otherwise."""
    engine, _, _, s = _shop(_with_joint_use())
    r = verified(engine, K.SUSPENSION_OF_PROVISION, s, details={"recipients": ["group"]})
    answer = engine.requests.fulfil(r.id)
    assert "providing to Group companies" in answer.statement

    d = _to_group(engine, s)
    assert not d.allowed and r.id in d.reasons[0]


def test_r_tpp_5_r_xb_1_r_req_7_a_stop_of_provision_reaches_a_joint_user_abroad() -> None:
    """R-XB-1 (Art. 28): a joint user in a foreign country is a third party for Art. 28,
    which Art. 35(3) names: the stop reaches it, as it reaches an entrustee abroad."""
    engine, _, _, s = _shop(_with_joint_use(country="US"))
    engine.grant_consent(
        s,
        recipient="group",
        items={"email"},
        evidence=pp.Evidence(
            "web-form",
            "v1",
            foreign_info="shown the US system and the group's measures",
            foreign_country="US",
        ),
    )
    assert _to_group(engine, s).allowed
    r = verified(engine, K.SUSPENSION_OF_PROVISION, s)
    engine.requests.fulfil(r.id)

    d = _to_group(engine, s)
    assert not d.allowed and r.id in d.reasons[0]
