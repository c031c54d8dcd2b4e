"""Receipt of personal data from another business (R-ACQ-4; Arts. 30(1), 30(3); PPC
Rules Art. 24).

Art. 30(1)(i) has the recipient confirm the provider's name and address "and, for a
corporation, the name of its representative" (for an association without legal
personality that has one, its representative or manager: Art. 27(2)(i)'s
parenthetical). A sole trader has none, so ``provider_kind="individual"`` receives from
one without it; a provider of unknown kind still needs it (fail closed).

PPC Rules Art. 24(1) adds to the record of receipt, by how the provider provided the
data: on the person's consent (Art. 27(1), 28(1)) "that the person's consent was
obtained"; by opt-out (Art. 27(2)) "that it is published under Art. 27(4)" (the PPC
published the provider's filing); personally referable information acquired as
personal data (Art. 31(1)) "that the person's consent under Art. 31(1)(i) was
obtained", with the provider's name, address and representative but not how it
obtained the data. ``provider_basis`` records which.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs
import pytest

import pipolicy as pp
from tests.factories import JST, make_engine, make_policy

T = datetime(2026, 4, 1, 9, 0, tzinfo=JST)

RECEIVED: dict[str, Any] = {
    "items": {"email"},
    "purposes": {"newsletter"},
    "channel": "provided_by_business",
}
SOLE_TRADER: dict[str, Any] = {
    "source": "Hanako Yamada (Yamada Flowers)",
    "provider_kind": "individual",
    "provider_address": "2-3-4 Setagaya, Tokyo",
    "provider_obtained_by": "her shop's customer cards",
    "provider_basis": "consent",
}
COMPANY: dict[str, Any] = {
    "source": "List Co.",
    "provider_kind": "corporation",
    "provider_address": "1-2 Chiyoda, Tokyo",
    "provider_representative": "Jiro List, Representative Director",
    "provider_obtained_by": "its own sign-up form",
    "provider_basis": "consent",
}


def _person(engine: pp.Engine, ref: str = "r1") -> pp.Subject:
    return engine.register_subject(ref, category="customer")


def _event(engine: pp.Engine, kind: str = "acquisition.recorded") -> pp.AuditEvent:
    return [e for e in engine.audit_events() if e.kind == kind][-1]


# -- A: a sole trader has no representative (Art. 30(1)(i)) ----------------------------


def test_r_acq_4_a_sole_trader_is_received_from_without_a_representative() -> None:
    engine, _ = make_engine()
    s = _person(engine)
    assert engine.check_acquisition(s, **RECEIVED, **SOLE_TRADER).allowed
    acq = engine.acquire(s, **RECEIVED, **SOLE_TRADER)
    assert acq.provider_kind is pp.EntityKind.INDIVIDUAL
    assert acq.provider_representative is None
    assert engine.acquisitions(s) == (acq,)
    # The record of receipt says the provider is an individual, not that a detail is lost.
    payload = _event(engine).payload
    assert payload["provider_kind"] == "individual"
    assert payload["provider_representative"] is None


def test_r_acq_4_a_provider_of_unknown_kind_still_needs_its_representative() -> None:
    """Fail closed: without ``provider_kind`` the representative is required, as before,
    and so it is for a corporation and for an association."""
    engine, _ = make_engine()
    s = _person(engine)
    unknown = {k: v for k, v in SOLE_TRADER.items() if k != "provider_kind"}
    for given in (unknown, {**unknown, "provider_kind": "corporation"}):
        d = engine.check_acquisition(s, **RECEIVED, **given)
        assert not d.allowed and [r.key for r in d.why] == ["provider_unconfirmed"]
        assert "APPI Art. 30(1)" in d.citations
        with pytest.raises(pp.AcquisitionDenied):
            engine.acquire(s, **RECEIVED, **given)
    association = {**unknown, "provider_kind": pp.EntityKind.ASSOCIATION}
    assert not engine.check_acquisition(s, **RECEIVED, **association).allowed
    assert engine.acquisitions(s) == ()


def test_r_acq_4_a_corporation_and_an_association_are_recorded_as_such() -> None:
    engine, _ = make_engine()
    s = _person(engine)
    company = engine.acquire(s, **RECEIVED, **COMPANY)
    assert company.provider_kind is pp.EntityKind.CORPORATION
    assert company.provider_representative == "Jiro List, Representative Director"
    society = engine.acquire(
        s,
        **RECEIVED,
        **{**COMPANY, "source": "Kanda Residents' Society", "provider_kind": "association"},
    )
    assert society.provider_kind is pp.EntityKind.ASSOCIATION
    # Without a kind, nothing is claimed about the provider (records made before it too).
    unknown = engine.acquire(
        s, **RECEIVED, **{k: v for k, v in COMPANY.items() if k != "provider_kind"}
    )
    assert unknown.provider_kind is None
    assert "provider_kind" not in _event(engine).payload


def test_r_acq_4_an_individual_has_no_representative_to_confirm() -> None:
    """A representative given for an individual contradicts the kind: the caller is
    told, nothing is recorded."""
    engine, _ = make_engine()
    s = _person(engine)
    contradictory = {**SOLE_TRADER, "provider_representative": "Hanako Yamada"}
    for call in (engine.check_acquisition, engine.acquire):
        with pytest.raises(pp.InvalidInput, match=r"individual.*no representative"):
            call(s, **RECEIVED, **contradictory)
    assert engine.acquisitions(s) == ()


def test_r_acq_4_an_unknown_provider_kind_is_an_input_error() -> None:
    engine, _ = make_engine()
    s = _person(engine)
    with pytest.raises(pp.InvalidInput, match=r"provider_kind.*corporation"):
        engine.acquire(s, **RECEIVED, **{**SOLE_TRADER, "provider_kind": "sole_trader"})
    with pytest.raises(pp.InvalidInput, match="provider_kind"):
        engine.check_acquisition(s, **RECEIVED, **{**SOLE_TRADER, "provider_kind": True})


@pytest.mark.parametrize("field", ["provider_kind", "provider_basis"])
def test_r_acq_4_the_provider_s_kind_and_basis_are_for_data_from_another_business(
    field: str,
) -> None:
    """Data the person hands over on a web form has no provider: saying it had one is a
    mistake in the call, not something to record."""
    engine, _ = make_engine()
    s = _person(engine)
    given: dict[str, Any] = {field: {"provider_kind": "individual"}.get(field, "consent")}
    with pytest.raises(pp.InvalidInput, match=f"{field}.*provided_by_business"):
        engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web", **given)
    # A check that does not say the channel takes them, and judges them as a receipt's:
    # a basis of receipt without the provider confirmed is refused (fail closed).
    d = engine.check_acquisition(s, items={"email"}, purposes={"newsletter"}, **given)
    assert d.allowed is (field == "provider_kind")
    if field == "provider_basis":
        assert "R-ACQ-4" in d.rules


# -- B: what PPC Rules Art. 24(1) adds to the record of receipt -------------------------


def test_r_acq_4_a_receipt_on_consent_records_that_the_person_consented() -> None:
    """Rules Art. 24(1)(ii)(a): "that the person's consent under Art. 27(1) or 28(1)
    was obtained"."""
    engine, _ = make_engine()
    s = _person(engine)
    acq = engine.acquire(s, **RECEIVED, **COMPANY)
    assert acq.provider_basis is pp.ReceiptBasis.CONSENT
    assert not acq.received_by_opt_out
    assert _event(engine).payload["provider_basis"] == "consent"


