"""A disclosure request, from the signed-in customer to the answer, over HTTP."""

from __future__ import annotations

import json

from django.test import Client

import pipolicy as pp


def test_a_customer_asks_and_gets_what_the_shop_holds(client: Client, engine: pp.Engine) -> None:
    form = {"name": "Hanako Yamada", "email": "hanako@example.jp", "newsletter": False}
    response = client.post("/users", json.dumps(form), content_type="application/json")
    user_id = response.json()["id"]

    asked = client.post(f"/users/{user_id}/requests/disclosure")
    assert asked.status_code == 201
    request = asked.json()
    assert request["kind"] == "disclosure" and request["state"] == "received"
    assert client.post(f"/requests/{request['id']}/verify").json()["state"] == "verified"

    answer = client.post(f"/requests/{request['id']}/answer").json()
    assert answer["state"] == "fulfilled"
    held = {i["item"]: i for i in answer["report"]["items"]}
    assert held["email"]["values"] == {"customers": "hanako@example.jp"}
    assert held["name"]["values"] == {"customers": "Hanako Yamada"}
    assert held["email"]["purposes"] == ["service"]
    assert client.get(f"/requests/{request['id']}").json()["state"] == "fulfilled"
    assert client.post(f"/requests/{request['id']}/answer").status_code == 409
    assert engine.verify_audit().ok


def test_requests_for_unknown_people_or_ids_are_not_found(client: Client) -> None:
    assert client.post("/users/999999/requests/disclosure").status_code == 404
    assert client.get("/requests/nope").status_code == 404
