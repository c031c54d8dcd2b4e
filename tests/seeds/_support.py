"""Shared helpers for the seed tests: where the example policies live, a start date, JST.

Each seed's tests build their own engine on a :class:`pipolicy.FixedClock`, so the dates a
seed's contracts and notices depend on are explicit in the test that relies on them.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pipolicy as pp

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["EXAMPLES", "JST", "example", "example_data", "start"]

JST = timezone(timedelta(hours=9))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"


def example(name: str) -> pp.Policy:
    """Load ``examples/policies/<name>.toml`` through the public loader."""
    return pp.load_policy(EXAMPLES / f"{name}.toml")


def example_data(name: str) -> dict[str, Any]:
    """The parsed TOML of an example, for building a variant with ``pp.policy_from_dict``."""
    data: dict[str, Any] = tomllib.loads((EXAMPLES / f"{name}.toml").read_text(encoding="utf-8"))
    return data


def start(name: str, at: datetime) -> tuple[pp.Engine, pp.FixedClock]:
    """An in-memory engine for an example policy, on a clock fixed at ``at``."""
    clock = pp.FixedClock(at)
    return pp.Engine(example(name), clock=clock), clock
