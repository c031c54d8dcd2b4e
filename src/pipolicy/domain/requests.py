"""Requests from the person (Arts. 32-39): kinds, states, applicants, documents."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime

import attrs

from pipolicy.domain import checks

__all__ = [
    "FEE_KINDS",
    "HOLDERS",
    "Applicant",
    "ApplicantKind",
    "Document",
    "DocumentKind",
    "RefusalGround",
    "Request",
    "RequestKind",
    "RequestState",
]


class RequestKind(str, enum.Enum):
    PURPOSE_NOTIFICATION = "purpose_notification"
    DISCLOSURE = "disclosure"
    PROVISION_RECORDS = "provision_records"
    CORRECTION = "correction"
    DELETION = "deletion"
    SUSPENSION_OF_USE = "suspension_of_use"
    SUSPENSION_OF_PROVISION = "suspension_of_provision"

    def __str__(self) -> str:
        return self.value


FEE_KINDS = frozenset(
    {RequestKind.PURPOSE_NOTIFICATION, RequestKind.DISCLOSURE, RequestKind.PROVISION_RECORDS}
)
"""The only requests a fee may be charged for (R-REQ-9): Art. 38(1) allows fees for
notifying purposes and for disclosure, including disclosure of provision records
(Art. 33(5)); none for correction, deletion or suspension."""


class RequestState(str, enum.Enum):
    RECEIVED = "received"
    VERIFIED = "verified"
    FULFILLED = "fulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def final(self) -> bool:
        return self in _FINAL

    def __str__(self) -> str:
        return self.value


_FINAL = frozenset(
    {
        RequestState.FULFILLED,
        RequestState.PARTIALLY_FULFILLED,
        RequestState.REFUSED,
        RequestState.WITHDRAWN,
    }
)


class RefusalGround(str, enum.Enum):
    """The seven grounds of seed 001, plus a legal retention duty (R-REQ-4, R-REQ-7)."""

    IDENTITY_UNCONFIRMED = "identity_unconfirmed"
    AGENCY_UNCONFIRMED = "agency_unconfirmed"
    DOCUMENTS_INCOMPLETE = "documents_incomplete"
    NOT_RETAINED = "not_retained"
    HARM_TO_PERSON = "harm_to_person"
    BUSINESS_HINDRANCE = "business_hindrance"
    VIOLATION_OF_LAW = "violation_of_law"
    LEGAL_RETENTION = "legal_retention"

    def __str__(self) -> str:
        return self.value


class ApplicantKind(str, enum.Enum):
    PERSON = "person"
    LEGAL_REPRESENTATIVE = "legal_representative"
    VOLUNTARY_AGENT = "voluntary_agent"

    def __str__(self) -> str:
        return self.value


@attrs.frozen
class Applicant:
    """Who files the request (R-REQ-2)."""

    kind: ApplicantKind = ApplicantKind.PERSON

    @classmethod
    def person(cls) -> Applicant:
        return cls(ApplicantKind.PERSON)

    @classmethod
    def legal_representative(cls) -> Applicant:
        return cls(ApplicantKind.LEGAL_REPRESENTATIVE)

    @classmethod
    def voluntary_agent(cls) -> Applicant:
        return cls(ApplicantKind.VOLUNTARY_AGENT)


class DocumentKind(str, enum.Enum):
    DRIVERS_LICENSE = "drivers_license"
    PASSPORT = "passport"
    HEALTH_INSURANCE_CARD = "health_insurance_card"
    PENSION_BOOK = "pension_book"
    RESIDENCE_CARD = "residence_card"
    POWER_OF_ATTORNEY = "power_of_attorney"
    SEAL_CERTIFICATE = "seal_certificate"
    FAMILY_REGISTER = "family_register"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


HOLDERS = frozenset({"person", "agent"})
"""Who a document belongs to: the person the data is about, or their agent."""


def _document_kind(value: object) -> DocumentKind:
    return checks.member(DocumentKind, value, "document kind")


@attrs.frozen
class Document:
    """A document attached to a request: its kind and dates, never its contents (R-REQ-10)."""

    kind: DocumentKind = attrs.field(converter=_document_kind)
    issued: date | None = attrs.field(default=None, validator=checks.a_date)
    expires: date | None = attrs.field(default=None, validator=checks.a_date)
    holder: str = attrs.field(default="person", validator=checks.one_of(HOLDERS))


@attrs.frozen
class Request:
    """A request and where it stands. ``version`` guards against lost updates."""

    id: str
    subject_id: str
    kind: RequestKind
    applicant: Applicant
    state: RequestState
    received_at: datetime
    due: datetime
    fee: int = 0
    method: str = "mail"
    documents: tuple[Document, ...] = ()
    details: Mapping[str, object] = attrs.field(factory=dict, repr=False)
    ground: RefusalGround | None = None
    statement: str | None = attrs.field(default=None, repr=False)
    history: tuple[tuple[str, datetime, str], ...] = attrs.field(default=(), repr=False)
    version: int = 1
