"""R-REQ-3, R-CON-2 (Art. 33): a person's no to a recipient without naming items is a no
to every item it receives; the disclosure's consent table must say so in English, as the
Japanese table does (「すべての項目」), never show it as a no to nothing ("-")."""

from __future__ import annotations

from datetime import date, timedelta

import pipolicy as pp
from pipolicy.testing.contract.data import CONTRACT_START, contract_policy

PASSPORT = pp.Document(pp.DocumentKind.PASSPORT, issued=date(2022, 1, 1), expires=date(2032, 1, 1))


def test_r_req_3_a_whole_no_to_a_recipient_reads_as_a_no_to_every_item() -> None:
    clock = pp.FixedClock(CONTRACT_START)
    engine = pp.Engine(contract_policy(), clock=clock)
    s = engine.register_subject("u1", category="customer")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    clock.advance(timedelta(hours=1))
    engine.refuse_consent(s, recipient="partner")
    r = engine.requests.submit(
        pp.RequestKind.DISCLOSURE, subject=s, documents=[PASSPORT], language="en"
    )
    engine.requests.verify(r.id)
    rows = [
        line
        for line in engine.requests.fulfil(r.id).to_markdown().splitlines()
        if line.startswith("|") and "Partner" in line
    ]
    assert rows, "the no is listed"
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[1] == "all items"
