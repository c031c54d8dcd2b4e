"""The code in README.md and docs/ runs, so the documentation cannot rot.

Every fenced ``python`` block of a page runs, top to bottom, in one namespace per page.
Blocks that only illustrate (other files, servers) use the ``text`` fence instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import pipolicy as pp

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_code_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = FENCE.findall(page.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for i, block in enumerate(blocks):
        code = compile(block, f"{page.name}[block {i}]", "exec")
        exec(code, namespace)


def test_api_reference_names_every_public_name() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [name for name in pp.__all__ if not name.startswith("_") and f"`{name}" not in text]
    assert not missing, f"document these in docs/api.md: {missing}"


def test_mkdocs_nav_lists_every_page() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert pages <= set(re.findall(r"([\w-]+\.md)", nav)), os.fspath(ROOT / "mkdocs.yml")
