"""R-REQ-6, R-REQ-7 (APPI Art. 34): what a correction adds, and what it will not add back.

A correction may add contents "to the extent necessary to achieve the purposes of use"
(Art. 34(2)). Before, an item the person asked to add reached the sources, which then
held it, but pipolicy recorded no acquisition: decisions refused it as never acquired,
a disclosure did not list it as recorded, a notification of purposes left it out. Now
the item is recorded as acquired for the purposes of the person's data that need it,
with the answer, through the request (its id as the source).

An item a deletion the person asked for erased is not added back by a correction (that
would undo the deletion without notice; giving it again is a new acquisition). Before,
the answer said only that the information "does not correspond to personal data we
retain", while the person's other data was held. Now it says the item was deleted at
the person's request (which request, on what day in the policy's time zone) and that
to have it held again they give it anew.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import pipolicy as pp
from pipolicy.requests import MemorySource
from tests.factories import bilingual_head, toml_data
from tests.requests.support import REF, T0, VALUES, customer, passport, shop_policy, verified

K = pp.RequestKind
PHONE = "03-1234-5678"


def _shop(at: datetime = T0) -> tuple[pp.Engine, pp.FixedClock, MemorySource, pp.Subject]:
    clock = pp.FixedClock(at)
    engine = pp.Engine(shop_policy(), clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    return engine, clock, crm, customer(engine, crm)


def _added(engine: pp.Engine, s: pp.Subject) -> list[pp.Acquisition]:
    return [a for a in engine.acquisitions(s) if "phone" in a.items]


# -- 1. an item a correction adds is recorded as acquired -------------------------------


def test_r_req_6_an_item_a_correction_adds_is_recorded_as_acquired_for_the_purposes_needing_it() -> (
    None
):
    engine, clock, crm, s = _shop()
    assert not engine.check_use(s, purpose="service", items={"phone"}).allowed
    r = verified(engine, K.CORRECTION, s, details={"changes": {"phone": PHONE}})

    answer = engine.requests.fulfil(r.id)

    assert answer.changes == {"phone": "added"}
    assert crm.get(REF)["phone"] == PHONE
    [acq] = _added(engine, s)
    assert acq.items == {"phone"}
    assert acq.purposes == {"service"}  # not the newsletter's: it does not need a phone
    assert acq.channel is pp.Channel.MAIL  # the request came, and is answered, by post
    assert acq.source == r.id
    assert acq.acquired_at == clock.now()
    clock.advance(timedelta(days=1))
    assert engine.check_use(s, purpose="service", items={"phone"}).allowed
    assert not engine.check_use(s, purpose="newsletter", items={"phone"}).allowed
    kinds = [e.kind for e in engine.audit_events() if e.subject_id == s.id]
    assert kinds.count("acquisition.recorded") == 2  # the order form's and this one


def test_r_req_6_an_added_item_is_disclosed_as_recorded_and_its_purposes_notified() -> None:
    engine, clock, _, s = _shop()
    engine.requests.fulfil(
        verified(engine, K.CORRECTION, s, details={"changes": {"phone": PHONE}}).id
    )
    clock.advance(timedelta(days=1))

    disclosure = engine.requests.fulfil(verified(engine, K.DISCLOSURE, s).id)
    notification = engine.requests.fulfil(verified(engine, K.PURPOSE_NOTIFICATION, s).id)

    assert disclosure.report is not None and notification.report is not None
    items = disclosure.report["items"]
    assert isinstance(items, list)
    [phone] = [x for x in items if x["item"] == "phone"]
    assert phone["recorded"] is True
    assert phone["purposes"] == ["service"]
    assert phone["values"] == {"crm": PHONE}
    purposes = notification.report["purposes"]
    assert isinstance(purposes, list)
    [service] = [p for p in purposes if p["name"] == "service"]
    assert "phone" in service["items"]


def test_r_req_6_an_electronic_request_records_its_addition_as_received_by_other_means() -> None:
    """The Channel enum has no "by request": an electronic answer does not say whether the
    request came through a form or by e-mail, so the channel claims neither."""
    engine, _, _, s = _shop()
    r = verified(
        engine, K.CORRECTION, s, method="electronic", details={"changes": {"phone": PHONE}}
    )
    engine.requests.fulfil(r.id)
    [acq] = _added(engine, s)
    assert acq.channel is pp.Channel.OTHER
    assert acq.source == r.id


def test_r_req_6_correcting_held_items_records_no_acquisition() -> None:
    engine, _, _, s = _shop()
    before = engine.acquisitions(s)
    r = verified(engine, K.CORRECTION, s, details={"changes": {"name": "Hanako Suzuki"}})
    assert engine.requests.fulfil(r.id).changes == {"name": "corrected"}
    assert engine.acquisitions(s) == before


def test_r_req_6_an_addition_beyond_the_purposes_is_neither_made_nor_recorded() -> None:
    engine, _, crm, s = _shop()
    r = verified(engine, K.CORRECTION, s, details={"changes": {"medical_history": "pollen"}})
    answer = engine.requests.fulfil(r.id)
    assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    assert "medical_history" not in crm.get(REF)
    assert not [a for a in engine.acquisitions(s) if "medical_history" in a.items]


class _Failing(MemorySource):
    """A source whose ``correct`` fails once."""

    def __init__(self) -> None:
        super().__init__()
        self.fail = True

    def correct(self, subject_ref: str, changes: Mapping[str, object]) -> Mapping[str, str]:
        if self.fail:
            self.fail = False
            raise RuntimeError("down")
        return super().correct(subject_ref, changes)


def test_r_req_6_the_addition_is_recorded_with_the_answer_once_even_after_a_failing_source() -> (
    None
):
    engine, _, crm, s = _shop()
    billing = _Failing()
    billing.put(REF, {"name": VALUES["name"]})
    engine.register_source("billing", billing)
    r = verified(engine, K.CORRECTION, s, details={"changes": {"phone": PHONE}})

    with pytest.raises(pp.SourceFailed):
        engine.requests.fulfil(r.id)
    # The crm holds it already, but the request is not answered: nothing recorded yet.
    assert crm.get(REF)["phone"] == PHONE
    assert _added(engine, s) == []

    answer = engine.requests.fulfil(r.id)
    assert answer.state is pp.RequestState.FULFILLED
    assert len(_added(engine, s)) == 1


# -- 2. an item a requested deletion erased is not added back, and the answer says why ---


BILINGUAL = (
    bilingual_head("shop-1")
    + """
