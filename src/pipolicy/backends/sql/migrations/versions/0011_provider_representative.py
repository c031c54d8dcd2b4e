"""The representative of the business data was received from, on its acquisition.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

``pipolicy_acquisitions.provider_representative``: on receiving personal data from
another business, the recipient confirms the provider's name, address and, for a
corporation, its representative (Art. 30(1)(i)), and keeps them as its record of
receipt (Art. 30(3)), which the person may ask to see (Art. 33(5)). The name and address
were columns already; the representative was kept only in the ``acquisition.recorded``
event. Rows written before stay NULL: the event still holds it, and filling the column
in would change what the audit log's digest of each row says (a NULL column is left
out of the digest, as before).

Added in place (``ALTER TABLE ... ADD COLUMN`` on both databases), so the triggers of
revision 0010 on the table stay.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pipolicy_acquisitions", sa.Column("provider_representative", sa.Text(), nullable=True)
    )


def downgrade() -> None:
    # In place on SQLite too (3.35 and later): a batch rebuild would drop 0010's
    # triggers on the table, which 0010's own downgrade then drops by name.
    op.execute("ALTER TABLE pipolicy_acquisitions DROP COLUMN provider_representative")
