"""Signing a customer up: one transaction for the shop's row and pipolicy's records.

A crash between the two must not leave a user without the record of what they agreed
to, nor a consent for a user who was never created. So the user row, the pipolicy
subject, the newsletter consent and the acquisition share the ORM session's
transaction (``engine.using(session.connection())``): committed together at the end of
the block, or rolled back together by any exception in it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

import pipolicy as pp
from fastapi_app.db import User

SIGNUP_FORM = "signup-form-2026-04"
"""The form that showed the purposes before the person typed anything (Art. 21(2))."""


def sign_up(db: sa.Engine, engine: pp.Engine, *, name: str, email: str, newsletter: bool) -> int:
    """Create the user and record what pipolicy must know; returns the user's id."""
    with Session(db) as session, session.begin():
        user = User(name=name, email=email, newsletter=newsletter)
        session.add(user)
        session.flush()  # the id, inside the transaction
        with engine.using(session.connection()):
            subject = engine.register_subject(str(user.id), category="customer")
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
        return user.id
