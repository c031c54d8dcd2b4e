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
  sequence order; ``open_due_before`` by due date, then id.
* **Conflicts.** Updating from a stale version and appending at a taken audit position
  raise :class:`~pipolicy.errors.ConcurrencyConflict` from that very call (the engine
  retries an operation whose audit append conflicts, so a conflict found only at
  ``commit()`` would escape the retry). Adding an id (or subject ref) that exists raises
  it at the call or at ``commit()``. Either way the stored record stays as it was.
* **Values, not references.** A record is stored as it was when written: changing the
  caller's mappings afterwards, or the mappings a read returned, changes nothing stored.
* **Units of work.** Reads see the unit's own uncommitted writes; leaving without
  ``commit()`` or with an exception keeps nothing of it; ``commit()`` may be called more
  than once, each time keeping what was written so far.
* **Closing.** ``close()`` may be called twice; using a closed store raises
  :class:`~pipolicy.errors.StorageError`.

Tests that need persistence or a second connection consult ``store.capabilities`` and
the optional ``reopen_store`` fixture (see :class:`StoreFixtures`); they never check the
backend's type. Every test uses only the store's public ports, and every record it
writes refers to records that exist, so backends with foreign keys pass too.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Mapping, MutableMapping
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import pytest

from pipolicy.clock import FixedClock
from pipolicy.domain.acquisitions import Acquisition, Channel
from pipolicy.domain.audit import AuditEvent, next_event, verify_chain
from pipolicy.domain.consents import Consent, ConsentScope, ConsentStatus, Evidence
from pipolicy.domain.decisions import Basis
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.provisions import ProvisionRecord
from pipolicy.domain.requests import (
    Applicant,
    ApplicantKind,
    Document,
    DocumentKind,
    RefusalGround,
    Request,
    RequestKind,
    RequestState,
)
from pipolicy.domain.restrictions import Restriction, RestrictionKind
from pipolicy.domain.subjects import Subject
from pipolicy.engine import Engine
from pipolicy.errors import (
    ConcurrencyConflict,
    InvalidTransition,
    ProvisionDenied,
    StorageError,
    SubjectNotFound,
    UseDenied,
)
from pipolicy.policy.model import (
    Contract,
    Controller,
    DataItem,
    Policy,
    Purpose,
    Recipient,
    RecipientKind,
)
from pipolicy.storage.repositories import Capabilities, Store, SubjectFacts, UnitOfWork

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = [
    "CONTRACT_START",
    "AcquisitionRepositoryContract",
    "AuditLogContract",
    "BackendContract",
    "ConsentRepositoryContract",
    "EngineContract",
    "LifecycleContract",
    "PersistenceContract",
    "ProvisionRepositoryContract",
    "RequestRepositoryContract",
    "RestrictionRepositoryContract",
    "SharedBackendContract",
    "StoreFixtures",
    "SubjectRepositoryContract",
    "UnitOfWorkContract",
    "assert_equivalent",
    "audit_chain",
    "contract_policy",
]

# Fixed offsets, not zoneinfo names, for the data: only the daylight-saving test reads the
# tz database (America/New_York), since that is what it is about.
JST = timezone(timedelta(hours=9), "JST")
EST = timezone(timedelta(hours=-5), "EST")
NPT = timezone(timedelta(hours=5, minutes=45), "NPT")

T = TypeVar("T")

CONTRACT_START = datetime(2026, 4, 1, 9, 0, tzinfo=JST)
"""The instant the contract's data and clocks start at (09:00 in Tokyo)."""


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


# -- the contract's data ------------------------------------------------------------------


def contract_policy() -> Policy:
    """A small valid policy in code: the contract's engine tests and ``pp_policy`` use it.

    Items ``name``, ``email``, ``address``; purposes ``service`` (all three items) and
    ``newsletter`` (``email``); recipients ``shipping`` (an entrustee for ``service``,
    ``name`` and ``address``, contract valid 2025-04-01 to 2027-03-31), ``partner`` (a
    third party receiving ``email``) and ``court`` (a third party with no standing
    arrangement, reached only through exemptions); subject category ``customer``.
    """
    return Policy(
        controller=Controller(
            name="Contract Test Co., Ltd.",
            address="1-1 Chiyoda, Chiyoda-ku, Tokyo",
            representative="Representative Director",
            contact="privacy@example.invalid",
        ),
        version="contract-2026-03",
        revised=date(2026, 3, 1),
        items={
            "name": DataItem("name", title="Name"),
            "email": DataItem("email", title="E-mail address"),
            "address": DataItem("address", title="Postal address"),
        },
        purposes={
            "service": Purpose(
                "service", title="To provide the service", items={"name", "email", "address"}
            ),
            "newsletter": Purpose("newsletter", title="To send the newsletter", items={"email"}),
        },
        recipients={
            "shipping": Recipient(
                "shipping",
                title="Shipping subcontractor",
                kind=RecipientKind.ENTRUSTEE,
                purposes={"service"},
                items={"name", "address"},
                contract=Contract(
                    confidentiality=True,
                    security_measures=True,
                    no_reprovision=True,
                    valid_from=date(2025, 4, 1),
                    until=date(2027, 3, 31),
                    reference="contract-shipping-2025",
                ),
            ),
            "partner": Recipient(
                "partner", title="Partner Co.", kind=RecipientKind.THIRD_PARTY, items={"email"}
            ),
            "court": Recipient("court", title="Tokyo District Court"),
        },
        categories={"customer"},
    )


def _subject(sid: str = "s-1", *, ref: str | None = None, at: datetime | None = None) -> Subject:
    return Subject(
        id=sid,
        ref=ref if ref is not None else f"ref-{sid}",
        registered_at=at or CONTRACT_START,
        category="customer",
    )


def _acquisition(aid: str, subject_id: str = "s-1", *, at: datetime | None = None) -> Acquisition:
    acquisition = Acquisition(
        id=aid,
        subject_id=subject_id,
        items=frozenset({"name", "email"}),
        purposes=frozenset({"service", "newsletter"}),
        channel=Channel.WEB,
        source="signup-form",
        acquired_at=at or CONTRACT_START,
        policy_version="contract-2026-03",
        opted_in=frozenset({"email"}),
    )
    return acquisition


def _consent(cid: str, subject_id: str = "s-1", *, at: datetime | None = None) -> Consent:
    consent = Consent(
        id=cid,
        subject_id=subject_id,
        scope=ConsentScope(purpose="newsletter", items=frozenset({"email"})),
        status=ConsentStatus.GIVEN,
        evidence=Evidence(method="web-form", ref="signup-v3", given_by="person"),
        policy_version="contract-2026-03",
        given_at=at or CONTRACT_START,
        expires_at=datetime(2027, 3, 31, 23, 59, 59, 999999, tzinfo=EST),
    )
    return consent


def _provision(pid: str, subject_id: str = "s-1", *, at: datetime | None = None) -> ProvisionRecord:
    record = ProvisionRecord(
        id=pid,
        subject_id=subject_id,
        recipient="shipping",
        recipient_name="Shipping subcontractor",
        items=frozenset({"name", "address"}),
        purpose="service",
        basis=Basis.ENTRUSTMENT,
        provided_at=at or CONTRACT_START,
        required_by_law=False,
    )
    return record


def _restriction(rid: str, subject_id: str = "s-1", *, at: datetime | None = None) -> Restriction:
    restriction = Restriction(
        id=rid,
        subject_id=subject_id,
        kind=RestrictionKind.SUSPEND_USE,
        since=at or CONTRACT_START,
        items=frozenset({"email"}),
        purposes=frozenset({"newsletter"}),
        recipients=frozenset({"partner", "affiliate"}),
    )
    return restriction


def _request(rid: str, subject_id: str = "s-1", *, at: datetime | None = None) -> Request:
    received = at or CONTRACT_START
    request = Request(
        id=rid,
        subject_id=subject_id,
        kind=RequestKind.DISCLOSURE,
        applicant=Applicant.voluntary_agent(),
        state=RequestState.RECEIVED,
        received_at=received,
        due=received + timedelta(days=14),
        fee=1000,
        method="electronic",
        documents=(
            Document(DocumentKind.PASSPORT, date(2022, 4, 1), date(2032, 4, 1), "person"),
            Document(DocumentKind.DRIVERS_LICENSE, date(2023, 1, 5), date(2028, 2, 5), "agent"),
            Document(DocumentKind.POWER_OF_ATTORNEY, date(2026, 3, 20), None, "agent"),
            Document(DocumentKind.SEAL_CERTIFICATE, date(2026, 3, 18)),
        ),
        details={
            "items": ["email", "name"],
            "note": "電子交付を希望",
            "copies": 2,
            "urgent": False,
            "window": None,
            "nested": {"channel": "web", "attempts": [1, 2]},
        },
        history=(("received", received, "intake at the web window"),),
    )
    return request


