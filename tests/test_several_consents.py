"""Provision and use resting on several consents, each covering some of the items
(R-TPP-1, R-USE-4, R-REC-1): the person agreed to each item, so together they may go,
and the decision and the record name every consent."""

from __future__ import annotations

from datetime import date, datetime

import attrs
import pytest

import pipolicy as pp
from tests.factories import T0, make_policy
from tests.requests.support import T0 as SHOP_T0
from tests.requests.support import customer, shop_policy, verified
from tests.test_decision_reasons import world


def test_r_rec_1_a_decision_names_each_consent_it_rests_on_first_one_first() -> None:
    d = pp.Decision(True, pp.Basis.CONSENT, ("r",), (), consent_id="c-1", more_consent_ids=("c-2",))
    assert d.consent_ids == ("c-1", "c-2")
    assert pp.Decision(True, pp.Basis.CONSENT, ("r",), (), consent_id="c-1").consent_ids == ("c-1",)
    assert pp.Decision(False, None, ("r",), ()).consent_ids == ()


@pytest.mark.parametrize(
    ("consent_id", "more"),
    [
        (None, ("c-2",)),
        ("c-1", ("c-1",)),
        ("c-1", ("c-2", "c-2")),
        ("c-1", ["c-2"]),
        ("c-1", ("",)),
    ],
)
def test_r_rec_1_more_consents_need_the_first_and_name_each_once(
    consent_id: str | None, more: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError, match="more_consent_ids"):
        pp.Decision(
            True, pp.Basis.CONSENT, ("r",), (), consent_id=consent_id, more_consent_ids=more
        )


def test_r_rec_1_a_decision_on_several_consents_round_trips_as_json() -> None:
    d = pp.Decision(
        True, pp.Basis.CONSENT, ("r",), (), consent_id="c-1", more_consent_ids=("c-2", "c-3")
    )
    data = pp.to_dict(d)
    assert data["more_consent_ids"] == ["c-2", "c-3"]
    assert pp.from_dict(pp.Decision, data) == d
    assert "more_consent_ids" in pp.json_schema(pp.Decision)["properties"]
    # JSON written before the field existed reads as resting on consent_id alone.
    del data["more_consent_ids"]
    assert pp.from_dict(pp.Decision, data).consent_ids == ("c-1",)


# -- provision and use through the engine, on both backends ---------------------------

SHOWN_US = pp.Evidence("web-form", "consent-v4", foreign_info="notice-foreign-us-v2")


@pytest.fixture(params=["memory", "sqlite"])
def engine(request: pytest.FixtureRequest) -> pp.Engine:
    store = "memory://" if request.param == "memory" else "sqlite:///:memory:"
    return pp.Engine(make_policy(), store=store, clock=pp.FixedClock(T0))


def _held(engine: pp.Engine, ref: str = "u1") -> pp.Subject:
    s = engine.register_subject(ref, category="customer")
    engine.acquire(s, items={"name", "email", "address"}, purposes={"service"}, channel="web")
    return s


def _partner(engine: pp.Engine, s: pp.Subject, items: set[str]) -> pp.Decision:
    return engine.check_provision(s, recipient="partner", purpose="service", items=items)


def test_r_tpp_1_consents_each_for_some_items_together_allow_provision(engine: pp.Engine) -> None:
    """Art. 27(1) asks the person's prior consent to each item's provision: consents to
    give the partner the e-mail address, then the name, cover both given together."""
    s = _held(engine)
    email = engine.grant_consent(s, recipient="partner", items={"email"})
    name = engine.grant_consent(s, recipient="partner", items={"name"})
    d = _partner(engine, s, {"name", "email"})
    assert d.allowed and d.basis is pp.Basis.CONSENT
    assert d.consent_ids == (email.id, name.id) and d.consent_id == email.id
    record = engine.provide(s, recipient="partner", purpose="service", items={"name", "email"})
    assert record.required_by_law and record.consent_ids == (email.id, name.id)
    assert [r.consent_ids for r in engine.provisions(s)] == [(email.id, name.id)]
    [event] = [e for e in engine.audit_events() if e.kind == "provision.recorded"]
    assert event.payload["consent_id"] == email.id
    assert event.payload["more_consent_ids"] == [name.id]
    assert engine.verify_audit().ok


def test_r_tpp_1_one_consent_covering_every_item_is_the_one_named(engine: pp.Engine) -> None:
    s = _held(engine)
    engine.grant_consent(s, recipient="partner", items={"email"})
    both = engine.grant_consent(s, recipient="partner", items={"name", "email"})
    d = _partner(engine, s, {"name", "email"})
    assert d.allowed and d.consent_ids == (both.id,)


