"""The shop as a process: ``uvicorn fastapi_app.main:app`` (from ``examples/``).

Configured from the environment: ``DATABASE_URL`` (default ``sqlite:///shop.db``) and,
on PostgreSQL, ``PIPOLICY_SCHEMA`` for pipolicy's own schema. pipolicy's migrations
run here for the example; a deployed shop runs ``pipolicy db upgrade URL`` as a deploy
step instead.
"""

from __future__ import annotations

import logging
import os

import sqlalchemy as sa

import pipolicy as pp
from fastapi_app.app import POLICY_FILE, create_app
from fastapi_app.db import connect
from pipolicy.backends.sql import SqlStore, upgrade

log = logging.getLogger("shop")


class LoggingMailer:
    """Stands in for the mail service; logs that a mail went, never to whom."""

    def send(self, to: str, subject: str) -> None:
        log.info("newsletter mail handed to the mail service")


def build(url: str, schema: str | None) -> tuple[sa.Engine, pp.Engine]:
    """The shop's engine and pipolicy on the same database (in ``schema``, if given)."""
    db = connect(url)
    upgrade(db, schema=schema)
    return db, pp.Engine(pp.load_policy(POLICY_FILE), store=SqlStore(db, schema=schema))


db, engine = build(
    os.environ.get("DATABASE_URL", "sqlite:///shop.db"), os.environ.get("PIPOLICY_SCHEMA") or None
)
app = create_app(db, engine, LoggingMailer())