def audit_chain(
    count: int,
    *,
    after: AuditEvent | None = None,
    subject_id: str | None = "s-1",
    start: datetime | None = None,
) -> list[AuditEvent]:
    """``count`` events continuing the chain after ``after``, one minute apart."""
    events: list[AuditEvent] = []
    last = after
    at = start or CONTRACT_START
    for i in range(count):
        payload: dict[str, object] = {
            "n": i,
            "items": ["email", "name"],
            "allowed": i % 2 == 0,
            "basis": None,
            "detail": {"purpose": "service", "citations": ["APPI Art. 18(1)"]},
        }
        last = next_event(last, at + timedelta(minutes=i), f"test.event{i}", subject_id, payload)
        events.append(last)
    return events


class _Boom(Exception):
    """Raised inside a unit of work to prove it rolls back."""


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
            uow.audit.append(record)
        else:  # pragma: no cover - a mistake in the contract itself
            raise TypeError(f"cannot store a {type(record).__name__}")


def _store_all(store: Store, *records: object) -> None:
    """Add the records in one unit of work and commit."""
    _in_unit(store, lambda uow: _add_all(uow, *records))


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


# -- strategies for the round-trip properties (hypothesis is imported only when used) ----


def _hypothesis_settings() -> Callable[[Callable[..., None]], Callable[..., None]]:
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def _instants() -> SearchStrategy[datetime]:
    """Aware datetimes at any minute offset from -12:00 to +14:00, to the microsecond."""
    from hypothesis import strategies as st

    zones = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )
    return st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=zones
    )


def _texts(min_size: int = 0) -> SearchStrategy[str]:
    """Any Unicode text a database can hold (no NUL, no lone surrogates)."""
    from hypothesis import strategies as st

    return st.text(
        st.characters(codec="utf-8", exclude_characters="\x00"), min_size=min_size, max_size=24
    )


def _names() -> SearchStrategy[frozenset[str]]:
    from hypothesis import strategies as st

    name = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
    return st.frozensets(name, min_size=1, max_size=5)


def _json_objects() -> SearchStrategy[dict[str, object]]:
    """JSON objects without floats (their representation is not stable across stores)."""
    from hypothesis import strategies as st

    scalars: SearchStrategy[object] = (
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | _texts()
    )
    values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_texts(), inner, max_size=3),
        max_leaves=8,
    )
    return st.dictionaries(_texts(), values, max_size=4)


def _optional(strategy: SearchStrategy[T]) -> SearchStrategy[T | None]:
    from hypothesis import strategies as st

    return st.none() | strategy


def _new_id() -> str:
    return uuid.uuid4().hex


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


# -- repositories -------------------------------------------------------------------------


class SubjectRepositoryContract(StoreFixtures):
    """``uow.subjects``: people by opaque id and by the application's reference."""

    def test_subject_round_trips_by_id_and_ref(self, store: Store) -> None:
        subject = _subject("s-1", ref="user-42", at=datetime(2026, 4, 1, 9, 0, 0, 1, tzinfo=JST))
        _in_unit(store, lambda uow: uow.subjects.add(subject))
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-1")), subject)
        assert_equivalent(_read(store, lambda uow: uow.subjects.by_ref("user-42")), subject)

    def test_subject_without_category_round_trips(self, store: Store) -> None:
        subject = attrs.evolve(_subject("s-2"), category=None)
        _in_unit(store, lambda uow: uow.subjects.add(subject))
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-2")), subject)

    def test_unknown_subject_is_none(self, store: Store) -> None:
        _in_unit(store, lambda uow: uow.subjects.add(_subject("s-1")))
        assert _read(store, lambda uow: uow.subjects.get("s-unknown")) is None
        assert _read(store, lambda uow: uow.subjects.by_ref("ref-unknown")) is None

    def test_r_acc_1_mark_left_keeps_the_instant(self, store: Store) -> None:
        subject = _subject("s-1")
        left = datetime(2026, 6, 30, 18, 30, 15, 250000, tzinfo=EST)
        _in_unit(store, lambda uow: uow.subjects.add(subject))
        _in_unit(store, lambda uow: uow.subjects.mark_left("s-1", left))
        stored = _read(store, lambda uow: uow.subjects.get("s-1"))
        assert_equivalent(stored, attrs.evolve(subject, left_at=left))
        assert_equivalent(
            _read(store, lambda uow: uow.subjects.by_ref("ref-s-1")),
            attrs.evolve(subject, left_at=left),
        )

    def test_duplicate_subject_id_conflicts_and_keeps_the_first(self, store: Store) -> None:
        first = _subject("s-1", ref="user-1")
        _in_unit(store, lambda uow: uow.subjects.add(first))
        _assert_conflict(store, lambda uow: uow.subjects.add(_subject("s-1", ref="user-2")))
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-1")), first)
        assert _read(store, lambda uow: uow.subjects.by_ref("user-2")) is None

    def test_duplicate_subject_ref_conflicts(self, store: Store) -> None:
        """Two registrations of one person racing must not make two subjects."""
        first = _subject("s-1", ref="user-1")
        _in_unit(store, lambda uow: uow.subjects.add(first))
        _assert_conflict(store, lambda uow: uow.subjects.add(_subject("s-2", ref="user-1")))
        assert _read(store, lambda uow: uow.subjects.get("s-2")) is None
        assert_equivalent(_read(store, lambda uow: uow.subjects.by_ref("user-1")), first)


