"""R-REQ-6 (APPI Arts. 34(2), 17, 20(2), 21; R-ACQ-2, R-ACQ-3, R-PRI-1): what a correction
adds reaches the sources only where acquiring it would be lawful.

Contents a correction adds are acquired through the request. Before, pipolicy recorded
the addition only for the purposes where ``engine.acquire()`` would allow it, but told
the sources to add it all the same: an identifier whose linkage to the person no
notified purpose announces, special care-required data without the person's consent, an
item a purpose lists only as optional that the person never chose. The sources then held
what the business may not acquire. Now such contents are not sent to the sources; the
answer says why, and how the person can give them (with consent; choosing a purpose).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.factories import bilingual_head, toml_data
from tests.requests.support import REF, T0, FlakySource, passport, verified

K = pp.RequestKind
PHONE = "03-1234-5678"
LANGS = ["en", "ja"]

SHOP = (
    bilingual_head("shop-1")
    + """
[items.name]
title = { ja = "氏名", en = "Name" }
[items.email]
title = { ja = "メールアドレス", en = "E-mail address" }
[items.phone]
title = { ja = "電話番号", en = "Phone number" }
[items.birthday]
title = { ja = "生年月日", en = "Birthday" }
[items.cookie_id]
title = { ja = "クッキーID", en = "Cookie ID" }
identifies = false
[items.medical_history]
title = { ja = "病歴", en = "Medical history" }
special_care = true
[purposes.service]
title = { ja = "商品の配送のため", en = "To deliver orders" }
items = ["name", "email", "phone", "cookie_id"]
optional_items = ["birthday"]
[purposes.health]
title = { ja = "アレルギーのご相談のため", en = "To advise on allergies" }
items = ["name", "medical_history"]
consent = "at_collection"
[requests]
window = { ja = "privacy@example.jp", en = "privacy@example.jp" }
"""
)


def _shop() -> tuple[pp.Engine, pp.FixedClock, MemorySource, pp.Subject]:
    """A customer whose name and e-mail address were collected on the web for delivery;
    no purpose announces linking the cookie id to them (R-PRI-1)."""
    clock = pp.FixedClock(T0)
    engine = pp.Engine(pp.policy_from_dict(toml_data(SHOP)), clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject(REF)
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    crm.put(REF, {"name": "Hanako Yamada", "email": "hanako@example.jp"})
    return engine, clock, crm, s


def _correction(
    engine: pp.Engine, s: pp.Subject, changes: dict[str, object], lang: str = "en"
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


def _acquired(engine: pp.Engine, s: pp.Subject, item: str) -> list[pp.Acquisition]:
    return [a for a in engine.acquisitions(s) if item in a.items]


def _may_acquire(engine: pp.Engine, s: pp.Subject, item: str, purpose: str) -> bool:
    return engine.check_acquisition(s, items={item}, purposes={purpose}, channel="mail").allowed


# -- an identifier whose linkage no notified purpose announces -------------------------


@pytest.mark.parametrize(
    ("lang", "title", "notice"), [("en", "Cookie ID", "notified"), ("ja", "クッキーID", "通知")]
)
def test_r_req_6_an_identifier_whose_linkage_is_not_notified_is_not_sent_to_the_sources(
    lang: str, title: str, notice: str
) -> None:
    engine, _, crm, s = _shop()
    assert not _may_acquire(engine, s, "cookie_id", "service")

    answer = _correction(engine, s, {"cookie_id": "c-123"}, lang)

    assert "cookie_id" not in crm.get(REF)
    assert not _acquired(engine, s, "cookie_id")
    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    assert title in answer.statement and notice in answer.statement
    # Not "needed by none of the purposes": the service lists it; the linkage is the bar.
    assert "needed by none" not in answer.statement
    assert "必要のないもの" not in answer.statement


# -- special care-required data without the person's consent (Art. 20(2)) ------------


@pytest.mark.parametrize(
    ("lang", "consent", "purpose"),
    [("en", "consent", "To advise on allergies"), ("ja", "同意", "アレルギーのご相談のため")],
)
def test_r_req_6_special_care_data_without_consent_is_not_sent_and_the_answer_says_how(
    lang: str, consent: str, purpose: str
) -> None:
    engine, clock, crm, s = _shop()
    engine.grant_consent(s, purpose="health")
    engine.acquire(s, items={"name"}, purposes={"health"}, channel="web")
    engine.withdraw_consent(s, purpose="health")
    clock.advance(timedelta(days=1))
    assert not _may_acquire(engine, s, "medical_history", "health")

    answer = _correction(engine, s, {"medical_history": "pollen", "phone": PHONE}, lang)

    assert "medical_history" not in crm.get(REF)
    assert not _acquired(engine, s, "medical_history")
    # What may be acquired is added, and recorded.
    assert crm.get(REF)["phone"] == PHONE
    assert [a.purposes for a in _acquired(engine, s, "phone")] == [{"service"}]
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.changes == {"medical_history": "beyond_purposes", "phone": "added"}
    assert consent in answer.statement and purpose in answer.statement


def test_r_req_6_special_care_data_with_consent_is_added_and_recorded() -> None:
    """The bar is the missing consent, not the kind of data."""
    engine, clock, crm, s = _shop()
    engine.grant_consent(s, purpose="health")
    engine.acquire(s, items={"name"}, purposes={"health"}, channel="web")
    clock.advance(timedelta(days=1))

    answer = _correction(engine, s, {"medical_history": "pollen"})

    assert answer.changes == {"medical_history": "added"}
    assert crm.get(REF)["medical_history"] == "pollen"
    assert [a.purposes for a in _acquired(engine, s, "medical_history")] == [{"health"}]


# -- an item only optional, which the person never chose (R-ACQ-2) --------------------


@pytest.mark.parametrize(("lang", "optional"), [("en", "optional"), ("ja", "任意")])
def test_r_req_6_an_optional_item_the_person_never_chose_is_not_sent_to_the_sources(
    lang: str, optional: str
) -> None:
    engine, _, crm, s = _shop()

    answer = _correction(engine, s, {"birthday": "1990-01-01", "email": "h@example.jp"}, lang)

    assert "birthday" not in crm.get(REF)
    assert crm.get(REF)["email"] == "h@example.jp"
    assert not _acquired(engine, s, "birthday")
    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.changes == {"birthday": "beyond_purposes", "email": "corrected"}
    assert optional in answer.statement


def test_r_req_6_an_optional_item_a_source_holds_already_is_corrected() -> None:
    """Correcting what a source holds acquires nothing: the bar is on adding."""
    engine, _, crm, s = _shop()
    crm.put(REF, {"birthday": "1990-01-02"})

    answer = _correction(engine, s, {"birthday": "1990-01-01"})

    assert answer.changes == {"birthday": "corrected"}
    assert crm.get(REF)["birthday"] == "1990-01-01"


# -- given anew: how ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "consent", "purpose"),
    [("en", "consent", "To advise on allergies"), ("ja", "同意", "アレルギーのご相談のため")],
)
def test_r_req_6_a_deleted_item_given_anew_needs_consent_and_the_answer_says_so(
    lang: str, consent: str, purpose: str
) -> None:
    """An item a deletion erased is not added back (R-REQ-7): the answer tells the person
    to give it anew; where acquiring it needs a consent given since, it says so."""
    engine, clock, crm, s = _shop()
    engine.grant_consent(s, purpose="health")
    engine.acquire(s, items={"name", "medical_history"}, purposes={"health"}, channel="web")
    crm.put(REF, {"medical_history": "pollen"})
    d = verified(engine, K.DELETION, s, details={"items": ["medical_history"]})
    engine.requests.fulfil(d.id)
    clock.advance(timedelta(days=1))
    assert not _may_acquire(engine, s, "medical_history", "health")

    answer = _correction(engine, s, {"medical_history": "dust"}, lang)

    assert "medical_history" not in crm.get(REF)
    assert d.id in answer.statement
    assert consent in answer.statement and purpose in answer.statement


def test_r_req_6_a_deleted_item_free_to_give_anew_is_told_without_conditions() -> None:
    engine, clock, crm, s = _shop()
    engine.acquire(s, items={"phone"}, purposes={"service"}, channel="web")
    crm.put(REF, {"phone": PHONE})
    d = verified(engine, K.DELETION, s, details={"items": ["phone"]})
    engine.requests.fulfil(d.id)
    clock.advance(timedelta(days=1))

    answer = _correction(engine, s, {"phone": "03-9999-9999"})

    assert "phone" not in crm.get(REF)
    assert "anew" in answer.statement
    assert "consent" not in answer.statement and "optional" not in answer.statement


# -- held by one source, not by another: corrected where held, never added elsewhere ----


def _two_sources(
    legacy: dict[str, object],
) -> tuple[pp.Engine, MemorySource, MemorySource, pp.Subject]:
    """A customer as in :func:`_shop`, kept in two sources: the CRM also holds ``legacy``,
    of which pipolicy has no record (a migration); the web shop does not."""
    engine, _, crm, s = _shop()
    web = MemorySource({REF: {"name": "Hanako Yamada", "email": "hanako@example.jp"}})
    engine.register_source("web", web)
    crm.put(REF, legacy)
    return engine, crm, web, s


@pytest.mark.parametrize(
    ("lang", "consent", "purpose", "elsewhere"),
    [
        ("en", "consent", "To advise on allergies", "other records"),
        ("ja", "同意", "アレルギーのご相談のため", "その他の記録"),
    ],
)
def test_r_req_6_special_care_data_one_source_holds_is_not_added_to_another(
    lang: str, consent: str, purpose: str, elsewhere: str
) -> None:
    engine, crm, web, s = _two_sources({"medical_history": "dust"})
    assert not _may_acquire(engine, s, "medical_history", "health")

    answer = _correction(engine, s, {"medical_history": "pollen"}, lang)

    assert crm.get(REF)["medical_history"] == "pollen"
    assert "medical_history" not in web.get(REF)
    assert not _acquired(engine, s, "medical_history")
    assert answer.changes == {"medical_history": "corrected"}
    # The record says per source what was done: the web shop was asked nothing.
    assert {o.source: dict(o.items) for o in answer.sources} == {
        "crm": {"medical_history": "corrected"}
    }
    outcome = engine.requests.get(answer.request_id).details["outcome"]
    assert outcome["not_added"] == {"medical_history": ["web"]}  # type: ignore[index]
    # Where it was corrected, that it was not added elsewhere, and how to give it.
    assert elsewhere in answer.statement
    assert consent in answer.statement and purpose in answer.statement


@pytest.mark.parametrize(("lang", "notice"), [("en", "notified"), ("ja", "通知")])
def test_r_req_6_an_identifier_one_source_holds_is_not_linked_in_another(
    lang: str, notice: str
) -> None:
    engine, crm, web, s = _two_sources({"cookie_id": "c-123"})

    answer = _correction(engine, s, {"cookie_id": "c-999", "phone": PHONE}, lang)

    assert crm.get(REF)["cookie_id"] == "c-999"
    assert "cookie_id" not in web.get(REF)
    assert not _acquired(engine, s, "cookie_id")
    # A lawful addition still reaches every source, and is recorded once, as before.
    assert crm.get(REF)["phone"] == PHONE and web.get(REF)["phone"] == PHONE
    assert [a.purposes for a in _acquired(engine, s, "phone")] == [{"service"}]
    assert answer.changes == {"cookie_id": "corrected", "phone": "added"}
    assert {o.source: dict(o.items) for o in answer.sources} == {
        "crm": {"cookie_id": "corrected", "phone": "added"},
        "web": {"phone": "added"},
    }
    assert notice in answer.statement


def test_r_req_6_an_item_every_source_holds_is_corrected_everywhere() -> None:
    engine, crm, web, s = _two_sources({"medical_history": "dust"})
    web.put(REF, {"medical_history": "dust"})

    answer = _correction(engine, s, {"medical_history": "pollen"})

    assert crm.get(REF)["medical_history"] == web.get(REF)["medical_history"] == "pollen"
    assert answer.state is pp.RequestState.FULFILLED
    assert answer.changes == {"medical_history": "corrected"}
    assert "consent" not in answer.statement


def test_r_req_6_a_retried_correction_still_adds_nothing_to_the_source_lacking_it() -> None:
    engine, _, crm, s = _shop()
    crm.put(REF, {"medical_history": "dust"})
    web = FlakySource({REF: {"name": "Hanako Yamada"}})
    web.fails = frozenset({"correct"})
    engine.register_source("web", web)
    r = engine.requests.submit(
        K.CORRECTION,
        subject=s,
        documents=[passport()],
        details={"changes": {"medical_history": "pollen", "phone": PHONE}},
    )
    engine.requests.verify(r.id)
    with pytest.raises(pp.SourceFailed):
        engine.requests.fulfil(r.id)
    web.failing = False

    answer = engine.requests.fulfil(r.id)

    assert "medical_history" not in web.get(REF) and web.get(REF)["phone"] == PHONE
    assert crm.get(REF)["medical_history"] == "pollen"
    assert answer.changes == {"medical_history": "corrected", "phone": "added"}
