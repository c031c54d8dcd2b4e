"""Intake: receiving a request, checking its documents, and keeping its due date.

Everything a request must satisfy before the business looks at it lives here: the shape
of ``details`` (items, purposes, recipients, the service, correction values; the keys the
workflow reserves for its own records), the documents (kinds and dates only, R-REQ-10),
the fee (R-REQ-9), verification of identity and agency (R-REQ-3) and extending the due
date (R-REQ-8). Kept apart so the checks on what a person sends in can be read in one
place.

Two kinds of problem are told apart. Details that are not well formed (an unknown item
or recipient, a key the kind does not take) are the application's mistake: a typed
error, and nothing is recorded. A well-formed request the business cannot carry out is
the person's request, refused: a suspension of provision naming only recipients it
cannot stop (:func:`not_stoppable`) is recorded and refused on ``no_ground`` at once,
with its written statement (Art. 36), as every refusal is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from pipolicy.clock import arrived, instant
from pipolicy.domain import checks
from pipolicy.domain.checks import json_copy, member, names, statement
from pipolicy.domain.requests import (
    FEE_KINDS,
    Applicant,
    Document,
    RefusalGround,
    Request,
    RequestKind,
    RequestState,
)
from pipolicy.domain.subjects import Ref, Subject
from pipolicy.errors import InvalidInput, InvalidTransition, UnknownItem
from pipolicy.policy.model import Policy, Recipient, RecipientKind
from pipolicy.requests.answers import METHODS
from pipolicy.requests.lifecycle import advance, check, note, require_open
from pipolicy.requests.refusal import refused
from pipolicy.requests.statements import not_stopped
from pipolicy.requests.verification import verify_documents
from pipolicy.requests.workflow import Workflow, scope, unstoppable
from pipolicy.rules.provision import entrusted_only
from pipolicy.storage.repositories import UnitOfWork

K = RequestKind

ITEM_KINDS = frozenset(
    {K.DISCLOSURE, K.PROVISION_RECORDS, K.DELETION, K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION}
)
"""Requests that take ``items=`` in their details."""

PURPOSE_KINDS = frozenset({K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION})
"""Requests that take ``purposes=`` in their details."""

RESERVED = frozenset(
    {
        "verification",
        "sources",
        "extensions",
        "restrictions",
        "investigation",
        "outcome",
        "withheld",
        "grounds",
        "held_in_sources",
        "held_by_source",
        "undeclared_in_sources",
        "consents_withdrawn",
        "not_stopped",
        "in_writing",
    }
)
"""Details keys the workflow keeps its own records under."""


def fee_for(policy: Policy, kind: RequestKind) -> int:
    """The published fee for ``kind``: zero for anything but purpose notification and
    disclosure (of data or of provision records), whatever the policy says (R-REQ-9)."""
    return int(policy.requests.fees.get(kind, 0)) if kind in FEE_KINDS else 0


def check_language(policy: Policy, language: object) -> str:
    """The language a request is answered in: one the policy publishes in, its default
    (the first of ``policy.languages``) when None."""
    if language is None:
        return policy.languages[0]
    if not isinstance(language, str) or language not in policy.languages:
        raise InvalidInput(
            f"language must be one the policy publishes in: {list(policy.languages)} "
            "(add a language to [policy] languages, with its texts)"
        )
    return language


def check_documents(documents: Iterable[Document]) -> tuple[Document, ...]:
    """The documents as given, checked: pp.Document values whose dates make sense."""
    if isinstance(documents, Document) or not isinstance(documents, Iterable):
        raise InvalidInput("documents must be a list of pp.Document values")
    docs = tuple(documents)
    for d in docs:
        if not isinstance(d, Document):
            raise InvalidInput("documents must be pp.Document values (kind and dates only)")
        if d.issued is not None and d.expires is not None and d.expires < d.issued:
            raise InvalidInput(f"a {d.kind.value} cannot expire before it was issued")
    return docs


def check_changes(policy: Policy, changes: object) -> dict[str, object]:
    """A correction's values, checked against the policy's items and copied JSON-ready."""
    if not isinstance(changes, Mapping) or not changes:
        raise InvalidInput(
            "a correction needs changes: a mapping of item name -> new value "
            "(None deletes the contents)"
        )
    item_names = names(list(changes), "changes")
    unknown = item_names - policy.items.keys()
    if unknown:
        raise UnknownItem.not_repeated(len(unknown), policy.items)
    copied = json_copy({str(k): v for k, v in changes.items()}, "correction values")
    assert isinstance(copied, dict)
    return copied


def not_stoppable(policy: Policy, recipient: Recipient) -> str | None:
    """Why a suspension of provision cannot stop provision to ``recipient``, if it cannot:
    ``"entrustee"`` for an entrustee that receives data only as entrusted (entrusting
    data is no provision to a third party, Art. 27(5)(i), so the restriction would not
    reach it), ``"public_authority"`` for a public authority in Japan (it receives data
    only in the cases of Art. 27(1) the policy allows for provision, which a suspension
    cannot stop; one abroad is left as named). ``None`` for a recipient it stops.

    Whether an entrustee receives only as entrusted is the decision's question
    (:func:`~pipolicy.rules.provision.entrusted_only`): abroad (Art. 28), or under a
    policy without the ``entrustment`` ground, it receives on the person's consent or
    by opt-out, as a third party (Art. 27(1)), and a stop naming it reaches that, so it
    is kept as named."""
    if entrusted_only(policy, recipient):
        return "entrustee"
    if recipient.kind is RecipientKind.PUBLIC_AUTHORITY and recipient.country in ("", "JP"):
        return "public_authority"
    return None


def check_details(
    policy: Policy, kind: RequestKind, details: Mapping[str, object] | None
) -> dict[str, object]:
    """The request's ``details``, checked for ``kind`` against the policy and copied. A
    suspension of provision keeps the recipients as named and, under ``not_stopped``,
    those it cannot stop with why (:func:`not_stoppable`)."""
    if details is None:
        return {}
    if not isinstance(details, Mapping):
        raise InvalidInput("details must be a mapping")
    out: dict[str, object] = {}
    for key, value in details.items():
        if not isinstance(key, str) or not key:
            raise InvalidInput("details keys must be non-empty strings")
        checks.name(key, "a details key")
        if key in RESERVED:
            raise InvalidInput(f"details key {key!r} is reserved for the workflow's own records")
        if key == "items":
            if kind not in ITEM_KINDS:
                raise InvalidInput(f"a {kind.value} request does not take items=")
            items = names(value, "details['items']")
            policy.check_items(items)
            out[key] = sorted(items)
        elif key == "service":
            service = checks.name(value, "details['service']")
            if service not in policy.services:
                raise InvalidInput(
                    f"unknown service: declare it under [services] "
                    f"({', '.join(sorted(policy.services)) or 'none declared'})"
                )
            out[key] = service
        elif key == "purposes":
            if kind not in PURPOSE_KINDS:
                raise InvalidInput(
                    f"a {kind.value} request does not take purposes=; only suspensions do"
                )
            purposes = names(value, "details['purposes']")
            for p in sorted(purposes):
                policy.purpose(p)
            out[key] = sorted(purposes)
        elif key == "recipients":
            if kind is not K.SUSPENSION_OF_PROVISION:
                raise InvalidInput(
                    f"a {kind.value} request does not take recipients=; "
                    "only a suspension of provision does"
                )
            recipients = names(value, "details['recipients']")
            cannot = []
            for name in sorted(recipients):
                why = not_stoppable(policy, policy.recipient(name))
                if why is not None:
                    cannot.append({"recipient": name, "kind": why})
            if cannot:
                out["not_stopped"] = cannot
            out[key] = sorted(recipients)
        elif key == "changes":
            if kind is not K.CORRECTION:
                raise InvalidInput("only a correction request takes changes")
            out[key] = check_changes(policy, value)
        else:
            out[key] = json_copy(value, f"details[{key!r}]")
    return out


def submit(
    wf: Workflow,
    kind: RequestKind | str,
    *,
    subject: Subject | str | Ref,
    applicant: Applicant | None,
    documents: Iterable[Document],
    method: str,
    details: Mapping[str, object] | None,
    language: str | None = None,
    received_at: datetime | None = None,
) -> Request:
    """The step :meth:`RequestService.submit`. Its due date and the day its documents
    are judged on count from ``received_at``, when it reached the business (Civil Code Art. 97(1)),
    not from when it is entered."""
    k = member(RequestKind, kind, "request kind")
    if received_at is not None:
        instant(received_at, "received_at")  # naive: refused before anything is read
    lang = check_language(wf.policy, language)
    wf.port.subject_id(subject)
    who = applicant if applicant is not None else Applicant.person()
    if not isinstance(who, Applicant):
        raise InvalidInput(
            "applicant must be pp.Applicant.person(), .legal_representative() or .voluntary_agent()"
        )
    docs = check_documents(documents)
    if not isinstance(method, str) or method not in METHODS:
        raise InvalidInput(f"unknown method: use one of {sorted(METHODS)}")
    clean = check_details(wf.policy, k, details)
    port = wf.port

    def op(uow: UnitOfWork) -> Request:
        # Only that the person is there (and locked): the compiled state, not the history.
        facts = port.facts(uow, subject, history=False)
        now = port.now()
        at = arrived(received_at, now)
        r = Request(
            id=port.new_id(),
            subject_id=facts.subject.id,
            kind=k,
            applicant=who,
            state=RequestState.RECEIVED,
            received_at=at,
            due=wf.policy.response_due(at),
            fee=fee_for(wf.policy, k),
            method=method,
            documents=docs,
            details=clean,
            history=(("received", at, f"from {_who(who)}, answer by {method}"),),
            language=lang,
        )
        uow.requests.add(r)
        wf.audit(
            uow,
            "request.received",
            r,
            applicant=who.kind.value,
            **({"represents": who.represents.value} if who.represents else {}),
            method=method,
            language=lang,
            received_at=at.isoformat(),
            documents=[{"kind": d.kind.value, "holder": d.holder} for d in docs],
            due=r.due.isoformat(),
            fee=r.fee,
            items=clean.get("items", []),
            purposes=clean.get("purposes", []),
            **({"not_stopped": sorted(unstoppable(r))} if "not_stopped" in clean else {}),
        )
        if _stops_nothing(r):
            return _refuse_at_intake(wf, uow, r, now)
        return r

    return port.run(op)


def _who(applicant: Applicant) -> str:
    """The applicant for the request's history: ``legal_representative of minor``."""
    of = applicant.represents
    return applicant.kind.value + (f" of {of.value}" if of else "")


