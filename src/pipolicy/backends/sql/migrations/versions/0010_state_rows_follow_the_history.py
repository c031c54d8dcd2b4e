"""A write to the history that pipolicy did not make marks the person's state row stale.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

A check reads a person's state row (0009), which pipolicy rewrites in the transaction of
each of its own writes. Anything else that changes the history (a process of a
pipolicy older than 0009 still running, a DBA's SQL, another tool, a partial restore)
would leave the row saying what the history no longer says: a consent deleted by hand
still "given". From here on the database itself keeps the row honest: a trigger on each
table a decision reads (subjects, acquisitions, consents, restrictions) sets the
person's row to format 0 on every insert, update or delete. Format 0 is one no
pipolicy reads, so a check reads that person's history until pipolicy's next write
about them (which rewrites the row in the same transaction, after the trigger) or
``pipolicy db rebuild-state``. pipolicy's own writes pay one more indexed update each.

The upgrade also marks every existing row stale: it cannot know whether an earlier
pipolicy wrote after 0009 (before these triggers), so people are read from the history
until ``pipolicy db rebuild-state`` (or their next write) gives them a current row.

SQLite drops a table's triggers with the table: a later migration that rebuilds one of
these tables (Alembic's batch mode) must create its triggers again
(``tests/sql/test_migrations.py`` checks they are there at head).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = "pipolicy_subject_states"
STALE = 0  # a format no pipolicy reads: the person is read from the history
# The tables a person's state is compiled from, and the column naming the person.
FACT_TABLES = {
    "pipolicy_acquisitions": "subject_id",
    "pipolicy_consents": "subject_id",
    "pipolicy_restrictions": "subject_id",
}
SUBJECTS = "pipolicy_subjects"  # its rows are people: only an update can change a state


def _stale(person: str) -> str:
    return f"UPDATE {STATES} SET format = {STALE} WHERE subject_id = {person};"


def _sqlite_triggers() -> list[tuple[str, str]]:
    """(name, statement) of every trigger, SQLite: one per table and operation."""
    made = []
    for table, column in FACT_TABLES.items():
        for when, people in (
            ("insert", f"NEW.{column}"),
            ("delete", f"OLD.{column}"),
            ("update", None),
        ):
            name = f"{table}_stale_{when}"
            body = (
                _stale(people)
                if people
                else f"UPDATE {STATES} SET format = {STALE} "
                f"WHERE subject_id IN (OLD.{column}, NEW.{column});"
            )
            made.append(
                (name, f"CREATE TRIGGER {name} AFTER {when.upper()} ON {table} BEGIN {body} END")
            )
    name = f"{SUBJECTS}_stale_update"
    made.append(
        (name, f"CREATE TRIGGER {name} AFTER UPDATE ON {SUBJECTS} BEGIN {_stale('OLD.id')} END")
    )
    return made


# PostgreSQL: a function per kind of table, run after each row. ``SET search_path FROM
# CURRENT`` keeps the search path of this migration (the store's schema, if it has
# one) for the function's body, whatever the writing connection's own search path.
_FUNCTIONS = {
    "pipolicy_state_stale_by_subject": "subject_id",
    "pipolicy_state_stale_by_id": "id",
}


def _postgres_function(name: str, column: str) -> str:
    return f"""CREATE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $body$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE {STATES} SET format = {STALE} WHERE subject_id = OLD.{column};
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{column} IS DISTINCT FROM OLD.{column})
    THEN
        UPDATE {STATES} SET format = {STALE} WHERE subject_id = NEW.{column};
    END IF;
    RETURN NULL;
END
$body$"""


def _postgres_triggers() -> list[tuple[str, str, str]]:
    """(name, table, statement) of every trigger, PostgreSQL: one per table."""
    made = [
        (
            f"{table}_stale",
            table,
            f"CREATE TRIGGER {table}_stale AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pipolicy_state_stale_by_subject()",
        )
        for table in FACT_TABLES
    ]
    made.append(
        (
            f"{SUBJECTS}_stale",
            SUBJECTS,
            f"CREATE TRIGGER {SUBJECTS}_stale AFTER UPDATE ON {SUBJECTS} "
            "FOR EACH ROW EXECUTE FUNCTION pipolicy_state_stale_by_id()",
        )
    )
    return made


def upgrade() -> None:
    op.execute(f"UPDATE {STATES} SET format = {STALE}")
    if op.get_context().dialect.name == "postgresql":
        for function, column in _FUNCTIONS.items():
            op.execute(_postgres_function(function, column))
        for _, _, statement in _postgres_triggers():
            op.execute(statement)
    else:
        for _, statement in _sqlite_triggers():
            op.execute(statement)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for name, table, _ in _postgres_triggers():
            op.execute(f"DROP TRIGGER {name} ON {table}")
        for function in _FUNCTIONS:
            op.execute(f"DROP FUNCTION {function}()")
    else:
        for name, _ in _sqlite_triggers():
            op.execute(f"DROP TRIGGER {name}")
