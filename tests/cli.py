"""Running the command line as a user does: ``python -m pipolicy`` in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``pipolicy ARGS`` with its exit code, stdout and stderr (text)."""
    return subprocess.run(
        [sys.executable, "-m", "pipolicy", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )
