"""A write to the history that pipolicy did not make marks the person's state row stale.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

A check reads a person's state row (0009), which pipolicy rewrites in the transaction of
each of its own writes. Anything else that changes the history (a process of a
pipolicy older than 0009 still running, a DBA's SQL, another tool, a partial restore)
would leave the row saying what the history no longer says: a consent deleted by hand
still "given". From here on the database itself keeps the row honest: triggers on the
tables a decision reads (subjects, acquisitions, consents, restrictions) set the
person's row to format 0 whenever one of their records is inserted, changed, moved to
someone else or deleted (and every row, on PostgreSQL, when a table is truncated).
Format 0 is one no pipolicy reads, so a check reads that person's history until
pipolicy's next write about them (which rewrites the row in the same transaction,
after the trigger) or ``pipolicy db rebuild-state``. pipolicy's own writes pay one more
indexed update each.

On PostgreSQL the trigger first locks the person's subject row, the lock every
pipolicy writer takes before it reads what it will write the row from: an outside
write about someone waits for pipolicy's writers about them, so none of those can
write a row from what it read before that write. The functions name pipolicy's schema
(the one its state table is in when this runs, found by the statement itself, so the
offline ``--sql`` script does the same) and search nothing else.

Not seen: loads that switch triggers off (``pg_restore --disable-triggers``,
``session_replication_role = replica``): run ``pipolicy db rebuild-state`` after them.

The upgrade marks every existing row stale, after creating the triggers (so writers
running meanwhile cannot wait on it in a cycle): it cannot know whether an earlier
pipolicy wrote after 0009, before these triggers, so people are read from the history
until ``pipolicy db rebuild-state`` or their next write gives them a current row.

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


def _sqlite_triggers() -> list[tuple[str, str]]:
    """(name, statement) of every trigger, SQLite: one per table and operation. A
    ``REPLACE`` deletes the rows it conflicts with without firing delete triggers (unless
    the connection turned ``recursive_triggers`` on), so ``replace`` marks their people
    before any insert."""
    made = []
    for table in FACT_TABLES:
        for name, when, people in (
            ("insert", "AFTER INSERT", "NEW.subject_id"),
            ("update", "AFTER UPDATE", "OLD.subject_id, NEW.subject_id"),
            ("delete", "AFTER DELETE", "OLD.subject_id"),
            (
                "replace",
                "BEFORE INSERT",
                f'SELECT subject_id FROM {table} WHERE id = NEW.id OR "row" = NEW."row"',
            ),
        ):
            trigger = f"{table}_stale_{name}"
            made.append(
                (trigger, f"CREATE TRIGGER {trigger} {when} ON {table} BEGIN {_mark(people)} END")
            )
    for name, people in (("insert", "NEW.id"), ("update", "OLD.id, NEW.id"), ("delete", "OLD.id")):
        trigger = f"{SUBJECTS}_stale_{name}"
        made.append(
            (
                trigger,
                f"CREATE TRIGGER {trigger} AFTER {name.upper()} ON {SUBJECTS} "
                f"BEGIN {_mark(people)} END",
            )
        )
    return made


# -- PostgreSQL --------------------------------------------------------------------------

# ``%1$I`` is pipolicy's schema, put in by ``format`` when the function is created.
_ROW_FUNCTION = """CREATE FUNCTION %1$I.{name}() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM 1 FROM %1$I.{subjects} WHERE id = OLD.{column} FOR UPDATE;
        UPDATE %1$I.{states} SET format = {stale}
        WHERE subject_id = OLD.{column} AND format <> {stale};
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{column} IS DISTINCT FROM OLD.{column})
    THEN
        PERFORM 1 FROM %1$I.{subjects} WHERE id = NEW.{column} FOR UPDATE;
        UPDATE %1$I.{states} SET format = {stale}
        WHERE subject_id = NEW.{column} AND format <> {stale};
    END IF;
    RETURN NULL;
END
$body$"""

_TRUNCATE_FUNCTION = """CREATE FUNCTION %1$I.pipolicy_state_stale_all() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
    UPDATE %1$I.{states} SET format = {stale} WHERE format <> {stale};
    RETURN NULL;
END
$body$"""


def _in_pipolicys_schema(create: str) -> str:
    """``create``, run with pipolicy's schema (where its state table is found now) as
    ``%1$I``: the same when run here and from the offline script."""
    return (
        "DO $do$ BEGIN EXECUTE format($create$"
        + create
        + "$create$, (SELECT n.nspname FROM pg_class c JOIN pg_namespace n "
        f"ON n.oid = c.relnamespace WHERE c.oid = to_regclass('{STATES}'))); END $do$"
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
    made["pipolicy_state_stale_all"] = _TRUNCATE_FUNCTION.format(states=STATES, stale=STALE)
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
    # A person's row cannot be inserted with a state, nor deleted while it has one.
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
