"""Each person's compiled state, one narrow row a check reads by primary key.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

``pipolicy_subject_states`` starts empty: a person without a row is read from the
history tables as before, and gets a row with the next write about them. Run
``pipolicy db rebuild-state`` after upgrading to give everyone one at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pipolicy_subject_states",
        sa.Column("subject_id", sa.Text(), sa.ForeignKey("pipolicy_subjects.id"), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pipolicy_subject_states")
