"""R-REQ-6, R-REQ-7: a deletion, suspension or correction reaches the data the
application's sources hold, not only what pipolicy recorded acquiring.

Data migrated from an older system sits in the CRM before pipolicy records anything about
it. A disclosure lists it (``"recorded": false``); the other kinds learn which items of
the policy each source holds from its ``export``, keeping the item names only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import attrs
import pytest

import pipolicy as pp
from pipolicy.domain.restrictions import RestrictionKind
from pipolicy.requests import MemorySource, SourceFailed

from .support import APPLYING, TAX_DUTY, FlakySource, shop_policy, verified

K = pp.RequestKind
MIGRATED = {"name": "Taro Sato", "email": "taro@example.jp"}
STRANGER = "jiro@example.com"  # a key the policy does not declare: itself data


@pytest.fixture
def migrated(engine: pp.Engine, crm: MemorySource) -> pp.Subject:
    """A customer the CRM holds, of whom pipolicy has recorded no acquisition."""
    s = engine.register_subject("user-99")
    crm.put("user-99", MIGRATED)
    return s


def kept(engine: pp.Engine, request_id: str) -> str:
    """Everything pipolicy keeps about the request, as one text to search."""
    r = engine.requests.get(request_id)
    return json.dumps(
        [r.details, [list(h) for h in r.history], r.statement, repr(r)]
        + [[e.kind, dict(e.payload)] for e in engine.audit_events()],
        default=str,
    )


def test_r_req_7_a_deletion_erases_what_only_a_source_holds(
    engine: pp.Engine, crm: MemorySource, migrated: pp.Subject
) -> None:
    r = verified(engine, K.DELETION, migrated)

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert crm.get("user-99") == {}
    assert "E-mail address, Name" in answer.statement
    assert not engine.check_use(migrated, purpose="service", items={"email"}).allowed
    for value in MIGRATED.values():
        assert value not in kept(engine, r.id)


def test_r_req_7_a_source_only_item_under_an_item_duty_is_kept(
    engine: pp.Engine, crm: MemorySource, migrated: pp.Subject
) -> None:
    crm.put("user-99", {"invoice": "INV-0099"})
    r = verified(engine, K.DELETION, migrated)

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert [(k.item, k.reason) for k in answer.retained] == [("invoice", TAX_DUTY)]
    assert crm.get("user-99") == {"invoice": "INV-0099"}
    assert not engine.check_use(migrated, purpose="service", items={"invoice"}).allowed


def test_r_req_7_a_named_item_only_a_source_holds_is_erased(
    engine: pp.Engine, crm: MemorySource
) -> None:
    s = engine.register_subject("user-100")
    engine.acquire(s, items={"name"}, purposes={"service"}, channel="web")
    crm.put("user-100", {"name": "Jiro", "email": "jiro@example.jp"})
    r = verified(engine, K.DELETION, s, details={"items": ["email", "phone"]})

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED  # no phone number is held
    assert crm.get("user-100") == {"name": "Jiro"}
    assert "Phone number" in answer.statement.split("\n\n")[-2]  # named, not held


@pytest.mark.parametrize("kind", [K.SUSPENSION_OF_USE, K.SUSPENSION_OF_PROVISION])
def test_r_req_7_a_suspension_reaches_what_only_a_source_holds(
    engine: pp.Engine, crm: MemorySource, migrated: pp.Subject, kind: pp.RequestKind
) -> None:
    answer = engine.requests.fulfil(verified(engine, kind, migrated).id)

    assert answer.state is pp.RequestState.FULFILLED
    restriction = (
        RestrictionKind.SUSPEND_USE
        if kind is K.SUSPENSION_OF_USE
        else RestrictionKind.SUSPEND_PROVISION
    )
    assert crm.restrictions("user-99") == {
        "email": frozenset({restriction}),
        "name": frozenset({restriction}),
    }


def test_r_req_6_a_correction_of_what_only_a_source_holds_is_made(
    engine: pp.Engine, crm: MemorySource, migrated: pp.Subject
) -> None:
    r = verified(engine, K.CORRECTION, migrated, details={"changes": {"email": "taro@example.com"}})

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert answer.changes == {"email": "corrected"}
    assert crm.get("user-99")["email"] == "taro@example.com"


@pytest.mark.parametrize("kind", [K.DELETION, K.SUSPENSION_OF_USE, K.CORRECTION])
def test_r_req_7_with_nothing_held_anywhere_it_is_not_retained(
    engine: pp.Engine, crm: MemorySource, kind: pp.RequestKind
) -> None:
    s = engine.register_subject("user-0")
    # A key the policy does not name is the person's data all the same: a request about
    # every item that finds it is not answered "we hold none" (tests/test_review80_
    # requests.py). A correction names its items, so it does not reach that key.
    held = {STRANGER: "a key the policy does not name"} if kind is K.CORRECTION else {}
    crm.put("user-0", held)
    details = {"changes": {"email": "x@example.jp"}} if kind is K.CORRECTION else None

    answer = engine.requests.fulfil(verified(engine, kind, s, details=details).id)

    assert answer.ground is pp.RefusalGround.NOT_RETAINED
    assert crm.get("user-0") == held


def test_r_req_10_keys_a_source_exports_are_learnt_as_item_names_only(
    engine: pp.Engine, crm: MemorySource, migrated: pp.Subject
) -> None:
    erased: list[frozenset[str]] = []

    class Recording(MemorySource):
        def erase(self, subject_ref: str, items: frozenset[str]) -> Mapping[str, str]:
            erased.append(items)
            return super().erase(subject_ref, items)

    engine.register_source("old-crm", Recording({"user-99": {STRANGER: "x", "phone": "03-1"}}))
    r = verified(engine, K.DELETION, migrated)

    engine.requests.fulfil(r.id)

    assert erased == [frozenset({"name", "email", "phone"})]  # never the stranger's key
    records = kept(engine, r.id)
    assert STRANGER not in records and "03-1" not in records
    assert "Taro Sato" not in records


@pytest.mark.parametrize("kind", [K.DELETION, K.SUSPENSION_OF_USE, K.CORRECTION])
def test_r_req_6_a_source_failing_to_export_leaves_the_request_verified(
    engine: pp.Engine, crm: MemorySource, migrated: pp.Subject, kind: pp.RequestKind
) -> None:
    flaky = FlakySource({"user-99": {"phone": "03-1234"}})
    engine.register_source("phones", flaky)
    details = {"changes": {"phone": "03-9999"}} if kind is K.CORRECTION else None
    r = verified(engine, kind, migrated, details=details)

    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)

    stored = engine.requests.get(r.id)
    assert stored.state is pp.RequestState.VERIFIED
    assert stored.details["sources"]["phones"] == {  # type: ignore[index]
        **stored.details["sources"]["phones"],  # type: ignore[index]
        "operation": "export",
        "ok": False,
        "error": "ConnectionError",
    }
    assert crm.get("user-99") == MIGRATED  # nothing was changed
    assert "03-1234" not in kept(engine, r.id)
    # Nothing is carried out yet, so the business may still refuse it.
    if kind is not K.CORRECTION:
        assert "restrictions" not in stored.details
    flaky.failing = False
    assert engine.requests.fulfil(r.id).state is pp.RequestState.FULFILLED


def test_r_req_6_without_a_source_only_the_records_count(engine: pp.Engine) -> None:
    s = engine.register_subject("user-1")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")

    answer = engine.requests.fulfil(verified(engine, K.DELETION, s).id)

    assert answer.state is pp.RequestState.FULFILLED
    assert answer.sources == ()
    assert "E-mail address" in answer.statement


def test_r_req_7_a_deletion_retried_reaches_what_the_sources_held_at_first(
    engine: pp.Engine, crm: MemorySource, migrated: pp.Subject
) -> None:
    phones = FlakySource({"user-99": {"phone": "03-1234"}})
    phones.fails = APPLYING  # it reads, and fails to erase
    engine.register_source("phones", phones)
    r = verified(engine, K.DELETION, migrated)
    with pytest.raises(SourceFailed):
        engine.requests.fulfil(r.id)
    assert crm.get("user-99") == {}  # the CRM has erased already

    phones.failing = False
    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert "E-mail address, Name, Phone number" in answer.statement
    assert phones.calls == ["export", "erase", "erase"]  # read once, not on the retry
    assert phones.get("user-99") == {}


@pytest.mark.parametrize("kind", [K.DISCLOSURE, K.DELETION, K.SUSPENSION_OF_USE])
def test_r_req_4_not_retained_is_no_answer_while_a_source_holds_the_data(
    engine: pp.Engine, migrated: pp.Subject, kind: pp.RequestKind
) -> None:
    """A refusal must not say "we hold none" of what fulfilment would find in the CRM."""
    r = verified(engine, kind, migrated)
    with pytest.raises(pp.InvalidInput, match="sources hold items") as refused:
        engine.requests.refuse(
            r.id, ground=pp.RefusalGround.NOT_RETAINED, explanation="nothing held"
        )
    assert "email, name" in str(refused.value)
    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED
    for value in MIGRATED.values():
        assert value not in kept(engine, r.id)


def test_r_req_1_a_source_item_no_purpose_may_reach_is_notified_with_its_published_ones(
    engine: pp.Engine, crm: MemorySource
) -> None:
    """The CRM holds only a medical history, published for ``health`` alone, which needs
    the person's permission first (R-USE-7), never given. The data is held all the same:
    the notification names the purpose the policy publishes it for, never "we retain no
    personal data about you" (Art. 32(2)), which the disclosure of the same person
    would contradict."""
    s = engine.register_subject("user-77")
    crm.put("user-77", {"medical_history": "pollen allergy"})
    r = verified(engine, K.PURPOSE_NOTIFICATION, s)

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED and answer.ground is None
    assert answer.report is not None
    assert {p["name"]: p["items"] for p in answer.report["purposes"]} == {
        "health": ["medical_history"]
    }
    assert "pollen allergy" not in kept(engine, r.id)


def _with_an_item_no_purpose_covers() -> pp.Policy:
    policy = shop_policy()
    return attrs.evolve(policy, items={**policy.items, "fax": pp.DataItem("fax")})


@pytest.mark.parametrize("policy", [_with_an_item_no_purpose_covers()])
def test_r_req_1_a_source_item_no_purpose_covers_is_left_to_a_manual_answer(
    engine: pp.Engine, crm: MemorySource
) -> None:
    """The CRM holds only a fax number, an item the policy declares for no purpose: there
    is no purpose to notify, and "we retain no personal data about you" would be untrue,
    so fulfil() asks for an answer by hand and records nothing."""
    s = engine.register_subject("user-78")
    crm.put("user-78", {"fax": "03-0000-0000"})
    r = verified(engine, K.PURPOSE_NOTIFICATION, s)

    with pytest.raises(pp.InvalidInput, match="no purpose of the policy covers"):
        engine.requests.fulfil(r.id)

    assert engine.requests.get(r.id).state is pp.RequestState.VERIFIED


def test_r_req_1_a_purpose_notification_answers_for_what_only_a_source_holds(
    engine: pp.Engine, migrated: pp.Subject
) -> None:
    """Art. 32(2): the purposes of the retained personal data are owed whether or not
    pipolicy recorded acquiring it. "We retain no personal data about you" would be
    untrue while the CRM holds the person's name and e-mail address (and a disclosure
    lists them): the purposes the policy publishes for those items are notified."""
    r = verified(engine, K.PURPOSE_NOTIFICATION, migrated)

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.FULFILLED
    assert answer.ground is None
    assert answer.report is not None
    notified = {p["name"]: p["items"] for p in answer.report["purposes"]}
    # Not "health": it needs the person's permission first (R-USE-7), never given.
    assert notified == {
        "service": ["email", "name"],
        "newsletter": ["email"],
        "campaign": ["email"],
    }
    assert "To deliver what the customer ordered" in answer.statement
    for value in MIGRATED.values():
        assert value not in kept(engine, r.id)


def test_r_req_1_a_purpose_notification_of_nothing_held_anywhere_is_not_retained(
    engine: pp.Engine, crm: MemorySource
) -> None:
    nobody = engine.register_subject("user-0")
    answer = engine.requests.fulfil(verified(engine, K.PURPOSE_NOTIFICATION, nobody).id)
    assert answer.ground is pp.RefusalGround.NOT_RETAINED


def test_r_req_4_not_retained_stands_when_no_source_holds_anything(
    engine: pp.Engine, crm: MemorySource
) -> None:
    nobody = engine.register_subject("user-0")
    r = verified(engine, K.DISCLOSURE, nobody)
    answer = engine.requests.refuse(
        r.id, ground=pp.RefusalGround.NOT_RETAINED, explanation="see our letter"
    )
    assert answer.ground is pp.RefusalGround.NOT_RETAINED


def test_r_req_7_legal_retention_of_an_item_only_a_source_holds_stands(
    engine: pp.Engine, crm: MemorySource, migrated: pp.Subject
) -> None:
    """A duty declared on the item counts for an item pipolicy never recorded: the
    refusal agrees with what fulfilment would keep."""
    crm.put("user-99", {"invoice": "INV-0099"})
    r = verified(engine, K.DELETION, migrated, details={"items": ["invoice"]})
    answer = engine.requests.refuse(
        r.id, ground=pp.RefusalGround.LEGAL_RETENTION, explanation="tax"
    )
    assert answer.ground is pp.RefusalGround.LEGAL_RETENTION
    whole = verified(engine, K.DELETION, migrated)  # name and e-mail have no duty
    with pytest.raises(pp.InvalidInput, match="email, name"):
        engine.requests.refuse(
            whole.id, ground=pp.RefusalGround.LEGAL_RETENTION, explanation="see our letter"
        )
