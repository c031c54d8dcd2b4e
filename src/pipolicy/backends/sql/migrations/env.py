"""Alembic environment for pipolicy's schema.

Run through :func:`pipolicy.backends.sql.upgrade` (``pipolicy db upgrade URL``) or
``SqlStore.upgrade()``, which hand over a connection that already holds the database's
write lock and commit when the migrations are done. To write a new migration::

    from alembic import command
    from pipolicy.backends.sql.migrate import alembic_config
    with engine.connect() as conn:
        command.revision(alembic_config(conn), "what changed", autogenerate=True)

then freeze the generated types (see ``script.py.mako``) and review it.

With a schema (``SqlStore(url, schema=...)``, PostgreSQL), the schema is created if
missing, the version table goes there, and the migration's transaction sets its
``search_path`` to it (``SET LOCAL``: it ends with the transaction): the online
connection's ``schema_translate_map`` already qualifies the tables SQLAlchemy builds,
and the search path also places what Alembic renders by name (``ALTER TABLE``,
``CREATE INDEX``) and the scripts' plain SQL. Migration scripts therefore never name a
schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlalchemy.engine import Connection

from pipolicy.backends.sql.tables import METADATA, VERSION_TABLE

schema: str | None = context.config.attributes.get("schema")


def _into_schema() -> None:
    """Create the schema if missing, and work in it for the rest of the transaction."""
    if schema is None:
        return
    # Names are checked by SqlStore ([a-z_][a-z0-9_]*), so quoting is enough. IF NOT
    # EXISTS alone would still need the right to create schemas in the database, which
    # a role using a schema a DBA made for it need not have: ask first (online).
    if context.is_offline_mode():
        context.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    else:
        bind = context.get_bind()
        found = bind.execute(
            sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).first()
        if found is None:
            bind.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    context.execute(f'SET LOCAL search_path TO "{schema}"')


if context.is_offline_mode():
    # `pipolicy db upgrade URL --sql`: the SQL for a DBA, in the database's dialect.
    url = context.config.attributes["offline_url"]
    context.configure(
        url=url,
        target_metadata=METADATA,
        version_table=VERSION_TABLE,
        version_table_schema=schema,
        render_as_batch=url.get_backend_name() == "sqlite",
        literal_binds=True,
    )
    with context.begin_transaction():
        _into_schema()
        context.run_migrations()
else:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "pipolicy's migrations run on a connection: use `pipolicy db upgrade URL` or "
            "pipolicy.backends.sql.upgrade(url), not the alembic command line"
        )
    context.configure(
        connection=connection,
        target_metadata=METADATA,
        version_table=VERSION_TABLE,
        version_table_schema=schema,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        _into_schema()
        context.run_migrations()
