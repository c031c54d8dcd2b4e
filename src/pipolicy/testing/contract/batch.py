"""The engine on the store, many at a time: batch checks, imports and streams answer as
the same questions asked one by one (R-USE-4, R-TPP-1)."""

from __future__ import annotations

import sys

import pytest

from pipolicy.clock import FixedClock
from pipolicy.domain.subjects import Ref, Subject
from pipolicy.engine import Engine
from pipolicy.errors import (
    InvalidInput,
    SubjectNotFound,
    UnknownPurpose,
)
from pipolicy.queries import ProvisionCheck, UseCheck
from pipolicy.storage.repositories import Store
from pipolicy.testing.contract.data import (
    CONTRACT_START,
    INTERN,
    STAFF,
    contract_policy,
    supervised_policy,
)
from pipolicy.testing.contract.fixtures import StoreFixtures


class BatchContract(StoreFixtures):
    """Checks asked many at a time answer as the same checks asked one by one."""

    @pytest.fixture
    def batch_engine(self, store: Store) -> Engine:
        return Engine(contract_policy(), store=store, clock=FixedClock(CONTRACT_START))

    def _people(self, engine: Engine) -> list[Subject]:
        """Four people in different positions: held and notified, consented to the
        newsletter and the partner, consent withdrawn, and nothing held at all."""
        held, keen, gone, bare = (
            engine.register_subject(f"batch-{n}", category="customer") for n in range(4)
        )
        for s in (held, keen, gone):
            engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
        engine.grant_consent(keen, purpose="newsletter")
        engine.grant_consent(keen, recipient="partner", items={"email"})
        engine.grant_consent(gone, purpose="newsletter")
        engine.withdraw_consent(gone, purpose="newsletter")
        return [held, keen, gone, bare]

    def test_r_use_4_check_use_many_answers_as_check_use_in_order(
        self, batch_engine: Engine
    ) -> None:
        engine = batch_engine
        people = self._people(engine)
        checks = [
            UseCheck(s, purpose=p, items={"email"})
            for p in ("newsletter", "service")
            for s in [*people, people[1]]  # a person asked twice is read once
        ]
        one_by_one = [engine.check_use(c.subject, purpose=c.purpose, items=c.items) for c in checks]
        assert engine.check_use_many(checks) == one_by_one
        assert [d.allowed for d in one_by_one[:5]] == [False, True, False, False, True]
        assert engine.check_use_many([]) == []

    def test_r_tpp_1_check_provision_many_answers_as_check_provision(
        self, batch_engine: Engine
    ) -> None:
        engine = batch_engine
        people = self._people(engine)
        checks = [
            ProvisionCheck(s.id, recipient="partner", items={"email"}, purpose="service")
            for s in people
        ]
        expected = [
            engine.check_provision(
                c.subject, recipient=c.recipient, items=c.items, purpose=c.purpose
            )
            for c in checks
        ]
        assert engine.check_provision_many(checks) == expected
        assert [d.allowed for d in expected] == [False, True, False, False]

    def test_r_sec_1_check_provision_many_asks_each_check_s_actor(self, store: Store) -> None:
        """A batch answers each check for its own actor (R-SEC-1), as one by one."""
        engine = Engine(supervised_policy(), store=store, clock=FixedClock(CONTRACT_START))
        s = engine.register_subject("batch-0", category="customer")
        engine.acquire(s, items={"name", "address"}, purposes={"service"}, channel="web")
        checks = [
            ProvisionCheck(s, "shipping", {"name", "address"}, purpose="service", actor=who)
            for who in (STAFF, None, INTERN, STAFF, "clerk-1")
        ]
        answers = engine.check_provision_many(checks)
        assert [d.allowed for d in answers] == [True, False, False, True, False]
        assert answers == [
            engine.check_provision(
                c.subject, recipient=c.recipient, items=c.items, purpose=c.purpose, actor=c.actor
            )
            for c in checks
        ]

    def test_batch_input_is_validated_before_anything_is_read(self, batch_engine: Engine) -> None:
        engine = batch_engine
        people = self._people(engine)
        with pytest.raises(UnknownPurpose):
            engine.check_use_many(
                [UseCheck(people[0], "service", {"email"}), UseCheck(people[1], "nope", {"email"})]
            )
        with pytest.raises(InvalidInput, match=r"check 1 is not a pp\.UseCheck"):
            engine.check_use_many([UseCheck(people[0], "service", {"email"}), "service"])  # type: ignore[list-item]
        with pytest.raises(InvalidInput):
            engine.check_provision_many("partner")  # type: ignore[arg-type]
        with pytest.raises(SubjectNotFound):
            engine.check_use_many([UseCheck("nobody", "service", {"email"})])

    def test_a_batch_names_the_check_of_a_person_not_registered(self, batch_engine: Engine) -> None:
        """Out of thousands of checks, the caller learns which one named nobody (by its
        position: neither the ref nor the id is in the message)."""
        engine = batch_engine
        people = self._people(engine)
        for nobody in (Ref("batch-nobody"), "no-such-subject-id"):
            checks = [
                UseCheck(people[0], "service", {"email"}),
                UseCheck(Ref("batch-1"), "service", {"email"}),
                UseCheck(nobody, "service", {"email"}),
                UseCheck(nobody, "newsletter", {"email"}),
            ]
            with pytest.raises(SubjectNotFound) as e:
                engine.check_use_many(checks)
            if sys.version_info >= (3, 11):  # exceptions take notes from 3.11
                assert "in check 2 of 4" in getattr(e.value, "__notes__", [])
            assert "batch-nobody" not in str(e.value)
            provisions = [ProvisionCheck(nobody, "partner", {"email"}, purpose="service")]
            with pytest.raises(SubjectNotFound):
                engine.check_provision_many(provisions)
        # Of an unknown id and an unknown ref, the one asked first is named.
        for first, then in (("no-such-id", Ref("nobody")), (Ref("nobody"), "no-such-id")):
            checks = [UseCheck(s, "service", {"email"}) for s in (people[0], first, then)]
            with pytest.raises(SubjectNotFound) as e:
                engine.check_use_many(checks)
            assert e.value.subject_id == ("" if isinstance(first, Ref) else first)
            if sys.version_info >= (3, 11):
                assert "in check 1 of 3" in getattr(e.value, "__notes__", [])

    def test_pages_of_subjects_cover_everyone_once(self, store: Store) -> None:
        """``page_after`` walks every subject exactly once, a page at most ``limit``
        long, in an order that does not change while nobody registers."""
        engine = Engine(contract_policy(), store=store, clock=FixedClock(CONTRACT_START))
        people = {engine.register_subject(f"page-{n}").id for n in range(7)}
        seen: list[str] = []
        after: str | None = None
        while True:
            with store.unit_of_work(read_only=True, snapshot=True) as uow:
                page = uow.subjects.page_after(after, 3)
            assert len(page) <= 3
            seen += page
            if len(page) < 3:
                break
            after = page[-1]
        assert len(seen) == len(set(seen)) and set(seen) >= people
        with store.unit_of_work(read_only=True, snapshot=True) as uow:
            again = uow.subjects.page_after(None, 100)
        assert again == seen

    def test_r_use_4_allowed_subjects_are_those_check_use_allows(
        self, batch_engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import pipolicy.engine as engine_module

        monkeypatch.setattr(engine_module, "_PAGE", 2)  # several pages, one partial
        engine = batch_engine
        people = self._people(engine)
        more = [engine.register_subject(f"batch-more-{n}", category="customer") for n in range(3)]
        for s in more[:2]:
            engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
            engine.grant_consent(s, purpose="newsletter")
        everyone = people + more
        for purpose in ("newsletter", "service"):
            streamed = engine.allowed_subjects(purpose=purpose, items={"email"})
            expected = {
                s.id
                for s in everyone
                if engine.check_use(s, purpose=purpose, items={"email"}).allowed
            }
            ids = [s.id for s in streamed]
            assert len(ids) == len(set(ids)) and set(ids) == expected, purpose
        assert {s.id for s in engine.allowed_subjects(purpose="newsletter", items={"email"})} == {
            people[1].id,
            more[0].id,
            more[1].id,
        }
        engine.mark_left(more[0])  # closed the account: no more newsletters
        assert {s.id for s in engine.allowed_subjects(purpose="newsletter", items={"email"})} == {
            people[1].id,
            more[1].id,
        }

    def test_every_call_that_takes_a_subject_takes_the_apps_ref(self, batch_engine: Engine) -> None:
        engine = batch_engine
        s = engine.register_subject("app-user-42", category="customer")
        me = Ref("app-user-42")
        acq = engine.acquire(me, items={"name", "email"}, purposes={"service"}, channel="web")
        assert acq.subject_id == s.id
        consent = engine.grant_consent(me, recipient="partner", items={"email"})
        assert engine.check_use(me, purpose="service", items={"email"}).allowed
        engine.use(me, purpose="service", items={"email"})
        record = engine.provide(me, recipient="partner", items={"email"}, purpose="service")
        assert engine.consents(me) == engine.consents(s) == (consent,)
        assert engine.acquisitions(me) == (acq,)
        assert engine.provisions(me) == (record,)
        assert [d.allowed for d in engine.check_use_many([UseCheck(me, "service", {"email"})])]
        request = engine.requests.submit("purpose_notification", subject=me)
        assert request.subject_id == s.id
        assert engine.requests.for_subject(me) == [request]
        engine.withdraw_consent(me, recipient="partner")
        engine.mark_left(me)
        assert engine.find_subject("app-user-42") is not None

    def test_an_unknown_ref_names_neither_the_ref_nor_anything_personal(
        self, batch_engine: Engine
    ) -> None:
        secret = "taro.yamada@example.jp"
        for call in (
            lambda: batch_engine.check_use(Ref(secret), purpose="service", items={"email"}),
            lambda: batch_engine.grant_consent(Ref(secret), purpose="newsletter"),
            lambda: batch_engine.mark_left(Ref(secret)),
            lambda: batch_engine.check_use_many([UseCheck(Ref(secret), "service", {"email"})]),
        ):
            with pytest.raises(SubjectNotFound) as raised:
                call()
            shown = f"{raised.value} {raised.value.args} {raised.value.subject_id}"
            assert secret not in shown and "ref" in str(raised.value)
        assert secret not in repr(Ref(secret))
