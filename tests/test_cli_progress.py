"""Long commands show progress on a terminal and nothing when piped (issue 11 §4):
``pipolicy import`` counts rows, ``pipolicy audit verify`` counts events."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

import pipolicy as pp

pytest.importorskip("tqdm", reason="progress bars come from the cli extra")
pytest.importorskip("sqlalchemy", reason="the store here is SQLite")


def _on_a_terminal(*args: str) -> tuple[int, str, str]:
    """Run ``pipolicy ARGS`` with stderr on a pseudo-terminal; exit code, stdout, stderr."""
    leader, follower = pty.openpty()
    # A terminal 100 columns wide (a new pseudo-terminal is 0 by 0: nothing would fit).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pipolicy", *args],
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=120,
            check=False,
        )
        os.close(follower)
        follower = -1
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end is closed: all was read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    return done.returncode, done.stdout, seen.decode("utf-8", "replace")


def _file(tmp_path: Path) -> tuple[str, str, str]:
    data = tmp_path / "consents.csv"
    data.write_text(
        "ref,purpose\n" + "".join(f"user-{n},customization\n" for n in range(30)),
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'pi.db'}"
    return str(data), url, str(pp.example_policy_path("indigo_blue"))


def test_import_and_verify_show_progress_on_a_terminal(tmp_path: Path) -> None:
    data, url, policy = _file(tmp_path)
    code, out, err = _on_a_terminal("import", data, "--store", url, "--policy", policy)
    assert code == 0, err
    assert "30 consents recorded" in out
    assert "30/30" in err and "rows" in err
    code, out, err = _on_a_terminal("audit", "verify", "--store", url)
    assert code == 0, err
    assert "audit log verified: 61 events" in out
    assert "verifying" in err and "events" in err


def test_verify_says_nothing_on_stderr_when_piped(tmp_path: Path) -> None:
    data, url, policy = _file(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "pipolicy", "import", data, "--store", url, "--policy", policy],
        capture_output=True,
        check=True,
        timeout=120,
    )
    done = subprocess.run(
        [sys.executable, "-m", "pipolicy", "audit", "verify", "--store", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("audit log verified: 61 events")
