"""What every contract class runs on: the ``store`` fixtures and the helpers around them.

:class:`StoreFixtures` declares the ``store`` and ``reopen_store`` fixtures a backend
overrides; :func:`assert_equivalent` compares a stored value with the value written, as
strictly as the contract requires; the private helpers run writes and reads in units of
work and assert conflicts.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from typing import TypeVar

import attrs
import pytest

from pipolicy.domain.acquisitions import Acquisition
from pipolicy.domain.audit import AuditEntry, AuditEvent
from pipolicy.domain.consents import Consent
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import Request
from pipolicy.domain.restrictions import Restriction
from pipolicy.domain.subjects import Subject
from pipolicy.errors import ConcurrencyConflict
from pipolicy.storage.repositories import Store, UnitOfWork

T = TypeVar("T")


# -- comparing stored values ------------------------------------------------------------


def _difference(actual: object, expected: object, where: str) -> str | None:
    """The first way ``actual`` differs from ``expected`` in value or type, or None."""
    if isinstance(expected, datetime):
        if not isinstance(actual, datetime):
            return f"{where}: expected a datetime, got {type(actual).__name__}"
        if actual.tzinfo is None or actual.utcoffset() is None:
            return f"{where}: came back naive; store and return aware datetimes"
        if actual != expected:
            return (
                f"{where}: instant differs: {actual.isoformat()} is not "
                f"{expected.isoformat()} (compare in UTC: "
                f"{actual.astimezone(timezone.utc).isoformat()} vs "
                f"{expected.astimezone(timezone.utc).isoformat()})"
            )
        return None
    if isinstance(expected, (enum.Enum, date, bool, int, str, float)) or expected is None:
        if type(actual) is not type(expected) or actual != expected:
            return (
                f"{where}: expected {expected!r} ({type(expected).__name__}), "
                f"got {actual!r} ({type(actual).__name__})"
            )
        return None
    cls = type(expected)
    if attrs.has(cls):
        if type(actual) is not cls:
            return f"{where}: expected a {cls.__name__}, got {type(actual).__name__}"
        for field in attrs.fields(cls):
            found = _difference(
                getattr(actual, field.name), getattr(expected, field.name), f"{where}.{field.name}"
            )
            if found:
                return found
        return None
    if isinstance(expected, frozenset):
        if not isinstance(actual, frozenset):
            return f"{where}: expected a frozenset, got {type(actual).__name__}"
        typed_actual = {(type(v), v) for v in actual}
        typed_expected = {(type(v), v) for v in expected}
        if typed_actual != typed_expected:
            return (
                f"{where}: expected {sorted(map(repr, expected))}, got {sorted(map(repr, actual))}"
            )
        return None
    if isinstance(expected, (tuple, list)):
        if type(actual) is not type(expected):
            return f"{where}: expected a {type(expected).__name__}, got {type(actual).__name__}"
        assert isinstance(actual, (tuple, list))
        if len(actual) != len(expected):
            return f"{where}: expected {len(expected)} elements, got {len(actual)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            found = _difference(a, e, f"{where}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return f"{where}: expected a mapping, got {type(actual).__name__}"
        if set(actual) != set(expected):
            return f"{where}: keys differ: expected {sorted(expected)}, got {sorted(actual)}"
        for key in expected:
            found = _difference(actual[key], expected[key], f"{where}[{key!r}]")
            if found:
                return found
        return None
    if type(actual) is not type(expected) or actual != expected:
        return f"{where}: expected {expected!r}, got {actual!r}"
    return None


def assert_equivalent(actual: object, expected: object) -> None:
    """Assert that a stored value came back as the value that was stored.

    Stricter than ``==`` where ``==`` is lenient (``Channel.WEB == "web"``,
    ``frozenset() == set()``, ``True == 1``) and exactly as lenient as the contract
    allows: aware datetimes are compared as instants, whatever zone they come back in,
    and any :class:`~collections.abc.Mapping` stands for a mapping. Raises
    ``AssertionError`` naming the first field that differs.
    """
    name = type(expected).__name__
    problem = _difference(actual, expected, name)
    if problem is not None:
        raise AssertionError(problem)
    assert actual == expected, f"{name}: equal field by field but not by =="


def _in_unit(store: Store, write: Callable[[UnitOfWork], object]) -> None:
    """Run ``write`` in a unit of work and commit."""
    with store.unit_of_work() as uow:
        write(uow)
        uow.commit()


def _add_all(uow: UnitOfWork, *records: object) -> None:
    """Add each record to the repository for its type, in the order given."""
    for record in records:
        if isinstance(record, Subject):
            uow.subjects.add(record)
        elif isinstance(record, Consent):
            uow.consents.add(record)
        elif isinstance(record, Acquisition):
            uow.acquisitions.add(record)
        elif isinstance(record, ProvisionRecord):
            uow.provisions.add(record)
        elif isinstance(record, Restriction):
            uow.restrictions.add(record)
        elif isinstance(record, Request):
            uow.requests.add(record)
        elif isinstance(record, AuditEvent):
            uow.audit.append(record.entry)  # the store gives it its position again
        elif isinstance(record, AuditEntry):
            uow.audit.append(record)
        else:  # pragma: no cover - a mistake in the contract itself
            raise TypeError(f"cannot store a {type(record).__name__}")


def _store_all(store: Store, *records: object) -> None:
    """Add the records in one unit of work and commit."""
    _in_unit(store, lambda uow: _add_all(uow, *records))


def _logged(uow: UnitOfWork) -> list[AuditEntry]:
    """What the log holds as this unit sees it: placed events, then queued entries."""
    return [e.entry for e in uow.audit.scan()] + uow.audit.pending()


def _placed(store: Store) -> list[AuditEvent]:
    """The whole log after ``settle()`` placed every queued entry."""
    with store.unit_of_work() as uow:
        uow.audit.settle()
        events = list(uow.audit.scan())
        assert uow.audit.pending() == [], "settle() must place every queued entry"
        uow.commit()
    return events


def _assert_conflict(store: Store, write: Callable[[UnitOfWork], object]) -> None:
    """Assert that ``write`` conflicts, whether the backend says so at once or at commit."""
    with pytest.raises(ConcurrencyConflict):
        _in_unit(store, write)


def _assert_conflict_now(
    store: Store,
    write: Callable[[UnitOfWork], object],
    *,
    first: Callable[[UnitOfWork], object] | None = None,
) -> None:
    """Assert that ``write`` itself raises the conflict, not a later ``commit()``.

    The engine retries an operation whose audit append conflicts, and reports a stale
    update at once; both rely on the repository call raising. The unit is then left
    without commit, so nothing of it may be kept.
    """
    with store.unit_of_work() as uow:
        if first is not None:
            first(uow)
        with pytest.raises(ConcurrencyConflict):
            write(uow)


def _read(store: Store, read: Callable[[UnitOfWork], T]) -> T:
    """Read in a fresh unit of work that is left without commit."""
    with store.unit_of_work() as uow:
        return read(uow)


# -- fixtures -----------------------------------------------------------------------------


class StoreFixtures:
    """The fixtures the contract runs on. A backend's test class overrides ``store``.

    ``store`` must give a fresh, empty store for every test and may close it afterwards.
    ``reopen_store`` is needed only by backends whose capabilities say ``persistent`` or
    ``multi_process``: it returns a function that opens *another* store over the same data
    (a new connection, as a second process would), which the test closes itself.
    """

    @pytest.fixture
    def store(self) -> Store:
        pytest.fail(
            "the backend contract needs a `store` fixture: override it in your test class "
            "to return a fresh, empty pipolicy Store"
        )

    @pytest.fixture
    def reopen_store(self) -> Callable[[], Store] | None:
        return None


def _reopener(reopen: Callable[[], Store] | None, capability: str) -> Callable[[], Store]:
    if reopen is None:
        pytest.fail(
            f"the store declares {capability}=True: override the `reopen_store` fixture to "
            "return a function that opens another store over the same data"
        )
    return reopen
