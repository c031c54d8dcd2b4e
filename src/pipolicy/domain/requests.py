"""Requests from the person (Arts. 32-39): kinds, states, applicants, documents."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType

import attrs

from pipolicy.domain import checks
from pipolicy.errors import InvalidInput

__all__ = [
    "ART_35_GROUNDS",
    "FEE_KINDS",
    "HOLDERS",
    "PROCEDURAL_GROUNDS",
    "REFUSAL_GROUNDS",
    "Applicant",
    "ApplicantKind",
    "Art35Ground",
    "Document",
    "DocumentKind",
    "RefusalGround",
    "Representation",
    "Request",
    "RequestKind",
    "RequestState",
    "art_35_article",
    "ground_article",
    "grounds_for",
]


class RequestKind(str, enum.Enum):
    """What the person asks for (Arts. 32-35, R-REQ-1)."""

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
    """Where a request stands; the last four are final (``state.final``)."""

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
    """Why a request is refused (R-REQ-4, R-REQ-7). Which grounds a request may be refused
    on depends on its kind, as the Act gives them: see :data:`REFUSAL_GROUNDS`."""

    IDENTITY_UNCONFIRMED = "identity_unconfirmed"
    AGENCY_UNCONFIRMED = "agency_unconfirmed"
    DOCUMENTS_INCOMPLETE = "documents_incomplete"
    NOT_RETAINED = "not_retained"
    HARM_TO_PERSON = "harm_to_person"
    BUSINESS_HINDRANCE = "business_hindrance"
    VIOLATION_OF_LAW = "violation_of_law"
    LEGAL_RETENTION = "legal_retention"
    PURPOSE_ALREADY_CLEAR = "purpose_already_clear"
    STATE_COOPERATION = "state_cooperation"
    CONTENTS_ACCURATE = "contents_accurate"
    BEYOND_PURPOSES = "beyond_purposes"
    NO_GROUND_UNDER_ART_35 = "no_ground"
    ALTERNATIVE_MEASURE = "alternative_measure"

    def __str__(self) -> str:
        return self.value


_K = RequestKind
_G = RefusalGround

PROCEDURAL_GROUNDS = frozenset(
    {_G.IDENTITY_UNCONFIRMED, _G.AGENCY_UNCONFIRMED, _G.DOCUMENTS_INCOMPLETE}
)
"""Grounds about the application itself (Art. 37: the method of making a request, the
person's identity, an agent's authority). Open for every kind of request, and the only
ones open before verification."""

_PROCEDURAL_ARTICLES: Mapping[RefusalGround, str] = {
    _G.IDENTITY_UNCONFIRMED: "APPI Art. 37(1)",
    _G.AGENCY_UNCONFIRMED: "APPI Art. 37(3)",
    _G.DOCUMENTS_INCOMPLETE: "APPI Art. 37(1)",
}


_PROVISOS_35_1 = "APPI Art. 35(2) proviso, (6) proviso"
"""Complying is difficult and an alternative measure is taken instead: the proviso of
Art. 35(2) for a request under 35(1), that of 35(6) for one under 35(5)."""
_PROVISOS_35_3 = "APPI Art. 35(4) proviso, (6) proviso"
"""The same for a suspension of provision: 35(4) for a request under 35(3), 35(6)."""

_ART_35_1: Mapping[RefusalGround, str] = {
    _G.NOT_RETAINED: "APPI Art. 35(1), Art. 16(4)",
    _G.NO_GROUND_UNDER_ART_35: "APPI Art. 35(1), (5)",
    _G.ALTERNATIVE_MEASURE: _PROVISOS_35_1,
}
"""Art. 35(1)-(2), (5)-(6): deletion and suspension of use answer to the same grounds."""


def _table(
    **substantive: Mapping[RefusalGround, str],
) -> Mapping[RequestKind, Mapping[RefusalGround, str]]:
    return MappingProxyType(
        {
            _K(kind): MappingProxyType({**_PROCEDURAL_ARTICLES, **grounds})
            for kind, grounds in substantive.items()
        }
    )


REFUSAL_GROUNDS: Mapping[RequestKind, Mapping[RefusalGround, str]] = _table(
    purpose_notification={
        _G.NOT_RETAINED: "APPI Art. 32(2), Art. 16(4)",
        _G.PURPOSE_ALREADY_CLEAR: "APPI Art. 32(2)(i)",
        _G.HARM_TO_PERSON: "APPI Art. 32(2)(ii), Art. 21(4)(i)",
        _G.BUSINESS_HINDRANCE: "APPI Art. 32(2)(ii), Art. 21(4)(ii)",
        _G.STATE_COOPERATION: "APPI Art. 32(2)(ii), Art. 21(4)(iii)",
    },
    disclosure={
        _G.NOT_RETAINED: "APPI Art. 33(1), Art. 16(4)",
        _G.HARM_TO_PERSON: "APPI Art. 33(2)(i)",
        _G.BUSINESS_HINDRANCE: "APPI Art. 33(2)(ii)",
        _G.VIOLATION_OF_LAW: "APPI Art. 33(2)(iii)",
    },
    provision_records={
        _G.NOT_RETAINED: "APPI Art. 33(5), Art. 29(1)",
        _G.HARM_TO_PERSON: "APPI Art. 33(5), Art. 33(2)(i)",
        _G.BUSINESS_HINDRANCE: "APPI Art. 33(5), Art. 33(2)(ii)",
        _G.VIOLATION_OF_LAW: "APPI Art. 33(5), Art. 33(2)(iii)",
    },
    correction={
        _G.NOT_RETAINED: "APPI Art. 34(1), Art. 16(4)",
        _G.CONTENTS_ACCURATE: "APPI Art. 34(1)",
        _G.BEYOND_PURPOSES: "APPI Art. 34(2)",
    },
    # Art. 35(5) gives the person a right, it is no ground to refuse: a law obliging the
    # business to keep the data makes deleting it "difficult" (the provisos).
    deletion={**_ART_35_1, _G.LEGAL_RETENTION: _PROVISOS_35_1},
    suspension_of_use=_ART_35_1,
    suspension_of_provision={
        _G.NOT_RETAINED: "APPI Art. 35(3), Art. 16(4)",
        _G.NO_GROUND_UNDER_ART_35: "APPI Art. 35(3), (5)",
        _G.ALTERNATIVE_MEASURE: _PROVISOS_35_3,
    },
)
"""The one table of refusal grounds (R-REQ-4): for each kind of request, the grounds the
Act lets it be refused on and the article each one cites for that kind.