def test_r_con_2_withdrawing_one_of_them_stops_its_items_and_says_which(
    engine: pp.Engine,
) -> None:
    s = _held(engine)
    email = engine.grant_consent(s, recipient="partner", items={"email"})
    name = engine.grant_consent(s, recipient="partner", items={"name"})
    engine.withdraw_consent(s, consent_id=name.id)
    d = _partner(engine, s, {"name", "email"})
    assert not d.allowed and d.rules == ("R-TPP-1",)
    [why] = d.why
    # Not "no prior consent": the person did consent, to the e-mail address.
    assert why.key == "provision_consent_items" and why.params["items"] == ("name",)
    assert "'name'" in d.reasons[0] and "no prior consent" not in d.reasons[0]
    [ja] = pp.explain(d, world(), "ja")  # the same policy, with Japanese texts
    assert "同意は" in ja and "及んでおりません" in ja and "いただいておりません" not in ja
    alone = _partner(engine, s, {"email"})
    assert alone.allowed and alone.consent_ids == (email.id,)


def test_r_tpp_1_a_consent_to_another_item_alone_is_still_no_consent_to_this_one(
    engine: pp.Engine,
) -> None:
    s = _held(engine)
    engine.grant_consent(s, recipient="partner", items={"email"})
    d = _partner(engine, s, {"name"})
    assert not d.allowed and d.why[0].key == "provision_consent_items"
    assert d.why[0].params["items"] == ("name",)
    fresh = _held(engine, "u2")
    assert _partner(engine, fresh, {"name"}).why[0].key == "no_provision_consent"


def test_r_use_7_permission_to_each_item_together_allows_collection_and_use(
    engine: pp.Engine,
) -> None:
    """A purpose asking permission first (R-USE-7): the person gave it for the name,
    then for the e-mail address; collecting and using both rests on the two."""
    s = engine.register_subject("u1", category="customer")
    name = engine.grant_consent(s, purpose="signup", items={"name"})
    email = engine.grant_consent(s, purpose="signup", items={"email"})
    acquired = engine.check_acquisition(
        s, items={"name", "email"}, purposes={"signup"}, channel="web"
    )
    assert acquired.allowed and acquired.consent_ids == (name.id, email.id)
    engine.acquire(s, items={"name", "email"}, purposes={"signup"}, channel="web")
    d = engine.check_use(s, purpose="signup", items={"name", "email"})
    assert d.allowed and d.basis is pp.Basis.CONSENT
    assert d.consent_ids == (name.id, email.id)


def test_r_xb_1_consents_abroad_each_with_the_information_together_allow_it() -> None:
    base = make_policy()
    partner = attrs.evolve(base.recipients["partner"], country="US")
    engine = pp.Engine(
        make_policy(recipients={**base.recipients, "partner": partner}),
        clock=pp.FixedClock(T0),
    )
    s = _held(engine)
    email = engine.grant_consent(s, recipient="partner", items={"email"}, evidence=SHOWN_US)
    name = engine.grant_consent(s, recipient="partner", items={"name"})  # not shown the US
    d = _partner(engine, s, {"name", "email"})
    assert not d.allowed and d.rules == ("R-XB-1",)
    assert "evidence.foreign_info" in d.reasons[0]
    engine.withdraw_consent(s, consent_id=name.id)
    again = engine.grant_consent(s, recipient="partner", items={"name"}, evidence=SHOWN_US)
    d = _partner(engine, s, {"name", "email"})
    assert d.allowed and d.consent_ids == (email.id, again.id)
    assert "APPI Art. 28" in d.citations


