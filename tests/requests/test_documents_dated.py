"""R-REQ-3: a document proves nothing on the day unless its dates can be checked.

Seed 001 L94 asks for an identity document "within the expiration date or valid", L112 for
an agent's documents "(valid ones)". An identity document of a kind that always carries
an expiry date (a passport, a driver's license, a residence card, a My Number card, an
eligibility certificate) confirms nothing without it; one that may have none by nature (a
pension book; a health insurance card while it was valid, until 2025-12-01) needs at least
the date it was issued. A power of attorney must be dated: an undated one does not
show the authority was given before the request, and it is an agent's document, so it
leaves agency unconfirmed (the principle of :mod:`pipolicy.requests.verification`).
"""

from __future__ import annotations

from datetime import date

import pytest

import pipolicy as pp
from pipolicy.requests import verify_documents

from .support import (
    T0,
    TODAY,
    family_register,
    license_,
    passport,
    power_of_attorney,
    seal_certificate,
)

G = pp.RefusalGround
K = pp.DocumentKind
D = pp.Document
PERSON = pp.Applicant.person()
VOLUNTARY = pp.Applicant.voluntary_agent()
LEGAL = pp.Applicant.legal_representative()  # of a minor, as the officer confirms (minor=True)
SETTINGS = pp.RequestSettings(
    accepted_ids=pp.RequestSettings().accepted_ids | {K.HEALTH_INSURANCE_CARD}
)
ISSUED = date(2020, 4, 1)
LAST_DAY_OF_CARDS = pp.requests.HEALTH_INSURANCE_CARDS_VALID_UNTIL


def check(
    applicant: pp.Applicant, *docs: pp.Document, today: date = TODAY
) -> pp.requests.Verification:
    return verify_documents(applicant, docs, SETTINGS, today, minor=True)


@pytest.mark.parametrize(
    "kind",
    [
        K.PASSPORT,
        K.DRIVERS_LICENSE,
        K.RESIDENCE_CARD,
        K.MY_NUMBER_CARD,
        K.ELIGIBILITY_CERTIFICATE,
        K.HEALTH_INSURANCE_CARD,
        K.PENSION_BOOK,
    ],
)
def test_r_req_3_an_id_with_no_dates_at_all_leaves_identity_unconfirmed(kind: K) -> None:
    result = check(PERSON, D(kind))
    assert not result.ok
    assert result.ground is G.IDENTITY_UNCONFIRMED  # it is there, but not shown valid
    [problem] = result.problems
    assert problem.facts["whose"] == "person" and problem.facts["document"] == kind.value


@pytest.mark.parametrize(
    "kind",
    [K.PASSPORT, K.DRIVERS_LICENSE, K.RESIDENCE_CARD, K.MY_NUMBER_CARD, K.ELIGIBILITY_CERTIFICATE],
)
def test_r_req_3_an_id_that_always_has_an_expiry_date_needs_it(kind: K) -> None:
    """Every passport, driver's license and residence card bears its expiry (Passport
    Act Art. 5, Road Traffic Act Art. 92-2, Immigration Control Act Art. 19-5), as do the
    My Number card and the eligibility certificate: without it, whether the card was
    valid on the day cannot be told."""
    result = check(PERSON, D(kind, issued=ISSUED))
    assert result.ground is G.IDENTITY_UNCONFIRMED
    assert [p.note for p in result.problems] == ["id_no_expiry"]
    assert check(PERSON, D(kind, expires=TODAY)).ok  # the expiry alone is enough


@pytest.mark.parametrize(
    ("kind", "today"),
    [(K.HEALTH_INSURANCE_CARD, LAST_DAY_OF_CARDS), (K.PENSION_BOOK, TODAY)],
)
def test_r_req_3_an_id_without_expiry_by_nature_is_checked_by_its_issue_date(
    kind: K, today: date
) -> None:
    assert check(PERSON, D(kind, issued=ISSUED), today=today).ok
    assert [p.note for p in check(PERSON, D(kind), today=today).problems] == ["id_undated"]
    later = check(PERSON, D(kind, issued=date(2027, 1, 1)), today=today)
    assert [p.note for p in later.problems] == ["id_dated_after_today"]


def test_r_req_3_an_undated_id_beside_a_valid_one_is_no_problem() -> None:
    assert check(PERSON, D(K.PASSPORT), license_()).ok


def test_r_req_3_the_agents_undated_id_leaves_agency_unconfirmed() -> None:
    undated = D(K.PENSION_BOOK, holder="agent")
    result = check(LEGAL, passport(), family_register(), undated)
    assert result.ground is G.AGENCY_UNCONFIRMED
    assert [(p.note, p.facts["whose"]) for p in result.problems] == [("id_undated", "agent")]


def test_r_req_3_an_undated_power_of_attorney_cannot_confirm_agency() -> None:
    undated = D(K.POWER_OF_ATTORNEY)
    result = check(VOLUNTARY, passport(), undated, seal_certificate(), license_("agent"))
    assert result.ground is G.AGENCY_UNCONFIRMED
    assert [p.note for p in result.problems] == ["power_of_attorney_undated"]
    # An expiry alone does not date it: when the authority was given is still unknown.
    expiring = D(K.POWER_OF_ATTORNEY, expires=date(2027, 1, 1))
    assert not check(VOLUNTARY, passport(), expiring, seal_certificate(), license_("agent")).ok
    # A dated one beside it confirms the authority.
    assert check(
        VOLUNTARY, passport(), undated, power_of_attorney(), seal_certificate(), license_("agent")
    ).ok


def _statement(lang: str, applicant: pp.Applicant, docs: list[pp.Document]) -> str:
    engine = pp.Engine(pp.example_policy("indigo_blue"), clock=pp.FixedClock(T0))
    s = engine.register_subject("c-1", category="customer")
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, applicant=applicant, documents=docs, language=lang
    )
    r = engine.requests.verify(r.id)
    assert r.state is pp.RequestState.REFUSED and r.statement is not None
    return r.statement


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            [
                "we could not confirm your identity",
                "the person's passport: we could not confirm its expiry date",
                "the person's pension book: we could confirm neither its issue date nor its",
                "the agent's driver's license: we could not confirm its expiry date",
                "we could not confirm the date of the power of attorney",
            ],
        ),
        (
            "ja",
            [
                "ご本人であることを確認できなかったため",
                "ご本人の旅券（パスポート）の有効期限を確認できず",
                "ご本人の年金手帳の交付日及び有効期限をいずれも確認できず",
                "代理人の運転免許証の有効期限を確認できず",
                "委任状の作成日を確認できず、ご本人が代理権を授与した時期を確認できませんでした",
            ],
        ),
    ],
)
def test_r_req_4_every_undated_document_is_named_in_the_written_statement(
    lang: str, words: list[str]
) -> None:
    docs = [
        D(K.PASSPORT, issued=ISSUED),
        D(K.PENSION_BOOK),
        D(K.POWER_OF_ATTORNEY),
        seal_certificate(),
        D(K.DRIVERS_LICENSE, issued=ISSUED, holder="agent"),
    ]
    statement = _statement(lang, VOLUNTARY, docs)
    for word in words:
        assert word in statement, (word, statement)
