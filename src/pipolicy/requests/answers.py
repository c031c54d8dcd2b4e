"""The answer the person receives: state, written statement, and what was done.

An :class:`Answer` is returned by ``fulfil`` and ``refuse``. It renders itself in the
method the person asked for (R-REQ-5): ``"electronic"`` as JSON, ``"mail"`` as a
printable HTML letter; Markdown is available for both. A disclosure's ``report`` holds
the person's data values and exists only here: pipolicy does not store it, and it is
left out of the repr.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from os import PathLike
from typing import Any

import attrs

from pipolicy.domain.requests import RefusalGround, Request, RequestKind, RequestState
from pipolicy.errors import InvalidInput
from pipolicy.policy.model import Controller
from pipolicy.publishing.templates import TemplateDirs
from pipolicy.requests.investigation import Finding, RecordedGround
from pipolicy.requests.sources import SourceOutcome

__all__ = ["METHODS", "Answer", "Extension", "Rendition", "Retained", "Withheld", "extensions"]

Templates = TemplateDirs | str | PathLike[str] | None

METHODS = frozenset({"mail", "electronic"})
"""How an answer is delivered: by post as a printed letter, or electronically as JSON."""


@attrs.frozen
class Retained:
    """An item kept despite a deletion request, and the legal duty that keeps it.

    ``article`` is what keeping it rests on: the provisos of APPI Art. 35 (deleting is
    difficult, its use is suspended instead), as :data:`~pipolicy.domain.requests.
    REFUSAL_GROUNDS` cites ``legal_retention`` for the request's kind."""

    item: str
    reason: str
    ground: RefusalGround = RefusalGround.LEGAL_RETENTION
    article: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "item": self.item,
            "ground": self.ground.value,
            "reason": self.reason,
            "article": self.article,
        }


@attrs.frozen
class Extension:
    """An extension of the deadline (``extend``), as the person is told it (R-REQ-8):
    when it was made, the new due instant and the business's reason. Instants are in
    the policy's time zone in an :class:`Answer`."""

    at: datetime
    due: datetime
    reason: str

    @property
    def due_on(self) -> date:
        """The last day to answer in: a request is due at the end of that day."""
        return (self.due - timedelta(microseconds=1)).date()

    def to_dict(self) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "due": self.due.isoformat(),
            "due_on": self.due_on.isoformat(),
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Extension:
        """One entry of a request's ``extensions`` detail, as ``extend`` keeps it."""
        return cls(
            datetime.fromisoformat(str(data["at"])),
            datetime.fromisoformat(str(data["to"])),
            str(data["reason"]),
        )


def extensions(r: Request) -> list[Extension]:
    """The extensions of ``r``'s deadline, as ``extend`` keeps them in its details."""
    kept = r.details.get("extensions")
    entries = kept if isinstance(kept, list) else []
    return [Extension.from_dict(x) for x in entries if isinstance(x, Mapping)]


@attrs.frozen
class Withheld:
    """A part of a disclosure not given (Art. 33(2) "all or a part"), with the ground,
    the article it cites and the business's explanation (Art. 36).

    ``item`` names an item of the policy, ``record_id`` a provision record: exactly one
    is set. Never a value.
    """

    ground: RefusalGround
    article: str
    explanation: str
    item: str | None = None
    record_id: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "item": self.item,
            "record_id": self.record_id,
            "ground": self.ground.value,
            "article": self.article,
            "explanation": self.explanation,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Withheld:
        item, record = data.get("item"), data.get("record_id")
        return cls(
            RefusalGround(str(data["ground"])),
            str(data["article"]),
            str(data["explanation"]),
            item=None if item is None else str(item),
            record_id=None if record is None else str(record),
        )


@attrs.frozen
class Rendition:
    """An answer rendered for delivery: its media type and text."""

    media_type: str
    content: str = attrs.field(repr=False)


