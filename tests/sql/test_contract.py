"""The SQL backend runs the backend contract exactly as a third-party adapter would.

Three runs: a SQLite file, SQLite ``:memory:`` and PostgreSQL (a real server; see
``conftest.py`` for when it skips and when it fails).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from pipolicy.backends.sql import SqlStore
from pipolicy.storage.repositories import Store
from pipolicy.testing import BackendContract, SharedBackendContract


class TestSqliteFileStore(SharedBackendContract):
    @pytest.fixture
    def store(self, sqlite_url: str) -> Iterator[Store]:
        store = SqlStore(sqlite_url)
        yield store
        store.close()

    @pytest.fixture
    def reopen_store(self, sqlite_url: str) -> Callable[[], Store]:
        return lambda: SqlStore(sqlite_url)


class TestSqliteMemoryStore(BackendContract):
    @pytest.fixture
    def store(self) -> Iterator[Store]:
        store = SqlStore("sqlite:///:memory:")
        yield store
        store.close()


@pytest.mark.postgres
class TestPostgresStore(SharedBackendContract):
    @pytest.fixture
    def store(self, postgres_url: str) -> Iterator[Store]:
        store = SqlStore(postgres_url, upgrade=True)
        yield store
        store.close()

    @pytest.fixture
    def reopen_store(self, postgres_url: str) -> Callable[[], Store]:
        return lambda: SqlStore(postgres_url)
