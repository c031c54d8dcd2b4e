"""The texts an incident calls for, written from the incident register: the notice to the
person whose personal data leaked, was lost or damaged (APPI Art. 26(2); PPC Rules Art.
10), and a draft of the report to the PPC (Art. 26(1); PPC Rules Art. 8(1)).

Rules Art. 10 lists what the person is told, as far as needed to protect their rights:
the outline of the incident, the items of personal data concerned, its cause, whether
secondary harm has occurred or may occur and what it is, and other matters worth
mentioning. The register knows the first two (kind, the day the business learned of it,
suspected or certain, a wrongful act possibly behind it, the items declared in the
policy); the cause, the secondary harm and anything further come from the business, in
the notice's language. As for answer letters (:mod:`pipolicy.requests.letters`), Python
decides what to say and ``<lang>/incident_notice.md.j2`` and ``.html.j2`` hold every
word; dates are the policy's time zone's.

Which act requires the notice and the report follows the incident's grounds (:func:`acts`):
APPI Art. 26 for those of PPC Rules 7; the My Number Act, Art. 29-4, for Individual Numbers
of more than 100 people or open to anyone online (its rules set the same deadlines and
matters, in their Arts. 3 and 5); both when grounds of both are found.

The report is made on the PPC's form; the draft gathers what Rules Art. 8(1) lists (outline,
items, number of people, cause, secondary harm, what was done for the people, publication,
measures against recurrence, other matters) so the privacy officer can fill it in. What the
business does not yet know is left as under investigation, as a preliminary report may.

The reasons an incident is one to report (or no longer is) are kept in English with their
keys (``Incident.why``); :func:`incident_reasons` words them in Japanese or English through
``<lang>/incident_reasons.j2``, one macro per key, for the privacy officer's register.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from os import PathLike

import attrs
import jinja2

from pipolicy.domain.checks import statement
from pipolicy.domain.decisions import Reason
from pipolicy.domain.incidents import (
    GROUNDS,
    MY_NUMBER_GROUNDS,
    NOT_REPORTABLE,
    UNDECLARED,
    Incident,
)
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Policy
from pipolicy.policy.texts import self_reference, text_in
from pipolicy.publishing.templates import Macros, TemplateDirs, macro, macros, render

__all__ = ["IncidentNotice", "acts", "incident_notice", "incident_reasons", "report_draft"]

FORMATS = {"markdown": "incident_notice.md.j2", "html": "incident_notice.html.j2"}
REPORT = "incident_report.md.j2"
REASONS = "incident_reasons.j2"


@attrs.frozen
class IncidentNotice:
    """What the notice says, independent of format: the facts the templates word."""

    lang: str
    dated: date
    letterhead: tuple[str, ...]
    we: str
    kind: str
    suspected: bool
    wrongful_act: bool
    required: bool
    """Does the law require the notice (``acts`` is not empty)? Otherwise the business
    tells the person of its own accord, and the notice cites no article."""
    acts: tuple[str, ...]
    """The acts that require it, as the incident's grounds engage them (:func:`acts`):
    ``"appi"``, Art. 26(2); ``"my_number"``, My Number Act Art. 29-4(2). None for an
    incident not reportable, or once an entrustee has notified the entrusting business
    (Art. 26(2): "前項ただし書の規定による通知をした者を除く")."""
    discovered_on: date
    items: tuple[str, ...]
    """The titles of the items concerned, in the notice's language."""
    details: str
    cause: str
    secondary_harm: str
    other: tuple[str, ...]
    contact: str