def test_r_acq_4_a_receipt_without_its_basis_is_recorded_as_before() -> None:
    """Nothing is assumed: the basis is recorded only when the caller gives it, and the
    event then has no key for it (events stay as they were)."""
    engine, _ = make_engine()
    s = _person(engine)
    given = {k: v for k, v in COMPANY.items() if k != "provider_basis"}
    acq = engine.acquire(s, **RECEIVED, **given)
    assert acq.provider_basis is None
    assert "provider_basis" not in _event(engine).payload


def test_r_acq_4_an_unknown_basis_is_an_input_error() -> None:
    engine, _ = make_engine()
    s = _person(engine)
    with pytest.raises(pp.InvalidInput, match=r"provider_basis.*opt_out"):
        engine.acquire(s, **RECEIVED, **{**COMPANY, "provider_basis": "contract"})
    assert engine.acquisitions(s) == ()


def _opt_out_policy() -> pp.Policy:
    base = make_policy()
    broker = pp.Recipient(
        "list_broker",
        purposes={"service"},
        items={"name", "address"},
        address="2-2 Otemachi, Chiyoda-ku, Tokyo",
        representative="Ken List, President",
        opt_out=pp.OptOut(
            items={"name", "address"},
            method="a form on the website",
            notified=date(2026, 3, 1),
            filed=date(2026, 3, 10),
            waiting="7 days",
            acquired_by="from the sign-up form",
            provided_by="as an electronic file",
            updated_by="monthly, from the member records",
        ),
    )
    return make_policy(recipients={**base.recipients, "list_broker": broker})


def test_r_tpp_8_a_receipt_by_opt_out_records_the_publication_and_is_never_provided_by_opt_out() -> (
    None
):
    """Rules Art. 24(1)(i)(e): "that it is published under Art. 27(4)", the PPC's
    publication of the provider's filing. And what was received by opt-out is never
    provided by opt-out again (Art. 27(2) proviso), whatever the provider says of how it
    obtained the data (Art. 30(1)(ii))."""
    engine, _ = make_engine(_opt_out_policy(), at=T)
    s = _person(engine)
    acq = engine.acquire(
        s,
        items={"name", "address"},
        purposes={"service"},
        channel="provided_by_business",
        source="Meibo K.K.",
        provider_kind="corporation",
        provider_address="1-1 Chiyoda, Tokyo",
        provider_representative="Taro Meibo, President",
        provider_obtained_by="a residents' directory it compiled",
        provider_basis=pp.ReceiptBasis.OPT_OUT,
    )
    assert acq.provider_basis is pp.ReceiptBasis.OPT_OUT and acq.received_by_opt_out
    assert _event(engine).payload["provider_basis"] == "opt_out"
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert not d.allowed and [r.key for r in d.why] == ["opt_out_received"]


def test_r_tpp_8_the_older_opt_out_mark_still_counts_and_cannot_be_contradicted() -> None:
    """``provider_obtained_by="opt_out"`` marked a receipt by opt-out before
    ``provider_basis``: it still does, and a basis saying otherwise is refused."""
    engine, _ = make_engine(_opt_out_policy(), at=T)
    s = _person(engine)
    older = {
        **COMPANY,
        "items": {"name"},
        "purposes": {"service"},
        "channel": "provided_by_business",
        "provider_obtained_by": "opt_out",
    }
    with pytest.raises(pp.InvalidInput, match="contradicts provider_obtained_by='opt_out'"):
        engine.acquire(s, **older)
    older.pop("provider_basis")
    acq = engine.acquire(s, **older)
    assert acq.received_by_opt_out and acq.provider_basis is None
    d = engine.check_provision(s, recipient="list_broker", items={"name"}, purpose="service")
    assert not d.allowed


def test_r_acq_4_personally_referable_information_records_the_persons_consent() -> None:
    """Rules Art. 24(1)(iii): personally referable information acquired as personal data
    (Art. 31(1)) is recorded with "that the person's consent under Art. 31(1)(i) was
    obtained" and the provider's name, address and representative (Art. 30(1)(i)): how
    the provider obtained it is no item of that record, so it is not required."""
    engine, _ = make_engine()
    s = _person(engine)
    referable = {
        **{k: v for k, v in COMPANY.items() if k != "provider_obtained_by"},
        "provider_basis": "personally_referable",
    }
    # The person's consent to its being acquired as personal data is on file (31(1)(i)).
    engine.grant_consent(s, purpose="analytics")
    acq = engine.acquire(
        s, items={"cookie_id"}, purposes={"analytics"}, channel="provided_by_business", **referable
    )
    assert acq.provider_basis is pp.ReceiptBasis.PERSONALLY_REFERABLE
    assert acq.provider_obtained_by is None
    # The provider's name, address and representative are still confirmed.
    missing = {k: v for k, v in referable.items() if k != "provider_address"}
    d = engine.check_acquisition(
        s, items={"cookie_id"}, purposes={"analytics"}, channel="provided_by_business", **missing
    )
    assert not d.allowed and "R-ACQ-4" in d.rules
    # Personal data on consent still needs how the provider obtained it (Art. 30(1)(ii)).
    consent = {k: v for k, v in COMPANY.items() if k != "provider_obtained_by"}
    assert not engine.check_acquisition(s, **RECEIVED, **consent).allowed


# -- the record, as the person is shown it (Arts. 30(3), 33(5)) -------------------------


def _verified_records_request(engine: pp.Engine, s: pp.Subject, lang: str) -> pp.Request:
    r = engine.requests.submit(
        pp.RequestKind.PROVISION_RECORDS,
        subject=s,
        documents=[pp.Document(pp.DocumentKind.PASSPORT, date(2025, 1, 1), date(2035, 1, 1))],
        language=lang,
    )
    return engine.requests.verify(r.id)


