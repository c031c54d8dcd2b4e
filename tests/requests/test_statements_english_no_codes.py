"""R-REQ-4 (Art. 36): an English statement gives the reason in words and the article it
rests on, as the Japanese one does; it never shows pipolicy's names for its grounds such
as ``identity_unconfirmed``, ``no_ground`` or ``legal_retention`` (h63 #8)."""

from __future__ import annotations

from datetime import date

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import verified

K = pp.RequestKind
CODES = ("ground:", "identity_unconfirmed", "no_ground", "legal_retention", "not_retained")


def _clean(statement: str | None) -> str:
    assert statement is not None
    for code in CODES:
        assert code not in statement, (code, statement)
    return statement


def test_r_req_4_a_refusal_cites_the_article_without_the_ground_code(
    engine: pp.Engine, person: pp.Subject
) -> None:
    expired = pp.Document(pp.DocumentKind.PASSPORT, date(2016, 4, 1), date(2026, 3, 31))
    r = engine.requests.submit(K.DISCLOSURE, subject=person, documents=[expired])
    r = engine.requests.verify(r.id)
    text = _clean(r.statement)
    assert "because we could not confirm your identity (APPI Art. 37(1))." in text


def test_r_req_4_no_ground_refusal_reads_in_words(engine: pp.Engine, person: pp.Subject) -> None:
    r = verified(engine, K.SUSPENSION_OF_USE, person)
    answer = engine.requests.refuse(r.id, ground="no_ground", explanation="we still need it")
    assert "none of the grounds the Act gives for it applies" in _clean(answer.statement)
    assert "(APPI Art. 35(1), (5))." in answer.statement


def test_r_req_4_items_kept_under_a_duty_and_items_not_held_read_in_words(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(engine, K.DELETION, person, details={"items": ["invoice", "email", "phone"]})
    answer = engine.requests.fulfil(r.id)
    text = _clean(answer.statement)
    assert "laws and regulations oblige us to keep them (APPI Art. 35(2) proviso" in text
    assert "Phone number" in text
    letter = answer.to_markdown()
    _clean(letter)
