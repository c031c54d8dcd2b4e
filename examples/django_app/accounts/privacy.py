"""pipolicy in the Django shop: one engine per process, and Django's transaction shared.

pipolicy speaks SQLAlchemy, Django has its own database layer. Both can sit on the
same SQLite file, and do:

* pipolicy's engine has its own SQLAlchemy connections to the file, for everything it
  does on its own (decisions, the newsletter audience, requests, the audit log), with
  its WAL mode and write lock handling.
* A sign-up must be *one* transaction with Django's ``Customer.objects.create``. A
  second connection cannot join another connection's transaction, so inside
  ``transaction.atomic()`` :func:`django_connection` lends Django's own DBAPI connection
  to SQLAlchemy, and ``engine.using(conn)`` runs pipolicy's calls on it, each in a
  SAVEPOINT of Django's transaction. The lent connection passes every statement
  through, but ignores SQLAlchemy's commit, rollback and close: ending the transaction
  and the connection stays Django's job (``atomic`` commits or rolls back everything,
  the customer and pipolicy's records alike).

This works because Django's SQLite connection is a plain ``sqlite3`` connection and
Django issues ``BEGIN`` itself in ``atomic``. On PostgreSQL the same lending applies to
psycopg's connection, but this example keeps to SQLite and tests only that.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from sqlalchemy.pool import NullPool

import pipolicy as pp
from django_app.accounts.sources import CustomersSource

_engine: pp.Engine | None = None
_lock = threading.Lock()
_lenders: dict[str, sa.Engine] = {}


def database_url(using: str = "default") -> str:
    """The SQLAlchemy URL of Django's database ``using`` (the test database in tests)."""
    config = connections[using].settings_dict
    if config["ENGINE"] != "django.db.backends.sqlite3":
        raise ImproperlyConfigured("this example shares a SQLite database with pipolicy")
    return f"sqlite:///{config['NAME']}"


def install(engine: pp.Engine | None) -> None:
    """Make ``engine`` the one the views use, with the shop's data source registered
    (tests install pipolicy's ``pp_engine``); None: the next :func:`get_engine` builds
    one from the settings."""
    global _engine
    with _lock:
        if engine is not None:
            engine.register_source("customers", CustomersSource())
        _engine = engine


def get_engine() -> pp.Engine:
    """The process's engine, built on first use: one per process, shared by threads."""
    with _lock:
        engine = _engine
    if engine is None:
        install(pp.Engine(pp.load_policy(settings.PIPOLICY_POLICY), store=database_url()))
        return get_engine()
    return engine


class _Lent:
    """Django's DBAPI connection, lent to SQLAlchemy: everything passes through except
    ending the transaction or the connection, which stay Django's."""

    def __init__(self, dbapi_connection: Any) -> None:
        self._dbapi_connection = dbapi_connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._dbapi_connection, name)

    def commit(self) -> None:
        """Django's ``atomic`` commits."""

    def rollback(self) -> None:
        """Django's ``atomic`` rolls back."""

    def close(self) -> None:
        """Django closes its connections."""


def _lender(using: str) -> sa.Engine:
    with _lock:
        if using not in _lenders:
            # NullPool: each connect() asks the creator again, so each thread gets the
            # connection Django gives that thread, and SQLAlchemy keeps none of them.
            _lenders[using] = sa.create_engine(
                "sqlite://",
                creator=lambda: _Lent(connections[using].connection),
                poolclass=NullPool,
            )
        return _lenders[using]


@contextmanager
def django_connection(using: str = "default") -> Iterator[sa.Connection]:
    """Django's connection as a SQLAlchemy ``Connection`` in Django's current
    transaction, for ``engine.using()``.

    Only inside ``transaction.atomic()``: outside it Django commits every statement on
    its own, and there is no transaction to join.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("django_connection() joins Django's transaction: use it in atomic()")
    connection.ensure_connection()
    with _lender(using).connect() as conn, conn.begin():
        yield conn
