"""The incident register: leaks, losses and damage, their reports and notices (Art. 26,
R-LEAK-1). Reached as ``engine.incidents``.

The register is the audit log itself: registering an incident, each revision as the
investigation finds more, each report to the PPC and the notice to the people are audit
events, so every step is in the hash chain and under the checkpoints; the register is
read back from those events. What the law asks, and by when, is decided by
:func:`pipolicy.domain.incidents.assess`.

Why one module of this length (about 620 lines): the register's steps (register,
revise, record, notice, report) each read the incident back from its events and weigh
its findings in the order learned; kept together they share that one reading. Its texts
are worded in :mod:`pipolicy.incident_texts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from os import PathLike
from typing import Any

import attrs

from pipolicy.clock import instant
from pipolicy.domain.checks import flag, member, names
from pipolicy.domain.decisions import Reason
from pipolicy.domain.incidents import GROUNDS, Incident, IncidentKind, assess
from pipolicy.domain.subjects import Subject
from pipolicy.errors import InvalidInput, UnknownItem
from pipolicy.incident_texts import incident_notice, incident_reasons, report_draft
from pipolicy.policy.model import Policy
from pipolicy.publishing.templates import TemplateDirs
from pipolicy.registers import Register
from pipolicy.requests.intake import check_language

__all__ = ["IncidentRegister"]

STEPS = {
    "preliminary": "incident.reported",
    "final": "incident.reported",
    "notice": "incident.notified",
    "alternative_measures": "incident.notified",
}


class IncidentRegister(Register):
    """Register incidents, record their reports and notice, list what is open or late."""

    what = "incident"

    def __init__(
        self,
        policy: Policy,
        *,
        held: Callable[[Sequence[str]], frozenset[str]],
        templates: TemplateDirs = (),
        **plumbing: Any,
    ) -> None:
        """``held``: the items the store records as acquired from any of the people with
        these ids (those it knows), read in one unit of work: an item the policy no longer
        declares is accepted when the affected people hold it. ``templates``: the engine's
        directories (``Engine(templates=...)``), which word the notice and the report
        draft unless a call gives its own."""
        super().__init__(policy, **plumbing)
        self._held = held
        self._templates = templates

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
        due as promptly as a preliminary report and, once given, is all the business owes
        (no final report, no notice to the people); until then the final deadline stands.
        An entrustee reporting to the PPC itself registers without it. ``protected``: the data was kept unreadable by advanced
        encryption or a like measure, the key not taken with it; then no report or notice
        is due on any ground (PPC Rules Art. 7(i); guidelines 3-5-3-1). ``exposed``: the
        data could be viewed by anyone by electronic means (an open server or page), which
        makes Individual Numbers reportable however few (My Number Act Art. 29-4).
        ``items`` are declared by the policy, or held by one of the ``subjects`` according
        to the store (a revision of the policy dropped the item, the people still hold
        it): counted as the worst case (:data:`~pipolicy.domain.incidents.UNDECLARED`);
        any other name raises :class:`~pipolicy.UnknownItem`. Returns the
        incident with whether a report is due and its deadlines."""
        k = member(IncidentKind, kind, "incident kind")
        at = instant(discovered_at, "discovered_at")
        if at > self._now():
            raise InvalidInput("discovered_at is in the future")
        ids = _ids(subjects)
        item_set = self._items(items, ids)
        for value, what in (
            (wrongful_act, "wrongful_act"),
            (suspected, "suspected"),
            (as_entrustee, "as_entrustee"),
            (protected, "protected"),
            (exposed, "exposed"),
        ):
            flag(value, what)
        incident = Incident(
            id=self._new_id(),
            kind=k,
            discovered_at=at,
            items=item_set,
            people=len(set(ids)),
            people_digest=None,
            suspected=suspected,
            wrongful_act=wrongful_act,
            as_entrustee=as_entrustee,
            protected=protected,
            exposed=exposed,
            report_due=False,
            reasons=(),
            preliminary_due=None,
            final_due=None,
        )
        incident = self._assessed(incident, at)
        self._record("incident.registered", None, _payload(incident))
        return incident

    def revise(
        self,
        incident_id: str,
        *,
        subjects: Iterable[Subject | str] | None = None,
        items: Iterable[str] | None = None,
        wrongful_act: bool | None = None,
        exposed: bool | None = None,
        protected: bool | None = None,
        occurred: bool | None = None,
        learned_at: datetime | None = None,
    ) -> Incident:
        """Record what the investigation found after registration, learned at
        ``learned_at`` (now): every affected person now known (``subjects``, the whole
        list: each person counts once), every item now known, that a wrongful act may be
        behind it, that the data was open to anyone, whether it was kept unreadable
        (``protected=False``: the key was taken too). What is not given stays as it was.
        An item the policy does not declare is accepted if the incident names it already,
        or the ``subjects`` given in the same call hold it (as at :meth:`register`).
        The incident is assessed again (Art. 26(1); PPC Rules Arts. 7-8): one that becomes
        reportable has its deadlines count from the day the business learned it (Rule 8:
        "当該事態を知った"); one already reportable keeps the day it counted from, its
        final report due on day 60 once a wrongful act is found (Rule 8(2)). Findings are
        weighed in the order the business learned them, not the order they are entered:
        one learned earlier than a finding already entered is assessed with what was known
        on its day, and the incident counts from the first moment the facts then known
        made it reportable: the same as entering the findings in date order.
        ``occurred=False``: no leak, loss or damage took place after all (the mail sent
        astray was recovered unopened). One found not reportable after all (that, the
        data ``protected``, or 999 people, not 1,001) owes no report or notice from
        ``learned_at`` on (PPC guidelines 3-5-3-1): its deadlines are gone and
        ``not_reportable_since``/``not_reportable_because`` say since when and why; the
        first assessment stays in the audit log, recorded steps stay recorded."""
        history = self._history(incident_id)
        incident = history.incident
        when = self._now() if learned_at is None else instant(learned_at, "learned_at")
        if when > self._now():
            raise InvalidInput("learned_at is in the future")
        if when < incident.discovered_at:
            raise InvalidInput("learned_at is before the incident was discovered")
        changes: dict[str, Any] = {}
        ids = None if subjects is None else _ids(subjects)
        if ids is not None:
            changes.update(people=len(set(ids)), people_digest=None)
        if items is not None:
            changes["items"] = self._items(items, ids, kept=incident.items)
        for value, what in (
            (wrongful_act, "wrongful_act"),
            (exposed, "exposed"),
            (protected, "protected"),
            (occurred, "occurred"),
        ):
            if value is not None:
                changes[what] = flag(value, what)
        revised = self._replayed(history, when, changes)
        payload = {k: v for k, v in _payload(revised).items() if k in _REVISED}
        found = {k: sorted(v) if k == "items" else v for k, v in changes.items()}
        self._record(
            "incident.revised",
            None,
            {"incident_id": incident.id, **payload, "at": when.isoformat(), "found": found},
        )
        return self.get(incident_id)

    def _replayed(self, history: _History, learned: datetime, found: Mapping[str, Any]) -> Incident:
        """The incident as registered, each finding (those recorded and ``found`` at
        ``learned``) applied and assessed in the order the business learned them: so the
        day it became reportable is the first on which the facts then known made it so,
        whatever order the findings were entered in (Rule 8: "当該事態を知った"). The
        steps recorded stay."""
        state = attrs.evolve(
            history.incident, **{f: getattr(history.registered, f) for f in _REVISED}
        )
        findings = sorted([*history.findings, (learned, found)], key=lambda f: f[0])
        for at, facts in findings:
            state = self._assessed(attrs.evolve(state, **facts), at)
        return state

    def _items(
        self,
        items: Iterable[str],
        subject_ids: Sequence[str] | None,
        kept: frozenset[str] = frozenset(),
    ) -> frozenset[str]:
        """``items``, each declared, ``kept`` (already named by the incident) or held by
        one of the affected people according to the store: a revision of the policy may
        drop an item people still hold, and a leak of it must still be registered, the
        duty to report recorded (Art. 26(1)). Any other undeclared name, one none of
        ``subject_ids`` holds (a typo, the wrong people), is refused by name
        (:class:`~pipolicy.UnknownItem`); with no ``subject_ids`` (a revision naming
        nobody) no holder can be checked, and the error says to give them."""
        item_set = names(items, "items")
        undeclared = item_set - kept - self._policy.items.keys()
        if undeclared and subject_ids:
            undeclared -= self._held(subject_ids)
        try:
            self._policy.check_items(undeclared)
        except UnknownItem as e:
            e.args = (f"{e.args[0]}; {_HOLDERS if subject_ids else _NAME_HOLDERS}",)
            raise
        return item_set

    def _assessed(self, incident: Incident, learned: datetime) -> Incident:
        """``incident`` with whether a report is due, why and by when, on its facts as
        known at ``learned``: an incident already reportable counts from the day it
        became so; one no longer reportable owes nothing from ``learned`` on."""
        start = incident.reportable_from if incident.report_due else learned
        assert start is not None
        known = self._policy.items
        declared = [known[i] for i in incident.items if i in known]
        due, because, preliminary, final = assess(
            special_care=any(i.special_care for i in declared),
            financial=any(i.financial for i in declared),
            wrongful_act=incident.wrongful_act,
            people=incident.people,
            my_number=bool(incident.items & self._policy.my_number_items),
            protected=incident.protected,
            exposed=incident.exposed,
            occurred=incident.occurred,
            discovered_on=self._policy.local_date(start),
            preliminary_days=self._policy.incident_preliminary_days,
            day_end=self._policy.day_end,
            undeclared=incident.items - known.keys(),
        )
        if not due:
            if not incident.report_due:
                if incident.not_reportable_since is None:
                    return incident
                # Ended before: since then stays, why is what is now known (no leak after all).
                return attrs.evolve(
                    incident, not_reportable_because=_not_reportable_because(incident)
                )
            return attrs.evolve(
                incident,
                report_due=False,
                reasons=(),
                why=(),
                preliminary_due=None,
                final_due=None,
                not_reportable_since=learned,
                not_reportable_because=_not_reportable_because(incident),
            )
        if incident.preliminary_due is not None and preliminary is not None:
            preliminary = min(preliminary, incident.preliminary_due)
        if incident.entruster_notified:
            final = None
        return attrs.evolve(
            incident,
            report_due=True,
            reasons=tuple(text for text, _ in because),
            why=tuple(reason for _, reason in because),
            preliminary_due=preliminary,
            final_due=final,
            reportable_from=start,
            not_reportable_since=None,
            not_reportable_because=None,
        )

    def record(self, incident_id: str, step: str, at: datetime | None = None) -> Incident:
        """Record that the ``"preliminary"`` or ``"final"`` report was made (to the PPC, or
        to the entrusting business), that the people were given ``"notice"``, or, where
        notice was difficult, that ``"alternative_measures"`` were taken in its place, a
        public announcement for one (Art. 26(2) proviso). A final report made first
        serves as the preliminary one too."""
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

    def notice(
        self,
        incident_id: str,
        *,
        lang: str | None = None,
        cause: str,
        secondary_harm: str,
        details: str = "",
        other: Sequence[str] = (),
        format: str = "markdown",
        era: bool = False,
        templates: TemplateDirs | str | PathLike[str] | None = None,
    ) -> str:
        """The notice to the affected person (Art. 26(2); PPC Rules Art. 10), dated today
        in the policy's time zone, in ``lang``, one the policy publishes in (its first when
        None: the items' titles exist in no other), as ``"markdown"`` or ``"html"``. The
        register gives the outline (what happened, the day the business learned of it, a
        wrongful act possibly behind it) and the items concerned; the
        business gives, in ``lang``, the ``cause``, ``secondary_harm`` (whether harm has
        occurred or may, and what), and optionally ``details`` added to the outline and
        ``other`` paragraphs (what it has done, what the person may do). The controller's
        ``contact`` closes it. Templates: ``<lang>/incident_notice.md.j2`` and
        ``.html.j2``, looked for in ``templates`` first (default: the engine's).
        Recording that it was sent is :meth:`record` ``"notice"``."""
        return incident_notice(
            self._policy,
            self.get(incident_id),
            today=self._policy.local_date(self._now()),
            lang=check_language(self._policy, lang),
            cause=cause,
            secondary_harm=secondary_harm,
            details=details,
            other=other,
            format=format,
            era=era,
            templates=self._templates if templates is None else templates,
        )

    def report_draft(
        self,
        incident_id: str,
        *,
        lang: str = "ja",
        cause: str = "",
        secondary_harm: str = "",
        publication: str = "",
        prevention: str = "",
        other: Sequence[str] = (),
        templates: TemplateDirs | str | PathLike[str] | None = None,
    ) -> str:
        """A Markdown draft of the report to the PPC (Art. 26(1); PPC Rules Art. 8(1)):
        the preliminary one until a report is recorded, then the final one, with its last
        day. The register gives the outline, the grounds, the items, the number of people
        and what was done for them; the business gives, in ``lang``, the ``cause``,
        ``secondary_harm``, ``publication``, ``prevention`` (measures against recurrence)
        and ``other`` matters, those not given left as under investigation. ``lang`` is
        ``"ja"`` whatever the policy publishes in: the report is made to the PPC on its
        own form, which is in Japanese (PPC Rules Art. 8), so a business publishing its
        policy in English only still drafts it in Japanese (the names the policy does not
        give in Japanese then appear as it gives them). Any other language must be one
        the policy publishes in, as for :meth:`notice`: a draft for the business's own
        use, whose items' titles exist in no other. Templates:
        ``<lang>/incident_report.md.j2``, looked for in ``templates`` first (default: the
        engine's). Refused for an incident not reportable."""
        return report_draft(
            self._policy,
            self.get(incident_id),
            today=self._policy.local_date(self._now()),
            lang=_report_language(self._policy, lang),
            cause=cause,
            secondary_harm=secondary_harm,
            publication=publication,
            prevention=prevention,
            other=other,
            templates=self._templates if templates is None else templates,
        )

    def explain(
        self,
        incident_id: str,
        lang: str | None = None,
        *,
        templates: TemplateDirs | str | PathLike[str] | None = None,
    ) -> tuple[str, ...]:
        """Why the incident is one to report, one text per :attr:`Incident.reasons`, in
        order; or, found not to be after all, why not (``not_reportable_because``). In
        ``lang``, one the policy publishes in (its first when None), for the privacy
        officer's register: worded by ``<lang>/incident_reasons.j2``, looked for in
        ``templates`` first (default: the engine's). In English, pipolicy's words are
        exactly the reasons the register recorded."""
        return incident_reasons(
            self.get(incident_id),
            lang=check_language(self._policy, lang),
            templates=self._templates if templates is None else templates,
        )

    def get(self, incident_id: str) -> Incident:
        return self._find(incident_id, self.all())

    def all(self) -> list[Incident]:
        """Every incident, as registered and with the steps recorded since, oldest first."""
        return [history.incident for history in self._read().values()]

    def _history(self, incident_id: str) -> _History:
        return self._find(incident_id, self._read().values())

    def _read(self) -> dict[str, _History]:
        """Each incident read back from its events, with what it was registered as and
        the findings of its revisions."""
        found: dict[str, _History] = {}
        for e in self._events():
            if e.kind == "incident.registered":
                incident = _incident(e.payload)
                found[incident.id] = _History(incident, incident, [])
                continue
            known = found.get(str(e.payload.get("incident_id")))
            if known is None:
                continue
            if e.kind == "incident.revised":
                revised = _revised(known.incident, e.payload)
                at = datetime.fromisoformat(str(e.payload["at"]))
                known.findings.append((at, _findings(known.incident, revised, e.payload)))
                known.incident = revised
            elif e.kind in ("incident.reported", "incident.notified"):
                at = datetime.fromisoformat(str(e.payload["at"]))
                known.incident = _with(known.incident, str(e.payload.get("step")), at)
        return found

    def overdue(self, at: datetime | None = None) -> list[tuple[Incident, tuple[str, ...]]]:
        """Incidents with a report past its deadline at ``at`` (now), and which steps."""
        now = self._now() if at is None else instant(at, "at")
        return [(i, late) for i in self.all() if (late := i.overdue(now))]


