"""Consents to import, read from a CSV or JSON Lines file (``pipolicy import``).

One consent per row or line, with these columns or keys (only ``ref`` and one of
``purpose`` and ``recipient`` are required)::

    ref,purpose,recipient,items,category,method,evidence_ref,given_by,expires
    user-1,newsletter,,,customer,web-form,signup-v3,person,
    user-1,,partner,email phone,customer,checkbox,partner-v1,person,2027-12-01T00:00:00+09:00

``items`` is a list in JSON, names separated by spaces in CSV; ``expires`` is ISO 8601
with its offset; ``method`` defaults to ``"import"``. ``foreign_info`` (optional, after
the others) names what the person was shown about a recipient abroad before consenting
(Art. 28, :attr:`Evidence.foreign_info`): without it a consent to provision abroad
allows nothing. ``foreign_country`` (optional) is the country (ISO 3166 code) that
information was about: a row given under an earlier version of the policy needs it, as
the recipient may have been elsewhere then (PPC Rules Art. 17(1); without it the consent
covers no country abroad). ``given_at`` (optional) is when the person consented, ISO 8601 with
its offset, and ``policy_version`` the version of the policy they were shown then: an
import judges a yes by its day, so one given before a purpose changed beyond relevance
reaches only the old meaning (R-CON-3; see :class:`~pipolicy.ConsentImport`). Rows
are read lazily, so a file of millions of rows never sits in memory; a malformed row is
an :class:`InvalidInput` naming its line, never its values.

Files are UTF-8 (a byte order mark is passed over) unless told otherwise: a CSV that
Excel saves in Japanese is Shift_JIS as Windows writes it, ``encoding="cp932"``. The
file is split into lines (at ``\n``, ``\r\n`` or a lone ``\r``) before it is decoded,
so a line that is not in the encoding is refused by its number; that is why only
encodings that write ASCII as ASCII and keep no state from one line to the next are
taken (not UTF-16 nor ISO-2022-JP: convert such a file to UTF-8 first).
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Generator, Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from pipolicy.domain.consents import Evidence
from pipolicy.errors import InvalidInput
from pipolicy.importing import ConsentImport
from pipolicy.policy.validation import country_code

__all__ = ["COLUMNS", "read_consents", "read_numbered"]

COLUMNS = (
    "ref",
    "purpose",
    "recipient",
    "items",
    "category",
    "method",
    "evidence_ref",
    "given_by",
    "expires",
    "foreign_info",
    "given_at",
    "policy_version",
    "foreign_country",
)


def read_consents(path: str | Path, *, encoding: str = "utf-8") -> Iterator[ConsentImport]:
    """The consents in ``path``: JSON Lines if it ends in ``.jsonl`` or ``.ndjson``, CSV
    (with a header row) otherwise; its text in ``encoding`` (``"cp932"`` for Shift_JIS)."""
    return (row for _, row in read_numbered(path, encoding=encoding))


def read_numbered(
    path: str | Path, *, encoding: str = "utf-8"
) -> Iterator[tuple[int, ConsentImport]]:
    """:func:`read_consents`, each consent with the file's line it ends on (a header, a
    blank line or a quoted field across lines set lines and rows apart): what names a
    row the engine refuses (:class:`~pipolicy.importing.RowRefused`) in the file."""
    path = Path(path)
    codec = _codec(encoding)
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return _jsonl(path, codec)
    return _csv(path, codec)


def _codec(encoding: str) -> str:
    """The codec to decode ``encoding`` with, refusing one whose lines cannot be split
    before decoding: its newline or comma is not the ASCII byte (UTF-16), or it keeps a
    shift into another character set from one line to the next (ISO-2022, HZ, UTF-7)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InvalidInput(f"unknown text encoding {encoding!r}") from None
    if name in ("utf-8", "utf-8-sig"):
        return "utf-8-sig"  # UTF-8, passing over a byte order mark (Excel writes one)
    if (
        codecs.encode('\n\r,"{}', name) != b'\n\r,"{}'
        or name.startswith("iso2022")
        or name in ("hz", "utf-7")
    ):
        raise InvalidInput(
            f"{encoding}: a file to import must be in an encoding that writes ASCII as "
            "ASCII and keeps no state across lines (utf-8, cp932, euc-jp...); convert it "
            "to UTF-8 first"
        )
    return name


