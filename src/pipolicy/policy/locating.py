"""Where a problem is in a policy file: the line and column of the key it is about.

Python's TOML parser gives a position only for a syntax error; a policy that parses
becomes plain dicts, and a problem found later is located by its path
(``purposes.service.items``). This module finds that path in the file's text with a
small scan of the TOML grammar's outline: table headers (``[a.b]``, ``[[a.b]]``), keys
(bare, quoted, dotted), and values only as far as needed to skip them (strings of every
kind, arrays, inline tables, whose keys it records too).

Its limits, which the command line documents: a problem about a key that is absent (a
missing address) points at its table's header, or at nothing when the table is not
written either; a problem about the whole policy ("declare at least one purpose") or
about one element of an array (``items[2]``) points at the nearest key written; the scan
runs only on text the parser accepted, so it never has to guess at broken TOML, and if it
meets something it does not understand it stops and locates what it has found so far.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["Position", "key_positions", "locate", "syntax_position"]

Position = tuple[int, int]
"""A line and a column, both counted from 1 (as editors and compilers print them)."""

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SYNTAX_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_SCALAR_END = set(",]}#\n\r")


class _Stop(Exception):
    """The scan met something it does not understand: keep what was found."""


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.found: dict[str, Position] = {}
        self.array_tables: dict[str, int] = {}
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    # -- positions ---------------------------------------------------------------

    def position(self, index: int) -> Position:
        lo, hi = 0, len(self._line_starts) - 1
        while lo < hi:  # the last line start at or before index
            mid = (lo + hi + 1) // 2
            if self._line_starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, index - self._line_starts[lo] + 1

    def record(self, path: str, index: int) -> None:
        self.found.setdefault(path, self.position(index))

    # -- characters ----------------------------------------------------------------

    def peek(self, n: int = 1) -> str:
        return self.text[self.i : self.i + n]

    def blank(self, newlines: bool) -> None:
        """Skip spaces, and comments and newlines when ``newlines`` (inside arrays)."""
        while self.i < len(self.text):
            c = self.text[self.i]
            if c in " \t" or (newlines and c in "\r\n"):
                self.i += 1
            elif c == "#" and newlines:
                end = self.text.find("\n", self.i)
                self.i = len(self.text) if end < 0 else end
            else:
                return

    def expect(self, what: str) -> None:
        if not self.text.startswith(what, self.i):
            raise _Stop
        self.i += len(what)

    # -- keys ------------------------------------------------------------------------

    def string(self) -> str:
        """A string of any of TOML's four kinds; its raw content (escapes left as they
        are, which is all a key's path needs)."""
        quote = self.peek(3) if self.peek(3) in ('"""', "'''") else self.peek()
        start = j = self.i + len(quote)
        while j < len(self.text):
            if self.text[j] == "\\" and quote[0] == '"':
                j += 2
            elif self.text.startswith(quote, j):
                if len(quote) == 3:  # up to two more quotes belong to the content
                    while self.text.startswith(quote[0], j + 3):
                        j += 1
                self.i = j + len(quote)
                return self.text[start:j]
            elif self.text[j] == "\n" and len(quote) == 1:
                raise _Stop
            else:
                j += 1
        raise _Stop

    def simple_key(self) -> str:
        if self.peek() in ('"', "'"):
            return self.string()
        match = _BARE.match(self.text, self.i)
        if match is None:
            raise _Stop
        self.i = match.end()
        return match.group()

    def key(self) -> list[tuple[str, int]]:
        """A dotted key: its parts, each with the index where it starts."""
        parts = []
        while True:
            self.blank(newlines=False)
            start = self.i
            parts.append((self.simple_key(), start))
            self.blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.i += 1

    def join(self, base: str, parts: list[str]) -> str:
        """``base`` extended by ``parts``, with the current index of each array of tables
        on the way (``purposes.service.changes[1]``)."""
        path = base
        for part in parts:
            path = f"{path}.{part}" if path else part
            if path in self.array_tables:
                path = f"{path}[{self.array_tables[path]}]"
        return path

    # -- values ------------------------------------------------------------------------

    def value(self, path: str) -> None:
        if self.peek() in ('"', "'"):
            self.string()
        elif self.peek() == "[":
            self.array(path)
        elif self.peek() == "{":
            self.inline_table(path)
        else:
            start = self.i
            while self.i < len(self.text) and self.text[self.i] not in _SCALAR_END:
                self.i += 1
            if self.i == start:
                raise _Stop

    def array(self, path: str) -> None:
        self.expect("[")
        index = 0
        while True:
            self.blank(newlines=True)
            if self.peek() == "]":
                self.i += 1
                return
            self.value(f"{path}[{index}]")
            index += 1
            self.blank(newlines=True)
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != "]":
                raise _Stop

    def inline_table(self, path: str) -> None:
        self.expect("{")
        while True:
            self.blank(newlines=False)
            if self.peek() == "}":
                self.i += 1
                return
            self.key_value(path)
            self.blank(newlines=False)
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != "}":
                raise _Stop

    def key_value(self, table: str) -> None:
        parts = self.key()
        for n, (_, start) in enumerate(parts):
            self.record(self.join(table, [p for p, _ in parts[: n + 1]]), start)
        path = self.join(table, [p for p, _ in parts])
        self.expect("=")
        self.blank(newlines=False)
        self.value(path)

    # -- the document ----------------------------------------------------------------

    def header(self) -> str:
        """A table header: the path of the table it opens."""
        many = self.peek(2) == "[["
        opened = self.i
        self.i += 2 if many else 1
        parts = self.key()
        self.expect("]]" if many else "]")
        names = [p for p, _ in parts]
        if many:
            # The path up to the last part, then that part counted as an array of tables.
            base = self.join("", names[:-1])
            array = f"{base}.{names[-1]}" if base else names[-1]
            self.array_tables[array] = self.array_tables.get(array, -1) + 1
            path = f"{array}[{self.array_tables[array]}]"
            self.record(array, opened)
        else:
            path = self.join("", names)
        for n, (_, start) in enumerate(parts[:-1]):
            self.record(self.join("", names[: n + 1]), start)
        self.record(path, opened)
        return path

    def document(self) -> dict[str, Position]:
        table = ""
        try:
            while True:
                self.blank(newlines=True)  # and comments
                if self.i >= len(self.text):
                    break
                if self.peek() == "[":
                    table = self.header()
                else:
                    self.key_value(table)
        except _Stop:
            pass
        return self.found


def key_positions(text: str) -> dict[str, Position]:
    """Where each table and key of a TOML document is written, by path, as the loader
    names locations: ``policy.revised``, ``purposes.service.changes[0].how``,
    ``recipients.shipping.contract.until``. A table written only through its sub-tables
    (``[items.email]`` and no ``[items]``) is where it is first named."""
    return _Scanner(text).document()


def locate(positions: Mapping[str, Position], location: str) -> Position | None:
    """The position of ``location``, else of the nearest enclosing table or key that is
    written (``controller.address``, when absent, is the ``[controller]`` header)."""
    cut = len(location)
    while cut > 0:
        found = positions.get(location[:cut])
        if found is not None:
            return found
        cut = max(location.rfind(".", 0, cut), location.rfind("[", 0, cut))
    return None


def syntax_position(error: ValueError) -> Position | None:
    """Where a TOML syntax error is: from the error's ``lineno`` and ``colno`` (Python
    3.14's tomllib), else from the "(at line L, column C)" its message ends with."""
    line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
    if isinstance(line, int) and isinstance(column, int):
        return line, column
    match = _SYNTAX_AT.search(str(error))
    return (int(match[1]), int(match[2])) if match else None
