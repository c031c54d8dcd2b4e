"""The whole contract in one class: every concern together, for a store to subclass.

:class:`BackendContract` gathers the concerns a store in one process must pass;
:class:`PersistentBackendContract` adds :class:`PersistenceContract` for data that
outlives the store; :class:`SharedBackendContract` adds it, :class:`SharingContract` and
:class:`SerializationContract` for a database that several processes share.
"""

from __future__ import annotations

from pipolicy.testing.contract.acquiring import AcquisitionDecisionContract
from pipolicy.testing.contract.acquisitions import AcquisitionRepositoryContract
from pipolicy.testing.contract.audit import AuditLogContract
from pipolicy.testing.contract.batch import BatchContract
from pipolicy.testing.contract.consents import ConsentRepositoryContract
from pipolicy.testing.contract.engine import EngineContract
from pipolicy.testing.contract.fast_paths import FastPathContract
from pipolicy.testing.contract.lifecycle import LifecycleContract
from pipolicy.testing.contract.persistence import PersistenceContract, SharingContract
from pipolicy.testing.contract.provisions import ProvisionRepositoryContract
from pipolicy.testing.contract.renewals import RenewalContract
from pipolicy.testing.contract.requests import RequestRepositoryContract
from pipolicy.testing.contract.restrictions import RestrictionRepositoryContract
from pipolicy.testing.contract.serialization import SerializationContract
from pipolicy.testing.contract.subjects import SubjectRepositoryContract
from pipolicy.testing.contract.unit_of_work import UnitOfWorkContract


class BackendContract(
    SubjectRepositoryContract,
    ConsentRepositoryContract,
    AcquisitionRepositoryContract,
    ProvisionRepositoryContract,
    RestrictionRepositoryContract,
    RequestRepositoryContract,
    AuditLogContract,
    UnitOfWorkContract,
    LifecycleContract,
    FastPathContract,
    EngineContract,
    RenewalContract,
    AcquisitionDecisionContract,
    BatchContract,
):
    """The whole contract for a store in one process. Subclass it, provide ``store``."""


class PersistentBackendContract(BackendContract, PersistenceContract):
    """The whole contract for a store whose data outlives it but that one process uses
    (a file kept with ``shelve``): also persistence. Also provide ``reopen_store``."""


class SharedBackendContract(
    BackendContract, PersistenceContract, SharingContract, SerializationContract
):
    """The whole contract for a store whose data outlives it and that several processes
    share (a database file or server): also persistence, what a second connection sees,
    and per-subject serialization of recording decisions. Also provide ``reopen_store``."""
