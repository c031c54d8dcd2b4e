"""The users table as a pipolicy data source: what a disclosure request reads, what a
correction, deletion or suspension changes (``docs/requests.md``, "Writing a data
source"). Results name items and what was done, never values: pipolicy stores them
with the request.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

import pipolicy as pp
from fastapi_app.db import User


class UsersSource:
    """The shop's users, found by the ref pipolicy knows them by (``str(user.id)``)."""

    def __init__(self, db: sa.Engine) -> None:
        self._db = db

    @staticmethod
    def _user(session: Session, subject_ref: str) -> User | None:
        return session.get(User, int(subject_ref)) if subject_ref.isdigit() else None

    def export(self, subject_ref: str) -> Mapping[str, object]:
        with Session(self._db) as session:
            user = self._user(session, subject_ref)
            return {} if user is None else {"name": user.name, "email": user.email}

    def correct(self, subject_ref: str, changes: Mapping[str, object]) -> Mapping[str, str]:
        with Session(self._db) as session, session.begin():
            user = self._user(session, subject_ref)
            done: dict[str, str] = {}
            for item, value in changes.items():
                if user is None or item not in ("name", "email") or value is None:
                    done[item] = "not_held"  # both are required: the account holds them
                    continue
                setattr(user, item, str(value))
                done[item] = "corrected"
            return done

    def erase(self, subject_ref: str, items: frozenset[str]) -> Mapping[str, str]:
        # The account cannot exist without its name and address: erasing either closes it.
        with Session(self._db) as session, session.begin():
            user = self._user(session, subject_ref)
            if user is not None:
                session.delete(user)
            return dict.fromkeys(sorted(items), "not_held" if user is None else "erased")

    def restrict(
        self,
        subject_ref: str,
        kind: pp.RestrictionKind,
        items: frozenset[str],
        purposes: frozenset[str],
    ) -> Mapping[str, str]:
        # pipolicy's own restriction already stops every use it decides; the shop also
        # clears its newsletter flag so its own lists agree.
        with Session(self._db) as session, session.begin():
            user = self._user(session, subject_ref)
            if user is not None and (not purposes or "newsletter" in purposes):
                user.newsletter = False
            return dict.fromkeys(sorted(items), "not_held" if user is None else "suspended")
