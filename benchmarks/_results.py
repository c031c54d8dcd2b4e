"""Keeping figures in benchmarks/results.json: each script merges its own under a key,
so one script's run never erases another's figures."""

from __future__ import annotations

import json
from pathlib import Path


def keep(path: Path, figures: dict[str, object], key: str | None = None) -> None:
    """Merge ``figures`` into the JSON object in ``path`` (under ``key``, or at the top)."""
    existing = json.loads(path.read_text()) if path.exists() else {}
    if key is None:
        existing.update(figures)
    else:
        existing[key] = figures
    path.write_text(json.dumps(existing, indent=2) + "\n")
