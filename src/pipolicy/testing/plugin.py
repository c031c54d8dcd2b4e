"""pytest fixtures for applications that use pipolicy (entry point ``pytest11: pipolicy``).

pytest loads this module in every session once pipolicy is installed, so it only
defines fixtures: nothing is opened, read or created until a test asks for a fixture,
and every fixture gives each test its own objects.

* ``pp_clock``: a :class:`~pipolicy.FixedClock` at 2026-04-01 09:00 in Tokyo; tests
  move it with ``pp_clock.advance(timedelta(days=15))``.
* ``pp_policy``: a small valid policy built in code
  (:func:`pipolicy.testing.contract_policy`). Override it to test your own::

      @pytest.fixture
      def pp_policy():
          return pp.load_policy("policy.toml")

* ``pp_store``: a fresh :class:`~pipolicy.backends.memory.MemoryStore`, closed afterwards.
* ``pp_engine``: ``Engine(pp_policy, store=pp_store, clock=pp_clock)``.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pipolicy.backends.memory import MemoryStore
    from pipolicy.clock import FixedClock
    from pipolicy.engine import Engine
    from pipolicy.policy.model import Policy

__all__ = ["pp_clock", "pp_engine", "pp_policy", "pp_store"]


@pytest.fixture
def pp_clock() -> FixedClock:
    """A clock standing at 2026-04-01 09:00 JST until the test moves it."""
    from pipolicy.clock import FixedClock
    from pipolicy.testing.contract import CONTRACT_START

    return FixedClock(CONTRACT_START)


@pytest.fixture
def pp_policy() -> Policy:
    """The policy under test; override this fixture to load your application's policy."""
    from pipolicy.testing.contract import contract_policy

    return contract_policy()


@pytest.fixture
def pp_store() -> Iterator[MemoryStore]:
    """An empty in-memory store, private to the test."""
    from pipolicy.backends.memory import MemoryStore

    store = MemoryStore()
    yield store
    store.close()


@pytest.fixture
def pp_engine(pp_policy: Policy, pp_store: MemoryStore, pp_clock: FixedClock) -> Engine:
    """An engine on ``pp_policy``, ``pp_store`` and ``pp_clock``."""
    from pipolicy.engine import Engine

    return Engine(pp_policy, store=pp_store, clock=pp_clock)
