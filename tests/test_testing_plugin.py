"""The pytest plugin gives applications a controllable clock, a policy, a store and an engine.

Each test runs a separate pytest session through ``pytester``, as an application's test
suite would: the plugin is found through its ``pytest11`` entry point, not imported here.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from importlib.metadata import entry_points
from types import MappingProxyType

import attrs
import pytest

import pipolicy as pp
from pipolicy.testing import (
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
    ProvisionRepositoryContract,
    RenewalContract,
    RequestRepositoryContract,
    RestrictionRepositoryContract,
    SharedBackendContract,
    SubjectRepositoryContract,
    UnitOfWorkContract,
    assert_equivalent,
)

pytest_plugins = ["pytester"]

JST = timezone(timedelta(hours=9))
AT = datetime(2026, 4, 1, 9, 0, tzinfo=JST)

CONCERNS: tuple[type, ...] = (
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
    PersistenceContract,
    EngineContract,
    RenewalContract,
    AcquisitionDecisionContract,
    BatchContract,
)


def test_plugin_is_registered_as_the_pytest11_entry_point() -> None:
    found = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert found.get("pipolicy") == "pipolicy.testing.plugin"


def test_fixtures_give_each_test_a_fresh_engine_on_a_tokyo_clock(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        from datetime import datetime, timedelta, timezone

        import pipolicy as pp
        from pipolicy.backends.memory import MemoryStore

        TOKYO = timezone(timedelta(hours=9))
        START = datetime(2026, 4, 1, 9, 0, tzinfo=TOKYO)

        def test_clock_starts_in_tokyo_and_advances(pp_clock):
            assert pp_clock.now() == START
            assert pp_clock.now().utcoffset() == timedelta(hours=9)
            assert pp_clock.advance(timedelta(days=15)) == START + timedelta(days=15)
            assert pp_clock.now() == datetime(2026, 4, 16, 0, 0, tzinfo=timezone.utc)

        def test_engine_is_wired_to_the_other_fixtures(pp_engine, pp_policy, pp_store, pp_clock):
            assert pp_engine.policy is pp_policy
            assert pp_engine.store is pp_store
            assert pp_engine.clock is pp_clock
            assert isinstance(pp_store, MemoryStore)
            subject = pp_engine.register_subject("user-1")
            assert subject.registered_at == START
            pp_engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
            assert pp_engine.check_use(subject, purpose="service", items={"email"}).allowed
            assert not pp_engine.check_use(subject, purpose="newsletter", items={"email"})
            pp_clock.advance(timedelta(hours=1))
            consent = pp_engine.grant_consent(subject, purpose="newsletter")
            assert consent.given_at == START + timedelta(hours=1)
            assert pp_engine.check_use(subject, purpose="newsletter", items={"email"}).allowed

        def test_nothing_leaks_from_the_previous_test(pp_engine, pp_clock):
            assert pp_engine.find_subject("user-1") is None
            assert list(pp_engine.audit_events()) == []
            assert pp_clock.now() == START

        def test_default_policy_is_a_valid_in_code_policy(pp_policy):
            assert isinstance(pp_policy, pp.Policy)
            assert pp_policy.source is None
            assert set(pp_policy.purposes) == {"service", "newsletter"}
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_an_application_overrides_pp_policy_with_its_own(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        from datetime import date

        import pytest

        import pipolicy as pp

        @pytest.fixture
        def pp_policy():
            return pp.Policy(
                controller=pp.Controller(
                    name="App K.K.",
                    address="1-1 Chiyoda, Tokyo",
                    representative="Hanako App, CEO",
                    contact="privacy@app.example",
                    security_measures=("Staff access is logged",),
                ),
                version="app-1",
                revised=date(2026, 1, 1),
                items={"cookie_id": pp.DataItem("cookie_id", identifies=False)},
                purposes={"analytics": pp.Purpose("analytics", items={"cookie_id"})},
            )
        """
    )
    pytester.makepyfile(
        """
        import pytest

        import pipolicy as pp

        def test_engine_uses_the_overriding_policy(pp_engine, pp_policy):
            assert pp_engine.policy is pp_policy
            assert pp_engine.policy.version == "app-1"
            subject = pp_engine.register_subject("visitor-1")
            pp_engine.acquire(subject, items={"cookie_id"}, purposes={"analytics"}, channel="web")
            assert pp_engine.check_use(subject, purpose="analytics", items={"cookie_id"}).allowed

        def test_the_default_policy_is_gone(pp_engine):
            subject = pp_engine.register_subject("visitor-2")
            with pytest.raises(pp.UnknownPurpose):
                pp_engine.check_use(subject, purpose="service", items={"cookie_id"})
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_an_application_overrides_pp_store(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        from pipolicy.backends.memory import MemoryStore

        SHARED = MemoryStore()

        @pytest.fixture
        def pp_store():
            return SHARED

        def test_engine_writes_to_the_overriding_store(pp_engine):
            assert pp_engine.store is SHARED
            subject = pp_engine.register_subject("user-1")
            with SHARED.unit_of_work() as uow:
                assert uow.subjects.get(subject.id) == subject
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_pp_store_is_closed_after_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        import pipolicy as pp

        KEPT = []

        def test_keep_the_store(pp_store):
            KEPT.append(pp_store)
            with pp_store.unit_of_work():
                pass

        def test_the_kept_store_was_closed():
            with pytest.raises(pp.StorageError):
                with KEPT[0].unit_of_work():
                    pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )


def test_import_pipolicy_does_not_import_pytest() -> None:
    result = _run_python(
        "import sys, pipolicy\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'pytest', '_pytest'})\n"
        "assert not loaded, loaded\n"
        "assert 'pipolicy.testing' not in sys.modules\n"
    )
    assert result.returncode == 0, result.stderr


def test_loading_the_plugin_creates_no_store_engine_or_clock() -> None:
    """pytest loads the plugin in every session; loading it must not open anything."""
    result = _run_python(
        "import gc\n"
        "import pipolicy.testing.plugin as plugin\n"
        "from pipolicy.backends.memory import MemoryStore\n"
        "from pipolicy.clock import FixedClock\n"
        "from pipolicy.engine import Engine\n"
        "live = [o for o in gc.get_objects() if isinstance(o, (MemoryStore, Engine, FixedClock))]\n"
        "assert not live, live\n"
        "assert sorted(plugin.__all__) == ['pp_clock', 'pp_engine', 'pp_policy', 'pp_store']\n"
    )
    assert result.returncode == 0, result.stderr


def test_backend_contract_runs_every_test_of_every_concern() -> None:
    """No concern's test may be shadowed by a same-named test of another."""
    assert set(BackendContract.__bases__) <= set(CONCERNS), "a concern is missing here"
    owners: dict[str, type] = {}
    for concern in CONCERNS:
        for name in vars(concern):
            if name.startswith("test_"):
                assert name not in owners, f"{name} is in {owners.get(name)} and {concern}"
                owners[name] = concern
    assert len(owners) > len(CONCERNS)
    for name, concern in owners.items():
        assert getattr(SharedBackendContract, name) is getattr(concern, name)
        if concern is not PersistenceContract:
            assert getattr(BackendContract, name) is getattr(concern, name)
        else:
            assert not hasattr(BackendContract, name)


def test_a_persistent_store_running_only_the_one_process_contract_is_told(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pipolicy.backends.memory import MemoryStore
        from pipolicy.storage.repositories import Capabilities
        from pipolicy.testing import LifecycleContract

        class PretendsToPersist(MemoryStore):
            capabilities = Capabilities(persistent=True)

        class TestWrongContract(LifecycleContract):
            @pytest.fixture
            def store(self):
                return PretendsToPersist()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:pipolicy")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*run PersistentBackendContract*or SharedBackendContract*"])


