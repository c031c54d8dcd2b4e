"""The code in README.md and docs/ runs, so the documentation cannot rot.

Every fenced ``python`` block of a page runs, top to bottom, in one namespace per page.
Blocks that only illustrate (other files, servers) use the ``text`` fence instead.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import pipolicy as pp
from pipolicy.policy.schema import TABLE_KEYS
from tests.factories import json_view, toml_data

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


def test_every_public_name_has_a_docstring_of_its_own_for_the_reference_page() -> None:
    # docs/reference.md renders `::: pipolicy` (its __all__) from the docstrings.
    assert "::: pipolicy\n" in (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    bare = [
        name
        for name in pp.__all__
        if not name.startswith("_") and not (getattr(pp, name).__doc__ or "").strip()
    ]
    assert not bare, f"give these a docstring: {bare}"


def test_mkdocs_nav_lists_every_page() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert pages <= set(re.findall(r"([\w-]+\.md)", nav)), os.fspath(ROOT / "mkdocs.yml")


POLICY_FILE = ROOT / "docs" / "policy-file.md"


def _sections(text: str) -> dict[str, str]:
    """Each heading of a page, with the text up to the next heading."""
    parts = re.split(r"^(#+ .*)$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _heading(table: str) -> str:
    """How policy-file.md heads a table: ``[purposes.<name>]``, ``[[...changes]]``."""
    if not table:
        return "## Top level"
    name = table.replace("*", "<name>").removesuffix("[]")
    return f"`[[{name}]]`" if table.endswith("[]") else f"`[{name}]`"


def test_the_policy_file_page_documents_every_key_of_the_schema_and_no_other() -> None:
    sections = _sections(POLICY_FILE.read_text(encoding="utf-8"))
    for table, keys in TABLE_KEYS.items():
        found = [text for heading, text in sections.items() if _heading(table) in heading]
        assert len(found) == 1, f"docs/policy-file.md needs one section for {_heading(table)}"
        rows = set(re.findall(r"^\| `([\w]+)` \|", found[0], flags=re.M))
        assert rows == set(keys), (
            f"{_heading(table)}: document {sorted(keys - rows)}; no such key {sorted(rows - keys)}"
        )


def _optional(schema: Any) -> Any:
    """The schema without ``required``: the page's examples are parts of a policy."""
    if isinstance(schema, Mapping):
        return {k: _optional(v) for k, v in schema.items() if k != "required"}
    if isinstance(schema, list):
        return [_optional(v) for v in schema]
    return schema


def test_the_policy_file_page_examples_are_valid_parts_of_a_policy() -> None:
    blocks = re.findall(r"^```toml\n(.*?)^```", POLICY_FILE.read_text("utf-8"), re.S | re.M)
    fragments = [b for b in blocks if not b.startswith("# .taplo.toml")]
    assert len(fragments) >= 10
    validator = jsonschema.Draft7Validator(
        _optional(pp.policy_schema()), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    for fragment in fragments:
        errors = [e.message for e in validator.iter_errors(json_view(toml_data(fragment)))]
        assert not errors, (fragment, errors)
