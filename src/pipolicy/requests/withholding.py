"""Withholding part of a disclosure (APPI Art. 33(2) "all or a part", 33(5), 36; R-REQ-4),
or declining part of a correction (Art. 34(1), (3), 36).

The business names the items or provision records it withholds, on a ground of
Art. 33(2)(i)-(iii) with an explanation (:func:`withhold`); they are kept with the request
as names and ids, never values, and read back by fulfilment through :func:`withheld`.
When everything the answer would disclose is withheld, :func:`withhold_all` turns it into
a refusal naming what it covers. A correction is granted in part the same way: the
items the business found true as held are named on ``contents_accurate`` (Art. 34(1))
with the explanation, and the answer says it did not correct them (Art. 34(3), 36). Kept
apart from fulfilment so the rules of partial answers sit in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pipolicy.domain.checks import member, names, written_reason
from pipolicy.domain.requests import (
    RefusalGround,
    Request,
    RequestKind,
    RequestState,
    ground_article,
    grounds_for,
)
from pipolicy.errors import InvalidInput
from pipolicy.requests.answering import answered_details, build
from pipolicy.requests.answers import Answer, Withheld
from pipolicy.requests.disclosure import disclosed_receipts
from pipolicy.requests.lifecycle import advance, note
from pipolicy.requests.refusal import require_contents_held, source_items
from pipolicy.requests.statements import RecordLabel, refusal_statement, withheld_groups
from pipolicy.requests.workflow import Workflow, require_verified
from pipolicy.storage.repositories import UnitOfWork

K = RequestKind
G = RefusalGround

WITHHOLDING_GROUNDS = frozenset({G.HARM_TO_PERSON, G.BUSINESS_HINDRANCE, G.VIOLATION_OF_LAW})
"""The only substantive grounds for withholding a disclosure of data or of provision
records (Art. 33(2)(i)-(iii), 33(5)), besides ``not_retained``."""

WITHHOLDING_KINDS = frozenset({K.DISCLOSURE, K.PROVISION_RECORDS, K.CORRECTION})
"""Requests that can be withheld (a correction: declined) in part."""

_PARTIAL_GROUNDS = {
    K.DISCLOSURE: WITHHOLDING_GROUNDS,
    K.PROVISION_RECORDS: WITHHOLDING_GROUNDS,
    K.CORRECTION: frozenset({G.CONTENTS_ACCURATE}),
}
"""The grounds each kind may be withheld in part on: Art. 33(2)(i)-(iii) for a
disclosure; for a correction, that the contents are true (Art. 34(1)). A correction's
other ground, ``beyond_purposes`` (Art. 34(2)), fulfilment finds itself."""


def asked_items(r: Request) -> frozenset[str] | None:
    """The items a correction asked to change, as given at submit; ``None`` when its
    values are to be given at ``fulfil``."""
    stored = r.details.get("changes")
    return frozenset(str(k) for k in stored) if isinstance(stored, Mapping) else None


def withheld(r: Request) -> list[Withheld]:
    """The parts of a disclosure the business withheld, as kept in the request's details."""
    recorded = r.details.get("withheld")
    entries = recorded if isinstance(recorded, list) else []
    return [Withheld.from_dict(x) for x in entries if isinstance(x, Mapping)]


