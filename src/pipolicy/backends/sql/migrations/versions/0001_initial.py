"""The initial schema: subjects, acquisitions, consents, provisions, restrictions,
requests and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-04-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the types in pipolicy.backends.sql.tables as of this revision.
INSTANT = sa.DateTime(timezone=True).with_variant(sa.String(32), "sqlite")
ROW = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _instant(name: str, *, nullable: bool = False) -> list[sa.Column[object]]:
    return [
        sa.Column(name, INSTANT, nullable=nullable),
        sa.Column(f"{name}_offset", sa.Integer(), nullable=nullable),
    ]


def _per_subject(table: str, *columns: sa.Column[object] | sa.Constraint) -> None:
    """A table of records listed per subject, in the order added."""
    op.create_table(
        table,
        sa.Column("row", ROW, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["pipolicy_subjects.id"],
            name=f"fk_{table}_subject_id_pipolicy_subjects",
        ),
        sa.PrimaryKeyConstraint("row", name=f"pk_{table}"),
        sa.UniqueConstraint("id", name=f"uq_{table}_id"),
    )
    op.create_index(f"ix_{table}_subject_id", table, ["subject_id"])


def upgrade() -> None:
    op.create_table(
        "pipolicy_subjects",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("ref", sa.Text(), nullable=False),
        *_instant("registered_at"),
        sa.Column("category", sa.Text(), nullable=True),
        *_instant("left_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_pipolicy_subjects"),
        sa.UniqueConstraint("ref", name="uq_pipolicy_subjects_ref"),
    )
    _per_subject(
        "pipolicy_acquisitions",
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        *_instant("acquired_at"),
        sa.Column("policy_version", sa.Text(), nullable=False),
        sa.Column("opted_in", sa.JSON(), nullable=False),
        sa.Column("provider_address", sa.Text(), nullable=True),
        sa.Column("provider_obtained_by", sa.Text(), nullable=True),
    )
    _per_subject(
        "pipolicy_consents",
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("recipient", sa.Text(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("evidence_method", sa.Text(), nullable=False),
        sa.Column("evidence_ref", sa.Text(), nullable=False),
        sa.Column("evidence_given_by", sa.Text(), nullable=False),
        sa.Column("policy_version", sa.Text(), nullable=False),
        *_instant("given_at"),
        *_instant("expires_at", nullable=True),
        *_instant("ended_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    _per_subject(
        "pipolicy_provisions",
        sa.Column("recipient", sa.Text(), nullable=False),
        sa.Column("recipient_name", sa.Text(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=False),
        *_instant("provided_at"),
        sa.Column("required_by_law", sa.Boolean(), nullable=False),
        *_instant("keep_until", nullable=True),
        sa.Column("consent_id", sa.Text(), nullable=True),
        sa.Column("exemption", sa.Text(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
    )
    _per_subject(
        "pipolicy_restrictions",
        sa.Column("kind", sa.Text(), nullable=False),
        *_instant("since"),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
    )
    _per_subject(
        "pipolicy_requests",
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("applicant_kind", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        *_instant("received_at"),
        *_instant("due"),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("method", sa.Text(), nullable=False),
        sa.Column("documents", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("ground", sa.Text(), nullable=True),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_pipolicy_requests_is_open_due", "pipolicy_requests", ["is_open", "due"])
    op.create_table(
        "pipolicy_audit",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        *_instant("at"),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("subject_id", sa.Text(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_pipolicy_audit"),
    )


def downgrade() -> None:
    op.drop_table("pipolicy_audit")
    op.drop_index("ix_pipolicy_requests_is_open_due", table_name="pipolicy_requests")
    for table in (
        "pipolicy_requests",
        "pipolicy_restrictions",
        "pipolicy_provisions",
        "pipolicy_consents",
        "pipolicy_acquisitions",
    ):
        op.drop_index(f"ix_{table}_subject_id", table_name=table)
        op.drop_table(table)
    op.drop_table("pipolicy_subjects")
