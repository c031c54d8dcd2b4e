"""A single check on the memory store reads the person's compiled facts without a unit
of work (``MemoryStore.committed_facts``, the ``ReadsCommittedFacts`` fast path), and
answers exactly as through the unit it spares.

Each test holds the fast path to the unit: the same decisions (R-USE-1, R-TPP-1) with
and without it, the same errors (SubjectNotFound for nobody, StorageError for a store
that fails or is closed: decisions fail closed), and a write committed before a check
seen by it, even one a concurrent writer commits while the check runs lock-free.
"""

from __future__ import annotations

import itertools
import threading

import pytest

import pipolicy as pp
from pipolicy import engine as engine_module
from pipolicy.backends.memory import MemoryStore, MemoryUnitOfWork
from pipolicy.domain.facts import SubjectFacts
from pipolicy.errors import ConcurrencyConflict, StorageError, SubjectNotFound
from pipolicy.storage.fast_paths import ReadsCommittedFacts, fast_path
from tests.factories import make_engine


def _people(engine: pp.Engine) -> list[pp.Subject]:
    """People with and without acquisitions, consents (given, withdrawn, to recipients)
    and a departure, so that the decisions differ from person to person."""
    people = [engine.register_subject(f"ref-{n}", category="customer") for n in range(6)]
    a, b, c, d, e, _ = people
    for s in (a, b, c, d):
        engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    engine.grant_consent(a, purpose="signup")
    engine.grant_consent(a, recipient="partner", items={"name", "email"})
    engine.grant_consent(b, purpose="newsletter")
    engine.grant_consent(b, purpose="signup")
    engine.withdraw_consent(b, purpose="signup")
    engine.grant_consent(c, recipient="partner", items={"name"})
    engine.mark_left(d)
    engine.grant_consent(e, purpose="health")
    return people


def _answers(engine: pp.Engine, people: list[pp.Subject]) -> list[object]:
    """Every use and provision question over the policy's purposes, recipients and one
    or two of their items, asked by Subject, id and Ref: decisions, or the error raised."""
    policy = engine.policy
    found: list[object] = []
    names: list[pp.Subject | str | pp.Ref] = []
    for s in people:
        names += [s, s.id, pp.Ref(s.ref)]
    for who in names:
        for purpose in sorted(policy.purposes):
            declared = sorted(policy.purposes[purpose].items)
            for n in (1, 2):
                for items in itertools.combinations(declared, n):
                    found.append(engine.check_use(who, purpose=purpose, items=items))
        for recipient in sorted(policy.recipients):
            declared = sorted(policy.recipients[recipient].items)
            for purpose_of in (None, *sorted(policy.recipients[recipient].purposes)):
                for items in itertools.combinations(declared, 1):
                    found.append(
                        engine.check_provision(
                            who, recipient=recipient, purpose=purpose_of, items=items
                        )
                    )
    return found


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys the memory store's fast path was asked about, so that a test knows the
    path it holds to the unit was taken."""
    asked: list[str] = []
    read = MemoryStore.committed_facts

    def counting(self: MemoryStore, key: str, *, by_ref: bool) -> SubjectFacts | None:
        asked.append(key)
        return read(self, key, by_ref=by_ref)

    monkeypatch.setattr(MemoryStore, "committed_facts", counting)
    return asked


def _without_fast_path(monkeypatch: pytest.MonkeyPatch, engine: pp.Engine) -> None:
    """The engine's store as one offering no ``committed_facts``: every check opens a unit."""
    monkeypatch.setattr(engine.store, "committed_facts", None)
    assert fast_path(engine.store, ReadsCommittedFacts.committed_facts) is None


def test_r_use_1_r_tpp_1_checks_decide_the_same_with_and_without_the_fast_path(
    monkeypatch: pytest.MonkeyPatch, counted: list[str]
) -> None:
    engine, _ = make_engine()
    people = _people(engine)
    fast = _answers(engine, people)
    assert len(counted) == len(fast)  # every check took the fast path
    assert any(isinstance(d, pp.Decision) and d.allowed for d in fast)
    assert any(isinstance(d, pp.Decision) and not d.allowed for d in fast)
    _without_fast_path(monkeypatch, engine)
    assert _answers(engine, people) == fast


def test_r_use_1_nobody_is_subject_not_found_through_the_fast_path(counted: list[str]) -> None:
    engine, _ = make_engine()
    _people(engine)
    with pytest.raises(SubjectNotFound) as by_id:
        engine.check_use("nobody", purpose="service", items=["name"])
    with pytest.raises(SubjectNotFound) as by_ref:
        engine.check_provision(pp.Ref("no-ref"), recipient="partner", items=["name"])
    assert counted == ["nobody", "no-ref"]
    assert by_id.value.subject_id == "nobody"
    assert by_ref.value.subject_id == ""  # a ref is not kept (it may be personal data)
    assert "given ref" in str(by_ref.value)


def test_r_use_1_a_closed_store_fails_closed_with_storage_error() -> None:
    engine, _ = make_engine()
    (a, *_) = _people(engine)
    engine.store.close()
    with pytest.raises(StorageError, match="closed"):
        engine.check_use(a, purpose="service", items=["name"])
    with pytest.raises(StorageError, match="closed"):
        engine.check_provision(pp.Ref(a.ref), recipient="partner", items=["name"])


