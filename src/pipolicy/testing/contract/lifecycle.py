"""The contract every store keeps about itself: declared capabilities and closing."""

from __future__ import annotations

import pytest

from pipolicy.errors import StorageError
from pipolicy.storage.repositories import Capabilities, Store
from pipolicy.testing.contract.data import _subject
from pipolicy.testing.contract.fixtures import StoreFixtures, _store_all
from pipolicy.testing.contract.persistence import PersistenceContract, SharingContract
from pipolicy.testing.contract.serialization import SerializationContract


def _open_unit(store: Store) -> None:
    with store.unit_of_work():
        pass


class LifecycleContract(StoreFixtures):
    """Capabilities and closing: every store."""

    def test_capabilities_are_declared(self, store: Store) -> None:
        capabilities = store.capabilities
        assert isinstance(capabilities, Capabilities)
        for name in ("persistent", "multi_process", "migrations"):
            assert type(getattr(capabilities, name)) is bool, name
        if capabilities.persistent:
            assert isinstance(self, PersistenceContract), (
                "the store declares persistent data: run PersistentBackendContract (one "
                "process) or SharedBackendContract (several), not BackendContract"
            )
        if capabilities.multi_process:
            shared = isinstance(self, SharingContract) and isinstance(self, SerializationContract)
            assert shared, (
                "the store declares multi_process data: run SharedBackendContract (it "
                "adds SharingContract and SerializationContract)"
            )

    def test_a_closed_store_refuses_work_with_a_storage_error(self, store: Store) -> None:
        _store_all(store, _subject())
        store.close()
        store.close()  # closing twice is harmless
        with pytest.raises(StorageError):
            _open_unit(store)