- Purpose notification (Art. 32(2)): the purpose is already clear to the person
  (32(2)(i)), or the cases of Art. 21(4)(i)-(iii): harm to the person or a third party,
  harm to the business's rights or legitimate interests, cooperation with a state organ.
- Disclosure and provision records (Art. 33(2), applied to records by 33(5)): harm to
  the person or a third party, significant hindrance to the business, violation of law.
- Correction (Art. 34): owed only when the contents are untrue (34(1)), and only to
  the extent necessary to achieve the purposes of use (34(2)): what no purpose of the
  person's data needs is not added.
- Deletion and suspension (Art. 35): no ground of Art. 35(1), (3) or (5) exists, or
  complying is costly or otherwise difficult and an alternative measure protecting the
  person was taken (the provisos of 35(2), (4), (6)); deletion also yields to a legal
  retention duty, a case where deleting is difficult (the same provisos: the data kept
  has its use suspended instead).
- Every kind: the procedural grounds (Art. 37), and ``not_retained`` (the rights concern
  retained personal data, Art. 16(4), and for provision records the records of Art. 29).
"""


def grounds_for(kind: RequestKind) -> frozenset[RefusalGround]:
    """The grounds a request of ``kind`` may be refused on."""
    return frozenset(REFUSAL_GROUNDS[kind])


def ground_article(kind: RequestKind, ground: RefusalGround) -> str | None:
    """The article ``ground`` cites against a request of ``kind``; ``None`` if the ground
    is not one the Act gives for that kind."""
    return REFUSAL_GROUNDS[kind].get(ground)


class Art35Ground(str, enum.Enum):
    """A ground of Art. 35 the business itself finds for a deletion or suspension request.

    pipolicy's records show handling without its basis (the investigation); they cannot
    show these, which only the business can know and record (R-REQ-7).
    """

    LEAK = "leak"
    """Art. 35(5): a leak, loss or damage the business must report under Art. 26(1)."""
    HARM_TO_RIGHTS = "harm_to_rights"
    """Art. 35(5): handling likely to harm the person's rights or legitimate interests."""
    IMPROPER_USE = "improper_use"
    """Art. 35(1): use by a method that may encourage or induce illegal or unjust acts
    (Art. 19). Not a ground against provision (Art. 35(3) cites Arts. 27 and 28)."""
    NO_LONGER_NEEDED = "no_longer_needed"
    """Art. 35(5): the business no longer needs to use the data."""

    def __str__(self) -> str:
        return self.value


