"""Sign-up: Django's customer and pipolicy's records, in Django's one transaction."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

import pipolicy as pp
from django_app.accounts.models import Customer
from django_app.accounts.privacy import django_connection

HANAKO = {"name": "Hanako Yamada", "email": "hanako@example.jp", "newsletter": True}


def _post(client: Client, url: str, data: object) -> dict[str, object]:
    response = client.post(url, json.dumps(data), content_type="application/json")
    assert response.status_code in (200, 201), response.content
    result: dict[str, object] = response.json()
    return result


def test_sign_up_keeps_the_customer_consent_and_acquisition_together(
    client: Client, engine: pp.Engine
) -> None:
    user_id = _post(client, "/users", HANAKO)["id"]
    assert list(Customer.objects.values_list("pk", flat=True)) == [user_id]
    # Read back through pipolicy's own connection: what Django committed is there.
    subject = engine.find_subject(str(user_id))
    assert subject is not None
    [consent] = engine.consents(subject)
    assert consent.scope.purpose == "newsletter" and consent.status is pp.ConsentStatus.GIVEN
    [acquisition] = engine.acquisitions(subject)
    assert acquisition.purposes == {"service", "newsletter"}
    assert [e.kind for e in engine.audit_events()] == [
        "subject.registered",
        "consent.given",
        "acquisition.recorded",
    ]
    assert engine.verify_audit().ok
    decision = client.get(f"/users/{user_id}/newsletter").json()
    assert decision["allowed"] is True and decision["basis"] == "consent"


def test_pipolicys_writes_are_in_djangos_transaction_until_it_commits(
    engine: pp.Engine,
) -> None:
    """Inside ``atomic`` the records are written on Django's connection and nowhere
    else: pipolicy's own connection does not see them until Django commits."""
    with transaction.atomic():
        customer = Customer.objects.create(name="Aiko", email="aiko@example.jp")
        with django_connection() as conn, engine.using(conn):
            engine.register_subject(str(customer.pk), category="customer")
            assert engine.find_subject(str(customer.pk)) is not None  # on Django's
        assert engine.find_subject(str(customer.pk)) is None  # on pipolicy's own
    assert engine.find_subject(str(customer.pk)) is not None
    assert engine.verify_audit().ok


def test_a_crash_between_the_customer_and_the_consent_leaves_neither(
    client: Client, engine: pp.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object, **_kwargs: object) -> pp.Consent:
        raise RuntimeError("the process died here")

    # The customer row and the pipolicy subject are written; then the consent fails.
    monkeypatch.setattr(engine, "grant_consent", crash)
    with pytest.raises(RuntimeError, match="died here"):
        client.post("/users", json.dumps(HANAKO), content_type="application/json")
    assert Customer.objects.count() == 0
    assert list(engine.audit_events()) == []
    monkeypatch.undo()
    user_id = _post(client, "/users", HANAKO)["id"]
    assert engine.find_subject(str(user_id)) is not None
    assert engine.verify_audit().ok


def test_joining_needs_djangos_transaction(engine: pp.Engine) -> None:
    with pytest.raises(RuntimeError, match="atomic"), django_connection():
        pass


def test_the_form_is_checked_before_anything_is_written(client: Client, engine: pp.Engine) -> None:
    bad = {**HANAKO, "email": "not an address"}
    response = client.post("/users", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422 and "email" in response.json()["detail"]
    assert Customer.objects.count() == 0 and list(engine.audit_events()) == []
