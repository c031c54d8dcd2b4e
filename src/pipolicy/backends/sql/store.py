"""The SQL store: the storage ports on SQLAlchemy Core, for SQLite and PostgreSQL.

One :class:`SqlUnitOfWork` is one database transaction on one connection, begun on its
first statement and ended by ``commit()`` or, when the ``with`` block is left without
it, by a rollback. How writers are kept apart, per database:

* **SQLite** allows one writer at a time. A unit of work starts with
  ``BEGIN IMMEDIATE``, taking the write lock before it reads, so what it read cannot
  change under it and its commit cannot fail on a stale snapshot. A busy lock is waited
  for (SQLite's busy timeout), and the ``BEGIN`` is retried until ``lock_timeout``
  seconds have passed; then it fails with :class:`~pipolicy.errors.StorageError`.
  Nothing is ever dropped silently: a unit of work either commits or raises.
* **PostgreSQL** runs at READ COMMITTED. A unit of work that writes about a person locks
  that person's row (``SELECT ... FOR UPDATE``) before reading their facts, so writers
  about one person run one after another and writers about different people in
  parallel. Audit entries are appended without reading the log's tail; at commit, the
  writer that gets the sequencer's advisory lock without waiting places the queue and
  its own entries in one batch, and a writer that does not queues its own (the primary
  key on ``seq`` refuses a fork whatever happens). Reads take no lock. Every connection
  has a ``lock_timeout`` and a ``statement_timeout``, so a held lock or a runaway
  statement becomes a :class:`~pipolicy.errors.StorageError` in bounded time; a pooled
  connection found dropped at a unit's first statement is replaced, and one lost later
  fails the unit.

A COMMIT the database never answered raises :class:`~pipolicy.errors.CommitOutcomeUnknown`:
it may have been kept. Engines hide bound parameters (``hide_parameters=True``) from
their errors and logs, and the URL is shown without its password everywhere.

Lost updates are refused everywhere by the ``version`` column: an update only matches
the row if the stored version is the one before the new one. Inserts use
``ON CONFLICT DO NOTHING`` and count the rows, so a duplicate id is a
:class:`~pipolicy.errors.ConcurrencyConflict` without aborting the transaction.

Why one module of this length (about 2,100 lines): the repositories here are small
classes sharing one connection, one error translation and one versioned-update helper,
and read best beside the transaction (``_Transaction``: lazy begin, the application's
SAVEPOINT when bound, snapshots) and the unit of work that own them; the audit
sequencer belongs to that same transaction's commit, and so does the compiled state's
row (``_state``, ``_write_states``: they read what the transaction wrote, kept and
locked). The tables live in ``tables.py``,
row conversion in ``rows.py``, error mapping in ``errors.py``, migrations under
``migrations/``. The next split, when it grows again, is the facts queries (``_facts_query``
and its readers) into ``facts.py`` and ``SqlStore``'s opening and schema handling into
``opening.py``: both read the transaction's internals, which is why they are still here.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import math
import os
import random
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool
from typing_extensions import Self

from pipolicy.backends.sql import rows, state
from pipolicy.backends.sql.errors import (
    is_locked,
    translate,
    translating,
    translating_commit,
    withhold_values,
)
from pipolicy.backends.sql.facts_cache import FactsCache
from pipolicy.backends.sql.tables import (
    ACQUISITIONS,
    AUDIT,
    AUDIT_QUEUE,
    CONSENTS,
    PROVISIONS,
    REQUESTS,
    RESTRICTIONS,
    SUBJECT_STATES,
    SUBJECTS,
)
from pipolicy.clock import require_aware
from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.audit import GENESIS, AuditEntry, AuditEvent, entry_hash
from pipolicy.domain.consents import DECLINED, Consent, ConsentStatus
from pipolicy.domain.facts import (
    compact,
    decided,
    with_acquisition,
    with_consent,
    with_restriction,
    with_subject,
)
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import Request
from pipolicy.domain.restrictions import Restriction
from pipolicy.domain.subjects import Subject
from pipolicy.errors import (
    BackendNotFound,
    ConcurrencyConflict,
    InvalidInput,
    InvalidTransition,
    PipolicyError,
    StorageError,
    SubjectNotFound,
    UnreadableAuditEvent,
)
from pipolicy.storage.lazy import made_when_used
from pipolicy.storage.registry import redact_url
from pipolicy.storage.repositories import Capabilities, SubjectFacts

__all__ = [
    "CONNECT_TIMEOUT",
    "LOCK_TIMEOUT",
    "STATEMENT_TIMEOUT",
    "SqlStore",
    "SqlUnitOfWork",
    "shown_url",
]

T = TypeVar("T")

_PAGE = 500  # rows per query when scanning a whole table
_MANY = 500
"""Subjects per query where many are read or locked at once (bound parameters)."""
_ATTEMPTS = 3
"""Runs of a transaction the database aborted as a deadlock's victim, where the store
runs it itself (``upgrade``, a page of ``rebuild_states``; the engine retries its own)."""

LOCK_TIMEOUT = 30.0
"""Default seconds a writer waits for another's lock (SQLite's write lock; any lock on
PostgreSQL, the writer lock included)."""
STATEMENT_TIMEOUT = 60.0
"""Default seconds one PostgreSQL statement may run, lock waits included (so it is
longer than :data:`LOCK_TIMEOUT`, which then fires first, with the clearer message)."""
CONNECT_TIMEOUT = 10
"""Default seconds to wait for a PostgreSQL server to accept a connection."""

# URL query parameters SqlStore takes for itself; the driver never sees them.
_OWN_QUERY = ("lock_timeout", "statement_timeout", "synchronous", "schema")

# A PostgreSQL schema name pipolicy accepts: one plain lower-case identifier, so the name
# reads the same quoted or not, in psql as in the code, and needs no escaping anywhere.
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def shown_url(url: str | sa.URL) -> str:
    """``url`` for messages, reprs and logs: its password (and ``?password=``) masked."""
    try:
        parsed = url if isinstance(url, sa.URL) else sa.make_url(url)
        text = parsed.render_as_string(hide_password=True)
    except Exception:  # not a URL: mask what looks like a password anyway
        text = str(url)
    return redact_url(text)


def _seconds(value: float | str | None, name: str) -> float | None:
    """A positive, finite number of seconds, or None if not given."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise InvalidInput(f"{name} must be a positive number of seconds")
    return seconds


def _postgres_setup(lock_timeout: float, statement_timeout: float) -> Callable[[Any, Any], None]:
    """Connection setup: bounded lock waits and statements, for the whole session."""
    lock_ms, statement_ms = (
        max(1, round(lock_timeout * 1000)),
        max(1, round(statement_timeout * 1000)),
    )

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET lock_timeout = {lock_ms}")
            cursor.execute(f"SET statement_timeout = {statement_ms}")
        finally:
            cursor.close()
        # Committed, so the pool's rollback on return does not undo them.
        dbapi_connection.commit()

    return on_connect


