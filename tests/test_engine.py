"""Engine behaviour: input errors, fail-closed storage, atomicity, audit (R-SEC-3), retention (R-ACC-1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta, timezone
from typing import Any

import attrs
import pytest

import pipolicy as pp
from pipolicy.backends.memory import MemoryStore, MemoryUnitOfWork
from pipolicy.domain.audit import AuditEvent
from tests.factories import JST, T0, make_engine, make_policy
from tests.memory_log import MemoryLog


def test_unregistered_subject_is_a_typed_error() -> None:
    engine, _ = make_engine()
    with pytest.raises(pp.SubjectNotFound) as info:
        engine.check_use("nobody", purpose="service", items={"email"})
    assert isinstance(info.value, LookupError)
    assert "register_subject" in str(info.value)


def test_register_subject_is_idempotent_per_ref_and_keeps_the_ref_out_of_reprs() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("taro@example.jp", category="customer")
    assert engine.register_subject("taro@example.jp", category="customer") == s
    assert engine.find_subject("taro@example.jp") == s
    assert engine.find_subject("someone-else") is None
    assert "taro" not in repr(s)
    with pytest.raises(pp.InvalidInput):
        engine.register_subject("taro@example.jp", category="applicant")
    with pytest.raises(pp.InvalidInput):
        engine.register_subject("")


def test_subject_can_be_passed_by_id() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s.id, items={"email"}, purposes={"service"}, channel="web")
    assert engine.check_use(s.id, purpose="service", items={"email"}).allowed
    with pytest.raises(pp.InvalidInput):
        engine.check_use("", purpose="service", items={"email"})


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(pp.InvalidInput, match="naive"):
        pp.FixedClock(datetime(2026, 1, 1))
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    with pytest.raises(pp.InvalidInput, match="naive"):
        engine.grant_consent(s, purpose="newsletter", expires=datetime(2027, 1, 1))
    with pytest.raises(pp.InvalidInput, match="past"):
        engine.grant_consent(s, purpose="newsletter", expires=clock.now())
    with pytest.raises(pp.InvalidInput):
        clock.advance(timedelta(seconds=-1))


class NaiveClock:
    def now(self) -> datetime:
        return datetime(2026, 1, 1)


def test_a_clock_returning_naive_time_is_rejected() -> None:
    engine = pp.Engine(make_policy(), clock=NaiveClock())
    with pytest.raises(pp.InvalidInput):
        engine.register_subject("c1")


def test_consent_scope_input_errors() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    with pytest.raises(pp.InvalidInput, match="exactly one"):
        engine.grant_consent(s, purpose="service", recipient="partner", items={"email"})
    with pytest.raises(pp.InvalidInput, match="exactly one"):
        engine.grant_consent(s)
    with pytest.raises(pp.InvalidInput, match="items is empty"):
        engine.grant_consent(s, recipient="partner")
    with pytest.raises(pp.UnknownRecipient):
        engine.grant_consent(s, recipient="stranger", items={"email"})
    with pytest.raises(pp.InvalidInput, match="not declared"):
        engine.grant_consent(s, purpose="newsletter", items={"phone"})
    with pytest.raises(pp.InvalidInput):
        engine.withdraw_consent(s)
    with pytest.raises(pp.InvalidInput, match="justification"):
        engine.check_use(s, purpose="service", items={"email"}, justification="why not")


def test_engine_needs_a_policy() -> None:
    with pytest.raises(pp.InvalidInput):
        pp.Engine("policy.toml")  # type: ignore[arg-type]


class FlakyStore(MemoryStore):
    """A store whose reads fail, like a database that went away."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = False

    def unit_of_work(self, *, read_only: bool = False, snapshot: bool = False) -> MemoryUnitOfWork:
        uow = super().unit_of_work(read_only=read_only)
        if self.broken:

            def boom(subject_id: str, *, ended_consents: bool = True) -> Any:
                raise OSError("connection reset")

            uow.facts = boom  # type: ignore[method-assign]
        return uow


