"""Lint says where a problem is: file:line:column, found by scanning the text for the key
(pipolicy.policy.locating), and tomllib's own position for a syntax error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import pipolicy as pp
from pipolicy.policy.locating import key_positions, locate
from tests.factories import CONTROLLER_TOML, toml_data

EXAMPLES = sorted(Path(pp.example_policy_path("indigo")).parent.glob("*.toml"))


def _paths(value: Any, path: str = "") -> list[str]:
    """Every key of parsed TOML, as the loader names locations."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            here = f"{path}.{key}" if path else key
            found += [here, *_paths(child, here)]
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_key_of_the_examples_is_found_on_its_own_line(example: Path) -> None:
    text = example.read_text(encoding="utf-8")
    positions = key_positions(text)
    lines = text.splitlines()
    for path in _paths(toml_data(text)):
        assert path in positions, path
        line, column = positions[path]
        last = path.rsplit(".", 1)[-1].split("[")[0]
        assert last in lines[line - 1][column - 1 :], (path, lines[line - 1])


TRICKY = '''\
# [controller] in a comment is not a table
[policy]
version = "1"  # a comment with key = "value"
revised = 2026-01-01
"languages" = ["ja",
  # a comment inside an array, with [brackets]
  "en"]

[controller]
name = """
[items.fake]
fake = "inside a multi-line string"
"""
address = 'C:\\path\\ [not a table]'
contact.ja = "窓口"
contact.en = "Desk"

[recipients.shipping]
contract = { confidentiality = true, until = 2027-03-31, reference = "a, b = c" }

[[purposes.service.changes]]
revised = 2026-01-01

[[purposes.service.changes]]
related = true
statement = "why"

[purposes.service.changes_note]
x = 1
'''


def test_the_scan_finds_keys_past_strings_comments_and_inline_tables() -> None:
    toml_data(TRICKY)  # valid TOML, as load_policy scans only what parsed
    positions = key_positions(TRICKY)
    assert positions["policy"] == (2, 1)
    assert positions["policy.version"] == (3, 1)
    assert positions["policy.languages"] == (5, 1)  # a quoted key, a multi-line array
    assert positions["controller"] == (9, 1)  # the header, not the comment on line 1
    assert positions["controller.name"] == (10, 1)
    assert "items" not in positions and "controller.fake" not in positions
    assert positions["controller.address"] == (14, 1)
    assert positions["controller.contact"] == (15, 1)  # a dotted key names its table
    assert positions["controller.contact.en"] == (16, 9)
    assert positions["recipients.shipping.contract"] == (19, 1)
    assert positions["recipients.shipping.contract.until"] == (19, 38)
    assert positions["recipients.shipping.contract.reference"] == (19, 58)
    assert positions["purposes.service.changes"] == (21, 1)
    assert positions["purposes.service.changes[0].revised"] == (22, 1)
    assert positions["purposes.service.changes[1]"] == (24, 1)
    assert positions["purposes.service.changes[1].statement"] == (26, 1)
    assert positions["purposes.service.changes_note.x"] == (29, 1)


def test_an_absent_key_is_located_at_its_table_and_an_unwritten_table_nowhere() -> None:
    positions = key_positions(TRICKY)
    assert locate(positions, "controller.representative") == (9, 1)
    assert locate(positions, "recipients.shipping.contract.no_reprovision") == (19, 1)
    assert locate(positions, "purposes.service.changes[1].how") == (24, 1)
    assert locate(positions, "policy.languages[3]") == (5, 1)
    assert locate(positions, "joint_use.x.published") is None
    assert locate(positions, "(top level)") is None


def test_the_scan_stops_quietly_on_what_it_does_not_understand() -> None:
    positions = key_positions('[policy]\nversion = "1"\n= oops\n[controller]\n')
    assert positions == {"policy": (1, 1), "policy.version": (2, 1)}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_policy_gives_each_problem_its_line_and_column(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[policy]\nversion = "1"\nrevised = 2026-01-01\n'
        + CONTROLLER_TOML
        + '[items.email]\ntitle = "E-mail"\n'
        + '[purposes.p]\ntitle = "P"\n    items = ["email", "ghost"]\nretension = "3 years"\n',
    )
    lines = path.read_text(encoding="utf-8").splitlines()
    with pytest.raises(pp.PolicyError) as error:
        pp.load_policy(path)
    found = {p.location: (p.line, p.column) for p in error.value.problems}
    items = lines.index('    items = ["email", "ghost"]') + 1
    assert found["purposes.p.items"] == (items, 5)
    assert found["purposes.p.retension"] == (items + 1, 1)
    # Positions describe the file: equality of problems ignores them.
    assert pp.PolicyProblem("a", "b", line=1, column=1) == pp.PolicyProblem("a", "b")


def test_lint_prints_file_line_column_for_editors_and_ci(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[policy]\nversion = "1"\nrevised = 2026-01-01\n'
        + CONTROLLER_TOML
        + '[items.email]\n[purposes.p]\nitems = ["email", "ghost"]\n',
    )
    syntax = tmp_path / "syntax.toml"
    syntax.write_text('[policy]\nversion = "1"\nrevised = 2026-01-01 oops\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pipolicy", "lint", str(path), str(syntax)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    items = path.read_text(encoding="utf-8").splitlines().index('items = ["email", "ghost"]') + 1
    assert f"{path}:{items}:1: purposes.p.items: unknown item 'ghost'" in done.stdout
    assert f"{syntax}:3:22: not valid TOML" in done.stdout
    assert f"{path}: 1 problem(s)" in done.stdout
