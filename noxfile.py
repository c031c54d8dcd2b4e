"""Developer sessions; CI (.ci/run) runs the same commands."""

from __future__ import annotations

import argparse
import configparser
import json
import os
import shutil
import tempfile
from pathlib import Path

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
    """Run the benchmark scripts (never part of the test suite); the figures of those
    that keep them are merged into benchmarks/results.json. ``bench_engines.py`` compares
    with cedarpy and pycasbin, installed in this session's environment only.
    ``bench_writers.py`` needs a PostgreSQL URL in ``PIPOLICY_BENCH_POSTGRES_URL`` and is
    skipped without one."""
    session.install("-e", ".[dev]")
    keep = ("--json", "benchmarks/results.json")
    session.run("python", "benchmarks/bench_checks.py", *keep)
    # As `pipolicy import` does: ordered ids (--ids random for an engine's default).
    session.run(
        "python", "benchmarks/bench_import.py", "--rows", "1000000", "--ids", "ordered", *keep
    )
    session.run("python", "benchmarks/bench_disclosure.py", *keep)
    session.run("python", "benchmarks/bench_memory.py", *keep)
    session.run("python", "benchmarks/bench_scale.py", "--people", "10000", "1000000", *keep)
    # Against other policy engines: installed in this session only, never a dependency.
    session.install("cedarpy", "pycasbin")
    session.run("python", "benchmarks/bench_engines.py", "--people", "10000", *keep)
    session.run("python", "benchmarks/bench_decisions.py")
    session.run("python", "benchmarks/bench_cpu.py")
    session.run("python", "benchmarks/bench_sql.py")
    session.run("python", "benchmarks/bench_threads.py")
    if os.environ.get("PIPOLICY_BENCH_POSTGRES_URL"):
        session.run("python", "benchmarks/bench_writers.py")


# The decision logic whose every branch a test must pin: the rules, the identity checks
# of requests and the audit hash chain (globs as mutmut's ``only_mutate`` takes them).
MUTATION_TARGETS = (
    "src/pipolicy/rules/*",
    "src/pipolicy/requests/verification.py",
    "src/pipolicy/domain/audit.py",
)
# What the tests read besides tests/ and pyproject.toml, which mutmut copies itself.
MUTATION_ALSO_COPY = ("README.md", "CHANGELOG.md", "LICENSE", "mkdocs.yml", "docs", "examples")


@nox.session(python="3.11")
def mutation(session: nox.Session) -> None:
    """Mutation testing (mutmut 3) of the rules, request verification and the audit chain.

    Slow (about 1,300 mutants; expect an hour or more on two CPUs) and never run by CI
    or by a bare ``nox``. The unmutated suite must pass first (mutmut stops with "failed
    to collect stats" otherwise). Run it as ``nox -s mutation``; arguments after ``--``
    narrow it::

        nox -s mutation -- --only src/pipolicy/domain/audit.py --tests tests/test_audit_pinning.py
        nox -s mutation -- --max-children 4 "pipolicy.domain.audit*"

    ``--only GLOB`` (repeatable) mutates only those files, ``--tests PATH`` (repeatable)
    runs only those tests instead of ``tests/``; everything else goes to ``mutmut run``
    (mutant names or globs, ``--max-children``). The run happens in a copy of the working
    tree under ``.nox/mutation/tmp/mutation`` (recreated each time), configured by a
    ``setup.cfg`` written there, so neither the checkout nor pyproject.toml is touched.

    Reading the result: mutmut changes one small thing in the code at a time (a ``<``
    into ``<=``, a constant, a dropped argument, ...) and runs the tests that reach it.

    * killed (🎉) - a test failed: the behaviour is pinned.
    * survived (🙁) - every test still passed: either a missing test or an equivalent
      mutant (one that cannot change behaviour). These are what to read.
    * no tests (🫥) - no selected test even reaches that function; counts as survived.
    * timeout (⏰) - the mutant made the tests hang; counts as killed.
    * suspicious (🤔) / segfault - took oddly long or crashed; rerun those by name.

    The session ends by printing ``score = (killed + timeout) / (total - skipped)``
    (the same formula as ``mutmut badge``), then every mutant that was not killed.
    Aim for survivors that are all explained as equivalent rather than for 100%. Look at
    one with ``cd .nox/mutation/tmp/mutation && ../../bin/mutmut show NAME`` (a diff),
    list the tests that reach it with ``../../bin/mutmut tests-for-mutant NAME``, and
    ``../../bin/mutmut browse`` for an interactive view.
    """
    parser = argparse.ArgumentParser(prog="nox -s mutation --")
    parser.add_argument("--only", action="append", metavar="GLOB", default=[])
    parser.add_argument("--tests", action="append", metavar="PATH", default=[])
    options, mutmut_args = parser.parse_known_args(session.posargs)
    only: list[str] = options.only or list(MUTATION_TARGETS)
    tests: list[str] = options.tests or ["tests"]

    session.install(".[dev]", "mutmut>=3.8,<4")
    root = Path(__file__).resolve().parent
    if "[tool.mutmut]" in (root / "pyproject.toml").read_text(encoding="utf-8"):
        session.error("pyproject.toml has [tool.mutmut], which would override this session")
    work = Path(session.create_tmp()).resolve() / "mutation"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(
        root,
        work,
        ignore=shutil.ignore_patterns(
            ".git",
            ".nox",
            "*venv",
            "mutants",
            "__pycache__",
            ".*_cache",
            ".hypothesis",
            ".coverage*",
            "site",
            "htmlcov",
        ),
    )
    config = configparser.ConfigParser()
    config.read(work / "setup.cfg")
    config["mutmut"] = {
        "source_paths": "src",
        "only_mutate": "\n".join(only),
        "also_copy": "\n".join(MUTATION_ALSO_COPY),
        # The suite's addopts measure coverage and fail under 90%: a mutant's few tests
        # would always "fail" on that, so coverage is off for every pytest run.
        "pytest_add_cli_args": "\n".join(["--no-cov", "-p", "no:cacheprovider"]),
        "pytest_add_cli_args_test_selection": "\n".join(tests),
        "use_git_change_detection": "false",
    }
    with (work / "setup.cfg").open("w", encoding="utf-8") as f:
        config.write(f)

    session.chdir(work)
    env: dict[str, str | None] = {
        # Without a server the PostgreSQL tests skip; CI=true would make them fail instead.
        "PIPOLICY_TEST_POSTGRES_URL": None,
        "CI": None,
        # Not the session's tmp (inside this checkout): pytester runs inner pytest sessions
        # in temporary directories, which would then find this pyproject.toml's addopts.
        "TMPDIR": tempfile.gettempdir(),
    }
    session.run("mutmut", "run", *mutmut_args, env=env)
    session.run("mutmut", "export-cicd-stats", env=env)
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text(encoding="utf-8"))
    tested = stats["total"] - stats["skipped"]
    caught = stats["killed"] + stats["timeout"]
    score = 100.0 * caught / tested if tested else 0.0
    session.log(f"mutation score {score:.1f}% ({caught} caught of {tested}): {stats}")
    session.run("mutmut", "results", env=env)
