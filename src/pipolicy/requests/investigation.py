"""Investigating a deletion or suspension request from pipolicy's own records (R-REQ-7).

Seed 000 promises to "swiftly conduct an investigation of the facts" when a person asks
the business to stop using their data because it was used beyond its purposes, gathered
inappropriately, or given to a third party without permission. Art. 35 grants suspension
or erasure on those grounds, and when the data is no longer needed. pipolicy holds the
evidence: the acquisitions, consents and provision records, and the audit log of every
decision. This module reads them and reports what they show, so the business can decide.

A finding marked ``denied`` is an attempt that pipolicy refused at the time: the
record proves the attempt, not that the application went ahead anyway, which the
business should check. Pure: no I/O.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

import attrs

from pipolicy.domain.audit import AuditEvent
from pipolicy.domain.consents import Consent, ConsentStatus
from pipolicy.domain.decisions import Basis
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import RequestKind
from pipolicy.policy.model import ConsentRule, Policy
from pipolicy.storage.repositories import SubjectFacts

__all__ = ["SUPPORTS", "Finding", "FindingKind", "Investigation", "investigate_records"]

ART_18_1 = "APPI Art. 18(1)"
ART_31 = "APPI Art. 31"
ART_35 = "APPI Art. 35"
ART_27_1 = "APPI Art. 27(1)"


class FindingKind(str, enum.Enum):
    USE_BEYOND_PURPOSE = "use_beyond_purpose"
    """Art. 18: use outside the notified purposes without consent (R-USE-4)."""
    IMPROPER_ACQUISITION = "improper_acquisition"
    """Arts. 17, 20, 21: acquired without a notified purpose or a required consent."""
    PROVISION_WITHOUT_BASIS = "provision_without_basis"
    """Art. 27: given to a third party without consent or another legal basis."""
    NO_LONGER_NEEDED = "no_longer_needed"
    """Art. 35(5): every purpose the data was acquired for has outlived its retention."""

    def __str__(self) -> str:
        return self.value


SUPPORTS: Mapping[RequestKind, frozenset[FindingKind]] = {
    RequestKind.DELETION: frozenset(
        {
            FindingKind.USE_BEYOND_PURPOSE,
            FindingKind.IMPROPER_ACQUISITION,
            FindingKind.NO_LONGER_NEEDED,
        }
    ),
    RequestKind.SUSPENSION_OF_USE: frozenset(
        {
            FindingKind.USE_BEYOND_PURPOSE,
            FindingKind.IMPROPER_ACQUISITION,
            FindingKind.NO_LONGER_NEEDED,
        }
    ),
    RequestKind.SUSPENSION_OF_PROVISION: frozenset(
        {FindingKind.PROVISION_WITHOUT_BASIS, FindingKind.NO_LONGER_NEEDED}
    ),
}
"""Which findings are grounds for which request (Art. 35(1), (3), (5))."""


@attrs.frozen
class Finding:
    """One thing the records show. ``evidence`` points at it (``audit:12``,
    ``acquisition:<id>``, ``provision:<id>``)."""

    kind: FindingKind
    at: datetime
    rule: str
    evidence: str
    summary: str
    items: frozenset[str] = frozenset()
    denied: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind.value,
            "at": self.at.isoformat(),
            "rule": self.rule,
            "evidence": self.evidence,
            "summary": self.summary,
            "items": sorted(self.items),
            "denied": self.denied,
        }


@attrs.frozen
class Investigation:
    """What the records show for one request; ``relevant`` are grounds for its kind."""

    request_id: str
    kind: RequestKind
    subject_id: str
    at: datetime
    findings: tuple[Finding, ...]
    scope: frozenset[str] = frozenset()

    @property
    def relevant(self) -> tuple[Finding, ...]:
        kinds = SUPPORTS.get(self.kind, frozenset())
        return tuple(
            f
            for f in self.findings
            if f.kind in kinds and (not self.scope or not f.items or f.items & self.scope)
        )

    @property
    def supports(self) -> bool:
        """Do the records show a ground of Art. 35 for this request?"""
        return bool(self.relevant)

    def summary(self) -> str:
        relevant = self.relevant
        if not relevant:
            return "Our records show no ground for this request under APPI Art. 35."
        counts: dict[str, int] = {}
        for f in relevant:
            counts[_TITLES[f.kind]] = counts.get(_TITLES[f.kind], 0) + 1
        listed = "; ".join(f"{title}: {n}" for title, n in counts.items())
        return f"Our investigation of our records found: {listed}."

    def to_dict(self) -> dict[str, object]:
        return {
            "request_id": self.request_id,
            "kind": self.kind.value,
            "at": self.at.isoformat(),
            "supports": self.supports,
            "findings": [f.to_dict() for f in self.findings],
            "relevant": [f.evidence for f in self.relevant],
        }


_TITLES = {
    FindingKind.USE_BEYOND_PURPOSE: "use beyond the notified purposes",
    FindingKind.IMPROPER_ACQUISITION: "acquisition without a notified purpose or required consent",
    FindingKind.PROVISION_WITHOUT_BASIS: "provision to a third party without consent or legal basis",
    FindingKind.NO_LONGER_NEEDED: "data no longer needed for its purposes",
}


def _active_at(consent: Consent, at: datetime) -> bool:
    if consent.status is ConsentStatus.REFUSED or consent.given_at > at:
        return False
    if consent.ended_at is not None and consent.ended_at <= at:
        return False
    return consent.expires_at is None or at < consent.expires_at


def _strs(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _from_audit(events: Iterable[AuditEvent]) -> tuple[list[Finding], dict[str, str]]:
    """Denied attempts, and the basis each acquisition was recorded with."""
    findings: list[Finding] = []
    acquisition_basis: dict[str, str] = {}
    for e in events:
        p = e.payload
        cites = set(_strs(p.get("citations")))
        items = frozenset(_strs(p.get("items")))
        where = f"audit:{e.seq}"
        if e.kind == "acquisition.recorded" and p.get("acquisition_id"):
            acquisition_basis[str(p["acquisition_id"])] = str(p.get("basis"))
        if ART_35 in cites:
            continue  # refused because of an earlier request: expected, not a finding
        if e.kind == "use.denied" and cites & {ART_18_1, ART_31}:
            findings.append(
                Finding(
                    FindingKind.USE_BEYOND_PURPOSE,
                    e.at,
                    "R-USE-4",
                    where,
                    f"use for purpose {p.get('purpose')!r} beyond the notified purposes "
                    "was attempted and refused",
                    items,
                    denied=True,
                )
            )
        elif e.kind == "acquisition.denied":
            findings.append(
                Finding(
                    FindingKind.IMPROPER_ACQUISITION,
                    e.at,
                    "R-ACQ-1",
                    where,
                    f"acquisition for purpose(s) {p.get('purpose')!r} was attempted and refused",
                    items,
                    denied=True,
                )
            )
        elif e.kind == "provision.denied" and ART_27_1 in cites:
            findings.append(
                Finding(
                    FindingKind.PROVISION_WITHOUT_BASIS,
                    e.at,
                    "R-TPP-1",
                    where,
                    f"provision to {p.get('recipient')!r} without consent was attempted and refused",
                    items,
                    denied=True,
                )
            )
    return findings, acquisition_basis


def _acquisitions(
    policy: Policy, facts: SubjectFacts, basis: Mapping[str, str], now: datetime
) -> list[Finding]:
    findings: list[Finding] = []
    left = facts.subject.left_at
    for acq in facts.acquisitions:
        where = f"acquisition:{acq.id}"
        undeclared = sorted(p for p in acq.purposes if p not in policy.purposes)
        if not acq.purposes or undeclared:
            findings.append(
                Finding(
                    FindingKind.IMPROPER_ACQUISITION,
                    acq.acquired_at,
                    "R-USE-1",
                    where,
                    "acquired without a purpose the policy declares"
                    + (f" (undeclared: {undeclared})" if undeclared else ""),
                    acq.items,
                )
            )
            continue
        purposes = [policy.purposes[p] for p in sorted(acq.purposes)]
        if basis.get(acq.id) != Basis.EXEMPTION.value:
            consented = {
                c.scope.purpose
                for c in facts.consents
                if c.scope.purpose in acq.purposes and _active_at(c, acq.acquired_at)
            }
            for p in purposes:
                if p.consent is ConsentRule.AT_COLLECTION and p.name not in consented:
                    findings.append(
                        Finding(
                            FindingKind.IMPROPER_ACQUISITION,
                            acq.acquired_at,
                            "R-USE-7",
                            where,
                            f"collected for purpose {p.name!r} without the permission it needs first",
                            acq.items,
                        )
                    )
            special = frozenset(
                i for i in acq.items if i in policy.items and policy.items[i].special_care
            )
            if special and not consented:
                findings.append(
                    Finding(
                        FindingKind.IMPROPER_ACQUISITION,
                        acq.acquired_at,
                        "R-ACQ-3",
                        where,
                        "special care-required items were collected without prior consent",
                        special,
                    )
                )
        periods = [policy.retention_days(p.name) for p in purposes]
        if periods and all(d is not None for d in periods):
            start = max(acq.acquired_at, left or acq.acquired_at)
            due = start + timedelta(days=max(d for d in periods if d is not None))
            if due <= now:
                findings.append(
                    Finding(
                        FindingKind.NO_LONGER_NEEDED,
                        due,
                        "R-ACC-1",
                        where,
                        f"the retention period of {sorted(acq.purposes)} ended on "
                        f"{due.date().isoformat()}",
                        acq.items,
                    )
                )
    return findings


def _provisions(facts: SubjectFacts, records: Iterable[ProvisionRecord]) -> list[Finding]:
    consents = {c.id: c for c in facts.consents}
    findings: list[Finding] = []
    for rec in records:
        where = f"provision:{rec.id}"
        problem = None
        if rec.basis is Basis.CONSENT:
            c = consents.get(rec.consent_id or "")
            if c is None or c.scope.recipient != rec.recipient:
                problem = "rests on no consent of this person to this recipient"
            elif not _active_at(c, rec.provided_at):
                problem = "was made when the consent it rests on was not in force"
            elif not c.scope.covers_items(rec.items):
                problem = "gave items the consent does not cover"
        elif rec.basis is Basis.EXEMPTION and not (rec.justification or "").strip():
            problem = "claims an exemption without a justification"
        if problem is not None:
            findings.append(
                Finding(
                    FindingKind.PROVISION_WITHOUT_BASIS,
                    rec.provided_at,
                    "R-TPP-1",
                    where,
                    f"the provision to {rec.recipient!r} {problem}",
                    rec.items,
                )
            )
    return findings


def investigate_records(
    policy: Policy,
    facts: SubjectFacts,
    provisions: Iterable[ProvisionRecord],
    events: Iterable[AuditEvent],
    now: datetime,
) -> list[Finding]:
    """Every finding the records of one subject support, oldest first.

    ``events`` are the audit events about the subject.
    """
    from_audit, basis = _from_audit(events)
    findings = (
        from_audit + _acquisitions(policy, facts, basis, now) + _provisions(facts, provisions)
    )
    return sorted(findings, key=lambda f: (f.at, f.evidence))