def incident_notice(
    policy: Policy,
    incident: Incident,
    *,
    today: date,
    lang: str,
    cause: str,
    secondary_harm: str,
    details: str = "",
    other: Sequence[str] = (),
    format: str = "markdown",
    era: bool = False,
    templates: TemplateDirs | str | PathLike[str] | None = None,
) -> str:
    """The notice to the person about ``incident``, in ``lang`` and ``format``
    (``"markdown"`` or ``"html"``), dated ``today``. An incident found not to have taken
    place has nothing to notify."""
    if not incident.occurred:
        raise InvalidInput("the incident was found not to have taken place: nothing to notify")
    if format not in FORMATS:
        raise InvalidInput(f"format must be one of {sorted(FORMATS)}")
    why = " (PPC Rules Art. 10: the person is told it)"
    required_by = () if incident.entruster_notified else acts(incident)
    c = policy.controller
    notice = IncidentNotice(
        lang=lang,
        dated=today,
        letterhead=tuple(str(x) for x in (text_in(c, f, lang) for f in ("name", "address")) if x),
        we=self_reference(c, lang),
        kind=incident.kind.value,
        suspected=incident.suspected,
        wrongful_act=incident.wrongful_act,
        required=bool(required_by),
        acts=required_by,
        discovered_on=policy.local_date(incident.discovered_at),
        items=_titles(policy, incident, lang),
        details=_optional(details, "details"),
        cause=statement(cause, "cause", why),
        secondary_harm=statement(secondary_harm, "secondary_harm", why),
        other=tuple(statement(x, "other", "") for x in _texts(other)),
        contact=str(text_in(c, "contact", lang) or ""),
    )
    context = attrs.asdict(notice, recurse=False)
    del context["lang"]  # render gives it
    return render(FORMATS[format], lang, context, era=era, templates=templates)


def _optional(text: str, what: str) -> str:
    if text == "":
        return ""
    return statement(text, what, "")


def _texts(other: Sequence[str]) -> tuple[str, ...]:
    if isinstance(other, str):
        return (other,)
    return tuple(other)


def report_draft(
    policy: Policy,
    incident: Incident,
    *,
    today: date,
    lang: str,
    cause: str = "",
    secondary_harm: str = "",
    publication: str = "",
    prevention: str = "",
    other: Sequence[str] = (),
    templates: TemplateDirs | str | PathLike[str] | None = None,
) -> str:
    """A draft, in Markdown, of the ``"preliminary"`` report (none made yet) or else the
    ``"final"`` one, with what Rules Art. 8(1) lists, citing the acts its grounds engage
    (:func:`acts`). Texts not given are left as under investigation. Only an incident the
    register finds reportable has one, and an entrustee's only until it has notified the
    entrusting business, which discharges its report (Art. 26(1) proviso)."""
    if not incident.report_due:
        raise InvalidInput("the incident is not reportable: no report to draft")
    if incident.entruster_notified:
        raise InvalidInput(
            "the entrustee has notified the entrusting business, which discharges its "
            "report (APPI Art. 26(1) proviso): no report to draft"
        )
    final = incident.preliminary_at is not None or incident.final_at is not None
    c = policy.controller
    context: dict[str, object] = {
        "stage": "final" if final else "preliminary",
        "dated": today,
        "controller": str(text_in(c, "name", lang)),
        "we": self_reference(c, lang),
        "kind": incident.kind.value,
        "suspected": incident.suspected,
        "as_entrustee": incident.as_entrustee,
        "acts": list(acts(incident)),
        "discovered_on": policy.local_date(incident.discovered_at),
        "learned_on": policy.local_date(incident.reportable_from or incident.discovered_at),
        "last_day": _last_day(policy, incident.final_due if final else incident.preliminary_due),
        "grounds": _grounds(incident),
        "undeclared": _undeclared(incident),
        "items": list(_titles(policy, incident, lang)),
        "people": incident.people,
        "notified_on": _day(policy, incident.notified_at),
        "alternative_on": _day(policy, incident.alternative_measures_at),
        "cause": _optional(cause, "cause"),
        "secondary_harm": _optional(secondary_harm, "secondary_harm"),
        "publication": _optional(publication, "publication"),
        "prevention": _optional(prevention, "prevention"),
        "other": tuple(statement(x, "other", "") for x in _texts(other)),
    }
    return render(REPORT, lang, context, templates=templates)


def _last_day(policy: Policy, due: datetime | None) -> date | None:
    """The last day of a deadline held as the first instant after it."""
    return None if due is None else policy.local_date(due - timedelta(microseconds=1))