def _lock_key(name: str) -> int:
    """A stable signed 64-bit key for ``pg_advisory_xact_lock``."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


SEQUENCER_LOCK_KEY = _lock_key("pipolicy.audit.sequencer")
"""PostgreSQL advisory lock held by the one writer placing queued audit events (of the
tables on the search path; a store in a schema of its own has a key of its own, so
the logs of two schemas never wait for each other)."""


def _schema(argument: str | None, in_url: object, dialect: str) -> str | None:
    """The schema pipolicy's tables live in: ``schema=`` if given, else the URL's
    ``?schema=``, else None (the connection's search path). Both given and different is
    refused: one of them is a mistake, and guessing would write the log elsewhere."""
    if in_url is not None and not isinstance(in_url, str):
        raise InvalidInput("?schema= in the URL must be given once")
    if argument is not None and in_url is not None and argument != in_url:
        raise InvalidInput(
            f"schema={argument!r} and ?schema={in_url}= in the URL differ: give one of them"
        )
    name = argument if argument is not None else in_url
    if name is None:
        return None
    if dialect == "sqlite":
        raise InvalidInput(
            "a schema is a PostgreSQL setting: on SQLite pipolicy's tables share the "
            "application's file under their pipolicy_ prefix (an attached database would "
            "not commit atomically with the main one in WAL mode); use a file of its own "
            "to keep them apart"
        )
    if not isinstance(name, str) or not _SCHEMA_NAME.fullmatch(name) or name.startswith("pg_"):
        raise InvalidInput(
            "a schema name is 1-63 lower-case letters, digits and underscores, starting "
            "with a letter or underscore, and not pg_…"
        )
    return name


# -- the transaction ------------------------------------------------------------------


def _while_locked(
    attempt: Callable[[], T], timeout: float, cleanup: Callable[[], object] = lambda: None
) -> T:
    """Run ``attempt``, again while SQLite reports its lock taken, for up to ``timeout`` s.

    Bounded and jittered, so waiting writers do not retry in lockstep; any other error,
    or the lock still taken at the deadline, is raised after ``cleanup``.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return attempt()
        except Exception as e:
            cleanup()
            if not is_locked(e) or time.monotonic() >= deadline:
                raise
            time.sleep(random.uniform(0.002, 0.02))


def _begin_deferred_sqlite(conn: Connection) -> None:
    """Make the application's SQLite transaction a real one before pipolicy's savepoint.

    Python's sqlite3 driver (in its default mode, which SQLAlchemy keeps) begins a
    transaction only before an INSERT, UPDATE or DELETE. A SAVEPOINT outside one starts
    a transaction of its own, which its RELEASE commits: pipolicy's writes would then be
    kept even if the application rolled back. So when the application's transaction has
    not begun in the database yet, begin it (deferred, as the driver would have); its
    commit or rollback ends it as usual.
    """
    dbapi = conn.connection.dbapi_connection
    if dbapi is not None and getattr(dbapi, "in_transaction", True) is False:
        conn.exec_driver_sql("BEGIN")


def _dropped(error: StorageError) -> bool:
    """Did ``error`` come of a connection the server or the network dropped?"""
    cause = error.__cause__
    return isinstance(cause, exc.DBAPIError) and cause.connection_invalidated


class _Transaction:
    """The connection of one unit of work, begun lazily, again after each commit."""

    def __init__(self, store: SqlStore, read_only: bool, *, snapshot: bool = False) -> None:
        self._store = store
        self.read_only = read_only
        self.snapshot = snapshot
        self._conn: Connection | None = None
        self._open = False
        # The connection was just taken from the pool and has run nothing yet (see run).
        self._fresh = False
        # The application's connection, when the unit runs inside its transaction
        # (SqlStore.bind): the unit is a SAVEPOINT there, never a transaction of its own.
        self._bound: Connection | None = store._bound.get()
        self._savepoint: sa.NestedTransaction | None = None
        # Given with every statement, not set on the connection: an application's
        # connection (bound) keeps its own options, its own schema map included, for
        # its own statements, and pipolicy's statements find pipolicy's schema.
        self.options: Mapping[str, Any] = store._statement_options
        # The people this unit wrote about: their compiled states are rewritten before
        # it commits. ``states`` holds the state of each person a writing unit read
        # (after their lock), kept current with the unit's own writes, so rewriting it
        # needs no read of the history.
        self.touched: set[str] = set()
        self.states: dict[str, SubjectFacts] = {}
        self.locked: set[str] = set()  # people whose row lock this unit holds (PostgreSQL)

    def holds(self, subject_id: str) -> bool:
        """Does this unit hold the person's lock, so what it reads of them stays current
        until it ends? (SQLite: a writing unit holds the database's write lock.)"""
        if self.read_only:
            return False
        return self._store.dialect == "sqlite" or subject_id in self.locked

    def wrote(
        self, subject_id: str, change: Callable[[SubjectFacts], SubjectFacts] | None = None
    ) -> None:
        """Note a write about ``subject_id``, and how it changes their state (``None``:
        unknown, so their state is read from the history at commit)."""
        self.touched.add(subject_id)
        kept = self.states.get(subject_id)
        if kept is not None:
            if change is None:
                del self.states[subject_id]
            else:
                self.states[subject_id] = change(kept)

    def forget(self) -> None:
        self.touched.clear()
        self.states.clear()
        self.locked.clear()

    def writable(self) -> None:
        """Refuse a write in a read-only unit (before it is kept for commit, too)."""
        if self.read_only:
            raise StorageError("this unit of work is read-only: open one without read_only")

    def conn(self, *, write: bool = False) -> Connection:
        """The connection, inside a transaction."""
        if write:
            self.writable()
        if self._bound is not None:
            return self._in_bound(self._bound)
        if self._conn is None:
            self._conn = self._connect(begins=True)
        if not self._open:
            self._begin(self._conn)
            self._open = True
        return self._conn

    def _in_bound(self, conn: Connection) -> Connection:
        """The application's connection, with this unit's savepoint open if it writes:
        the application's rollback removes what the unit wrote, its commit keeps it."""
        if self._conn is None:
            if conn.closed or not conn.in_transaction():
                raise InvalidInput(
                    "the connection bound with store.bind() / engine.using() is closed or "
                    "not in a transaction: begin one (with connection.begin():) first"
                )
            self._conn = conn
        if not self._open and not self.read_only:
            with translating("beginning a unit of work"):
                if self._store.dialect == "sqlite":
                    _begin_deferred_sqlite(conn)
                self._savepoint = conn.begin_nested()
            self._open = True
        return conn

    def _connect(self, *, begins: bool) -> Connection:
        """Take a connection from the pool (``begins``: for this unit's transaction).

        It is not pinged first (one round trip fewer for every unit of work: a check on
        PostgreSQL is then one): a connection the server dropped while it waited in the
        pool fails at its first statement, which :meth:`run` then sends once more, on a
        new connection."""
        with translating("connecting to the database"):
            conn = self._store._engine.connect()
            if begins and self.snapshot and self._store.dialect != "sqlite":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            elif begins and self.read_only and self._store.dialect != "sqlite":
                # A check reads one statement (the facts query), consistent by itself:
                # without BEGIN and ROLLBACK it is one round trip to the server.
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        self._fresh = True
        return conn

    def before_begin(self, statement: str) -> None:
        """Run ``statement`` on the connection before its transaction begins."""
        assert not self._open
        if self._conn is None:
            self._conn = self._connect(begins=False)
        self.run(lambda c: c.exec_driver_sql(statement), "preparing the connection")

    def after_end(self, statement: str) -> None:
        """Run ``statement`` after the transaction; a connection it fails on is discarded."""
        if self._conn is None:
            return
        try:
            self.run(lambda c: c.exec_driver_sql(statement), "resetting the connection")
        except PipolicyError:
            self._conn.invalidate()
            raise

    def _begin(self, conn: Connection) -> None:
        if self.snapshot and self._store.dialect == "sqlite":
            # WAL: the read transaction's snapshot is taken at its first SELECT.
            self.run(lambda c: c.exec_driver_sql("BEGIN"), "beginning a snapshot")
            return
        if self._store.dialect != "sqlite" or self.read_only:
            # Reads run in autocommit: each statement sees one consistent state, and a
            # check is one statement.
            return
        try:
            _while_locked(
                lambda: conn.exec_driver_sql("BEGIN IMMEDIATE"),
                self._store.lock_timeout,
                cleanup=conn.rollback,
            )
        except exc.SQLAlchemyError as e:
            withhold_values(e)
            raise translate(e, "beginning a unit of work") from e

    def run(self, statement: Callable[[Connection], T], doing: str) -> T:
        assert self._conn is not None
        if self._fresh:
            self._fresh = False
            try:
                with translating(doing):
                    return statement(self._conn)
            except StorageError as e:
                if not _dropped(e) or self._bound is not None or self._store.dialect == "sqlite":
                    raise
                # The pooled connection was dead before this first statement reached
                # the server, or died with it: either way the server ran nothing that
                # lasts (a transaction that never committed, or a read). The pool has
                # discarded it; send the statement once more on a new one.
                self._reconnect()
        with translating(doing):
            return statement(self._conn)

    def _reconnect(self) -> None:
        dead, self._conn = self._conn, None
        if dead is not None:
            with contextlib.suppress(exc.SQLAlchemyError):
                dead.close()
        self._conn = self._connect(begins=self._open)
        self._fresh = False

    def commit(self) -> None:
        if self._conn is None or not self._open:
            return
        self._open = False
        if self._bound is not None:
            # Release the savepoint: kept if, and when, the application commits.
            savepoint, self._savepoint = self._savepoint, None
            if savepoint is not None:
                with translating("releasing the unit's savepoint"):
                    savepoint.commit()
            return
        # An unanswered COMMIT is CommitOutcomeUnknown: it may have been kept.
        with translating_commit():
            self._conn.commit()

    def rollback(self) -> None:
        self._open = False
        if self._conn is None:
            return
        if self._bound is not None:
            savepoint, self._savepoint = self._savepoint, None
            if savepoint is not None and savepoint.is_active:
                with translating("rolling back to the unit's savepoint"):
                    savepoint.rollback()
            return
        with translating("rolling back"):
            self._conn.rollback()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and self._bound is None:  # the application closes its own
            with translating("returning the connection"):
                conn.close()


# -- repositories ---------------------------------------------------------------------


# Statements the write path runs on every call, built once (building one costs more
# than SQLAlchemy's cached compilation of it); their values are passed when run.
# The log's tail: only what placing the next event needs (its position and hash), not
# the payload, which the driver would decode for nothing.
_LAST_EVENT = sa.select(AUDIT.c.seq, AUDIT.c.hash).order_by(AUDIT.c.seq.desc()).limit(1)
_LAST_EVENT_SQLITE = str(
    _LAST_EVENT.compile(dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True})
)

