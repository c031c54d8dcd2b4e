"""Investigating a deletion or suspension request from pipolicy's own records (R-REQ-7).

Seed 000 promises to "swiftly conduct an investigation of the facts" when a person asks
the business to stop using their data because it was used beyond its purposes, gathered
inappropriately, or given to a third party without permission. Art. 35 grants suspension
or erasure on those grounds, and when the data is no longer needed. pipolicy holds the
evidence: the acquisitions, consents and provision records, and the audit log of every
decision. This module reads them and reports what they show, so the business can decide.

What the records can show, and what they cannot:

* A **ground** is handling that took place, as recorded, without the basis it needed: an
  acquisition recorded with no declared purpose or without the permission its purpose or
  special care-required items need; a provision record whose consent was not in force
  then, is someone else's, or does not cover the items; a use recorded as resting on a
  consent that was not in force then; data kept past every purpose's retention period
  (exactly what the retention report lists, with what a legal duty keeps found apart),
  or held only for purposes the policy no longer declares. When pipolicy made every
  decision itself these arise only from records made outside it (an import from an
  older system) or corrected afterwards, from the passage of time, or from a change of
  policy: pipolicy never allows what its rules refuse.
* An **attempt** (``denied=True``) is handling pipolicy refused at the time. It is listed
  as evidence that it was tried, but it is no ground: the handling did not take place
  through pipolicy. Whether the application went ahead regardless, the record cannot
  show; the business should check.
* What no record shows: a leak the business must report (Art. 26), handling likely to
  harm the person's rights or legitimate interests, use by improper methods (Art. 19),
  data the business has stopped needing. The business records such a ground itself
  (``engine.requests.record_ground``); it is kept as a :class:`RecordedGround` and
  counts towards ``supports``.
* A use or provision under a legal exemption was claimed with a justification, which
  the record keeps; whether the exemption truly applied is for the business to judge,
  and is not reported. Handling never reported to pipolicy leaves no record at all.

Pure: no I/O.

Why one module of this length (about 700 lines): the findings' types and the three
walks that make them (the audit log, acquisitions, provision records) read best beside
:func:`investigate_records`, which joins them. The split to make when it grows: the
acquisitions' walk (``_acquisitions`` and the helpers below it, retention included)
into a module of its own.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

import attrs

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.audit import AuditEvent
from pipolicy.domain.consents import Consent, ConsentStatus
from pipolicy.domain.decisions import Basis
from pipolicy.domain.facts import SubjectFacts, noes_to
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import Art35Ground, RequestKind
from pipolicy.policy.model import ConsentRule, Controller, Policy
from pipolicy.publishing.templates import TemplateDirs
from pipolicy.requests.wording import wording
from pipolicy.retention import past_retention, purposes_ended
from pipolicy.rules.common import ART_31, ART_35, refused_under_art_27_1

__all__ = [
    "SUPPORTS",
    "Finding",
    "FindingKind",
    "Investigation",
    "RecordedGround",
    "investigate_records",
]


class FindingKind(str, enum.Enum):
    USE_BEYOND_PURPOSE = "use_beyond_purpose"
    """Art. 18(1): use outside the notified purposes without the person's consent (R-USE-4)."""
    USE_WITHOUT_CONSENT = "use_without_consent"
    """Use within the notified purposes that needed the person's permission (R-USE-7), or
    resting on a consent, without one in force: never given, or already withdrawn."""
    IMPROPER_ACQUISITION = "improper_acquisition"
    """Arts. 17, 20, 21: acquired without a notified purpose or a required consent."""
    PROVISION_WITHOUT_BASIS = "provision_without_basis"
    """Art. 27: given to a third party without consent or another legal basis."""
    NO_LONGER_NEEDED = "no_longer_needed"
    """Art. 35(5): every purpose the data was acquired for has outlived its retention, or
    is no longer declared by the policy. Data past retention that a legal duty keeps is
    found so too (note ``kept_for_law``): no longer needed for its purposes, kept, not
    deleted, on a deletion request."""

    def __str__(self) -> str:
        return self.value


_USE = frozenset(
    {
        FindingKind.USE_BEYOND_PURPOSE,
        FindingKind.USE_WITHOUT_CONSENT,
        FindingKind.IMPROPER_ACQUISITION,
        FindingKind.PROVISION_WITHOUT_BASIS,
        FindingKind.NO_LONGER_NEEDED,
    }
)

