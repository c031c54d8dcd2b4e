"""Records bound to the audit log (R-SEC-3): digests, and how rows are compared."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs

import pipolicy as pp
from pipolicy.domain.binding import RecordProblem, bound_digests, compare, record_digest
from tests.factories import JST, make_engine

UTC = timezone.utc


def test_r_sec_3_a_digest_does_not_depend_on_the_zone_a_backend_returns() -> None:
    s = pp.Subject("s-1", "ref-1", datetime(2026, 4, 1, 9, 0, tzinfo=JST), "customer")
    in_utc = attrs.evolve(s, registered_at=s.registered_at.astimezone(UTC))
    assert record_digest(s) == record_digest(in_utc)
    later = attrs.evolve(s, registered_at=s.registered_at + timedelta(seconds=1))
    assert record_digest(s) != record_digest(later)


def test_r_sec_3_each_writing_operation_binds_what_it_wrote_in_its_last_event() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    consent = engine.grant_consent(s, purpose="newsletter")
    [withdrawn] = engine.withdraw_consent(s, purpose="newsletter")
    events = list(engine.audit_events())
    latest, from_start = bound_digests(events)
    assert from_start
    assert latest[f"subject:{s.id}"] == record_digest(s)
    assert latest[f"consent:{consent.id}"] == record_digest(withdrawn)  # the latest version
    assert engine.verify_audit().ok


def test_r_sec_3_rows_of_a_log_written_before_binding_are_not_suspects() -> None:
    s = pp.Subject("s-1", "ref-1", datetime(2026, 4, 1, 9, 0, tzinfo=JST), "customer")
    assert compare([s], {}, from_start=False) == []
    assert compare([s], {}, from_start=True) == [RecordProblem("subject:s-1", "inserted")]
    assert compare([], {"subject:s-1": "0" * 64}, from_start=False) == [
        RecordProblem("subject:s-1", "deleted")
    ]
    assert str(RecordProblem("consent:c-9", "edited")) == "consent c-9 was edited outside pipolicy"


def test_r_sec_3_a_consents_digest_is_the_documented_canonical_form_written_out() -> None:
    """The digest a verifier in another language recomputes: every field, instants in
    UTC, sets sorted, enums by value, a field added later left out at its default."""
    import hashlib
    import json

    consent = pp.Consent(
        "c-1",
        "s-1",
        pp.ConsentScope(recipient="partner", items=frozenset({"phone", "email"})),
        pp.ConsentStatus.WITHDRAWN,
        pp.Evidence("web", "form-7", "agent"),
        "2026-04",
        datetime(2026, 4, 1, 9, 0, tzinfo=JST),
        ended_at=datetime(2026, 4, 2, 0, 0, 0, 5, tzinfo=UTC),
        version=2,
    )
    written_out = {
        "id": "c-1",
        "subject_id": "s-1",
        "scope": {"purpose": None, "recipient": "partner", "items": ["email", "phone"]},
        "status": "withdrawn",
        "evidence": {"method": "web", "ref": "form-7", "given_by": "agent"},
        "policy_version": "2026-04",
        "given_at": "2026-04-01T00:00:00+00:00",
        "expires_at": None,
        "ended_at": "2026-04-02T00:00:00.000005+00:00",
        "version": 2,
    }
    text = json.dumps(written_out, sort_keys=True, separators=(",", ":"))
    assert record_digest(consent) == hashlib.sha256(text.encode()).hexdigest()
    foreign = attrs.evolve(consent, evidence=pp.Evidence("web", "form-7", "agent", "fi-2"))
    assert record_digest(foreign) != record_digest(consent)
