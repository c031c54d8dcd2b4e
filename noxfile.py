"""Developer sessions; CI (.ci/run) runs the same commands."""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["lint", "typing", "tests"]
nox.options.reuse_existing_virtualenvs = True


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    """The whole suite with branch coverage of src/ (PostgreSQL tests skip without a server)."""
    session.install("-e", ".[dev]")
    session.run("pytest", *session.posargs)


@nox.session(python="3.11")
def tests_postgres(session: nox.Session) -> None:
    """The SQL tests against a real PostgreSQL started by .ci/postgres.sh (needs root on Debian)."""
    session.install("-e", ".[dev]")
    url = session.run("bash", ".ci/postgres.sh", silent=True, external=True)
    assert isinstance(url, str)
    env = {
        "PIPOLICY_TEST_POSTGRES_URL": url.strip().splitlines()[-1],
        "CI": os.environ.get("CI", ""),
    }
    session.run("pytest", "tests/sql", "--no-cov", *session.posargs, env=env)


@nox.session(python="3.11")
def typing(session: nox.Session) -> None:
    """mypy --strict on src, tests and examples."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """Build the documentation strictly (broken links and missing pages fail)."""
    session.install("-e", ".[dev]")
    session.run("mkdocs", "build", "--strict")


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Run the benchmark scripts (never part of the test suite)."""
    session.install("-e", ".[dev]")
    for script in sorted(os.listdir("benchmarks")):
        if script.endswith(".py"):
            session.run("python", f"benchmarks/{script}", *session.posargs)