SUPPORTS: Mapping[RequestKind, frozenset[FindingKind]] = {
    RequestKind.DELETION: _USE,
    RequestKind.SUSPENSION_OF_USE: _USE,
    RequestKind.SUSPENSION_OF_PROVISION: frozenset(
        {FindingKind.PROVISION_WITHOUT_BASIS, FindingKind.NO_LONGER_NEEDED}
    ),
}
"""Which findings bear on which request (Art. 35(1), (3), (5)). A use without a consent
the purpose needs is counted against use: the person was told the data would not be used
so without their permission (R-USE-7 is the business's own, stricter, promise).

A provision without basis founds a deletion or a suspension of use too, beyond what
Art. 35(1) asks (it cites Arts. 18-20, not Art. 27): R-REQ-7 grants both when the data
was "provided without consent", and seed 000 §3 promises to terminate usage when the
company "disclosed the user's personal information to a third party, without
permission". The business's own promise binds it."""


@attrs.frozen
class Finding:
    """One thing the records show. ``evidence`` points at it (``audit:12``,
    ``acquisition:<id>``, ``provision:<id>``). ``denied`` marks an attempt pipolicy
    refused at the time: evidence of the attempt, never a ground.

    ``note`` names what was found and ``facts`` holds its particulars (purpose, recipient
    and policy names, dates as ISO strings, all JSON-ready); ``<lang>/request_texts.j2``
    words them, for the business (:attr:`summary`, in English) and for the person's
    letter (in the request's language).
    """

    kind: FindingKind
    at: datetime
    rule: str
    evidence: str
    note: str
    items: frozenset[str] = frozenset()
    denied: bool = False
    facts: Mapping[str, object] = attrs.field(factory=dict)

    @property
    def summary(self) -> str:
        """What was found, in English (the words of ``en/request_texts.j2``)."""
        return wording("en")("finding", note=self.note, facts=dict(self.facts), titles={})

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "at": self.at.isoformat(),
            "rule": self.rule,
            "evidence": self.evidence,
            "summary": self.summary,
            "note": self.note,
            "facts": dict(self.facts),
            "items": sorted(self.items),
            "denied": self.denied,
        }


@attrs.frozen
class RecordedGround:
    """A ground of Art. 35 the business found itself (R-REQ-7): what pipolicy's records
    cannot show. ``article`` is the one it cites for the request's kind, ``explanation``
    the business's own words, given to the person."""

    ground: Art35Ground
    article: str
    explanation: str
    at: datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "ground": self.ground.value,
            "article": self.article,
            "explanation": self.explanation,
            "at": self.at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RecordedGround:
        return cls(
            Art35Ground(str(data["ground"])),
            str(data["article"]),
            str(data["explanation"]),
            datetime.fromisoformat(str(data["at"])),
        )


@attrs.frozen
class Investigation:
    """What the records show for one request.

    ``relevant`` are the findings that bear on its kind and items, attempts included;
    ``grounds`` those that are grounds of Art. 35 (handling that took place);
    ``recorded`` the grounds the business recorded itself (which no record shows: a
    leak, harm to the person's rights or interests, improper use); ``supports`` says
    whether there is a ground of either sort.
    """

    request_id: str
    kind: RequestKind
    subject_id: str
    at: datetime
    findings: tuple[Finding, ...]
    scope: frozenset[str] = frozenset()
    recorded: tuple[RecordedGround, ...] = ()

    @property
    def relevant(self) -> tuple[Finding, ...]:
        kinds = SUPPORTS.get(self.kind, frozenset())
        return tuple(
            f
            for f in self.findings
            if f.kind in kinds and (not self.scope or not f.items or f.items & self.scope)
        )

    @property
    def grounds(self) -> tuple[Finding, ...]:
        """Relevant findings of handling that took place; refused attempts are not grounds."""
        return tuple(f for f in self.relevant if not f.denied)

    @property
    def supports(self) -> bool:
        """Is there a ground of Art. 35 for this request: one the records show, or one
        the business recorded?"""
        return bool(self.grounds) or bool(self.recorded)

    def summary(
        self,
        lang: str = "en",
        templates: TemplateDirs | str | None = None,
        controller: Controller | None = None,
    ) -> str:
        """One paragraph for the person's letter, in ``lang``: what was checked and what
        it showed (counts by kind, never details), then the grounds the business found
        itself. ``templates`` are directories whose ``<lang>/request_texts.j2`` words it.

        It never says that no ground exists: the records cannot show every ground of
        Art. 35, and deciding is the business's part.
        """
        grounds = self.grounds
        counts: dict[str, int] = {}
        for f in grounds:
            counts[f.kind.value] = counts.get(f.kind.value, 0) + 1
        return wording(lang, templates, controller=controller)(
            "investigation",
            grounds=[{"kind": k, "count": n} for k, n in counts.items()],
            attempts=len(self.relevant) - len(grounds),
            recorded=[
                {"ground": g.ground.value, "article": g.article, "explanation": g.explanation}
                for g in self.recorded
            ],
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "request_id": self.request_id,
            "kind": self.kind.value,
            "at": self.at.isoformat(),
            "supports": self.supports,
            "findings": [f.to_dict() for f in self.findings],
            "relevant": [f.evidence for f in self.relevant],
            "grounds": [f.evidence for f in self.grounds],
            "recorded": [g.to_dict() for g in self.recorded],
        }