@attrs.frozen
class Answer:
    """The written answer to a request.

    ``changes`` (correction) maps each item to what was done (``corrected``, ``added``,
    ``deleted``, ``not_held``, or ``done`` when a source answered in words of its own). ``retained`` lists items kept under a legal duty.
    ``sources`` says what each registered data source did. ``restrictions`` are the ids
    of the restrictions the answer put in force (deletion, suspension), and ``findings``
    what the investigation of pipolicy's records showed. ``withheld`` lists the parts of
    a disclosure withheld on a ground of Art. 33(2), and ``grounds`` the grounds of
    Art. 35 the business recorded for a deletion or suspension. ``extensions`` are the
    extensions of its deadline, each with its reason (R-REQ-8), also told in the statement.

    ``corrected`` holds, in the answer ``fulfil`` returns for a correction only, what each
    item corrected or added now reads: its letters give it (Art. 34(3) notifies the
    correction "including its contents"). Like a disclosure's ``report`` it is never
    stored, and it is left out of the repr and of the JSON form.

    ``language`` is the request's: the statement is written in it, and the letters are
    laid out in it. ``timezone`` (the policy's) dates the letters' tables, ``titles``
    names the policy's items, purposes and recipients in that language (``"item:email"``
    -> ``"メールアドレス"``), and ``templates`` are the directories the engine words its
    texts with (``pp.Engine(policy, templates=...)``), looked in first by the letters.
    """

    request_id: str
    kind: RequestKind
    state: RequestState
    statement: str = attrs.field(repr=False)
    method: str
    answered_at: datetime
    controller: Controller = attrs.field(repr=False)
    ground: RefusalGround | None = None
    fee: int = 0
    report: Mapping[str, Any] | None = attrs.field(default=None, repr=False)
    changes: Mapping[str, str] = attrs.field(factory=dict)
    retained: tuple[Retained, ...] = ()
    sources: tuple[SourceOutcome, ...] = ()
    restrictions: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    withheld: tuple[Withheld, ...] = ()
    grounds: tuple[RecordedGround, ...] = ()
    extensions: tuple[Extension, ...] = ()
    language: str = "en"
    timezone: str | None = None
    corrected: Mapping[str, object] = attrs.field(factory=dict, repr=False)
    titles: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    templates: tuple[str, ...] = attrs.field(default=(), repr=False, eq=False)

    def to_dict(self) -> dict[str, object]:
        """The whole answer as a JSON-ready dict (the electronic form)."""
        return {
            "request_id": self.request_id,
            "kind": self.kind.value,
            "state": self.state.value,
            "ground": self.ground.value if self.ground else None,
            "answered_at": self.answered_at.isoformat(),
            "statement": self.statement,
            "fee": self.fee,
            "report": self.report,
            "changes": dict(self.changes),
            "retained": [r.to_dict() for r in self.retained],
            "sources": {o.source: o.to_dict() for o in self.sources},
            "restrictions": list(self.restrictions),
            "findings": [f.to_dict() for f in self.findings],
            "withheld": [w.to_dict() for w in self.withheld],
            "grounds": [g.to_dict() for g in self.grounds],
            "extensions": [e.to_dict() for e in self.extensions],
            "language": self.language,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)

    def to_markdown(self, *, templates: Templates = None, era: bool = False) -> str:
        """A printable letter in Markdown, in the answer's language. ``templates`` are
        directories whose ``<lang>/letter.md.j2`` or ``request_texts.j2`` replace
        pipolicy's (default: the engine's); ``era`` dates a Japanese letter 令和8年12月2日."""
        from pipolicy.requests.letters import markdown_letter

        return markdown_letter(self, templates=templates, era=era)

    def to_html(self, *, templates: Templates = None, era: bool = False) -> str:
        """A printable letter as a standalone HTML page (``<lang>/letter.html.j2``)."""
        from pipolicy.requests.letters import html_letter

        return html_letter(self, templates=templates, era=era)

    def render(
        self, method: str | None = None, *, templates: Templates = None, era: bool = False
    ) -> Rendition:
        """The answer in the delivery method asked for (default: the request's own)."""
        how = method or self.method
        if how == "electronic":
            return Rendition("application/json", self.to_json())
        if how == "mail":
            return Rendition("text/html", self.to_html(templates=templates, era=era))
        raise InvalidInput(f"unknown method {how!r}: use one of {sorted(METHODS)}")
