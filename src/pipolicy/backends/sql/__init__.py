"""The SQL backend: SQLite (embedded, the default for files) and PostgreSQL.

Needs the ``sql`` extra (``pip install 'pipolicy[sql]'``), plus psycopg 3 for PostgreSQL
(``pip install 'pipolicy[postgres]'``). SQLAlchemy is imported first, at the top, so a
missing extra fails here, as an ``ImportError`` that :func:`pipolicy.open_store` turns
into :class:`~pipolicy.errors.BackendNotFound` with the install hint; ``import
pipolicy`` alone never imports this package.

Registered under the ``pipolicy.backends`` entry points as ``sqlite`` and
``postgresql``::

    store = pp.open_store("sqlite:///pi.db")        # creates and upgrades the file
    pipolicy.backends.sql.upgrade("postgresql+psycopg://...")   # a deploy step
    engine = pp.Engine(policy, store="postgresql+psycopg://...")

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy  # noqa: F401  (first: a missing extra fails here, with a clear name)

from pipolicy.backends.sql.alembic import include_object
from pipolicy.backends.sql.migrate import head_revision, upgrade
from pipolicy.backends.sql.store import SqlStore, SqlUnitOfWork
from pipolicy.backends.sql.tables import METADATA

__all__ = ["METADATA", "SqlStore", "SqlUnitOfWork", "head_revision", "include_object", "upgrade"]

if TYPE_CHECKING:
    # The fast paths this backend offers (pipolicy.storage.fast_paths), declared so that
    # mypy checks each signature against its Protocol.
    from pipolicy.backends.sql import store
    from pipolicy.domain.acquisitions import Acquisition
    from pipolicy.domain.consents import Consent
    from pipolicy.domain.provisions import ProvisionRecord
    from pipolicy.domain.requests import Request
    from pipolicy.domain.restrictions import Restriction
    from pipolicy.domain.subjects import Subject
    from pipolicy.storage import fast_paths as fp

    _binds: type[fp.BindsConnection] = SqlStore
    _facts_by_ref: type[fp.ReadsFactsByRef] = SqlUnitOfWork
    _facts_many: type[fp.ReadsFactsOfMany] = SqlUnitOfWork
    _append_many: type[fp.AppendsMany] = store._Audit
    _subjects_many: type[fp.AddsMany[Subject]] = store._Subjects
    _by_refs: type[fp.FindsByRefs] = store._Subjects
    _lock: type[fp.LocksSubjects] = store._Subjects
    _consents_many: type[fp.AddsMany[Consent]] = store._Consents
    _for_subjects: type[fp.ReadsConsentsOfMany] = store._Consents
    _scan_subjects: type[fp.ScansAll[Subject]] = store._Subjects
    _scan_consents: type[fp.ScansAll[Consent]] = store._Consents
    _scan_acquisitions: type[fp.ScansAll[Acquisition]] = store._Acquisitions
    _scan_provisions: type[fp.ScansAll[ProvisionRecord]] = store._Provisions
    _scan_restrictions: type[fp.ScansAll[Restriction]] = store._Restrictions
    _scan_requests: type[fp.ScansAll[Request]] = store._Requests
