"""The command line behaves like ruff or alembic: driven as a user drives it, in a
subprocess. Exit codes: 0 fine, 1 problems found, 2 usage or environment error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import pipolicy as pp
from tests.cli import run_cli

pytest.importorskip("sqlalchemy", reason="the db and audit commands need the sql extra")


_cli = run_cli


def test_version() -> None:
    done = _cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"pipolicy {pp.__version__}"


def test_audit_verify_refuses_a_sqlite_file_that_does_not_exist(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    done = _cli("audit", "verify", "--store", f"sqlite:///{typo}")
    assert done.returncode == 2
    assert "no SQLite database" in done.stderr and "Traceback" not in done.stderr
    assert not typo.exists()  # nothing created, no "verified: 0 events"


def test_db_current_and_upgrade_sql_for_a_dba(tmp_path: Path) -> None:
    db = tmp_path / "pi.db"
    import sqlite3

    sqlite3.connect(db).close()  # an empty database
    url = f"sqlite:///{db}"
    before = _cli("db", "current", url)
    assert before.returncode == 1 and "revision none (empty)" in before.stdout
    sql = _cli("db", "upgrade", url, "--sql")
    assert sql.returncode == 0
    assert "CREATE TABLE pipolicy_subjects" in sql.stdout
    assert "CREATE TABLE pipolicy_audit_queue" in sql.stdout
    assert _cli("db", "current", url).returncode == 1  # --sql ran nothing
    assert _cli("db", "upgrade", url).returncode == 0
    after = _cli("db", "current", url)
    assert after.returncode == 0 and "(latest)" in after.stdout
    assert "nothing to run" in _cli("db", "upgrade", url, "--sql").stdout


def test_a_user_error_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    for args in (
        ("notice", str(tmp_path / "missing.toml")),
        ("notice", str(tmp_path)),
        ("audit", "checkpoint", "--store", "nosuchscheme://x"),
        ("db", "current", "postgresql//app:S3cret@db/pi"),
    ):
        done = _cli(*args)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr and done.stderr.startswith("error: "), args
        assert "S3cret" not in done.stderr
    assert _cli("nosuchcommand").returncode == 2  # usage


def test_a_closed_pipe_ends_the_demo_quietly(tmp_path: Path) -> None:
    done = subprocess.run(
        f"{sys.executable} -m pipolicy demo --store memory:// | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert done.stdout.startswith("pipolicy demo:")
    assert done.stderr == ""


def test_lint_exit_code_says_whether_problems_were_found(tmp_path: Path) -> None:
    good = pp.example_policy_path("indigo")
    bad = pp.example_policy_path("indigo_as_written")
    assert _cli("lint", str(good)).returncode == 0
    found = _cli("lint", str(good), str(bad))
    assert found.returncode == 1 and "problem" in found.stdout


def test_r_use_1_lint_prints_a_warning_passes_and_fails_only_when_strict() -> None:
    """A lawful declaration that puts the business at risk (seed 002's purpose "accepted
    individually", Art. 17(1)) is a warning: printed, exit 0; ``--strict`` fails on it."""
    path = str(pp.example_policy_path("handling_agreement"))
    plain = _cli("lint", path)
    assert plain.returncode == 0, plain.stdout
    assert "warning(s)" in plain.stdout and " warning: purposes.individual.title:" in plain.stdout
    strict = _cli("lint", "--strict", "--json", path)
    assert strict.returncode == 1 and '"ok": false' in strict.stdout
    as_json = _cli("lint", "--json", path)
    assert as_json.returncode == 0
    assert '"severity": "warning"' in as_json.stdout and '"rule": "vague-purpose"' in as_json.stdout
