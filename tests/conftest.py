"""Fixtures shared by the test modules at the top of ``tests/``.

``engine`` is the contract policy's engine on each built-in store, its clock standing at
:data:`tests.stores.CONTRACT_NOW`, for modules whose tests need no policy of their own
(the bulk import, batched checks). A module or a directory that needs another policy
defines its own ``engine``, which takes precedence (``tests/requests``, ``tests/seeds``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import pipolicy as pp
from tests.stores import BACKENDS, contract_engine


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Iterator[pp.Engine]:
    yield from contract_engine(request.param)