def _lines(path: Path, codec: str) -> Generator[str, None, None]:
    """The file's lines as text, each with its line ending, decoded one at a time so a
    line not in the encoding is refused by its number (its bytes are never shown)."""
    decoder = codecs.getincrementaldecoder(codec)()
    with path.open("rb") as f:
        for number, raw in enumerate(_raw_lines(f), start=1):
            try:
                # Each line whole (final): in the encodings _codec takes no character
                # spans a line ending, and one cut off by the end of the file is
                # refused before its line is read.
                text = decoder.decode(raw, final=True)
            except UnicodeDecodeError:
                shown = "utf-8" if codec == "utf-8-sig" else codec
                hint = "" if shown == "cp932" else _CP932_HINT
                raise InvalidInput(f"{path.name}, line {number}: not {shown} text{hint}") from None
            yield text


def _raw_lines(f: BinaryIO) -> Iterator[bytes]:
    """The file's lines as bytes, each with its ending: ``\\n``, ``\\r\\n`` or a lone
    ``\\r`` (Excel for Mac's "CSV (Macintosh)"), read a block at a time."""
    pending = b""
    while block := f.read(1 << 16):
        lines = (pending + block).splitlines(keepends=True)
        # The last line may go on in the next block (a "\r" its "\n" may follow).
        pending = b"" if lines[-1].endswith(b"\n") else lines.pop()
        yield from lines
    if pending:
        yield pending


_CP932_HINT = (
    " (a file saved by Excel in Japanese is usually cp932, Shift_JIS: read it with "
    "encoding='cp932', or pipolicy import --encoding cp932)"
)


def _csv(path: Path, codec: str) -> Iterator[tuple[int, ConsentImport]]:
    with closing(_lines(path, codec)) as lines:
        reader = csv.DictReader(lines)
        with _csv_errors(path, reader):
            header = reader.fieldnames
        unknown = [n for n, column in enumerate(header or (), start=1) if column not in COLUMNS]
        first: dict[str, int] = {}
        for n, column in enumerate(header or (), start=1):
            if column in COLUMNS and first.setdefault(column, n) != n:
                # The csv module would keep the last silently: a row's purpose unseen.
                raise InvalidInput(
                    f"{path.name}: the header's column {n} repeats column {first[column]} "
                    f"({column}): name each column once"
                )
        if "ref" not in (header or ()) or unknown:
            raise InvalidInput(
                f"{path.name}: the header must name columns among {', '.join(COLUMNS)} "
                f"and include ref{_unknown_columns(unknown)}"
            )
        while True:
            with _csv_errors(path, reader):
                row = next(reader, None)
            if row is None:
                return
            line = reader.line_num
            if None in row:
                raise InvalidInput(f"{path.name}, line {line}: more fields than the header")
            fields: dict[str, object] = {k: v for k, v in row.items() if v not in (None, "")}
            if "items" in fields:
                fields["items"] = str(fields["items"]).split()
            yield line, _consent(fields, f"{path.name}, line {line}")


def _unknown_columns(numbers: list[int]) -> str:
    """Where the header names what it does not know, by column number: never the names,
    which, in a file exported without its header row, are the first person's data."""
    if not numbers:
        return ""
    count = "1 column" if len(numbers) == 1 else f"{len(numbers)} columns"
    where = ", ".join(map(str, numbers[:10])) + (", ..." if len(numbers) > 10 else "")
    return (
        f"; {count} it does not know: column{'' if len(numbers) == 1 else 's'} {where} (names not repeated here: without "
        "a header row, the first row's data stands where the names belong)"
    )


@contextmanager
def _csv_errors(path: Path, reader: csv.DictReader[str]) -> Iterator[None]:
    """What the csv module refuses (a NUL, a quote never closed, a field over its
    limit), as :class:`InvalidInput` naming the line; its message holds no values."""
    try:
        yield
    except csv.Error as e:
        # The reader's own count: DictReader's is set only once a row is read.
        line = reader.reader.line_num
        raise InvalidInput(f"{path.name}, line {line}: not CSV ({e})") from None


