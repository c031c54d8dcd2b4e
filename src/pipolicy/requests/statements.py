"""The written statements every answer carries (R-REQ-4; seed 001: "we will reply with a
written statement to that effect"), in the request's language.

This module decides which paragraphs a statement has and gathers their facts; every
word comes from ``<lang>/request_texts.j2`` through a :class:`~.wording.Wording`.
Statements name items, purposes, recipients and dates, never personal data values: they
are stored with the request. The values a disclosure owes the person travel only in the
answer's report. Paragraphs are separated by blank lines so letters can lay them out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.decisions import Basis
from pipolicy.domain.exemptions import ARTICLES as EXEMPTION_ARTICLES
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.facts import SubjectFacts
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import RefusalGround, Request, RequestKind, ground_article
from pipolicy.policy.model import Policy, RecipientKind
from pipolicy.policy.texts import text_in
from pipolicy.requests.answers import Withheld, extensions
from pipolicy.requests.delivery import in_writing_paragraph
from pipolicy.requests.wording import Wording, named
from pipolicy.requests.workflow import scope
from pipolicy.rules.common import Actor, held_for
from pipolicy.rules.provision import ProvisionQuery, decide_provision

__all__ = [
    "ARTICLES",
    "RecordLabel",
    "extension_statement",
    "fulfilment_statement",
    "not_stopped",
    "receipt_label",
    "record_label",
    "refusal_statement",
    "spared",
    "withdrawal_statement",
    "withheld_groups",
    "withheld_paragraphs",
]

ARTICLES: Mapping[RequestKind, str] = {
    RequestKind.PURPOSE_NOTIFICATION: "APPI Art. 32",
    RequestKind.DISCLOSURE: "APPI Art. 33",
    RequestKind.PROVISION_RECORDS: "APPI Art. 33(5)",
    RequestKind.CORRECTION: "APPI Art. 34",
    RequestKind.DELETION: "APPI Art. 35",
    RequestKind.SUSPENSION_OF_USE: "APPI Art. 35",
    RequestKind.SUSPENSION_OF_PROVISION: "APPI Art. 35",
}
"""The article each kind of request is made under, as the opening cites it."""

RecordLabel = dict[str, object]
"""How a statement names a provision record: its id, day, recipient (no values)."""


def record_label(policy: Policy, record: ProvisionRecord, lang: str) -> RecordLabel:
    """The facts that name ``record`` in a statement: its day in the policy's time zone,
    the recipient's title in ``lang`` (as recorded, for a recipient the policy no longer
    declares) and the name recorded with it, and its id."""
    declared = policy.recipients.get(record.recipient)
    title = text_in(declared, "title", lang) if declared is not None else ""
    return {
        "id": record.id,
        "day": policy.local_date(record.provided_at),
        "recipient": str(title or record.recipient_name),
        "recipient_name": record.recipient_name,
    }


def receipt_label(policy: Policy, acquisition: Acquisition) -> RecordLabel:
    """The facts that name a record of receipt in a statement: its day in the policy's
    time zone and its id. Not the provider: who gave the data may be the very thing
    withheld (an informant), and a statement names what it withholds."""
    return {
        "id": acquisition.id,
        "day": policy.local_date(acquisition.acquired_at),
        "kind": "receipt",
    }


def _opening(w: Wording, policy: Policy, request: Request, *, answer: bool = True) -> str:
    kwargs: dict[str, object] = {
        "kind": request.kind.value,
        "request_id": request.id,
        "received": policy.local_date(request.received_at),
        "article": ARTICLES[request.kind],
    }
    if not answer:
        kwargs["answer"] = False
    return w("opening", **kwargs)


def _closing(w: Wording, policy: Policy, request: Request) -> str:
    """Who signs, and where to ask: the window of the service the request is about (004
    L29 "the inquiry window of each service"), else the policy's request window."""
    lang = w.lang
    service = policy.services.get(str(request.details.get("service", "")))
    window = text_in(service, "window", lang) if service is not None else ""
    contact = (
        window
        or text_in(policy.requests, "window", lang)
        or text_in(policy.controller, "contact", lang)
    )
    return w("closing", name=str(text_in(policy.controller, "name", lang)), contact=contact)