# -- the person's requests look at every consent a record names -------------------------


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_r_req_7_a_provision_on_two_consents_is_no_ground_for_suspension(backend: str) -> None:
    """Art. 35(3): suspension of provision is due for a provision without consent. One
    made on two consents, each for some of the items, had it: the investigation finds
    nothing; a record naming a consent the person never gave is found, as before."""
    store = "memory://" if backend == "memory" else "sqlite:///:memory:"
    engine = pp.Engine(shop_policy(), store=store, clock=pp.FixedClock(SHOP_T0))
    person = customer(engine)
    email = engine.grant_consent(person, recipient="partner", items={"email"})
    name = engine.grant_consent(person, recipient="partner", items={"name"})
    record = engine.provide(person, recipient="partner", purpose="service", items={"name", "email"})
    assert record.consent_ids == (email.id, name.id)
    d = engine.check_use(person, purpose="service", items={"name", "email"})
    assert d.allowed

    r = verified(engine, pp.RequestKind.SUSPENSION_OF_PROVISION, person)
    assert engine.requests.investigate(r.id).relevant == ()
    # Art. 33(5): the disclosure of the records names both consents.
    shown = verified(engine, pp.RequestKind.PROVISION_RECORDS, person)
    report = engine.requests.fulfil(shown.id).report
    assert report is not None
    [entry] = report["provision_records"]
    assert entry["consent_id"] == email.id and entry["consent_ids"] == [email.id, name.id]

    other = customer(engine, ref="cust-2")
    engine.grant_consent(other, recipient="partner", items={"email"})
    made = engine.provide(other, recipient="partner", purpose="service", items={"email"})
    forged = attrs.evolve(made, id="forged", items=frozenset({"name", "email"}))
    with engine.store.unit_of_work() as uow:  # as an import from an older system might
        uow.provisions.add(forged)
        uow.commit()
    r = verified(engine, pp.RequestKind.SUSPENSION_OF_PROVISION, other)
    [finding] = engine.requests.investigate(r.id).relevant
    assert finding.evidence == "provision:forged"
    assert finding.facts["problem"] == "items_not_covered"


def test_r_req_7_a_use_on_two_permissions_is_no_ground_for_suspension() -> None:
    """Art. 35(1): suspension of use is due for a use beyond what the person allowed.
    Health data used on two permissions, one for each item, was allowed: nothing found."""
    engine = pp.Engine(shop_policy(), clock=pp.FixedClock(SHOP_T0))
    person = engine.register_subject("cust-1")
    for item in ("name", "medical_history"):
        engine.grant_consent(person, purpose="health", items={item})
    engine.acquire(person, items={"name", "medical_history"}, purposes={"health"}, channel="web")
    d = engine.use(person, purpose="health", items={"name", "medical_history"})
    assert d.allowed and len(d.consent_ids) == 2
    [event] = [e for e in engine.audit_events() if e.kind == "use.allowed"]
    assert event.payload["more_consent_ids"] == [d.consent_ids[1]]

    r = verified(engine, pp.RequestKind.SUSPENSION_OF_USE, person)
    assert engine.requests.investigate(r.id).relevant == ()


def test_r_con_3_consents_each_for_some_items_given_before_a_change_say_so() -> None:
    """R-CON-3: two consents, one for the name and one for the e-mail address, both given
    before the purpose changed beyond relevance: the denial says the purpose changed, as
    it does for one consent covering both, not that the use is beyond the purposes."""
    base = make_policy()
    change = pp.PurposeChange(
        date(2026, 4, 10), related=False, notified=date(2026, 4, 10), how="on the website"
    )
    offers = pp.Purpose("offers", items={"name", "email"}, changes=(change,))
    policy = make_policy(
        purposes={**base.purposes, "offers": offers}, revised=date(2026, 4, 10), version="v2"
    )
    for split in (False, True):
        clock = pp.FixedClock(T0)
        engine = pp.Engine(policy, clock=clock)
        s = _held(engine)
        for items in ({"name"}, {"email"}) if split else ({"name", "email"},):
            engine.grant_consent(s, purpose="offers", items=items)
        clock.set(datetime(2026, 4, 11, 10, 0, tzinfo=T0.tzinfo))
        d = engine.check_use(s, purpose="offers", items={"name", "email"})
        assert not d.allowed and [w.key for w in d.why] == ["purpose_changed"], split


def test_r_con_2_a_provision_after_the_person_withdrew_says_so(engine: pp.Engine) -> None:
    """R-CON-2: after the person withdrew their consent to the partner, a provision is
    denied saying they withdrew it, and when, not that they never consented; a new
    consent makes it possible again."""
    s = _held(engine)
    consent = engine.grant_consent(s, recipient="partner", items={"email"})
    engine.withdraw_consent(s, consent_id=consent.id)
    d = _partner(engine, s, {"email"})
    assert not d.allowed and [w.key for w in d.why] == ["provision_declined"]
    assert d.why[0].params["how"] == "withdrawn" and d.why[0].params["on"] == "2026-04-01"
    assert "withdrew consent to provision to 'partner' on 2026-04-01" in d.reasons[0]
    [ja] = pp.explain(d, world(), "ja")
    assert "2026年4月1日" in ja and "撤回" in ja
    engine.grant_consent(s, recipient="partner", items={"email"})
    assert _partner(engine, s, {"email"}).allowed
