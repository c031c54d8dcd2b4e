"""Fixtures shared by the seed tests: each module defines ``running`` (its seed's engine
on a fixed clock); ``engine`` and ``clock`` unpack it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import pipolicy as pp
from pipolicy.storage.repositories import Store
from tests.stores import BACKENDS, open_backend


@pytest.fixture
def engine(running: tuple[pp.Engine, pp.FixedClock]) -> pp.Engine:
    return running[0]


@pytest.fixture
def clock(running: tuple[pp.Engine, pp.FixedClock]) -> pp.FixedClock:
    return running[1]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """Each built-in backend, for the seed tests that must hold on every store."""
    yield from open_backend(request.param)
