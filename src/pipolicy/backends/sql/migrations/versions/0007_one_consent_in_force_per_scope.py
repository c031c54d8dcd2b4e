"""At most one consent per scope in force, kept by the store (integration: retries).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

``pipolicy_consents.scope_key`` (the scope as one text) and a partial unique index on
``(subject_id, scope_key)`` over the consents still given. Rows written before get NULL
and are not constrained: pipolicy does not rewrite consent records (the audit log binds
them), and the engine has kept one consent per scope in force since 0.3 anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_FORCE = sa.text("status = 'given' AND scope_key IS NOT NULL")


def upgrade() -> None:
    op.add_column("pipolicy_consents", sa.Column("scope_key", sa.Text(), nullable=True))
    op.create_index(
        "ux_pipolicy_consents_in_force",
        "pipolicy_consents",
        ["subject_id", "scope_key"],
        unique=True,
        postgresql_where=IN_FORCE,
        sqlite_where=IN_FORCE,
    )


def downgrade() -> None:
    op.drop_index("ux_pipolicy_consents_in_force", table_name="pipolicy_consents")
    with op.batch_alter_table("pipolicy_consents") as batch:
        batch.drop_column("scope_key")
