"""Identity and agency verification from the documents attached to a request (R-REQ-3).

Pure: ``(applicant, documents, settings, today) -> Verification``, so every rule of seed
001's "Required documents" can be tested as a table. Only document kinds and dates are
looked at, and only they are kept (R-REQ-10): a :class:`~pipolicy.Document` has no field
for contents.

Which refusal ground a problem yields follows one principle, so the applicant knows what
to do next:

* a required document is **absent** -> ``documents_incomplete`` (send it);
* the person's ID is present but **not valid** on the day the request was received
  (expired, not yet issued, a kind the law no longer lets prove anything
  (:data:`HEALTH_INSURANCE_CARDS_VALID_UNTIL`), a kind the policy does not accept, or
  without the dates that show it valid: see :data:`EXPIRING_IDS`) ->
  ``identity_unconfirmed``;
* an agent's document is present but **not valid** (the agent's own ID expired, not
  accepted or without those dates, a power of attorney undated or past its expiry, a
  seal certificate or proof of representation older than the policy limit or undated)
  -> ``agency_unconfirmed``.

When several problems occur the ground follows seed 001's order (identity, agency,
incomplete documents); the written statement lists every problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import attrs

from pipolicy.domain.requests import (
    HEALTH_INSURANCE_CARDS_VALID_UNTIL,
    HOLDERS,
    ID_DOCUMENTS,
    Applicant,
    ApplicantKind,
    Document,
    DocumentKind,
    RefusalGround,
    Representation,
    void_on,
)
from pipolicy.policy.model import RequestSettings
from pipolicy.requests.wording import wording

__all__ = [
    "EXPIRING_IDS",
    "HEALTH_INSURANCE_CARDS_VALID_UNTIL",
    "HOLDERS",
    "ID_DOCUMENTS",
    "Problem",
    "Verification",
    "verify_documents",
]

EXPIRING_IDS = frozenset(
    {
        DocumentKind.DRIVERS_LICENSE,
        DocumentKind.PASSPORT,
        DocumentKind.MY_NUMBER_CARD,
        DocumentKind.ELIGIBILITY_CERTIFICATE,
        DocumentKind.RESIDENCE_CARD,
        DocumentKind.SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
    }
)
"""Identity documents every one of which bears its expiry date (Road Traffic Act Art.
92-2, Passport Act Art. 5, Immigration Control Act Art. 19-5, Special Act on Immigration
Control Art. 8; the My Number card's front side and the eligibility certificate print
theirs too): one given without it cannot be shown valid on the day (seed 001 L94
"within the expiration date or valid"), so it confirms nothing (``id_no_expiry``). The
other kinds may have no expiry by nature (a health insurance card of an employees' plan,
a pension book): one of them needs at least the day it was issued (``id_undated`` when
it has neither date)."""


def _family_register(doc: Document) -> bool:
    """The family register: it names a minor's parents with parental authority or a
    minor's guardian, so it proves representing a minor, and only a minor."""
    return doc.kind is DocumentKind.FAMILY_REGISTER


def _guardianship_certificate(doc: Document) -> bool:
    """The certificate of registered matters of adult guardianship: it proves
    representing an adult ward."""
    return doc.kind is DocumentKind.GUARDIANSHIP_CERTIFICATE


def _minor_problems(minor: bool | None, on: Mapping[str, object]) -> list[Problem]:
    """A family register proves representation only if the person was a minor on the day
    the request was received, which the officer confirms from it (``minor``): never
    assumed, and no birth date is kept (R-REQ-10)."""
    if minor:
        return []
    note = "minor_unconfirmed" if minor is None else "not_a_minor"
    return [Problem(RefusalGround.AGENCY_UNCONFIRMED, note, dict(on))]


def _check_representation(
    represents: Representation | None,
    docs: Sequence[Document],
    settings: RequestSettings,
    today: date,
    on: Mapping[str, object],
    minor: bool | None,
) -> list[Problem]:
    """Proof that the agent is the person's legal representative (Art. 37(3), Cabinet
    Order Art. 13): of a minor, a recent family register and the person a minor on the
    day; of an adult ward, a recent certificate of registered matters of adult
    guardianship. Unstated (requests stored before it could be stated, or an applicant
    who does not say), whichever of the two the applicant brought, on its own terms;
    another document of the person (``other``), which may be the very ID that proved
    who they are, proves neither."""

    def register() -> list[Problem]:
        what = "representation" if represents is None else "minor_representation"
        found = _check_certificate(docs, _family_register, what, settings, today, on)
        return found or _minor_problems(minor, on)

    def guardianship() -> list[Problem]:
        what = "representation" if represents is None else "adult_guardianship"
        found = _check_certificate(docs, _guardianship_certificate, what, settings, today, on)
        if not any(map(_family_register, docs)):
            return found
        # A family register sent in its place: the letter says why it cannot prove it.
        return [
            attrs.evolve(p, facts={**p.facts, "register_sent": True})
            if p.note == "no_certificate"
            else p
            for p in found
        ]

    if represents is Representation.MINOR:
        return register()
    if represents is Representation.ADULT_WARD:
        return guardianship()
    has_register = any(_family_register(d) for d in docs)
    if not any(_guardianship_certificate(d) for d in docs):
        return register() if has_register else guardianship()
    ward = guardianship()
    if not ward or not has_register:
        return ward
    minor_path = register()
    return [] if not minor_path else ward + minor_path


_ORDER = (
    RefusalGround.IDENTITY_UNCONFIRMED,
    RefusalGround.AGENCY_UNCONFIRMED,
    RefusalGround.DOCUMENTS_INCOMPLETE,
)


@attrs.frozen
class Problem:
    """One reason the documents fail: ``note`` names it and ``facts`` holds its
    particulars (whose document, its kind, dates as ISO strings), kinds and dates only.
    ``<lang>/request_texts.j2`` words it for the applicant; :attr:`message` is the
    English wording."""

    ground: RefusalGround
    note: str
    facts: Mapping[str, object] = attrs.field(factory=dict)

    @property
    def message(self) -> str:
        return wording("en")("problem", note=self.note, facts=dict(self.facts))


@attrs.frozen
class Verification:
    """The outcome of checking documents on ``checked_on``."""

    checked_on: date
    problems: tuple[Problem, ...] = ()
    minor_on_receipt: bool | None = None
    """The officer's confirmation that the person was a minor on the day the request was
    received, where a family register is offered as proof of representation: a checked
    fact, recorded instead of any birth date."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def ground(self) -> RefusalGround | None:
        """The refusal ground, by seed 001's order; ``None`` when verification passed."""
        found = {p.ground for p in self.problems}
        return next((g for g in _ORDER if g in found), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "checked_on": self.checked_on.isoformat(),
            "ok": self.ok,
            "ground": self.ground.value if self.ground else None,
            **(
                {} if self.minor_on_receipt is None else {"minor_on_receipt": self.minor_on_receipt}
            ),
            "problems": [
                {
                    "ground": p.ground.value,
                    "message": p.message,
                    "note": p.note,
                    "facts": dict(p.facts),
                }
                for p in self.problems
            ],
        }


def _valid_id_problem(
    doc: Document, settings: RequestSettings, today: date
) -> tuple[str, dict[str, object]] | None:
    if void_on(doc.kind, today):
        return "id_abolished", {
            "document": doc.kind.value,
            "valid_until": HEALTH_INSURANCE_CARDS_VALID_UNTIL.isoformat(),
        }
    if doc.kind not in settings.accepted_ids:
        # Named to the applicant as what to send instead: never a kind no longer valid.
        accepted = sorted(k.value for k in settings.accepted_ids if not void_on(k, today))
        return "id_not_accepted", {"document": doc.kind.value, "accepted": accepted}
    if doc.expires is None and doc.kind in EXPIRING_IDS:
        return "id_no_expiry", {"document": doc.kind.value}
    if doc.expires is None and doc.issued is None:
        return "id_undated", {"document": doc.kind.value}
    if doc.issued is not None and doc.issued > today:
        return "id_dated_after_today", {
            "document": doc.kind.value,
            "issued": doc.issued.isoformat(),
        }
    if doc.expires is not None and doc.expires < today:
        return "id_expired", {"document": doc.kind.value, "expires": doc.expires.isoformat()}
    return None


def _check_id(
    docs: Sequence[Document],
    settings: RequestSettings,
    today: date,
    whose: str,
    invalid_ground: RefusalGround,
    on: Mapping[str, object],
) -> list[Problem]:
    ids = [d for d in docs if d.kind in ID_DOCUMENTS]
    if not ids:
        return [Problem(RefusalGround.DOCUMENTS_INCOMPLETE, "no_id", {"whose": whose})]
    failures = [_valid_id_problem(d, settings, today) for d in ids]
    if any(f is None for f in failures):
        return []
    return [
        Problem(invalid_ground, note, {"whose": whose, **facts, **on})
        for note, facts in (f for f in failures if f is not None)
    ]


def _check_certificate(
    docs: Sequence[Document],
    matches: Callable[[Document], bool],
    what: str,
    settings: RequestSettings,
    today: date,
    on: Mapping[str, object],
) -> list[Problem]:
    found = [d for d in docs if matches(d)]
    if not found:
        return [Problem(RefusalGround.DOCUMENTS_INCOMPLETE, "no_certificate", {"what": what})]
    limit = settings.certificate_max_age
    oldest = limit.before(today)
    failures: list[Problem] = []
    for d in found:
        facts: dict[str, object] = {"what": what, "document": d.kind.value, **on}
        if d.issued is None:
            failures.append(Problem(RefusalGround.AGENCY_UNCONFIRMED, "certificate_undated", facts))
        elif d.issued > today:
            failures.append(
                Problem(RefusalGround.AGENCY_UNCONFIRMED, "certificate_dated_after_today", facts)
            )
        elif d.issued < oldest:
            facts |= {
                "issued": d.issued.isoformat(),
                "amount": limit.amount,
                "unit": limit.unit.value,
            }
            failures.append(Problem(RefusalGround.AGENCY_UNCONFIRMED, "certificate_too_old", facts))
        else:
            return []
    return failures


def _check_power_of_attorney(
    docs: Sequence[Document], today: date, on: Mapping[str, object]
) -> list[Problem]:
    found = [d for d in docs if d.kind is DocumentKind.POWER_OF_ATTORNEY]
    if not found:
        return [Problem(RefusalGround.DOCUMENTS_INCOMPLETE, "no_power_of_attorney")]
    failures: list[Problem] = []
    for d in found:
        if d.issued is None:  # when, if ever, the authority was given is unknown
            failures.append(Problem(RefusalGround.AGENCY_UNCONFIRMED, "power_of_attorney_undated"))
        elif d.issued > today:  # not yet given: no authority when the request was made
            facts = {"issued": d.issued.isoformat(), **on}
            failures.append(
                Problem(
                    RefusalGround.AGENCY_UNCONFIRMED, "power_of_attorney_dated_after_today", facts
                )
            )
        elif d.expires is not None and d.expires < today:
            facts = {"expires": d.expires.isoformat(), **on}
            failures.append(
                Problem(RefusalGround.AGENCY_UNCONFIRMED, "power_of_attorney_expired", facts)
            )
        else:
            return []
    return failures


def _persons_seal_certificate(doc: Document) -> bool:
    """The person's seal certificate: it proves the registered seal on the power of
    attorney is the person's (seed 001 B); the agent's own proves nothing about that."""
    return doc.kind is DocumentKind.SEAL_CERTIFICATE and doc.holder == "person"


LOGIN_DAYS = 2
"""A sign-in proves identity for a request received on its day or the next: one older
says nothing about who is asking now (or asked), whatever the account shows."""


def _logins(docs: Sequence[Document]) -> list[Document]:
    return [d for d in docs if d.kind is DocumentKind.SERVICE_LOGIN and d.issued is not None]


def _signed_in(docs: Sequence[Document], received: date) -> bool:
    """Did the person sign in to the service's account on the day the request was
    received or the day before (days in the policy's time zone)?"""
    return any(
        d.issued is not None and 0 <= (received - d.issued).days < LOGIN_DAYS for d in _logins(docs)
    )


def _stale_logins(docs: Sequence[Document], received: date) -> list[Problem]:
    """A sign-in the person presented that is not around the request: named, so the
    applicant learns why it did not identify them."""
    return [
        Problem(
            RefusalGround.IDENTITY_UNCONFIRMED,
            "login_not_recent",
            {"issued": d.issued.isoformat(), "received": received.isoformat()},
        )
        for d in _logins(docs)
        if d.issued is not None
    ]


def verify_documents(
    applicant: Applicant,
    documents: Iterable[Document],
    settings: RequestSettings,
    today: date,
    *,
    online: bool = False,
    received: date | None = None,
    minor: bool | None = None,
) -> Verification:
    """Check documents as seed 001 and R-REQ-3 require, on ``today``.

    Where the policy accepts it (``accept_service_login``), a person who asks ``online``
    (an answer by electronic means) and signed in to the service's own account is
    identified by that sign-in instead of a copy of an ID (Art. 37(4): in proportion to
    how the data is held); an agent still proves their authority with documents. The
    sign-in must be recent: dated on ``received`` (the day the request was received,
    in the policy's time zone; ``today`` if not given) or the day before. An older one,
    or one after, proves nothing about who made the request; without a valid ID it is
    reported as ``login_not_recent`` (``identity_unconfirmed``).

    Every document is judged as it stood on ``received`` (``today`` if not given): the
    request is made with the documents sent, so the business's time to check them never
    turns a document valid when the request reached it into a refusal (Art. 37(4); Art.
    39 counts from that day too), and one dated after that day was not what was sent.
    ``checked_on`` stays ``today``.

    The person's own ID is always required (for an agent, "in addition to the documents
    in A"), valid on the day received by the dates given with it: a kind of
    :data:`EXPIRING_IDS` needs its expiry, any other kind at least one date; a health
    insurance card is void after :data:`HEALTH_INSURANCE_CARDS_VALID_UNTIL`. A voluntary
    agent adds a dated power of attorney, the person's seal certificate
    issued within ``settings.certificate_max_age`` and the agent's own ID; a legal
    representative adds proof of representation issued within the same limit and the
    agent's own ID: for a minor a family register, with ``minor`` the officer's
    confirmation (from it) that the person was a minor on the day received (``None``:
    not confirmed, ``minor_unconfirmed``; ``False``: of age, ``not_a_minor``); for an
    adult ward the certificate of registered matters of adult guardianship, a family
    register proving nothing (:func:`_check_representation`). ``minor`` is kept in the
    result only where it bears on the documents, and never a birth date.
    """
    docs = tuple(documents)
    person_docs = [d for d in docs if d.holder == "person"]
    agent_docs = [d for d in docs if d.holder == "agent"]
    by_login = online and settings.accept_service_login
    day = today if received is None else received
    on = {"received": day.isoformat()} if received is not None else {}
    if by_login and _signed_in(person_docs, day):
        if applicant.kind is ApplicantKind.PERSON:
            return Verification(today, ())
        problems: list[Problem] = []
    else:
        problems = _check_id(
            person_docs, settings, day, "person", RefusalGround.IDENTITY_UNCONFIRMED, on
        )
        if problems and by_login:
            problems = _stale_logins(person_docs, day) + problems
    if applicant.kind is not ApplicantKind.PERSON:
        problems += _check_id(
            agent_docs, settings, day, "agent", RefusalGround.AGENCY_UNCONFIRMED, on
        )
    if applicant.kind is ApplicantKind.VOLUNTARY_AGENT:
        problems += _check_power_of_attorney(docs, day, on)
        problems += _check_certificate(
            docs, _persons_seal_certificate, "seal_certificate", settings, day, on
        )
    elif applicant.kind is ApplicantKind.LEGAL_REPRESENTATIVE:
        problems += _check_representation(applicant.represents, docs, settings, day, on, minor)
    return Verification(today, tuple(problems), minor if _asked_minor(applicant, docs) else None)


def _asked_minor(applicant: Applicant, docs: Sequence[Document]) -> bool:
    """Does the officer's confirmation that the person is a minor bear on these
    documents? (A legal representative, not of an adult ward, bringing a family
    register.) Only then is it recorded."""
    return (
        applicant.kind is ApplicantKind.LEGAL_REPRESENTATIVE
        and applicant.represents is not Representation.ADULT_WARD
        and any(_family_register(d) for d in docs)
    )