_A = Art35Ground
_ART_35_5: Mapping[Art35Ground, str] = {
    _A.LEAK: "APPI Art. 35(5), Art. 26(1)",
    _A.HARM_TO_RIGHTS: "APPI Art. 35(5)",
    _A.NO_LONGER_NEEDED: "APPI Art. 35(5)",
}

ART_35_GROUNDS: Mapping[RequestKind, Mapping[Art35Ground, str]] = MappingProxyType(
    {
        _K.DELETION: MappingProxyType({**_ART_35_5, _A.IMPROPER_USE: "APPI Art. 35(1), Art. 19"}),
        _K.SUSPENSION_OF_USE: MappingProxyType(
            {**_ART_35_5, _A.IMPROPER_USE: "APPI Art. 35(1), Art. 19"}
        ),
        _K.SUSPENSION_OF_PROVISION: MappingProxyType(dict(_ART_35_5)),
    }
)
"""For each deletion or suspension kind, the grounds of Art. 35 the business may record
for it and the article each cites: Art. 35(5) (a leak reportable under Art. 26(1), likely
harm to the person's rights or legitimate interests, no longer needed) for all three;
Art. 35(1) (improper use, Art. 19) for deletion and suspension of use only."""


def art_35_article(kind: RequestKind, ground: Art35Ground) -> str | None:
    """The article ``ground`` cites for a request of ``kind``; ``None`` if it does not
    support that kind (or the kind is no deletion or suspension)."""
    return ART_35_GROUNDS.get(kind, {}).get(ground)


class ApplicantKind(str, enum.Enum):
    """Who may file a request: the person, a legal representative or a voluntary agent
    (Art. 37(3), R-REQ-2)."""

    PERSON = "person"
    LEGAL_REPRESENTATIVE = "legal_representative"
    VOLUNTARY_AGENT = "voluntary_agent"

    def __str__(self) -> str:
        return self.value


class Representation(str, enum.Enum):
    """Whom a legal representative represents (Art. 37(3), Cabinet Order Art. 13: the
    legal representative of a minor or of an adult ward), which decides what proves it."""

    MINOR = "minor"
    """A minor: a person with parental authority (親権者) or a minor's guardian
    (未成年後見人), both entered in the family register. The register proves it only while
    the person is a minor, which the officer confirms from it (no birth date is kept)."""
    ADULT_WARD = "adult_ward"
    """An adult ward (成年被後見人): the adult guardian (成年後見人), proved by the
    certificate of registered matters of adult guardianship (登記事項証明書, Act on
    Guardianship Registration Art. 10); a family register does not show an adult's
    guardian."""

    def __str__(self) -> str:
        return self.value


