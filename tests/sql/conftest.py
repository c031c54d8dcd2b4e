"""Databases for the SQL backend's tests: SQLite files, SQLite memory, PostgreSQL.

PostgreSQL comes from ``PIPOLICY_TEST_POSTGRES_URL`` (``export
PIPOLICY_TEST_POSTGRES_URL=$(.ci/postgres.sh)`` starts one on Debian). Without it the
PostgreSQL tests skip and say how to run them, except under ``CI=true``, where a
missing server fails the run: CI must prove the backend on a real server. Each test
gets its own PostgreSQL schema (through ``search_path``), dropped afterwards, so tests
never see each other's rows and the database needs no cleaning.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipolicy.backends.sql import SqlStore

POSTGRES_ENV = "PIPOLICY_TEST_POSTGRES_URL"
HOW_TO = f"set {POSTGRES_ENV}, e.g. `export {POSTGRES_ENV}=$(.ci/postgres.sh)` (run as root)"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"CI=true and the PostgreSQL tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine]:
    """An engine on the test server, for creating and dropping per-test schemas."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        _unavailable(f"{POSTGRES_ENV} is not set; {HOW_TO}")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as e:
        engine.dispose()
        # The URL was given on purpose: an unreachable server is an error, not a skip.
        pytest.fail(
            f"{POSTGRES_ENV} is set but the server does not answer "
            f"({type(e.orig).__name__}): start it with .ci/postgres.sh",
            pytrace=False,
        )
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_admin: sa.Engine) -> Iterator[str]:
    """A URL whose connections work in a fresh, empty schema of the test database."""
    schema = f"pipolicy_t_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = postgres_admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'pipolicy.db'}"


StoreFactory = Callable[[], SqlStore]


@pytest.fixture(params=["sqlite-file", "sqlite-memory", "postgresql"])
def any_url(request: pytest.FixtureRequest) -> str:
    """Each database the backend supports, one test run apiece."""
    if request.param == "sqlite-file":
        return str(request.getfixturevalue("sqlite_url"))
    if request.param == "sqlite-memory":
        return "sqlite:///:memory:"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture(params=["sqlite-file", "postgresql"])
def shared_url(request: pytest.FixtureRequest) -> str:
    """Each database that several processes can share."""
    if request.param == "sqlite-file":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def sql_store(any_url: str) -> Iterator[SqlStore]:
    """A fresh, upgraded store on each database."""
    store = SqlStore(any_url, upgrade=True)
    yield store
    store.close()
