"""What a person was shown about a foreign recipient before consenting (Art. 28(2)).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

``pipolicy_consents.evidence_foreign_info``: existing consents get ``''`` (nothing about a
foreign country was shown), which is what they meant; their digests in the audit log
are unchanged (the field is left out of a digest while empty).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pipolicy_consents",
        sa.Column("evidence_foreign_info", sa.Text(), nullable=False, server_default=sa.text("''")),
    )


def downgrade() -> None:
    with op.batch_alter_table("pipolicy_consents") as batch:
        batch.drop_column("evidence_foreign_info")
