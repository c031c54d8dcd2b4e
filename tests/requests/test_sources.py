"""R-REQ-6 (issue point 3): data sources. Fulfilment calls every registered source and
reports per source; a failing source leaves the request open with the error recorded; a
retry does not apply anything twice."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

import pipolicy as pp
from pipolicy.requests import DataSource, MemorySource, SourceFailed

from .support import APPLYING, REF, VALUES, CountingSource, FlakySource, customer, verified

K = pp.RequestKind


@pytest.fixture
def flaky(engine: pp.Engine) -> FlakySource:
    source = FlakySource({REF: {"email": VALUES["email"]}})
    engine.register_source("newsletter-tool", source)
    return source


def test_r_req_6_a_failing_source_leaves_the_request_open_with_the_error_recorded(
    engine: pp.Engine, person: pp.Subject, flaky: FlakySource
) -> None:
    r = verified(engine, K.CORRECTION, person, details={"changes": {"email": "new@example.jp"}})

    with pytest.raises(SourceFailed) as failure:
        engine.requests.fulfil(r.id)

    assert failure.value.request_id == r.id
    assert {o.source: o.ok for o in failure.value.outcomes} == {
        "crm": True,
        "newsletter-tool": False,
    }
    stored = engine.requests.get(r.id)
    assert stored.state is pp.RequestState.VERIFIED
    assert stored.details["sources"]["newsletter-tool"]["error"] == "ConnectionError"  # type: ignore[index]
    assert stored.history[-1][0] == "source_failed"
    assert "newsletter-tool" in stored.history[-1][2]
    assert "request.source_failed" in [e.kind for e in engine.audit_events()]
    # The exception's own message may carry data: it is never recorded.
    kept = json.dumps(
        [stored.details, stored.history, [dict(e.payload) for e in engine.audit_events()]],
        default=str,
    )
    assert "CRM is down" not in kept
    assert "CRM is down" not in str(failure.value)


def test_r_req_6_a_retry_calls_only_the_sources_that_have_not_succeeded(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource, flaky: FlakySource
) -> None:
    counting = CountingSource({REF: {"email": VALUES["email"]}})
    engine.register_source("mailing-list", counting)
    r = verified(engine, K.CORRECTION, person, details={"changes": {"email": "new@example.jp"}})
    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)
    assert counting.calls == ["correct"]

    flaky.failing = False
    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert counting.calls == ["correct"]  # not applied twice
    assert flaky.calls == ["correct", "correct"]  # failed, then done
    by_source = {o.source: o for o in answer.sources}
    assert by_source["mailing-list"].earlier
    assert not by_source["newsletter-tool"].earlier
    assert all(o.ok for o in answer.sources)
    assert crm.get(REF)["email"] == "new@example.jp"
    assert flaky.get(REF)["email"] == "new@example.jp"


def test_r_req_7_restrictions_hold_while_a_source_is_failing_and_are_made_once(
    engine: pp.Engine, person: pp.Subject, flaky: FlakySource
) -> None:
    flaky.fails = APPLYING  # it reads, and fails to restrict
    r = verified(engine, K.SUSPENSION_OF_USE, person)
    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)

    # Fail closed: the suspension is in force before every source has caught up.
    assert not engine.check_use(person, purpose="service", items={"email"}).allowed

    flaky.failing = False
    answer = engine.requests.fulfil(r.id)
    restricted = [e for e in engine.audit_events() if e.kind == "request.restricted"]
    assert len(restricted) == 1
    assert list(answer.restrictions) == [restricted[0].payload["restriction_id"]]
    assert flaky.restrictions(REF) == {"email": frozenset({pp.RestrictionKind.SUSPEND_USE})}


def test_r_req_7_a_deletion_retried_after_a_failure_erases_what_it_set_out_to(
    engine: pp.Engine, person: pp.Subject, crm: MemorySource, flaky: FlakySource
) -> None:
    flaky.fails = APPLYING  # it reads, and fails to erase
    r = verified(engine, K.DELETION, person)
    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)
    assert crm.get(REF) == {"invoice": VALUES["invoice"]}  # the CRM has erased already

    flaky.failing = False
    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED  # the invoice is kept
    assert [k.item for k in answer.retained] == ["invoice"]
    assert flaky.get(REF) == {}
    assert {o.source: (o.earlier, dict(o.items)) for o in answer.sources} == {
        "crm": (True, {"name": "erased", "email": "erased", "address": "erased"}),
        "newsletter-tool": (False, {"address": "not_held", "email": "erased", "name": "not_held"}),
    }
    assert "E-mail address" in answer.statement


def test_r_req_6_a_disclosure_waits_for_every_source(
    engine: pp.Engine, person: pp.Subject, flaky: FlakySource
) -> None:
    r = verified(engine, K.DISCLOSURE, person)
    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED

    flaky.failing = False
    answer = engine.requests.fulfil(r.id)

    assert answer.report is not None
    rebuilt = engine.requests.answer(r.id)
    assert {o.source for o in rebuilt.sources} == {"crm", "newsletter-tool"}
    assert rebuilt.report is None  # the values were never stored
    email = next(i for i in answer.report["items"] if i["item"] == "email")
    assert email["values"] == {"crm": VALUES["email"], "newsletter-tool": VALUES["email"]}


def test_r_req_6_a_source_answering_something_other_than_a_mapping_has_failed(
    engine: pp.Engine, person: pp.Subject
) -> None:
    class Broken(MemorySource):
        def erase(self, subject_ref: str, items: frozenset[str]) -> Mapping[str, str]:
            return None  # type: ignore[return-value]

    engine.register_source("broken", Broken())
    r = verified(engine, K.DELETION, person, details={"items": ["email"]})
    with pytest.raises(SourceFailed) as failure:
        engine.requests.fulfil(r.id)
    [bad] = [o for o in failure.value.outcomes if not o.ok]
    assert (bad.source, bad.error) == ("broken", "TypeError")


def test_r_req_6_sources_receive_the_applications_own_reference(
    engine: pp.Engine, person: pp.Subject
) -> None:
    seen: list[str] = []

    class Spy(MemorySource):
        def export(self, subject_ref: str) -> Mapping[str, object]:
            seen.append(subject_ref)
            return super().export(subject_ref)

    engine.register_source("spy", Spy())
    engine.requests.fulfil(verified(engine, K.DISCLOSURE, person).id)
    assert seen == [REF]
    assert person.id != REF


def test_r_req_6_sources_are_registered_by_a_unique_name(engine: pp.Engine) -> None:
    engine.register_source("crm", MemorySource())
    with pytest.raises(pp.InvalidInput, match="already registered"):
        engine.register_source("crm", MemorySource())
    with pytest.raises(pp.InvalidInput):
        engine.register_source("", MemorySource())
    with pytest.raises(pp.InvalidInput, match="export, correct, erase and restrict"):
        engine.register_source("notes", object())  # type: ignore[arg-type]
    assert list(engine.requests.sources) == ["crm"]


def test_memory_source_implements_the_protocol_and_hides_values() -> None:
    source = MemorySource({REF: dict(VALUES)})
    assert isinstance(source, DataSource)
    assert "Hanako" not in repr(source)
    assert source.erase(REF, frozenset({"name", "phone"})) == {
        "name": "erased",
        "phone": "not_held",
    }
    assert "name" not in source.get(REF)


def test_r_req_6_without_sources_a_deletion_still_restricts_pipolicys_decisions(
    engine: pp.Engine,
) -> None:
    s = customer(engine)
    r = verified(engine, K.DELETION, s, details={"items": ["email"]})
    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.FULFILLED
    assert answer.sources == ()
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed


def test_r_sec_3_a_source_that_answers_with_values_does_not_leak_them(
    engine: pp.Engine, person: pp.Subject
) -> None:
    class Chatty(MemorySource):
        def correct(self, subject_ref: str, changes: Mapping[str, object]) -> Mapping[str, str]:
            super().correct(subject_ref, changes)
            return {item: f"now {value}" for item, value in changes.items()}

    engine.register_source("chatty", Chatty({REF: {"email": VALUES["email"]}}))
    r = verified(engine, K.CORRECTION, person, details={"changes": {"email": "secret@example.jp"}})

    answer = engine.requests.fulfil(r.id)

    chatty = next(o for o in answer.sources if o.source == "chatty")
    assert dict(chatty.items) == {"email": "done"}
    log = json.dumps([dict(e.payload) for e in engine.audit_events()])
    stored = json.dumps(engine.requests.get(r.id).details)
    assert "secret@example.jp" not in log + stored


# -- a request partly carried out can only be finished (R-REQ-4, R-REQ-7) ------------------

PARTIAL_KINDS = [K.DELETION, K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION, K.CORRECTION]


def stop(engine: pp.Engine, action: str, request_id: str) -> object:
    if action == "refuse":
        return engine.requests.refuse(
            # A ground open for every kind of request (R-REQ-4), whatever is held; the
            # request is verified, so the finding is withdrawn (R-REQ-3).
            request_id,
            ground=pp.RefusalGround.DOCUMENTS_INCOMPLETE,
            explanation="the copy of the ID is unreadable",
            verification_withdrawn=True,
        )
    return engine.requests.withdraw(request_id)


@pytest.mark.parametrize("action", ["refuse", "withdraw"])
@pytest.mark.parametrize("kind", PARTIAL_KINDS, ids=str)
def test_r_req_7_a_partly_carried_out_request_cannot_be_refused_or_withdrawn(
    engine: pp.Engine,
    person: pp.Subject,
    crm: MemorySource,
    flaky: FlakySource,
    kind: pp.RequestKind,
    action: str,
) -> None:
    engine.grant_consent(person, recipient="partner", items={"email"})
    flaky.fails = APPLYING  # it reads, and fails to change the data
    details = {"changes": {"email": "new@example.jp"}} if kind is K.CORRECTION else None
    r = verified(engine, kind, person, details=details)
    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)  # the CRM has done its part, the newsletter tool not
    events = len(list(engine.audit_events()))

    with pytest.raises(pp.InvalidTransition, match=r"fulfil\(\)"):
        stop(engine, action, r.id)

    stored = engine.requests.get(r.id)
    assert stored.state is pp.RequestState.VERIFIED
    assert stored.statement is None
    assert len(list(engine.audit_events())) == events
    flaky.failing = False
    answer = engine.requests.fulfil(r.id)  # the way out: finish it
    assert answer.state in {pp.RequestState.FULFILLED, pp.RequestState.PARTIALLY_FULFILLED}


@pytest.mark.parametrize("action", ["refuse", "withdraw"])
def test_r_req_4_restrictions_in_force_alone_forbid_refusing_or_withdrawing(
    engine: pp.Engine, action: str
) -> None:
    s = customer(engine)
    flaky = FlakySource({REF: {"email": VALUES["email"]}})
    flaky.fails = APPLYING
    engine.register_source("only", flaky)  # the only source fails: nothing applied yet
    r = verified(engine, K.DELETION, s, details={"items": ["email"]})
    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)
    assert not engine.check_use(s, purpose="service", items={"email"}).allowed

    with pytest.raises(pp.InvalidTransition, match="restrictions are in force"):
        stop(engine, action, r.id)

    # Refused or not, the decisions must not cite a request that says it was refused.
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED


@pytest.mark.parametrize("action", ["refuse", "withdraw"])
def test_r_req_4_a_failed_disclosure_can_still_be_refused_or_withdrawn(
    engine: pp.Engine, person: pp.Subject, flaky: FlakySource, action: str
) -> None:
    # Reading changes nothing: a disclosure whose source failed is not partly done.
    r = verified(engine, K.DISCLOSURE, person)
    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)
    stop(engine, action, r.id)
    assert engine.requests.get(r.id).state.final
