"""A disclosure request, from the signed-in customer to the answer, over HTTP."""

from __future__ import annotations

import json
from datetime import datetime, timezone

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


def test_r_req_3_the_sign_in_is_dated_by_the_policys_day_not_the_clocks(
    client: Client, pp_clock: pp.FixedClock
) -> None:
    """At 00:30 on 1 April in Tokyo a clock in UTC still reads 31 March. The shop's policy
    counts days in Tokyo, so the sign-in that identifies the customer is dated 1 April,
    the day the request is received."""
    pp_clock.set(datetime(2026, 3, 31, 15, 30, tzinfo=timezone.utc))
    form = {"name": "Hanako Yamada", "email": "hanako@example.jp", "newsletter": False}
    response = client.post("/users", json.dumps(form), content_type="application/json")
    request = client.post(f"/users/{response.json()['id']}/requests/disclosure").json()
    [signed_in] = request["documents"]
    assert signed_in["kind"] == "service_login"
    assert signed_in["issued"] == "2026-04-01"
