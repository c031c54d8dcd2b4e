"""The application's free text in the audit log (R-SEC-3, Arts. 23 and 35; review 91).

The audit log is an append-only hash chain: what goes into an event stays, and when the
person asks for deletion (Art. 35) it cannot be taken out without breaking
``verify_audit``. A few fields take the application's own words and reached event
payloads verbatim: a consent's evidence (``Evidence.method``, ``ref``, ``foreign_info``),
a revocation's ``reason``, an exemption's ``justification``, an acquisition's ``source``
and ``notice``, a bulk import's ``source``, and a complaint's ``topic``, ``reference``
and answer. An e-mail address passed as a complaint's reference (the obvious ticket key)
was logged for good.

The rule chosen: such text is the business's own words or a reference to where the
application keeps the thing, and pipolicy refuses, as it is passed, text that plainly
holds a value reaching a person (an e-mail address, a telephone number, an Individual
Number, a payment card number, a postal code), naming the field, never the value.
Binding a digest instead was not chosen: complaints and reasons have no record outside
the log to hold the text (the digest would lose what the business must read back), the
records are kept as bound, and the log's payloads would change form for readers of old
events. Events already written are read and verified as they were: only input is
screened. Reprs leave the application's references out.
"""

from __future__ import annotations

from datetime import datetime

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.audit import AuditEntry
from pipolicy.domain.screening import PersonalDataWithheld, personal_data_in
from pipolicy.importing import RowRefused
from tests.factories import JST, make_engine

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=JST)

# Each is personal data a person can be reached or identified by; none may enter the log.
PERSONAL = {
    "an e-mail address": [
        "taro.yamada@example.com",
        "返信先 山田＠example.co.jp",  # full-width at sign
    ],
    "a telephone number": [
        "03-1234-5678",
        "(03) 1234-5678",
        "09012345678",
        "電話０９０－１２３４－５６７８まで",  # full-width digits and dashes, in Japanese
        "+81 90 1234 5678",
        "TEL:0312345678",
    ],
    "an Individual Number": ["1234 5678 9018", "my number 123456789018"],
    "a payment card number": ["4111 1111 1111 1111", "card 4111-1111-1111-1111"],
    "a postal code": ["〒100-0001 東京都千代田区"],
}

# References and statements a business writes: none may be refused.
REFERENCES = [
    "signup-form-v3",
    "notice-foreign-v2",
    "court order (Wa) 2026-123",
    "CMP-2026-0042",
    "TICKET-2026-0412",
    "2026-04-01 10:00",
    "recorded in error on 2026-04-01",
    "123e4567-e89b-12d3-a456-426614174000",  # a UUID
    "0000012345",  # a zero-padded ticket number
    "4111111111111112",  # sixteen digits failing the Luhn check
    "123456789012",  # twelve digits failing the Individual Number's check digit
    "20260401-0006",  # a dated ticket: twelve digits that pass that check, not grouped 4-4-4
    "policy@v2.1",
    "本人確認書類の不備のため",
    "",
]


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in PERSONAL.items() for t in texts])
def test_r_sec_3_the_screen_recognises_personal_data(kind: str, text: str) -> None:
    """Each form people write these values in, full-width and inside Japanese included."""
    assert personal_data_in(text) == kind


@pytest.mark.parametrize("text", REFERENCES)
def test_r_sec_3_the_screen_passes_references_and_statements(text: str) -> None:
    """Ids, dates, versions and numbers that fail their check digit are not refused."""
    assert personal_data_in(text) is None


def _refused(call: object, field: str, secret: str) -> None:
    """``call`` raises InvalidInput naming ``field`` without repeating ``secret``."""
    with pytest.raises(pp.InvalidInput) as e:
        call()  # type: ignore[operator]
    assert field in str(e.value)
    assert secret not in str(e.value)


def _logged(engine: pp.Engine, secret: str) -> bool:
    return any(secret in e.entry.payload_json() for e in engine.audit_events())


SECRET = "taro.yamada@example.com"


def test_r_cmp_1_a_complaint_reference_topic_or_answer_holding_personal_data_is_refused() -> None:
    """Complaints live only in the log: an e-mail address given as the ticket reference
    (or a telephone number in the topic or the answer) would stay there for good."""
    engine, _ = make_engine(at=NOW)
    log = engine.complaints
    _refused(
        lambda: log.receive("complaint", channel="email", topic="newsletter", reference=SECRET),
        "reference",
        SECRET,
    )
    _refused(
        lambda: log.receive("inquiry", channel="telephone", topic="call back 090-1234-5678"),
        "topic",
        "090-1234-5678",
    )
    c = log.receive("inquiry", channel="email", topic="newsletter", reference="TICKET-7")
    _refused(lambda: log.answer(c.id, f"replied to {SECRET}"), "summary", SECRET)
    assert log.get(c.id).open  # the refused answer was not recorded
    assert not _logged(engine, SECRET) and engine.verify_audit().ok


def test_r_con_1_a_revocation_reason_holding_personal_data_is_withheld() -> None:
    """The reason is kept only in the ``consent.revoked`` event. A revocation ends the
    consent whatever its reason says (review 101): the text is withheld, not logged."""
    engine, _ = make_engine(at=NOW)
    s = engine.register_subject("u-1", category="customer")
    c = engine.grant_consent(s, purpose="signup")
    with pytest.warns(PersonalDataWithheld, match="reason") as caught:
        engine.revoke_consent(s, consent_id=c.id, reason=f"asked by {SECRET}")
    assert SECRET not in str(caught[0].message)
    assert engine.consent(c.id).status is pp.ConsentStatus.REVOKED
    assert not _logged(engine, SECRET)


