"""Printable letters for answers, in Markdown and HTML, from one layout.

Seed 001 answers by post ("we will mail it to the address stated in the identity
verification document"), so an answer must print: a letterhead, the statement, and for a
disclosure the tables of items, purposes, consents and provision records, and what was
withheld, on which ground (Art. 36). Both formats
are built from the same :class:`Letter` so they never say different things.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from pipolicy.requests.statements import KIND_TITLES

if TYPE_CHECKING:
    from pipolicy.requests.answers import Answer

__all__ = ["Letter", "Table", "html_letter", "layout", "markdown_letter"]


@attrs.frozen
class Table:
    heading: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class Letter:
    letterhead: tuple[str, ...]
    meta: tuple[tuple[str, str], ...]
    paragraphs: tuple[str, ...]
    tables: tuple[Table, ...]


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else []


def _map(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value) or "-"
    return str(value)


def _day(value: object) -> str:
    return str(value)[:10] if value else "-"


def _report_tables(report: Mapping[str, object]) -> list[Table]:
    tables: list[Table] = []
    rows: list[tuple[str, ...]]
    items = [_map(i) for i in _list(report.get("items"))]
    if "items" in report:
        rows = []
        for i in items:
            values = _map(i.get("values"))
            shown = (
                _text(next(iter(values.values())))
                if len(values) == 1
                else "; ".join(f"{s}: {_text(v)}" for s, v in values.items()) or "-"
            )
            acquired = "; ".join(
                f"{_day(a.get('acquired_at'))} via {a.get('channel')}"
                + (f" from {a.get('source')}" if a.get("source") else "")
                for a in (_map(x) for x in _list(i.get("acquisitions")))
            )
            rows.append(
                (
                    _text(i.get("title")),
                    shown,
                    _text(i.get("purposes")),
                    acquired or "no acquisition recorded",
                )
            )
        tables.append(
            Table(
                "Personal data we hold",
                ("Item", "Content", "Purposes of use", "Acquired (date, channel, source)"),
                tuple(rows),
            )
        )
    purposes = [_map(p) for p in _list(report.get("purposes"))]
    if "purposes" in report:
        with_items = any("items" in p for p in purposes)
        tables.append(
            Table(
                "Purposes of use",
                ("Purpose", "Description", *(("Items",) if with_items else ())),
                tuple(
                    (
                        _text(p.get("name")),
                        _text(p.get("title")),
                        *((_text(p.get("items")),) if with_items else ()),
                    )
                    for p in purposes
                ),
            )
        )
    if "consents" in report:
        rows = []
        for c in (_map(x) for x in _list(report.get("consents"))):
            scope = (
                f"purpose {c.get('purpose')}"
                if c.get("purpose")
                else f"provision to {c.get('recipient')}"
            )
            history = "; ".join(
                f"{h.get('status')} {_day(h.get('at'))}"
                for h in (_map(x) for x in _list(c.get("history")))
            )
            rows.append(
                (
                    scope,
                    _text(c.get("items")),
                    _text(c.get("status")),
                    history,
                    _text(c.get("method")),
                )
            )
        tables.append(
            Table(
                "Your consents", ("Scope", "Items", "Status", "History", "How given"), tuple(rows)
            )
        )
    if "provision_records" in report:
        tables.append(
            Table(
                "Records of provision to others",
                ("Date", "Recipient", "Items", "Purpose", "Basis"),
                tuple(
                    (
                        _day(r.get("provided_at")),
                        _text(r.get("recipient_name") or r.get("recipient")),
                        _text(r.get("items")),
                        _text(r.get("purpose")),
                        _text(r.get("basis")),
                    )
                    for r in (_map(x) for x in _list(report.get("provision_records")))
                ),
            )
        )
    return tables


def layout(answer: Answer) -> Letter:
    """The content of the letter, independent of format."""
    c = answer.controller
    letterhead = tuple(x for x in (c.name, c.address, c.contact) if x)
    meta = (
        ("Date", answer.answered_at.date().isoformat()),
        ("Request", f"{KIND_TITLES[answer.kind]} ({answer.request_id})"),
        ("Outcome", answer.state.value.replace("_", " ")),
    )
    tables = _report_tables(answer.report) if answer.report else []
    if answer.changes:
        tables.append(
            Table("Changes made", ("Item", "Change"), tuple(sorted(answer.changes.items())))
        )
    if answer.retained:
        tables.append(
            Table(
                "Items kept under a legal duty",
                ("Item", "Reason"),
                tuple((r.item, r.reason) for r in answer.retained),
            )
        )
    if answer.withheld:
        tables.append(
            Table(
                "Withheld from disclosure (APPI Art. 33(2))",
                ("Item or record", "Ground", "Article", "Explanation"),
                tuple((w.name, w.ground.value, w.article, w.explanation) for w in answer.withheld),
            )
        )
    if answer.grounds:
        tables.append(
            Table(
                "Grounds we found for your request (APPI Art. 35)",
                ("Ground", "Article", "Explanation"),
                tuple((g.title, g.article, g.explanation) for g in answer.grounds),
            )
        )
    if answer.findings:
        tables.append(
            Table(
                "What our records show",
                ("Date", "Finding"),
                tuple((f.at.date().isoformat(), f.summary) for f in answer.findings),
            )
        )
    return Letter(letterhead, meta, tuple(answer.statement.split("\n\n")), tuple(tables))


def _md_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(t: Table) -> Iterable[str]:
    yield f"## {t.heading}"
    yield ""
    if not t.rows:
        yield "None."
        return
    yield "| " + " | ".join(t.columns) + " |"
    yield "|" + "---|" * len(t.columns)
    for row in t.rows:
        yield "| " + " | ".join(_md_cell(v) for v in row) + " |"


def markdown_letter(answer: Answer) -> str:
    letter = layout(answer)
    lines = [f"# {letter.letterhead[0]}" if letter.letterhead else "# Answer"]
    lines += [f"{x}  " for x in letter.letterhead[1:]]
    lines.append("")
    lines += [f"**{k}:** {_md_cell(v)}  " for k, v in letter.meta]
    for p in letter.paragraphs:
        lines += ["", p]
    for t in letter.tables:
        lines.append("")
        lines += list(_md_table(t))
    return "\n".join(lines) + "\n"


def _html_table(t: Table) -> str:
    e = html.escape
    if not t.rows:
        return f"<h2>{e(t.heading)}</h2>\n<p>None.</p>"
    head = "".join(f"<th>{e(c)}</th>" for c in t.columns)
    body = "\n".join("<tr>" + "".join(f"<td>{e(v)}</td>" for v in row) + "</tr>" for row in t.rows)
    return (
        f"<h2>{e(t.heading)}</h2>\n<table>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


_STYLE = (
    "body{font-family:serif;max-width:48em;margin:2em auto}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{border:1px solid #444;padding:.3em;text-align:left;vertical-align:top}"
    "@media print{body{margin:0}}"
)


def html_letter(answer: Answer) -> str:
    e = html.escape
    letter = layout(answer)
    head = "<br>\n".join(e(x) for x in letter.letterhead)
    meta = "\n".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in letter.meta)
    paras = "\n".join(f"<p>{e(p)}</p>" for p in letter.paragraphs)
    tables = "\n".join(_html_table(t) for t in letter.tables)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{e(letter.meta[1][1])}</title><style>{_STYLE}</style></head>\n"
        f"<body>\n<header><p>{head}</p></header>\n<dl>\n{meta}\n</dl>\n{paras}\n{tables}\n"
        "</body>\n</html>\n"
    )
