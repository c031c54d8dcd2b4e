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
from pipolicy.domain.screening import PersonalDataWithheld
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
