"""R-REQ-6, R-REQ-7 (APPI Arts. 34(1), 34(2), 35): a correction may delete contents, but
not contents another law obliges the business to keep.

Art. 34(2) has the business correct "except where special procedures for the correction
are prescribed by other laws": a tax law that has the books and invoices kept for seven
years is such a law (an invoice found wrong is corrected by the tax law's own entries,
not erased). Before, a correction asking to empty the invoice erased it from every
source, where a deletion request for the same invoice kept it. Now the invoice is kept,
its use suspended, and the letter says why and on what article.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.factories import toml_data
from tests.requests.support import (
    REF,
    T0,
    VALUES,
    customer,
    passport,
    shop_policy,
    verified,
)

K = pp.RequestKind


def _shop() -> tuple[pp.Engine, pp.FixedClock, MemorySource, pp.Subject]:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(shop_policy(), clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    return engine, clock, crm, customer(engine, crm)


def test_r_req_7_a_correction_emptying_an_invoice_the_tax_law_keeps_does_not_erase_it() -> None:
    engine, clock, crm, s = _shop()
    r = verified(engine, K.CORRECTION, s, details={"changes": {"invoice": None}})

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"invoice": "legal_retention"}
    assert crm.get(REF)["invoice"] == VALUES["invoice"]
    assert [k.item for k in answer.retained] == ["invoice"]
    assert answer.retained[0].article == "APPI Art. 34(2)"
    assert "Invoices" in answer.statement and "APPI Art. 34(2)" in answer.statement
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    # Its contents are disputed and kept only for the duty: its use is suspended.
    clock.advance(timedelta(days=1))
    assert not engine.check_use(s, purpose="service", items={"invoice"}).allowed
    assert engine.check_use(s, purpose="service", items={"name"}).allowed
    # A later deletion still finds the invoice held and keeps it for the duty.
    later = engine.requests.fulfil(verified(engine, K.DELETION, s).id)
    assert "invoice" in [k.item for k in later.retained]
    assert crm.get(REF)["invoice"] == VALUES["invoice"]


def test_r_req_6_a_correction_deletes_what_no_law_keeps_and_keeps_what_one_does() -> None:
    engine, clock, crm, s = _shop()
    r = verified(engine, K.CORRECTION, s, details={"changes": {"invoice": None, "address": None}})

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"invoice": "legal_retention", "address": "deleted"}
    held = crm.get(REF)
    assert "address" not in held and held["invoice"] == VALUES["invoice"]
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    clock.advance(timedelta(days=1))
    assert not engine.check_use(s, purpose="service", items={"address"}).allowed
    assert not engine.check_use(s, purpose="service", items={"invoice"}).allowed


def test_r_req_6_a_correction_of_a_kept_invoice_to_new_contents_still_corrects_it() -> None:
    """Only emptying is held back: correcting the invoice's contents is what the
    person is owed, and the source is asked to."""
    engine, _, crm, s = _shop()
    r = verified(engine, K.CORRECTION, s, details={"changes": {"invoice": "INV-2026-0043"}})

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"invoice": "corrected"}
    assert crm.get(REF)["invoice"] == "INV-2026-0043"
    assert answer.retained == ()


_BILINGUAL = """
[policy]
version = "shop-1"
revised = 2026-04-01
languages = ["ja", "en"]
[controller]
name = { ja = "株式会社サンプル", en = "Sample K.K." }
address = { ja = "東京都千代田区丸の内1-1", en = "1-1 Marunouchi, Tokyo" }
representative = { ja = "代表取締役 山田太郎", en = "Taro Yamada, Representative Director" }
contact = { ja = "privacy@example.jp", en = "privacy@example.jp" }
security_measures = { ja = ["暗号化"], en = ["Encryption"] }
[items.name]
title = { ja = "氏名", en = "Name" }
[items.invoice]
title = { ja = "請求書", en = "Invoice" }
legal_retention = { ja = "法人税法：7年", en = "Corporation Tax Act: 7 years" }
[purposes.service]
title = { ja = "商品の配送のため", en = "To deliver orders" }
items = ["name", "invoice"]
[requests]
window = { ja = "privacy@example.jp", en = "privacy@example.jp" }
"""


def test_r_req_7_the_japanese_letter_says_the_invoice_is_kept_under_a_law() -> None:
    engine = pp.Engine(pp.policy_from_dict(toml_data(_BILINGUAL)), clock=pp.FixedClock(T0))
    crm = MemorySource({REF: {"name": "山田花子", "invoice": "INV-1"}})
    engine.register_source("crm", crm)
    s = engine.register_subject(REF)
    engine.acquire(s, items={"name", "invoice"}, purposes={"service"}, channel="web")
    r = engine.requests.submit(
        K.CORRECTION,
        subject=s,
        documents=[passport()],
        details={"changes": {"invoice": None}},
        language="ja",
    )
    engine.requests.verify(r.id)

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"invoice": "legal_retention"}
    assert crm.get(REF)["invoice"] == "INV-1"
    assert "請求書（法人税法：7年）" in answer.statement
    assert "消去に代わる措置としてその利用を停止" in answer.statement
    assert "第34条第2項" in answer.statement
    assert "| 請求書 | 削除せず（法令による保存義務のため、利用を停止） |" in answer.to_markdown()
    # The answer rebuilt later from what was stored says the same.
    rebuilt = engine.requests.answer(r.id)
    assert [(k.item, k.article) for k in rebuilt.retained] == [("invoice", "APPI Art. 34(2)")]


def test_r_use_1_a_denied_use_points_to_its_reasons_not_to_consent() -> None:
    """R-USE-1 (Art. 18(1)): a purpose uses only the items it declares, and no consent
    widens that. The error raised for such a denial must not advise obtaining consent:
    it points to the decision's reasons."""
    engine, _, _, s = _shop()
    with pytest.raises(pp.UseDenied) as raised:
        engine.use(s, purpose="newsletter", items={"name"})
    assert "not declared" in str(raised.value)
    assert "obtain consent" not in str(raised.value)
    assert "check_use()" in str(raised.value) and "reasons" in str(raised.value)
