"""The notice to the person whose personal data leaked, was lost or damaged (APPI Art.
26(2); PPC Rules Art. 10), written from the incident register.

Rules Art. 10 lists what the person is told, as far as needed to protect their rights:
the outline of the incident, the items of personal data concerned, its cause, whether
secondary harm has occurred or may occur and what it is, and other matters worth
mentioning. The register knows the first two (kind, the day the business learned of it,
suspected or certain, a wrongful act possibly behind it, the items declared in the
policy); the cause, the secondary harm and anything further come from the business, in
the notice's language. As for answer letters (:mod:`pipolicy.requests.letters`), Python
decides what to say and ``<lang>/incident_notice.md.j2`` and ``.html.j2`` hold every
word; dates are the policy's time zone's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from os import PathLike

import attrs

from pipolicy.domain.checks import statement
from pipolicy.domain.incidents import Incident
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Policy
from pipolicy.policy.texts import self_reference, text_in
from pipolicy.publishing.templates import TemplateDirs, render

__all__ = ["IncidentNotice", "incident_notice"]

FORMATS = {"markdown": "incident_notice.md.j2", "html": "incident_notice.html.j2"}


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
    c = policy.controller
    notice = IncidentNotice(
        lang=lang,
        dated=today,
        letterhead=tuple(str(x) for x in (text_in(c, f, lang) for f in ("name", "address")) if x),
        we=self_reference(c, lang),
        kind=incident.kind.value,
        suspected=incident.suspected,
        wrongful_act=incident.wrongful_act,
        discovered_on=policy.local_date(incident.discovered_at),
        items=tuple(
            str(text_in(policy.items[i], "title", lang) or i) for i in sorted(incident.items)
        ),
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
