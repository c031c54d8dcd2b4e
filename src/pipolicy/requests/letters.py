"""Printable letters for answers, in Markdown and HTML, from one layout, in the answer's
language.

Seed 001 answers by post ("we will mail it to the address stated in the identity
verification document"), so an answer must print: a letterhead, the statement, and for a
disclosure the tables of items, purposes, consents and provision records, and what was
withheld, on which ground (Art. 36). :func:`layout` gathers that content once, every word
of it from ``<lang>/request_texts.j2`` (the tables' headings, columns and cells included);
``<lang>/letter.md.j2`` and ``letter.html.j2`` only lay it out, so the two formats never
say different things. Both look in the application's ``templates`` directories first.

Dates are calendar days in the policy's time zone (the answer's ``timezone``): a record
made at 08:30 on 2 December in Tokyo is dated 2 December, though it is 1 December in UTC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from os import PathLike
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs

from pipolicy.domain.requests import RefusalGround, RequestKind
from pipolicy.policy.texts import text_in
from pipolicy.publishing.templates import TemplateDirs, render
from pipolicy.requests.wording import Wording, wording

if TYPE_CHECKING:
    from pipolicy.requests.answers import Answer

__all__ = ["Letter", "Table", "html_letter", "layout", "markdown_letter"]

Templates = TemplateDirs | str | PathLike[str] | None

_NOTICE_33_3 = frozenset({RequestKind.DISCLOSURE, RequestKind.PROVISION_RECORDS})
"""The kinds whose ``not_retained`` answer is the notice of Art. 33(3) (records: 33(5))
that what was asked about does not exist, not a refusal."""


@attrs.frozen
class Table:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class Letter:
    """What a letter says, worded, before it is laid out in a format."""

    title: str
    answered: date
    letterhead: tuple[str, ...]
    request_id: str
    kind: str
    outcome: str
    paragraphs: tuple[str, ...]
    tables: tuple[Table, ...]


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _map(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


class _Rows:
    """Turns an answer's records into the rows a template words: names with their titles
    in the answer's language, instants as days in the policy's time zone."""

    def __init__(self, answer: Answer) -> None:
        self.titles = answer.titles
        self.tz = ZoneInfo(answer.timezone) if answer.timezone else None

    def ref(self, kind: str, name: object) -> dict[str, str] | None:
        if name is None or name == "":
            return None
        return {"name": str(name), "title": self.titles.get(f"{kind}:{name}", str(name))}

    def refs(self, kind: str, names: object) -> list[dict[str, str]]:
        return [r for r in (self.ref(kind, n) for n in _list(names)) if r is not None]

    def day(self, value: object) -> date | None:
        """The day an ISO instant falls on, in the policy's time zone."""
        if not value:
            return None
        try:
            at = datetime.fromisoformat(str(value))
        except ValueError:
            return None
        if self.tz is not None and at.tzinfo is not None:
            at = at.astimezone(self.tz)
        return at.date()


def _table(w: Wording, key: str, rows: Sequence[Mapping[str, Any]]) -> Table:
    """The table ``key`` of the template's ``TABLES``: its heading, its columns, and each
    row's cells worded by the macro its column names."""
    spec = w.label("TABLES", key)
    columns = [(str(label), str(macro)) for label, macro in spec["columns"]]
    return Table(
        str(spec["heading"]),
        tuple(label for label, _ in columns),
        tuple(tuple(w(macro, row=row) for _, macro in columns) for row in rows),
    )


def _report_tables(w: Wording, rows: _Rows, report: Mapping[str, object]) -> list[Table]:
    tables: list[Table] = []
    if "items" in report:
        items = []
        for i in (_map(x) for x in _list(report.get("items"))):
            title = i.get("title")
            items.append(
                {
                    "name": i.get("item"),
                    "title": "-" if title is None else str(title),
                    "values": dict(_map(i.get("values"))),
                    "purposes": rows.refs("purpose", i.get("purposes")),
                    "acquisitions": [
                        {
                            "day": rows.day(a.get("acquired_at")),
                            "channel": a.get("channel"),
                            "source": a.get("source"),
                        }
                        for a in (_map(x) for x in _list(i.get("acquisitions")))
                    ],
                }
            )
        tables.append(_table(w, "items", items))
    if "purposes" in report:
        purposes = [_map(p) for p in _list(report.get("purposes"))]
        with_items = any("items" in p for p in purposes)
        tables.append(
            _table(
                w,
                "purposes_items" if with_items else "purposes",
                [
                    {
                        "name": str(p.get("name")),
                        "title": str(p.get("title")),
                        "items": rows.refs("item", p.get("items")),
                    }
                    for p in purposes
                ],
            )
        )
    kept = [_map(k) for k in _list(report.get("kept_under_duty"))]
    if kept:  # items kept only to meet a legal duty: a report made before had none
        rows_kept = [
            {"item": rows.ref("item", k.get("item")), "reason": k.get("reason")} for k in kept
        ]
        tables.append(_table(w, "retained", rows_kept))
    if "consents" in report:
        consents = [
            {
                "purpose": rows.ref("purpose", c.get("purpose")),
                "recipient": rows.ref("recipient", c.get("recipient")),
                "items": rows.refs("item", c.get("items")),
                "status": c.get("status"),
                "history": [
                    {"status": h.get("status"), "day": rows.day(h.get("at"))}
                    for h in (_map(x) for x in _list(c.get("history")))
                ],
                "method": c.get("method"),
            }
            for c in (_map(x) for x in _list(report.get("consents")))
        ]
        tables.append(_table(w, "consents", consents))
    if "provision_records" in report:
        records = []
        for r in (_map(x) for x in _list(report.get("provision_records"))):
            recipient = str(r.get("recipient"))
            name = r.get("recipient_name")
            records.append(
                {
                    "day": rows.day(r.get("provided_at")),
                    "recipient": {
                        "name": recipient,
                        "title": rows.titles.get(f"recipient:{recipient}")
                        or str(name or recipient),
                    },
                    "recipient_name": name,
                    "address": r.get("recipient_address"),
                    "representative": r.get("recipient_representative"),
                    "items": rows.refs("item", r.get("items")),
                    "purpose": rows.ref("purpose", r.get("purpose")),
                    "basis": r.get("basis"),
                }
            )
        tables.append(_table(w, "provision_records", records))
    if "receipt_records" in report:  # a report stored before these were disclosed has none
        receipts = [
            {
                "day": rows.day(r.get("received_at")),
                "provider": r.get("provider"),
                "provider_address": r.get("provider_address"),
                "provider_representative": r.get("provider_representative"),
                "provider_kind": r.get("provider_kind"),
                "obtained_by": r.get("provider_obtained_by"),
                "basis": r.get("provider_basis"),
                # Personally referable information: its consent claimed only when on file
                # (None in a report stored before this was said).
                "consent_on_file": r.get("consent_on_file"),
                # A report stored before the basis was recorded has no key for it.
                "basis_recorded": "provider_basis" in r,
                "items": rows.refs("item", r.get("items")),
            }
            for r in (_map(x) for x in _list(report.get("receipt_records")))
        ]
        tables.append(_table(w, "receipt_records", receipts))
    return tables


