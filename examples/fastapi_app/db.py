"""The shop's own data: a users table, mapped with SQLAlchemy's ORM.

pipolicy never reads this table for its decisions; it knows a user only by the ref the
shop gives it (``str(user.id)``). The data source in ``sources.py`` reads it when a
person asks what the shop holds about them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    email: Mapped[str]
    newsletter: Mapped[bool] = mapped_column(default=False)


def connect(url: str) -> sa.Engine:
    """The shop's engine, with its own tables created (a real shop runs its migrations;
    pipolicy's are run by ``pipolicy.backends.sql.upgrade``, see ``main.py``)."""
    db = sa.create_engine(url)
    Base.metadata.create_all(db)
    return db
