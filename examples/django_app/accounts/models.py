"""The shop's own data: its customers, in a table Django's migrations manage."""

from __future__ import annotations

from django.db import models


class Customer(models.Model):
    # Typed for mypy without django-stubs' plugin (which would import these settings
    # in every mypy run of pipolicy): [type set, type read].
    name: models.CharField[str, str] = models.CharField(max_length=200)
    email: models.EmailField[str, str] = models.EmailField(max_length=320)
    newsletter: models.BooleanField[bool, bool] = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"customer {self.pk}"  # never the name or address: reprs end up in logs
