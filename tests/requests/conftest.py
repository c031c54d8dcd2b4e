"""Every end-to-end request test runs on each built-in backend: memory and SQL (SQLite)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource
from pipolicy.storage.repositories import Store
from tests.stores import BACKENDS, open_backend

from .support import T0, customer, shop_policy


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    yield from open_backend(request.param)


@pytest.fixture
def clock() -> pp.FixedClock:
    return pp.FixedClock(T0)


@pytest.fixture
def policy() -> pp.Policy:
    return shop_policy()


@pytest.fixture
def engine(policy: pp.Policy, store: Store, clock: pp.FixedClock) -> pp.Engine:
    return pp.Engine(policy, store=store, clock=clock)


@pytest.fixture
def crm(engine: pp.Engine) -> MemorySource:
    source = MemorySource()
    engine.register_source("crm", source)
    return source


@pytest.fixture
def person(engine: pp.Engine, crm: MemorySource) -> pp.Subject:
    return customer(engine, crm)
