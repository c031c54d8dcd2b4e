"""Behaviours of the rules a mutation run found unpinned, one test per requirement.

Each test names the requirement (and article) it pins; each asserts something a mutant of
``src/pipolicy/rules/`` or ``src/pipolicy/requests/verification.py`` would break.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.policy import validation
from pipolicy.requests import Verification, verify_documents
from pipolicy.rules.use import UseQuery, decide_use
from pipolicy.storage.repositories import SubjectFacts
from tests.factories import JST, make_engine, make_policy

UTC = timezone.utc
SECOND = timedelta(seconds=1)
COURT: dict[str, Any] = {
    "exemption": pp.Exemption.LAWS_AND_REGULATIONS,
    "justification": "court order 2026-9",
}


def _customer(engine: pp.Engine, ref: str = "c1") -> pp.Subject:
    return engine.register_subject(ref, category="customer")


# -- 1. R-TPP-1: no consent ground, no fallback to consent --------------------------------


def _shipping() -> pp.Recipient:
    """The factories' entrustee: a shipping contractor under a contract with all duties."""
    return make_policy().recipients["shipping"]


def _entrustee_fallback(grounds: set[str]) -> pp.Decision:
    """An entrustee the policy gives no entrustment ground for, so the decision falls back
    to the consent path; the person did consent to provision to it."""
    recipients = {
        "shipping": _shipping(),
        "buyer": pp.Recipient("buyer", kind=pp.RecipientKind.SUCCESSOR),
    }
    policy = make_policy(recipients=recipients, joint_uses={}, provision_grounds=grounds)
    engine, _ = make_engine(policy)
    s = _customer(engine)
    engine.acquire(s, items={"name", "address"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="shipping", items={"name", "address"})
    return engine.check_provision(
        s, recipient="shipping", items={"name", "address"}, purpose="service"
    )


def test_r_tpp_1_art_27_1_entrustee_does_not_fall_back_to_consent_without_the_ground() -> None:
    # The same facts with 'consent' as a ground are allowed on the consent ...
    with_consent = _entrustee_fallback({"business_succession", "consent"})
    assert with_consent.allowed and with_consent.basis is pp.Basis.CONSENT
    # ... and without it the consent on file carries nothing.
    d = _entrustee_fallback({"business_succession"})
    assert not d.allowed
    assert d.reasons == ("the policy does not provide for entrustment",)
    assert d.consent_id is None


def test_r_tpp_1_art_27_1_third_party_denied_when_policy_has_no_consent_ground(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recipients = {"partner": pp.Recipient("partner", purposes={"service"}, items={"name"})}
    # A valid policy cannot declare this (so no valid construction reaches the branch) ...
    with pytest.raises(pp.PolicyError, match="'consent' is not a ground"):
        make_policy(recipients=recipients, joint_uses={}, provision_grounds={"entrustment"})
    # ... but the rule must still deny on its own, with its own reason, should one slip by.
    real = validation.validate
    monkeypatch.setattr(validation, "validate", lambda _policy: [])
    policy = make_policy(recipients=recipients, joint_uses={}, provision_grounds={"entrustment"})
    monkeypatch.setattr(validation, "validate", real)
    engine, _ = make_engine(policy)
    s = _customer(engine)
    engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"name"})
    d = engine.check_provision(s, recipient="partner", items={"name"}, purpose="service")
    assert not d.allowed
    assert len(d.reasons) == 1
    assert "does not provide for provision on consent" in d.reasons[0]
    assert d.rules == ("R-TPP-1",)


# -- 2. R-PRI-1 across separate acquisitions ----------------------------------------------


def test_r_pri_1_art_31_cookie_id_joined_to_held_identified_data_needs_announcing() -> None:
    engine, _ = make_engine()
    fresh = _customer(engine, "fresh")
    assert engine.check_acquisition(fresh, items={"cookie_id"}, purposes="analytics").allowed
    s = _customer(engine)
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    d = engine.check_acquisition(s, items={"cookie_id"}, purposes="analytics")
    assert not d.allowed
    assert "R-PRI-1" in d.rules
    assert "APPI Art. 21(1)" in d.citations and "APPI Art. 31" not in d.citations