def test_storage_failure_during_a_check_fails_closed() -> None:
    store = FlakyStore()
    engine = pp.Engine(make_policy(), store=store, clock=pp.FixedClock(T0))
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    store.broken = True
    with pytest.raises(pp.StorageError) as info:
        engine.check_use(s, purpose="service", items={"email"})
    assert isinstance(info.value.__cause__, OSError)
    with pytest.raises(pp.StorageError):
        engine.check_provision(s, recipient="shipping", items={"email"}, purpose="service")


def test_a_failure_midway_keeps_nothing() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    before = list(engine.audit_events())
    store = engine.store
    assert isinstance(store, MemoryStore)
    original = store.unit_of_work

    def failing_uow(*, read_only: bool = False, snapshot: bool = False) -> MemoryUnitOfWork:
        uow = original(read_only=read_only, snapshot=snapshot)

        def fail(record: pp.ProvisionRecord) -> None:
            raise RuntimeError("disk full")

        uow.provisions.add = fail  # type: ignore[method-assign]
        return uow

    store.unit_of_work = failing_uow  # type: ignore[method-assign]
    with pytest.raises(pp.StorageError) as info:
        engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    assert isinstance(info.value.__cause__, RuntimeError)
    store.unit_of_work = original  # type: ignore[method-assign]
    assert engine.provisions(s) == ()
    assert list(engine.audit_events()) == before
    assert engine.verify_audit().ok


def _tamper(engine: pp.Engine) -> MemoryLog:
    return MemoryLog(engine)


def _busy_engine() -> pp.Engine:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email", "name"}, purposes={"service"}, channel="web")
    clock.advance(timedelta(hours=1))
    engine.grant_consent(s, recipient="partner", items={"email"})
    engine.provide(s, recipient="partner", items={"email"}, purpose="service")
    engine.withdraw_consent(s, recipient="partner")
    return engine


def test_r_sec_3_untouched_chain_verifies() -> None:
    report = _busy_engine().verify_audit()
    assert report.ok and report.events == 5 and report.first_bad_seq is None


def test_r_sec_3_changed_event_is_detected() -> None:
    engine = _busy_engine()
    log = _tamper(engine)
    log[2] = attrs.evolve(log[2], payload={**log[2].payload, "recipient": "someone-else"})
    report = engine.verify_audit()
    assert not report.ok and report.first_bad_seq == 3


def test_r_sec_3_removed_event_is_detected() -> None:
    engine = _busy_engine()
    del _tamper(engine)[1]
    report = engine.verify_audit()
    assert not report.ok and report.first_bad_seq == 3


def test_r_sec_3_reordered_events_are_detected() -> None:
    engine = _busy_engine()
    log = _tamper(engine)
    log[1], log[2] = log[2], log[1]
    assert not engine.verify_audit().ok


def test_r_sec_3_rehashed_forgery_of_one_event_breaks_the_next() -> None:
    from pipolicy.domain.audit import chain_hash

    engine = _busy_engine()
    log = _tamper(engine)
    e = log[1]
    forged_payload = {**e.payload, "channel": "mail"}
    log[1] = attrs.evolve(
        e,
        payload=forged_payload,
        hash=chain_hash(e.seq, e.at, e.kind, e.subject_id, forged_payload, e.prev_hash),
    )
    report = engine.verify_audit()
    assert not report.ok and report.first_bad_seq == 3