def _representation(value: object) -> Representation | None:
    return None if value is None else checks.member(Representation, value, "representation")


@attrs.frozen
class Applicant:
    """Who files the request (R-REQ-2). A legal representative states whom they represent
    (``represents``); requests stored before it could be stated read as ``None``, not
    stated, and are verified by whichever proof they bring on its own terms."""

    kind: ApplicantKind = ApplicantKind.PERSON
    # Added after records were first bound: left out of a digest while None.
    represents: Representation | None = attrs.field(
        default=None, converter=_representation, metadata={"omit_default": True}
    )

    def __attrs_post_init__(self) -> None:
        if self.represents is not None and self.kind is not ApplicantKind.LEGAL_REPRESENTATIVE:
            raise InvalidInput("only a legal representative states whom they represent")

    @classmethod
    def person(cls) -> Applicant:
        return cls(ApplicantKind.PERSON)

    @classmethod
    def legal_representative(cls, of: Representation | str | None = None) -> Applicant:
        """The legal representative of a minor (``of="minor"``) or of an adult ward
        (``of="adult_ward"``). Left unstated, verification takes a recent certificate of
        registered matters of adult guardianship, or a family register with the officer's
        confirmation that the person is a minor: never a family register alone."""
        return cls(ApplicantKind.LEGAL_REPRESENTATIVE, of)

    @classmethod
    def voluntary_agent(cls) -> Applicant:
        return cls(ApplicantKind.VOLUNTARY_AGENT)


class DocumentKind(str, enum.Enum):
    """A document presented with a request, to confirm identity or agency (Art. 37,
    R-REQ-3); ``[requests] accepted_ids`` lists the identity documents a policy takes."""

    DRIVERS_LICENSE = "drivers_license"
    PASSPORT = "passport"
    MY_NUMBER_CARD = "my_number_card"
    """The My Number card (個人番号カード), its front side: a photo ID that bears its expiry.
    Its back side carries the Individual Number, which a business may not collect or keep
    for anything but the My Number Act's own affairs (My Number Act Art. 20), never to
    confirm identity for a request. pipolicy keeps only a document's kind and dates, never
    its number or contents (R-REQ-10); the notice asks for a copy of the front side only."""
    HEALTH_INSURANCE_CARD = "health_insurance_card"
    """The health insurance card (健康保険の被保険者証): abolished by Act No. 48 of 2023, not
    valid after 2025-12-01 whatever it bears (see
    :data:`~pipolicy.requests.HEALTH_INSURANCE_CARDS_VALID_UNTIL`). Kept so that a
    policy listing it still loads and a card presented is named in the refusal."""
    ELIGIBILITY_CERTIFICATE = "eligibility_certificate"
    """The eligibility certificate (資格確認書) a health insurer issues in place of the
    health insurance card to a person without a My Number card registered for health
    insurance; it bears its expiry (at most five years)."""
    PENSION_BOOK = "pension_book"
    RESIDENCE_CARD = "residence_card"
    """The residence card (在留カード) of a mid- to long-term resident who is not a Japanese
    national. It replaced the alien registration card (外国人登録証明書) when the alien
    registration system was abolished on 2012-07-09: that card is no kind here, so no
    policy can accept it (seed 001 L108 still names it)."""
    SPECIAL_PERMANENT_RESIDENT_CERTIFICATE = "special_permanent_resident_certificate"
    """The special permanent resident certificate (特別永住者証明書), which a special
    permanent resident holds instead of a residence card (Special Act on Immigration
    Control, Art. 7; it replaced the alien registration card for them in 2012). It bears
    the end of its period of validity (Art. 8), as a residence card does."""
    POWER_OF_ATTORNEY = "power_of_attorney"
    SEAL_CERTIFICATE = "seal_certificate"
    FAMILY_REGISTER = "family_register"
    """A certified copy of the family register (戸籍謄本): proves a minor's legal
    representative (parental authority or a minor's guardian appear in it), never an adult
    ward's."""
    GUARDIANSHIP_CERTIFICATE = "guardianship_certificate"
    """The certificate of registered matters of adult guardianship (後見登記等に関する法律
    第10条の登記事項証明書): proves an adult ward's legal representative."""
    STUDENT_ID = "student_id"
    """A student ID card: an identity document suited to a minor, if the policy lists it."""
    SERVICE_LOGIN = "service_login"
    """The person signed in to the service's own account (``issued``: the day of the
    sign-in): proof of identity for an online request where the policy accepts it, if
    made on the day the request was received or the day before."""
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


