"""Schema migrations: Alembic, driven from code, with the scripts inside the package.

No ``alembic.ini`` is needed on disk: the configuration is built here and points at
``pipolicy/backends/sql/migrations`` by package name, so it works from a wheel. The
caller passes a connection that already holds the database's write lock (SQLite's
``BEGIN IMMEDIATE``, PostgreSQL's advisory lock), so processes that open a fresh
database at once upgrade it one after another: the first creates the schema, the
others find it current.
"""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from pipolicy.backends.sql.errors import translating
from pipolicy.backends.sql.tables import VERSION_TABLE

__all__ = [
    "SCRIPT_LOCATION",
    "alembic_config",
    "current_revision",
    "head_revision",
    "run_upgrade",
    "upgrade",
]

SCRIPT_LOCATION = "pipolicy.backends.sql:migrations"


def alembic_config(connection: Connection | None = None, schema: str | None = None) -> Config:
    """An Alembic configuration for pipolicy's migrations; ``env.py`` uses ``connection``
    and puts everything, the version table included, in ``schema`` if one is given."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    config.attributes["schema"] = schema
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration shipped with this version of pipolicy."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "pipolicy ships at least one migration"
    return str(head)


def current_revision(connection: Connection, schema: str | None = None) -> str | None:
    """The revision the database is at (pipolicy's tables in ``schema``, if given), or
    None if pipolicy's tables are not there."""
    context = MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE, "version_table_schema": schema}
    )
    revision = context.get_current_revision()
    return None if revision is None else str(revision)


def run_upgrade(connection: Connection, revision: str = "head", schema: str | None = None) -> None:
    """Upgrade on ``connection``, inside its transaction; the caller commits. With a
    ``schema``, the connection must carry pipolicy's ``schema_translate_map`` (the
    store's own connections do)."""
    if revision == "head" and current_revision(connection, schema) == head_revision():
        return
    with translating("upgrading the schema"):
        command.upgrade(alembic_config(connection, schema), revision)


def upgrade(url: str | Engine, *, schema: str | None = None) -> None:
    """Bring the database at ``url`` (or an application's SQLAlchemy ``Engine``) to the
    newest schema (``pipolicy db upgrade URL``).

    ``schema`` (PostgreSQL; or ``?schema=`` in the URL) is where pipolicy's tables live,
    created if missing: see :class:`~pipolicy.backends.sql.SqlStore`.

    Creates pipolicy's tables in an empty database and applies newer migrations to an
    older one, keeping its data. Safe to run while the application is running, and
    more than once. Raises :class:`~pipolicy.errors.StorageError` if the database
    cannot be reached or a migration fails (then nothing of it is kept).
    """
    from pipolicy.backends.sql.store import SqlStore

    store = SqlStore(url, upgrade=True, schema=schema)
    store.close()


def upgrade_sql(url: str) -> str:
    """The SQL that :func:`upgrade` would run on the database at ``url``, for a DBA to
    review and run: from the database's current revision (read, nothing written) to the
    newest, in the database's dialect."""
    import io

    import sqlalchemy as sa

    from pipolicy.backends.sql.store import SqlStore

    store = SqlStore(url, upgrade=False)
    try:
        current = store.revision()
        dialect = store.engine.dialect
        schema = store.schema
    finally:
        store.close()
    head = head_revision()
    if current == head:
        return f"-- the schema is already at revision {head}: nothing to run\n"
    buffer = io.StringIO()
    config = alembic_config(schema=schema)
    config.output_buffer = buffer
    config.attributes["offline_url"] = sa.engine.URL.create(dialect.name)
    with translating("writing the upgrade SQL"):
        command.upgrade(config, f"{current}:{head}" if current else head, sql=True)
    return buffer.getvalue()
