"""R-REQ-3, R-REQ-4: a refusal by verification names the documents as a person does.

English letters name documents by their English titles (a driver's license, a seal
registration certificate), as Japanese letters name them in Japanese (運転免許証),
never by pipolicy's internal names (``drivers_license``, ``seal_certificate``).
"""

from __future__ import annotations

import re
from datetime import date

import pytest

import pipolicy as pp

from .support import TODAY, license_, passport

D, K = pp.Document, pp.DocumentKind
INTERNAL = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
"""An internal name: drivers_license, seal_certificate, family_register..."""


def explanation(engine: pp.Engine, applicant: pp.Applicant, docs: list[pp.Document]) -> str:
    s = engine.register_subject(f"user-{len(engine.requests.all())}")
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, applicant=applicant, documents=docs
    )
    r = engine.requests.verify(r.id)
    assert r.state is pp.RequestState.REFUSED and r.statement is not None
    return next(p for p in r.statement.split("\n\n") if p.startswith("Explanation:"))


def test_r_req_3_an_english_refusal_names_documents_by_their_titles(engine: pp.Engine) -> None:
    docs = [
        D(K.PASSPORT, issued=date(2012, 1, 1), expires=date(2022, 1, 1)),
        D(K.SEAL_CERTIFICATE, issued=date(2026, 6, 1)),
        license_("agent", expires=date(2025, 1, 1)),
    ]

    text = explanation(engine, pp.Applicant.voluntary_agent(), docs)

    assert INTERNAL.findall(text) == []
    assert "driver's license" in text and "2025-01-01" in text
    assert "passport" in text and "2022-01-01" in text
    assert "seal" in text and "2026-06-01" in text


def test_r_req_3_english_names_a_certificate_and_the_accepted_ids(engine: pp.Engine) -> None:
    old_register = D(K.FAMILY_REGISTER, issued=date(2026, 1, 5))
    student = D(K.STUDENT_ID, issued=date(2024, 4, 1), expires=date(2027, 3, 31))

    representative = explanation(
        engine, pp.Applicant.legal_representative(), [passport(), old_register, license_("agent")]
    )
    not_accepted = explanation(engine, pp.Applicant.person(), [student])

    assert INTERNAL.findall(representative) == []
    assert "family register" in representative and "2026-01-05" in representative
    assert INTERNAL.findall(not_accepted) == []
    assert "student ID card" in not_accepted and "driver's license" in not_accepted


@pytest.mark.parametrize(
    "kind",
    [K.DRIVERS_LICENSE, K.MY_NUMBER_CARD, K.ELIGIBILITY_CERTIFICATE, K.PENSION_BOOK, K.OTHER],
)
def test_r_req_3_the_english_problem_message_has_no_internal_name(kind: pp.DocumentKind) -> None:
    settings = pp.RequestSettings(accepted_ids=frozenset({kind}))
    expired = D(kind, issued=date(2020, 1, 1), expires=date(2025, 1, 1))
    result = pp.requests.verify_documents(pp.Applicant.person(), [expired], settings, TODAY)
    [problem] = result.problems
    assert INTERNAL.findall(problem.message) == [] and "2025-01-01" in problem.message
