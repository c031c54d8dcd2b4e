"""R-REQ-4, R-REQ-5 (Art. 33(2), Art. 36): the English letter words what the Japanese
letter words. A person reads the ground a part was withheld on in words (the harm the
law names), and how each item reached the business (social media, provision by another
business), never pipolicy's codes such as ``harm_to_person`` or ``social_media``
(h63 #7)."""

from __future__ import annotations

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import passport

K = pp.RequestKind


def _letter(engine: pp.Engine, person: pp.Subject, lang: str) -> str:
    engine.acquire(person, items={"phone"}, purposes={"service"}, channel="social_media")
    r = engine.requests.submit(K.DISCLOSURE, subject=person, documents=[passport()], language=lang)
    engine.requests.verify(r.id)
    engine.requests.withhold(
        r.id,
        items={"email"},
        ground=pp.RefusalGround.HARM_TO_PERSON,
        explanation="a third party fears for their safety",
    )
    answer = engine.requests.fulfil(r.id)
    return answer.to_markdown() + answer.to_html()


def test_r_req_5_english_letter_words_the_ground_and_the_channel(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    rows = [line for line in _letter(engine, person, "en").splitlines() if line.startswith("|")]
    assert not [r for r in rows if "harm_to_person" in r or "social_media" in r or "via web" in r]
    withheld = next(r for r in rows if r.startswith("| E-mail address") and "fears" in r)
    assert "Responding could harm the life, body, property or other rights" in withheld
    phone = next(r for r in rows if r.startswith("| Phone number"))
    assert "via social media" in phone
    name = next(r for r in rows if r.startswith("| Name"))
    assert "via the website" in name
