"""Requests from the person (APPI Arts. 32-39): from intake to written answer.

``engine.requests`` is a :class:`RequestService`::

    r = engine.requests.submit(pp.RequestKind.DISCLOSURE, subject=s, documents=[passport])
    r = engine.requests.verify(r.id)          # verified, or refused with a written reason
    answer = engine.requests.fulfil(r.id)     # the written answer, with the report

The application's own data is reached through :class:`DataSource` implementations
registered with ``engine.register_source(name, source)``; :class:`MemorySource` is a
ready-made one for examples and tests.
"""

from pipolicy.domain.requests import ART_35_GROUNDS, Art35Ground
from pipolicy.requests.answers import METHODS, Answer, Extension, Rendition, Retained, Withheld
from pipolicy.requests.investigation import Finding, FindingKind, Investigation, RecordedGround
from pipolicy.requests.lifecycle import TRANSITIONS
from pipolicy.requests.service import (
    DISCLOSURE_KINDS,
    FEE_KINDS,
    PROCEDURAL_GROUNDS,
    WITHHOLDING_GROUNDS,
    RequestService,
    allowed_grounds,
    fee_for,
)
from pipolicy.requests.sources import (
    ACTIONS,
    NEUTRAL_ACTION,
    DataSource,
    MemorySource,
    SourceFailed,
    SourceOutcome,
)
from pipolicy.requests.verification import (
    EXPIRING_IDS,
    HEALTH_INSURANCE_CARDS_VALID_UNTIL,
    Problem,
    Verification,
    verify_documents,
)

__all__ = [
    "ACTIONS",
    "ART_35_GROUNDS",
    "DISCLOSURE_KINDS",
    "EXPIRING_IDS",
    "FEE_KINDS",
    "HEALTH_INSURANCE_CARDS_VALID_UNTIL",
    "METHODS",
    "NEUTRAL_ACTION",
    "PROCEDURAL_GROUNDS",
    "TRANSITIONS",
    "WITHHOLDING_GROUNDS",
    "Answer",
    "Art35Ground",
    "DataSource",
    "Extension",
    "Finding",
    "FindingKind",
    "Investigation",
    "MemorySource",
    "Problem",
    "RecordedGround",
    "Rendition",
    "RequestService",
    "Retained",
    "SourceFailed",
    "SourceOutcome",
    "Verification",
    "Withheld",
    "allowed_grounds",
    "fee_for",
    "verify_documents",
]
