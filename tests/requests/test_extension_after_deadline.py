"""R-REQ-8: an extension is decided, and told, before
the deadline. Extending a request whose last day has already passed would take it off
``overdue()`` and hide that the deadline was missed, so it is refused with a typed error
naming the missed day, and the request stays overdue."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

import pipolicy as pp

from .support import JST, verified

K = pp.RequestKind


def test_r_req_8_an_extension_after_the_last_day_is_refused_and_stays_overdue(
    engine: pp.Engine, person: pp.Subject, clock: pp.FixedClock
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    assert r.due == datetime(2026, 12, 7, tzinfo=JST)  # the last day is 6 December
    clock.advance(r.due - clock.now() + timedelta(hours=1))  # 01:00 on 7 December in Tokyo
    assert [x.id for x in engine.requests.overdue()] == [r.id]

    with pytest.raises(pp.InvalidTransition, match="2026-12-06") as raised:
        engine.requests.extend(r.id, due=r.due + timedelta(days=14), reason="busy")

    assert "passed" in str(raised.value)
    assert [x.id for x in engine.requests.overdue()] == [r.id]
    after = engine.requests.get(r.id)
    assert after.due == r.due and "extensions" not in after.details
    assert not [e for e in engine.audit_events() if e.kind == "request.extended"]


def test_r_req_8_an_extension_on_the_last_day_is_still_allowed(
    engine: pp.Engine, person: pp.Subject, clock: pp.FixedClock
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    clock.advance(r.due - clock.now() - timedelta(seconds=1))  # 23:59:59 on 6 December
    extended = engine.requests.extend(r.id, due=r.due + timedelta(days=14), reason="busy")
    last_day = (extended.due - timedelta(microseconds=1)).astimezone(JST).date()
    assert last_day == date(2026, 12, 20)
    assert engine.requests.overdue() == []
