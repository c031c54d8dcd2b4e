"""R-MYN-1, R-REQ-6 (APPI Art. 34(2); My Number Act Art. 16): a correction never adds an
Individual Number.

Taking a person's Individual Number requires the number-verification measures of the My
Number Act Art. 16 (the My Number card, or a copy of the resident record showing the
number, with proof of identity). A correction request verifies only who is asking, so
before, a request to "add" ``my_number`` had the sources hold it, recorded an acquisition
and the number was then used for the affairs, never verified. Now it is not sent to the
sources; the answer says it is taken only through the business's number-verification
procedure.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.factories import bilingual_head, toml_data
from tests.requests.support import REF, T0, passport, verified

K = pp.RequestKind
NUMBER = "123456789012"

PAYROLL = (
    bilingual_head("hr-1")
    + """
[items.name]
title = { ja = "氏名", en = "Name" }
[items.phone]
title = { ja = "電話番号", en = "Phone number" }
[items.my_number]
title = { ja = "個人番号", en = "Individual Number" }
my_number = true
[purposes.payroll_tax]
title = { ja = "源泉徴収票作成事務のため", en = "To prepare withholding tax slips" }
items = ["name", "phone", "my_number"]
my_number_affairs = "tax"
retention = "7 years"
[requests]
window = { ja = "privacy@example.jp", en = "privacy@example.jp" }
"""
)


def _employee() -> tuple[pp.Engine, pp.FixedClock, MemorySource, pp.Subject]:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(pp.policy_from_dict(toml_data(PAYROLL)), clock=clock)
    hr = MemorySource()
    engine.register_source("hr", hr)
    s = engine.register_subject(REF)
    engine.acquire(s, items={"name"}, purposes={"payroll_tax"}, channel="mail")
    hr.put(REF, {"name": "Hanako Yamada"})
    return engine, clock, hr, s


def _correction(
    engine: pp.Engine, s: pp.Subject, changes: dict[str, object], lang: str
) -> pp.Answer:
    r = engine.requests.submit(
        K.CORRECTION,
        subject=s,
        documents=[passport()],
        details={"changes": changes},
        language=lang,
    )
    engine.requests.verify(r.id)
    return engine.requests.fulfil(r.id)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ["Individual Number", "number-verification", "Art. 16"]),
        ("ja", ["個人番号", "番号確認", "第16条"]),
    ],
)
def test_r_myn_1_a_correction_never_adds_an_individual_number(lang: str, said: list[str]) -> None:
    engine, _, hr, s = _employee()
    # The purpose takes it: what is missing is the verification, not the purpose.
    assert engine.check_acquisition(
        s, items={"my_number"}, purposes={"payroll_tax"}, channel="mail"
    ).allowed

    answer = _correction(engine, s, {"my_number": NUMBER, "phone": "03-1234-5678"}, lang)

    assert "my_number" not in hr.get(REF)
    assert not [a for a in engine.acquisitions(s) if "my_number" in a.items]
    assert not engine.check_use(s, purpose="payroll_tax", items={"my_number"}).allowed
    # What may be added is added.
    assert hr.get(REF)["phone"] == "03-1234-5678"
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.changes == {"my_number": "beyond_purposes", "phone": "added"}
    for words in said:
        assert words in (answer.statement or ""), words
    assert NUMBER not in (answer.statement or "") and NUMBER not in answer.to_json()


def test_r_myn_1_a_correction_asking_only_for_the_number_is_refused() -> None:
    engine, _, hr, s = _employee()

    answer = _correction(engine, s, {"my_number": NUMBER}, "en")

    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    assert "number-verification" in (answer.statement or "")
    assert "needed by none" not in (answer.statement or "")
    assert "my_number" not in hr.get(REF)


def test_r_myn_1_a_deleted_number_is_given_anew_through_the_verification() -> None:
    engine, clock, hr, s = _employee()
    engine.acquire(s, items={"my_number"}, purposes={"payroll_tax"}, channel="mail")
    hr.put(REF, {"my_number": NUMBER})
    d = verified(engine, K.DELETION, s, details={"items": ["my_number"]})
    engine.requests.fulfil(d.id)
    clock.advance(timedelta(days=1))

    answer = _correction(engine, s, {"my_number": NUMBER}, "en")

    assert "my_number" not in hr.get(REF)
    assert d.id in (answer.statement or "")
    assert "number-verification" in (answer.statement or "")


def _holding_the_number() -> tuple[pp.Engine, MemorySource, pp.Subject]:
    """An employee whose Individual Number was taken (through the verification)."""
    engine, _, hr, s = _employee()
    engine.acquire(s, items={"my_number"}, purposes={"payroll_tax"}, channel="mail")
    hr.put(REF, {"name": "Hanako Yamada", "my_number": NUMBER})
    return engine, hr, s


NEW_NUMBER = "210987654321"


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        (
            "en",
            ["Individual Number", "number-verification", "Art. 16", "have not changed"],
            "have not added",
        ),
        ("ja", ["個人番号", "番号確認", "第16条", "訂正しておりません"], "追加しておりません"),
    ],
)
def test_r_myn_1_a_correction_never_changes_an_individual_number(
    lang: str, said: list[str], not_said: str
) -> None:
    engine, hr, s = _holding_the_number()

    answer = _correction(engine, s, {"my_number": NEW_NUMBER, "phone": "03-1234-5678"}, lang)

    # The new number is not taken in without the verification: the sources keep the old.
    assert hr.get(REF)["my_number"] == NUMBER
    assert hr.get(REF)["phone"] == "03-1234-5678"
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.changes == {"my_number": "beyond_purposes", "phone": "added"}
    assert all("my_number" not in o.items for o in answer.sources)
    statement = answer.statement or ""
    for words in said:
        assert words in statement, words
    # It was held: the answer does not speak of it as an addition refused.
    assert not_said not in statement
    assert NEW_NUMBER not in statement and NEW_NUMBER not in answer.to_json()
    assert NUMBER not in statement


def test_r_myn_1_a_correction_changing_only_the_number_is_refused() -> None:
    engine, hr, s = _holding_the_number()

    answers = {
        lang: _correction(engine, s, {"my_number": NEW_NUMBER}, lang) for lang in ("en", "ja")
    }

    assert hr.get(REF)["my_number"] == NUMBER
    for answer in answers.values():
        assert answer.state is pp.RequestState.REFUSED
        assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    en, ja = (answers[lang].statement or "" for lang in ("en", "ja"))
    assert "number-verification" in en and "番号確認" in ja
    # Nothing was asked to be added: the refusal does not say so.
    assert "asked us to add" not in en and "内容の追加は" not in ja


def test_r_myn_1_a_number_only_the_sources_hold_is_not_changed_there() -> None:
    """A number held before pipolicy kept records (a migration): not changed either."""
    engine, _, hr, s = _employee()
    hr.put(REF, {"name": "Hanako Yamada", "my_number": NUMBER})

    answer = _correction(engine, s, {"my_number": NEW_NUMBER, "phone": "03-1234-5678"}, "en")

    assert hr.get(REF)["my_number"] == NUMBER
    assert answer.changes["my_number"] == "beyond_purposes"
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED


def test_r_myn_1_a_correction_still_deletes_an_individual_number() -> None:
    engine, hr, s = _holding_the_number()

    answer = _correction(engine, s, {"my_number": None}, "en")

    assert "my_number" not in hr.get(REF)
    assert answer.changes == {"my_number": "deleted"}
