"""R-REQ-10: nothing pipolicy records about a request holds a data value or a document's
contents, whatever the application's data sources answer.

Records are the stored request (details, history, statement), the audit log and the
reprs that end up in logs. A source answers each item with a word of its operation's
vocabulary; anything else is recorded as ``"done"``, and keys that are not item names of
the policy are counted, never named.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipolicy as pp
from pipolicy.requests import ACTIONS, MemorySource, SourceOutcome
from pipolicy.storage.repositories import Store

from .support import REF, T0, VALUES, customer, passport, shop_policy, verified

K = pp.RequestKind
STRANGER = "taro@example.com"  # someone else's address, used by a source as a key


def records(engine: pp.Engine, request_id: str) -> str:
    """Everything pipolicy keeps about the request, as one text to search."""
    r = engine.requests.get(request_id)
    kept = [
        r.details,
        [list(h) for h in r.history],
        r.statement,
        repr(r),
        [(e.kind, dict(e.payload)) for e in engine.audit_events()],
    ]
    return json.dumps(kept, default=str)


def answer_text(answer: pp.Answer) -> str:
    """The answer without its report (the report is the person's data, never stored)."""
    return json.dumps(
        [
            answer.statement,
            dict(answer.changes),
            [o.to_dict() for o in answer.sources],
            [repr(o) for o in answer.sources],
            repr(answer),
        ],
        default=str,
    )


class Echo(MemorySource):
    """A careless source: it answers with the values it was given, keys included."""

    def correct(self, subject_ref: str, changes: Mapping[str, object]) -> Mapping[str, str]:
        super().correct(subject_ref, changes)
        return {item: str(value) for item, value in changes.items()}

    def erase(self, subject_ref: str, items: frozenset[str]) -> Mapping[str, str]:
        super().erase(subject_ref, items)
        return {**dict.fromkeys(sorted(items), "erased"), STRANGER: "erased"}

    def restrict(
        self,
        subject_ref: str,
        kind: pp.RestrictionKind,
        items: frozenset[str],
        purposes: frozenset[str],
    ) -> Mapping[str, str]:
        super().restrict(subject_ref, kind, items, purposes)
        return {**dict.fromkeys(sorted(items), "suspended"), STRANGER: "suspended"}


@pytest.fixture
def echo(engine: pp.Engine) -> Echo:
    source = Echo({REF: {"name": VALUES["name"], "email": VALUES["email"]}})
    engine.register_source("echo", source)
    return source


def test_r_req_10_a_correction_echoed_as_a_word_is_not_recorded(
    engine: pp.Engine, person: pp.Subject, echo: Echo
) -> None:
    # "hanako" looks like an action word (lowercase letters only): it is still a value.
    r = verified(engine, K.CORRECTION, person, details={"changes": {"name": "hanako"}})

    answer = engine.requests.fulfil(r.id)

    assert echo.get(REF)["name"] == "hanako"  # the correction was applied
    by_source = {o.source: dict(o.items) for o in answer.sources}
    assert by_source == {"crm": {"name": "corrected"}, "echo": {"name": "done"}}
    assert answer.changes == {"name": "corrected"}
    assert "hanako" not in records(engine, r.id)
    assert "hanako" not in answer_text(answer)
    # The letter of the answer fulfil returns says what the data now reads (Art. 34(3));
    # the answer rebuilt from what is stored cannot.
    assert "hanako" in answer.to_markdown()
    assert "hanako" not in engine.requests.answer(r.id).to_markdown()
    assert "hanako" not in repr(answer) + repr(engine.requests.answer(r.id))


def test_r_req_10_a_source_answering_only_with_its_own_words_is_recorded_as_done(
    engine: pp.Engine, echo: Echo
) -> None:
    s = engine.register_subject(REF)
    engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
    r = verified(engine, K.CORRECTION, s, details={"changes": {"name": "female"}})

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"name": "done"}
    assert "Name (done)" in answer.statement
    assert "female" not in records(engine, r.id) + answer_text(answer)


@pytest.mark.parametrize("kind", [K.DELETION, K.SUSPENSION_OF_USE], ids=str)
def test_r_req_10_keys_that_are_not_items_of_the_policy_are_only_counted(
    engine: pp.Engine, person: pp.Subject, echo: Echo, kind: pp.RequestKind
) -> None:
    r = verified(engine, kind, person)

    answer = engine.requests.fulfil(r.id)

    [outcome] = [o for o in answer.sources if o.source == "echo"]
    assert STRANGER not in outcome.items
    assert outcome.unknown_items == 1
    [done] = [
        e
        for e in engine.audit_events()
        if e.kind == "request.source_done" and e.payload["source"] == "echo"
    ]
    assert done.payload["unknown_items"] == 1
    assert STRANGER not in records(engine, r.id)
    assert STRANGER not in answer_text(answer)
    rebuilt = engine.requests.answer(r.id)
    assert {o.source: o.unknown_items for o in rebuilt.sources} == {"crm": 0, "echo": 1}


