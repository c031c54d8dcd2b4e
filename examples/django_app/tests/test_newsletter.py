"""The newsletter goes to the people pipolicy allows now, through Django's mail."""

from __future__ import annotations

import json

from django.core.mail import EmailMessage
from django.test import Client

import pipolicy as pp
from django_app.accounts.models import Customer


def _sign_up(client: Client, name: str, newsletter: bool) -> int:
    form = {"name": name, "email": f"{name}@example.jp", "newsletter": newsletter}
    response = client.post("/users", json.dumps(form), content_type="application/json")
    user_id: int = response.json()["id"]
    return user_id


def test_the_send_reaches_consenting_customers_only(
    client: Client, engine: pp.Engine, mailoutbox: list[EmailMessage]
) -> None:
    _sign_up(client, "aiko", newsletter=True)
    _sign_up(client, "bunta", newsletter=False)
    chika = _sign_up(client, "chika", newsletter=True)
    daichi = _sign_up(client, "daichi", newsletter=True)
    engine.withdraw_consent(pp.Ref(str(chika)), purpose="newsletter")
    engine.mark_left(pp.Ref(str(daichi)))
    assert Customer.objects.filter(newsletter=True).count() == 3  # the shop's flag disagrees

    response = client.post(
        "/newsletter/send", json.dumps({"subject": "April news"}), content_type="application/json"
    )
    assert response.json() == {"sent": 1}
    assert [(m.to, m.subject) for m in mailoutbox] == [(["aiko@example.jp"], "April news")]


def test_the_decision_says_why_not(client: Client) -> None:
    user_id = _sign_up(client, "bunta", newsletter=False)
    decision = client.get(f"/users/{user_id}/newsletter").json()
    assert decision["allowed"] is False and decision["reasons"] and decision["rules"]
    assert client.get("/users/999999/newsletter").status_code == 404
