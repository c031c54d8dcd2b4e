"""R-REQ-2, R-REQ-3, R-REQ-10: who may apply and which documents prove it, on the day.

The pure checks run as a table; the engine tests prove that ``verify`` applies them to the
day the request was received (tests/requests/test_documents_on_receipt.py), answers a
failure in writing, and keeps only kinds and dates.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipolicy as pp
from pipolicy.requests import Verification, verify_documents

from .support import (
    TODAY,
    customer,
    family_register,
    legal_representative_documents,
    license_,
    passport,
    power_of_attorney,
    seal_certificate,
    voluntary_agent_documents,
)

G = pp.RefusalGround
PERSON = pp.Applicant.person()
VOLUNTARY = pp.Applicant.voluntary_agent()
LEGAL = pp.Applicant.legal_representative()  # of a minor, as the officer confirms (minor=True)
SETTINGS = pp.RequestSettings()
YESTERDAY = TODAY - timedelta(days=1)


def check(
    applicant: pp.Applicant, *docs: pp.Document, settings: pp.RequestSettings = SETTINGS
) -> Verification:
    return verify_documents(applicant, docs, settings, TODAY, minor=True)


# -- the person -------------------------------------------------------------------------


def test_r_req_3_the_person_with_a_valid_id_is_verified() -> None:
    result = check(PERSON, passport())
    assert result.ok
    assert result.ground is None


def test_r_req_3_an_id_expiring_today_is_still_valid_on_the_day() -> None:
    assert check(PERSON, passport(expires=TODAY)).ok


def test_r_req_3_an_id_that_expired_yesterday_leaves_identity_unconfirmed() -> None:
    result = check(PERSON, passport(expires=YESTERDAY))
    assert result.ground is G.IDENTITY_UNCONFIRMED
    assert any(YESTERDAY.isoformat() in p.message for p in result.problems)


def test_r_req_3_an_id_issued_after_today_leaves_identity_unconfirmed() -> None:
    future = pp.Document(pp.DocumentKind.PASSPORT, TODAY + timedelta(days=3), date(2036, 1, 1))
    assert check(PERSON, future).ground is G.IDENTITY_UNCONFIRMED


def test_r_req_3_no_id_at_all_is_incomplete_documents() -> None:
    assert check(PERSON).ground is G.DOCUMENTS_INCOMPLETE
    assert check(PERSON, power_of_attorney()).ground is G.DOCUMENTS_INCOMPLETE


def test_r_req_3_the_policy_lists_which_ids_it_accepts() -> None:
    only_passports = pp.RequestSettings(accepted_ids=frozenset({pp.DocumentKind.PASSPORT}))
    result = check(PERSON, license_(), settings=only_passports)
    assert result.ground is G.IDENTITY_UNCONFIRMED
    assert "passport" in result.problems[0].message
    assert check(PERSON, passport(), settings=only_passports).ok


def test_r_req_3_one_valid_id_suffices_next_to_an_expired_one() -> None:
    assert check(PERSON, passport(expires=YESTERDAY), license_()).ok


def test_r_req_3_the_agents_id_does_not_stand_for_the_persons() -> None:
    assert check(PERSON, license_("agent")).ground is G.DOCUMENTS_INCOMPLETE


# -- a voluntary agent ------------------------------------------------------------------


def test_r_req_2_a_voluntary_agent_with_every_document_is_verified() -> None:
    assert check(VOLUNTARY, *voluntary_agent_documents()).ok


def test_r_req_3_a_voluntary_agent_without_power_of_attorney_is_incomplete() -> None:
    result = check(VOLUNTARY, passport(), seal_certificate(), license_("agent"))
    assert result.ground is G.DOCUMENTS_INCOMPLETE
    assert "power of attorney" in result.problems[0].message


def test_r_req_3_a_voluntary_agent_without_seal_certificate_is_incomplete() -> None:
    result = check(VOLUNTARY, passport(), power_of_attorney(), license_("agent"))
    assert result.ground is G.DOCUMENTS_INCOMPLETE
    assert "seal certificate" in result.problems[0].message


def test_r_req_3_an_agent_without_their_own_id_is_incomplete() -> None:
    result = check(VOLUNTARY, passport(), power_of_attorney(), seal_certificate())
    assert result.ground is G.DOCUMENTS_INCOMPLETE
    assert "agent" in result.problems[0].message


def test_r_req_3_an_agent_whose_own_id_expired_cannot_confirm_agency() -> None:
    docs = [passport(), power_of_attorney(), seal_certificate(), license_("agent", YESTERDAY)]
    assert check(VOLUNTARY, *docs).ground is G.AGENCY_UNCONFIRMED


# Today is 2026-11-22: "within 3 months" reaches back to 2026-08-22, 92 days (R-REQ-3).
@pytest.mark.parametrize(("days_old", "ok"), [(0, True), (92, True), (93, False), (400, False)])
def test_r_req_3_the_seal_certificate_must_be_issued_within_three_months(
    days_old: int, ok: bool
) -> None:
    docs = [passport(), power_of_attorney(), seal_certificate(days_old), license_("agent")]
    result = check(VOLUNTARY, *docs)
    assert result.ok is ok
    if not ok:
        assert result.ground is G.AGENCY_UNCONFIRMED


def test_r_req_3_the_certificate_age_limit_is_a_policy_setting() -> None:
    strict = pp.RequestSettings(certificate_max_age="30 days")
    docs = [passport(), power_of_attorney(), seal_certificate(31), license_("agent")]
    assert check(VOLUNTARY, *docs, settings=strict).ground is G.AGENCY_UNCONFIRMED
    assert check(VOLUNTARY, *docs).ok


def test_r_req_3_an_undated_seal_certificate_cannot_confirm_agency() -> None:
    undated = pp.Document(pp.DocumentKind.SEAL_CERTIFICATE)
    docs = [passport(), power_of_attorney(), undated, license_("agent")]
    assert check(VOLUNTARY, *docs).ground is G.AGENCY_UNCONFIRMED


def test_r_req_3_an_expired_power_of_attorney_cannot_confirm_agency() -> None:
    lapsed = pp.Document(pp.DocumentKind.POWER_OF_ATTORNEY, date(2026, 1, 1), YESTERDAY)
    docs = [passport(), lapsed, seal_certificate(), license_("agent")]
    assert check(VOLUNTARY, *docs).ground is G.AGENCY_UNCONFIRMED


def test_r_req_3_the_seal_certificate_must_be_the_persons_not_the_agents() -> None:
    """Seed 001 B: the power of attorney bears the person's registered seal, which only
    the person's seal certificate proves; the agent's own certificate proves nothing."""
    agents = pp.Document(
        pp.DocumentKind.SEAL_CERTIFICATE, TODAY - timedelta(days=10), None, "agent"
    )
    result = check(VOLUNTARY, passport(), power_of_attorney(), agents, license_("agent"))
    assert result.ground is G.DOCUMENTS_INCOMPLETE
    assert [p.note for p in result.problems] == ["no_certificate"]
    assert "seal certificate of the person" in result.problems[0].message
    assert check(
        VOLUNTARY, passport(), power_of_attorney(), agents, seal_certificate(), license_("agent")
    ).ok


def test_r_req_3_a_power_of_attorney_dated_after_today_cannot_confirm_agency() -> None:
    later = power_of_attorney(TODAY + timedelta(days=1))
    result = check(VOLUNTARY, passport(), later, seal_certificate(), license_("agent"))
    assert result.ground is G.AGENCY_UNCONFIRMED
    assert [p.note for p in result.problems] == ["power_of_attorney_dated_after_today"]
    assert (TODAY + timedelta(days=1)).isoformat() in result.problems[0].message
    assert check(
        VOLUNTARY, passport(), power_of_attorney(TODAY), seal_certificate(), license_("agent")
    ).ok


# -- a legal representative -------------------------------------------------------------


def test_r_req_2_a_legal_representative_with_a_recent_family_register_is_verified() -> None:
    assert check(LEGAL, *legal_representative_documents()).ok


def test_r_req_2_an_adult_guardian_proves_representation_with_the_certificate() -> None:
    certificate = pp.Document(pp.DocumentKind.GUARDIANSHIP_CERTIFICATE, TODAY - timedelta(days=5))
    assert check(LEGAL, passport(), certificate, license_("agent")).ok
    # Another document of the person may be the ID that proved who they are.
    other = pp.Document(pp.DocumentKind.OTHER, TODAY - timedelta(days=5))
    assert check(LEGAL, passport(), other, license_("agent")).ground is G.DOCUMENTS_INCOMPLETE


def test_r_req_3_a_legal_representative_without_proof_of_representation_is_incomplete() -> None:
    assert check(LEGAL, passport(), license_("agent")).ground is G.DOCUMENTS_INCOMPLETE


def test_r_req_3_a_family_register_older_than_three_months_cannot_confirm_agency() -> None:
    docs = [passport(), family_register(93), license_("agent")]
    assert check(LEGAL, *docs).ground is G.AGENCY_UNCONFIRMED


def test_r_req_3_a_legal_representative_without_their_own_id_is_incomplete() -> None:
    assert check(LEGAL, passport(), family_register()).ground is G.DOCUMENTS_INCOMPLETE


def test_r_req_3_a_power_of_attorney_is_not_proof_of_legal_representation() -> None:
    docs = [passport(), power_of_attorney(), seal_certificate(), license_("agent")]
    assert check(LEGAL, *docs).ground is G.DOCUMENTS_INCOMPLETE


def test_r_req_4_every_problem_is_listed_and_the_ground_follows_the_seeds_order() -> None:
    # Expired ID (ground 1), stale certificate (ground 2), no power of attorney (ground 3).
    docs = [passport(expires=YESTERDAY), seal_certificate(200), license_("agent")]
    result = check(VOLUNTARY, *docs)
    assert result.ground is G.IDENTITY_UNCONFIRMED
    assert {p.ground for p in result.problems} == {
        G.IDENTITY_UNCONFIRMED,
        G.AGENCY_UNCONFIRMED,
        G.DOCUMENTS_INCOMPLETE,
    }


@pytest.mark.parametrize(
    ("applicant", "complete"),
    [
        (PERSON, [passport()]),
        (VOLUNTARY, voluntary_agent_documents()),
        (LEGAL, legal_representative_documents()),
    ],
    ids=["person", "voluntary_agent", "legal_representative"],
)
def test_r_req_3_removing_any_required_document_makes_the_set_incomplete(
    applicant: pp.Applicant, complete: list[pp.Document]
) -> None:
    assert check(applicant, *complete).ok
    for i in range(len(complete)):
        rest = complete[:i] + complete[i + 1 :]
        assert check(applicant, *rest).ground is G.DOCUMENTS_INCOMPLETE, complete[i].kind


# -- properties -------------------------------------------------------------------------

kinds = st.sampled_from(list(pp.DocumentKind))
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
documents = st.builds(
    pp.Document,
    kind=kinds,
    issued=st.none() | days,
    expires=st.none() | days,
    holder=st.sampled_from(["person", "agent"]),
)
applicants = st.sampled_from([PERSON, VOLUNTARY, LEGAL])


@given(applicants, st.lists(documents, max_size=6), st.lists(documents, max_size=3))
def test_r_req_3_more_documents_never_undo_a_verification(
    applicant: pp.Applicant, docs: list[pp.Document], extra: list[pp.Document]
) -> None:
    if check(applicant, *docs).ok:
        assert check(applicant, *docs, *extra).ok


@given(st.integers(min_value=1, max_value=400), st.integers(min_value=0, max_value=800))
def test_r_req_3_a_certificate_passes_exactly_when_issued_within_the_limit(
    limit: int, age: int
) -> None:
    settings = pp.RequestSettings(certificate_max_age=limit)
    docs = [passport(), power_of_attorney(), seal_certificate(age), license_("agent")]
    assert check(VOLUNTARY, *docs, settings=settings).ok is (age <= limit)


@given(days)
def test_r_req_3_an_id_confirms_identity_exactly_until_its_expiry(expires: date) -> None:
    doc = pp.Document(pp.DocumentKind.PASSPORT, date(2015, 1, 1), expires)
    assert check(PERSON, doc).ok is (expires >= TODAY)


# -- through the engine -----------------------------------------------------------------


def test_r_req_3_verify_judges_documents_on_the_day_the_request_was_received(
    engine: pp.Engine, clock: pp.FixedClock
) -> None:
    s = customer(engine)
    expired = passport(expires=TODAY - timedelta(days=1))
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[expired])

    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is G.IDENTITY_UNCONFIRMED
    assert r.details["verification"]["checked_on"] == TODAY.isoformat()  # type: ignore[index]


def test_r_req_4_a_failed_verification_is_answered_in_writing(engine: pp.Engine) -> None:
    s = customer(engine)
    docs = [passport(), seal_certificate(), license_("agent")]
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, applicant=VOLUNTARY, documents=docs
    )

    r = engine.requests.verify(r.id)

    assert r.state is pp.RequestState.REFUSED
    assert r.ground is G.DOCUMENTS_INCOMPLETE
    assert r.statement is not None
    assert "the required documents were incomplete (APPI Art. 37(1))" in r.statement
    assert "power of attorney" in r.statement
    letter = engine.requests.answer(r.id).to_markdown()
    assert "power of attorney" in letter
    assert "Example Shop K.K." in letter


def test_r_req_10_only_kinds_and_dates_of_documents_are_kept(engine: pp.Engine) -> None:
    s = customer(engine)
    docs = voluntary_agent_documents()
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, applicant=VOLUNTARY, documents=docs
    )
    r = engine.requests.verify(r.id)

    stored = engine.requests.get(r.id)
    assert stored.documents == tuple(docs)
    assert stored.details["verification"] == {
        "checked_on": TODAY.isoformat(),
        "ok": True,
        "ground": None,
        "problems": [],
    }
    # The audit log names the kinds of documents, never their dates.
    log = json.dumps([dict(e.payload) for e in engine.audit_events()])
    assert "power_of_attorney" in log
    for d in docs:
        for when in (d.issued, d.expires):
            if when is not None:
                assert when.isoformat() not in log


def test_r_req_3_a_document_holder_must_be_the_person_or_the_agent(engine: pp.Engine) -> None:
    # The document itself refuses another holder, so no request can carry one.
    with pytest.raises(pp.InvalidInput, match="holder"):
        pp.Document(pp.DocumentKind.PASSPORT, date(2022, 1, 1), date(2032, 1, 1), "cousin")
    s = customer(engine)
    agent_id = pp.Document(pp.DocumentKind.PASSPORT, date(2022, 1, 1), date(2032, 1, 1), "agent")
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[agent_id])
    assert [d.holder for d in r.documents] == ["agent"]