# Every write about a person on PostgreSQL takes their row's lock first (``_hold``).
_LOCK_SUBJECTS = (
    sa.select(SUBJECTS.c.id)
    .where(SUBJECTS.c.id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(SUBJECTS.c.id)
    .with_for_update()
)


def _queue_page(gate: sa.ColumnElement[Any] | None = None) -> sa.Delete:
    """Take the first page off the audit queue, returning its rows (PostgreSQL).

    The page's rows are locked as they are read (``FOR UPDATE SKIP LOCKED``): a row
    another sequencer took and committed after this statement's snapshot is passed over
    (READ COMMITTED finds it deleted) and the page reads on, before the limit counts. So
    a page is short only when no more queued rows are visible, and the loop in
    :meth:`_Audit.settle` ends only when everything it could see is placed. (Only a
    sequencer deletes queued rows, and one holding the lock cannot be at work, so
    nothing is skipped; the statement never waits on a row.) A row queued after the
    snapshot waits for the next sequencer. A ``gate`` (a scalar subquery) is evaluated
    once, before any row is read or locked: no row is taken, nor locked, if it is false.
    """
    page = (
        sa.select(AUDIT_QUEUE.c.id)
        .order_by(AUDIT_QUEUE.c.id)
        .limit(_PAGE)
        .with_for_update(skip_locked=True)
    )
    taken = AUDIT_QUEUE.c.id.in_(page.scalar_subquery())
    return AUDIT_QUEUE.delete().where(taken if gate is None else sa.and_(gate, taken))


_QUEUE_PAGE = _queue_page().returning(*AUDIT_QUEUE.c)


def _queue_page_if_sequencer() -> sa.Select[Any]:
    """Try the sequencer's lock and, if it is got, take the queue's first page, in one
    statement: a ``got`` column says whether the lock was got (one row with no queued
    entry when nothing is queued, or when another sequencer is at work).

    One round trip at commit where there were three (queue the writer's entries, try
    the lock, take the page): a writer that gets the lock places its own entries without
    queueing them, and queues them only when another sequencer is at work. The lock is
    tried once, in a CTE every other part reads (a volatile function: evaluated once,
    before the page is taken). The statement's snapshot is older than the lock (see
    :func:`_queue_page` for why the page is still right); the log's tail is read by the
    next statement, after the lock.
    """
    key = sa.bindparam("sequencer", type_=sa.BigInteger)
    got = sa.select(sa.func.pg_try_advisory_xact_lock(key).label("got")).cte("got")
    gate = sa.select(got.c.got).scalar_subquery()
    taken = _queue_page(gate).returning(*AUDIT_QUEUE.c).cte("taken")
    return sa.select(got.c.got, *taken.c).select_from(got.outerjoin(taken, sa.true()))


_QUEUE_PAGE_IF_SEQUENCER = _queue_page_if_sequencer()


def _upserting(dialect: str) -> Any:
    """The module of ``dialect``'s ``INSERT`` with ``ON CONFLICT`` (PostgreSQL's or SQLite's)."""
    return pg_dialect if dialect == "postgresql" else sqlite_dialect


@functools.cache
def _insert_ignoring(dialect: str, table: sa.Table) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING`` in ``dialect``: a clash inserts nothing (and,
    on PostgreSQL, does not abort the transaction)."""
    return _upserting(dialect).insert(table).on_conflict_do_nothing()


@functools.cache
def _versioned_update(table: sa.Table) -> Any:
    """``UPDATE`` of one row over the version before (``where_id``, ``where_version``);
    the columns set are the other values it is run with."""
    return table.update().where(
        table.c.id == sa.bindparam("where_id"), table.c.version == sa.bindparam("where_version")
    )


@functools.cache
def _state_upsert(dialect: str) -> Any:
    """Write a person's state row, counting its versions."""
    insert = _upserting(dialect).insert(SUBJECT_STATES)
    return insert.on_conflict_do_update(
        index_elements=[SUBJECT_STATES.c.subject_id],
        set_={
            "version": SUBJECT_STATES.c.version + 1,
            "format": insert.excluded.format,
            "state": insert.excluded.state,
        },
    )


class _Repo:
    def __init__(self, tx: _Transaction) -> None:
        self._tx = tx

    def _rows(
        self, statement: sa.Executable, doing: str, values: Mapping[str, Any] | None = None
    ) -> list[Mapping[Any, Any]]:
        self._tx.conn()
        options = self._tx.options
        return self._tx.run(
            lambda c: list(c.execute(statement, values, execution_options=options).mappings()),
            doing,
        )

    def _one(self, statement: sa.Executable, doing: str) -> Mapping[Any, Any] | None:
        found = self._rows(statement, doing)
        return found[0] if found else None

    def _hold(self, subject_ids: Sequence[str]) -> None:
        """Lock these people until the unit ends, unless it holds them already; taken in
        id order, so two writers locking overlapping sets cannot deadlock (PostgreSQL;
        SQLite's ``BEGIN IMMEDIATE`` holds the database's write lock).

        Called before the first write about a person too: a write that read no facts
        first (a restriction a request granted, a person leaving) would otherwise hold
        only the weak lock its insert or update takes, so two such units could both read
        the history for the person's state row and the later commit overwrite the
        earlier's row; and upgrading those weak locks at commit could deadlock."""
        if self._tx._store.dialect != "postgresql":
            return
        ordered = sorted({sid for sid in subject_ids if sid not in self._tx.locked})
        for start in range(0, len(ordered), _MANY):
            chunk = ordered[start : start + _MANY]
            self._rows(_LOCK_SUBJECTS, "locking subjects", {"ids": chunk})
            self._tx.locked.update(chunk)

    def _write(
        self, statement: sa.Executable, doing: str, values: Mapping[str, Any] | None = None
    ) -> int:
        """Run ``statement`` (with ``values`` as its parameters, if given); the number of
        rows it wrote."""
        self._tx.conn(write=True)
        # Ask for the row count even of INSERTs (SQLAlchemy only keeps UPDATE's by default).
        options = {**self._tx.options, "preserve_rowcount": True}
        result = self._tx.run(
            lambda c: c.execute(statement, values, execution_options=options), doing
        )
        return int(result.rowcount)

    def _update_versioned(
        self, table: sa.Table, key: str, version: int, values: dict[str, Any], what: str
    ) -> None:
        """Store ``values`` only over the version just before: a lost update conflicts."""
        del values["id"], values["subject_id"]
        values.update(where_id=key, where_version=version - 1)
        if self._write(_versioned_update(table), f"updating {what}", values) != 1:
            raise ConcurrencyConflict(
                f"{what} {key} changed since it was read: reload it and try again"
            )

    def _insert(self, table: sa.Table, row: dict[str, Any], what: str) -> None:
        """Insert ``row``; a clash on a unique key is a ConcurrencyConflict."""
        stmt = _insert_ignoring(self._tx._store.dialect, table)
        if self._write(stmt, f"adding {what}", row) != 1:
            raise ConcurrencyConflict(
                f"{what} already exists (another writer was first): use a new id, or "
                "reload and try again"
            )

    def _insert_many(self, table: sa.Table, values: list[dict[str, Any]], what: str) -> None:
        """Insert many rows in one executemany; a clash on a unique key is a
        ConcurrencyConflict (the whole unit of work is then retried or abandoned)."""
        if values:
            self._tx.conn(write=True)
            options = self._tx.options  # pipolicy's schema, even on a bound connection
            self._tx.run(
                lambda c: c.execute(table.insert(), values, execution_options=options),
                f"adding {what}",
            )

    def _scan(
        self,
        table: sa.Table,
        key: sa.Column[Any],
        convert: Callable[[Mapping[Any, Any]], T],
        unreadable: Callable[[Any], Exception] | None = None,
    ) -> Iterator[T]:
        """Every row in ``key`` order, a page at a time, so memory stays bounded.
        ``unreadable(last_key)`` names the bad row when a whole page cannot be fetched."""
        last: Any = None
        while True:
            stmt = sa.select(table).order_by(key).limit(_PAGE)
            if last is not None:
                stmt = stmt.where(key > last)
            try:
                page = self._rows(stmt, f"scanning {table.name}")
            except Exception:  # e.g. JSON the driver cannot decode, raised as it fetches
                if unreadable is None:
                    raise
                raise unreadable(last) from None
            for row in page:
                yield convert(row)
            if len(page) < _PAGE:
                return
            last = page[-1][key.name]


class _Subjects(_Repo):
    def add(self, subject: Subject) -> None:
        self._insert(SUBJECTS, rows.subject_to_row(subject), f"subject {subject.id}")
        self._tx.locked.add(subject.id)  # a row this unit inserted: no one else sees it yet
        self._tx.touched.add(subject.id)
        self._tx.states[subject.id] = SubjectFacts(subject, (), (), ())  # new: no records

    def add_many(self, subjects: list[Subject]) -> None:
        self._insert_many(SUBJECTS, [rows.subject_to_row(s) for s in subjects], "subjects")
        for s in subjects:
            self._tx.locked.add(s.id)
            self._tx.touched.add(s.id)
            self._tx.states[s.id] = SubjectFacts(s, (), (), ())

    def by_refs(self, refs: list[str]) -> dict[str, Subject]:
        """The subjects registered under ``refs`` (those that are), a page per query."""
        found: dict[str, Subject] = {}
        for start in range(0, len(refs), _MANY):
            chunk = refs[start : start + _MANY]
            stmt = sa.select(SUBJECTS).where(SUBJECTS.c.ref.in_(chunk))
            for row in self._rows(stmt, "reading subjects"):
                subject = rows.subject_from_row(row)
                found[subject.ref] = subject
        return found

    def lock(self, subject_ids: list[str]) -> None:
        """Hold these subjects' locks until the unit ends (see ``_hold``)."""
        self._hold(subject_ids)

    def without_current_state(self) -> int:
        """How many people have no state row in this version's format
        (``SqlStore.states_to_rebuild``)."""
        current = sa.exists().where(
            SUBJECT_STATES.c.subject_id == SUBJECTS.c.id, SUBJECT_STATES.c.format == state.FORMAT
        )
        count = sa.select(sa.func.count().label("n")).select_from(SUBJECTS).where(~current)
        row = self._one(count, "counting subjects' states")
        assert row is not None  # a count is one row
        return int(row["n"])

    def get(self, subject_id: str) -> Subject | None:
        row = self._one(sa.select(SUBJECTS).where(SUBJECTS.c.id == subject_id), "reading a subject")
        return None if row is None else rows.subject_from_row(row)

    def by_ref(self, ref: str) -> Subject | None:
        row = self._one(sa.select(SUBJECTS).where(SUBJECTS.c.ref == ref), "reading a subject")
        return None if row is None else rows.subject_from_row(row)

    def scan(self) -> Iterator[Subject]:
        return self._scan(SUBJECTS, SUBJECTS.c.id, rows.subject_from_row)

    def page_after(self, after: str | None, limit: int) -> list[str]:
        stmt = sa.select(SUBJECTS.c.id).order_by(SUBJECTS.c.id).limit(limit)
        if after is not None:
            stmt = stmt.where(SUBJECTS.c.id > after)
        return [r["id"] for r in self._rows(stmt, "reading a page of subjects")]

    def mark_left(self, subject_id: str, at: datetime) -> None:
        self._hold([subject_id])
        values: dict[str, Any] = {}
        rows.put_instant(values, "left_at", at)
        stmt = SUBJECTS.update().where(SUBJECTS.c.id == subject_id).values(values)
        if self._write(stmt, "marking a subject as left") != 1:
            raise SubjectNotFound(subject_id)
        self._tx.wrote(subject_id, lambda s: with_subject(s, attrs.evolve(s.subject, left_at=at)))

    def mark_returned(self, subject_id: str) -> None:
        self._hold([subject_id])
        values: dict[str, Any] = {}
        rows.put_instant(values, "left_at", None)
        stmt = (
            SUBJECTS.update()
            .where(SUBJECTS.c.id == subject_id, SUBJECTS.c.left_at.is_not(None))
            .values(values)
        )
        if self._write(stmt, "marking a subject as returned") != 1:
            if self.get(subject_id) is None:
                raise SubjectNotFound(subject_id)
            raise InvalidTransition(f"subject {subject_id} has not left: nothing to return from")
        self._tx.wrote(subject_id, lambda s: with_subject(s, attrs.evolve(s.subject, left_at=None)))


def _with_new_consents(state: SubjectFacts, consents: list[Consent]) -> SubjectFacts:
    """``state`` once ``consents``, new records of its person, are added: what
    :func:`with_consent` gives applied to each in turn, made once (a bulk import adds a
    few to each person). ``decided`` keeps the order of what it keeps, so deciding once
    after appending them all keeps what deciding after each would; a consent whose id the
    state already holds takes :func:`with_consent`'s way."""
    held = state.consents
    ids = {h.id for h in held}
    if any(c.id in ids for c in consents):
        for c in consents:
            state = with_consent(state, c)
        return state
    return attrs.evolve(state, consents=decided((*held, *consents)))


class _Consents(_Repo):
    def add(self, consent: Consent) -> None:
        self._hold([consent.subject_id])
        self._insert(CONSENTS, rows.consent_to_row(consent), f"consent {consent.id}")
        self._tx.wrote(consent.subject_id, functools.partial(with_consent, consent=consent))

    def add_many(self, consents: list[Consent]) -> None:
        self._hold([c.subject_id for c in consents])
        self._insert_many(CONSENTS, [rows.consent_to_row(c) for c in consents], "consents")
        by_person: dict[str, list[Consent]] = {}
        for c in consents:
            by_person.setdefault(c.subject_id, []).append(c)
        for sid, theirs in by_person.items():
            self._tx.wrote(sid, functools.partial(_with_new_consents, consents=theirs))

    def get(self, consent_id: str) -> Consent | None:
        row = self._one(sa.select(CONSENTS).where(CONSENTS.c.id == consent_id), "reading a consent")
        return None if row is None else rows.consent_from_row(row)

    def for_subject(self, subject_id: str) -> list[Consent]:
        stmt = (
            sa.select(CONSENTS).where(CONSENTS.c.subject_id == subject_id).order_by(CONSENTS.c.row)
        )
        return [rows.consent_from_row(r) for r in self._rows(stmt, "reading consents")]

    def for_subjects(
        self, subject_ids: list[str], statuses: Iterable[ConsentStatus]
    ) -> dict[str, list[Consent]]:
        """The consents in ``statuses`` of each of ``subject_ids`` (those with any), in the
        order added, a page of people per query: the import's fast path for the noes
        that hold a row back (one query per person cost it half its speed)."""
        wanted = sorted(ConsentStatus(s).value for s in statuses)
        found: dict[str, list[Consent]] = {}
        for start in range(0, len(subject_ids), _MANY):
            stmt = (
                sa.select(CONSENTS)
                .where(CONSENTS.c.subject_id.in_(subject_ids[start : start + _MANY]))
                .where(CONSENTS.c.status.in_(wanted))
                .order_by(CONSENTS.c.row)
            )
            for r in self._rows(stmt, "reading consents"):
                consent = rows.consent_from_row(r)
                found.setdefault(consent.subject_id, []).append(consent)
        return found

    def scan(self) -> Iterator[Consent]:
        return self._scan(CONSENTS, CONSENTS.c.row, rows.consent_from_row)

    def update(self, consent: Consent) -> None:
        self._hold([consent.subject_id])
        values = rows.consent_to_row(consent)
        self._update_versioned(CONSENTS, consent.id, consent.version, values, "consent")
        self._tx.wrote(consent.subject_id, functools.partial(with_consent, consent=consent))


class _Acquisitions(_Repo):
    def add(self, acquisition: Acquisition) -> None:
        self._hold([acquisition.subject_id])
        self._insert(
            ACQUISITIONS, rows.acquisition_to_row(acquisition), f"acquisition {acquisition.id}"
        )
        change = functools.partial(with_acquisition, acquisition=acquisition)
        self._tx.wrote(acquisition.subject_id, change)

    def for_subject(self, subject_id: str) -> list[Acquisition]:
        stmt = (
            sa.select(ACQUISITIONS)
            .where(ACQUISITIONS.c.subject_id == subject_id)
            .order_by(ACQUISITIONS.c.row)
        )
        return [rows.acquisition_from_row(r) for r in self._rows(stmt, "reading acquisitions")]

    def scan(self) -> Iterator[Acquisition]:
        return self._scan(ACQUISITIONS, ACQUISITIONS.c.row, rows.acquisition_from_row)


class _Provisions(_Repo):
    def add(self, record: ProvisionRecord) -> None:
        self._insert(PROVISIONS, rows.provision_to_row(record), f"provision record {record.id}")

    def for_subject(self, subject_id: str) -> list[ProvisionRecord]:
        stmt = (
            sa.select(PROVISIONS)
            .where(PROVISIONS.c.subject_id == subject_id)
            .order_by(PROVISIONS.c.row)
        )
        return [rows.provision_from_row(r) for r in self._rows(stmt, "reading provisions")]

    def scan(self) -> Iterator[ProvisionRecord]:
        return self._scan(PROVISIONS, PROVISIONS.c.row, rows.provision_from_row)


class _Restrictions(_Repo):
    def add(self, restriction: Restriction) -> None:
        self._hold([restriction.subject_id])
        self._insert(
            RESTRICTIONS, rows.restriction_to_row(restriction), f"restriction {restriction.id}"
        )
        change = functools.partial(with_restriction, restriction=restriction)
        self._tx.wrote(restriction.subject_id, change)

    def for_subject(self, subject_id: str) -> list[Restriction]:
        stmt = (
            sa.select(RESTRICTIONS)
            .where(RESTRICTIONS.c.subject_id == subject_id)
            .order_by(RESTRICTIONS.c.row)
        )
        return [rows.restriction_from_row(r) for r in self._rows(stmt, "reading restrictions")]

    def scan(self) -> Iterator[Restriction]:
        return self._scan(RESTRICTIONS, RESTRICTIONS.c.row, rows.restriction_from_row)


class _Requests(_Repo):
    def add(self, request: Request) -> None:
        self._insert(REQUESTS, rows.request_to_row(request), f"request {request.id}")

    def get(self, request_id: str) -> Request | None:
        row = self._one(sa.select(REQUESTS).where(REQUESTS.c.id == request_id), "reading a request")
        return None if row is None else rows.request_from_row(row)

    def for_subject(self, subject_id: str) -> list[Request]:
        stmt = (
            sa.select(REQUESTS).where(REQUESTS.c.subject_id == subject_id).order_by(REQUESTS.c.row)
        )
        return [rows.request_from_row(r) for r in self._rows(stmt, "reading requests")]

    def scan(self) -> Iterator[Request]:
        return self._scan(REQUESTS, REQUESTS.c.row, rows.request_from_row)

    def open_due_before(self, at: datetime) -> list[Request]:
        require_aware(at, "open_due_before(at)")
        stmt = (
            sa.select(REQUESTS)
            .where(REQUESTS.c.is_open.is_(True), REQUESTS.c.due < at)
            .order_by(REQUESTS.c.due, REQUESTS.c.id)
        )
        return [rows.request_from_row(r) for r in self._rows(stmt, "reading due requests")]

    def update(self, request: Request) -> None:
        values = rows.request_to_row(request)
        self._update_versioned(REQUESTS, request.id, request.version, values, "request")


@attrs.frozen
class _Tail:
    """The last placed event's position and hash (a :class:`~pipolicy.domain.audit.Tail`)."""

    seq: int
    hash: str


def _placed_rows(last: _Tail | None, entries: list[AuditEntry]) -> list[dict[str, Any]]:
    """The rows of ``entries`` placed after ``last``, each payload in the canonical JSON
    its hash was taken of: encoded when the entry was made, or, for an entry read back
    from the queue, once here."""
    # Placed as sequence() places them, each straight into its row (no AuditEvent).
    seq, prev = (0, GENESIS) if last is None else (last.seq, last.hash)
    placed = []
    for entry in entries:
        entry = entry.encoded()
        seq += 1
        digest = entry_hash(seq, entry, prev)
        placed.append(rows.placed_row(seq, entry, prev, digest))
        prev = digest
    return placed


class _Audit(_Repo):
    """The log. SQLite has one writer at a time, so an entry is placed as it is appended.
    On PostgreSQL writers read nothing of the log as they append: a unit keeps its
    entries until it commits, then tries the sequencer's lock without waiting
    (``pg_try_advisory_xact_lock``). A writer that gets it places every queued entry it
    can see, then its own, in one batch; one that finds another sequencer at work queues
    its entries (``pipolicy_audit_queue``), to be placed by the next writer's commit or
    by :meth:`settle` (checkpoints and verification call it)."""

    def __init__(self, tx: _Transaction) -> None:
        super().__init__(tx)
        self.queued = False
        # PostgreSQL: this unit's entries, placed or queued at commit (see the class note).
        self._own: list[AuditEntry] = []

    def append(self, entry: AuditEntry) -> None:
        entry = entry.stored()  # checked once, here: the rows take its payload as is
        if self._tx._store.dialect == "postgresql":
            self._tx.writable()
            self._own.append(entry)
            self.queued = True
            return
        (row,) = _placed_rows(self._tail(), [entry])
        self._write(AUDIT.insert(), "appending to the audit log", row)

    def append_many(self, entries: list[AuditEntry]) -> None:
        """Append ``entries`` in order, in one statement (a bulk import's batch)."""
        entries = [e.stored() for e in entries]
        if self._tx._store.dialect == "postgresql":
            self._tx.writable()
            self._own += entries
            self.queued = True
            return
        self._insert_many(AUDIT, _placed_rows(self._tail(), entries), "audit events")

    def _tail(self) -> _Tail | None:
        driver = self._tx.conn().connection.driver_connection
        if isinstance(driver, sqlite3.Connection):
            # Every write on SQLite reads the tail: through the driver, as a check's
            # state row is read (see SqlUnitOfWork._state_rows), about a tenth of a write.
            try:
                found = driver.execute(_LAST_EVENT_SQLITE).fetchone()
            except sqlite3.Error as e:
                _driver_failure(e, "reading the audit log")
            return None if found is None else _Tail(found[0], found[1])
        row = self._one(_LAST_EVENT, "reading the audit log")
        return None if row is None else _Tail(row["seq"], row["hash"])

    def pending(self) -> list[AuditEntry]:
        stmt = sa.select(AUDIT_QUEUE).order_by(AUDIT_QUEUE.c.id)
        queued = [rows.entry_from_row(r) for r in self._rows(stmt, "reading queued audit events")]
        # This unit's own come last, as settle places them; as a read gives them back.
        return queued + [AuditEntry(e.at, e.kind, e.subject_id, e.payload) for e in self._own]

    def forget(self) -> None:
        """Drop this unit's own entries (its transaction rolls back)."""
        self._own.clear()
        self.queued = False

    def settle(self, *, wait: bool = True) -> None:
        """Place the queued entries this transaction can see, then this unit's own; with
        ``wait=False`` only if no other sequencer is at work, else queue this unit's own
        (a later sequencer will place them)."""
        if self._tx._store.dialect != "postgresql":
            return
        self._tx.conn(write=True)
        key = self._tx._store._sequencer_key
        own, self._own = self._own, []
        if wait:
            self._tx.run(
                lambda c: c.execute(sa.select(sa.func.pg_advisory_xact_lock(key))),
                "waiting for the audit sequencer",
            )
            found = self._rows(_QUEUE_PAGE, "placing audit events")
        else:
            found = self._rows(_QUEUE_PAGE_IF_SEQUENCER, "placing audit events", {"sequencer": key})
            if not found[0]["got"]:  # another sequencer is at work: it, or the next, places them
                if own:
                    self._insert_many(
                        AUDIT_QUEUE, [rows.entry_to_row(e) for e in own], "audit events"
                    )
                return
            found = [r for r in found if r["id"] is not None]  # the join's row, if none was taken
        while True:
            # RETURNING has no order: sort by id, the order the entries were queued in.
            batch = [rows.entry_from_row(r) for r in sorted(found, key=lambda r: r["id"])]
            more = len(found) == _PAGE  # a full page: more may be queued
            if not more:
                batch += own
            if batch:
                placed = _placed_rows(self._tail(), batch)
                self._tx.run(
                    lambda c: c.execute(AUDIT.insert(), placed, execution_options=self._tx.options),  # noqa: B023
                    "placing audit events",
                )
            if not more:
                return
            found = self._rows(_QUEUE_PAGE, "placing audit events")

    def scan(self) -> Iterator[AuditEvent]:
        return self._scan(AUDIT, AUDIT.c.seq, self._event, self._unreadable)

    def for_subject(self, subject_id: str) -> list[AuditEvent]:
        stmt = sa.select(AUDIT).where(AUDIT.c.subject_id == subject_id).order_by(AUDIT.c.seq)
        return [self._event(r) for r in self._rows(stmt, "reading the audit log")]

    @staticmethod
    def _event(row: Mapping[Any, Any]) -> AuditEvent:
        try:
            return rows.audit_from_row(row)
        except Exception as e:
            raise UnreadableAuditEvent(row["seq"], type(e).__name__) from None

    def _unreadable(self, after: int | None) -> UnreadableAuditEvent:
        """The first row after ``after`` that cannot be read, found one row at a time
        (a page failed as a whole, e.g. on JSON the driver could not decode)."""
        seqs = sa.select(AUDIT.c.seq).order_by(AUDIT.c.seq).limit(_PAGE)
        if after is not None:
            seqs = seqs.where(AUDIT.c.seq > after)
        options = self._tx.options
        for (seq,) in self._tx.run(
            lambda c: list(c.execute(seqs, execution_options=options)), "scanning the audit log"
        ):
            try:
                self._one(sa.select(AUDIT).where(AUDIT.c.seq == seq), "reading the audit log")
            except Exception:
                return UnreadableAuditEvent(seq, "its row cannot be decoded")
        return UnreadableAuditEvent((after or 0) + 1, "its page cannot be decoded")


# -- facts in one round trip ----------------------------------------------------------

_FACT_TABLES = (SUBJECTS, ACQUISITIONS, CONSENTS, RESTRICTIONS)


@functools.cache
def _facts_query(
    ended_consents: bool = True, many: bool = False, by_ref: bool = False
) -> sa.CompoundSelect[Any]:
    """One UNION ALL over the four tables a decision reads, each branch an index lookup.

    Every branch has the same wide shape: its own table's columns in their slots, typed
    NULLs in the others'. ``k`` says which table a row is from, ``ord`` keeps records in
    the order they were added. Without ``ended_consents`` the consents are read in two
    branches: those still given, through the partial index on them, whatever the
    history, and the refusals and withdrawals (the person's noes to a recipient or a
    purpose, which ``compact`` reduces to the latest of each). With
    ``many``, ``sids`` binds a list of subjects (each row says whose it is in ``sid``).
    """
    sid: Any = (
        sa.bindparam("sids", type_=sa.Text(), expanding=True)
        if many
        else sa.bindparam("sid", type_=sa.Text())
    )
    if by_ref:  # the application's key, resolved inside the same query
        ref = sa.bindparam("ref", type_=sa.Text())
        sid = sa.select(SUBJECTS.c.id).where(SUBJECTS.c.ref == ref).scalar_subquery()
    branches = []
    for k, table in enumerate(_FACT_TABLES):
        order: sa.ColumnElement[Any] = (
            table.c.row if "row" in table.c else sa.literal_column("0", sa.BigInteger())
        )
        columns: list[sa.ColumnElement[Any]] = [
            sa.literal_column(str(k), sa.Integer()).label("k"),
            order.label("ord"),
        ]
        for j, other in enumerate(_FACT_TABLES):
            for c in other.c:
                value = c if other is table else sa.cast(sa.null(), c.type)
                columns.append(value.label(f"t{j}_{c.name}"))
        key = table.c.id if table is SUBJECTS else table.c.subject_id
        if many:
            columns.insert(0, key.label("sid"))
        branch = sa.select(*columns).where(key.in_(sid) if many else key == sid)
        if table is CONSENTS and not ended_consents:
            # Literals, not bound values: the planner matches them to the partial index.
            given = sa.literal_column(f"'{ConsentStatus.GIVEN.value}'", sa.Text())
            branches.append(branch.where(table.c.status == given))
            # ...and the person's noes, to recipients and to purposes (domain/facts.py
            # ``decided``): every declined consent is one or the other.
            declined = [
                sa.literal_column(f"'{status.value}'", sa.Text())
                for status in sorted(DECLINED, key=lambda s: s.value)  # one cached text
            ]
            branch = branch.where(table.c.status.in_(declined))
        branches.append(branch)
    return sa.union_all(*branches).order_by(sa.text("k"), sa.text("ord"))


def _slice(row: Mapping[Any, Any], j: int) -> dict[str, Any]:
    return {c.name: row[f"t{j}_{c.name}"] for c in _FACT_TABLES[j].c}


def _facts_from(by_kind: list[list[dict[str, Any]]]) -> SubjectFacts:
    """Facts from one subject's rows of the facts query, by table."""
    return SubjectFacts(
        rows.subject_from_row(by_kind[0][0]),
        tuple(rows.acquisition_from_row(r) for r in by_kind[1]),
        tuple(rows.consent_from_row(r) for r in by_kind[2]),
        tuple(rows.restriction_from_row(r) for r in by_kind[3]),
    )


@functools.cache
def _state_query(by: str) -> sa.Select[Any]:
    """The read of compiled states (format, state, subject id) by one subject's ``sid``,
    one ``ref`` (resolved in the same query) or a list of ``sids``: built once, so a
    check spends nothing on building SQL."""
    key = SUBJECT_STATES.c.subject_id
    where: sa.ColumnElement[bool]
    if by == "id":
        where = key == sa.bindparam("sid", type_=sa.Text())
    elif by == "ref":
        ref = sa.bindparam("ref", type_=sa.Text())
        where = key == sa.select(SUBJECTS.c.id).where(SUBJECTS.c.ref == ref).scalar_subquery()
    else:
        where = key.in_(sa.bindparam("sids", type_=sa.Text(), expanding=True))
    return sa.select(SUBJECT_STATES.c.format, SUBJECT_STATES.c.state, key).where(where)


@functools.cache
def _state_sql(by: str) -> str:
    """:func:`_state_query` for one person as SQLite's driver takes it (one ``?``)."""
    return str(_state_query(by).compile(dialect=sqlite_dialect.dialect()))


def _again_if_aborted(run: Callable[[], T]) -> T:
    """``run()``, a transaction of its own, run again if the database aborted it as a
    deadlock's victim (:class:`ConcurrencyConflict`: it kept nothing), up to
    :data:`_ATTEMPTS` runs in all."""
    for attempt in range(_ATTEMPTS):
        try:
            return run()
        except ConcurrencyConflict:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _decoded(row: Sequence[Any]) -> SubjectFacts | None:
    """The state a row of :func:`_state_query` holds (format, text, subject id), or
    ``None`` where it cannot be trusted to be that person's: a format this version does
    not read, a text that does not decode, or a state of someone else (a row restored
    or written by hand). The person is then read from the history, which is the record."""
    found = state.decode(row[1], row[0])
    return found if found is not None and found.subject.id == row[2] else None


def _driver_failure(e: sqlite3.Error, doing: str) -> NoReturn:
    """Raise, as :func:`translating` would, an error of a statement sqlite3 ran itself
    (the check cache's, a state read through the driver): as SQLAlchemy's, then
    pipolicy's. (A ``try`` at each call, not a context manager: checks run through here,
    and two generator-based managers made warm checks measurably slower,
    benchmarks/bench_threads.py.)"""
    wrapped = exc.DBAPIError.instance(doing, None, e, sqlite3.Error, hide_parameters=True)
    withhold_values(wrapped)
    raise translate(wrapped, doing) from wrapped


def _by_driver(execute: Callable[[str, tuple[object, ...]], Any], sql: str, key: str) -> list[Any]:
    """The rows of ``sql`` (one ``?``, bound to ``key``) run by sqlite3's ``execute``."""
    try:
        return list(execute(sql, (key,)))
    except sqlite3.Error as e:
        _driver_failure(e, "reading a subject's state")


def facts_statement(*, ended_consents: bool = True) -> sa.CompoundSelect[Any]:
    """The facts query, for ``EXPLAIN`` in tests and docs (bind ``sid``)."""
    return _facts_query(ended_consents)


# -- unit of work and store -----------------------------------------------------------


class SqlUnitOfWork:
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls back."""

    def __init__(self, store: SqlStore, *, read_only: bool = False, snapshot: bool = False) -> None:
        self._store = store
        self._tx = _Transaction(store, read_only, snapshot=read_only and snapshot)
        self._held: threading.RLock | None = None

    # Each repository is made when first used: a check uses none of them, and making
    # all seven cost a cached check about a tenth of its time (under the profiler).
    # (made_when_used takes no lock, where functools.cached_property takes one shared by
    # every unit before Python 3.12: storage/lazy.py.)

    @made_when_used
    def subjects(self) -> _Subjects:
        return _Subjects(self._tx)

    @made_when_used
    def consents(self) -> _Consents:
        return _Consents(self._tx)

    @made_when_used
    def acquisitions(self) -> _Acquisitions:
        return _Acquisitions(self._tx)

    @made_when_used
    def provisions(self) -> _Provisions:
        return _Provisions(self._tx)

    @made_when_used
    def restrictions(self) -> _Restrictions:
        return _Restrictions(self._tx)

    @made_when_used
    def requests(self) -> _Requests:
        return _Requests(self._tx)

    @made_when_used
    def audit(self) -> _Audit:
        return _Audit(self._tx)

    def _audit_queued(self) -> bool:
        # Without asking ``audit`` (which would make it): only a unit that appended queues.
        audit: _Audit | None = self.__dict__.get("audit")
        return audit is not None and audit.queued

    def facts(self, subject_id: str, *, ended_consents: bool = True) -> SubjectFacts | None:
        """The subject and its acquisitions, consents and restrictions: one query.

        In a unit of work that writes, the subject is locked first, so the facts a
        recording decision rests on are read after every earlier writer about the same
        person committed, and no later one can change them before this one commits.
        SQLite's ``BEGIN IMMEDIATE`` already holds the database's write lock; on
        PostgreSQL the subject's row is locked (``SELECT ... FOR UPDATE``), so writers
        about different people do not wait for each other here.
        """
        cache = self._check_cache(ended_consents)
        if cache is not None:
            try:
                return cache.read(("id", subject_id), lambda: self._state(subject_id, cache))
            except sqlite3.Error as e:
                _driver_failure(e, "reading the check cache")
        self._tx.conn()
        if not self._tx.read_only:
            self.subjects._hold([subject_id])  # PostgreSQL; at most once a unit
        if not ended_consents:
            return self._state(subject_id)
        return self._facts_read(_facts_query(True), {"sid": subject_id})

    def facts_by_ref(self, ref: str, *, ended_consents: bool = True) -> SubjectFacts | None:
        """:meth:`facts` of the subject the application knows as ``ref``, in the same
        round trips as by id: the ref is resolved inside the facts query (and inside the
        row lock on PostgreSQL)."""
        cache = self._check_cache(ended_consents)
        if cache is not None:
            try:
                return cache.read(("ref", ref), lambda: self._state_by_ref(ref, cache))
            except sqlite3.Error as e:
                _driver_failure(e, "reading the check cache")
        self._tx.conn()
        if not self._tx.read_only and self._store.dialect == "postgresql":
            lock = sa.select(SUBJECTS.c.id).where(SUBJECTS.c.ref == ref).with_for_update()
            sid = self._tx.run(
                lambda c: c.execute(lock, execution_options=self._tx.options).scalar(),
                "locking the subject",
            )
            if sid is None:
                return None
            self._tx.locked.add(sid)
            if not ended_consents:
                return self._state(sid)
            return self._facts_read(_facts_query(True), {"sid": sid})
        if not ended_consents:
            return self._state_by_ref(ref)
        return self._facts_read(_facts_query(True, by_ref=True), {"ref": ref})

    # -- the compiled state (state.py): one row by primary key ---------------------

    def _state(self, subject_id: str, cache: FactsCache | None = None) -> SubjectFacts | None:
        """The person's compiled state: their state row where it is current, else read
        from the history (a person this unit wrote about, or one without a row yet).
        ``cache``: the row is read on the check cache's connection (see facts_cache.py)."""
        kept = self._tx.states.get(subject_id)
        if kept is not None:
            return kept
        found: SubjectFacts | None = None
        if subject_id not in self._tx.touched:
            rows_ = self._state_rows("id", subject_id, cache)
            if rows_:
                found = _decoded(rows_[0])
        if found is None:
            read = self._facts_read(_facts_query(False), {"sid": subject_id})
            found = None if read is None else compact(read)
        return self._kept(subject_id, found)

    def _kept(self, subject_id: str, found: SubjectFacts | None) -> SubjectFacts | None:
        """``found``, kept as the person's current state where this unit writes (it was
        read after their lock, see :meth:`facts`)."""
        if found is not None and self._tx.holds(subject_id):
            self._tx.states[subject_id] = found
        return found

    def _state_by_ref(self, ref: str, cache: FactsCache | None = None) -> SubjectFacts | None:
        """:meth:`_state` of the person the application knows as ``ref``, in one query
        where their row is current."""
        found = self._state_rows("ref", ref, cache)
        if found and found[0][2] not in self._tx.touched:
            decoded = _decoded(found[0])
            if decoded is not None:
                return self._kept(found[0][2], decoded)
        read = self._facts_read(_facts_query(False, by_ref=True), {"ref": ref})
        return None if read is None else self._kept(read.subject.id, compact(read))

    def _state_rows(
        self, by: str, key: str | list[str], cache: FactsCache | None = None
    ) -> list[Any]:
        """The rows of :func:`_state_query` (``by`` ``"id"``, ``"ref"`` or ``"ids"``).

        On SQLite one person's row is read through the driver: on the check cache's own
        connection when a check is read for the cache (``cache``), else on this unit's
        when it is the standard library's sqlite3 (a lent connection of another kind
        goes through SQLAlchemy). SQLAlchemy's execute cost a check about 45 µs and
        sqlite3's about 5 (measured, benchmarks/bench_checks.py), and checking a
        connection out of the pool and back in about a quarter of a first read (under
        the profiler). The statement is still SQLAlchemy's, compiled once; a driver
        error is raised as SQLAlchemy's, so it is translated as any other.
        """
        if isinstance(key, str) and cache is not None:
            return _by_driver(cache.rows, _state_sql(by), key)
        conn = self._tx.conn()
        driver = conn.connection.driver_connection
        if isinstance(driver, sqlite3.Connection) and isinstance(key, str):
            return _by_driver(driver.execute, _state_sql(by), key)
        params = {"sids": key} if by == "ids" else {"sid" if by == "id" else "ref": key}
        return self._tx.run(
            lambda c: list(c.execute(_state_query(by), params, execution_options=self._tx.options)),
            "reading subjects' states",
        )

    def _write_states(self) -> None:
        """Rewrite the compiled state of everyone this unit wrote about: from the state it
        read under their lock and its own writes, else from the history as this
        transaction sees it; in the same transaction, so a state row never says what the
        history does not."""
        touched = sorted(self._tx.touched)
        if not touched:
            return
        upsert = _state_upsert(self._store.dialect)
        for start in range(0, len(touched), _MANY):
            chunk = touched[start : start + _MANY]
            found = {sid: self._tx.states[sid] for sid in chunk if sid in self._tx.states}
            unread = [sid for sid in chunk if sid not in found]
            # Every write about a person took their lock first (``_Repo._hold``), so
            # this read sees every write committed before and none can commit until
            # this unit does; a person touched some other way is locked here.
            self.subjects.lock(unread)
            history = self._facts_many_read(unread)
            found.update({sid: compact(f) for sid, f in history.items()})
            values = [
                {"subject_id": sid, "version": 1, "format": state.FORMAT, "state": state.encode(f)}
                for sid, f in found.items()
            ]
            if values:
                self._tx.run(
                    lambda c: c.execute(upsert, values, execution_options=self._tx.options),  # noqa: B023
                    "writing subjects' states",
                )
        self._tx.touched.clear()

    def rewrite_states(self, subject_ids: list[str]) -> None:
        """Rewrite these people's compiled states from the history when this unit
        commits, under their locks (what ``SqlStore.rebuild_states`` does a page at a time)."""
        self.subjects.lock(subject_ids)
        self._tx.touched.update(subject_ids)
        for sid in subject_ids:
            self._tx.states.pop(sid, None)  # from the history, not from what was read

    def _check_cache(self, ended_consents: bool) -> FactsCache | None:
        """The cache, for a check's read of decision facts (see facts_cache.py): never
        for a unit that writes, a snapshot, a unit in the application's transaction, or
        the whole history."""
        tx = self._tx
        if ended_consents or not tx.read_only or tx.snapshot or tx._bound is not None:
            return None
        return self._store._facts_cache()

    def _facts_read(
        self, query: sa.CompoundSelect[Any], params: dict[str, Any]
    ) -> SubjectFacts | None:
        self._tx.conn()
        found = self._tx.run(
            lambda c: list(c.execute(query, params, execution_options=self._tx.options).mappings()),
            "reading a subject's facts",
        )
        if not found or found[0]["k"] != 0:
            return None
        by_kind: list[list[dict[str, Any]]] = [[], [], [], []]
        for row in found:
            k = row["k"]
            by_kind[k].append(_slice(row, k))
        return _facts_from(by_kind)

    def facts_many(self, subject_ids: list[str]) -> dict[str, SubjectFacts]:
        """The decision facts (compiled states) of each subject that exists, a few hundred
        people per query: the batch checks' one round trip per page. For reads only: it
        locks nobody, so no decision that records may rest on it."""
        cache = self._check_cache(ended_consents=False)
        if cache is not None:
            try:
                return cache.read_many(subject_ids, self._states_many)
            except sqlite3.Error as e:
                _driver_failure(e, "reading the check cache")
        return self._states_many(subject_ids)

    def _states_many(self, subject_ids: list[str]) -> dict[str, SubjectFacts]:
        self._tx.conn()
        kept = self._tx.states
        found: dict[str, SubjectFacts] = {sid: kept[sid] for sid in subject_ids if sid in kept}
        for start in range(0, len(subject_ids), _MANY):
            chunk = [
                sid
                for sid in subject_ids[start : start + _MANY]
                if sid not in self._tx.touched and sid not in found
            ]
            for row in self._state_rows("ids", chunk):
                decoded = _decoded(row)
                if decoded is not None:
                    found[row[2]] = decoded
        rest = [sid for sid in subject_ids if sid not in found]
        found.update({sid: compact(f) for sid, f in self._facts_many_read(rest).items()})
        for sid, f in found.items():
            self._kept(sid, f)
        return found

    def history_many(self, subject_ids: list[str], /) -> dict[str, SubjectFacts]:
        """Each person's compiled state as their history gives it, never read from a state
        row, a few hundred people per query: what verification compares the state rows
        with (pipolicy.verification)."""
        return {sid: compact(f) for sid, f in self._facts_many_read(subject_ids).items()}

    def _facts_many_read(self, subject_ids: list[str]) -> dict[str, SubjectFacts]:
        """The facts (consents still given, and the latest no to each recipient and each
        purpose) of each subject that exists, from the history, a few hundred people per
        query."""
        self._tx.conn()
        found: dict[str, SubjectFacts] = {}
        for start in range(0, len(subject_ids), _MANY):
            chunk = subject_ids[start : start + _MANY]
            got = self._tx.run(
                lambda c: list(
                    c.execute(
                        _facts_query(False, True),
                        {"sids": chunk},  # noqa: B023
                        execution_options=self._tx.options,
                    ).mappings()
                ),
                "reading subjects' facts",
            )
            grouped: dict[str, list[list[dict[str, Any]]]] = {}
            for row in got:
                k = row["k"]
                grouped.setdefault(row["sid"], [[], [], [], []])[k].append(_slice(row, k))
            for sid, by_kind in grouped.items():
                if by_kind[0]:
                    found[sid] = _facts_from(by_kind)
        return found

    def commit(self) -> None:
        self._write_states()
        self._tx.forget()  # what this unit held of people ends with its transaction
        if self._audit_queued():
            # Place the queue and this unit's entries if no other writer is doing so;
            # never wait for one.
            self.audit.settle(wait=False)
            self.audit.queued = False
        self._tx.commit()

    def rollback(self) -> None:
        if self._audit_queued():
            self.audit.forget()
        self._tx.forget()
        self._tx.rollback()

    def __enter__(self) -> Self:
        if self._store._closed:
            raise StorageError("this SqlStore is closed: open a new store")
        lock = self._store._lock
        if lock is not None:
            lock.acquire()
            self._held = lock
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            try:
                self.rollback()  # the unit's own audit entries too (PostgreSQL keeps them)
            except PipolicyError:
                if exc_value is None:
                    raise
                # The original error says more than a failed rollback of its transaction.
            finally:
                self._tx.close()
        finally:
            if self._held is not None:
                self._held.release()
                self._held = None


def _sqlite_setup(
    file_backed: bool, lock_timeout: float, synchronous: str = "full"
) -> Callable[[Any, Any], None]:
    """Connection setup: our own transaction control, foreign keys, WAL, durability."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let BEGIN come from us (BEGIN IMMEDIATE), not from the driver's guesswork.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            if file_backed:

                def wal() -> None:
                    mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
                    if str(mode).lower() != "wal":
                        cursor.execute("PRAGMA journal_mode = WAL")

                _while_locked(wal, lock_timeout)
                cursor.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        finally:
            cursor.close()

    return on_connect


class SqlStore:
    """A :class:`~pipolicy.storage.repositories.Store` on SQLite or PostgreSQL.

    ``url`` is a SQLAlchemy URL: ``sqlite:///pi.db`` (a file), ``sqlite:///:memory:``
    (this process only, one shared connection), or ``postgresql+psycopg://user:pw@host/db``
    (``postgresql://`` means the same: the ``postgres`` extra installs psycopg 3).

    ``upgrade`` says what opening the store does about the schema:

    * ``None`` (default): SQLite is upgraded to the newest migration, so a fresh file
      just works; PostgreSQL is only checked, because schema changes on a shared server
      belong to a deploy step (``pipolicy db upgrade URL``), and a database whose schema
      is not the one this pipolicy ships refuses to open with
      :class:`~pipolicy.errors.StorageError` saying so.
    * ``True``: upgrade, whatever the database.
    * ``False``: neither upgrade nor check (tools that inspect or migrate themselves).

    ``lock_timeout`` bounds how long a writer waits for another's lock before it raises
    :class:`~pipolicy.errors.StorageError`: SQLite's write lock, and on PostgreSQL any
    lock (the writer lock, a row lock), through the session's ``lock_timeout``.
    ``statement_timeout`` (PostgreSQL only) bounds how long one statement may run, lock
    waits included. Both are seconds; left out, they are taken from the URL's query
    (``?lock_timeout=10&statement_timeout=30``, removed before the driver sees the URL),
    else :data:`LOCK_TIMEOUT` (30 s) and :data:`STATEMENT_TIMEOUT` (60 s). Schema
    upgrades lift ``statement_timeout`` (a migration may rewrite a big table) but keep
    ``lock_timeout``. PostgreSQL connections are given ``connect_timeout``
    :data:`CONNECT_TIMEOUT` (10 s) unless the URL says otherwise. They are not pinged
    before use (a round trip on every unit of work): a pooled connection the server
    dropped (a restart, an idle timeout) fails at a unit's first statement, which is
    then sent once more on a new connection.

    ``synchronous`` (SQLite files only; also ``?synchronous=normal`` in the URL) trades
    durability for write speed: ``"full"`` (the default) syncs the write-ahead log at
    every commit, so a commit survives a power cut; ``"normal"`` syncs it only at
    checkpoints, so a power cut (not a crash of the process) may lose the last commits,
    never corrupt the database or split one (SQLite's WAL guarantees). Choose
    ``"normal"`` only where losing the last seconds of records to a power cut is
    acceptable, e.g. a bulk import you can run again.

    ``schema`` (PostgreSQL only; also ``?schema=pipolicy`` in the URL, removed before the
    driver sees it) puts every pipolicy table, index, the audit queue, the sequencer's
    lock and the migrations' version table in that schema, apart from the
    application's: statements carry SQLAlchemy's ``schema_translate_map``, never a
    ``search_path``, so a connection bound with :meth:`bind` keeps its own settings for
    the application's statements. Precedence: the ``schema`` argument, else the URL's,
    else none (the tables go where the connection's ``search_path`` says, usually
    ``public``); both given and different is refused. :meth:`upgrade` creates the
    schema if it is missing. A schema is refused on SQLite, where a "schema" is an
    attached database file: a transaction spanning it and the main file is not atomic
    in WAL mode, and pipolicy's tables are already kept apart by their ``pipolicy_``
    prefix. A name is one lower-case identifier (``[a-z_][a-z0-9_]*``, 63 at most).

    ``cache_checks`` (SQLite files only; on by default): checks read a person's facts
    through a cache in this process that any commit to the file, by this process or
    another, empties before the next check (``PRAGMA data_version``; see
    :mod:`pipolicy.backends.sql.facts_cache`). Writes, snapshots and units in the
    application's transaction always read the database. ``False`` reads it for checks
    too.

    The URL's password never appears in what the store shows: ``repr(store)``, error
    messages and SQLAlchemy's logs (which also hide bound parameters, values included).

    Raises :class:`~pipolicy.errors.InvalidInput` for another database, a timeout that
    is not a positive number of seconds or a schema pipolicy cannot use, :class:`~pipolicy.errors.StorageError` if the
    database cannot be reached or upgraded.
    """

    def __init__(
        self,
        url: str | Engine,
        *,
        upgrade: bool | None = None,
        lock_timeout: float | None = None,
        statement_timeout: float | None = None,
        synchronous: str | None = None,
        schema: str | None = None,
        cache_checks: bool = True,
    ) -> None:
        self._bound: contextvars.ContextVar[Connection | None] = contextvars.ContextVar(
            "pipolicy_bound_connection", default=None
        )
        self._owned = not isinstance(url, Engine)
        if isinstance(url, Engine):
            self._adopt(url, upgrade, lock_timeout, statement_timeout, schema)
            return
        try:
            parsed: sa.URL | None = sa.make_url(url)
        except exc.ArgumentError:
            parsed = None
        if parsed is None:
            # Raised outside the except block: SQLAlchemy's error quotes the whole URL,
            # password included, and would stay reachable as __context__.
            raise InvalidInput(
                "not a database URL: use e.g. 'sqlite:///pi.db' or "
                "'postgresql+psycopg://user:password@host/db'"
            )
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.dialect = parsed.get_backend_name()
        if self.dialect not in ("sqlite", "postgresql"):
            raise InvalidInput(
                f"SqlStore supports sqlite and postgresql URLs, not {self.dialect!r}"
            )
        query = parsed.query
        own = {k: query[k] for k in _OWN_QUERY if k in query}
        parsed = parsed.difference_update_query(_OWN_QUERY)
        self._set_schema(_schema(schema, own.get("schema"), self.dialect))

        def setting(argument: float | None, name: str, default: float) -> float:
            given = _seconds(argument, name)
            if given is None:
                raw = own.get(name)
                given = _seconds(raw if isinstance(raw, str) else None, f"?{name}= in the URL")
            return default if given is None else given

        raw_sync = synchronous if synchronous is not None else own.get("synchronous", "full")
        if raw_sync not in ("full", "normal"):
            raise InvalidInput("synchronous must be 'full' (the default) or 'normal'")
        if raw_sync != "full" and self.dialect != "sqlite":
            raise InvalidInput(
                "synchronous is a SQLite setting; PostgreSQL's durability is the server's "
                "synchronous_commit"
            )
        self.synchronous = str(raw_sync)
        self.lock_timeout = setting(lock_timeout, "lock_timeout", LOCK_TIMEOUT)
        self.statement_timeout = setting(statement_timeout, "statement_timeout", STATEMENT_TIMEOUT)
        self._closed = False
        self._lock: threading.RLock | None = None
        self._memory = self.dialect == "sqlite" and parsed.database in (None, "", ":memory:")
        # Checks on a SQLite file read through a cache kept fresh by the file's version
        # (facts_cache.py), opened at the first check.
        # The file as named now (a later chdir must not point the cache at another file);
        # a "file:" URI may carry options the watching connection would not share.
        path = parsed.database or ""
        on_file = self.dialect == "sqlite" and not self._memory and cache_checks
        uri = path.startswith("file:") or "uri" in parsed.query
        self._cache_path = os.path.abspath(path) if on_file and not uri else None
        self._cache: FactsCache | None = None
        self._cache_lock = threading.Lock()
        self._engine: Engine
        with translating("opening the database"):
            if self.dialect == "sqlite":
                if self._memory:
                    # One connection, shared: a second would see a different empty database.
                    self._engine = sa.create_engine(
                        parsed,
                        poolclass=StaticPool,
                        connect_args={"check_same_thread": False},
                        hide_parameters=True,
                        json_serializer=rows.json_text,
                    )
                    self._lock = threading.RLock()
                else:
                    self._engine = sa.create_engine(
                        parsed,
                        connect_args={"timeout": min(self.lock_timeout, 5.0)},
                        hide_parameters=True,
                        json_serializer=rows.json_text,
                    )
                event.listen(
                    self._engine,
                    "connect",
                    _sqlite_setup(not self._memory, self.lock_timeout, self.synchronous),
                )
            else:
                connect_args: dict[str, Any] = {}
                if "connect_timeout" not in parsed.query:
                    connect_args["connect_timeout"] = CONNECT_TIMEOUT
                try:
                    self._engine = sa.create_engine(
                        parsed,
                        connect_args=connect_args,
                        hide_parameters=True,
                        json_serializer=rows.json_text,
                    )
                except ModuleNotFoundError as e:
                    missing = BackendNotFound(
                        f"PostgreSQL needs a driver that is not installed ({e.name}): "
                        "pip install 'pipolicy[postgres]'"
                    )
                    raise missing from None
                event.listen(
                    self._engine,
                    "connect",
                    _postgres_setup(self.lock_timeout, self.statement_timeout),
                )
        self._base = self._engine
        self._engine = self._in_schema(self._engine)
        try:
            self._opened(parsed, upgrade)
        except BaseException:
            self._base.dispose()
            raise

    def _set_schema(self, schema: str | None) -> None:
        self.schema = schema
        """The PostgreSQL schema of pipolicy's tables, or None for the search path's."""
        self._statement_options: Mapping[str, Any] = (
            {} if schema is None else {"schema_translate_map": {None: schema}}
        )
        self._sequencer_key = (
            SEQUENCER_LOCK_KEY
            if schema is None
            else _lock_key(f"pipolicy.audit.sequencer:{schema}")
        )

    def _in_schema(self, engine: Engine) -> Engine:
        """``engine`` with pipolicy's schema on every connection it gives pipolicy: a copy
        sharing its pool (SQLAlchemy's ``execution_options``), the original untouched."""
        if self.schema is None:
            return engine
        return engine.execution_options(**self._statement_options)

    def _opened(self, url: sa.URL, upgrade: bool | None) -> None:
        """What every store does once it has its engine: say what it can do and how it
        is shown, then upgrade the schema or check it (see the class's ``upgrade``)."""
        persistent = not self._memory
        self.capabilities = Capabilities(
            persistent=persistent, multi_process=persistent, migrations=True
        )
        self._shown = (
            f"sqlite:///{url.database or ':memory:'}"
            if self.dialect == "sqlite"
            else shown_url(url)
        )
        if upgrade or (upgrade is None and self.dialect == "sqlite"):
            self.upgrade()
        elif upgrade is None:
            self._require_head()

    def _adopt(
        self,
        engine: Engine,
        upgrade: bool | None,
        lock_timeout: float | None,
        statement_timeout: float | None,
        schema: str | None,
    ) -> None:
        """Use the application's SQLAlchemy engine, as it is configured: pipolicy adds no
        connection hooks to it (so no SQLite WAL switch, no PostgreSQL session timeouts:
        the application's settings apply) and never disposes of it. With a ``schema``,
        pipolicy uses a copy of it that puts its own statements there; the application's
        engine itself is left as it was."""
        self.dialect = engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise InvalidInput(
                f"SqlStore supports sqlite and postgresql engines, not {self.dialect!r}"
            )
        self._set_schema(_schema(schema, None, self.dialect))
        self._base = engine
        self._engine = self._in_schema(engine)
        self.lock_timeout = _seconds(lock_timeout, "lock_timeout") or LOCK_TIMEOUT
        self.statement_timeout = (
            _seconds(statement_timeout, "statement_timeout") or STATEMENT_TIMEOUT
        )
        self.synchronous = "full"
        self._closed = False
        self._memory = self.dialect == "sqlite" and engine.url.database in (None, "", ":memory:")
        # The application's engine: its connections may be set up in ways pipolicy does
        # not see, so checks read the database.
        self._cache_path = None
        self._cache = None
        self._cache_lock = threading.Lock()
        self._lock = threading.RLock() if self._memory else None
        self._opened(engine.url, upgrade)

    @contextmanager
    def bind(self, connection: Connection) -> Iterator[Connection]:
        """Run every unit of work opened in this block (this thread or task) on
        ``connection``, inside the application's own transaction.

        Each unit is a SAVEPOINT in that transaction: pipolicy's writes are kept if and
        when the application commits, and gone if it rolls back; a unit that fails rolls
        back to its savepoint and leaves the application's own writes alone. The audit
        log stays consistent either way: its entries, and on PostgreSQL the person's row
        lock and the sequencer's lock, belong to the same transaction. ``connection`` is
        a SQLAlchemy ``Connection`` in a transaction (``with engine.begin() as
        connection:``, or an ORM ``session.connection()``) on this store's database.
        Nested ``bind`` blocks use the innermost connection.
        """
        if not isinstance(connection, Connection):
            raise InvalidInput(
                "bind() takes a SQLAlchemy Connection (engine.begin(), session.connection())"
            )
        if connection.dialect.name != self.dialect:
            raise InvalidInput(
                f"the connection is to {connection.dialect.name}, this store to {self.dialect}"
            )
        token = self._bound.set(connection)
        try:
            yield connection
        finally:
            self._bound.reset(token)

    def bound(self) -> Connection | None:
        """The connection a :meth:`bind` block in this thread or task runs units on."""
        return self._bound.get()

    # -- schema ------------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> None:
        """Run the migrations up to ``revision``; safe while other processes use the store.
        An earlier pipolicy's writes (it keeps no state rows) mark the person's state
        stale from revision 0010 on, so checks read them from the history; the upgrade to
        0010 marks every row so. ``rebuild_states`` afterwards gives everyone a current
        row again (docs/adapters.md).

        A migration that waits for running writers can meet one of them in a deadlock
        (creating 0010's triggers does); the database aborts one of the two, and an
        aborted upgrade, which kept nothing, is run again, up to three runs in all."""
        from pipolicy.backends.sql.migrate import head_revision, run_upgrade

        if revision == "head" and self.revision() == head_revision():
            return  # opening a current SQLite file: no lock, no check of every reference

        def run() -> None:
            with self._exclusive() as conn:
                run_upgrade(conn, revision, self.schema)

        _again_if_aborted(run)

    def rebuild_states(self) -> int:
        """Rewrite every person's compiled state from the history, a page of people per
        transaction; the number of people. The state is derived (``pipolicy db
        rebuild-state``): decisions are the same before and after. Run it after upgrading
        (until then people without a current row are read from the history), or after
        anything other than pipolicy wrote to the history tables: the schema's triggers
        marked those people's rows stale (revision 0010), so their checks read the
        history until then.

        A page that meets an outside write in a deadlock (0010's triggers lock people
        too) and is aborted is run again, up to three times; pages before it are kept."""
        done, after = 0, None
        while True:
            ids = _again_if_aborted(functools.partial(self._rebuild_page, after))
            done += len(ids)
            if len(ids) < _MANY:
                return done
            after = ids[-1]

    def _rebuild_page(self, after: str | None) -> list[str]:
        """Rewrite the states of the page of people after ``after``, in one transaction."""
        with self.unit_of_work() as uow:
            ids = uow.subjects.page_after(after, _MANY)
            uow.rewrite_states(ids)
            uow.commit()
        return ids

    def states_to_rebuild(self) -> int:
        """How many people have no state row in this version's format: none yet, one
        marked stale by a write pipolicy did not make (revision 0010's triggers, and the
        upgrade to it), or one in an earlier format. Their checks read the history (or
        the older format) until ``rebuild_states``, which brings this to 0, or their next
        write. A row damaged in place is not counted: only reading it tells."""
        with self.unit_of_work(read_only=True) as uow:
            return uow.subjects.without_current_state()

    def revision(self) -> str | None:
        """The schema's current migration revision, or None for an empty database."""
        from pipolicy.backends.sql.migrate import current_revision

        # On a unit's connection, so that a pooled one the server dropped is replaced
        # (see _Transaction.run): nothing pings it first.
        tx = _Transaction(self, read_only=True)
        tx._bound = None  # the store's own connection, never an application's
        try:
            tx.conn()
            return tx.run(lambda c: current_revision(c, self.schema), "reading the schema revision")
        finally:
            tx.close()

    def _require_head(self) -> None:
        from pipolicy.backends.sql.migrate import head_revision

        current, head = self.revision(), head_revision()
        if current != head:
            raise StorageError(
                f"the database schema is at revision {current or 'none (empty)'} but this "
                f"pipolicy needs {head}: run `pipolicy db upgrade URL` (or store.upgrade())"
            )

    @staticmethod
    def _broken_references(tx: _Transaction) -> Counter[tuple[str, str]]:
        """How many rows of each table refer to a missing row of which (SQLite)."""
        found = tx.run(
            lambda c: c.exec_driver_sql("PRAGMA foreign_key_check").all(),
            "checking foreign keys",
        )
        return Counter((row[0], row[2]) for row in found)

    @contextmanager
    def _exclusive(self) -> Iterator[Connection]:
        """A connection holding the write lock for the block, committed at its end.

        On SQLite, foreign keys are off inside and checked before the commit: a migration
        may rebuild a table that others refer to, which is SQLite's documented way to
        alter one, and enforcement would refuse the intermediate steps. Only references
        the block broke stop it: rows that referred to nobody before it (a person
        deleted by hand in the sqlite3 shell, where foreign keys are off) are not the
        migration's doing.
        """
        if self._closed:
            raise StorageError("this SqlStore is closed: open a new store")
        if self._lock is not None:
            self._lock.acquire()
        tx = _Transaction(self, read_only=False)
        tx._bound = None  # migrations run on a connection of their own, never an app's
        sqlite = self.dialect == "sqlite"
        try:
            if sqlite:
                tx.before_begin("PRAGMA foreign_keys = OFF")
            tx.conn(write=True)
            try:
                if not sqlite:
                    # A migration may rewrite a big table; lock waits stay bounded.
                    tx.run(
                        lambda c: c.exec_driver_sql("SET LOCAL statement_timeout = 0"),
                        "preparing the upgrade",
                    )
                broken_before = (
                    self._broken_references(tx) if sqlite else Counter[tuple[str, str]]()
                )
                yield tx.conn(write=True)  # a new one if the first statement found it dropped
                if sqlite and self._broken_references(tx) - broken_before:
                    raise StorageError(
                        "the migration left records that refer to missing ones; nothing of "
                        "it was kept: report this as a bug in pipolicy's migrations"
                    )
                tx.commit()
            except BaseException:
                with suppress(PipolicyError):
                    tx.rollback()
                raise
        finally:
            try:
                if sqlite:
                    tx.after_end("PRAGMA foreign_keys = ON")
            finally:
                tx.close()
                if self._lock is not None:
                    self._lock.release()

    # -- the Store protocol --------------------------------------------------------------

    def unit_of_work(self, *, read_only: bool = False, snapshot: bool = False) -> SqlUnitOfWork:
        """A new unit of work; ``read_only`` ones take no write lock and refuse writes,
        and read each statement on its own unless ``snapshot`` asks for one transaction
        (REPEATABLE READ on PostgreSQL, a deferred read transaction on SQLite)."""
        return SqlUnitOfWork(self, read_only=read_only, snapshot=snapshot)

    def _facts_cache(self) -> FactsCache | None:
        """The cache checks read through, on a SQLite file this store opened."""
        if self._cache_path is None:
            return None
        with self._cache_lock:
            if self._cache is None and not self._closed:
                self._cache = FactsCache(self._cache_path, timeout=min(self.lock_timeout, 5.0))
            return self._cache

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self._owned:  # an application's engine stays the application's
                self._base.dispose()
            with self._cache_lock:
                if self._cache is not None:
                    self._cache.close()
                    self._cache = None

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for operations work (``EXPLAIN``, backups), not for writes."""
        return self._engine

    def __repr__(self) -> str:
        in_schema = "" if self.schema is None else f", schema={self.schema!r}"
        return f"SqlStore({self._shown!r}{in_schema})"


if TYPE_CHECKING:
    # The fast paths this backend offers (pipolicy.storage.fast_paths), declared so that
    # mypy checks each signature against its Protocol.
    from pipolicy.storage import fast_paths as fp

    _binds: type[fp.BindsConnection] = SqlStore
    _facts_by_ref: type[fp.ReadsFactsByRef] = SqlUnitOfWork
    _facts_many: type[fp.ReadsFactsOfMany] = SqlUnitOfWork
    _append_many: type[fp.AppendsMany] = _Audit
    _subjects_many: type[fp.AddsMany[Subject]] = _Subjects
    _by_refs: type[fp.FindsByRefs] = _Subjects
    _lock: type[fp.LocksSubjects] = _Subjects
    _consents_many: type[fp.AddsMany[Consent]] = _Consents
    _for_subjects: type[fp.ReadsConsentsOfMany] = _Consents
    _scan_subjects: type[fp.ScansAll[Subject]] = _Subjects
    _scan_consents: type[fp.ScansAll[Consent]] = _Consents
    _scan_acquisitions: type[fp.ScansAll[Acquisition]] = _Acquisitions
    _scan_provisions: type[fp.ScansAll[ProvisionRecord]] = _Provisions
    _scan_restrictions: type[fp.ScansAll[Restriction]] = _Restrictions
    _scan_requests: type[fp.ScansAll[Request]] = _Requests
