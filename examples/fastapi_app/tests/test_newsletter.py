"""The newsletter goes to the people pipolicy allows now, and to no one else."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

import pipolicy as pp
from fastapi_app.conftest import Outbox
from fastapi_app.db import User


def _sign_up(client: TestClient, name: str, newsletter: bool) -> int:
    form = {"name": name, "email": f"{name}@example.jp", "newsletter": newsletter}
    user_id: int = client.post("/users", json=form).json()["id"]
    return user_id


def test_the_send_reaches_consenting_customers_only(
    client: TestClient, db: sa.Engine, outbox: Outbox, pp_engine: pp.Engine
) -> None:
    _sign_up(client, "aiko", newsletter=True)
    _sign_up(client, "bunta", newsletter=False)
    chika = _sign_up(client, "chika", newsletter=True)
    daichi = _sign_up(client, "daichi", newsletter=True)

    [withdrawn] = client.post(f"/users/{chika}/newsletter/withdraw").json()
    assert withdrawn["status"] == "withdrawn"
    pp_engine.mark_left(pp.Ref(str(daichi)))  # closed the account
    # The shop's own flag still says yes for chika and daichi: pipolicy decides.
    with db.connect() as conn:
        flagged = conn.scalar(sa.select(sa.func.count()).where(User.newsletter.is_(True)))
    assert flagged == 3

    response = client.post("/newsletter/send", json={"subject": "April news"})
    assert response.json() == {"sent": 1}
    assert outbox.sent == [("aiko@example.jp", "April news")]


def test_a_withdrawal_twice_is_a_conflict(client: TestClient) -> None:
    user_id = _sign_up(client, "aiko", newsletter=True)
    assert client.post(f"/users/{user_id}/newsletter/withdraw").status_code == 200
    assert client.post(f"/users/{user_id}/newsletter/withdraw").status_code == 409