def _report_language(policy: Policy, lang: object) -> str:
    """The report draft's language: Japanese, the PPC's, always; else one the policy
    publishes in."""
    if lang == "ja":
        return "ja"
    if lang is None:
        raise InvalidInput(
            "lang: the report's language, 'ja' (the PPC's) or one the policy publishes in: "
            f"{list(policy.languages)}"
        )
    return check_language(policy, lang)


_HOLDERS = "an item the policy no longer declares is accepted if the affected people hold it"
_NAME_HOLDERS = (
    "an item the policy no longer declares is accepted with the affected people who hold "
    "it (subjects=)"
)


def _ids(subjects: Iterable[Subject | str]) -> list[str]:
    ids = [s.id if isinstance(s, Subject) else s for s in subjects]
    if not ids or not all(isinstance(i, str) and i for i in ids):
        raise InvalidInput("subjects: the affected people, as Subjects or their ids")
    return ids


_REVISED = (
    "items",
    "people",
    "people_digest",
    "wrongful_act",
    "exposed",
    "protected",
    "occurred",
    "report_due",
    "reasons",
    "why",
    "preliminary_due",
    "final_due",
    "reportable_from",
    "not_reportable_since",
    "not_reportable_because",
)
"""What an ``incident.revised`` event carries besides the incident's id: the facts a
revision may change and the assessment made on them (the rest, steps included, stays)."""


