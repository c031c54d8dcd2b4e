"""The language a request is answered in (statements and letters in Japanese or English).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

``pipolicy_requests.language``: existing requests get ``'en'``. Every request stored
before was answered in English, so its stored statement and the letters rebuilt from it
later stay in one language; their digests in the audit log are unchanged (the field is
left out of a digest while ``"en"``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pipolicy_requests",
        sa.Column("language", sa.Text(), nullable=False, server_default=sa.text("'en'")),
    )


def downgrade() -> None:
    with op.batch_alter_table("pipolicy_requests") as batch:
        batch.drop_column("language")
