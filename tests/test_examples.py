"""Every script in examples/ runs to completion, so the examples cannot rot."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(
    script: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(script), run_name="__main__")
    assert capsys.readouterr().out.strip()


def test_r_req_8_the_request_example_prints_the_last_day_to_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example's request arrives on 22 November 2026 in Tokyo and its policy gives 14
    days: the last day to answer is 6 December. ``Request.due`` is the first instant
    after that day (7 December 00:00 in Tokyo), which a reader must never be shown as
    the day the answer is due."""
    monkeypatch.chdir(tmp_path)
    script = next(p for p in EXAMPLES if p.stem == "request_workflow")
    runpy.run_path(str(script), run_name="__main__")
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.startswith("after verification")]
    assert "2026-12-06" in line
    assert "2026-12-07" not in line
