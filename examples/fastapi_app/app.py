"""The shop's HTTP API: sign-up, the newsletter, and requests from the person.

Everything the application needs is passed to :func:`create_app`, so tests build the
app on their own database and pipolicy engine (``pp_engine``) and nothing is global.
Endpoints are plain ``def`` functions: pipolicy's API is synchronous, and FastAPI runs
them in its thread pool (one ``pp.Engine`` is shared by every thread).

Responses are ``pp.to_dict`` of pipolicy's records, and their OpenAPI schemas are
``pp.json_schema`` of the same types, so a client generated from ``/openapi.json``
reads exactly what the endpoints return. The path's user id stands for the signed-in
customer: a real shop takes it from its session, and lets only staff verify and answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

import pipolicy as pp
from fastapi_app.db import User
from fastapi_app.signup import sign_up
from fastapi_app.sources import UsersSource

POLICY_FILE = Path(__file__).with_name("policy.toml")
"""The shop's published policy, which pipolicy enforces."""

_PAGE = 500


class Mailer(Protocol):
    def send(self, to: str, subject: str) -> None: ...


class SignUpForm(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)
    newsletter: bool = False  # the unticked box


class Issue(BaseModel):
    subject: str = Field(min_length=1, max_length=200)


def openapi_schema(cls: type) -> dict[str, Any]:
    """``pp.json_schema(cls)`` as an OpenAPI schema object: its ``$defs`` inlined, since
    OpenAPI resolves ``#/...`` against the whole document, not the schema."""
    schema = pp.json_schema(cls)
    defs = schema.pop("$defs")
    schema.pop("$schema")

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(defs[node["$ref"].rsplit("/", 1)[1]])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(value) for value in node]
        return node

    result: dict[str, Any] = inline(schema)
    return result


def _returns(cls: type) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"schema": openapi_schema(cls)}}}}


def _pages(subjects: Iterator[pp.Subject]) -> Iterator[list[int]]:
    """User ids, a page at a time: the audience may be every customer."""
    page: list[int] = []
    for subject in subjects:
        page.append(int(subject.ref))
        if len(page) == _PAGE:
            yield page
            page = []
    if page:
        yield page


def create_app(db: sa.Engine, engine: pp.Engine, mailer: Mailer) -> FastAPI:
    """The app on the shop's database ``db`` and pipolicy's ``engine`` (whose store is the
    same database), sending mail through ``mailer``."""
    app = FastAPI(title="Example shop")
    engine.register_source("users", UsersSource(db))

    # pipolicy's errors say what is wrong without personal data: safe to return.
    @app.exception_handler(pp.SubjectNotFound)
    @app.exception_handler(pp.RequestNotFound)
    def not_found(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(pp.InvalidTransition)
    def conflict(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=409)

    @app.post("/users", status_code=201)
    def create_user(form: SignUpForm) -> dict[str, int]:
        user_id = sign_up(db, engine, name=form.name, email=form.email, newsletter=form.newsletter)
        return {"id": user_id}

    @app.get("/users/{user_id}/newsletter", response_model=None, responses=_returns(pp.Decision))
    def newsletter_decision(user_id: int) -> dict[str, Any]:
        """May the shop send this user the newsletter now? The decision, with its reasons."""
        decision = engine.check_use(pp.Ref(str(user_id)), purpose="newsletter", items={"email"})
        return pp.to_dict(decision)

    @app.post("/users/{user_id}/newsletter/withdraw", response_model=None)
    def withdraw_newsletter(user_id: int) -> list[dict[str, Any]]:
        ended = engine.withdraw_consent(pp.Ref(str(user_id)), purpose="newsletter")
        return [pp.to_dict(consent) for consent in ended]

    @app.post("/newsletter/send")
    def send_newsletter(issue: Issue) -> dict[str, int]:
        """Mail the people pipolicy allows now: consent given, not withdrawn, not
        restricted, still customers. The shop's own flag is not asked."""
        sent = 0
        audience = engine.allowed_subjects(purpose="newsletter", items={"email"})
        for ids in _pages(audience):
            with Session(db) as session:
                for email in session.scalars(sa.select(User.email).where(User.id.in_(ids))):
                    mailer.send(email, issue.subject)
                    sent += 1
        return {"sent": sent}

    @app.post(
        "/users/{user_id}/requests/disclosure",
        status_code=201,
        response_model=None,
        responses=_returns(pp.Request),
    )
    def ask_for_disclosure(user_id: int) -> dict[str, Any]:
        """The signed-in customer asks what the shop holds about them, answered online:
        the sign-in is their identification (the policy's ``accept_service_login``)."""
        # The day of the sign-in in the policy's time zone, as the request's own day:
        # the clock may run in UTC, where it is still yesterday until 09:00 in Tokyo.
        today = engine.policy.local_date(engine.now())
        signed_in = pp.Document(pp.DocumentKind.SERVICE_LOGIN, issued=today)
        request = engine.requests.submit(
            pp.RequestKind.DISCLOSURE,
            subject=pp.Ref(str(user_id)),
            method="electronic",
            documents=[signed_in],
        )
        return pp.to_dict(request)

    @app.get("/requests/{request_id}", response_model=None, responses=_returns(pp.Request))
    def get_request(request_id: str) -> dict[str, Any]:
        return pp.to_dict(engine.requests.get(request_id))

    @app.post("/requests/{request_id}/verify", response_model=None, responses=_returns(pp.Request))
    def verify_request(request_id: str) -> dict[str, Any]:
        return pp.to_dict(engine.requests.verify(request_id))

    @app.post("/requests/{request_id}/answer", response_model=None)
    def answer_request(request_id: str) -> dict[str, object]:
        """Carry the request out and return the answer: for a disclosure, every item
        held with its values (read from the users table), purposes and history."""
        return engine.requests.fulfil(request_id).to_dict()

    return app
