"""Sign-up: the shop's user and pipolicy's records, kept or lost together."""

from __future__ import annotations

import jsonschema
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

import pipolicy as pp
from fastapi_app.app import create_app
from fastapi_app.conftest import Outbox
from fastapi_app.db import User

HANAKO = {"name": "Hanako Yamada", "email": "hanako@example.jp", "newsletter": True}


def _user_ids(db: sa.Engine) -> list[int]:
    with db.connect() as conn:
        return list(conn.scalars(sa.select(User.id).order_by(User.id)))


def test_sign_up_keeps_the_user_consent_and_acquisition_together(
    client: TestClient, db: sa.Engine, pp_engine: pp.Engine
) -> None:
    response = client.post("/users", json=HANAKO)
    assert response.status_code == 201
    user_id = response.json()["id"]
    assert _user_ids(db) == [user_id]

    subject = pp_engine.find_subject(str(user_id))
    assert subject is not None and subject.category == "customer"
    [consent] = pp_engine.consents(subject)
    assert consent.scope.purpose == "newsletter" and consent.status is pp.ConsentStatus.GIVEN
    [acquisition] = pp_engine.acquisitions(subject)
    assert acquisition.purposes == {"service", "newsletter"}
    assert [e.kind for e in pp_engine.audit_events()] == [
        "subject.registered",
        "consent.given",
        "acquisition.recorded",
    ]
    assert pp_engine.verify_audit().ok


def test_the_decision_is_json_in_pipolicys_schema(client: TestClient) -> None:
    yes = client.post("/users", json=HANAKO).json()["id"]
    no = client.post("/users", json={**HANAKO, "newsletter": False}).json()["id"]
    allowed = client.get(f"/users/{yes}/newsletter").json()
    denied = client.get(f"/users/{no}/newsletter").json()
    assert allowed["allowed"] is True and allowed["basis"] == "consent"
    assert denied["allowed"] is False and denied["reasons"]
    for decision in (allowed, denied):
        jsonschema.validate(decision, pp.json_schema(pp.Decision))
    documented = client.get("/openapi.json").json()["paths"]["/users/{user_id}/newsletter"]
    schema = documented["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["rules"] == {"type": "array", "items": {"type": "string"}}
    assert client.get("/users/999/newsletter").status_code == 404


def test_a_crash_between_the_user_and_the_consent_leaves_neither(
    db: sa.Engine, pp_engine: pp.Engine, outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object, **_kwargs: object) -> pp.Consent:
        raise RuntimeError("the process died here")

    # The user row and the pipolicy subject are written; then the consent fails.
    monkeypatch.setattr(pp_engine, "grant_consent", crash)
    app = create_app(db, pp_engine, outbox)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/users", json=HANAKO).status_code == 500
    assert _user_ids(db) == []
    assert pp_engine.find_subject("1") is None
    assert list(pp_engine.audit_events()) == []
    assert pp_engine.verify_audit().ok

    monkeypatch.undo()  # the next sign-up, on a healthy process, goes through whole
    with TestClient(app) as client:
        user_id = client.post("/users", json=HANAKO).json()["id"]
    assert _user_ids(db) == [user_id]
    subject = pp_engine.find_subject(str(user_id))
    assert subject is not None and len(pp_engine.consents(subject)) == 1
    assert pp_engine.verify_audit().ok


def test_a_refusal_by_pipolicy_undoes_the_user_too(
    client: TestClient, db: sa.Engine, pp_engine: pp.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pipolicy refuses the acquisition (here: the form did not show the purposes); the
    user row goes with it, and the refusal itself stays out of the log with the rest."""
    acquire = pp_engine.acquire

    def unshown(*args: object, **kwargs: object) -> pp.Acquisition:
        return acquire(*args, **{**kwargs, "purpose_shown": False})  # type: ignore[arg-type]

    monkeypatch.setattr(pp_engine, "acquire", unshown)
    with pytest.raises(pp.AcquisitionDenied):
        client.post("/users", json=HANAKO)
    assert _user_ids(db) == []
    assert list(pp_engine.audit_events()) == []


def test_the_form_is_checked_before_anything_is_written(
    client: TestClient, db: sa.Engine, pp_engine: pp.Engine
) -> None:
    assert client.post("/users", json={**HANAKO, "email": "not an address"}).status_code == 422
    assert _user_ids(db) == [] and list(pp_engine.audit_events()) == []
