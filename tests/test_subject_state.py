"""The compiled subject state: what a check reads instead of the history.

A check must cost the same whatever a person's history (R-USE-1, R-TPP-1 on the hot
path), so each store keeps per person a compact state (``pipolicy.domain.facts.compact``)
rewritten with every write. These tests hold it to the one thing that matters: every
decision is the one the pure rules give on the whole history.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

import pipolicy as pp
from pipolicy.backends.memory import MemoryStore
from pipolicy.backends.sql import SqlStore
from pipolicy.domain.facts import SubjectFacts, compact
from pipolicy.rules.provision import ProvisionQuery, decide_provision
from pipolicy.rules.use import UseQuery, decide_use
from pipolicy.testing import CONTRACT_START, contract_policy
from tests.sql.test_facts_query import _Statements
from tests.test_properties import ops, play, policies, queries


def _from_history(
    policy: pp.Policy, whole: SubjectFacts, query: tuple[bool, int, set[str]], engine: pp.Engine
) -> pp.Decision:
    """The decision the pure rules give on every record ever kept (as ``decide`` asks)."""
    use, n, items = query
    now = engine.now()
    if use:
        purpose = sorted(policy.purposes)[n % len(policy.purposes)]
        return decide_use(policy, whole, UseQuery(purpose, frozenset(items)), now)
    rec = policy.recipients[sorted(policy.recipients)[n % len(policy.recipients)]]
    q = ProvisionQuery(rec.name, frozenset(items), sorted(rec.purposes)[0])
    return decide_provision(policy, whole, q, now)


def _asked(engine: pp.Engine, s: pp.Subject, query: tuple[bool, int, set[str]]) -> pp.Decision:
    use, n, items = query
    policy = engine.policy
    if use:
        purpose = sorted(policy.purposes)[n % len(policy.purposes)]
        return engine.check_use(s, purpose=purpose, items=items)
    rec = policy.recipients[sorted(policy.recipients)[n % len(policy.recipients)]]
    return engine.check_provision(
        s, recipient=rec.name, items=items, purpose=sorted(rec.purposes)[0]
    )


def _whole(store: pp.Store, subject_id: str) -> SubjectFacts:
    with store.unit_of_work(read_only=True) as uow:
        found = uow.facts(subject_id)
    assert found is not None
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(policies(), ops, queries)
def test_r_use_1_the_compiled_state_decides_as_the_whole_history(
    policy: pp.Policy, history: Any, qs: Any
) -> None:
    for store in (MemoryStore(), SqlStore("sqlite:///:memory:")):
        try:
            engine, s = play(policy, history, store)
            whole = _whole(store, s.id)
            for q in qs:
                assert _asked(engine, s, q) == _from_history(policy, whole, q, engine)
            # In a batch, too (the SQL store reads many states in one query).
            many = engine.check_use_many(
                [
                    pp.UseCheck(s, sorted(policy.purposes)[n % len(policy.purposes)], items)
                    for use, n, items in qs
                    if use
                ]
            )
            assert many == [_asked(engine, s, q) for q in qs if q[0]]
            if isinstance(store, SqlStore):
                # Each write updated the row from the state it read; rebuilding it from
                # the history gives the same state.
                written = _state_rows(store)
                assert store.rebuild_states() == 1
                assert _state_rows(store) == written
        finally:
            store.close()


def _state_rows(store: SqlStore) -> dict[str, SubjectFacts | None]:
    from pipolicy.backends.sql import state

    with store.engine.connect() as conn:
        found = conn.execute(sa.text("SELECT subject_id, state FROM pipolicy_subject_states"))
        return {sid: state.decode(text) for sid, text in found}


def _engine(store: pp.Store) -> tuple[pp.Engine, pp.Subject]:
    engine = pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_START))
    s = engine.register_subject("user-1", category="customer")
    return engine, s


def test_r_use_1_alike_acquisitions_compile_to_the_latest_and_ended_consents_to_the_latest_no() -> (
    None
):
    store = MemoryStore()
    engine, s = _engine(store)
    clock = engine.clock
    assert isinstance(clock, pp.FixedClock)
    for _ in range(50):  # a person acquired from at every login, toggling a setting
        engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
        engine.grant_consent(s, purpose="newsletter")
        engine.withdraw_consent(s, purpose="newsletter")
        clock.advance(timedelta(minutes=1))
    engine.acquire(s, items={"email", "name"}, purposes={"service"}, channel="web")
    whole = _whole(store, s.id)
    state = compact(whole)
    assert len(whole.acquisitions) == 51 and len(whole.consents) == 50
    # Of 50 withdrawals of the newsletter consent, the latest: the person's no to it.
    latest_no = max(whole.consents, key=lambda c: (c.said_no_at, c.id))
    assert len(state.acquisitions) == 2 and state.consents == (latest_no,)
    latest_email_only = max(
        (a for a in whole.acquisitions if a.items == {"email"}), key=lambda a: a.acquired_at
    )
    assert latest_email_only in state.acquisitions
    with store.unit_of_work(read_only=True) as uow:
        assert uow.facts(s.id, ended_consents=False) == state


def test_r_use_1_a_states_held_items_follow_each_acquisition() -> None:
    store = MemoryStore()
    engine, s = _engine(store)
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed
    with store.unit_of_work(read_only=True) as uow:
        before = uow.facts(s.id, ended_consents=False)
    assert before is not None and before.held_items == frozenset()
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    assert engine.check_use(s, purpose="service", items={"email"}).allowed
    engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
    with store.unit_of_work(read_only=True) as uow:
        after = uow.facts(s.id, ended_consents=False)
    assert after is not None and after.held_items == frozenset({"email", "name"})
    assert before.held_items == frozenset()  # a state, once read, never changes


def test_r_use_1_a_check_reads_one_state_row_on_sql(tmp_path: Any) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'pi.db'}", cache_checks=False)
    engine, s = _engine(store)
    for _ in range(30):
        engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
        engine.grant_consent(s, purpose="newsletter")
        engine.withdraw_consent(s, purpose="newsletter")
    engine.grant_consent(s, purpose="newsletter")
    with _Statements(store.engine) as seen:
        decision = engine.check_use(s, purpose="newsletter", items={"email"})
    statements = seen.sent
    assert decision.allowed
    reads = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1 and "pipolicy_subject_states" in reads[0]
    assert "UNION" not in reads[0]
    with store.engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version FROM pipolicy_subject_states")).scalar()
    assert version == 1 + 30 * 3 + 1  # registered, then rewritten with every write
    store.close()


def test_r_use_1_rebuild_state_restores_the_decisions_of_the_history(tmp_path: Any) -> None:
    from pipolicy.backends.sql import state

    url = f"sqlite:///{tmp_path / 'pi.db'}"
    store = SqlStore(url, cache_checks=False)
    engine, s = _engine(store)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")
    other = engine.register_subject("user-2", category="customer")
    engine.acquire(other, items={"email"}, purposes={"service"}, channel="web")

    def answers() -> list[bool]:
        return [
            engine.check_use(p, purpose=purpose, items={"email"}).allowed
            for p in (s, other)
            for purpose in ("service", "newsletter")
        ]

    before = answers()
    assert before == [True, True, True, False]
    # Rows lost (a restore of the history tables alone): read from the history meanwhile.
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM pipolicy_subject_states"))
    assert answers() == before
    # A row written by hand that says what the history does not: rebuilt from the history.
    forged = _stolen_state(store, s.id, other.id)
    with store.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO pipolicy_subject_states (subject_id, version, format, state) "
                "VALUES (:other, 1, :format, :state)"
            ),
            {"other": other.id, "format": state.FORMAT, "state": forged},
        )
    assert answers() != before  # the forged row is what a check reads...
    assert store.rebuild_states() == 2
    assert answers() == before  # ...until rebuilt
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM pipolicy_subject_states")).scalar() == 2
    store.close()


def test_r_use_1_a_state_row_that_does_not_decode_is_read_from_the_history(
    tmp_path: Any,
) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'pi.db'}")
    engine, s = _engine(store)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, purpose="newsletter")

    def answers() -> list[pp.Decision]:
        one = [engine.check_use(s, purpose=p, items={"email"}) for p in ("service", "newsletter")]
        by_ref = [
            engine.check_use(pp.Ref("user-1"), purpose=p, items={"email"})
            for p in ("service", "newsletter")
        ]
        many = engine.check_use_many(
            [pp.UseCheck(s, p, {"email"}) for p in ("service", "newsletter")]
        )
        return [*one, *by_ref, *many]

    before = answers()
    assert [d.allowed for d in before] == [True, True] * 3
    for damaged in ("{", "[]", '[["x"],[],[],[]]', '{"format": 2}'):
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE pipolicy_subject_states SET state = :t"), {"t": damaged})
        assert answers() == before, damaged
    with store.engine.begin() as conn:  # a format this version does not know
        conn.execute(sa.text("UPDATE pipolicy_subject_states SET format = 99"))
    assert answers() == before
    # Another person's state under this person's id (rows swapped by a bad restore).
    other = engine.register_subject("user-2", category="customer")
    store.rebuild_states()
    with store.engine.begin() as conn:
        theirs = conn.execute(
            sa.text("SELECT state FROM pipolicy_subject_states WHERE subject_id = :o"),
            {"o": other.id},
        ).scalar_one()
        conn.execute(
            sa.text("UPDATE pipolicy_subject_states SET state = :t WHERE subject_id = :s"),
            {"t": theirs, "s": s.id},
        )
    assert answers() == before
    store.close()


def _stolen_state(store: SqlStore, from_id: str, to_id: str) -> str:
    """``from_id``'s state text, made to claim it is ``to_id``'s (a forged row)."""
    from pipolicy.backends.sql import state

    with store.unit_of_work(read_only=True) as uow:
        facts = uow.facts(from_id, ended_consents=False)
    assert facts is not None
    return state.encode(facts).replace(from_id, to_id)


def test_r_use_1_a_memory_check_needs_no_lock() -> None:
    store = MemoryStore()
    engine, s = _engine(store)
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    held, release, answered = threading.Event(), threading.Event(), []

    def writer_holding_the_lock() -> None:
        with store.unit_of_work():
            held.set()
            release.wait(10)

    t = threading.Thread(target=writer_holding_the_lock)
    t.start()
    try:
        assert held.wait(10)
        checker = threading.Thread(
            target=lambda: answered.append(
                engine.check_use(s, purpose="service", items={"email"}).allowed
            )
        )
        checker.start()
        checker.join(5)
        assert answered == [True]  # answered while a writer held the store's lock
    finally:
        release.set()
        t.join()


def test_r_con_3_alike_acquisitions_under_two_policy_versions_are_both_kept() -> None:
    """Whether an acquisition counts under a purpose's new meaning depends on the policy
    version it was made under (R-CON-3), so two made alike under different versions are
    not alike to a decision: the state keeps the latest of each version. Here version 2
    collects first, then an application still on version 1 collects the same items before
    the change was published; the history allows (version 2's counts), and so must the
    state."""
    from tests.factories import JST, make_policy
    from tests.test_purpose_changes import _v2_changing_newsletter

    v2_policy = _v2_changing_newsletter(date(2026, 5, 10))
    for store in (MemoryStore(), SqlStore("sqlite:///:memory:")):
        try:
            clock = pp.FixedClock(datetime(2026, 5, 2, 9, 0, tzinfo=JST))
            v1 = pp.Engine(make_policy(), store=store, clock=clock)
            v2 = pp.Engine(v2_policy, store=store, clock=clock)
            s = v2.register_subject("u1", category="customer")
            v2.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
            clock.set(datetime(2026, 5, 3, 9, 0, tzinfo=JST))
            v1.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
            clock.set(datetime(2026, 5, 11, 9, 0, tzinfo=JST))  # the change is published
            q = UseQuery("newsletter", frozenset({"email"}))
            history = decide_use(v2_policy, _whole(store, s.id), q, clock.now())
            assert history.allowed
            assert v2.check_use(s, purpose="newsletter", items={"email"}) == history
        finally:
            store.close()