@attrs.define
class _History:
    """An incident as its events leave it, what it was registered as, and what each
    revision found, with when the business learned it."""

    incident: Incident
    registered: Incident
    findings: list[tuple[datetime, dict[str, Any]]]

    @property
    def id(self) -> str:
        return self.incident.id


_FACTS = ("items", "people", "people_digest", "wrongful_act", "exposed", "protected", "occurred")
"""What a revision may find (the rest of :data:`_REVISED` is assessed from them)."""


def _findings(before: Incident, after: Incident, p: Mapping[str, Any]) -> dict[str, Any]:
    """The facts an ``incident.revised`` event found (``found``: what the revision was
    given, not what the incident became, which may rest on findings learned later); for
    an event recorded before events said, those it changed (``before`` to ``after``)."""
    if "found" in p:
        found = p["found"]
        return {f: frozenset(found[f]) if f == "items" else found[f] for f in _FACTS if f in found}
    return {f: getattr(after, f) for f in _FACTS if getattr(after, f) != getattr(before, f)}


def _revised(incident: Incident, p: Mapping[str, Any]) -> Incident:
    """``incident`` as an ``incident.revised`` event left it."""
    new = _incident({**_payload(incident), **p})
    return attrs.evolve(incident, **{field: getattr(new, field) for field in _REVISED})


