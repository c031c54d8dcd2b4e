"""The engine end to end on the store: decisions, records and the audit trail.

Why one module of this length (about 660 lines): ``EngineContract`` drives the whole
engine through the store, one recording call or check at a time, with the fixtures and
helpers its tests share, where the other contract modules test one repository each.
Checks asked many at a time, imports and streams are :mod:`.batch`'s.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from pipolicy.clock import FixedClock
from pipolicy.domain.acquisitions import Channel
from pipolicy.domain.consents import ConsentStatus, Evidence
from pipolicy.domain.decisions import Basis, Decision
from pipolicy.domain.exemptions import Exemption
from pipolicy.domain.requests import Document, DocumentKind, RequestKind
from pipolicy.domain.subjects import Ref
from pipolicy.engine import Engine
from pipolicy.errors import (
    InvalidTransition,
    ProvisionDenied,
    SubjectNotFound,
    UseDenied,
)
from pipolicy.importing import ConsentImport
from pipolicy.policy.model import Policy, PurposeChange
from pipolicy.queries import UseCheck
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import (
    CONTRACT_START,
    INTERN,
    JST,
    STAFF,
    contract_policy,
    supervised_policy,
)
from pipolicy.testing.contract.fixtures import StoreFixtures, _read, assert_equivalent


def _partner_in(policy: Policy, country: str, version: str) -> Policy:
    """``policy`` as a later version of it (revised on the day its name ends with)
    placing ``partner`` in ``country``."""
    partner = attrs.evolve(policy.recipients["partner"], country=country)
    year, month = (int(part) for part in version.rsplit("-", 2)[-2:])
    return attrs.evolve(
        policy,
        version=version,
        revised=date(year, month, 1),
        recipients={**policy.recipients, "partner": partner},
    )


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
        # Art. 29: kept three years (the default) from the provision, counted as the Civil
        # Code counts (Arts. 140, 141, 143): from the next day in the policy's time zone,
        # to the end of the day before that date three years on.
        first = clock.now().astimezone(engine.policy.tz).date() + timedelta(days=1)
        until = first.replace(year=first.year + 3)
        assert record.keep_until == datetime.combine(until, time(0), tzinfo=engine.policy.tz)
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

    def test_r_xb_1_a_consent_counts_abroad_only_for_the_country_recorded_as_shown(
        self, store: Store, clock: FixedClock
    ) -> None:
        """Art. 28(2), PPC Rules Art. 17(1): a consent to provision abroad covers the
        country the person was told of before consenting, as the store keeps it with the
        consent. Foreign information given while the recipient was in Japan names no
        country, so it covers none when the recipient moves abroad; one given while it
        was in China still covers China after a later version of the policy."""
        at_home = Engine(contract_policy(), store=store, clock=clock)
        subject = at_home.register_subject("user-xb", category="customer")
        at_home.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
        shown = Evidence("web-form", "consent-v1", foreign_info="generic-notice-v1")
        before = at_home.grant_consent(
            subject, recipient="partner", items={"email"}, evidence=shown
        )
        assert before.evidence.foreign_country == ""  # no foreign country was shown

        clock.advance(timedelta(days=30))
        to_china = _partner_in(contract_policy(), "CN", "contract-2026-05")
        check: dict[str, Any] = {"recipient": "partner", "items": {"email"}, "purpose": "service"}
        moved = Engine(to_china, store=store, clock=clock).check_provision(subject, **check)
        assert not moved.allowed and moved.basis is None
        assert [r.key for r in moved.why] == ["foreign_info_no_country"]

        # Granted again with the information on China: recorded with China, and honoured
        # by a later version of the policy that still places the recipient there.
        clock.advance(timedelta(days=1))
        informed = Engine(to_china, store=store, clock=clock).grant_consent(
            subject, recipient="partner", items={"email"}, evidence=shown
        )
        assert informed.id != before.id and informed.evidence.foreign_country == "CN"
        clock.advance(timedelta(days=30))
        later = _partner_in(contract_policy(), "CN", "contract-2026-06")
        kept = Engine(later, store=store, clock=clock).check_provision(subject, **check)
        assert kept.allowed and kept.basis is Basis.CONSENT and kept.consent_id == informed.id
        elsewhere = _partner_in(contract_policy(), "US", "contract-2026-06")
        us = Engine(elsewhere, store=store, clock=clock).check_provision(subject, **check)
        assert not us.allowed and [r.key for r in us.why] == ["foreign_info_other_country"]

    def test_r_xb_1_an_imported_consent_counts_abroad_only_for_a_country_it_names(
        self, store: Store, clock: FixedClock
    ) -> None:
        """An import row given under an earlier version of the policy, with foreign
        information but no country, may have been shown another country's system (or
        none, the recipient then in Japan): it covers no country. A row that names the
        country, or one given under the current version (the recipient's country then
        is the one the policy states now), covers that country."""
        policy = _partner_in(contract_policy(), "CN", "contract-2026-05")
        engine = Engine(policy, store=store, clock=clock)
        clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=JST))
        info = Evidence("import", "legacy-v1", foreign_info="foreign-notice-v1")
        earlier: dict[str, Any] = {
            "recipient": "partner",
            "items": {"email"},
            "category": "customer",
            "given_at": datetime(2026, 4, 10, 9, 0, tzinfo=JST),
            "policy_version": "contract-2026-03",
        }
        report = engine.import_consents(
            [
                ConsentImport("user-unnamed", evidence=info, **earlier),
                ConsentImport(
                    "user-named", evidence=attrs.evolve(info, foreign_country="CN"), **earlier
                ),
                ConsentImport("user-now", recipient="partner", items={"email"}, evidence=info),
            ]
        )
        assert (report.recorded, report.without_foreign_info) == (3, 1)
        check: dict[str, Any] = {"recipient": "partner", "items": {"email"}, "purpose": "service"}
        for ref, allowed in (("user-unnamed", False), ("user-named", True), ("user-now", True)):
            engine.acquire(Ref(ref), items={"email"}, purposes={"service"}, channel="web")
            decision = engine.check_provision(Ref(ref), **check)
            assert decision.allowed is allowed, ref
        [unnamed] = engine.consents(Ref("user-unnamed"))
        assert unnamed.evidence.foreign_country == ""

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

    def test_r_sec_1_only_a_purpose_s_handlers_provide_its_data(
        self, store: Store, clock: FixedClock
    ) -> None:
        """Art. 24: a purpose its handlers alone handle restricts who gives its data to
        others as it restricts who uses it. Without an actor, or by one not among them,
        the provision is denied (failing closed), whatever its basis; a handler's is
        allowed, and a question a handler asked first is not answered so without one."""
        engine = Engine(supervised_policy(), store=store, clock=clock)
        subject = engine.register_subject("user-1", category="customer")
        engine.acquire(subject, items={"name", "address"}, purposes={"service"}, channel="web")
        ship: dict[str, Any] = {
            "recipient": "shipping",
            "items": {"name", "address"},
            "purpose": "service",
        }

        by_staff = engine.check_provision(subject, **ship, actor=STAFF)
        assert by_staff.allowed and by_staff.basis is Basis.ENTRUSTMENT
        nobody = engine.check_provision(subject, **ship)
        assert [r.key for r in nobody.why] == ["provision_actor_required"]
        assert "R-SEC-1" in nobody.rules and "APPI Art. 24" in nobody.citations
        wrong = engine.check_provision(subject, **ship, actor=INTERN)
        assert [r.key for r in wrong.why] == ["provision_actor_not_authorised"]
        assert engine.check_provision(subject, **ship, actor=STAFF) == by_staff

        # An exemption names no purpose: the data is held for ``service`` alone, so its
        # handlers alone give it, and naming a purpose anyone handles changes nothing.
        court: dict[str, Any] = {
            "recipient": "court",
            "items": {"name"},
            "exemption": Exemption.LAWS_AND_REGULATIONS,
            "justification": "order 2026-123",
        }
        for who, purpose in ((None, None), (INTERN, None), (None, "newsletter")):
            with pytest.raises(ProvisionDenied) as denied:
                engine.provide(subject, **court, actor=who, purpose=purpose)
            assert not denied.value.decision.allowed
            assert denied.value.decision.why[0].key.startswith("provision_actor_")
        assert _read(store, lambda uow: uow.provisions.for_subject(subject.id)) == []
        record = engine.provide(subject, **court, actor=STAFF)
        assert record.basis is Basis.EXEMPTION
        assert_equivalent(
            _read(store, lambda uow: uow.provisions.for_subject(subject.id)), [record]
        )
        events = list(engine.audit_events())
        assert [e.kind for e in events[-4:]] == [*["provision.denied"] * 3, "provision.recorded"]
        assert [e.payload.get("actor") for e in events[-4:]] == [None, "intern-1", None, "clerk-1"]

        # Data also held for a purpose anyone handles is anyone's to give.
        engine.acquire(subject, items={"email"}, purposes={"service", "newsletter"}, channel="web")
        assert engine.check_provision(subject, **{**court, "items": {"email"}}).allowed

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

        # Placed first: on PostgreSQL a commit places queued events only if no other
        # sequencer is at work, so a raw scan right after may not see them yet.
        events = list(engine.audit_events())
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

    def test_r_req_7_a_restriction_in_force_denies_the_next_checks(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        """A suspension of use the person obtained reaches every way a check reads the
        person (by id, by the application's ref, in a batch, in a stream): a store that
        keeps a compiled state per person must update it when a restriction is added."""
        subject = engine.register_subject("user-r", category="customer")
        engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
        use: dict[str, Any] = {"purpose": "service", "items": {"email"}}
        assert engine.check_use(subject, **use).allowed
        passport = Document(DocumentKind.PASSPORT, date(2025, 1, 1), date(2035, 1, 1))
        r = engine.requests.submit(
            RequestKind.SUSPENSION_OF_USE, subject=subject, documents=[passport]
        )
        engine.requests.verify(r.id)
        engine.requests.fulfil(r.id)
        clock.advance(timedelta(minutes=1))

        assert not engine.check_use(subject, **use).allowed
        assert not engine.check_use(Ref("user-r"), **use).allowed
        [batch] = engine.check_use_many([UseCheck(subject, **use)])
        assert not batch.allowed
        assert list(engine.allowed_subjects(**use)) == []

    def test_r_acc_1_data_past_retention_is_denied_as_the_report_lists_it(
        self, store: Store, clock: FixedClock
    ) -> None:
        """Retention counts from what the person's state holds: their latest acquisition
        (a fresh collection restarts a period counted from collection) and when they left
        (``mark_left``). A store that keeps a compiled state per person must carry both,
        on every way a check reads the person, so that a check denies the data the
        retention report lists as due for deletion, and nothing else (R-ACC-1, Art. 22)."""
        base = contract_policy()
        policy = attrs.evolve(
            base,
            purposes={
                "service": attrs.evolve(base.purposes["service"], retention="1 year"),
                "newsletter": attrs.evolve(
                    base.purposes["newsletter"], retention="30 days", retention_from="collection"
                ),
            },
        )
        engine = Engine(policy, store=store, clock=clock)
        subject = engine.register_subject("user-ret", category="customer")
        engine.acquire(subject, items={"email"}, purposes={"newsletter"}, channel="web")
        engine.acquire(subject, items={"name"}, purposes={"service"}, channel="web")
        news: dict[str, Any] = {"purpose": "newsletter", "items": {"email"}}
        service: dict[str, Any] = {"purpose": "service", "items": {"name"}}

        def denied(asked: dict[str, Any]) -> bool:
            answers = [
                engine.check_use(subject, **asked),
                engine.check_use(Ref("user-ret"), **asked),
                *engine.check_use_many([UseCheck(subject, **asked)]),
            ]
            assert all(a == answers[0] for a in answers)
            streamed = [s.id for s in engine.allowed_subjects(**asked)]
            assert streamed == ([] if not answers[0].allowed else [subject.id])
            return not answers[0].allowed

        clock.advance(timedelta(days=20))
        engine.acquire(subject, items={"email"}, purposes={"newsletter"}, channel="web")
        clock.advance(timedelta(days=15))  # 35 days after the first, 15 after the second
        assert not denied(news)
        assert engine.retention_report() == []
        clock.advance(timedelta(days=16))
        assert denied(news)
        # Each acquisition of it is listed (the report reads the history).
        assert {i for e in engine.retention_report() for i in e.items} == {"email"}

        assert not denied(service)  # a customer's data is kept while needed
        engine.mark_left(subject)
        clock.advance(timedelta(days=366))
        assert denied(service)
        assert {i for e in engine.retention_report() for i in e.items} == {"name", "email"}
        assert engine.use(
            subject,
            purpose="service",
            items={"name"},
            exemption=Exemption.LAWS_AND_REGULATIONS,
            justification="court order 2027-4",
        ).allowed

    def test_r_use_3_a_change_not_yet_notified_reaches_only_data_collected_in_writing(
        self, store: Store, clock: FixedClock
    ) -> None:
        """A purpose changed within relevance (Art. 17(2)) and not yet notified or
        published (Art. 21(3)) is used only for data whose person was shown it: collected
        in writing after the change, under the version whose notice shows it (Art.
        21(2)). By telephone the purpose may be told after collection and the record does
        not keep whether it was (Art. 21(1)); from another business the recipient tells
        the person by notifying or publishing (Art. 21(1)), which for the change is its
        notice. Such data waits for the notice. A store that keeps a compiled state per
        person must keep each acquisition's channel, on every way a check reads it."""
        base = contract_policy()
        news = base.purposes["newsletter"]
        change = PurposeChange(
            date(2026, 4, 1),
            related=True,
            statement="the same news, now also by a text-message partner",
        )
        policy = attrs.evolve(
            base,
            version="contract-2026-04",
            revised=date(2026, 4, 1),
            purposes={**base.purposes, "newsletter": attrs.evolve(news, changes=(change,))},
        )
        engine = Engine(policy, store=store, clock=clock)
        ask: dict[str, Any] = {"purpose": "newsletter", "items": {"email"}}
        partner: dict[str, Any] = {
            "source": "Partner K.K.",
            "provider_address": "2-2 Minato, Tokyo",
            "provider_representative": "Hanako Partner, CEO",
            "provider_obtained_by": "its sign-up form",
            "provider_kind": "corporation",
            "provider_basis": "consent",
        }
        acquired: dict[str, list[dict[str, Any]]] = {
            "user-web": [{"channel": "web"}],
            "user-call": [{"channel": "telephone", "purpose_shown": False}],
            "user-call-told": [{"channel": "telephone", "purpose_shown": True}],
            "user-desk": [{"channel": "oral"}],
            "user-partner": [{"channel": "provided_by_business", **partner}],
            "user-call-then-web": [
                {"channel": "telephone", "purpose_shown": False},
                {"channel": "web"},
            ],
        }
        for ref, ways in acquired.items():
            s = engine.register_subject(ref, category="customer")
            for how in ways:
                engine.acquire(s, items={"email"}, purposes={"newsletter"}, **how)
                clock.advance(timedelta(minutes=1))

        def answers(engine: Engine) -> dict[str, Decision]:
            found = {}
            for ref in acquired:
                d = engine.check_use(Ref(ref), **ask)
                [batch] = engine.check_use_many([UseCheck(Ref(ref), **ask)])
                assert batch == d
                found[ref] = d
            streamed = {s.ref for s in engine.allowed_subjects(**ask)}
            assert streamed == {ref for ref, d in found.items() if d.allowed}
            return found

        told = {"user-web", "user-call-then-web"}
        for ref, d in answers(engine).items():
            if ref in told:
                assert d.allowed and d.basis is Basis.NOTIFIED_PURPOSE, ref
            else:
                assert not d.allowed and d.rules == ("R-USE-3",), ref
                assert "APPI Art. 21(3)" in d.citations

        # Once the change is notified or published, everyone has been told it.
        notified = attrs.evolve(change, notified=date(2026, 4, 10), how="published on the website")
        later = attrs.evolve(
            policy,
            purposes={**policy.purposes, "newsletter": attrs.evolve(news, changes=(notified,))},
        )
        clock.set(datetime(2026, 4, 10, 0, 0, tzinfo=JST))
        for ref, d in answers(Engine(later, store=store, clock=clock)).items():
            assert d.allowed and d.basis is Basis.NOTIFIED_PURPOSE, ref

    def test_r_con_2_checks_by_ref_read_what_checks_by_id_read(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        """A store may resolve the application's ref in the facts read itself
        (``facts_by_ref``): it must give the facts ``facts`` gives, withdrawals included."""
        subject = engine.register_subject("user-ref", category="customer")
        engine.acquire(subject, items={"email"}, purposes={"service"}, channel="web")
        engine.grant_consent(subject, purpose="newsletter")
        use: dict[str, Any] = {"purpose": "newsletter", "items": {"email"}}
        assert engine.check_use(Ref("user-ref"), **use).allowed
        clock.advance(timedelta(minutes=1))
        engine.withdraw_consent(Ref("user-ref"), purpose="newsletter")
        by_id = engine.check_use(subject, **use)
        by_ref = engine.check_use(Ref("user-ref"), **use)
        assert not by_id.allowed and not by_ref.allowed
        assert by_ref.reasons == by_id.reasons
        [batch] = engine.check_use_many([UseCheck(Ref("user-ref"), **use)])
        assert not batch.allowed

    def test_r_con_2_an_import_run_again_never_overrides_a_no(
        self, engine: Engine, clock: FixedClock
    ) -> None:
        """An import records no consent to a scope the person has since withdrawn or
        refused: it reads the person's ended consents (``consents.for_subject``), so a
        store must keep them there, not only the consents still given."""
        rows = [
            ConsentImport("user-w", purpose="newsletter", category="customer"),
            ConsentImport("user-n", recipient="partner", items={"email"}, category="customer"),
        ]
        engine.import_consents(rows)
        clock.advance(timedelta(minutes=1))
        engine.withdraw_consent(Ref("user-w"), purpose="newsletter")
        engine.refuse_consent(Ref("user-n"), recipient="partner", items={"email"})
        clock.advance(timedelta(minutes=1))
        again = engine.import_consents(rows)
        assert (again.recorded, again.declined) == (0, 2)
        for ref in ("user-w", "user-n"):
            assert all(c.status is not ConsentStatus.GIVEN for c in engine.consents(Ref(ref)))
        assert engine.verify_audit().ok

    def test_an_unregistered_subject_is_not_found(self, engine: Engine) -> None:
        engine.register_subject("user-1", category="customer")
        with pytest.raises(SubjectNotFound):
            engine.check_use("no-such-subject", purpose="service", items={"email"})
