"""R-REQ-4 (APPI Art. 36): the reason a person is told in writing says something.

Before, only an empty explanation was refused: ``"-"``, ``"n/a"`` or ``"."`` went out
as the written reason for refusing a request or withholding part of it. Now a reason
needs at least two letters (any script) and may not be a stock placeholder.
"""

from __future__ import annotations

import pytest

import pipolicy as pp

from .support import customer, shop_policy, verified

K = pp.RequestKind
G = pp.RefusalGround
EMPTY_WORDS = [
    *["-", "n/a", "N/A", ".", "x", "...", "  --  ", "none", "TBD", "なし", "特になし", "1"],
    *["該当なし", "特に無し", "未定", "ーー", "ＮＯＮＥ", "Ｎ／Ａ"],  # full width, long marks
]


@pytest.fixture
def request_() -> tuple[pp.Engine, pp.Request]:
    engine = pp.Engine(shop_policy())
    s = customer(engine)
    return engine, verified(engine, K.DISCLOSURE, s)


@pytest.mark.parametrize("placeholder", EMPTY_WORDS)
def test_r_req_4_a_refusal_needs_a_reason_in_words(
    request_: tuple[pp.Engine, pp.Request], placeholder: str
) -> None:
    engine, r = request_
    with pytest.raises(pp.InvalidInput, match=r"Art\. 36"):
        engine.requests.refuse(r.id, ground=G.BUSINESS_HINDRANCE, explanation=placeholder)
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED


@pytest.mark.parametrize("placeholder", EMPTY_WORDS)
def test_r_req_4_withholding_part_needs_a_reason_in_words(
    request_: tuple[pp.Engine, pp.Request], placeholder: str
) -> None:
    engine, r = request_
    with pytest.raises(pp.InvalidInput, match=r"Art\. 36"):
        engine.requests.withhold(
            r.id, items={"email"}, ground=G.HARM_TO_PERSON, explanation=placeholder
        )
    with pytest.raises(pp.InvalidInput, match=r"APPI Arts\. 33\(3\), 36"):
        engine.requests.answer_in_writing(r.id, reason=placeholder)


@pytest.mark.parametrize(
    "reason",
    ["虚偽", "Forged ID", "業務の適正な実施に著しい支障を及ぼすおそれがあるため", "ID 2 expired"],
)
def test_r_req_4_a_short_reason_in_any_script_is_a_reason(
    request_: tuple[pp.Engine, pp.Request], reason: str
) -> None:
    engine, r = request_
    refused = engine.requests.refuse(r.id, ground=G.BUSINESS_HINDRANCE, explanation=reason)
    assert refused.state is pp.RequestState.REFUSED
    assert reason in (refused.statement or "")
