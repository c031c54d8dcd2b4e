"""The example applications' own test suites pass, each run as that application runs it.

``examples/fastapi_app`` and ``examples/django_app`` are small applications with their
own ``pytest.ini`` and ``conftest.py``: pipolicy's pytest plugin loads by its entry point
there (this suite disables it with ``-p no:pipolicy``), and Django's settings apply to
the Django app's session only. So each suite runs in a ``pytest`` process of its own, in
its folder, exactly as ``cd examples/django_app && pytest`` would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# Tests each suite has at least (each runs once per database it is given).
APPS = {"fastapi_app": 9, "django_app": 8}


@pytest.mark.parametrize("app", sorted(APPS))
def test_the_example_apps_own_tests_pass(app: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q"],
        cwd=EXAMPLES / app,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    summary = result.stdout.strip().splitlines()[-1]
    found = re.search(r"(\d+) passed", summary)
    assert found is not None and int(found.group(1)) >= APPS[app], summary
    assert "failed" not in summary and "error" not in summary, summary
    if os.environ.get("PIPOLICY_TEST_POSTGRES_URL", "").strip():
        assert "skipped" not in summary, output[-3000:]  # PostgreSQL ran too
