"""The accounts app, and pipolicy's migrations riding on ``manage.py migrate``."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def upgrade_pipolicy(sender: AppConfig, using: str = "default", **_kwargs: Any) -> None:
    """After Django's migrations, bring pipolicy's tables in the same database to the
    newest schema (idempotent: a current schema costs one query).

    A post-migrate hook rather than a Django migration: pipolicy ships migrations of its
    own (Alembic), and a new pipolicy version brings new ones that no Django migration
    of the shop would know to run. ``manage.py migrate`` runs them every time, and so
    does the test database's creation. Deployments that prefer a separate step run
    ``pipolicy db upgrade sqlite:///<file>`` instead.
    """
    from django_app.accounts.privacy import database_url
    from pipolicy.backends.sql import upgrade

    upgrade(database_url(using))


class AccountsConfig(AppConfig):
    name = "django_app.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(upgrade_pipolicy, sender=self, dispatch_uid="pipolicy-upgrade")