def layout(answer: Answer, *, templates: Templates = None, era: bool = False) -> Letter:
    """The content of the letter, worded in the answer's language, independent of format.

    ``templates`` (default: the directories the answer was made with) are looked in
    first for ``<lang>/request_texts.j2``; ``era`` dates Japanese letters 令和8年12月2日.
    """
    lang = answer.language
    w = wording(
        lang,
        answer.templates if templates is None else templates,
        era=era,
        controller=answer.controller,
    )
    rows = _Rows(answer)
    c = answer.controller
    letterhead = tuple(
        str(x) for x in (text_in(c, f, lang) for f in ("name", "address", "contact")) if x
    )
    tables = _report_tables(w, rows, answer.report) if answer.report else []
    if answer.changes:
        # The values a correction wrote are in the answer fulfil returned, never stored:
        # its letter says what the data now reads (Art. 34(3)); a rebuilt one cannot.
        now = answer.corrected
        tables.append(
            _table(
                w,
                "changes_values" if now else "changes",
                [
                    {
                        "item": rows.ref("item", item),
                        "action": action,
                        "has_value": item in now,
                        "value": now.get(item),
                    }
                    for item, action in sorted(answer.changes.items())
                ],
            )
        )
    if answer.retained:
        tables.append(
            _table(
                w,
                "retained",
                [{"item": rows.ref("item", r.item), "reason": r.reason} for r in answer.retained],
            )
        )
    if answer.withheld:
        # A correction declined in part (Art. 34(1), (3)), a disclosure withheld (33(2)).
        declined = answer.kind is RequestKind.CORRECTION
        tables.append(
            _table(
                w,
                "declined" if declined else "withheld",
                [
                    {
                        "kind": answer.kind.value,
                        "item": rows.ref("item", x.item),
                        "record_id": x.record_id,
                        "ground": x.ground.value,
                        "article": x.article,
                        "explanation": x.explanation,
                    }
                    for x in answer.withheld
                ],
            )
        )
    if answer.grounds:
        tables.append(
            _table(
                w,
                "grounds",
                [
                    {"ground": g.ground.value, "article": g.article, "explanation": g.explanation}
                    for g in answer.grounds
                ],
            )
        )
    if answer.findings:
        tables.append(
            _table(
                w,
                "findings",
                [
                    {
                        "day": f.at.date(),
                        "note": f.note,
                        "facts": dict(f.facts),
                        "titles": rows.titles,
                        "items": rows.refs("item", sorted(f.items)),
                        "denied": f.denied,
                    }
                    for f in answer.findings
                ],
            )
        )
    kind, state = answer.kind.value, answer.state.value
    if not answer.state.final and answer.extensions:
        state = "extended"  # the one letter about an open request: an extension notice
    elif answer.ground is RefusalGround.NOT_RETAINED and answer.kind in _NOTICE_33_3:
        state = "none_exists"  # Art. 33(3): a notice that it does not exist, no refusal
    return Letter(
        title=w("subject", kind=kind, request_id=answer.request_id, state=state),
        answered=answer.answered_at.date(),
        letterhead=letterhead,
        request_id=answer.request_id,
        kind=str(w.label("KINDS", kind)),
        outcome=w("outcome", state=state),
        paragraphs=tuple(answer.statement.split("\n\n")),
        tables=tuple(tables),
    )


def _render(answer: Answer, name: str, templates: Templates, era: bool) -> str:
    letter = layout(answer, templates=templates, era=era)
    dirs = answer.templates if templates is None else templates
    return render(
        name, answer.language, attrs.asdict(letter, recurse=False), era=era, templates=dirs
    )


def markdown_letter(answer: Answer, *, templates: Templates = None, era: bool = False) -> str:
    """The letter in Markdown (``<lang>/letter.md.j2``)."""
    return _render(answer, "letter.md.j2", templates, era)


def html_letter(answer: Answer, *, templates: Templates = None, era: bool = False) -> str:
    """The letter as a standalone HTML page (``<lang>/letter.html.j2``), every value
    escaped."""
    return _render(answer, "letter.html.j2", templates, era)
