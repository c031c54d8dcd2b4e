"""Driver errors, translated into pipolicy's own.

Callers catch :class:`~pipolicy.errors.PipolicyError`, never a driver's exception, so
an application does not depend on which database is behind the engine. The rule:

* a unique or primary-key clash is a :class:`~pipolicy.errors.ConcurrencyConflict`:
  someone else wrote that id, ref or audit position first;
* a serialization failure or deadlock (PostgreSQL) is a ``ConcurrencyConflict`` too:
  running the operation again can succeed;
* everything else (a locked SQLite file past the wait, a lost connection, a missing
  table, a foreign key pointing nowhere) is a :class:`~pipolicy.errors.StorageError`.

Messages name tables and constraint kinds, never the driver's message: PostgreSQL
quotes the offending values (``Key (ref)=(alice@example.com) already exists``), and
those may be personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from pipolicy.errors import ConcurrencyConflict, PipolicyError, StorageError

__all__ = ["is_locked", "translate", "translating"]

_UNIQUE_SQLSTATES = frozenset({"23505"})
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock
_SQLITE_UNIQUE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})
_SQLITE_TABLE = re.compile(r"constraint failed: (pipolicy_\w+)")


def _sqlstate(e: sa_exc.DBAPIError) -> str | None:
    state = getattr(e.orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def _sqlite_name(e: sa_exc.DBAPIError) -> str | None:
    name = getattr(e.orig, "sqlite_errorname", None)
    return name if isinstance(name, str) else None


def _table(e: sa_exc.DBAPIError) -> str:
    """The table the failure is about, if the driver says so (never a value)."""
    diag = getattr(e.orig, "diag", None)
    table = getattr(diag, "table_name", None)
    if isinstance(table, str):
        return table
    found = _SQLITE_TABLE.search(str(e.orig))
    return found.group(1) if found else "a pipolicy table"


def is_locked(e: BaseException) -> bool:
    """Whether ``e`` is SQLite's "database is locked" (or "busy"): waiting may help."""
    if isinstance(e, sa_exc.DBAPIError):
        name = _sqlite_name(e)
        if name is not None:
            return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
        e = e.orig  # type: ignore[assignment]
    text = str(e).lower()
    return "database is locked" in text or "database table is locked" in text


def translate(e: BaseException, doing: str) -> PipolicyError:
    """The pipolicy error for driver error ``e`` raised while ``doing`` something.

    Raise the result ``from e`` so the driver's error stays in the traceback for
    whoever debugs the database, outside any message an application shows.
    """
    if isinstance(e, PipolicyError):
        return e
    if isinstance(e, sa_exc.StatementError) and isinstance(e.orig, PipolicyError):
        return e.orig  # raised by our own bind processing (a naive datetime, say)
    if isinstance(e, sa_exc.IntegrityError):
        state, name = _sqlstate(e), _sqlite_name(e)
        if state in _UNIQUE_SQLSTATES or name in _SQLITE_UNIQUE:
            return ConcurrencyConflict(
                f"{doing}: a record with this key already exists in {_table(e)} "
                "(another writer was first): reload and try again"
            )
        return StorageError(
            f"{doing}: the database refused the record ({type(e.orig).__name__} on "
            f"{_table(e)}); records must refer to a registered subject"
        )
    if isinstance(e, sa_exc.DBAPIError):
        if _sqlstate(e) in _RETRYABLE_SQLSTATES:
            return ConcurrencyConflict(
                f"{doing}: a concurrent transaction touched the same records: try again"
            )
        if is_locked(e):
            return StorageError(
                f"{doing}: the SQLite database stayed locked by another writer past the "
                "wait limit; nothing was kept: try again, or raise lock_timeout"
            )
        return StorageError(
            f"{doing}: the database failed ({type(e.orig).__name__}); nothing from this "
            "unit of work was kept: check the connection and that the schema is "
            "upgraded (pipolicy db upgrade URL)"
        )
    if isinstance(e, sa_exc.SQLAlchemyError):
        return StorageError(f"{doing}: SQLAlchemy failed ({type(e).__name__})")
    return StorageError(f"{doing}: storage failed ({type(e).__name__})")


@contextmanager
def translating(doing: str) -> Iterator[None]:
    """Run the block; re-raise any driver error as its pipolicy error."""
    try:
        yield
    except PipolicyError:
        raise
    except (sa_exc.SQLAlchemyError, OSError) as e:
        raise translate(e, doing) from e
