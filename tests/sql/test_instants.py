"""Instants are stored as UTC and read back exactly as written (issue 3, item 3).

"Exactly" matters beyond equality: a request due at 09:00 in Tokyo must keep its date
when read back and printed, as it does on the memory backend. So the offset the value
was written with comes back too, whatever the database's session time zone.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipolicy.backends.sql import SqlStore
from pipolicy.backends.sql.tables import SUBJECTS
from pipolicy.domain.subjects import Subject

offsets = st.integers(min_value=-86399, max_value=86399).map(
    lambda s: timezone(timedelta(seconds=s))
)
instants = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2200, 12, 30), timezones=offsets
)
_ids = itertools.count()


def _same(actual: datetime | None, expected: datetime) -> None:
    assert actual is not None
    assert actual == expected
    assert actual.utcoffset() == expected.utcoffset()
    assert actual.isoformat() == expected.isoformat()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(registered=instants, left=instants)
def test_an_instant_reads_back_with_its_offset(
    sql_store: SqlStore, registered: datetime, left: datetime
) -> None:
    sid = f"s-{next(_ids)}"
    with sql_store.unit_of_work() as uow:
        uow.subjects.add(Subject(sid, f"ref-{sid}", registered))
        uow.subjects.mark_left(sid, left)
        uow.commit()
    with sql_store.unit_of_work() as uow:
        found = uow.subjects.get(sid)
    assert found is not None
    _same(found.registered_at, registered)
    _same(found.left_at, left)


def test_the_stored_column_is_utc(sql_store: SqlStore) -> None:
    tokyo = datetime(2026, 4, 1, 8, 30, tzinfo=timezone(timedelta(hours=9)))
    with sql_store.unit_of_work() as uow:
        uow.subjects.add(Subject("s-1", "ref-1", tokyo))
        uow.commit()
    with sql_store.engine.connect() as conn:
        raw = conn.execute(
            sa.select(SUBJECTS.c.registered_at, SUBJECTS.c.registered_at_offset)
        ).one()
    # The day before in UTC: querying by time compares instants, not wall clocks.
    assert raw.registered_at == datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc)
    assert raw.registered_at.utcoffset() == timedelta(0)
    assert raw.registered_at_offset == 9 * 3600


@pytest.mark.postgres
def test_postgres_session_time_zone_does_not_change_what_reads_back(postgres_url: str) -> None:
    options = sa.make_url(postgres_url).query["options"]
    assert isinstance(options, str)
    odd_zone = sa.make_url(postgres_url).update_query_dict(
        {"options": f"{options} -ctimezone=Pacific/Chatham"}
    )
    store = SqlStore(odd_zone.render_as_string(hide_password=False), upgrade=True)
    written = datetime(2026, 4, 1, 9, 0, 0, 123456, tzinfo=timezone(timedelta(hours=9)))
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW timezone").scalar() == "Pacific/Chatham"
        with store.unit_of_work() as uow:
            uow.subjects.add(Subject("s-1", "ref-1", written))
            uow.commit()
        with store.unit_of_work() as uow:
            found = uow.subjects.get("s-1")
        assert found is not None
        _same(found.registered_at, written)
    finally:
        store.close()
