"""Fixtures shared by the seed tests: each module defines ``running`` (its seed's engine
on a fixed clock); ``engine`` and ``clock`` unpack it."""

from __future__ import annotations

import pytest

import pipolicy as pp


@pytest.fixture
def engine(running: tuple[pp.Engine, pp.FixedClock]) -> pp.Engine:
    return running[0]


@pytest.fixture
def clock(running: tuple[pp.Engine, pp.FixedClock]) -> pp.FixedClock:
    return running[1]