class ConsentRepositoryContract(StoreFixtures):
    """``uow.consents``: consent records with optimistic versions (R-CON-1)."""

    def test_r_con_1_purpose_consent_round_trips(self, store: Store) -> None:
        consent = _consent("c-1", at=datetime(2026, 4, 1, 9, 0, 0, 123456, tzinfo=JST))
        _store_all(store, _subject(), consent)
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_r_con_1_recipient_consent_by_agent_round_trips(self, store: Store) -> None:
        consent = attrs.evolve(
            _consent("c-1"),
            scope=ConsentScope(recipient="partner", items=frozenset({"email", "name"})),
            evidence=Evidence(method="paper", ref="form-7", given_by="agent"),
            expires_at=None,
        )
        _store_all(store, _subject(), consent)
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_r_con_1_scope_without_items_round_trips(self, store: Store) -> None:
        """An empty item set means "every item of the purpose"; it must not become None."""
        consent = attrs.evolve(_consent("c-1"), scope=ConsentScope(purpose="newsletter"))
        _store_all(store, _subject(), consent)
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_unknown_consent_is_none(self, store: Store) -> None:
        assert _read(store, lambda uow: uow.consents.get("c-unknown")) is None
        assert _read(store, lambda uow: uow.consents.for_subject("s-unknown")) == []

    def test_consents_for_subject_in_order_added_and_only_that_subject(self, store: Store) -> None:
        # Same instant for all (one FixedClock operation), ids out of lexical order.
        mine = [_consent("c-b"), _consent("c-c"), _consent("c-a")]
        other = _consent("c-0", "s-2")

        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.consents.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.consents.for_subject("s-2")), [other])

    def test_r_con_1_update_to_next_version_persists(self, store: Store) -> None:
        consent = _consent("c-1")
        withdrawn = consent.transition(
            ConsentStatus.WITHDRAWN, datetime(2026, 5, 1, 12, 0, tzinfo=NPT)
        )
        _store_all(store, _subject(), consent)
        _in_unit(store, lambda uow: uow.consents.update(withdrawn))
        stored = _read(store, lambda uow: uow.consents.get("c-1"))
        assert_equivalent(stored, withdrawn)
        assert stored is not None and stored.version == 2
        assert_equivalent(_read(store, lambda uow: uow.consents.for_subject("s-1")), [withdrawn])

    def test_update_with_a_stale_version_conflicts_and_keeps_the_record(self, store: Store) -> None:
        consent = _consent("c-1")
        _store_all(store, _subject(), consent)
        # Version 3 does not follow the stored version 1.
        skipped = attrs.evolve(consent, status=ConsentStatus.REVOKED, version=3)
        _assert_conflict_now(store, lambda uow: uow.consents.update(skipped))
        # Version 1 again is not a new version.
        same = attrs.evolve(consent, evidence=Evidence(method="forged"))
        _assert_conflict_now(store, lambda uow: uow.consents.update(same))
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_lost_update_across_units_of_work_conflicts(self, store: Store) -> None:
        """Read v1; someone else writes v2; writing v2 from the stale copy must conflict."""
        _store_all(store, _subject(), _consent("c-1"))
        stale = _read(store, lambda uow: uow.consents.get("c-1"))
        assert stale is not None and stale.version == 1
        first = stale.transition(ConsentStatus.WITHDRAWN, CONTRACT_START + timedelta(hours=1))
        _in_unit(store, lambda uow: uow.consents.update(first))
        second = stale.transition(ConsentStatus.EXPIRED, CONTRACT_START + timedelta(hours=2))
        assert second.version == first.version == 2
        _assert_conflict_now(store, lambda uow: uow.consents.update(second))
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), first)

    def test_update_of_an_unknown_consent_conflicts(self, store: Store) -> None:
        _in_unit(store, lambda uow: uow.subjects.add(_subject()))
        ghost = attrs.evolve(_consent("c-ghost"), version=2)
        _assert_conflict_now(store, lambda uow: uow.consents.update(ghost))
        assert _read(store, lambda uow: uow.consents.get("c-ghost")) is None

    def test_duplicate_consent_id_conflicts(self, store: Store) -> None:
        first = _consent("c-1")
        _store_all(store, _subject(), first)
        again = attrs.evolve(_consent("c-1"), scope=ConsentScope(purpose="service"))
        _assert_conflict(store, lambda uow: uow.consents.add(again))
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), first)

    def test_r_con_1_any_consent_round_trips(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        name = st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=16)
        scopes = st.one_of(
            st.builds(ConsentScope, purpose=name, items=st.just(frozenset()) | _names()),
            st.builds(ConsentScope, recipient=name, items=_names()),
        )
        consents = st.builds(
            Consent,
            id=st.just("placeholder"),
            subject_id=st.just("placeholder"),
            scope=scopes,
            status=st.sampled_from(ConsentStatus),
            evidence=st.builds(
                Evidence,
                method=_texts(1),
                ref=_texts(),
                given_by=st.sampled_from(["person", "agent"]),
            ),
            policy_version=_texts(1),
            given_at=_instants(),
            expires_at=_optional(_instants()),
            ended_at=_optional(_instants()),
            version=st.integers(1, 10_000),
        )

        @_hypothesis_settings()
        @given(consents)
        def round_trip(template: Consent) -> None:
            subject = _subject(_new_id())
            consent = attrs.evolve(template, id=_new_id(), subject_id=subject.id)
            _store_all(store, subject, consent)
            assert_equivalent(_read(store, lambda uow: uow.consents.get(consent.id)), consent)
            assert_equivalent(
                _read(store, lambda uow: uow.consents.for_subject(subject.id)), [consent]
            )

        round_trip()


class AcquisitionRepositoryContract(StoreFixtures):
    """``uow.acquisitions``: what was collected, how and for which purposes (R-ACQ-1)."""

    def test_r_acq_1_acquisition_round_trips(self, store: Store) -> None:
        acquisition = _acquisition("a-1", at=datetime(2026, 4, 1, 9, 0, 0, 42, tzinfo=JST))
        _store_all(store, _subject(), acquisition)
        assert_equivalent(
            _read(store, lambda uow: uow.acquisitions.for_subject("s-1")), [acquisition]
        )

    def test_r_acq_4_acquisition_from_a_business_keeps_the_provider(self, store: Store) -> None:
        acquisition = attrs.evolve(
            _acquisition("a-1"),
            channel=Channel.PROVIDED_BY_BUSINESS,
            source="Client K.K.",
            opted_in=frozenset(),
            provider_address="2-2 Minato, Tokyo",
            provider_obtained_by="the client's own web form",
        )
        _store_all(store, _subject(), acquisition)
        assert_equivalent(
            _read(store, lambda uow: uow.acquisitions.for_subject("s-1")), [acquisition]
        )

    def test_acquisitions_for_subject_in_order_added_and_only_that_subject(
        self, store: Store
    ) -> None:
        mine = [
            _acquisition("a-b"),
            attrs.evolve(_acquisition("a-c"), channel=Channel.MAIL),
            _acquisition("a-a"),
        ]
        other = _acquisition("a-0", "s-2")

        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.acquisitions.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.acquisitions.for_subject("s-2")), [other])
        assert _read(store, lambda uow: uow.acquisitions.for_subject("s-unknown")) == []

    def test_r_acc_1_scan_yields_every_acquisition_of_every_subject(self, store: Store) -> None:
        assert _read(store, lambda uow: list(uow.acquisitions.scan())) == []
        written = [_acquisition("a-1"), _acquisition("a-2", "s-2"), _acquisition("a-3")]

        _store_all(store, _subject("s-1"), _subject("s-2"), *written)
        scanned = _read(store, lambda uow: list(uow.acquisitions.scan()))
        assert_equivalent(sorted(scanned, key=lambda a: a.id), written)

    def test_r_acq_1_any_acquisition_round_trips(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        acquisitions = st.builds(
            Acquisition,
            id=st.just("placeholder"),
            subject_id=st.just("placeholder"),
            items=_names(),
            purposes=_names(),
            channel=st.sampled_from(Channel),
            source=_texts(),
            acquired_at=_instants(),
            policy_version=_texts(1),
            opted_in=st.just(frozenset()) | _names(),
            provider_address=_optional(_texts()),
            provider_obtained_by=_optional(_texts()),
        )

        @_hypothesis_settings()
        @given(acquisitions)
        def round_trip(template: Acquisition) -> None:
            subject = _subject(_new_id())
            acquisition = attrs.evolve(template, id=_new_id(), subject_id=subject.id)
            _store_all(store, subject, acquisition)
            assert_equivalent(
                _read(store, lambda uow: uow.acquisitions.for_subject(subject.id)), [acquisition]
            )

        round_trip()


class ProvisionRepositoryContract(StoreFixtures):
    """``uow.provisions``: the records of what was given to whom (Art. 29, R-REC-1)."""

    def test_r_rec_1_consent_based_record_round_trips(self, store: Store) -> None:
        consent = attrs.evolve(
            _consent("c-1"), scope=ConsentScope(recipient="partner", items=frozenset({"email"}))
        )
        record = attrs.evolve(
            _provision("p-1"),
            recipient="partner",
            recipient_name="Partner Co.",
            items=frozenset({"email"}),
            purpose=None,
            basis=Basis.CONSENT,
            provided_at=datetime(2026, 4, 2, 10, 15, 30, 5, tzinfo=JST),
            required_by_law=True,
            keep_until=datetime(2029, 4, 1, 10, 15, 30, 5, tzinfo=EST),
            consent_id="c-1",
        )

        _store_all(store, _subject(), consent, record)
        assert_equivalent(_read(store, lambda uow: uow.provisions.for_subject("s-1")), [record])

    def test_r_tpp_2_exemption_record_keeps_its_justification(self, store: Store) -> None:
        record = attrs.evolve(
            _provision("p-1"),
            recipient="court",
            recipient_name="Tokyo District Court",
            items=frozenset({"name"}),
            purpose=None,
            basis=Basis.EXEMPTION,
            exemption=Exemption.LAWS_AND_REGULATIONS,
            justification="order 2026-123",
        )
        _store_all(store, _subject(), record)
        assert_equivalent(_read(store, lambda uow: uow.provisions.for_subject("s-1")), [record])

    def test_provisions_for_subject_in_order_added_and_only_that_subject(
        self, store: Store
    ) -> None:
        mine = [_provision("p-b"), _provision("p-c"), _provision("p-a")]
        other = _provision("p-0", "s-2")

        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.provisions.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.provisions.for_subject("s-2")), [other])
        assert _read(store, lambda uow: uow.provisions.for_subject("s-unknown")) == []

    def test_r_rec_1_any_record_round_trips(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        records = st.builds(
            ProvisionRecord,
            id=st.just("placeholder"),
            subject_id=st.just("placeholder"),
            recipient=_texts(1),
            recipient_name=_texts(),
            items=_names(),
            purpose=_optional(_texts(1)),
            basis=st.sampled_from(Basis),
            provided_at=_instants(),
            required_by_law=st.booleans(),
            keep_until=_optional(_instants()),
            consent_id=st.none(),
            exemption=_optional(st.sampled_from(Exemption)),
            justification=_optional(_texts()),
        )

        @_hypothesis_settings()
        @given(records)
        def round_trip(template: ProvisionRecord) -> None:
            subject = _subject(_new_id())
            record = attrs.evolve(template, id=_new_id(), subject_id=subject.id)
            _store_all(store, subject, record)
            assert_equivalent(
                _read(store, lambda uow: uow.provisions.for_subject(subject.id)), [record]
            )

        round_trip()


class RestrictionRepositoryContract(StoreFixtures):
    """``uow.restrictions``: suspensions and deletions granted on requests (R-REQ-7)."""

    def test_r_req_7_restriction_round_trips(self, store: Store) -> None:
        request = attrs.evolve(_request("r-1"), kind=RequestKind.SUSPENSION_OF_USE)
        restriction = attrs.evolve(
            _restriction("x-1"),
            request_id="r-1",
            since=datetime(2026, 4, 20, 17, 0, 0, 7, tzinfo=NPT),
        )

        _store_all(store, _subject(), request, restriction)
        assert_equivalent(
            _read(store, lambda uow: uow.restrictions.for_subject("s-1")), [restriction]
        )

    def test_r_req_7_unscoped_restriction_round_trips(self, store: Store) -> None:
        """Empty items and purposes mean "everything"; they must stay empty sets."""
        restriction = attrs.evolve(
            _restriction("x-1"),
            kind=RestrictionKind.DELETED,
            items=frozenset(),
            purposes=frozenset(),
        )
        _store_all(store, _subject(), restriction)
        assert_equivalent(
            _read(store, lambda uow: uow.restrictions.for_subject("s-1")), [restriction]
        )

    def test_restrictions_for_subject_in_order_added_and_only_that_subject(
        self, store: Store
    ) -> None:
        mine = [
            _restriction("x-b"),
            attrs.evolve(_restriction("x-c"), kind=RestrictionKind.SUSPEND_PROVISION),
            attrs.evolve(_restriction("x-a"), kind=RestrictionKind.DELETED),
        ]
        other = _restriction("x-0", "s-2")

        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.restrictions.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.restrictions.for_subject("s-2")), [other])
        assert _read(store, lambda uow: uow.restrictions.for_subject("s-unknown")) == []


