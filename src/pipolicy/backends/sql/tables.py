"""The SQL schema, as SQLAlchemy Core tables (no ORM: the domain never sees SQLAlchemy).

This metadata is what the migrations must produce; a test runs the migrations and asks
Alembic's autogenerate for the difference, which must be empty. Change a table here,
then add a migration under ``migrations/versions``.

Design choices, each for a reason:

* Tables are prefixed ``pipolicy_`` so they can share a database with the application.
* An instant is stored twice over: as UTC (``timestamptz`` on PostgreSQL, fixed-width
  ISO text on SQLite, which sorts in time order) for queries, and the UTC offset it was
  written with (``*_offset``, seconds) so it reads back exactly as written: a request
  due at 09:00 in Tokyo must not come back as the day before in UTC when its date is
  printed in a letter, and every backend must give the same answers.
* Sets of names (items, purposes) are JSON arrays, sorted: a decision loads them with
  the row, never through a join.
* Records listed per subject have an integer ``row`` key that orders them as added
  (several records of one operation share a timestamp); the domain ``id`` is unique.
* Every table read per subject has an index on ``subject_id``, so one subject's facts
  cost the same with ten subjects or ten million.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from pipolicy.errors import InvalidInput

__all__ = [
    "ACQUISITIONS",
    "AUDIT",
    "AUDIT_QUEUE",
    "CONSENTS",
    "METADATA",
    "PROVISIONS",
    "REQUESTS",
    "RESTRICTIONS",
    "SUBJECTS",
    "VERSION_TABLE",
    "UtcDateTime",
]

VERSION_TABLE = "pipolicy_alembic_version"
"""Alembic's version table, named so it never collides with the application's own."""

METADATA = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


_last_text: tuple[object, str] = (None, "")


def _kept(value: datetime, text: str) -> str:
    """Keep ``text`` as the SQLite text of ``value`` (the same object: a datetime is
    immutable), the last one only."""
    global _last_text
    _last_text = (value, text)
    return text


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as UTC; reads back aware, in UTC.

    PostgreSQL stores ``timestamptz``; SQLite stores ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``,
    32 characters, so text order is time order. A naive value is refused rather than
    guessed at.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(32))
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        last, text = _last_text
        if value is last and dialect.name == "sqlite":
            return text  # a batch's rows share the operation's instant
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInput("a naive datetime cannot be stored: pass an aware one")
        utc = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return _kept(value, utc.isoformat(timespec="microseconds"))
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        if value.tzinfo is None:  # pragma: no cover - only a foreign writer stores these
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _row_key() -> sa.Column[int]:
    # INTEGER PRIMARY KEY is SQLite's rowid; BIGINT identity elsewhere.
    return sa.Column(
        "row",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    )


def _instant(name: str, *, nullable: bool = False) -> tuple[sa.Column[Any], sa.Column[Any]]:
    return (
        sa.Column(name, UtcDateTime(), nullable=nullable),
        sa.Column(f"{name}_offset", sa.Integer(), nullable=nullable),
    )


def _subject_ref() -> sa.Column[str]:
    return sa.Column(
        "subject_id",
        sa.Text(),
        sa.ForeignKey("pipolicy_subjects.id"),
        nullable=False,
        index=True,
    )


SUBJECTS = sa.Table(
    "pipolicy_subjects",
    METADATA,
    sa.Column("id", sa.Text(), primary_key=True),
    sa.Column("ref", sa.Text(), nullable=False, unique=True),
    *_instant("registered_at"),
    sa.Column("category", sa.Text(), nullable=True),
    *_instant("left_at", nullable=True),
)

ACQUISITIONS = sa.Table(
    "pipolicy_acquisitions",
    METADATA,
    _row_key(),
    sa.Column("id", sa.Text(), nullable=False, unique=True),
    _subject_ref(),
    sa.Column("items", sa.JSON(), nullable=False),
    sa.Column("purposes", sa.JSON(), nullable=False),
    sa.Column("channel", sa.Text(), nullable=False),
    sa.Column("source", sa.Text(), nullable=False),
    *_instant("acquired_at"),
    sa.Column("policy_version", sa.Text(), nullable=False),
    sa.Column("opted_in", sa.JSON(), nullable=False),
    sa.Column("provider_address", sa.Text(), nullable=True),
    sa.Column("provider_obtained_by", sa.Text(), nullable=True),
    # since revision 0011 (NULL on rows written before: the event holds it)
    sa.Column("provider_representative", sa.Text(), nullable=True),
    # since revision 0013 (NULL on rows written before, and where the caller did not say):
    # an EntityKind and a ReceiptBasis by value
    sa.Column("provider_kind", sa.Text(), nullable=True),
    sa.Column("provider_basis", sa.Text(), nullable=True),
)

CONSENTS = sa.Table(
    "pipolicy_consents",
    METADATA,
    _row_key(),
    sa.Column("id", sa.Text(), nullable=False, unique=True),
    _subject_ref(),
    sa.Column("purpose", sa.Text(), nullable=True),
    sa.Column("recipient", sa.Text(), nullable=True),
    sa.Column("items", sa.JSON(), nullable=False),
    sa.Column("status", sa.Text(), nullable=False),
    sa.Column("evidence_method", sa.Text(), nullable=False),
    sa.Column("evidence_ref", sa.Text(), nullable=False),
    sa.Column("evidence_given_by", sa.Text(), nullable=False),
    # since revision 0005; "" where nothing about a foreign country was shown
    sa.Column("evidence_foreign_info", sa.Text(), nullable=False, server_default=sa.text("''")),
    # since revision 0012: the country that information was about (NULL on rows written
    # before, which are taken to be about the recipient's country)
    sa.Column("evidence_foreign_country", sa.Text(), nullable=True),
    # since revision 0007: the scope as one text, so the store itself keeps at most one
    # consent per scope in force (NULL on rows written before, which it leaves alone)
    sa.Column("scope_key", sa.Text(), nullable=True),
    sa.Column("policy_version", sa.Text(), nullable=False),
    *_instant("given_at"),
    *_instant("expires_at", nullable=True),
    *_instant("ended_at", nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    # Since revision 0004: the consents still given, per subject in the order added,
    # which is all a decision reads (its cost stays flat however many were withdrawn).
    sa.Index(
        "ix_pipolicy_consents_given",
        "subject_id",
        "row",
        postgresql_where=sa.text("status = 'given'"),
        sqlite_where=sa.text("status = 'given'"),
    ),
    sa.Index(
        "ux_pipolicy_consents_in_force",
        "subject_id",
        "scope_key",
        unique=True,
        postgresql_where=sa.text("status = 'given' AND scope_key IS NOT NULL"),
        sqlite_where=sa.text("status = 'given' AND scope_key IS NOT NULL"),
    ),
)

PROVISIONS = sa.Table(
    "pipolicy_provisions",
    METADATA,
    _row_key(),
    sa.Column("id", sa.Text(), nullable=False, unique=True),
    _subject_ref(),
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
    # since revision 0006; "" for a recipient in Japan
    sa.Column("country", sa.Text(), nullable=False, server_default=sa.text("''")),
    # since revision 0014 (NULL where the policy declares none, and on rows written before)
    sa.Column("recipient_address", sa.Text(), nullable=True),
    sa.Column("recipient_representative", sa.Text(), nullable=True),
    # since revision 0015: the consents besides consent_id it rests on (NULL for none)
    sa.Column("more_consent_ids", sa.JSON(none_as_null=True), nullable=True),
)

RESTRICTIONS = sa.Table(
    "pipolicy_restrictions",
    METADATA,
    _row_key(),
    sa.Column("id", sa.Text(), nullable=False, unique=True),
    _subject_ref(),
    sa.Column("kind", sa.Text(), nullable=False),
    *_instant("since"),
    sa.Column("request_id", sa.Text(), nullable=True),
    sa.Column("items", sa.JSON(), nullable=False),
    sa.Column("purposes", sa.JSON(), nullable=False),
    # since revision 0002; rows from before mean "every recipient"
    sa.Column("recipients", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
)

REQUESTS = sa.Table(
    "pipolicy_requests",
    METADATA,
    _row_key(),
    sa.Column("id", sa.Text(), nullable=False, unique=True),
    _subject_ref(),
    sa.Column("kind", sa.Text(), nullable=False),
    sa.Column("applicant_kind", sa.Text(), nullable=False),
    sa.Column("state", sa.Text(), nullable=False),
    # Denormalised from ``state`` so ``overdue()`` reads an index, not the whole table.
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
    # since revision 0008; "en" for the requests answered before, all in English
    sa.Column("language", sa.Text(), nullable=False, server_default=sa.text("'en'")),
    sa.Index(None, "is_open", "due"),
)

AUDIT = sa.Table(
    "pipolicy_audit",
    METADATA,
    # The position in the chain: the primary key makes two writers at one position
    # impossible, whatever the isolation level.
    sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
    *_instant("at"),
    sa.Column("kind", sa.Text(), nullable=False),
    sa.Column("subject_id", sa.Text(), nullable=True),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_pipolicy_audit_subject_id", "subject_id", "seq"),  # since revision 0002
)

AUDIT_QUEUE = sa.Table(
    "pipolicy_audit_queue",
    METADATA,
    # Entries appended but not yet placed in the log (since revision 0003). Writers
    # insert here without reading the log's tail; the sequencer moves them to
    # ``pipolicy_audit`` in ``id`` order. Used where writers run in parallel (PostgreSQL);
    # SQLite's single writer places entries at once and leaves this table empty.
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    *_instant("at"),
    sa.Column("kind", sa.Text(), nullable=False),
    sa.Column("subject_id", sa.Text(), nullable=True),
    sa.Column("payload", sa.JSON(), nullable=False),
)

SUBJECT_STATES = sa.Table(
    "pipolicy_subject_states",
    METADATA,
    # Each person's compiled state (since revision 0009): what a decision reads, one
    # narrow row rewritten in the transaction of every write about the person, so a
    # check reads one row by primary key whatever the history. Derived from the tables
    # above and rebuilt from them by ``pipolicy db rebuild-state``; a person without a
    # row (or with a row of another ``format``) is read from the history instead. Since
    # revision 0010, triggers on the four tables a state is compiled from set ``format``
    # to 0 (stale, read by no version) on every write to them; pipolicy's own writes
    # then rewrite the row in the same transaction, so only writes made some other way
    # (an earlier version's, a DBA's) leave it stale.
    sa.Column("subject_id", sa.Text(), sa.ForeignKey("pipolicy_subjects.id"), primary_key=True),
    sa.Column("version", sa.BigInteger(), nullable=False),
    sa.Column("format", sa.Integer(), nullable=False),
    sa.Column("state", sa.Text(), nullable=False),
)