def _lapsed(consents: Iterable[Consent], purpose: object, at: datetime) -> bool:
    """Had the person consented to ``purpose`` before ``at``, and had that ended by then?"""
    return any(
        c.scope.purpose == purpose
        and c.scope.recipient is None
        and c.status is not ConsentStatus.REFUSED
        and c.given_at <= at
        and not c.active_at(at)
        for c in consents
    )


def _strs(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _tagged(payload: Mapping[str, object], *rules: str) -> bool:
    """Does a recorded decision rest on one of ``rules``?

    Decisions record their rule ids (``Decision.rules``); events written before they
    did are read from the reasons' text, where the rules write ``(R-USE-7)``.
    """
    if "rules" in payload:
        return bool(set(_strs(payload.get("rules"))) & set(rules))
    reasons = _strs(payload.get("reasons"))
    return any(f"({rule})" in reason for reason in reasons for rule in rules)


def _denied_use(
    e: AuditEvent, consents: Iterable[Consent], items: frozenset[str]
) -> Finding | None:
    """A refused use, classified by why it was refused; ``None`` if no ground kind fits
    (an actor not authorised, items never acquired, an exemption the policy lacks)."""
    p = e.payload
    purpose = p.get("purpose")
    cites = set(_strs(p.get("citations")))
    where = f"audit:{e.seq}"
    if _tagged(p, "R-USE-7"):
        return Finding(
            FindingKind.USE_WITHOUT_CONSENT,
            e.at,
            "R-USE-7",
            where,
            "use_needs_permission",
            items,
            denied=True,
            facts={"purpose": purpose},
        )
    if _lapsed(consents, purpose, e.at):
        return Finding(
            FindingKind.USE_WITHOUT_CONSENT,
            e.at,
            "R-CON-2",
            where,
            "use_after_consent_ended",
            items,
            denied=True,
            facts={"purpose": purpose},
        )
    # A linkage refused (R-PRI-1) is a use beyond what was notified; logs written before
    # that denial cited Arts. 17 and 21 cited Art. 31 instead.
    if _tagged(p, "R-USE-4", "R-ACQ-2", "R-PRI-1") or ART_31 in cites:
        return Finding(
            FindingKind.USE_BEYOND_PURPOSE,
            e.at,
            "R-USE-4",
            where,
            "use_beyond_purpose",
            items,
            denied=True,
            facts={"purpose": purpose},
        )
    return None


def _allowed_use(
    e: AuditEvent, facts: SubjectFacts, consents: Mapping[str, Consent], items: frozenset[str]
) -> Finding | None:
    """A use recorded as resting on a consent that, by the consent records, was not in
    force for that purpose and those items when it was made.

    Which rule it broke depends on why it needed consent: items acquired for that purpose
    needed it only because the purpose asks permission first (R-USE-7); other items,
    because the use went beyond the notified purposes (R-USE-4).
    """
    p = e.payload
    if p.get("basis") != Basis.CONSENT.value:
        return None
    purpose = p.get("purpose")
    notified = frozenset().union(
        *(a.items for a in facts.acquisitions if purpose in a.purposes and a.acquired_at <= e.at)
    )
    # A purpose that asks permission first (R-USE-7) needs it for every item; otherwise
    # only the items the purpose was not notified for rest on the consent (Art. 18(1)).
    needed = items if _tagged(p, "R-USE-7") else items - notified
    more = p.get("more_consent_ids")
    named = [p.get("consent_id"), *(more if isinstance(more, list) else ())]
    found = [consents.get(str(cid or "")) for cid in named]
    problem = _consents_problem(found, e.at, needed, purpose=purpose)
    if problem is None:
        return None
    if items and items <= notified:
        kind, rule = FindingKind.USE_WITHOUT_CONSENT, "R-USE-7"
    else:
        kind, rule = FindingKind.USE_BEYOND_PURPOSE, "R-USE-4"
    return Finding(
        kind,
        e.at,
        rule,
        f"audit:{e.seq}",
        "use_without_valid_consent",
        items,
        facts={"purpose": purpose, "problem": problem},
    )


def _from_audit(
    facts: SubjectFacts, events: Iterable[AuditEvent]
) -> tuple[list[Finding], dict[str, str]]:
    """Uses without their basis, refused attempts, and the basis each acquisition was
    recorded with (for acquisitions pipolicy recorded itself)."""
    consents = {c.id: c for c in facts.consents}
    findings: list[Finding] = []
    acquisition_basis: dict[str, str] = {}
    for e in events:
        p = e.payload
        cites = set(_strs(p.get("citations")))
        items = frozenset(_strs(p.get("items")))
        where = f"audit:{e.seq}"
        found: Finding | None = None
        if e.kind == "acquisition.recorded" and p.get("acquisition_id"):
            acquisition_basis[str(p["acquisition_id"])] = str(p.get("basis"))
        elif e.kind == "use.allowed":
            found = _allowed_use(e, facts, consents, items)
        elif ART_35 in cites:
            pass  # refused because of an earlier request: expected, not a finding
        elif e.kind == "use.denied":
            found = _denied_use(e, facts.consents, items)
        elif e.kind == "acquisition.denied":
            found = Finding(
                FindingKind.IMPROPER_ACQUISITION,
                e.at,
                "R-ACQ-1",
                where,
                "acquisition_refused",
                items,
                denied=True,
                facts={"purpose": p.get("purpose")},
            )
        elif e.kind == "provision.denied" and refused_under_art_27_1(cites):
            found = Finding(
                FindingKind.PROVISION_WITHOUT_BASIS,
                e.at,
                "R-TPP-1",
                where,
                "provision_refused",
                items,
                denied=True,
                facts={"recipient": p.get("recipient")},
            )
        if found is not None:
            findings.append(found)
    return findings, acquisition_basis


def _acquisitions(
    policy: Policy, facts: SubjectFacts, basis: Mapping[str, str], now: datetime
) -> list[Finding]:
    """Acquisitions without their basis, and data no longer needed.

    ``basis`` holds the acquisitions pipolicy recorded itself: it checked those against
    the policy of their day, so a purpose the policy has dropped since, or a consent rule
    it has added since, shows that the data is no longer needed, or nothing, rather than
    an improper acquisition. Acquisitions recorded elsewhere (imports) are checked
    against the current policy.

    Whether data is past its retention is what the retention report says of the same
    acquisition at the same instant (:func:`~pipolicy.retention.past_retention`, on
    :mod:`pipolicy.rules.retention`, which the checks share): the person is never told
    their data is still needed while every check denies its use, nor the reverse. So
    items a deletion took are not found (they are gone), items another acquisition still
    needs are not either, items a legal duty keeps (on a purpose or on the item) are
    found apart, and each finding is dated when the report says the data fell due
    (:func:`_past_retention`), for dropped purposes too.
    """
    findings: list[Finding] = []
    for acq in facts.acquisitions:
        where = f"acquisition:{acq.id}"
        recorded = acq.id in basis
        undeclared = sorted(p for p in acq.purposes if p not in policy.purposes)
        if not acq.purposes or (undeclared and not recorded):
            findings.append(
                Finding(
                    FindingKind.IMPROPER_ACQUISITION,
                    acq.acquired_at,
                    "R-USE-1",
                    where,
                    "acquired_without_purpose",
                    acq.items,
                    facts={"undeclared": undeclared},
                )
            )
            if len(undeclared) == len(acq.purposes):
                continue  # for no declared purpose: the improper acquisition says it all
        elif len(undeclared) < len(acq.purposes) and _judged_now(policy, acq, basis):
            findings += _without_consent(policy, facts, acq)
        # For purposes the policy has all dropped since pipolicy recorded it, the data is
        # kept for nothing: past retention as the report says (R-USE-2, purposes_dropped).
        findings += _past_retention(policy, facts, acq, now)
    return findings


def _judged_now(policy: Policy, acq: Acquisition, basis: Mapping[str, str]) -> bool:
    """Do the current policy's consent rules judge ``acq``? Those of an import, or of one
    pipolicy recorded under this very version; not one recorded under an exemption,
    which needs no consent."""
    recorded = basis.get(acq.id)
    same_rules = recorded is None or acq.policy_version == policy.version
    return same_rules and recorded != Basis.EXEMPTION.value


def _without_consent(policy: Policy, facts: SubjectFacts, acq: Acquisition) -> list[Finding]:
    """What ``acq`` collected without the consent its purposes or its special care-required
    items needed first, judged by the current policy."""
    where = f"acquisition:{acq.id}"
    findings: list[Finding] = []
    consented = {
        c.scope.purpose
        for c in facts.consents
        if c.scope.purpose in acq.purposes and c.active_at(acq.acquired_at)
    }
    for p in (policy.purposes[n] for n in sorted(acq.purposes) if n in policy.purposes):
        if p.consent is ConsentRule.AT_COLLECTION and p.name not in consented:
            findings.append(
                Finding(
                    FindingKind.IMPROPER_ACQUISITION,
                    acq.acquired_at,
                    "R-USE-7",
                    where,
                    "collected_without_permission",
                    acq.items,
                    facts={"purpose": p.name},
                )
            )
    special = frozenset(i for i in acq.items if i in policy.items and policy.items[i].special_care)
    if special and not consented:
        findings.append(
            Finding(
                FindingKind.IMPROPER_ACQUISITION,
                acq.acquired_at,
                "R-ACQ-3",
                where,
                "special_care_without_consent",
                special,
            )
        )
    return findings


def _past_retention(
    policy: Policy, facts: SubjectFacts, acq: Acquisition, now: datetime
) -> list[Finding]:
    """``acq``'s items past retention at ``now``, as the retention report lists them and
    dated as it dates them (its ``due_since``): those due for deletion
    (``purposes_dropped`` when the policy no longer declares any of its purposes,
    R-USE-2; ``purposes_ended`` when each purpose had a last day and no period; else
    ``retention_ended``), then those a legal duty keeps (``kept_for_law``, one finding
    per day the duty ends, ``None`` for a duty without end), a duty on the item included.

    Data kept for the law is no longer needed for the purposes it was collected for, so a
    suspension of use stands on it (Art. 35(5)), but a deletion keeps it, suspended
    (R-REQ-7 ``legal_retention``, the provisos of Art. 35(2) and (6)): the person is told
    it is kept, and why, rather than that it is due for deletion."""
    entry = past_retention(policy, facts, acq, now)
    if entry is None:
        return []
    where = f"acquisition:{acq.id}"
    purposes = [policy.purposes[p] for p in sorted(acq.purposes) if p in policy.purposes]
    # A purpose with a last day and no period of its own needs its data until that day
    # only (Policy.retention_due): the person is told the day, not the instant after it.
    ended = purposes_ended(policy, acq)
    last_day = max((p.ends for p in purposes if p.ends is not None), default=None)
    since = policy.local_date(entry.due_since)
    # A period runs out at the end of its last day (Civil Code Art. 141): the person is
    # told that day, not the day its midnight falls on.
    expired = _last_day(policy, entry.due_since)
    # Kept for no purpose the policy still declares (R-USE-2): the person is told so.
    dropped = [] if purposes else sorted(acq.purposes)
    findings: list[Finding] = []
    if entry.items and dropped:
        findings.append(
            Finding(
                FindingKind.NO_LONGER_NEEDED,
                entry.due_since,
                "R-USE-2",
                where,
                "purposes_dropped",
                entry.items,
                facts={"policy_version": acq.policy_version, "undeclared": dropped},
            )
        )
    elif entry.items:
        findings.append(
            Finding(
                FindingKind.NO_LONGER_NEEDED,
                entry.due_since,
                "R-ACC-1",
                where,
                "purposes_ended" if ended else "retention_ended",
                entry.items,
                facts={
                    "purposes": sorted(acq.purposes),
                    "ended": (last_day if ended and last_day else expired).isoformat(),
                },
            )
        )
    until: dict[str | None, set[str]] = {}
    for item in entry.legal_hold:
        end = policy.duty_end(item, acq.purposes, acq.acquired_at)
        until.setdefault(None if end is None else _last_day(policy, end).isoformat(), set()).add(
            item
        )
    for day, items in sorted(until.items(), key=lambda u: (u[0] is None, u[0] or "")):
        findings.append(
            Finding(
                FindingKind.NO_LONGER_NEEDED,
                entry.due_since,
                "R-ACC-1",
                where,
                "kept_for_law",
                frozenset(items),
                facts={
                    "purposes": sorted(acq.purposes),
                    "since": since.isoformat(),
                    "until": day,
                    "undeclared": dropped,
                },
            )
        )
    return findings


def _last_day(policy: Policy, end: datetime) -> date:
    """The last day of a period that runs out at the instant ``end``."""
    return policy.local_date(end - timedelta(microseconds=1))


def _consents_problem(
    named: list[Consent | None],
    at: datetime,
    items: frozenset[str],
    *,
    purpose: object = None,
    recipient: str | None = None,
) -> str | None:
    """What is wrong with the consents a use (to ``purpose``) or a provision (to
    ``recipient``) was recorded as resting on: none named or found, or one about
    something else; one not in force at ``at``; or together they do not cover
    ``items``. None if nothing. Several may cover the items between them, each some
    (Arts. 18(1) and 27(1) ask consent item by item)."""

    def about(c: Consent) -> bool:
        if recipient is not None:
            return c.scope.recipient == recipient
        return c.scope.recipient is None and c.scope.purpose == purpose

    if not named or any(c is None or not about(c) for c in named):
        return "no_consent"
    found = [c for c in named if c is not None]
    if not all(c.active_at(at) for c in found):
        return "consent_not_in_force"
    if not any(c.scope.covers_items(items) for c in found) and not items <= frozenset().union(
        *(c.scope.items for c in found)
    ):
        return "items_not_covered"
    return None


def _provisions(facts: SubjectFacts, records: Iterable[ProvisionRecord]) -> list[Finding]:
    consents = {c.id: c for c in facts.consents}
    findings: list[Finding] = []
    for rec in records:
        where = f"provision:{rec.id}"
        problem = None
        if rec.basis is Basis.CONSENT:
            found = [consents.get(cid) for cid in rec.consent_ids]
            problem = _consents_problem(found, rec.provided_at, rec.items, recipient=rec.recipient)
        elif rec.basis is Basis.EXEMPTION and not (rec.justification or "").strip():
            problem = "no_justification"
        elif rec.basis is Basis.OPT_OUT and _said_no_before(facts, rec):
            problem = "declined"
        if problem is not None:
            findings.append(
                Finding(
                    FindingKind.PROVISION_WITHOUT_BASIS,
                    rec.provided_at,
                    "R-TPP-8" if problem == "declined" else "R-TPP-1",
                    where,
                    "provision_without_valid_basis",
                    rec.items,
                    facts={"recipient": rec.recipient, "problem": problem},
                )
            )
    return findings


def _said_no_before(facts: SubjectFacts, rec: ProvisionRecord) -> bool:
    """Had the person refused or withdrawn consent to provision to the record's recipient
    by the time of this opt-out provision? It then had no basis (Art. 27(2), R-TPP-8)."""
    return any(c.said_no_at <= rec.provided_at for c in noes_to(facts.consents, rec.recipient))


def investigate_records(
    policy: Policy,
    facts: SubjectFacts,
    provisions: Iterable[ProvisionRecord],
    events: Iterable[AuditEvent],
    now: datetime,
) -> list[Finding]:
    """Every finding the records of one subject show, oldest first, attempts included.

    ``events`` are the audit events about the subject.
    """
    from_audit, basis = _from_audit(facts, events)
    findings = (
        from_audit + _acquisitions(policy, facts, basis, now) + _provisions(facts, provisions)
    )
    return sorted(findings, key=lambda f: (f.at, f.evidence))
