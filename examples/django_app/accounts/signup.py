"""Signing a customer up: Django's row and pipolicy's records in one transaction.

``transaction.atomic()`` is the transaction; pipolicy joins it on Django's own
connection (:func:`~django_app.accounts.privacy.django_connection`), so a crash between
the customer and the consent keeps neither, and a commit keeps both.
"""

from __future__ import annotations

from django.db import transaction

import pipolicy as pp
from django_app.accounts.models import Customer
from django_app.accounts.privacy import django_connection, get_engine

SIGNUP_FORM = "signup-form-2026-04"
"""The form that showed the purposes before the person typed anything (Art. 21(2))."""


def sign_up(*, name: str, email: str, newsletter: bool) -> int:
    """Create the customer and record what pipolicy must know; returns the customer's id."""
    engine = get_engine()
    with transaction.atomic():
        customer = Customer.objects.create(name=name, email=email, newsletter=newsletter)
        with django_connection() as conn, engine.using(conn):
            subject = engine.register_subject(str(customer.pk), category="customer")
            purposes = {"service"}
            if newsletter:  # the box was ticked: permission before collection (R-USE-7)
                engine.grant_consent(
                    subject, purpose="newsletter", evidence=pp.Evidence("web-form", SIGNUP_FORM)
                )
                purposes.add("newsletter")
            engine.acquire(
                subject,
                items={"name", "email"},
                purposes=purposes,
                channel="web",
                notice=SIGNUP_FORM,
            )
    return int(customer.pk)
