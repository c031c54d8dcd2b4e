"""Shared helpers for the seed tests: where the example policies live, a start date, JST.

Each seed's tests build their own engine on a :class:`pipolicy.FixedClock`, so the dates a
seed's contracts and notices depend on are explicit in the test that relies on them.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import pipolicy as pp

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["EXAMPLES", "JST", "example", "example_data", "start"]

JST = timezone(timedelta(hours=9))
EXAMPLES = pp.example_policy_path("indigo_blue").parent
example = pp.example_policy


def example_data(name: str) -> dict[str, Any]:
    """The parsed TOML of an example, for building a variant with ``pp.policy_from_dict``."""
    text = pp.example_policy_path(name).read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    return data


def start(
    name: str, at: datetime, store: pp.Store | None = None
) -> tuple[pp.Engine, pp.FixedClock]:
    """An engine for an example policy (in memory unless ``store``), on a clock fixed at ``at``."""
    clock = pp.FixedClock(at)
    return pp.Engine(example(name), store=store, clock=clock), clock
