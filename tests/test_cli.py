"""The command line: demo, lint, audit."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pipolicy as pp
from pipolicy.cli import main
from tests.factories import CONTROLLER_TOML


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_demo_tells_the_story_with_bases_and_citations() -> None:
    code, text = run("demo", "--store", "memory://")
    assert code == 0
    assert "basis=entrustment" in text and "APPI Art. 27(5)(i)" in text
    assert "no prior consent" in text
    assert "basis=exemption" in text
    assert "verified=yes" in text
    assert text.count("DENIED") >= 4


def test_demo_with_an_explicit_policy_file() -> None:
    code, text = run(
        "demo", "--store", "memory://", "--policy", str(pp.example_policy_path("indigo_blue"))
    )
    assert code == 0 and "indigo_blue.toml" in text


def test_lint_lists_every_problem_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[policy]\nversion = "1"\nrevised = 2026-01-01\n'
        + CONTROLLER_TOML
        + '[items.email]\n[purposes.p]\nitems = ["email", "ghost"]\n'
        '[provision]\ngrounds = ["consent", "other_services_operation"]\n',
        encoding="utf-8",
    )
    code, text = run("lint", str(bad), str(pp.example_policy_path("indigo_blue")))
    assert code == 1
    assert "2 problem(s)" in text
    assert "purposes.p.items" in text and "provision.grounds" in text
    assert "indigo_blue.toml: ok" in text


def test_errors_exit_with_2_and_a_message(capsys: object) -> None:
    code, _ = run("demo", "--store", "nosuch://x")
    assert code == 2


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipolicy", "lint", str(pp.example_policy_path("indigo_blue"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout
