"""Hand-written conversion between domain values and table rows.

Written out field by field rather than mapped by an ORM, so the domain classes stay
plain attrs classes that know nothing of SQL, and every type round-trips exactly:
enums come back as enums, sets as frozensets, tuples as tuples, and an instant with
the UTC offset it was written with (see :mod:`pipolicy.backends.sql.tables`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pipolicy.clock import require_aware
from pipolicy.domain import checks
from pipolicy.domain.acquisitions import Acquisition, Channel, EntityKind, ReceiptBasis
from pipolicy.domain.audit import AuditEntry, AuditEvent
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.domain.decisions import Basis
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import (
    Applicant,
    ApplicantKind,
    Document,
    DocumentKind,
    RefusalGround,
    Request,
    RequestKind,
    RequestState,
)
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.subjects import Subject
from pipolicy.errors import InvalidInput

__all__ = [
    "EncodedPayload",
    "acquisition_from_row",
    "acquisition_to_row",
    "audit_from_row",
    "audit_to_row",
    "consent_from_row",
    "consent_to_row",
    "entry_from_row",
    "entry_to_row",
    "json_text",
    "name_set",
    "placed_row",
    "provision_from_row",
    "provision_to_row",
    "put_instant",
    "request_from_row",
    "request_to_row",
    "restriction_from_row",
    "restriction_to_row",
    "subject_from_row",
    "subject_to_row",
]

Row = Mapping[Any, Any]  # SQLAlchemy's RowMapping, or a plain dict


# -- instants ------------------------------------------------------------------------


def put_instant(row: dict[str, Any], name: str, value: datetime | None) -> None:
    """Set column ``name`` (UTC) and ``name_offset`` (seconds) from an aware datetime."""
    if value is None:
        row[name] = None
        row[f"{name}_offset"] = None
        return
    row[name] = value
    row[f"{name}_offset"] = _offset(value, name)


_last_offset: tuple[object, int] = (None, 0)


def _offset(value: datetime, name: str) -> int:
    """``value``'s UTC offset in seconds; raises for a naive one or a sub-second offset.
    The last one is kept: an operation's rows share its instant (the same object, and a
    datetime is immutable)."""
    global _last_offset
    last, seconds = _last_offset
    if value is last:
        return seconds
    require_aware(value, name)
    offset = value.utcoffset()
    assert offset is not None
    if offset % timedelta(seconds=1):
        raise InvalidInput(f"{name} has a sub-second UTC offset, which cannot be stored")
    seconds = int(offset.total_seconds())
    _last_offset = (value, seconds)
    return seconds


def _zone(seconds: int) -> timezone:
    return timezone.utc if seconds == 0 else timezone(timedelta(seconds=seconds))


def _get(row: Row, name: str) -> datetime | None:
    value: datetime | None = row[name]
    if value is None:
        return None
    return value.astimezone(_zone(row[f"{name}_offset"]))


def _get_required(row: Row, name: str) -> datetime:
    value = _get(row, name)
    assert value is not None, f"{name} is NOT NULL"
    return value


def _iso(value: datetime) -> str:
    require_aware(value, "datetime")
    return value.isoformat()


def name_set(value: object) -> frozenset[str]:
    """A set of names as a row keeps it: a JSON list of strings. Anything else means the
    row was damaged (a bare string would read as the set of its characters), and
    raises, so nothing is decided on it."""
    if type(value) is list:
        if not value:
            return _NO_NAMES
        if set(map(type, value)) == _JUST_TEXT:
            return frozenset(value)
    raise TypeError("a set of names must be a list of strings")


_NO_NAMES: frozenset[str] = frozenset()
_JUST_TEXT = {str}


def _names(values: frozenset[str]) -> list[str]:
    return sorted(values)


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _undate(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _json_value(value: Mapping[str, object], what: str) -> dict[str, Any]:
    """``value`` as plain JSON for a JSON column (see :func:`checks.json_copy`)."""
    result: dict[str, Any] = checks.json_copy(dict(value), what)
    return result


# -- subjects -----------------------------------------------------------------------


def subject_to_row(subject: Subject) -> dict[str, Any]:
    row: dict[str, Any] = {"id": subject.id, "ref": subject.ref, "category": subject.category}
    put_instant(row, "registered_at", subject.registered_at)
    put_instant(row, "left_at", subject.left_at)
    return row


def subject_from_row(row: Row) -> Subject:
    return Subject(
        id=row["id"],
        ref=row["ref"],
        registered_at=_get_required(row, "registered_at"),
        category=row["category"],
        left_at=_get(row, "left_at"),
    )


# -- acquisitions -------------------------------------------------------------------


def acquisition_to_row(a: Acquisition) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": a.id,
        "subject_id": a.subject_id,
        "items": _names(a.items),
        "purposes": _names(a.purposes),
        "channel": Channel(a.channel).value,
        "source": a.source,
        "policy_version": a.policy_version,
        "opted_in": _names(a.opted_in),
        "provider_address": a.provider_address,
        "provider_obtained_by": a.provider_obtained_by,
        "provider_representative": a.provider_representative,
        "provider_kind": None if a.provider_kind is None else EntityKind(a.provider_kind).value,
        "provider_basis": (
            None if a.provider_basis is None else ReceiptBasis(a.provider_basis).value
        ),
    }
    put_instant(row, "acquired_at", a.acquired_at)
    return row


def acquisition_from_row(row: Row) -> Acquisition:
    kind, basis = row["provider_kind"], row["provider_basis"]
    return Acquisition(
        id=row["id"],
        subject_id=row["subject_id"],
        items=name_set(row["items"]),
        purposes=name_set(row["purposes"]),
        channel=Channel(row["channel"]),
        source=row["source"],
        acquired_at=_get_required(row, "acquired_at"),
        policy_version=row["policy_version"],
        opted_in=name_set(row["opted_in"]),
        provider_address=row["provider_address"],
        provider_obtained_by=row["provider_obtained_by"],
        provider_representative=row["provider_representative"],
        provider_kind=None if kind is None else EntityKind(kind),
        provider_basis=None if basis is None else ReceiptBasis(basis),
    )


# -- consents -----------------------------------------------------------------------


def consent_to_row(c: Consent) -> dict[str, Any]:
    items, key = _scope_columns(c.scope)
    row: dict[str, Any] = {
        "id": c.id,
        "subject_id": c.subject_id,
        "purpose": c.scope.purpose,
        "recipient": c.scope.recipient,
        "items": items,
        "status": ConsentStatus(c.status).value,
        "evidence_method": c.evidence.method,
        "evidence_ref": c.evidence.ref,
        "evidence_given_by": c.evidence.given_by,
        "evidence_foreign_info": c.evidence.foreign_info,
        # NULL while empty, as on the rows written before revision 0012
        "evidence_foreign_country": c.evidence.foreign_country or None,
        "scope_key": key,
        "policy_version": c.policy_version,
        "version": c.version,
    }
    put_instant(row, "given_at", c.given_at)
    put_instant(row, "expires_at", c.expires_at)
    put_instant(row, "ended_at", c.ended_at)
    return row


def scope_key(c: Consent) -> str:
    """The consent's scope as one text: two consents of one person with the same key
    may not both be given (the partial unique index of revision 0007)."""
    return _scope_columns(c.scope)[1]


def _scope_columns(scope: ConsentScope) -> tuple[list[str], str]:
    """The ``items`` and ``scope_key`` columns of a consent of ``scope``: made once per
    scope object (the engine keeps one per scope, so a batch's consents share a few),
    the items as a list that carries its JSON (:class:`EncodedList`)."""
    found = _scope_texts.get(id(scope))
    if found is not None and found[0] is scope:
        return found[1], found[2]
    items = sorted(scope.items)
    columns = (
        EncodedList(items, json.dumps(items)),
        json.dumps([scope.purpose, scope.recipient, items]),
    )
    if len(_scope_texts) >= 256:
        _scope_texts.clear()
    _scope_texts[id(scope)] = (scope, *columns)  # held: its id is no other's meanwhile
    return columns


_scope_texts: dict[int, tuple[ConsentScope, list[str], str]] = {}


def consent_from_row(row: Row) -> Consent:
    return Consent(
        id=row["id"],
        subject_id=row["subject_id"],
        scope=ConsentScope(
            purpose=row["purpose"], recipient=row["recipient"], items=name_set(row["items"])
        ),
        status=ConsentStatus(row["status"]),
        evidence=Evidence(
            method=row["evidence_method"],
            ref=row["evidence_ref"],
            given_by=row["evidence_given_by"],
            foreign_info=row["evidence_foreign_info"],
            foreign_country=row["evidence_foreign_country"] or "",
        ),
        policy_version=row["policy_version"],
        given_at=_get_required(row, "given_at"),
        expires_at=_get(row, "expires_at"),
        ended_at=_get(row, "ended_at"),
        version=row["version"],
    )


# -- provisions ---------------------------------------------------------------------


def provision_to_row(p: ProvisionRecord) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": p.id,
        "subject_id": p.subject_id,
        "recipient": p.recipient,
        "recipient_name": p.recipient_name,
        "items": _names(p.items),
        "purpose": p.purpose,
        "basis": Basis(p.basis).value,
        "required_by_law": p.required_by_law,
        "consent_id": p.consent_id,
        "exemption": None if p.exemption is None else Exemption(p.exemption).value,
        "justification": p.justification,
        "country": p.country,
        "recipient_address": p.recipient_address,
        "recipient_representative": p.recipient_representative,
        # NULL for none, as on rows written before revision 0015
        "more_consent_ids": list(p.more_consent_ids) or None,
    }
    put_instant(row, "provided_at", p.provided_at)
    put_instant(row, "keep_until", p.keep_until)
    return row


def provision_from_row(row: Row) -> ProvisionRecord:
    exemption = row["exemption"]
    more = row["more_consent_ids"]
    return ProvisionRecord(
        id=row["id"],
        subject_id=row["subject_id"],
        recipient=row["recipient"],
        recipient_name=row["recipient_name"],
        items=name_set(row["items"]),
        purpose=row["purpose"],
        basis=Basis(row["basis"]),
        provided_at=_get_required(row, "provided_at"),
        required_by_law=bool(row["required_by_law"]),
        keep_until=_get(row, "keep_until"),
        consent_id=row["consent_id"],
        exemption=None if exemption is None else Exemption(exemption),
        justification=row["justification"],
        country=row["country"],
        recipient_address=row["recipient_address"],
        recipient_representative=row["recipient_representative"],
        more_consent_ids=() if more is None else tuple(more),
    )


# -- restrictions -------------------------------------------------------------------


def restriction_to_row(r: Restriction) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": r.id,
        "subject_id": r.subject_id,
        "kind": RestrictionKind(r.kind).value,
        "request_id": r.request_id,
        "items": _names(r.items),
        "purposes": _names(r.purposes),
        "recipients": _names(r.recipients),
    }
    put_instant(row, "since", r.since)
    return row


def restriction_from_row(row: Row) -> Restriction:
    return Restriction(
        id=row["id"],
        subject_id=row["subject_id"],
        kind=RestrictionKind(row["kind"]),
        since=_get_required(row, "since"),
        request_id=row["request_id"],
        items=name_set(row["items"]),
        purposes=name_set(row["purposes"]),
        recipients=name_set(row["recipients"]),
    )


# -- requests -----------------------------------------------------------------------


def _applicant_text(a: Applicant) -> str:
    """The applicant's kind, and whom a legal representative represents after a colon
    (``legal_representative:minor``): one text column, so no migration; rows written
    before hold the kind alone and read as not stated."""
    kind = ApplicantKind(a.kind).value
    return kind if a.represents is None else f"{kind}:{a.represents.value}"


def _applicant(text: str) -> Applicant:
    kind, _, represents = text.partition(":")
    return Applicant(ApplicantKind(kind), represents or None)


def request_to_row(r: Request) -> dict[str, Any]:
    state = RequestState(r.state)
    row: dict[str, Any] = {
        "id": r.id,
        "subject_id": r.subject_id,
        "kind": RequestKind(r.kind).value,
        "applicant_kind": _applicant_text(r.applicant),
        "state": state.value,
        "is_open": not state.final,
        "fee": r.fee,
        "method": r.method,
        "documents": [
            {
                "kind": DocumentKind(d.kind).value,
                "issued": _date(d.issued),
                "expires": _date(d.expires),
                "holder": d.holder,
            }
            for d in r.documents
        ],
        "details": _json_value(r.details, "request details"),
        "ground": None if r.ground is None else RefusalGround(r.ground).value,
        "statement": r.statement,
        "history": [[step, _iso(at), note] for step, at, note in r.history],
        "version": r.version,
        "language": r.language,
    }
    put_instant(row, "received_at", r.received_at)
    put_instant(row, "due", r.due)
    return row


def request_from_row(row: Row) -> Request:
    ground = row["ground"]
    return Request(
        id=row["id"],
        subject_id=row["subject_id"],
        kind=RequestKind(row["kind"]),
        applicant=_applicant(row["applicant_kind"]),
        state=RequestState(row["state"]),
        received_at=_get_required(row, "received_at"),
        due=_get_required(row, "due"),
        fee=row["fee"],
        method=row["method"],
        documents=tuple(
            Document(
                kind=DocumentKind(d["kind"]),
                issued=_undate(d["issued"]),
                expires=_undate(d["expires"]),
                holder=d["holder"],
            )
            for d in row["documents"]
        ),
        details=row["details"],
        ground=None if ground is None else RefusalGround(ground),
        statement=row["statement"],
        history=tuple(
            (step, datetime.fromisoformat(at), note) for step, at, note in row["history"]
        ),
        version=row["version"],
        language=row["language"],
    )


# -- audit --------------------------------------------------------------------------


class EncodedPayload(dict[str, object]):
    """An audit payload with the canonical JSON :meth:`AuditEntry.of` encoded it to, so
    the store's engines write that text (:func:`json_text`) and no event is encoded
    twice. Still a plain dict to anything else: a connection the application bound,
    with its own JSON serializer, encodes it as it would the payload."""

    __slots__ = ("text",)

    def __init__(self, payload: Mapping[str, object], text: str) -> None:
        super().__init__(payload)
        self.text = text


class EncodedList(list[str]):
    """A list of names with the JSON ``json.dumps`` writes for it, kept to be written
    again (a consent's items, shared by the consents of one scope). A plain list to
    anything else; never changed after it is made."""

    __slots__ = ("text",)

    def __init__(self, names: list[str], text: str) -> None:
        super().__init__(names)
        self.text = text


def json_text(value: object) -> str:
    """The JSON serializer of the engines pipolicy makes: an :class:`EncodedPayload`'s
    (or :class:`EncodedList`'s) own text, anything else as SQLAlchemy's default
    (``json.dumps``) writes it."""
    kind = type(value)
    if kind is EncodedPayload or kind is EncodedList:
        return value.text  # type: ignore[attr-defined,no-any-return]
    return json.dumps(value)


def _payload(payload: Mapping[str, object], canonical: str | None) -> Mapping[str, object]:
    return payload if canonical is None else EncodedPayload(payload, canonical)


def audit_to_row(e: AuditEvent, canonical: str | None = None) -> dict[str, Any]:
    """The row of a placed event, ``canonical`` its payload's JSON if already encoded.
    The payload is taken as is: the store appends only entries :meth:`AuditEntry.stored`
    checked, and places only those or ones it read."""
    row: dict[str, Any] = {
        "seq": e.seq,
        "kind": e.kind,
        "subject_id": e.subject_id,
        "payload": _payload(e.payload, canonical),
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }
    put_instant(row, "at", e.at)
    return row


def placed_row(seq: int, e: AuditEntry, prev_hash: str, hash: str) -> dict[str, Any]:
    """The row of ``e`` (its payload encoded, :meth:`AuditEntry.encoded`) placed at
    ``seq``: :func:`audit_to_row` of the event :func:`~pipolicy.domain.audit.sequence`
    makes of it, without making the event."""
    row: dict[str, Any] = {
        "seq": seq,
        "kind": e.kind,
        "subject_id": e.subject_id,
        "payload": _payload(e.payload, e.canonical),
        "prev_hash": prev_hash,
        "hash": hash,
    }
    put_instant(row, "at", e.at)
    return row


def entry_to_row(e: AuditEntry) -> dict[str, Any]:
    """The queue row of an entry :meth:`AuditEntry.stored` checked (its payload as is)."""
    row: dict[str, Any] = {
        "kind": e.kind,
        "subject_id": e.subject_id,
        "payload": _payload(e.payload, e.canonical),
    }
    put_instant(row, "at", e.at)
    return row


def entry_from_row(row: Row) -> AuditEntry:
    return AuditEntry(
        at=_get_required(row, "at"),
        kind=row["kind"],
        subject_id=row["subject_id"],
        payload=row["payload"],
    )


def audit_from_row(row: Row) -> AuditEvent:
    """The event in ``row``; ``ValueError`` if a column holds what pipolicy never writes."""
    event = AuditEvent(
        seq=row["seq"],
        at=_get_required(row, "at"),
        kind=row["kind"],
        subject_id=row["subject_id"],
        payload=row["payload"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )
    if not (
        isinstance(event.kind, str)
        and isinstance(event.subject_id, (str, type(None)))
        and isinstance(event.payload, dict)
        and all(_is_digest(h) for h in (event.prev_hash, event.hash))
    ):
        raise ValueError("a column holds a value of the wrong shape")
    return event


def _is_digest(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )
