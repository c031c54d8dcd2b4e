"""The written statements every answer carries (R-REQ-4; seed 001: "we will reply with a
written statement to that effect").

Statements name items, purposes, recipients and dates, never personal data values: they
are stored with the request. The values a disclosure owes the person travel only in the
answer's report. Paragraphs are separated by blank lines so letters can lay them out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from pipolicy.domain.requests import RefusalGround, Request, RequestKind, ground_article
from pipolicy.policy.model import Policy
from pipolicy.policy.texts import text_in
from pipolicy.requests.answers import Withheld
from pipolicy.requests.language import LANG

__all__ = [
    "GROUND_TEXT",
    "KIND_TITLES",
    "fulfilment_statement",
    "ground_text",
    "refusal_statement",
    "withdrawal_statement",
    "withheld_groups",
    "withheld_text",
]

KIND_TITLES: Mapping[RequestKind, str] = {
    RequestKind.PURPOSE_NOTIFICATION: "notification of the purposes of use",
    RequestKind.DISCLOSURE: "disclosure of retained personal data",
    RequestKind.PROVISION_RECORDS: "disclosure of the records of provision to third parties",
    RequestKind.CORRECTION: "correction, addition or deletion of contents",
    RequestKind.DELETION: "deletion of personal data",
    RequestKind.SUSPENSION_OF_USE: "suspension of use",
    RequestKind.SUSPENSION_OF_PROVISION: "suspension of provision to third parties",
}

# Seed 001, "When we cannot respond to your request" (1)-(7), the legal retention duty,
# and the grounds the Act gives against the other kinds of request (Arts. 32, 34, 35).
GROUND_TEXT: Mapping[RefusalGround, str] = {
    RefusalGround.IDENTITY_UNCONFIRMED: "we could not confirm your identity",
    RefusalGround.AGENCY_UNCONFIRMED: "we could not confirm the authority of the agent who applied",
    RefusalGround.DOCUMENTS_INCOMPLETE: "the required documents were incomplete",
    RefusalGround.NOT_RETAINED: (
        "the requested information does not correspond to personal data we retain"
    ),
    RefusalGround.HARM_TO_PERSON: (
        "responding could harm the life, body, property or other rights and interests "
        "of you or a third party"
    ),
    RefusalGround.BUSINESS_HINDRANCE: (
        "responding could significantly hinder the proper conduct of our business"
    ),
    RefusalGround.VIOLATION_OF_LAW: "responding would violate laws and regulations",
    RefusalGround.LEGAL_RETENTION: (
        "the data is held in accordance with laws and regulations that oblige us to keep it"
    ),
    RefusalGround.PURPOSE_ALREADY_CLEAR: (
        "the purposes of use of the personal data we retain about you are already clear to "
        "you from what we have made available"
    ),
    RefusalGround.STATE_COOPERATION: (
        "we are cooperating with a national or local government body in carrying out "
        "affairs prescribed by law, and notifying you could impede those affairs"
    ),
    RefusalGround.CONTENTS_ACCURATE: (
        "we investigated and found that the contents you asked us to change are true"
    ),
    RefusalGround.NO_GROUND_UNDER_ART_35: (
        "we examined your request and decided that none of the grounds the Act gives "
        "for it applies: we handle and provide your personal data lawfully, still need "
        "it, and its handling does not harm your rights or legitimate interests"
    ),
    RefusalGround.ALTERNATIVE_MEASURE: (
        "complying would be very costly or otherwise difficult, and we have instead taken "
        "the alternative measure described below to protect your rights and interests"
    ),
}

_KIND_GROUND_TEXT: Mapping[tuple[RequestKind, RefusalGround], str] = {
    # Art. 21(4)(ii), applied by Art. 32(2)(ii): the business's rights or legitimate
    # interests, not (as for a disclosure) the conduct of its business.
    (RequestKind.PURPOSE_NOTIFICATION, RefusalGround.BUSINESS_HINDRANCE): (
        "notifying you could harm our rights or legitimate interests"
    ),
    (RequestKind.PROVISION_RECORDS, RefusalGround.NOT_RETAINED): (
        "we hold no record of providing your personal data to others that your request concerns"
    ),
}


def ground_text(kind: RequestKind, ground: RefusalGround) -> str:
    """Why a request of ``kind`` is refused on ``ground``, in plain words."""
    return _KIND_GROUND_TEXT.get((kind, ground), GROUND_TEXT[ground])


_ARTICLE: Mapping[RequestKind, str] = {
    RequestKind.PURPOSE_NOTIFICATION: "APPI Art. 32",
    RequestKind.DISCLOSURE: "APPI Art. 33",
    RequestKind.PROVISION_RECORDS: "APPI Art. 33(5)",
    RequestKind.CORRECTION: "APPI Art. 34",
    RequestKind.DELETION: "APPI Art. 35",
    RequestKind.SUSPENSION_OF_USE: "APPI Art. 35",
    RequestKind.SUSPENSION_OF_PROVISION: "APPI Art. 35",
}


def _listing(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(names) if names else "none"


def _opening(policy: Policy, request: Request) -> str:
    received = policy.local_date(request.received_at)
    return (
        f"Re: your request for {KIND_TITLES[request.kind]} "
        f"(request {request.id}), received on {received.isoformat()} "
        f"({_ARTICLE[request.kind]})."
    )


def _closing(policy: Policy, request: Request) -> str:
    """Who signs, and where to ask: the window of the service the request is about (004
    L29 "the inquiry window of each service"), else the policy's request window."""
    service = policy.services.get(str(request.details.get("service", "")))
    window = text_in(service, "window", LANG) if service is not None else ""
    contact = (
        window
        or text_in(policy.requests, "window", LANG)
        or text_in(policy.controller, "contact", LANG)
    )
    tail = f" Inquiries: {contact}." if contact else ""
    name = text_in(policy.controller, "name", LANG)
    return f"{name}{'' if name.endswith('.') else '.'}{tail}"


def _fee(request: Request) -> str | None:
    if request.fee:
        return f"The fee for this request is {request.fee:,} yen (APPI Art. 38)."
    return None


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


def _parts(parts: Iterable[Withheld], labels: Mapping[str, str]) -> str:
    items = sorted(w.item for w in parts if w.item is not None)
    records = sorted(w.record_id for w in parts if w.record_id is not None)
    named = []
    if items:
        named.append(f"item(s) {', '.join(items)}")
    if records:
        named.append(f"record(s) of provision {'; '.join(labels.get(r, r) for r in records)}")
    return "; ".join(named)


def withheld_text(
    kind: RequestKind, withheld: Iterable[Withheld], labels: Mapping[str, str] | None = None
) -> list[str]:
    """One paragraph per ground withheld on: what, why, the article, the explanation
    (Art. 33(2) "all or a part", Art. 36). ``labels`` describes records by id."""
    out = []
    for (ground, article, explanation), parts in withheld_groups(withheld):
        out.append(
            f"We do not disclose the following, because {ground_text(kind, ground)} "
            f"(ground: {ground.value}; {article}): {_parts(parts, labels or {})}. "
            f"Explanation: {explanation}"
        )
    return out


def refusal_statement(
    policy: Policy,
    request: Request,
    ground: RefusalGround,
    explanation: str,
    *,
    withheld: Iterable[Withheld] = (),
    labels: Mapping[str, str] | None = None,
) -> str:
    """We cannot respond, why (the ground and the article it cites for the request's kind),
    and the business's explanation (Art. 36); for an alternative measure (Art. 35(2), (4),
    (6)) the explanation is the measure taken. ``withheld`` names what a disclosure
    withheld in full covers (no values), with the other grounds it was withheld on."""
    label = (
        "Alternative measure taken"
        if ground is RefusalGround.ALTERNATIVE_MEASURE
        else "Explanation"
    )
    article = ground_article(request.kind, ground)
    cited = f"ground: {ground.value}" + (f"; {article}" if article else "")
    covers: list[str] = []
    groups = withheld_groups(withheld)
    if groups:
        (_, primary), *others = groups
        covers.append(f"We withhold on this ground: {_parts(primary, labels or {})}.")
        covers += withheld_text(request.kind, [w for _, ws in others for w in ws], labels)
    return _join(
        _opening(policy, request),
        f"We cannot respond to your request because {ground_text(request.kind, ground)} ({cited}).",
        f"{label}: {explanation.strip()}",
        *covers,
        _closing(policy, request),
    )


def withdrawal_statement(policy: Policy, request: Request, at: datetime) -> str:
    return _join(
        _opening(policy, request),
        f"Your request was withdrawn on {policy.local_date(at).isoformat()}; we have closed it "
        "without further action.",
        _closing(policy, request),
    )


def fulfilment_statement(
    policy: Policy,
    request: Request,
    body: Iterable[str],
    *,
    retained: Mapping[str, str] | None = None,
    not_held: Iterable[str] = (),
    findings: str | None = None,
    withheld: Iterable[Withheld] = (),
    labels: Mapping[str, str] | None = None,
) -> str:
    """A fulfilment (or a partial one: items kept under a legal duty, items not held,
    parts withheld on a ground of Art. 33(2), named with ground, article and explanation
    as Art. 36 requires). ``findings`` is what was checked and what the business found."""
    kept = None
    if retained:
        lines = "; ".join(f"{item} ({why})" for item, why in sorted(retained.items()))
        kept = (
            "We keep the following items because laws and regulations oblige us to "
            f"(ground: {RefusalGround.LEGAL_RETENTION.value}): {lines}. They are kept only "
            "to meet that duty and are not otherwise used."
        )
    missing = sorted(not_held)
    absent = (
        "We do not retain the following items you named "
        f"(ground: {RefusalGround.NOT_RETAINED.value}): {_listing(missing)}."
        if missing
        else None
    )
    return _join(
        _opening(policy, request),
        *body,
        *withheld_text(request.kind, withheld, labels),
        findings,
        kept,
        absent,
        _fee(request),
        _closing(policy, request),
    )