def withhold(
    wf: Workflow,
    request_id: str,
    *,
    items: Iterable[str] = (),
    records: Iterable[str] = (),
    ground: RefusalGround | str,
    explanation: str,
) -> Request:
    """The step :meth:`RequestService.withhold`."""
    g = member(RefusalGround, ground, "refusal ground")
    why = written_reason(explanation, "explanation")
    item_names = names(items, "items", required=False)
    record_ids = names(records, "records", required=False)
    if not item_names and not record_ids:
        raise InvalidInput("name what to withhold: items={item names} and/or records={record ids}")
    port = wf.port
    # What the sources hold, read before the unit (sources live outside any transaction):
    # an item declined as "true as held" must be held (Art. 34(1)).
    in_sources = (
        source_items(wf, request_id, g)[0]
        if g is G.CONTENTS_ACCURATE and item_names and wf.sources
        else frozenset[str]()
    )

    def op(uow: UnitOfWork) -> Request:
        r = wf.load(uow, request_id)
        if r.kind not in WITHHOLDING_KINDS:
            raise InvalidInput(
                f"only a disclosure or a provision records request can be withheld in part "
                f"(APPI Art. 33(2), (5)), and a correction declined in part (Art. 34(1)), "
                f"not a {r.kind.value} request"
            )
        require_verified(r, "withheld from")
        accepted = grounds_for(r.kind) & _PARTIAL_GROUNDS[r.kind]
        if g not in accepted:
            allowed = ", ".join(sorted(x.value for x in accepted))
            cites = "APPI Art. 34(1)" if r.kind is K.CORRECTION else "APPI Art. 33(2)"
            raise InvalidInput(
                f"a {r.kind.value} may be withheld in part only on a ground of {cites}: "
                f"{allowed}; not on {g.value}"
            )
        if r.kind is K.CORRECTION:
            if record_ids:
                raise InvalidInput("a correction changes items, not records: name items=")
            asked = asked_items(r)
            if asked is not None and item_names - asked:
                raise InvalidInput(
                    f"the person asked to correct {sorted(asked)}, not "
                    f"{sorted(item_names - asked)}: only what was asked can be declined"
                )
            wf.policy.check_items(item_names)
            require_contents_held(r, item_names, wf.read(uow, r), in_sources)
        if item_names and r.kind is K.PROVISION_RECORDS:
            raise InvalidInput(
                "a provision records request discloses records, not items: "
                "withhold records={provision record ids}"
            )
        wf.policy.check_items(item_names)
        if record_ids:
            known = {p.id: p for p in uow.provisions.for_subject(r.subject_id)}
            receipts = {
                a.id for a in disclosed_receipts(uow.acquisitions.for_subject(r.subject_id))
            }
            if record_ids & receipts and r.kind is not K.PROVISION_RECORDS:
                raise InvalidInput(
                    f"record(s) {sorted(record_ids & receipts)} are records of receipt "
                    "(APPI Art. 30), disclosed on a provision records request only"
                )
            unknown = sorted(record_ids - known.keys() - receipts)
            if unknown:
                raise InvalidInput(
                    f"no record of provision or receipt about this person has the id(s) {unknown}"
                )
            unlisted = sorted(x for x in record_ids - receipts if not known[x].required_by_law)
            if unlisted:
                raise InvalidInput(
                    f"record(s) {unlisted} are not disclosed in any case: a disclosure "
                    "lists only the records APPI Art. 29 demands, not provisions under an "
                    "exemption, entrustment, joint use or succession"
                )
        article = ground_article(r.kind, g)
        assert article is not None
        entries = {(w.item, w.record_id): w for w in withheld(r)}
        for i in sorted(item_names):
            entries[(i, None)] = Withheld(g, article, why, item=i)
        for x in sorted(record_ids):
            entries[(None, x)] = Withheld(g, article, why, record_id=x)
        kept = sorted(
            entries.values(), key=lambda w: (w.item is None, w.item or "", w.record_id or "")
        )
        what = "; ".join(
            part
            for part in (
                f"items {', '.join(sorted(item_names))}" if item_names else "",
                f"records {', '.join(sorted(record_ids))}" if record_ids else "",
            )
            if part
        )
        new = note(
            r,
            port.now(),
            "withheld",
            f"{g.value}: {what}",
            details={**r.details, "withheld": [w.to_dict() for w in kept]},
        )
        uow.requests.update(new)
        wf.audit(
            uow,
            "request.withheld",
            new,
            ground=g.value,
            article=article,
            items=sorted(item_names),
            records=sorted(record_ids),
        )
        return new

    return port.run(op)


def withhold_all(
    wf: Workflow, r: Request, applied: list[Withheld], labels: Mapping[str, RecordLabel]
) -> Answer:
    """Everything the answer would disclose is withheld: a refusal on the ground
    most of it is withheld on (Art. 33(2)), naming what it covers (Art. 36)."""
    (ground, _, explanation), _ = withheld_groups(applied)[0]
    now = wf.port.now()
    entries = [w.to_dict() for w in applied]
    new = advance(
        r,
        RequestState.REFUSED,
        now,
        "refused",
        ground.value,
        ground=ground,
        statement=refusal_statement(
            wf.words(r), wf.policy, r, ground, explanation, withheld=applied, labels=labels
        ),
        details=answered_details(r.details, withheld=entries),
    )
    payload: dict[str, object] = {
        "ground": ground.value,
        "by": "withholding",
        "items": sorted(w.item for w in applied if w.item is not None),
        "records": sorted(w.record_id for w in applied if w.record_id is not None),
    }
    return build(wf, wf.save(new, [("request.refused", payload)]))
