"""The contracts for stores whose data outlives them, and for stores several processes share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pipolicy.clock import FixedClock
from pipolicy.domain.audit import AuditEntry, verify_chain
from pipolicy.domain.consents import ConsentStatus
from pipolicy.domain.subjects import Ref
from pipolicy.engine import Engine
from pipolicy.queries import UseCheck
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import CONTRACT_START, _subject, audit_chain, contract_policy
from pipolicy.testing.contract.fixtures import (
    StoreFixtures,
    _add_all,
    _assert_conflict_now,
    _in_unit,
    _placed,
    _read,
    _reopener,
    _store_all,
    assert_equivalent,
)
from pipolicy.testing.contract.unit_of_work import _everything, _expected, _one_of_each


class PersistenceContract(StoreFixtures):
    """Data that outlives the store: for stores that declare ``persistent``.

    Run through :class:`PersistentBackendContract` (one process) or
    :class:`SharedBackendContract` (several); a store that declares neither runs
    :class:`BackendContract`, so no test here is ever skipped.
    """

    def test_commits_survive_reopening(
        self, store: Store, reopen_store: Callable[[], Store] | None
    ) -> None:
        assert store.capabilities.persistent, "only persistent stores run PersistenceContract"
        reopen = _reopener(reopen_store, "persistent")
        records = _one_of_each()
        events = audit_chain(2)
        _store_all(store, *records, *events)
        with store.unit_of_work() as uow:  # never committed
            _add_all(uow, _subject("s-uncommitted"))
        store.close()
        again = reopen()
        try:
            assert_equivalent(_read(again, _everything), _expected(records, events))
            assert _read(again, lambda uow: uow.subjects.get("s-uncommitted")) is None
            placed = _placed(again)
            assert_equivalent([e.entry for e in placed], [e.entry for e in events])
            assert verify_chain(placed).ok
        finally:
            again.close()


class SharingContract(StoreFixtures):
    """A database several processes share: for stores that declare ``multi_process``.

    A second store opened on the same data (``reopen_store``) stands for another
    process. Run through :class:`SharedBackendContract`.
    """

    def test_r_con_2_a_check_on_a_second_connection_sees_a_withdrawal_at_once(
        self, store: Store, reopen_store: Callable[[], Store] | None
    ) -> None:
        """Checks run in read-only units: on a shared database they must read what
        another connection committed, however the store caches people for checks."""
        assert store.capabilities.multi_process, "only shared stores run SharingContract"
        reopen = _reopener(reopen_store, "multi_process")
        other = reopen()
        try:
            clock = FixedClock(CONTRACT_START)
            writer = Engine(contract_policy(), store=store, clock=clock)
            checker = Engine(contract_policy(), store=other, clock=clock)
            subject = writer.register_subject("user-2c", category="customer")
            writer.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
            writer.grant_consent(subject, purpose="newsletter")
            use: dict[str, Any] = {"purpose": "newsletter", "items": {"email"}}
            assert checker.check_use(subject.id, **use).allowed  # read, maybe kept
            clock.advance(timedelta(minutes=1))
            writer.withdraw_consent(subject, purpose="newsletter")
            assert not checker.check_use(subject.id, **use).allowed
            assert not checker.check_use(Ref("user-2c"), **use).allowed
            [batch] = checker.check_use_many([UseCheck(subject.id, **use)])
            assert not batch.allowed
        finally:
            other.close()

    def test_a_second_connection_sees_commits_and_detects_lost_updates(
        self, store: Store, reopen_store: Callable[[], Store] | None
    ) -> None:
        assert store.capabilities.multi_process, "only shared stores run SharingContract"
        reopen = _reopener(reopen_store, "multi_process")
        other = reopen()
        try:
            records = _one_of_each()
            _store_all(store, *records)
            assert_equivalent(_read(other, _everything), _expected(records, []))

            # Lost update across connections: both read version 1, `store` writes first.
            stale = _read(other, lambda uow: uow.consents.get("c-s-1"))
            assert stale is not None
            first = stale.transition(ConsentStatus.WITHDRAWN, CONTRACT_START + timedelta(hours=1))
            _in_unit(store, lambda uow: uow.consents.update(first))
            second = stale.transition(ConsentStatus.REVOKED, CONTRACT_START + timedelta(hours=2))
            _assert_conflict_now(other, lambda uow: uow.consents.update(second))
            assert_equivalent(_read(other, lambda uow: uow.consents.get("c-s-1")), first)

            # Audit writers in two processes: neither reads the tail, both are placed,
            # in commit order, in one chain.
            entry_a = AuditEntry.of(CONTRACT_START, "test.a", None, {})
            entry_b = AuditEntry.of(CONTRACT_START, "test.b", None, {})
            _in_unit(store, lambda uow: uow.audit.append(entry_a))
            _in_unit(other, lambda uow: uow.audit.append(entry_b))
            placed = _placed(other)
            assert [e.entry for e in placed] == [entry_a, entry_b]
            assert verify_chain(placed).ok
        finally:
            other.close()