def _extended(w: Wording, policy: Policy, request: Request, *, notice: bool = False) -> str | None:
    """The paragraph telling the person the deadline was extended, to which last day and
    why (R-REQ-8: the reason ``extend`` was given is for them), if it was; ``notice``:
    in the extension notice itself, not as an aside of the answer."""
    told = [
        {"due_on": attrs.evolve(e, due=policy.local(e.due)).due_on, "reason": e.reason}
        for e in extensions(request)
    ]
    return w("extended", extensions=told, notice=notice) if told else None


def _join(*paragraphs: str | None) -> str:
    return "\n\n".join(p for p in paragraphs if p)


def withheld_groups(
    withheld: Iterable[Withheld],
) -> list[tuple[tuple[RefusalGround, str, str], list[Withheld]]]:
    """Withheld parts grouped by ground, article and explanation; the largest group
    first, then by the order of the grounds."""
    groups: dict[tuple[RefusalGround, str, str], list[Withheld]] = {}
    for w in withheld:
        groups.setdefault((w.ground, w.article, w.explanation), []).append(w)
    order = list(RefusalGround)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), order.index(kv[0][0]), kv[0][2]))


def _parts(
    policy: Policy, lang: str, parts: Iterable[Withheld], labels: Mapping[str, RecordLabel]
) -> dict[str, object]:
    """What a group of withheld parts names: items with their titles, records by label."""
    listed = list(parts)
    items = {w.item for w in listed if w.item is not None}
    records = sorted(w.record_id for w in listed if w.record_id is not None)
    return {
        "items": named(policy.items, items, lang),
        "records": [labels.get(r, {"id": r}) for r in records],
    }


def withheld_paragraphs(
    w: Wording,
    policy: Policy,
    kind: RequestKind,
    withheld: Iterable[Withheld],
    labels: Mapping[str, RecordLabel] | None = None,
) -> list[str]:
    """One paragraph per ground withheld on: what, why, the article, the explanation
    (Art. 33(2) "all or a part", Art. 36). ``labels`` names records by id."""
    out = []
    for (ground, article, explanation), parts in withheld_groups(withheld):
        out.append(
            w(
                "withheld",
                kind=kind.value,
                ground=ground.value,
                article=article,
                explanation=explanation,
                **_parts(policy, w.lang, parts, labels or {}),
            )
        )
    return out


def refusal_statement(
    w: Wording,
    policy: Policy,
    request: Request,
    ground: RefusalGround,
    explanation: str,
    *,
    withheld: Iterable[Withheld] = (),
    labels: Mapping[str, RecordLabel] | None = None,
    provided: bool = False,
    case: str = "",
) -> str:
    """We cannot respond, why (the ground and the article it cites for the request's kind),
    and the business's explanation (Art. 36); for an alternative measure (Art. 35(2), (4),
    (6)) the explanation is the measure taken. ``withheld`` names what a disclosure
    withheld in full covers (no values), with the other grounds it was withheld on.
    ``provided`` says pipolicy's records show the data provided to others: a reason that
    says "we provide it lawfully" is a fact the person is told, so only then. ``case``
    words the ground for one case of the kind (``"not_stoppable"``: a suspension of
    provision naming only recipients it cannot stop, refused at intake)."""
    covers: list[str] = []
    groups = withheld_groups(withheld)
    if groups:
        (_, primary), *others = groups
        # A template of an earlier version words a disclosure only: no kind for it.
        kind = {"kind": request.kind.value} if request.kind is RequestKind.CORRECTION else {}
        covers.append(w("withheld_here", **_parts(policy, w.lang, primary, labels or {}), **kind))
        covers += withheld_paragraphs(
            w, policy, request.kind, [x for _, xs in others for x in xs], labels
        )
    return _join(
        _opening(w, policy, request),
        w(
            "refusal",
            kind=request.kind.value,
            ground=ground.value,
            article=ground_article(request.kind, ground),
            provided=provided,
            **({"case": case} if case else {}),  # a template of an earlier version has none
        ),
        w(
            "explanation",
            text=explanation.strip(),
            alternative=ground is RefusalGround.ALTERNATIVE_MEASURE,
        ),
        *covers,
        _extended(w, policy, request),
        _closing(w, policy, request),
    )


