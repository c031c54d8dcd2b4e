"""Testing support: the backend contract suite and pytest fixtures for applications.

This is the only part of pipolicy that imports pytest; ``import pipolicy`` never does.

* A storage backend proves itself by subclassing :class:`BackendContract` (a store in
  one process), :class:`PersistentBackendContract` (data that outlives the store, one
  process) or :class:`SharedBackendContract` (a database several processes share); the
  last two also need ``reopen_store``. Or one ``*Contract`` class per concern. Each
  needs a ``store`` fixture.
* Applications get ``pp_clock``, ``pp_policy``, ``pp_store`` and ``pp_engine`` from the
  pytest plugin :mod:`pipolicy.testing.plugin`, which pytest loads automatically once
  pipolicy is installed.

.. versionadded:: 0.1.0
"""

import pytest

# The contract's helpers assert; let pytest explain their failures as it does in tests.
pytest.register_assert_rewrite("pipolicy.testing.contract")

from pipolicy.testing.contract import (  # noqa: E402
    CONTRACT_START,
    AcquisitionDecisionContract,
    AcquisitionRepositoryContract,
    AuditLogContract,
    BackendContract,
    BatchContract,
    ConsentRepositoryContract,
    EngineContract,
    FastPathContract,
    LifecycleContract,
    PersistenceContract,
    PersistentBackendContract,
    ProvisionRepositoryContract,
    RenewalContract,
    RequestRepositoryContract,
    RestrictionRepositoryContract,
    SerializationContract,
    SharedBackendContract,
    SharingContract,
    StoreFixtures,
    SubjectRepositoryContract,
    UnitOfWorkContract,
    assert_equivalent,
    contract_policy,
)

__all__ = [
    "CONTRACT_START",
    "AcquisitionDecisionContract",
    "AcquisitionRepositoryContract",
    "AuditLogContract",
    "BackendContract",
    "BatchContract",
    "ConsentRepositoryContract",
    "EngineContract",
    "FastPathContract",
    "LifecycleContract",
    "PersistenceContract",
    "PersistentBackendContract",
    "ProvisionRepositoryContract",
    "RenewalContract",
    "RequestRepositoryContract",
    "RestrictionRepositoryContract",
    "SerializationContract",
    "SharedBackendContract",
    "SharingContract",
    "StoreFixtures",
    "SubjectRepositoryContract",
    "UnitOfWorkContract",
    "assert_equivalent",
    "contract_policy",
]
