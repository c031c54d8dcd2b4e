"""The backend contract: the tests every storage backend must pass.

A backend proves it honours the storage ports (:mod:`pipolicy.storage.repositories`) by
running these tests, exactly as pipolicy's own backends do::

    import pytest
    from pipolicy.testing import BackendContract

    class TestMyStore(BackendContract):
        @pytest.fixture
        def store(self):
            store = MyStore("mydb://...")  # fresh and empty for every test
            yield store
            store.close()

Each concern has its own class (:class:`ConsentRepositoryContract`, ...), so a backend
under construction can run one at a time. What the contract requires, beyond the
Protocols' signatures:

* **Values round-trip whole.** What a read returns equals what was written (attrs
  equality) with the same types: enums stay enums, sets stay ``frozenset``, tuples stay
  tuples, nested attrs values stay attrs values, mappings stay mappings with equal JSON
  values. Datetimes must come back aware and denote the *same instant*; a backend may
  return them in another zone (UTC, say), because the law cares about when, not about
  how the clock was written. :func:`assert_equivalent` checks exactly that. One
  exception stands while :func:`pipolicy.domain.audit.chain_hash` hashes the written
  form of a time: audit events recorded in local time must still verify, so their
  times must come back with the offset they were written with.
* **Order.** ``for_subject`` lists in the order records were added (records made in one
  operation share a timestamp, so time alone does not order them); ``audit.scan`` in
  sequence order; ``open_due_before`` by due date, then id; ``requests.scan`` in the order
  added.
* **Conflicts.** Updating from a stale version raises
  :class:`~pipolicy.errors.ConcurrencyConflict` from that very call (the engine retries
  an operation that conflicts, so a conflict found only at ``commit()`` would escape the
  retry). Adding an id (or subject ref) that exists raises it at the call or at
  ``commit()``. Either way the stored record stays as it was. An audit append never
  conflicts: the backend places the entry after everything appended before it.
* **Values, not references.** A record is stored as it was when written: changing the
  caller's mappings afterwards, or the mappings a read returned, changes nothing stored.
* **Units of work.** Reads see the unit's own uncommitted writes; leaving without
  ``commit()`` or with an exception keeps nothing of it; ``commit()`` may be called more
  than once, each time keeping what was written so far.
* **Closing.** ``close()`` may be called twice; using a closed store raises
  :class:`~pipolicy.errors.StorageError`.
* **Fast paths.** An optional method the engine looks for
  (:mod:`pipolicy.storage.fast_paths`) takes the arguments the engine passes, by
  position and by keyword as its Protocol says (:class:`FastPathContract`).

Tests that need persistence or a second connection consult ``store.capabilities`` and
the optional ``reopen_store`` fixture (see :class:`StoreFixtures`); they never check the
backend's type. Every test uses only the store's public ports, and every record it
writes refers to records that exist, so backends with foreign keys pass too.

.. versionadded:: 0.1.0
"""

# The package is split by concern: ``data`` (the policy, records and strategies the tests
# use), ``fixtures`` (``StoreFixtures``, ``assert_equivalent`` and the store helpers), one
# module per ``*Contract`` class, and ``suite`` (the two aggregate classes).

from pipolicy.testing.contract.acquiring import AcquisitionDecisionContract
from pipolicy.testing.contract.acquisitions import AcquisitionRepositoryContract
from pipolicy.testing.contract.audit import AuditLogContract
from pipolicy.testing.contract.batch import BatchContract
from pipolicy.testing.contract.consents import ConsentRepositoryContract
from pipolicy.testing.contract.data import CONTRACT_START, audit_chain, contract_policy
from pipolicy.testing.contract.engine import EngineContract
from pipolicy.testing.contract.fast_paths import FastPathContract
from pipolicy.testing.contract.fixtures import StoreFixtures, assert_equivalent
from pipolicy.testing.contract.lifecycle import LifecycleContract
from pipolicy.testing.contract.persistence import PersistenceContract, SharingContract
from pipolicy.testing.contract.provisions import ProvisionRepositoryContract
from pipolicy.testing.contract.renewals import RenewalContract
from pipolicy.testing.contract.requests import RequestRepositoryContract
from pipolicy.testing.contract.restrictions import RestrictionRepositoryContract
from pipolicy.testing.contract.serialization import SerializationContract, racing_store
from pipolicy.testing.contract.subjects import SubjectRepositoryContract
from pipolicy.testing.contract.suite import (
    BackendContract,
    PersistentBackendContract,
    SharedBackendContract,
)
from pipolicy.testing.contract.unit_of_work import UnitOfWorkContract

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
    "audit_chain",
    "contract_policy",
    "racing_store",
]
