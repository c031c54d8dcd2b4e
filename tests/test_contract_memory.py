"""The in-memory backend runs the backend contract exactly as a third party would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipolicy.backends.memory import MemoryStore
from pipolicy.storage.repositories import Store
from pipolicy.testing import BackendContract


class TestMemoryStore(BackendContract):
    @pytest.fixture
    def store(self) -> Iterator[Store]:
        store = MemoryStore()
        yield store
        store.close()
