"""One subject's worth of every record kind, and helpers to store and read them back.

Written here rather than taken from the contract's private helpers, so these tests do
not break when the contract's internals change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import attrs

from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.audit import AuditEvent, next_event
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.domain.decisions import Basis
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import (
    Applicant,
    Document,
    DocumentKind,
    Request,
    RequestKind,
    RequestState,
)
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.subjects import Subject
from pipolicy.storage.repositories import Store

JST = timezone(timedelta(hours=9))
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=JST)


@attrs.frozen
class Records:
    subject: Subject
    acquisition: Acquisition
    consent: Consent
    provision: ProvisionRecord
    restriction: Restriction
    request: Request
    events: tuple[AuditEvent, ...]


def records(n: int = 0, *, after: AuditEvent | None = None) -> Records:
    """Records of subject ``s-{n}``, with audit events continuing the chain after ``after``."""
    sid = f"s-{n}"
    subject = Subject(sid, f"user-{n}@example.com", T0, category="customer")
    acquisition = Acquisition(
        id=f"a-{n}",
        subject_id=sid,
        items=frozenset({"name", "email"}),
        purposes=frozenset({"service"}),
        channel=Channel.WEB,
        source="signup-form",
        acquired_at=T0,
        policy_version="v1",
        opted_in=frozenset({"email"}),
    )
    consent = Consent(
        id=f"c-{n}",
        subject_id=sid,
        scope=ConsentScope(recipient="partner", items=frozenset({"email"})),
        status=ConsentStatus.GIVEN,
        evidence=Evidence("web-form", "signup-v3"),
        policy_version="v1",
        given_at=T0,
        expires_at=datetime(2027, 3, 31, 15, 0, tzinfo=timezone.utc),
    )
    provision = ProvisionRecord(
        id=f"p-{n}",
        subject_id=sid,
        recipient="court",
        recipient_name="Tokyo District Court",
        items=frozenset({"name"}),
        purpose=None,
        basis=Basis.EXEMPTION,
        provided_at=T0 + timedelta(hours=1),
        required_by_law=False,
        exemption=Exemption.LAWS_AND_REGULATIONS,
        justification="order 2026-123",
    )
    restriction = Restriction(
        id=f"r-{n}",
        subject_id=sid,
        kind=RestrictionKind.SUSPEND_PROVISION,
        since=T0 + timedelta(days=2),
        request_id=f"q-{n}",
        items=frozenset({"email"}),
    )
    request = Request(
        id=f"q-{n}",
        subject_id=sid,
        kind=RequestKind.SUSPENSION_OF_PROVISION,
        applicant=Applicant.person(),
        state=RequestState.RECEIVED,
        received_at=T0,
        due=T0 + timedelta(days=14),
        documents=(Document(DocumentKind.PASSPORT, date(2022, 4, 1), date(2032, 4, 1)),),
        details={"recipients": ["partner"], "reason": "provided without consent"},
        history=(("received", T0, "by mail"),),
        language="ja",  # not the default: the column must keep it
    )
    events = []
    last = after
    for kind in ("subject.registered", "consent.given", "provision.recorded"):
        last = next_event(last, T0, kind, sid, {"n": n, "kind": kind})
        events.append(last)
    return Records(subject, acquisition, consent, provision, restriction, request, tuple(events))


def store_records(store: Store, found: Records) -> None:
    with store.unit_of_work() as uow:
        uow.subjects.add(found.subject)
        uow.acquisitions.add(found.acquisition)
        uow.consents.add(found.consent)
        uow.provisions.add(found.provision)
        uow.requests.add(found.request)
        uow.restrictions.add(found.restriction)
        for event in found.events:
            uow.audit.append(event.entry)
        uow.commit()


def read_records(store: Store, n: int = 0) -> tuple[object, ...]:
    """What the store holds for subject ``s-{n}``, in the shape of :func:`records`."""
    sid = f"s-{n}"
    with store.unit_of_work() as uow:
        return (
            uow.subjects.get(sid),
            uow.acquisitions.for_subject(sid),
            uow.consents.for_subject(sid),
            uow.provisions.for_subject(sid),
            uow.restrictions.for_subject(sid),
            uow.requests.for_subject(sid),
        )


def expected(found: Records) -> tuple[object, ...]:
    return (
        found.subject,
        [found.acquisition],
        [found.consent],
        [found.provision],
        [found.restriction],
        [found.request],
    )
