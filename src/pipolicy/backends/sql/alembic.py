"""Living beside the application's own Alembic migrations.

An application that keeps its tables in the same database runs Alembic's autogenerate
against its own metadata; without help, autogenerate sees pipolicy's tables as unknown
and proposes to drop them, the audit log included. Pass :func:`include_object` in the
application's ``env.py``::

    from pipolicy.backends.sql import include_object

    context.configure(connection=connection, target_metadata=target_metadata,
                      include_object=include_object)

pipolicy's own schema is migrated by pipolicy, from the deploy step:
``pipolicy db upgrade URL``, or ``pipolicy.backends.sql.upgrade(url_or_engine)``.
"""

from __future__ import annotations

from typing import Any

from pipolicy.backends.sql.tables import METADATA, VERSION_TABLE

__all__ = ["include_object", "is_pipolicy_table"]

_TABLES = frozenset(METADATA.tables) | {VERSION_TABLE}


def is_pipolicy_table(name: str | None) -> bool:
    """Is ``name`` one of pipolicy's tables (now or in a future version: ``pipolicy_*``)?"""
    return name is not None and (name in _TABLES or name.startswith("pipolicy_"))


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's ``include_object`` hook: leave pipolicy's tables, and their indexes and
    constraints, to pipolicy's migrations."""
    if type_ == "table":
        return not is_pipolicy_table(name)
    table = getattr(obj, "table", None)
    return not is_pipolicy_table(getattr(table, "name", None))
