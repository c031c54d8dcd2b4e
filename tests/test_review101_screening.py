"""Review 101 of the screen for personal data in the application's free text (R-SEC-3).

1. A person's no is never lost to the screen (R-CON-2): a withdrawal's or a refusal's
   evidence, or a revocation's reason, that looks like personal data is recorded with
   that text withheld (a fixed marker naming what it looked like), and the caller is
   told by a :class:`~pipolicy.domain.screening.PersonalDataWithheld` warning that does
   not repeat it. A yes (a grant) is still refused: a consent not recorded allows nothing.
2. What the screen reads as an Individual Number, a card number or a telephone number,
   tuned both ways (fewer order numbers and toll-free numbers refused, fewer telephone
   numbers let through).
3. An integer too long to write in an audit payload is an InvalidInput again.
"""

from __future__ import annotations

import warnings
from datetime import datetime

import pytest

import pipolicy as pp
from pipolicy.domain.audit import AuditEntry
from pipolicy.domain.screening import PersonalDataWithheld, personal_data_in, screened
from tests.factories import JST, make_engine

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=JST)


def test_r_sec_3_an_integer_too_long_to_write_is_invalid_input() -> None:
    """Python refuses to write an integer of more than 4,300 digits (a ValueError):
    a payload holding one is refused as any other payload no store could keep."""
    with pytest.raises(pp.InvalidInput):
        AuditEntry.of(NOW, "k", None, {"h": 10**5000})
    with pytest.raises(pp.InvalidInput):
        AuditEntry.of(NOW, "k", None, {"h": [1, {"n": 10**5000}]})


def _allowed_signup() -> tuple[pp.Engine, pp.Subject, pp.Consent]:
    """A person whose e-mail address may be used for "signup" (a purpose of consent at
    collection in the test policy), by consent."""
    engine, _ = make_engine(at=NOW)
    s = engine.register_subject("u-1", category="customer")
    c = engine.grant_consent(s, purpose="signup")
    engine.acquire(s, items={"name", "email"}, purposes={"signup"}, channel="web")
    assert engine.check_use(s, purpose="signup", items={"email"}).allowed
    return engine, s, c


def _logged(engine: pp.Engine, secret: str) -> bool:
    return any(secret in e.entry.payload_json() for e in engine.audit_events())


NUMBER = "UNSUB 090-1234-5678"
MARKER = "[withheld: looked like a telephone number]"


@pytest.mark.parametrize("field", ["method", "ref", "foreign_info"])
def test_r_con_2_a_withdrawal_whose_evidence_looks_like_personal_data_is_recorded(
    field: str,
) -> None:
    """The review's case: the screen refused the withdrawal and the use went on.
    Now the consent ends, the event holds the marker, and the caller is warned without
    the text."""
    engine, s, _ = _allowed_signup()
    bad = pp.Evidence(**{"method": "unsubscribe-link", field: NUMBER})
    with pytest.warns(PersonalDataWithheld) as caught:
        [ended] = engine.withdraw_consent(s, purpose="signup", evidence=bad)
    assert ended.status is pp.ConsentStatus.WITHDRAWN
    assert not engine.check_use(s, purpose="signup", items={"email"}).allowed
    message = str(caught[0].message)
    assert f"evidence.{field}" in message and "telephone number" in message
    assert "1234-5678" not in message and caught[0].filename == __file__
    assert not _logged(engine, "1234-5678") and engine.verify_audit().ok
    [event] = [e for e in engine.audit_events() if e.entry.kind == "consent.withdrawn"]
    if field != "foreign_info":  # the ending event names how the no came: method and ref
        assert event.entry.payload[{"method": "method", "ref": "evidence_ref"}[field]] == MARKER


def test_r_con_2_a_false_positive_no_longer_stops_a_withdrawal() -> None:
    """The review's exact call: a reference the screen takes for an Individual Number
    (now passed, see point 2) or not, the withdrawal is recorded either way."""
    engine, s, _ = _allowed_signup()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PersonalDataWithheld)
        engine.withdraw_consent(
            s, purpose="signup", evidence=pp.Evidence("unsubscribe-link", ref="UNSUB 123456789018")
        )
    assert not engine.check_use(s, purpose="signup", items={"email"}).allowed


def test_r_con_2_a_refusal_whose_evidence_looks_like_personal_data_is_recorded() -> None:
    """A refusal is recorded, takes back the consent in force, and holds the marker."""
    engine, s, _ = _allowed_signup()
    bad = pp.Evidence("phone", ref="call from taro.yamada@example.com")
    with pytest.warns(PersonalDataWithheld, match="e-mail address") as caught:
        refused = engine.refuse_consent(s, purpose="signup", evidence=bad)
    assert refused.status is pp.ConsentStatus.REFUSED
    assert refused.evidence.ref == "[withheld: looked like an e-mail address]"
    assert refused.evidence.method == "phone"  # only the offending field is withheld
    assert "taro.yamada" not in str(caught[0].message)
    assert not engine.check_use(s, purpose="signup", items={"email"}).allowed
    assert not _logged(engine, "taro.yamada") and engine.verify_audit().ok
    assert engine.consent(refused.id).evidence.ref == refused.evidence.ref


