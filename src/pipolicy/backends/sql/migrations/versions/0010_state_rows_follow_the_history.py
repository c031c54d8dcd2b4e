"""A write to the history that pipolicy did not make marks the person's state row stale.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

A check reads a person's state row (0009), which pipolicy rewrites in the transaction of
each of its own writes. Anything else that changes the history (a process of a
pipolicy older than 0009 still running, a DBA's SQL, another tool, a restore of some
tables) would leave the row saying what the history no longer says: a consent deleted
by hand still "given". From here on the database itself keeps the row honest: triggers
on the tables a decision reads (subjects, acquisitions, consents, restrictions) set the
person's row to format 0 whenever one of their records is inserted, changed, moved to
someone else, deleted or replaced (SQLite's ``REPLACE``), and every row when one of
the history tables is truncated (PostgreSQL). Format 0 is one no pipolicy reads, so a
check reads that person's history until pipolicy's next write about them (which
rewrites the row in the same transaction, after the trigger) or ``pipolicy db
rebuild-state``. pipolicy's own writes pay one more indexed update each (and on SQLite
an index lookup per unique key before each insert or update).

On PostgreSQL a row's trigger first locks the person's subject row, the lock every
pipolicy writer takes before it reads what it will write the row from, and a
truncation's trigger locks the subjects table against them all: an outside write waits
for pipolicy's writers about the same people, so none of those commits a row read
before it. (The outside write took its own row locks first, so it and a pipolicy
writer can deadlock; PostgreSQL then aborts one, and pipolicy retries its own.) The
functions name pipolicy's schema (the one its state table is in when this runs, found
by the statement itself, so the offline ``--sql`` script does the same) and search
nothing else.

Not seen: loads that switch triggers off (``pg_restore --disable-triggers``,
``session_replication_role = replica``): run ``pipolicy db rebuild-state`` after them.

The upgrade marks every existing row stale, after creating the triggers: it cannot know
whether an earlier pipolicy wrote after 0009, before these triggers, so people are read
from the history until ``pipolicy db rebuild-state`` or their next write gives them a
current row. Creating a trigger waits for the writers in the middle of writing that
table, and one of them may wait for a table the upgrade already holds: PostgreSQL then
aborts one of the two, and ``SqlStore.upgrade`` retries (as pipolicy's writers do).

SQLite drops a table's triggers with the table, and refuses to rebuild the state table
while triggers name it: a later migration that rebuilds one of these five tables
(Alembic's batch mode) must drop and create these triggers around it
(``tests/sql/test_state_triggers.py`` checks they are all there at head).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = "pipolicy_subject_states"
SUBJECTS = "pipolicy_subjects"
STALE = 0  # a format no pipolicy reads: the person is read from the history
FACT_TABLES = ("pipolicy_acquisitions", "pipolicy_consents", "pipolicy_restrictions")


# -- SQLite ------------------------------------------------------------------------------


def _mark(people: str) -> str:
    # A row already stale is left alone: a unit writing many records about one person
    # changes their row once.
    return (
        f"UPDATE {STATES} SET format = {STALE} "
        f"WHERE subject_id IN ({people}) AND format <> {STALE};"
    )


# Each table's unique keys, and the column naming the person its rows are about.
_SQLITE_TABLES = {
    **dict.fromkeys(FACT_TABLES, ('id = NEW.id OR "row" = NEW."row"', "subject_id")),
    SUBJECTS: ("id = NEW.id OR ref = NEW.ref", "id"),
}


def _sqlite_triggers() -> list[tuple[str, str]]:
    """(name, statement) of every trigger, SQLite: one per table and operation. A
    ``REPLACE`` (``INSERT OR REPLACE``, ``UPDATE OR REPLACE``) deletes the rows it
    conflicts with without firing delete triggers (unless the connection turned
    ``recursive_triggers`` on), so before each insert and update the people of the rows
    sharing a unique key with the new values are marked (an index lookup per key)."""
    made = []
    for table, (conflicts, person) in _SQLITE_TABLES.items():
        for name, when, people in (
            ("insert", "AFTER INSERT", f"NEW.{person}"),
            ("update", "AFTER UPDATE", f"OLD.{person}, NEW.{person}"),
            ("delete", "AFTER DELETE", f"OLD.{person}"),
            ("replace_insert", "BEFORE INSERT", f"SELECT {person} FROM {table} WHERE {conflicts}"),
            ("replace_update", "BEFORE UPDATE", f"SELECT {person} FROM {table} WHERE {conflicts}"),
        ):
            trigger = f"{table}_stale_{name}"
            made.append(
                (trigger, f"CREATE TRIGGER {trigger} {when} ON {table} BEGIN {_mark(people)} END")
            )
    return made


# -- PostgreSQL --------------------------------------------------------------------------

# ``@schema@`` is pipolicy's schema, put in when the function is created. A trigger on a
# row locks the person first; one on a truncation waits for every writer holding a
# person's lock, and keeps new ones out until it commits.
_ROW_FUNCTION = """CREATE FUNCTION @schema@.{name}() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM 1 FROM @schema@.{subjects} WHERE id = OLD.{column} FOR UPDATE;
        UPDATE @schema@.{states} SET format = {stale}
        WHERE subject_id = OLD.{column} AND format <> {stale};
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{column} IS DISTINCT FROM OLD.{column})
    THEN
        PERFORM 1 FROM @schema@.{subjects} WHERE id = NEW.{column} FOR UPDATE;
        UPDATE @schema@.{states} SET format = {stale}
        WHERE subject_id = NEW.{column} AND format <> {stale};
    END IF;
    RETURN NULL;