def test_r_pri_1_art_31_identifiers_already_linked_need_no_new_announcement() -> None:
    engine, _ = make_engine()
    s = _customer(engine)
    engine.acquire(s, items={"cookie_id", "email"}, purposes={"personalisation"}, channel="web")
    more_email = engine.check_acquisition(s, items={"email"}, purposes="newsletter")
    assert more_email.allowed, more_email.reasons
    more_cookie = engine.check_acquisition(s, items={"cookie_id"}, purposes="analytics")
    assert more_cookie.allowed, more_cookie.reasons
    both = engine.check_acquisition(s, items={"cookie_id", "email"}, purposes="tracking")
    assert both.allowed, both.reasons


def test_r_pri_1_art_31_one_linking_purpose_among_several_announces_the_link() -> None:
    engine, _ = make_engine()
    s = _customer(engine)
    alone = engine.check_acquisition(s, items={"cookie_id", "email"}, purposes="tracking")
    assert not alone.allowed and "R-PRI-1" in alone.rules
    d = engine.check_acquisition(
        s, items={"cookie_id", "email"}, purposes={"tracking", "personalisation"}
    )
    assert d.allowed, d.reasons


# -- 3. R-USE-5: an exemption does not wave through undeclared items or categories --------


def test_r_use_5_art_20_exemption_claim_for_acquisition_checks_items_and_category() -> None:
    engine, _ = make_engine()
    s = _customer(engine)
    ok = engine.check_acquisition(s, items={"email"}, purposes="newsletter", **COURT)
    # An e-mail address needs no consent to acquire: the claim exempts nothing, and the
    # answer rests on the notified purposes (Art. 20(2) answers special care data only).
    assert ok.allowed and ok.basis is pp.Basis.NOTIFIED_PURPOSE
    undeclared = engine.check_acquisition(s, items={"phone"}, purposes="newsletter", **COURT)
    assert not undeclared.allowed and "R-ACQ-2" in undeclared.rules
    wrong_category = engine.check_acquisition(s, items={"resume"}, purposes="hiring", **COURT)
    assert not wrong_category.allowed and "R-USE-9" in wrong_category.rules


def test_r_use_5_art_18_3_exemption_claim_for_use_of_an_undeclared_item_is_denied() -> None:
    engine, _ = make_engine()
    s = _customer(engine)
    engine.acquire(s, items={"name", "email", "phone"}, purposes={"support"}, channel="web")
    d = engine.check_use(s, purpose="newsletter", items={"phone"}, **COURT)
    assert not d.allowed
    assert "R-ACQ-2" in d.rules


def test_r_use_5_art_18_3_exemption_claim_for_use_by_the_wrong_category_is_denied() -> None:
    engine, _ = make_engine()
    a = engine.register_subject("a1", category="applicant")
    engine.acquire(a, items={"name", "resume"}, purposes={"hiring"}, channel="email")
    d = engine.check_use(a, purpose="service", items={"name"}, **COURT)
    assert not d.allowed
    assert "R-USE-9" in d.rules


# -- 4. R-REQ-7: deletions outrank suspensions and exemptions -----------------------------

SUBJECT = pp.Subject("s-1", "user-1", datetime(2026, 1, 1, tzinfo=JST), "customer")
T1 = datetime(2026, 4, 1, 9, 0, tzinfo=JST)


def _acq(aid: str, at: datetime) -> pp.Acquisition:
    return pp.Acquisition(
        aid,
        "s-1",
        frozenset({"email"}),
        frozenset({"newsletter"}),
        pp.Channel.WEB,
        "form",
        at,
        "v1",
    )


def _restriction(rid: str, kind: pp.RestrictionKind, at: datetime) -> pp.Restriction:
    return pp.Restriction(rid, "s-1", kind, at, request_id=f"req-{rid}")