def not_stopped(w: Wording, policy: Policy, request: Request, *, partial: bool) -> str | None:
    """Why a suspension of provision does not stop provision to the recipients it named
    that it cannot reach (``details["not_stopped"]``, kept at intake): public authorities
    and entrustees in Japan, each group named by its titles. ``partial``: the paragraph
    of an answer that stopped the others; else the explanation of the refusal at intake.
    ``None`` when the request named none."""
    entries = request.details.get("not_stopped")
    if not isinstance(entries, list) or not entries:
        return None

    def of(kind: str) -> list[dict[str, str]]:
        names = [str(e["recipient"]) for e in entries if e.get("kind") == kind]
        return named(policy.recipients, names, w.lang)

    return w(
        "not_stopped",
        authorities=of("public_authority"),
        entrustees=of("entrustee"),
        partial=partial,
        **authority_cases(policy),
    )


def spared(
    w: Wording,
    policy: Policy,
    request: Request,
    after: SubjectFacts,
    now: datetime,
    reached: frozenset[str],
) -> str | None:
    """What a stop of provision to third parties leaves going, for its answer to say:
    joint use and business succession are no provision to a third party (Art. 27(5)(ii),
    (iii)), so the stop may spare them, and a person told only that provision stopped
    would believe all sharing had. What goes on is what the decision allows on ``after``
    (the person's facts with the stop in force), asked of each joint user and successor
    for each purpose the stop reaches and each of the ``reached`` items held for it:
    never derived beside the decision, which knows an earlier suspension of use, a user
    abroad (a third party, Art. 28), a successor taking over none of the person's data.

    Each joint use is named with the items, purposes and person responsible, and with
    whom it goes on: the users as announced when it goes on with all of them, else
    those it goes on with, by title (``whole`` false), so the person does not believe it
    goes on with the whole group. ``None`` for a stop naming recipients (it stops a
    joint user or successor it names) or when nothing goes on."""
    if scope(request, "recipients"):
        return None
    lang = w.lang
    asked = scope(request, "purposes")
    entitled = _entitled(policy)  # asked as its handlers: see :func:`_entitled`

    def going(recipient: str, basis: Basis, purposes: Iterable[str]) -> dict[str, frozenset[str]]:
        """Purpose -> the items the decision gives ``recipient`` for it on ``basis``."""
        out: dict[str, frozenset[str]] = {}
        for purpose in sorted(p for p in purposes if not asked or p in asked):
            items = frozenset(
                i
                for i in reached & held_for(after, purpose, now)
                if _allowed(
                    policy,
                    after,
                    ProvisionQuery(recipient, frozenset({i}), purpose, actor=entitled),
                    now,
                )
                is basis
            )
            if items:
                out[purpose] = items
        return out

    joint_uses = []
    for joint in policy.joint_uses.values():
        users = sorted(
            r.name
            for r in policy.recipients.values()
            if r.kind is RecipientKind.JOINT_USER and r.joint_use == joint.name
        )
        carried = {u: going(u, Basis.JOINT_USE, joint.purposes) for u in users}
        # (items, users it goes on with) -> purposes: each entry exactly as decided.
        entries: dict[tuple[frozenset[str], tuple[str, ...]], list[str]] = {}
        for purpose in sorted(joint.purposes):
            by_items: dict[frozenset[str], list[str]] = {}
            for u in users:
                if purpose in carried[u]:
                    by_items.setdefault(carried[u][purpose], []).append(u)
            for items, going_with in by_items.items():
                entries.setdefault((items, tuple(going_with)), []).append(purpose)
        for (items, with_), purposes in entries.items():
            joint_uses.append(
                {
                    "users": text_in(joint, "users", lang),
                    "whole": list(with_) == users,
                    "with": named(policy.recipients, with_, lang),
                    "purposes": named(policy.purposes, purposes, lang),
                    "items": named(policy.items, items, lang),
                    "manager": text_in(joint, "manager_name", lang),
                }
            )
    successors = [
        r.name
        for r in policy.recipients.values()
        if r.kind is RecipientKind.SUCCESSOR
        and going(r.name, Basis.BUSINESS_SUCCESSION, policy.purposes)
    ]
    if not joint_uses and not successors:
        return None
    return w("spared", joint_uses=joint_uses, successors=named(policy.recipients, successors, lang))


