"""The optional fast paths: the contract tells an adapter whose fast path the engine would
call with arguments it does not take, and finds every fast path the SQL store offers."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, cast

import pytest

from pipolicy.backends.memory import MemoryStore
from pipolicy.backends.sql import SqlStore
from pipolicy.storage import fast_paths
from pipolicy.storage.repositories import Store
from pipolicy.testing import FastPathContract
from pipolicy.testing.contract.fast_paths import PLACES, offered, problems

pytest_plugins = ["pytester"]


class _Offering:
    """``inner`` with ``extra`` attributes: a store, unit or repository that offers a fast
    path as an adapter author might have written it (``store.unit_of_work`` hands out
    units wrapped the same way, as ``units`` says)."""

    def __init__(
        self, inner: Any, extra: Mapping[str, object], units: Mapping[str, object] | None = None
    ) -> None:
        self._inner, self._extra, self._units = inner, extra, units or {}

    def __getattr__(self, name: str) -> Any:
        return self._extra[name] if name in self._extra else getattr(self._inner, name)

    def unit_of_work(self, **options: bool) -> _Unit:
        return _Unit(self._inner.unit_of_work(**options), self._units)


class _Unit(_Offering):
    def __init__(self, inner: Any, extra: Mapping[str, object]) -> None:
        repositories = {k: v for k, v in extra.items() if isinstance(v, dict)}
        own = {k: v for k, v in extra.items() if not isinstance(v, dict)}
        super().__init__(inner, own)
        for name, methods in repositories.items():
            self._extra = {**self._extra, name: _Offering(getattr(inner, name), methods)}

    def __enter__(self) -> _Unit:
        self._inner.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._inner.__exit__(kind, e, tb)


def _store(unit: Mapping[str, object], store: Mapping[str, object] | None = None) -> Store:
    """A memory store offering the fast paths given: ``unit`` on the unit of work (a dict
    of methods for a repository, by its name), ``store`` on the store."""
    return cast(Store, _Offering(MemoryStore(), store or {}, unit))


def _fn(signature: str) -> Callable[..., None]:
    """A function with ``signature`` (no self: it stands for a bound method)."""
    found: dict[str, Any] = {}
    exec(f"def method{signature}: pass", found)
    return cast("Callable[..., None]", found["method"])


WRONG: dict[str, tuple[dict[str, object], str]] = {
    "a keyword the engine passes, misspelt": (
        {"facts_by_ref": _fn("(ref, *, ended=True)")},
        "uow.facts_by_ref(ref, *, ended=True) takes no keyword argument 'ended_consents'",
    ),
    "a parameter the engine never passes": (
        {"audit": {"append_many": _fn("(entries, chunk)")}},
        "uow.audit.append_many(entries, chunk) needs 'chunk', which the engine does not pass",
    ),
    "keyword-only where the engine passes by position": (
        {"subjects": {"by_refs": _fn("(*, refs)")}},
        "uow.subjects.by_refs(*, refs) takes 0 positional argument(s); the engine passes 1",
    ),
    "one argument fewer than the engine passes": (
        {"consents": {"for_subjects": _fn("(subject_ids)")}},
        "uow.consents.for_subjects(subject_ids) takes 1 positional argument(s); "
        "the engine passes 2",
    ),
    "taken by position, then passed by keyword too": (
        {"facts_by_ref": _fn("(ended_consents, ref=None)")},
        "uow.facts_by_ref(ended_consents, ref=None) takes 'ended_consents' by position",
    ),
    "not a method": (
        {"subjects": {"lock": True}},
        "uow.subjects.lock is a bool, not a method",
    ),
}


@pytest.mark.parametrize("case", list(WRONG))
def test_a_wrong_fast_path_signature_fails_the_contract(case: str) -> None:
    unit, expected = WRONG[case]
    store = _store(unit)
    with pytest.raises(AssertionError) as failed:
        FastPathContract().test_each_fast_path_offered_takes_the_arguments_the_engine_passes(store)
    assert expected in str(failed.value)


def test_half_of_binding_fails_the_contract() -> None:
    """``bind`` without ``bound`` lets a stream made inside ``engine.using()`` be read
    outside it unnoticed, so a store offers both or neither."""
    store = _store({}, store={"bind": _fn("(connection)")})
    assert problems(store) == [
        "store offers bind but not bound (BindsConnection: offer all or none)"
    ]


def test_a_fast_path_may_name_what_the_engine_passes_by_position_as_it_likes() -> None:
    store = _store(
        {
            "facts_by_ref": _fn("(key, /, *, ended_consents=True, cached=False)"),
            "facts_many": _fn("(*ids)"),
            "audit": {"append_many": _fn("(events, **options)")},
            "subjects": {"add_many": _fn("(people)"), "scan": _fn("()")},
        }
    )
    assert problems(store) == []
    found = {(where, name) for where, _, name, method in offered(store) if method is not None}
    assert {("uow", "facts_by_ref"), ("uow.audit", "append_many")} <= found


def test_the_contract_fails_a_wrong_adapter_when_run_by_pytest(pytester: pytest.Pytester) -> None:
    """What an adapter author sees: the contract test fails and names the method."""
    pytester.makepyfile(
        """
        import pytest
        from pipolicy.backends.memory import MemoryStore, MemoryUnitOfWork
        from pipolicy.testing import FastPathContract

        class Unit(MemoryUnitOfWork):
            def facts_many(self, subject_ids, ended_consents):
                return {}

        class Store(MemoryStore):
            def unit_of_work(self, *, read_only=False, snapshot=False):
                return Unit(self)

        class TestWrongFastPath(FastPathContract):
            @pytest.fixture
            def store(self):
                return Store()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:pipolicy")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*uow.facts_many(subject_ids, ended_consents) needs 'ended_consents'*"]
    )