ID_DOCUMENTS = frozenset(
    {
        DocumentKind.DRIVERS_LICENSE,
        DocumentKind.PASSPORT,
        DocumentKind.MY_NUMBER_CARD,
        DocumentKind.HEALTH_INSURANCE_CARD,
        DocumentKind.ELIGIBILITY_CERTIFICATE,
        DocumentKind.PENSION_BOOK,
        DocumentKind.RESIDENCE_CARD,
        DocumentKind.SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
        DocumentKind.STUDENT_ID,
        DocumentKind.OTHER,
    }
)
"""Kinds that may prove who someone is, if the policy accepts them (``OTHER`` only if
listed): what ``[requests] accepted_ids`` may list. The others prove agency (a power of
attorney, a seal certificate, a family register) and are asked of every agent; the
service's login is ``accept_service_login``."""


HEALTH_INSURANCE_CARDS_VALID_UNTIL = date(2025, 12, 1)
"""The last day a health insurance card (健康保険の被保険者証) can prove who anyone is.

The Act Partially Amending the Act on the Use of Numbers to Identify a Specific
Individual in Administrative Procedures and Other Acts (行政手続における特定の個人を識別する
ための番号の利用等に関する法律等の一部を改正する法律, Act No. 48 of 2023, 令和5年法律第48号)
amended the Health Insurance Act and the other health insurance laws to abolish the
card. None has been issued since the amendment took effect on 2024-12-02 (Cabinet Order
No. 374 of 2023); by the Act's supplementary provisions (附則, a transitional measure of
at most one year) a card issued before stays valid until its own expiry or 2025-12-01,
whichever comes first. Its own expiry is checked as any ID's is; from 2025-12-02 every
card is void whatever it bears, so one sent with a request received later is refused as
``id_abolished`` (received on 2025-12-01 or before, it is judged by its dates, as before). The law ends it, not the
policy, so :func:`~pipolicy.requests.verify_documents` checks this before
``accepted_ids``: the person learns why their card no longer serves even where the
policy still lists it (seed 001 L104) or not. The My Number card or the eligibility
certificate (資格確認書) replaces it. A policy revised after that day may not list the
card in ``accepted_ids``: its notice would invite a document no one can use."""


def void_on(kind: DocumentKind, day: date) -> bool:
    """Has the law taken from every document of ``kind`` the power to prove anything on
    ``day``, whatever its dates and whatever a policy lists? (The health insurance card
    after :data:`HEALTH_INSURANCE_CARDS_VALID_UNTIL`.) The one test the checks and the
    policy's validation share."""
    return kind is DocumentKind.HEALTH_INSURANCE_CARD and day > HEALTH_INSURANCE_CARDS_VALID_UNTIL


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
    """A request and where it stands. ``version`` guards against lost updates.

    ``language`` is the language the person is answered in (``"ja"``, ``"en"``): its
    statement is written in it, and so are the letters rebuilt from it later. Requests
    stored before requests had a language were answered in English, and read as such.
    """

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
    # Added after records were first bound: left out of a digest while "en", the
    # language every request was answered in before.
    language: str = attrs.field(default="en", metadata={"omit_default": True})
