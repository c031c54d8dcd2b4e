"""The contract that recording decisions are serialized per subject (R-CON-2).

A decision that records something must rest on facts read after every earlier writer
about the same person committed: a consent withdrawn while a provision is being decided
is either seen by that decision, or the withdrawal waits until the provision is recorded.
The test reproduces the race deterministically: a wrapper around the store runs a
withdrawal from a second store (another connection, as another process would) at the
moment the provision has read its facts, then checks the audit log's order.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from pipolicy.clock import FixedClock
from pipolicy.engine import Engine
from pipolicy.errors import ProvisionDenied
from pipolicy.storage.repositories import Store, SubjectFacts, UnitOfWork
from pipolicy.testing.contract.data import CONTRACT_START, contract_policy
from pipolicy.testing.contract.fixtures import StoreFixtures, _reopener

__all__ = ["SerializationContract", "racing_store"]


class _RacingUnit:
    """A unit of work that calls ``hook`` right after a writing unit read a subject's facts."""

    def __init__(self, inner: UnitOfWork, hook: Callable[[], None] | None) -> None:
        self._inner = inner
        self._hook = hook

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _RacingUnit:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)  # type: ignore[arg-type]

    def facts(self, subject_id: str, *, ended_consents: bool = True) -> SubjectFacts | None:
        found = self._inner.facts(subject_id, ended_consents=ended_consents)
        if self._hook is not None:
            hook, self._hook = self._hook, None
            hook()
        return found


class _RacingStore:
    def __init__(self, inner: Store, hook: Callable[[], None]) -> None:
        self._inner = inner
        self._hook: Callable[[], None] | None = hook

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def unit_of_work(self, *, read_only: bool = False, snapshot: bool = False) -> _RacingUnit:
        hook = None
        if not read_only:
            hook, self._hook = self._hook, None
        return _RacingUnit(self._inner.unit_of_work(read_only=read_only, snapshot=snapshot), hook)


def racing_store(store: Store, hook: Callable[[], None]) -> Store:
    """``store``, calling ``hook`` once, right after the first writing unit of work read a
    subject's facts: the moment a race with another writer would do harm."""
    return _RacingStore(store, hook)


class SerializationContract(StoreFixtures):
    """Per-subject serialization of recording decisions, for stores several processes share."""

    def test_r_con_2_a_withdrawal_racing_a_provision_is_seen_or_waits(
        self, store: Store, reopen_store: Callable[[], Store] | None
    ) -> None:
        assert store.capabilities.multi_process, "only shared stores run this contract"
        other_store = _reopener(reopen_store, "multi_process")()
        clock = FixedClock(CONTRACT_START)
        other = Engine(contract_policy(), store=other_store, clock=clock)
        s = other.register_subject("racer", category="customer")
        other.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
        other.grant_consent(s, recipient="partner", items={"email"})
        withdrawn = threading.Event()
        failures: list[BaseException] = []

        def withdraw() -> None:
            try:
                other.withdraw_consent(s, recipient="partner")
                withdrawn.set()
            except BaseException as e:  # reported below, not lost in the thread
                failures.append(e)

        racer = threading.Thread(target=withdraw)

        def race() -> None:
            racer.start()
            # Give the withdrawal every chance to commit now, before the provision does:
            # a store that serializes per subject makes it wait instead.
            withdrawn.wait(timeout=1.0)

        engine = Engine(contract_policy(), store=racing_store(store, race), clock=clock)
        try:
            # A denial means the decision saw the withdrawal: also correct.
            with contextlib.suppress(ProvisionDenied):
                engine.provide(s, recipient="partner", items={"email"}, purpose="service")
            racer.join(timeout=60)
            assert not racer.is_alive() and not failures, failures
            kinds = [e.kind for e in engine.audit_events() if e.subject_id == s.id]
            assert "consent.withdrawn" in kinds
            if "provision.recorded" in kinds:
                assert kinds.index("provision.recorded") < kinds.index("consent.withdrawn"), (
                    "a provision was recorded on a consent withdrawn before it: the decision "
                    "read its facts before taking the subject's lock"
                )
            assert engine.verify_audit().ok
        finally:
            other_store.close()
