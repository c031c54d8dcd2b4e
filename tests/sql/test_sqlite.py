"""SQLite specifics: WAL, foreign keys, waiting for a busy writer, the shared memory store."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from pipolicy.backends.sql import SqlStore
from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.audit import AuditEntry
from pipolicy.domain.subjects import Subject
from pipolicy.errors import StorageError

from .records import T0, records, store_records


def _path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def test_a_file_store_uses_wal_foreign_keys_and_a_busy_timeout(sqlite_url: str) -> None:
    store = SqlStore(sqlite_url)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert (conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) > 0
        store_records(store, records())
        assert Path(_path(sqlite_url) + "-wal").exists()
    finally:
        store.close()


def test_a_record_for_an_unregistered_subject_is_refused(sqlite_url: str) -> None:
    store = SqlStore(sqlite_url)
    try:
        orphan = records().acquisition
        with pytest.raises(StorageError, match="registered subject"):
            _add_and_commit(store, orphan)
        with store.unit_of_work() as uow:
            assert list(uow.acquisitions.scan()) == []
    finally:
        store.close()


def _add_and_commit(store: SqlStore, acquisition: Acquisition) -> None:
    with store.unit_of_work() as uow:
        uow.acquisitions.add(acquisition)
        uow.commit()


def _hold_write_lock(path: str, locked: threading.Event, release: threading.Event) -> None:
    """Another process's writer, as far as SQLite can tell: holds the lock until told."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "INSERT INTO pipolicy_subjects (id, ref, registered_at, registered_at_offset) "
            "VALUES ('s-other', 'user-other', '2026-04-01T00:00:00.000000+00:00', 0)"
        )
        locked.set()
        release.wait(30)
        other.execute("COMMIT")
    finally:
        other.close()


def test_a_writer_waits_for_a_busy_database_instead_of_failing(sqlite_url: str) -> None:
    store = SqlStore(sqlite_url, lock_timeout=20)
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(_path(sqlite_url), locked, release))
    holder.start()
    try:
        assert locked.wait(10)
        threading.Timer(0.5, release.set).start()
        # Starts while the other writer holds the lock: it can only succeed by waiting.
        store_records(store, records())
        holder.join(10)
        with store.unit_of_work() as uow:
            assert uow.subjects.get("s-0") is not None
            assert uow.subjects.get("s-other") is not None  # both writers kept their work
    finally:
        release.set()
        holder.join(10)
        store.close()


def test_the_wait_is_bounded_and_a_timeout_keeps_nothing(sqlite_url: str) -> None:
    store = SqlStore(sqlite_url, lock_timeout=0.3)
    locked, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(_path(sqlite_url), locked, release))
    holder.start()
    try:
        assert locked.wait(10)
        started = time.monotonic()
        with pytest.raises(StorageError, match="locked") as raised:
            store_records(store, records())
        assert time.monotonic() - started < 10  # bounded: lock_timeout, not forever
        assert raised.value.__cause__ is not None  # the driver's error, kept for debugging
        release.set()
        holder.join(10)
        with store.unit_of_work() as uow:
            assert uow.subjects.get("s-0") is None
            assert uow.subjects.get("s-other") is not None
    finally:
        release.set()
        holder.join(10)
        store.close()


def test_memory_store_is_one_database_shared_by_threads() -> None:
    store = SqlStore("sqlite:///:memory:")
    errors: list[BaseException] = []

    def register(n: int) -> None:
        try:
            for i in range(20):
                with store.unit_of_work() as uow:
                    uow.subjects.add(Subject(f"s-{n}-{i}", f"user-{n}-{i}", T0))
                    uow.commit()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=register, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    try:
        assert errors == []
        with store.unit_of_work() as uow:
            for n in range(4):
                for i in range(20):
                    assert uow.subjects.get(f"s-{n}-{i}") is not None
        assert not store.capabilities.persistent
        assert not store.capabilities.multi_process
    finally:
        store.close()


def test_a_read_only_unit_of_work_refuses_writes(any_url: str) -> None:
    store = SqlStore(any_url, upgrade=True)
    try:
        with store.unit_of_work(read_only=True) as uow:
            assert uow.subjects.get("s-0") is None
            with pytest.raises(StorageError, match="read-only"):
                uow.subjects.add(records().subject)
    finally:
        store.close()


def test_r_sec_3_a_read_only_unit_of_work_refuses_audit_entries(any_url: str) -> None:
    """An entry appended where nothing can be written is refused as it is appended, on
    every database: PostgreSQL, which keeps a unit's entries until its commit, must not
    hold it for a commit a read-only unit never makes (the entry would be lost unsaid)."""
    store = SqlStore(any_url, upgrade=True)
    entry = AuditEntry.of(T0, "test.read_only", None, {})
    try:
        with store.unit_of_work(read_only=True) as uow:
            with pytest.raises(StorageError, match="read-only"):
                uow.audit.append(entry)
            with pytest.raises(StorageError, match="read-only"):
                uow.audit.append_many([entry, entry])
    finally:
        store.close()
