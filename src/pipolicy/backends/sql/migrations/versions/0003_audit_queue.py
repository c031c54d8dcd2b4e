"""The audit queue: writers append without reading the log's tail.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

``pipolicy_audit_queue`` holds audit entries not yet placed in ``pipolicy_audit``; the
sequencer moves them in batches (see ``pipolicy.backends.sql.store``). The log itself
and its hashes are unchanged, so existing events and checkpoints stay valid.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in pipolicy.backends.sql.tables as of this revision.
INSTANT = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
ROW = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "pipolicy_audit_queue",
        sa.Column("id", ROW, primary_key=True, autoincrement=True),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("at_offset", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pipolicy_audit_queue"),
    )


def downgrade() -> None:
    # A downgrade with queued entries would drop events: refuse it.
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM pipolicy_audit_queue")).scalar():
        raise RuntimeError(
            "pipolicy_audit_queue is not empty: run `pipolicy audit checkpoint` (which "
            "places queued events) with this version before downgrading"
        )
    op.drop_table("pipolicy_audit_queue")
