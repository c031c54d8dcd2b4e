"""Alembic environment for pipolicy's schema.

Run through :func:`pipolicy.backends.sql.upgrade` (``pipolicy db upgrade URL``) or
``SqlStore.upgrade()``, which hand over a connection that already holds the database's
write lock and commit when the migrations are done. To write a new migration::

    from alembic import command
    from pipolicy.backends.sql.migrate import alembic_config
    with engine.connect() as conn:
        command.revision(alembic_config(conn), "what changed", autogenerate=True)

then freeze the generated types (see ``script.py.mako``) and review it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from pipolicy.backends.sql.tables import METADATA, VERSION_TABLE

if context.is_offline_mode():
    # `pipolicy db upgrade URL --sql`: the SQL for a DBA, in the database's dialect.
    url = context.config.attributes["offline_url"]
    context.configure(
        url=url,
        target_metadata=METADATA,
        version_table=VERSION_TABLE,
        render_as_batch=url.get_backend_name() == "sqlite",
        literal_binds=True,
    )
    with context.begin_transaction():
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
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