def _stops_nothing(r: Request) -> bool:
    """Does the suspension of provision ``r`` name recipients, and none it can stop?"""
    named = scope(r, "recipients")
    return bool(named) and named <= unstoppable(r)


def _refuse_at_intake(wf: Workflow, uow: UnitOfWork, r: Request, now: datetime) -> Request:
    """``r`` refused as it is received: a suspension of provision naming only recipients
    it cannot stop. No ground of Art. 35(3) or (5) can stand for what it asks, whoever
    asks, so there is nothing to verify first, and the reason tells nothing about the
    person: only how the business provides data to the recipients the person named. The
    refusal is kept, with its written statement and its audit event, as any other."""
    g = RefusalGround.NO_GROUND_UNDER_ART_35
    explanation = not_stopped(wf.words(r), wf.policy, r, partial=False)
    assert explanation is not None
    new = refused(wf, r, g, explanation, now, case="not_stoppable")
    uow.requests.update(new)
    wf.audit(
        uow,
        "request.refused",
        new,
        ground=g.value,
        by="intake",
        not_stopped=sorted(unstoppable(r)),
    )
    return new


def verify(wf: Workflow, request_id: str, minor_on_receipt: bool | None = None) -> Request:
    """The step :meth:`RequestService.verify`."""
    port = wf.port
    if minor_on_receipt is not None and not isinstance(minor_on_receipt, bool):
        raise InvalidInput("minor_on_receipt must be True, False or None")

    def op(uow: UnitOfWork) -> Request:
        r = wf.load(uow, request_id)
        check(r, RequestState.VERIFIED)
        now = port.now()
        result = verify_documents(
            r.applicant,
            r.documents,
            wf.policy.requests,
            wf.policy.local_date(now),
            online=r.method == "electronic",
            received=wf.policy.local_date(r.received_at),
            minor=minor_on_receipt,
        )
        if any(p.note == "minor_unconfirmed" for p in result.problems):
            # The family register proves a minor's representative only: the officer
            # reads it and says whether the person was a minor that day (no birth date
            # is kept); refusing for want of that answer would wrong the applicant.
            raise InvalidInput(
                f"request {r.id}: a legal representative offers a family register; confirm "
                "from it whether the person was a minor on the day the request was received: "
                "verify(..., minor_on_receipt=True or False)"
            )
        details = {**r.details, "verification": result.to_dict()}
        if result.ok:
            new = advance(
                r, RequestState.VERIFIED, now, "verified", "documents checked", details=details
            )
            uow.requests.update(new)
            wf.audit(
                uow,
                "request.verified",
                new,
                checked_on=wf.policy.local_date(now).isoformat(),
                **_minor_fact(result.minor_on_receipt),
            )
            return new
        ground = result.ground
        assert ground is not None
        explanation = wf.words(r)(
            "verification_failed",
            problems=[{"note": p.note, "facts": dict(p.facts)} for p in result.problems],
        )
        new = refused(wf, r, ground, explanation, now, details)
        uow.requests.update(new)
        wf.audit(
            uow,
            "request.refused",
            new,
            ground=ground.value,
            by="verification",
            **_minor_fact(result.minor_on_receipt),
        )
        return new

    return port.run(op)