def test_r_req_5_a_record_of_receipt_shows_the_provider_s_kind_and_the_art_24_note() -> None:
    engine, _ = make_engine()
    s = _person(engine)
    trader = engine.acquire(s, **RECEIVED, **SOLE_TRADER)
    company = engine.acquire(
        s,
        **{**RECEIVED, "items": {"name"}, "purposes": {"service"}},
        **{**COMPANY, "provider_basis": "opt_out"},
    )
    answer = engine.requests.fulfil(_verified_records_request(engine, s, "en").id)
    assert answer.report is not None
    records = {r["record_id"]: r for r in answer.report["receipt_records"]}
    assert records[trader.id]["provider_kind"] == "individual"
    assert records[trader.id]["provider_representative"] is None
    assert records[trader.id]["provider_basis"] == "consent"
    assert records[company.id]["provider_kind"] == "corporation"
    assert records[company.id]["provider_basis"] == "opt_out"
    letter = answer.to_markdown()
    # An individual has no representative: the letter does not call one missing.
    assert "representative not recorded" not in letter
    assert "your consent" in letter
    assert "Personal Information Protection Commission" in letter  # Art. 27(4)


def test_r_acq_4_the_record_on_consent_says_the_provider_obtained_the_consent() -> None:
    """PPC Rules Art. 24(1)(ii)(a): the note is that the person consented to the
    provision, which the provider obtained; the letter does not say the recipient did."""
    engine, _ = make_engine()
    s = _person(engine)
    engine.acquire(s, **RECEIVED, **COMPANY)
    letter = engine.requests.fulfil(_verified_records_request(engine, s, "en").id).to_markdown()
    assert "the provider obtained your consent to providing it to us" in letter
    assert "your consent was obtained" not in letter


def test_r_req_5_the_japanese_letter_shows_the_art_24_note() -> None:
    engine, _ = make_engine(make_policy(languages=("ja",)))
    s = _person(engine)
    engine.acquire(s, **RECEIVED, **SOLE_TRADER)
    engine.acquire(
        s,
        **{**RECEIVED, "items": {"name"}, "purposes": {"service"}},
        **{**COMPANY, "provider_basis": "opt_out"},
    )
    answer = engine.requests.fulfil(_verified_records_request(engine, s, "ja").id)
    letter = answer.to_markdown()
    assert "代表者の記録なし" not in letter
    assert "本人の同意を得ています" in letter
    assert "個人情報保護委員会により公表されています" in letter


def test_r_req_5_a_receipt_recorded_without_the_note_says_it_is_not_recorded() -> None:
    engine, _ = make_engine()
    s = _person(engine)
    engine.acquire(s, **RECEIVED, **{k: v for k, v in COMPANY.items() if k != "provider_basis"})
    answer = engine.requests.fulfil(_verified_records_request(engine, s, "en").id)
    assert answer.report is not None
    [record] = answer.report["receipt_records"]
    assert record["provider_basis"] is None and record["provider_kind"] == "corporation"
    assert "basis not recorded" in answer.to_markdown()


def test_r_req_5_a_letter_rebuilt_from_an_answer_stored_before_the_note_shows_a_dash() -> None:
    """An answer stored before the basis was recorded has no key for it: its letter,
    rebuilt, says nothing of a basis rather than "not recorded" of what it never held."""
    engine, _ = make_engine()
    s = _person(engine)
    engine.acquire(s, **RECEIVED, **COMPANY)
    answer = engine.requests.fulfil(_verified_records_request(engine, s, "en").id)
    assert answer.report is not None
    older = [
        {k: v for k, v in r.items() if k not in ("provider_kind", "provider_basis")}
        for r in answer.report["receipt_records"]
    ]
    letter = attrs.evolve(answer, report={**answer.report, "receipt_records": older}).to_markdown()
    assert "basis not recorded" not in letter and "your consent was obtained" not in letter
    assert "Jiro List, Representative Director" in letter


def test_r_req_5_an_individual_s_receipt_sends_no_one_looking_for_a_representative() -> None:
    """A receipt recorded before revision 0011 is missing its representative, which the
    answer then reads from the receipt's event; an individual's never had one."""
    from pipolicy.requests.disclosure import representatives_missing

    engine, _ = make_engine()
    s = _person(engine)
    trader = engine.acquire(s, **RECEIVED, **SOLE_TRADER)
    assert not representatives_missing([trader])
    unknown = engine.acquire(s, **RECEIVED, **{**COMPANY, "provider_kind": None})
    assert representatives_missing([attrs.evolve(unknown, provider_representative=None)])