def _use(
    acquisitions: tuple[pp.Acquisition, ...],
    restrictions: tuple[pp.Restriction, ...],
    *,
    exempt: bool,
) -> pp.Decision:
    facts = SubjectFacts(SUBJECT, acquisitions, (), restrictions)
    query = UseQuery(
        "newsletter",
        frozenset({"email"}),
        exemption=pp.Exemption.LAWS_AND_REGULATIONS if exempt else None,
        justification="court order 2026-9" if exempt else None,
    )
    return decide_use(make_policy(), facts, query, T1 + timedelta(days=10))


def test_r_req_7_art_35_deletion_listed_after_a_suspension_still_denies_an_exemption() -> None:
    acquired = (_acq("a1", T1),)
    suspended = _restriction("r1", pp.RestrictionKind.SUSPEND_USE, T1 + timedelta(days=1))
    deleted = _restriction("r2", pp.RestrictionKind.DELETED, T1 + timedelta(days=2))
    # The exemption reaches data that is only suspended ...
    assert _use(acquired, (suspended,), exempt=True).allowed
    # ... but not deleted data, whichever order the restrictions are listed in.
    for order in ((suspended, deleted), (deleted, suspended)):
        d = _use(acquired, order, exempt=True)
        assert not d.allowed
        assert "deleted on request req-r2" in d.reasons[0]


def test_r_req_7_art_35_data_deleted_reacquired_then_suspended_stays_denied() -> None:
    first = _acq("a1", T1)
    deleted = _restriction("r1", pp.RestrictionKind.DELETED, T1 + timedelta(days=1))
    again = _acq("a2", T1 + timedelta(days=2))
    suspended = _restriction("r2", pp.RestrictionKind.SUSPEND_USE, T1 + timedelta(days=3))
    # Deleted and not acquired again: denied by the deletion.
    assert not _use((first,), (deleted,), exempt=False).allowed
    # Acquired again after the deletion: usable anew.
    assert _use((first, again), (deleted,), exempt=False).allowed
    # Then suspended: the suspension denies, the deletion does not end the search.
    d = _use((first, again), (deleted, suspended), exempt=False)
    assert not d.allowed
    assert "suspended on request req-r2" in d.reasons[0]


# -- 5. R-CON-3 and R-TPP-5: days in the policy's time zone -------------------------------

CHANGE_DAY = date(2026, 3, 1)  # research: PurposeChange(CHANGE_DAY, related=False)
CHANGE_START = datetime(2026, 3, 1, 0, 0, tzinfo=JST)


def _research_use(acquired_at: datetime, policy: pp.Policy | None = None) -> pp.Decision:
    engine, clock = make_engine(policy, at=acquired_at)
    s = _customer(engine)
    engine.acquire(s, items={"email"}, purposes={"research"}, channel="web")
    clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=JST))
    return engine.check_use(s, purpose="research", items={"email"})


def test_r_con_3_art_17_2_acquisition_at_the_start_of_the_change_day_is_current() -> None:
    assert make_policy().purposes["research"].new_since == CHANGE_DAY
    at_start = _research_use(CHANGE_START)
    assert at_start.allowed and at_start.basis is pp.Basis.NOTIFIED_PURPOSE
    # The same instant in UTC is still 1 March in Tokyo.
    assert _research_use(CHANGE_START.astimezone(UTC)).allowed
    before = _research_use(CHANGE_START - SECOND)
    assert not before.allowed and "R-USE-4" in before.rules


def test_r_con_3_art_17_2_the_change_day_is_a_day_in_the_policys_time_zone() -> None:
    # 2026-03-01 00:00 JST is still 28 February in UTC: before the change there.
    utc_policy = make_policy(timezone="UTC")
    assert not _research_use(CHANGE_START, utc_policy).allowed
    assert _research_use(datetime(2026, 3, 1, 0, 0, tzinfo=UTC), utc_policy).allowed


def _survey_policy() -> pp.Policy:
    base = make_policy()
    survey = pp.Purpose(
        "survey",
        items={"email"},
        consent=pp.ConsentRule.AT_COLLECTION,
        changes=(
            pp.PurposeChange(
                CHANGE_DAY, related=False, notified=CHANGE_DAY, how="published on the website"
            ),
        ),
    )
    return make_policy(purposes={**base.purposes, "survey": survey})


