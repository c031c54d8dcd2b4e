"""Suspensions of provision scoped to recipients; the audit log indexed by subject.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

``pipolicy_restrictions.recipients`` (a JSON list; existing rows get ``[]``, meaning every
recipient, which is what they meant before) and an index on
``pipolicy_audit(subject_id, seq)`` so an investigation reads one person's events
without scanning the whole log.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pipolicy_restrictions",
        sa.Column("recipients", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    op.create_index("ix_pipolicy_audit_subject_id", "pipolicy_audit", ["subject_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_pipolicy_audit_subject_id", table_name="pipolicy_audit")
    with op.batch_alter_table("pipolicy_restrictions") as batch:
        batch.drop_column("recipients")
