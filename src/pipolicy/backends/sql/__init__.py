"""The SQL backend: SQLite (embedded, the default for files) and PostgreSQL.

Needs the ``sql`` extra (``pip install 'pipolicy[sql]'``), plus psycopg 3 for PostgreSQL
(``pip install 'pipolicy[postgres]'``). SQLAlchemy is imported first, at the top, so a
missing extra fails here, as an ``ImportError`` that :func:`pipolicy.open_store` turns
into :class:`~pipolicy.errors.BackendNotFound` with the install hint; ``import
pipolicy`` alone never imports this package.

Registered under the ``pipolicy.backends`` entry points as ``sqlite`` and
``postgresql``::

    store = pp.open_store("sqlite:///pi.db")        # creates and upgrades the file
    pipolicy.backends.sql.upgrade("postgresql+psycopg://...")   # a deploy step
    engine = pp.Engine(policy, store="postgresql+psycopg://...")

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import sqlalchemy  # noqa: F401  (first: a missing extra fails here, with a clear name)

from pipolicy.backends.sql.alembic import include_object
from pipolicy.backends.sql.migrate import head_revision, upgrade
from pipolicy.backends.sql.store import SqlStore, SqlUnitOfWork
from pipolicy.backends.sql.tables import METADATA

__all__ = ["METADATA", "SqlStore", "SqlUnitOfWork", "head_revision", "include_object", "upgrade"]
