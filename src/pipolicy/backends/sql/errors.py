"""Driver errors, translated into pipolicy's own.

Callers catch :class:`~pipolicy.errors.PipolicyError`, never a driver's exception, so
an application does not depend on which database is behind the engine. The rule:

* a unique or primary-key clash is a :class:`~pipolicy.errors.ConcurrencyConflict`:
  someone else wrote that id, ref or audit position first;
* a serialization failure or deadlock (PostgreSQL) is a ``ConcurrencyConflict`` too:
  running the operation again can succeed;
* a lock waited for past ``lock_timeout`` or a statement past ``statement_timeout``
  (PostgreSQL) is a :class:`~pipolicy.errors.StorageError` saying which limit it hit;
* a COMMIT whose answer never came (the connection dropped) is a
  :class:`~pipolicy.errors.CommitOutcomeUnknown`: the transaction may have been kept;
* everything else (a locked SQLite file past the wait, a lost connection, a missing
  table, a foreign key pointing nowhere) is a :class:`~pipolicy.errors.StorageError`.

Messages name tables and constraint kinds, never the driver's message: PostgreSQL
quotes the offending values (``Key (ref)=(alice@example.com) already exists``), and
those may be personal data. The driver's error stays the ``__cause__``, with its
``DETAIL`` lines withheld (:func:`withhold_values`); its bound parameters are never in
it, because engines are created with ``hide_parameters=True``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from pipolicy.errors import (
    CommitOutcomeUnknown,
    ConcurrencyConflict,
    PipolicyError,
    StorageError,
)

__all__ = [
    "commit_outcome_unknown",
    "is_locked",
    "translate",
    "translate_commit",
    "translating",
    "translating_commit",
    "withhold_values",
]

_UNIQUE_SQLSTATES = frozenset({"23505"})
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock
_SQLITE_UNIQUE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"})
_SQLITE_TABLE = re.compile(r"constraint failed: (pipolicy_\w+)")
_LOCK_TIMEOUT = "55P03"  # lock_not_available: lock_timeout expired
_QUERY_CANCELED = "57014"  # statement_timeout expired (or a cancel request)
# A server that answered has decided the transaction; these answers mean it did not get
# to: the connection failed (08...) or the server shut it down (57P..).
_NO_ANSWER_SQLSTATES = ("08", "57P")
# PostgreSQL's DETAIL line quotes values: "Key (ref)=(alice@example.com) already
# exists", "Failing row contains (...)". Withheld from the message kept as the cause.
_DETAIL = re.compile(r"^(DETAIL:\s*).*$", re.MULTILINE)
_WITHHELD = r"\1(withheld by pipolicy: it may quote personal data; see the server log)"


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


def withhold_values(e: BaseException) -> None:
    """Blank the ``DETAIL`` lines of a driver error and of the driver errors under it.

    The error stays the ``__cause__`` of the pipolicy error, for whoever debugs the
    database (its type, SQLSTATE, statement and message remain), but without the values
    PostgreSQL quotes there.
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [e]
    while todo:
        err = todo.pop()
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        if err.args and any(isinstance(a, str) and "DETAIL:" in a for a in err.args):
            err.args = tuple(
                _DETAIL.sub(_WITHHELD, a) if isinstance(a, str) else a for a in err.args
            )
        todo += [getattr(err, "orig", None), err.__cause__, err.__context__]


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
        state = _sqlstate(e)
        if state in _RETRYABLE_SQLSTATES:
            return ConcurrencyConflict(
                f"{doing}: a concurrent transaction touched the same records: try again"
            )
        if state == _LOCK_TIMEOUT:
            return StorageError(
                f"{doing}: another transaction held a lock past lock_timeout; nothing "
                "from this unit of work was kept: try again, or raise lock_timeout "
                "(SqlStore(lock_timeout=...) or ?lock_timeout=SECONDS in the URL)"
            )
        if state == _QUERY_CANCELED:
            return StorageError(
                f"{doing}: the statement ran past statement_timeout and was cancelled; "
                "nothing from this unit of work was kept: try again, or raise "
                "statement_timeout (SqlStore(statement_timeout=...) or "
                "?statement_timeout=SECONDS in the URL)"
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


def commit_outcome_unknown(e: BaseException) -> bool:
    """Whether ``e``, raised by COMMIT, leaves open whether the transaction was kept.

    It does when the database never answered: the connection dropped or was shut down
    (SQLAlchemy invalidated it, PostgreSQL's SQLSTATE class 08 or 57P, a driver error
    with no SQLSTATE, a socket error) or SQLite failed writing (``SQLITE_IOERR``). An
    answer (a constraint, a serialization failure, a lock) means it was not kept.
    """
    if isinstance(e, OSError):
        return True
    if not isinstance(e, sa_exc.DBAPIError):
        return False
    if e.connection_invalidated:
        return True
    state, name = _sqlstate(e), _sqlite_name(e)
    if state is not None:
        return state.startswith(_NO_ANSWER_SQLSTATES)
    if name is not None:
        return name.startswith("SQLITE_IOERR")
    return isinstance(e, (sa_exc.OperationalError, sa_exc.InterfaceError))


def translate_commit(e: BaseException) -> PipolicyError:
    """The pipolicy error for ``e`` raised by COMMIT: :func:`translate`'s, unless the
    outcome is unknown, then :class:`~pipolicy.errors.CommitOutcomeUnknown`."""
    if isinstance(e, PipolicyError) or not commit_outcome_unknown(e):
        return translate(e, "committing")
    cause = type(e.orig if isinstance(e, sa_exc.DBAPIError) else e).__name__
    return CommitOutcomeUnknown(
        f"committing: the connection failed before the database acknowledged the commit "
        f"({cause}), so this unit of work may or may not have been kept: do not assume "
        "nothing was kept; read the records again (in a new unit of work) before "
        "retrying, and retry only what is missing"
    )


@contextmanager
def translating(doing: str) -> Iterator[None]:
    """Run the block; re-raise any driver error as its pipolicy error."""
    try:
        yield
    except PipolicyError:
        raise
    except (sa_exc.SQLAlchemyError, OSError) as e:
        withhold_values(e)
        raise translate(e, doing) from e


@contextmanager
def translating_commit() -> Iterator[None]:
    """:func:`translating` for COMMIT: an unanswered one is ``CommitOutcomeUnknown``."""
    try:
        yield
    except PipolicyError:
        raise
    except (sa_exc.SQLAlchemyError, OSError) as e:
        withhold_values(e)
        raise translate_commit(e) from e