def _jsonl(path: Path, codec: str) -> Iterator[tuple[int, ConsentImport]]:
    with closing(_lines(path, codec)) as lines:
        for line, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                fields = json.loads(text, object_pairs_hook=_once_each)
            except _Repeated as e:
                named = "a key" if e.key is None else f"the key {e.key}"
                raise InvalidInput(
                    f"{path.name}, line {line}: {named} is given twice: give each key once"
                ) from None
            except ValueError:
                raise InvalidInput(f"{path.name}, line {line}: not a JSON object") from None
            if not isinstance(fields, dict):
                raise InvalidInput(f"{path.name}, line {line}: not a JSON object")
            unknown = [key for key in fields if key not in COLUMNS]
            if unknown:
                raise InvalidInput(
                    f"{path.name}, line {line}: {len(unknown)} unknown "
                    f"key{'' if len(unknown) == 1 else 's'} (not repeated here: a key may "
                    f"itself be personal data); the keys are among {', '.join(COLUMNS)}"
                )
            yield line, _consent(fields, f"{path.name}, line {line}")


class _Repeated(Exception):
    """A JSON object naming a key twice: ``key`` if it is one of :data:`COLUMNS`."""

    def __init__(self, key: str | None) -> None:
        self.key = key


def _once_each(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object's keys and values, refusing a key given twice, which ``json`` would
    keep the last of silently (a line's purpose unseen, as in a CSV header naming a column
    twice). Only a key among :data:`COLUMNS` is named: any other may be personal data."""
    fields: dict[str, object] = {}
    for key, value in pairs:
        if key in fields:
            raise _Repeated(key if key in COLUMNS else None)
        fields[key] = value
    return fields


def _consent(fields: Mapping[str, object], where: str) -> ConsentImport:
    def text(key: str) -> str | None:
        value = fields.get(key)
        if value is None or isinstance(value, str):
            return value
        raise InvalidInput(f"{where}: {key} must be text")

    ref = text("ref")
    if not ref:
        raise InvalidInput(f"{where}: ref is missing")
    items = fields.get("items", [])
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InvalidInput(f"{where}: items must be a list of names")
    expires = _instant(text("expires"), "expires", "the consent ends", where)
    given_at = _instant(text("given_at"), "given_at", "the person consented", where)
    try:
        evidence = Evidence(
            text("method") or "import",
            text("evidence_ref") or "",
            text("given_by") or "person",
            text("foreign_info") or "",
            _country(text("foreign_country"), text("foreign_info"), where),
        )
        return ConsentImport(
            ref,
            purpose=text("purpose"),
            recipient=text("recipient"),
            items=frozenset(items),
            category=text("category"),
            evidence=evidence,
            expires=expires,
            given_at=given_at,
            policy_version=text("policy_version"),
        )
    except (TypeError, ValueError) as e:
        raise InvalidInput(f"{where}: {e}") from None


def _country(code: str | None, shown: str | None, where: str) -> str:
    """The country a row's foreign information was about: a two-letter ISO 3166 code of
    a foreign country, and only with the information it names (never repeated in the
    error: a column that slipped may hold the person's data)."""
    if code is None:
        return ""
    if not shown:
        raise InvalidInput(f"{where}: foreign_country needs foreign_info, the information shown")
    if not country_code(code) or code == "JP":
        raise InvalidInput(
            f"{where}: foreign_country is not the two-letter ISO 3166 code of a foreign "
            "country (e.g. US, CN)"
        )
    return code


def _instant(when: str | None, key: str, moment: str, where: str) -> datetime | None:
    """``when`` read as ISO 8601 with its offset; never in UTC or the machine's zone,
    which would put ``moment`` hours off."""
    if when is None:
        return None
    try:
        at = datetime.fromisoformat(when)
    except ValueError:
        raise InvalidInput(f"{where}: {key} is not an ISO 8601 date and time") from None
    if at.tzinfo is None:
        dated = "T" not in when.upper() and " " not in when.strip()
        said = "is a date without a time" if dated else "has no UTC offset"
        raise InvalidInput(
            f"{where}: {key} {said}: give the moment {moment} with its offset, "
            "e.g. 2027-12-01T00:00:00+09:00"
        )
    return at
