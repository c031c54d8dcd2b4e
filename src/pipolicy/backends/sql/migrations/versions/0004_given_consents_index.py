"""A partial index on the consents still given, per subject.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Decisions read only the consents whose status is ``given``; the index
``ix_pipolicy_consents_given (subject_id, row) WHERE status = 'given'`` makes that read
cost the same however many consents a person has withdrawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GIVEN = sa.text("status = 'given'")


def upgrade() -> None:
    op.create_index(
        "ix_pipolicy_consents_given",
        "pipolicy_consents",
        ["subject_id", "row"],
        postgresql_where=GIVEN,
        sqlite_where=GIVEN,
    )


def downgrade() -> None:
    op.drop_index("ix_pipolicy_consents_given", table_name="pipolicy_consents")
