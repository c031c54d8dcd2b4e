"""R-REQ-8: an extended deadline, like the first one, runs to the end of its last day in
the policy's time zone.

The person is told "we extended the time to answer until <day>"; the operator's
``overdue()`` must agree with what the person was told. A new due date given at any hour,
or in another time zone (UTC from a server), is the end of the day it falls on in the
policy's time zone, so the request is not listed overdue during the day it is due.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pipolicy as pp

from .support import JST, customer, passport


def test_r_req_8_an_extension_given_in_utc_runs_to_the_end_of_its_day_in_tokyo(
    engine: pp.Engine,
) -> None:
    s = customer(engine)
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[passport()])

    # Midnight UTC on 20 December is 09:00 on 20 December in Tokyo.
    extended = engine.requests.extend(
        r.id, due=datetime(2026, 12, 20, tzinfo=timezone.utc), reason="the archive is moving"
    )

    notice = engine.requests.extension_notice(r.id)
    assert notice.statement is not None
    assert "2026-12-20" in notice.statement  # what the person is told
    assert extended.due == datetime(2026, 12, 21, 0, 0, tzinfo=JST)
    noon = datetime(2026, 12, 20, 12, 0, tzinfo=JST)
    assert engine.requests.overdue(noon) == []  # not late on the day the person was given
    next_morning = datetime(2026, 12, 21, 0, 1, tzinfo=JST)
    assert [x.id for x in engine.requests.overdue(next_morning)] == [r.id]


def test_r_req_8_an_extension_to_an_hour_of_a_day_is_due_at_that_days_end(
    engine: pp.Engine,
) -> None:
    s = customer(engine)
    r = engine.requests.submit(pp.RequestKind.CORRECTION, subject=s, documents=[passport()])

    extended = engine.requests.extend(
        r.id, due=datetime(2027, 1, 31, 17, 0, tzinfo=JST), reason="year-end closure"
    )

    assert extended.due == datetime(2027, 2, 1, 0, 0, tzinfo=JST)
    answer_json = engine.requests.extension_notice(r.id).to_json()
    assert '"due_on": "2027-01-31"' in answer_json


def test_r_req_8_an_extension_to_midnight_keeps_the_day_before_as_its_last(
    engine: pp.Engine,
) -> None:
    s = customer(engine)
    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[passport()])

    new_due = r.due + timedelta(days=14)  # the end of 20 December in Tokyo
    extended = engine.requests.extend(r.id, due=new_due, reason="the archive is moving")

    assert extended.due == new_due
