"""Inquiries and complaints logged with their answers (R-CMP-1, Art. 40; seed 001 §8,
seed 000's telephone hours): channel, due date, open and overdue lists, every step in the
audit log, the person's words kept by the application, not by pipolicy."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

import pipolicy as pp
from tests.factories import JST, make_engine

CALLED = datetime(2026, 4, 1, 17, 55, tzinfo=JST)  # 000 L43: the desk closes at 18:00


def test_r_cmp_1_a_complaint_is_logged_due_and_answered() -> None:
    engine, clock = make_engine(at=CALLED)
    s = engine.register_subject("caller-1", category="customer")
    c = engine.complaints.receive(
        "complaint",
        channel="telephone",
        topic="newsletter kept coming after opting out",
        reference="TICKET-2026-0412",
        subject_id=s.id,
    )
    # Due at the end of the response period's last day in Tokyo (14 days by default).
    assert c.due == datetime(2026, 4, 16, 0, 0, tzinfo=JST)
    assert [x.id for x in engine.complaints.open()] == [c.id]
    clock.advance(timedelta(days=2))
    answered = engine.complaints.answer(c.id, "explained and stopped the newsletter")
    assert not answered.open and answered.answered_at == clock.now()
    assert answered.answer == "explained and stopped the newsletter"
    assert engine.complaints.open() == []
    kinds = [e.kind for e in engine.audit_events() if e.subject_id == s.id]
    assert kinds[-2:] == ["complaint.received", "complaint.answered"]
    assert engine.verify_audit().ok


def test_r_cmp_1_unanswered_past_the_due_date_is_overdue() -> None:
    engine, clock = make_engine(at=CALLED)
    c = engine.complaints.receive("inquiry", channel="mail", topic="purposes of use")
    assert engine.complaints.overdue() == []
    clock.advance(timedelta(days=15))
    assert [x.id for x in engine.complaints.overdue()] == [c.id]
    engine.complaints.answer(c.id, "sent the notice")
    assert engine.complaints.overdue() == []
    with pytest.raises(pp.InvalidInput, match="already answered"):
        engine.complaints.answer(c.id, "again")


def test_r_cmp_1_what_the_person_said_stays_with_the_application() -> None:
    engine, _ = make_engine(at=CALLED)
    engine.complaints.receive(
        "complaint", channel="email", topic="disclosure", reference="TICKET-9"
    )
    logged = json.dumps([e.payload for e in engine.audit_events()])
    assert "TICKET-9" in logged and "disclosure" in logged
    for bad in (
        {"kind": "praise", "channel": "email", "topic": "x"},
        {"kind": "inquiry", "channel": "pigeon", "topic": "x"},
        {"kind": "inquiry", "channel": "email", "topic": ""},
        {"kind": "inquiry", "channel": "email", "topic": "x" * 201},
    ):
        with pytest.raises(pp.InvalidInput):
            engine.complaints.receive(**bad)  # type: ignore[arg-type]
    with pytest.raises(pp.InvalidInput):
        engine.complaints.get("nope")


def test_r_cmp_1_dates_in_the_future_or_answers_before_receipt_are_refused() -> None:
    """A complaint logged as received next month would be due a month late; an answer
    dated before the complaint came cannot answer it, nor one dated ahead of now."""
    engine, clock = make_engine(at=CALLED)
    with pytest.raises(pp.InvalidInput, match="future"):
        engine.complaints.receive(
            "complaint", channel="email", topic="x", received_at=CALLED + timedelta(days=30)
        )
    c = engine.complaints.receive("complaint", channel="email", topic="disclosure")
    with pytest.raises(pp.InvalidInput, match="before it was received"):
        engine.complaints.answer(c.id, "done", at=CALLED - timedelta(days=1))
    with pytest.raises(pp.InvalidInput, match="future"):
        engine.complaints.answer(c.id, "done", at=CALLED + timedelta(days=1))
    assert [x.id for x in engine.complaints.open()] == [c.id]
    clock.advance(timedelta(days=1))
    assert engine.complaints.answer(c.id, "done", at=CALLED + timedelta(hours=2)).answered_at