[items.name]
title = { ja = "氏名", en = "Name" }
[items.email]
title = { ja = "メールアドレス", en = "E-mail address" }
[purposes.service]
title = { ja = "商品の配送のため", en = "To deliver orders" }
items = ["name", "email"]
[requests]
window = { ja = "privacy@example.jp", en = "privacy@example.jp" }
"""
)


def _deleted_name(at: datetime) -> tuple[pp.Engine, pp.FixedClock, MemorySource, pp.Subject, str]:
    """A customer whose name a deletion they asked for erased, a day later."""
    clock = pp.FixedClock(at)
    engine = pp.Engine(pp.policy_from_dict(toml_data(BILINGUAL)), clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = engine.register_subject(REF)
    engine.acquire(s, items={"name", "email"}, purposes={"service"}, channel="web")
    crm.put(REF, {"name": VALUES["name"], "email": VALUES["email"]})
    d = verified(engine, K.DELETION, s, details={"items": ["name"]})
    engine.requests.fulfil(d.id)
    clock.advance(timedelta(days=1))
    return engine, clock, crm, s, d.id


# 08:00 in Tokyo is still the day before in UTC: the letter dates it in the policy's zone.
EARLY = datetime(2026, 11, 22, 8, 0, tzinfo=timezone(timedelta(hours=9)))


@pytest.mark.parametrize(
    ("lang", "day", "anew"),
    [("en", "2026-11-22", "anew"), ("ja", "2026年11月22日", "あらためて")],
)
def test_r_req_7_a_correction_adding_back_a_deleted_item_says_it_was_deleted_at_request(
    lang: str, day: str, anew: str
) -> None:
    engine, _, crm, s, deletion = _deleted_name(EARLY)
    r = engine.requests.submit(
        K.CORRECTION,
        subject=s,
        documents=[passport()],
        details={"changes": {"name": "Hanako Suzuki"}},
        language=lang,
    )
    engine.requests.verify(r.id)

    answer = engine.requests.fulfil(r.id)

    # Not added back: that would undo the deletion without notice.
    assert "name" not in crm.get(REF)
    assert not [a for a in engine.acquisitions(s) if a.source == r.id]
    assert answer.state is pp.RequestState.REFUSED
    assert answer.ground is pp.RefusalGround.NOT_RETAINED
    assert deletion in answer.statement
    assert day in answer.statement and "2026-11-21" not in answer.statement
    assert anew in answer.statement
    # It does not say the person's data is not held: the rest is.
    assert "none of the items you asked to correct is held" not in answer.statement
    assert "いずれも" not in answer.statement


def test_r_req_7_a_correction_adding_back_a_deleted_item_and_correcting_another_is_partial() -> (
    None
):
    engine, _, crm, s, deletion = _deleted_name(T0)
    r = engine.requests.submit(
        K.CORRECTION,
        subject=s,
        documents=[passport()],
        details={"changes": {"name": "Hanako Suzuki", "email": "h.suzuki@example.jp"}},
        language="en",
    )
    engine.requests.verify(r.id)

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.PARTIALLY_FULFILLED
    assert answer.changes == {"email": "corrected", "name": "not_held"}
    assert crm.get(REF)["email"] == "h.suzuki@example.jp" and "name" not in crm.get(REF)
    assert deletion in answer.statement and "2026-11-22" in answer.statement
    assert "anew" in answer.statement
    # Told once, by why it is not held, not also as an item "we do not retain".
    assert "We do not retain the following items" not in answer.statement


def test_r_req_7_a_correction_of_an_item_never_held_still_says_it_is_not_held() -> None:
    """Only what a deletion erased is explained by it: the plain answer stays for the rest."""
    engine, _, _, s, deletion = _deleted_name(T0)
    r = verified(engine, K.CORRECTION, s, details={"changes": {"email": "x@example.jp"}})
    answer = engine.requests.fulfil(r.id)
    assert answer.changes == {"email": "corrected"}
    assert deletion not in answer.statement


def test_r_req_6_the_answered_request_keeps_the_ids_of_what_its_addition_recorded() -> None:
    engine, _, _, s = _shop()
    r = verified(engine, K.CORRECTION, s, details={"changes": {"phone": PHONE}})
    engine.requests.fulfil(r.id)
    [acq] = _added(engine, s)
    outcome = engine.requests.get(r.id).details["outcome"]
    assert isinstance(outcome, Mapping)
    assert outcome["acquisitions"] == [acq.id]
    [event] = [e for e in engine.audit_events() if e.payload.get("acquisition_id") == acq.id]
    assert event.kind == "acquisition.recorded"
    assert event.payload["request_id"] == r.id
    assert event.payload["items"] == ["phone"]
    assert engine.verify_audit().ok


def test_r_req_7_a_refusal_beyond_the_purposes_also_says_what_a_deletion_took() -> None:
    engine, clock, crm, s = _shop()
    d = verified(engine, K.DELETION, s, details={"items": ["address"]})
    engine.requests.fulfil(d.id)
    clock.advance(timedelta(days=1))
    r = verified(
        engine,
        K.CORRECTION,
        s,
        details={"changes": {"address": "9-9 Shibuya", "medical_history": "pollen"}},
    )

    answer = engine.requests.fulfil(r.id)

    assert answer.ground is pp.RefusalGround.BEYOND_PURPOSES
    assert d.id in answer.statement and "Postal address" in answer.statement
    assert "address" not in crm.get(REF) and "medical_history" not in crm.get(REF)


def test_r_req_6_a_stored_addition_is_recorded_with_the_answer_in_sql(tmp_path: Path) -> None:
    clock = pp.FixedClock(T0)
    engine = pp.Engine(shop_policy(), store=f"sqlite:///{tmp_path / 'pi.db'}", clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = customer(engine, crm)
    r = verified(engine, K.CORRECTION, s, details={"changes": {"phone": PHONE}})

    engine.requests.fulfil(r.id)

    [acq] = _added(engine, s)
    assert (acq.purposes, acq.source, acq.channel) == (
        frozenset({"service"}),
        r.id,
        pp.Channel.MAIL,
    )
    clock.advance(timedelta(days=1))
    assert engine.check_use(s, purpose="service", items={"phone"}).allowed
    assert engine.verify_audit().ok
    engine.close()


def test_r_acq_3_a_special_care_item_a_correction_adds_is_not_recorded_without_consent() -> None:
    """R-ACQ-3 (Art. 20(2)): special care-required data is acquired only with the
    person's prior consent. A correction adding it for a purpose that needs it, once
    the person has withdrawn that consent, may reach the sources (the person asked),
    but is not recorded as acquired: nothing lets pipolicy's decisions use it (fail
    closed), as an ``acquire`` of it would have been denied."""
    engine, clock, _, s = _shop()
    engine.grant_consent(s, purpose="health")
    engine.acquire(s, items={"name"}, purposes={"health"}, channel="web")
    engine.withdraw_consent(s, purpose="health")
    clock.advance(timedelta(days=1))
    assert not engine.check_acquisition(
        s, items={"medical_history"}, purposes={"health"}, channel="mail"
    ).allowed
    r = verified(engine, K.CORRECTION, s, details={"changes": {"medical_history": "none"}})

    engine.requests.fulfil(r.id)

    assert not [a for a in engine.acquisitions(s) if "medical_history" in a.items]
    assert not engine.check_use(s, purpose="health", items={"medical_history"}).allowed


def test_r_req_6_review_118_an_optional_item_added_is_not_taken_as_chosen_for_any_purpose() -> None:
    """Review 118 (Art. 34(2); R-ACQ-2): an item a purpose lists as optional is not what
    the purpose needs, and the person adding it to their record chose no purpose for it:
    it is not recorded as acquired for that purpose, and its use there stays denied."""
    import attrs

    base = shop_policy()
    items = {**base.items, "birthday": pp.DataItem("birthday", title="Birthday")}
    newsletter = attrs.evolve(base.purposes["newsletter"], optional_items={"birthday"})
    service = attrs.evolve(base.purposes["service"], optional_items={"birthday"})
    policy = attrs.evolve(
        base, items=items, purposes={**base.purposes, "newsletter": newsletter, "service": service}
    )
    clock = pp.FixedClock(T0)
    engine = pp.Engine(policy, clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = customer(engine, crm)
    engine.acquire(s, items={"email"}, purposes={"newsletter"}, channel="web")
    r = verified(engine, K.CORRECTION, s, details={"changes": {"birthday": "1990-01-01"}})

    engine.requests.fulfil(r.id)

    clock.advance(timedelta(days=1))
    assert not [a for a in engine.acquisitions(s) if "birthday" in a.items]
    assert not engine.check_use(s, purpose="newsletter", items={"birthday"}).allowed


def test_r_req_6_review_118_the_recorded_addition_proves_what_it_rests_on() -> None:
    """Review 118 (R-ACC-2): the ``acquisition.recorded`` event of an addition carries
    the acquisition decision's basis, reasons and citations, as ``acquire()``'s does,
    with Art. 34(2) and the request."""
    engine, _, _, s = _shop()
    r = verified(engine, K.CORRECTION, s, details={"changes": {"phone": PHONE}})

    engine.requests.fulfil(r.id)

    [event] = [
        e
        for e in engine.audit_events()
        if e.entry.kind == "acquisition.recorded" and e.entry.payload.get("request_id") == r.id
    ]
    payload = event.entry.payload
    assert payload["basis"] == pp.Basis.NOTIFIED_PURPOSE.value
    assert payload["reasons"] and "APPI Art. 34(2)" in payload["citations"]  # type: ignore[operator]
    assert PHONE not in str(payload)


def test_r_req_6_review_118_a_purpose_past_its_last_day_needs_nothing_a_correction_adds() -> None:
    """Review 118 (Arts. 34(2), 22; R-ACC-1): once a purpose's last day has passed it
    needs no data any more; a correction adding an item only it would need is not
    carried to the sources (``beyond_purposes``), where before it was added."""
    import attrs

    base = shop_policy()
    service = attrs.evolve(base.purposes["service"], ends=datetime(2026, 11, 30).date())
    policy = attrs.evolve(base, purposes={**base.purposes, "service": service})
    clock = pp.FixedClock(T0)
    engine = pp.Engine(policy, clock=clock)
    crm = MemorySource()
    engine.register_source("crm", crm)
    s = customer(engine, crm)
    clock.advance(timedelta(days=20))
    r = verified(engine, K.CORRECTION, s, details={"changes": {"phone": PHONE}})

    answer = engine.requests.fulfil(r.id)

    assert answer.state is pp.RequestState.REFUSED
    assert "phone" not in crm.get(REF)
