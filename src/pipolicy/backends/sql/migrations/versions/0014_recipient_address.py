"""The recipient's address and representative, on a record of provision.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

``pipolicy_provisions.recipient_address`` and ``.recipient_representative``: the
recipient's address and (but for an individual) representative as the policy declared
them at the provision. A record of provision by opt-out must hold them (PPC Rules Art.
20(1)(i)); the policy may change afterwards, so each record keeps its own copy.

Rows written before stay NULL, as do rows whose recipient declares none: a NULL column
is left out of the digest the audit log holds for the row (the fields are
``omit_default``), so those digests still match.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pipolicy_provisions", sa.Column("recipient_address", sa.Text(), nullable=True))
    op.add_column(
        "pipolicy_provisions", sa.Column("recipient_representative", sa.Text(), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("pipolicy_provisions") as batch:
        batch.drop_column("recipient_representative")
        batch.drop_column("recipient_address")