def test_r_con_1_a_revocation_whose_reason_looks_like_personal_data_is_recorded() -> None:
    """The business's revocation ends the consent too; the reason is withheld."""
    engine, s, c = _allowed_signup()
    with pytest.warns(PersonalDataWithheld, match="reason"):
        revoked = engine.revoke_consent(s, consent_id=c.id, reason=f"asked on {NUMBER}")
    assert revoked.status is pp.ConsentStatus.REVOKED
    assert not engine.check_use(s, purpose="signup", items={"email"}).allowed
    [event] = [e for e in engine.audit_events() if e.entry.kind == "consent.revoked"]
    assert event.entry.payload["reason"] == MARKER and not _logged(engine, "1234-5678")


def test_r_con_2_a_warning_made_an_error_still_leaves_the_no_recorded() -> None:
    """The warning comes after the no is written: an application that turns warnings
    into errors gets the error, and the consent has ended all the same."""
    engine, s, _ = _allowed_signup()
    with warnings.catch_warnings():
        warnings.simplefilter("error", PersonalDataWithheld)
        with pytest.raises(PersonalDataWithheld):
            engine.withdraw_consent(s, purpose="signup", evidence=pp.Evidence("phone", ref=NUMBER))
    assert not engine.check_use(s, purpose="signup", items={"email"}).allowed


def test_r_con_1_a_grant_whose_evidence_looks_like_personal_data_is_still_refused() -> None:
    """A yes not recorded allows nothing: grants keep refusing, with no warning."""
    engine, _ = make_engine(at=NOW)
    s = engine.register_subject("u-1", category="customer")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(pp.InvalidInput):
            engine.grant_consent(s, purpose="signup", evidence=pp.Evidence("web", ref=NUMBER))
    assert not engine.consents(s)


def test_r_con_2_a_no_with_clean_evidence_warns_nothing() -> None:
    engine, s, c = _allowed_signup()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        engine.refuse_consent(s, purpose="health", evidence=pp.Evidence("web", ref="TICKET-7"))
        engine.revoke_consent(s, consent_id=c.id, reason="recorded in error")


# Point 2: what the screen reads, tuned both ways. Each was read wrongly before.
CAUGHT = {
    "a telephone number": [
        "Tel.03-1234-5678",  # a label and a dot before the number hid it
        "TEL03-1234-5678",  # a label glued to it hid it
        "tel 0312345678",  # ten digits without separators, after a label
        "℡0312345678",  # the same label as a sign (NFKC: "TEL")
        "電話 0312345678",
        "090.1234.5678",  # dotted in its groups
        "連絡は03.1234.5678まで",
        "81-90-1234-5678",  # Japan's country code without the plus
        "81 3 1234 5678",
    ],
    "an Individual Number": [
        "個人番号 123456789018",  # bare twelve digits after a label
        "マイナンバー：123456789018",
        "1234-5678-9018",  # the card's printed groups
    ],
    "a payment card number": [
        "3530 1113 3330 0000",  # JCB, grouped
        "378282246310005",  # American Express, fifteen digits
        "5555555555554444",  # Mastercard
        "注文番号 4111111111111111",  # a card's prefix and length: a label does not excuse it
    ],
}
PASSED = [
    "受付123456789018",  # twelve digits passing the check digit, no label, not grouped
    "予約番号 123456789018",
    "0120-123-456",  # the business's toll-free number
    "0800-123-4567",
    "0570-123-456",  # navigation dial
    "+81 120 123 456",
    "0312345678",  # ten bare digits from 0, no label: an id as likely as a number
    "ORDER-0312345678",
    "1234567890128",  # thirteen digits passing Luhn: a corporate number's length
    "4901234567894",  # a JAN code (passes Luhn)
    "9234567890123452",  # sixteen digits passing Luhn, no issuer's prefix
    "4111111111111111111111",  # beyond card lengths
    "v2.0312345678",  # part of an id
    "0.0312345678",  # a decimal, not a dotted number
    "2026.04.01 10:00",
    "81-2026-0001",
]


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in CAUGHT.items() for t in texts])
def test_r_sec_3_the_screen_catches_what_it_let_through(kind: str, text: str) -> None:
    assert personal_data_in(text) == kind


@pytest.mark.parametrize("text", PASSED)
def test_r_sec_3_the_screen_passes_what_it_refused(text: str) -> None:
    assert personal_data_in(text) is None


def test_r_sec_3_the_check_digits_still_decide() -> None:
    """A label or a group does not make any number one: the check digit must hold."""
    assert personal_data_in("個人番号 123456789012") is None  # wrong check digit
    assert personal_data_in("1234-5678-9012") is None
    assert personal_data_in("4111 1111 1111 1112") is None  # fails Luhn


@pytest.mark.parametrize("text", ["自宅0312345678", "勤務先 0312345678"])
def test_r_sec_3_a_home_or_work_label_names_a_bare_landline(text: str) -> None:
    """Review 102: 自宅 and 勤務先 label a person's telephone as 電話 does."""
    with pytest.raises(pp.InvalidInput):
        screened(text, "ref")