@pytest.mark.parametrize("field", ["method", "ref", "foreign_info"])
def test_r_con_1_evidence_holding_personal_data_is_refused_on_grant_withheld_on_a_no(
    field: str,
) -> None:
    """Evidence goes into every consent event: a grant refuses it; a refusal and a
    withdrawal, a no that must never be lost, record it withheld (review 101)."""
    engine, _ = make_engine(at=NOW)
    s = engine.register_subject("u-1", category="customer")
    bad = pp.Evidence(**{"method": "web-form", field: SECRET})
    _refused(lambda: engine.grant_consent(s, purpose="signup", evidence=bad), field, SECRET)
    with pytest.warns(PersonalDataWithheld, match=field):
        engine.refuse_consent(s, purpose="health", evidence=bad)
    engine.grant_consent(s, purpose="signup")
    with pytest.warns(PersonalDataWithheld, match=field):
        engine.withdraw_consent(s, purpose="signup", evidence=bad)
    assert not _logged(engine, SECRET)


def test_r_con_1_imported_evidence_and_an_import_source_holding_personal_data_are_refused() -> None:
    """An import writes the same events: its rows' evidence and its ``source`` too."""
    engine, _ = make_engine(at=NOW)
    row = pp.ConsentImport(
        "u-1", purpose="signup", category="customer", evidence=pp.Evidence("paper", SECRET)
    )
    _refused(lambda: engine.import_consents([row]), "evidence.ref", SECRET)
    good = pp.ConsentImport("u-1", purpose="signup", category="customer")
    shared = pp.Evidence("paper", "form-v3")
    rows = [attrs.evolve(good, evidence=shared), attrs.evolve(good, ref="u-2", evidence=shared)]
    with pytest.raises(RowRefused) as e:  # evidence screened once per import is not a pass
        engine.import_consents([*rows, attrs.evolve(row, ref="u-3")])
    assert e.value.row == 3 and SECRET not in str(e.value)
    _refused(lambda: engine.import_consents([good], source=f"from {SECRET}"), "source", SECRET)
    assert not _logged(engine, SECRET)
    assert engine.import_consents([good], source="crm-export-2026-12").recorded == 1


def test_r_use_1_a_justification_holding_personal_data_is_refused() -> None:
    """An exemption's justification goes into the use or provision event (and record)."""
    engine, _ = make_engine(at=NOW)
    s = engine.register_subject("u-1", category="customer")
    _refused(
        lambda: engine.provide(
            s,
            recipient="court",
            items={"name"},
            exemption="laws_and_regulations",
            justification="order served on 03-1234-5678",
        ),
        "justification",
        "03-1234-5678",
    )
    assert not _logged(engine, "03-1234-5678")


def test_r_acq_1_an_acquisition_source_or_notice_holding_personal_data_is_refused() -> None:
    """``source`` and ``notice`` go into the ``acquisition.recorded`` event."""
    engine, _ = make_engine(at=NOW)
    s = engine.register_subject("u-1", category="customer")

    def acquire(source: str = "", notice: str = "") -> object:
        return engine.acquire(
            s, items={"email"}, purposes={"newsletter"}, channel="web", source=source, notice=notice
        )

    _refused(lambda: acquire(source=f"form by {SECRET}"), "source", SECRET)
    _refused(lambda: acquire(notice=f"sent to {SECRET}"), "notice", SECRET)
    acquire(source="signup-form", notice="notice-v3")
    assert not _logged(engine, SECRET)


def test_r_sec_3_events_written_before_the_screen_still_load_and_verify() -> None:
    """Only input is screened: an event that already holds such text is read back (a
    complaint's reference) and verifies, so no store becomes unreadable."""
    engine, _ = make_engine(at=NOW)
    payload = {
        "complaint_id": "c-old",
        "kind": "complaint",
        "channel": "email",
        "received_at": NOW.isoformat(),
        "due": NOW.isoformat(),
        "topic": "newsletter",
        "reference": SECRET,
    }
    engine._run(
        lambda uow: uow.audit.append(AuditEntry.of(NOW, "complaint.received", None, payload))
    )
    assert engine.complaints.get("c-old").reference == SECRET
    assert engine.verify_audit().ok


def test_r_sec_3_reprs_leave_the_applications_text_out() -> None:
    """A repr reaches logs and tracebacks: references, topics, answers, a provider's
    address and representative are left out of Evidence, Consent, Complaint and
    Acquisition reprs (the attributes still hold them)."""
    engine, _ = make_engine(at=NOW)
    s = engine.register_subject("u-1", category="customer")
    ev = pp.Evidence("web-form", "form-submission-8812", foreign_info="notice-foreign-v2")
    c = engine.grant_consent(s, purpose="signup", evidence=ev)
    for shown in (repr(ev), repr(c)):
        assert "form-submission-8812" not in shown and "notice-foreign-v2" not in shown
        assert "web-form" in shown  # how it was given still shows
    complaint = engine.complaints.receive(
        "complaint", channel="email", topic="newsletter kept coming", reference="TICKET-7"
    )
    answered = engine.complaints.answer(complaint.id, "stopped the newsletter")
    for hidden in ("newsletter kept coming", "TICKET-7", "stopped the newsletter"):
        assert hidden not in repr(answered)
    assert complaint.id in repr(answered)
    acq = Acquisition(
        "a-1",
        s.id,
        frozenset({"email"}),
        frozenset({"service"}),
        Channel.PROVIDED_BY_BUSINESS,
        "Yamada Shoten",
        NOW,
        "v1",
        provider_address="1-2-3 Shinjuku, Tokyo",
        provider_obtained_by="from the person by a web form",
        provider_representative="Taro Yamada",
    )
    for hidden in ("Yamada", "Shinjuku", "web form"):
        assert hidden not in repr(acq)
    assert "provided_by_business" in repr(acq)