def test_a_shared_store_running_only_the_persistent_contract_is_told(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from pipolicy.backends.memory import MemoryStore
        from pipolicy.storage.repositories import Capabilities
        from pipolicy.testing import LifecycleContract, PersistenceContract

        class PretendsToBeShared(MemoryStore):
            capabilities = Capabilities(persistent=True, multi_process=True)

        class TestWrongContract(LifecycleContract, PersistenceContract):
            @pytest.fixture
            def store(self):
                return PretendsToBeShared()

            def test_commits_survive_reopening(self):
                pass  # not what this test is about
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:pipolicy")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*multi_process*run SharedBackendContract*"])


def test_a_backend_without_a_store_fixture_is_told_to_provide_one(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        from pipolicy.testing import SubjectRepositoryContract

        class TestForgotTheStore(SubjectRepositoryContract):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors", 0) + outcomes.get("failed", 0) > 0
    assert "passed" not in outcomes
    result.stdout.fnmatch_lines(["*needs a `store` fixture*"])


def test_a_persistent_backend_must_say_how_to_reopen_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        from pipolicy.backends.memory import MemoryStore
        from pipolicy.storage.repositories import Capabilities
        from pipolicy.testing import PersistenceContract

        class ClaimsPersistence(MemoryStore):
            capabilities = Capabilities(persistent=True)

        class TestClaimsPersistence(PersistenceContract):
            @pytest.fixture
            def store(self):
                return ClaimsPersistence()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "survive")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*override the `reopen_store` fixture*"])


def _consent() -> pp.Consent:
    return pp.Consent(
        id="c-1",
        subject_id="s-1",
        scope=pp.ConsentScope(purpose="newsletter", items=frozenset({"email"})),
        status=pp.ConsentStatus.GIVEN,
        evidence=pp.Evidence(method="web-form"),
        policy_version="v1",
        given_at=AT,
    )


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (AT.astimezone(timezone.utc), AT),
        (attrs.evolve(_consent(), given_at=AT.astimezone(timezone.utc)), _consent()),
        (MappingProxyType({"a": [1, {"b": None}]}), {"a": [1, {"b": None}]}),
        ((date(2026, 4, 1), "x", True), (date(2026, 4, 1), "x", True)),
    ],
)
def test_assert_equivalent_accepts_the_same_instant_and_any_mapping(
    actual: object, expected: object
) -> None:
    assert_equivalent(actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected", "message"),
    [
        (AT.replace(tzinfo=None), AT, "naive"),
        (AT + timedelta(microseconds=1), AT, "instant differs"),
        ("given", pp.ConsentStatus.GIVEN, "ConsentStatus"),
        (1, True, "bool"),
        ([1, 2], (1, 2), "tuple"),
        ({"email"}, frozenset({"email"}), "frozenset"),
        (datetime(2026, 4, 1, tzinfo=JST), date(2026, 4, 1), "date"),
        ({"a": [1]}, {"a": [1], "b": 2}, "keys differ"),
        (
            # A backend that hands back a set where the domain has a frozenset:
            attrs.evolve(
                _consent(),
                scope=pp.ConsentScope(purpose="newsletter", items={"email"}),  # type: ignore[arg-type]
            ),
            _consent(),
            "Consent.scope.items",
        ),
        (
            attrs.evolve(_consent(), evidence=pp.Evidence(method="paper")),
            _consent(),
            "Consent.evidence.method",
        ),
    ],
)
def test_assert_equivalent_names_what_differs(
    actual: object, expected: object, message: str
) -> None:
    with pytest.raises(AssertionError, match=message):
        assert_equivalent(actual, expected)