def _day(policy: Policy, at: datetime | None) -> date | None:
    return None if at is None else policy.local_date(at)


def _titles(policy: Policy, incident: Incident, lang: str) -> tuple[str, ...]:
    """The titles of the incident's items in ``lang``, in the order the policy declares
    them (its notice's order), then by name those it no longer declares: Rules Arts. 8(1)
    and 10 list every item concerned, dropped from the policy or not."""
    declared = [name for name in policy.items if name in incident.items]
    titles = [str(text_in(policy.items[i], "title", lang) or i) for i in declared]
    return (*titles, *sorted(incident.items - policy.items.keys()))


def _why(incident: Incident) -> tuple[Reason, ...]:
    """``incident.why``, one for one with its reasons; for an Incident built without it,
    the keys of its :data:`GROUNDS` texts (``""`` for another text)."""
    if len(incident.why) == len(incident.reasons):
        return incident.why
    keys = {text: key for key, text in GROUNDS.items()}
    return tuple(Reason(keys.get(text, "")) for text in incident.reasons)


def acts(incident: Incident) -> tuple[str, ...]:
    """The acts whose report and notice ``incident``'s grounds require, in this order:
    ``"appi"`` (Art. 26; PPC Rules Arts. 8-10) for a ground of PPC Rules 7 (or one
    without a key: fail closed), ``"my_number"`` (My Number Act Art. 29-4; its rules
    Arts. 3-5) for one of :data:`MY_NUMBER_GROUNDS`. None for an incident not
    reportable."""
    if not incident.report_due:
        return ()
    keys = {r.key for r in _why(incident)}
    found = (
        ("appi", bool(keys - MY_NUMBER_GROUNDS)),
        ("my_number", bool(keys & MY_NUMBER_GROUNDS)),
    )
    return tuple(act for act, engaged in found if engaged) or ("appi",)


def _grounds(incident: Incident) -> list[str]:
    """The key of each ground, or its English reason where it has none (the template
    shows it as it is)."""
    return [r.key or text for text, r in zip(incident.reasons, _why(incident), strict=True)]


def _undeclared(incident: Incident) -> list[str]:
    """The items the assessment counted as unknown (:data:`UNDECLARED`), by name."""
    for reason in incident.why:
        if reason.key == UNDECLARED:
            return list(reason.params.get("items", ()))
    return []


def incident_reasons(
    incident: Incident,
    *,
    lang: str,
    templates: TemplateDirs | str | PathLike[str] | None = None,
) -> tuple[str, ...]:
    """Why ``incident`` is one to report, one text per ``Incident.reasons`` in order, or,
    found not to be after all, why not (``not_reportable_because``), in ``lang``: the
    macro of each reason's key in ``<lang>/incident_reasons.j2``, found in ``templates``
    first, then in pipolicy's (a template of one's own may word only some keys). A reason
    without a key or a macro is given in its English words."""
    words = macros(REASONS, lang, templates)
    reasons: list[tuple[str, str, Mapping[str, object]]] = [
        (text, r.key, r.params) for text, r in zip(incident.reasons, _why(incident), strict=True)
    ]
    if incident.not_reportable_because is not None:
        because = incident.not_reportable_because
        reasons.append((NOT_REPORTABLE.get(because, because), because, {}))
    return tuple(_worded(words, lang, *reason) for reason in reasons)


def _worded(words: Macros, lang: str, text: str, key: str, params: Mapping[str, object]) -> str:
    """The first macro ``key`` of ``words`` called with the reason's ``params``; ``text``
    (the English reason) where there is none."""
    said = macro(words, key)
    if said is None:
        return text
    facts = {k: v for k, v in params.items() if said.catch_kwargs or k in said.arguments}
    try:
        return str(said(**facts)).strip()
    except (TypeError, jinja2.TemplateError) as e:
        raise InvalidInput(f"{lang}/{REASONS}, macro {key!r}: {e}") from e