def _survey_acquisition(consented_at: datetime) -> pp.Decision:
    engine, clock = make_engine(_survey_policy(), at=consented_at)
    s = _customer(engine)
    engine.grant_consent(s, purpose="survey")
    clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=JST))
    return engine.check_acquisition(s, items={"email"}, purposes="survey")


def test_r_con_3_art_17_2_consent_at_the_start_of_the_change_day_is_current() -> None:
    at_start = _survey_acquisition(CHANGE_START)
    assert at_start.allowed and at_start.basis is pp.Basis.CONSENT
    before = _survey_acquisition(CHANGE_START - SECOND)
    assert not before.allowed and "R-USE-7" in before.rules


PUBLISHED = datetime(2026, 2, 1, 0, 0, tzinfo=JST)  # group-crm published 2026-02-01


def _joint_provision(at: datetime) -> pp.Decision:
    engine, clock = make_engine(at=datetime(2026, 1, 10, 9, 0, tzinfo=JST))
    s = _customer(engine)
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    clock.set(at)
    return engine.check_provision(s, recipient="group", items={"email"}, purpose="service")


def test_r_tpp_5_art_27_5_iii_joint_use_published_the_same_day_is_allowed() -> None:
    same_day = _joint_provision(PUBLISHED)
    assert same_day.allowed and same_day.basis is pp.Basis.JOINT_USE
    # 2026-01-31 15:00 UTC is already 1 February in Tokyo.
    assert _joint_provision(PUBLISHED.astimezone(UTC)).allowed
    day_before = _joint_provision(PUBLISHED - SECOND)
    assert not day_before.allowed
    assert "R-TPP-5" in day_before.rules
    assert "was not made known" in day_before.reasons[0]


# -- 6. R-REQ-3: agency documents on the day ----------------------------------------------

TODAY = date(2026, 11, 22)
DAY = timedelta(days=1)
VOLUNTARY = pp.Applicant.voluntary_agent()


def _poa(expires: date | None) -> pp.Document:
    return pp.Document(pp.DocumentKind.POWER_OF_ATTORNEY, date(2026, 11, 1), expires)


def _passport(issued: date = date(2022, 4, 1), holder: str = "person") -> pp.Document:
    return pp.Document(pp.DocumentKind.PASSPORT, issued, date(2032, 4, 1), holder)


def _agent(*powers: pp.Document) -> Verification:
    docs = [
        _passport(),
        *powers,
        pp.Document(pp.DocumentKind.SEAL_CERTIFICATE, TODAY - 10 * DAY),
        _passport(holder="agent"),
    ]
    return verify_documents(VOLUNTARY, docs, pp.RequestSettings(), TODAY)


def test_r_req_3_power_of_attorney_valid_through_its_expiry_day() -> None:
    assert _agent(_poa(TODAY + 30 * DAY)).ok
    assert _agent(_poa(TODAY)).ok
    lapsed = _agent(_poa(TODAY - DAY))
    assert lapsed.ground is pp.RefusalGround.AGENCY_UNCONFIRMED


def test_r_req_3_a_lapsed_power_of_attorney_beside_a_valid_one_is_ok() -> None:
    assert _agent(_poa(TODAY - DAY), _poa(TODAY + 30 * DAY)).ok
    assert _agent(_poa(TODAY + 30 * DAY), _poa(TODAY - DAY)).ok
    assert _agent(_poa(TODAY - DAY), _poa(None)).ok


def test_r_req_3_an_id_issued_today_is_valid_one_issued_tomorrow_is_not() -> None:
    person = pp.Applicant.person()
    settings = pp.RequestSettings()
    assert verify_documents(person, [_passport(issued=TODAY)], settings, TODAY).ok
    tomorrow = verify_documents(person, [_passport(issued=TODAY + DAY)], settings, TODAY)
    assert tomorrow.ground is pp.RefusalGround.IDENTITY_UNCONFIRMED
