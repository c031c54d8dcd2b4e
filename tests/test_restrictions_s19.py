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

from datetime import date, timedelta

import attrs

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.requests.support import REF, T0, customer, shop_policy, verified

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


# -- consents given before a deletion, and the items given again (R-REQ-7) -------------


def _deleted_then_given_again(
    engine: pp.Engine, clock: pp.FixedClock, s: pp.Subject, items: set[str], purpose: str
) -> pp.Request:
    """The person has ``items`` deleted on request, then gives them again a day later
    with the notice of ``purpose``."""
    clock.advance(timedelta(hours=1))
    r = verified(engine, K.DELETION, s, details={"items": sorted(items)})
    assert engine.requests.fulfil(r.id).state is pp.RequestState.FULFILLED
    clock.advance(timedelta(days=1))
    engine.acquire(s, items=items, purposes={purpose}, channel="web")
    return r


def test_r_req_7_r_tpp_1_a_consent_to_provision_given_before_a_deletion_does_not_reach_the_items_given_again() -> (
    None
):
    """R-REQ-7 (Art. 35) and R-TPP-1 (Art. 27(1)). The person agreed to give the partner
    name and e-mail, then asked to have the e-mail deleted, then gave an e-mail again for
    the service. The deletion took the e-mail with what was said about it: the notice
    (an item acquired again serves only the purposes notified when it was) and the
    consent to give it to the partner. The new e-mail is given to the partner only on a
    consent given since (fail closed: the person who asked to erase it has not said the
    partner may have it again). The name, never deleted, still goes on the consent.
    Before, the old consent allowed the new e-mail to go."""
    engine, clock, _, s = _shop(shop_policy())
    engine.grant_consent(s, recipient="partner", items={"name", "email"})
    r = _deleted_then_given_again(engine, clock, s, {"email"}, "service")

    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert not d.allowed
    assert r.id in d.reasons[0] and "given again" in d.reasons[0]
    assert "APPI Art. 35" in d.citations and "APPI Art. 27(1)" in d.citations
    assert pp.explain(d, shop_policy(), "en") == d.reasons
    name = engine.check_provision(s, recipient="partner", items={"name"}, purpose="service")
    assert name.allowed and name.basis is pp.Basis.CONSENT

    engine.grant_consent(s, recipient="partner", items={"email"})
    d = engine.check_provision(s, recipient="partner", items={"name", "email"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.CONSENT


def test_r_req_7_r_use_4_a_consent_to_a_purpose_given_before_a_deletion_does_not_reach_the_items_given_again() -> (
    None
):
    """R-REQ-7 (Art. 35) and R-USE-4 (Art. 18(1)): the same for use. The person agreed to
    the newsletter (beyond the service's notice), had the e-mail deleted, and gave it
    again for the service only: the new e-mail serves the service, not the newsletter,
    until the person agrees again. Provision and use answer alike."""
    engine, clock, _, s = _shop(shop_policy())
    engine.grant_consent(s, purpose="newsletter")
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    r = _deleted_then_given_again(engine, clock, s, {"email"}, "service")

    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert not d.allowed and r.id in d.reasons[0] and "given again" in d.reasons[0]
    assert "APPI Art. 35" in d.citations

    # The person agrees again: the grant of the very scope in force is no retry, since
    # the consent in force no longer reaches the e-mail; it is ended and a new one
    # recorded, which does.
    [old] = [c for c in engine.consents(s) if c.scope.purpose == "newsletter"]
    again = engine.grant_consent(s, purpose="newsletter")
    assert again.id != old.id
    assert engine.check_use(s, purpose="newsletter", items={"email"}).allowed
    # Asked again at once, it is a retry: the consent just given is returned.
    assert engine.grant_consent(s, purpose="newsletter").id == again.id


def test_r_req_7_r_use_7_a_permission_given_before_a_deletion_is_asked_again_at_collection() -> (
    None
):
    """R-REQ-7, R-USE-7 and R-ACQ-3 (Art. 20(2)): a purpose that needs the person's
    permission at collection, and special care-required data that needs prior consent,
    are collected again after a deletion only on a permission given since: the one given
    before went with the data it was about, as for use and provision."""
    engine, clock, _, s = _shop(shop_policy())
    engine.grant_consent(s, purpose="health")
    engine.acquire(s, items={"medical_history"}, purposes={"health"}, channel="web")
    clock.advance(timedelta(hours=1))
    r = verified(engine, K.DELETION, s, details={"items": ["medical_history"]})
    engine.requests.fulfil(r.id)
    clock.advance(timedelta(days=1))

    d = engine.check_acquisition(s, items={"medical_history"}, purposes={"health"}, channel="web")
    assert not d.allowed and r.id in d.reasons[0]
    engine.grant_consent(s, purpose="health")
    engine.acquire(s, items={"medical_history"}, purposes={"health"}, channel="web")
    assert engine.check_use(s, purpose="health", items={"medical_history"}).allowed


def test_r_req_7_a_consent_given_before_an_erasure_the_business_made_still_stands() -> None:
    """R-ACC-1 (Art. 22): an erasure the business made once no purpose needed the data
    was not the person's word; their consent to the partner is not touched by it."""
    engine, clock, _, s = _shop(shop_policy())
    engine.grant_consent(s, recipient="partner", items={"name", "email"})
    clock.advance(timedelta(hours=1))
    engine.record_erasure(s, items={"email"})
    clock.advance(timedelta(days=1))
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")

    d = engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    assert d.allowed and d.basis is pp.Basis.CONSENT


def test_r_req_7_r_con_1_a_grant_after_the_deletion_replaces_the_consent_it_narrowed() -> None:
    """R-CON-1 and R-REQ-7: one consent per scope is in force, and a grant of a scope in
    force returns it (a retry). A consent a later deletion on request narrowed is not
    what the person agrees to now: ``renewal`` ends it (``expired``) so that the new
    grant is recorded, when it is given the person's restrictions (``grant_consent``
    passes them). Without them it answers as before."""
    from pipolicy.rules.renewal import renewal

    given = T0 - timedelta(days=2)
    scope = pp.ConsentScope("newsletter", None, frozenset({"email"}))
    held = pp.Consent(
        "k1", "s1", scope, pp.ConsentStatus.GIVEN, pp.Evidence("web-form", "f1"), "shop-1", given
    )
    deletion = pp.Restriction(
        "r1",
        "s1",
        pp.RestrictionKind.DELETED,
        given + timedelta(hours=1),
        "req-1",
        items=frozenset({"email"}),
    )
    erasure = attrs.evolve(deletion, request_id=None)  # Art. 22: the business's own
    policy = shop_policy()

    in_force, ended = renewal(policy, [held], scope, None, T0, restrictions=[deletion])
    assert in_force is None
    assert [(c.id, c.status) for c in ended] == [("k1", pp.ConsentStatus.EXPIRED)]
    assert renewal(policy, [held], scope, None, T0, restrictions=[erasure]) == (held, [])
    assert renewal(policy, [held], scope, None, T0) == (held, [])


def test_r_req_5_r_req_7_a_disclosure_names_no_purpose_an_outlived_consent_gave() -> None:
    """R-REQ-5 (Art. 33) and R-REQ-7: an item's purposes in a disclosure (and in a
    notification of purposes, Art. 32(2)) are those it may serve: the e-mail given again
    after its deletion serves the service it was notified for, not the newsletter an
    earlier consent reached, as the decisions say (above). Before, the disclosure named
    the newsletter for it."""
    engine, clock, _, s = _shop(shop_policy())
    engine.grant_consent(s, purpose="newsletter")
    _deleted_then_given_again(engine, clock, s, {"email"}, "service")

    answer = engine.requests.fulfil(verified(engine, K.DISCLOSURE, s).id)
    assert answer.report is not None
    listed = {e["item"]: e["purposes"] for e in answer.report["items"]}
    assert listed["email"] == ["service"]
    notification = engine.requests.fulfil(verified(engine, K.PURPOSE_NOTIFICATION, s).id)
    assert notification.report is not None
    named = {p["name"] for p in notification.report["purposes"]}
    assert named == {"service"}


# -- a correction that would add back an erased item (R-REQ-6) --------------------------


def test_r_req_6_r_req_7_a_correction_does_not_add_back_an_item_a_deletion_erased() -> None:
    """R-REQ-6 (Art. 34) and R-REQ-7 (Art. 35). A correction corrects, adds or deletes
    the contents of retained personal data, adding only what the purposes of use need
    (Art. 34(2)). The address a deletion erased is not retained: a correction naming it
    cannot "add it back", since that would be acquiring it again without the notice an
    acquisition gives (Art. 21) and undoing the deletion the person asked for. So it is
    not sent to the sources, the answer says it is not retained, and every decision and
    disclosure goes on saying it is not held, consistently. The person who wants it
    used again gives it again, as an acquisition (it then serves what that notifies)."""
    engine, clock, crm, s = _shop(shop_policy())
    deleted = verified(engine, K.DELETION, s, details={"items": ["address"]})
    engine.requests.fulfil(deleted.id)
    clock.advance(timedelta(days=1))
    r = verified(
        engine,
        K.CORRECTION,
        s,
        details={"changes": {"address": "9-9 Shibuya, Tokyo", "email": "new@example.jp"}},
    )

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.changes == {"address": "not_held", "email": "corrected"}
    # Not held, and why: the deletion the person asked for (test_correction_additions.py).
    assert "no longer hold it: Postal address" in answer.statement
    assert deleted.id in answer.statement
    assert "address" not in crm.get(REF)
    d = engine.check_use(s, purpose="service", items={"address"})
    assert not d.allowed and deleted.id in d.reasons[0]
    disclosure = engine.requests.fulfil(verified(engine, K.DISCLOSURE, s).id)
    assert disclosure.report is not None
    assert "address" not in {e["item"] for e in disclosure.report["items"]}

    clock.advance(timedelta(days=1))
    engine.acquire(s, items={"address"}, purposes={"service"}, channel="web")
    assert engine.check_use(s, purpose="service", items={"address"}).allowed
