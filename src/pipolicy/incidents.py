"""The incident register: leaks, losses and damage, their reports and notices (Art. 26,
R-LEAK-1). Reached as ``engine.incidents``.

The register is the audit log itself: registering an incident, each report to the PPC
and the notice to the people are audit events, so every step is in the hash chain and
under the checkpoints; the register is read back from those events. What the law asks,
and by when, is decided by :func:`pipolicy.domain.incidents.assess`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from pipolicy.clock import instant
from pipolicy.domain.checks import flag, member, names
from pipolicy.domain.incidents import Incident, IncidentKind, assess, people_digest
from pipolicy.domain.subjects import Subject
from pipolicy.errors import InvalidInput
from pipolicy.registers import Register

__all__ = ["IncidentRegister"]

STEPS = {
    "preliminary": "incident.reported",
    "final": "incident.reported",
    "notice": "incident.notified",
}


class IncidentRegister(Register):
    """Register incidents, record their reports and notice, list what is open or late."""

    what = "incident"

    def register(
        self,
        kind: IncidentKind | str,
        *,
        discovered_at: datetime,
        subjects: Iterable[Subject | str],
        items: Iterable[str],
        wrongful_act: bool = False,
        suspected: bool = False,
        as_entrustee: bool = False,
        protected: bool = False,
        exposed: bool = False,
    ) -> Incident:
        """Register a leak, loss or damage (actual, or ``suspected``), with when it was
        discovered, who (counted, never listed) and which items. ``wrongful_act``: it may
        come from unauthorised access, theft or the like. ``as_entrustee``: the business
        handles the data for another and notifies it instead of the PPC (Art. 26(1)
        proviso; PPC Rules Art. 9): the notice, recorded as the ``"preliminary"`` step, is
        due as promptly as a preliminary report and is all the business owes (no final
        report, no notice to the people); an entrustee reporting to the PPC itself
        registers without it. ``protected``: the data was kept unreadable by advanced
        encryption or a like measure, the key not taken with it; then no report or notice
        is due on any ground (PPC Rules Art. 7(i); guidelines 3-5-3-1). ``exposed``: the
        data could be viewed by anyone by electronic means (an open server or page), which
        makes Individual Numbers reportable however few (My Number Act Art. 29-4). Returns the
        incident with whether a report is due and its deadlines."""
        k = member(IncidentKind, kind, "incident kind")
        at = instant(discovered_at, "discovered_at")
        if at > self._now():
            raise InvalidInput("discovered_at is in the future")
        item_set = names(items, "items")
        self._policy.check_items(item_set)
        ids = [s.id if isinstance(s, Subject) else s for s in subjects]
        if not ids or not all(isinstance(i, str) and i for i in ids):
            raise InvalidInput("subjects: the affected people, as Subjects or their ids")
        for value, what in (
            (wrongful_act, "wrongful_act"),
            (suspected, "suspected"),
            (as_entrustee, "as_entrustee"),
            (protected, "protected"),
            (exposed, "exposed"),
        ):
            flag(value, what)
        people = len(set(ids))
        declared = [self._policy.items[i] for i in item_set]
        due, reasons, preliminary, final = assess(
            special_care=any(i.special_care for i in declared),
            financial=any(i.financial for i in declared),
            wrongful_act=wrongful_act,
            people=people,
            my_number=bool(item_set & self._policy.my_number_items),
            as_entrustee=as_entrustee,
            protected=protected,
            exposed=exposed,
            discovered_on=self._policy.local_date(at),
            preliminary_days=self._policy.incident_preliminary_days,
            day_end=self._policy.day_end,
        )
        incident = Incident(
            id=self._new_id(),
            kind=k,
            discovered_at=at,
            items=item_set,
            people=people,
            people_digest=people_digest(ids),
            suspected=suspected,
            wrongful_act=wrongful_act,
            as_entrustee=as_entrustee,
            protected=protected,
            exposed=exposed,
            report_due=due,
            reasons=reasons,
            preliminary_due=preliminary,
            final_due=final,
        )
        self._record("incident.registered", None, _payload(incident))
        return incident

    def record(self, incident_id: str, step: str, at: datetime | None = None) -> Incident:
        """Record that the ``"preliminary"`` or ``"final"`` report was made (to the PPC, or
        to the entrusting business), or that the people were given ``"notice"``. A final
        report made first serves as the preliminary one too."""
        if step not in STEPS:
            raise InvalidInput(f"step must be one of {sorted(STEPS)}")
        when = self._now() if at is None else instant(at, "at")
        incident = self.get(incident_id)
        # A step dated ahead would count as made before it is (and hide it from overdue()).
        if when > self._now():
            raise InvalidInput("at is in the future: record a step when it has been taken")
        if when < incident.discovered_at:
            raise InvalidInput("at is before the incident was discovered")
        self._record(
            STEPS[step], None, {"incident_id": incident.id, "step": step, "at": when.isoformat()}
        )
        return self.get(incident_id)

    def get(self, incident_id: str) -> Incident:
        return self._find(incident_id, self.all())

    def all(self) -> list[Incident]:
        """Every incident, as registered and with the steps recorded since, oldest first."""
        found: dict[str, Incident] = {}
        for e in self._events():
            if e.kind == "incident.registered":
                incident = _incident(e.payload)
                found[incident.id] = incident
            elif e.kind in ("incident.reported", "incident.notified"):
                known = found.get(str(e.payload.get("incident_id")))
                if known is not None:
                    at = datetime.fromisoformat(str(e.payload["at"]))
                    found[known.id] = _with(known, str(e.payload.get("step")), at)
        return list(found.values())

    def overdue(self, at: datetime | None = None) -> list[tuple[Incident, tuple[str, ...]]]:
        """Incidents with a report past its deadline at ``at`` (now), and which steps."""
        now = self._now() if at is None else instant(at, "at")
        return [(i, late) for i in self.all() if (late := i.overdue(now))]


def _with(incident: Incident, step: str, at: datetime) -> Incident:
    """``incident`` with ``step`` recorded at ``at`` (a repeated step keeps the first)."""
    if step == "preliminary":
        return attrs.evolve(incident, preliminary_at=incident.preliminary_at or at)
    if step == "final":
        return attrs.evolve(incident, final_at=incident.final_at or at)
    return attrs.evolve(incident, notified_at=incident.notified_at or at)


def _payload(i: Incident) -> dict[str, object]:
    def iso(t: datetime | None) -> str | None:
        return None if t is None else t.isoformat()

    return {
        "incident_id": i.id,
        "kind": i.kind.value,
        "discovered_at": i.discovered_at.isoformat(),
        "items": sorted(i.items),
        "people": i.people,
        "people_digest": i.people_digest,
        "suspected": i.suspected,
        "wrongful_act": i.wrongful_act,
        "as_entrustee": i.as_entrustee,
        "protected": i.protected,
        "exposed": i.exposed,
        "report_due": i.report_due,
        "reasons": list(i.reasons),
        "preliminary_due": iso(i.preliminary_due),
        "final_due": iso(i.final_due),
    }


def _incident(p: Mapping[str, Any]) -> Incident:
    def when(v: object) -> datetime | None:
        return None if v is None else datetime.fromisoformat(str(v))

    discovered = when(p["discovered_at"])
    assert discovered is not None
    return Incident(
        id=str(p["incident_id"]),
        kind=IncidentKind(p["kind"]),
        discovered_at=discovered,
        items=frozenset(p["items"]),
        people=int(p["people"]),
        people_digest=str(p["people_digest"]),
        suspected=bool(p["suspected"]),
        wrongful_act=bool(p["wrongful_act"]),
        as_entrustee=bool(p["as_entrustee"]),
        # Registered before 'protected' existed: not protected.
        protected=bool(p.get("protected", False)),
        exposed=bool(p.get("exposed", False)),
        report_due=bool(p["report_due"]),
        reasons=tuple(p["reasons"]),
        preliminary_due=when(p["preliminary_due"]),
        final_due=when(p["final_due"]),
    )