END
$body$"""

_TRUNCATE_FUNCTION = """CREATE FUNCTION @schema@.pipolicy_state_stale_all() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
    LOCK TABLE @schema@.{subjects} IN EXCLUSIVE MODE;
    UPDATE @schema@.{states} SET format = {stale} WHERE format <> {stale};
    RETURN NULL;
END
$body$"""


def _in_pipolicys_schema(create: str) -> str:
    """``create``, run with pipolicy's schema (where its state table is found now) for
    ``@schema@``: the same when run here and from the offline script (which is why it
    holds no ``%``: the offline script would double it)."""
    return (
        "DO $do$ BEGIN EXECUTE replace($create$"
        + create
        + "$create$, '@schema@', (SELECT quote_ident(n.nspname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        f"WHERE c.oid = to_regclass('{STATES}'))); END $do$"
    )


def _postgres_functions() -> dict[str, str]:
    """Function name: its CREATE statement."""
    made = {
        name: _ROW_FUNCTION.format(
            name=name, column=column, subjects=SUBJECTS, states=STATES, stale=STALE
        )
        for name, column in (
            ("pipolicy_state_stale_by_subject", "subject_id"),
            ("pipolicy_state_stale_by_id", "id"),
        )
    }
    made["pipolicy_state_stale_all"] = _TRUNCATE_FUNCTION.format(
        subjects=SUBJECTS, states=STATES, stale=STALE
    )
    return made


def _postgres_triggers() -> list[tuple[str, str, str]]:
    """(name, table, statement) of every trigger, PostgreSQL."""
    made = []
    for table in FACT_TABLES:
        made.append(
            (
                f"{table}_stale",
                table,
                f"CREATE TRIGGER {table}_stale AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION pipolicy_state_stale_by_subject()",
            )
        )
        made.append(
            (
                f"{table}_stale_truncate",
                table,
                f"CREATE TRIGGER {table}_stale_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION pipolicy_state_stale_all()",
            )
        )
    # A person's row cannot be inserted with a state, nor deleted while it has one (the
    # state row's foreign key), nor replaced: PostgreSQL has no REPLACE.
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
    if op.get_context().dialect.name == "postgresql":
        for create in _postgres_functions().values():
            op.execute(_in_pipolicys_schema(create))
        for _, _, statement in _postgres_triggers():
            op.execute(statement)
    else:
        for _, statement in _sqlite_triggers():
            op.execute(statement)
    op.execute(f"UPDATE {STATES} SET format = {STALE}")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for name, table, _ in _postgres_triggers():
            op.execute(f"DROP TRIGGER {name} ON {table}")
        for function in _postgres_functions():
            op.execute(f"DROP FUNCTION {function}()")
    else:
        for name, _ in _sqlite_triggers():
            op.execute(f"DROP TRIGGER {name}")
