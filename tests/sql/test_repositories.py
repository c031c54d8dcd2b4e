"""What the SQL repositories do beyond the contract: paging, JSON limits, URLs."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from pipolicy.backends.sql import SqlStore
from pipolicy.backends.sql import rows as convert
from pipolicy.backends.sql.tables import ACQUISITIONS, SUBJECTS
from pipolicy.domain.audit import next_event, verify_chain
from pipolicy.errors import InvalidInput, SubjectNotFound

from .records import T0, records


def test_scans_page_through_large_tables_in_order(sql_store: SqlStore) -> None:
    """``acquisitions.scan`` and ``audit.scan`` read 500 rows a query, and miss none."""
    base = records()
    made = [attrs.evolve(base.acquisition, id=f"a-{i:05}") for i in range(1234)]
    with sql_store.engine.begin() as conn:
        conn.execute(SUBJECTS.insert(), [convert.subject_to_row(base.subject)])
        conn.execute(ACQUISITIONS.insert(), [convert.acquisition_to_row(a) for a in made])
    events = []
    last = None
    for i in range(1100):
        last = next_event(last, T0 + timedelta(seconds=i), "test.event", "s-0", {"i": i})
        events.append(last)
    with sql_store.unit_of_work() as uow:
        for event in events:
            uow.audit.append(event.entry)
        uow.commit()
    with sql_store.unit_of_work() as uow:
        # Entries still queued (another writer on the server held the sequencer at our
        # commit) are placed first, as every reader of the whole log does.
        uow.audit.settle()
        assert [a.id for a in uow.acquisitions.scan()] == [a.id for a in made]
        scanned = list(uow.audit.scan())
        assert [e.seq for e in scanned] == list(range(1, 1101))
        assert verify_chain(scanned).ok


def test_marking_an_unknown_subject_as_left_raises_subject_not_found(
    sql_store: SqlStore,
) -> None:
    with pytest.raises(SubjectNotFound), sql_store.unit_of_work() as uow:
        uow.subjects.mark_left("nobody", T0)


@pytest.mark.parametrize(
    "details",
    [
        {"items": {"email"}},  # a set: JSON has none
        {"ratio": float("nan")},
        {"nested": {1: "one"}},  # a non-string key would come back as "1"
        {"when": T0},
    ],
    ids=["set", "nan", "int-key", "datetime"],
)
def test_request_details_must_be_json_values(
    sql_store: SqlStore, details: dict[str, object]
) -> None:
    found = records()
    with sql_store.unit_of_work() as uow:
        uow.subjects.add(found.subject)
        with pytest.raises(InvalidInput, match="JSON"):
            uow.requests.add(attrs.evolve(found.request, details=details))


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    store = SqlStore("postgresql://u:secret@127.0.0.1:1/db", upgrade=False)
    try:
        assert store.engine.dialect.driver == "psycopg"
        assert "secret" not in repr(store)
    finally:
        store.close()


def test_r_con_2_a_decision_reads_only_consents_still_given(sql_store: SqlStore) -> None:
    """The facts query for a decision leaves ended consents out, through the partial
    index on consents still given (the plan is checked in test_query_plans), except the
    person's noes: to a recipient, which stop opt-out provision (R-TPP-8), and to a
    purpose, which close the predecessor's purpose where permission is needed (R-USE-7).
    An expired consent is no one's no."""
    from pipolicy.domain.consents import ConsentScope, ConsentStatus

    base = records()  # its consent: to provision to "partner"
    newsletter = attrs.evolve(base.consent, id="c-use", scope=ConsentScope(purpose="newsletter"))
    lapsed = attrs.evolve(base.consent, id="c-lapsed", scope=ConsentScope(purpose="service"))
    with sql_store.unit_of_work() as uow:
        uow.subjects.add(base.subject)
        uow.consents.add(base.consent)
        other = ConsentScope(recipient="partner", items=frozenset({"name"}))
        uow.consents.add(attrs.evolve(base.consent, id="c-kept", scope=other))
        uow.consents.add(newsletter)
        uow.consents.add(lapsed)
        uow.commit()
    with sql_store.unit_of_work() as uow:
        for consent in (base.consent, newsletter):
            uow.consents.update(
                consent.transition(ConsentStatus.WITHDRAWN, T0 + timedelta(hours=1))
            )
        uow.consents.update(lapsed.transition(ConsentStatus.EXPIRED, T0 + timedelta(hours=1)))
        uow.commit()
    with sql_store.unit_of_work(read_only=True) as uow:
        live = uow.facts(base.subject.id, ended_consents=False)
        full = uow.facts(base.subject.id)
    assert live is not None
    assert [c.id for c in live.consents] == ["c-kept", base.consent.id, "c-use"]
    assert full is not None
    assert [c.id for c in full.consents] == [base.consent.id, "c-kept", "c-use", "c-lapsed"]
