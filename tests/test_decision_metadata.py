"""The metadata of every decision the rules make: citations, rule ids and context.

A mutation run over ``src/pipolicy/rules/`` left alive the mutants that change what a
decision *says* (the articles and policy clauses it cites, the requirement ids its
reasons name, the action, purpose, recipient, items and consent it is about) without
changing whether it allows. These tests pin all of it, for every decision path of
``use``, ``provision``, ``acquisition``, ``common`` and ``statistics``.

Each expected citation is written out from the law (APPI as amended in 2020/2021) and the
policy, never computed with the library's own helpers:

- Art. 17(1) purpose specification; Art. 18(1) no use beyond the purpose without consent;
  Art. 18(3)(i)-(vi), Art. 20(2)(i)-(viii) and Art. 27(1)(i)-(vii) the exemptions;
- Art. 20(2) consent for acquiring special care-required data; Art. 21(1) notice of the
  purpose; Art. 24 supervision of staff; Art. 25 supervision of entrustees;
- Art. 27(1) third-party provision on consent; Art. 27(5)(i) entrustment, (ii) business
  succession, (iii) joint use; Art. 29 the provision record;
- Art. 31(1) personally referable information, Art. 31(3) the confirmation record;
- Art. 35 suspension of use or provision and deletion on request; Art. 2(1) what is
  personal information (anonymous statistics are not).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.exemptions import Exemption as E
from pipolicy.policy import validation
from pipolicy.requests.disclosure import holdings
from pipolicy.rules.acquisition import AcquisitionQuery, decide_acquisition
from pipolicy.rules.provision import ProvisionQuery, decide_provision
from pipolicy.rules.statistics import decide_statistics
from pipolicy.rules.use import UseQuery, decide_use
from pipolicy.storage.repositories import SubjectFacts
from tests.factories import JST, T0, make_engine, make_policy

NOW = T0  # 2026-04-01 09:00 JST
BEFORE = NOW - timedelta(days=1)
POLICY = make_policy()
COURT_ORDER = "court order 2026-9"


# -- building facts by hand -----------------------------------------------------------


def _fs(names: Iterable[str]) -> frozenset[str]:
    return frozenset(names)


def acq(
    items: Iterable[str], purposes: Iterable[str], *, at: datetime = BEFORE, id: str = "a1"
) -> pp.Acquisition:
    return pp.Acquisition(
        id, "s1", _fs(items), _fs(purposes), pp.Channel.WEB, "signup-form", at, "v1"
    )


def consent(
    id: str = "k1",
    *,
    purpose: str | None = None,
    recipient: str | None = None,
    items: Iterable[str] = (),
    at: datetime = BEFORE,
) -> pp.Consent:
    return pp.Consent(
        id,
        "s1",
        pp.ConsentScope(purpose, recipient, _fs(items)),
        pp.ConsentStatus.GIVEN,
        pp.Evidence("web-form", "form-1"),
        "v1",
        at,
    )


def restriction(
    kind: pp.RestrictionKind,
    *,
    since: datetime = BEFORE + timedelta(hours=1),
    request_id: str | None = "req-7",
    items: Iterable[str] = (),
    purposes: Iterable[str] = (),
    recipients: Iterable[str] = (),
) -> pp.Restriction:
    return pp.Restriction(
        "r1", "s1", kind, since, request_id, _fs(items), _fs(purposes), _fs(recipients)
    )


def facts(
    *acquisitions: pp.Acquisition,
    consents: Iterable[pp.Consent] = (),
    restrictions: Iterable[pp.Restriction] = (),
    category: str = "customer",
) -> SubjectFacts:
    subject = pp.Subject("s1", "c1", BEFORE - timedelta(days=30), category)
    return SubjectFacts(subject, tuple(acquisitions), tuple(consents), tuple(restrictions))


def meta(d: pp.Decision) -> dict[str, object]:
    """Everything a decision says, so one comparison pins it all."""
    return {
        "allowed": d.allowed,
        "basis": d.basis,
        "reasons": d.reasons,
        "citations": d.citations,
        "rules": d.rules,
        "action": d.action,
        "purpose": d.purpose,
        "recipient": d.recipient,
        "items": d.items,
        "consent_id": d.consent_id,
    }


def allowed(
    basis: pp.Basis,
    reason: str,
    citations: tuple[str, ...],
    *,
    rules: tuple[str, ...] = (),
    action: str,
    purpose: str | None,
    items: Iterable[str],
    recipient: str | None = None,
    consent_id: str | None = None,
) -> dict[str, object]:
    return {
        "allowed": True,
        "basis": basis,
        "reasons": (reason,),
        "citations": citations,
        "rules": rules,
        "action": action,
        "purpose": purpose,
        "recipient": recipient,
        "items": _fs(items),
        "consent_id": consent_id,
    }


def denied(
    reasons: tuple[str, ...],
    citations: tuple[str, ...],
    *,
    rules: tuple[str, ...],
    action: str,
    purpose: str | None,
    items: Iterable[str],
    recipient: str | None = None,
) -> dict[str, object]:
    return {
        "allowed": False,
        "basis": None,
        "reasons": reasons,
        "citations": citations,
        "rules": rules,
        "action": action,
        "purpose": purpose,
        "recipient": recipient,
        "items": _fs(items),
        "consent_id": None,
    }


def use(
    f: SubjectFacts,
    purpose: str,
    items: Iterable[str],
    *,
    policy: pp.Policy = POLICY,
    now: datetime = NOW,
    **query: Any,
) -> pp.Decision:
    return decide_use(policy, f, UseQuery(purpose, _fs(items), **query), now)


def provide(
    f: SubjectFacts,
    recipient: str,
    items: Iterable[str],
    purpose: str | None = None,
    *,
    policy: pp.Policy = POLICY,
    now: datetime = NOW,
    **query: Any,
) -> pp.Decision:
    q = ProvisionQuery(recipient, _fs(items), purpose, **query)
    return decide_provision(policy, f, q, now)


def acquire(
    f: SubjectFacts,
    items: Iterable[str],
    purposes: Iterable[str],
    *,
    policy: pp.Policy = POLICY,
    **query: Any,
) -> pp.Decision:
    q = AcquisitionQuery(_fs(items), _fs(purposes), **query)
    return decide_acquisition(policy, f, q, NOW)


def academic_policy() -> pp.Policy:
    """A university: every academic research item enabled, a lab that is both an academic
    research institution and a declared joint research partner."""
    base = make_policy()
    return make_policy(
        academic_institution=True,
        use_exemptions=set(base.use_exemptions) | {"academic_research"},
        provision_grounds=set(base.provision_grounds)
        | {"academic_publication", "academic_joint_research", "academic_recipient"},
        recipients={
            **base.recipients,
            "lab": pp.Recipient("lab", academic_institution=True, joint_research=True),
        },
    )


def without_ground(ground: str) -> pp.Policy:
    return make_policy(provision_grounds=set(POLICY.provision_grounds) - {ground})


SERVICE_DATA = acq({"name", "email", "address"}, {"service"})


# == use (Arts. 17, 18, 21, 24, 35) ===================================================


def test_r_use_4_within_notified_purpose_cites_arts_18_1_and_21_1_and_the_purpose() -> None:
    d = use(facts(SERVICE_DATA), "service", {"email"})
    assert meta(d) == allowed(
        pp.Basis.NOTIFIED_PURPOSE,
        "within notified purpose 'service'",
        ("APPI Art. 18(1)", "APPI Art. 21(1)", "policy:purposes.service"),
        action="use",
        purpose="service",
        items={"email"},
    )


def test_r_use_4_prior_consent_beyond_the_purpose_cites_art_18_1_and_the_consent() -> None:
    f = facts(SERVICE_DATA, consents=[consent("k9", purpose="newsletter")])
    d = use(f, "newsletter", {"email"})
    assert meta(d) == allowed(
        pp.Basis.CONSENT,
        "prior consent for purpose 'newsletter'",
        ("APPI Art. 18(1)", "policy:purposes.newsletter"),
        action="use",
        purpose="newsletter",
        items={"email"},
        consent_id="k9",
    )


def test_r_use_4_use_beyond_the_notified_purposes_is_denied_under_art_18_1() -> None:
    d = use(facts(SERVICE_DATA), "newsletter", {"email"})
    assert meta(d) == denied(
        (
            "use beyond the notified purposes: 'newsletter' was not notified for these items "
            "and there is no prior consent (R-USE-4)",
        ),
        ("APPI Art. 18(1)", "policy:purposes.newsletter"),
        rules=("R-USE-4",),
        action="use",
        purpose="newsletter",
        items={"email"},
    )


def test_r_use_7_permission_given_before_collection_is_the_consent_basis() -> None:
    f = facts(acq({"name", "email"}, {"signup"}), consents=[consent("k2", purpose="signup")])
    d = use(f, "signup", {"email"})
    assert meta(d) == allowed(
        pp.Basis.CONSENT,
        "permission given before collection (R-USE-7) for purpose 'signup'",
        ("APPI Art. 18(1)", "policy:purposes.signup"),
        rules=("R-USE-7",),
        action="use",
        purpose="signup",
        items={"email"},
        consent_id="k2",
    )


def test_r_use_7_within_purpose_without_permission_is_denied() -> None:
    d = use(facts(acq({"name", "email"}, {"signup"})), "signup", {"email"})
    assert meta(d) == denied(
        ("purpose 'signup' needs the person's permission first (R-USE-7)",),
        ("APPI Art. 18(1)", "policy:purposes.signup"),
        rules=("R-USE-7",),
        action="use",
        purpose="signup",
        items={"email"},
    )


def test_r_use_9_another_categorys_purpose_names_both_rules() -> None:
    f = facts(acq({"name", "resume"}, {"hiring"}), category="applicant")
    d = use(f, "service", {"name"})
    assert meta(d) == denied(
        (
            "purpose 'service' is for ['customer'], not this person's category (R-USE-9)",
            "use beyond the notified purposes: 'service' was not notified for these items "
            "and there is no prior consent (R-USE-4)",
        ),
        ("APPI Art. 18(1)", "policy:purposes.service"),
        rules=("R-USE-9", "R-USE-4"),
        action="use",
        purpose="service",
        items={"name"},
    )


def test_r_use_1_items_not_acquired_cite_art_17_1() -> None:
    d = use(facts(SERVICE_DATA), "support", {"phone"}, actor=pp.Actor("support"))
    assert meta(d) == denied(
        ("items not acquired for this person: ['phone'] (R-USE-1)",),
        ("APPI Art. 17(1)",),
        rules=("R-USE-1",),
        action="use",
        purpose="support",
        items={"phone"},
    )


def test_r_acq_2_items_undeclared_for_the_purpose_cite_art_18_1_and_the_purpose() -> None:
    f = facts(acq({"name", "phone"}, {"support"}), consents=[consent(purpose="newsletter")])
    d = use(f, "newsletter", {"phone"})
    assert meta(d) == denied(
        ("items ['phone'] are not declared for purpose 'newsletter' (R-ACQ-2)",),
        ("APPI Art. 18(1)", "policy:purposes.newsletter"),
        rules=("R-ACQ-2",),
        action="use",
        purpose="newsletter",
        items={"phone"},
    )


def test_r_pri_1_linkage_in_use_cites_arts_17_1_and_21_1_and_the_purpose() -> None:
    f = facts(acq({"cookie_id", "email"}, {"tracking"}))
    d = use(f, "tracking", {"cookie_id", "email"})
    assert meta(d) == denied(
        (
            "purpose 'tracking' does not announce linking personally referable identifiers "
            "to identified data (R-PRI-1)",
        ),
        ("APPI Art. 17(1)", "APPI Art. 21(1)", "policy:purposes.tracking"),
        rules=("R-PRI-1",),
        action="use",
        purpose="tracking",
        items={"cookie_id", "email"},
    )


SUPPORT_DATA = acq({"name", "phone"}, {"support"})


def test_r_sec_1_restricted_purpose_without_actor_cites_art_24() -> None:
    d = use(facts(SUPPORT_DATA), "support", {"phone"})
    assert meta(d) == denied(
        ("purpose 'support' is restricted to ['support']: pass actor=",),
        ("APPI Art. 24", "policy:purposes.support"),
        rules=(),
        action="use",
        purpose="support",
        items={"phone"},
    )


def test_r_sec_1_unauthorised_actor_cites_art_24() -> None:
    d = use(facts(SUPPORT_DATA), "support", {"phone"}, actor=pp.Actor("staff-7"))
    assert meta(d) == denied(
        ("actor 'staff-7' is not authorised for purpose 'support' (R-SEC-1)",),
        ("APPI Art. 24", "policy:purposes.support"),
        rules=("R-SEC-1",),
        action="use",
        purpose="support",
        items={"phone"},
    )


def test_r_sec_1_authorised_actor_is_a_use_within_the_notified_purpose() -> None:
    actor = pp.Actor("staff-7", frozenset({"support"}))
    d = use(facts(SUPPORT_DATA), "support", {"phone"}, actor=actor)
    assert meta(d) == allowed(
        pp.Basis.NOTIFIED_PURPOSE,
        "within notified purpose 'support'",
        ("APPI Art. 18(1)", "APPI Art. 21(1)", "policy:purposes.support"),
        action="use",
        purpose="support",
        items={"phone"},
    )


# -- use on an exemption (Art. 18(3)) --------------------------------------------------


@pytest.mark.parametrize(
    ("exemption", "article"),
    [
        (E.LAWS_AND_REGULATIONS, "APPI Art. 18(3)(i)"),
        (E.LIFE_BODY_PROPERTY, "APPI Art. 18(3)(ii)"),
        (E.PUBLIC_HEALTH_CHILDREN, "APPI Art. 18(3)(iii)"),
        (E.STATE_COOPERATION, "APPI Art. 18(3)(iv)"),
    ],
)
def test_r_use_5_exemption_cites_its_item_of_art_18_3(exemption: E, article: str) -> None:
    d = use(
        facts(SERVICE_DATA), "newsletter", {"email"}, exemption=exemption, justification="ref 1"
    )
    assert meta(d) == allowed(
        pp.Basis.EXEMPTION,
        f"exemption {exemption.value} claimed: ref 1",
        (article,),
        action="use",
        purpose="newsletter",
        items={"email"},
    )


def test_r_use_5_academic_research_use_cites_art_18_3_v() -> None:
    d = use(
        facts(SERVICE_DATA),
        "newsletter",
        {"email"},
        policy=academic_policy(),
        exemption=E.ACADEMIC_RESEARCH,
        justification="study 7",
    )
    assert meta(d) == allowed(
        pp.Basis.EXEMPTION,
        "exemption academic_research claimed: study 7",
        ("APPI Art. 18(3)(v)",),
        action="use",
        purpose="newsletter",
        items={"email"},
    )


def test_r_use_5_academic_research_needs_an_academic_institution() -> None:
    policy = make_policy(use_exemptions=set(POLICY.use_exemptions) | {"academic_research"})
    d = use(
        facts(SERVICE_DATA),
        "newsletter",
        {"email"},
        policy=policy,
        exemption=E.ACADEMIC_RESEARCH,
        justification="study 7",
    )
    assert meta(d) == denied(
        (
            "academic research exemption not met: the business is not an academic research "
            "institution (set academic_institution = true in [policy] if it is one) (R-USE-5)",
        ),
        ("APPI Art. 18(3)(v)",),
        rules=("R-USE-5",),
        action="use",
        purpose="newsletter",
        items={"email"},
    )


@pytest.mark.parametrize(
    ("exemption", "own_article"),
    [
        (E.MADE_PUBLIC, "APPI Art. 20(2)(vii)"),
        (E.OBSERVED, "APPI Art. 20(2)(viii)"),
        (E.ACADEMIC_PUBLICATION, "APPI Art. 27(1)(v)"),
        # 27(1)(vi) for provision, 20(2)(vi) for acquisition; no use item (18(3)(vi) is
        # academic_recipient's): its own article is the provision item, listed first.
        (E.ACADEMIC_JOINT_RESEARCH, "APPI Art. 27(1)(vi)"),
    ],
)
def test_r_use_5_an_exemption_the_law_gives_for_no_use_cites_its_own_article(
    exemption: E, own_article: str
) -> None:
    d = use(facts(SERVICE_DATA), "newsletter", {"email"}, exemption=exemption, justification="x")
    assert meta(d) == denied(
        (f"the law gives the exemption {exemption.value!r} for no use (R-USE-5)",),
        (own_article,),
        rules=("R-USE-5",),
        action="use",
        purpose="newsletter",
        items={"email"},
    )


def test_r_use_5_exemption_the_policy_does_not_allow_cites_policy_use_exemptions() -> None:
    policy = make_policy(use_exemptions={"laws_and_regulations"})
    d = use(
        facts(SERVICE_DATA),
        "newsletter",
        {"email"},
        policy=policy,
        exemption=E.LIFE_BODY_PROPERTY,
        justification="earthquake",
    )
    assert meta(d) == denied(
        ("the policy does not allow the exemption 'life_body_property' (R-USE-5)",),
        ("policy:use.exemptions",),
        rules=("R-USE-5",),
        action="use",
        purpose="newsletter",
        items={"email"},
    )


def test_r_acq_2_an_exemption_does_not_reach_items_undeclared_for_the_purpose() -> None:
    d = use(
        facts(SERVICE_DATA),
        "newsletter",
        {"name"},
        exemption=E.LAWS_AND_REGULATIONS,
        justification=COURT_ORDER,
    )
    assert meta(d) == denied(
        ("items ['name'] are not declared for purpose 'newsletter' (R-ACQ-2)",),
        ("APPI Art. 18(1)", "policy:purposes.newsletter"),
        rules=("R-ACQ-2",),
        action="use",
        purpose="newsletter",
        items={"name"},
    )


def test_r_use_9_an_exemption_does_not_reach_another_categorys_purpose() -> None:
    f = facts(acq({"name", "resume"}, {"hiring"}), category="applicant")
    d = use(f, "service", {"name"}, exemption=E.LAWS_AND_REGULATIONS, justification=COURT_ORDER)
    assert meta(d) == denied(
        ("purpose 'service' is for ['customer'], not this person's category (R-USE-9)",),
        ("APPI Art. 18(1)", "policy:purposes.service"),
        rules=("R-USE-9",),
        action="use",
        purpose="service",
        items={"name"},
    )


# -- restrictions on request (Art. 35, R-REQ-7) ----------------------------------------


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (
            pp.RestrictionKind.SUSPEND_USE,
            "use of this person's data is suspended on request req-7 (R-REQ-7)",
        ),
        (pp.RestrictionKind.DELETED, "this person's data was deleted on request req-7 (R-REQ-7)"),
    ],
)
def test_r_req_7_a_restricted_use_cites_art_35_and_names_the_request(
    kind: pp.RestrictionKind, reason: str
) -> None:
    d = use(facts(SERVICE_DATA, restrictions=[restriction(kind)]), "service", {"email"})
    assert meta(d) == denied(
        (reason,),
        ("APPI Art. 35",),
        rules=("R-REQ-7",),
        action="use",
        purpose="service",
        items={"email"},
    )


def test_r_req_7_a_restriction_without_a_request_names_none() -> None:
    r = restriction(pp.RestrictionKind.SUSPEND_USE, request_id=None)
    d = use(facts(SERVICE_DATA, restrictions=[r]), "service", {"email"})
    assert d.reasons == ("use of this person's data is suspended (R-REQ-7)",)
    assert d.citations == ("APPI Art. 35",)


def test_r_req_7_a_restriction_takes_effect_at_its_moment() -> None:
    at_now = restriction(pp.RestrictionKind.SUSPEND_USE, since=NOW)
    later = restriction(pp.RestrictionKind.SUSPEND_USE, since=NOW + timedelta(seconds=1))
    assert not use(facts(SERVICE_DATA, restrictions=[at_now]), "service", {"email"})
    assert use(facts(SERVICE_DATA, restrictions=[later]), "service", {"email"})


def test_r_req_7_a_suspension_yields_to_an_allowed_exemption_not_a_refused_one() -> None:
    f = facts(SERVICE_DATA, restrictions=[restriction(pp.RestrictionKind.SUSPEND_USE)])
    court: dict[str, Any] = {"exemption": E.LAWS_AND_REGULATIONS, "justification": COURT_ORDER}
    d = use(f, "service", {"email"}, **court)
    assert d.allowed and d.citations == ("APPI Art. 18(3)(i)",)
    strict = make_policy(use_exemptions={"life_body_property"})
    refused = use(f, "service", {"email"}, policy=strict, **court)
    assert refused.reasons == ("use of this person's data is suspended on request req-7 (R-REQ-7)",)
    assert refused.citations == ("APPI Art. 35",)


def test_r_req_7_a_deletion_yields_to_no_exemption() -> None:
    f = facts(SERVICE_DATA, restrictions=[restriction(pp.RestrictionKind.DELETED)])
    d = use(f, "service", {"email"}, exemption=E.LAWS_AND_REGULATIONS, justification=COURT_ORDER)
    assert d.reasons == ("this person's data was deleted on request req-7 (R-REQ-7)",)
    assert d.citations == ("APPI Art. 35",)


def test_r_req_7_items_acquired_again_after_a_deletion_are_held_anew() -> None:
    deleted = restriction(pp.RestrictionKind.DELETED, items={"email"})
    again = acq({"email"}, {"service"}, at=deleted.since + timedelta(seconds=1), id="a2")
    same_moment = acq({"email"}, {"service"}, at=deleted.since, id="a2")
    assert use(facts(SERVICE_DATA, again, restrictions=[deleted]), "service", {"email"})
    assert not use(facts(SERVICE_DATA, same_moment, restrictions=[deleted]), "service", {"email"})
    # the deletion of email leaves the name alone
    assert use(facts(SERVICE_DATA, restrictions=[deleted]), "service", {"name"})


# == provision (Arts. 25, 27, 29, 31, 35) =============================================


def test_r_tpp_1_consent_provision_cites_arts_27_1_and_29_and_the_recipient() -> None:
    f = facts(SERVICE_DATA, consents=[consent("k3", recipient="partner", items={"email"})])
    d = provide(f, "partner", {"email"}, "service")
    assert meta(d) == allowed(
        pp.Basis.CONSENT,
        "prior consent to provision to 'partner' for purpose 'service'",
        ("APPI Art. 27(1)", "APPI Art. 29", "policy:recipients.partner"),
        action="provision",
        purpose="service",
        recipient="partner",
        items={"email"},
        consent_id="k3",
    )


def test_r_tpp_1_no_consent_is_denied_under_art_27_1() -> None:
    d = provide(facts(SERVICE_DATA), "partner", {"email"}, "service")
    assert meta(d) == denied(
        ("no prior consent of the person to provision to 'partner' (R-TPP-1)",),
        ("APPI Art. 27(1)", "policy:recipients.partner"),
        rules=("R-TPP-1",),
        action="provision",
        purpose="service",
        recipient="partner",
        items={"email"},
    )


def test_r_tpp_1_a_provision_naming_no_purpose_is_denied() -> None:
    f = facts(SERVICE_DATA, consents=[consent(recipient="partner", items={"email"})])
    d = provide(f, "partner", {"email"})
    assert meta(d) == denied(
        (
            "name the purpose 'partner' receives the data for with purpose=: provision never "
            "widens the purposes of use (R-TPP-1)",
        ),
        ("APPI Art. 27(1)", "policy:recipients.partner"),
        rules=("R-TPP-1",),
        action="provision",
        purpose=None,
        recipient="partner",
        items={"email"},
    )


def test_r_tpp_1_a_purpose_the_recipient_does_not_receive_for_is_denied() -> None:
    f = facts(SERVICE_DATA, consents=[consent(recipient="partner", items={"email"})])
    d = provide(f, "partner", {"email"}, "newsletter")
    assert meta(d) == denied(
        ("'newsletter' is not a purpose for which 'partner' receives data (R-TPP-1)",),
        ("APPI Art. 27(1)", "policy:recipients.partner"),
        rules=("R-TPP-1",),
        action="provision",
        purpose="newsletter",
        recipient="partner",
        items={"email"},
    )


def test_r_tpp_1_items_the_recipient_may_not_receive_are_denied() -> None:
    f = facts(SERVICE_DATA, consents=[consent(recipient="partner")])
    d = provide(f, "partner", {"address"}, "service")
    assert meta(d) == denied(
        ("'partner' may receive only ['email', 'name'] (R-TPP-1)",),
        ("APPI Art. 27(1)", "policy:recipients.partner"),
        rules=("R-TPP-1",),
        action="provision",
        purpose="service",
        recipient="partner",
        items={"address"},
    )


def test_r_tpp_1_consent_never_widens_the_purposes_of_use() -> None:
    f = facts(
        acq({"email"}, {"newsletter"}),
        consents=[consent(recipient="partner", items={"email"})],
    )
    d = provide(f, "partner", {"email"}, "service")
    assert meta(d) == denied(
        (
            "use beyond the notified purposes: 'service' was not notified for these items "
            "and there is no prior consent (R-USE-4)",
            "the data may not be used for 'service', so it may not be given to 'partner' for "
            "it: provision never widens the purposes of use (R-TPP-1)",
        ),
        ("APPI Art. 18(1)", "APPI Art. 27(1)", "policy:recipients.partner"),
        rules=("R-USE-4", "R-TPP-1"),
        action="provision",
        purpose="service",
        recipient="partner",
        items={"email"},
    )


def test_r_tpp_1_a_policy_without_the_consent_ground_denies_on_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recipients = {"partner": pp.Recipient("partner", purposes={"service"}, items={"name"})}
    monkeypatch.setattr(validation, "validate", lambda _policy: [])
    policy = make_policy(recipients=recipients, joint_uses={}, provision_grounds={"entrustment"})
    monkeypatch.undo()
    f = facts(SERVICE_DATA, consents=[consent(recipient="partner")])
    d = provide(f, "partner", {"name"}, "service", policy=policy)
    assert meta(d) == denied(
        ("the policy does not provide for provision on consent (R-TPP-1)",),
        ("APPI Art. 27(1)", "policy:recipients.partner"),
        rules=("R-TPP-1",),
        action="provision",
        purpose="service",
        recipient="partner",
        items={"name"},
    )


def test_r_tpp_1_items_not_acquired_are_denied_under_art_27_1() -> None:
    d = provide(facts(SERVICE_DATA), "partner", {"phone"}, "service")
    assert meta(d) == denied(
        ("items not acquired for this person: ['phone']",),
        ("APPI Art. 27(1)",),
        rules=(),
        action="provision",
        purpose="service",
        recipient="partner",
        items={"phone"},
    )


# -- provision on an exemption (Art. 27(1)(i)-(vii)) -----------------------------------


@pytest.mark.parametrize(
    ("exemption", "article"),
    [
        (E.LAWS_AND_REGULATIONS, "APPI Art. 27(1)(i)"),
        (E.LIFE_BODY_PROPERTY, "APPI Art. 27(1)(ii)"),
        (E.PUBLIC_HEALTH_CHILDREN, "APPI Art. 27(1)(iii)"),
        (E.STATE_COOPERATION, "APPI Art. 27(1)(iv)"),
    ],
)
def test_r_tpp_2_exemption_cites_its_item_of_art_27_1(exemption: E, article: str) -> None:
    d = provide(
        facts(SERVICE_DATA), "court", {"name"}, exemption=exemption, justification=COURT_ORDER
    )
    assert meta(d) == allowed(
        pp.Basis.EXEMPTION,
        f"exemption {exemption.value} claimed: {COURT_ORDER}",
        (article,),
        action="provision",
        purpose=None,
        recipient="court",
        items={"name"},
    )


@pytest.mark.parametrize(
    ("exemption", "article"),
    [
        (E.ACADEMIC_PUBLICATION, "APPI Art. 27(1)(v)"),
        (E.ACADEMIC_JOINT_RESEARCH, "APPI Art. 27(1)(vi)"),
        (E.ACADEMIC_RECIPIENT, "APPI Art. 27(1)(vii)"),
    ],
)
def test_r_tpp_2_academic_exemptions_cite_art_27_1_v_to_vii(exemption: E, article: str) -> None:
    d = provide(
        facts(SERVICE_DATA),
        "lab",
        {"email"},
        "service",
        policy=academic_policy(),
        exemption=exemption,
        justification="study 7",
    )
    assert meta(d) == allowed(
        pp.Basis.EXEMPTION,
        f"exemption {exemption.value} claimed: study 7",
        (article,),
        action="provision",
        purpose="service",
        recipient="lab",
        items={"email"},
    )


@pytest.mark.parametrize(
    ("exemption", "problem", "article"),
    [
        (
            E.ACADEMIC_RECIPIENT,
            "'court' is not an academic research institution",
            "APPI Art. 27(1)(vii)",
        ),
        (
            E.ACADEMIC_JOINT_RESEARCH,
            "'court' is not a declared joint research partner",
            "APPI Art. 27(1)(vi)",
        ),
    ],
)
def test_r_tpp_2_academic_exemption_not_met_cites_its_item(
    exemption: E, problem: str, article: str
) -> None:
    d = provide(
        facts(SERVICE_DATA),
        "court",
        {"name"},
        policy=academic_policy(),
        exemption=exemption,
        justification="study 7",
    )
    assert meta(d) == denied(
        (f"academic research exemption not met: {problem} (R-TPP-2)",),
        (article,),
        rules=("R-TPP-2",),
        action="provision",
        purpose=None,
        recipient="court",
        items={"name"},
    )


@pytest.mark.parametrize(
    ("exemption", "own_article"),
    [
        (E.ACADEMIC_RESEARCH, "APPI Art. 18(3)(v)"),
        (E.MADE_PUBLIC, "APPI Art. 20(2)(vii)"),
        (E.RECEIVED_UNDER_ARRANGEMENT, "APPI Art. 20(2)(viii)"),
    ],
)
def test_r_tpp_2_an_exemption_the_law_gives_for_no_provision_cites_its_own_article(
    exemption: E, own_article: str
) -> None:
    d = provide(facts(SERVICE_DATA), "court", {"name"}, exemption=exemption, justification="x")
    assert meta(d) == denied(
        (f"the law gives the exemption {exemption.value!r} for no provision (R-TPP-2)",),
        (own_article,),
        rules=("R-TPP-2",),
        action="provision",
        purpose=None,
        recipient="court",
        items={"name"},
    )


def test_r_tpp_2_exemption_the_policy_does_not_allow_cites_policy_provision_grounds() -> None:
    d = provide(
        facts(SERVICE_DATA),
        "court",
        {"name"},
        policy=without_ground("life_body_property"),
        exemption=E.LIFE_BODY_PROPERTY,
        justification="earthquake",
    )
    assert meta(d) == denied(
        ("the policy does not allow the exemption 'life_body_property' (R-TPP-2)",),
        ("policy:provision.grounds",),
        rules=("R-TPP-2",),
        action="provision",
        purpose=None,
        recipient="court",
        items={"name"},
    )


def test_r_tpp_2_a_public_authority_receives_only_on_an_exemption() -> None:
    """The denial cites the items of Art. 27(1) its reason promises, those this policy
    allows (here (i)-(iv), the law's order), not the article at large."""
    police = pp.Recipient("police", kind=pp.RecipientKind.PUBLIC_AUTHORITY)
    policy = make_policy(recipients={**POLICY.recipients, "police": police})
    f = facts(SERVICE_DATA, consents=[consent(recipient="police")])
    d = provide(f, "police", {"name"}, "service", policy=policy)
    assert meta(d) == denied(
        (
            "'police' is a public authority: this policy gives it data only in a case of "
            "Art. 27(1) (as the law requires, an order or request under it included; to "
            "protect life, body or property; for public health or children; to cooperate "
            "with its duties under the law), not on consent; claim the exemption with its "
            "reference (R-TPP-2)",
        ),
        (
            "APPI Art. 27(1)(i)",
            "APPI Art. 27(1)(ii)",
            "APPI Art. 27(1)(iii)",
            "APPI Art. 27(1)(iv)",
            "policy:recipients.police",
        ),
        rules=("R-TPP-2",),
        action="provision",
        purpose="service",
        recipient="police",
        items={"name"},
    )
    ordered = provide(
        f,
        "police",
        {"name"},
        policy=policy,
        exemption=E.LAWS_AND_REGULATIONS,
        justification=COURT_ORDER,
    )
    assert ordered.allowed and ordered.citations == ("APPI Art. 27(1)(i)",)


@pytest.mark.parametrize(
    ("grounds", "country", "citations"),
    [
        # Only the items the policy allows, in the law's order.
        ({"laws_and_regulations", "state_cooperation"}, "", ("(i)", "(iv)")),
        ({"life_body_property"}, "", ("(ii)",)),
        # Abroad, (i) and (iv) are Japan's laws and bodies only: not promised, not cited.
        ({"laws_and_regulations", "life_body_property", "state_cooperation"}, "US", ("(ii)",)),
        # None allowed: the article at large, as the reason says none of its cases applies.
        (set(), "", ()),
    ],
)
def test_r_tpp_2_a_public_authority_denial_cites_the_items_its_reason_promises(
    grounds: set[str], country: str, citations: tuple[str, ...]
) -> None:
    police = pp.Recipient("police", kind=pp.RecipientKind.PUBLIC_AUTHORITY, country=country)
    cases = {"laws_and_regulations", "life_body_property", "public_health_children"}
    policy = make_policy(
        recipients={**POLICY.recipients, "police": police},
        provision_grounds=(set(POLICY.provision_grounds) - cases - {"state_cooperation"}) | grounds,
    )
    d = provide(facts(SERVICE_DATA), "police", {"name"}, "service", policy=policy)
    assert not d.allowed and d.rules == ("R-TPP-2",)
    articles = tuple(f"APPI Art. 27(1){item}" for item in citations) or ("APPI Art. 27(1)",)
    assert d.citations == (*articles, "policy:recipients.police")


def test_r_tpp_2_a_public_authority_denial_cites_an_academic_item_it_may_receive_on() -> None:
    """A university hospital run by the state is both: (vii) is promised, and cited."""
    hospital = pp.Recipient(
        "hospital", kind=pp.RecipientKind.PUBLIC_AUTHORITY, academic_institution=True
    )
    policy = make_policy(
        recipients={**POLICY.recipients, "hospital": hospital},
        provision_grounds={"consent", "entrustment", "laws_and_regulations", "academic_recipient"},
    )
    d = provide(facts(SERVICE_DATA), "hospital", {"name"}, "service", policy=policy)
    assert d.citations == (
        "APPI Art. 27(1)(i)",
        "APPI Art. 27(1)(vii)",
        "policy:recipients.hospital",
    )


# -- restrictions on provision (Art. 35) -----------------------------------------------


def test_r_req_7_suspended_provision_to_a_recipient_names_it_and_the_request() -> None:
    r = restriction(pp.RestrictionKind.SUSPEND_PROVISION, recipients={"partner", "group"})
    f = facts(SERVICE_DATA, consents=[consent(recipient="partner")], restrictions=[r])
    d = provide(f, "partner", {"email"}, "service")
    assert meta(d) == denied(
        (
            "provision of this person's data is suspended to ['group', 'partner'] "
            "on request req-7 (R-REQ-7)",
        ),
        ("APPI Art. 35",),
        rules=("R-REQ-7",),
        action="provision",
        purpose="service",
        recipient="partner",
        items={"email"},
    )


def test_r_req_7_a_suspension_of_use_also_stops_provision() -> None:
    r = restriction(pp.RestrictionKind.SUSPEND_USE)
    f = facts(SERVICE_DATA, consents=[consent(recipient="partner")], restrictions=[r])
    d = provide(f, "partner", {"email"}, "service")
    assert d.reasons == ("use of this person's data is suspended on request req-7 (R-REQ-7)",)
    assert d.citations == ("APPI Art. 35",)


def test_r_req_7_suspended_provision_yields_to_an_exemption_and_spares_entrustment() -> None:
    r = restriction(pp.RestrictionKind.SUSPEND_PROVISION)
    f = facts(SERVICE_DATA, restrictions=[r])
    court = provide(
        f, "court", {"name"}, exemption=E.LAWS_AND_REGULATIONS, justification=COURT_ORDER
    )
    assert court.allowed and court.citations == ("APPI Art. 27(1)(i)",)
    shipped = provide(f, "shipping", {"name"}, "service")
    assert shipped.allowed and shipped.action == "provision"
    assert shipped.citations == ("APPI Art. 27(5)(i)", "APPI Art. 25", "policy:recipients.shipping")
    deleted = facts(SERVICE_DATA, restrictions=[restriction(pp.RestrictionKind.DELETED)])
    gone = provide(
        deleted, "court", {"name"}, exemption=E.LAWS_AND_REGULATIONS, justification=COURT_ORDER
    )
    assert gone.reasons == ("this person's data was deleted on request req-7 (R-REQ-7)",)
    assert gone.citations == ("APPI Art. 35",)


# -- entrustment (Arts. 25, 27(5)(i); R-TPP-3, R-SEC-2) ---------------------------------


def test_r_tpp_3_entrustment_decision_cites_art_27_5_i_art_25_and_the_recipient() -> None:
    d = provide(facts(SERVICE_DATA), "shipping", {"name", "address"}, "service")
    assert meta(d) == allowed(
        pp.Basis.ENTRUSTMENT,
        "entrustment to 'shipping' within purpose 'service' under contract",
        ("APPI Art. 27(5)(i)", "APPI Art. 25", "policy:recipients.shipping"),
        action="provision",
        purpose="service",
        recipient="shipping",
        items={"name", "address"},
    )


def test_r_tpp_3_entrustment_outside_the_contract_items_is_denied() -> None:
    d = provide(facts(SERVICE_DATA), "shipping", {"email"}, "service")
    assert meta(d) == denied(
        ("the contract with 'shipping' allows only ['address', 'name'], not ['email'] (R-TPP-3)",),
        ("APPI Art. 27(1)", "policy:recipients.shipping"),
        rules=("R-TPP-3",),
        action="provision",
        purpose="service",
        recipient="shipping",
        items={"email"},
    )


@pytest.mark.parametrize(
    ("purpose", "fallback"),
    [
        (
            None,
            "name the purpose 'shipping' receives the data for with purpose=: provision never "
            "widens the purposes of use (R-TPP-1)",
        ),
        (
            "newsletter",
            "'newsletter' is not a purpose for which 'shipping' receives data (R-TPP-1)",
        ),
    ],
)
def test_r_tpp_3_entrustment_needs_one_of_its_purposes(purpose: str | None, fallback: str) -> None:
    d = provide(facts(SERVICE_DATA), "shipping", {"name"}, purpose)
    reason = (
        "entrustment to 'shipping' serves only ['service']: name one of them as purpose= (R-TPP-3)"
    )
    assert meta(d) == denied(
        (reason, fallback),
        ("APPI Art. 27(1)", "policy:recipients.shipping"),
        rules=("R-TPP-3", "R-TPP-1"),
        action="provision",
        purpose=purpose,
        recipient="shipping",
        items={"name"},
    )


def test_r_tpp_3_entrustment_never_widens_the_purposes_of_use() -> None:
    f = facts(acq({"name", "email"}, {"signup"}), consents=[consent(purpose="signup")])
    d = provide(f, "shipping", {"name"}, "service")
    assert meta(d) == denied(
        (
            "use beyond the notified purposes: 'service' was not notified for these items "
            "and there is no prior consent (R-USE-4)",
            "the data may not be used for 'service', so it may not be given to 'shipping' for "
            "it: provision never widens the purposes of use (R-TPP-3)",
        ),
        ("APPI Art. 18(1)", "APPI Art. 27(1)", "policy:recipients.shipping"),
        rules=("R-USE-4", "R-TPP-3"),
        action="provision",
        purpose="service",
        recipient="shipping",
        items={"name"},
    )


def test_r_sec_2_entrustment_without_a_valid_contract_cites_art_25() -> None:
    after = datetime(2027, 4, 1, 9, 0, tzinfo=JST)
    f = facts(SERVICE_DATA, consents=[consent(recipient="shipping")])
    d = provide(f, "shipping", {"name"}, "service", now=after)
    assert meta(d) == denied(
        ("no valid entrustment contract with 'shipping' on 2027-04-01 (R-SEC-2)",),
        ("APPI Art. 25", "policy:recipients.shipping"),
        rules=("R-SEC-2",),
        action="provision",
        purpose="service",
        recipient="shipping",
        items={"name"},
    )


def test_r_sec_2_a_contract_missing_duties_cites_art_25(monkeypatch: pytest.MonkeyPatch) -> None:
    shipping = POLICY.recipients["shipping"]
    assert shipping.contract is not None
    weak = attrs.evolve(
        shipping,
        contract=attrs.evolve(shipping.contract, confidentiality=False, no_reprovision=False),
    )
    monkeypatch.setattr(validation, "validate", lambda _policy: [])
    policy = make_policy(recipients={**POLICY.recipients, "shipping": weak})
    monkeypatch.undo()
    d = provide(facts(SERVICE_DATA), "shipping", {"name"}, "service", policy=policy)
    assert meta(d) == denied(
        ("the contract with 'shipping' does not bind confidentiality, no re-provision (R-SEC-2)",),
        ("APPI Art. 25", "policy:recipients.shipping"),
        rules=("R-SEC-2",),
        action="provision",
        purpose="service",
        recipient="shipping",
        items={"name"},
    )


def test_r_tpp_1_an_entrustee_without_the_entrustment_ground_falls_back_to_consent() -> None:
    policy = without_ground("entrustment")
    d = provide(facts(SERVICE_DATA), "shipping", {"name"}, "service", policy=policy)
    assert meta(d) == denied(
        (
            "the policy does not provide for entrustment",
            "no prior consent of the person to provision to 'shipping' (R-TPP-1)",
        ),
        ("APPI Art. 27(1)", "policy:recipients.shipping"),
        rules=("R-TPP-1",),
        action="provision",
        purpose="service",
        recipient="shipping",
        items={"name"},
    )
    f = facts(SERVICE_DATA, consents=[consent("k4", recipient="shipping")])
    ok = provide(f, "shipping", {"name"}, "service", policy=policy)
    assert meta(ok) == allowed(
        pp.Basis.CONSENT,
        "prior consent to provision to 'shipping' for purpose 'service'",
        ("APPI Art. 27(1)", "APPI Art. 29", "policy:recipients.shipping"),
        action="provision",
        purpose="service",
        recipient="shipping",
        items={"name"},
        consent_id="k4",
    )


# -- joint use (Art. 27(5)(iii); R-TPP-5) ----------------------------------------------


def test_r_tpp_5_joint_use_cites_art_27_5_iii_and_the_joint_use_clause() -> None:
    d = provide(facts(SERVICE_DATA), "group", {"name", "email"}, "service")
    assert meta(d) == allowed(
        pp.Basis.JOINT_USE,
        "joint use 'group-crm' announced on 2026-02-01",
        ("APPI Art. 27(5)(iii)", "policy:joint_use.group-crm"),
        action="provision",
        purpose="service",
        recipient="group",
        items={"name", "email"},
    )


NO_CONSENT_TO_GROUP = "no prior consent of the person to provision to 'group' (R-TPP-1)"


@pytest.mark.parametrize(
    ("items", "purpose", "now", "reason"),
    [
        (
            {"email"},
            "service",
            datetime(2026, 1, 31, 23, 59, tzinfo=JST),
            "joint use 'group-crm' was not made known to the people (notified, or put where "
            "they could easily know it) before this provision (R-TPP-5)",
        ),
        (
            {"email"},
            "newsletter",
            NOW,
            "joint use 'group-crm' covers only purposes ['service'] (R-TPP-5)",
        ),
        (
            {"address"},
            "service",
            NOW,
            "joint use 'group-crm' covers only items ['email', 'name'] (R-TPP-5)",
        ),
    ],
)
def test_r_tpp_5_joint_use_outside_its_announcement_falls_back_to_consent(
    items: set[str], purpose: str, now: datetime, reason: str
) -> None:
    f = facts(acq({"name", "email", "address"}, {"service"}, at=datetime(2026, 1, 2, tzinfo=JST)))
    d = provide(f, "group", items, purpose, now=now)
    assert meta(d) == denied(
        (reason, NO_CONSENT_TO_GROUP),
        ("APPI Art. 27(1)", "policy:recipients.group"),
        rules=("R-TPP-5", "R-TPP-1"),
        action="provision",
        purpose=purpose,
        recipient="group",
        items=items,
    )


def test_r_tpp_5_joint_use_from_the_day_of_publication_in_the_policy_zone() -> None:
    on_the_day = datetime(2026, 2, 1, 0, 0, tzinfo=JST)
    d = provide(facts(SERVICE_DATA), "group", {"email"}, "service", now=on_the_day)
    assert d.basis is pp.Basis.JOINT_USE
    assert d.citations == ("APPI Art. 27(5)(iii)", "policy:joint_use.group-crm")


def test_r_tpp_5_joint_use_without_the_ground_falls_back_to_consent() -> None:
    d = provide(
        facts(SERVICE_DATA), "group", {"email"}, "service", policy=without_ground("joint_use")
    )
    assert meta(d) == denied(
        ("the policy does not provide for joint use", NO_CONSENT_TO_GROUP),
        ("APPI Art. 27(1)", "policy:recipients.group"),
        rules=("R-TPP-1",),
        action="provision",
        purpose="service",
        recipient="group",
        items={"email"},
    )


def test_r_tpp_5_joint_use_never_widens_the_purposes_of_use() -> None:
    f = facts(acq({"name", "email"}, {"signup"}), consents=[consent(purpose="signup")])
    d = provide(f, "group", {"email"}, "service")
    assert meta(d) == denied(
        (
            "use beyond the notified purposes: 'service' was not notified for these items "
            "and there is no prior consent (R-USE-4)",
            "the data may not be used for 'service', so it may not be given to 'group' for "
            "it: provision never widens the purposes of use (R-TPP-5)",
        ),
        ("APPI Art. 18(1)", "APPI Art. 27(1)", "policy:recipients.group"),
        rules=("R-USE-4", "R-TPP-5"),
        action="provision",
        purpose="service",
        recipient="group",
        items={"email"},
    )


# -- business succession (Art. 27(5)(ii); R-TPP-4) -------------------------------------


def test_r_tpp_4_business_succession_cites_art_27_5_ii_and_the_recipient() -> None:
    d = provide(facts(SERVICE_DATA), "buyer", {"name", "email"})
    assert meta(d) == allowed(
        pp.Basis.BUSINESS_SUCCESSION,
        "business succession to 'buyer'",
        ("APPI Art. 27(5)(ii)", "policy:recipients.buyer"),
        action="provision",
        purpose=None,
        recipient="buyer",
        items={"name", "email"},
    )


def test_r_tpp_4_succession_without_the_ground_is_third_party_provision() -> None:
    policy = without_ground("business_succession")
    d = provide(facts(SERVICE_DATA), "buyer", {"name"}, policy=policy)
    assert meta(d) == denied(
        (
            "the policy does not provide for business succession",
            "name the purpose 'buyer' receives the data for with purpose=: provision never "
            "widens the purposes of use (R-TPP-1)",
        ),
        ("APPI Art. 27(1)", "policy:recipients.buyer"),
        rules=("R-TPP-1",),
        action="provision",
        purpose=None,
        recipient="buyer",
        items={"name"},
    )


# -- personally referable information (Art. 31; R-PRI-1) --------------------------------


def art_31_policy() -> pp.Policy:
    return make_policy(
        recipients={
            **POLICY.recipients,
            "ad_stats": pp.Recipient("ad_stats"),
            "ad_match": pp.Recipient("ad_match", links_identifiers=True),
        }
    )


COOKIE = acq({"cookie_id"}, {"analytics"})


def test_r_pri_1_referable_information_to_a_non_linking_recipient_cites_art_31_1() -> None:
    d = provide(facts(COOKIE), "ad_stats", {"cookie_id"}, policy=art_31_policy())
    assert meta(d) == allowed(
        pp.Basis.PERSONALLY_REFERABLE,
        "personally referable information to 'ad_stats', which is not expected to link it "
        "to identify the person: no consent or record is needed (R-PRI-1)",
        ("APPI Art. 31(1)", "policy:recipients.ad_stats"),
        rules=("R-PRI-1",),
        action="provision",
        purpose=None,
        recipient="ad_stats",
        items={"cookie_id"},
    )


def test_r_pri_1_a_linking_recipient_without_confirmed_consent_is_denied_under_art_31_1() -> None:
    d = provide(facts(COOKIE), "ad_match", {"cookie_id"}, policy=art_31_policy())
    assert meta(d) == denied(
        (
            "'ad_match' is expected to link these identifiers to identify the person: confirm "
            "that it obtained the person's consent first, and record the confirmation as a "
            "consent to the recipient (R-PRI-1)",
        ),
        ("APPI Art. 31(1)", "policy:recipients.ad_match"),
        rules=("R-PRI-1",),
        action="provision",
        purpose=None,
        recipient="ad_match",
        items={"cookie_id"},
    )


def test_r_pri_1_confirmed_consent_cites_art_31_1_and_the_record_of_art_31_3() -> None:
    f = facts(COOKIE, consents=[consent("k5", recipient="ad_match", items={"cookie_id"})])
    d = provide(f, "ad_match", {"cookie_id"}, policy=art_31_policy())
    assert meta(d) == allowed(
        pp.Basis.CONSENT,
        "'ad_match' obtained the person's consent, as confirmed; the provision is recorded "
        "(R-PRI-1)",
        ("APPI Art. 31(1)", "APPI Art. 31(3)", "policy:recipients.ad_match"),
        rules=("R-PRI-1",),
        action="provision",
        purpose=None,
        recipient="ad_match",
        items={"cookie_id"},
        consent_id="k5",
    )


def test_r_pri_1_a_cookie_held_beside_identified_data_is_personal_data_under_art_27() -> None:
    f = facts(COOKIE, acq({"email"}, {"newsletter"}, id="a2"))
    d = provide(f, "ad_stats", {"cookie_id"}, policy=art_31_policy())
    assert meta(d) == denied(
        (
            "name the purpose 'ad_stats' receives the data for with purpose=: provision never "
            "widens the purposes of use (R-TPP-1)",
        ),
        ("APPI Art. 27(1)", "policy:recipients.ad_stats"),
        rules=("R-TPP-1",),
        action="provision",
        purpose=None,
        recipient="ad_stats",
        items={"cookie_id"},
    )


# == acquisition (Arts. 17, 20, 21) ===================================================


def test_r_acq_1_acquisition_for_notified_purposes_cites_arts_17_1_and_21_1() -> None:
    d = acquire(facts(), {"name", "email"}, {"service", "newsletter"})
    assert meta(d) == allowed(
        pp.Basis.NOTIFIED_PURPOSE,
        "acquired for notified purposes",
        (
            "APPI Art. 17(1)",
            "APPI Art. 21(1)",
            "policy:purposes.newsletter",
            "policy:purposes.service",
        ),
        action="acquisition",
        purpose="newsletter,service",
        items={"name", "email"},
    )


def test_r_use_7_acquisition_with_prior_permission_is_the_consent_basis() -> None:
    d = acquire(facts(consents=[consent("k6", purpose="signup")]), {"name", "email"}, {"signup"})
    assert meta(d) == allowed(
        pp.Basis.CONSENT,
        "acquired for notified purposes with prior permission",
        ("APPI Art. 17(1)", "APPI Art. 21(1)", "policy:purposes.signup"),
        action="acquisition",
        purpose="signup",
        items={"name", "email"},
        consent_id="k6",
    )


def test_r_acq_3_special_care_acquisition_on_consent_cites_art_20_2() -> None:
    f = facts(consents=[consent("k7", purpose="health")])
    d = acquire(f, {"name", "medical_history"}, {"health"})
    assert meta(d) == allowed(
        pp.Basis.CONSENT,
        "acquired for notified purposes with prior permission",
        ("APPI Art. 17(1)", "APPI Art. 20(2)", "APPI Art. 21(1)", "policy:purposes.health"),
        action="acquisition",
        purpose="health",
        items={"name", "medical_history"},
        consent_id="k7",
    )


def test_r_acq_3_special_care_acquisition_on_consent_is_allowed() -> None:
    """The outcome, basis and context, apart from the citations pinned (xfail) above."""
    f = facts(consents=[consent("k7", purpose="health")])
    d = acquire(f, {"name", "medical_history"}, {"health"})
    assert d.allowed and d.basis is pp.Basis.CONSENT and d.consent_id == "k7"
    assert d.action == "acquisition" and d.purpose == "health" and d.recipient is None
    assert d.reasons == ("acquired for notified purposes with prior permission",)


def test_r_acq_2_undeclared_and_optional_items_cite_art_17_1() -> None:
    d = acquire(facts(), {"name", "phone", "hobbies"}, {"service"})
    assert meta(d) == denied(
        (
            "items ['phone'] are not declared for these purposes (R-ACQ-2)",
            "optional items ['hobbies'] need the person's opt-in (R-ACQ-2)",
        ),
        ("APPI Art. 17(1)", "policy:purposes.service"),
        rules=("R-ACQ-2",),
        action="acquisition",
        purpose="service",
        items={"name", "phone", "hobbies"},
    )
    opted = acquire(facts(), {"name", "hobbies"}, {"service"}, opted_in=frozenset({"hobbies"}))
    assert opted.basis is pp.Basis.NOTIFIED_PURPOSE


def test_r_use_9_acquisition_for_another_categorys_purpose_cites_art_17_1() -> None:
    d = acquire(facts(category="applicant"), {"name"}, {"service"})
    assert meta(d) == denied(
        ("purpose 'service' is not for this person's category (R-USE-9)",),
        ("APPI Art. 17(1)", "policy:purposes.service"),
        rules=("R-USE-9",),
        action="acquisition",
        purpose="service",
        items={"name"},
    )


def test_r_use_7_acquisition_without_permission_cites_art_17_1() -> None:
    """No special care-required item: the policy's own rule asks first, not Art. 20(2)."""
    d = acquire(facts(), {"email"}, {"signup"})
    assert meta(d) == denied(
        ("purpose 'signup' needs the person's permission before collection (R-USE-7)",),
        ("APPI Art. 17(1)", "policy:purposes.signup"),
        rules=("R-USE-7",),
        action="acquisition",
        purpose="signup",
        items={"email"},
    )


def test_r_acq_3_special_care_data_without_consent_cites_art_20_2() -> None:
    d = acquire(facts(), {"name", "medical_history"}, {"health"})
    assert meta(d) == denied(
        (
            "purpose 'health' needs the person's permission before collection "
            "(special care-required: ['medical_history']) (R-USE-7, R-ACQ-3)",
        ),
        ("APPI Art. 20(2)", "policy:purposes.health"),
        rules=("R-USE-7", "R-ACQ-3"),
        action="acquisition",
        purpose="health",
        items={"name", "medical_history"},
    )


def test_r_acq_3_only_the_law_asks_first_for_a_purpose_that_does_not() -> None:
    """A purpose without ``consent = "at_collection"`` taking special care-required data:
    the consent Art. 20(2) asks is the only one missing (R-ACQ-3, not R-USE-7)."""
    policy = attrs.evolve(
        POLICY,
        purposes={
            **POLICY.purposes,
            "health": attrs.evolve(POLICY.purposes["health"], consent=pp.ConsentRule.NONE),
        },
    )
    d = acquire(facts(), {"name", "medical_history"}, {"health"}, policy=policy)
    assert not d.allowed and d.rules == ("R-ACQ-3",)
    assert d.why[0].params["special"] == ("medical_history",)


def test_r_use_7_a_purpose_asking_first_is_not_told_another_purposes_special_items() -> None:
    d = acquire(facts(), {"name", "email", "medical_history"}, {"signup", "health"})
    by_purpose = {w.params["purpose"]: w for w in d.why}
    assert by_purpose["signup"].rules == ("R-USE-7",)
    assert by_purpose["signup"].params["special"] == ()
    assert by_purpose["health"].rules == ("R-USE-7", "R-ACQ-3")
    assert by_purpose["health"].params["special"] == ("medical_history",)


def test_r_pri_1_acquisition_linking_identifiers_cites_arts_17_1_and_21_1() -> None:
    d = acquire(facts(COOKIE), {"email"}, {"tracking"})
    assert meta(d) == denied(
        (
            "linking personally referable identifiers to this identified person needs a "
            "purpose that announces it (R-PRI-1)",
        ),
        ("APPI Art. 17(1)", "APPI Art. 21(1)", "policy:purposes.tracking"),
        rules=("R-PRI-1",),
        action="acquisition",
        purpose="tracking",
        items={"email"},
    )
    announced = acquire(facts(COOKIE), {"email"}, {"personalisation"})
    assert announced.basis is pp.Basis.NOTIFIED_PURPOSE


def test_r_pri_1_special_care_linkage_without_consent_cites_arts_20_2_and_21_1() -> None:
    d = acquire(facts(COOKIE), {"name", "medical_history"}, {"health"})
    assert meta(d) == denied(
        (
            "purpose 'health' needs the person's permission before collection "
            "(special care-required: ['medical_history']) (R-USE-7, R-ACQ-3)",
            "linking personally referable identifiers to this identified person needs a "
            "purpose that announces it (R-PRI-1)",
        ),
        ("APPI Art. 20(2)", "APPI Art. 21(1)", "policy:purposes.health"),
        rules=("R-USE-7", "R-ACQ-3", "R-PRI-1"),
        action="acquisition",
        purpose="health",
        items={"name", "medical_history"},
    )


def test_r_pri_1_special_care_linkage_with_consent_does_not_cite_art_20_2() -> None:
    f = facts(COOKIE, consents=[consent(purpose="health")])
    d = acquire(f, {"name", "medical_history"}, {"health"})
    assert meta(d) == denied(
        (
            "linking personally referable identifiers to this identified person needs a "
            "purpose that announces it (R-PRI-1)",
        ),
        ("APPI Art. 17(1)", "APPI Art. 21(1)", "policy:purposes.health"),
        rules=("R-PRI-1",),
        action="acquisition",
        purpose="health",
        items={"name", "medical_history"},
    )


# -- acquisition on an exemption (Art. 20(2)) ------------------------------------------


@pytest.mark.parametrize(
    ("exemption", "article"),
    [
        (E.LAWS_AND_REGULATIONS, "APPI Art. 20(2)(i)"),
        (E.LIFE_BODY_PROPERTY, "APPI Art. 20(2)(ii)"),
        (E.PUBLIC_HEALTH_CHILDREN, "APPI Art. 20(2)(iii)"),
        (E.STATE_COOPERATION, "APPI Art. 20(2)(iv)"),
        (E.MADE_PUBLIC, "APPI Art. 20(2)(vii)"),
        (E.OBSERVED, "APPI Art. 20(2)(viii)"),
        (E.RECEIVED_UNDER_ARRANGEMENT, "APPI Art. 20(2)(viii)"),
    ],
)
def test_r_acq_3_exemption_cites_its_item_of_art_20_2(exemption: E, article: str) -> None:
    d = acquire(
        facts(),
        {"name", "medical_history"},
        {"health"},
        channel=pp.Channel.OTHER,  # one every exemption about where data came from fits
        exemption=exemption,
        justification="ref 2",
    )
    assert meta(d) == allowed(
        pp.Basis.EXEMPTION,
        f"exemption {exemption.value} claimed: ref 2",
        (article,),
        action="acquisition",
        purpose="health",
        items={"name", "medical_history"},
    )


def test_r_acq_3_academic_research_acquisition_cites_art_20_2_v() -> None:
    d = acquire(
        facts(),
        {"name", "medical_history"},
        {"health"},
        policy=academic_policy(),
        exemption=E.ACADEMIC_RESEARCH,
        justification="study 7",
    )
    assert meta(d) == allowed(
        pp.Basis.EXEMPTION,
        "exemption academic_research claimed: study 7",
        ("APPI Art. 20(2)(v)",),
        action="acquisition",
        purpose="health",
        items={"name", "medical_history"},
    )


def test_r_acq_3_an_exemption_the_law_gives_for_no_acquisition_cites_its_own_article() -> None:
    d = acquire(
        facts(),
        {"name", "medical_history"},
        {"health"},
        exemption=E.ACADEMIC_PUBLICATION,
        justification="x",
    )
    assert meta(d) == denied(
        ("the law gives the exemption 'academic_publication' for no acquisition (R-ACQ-3)",),
        ("APPI Art. 27(1)(v)",),
        rules=("R-ACQ-3",),
        action="acquisition",
        purpose="health",
        items={"name", "medical_history"},
    )


def test_r_acq_3_exemption_the_policy_does_not_allow_cites_policy_use_exemptions() -> None:
    d = acquire(
        facts(),
        {"name", "medical_history"},
        {"health"},
        policy=make_policy(use_exemptions={"laws_and_regulations"}),
        exemption=E.MADE_PUBLIC,
        justification="published by the person",
    )
    assert meta(d) == denied(
        ("the policy does not allow the exemption 'made_public' (R-ACQ-3)",),
        ("policy:use.exemptions",),
        rules=("R-ACQ-3",),
        action="acquisition",
        purpose="health",
        items={"name", "medical_history"},
    )


def test_r_acq_2_an_exemption_does_not_reach_undeclared_items() -> None:
    d = acquire(
        facts(),
        {"medical_history", "phone"},
        {"health"},
        exemption=E.LAWS_AND_REGULATIONS,
        justification=COURT_ORDER,
    )
    assert meta(d) == denied(
        ("items ['phone'] are not declared for these purposes (R-ACQ-2)",),
        ("APPI Art. 17(1)", "policy:purposes.health"),
        rules=("R-ACQ-2",),
        action="acquisition",
        purpose="health",
        items={"medical_history", "phone"},
    )


# == anonymous statistics (Art. 2(1); R-TPP-6, R-USE-8) ===============================


def stats_policy(**overrides: Any) -> pp.Policy:
    purposes = {
        **POLICY.purposes,
        "stats": pp.Purpose("stats", items={"hobbies", "address"}, statistics=True),
    }
    return make_policy(purposes=purposes, statistics_min_group=3, **overrides)


def test_r_tpp_6_anonymous_statistics_cite_art_2_1_and_the_purpose() -> None:
    table = pp.Aggregate(("hobbies",), {("tennis",): 5, ("go",): 3})
    d = decide_statistics(stats_policy(), "partner", "stats", table)
    assert meta(d) == allowed(
        pp.Basis.ANONYMIZED,
        "aggregate of 2 group(s), each of at least 3 people",
        ("APPI Art. 2(1)", "policy:purposes.stats"),
        action="statistics",
        purpose="stats",
        recipient="partner",
        items={"hobbies"},
    )


def test_r_tpp_6_every_reason_to_refuse_statistics_is_given_with_art_2_1() -> None:
    policy = make_policy(
        provision_grounds=set(POLICY.provision_grounds) - {"anonymized"},
        statistics_min_group=3,
    )
    table = pp.Aggregate(("phone", "email"), {("x", "y"): 2, ("z", "w"): 1, ("v", "u"): 3})
    d = decide_statistics(policy, "partner", "service", table)
    assert meta(d) == denied(
        (
            "the policy does not provide for anonymous statistics",
            "purpose 'service' is not a statistics purpose",
            "groups by items the purpose does not declare: ['phone']",
            "2 group(s) count fewer than 3 people and could identify someone (R-TPP-6)",
        ),
        ("APPI Art. 2(1)", "policy:purposes.service"),
        rules=("R-TPP-6",),
        action="statistics",
        purpose="service",
        recipient="partner",
        items={"phone", "email"},
    )


def test_r_tpp_6_an_empty_table_is_refused() -> None:
    d = decide_statistics(stats_policy(), "partner", "stats", pp.Aggregate(("hobbies",), {}))
    assert meta(d) == denied(
        ("the table is empty",),
        ("APPI Art. 2(1)", "policy:purposes.stats"),
        rules=(),
        action="statistics",
        purpose="stats",
        recipient="partner",
        items={"hobbies"},
    )


def test_r_use_8_aggregate_counts_people_per_group_and_suppresses_small_ones() -> None:
    rows: list[dict[str, object]] = [
        {"who": "p1", "hobbies": "go"},
        {"who": "p1", "hobbies": "go"},  # one person, twice: one count
        {"who": "p2", "hobbies": "go"},
        {"who": "p3", "hobbies": "chess"},
        {"who": 4},  # no hobbies: grouped under ""
        {"who": 5},
    ]
    table = pp.aggregate(rows, ["hobbies"], 2, subject="who")
    assert table.dimensions == ("hobbies",)
    # chess (p3) is suppressed, and so is "" (the smallest shown group, by name): else the
    # five people less go's two and ""'s two would count p3 again (R-USE-8).
    assert dict(table.groups) == {("go",): 2}
    assert table.suppressed == 2
    assert repr(table) == "Aggregate(dimensions=('hobbies',), groups=1, suppressed=2)"


@pytest.mark.parametrize("who", [None, ""])
def test_r_use_8_aggregate_needs_each_rows_person(who: str | None) -> None:
    with pytest.raises(pp.InvalidInput) as info:
        pp.aggregate([{"subject": "p1"}, {"subject": who}], ["hobbies"], 1)
    assert str(info.value) == (
        "each row needs its person's id under 'subject', so that statistics count people, "
        "not rows (Art. 2(1), R-USE-8)"
    )


# == erased items and restriction texts through their public effects (R-REQ-7) =========


def test_r_req_7_a_deletion_erases_its_items_from_what_is_held() -> None:
    first = acq({"name", "email"}, {"service"}, at=BEFORE, id="a1")
    deletion = restriction(pp.RestrictionKind.DELETED, items={"email"})
    later = acq({"email"}, {"newsletter"}, at=deletion.since + timedelta(seconds=1), id="a2")
    held = holdings(facts(first, later, restrictions=[deletion]), NOW)
    assert {item: [a.id for a in acqs] for item, acqs in held.items()} == {
        "name": ["a1"],
        "email": ["a2"],
    }


def test_r_req_7_a_deletion_of_all_items_erases_everything_acquired_up_to_it() -> None:
    at_it = acq({"name"}, {"service"}, at=BEFORE + timedelta(hours=1), id="a1")
    deletion = restriction(pp.RestrictionKind.DELETED, since=BEFORE + timedelta(hours=1))
    assert holdings(facts(at_it, restrictions=[deletion]), NOW) == {}


def test_r_req_7_only_a_deletion_in_force_erases_and_a_request_can_exclude_its_own() -> None:
    a = acq({"name"}, {"service"}, id="a1")
    future = restriction(pp.RestrictionKind.DELETED, since=NOW + timedelta(seconds=1))
    assert list(holdings(facts(a, restrictions=[future]), NOW)) == ["name"]
    in_force = restriction(pp.RestrictionKind.DELETED, since=NOW)
    assert holdings(facts(a, restrictions=[in_force]), NOW) == {}
    assert list(holdings(facts(a, restrictions=[in_force]), NOW, excluding="req-7")) == ["name"]
    assert holdings(facts(a, restrictions=[in_force]), NOW, excluding="req-8") == {}
    suspended = restriction(pp.RestrictionKind.SUSPEND_USE)
    assert list(holdings(facts(a, restrictions=[suspended]), NOW)) == ["name"]


def test_r_req_7_the_retention_report_leaves_deleted_items_out() -> None:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    with engine.store.unit_of_work() as uow:
        uow.restrictions.add(
            pp.Restriction(
                "r1",
                s.id,
                pp.RestrictionKind.DELETED,
                clock.now(),
                request_id="req-7",
                items=frozenset({"email"}),
            )
        )
        uow.commit()
    clock.advance(timedelta(days=31))
    assert engine.retention_report() == []
    d = engine.check_use(s, purpose="newsletter", items={"email"})
    assert d.reasons == ("this person's data was deleted on request req-7 (R-REQ-7)",)
    assert d.citations == ("APPI Art. 35",)
