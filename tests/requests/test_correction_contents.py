"""R-REQ-6, R-REQ-10: the correction letter says what the data now reads (Art. 34(3)
asks the business to notify the correction "including its contents"), but pipolicy never
keeps the values: they are in the answer ``fulfil`` returns, and nowhere else.
"""

from __future__ import annotations

import json

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import passport, verified

K = pp.RequestKind
NEW_ADDRESS = "9-9-9 Shibuya, Tokyo"


def test_r_req_6_the_correction_letter_gives_the_new_contents_and_nothing_keeps_them(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    r = verified(
        engine, K.CORRECTION, person, details={"changes": {"address": NEW_ADDRESS, "phone": None}}
    )

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"address": "corrected", "phone": "not_held"}
    letter = answer.to_markdown()
    row = next(line for line in letter.splitlines() if line.startswith("| Postal address"))
    assert NEW_ADDRESS in row and "corrected" in row
    assert NEW_ADDRESS in answer.to_html()
    # Nothing pipolicy keeps holds the value: not the request, its statement or the audit.
    stored = engine.requests.get(r.id)
    kept = json.dumps(
        [stored.details, stored.statement, [dict(e.payload) for e in engine.audit_events()]],
        default=str,
    )
    assert NEW_ADDRESS not in kept and NEW_ADDRESS not in repr(answer)
    # The answer rebuilt later has no value to give: the letter names the change only.
    rebuilt = engine.requests.answer(r.id).to_markdown()
    assert NEW_ADDRESS not in rebuilt and "Postal address" in rebuilt


def test_r_req_6_the_japanese_correction_letter_gives_the_new_contents() -> None:
    engine = pp.Engine(pp.example_policy("indigo_blue"))
    crm = MemorySource({"c-1": {"address": "東京都港区1-1"}})
    engine.register_source("crm", crm)
    s = engine.register_subject("c-1", category="customer")
    engine.grant_consent(s, purpose="service", evidence=pp.Evidence("web-form", "v1"))
    engine.acquire(s, items={"address"}, purposes="service", channel="web")
    r = engine.requests.submit(
        K.CORRECTION,
        subject=s,
        documents=[passport()],
        details={"changes": {"address": "東京都港区2-2"}},
    )
    engine.requests.verify(r.id)

    letter = engine.requests.fulfil(r.id).to_markdown()

    row = next(line for line in letter.splitlines() if line.startswith("| 住所"))
    assert "東京都港区2-2" in row and "訂正" in row