def test_r_sec_3_audit_payloads_hold_no_personal_values() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("hanako@example.jp", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web", source="signup")
    for event in engine.audit_events():
        assert "hanako" not in repr(event)


def test_r_acc_1_retention_report_lists_data_past_its_period() -> None:
    """The newsletter keeps e-mail addresses 30 days; a customer's address that the
    service still holds is not due (deleting it would stop the service)."""
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    engine.acquire(s, items={"name", "tax_record"}, purposes={"accounting"}, channel="web")
    reader = engine.register_subject("r1", category="customer")
    nl = engine.acquire(reader, items={"email"}, purposes={"newsletter"}, channel="web")
    assert engine.retention_report() == []
    clock.advance(timedelta(days=31))
    [entry] = engine.retention_report()
    assert entry.acquisition_id == nl.id and entry.items == {"email"}
    # Collected at 09:00 on 1 April in Tokyo: that day is not counted (Civil Code Art.
    # 140), so 30 days run 2 April to 1 May and end at its midnight (Art. 141).
    assert entry.due_since == datetime(2026, 5, 2, 0, 0, tzinfo=JST)


def test_r_acc_1_004_l25_retention_counts_from_when_the_customer_left() -> None:
    """004 L25: the storage period applies to "customers who no longer use our service"."""
    policy = make_policy()
    purposes = dict(policy.purposes)
    purposes["newsletter"] = attrs.evolve(purposes["newsletter"], retention_from="left")
    engine, clock = make_engine(attrs.evolve(policy, purposes=purposes))
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    clock.advance(timedelta(days=400))  # an active subscriber is never due
    assert engine.retention_report() == []
    left = clock.now()
    engine.mark_left(s)
    # The day of leaving is not counted; 30 days end at midnight (Civil Code Arts. 140, 141).
    due = datetime.combine(left.astimezone(JST).date() + timedelta(days=31), time(0), JST)
    clock.set(due - timedelta(seconds=1))
    assert engine.retention_report() == []
    clock.set(due)
    [entry] = engine.retention_report()
    assert entry.due_since == due


def test_r_acc_1_a_period_from_collection_ignores_leaving() -> None:
    engine, clock = make_engine()
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    clock.advance(timedelta(days=20))
    engine.mark_left(s)
    clock.set(datetime(2026, 5, 2, 0, 0, tzinfo=JST) - timedelta(seconds=1))
    assert engine.retention_report() == []
    clock.set(datetime(2026, 5, 2, 0, 0, tzinfo=JST))  # 30 days after collection
    assert len(engine.retention_report()) == 1


def test_r_acc_1_legal_hold_items_are_reported_separately() -> None:
    policy = make_policy()
    purposes = dict(policy.purposes)
    purposes["accounting"] = attrs.evolve(
        purposes["accounting"], retention="10 days", retention_from="collection"
    )
    engine, clock = make_engine(make_policy(purposes=purposes))
    s = engine.register_subject("c1", category="customer")
    engine.acquire(s, items={"name", "tax_record"}, purposes={"accounting"}, channel="mail")
    clock.advance(timedelta(days=11))
    [entry] = engine.retention_report()
    assert entry.items == {"name"} and entry.legal_hold == {"tax_record"}


def test_open_store_by_url_and_unknown_scheme() -> None:
    store = pp.open_store("memory://")
    assert isinstance(store, MemoryStore)
    assert "memory" in pp.available_backends()
    with pytest.raises(pp.BackendNotFound) as info:
        pp.open_store("mongodb://localhost")
    assert isinstance(info.value, ImportError)
    with pytest.raises(pp.BackendNotFound, match="no scheme"):
        pp.open_store("pi.db")
    engine = pp.Engine(make_policy(), store="memory://")
    assert isinstance(engine.store, MemoryStore)


def test_closed_memory_store_refuses_work() -> None:
    engine, _ = make_engine()
    engine.store.close()
    with pytest.raises(pp.StorageError):
        engine.register_subject("c1")


def test_system_clock_is_aware() -> None:
    now = pp.SystemClock().now()
    assert now.tzinfo is not None
    assert abs(now - datetime.now(timezone.utc)) < timedelta(seconds=5)


def test_audit_events_iterate_in_order() -> None:
    engine = _busy_engine()
    events: Iterator[AuditEvent] = engine.audit_events()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]


def test_r_use_10_service_retention_applies_to_its_purposes() -> None:
    policy = make_policy(
        services={
            "shop": pp.Service(
                "shop",
                purposes={"hiring"},
                responsible="HR lead",
                retention="60 days",
                retention_from="collection",
            )
        }
    )
    engine, clock = make_engine(policy)
    s = engine.register_subject("a1", category="applicant")
    engine.acquire(s, items={"name", "resume"}, purposes={"hiring"}, channel="email")
    clock.advance(timedelta(days=59))
    assert engine.retention_report() == []
    clock.advance(timedelta(days=2))
    [entry] = engine.retention_report()
    assert entry.items == {"name", "resume"}