def _minor_fact(minor: bool | None) -> dict[str, object]:
    """The officer's confirmation, for the audit log: a yes or no, never a birth date."""
    return {} if minor is None else {"minor_on_receipt": minor}


def extend(wf: Workflow, request_id: str, *, due: datetime, reason: str) -> Request:
    """The step :meth:`RequestService.extend`. The new due date is the end of the day it
    falls on in the policy's time zone (an instant at midnight ends the day before), as
    the first one is: the person is told that day, and ``overdue`` must agree."""
    given = instant(due, "due")
    last_day = wf.policy.local_date(given - timedelta(microseconds=1))
    new_due = wf.policy.local(wf.policy.day_end(last_day))
    why = statement(reason, "reason")
    port = wf.port

    def op(uow: UnitOfWork) -> Request:
        r = wf.load(uow, request_id)
        require_open(r, "extended")
        if new_due <= r.due:
            raise InvalidInput(
                f"the new due date must be later than the current one ({r.due.isoformat()})"
            )
        now = port.now()
        if now >= r.due:
            # Extending now would take the request off overdue() and hide that its
            # deadline was missed: an extension is decided, and told, before it.
            missed = wf.policy.local_date(r.due - timedelta(microseconds=1))
            raise InvalidTransition(
                f"request {r.id} cannot be extended: its last day to answer, "
                f"{missed.isoformat()} ({wf.policy.timezone}), has passed; answer it now, "
                "it stays overdue until answered"
            )
        extensions = list(r.details.get("extensions", []))  # type: ignore[call-overload]
        extensions.append(
            {
                "at": now.isoformat(),
                "from": r.due.isoformat(),
                "to": new_due.isoformat(),
                "reason": why,
            }
        )
        new = note(
            r,
            now,
            "extended",
            why,
            due=new_due,
            details={**r.details, "extensions": extensions},
        )
        uow.requests.update(new)
        wf.audit(
            uow, "request.extended", new, due_from=r.due.isoformat(), due_to=new_due.isoformat()
        )
        return new

    return port.run(op)