class RequestRepositoryContract(StoreFixtures):
    """``uow.requests``: the person's requests, with optimistic versions (R-REQ-1, R-REQ-8)."""

    def test_r_req_1_request_round_trips(self, store: Store) -> None:
        request = _request("r-1", at=datetime(2026, 4, 1, 9, 0, 0, 999999, tzinfo=JST))
        _store_all(store, _subject(), request)
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), request)
        assert_equivalent(_read(store, lambda uow: uow.requests.for_subject("s-1")), [request])

    def test_r_req_4_refused_request_round_trips(self, store: Store) -> None:
        request = attrs.evolve(
            _request("r-1"),
            kind=RequestKind.CORRECTION,
            applicant=Applicant.person(),
            state=RequestState.REFUSED,
            fee=0,
            documents=(),
            details={},
            ground=RefusalGround.IDENTITY_UNCONFIRMED,
            statement="The identity document had expired; please apply again with a valid one.",
            history=(
                ("received", CONTRACT_START, ""),
                ("refused", datetime(2026, 4, 3, 1, 0, tzinfo=timezone.utc), "identity"),
            ),
            version=2,
        )
        _store_all(store, _subject(), request)
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), request)

    def test_unknown_request_is_none(self, store: Store) -> None:
        assert _read(store, lambda uow: uow.requests.get("r-unknown")) is None
        assert _read(store, lambda uow: uow.requests.for_subject("s-unknown")) == []

    def test_requests_for_subject_in_order_added_and_only_that_subject(self, store: Store) -> None:
        mine = [
            _request("r-b"),
            attrs.evolve(_request("r-c"), kind=RequestKind.DELETION),
            _request("r-a"),
        ]
        other = _request("r-0", "s-2")
        _store_all(store, _subject("s-1"), _subject("s-2"), mine[0], other, mine[1], mine[2])
        assert_equivalent(_read(store, lambda uow: uow.requests.for_subject("s-1")), mine)
        assert_equivalent(_read(store, lambda uow: uow.requests.for_subject("s-2")), [other])

    def test_r_req_1_update_to_next_version_persists(self, store: Store) -> None:
        request = _request("r-1")
        _store_all(store, _subject(), request)
        verified_at = datetime(2026, 4, 2, 2, 30, tzinfo=timezone.utc)
        verified = attrs.evolve(
            request,
            state=RequestState.VERIFIED,
            history=(*request.history, ("verified", verified_at, "passport checked")),
            details={**request.details, "verified_by": "staff-7"},
            version=2,
        )
        _in_unit(store, lambda uow: uow.requests.update(verified))
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), verified)
        assert_equivalent(_read(store, lambda uow: uow.requests.for_subject("s-1")), [verified])

    def test_request_update_with_a_stale_version_conflicts(self, store: Store) -> None:
        request = _request("r-1")
        _store_all(store, _subject(), request)
        skipped = attrs.evolve(request, state=RequestState.WITHDRAWN, version=3)
        _assert_conflict_now(store, lambda uow: uow.requests.update(skipped))
        same = attrs.evolve(request, state=RequestState.WITHDRAWN)
        _assert_conflict_now(store, lambda uow: uow.requests.update(same))
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), request)

    def test_request_lost_update_across_units_of_work_conflicts(self, store: Store) -> None:
        """Two clerks handle one request: the second, working from a stale copy, must conflict."""
        _store_all(store, _subject(), _request("r-1"))
        stale = _read(store, lambda uow: uow.requests.get("r-1"))
        assert stale is not None and stale.version == 1
        first = attrs.evolve(stale, state=RequestState.VERIFIED, version=2)
        _in_unit(store, lambda uow: uow.requests.update(first))
        second = attrs.evolve(stale, state=RequestState.WITHDRAWN, version=2)
        _assert_conflict_now(store, lambda uow: uow.requests.update(second))
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), first)

    def test_request_update_of_an_unknown_request_conflicts(self, store: Store) -> None:
        _store_all(store, _subject())
        ghost = attrs.evolve(_request("r-ghost"), version=2)
        _assert_conflict_now(store, lambda uow: uow.requests.update(ghost))
        assert _read(store, lambda uow: uow.requests.get("r-ghost")) is None

    def test_duplicate_request_id_conflicts(self, store: Store) -> None:
        first = _request("r-1")
        _store_all(store, _subject(), first)
        _assert_conflict(
            store,
            lambda uow: uow.requests.add(attrs.evolve(_request("r-1"), kind=RequestKind.DELETION)),
        )
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), first)

    def test_a_request_is_stored_as_it_was_written(self, store: Store) -> None:
        """Mappings are values: later changes by the caller or a reader must not leak in.

        Otherwise a change would reach the store without a new version, escaping the
        optimistic check, and would happen on one backend and not on another.
        """
        details: dict[str, object] = {"items": ["email"], "nested": {"window": "web"}}
        expected = attrs.evolve(
            _request("r-1"), details={"items": ["email"], "nested": {"window": "web"}}
        )
        _store_all(store, _subject(), attrs.evolve(_request("r-1"), details=details))
        details["added"] = True
        items = details["items"]
        assert isinstance(items, list)
        items.append("name")
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), expected)

        read = _read(store, lambda uow: uow.requests.get("r-1"))
        assert read is not None
        if isinstance(read.details, MutableMapping):
            read.details["added"] = True
        nested = read.details["nested"]
        if isinstance(nested, MutableMapping):
            nested["window"] = "changed"
        assert_equivalent(_read(store, lambda uow: uow.requests.get("r-1")), expected)

    def test_r_req_8_open_due_before_lists_open_requests_due_strictly_before(
        self, store: Store
    ) -> None:
        at = datetime(2026, 4, 15, 0, 0, tzinfo=timezone.utc)  # 09:00 in Tokyo
        open_states = [s for s in RequestState if not s.final]
        final_states = [s for s in RequestState if s.final]
        assert open_states and final_states
        overdue = [
            # Ties on the due instant are ordered by id.
            attrs.evolve(_request("r-tie-b"), due=at - timedelta(days=3), state=open_states[-1]),
            attrs.evolve(_request("r-tie-a"), due=(at - timedelta(days=3)).astimezone(NPT)),
            attrs.evolve(_request("r-late-1"), due=(at - timedelta(days=1)).astimezone(JST)),
            attrs.evolve(
                _request("r-late-2"),
                due=(at - timedelta(microseconds=1)).astimezone(EST),
                state=open_states[0],
            ),
        ]
        overdue += [
            attrs.evolve(
                _request(f"r-open-{state.value}"), due=at - timedelta(hours=2), state=state
            )
            for state in open_states
        ]
        not_overdue = [
            attrs.evolve(
                _request("r-edge"), due=at.astimezone(JST)
            ),  # due exactly at `at`: not before it
            attrs.evolve(_request("r-future"), due=at + timedelta(seconds=1)),
        ]
        not_overdue += [
            attrs.evolve(_request(f"r-done-{state.value}"), due=at - timedelta(days=2), state=state)
            for state in final_states
        ]
        _store_all(store, _subject(), *not_overdue, *overdue)
        expected = sorted(overdue, key=lambda r: (r.due, r.id))
        found = _read(store, lambda uow: uow.requests.open_due_before(at))
        assert_equivalent(found, expected)
        assert [r.id for r in found[:2]] == ["r-tie-a", "r-tie-b"]

        # Closing a request takes it off the list.
        done = attrs.evolve(overdue[2], state=final_states[0], version=2)
        _in_unit(store, lambda uow: uow.requests.update(done))
        found = _read(store, lambda uow: uow.requests.open_due_before(at))
        assert_equivalent(found, [r for r in expected if r.id != done.id])

    def test_r_req_8_open_due_before_on_an_empty_store_is_empty(self, store: Store) -> None:
        assert _read(store, lambda uow: uow.requests.open_due_before(CONTRACT_START)) == []

    def test_r_req_1_any_request_round_trips(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        dates = _optional(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
        documents = st.builds(
            Document,
            kind=st.sampled_from(DocumentKind),
            issued=dates,
            expires=dates,
            holder=st.sampled_from(["person", "agent"]),
        )
        history = st.tuples(_texts(1), _instants(), _texts())
        requests = st.builds(
            Request,
            id=st.just("placeholder"),
            subject_id=st.just("placeholder"),
            kind=st.sampled_from(RequestKind),
            applicant=st.builds(Applicant, st.sampled_from(ApplicantKind)),
            state=st.sampled_from(RequestState),
            received_at=_instants(),
            due=_instants(),
            fee=st.integers(0, 1_000_000),
            method=_texts(1),
            documents=st.lists(documents, max_size=4).map(tuple),
            details=_json_objects(),
            ground=_optional(st.sampled_from(RefusalGround)),
            statement=_optional(_texts()),
            history=st.lists(history, max_size=3).map(tuple),
            version=st.integers(1, 10_000),
        )

        @_hypothesis_settings()
        @given(requests)
        def round_trip(template: Request) -> None:
            subject = _subject(_new_id())
            request = attrs.evolve(template, id=_new_id(), subject_id=subject.id)
            _store_all(store, subject, request)
            assert_equivalent(_read(store, lambda uow: uow.requests.get(request.id)), request)

        round_trip()


class AuditLogContract(StoreFixtures):
    """``uow.audit``: the append-only, hash-chained log (Art. 23, R-SEC-3)."""

    def test_r_sec_3_empty_log(self, store: Store) -> None:
        assert _read(store, lambda uow: uow.audit.last()) is None
        assert _read(store, lambda uow: list(uow.audit.scan())) == []

    def test_r_sec_3_events_round_trip_in_sequence_order(self, store: Store) -> None:
        first = audit_chain(3, start=datetime(2026, 4, 1, 0, 0, 0, 1, tzinfo=timezone.utc))
        second = audit_chain(2, after=first[-1], subject_id=None, start=first[-1].at)
        _store_all(store, _subject(), *first)
        _store_all(store, *second)
        assert [e.seq for e in first + second] == [1, 2, 3, 4, 5]
        assert_equivalent(_read(store, lambda uow: list(uow.audit.scan())), first + second)
        assert_equivalent(_read(store, lambda uow: uow.audit.last()), second[-1])

    def test_r_sec_3_events_about_one_subject_in_sequence_order(self, store: Store) -> None:
        first = audit_chain(2, subject_id="s-1")
        other = audit_chain(2, after=first[-1], subject_id="s-2", start=first[-1].at)
        unattached = audit_chain(1, after=other[-1], subject_id=None, start=other[-1].at)
        last = audit_chain(1, after=unattached[-1], subject_id="s-1", start=unattached[-1].at)
        _store_all(store, _subject("s-1"), _subject("s-2"), *first, *other)
        _store_all(store, *unattached, *last)
        assert_equivalent(_read(store, lambda uow: uow.audit.for_subject("s-1")), first + last)
        assert_equivalent(_read(store, lambda uow: uow.audit.for_subject("s-2")), other)
        assert _read(store, lambda uow: uow.audit.for_subject("nobody")) == []

    def test_r_sec_3_stored_chain_verifies(self, store: Store) -> None:
        events = audit_chain(4, start=datetime(2026, 4, 1, 0, 0, tzinfo=timezone.utc))
        _store_all(store, _subject(), *events)
        report = verify_chain(_read(store, lambda uow: list(uow.audit.scan())))
        assert report.ok, report.problem
        assert report.events == 4

    def test_r_sec_3_chain_recorded_in_local_time_verifies(self, store: Store) -> None:
        """An engine whose clock runs in Tokyo time writes such events; they must verify.

        The chain hashes each event's time as written, so a backend must give back
        the timestamps as they hash (see :mod:`pipolicy.domain.audit`).
        """
        tokyo = audit_chain(2, start=CONTRACT_START)
        kathmandu = audit_chain(2, after=tokyo[-1], start=CONTRACT_START.astimezone(NPT))
        _store_all(store, _subject(), *tokyo, *kathmandu)
        stored = _read(store, lambda uow: list(uow.audit.scan()))
        assert_equivalent(stored, tokyo + kathmandu)
        report = verify_chain(stored)
        assert report.ok, report.problem

    def test_r_sec_3_append_at_a_taken_position_conflicts(self, store: Store) -> None:
        events = audit_chain(2)
        _store_all(store, _subject(), *events)
        rival = next_event(events[0], CONTRACT_START, "test.rival", "s-1", {"n": "rival"})
        assert rival.seq == events[1].seq
        _assert_conflict_now(store, lambda uow: uow.audit.append(rival))
        assert_equivalent(_read(store, lambda uow: list(uow.audit.scan())), events)

    def test_r_sec_3_two_appends_at_one_position_in_a_unit_conflict(self, store: Store) -> None:
        first = audit_chain(1)[0]
        rival = next_event(None, CONTRACT_START, "test.rival", None, {})
        _store_all(store, _subject())
        _assert_conflict_now(
            store, lambda uow: uow.audit.append(rival), first=lambda uow: uow.audit.append(first)
        )
        assert _read(store, lambda uow: list(uow.audit.scan())) == []

    def test_r_sec_3_racing_writers_one_wins(self, store: Store) -> None:
        """Both writers read the same last event; the second to append must conflict."""
        (genesis,) = audit_chain(1)
        _store_all(store, _subject(), genesis)
        last_a = _read(store, lambda uow: uow.audit.last())
        last_b = _read(store, lambda uow: uow.audit.last())
        event_a = next_event(last_a, CONTRACT_START, "test.a", "s-1", {"writer": "a"})
        event_b = next_event(last_b, CONTRACT_START, "test.b", "s-1", {"writer": "b"})
        _in_unit(store, lambda uow: uow.audit.append(event_a))
        _assert_conflict_now(store, lambda uow: uow.audit.append(event_b))
        stored = _read(store, lambda uow: list(uow.audit.scan()))
        assert_equivalent(stored, [genesis, event_a])
        assert verify_chain(stored).ok

    def test_r_sec_3_last_sees_the_units_own_appends(self, store: Store) -> None:
        events = audit_chain(3)
        _store_all(store, _subject())

        def write(uow: UnitOfWork) -> None:
            for event in events:
                uow.audit.append(event)
                assert_equivalent(uow.audit.last(), event)
            assert_equivalent(list(uow.audit.scan()), events)
            uow.commit()

        with store.unit_of_work() as uow:
            write(uow)
        assert_equivalent(_read(store, lambda uow: uow.audit.last()), events[-1])

    def test_r_sec_3_any_chain_round_trips_and_verifies(self, store: Store) -> None:
        pytest.importorskip("hypothesis", reason="the round-trip properties need hypothesis")
        from hypothesis import given
        from hypothesis import strategies as st

        steps = st.lists(
            st.tuples(
                _instants(),
                st.text("abcdefghijklmnopqrstuvwxyz._", min_size=1, max_size=20),
                st.booleans(),
                _json_objects(),
            ),
            min_size=1,
            max_size=4,
        )
        subject = _subject("s-chain")
        _store_all(store, subject)

        @_hypothesis_settings()
        @given(steps)
        def round_trip(batch: list[tuple[datetime, str, bool, dict[str, object]]]) -> None:
            before = _read(store, lambda uow: list(uow.audit.scan()))
            last = before[-1] if before else None
            events = []
            for at, kind, about_subject, payload in batch:
                last = next_event(last, at, kind, subject.id if about_subject else None, payload)
                events.append(last)
            _store_all(store, *events)
            stored = _read(store, lambda uow: list(uow.audit.scan()))
            assert_equivalent(stored, before + events)
            report = verify_chain(stored)
            assert report.ok, report.problem

        round_trip()


# -- units of work --------------------------------------------------------------------------


def _one_of_each(subject_id: str = "s-1") -> list[object]:
    """A subject and one record of every kind about it, referentially complete."""
    return [
        _subject(subject_id),
        _acquisition(f"a-{subject_id}", subject_id),
        _consent(f"c-{subject_id}", subject_id),
        _request(f"r-{subject_id}", subject_id),
        attrs.evolve(_restriction(f"x-{subject_id}", subject_id), request_id=f"r-{subject_id}"),
        _provision(f"p-{subject_id}", subject_id),
    ]


def _everything(uow: UnitOfWork, subject_id: str = "s-1") -> dict[str, object]:
    """What the unit of work can read about one subject, and the whole audit log."""
    return {
        "subject": uow.subjects.get(subject_id),
        "by_ref": uow.subjects.by_ref(f"ref-{subject_id}"),
        "acquisitions": uow.acquisitions.for_subject(subject_id),
        "consent": uow.consents.get(f"c-{subject_id}"),
        "consents": uow.consents.for_subject(subject_id),
        "request": uow.requests.get(f"r-{subject_id}"),
        "requests": uow.requests.for_subject(subject_id),
        "restrictions": uow.restrictions.for_subject(subject_id),
        "provisions": uow.provisions.for_subject(subject_id),
        "facts": uow.facts(subject_id),
        "audit": list(uow.audit.scan()),
    }


def _nothing() -> dict[str, object]:
    return {
        "subject": None,
        "by_ref": None,
        "acquisitions": [],
        "consent": None,
        "consents": [],
        "request": None,
        "requests": [],
        "restrictions": [],
        "provisions": [],
        "facts": None,
        "audit": [],
    }


def _expected(records: list[object], audit: list[AuditEvent]) -> dict[str, object]:
    subject, acquisition, consent, request, restriction, provision = records
    assert isinstance(subject, Subject)
    assert isinstance(acquisition, Acquisition)
    assert isinstance(consent, Consent)
    assert isinstance(request, Request)
    assert isinstance(restriction, Restriction)
    return {
        "subject": subject,
        "by_ref": subject,
        "acquisitions": [acquisition],
        "consent": consent,
        "consents": [consent],
        "request": request,
        "requests": [request],
        "restrictions": [restriction],
        "provisions": [provision],
        "facts": SubjectFacts(subject, (acquisition,), (consent,), (restriction,)),
        "audit": audit,
    }


def _open_unit(store: Store) -> None:
    with store.unit_of_work():
        pass


class UnitOfWorkContract(StoreFixtures):
    """``store.unit_of_work()``: one transaction, rolled back unless committed."""

    def test_leaving_without_commit_keeps_nothing(self, store: Store) -> None:
        records = _one_of_each()
        with store.unit_of_work() as uow:
            _add_all(uow, *records, *audit_chain(2))
        assert_equivalent(_read(store, _everything), _nothing())

    def test_an_exception_rolls_back_every_repository_and_propagates(self, store: Store) -> None:
        records = _one_of_each()

        def fail() -> None:
            with store.unit_of_work() as uow:
                _add_all(uow, *records, *audit_chain(2))
                raise _Boom

        with pytest.raises(_Boom):
            fail()
        assert_equivalent(_read(store, _everything), _nothing())

    def test_explicit_rollback_discards_the_writes(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            _add_all(uow, *_one_of_each(), *audit_chain(1))
            uow.rollback()
        assert_equivalent(_read(store, _everything), _nothing())

    def test_commit_persists_every_repository_for_the_next_unit(self, store: Store) -> None:
        records = _one_of_each()
        events = audit_chain(2)
        _store_all(store, *records, *events)
        assert_equivalent(_read(store, _everything), _expected(records, events))

    def test_reads_see_the_units_own_uncommitted_writes(self, store: Store) -> None:
        records = _one_of_each()
        events = audit_chain(2)
        with store.unit_of_work() as uow:
            _add_all(uow, *records, *events)
            assert_equivalent(_everything(uow), _expected(records, events))
            assert_equivalent(uow.audit.last(), events[-1])
        assert_equivalent(_read(store, _everything), _nothing())

    def test_facts_see_an_update_made_in_the_same_unit(self, store: Store) -> None:
        consent = _consent("c-1")
        _store_all(store, _subject(), consent)
        withdrawn = consent.transition(ConsentStatus.WITHDRAWN, CONTRACT_START + timedelta(days=1))
        with store.unit_of_work() as uow:
            uow.consents.update(withdrawn)
            facts = uow.facts("s-1")
            assert facts is not None
            assert_equivalent(facts.consents, (withdrawn,))
            assert_equivalent(uow.consents.get("c-1"), withdrawn)
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)

    def test_facts_gather_one_subject_in_order_added(self, store: Store) -> None:
        """The one call a decision makes: the subject and its acquisitions, consents, restrictions."""
        subject = _subject("s-1")
        acquisitions = (
            _acquisition("a-2"),
            attrs.evolve(_acquisition("a-1"), channel=Channel.TELEPHONE),
        )
        consents = (
            _consent("c-2"),
            attrs.evolve(_consent("c-1"), scope=ConsentScope(purpose="service")),
        )
        restrictions = (
            _restriction("x-2"),
            attrs.evolve(_restriction("x-1"), kind=RestrictionKind.DELETED),
        )
        _store_all(
            store,
            subject,
            _subject("s-2"),
            acquisitions[0],
            _acquisition("a-other", "s-2"),
            consents[0],
            _consent("c-other", "s-2"),
            restrictions[0],
            _restriction("x-other", "s-2"),
            _provision("p-1"),
            _request("r-1"),
        )
        _store_all(store, acquisitions[1], consents[1], restrictions[1])
        expected = SubjectFacts(subject, acquisitions, consents, restrictions)
        assert_equivalent(_read(store, lambda uow: uow.facts("s-1")), expected)

    def test_facts_of_a_subject_with_nothing_recorded_are_empty(self, store: Store) -> None:
        subject = _subject("s-1")
        _store_all(store, subject)
        assert_equivalent(
            _read(store, lambda uow: uow.facts("s-1")), SubjectFacts(subject, (), (), ())
        )

    def test_facts_of_an_unknown_subject_are_none(self, store: Store) -> None:
        _store_all(store, *_one_of_each())
        assert _read(store, lambda uow: uow.facts("s-unknown")) is None

    def test_commit_twice_keeps_both_parts(self, store: Store) -> None:
        """The engine commits a denial's audit event, then commits again at the end."""
        with store.unit_of_work() as uow:
            _add_all(uow, _subject("s-1"))
            uow.commit()
            _add_all(uow, _subject("s-2"))
            uow.commit()
        assert _read(store, lambda uow: uow.subjects.get("s-1")) is not None
        assert _read(store, lambda uow: uow.subjects.get("s-2")) is not None

    def test_writes_after_a_commit_roll_back_without_another(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            _add_all(uow, _subject("s-1"))
            uow.commit()
            _add_all(uow, _subject("s-2"), _consent("c-1"))
        assert_equivalent(_read(store, lambda uow: uow.subjects.get("s-1")), _subject("s-1"))
        assert _read(store, lambda uow: uow.subjects.get("s-2")) is None
        assert _read(store, lambda uow: uow.consents.get("c-1")) is None

    def test_a_conflict_keeps_nothing_of_the_unit(self, store: Store) -> None:
        """A unit that fails on a conflict must not keep its other writes either."""
        consent = _consent("c-1")
        _store_all(store, _subject("s-1"), consent)
        stale = attrs.evolve(consent, status=ConsentStatus.REVOKED)  # version not advanced

        _assert_conflict_now(
            store,
            lambda uow: uow.consents.update(stale),
            first=lambda uow: uow.subjects.add(_subject("s-2")),
        )
        assert _read(store, lambda uow: uow.subjects.get("s-2")) is None
        assert_equivalent(_read(store, lambda uow: uow.consents.get("c-1")), consent)


class LifecycleContract(StoreFixtures):
    """Capabilities and closing: every store."""

    def test_capabilities_are_declared(self, store: Store) -> None:
        capabilities = store.capabilities
        assert isinstance(capabilities, Capabilities)
        for name in ("persistent", "multi_process", "migrations"):
            assert type(getattr(capabilities, name)) is bool, name
        if capabilities.persistent or capabilities.multi_process:
            assert isinstance(self, PersistenceContract), (
                "the store declares persistent or multi_process data: run "
                "SharedBackendContract (it adds PersistenceContract), not BackendContract"
            )

    def test_a_closed_store_refuses_work_with_a_storage_error(self, store: Store) -> None:
        _store_all(store, _subject())
        store.close()
        store.close()  # closing twice is harmless
        with pytest.raises(StorageError):
            _open_unit(store)


class PersistenceContract(StoreFixtures):
    """Persistence and sharing between processes: for stores that declare both.

    Run through :class:`SharedBackendContract`; a store that declares neither runs
    :class:`BackendContract`, so no test here is ever skipped.
    """

    def test_commits_survive_reopening(
        self, store: Store, reopen_store: Callable[[], Store] | None
    ) -> None:
        assert store.capabilities.persistent, "only persistent stores run PersistenceContract"
        reopen = _reopener(reopen_store, "persistent")
        records = _one_of_each()
        events = audit_chain(2)
        _store_all(store, *records, *events)
        with store.unit_of_work() as uow:  # never committed
            _add_all(uow, _subject("s-uncommitted"))
        store.close()
        again = reopen()
        try:
            assert_equivalent(_read(again, _everything), _expected(records, events))
            assert _read(again, lambda uow: uow.subjects.get("s-uncommitted")) is None
            assert verify_chain(_read(again, lambda uow: list(uow.audit.scan()))).ok
        finally:
            again.close()

    def test_a_second_connection_sees_commits_and_detects_lost_updates(
        self, store: Store, reopen_store: Callable[[], Store] | None
    ) -> None:
        assert store.capabilities.multi_process, "only shared stores run PersistenceContract"
        reopen = _reopener(reopen_store, "multi_process")
        other = reopen()
        try:
            records = _one_of_each()
            _store_all(store, *records)
            assert_equivalent(_read(other, _everything), _expected(records, []))

            # Lost update across connections: both read version 1, `store` writes first.
            stale = _read(other, lambda uow: uow.consents.get("c-s-1"))
            assert stale is not None
            first = stale.transition(ConsentStatus.WITHDRAWN, CONTRACT_START + timedelta(hours=1))
            _in_unit(store, lambda uow: uow.consents.update(first))
            second = stale.transition(ConsentStatus.REVOKED, CONTRACT_START + timedelta(hours=2))
            _assert_conflict_now(other, lambda uow: uow.consents.update(second))
            assert_equivalent(_read(other, lambda uow: uow.consents.get("c-s-1")), first)

            # Racing audit writers in two processes: one position, one winner.
            event_a = next_event(None, CONTRACT_START, "test.a", None, {})
            event_b = next_event(None, CONTRACT_START, "test.b", None, {})
            _in_unit(store, lambda uow: uow.audit.append(event_a))
            _assert_conflict_now(other, lambda uow: uow.audit.append(event_b))
            assert_equivalent(_read(other, lambda uow: list(uow.audit.scan())), [event_a])
        finally:
            other.close()


# -- the engine on the store -----------------------------------------------------------------


class EngineContract(StoreFixtures):
    """The engine end to end on the store: decisions, records and the audit trail.

    Uses :func:`contract_policy` and a :class:`~pipolicy.FixedClock` in Tokyo time
    starting at :data:`CONTRACT_START`; override ``clock`` to start elsewhere.
    """

    @pytest.fixture
    def clock(self) -> FixedClock:
        return FixedClock(CONTRACT_START)

    @pytest.fixture
    def engine(self, store: Store, clock: FixedClock) -> Engine:
        return Engine(contract_policy(), store=store, clock=clock)

    def test_r_acq_1_registration_and_acquisition_are_stored(
        self, engine: Engine, store: Store, clock: FixedClock
    ) -> None:
        subject = engine.register_subject("user-42", category="customer")
        assert subject.registered_at == clock.now()
        assert subject.category == "customer"
        assert_equivalent(_read(store, lambda uow: uow.subjects.get(subject.id)), subject)
        assert_equivalent(engine.register_subject("user-42", category="customer"), subject)
        assert_equivalent(engine.find_subject("user-42"), subject)

        clock.advance(timedelta(minutes=5))
        acquisition = engine.acquire(
            subject,
            items={"name", "email", "address"},
            purposes={"service"},
            channel="web",
            source="signup-form",
        )
        assert acquisition.acquired_at == clock.now()
        assert acquisition.channel is Channel.WEB
        assert acquisition.purposes == frozenset({"service"})
        assert acquisition.policy_version == engine.policy.version
        assert_equivalent(
            _read(store, lambda uow: uow.acquisitions.for_subject(subject.id)), [acquisition]
        )
        assert_equivalent(engine.acquisitions(subject), (acquisition,))

    def test_r_use_4_use_beyond_purpose_needs_consent_and_r_con_2_withdrawal_ends_it(
        self, engine: Engine, store: Store, clock: FixedClock
    ) -> None:
        subject = engine.register_subject("user-1", category="customer")
        engine.acquire(subject, items={"name", "email"}, purposes={"service"}, channel="web")

        within = engine.check_use(subject, purpose="service", items={"email"})
        assert within.allowed and within.basis is Basis.NOTIFIED_PURPOSE
        beyond = engine.check_use(subject, purpose="newsletter", items={"email"})
        assert not beyond.allowed and beyond.basis is None and beyond.reasons

        evidence = Evidence(method="web-form", ref="signup-v3")
        consent = engine.grant_consent(subject, purpose="newsletter", evidence=evidence)
        assert consent.status is ConsentStatus.GIVEN and consent.evidence == evidence
        assert_equivalent(_read(store, lambda uow: uow.consents.get(consent.id)), consent)
        granted = engine.check_use(subject, purpose="newsletter", items={"email"})
        assert granted.allowed and granted.basis is Basis.CONSENT
        assert granted.consent_id == consent.id

        clock.advance(timedelta(days=1))
        (withdrawn,) = engine.withdraw_consent(subject, purpose="newsletter")
        assert withdrawn.status is ConsentStatus.WITHDRAWN
        assert withdrawn.version == consent.version + 1
        assert withdrawn.ended_at == clock.now()
        assert_equivalent(_read(store, lambda uow: uow.consents.get(consent.id)), withdrawn)
        assert_equivalent(engine.consents(subject), (withdrawn,))
        after = engine.check_use(subject, purpose="newsletter", items={"email"})
        assert not after.allowed and after.basis is None

    def test_r_con_2_withdrawal_holds_at_both_folds_of_a_dst_change(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        """R-CON-2 across the night clocks go back in New York (1 November 2026): a consent
        withdrawn at 01:40 EDT stays withdrawn at 01:20 EST, forty minutes later, although
        the wall clock shows an earlier time. Every backend compares real instants."""
        new_york = ZoneInfo("America/New_York")
        clock.set(datetime(2026, 11, 1, 1, 20, tzinfo=new_york))  # first fold, EDT
        subject = engine.register_subject("user-dst", category="customer")
        engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
        engine.grant_consent(subject, purpose="newsletter")
        use: dict[str, Any] = {"purpose": "newsletter", "items": {"email"}}
        assert engine.check_use(subject, **use).allowed
        clock.advance(timedelta(minutes=20))  # 01:40 EDT
        engine.withdraw_consent(subject, purpose="newsletter")
        moved = clock.advance(timedelta(minutes=40))
        assert (moved.hour, moved.minute, moved.fold) == (1, 20, 1)  # second fold, EST
        assert moved.utcoffset() == timedelta(hours=-5)
        assert not engine.check_use(subject, **use).allowed
        [withdrawn] = engine.consents(subject)
        assert withdrawn.ended_at is not None
        assert withdrawn.ended_at < clock.now() and withdrawn.given_at < withdrawn.ended_at

    def test_r_rec_1_consent_based_provision_is_recorded_and_stored(
        self, engine: Engine, store: Store, clock: FixedClock
    ) -> None:
        subject = engine.register_subject("user-1", category="customer")
        engine.acquire(subject, items={"name", "email"}, purposes={"service"}, channel="web")
        refused = engine.check_provision(
            subject, recipient="partner", items={"email"}, purpose="service"
        )
        assert not refused.allowed

        consent = engine.grant_consent(subject, recipient="partner", items={"email"})
        clock.advance(timedelta(hours=2))
        allowed = engine.check_provision(
            subject, recipient="partner", items={"email"}, purpose="service"
        )
        assert allowed.allowed and allowed.basis is Basis.CONSENT
        assert allowed.consent_id == consent.id
        assert engine.provisions(subject) == ()  # a check records nothing

        record = engine.provide(subject, recipient="partner", items={"email"}, purpose="service")
        assert record.basis is Basis.CONSENT and record.required_by_law
        assert record.recipient == "partner" and record.recipient_name == "Partner Co."
        assert record.items == frozenset({"email"}) and record.consent_id == consent.id
        assert record.provided_at == clock.now()
        # Art. 29: kept three years (the default) from the provision, 2026-04-01 -> 2029-04-01.
        assert record.keep_until == clock.now().replace(year=clock.now().year + 3)
        assert_equivalent(
            _read(store, lambda uow: uow.provisions.for_subject(subject.id)), [record]
        )
        assert_equivalent(engine.provisions(subject), (record,))

        # R-CON-2: after withdrawal, provision is refused; the record made before stays.
        clock.advance(timedelta(days=1))
        engine.withdraw_consent(subject, recipient="partner")
        assert not engine.check_provision(
            subject, recipient="partner", items={"email"}, purpose="service"
        )
        assert_equivalent(
            _read(store, lambda uow: uow.provisions.for_subject(subject.id)), [record]
        )

    def test_r_tpp_3_entrustment_is_recorded_without_a_legal_duty(
        self, engine: Engine, store: Store
    ) -> None:
        subject = engine.register_subject("user-1", category="customer")
        engine.acquire(
            subject, items={"name", "address", "email"}, purposes={"service"}, channel="web"
        )
        outside = engine.check_provision(
            subject, recipient="shipping", items={"email"}, purpose="service"
        )
        assert not outside.allowed

        record = engine.provide(
            subject, recipient="shipping", items={"name", "address"}, purpose="service"
        )
        assert record.basis is Basis.ENTRUSTMENT
        assert not record.required_by_law and record.keep_until is None
        assert record.consent_id is None and record.purpose == "service"
        assert_equivalent(
            _read(store, lambda uow: uow.provisions.for_subject(subject.id)), [record]
        )

    def test_r_tpp_2_court_order_is_recorded_with_its_justification(
        self, engine: Engine, store: Store
    ) -> None:
        subject = engine.register_subject("user-1", category="customer")
        engine.acquire(subject, items={"name"}, purposes={"service"}, channel="mail")
        record = engine.provide(
            subject,
            recipient="court",
            items={"name"},
            exemption=Exemption.LAWS_AND_REGULATIONS,
            justification="order 2026-123",
        )
        assert record.basis is Basis.EXEMPTION
        assert record.exemption is Exemption.LAWS_AND_REGULATIONS
        assert record.justification == "order 2026-123"
        assert not record.required_by_law
        assert_equivalent(
            _read(store, lambda uow: uow.provisions.for_subject(subject.id)), [record]
        )

    def test_r_sec_3_a_denial_leaves_its_audit_event(self, engine: Engine, store: Store) -> None:
        subject = engine.register_subject("user-1", category="customer")
        engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
        before = len(list(engine.audit_events()))

        with pytest.raises(ProvisionDenied) as provision_denied:
            engine.provide(subject, recipient="partner", items={"email"}, purpose="service")
        assert not provision_denied.value.decision.allowed
        with pytest.raises(UseDenied) as use_denied:
            engine.use(subject, purpose="newsletter", items={"email"})
        assert not use_denied.value.decision.allowed

        events = _read(store, lambda uow: list(uow.audit.scan()))
        assert [e.kind for e in events[before:]] == ["provision.denied", "use.denied"]
        assert all(e.subject_id == subject.id for e in events[before:])
        assert all(e.payload["allowed"] is False for e in events[before:])
        assert _read(store, lambda uow: uow.provisions.for_subject(subject.id)) == []
        assert engine.verify_audit().ok

    def test_r_sec_3_every_change_is_chained_in_order(
        self, engine: Engine, store: Store, clock: FixedClock
    ) -> None:
        times = []
        subject = engine.register_subject("user-1", category="customer")
        times.append(clock.now())
        clock.advance(timedelta(minutes=1))
        engine.acquire(
            subject, items={"name", "email", "address"}, purposes={"service"}, channel="web"
        )
        times.append(clock.now())
        clock.advance(timedelta(minutes=1))
        engine.grant_consent(subject, purpose="newsletter")
        times.append(clock.now())
        clock.advance(timedelta(minutes=1))
        engine.withdraw_consent(subject, purpose="newsletter")
        times.append(clock.now())
        clock.advance(timedelta(minutes=1))
        engine.provide(subject, recipient="shipping", items={"name"}, purpose="service")
        times.append(clock.now())
        clock.advance(timedelta(minutes=1))
        with pytest.raises(ProvisionDenied):
            engine.provide(subject, recipient="partner", items={"email"}, purpose="service")
        times.append(clock.now())

        events = list(engine.audit_events())
        assert [e.kind for e in events] == [
            "subject.registered",
            "acquisition.recorded",
            "consent.given",
            "consent.withdrawn",
            "provision.recorded",
            "provision.denied",
        ]
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert [e.at for e in events] == times
        assert {e.subject_id for e in events} == {subject.id}
        assert_equivalent(_read(store, lambda uow: list(uow.audit.scan())), events)
        report = engine.verify_audit()
        assert report.ok, report.problem
        assert report.events == len(events)

    def test_a_failed_operation_keeps_nothing(self, engine: Engine, store: Store) -> None:
        subject = engine.register_subject("user-1", category="customer")
        before = _read(store, lambda uow: list(uow.audit.scan()))
        with pytest.raises(InvalidTransition):
            engine.withdraw_consent(subject, purpose="newsletter")
        assert_equivalent(_read(store, lambda uow: list(uow.audit.scan())), before)
        assert _read(store, lambda uow: uow.consents.for_subject(subject.id)) == []

    def test_engines_sharing_a_store_see_each_others_writes(
        self, engine: Engine, store: Store, clock: FixedClock
    ) -> None:
        """Nothing is cached between operations: a second engine (another worker) counts."""
        other = Engine(contract_policy(), store=store, clock=clock)
        subject = engine.register_subject("user-1", category="customer")
        other.acquire(subject.id, items={"email"}, purposes={"service"}, channel="web")
        assert not engine.check_use(subject, purpose="newsletter", items={"email"})
        other.grant_consent(subject.id, purpose="newsletter")
        assert engine.check_use(subject, purpose="newsletter", items={"email"}).allowed
        assert len(list(engine.audit_events())) == 3
        assert engine.verify_audit().ok and other.verify_audit().ok

    def test_an_unregistered_subject_is_not_found(self, engine: Engine) -> None:
        engine.register_subject("user-1", category="customer")
        with pytest.raises(SubjectNotFound):
            engine.check_use("no-such-subject", purpose="service", items={"email"})


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
    EngineContract,
):
    """The whole contract for a store in one process. Subclass it, provide ``store``."""


class SharedBackendContract(BackendContract, PersistenceContract):
    """The whole contract for a store whose data outlives it and that several processes
    share (a database file or server). Also provide ``reopen_store``."""