def _not_reportable_because(incident: Incident) -> str:
    if not incident.occurred:
        return "no_incident"
    return "protected" if incident.protected else "conditions_not_met"


def _with(incident: Incident, step: str, at: datetime) -> Incident:
    """``incident`` with ``step`` recorded at ``at`` (a repeated step keeps the first)."""
    if step == "preliminary":
        done = attrs.evolve(incident, preliminary_at=incident.preliminary_at or at)
        return attrs.evolve(done, final_due=None) if done.entruster_notified else done
    if step == "final":
        return attrs.evolve(incident, final_at=incident.final_at or at)
    if step == "alternative_measures":
        return attrs.evolve(
            incident, alternative_measures_at=incident.alternative_measures_at or at
        )
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
        "why": [{"key": r.key, "params": dict(r.params)} for r in i.why],
        "preliminary_due": iso(i.preliminary_due),
        "final_due": iso(i.final_due),
        "reportable_from": iso(i.reportable_from),
        "occurred": i.occurred,
        "not_reportable_since": iso(i.not_reportable_since),
        "not_reportable_because": i.not_reportable_because,
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
        people_digest=None if p.get("people_digest") is None else str(p["people_digest"]),
        suspected=bool(p["suspected"]),
        wrongful_act=bool(p["wrongful_act"]),
        as_entrustee=bool(p["as_entrustee"]),
        # Registered before 'protected' existed: not protected.
        protected=bool(p.get("protected", False)),
        exposed=bool(p.get("exposed", False)),
        report_due=bool(p["report_due"]),
        reasons=tuple(p["reasons"]),
        why=_why(p),
        preliminary_due=when(p["preliminary_due"]),
        final_due=when(p["final_due"]),
        # Registered before 'reportable_from' existed: a reportable one counts from discovery.
        reportable_from=when(p.get("reportable_from")) or (discovered if p["report_due"] else None),
        occurred=bool(p.get("occurred", True)),
        not_reportable_since=when(p.get("not_reportable_since")),
        not_reportable_because=(
            None if p.get("not_reportable_because") is None else str(p["not_reportable_because"])
        ),
    )


_KEYS = {text: key for key, text in GROUNDS.items()}


def _why(p: Mapping[str, Any]) -> tuple[Reason, ...]:
    """The ``why`` an event recorded; for one written before ``why`` existed, the keys of
    its English reasons (the texts of :data:`GROUNDS` have not changed since)."""
    if "why" in p:
        return tuple(
            Reason(
                str(r["key"]),
                {
                    k: v if isinstance(v, str) else tuple(str(x) for x in v)
                    for k, v in r.get("params", {}).items()
                },
            )
            for r in p["why"]
        )
    return tuple(Reason(_KEYS.get(str(text), "")) for text in p["reasons"])
