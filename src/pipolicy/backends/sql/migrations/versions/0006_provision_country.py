"""Where the recipient of a provision is (Art. 28, R-XB-1).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

``pipolicy_provisions.country``: existing records get ``''`` (Japan), which is what they
meant; their digests in the audit log are unchanged (the field is left out of a digest
while empty).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pipolicy_provisions",
        sa.Column("country", sa.Text(), nullable=False, server_default=sa.text("''")),
    )


def downgrade() -> None:
    with op.batch_alter_table("pipolicy_provisions") as batch:
        batch.drop_column("country")
