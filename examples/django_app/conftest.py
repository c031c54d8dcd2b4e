"""Fixtures: Django's test database (a file), and pipolicy's fixtures pointed at it.

pytest-django creates the test database by running ``migrate``: Django's migrations,
then pipolicy's (the accounts app's post-migrate hook). It is a file, not SQLite's
in-memory database, because pipolicy's engine opens connections of its own to it.

``pp_clock``, ``pp_policy``, ``pp_store`` and ``pp_engine`` come from pipolicy's pytest
plugin; the shop overrides ``pp_policy`` with its own policy and ``pp_store`` with a SQL
store on the test database, and installs ``pp_engine`` as the engine the views use.
Tests use ``django_db(transaction=True)``: pipolicy's own connections only see what
was committed, so the tests commit for real, and Django empties its tables after each
test; :func:`pp_store` empties pipolicy's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from django.conf import settings
from django.db import connections

import pipolicy as pp
from django_app.accounts import privacy
from pipolicy.backends.sql import METADATA, SqlStore


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("shop")
    connections["default"].settings_dict["TEST"]["NAME"] = str(folder / "test_shop.sqlite3")


@pytest.fixture
def pp_policy() -> pp.Policy:
    return pp.load_policy(settings.PIPOLICY_POLICY)


@pytest.fixture
def pp_store(transactional_db: None) -> Iterator[SqlStore]:
    store = SqlStore(privacy.database_url())  # upgraded already, by `migrate`
    yield store
    with store.engine.begin() as conn:
        for table in reversed(METADATA.sorted_tables):
            conn.execute(sa.delete(table))
    store.close()


@pytest.fixture(autouse=True)
def engine(pp_engine: pp.Engine) -> Iterator[pp.Engine]:
    """pipolicy's ``pp_engine``, installed as the views' engine for the test."""
    privacy.install(pp_engine)
    yield pp_engine
    privacy.install(None)
