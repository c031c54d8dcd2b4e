"""R-CON-1, R-CON-2: a person's no, or a revocation, is recorded whatever text comes with it:
text that cannot be stored (over 2,000 characters, a NUL, a lone surrogate) is withheld
with a warning, as text that looks like personal data is; a yes with such text is still
refused."""

from __future__ import annotations

import warnings

import pytest

import pipolicy as pp
from pipolicy.domain.screening import PersonalDataWithheld
from tests.test_review101_screening import _allowed_signup, _logged

LONG = "x" * 2_001


@pytest.mark.parametrize("text", [LONG, "unsubscribed\x00"])
@pytest.mark.parametrize("field", ["method", "ref", "foreign_info"])
def test_r_con_2_a_withdrawal_with_unstorable_evidence_is_recorded(field: str, text: str) -> None:
    engine, s, _ = _allowed_signup()
    with pytest.warns(PersonalDataWithheld, match=f"evidence.{field}"):
        [ended] = engine.withdraw_consent(
            s, purpose="signup", evidence=pp.Evidence(**{"method": "form", field: text})
        )
    assert ended.status is pp.ConsentStatus.WITHDRAWN
    assert not engine.check_use(s, purpose="signup", items={"email"}).allowed
    assert not _logged(engine, "xxxxxxxxxx") and engine.verify_audit().ok


@pytest.mark.parametrize("text", [LONG, "unsubscribed\x00"])
def test_r_con_2_a_refusal_with_unstorable_evidence_is_recorded(text: str) -> None:
    engine, s, _ = _allowed_signup()
    with pytest.warns(PersonalDataWithheld):
        refused = engine.refuse_consent(s, purpose="signup", evidence=pp.Evidence("web", ref=text))
    assert refused.evidence.ref.startswith("[withheld: ")
    assert not engine.check_use(s, purpose="signup", items={"email"}).allowed
    assert engine.consent(refused.id).evidence.ref == refused.evidence.ref


@pytest.mark.parametrize("text", [LONG, "in error\x00"])
def test_r_con_1_a_revocation_with_an_unstorable_reason_is_recorded(text: str) -> None:
    engine, s, c = _allowed_signup()
    with pytest.warns(PersonalDataWithheld, match="reason"):
        revoked = engine.revoke_consent(s, consent_id=c.id, reason=text)
    assert revoked.status is pp.ConsentStatus.REVOKED
    [event] = [e for e in engine.audit_events() if e.entry.kind == "consent.revoked"]
    assert str(event.entry.payload["reason"]).startswith("[withheld: ")


@pytest.mark.parametrize("text", [LONG, "web\x00"])
def test_r_con_1_a_grant_with_unstorable_evidence_is_still_refused(text: str) -> None:
    engine, s, _ = _allowed_signup()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(pp.InvalidInput):
            engine.grant_consent(s, purpose="health", evidence=pp.Evidence("web", ref=text))
        with pytest.raises(pp.InvalidInput):
            engine.grant_consent(
                s, purpose="health", evidence=pp.Evidence("web", foreign_info=text)
            )


def test_r_con_1_a_revocation_without_a_reason_is_refused() -> None:
    engine, s, c = _allowed_signup()
    with pytest.raises(pp.InvalidInput, match="required"):
        engine.revoke_consent(s, consent_id=c.id, reason="  ")


def test_r_con_1_evidence_of_another_type_is_refused() -> None:
    with pytest.raises(pp.InvalidInput, match="string"):
        pp.Evidence(3)  # type: ignore[arg-type]
