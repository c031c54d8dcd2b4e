"""R-REQ-9 (Art. 38(1)): the fee a disclosure answer states rests on Art. 38(1), which
lets a business charge for a notification of purposes and a disclosure (Art. 38(2) caps
it at a reasonable amount). The English letter cites the same paragraph the Japanese
one does (第38条第1項), not the whole article."""

from __future__ import annotations

import pipolicy as pp
from pipolicy.requests import MemorySource

from .support import verified


def test_r_req_9_the_english_fee_cites_art_38_1(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource
) -> None:
    answer = engine.requests.fulfil(verified(engine, pp.RequestKind.DISCLOSURE, person).id)
    assert answer.fee == 1000
    assert "The fee for this request is 1,000 yen (APPI Art. 38(1))." in answer.statement
    assert "APPI Art. 38)" not in answer.to_markdown()
