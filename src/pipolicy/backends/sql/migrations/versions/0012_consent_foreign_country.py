"""The country the foreign information shown with a consent was about (Art. 28(2)).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

``pipolicy_consents.evidence_foreign_country``: a consent to provision abroad is given
after the person was told the country's name, its system and the recipient's measures
(PPC Rules Art. 17(1)), so it covers that country only; a recipient moving to another
country needs a consent given with that country's information. Rows written before stay
NULL, read as no country recorded, which covers no foreign country (nothing says the
person was told of the one the recipient is in now); filling the column in would change
what the audit log's digest of each row says (an empty field is left out of the digest,
as before).

Added in place (``ALTER TABLE ... ADD COLUMN`` on both databases), so the triggers of
revision 0010 on the table stay.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pipolicy_consents", sa.Column("evidence_foreign_country", sa.Text(), nullable=True)
    )


def downgrade() -> None:
    # In place on SQLite too (3.35 and later): a batch rebuild would drop 0010's
    # triggers on the table, which 0010's own downgrade then drops by name.
    op.execute("ALTER TABLE pipolicy_consents DROP COLUMN evidence_foreign_country")
