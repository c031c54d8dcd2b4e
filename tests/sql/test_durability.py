"""SQLite's durability setting: ``synchronous`` full by default, normal on request."""

from __future__ import annotations

import pytest

from pipolicy.backends.sql import SqlStore
from pipolicy.errors import InvalidInput


def _pragma(store: SqlStore) -> int:
    with store.engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA synchronous").scalar() or 0)


def test_a_commit_is_synced_by_default(sqlite_url: str) -> None:
    store = SqlStore(sqlite_url)
    try:
        assert store.synchronous == "full" and _pragma(store) == 2  # FULL
    finally:
        store.close()


@pytest.mark.parametrize("how", ["argument", "url"])
def test_normal_is_chosen_by_argument_or_url(sqlite_url: str, how: str) -> None:
    store = (
        SqlStore(sqlite_url, synchronous="normal")
        if how == "argument"
        else SqlStore(f"{sqlite_url}?synchronous=normal")
    )
    try:
        assert store.synchronous == "normal" and _pragma(store) == 1  # NORMAL
    finally:
        store.close()


def test_other_values_are_refused(sqlite_url: str) -> None:
    with pytest.raises(InvalidInput, match="'full'"):
        SqlStore(sqlite_url, synchronous="off")


def test_postgresql_refuses_it_with_the_servers_setting_named() -> None:
    with pytest.raises(InvalidInput, match="synchronous_commit"):
        SqlStore("postgresql://u:p@127.0.0.1:1/x", synchronous="normal")