class RacingStore(MemoryStore):
    """The first lookup misses a subject that another writer registered meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.raced = False

    def unit_of_work(self, *, read_only: bool = False, snapshot: bool = False) -> MemoryUnitOfWork:
        uow = super().unit_of_work(read_only=read_only)
        if not self.raced:
            self.raced = True
            uow.subjects.by_ref = lambda ref: None  # type: ignore[method-assign]
        return uow


def test_concurrent_registration_of_one_ref_returns_the_winner() -> None:
    store = RacingStore()
    engine = pp.Engine(make_policy(), store=store, clock=pp.FixedClock(T0))
    with store.unit_of_work() as uow:
        uow.subjects.add(pp.Subject("winner", "c1", T0, "customer"))
        uow.commit()
    store.raced = False
    assert engine.register_subject("c1", category="customer").id == "winner"


class ContendedStore(MemoryStore):
    """Commits lose the race ``losses`` times, as when another writer got there first."""

    def __init__(self, losses: int) -> None:
        super().__init__()
        self.losses = losses
        self.read_only_calls = 0

    def unit_of_work(self, *, read_only: bool = False, snapshot: bool = False) -> MemoryUnitOfWork:
        self.read_only_calls += read_only
        uow = super().unit_of_work(read_only=read_only)
        original_commit = uow.commit

        def commit() -> None:
            if self.losses > 0:
                self.losses -= 1
                raise pp.ConcurrencyConflict("someone else wrote first")
            original_commit()

        uow.commit = commit  # type: ignore[method-assign]
        return uow


def test_a_lost_race_is_retried_from_fresh_facts() -> None:
    store = ContendedStore(losses=3)
    engine = pp.Engine(make_policy(), store=store, clock=pp.FixedClock(T0))
    s = engine.register_subject("c1", category="customer")
    assert [e.kind for e in engine.audit_events()] == ["subject.registered"]
    assert engine.find_subject("c1") == s


def test_retries_are_bounded() -> None:
    store = ContendedStore(losses=1000)
    engine = pp.Engine(make_policy(), store=store, clock=pp.FixedClock(T0))
    with pytest.raises(pp.ConcurrencyConflict):
        engine.register_subject("c1", category="customer")
    assert store.losses == 1000 - 20


def test_checks_open_read_only_units_of_work() -> None:
    store = ContendedStore(losses=0)
    engine = pp.Engine(make_policy(), store=store, clock=pp.FixedClock(T0))
    s = engine.register_subject("c1", category="customer")
    before = store.read_only_calls
    engine.check_use(s, purpose="service", items={"email"})
    assert store.read_only_calls == before + 1


class TickingClock:
    """A clock that moves one second every time it is read, like a real one would."""

    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def test_one_operation_records_one_instant_in_records_and_log() -> None:
    engine = pp.Engine(make_policy(), clock=TickingClock())
    s = engine.register_subject("c1", category="customer")
    acq = engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    refused = engine.refuse_consent(s, purpose="newsletter")
    record_events = {e.kind: e.at for e in engine.audit_events()}
    assert record_events["subject.registered"] == s.registered_at
    assert record_events["acquisition.recorded"] == acq.acquired_at
    assert refused.given_at == refused.ended_at == record_events["consent.refused"]


def test_provisions_and_mark_left_of_an_unknown_subject() -> None:
    engine, _ = make_engine()
    with pytest.raises(pp.SubjectNotFound):
        engine.provisions("ghost")
    with pytest.raises(pp.SubjectNotFound):
        engine.mark_left("ghost")


def test_r_con_2_a_decision_reads_no_withdrawn_consent_in_memory() -> None:
    """The in-memory store leaves ended consents out of a decision's facts, so a check's
    cost does not grow with a person's withdrawn consents; listings still show them. Of
    the withdrawals to a recipient, and to a purpose, it keeps the latest: the person's
    no (R-TPP-8, R-USE-7)."""
    engine, clock = make_engine()
    s = engine.register_subject("c-history", category="customer")
    withdrawn: list[pp.Consent] = []
    to_purpose: list[pp.Consent] = []
    for _ in range(3):
        engine.grant_consent(s, recipient="partner", items={"email"})
        engine.grant_consent(s, purpose="newsletter")
        clock.advance(timedelta(minutes=1))
        withdrawn += engine.withdraw_consent(s, recipient="partner")
        to_purpose += engine.withdraw_consent(s, purpose="newsletter")
    kept = engine.grant_consent(s, recipient="partner", items={"email"})
    store = engine.store
    assert isinstance(store, MemoryStore)
    with store.unit_of_work(read_only=True) as uow:
        facts = uow.facts(s.id, ended_consents=False)
    assert facts is not None
    assert [c.id for c in facts.consents] == [kept.id, withdrawn[-1].id, to_purpose[-1].id]
    assert len(engine.consents(s)) == 7


def test_r_con_1_granting_a_scope_already_in_force_returns_that_consent() -> None:
    """A retried sign-up leaves one consent per scope, and records nothing new."""
    engine, _ = make_engine()
    s = engine.register_subject("c-twice", category="customer")
    first = engine.grant_consent(s, recipient="partner", items={"email"})
    events = len(list(engine.audit_events()))
    again = engine.grant_consent(s, recipient="partner", items={"email"})
    assert again == first
    assert engine.consents(s) == (first,)
    assert len(list(engine.audit_events())) == events
    other = engine.grant_consent(s, recipient="partner", items={"email", "name"})
    assert other.id != first.id  # another scope is another consent


def test_r_con_1_a_longer_grant_renews_and_ends_the_consent_it_replaces() -> None:
    engine, clock = make_engine()
    s = engine.register_subject("c-renew", category="customer")
    soon = clock.now() + timedelta(days=30)
    short = engine.grant_consent(s, recipient="partner", items={"email"}, expires=soon)
    assert engine.grant_consent(s, recipient="partner", items={"email"}, expires=soon) == short
    renewed = engine.grant_consent(s, recipient="partner", items={"email"})
    assert renewed.id != short.id and renewed.expires_at is None
    ended, current = engine.consents(s)
    assert ended.id == short.id and ended.status is pp.ConsentStatus.EXPIRED
    assert ended.ended_at == clock.now()
    assert current == renewed
    kinds = [e.kind for e in engine.audit_events() if e.subject_id == s.id]
    assert kinds[-2:] == ["consent.expired", "consent.given"]
    assert engine.verify_audit().ok


def test_r_con_1_a_withdrawn_scope_granted_again_is_a_new_consent() -> None:
    engine, _ = make_engine()
    s = engine.register_subject("c-again", category="customer")
    first = engine.grant_consent(s, recipient="partner", items={"email"})
    engine.withdraw_consent(s, recipient="partner")
    second = engine.grant_consent(s, recipient="partner", items={"email"})
    assert second.id != first.id and second.status is pp.ConsentStatus.GIVEN


def test_r_con_1_a_lapsed_consent_ends_when_the_scope_is_granted_again() -> None:
    """The store keeps one consent per scope given: a consent whose expiry passed is
    ended (expired, at the new grant) before the new one is recorded."""
    engine, clock = make_engine()
    s = engine.register_subject("c-lapsed", category="customer")
    soon = clock.now() + timedelta(days=1)
    old = engine.grant_consent(s, recipient="partner", items={"email"}, expires=soon)
    clock.advance(timedelta(days=2))
    new = engine.grant_consent(s, recipient="partner", items={"email"})
    ended, current = engine.consents(s)
    assert ended.id == old.id and ended.status is pp.ConsentStatus.EXPIRED
    assert current == new and new.status is pp.ConsentStatus.GIVEN
    assert engine.verify_audit().ok