def test_the_contract_looks_for_every_fast_path_protocol() -> None:
    """A Protocol added to storage/fast_paths.py without a place here would go unchecked."""
    protocols = {getattr(fast_paths, n) for n in fast_paths.__all__ if n[0].isupper()}
    assert {protocol for _, protocol in PLACES} == protocols
    assert all(inspect.isclass(p) for p in protocols)


def test_the_contract_finds_every_fast_path_the_sql_store_offers() -> None:
    """The SQL store offers every kind, so the contract compares each (and passes, in
    tests/sql/test_contract.py): none is skipped for a wrong place or name."""
    store = SqlStore("sqlite:///:memory:")
    try:
        found = [(w, p, n) for w, p, n, method in offered(store) if method is not None]
    finally:
        store.close()
    tables = ("subjects", "consents", "acquisitions", "provisions", "restrictions", "requests")
    assert {(w, n) for w, _, n in found} == {
        ("store", "bind"),
        ("store", "bound"),
        ("uow", "facts_by_ref"),
        ("uow", "facts_many"),
        ("uow.audit", "append_many"),
        ("uow.subjects", "by_refs"),
        ("uow.subjects", "lock"),
        ("uow.consents", "for_subjects"),
        ("uow.subjects", "add_many"),
        ("uow.consents", "add_many"),
        *((f"uow.{table}", "scan") for table in tables),
    }
    # All but a check's read without a unit, which only a store that reads committed
    # states without a transaction can offer (the memory store, below).
    assert {p for _, p, _ in found} == {p for _, p in PLACES} - {fast_paths.ReadsCommittedFacts}


def test_the_contract_finds_the_memory_stores_read_without_a_unit() -> None:
    found = [(w, n) for w, _, n, method in offered(MemoryStore()) if method is not None]
    assert ("store", "committed_facts") in found


def test_r_sec_3_an_import_never_reads_a_batch_with_facts_many_when_it_cannot_lock_it() -> None:
    """``facts_many`` need lock nobody (checks only read): a store offering it without
    ``subjects.lock`` has each known person of an import's batch read by ``facts``, which
    in a writing unit locks them first, so each decision rests on facts read under the
    person's lock."""
    import pipolicy as pp
    from pipolicy.testing import CONTRACT_START, contract_policy

    def facts_many(subject_ids: list[str], /) -> Mapping[str, object]:
        raise AssertionError(f"{len(subject_ids)} people read without their locks")

    engine = pp.Engine(
        contract_policy(),
        store=_store({"facts_many": facts_many}),
        clock=pp.FixedClock(CONTRACT_START),
    )
    rows = [pp.ConsentImport(f"u{n}", purpose="newsletter", category="customer") for n in range(3)]
    assert engine.import_consents(rows).recorded == 3
    again = [pp.ConsentImport(f"u{n}", purpose="service", category="customer") for n in range(3)]
    assert engine.import_consents(again).recorded == 3  # known people: read one by one
