"""The provider's kind and the basis of receipt, on an acquisition from another business.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03

``pipolicy_acquisitions.provider_kind``: what the business the data came from is
(``corporation``, ``association`` or ``individual``, :class:`~pipolicy.EntityKind`).
Art. 30(1)(i) asks the recipient to confirm the provider's representative "for a
corporation" (and an association's representative or manager, Art. 27(2)(i)): a sole
trader has none, and the record of receipt says why it names none.

``pipolicy_acquisitions.provider_basis``: on what the provider gave the data
(``consent``, ``opt_out`` or ``personally_referable``, :class:`~pipolicy.ReceiptBasis`),
the note PPC Rules Art. 24(1) adds to the record of receipt (Art. 30(3)): that the
person's consent was obtained, that the provider's opt-out filing is published by the
PPC (Art. 27(4)), or that the person consented to personally referable information
being acquired as personal data (Art. 31(1)(i)).

Rows written before stay NULL, as do rows where the caller did not say: nothing is
assumed about a provider, and a NULL column is left out of the digest the audit log
holds for the row (the fields are ``omit_default``), so those digests still match.

Added in place (``ALTER TABLE ... ADD COLUMN`` on both databases), so the triggers of
revision 0010 on the table stay.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("pipolicy_acquisitions", sa.Column("provider_kind", sa.Text(), nullable=True))
    op.add_column("pipolicy_acquisitions", sa.Column("provider_basis", sa.Text(), nullable=True))


def downgrade() -> None:
    # In place on SQLite too (3.35 and later): a batch rebuild would drop 0010's
    # triggers on the table, which 0010's own downgrade then drops by name.
    op.execute("ALTER TABLE pipolicy_acquisitions DROP COLUMN provider_basis")
    op.execute("ALTER TABLE pipolicy_acquisitions DROP COLUMN provider_kind")