def test_r_acq_4_special_care_data_a_business_gives_by_opt_out_is_not_received() -> None:
    """Art. 27(2)'s proviso forbids providing special care-required data by opt-out; a
    business that confirmed on receipt that the data comes by opt-out knows it, and
    receiving it is acquisition by improper means (Art. 20(1); PPC General Guidelines
    3-3-1), the person's consent to the purpose notwithstanding."""
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.grant_consent(s, purpose="health")
    receipt: dict[str, Any] = {
        "items": {"name", "medical_history"},
        "purposes": {"health"},
        "channel": "provided_by_business",
        "source": "List Co.",
        "provider_address": "2-2 Otemachi, Tokyo",
        "provider_obtained_by": "its clinic's patient cards",
        "provider_representative": "Ken List, President",
    }
    for by_opt_out in ({"provider_basis": "opt_out"}, {"provider_obtained_by": "opt_out"}):
        d = engine.check_acquisition(s, **{**receipt, **by_opt_out})
        assert not d.allowed
        assert [r.key for r in d.why] == ["provider_opt_out_special"]
        assert "APPI Art. 20(1)" in d.citations
        with pytest.raises(pp.AcquisitionDenied):
            engine.acquire(s, **{**receipt, **by_opt_out})
    # On the person's consent to the provision, it is received.
    assert engine.check_acquisition(s, **receipt, provider_basis="consent").allowed
    # Other items by opt-out are received as before.
    plain = {**receipt, "items": {"name"}, "purposes": {"service"}}
    assert engine.check_acquisition(s, **plain, provider_basis="opt_out").allowed


def test_r_acq_4_identifying_data_is_no_personally_referable_information() -> None:
    """``provider_basis="personally_referable"`` spares the recipient confirming how the
    provider obtained the data (Rules Art. 24(1)(iii)): it fits personally referable
    information only, which identifies no one where it comes from. An e-mail address is
    personal data to the provider too, so saying so would skip the confirmation Art.
    30(1)(ii) asks: it is refused as a contradiction."""
    engine, _ = make_engine(at=T)
    s = _person(engine)
    referable = {
        **{k: v for k, v in COMPANY.items() if k != "provider_obtained_by"},
        "provider_basis": "personally_referable",
    }
    with pytest.raises(pp.InvalidInput, match="identify the person: email"):
        engine.check_acquisition(s, **RECEIVED, **referable)
    with pytest.raises(pp.InvalidInput, match="identify the person: email"):
        engine.acquire(s, **RECEIVED, **referable)
    engine.grant_consent(s, purpose="analytics")  # Art. 31(1)(i)
    assert engine.check_acquisition(
        s, items={"cookie_id"}, purposes={"analytics"}, channel="provided_by_business", **referable
    ).allowed


def test_r_req_5_the_letter_marks_the_individual_not_the_address() -> None:
    """The provider's cell reads name, address, representative; an individual has no
    representative, and "(an individual)" / 「（個人）」 belongs to the name: after the
    address it would describe the address."""
    for lang, marked in (
        ("en", "Hanako Yamada (Yamada Flowers) (an individual); 2-3-4 Setagaya, Tokyo"),
        ("ja", "Hanako Yamada (Yamada Flowers)（個人）／2-3-4 Setagaya, Tokyo"),
    ):
        engine, _ = make_engine(make_policy(languages=(lang,)))
        s = _person(engine)
        engine.acquire(s, **RECEIVED, **SOLE_TRADER)
        letter = engine.requests.fulfil(_verified_records_request(engine, s, lang).id)
        assert marked in letter.to_markdown()


def test_r_pri_1_the_english_record_claims_the_art_31_consent_only_when_on_file() -> None:
    """The English letter says personally referable information was acquired as personal
    data "with your consent" only where a consent was on file; rebuilt from an answer
    stored before that was said, it makes no claim either way."""
    engine, _ = make_engine()
    s = _person(engine)
    referable = {
        **{k: v for k, v in COMPANY.items() if k != "provider_obtained_by"},
        "provider_basis": "personally_referable",
    }
    engine.grant_consent(s, purpose="analytics")
    engine.acquire(
        s, items={"cookie_id"}, purposes={"analytics"}, channel="provided_by_business", **referable
    )
    answer = engine.requests.fulfil(_verified_records_request(engine, s, "en").id)
    assert answer.report is not None
    assert "acquired as personal data with your consent" in answer.to_markdown()
    unsaid = [
        {k: v for k, v in r.items() if k != "consent_on_file"}
        for r in answer.report["receipt_records"]
    ]
    older = attrs.evolve(answer, report={**answer.report, "receipt_records": unsaid})
    letter = older.to_markdown()
    assert "acquired as personal data (APPI Art. 31(1)(i))" in letter
    assert "with your consent" not in letter and "no consent" not in letter
    said_none = [{**r, "consent_on_file": False} for r in unsaid]
    denied = attrs.evolve(answer, report={**answer.report, "receipt_records": said_none})
    assert "no consent of yours to that is on file" in denied.to_markdown()
