"""Fixtures: the shop's database, and pipolicy's fixtures pointed at it.

``pp_clock``, ``pp_policy``, ``pp_store`` and ``pp_engine`` come from pipolicy's pytest
plugin; the shop overrides ``pp_policy`` with its own policy and ``pp_store`` with a
SQL store on the test database, so ``pp_engine`` is the engine the app uses. Every test
runs on SQLite and, when ``PIPOLICY_TEST_POSTGRES_URL`` names a server, on PostgreSQL
with pipolicy's tables in a schema of their own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

import pipolicy as pp
from fastapi_app.app import POLICY_FILE, create_app
from fastapi_app.db import connect
from pipolicy.backends.sql import SqlStore, upgrade


class Outbox:
    """The mail service, in memory: who got what."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, to: str, subject: str) -> None:
        self.sent.append((to, subject))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """The shop's database URL and pipolicy's schema in it (None on SQLite)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'shop.db'}", None
        return
    server = os.environ.get("PIPOLICY_TEST_POSTGRES_URL", "").strip()
    if not server:
        pytest.skip("set PIPOLICY_TEST_POSTGRES_URL to run on PostgreSQL too")
    # The shop's tables in a schema of this test (its search path, standing in for
    # public on a server other runs share), pipolicy's in another.
    shop, ours = (f"{kind}_{uuid.uuid4().hex[:12]}" for kind in ("shop", "pp"))
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{shop}"')
    url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={shop}"})
    yield url.render_as_string(hide_password=False), ours
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{shop}" CASCADE')
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{ours}" CASCADE')
    admin.dispose()


@pytest.fixture
def db(database: tuple[str, str | None]) -> Iterator[sa.Engine]:
    engine = connect(database[0])
    yield engine
    engine.dispose()


@pytest.fixture
def pp_policy() -> pp.Policy:
    return pp.load_policy(POLICY_FILE)


@pytest.fixture
def pp_store(db: sa.Engine, database: tuple[str, str | None]) -> Iterator[SqlStore]:
    schema = database[1]
    upgrade(db, schema=schema)  # the deploy step
    store = SqlStore(db, schema=schema)
    yield store
    store.close()


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def client(db: sa.Engine, pp_engine: pp.Engine, outbox: Outbox) -> Iterator[TestClient]:
    with TestClient(create_app(db, pp_engine, outbox)) as test_client:
        yield test_client