def _failing_store(engine: pp.Engine, monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def fails(key: str, *, by_ref: bool) -> SubjectFacts | None:
        raise error

    monkeypatch.setattr(engine.store, "committed_facts", fails)


def test_r_use_1_a_failing_fast_path_becomes_storage_error_as_a_failing_unit_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, _ = make_engine()
    (a, *_) = _people(engine)
    _failing_store(engine, monkeypatch, OSError("driver failed"))
    with pytest.raises(StorageError) as fast:
        engine.check_use(a, purpose="service", items=["name"])
    assert isinstance(fast.value.__cause__, OSError)

    def failing_unit(self: MemoryUnitOfWork, *args: object, **kwargs: object) -> None:
        raise OSError("driver failed")

    monkeypatch.setattr(engine.store, "committed_facts", None)
    monkeypatch.setattr(MemoryUnitOfWork, "facts", failing_unit)
    with pytest.raises(StorageError) as slow:
        engine.check_use(a, purpose="service", items=["name"])
    assert str(fast.value) == str(slow.value)
    assert "driver failed" not in str(fast.value)  # no store text in the message


def test_r_use_1_a_pipolicy_error_from_the_fast_path_propagates_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, _ = make_engine()
    (a, *_) = _people(engine)
    _failing_store(engine, monkeypatch, StorageError("the store is read-only now"))
    with pytest.raises(StorageError, match="read-only now"):
        engine.check_provision(a, recipient="partner", items=["name"])


def test_r_use_1_a_conflict_in_the_fast_path_falls_back_to_the_unit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine, _ = make_engine()
    (a, *_) = _people(engine)
    expected = engine.check_use(a, purpose="signup", items=["name"])
    _failing_store(engine, monkeypatch, ConcurrencyConflict("changed under the read"))
    assert engine.check_use(a, purpose="signup", items=["name"]) == expected


@pytest.mark.parametrize("fast", [True, False])
def test_r_use_1_an_error_inside_the_rules_fails_closed_the_same_on_both_paths(
    monkeypatch: pytest.MonkeyPatch, fast: bool
) -> None:
    """A bug in the rules (a KeyError, say) is a StorageError on either path, as it
    always was inside the unit: never an answer, never a bare exception."""
    engine, _ = make_engine()
    (a, *_) = _people(engine)
    if not fast:
        _without_fast_path(monkeypatch, engine)

    def broken(*args: object) -> pp.Decision:
        raise KeyError("an item")

    monkeypatch.setattr(engine_module, "decide_use", broken)
    monkeypatch.setattr(engine_module, "decide_provision", broken)
    with pytest.raises(StorageError) as use:
        engine.check_use(a, purpose="service", items=["name"])
    with pytest.raises(StorageError):
        engine.check_provision(a, recipient="partner", items=["name"])
    assert isinstance(use.value.__cause__, KeyError)


def test_r_con_2_a_withdrawal_committed_before_a_check_is_seen_by_it(counted: list[str]) -> None:
    engine, _ = make_engine()
    (a, *_) = _people(engine)
    assert engine.check_use(a, purpose="signup", items=["name"]).allowed
    assert engine.check_provision(
        pp.Ref(a.ref), recipient="partner", purpose="service", items=["email"]
    ).allowed
    engine.withdraw_consent(a, purpose="signup")
    engine.withdraw_consent(a, recipient="partner")
    assert not engine.check_use(a, purpose="signup", items=["name"]).allowed
    assert not engine.check_provision(
        pp.Ref(a.ref), recipient="partner", purpose="service", items=["email"]
    ).allowed
    assert len(counted) == 4


def test_r_con_2_a_concurrent_writers_swap_is_seen_by_the_next_check(
    monkeypatch: pytest.MonkeyPatch, counted: list[str]
) -> None:
    """While a writer holds the store's lock, about to commit a withdrawal, a check
    answers from the state before it without waiting; the check after the commit sees
    the withdrawal (the person's state replaced whole)."""
    engine, _ = make_engine()
    (a, *_) = _people(engine)
    committing, go_on = threading.Event(), threading.Event()
    commit = MemoryUnitOfWork.commit

    def held_commit(self: MemoryUnitOfWork) -> None:
        if threading.current_thread().name == "writer":
            committing.set()
            assert go_on.wait(10)
        commit(self)

    monkeypatch.setattr(MemoryUnitOfWork, "commit", held_commit)
    writer = threading.Thread(
        target=lambda: engine.withdraw_consent(a, purpose="signup"), name="writer"
    )
    writer.start()
    try:
        assert committing.wait(10)
        during: list[pp.Decision] = []
        checker = threading.Thread(
            target=lambda: during.append(engine.check_use(a, purpose="signup", items=["name"]))
        )
        checker.start()
        checker.join(10)
        assert not checker.is_alive()  # it never waited for the writer's lock
        assert [d.allowed for d in during] == [True]
    finally:
        go_on.set()
        writer.join(10)
    assert not writer.is_alive()
    assert not engine.check_use(a, purpose="signup", items=["name"]).allowed
    assert len(counted) == 2


class _CountingStore(MemoryStore):
    """A store that changes how its units are made (here, counts them)."""

    def __init__(self) -> None:
        super().__init__()
        self.units = 0

    def unit_of_work(self, *, read_only: bool = False, snapshot: bool = False) -> MemoryUnitOfWork:
        self.units += 1
        return super().unit_of_work(read_only=read_only, snapshot=snapshot)


def test_r_use_1_a_subclass_with_its_own_units_is_read_through_them() -> None:
    """The fast path would bypass a subclass's ``unit_of_work`` (one that fails, logs or
    counts): such a store answers None and every check opens its unit."""
    store = _CountingStore()
    engine, _ = make_engine()
    engine = pp.Engine(engine.policy, store=store, clock=engine.clock)
    (a, *_) = _people(engine)
    before = store.units
    assert store.committed_facts(a.id, by_ref=False) is None
    engine.check_use(a, purpose="service", items=["name"])
    engine.check_provision(pp.Ref(a.ref), recipient="partner", purpose="service", items=["name"])
    assert store.units == before + 2
    assert MemoryStore().committed_facts("nobody", by_ref=False) is None