def _allowed(policy: Policy, facts: SubjectFacts, q: ProvisionQuery, now: datetime) -> Basis | None:
    """The basis :func:`decide_provision` gives ``q`` on, None when it denies it."""
    decision = decide_provision(policy, facts, q, now)
    return decision.basis if decision.allowed else None


def _entitled(policy: Policy) -> Actor | None:
    """One holding every role the policy names as a purpose's handlers (Art. 24): who may
    give the data decides who gives it, not whether it still goes, so what continues
    after a stop is what its handlers may still give. None where no purpose names any."""
    roles = frozenset[str]().union(*(p.handlers for p in policy.purposes.values()))
    return Actor("answer", roles) if roles else None


def authority_cases(policy: Policy) -> dict[str, object]:
    """The cases of Art. 27(1) in which the business provides personal data without the
    person's consent, as its policy allows them for provision (``exemptions``: their
    names, in the order of the Act), and the citation of exactly those items
    (``exemptions_article``: ``"APPI Art. 27(1)(i), (iv)"``; ``"APPI Art. 27(1)"`` for a
    policy allowing none). A public authority receives data only in these cases."""
    allowed = [
        e
        for e in Exemption
        if "provision" in EXEMPTION_ARTICLES[e] and policy.exemption_allowed(e, "provision")
    ]
    numerals = [EXEMPTION_ARTICLES[e]["provision"].removeprefix("27(1)") for e in allowed]
    return {
        "exemptions": [e.value for e in allowed],
        "exemptions_article": "APPI Art. 27(1)" + ", ".join(numerals),
    }


def extension_statement(w: Wording, policy: Policy, request: Request) -> str:
    """The notice that the deadline of ``request``, still open, was extended: to which
    last day and why (R-REQ-8), the person's to read before the answer comes."""
    return _join(
        _opening(w, policy, request, answer=False),
        _extended(w, policy, request, notice=True),
        _closing(w, policy, request),
    )


def withdrawal_statement(w: Wording, policy: Policy, request: Request, at: datetime) -> str:
    return _join(
        _opening(w, policy, request, answer=False),
        w("withdrawal", at=policy.local_date(at)),
        _closing(w, policy, request),
    )


def fulfilment_statement(
    w: Wording,
    policy: Policy,
    request: Request,
    body: Iterable[str],
    *,
    retained: Mapping[str, str] | None = None,
    retained_article: str | None = None,
    not_held: Iterable[str] = (),
    findings: str | None = None,
    withheld: Iterable[Withheld] = (),
    labels: Mapping[str, RecordLabel] | None = None,
    suspension: str | None = None,
) -> str:
    """A fulfilment (or a partial one: items kept under a legal duty, items not held,
    parts withheld on a ground of Art. 33(2), named with ground, article and explanation
    as Art. 36 requires). ``body`` are the paragraphs saying what was done, ``findings``
    the one saying what was checked and what the business found; ``retained_article``
    what keeping the ``retained`` items rests on (the provisos of Art. 35).
    ``suspension`` (``"use"``, ``"provision"``, or ``"recipients"`` for provision to
    the recipients named): the answer of a suspension, whose
    restriction covers the ``not_held`` items too, should they ever be collected."""
    lang = w.lang
    kept = None
    if retained:
        kept = w(
            "retained",
            article=retained_article,
            items=[
                {**entry, "reason": retained[entry["name"]]}
                for entry in named(policy.items, retained, lang)
            ],
        )
    missing = set(not_held)
    # A template of an earlier version has no ``suspension``: passed only when set.
    covered = {"suspension": suspension} if suspension else {}
    absent = w("not_held", items=named(policy.items, missing, lang), **covered) if missing else None
    return _join(
        _opening(w, policy, request),
        in_writing_paragraph(w, request),
        *body,
        *withheld_paragraphs(w, policy, request.kind, withheld, labels),
        findings,
        kept,
        absent,
        _extended(w, policy, request),
        w("fee", amount=request.fee) if request.fee else None,
        _closing(w, policy, request),
    )
