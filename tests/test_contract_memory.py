"""The in-memory backend runs the backend contract exactly as a third party would."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from pipolicy.backends.memory import MemoryStore
from pipolicy.storage.repositories import Capabilities, Store
from pipolicy.testing import BackendContract, PersistentBackendContract


class TestMemoryStore(BackendContract):
    @pytest.fixture
    def store(self) -> Iterator[Store]:
        store = MemoryStore()
        yield store
        store.close()


class _KeptMemoryStore(MemoryStore):
    """A store whose data outlives it in one process (as a file kept with ``shelve``
    would): a store opened again finds what the last one committed."""

    capabilities = Capabilities(persistent=True, multi_process=False, migrations=False)

    def __init__(self, kept: MemoryStore) -> None:
        super().__init__()
        self._state = kept._state  # the "file"


class TestPersistentSingleProcessStore(PersistentBackendContract):
    """A persistent store that one process uses has a contract of its own: the capability
    check accepts it, and it needs no second connection."""

    @pytest.fixture
    def kept(self) -> MemoryStore:
        return MemoryStore()

    @pytest.fixture
    def store(self, kept: MemoryStore) -> Iterator[Store]:
        store = _KeptMemoryStore(kept)
        yield store
        store.close()

    @pytest.fixture
    def reopen_store(self, kept: MemoryStore) -> Callable[[], Store]:
        return lambda: _KeptMemoryStore(kept)


def test_memory_pages_of_subjects_follow_registration(tmp_path: object) -> None:
    """The memory store pages people in the order they registered (as the repository
    protocol says), from the person after the cursor: a person registered while a send
    streams is still reached, and a page costs its own size, not a sort of everyone."""
    import pipolicy as pp
    from pipolicy.testing import contract_policy

    engine = pp.Engine(contract_policy(), store=MemoryStore())
    people = [engine.register_subject(f"user-{n}").id for n in range(12)]
    assert people != sorted(people)  # random ids: registration order is not id order
    with engine.store.unit_of_work(read_only=True, snapshot=True) as uow:
        assert uow.subjects.page_after(None, 3) == people[:3]
        assert uow.subjects.page_after(people[2], 3) == people[3:6]
        assert uow.subjects.page_after(people[8], 9) == people[9:]
    late = engine.register_subject("user-late").id
    with engine.store.unit_of_work(read_only=True, snapshot=True) as uow:
        assert uow.subjects.page_after(people[9], 3) == [*people[10:], late]
        assert uow.subjects.page_after(late, 3) == []
        with pytest.raises(pp.SubjectNotFound):
            uow.subjects.page_after("no-such-subject", 3)
