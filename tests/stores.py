"""The built-in backends every end-to-end test runs on: memory and SQL (SQLite); and the
contract policy's engine on each, which ``tests/conftest.py`` makes the ``engine`` of the
modules that need no policy of their own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone

import pipolicy as pp
from pipolicy.backends.memory import MemoryStore
from pipolicy.storage.repositories import Store
from pipolicy.testing import contract_policy

BACKENDS = ["memory", "sqlite"]

CONTRACT_NOW = datetime(2026, 4, 1, 9, 0, tzinfo=timezone.utc)
"""Where the clock of :func:`contract_engine` stands (fixed: a test reads it back)."""


def open_backend(name: str) -> Iterator[Store]:
    """A fresh store of the named backend, closed after the test (a fixture's body)."""
    if name == "memory":
        made: Store = MemoryStore()
    else:
        from pipolicy.backends.sql import SqlStore

        made = SqlStore("sqlite:///:memory:")
    yield made
    made.close()


def contract_engine(name: str) -> Iterator[pp.Engine]:
    """The contract policy's engine on a fresh store of the named backend, on a clock
    fixed at :data:`CONTRACT_NOW`; the store closed after the test (a fixture's body,
    ``tests/conftest.py``'s ``engine``)."""
    for store in open_backend(name):
        yield pp.Engine(contract_policy(), store=store, clock=pp.FixedClock(CONTRACT_NOW))
