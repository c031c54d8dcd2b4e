"""The seed policies shipped with pipolicy, for the demo, tests and experiments.

They live in the repository's ``examples/policies/`` and are copied into the wheel as
``pipolicy/_examples/``; in an editable install they are read from the source tree.
"""

from __future__ import annotations

from pathlib import Path

from pipolicy.policy.loading import load_policy
from pipolicy.policy.model import Policy

__all__ = ["example_policy", "example_policy_names", "example_policy_path"]


def _dirs() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / "_examples", here.parents[1] / "examples" / "policies"]


def example_policy_names() -> list[str]:
    """Names of the shipped example policies that load (without ``.toml``)."""
    for d in _dirs():
        if d.is_dir():
            # "*_as_written" files reproduce a seed's wording that the law rejects.
            return sorted(p.stem for p in d.glob("*.toml") if not p.stem.endswith("_as_written"))
    return []


def example_policy_path(name: str) -> Path:
    """Path of a shipped example policy; raises :class:`FileNotFoundError` if unknown."""
    for d in _dirs():
        candidate = d / f"{name}.toml"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"no example policy {name!r}; available: {', '.join(example_policy_names()) or 'none'}"
    )


def example_policy(name: str) -> Policy:
    """Load a shipped example policy, e.g. ``example_policy("indigo_blue")``."""
    return load_policy(example_policy_path(name))
