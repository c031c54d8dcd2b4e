"""The built-in backends every end-to-end test runs on: memory and SQL (SQLite)."""

from __future__ import annotations

from collections.abc import Iterator

from pipolicy.backends.memory import MemoryStore
from pipolicy.storage.repositories import Store

BACKENDS = ["memory", "sqlite"]


def open_backend(name: str) -> Iterator[Store]:
    """A fresh store of the named backend, closed after the test (a fixture's body)."""
    if name == "memory":
        made: Store = MemoryStore()
    else:
        from pipolicy.backends.sql import SqlStore

        made = SqlStore("sqlite:///:memory:")
    yield made
    made.close()