def test_r_req_10_a_disclosure_counts_keys_the_policy_does_not_name(
    engine: pp.Engine, person: pp.Subject
) -> None:
    engine.register_source("legacy", MemorySource({REF: {STRANGER: "a note", "email": "x"}}))
    r = verified(engine, K.DISCLOSURE, person)

    answer = engine.requests.fulfil(r.id)

    # The person is owed everything held, so the report (never stored) has it all ...
    assert answer.report is not None
    assert STRANGER in {i["item"] for i in answer.report["items"]}
    # ... but the statement and the records only count it.
    assert "1 more under names our privacy policy does not use" in answer.statement
    assert STRANGER not in records(engine, r.id)
    assert STRANGER not in answer_text(answer)
    [fulfilled] = [e for e in engine.audit_events() if e.kind == "request.fulfilled"]
    assert fulfilled.payload["undeclared_items"] == 1
    assert STRANGER not in fulfilled.payload["items"]  # type: ignore[operator]


WORDS = sorted(set().union(*ACTIONS.values()) | {"done"})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    operation=st.sampled_from(["correct", "erase", "restrict"]),
    answer=st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=12), max_size=4),
)
def test_r_req_10_recorded_outcomes_hold_only_item_names_and_vocabulary_words(
    operation: str, answer: dict[str, str]
) -> None:
    class Anything(MemorySource):
        def correct(self, subject_ref: str, changes: Mapping[str, object]) -> Mapping[str, str]:
            return answer

        def erase(self, subject_ref: str, items: frozenset[str]) -> Mapping[str, str]:
            return answer

        def restrict(
            self,
            subject_ref: str,
            kind: pp.RestrictionKind,
            items: frozenset[str],
            purposes: frozenset[str],
        ) -> Mapping[str, str]:
            return answer

    policy = shop_policy()
    engine = pp.Engine(policy, clock=pp.FixedClock(T0))
    engine.register_source("any", Anything())
    s = customer(engine)
    kind = {"correct": K.CORRECTION, "erase": K.DELETION, "restrict": K.SUSPENSION_OF_USE}
    details = {"changes": {"email": "new@example.jp"}} if operation == "correct" else None
    r = verified(engine, kind[operation], s, details=details)
    engine.requests.fulfil(r.id)

    stored = engine.requests.get(r.id).details["sources"]["any"]  # type: ignore[index]
    outcome = SourceOutcome.from_dict("any", stored)
    declared = {k for k in answer if k in policy.items}
    assert set(outcome.items) == declared
    assert set(outcome.items.values()) <= set(ACTIONS[operation]) | {"done"}
    assert outcome.unknown_items == len(answer) - len(declared)
    assert all(
        outcome.items[k] == (v if v in ACTIONS[operation] else "done")
        for k, v in answer.items()
        if k in declared
    )
    for e in engine.audit_events():
        if e.kind == "request.source_done":
            assert e.payload["items"] == sorted(declared)


def test_r_req_10_no_step_of_any_request_records_a_value(
    store: Store, clock: pp.FixedClock
) -> None:
    """Every kind, every step (extension, investigation, refusal, withdrawal, answer),
    with a source that echoes: the values and the document dates stay out of the
    records; the request's repr shows neither its history nor its details."""
    engine = pp.Engine(shop_policy(), store=store, clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    engine.register_source("echo", Echo({REF: {"email": VALUES["email"]}}))
    s = customer(engine, crm)
    secret = "hanako.new@example.jp"
    done = []
    ids = {}
    for kind in K:
        details = (
            {"changes": {"email": secret, "name": "hanakoyamada"}} if kind is K.CORRECTION else None
        )
        r = verified(engine, kind, s, details=details)
        engine.requests.extend(r.id, due=r.due + timedelta(days=7), reason="archive moved")
        if kind in {K.DELETION, K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION}:
            engine.requests.investigate(r.id)
        ids[kind] = r.id
    # Deletion last: afterwards nothing is held.
    for kind in sorted(K, key=lambda k: k is K.DELETION):
        done.append(engine.requests.fulfil(ids[kind]))
    refused = engine.requests.submit(K.DISCLOSURE, subject=s, documents=[passport()])
    engine.requests.refuse(
        refused.id, ground=pp.RefusalGround.DOCUMENTS_INCOMPLETE, explanation="unreadable"
    )
    withdrawn = engine.requests.submit(K.CORRECTION, subject=s, details={"changes": {"name": "x"}})
    engine.requests.withdraw(withdrawn.id)

    values = [*(str(v) for v in VALUES.values()), secret, "hanakoyamada", STRANGER]
    for r in engine.requests.for_subject(s):
        kept = records(engine, r.id)
        for value in values:
            assert value not in kept, (r.kind, value)
        assert "archive moved" not in repr(r)  # history is not in the repr
        assert "changes" not in repr(r)
    for answer in done:
        for value in values:
            assert value not in answer_text(answer)


def test_r_req_10_an_unknown_key_in_a_correction_is_counted_not_repeated(
    engine: pp.Engine, person: pp.Subject
) -> None:
    # A person may type their address where an item name belongs: the key is data.
    changes: dict[str, object] = {STRANGER: "x", "email": "new@example.jp", "shoe size": 24}
    with pytest.raises(pp.UnknownItem) as at_submit:
        engine.requests.submit(K.CORRECTION, subject=person, details={"changes": changes})
    r = verified(engine, K.CORRECTION, person)
    with pytest.raises(pp.UnknownItem) as at_fulfil:
        engine.requests.fulfil(r.id, changes=changes)

    for raised in (at_submit.value, at_fulfil.value):
        told = f"{raised} {raised!r} {raised.args!r} {raised.name!r}"
        assert STRANGER not in told and "shoe size" not in told
        assert "2 undeclared items" in str(raised)  # counted
        assert "declared: address, email" in str(raised)  # what to use instead
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
