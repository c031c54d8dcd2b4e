"""Every consent a provision rests on, on its record.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

``pipolicy_provisions.more_consent_ids``: the consents besides ``consent_id`` a
provision rests on, when no one consent covers every item and several together do (the
person agreed to give a recipient their e-mail address, and later their name). Art. 29
asks a record of the consent a provision rests on: here, of each.

NULL for none, as on every row written before: the field then holds its default and is
left out of the digest the audit log holds for the row (it is ``omit_default``), so
those digests still match.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pipolicy_provisions", sa.Column("more_consent_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pipolicy_provisions") as batch:
        batch.drop_column("more_consent_ids")
