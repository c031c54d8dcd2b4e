"""Well-formed HTML, as the notice and letter tests check it."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any, ClassVar


class Balanced(HTMLParser):
    """Feed it a page; ``problems`` lists every end tag that closes the wrong element and
    ``stack`` what is left open."""

    VOID: ClassVar[frozenset[str]] = frozenset({"meta", "br", "hr", "img", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()
